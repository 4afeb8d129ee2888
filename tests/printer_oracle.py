"""tcpdump as the oracle: write frames to a pcap, read them back with both printers, compare lines.

Shared by the printer's differential tests. ``write_pcap`` writes any link type; ``tcpdump_lines`` runs
Debian's ``tcpdump -n [flags] -r FILE`` in a fixed time zone; ``xdpdump_lines`` reads the same file with
xdpdump.capfile and formats it with xdpdump.printer; ``differences`` pairs the lines that differ;
``mutate`` changes bytes of frames, reproducibly.
"""

from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess
import time
from collections.abc import Iterable, Sequence

import pytest

from xdpdump.capfile import read_capture
from xdpdump.printer import Printer, PrintOptions

TZ = "Asia/Kolkata"
TCPDUMP = shutil.which("tcpdump")

# tcpdump's flags and the PrintOptions that mean the same.
FLAG_OPTIONS = {
    (): PrintOptions(),
    ("-e",): PrintOptions(link=True),
    ("-v",): PrintOptions(verbose=1),
    ("-vv",): PrintOptions(verbose=2),
    ("-q",): PrintOptions(quiet=True),
    ("-x",): PrintOptions(hex=True),
}


@pytest.fixture
def in_oracle_zone(monkeypatch):
    """The process's local time zone is the oracle's TZ for the test (import it into a test module,
    with autouse where every test prints local stamps)."""
    monkeypatch.setenv("TZ", TZ)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def write_pcap(path, frames: Iterable[tuple[int, bytes]], nano: bool = False,
               snap: dict[int, int] | None = None, linktype: int = 1) -> None:
    """``frames``: (ts_ns, bytes); ``snap`` cuts frame i to snap[i] captured bytes (wire length kept)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for i, (ts_ns, data) in enumerate(frames):
            cap = data[: snap[i]] if snap and i in snap else data
            frac = ts_ns % 10**9 if nano else ts_ns % 10**9 // 1000
            f.write(struct.pack("<IIII", ts_ns // 10**9, frac, len(cap), len(data)) + cap)


def tcpdump_lines(path, *flags: str) -> list[str]:
    env = dict(os.environ, TZ=TZ)
    res = subprocess.run([TCPDUMP, "-n", *flags, "-r", str(path)], capture_output=True, text=True,
                         env=env, timeout=300, errors="surrogateescape")
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


def xdpdump_lines(path, opts: PrintOptions) -> list[str]:
    printer = Printer(opts)
    out = []
    for rec in read_capture(str(path)):
        out.extend(printer.format(rec.ts_ns, rec.data, rec.wire_len, linktype=rec.linktype).split("\n"))
    return out


def differences(mine: Sequence[str], ref: Sequence[str]) -> list[tuple[int, str, str]]:
    diffs = [(i, a, b) for i, (a, b) in enumerate(zip(mine, ref, strict=False)) if a != b]
    if len(mine) != len(ref):
        n = min(len(mine), len(ref))
        diffs.append((n, "\n".join(mine[n:n + 3]) or "<end>", "\n".join(ref[n:n + 3]) or "<end>"))
    return diffs


def assert_same(mine: Sequence[str], ref: Sequence[str]) -> None:
    diffs = differences(mine, ref)
    shown = "\n".join(f"line {i}:\n  xdpdump: {a}\n  tcpdump: {b}" for i, a, b in diffs[:10])
    assert not diffs, f"{len(diffs)} lines differ (of {len(ref)}):\n{shown}"


def mutate(frames: Sequence[bytes], edits: Sequence[tuple[int, int]], seed: int) -> list[bytes]:
    """Each frame with ``edits`` applied: (position, value) pairs, the position moved on by up to 40
    bytes (wrapping), the value kept or replaced by a random byte, all from ``seed``."""
    rng = random.Random(seed)
    mutated = []
    for frame in frames:
        b = bytearray(frame)
        for pos, val in edits:
            at = (pos + rng.randint(0, 40)) % len(b)
            b[at] = val if rng.random() < 0.5 else rng.randint(0, 255)
        mutated.append(bytes(b))
    return mutated
