"""MPLS label stacks as tcpdump's mpls_print: each label entry, then the packet under the bottom of
the stack (IPv4 or IPv6 by label or first nibble, OSI by its NLPID; anything else dumped). The stack walk takes four
bytes per entry, each spending a unit of the frame's budget (budget.py); the packet below is
returned as a Step (ip.py)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Truncated

_LABEL_NAMES = ("IPv4 explicit NULL", "router alert", "IPv6 explicit NULL", "implicit NULL") + ("rsvd",) * 12


class MplsPrinter(Base):
    def _mpls_step(self, out: list[str], data: bytes, off: int, length: int):
        verbose = self.opts.verbose
        out.append("MPLS")
        depth = 0
        spend = self.budget.spend
        while True:
            spend()
            if length < 4:
                out.append(" (invalid)")
                if len(data) < off + length:
                    raise Truncated("mpls")
                return None
            if len(data) < off + 4:
                raise Truncated("mpls")
            entry = struct.unpack_from("!I", data, off)[0]
            label, bottom = entry >> 12, entry & 0x100
            out.append(f"{chr(10) + chr(9) if depth and verbose else ' '}(label {label}")
            depth += 1
            if verbose and label < len(_LABEL_NAMES):
                out.append(f" ({_LABEL_NAMES[label]})")
            out.append(f", tc {(entry >> 9) & 7}{', [S]' if bottom else ''}, ttl {entry & 0xFF})")
            off, length = off + 4, length - 4
            if bottom:
                break
        if label in (0, 3):
            kind = 4
        elif label == 2:
            kind = 6
        else:
            if length < 1:
                return None
            if len(data) <= off:
                raise Truncated("mpls")
            first = data[off]
            if 0x45 <= first <= 0x4F:
                kind = 4
            elif 0x60 <= first <= 0x6F:
                kind = 6
            else:
                kind = -1 if 0x81 <= first <= 0x83 else 0  # -1: OSI
        if kind == 0:
            self.default_print(out, data[off : off + length])
            if len(data) < off + length and not self.default_suppressed():
                raise Truncated("mpls")  # the dump's own end: no dump, no marker
            return None
        out.append("\n\t" if verbose else " ")
        if kind == 4:
            return self._ip4_step, (data, off, length)
        if kind == 6:
            return self._ip6_step, (data, off, length)
        self._osi(out, data, off, length)  # OSI: CLNP, ES-IS or IS-IS (osi.py)
        return None
