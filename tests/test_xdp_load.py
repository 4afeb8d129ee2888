"""xdp-load against real veths: programs really attached, traffic really passed, dropped, redirected."""

from __future__ import annotations

import json
import shutil

import pytest
from netns import Lab, Veth, drain, send_udp, udp_receiver

PAYLOADS = [f"frame {i}".encode() for i in range(25)]


def status(ns, dev: str) -> dict:
    proc = ns.tool("xdp-load", "status", dev, "--json", check=True)
    return json.loads(proc.stdout)[0]


def ip_link_xdp(ns, dev: str) -> dict | None:
    return ns.link(dev).get("xdp")


def assert_nothing_attached(*ends: Veth) -> None:
    for end in ends:
        assert ip_link_xdp(end.ns, end.dev) is None, f"{end.dev} still has an XDP program"


def attach(end: Veth, *args: str) -> str:
    proc = end.ns.tool("xdp-load", *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_pass_keeps_traffic_flowing_and_counts_it(pair):
    cap, peer = pair
    out = attach(cap, "pass", "-i", cap.dev)
    assert f"{cap.dev}: attached xdpd_pass in native mode" in out
    with udp_receiver(cap, 4000) as rx:
        send_udp(peer, cap, 4000, PAYLOADS)
        assert drain(rx) == PAYLOADS
    counters = status(cap.ns, cap.dev)["counters"]
    assert counters["seen"] == len(PAYLOADS)
    assert counters["pass"] == len(PAYLOADS)


def test_drop_stops_traffic_and_counts_every_frame(pair):
    cap, peer = pair
    attach(cap, "drop", "-i", cap.dev)
    with udp_receiver(cap, 4000) as rx:
        send_udp(peer, cap, 4000, PAYLOADS)
        assert drain(rx) == []
    counters = status(cap.ns, cap.dev)["counters"]
    assert counters["drop"] == len(PAYLOADS)
    assert counters["seen"] == len(PAYLOADS)


def test_status_agrees_with_ip_link(pair):
    cap, _ = pair
    attach(cap, "drop", "-i", cap.dev, "--mode", "skb")
    ours = status(cap.ns, cap.dev)
    theirs = ip_link_xdp(cap.ns, cap.dev)
    assert theirs["mode"] == 2 and ours["mode"] == "skb"  # 2 = XDP_ATTACHED_SKB
    assert ours["prog_id"] == theirs["prog"]["id"]
    assert ours["name"] == theirs["prog"]["name"] == "xdpd_drop"
    assert ours["tag"] == theirs["prog"]["tag"]
    table = cap.ns.tool("xdp-load", "status", check=True).stdout
    row = next(line for line in table.splitlines() if line.startswith(cap.dev))
    assert row.split()[:4] == [cap.dev, "skb", str(ours["prog_id"]), "xdpd_drop"]


def test_unload_leaves_no_program(pair):
    cap, _ = pair
    attach(cap, "pass", "-i", cap.dev)
    out = attach(cap, "unload", "-i", cap.dev)
    assert "detached XDP program" in out and "xdpd_pass" in out
    assert_nothing_attached(cap)


def test_attach_over_existing_needs_force_and_force_replaces(pair):
    cap, peer = pair
    attach(cap, "pass", "-i", cap.dev)
    first = ip_link_xdp(cap.ns, cap.dev)["prog"]["id"]
    proc = cap.ns.tool("xdp-load", "drop", "-i", cap.dev)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"xdp-load: {cap.dev} already has XDP program {first} 'xdpd_pass' (native mode); "
        f"use --force to replace it, or: xdp-load unload -i {cap.dev}"
    )
    assert ip_link_xdp(cap.ns, cap.dev)["prog"]["id"] == first
    attach(cap, "drop", "-i", cap.dev, "--force")
    replaced = ip_link_xdp(cap.ns, cap.dev)["prog"]
    assert replaced["id"] != first and replaced["name"] == "xdpd_drop"
    with udp_receiver(cap, 4000) as rx:
        send_udp(peer, cap, 4000, PAYLOADS[:3])
        assert drain(rx) == []


def test_auto_mode_falls_back_to_skb_on_loopback(lab):
    ns = lab.netns()
    out = ns.tool("xdp-load", "pass", "-i", "lo", check=True).stdout
    assert "attached xdpd_pass in skb mode (native not supported, fell back)" in out
    assert ns.link("lo")["xdp"]["mode"] == 2


def redirect_lab(lab: Lab) -> tuple[Veth, Veth, Veth, Veth]:
    """left:l0 <-> hub:d1   hub:d2 <-> right:r0; frames from left addressed (L2) to r0."""
    left, hub, right = lab.netns(), lab.netns(), lab.netns()
    l0, d1 = lab.veth(left, "l0", hub, "d1", subnet=1)
    d2, r0 = lab.veth(hub, "d2", right, "r0", subnet=2)
    # l0 sends to r0's address (a route) with r0's MAC, so r0 accepts what d2 transmits.
    left.ip("route", "add", f"{r0.ip4}/32", "dev", l0.dev)
    left.ip("neigh", "replace", r0.ip4, "lladdr", r0.mac, "nud", "permanent", "dev", l0.dev)
    return l0, d1, d2, r0


def test_redirect_moves_frames_and_keeps_ssh_and_kept_ports_on_the_stack(lab):
    l0, d1, d2, r0 = redirect_lab(lab)
    out = attach(d1, "redirect", "-i", d1.dev, "--to", d2.dev, "--keep-port", "7000")
    assert "TCP/UDP ports 22, 7000 stay on the stack" in out
    # The veth rule: r0 (d2's peer, in another namespace) got a pass program so it can receive.
    assert f"attached xdpd_pass to r0 in namespace {r0.ns.name}" in out
    assert ip_link_xdp(r0.ns, r0.dev)["prog"]["name"] == "xdpd_pass"

    with udp_receiver(r0, 5000) as far, udp_receiver(r0, 7000) as far_kept:
        send_udp(l0, r0, 5000, PAYLOADS)
        send_udp(l0, r0, 7000, PAYLOADS[:5])
        assert drain(far) == PAYLOADS
        assert drain(far_kept) == []
    counters = status(d1.ns, d1.dev)["counters"]
    assert counters["redirect"] == len(PAYLOADS)
    assert counters["pass"] == 5


def test_redirect_errors(lab):
    _, d1, d2, r0 = redirect_lab(lab)
    for args, message in (
        (["--to", d1.dev], f"xdp-load: cannot redirect {d1.dev} to itself"),
        (["--to", "nosuch0"], "xdp-load: nosuch0: no such device"),
    ):
        proc = d1.ns.tool("xdp-load", "redirect", "-i", d1.dev, *args)
        assert (proc.returncode, proc.stderr.strip()) == (1, message)
    assert_nothing_attached(d1, d2, r0)


@pytest.mark.parametrize(
    "args, status_code, message",
    [
        (["pass", "-i", "nosuch0"], 1, "xdp-load: nosuch0: no such device"),
        (["unload", "-i", "{dev}"], 1, "xdp-load: {dev} has no XDP program attached"),
        (["pass", "-i", "{dev}", "--mode", "hw"], 1, "xdp-load: {dev} does not support XDP in hw mode"),
        (["pass"], 2, "xdp-load: no device given: name it as -i DEV or as the command's argument"),
        (["frobnicate"], 2, "xdp-load: argument command: invalid choice"),
    ],
)
def test_errors_are_one_line_with_status(pair, args, status_code, message):
    cap, _ = pair
    proc = cap.ns.tool("xdp-load", *[a.format(dev=cap.dev) for a in args])
    assert proc.returncode == status_code
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(message.format(dev=cap.dev))
    assert_nothing_attached(cap)


def test_interface_down_is_refused(pair):
    cap, _ = pair
    cap.ns.ip("link", "set", cap.dev, "down")
    proc = cap.ns.tool("xdp-load", "drop", "-i", cap.dev)
    expected = f"xdp-load: {cap.dev} is down (bring it up with: ip link set {cap.dev} up)\n"
    assert (proc.returncode, proc.stderr) == (1, expected)
    assert_nothing_attached(cap)


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed")
def test_no_privileges_is_refused(pair):
    cap, _ = pair
    from netns import VENV_BIN

    proc = cap.ns.cmd(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
         "--bounding-set=-all", str(VENV_BIN / "xdp-load"), "drop", "-i", cap.dev],
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == ("xdp-load: this needs root, or CAP_NET_ADMIN and CAP_BPF (and CAP_SYS_ADMIN on kernels "
                           "before 5.8)\n")
    assert_nothing_attached(cap)


def test_compile_error_is_explained(pair, tmp_path):
    cap, _ = pair
    from xdpdump.bpf_build import BPF_DIR

    for f in BPF_DIR.iterdir():
        (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "xdp_drop.c").write_text("int xdpd_drop(struct xdp_md *ctx) { return undefined_thing; }\n")
    env = {"XDPDUMP_BPF_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "XDPDUMP_CACHE_DIR": str(tmp_path / "cache")}
    proc = cap.ns.tool("xdp-load", "drop", "-i", cap.dev, env=env)
    assert proc.returncode == 1
    assert proc.stderr.startswith(
        "xdp-load: bcc could not compile xdp_drop.c: use of undeclared identifier 'undefined_thing'"
    )
    assert proc.stderr.count("\n") == 1
    assert_nothing_attached(cap)
