"""What a capture file holds however the capture ends: the header written during set-up with the
capture's snap length, a write that fails (a full file system) cut back to whole records, and a
supervisor killed by SIGKILL with every frame taken from the kernel still reaching the file."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from capture_helpers import start_capture, tcpdump_read, xdp_attached
from netns import run, send_udp


def file_snaplen(path) -> int:
    """The snapshot length tcpdump reads from the file header."""
    proc = run(["tcpdump", "-n", "-r", str(path), "-c", "1"])
    return int(re.search(r"snapshot length (\d+)", proc.stderr).group(1))


def banner_snaplen(stderr: str) -> int:
    return int(re.search(r"snapshot length (\d+) bytes", stderr).group(1))


def test_header_written_at_set_up_has_the_capture_snap_length(pair, tmp_path):
    # Auto mode learns the frame size (and so the largest snap length) only by attaching; the
    # header, written before the first frame is taken, must still say what the capture keeps.
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run_ = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "-c", "3")
    assert out.stat().st_size == 24  # the header is on disk before any frame is captured
    send_udp(peer, cap, 9000, [b"x" * 64] * 3)
    assert run_.finish() == 0, run_.stderr
    assert file_snaplen(out) == banner_snaplen(run_.stderr) < 262144
    assert len(tcpdump_read(out)) == 3



@contextlib.contextmanager
def small_filesystem(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at where, unmounted afterwards even on failure."""
    where.mkdir()
    run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)])
    try:
        yield where
    finally:
        run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_full_file_system_cuts_the_file_back_to_its_last_whole_record(pair, tmp_path, fmt):
    cap, peer = pair
    with small_filesystem(tmp_path / "small", "256k") as small:
        out = small / f"f.{fmt}"
        extra = ["--pcapng"] if fmt == "pcapng" else []
        run_ = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), *extra, "udp port 9000")
        # 2 MB of frames into 256 KiB: the writer's first 1 MiB write stops short, the next fails.
        for _ in range(20):
            send_udp(peer, cap, 9000, [b"y" * 1400] * 75)
            if run_.proc.poll() is not None:
                break
            time.sleep(0.05)
        status = run_.finish()  # a failed role ends the capture by itself
        assert status == 1, run_.stderr
        failures = [ln for ln in run_.stderr_lines if "archive role:" in ln]
        assert len(failures) == 1 and failures[0].endswith("No space left on device"), run_.stderr
        written = next(ln for ln in run_.stderr_lines if "before writing it failed" in ln)
        n = int(written.split()[0])
        assert written == f"{n} packets written to {out} before writing it failed"
        assert n > 100  # most of 256 KiB of 1442-byte frames
        proc = run(["tcpdump", "-n", "-r", str(out)], check=False)
        assert proc.returncode == 0 and "truncated" not in proc.stderr, proc.stderr
        assert len(proc.stdout.splitlines()) == n
        # A file cut to whole records: its size is exactly the header plus n records.
        record = 16 + 1442 if fmt == "pcap" else 32 + 1444
        header = 24 if fmt == "pcap" else out.stat().st_size - n * record
        assert out.stat().st_size == header + n * record


def role_pids(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def wait_gone(pids: list[int], timeout_s: float) -> list[int]:
    """The pids still alive after timeout_s (a zombie reparented to init is reaped at once)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        pids = [p for p in pids if Path(f"/proc/{p}").exists()]
        if not pids:
            return []
        time.sleep(0.05)
    return pids


def test_sigkill_of_the_supervisor_loses_no_captured_frame(pair, tmp_path):
    # Frames the net role has taken live in the record ring and the writer's buffer (up to 1 MiB,
    # written every 100 ms when traffic is light): a supervisor killed right after the traffic stops
    # must still leave every one of them in the file.
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run_ = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "udp port 9000")
    roles = role_pids(run_.proc.pid)
    assert len(roles) == 2
    sent = [f"k-{i:06d}".encode() * (40 if i % 2 else 1) for i in range(20000)]  # by reference and copied
    for i in range(0, len(sent), 2000):  # chunks the rings hold, so no drop comes from the kernel
        send_udp(peer, cap, 9000, sent[i:i + 2000])
    run_.proc.kill()  # the senders are done; SIGKILL the supervisor
    run_.finish()
    assert wait_gone(roles, 30) == [], "a role outlived the capture"
    assert xdp_attached(cap.ns) == {}
    got = udp_payloads(out)
    assert len(got) == len(sent), run_.stderr
    assert got == sent


def udp_payloads(path) -> list[bytes]:
    from scapy.all import UDP, rdpcap

    return [bytes(p[UDP].payload) for p in rdpcap(str(path)) if UDP in p]
