"""Spanning tree BPDUs as tcpdump's stp_print prints them without -v: 802.1D configuration and
topology change, 802.1w rapid, 802.1s/802.1aq multiple spanning tree."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated

_VERSIONS = {0: "802.1d", 2: "802.1w", 3: "802.1s", 4: "802.1aq"}
_TYPES = {0x00: "Config", 0x02: "Rapid STP", 0x80: "Topology Change"}
_FLAGS = ((0x01, "Topology change"), (0x02, "Proposal"), (0x10, "Learn"), (0x20, "Forward"), (0x40, "Agreement"),
          (0x80, "Topology change ACK"))
_BPDU_LEN = 36  # sizeof(struct stp_bpdu_) in tcpdump
_MSTP_MIN = 102
_V3_LEN_AT = 36
_SPB_MIN = 87


def _flags(value: int) -> str:
    return ", ".join(name for bit, name in _FLAGS if value & bit) or "none"


class StpPrinter(Base):
    def _stp(self, out: list[str], data: bytes, off: int, length: int) -> None:
        have = len(data) - off

        def need(n: int) -> None:
            if have < n:
                raise Truncated("stp")

        if length < 4:
            out.append(" (invalid)")
            return
        need(2)
        if struct.unpack_from("!H", data, off)[0]:
            out.append(f"unknown STP version, length {length}")
            return
        need(3)
        version = data[off + 2]
        out.append(f"STP {_VERSIONS.get(version, f'Unknown STP protocol (0x{version:02x})')}")
        if version not in _VERSIONS:
            return
        need(4)
        kind = data[off + 3]
        out.append(f", {_TYPES.get(kind, f'Unknown BPDU Type (0x{kind:02x})')}")
        if kind == 0x00 or (kind == 0x02 and version == 2):
            if length < (_BPDU_LEN - 1 if kind == 0 else _BPDU_LEN):
                out.append(" (invalid)")
                return
            need(5)
            out.append(f", Flags [{_flags(data[off + 4])}]")
            need(27)
            bridge = data[off + 17 : off + 25]
            out.append(f", bridge-id {bridge[:2].hex()}.{bridge[2:].hex(':')}."
                       f"{struct.unpack_from('!H', data, off + 25)[0]:04x}, length {length}")
        elif kind == 0x02 and version in (3, 4):
            if length < _MSTP_MIN:
                out.append(" (invalid)")
                return
            need(_BPDU_LEN)
            if data[off + 35]:
                out.append(" (invalid)")
                return
            need(_V3_LEN_AT + 2)
            mstp_len = struct.unpack_from("!H", data, off + _V3_LEN_AT)[0] + 2
            if length < _BPDU_LEN + mstp_len:
                out.append(" (invalid)")
                return
            out.append(f", CIST Flags [{_flags(data[off + 4])}], length {length}")  # need(36) read it
            if version == 4:
                at = off + _V3_LEN_AT + mstp_len
                need(at - off + 2)
                spb_len = struct.unpack_from("!H", data, at)[0] + 2
                if length < _BPDU_LEN + mstp_len + spb_len or spb_len < _SPB_MIN:
                    out.append(" (invalid)")
