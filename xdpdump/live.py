"""A live capture, start to end: set up, move frames, stop cleanly, print the summary.

Owns the order of things. Set-up: compile the filter, attach one capture program per interface (held
by BPF links), create the AF_XDP sockets and put them in each program's XSKMAP, open the output.
Steady state: the native capture step moves frames into the record ring, the native writer turns
them into pcap records; Python only formats the frames it prints. Stop (-c, Ctrl-C, SIGTERM): drain
the rings, flush, detach, then report as tcpdump does, with the kernel's drop reasons under -v.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from xdpdump import capture_program, netdev
from xdpdump.errors import UserError
from xdpdump.offline import print_options
from xdpdump.printer import Printer
from xdpdump.xsk import Capture, CaptureStats, CaptureTarget

IDLE_POLL_MS = 100  # how long a quiet capture sleeps in poll() before re-checking for a stop


@dataclass
class Interface:
    device: netdev.Device
    slot: int
    queues: list[int]
    program: capture_program.CaptureProgram | None = None


def _queues(device: netdev.Device, wanted: str) -> list[int]:
    if wanted == "all":
        return list(range(device.rx_queues))
    q = int(wanted)
    if q >= device.rx_queues:
        raise UserError(f"{device.name} has {device.rx_queues} rx queue(s); there is no queue {q}")
    return [q]


def _filter_source(args: argparse.Namespace) -> tuple[str, str]:
    """The C text defining xdpd_filter, and how the banner describes it."""
    if args.expression:
        from xdpdump.filter import compile_filter

        return compile_filter(args.expression, args.snaplen).c_source(), f"filter '{args.expression}' in XDP"
    if args.capture_ssh:
        return capture_program.default_filter_source(capture_ssh=True), "no filter"
    return (
        capture_program.default_filter_source(capture_ssh=False),
        "TCP port 22 left to the stack (--capture-ssh to capture it)",
    )


class _StopSignals:
    """Ctrl-C and SIGTERM ask the loop to stop; the loop notices within IDLE_POLL_MS."""

    def __init__(self) -> None:
        self.requested: str | None = None

    def _handler(self, signum: int, _frame: object) -> None:
        self.requested = signal.Signals(signum).name

    @contextlib.contextmanager
    def installed(self) -> Iterator[_StopSignals]:
        previous = {s: signal.signal(s, self._handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for s, h in previous.items():
                signal.signal(s, h)


def _ring_bytes(kib: int) -> int:
    """-B in KiB, rounded up to the power of two the record ring's index masks need (>= 64 KiB)."""
    return max(64 << 10, 1 << (kib * 1024 - 1).bit_length())


def _open_output(path: str) -> int:
    if path == "-":
        return os.dup(sys.stdout.fileno())
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise UserError(f"{path}: {e.strerror}") from e


def capture(args: argparse.Namespace) -> int:
    names = list(dict.fromkeys(args.interfaces))
    interfaces = []
    for slot, name in enumerate(names):
        device = netdev.lookup(name)
        netdev.require_up(device)
        interfaces.append(Interface(device, slot, _queues(device, args.queue)))
    filter_c, filter_note = _filter_source(args)
    printer = None if args.write else Printer(print_options(args))
    out_fd = None
    stop = _StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        if args.write:  # before anything is attached: a bad path costs nothing
            out_fd = _open_output(args.write)
            cleanup.callback(os.close, out_fd)
        for itf in interfaces:
            mode = "skb" if itf.device.name == "lo" else args.mode
            itf.program = capture_program.attach_capture(itf.device, filter_c, mode, args.force)
            cleanup.callback(itf.program.close)
        targets = [CaptureTarget(i.device.index, q, i.slot) for i in interfaces for q in i.queues]
        cap = Capture(
            targets, mode=args.bind_mode or "auto", ring_size=args.ring_size, frame_size=args.frame_size,
            snaplen=args.snaplen, count=args.count or 0, ring_bytes=_ring_bytes(args.buffer_kib),
        )
        cleanup.callback(cap.close)
        for target, fd in cap.xsk_fds():
            interfaces[target.ifslot].program.add_socket(target.queue, fd)  # type: ignore[union-attr]
        if args.write:
            cap.add_writer(out_fd, "pcapng" if args.pcapng else "pcap", names)
        consumer = cap.add_printer() if printer is not None else None
        _banner(interfaces, cap, filter_note)

        shown_ifname = len(interfaces) > 1
        printed = 0
        while stop.requested is None and not cap.done:
            cap.pump(timeout_ms=IDLE_POLL_MS)
            if consumer is not None:
                printed += _print(consumer.read(max_packets=512), printer, names if shown_ifname else None)
        stats = cap.finish()
        if consumer is not None:
            while batch := consumer.read(max_packets=512):
                printed += _print(batch, printer, names if shown_ifname else None)
        counters = [i.program.counters() for i in interfaces if i.program is not None]
    # Programs are detached and the file closed (ExitStack) before the summary, as tcpdump does.
    _summary(stats, counters, names, args.verbose)
    return 0


def _print(batch, printer: Printer, ifnames: list[str] | None) -> int:
    out = sys.stdout
    for p in batch:
        out.write(printer.format(p.ts_ns, p.data, p.wire_len, ifnames[p.ifslot] if ifnames else None) + "\n")
    if batch:
        out.flush()
    return len(batch)


def _banner(interfaces: list[Interface], cap: Capture, filter_note: str) -> None:
    err = sys.stderr
    for itf in interfaces:
        assert itf.program is not None
        qs = itf.queues
        queues = f"queue {qs[0]}" if len(qs) == 1 else f"queues {qs[0]}-{qs[-1]}"
        err.write(
            f"listening on {itf.device.name}, link-type EN10MB (Ethernet), snapshot length {cap.snaplen} bytes\n"
            f"xdpdump: {itf.device.name}: XDP {itf.program.mode} mode, AF_XDP "
            f"{'zero-copy' if cap.zerocopy else 'copy'}, {queues}; {filter_note}\n"
        )
    err.flush()


def _summary(stats: CaptureStats, counters: list[dict[str, int]], names: list[str], verbose: int) -> None:
    kernel = stats.kernel
    matched = sum(c["matched"] for c in counters)
    lines = [
        f"{stats.captured} packets captured",
        f"{matched} packets received by filter",
        f"{kernel.dropped} packets dropped by kernel",
    ]
    if verbose:
        lines += [f"  {n} {reason}" for reason, n in kernel.by_reason().items()]
        passed = sum(c["passed"] for c in counters)
        lines.append(f"{passed} frames left to the stack (not matched, or no socket on their queue)")
        lines += [
            f"{names[s.ifslot]} queue {s.queue}: {s.captured} captured, {s.xdp.dropped} dropped"
            for s in stats.sockets
        ]
    sys.stderr.write("\n".join(lines) + "\n")
