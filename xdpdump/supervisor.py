"""A live capture, start to end: the supervisor executes a CapturePlan with sandboxed roles.

Owns the order of things, the same for every producer (producers/: the AF_XDP capture, the inline
tap). Set-up, privileged, in this process: open the log and output files (a bad path costs nothing:
nothing is attached yet), make the shared record ring, open the producer (its programs attached and
sockets bound, XSKMAPs still empty), register the consumers and write the file header (before any
frame can be taken, so they see every record and an unwritable file takes nothing), then start the
producer (XSKMAPs filled).
Then fork:

- net role: owns the producer's sockets; its native loop fills the record ring (producers/);
- archive role (with -w): owns the output file; native loop records -> pcap/pcapng;
- metrics role (--metrics), gui role (--gui): each owns a listening socket opened here in set-up;
  native HTTP loops serving from shared memory (the record ring and the metrics region, which the
  supervisor publishes into between printed batches: live_feed.py);

and the supervisor lets go of the sockets, UMEMs and file, drops its capabilities, installs its own
seccomp filter, prints (the only place Python touches a packet) and watches the roles and the devices
(link_watch: rtnetlink link events). Stop (-c, Ctrl-C, SIGTERM, a dead role, a device that disappeared,
as tcpdump's "The interface disappeared", exit status 1): the stop flag in shared memory; the net role
drains what had arrived and publishes its final counters; the writer flushes and fsyncs; the programs
are detached; and the summary is printed as tcpdump prints it, plus what the producer adds.

A metrics or gui role that dies is reported (a warning, at once) and the capture goes on without it:
what they serve is a view of the capture, never part of it. It is not restarted: the sandboxed
supervisor can neither fork nor reach the listening socket it let go of, and a role the kernel killed
for a forbidden call would only be killed again. Only its self-test (--sandbox-selftest metrics|gui)
ends the capture, as any role's self-test does.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import time
from collections.abc import Callable

from xdpdump import __version__, log, report
from xdpdump.link_watch import LinkWatch
from xdpdump.live_feed import LiveFeed
from xdpdump.output_files import OutputDir, open_output, open_output_dir, rotation_for
from xdpdump.plan import LISTENER_ROLES, CapturePlan, ProducerKind
from xdpdump.post_rotate import PostRotate
from xdpdump.printer import Printer
from xdpdump.printer.escape import visible
from xdpdump.producers import Producer, open_producer
from xdpdump.promisc import Promiscuous
from xdpdump.roles import confine
from xdpdump.roles.identity import Identity, archive_identity, role_identity_note
from xdpdump.roles.listener import bound_port, open_listener
from xdpdump.roles.process import RoleProcess, spawn_role
from xdpdump.sandbox.install import install_seccomp
from xdpdump.stop_signals import StopSignals
from xdpdump.xsk import (
    ArchiveWriter,
    MetricsRegion,
    Packet,
    PacketConsumer,
    RecordRing,
    RegionInfo,
    supervisor_filter,
)
from xdpdump.xsk._native import lib
from xdpdump.xsk.record_ring import DIRECTION_OUT
from xdpdump.xsk.rotation import landlock_abi

IDLE_POLL_MS = 100  # how long a quiet supervisor waits before re-checking for a stop
# The net role's kernel rings hold a few milliseconds of traffic (8192 frames: 5.5 ms at 1.5 Mpps),
# the record ring behind it tens of milliseconds: on a shared CPU the net role must run first.
NET_NICE = -5  # set while the role still has CAP_SYS_NICE, before it drops its capabilities
ROLE_EXIT_TIMEOUT_S = 30  # a role that has not finished this long after the stop flag is killed
PRINT_BATCH = 512
LISTENER_SPARE_FDS = lib.XDPD_HTTP_MAX_CONNS + 2  # a listener role's connections, beyond its own descriptors


class OwnedFd:
    """A descriptor closed exactly once, early or at cleanup (a second close could hit a reused number)."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def run_capture(plan: CapturePlan) -> int:
    """Execute plan; returns the exit status (0, or 1 when a role failed)."""
    names = plan.interface_names
    if plan.outputs.line_buffered:
        sys.stdout.reconfigure(line_buffering=True)  # -l: each line written as it is printed
    stop = StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        log_fd = log.open_log_file(plan.outputs.log_file) if plan.outputs.log_file else None
        if log_fd is not None:
            cleanup.callback(os.close, log_fd)
        logger = log.configure(log_fd)
        files = plan.outputs.rotation  # -C/-G/--rename-at-close: the archive role makes its files
        out = OwnedFd(open_output(plan.outputs.write)) if plan.outputs.write is not None and not files else None
        if out is not None:
            cleanup.callback(out.close)
        outdir, helper = _open_output_dir(plan, cleanup) if files else (None, None)
        archive_who = archive_identity(outdir.fd if outdir else None, plan.outputs.write or "")
        listeners = _open_listeners(plan, cleanup)  # a port taken costs nothing yet: nothing is attached
        if plan.promiscuous:  # as tcpdump, unless -p; the kernel lets go if this process dies
            cleanup.callback(Promiscuous((t.device.index, t.device.name) for t in plan.targets).close)

        # Subscribed before anything is attached: a device gone from here on is noticed.
        watch = LinkWatch(plan.devices)
        cleanup.callback(watch.close)
        stderr_is_terminal = sys.stderr.isatty()  # asked now: the sandbox allows no ioctl

        ring = RecordRing(plan.record_ring_bytes)
        cleanup.callback(ring.close)
        producer = open_producer(plan, ring, cleanup)
        writer = None
        if out is not None or outdir is not None:
            # The file header carries the snap length, which auto mode knows only once the programs
            # are attached; it is written here, before producer.start(): the programs are attached
            # but their XSKMAPs are empty, so every frame still goes to the stack and nothing is
            # taken. A target that cannot be written fails here in one line, and cleanup detaches.
            label = "stdout" if plan.outputs.write == "-" else plan.outputs.write
            rotation = (rotation_for(files, outdir, helper.notify_fd if helper and helper.notify_fd else -1)
                        if files and outdir else None)
            writer = ArchiveWriter(ring, out.fd if out and out.fd is not None else -1, plan.outputs.file_format,
                                   producer.geometry.snaplen, names, label=label,
                                   unbuffered=plan.outputs.unbuffered, rotation=rotation,
                                   nano=plan.outputs.ts_precision == "nano")
            cleanup.callback(writer.close)
            if rotation is not None:  # the first file is made here; the archive role's user owns them all
                os.fchown(writer.fd, archive_who.uid, archive_who.gid)
        consumer = ring.consumer() if plan.outputs.prints else None
        region = _metrics_region(plan, producer, writer, cleanup) if listeners else None
        # The feed is made from what is printed: with -w there is none, and the page says so.
        feed = (LiveFeed(region, producer, gui="gui" in listeners and plan.outputs.prints)
                if region is not None else None)
        producer.start()

        roles: list[RoleProcess] = []
        cleanup.callback(_stop_roles, ring, roles)  # registered first: a role forked is a role stopped
        _spawn_roles(plan, roles, producer, writer, out, log_fd, listeners, region, ring, archive_who)
        confine.not_dumpable()  # set-up done: nothing of this process may be read by ptrace or a core
        if feed is not None:
            feed.publish(roles, force=True)  # live from the first request, before the banner says where
        # read from the sockets, released next
        banner = (producer.banner_lines(plan.sandbox.enabled) + _listener_banner(plan, listeners)
                  + archive_banner(plan, landlock_abi()) + (role_identity_note() if plan.verbose else []))
        # The roles hold their own copies: the supervisor keeps no way to the sockets, the frames in
        # UMEM, the capture file or the listeners, only the shared record ring (to print) and counters.
        producer.release()
        if out is not None:
            out.close()
        if outdir is not None:
            os.close(outdir.fd)
        if helper is not None:
            helper.release()  # the archive role holds the pipe's write end now
        for sock in listeners.values():
            sock.close()
        _write_stderr(banner)
        logger.info("capturing on %s: %s", ", ".join(names), ", ".join(f"{r.name} pid {r.pid}" for r in roles))
        # Made before the sandbox: --json's printer imports scapy, which opens files the filter refuses.
        printer = Printer(plan.outputs.print_options) if consumer is not None else None
        if plan.sandbox.enabled:
            assert watch.fd is not None
            _sandbox_supervisor(producer, log_fd, watch.fd, roles)

        ifnames = names if len(names) > 1 else None
        deaths = ListenerDeaths(plan.sandbox.selftest)
        failed = _supervise(roles, stop, consumer, printer, ifnames, watch, feed, deaths)
        if consumer is not None and printer is not None:
            _stop_roles(ring, roles,
                        lambda: _print(consumer.read(PRINT_BATCH, timeout_ms=10), printer, ifnames, feed))
            _drain_printer(consumer, printer, ifnames, feed)
        else:
            _stop_roles(ring, roles)
        deaths.report(roles)
        stats = producer.stats()
        more = producer.summary_lines(plan.verbose)
        if writer is not None and any(r.name == "archive" and r.failed for r in roles):
            # The file was cut back to its last whole record: say what it holds.
            more.append(f"{writer.records_in_file} packets written to {writer.label} before writing it failed")
        counters = producer.filter_counters()
        failed = failed or [r for r in roles if r.failed and not deaths.tolerated(r)]
        for role in failed:
            logger.error("%s", role.describe_end())
        if stats.dropped:  # while the log file is still open
            logger.warning("the kernel dropped %d packets it could not deliver (-v lists the reasons)", stats.dropped)
        if watch.lost_events:
            logger.warning("link events were lost (the kernel's queue overflowed): a device that disappeared "
                           "meanwhile may have gone unnoticed")
        # tcpdump's words, before the summary as tcpdump prints them
        for name in watch.gone:
            logger.error("%s: The interface disappeared", name)
    # Programs are detached and files closed (ExitStack) before the summary, as tcpdump does.
    report.print_summary(stats, counters, names, plan.verbose, more,
                         newline_first=stop.requested == "SIGINT" and stderr_is_terminal)
    return 1 if failed or watch.gone else 0


def _open_listeners(plan: CapturePlan, cleanup: contextlib.ExitStack) -> dict[str, socket.socket]:
    """The listening socket of each listener role asked for (closed at cleanup, or once forked)."""
    listeners = {}
    for name, endpoint in plan.listeners.items():
        sock = open_listener(f"--{name}", endpoint)
        cleanup.callback(sock.close)
        listeners[name] = sock
    return listeners


def _open_output_dir(plan: CapturePlan, cleanup: contextlib.ExitStack) -> tuple[OutputDir, PostRotate | None]:
    """With rotation: -w's directory (the archive role creates its files there), and -z's helper,
    forked now, before any ring, UMEM or socket exists for it to inherit."""
    assert plan.outputs.write is not None and plan.outputs.rotation is not None
    outdir = open_output_dir(plan.outputs.write)
    fd = OwnedFd(outdir.fd)
    cleanup.callback(fd.close)
    helper = None
    if plan.outputs.rotation.command is not None:
        helper = PostRotate.start(plan.outputs.rotation.command, outdir.prefix)
        cleanup.callback(helper.close)
    return outdir, helper


def archive_banner(plan: CapturePlan, landlock: int) -> list[str]:
    """With -v, where the archive role creates files and the kernel has no Landlock: say that only the
    seccomp filter confines them."""
    if not (plan.outputs.rotation and plan.verbose and plan.sandbox.enabled) or landlock:
        return []
    return ["xdpdump: archive role: Landlock is not available in this kernel: only its seccomp filter confines "
            "the files it creates (openat in the -w directory, fixed flags)"]


def _listener_banner(plan: CapturePlan, listeners: dict[str, socket.socket]) -> list[str]:
    """Where each listener role listens, with the port the kernel gave for port 0."""
    lines = []
    for name, endpoint in plan.listeners.items():
        url = endpoint.url(bound_port(listeners[name]), "/metrics" if name == "metrics" else "/")
        where = "" if endpoint.loopback else " (not a loopback address: reachable from other hosts)"
        what = "Prometheus metrics" if name == "metrics" else "live view"
        lines.append(f"xdpdump: {name}: {what} at {url}{where}")
    return lines


def _metrics_region(plan: CapturePlan, producer: Producer, writer: ArchiveWriter | None,
                    cleanup: contextlib.ExitStack) -> MetricsRegion:
    """The shared memory the listener roles serve from, made before they fork."""
    tap = plan.tap_out
    info = RegionInfo(
        version=__version__, kernel=os.uname().release,
        producer={ProducerKind.INLINE_TAP: "tap", ProducerKind.MIRROR: "mirror"}.get(plan.producer, "capture"),
        xdp_mode=",".join(sorted(set(producer.programs.modes))),
        af_xdp_mode="zero-copy" if producer.zerocopy else "copy",
        ifnames=tuple(plan.interface_names),
        roles=(*plan.roles, "supervisor"),
        out_ifname=tap.device.name if tap else "", out_queue=tap.queue if tap else 0,
        writer_slot=writer.consumer_slot if writer is not None else -1,
        printing=plan.outputs.prints,
    )
    region = MetricsRegion(info)
    cleanup.callback(region.close)
    return region


def _spawn_roles(plan: CapturePlan, roles: list[RoleProcess], producer: Producer, writer: ArchiveWriter | None,
                 out: OwnedFd | None, log_fd: int | None, listeners: dict[str, socket.socket],
                 region: MetricsRegion | None, ring: RecordRing, archive_who: Identity | None = None) -> None:
    """Fork the roles into `roles` one by one, so whatever fails halfway still stops those forked.
    archive_who: the user the archive role runs as (roles/identity.py), the role user by default."""
    log_target = log_fd if log_fd is not None else 2
    owned_log = {log_fd} if log_fd is not None else set()
    sandboxed, selftest = plan.sandbox.enabled, plan.sandbox.selftest
    # Any holes in the sockets' fd range are closed in the role, which can open nothing.
    roles.append(spawn_role("net", set(producer.net_role_fds()) | owned_log,
                            lambda: producer.enter_net_role(log_target, sandboxed, selftest == "net"),
                            nice=NET_NICE))
    if writer is not None:
        roles.append(spawn_role("archive", writer.role_fds | owned_log,
                                lambda: writer.enter_archive_role(log_target, sandboxed, selftest == "archive"),
                                who=archive_who))
        writer.disown()  # the archive role owns the file now; this copy must never write
    for name, sock in listeners.items():
        assert region is not None
        fd = sock.fileno()
        def enter(name: str = name, fd: int = fd, region: MetricsRegion = region) -> None:
            region.enter_listener_role(name, ring, fd, log_target, sandboxed, selftest == name)

        roles.append(spawn_role(name, {fd} | owned_log, enter, spare_fds=LISTENER_SPARE_FDS))


def _sandbox_supervisor(producer: Producer, log_fd: int | None, linkwatch_fd: int, roles: list[RoleProcess]) -> None:
    """What the supervisor no longer needs after forking: capabilities, and every system call but
    its policy's. Where the end must put back a program --force replaced or detach one held by netlink,
    the requests were prepared at set-up (end_requests.py): the supervisor keeps CAP_NET_ADMIN too, and
    its filter lets it send on that one rtnetlink socket. Where the end needs more (removing the
    mirror's clsact filter), it stays unconfined (and says so)."""
    from xdpdump import end_requests

    reasons = producer.privileges_to_close
    if reasons:
        log.get().warning("the supervisor stays unsandboxed: %s needs its privileges", "; ".join(reasons))
        return
    # glibc's localtime re-reads /etc/localtime unless TZ is set; pin it while files can be opened.
    os.environ.setdefault("TZ", ":/etc/localtime")
    time.tzset()
    time.localtime()
    # CAP_KILL alone: the roles run as another uid, and without it neither kill() nor the roles'
    # parent-death signal (sent with the dying supervisor's credentials) would reach them. The filter
    # lets it signal its roles' pids only.
    # With prepared end requests, CAP_NET_ADMIN as well: the kernel checks it when each is sent.
    endnl_fd = end_requests.channel_fd()
    keep = {confine.CAP_KILL} | ({confine.CAP_NET_ADMIN} if endnl_fd is not None else set())
    if endnl_fd is not None:
        log.get().info("the supervisor keeps CAP_NET_ADMIN and one rtnetlink socket for: %s",
                       "; ".join(end_requests.reasons()))
    confine.drop_capabilities(keep=frozenset(keep))
    install_seccomp(supervisor_filter(log_fd if log_fd is not None else 2, linkwatch_fd,
                                      {r.name: r.pid for r in roles}, endnl_fd), tsync=True)


class ListenerDeaths:
    """A metrics or gui role that dies is reported once and tolerated (the capture goes on), unless
    it is the role under --sandbox-selftest, whose death is the self-test's result."""

    def __init__(self, selftest: str | None) -> None:
        self.selftest = selftest
        self.reported: set[int] = set()

    def tolerated(self, role: RoleProcess) -> bool:
        return role.name in LISTENER_ROLES and role.name != self.selftest

    def report(self, roles: list[RoleProcess]) -> None:
        for role in roles:
            if role.failed and self.tolerated(role) and role.pid not in self.reported:
                self.reported.add(role.pid)
                log.get().warning("%s; the capture goes on without it (it is not restarted)", role.describe_end())


def _supervise(roles: list[RoleProcess], stop: StopSignals, consumer: PacketConsumer | None,
               printer: Printer | None, ifnames: list[str] | None, watch: LinkWatch,
               feed: LiveFeed | None = None, deaths: ListenerDeaths | None = None) -> list[RoleProcess]:
    """Print (or just wait) until a stop request, a role ends or a device disappears; returns the roles
    that failed (a listener role's death, tolerated, is reported and the loop goes on)."""
    net = roles[0]
    deaths = deaths or ListenerDeaths(None)
    next_look = 0.0
    while stop.requested is None:
        now = time.monotonic()
        if now >= next_look:  # at most every IDLE_POLL_MS, however busy the printer is
            next_look = now + IDLE_POLL_MS / 1000
            if watch.check():
                break
        if consumer is not None and printer is not None:
            batch = consumer.read(PRINT_BATCH, timeout_ms=IDLE_POLL_MS)
            if batch and not _print(batch, printer, ifnames, feed):
                break  # stdout is gone (`| head`): stop as tcpdump does
        else:
            time.sleep(IDLE_POLL_MS / 1000)
        if feed is not None:
            feed.publish(roles)
        ended = [r for r in roles if not r.running]
        deaths.report(ended)
        if any(r.failed and not deaths.tolerated(r) for r in ended):
            return [r for r in ended if r.failed and not deaths.tolerated(r)]
        if net in ended:
            break  # the count was reached
    return []


def _stop_roles(ring: RecordRing, roles: list[RoleProcess], keep_consuming: Callable[[], object] | None = None) -> None:
    """Raise the stop flag and wait for each role; kill one that does not finish.

    The net role drains what the kernel already delivered before it exits, which needs room in the
    record ring: keep_consuming (the printer) goes on reading meanwhile, or the two would wait on
    each other until the role's drain deadline.
    """
    ring.request_stop()
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
            ring.producer_done()


def _drain_printer(consumer: PacketConsumer, printer: Printer, ifnames: list[str] | None,
                   feed: LiveFeed | None = None) -> None:
    for _ in range(100000):
        batch = consumer.read(PRINT_BATCH)
        if not batch or not _print(batch, printer, ifnames, feed):
            return


def _print(batch: list[Packet], printer: Printer, ifnames: list[str] | None, feed: LiveFeed | None = None) -> bool:
    """Print a batch (and show it to the feed, if any); False when stdout is closed."""
    if sys.stdout is None:
        if feed is not None:
            feed.lost(len(batch))
        return False
    done = 0
    try:
        out = sys.stdout
        for p in batch:
            line = printer.format(p.ts_ns, p.data, p.wire_len, ifnames[p.ifslot] if ifnames else None,
                                  outbound=p.direction == DIRECTION_OUT)
            out.write(line + "\n")
            if feed is not None:
                feed.observe(p.data, p.wire_len, line)
            done += 1
        out.flush()
    except BrokenPipeError:
        if feed is not None:
            feed.lost(len(batch) - done)
        # No file may be opened under the sandbox, so stdout cannot be pointed at /dev/null: stop
        # writing to it instead, and let the interpreter's exit find nothing to flush.
        with contextlib.suppress(OSError):
            os.close(sys.stdout.fileno())
        sys.stdout = None  # type: ignore[assignment]
        return False
    return True


def _write_stderr(lines: list[str]) -> None:
    # Device names (any byte but "/", ":" and white space) are escaped as packet text is.
    sys.stderr.write("".join(visible(line) + "\n" for line in lines))
    sys.stderr.flush()
