"""The archive role maps nothing of the net role's that it could write: after the fork, before its
seccomp filter, it unmaps the AF_XDP rings (fill, RX, completion, and OUT's TX ring with --forward)
and keeps the UMEM read-only (by reference it reads frames there) or not at all. Read from
/proc/PID/maps of the running roles: the only shared mapping the archive role may write is the
record ring. With --mirror it maps none of the BPF ring buffers the net role reads (nor the mirror
programs' stop flag and counters)."""

from __future__ import annotations

from dataclasses import dataclass

from capture_helpers import start_capture, stop
from netns import send_udp
from test_sandbox_roles import confined_roles, fd_targets, payloads, udp_payloads_in, wait_for_children, wait_sandboxed
from tx_helpers import forward_lab


@dataclass(frozen=True)
class Mapping:
    start: int
    end: int
    perms: str
    path: str


def maps(pid: int) -> list[Mapping]:
    out = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split(maxsplit=5)
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            out.append(Mapping(lo, hi, fields[1], fields[5].strip() if len(fields) > 5 else ""))
    return out


def shared_writable(ms: list[Mapping]) -> list[Mapping]:
    return [m for m in ms if m.perms[1] == "w" and m.perms[3] == "s"]


def role_maps(supervisor: int) -> tuple[list[Mapping], list[Mapping]]:
    """(net, archive) maps, read once both are confined (the maps are dropped before the filter)."""
    roles = confined_roles(supervisor)
    net_pid = archive_pid = 0
    for pid in wait_for_children(supervisor, 2):
        if roles["net"].status["Pid"] == str(pid):
            net_pid = pid
        if roles["archive"].status["Pid"] == str(pid):
            archive_pid = pid
    return maps(net_pid), maps(archive_pid)


def check_archive(net: list[Mapping], archive: list[Mapping], umem_read_only: bool) -> None:
    # The net role writes its rings (socket mappings) and its UMEM(s); the record ring is the one
    # shared writable mapping both have.
    net_rw = shared_writable(net)
    rings = [m for m in net_rw if m.path.startswith("socket:")]
    assert rings, net_rw  # the net role's AF_XDP rings are visible as mappings of its sockets
    archive_rw = shared_writable(archive)
    assert len(archive_rw) == 1, archive_rw  # the record ring, nothing else
    record_ring = archive_rw[0]
    assert any((m.start, m.end) == (record_ring.start, record_ring.end) for m in net_rw)
    assert not [m for m in archive if m.path.startswith("socket:")], archive  # no ring at all
    umems = [m for m in net_rw if not m.path.startswith("socket:") and (m.start, m.end) != (record_ring.start,
                                                                                          record_ring.end)]
    assert umems, net_rw
    kept = [a for a in archive for u in umems if a.start < u.end and u.start < a.end]
    if umem_read_only:
        assert kept and all(a.perms.startswith("r--") for a in kept), kept
    else:
        assert not kept, kept


def test_archive_role_keeps_only_the_record_ring_writable(lab, tmp_path):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1", rx_queues=2)
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "udp")
    try:
        net, archive = role_maps(run.proc.pid)
        check_archive(net, archive, umem_read_only=True)  # -w: large frames go by reference
        send_udp(peer, cap, 9000, payloads(5, "m"))
    finally:
        assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(5, "m")


def test_forward_archive_role_has_no_tx_ring_nor_umem(lab, tmp_path):
    a0, a1, b1, b0 = forward_lab(lab)
    out = tmp_path / "f.pcap"
    run = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "-w", str(out), "udp")
    try:
        net, archive = role_maps(run.proc.pid)
        check_archive(net, archive, umem_read_only=False)  # the tap copies every frame into the ring
        send_udp(a0, b0, 5000, payloads(5, "f"))
    finally:
        assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(5, "f")


def test_mirror_archive_role_maps_no_ring_buffer(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "--mirror", "-w", str(out), "udp")
    try:
        # Told apart by the capture file, which only the archive role holds; read once each is under
        # its filter (the mappings are dropped before it).
        roles = {}
        for pid in wait_for_children(run.proc.pid, 2):
            assert wait_sandboxed(pid)["Seccomp"] == "2"
            roles["archive" if str(out) in fd_targets(pid).values() else "net"] = maps(pid)
        net, archive = roles["net"], roles["archive"]
        ring_buffers = [m for m in net if m.path == "anon_inode:bpf-map"]
        # the consumer page of each ring buffer and the stop flag: the net role's to write
        assert [m for m in ring_buffers if m.perms[1] == "w"], net
        assert [m for m in archive if m.path == "anon_inode:bpf-map"] == []
        archive_rw = shared_writable(archive)
        assert len(archive_rw) == 1, archive_rw  # the record ring, nothing else
        assert any((m.start, m.end) == (archive_rw[0].start, archive_rw[0].end) for m in shared_writable(net))
        send_udp(peer, cap, 9000, payloads(5, "r"))
    finally:
        assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(5, "r")
