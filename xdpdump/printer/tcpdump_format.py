"""One tcpdump line per frame: the link-type dispatch over the protocol printers.

Each protocol printer is a mixin (link.py, arp.py, ip.py, tcp.py, udp.py, icmp.py...) that builds its
part of the line from the header bytes exactly as tcpdump 4.99 prints them with ``-n`` (and ``-e``,
``-q``, ``-v``). Headers are read with ``struct`` straight from the frame rather than through scapy
objects: tcpdump's output depends on how many bytes were captured (``[|proto]`` markers in snapped
frames) and on raw option bytes, both of which a scapy dissection hides. What no printer decodes gets
tcpdump's generic line for what is known (``ip-proto-N``, ``UDP, length N``, ``ethertype ...`` with a
hex dump), never a guess.
"""

from __future__ import annotations

import time

from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.printer.arp import ArpPrinter
from xdpdump.printer.base import Truncated
from xdpdump.printer.icmp import IcmpPrinter
from xdpdump.printer.icmp6 import Icmp6Printer
from xdpdump.printer.ip import IpPrinter
from xdpdump.printer.link import LinkPrinter
from xdpdump.printer.network import NETWORK_PRINTERS
from xdpdump.printer.options import PrintOptions
from xdpdump.printer.tcp import TcpPrinter
from xdpdump.printer.tcp_seq import TcpSeqTracker
from xdpdump.printer.udp import UdpPrinter

LINKTYPE_NULL = 0
LINKTYPE_RAW_OLD = 12
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

LINKTYPE_NAMES = {
    LINKTYPE_ETHERNET: "EN10MB (Ethernet)", LINKTYPE_NULL: "NULL (BSD loopback)", LINKTYPE_RAW: "RAW (Raw IP)",
    LINKTYPE_RAW_OLD: "RAW (Raw IP)", LINKTYPE_LOOP: "LOOP (OpenBSD loopback)",
    LINKTYPE_LINUX_SLL: "LINUX_SLL (Linux cooked v1)", LINKTYPE_IPV4: "IPV4 (Raw IPv4)",
    LINKTYPE_IPV6: "IPV6 (Raw IPv6)", LINKTYPE_LINUX_SLL2: "LINUX_SLL2 (Linux cooked v2)",
}


def format_timestamp(ts_ns: int) -> str:
    """tcpdump's default stamp: local wall-clock time with microseconds (nanoseconds truncated)."""
    usec = ts_ns // 1000
    sec, frac = divmod(usec, 1_000_000)
    return time.strftime("%H:%M:%S", time.localtime(sec)) + f".{frac:06d}"


class LineFormatter(LinkPrinter, ArpPrinter, IpPrinter, TcpPrinter, UdpPrinter, IcmpPrinter,
                    Icmp6Printer, *NETWORK_PRINTERS):
    """Formats frames into tcpdump lines; holds the TCP state that relative numbering needs."""

    def __init__(self, opts: PrintOptions) -> None:
        self.opts = opts
        self.tcp_seq = TcpSeqTracker()
        # Bytes of link-layer header of the last frame: -x/-X dump what follows it, as tcpdump.
        self.link_hdrlen = 0

    def body(self, data: bytes, wire_len: int, linktype: int = LINKTYPE_ETHERNET) -> str:
        """The line after the timestamp (without hex dump or newline)."""
        out: list[str] = []
        self.link_hdrlen = 0
        if not data:
            return "[Invalid header: caplen==0]"
        try:
            if linktype == LINKTYPE_ETHERNET:
                self._ether(out, data, wire_len)
            elif linktype in (LINKTYPE_RAW, LINKTYPE_RAW_OLD, LINKTYPE_IPV4, LINKTYPE_IPV6):
                self._raw_ip(out, data, 0, wire_len)
            elif linktype == LINKTYPE_LINUX_SLL:
                self._sll(out, data, wire_len)
            elif linktype == LINKTYPE_LINUX_SLL2:
                self._sll2(out, data, wire_len)
            elif linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
                self._null(out, data, wire_len, big_endian=linktype == LINKTYPE_LOOP)
            else:
                out.append(f"unsupported link-type {linktype}, length {wire_len}")
        except Truncated as t:
            if t.proto:
                out.append(f" [|{t.proto}]")
        return "".join(out)
