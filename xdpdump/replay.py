"""`xdp-replay`: transmit a capture file's frames out of a device through an AF_XDP socket.

    xdp-replay FILE -i DEV [--rate PPS] [--loop N] [--queue Q] [--mode auto|native|skb]
               [--copy|--zerocopy] [--ring-size N] [--frame-size 2048|4096]

Owns the replay from file to summary. The file (pcap or pcapng, Ethernet) is read once, here, into
one buffer of frames back to back and an array of their lengths; from then on the native loop
(native/replay.c) does the work: copy into UMEM frames, TX descriptors in batches, sendto() wake-ups,
completion reaping, token-bucket pacing. Python only waits for it in 100 ms steps so Ctrl-C and
SIGTERM stop it (the summary is still printed).

Frames are sent as stored: a frame the file holds snapped (shorter than on the wire) goes out at its
stored length, and a frame larger than a UMEM frame (or than DEV's MTU allows) is skipped and counted,
never truncated; any skipped frame makes the exit status 1 (the rest are still sent). `--loop 0`
repeats until interrupted.

No XDP program is needed to transmit in copy mode (veth, most drivers without zero-copy support): the
kernel builds an skb per frame and hands it to the device. In zero-copy mode drivers transmit AF_XDP
frames from their XDP TX rings, which exist only while an XDP program is attached, so when the bind
came out zero-copy and DEV has no program, a pass program is attached (held by a BPF link, gone when
the process is) in --mode.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from array import array
from dataclasses import dataclass

from xdpdump import capfile, netdev
from xdpdump.errors import UserError

LINKTYPE_ETHERNET = 1
ETH_OVERHEAD = 18  # Ethernet header + one VLAN tag beyond the MTU, as the kernel's forwarding check allows
STEP_MS = 100


@dataclass
class FrameBatch:
    """A capture file's sendable frames, back to back, and what had to be left out."""

    data: bytes
    lens: array
    total: int          # records in the file
    oversize: int       # skipped: larger than the limit
    snapped: int        # sent shorter than on the wire (the file holds only part of them)
    limit: int

    @property
    def count(self) -> int:
        return len(self.lens)


def load_frames(path: str, limit: int) -> FrameBatch:
    """Read path once; frames longer than limit are counted and left out."""
    chunks: list[bytes] = []
    lens = array("I")
    total = oversize = snapped = 0
    for rec in capfile.read_capture(path):
        if rec.linktype != LINKTYPE_ETHERNET:
            raise UserError(f"{path}: link-type {rec.linktype} is not Ethernet; only Ethernet frames can be sent")
        total += 1
        if len(rec.data) > limit:
            oversize += 1
            continue
        if not rec.data:
            continue
        snapped += len(rec.data) < rec.wire_len
        chunks.append(rec.data)
        lens.append(len(rec.data))
    return FrameBatch(b"".join(chunks), lens, total, oversize, snapped, limit)


def frame_limit(frame_size: int, mtu: int) -> int:
    """The largest frame that can leave: it must fit a UMEM frame and pass the device's length check."""
    return min(frame_size, mtu + ETH_OVERHEAD)


@contextlib.contextmanager
def tx_program_if_needed(device: netdev.Device, zerocopy: bool, mode: str):
    """Attach a pass program for the zero-copy TX path when DEV has none (see the module docstring)."""
    if not zerocopy or device.xdp.prog_id is not None:
        yield None
        return
    import os

    from xdpdump import bpfsys, loader, programs

    prog = programs.load_pass()
    try:
        last: OSError | None = None
        for candidate in (["native", "skb"] if mode == "auto" else [mode]):
            try:
                link = bpfsys.xdp_link_create(prog.fd, device.index, loader.mode_flags(candidate))
                break
            except OSError as e:
                last = e
        else:
            assert last is not None
            raise UserError(f"{device.name}: zero-copy TX needs an XDP program and it cannot be attached: "
                            f"{last.strerror}")
        try:
            yield candidate
        finally:
            os.close(link)
    finally:
        prog.close()


def replay(args: argparse.Namespace) -> int:
    from xdpdump.capture_setup import StopSignals, rx_queues
    from xdpdump.xsk import Replay, Umem, XskSocket

    device = netdev.lookup(args.interface)
    netdev.require_up(device)
    queue = rx_queues(device, str(args.queue))[0]
    batch = load_frames(args.file, frame_limit(args.frame_size, _mtu(device.name)))
    if batch.count == 0:
        if batch.oversize:
            raise UserError(
                f"{args.file}: all {batch.oversize} frame(s) are larger than {batch.limit} bytes "
                f"(the most {device.name} can send); nothing sent"
            )
        raise UserError(f"{args.file}: no frames to send")
    stop = StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        umem = cleanup.enter_context(Umem(args.ring_size * 2, args.frame_size))
        sock = XskSocket(umem, device.index, queue, rx_size=0, tx_size=args.ring_size, fill_size=64,
                         comp_size=args.ring_size, mode=args.bind_mode or "auto")
        prog_mode = cleanup.enter_context(tx_program_if_needed(device, sock.zerocopy, args.mode))
        rep = cleanup.enter_context(Replay(sock, batch.data, batch.lens, args.loop, args.rate or 0))
        _banner(args, device.name, queue, sock.zerocopy, prog_mode, batch)
        while stop.requested is None and not rep.step(STEP_MS):
            pass
        counters = rep.counters()
        xdp = sock.stats()
    _summary(counters, xdp, batch, interrupted=stop.requested is not None)
    return 1 if batch.oversize else 0


def _mtu(name: str) -> int:
    with open(f"/sys/class/net/{name}/mtu") as f:
        return int(f.read())


def _banner(args, dev: str, queue: int, zerocopy: bool, prog_mode: str | None, batch: FrameBatch) -> None:
    loops = "until interrupted" if args.loop == 0 else f"{args.loop} time(s)"
    rate = f"{args.rate} frames/s" if args.rate else "as fast as the device takes them"
    sys.stderr.write(
        f"xdp-replay: sending {batch.count} frame(s) of {args.file} {loops} out of {dev} queue {queue}, "
        f"AF_XDP {'zero-copy' if zerocopy else 'copy'}, {rate}\n"
    )
    if prog_mode:
        sys.stderr.write(f"xdp-replay: attached a pass program to {dev} ({prog_mode} mode) for zero-copy TX\n")
    if batch.oversize:
        sys.stderr.write(
            f"xdp-replay: skipping {batch.oversize} frame(s) larger than {batch.limit} bytes (not truncated)\n"
        )
    if batch.snapped:
        sys.stderr.write(f"xdp-replay: {batch.snapped} frame(s) were snapped in the file; sent as stored\n")
    sys.stderr.flush()


def _summary(c, xdp, batch: FrameBatch, interrupted: bool) -> None:
    secs = c.elapsed_ns / 1e9
    pps = c.completed / secs if secs > 0 else 0.0
    mbps = c.bytes * 8 / secs / 1e6 if secs > 0 else 0.0
    lines = [
        f"{c.sent} frames sent, {c.completed} completed, {c.bytes} bytes in {secs:.3f} s"
        f"{' (interrupted)' if interrupted else ''}",
        f"{pps:.0f} frames/s, {mbps:.2f} Mbit/s",
        f"tx_invalid_descs {xdp.tx_invalid_descs}, tx_ring_empty_descs {xdp.tx_ring_empty_descs}",
    ]
    if batch.oversize:
        lines.append(f"{batch.oversize} frame(s) skipped: larger than {batch.limit} bytes")
    sys.stderr.write("\n".join(lines) + "\n")
