"""What the supervisor publishes for the metrics and gui roles, from its own loop.

Owns the supervisor's side of the metrics region (xsk.MetricsRegion): at most every PUBLISH_INTERVAL_S,
between two printed batches, never per packet, it publishes what only the supervisor knows (the
capture programs' per-CPU counters, frames printed and not printed, which roles are up, the tap's
counters) and, with --gui, the feed: the last LINES lines printed and, over a sliding window of
WINDOW_S seconds, the protocol mix and top talkers by address pair of the frames printed. The feed is
computed from what the printer already handles (a few header bytes per printed frame); with -w
nothing is printed and the feed stays empty: the page says so. The roles decode nothing.
"""

from __future__ import annotations

import collections
import json
import socket
import struct
import time
from collections.abc import Iterable

from xdpdump.producers import Producer
from xdpdump.roles.process import RoleProcess
from xdpdump.xsk import MetricsRegion, RegionState
from xdpdump.xsk.metrics_region import FEED_MAX_BYTES

PUBLISH_INTERVAL_S = 0.25
WINDOW_S = 10       # the protocol mix and top talkers cover the last WINDOW_S seconds of printed frames
LINES = 50          # last lines printed, as printed
LINE_MAX = 300      # characters kept of one line
TOP_TALKERS = 10

_IP_PROTOCOLS = {1: "icmp", 2: "igmp", 6: "tcp", 17: "udp", 47: "gre", 50: "esp", 58: "icmp6", 132: "sctp"}
_VLAN = (0x8100, 0x88A8)


def _mac(b: bytes) -> str:
    return b.hex(":")


def classify(frame: bytes) -> tuple[str, str, str]:
    """(protocol, source, destination) of an Ethernet frame, from its first headers only: IP
    addresses for IPv4/IPv6, MAC addresses otherwise."""
    if len(frame) < 14:
        return "runt", "?", "?"
    off = 12
    (ethertype,) = struct.unpack_from("!H", frame, off)
    while ethertype in _VLAN and len(frame) >= off + 6:
        off += 4
        (ethertype,) = struct.unpack_from("!H", frame, off)
    l3 = off + 2
    if ethertype == 0x0800 and len(frame) >= l3 + 20:
        proto = frame[l3 + 9]
        name = _IP_PROTOCOLS.get(proto, f"ip proto {proto}")
        return name, socket.inet_ntoa(frame[l3 + 12 : l3 + 16]), socket.inet_ntoa(frame[l3 + 16 : l3 + 20])
    if ethertype == 0x86DD and len(frame) >= l3 + 40:
        proto = frame[l3 + 6]
        name = _IP_PROTOCOLS.get(proto, f"ip6 next header {proto}")
        return (name, socket.inet_ntop(socket.AF_INET6, frame[l3 + 8 : l3 + 24]),
                socket.inet_ntop(socket.AF_INET6, frame[l3 + 24 : l3 + 40]))
    name = "arp" if ethertype == 0x0806 else f"ethertype 0x{ethertype:04x}"
    return name, _mac(frame[6:12]), _mac(frame[0:6])


class _Second:
    """One second of the window: frames per protocol, (frames, bytes) per address pair."""

    def __init__(self, stamp: int) -> None:
        self.stamp = stamp
        self.protocols: collections.Counter[str] = collections.Counter()
        self.pairs: dict[tuple[str, str], list[int]] = {}


class TrafficWindow:
    """The protocol mix and top talkers of the frames printed in the last WINDOW_S seconds."""

    def __init__(self, window_s: int = WINDOW_S) -> None:
        self.window_s = window_s
        self.seconds: collections.deque[_Second] = collections.deque()

    def add(self, frame: bytes, wire_len: int, now: float) -> None:
        stamp = int(now)
        if not self.seconds or self.seconds[-1].stamp != stamp:
            self.seconds.append(_Second(stamp))
        sec = self.seconds[-1]
        proto, src, dst = classify(frame)
        sec.protocols[proto] += 1
        pair = sec.pairs.setdefault((src, dst), [0, 0])
        pair[0] += 1
        pair[1] += wire_len

    def summary(self, now: float) -> tuple[list[tuple[str, int]], list[tuple[str, str, int, int]]]:
        while self.seconds and self.seconds[0].stamp <= int(now) - self.window_s:
            self.seconds.popleft()
        protocols: collections.Counter[str] = collections.Counter()
        pairs: dict[tuple[str, str], list[int]] = {}
        for sec in self.seconds:
            protocols.update(sec.protocols)
            for key, (frames, nbytes) in sec.pairs.items():
                total = pairs.setdefault(key, [0, 0])
                total[0] += frames
                total[1] += nbytes
        top = sorted(pairs.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP_TALKERS]
        return protocols.most_common(), [(s, d, f, b) for (s, d), (f, b) in top]


class LiveFeed:
    """The supervisor's publisher into the metrics region; gui=True keeps the lines and the window."""

    def __init__(self, region: MetricsRegion, producer: Producer, gui: bool) -> None:
        self.region = region
        self.producer = producer
        self.gui = gui
        self.printed = 0
        self.unprinted = 0
        self.lines: collections.deque[str] = collections.deque(maxlen=LINES)
        self.window = TrafficWindow()
        self._next = 0.0

    def observe(self, frame: bytes, wire_len: int, text: str) -> None:
        """One frame printed as text (the printer's output for it, maybe several lines)."""
        self.printed += 1
        if self.gui:
            self.lines.extend(line[:LINE_MAX] for line in text.split("\n"))
            self.window.add(frame, wire_len, time.monotonic())

    def lost(self, n: int) -> None:
        """n frames read from the ring and not printed (stdout went away)."""
        self.unprinted += n

    def publish(self, roles: Iterable[RoleProcess], force: bool = False) -> None:
        """Publish if PUBLISH_INTERVAL_S has passed (or force): counters, roles up, the feed."""
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + PUBLISH_INTERVAL_S
        if self.gui:  # first: a page that sees the new frames-printed count finds their lines already there
            self.region.publish_feed(self.feed_json(now))
        tap = self.producer.transmit_counters()
        up = frozenset([r.name for r in roles if r.running] + ["supervisor"])
        self.region.publish(RegionState(
            filters=self.producer.filter_counters(), printed=self.printed, printer_dropped=self.unprinted,
            tap_forwarded=tap.forwarded if tap else 0, tap_in_flight=tap.in_flight if tap else 0,
            tap_out_xdp=tap.out_xdp if tap else RegionState().tap_out_xdp, roles_up=up,
        ))

    def feed_json(self, now: float) -> bytes:
        """The feed as the page reads it; the oldest lines are left out should it not fit the region."""
        protocols, talkers = self.window.summary(now)
        lines = list(self.lines)
        while True:
            text = json.dumps({"window_s": self.window.window_s, "protocols": protocols, "talkers": talkers,
                               "lines": lines}, separators=(",", ":")).encode()
            if len(text) <= FEED_MAX_BYTES or not lines:
                return text
            lines = lines[len(lines) // 4 + 1 :]
