"""Ethernet's configuration testing protocol (ethertype 0x9000, "Loopback") as tcpdump 4.99 prints it:
the skip count, then the function of the message it points at (Reply with its receipt number, Forward
Data with its forwarding address) and how many data octets follow. Fields are little-endian.

tcpdump's checks, read back from it: a skip count that is not a multiple of 8 is ``(bogus)``; one
past the packet, or a message too short for its function, is ``(invalid)``, and then the rest of
the packet must have been captured, else `` [|loopback]`` follows; so must the bytes skipped.
"""

from __future__ import annotations

from xdpdump.printer.base import Base, Truncated, mac

_REPLY, _FORWARD = 1, 2
_FUNCTIONS = {_REPLY: "Reply", _FORWARD: "Forward Data"}


class LoopbackPrinter(Base):
    def _loopback(self, out: list[str], data: bytes, off: int, length: int) -> None:
        """The packet at ``off``, ``length`` bytes long on the wire (``data`` may end sooner)."""
        out.append("Loopback")
        if length < 2:
            self._loopback_invalid(out, data, off, length)
            return
        skip = _le16(data, off)
        out.append(f", skipCount {skip}")
        if skip % 8:
            out.append(" (bogus)")
        if skip > length - 2:
            self._loopback_invalid(out, data, off, length)
            return
        # The message the skip count points at (the bytes skipped must have been captured), and what
        # remains of the packet from it.
        off += 2 + skip
        _need(data, off)
        length -= skip + 2
        if length < 2:
            self._loopback_invalid(out, data, off, length)
            return
        function = _le16(data, off)
        off += 2
        # tcpdump's name for an unknown function starts with a space of its own: two after the comma.
        out.append(f", {_FUNCTIONS.get(function, f' invalid ({function})')}")
        if function == _REPLY:
            if length < 4:
                self._loopback_invalid(out, data, off, length - 2)
                return
            out.append(f", receipt number {_le16(data, off)}, data ({length - 4} octets)")
            _need(data, off + length - 2)
        elif function == _FORWARD:
            if length < 8:
                self._loopback_invalid(out, data, off, length - 2)
                return
            _need(data, off + 6)
            out.append(f", forwarding address {mac(data[off:off + 6])}, data ({length - 8} octets)")
            _need(data, off + length - 2)
        else:
            _need(data, off + length - 2)

    @staticmethod
    def _loopback_invalid(out: list[str], data: bytes, off: int, length: int) -> None:
        out.append(" (invalid)")
        _need(data, off + max(length, 0))


def _le16(data: bytes, off: int) -> int:
    _need(data, off + 2)
    return data[off] | data[off + 1] << 8


def _need(data: bytes, end: int) -> None:
    if len(data) < end:
        raise Truncated("loopback", whole_dump=True)
