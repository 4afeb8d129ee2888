"""The AF_XDP capture's banner warns when, with no expression, it takes the host's own traffic: the
device has host addresses. It names --mirror, the mode that captures without taking."""

from __future__ import annotations

import signal

from capture_helpers import start_capture


def taken_lines(stderr: str, dev: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.startswith(f"xdpdump: {dev}: host traffic is taken")]


def capture_banner(ns, *args: str) -> str:
    run = start_capture(ns, *args)
    assert run.finish(signal.SIGINT) == 0, run.stderr
    return run.stderr


def test_no_expression_on_a_device_with_host_addresses_says_host_traffic_is_taken(pair):
    cap, _ = pair
    lines = taken_lines(capture_banner(cap.ns, "-i", cap.dev, "-n"), cap.dev)
    assert lines == [f"xdpdump: {cap.dev}: host traffic is taken: this device has the host's addresses "
                     f"({cap.ip4}) and the frames captured do not reach the stack; --mirror captures "
                     "without taking"]


def test_an_expression_or_a_device_without_addresses_says_nothing(pair):
    cap, _ = pair
    assert taken_lines(capture_banner(cap.ns, "-i", cap.dev, "-n", "udp port 9100"), cap.dev) == []
    cap.ns.ip("addr", "flush", "dev", cap.dev)  # a dedicated capture port: no host address on it
    assert taken_lines(capture_banner(cap.ns, "-i", cap.dev, "-n"), cap.dev) == []
