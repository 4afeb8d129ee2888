"""What a capture file holds however the capture ends: the header written during set-up with the
capture's snap length, a write that fails (a full file system) cut back to whole records, and a
supervisor killed by SIGKILL with every frame taken from the kernel still reaching the file."""

from __future__ import annotations

import re

from capture_helpers import start_capture, tcpdump_read
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

