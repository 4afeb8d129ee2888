"""Turn an eBPF verifier rejection into one paragraph a user can read.

bcc prints the verifier log on fd 2 itself (from C) when a load fails, and raises a bare
"Permission denied". ``load_func_explained`` captures that log around the load and raises a
UserError whose message is the few lines that say why, without the instruction trace.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

from xdpdump.errors import FilterError

# Lines of the verifier's trace, not its verdict: "12: (71) r1 = ...", "; source @ main.c:3",
# register dumps, the statistics footer and bcc's own banner.
_NOISE = re.compile(
    r"^(\d+: |; |R\d+(_w)?=|from \d+ to \d+|mark_precise|last_idx|frame\d|"
    r"processed \d+ insns|verification time|stack depth|bpf: Failed to load program|"
    r"func#\d|Validating |\s*$|\.\.\.)")


def verifier_reason(log: str, max_lines: int = 3) -> str:
    """The last meaningful lines of a verifier log, joined into one paragraph."""
    lines = [line.strip() for line in log.splitlines()]
    meaningful = [line for line in lines if line and not _NOISE.match(line)]
    tail = meaningful[-max_lines:]
    if not tail:
        tail = [line for line in lines if line][-1:] or ["no verifier log"]
    return "; ".join(line.rstrip(".") for line in tail) + "."


@contextlib.contextmanager
def captured_stderr() -> Iterator[list[str]]:
    """Collect what C code writes on fd 2 during the body (the list gets the text on exit)."""
    import tempfile  # here: only a failed or first (bcc) load gets this far; a warm start never does

    out: list[str] = []
    saved = os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield out
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            out.append(tmp.read().decode(errors="replace"))


def load_func_explained(bpf: Any, func_name: str, prog_type: int, what: str = "the filter") -> Any:
    """``bpf.load_func(func_name, prog_type)``; a verifier rejection raises UserError(one paragraph)."""
    with captured_stderr() as log:
        try:
            return bpf.load_func(func_name, prog_type)
        except Exception as exc:
            failure = exc
    raise FilterError(f"the kernel verifier rejected {what}: {verifier_reason(log[0])}") from failure
