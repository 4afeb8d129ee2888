"""UDP as tcpdump prints it, and the application protocols it names by port."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated, u16


class UdpPrinter(Base):
    def _udp(self, out: list[str], data: bytes, off: int, plen: int, src: str, dst: str, ipv: int) -> None:
        avail = len(data) - off
        if avail < 4:
            out.append(f"{src} > {dst}: ")
            raise Truncated("udp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{src}.{sport} > {dst}.{dport}:")
        if plen < 8:
            out.append(f" truncated-udp {plen}")
            return
        if avail < 8:
            out.append(" ")
            raise Truncated("udp")
        out.append(" ")
        ulen = u16(data, off + 4)[0]
        if ulen < 8:
            out.append(f"truncated-udplength {ulen}")
            return
        if ulen > plen and not self.ip_fragmented:  # tcpdump trusts a fragment's UDP length
            out.append(f"UDP, bad length {ulen - 8} > {plen - 8}")
            return
        out.append(f"UDP, length {ulen - 8}")

