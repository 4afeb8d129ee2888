"""UDP as tcpdump prints it, and the dispatch to the application protocols it names by port.

tcpdump picks one printer per datagram by walking a fixed list of port tests (print-udp.c): the
first test either port passes wins, so a datagram from port 53 to port 123 is DNS, not NTP.
``_RULES`` is that list in tcpdump's order, the protocols decoded here and the ones that are not:
a datagram whose first match is not decoded here gets the generic ``UDP, length N`` line rather
than another protocol's guess. ``DECODED_UDP_PORTS`` names the ports that can lead to more than the
generic line (the compiled fast path for plain UDP lines defers those to this module).
"""

from __future__ import annotations

import socket
import struct

from xdpdump.printer.base import Truncated, u16
from xdpdump.printer.dhcp import bootp
from xdpdump.printer.dhcp6 import dhcp6
from xdpdump.printer.dns import domain
from xdpdump.printer.giveup import GiveUp
from xdpdump.printer.ntp import ntp
from xdpdump.printer.snmp import snmp
from xdpdump.printer.syslog import syslog
from xdpdump.printer.vxlan import VxlanPrinter

# (ports, which side: "" either, "s" source, "d" destination, tcpdump's printer). Names starting
# with "-" are printers tcpdump has and this module does not decode.
_RULES: tuple[tuple[tuple[int, ...], str, str], ...] = (
    ((53,), "", "domain"), ((5353,), "", "mdns"), ((525,), "", "-timed"), ((69,), "", "-tftp"),
    ((68, 67), "", "bootp"), ((520,), "", "-rip"), ((654,), "", "-aodv"), ((500,), "", "-isakmp"),
    ((4500,), "", "-isakmp"), ((7500, 8500), "", "-isakmp"), ((161, 162), "", "snmp"), ((123,), "", "ntp"),
    ((88, 750), "", "-krb"), ((1701,), "", "-l2tp"), ((137,), "", "-nbt"), ((138,), "", "-nbt"),
    ((3456,), "d", "-vat"), ((2103, 2104), "", "-zephyr"), (tuple(range(7000, 7010)), "", "-rx"),
    ((521,), "", "-ripng"), ((546, 547), "", "dhcp6"), ((5359,), "", "-ahcp"), ((6696, 6697), "", "-babel"),
    ((8231,), "", "-hncp"), ((4567,), "d", "-wb"), ((496,), "", "-autorp"),
    ((1645, 1812, 1646, 1813, 1700, 3799), "", "-radius"), ((1985,), "d", "-hsrp"), ((921,), "", "-lwres"),
    ((646,), "", "-ldp"), ((698,), "", "-olsr"), ((3503,), "", "-lspping"), ((49152,), "s", "-bcm-li"),
    ((3784, 4784, 6784, 3785), "d", "-bfd"), ((701,), "", "-lmp"), ((1589,), "", "-vqp"), ((6343,), "", "-sflow"),
    ((12223,), "d", "-lwapp"), ((12223,), "s", "-lwapp"), ((12222,), "", "-lwapp"), ((5060,), "", "-sip"),
    ((514,), "", "syslog"), ((8472,), "", "-otv"), ((4789,), "", "vxlan"), ((6081,), "", "geneve"),
    ((4342,), "", "-lisp"), ((4790,), "", "-vxlan-gpe"), ((17754,), "", "-zep"), ((6635,), "", "-mpls"),
    ((319, 320), "", "-ptp"), ((30490,), "", "-someip"),
)


def _first_rule(side: str) -> dict[int, tuple[int, str]]:
    """port -> (rank, printer) of the first rule that port passes on ``side``."""
    table: dict[int, tuple[int, str]] = {}
    for rank, (ports, which, name) in enumerate(_RULES):
        if which in ("", side):
            for port in ports:
                table.setdefault(port, (rank, name))
    return table


_BY_SPORT, _BY_DPORT = _first_rule("s"), _first_rule("d")
_NONE = (len(_RULES), "")
DECODED_UDP_PORTS: frozenset[int] = frozenset(
    port for ports, _which, name in _RULES if not name.startswith("-") for port in ports)
NFS_PORT = 2049
# Tunnels in tunnels: past this depth the inner datagram gets the generic line.
MAX_TUNNEL_DEPTH = 8


def tcpdump_printer(sport: int, dport: int) -> str:
    """The printer tcpdump 4.99 picks for these ports ("" for none, "-name" for one not decoded here)."""
    return min(_BY_SPORT.get(sport, _NONE), _BY_DPORT.get(dport, _NONE))[1]


def _ones_sum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


class UdpPrinter(VxlanPrinter):
    tunnel_depth = 0

    def _udp(self, out: list[str], data: bytes, off: int, plen: int, src: str, dst: str, ipv: int) -> None:
        avail = len(data) - off
        if avail < 4:
            out.append(f"{src} > {dst}: ")
            raise Truncated("udp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{src}.{sport} > {dst}.{dport}:")
        if plen < 8:
            out.append(f" truncated-udp {plen}")
            return
        out.append(" ")
        if avail < 6:
            raise Truncated("udp")
        ulen = u16(data, off + 4)[0]
        if ulen == 0 and plen > 65535:
            ulen = plen  # an IPv6 jumbogram (RFC 2675)
        if ulen < 8:
            out.append(f"truncated-udplength {ulen}")
            return
        if avail < 8:
            raise Truncated("udp")
        ulen -= 8
        length = min(plen - 8, ulen)
        fragmented = self.ip_fragmented  # a first fragment (IPv4 MF, an IPv6 fragment header)
        if self.opts.verbose and not fragmented:
            self._udp_checksum(out, data, off, length, src, dst, ipv)
        name = "" if self.opts.quiet else tcpdump_printer(sport, dport)
        if name and not name.startswith("-") and not self._nfs(data, off + 8, sport, dport):
            app: list[str] = []
            try:
                self._udp_app(app, name, data, off + 8, length)
            except Truncated:
                out.extend(app)
                raise
            except GiveUp:
                pass  # a crafted datagram, or a part tcpdump decodes and this printer does not
            else:
                out.extend(app)
                return
        if ulen > length and not fragmented:
            out.append(f"UDP, bad length {ulen} > {length}")
        else:
            out.append(f"UDP, length {ulen}")

    @staticmethod
    def _nfs(data: bytes, off: int, sport: int, dport: int) -> bool:
        """tcpdump tries NFS (a call to port 2049, a reply from it) before any port's printer."""
        if len(data) < off + 8 or NFS_PORT not in (sport, dport):
            return False
        direction = struct.unpack_from("!I", data, off + 4)[0]
        return (dport == NFS_PORT and direction == 0) or (sport == NFS_PORT and direction == 1)

    def _udp_app(self, out: list[str], name: str, data: bytes, off: int, length: int) -> None:
        if name in ("domain", "mdns"):
            domain(out, data, off, length, name == "mdns", self.opts.verbose, self.budget)
        elif name == "bootp":
            bootp(out, data, off, length, self.opts.verbose, self.budget)
        elif name == "ntp":
            ntp(out, data, off, length, self.opts.verbose)
        elif name == "dhcp6":
            dhcp6(out, data, off, length, self.opts.verbose, self.budget)
        elif name == "snmp":
            snmp(out, data, off, length, self.opts.verbose, self.budget)
        elif name == "syslog":
            syslog(out, data, off, length, self.opts.verbose)
        elif name in ("vxlan", "geneve"):
            if self.tunnel_depth >= MAX_TUNNEL_DEPTH:
                raise GiveUp
            self.tunnel_depth += 1
            saved = self.link_hdrlen
            try:
                (self._vxlan if name == "vxlan" else self._geneve)(out, data, off, length)
            finally:
                self.tunnel_depth -= 1
                self.link_hdrlen = saved

    def _udp_checksum(self, out: list[str], data: bytes, off: int, length: int, src: str, dst: str,
                      ipv: int) -> None:
        """-v: tcpdump checks UDP-over-IPv6 sums (over IPv4 only with -vv) when all bytes are there."""
        if len(data) < off + 8 + length:
            return
        field = u16(data, off + 6)[0]
        if ipv == 4:
            if self.opts.verbose < 2:
                return
            if field == 0:
                out.append("[no cksum] ")
                return
            pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", 17, length + 8)
        else:
            pseudo = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                      + struct.pack("!IxxxB", length + 8, 17))
        computed = ~_ones_sum(pseudo + data[off : off + 8 + length]) & 0xFFFF
        if computed == 0:
            out.append("[udp sum ok] ")
            return
        should = field + computed
        should = (should & 0xFFFF) + (should >> 16)
        should = (should & 0xFFFF) + (should >> 16)
        out.append(f"[bad udp cksum 0x{field:04x} -> 0x{should:04x}!] ")
