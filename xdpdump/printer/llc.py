"""802.2 LLC and SNAP as tcpdump's llc_print and snap_print for what this printer decodes: spanning
tree (SAP 0x42), IP (SAP 0x06), SNAP with an ethertype (OUI 0) and Cisco's CDP and PVST. Any other
LLC frame is not decoded: ``llc`` answers False and the link layer prints tcpdump's generic 802.3 line.
"""

from __future__ import annotations

from xdpdump.printer.base import ETHERTYPE_NAMES, Base

_SAP_NAMES = {0x42: "STP", 0xAA: "SNAP", 0x06: "IP"}
# The ethertypes this printer decodes behind SNAP (any other is dumped as tcpdump's snap_print does
# for what it does not know; tcpdump knows more of them).
_SNAP_ETHERTYPES = (0x0800, 0x86DD, 0x0806, 0x8035, 0x8847, 0x8848, 0x88CC, 0x9000)
_CISCO_PIDS = {0x2000: "CDP", 0x010B: "PVST", 0x010C: "VLAN Bridge", 0x2003: "VTP", 0x2004: "DTP", 0x0111: "UDLD"}


class LlcPrinter(Base):
    link_hdrlen: int

    def llc(self, out: list[str], data: bytes, off: int, length: int, addrs: str):
        """Print an LLC frame of ``length`` bytes at ``off`` (``data`` ends with it): a Step, None
        once printed, or False when it is not one this printer decodes (nothing appended then)."""
        caplen = len(data) - off
        if caplen < 3 or length < 3:
            out.append(" [|llc]")
            self.default_print(out, data[off:], suppressible=False)
            return None
        dsap_field, ssap_field, control = data[off], data[off + 1], data[off + 2]
        dsap, ssap = dsap_field & 0xFE, ssap_field & 0xFE
        if control & 3 != 3 or dsap != ssap or control != 3 or dsap not in _SAP_NAMES:
            return False  # I and S frames, other SAPs: not decoded
        pos, rest = off + 3, length - 3
        if dsap == 0xAA:
            if caplen < 8 or rest < 5:
                self._llc_head(out, dsap_field, ssap_field, control)
                out.append(" [|snap]")
                return None
            oui = int.from_bytes(data[pos : pos + 3], "big")
            pid = int.from_bytes(data[pos + 3 : pos + 5], "big")
            if oui not in (0, 0x00000C):
                return False
        self._llc_head(out, dsap_field, ssap_field, control)
        if self.link_hdrlen == off:  # the frame's own LLC: -x/-X dump what follows it (and SNAP's), as tcpdump
            self.link_hdrlen = pos + 5 if dsap == 0xAA else pos
        if dsap == 0x42:
            self._stp(out, data, pos, rest)
            return None
        if dsap == 0x06:
            return self._ip4_step, (data, pos, rest)
        if oui == 0:
            kind, name = "ethertype", ETHERTYPE_NAMES.get(pid, "Unknown")
        else:
            kind, name = "pid", _CISCO_PIDS.get(pid, "Unknown")
        if self.opts.link:
            out.append(f"oui {'Ethernet' if oui == 0 else 'Cisco'} (0x{oui:06x}), {kind} {name} (0x{pid:04x}), "
                       f"length {rest - 5}: ")
        if oui == 0:
            step = self.ethertype_step(out, pid, data, pos + 5, rest - 5) if pid in _SNAP_ETHERTYPES else False
            if step is not False:
                return step
        elif pid == 0x2000:
            self._cdp(out, data, pos + 5, rest - 5)
            return None
        elif pid in (0x010B, 0x010C):
            self._stp(out, data, pos + 5, rest - 5)
            return None
        if not self.opts.link:  # what snap_print says of a protocol it does not decode
            head = "SNAP, ethertype" if oui == 0 else "SNAP, oui Cisco (0x00000c), pid"
            out.append(f"{addrs} {head} {name} (0x{pid:04x}), length {rest - 5}: ")
        self.default_print(out, data[off:])
        return None

    def _llc_head(self, out: list[str], dsap_field: int, ssap_field: int, control: int) -> None:
        if not self.opts.link:
            return
        dsap, ssap = dsap_field & 0xFE, ssap_field & 0xFE
        out.append(f"LLC, dsap {_SAP_NAMES[dsap]} (0x{dsap:02x}) {'Group' if dsap_field & 1 else 'Individual'}, "
                   f"ssap {_SAP_NAMES[ssap]} (0x{ssap:02x}) {'Response' if ssap_field & 1 else 'Command'}, "
                   f"ctrl 0x{control:02x}: ")


