"""What a capture tells the user on stderr at exit, in tcpdump's words: the summary."""

from __future__ import annotations

import sys

from xdpdump.xsk import CaptureStats


def print_summary(stats: CaptureStats, counters: list[dict[str, int]], names: list[str], verbose: int,
                  more: list[str] | None = None) -> None:
    """tcpdump's three lines (with -v, drop reasons and per-queue lines), then `more` (a forward's)."""
    kernel = stats.kernel
    matched = sum(c["matched"] for c in counters)
    lines = [
        f"{stats.captured} packets captured",
        f"{matched} packets received by filter",
        f"{kernel.dropped} packets dropped by kernel",
    ]
    if verbose:
        lines += [f"  {n} {reason}" for reason, n in kernel.by_reason().items()]
        passed = sum(c["passed"] for c in counters)
        lines.append(f"{passed} frames left to the stack (not matched, or no socket on their queue)")
        lines.append(f"{stats.ring_full_events} times the capture waited for a reader (record ring full)")
        lines += [
            f"{names[s.ifslot]} queue {s.queue}: {s.captured} captured, {s.xdp.dropped} dropped"
            for s in stats.sockets
        ]
    lines += more or []
    try:
        sys.stderr.write("\n".join(lines) + "\n")
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # `2>&1 | head`: nobody reads the summary; a sandboxed supervisor could not reopen stderr
