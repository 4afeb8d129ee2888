"""scapy's L2 listen socket over an xdpdump capture: ``sniff()`` through AF_XDP, the filter in the kernel.

Owns ``XDPListenSocket``, a scapy ``SuperSocket`` backed by ``xdpdump.open_live``::

    from scapy.all import conf, sniff
    from xdpdump.scapy import XDPListenSocket

    sniff(opened_socket=XDPListenSocket("eth0", filter="udp port 53"), prn=lambda p: p.summary())
    conf.L2listen = XDPListenSocket          # or: every sniff() without a socket uses it
    sniff(iface="eth0", filter="udp port 53", count=10)

The filter is compiled into the XDP program, so frames it does not match never leave the kernel (and
reach the stack untouched), while matching frames are consumed by the capture. Frames scapy cannot
keep up with are dropped by the kernel and counted: ``sock.dropped``, ``sock.stats()``; nothing
is lost silently. The socket only listens (``send`` is refused); closing it stops the capture.
It is non-blocking in scapy's sense: its ``select`` waits at most ``POLL_S`` at a time, so
``AsyncSniffer.stop()`` is noticed promptly.
"""

from __future__ import annotations

from typing import Any

from scapy.config import conf
from scapy.data import ETH_P_ALL, MTU
from scapy.interfaces import network_name
from scapy.layers.l2 import Ether
from scapy.packet import Packet
from scapy.supersocket import SuperSocket

import xdpdump
from xdpdump.api.frames import Frame
from xdpdump.api.live import Batches, LiveCapture
from xdpdump.api.stats import Stats

__all__ = ["XDPListenSocket"]

POLL_S = 0.05  # the longest select() waits for a frame before letting sniff() look at its own state


class XDPListenSocket(SuperSocket):
    """Read frames at layer 2 through an xdpdump AF_XDP capture of iface, ``filter`` in XDP.

    Takes scapy's L2listen arguments (``type``, ``promisc``, ``nofilter`` and ``monitor`` are accepted
    and ignored: every frame the filter matches is captured) and any ``xdpdump.open_live`` keyword
    (``snaplen``, ``buffer_kib``, ``queue``, ``mode``, ``sandbox``...).
    """

    desc = "read packets at layer 2 through AF_XDP (xdpdump), the filter compiled into the XDP program"
    nonblocking_socket = True

    def __init__(self, iface: Any = None, type: int = ETH_P_ALL, promisc: Any = None, filter: str | None = None,
                 nofilter: int = 0, monitor: Any = None, **open_live_keywords: Any) -> None:
        self.ins = self.outs = None  # type: ignore[assignment]  # no file descriptor: the ring is shared memory
        self.iface = network_name(iface or conf.iface)
        self.type = type
        self.promisc = promisc
        self.filter = filter
        self.basecls = Ether  # XDP sees Ethernet frames (link type EN10MB)
        self.capture: LiveCapture = xdpdump.open_live(self.iface, filter or "", **open_live_keywords)
        self._batches: Batches = self.capture.batches()
        self._pending: list[Frame] = []
        self._next = 0
        self._ended = False

    def _refill(self, timeout: float) -> bool:
        """Take the next batch once the last is used up; True when a frame (or the end) is pending."""
        if self._next < len(self._pending):
            return True
        if self._ended:
            return True  # recv_raw reports the end (EOFError), which sniff() handles
        try:
            self._pending, self._next = list(self._batches.poll(timeout)), 0
        except StopIteration:
            self._pending, self._next, self._ended = [], 0, True
        return self._ended or bool(self._pending)

    def recv_raw(self, x: int = MTU) -> tuple[type[Packet] | None, bytes | None, float | None]:
        """The next frame's bytes (a copy: the batch it came from is given back once read) and time."""
        if not self._refill(0):
            return None, None, None
        if self._next >= len(self._pending):
            raise EOFError("the capture has ended")
        pkt = self._pending[self._next]
        self._next += 1
        return self.basecls, bytes(pkt.data), pkt.ts_ns / 1e9

    @staticmethod
    def select(sockets: list[SuperSocket], remain: float | None = None) -> list[SuperSocket]:
        """The sockets with a frame to read, waiting up to remain (at most POLL_S) on the first."""
        ours = [s for s in sockets if isinstance(s, XDPListenSocket)]
        ready = [s for s in ours if s._refill(0)]
        if ready or not ours:
            return ready  # type: ignore[return-value]
        wait = POLL_S if remain is None else max(0.0, min(remain, POLL_S))
        return [s for s in ours if s._refill(wait if s is ours[0] else 0)]  # type: ignore[misc]

    def send(self, x: Packet) -> int:
        raise OSError("XDPListenSocket only listens")

    def fileno(self) -> int:
        raise OSError("XDPListenSocket has no file descriptor: use its select()")

    def stats(self) -> Stats:
        """The capture's figures (``xdpdump.Stats``): captured, matched, dropped by the kernel..."""
        return self.capture.stats()

    @property
    def dropped(self) -> int:
        """Frames the filter matched that the kernel dropped, scapy being too slow to take them."""
        return self.capture.stats().dropped

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        capture = getattr(self, "capture", None)
        if capture is not None:
            capture.close()
