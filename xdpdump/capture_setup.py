"""What every capture-like command shares before its loop: queues, filter text, output files, stop signals.

Owns the small decisions `xdpdump` (live.py), `--forward` (forward.py) and `xdp-replay` (replay.py)
make the same way, so they cannot drift apart.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator

from xdpdump import capture_program, netdev
from xdpdump.errors import UserError
from xdpdump.xsk import XDP_PACKET_HEADROOM


def rx_queues(device: netdev.Device, wanted: str) -> list[int]:
    if wanted == "all":
        return list(range(device.rx_queues))
    q = int(wanted)
    if q >= device.rx_queues:
        raise UserError(f"{device.name} has {device.rx_queues} rx queue(s); there is no queue {q}")
    return [q]


def filter_source(args: argparse.Namespace) -> tuple[str, str]:
    """The C text defining xdpd_filter, and how the banner describes it."""
    if args.expression:
        from xdpdump.filter import compile_filter

        return compile_filter(args.expression, args.snaplen).c_source(), f"filter '{args.expression}' in XDP"
    if args.capture_ssh:
        return capture_program.default_filter_source(capture_ssh=True), "no filter"
    return (
        capture_program.default_filter_source(capture_ssh=False),
        "TCP port 22 left to the stack (--capture-ssh to capture it)",
    )


class StopSignals:
    """Ctrl-C and SIGTERM ask the supervisor to stop; it notices within IDLE_POLL_MS."""

    def __init__(self) -> None:
        self.requested: str | None = None

    def _handler(self, signum: int, _frame: object) -> None:
        self.requested = signal.Signals(signum).name

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopSignals]:
        previous = {s: signal.signal(s, self._handler) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            for s, h in previous.items():
                signal.signal(s, h)


class OwnedFd:
    """A descriptor closed exactly once, early or at cleanup (a second close could hit a reused number)."""

    def __init__(self, fd: int) -> None:
        self.fd: int | None = fd

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)


def ring_bytes(kib: int) -> int:
    """-B in KiB, rounded up to the power of two the record ring's index masks need (>= 64 KiB)."""
    return max(64 << 10, 1 << (kib * 1024 - 1).bit_length())


def open_output(path: str) -> int:
    if path == "-":
        return os.dup(sys.stdout.fileno())
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    except OSError as e:
        raise UserError(f"{path}: {e.strerror}") from e


VLAN_ETH_HLEN = 18  # Ethernet header with one 802.1Q tag: what a frame adds to the MTU
UMEM_BYTES_PER_QUEUE = 16 << 20


def umem_geometry(devices: list[netdev.Device], xdp_modes: list[str], frame_size: int | None,
                  ring_size: int | None) -> tuple[int, int]:
    """UMEM frame size and ring size for a capture, where the user left them open.

    How long the net role may be away before the kernel drops is what the rings hold: 4096 frames
    are 2.7 ms at 1.5 Mpps, less than a busy CPU may keep it waiting. Halving the frame size where
    the devices' MTU allows (a 2048-byte frame holds up to 1792 bytes after the copy-mode headroom)
    doubles the frames in the same 16 MiB per queue: 8192 frames, 5.5 ms. Only in native mode:
    generic (skb) XDP runs after GRO, where a frame can be larger than the MTU.
    """
    if frame_size is None:
        largest = max(d.mtu for d in devices) + VLAN_ETH_HLEN
        native = all(mode == "native" for mode in xdp_modes)
        frame_size = 2048 if native and largest <= 2048 - XDP_PACKET_HEADROOM else 4096
    if ring_size is None:
        ring_size = UMEM_BYTES_PER_QUEUE // frame_size
    return frame_size, ring_size
