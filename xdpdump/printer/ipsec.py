"""IPsec as tcpdump prints it without keys: ESP's SPI and sequence number, AH's header (the
protocol after AH is printed by ip_payload, as tcpdump's ip_demux_print does)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated


class IpsecPrinter(Base):
    @staticmethod
    def _esp(out: list[str], data: bytes, off: int, plen: int) -> None:
        if len(data) - off <= 8:  # tcpdump wants more than the SPI and sequence number captured
            out.append(" [|esp]")
            return
        spi, seq = struct.unpack_from("!II", data, off)
        out.append(f"ESP(spi=0x{spi:08x},seq=0x{seq:x}), length {plen}")

    def _ah(self, out: list[str], data: bytes, off: int) -> int:
        """Print the AH header at ``off``; its length, the offset of what it protects."""
        have = len(data) - off
        out.append("AH")
        if have < 2:
            raise Truncated("ah")
        hlen = (data[off + 1] + 2) * 4
        out.append("(")
        if self.opts.verbose:
            out.append(f"length={data[off + 1]}({hlen}-bytes),")
        if have < 4:
            raise Truncated("ah")
        reserved = struct.unpack_from("!H", data, off + 2)[0]
        if reserved:
            out.append(f"reserved=0x{reserved:x}[MustBeZero],")
        if have < 8:
            raise Truncated("ah")
        out.append(f"spi=0x{struct.unpack_from('!I', data, off + 4)[0]:08x},")
        if have < 12:
            raise Truncated("ah")
        out.append(f"seq=0x{struct.unpack_from('!I', data, off + 8)[0]:x},icv=0x")
        icv = data[off + 12 : off + hlen]
        out.append(icv.hex())
        if off + hlen > len(data) and hlen > 12:
            raise Truncated("ah")
        out.append("): ")
        return hlen
