"""Link layers as tcpdump prints them: Ethernet (with 802.1Q/QinQ tags), Linux cooked v1 and v2
(``-i any`` captures), NULL and LOOP (BSD loopback), and raw IP; then the ethertype dispatch.

tcpdump prints a link header only with ``-e``, except where it must say what it could not decode:
then it prints the header anyway, followed by a hex-and-ASCII dump of the rest (``default_print``).
"""

from __future__ import annotations

import socket
import struct

from xdpdump.printer.base import ETHERTYPE_NAMES, Base, Truncated, linkaddr, mac, u16

VLAN_TYPES = (0x8100, 0x88A8, 0x9100)
NOT_DECODED = (None, ())  # ethertype_step's answer for what tcpdump does not decode here
# Linux cooked captures: the packet's direction, as tcpdump's sll_pkttype_values.
_SLL_DIRECTION = {0: "In", 1: "B", 2: "M", 3: "P", 4: "Out"}
# BSD address families of NULL/LOOP (tcpdump's bsd_af_values): IPv6 has a number per BSD flavour.
_AF_IP, _AF_IP6 = 2, (24, 28, 30)
_AF_NAMES = {2: "IPv4", 7: "ISO", 24: "IPv6", 28: "IPv6", 30: "IPv6", 16: "Appletalk", 23: "IPX"}
_IFNAMES: dict[int, str] = {}


def _ifname(index: int) -> str:
    """tcpdump resolves an SLL2 interface index on the machine that reads the file, "?" if unknown."""
    name = _IFNAMES.get(index)
    if name is None:
        try:
            name = socket.if_indextoname(index)
        except (OSError, OverflowError):
            name = "?"
        _IFNAMES[index] = name
    return name


def vlan_tci(tci: int) -> str:
    return f"vlan {tci & 0xFFF}, p {tci >> 13}{', DEI' if tci & 0x1000 else ''}"


class LinkPrinter(Base):
    link_hdrlen: int

    # --- Ethernet ------------------------------------------------------------------------------

    def _ether(self, out: list[str], data: bytes, wire_len: int) -> None:
        self.run_steps(out, self._ether_step(out, data, 0, wire_len, True))

    def _ether_step(self, out: list[str], data: bytes, at: int, wire_len: int, outer: bool = False):
        """An Ethernet header at ``at`` and what it carries (a Step); ``outer`` for the frame's own
        (its length is what -x/-X skip), not one inside a tunnel (GRE's transparent bridging)."""
        if len(data) < at + 14:
            raise Truncated("ether")
        eflag, qflag = self.opts.link, self.opts.quiet
        etype = u16(data, at + 12)[0]
        addrs = f"{mac(data[at + 6:at + 12])} > {mac(data[at:at + 6])}"
        if etype <= 1500:
            if outer:
                self.link_hdrlen = 14
            # tcpdump takes an 802.3 frame's length from its length field when that is shorter.
            length = min(etype, max(wire_len - 14, 0))
            if eflag:
                out.append(f"{addrs}, 802.3, length {length}: ")
            end = at + 14 + length
            return self._llc(out, data[:end] if len(data) > end else data, at + 14, length, addrs)
        if eflag and etype in VLAN_TYPES and len(data) < at + 18:
            # tcpdump names an 802.1Q ethertype only once the tag itself was captured.
            out.append(f"{addrs}, ")
            raise Truncated("vlan")
        if eflag:
            out.append(self._ether_type_head(addrs, etype, wire_len))
        off = at + 14
        while etype in VLAN_TYPES:
            self.budget.spend()
            if len(data) < off + 4:
                raise Truncated("vlan")
            tci, etype = struct.unpack_from("!HH", data, off)
            if eflag:
                if qflag:
                    inner = ETHERTYPE_NAMES.get(etype, f"Unknown Ethertype (0x{etype:04x})")
                else:
                    inner = f"ethertype {ETHERTYPE_NAMES.get(etype, 'Unknown')} (0x{etype:04x})"
                if etype in VLAN_TYPES and len(data) < off + 8:
                    out.append(f"{vlan_tci(tci)}, ")
                    raise Truncated("vlan")
                out.append(f"{vlan_tci(tci)}, {inner}, ")
            off += 4
        if outer:
            self.link_hdrlen = off
        rest = max(wire_len - (off - at), 0)
        step = self.ethertype_step(out, etype, data, off, rest, addrs)
        if step is NOT_DECODED:
            if not eflag:
                out.append(self._ether_type_head(addrs, etype, wire_len))
            self.default_print(out, data[off:])
            return None
        return step

    def _ether_type_head(self, addrs: str, etype: int, wire_len: int) -> str:
        if self.opts.quiet:
            name = ETHERTYPE_NAMES.get(etype)
            return f"{addrs}, {name or f'Unknown Ethertype (0x{etype:04x})'}, length {wire_len}: "
        return f"{addrs}, ethertype {ETHERTYPE_NAMES.get(etype, 'Unknown')} (0x{etype:04x}), length {wire_len}: "

    def ethertype(self, out: list[str], etype: int, data: bytes, off: int, wire: int) -> bool:
        """Print what an ethertype carries; False when tcpdump would not decode it here either."""
        step = self.ethertype_step(out, etype, data, off, wire)
        if step is NOT_DECODED:
            return False
        self.run_steps(out, step)
        return True

    def ethertype_step(self, out: list[str], etype: int, data: bytes, off: int, wire: int, addrs: str | None = None):
        """What an ethertype carries as a Step (None once printed); NOT_DECODED when tcpdump would
        not decode it here either. ``addrs``: an Ethernet frame's addresses, which some printers repeat."""
        if etype == 0x0800:
            return self._ip4_step, (data, off, wire)
        if etype == 0x86DD:
            return self._ip6_step, (data, off, wire)
        if etype in (0x0806, 0x8035):
            self._arp(out, data, off, wire)
            return None
        if etype in (0x8847, 0x8848):
            return self._mpls_step(out, data, off, wire)
        if etype == 0x88CC:
            self._lldp(out, data, off, wire)
            return None
        if etype == 0x9000:
            self._loopback(out, data, off, wire)
            return None
        if etype == 0x8899:
            self._realtek(out, data, off, addrs)
            return None
        return NOT_DECODED

    def _llc(self, out: list[str], data: bytes, off: int, length: int, addrs: str):
        """An 802.3 frame: the LLC printers' Step, else tcpdump's generic 802.3 line and a dump."""
        step = self.llc(out, data, off, length, addrs)
        if step is not False:
            return step
        if not self.opts.link:
            out.append(f"{addrs}, 802.3, length {length}: ")
        self.default_print(out, data[off:])
        return None

    # --- Linux cooked captures -----------------------------------------------------------------

    def _sll(self, out: list[str], data: bytes, wire_len: int) -> None:
        if len(data) < 16:
            raise Truncated("sll")
        pkttype, _hatype, halen = struct.unpack_from("!HHH", data, 0)
        proto = u16(data, 14)[0]
        head = f"{_SLL_DIRECTION.get(pkttype, '?'):>3} "
        if halen == 6:
            head += mac(data[6:12]) + " "
        self.link_hdrlen = 16
        self._cooked(out, data, 16, proto, head, wire_len)

    def _sll2(self, out: list[str], data: bytes, wire_len: int) -> None:
        if len(data) < 20:
            raise Truncated("sll2")
        proto, _res, ifindex, _hatype, pkttype, halen = struct.unpack_from("!HHIHBB", data, 0)
        out.append(f"{_ifname(ifindex):<5} {_SLL_DIRECTION.get(pkttype, '?'):<3} ")
        head = f"ifindex {ifindex} "
        if halen == 6:
            head += mac(data[12:18]) + " "
        self.link_hdrlen = 20
        self._cooked(out, data, 20, proto, head, wire_len)

    def _cooked(self, out: list[str], data: bytes, off: int, proto: int, head: str, wire_len: int) -> None:
        """What follows a cooked header; ``head`` is its -e text up to the protocol."""
        eflag = self.opts.link
        if not self.opts.quiet:
            if proto <= 1500:
                kind = {1: "802.3", 4: "802.2"}.get(proto, f"ethertype Unknown (0x{proto:04x})")
            else:
                kind = f"ethertype {ETHERTYPE_NAMES.get(proto, 'Unknown')} (0x{proto:04x})"
            head += f"{kind}, length {wire_len}: "
        if eflag:
            out.append(head)
        rest = wire_len - off
        while proto == 0x8100:
            self.budget.spend()
            if len(data) < off + 4:
                raise Truncated("vlan")
            tci, proto = struct.unpack_from("!HH", data, off)
            if eflag:
                out.append(f"{vlan_tci(tci)}, ")
            if proto <= 1500:
                proto = 4
            if not self.opts.quiet:
                out.append(f"ethertype {ETHERTYPE_NAMES.get(proto, 'Unknown')}, ")
            off += 4
            rest -= 4
        self.link_hdrlen = off
        if proto > 1500 and self.ethertype(out, proto, data, off, max(rest, 0)):
            return
        if not eflag and (proto in (1, 4) or proto > 1500):
            out.append(head)  # tcpdump 4.99 names no other non-ethertype protocol: a bare dump
        self.default_print(out, data[off:])

    # --- BSD loopback and raw IP ---------------------------------------------------------------

    def _null(self, out: list[str], data: bytes, wire_len: int, big_endian: bool) -> None:
        if len(data) < 4:
            raise Truncated("null")
        fam = int.from_bytes(data[:4], "big" if big_endian else "little")
        if not big_endian and fam & 0xFFFF0000:
            fam = int.from_bytes(data[:4], "big")  # written on a host of the other byte order
        self.link_hdrlen = 4
        if self.opts.quiet:
            head = f"{_AF_NAMES.get(fam, f'Unknown AF {fam}')}, length {wire_len}: "
        else:
            head = f"AF {_AF_NAMES.get(fam, 'Unknown')} ({fam}), length {wire_len}: "
        if self.opts.link:
            out.append(head)
        if fam == _AF_IP:
            self._ip4(out, data, 4, wire_len - 4)
        elif fam in _AF_IP6:
            self._ip6(out, data, 4, wire_len - 4)
        else:
            if not self.opts.link:
                out.append(head)
            self.default_print(out, data[4:])

    def _raw_ip(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        if self.opts.link:
            out.append("ip: ")
        version = data[off] >> 4
        if version == 4:
            self._ip4(out, data, off, wire)
        elif version == 6:
            self._ip6(out, data, off, wire)
        else:
            out.append(f"unknown ip {version}")


__all__ = ["VLAN_TYPES", "LinkPrinter", "linkaddr", "vlan_tci"]
