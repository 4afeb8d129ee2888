"""The mirror capture (`--mirror`): copies of matching frames, both directions, every frame left to the stack.

Owns the producer the plan names ProducerKind.MIRROR: the kernel programs (mirror_program.py: XDP on
ingress, TCX on egress, per-CPU BPF ring buffers) and the native loop the net role runs
(xsk.MirrorLoop: ring buffers -> record ring), and what the mirror says in the banner and summary.
A frame that does not fit its ring buffer is counted by the program, per CPU and direction, and
reported as dropped by kernel: captured + dropped == matched.
"""

from __future__ import annotations

import contextlib
from typing import NoReturn

from xdpdump.plan import CapturePlan, Geometry
from xdpdump.producers.mirror_program import DIRECTIONS, MirrorPrograms, counter_totals
from xdpdump.xsk import CaptureStats, MirrorLoop, RecordRing, TapCounters


class MirrorProducer:
    def __init__(self, plan: CapturePlan, ring: RecordRing, cleanup: contextlib.ExitStack) -> None:
        self.plan = plan
        self.programs = MirrorPrograms(plan, cleanup)
        self.geometry = Geometry(frame_size=0, ring_size=0, snaplen=plan.mirror_snaplen)
        self.zerocopy = False
        p = self.programs
        self.loop = MirrorLoop(
            ring, snaplen=plan.mirror_snaplen, count=plan.count, ctl_fd=p.ctl_fd, counters_fd=p.counters_fd,
            ncounters=p.ncounters, ring_fds=p.ring_fds, ring_bytes=plan.mirror_ring_bytes,
            interfaces=[(t.device.index, t.slot) for t in plan.targets])
        cleanup.callback(self.loop.close)

    def start(self) -> None:
        """The programs record from the moment they are attached; the net role reads from its start."""

    def net_role_fds(self) -> list[int]:
        return self.loop.net_role_fds()

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool) -> NoReturn:
        self.loop.enter_net_role(log_fd, sandboxed, selftest)

    def release(self) -> None:
        self.loop.release()

    def banner_lines(self, sandboxed: bool) -> list[str]:
        ring = self.plan.mirror_ring_bytes
        size = f"{ring >> 20} MiB" if ring >= 1 << 20 else f"{ring >> 10} KiB"
        lines = []
        for hooks in self.programs.devices:
            name = hooks.target.device.name
            lines += [
                f"listening on {name}, link-type EN10MB (Ethernet), snapshot length {self.geometry.snaplen} bytes",
                f"xdpdump: {name}: mirror: {hooks.hooks}; {self.programs.shards} BPF ring buffers of {size} "
                f"(one per CPU); frames stay on the stack; {self.programs.filter_note}"
                f"{'' if sandboxed else '; NOT sandboxed (--no-sandbox)'}",
            ]
        return lines

    def _totals(self) -> dict[str, dict[str, int]]:
        return counter_totals(self.loop.counters())

    def stats(self) -> CaptureStats:
        base = self.loop.stats()
        totals = self._totals()
        drops = {f"{reason} ({d})": totals[d][f"dropped_{key}"] for d in DIRECTIONS
                 for key, reason in (("ring_full", "ring buffer full"), ("copy", "copy failed"))}
        # Always present, zero or not: a mirror's drops are its programs', never a socket's.
        return CaptureStats(base.captured, base.bytes, base.ring_full_events, program_drops=drops)

    def filter_counters(self) -> list[dict[str, int]]:
        """One program serves every device: its totals on the first, zeros on the others."""
        totals = self._totals()
        seen = sum(t["seen"] for t in totals.values())
        matched = sum(t["matched"] for t in totals.values())
        first = {"seen": seen, "matched": matched, "redirected": 0, "passed": seen}
        zero = dict.fromkeys(first, 0)
        return [first] + [dict(zero) for _ in self.plan.targets[1:]]

    def summary_lines(self, verbose: int) -> list[str]:
        if not verbose:
            return []
        totals = self._totals()
        return [f"  {d}: {t['matched']} matched, {t['captured']} captured, "
                f"{t['dropped_ring_full'] + t['dropped_copy']} dropped" for d, t in totals.items()]

    def transmit_counters(self) -> TapCounters | None:
        return None

    @property
    def privileges_to_close(self) -> list[str]:
        return self.programs.privileges_to_close
