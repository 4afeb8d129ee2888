"""ICMPv6 as tcpdump's icmp6_print (without -v): echo, neighbour discovery, MLDv1/v2, the errors
(naming what the quoted datagram was sent to) and tcpdump's dump of types it does not know."""

from __future__ import annotations

import struct
from collections.abc import Callable

from xdpdump.printer.base import Base, Truncated, ip6

_TYPE_NAMES = {1: "destination unreachable", 2: "packet too big", 3: "time exceeded", 4: "parameter problem",
               128: "echo request", 129: "echo reply", 130: "multicast listener query",
               131: "multicast listener report", 132: "multicast listener done", 133: "router solicitation",
               134: "router advertisement", 135: "neighbor solicitation", 136: "neighbor advertisement",
               137: "redirect", 143: "multicast listener report v2"}
_NAMES = {141: "inverse neighbor solicitation", 142: "inverse neighbor advertisement"}


def _quoted_upper_layer(data: bytes, ip: int, spend: Callable[[], None]) -> tuple[int, int]:
    """tcpdump's get_upperlayer: walk the quoted datagram's extension headers (and AH) to its TCP or
    UDP header; (protocol, offset). Anything else, or a header not captured, is tcpdump's [|icmp6].
    Each step moves forward by at least eight bytes, spends a unit of the frame's budget (budget.py),
    and the walk stops at the captured end."""
    if len(data) < ip + 7:
        raise Truncated("icmp6")
    nh, at, hlen = data[ip + 6], ip, 40
    while at < len(data):
        spend()
        at += hlen
        if nh in (6, 17):
            if len(data) < at + 4:
                break
            return nh, at
        if nh in (0, 43, 60, 51):
            if len(data) < at + 2:
                break
            nh, hlen = data[at], ((data[at + 1] + 2) << 2) if nh == 51 else ((data[at + 1] + 1) << 3)
        elif nh == 44:
            if len(data) < at + 4 or struct.unpack_from("!H", data, at + 2)[0] & 0xFFF8:
                break
            nh, hlen = data[at], 8
        else:
            break
    raise Truncated("icmp6")


class Icmp6Printer(Base):
    def _icmp6(self, out: list[str], data: bytes, off: int, plen: int) -> None:
        avail = len(data) - off
        if plen == 0:
            out.append(f"ICMP6, length {plen} (invalid)")
            return
        if avail < 1:
            raise Truncated("icmp6")
        typ = data[off]
        out.append("ICMP6, ")
        if avail < 2:
            out.append(_TYPE_NAMES.get(typ, f"unknown icmp6 type ({typ})"))
            raise Truncated("icmp6")
        code = data[off + 1]
        pieces = len(out)
        try:
            text, tail = self._icmp6_text(out, data, off, typ, code, plen)
        except Truncated:
            if len(out) == pieces:  # tcpdump names the type before it reads the rest
                out.append(_TYPE_NAMES.get(typ, f"unknown icmp6 type ({typ})"))
            raise
        if text is None:
            return
        out.append(f"{text}, length {plen}" if tail else text)

    def _icmp6_text(self, out: list[str], data: bytes, off: int, typ: int, code: int,
                    plen: int) -> tuple[str | None, bool]:
        avail = len(data) - off

        def need(n: int) -> None:
            if avail < n:
                raise Truncated("icmp6")

        def addr(at: int) -> str:
            need(at + 16)
            return ip6(data[off + at : off + at + 16])

        if typ == 1:
            head = "destination unreachable, "
            kind = {0: "unreachable route", 1: " unreachable prohibited", 3: "unreachable address"}.get(code)
            if kind is not None:
                if avail < 40:
                    out.append(head + kind)
                    raise Truncated("icmp6")
                return head + f"{kind} {addr(32)}", True
            if code == 2:
                return head + f"beyond scope {addr(32)}, source address {addr(16)}", True
            if code == 4:
                try:
                    nh, at = _quoted_upper_layer(data, off + 8, self.budget.spend)
                except Truncated:
                    out.append(head + "unreachable port")  # tcpdump names the code before the walk
                    raise
                dst = addr(32)
                port = struct.unpack_from("!H", data, at + 2)[0]
                return head + f"unreachable port, {dst} {'tcp' if nh == 6 else 'udp'} port {port}", True
            out.append(head + f"unknown unreach code ({code})")
            self.unknown_data(out, data[off : off + plen])
            return None, False
        if typ == 2:
            need(8)
            return f"packet too big, mtu {struct.unpack_from('!I', data, off + 4)[0]}", True
        if typ == 3:
            if code == 0:
                return f"time exceeded in-transit for {addr(32)}", True
            if code == 1:
                return "time exceeded in-transit (reassembly)", True
            return f"time exceeded in-transit, unknown code ({code})", True
        if typ == 4:
            need(48)  # tcpdump reads the quoted IPv6 header before the pointer
            ptr = struct.unpack_from("!I", data, off + 4)[0]
            what = {0: "erroneous", 1: "next header", 2: "option", 3: "incomplete header chain"}.get(code)
            if what is None:
                return f"parameter problem, code-#{code}", True
            return f"parameter problem, {what} - octet {ptr}", True
        if typ in (128, 129):
            need(8)
            ident, seq = struct.unpack_from("!HH", data, off + 4)
            return f"echo {'request' if typ == 128 else 'reply'}, id {ident}, seq {seq}", True
        if typ in (130, 131, 132):
            name = {130: "query", 131: "report", 132: "done"}[typ]
            if typ == 130 and plen >= 28:
                if avail < 28:  # tcpdump prints the group address once it has it, then stops
                    out.append("multicast listener query v2" + (f" [gaddr {addr(8)}" if avail >= 24 else ""))
                    raise Truncated("icmp6")
                nsrc = struct.unpack_from("!H", data, off + 26)[0]
                gaddr = addr(8)
                if not nsrc:
                    sources = ""
                elif plen < 28 + nsrc * 16:  # more sources than the message holds
                    sources = " [invalid number of sources]"
                else:
                    sources = f", {nsrc} source(s)"
                return f"multicast listener query v2 [gaddr {gaddr}{sources}]", True
            if typ == 130 and plen != 24:
                return f"multicast listener query unknown-version (len {plen}) ", True
            if avail < 24:
                return f"multicast listener {name}", True
            delay = struct.unpack_from("!H", data, off + 4)[0]
            return f"multicast listener {name}max resp delay: {delay} addr: {addr(8)}", True
        if typ == 143:
            need(8)
            return f"multicast listener report v2, {struct.unpack_from('!H', data, off + 6)[0]} group record(s)", True
        if typ == 133:
            return "router solicitation", True
        if typ == 134:
            return "router advertisement", True
        if typ == 135:
            return f"neighbor solicitation, who has {addr(8)}", True
        if typ == 136:
            return f"neighbor advertisement, tgt is {addr(8)}", True
        if typ == 137:
            tgt, dst = addr(8), addr(24)
            return f"redirect, {dst} to {tgt}", True
        if typ in _NAMES:
            return _NAMES[typ], True
        if typ in (139, 140, 144, 145, 146, 147, 155, 200, 201):
            # Node information, mobility, RPL, mtrace...: tcpdump decodes them; this printer does not.
            return f"icmp6 type {typ}", True
        out.append(f"unknown icmp6 type ({typ}), length {plen}")
        if avail >= plen:  # tcpdump dumps the message only when all of it was captured
            self.unknown_data(out, data[off : off + plen])
        return None, False
