"""Rotation on a live capture: the archive role creates its files (-C, -G, -W, --rename-at-close, -z)
through the -w directory's descriptor, under its seccomp filter and Landlock, without losing a frame."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

import pytest
from capture_helpers import start_capture, tcpdump_read, xdp_attached, z_calls, z_recorder
from netns import send_udp

from xdpdump.roles.identity import role_identity

PAYLOAD = b"r" * 1400  # ~1.4 kB frames: 1 MB holds about 700


def payloads(n: int) -> list[bytes]:
    return [f"{i:06d}".encode() + PAYLOAD for i in range(n)]


@pytest.fixture(autouse=True)
def tmp_path_for_the_archive_role(tmp_path):
    """The archive role creates rotated files as an unprivileged user (roles/identity.py): the
    directory's owner when that is not root, so the test's directory is given to the role user."""
    give_to_role_user(tmp_path)


def give_to_role_user(path) -> None:
    who = role_identity()
    os.chown(path, who.uid, who.gid)


def files_in(d) -> list[str]:
    return sorted(p for p in os.listdir(d))


def test_live_rotation_under_load_loses_no_frame(pair, tmp_path):
    """-C 1 with 3000 frames of 1.4 kB: several files, each readable by tcpdump, and every frame sent
    is in one of them or counted as dropped by the kernel."""
    cap, peer = pair
    out = tmp_path / "live.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-C", "1", "-w", str(out), "udp port 9000")
    sent = 3000
    send_udp(peer, cap, 9000, payloads(sent))
    assert run.finish(signal.SIGINT) == 0, run.stderr
    s = run.summary()
    names = files_in(tmp_path)
    assert names[0] == "live.pcap" and len(names) >= 4, names
    assert names[1:] == sorted(f"live.pcap{i}" for i in range(1, len(names))), names
    per_file = [len(tcpdump_read(tmp_path / n)) for n in names]
    assert sum(per_file) == s["captured"]
    assert s["captured"] + s["dropped by kernel"] == sent
    for n in names[:-1]:  # a file is closed once it grew past 1,000,000 bytes, at most one frame past
        assert 1_000_000 < (tmp_path / n).stat().st_size <= 1_000_000 + 16 + 1514
    assert xdp_attached(cap.ns) == {}


def test_live_rename_at_close_never_shows_a_partial_file_under_its_name(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "r.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-C", "1", "--rename-at-close", "-w", str(out), "udp port 9000")
    send_udp(peer, cap, 9000, payloads(1000))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "r.pcap" not in files_in(tmp_path):
        time.sleep(0.05)
    # The first file is complete (renamed) only once the second was begun, under its partial name.
    assert "r.pcap" in files_in(tmp_path)
    assert ".r.pcap1.partial" in files_in(tmp_path)
    assert len(tcpdump_read(tmp_path / "r.pcap")) > 0
    assert run.finish(signal.SIGINT) == 0, run.stderr
    assert files_in(tmp_path) == ["r.pcap", "r.pcap1"]
    assert sum(len(tcpdump_read(tmp_path / n)) for n in files_in(tmp_path)) == run.summary()["captured"]


def test_live_G_with_W_exits_after_W_files(pair, tmp_path):
    """-G 1 -W 2 (no -C): tcpdump closes the second file at the first packet after two windows and
    exits with "Maximum file limit reached: 2" and status 0."""
    cap, peer = pair
    out = tmp_path / "g-%s.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-G", "1", "-W", "2", "-w", str(out), "udp port 9000")
    deadline = time.monotonic() + 20
    sent = 0
    while run.proc.poll() is None and time.monotonic() < deadline:
        send_udp(peer, cap, 9000, payloads(5))
        sent += 5
        time.sleep(0.2)
    assert run.finish(timeout=30) == 0, run.stderr
    assert "Maximum file limit reached: 2" in run.stderr_lines
    names = files_in(tmp_path)
    assert len(names) == 2 and all(n.startswith("g-") and n.endswith(".pcap") for n in names), names
    stamps = sorted(int(n[2:-5]) for n in names)
    assert stamps[1] - stamps[0] >= 1
    # Every file reads back; the first may hold nothing when set-up took longer than -G (its window
    # starts when the file is created, as tcpdump's starts when it parses -G).
    per_file = [len(tcpdump_read(tmp_path / n)) for n in names]
    assert 0 < sum(per_file) <= sent
    assert xdp_attached(cap.ns) == {}


def test_live_U_records_reach_the_pipe_before_the_capture_ends(pair, tmp_path):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-U", "-w", "-", "udp port 9000", read_stdout=False)
    send_udp(peer, cap, 9000, payloads(3))
    want = 24 + 3 * (16 + 14 + 20 + 8 + len(payloads(1)[0]))
    got = b""
    deadline = time.monotonic() + 30   # a bound: -U delivers in milliseconds
    fd = run.proc.stdout.fileno()
    while time.monotonic() < deadline and len(got) < want:
        if select.select([fd], [], [], 0.1)[0]:
            got += os.read(fd, 65536)
    assert len(got) == want and run.proc.poll() is None   # all three, while the capture still runs
    assert run.finish(signal.SIGINT) == 0, run.stderr
    out = tmp_path / "u.pcap"
    out.write_bytes(got + run.stdout_text.encode("latin-1"))
    assert len(tcpdump_read(out)) == 3


def test_live_z_runs_on_each_closed_file_and_leaves_no_helper(pair, tmp_path):
    cap, peer = pair
    script, log, outdir = z_recorder(tmp_path)
    give_to_role_user(outdir)
    run = start_capture(cap.ns, "-i", cap.dev, "-C", "1", "-z", str(script), "-w", str(outdir / "z.pcap"),
                        "udp port 9000")
    send_udp(peer, cap, 9000, payloads(2000))
    assert run.finish(signal.SIGINT) == 0, run.stderr
    names = files_in(outdir)
    assert len(names) >= 3
    closed = [str(outdir / n) for n in names if n != names[-1]]   # z.pcap, z.pcap1, ...: all but the last
    got = z_calls(log, len(closed))
    assert [g[0] for g in got] == sorted(closed)
    assert all(g[1] == "19" for g in got)                      # the lowest priority
    assert all(int(g[2]) == len(tcpdump_read(g[0])) for g in got)   # complete when the command ran
    # The helper ended with the capture (its pipe closed) and the commands have finished: nothing runs
    # in the namespace any more.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _pids(cap.ns.name):
        time.sleep(0.05)
    assert _pids(cap.ns.name) == []


def _pids(ns: str) -> list[str]:
    return subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()


def test_banner_says_when_landlock_is_missing():
    from xdpdump.plan import FileRotation, Outputs, Sandbox
    from xdpdump.printer.options import PrintOptions
    from xdpdump.supervisor import archive_banner

    class P:
        outputs = Outputs("o.pcap", "pcap", PrintOptions(), None, rotation=FileRotation(size_limit=1))
        sandbox = Sandbox(True, None)
        verbose = 1

    assert archive_banner(P, 0) == ["xdpdump: archive role: Landlock is not available in this kernel: only its "
                                    "seccomp filter confines the files it creates (openat in the -w directory, "
                                    "fixed flags)"]
    assert archive_banner(P, 7) == []
    P.verbose = 0
    assert archive_banner(P, 0) == []
