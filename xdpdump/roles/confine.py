"""Confining a freshly forked role before it enters its native loop.

Owns the steps every role takes, in this order, each one before the seccomp filter (which the
native entry installs) would forbid it: die with the supervisor (PR_SET_PDEATHSIG; the native entry
then replaces SIGKILL by a signal that makes the role finish what it holds and exit), ignore the
terminal's signals (stopping is a flag in shared memory), close every descriptor the role does not
own and check none is left, tight rlimits, then drop every capability: the bounding and ambient
sets first (dropping the bounding set needs CAP_SETPCAP), then switch to an unprivileged user with no
supplementary groups (roles/identity.py; needs CAP_SETUID/CAP_SETGID), then empty the effective,
permitted and inheritable sets. The switch cancels the parent-death signal, so it is armed again, and
the role is made non-dumpable (no ptrace or /proc/PID/mem by that user, no core). no_new_privs is set
by the native entry with the filter.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import resource
import signal

from xdpdump.errors import UserError
from xdpdump.roles.identity import Identity, switch_to

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
CAP_KILL = 5
CAP_SETPCAP = 8
CAP_NET_ADMIN = 12
PR_CAPBSET_DROP = 24
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def _fail(what: str) -> UserError:
    return UserError(f"{what}: {os.strerror(ctypes.get_errno())}")


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL when the supervisor dies, even by SIGKILL; if it already has, leave now. Until the
    native entry (role.c) arms its own parent-death signal, which drains and writes instead: a role
    that has not started its loop yet holds nothing to lose."""
    if _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise _fail("prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent_pid:
        os._exit(0)


def ignore_terminal_signals() -> None:
    """Ctrl-C reaches the whole process group; only the supervisor decides how a capture stops."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_IGN)


def _is_open(fd: int) -> bool:
    try:
        fcntl.fcntl(fd, fcntl.F_GETFD)
    except OSError:
        return False
    return True


def open_fds() -> set[int]:
    """Descriptors open now. Listing /proc/self/fd opens one itself (whatever number is lowest
    free); it is closed again by the time each entry is checked, so it does not count."""
    return {fd for fd in map(int, os.listdir("/proc/self/fd")) if _is_open(fd)}


def keep_only_fds(owned: set[int]) -> None:
    """Close every descriptor not in owned, then prove the table holds exactly owned."""
    for fd in sorted(open_fds() - owned):
        with contextlib.suppress(OSError):  # gone meanwhile (a directory fd of the listing)
            os.close(fd)
    left = open_fds()
    if left != owned:
        raise UserError(f"descriptors left after closing: {sorted(left)}, expected {sorted(owned)}")


def tighten_rlimits(owned: set[int], spare_fds: int = 0) -> None:
    """No new descriptors beyond the owned ones (and spare_fds more), no processes, no core dumps (UMEM
    holds traffic)."""
    top = max(owned) + 1 + spare_fds
    resource.setrlimit(resource.RLIMIT_NOFILE, (top, top))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # UMEM and rings are registered and mapped already; nothing more may be locked.
    resource.setrlimit(resource.RLIMIT_MEMLOCK, (0, 0))


def _capget() -> tuple[int, int]:
    """This process's (effective, permitted) capability sets as 64-bit masks."""
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    if _libc.capget(ctypes.byref(header), data) != 0:
        raise _fail("capget")
    return (data[0].effective | data[1].effective << 32, data[0].permitted | data[1].permitted << 32)


def drop_bounding_set(keep: frozenset[int] = frozenset()) -> None:
    """Empty the bounding set (but keep) and the ambient set; needs CAP_SETPCAP, so it comes first.

    Without CAP_SETPCAP (run as a user given CAP_NET_ADMIN, CAP_BPF... but not root) the bounding set
    is left as it is: it only limits what a later execve may grant, and no process here ever execs
    again (no_new_privs is set with each filter, which forbids execve; the roles never call it), so
    it is moot. The ambient set, which needs no privilege to clear, is emptied either way."""
    if _capget()[0] & (1 << CAP_SETPCAP):
        with open("/proc/sys/kernel/cap_last_cap") as f:
            last = int(f.read())
        for cap in range(last + 1):
            if cap not in keep and _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise _fail(f"prctl(PR_CAPBSET_DROP, {cap})")
    if _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0:
        raise _fail("prctl(PR_CAP_AMBIENT_CLEAR_ALL)")


def set_capabilities(keep: frozenset[int] = frozenset()) -> None:
    """Effective and permitted sets hold exactly what of keep is permitted now (a process never gains
    one: a user given only CAP_NET_ADMIN and CAP_BPF has no CAP_KILL to keep, and needs none, its roles
    running as its own uid), inheritable nothing."""
    permitted = _capget()[1]
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    for cap in (c for c in keep if permitted & (1 << c)):
        data[cap // 32].effective |= 1 << (cap % 32)
        data[cap // 32].permitted |= 1 << (cap % 32)
    if _libc.capset(ctypes.byref(header), data) != 0:
        raise _fail("capset")


def drop_capabilities(keep: frozenset[int] = frozenset()) -> None:
    """Empty every capability set but keep; the bounding set first, since dropping it needs CAP_SETPCAP."""
    drop_bounding_set(keep)
    set_capabilities(keep)


def not_dumpable() -> None:
    """No core dump, no ptrace or /proc/PID/mem by a process of the same user."""
    if _libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise _fail("prctl(PR_SET_DUMPABLE, 0)")


def confine(parent_pid: int, owned: set[int], spare_fds: int = 0, who: Identity | None = None) -> None:
    """Everything a role does between fork and its native loop, except the filter itself."""
    die_with_parent(parent_pid)
    ignore_terminal_signals()
    keep_only_fds(owned)
    tighten_rlimits(owned, spare_fds)
    drop_bounding_set()
    if who is not None:
        switch_to(who)
        die_with_parent(parent_pid)  # the kernel cleared it with the credentials
    set_capabilities()
    not_dumpable()
