"""What the two producers (``AfXdpCapture``, ``InlineTap``) share on the Python side: their sockets
and UMEMs, the net loop's entry points and the shared counters. Private: each producer is its own
public class; this is their common implementation, not a base with hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.record_ring import RecordRing
from xdpdump.xsk.socket import XskSocket
from xdpdump.xsk.stats import CaptureStats, FrameAccounting, SocketStats, XskStats
from xdpdump.xsk.umem import Umem


@dataclass(frozen=True)
class CaptureTarget:
    """One (interface, rx queue) to capture; ifslot is the interface's index in the capture (pcapng IDB)."""

    ifindex: int
    queue: int
    ifslot: int = 0


class XskProducer(Closes):
    """Sockets on one UMEM per interface, fed into ``ring`` by a native producer (``self._native``)."""

    def __init__(self, ring: RecordRing, targets: Sequence[CaptureTarget], snaplen: int,
                 destroy: Callable[[Any], None]) -> None:
        self.ring = ring
        self.targets = tuple(targets)
        self.snaplen = snaplen
        self.zerocopy = False   # every IN socket bound zero-copy (known once bound; kept after release)
        self._umems: dict[int, Umem] = {}
        self._sockets: list[XskSocket] = []
        self._slots: list[int] = []
        self._native: Any = None
        self._producer: Any = None
        self._destroy = destroy
        self._released = False

    def _open_in_sockets(self, add_socket: Callable[[Any, Any, int], int], *, frame_size: int, rx_size: int,
                         fill_size: int, extra_frames: int, bind_mode: str, need_wakeup: bool,
                         held_per_socket: int = 0) -> None:
        """One socket per target; one UMEM per interface shared by its queues: every socket's fill
        ring full, plus held_per_socket (frames a capture by reference holds while its consumers read
        them), plus extra_frames (a tap's frames in flight on OUT)."""
        per_if: dict[int, int] = {}
        for t in self.targets:
            per_if[t.ifindex] = per_if.get(t.ifindex, 0) + 1
        for t in self.targets:
            umem = self._umems.get(t.ifindex)
            if umem is None:
                umem = Umem(per_if[t.ifindex] * (fill_size + held_per_socket) + extra_frames, frame_size)
                self._umems[t.ifindex] = umem
            sock = XskSocket(umem, t.ifindex, t.queue, rx_size=rx_size, fill_size=fill_size, comp_size=64,
                             bind_mode=bind_mode, need_wakeup=need_wakeup)
            self._sockets.append(sock)
            self._slots.append(check(add_socket(self._native, sock._handle(), t.ifslot), "cannot start the capture"))
        self.zerocopy = all(s.zerocopy for s in self._sockets)

    def xsk_fds(self) -> list[tuple[CaptureTarget, int]]:
        """Each target with the fd to store in its interface's XSKMAP at key target.queue (before release())."""
        self._live()
        return [(t, s.fd) for t, s in zip(self.targets, self._sockets, strict=True)]

    def net_role_fds(self) -> list[int]:
        """Every AF_XDP socket the net role owns, sorted (its policy takes their range)."""
        return sorted(fd for _, fd in self.xsk_fds())

    def _live(self) -> Any:
        if self._native is None:
            raise ValueError("producer is closed")
        if self._released:
            raise ValueError("sockets were released: only the shared counters remain")
        return self._producer

    def run(self, stats_interval_ms: int = 1000) -> None:
        """The net loop (xdpd_net_run), in this process: until ring.request_stop() or the count, then
        the drain of what had arrived, the TX flush, final statistics and producer_done. Does not hold
        the GIL while it runs (tests run it in a thread)."""
        check(lib.xdpd_net_run(self._live(), stats_interval_ms), "capture failed")

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool = False,
                       stats_interval_ms: int = 1000) -> NoReturn:
        """In a forked net role: install the net filter (built natively with these sockets' fd range
        and log_fd) when sandboxed, attempt a forbidden call when selftest, run the net loop, _exit
        (0 done, 1 the loop failed, 3 the filter was refused). Never returns."""
        lib.xdpd_net_role(self._live(), log_fd, int(sandboxed), int(selftest), stats_interval_ms)
        raise AssertionError("xdpd_net_role returned")  # pragma: no cover - it _exits

    def stats(self) -> CaptureStats:
        """Totals and per-socket counters as the producer last published them in shared memory (works
        after release() and after the net role has exited)."""
        rr = self.ring._handle()
        sc = ffi.new("struct xdpd_socket_counters *")
        sockets = []
        for slot in self._slots:
            check(lib.xdpd_rr_socket_counters(rr, slot, sc), "cannot read the capture statistics")
            sockets.append(SocketStats(sc.ifindex, sc.ifslot, sc.queue, bool(sc.zerocopy), sc.captured, sc.bytes,
                                       XskStats._from_c(sc.xdp)))
        c = self.ring.counters()
        return CaptureStats(c.captured, c.bytes, c.ring_full, sockets)

    def accounting(self) -> list[FrameAccounting]:
        """Where every frame of every UMEM is (before release())."""
        return [u.accounting() for u in self._umems.values()]

    def release(self) -> None:
        """In the supervisor, once the net role runs: drop this process's sockets and UMEMs (the role
        holds its own), so the supervisor can reach neither rings nor frames. The record ring and the
        shared counters stay."""
        for umem in self._umems.values():
            umem.close()
        self._umems.clear()
        self._sockets.clear()
        self._released = True

    def close(self) -> None:
        """Sockets, UMEMs and the native producer; the ring stays the caller's."""
        self.release()
        if self._native is not None:
            self._destroy(self._native)
            self._native = None
            self._producer = None
