"""Promiscuous mode as tcpdump: the captured device is promiscuous while the capture runs (one more
reference on its promiscuity count), back to what it was however the capture ends (SIGKILL too, as
the kernel drops the reference of the packet socket holding it); -p leaves it alone."""

from __future__ import annotations

import signal
import time

import pytest
from capture_helpers import start_capture

RELEASE_WAIT_S = 10  # bounded: the kernel closes a killed process's sockets as it reaps it


def promiscuity(ns, dev: str) -> tuple[int, bool]:
    """The device's promiscuity count (`ip -d link`), and whether the IFF_PROMISC a user set is shown.
    As with tcpdump, a packet socket's membership counts without showing the user's flag."""
    link = ns.link(dev)
    return link["promiscuity"], "PROMISC" in link["flags"]


def wait_promiscuity(ns, dev: str, want: tuple[int, bool]) -> tuple[int, bool]:
    deadline = time.monotonic() + RELEASE_WAIT_S
    while (got := promiscuity(ns, dev)) != want and time.monotonic() < deadline:
        time.sleep(0.05)
    return got


@pytest.mark.parametrize(("sig", "already"), [
    (signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGKILL, False), (signal.SIGINT, True),
    (signal.SIGKILL, True),
])
def test_promiscuous_while_capturing_and_restored_after(pair, sig, already):
    cap, _ = pair
    if already:  # someone else holds it already: ours comes on top and goes away alone
        cap.ns.ip("link", "set", cap.dev, "promisc", "on")
    before = promiscuity(cap.ns, cap.dev)
    assert before == ((1, True) if already else (0, False))
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "udp port 9100")
    try:
        assert promiscuity(cap.ns, cap.dev) == (before[0] + 1, already)
    finally:
        status = run.finish(sig)
    assert status == (-signal.SIGKILL if sig == signal.SIGKILL else 0), run.stderr
    assert wait_promiscuity(cap.ns, cap.dev, before) == before


def test_p_leaves_promiscuity_alone(pair):
    cap, _ = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-p", "-n", "udp port 9100")
    try:
        assert promiscuity(cap.ns, cap.dev) == (0, False)
    finally:
        assert run.finish(signal.SIGINT) == 0, run.stderr
    assert promiscuity(cap.ns, cap.dev) == (0, False)


def test_every_captured_device_is_promiscuous(lab):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    a, _ = lab.veth(cap_ns, "xd0", peer_ns, "xd1", subnet=0)
    b, _ = lab.veth(cap_ns, "xd2", peer_ns, "xd3", subnet=1)
    run = start_capture(cap_ns, "-i", a.dev, "-i", b.dev, "-n", "udp port 9100")
    try:
        assert promiscuity(cap_ns, a.dev) == (1, False)
        assert promiscuity(cap_ns, b.dev) == (1, False)
    finally:
        assert run.finish(signal.SIGTERM) == 0, run.stderr
    assert promiscuity(cap_ns, a.dev) == (0, False)
    assert promiscuity(cap_ns, b.dev) == (0, False)
