"""AF_XDP sockets and captures: the Python face of the native core (``xdpdump._native``).

Owns the lifetime of native objects (every class is a context manager; ``close()`` unmaps and closes
everything it made) and the translation of native errors into ``UserError``. No packet is touched
here except to hand it to a printer: rings, copying and pcap encoding happen in C.

API (all sizes are counts of ring entries unless named ``*_bytes``):

``Umem(frames, frame_size=4096, headroom=0)``
    ``.free_frames``, ``.accounting() -> FrameAccounting`` (where every frame is; ``.ok``).
``XskSocket(umem, ifindex, queue, *, rx_size=2048, tx_size=0, fill_size=None, comp_size=None,
            mode="auto", need_wakeup=True)``
    ``mode``: "auto" (kernel tries zero-copy, falls back to copy), "copy" or "zerocopy". A second
    socket on the same Umem binds with XDP_SHARED_UMEM and inherits the first one's mode.
    ``.fd`` (for the XSKMAP), ``.zerocopy``, ``.shared``, ``.stats() -> XskStats``,
    ``.send(frames) -> int`` (TX burst), ``.reap() -> int`` (completions), ``.tx_in_flight``.
``RecordRing(size_bytes=8 MiB)``: the MAP_SHARED ring of captured records (fork-safe).
    ``.consumer() -> PacketConsumer``, ``.counters() -> RingCounters``, ``.request_stop()``,
    ``.push(data, ts_ns, wire_len=None, ifslot=0, queue=0) -> bool`` and ``.producer_done()``
    (producing without sockets: tests and replay).
``PacketConsumer.read(max_packets=64, timeout_ms=0) -> list[Packet]`` (copies, then releases).
``PcapWriter(ring, fd, fmt="pcap"|"pcapng", snaplen=262144, ifnames=())``
    ``.step(timeout_ms=0, budget=65536) -> int``, ``.flush()``, ``.run()`` (blocking until the
    producer is done), ``.records``, ``.disown()`` (after fork, in the process not running it).
    pcap uses the nanosecond magic 0xa1b23c4d.
``Capture(targets, *, mode="auto", ring_size=2048, frame_size=4096, snaplen=262144, count=0,
          ring_bytes=8 MiB, need_wakeup=True, fill_size=ring_size)``: one socket per
    ``CaptureTarget(ifindex, queue, ifslot)``, one Umem per interface shared by its queues (fill_size
    frames per socket), one RecordRing.
    ``.xsk_fds() -> list[tuple[CaptureTarget, int]]``, ``.net_role_fds()``, ``.zerocopy``,
    ``.add_writer(fd, fmt, ifnames) -> PcapWriter``, ``.add_printer() -> PacketConsumer``,
    ``.pump(timeout_ms=100, budget=4096) -> int`` (one capture step + one writer step; the file
    is flushed when a step finds nothing to do),
    ``.done`` (count reached), ``.finish()`` (drain, flush, final stats), ``.stats() -> CaptureStats``,
    ``.enter_net_role(filter, log_fd)`` (in a forked child: the production net loop, then _exit),
    ``.request_stop()``, ``.disown_writer()`` (after forking the writer's process),
    ``.release_sockets()`` (after forking the net role), ``.accounting() -> list[FrameAccounting]``.
``Replay(sock, frames, lens, loops=1, rate_pps=0)``: frames (back to back) out of a TX socket by the
    native loop; ``.step(timeout_ms=100) -> bool`` (True when all are sent and completed),
    ``.counters() -> ReplayCounters``.
``Forwarder(targets, out_ifindex, out_queue=0, *, mode, ring_size, frame_size, snaplen, count,
          ring_bytes, need_wakeup=True, share_umem=True)``: a Capture of one interface whose frames
    are also sent out of OUT (XDP_SHARED_UMEM, no copy; or OUT's own UMEM, copied). A Capture (same
    native loop, same net role; OUT's socket is among ``.net_role_fds()``) plus ``.shared``,
    ``.out_zerocopy``, ``.share_error``, ``.counters(refresh=True) -> ForwardCounters`` (kept in the
    record ring's shared region, readable after the net role has exited).

Objects are not thread-safe; the record ring is the only thing meant to be shared (across fork).
Sleeping native calls (capture step, consumer waits, writer waits) use ppoll(), nothing else.

Kernel drops (``XskStats.dropped``): rx_dropped (no fill buffer or frame too big), rx_ring_full and
rx_invalid_descs are frames the kernel could not deliver; rx_fill_ring_empty_descs counts how often
the fill ring was found empty (a cause of rx_dropped, not extra frames).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Self

from xdpdump.errors import UserError

try:
    from xdpdump._native import ffi, lib
except ImportError as exc:  # pragma: no cover - only without a build
    raise ImportError(
        "xdpdump._native is not built: run `pip install --no-build-isolation -e .` in the project"
    ) from exc

MODES = {"auto": lib.XDPD_BIND_AUTO, "copy": lib.XDPD_BIND_COPY, "zerocopy": lib.XDPD_BIND_ZEROCOPY}
FORMATS = {"pcap": lib.XDPD_FMT_PCAP, "pcapng": lib.XDPD_FMT_PCAPNG}
DEFAULT_SNAPLEN = 262144
XDP_PACKET_HEADROOM = 256
DEFAULT_RING_BYTES = 8 << 20

_HINTS = {
    ("bind", errno.EINVAL): "does the device have that rx queue?",
    ("bind", errno.EOPNOTSUPP): "the driver has no zero-copy AF_XDP support; use copy mode",
    ("bind", errno.EBUSY): "another AF_XDP socket or zero-copy user holds that queue",
    ("bind", errno.ENODEV): "no such device",
    ("bind", errno.ENETDOWN): "the device is down",
    ("socket(AF_XDP)", errno.EPERM): "AF_XDP needs CAP_NET_RAW",
    ("socket(AF_XDP)", errno.EAFNOSUPPORT): "the kernel has no AF_XDP support (CONFIG_XDP_SOCKETS)",
    ("XDP_UMEM_REG", errno.ENOBUFS): "raise RLIMIT_MEMLOCK or use smaller rings",
    ("XDP_UMEM_REG", errno.ENOMEM): "raise RLIMIT_MEMLOCK or use smaller rings",
}


def _check(rc: int, what: str) -> int:
    if rc >= 0:
        return rc
    err = -rc
    where = ffi.string(lib.xdpd_error_where()).decode()
    hint = _HINTS.get((where, err))
    msg = f"{what}: {where}: {os.strerror(err)}"
    raise UserError(f"{msg} ({hint})" if hint else msg)


class _Closes:
    """Context manager for the native objects here: `with X(...) as x:` closes x on the way out."""

    def close(self) -> None:  # pragma: no cover - every subclass has its own
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class XskStats:
    """getsockopt(SOL_XDP, XDP_STATISTICS) of one socket."""

    rx_dropped: int = 0
    rx_invalid_descs: int = 0
    tx_invalid_descs: int = 0
    rx_ring_full: int = 0
    rx_fill_ring_empty_descs: int = 0
    tx_ring_empty_descs: int = 0

    @property
    def dropped(self) -> int:
        """Frames the kernel redirected to the socket but could not deliver."""
        return self.rx_dropped + self.rx_ring_full + self.rx_invalid_descs

    def by_reason(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __add__(self, other: XskStats) -> XskStats:
        return XskStats(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @classmethod
    def _from_c(cls, st: Any) -> XskStats:
        return cls(*(int(getattr(st, f.name)) for f in fields(cls)))


@dataclass(frozen=True)
class FrameAccounting:
    """Where every UMEM frame is; ``ok`` when free + rx_path + tx_path == total, nothing twice."""

    total: int
    free: int
    rx_path: int
    tx_path: int
    fill_queued: int
    rx_queued: int
    duplicates: int
    ok: bool


@dataclass(frozen=True)
class Packet:
    """One captured frame as handed to a printer."""

    ts_ns: int
    wire_len: int
    ifslot: int
    queue: int
    data: bytes


@dataclass(frozen=True)
class RingCounters:
    captured: int
    bytes: int
    ring_full: int
    stop: bool
    producer_done: bool
    consumers: int


@dataclass(frozen=True)
class SocketStats:
    ifindex: int
    ifslot: int
    queue: int
    zerocopy: bool
    captured: int
    bytes: int
    xdp: XskStats


@dataclass(frozen=True)
class CaptureStats:
    captured: int
    bytes: int
    ring_full_events: int
    sockets: list[SocketStats] = field(default_factory=list)

    @property
    def kernel(self) -> XskStats:
        total = XskStats()
        for s in self.sockets:
            total = total + s.xdp
        return total

    @property
    def dropped(self) -> int:
        return self.kernel.dropped


class Umem(_Closes):
    """Page-aligned frame area registered with the kernel by the first socket made on it."""

    def __init__(self, frames: int, frame_size: int = 4096, headroom: int = 0) -> None:
        out = ffi.new("xdpd_umem **")
        _check(lib.xdpd_umem_create(out, frames, frame_size, headroom), "cannot create UMEM")
        self._ptr: Any = out[0]
        self.frames = frames
        self.frame_size = frame_size
        self.sockets: list[XskSocket] = []

    @property
    def free_frames(self) -> int:
        return int(lib.xdpd_umem_free_frames(self._handle()))

    def accounting(self) -> FrameAccounting:
        acc = ffi.new("struct xdpd_frame_accounting *")
        lib.xdpd_umem_check(self._handle(), acc)
        return FrameAccounting(
            acc.total, acc.free, acc.rx_path, acc.tx_path, acc.fill_queued, acc.rx_queued,
            acc.duplicates, bool(acc.ok),
        )

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("UMEM is closed")
        return self._ptr

    def close(self) -> None:
        """Closes the sockets made on this UMEM, then unmaps it."""
        for sock in reversed(self.sockets):
            sock.close()
        if self._ptr is not None:
            _check(lib.xdpd_umem_destroy(self._ptr), "cannot free UMEM")
            self._ptr = None



class XskSocket(_Closes):
    """An AF_XDP socket bound to (ifindex, queue) on a Umem."""

    def __init__(
        self,
        umem: Umem,
        ifindex: int,
        queue: int,
        *,
        rx_size: int = 2048,
        tx_size: int = 0,
        fill_size: int | None = None,
        comp_size: int | None = None,
        mode: str = "auto",
        need_wakeup: bool = True,
    ) -> None:
        if mode not in MODES:
            raise UserError(f"unknown AF_XDP mode {mode!r} (auto, copy or zerocopy)")
        fill_size = fill_size or max(rx_size, 64)
        comp_size = comp_size or max(tx_size, 64)
        out = ffi.new("xdpd_socket **")
        rc = lib.xdpd_socket_create(
            out, umem._handle(), ifindex, queue, rx_size, tx_size, fill_size, comp_size, MODES[mode],
            int(need_wakeup),
        )
        _check(rc, f"cannot open AF_XDP socket on ifindex {ifindex} queue {queue}")
        self._ptr: Any = out[0]
        self.umem = umem
        self.ifindex = ifindex
        self.queue = queue
        umem.sockets.append(self)

    @property
    def fd(self) -> int:
        return int(lib.xdpd_socket_fd(self._handle()))

    @property
    def zerocopy(self) -> bool:
        return bool(lib.xdpd_socket_zerocopy(self._handle()))

    @property
    def shared(self) -> bool:
        return bool(lib.xdpd_socket_shared(self._handle()))

    @property
    def tx_in_flight(self) -> int:
        return int(lib.xdpd_tx_in_flight(self._handle()))

    def stats(self) -> XskStats:
        st = ffi.new("struct xdpd_xsk_stats *")
        _check(lib.xdpd_socket_stats(self._handle(), st), "cannot read XDP statistics")
        return XskStats._from_c(st)

    def send(self, frames: Sequence[bytes]) -> int:
        """Queue frames for transmission (one TX burst); returns how many were queued."""
        if not frames:
            return 0
        lens = ffi.new("uint32_t[]", [len(f) for f in frames])
        buf = ffi.from_buffer(b"".join(frames))
        return _check(lib.xdpd_tx_burst(self._handle(), buf, lens, len(frames)), "TX burst failed")

    def reap(self) -> int:
        """Return completed TX frames to the free list; returns how many."""
        return _check(lib.xdpd_tx_reap(self._handle()), "completion reap failed")

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("socket is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr is not None:
            lib.xdpd_socket_destroy(self._ptr)
            self._ptr = None
            self.umem.sockets.remove(self)



class RecordRing(_Closes):
    """The shared-memory ring of captured records (single producer, up to 8 consumers)."""

    def __init__(self, size_bytes: int = DEFAULT_RING_BYTES) -> None:
        out = ffi.new("xdpd_record_ring **")
        _check(lib.xdpd_rr_create(out, size_bytes), "cannot create record ring")
        self._ptr: Any = out[0]
        self.size_bytes = size_bytes
        self._consumers: list[PacketConsumer] = []

    def consumer(self) -> PacketConsumer:
        c = PacketConsumer(self)
        self._consumers.append(c)
        return c

    def counters(self) -> RingCounters:
        c = ffi.new("struct xdpd_ring_counters *")
        lib.xdpd_rr_counters(self._handle(), c)
        return RingCounters(
            c.captured, c.bytes, c.ring_full, bool(c.stop), bool(c.producer_done), c.nconsumers
        )

    def request_stop(self) -> None:
        lib.xdpd_rr_request_stop(self._handle())

    def push(self, data: bytes, ts_ns: int, wire_len: int | None = None, ifslot: int = 0, queue: int = 0) -> bool:
        """Store one record as the producer would (tests, replay); False when a consumer holds the
        space. The ring has a single producer: never push while a capture produces into it."""
        wire = len(data) if wire_len is None else wire_len
        return bool(_check(lib.xdpd_rr_push(self._handle(), ts_ns, wire, data, len(data), ifslot, queue), "push"))

    def producer_done(self) -> None:
        """Tell consumers nothing more will come (their blocking loops then finish)."""
        lib.xdpd_rr_set_producer_done(self._handle())

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("record ring is closed")
        return self._ptr

    def close(self) -> None:
        for c in self._consumers:
            c.close()
        self._consumers.clear()
        if self._ptr is not None:
            _check(lib.xdpd_rr_destroy(self._ptr), "cannot free record ring")
            self._ptr = None



class PacketConsumer:
    """A registered reader of the record ring; the capture waits for it (a stalled one causes drops)."""

    def __init__(self, ring: RecordRing) -> None:
        self.ring = ring
        self.slot: int | None = _check(lib.xdpd_rr_consumer_register(ring._handle()), "consumer")
        self._views = ffi.new("struct xdpd_packet[]", 256)

    def read(self, max_packets: int = 64, timeout_ms: int = 0) -> list[Packet]:
        """Up to max_packets records (waiting up to timeout_ms for the first), copied and released."""
        if self.slot is None:
            raise ValueError("consumer is closed")
        rr = self.ring._handle()
        n = _check(
            lib.xdpd_rr_consumer_peek(rr, self.slot, self._views, min(max_packets, 256), timeout_ms),
            "record ring read",
        )
        base = lib.xdpd_rr_base(rr)
        out = []
        for i in range(n):
            v = self._views[i]
            out.append(Packet(v.ts_ns, v.wire_len, v.ifslot, v.queue, ffi.buffer(base + v.data_off, v.cap_len)[:]))
        lib.xdpd_rr_consumer_release(rr, self.slot)
        return out

    @property
    def backlog_bytes(self) -> int:
        if self.slot is None:
            return 0
        return int(lib.xdpd_rr_consumer_backlog(self.ring._handle(), self.slot))

    def close(self) -> None:
        if self.slot is not None and self.ring._ptr is not None:
            lib.xdpd_rr_consumer_unregister(self.ring._ptr, self.slot)
        self.slot = None


class PcapWriter(_Closes):
    """The native archive consumer: records -> pcap/pcapng written to fd in large batches."""

    def __init__(
        self,
        ring: RecordRing,
        fd: int,
        fmt: str = "pcap",
        snaplen: int = DEFAULT_SNAPLEN,
        ifnames: Iterable[str] = (),
        buf_size: int = 1 << 20,
    ) -> None:
        if fmt not in FORMATS:
            raise UserError(f"unknown capture file format {fmt!r} (pcap or pcapng)")
        names = "\n".join(ifnames).encode()
        out = ffi.new("xdpd_writer **")
        _check(
            lib.xdpd_writer_create(out, ring._handle(), fd, FORMATS[fmt], snaplen, names, buf_size),
            "cannot start the capture file writer",
        )
        self._ptr: Any = out[0]
        self.ring = ring

    def step(self, timeout_ms: int = 0, budget: int = 65536) -> int:
        return _check(lib.xdpd_writer_step(self._handle(), timeout_ms, budget), "capture file")

    def flush(self) -> None:
        _check(lib.xdpd_writer_flush(self._handle()), "capture file")

    def run(self) -> None:
        """Write until the producer is done and everything is written (for a forked writer role)."""
        _check(lib.xdpd_writer_run(self._handle()), "capture file")

    @property
    def records(self) -> int:
        return int(lib.xdpd_writer_records(self._handle()))

    def enter_archive_role(self, fd: int, seccomp_filter: bytes | None, log_fd: int,
                           selftest: bool = False) -> None:
        """In a forked archive role: install the filter, write until the producer is done, flush,
        fsync fd, _exit. Never returns."""
        filt = ffi.from_buffer(seccomp_filter) if seccomp_filter else ffi.NULL
        lib.xdpd_archive_role(self._handle(), fd, filt, len(seccomp_filter or b""), log_fd, int(selftest))

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("writer is closed")
        return self._ptr

    def disown(self) -> None:
        """After fork, in the process that does not run this writer: drop the local copy (its unwritten
        buffer must never reach the file) and leave the consumer slot to the process that runs it."""
        if self._ptr is not None:
            lib.xdpd_writer_forget(self._ptr)
            self._ptr = None

    def close(self) -> None:
        """Flushes what is buffered and unregisters; the fd stays open (the caller owns it)."""
        if self._ptr is not None:
            try:
                self.flush()
            finally:
                lib.xdpd_writer_destroy(self._ptr)
                self._ptr = None



def _shared_stats(ring: RecordRing, nslots: int) -> CaptureStats:
    """Totals and per-socket counters as the producer last published them in shared memory."""
    rr = ring._handle()
    sc = ffi.new("struct xdpd_socket_counters *")
    sockets = []
    for slot in range(nslots):
        _check(lib.xdpd_rr_socket_counters(rr, slot, sc), "capture statistics")
        sockets.append(
            SocketStats(sc.ifindex, sc.ifslot, sc.queue, bool(sc.zerocopy), sc.captured, sc.bytes,
                        XskStats._from_c(sc.xdp))
        )
    c = ring.counters()
    return CaptureStats(c.captured, c.bytes, c.ring_full, sockets)


@dataclass(frozen=True)
class CaptureTarget:
    """One (interface, rx queue) to capture; ifslot is the interface's index in the capture (pcapng IDB)."""

    ifindex: int
    queue: int
    ifslot: int = 0


class Capture(_Closes):
    """Sockets for every target, the record ring they feed, and the consumers reading it."""

    def __init__(
        self,
        targets: Sequence[CaptureTarget],
        *,
        mode: str = "auto",
        ring_size: int = 2048,
        frame_size: int = 4096,
        snaplen: int = DEFAULT_SNAPLEN,
        count: int = 0,
        ring_bytes: int = DEFAULT_RING_BYTES,
        need_wakeup: bool = True,
        fill_size: int | None = None,
    ) -> None:
        if not targets:
            raise UserError("nothing to capture: no interface queues given")
        if ring_size < 2 or ring_size & (ring_size - 1):
            raise UserError(f"ring size must be a power of two, not {ring_size}")
        fill_size = fill_size or ring_size
        self.targets = list(targets)
        # The kernel puts each frame XDP_PACKET_HEADROOM into its UMEM frame: what remains is the
        # largest frame a socket can receive, so the most a capture can keep.
        largest = frame_size - XDP_PACKET_HEADROOM
        self.snaplen = min(snaplen, largest) if snaplen else largest
        self.umems: dict[int, Umem] = {}
        self.sockets: list[XskSocket] = []
        self.writer: PcapWriter | None = None
        self.printer: PacketConsumer | None = None
        self.zerocopy = False  # every socket bound zero-copy (known once bound; kept after release)
        self._released = False
        self._cap: Any = None
        self.ring = RecordRing(ring_bytes)
        try:
            out = ffi.new("xdpd_capture **")
            _check(lib.xdpd_capture_create(out, self.ring._handle(), self.snaplen, count), "capture")
            self._cap = out[0]
            per_if: dict[int, int] = {}
            for t in self.targets:
                per_if[t.ifindex] = per_if.get(t.ifindex, 0) + 1
            for t in self.targets:
                umem = self.umems.get(t.ifindex)
                if umem is None:
                    umem = Umem(self._umem_frames(per_if[t.ifindex], fill_size, ring_size), frame_size)
                    self.umems[t.ifindex] = umem
                sock = XskSocket(
                    umem, t.ifindex, t.queue, rx_size=ring_size, fill_size=fill_size, comp_size=64,
                    mode=mode, need_wakeup=need_wakeup,
                )
                self.sockets.append(sock)
                _check(lib.xdpd_capture_add_socket(self._cap, sock._handle(), t.ifslot), "capture")
            self.zerocopy = all(s.zerocopy for s in self.sockets)
        except BaseException:
            self.close()
            raise

    def _umem_frames(self, sockets: int, fill_size: int, ring_size: int) -> int:
        """Frames of one interface's UMEM: every socket's fill ring full."""
        return sockets * fill_size

    def xsk_fds(self) -> list[tuple[CaptureTarget, int]]:
        """Each target with the fd to store in its interface's XSKMAP at key target.queue."""
        return [(t, s.fd) for t, s in zip(self.targets, self.sockets, strict=True)]

    def net_role_fds(self) -> list[int]:
        """Every AF_XDP socket the net role owns, sorted (its policy takes their range)."""
        return sorted(fd for _, fd in self.xsk_fds())

    def add_writer(self, fd: int, fmt: str = "pcap", ifnames: Iterable[str] = ()) -> PcapWriter:
        if self.writer is not None:
            raise ValueError("capture already has a writer")
        self.writer = PcapWriter(self.ring, fd, fmt, self.snaplen, ifnames)
        return self.writer

    def add_printer(self) -> PacketConsumer:
        if self.printer is None:
            self.printer = self.ring.consumer()
        return self.printer

    def pump(self, timeout_ms: int = 100, budget: int = 4096) -> int:
        """One capture step (sleeping up to timeout_ms when idle) and one writer step; frames moved."""
        n = _check(lib.xdpd_capture_step(self._handle(), timeout_ms, budget), "capture")
        if self.writer is not None:
            self.writer.step(0)
            if n == 0:
                self.writer.flush()  # idle: bring the file up to date (whole records only)
        return n

    @property
    def done(self) -> bool:
        return bool(lib.xdpd_capture_done(self._handle()))

    def request_stop(self) -> None:
        self.ring.request_stop()

    def finish(self, max_rounds: int = 1000, tx_timeout_ms: int = 1000) -> CaptureStats:
        """Drain what the RX rings hold (within the count), give a forward's TX up to tx_timeout_ms to
        complete, flush the writer, read final statistics."""
        for _ in range(max_rounds):
            moved = _check(lib.xdpd_capture_step(self._handle(), 0, 4096), "capture")
            wrote = self.writer.step(0) if self.writer is not None else 0
            if moved == 0 and wrote == 0:
                break
        _check(lib.xdpd_capture_flush_tx(self._handle(), tx_timeout_ms), "forward")
        lib.xdpd_rr_set_producer_done(self.ring._handle())
        if self.writer is not None:
            self.writer.step(0)
            self.writer.flush()
        return self.stats()

    def stats(self, refresh: bool = True) -> CaptureStats:
        """Counters from shared memory; refresh first reads XDP_STATISTICS from the sockets (the net
        role does that itself, so a supervisor without getsockopt passes refresh=False)."""
        if refresh:
            self._refresh()
        return _shared_stats(self.ring, len(self.targets))  # not self.sockets: they may be released

    def _refresh(self) -> None:
        if self._released:
            raise ValueError("sockets were released: only the shared counters remain")
        _check(lib.xdpd_capture_update_stats(self._handle()), "capture statistics")

    def accounting(self) -> list[FrameAccounting]:
        return [u.accounting() for u in self.umems.values()]

    def _handle(self) -> Any:
        if self._cap is None:
            raise ValueError("capture is closed")
        return self._cap

    def enter_net_role(self, seccomp_filter: bytes | None, log_fd: int, selftest: bool = False) -> None:
        """In a forked net role: install the filter (None: unsandboxed), run the native loop until the
        stop flag or the count, drain what had arrived, flush a forward's TX (bounded), publish final
        statistics, mark the producer done, _exit. Never returns."""
        filt = ffi.from_buffer(seccomp_filter) if seccomp_filter else ffi.NULL
        lib.xdpd_net_role(self._handle(), self.ring._handle(), filt, len(seccomp_filter or b""), log_fd,
                          1000, int(selftest))

    def disown_writer(self) -> None:
        """After forking a process that runs the writer: this process lets go of its copy."""
        if self.writer is not None:
            self.writer.disown()
            self.writer = None

    def release_sockets(self) -> None:
        """In the supervisor, once the net role runs: drop this process's copies of the sockets and
        UMEMs (the role holds its own), so the supervisor can reach neither rings nor frames. The
        record ring and its counters stay; stats(refresh=True) is no longer possible."""
        self._close_umems()
        self._released = True

    def _close_umems(self) -> None:
        for umem in self.umems.values():
            umem.close()
        self.umems.clear()
        self.sockets.clear()

    def close(self) -> None:
        """Flush and free the writer, then sockets, UMEMs and the ring. The output fd stays open."""
        try:
            if self.writer is not None:
                self.writer.close()
        finally:
            self.writer = None
            self.printer = None
            if self._cap is not None:
                lib.xdpd_capture_destroy(self._cap)
                self._cap = None
            self._close_umems()
            self.ring.close()



# --- TX: replay and the inline tap (issue 8) -------------------------------------------------------


@dataclass(frozen=True)
class ReplayCounters:
    """Where a replay stands: frames put on the TX ring, back from the completion ring, and so on."""

    sent: int
    completed: int
    bytes: int
    kicks: int
    loops_done: int
    elapsed_ns: int
    in_flight: int


class Replay(_Closes):
    """Frames (back to back in one buffer, with their lengths) sent out of a TX socket, ``loops``
    times (0: until closed), at ``rate_pps`` frames per second (0: as fast as the device takes them).

    ``.step(timeout_ms=100) -> bool`` runs the native loop (replay.c) for up to timeout_ms, returning
    early on a signal; True once every frame is sent and completed. ``.counters() -> ReplayCounters``.
    """

    def __init__(self, sock: XskSocket, frames: bytes, lens: Sequence[int], loops: int = 1,
                 rate_pps: int = 0) -> None:
        import array

        if loops < 0 or rate_pps < 0:
            raise ValueError("loops and rate must not be negative")
        self.sock = sock
        # Both buffers are read by C for the whole replay: this object keeps them alive.
        self._buf = frames
        self._lens = array.array("I", lens)
        self._c_frames = ffi.from_buffer(self._buf)
        self._c_lens = ffi.from_buffer("uint32_t[]", self._lens)
        out = ffi.new("xdpd_replay **")
        _check(
            lib.xdpd_replay_create(out, sock._handle(), self._c_frames, self._c_lens, len(self._lens), loops,
                                   rate_pps),
            "cannot start the replay",
        )
        self._ptr: Any = out[0]

    def step(self, timeout_ms: int = 100) -> bool:
        return bool(_check(lib.xdpd_replay_step(self._handle(), timeout_ms), "replay"))

    def counters(self) -> ReplayCounters:
        c = ffi.new("struct xdpd_replay_counters *")
        lib.xdpd_replay_counters(self._handle(), c)
        return ReplayCounters(c.sent, c.completed, c.bytes, c.kicks, c.loops_done, c.elapsed_ns, c.in_flight)

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("replay is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr is not None:
            lib.xdpd_replay_destroy(self._ptr)
            self._ptr = None



@dataclass(frozen=True)
class ForwardCounters:
    """The TX side of an inline tap."""

    forwarded: int      # completed on OUT
    tx_queued: int      # put on OUT's TX ring
    copied: int         # of tx_queued, copied into OUT's own UMEM (no XDP_SHARED_UMEM)
    kicks: int
    shared: bool        # OUT shares the capture's UMEM: frames go out without a copy
    in_flight: int
    out_xdp: XskStats   # OUT socket's XDP_STATISTICS

    @property
    def tx_errors(self) -> int:
        """Frames OUT's kernel side refused (bad descriptors: too long for the device, and so on)."""
        return self.out_xdp.tx_invalid_descs


class Forwarder(Capture):
    """An inline tap: a capture of ``targets`` (one interface's rx queues) whose every frame is also
    sent out of (out_ifindex, out_queue) through a TX socket sharing the capture's UMEM
    (XDP_SHARED_UMEM: no copy), or, when the kernel refuses the sharing, through its own UMEM (copied).

    A ``Capture`` (the same native loop, the same net role) plus ``.shared``, ``.out_zerocopy``,
    ``.share_error`` and ``.counters() -> ForwardCounters``; ``.finish()`` waits for OUT's completions.
    """

    OUT_UMEM = -1  # key of OUT's own UMEM in .umems (no ifindex is negative)

    def __init__(
        self,
        targets: Sequence[CaptureTarget],
        out_ifindex: int,
        out_queue: int = 0,
        *,
        mode: str = "auto",
        ring_size: int = 2048,
        frame_size: int = 4096,
        snaplen: int = DEFAULT_SNAPLEN,
        count: int = 0,
        ring_bytes: int = DEFAULT_RING_BYTES,
        need_wakeup: bool = True,
        share_umem: bool = True,
    ) -> None:
        if not targets or len({t.ifindex for t in targets}) != 1:
            raise UserError("a forward captures the rx queues of exactly one interface")
        self.out: XskSocket | None = None
        self.share_error: str | None = None
        self.shared = False
        self.out_zerocopy = False
        super().__init__(targets, mode=mode, ring_size=ring_size, frame_size=frame_size, snaplen=snaplen,
                         count=count, ring_bytes=ring_bytes, need_wakeup=need_wakeup)
        try:
            in_umem = self.umems[self.targets[0].ifindex]
            self.out = self._open_out(in_umem, out_ifindex, out_queue, ring_size, frame_size, share_umem,
                                      need_wakeup)
            self.shared = self.out.umem is in_umem
            self.out_zerocopy = self.out.zerocopy
            _check(lib.xdpd_capture_forward_to(self._handle(), self.out._handle()), "forward")
        except BaseException:
            self.close()
            raise

    def _umem_frames(self, sockets: int, fill_size: int, ring_size: int) -> int:
        # Every in socket's fill ring full, plus OUT's TX ring full of frames in flight.
        return sockets * fill_size + ring_size

    def _open_out(self, umem: Umem, ifindex: int, queue: int, ring_size: int, frame_size: int, share: bool,
                  need_wakeup: bool) -> XskSocket:
        if share:
            try:
                return XskSocket(umem, ifindex, queue, rx_size=0, tx_size=ring_size, fill_size=64,
                                 comp_size=ring_size)
            except UserError as e:
                # e.g. IN is zero-copy and OUT's driver is not, or a kernel before 5.10 (no sharing
                # across devices): forward by copying instead.
                self.share_error = str(e)
        own = Umem(ring_size, frame_size)
        self.umems[self.OUT_UMEM] = own
        return XskSocket(own, ifindex, queue, rx_size=0, tx_size=ring_size, fill_size=64, comp_size=ring_size,
                         need_wakeup=need_wakeup)

    def net_role_fds(self) -> list[int]:
        """IN's sockets and OUT's: the net role receives on the first and transmits on the last."""
        assert self.out is not None
        return sorted([*super().net_role_fds(), self.out.fd])

    def counters(self, refresh: bool = True) -> ForwardCounters:
        """The TX side from shared memory (written by whichever process runs the loop); refresh first
        reads OUT's XDP_STATISTICS, as stats() does."""
        if refresh:
            self._refresh()
        c = ffi.new("struct xdpd_forward_counters *")
        lib.xdpd_rr_forward_counters(self.ring._handle(), c)
        return ForwardCounters(c.forwarded, c.tx_queued, c.copied, c.kicks, bool(c.shared), c.in_flight,
                               XskStats._from_c(c.out_xdp))

    def _close_umems(self) -> None:
        self.out = None  # closed with the UMEM it is bound to
        super()._close_umems()
