"""Realtek's protocols (ethertype 0x8899) as tcpdump 4.99's rtl_print names them from their first
byte: REP, RLDP, the switch chips' DSA tags, unknown types by number; on Ethernet after the frame's
addresses. RRCP (type 1) is decoded by tcpdump and not here: the line stops before it.
"""

from __future__ import annotations

from xdpdump.printer.base import Base, Done, Truncated

_NAMES = {2: "REP", 3: "RLDP", 0x23: "RLDP", 4: "Realtek 8-byte DSA tag"}
_RRCP = 1


class RealtekPrinter(Base):
    def _realtek(self, out: list[str], data: bytes, off: int, addrs: str | None) -> None:
        if addrs is not None:
            out.append(f"{addrs}, ")
        if len(data) <= off:
            raise Truncated("rtl", whole_dump=True)
        kind = data[off]
        if kind == _RRCP:
            raise Done  # RRCP's opcodes and fields: not decoded here
        if kind >> 4 == 9:  # the RTL8306's tag keeps its protocol in the high nibble
            out.append("Realtek RTL8306 4-byte DSA tag")
        else:
            out.append(_NAMES.get(kind, f"Realtek unknown type 0x{kind:02x}"))
