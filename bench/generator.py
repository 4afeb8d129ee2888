"""The traffic generator: compiling ``bench/trafgen.c`` and running it in the gen namespace.

Owns the generator's build (gcc -O2 into a temp dir at bench start, never into the package) and one
bounded send: ``send(...)`` returns the generator's own report (frames the kernel accepted, seconds).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.topology import CAP_IP, GEN_DEV, GEN_IP, Topology

SOURCE = Path(__file__).resolve().parent / "trafgen.c"
MATCH_EVERY = 100  # trafgen.c's CYCLE: one frame in 100 goes to UDP port 9999


def build(tmpdir: Path) -> Path:
    binary = tmpdir / "trafgen"
    proc = subprocess.run(["gcc", "-O2", "-Wall", "-o", str(binary), str(SOURCE)], capture_output=True,
                          text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"gcc {SOURCE.name}: {proc.stderr.strip()}")
    return binary


@dataclass(frozen=True)
class Sent:
    frames: int
    seconds: float
    enobufs: int
    timed_out: bool

    @property
    def pps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    @property
    def matching(self) -> int:
        """Frames among those sent that match ``udp port 9999`` (indices 0, 100, 200, ...)."""
        return (self.frames + MATCH_EVERY - 1) // MATCH_EVERY


def send(binary: Path, topo: Topology, frame_len: int, count: int, cpu: int, max_seconds: float,
         rate_pps: int = 0) -> Sent:
    """count frames, flat out, or paced at rate_pps."""
    argv = ["taskset", "-c", str(cpu), *topo.in_ns(topo.gen_ns, [
        str(binary), GEN_DEV, topo.cap_mac, GEN_IP, CAP_IP, str(frame_len), str(count), str(max_seconds),
        str(rate_pps)])]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=max_seconds + 30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"trafgen exited {proc.returncode}: {proc.stderr.strip()}")
    r = json.loads(proc.stdout)
    return Sent(r["sent"], r["seconds"], r["enobufs"], r["timed_out"])
