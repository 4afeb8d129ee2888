"""The shared record ring and the native pcap/pcapng writer without sockets: records pushed as the
capture loop would (by a test-only producer built from native/record_ring.c, tests/rr_push.py), read
by consumers and by the archive loop (``ArchiveWriter.run``, in a thread), checked by tcpdump/tshark.
No root needed."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rr_push import Pusher, build

from xdpdump.errors import UserError
from xdpdump.xsk import ArchiveWriter, RecordRing

_pusher: Pusher | None = None


@pytest.fixture(scope="module")
def push(tmp_path_factory) -> Pusher:
    global _pusher
    if _pusher is None:
        _pusher = Pusher(build(tmp_path_factory.mktemp("rr_push")))
    return _pusher


class WriterThread:
    """ArchiveWriter.run() (the archive role's loop) in a thread; stop() marks the producer done and
    joins, so the thread never outlives the ring even when the test fails."""

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.writer.run()
        except BaseException as e:  # handed to the test
            self.error = e

    def stop(self) -> None:
        self.writer.ring.producer_done()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error


@pytest.fixture
def writer_thread() -> Iterator[list[WriterThread]]:
    started: list[WriterThread] = []
    yield started
    for w in started:
        if w.thread.is_alive():
            w.writer.ring.producer_done()
            w.thread.join(timeout=60)


def udp_frame(payload: bytes, sport: int = 1234) -> bytes:
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    return bytes(
        Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
        / IP(src="198.18.0.2", dst="198.18.0.1")
        / UDP(sport=sport, dport=9999)
        / payload
    )


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=9000), min_size=1, max_size=300),
    pace=st.lists(st.integers(min_value=1, max_value=40), min_size=2, max_size=2),
)
def test_every_consumer_sees_every_record_in_order(push, sizes, pace):
    records = [bytes([i % 251]) * n + i.to_bytes(4, "little") for i, n in enumerate(sizes)]
    with RecordRing(1 << 16) as ring:
        consumers = [ring.consumer(), ring.consumer()]
        seen: list[list[bytes]] = [[], []]
        pushed = 0
        for _ in range(100000):
            if pushed == len(records) and all(len(s) == len(records) for s in seen):
                break
            while pushed < len(records) and push(ring, records[pushed], ts_ns=pushed):
                pushed += 1
            for c, s, n in zip(consumers, seen, pace, strict=True):
                s += [p.data for p in c.read(n)]
        assert seen == [records, records]
        assert ring.counters().captured == len(records)


def test_producer_never_overwrites_an_unread_record(push):
    with RecordRing(1 << 16) as ring:
        stalled = ring.consumer()
        n = 0
        while push(ring, b"x" * 1000, ts_ns=n) and n < 1000:
            n += 1
        assert 0 < n < 70  # 64 KiB of 1 KiB records: the ring filled and refused, never wrapped over
        first = stalled.read(1)
        assert first[0].ts_ns == 0
        assert push(ring, b"y" * 1000, ts_ns=9999)  # one record freed, one fits again
        rest = stalled.read(256)
        assert [p.ts_ns for p in rest] == [*range(1, n), 9999]


def test_without_consumers_the_producer_runs_free(push):
    with RecordRing(1 << 16) as ring:
        assert all(push(ring, b"z" * 1500, ts_ns=i) for i in range(1000))
        late = ring.consumer()
        assert late.read(10) == []  # a consumer sees what is produced after it registered
        push(ring, b"late", ts_ns=1)
        assert [p.data for p in late.read(10)] == [b"late"]


def test_consumer_slots_are_limited():
    with RecordRing(1 << 16) as ring:
        for _ in range(8):
            ring.consumer()
        with pytest.raises(UserError, match="consumer slot"):
            ring.consumer()


def tcpdump_lines(path) -> int:
    r = subprocess.run(["tcpdump", "-n", "-r", str(path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return len(r.stdout.splitlines())


@pytest.mark.parametrize(("fmt", "nano"), [("pcap", False), ("pcap", True), ("pcapng", False)])
def test_writer_output_is_read_by_tcpdump_and_tshark(push, writer_thread, tmp_path, fmt, nano):
    """pcap in microseconds (truncated, as libpcap) unless nano; pcapng always in nanoseconds."""
    out = tmp_path / f"w.{fmt}"
    frames = [udp_frame(f"rec-{i:04d}".encode() * (1 + i % 7), sport=2000 + i % 3) for i in range(500)]
    base = 1_700_000_000_123_456_789
    with RecordRing(1 << 16) as ring, open(out, "wb") as f:
        # A small buffer forces many write() calls; the 64 KiB ring wraps many times.
        writer = ArchiveWriter(ring, f.fileno(), fmt, snaplen=96, ifnames=["eth-a", "eth-b"], buf_size=4096,
                               nano=nano)
        with writer:
            running = WriterThread(writer)
            writer_thread.append(running)
            for i, frame in enumerate(frames):
                for _ in range(100000):
                    if push(ring, frame[:96], ts_ns=base + i * 1001, wire_len=len(frame), ifslot=i % 2):
                        break
                    time.sleep(0.0001)
                else:
                    pytest.fail(f"record {i} never found room")
                if i == 250:
                    # An idle writer brings the file up to date (whole records) within its idle flush.
                    for _ in range(200):
                        if tcpdump_lines(out) == 251:
                            break
                        time.sleep(0.05)
                    assert tcpdump_lines(out) == 251
            running.stop()
            assert writer.records == len(frames)

    tcpdump = subprocess.run(
        ["tcpdump", "-n", "-tt", "--nano", "-r", str(out)], capture_output=True, text=True, check=True
    )
    lines = tcpdump.stdout.splitlines()
    assert len(lines) == len(frames)
    for i, line in enumerate(lines):
        ts = base + i * 1001
        if fmt == "pcap" and not nano:
            ts -= ts % 1000
        assert line.startswith(f"{ts // 10**9}.{ts % 10**9:09d} IP 198.18.0.2.{2000 + i % 3} > 198.18.0.1.9999")
    tshark = subprocess.run(
        ["tshark", "-r", str(out), "-T", "fields", "-e", "frame.len", "-e", "frame.cap_len",
         "-e", "frame.interface_name"],
        capture_output=True, text=True, check=True,
    )
    rows = [ln.split("\t") for ln in tshark.stdout.splitlines()]
    assert [(int(r[0]), int(r[1])) for r in rows] == [(len(f), min(96, len(f))) for f in frames]
    if fmt == "pcapng":
        assert [r[2] for r in rows] == ["eth-a", "eth-b"] * (len(frames) // 2)


def test_empty_capture_file_is_valid(tmp_path):
    out = tmp_path / "empty.pcap"
    with RecordRing(1 << 16) as ring, open(out, "wb") as f:
        ArchiveWriter(ring, f.fileno()).close()
    assert os.path.getsize(out) == 24
    r = subprocess.run(["tcpdump", "-r", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == ""


def test_archive_loop_on_an_empty_capture_writes_the_header(tmp_path):
    out = tmp_path / "empty-run.pcapng"
    with RecordRing(1 << 16) as ring, open(out, "wb") as f:
        writer = ArchiveWriter(ring, f.fileno(), "pcapng", ifnames=["eth0"])
        ring.producer_done()
        writer.run()
        writer.disown()  # the loop wrote the file; nothing must be written twice
    r = subprocess.run(["tshark", "-r", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == ""
    assert os.path.getsize(out) > 28


def test_write_errors_are_user_errors(tmp_path):
    # The file header is written when the writer is made: a target that cannot be written fails there.
    with RecordRing(1 << 16) as ring:
        rfd, wfd = os.pipe()
        os.close(rfd)
        try:
            with pytest.raises(UserError, match=r"cannot write the capture file: write\(fd=\d+, len=24\) of the "
                                                r"capture file: Broken pipe"):
                ArchiveWriter(ring, wfd)
            assert ring.counters().consumers == 0  # nothing left registered
        finally:
            os.close(wfd)
