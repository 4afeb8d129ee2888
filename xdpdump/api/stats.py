"""``Stats``: a capture's figures as the API returns them, the same the CLI's summary prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stats:
    """A capture's counters; the first three are the CLI summary's three lines.

    - ``captured``: frames recorded ("packets captured");
    - ``matched``: frames the filter matched in the XDP program ("packets received by filter");
    - ``dropped``: frames the kernel could not deliver ("packets dropped by kernel": rx_dropped,
      rx_ring_full and rx_invalid_descs of XDP_STATISTICS), among them every frame a reader too slow
      left behind: the capture never overwrites what has not been read;
    - ``dropped_by_reason``: each XDP_STATISTICS field (``xdpdump -v``), summed over the sockets;
    - ``passed``: frames left to the kernel stack (not matched, or no socket on their queue);
    - ``ring_full``: times the capture found the record ring full (a reader behind);
    - ``congested``: matched frames passed to the kernel stack instead of captured while the record
      ring was full (the AF_XDP capture; the summary's "passed to the stack while the capture was
      congested"): with ``captured`` and ``dropped`` they account for every matched frame.

    For a capture file: ``captured`` records read, ``matched`` those the expression matched (all of
    them without one), the rest 0.
    """

    captured: int
    matched: int
    dropped: int
    passed: int = 0
    ring_full: int = 0
    congested: int = 0
    dropped_by_reason: Mapping[str, int] = field(default_factory=dict)
