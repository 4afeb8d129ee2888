"""What the Python API hands out per frame: ``Frame``, and the building of a batch of them.

Owns the cost of a frame in Python. A batch is built in a handful of C-level calls, whatever its size:
the native peek fills an array of ``struct xdpd_packet``; each field is one strided memoryview slice
of it turned into a list; ``map``/``zip`` make one ``Frame`` per record with ``tuple.__new__`` (no
Python-level ``__init__`` per frame). A ``Frame`` is a tuple subclass with ``__slots__ = ()``: one small
object, no dict; its bytes are not copied: ``data`` is a read-only memoryview sliced, when asked for,
from a view of the whole record ring. Measured here (bench ``api``), building and iterating costs a
fraction of a microsecond per frame; a ``__slots__`` class with an ``__init__`` costs several times more.

The record ring's view keeps the ring mapped (``RecordRing.mapping``), so a ``data`` kept too long
shows other frames' bytes, never unmapped memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter, sub

_TS, _WIRE, _IF, _QUEUE, _CAP, _OFF, _BUF = range(7)


class Frame(tuple):
    """One captured frame: ``ts_ns``, ``wire_len``, ``ifname``, ``queue``, ``caplen``, and ``data``.

    ``data`` is a read-only memoryview of the ``caplen`` captured bytes (``bytes(pkt.data)`` copies
    them). In a live capture it points into the shared record ring and is valid until the next batch
    is asked for: copy what must outlive it.
    """

    __slots__ = ()

    ts_ns = property(itemgetter(_TS), doc="Arrival time, nanoseconds since the epoch (CLOCK_REALTIME).")
    wire_len = property(itemgetter(_WIRE), doc="The frame's length on the wire (caplen or more).")
    ifname = property(itemgetter(_IF), doc="The device it was captured on.")
    queue = property(itemgetter(_QUEUE), doc="The rx queue it arrived on (0 for a capture file).")
    caplen = property(itemgetter(_CAP), doc="Bytes captured: wire_len up to the snap length.")

    @property
    def data(self) -> memoryview:
        """The captured bytes (read-only, not copied)."""
        offset = self[_OFF]
        return self[_BUF][offset:offset + self[_CAP]]

    def __repr__(self) -> str:
        return (f"Frame(ts_ns={self[_TS]}, wire_len={self[_WIRE]}, ifname={self[_IF]!r}, queue={self[_QUEUE]}, "
                f"caplen={self[_CAP]})")


_new_frame = tuple.__new__


def frame(ts_ns: int, wire_len: int, ifname: str, data: bytes | memoryview, queue: int = 0) -> Frame:
    """One Frame over data (a capture file's record)."""
    view = memoryview(data).toreadonly()
    return _new_frame(Frame, (ts_ns, wire_len, ifname, queue, len(view), 0, view))


class BatchBuilder:
    """Frames from the raw ``struct xdpd_packet`` array a peek returns (``layout``: its field offsets,
    ``xsk.record_ring.packet_layout()``), over ``ring_view`` (the record ring's mapping, starting at
    address ``base``)."""

    def __init__(self, layout: dict[str, int], ring_view: memoryview, base: int, ifnames: Sequence[str]) -> None:
        size = layout["size"]
        for name, width in (("ts_ns", 8), ("data", 8), ("wire_len", 4), ("cap_len", 4), ("ifslot", 2), ("queue", 2)):
            if layout[name] % width or size % width:
                raise ValueError(f"struct xdpd_packet field {name} is not aligned to its width")
        self._q = (layout["ts_ns"] // 8, layout["data"] // 8, size // 8)
        self._i = (layout["wire_len"] // 4, layout["cap_len"] // 4, size // 4)
        self._h = (layout["ifslot"] // 2, layout["queue"] // 2, size // 2)
        self._view = ring_view
        self._base = base
        self._ifnames = list(ifnames)

    def build(self, n: int, raw: memoryview) -> list[Frame]:
        if not n:
            return []
        ts, addr, qstep = self._q
        wire, cap, istep = self._i
        slot, queue, hstep = self._h
        q, i, h = raw.cast("Q"), raw.cast("I"), raw.cast("H")
        caps = i[cap::istep].tolist()
        names = (repeat(self._ifnames[0], n) if len(self._ifnames) == 1
                 else map(self._ifnames.__getitem__, h[slot::hstep].tolist()))
        offsets = map(sub, q[addr::qstep].tolist(), repeat(self._base))
        rows = zip(q[ts::qstep].tolist(), i[wire::istep].tolist(), names, h[queue::hstep].tolist(), caps, offsets,
                   repeat(self._view))
        return list(map(_new_frame, repeat(Frame), rows))
