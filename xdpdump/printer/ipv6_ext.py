"""IPv6 extension headers as tcpdump 4.99's ip6_print walks them: hop-by-hop and destination options
(``HBH``, ``DSTOPT``, their options with -v), fragment (``frag (OFFSET|LEN)``), routing (``RT6 (...)``,
type 0, 2 and segment routing), then the upper layer through ``ip_payload``.

The walk is a loop over the chain; every header advances by at least eight bytes, so a chain of any
length costs one iteration per header, and each header and option spends from the frame's budget
(budget.py): a chain longer than the budget ends with `` [|printer limit]``.
"""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated, ip6

_PAD1, _PADN, _RTALERT, _JUMBO, _HOMEADDR = 0, 1, 0x05, 0xC2, 0xC9


def _option_length(data: bytes, at: int, i: int, length: int) -> int | None:
    """The length of the option at ``at + i`` in an area of ``length`` bytes, None if it does not fit."""
    if data[at + i] == _PAD1:
        olen = 1
    elif i + 1 < length:
        olen = data[at + i + 1] + 2
    else:
        return None
    return olen if i + olen <= length else None


class Ip6ExtPrinter(Base):
    def ip6_headers(self, out: list[str], data: bytes, outer: bytes, ip: int, wire: int, length: int,
                    payload_len: int, nh: int, src: str, dst: str):
        """Walk the headers after the fixed IPv6 header at ``ip``; ``data`` is cut to the datagram
        (``outer`` is not: a jumbogram's length comes later). Returns ip_payload's next step."""
        cp, advance, total = ip, 40, 0
        found_ext = found_jumbo = found_hbh = fragmented = False
        prev = 255
        spend = self.budget.spend
        while cp < len(data) and advance > 0:
            spend(3 if nh == 43 else 1)  # a routing header's -v text costs three times another's
            if length < advance:
                raise Truncated("ip6")
            cp += advance
            length -= advance
            total += advance
            if nh == 0:
                if found_hbh:
                    out.append("[The Hop-by-Hop Options header was already found] (invalid)")
                    return None
                if prev != 255:
                    out.append("[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)")
                    return None
                advance, jumbo = self._hbh(out, data, cp, payload_len)
                if jumbo is not None:
                    found_jumbo, payload_len = True, jumbo
                if payload_len == 0 and not found_jumbo:
                    out.append("[No valid Jumbo Payload Hop-by-Hop option found] (invalid)")
                    return None
                if advance < 0:
                    return None
                found_hbh = True
            elif nh == 60:
                advance = self._dstopt(out, data, cp)
                if advance < 0:
                    return None
            elif nh == 44:
                advance = self._frag6(out, data, cp, ip)
                if advance < 0 or len(data) <= cp + advance:
                    return None
                fragmented = True
            elif nh == 43:
                if cp >= len(data):
                    raise Truncated("ip6")
                advance = self._rt6(out, data, cp)
                if advance < 0:
                    return None
            else:
                if found_jumbo:
                    length = (payload_len + 40) & 0xFFFFFFFF
                    if length < total:
                        raise Truncated("ip6")
                    if wire < length:
                        out.append(f"truncated-ip6 - {length - wire} bytes missing!")
                    end = ip + length
                    data = outer[:end] if len(outer) > end else outer
                    length -= total
                elif payload_len == 0:
                    if found_ext:
                        raise Truncated("ip6")
                    data, length = data[: ip + 40], 0
                return self.ip_payload(out, data, cp, length, nh, src, dst, 6, fragmented, addressed=total == 40)
            found_ext = True
            prev = nh
            nh = data[cp]
        return None

    def _hbh(self, out: list[str], data: bytes, cp: int, payload_len: int) -> tuple[int, int | None]:
        """tcpdump's hbhopt_process: (advance or -1, the jumbo payload length if one is valid)."""
        if len(data) < cp + 2:
            raise Truncated("hbhopt")
        hlen = (data[cp + 1] + 1) << 3
        if len(data) < cp + hlen:
            out.append(" [|hbhopt]")  # not the end of the line: the jumbo check follows
            return -1, None
        out.append("HBH ")
        ok, jumbo = self._ip6_options(out, data, cp + 2, hlen - 2, payload_len)
        if not ok:
            out.append(" [|hbhopt]")
            return -1, jumbo
        return hlen, jumbo

    def _dstopt(self, out: list[str], data: bytes, cp: int) -> int:
        if len(data) < cp + 2:
            raise Truncated("dstopt")
        hlen = (data[cp + 1] + 1) << 3
        if len(data) < cp + hlen:
            raise Truncated("dstopt")
        out.append("DSTOPT ")
        if self.opts.verbose and not self._ip6_options(out, data, cp + 2, hlen - 2, None)[0]:
            out.append(" [|dstopt]")
            return -1
        return hlen

    def _ip6_options(self, out: list[str], data: bytes, at: int, length: int,
                     payload_len: int | None) -> tuple[bool, int | None]:
        """tcpdump's ip6_opt_process: (complete, the jumbo payload length if valid); -v names each."""
        verbose = self.opts.verbose
        jumbo_seen, jumbo = False, None
        if length == 0:
            return True, None
        i = 0
        spend = self.budget.spend
        while i < length:
            spend()
            kind = data[at + i]
            olen = _option_length(data, at, i, length)
            if olen is None:
                return False, jumbo
            left = length - i
            if kind == _PAD1:
                if verbose:
                    out.append("(pad1)")
            elif kind == _PADN:
                if verbose:
                    out.append("(padn)")
            elif kind == _RTALERT:
                if left < 4:
                    out.append("(rtalert: trunc)")
                    return False, jumbo
                if data[at + i + 1] != 2:
                    out.append(f"(rtalert: invalid len {data[at + i + 1]})")
                    return False, jumbo
                if verbose:
                    out.append(f"(rtalert: 0x{struct.unpack_from('!H', data, at + i + 2)[0]:04x}) ")
            elif kind == _JUMBO:
                if left < 6:
                    out.append("(jumbo: trunc)")
                    return False, jumbo
                if data[at + i + 1] != 4:
                    out.append(f"(jumbo: invalid len {data[at + i + 1]})")
                    return False, jumbo
                value = struct.unpack_from("!I", data, at + i + 2)[0]
                if jumbo_seen:
                    note = " - already seen"
                else:
                    jumbo_seen = True
                    if payload_len is None:
                        note = " - not a hop-by-hop option"
                    elif payload_len:
                        note = " - payload len != 0"
                    elif value < 65536:
                        note = " - < 65536"
                    else:
                        note, jumbo = "", value
                if verbose:
                    out.append(f"(jumbo: {value}{note}) ")
            elif kind == _HOMEADDR:
                if left < 18:
                    out.append("(homeaddr: trunc)")
                    return False, jumbo
                if data[at + i + 1] < 16:
                    out.append(f"(homeaddr: invalid len {data[at + i + 1]})")
                    return False, jumbo
                if verbose:
                    out.append(f"(homeaddr: {ip6(data[at + i + 2 : at + i + 18])}")
                    if data[at + i + 1] > 16 and not self._ip6_sub_options(out, data, at + i + 18, olen - 18):
                        return False, jumbo
                    out.append(")")
            elif verbose:
                out.append(f"(opt_type 0x{kind:02x}: len={data[at + i + 1]})")
            i += olen
        if verbose:
            out.append(" ")
        return True, jumbo

    def _ip6_sub_options(self, out: list[str], data: bytes, at: int, length: int) -> bool:
        """tcpdump's ip6_sopt_print (the options inside a home-address option)."""
        i = 0
        while i < length:
            self.budget.spend()
            kind = data[at + i]
            olen = _option_length(data, at, i, length)
            if olen is None:
                return False
            if kind == _PAD1:
                out.append(", pad1")
            elif kind == _PADN:
                out.append(", padn")
            else:
                out.append(f", sopt_type 0x{kind:02x}: len={data[at + i + 1]}")
            i += olen
        return True

    def _frag6(self, out: list[str], data: bytes, cp: int, ip: int) -> int:
        if len(data) < cp + (8 if self.opts.verbose else 4):
            raise Truncated("frag6")
        offlg = struct.unpack_from("!H", data, cp + 2)[0] & 0xFFF8
        # tcpdump computes the fragment's length in size_t: a short payload length wraps.
        flen = (40 + struct.unpack_from("!H", data, ip + 4)[0] - (cp - ip) - 8) & 0xFFFFFFFFFFFFFFFF
        if self.opts.verbose:
            out.append(f"frag (0x{struct.unpack_from('!I', data, cp + 4)[0]:08x}:{offlg}|{flen})")
        else:
            out.append(f"frag ({offlg}|{flen})")
        if offlg:
            return -1
        out.append(" ")
        return 8

    def _rt6(self, out: list[str], data: bytes, cp: int) -> int:
        """tcpdump's rt6_print: types 0 and 2 (addresses) and 4 (segment routing)."""
        have = len(data) - cp

        def need(n: int) -> None:
            if have < n:
                raise Truncated("rt6")

        out.append("RT6")
        need(2)
        hlen = data[cp + 1]
        out.append(f" (len={hlen}")
        need(3)
        kind = data[cp + 2]
        out.append(f", type={kind}{' [Deprecated]' if kind == 0 else ''}")
        need(4)
        out.append(f", segleft={data[cp + 3]}")
        if kind in (0, 2):
            need(8)
            rsv = struct.unpack_from("!I", data, cp + 4)[0]
            if rsv or self.opts.verbose:
                out.append(f", rsv=0x{rsv:x}")
        elif kind == 4:
            need(5)
            out.append(f", last-entry={data[cp + 4]}")
            need(6)
            if data[cp + 5] or self.opts.verbose:
                out.append(f", flags=0x{data[cp + 5]:x}")
            need(8)
            out.append(f", tag={struct.unpack_from('!H', data, cp + 6)[0]:x}")
        else:
            out.append(" (unknown type) (invalid)")
            return -1
        if hlen % 2:
            out.append(f" (invalid length {hlen}) (invalid)")
            return -1
        self.budget.spend(hlen >> 3)  # an address is a quarter of an item (one unit per four)
        for i in range(hlen >> 1):
            at = 8 + 16 * i
            need(at + 16)
            out.append(f", [{i}]{ip6(data[cp + at : cp + at + 16])}")
        out.append(") ")
        return (hlen + 1) << 3
