"""The shared record ring and the native pcap/pcapng writer without sockets: records pushed as the
capture loop would, read by consumers and by tcpdump/tshark. No root needed."""

from __future__ import annotations

import os
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xdpdump.errors import UserError
from xdpdump.xsk import PcapWriter, RecordRing


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
def test_every_consumer_sees_every_record_in_order(sizes, pace):
    records = [bytes([i % 251]) * n + i.to_bytes(4, "little") for i, n in enumerate(sizes)]
    with RecordRing(1 << 16) as ring:
        consumers = [ring.consumer(), ring.consumer()]
        seen: list[list[bytes]] = [[], []]
        pushed = 0
        for _ in range(100000):
            if pushed == len(records) and all(len(s) == len(records) for s in seen):
                break
            while pushed < len(records) and ring.push(records[pushed], ts_ns=pushed):
                pushed += 1
            for c, s, n in zip(consumers, seen, pace, strict=True):
                s += [p.data for p in c.read(n)]
        assert seen == [records, records]
        assert ring.counters().captured == len(records)


def test_producer_never_overwrites_an_unread_record():
    with RecordRing(1 << 16) as ring:
        stalled = ring.consumer()
        n = 0
        while ring.push(b"x" * 1000, ts_ns=n) and n < 1000:
            n += 1
        assert 0 < n < 70  # 64 KiB of 1 KiB records: the ring filled and refused, never wrapped over
        first = stalled.read(1)
        assert first[0].ts_ns == 0
        assert ring.push(b"y" * 1000, ts_ns=9999)  # one record freed, one fits again
        rest = stalled.read(256)
        assert [p.ts_ns for p in rest] == [*range(1, n), 9999]


def test_without_consumers_the_producer_runs_free():
    with RecordRing(1 << 16) as ring:
        assert all(ring.push(b"z" * 1500, ts_ns=i) for i in range(1000))
        late = ring.consumer()
        assert late.read(10) == []  # a consumer sees what is produced after it registered
        ring.push(b"late", ts_ns=1)
        assert [p.data for p in late.read(10)] == [b"late"]


def test_consumer_slots_are_limited():
    with RecordRing(1 << 16) as ring:
        for _ in range(8):
            ring.consumer()
        with pytest.raises(UserError, match="consumer slot"):
            ring.consumer()


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_writer_output_is_read_by_tcpdump_and_tshark(tmp_path, fmt):
    out = tmp_path / f"w.{fmt}"
    frames = [udp_frame(f"rec-{i:04d}".encode() * (1 + i % 7), sport=2000 + i % 3) for i in range(500)]
    base = 1_700_000_000_123_456_789
    with RecordRing(1 << 16) as ring, open(out, "wb") as f:
        # A small buffer and budget force many write() calls and many wraps of the ring.
        writer = PcapWriter(ring, f.fileno(), fmt, snaplen=96, ifnames=["eth-a", "eth-b"], buf_size=4096)
        with writer:
            for i, frame in enumerate(frames):
                while not ring.push(frame[:96], ts_ns=base + i * 1001, wire_len=len(frame), ifslot=i % 2):
                    writer.step(budget=7)
                if i == 250:
                    writer.step()
                    writer.flush()
                    partial = subprocess.run(["tcpdump", "-n", "-r", str(out)], capture_output=True, text=True)
                    assert partial.returncode == 0, partial.stderr
                    assert len(partial.stdout.splitlines()) == 251
            ring.producer_done()
            writer.run()
            assert writer.records == len(frames)

    tcpdump = subprocess.run(
        ["tcpdump", "-n", "-tt", "--nano", "-r", str(out)], capture_output=True, text=True, check=True
    )
    lines = tcpdump.stdout.splitlines()
    assert len(lines) == len(frames)
    for i, line in enumerate(lines):
        ts = base + i * 1001
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
        PcapWriter(ring, f.fileno()).close()
    assert os.path.getsize(out) == 24
    r = subprocess.run(["tcpdump", "-r", str(out)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == ""


def test_write_errors_are_user_errors(tmp_path):
    with RecordRing(1 << 16) as ring:
        rfd, wfd = os.pipe()
        os.close(rfd)
        writer = PcapWriter(ring, wfd)
        try:
            with pytest.raises(UserError, match="write capture file"):
                writer.flush()
        finally:
            writer.disown()
            os.close(wfd)
