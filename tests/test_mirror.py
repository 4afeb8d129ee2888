"""The mirror capture (--mirror) on real veths: nothing taken, both directions, drops counted, cleanup
after SIGKILL, the net role's own seccomp policy."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import struct
import time

import pytest
from capture_helpers import start_capture, stop, tcpdump_read
from netns import drain, entered, run, send_udp, udp_receiver

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (XDP, TCX, namespaces)")

ICMP_ECHO, ICMP_ECHOREPLY = 8, 0


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def ping(src, dst, count: int, ident: int = 0x4242) -> int:
    """Echo requests from src to dst over a raw socket (no ping binary needed); replies received."""
    with entered(src.ns.name):
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    replies = 0
    with s:
        s.settimeout(1.0)
        for seq in range(count):
            body = struct.pack("!BBHHH", ICMP_ECHO, 0, 0, ident, seq) + b"xdpdump-mirror"
            body = body[:2] + struct.pack("!H", _checksum(body)) + body[4:]
            s.sendto(body, (dst.ip4, 0))
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                try:
                    pkt = s.recv(2048)
                except TimeoutError:
                    break
                ihl = (pkt[0] & 0xF) * 4
                if pkt[ihl] == ICMP_ECHOREPLY and struct.unpack("!H", pkt[ihl + 4:ihl + 6])[0] == ident:
                    replies += 1
                    break
    return replies


def tcx_egress_programs(ns, dev: str) -> int:
    """How many programs are attached to dev's TCX egress hook (BPF_PROG_QUERY, in ns)."""
    from xdpdump import bpfsys

    ifindex = int(ns.link(dev)["ifindex"])
    # union bpf_attr, query: target_ifindex, attach_type, query_flags, attach_flags, prog_ids, prog_cnt
    attr = (ctypes.c_uint8 * 128)()
    struct.pack_into("<IIIIQI", attr, 0, ifindex, bpfsys.BPF_TCX_EGRESS, 0, 0, 0, 0)
    libc = ctypes.CDLL(None, use_errno=True)
    with entered(ns.name):
        ret = libc.syscall(321, 16, ctypes.byref(attr), 128)  # bpf(BPF_PROG_QUERY)
    if ret != 0:
        raise OSError(ctypes.get_errno(), "BPF_PROG_QUERY")
    return struct.unpack_from("<I", attr, 24)[0]


def test_mirror_takes_nothing_and_records_everything(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "m.pcap"
    rx = udp_receiver(cap, 9000)
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-w", str(out), "udp port 9000")
    assert "frames stay on the stack" in c.stderr
    payloads = [b"datagram-%03d" % i for i in range(200)]
    sent_at = time.time()
    send_udp(peer, cap, 9000, payloads)
    got = drain(rx)
    assert stop(c) == 0, c.stderr
    assert sorted(got) == sorted(payloads)  # the stack received every one
    lines = tcpdump_read(out)
    assert len(lines) == 200, lines[:5]
    assert all("198.18.0.2" in ln and ".9000: UDP, length 12" in ln for ln in lines)
    assert c.summary() == {"captured": 200, "received by filter": 200, "dropped by kernel": 0}
    # Kernel timestamps (CLOCK_MONOTONIC) turned into wall-clock time: the send's time, give or take
    # the machine's load (a broken conversion is off by the uptime or more), never going backwards.
    from scapy.utils import rdpcap

    stamps = [float(p.time) for p in rdpcap(str(out))]
    assert all(abs(t - sent_at) < 5 for t in stamps), (sent_at, stamps[:3])
    assert stamps == sorted(stamps)


def test_mirror_sees_both_directions_in_order(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "m.pcapng"
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "--pcapng", "-w", str(out), "icmp")
    assert ping(cap, peer, 3) == 3
    assert stop(c) == 0, c.stderr
    fields = run(["tshark", "-r", str(out), "-T", "fields", "-e", "icmp.type", "-e", "frame.packet_flags_direction",
                  "-e", "icmp.seq"]).stdout.split("\n")
    rows = [ln.split("\t") for ln in fields if ln.strip()]
    # request out (epb_flags direction 2), reply in (1), pair by pair, in order
    assert [(r[0], int(r[1], 0), r[2]) for r in rows] == [
        (t, d, str(seq)) for seq in range(3) for t, d in (("8", 2), ("0", 1))], rows


@pytest.mark.parametrize(("direction", "icmp_type"), [("in", "echo reply"), ("out", "echo request")])
def test_mirror_one_direction(pair, direction, icmp_type):
    cap, peer = pair
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-Q", direction, "-n", "icmp")
    assert ping(cap, peer, 2) == 2
    assert stop(c) == 0, c.stderr
    lines = [ln for ln in c.stdout_text.splitlines() if "ICMP" in ln]
    assert len(lines) == 2, c.stdout_text
    assert all(icmp_type in ln for ln in lines), lines


def test_mirror_drops_are_counted(pair):
    """Ring buffers of one page (-B 4) and a burst of large frames: the rings overflow; every frame
    sent is captured or counted as dropped by kernel, and the summary says so."""
    cap, peer = pair
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-B", "4", "-w", "/dev/null", "-v", "udp port 9000")
    assert "BPF ring buffers of 4 KiB" in c.stderr
    sent = 3000
    send_udp(peer, cap, 9000, [bytes(1400)] * sent)
    time.sleep(0.5)
    assert stop(c) == 0, c.stderr
    s = c.summary()
    assert s["received by filter"] == sent
    assert s["dropped by kernel"] > 0, c.stderr
    assert s["captured"] + s["dropped by kernel"] == sent, c.stderr
    assert f"  {s['dropped by kernel']} ring buffer full (in)" in c.stderr


def test_mirror_sigkill_leaves_nothing_attached(pair):
    cap, _ = pair
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-n", "udp")
    assert "xd0" in cap.ns.xdp_prog_ids()
    assert tcx_egress_programs(cap.ns, "xd0") == 1
    c.proc.send_signal(signal.SIGKILL)
    c.proc.wait(30)
    # the net role notices its parent's death and exits; the links went with the supervisor's fds
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (cap.ns.xdp_prog_ids() or tcx_egress_programs(cap.ns, "xd0")):
        time.sleep(0.1)
    assert cap.ns.xdp_prog_ids() == {}
    assert tcx_egress_programs(cap.ns, "xd0") == 0


def test_mirror_net_role_selftest_is_killed(pair):
    cap, _ = pair
    r = cap.ns.tool("xdpdump", "-i", "xd0", "--mirror", "--sandbox-selftest", "net", "-n", "udp", timeout=120)
    assert r.returncode == 1, r.stderr
    assert "killed by SIGSYS" in r.stderr, r.stderr
    assert cap.ns.xdp_prog_ids() == {}
    assert tcx_egress_programs(cap.ns, "xd0") == 0


def test_mirror_text_lines_name_the_direction_as_tcpdump_i_any(pair):
    """With several devices each line names its device and direction, as tcpdump -i any's do: `In  `
    for a frame received, `Out ` for one sent."""
    cap, peer = pair
    c = start_capture(cap.ns, "-i", "xd0", "-i", "lo", "--mirror", "-n", "icmp")
    assert ping(cap, peer, 2) == 2
    assert stop(c) == 0, c.stderr
    lines = [ln for ln in c.stdout_text.splitlines() if "ICMP" in ln]
    heads = [(ln.split()[1:3], "echo request" in ln) for ln in lines]
    assert heads == [(["xd0", "Out"], True), (["xd0", "In"], False)] * 2, lines
    assert all(" xd0 In  IP " in ln for ln in lines if "echo reply" in ln)
    assert all(" xd0 Out IP " in ln for ln in lines if "echo request" in ln)


def test_mirror_on_lo_records_each_frame_once(pair):
    cap, _ = pair
    c = start_capture(cap.ns, "-i", "lo", "--mirror", "-n", "udp port 9100")
    with entered(cap.ns.name):
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    with rx, tx:
        rx.bind(("127.0.0.1", 9100))
        rx.settimeout(1.0)
        for i in range(5):
            tx.sendto(b"lo-%d" % i, ("127.0.0.1", 9100))
        assert len([rx.recv(100) for _ in range(5)]) == 5
    assert stop(c) == 0, c.stderr
    lines = [ln for ln in c.stdout_text.splitlines() if "9100" in ln]
    assert len(lines) == 5, c.stdout_text


def test_mirror_stops_at_the_count(pair):
    cap, peer = pair
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-c", "5", "-n", "udp port 9000")
    send_udp(peer, cap, 9000, [b"c%d" % i for i in range(20)])
    assert c.finish(timeout=60) == 0, c.stderr
    assert len([ln for ln in c.stdout_text.splitlines() if ".9000: UDP" in ln]) == 5
    assert "5 packets captured" in c.stderr


@pytest.mark.parametrize("direction", ["out", "inout"])
def test_af_xdp_capture_refuses_other_directions_in_one_line(pair, direction):
    cap, _ = pair
    r = cap.ns.tool("xdpdump", "-i", "xd0", "-Q", direction, "udp", timeout=60)
    assert r.returncode == 2
    assert r.stderr == (f"xdpdump: -Q {direction}: the AF_XDP capture sees only received frames (-Q in); "
                        "--mirror captures both directions\n")
    assert cap.ns.xdp_prog_ids() == {}


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs to fill two ring buffers")
def test_mirror_keeps_frames_of_different_cpus_in_order(pair, tmp_path):
    """Datagrams sent alternately from two CPUs land in two ring buffers (veth runs the receiver's
    XDP on the sender's CPU); the record ring must still hold them in the order they were sent."""
    from capture_helpers import tshark_payloads

    cap, peer = pair
    out = tmp_path / "order.pcap"
    c = start_capture(cap.ns, "-i", "xd0", "--mirror", "-Q", "in", "-w", str(out), "udp port 9000")
    cpus = sorted(os.sched_getaffinity(0))[:2]
    home = os.sched_getaffinity(0)
    with entered(peer.ns.name):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for i in range(300):
            os.sched_setaffinity(0, {cpus[i % 2]})
            s.sendto(b"seq-%03d" % i, (cap.ip4, 9000))
    finally:
        os.sched_setaffinity(0, home)
        s.close()
    time.sleep(0.3)
    assert stop(c) == 0, c.stderr
    assert tshark_payloads(out) == [b"seq-%03d" % i for i in range(300)]


def test_af_xdp_capture_marks_its_pcapng_records_inbound(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "a.pcapng"
    c = start_capture(cap.ns, "-i", "xd0", "--pcapng", "-w", str(out), "udp port 9000")
    send_udp(peer, cap, 9000, [b"in-%d" % i for i in range(5)])
    time.sleep(0.2)
    assert stop(c) == 0, c.stderr
    flags = run(["tshark", "-r", str(out), "-T", "fields", "-e", "frame.packet_flags_direction"]).stdout.split()
    assert [int(f, 0) for f in flags] == [1] * 5
