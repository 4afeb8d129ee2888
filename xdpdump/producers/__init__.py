"""What fills the record ring: the producers the net role runs, driven through one small interface.

Owns ``Producer``, everything the supervisor asks of a producer, and ``open_producer``, which opens
the one the plan names. A producer owns its privileged set-up (programs compiled and attached,
sockets bound), starts taking frames when told (its XSKMAPs filled), hands the net role its
descriptors and native entry, lets go of them in the supervisor once the role runs, and says what
the banner and the summary add. The AF_XDP capture
(afxdp.py), the inline tap (tap.py) and the mirror capture (mirror.py) are peers: none extends another.
"""

from __future__ import annotations

import contextlib
from typing import NoReturn, Protocol

from xdpdump.plan import CapturePlan, Geometry, ProducerKind
from xdpdump.producers.capture_programs import CapturePrograms
from xdpdump.xsk import CaptureStats, RecordRing, TapCounters


class Producer(Protocol):
    """What the supervisor drives, whatever the producer is."""

    geometry: Geometry
    programs: CapturePrograms       # the capture program on each device (their XDP modes)
    zerocopy: bool                  # every capture socket bound zero-copy

    def start(self) -> None:
        """Put the sockets in the capture programs' XSKMAPs: from now on matching frames are taken.
        Until then the programs pass every frame to the stack (an empty XSKMAP slot redirects nowhere)."""
        ...

    def net_role_fds(self) -> list[int]:
        """Every descriptor the net role owns (its policy takes their range)."""
        ...

    def enter_net_role(self, log_fd: int, sandboxed: bool, selftest: bool) -> NoReturn:
        """In the forked net role: the native loop under the net policy, then _exit."""
        ...

    def release(self) -> None:
        """In the supervisor once the net role runs: drop this process's sockets and UMEMs."""
        ...

    def banner_lines(self, sandboxed: bool) -> list[str]:
        """What stderr says at the start (read before release)."""
        ...

    def stats(self) -> CaptureStats:
        """Counters from shared memory (valid after the net role has exited)."""
        ...

    def filter_counters(self) -> list[dict[str, int]]:
        """The XDP programs' counters (seen, matched, redirected, passed), one dict per device."""
        ...

    def summary_lines(self, verbose: int) -> list[str]:
        """Lines the producer adds after tcpdump's summary."""
        ...

    def transmit_counters(self) -> TapCounters | None:
        """What the producer sent out (the inline tap's shared counters), or None: it sends nothing."""
        ...

    @property
    def privileges_to_close(self) -> list[str]:
        """Why tearing down needs CAP_NET_ADMIN (a netlink detach, a --force restore); empty: it does not."""
        ...


def open_producer(plan: CapturePlan, ring: RecordRing, cleanup: contextlib.ExitStack) -> Producer:
    """The plan's producer, set up and registered with cleanup (closed in reverse order of opening)."""
    if plan.producer is ProducerKind.MIRROR:
        from xdpdump.producers.mirror import MirrorProducer

        return MirrorProducer(plan, ring, cleanup)
    if plan.producer is ProducerKind.INLINE_TAP:
        from xdpdump.producers.tap import InlineTapProducer

        return InlineTapProducer(plan, ring, cleanup)
    from xdpdump.producers.afxdp import AfXdpProducer

    return AfXdpProducer(plan, ring, cleanup)
