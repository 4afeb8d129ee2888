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

    def consumer(self) -> PacketConsumer:
        """A new reader: it sees what is produced after it registered."""
        c = PacketConsumer(self)
        self._consumers.append(c)
        return c

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
        if self._ptr is not None:
            check(lib.xdpd_rr_destroy(self._ptr), "cannot free the record ring")
            self._ptr = None


class PacketConsumer:
    """A registered reader of the record ring; the producer waits for it (a stalled one causes drops)."""

    def __init__(self, ring: RecordRing) -> None:
        self.ring = ring
        self.slot: int | None = check(lib.xdpd_rr_consumer_register(ring._handle()), "cannot read the capture")
        self._views = ffi.new("struct xdpd_packet[]", _MAX_BATCH)

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

    @property
    def backlog_bytes(self) -> int:
        if self.slot is None:
            return 0
        return int(lib.xdpd_rr_consumer_backlog(self.ring._handle(), self.slot))

    def close(self) -> None:
        if self.slot is not None and self.ring._ptr is not None:
            lib.xdpd_rr_consumer_unregister(self.ring._ptr, self.slot)
        self.slot = None
