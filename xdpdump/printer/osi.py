"""OSI packets under an MPLS label stack (NLPID 0x81 CLNP, 0x82 ES-IS, 0x83 IS-IS), as far as tcpdump
4.99's isoclns_print goes before it decodes a PDU's body: the header's sanity checks, each with its
own wording (``IS-ISversion 23 packet not supported``, ``CLNP length indicator(27) > PDU size (17)!``)
followed, for CLNP and IS-IS, by a hex dump of the packet; CLNP's addresses and PDU type; ES-IS's PDU
type; an IS-IS PDU of a type tcpdump does not know. What tcpdump decodes further (IS-IS hellos, LSPs
and SNPs; CLNP's and ES-IS's -v options) is not: the line stops after the PDU's name.
"""

from __future__ import annotations

from xdpdump.printer.base import Base, Done, Truncated

_NLPID_NAMES = {0x81: "CLNP", 0x82: "ES-IS", 0x83: "IS-IS"}
_CLNP_TYPES = {1: "Error Report", 28: "Data", 29: "MD", 30: "Echo Request", 31: "Echo Response"}
_ESIS_TYPES = {2: "ESH", 4: "ISH", 6: "redirect"}
_ISIS_TYPES = {15: "L1 Lan IIH", 16: "L2 Lan IIH", 17: "p2p IIH", 18: "L1 LSP", 20: "L2 LSP", 24: "L1 CSNP",
               25: "L2 CSNP", 26: "L1 PSNP", 27: "L2 PSNP"}
_CLNP_HEADER = 9  # nlpid, length indicator, version, lifetime, type, segment length, checksum
_ESIS_HEADER = 9  # nlpid, length indicator, version, reserved, type, holding time, checksum
_ISIS_HEADER = 8  # nlpid, fixed length, version, id length, type, PDU version, reserved, max areas


def nsap(addr: bytes) -> str:
    """tcpdump's isonsap_string: hex, a dot after the first byte and then after every two."""
    if not 1 <= len(addr) <= 20:
        return "isonsap_string: illegal length"
    return "".join(f"{b:02x}{'.' if i % 2 == 0 and i + 1 < len(addr) else ''}" for i, b in enumerate(addr))


class OsiPrinter(Base):
    def _osi(self, out: list[str], data: bytes, off: int, length: int) -> None:
        """The OSI packet at ``off`` (its first byte, the NLPID, is 0x81-0x83), ``length`` on the wire."""
        nlpid = data[off]
        if self.opts.link:
            out.append(f"OSI NLPID {_NLPID_NAMES[nlpid]} (0x{nlpid:02x}): ")
        if nlpid == 0x82:
            self._esis(out, data, off, length)
            return
        decoded = self._clnp(out, data, off, length) if nlpid == 0x81 else self._isis(out, data, off, length)
        if not decoded:
            self.unknown_data(out, data[off:off + length])

    def _sep(self) -> str:
        return "" if self.opts.link else ", "

    def _verbose_stop(self, out: list[str], length: int) -> None:
        """-v's first line of a PDU whose header passed the checks; its fields and options, on the
        lines tcpdump adds, are not decoded here."""
        out.append(f"{self._sep()}length {length}")
        raise Done

    def _below_minimum(self, out: list[str], data: bytes, off: int, li: int) -> None:
        """A length indicator shorter than the fixed header: tcpdump prints it and every captured byte."""
        out.append(f" length indicator {li} < min PDU size:{data[off:].hex().upper()}")

    def _clnp(self, out: list[str], data: bytes, off: int, length: int) -> bool:
        """False where tcpdump hex-dumps the packet after the line."""
        if len(data) < off + _CLNP_HEADER:
            raise Truncated("clnp")
        li, version, kind = data[off + 1], data[off + 2], data[off + 4]
        if not self.opts.link:
            out.append("CLNP")
        if version != 1:
            out.append(f"version {version} packet not supported")
            return False
        if li > length:
            out.append(f" length indicator({li}) > PDU size ({length})!")
            return False
        if li < _CLNP_HEADER:
            self._below_minimum(out, data, off, li)
            return False
        pos, left = off + _CLNP_HEADER, li - _CLNP_HEADER
        addrs = []
        for _ in range(2):  # destination, then source
            if left < 1:
                out.append("li < size of fixed part of CLNP header and addresses")
                return False
            if len(data) <= pos:
                raise Truncated("clnp", whole_dump=True)
            size = data[pos]
            pos, left = pos + 1, left - 1
            if left < size:
                out.append("li < size of fixed part of CLNP header and addresses")
                return False
            if len(data) < pos + size:
                raise Truncated("clnp")
            addrs.append(data[pos:pos + size])
            pos, left = pos + size, left - size
        if self.opts.verbose:
            self._verbose_stop(out, length)
        dest, src = addrs
        out.append(f"{self._sep()}{nsap(src)} > {nsap(dest)}, "
                   f"{_CLNP_TYPES.get(kind & 0x1F, f'unknown ({kind & 0x1F})')}, length {length}")
        return True

    def _esis(self, out: list[str], data: bytes, off: int, length: int) -> None:
        if not self.opts.link:
            out.append("ES-IS")
        if length <= 2:
            out.append("bad pkt!" if self.opts.quiet else "no header at all!")
            return
        if len(data) < off + _ESIS_HEADER:
            raise Truncated("esis")
        li, version, kind = data[off + 1], data[off + 2], data[off + 4] & 0x1F
        if version != 1:
            out.append(f" version {version} packet not supported")
            return
        if li > length:
            out.append(f" length indicator({li}) > PDU size ({length})!")
            return
        if li < _ESIS_HEADER + 2:
            self._below_minimum(out, data, off, li)
            return
        if self.opts.verbose:
            self._verbose_stop(out, length)
        out.append(f"{self._sep()}{_ESIS_TYPES.get(kind, f'unknown type ({kind})')}, length {length}")

    def _isis(self, out: list[str], data: bytes, off: int, length: int) -> bool:
        """False where tcpdump hex-dumps the packet after the line."""
        if len(data) < off + _ISIS_HEADER:
            raise Truncated("isis")
        if not self.opts.link:
            out.append("IS-IS")
        fixed, version, id_len, kind, pdu_version, max_area = data[off + 1:off + 6] + data[off + 7:off + 8]
        if version != 1:
            out.append(f"version {version} packet not supported")
            return False
        if id_len not in (0, 6):
            out.append(f"system ID length of {id_len} is not supported")
            return False
        if pdu_version != 1:
            out.append(f"version {pdu_version} packet not supported")
            return False
        if length < fixed:
            out.append(f"fixed header length {fixed} > packet length {length}")
            return False
        if fixed < _ISIS_HEADER:
            out.append(f"fixed header length {fixed} < minimum header size {_ISIS_HEADER}")
            return False
        if max_area == 255:
            out.append("bad packet -- 255 areas")
            return False
        if self.opts.verbose:
            self._verbose_stop(out, length)
        out.append(f"{self._sep()}{_ISIS_TYPES.get(kind, f'unknown PDU-Type {kind}')}")
        if kind in _ISIS_TYPES:
            raise Done  # the PDU's own fields: not decoded here
        out.append(f", length {length}")
        return True
