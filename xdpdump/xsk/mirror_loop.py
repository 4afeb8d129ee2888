"""``MirrorLoop``: the mirror capture producer (native/mirror_loop.c): the BPF ring buffers of
bpf/mirror.c -> the record ring.

Everything is mapped here, at set-up: each ring buffer, the programs' stop flag and their per-CPU
counters (mmapable arrays), so the net role's loop needs no system call to reach them. After
``release()`` (the supervisor, once the net role runs) only the counters stay mapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.record_ring import RecordRing
from xdpdump.xsk.stats import CaptureStats

__all__ = ["MirrorLoop"]


class MirrorLoop(Closes):
    """The ring buffers ``ring_fds`` (``ring_bytes`` each) into ``ring`` (which stays the caller's);
    ``interfaces``: (ifindex, ifslot) of each captured device; ``count`` 0 = no limit."""

    def __init__(self, ring: RecordRing, *, snaplen: int, count: int, ctl_fd: int, counters_fd: int,
                 ncounters: int, ring_fds: Sequence[int], ring_bytes: int,
                 interfaces: Sequence[tuple[int, int]]) -> None:
        self.ring = ring
        self.ncounters = ncounters
        self._ring_fds = sorted(ring_fds)
        self._released = False
        out = ffi.new("xdpd_mirror **")
        check(lib.xdpd_mirror_create(out, ring._handle(), snaplen, count, ctl_fd, counters_fd, ncounters),
              "cannot start the mirror capture")
        self._native: Any = out[0]
        try:
            for fd in ring_fds:
                check(lib.xdpd_mirror_add_ring(self._native, fd, ring_bytes), "cannot map a BPF ring buffer")
            for ifindex, ifslot in interfaces:
                check(lib.xdpd_mirror_add_interface(self._native, ifindex, ifslot), "cannot start the mirror capture")
        except BaseException:
            self.close()
            raise
        self._producer = lib.xdpd_mirror_producer(self._native)

    def net_role_fds(self) -> list[int]:
        """The ring buffers' fds, sorted: the net role polls them when idle."""
        return list(self._ring_fds)

    def _live(self) -> Any:
        if self._native is None or self._released:
            raise ValueError("mirror loop is closed or released")
        return self._producer

    def run(self, stats_interval_ms: int = 1000) -> None:
        """The net loop in this process (tests run it in a thread: the GIL is released)."""
        check(lib.xdpd_net_run(self._live(), stats_interval_ms), "capture failed")

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool = False,
                       stats_interval_ms: int = 1000) -> NoReturn:
        """In the forked net role: the mirror policy's filter, the loop, _exit (see xdpd_net_role)."""
        lib.xdpd_net_role(self._live(), log_fd, int(sandboxed), int(selftest), stats_interval_ms)
        raise AssertionError("xdpd_net_role returned")  # pragma: no cover - it _exits

    def counters(self) -> list[int]:
        """The programs' counters, as laid out by bpf/mirror.c (per CPU, per direction)."""
        if self._native is None:
            raise ValueError("mirror loop is closed")
        values = ffi.new("uint64_t[]", self.ncounters)
        lib.xdpd_mirror_counters(self._native, values, self.ncounters)
        return list(values)

    def stats(self) -> CaptureStats:
        c = self.ring.counters()
        return CaptureStats(c.captured, c.bytes, c.ring_full)

    def release(self) -> None:
        if self._native is not None and not self._released:
            lib.xdpd_mirror_release(self._native)
        self._released = True

    def close(self) -> None:
        if self._native is not None:
            lib.xdpd_mirror_destroy(self._native)
            self._native = None
