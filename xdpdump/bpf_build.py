"""Loading the restricted-C programs in bpf/: from the cache when they were built before, else by bcc.

Owns: finding bpf/, the loaded-program interface callers use whichever way a program was loaded (a
program fd, its maps by name, close()), running bcc with its compiler and verifier output captured
(bcc prints both straight to fd 2 from C++), turning bcc's failures into one-paragraph UserErrors,
and filing what bcc built in the cache (bpf_cache.py) so the next start skips bcc.

bcc takes 0.7 s to compile a program on an idle machine (seconds under load); a program from the
cache loads in milliseconds and bcc is not even imported. A cached program the kernel refuses, or
one that comes back with another tag, is rebuilt by bcc, which then reports any error as it always
did: only programs that loaded are ever cached, so bcc's error messages are the cold path's alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from xdpdump import bpfsys, log
from xdpdump.bpf_cache import BpfCache, cache_key
from xdpdump.bpf_image import BadImage, NotCacheable, ProgramImage, image_of_loaded
from xdpdump.errors import PRIVILEGES_NEEDED, FilterError, PrivilegeError, UserError
from xdpdump.verifier import captured_stderr, verifier_reason

XDP = 6  # BPF_PROG_TYPE_XDP (bcc's BPF.XDP)
SCHED_CLS = 3  # BPF_PROG_TYPE_SCHED_CLS (bcc's BPF.SCHED_CLS): TC programs
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
class BpfMap:
    """One map of a loaded program: set entries from ctypes values (or bytes) of the map's sizes."""

    name: str
    fd: int
    key_size: int
    value_size: int

    def __setitem__(self, key: object, value: object) -> None:
        k, v = bytes(key), bytes(value)  # type: ignore[call-overload]  # ctypes values are buffers
        if len(k) != self.key_size or len(v) != self.value_size:
            raise ValueError(f"map {self.name} takes {self.key_size}-byte keys and {self.value_size}-byte "
                             f"values, not {len(k)} and {len(v)}")
        bpfsys.map_update(self.fd, k, v)

    def get_fd(self) -> int:
        return self.fd


@dataclass
class LoadedProgram:
    """One XDP program and its maps, loaded by bcc or from the cache (fds valid until close())."""

    fd: int
    name: str
    from_cache: bool
    bpf: object | None = None  # the bcc module (bcc.BPF), which owns every fd, when bcc loaded it
    map_fds: dict[str, int] = field(default_factory=dict)  # name -> fd, owned here, from the cache
    _maps: dict[str, BpfMap] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> BpfMap:
        """The map called name (KeyError if the program has none)."""
        if name not in self._maps:
            fd = self.bpf[name.encode()].get_fd() if self.bpf is not None else self.map_fds[name]  # type: ignore[index]
            info = bpfsys.map_info(fd)
            self._maps[name] = BpfMap(name, fd, info.key_size, info.value_size)
        return self._maps[name]

    def close(self) -> None:
        if self.bpf is not None:
            self.bpf.cleanup()  # type: ignore[attr-defined]
        else:
            for fd in (self.fd, *self.map_fds.values()):
                os.close(fd)


def load_xdp(source_name: str, function: str, prefix: str = "", cflags: list[str] | None = None) -> LoadedProgram:
    """bpf/<source_name> (with optional C text in front), function loaded as an XDP program: from the
    cache when this text was built before with these flags, bcc and kernel, else compiled by bcc."""
    text = prefix + "\n" + _source_with_local_includes(source_name)
    flags = [f"-I{BPF_DIR}", "-Wno-unused-function", *(cflags or [])]
    key = cache_key(text, flags, function, XDP)
    with BpfCache.opened() as cache:
        if cache is not None:
            image = cache.get(key)
            program = _load_image(image, function) if image is not None else None
            if program is not None:
                log.get().debug("bpf cache: loaded %s from cache (%s)", function, key)
                return program
        program = _load_with_bcc(text, flags, source_name, function)
        if cache is not None:
            try:
                cache.put(key, _image_of(program, function))
            except Exception as e:  # a program that loaded is never lost to caching it
                log.get().debug("bpf cache: not caching %s: %s: %s", function, type(e).__name__, e)
    return program


def _load_image(image: ProgramImage, function: str) -> LoadedProgram | None:
    """The cached image loaded, or None (and why, in the log) if the kernel will not take it."""
    try:
        prog_fd, map_fds = image.load()
    except (OSError, BadImage) as e:
        log.get().debug("bpf cache: cached %s did not load (%s); rebuilding it with bcc", function, e)
        return None
    return LoadedProgram(prog_fd, function, from_cache=True,
                         map_fds={spec.name: fd for spec, fd in zip(image.maps, map_fds, strict=True)})


def _image_of(program: LoadedProgram, function: str) -> ProgramImage:
    """What the kernel needs to load the program bcc just loaded again without bcc."""
    from bcc.libbcc import lib

    module = program.bpf.module  # type: ignore[union-attr]
    image = image_of_loaded(program.bpf.dump_func(function.encode()), program.fd, XDP,  # type: ignore[union-attr]
                            lib.bpf_module_license(module).decode(), lib.bpf_module_kern_version(module))
    for spec in image.maps:
        # Callers find maps by bcc's name; the kernel keeps 15 bytes of it.
        if lib.bpf_table_fd(module, spec.name.encode()) < 0:
            raise NotCacheable(f"map {spec.name!r} is bcc's table under a longer name")
    return image


def load_with_bcc(source_name: str, functions: dict[str, int], prefix: str = "",
                  cflags: list[str] | None = None) -> tuple[LoadedProgram, dict[str, int]]:
    """bpf/<source_name> compiled by bcc (never cached), each of functions loaded as its program type,
    sharing the module's maps: for programs whose maps the cache cannot carry (ring buffers). Returns
    the module (as the first function's LoadedProgram, which owns every fd) and each function's fd."""
    text = prefix + "\n" + _source_with_local_includes(source_name)
    flags = [f"-I{BPF_DIR}", "-Wno-unused-function", *(cflags or [])]
    names = list(functions)
    module = _compile_with_bcc(text, flags, source_name)
    fds: dict[str, int] = {}
    try:
        for name in names:
            fds[name] = _load_func(module, name, functions[name], source_name)
    except BaseException:
        module.cleanup()
        raise
    return LoadedProgram(fds[names[0]], names[0], from_cache=False, bpf=module), fds


def _compile_with_bcc(text: str, flags: list[str], source_name: str):
    try:
        from bcc import BPF
    except ImportError as e:
        raise UserError(f"bcc is not importable ({e}); run scripts/setup") from e
    with captured_stderr() as log_text:
        try:
            module = BPF(text=text.encode(), cflags=flags)  # bcc wants bytes (str is deprecated)
        except Exception:
            module = None
    if module is None:
        if "Operation not permitted" in log_text[0]:  # bcc creates the maps while compiling: EPERM
            raise PrivilegeError(PRIVILEGES_NEEDED)
        raise FilterError(f"bcc could not compile {source_name}: {_clang_reason(log_text[0])}")
    return module


def _load_with_bcc(text: str, flags: list[str], source_name: str, function: str) -> LoadedProgram:
    module = _compile_with_bcc(text, flags, source_name)
    try:
        fd = _load_func(module, function, XDP, source_name)
    except BaseException:
        module.cleanup()
        raise
    return LoadedProgram(fd, function, from_cache=False, bpf=module)


def _load_func(module, function: str, prog_type: int, source_name: str) -> int:
    """function of the compiled module loaded into the kernel as prog_type: its fd (owned by module,
    which the caller cleans up if this raises)."""
    with captured_stderr() as log_text:
        try:
            fn = module.load_func(function.encode(), prog_type)
        except Exception as e:
            if isinstance(e, PermissionError) or "Operation not permitted" in str(e):
                raise PrivilegeError(PRIVILEGES_NEEDED) from e
            fn = None
    if fn is None:
        raise FilterError(f"the kernel verifier rejected {function} from {source_name}: {verifier_reason(log_text[0])}")
    return fn.fd
