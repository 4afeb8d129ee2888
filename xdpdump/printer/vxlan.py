"""VXLAN and Geneve as tcpdump 4.99 prints them (print-vxlan.c, print-geneve.c): the tunnel header,
then the inner frame through the link printer (VXLAN: on a new line; Geneve: after ``: ``, or on a
new indented line with ``-v``)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import ETHERTYPE_NAMES, Base, Truncated
from xdpdump.printer.giveup import GiveUp

_GENEVE_FLAGS = ((0x80, "O"), (0x40, "C"), (0x20, "R1"), (0x10, "R2"), (0x08, "R3"), (0x04, "R4"),
                 (0x02, "R5"), (0x01, "R6"))
_ETHERTYPE_TEB = 0x6558
# The ethertypes tcpdump 4.99's ethertype_print decodes (print-ether.c); for any other a Geneve
# payload prints as geneve-proto-0xNNNN.
_TCPDUMP_ETHERTYPES = frozenset((
    0x0800, 0x86DD, 0x0806, 0x8035, 0x6003, 0x809B, 0x80F3, 0x8137, 0xFEFE, 0x8863, 0x8864, 0x3C12, 0x3C13,
    0x888E, 0x8899, 0x880B, 0x8808, 0x8809, 0x8902, 0xABCD, 0x88CC, 0x894F, 0x9000, 0x8847, 0x8848, 0x88CA,
    0x886F, 0x0707, 0x8947, 0x1111, 0x88A2, 0x88F7))


def _opt_class(cls: int) -> str:
    named = {0x0100: "Linux", 0x0101: "Open vSwitch", 0x0102: "Open Virtual Networking (OVN)",
             0x0103: "In-band Network Telemetry (INT)", 0x0104: "VMware"}.get(cls)
    if named:
        return named
    return "Standard" if cls <= 0xFF else "Experimental" if cls >= 0xFFF0 else "Unknown"


class VxlanPrinter(Base):
    link_hdrlen: int

    def _inner_ether(self, out: list[str], data: bytes, off: int, length: int) -> None:
        """The encapsulated Ethernet frame: ``length`` bytes by the headers, what was captured of them."""
        self._ether(out, data[off:], length)

    def _vxlan(self, out: list[str], data: bytes, off: int, length: int) -> None:
        out.append("VXLAN")
        if length < 8:
            out.append(" (invalid)")
            return
        if len(data) < off + 1:
            raise Truncated("vxlan")
        flags = data[off]
        out.append(f", flags [{'I' if flags & 0x08 else ''}"
                   f"{'invalid' if not flags & 0x08 else ''}] (0x{flags:02x}), ")
        if len(data) < off + 7:
            raise Truncated("vxlan")
        out.append(f"vni {int.from_bytes(data[off + 4 : off + 7], 'big')}\n")
        if len(data) < off + 8:
            raise Truncated("vxlan")
        self._inner_ether(out, data, off + 8, length - 8)

    def _geneve(self, out: list[str], data: bytes, off: int, length: int) -> None:
        out.append("Geneve")
        if length < 8:
            out.append(f" [length {length} < 8] (invalid)")
            return
        if len(data) < off + 8:
            raise Truncated("geneve")
        ver_opt, flags, prot = struct.unpack_from("!BBH", data, off)
        if ver_opt >> 6:
            out.append(f" ERROR: unknown-version {ver_opt >> 6}")
            return
        vni = int.from_bytes(data[off + 4 : off + 7], "big")
        reserved = data[off + 7]
        names = "".join(n for bit, n in _GENEVE_FLAGS if flags & bit) or "none"
        out.append(f", Flags [{names}], vni 0x{vni:x}")
        if reserved:
            out.append(f", rsvd 0x{reserved:x}")
        if self.opts.link:
            out.append(f", proto {ETHERTYPE_NAMES.get(prot, 'unknown')} (0x{prot:04x})")
        length -= 8
        off += 8
        opts_len = (ver_opt & 0x3F) * 4
        if length < opts_len:
            out.append(f" truncated-geneve - {opts_len - length} bytes missing")
            return
        if len(data) < off + opts_len:
            raise Truncated("geneve")
        if opts_len:
            out.append(", options [")
            if self.opts.verbose:
                self._geneve_opts(out, data, off, opts_len)
            else:
                out.append(f"{opts_len} bytes")
            out.append("]")
        off += opts_len
        length -= opts_len
        out.append("\n\t" if self.opts.verbose else ": ")
        if prot in _TCPDUMP_ETHERTYPES:
            if not self.ethertype(out, prot, data, off, length):
                raise GiveUp  # tcpdump decodes it, this printer does not: the generic line
        elif prot == _ETHERTYPE_TEB:
            self._inner_ether(out, data, off, length)
        else:
            out.append(f"geneve-proto-0x{prot:x}")

    def _geneve_opts(self, out: list[str], data: bytes, off: int, length: int) -> None:
        sep = ""
        while length > 0:
            self.budget.spend()
            out.append(sep)
            sep = ", "
            if len(data) < off + 4:
                raise Truncated("geneve")
            cls, typ, olen = struct.unpack_from("!HBB", data, off)
            olen = 4 + (olen & 0x1F) * 4
            out.append(f"class {_opt_class(cls)} (0x{cls:x}) type 0x{typ:x}{'(C)' if typ & 0x80 else ''} "
                       f"len {olen}")
            if olen > length:
                out.append(" [bad length]")
                return
            if self.opts.verbose > 1 and olen > 4:
                out.append(" data")
                for pos in range(off + 4, off + olen, 4):
                    if len(data) < pos + 4:
                        raise Truncated("geneve")
                    out.append(f" {struct.unpack_from('!I', data, pos)[0]:08x}")
            off += olen
            length -= olen
