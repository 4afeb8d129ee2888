"""The kernel side of an AF_XDP capture: the capture program on every device of the plan.

Owns the pcap filter's C text (a compiled tcpdump expression, or a default filter), one attached
capture program per target device (capture_program.py), filling their XSKMAPs with the sockets,
reading their counters, and the per-device banner lines. The AF_XDP capture and the inline tap
both capture through this; they differ only in what the net role does with a frame.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from xdpdump import capture_program, log
from xdpdump.plan import CapturePlan, Geometry, too_long_note
from xdpdump.xsk import CaptureTarget


def pcap_filter_source(plan: CapturePlan) -> tuple[str, str]:
    """The C text defining xdpd_filter for the capture program, and how the banner describes it."""
    if plan.expression:
        from xdpdump.pcapfilter import compile_pcap_filter

        compiled = compile_pcap_filter(plan.expression, plan.requested_snaplen)
        return compiled.c_source(), f"filter '{plan.expression}' in XDP"
    if plan.capture_ssh:
        return capture_program.default_filter_source(capture_ssh=True), "no filter"
    # The session xdpdump runs in, when sshd said which (SSH_CONNECTION): only it is left to the stack.
    session = capture_program.SshSession.parse(os.environ.get("SSH_CONNECTION"))
    if session is not None:
        return (capture_program.default_filter_source(capture_ssh=False, ssh_session=session),
                f"the SSH session {session} left to the stack (--capture-ssh to capture it)")
    unpinned = "; no SSH_CONNECTION: any TCP port 22 segment, either way" if plan.verbose else ""
    return (capture_program.default_filter_source(capture_ssh=False),
            f"TCP port 22 left to the stack{unpinned} (--capture-ssh to capture it)")


class CapturePrograms:
    """Every target device's capture program, attached until cleanup closes them."""

    def __init__(self, plan: CapturePlan, cleanup: contextlib.ExitStack) -> None:
        self.plan = plan
        source, self.filter_note = pcap_filter_source(plan)
        self.programs: list[capture_program.CaptureProgram] = []
        for target in plan.targets:
            program = capture_program.attach_capture(target.device, source, target.attach_modes, plan.force)
            cleanup.callback(program.close)
            self.programs.append(program)
            log.get().info("attached %s to %s in %s mode (%s)", capture_program.PROGRAM_FUNCTION,
                           target.device.name, program.mode, "BPF link" if program.held_by_link else "netlink")

    @property
    def modes(self) -> list[str]:
        """The XDP mode each device's program got, in target order."""
        return [p.mode for p in self.programs]

    def capture_targets(self) -> list[CaptureTarget]:
        """One (ifindex, rx queue, slot) per socket to open, in the plan's order."""
        return [CaptureTarget(t.device.index, q, t.slot) for t in self.plan.targets for q in t.queues]

    def fill_xskmaps(self, sockets: Iterable[tuple[CaptureTarget, int]]) -> None:
        """Put each socket in its device's XSKMAP at its queue: from now on matching frames go to it."""
        for target, fd in sockets:
            self.programs[target.ifslot].add_socket(target.queue, fd)

    def counters(self) -> list[dict[str, int]]:
        return [p.counters() for p in self.programs]

    @property
    def privileges_to_close(self) -> list[str]:
        return [why for p in self.programs for why in p.privileges_to_close]

    def banner_lines(self, geometry: Geometry, zerocopy: bool, note: str, sandboxed: bool) -> list[str]:
        """tcpdump's `listening on` line and xdpdump's line on how each device is captured."""
        lines = []
        for target, program in zip(self.plan.targets, self.programs, strict=True):
            qs = target.queues
            queues = f"queue {qs[0]}" if len(qs) == 1 else f"queues {qs[0]}-{qs[-1]}"
            name = target.device.name
            lines += [
                f"listening on {name}, link-type EN10MB (Ethernet), snapshot length {geometry.snaplen} bytes",
                f"xdpdump: {name}: XDP {program.mode} mode, AF_XDP {'zero-copy' if zerocopy else 'copy'}, "
                f"{queues}; {self.filter_note}{note}{'' if sandboxed else '; NOT sandboxed (--no-sandbox)'}",
            ]
            too_long = too_long_note(target.device, geometry)
            if too_long:
                lines.append(f"xdpdump: {name}: {too_long}")
        return lines
