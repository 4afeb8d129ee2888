"""The seccomp filters compiled into the native core from native/generated/ (native/policy_filters.c).

The net and archive roles install theirs in C (``enter_net_role``, ``enter_archive_role``); the
supervisor's is built here, as struct sock_filter bytes, for the supervisor to install itself.
"""

from __future__ import annotations

from xdpdump.xsk._native import check, ffi, lib

_MAX_BYTES = 512 * 8  # XDPD_FILTER_MAX instructions of 8 bytes


SUPERVISOR_KILLABLE = ("net", "archive", "metrics", "gui")  # the order of the policy's pid parameters
NO_FD = 0xFFFFFFFF  # a descriptor parameter that names none: -1 in the int the kernel compares


def supervisor_filter(logfile_fd: int, linkwatch_fd: int, role_pids: dict[str, int] | None = None,
                      endnl_fd: int | None = None) -> bytes:
    """The supervisor's seccomp filter with its log file and link-watch descriptors filled in, and the
    pids of its roles (by role name; absent roles are 0, which the kill rule excludes): the only
    processes it may signal. endnl_fd: the rtnetlink socket of the end's prepared requests
    (end_requests.py), the only one it may send on; None: it may send nothing."""
    pids = role_pids or {}
    buf = ffi.new("uint8_t[]", _MAX_BYTES)
    n = check(lib.xdpd_supervisor_filter(buf, _MAX_BYTES, logfile_fd, linkwatch_fd,
                                         [pids.get(name, 0) for name in SUPERVISOR_KILLABLE],
                                         NO_FD if endnl_fd is None else endnl_fd),
              "cannot build the supervisor's seccomp filter")
    return ffi.buffer(buf, n)[:]
