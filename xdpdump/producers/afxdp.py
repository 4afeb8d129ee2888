"""The AF_XDP capture: matching frames redirected into AF_XDP sockets, recorded by the net role.

Owns the producer the plan names ProducerKind.AF_XDP: the capture programs (capture_programs.py), then
the UMEM geometry the plan decides for the modes they got, then the sockets and their native loop
(xsk.AfXdpCapture), which the net role runs: RX rings -> record ring, fill rings refilled; with -w
by reference (records point into UMEM, which the archive role reads). While the record ring is full
the capture is congested: the programs pass matched frames to the stack (xsk/congestion.py) and the
summary counts them.
"""

from __future__ import annotations

import contextlib
from typing import NoReturn

from xdpdump.plan import CapturePlan
from xdpdump.producers.capture_programs import CapturePrograms
from xdpdump.xsk import AfXdpCapture, CaptureStats, RecordRing, TapCounters, congestion


class AfXdpProducer:
    def __init__(self, plan: CapturePlan, ring: RecordRing, cleanup: contextlib.ExitStack) -> None:
        self.programs = CapturePrograms(plan, cleanup)
        self.geometry = plan.geometry(self.programs.modes)
        g = self.geometry
        self.capture = AfXdpCapture(
            ring, self.programs.capture_targets(), frame_size=g.frame_size, rx_size=g.ring_size,
            fill_size=g.ring_size, snaplen=g.snaplen, count=plan.count, bind_mode=plan.bind_mode,
            # With -w the one consumer is the archive role, which reads frames straight from UMEM;
            # the printer (the supervisor, which lets go of the UMEM) reads copies.
            by_reference=not plan.outputs.prints,
        )
        cleanup.callback(self.capture.close)
        # A full record ring makes the programs pass matched frames to the stack (xsk/congestion.py);
        # with --congested drop the flags are never mapped, so never raised.
        if plan.pass_when_congested:
            for ifslot, program in enumerate(self.programs.programs):
                congestion.map_flags(self.capture, ifslot, program.congested_flags_fd)
        self.zerocopy = self.capture.zerocopy  # known once bound; kept after release
        self.taken_notes = _host_traffic_notes(plan)

    def start(self) -> None:
        self.programs.fill_xskmaps(self.capture.xsk_fds())

    def net_role_fds(self) -> list[int]:
        return self.capture.net_role_fds()

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool) -> NoReturn:
        self.capture.enter_net_role(log_fd, sandboxed, selftest)

    def release(self) -> None:
        self.capture.release()

    def banner_lines(self, sandboxed: bool) -> list[str]:
        return self.programs.banner_lines(self.geometry, self.zerocopy, "", sandboxed) + self.taken_notes

    def stats(self) -> CaptureStats:
        return self.capture.stats()

    def filter_counters(self) -> list[dict[str, int]]:
        return self.programs.counters()

    def summary_lines(self, verbose: int) -> list[str]:
        return []

    def transmit_counters(self) -> TapCounters | None:
        return None

    @property
    def privileges_to_close(self) -> list[str]:
        return self.programs.privileges_to_close


def _host_traffic_notes(plan: CapturePlan) -> list[str]:
    """With no expression every frame (but SSH) is taken from the stack: on a device with the host's
    addresses that is the host's own traffic, which a new user does not expect. Say so, and name the
    mode that leaves frames to the stack. Asked in set-up, while rtnetlink can still be asked."""
    if plan.expression:
        return []
    from xdpdump.netdev import host_addresses

    notes = []
    for target in plan.targets:
        addresses = host_addresses(target.device.index)
        if addresses:
            shown = ", ".join(addresses[:3]) + (", ..." if len(addresses) > 3 else "")
            notes.append(f"xdpdump: {target.device.name}: host traffic is taken: this device has the host's "
                         f"addresses ({shown}) and the frames captured do not reach the stack; --mirror "
                         "captures without taking")
    return notes
