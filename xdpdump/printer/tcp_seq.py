"""Per-connection TCP sequence state, so seq/ack print relative to each side's first number.

Follows tcpdump's rule (print-tcp.c): state is only kept for segments with ACK set. The first such
segment of a connection, or any segment with SYN+ACK, (re)records both initial numbers and prints
absolute values; later segments of the connection print ``value - initial`` modulo 2**32. Segments
without ACK (a bare SYN, a bare RST) print absolute numbers and touch no state.
"""

from __future__ import annotations

_MASK = 0xFFFFFFFF


class TcpSeqTracker:
    """Remembers, for each connection seen, the initial sequence number of each direction."""

    def __init__(self, max_flows: int = 65536) -> None:
        # key: (src addr, src port, dst addr, dst port) of the direction that first recorded it.
        self._isn: dict[tuple, tuple[int, int]] = {}
        self._max_flows = max_flows

    def relative(
        self, src: bytes, sport: int, dst: bytes, dport: int, seq: int, ack: int, syn: bool, has_ack: bool
    ) -> tuple[int, int, int, int]:
        """Return (seq, ack) to print and (base of this side, base of the peer side) for SACK blocks.

        Bases are 0 when no state applies (absolute numbering).
        """
        if not has_ack:
            return seq, ack, 0, 0
        fwd = (src, sport, dst, dport)
        rev = (dst, dport, src, sport)
        entry = self._isn.get(fwd)
        if entry is not None:
            mine, peer = entry
        else:
            entry = self._isn.get(rev)
            if entry is not None:
                peer, mine = entry
        if entry is None or syn:
            if len(self._isn) >= self._max_flows:
                # A long capture must not grow without bound; forgetting old flows only makes
                # their next segment print absolute numbers again, as a new connection would.
                self._isn.clear()
            self._isn.pop(rev, None)
            mine, peer = seq, (ack - 1) & _MASK
            self._isn[fwd] = (mine, peer)
            return seq, ack, mine, peer
        return (seq - mine) & _MASK, (ack - peer) & _MASK, mine, peer
