"""What every protocol printer shares: the truncation signal, address formats, tcpdump's name tables
and the generic hex-and-ASCII dump tcpdump appends to what it cannot decode.

Protocol printers are mixins of ``LineFormatter`` (tcpdump_format.py): each method appends pieces of
the line to ``out`` and reads the frame with ``struct`` at an offset. A printer that needs bytes past
the captured data raises ``Truncated(proto)``; ``LineFormatter.body`` appends `` [|proto]``.
"""

from __future__ import annotations

import socket
import struct

from xdpdump.printer.budget import Budget
from xdpdump.printer.hexdump import hex_ascii_lines, hex_lines
from xdpdump.printer.options import PrintOptions

u8 = struct.Struct("!B").unpack_from
u16 = struct.Struct("!H").unpack_from
u32 = struct.Struct("!I").unpack_from

# tcpdump's ethertype_values: read back from tcpdump 4.99 -e over every ethertype (the 802.1Q
# names and the two below 0x600 that ARP's protocol field can carry added by hand).
ETHERTYPE_NAMES = {
    0x0200: "PUP", 0x0500: "Sprite", 0x0600: "NS", 0x0707: "GeoNet (old)", 0x0800: "IPv4", 0x0806: "ARP",
    0x1000: "Trail", 0x1111: "CALM FAST", 0x6001: "MOP DL", 0x6002: "MOP RC", 0x6003: "DN", 0x6004: "LAT",
    0x6007: "SCA", 0x6558: "TEB", 0x8035: "Reverse ARP", 0x8038: "Lanbridge", 0x803C: "DEC DNS",
    0x803E: "DEC DTS", 0x805B: "VEXP", 0x805C: "VPROD", 0x809B: "Appletalk", 0x80F3: "Appletalk ARP",
    0x8100: "802.1Q", 0x8137: "IPX", 0x86DD: "IPv6", 0x8808: "MPCP", 0x8809: "Slow Protocols", 0x880B: "PPP",
    0x8847: "MPLS unicast", 0x8848: "MPLS multicast", 0x8863: "PPPoE D", 0x8864: "PPPoE S",
    0x886F: "MS NLB heartbeat", 0x888E: "EAPOL", 0x8899: "Realtek protocols", 0x88A2: "AoE",
    0x88A8: "802.1Q-QinQ", 0x88CA: "TIPC", 0x88CC: "LLDP", 0x88E5: "802.1AE MACsec", 0x88F7: "PTP",
    0x8902: "CFM", 0x893A: "IEEE1905.1", 0x8947: "GeoNet", 0x894F: "NSH", 0x9000: "Loopback",
    0x9100: "802.1Q-9100", 0x9200: "802.1Q-9200", 0xABCD: "CFM (old)", 0xD28B: "Arista Vendor Specific Protocol",
    0xFEFE: "OSI",
}
# IP protocol names as tcpdump's -v header lines print them (ipproto_values, tcpdump 4.99's table).
IP_PROTO_NAMES = {
    0: "Options", 1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 8: "EGP", 9: "IGRP", 17: "UDP", 33: "DCCP",
    41: "IPv6", 43: "Routing", 44: "Fragment", 46: "RSVP", 47: "GRE", 50: "ESP", 51: "AH", 55: "Mobile IP",
    58: "ICMPv6", 62: "Mobile IP (old)", 88: "EIGRP", 89: "OSPF", 103: "PIM", 108: "Compressed IP", 112: "VRRP",
    113: "PGM", 132: "SCTP", 135: "Mobility", 143: "Ethernet",
}


class Truncated(Exception):
    """The captured bytes end inside a header; ``proto`` names it as tcpdump's ``[|proto]``.

    ``whole_dump``: tcpdump's printer stopped by its longjmp (the GET_ macros of its newer printers),
    after which -x/-X dump the whole frame, link header included, not just what follows that header.
    """

    def __init__(self, proto: str, whole_dump: bool = False) -> None:
        super().__init__(proto)
        self.proto = proto
        self.whole_dump = whole_dump


class Done(Truncated):
    """The line is complete (tcpdump stopped printing here); nothing more is appended."""

    def __init__(self) -> None:
        super().__init__("")


def mac(b: bytes) -> str:
    return b.hex(":")


def ip4(b: bytes) -> str:
    return f"{b[0]}.{b[1]}.{b[2]}.{b[3]}"


def ip4_at(data: bytes, off: int) -> str:
    return f"{data[off]}.{data[off + 1]}.{data[off + 2]}.{data[off + 3]}"


def ip6(b: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET6, b)


def linkaddr(b: bytes) -> str:
    """tcpdump's linkaddr_string: a MAC for 6 bytes, else hex bytes joined by ':'."""
    return b.hex(":")


def need(data: bytes, end: int, proto: str) -> None:
    """Raise ``Truncated(proto)`` unless ``data`` holds bytes up to ``end``."""
    if len(data) < end:
        raise Truncated(proto)


class Base:
    """The state a protocol mixin may use (set by LineFormatter)."""

    opts: PrintOptions
    budget: Budget  # the frame's work limit: every loop over a count the sender chooses spends from it

    def default_print(self, out: list[str], payload: bytes, suppressible: bool = True) -> None:
        """tcpdump's ND_DEFAULTPRINT: a hex-and-ASCII dump of what it did not decode. Most of its
        printers skip it when -x/-X already dump the packet or -q asked for less (tcpdump's
        suppress_default_print); ARP's and LLC's do not (``suppressible=False``)."""
        if not suppressible or not self.default_suppressed():
            out.append(hex_ascii_lines(payload))

    def default_suppressed(self) -> bool:
        """tcpdump's suppress_default_print: -x/-X already dump the packet, -q asked for less."""
        return bool(self.opts.hex or self.opts.hex_ascii or self.opts.quiet)

    @staticmethod
    def unknown_data(out: list[str], payload: bytes) -> None:
        """tcpdump's print_unknown_data: a hex-only dump, printed whatever the flags."""
        out.append(hex_lines(payload))
