"""A congested AF_XDP capture: while the record ring is full, matched frames go on to the stack.

A printer whose stdout nobody reads fills the record ring; the net role then raises its queues'
congested flags and the capture program passes matched frames to the stack (a UDP socket in the
namespace receives them), counted as congested: captured + congested + dropped by kernel is every
frame sent. Without congestion the count is 0; with --congested drop the kernel drops them, as before.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess

import pytest
from api_helpers import ApiScript
from capture_helpers import RunningCapture, start_capture, summary_value, tcpdump_read
from listener_helpers import get_ok, listener_port, metric_samples, metric_sum, wait_for
from netns import drain, send_udp, udp_receiver

from xdpdump.xsk import congestion

SENT = 4000
SO_RCVBUFFORCE = 33     # asm-generic/socket.h; Python's socket module does not name it
CONGESTED_LINE = "packets passed to the stack while the capture was congested"
# The smallest record ring (a few hundred frames fill it, and the pipe nobody reads holds some 900
# lines), an RX ring that holds a burst while the net role naps, and far more frames than all that.
STALLING = ("-n", "--ring-size", "512", "-B", "64")


def payloads(n: int, size: int = 46) -> list[bytes]:
    return [f"c{i:05d}".encode() + b"." * (size - 6) for i in range(n)]


def receiver(end) -> socket.socket:
    """The stack's end of port 9000, with room for every frame sent (root may exceed rmem_max)."""
    s = udp_receiver(end, 9000)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    return s


def send_in_bursts(peer, cap, n: int, size: int = 46) -> None:
    sent = payloads(n, size)
    for i in range(0, n, 100):
        send_udp(peer, cap, 9000, sent[i:i + 100])


def flood_capture(pair, *args: str, read_stdout: bool = True) -> tuple[RunningCapture, list[bytes]]:
    """A capture printing `udp port 9000` with args, SENT frames sent to port 9000, stopped: the
    capture, and the datagrams that reached the stack's socket."""
    cap, peer = pair
    with receiver(cap) as rx:
        run = start_capture(cap.ns, "-i", cap.dev, *args, "udp port 9000", read_stdout=read_stdout)
        send_in_bursts(peer, cap, SENT)
        assert run.finish(signal.SIGINT) == 0, run.stderr
        return run, drain(rx)


def test_a_stalled_printer_passes_matched_frames_to_the_stack_and_counts_them(pair):
    run, on_stack = flood_capture(pair, *STALLING, "-v", read_stdout=False)
    s = run.summary()
    congested = summary_value(run.stderr, CONGESTED_LINE)
    assert congested > 0, run.stderr
    # The host kept its traffic: each frame passed while congested reached the UDP socket, whole.
    assert len(on_stack) == congested
    assert set(on_stack) <= set(payloads(SENT))
    assert s["received by filter"] == SENT
    assert s["captured"] + congested + s["dropped by kernel"] == SENT, run.stderr
    printed = [ln for ln in run.stdout_text.splitlines() if not ln.startswith(" ")]
    assert len(printed) == s["captured"]
    # The flag is lowered again once the printer catches up: frames are captured after a congestion.
    assert s["captured"] > 0


@pytest.mark.parametrize("size", [46, 1000], ids=["copied-record-ring-full", "by-reference-frames-held"])
def test_a_stalled_reader_of_w_dash_passes_matched_frames_and_the_metrics_count_them(pair, tmp_path, size):
    """`-w - | (nobody reads)`: small frames fill the record ring; large ones (recorded by reference)
    run out of the frames the capture may hold. Either way matched frames go on to the stack while
    the capture is congested, and /metrics and the live page say how many while it runs."""
    cap, peer = pair
    with receiver(cap) as rx:
        run = start_capture(cap.ns, "-i", cap.dev, "-w", "-", "-U", "--ring-size", "512", "-B", "64",
                            "--metrics", "0", "--gui", "0", "udp port 9000", read_stdout=False)
        try:
            port = listener_port(run, "metrics")
            send_in_bursts(peer, cap, SENT, size)
            body = wait_for(lambda: (b := get_ok(cap.ns, port, "/metrics").decode())
                            and metric_sum(b, "xdpdump_congested_passed_frames_total") > 0 and b,
                            "frames passed while congested in /metrics")
            assert list(metric_samples(body, "xdpdump_congested_passed_frames_total")) == ['{interface="xd0"}']
            if shutil.which("promtool"):
                check = subprocess.run(["promtool", "check", "metrics"], input=body.encode(), capture_output=True,
                                       timeout=60)
                assert check.returncode == 0 and not check.stdout.strip(), check.stdout + check.stderr
            # The live page lists them with the drops (the same published counters).
            state = json.loads(get_ok(cap.ns, listener_port(run, "gui"), "/api/state"))
            assert state["drops"]["passed_while_congested"] > 0
        finally:
            assert run.finish(signal.SIGINT) == 0, run.stderr
        on_stack = drain(rx)
    s = run.summary()
    congested = summary_value(run.stderr, CONGESTED_LINE)
    assert len(on_stack) == congested > 0
    assert s["captured"] + congested + s["dropped by kernel"] == SENT, run.stderr
    out = tmp_path / "stdout.pcap"
    out.write_bytes(run.stdout_text.encode("latin-1"))
    assert len(tcpdump_read(out)) == s["captured"]


def test_without_congestion_nothing_is_passed_to_the_stack(pair):
    """The control: a reader that keeps up and a ring that holds every frame; no congested line."""
    run, on_stack = flood_capture(pair, "-n")
    s = run.summary()
    assert on_stack == []
    assert "congested" not in run.stderr
    assert s["captured"] + s["dropped by kernel"] == SENT


def test_congested_drop_keeps_the_kernel_dropping(pair):
    """--congested drop: the flags are never raised; the kernel drops what the capture cannot take."""
    run, on_stack = flood_capture(pair, *STALLING, "--congested", "drop", read_stdout=False)
    s = run.summary()
    assert on_stack == []
    assert "congested" not in run.stderr
    assert s["dropped by kernel"] > 0
    assert s["captured"] + s["dropped by kernel"] == SENT


def test_the_api_reports_frames_passed_while_congested(pair):
    """open_live's default: nothing is read until everything is sent; what the ring could not take
    went to the stack, and Stats says how many."""
    cap, peer = pair
    script = ApiScript(cap.ns, r'''
capture = xdpdump.open_live("xd0", "udp port 9000", buffer_kib=64, ring_size=512)
batches = capture.batches(timeout=1.0)
say("ready")
input()
received = 0
for batch in batches:
    if not batch:
        break
    received += len(batch)
capture.close()
s = capture.stats()
report(received=received, captured=s.captured, congested=s.congested, dropped=s.dropped, matched=s.matched)
''', stdin=True)
    with receiver(cap) as rx:
        script.expect("ready")
        send_in_bursts(peer, cap, SENT)
        script.send("")
        r = script.finish()
        on_stack = drain(rx)
    assert r["matched"] == SENT
    assert r["congested"] > 0 and len(on_stack) == r["congested"]
    assert r["received"] == r["captured"]
    assert r["captured"] + r["congested"] + r["dropped"] == SENT


def test_congested_takes_pass_or_drop(pair):
    cap, _peer = pair
    r = cap.ns.tool("xdpdump", "-i", cap.dev, "--congested", "sometimes")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == ["xdpdump: --congested sometimes: one of pass, drop"]


RING = 1 << 16


@pytest.mark.parametrize(("raised", "blocked", "free", "after"), [
    (False, True, 0, True),             # a pass found the ring full: up
    (True, True, RING, True),           # full again: stays up
    (True, False, RING // 4 - 32, True),  # room for a few records is not enough: stays up (no flapping)
    (True, False, RING // 4, False),    # a quarter free: down
    (False, False, 0, False),           # never raised without a full ring, however little is free
])
def test_hysteresis_raises_on_a_full_ring_and_lowers_at_a_quarter_free(raised, blocked, free, after):
    assert congestion.decide(raised, blocked, free, RING) is after
