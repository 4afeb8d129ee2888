"""A live capture, start to end, as a supervisor and sandboxed roles.

Owns the order of things, for a plain capture and for the inline tap alike (a ``Pipeline`` says
which: forward.py's adds OUT). Set-up (privileged, in the supervisor): compile the filter, attach one
capture program per interface (held by BPF links), create the AF_XDP sockets and put them in each
program's XSKMAP, open the output and log files, compile the role policies. Then fork:

- net role: owns the XDP sockets (and, forwarding, OUT's); native loop RX ring -> shared record ring,
  fill ring refills, OUT's TX and completion rings, XDP_STATISTICS into shared counters;
- archive role (with -w): owns the output file; native loop records -> pcap/pcapng;

and the supervisor itself drops its capabilities, installs its own filter, prints (the only place
Python touches a packet) and watches the roles. Stop (-c, Ctrl-C, SIGTERM, a dead role): the stop
flag in shared memory, the net role drains what had arrived, flushes a forward's TX (bounded) and
publishes final counters, the writer flushes and fsyncs, the programs are detached, and the summary
is printed as tcpdump prints it (plus what the pipeline adds).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xdpdump import capture_program, log, netdev, report
from xdpdump.capture_setup import (
    OwnedFd,
    StopSignals,
    filter_source,
    open_output,
    ring_bytes,
    rx_queues,
    umem_geometry,
)
from xdpdump.offline import print_options
from xdpdump.printer import Printer
from xdpdump.roles import confine
from xdpdump.roles.policies import role_filter
from xdpdump.roles.process import RoleProcess, spawn_role
from xdpdump.sandbox.install import install_filter
from xdpdump.xsk import Capture, CaptureTarget, PacketConsumer

IDLE_POLL_MS = 100  # how long a quiet supervisor waits before re-checking for a stop
# The net role's kernel rings hold a few milliseconds of traffic (8192 frames: 5.5 ms at 1.5 Mpps),
# the record ring behind it tens of milliseconds: on a shared CPU the net role must run first.
NET_NICE = -5  # set while the role still has CAP_SYS_NICE, before it drops its capabilities
ROLE_EXIT_TIMEOUT_S = 30  # a role that has not finished this long after the stop flag is killed


@dataclass
class Interface:
    device: netdev.Device
    slot: int
    queues: list[int]
    program: capture_program.CaptureProgram | None = None


def source_options(args: argparse.Namespace) -> dict[str, Any]:
    """The command-line options every producer (Capture, Forwarder) takes the same way."""
    return {
        "mode": args.bind_mode or "auto", "ring_size": args.ring_size, "frame_size": args.frame_size,
        "snaplen": args.snaplen, "count": args.count or 0, "ring_bytes": ring_bytes(args.buffer_kib),
    }


class Pipeline:
    """What a live run produces from: by default a plain capture. The supervisor (run) treats every
    pipeline alike; a subclass (forward.py) opens another producer and adds to banner and summary."""

    def open(self, targets: list[CaptureTarget], args: argparse.Namespace,
             cleanup: contextlib.ExitStack) -> Capture:
        """The producer, its close (and anything else it holds) registered with cleanup."""
        cap = Capture(targets, **source_options(args))
        cleanup.callback(cap.close)
        return cap

    def banner_note(self, source: Capture) -> str:
        """Appended to each interface's `xdpdump: DEV: ...` line (read before the sockets are released)."""
        return ""

    def banner_lines(self, source: Capture) -> list[str]:
        """Extra stderr lines after the banner."""
        return []

    def summary_lines(self, source: Capture, verbose: int) -> list[str]:
        """Extra summary lines, read from shared memory once the roles have exited."""
        return []


def capture(args: argparse.Namespace) -> int:
    return run(args, Pipeline())


def run(args: argparse.Namespace, pipeline: Pipeline) -> int:
    names = list(dict.fromkeys(args.interfaces))
    interfaces = []
    for slot, name in enumerate(names):
        device = netdev.lookup(name)
        netdev.require_up(device)
        interfaces.append(Interface(device, slot, rx_queues(device, args.queue)))
    filter_c, filter_note = filter_source(args)
    sandboxed = not args.no_sandbox
    stop = StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        # Files first: a bad path costs nothing, and nothing is attached yet.
        log_fd = log.open_log_file(args.log_file) if args.log_file else None
        if log_fd is not None:
            cleanup.callback(os.close, log_fd)
        logger = log.configure(log_fd)
        out_fd = open_output(args.write) if args.write else None
        out = OwnedFd(out_fd) if out_fd is not None else None
        if out is not None:
            cleanup.callback(out.close)

        for itf in interfaces:
            mode = "skb" if itf.device.name == "lo" else args.mode
            itf.program = capture_program.attach_capture(itf.device, filter_c, mode, args.force)
            cleanup.callback(itf.program.close)
            logger.info("attached %s to %s in %s mode (%s)", capture_program.PROGRAM_FUNCTION, itf.device.name,
                        itf.program.mode, "BPF link" if itf.program.link_fd is not None else "netlink")
        args.frame_size, args.ring_size = umem_geometry(
            [i.device for i in interfaces], [i.program.mode for i in interfaces if i.program is not None],
            args.frame_size, args.ring_size,
        )
        targets = [CaptureTarget(i.device.index, q, i.slot) for i in interfaces for q in i.queues]
        cap = pipeline.open(targets, args, cleanup)
        # Consumers register before the first frame can arrive: they see every record.
        writer = cap.add_writer(out_fd, "pcapng" if args.pcapng else "pcap", names) if out_fd is not None else None
        consumer = cap.add_printer() if writer is None else None
        for target, fd in cap.xsk_fds():
            interfaces[target.ifslot].program.add_socket(target.queue, fd)  # type: ignore[union-attr]

        roles: list[RoleProcess] = []
        cleanup.callback(_stop_roles, cap, roles)  # registered first: a role forked is a role stopped
        _spawn_roles(roles, cap, writer, out_fd, log_fd, sandboxed, args.sandbox_selftest)
        # What the banner says is known from the sockets, which the release below lets go of.
        note, extra = pipeline.banner_note(cap), pipeline.banner_lines(cap)
        # The roles hold their own copies: the supervisor keeps no way to the sockets, the frames in
        # UMEM or the capture file, only the shared record ring (to print) and counters.
        cap.release_sockets()
        if out is not None:
            out.close()
        _banner(interfaces, cap.snaplen, cap.zerocopy, filter_note + note, sandboxed, extra)
        logger.info("capturing on %s: %s", ", ".join(names), ", ".join(f"{r.name} pid {r.pid}" for r in roles))
        if sandboxed:
            _sandbox_supervisor(interfaces, log_fd)

        printer = Printer(print_options(args)) if consumer is not None else None
        ifnames = names if len(names) > 1 else None
        failed = _supervise(cap, roles, stop, consumer, printer, ifnames)
        if consumer is not None and printer is not None:
            _stop_roles(cap, roles, lambda: _print(consumer.read(max_packets=512, timeout_ms=10), printer, ifnames))
            _drain_printer(consumer, printer, ifnames)
        else:
            _stop_roles(cap, roles)
        stats = cap.stats(refresh=False)
        more = pipeline.summary_lines(cap, args.verbose)
        counters = [i.program.counters() for i in interfaces if i.program is not None]
        failed = failed or [r for r in roles if r.failed]
        for role in failed:
            logger.error("%s", role.describe_end())
        if stats.dropped:  # while the log file is still open
            logger.warning("the kernel dropped %d packets it could not deliver (-v lists the reasons)", stats.dropped)
    # Programs are detached and files closed (ExitStack) before the summary, as tcpdump does.
    report.print_summary(stats, counters, names, args.verbose, more)
    return 1 if failed else 0


def _spawn_roles(roles: list[RoleProcess], cap: Capture, writer, out_fd: int | None, log_fd: int | None,
                 sandboxed: bool, selftest: str | None) -> None:
    """Fork the roles into `roles` one by one, so whatever fails halfway still stops those forked."""
    log_target = log_fd if log_fd is not None else 2
    owned_log = {log_fd} if log_fd is not None else set()
    xsk = cap.net_role_fds()  # any holes in the range are closed in the role, which can open nothing
    net_filter = role_filter("net", logfile_fd=log_target, xsk_fd_first=xsk[0], xsk_fd_last=xsk[-1]) \
        if sandboxed else None
    roles.append(spawn_role("net", set(xsk) | owned_log,
                            lambda: cap.enter_net_role(net_filter, log_target, selftest == "net"), nice=NET_NICE))
    if writer is not None:
        assert out_fd is not None
        archive_filter = role_filter("archive", logfile_fd=log_target, archive_fd=out_fd) if sandboxed else None
        roles.append(spawn_role("archive", {out_fd} | owned_log,
                                lambda: writer.enter_archive_role(out_fd, archive_filter, log_target,
                                                                  selftest == "archive")))
        cap.disown_writer()  # the archive role owns the file now; this copy must never write


def _sandbox_supervisor(interfaces: list[Interface], log_fd: int | None) -> None:
    """What the supervisor no longer needs after forking: capabilities, and every system call but
    its policy's. Where a program is held by netlink instead of a link, or --force replaced a program
    that must be put back, the end needs CAP_NET_ADMIN and a netlink socket: that supervisor stays
    unconfined (and says so)."""
    if any(i.program is not None and i.program.needs_privileges_to_close for i in interfaces):
        log.get().warning("the supervisor stays unsandboxed: detaching by netlink (no BPF links on this "
                          "kernel) or putting back the program --force replaced needs its privileges")
        return
    # glibc's localtime re-reads /etc/localtime unless TZ is set; pin it while files can be opened.
    os.environ.setdefault("TZ", ":/etc/localtime")
    time.tzset()
    time.localtime()
    confine.drop_capabilities()
    filt = role_filter("supervisor", logfile_fd=log_fd if log_fd is not None else 2)
    install_filter(filt, tsync=True)


def _supervise(cap: Capture, roles: list[RoleProcess], stop: StopSignals, consumer: PacketConsumer | None,
               printer: Printer | None, ifnames: list[str] | None) -> list[RoleProcess]:
    """Print (or just wait) until a stop request or a role ends; returns the roles that failed."""
    net = roles[0]
    while stop.requested is None:
        if consumer is not None and printer is not None:
            batch = consumer.read(max_packets=512, timeout_ms=IDLE_POLL_MS)
            if batch and not _print(batch, printer, ifnames):
                break  # stdout is gone (`| head`): stop as tcpdump does
        else:
            time.sleep(IDLE_POLL_MS / 1000)
        ended = [r for r in roles if not r.running]
        if any(r.failed for r in ended):
            return [r for r in ended if r.failed]
        if net in ended:
            break  # the count was reached
    return []


def _stop_roles(cap: Capture, roles: list[RoleProcess], keep_consuming: Callable[[], object] | None = None) -> None:
    """Raise the stop flag and wait for each role; kill one that does not finish.

    The net role drains what the kernel already delivered before it exits, which needs room in the
    record ring: keep_consuming (the printer) goes on reading meanwhile, or the two would wait on
    each other until the role's drain deadline.
    """
    cap.request_stop()
    for role in roles:
        deadline = time.monotonic() + ROLE_EXIT_TIMEOUT_S
        while role.poll() is None and time.monotonic() < deadline:
            if keep_consuming is not None:
                keep_consuming()
            else:
                time.sleep(0.01)
        if role.poll() is None:
            role.kill()
        if role.name == "net" and role.failed:
            # A dead producer never says it is done; say it so the writer can finish.
            cap.ring.producer_done()


def _drain_printer(consumer: PacketConsumer, printer: Printer, ifnames: list[str] | None) -> None:
    for _ in range(100000):
        batch = consumer.read(max_packets=512)
        if not batch or not _print(batch, printer, ifnames):
            return


def _print(batch, printer: Printer, ifnames: list[str] | None) -> bool:
    """Print a batch; False when stdout is closed."""
    if sys.stdout is None:
        return False
    try:
        out = sys.stdout
        for p in batch:
            out.write(printer.format(p.ts_ns, p.data, p.wire_len, ifnames[p.ifslot] if ifnames else None) + "\n")
        out.flush()
    except BrokenPipeError:
        # No file may be opened under the sandbox, so stdout cannot be pointed at /dev/null: stop
        # writing to it instead, and let the interpreter's exit find nothing to flush.
        with contextlib.suppress(OSError):
            os.close(sys.stdout.fileno())
        sys.stdout = None  # type: ignore[assignment]
        return False
    return True


def _banner(interfaces: list[Interface], snaplen: int, zerocopy: bool, note: str, sandboxed: bool,
            extra: list[str]) -> None:
    err = sys.stderr
    for itf in interfaces:
        assert itf.program is not None
        qs = itf.queues
        queues = f"queue {qs[0]}" if len(qs) == 1 else f"queues {qs[0]}-{qs[-1]}"
        err.write(
            f"listening on {itf.device.name}, link-type EN10MB (Ethernet), snapshot length {snaplen} bytes\n"
            f"xdpdump: {itf.device.name}: XDP {itf.program.mode} mode, AF_XDP "
            f"{'zero-copy' if zerocopy else 'copy'}, {queues}; {note}"
            f"{'' if sandboxed else '; NOT sandboxed (--no-sandbox)'}\n"
        )
    for line in extra:
        err.write(line + "\n")
    err.flush()
