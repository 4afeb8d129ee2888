"""What the Python API hands out per frame: ``Frame``, and ``Batch``, the frames of one batch.

Owns the cost of a frame in Python. A batch is built in a handful of C-level calls, whatever its size:
the native peek fills an array of ``struct xdpd_packet``; each field is one strided memoryview slice
of it turned into a list (a column); iterating the batch zips the columns and makes one ``Frame`` per
record with ``tuple.__new__`` (no Python-level ``__init__`` per frame). A ``Frame`` is a tuple subclass
with ``__slots__ = ()``: one small object, no dict; its bytes are not copied: ``data`` is a read-only
memoryview sliced, when asked for, from a view of the whole record ring. Measured here (``scripts/bench
--api``), building and iterating costs well under a microsecond per frame of CPU; a ``__slots__`` class
with an ``__init__`` costs several times more.

The record ring's view keeps the ring mapped (``RecordRing.mapping``), so a ``data`` kept too long
shows other frames' bytes, never unmapped memory.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, overload

_TS, _WIRE, _CAP, _ADDR, _SLOTQ, _SRC = range(6)


class FrameSource:
    """What a frame's data and interface name are read from: a view of memory starting at address
    ``base`` (the record ring's mapping; a file record's bytes), and the interface names by slot."""

    __slots__ = ("base", "names", "view")

    def __init__(self, view: memoryview, base: int, names: Sequence[str]) -> None:
        self.view = view
        self.base = base
        self.names = tuple(names)


class Frame(tuple):
    """One captured frame: ``ts_ns``, ``wire_len``, ``caplen``, ``ifname``, ``queue``, and ``data``.

    ``data`` is a read-only memoryview of the ``caplen`` captured bytes (``bytes(pkt.data)`` copies
    them). In a live capture it points into the shared record ring and is valid until the next batch
    is asked for: copy what must outlive it.
    """

    __slots__ = ()

    if TYPE_CHECKING:  # what a type checker sees; at run time, C-level getters (below) are faster
        @property
        def ts_ns(self) -> int: ...
        @property
        def wire_len(self) -> int: ...
        @property
        def caplen(self) -> int: ...
    else:
        ts_ns = property(itemgetter(_TS), doc="Arrival time, nanoseconds since the epoch (CLOCK_REALTIME).")
        wire_len = property(itemgetter(_WIRE), doc="The frame's length on the wire (caplen or more).")
        caplen = property(itemgetter(_CAP), doc="Bytes captured: wire_len up to the snap length.")

    @property
    def data(self) -> memoryview:
        """The captured bytes (read-only, not copied)."""
        src = self[_SRC]
        offset = self[_ADDR] - src.base
        return src.view[offset:offset + self[_CAP]]

    @property
    def ifname(self) -> str:
        """The device it was captured on (a capture file's name for a file)."""
        return self[_SRC].names[self[_SLOTQ] & 0xFFFF]

    @property
    def queue(self) -> int:
        """The rx queue it arrived on (0 for a capture file)."""
        return self[_SLOTQ] >> 16

    def __repr__(self) -> str:
        return (f"Frame(ts_ns={self.ts_ns}, wire_len={self.wire_len}, caplen={self.caplen}, ifname={self.ifname!r}, "
                f"queue={self.queue})")


_new_frame = tuple.__new__


def frame(ts_ns: int, wire_len: int, ifname: str, data: bytes | memoryview) -> Frame:
    """One Frame over data (a capture file's record)."""
    view = memoryview(data).toreadonly()
    return _new_frame(Frame, (ts_ns, wire_len, len(view), 0, 0, FrameSource(view, 0, (ifname,))))


class BatchBuilder:
    """Frames from the raw ``struct xdpd_packet`` array a peek returns (``layout``: its field offsets,
    ``xsk.record_ring.packet_layout()``), over ``ring_view`` (the record ring's mapping, starting at
    address ``base``)."""

    def __init__(self, layout: dict[str, int], ring_view: memoryview, base: int, ifnames: Sequence[str]) -> None:
        size = layout["size"]
        # ifslot and queue are read as one 32-bit word (the queue in its high half: little-endian)
        if layout["queue"] != layout["ifslot"] + 2 or sys.byteorder != "little":
            raise ValueError("struct xdpd_packet: ifslot and queue are not one little-endian word")
        for name, width in (("ts_ns", 8), ("data", 8), ("wire_len", 4), ("cap_len", 4), ("ifslot", 4)):
            if layout[name] % width or size % width:
                raise ValueError(f"struct xdpd_packet field {name} is not aligned to its width")
        self._q = (layout["ts_ns"] // 8, layout["data"] // 8, size // 8)
        self._i = (layout["wire_len"] // 4, layout["cap_len"] // 4, layout["ifslot"] // 4, size // 4)
        self._source = FrameSource(ring_view, base, ifnames)

    def build(self, n: int, raw: memoryview) -> Batch:
        ts, addr, qstep = self._q
        wire, cap, slotq, istep = self._i
        q, i = raw.cast("Q"), raw.cast("I")
        # Five C-level list conversions: no Python code runs per frame here.
        return Batch((q[ts::qstep].tolist(), i[wire::istep].tolist(), i[cap::istep].tolist(),
                      q[addr::qstep].tolist(), i[slotq::istep].tolist()), n, self._source)


class Batch(Sequence[Frame]):
    """The frames of one batch, in arrival order: a sequence made from per-field columns, whose
    iteration creates each Frame as it is reached (map/zip over the columns: C-level), so a loop
    reuses the memory of the frame it let go of; measured here, a quarter less per frame than a list
    of frames made up front. Indexing creates the frame asked for."""

    __slots__ = ("_columns", "_n", "_source")

    def __init__(self, columns: tuple[list[int], ...], n: int, source: FrameSource | None) -> None:
        self._columns = columns
        self._n = n
        self._source = source

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[Frame]:
        return map(_new_frame, repeat(Frame), zip(*self._columns, repeat(self._source)))

    @overload
    def __getitem__(self, index: int) -> Frame: ...
    @overload
    def __getitem__(self, index: slice) -> list[Frame]: ...

    def __getitem__(self, index: int | slice) -> Frame | list[Frame]:
        if isinstance(index, slice):
            return list(self)[index]
        row = tuple(column[index] for column in self._columns)  # IndexError as a list's
        return _new_frame(Frame, (*row, self._source))

    def __repr__(self) -> str:
        return f"<Batch of {self._n} frames>"


EMPTY_BATCH = Batch(((), (), (), (), ()), 0, None)  # type: ignore[arg-type]
