"""ARP and RARP as tcpdump's arp_print: every opcode, other hardware, other protocol lengths; ATM ARP
(hardware 19) as its atmarp_print. A truncated ARP packet is dumped whole by -x/-X, as tcpdump does."""

from __future__ import annotations

import struct

from xdpdump.printer.base import ETHERTYPE_NAMES, Base, Truncated, ip4, linkaddr

_OPS = {1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply", 8: "Inverse Request",
        9: "Inverse Reply", 10: "NACK Reply"}
_HARDWARE = {1: "Ethernet", 6: "TokenRing", 7: "ArcNet", 15: "FrameRelay", 19: "ATM",
             23: "Strip", 24: "IEEE 1394"}


def _dlci(addr: bytes) -> str:
    """A frame-relay hardware address (a Q.922 header), as tcpdump's q922_string."""
    if not addr:
        return "<Truncated>"
    if addr[0] & 1:
        return "<Invalid DLCI>"
    if len(addr) < 2:
        return "<Truncated>"
    dlci = ((addr[0] & 0xFC) << 2) | (addr[1] >> 4)
    if not addr[1] & 1:
        if len(addr) < 3:
            return "<Truncated>"
        if addr[2] & 1:
            dlci = (dlci << 6) | (addr[2] >> 2)
        else:
            if len(addr) < 4:
                return "<Truncated>"
            if not addr[3] & 1:
                return "<Invalid DLCI>"
            dlci = (((dlci << 7) | (addr[2] >> 1)) << 6) | (addr[3] >> 2)
    return f"DLCI {dlci}"


class ArpPrinter(Base):
    def _arp(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        if len(data) - off < 8:
            raise Truncated("arp", whole_dump=True)
        hrd, pro, hln, pln, op = struct.unpack_from("!HHBBH", data, off)
        if hrd == 19:
            self._atmarp(out, data, off, wire)
            return
        sha = off + 8
        spa = sha + hln
        tha = spa + pln
        tpa = tha + hln
        if len(data) < tpa + pln:
            raise Truncated("arp", whole_dump=True)
        ip_like = pro in (0x0800, 0x1000)
        if not self._arp_head(out, hrd, f" (len {hln})", pro, f"(len {pln})", op, ip_like and pln == 4 and hln, wire):
            return

        def paddr(at: int) -> str:
            if not ip_like:
                return "<wrong proto type>"
            if pln != 4:
                return "<wrong len>"
            return ip4(data[at:at + 4])

        def haddr(at: int) -> str:
            if hrd == 15:
                return _dlci(data[at:at + hln])
            return linkaddr(data[at:at + hln])

        known = f" ({haddr(tha)})" if any(data[tha:tha + hln]) else ""
        self._arp_body(out, data, off, wire, {
            1: lambda: f"who-has {paddr(tpa)}{known} tell {paddr(spa)}",
            2: lambda: f"{paddr(spa)} is-at {haddr(sha)}",
            3: lambda: f"who-is {haddr(tha)} tell {haddr(sha)}",
            4: lambda: f"{haddr(tha)} at {paddr(tpa)}",
            8: lambda: f"who-is {haddr(tha)} tell {haddr(sha)}",
            9: lambda: f"{haddr(sha)} at {paddr(spa)}",
        }.get(op))

    def _arp_head(self, out: list[str], hrd: int, hrd_len: str, pro: int, pro_len: str, op: int, plain,
                  wire: int) -> bool:
        """What tcpdump prints before the addresses: the hardware and protocol with their lengths where
        the packet is not plain IPv4 (or with -v), else the opcode. False when the line is complete."""
        if not self.opts.link:
            out.append("ARP, ")
        verbose = self.opts.verbose
        if not plain or verbose:
            out.append(f"{_HARDWARE.get(hrd, f'Unknown Hardware ({hrd})')}{hrd_len}, "
                       f"{ETHERTYPE_NAMES.get(pro, f'Unknown Protocol (0x{pro:04x})')} {pro_len}")
            if not verbose:
                out.append(f", length {wire}")
                return False
        out.append(f"{', ' if verbose else ''}{_OPS.get(op, f'Unknown ({op})')} ")
        return True

    def _arp_body(self, out: list[str], data: bytes, off: int, wire: int, form) -> None:
        """The opcode's addresses (``form`` makes them) and the length; a dump for an opcode without."""
        if form is None:
            self.default_print(out, data[off:], suppressible=False)
            return
        out.append(f"{form()}, length {wire}")

    def _atmarp(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        """ATM ARP (RFC 2225): a 12-byte header whose type-and-length octets give each address's length
        (their low six bits), then the source's ATM number, subaddress and protocol address and the
        target's; tcpdump's atmarp_print."""
        if len(data) - off < 12:
            raise Truncated("arp", whole_dump=True)
        hrd, pro, shtl, sstl, op, spln, thtl, tstl, tpln = struct.unpack_from("!HHBBHBBBB", data, off)
        sha = off + 12
        ssa = sha + (shtl & 0x3F)
        spa = ssa + (sstl & 0x3F)
        tha = spa + spln
        tsa = tha + (thtl & 0x3F)
        tpa = tsa + (tstl & 0x3F)
        if len(data) < tpa + tpln:
            raise Truncated("arp", whole_dump=True)
        plain = pro in (0x0800, 0x1000) and spln == 4 and tpln == 4
        if not self._arp_head(out, hrd, "", pro, f"(len {spln}/{tpln})", op, plain, wire):
            return

        def paddr(at: int, size: int, which: str) -> str:
            if pro not in (0x0800, 0x1000):
                return "<wrong proto type>"
            return ip4(data[at:at + 4]) if size == 4 else f"<wrong {which}len>"

        def haddr(at: int, size: int, sub: int, sub_size: int) -> str:
            if size == 0:
                return "<No address>"
            return linkaddr(data[at:at + size]) + (f",{linkaddr(data[sub:sub + sub_size])}" if sub_size else "")

        source = haddr(sha, shtl & 0x3F, ssa, sstl & 0x3F)
        target = haddr(tha, thtl & 0x3F, tsa, tstl & 0x3F)
        known = f" ({target})" if thtl & 0x3F else ""
        self._arp_body(out, data, off, wire, {
            1: lambda: f"who-has {paddr(tpa, tpln, 'tp')}{known} tell {paddr(spa, spln, 'sp')}",
            2: lambda: f"{paddr(spa, spln, 'sp')} is-at {source}",
            8: lambda: f"who-is {target} tell {source}",
            9: lambda: f"{source}at {paddr(spa, spln, 'sp')}",  # sic: tcpdump prints no space before "at"
            10: lambda: f"for {paddr(spa, spln, 'sp')}",
        }.get(op))
