"""How every command-line tool ends: user mistakes and internal errors are one line, never a traceback."""

from __future__ import annotations

import pytest

from xdpdump.cli.common import run
from xdpdump.errors import InternalError, UserError


def _raising(exc: BaseException):
    def main(argv: list[str]) -> int:
        raise exc

    return main


@pytest.mark.parametrize(("exc", "status", "line"), [
    (UserError("eth9: no such device"), 1, "xdpdump: eth9: no such device\n"),
    (UserError("-c 0: invalid packet count", status=2), 2, "xdpdump: -c 0: invalid packet count\n"),
    (InternalError("umem_destroy: umem still has sockets"), 1,
     "xdpdump: internal error: umem_destroy: umem still has sockets (this is a bug in xdpdump; please report "
     "it with the command line and this message)\n"),
])
def test_errors_are_one_line_with_their_status(capsys, exc, status, line):
    assert run("xdpdump", _raising(exc), []) == status
    assert capsys.readouterr().err == line


def test_an_unexpected_exception_is_one_line_too(capsys):
    assert run("xdpdump", _raising(RuntimeError("boom")), []) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "internal error: RuntimeError: boom" in err
