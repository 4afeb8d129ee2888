"""``scripts/bench --printing``: how fast ``xdpdump -r FILE -n`` prints lines next to ``tcpdump -n -r FILE``.

Owns the printing measurement only. Two pcaps in a temporary directory, 300,000 frames each by
default: identical Ethernet/IPv4/UDP frames, and one Ethernet/IPv4 TCP connection (handshake, then
data segments with timestamp options and their ACKs, both ways). Each tool runs on each file in turn
with stdout to /dev/null, ``runs`` times interleaved (tcpdump, xdpdump, the baseline xdpdump if one
is given, then again), wall-clock time around each run (start-up included, as a user sees it) and the
tool's own CPU time. It prints the median lines per second per tool, of wall-clock time and of CPU
time, and the median of the runs' ratios to tcpdump's; before
timing, it checks that xdpdump's first lines are tcpdump's. Needs no root and no network.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
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
_PCAP_HEADER = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)
_CHECKED_LINES = 2000


def write_udp_pcap(path: Path, frames: int) -> None:
    record = struct.pack("<II", len(_FRAME), len(_FRAME)) + _FRAME
    with open(path, "wb") as f:
        f.write(_PCAP_HEADER)
        for i in range(frames):
            f.write(struct.pack("<II", 1_700_000_000 + i // 1000, i % 1000 * 1000) + record)


def _tcp_frame(fwd: bool, flags: int, seq: int, ack: int, payload: int, tsval: int, opts: bytes | None = None) -> bytes:
    macs = bytes.fromhex("020000000002020000000001" if fwd else "020000000001020000000002")
    addrs = bytes.fromhex("c6120001c6120002" if fwd else "c6120002c6120001")
    ports = struct.pack("!HH", 40000, 30000) if fwd else struct.pack("!HH", 30000, 40000)
    if opts is None:  # NOP, NOP, timestamps: what Linux puts on every segment
        opts = b"\x01\x01\x08\x0a" + struct.pack("!II", tsval, tsval - 7)
    tcp = ports + struct.pack("!IIBBHHH", seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (20 + len(opts)) // 4 << 4, flags,
                              502, 0, 0) + opts
    total = 20 + len(tcp) + payload
    ip = struct.pack("!BBHHHBBH", 0x45, 0, total, 1, 0x4000, 64, 6, 0) + addrs
    return macs + b"\x08\x00" + ip + tcp + b"d" * payload


def tcp_frames(frames: int) -> list[bytes]:
    """One connection: handshake, then data one way and the other, each segment ACKed."""
    c, s = 1_000_000_000, 3_000_000_000
    syn_opts = b"\x02\x04\x05\xb4\x04\x02\x08\x0a" + struct.pack("!II", 1000, 0) + b"\x01\x03\x03\x07"
    out = [_tcp_frame(True, 0x02, c, 0, 0, 0, syn_opts), _tcp_frame(False, 0x12, s, c + 1, 0, 0, syn_opts),
           _tcp_frame(True, 0x10, c + 1, s + 1, 0, 1001)]
    c, s = c + 1, s + 1
    i = 0
    while len(out) < frames:
        size = 100 + i % 1300
        if i % 2:
            out.append(_tcp_frame(True, 0x18, c, s, size, 1002 + i))
            c += size
            out.append(_tcp_frame(False, 0x10, s, c, 0, 1002 + i))
        else:
            out.append(_tcp_frame(False, 0x18, s, c, size, 1002 + i))
            s += size
            out.append(_tcp_frame(True, 0x10, c, s, 0, 1002 + i))
        i += 1
    return out[:frames]


def write_tcp_pcap(path: Path, frames: int) -> None:
    with open(path, "wb") as f:
        f.write(_PCAP_HEADER)
        for i, frame in enumerate(tcp_frames(frames)):
            f.write(struct.pack("<IIII", 1_700_000_000 + i // 1000, i % 1000 * 1000, len(frame), len(frame)) + frame)


def _lines_per_s(argv: list[str], frames: int) -> tuple[float, float]:
    """Lines per second of wall-clock time and per second of the tool's own CPU time (user + system:
    on a shared machine the wall clock also counts the time others had the CPU)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=600)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return frames / wall, frames / max(cpu, 1e-6)


def _first_lines(argv: list[str]) -> list[str]:
    res = subprocess.run([*argv, "-c", str(_CHECKED_LINES)], capture_output=True, text=True, check=True,
                         timeout=120, env=dict(os.environ, TZ="UTC"))
    return res.stdout.splitlines()


def measure(frames: int, baseline: Path | None = None, runs: int = 3) -> dict:
    tcpdump = shutil.which("tcpdump")
    if tcpdump is None:
        raise RuntimeError("tcpdump is not installed")
    tools = {"tcpdump": lambda p: [tcpdump, "-n", "-r", str(p)],
             "xdpdump": lambda p: [str(VENV_BIN / "xdpdump"), "-r", str(p), "-n"]}
    if baseline is not None:
        tools["xdpdump-baseline"] = lambda p: [str(baseline), "-r", str(p), "-n"]
    result: dict = {"frames": frames, "runs": runs, "cases": {}}
    with tempfile.TemporaryDirectory(prefix="xdpdump-printing-") as tmp:
        for case, write in (("UDP", write_udp_pcap), ("TCP", write_tcp_pcap)):
            path = Path(tmp) / f"{case}.pcap"
            write(path, frames)
            if _first_lines(tools["xdpdump"](path)) != _first_lines(tools["tcpdump"](path)):
                raise RuntimeError(f"xdpdump's {case} lines are not tcpdump's")
            wall: dict[str, list[float]] = {name: [] for name in tools}
            cpu: dict[str, list[float]] = {name: [] for name in tools}
            for _ in range(runs):
                for name, argv in tools.items():
                    w, c = _lines_per_s(argv(path), frames)
                    wall[name].append(w)
                    cpu[name].append(c)
            result["cases"][case] = {
                "lines_per_s": _medians(wall), "ratio_to_tcpdump": _ratios(wall),
                "lines_per_cpu_s": _medians(cpu), "cpu_ratio_to_tcpdump": _ratios(cpu)}
    return result


def _medians(rates: dict[str, list[float]]) -> dict[str, int]:
    return {name: round(statistics.median(r)) for name, r in rates.items()}


def _ratios(rates: dict[str, list[float]]) -> dict[str, float]:
    """The median of each run's ratio to tcpdump's rate in that run."""
    ref = rates["tcpdump"]
    return {name: round(statistics.median(a / b for a, b in zip(r, ref, strict=True)), 3)
            for name, r in rates.items() if name != "tcpdump"}


def main(frames: int, baseline: Path | None = None, runs: int = 3) -> int:
    try:
        r = measure(frames, baseline, runs)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        sys.stderr.write(f"scripts/bench --printing: {e}\n")
        return 1
    print(f"## Printing {r['frames']:,} lines per case (-r FILE -n, stdout to /dev/null; "
          f"medians of {r['runs']} interleaved runs)\n")
    print("| case | tool | lines/s | ÷ tcpdump | lines/CPU-s | ÷ tcpdump |\n|---|---|---|---|---|---|")
    for case, c in r["cases"].items():
        for name, rate in c["lines_per_s"].items():
            ratio, cpu_ratio = c["ratio_to_tcpdump"].get(name), c["cpu_ratio_to_tcpdump"].get(name)
            print(f"| Ethernet/IPv4/{case} | {name} | {rate:,} | {f'{ratio}x' if ratio else ''} "
                  f"| {c['lines_per_cpu_s'][name]:,} | {f'{cpu_ratio}x' if cpu_ratio else ''} |")
    print()
    for case, c in r["cases"].items():
        print(f"{case}: xdpdump/tcpdump: {c['ratio_to_tcpdump']['xdpdump']}x "
              f"(CPU: {c['cpu_ratio_to_tcpdump']['xdpdump']}x)")
    return 0
