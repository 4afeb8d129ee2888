"""ctypes binding to the few libpcap calls the filter needs: compile an expression, run a program.

Expressions are compiled on a ``pcap_open_dead(DLT_EN10MB, snaplen)`` handle, which gives tcpdump's
offline semantics (``tcpdump -r``): VLAN tags are matched in the frame bytes, never through Linux's
ancillary ``vlan_tci`` loads, which is what an XDP program sees too.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Sequence

from xdpdump.errors import FilterError, UserError
from xdpdump.pcapfilter.cbpf import Insn

DLT_EN10MB = 1
PCAP_NETMASK_UNKNOWN = 0xFFFFFFFF


class _BpfInsn(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _BpfProgram(ctypes.Structure):
    _fields_ = [("bf_len", ctypes.c_uint), ("bf_insns", ctypes.POINTER(_BpfInsn))]


class _Timeval(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


class _PktHdr(ctypes.Structure):
    _fields_ = [("ts", _Timeval), ("caplen", ctypes.c_uint32), ("len", ctypes.c_uint32)]


# libpcap's sonames (Debian's, upstream's), opened before asking ctypes.util.find_library, which runs
# `ldconfig -p`: a fork and exec (and importing subprocess) in every start that compiles a filter.
SONAMES = ("libpcap.so.0.8", "libpcap.so.1")


def _open() -> ctypes.CDLL:
    for soname in SONAMES:
        try:
            return ctypes.CDLL(soname)
        except OSError:
            continue
    from ctypes.util import find_library

    name = find_library("pcap") or SONAMES[0]
    try:
        return ctypes.CDLL(name)
    except OSError as exc:
        raise UserError(f"cannot load libpcap ({name}): {exc}") from exc


@functools.cache
def _lib() -> ctypes.CDLL:
    lib = _open()
    lib.pcap_open_dead.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.pcap_open_dead.restype = ctypes.c_void_p
    lib.pcap_close.argtypes = [ctypes.c_void_p]
    lib.pcap_close.restype = None
    lib.pcap_compile.argtypes = [ctypes.c_void_p, ctypes.POINTER(_BpfProgram), ctypes.c_char_p,
                                 ctypes.c_int, ctypes.c_uint32]
    lib.pcap_compile.restype = ctypes.c_int
    lib.pcap_geterr.argtypes = [ctypes.c_void_p]
    lib.pcap_geterr.restype = ctypes.c_char_p
    lib.pcap_freecode.argtypes = [ctypes.POINTER(_BpfProgram)]
    lib.pcap_freecode.restype = None
    lib.pcap_offline_filter.argtypes = [ctypes.POINTER(_BpfProgram), ctypes.POINTER(_PktHdr),
                                        ctypes.c_char_p]
    lib.pcap_offline_filter.restype = ctypes.c_int
    lib.bpf_image.argtypes = [ctypes.POINTER(_BpfInsn), ctypes.c_int]
    lib.bpf_image.restype = ctypes.c_char_p
    lib.pcap_lib_version.restype = ctypes.c_char_p
    return lib


def version() -> str:
    return _lib().pcap_lib_version().decode()


def compile_expression(expression: str, snaplen: int, optimize: bool = True,
                       linktype: int = DLT_EN10MB) -> list[Insn]:
    """Classic BPF for a pcap-filter expression; a bad expression raises UserError(libpcap's text)."""
    lib = _lib()
    handle = lib.pcap_open_dead(linktype, snaplen)
    if not handle:
        raise UserError("pcap_open_dead failed")
    prog = _BpfProgram()
    try:
        if lib.pcap_compile(handle, ctypes.byref(prog), expression.encode(), int(optimize),
                            PCAP_NETMASK_UNKNOWN) != 0:
            raise FilterError(lib.pcap_geterr(handle).decode(errors="replace"))
        try:
            return [Insn(prog.bf_insns[i].code, prog.bf_insns[i].jt, prog.bf_insns[i].jf,
                         prog.bf_insns[i].k) for i in range(prog.bf_len)]
        finally:
            lib.pcap_freecode(ctypes.byref(prog))
    finally:
        lib.pcap_close(handle)


class OfflineProgram:
    """A classic BPF program held in libpcap's own layout, run with ``pcap_offline_filter``.

    Any instruction list can be run, including hand-written ones libpcap would never emit:
    ``pcap_offline_filter`` interprets without validating, which is what makes it the reference.
    """

    def __init__(self, insns: Sequence[Insn]) -> None:
        self._array = (_BpfInsn * max(len(insns), 1))(
            *[_BpfInsn(i.code, i.jt, i.jf, i.k) for i in insns])
        self._prog = _BpfProgram(len(insns), self._array)
        self._hdr = _PktHdr()

    def run(self, frame: bytes, wirelen: int | None = None) -> int:
        """The program's return value (snap length, 0 = no match) for ``frame`` captured whole."""
        self._hdr.caplen = len(frame)
        self._hdr.len = len(frame) if wirelen is None else wirelen
        return _lib().pcap_offline_filter(ctypes.byref(self._prog), ctypes.byref(self._hdr),
                                          frame) & 0xFFFFFFFF


def bpf_image(insn: Insn, n: int) -> str:
    """libpcap's own rendering of one instruction (the reference for ``cbpf.image``)."""
    raw = _BpfInsn(insn.code, insn.jt, insn.jf, insn.k)
    return _lib().bpf_image(ctypes.byref(raw), n).decode()
