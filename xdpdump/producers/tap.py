"""The inline tap (`xdpdump -i IN --forward OUT`): a capture of IN whose every frame also leaves by OUT.

Owns the producer the plan names ProducerKind.INLINE_TAP: IN's capture programs (capture_programs.py),
the tap's sockets and native loop (xsk.InlineTap: IN's RX rings -> record ring and OUT's TX ring), the
pass program zero-copy TX needs on OUT, and what the tap adds to banner and summary.

OUT's socket shares IN's UMEM (XDP_SHARED_UMEM) where the kernel allows it, so a frame goes from IN's
RX ring onto OUT's TX ring without a copy and comes back to IN's fill ring through OUT's completion
ring; otherwise frames are copied into OUT's own UMEM. Frames the expression does not match never
leave IN's stack. The summary adds the frames forwarded (completed on OUT) and OUT's tx errors
(descriptors the kernel refused), read from the tap's own shared counters.
"""

from __future__ import annotations

import contextlib
from typing import NoReturn

from xdpdump.held_attach import zero_copy_tx_program
from xdpdump.plan import CapturePlan
from xdpdump.producers.capture_programs import CapturePrograms
from xdpdump.report import packets
from xdpdump.xsk import CaptureStats, InlineTap, RecordRing, TapCounters


class InlineTapProducer:
    def __init__(self, plan: CapturePlan, ring: RecordRing, cleanup: contextlib.ExitStack) -> None:
        assert plan.tap_out is not None
        self.out = plan.tap_out
        self.programs = CapturePrograms(plan, cleanup)
        self.geometry = plan.geometry(self.programs.modes)
        g = self.geometry
        self.tap = InlineTap(
            ring, self.programs.capture_targets(), self.out.device.index, self.out.queue,
            frame_size=g.frame_size, rx_size=g.ring_size, fill_size=g.ring_size, tx_size=g.ring_size,
            snaplen=g.snaplen, count=plan.count, bind_mode=plan.bind_mode,
        )
        cleanup.callback(self.tap.close)
        cleanup.enter_context(zero_copy_tx_program(self.out.device, self.tap.out_zerocopy, self.out.attach_modes))
        # Known once bound; kept after release.
        self.zerocopy, self.shared, self.out_zerocopy = self.tap.zerocopy, self.tap.shared, self.tap.out_zerocopy

    def start(self) -> None:
        self.programs.fill_xskmaps(self.tap.xsk_fds())

    def net_role_fds(self) -> list[int]:
        return self.tap.net_role_fds()

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool) -> NoReturn:
        self.tap.enter_net_role(log_fd, sandboxed, selftest)

    def release(self) -> None:
        self.tap.release()

    def banner_lines(self, sandboxed: bool) -> list[str]:
        how = "shared UMEM, no user-space copy" if self.shared else "own UMEM, frames copied"
        note = (f"; forwarding to {self.out.device.name} queue {self.out.queue} "
                f"(AF_XDP {'zero-copy' if self.out_zerocopy else 'copy'}, {how})")
        lines = self.programs.banner_lines(self.geometry, self.zerocopy, note, sandboxed)
        if self.tap.share_error:
            lines.append(f"xdpdump: {self.out.device.name}: the kernel refused to share the UMEM "
                         f"({self.tap.share_error}); copying")
        return lines

    def stats(self) -> CaptureStats:
        return self.tap.stats()

    def filter_counters(self) -> list[dict[str, int]]:
        return self.programs.counters()

    def summary_lines(self, verbose: int) -> list[str]:
        return tap_summary(self.out.device.name, self.tap.counters(), verbose)

    def transmit_counters(self) -> TapCounters | None:
        return self.tap.counters()

    @property
    def privileges_to_close(self) -> list[str]:
        return self.programs.privileges_to_close


def tap_summary(out: str, tc: TapCounters, verbose: int) -> list[str]:
    errors = f"{tc.tx_errors} tx error{'' if tc.tx_errors == 1 else 's'}"
    lines = [f"{packets(tc.forwarded)} forwarded to {out}", errors]
    if tc.in_flight:
        lines.append(f"{packets(tc.in_flight)} still queued on {out} at exit (not sent)")
    if verbose:
        lines += [
            f"  {tc.tx_queued} put on {out}'s TX ring, {tc.copied} of them copied, {tc.kicks} sendto wake-ups",
            f"  {tc.out_xdp.tx_invalid_descs} tx_invalid_descs",
            f"  {tc.out_xdp.tx_ring_empty_descs} tx_ring_empty_descs",
        ]
    return lines
