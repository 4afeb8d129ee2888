"""xdpdump end to end: real XDP programs, real AF_XDP sockets, files read back by tcpdump and tshark."""

from __future__ import annotations

import contextlib
import signal
import socket

import pytest
from capture_helpers import start_capture, stop, tcpdump_read, tshark_payloads, xdp_attached
from netns import drain, send_udp, udp_receiver

K = 40


def payloads(n: int, tag: str = "p") -> list[bytes]:
    return [f"{tag}-{i:05d}-".encode() * 3 for i in range(n)]


def udp_payloads_in(path) -> list[bytes]:
    from scapy.all import UDP, rdpcap

    return [bytes(p[UDP].payload) for p in rdpcap(str(path)) if UDP in p]


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_count_and_write_captures_exactly_the_frames_sent_in_order(pair, tmp_path, fmt):
    cap, peer = pair
    out = tmp_path / f"f.{fmt}"
    extra = ["--pcapng"] if fmt == "pcapng" else []
    run = start_capture(cap.ns, "-i", cap.dev, "-c", str(K), "-w", str(out), *extra)
    sent = payloads(K)
    send_udp(peer, cap, 9000, sent)
    assert run.finish() == 0, run.stderr
    assert run.summary()["captured"] == K
    lines = tcpdump_read(out)
    assert len(lines) == K
    assert all(f"{peer.ip4}." in ln and f"> {cap.ip4}.9000: UDP, length {len(sent[0])}" in ln for ln in lines)
    assert udp_payloads_in(out) == sent
    assert tshark_payloads(out) == sent
    assert xdp_attached(cap.ns) == {}


def test_captured_frames_are_consumed_and_unmatched_ones_reach_the_stack(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "udp port 9000")
    with udp_receiver(cap, 9000) as matched_rx, udp_receiver(cap, 9001) as other_rx:
        send_udp(peer, cap, 9000, payloads(10, "m"))
        send_udp(peer, cap, 9001, payloads(10, "o"))
        assert drain(other_rx) == payloads(10, "o")
        assert drain(matched_rx) == []
    assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(10, "m")
    assert run.summary()["received by filter"] == 10


def test_ssh_guard_leaves_port_22_to_the_stack(pair, tmp_path, monkeypatch):
    cap, peer = pair
    monkeypatch.delenv("SSH_CONNECTION", raising=False)  # the suite may run over SSH: today's rule here
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out))
    assert "TCP port 22 left to the stack" in run.stderr
    listener = cap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    with listener:
        listener.bind((cap.ip4, 22))
        listener.listen(1)
        listener.settimeout(10)
        with peer.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect((cap.ip4, 22))
            conn, _ = listener.accept()
            with conn:
                client.sendall(b"SSH-2.0-test\r\n")
                assert conn.recv(100) == b"SSH-2.0-test\r\n"
        send_udp(peer, cap, 9000, payloads(5))
    assert stop(run) == 0
    assert udp_payloads_in(out) == payloads(5)
    assert not [ln for ln in tcpdump_read(out) if ".22:" in ln or ".22 " in ln]


def test_two_rx_queues_are_both_captured(lab, tmp_path):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1", rx_queues=2)
    out = tmp_path / "f.pcapng"
    run = start_capture(cap.ns, "-i", cap.dev, "-v", "--pcapng", "-w", str(out), "udp")
    assert "queues 0-1" in run.stderr
    sent = []
    # A veth puts a frame on the rx queue matching the sender's tx queue, chosen per flow: many
    # source ports spread the flows over both queues.
    for sport in range(20000, 20064):
        p = [f"q-{sport}".encode()]
        send_udp(peer, cap, 9000, p, src_port=sport)
        sent += p
    assert stop(run) == 0
    assert sorted(udp_payloads_in(out)) == sorted(sent)
    per_queue = {
        int(ln.split()[2].rstrip(":")): int(ln.split()[3])
        for ln in run.stderr_lines
        if ln.startswith(f"{cap.dev} queue ")
    }
    assert set(per_queue) == {0, 1}
    assert sum(per_queue.values()) == len(sent)
    assert all(n > 0 for n in per_queue.values()), per_queue


def test_sigint_leaves_a_valid_file_and_no_program(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out))
    send_udp(peer, cap, 9000, payloads(25))
    assert run.finish(signal.SIGINT) == 0
    assert len(tcpdump_read(out)) == 25
    assert run.summary()["captured"] == 25
    assert xdp_attached(cap.ns) == {}


def test_sigterm_too(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out))
    send_udp(peer, cap, 9000, payloads(7))
    assert run.finish(signal.SIGTERM) == 0
    assert len(tcpdump_read(out)) == 7
    assert xdp_attached(cap.ns) == {}


def test_sigkill_leaves_no_program(pair, tmp_path):
    cap, _ = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "f.pcap"))
    assert xdp_attached(cap.ns)  # attached while it runs
    run.finish(signal.SIGKILL)
    assert xdp_attached(cap.ns) == {}


def test_drops_are_honest_when_the_reader_stalls(pair):
    """Tiny rings and a printer whose stdout nobody reads: every frame is captured or counted (with
    --congested drop, as the kernel drops them; the default passes them on: test_congested.py)."""
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "-v", "--ring-size", "64", "-B", "64", "--congested", "drop",
                        "udp port 9000", read_stdout=False)
    sent = 3000
    send_udp(peer, cap, 9000, payloads(sent))
    assert run.finish(signal.SIGINT) == 0
    s = run.summary()
    assert s["dropped by kernel"] > 0
    assert s["captured"] + s["dropped by kernel"] == sent
    assert s["received by filter"] == sent
    printed = [ln for ln in run.stdout_text.splitlines() if not ln.startswith(" ")]  # -v adds indented lines
    assert len(printed) == s["captured"]
    reasons = {ln.split()[1]: int(ln.split()[0]) for ln in run.stderr_lines if ln.startswith("  ")}
    assert {"rx_ring_full", "rx_dropped", "rx_fill_ring_empty_descs"} <= set(reasons)
    assert reasons["rx_ring_full"] + reasons["rx_dropped"] + reasons["rx_invalid_descs"] == s["dropped by kernel"]


def test_loopback_in_skb_mode(lab, tmp_path):
    ns = lab.netns()
    out = tmp_path / "lo.pcap"
    run = start_capture(ns, "-i", "lo", "-w", str(out), "udp port 9000")
    assert "lo: XDP skb mode" in run.stderr
    with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for p in payloads(5):
            s.sendto(p, ("127.0.0.1", 9000))
    assert stop(run) == 0
    assert udp_payloads_in(out) == payloads(5)


def test_force_replaces_a_program_for_the_capture_and_puts_it_back(pair, tmp_path):
    cap, peer = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, check=True)
    before = xdp_attached(cap.ns)[cap.dev]
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "--force", "-c", "3", "-w", str(out), "udp")
    assert xdp_attached(cap.ns)[cap.dev] != before  # ours while it runs
    send_udp(peer, cap, 9000, payloads(3))
    assert run.finish() == 0, run.stderr
    assert udp_payloads_in(out) == payloads(3)
    assert xdp_attached(cap.ns) == {cap.dev: before}  # the very same program is back


def test_force_with_a_filter_the_kernel_rejects_leaves_the_program_alone(pair):
    cap, _ = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, check=True)
    before = xdp_attached(cap.ns)
    too_big = " or ".join(f"(host 198.18.{i // 250}.{i % 250 + 1} and tcp port {1000 + i})" for i in range(600))
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, "--force", too_big, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert xdp_attached(cap.ns) == before


def test_two_interfaces_into_one_pcapng_named_per_interface(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcapng"
    run = start_capture(cap.ns, "-i", cap.dev, "-i", "lo", "--pcapng", "-w", str(out), "udp")
    assert "lo: XDP skb mode" in run.stderr  # lo has generic XDP only: it uses 4096-byte frames
    send_udp(peer, cap, 9000, [b"veth-1", b"veth-2"])
    with cap.ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"lo-1", ("127.0.0.1", 9000))
    assert run.finish(signal.SIGINT) == 0, run.stderr
    from netns import run as run_cmd

    fields = run_cmd(["tshark", "-r", str(out), "-T", "fields", "-e", "frame.interface_name", "-e", "data.data"])
    got = sorted(tuple(line.split("\t")) for line in fields.stdout.splitlines())
    assert got == sorted([(cap.dev, b"veth-1".hex()), (cap.dev, b"veth-2".hex()), ("lo", b"lo-1".hex())])


def _connect_from(peer, cap, port: int, timeout: float) -> socket.socket:
    """A TCP connection attempt from peer:port to cap:22 (it may never complete: the capture takes it)."""
    client = peer.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    client.bind((peer.ip4, port))
    client.settimeout(timeout)
    with contextlib.suppress(TimeoutError, OSError):
        client.connect((cap.ip4, 22))
    return client


def test_ssh_guard_is_pinned_to_the_session_in_ssh_connection(pair, tmp_path, monkeypatch):
    """With SSH_CONNECTION naming a session, only its segments (both ways) are left to the stack: a
    connection to port 22 from another port is captured, so nothing hides behind port 22."""
    cap, peer = pair
    monkeypatch.setenv("SSH_CONNECTION", f"{peer.ip4} 40000 {cap.ip4} 22")
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out))
    assert f"the SSH session {peer.ip4}:40000 <-> {cap.ip4}:22 left to the stack" in run.stderr
    with cap.ns.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((cap.ip4, 22))
        listener.listen(2)
        listener.settimeout(10)
        with _connect_from(peer, cap, 40000, 10) as session:
            conn, _ = listener.accept()
            with conn:
                session.sendall(b"SSH-2.0-session\r\n")
                assert conn.recv(100) == b"SSH-2.0-session\r\n"
                conn.sendall(b"SSH-2.0-server\r\n")
                assert session.recv(100) == b"SSH-2.0-server\r\n"
        with _connect_from(peer, cap, 40001, 0.5):
            pass
    assert stop(run) == 0, run.stderr
    lines = tcpdump_read(out)
    assert [ln for ln in lines if f"{peer.ip4}.40001 > {cap.ip4}.22: Flags [S]" in ln], lines
    assert not [ln for ln in lines if ".40000" in ln], lines


def test_ssh_guard_without_ssh_connection_says_so_with_v(pair, tmp_path, monkeypatch):
    cap, _peer = pair
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    run = start_capture(cap.ns, "-i", cap.dev, "-v", "-w", str(tmp_path / "f.pcap"))
    assert stop(run) == 0, run.stderr
    assert ("TCP port 22 left to the stack; no SSH_CONNECTION: any TCP port 22 segment, either way "
            "(--capture-ssh to capture it)") in run.stderr


def test_an_ipv6_ssh_session_loads_and_bad_ssh_connection_keeps_todays_rule(pair, tmp_path, monkeypatch):
    from xdpdump.capture_program import SshSession

    assert str(SshSession.parse("::ffff:198.18.0.2 40000 198.18.0.1 22")) == "198.18.0.2:40000 <-> 198.18.0.1:22"
    for bad in ("", "198.18.0.2 40000 198.18.0.1", "198.18.0.2 40000 fd00::1 22", "198.18.0.2 0 198.18.0.1 22",
                "x 1 y 2"):
        assert SshSession.parse(bad) is None, bad
    cap, _peer = pair
    monkeypatch.setenv("SSH_CONNECTION", "fd00::2 40000 fd00::1 22")
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "f.pcap"))
    assert stop(run) == 0, run.stderr
    assert "the SSH session [fd00::2]:40000 <-> [fd00::1]:22 left to the stack" in run.stderr
    monkeypatch.setenv("SSH_CONNECTION", "not a session")
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "g.pcap"))
    assert stop(run) == 0, run.stderr
    assert "TCP port 22 left to the stack (--capture-ssh to capture it)" in run.stderr
