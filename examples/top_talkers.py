#!/usr/bin/env python3
"""Top talkers, live: which address pairs send the most, every few seconds, from an AF_XDP capture.

    sudo python examples/top_talkers.py eth0 'tcp or udp' --interval 2 --top 5 [--duration 60]

Frames the expression matches are captured (and consumed: they do not reach the stack), counted by
(source, destination) address in pure Python, and the pairs with the most bytes are printed for each
interval; at the end, the totals and the capture's figures. Ctrl-C ends it early.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
import time
from collections import Counter

import xdpdump

ETH_HLEN = 14


def talkers(data: memoryview) -> tuple[str, str] | None:
    """(source, destination) of an Ethernet frame carrying IPv4 or IPv6 (no VLAN tag), else None."""
    if len(data) < ETH_HLEN + 20:
        return None
    ethertype = data[12] << 8 | data[13]
    if ethertype == 0x0800:
        return (str(ipaddress.IPv4Address(bytes(data[26:30]))), str(ipaddress.IPv4Address(bytes(data[30:34]))))
    if ethertype == 0x86DD and len(data) >= ETH_HLEN + 40:
        return (str(ipaddress.IPv6Address(bytes(data[22:38]))), str(ipaddress.IPv6Address(bytes(data[38:54]))))
    return None


def table(title: str, frames: Counter, sizes: Counter, top: int) -> str:
    lines = [title]
    for (src, dst), size in sizes.most_common(top):
        lines.append(f"  {src} > {dst}: {frames[src, dst]} frames, {size} bytes")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dev")
    p.add_argument("expression", nargs="*", help="pcap-filter expression (default: everything but TCP port 22)")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between tables")
    p.add_argument("--top", type=int, default=5, help="pairs per table")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    args = p.parse_args(argv)
    total_frames: Counter = Counter()
    total_bytes: Counter = Counter()
    cap = None
    try:
        with xdpdump.open_live(args.dev, " ".join(args.expression), snaplen=128) as cap:
            batches = cap.batches(timeout=0.2)  # frames are taken from here on
            print("\n".join(cap.description), file=sys.stderr, flush=True)
            started = next_table = time.monotonic()
            frames: Counter = Counter()
            sizes: Counter = Counter()
            for batch in batches:
                for pkt in batch:
                    pair = talkers(pkt.data)
                    if pair is not None:
                        frames[pair] += 1
                        sizes[pair] += pkt.wire_len
                now = time.monotonic()
                if now >= next_table:
                    next_table = now + args.interval
                    if sizes:
                        print(table(f"top talkers, last {args.interval:g} s:", frames, sizes, args.top), flush=True)
                    total_frames.update(frames)
                    total_bytes.update(sizes)
                    frames, sizes = Counter(), Counter()
                if args.duration is not None and now - started >= args.duration:
                    break
            total_frames.update(frames)
            total_bytes.update(sizes)
    except KeyboardInterrupt:
        pass
    except xdpdump.CaptureError as e:
        print(f"top_talkers: {e}", file=sys.stderr)
        return 1
    print(table("top talkers, total:", total_frames, total_bytes, args.top))
    if cap is None:
        return 130
    stats = cap.stats()
    print(f"{stats.captured} captured, {stats.matched} matched by the filter, {stats.dropped} dropped by the kernel")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
