"""`xdpdump -i IN --forward OUT [EXPR]`: the inline tap, as a pipeline of the live capture.

Owns what a forward adds to a capture: checking IN and OUT, opening the producer (xsk.Forwarder: IN's
sockets plus a TX socket on OUT queue 0, the pass program zero-copy TX needs on OUT), the banner's
"forwarding to" note and the summary's forwarded and tx-error lines. Everything else (supervisor,
sandboxed net and archive roles, printing, stopping, tcpdump's summary) is live.py's, unchanged.

Frames the capture program redirects from IN (those EXPR matches, or all but SSH without EXPR) are
written (-w) or printed as usual and transmitted out of OUT by the net role's native loop. OUT's
socket shares the capture's UMEM (XDP_SHARED_UMEM) where the kernel allows it, so a frame goes from
IN's RX ring onto OUT's TX ring without a copy and comes back to IN's fill ring through OUT's
completion ring; otherwise frames are copied into OUT's own UMEM. Frames EXPR does not match never
leave IN's stack. The summary adds, to tcpdump's three lines, the frames forwarded (completed on OUT)
and OUT's tx errors (descriptors the kernel refused), read from the record ring's shared region.
"""

from __future__ import annotations

import argparse
import contextlib

from xdpdump import live, netdev
from xdpdump.errors import UserError
from xdpdump.replay import tx_program_if_needed
from xdpdump.xsk import Capture, CaptureTarget, ForwardCounters, Forwarder

OUT_QUEUE = 0


class ForwardPipeline(live.Pipeline):
    """The live capture of IN with every captured frame also sent out of OUT."""

    def __init__(self, out: netdev.Device) -> None:
        self.out = out

    def open(self, targets: list[CaptureTarget], args: argparse.Namespace,
             cleanup: contextlib.ExitStack) -> Capture:
        fwd = Forwarder(targets, self.out.index, OUT_QUEUE, **live.source_options(args))
        cleanup.callback(fwd.close)
        cleanup.enter_context(tx_program_if_needed(self.out, fwd.out_zerocopy, args.mode))
        return fwd

    def banner_note(self, source: Capture) -> str:
        assert isinstance(source, Forwarder)
        how = "shared UMEM, no user-space copy" if source.shared else "own UMEM, frames copied"
        return (f"; forwarding to {self.out.name} queue {OUT_QUEUE} "
                f"(AF_XDP {'zero-copy' if source.out_zerocopy else 'copy'}, {how})")

    def banner_lines(self, source: Capture) -> list[str]:
        assert isinstance(source, Forwarder)
        if not source.share_error:
            return []
        return [f"xdpdump: {self.out.name}: the kernel refused to share the UMEM ({source.share_error}); copying"]

    def summary_lines(self, source: Capture, verbose: int) -> list[str]:
        assert isinstance(source, Forwarder)
        return forward_summary(self.out.name, source.counters(refresh=False), verbose)


def forward(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.interfaces))
    if len(names) != 1:
        raise UserError("--forward takes exactly one input interface (-i IN)", status=2)
    device = netdev.lookup(names[0])
    netdev.require_up(device)
    out_dev = netdev.lookup(args.forward)
    netdev.require_up(out_dev)
    if out_dev.index == device.index:
        raise UserError(f"cannot forward {device.name} to itself")
    return live.run(args, ForwardPipeline(out_dev))


def forward_summary(out: str, fc: ForwardCounters, verbose: int) -> list[str]:
    lines = [f"{fc.forwarded} packets forwarded to {out}", f"{fc.tx_errors} tx errors"]
    if fc.in_flight:
        lines.append(f"{fc.in_flight} packets still queued on {out} at exit (not sent)")
    if verbose:
        lines += [
            f"  {fc.tx_queued} put on {out}'s TX ring, {fc.copied} of them copied, {fc.kicks} sendto wake-ups",
            f"  {fc.out_xdp.tx_invalid_descs} tx_invalid_descs",
            f"  {fc.out_xdp.tx_ring_empty_descs} tx_ring_empty_descs",
        ]
    return lines
