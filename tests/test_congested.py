"""A congested AF_XDP capture: while the record ring is full, matched frames go on to the stack.

A printer whose stdout nobody reads fills the record ring; the net role then raises its queues'
congested flags and the capture program passes matched frames to the stack (a UDP socket in the
namespace receives them), counted as congested: captured + congested + dropped by kernel is every
frame sent. Without congestion the count is 0; with --congested drop the kernel drops them, as before.
"""

from __future__ import annotations

import signal
import socket

import pytest
from capture_helpers import start_capture, summary_value
from netns import drain, send_udp, udp_receiver

from xdpdump.xsk import congestion

SENT = 4000
SO_RCVBUFFORCE = 33     # asm-generic/socket.h; Python's socket module does not name it
CONGESTED_LINE = "packets passed to the stack while the capture was congested"
# The smallest record ring (a few hundred frames fill it, and the pipe nobody reads holds some 900
# lines), an RX ring that holds a burst while the net role naps, and far more frames than all that.
STALLING = ("-n", "--ring-size", "512", "-B", "64")


def payloads(n: int) -> list[bytes]:
    return [f"c{i:05d}".encode() + b"." * 40 for i in range(n)]


def receiver(end) -> socket.socket:
    """The stack's end of port 9000, with room for every frame sent (root may exceed rmem_max)."""
    s = udp_receiver(end, 9000)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    return s


def send_in_bursts(peer, cap, n: int) -> None:
    sent = payloads(n)
    for i in range(0, n, 100):
        send_udp(peer, cap, 9000, sent[i:i + 100])


def test_a_stalled_printer_passes_matched_frames_to_the_stack_and_counts_them(pair):
    cap, peer = pair
    with receiver(cap) as rx:
        run = start_capture(cap.ns, "-i", cap.dev, *STALLING, "-v", "udp port 9000", read_stdout=False)
        send_in_bursts(peer, cap, SENT)
        assert run.finish(signal.SIGINT) == 0, run.stderr
        on_stack = drain(rx)
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


def test_without_congestion_nothing_is_passed_to_the_stack(pair):
    """The control: a reader that keeps up and a ring that holds every frame; no congested line."""
    cap, peer = pair
    with receiver(cap) as rx:
        run = start_capture(cap.ns, "-i", cap.dev, "-n", "udp port 9000")
        send_in_bursts(peer, cap, SENT)
        assert run.finish(signal.SIGINT) == 0, run.stderr
        on_stack = drain(rx)
    s = run.summary()
    assert on_stack == []
    assert "congested" not in run.stderr
    assert s["captured"] + s["dropped by kernel"] == SENT


def test_congested_drop_keeps_the_kernel_dropping(pair):
    """--congested drop: the flags are never raised; the kernel drops what the capture cannot take."""
    cap, peer = pair
    with receiver(cap) as rx:
        run = start_capture(cap.ns, "-i", cap.dev, *STALLING, "--congested", "drop", "udp port 9000",
                            read_stdout=False)
        send_in_bursts(peer, cap, SENT)
        assert run.finish(signal.SIGINT) == 0, run.stderr
        on_stack = drain(rx)
    s = run.summary()
    assert on_stack == []
    assert "congested" not in run.stderr
    assert s["dropped by kernel"] > 0
    assert s["captured"] + s["dropped by kernel"] == SENT


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
