"""A live capture driven step by step from a caller's process: the supervisor's part of the Python API.

Owns the same order of things as ``supervisor.run_capture``, cut into the steps an API caller drives,
and built from the supervisor's own pieces (the producer, the roles, their stop):

- ``LiveSession(plan)`` sets up: log file, device watch, record ring, producer (programs attached,
  sockets bound, XSKMAPs still empty, so nothing is taken yet). Every error the CLI reports at start
  (no device, a bad filter, a program in the way) is raised here;
- ``start_reading()`` or ``start_writing(path)`` registers the one consumer (a reader in this process,
  or the archive writer with the file header written), fills the XSKMAPs and forks the roles: the net
  role (and the archive role), sandboxed under their policies exactly as the CLI's;
- ``check()`` is the supervisor's look at the roles and the devices; ``request_stop()`` asks the net
  role to drain and finish; ``close()`` stops the roles, takes the final figures, detaches and frees.

What the calling process does differently from the CLI's supervisor, and why: it is the caller's
process, so it is not sandboxed. It installs no seccomp filter and keeps its capabilities (a filter
could never be removed again and would confine the caller's whole program; without capabilities it
could not detach, nor open the next capture). It still lets go of the sockets, UMEMs and capture file
once the roles run, as the CLI's supervisor does, so frames reach it only through the record ring.
It installs no signal handlers (Ctrl-C is the caller's KeyboardInterrupt, which leaves the ``with``
block and stops the capture the same way) and prints nothing (the banner lines are kept for the
caller). The roles are forked from the calling thread: their parent-death signal follows that thread,
so the capture must be closed from the thread that opened it, before that thread ends.
"""

from __future__ import annotations

import contextlib
import os
import time

from xdpdump import log
from xdpdump.link_watch import LinkWatch
from xdpdump.plan import CapturePlan
from xdpdump.producers import open_producer
from xdpdump.promisc import Promiscuous
from xdpdump.roles.process import RoleProcess
from xdpdump.supervisor import OwnedFd, _spawn_roles, _stop_roles, open_output
from xdpdump.xsk import ArchiveWriter, CaptureStats, PacketConsumer, RecordRing


class LiveSession:
    """One live capture of a plan, from set-up to the final figures (see the module's docstring)."""

    def __init__(self, plan: CapturePlan) -> None:
        self.plan = plan
        self.roles: list[RoleProcess] = []
        self.consumer: PacketConsumer | None = None
        self.writer: ArchiveWriter | None = None
        self.failure: str | None = None     # why the capture ended early (a role, a device), once known
        self.final: tuple[CaptureStats, list[dict[str, int]]] | None = None
        self._cleanup = contextlib.ExitStack()
        try:
            self._open()
        except BaseException:
            self._cleanup.close()
            raise

    def _open(self) -> None:
        plan, cleanup = self.plan, self._cleanup
        self.log_fd = log.open_log_file(plan.outputs.log_file) if plan.outputs.log_file else None
        if self.log_fd is not None:
            cleanup.callback(os.close, self.log_fd)
        log.configure(self.log_fd)
        if plan.promiscuous:  # as the CLI's, unless promiscuous=False; the kernel lets go if this process dies
            cleanup.callback(Promiscuous((t.device.index, t.device.name) for t in plan.targets).close)
        self.watch = LinkWatch(plan.devices)  # before anything is attached: a device gone from here on is noticed
        cleanup.callback(self.watch.close)
        self.ring = RecordRing(plan.record_ring_bytes)
        cleanup.callback(self.ring.close)
        self.producer = open_producer(plan, self.ring, cleanup)
        self.banner = self.producer.banner_lines(plan.sandbox.enabled)  # read from the sockets, released at start

    @property
    def started(self) -> bool:
        return bool(self.roles)

    def start_reading(self, max_batch: int) -> PacketConsumer:
        """Take frames from now on, for a reader in this process (records hold copies of the frames:
        this process lets go of the UMEM)."""
        self.consumer = self.ring.consumer(max_batch)
        self._start(None)
        return self.consumer

    def start_writing(self, path: str, file_format: str) -> ArchiveWriter:
        """Take frames from now on, written to path by the archive role. The header is written first, so
        a path that cannot be written fails here, with nothing taken."""
        out = OwnedFd(open_output(path))
        self._cleanup.callback(out.close)
        assert out.fd is not None
        self.writer = ArchiveWriter(self.ring, out.fd, file_format, self.producer.geometry.snaplen,
                                    self.plan.interface_names, label=path)
        self._cleanup.callback(self.writer.close)
        self._start(out)
        return self.writer

    def _start(self, out: OwnedFd | None) -> None:
        self.producer.start()
        self._cleanup.callback(_stop_roles, self.ring, self.roles)  # a role forked is a role stopped
        _spawn_roles(self.plan, self.roles, self.producer, self.writer, out, self.log_fd, {}, None, self.ring)
        self.producer.release()  # the roles hold their own: frames reach this process only through the ring
        if out is not None:
            out.close()
        log.get().info("capturing on %s: %s", ", ".join(self.plan.interface_names),
                       ", ".join(f"{r.name} pid {r.pid}" for r in self.roles))

    def check(self) -> None:
        """The supervisor's look: a device gone or a role failed sets ``failure`` and stops the capture
        (a dead net role never says it is done: that is said for it, so readers finish)."""
        if self.failure is not None:
            return
        gone = self.watch.check()
        if gone:
            self.failure = f"{gone[0]}: The interface disappeared"
        for role in self.roles:
            if role.poll() is not None and role.failed:
                self.failure = self.failure or role.describe_end()
                if role.name == "net":
                    self.ring.producer_done()
        if self.failure is not None:
            self.ring.request_stop()

    @property
    def producer_done(self) -> bool:
        """The net role has published its last record (or was said to be done for)."""
        return self.ring.counters().producer_done

    def request_stop(self) -> None:
        self.ring.request_stop()

    def wait_roles(self, deadline: float | None) -> bool:
        """Until every role has ended (checking as the supervisor does), or deadline (monotonic); True
        when they all ended."""
        while any(r.poll() is None for r in self.roles):
            self.check()
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        self.check()
        return True

    def stats(self) -> tuple[CaptureStats, list[dict[str, int]]]:
        """The producer's counters and the capture programs' (live; the final ones once closed)."""
        if self.final is not None:
            return self.final
        return self.producer.stats(), self.producer.filter_counters()

    def close(self) -> None:
        """Stop (the net role drains what had arrived; a reader here no longer holds it back), take the
        final figures, detach and free. Idempotent."""
        if self.final is not None:
            return
        try:
            if self.consumer is not None:
                self.consumer.close()  # the producer must not wait for a reader that has left
            _stop_roles(self.ring, self.roles)
            self.check()
            self.final = self.producer.stats(), self.producer.filter_counters()
        finally:
            self._cleanup.close()
