"""Compiling and loading the restricted-C programs in bpf/ with bcc.

Owns: finding bpf/, running bcc with its compiler and verifier output captured (bcc prints both
straight to fd 2 from C++), and turning failures into one-paragraph UserErrors.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xdpdump.errors import PRIVILEGES_NEEDED, UserError
from xdpdump.verifier import captured_stderr, verifier_reason

BPF_DIR = Path(os.environ.get("XDPDUMP_BPF_DIR", Path(__file__).resolve().parent.parent / "bpf"))


def _clang_reason(log: str) -> str:
    errors = [line.strip() for line in log.splitlines() if "error:" in line]
    if errors:
        return "; ".join(e.split("error:", 1)[1].strip() for e in errors[:3])
    return _last_lines(log)


def _last_lines(log: str, n: int = 3) -> str:
    lines = [ln.strip() for ln in log.splitlines() if ln.strip() and "modprobe" not in ln]
    return " ".join(lines[-n:]) if lines else "no reason given"


_LOCAL_INCLUDE = re.compile(r'^#include "([^"]+)"\s*$', re.M)


def _source_with_local_includes(name: str, seen: frozenset[str] = frozenset()) -> str:
    """bpf/NAME with its `#include "..."` lines pasted in.

    bcc rewrites map accesses (`map.lookup(&k)`) only in the main file's text, so code shared
    between programs must become part of that text rather than a real header include.
    """
    path = BPF_DIR / name
    try:
        text = path.read_text()
    except OSError as e:
        raise UserError(f"cannot read BPF program {path}: {e.strerror}") from e

    def paste(match: re.Match) -> str:
        inner = match.group(1)
        if inner in seen:
            return ""
        return _source_with_local_includes(inner, seen | {name, inner})

    return _LOCAL_INCLUDE.sub(paste, text)


@dataclass
class LoadedProgram:
    """A bcc module and one XDP function loaded from it (fd valid while this object lives)."""

    bpf: object  # bcc.BPF
    fd: int
    name: str

    def table(self, name: str) -> Any:
        """The bcc table object of the map called name (bcc makes these lazily)."""
        return self.bpf[name.encode()]  # type: ignore[index]

    def close(self) -> None:
        self.bpf.cleanup()  # type: ignore[attr-defined]


def load_xdp(source_name: str, function: str, prefix: str = "", cflags: list[str] | None = None) -> LoadedProgram:
    """Compile bpf/<source_name> (with optional C text in front) and load function as an XDP program."""
    try:
        from bcc import BPF
    except ImportError as e:
        raise UserError(f"bcc is not importable ({e}); run scripts/setup") from e
    text = prefix + "\n" + _source_with_local_includes(source_name)
    flags = [f"-I{BPF_DIR}", "-Wno-unused-function", *(cflags or [])]
    with captured_stderr() as log:
        try:
            module = BPF(text=text.encode(), cflags=flags)  # bcc wants bytes (str is deprecated)
        except Exception:
            module = None
    if module is None:
        if "Operation not permitted" in log[0]:  # bcc creates the maps while compiling: EPERM
            raise UserError(PRIVILEGES_NEEDED)
        raise UserError(f"bcc could not compile {source_name}: {_clang_reason(log[0])}")
    with captured_stderr() as log:
        try:
            fn = module.load_func(function.encode(), BPF.XDP)
        except Exception as e:
            module.cleanup()
            if isinstance(e, PermissionError) or "Operation not permitted" in str(e):
                raise UserError(PRIVILEGES_NEEDED) from e
            fn = None
    if fn is None:
        raise UserError(f"the kernel verifier rejected {function} from {source_name}: {verifier_reason(log[0])}")
    return LoadedProgram(bpf=module, fd=fn.fd, name=function)
