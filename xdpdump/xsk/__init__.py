"""The Python face of the native core (``xdpdump._native``): one module per native concept.

- ``umem``: ``Umem`` (native/umem.c); ``socket``: ``XskSocket`` (socket.c, fill_ring.c, tx.c, stats.c)
- ``record_ring``: ``RecordRing``, ``PacketConsumer``, ``Packet`` (record_ring.c)
- ``pcap_writer``: ``ArchiveWriter`` (pcap_writer.c; the archive role, role.c); ``rotation``: ``Rotation``
  (rotation.c) and ``landlock_abi`` (landlock.c); ``offline_copy``: ``OfflineCopy`` (offline_copy.c)
- ``capture_loop``: ``AfXdpCapture``, ``CaptureTarget`` (capture_loop.c; the net loop, net_loop.c)
- ``congestion``: the capture's congested flags (congestion.c)
- ``tap``: ``InlineTap``, ``TapCounters`` (tap.c)
- ``mirror_loop``: ``MirrorLoop`` (mirror_loop.c: the mirror capture's BPF ring buffers -> record ring)
- ``replay``: ``Replay``, ``ReplayCounters`` (replay.c)
- ``policy_filters``: ``supervisor_filter`` (policy_filters.c, native/generated/)
- ``metrics_region``: ``MetricsRegion`` (metrics_region.c) and the metrics and gui roles' entries
  (role.c over http.c, metrics_role.c, gui_role.c)
- ``stats``: the counters as frozen values

Owns the lifetime of native objects (every class is a context manager; ``close()`` unmaps and closes
what it made; a producer never closes the ring it was given) and the translation of native errors
into ``UserError`` / ``InternalError`` (``_native``). No packet is touched here except to hand it to a
printer: rings, copying and pcap encoding happen in C. Objects are not thread-safe; the record ring
is the only thing meant to be shared (across fork). Sizes are the caller's: nothing here decides them.
"""

from xdpdump.xsk.capture_loop import AfXdpCapture, CaptureTarget
from xdpdump.xsk.metrics_region import MetricsRegion, RegionInfo, RegionState
from xdpdump.xsk.mirror_loop import MirrorLoop
from xdpdump.xsk.pcap_writer import ArchiveWriter
from xdpdump.xsk.policy_filters import supervisor_filter
from xdpdump.xsk.record_ring import Packet, PacketConsumer, RecordRing
from xdpdump.xsk.replay import Replay, ReplayCounters
from xdpdump.xsk.socket import XskSocket
from xdpdump.xsk.stats import CaptureStats, FrameAccounting, RingCounters, SocketStats, XskStats
from xdpdump.xsk.tap import InlineTap, TapCounters
from xdpdump.xsk.umem import Umem

__all__ = [
    "AfXdpCapture",
    "ArchiveWriter",
    "CaptureStats",
    "CaptureTarget",
    "FrameAccounting",
    "InlineTap",
    "MetricsRegion",
    "MirrorLoop",
    "Packet",
    "PacketConsumer",
    "RecordRing",
    "RegionInfo",
    "RegionState",
    "Replay",
    "ReplayCounters",
    "RingCounters",
    "SocketStats",
    "TapCounters",
    "Umem",
    "XskSocket",
    "XskStats",
    "supervisor_filter",
]
