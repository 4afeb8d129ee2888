"""What a capture tells the user on stderr at exit, in tcpdump's words: the summary."""

from __future__ import annotations

import sys

from xdpdump.printer.escape import visible
from xdpdump.xsk import CaptureStats


def packets(n: int) -> str:
    """`1 packet`, `0 packets`, `2 packets`: tcpdump's PLURAL_SUFFIX."""
    return f"{n} packet{'' if n == 1 else 's'}"


def filter_totals(counters: list[dict[str, int]]) -> tuple[int, int]:
    """The capture programs' frames matched ("received by filter") and passed to the stack, all devices."""
    return sum(c["matched"] for c in counters), sum(c["passed"] for c in counters)


def congested_total(counters: list[dict[str, int]]) -> int:
    """Matched frames the capture programs passed to the stack while the capture was congested (its
    record ring full: bpf/xsk_redirect.c); 0 for programs that never take frames (the mirror)."""
    return sum(c.get("congested", 0) for c in counters)


def print_summary(stats: CaptureStats, counters: list[dict[str, int]], names: list[str], verbose: int,
                  more: list[str] | None = None, newline_first: bool = False) -> None:
    """tcpdump's three lines (with -v, drop reasons and per-queue lines), then `more` (a forward's).

    newline_first: Ctrl-C in a terminal left the echoed `^C` where the summary would start; tcpdump
    starts it on a line of its own."""
    matched, passed = filter_totals(counters)
    lines = [
        f"{packets(stats.captured)} captured",
        f"{packets(matched)} received by filter",
        f"{packets(stats.dropped)} dropped by kernel",
    ]
    congested = congested_total(counters)
    if congested:
        lines.append(f"{packets(congested)} passed to the stack while the capture was congested")
    if verbose:
        lines += [f"  {n} {reason}" for reason, n in stats.drop_reasons().items()]
        lines.append(f"{passed} frames left to the stack (not matched, or no socket on their queue)")
        lines.append(f"{stats.ring_full_events} times the capture waited for a reader (record ring full)")
        lines += [
            f"{names[s.ifslot]} queue {s.queue}: {s.captured} captured, {s.xdp.dropped} dropped"
            for s in stats.sockets
        ]
    lines += more or []
    try:
        text = "\n".join(visible(line) for line in lines)  # device names may hold control bytes
        sys.stderr.write(("\n" if newline_first else "") + text + "\n")
        sys.stderr.flush()
    except BrokenPipeError:
        pass  # `2>&1 | head`: nobody reads the summary; a sandboxed supervisor could not reopen stderr
