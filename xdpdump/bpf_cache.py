"""The cache of programs bcc built: a root-owned directory of checksummed program images.

Owns: where the cache is (XDPDUMP_CACHE_DIR, else /var/cache/xdpdump), creating it (0700 root) and
refusing it when it is not safe to trust (not a real directory, not owned by root, writable by group
or others); the key of an entry (everything that changes what bcc produces: see ``cache_key``); the
entry format and its checks; storing entries atomically and keeping their number bounded.

An entry is trusted only if it is a regular file owned by root, not writable by group or others,
with one link, our magic and format version, a SHA-256 of its body that matches, the key it is
filed under, and a well-formed image. Anything else is ignored (a debug log line says why) and the
caller rebuilds it with bcc, which replaces the entry. Entries are never fsync'ed: a torn entry
fails its checksum and is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from xdpdump import log
from xdpdump.bpf_image import BadImage, ProgramImage

CACHE_DIR_ENV = "XDPDUMP_CACHE_DIR"
DEFAULT_CACHE_DIR = "/var/cache/xdpdump"
FORMAT_VERSION = 1
MAGIC = b"XDPDBPF\0"
_HEADER_BYTES = len(MAGIC) + 4 + 4 + 32  # magic, format version, body length, SHA-256 of the body
MAX_ENTRY_BYTES = 16 << 20  # far above any program (1M instructions are 8 MiB of base64-less code)
MAX_ENTRIES = 256  # oldest entries go beyond this; a few KiB each
SUFFIX = ".bpf"
_UNTRUSTED_MODE = stat.S_IWGRP | stat.S_IWOTH

# bcc reads these (strings in libbcc) to find kernel headers and the version it compiles for.
_BCC_ENV = ("BCC_KERNEL_SOURCE", "BCC_KERNEL_MODULES_SUFFIX", "BCC_LINUX_VERSION_CODE")


def _debug(msg: str, *args: object) -> None:
    log.get().debug("bpf cache: " + msg, *args)


def cache_dir_path() -> Path:
    return Path(os.environ.get(CACHE_DIR_ENV) or DEFAULT_CACHE_DIR)


def _stat_id(path: str) -> list | None:
    """What tells one version of a file or directory from another, cheaply: where it really is, its
    inode, size and modification time (a package upgrade replaces files, changing all but the path)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns]


@cache
def environment() -> dict:
    """Everything outside the C text and flags that changes what bcc produces: the kernel, bcc and
    the kernel header tree it compiles against. Found without importing bcc (that costs ~50 ms)."""
    uname = os.uname()
    modules = f"/lib/modules/{uname.release}"
    headers = {p: _stat_id(p) for p in (
        f"{modules}/build", f"{modules}/source",
        f"{modules}/build/include/generated/autoconf.h",
        f"{modules}/build/include/generated/utsrelease.h",
        f"{modules}/build/include/generated/uapi/linux/version.h",
        "/sys/kernel/kheaders.tar.xz",  # what bcc extracts when there is no header tree
    )}
    env = {name: os.environ.get(name) for name in _BCC_ENV}
    if env["BCC_KERNEL_SOURCE"]:
        headers["BCC_KERNEL_SOURCE"] = _stat_id(env["BCC_KERNEL_SOURCE"])
    return {
        "format": FORMAT_VERSION,
        "kernel": [uname.release, uname.version, uname.machine],
        "bcc": _bcc_identity(),
        "headers": headers,
        "env": env,
    }


def _bcc_identity() -> dict:
    spec = importlib.util.find_spec("bcc")
    package = os.path.dirname(spec.origin) if spec and spec.origin else None
    version = None
    if package:
        with contextlib.suppress(OSError):
            version = Path(package, "version.py").read_text()
    multiarch = getattr(sys.implementation, "_multiarch", "")
    libdirs = [f"/usr/lib/{multiarch}", f"/lib/{multiarch}", "/usr/local/lib", "/usr/lib", "/lib"]
    library = next((i for i in (_stat_id(f"{d}/libbcc.so.0") for d in libdirs) if i), None)
    return {"python": package and _stat_id(os.path.join(package, "__init__.py")), "version": version,
            "libbcc": library}


def cache_key(text: str, cflags: Sequence[str], function: str, prog_type: int) -> str:
    """The entry name for the program bcc builds from text with cflags, loading function as prog_type."""
    doc = {"env": environment(), "text": text, "cflags": list(cflags), "function": function,
           "prog_type": prog_type}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def encode_entry(key: str, image: ProgramImage) -> bytes:
    body = json.dumps({"key": key, "image": image.to_json()}, sort_keys=True).encode()
    return (MAGIC + FORMAT_VERSION.to_bytes(4, "little") + len(body).to_bytes(4, "little")
            + hashlib.sha256(body).digest() + body)


def decode_entry(key: str, data: bytes) -> ProgramImage:
    """The image in an entry's bytes; BadImage saying why if it is not a sound entry filed under key."""
    if not data.startswith(MAGIC):
        raise BadImage("not a cache entry (no magic)")
    if len(data) < _HEADER_BYTES:
        raise BadImage(f"{len(data)} bytes, shorter than the header (truncated?)")
    at = len(MAGIC)
    version = int.from_bytes(data[at : at + 4], "little")
    if version != FORMAT_VERSION:
        raise BadImage(f"format version {version}, not {FORMAT_VERSION}")
    length = int.from_bytes(data[at + 4 : at + 8], "little")
    body = data[_HEADER_BYTES:]
    if length != len(body):
        raise BadImage(f"body of {len(body)} bytes, the header says {length} (truncated?)")
    if hashlib.sha256(body).digest() != data[at + 8 : _HEADER_BYTES]:
        raise BadImage("checksum mismatch")
    try:
        doc = json.loads(body)
    except ValueError as e:
        raise BadImage(f"body is not JSON ({e})") from e
    if not isinstance(doc, dict) or doc.get("key") != key:
        raise BadImage("filed under another key")
    return ProgramImage.from_json(doc.get("image"))


def _untrusted(st: os.stat_result, kind: str) -> str | None:
    """Why a file or directory with this stat must not be trusted, or None."""
    if st.st_uid != 0:
        return f"{kind} owned by uid {st.st_uid}, not root"
    if st.st_mode & _UNTRUSTED_MODE:
        return f"{kind} is writable by group or others (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


class BpfCache:
    """An open, checked cache directory (every access is relative to its descriptor, so a directory
    swapped in after the check is never used)."""

    def __init__(self, path: Path, dir_fd: int) -> None:
        self.path = path
        self._dir_fd = dir_fd

    @classmethod
    @contextlib.contextmanager
    def opened(cls, path: Path | None = None) -> Iterator[BpfCache | None]:
        """The cache at path (default: cache_dir_path()), created if missing; None (and a log line)
        if it cannot be used: then programs are built by bcc every time."""
        path = path or cache_dir_path()
        cache_dir = None
        try:
            cache_dir = cls._open(path)
        except OSError as e:
            log.get().info("bpf cache: not using %s: %s", path, e.strerror)
        if cache_dir is None:
            yield None
            return
        try:
            yield cache_dir
        finally:
            os.close(cache_dir._dir_fd)

    @classmethod
    def _open(cls, path: Path) -> BpfCache | None:
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        why = _untrusted(os.fstat(fd), "directory")
        if why:
            os.close(fd)
            log.get().info("bpf cache: not using %s: %s", path, why)
            return None
        return cls(path, fd)

    def get(self, key: str) -> ProgramImage | None:
        """The image filed under key, if there is a sound one."""
        name = key + SUFFIX
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=self._dir_fd)
        except FileNotFoundError:
            _debug("no entry %s", name)
            return None
        except OSError as e:
            _debug("ignored %s: %s", name, e.strerror)
            return None
        try:
            st = os.fstat(fd)
            why = _untrusted(st, "entry")
            if not why and not stat.S_ISREG(st.st_mode):
                why = "not a regular file"
            elif not why and st.st_nlink != 1:
                why = f"{st.st_nlink} hard links"
            elif not why and st.st_size > MAX_ENTRY_BYTES:
                why = f"{st.st_size} bytes"
            if why:
                _debug("ignored %s: %s", name, why)
                return None
            data = _read_all(fd, st.st_size)
        finally:
            os.close(fd)
        try:
            return decode_entry(key, data)
        except BadImage as e:
            _debug("ignored %s: %s", name, e)
            return None

    def put(self, key: str, image: ProgramImage) -> None:
        """File image under key (replacing what is there), atomically; a failure only costs the next
        start a compile, so it is logged, not raised."""
        name = key + SUFFIX
        tmp = f".{name}.{os.getpid()}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                         dir_fd=self._dir_fd)
            try:
                _write_all(fd, encode_entry(key, image))
            finally:
                os.close(fd)
            os.replace(tmp, name, src_dir_fd=self._dir_fd, dst_dir_fd=self._dir_fd)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=self._dir_fd)
            _debug("could not store %s: %s", name, e.strerror)
            return
        _debug("stored %s in %s", name, self.path)
        self._prune()

    def _prune(self) -> None:
        """Keep the MAX_ENTRIES newest entries (each distinct filter makes one)."""
        try:
            names = [n for n in os.listdir(self._dir_fd) if n.endswith(SUFFIX)]
            if len(names) <= MAX_ENTRIES:
                return
            ages = sorted((os.stat(n, dir_fd=self._dir_fd, follow_symlinks=False).st_mtime_ns, n) for n in names)
            for _, n in ages[: len(names) - MAX_ENTRIES]:
                os.unlink(n, dir_fd=self._dir_fd)
        except OSError as e:
            _debug("could not prune %s: %s", self.path, e.strerror)


def _read_all(fd: int, size: int) -> bytes:
    """Up to MAX_ENTRY_BYTES + 1 bytes (more is refused by decode_entry's length check anyway)."""
    chunks: list[bytes] = []
    total = 0
    while total <= MAX_ENTRY_BYTES:
        chunk = os.read(fd, max(size, 1 << 16))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
