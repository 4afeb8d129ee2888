"""The xdpdump command line without a live capture: -d, --dump-c, -r with a filter, -w -, --json."""

from __future__ import annotations

import json
import subprocess

from capture_helpers import start_capture
from netns import VENV_BIN, send_udp

XDPDUMP = str(VENV_BIN / "xdpdump")


def sample_pcap(path) -> None:
    from scapy.all import IP, TCP, UDP, Ether, IPv6, wrpcap

    eth = Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01")
    frames = []
    for i in range(20):
        frames.append(eth / IP(src="198.18.0.2", dst="198.18.0.1") / UDP(sport=40000 + i, dport=9000 + i % 3)
                      / (b"u%02d" % i))
        frames.append(eth / IPv6(src="fd00::2", dst="fd00::1") / TCP(sport=50000, dport=443 + i % 2, flags="S"))
    for n, f in enumerate(frames):
        f.time = 1795400000 + n / 100
    wrpcap(str(path), frames)


def tcpdump(*args: str) -> list[str]:
    return subprocess.run(["tcpdump", *args], capture_output=True, text=True, check=True).stdout.splitlines()


def xdpdump(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([XDPDUMP, *args], capture_output=True, text=True, timeout=60)


def test_dash_d_prints_what_tcpdump_prints(tmp_path):
    sample_pcap(tmp_path / "s.pcap")
    for expr in ("udp port 9001", "ip6 and tcp dst port 444", "vlan 5 and udp"):
        ours = xdpdump("-d", "-s", "65535", expr)  # tcpdump -r takes the file's snap length
        assert ours.returncode == 0
        assert ours.stdout.splitlines() == tcpdump("-d", "-r", str(tmp_path / "s.pcap"), expr)


def test_read_with_filter_prints_what_tcpdump_prints(tmp_path):
    pcap = tmp_path / "s.pcap"
    sample_pcap(pcap)
    for expr in ("udp port 9001", "tcp dst port 444", "ip6", "udp and less 60 and not port 9000"):
        ours = xdpdump("-n", "-r", str(pcap), expr)
        assert ours.returncode == 0, ours.stderr
        theirs = tcpdump("-n", "-r", str(pcap), expr)
        assert theirs and ours.stdout.splitlines() == theirs


def test_dump_c_is_the_filter_function():
    out = xdpdump("--dump-c", "tcp port 443")
    assert out.returncode == 0
    assert "static __always_inline unsigned int xdpd_filter(void *data, void *data_end)" in out.stdout


def test_write_to_stdout_is_a_pcap_stream(pair):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "4", "-w", "-", "udp")
    send_udp(peer, cap, 9000, [b"a1", b"b2", b"c3", b"d4"])
    assert run.finish() == 0, run.stderr
    text = subprocess.run(["tcpdump", "-n", "-r", "-", "-A"], input=run.stdout_text.encode("latin-1"),
                          capture_output=True, check=True).stdout.decode()
    assert [ln for ln in text.splitlines() if "UDP, length 2" in ln].__len__() == 4
    assert all(p in text for p in ("a1", "b2", "c3", "d4"))


def test_json_lines_live(pair):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "3", "--json", "udp")
    send_udp(peer, cap, 9000, [b"j1", b"j2", b"j3"])
    assert run.finish() == 0, run.stderr
    objs = [json.loads(line) for line in run.stdout_text.splitlines()]
    assert len(objs) == 3
    assert all(o["wire_len"] == 44 for o in objs), objs[0]


def test_print_with_link_header_live(pair):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "2", "-n", "-e", "udp")
    send_udp(peer, cap, 9000, [b"e1", b"e2"])
    assert run.finish() == 0
    lines = run.stdout_text.splitlines()
    assert len(lines) == 2
    assert all(f"{peer.mac} > {cap.mac}, ethertype IPv4 (0x0800), length 44: {peer.ip4}." in ln for ln in lines)


def test_verifier_rejection_is_one_paragraph(pair):
    """A filter too large for the kernel: the verifier's reason, one line, nothing attached."""
    cap, _ = pair
    terms = " or ".join(f"(host 198.18.{i // 250}.{i % 250 + 1} and tcp port {1000 + i})" for i in range(600))
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, terms, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("xdpdump: ")
    assert cap.ns.xdp_prog_ids() == {}
