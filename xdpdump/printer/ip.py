"""IPv4 (options, fragments) and IPv6 (extension headers) as tcpdump prints them, and the
dispatch to what they carry (``ip_payload``).

The IPv6 extension-header walk is bounded (``MAX_IP6_HEADERS``) as is every loop over a frame's
contents, so a crafted frame costs at most a few dozen steps.
"""

from __future__ import annotations

import struct

from xdpdump.printer.base import IP_PROTO_NAMES, Base, Truncated, ip4_at, ip6

MAX_IP6_HEADERS = 16
_IP_OPT_NAMES = {0: "EOL", 1: "NOP", 68: "timestamp", 130: "security", 7: "RR", 137: "SSRR", 131: "LSRR",
                 148: "RA", 82: "traceroute"}


class IpPrinter(Base):
    def _ip4(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        avail = len(data) - off
        if avail < 1:
            raise Truncated("ip")
        version = data[off] >> 4
        if version != 4:
            out.append("IP6, wrong link-layer encapsulation (invalid)" if version == 6
                       else f"IP{version} (invalid)")
            return
        if not self.opts.link:
            out.append("IP ")
        if avail < 20:
            raise Truncated("ip")
        if wire < 20:
            out.append(f"truncated-ip {wire}")
            return
        vihl, tos, total, ident, frag, ttl, proto = struct.unpack_from("!BBHHHBB", data, off)
        hlen = (vihl & 0x0F) * 4
        src, dst = ip4_at(data, off + 12), ip4_at(data, off + 16)
        if hlen < 20:
            out.append(f"bad-hlen {hlen}")
            return
        if wire < total:
            out.append(f"truncated-ip - {total - wire} bytes missing! ")
        if total < hlen:
            out.append(f"bad-len {total}")
            return
        if self.opts.verbose:
            flags = [n for bit, n in ((0x2000, "+"), (0x4000, "DF"), (0x8000, "rsvd")) if frag & bit]
            ecn = ("", ",ECT(1)", ",ECT(0)", ",CE")[tos & 3]
            ttl_s = f", ttl {ttl}" if ttl else ""
            out.append(f"(tos 0x{tos:x}{ecn}{ttl_s}, id {ident}, offset {(frag & 0x1FFF) * 8}, "
                       f"flags [{', '.join(flags) or 'none'}], "
                       f"proto {IP_PROTO_NAMES.get(proto, 'unknown')} ({proto}), length {total}")
            if hlen > 20:
                out.append(", options (")
                cut = self._ip4_options(out, data, off + 20, hlen - 20)
                out.append(")")
                if cut:
                    out.append(f")\n    {src} > {dst}: ")
                    raise Truncated("ip")
            out.append(")\n    ")
        plen = total - hlen
        if frag & 0x1FFF:
            out.append(f"{src} > {dst}: ip-proto-{proto}")
            return
        if proto not in (6, 17, 132, 33):
            out.append(f"{src} > {dst}: ")
        if avail < hlen:
            out.append(f" [remaining caplen({avail}) < header length({hlen})]")
            raise Truncated("ip")
        # What follows the datagram (Ethernet padding) is not the payload's.
        end = off + total
        self.ip4_fragmented = bool(frag & 0x2000)  # a first fragment: UDP neither sums nor checks lengths
        self.ip_payload(out, data[:end] if len(data) > end else data, off + hlen, plen, proto, src, dst, 4)

    def _ip4_options(self, out: list[str], data: bytes, off: int, length: int) -> bool:
        """tcpdump's ip_optprint; True when the options were cut by the capture."""
        sep = ""
        while length > 0:
            out.append(sep)
            sep = ","
            if off >= len(data):
                return True
            code = data[off]
            out.append(_IP_OPT_NAMES.get(code, f"unknown {code}"))
            if code in (0, 1):
                olen = 1
            else:
                if off + 1 >= len(data):
                    return True
                olen = data[off + 1]
                if olen < 2:
                    out.append(f" [bad length {olen}]")
                    return False
            if olen > length:
                out.append(f" [bad length {olen}]")
                return False
            if off + olen > len(data):
                return True
            opt = data[off:off + olen]
            if code == 0:
                return False
            if code == 68:
                self._ip4_ts(out, opt)
            elif code in (7, 131, 137):
                self._ip4_route(out, opt)
            elif code == 148:
                if olen < 4:
                    out.append(f" [bad length {olen}]")
                elif struct.unpack_from("!H", opt, 2)[0]:
                    out.append(f" value {struct.unpack_from('!H', opt, 2)[0]}")
            off += olen
            length -= olen
        return False

    @staticmethod
    def _ip4_route(out: list[str], opt: bytes) -> None:
        length = len(opt)
        if length < 3:
            out.append(f" [bad length {length}]")
            return
        if (length + 1) & 3:
            out.append(f" [bad length {length}]")
        ptr = opt[2] - 1
        if ptr < 3 or (ptr + 1) & 3 or ptr > length + 1:
            out.append(f" [bad ptr {opt[2]}]")
        pos = 3
        while pos < length:
            if pos + 4 > length:
                raise Truncated("ip")  # tcpdump needs all four bytes of an address it prints
            out.append(" " + ip4_at(opt, pos))
            if ptr > pos:
                out.append(",")
            pos += 4

    @staticmethod
    def _ip4_ts(out: list[str], opt: bytes) -> None:
        length = len(opt)
        if length < 4:
            out.append(f"[bad length {length}]")
            return
        out.append(" TS{")
        flag = opt[3] & 0xF
        hop = 4 if flag == 0 else 8
        if (length - 4) & (hop - 1):
            out.append(f"[bad length {length}]")
        ptr = opt[2] - 1
        if ptr < 4 or (ptr - 4) & (hop - 1) or ptr > length + 1:
            out.append(f"[bad ptr {opt[2]}]")
        pos = 0
        names = {0: "TSONLY", 1: "TS+ADDR", 3: "PRESPEC"}
        if flag in names:
            out.append(names[flag])
            kind = " "
            pos = 4
            while pos < length:
                if ptr == pos:
                    kind = " ^ "
                if pos + hop > length:
                    raise Truncated("ip")
                stamp = struct.unpack_from("!I", opt, pos + hop - 4)[0]
                out.append(f"{kind}{stamp}@{ip4_at(opt, pos) if hop == 8 else ''}")
                kind = " "
                pos += hop
        else:
            out.append(f"[bad ts type {flag}]")
        out.append(" ^ " if ptr == pos else "")
        out.append(f" [{opt[3] >> 4} hops not recorded]}} " if opt[3] >> 4 else "}")

    def _ip6(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        if len(data) - off < 40:
            raise Truncated("ip6")
        vcf, plen, nh, hlim = struct.unpack_from("!IHBB", data, off)
        if wire < 40:
            out.append(f"truncated-ip6 {wire}")
            return
        if not self.opts.link:
            out.append("IP6 ")
        if vcf >> 28 != 6:
            out.append(f"version error: {vcf >> 28} != 6")
            return
        if plen and wire < plen + 40:
            out.append(f"truncated-ip6 - {plen + 40 - wire} bytes missing!")
        src, dst = ip6(data[off + 8 : off + 24]), ip6(data[off + 24 : off + 40])
        if self.opts.verbose:
            cls, flow = (vcf >> 20) & 0xFF, vcf & 0xFFFFF
            head = ""
            if cls:
                head += f"class 0x{cls:02x}, "
            if flow:
                head += f"flowlabel 0x{flow:05x}, "
            name = IP_PROTO_NAMES.get(nh, "unknown")
            out.append(f"({head}hlim {hlim}, next-header {name} ({nh}) payload length: {plen}) ")
        if nh not in (6, 17, 132, 33):
            out.append(f"{src} > {dst}: ")
        end = off + 40 + plen
        self.ip_payload(out, data[:end] if len(data) > end else data, off + 40, plen, nh, src, dst, 6)

    # --- what IP carries ----------------------------------------------------------------------

    def ip_payload(self, out: list[str], data: bytes, off: int, plen: int, proto: int,
                   src: str, dst: str, ipv: int) -> None:
        if proto == 6:
            self._tcp(out, data, off, plen, src, dst, ipv)
        elif proto == 17:
            self._udp(out, data, off, plen, src, dst, ipv)
        elif proto == 1 and ipv == 4:
            self._icmp(out, data, off, plen)
        elif proto == 58 and ipv == 6:
            self._icmp6(out, data, off, plen)
        else:
            out.append(f" ip-proto-{proto} {plen}")
