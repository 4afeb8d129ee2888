"""LLDP and CDP as tcpdump prints them without -v: LLDP's length and system name; CDP's short form
(version, TTL, Device-ID, and tcpdump's hex dump of each other TLV)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated
from xdpdump.printer.escape import print_char
from xdpdump.printer.hexdump import hex_lines

_CDP_TLVS = {1: ("Device-ID", -1, -1), 2: ("Address", -1, -1), 3: ("Port-ID", -1, -1), 4: ("Capability", 4, 4),
             5: ("Version String", -1, -1), 6: ("Platform", -1, -1), 7: ("Prefixes", -1, -1),
             8: ("Protocol-Hello option", -1, -1), 9: ("VTP Management Domain", -1, -1),
             0x0A: ("Native VLAN ID", 2, 2), 0x0B: ("Duplex", 1, 1), 0x0E: ("ATA-186 VoIP VLAN assignment", 3, 3),
             0x0F: ("ATA-186 VoIP VLAN request", 2, 3), 0x10: ("power consumption", 1, 3), 0x11: ("MTU", 4, 4),
             0x12: ("AVVID trust bitmap", 1, 1), 0x13: ("AVVID untrusted ports CoS", 1, 1),
             0x14: ("System Name", -1, -1), 0x15: ("System Object ID (not decoded)", -1, -1),
             0x16: ("Management Addresses", 4, -1), 0x17: ("Physical Location", 1, -1)}


def _hex(data: bytes, ident: str) -> str:
    """tcpdump's print_unknown_data: hex lines under ``ident``."""
    return hex_lines(data).replace("\n\t", ident)


class LldpPrinter(Base):
    def _lldp(self, out: list[str], data: bytes, off: int, length: int) -> None:
        out.append(f"LLDP, length {length}")
        at, left = off, length
        while left >= 2:
            self.budget.spend()
            if len(data) < at + 2:
                raise Truncated("lldp")
            tlv = struct.unpack_from("!H", data, at)[0]
            kind, tlen = tlv >> 9, tlv & 0x1FF
            at, left = at + 2, left - 2
            if not kind or not tlen:
                break
            if len(data) < at + tlen or left < tlen:
                raise Truncated("lldp")
            if kind == 5:  # the system name: all tcpdump prints without -v
                name = data[at : at + tlen].split(b"\0", 1)[0]
                out.append(": " + "".join(print_char(c) for c in name))
            at, left = at + tlen, left - tlen

    def _cdp(self, out: list[str], data: bytes, off: int, length: int) -> None:
        at = off

        def invalid() -> None:
            out.append(" (invalid)")
            if len(data) < at + left:
                raise Truncated("cdp")

        left = length
        if length < 4:
            out.append(f" (packet length {length} < 4)")
            invalid()
            return
        if len(data) < off + 2:
            raise Truncated("cdp")
        out.append(f"CDPv{data[off]}, ttl: {data[off + 1]}s")
        if len(data) < off + 4:
            raise Truncated("cdp")
        at, left = off + 4, length - 4
        while left:
            self.budget.spend(2)  # a CDP TLV's hex text: 2.3 us
            if left < 4:
                out.append(f" (remaining packet length {left} < 4)")
                invalid()
                return
            if len(data) < at + 4:
                raise Truncated("cdp")
            kind, tlen = struct.unpack_from("!HH", data, at)
            name, least, most = _CDP_TLVS.get(kind, ("unknown field type", -1, -1))
            if tlen < 4:
                out.append(f", {name} TLV length {tlen} too short")
                invalid()
                return
            if tlen > left:
                out.append(f" (TLV length {tlen} > {left})")
                invalid()
                return
            at, left, tlen = at + 4, left - 4, tlen - 4
            known = kind <= 0x17
            if kind == 1:
                out.append(", Device-ID ")
            covered = False
            if known and ((least > 0 and tlen < least) or (most > 0 and tlen > most)):
                out.append(" (malformed TLV)")
            elif kind == 1:
                out.append("'")
                for i in range(tlen):
                    if at + i >= len(data):
                        raise Truncated("cdp")
                    out.append(print_char(data[at + i]))
                out.append("'")
                covered = True
            if not covered:
                if len(data) < at + tlen:
                    raise Truncated("cdp")
                out.append(_hex(data[at : at + tlen], "\n\t  "))
            at, left = at + tlen, left - tlen
        out.append(f", length {length}")
