"""scapy's sniff() through ``xdpdump.scapy.XDPListenSocket``, on real veths.

The burst: the benchmark's generator floods the capture device with 1,000,000 frames, exactly 1% of
them (10,000) to UDP port 9999; sniff() with that filter must get every one of them (the filter runs in
the XDP program, so scapy only ever sees those), and the other 990,000 go to the kernel stack.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from api_helpers import ApiScript
from capture_helpers import xdp_attached
from netns import Netns, send_udp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generator, topology  # noqa: E402

FLOOD = 1_000_000


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: namespaces, veths and XDP programs")
def test_sniff_gets_every_frame_of_a_burst_its_filter_matches_and_leaves_the_flood_to_the_kernel(tmp_path):
    trafgen = generator.build(tmp_path)
    with topology.built() as topo:
        script = ApiScript(Netns(topo.cap_ns), rf'''
from scapy.all import UDP, sniff
from xdpdump.scapy import XDPListenSocket

sock = XDPListenSocket("{topology.CAP_DEV}", filter="udp port 9999")
say("ready")
got = sniff(opened_socket=sock, count={FLOOD // 100}, timeout=180)
stats = sock.stats()
report(n=len(got), ports=sorted({{p[UDP].dport for p in got}}),
       captured=stats.captured, matched=stats.matched, passed=stats.passed, dropped=sock.dropped)
sock.close()
''')
        script.expect("ready")
        sent = generator.send(trafgen, topo, 64, FLOOD, cpu=0, max_seconds=120)
        r = script.finish(timeout=240)
        assert sent.frames == FLOOD and not sent.timed_out
        assert r["n"] == r["captured"] == r["matched"] == sent.matching == FLOOD // 100
        assert r["ports"] == [9999]  # (the generator's frames to 9999 are all alike: counts tell)
        assert r["dropped"] == 0
        assert r["passed"] >= FLOOD - FLOOD // 100  # the rest went on to the stack
        assert not topo.xdp_attached()


def test_conf_l2listen_makes_sniff_use_it_with_the_filter_in_xdp(pair):
    cap, peer = pair
    script = ApiScript(cap.ns, r'''
from scapy.all import UDP, conf, sniff
from xdpdump.scapy import XDPListenSocket

conf.L2listen = XDPListenSocket
got = sniff(iface="xd0", filter="udp port 9000", count=40, timeout=120, started_callback=lambda: say("ready"))
report(payloads=[bytes(p[UDP].payload).decode() for p in got], kinds=sorted({type(p).__name__ for p in got}))
''')
    script.expect("ready")
    send_udp(peer, cap, 9001, [b"to the stack"] * 5)
    send_udp(peer, cap, 9000, [f"m{i}".encode() for i in range(40)])
    r = script.finish()
    assert r["payloads"] == [f"m{i}" for i in range(40)]
    assert r["kinds"] == ["Ether"]
    assert xdp_attached(cap.ns) == {}


def test_frames_scapy_cannot_keep_up_with_are_dropped_in_the_kernel_and_counted_on_the_socket(pair):
    cap, peer = pair
    script = ApiScript(cap.ns, r'''
from scapy.all import sniff
from xdpdump.scapy import XDPListenSocket

# The smallest rings: 64 descriptors, a 64 KiB record ring; nothing is read until the test has sent.
# congested="drop": the kernel drops what the ring cannot take (the default passes it to the stack).
sock = XDPListenSocket("xd0", filter="udp port 9000", ring_size=64, buffer_kib=64, congested="drop")
say("ready")
input()
got = sniff(opened_socket=sock, timeout=3)
stats = sock.stats()
report(received=len(got), dropped=sock.dropped, captured=stats.captured, matched=stats.matched)
sock.close()
''', stdin=True)
    script.expect("ready")
    send_udp(peer, cap, 9000, [b"x" * 1000] * 2000)
    script.send("")
    r = script.finish()
    assert r["matched"] == 2000
    assert r["dropped"] > 0 and r["received"] == r["captured"]
    assert r["received"] + r["dropped"] == 2000  # every frame read or counted: none vanished
