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

import contextlib
import sys
from array import array
from dataclasses import dataclass

from xdpdump import capfile
from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.errors import UserError
from xdpdump.plan import ReplayPlan

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


def replay(plan: ReplayPlan) -> int:
    from xdpdump.held_attach import zero_copy_tx_program
    from xdpdump.stop_signals import StopSignals
    from xdpdump.xsk import Replay, Umem, XskSocket

    device = plan.device
    batch = load_frames(plan.path, plan.largest_frame)
    if batch.count == 0:
        if batch.oversize:
            raise UserError(
                f"{plan.path}: all {batch.oversize} frame(s) are larger than {batch.limit} bytes "
                f"(the most {device.name} can send); nothing sent"
            )
        raise UserError(f"{plan.path}: no frames to send")
    stop = StopSignals()
    with contextlib.ExitStack() as cleanup, stop.installed():
        umem = cleanup.enter_context(Umem(plan.umem_frames, plan.frame_size))
        sock = XskSocket(umem, device.index, plan.queue, rx_size=0, tx_size=plan.ring_size, fill_size=64,
                         comp_size=plan.ring_size, bind_mode=plan.bind_mode)
        prog_mode = cleanup.enter_context(zero_copy_tx_program(device, sock.zerocopy, plan.attach_modes))
        rep = cleanup.enter_context(Replay(sock, batch.data, batch.lens, plan.loops, plan.rate_pps))
        _banner(plan, sock.zerocopy, prog_mode, batch)
        while stop.requested is None and not rep.step(STEP_MS):
            pass
        counters = rep.counters()
        xdp = sock.stats()
    _summary(counters, xdp, batch, interrupted=stop.requested is not None)
    return 1 if batch.oversize else 0


def _banner(plan: ReplayPlan, zerocopy: bool, prog_mode: str | None, batch: FrameBatch) -> None:
    loops = "until interrupted" if plan.loops == 0 else f"{plan.loops} time(s)"
    rate = f"{plan.rate_pps} frames/s" if plan.rate_pps else "as fast as the device takes them"
    dev = plan.device.name
    sys.stderr.write(
        f"xdp-replay: sending {batch.count} frame(s) of {plan.path} {loops} out of {dev} queue {plan.queue}, "
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
