"""What every command-line tool here shares: one-line errors, exit statuses, the privilege check."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable

from xdpdump.errors import PRIVILEGES_NEEDED, InternalError, PrivilegeError, UserError

CAP_NET_ADMIN = 12
CAP_SYS_ADMIN = 21
CAP_BPF = 39


def version() -> str:
    """The installed package's version, as every tool's --version prints it."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("xdpdump")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _VersionAction(argparse.Action):
    """--version: `PROG VERSION` on stdout. The version is read only when asked: importlib.metadata
    costs every start 10-20 ms (python -X importtime)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        sys.stdout.write(f"{parser.prog} {version()}\n")
        parser.exit()


class Parser(argparse.ArgumentParser):
    """argparse as tcpdump users expect it: no option is ever an abbreviation of a longer one (`-p` is
    not `-program`), every tool answers --version, an unknown option is named alone (not the filter
    words after it), and a usage error is one line on stderr with exit status 2."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        if kwargs.get("add_help", True):
            self.add_argument("--version", action=_VersionAction, help="print the version and exit")

    def _get_option_tuples(self, option_string: str) -> list:  # type: ignore[override]
        # argparse still reads `-p` as a prefix of a single-dash long option (`-program`) with
        # allow_abbrev off; keep only what tcpdump allows: a short option with its value attached
        # (`-c5`, `-s0`) or grouped flags (`-vv`, `-nn`).
        return [t for t in super()._get_option_tuples(option_string)
                if len(t[1]) == 2 and t[1][1] != "-" and option_string.startswith(t[1])]

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(unknown_arguments_message(extras))
        return parsed

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message} (see --help)\n")
        sys.exit(2)


def unknown_arguments_message(extras: list[str]) -> str:
    """Name the unknown options only: the words after one (its value? the filter?) are not the user's
    mistake, and argparse's `unrecognized arguments: -C -W 2 udp` blames them too."""
    options = [a for a in extras if a.startswith("-") and a != "-" and not _is_number(a)]
    if options:
        return f"unknown option{'s' if len(options) > 1 else ''} {', '.join(options)}"
    return f"unrecognized arguments: {' '.join(extras)}"


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True


def effective_caps() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return int(line.split()[1], 16)
    return 0


def require_bpf_privileges() -> None:
    """Fail early and clearly rather than with EPERM halfway through an attach."""
    caps = effective_caps()
    has_bpf = caps & (1 << CAP_BPF) or caps & (1 << CAP_SYS_ADMIN)
    if not (caps & (1 << CAP_NET_ADMIN) and has_bpf):
        raise PrivilegeError(PRIVILEGES_NEEDED)


def reopen_standard_fds() -> None:
    """Open /dev/null on any of descriptors 0, 1 and 2 that is closed (`xdpdump ... 2>&-`), first thing:
    the lowest free number is what the next open gets, so the capture or log file would otherwise
    become stderr and every message would be written into it. Python left sys.stdin/stdout/stderr None
    for a descriptor closed at start; each gets a stream on its /dev/null."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            # the lowest free number, which is fd: every lower one is open by now
            os.open(os.devnull, os.O_RDWR)
    for name, fd, mode in (("stdin", 0, "r"), ("stdout", 1, "w"), ("stderr", 2, "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(fd, mode, closefd=False, errors="backslashreplace"))  # noqa: SIM115


def run(prog: str, main: Callable[[list[str]], int], argv: list[str] | None) -> int:
    """Run main, turning UserError into `prog: message` and anything unexpected into one line too."""
    reopen_standard_fds()
    try:
        return main(sys.argv[1:] if argv is None else argv)
    except (UserError, InternalError) as e:
        from xdpdump.printer.escape import visible

        # A message names what the user gave (a device, a path, an expression): escaped as packet text
        # is, so nothing in it can drive the terminal.
        sys.stderr.write(f"{prog}: {visible(str(e))}\n")
        return e.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `xdpdump ... | head`: the reader left; exit quietly as tcpdump does. Close stdout rather
        # than pointing it at /dev/null: a sandboxed supervisor may not open files any more.
        with contextlib.suppress(OSError):
            os.close(sys.stdout.fileno())
        sys.stdout = None  # type: ignore[assignment]
        return 0
    except Exception as e:
        if os.environ.get("XDPDUMP_DEBUG"):
            traceback.print_exc()
        from xdpdump.printer.escape import visible

        sys.stderr.write(f"{prog}: internal error: {type(e).__name__}: {visible(str(e))} (XDPDUMP_DEBUG=1 shows "
                         "more)\n")
        return 1
