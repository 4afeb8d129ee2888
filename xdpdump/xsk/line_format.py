"""``LineFormat``: the printer's fast path in C (native/line_format.c) - tcpdump's default line for
Ethernet/IPv4/IPv6 with TCP, UDP and ICMP echo, one frame at a time or a capture file's records in
batches (``Batch``, pcap and pcapng). Every frame it does not format is deferred (``None``, or
``DEFER``) to the Python printer; the TCP numbering state is the native one's, which
``tcp_relative`` shares.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib

MORE, FULL, DEFER, LIMIT = lib.XDPD_LF_MORE, lib.XDPD_LF_FULL, lib.XDPD_LF_DEFER, lib.XDPD_LF_LIMIT
_LINE_MAX = 512  # what xdpd_lf_frame needs of room (LF_LINE_MAX)


class LineFormat(Closes):
    """The native formatter and its TCP state; one per capture, as a ``Printer``."""

    def __init__(self, udp_ports: Iterable[int] = (), tcp_ports: Iterable[int] = ()) -> None:
        udp = sorted({p for p in udp_ports if 0 <= p <= 0xFFFF})
        tcp = sorted({p for p in tcp_ports if 0 <= p <= 0xFFFF})
        h = ffi.new("xdpd_lf **")
        check(lib.xdpd_lf_create(h, ffi.new("uint16_t[]", udp), len(udp), ffi.new("uint16_t[]", tcp), len(tcp)),
              "cannot set up the printer")
        # Freed with the printer that holds it (a Printer has no close), or at close().
        self._lf: Any = ffi.gc(h[0], lib.xdpd_lf_destroy)
        self._line = ffi.new("char[]", _LINE_MAX)
        self._rel = ffi.new("uint32_t[4]")

    def frame(self, ts_ns: int, data: bytes, wire_len: int) -> str | None:
        """The frame's line (no newline), or None: the Python printer's to print."""
        n = lib.xdpd_lf_frame(self._lf, ts_ns, data, len(data), wire_len, self._line, _LINE_MAX)
        return ffi.unpack(self._line, n - 1).decode("ascii") if n > 0 else None

    def tcp_relative(self, src: bytes, sport: int, dst: bytes, dport: int, seq: int, ack: int, syn: bool,
                     has_ack: bool) -> tuple[int, int, int, int]:
        """printer/tcp_seq.py's ``relative`` on the native state; addresses are 4 or 16 raw bytes."""
        check(lib.xdpd_lf_tcp_relative(self._lf, src, dst, len(src), sport, dport, seq, ack, syn, has_ack,
                                       self._rel), "TCP numbering")
        r = self._rel
        return r[0], r[1], r[2], r[3]

    def batch(self, max_lines: int, out_size: int = 1 << 20) -> Batch:
        """Formatting a capture file's records in batches (offline.py), at most max_lines (0: all)."""
        return Batch(self, max_lines, out_size)

    def close(self) -> None:
        if self._lf is not None:
            ffi.release(self._lf)
            self._lf = None


class Batch:
    """A capture file's bytes being formatted: say its format (``pcap`` or ``pcapng``, again at each
    pcapng section or interface), then ``run`` on the bytes read."""

    def __init__(self, lf: LineFormat, max_lines: int, out_size: int) -> None:
        self._lf = lf
        self._out = ffi.new("char[]", out_size)
        self._in: Any = None
        self._ifaces: Any = None
        b = self._b = ffi.new("struct xdpd_lf_batch *")
        b.out = self._out
        b.out_cap = out_size
        b.max_lines = max_lines

    def pcap(self, big_endian: bool, nsec: bool) -> None:
        b = self._b
        b.format, b.swapped, b.nsec = lib.XDPD_FMT_PCAP, int(big_endian != (sys.byteorder == "big")), int(nsec)

    def pcapng(self, big_endian: bool, ifaces: Sequence[tuple[int, bool, int, int]]) -> None:
        """A section's byte order and its interfaces: (link type, binary units, exponent, offset s)."""
        b = self._b
        b.format, b.swapped = lib.XDPD_FMT_PCAPNG, int(big_endian != (sys.byteorder == "big"))
        self._ifaces = ffi.new("struct xdpd_lf_iface[]", [
            {"linktype": lt, "binary": int(binary), "exp": exp, "tsoffset": off} for lt, binary, exp, off in ifaces])
        b.ifaces, b.n_ifaces = self._ifaces, len(ifaces)

    def run(self, buf: bytes, pos: int) -> int:
        """Format records from buf[pos:] on; MORE, FULL, DEFER or LIMIT (``pos``: where it stopped)."""
        self._in = ffi.from_buffer(buf)  # alive as long as this call's pointer is used
        b = self._b
        b.input = self._in
        b.in_len = len(buf)
        b.in_pos = pos
        return lib.xdpd_lf_batch(self._lf._lf, b)

    @property
    def pos(self) -> int:
        return self._b.in_pos

    def take_units(self) -> int:
        """Records (pcap) or blocks (pcapng) formatted since the last call."""
        n = self._b.units
        self._b.units = 0
        return n

    @property
    def lines(self) -> int:
        """Lines printed so far, by either printer (``count_line`` adds the Python printer's)."""
        return self._b.lines

    def count_line(self) -> None:
        self._b.lines += 1

    def take_output(self) -> bytes:
        """The lines formatted since the last call."""
        b = self._b
        text = ffi.buffer(self._out, b.out_len)[:]
        b.out_len = 0
        return text
