"""The mirror's egress program on a clsact qdisc (the path of kernels without TCX), forced on this one
with XDPDUMP_EGRESS=clsact: frames seen as with TCX, what was added removed at exit, someone else's
qdisc and filter left alone, and what a SIGKILL left removed at the next start."""

from __future__ import annotations

import os
import signal
import time

import pytest
from capture_helpers import start_capture, stop
from netns import run
from test_mirror import ping, tcx_egress_programs

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (XDP, tc, namespaces)")

THEIRS = ["prio", "100", "handle", "7", "bpf", "bytecode", "1,6 0 0 0,", "classid", "1"]  # cBPF: "no match"


@pytest.fixture(autouse=True)
def forced_clsact(monkeypatch):
    monkeypatch.setenv("XDPDUMP_EGRESS", "clsact")


def qdiscs(ns, dev: str) -> str:
    return ns.cmd(["tc", "qdisc", "show", "dev", dev]).stdout


def egress_filters(ns, dev: str) -> list[str]:
    return [ln for ln in ns.cmd(["tc", "filter", "show", "dev", dev, "egress"]).stdout.splitlines()
            if "handle" in ln]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_clsact_egress_sees_both_directions_and_leaves_nothing(pair, tmp_path, sig):
    cap, peer = pair
    out = tmp_path / "m.pcapng"
    assert "clsact" not in qdiscs(cap.ns, "xd0")
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "--pcapng", "-w", str(out), "icmp")
    assert "clsact filter (out, qdisc added" in c.stderr, c.stderr
    assert tcx_egress_programs(cap.ns, "xd0") == 0
    assert [f for f in egress_filters(cap.ns, "xd0") if "xdpd_mirror_out" in f], egress_filters(cap.ns, "xd0")
    assert ping(cap, peer, 3) == 3
    assert c.finish(sig) == 0, c.stderr
    fields = run(["tshark", "-r", str(out), "-T", "fields", "-e", "icmp.type", "-e", "frame.packet_flags_direction",
                  "-e", "icmp.seq"]).stdout.split("\n")
    rows = [ln.split("\t") for ln in fields if ln.strip()]
    assert [(r[0], int(r[1], 0), r[2]) for r in rows] == [
        (t, d, str(seq)) for seq in range(3) for t, d in (("8", 2), ("0", 1))], rows
    assert "clsact" not in qdiscs(cap.ns, "xd0")


def test_clsact_of_someone_else_keeps_their_filter(pair):
    cap, peer = pair
    cap.ns.cmd(["tc", "qdisc", "add", "dev", "xd0", "clsact"])
    cap.ns.cmd(["tc", "filter", "add", "dev", "xd0", "egress", *THEIRS])
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-n", "icmp")
    assert "clsact filter (out)" in c.stderr, c.stderr
    assert len(egress_filters(cap.ns, "xd0")) == 2
    assert ping(cap, peer, 2) == 2
    assert stop(c) == 0, c.stderr
    assert len([ln for ln in c.stdout_text.splitlines() if "ICMP echo" in ln]) == 4, c.stdout_text
    assert "clsact" in qdiscs(cap.ns, "xd0")
    left = egress_filters(cap.ns, "xd0")
    assert len(left) == 1 and "pref 100" in left[0] and "handle 0x7" in left[0], left


def killed_capture(cap) -> int:
    """A mirror capture killed by SIGKILL: its XDP link gone, its filter and qdisc left. Its pid."""
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-n", "udp")
    c.proc.send_signal(signal.SIGKILL)
    c.proc.wait(30)
    deadline = time.monotonic() + 10  # the net role notices its parent's death and exits
    while time.monotonic() < deadline and cap.ns.xdp_prog_ids():
        time.sleep(0.1)
    assert cap.ns.xdp_prog_ids() == {}
    # what a SIGKILL cannot take away: the filter and the qdisc it sits on
    assert "clsact" in qdiscs(cap.ns, "xd0")
    assert [f for f in egress_filters(cap.ns, "xd0") if "xdpd_mirror_out" in f]
    return c.proc.pid


def test_sigkill_leftovers_are_removed_at_the_next_start(pair):
    cap, _ = pair
    pid = killed_capture(cap)
    # someone else's filter added meanwhile to the qdisc we added keeps it (and theirs) in place
    cap.ns.cmd(["tc", "filter", "add", "dev", "xd0", "egress", *THEIRS])
    c2 = start_capture(cap.ns, "-i", "xd0", "--mirror", "-Q", "in", "-n", "udp")
    assert stop(c2) == 0, c2.stderr
    lines = [ln for ln in c2.stderr.splitlines() if "previous capture" in ln]
    assert lines == [f"xdpdump: xd0: a previous capture (pid {pid}) left its egress filter; removed"], c2.stderr
    assert "xd0: the clsact qdisc xdpdump added holds other filters now; left in place" in c2.stderr
    left = egress_filters(cap.ns, "xd0")
    assert len(left) == 1 and "handle 0x7" in left[0], left


def test_sigkill_leftover_qdisc_is_removed_at_the_next_start(pair):
    cap, _ = pair
    pid = killed_capture(cap)
    c2 = start_capture(cap.ns, "-i", "xd0", "--mirror", "-Q", "in", "-n", "udp")
    assert (f"xdpdump: xd0: a previous capture (pid {pid}) left its egress filter and the clsact qdisc it added; "
            "removed") in c2.stderr_lines, c2.stderr
    assert "clsact" not in qdiscs(cap.ns, "xd0")
    assert stop(c2) == 0, c2.stderr
    assert "clsact" not in qdiscs(cap.ns, "xd0")


def test_bad_egress_value_is_one_line(pair, monkeypatch):
    cap, _ = pair
    monkeypatch.setenv("XDPDUMP_EGRESS", "qdisc")
    r = cap.ns.tool("xdpdump", "-i", "xd0", "--mirror", "-n", "udp", timeout=120)
    assert r.returncode != 0
    assert r.stderr.strip() == "xdpdump: XDPDUMP_EGRESS=qdisc: expected tcx or clsact", r.stderr
    assert cap.ns.xdp_prog_ids() == {}
