"""Bad input to xdpdump: one clear line, a non-zero status, and nothing left attached."""

from __future__ import annotations

import pytest
from netns import VENV_BIN


def xdpdump(ns, *args: str):
    return ns.cmd([str(VENV_BIN / "xdpdump"), *args], check=False, timeout=120)


def assert_one_line(proc, status: int, starts: str) -> None:
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(starts), proc.stderr


@pytest.mark.parametrize(
    "args, status, message",
    [
        (["-i", "nosuch0"], 1, "xdpdump: nosuch0: no such device"),
        (["-i", "{dev}", "udp port"], 1, "xdpdump: can't parse filter expression: syntax error"),
        (["-i", "{dev}", "-w", "/nonexistent/f.pcap"], 1, "xdpdump: /nonexistent/f.pcap: No such file or directory"),
        # opens, but cannot be written: the file header is written during set-up, so this fails
        # before any frame is taken and before the banner, and nothing stays attached
        (["-i", "{dev}", "-w", "/proc/version"], 1, "xdpdump: cannot write /proc/version: write("),
        (["-i", "{dev}", "--ring-size", "100"], 2, "xdpdump: --ring-size 100: must be a power of two"),
        (["-i", "{dev}", "--queue", "7"], 1, "xdpdump: {dev} has 1 rx queue(s); there is no queue 7"),
        (["-i", "{dev}", "ip6 protochain 6"], 1, "xdpdump: this filter cannot run in the XDP program: "),
        ([], 2, "xdpdump: no interface given"),
    ],
)
def test_bad_input(pair, args, status, message):
    cap, _ = pair
    proc = xdpdump(cap.ns, *[a.format(dev=cap.dev) for a in args])
    assert_one_line(proc, status, message.format(dev=cap.dev))
    assert cap.ns.xdp_prog_ids() == {}


def test_interface_down(pair):
    cap, _ = pair
    cap.ns.ip("link", "set", cap.dev, "down")
    proc = xdpdump(cap.ns, "-i", cap.dev)
    assert_one_line(proc, 1, f"xdpdump: {cap.dev} is down (bring it up with: ip link set {cap.dev} up)")


def test_program_already_attached_says_how_to_proceed(pair):
    cap, _ = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, check=True)
    before = cap.ns.xdp_prog_ids()
    proc = xdpdump(cap.ns, "-i", cap.dev, "-c", "1")
    assert_one_line(proc, 1, f"xdpdump: {cap.dev} already has XDP program {before[cap.dev]} 'xdpd_pass'")
    assert f"xdp-load unload -i {cap.dev}" in proc.stderr and "--force" in proc.stderr
    assert cap.ns.xdp_prog_ids() == before  # left as it was


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "not a capture file"),
        (b"\x00\x01\x02\x03" * 8, "unknown file format"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "truncated"),
    ],
)
def test_unreadable_or_corrupt_pcap(lab, tmp_path, content, message):
    ns = lab.netns()
    bad = tmp_path / "bad.pcap"
    bad.write_bytes(content)
    proc = xdpdump(ns, "-r", str(bad))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert message in proc.stderr.splitlines()[-1]


def test_missing_pcap(lab):
    proc = xdpdump(lab.netns(), "-r", "/nonexistent.pcap")
    assert_one_line(proc, 1, "xdpdump: /nonexistent.pcap: No such file or directory")
