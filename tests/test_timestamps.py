"""Per-packet timestamps: each frame is stamped by the capture program (XDP metadata) in both XDP
modes, never backwards within a queue, distinct within a spaced burst, close to the sender's clock;
pcap in microseconds unless --time-stamp-precision nano, pcapng in nanoseconds, as tcpdump and tshark
read them back."""

from __future__ import annotations

import itertools
import os
import signal
import struct
import time
from decimal import Decimal

import pytest
from capture_helpers import start_capture, stop, tcpdump_read
from netns import VENV_BIN, Veth, run
from tx_helpers import forward_lab

N = 20
GAP_S = 0.002          # between the datagrams of a burst
STALL_S = 0.3          # the net role is stopped this long while the burst is sent
NEAR_NS = 5_000_000    # "within a few milliseconds of the sender's clock"


def net_role(supervisor: int) -> int:
    """The capture's net role: the child of the supervisor holding the AF_XDP sockets."""
    for _ in range(500):  # bounded: the roles are forked just before the banner
        with open(f"/proc/{supervisor}/task/{supervisor}/children") as f:
            kids = [int(p) for p in f.read().split()]
        for pid in kids:
            fds = f"/proc/{pid}/fd"
            if any(os.readlink(f"{fds}/{fd}").startswith("socket:") for fd in os.listdir(fds)):
                return pid
        time.sleep(0.01)
    raise AssertionError(f"no net role under {supervisor}")


def send_spaced(src: Veth, dst: Veth, port: int, n: int) -> list[tuple[int, int]]:
    """n datagrams GAP_S apart; for each, CLOCK_REALTIME just before and just after its sendto."""
    import socket

    sent = []
    with src.ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(n):
            before = time.clock_gettime_ns(time.CLOCK_REALTIME)
            s.sendto(f"ts-{i:04d}".encode(), (dst.ip4, port))
            sent.append((before, time.clock_gettime_ns(time.CLOCK_REALTIME)))
            time.sleep(GAP_S)
    return sent


def capture_stalled_burst(pair, path, *args: str, to: Veth | None = None) -> list[tuple[int, int]]:
    """Capture on pair[0] a spaced burst from pair[1] (to pair[0], or to `to` through it) to path
    while the net role is stopped (SIGSTOP), so every frame waits in the RX ring and one drain takes
    them all: a stamp taken when frames are drained would be one stamp for all, STALL_S late."""
    cap, peer = pair
    run_ = start_capture(cap.ns, "-i", cap.dev, "-w", str(path), *args, "udp port 9100")
    role = net_role(run_.proc.pid)
    try:
        os.kill(role, signal.SIGSTOP)
        sent = send_spaced(peer, to or cap, 9100, N)
        time.sleep(STALL_S)
    finally:
        os.kill(role, signal.SIGCONT)
    assert stop(run_) == 0, run_.stderr
    assert run_.summary()["captured"] == N, run_.stderr
    return sent


def tshark_epoch_ns(path) -> list[int]:
    out = run(["tshark", "-r", str(path), "-T", "fields", "-e", "frame.time_epoch"]).stdout.split()
    return [int(Decimal(t) * 1_000_000_000) for t in out]


def tcpdump_epoch_ns(path) -> list[int]:
    lines = tcpdump_read(path, "--time-stamp-precision=nano", "-tt")
    return [int(Decimal(ln.split()[0]) * 1_000_000_000) for ln in lines]


def check_stamps(stamps: list[int], sent: list[tuple[int, int]], unit_ns: int) -> None:
    assert len(stamps) == len(sent)
    assert all(a < b for a, b in itertools.pairwise(stamps)), f"not strictly increasing: {stamps}"
    for stamp, (before, after) in zip(stamps, sent, strict=True):
        # The stamp is taken in between (truncated to the file's unit), give or take the clocks' offset.
        assert before - unit_ns - NEAR_NS <= stamp <= after + NEAR_NS, (stamp - before, after - before)


@pytest.mark.parametrize("mode", ["native", "skb"])
def test_pcapng_stamps_are_per_packet_nanoseconds_near_the_senders_clock(pair, tmp_path, mode):
    out = tmp_path / "f.pcapng"
    sent = capture_stalled_burst(pair, out, "--pcapng", "--mode", mode)
    stamps = tshark_epoch_ns(out)
    check_stamps(stamps, sent, 1)
    assert tcpdump_epoch_ns(out) == stamps
    assert any(s % 1000 for s in stamps), "nanoseconds expected in pcapng"


def test_pcap_default_is_microseconds(pair, tmp_path):
    out = tmp_path / "f.pcap"
    sent = capture_stalled_burst(pair, out)
    assert struct.unpack("<I", out.read_bytes()[:4])[0] == 0xA1B2C3D4
    stamps = tcpdump_epoch_ns(out)
    assert all(s % 1000 == 0 for s in stamps)
    check_stamps(stamps, sent, 1000)
    assert tshark_epoch_ns(out) == stamps


def test_time_stamp_precision_nano_writes_nanosecond_pcap(pair, tmp_path):
    out = tmp_path / "f.pcap"
    sent = capture_stalled_burst(pair, out, "--time-stamp-precision", "nano")
    assert struct.unpack("<I", out.read_bytes()[:4])[0] == 0xA1B23C4D
    stamps = tcpdump_epoch_ns(out)
    check_stamps(stamps, sent, 1)
    assert any(s % 1000 for s in stamps), "nanoseconds expected"
    assert tshark_epoch_ns(out) == stamps
    # -r prints it as tcpdump -r does (microseconds, as tcpdump without --time-stamp-precision).
    ours = run([str(VENV_BIN / "xdpdump"), "-r", str(out), "-n"]).stdout.splitlines()
    assert [ln.split()[0] for ln in ours] == [ln.split()[0] for ln in tcpdump_read(out)]


def test_bad_time_stamp_precision_is_one_line(tmp_path):
    proc = run([str(VENV_BIN / "xdpdump"), "-i", "lo", "--time-stamp-precision", "pico"], check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "xdpdump: unsupported time stamp precision 'pico' (micro or nano)"]


def test_the_inline_tap_stamps_each_frame_too(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcapng"
    sent = capture_stalled_burst((a1, a0), out, "--pcapng", "--forward", b1.dev, to=b0)
    check_stamps(tshark_epoch_ns(out), sent, 1)


def _pcapng_one_frame(path, tsresol: int, units: int) -> None:
    """A pcapng file of one UDP frame stamped ``units`` of ``if_tsresol`` (little-endian)."""
    def block(kind: int, body: bytes) -> bytes:
        body += bytes(-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

    frame = bytes.fromhex("ffffffffffff02000000000108004500002000010000401100" + "00c6120001c6120002"
                          + "30393039000c0000") + b"hi\0\0"
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 65535) + struct.pack("<HHB3x", 9, 1, tsresol) + bytes(4))
    epb = block(6, struct.pack("<IIIII", 0, units >> 32, units & 0xFFFFFFFF, len(frame), len(frame)) + frame)
    path.write_bytes(shb + idb + epb)


@pytest.mark.parametrize("units", [1 << 40, 1 << 56, (1 << 64) - 1])
@pytest.mark.parametrize("flags", [[], ["-tttt"], ["-e"], ["-tt", "-v"]])
def test_a_stamp_past_any_calendar_prints_what_tcpdump_prints(tmp_path, units, flags):
    """if_tsresol 0 (whole seconds) and a 64-bit stamp: a year past what localtime can give. tcpdump
    prints "[Error converting time]" there (or the date, where it can); -r neither ends nor differs."""
    path = tmp_path / "far.pcapng"
    _pcapng_one_frame(path, 0, units)
    ours = run([str(VENV_BIN / "xdpdump"), "-n", *flags, "-r", str(path)], check=False)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.splitlines() == tcpdump_read(path, *flags)


@pytest.mark.parametrize("units", [1 << 40, 1 << 56])
def test_json_gives_a_stamp_past_its_calendar_as_null(tmp_path, units):
    import json

    path = tmp_path / "far.pcapng"
    _pcapng_one_frame(path, 0, units)
    ours = run([str(VENV_BIN / "xdpdump"), "--json", "-r", str(path)], check=False)
    assert ours.returncode == 0, ours.stderr
    obj = json.loads(ours.stdout)
    assert (obj["time"], obj["ts_ns"]) == (None, units * 1_000_000_000)
