"""The kernel side of the mirror capture: bpf/mirror.c built with the pcap filter, attached, and read.

Owns the C text of the per-CPU ring buffers (one BPF_RINGBUF_OUTPUT per shard, and the switch that
picks the shard), building both programs in one bcc module (so they share rings and counters;
ring buffers cannot go in the program cache, so bcc compiles them at every start), attaching the
ingress program as XDP and the egress program as a TCX link on every device (both held by link fds:
the kernel detaches them when the process goes, SIGKILL included), or where TCX is missing (or
XDPDUMP_EGRESS=clsact) as a clsact filter (clsact_egress.py), and the programs' counters by CPU and
direction.

`lo`: a frame sent on the loopback comes back in as the same frame; as `tcpdump -i lo` shows it
once, only the egress program is attached there (so -Q in sees nothing on lo, as with tcpdump).
"""

from __future__ import annotations

import contextlib
import errno
import os
from dataclasses import dataclass

from xdpdump import bpfsys, log
from xdpdump.bpf_build import SCHED_CLS, XDP, LoadedProgram, load_with_bcc
from xdpdump.errors import PRIVILEGES_NEEDED, UserError
from xdpdump.held_attach import HeldAttachment, attach_held
from xdpdump.plan import CapturePlan, Target
from xdpdump.producers import clsact_egress
from xdpdump.producers.capture_programs import pcap_filter_source

SOURCE = "mirror.c"
INGRESS = "xdpd_mirror_in"
EGRESS = "xdpd_mirror_out"
MAX_SHARDS = 64         # XDPD_MAX_SOCKETS: the rings one net role maps
COUNTERS = ("seen", "matched", "captured", "dropped_ring_full", "dropped_copy")  # bpf/mirror.c, per CPU+direction
DIRECTIONS = ("in", "out")


def rings_source(shards: int, ring_bytes: int) -> str:
    """One ring buffer per shard, and xdpd_ring_output(shard, rec, len) writing into shard's ring.

    bcc knows a map only by its name in the text, so each ring is declared and called by name."""
    pages = ring_bytes // 4096
    lines = [f"#define XDPD_NSHARDS {shards}"]
    lines += [f"BPF_RINGBUF_OUTPUT(xdpd_ring{i}, {pages});" for i in range(shards)]
    lines.append("static __always_inline long xdpd_ring_output(u32 shard, void *rec, u64 len)\n{\n"
                 "    switch (shard) {")
    lines += [f"    case {i}: return xdpd_ring{i}.ringbuf_output(rec, len, 0);" for i in range(shards)]
    lines.append("    }\n    return -1;\n}")
    return "\n".join(lines) + "\n"


@dataclass
class DeviceHooks:
    """What is attached to one device: the XDP link (ingress) and the TCX link or clsact filter (egress), or None."""

    target: Target
    ingress: HeldAttachment | None
    egress_link: int | None
    egress_filter: clsact_egress.EgressFilter | None = None

    @property
    def hooks(self) -> str:
        parts = []
        if self.ingress is not None:
            parts.append(f"XDP {self.ingress.mode} mode (in)")
        if self.egress_link is not None:
            parts.append("TCX (out)")
        if self.egress_filter is not None:
            added = ", qdisc added: left after a SIGKILL until the next start" if self.egress_filter.qdisc_added else ""
            parts.append(f"clsact filter (out{added})")
        return ", ".join(parts) or "nothing attached (-Q in on lo: tcpdump -i lo sees its frames as sent)"

    def close(self) -> None:
        if self.egress_link is not None:
            os.close(self.egress_link)
            self.egress_link = None
        if self.egress_filter is not None:
            self.egress_filter.remove()
            self.egress_filter = None
        if self.ingress is not None:
            self.ingress.close()


class MirrorPrograms:
    """Both programs, built once and attached to every target device until cleanup closes them."""

    def __init__(self, plan: CapturePlan, cleanup: contextlib.ExitStack) -> None:
        self.plan = plan
        ncpu = bpfsys.possible_cpus()
        self.shards = min(ncpu, MAX_SHARDS)
        self.ncounters = ncpu * len(DIRECTIONS) * len(COUNTERS)
        source, note = pcap_filter_source(plan)
        self.filter_note = note.replace(" in XDP", " in XDP and TC")
        self.program: LoadedProgram
        self.program, fds = load_with_bcc(
            SOURCE, {INGRESS: XDP, EGRESS: SCHED_CLS},
            prefix=source + "\n" + rings_source(self.shards, plan.mirror_ring_bytes),
            cflags=[f"-DXDPD_NCPU={ncpu}", f"-DXDPD_SNAP={plan.mirror_snaplen}"])
        cleanup.callback(self.program.close)
        self.ring_fds = [self.program.table(f"xdpd_ring{i}").get_fd() for i in range(self.shards)]
        self.ctl_fd = self.program.table("xdpd_mctl").get_fd()
        self.counters_fd = self.program.table("xdpd_mcount").get_fd()
        self.devices: list[DeviceHooks] = []
        self.clsact = clsact_egress.forced()
        clsact_egress.remove_leftovers()
        for target in plan.targets:
            hooks = self._attach(target, fds[INGRESS], fds[EGRESS])
            cleanup.callback(hooks.close)
            self.devices.append(hooks)
            log.get().info("mirror on %s: %s", target.device.name, hooks.hooks)

    def _attach(self, target: Target, ingress_fd: int, egress_fd: int) -> DeviceHooks:
        device = target.device
        ingress = None
        if self.plan.direction in ("in", "inout") and device.name != "lo":
            if device.xdp.prog_id is not None:
                raise UserError(f"{device.name} already has XDP program {device.xdp.prog_id}; --mirror needs the "
                                f"XDP hook for received frames (or -Q out, which does not use it)")
            ingress = attach_held(ingress_fd, device, target.attach_modes)
        hooks = DeviceHooks(target, ingress, None)
        if self.plan.direction in ("out", "inout"):
            try:
                self._attach_egress(hooks, egress_fd)
            except BaseException:
                hooks.close()
                raise
        return hooks

    def _attach_egress(self, hooks: DeviceHooks, egress_fd: int) -> None:
        """A TCX link; a clsact filter where the kernel has no TCX (EINVAL, EOPNOTSUPP) or it is forced."""
        device = hooks.target.device
        if not self.clsact:
            try:
                hooks.egress_link = bpfsys.tcx_egress_link_create(egress_fd, device.index)
                return
            except OSError as e:
                if e.errno == errno.EPERM:
                    raise UserError(PRIVILEGES_NEEDED) from e
                if e.errno not in (errno.EINVAL, errno.EOPNOTSUPP):
                    raise UserError(f"{device.name}: cannot attach the egress program with a TCX link "
                                    f"({e.strerror})") from e
                log.get().info("no TCX on %s (%s): egress by a clsact filter", device.name, e.strerror)
        hooks.egress_filter = clsact_egress.attach(egress_fd, EGRESS, device.name, device.index)

    @property
    def modes(self) -> list[str]:
        """The XDP mode of each device's ingress program ("none" where only egress is attached)."""
        return [d.ingress.mode if d.ingress is not None else "none" for d in self.devices]

    @property
    def privileges_to_close(self) -> list[str]:
        reasons = [why for d in self.devices if d.ingress is not None
                   for why in [d.ingress.privileges_to_close] if why]
        return reasons + [f"removing the egress filter from {d.target.device.name} by netlink"
                          for d in self.devices if d.egress_filter is not None]


def counter_totals(values: list[int]) -> dict[str, dict[str, int]]:
    """The programs' per-CPU counters summed over CPUs, by direction then counter name."""
    per = len(COUNTERS)
    totals = {d: dict.fromkeys(COUNTERS, 0) for d in DIRECTIONS}
    for base in range(0, len(values), per):
        direction = DIRECTIONS[(base // per) % len(DIRECTIONS)]
        for k, name in enumerate(COUNTERS):
            totals[direction][name] += values[base + k]
    return totals
