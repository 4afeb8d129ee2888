"""xdp-replay end to end: a scapy-built file sent out of a veth through an AF_XDP TX ring, received by
tcpdump on the peer in its namespace (an independent receiver): bytes, order, --loop, --rate, bad input."""

from __future__ import annotations

import pytest
from tx_helpers import replay, summary_numbers, tcpdump, udp_frames, write_capture

N = 60


def assert_nothing_attached(*ends) -> None:
    for end in ends:
        assert end.ns.xdp_prog_ids() == {}, end.ns.xdp_prog_ids()


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_replayed_frames_arrive_byte_identical_and_in_order(pair, tmp_path, fmt):
    cap, peer = pair
    frames = udp_frames(cap, peer, N, size=0) + udp_frames(cap, peer, 5, tag="big", size=1500)
    src = write_capture(tmp_path / f"in.{fmt}", frames, fmt)
    with tcpdump(peer.ns, peer.dev, tmp_path / "rx.pcap") as rx:
        proc = replay(cap.ns, str(src), "-i", cap.dev)
        assert proc.returncode == 0, proc.stderr
    assert rx.frames() == frames
    counts = summary_numbers(proc.stderr)
    assert counts == {"sent": len(frames), "completed": len(frames), "bytes": sum(map(len, frames))}
    assert "tx_invalid_descs 0," in proc.stderr
    assert "AF_XDP copy" in proc.stderr
    assert_nothing_attached(cap, peer)


def test_loop_3_sends_the_file_three_times(pair, tmp_path):
    cap, peer = pair
    frames = udp_frames(cap, peer, 25)
    src = write_capture(tmp_path / "in.pcap", frames)
    with tcpdump(peer.ns, peer.dev, tmp_path / "rx.pcap") as rx:
        proc = replay(cap.ns, str(src), "-i", cap.dev, "--loop", "3")
        assert proc.returncode == 0, proc.stderr
    assert rx.frames() == frames * 3
    assert summary_numbers(proc.stderr)["completed"] == 75


def test_rate_is_never_exceeded_at_the_receiver(pair, tmp_path):
    """2000 frames/s for about 2 s, measured from the receiver's capture timestamps.

    The token bucket's promise is an upper bound: no second of the run carries more than the rate
    plus the bucket's depth (a millisecond), whatever the machine is doing. It does not repay time a
    scheduler stall took from the sender (a burst afterwards would break the rate), so how far below
    the rate a run falls depends on the machine's load: the lower bound here only catches a pacer
    that sleeps far too long, not a busy machine.
    """
    cap, peer = pair
    rate, n, loops = 2000, 1000, 4
    frames = udp_frames(cap, peer, n)
    src = write_capture(tmp_path / "in.pcap", frames)
    with tcpdump(peer.ns, peer.dev, tmp_path / "rx.pcap") as rx:
        proc = replay(cap.ns, str(src), "-i", cap.dev, "--rate", str(rate), "--loop", str(loops))
        assert proc.returncode == 0, proc.stderr
    stamps = rx.timestamps()
    assert len(stamps) == n * loops
    achieved = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert achieved <= rate * 1.01, f"{achieved:.1f} frames/s at the receiver for --rate {rate}"
    assert achieved >= rate * 0.7, f"{achieved:.1f} frames/s at the receiver for --rate {rate}"
    # Every one-second window, wherever it starts (at each frame), holds at most rate + the bucket.
    burst = rate // 1000 + 1
    j = 0
    for i, t in enumerate(stamps):
        while stamps[j] <= t - 1.0:
            j += 1
        assert i - j + 1 <= rate + burst, f"{i - j + 1} frames within one second ending at frame {i}"


def test_oversize_frames_are_skipped_not_truncated(pair, tmp_path):
    cap, peer = pair
    small = udp_frames(cap, peer, 10)
    big = udp_frames(cap, peer, 2, tag="huge", size=3000)  # fits a 4096-byte UMEM frame, not the 1500 MTU
    src = write_capture(tmp_path / "in.pcap", small[:5] + big + small[5:])
    with tcpdump(peer.ns, peer.dev, tmp_path / "rx.pcap") as rx:
        proc = replay(cap.ns, str(src), "-i", cap.dev)
    assert proc.returncode == 1
    assert rx.frames() == small
    assert "skipping 2 frame(s) larger than 1518 bytes (not truncated)" in proc.stderr
    assert summary_numbers(proc.stderr)["sent"] == 10
    assert_nothing_attached(cap, peer)


def test_ctrl_c_stops_an_endless_replay_with_a_summary(pair, tmp_path):
    import signal
    import time

    cap, peer = pair
    src = write_capture(tmp_path / "in.pcap", udp_frames(cap, peer, 10))
    proc = cap.ns.tool_popen("xdp-replay", str(src), "-i", cap.dev, "--loop", "0", "--rate", "100", text=True)
    deadline = time.monotonic() + 30
    line = ""
    while "xdp-replay: sending" not in line and time.monotonic() < deadline:
        line = proc.stderr.readline()
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    counts = summary_numbers(err)
    assert counts["sent"] > 0 and "(interrupted)" in err


def _one_line_error(proc, expected: str) -> None:
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(expected), proc.stderr


def test_bad_input_is_one_line_and_leaves_nothing_attached(pair, tmp_path):
    cap, peer = pair
    good = write_capture(tmp_path / "good.pcap", udp_frames(cap, peer, 3))
    garbage = tmp_path / "garbage.pcap"
    garbage.write_bytes(b"this is not a capture file at all")
    huge = write_capture(tmp_path / "huge.pcap", udp_frames(cap, peer, 3, size=5000))
    missing = tmp_path / "missing.pcap"
    cases = [
        ([str(missing), "-i", cap.dev], f"xdp-replay: {missing}: No such file or directory"),
        ([str(garbage), "-i", cap.dev], f"xdp-replay: {garbage}: unknown file format"),
        ([str(huge), "-i", cap.dev], f"xdp-replay: {huge}: all 3 frame(s) are larger than 1518 bytes"),
        ([str(good), "-i", "nosuch0"], "xdp-replay: nosuch0: no such device"),
        ([str(good), "-i", cap.dev, "--queue", "3"], f"xdp-replay: {cap.dev} has 1 rx queue(s); there is no queue 3"),
        ([str(good), "-i", cap.dev, "--rate", "0"], "xdp-replay: --rate 0"),
        ([str(good), "-i", cap.dev, "--zerocopy"], "xdp-replay: cannot open AF_XDP socket"),
    ]
    for args, expected in cases:
        _one_line_error(replay(cap.ns, *args), expected)
    cap.ns.ip("link", "set", cap.dev, "down")
    _one_line_error(replay(cap.ns, str(good), "-i", cap.dev), f"xdp-replay: {cap.dev} is down")
    assert_nothing_attached(cap, peer)


def test_replay_api_reuses_frames_and_accounts_for_every_one(pair, tmp_path):
    """500 frames through a 64-entry TX ring and 128 UMEM frames: each frame reused several times."""
    import socket as pysocket

    from netns import entered

    from xdpdump.xsk import Replay, Umem, XskSocket

    cap, peer = pair
    frames = udp_frames(cap, peer, 500)
    with tcpdump(peer.ns, peer.dev, tmp_path / "rx.pcap") as rx, entered(cap.ns.name):
        idx = pysocket.if_nametoindex(cap.dev)
        with Umem(128, 2048) as umem:
            sock = XskSocket(umem, idx, 0, rx_size=0, tx_size=64, comp_size=64, bind_mode="copy")
            with Replay(sock, b"".join(frames), [len(f) for f in frames]) as rep:
                for _ in range(600):
                    if rep.step(100):
                        break
                c = rep.counters()
            acc = umem.accounting()
    assert (c.sent, c.completed, c.in_flight, c.loops_done) == (500, 500, 0, 1)
    assert c.kicks > 0
    assert acc.ok and acc.free == acc.total == 128
    assert rx.frames() == frames, rx.stderr_lines
