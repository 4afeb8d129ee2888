"""GRE as tcpdump's gre_print: version 0 (checksum, offset, key, sequence, source routes) with the
packet it carries (IPv4, IPv6, Ethernet for transparent bridging, MPLS), and version 1 (PPTP) with
the PPP it carries (ppp.py).

The inner packet is returned as a Step (ip.py), not printed here, so GRE in GRE does not recurse.
"""

from __future__ import annotations

import struct

from xdpdump.printer.base import ETHERTYPE_NAMES, Base, Truncated, ip4_at

_CP, _RP, _KP, _SP, _SSR, _AP = 0x8000, 0x4000, 0x2000, 0x1000, 0x0800, 0x0080
_FLAG_NAMES = ((_CP, "checksum present"), (_RP, "routing present"), (_KP, "key present"),
               (_SP, "sequence# present"), (_SSR, "source routing present"), (_AP, "ack present"))


class GrePrinter(Base):
    def _gre(self, out: list[str], data: bytes, off: int, length: int):
        have = len(data) - off
        if have < 2 or length < 2:
            raise Truncated("gre")
        flags = struct.unpack_from("!H", data, off)[0]
        version = flags & 7
        out.append(f"GREv{version}")
        if version > 1:
            out.append(" ERROR: unknown-version")
            return None
        if self.opts.verbose:
            names = ", ".join(n for bit, n in _FLAG_NAMES if flags & bit) or "none"
            out.append(f", Flags [{names}]")
        pos, left = off + 2, length - 2

        def take(n: int) -> int:
            nonlocal pos, left
            if len(data) < pos + n or left < n:
                raise Truncated("gre")
            value = int.from_bytes(data[pos : pos + n], "big")
            pos, left = pos + n, left - n
            return value

        proto = take(2)
        if version == 1:
            return self._gre1(out, flags, proto, take, length, lambda: (data, pos, left))
        if flags & (_CP | _RP):
            checksum = take(2)
            if self.opts.verbose:
                out.append(f", sum 0x{checksum:x}")
            out.append(f", off 0x{take(2):x}")
        if flags & _KP:
            out.append(f", key=0x{take(4):x}")
        if flags & _SP:
            out.append(f", seq {take(4)}")
        if flags & _RP:
            while True:  # each entry takes at least four bytes: bounded by the frame
                self.budget.spend()
                af = take(2)
                sre_off, sre_len = take(1), take(1)
                if af == 0 and sre_len == 0:
                    break
                self._gre_sre(out, data, pos, left, af, sre_off, sre_len)
                if left < sre_len:
                    raise Truncated("gre")
                pos, left = pos + sre_len, left - sre_len
        if self.opts.link:
            out.append(f", proto {ETHERTYPE_NAMES.get(proto, 'unknown')} (0x{proto:04x})")
        out.append(f", length {length}" + ("\n\t" if self.opts.verbose else ": "))
        if proto == 0x0800:
            return self._ip4_step, (data, pos, left)
        if proto == 0x86DD:
            return self._ip6_step, (data, pos, left)
        if proto == 0x6558:
            return self._gre_bridged, (data, pos, left)
        if proto == 0x8847:
            return self._mpls_step, (data, pos, left)
        if proto in (0x8137, 0x809B, 0x00FE):
            return None  # IPX, AppleTalk, OSI: not decoded; tcpdump's line goes on where this stops
        out.append(f"gre-proto-0x{proto:x}")
        return None

    def _gre1(self, out: list[str], flags: int, proto: int, take, length: int, rest):
        """PPTP's header; ``rest()`` is (data, offset, bytes left) after what ``take`` has read."""
        if flags & _KP:
            out.append(f", call {take(4) & 0xFFFF}")
        if flags & _SP:
            out.append(f", seq {take(4)}")
        if flags & _AP:
            out.append(f", ack {take(4)}")
        if not flags & _SP:
            out.append(", no-payload")
        if self.opts.link:
            out.append(f", proto {ETHERTYPE_NAMES.get(proto, 'unknown')} (0x{proto:04x})")
        out.append(f", length {length}")
        if not flags & _SP:
            return None
        out.append("\n\t" if self.opts.verbose else ": ")
        if proto != 0x880B:
            out.append(f"gre-proto-0x{proto:x}")
            return None
        return self._ppp_step(out, *rest())  # PPP (ppp.py)


    def _gre_bridged(self, out: list[str], data: bytes, off: int, length: int):
        """Transparent Ethernet bridging: the inner frame, as tcpdump's ether_print."""
        caplen = len(data) - off
        if length < caplen:
            out.append(f"[length {length} < caplen {caplen}] (invalid)")
            return None
        return self._ether_step(out, data, off, length)

    @staticmethod
    def _gre_sre(out: list[str], data: bytes, pos: int, left: int, af: int, sre_off: int, sre_len: int) -> None:
        """One source route entry (tcpdump's gre_sre_print)."""
        if af not in (0x0800, 0xFFFE):
            out.append(f", (rtaf=0x{af:x})")
            return
        size = 4 if af == 0x0800 else 2
        out.append(", (rtaf=ip" if size == 4 else ", (rtaf=asn")
        try:
            if sre_off & (size - 1):
                out.append(f", badoffset={sre_off}")
            elif sre_len & (size - 1):
                out.append(f", badlength={sre_len}")
            elif sre_off >= sre_len:
                out.append(f", badoff/len={sre_off}/{sre_len}")
            else:
                for at in range(0, sre_len, size):
                    if len(data) < pos + at + size:
                        raise Truncated("gre")
                    if left - at < size:
                        raise Truncated("gre")
                    star = "*" if at == sre_off else ""
                    text = ip4_at(data, pos + at) if size == 4 else f"{struct.unpack_from('!H', data, pos + at)[0]:x}"
                    out.append(f" {star}{text}")
        finally:
            out.append(")")
