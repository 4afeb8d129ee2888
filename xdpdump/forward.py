"""`xdpdump -i IN --forward OUT [EXPR]`: the inline tap, from set-up to summary.

Owns the order of things for a forward; the pieces are the live capture's (capture program, filter,
stop signals, printer, summary) and the native forward loop (native/forward.c via xsk.Forwarder).
Frames the capture program redirects from IN (those EXPR matches, or all but SSH without EXPR) are
written (-w) or printed as usual and transmitted out of OUT through an AF_XDP socket on OUT queue 0.
That socket shares the capture's UMEM (XDP_SHARED_UMEM) where the kernel allows it, so a frame goes
from IN's RX ring onto OUT's TX ring without a copy and comes back to IN's fill ring through OUT's
completion ring; otherwise frames are copied into OUT's own UMEM. Frames EXPR does not match never
leave IN's stack. The summary adds, to tcpdump's three lines, the frames forwarded (completed on
OUT) and OUT's tx errors (descriptors the kernel refused).

The forward runs in one process (not in the sandboxed roles of a plain capture).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

from xdpdump import capture_program, log, netdev
from xdpdump.capture_setup import StopSignals, filter_source, open_output, ring_bytes, rx_queues
from xdpdump.errors import UserError
from xdpdump.offline import print_options
from xdpdump.printer import Printer
from xdpdump.replay import tx_program_if_needed
from xdpdump.report import print_summary
from xdpdump.xsk import CaptureTarget, ForwardCounters, Forwarder

IDLE_POLL_MS = 100
OUT_QUEUE = 0
TX_DRAIN_MS = 1000  # how long the end of a forward waits for OUT to complete what it was given


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
    queues = rx_queues(device, args.queue)
    filter_c, filter_note = filter_source(args)
    printer = None if args.write else Printer(print_options(args))
    stop = StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        log_fd = log.open_log_file(args.log_file) if args.log_file else None
        if log_fd is not None:
            cleanup.callback(os.close, log_fd)
        log.configure(log_fd)
        out_fd = None
        if args.write:  # before anything is attached: a bad path costs nothing
            out_fd = open_output(args.write)
            cleanup.callback(os.close, out_fd)
        mode = "skb" if device.name == "lo" else args.mode
        program = capture_program.attach_capture(device, filter_c, mode, args.force)
        cleanup.callback(program.close)
        fwd = Forwarder(
            [CaptureTarget(device.index, q, 0) for q in queues], out_dev.index, OUT_QUEUE,
            mode=args.bind_mode or "auto", ring_size=args.ring_size, frame_size=args.frame_size,
            snaplen=args.snaplen, count=args.count or 0, ring_bytes=ring_bytes(args.buffer_kib),
        )
        cleanup.callback(fwd.close)
        cleanup.enter_context(tx_program_if_needed(out_dev, fwd.out_zerocopy, args.mode))
        for target, fd in fwd.xsk_fds():
            program.add_socket(target.queue, fd)
        if out_fd is not None:
            fwd.add_writer(out_fd, "pcapng" if args.pcapng else "pcap", names)
        consumer = fwd.add_printer() if printer is not None else None
        _banner(device.name, out_dev.name, program.mode, queues, fwd, filter_note)

        while stop.requested is None and not fwd.done:
            fwd.pump(timeout_ms=IDLE_POLL_MS)
            if consumer is not None:
                _print(consumer.read(max_packets=512), printer)
        stats = fwd.finish(tx_timeout_ms=TX_DRAIN_MS)
        if consumer is not None:
            while batch := consumer.read(max_packets=512):
                _print(batch, printer)
        fc = fwd.counters()
        counters = [program.counters()]
    print_summary(stats, counters, names, args.verbose)
    _forward_summary(out_dev.name, fc, args.verbose)
    return 0


def _print(batch, printer: Printer | None) -> None:
    if not batch or printer is None:
        return
    out = sys.stdout
    for p in batch:
        out.write(printer.format(p.ts_ns, p.data, p.wire_len, None) + "\n")
    out.flush()


def _banner(name: str, out: str, xdp_mode: str, queues: list[int], fwd: Forwarder, filter_note: str) -> None:
    qs = f"queue {queues[0]}" if len(queues) == 1 else f"queues {queues[0]}-{queues[-1]}"
    how = "shared UMEM, no user-space copy" if fwd.shared else "own UMEM, frames copied"
    sys.stderr.write(
        f"listening on {name}, link-type EN10MB (Ethernet), snapshot length {fwd.snaplen} bytes\n"
        f"xdpdump: {name}: XDP {xdp_mode} mode, AF_XDP {'zero-copy' if fwd.zerocopy else 'copy'}, {qs}; "
        f"{filter_note}; forwarding to {out} queue {OUT_QUEUE} "
        f"(AF_XDP {'zero-copy' if fwd.out_zerocopy else 'copy'}, {how}); NOT sandboxed (one process)\n"
    )
    if fwd.share_error:
        sys.stderr.write(f"xdpdump: {out}: the kernel refused to share the UMEM ({fwd.share_error}); copying\n")
    sys.stderr.flush()


def _forward_summary(out: str, fc: ForwardCounters, verbose: int) -> None:
    lines = [f"{fc.forwarded} packets forwarded to {out}", f"{fc.tx_errors} tx errors"]
    if fc.in_flight:
        lines.append(f"{fc.in_flight} packets still queued on {out} at exit (not sent)")
    if verbose:
        lines += [
            f"  {fc.tx_queued} put on {out}'s TX ring, {fc.copied} of them copied, {fc.kicks} sendto wake-ups",
            f"  {fc.out_xdp.tx_invalid_descs} tx_invalid_descs",
            f"  {fc.out_xdp.tx_ring_empty_descs} tx_ring_empty_descs",
        ]
    sys.stderr.write("\n".join(lines) + "\n")
