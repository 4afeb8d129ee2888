"""IPv4 (options, fragments) and IPv6 (with its extension headers, ipv6_ext.py) as tcpdump prints
them, and tcpdump's ip_demux_print: the dispatch to what they carry (``ip_payload``).

Encapsulation does not recurse. A printer that ends its line with another packet (IP in IP, 6in4,
4in6, GRE's inner packet, the datagram an ICMP error quotes with -v) returns that packet as a
``Step`` and ``run_steps`` prints it next, so an IP-in-IP chain nested thousands deep costs one loop
iteration per header, not a Python stack frame. Every loop over a frame's contents consumes bytes,
so the work per frame is linear in its length, and each packet printed spends ``LAYER`` units of
the frame's budget (budget.py): a chain deeper than the budget ends with `` [|printer limit]``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from xdpdump.printer.base import IP_PROTO_NAMES, Base, Truncated, ip4_at, ip6
from xdpdump.printer.budget import LAYER

_IP_OPT_NAMES = {0: "EOL", 1: "NOP", 68: "timestamp", 130: "security", 7: "RR", 137: "SSRR", 131: "LSRR",
                 148: "RA", 82: "traceroute"}


def fold(total: int) -> int:
    """Fold a one's-complement sum to 16 bits (tcpdump's in_cksum_shouldbe folds twice)."""
    total = (total & 0xFFFF) + (total >> 16)
    return (total & 0xFFFF) + (total >> 16)


def ip_checksum(header: bytes) -> int:
    """The Internet checksum of ``header`` as tcpdump's in_cksum: 0 when the stored one is right."""
    if len(header) % 2:
        header += b"\0"
    total = sum(struct.unpack(f"!{len(header) // 2}H", header))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


# A packet still to print: the method and its arguments after ``out``.
Step = tuple[Callable[..., Any], tuple] | None
# The transports tcpdump heads with addresses itself (the IP layer prints none before them).
_ADDRESSED = (6, 17, 132, 33)


class IpPrinter(Base):
    # The datagram being printed is a first fragment (IPv4 MF, an IPv6 fragment header): tcpdump's
    # UDP then prints the UDP length without comparing it with the IP length.
    ip_fragmented = False

    def run_steps(self, out: list[str], step: Step) -> None:
        """Print a packet and whatever it encapsulates, one header after another."""
        spend = self.budget.spend
        while step is not None:
            spend(LAYER)
            fn, args = step
            step = fn(out, *args)

    def _ip4(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        self.run_steps(out, (self._ip4_step, (data, off, wire)))

    def _ip6(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        self.run_steps(out, (self._ip6_step, (data, off, wire)))

    def _ip4_step(self, out: list[str], data: bytes, off: int, wire: int) -> Step:
        avail = len(data) - off
        if avail < 1:
            raise Truncated("ip")
        version = data[off] >> 4
        if version != 4:
            out.append("IP6, wrong link-layer encapsulation (invalid)" if version == 6
                       else f"IP{version} (invalid)")
            return None
        if not self.opts.link:
            out.append("IP ")
        if avail < 20:
            raise Truncated("ip")
        if wire < 20:
            out.append(f"truncated-ip {wire}")
            return None
        vihl, tos, total, ident, frag, ttl, proto = struct.unpack_from("!BBHHHBB", data, off)
        hlen = (vihl & 0x0F) * 4
        src, dst = ip4_at(data, off + 12), ip4_at(data, off + 16)
        if hlen < 20:
            out.append(f"bad-hlen {hlen}")
            return None
        if wire < total:
            out.append(f"truncated-ip - {total - wire} bytes missing! ")
        if total < hlen:
            out.append(f"bad-len {total}")
            return None
        if self.opts.verbose:
            flags = [n for bit, n in ((0x2000, "+"), (0x4000, "DF"), (0x8000, "rsvd")) if frag & bit]
            ecn = ("", ",ECT(1)", ",ECT(0)", ",CE")[tos & 3]
            ttl_s = f", ttl {ttl}" if ttl else ""
            out.append(f"(tos 0x{tos:x}{ecn}{ttl_s}, id {ident}, offset {(frag & 0x1FFF) * 8}, "
                       f"flags [{', '.join(flags) or 'none'}], "
                       f"proto {IP_PROTO_NAMES.get(proto, 'unknown')} ({proto}), length {total}")
            cut = False
            if hlen > 20:
                out.append(", options (")
                cut = self._ip4_options(out, data[: off + total] if len(data) > off + total else data, off + 20,
                                        hlen - 20)
                out.append(" [truncated-option])" if cut else ")")
            if len(data) >= off + hlen:
                computed = ip_checksum(data[off : off + hlen])
                if computed:
                    given = struct.unpack_from("!H", data, off + 10)[0]
                    out.append(f", bad cksum {given:x} (->{fold(given + computed):x})!")
            if cut:
                out.append(f")\n    {src} > {dst}: ")
                raise Truncated("ip")
            out.append(")\n    ")
        plen = total - hlen
        if frag & 0x1FFF:
            out.append(f"{src} > {dst}: ip-proto-{proto}")
            return None
        if proto not in _ADDRESSED:
            out.append(f"{src} > {dst}: ")
        if avail < hlen:
            out.append(f" [remaining caplen({avail}) < header length({hlen})]")
            raise Truncated("ip")
        # What follows the datagram (Ethernet padding) is not the payload's.
        end = off + total
        return self.ip_payload(out, data[:end] if len(data) > end else data, off + hlen, plen, proto, src, dst, 4,
                               bool(frag & 0x2000))

    def _ip4_options(self, out: list[str], data: bytes, off: int, length: int) -> bool:
        """tcpdump's ip_optprint over ``length`` bytes at ``off``; True when an option was cut by the
        capture (tcpdump's [truncated-option]). Like tcpdump, a route or timestamp option is read by
        its own length and pointer, which may run past it into what follows: only the captured end
        stops the reading (a byte tcpdump must have and does not is its [|ip])."""
        n = len(data)

        def byte(at: int) -> int:
            if at >= n:
                raise Truncated("ip")
            return data[at]

        sep = ""
        while length > 0:
            self.budget.spend()
            out.append(sep)
            sep = ","
            code = byte(off)
            out.append(_IP_OPT_NAMES.get(code, f"unknown {code}"))
            if code in (0, 1):
                olen = 1
            else:
                olen = byte(off + 1)
                if olen < 2:
                    out.append(f" [bad length {olen}]")
                    return False
            if olen > length:
                out.append(f" [bad length {olen}]")
                return False
            if off + olen > n:
                return True
            if code == 0:
                return False
            if code == 68:
                if self._ip4_ts(out, data, off, olen, byte):
                    return True
            elif code in (7, 131, 137):
                if self._ip4_route(out, data, off, olen, byte):
                    return True
            elif code == 148:
                if olen < 4:
                    out.append(f" [bad length {olen}]")
                else:
                    if off + 4 > n:
                        return True
                    value = struct.unpack_from("!H", data, off + 2)[0]
                    if value:
                        out.append(f" value {value}")
            off += olen
            length -= olen
        return False

    @staticmethod
    def _ip4_route(out: list[str], data: bytes, at: int, length: int, byte) -> bool:
        """tcpdump's ip_printroute; True when an address was not captured."""
        if length < 3:
            out.append(f" [bad length {length}]")
            return False
        if (length + 1) & 3:
            out.append(f" [bad length {length}]")
        ptr = byte(at + 2) - 1
        if ptr < 3 or (ptr + 1) & 3 or ptr > length + 1:
            out.append(f" [bad ptr {ptr + 1}]")
        for pos in range(3, length, 4):
            if at + pos + 4 > len(data):
                return True
            out.append(" " + ip4_at(data, at + pos) + ("," if ptr > pos else ""))
        return False

    @staticmethod
    def _ip4_ts(out: list[str], data: bytes, at: int, length: int, byte) -> bool:
        """tcpdump's ip_printts; True when a stamp was not captured."""
        if length < 4:
            out.append(f"[bad length {length}]")
            return False
        out.append(" TS{")
        flag_byte = byte(at + 3)
        hop = 4 if flag_byte & 0xF == 0 else 8
        if (length - 4) & (hop - 1):
            out.append(f"[bad length {length}]")
        ptr = byte(at + 2) - 1
        pos = 0
        if ptr < 4 or (ptr - 4) & (hop - 1) or ptr > length + 1:
            out.append(f"[bad ptr {ptr + 1}]")
        kind = {0: "TSONLY", 1: "TS+ADDR", 3: "PRESPEC"}.get(flag_byte & 0xF)
        if kind is None:
            out.append(f"[bad ts type {flag_byte & 0xF}]")
        else:
            out.append(kind)
            mark = " "
            for pos in range(4, length, hop):
                if ptr == pos:
                    mark = " ^ "
                if at + pos + hop > len(data):
                    return True
                stamp = struct.unpack_from("!I", data, at + pos + hop - 4)[0]
                out.append(f"{mark}{stamp}@{ip4_at(data, at + pos) if hop == 8 else ''}")
                mark = " "
            else:  # tcpdump's loop variable ends one stamp past the last (4 if there was none)
                pos = max(pos + hop, 4) if length > 4 else 4
        out.append(" ^ " if ptr == pos else "")
        out.append(f" [{flag_byte >> 4} hops not recorded]}} " if flag_byte >> 4 else "}")
        return False

    def _ip6_step(self, out: list[str], data: bytes, off: int, wire: int) -> Step:
        if len(data) - off < 40:
            raise Truncated("ip6")
        vcf, plen, nh, hlim = struct.unpack_from("!IHBB", data, off)
        if wire < 40:
            out.append(f"truncated-ip6 {wire}")
            return None
        if not self.opts.link:
            out.append("IP6 ")
        if vcf >> 28 != 6:
            out.append(f"version error: {vcf >> 28} != 6")
            return None
        if plen:
            length = plen + 40
            if wire < length:
                out.append(f"truncated-ip6 - {length - wire} bytes missing!")
        else:
            length = (wire + 40) & 0xFFFFFFFF  # a jumbogram's length is in a hop-by-hop option
        if self.opts.verbose:
            cls, flow = (vcf >> 20) & 0xFF, vcf & 0xFFFFF
            head = ""
            if cls:
                head += f"class 0x{cls:02x}, "
            if flow:
                head += f"flowlabel 0x{flow:05x}, "
            name = IP_PROTO_NAMES.get(nh, "unknown")
            out.append(f"({head}hlim {hlim}, next-header {name} ({nh}) payload length: {plen}) ")
        src, dst = ip6(data[off + 8 : off + 24]), ip6(data[off + 24 : off + 40])
        if nh not in _ADDRESSED:
            out.append(f"{src} > {dst}: ")
        end = off + length
        return self.ip6_headers(out, data[:end] if len(data) > end else data, data, off, wire, length, plen, nh,
                                src, dst)

    # --- what IP carries (tcpdump's ip_demux_print) --------------------------------------------

    def ip_payload(self, out: list[str], data: bytes, off: int, plen: int, proto: int, src: str, dst: str,
                   ipv: int, fragmented: bool = False, addressed: bool = True) -> Step:
        """Print what IP carries; ``addressed`` is False behind an extension header or AH, where
        tcpdump heads TCP and UDP with their ports only."""
        plen &= 0xFFFFFFFF  # tcpdump's lengths are unsigned: AH longer than the datagram wraps
        self.ip_fragmented = fragmented
        while proto == 51:  # AH: its next header follows, with the AH's length taken off
            self.budget.spend(3)  # (an AH header's text costs three small items, 4.7 us)
            if len(data) <= off:
                raise Truncated("ah")
            proto, advance = data[off], self._ah(out, data, off)
            off, plen, addressed = off + advance, (plen - advance) & 0xFFFFFFFF, False
        if proto == 6:
            self._tcp(out, data, off, plen, src, dst, ipv, ports_only=not addressed)
        elif proto == 17:
            if addressed:
                self._udp(out, data, off, plen, src, dst, ipv)
            else:
                self._ports_only(out, self._udp, data, off, plen, src, dst, ipv)
        elif proto == 1:
            if ipv == 4:
                return self._icmp(out, data, off, plen)
            out.append("[ICMP requires IPv4] (invalid)")
        elif proto == 58:
            if ipv == 6:
                self._icmp6(out, data, off, plen)
            else:
                out.append("[ICMPv6 requires IPv6] (invalid)")
        elif proto == 2:
            if ipv == 4:
                self._igmp(out, data, off, plen)
            else:
                out.append("[IGMP requires IPv4] (invalid)")
        elif proto == 4:
            return self._ip4_step, (data, off, plen)
        elif proto == 41:
            return self._ip6_step, (data, off, plen)
        elif proto == 47:
            return self._gre(out, data, off, plen)
        elif proto == 50:
            self._esp(out, data, off, plen)
        elif proto == 132:
            self._sctp(out, data, off, plen, src, dst)
        elif proto == 33:
            self._dccp(out, data, off, plen, src, dst)
        elif proto == 77:
            out.append(f" nd {plen}")
        elif proto == 59:
            out.append("no next header")
        elif proto == 143 and ipv == 4:
            out.append("[Ethernet requires IPv6] (invalid)")
        else:
            out.append(f" ip-proto-{proto} {plen}")
        return None

    @staticmethod
    def _ports_only(out: list[str], printer: Callable[..., None], data: bytes, off: int, plen: int, src: str,
                    dst: str, ipv: int) -> None:
        """Run a transport printer that heads its line with addresses, keeping its ports only.

        tcpdump's UDP names the addresses only when IP's own next header is UDP; behind extension
        headers it prints ``sport > dport:``, and nothing at all when the ports were not captured.
        """
        mine: list[str] = []
        try:
            printer(mine, data, off, plen, src, dst, ipv)
        finally:
            text = "".join(mine)
            if len(data) - off >= 4:
                sport, dport = struct.unpack_from("!HH", data, off)
                full = f"{src}.{sport} > {dst}.{dport}:"
                if text.startswith(full):
                    text = f"{sport} > {dport}:" + text[len(full):]
            elif text.startswith(f"{src} > {dst}:"):
                text = text[len(f"{src} > {dst}:"):].lstrip(" ")
            out.append(text)
