"""The AF_XDP capture's congested flags (native/congestion.c): while its record ring is full the
capture raises them, and its XDP program passes matched frames to the stack, counted as congested.

Owns mapping one device's flag map into a capture (before the net role's filter, which has no bpf()
system call: the role writes the flags through the inherited mapping) and the rule that raises and
lowers them (``decide``: up on a full ring, down once a quarter of the ring is free again).
"""

from __future__ import annotations

from xdpdump.xsk._native import check, lib
from xdpdump.xsk.capture_loop import AfXdpCapture

__all__ = ["decide", "map_flags"]


def map_flags(capture: AfXdpCapture, ifslot: int, map_fd: int) -> None:
    """Give ``capture`` the congested flags of the device in ``ifslot`` (its program's mmapable
    xdpd_congested map, one flag per rx queue); before the net role is forked."""
    check(lib.xdpd_capture_congestion_map(capture.native_handle(), ifslot, map_fd),
          "cannot map the capture program's congested flags")


def decide(raised: bool, blocked: bool, free_bytes: int, ring_bytes: int) -> bool:
    """The flags' next state after a pass: ``blocked``, the pass found the record ring full."""
    return bool(lib.xdpd_congestion_decide(int(raised), int(blocked), free_bytes, ring_bytes))
