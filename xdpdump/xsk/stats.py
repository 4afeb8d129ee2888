"""The counters the native core publishes, as frozen values: kernel drop counters of one socket
(``XskStats``), a socket's share of a capture (``SocketStats``), a capture's totals (``CaptureStats``),
where every UMEM frame is (``FrameAccounting``) and the record ring's state (``RingCounters``).

Kernel drops (``XskStats.dropped``): rx_dropped (no fill buffer or frame too big), rx_ring_full and
rx_invalid_descs are frames the kernel could not deliver; rx_fill_ring_empty_descs counts how often
the fill ring was found empty (a cause of rx_dropped, not extra frames).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class XskStats:
    """getsockopt(SOL_XDP, XDP_STATISTICS) of one socket."""

    rx_dropped: int = 0
    rx_invalid_descs: int = 0
    tx_invalid_descs: int = 0
    rx_ring_full: int = 0
    rx_fill_ring_empty_descs: int = 0
    tx_ring_empty_descs: int = 0

    @property
    def dropped(self) -> int:
        """Frames the kernel redirected to the socket but could not deliver."""
        return self.rx_dropped + self.rx_ring_full + self.rx_invalid_descs

    def by_reason(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __add__(self, other: XskStats) -> XskStats:
        return XskStats(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def _from_c(cls, st: Any) -> XskStats:
        return cls(*(int(getattr(st, f.name)) for f in fields(cls)))


@dataclass(frozen=True)
class FrameAccounting:
    """Where every UMEM frame is; ``ok`` when free + rx_path + tx_path + held == total, nothing twice.
    held: frames recorded by reference that the record ring's consumers have not all passed yet."""

    total: int
    free: int
    rx_path: int
    tx_path: int
    fill_queued: int
    rx_queued: int
    duplicates: int
    ok: bool
    held: int = 0


@dataclass(frozen=True)
class RingCounters:
    """The record ring's shared state: what the producer published, and who reads."""

    captured: int
    bytes: int
    ring_full: int
    stop: bool
    producer_done: bool
    consumers: int


@dataclass(frozen=True)
class SocketStats:
    """One socket of a capture, as the producer last published it."""

    ifindex: int
    ifslot: int
    queue: int
    zerocopy: bool
    captured: int
    bytes: int
    xdp: XskStats


@dataclass(frozen=True)
class CaptureStats:
    """A producer's totals and its sockets' counters (shared memory: readable after the net role)."""

    captured: int
    bytes: int
    ring_full_events: int
    sockets: list[SocketStats] = field(default_factory=list)
    # Frames the capture's own BPF programs could not hand over (the mirror's ring buffers), by reason.
    program_drops: dict[str, int] = field(default_factory=dict)

    def drop_reasons(self) -> dict[str, int]:
        """Each reason the kernel dropped frames for, with its count (-v lists them)."""
        return dict(self.program_drops) if self.program_drops else self.kernel.by_reason()

    @property
    def kernel(self) -> XskStats:
        total = XskStats()
        for s in self.sockets:
            total = total + s.xdp
        return total

    @property
    def dropped(self) -> int:
        return self.kernel.dropped + sum(self.program_drops.values())
