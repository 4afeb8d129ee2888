"""``open_live``: a live AF_XDP capture as a Python object (``LiveCapture``), run exactly as the CLI's.

Owns the API's side of a live capture: keyword arguments -> ``CaptureOptions`` -> the same plan the
CLI builds (so the same checks and messages), the session (``session.LiveSession``: set-up, start,
the supervisor's checks, stop) and what the caller sees: batches of ``Frame``, ``Stats``, ``write()``.
Errors are ``xdpdump.CaptureError`` (errors.py) with the CLI's one-line messages.
"""

from __future__ import annotations

import atexit
import time
import weakref
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import NoReturn, TypeVar

from xdpdump import netdev, report
from xdpdump.api.frames import EMPTY_BATCH, Batch, BatchBuilder
from xdpdump.api.stats import Stats
from xdpdump.cli.common import require_bpf_privileges
from xdpdump.constants import DEFAULT_RECORD_RING_KIB, DEFAULT_SNAPLEN
from xdpdump.errors import CaptureError
from xdpdump.plan import CaptureOptions, CapturePlan, build_capture_plan
from xdpdump.session import LiveSession
from xdpdump.supervisor import IDLE_POLL_MS
from xdpdump.xsk.record_ring import PacketConsumer, packet_layout

T = TypeVar("T")
DEFAULT_MAX_BATCH = 4096  # records per batch at most (the peek's array: 32 bytes each)


def open_live(
    dev: str | int | Sequence[str | int],
    expression: str = "",
    *,
    snaplen: int = DEFAULT_SNAPLEN,
    count: int | None = None,
    buffer_kib: int = DEFAULT_RECORD_RING_KIB,
    queue: int | str = "all",
    mode: str = "auto",
    bind_mode: str = "auto",
    ring_size: int | None = None,
    frame_size: int | None = None,
    capture_ssh: bool = False,
    force: bool = False,
    sandbox: bool = True,
    log_file: str | None = None,
    mirror: bool = False,
    direction: str | None = None,
    promiscuous: bool = True,
    congested: str = "pass",
) -> LiveCapture:
    """Open a live capture on ``dev`` (a device name, its ``tcpdump -D`` number, or a list of them),
    keeping the frames that match ``expression`` (tcpdump's filter syntax, compiled into the XDP program).

    Example (as root)::

        import xdpdump
        with xdpdump.open_live("eth0", "udp port 53", snaplen=256) as cap:
            for batch in cap.batches(timeout=1.0):   # frames arrived since the last batch (empty after 1 s idle)
                for pkt in batch:                     # pkt.ts_ns, pkt.wire_len, pkt.ifname, pkt.data
                    print(pkt.ifname, pkt.wire_len, bytes(pkt.data[:14]).hex())
                if cap.stats().captured >= 1000:
                    break
            print(cap.stats())                        # captured, matched, dropped (by reason), passed

    Matching frames are consumed: they no longer reach the kernel stack; the rest continue untouched
    (with ``mirror=True`` nothing is taken: the matching frames are copied, both directions).
    With no expression, TCP port 22 stays on the stack unless ``capture_ssh=True``.

    The capture runs as ``xdpdump -i DEV`` runs: this call attaches the program (nothing is taken
    yet); ``batches()`` or ``write(path)`` starts it: a net role (a child process under its seccomp
    policy; ``sandbox=False`` drops the filters, for debugging) moves frames into a shared ring,
    which ``batches()`` reads without copying, or which the archive role writes to a file. Leaving the
    ``with`` block (or ``close()``) stops the roles and detaches, whatever ended it. Needs root, or
    CAP_NET_ADMIN and CAP_BPF. This process itself is not sandboxed.

    Keywords, each as the CLI's flag: ``snaplen`` (-s), ``count`` (-c: stop after that many frames),
    ``buffer_kib`` (-B: the ring between the capture and the reader), ``queue`` (--queue: a number or
    "all"), ``mode`` (--mode auto|native|skb), ``bind_mode`` ("auto", "copy" or "zerocopy"),
    ``ring_size``, ``frame_size`` (2048 or 4096), ``capture_ssh``, ``force`` (replace a program already
    attached, put back afterwards), ``sandbox`` (False: --no-sandbox), ``log_file`` (--log-file).
    ``mirror`` (--mirror: frames are copied through BPF ring buffers and also reach the stack, sent
    ones too), ``direction`` (-Q "in", "out" or "inout"; other than "in" only with ``mirror``),
    ``promiscuous`` (False: -p), ``congested`` (--congested "pass" or "drop": while the ring is full,
    matched frames go on to the stack, counted in ``stats().congested``, or the kernel drops them).

    Raises ``xdpdump.CaptureError`` with the CLI's one-line message; its subclasses
    ``NoSuchDeviceError``, ``PrivilegeError`` and ``FilterError`` are the ones worth catching apart.
    """
    names = (str(dev),) if isinstance(dev, str | int) else tuple(map(str, dev))
    opts = CaptureOptions(
        interfaces=names, expression=expression, count=count, snaplen=snaplen, buffer_kib=buffer_kib,
        queue=str(queue), xdp_mode=mode, bind_mode=bind_mode, ring_size=ring_size, frame_size=frame_size,
        capture_ssh=capture_ssh, force=force, sandboxed=sandbox, log_file=log_file,
        mirror=mirror, direction=direction, promiscuous=promiscuous, congested=congested,
    )
    return LiveCapture(build_capture_plan(opts, netdev.lookup_capture_device))


class LiveCapture:
    """An open live capture (``open_live``); a context manager. Not thread-safe: use it from the thread
    that opened it (``stop()`` excepted, which any thread or signal handler may call)."""

    def __init__(self, plan: CapturePlan) -> None:
        require_bpf_privileges()  # once the options are known sound: before bcc meets EPERM
        self._session = _internal_errors(LiveSession, plan)
        _open_captures.add(self)
        self._mode: str | None = None
        self.interfaces: list[str] = plan.interface_names
        """The devices captured on, as named (numbers resolved)."""

    @property
    def description(self) -> list[str]:
        """How the capture runs: the CLI banner's lines (XDP mode, AF_XDP mode, queues, the filter).
        Known once opened; frames are taken only from batches() or write() on, when the CLI prints it."""
        return list(self._session.banner)

    @property
    def snaplen(self) -> int:
        """Bytes kept of each frame: the requested snap length, capped by what a UMEM frame holds."""
        return self._session.producer.geometry.snaplen

    def __enter__(self) -> LiveCapture:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _begin(self, mode: str) -> None:
        if self._mode is not None:
            raise CaptureError(f"this capture is already {self._mode}: a capture is either read or written once "
                               "(open another)")
        if self._session.final is not None:
            raise CaptureError("this capture is closed")
        self._mode = mode

    def batches(self, timeout: float | None = None, max_batch: int = DEFAULT_MAX_BATCH) -> Batches:
        """Start taking frames, and iterate over them in batches (once per capture): each a sequence of
        the frames that arrived since the last one (at most max_batch), in order. A batch's frames, and
        their ``data``, are valid until the next batch is asked for.

        timeout: seconds to wait for a frame before yielding an empty batch (None: wait as long as it
        takes), so the loop gets control back on a quiet link. The iteration ends when the capture
        does: ``count`` frames taken, or ``stop()`` (after the frames that had arrived). A device that
        disappears or a role that dies ends it with ``CaptureError``, after the frames taken before.
        """
        if timeout is not None and timeout < 0:
            raise ValueError("timeout must be 0 or more seconds (or None)")
        if not 1 <= max_batch <= 1 << 20:
            raise ValueError("max_batch must be 1 to 1048576")
        self._begin("reading batches")
        consumer = _internal_errors(self._session.start_reading, max_batch)
        view, base = self._session.ring.mapping()
        return Batches(self._session, consumer, BatchBuilder(packet_layout(), view, base, self.interfaces), timeout)

    def write(self, path: str, *, pcapng: bool = False, duration: float | None = None) -> Stats:
        """Start taking frames into a pcap (or pcapng) file at path, written by the sandboxed archive
        role (no Python per frame), and return the final figures once the capture stops: ``count``
        frames taken, ``duration`` seconds passed, ``stop()`` called (from a signal handler or another
        thread), or a device gone (CaptureError). The file holds only whole records, fsync'ed.
        """
        self._begin(f"writing to {path}")
        writer = _internal_errors(self._session.start_writing, path, "pcapng" if pcapng else "pcap")
        session = self._session
        deadline = None if duration is None else time.monotonic() + duration
        if not session.wait_roles(deadline):
            session.request_stop()
            session.wait_roles(None)
        self.close()
        stats = self.stats()  # the final figures
        archive = [r for r in session.roles if r.name == "archive"]
        if archive and archive[0].failed:
            raise CaptureError(f"{writer.records_in_file} packets written to {path} before writing it failed")
        if session.failure is not None:
            raise CaptureError(session.failure)
        return stats

    def stop(self) -> None:
        """Ask the capture to stop: the frames that had arrived are still delivered, then batches() ends."""
        self._session.request_stop()

    def stats(self) -> Stats:
        """The capture's figures so far (the final ones once closed): what the CLI's summary prints."""
        capture, counters = self._session.stats()
        matched, passed = report.filter_totals(counters)
        return Stats(captured=capture.captured, matched=matched, dropped=capture.dropped, passed=passed,
                     ring_full=capture.ring_full_events, dropped_by_reason=capture.drop_reasons(),
                     congested=report.congested_total(counters))

    def close(self) -> None:
        """Stop the roles (what had arrived is drained), detach the programs, free everything. Idempotent."""
        _open_captures.discard(self)
        self._session.close()


# Captures still open when the interpreter exits are closed before it tears modules down (their roles
# would end anyway with this process, but the programs' counters and the log deserve an orderly end).
_open_captures: weakref.WeakSet[LiveCapture] = weakref.WeakSet()


@atexit.register
def _close_open_captures() -> None:
    for capture in list(_open_captures):
        capture.close()


class Batches:
    """The iterator ``LiveCapture.batches()`` returns: each step a list of the frames that arrived
    since the last one; ``poll(timeout)`` is one step with its own timeout."""

    def __init__(self, session: LiveSession, consumer: PacketConsumer, builder: BatchBuilder,
                 timeout: float | None) -> None:
        self._session = session
        self._consumer = consumer
        self._builder = builder
        self.timeout = timeout
        self._next_look = time.monotonic()
        self._ended = False

    def __iter__(self) -> Batches:
        return self

    def __next__(self) -> Batch:
        return self.poll(self.timeout)

    def poll(self, timeout: float | None = 0) -> Batch:
        """The frames that arrived since the last batch, waiting up to timeout seconds (None: as long
        as it takes) for the first: an empty batch when none came. Gives the last batch back to the capture (its
        frames' data is no longer valid). StopIteration once the capture has ended and every frame
        taken was handed out; CaptureError then if a device disappeared or a role died."""
        if self._ended or self._session.final is not None:  # ended, or the capture was closed
            raise StopIteration
        session, consumer = self._session, self._consumer
        start = time.monotonic()
        while True:
            consumer.release()  # the last batch: its records go back to the producer
            now = time.monotonic()
            wait_ms = IDLE_POLL_MS if timeout is None else max(0, min(IDLE_POLL_MS, int(
                (start + timeout - now) * 1000)))
            # Read before the peek: a producer done by then published every record before it said so,
            # so a peek after it that finds nothing means nothing more will come.
            done = session.producer_done
            n, raw = consumer.peek(wait_ms)
            now = time.monotonic()
            if now >= self._next_look:  # at most every IDLE_POLL_MS, however busy the link
                self._next_look = now + IDLE_POLL_MS / 1000
                session.check()
            if n:
                return self._builder.build(n, raw)
            if done:
                self._end()
            if timeout is not None and now - start >= timeout:
                return EMPTY_BATCH

    def _end(self) -> NoReturn:
        self._ended = True
        self._session.check()
        if self._session.failure is not None:
            raise CaptureError(self._session.failure)
        raise StopIteration


def _internal_errors(call: Callable[..., T], *args: object) -> T:
    """call(*args); anything but a CaptureError (a broken invariant, an unexpected OSError) becomes one,
    worded as the CLI words it."""
    try:
        return call(*args)
    except CaptureError:
        raise
    except Exception as e:
        raise CaptureError(f"internal error: {type(e).__name__}: {e}") from e
