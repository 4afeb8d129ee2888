"""``scripts/bench --printing``: how fast ``xdpdump -r FILE -n`` prints lines next to ``tcpdump -n -r FILE``.

Owns the printing measurement only: one pcap of identical Ethernet/IPv4/UDP frames (300,000 by
default) in a temporary directory, each tool run on it in turn with stdout to /dev/null, wall-clock
time around each run (start-up included, as a user sees it). Prints lines per second for both and
the ratio xdpdump/tcpdump. Needs no root and no network.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.capturers import VENV_BIN

_FRAME = bytes.fromhex(
    "020000000002020000000001080045000032000100004011ffff"  # Ethernet, IPv4 header (no options)
    "c6120001c6120002"                                      # 198.18.0.1 > 198.18.0.2
    "9c407530001e0000") + b"x" * 22                         # UDP 40000 > 30000, 22 bytes


def write_udp_pcap(path: Path, frames: int) -> None:
    record = struct.pack("<II", len(_FRAME), len(_FRAME)) + _FRAME
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i in range(frames):
            f.write(struct.pack("<II", 1_700_000_000 + i // 1000, i % 1000 * 1000) + record)


def _lines_per_s(argv: list[str], frames: int) -> float:
    started = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=600)
    return frames / (time.monotonic() - started)


def measure(frames: int) -> dict:
    tcpdump = shutil.which("tcpdump")
    if tcpdump is None:
        raise RuntimeError("tcpdump is not installed")
    with tempfile.TemporaryDirectory(prefix="xdpdump-printing-") as tmp:
        path = Path(tmp) / "udp.pcap"
        write_udp_pcap(path, frames)
        ref = _lines_per_s([tcpdump, "-n", "-r", str(path)], frames)
        ours = _lines_per_s([str(VENV_BIN / "xdpdump"), "-r", str(path), "-n"], frames)
    return {"frames": frames, "tcpdump_lines_per_s": round(ref), "xdpdump_lines_per_s": round(ours),
            "ratio": round(ours / ref, 3)}


def main(frames: int) -> int:
    try:
        r = measure(frames)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        sys.stderr.write(f"scripts/bench --printing: {e}\n")
        return 1
    print(f"## Printing {r['frames']:,} Ethernet/IPv4/UDP lines (-r FILE -n, stdout to /dev/null)\n")
    print("| tool | lines/s |\n|---|---|")
    print(f"| tcpdump | {r['tcpdump_lines_per_s']:,} |\n| xdpdump | {r['xdpdump_lines_per_s']:,} |\n")
    print(f"xdpdump/tcpdump: {r['ratio']}x")
    return 0
