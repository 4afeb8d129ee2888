"""ICMP as tcpdump's icmp_print: every type, the errors naming what the quoted datagram was sent to
(and, with -v, printing that datagram as tcpdump does). ICMPv6 is icmp6.py."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated, ip4_at

_UNREACH = {
    0: "net {} unreachable", 1: "host {} unreachable", 5: "{} unreachable - source route failed",
    6: "net {} unreachable - unknown", 7: "host {} unreachable - unknown",
    8: "{} unreachable - source host isolated", 9: "net {} unreachable - admin prohibited",
    10: "host {} unreachable - admin prohibited", 11: "net {} unreachable - tos prohibited",
    12: "host {} unreachable - tos prohibited", 13: "host {} unreachable - admin prohibited filter",
    14: "host {} unreachable - host precedence violation", 15: "host {} unreachable - precedence cutoff",
}
_REDIRECT = {0: "redirect {} to net {}", 1: "redirect {} to host {}", 2: "redirect-tos {} to net {}",
             3: "redirect-tos {} to host {}"}
_SIMPLE = {3: "destination unreachable", 4: "source quench", 10: "router solicitation",
           15: "information request", 16: "information reply", 17: "address mask request"}
_ERRORS = (3, 4, 5, 11, 12)  # the types that quote a datagram (printed with -v)


def _ms_of_day(ms: int) -> str:
    sec, msec = divmod(ms, 1000)
    mins, sec = divmod(sec, 60)
    hrs, mins = divmod(mins, 60)
    return f"{hrs:02d}:{mins:02d}:{sec:02d}.{msec:03d}"


def _lifetime(t: int) -> str:
    if t < 60:
        return str(t)
    if t < 3600:
        return f"{t // 60}:{t % 60:02d}"
    return f"{t // 3600}:{t % 3600 // 60:02d}:{t % 60:02d}"


class IcmpPrinter(Base):
    def _icmp(self, out: list[str], data: bytes, off: int, plen: int):
        """The ICMP line; with -v an error's quoted datagram is returned as the next Step (ip.py)."""
        if len(data) - off < 2:
            raise Truncated("icmp")
        typ, code = data[off], data[off + 1]
        text = self._icmp_text(data, off, typ, code)
        out.append(f"ICMP {text}, length {plen}")
        if self.opts.verbose and typ in _ERRORS and len(data) > off + 8:
            out.append("\n\t")
            inner = off + 8
            total = struct.unpack_from("!H", data, inner + 2)[0] if len(data) >= inner + 4 else 0
            return self._ip4_step, (data, inner, total)
        return None

    def _icmp_text(self, data: bytes, off: int, typ: int, code: int) -> str:
        avail = len(data) - off

        def need(n: int) -> None:
            if avail < n:
                raise Truncated("icmp")

        if typ in (0, 8):
            need(8)
            ident, seq = struct.unpack_from("!HH", data, off + 4)
            return f"echo {'request' if typ == 8 else 'reply'}, id {ident}, seq {seq}"
        if typ == 3:
            need(28)
            dst = ip4_at(data, off + 24)
            if code == 2:
                return f"{dst} protocol {data[off + 17]} unreachable"
            if code == 3:
                need(18)
                inner_hlen = (data[off + 8] & 0x0F) * 4
                need(8 + inner_hlen + 4)
                proto = data[off + 17]
                dport = struct.unpack_from("!H", data, off + 8 + inner_hlen + 2)[0]
                if proto == 6:
                    return f"{dst} tcp port {dport} unreachable"
                if proto == 17:
                    return f"{dst} udp port {dport} unreachable"
                return f"{dst} protocol {proto} port {dport} unreachable"
            if code == 4:
                mtu = struct.unpack_from("!H", data, off + 6)[0]
                return f"{dst} unreachable - need to frag" + (f" (mtu {mtu})" if mtu else "")
            return _UNREACH.get(code, f"#{code} {{}} unreachable").format(dst)
        if typ == 5:
            need(28)
            fmt = _REDIRECT.get(code, f"redirect-#{code} {{}} to {{}}")
            return fmt.format(ip4_at(data, off + 24), ip4_at(data, off + 4))
        if typ == 9:
            need(8)
            num, size, life = struct.unpack_from("!BBH", data, off + 4)
            text = f"router advertisement lifetime {_lifetime(life)} {num}:"
            if size != 2:
                return text + f" [size {size}]"
            for i in range(num):
                self.budget.spend()
                at = off + 8 + 8 * i
                need(at - off + 8)
                text += f" {{{ip4_at(data, at)} {struct.unpack_from('!I', data, at + 4)[0]}}}"
            return text
        if typ == 11:
            need(28)
            return {0: "time exceeded in-transit", 1: "ip reassembly time exceeded"}.get(
                code, f"time exceeded-#{code}")
        if typ == 12:
            if code:
                return f"parameter problem - code {code}"
            need(5)
            return f"parameter problem - octet {data[off + 4]}"
        if typ == 13:
            need(8)
            ident, seq = struct.unpack_from("!HH", data, off + 4)
            return f"time stamp query id {ident} seq {seq}"
        if typ == 14:
            need(20)
            ident, seq, org, recv, xmit = struct.unpack_from("!HHIII", data, off + 4)
            return (f"time stamp reply id {ident} seq {seq}: org {_ms_of_day(org)}, recv {_ms_of_day(recv)}, "
                    f"xmit {_ms_of_day(xmit)}")
        if typ == 18:
            need(12)
            return f"address mask is 0x{struct.unpack_from('!I', data, off + 8)[0]:08x}"
        return _SIMPLE.get(typ, f"type-#{typ}")
