"""``RecordRing``: the shared-memory ring of captured records (native/record_ring.c), and its readers
(``PacketConsumer``) handing out ``Packet`` values.

One MAP_SHARED mapping holding only offsets, so it survives fork: the supervisor makes it, the one
producer (capture or tap, in the net role) writes it, up to 8 consumers (the archive writer, the
printer) read it. The producer never overwrites what a registered consumer has not released: a
stalled consumer causes kernel drops, counted, never silent gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.stats import RingCounters

_MAX_BATCH = 256


DIRECTION_IN, DIRECTION_OUT = lib.XDPD_DIR_IN, lib.XDPD_DIR_OUT  # a record's direction

@dataclass(frozen=True)
class Packet:
    """One captured frame as handed to a printer."""

    ts_ns: int
    wire_len: int
    ifslot: int
    queue: int
    data: bytes
    direction: int = 1  # 1 received, 2 sent (XDPD_DIR_IN, XDPD_DIR_OUT)


class RecordRing(Closes):
    """The shared-memory ring of captured records (single producer, up to 8 consumers)."""

    def __init__(self, size_bytes: int) -> None:
        out = ffi.new("xdpd_record_ring **")
        check(lib.xdpd_rr_create(out, size_bytes), "cannot create the record ring")
        self._ptr: Any = out[0]
        self.size_bytes = size_bytes
        self._consumers: list[PacketConsumer] = []
        self._view: memoryview | None = None

    def consumer(self, max_batch: int = _MAX_BATCH) -> PacketConsumer:
        """A new reader: it sees what is produced after it registered."""
        c = PacketConsumer(self, max_batch)
        self._consumers.append(c)
        return c

    def mapping(self) -> tuple[memoryview, int]:
        """A read-only view of the whole mapping, and the address it starts at: a peeked record's
        bytes are view[data - address:][:cap_len]. The view keeps the mapping alive: close() leaves
        the unmap to the last view (or slice of it) to go, so bytes handed to Python never point into
        unmapped memory, whatever the caller keeps."""
        if self._view is None:
            rr = self._handle()
            anchor = ffi.gc(ffi.cast("uint8_t *", rr), lambda p: lib.xdpd_rr_destroy(ffi.cast("xdpd_record_ring *", p)))
            self._view = memoryview(ffi.buffer(anchor, lib.xdpd_rr_map_len(rr))).toreadonly()
        return self._view, int(ffi.cast("uintptr_t", self._ptr))

    def counters(self) -> RingCounters:
        c = ffi.new("struct xdpd_ring_counters *")
        lib.xdpd_rr_counters(self._handle(), c)
        return RingCounters(c.captured, c.bytes, c.ring_full, bool(c.stop), bool(c.producer_done), c.nconsumers)

    def request_stop(self) -> None:
        """Ask the producer to stop: it drains what had arrived, then marks itself done."""
        lib.xdpd_rr_request_stop(self._handle())

    def producer_done(self) -> None:
        """Tell consumers nothing more will come (their loops then finish). The net loop does this
        itself at its end; call it only for a ring no producer runs on."""
        lib.xdpd_rr_set_producer_done(self._handle())

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("record ring is closed")
        return self._ptr

    def close(self) -> None:
        for c in self._consumers:
            c.close()
        self._consumers.clear()
        if self._ptr is not None and self._view is None:
            check(lib.xdpd_rr_destroy(self._ptr), "cannot free the record ring")
        self._ptr = self._view = None  # a view made by mapping() unmaps the ring when it goes


class PacketConsumer:
    """A registered reader of the record ring; the producer waits for it (a stalled one causes drops)."""

    def __init__(self, ring: RecordRing, max_batch: int = _MAX_BATCH) -> None:
        self.ring = ring
        self.slot: int | None = check(lib.xdpd_rr_consumer_register(ring._handle()), "cannot read the capture")
        self._views = ffi.new("struct xdpd_packet[]", max_batch)
        self.max_batch = max_batch

    def read(self, max_packets: int = 64, timeout_ms: int = 0) -> list[Packet]:
        """Up to max_packets records (waiting up to timeout_ms for the first), copied and released."""
        if self.slot is None:
            raise ValueError("consumer is closed")
        rr = self.ring._handle()
        n = check(
            lib.xdpd_rr_consumer_peek(rr, self.slot, self._views, min(max_packets, _MAX_BATCH), timeout_ms),
            "cannot read the capture",
        )
        out = []
        for i in range(n):
            v = self._views[i]
            out.append(Packet(v.ts_ns, v.wire_len, v.ifslot, v.queue, ffi.buffer(v.data, v.cap_len)[:],
                              v.direction))
        lib.xdpd_rr_consumer_release(rr, self.slot)
        return out

    def peek(self, timeout_ms: int = 0) -> tuple[int, memoryview]:
        """Up to max_batch records (waiting up to timeout_ms for the first), not copied: n, and the
        n ``struct xdpd_packet`` (packet_layout()) as bytes. The records, and the bytes their data
        points at, stay untouched (the producer waits) until release()."""
        if self.slot is None:
            raise ValueError("consumer is closed")
        n = check(lib.xdpd_rr_consumer_peek(self.ring._handle(), self.slot, self._views, self.max_batch, timeout_ms),
                  "cannot read the capture")
        return n, memoryview(ffi.buffer(self._views, n * ffi.sizeof("struct xdpd_packet")))

    def release(self) -> None:
        """Give back what the last peek handed out."""
        if self.slot is not None and self.ring._ptr is not None:
            lib.xdpd_rr_consumer_release(self.ring._ptr, self.slot)

    @property
    def backlog_bytes(self) -> int:
        if self.slot is None:
            return 0
        return int(lib.xdpd_rr_consumer_backlog(self.ring._handle(), self.slot))

    def close(self) -> None:
        if self.slot is not None and self.ring._ptr is not None:
            lib.xdpd_rr_consumer_unregister(self.ring._ptr, self.slot)
        self.slot = None


def packet_layout() -> dict[str, int]:
    """Byte offsets of struct xdpd_packet's fields, and its size ("size"), for reading peek()'s bytes."""
    fields = ("ts_ns", "data", "wire_len", "cap_len", "ifslot", "queue")
    return {"size": ffi.sizeof("struct xdpd_packet"), **{f: ffi.offsetof("struct xdpd_packet", f) for f in fields}}
