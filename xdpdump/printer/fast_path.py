"""The printer's fast path: which frames the native formatter (native/line_format.c) prints for the
Python printer, and when it may.

``fast_path_for(opts)`` gives a ``FastPath`` only for tcpdump's default line (``-n`` or not, every
other option at its default: one predicate, ``applies``), else None. It is made with the ports the
Python protocol printers decode beyond the generic line, so those frames stay theirs; every frame the
native side does not format is deferred to the Python printer in order. The TCP numbering state is
the native one's: ``install`` points the Python printer's tracker at it, so relative numbers agree
whichever side prints a segment.

Measured (cProfile, 300,000 Ethernet/IPv4/UDP frames with ``-r -n``): two thirds of the time went to
the Python link/IP/UDP printers, a quarter to the pcap reader, the rest to the per-frame call and the
write. With this path the per-frame cost left is one cffi call on the live path, none with ``-r`` of a
classic pcap (offline.py formats whole batches).
"""

from __future__ import annotations

import dataclasses
import socket

from xdpdump.printer.options import PrintOptions
from xdpdump.xsk.line_format import LineFormat


def applies(opts: PrintOptions) -> bool:
    """The native formatter prints only the default line: any option beyond -n turns it off
    (--time-stamp-precision nano too: its stamps have microseconds)."""
    return dataclasses.replace(opts, numeric=True) == PrintOptions()


def deferred_ports() -> tuple[frozenset[int], frozenset[int]]:
    """(UDP ports, TCP ports) whose frames the Python printers decode further (their modules own them)."""
    from xdpdump.printer import tcp, udp

    return (frozenset(getattr(udp, "DECODED_UDP_PORTS", frozenset())),
            frozenset(getattr(tcp, "SUFFIX_TCP_PORTS", frozenset())))


class NativeSeq:
    """``TcpSeqTracker``'s interface over the native state, for the segments Python prints."""

    def __init__(self, native: LineFormat) -> None:
        self._native = native

    def relative(self, src: bytes, sport: int, dst: bytes, dport: int, seq: int, ack: int, syn: bool,
                 has_ack: bool) -> tuple[int, int, int, int]:
        # tcp.py keys flows by the printed address text; the native table by the raw address.
        return self._native.tcp_relative(_raw(src), sport, _raw(dst), dport, seq, ack, syn, has_ack)


def _raw(addr: bytes) -> bytes:
    """The raw address for a printed one (IPv4 dotted or IPv6 as inet_ntop writes it)."""
    try:
        text = addr.decode("ascii")
        return socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except (UnicodeDecodeError, OSError):
        if len(addr) in (4, 16):
            return addr  # already raw
        raise


class FastPath:
    """The native formatter of one capture (and its TCP state)."""

    def __init__(self) -> None:
        udp_ports, tcp_ports = deferred_ports()
        self.native = LineFormat(udp_ports, tcp_ports)

    def install(self, line_formatter: object) -> None:
        """Make the Python printer's TCP numbering the native state (LineFormatter.tcp_seq)."""
        line_formatter.tcp_seq = NativeSeq(self.native)  # type: ignore[attr-defined]

    def line(self, ts_ns: int, data: bytes, wire_len: int) -> str | None:
        """The frame's whole line (stamp included, no newline), or None: the Python printer's."""
        if not 0 <= ts_ns < 1 << 64 or wire_len >= 1 << 32:
            return None  # a pcapng time offset can take a stamp below zero: Python's to print
        return self.native.frame(ts_ns, data, wire_len)


def fast_path_for(opts: PrintOptions) -> FastPath | None:
    return FastPath() if applies(opts) else None
