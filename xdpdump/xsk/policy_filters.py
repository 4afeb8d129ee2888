"""The seccomp filters compiled into the native core from native/generated/ (native/policy_filters.c).

The net and archive roles install theirs in C (``enter_net_role``, ``enter_archive_role``); the
supervisor's is built here, as struct sock_filter bytes, for the supervisor to install itself.
"""

from __future__ import annotations

from xdpdump.xsk._native import check, ffi, lib

_MAX_BYTES = 512 * 8  # XDPD_FILTER_MAX instructions of 8 bytes


def supervisor_filter(logfile_fd: int, linkwatch_fd: int) -> bytes:
    """The supervisor's seccomp filter with its log file and link-watch descriptors filled in."""
    buf = ffi.new("uint8_t[]", _MAX_BYTES)
    n = check(lib.xdpd_supervisor_filter(buf, _MAX_BYTES, logfile_fd, linkwatch_fd),
              "cannot build the supervisor's seccomp filter")
    return ffi.buffer(buf, n)[:]
