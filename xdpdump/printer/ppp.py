"""PPP as tcpdump 4.99's ppp_print where PPTP (GRE version 1) carries it: the address and control
bytes, the protocol (one byte when compressed), then IPv4, IPv6 or MPLS as a Step (ip.py), a protocol
tcpdump names but does not decode here as its name and a hex dump, an unknown one as ``unknown PPP
protocol (0xNNNN)`` and a hex dump. PPP's own control protocols (LCP, IPCP, CHAP, PAP...), multilink,
HDLC escapes, IPX and OSI are decoded by tcpdump and not here: the line stops after what came before.
"""

from __future__ import annotations

from xdpdump.printer.base import Base, Done, Truncated

# tcpdump's ppptype2str, read back from tcpdump 4.99 -e over every two-byte protocol number.
PPP_NAMES = {
    0x0021: "IP", 0x0023: "OSI", 0x0025: "NS", 0x0027: "DECNET", 0x0029: "APPLE", 0x002B: "IPX", 0x002D: "VJC IP",
    0x002F: "VJNC IP", 0x0031: "BRPDU", 0x0033: "STII", 0x0035: "VINES", 0x003D: "MLPPP", 0x0057: "IP6",
    0x00FD: "Compressed", 0x0201: "HELLO", 0x0231: "LUXCOM", 0x0233: "SNS", 0x0281: "MPLS", 0x0283: "MPLS",
    0x8021: "IPCP", 0x8023: "OSICP", 0x8025: "NSCP", 0x8027: "DECNETCP", 0x8029: "APPLECP", 0x802B: "IPXCP",
    0x8033: "STIICP", 0x8035: "VINESCP", 0x8057: "IP6CP", 0x80FD: "CCP", 0x8281: "MPLSCP", 0xC021: "LCP",
    0xC023: "PAP", 0xC025: "LQM", 0xC027: "SPAP", 0xC02B: "BACP", 0xC02D: "BAP", 0xC03D: "MLPPP-CP",
    0xC223: "CHAP", 0xC227: "EAP",
}
_IP4, _IP6, _MPLS = (0x0021, 0x002F, 0x0800), (0x0057, 0x86DD), (0x0281, 0x0283)
# Decoded by tcpdump's own printers (control protocols, multilink, CHAP, PAP, BAP, IPX, OSI): not here.
_NOT_DECODED = (0x003D, 0x002B, 0x8137, 0x0023, 0xC021, 0x8021, 0x8023, 0x8281, 0x8057, 0x80FD, 0xC02B, 0xC223,
                0xC023, 0xC02D)
# The address and control bytes tcpdump skips: PPP's own, and pppd's in/out markers.
_HEADERS = {0xFF03: "", 0x0003: "In  ", 0x0103: "Out "}


class PppPrinter(Base):
    def _ppp_step(self, out: list[str], data: bytes, off: int, length: int):
        total = length
        if length < 2:
            raise Truncated("ppp")
        if len(data) < off + 2:
            raise Truncated("ppp", whole_dump=True)
        header = int.from_bytes(data[off:off + 2], "big")
        if header in _HEADERS:
            if self.opts.link:
                out.append(_HEADERS[header])
            off, length = off + 2, length - 2
        if length < 2:
            raise Truncated("ppp")
        if len(data) <= off:
            raise Truncated("ppp", whole_dump=True)
        if data[off] & 1:
            proto, off, length = data[off], off + 1, length - 1  # a compressed protocol field
        else:
            if len(data) < off + 2:
                raise Truncated("ppp", whole_dump=True)
            proto, off, length = int.from_bytes(data[off:off + 2], "big"), off + 2, length - 2
        name = PPP_NAMES.get(proto)
        if self.opts.link:
            out.append(f"{name or 'unknown'} (0x{proto:04x}), length {total}")
            if name is None:
                return None
            out.append(": ")
        if proto >> 8 == 0x7E or proto in _NOT_DECODED:
            raise Done
        if proto in _IP4:
            return self._ip4_step, (data, off, length)
        if proto in _IP6:
            return self._ip6_step, (data, off, length)
        if proto in _MPLS:
            return self._mpls_step(out, data, off, length)
        if proto == 0x00FD:
            out.append("compressed PPP data")
            return None
        out.append(f"{name or f'unknown PPP protocol (0x{proto:04x})'} ")
        self.unknown_data(out, data[off:off + length])
        return None
