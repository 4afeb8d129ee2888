"""BPF_PROG_TEST_RUN through the bpf(2) syscall: run a loaded program on one frame in the kernel.

XDP test runs need at least ETH_HLEN (14) bytes of packet: since 6.x the kernel checks the packet
part itself, so neither XDP metadata nor bpf_xdp_adjust_head() can present a shorter frame (the XDP
hook never sees one either). Frames shorter than that are still run in the kernel, through an
LWT_IN program: for it the test run pulls a 14-byte Ethernet header off the input, so ``data`` ..
``data_end`` is exactly what follows it — any length from 0 up.
"""

from __future__ import annotations

import ctypes
import os

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_BPF = 321  # x86_64
_BPF_PROG_TEST_RUN = 10
ETH_HLEN = 14


class _TestAttr(ctypes.Structure):
    """The ``test`` member of ``union bpf_attr``."""

    _fields_ = [
        ("prog_fd", ctypes.c_uint32), ("retval", ctypes.c_uint32),
        ("data_size_in", ctypes.c_uint32), ("data_size_out", ctypes.c_uint32),
        ("data_in", ctypes.c_uint64), ("data_out", ctypes.c_uint64),
        ("repeat", ctypes.c_uint32), ("duration", ctypes.c_uint32),
        ("ctx_size_in", ctypes.c_uint32), ("ctx_size_out", ctypes.c_uint32),
        ("ctx_in", ctypes.c_uint64), ("ctx_out", ctypes.c_uint64),
        ("flags", ctypes.c_uint32), ("cpu", ctypes.c_uint32), ("batch_size", ctypes.c_uint32),
        ("_pad", ctypes.c_uint32),
    ]


def prog_test_run(prog_fd: int, data_in: bytes) -> int:
    """Run the program once on ``data_in``; its return value."""
    buf = ctypes.create_string_buffer(data_in, len(data_in))
    attr = _TestAttr(prog_fd=prog_fd, data_size_in=len(data_in), data_in=ctypes.addressof(buf),
                     repeat=1)
    if _libc.syscall(_SYS_BPF, _BPF_PROG_TEST_RUN, ctypes.byref(attr), ctypes.sizeof(attr)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"BPF_PROG_TEST_RUN ({len(data_in)} bytes): {os.strerror(err)}")
    return attr.retval


def run_xdp(prog_fd: int, frame: bytes) -> int:
    """An XDP program's return value for ``frame`` (ETH_HLEN bytes up to about 3.5 KiB)."""
    if len(frame) < ETH_HLEN:
        raise ValueError(f"XDP test runs need at least {ETH_HLEN} bytes, got {len(frame)}")
    return prog_test_run(prog_fd, frame)


def run_lwt(prog_fd: int, frame: bytes) -> int:
    """An LWT_IN program's return value when ``data``..``data_end`` is exactly ``frame``."""
    return prog_test_run(prog_fd, bytes(ETH_HLEN) + frame)
