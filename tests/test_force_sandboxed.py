"""--force and the netlink-held attach under the sandbox: the supervisor keeps CAP_NET_ADMIN and CAP_KILL
only, runs under its filter, and the end's prepared rtnetlink requests (end_requests.py) are the only
thing it may send: the replaced program comes back, the same program in the same mode; a send on any
other socket, or to an address, kills it."""

from __future__ import annotations

import errno
import os
import socket

from capture_helpers import start_capture, stop
from netns import entered, send_udp
from test_sandbox_roles import CAP_KILL_BIT, udp_payloads_in, wait_sandboxed
from test_seccomp_kernel import exited_ok, killed_by_sigsys, run_child

from xdpdump import end_requests, loader, netdev
from xdpdump.held_attach import HeldAttachment

CAP_NET_ADMIN_BIT = 1 << 12
NO_SUCH_IFINDEX = 0x7FFFFFF0


def xdp_state(ns, dev: str) -> tuple[int, int] | None:
    """(program id, IFLA_XDP_ATTACHED mode) of dev, None if it has no program."""
    xdp = ns.link(dev).get("xdp")
    return (xdp["prog"]["id"], xdp["mode"]) if xdp else None


def test_force_confines_the_supervisor_and_puts_the_same_program_back(pair, tmp_path):
    cap, peer = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, "--mode", "skb", check=True)
    before = xdp_state(cap.ns, cap.dev)
    assert before is not None
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "--force", "-w", str(out), "udp port 9000")
    try:
        st = wait_sandboxed(run.proc.pid)
        assert st["Seccomp"] == "2" and st["NoNewPrivs"] == "1", st
        # what sending the prepared requests needs, and signalling its roles: nothing else
        assert int(st["CapEff"], 16) == CAP_NET_ADMIN_BIT | CAP_KILL_BIT, st["CapEff"]
        assert int(st["CapPrm"], 16) == CAP_NET_ADMIN_BIT | CAP_KILL_BIT, st["CapPrm"]
        assert xdp_state(cap.ns, cap.dev) != before  # ours while it runs
        send_udp(peer, cap, 9000, [b"forced-1", b"forced-2"])
    finally:
        code = stop(run)
    assert code == 0, run.stderr
    assert (f"xdpdump: --force took XDP program {before[0]} 'xdpd_pass' off {cap.dev} until the capture ends; "
            "if xdpdump is killed (SIGKILL) it stays off") in run.stderr_lines
    assert "unsandboxed" not in run.stderr
    assert udp_payloads_in(out) == [b"forced-1", b"forced-2"]
    assert xdp_state(cap.ns, cap.dev) == before  # the very same program, in the same (skb) mode


def test_the_supervisors_filter_sends_on_its_end_socket_only():
    """The real supervisor filter (native-built) with the end socket's fd: the prepared request goes
    out and its answer comes back; a send on another netlink socket, or one with an address, kills."""
    from xdpdump.xsk import supervisor_filter

    request = end_requests.PreparedRequest(NO_SUCH_IFINDEX, -1, 0, "test")
    other = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    try:
        fd = end_requests.channel_fd()
        assert fd is not None
        program = supervisor_filter(2, 2, {}, fd)
        # the kernel answers ENODEV: sent and received under the filter
        assert exited_ok(run_child(program, lambda: 0 if request.send() == errno.ENODEV else 1))
        message = end_requests.setlink_xdp(1, NO_SUCH_IFINDEX, -1, 0)
        assert killed_by_sigsys(run_child(program, lambda: other.send(message) * 0))
        assert killed_by_sigsys(run_child(program, lambda: request.sock.sendto(message, (0, 0)) * 0))
        # and the normal supervisor (no end socket) may send on none
        assert killed_by_sigsys(run_child(supervisor_filter(2, 2, {}), lambda: request.sock.send(message) * 0))
    finally:
        other.close()
        request.cancel()
    assert end_requests.channel_fd() is None  # the last request dropped closes the socket


def test_netlink_held_program_is_detached_by_its_prepared_request(pair):
    """The fallback where the kernel refuses XDP links: a program attached by netlink, detached at close
    by the request prepared with it (sent the way the sandboxed supervisor sends it)."""
    cap, _ = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, "--mode", "skb", check=True)  # attached by netlink
    with entered(cap.ns.name):
        held = HeldAttachment.by_netlink(netdev.lookup(cap.dev), "skb")
        assert held.privileges_to_close is None  # nothing keeps the supervisor unconfined
        assert end_requests.reasons() == [
            f"detaching from {cap.dev} by netlink (the kernel refused a BPF link for XDP)"]
        held.close()
    assert xdp_state(cap.ns, cap.dev) is None
    assert end_requests.channel_fd() is None


def test_a_restore_request_puts_the_program_back_in_its_mode(pair):
    """The request --force prepares: the same fd, its mode, UPDATE_IF_NOEXIST; a second one is refused
    (EBUSY) rather than replacing what is there."""
    from xdpdump import bpfsys

    cap, _ = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, "--mode", "skb", check=True)
    before = xdp_state(cap.ns, cap.dev)
    assert before is not None
    prog_fd = bpfsys.prog_fd_by_id(before[0])
    try:
        cap.ns.tool("xdp-load", "unload", "-i", cap.dev, check=True)
        with entered(cap.ns.name):
            index = netdev.lookup(cap.dev).index
            flags = loader.XDP_FLAGS_SKB_MODE | loader.XDP_FLAGS_UPDATE_IF_NOEXIST
            assert end_requests.PreparedRequest(index, prog_fd, flags, "put back").send() == 0
            assert end_requests.PreparedRequest(index, prog_fd, flags, "again").send() == errno.EBUSY
    finally:
        os.close(prog_fd)
    assert xdp_state(cap.ns, cap.dev) == before
    cap.ns.tool("xdp-load", "unload", "-i", cap.dev, check=True)
