"""The inline tap, `xdpdump -i a1 --forward b1`, in a hub namespace between two hosts:
ns1:a0 <-> hub:a1   hub:b1 <-> ns2:b0. What ns1 sends to b0 crosses the hub only through the AF_XDP
RX ring of a1 and the TX ring of b1 (the hub does not route), and the capture file holds it too. The
forward runs as a capture does: a supervisor and sandboxed net and archive roles."""

from __future__ import annotations

import re

import pytest
from capture_helpers import start_capture, stop, summary_value
from netns import drain, send_udp, udp_receiver
from test_sandbox_roles import confined_roles
from tx_helpers import forward_lab

K = 40
SO_RCVBUFFORCE = 33


def payloads(n: int, tag: str = "f") -> list[bytes]:
    return [f"{tag}-{i:05d}-".encode() * 4 for i in range(n)]


def udp_payloads_in(path) -> list[bytes]:
    from scapy.all import UDP, rdpcap

    return [bytes(p[UDP].payload) for p in rdpcap(str(path)) if UDP in p]


def test_forward_delivers_udp_across_the_hub_and_writes_the_same_frames(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcap"
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "-w", str(out), "-v")
    assert f"forwarding to {b1.dev} queue 0 (AF_XDP copy, shared UMEM" in run.stderr
    sent = payloads(K)
    with udp_receiver(b0, 5000) as far:
        send_udp(a0, b0, 5000, sent)
        assert drain(far) == sent
    assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == sent
    assert summary_value(run.stderr, "packets captured") == K
    assert summary_value(run.stderr, f"packets forwarded to {b1.dev}") == K
    assert summary_value(run.stderr, "tx errors") == 0
    assert "0 of them copied" in run.stderr
    for end in (a0, a1, b1, b0):
        assert end.ns.xdp_prog_ids() == {}


def test_unmatched_frames_stay_on_the_input_stack(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcap"
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "-w", str(out), "udp port 5000")
    with udp_receiver(b0, 5000) as far, udp_receiver(a1, 6000) as hub_rx:
        send_udp(a0, b0, 5000, payloads(10, "m"))
        send_udp(a0, a1, 6000, payloads(10, "o"))
        assert drain(far) == payloads(10, "m")
        assert drain(hub_rx) == payloads(10, "o")
    assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(10, "m")
    assert "10 packets forwarded to b1" in run.stderr  # the unmatched ten were not


def test_count_limit_forwards_exactly_n(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcap"
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "-c", "15", "-w", str(out), "udp")
    with udp_receiver(b0, 5000) as far:
        send_udp(a0, b0, 5000, payloads(15))
        assert run.finish(timeout=60) == 0, run.stderr
        assert drain(far) == payloads(15)
        send_udp(a0, b0, 5000, payloads(5, "late"))  # after the exit: nothing forwards any more
        assert drain(far) == []
    assert udp_payloads_in(out) == payloads(15)
    assert summary_value(run.stderr, f"packets forwarded to {b1.dev}") == 15


def test_forward_roles_are_confined_and_own_only_their_descriptors(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcap"
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "-w", str(out), "udp")
    assert "NOT sandboxed" not in run.stderr
    try:
        roles = confined_roles(run.proc.pid)  # `ip netns exec` execs xdpdump in place
        net, archive = roles["net"], roles["archive"]
        # net: IN's AF_XDP socket (one rx queue), OUT's, and stderr
        assert len(net.sockets) == 2 and set(net.files) == {2}, net
        # archive: the capture file and stderr
        assert not archive.sockets and len(archive.files) == 2, archive
        assert set(archive.files.values()) - {archive.files[2]} == {str(out)}, archive
        # The sandboxed net role forwards: receive, transmit, kick and reap all pass its filter.
        with udp_receiver(b0, 5000) as far:
            send_udp(a0, b0, 5000, payloads(12, "s"))
            assert drain(far) == payloads(12, "s")
    finally:
        assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(12, "s")
    # Counted by the net role into shared memory, printed by the supervisor after the role exited.
    assert summary_value(run.stderr, f"packets forwarded to {b1.dev}") == 12


def test_forward_prints_as_a_capture_does_and_runs_unsandboxed_on_request(lab):
    a0, a1, b1, b0 = forward_lab(lab)
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "--no-sandbox", "udp port 5000")
    assert "NOT sandboxed (--no-sandbox)" in run.stderr
    with udp_receiver(b0, 5000) as far:
        send_udp(a0, b0, 5000, payloads(7, "p"))
        assert drain(far) == payloads(7, "p")
    assert stop(run) == 0, run.stderr
    lines = [ln for ln in run.stdout_text.splitlines() if f"{b0.ip4}.5000: UDP" in ln]
    assert len(lines) == 7, run.stdout_text
    assert summary_value(run.stderr, f"packets forwarded to {b1.dev}") == 7


@pytest.mark.parametrize("role", ["net", "archive"])
def test_forward_selftest_kills_the_role_and_is_reported(lab, tmp_path, role):
    a0, a1, b1, b0 = forward_lab(lab)
    proc = a1.ns.tool("xdpdump", "-i", a1.dev, "--forward", b1.dev, "-w", str(tmp_path / "f.pcap"),
                      "--sandbox-selftest", role, timeout=120)
    assert proc.returncode != 0
    assert re.search(rf"{role} role \(pid \d+\) was killed by SIGSYS \(its seccomp filter refused a system call\)",
                     proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    for end in (a0, a1, b1, b0):
        assert end.ns.xdp_prog_ids() == {}


def _one_line_error(proc, expected: str) -> None:
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith(expected), proc.stderr


def test_bad_output_is_one_line_and_leaves_nothing_attached(lab):
    a0, a1, b1, b0 = forward_lab(lab)
    hub = a1.ns
    _one_line_error(hub.tool("xdpdump", "-i", a1.dev, "--forward", "nosuch0"), "xdpdump: nosuch0: no such device")
    _one_line_error(hub.tool("xdpdump", "-i", a1.dev, "--forward", a1.dev),
                    f"xdpdump: cannot forward {a1.dev} to itself")
    _one_line_error(hub.tool("xdpdump", "-i", a1.dev, "-i", b1.dev, "--forward", b1.dev),
                    "xdpdump: --forward takes exactly one input interface")
    hub.ip("link", "set", b1.dev, "down")
    _one_line_error(hub.tool("xdpdump", "-i", a1.dev, "--forward", b1.dev), f"xdpdump: {b1.dev} is down")
    for end in (a0, a1, b1, b0):
        assert end.ns.xdp_prog_ids() == {}
    # And the input keeps working as a plain host afterwards.
    with udp_receiver(a1, 6000) as rx:
        send_udp(a0, a1, 6000, [b"still here"])
        assert drain(rx) == [b"still here"]
