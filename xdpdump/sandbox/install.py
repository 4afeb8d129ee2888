"""Install a seccomp filter on the calling thread: PR_SET_NO_NEW_PRIVS, then seccomp(SECCOMP_SET_MODE_FILTER).

The supervisor's filter is installed here (it runs Python under it); the net and archive roles install
theirs from native code (native/role.c), which then runs their loops. ctypes rather than cffi: two
calls, no struct layout beyond ``struct sock_fprog``. The filter applies to the calling thread and its
future children; pass ``tsync=True`` to apply it to every thread of the process (the kernel refuses if a
thread has a conflicting filter).
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import host_arch

PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
_SYS_SECCOMP = {"x86_64": 317, "aarch64": 277}
_SOCK_FILTER_SIZE = 8


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
_libc.prctl.restype = ctypes.c_int
_libc.syscall.restype = ctypes.c_long


def _errno_text(what: str) -> str:
    err = ctypes.get_errno()
    return f"{what}: {os.strerror(err)} (errno {err})"


def set_no_new_privs() -> None:
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise UserError(_errno_text("prctl(PR_SET_NO_NEW_PRIVS) refused"))


def install_seccomp(program: bytes, *, tsync: bool = False) -> None:
    """Set no_new_privs and install ``program`` (``struct sock_filter`` bytes) for this thread.

    A refusal by the kernel (EINVAL for a malformed program, EFAULT, ESRCH from TSYNC...) is a
    UserError naming the errno.
    """
    if not program or len(program) % _SOCK_FILTER_SIZE:
        raise UserError(f"seccomp filter of {len(program)} bytes is not a whole number of instructions")
    count = len(program) // _SOCK_FILTER_SIZE
    if count > 0xFFFF:
        raise UserError(f"seccomp filter of {count} instructions is too long")
    set_no_new_privs()
    buf = ctypes.create_string_buffer(program, len(program))
    prog = _SockFprog(count, ctypes.cast(buf, ctypes.c_void_p))
    flags = SECCOMP_FILTER_FLAG_TSYNC if tsync else 0
    nr = _SYS_SECCOMP[host_arch().name]
    result = _libc.syscall(ctypes.c_long(nr), ctypes.c_long(SECCOMP_SET_MODE_FILTER),
                           ctypes.c_long(flags), ctypes.byref(prog))
    if result > 0:
        # with TSYNC the kernel returns the id of a thread it could not synchronise
        raise UserError(f"seccomp(SECCOMP_SET_MODE_FILTER, TSYNC) refused: thread {result} has an "
                        "incompatible filter")
    if result != 0:
        raise UserError(_errno_text("seccomp(SECCOMP_SET_MODE_FILTER) refused the filter"))


POLICY_DIR = Path(__file__).resolve().parent / "policies"


def role_policy_path(role: str) -> Path:
    """The committed policy of a process role (net, archive, metrics, gui, supervisor)."""
    path = POLICY_DIR / f"{role}.seccomppolicy"
    if not path.is_file():
        raise UserError(f"no seccomp policy for role {role!r} in {POLICY_DIR}")
    return path
