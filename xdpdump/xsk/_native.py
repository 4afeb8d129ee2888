"""The compiled core (``xdpdump._native``) and the one place its errors become Python exceptions.

A failing native call returns ``-errno`` and records ``struct xdpd_error`` (the step that failed,
the errno, whether an invariant of xdpdump itself broke, and the failing call rebuilt). ``check``
turns that into a one-line ``UserError`` with a hint from ``HINTS`` (keyed by step and errno), or an
``InternalError`` that asks for a report.
"""

from __future__ import annotations

import errno
import os

from xdpdump.errors import InternalError, UserError

try:
    from xdpdump._native import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "xdpdump._native is not built: run `pip install --no-build-isolation -e .` in the project"
    ) from exc

__all__ = ["HINTS", "check", "ffi", "lib"]

BIND_MODES = {"auto": lib.XDPD_BIND_AUTO, "copy": lib.XDPD_BIND_COPY, "zerocopy": lib.XDPD_BIND_ZEROCOPY}
FORMATS = {"pcap": lib.XDPD_FMT_PCAP, "pcapng": lib.XDPD_FMT_PCAPNG}

_MEMLOCK = "raise RLIMIT_MEMLOCK or use smaller rings"
HINTS: dict[tuple[int, int], str] = {
    (lib.XDPD_STEP_BIND, errno.EINVAL): "does the device have that rx queue?",
    (lib.XDPD_STEP_BIND, errno.EOPNOTSUPP): "the driver has no zero-copy AF_XDP support; use copy mode",
    (lib.XDPD_STEP_BIND, errno.EBUSY): "another AF_XDP socket or zero-copy user holds that queue",
    (lib.XDPD_STEP_BIND, errno.ENODEV): "no such device",
    (lib.XDPD_STEP_BIND, errno.ENETDOWN): "the device is down",
    (lib.XDPD_STEP_SOCKET, errno.EPERM): "AF_XDP needs CAP_NET_RAW",
    (lib.XDPD_STEP_SOCKET, errno.EAFNOSUPPORT): "the kernel has no AF_XDP support (CONFIG_XDP_SOCKETS)",
    (lib.XDPD_STEP_UMEM_REG, errno.ENOBUFS): _MEMLOCK,
    (lib.XDPD_STEP_UMEM_REG, errno.ENOMEM): _MEMLOCK,
    (lib.XDPD_STEP_MMAP, errno.ENOMEM): "not enough memory: use smaller rings or a smaller -B",
    (lib.XDPD_STEP_ALLOC, errno.ENOMEM): "not enough memory: use smaller rings or a smaller -B",
    (lib.XDPD_STEP_CONSUMER, errno.ENOSPC): f"at most {lib.XDPD_MAX_CONSUMERS} readers of one capture",
    (lib.XDPD_STEP_WRITE, errno.ENOSPC): "the file system is full",
    (lib.XDPD_STEP_WRITE, errno.EPIPE): "the reader of the output went away",
}


def check(rc: int, what: str) -> int:
    """rc when >= 0; otherwise the native failure as ``UserError`` or ``InternalError``."""
    if rc >= 0:
        return rc
    e = ffi.new("struct xdpd_error *")
    lib.xdpd_last_error(e)
    err = -rc
    call = ffi.string(e.call).decode(errors="replace") if e.err == err else "?"
    msg = f"{what}: {call}: {os.strerror(err)}"
    if e.internal and e.err == err:
        raise InternalError(msg)
    hint = HINTS.get((e.step, err))
    raise UserError(f"{msg} ({hint})" if hint else msg)
