"""Start-up time: from the command to capturing, for xdpdump from a cold and a warm program cache,
and for tcpdump.

Owns timing each start the same way, in the bench topology's capture namespace: the clock starts
just before ``ip netns exec NS TOOL ...`` is spawned and stops when the tool says it is ready on
stderr (xdpdump's ``xdpdump: DEV:`` banner line, tcpdump's ``listening on``). For xdpdump the time to
"attached" is also taken from its log file (``--log-file``: the supervisor logs the moment the XDP
program is attached, with a millisecond wall-clock stamp). The CPU time the tool (and any process it
started) had used when its ready line arrived is taken too: unlike wall time, it hardly moves with
the machine's background load, so it says what a start costs on an idle machine. Cold runs each get a new, empty
``XDPDUMP_CACHE_DIR`` (bcc compiles); warm runs share one that a first, uncounted run filled. Runs
are interleaved (cold, warm, tcpdump, cold, ...) so background load falls on all three alike.
xdpdump runs without PYTHONDONTWRITEBYTECODE, so the uncounted first run leaves compiled modules
behind, as an installed xdpdump has: what is timed is the start, not compiling Python.
Given another checkout's xdpdump (``--baseline-xdpdump``), its warm starts are timed too, interleaved
with ours, from a warm cache of its own: a before/after of a change on the same machine state.
"""

from __future__ import annotations

import datetime
import os
import signal
import statistics
import subprocess
import threading
import time
from pathlib import Path

from bench.capturers import VENV_BIN
from bench.cpu import tree_cpu_s
from bench.topology import CAP_DEV, Topology

EXPR = ("udp", "port", "9999")  # the filtered case's expression
EXPR_TEXT = " ".join(EXPR)
READY_TIMEOUT_S = 120  # a cold start compiles with bcc: seconds on a loaded 2-core VM
STOP_TIMEOUT_S = 30
ATTACHED = "INFO attached "  # the supervisor's log line once the program is on the device
KINDS = ("xdpdump cold", "xdpdump warm", "tcpdump")
BASELINE_WARM = "xdpdump-baseline warm"


def _start(argv: list[str], marker: str, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Spawn argv; (wall-clock start, seconds until a stderr line containing marker, CPU seconds used
    by then). Stopped by SIGINT."""
    ready = threading.Event()
    t0 = time.time()
    began = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    seen: list[float] = []
    cpu: list[float] = []
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))
            if not seen and marker in line:
                seen.append(time.monotonic() - began)
                cpu.append(tree_cpu_s(proc.pid))
                ready.set()
        ready.set()  # EOF: the tool exited

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        ready.wait(READY_TIMEOUT_S)
        if not seen:
            raise RuntimeError(f"{Path(argv[4]).name} not ready within {READY_TIMEOUT_S} s: {' | '.join(lines[-4:])}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        reader.join(5)
    return t0, seen[0], cpu[0]


def _attached_after(log_path: Path, t0: float) -> float | None:
    """Seconds from t0 to the stamp of the log's "attached" line (None if there is none)."""
    for line in log_path.read_text().splitlines():
        if ATTACHED in line:
            stamp = datetime.datetime.fromisoformat(line.split(" ", 1)[0])  # local time, as logged
            return stamp.timestamp() - t0
    return None


def _xdpdump(topo: Topology, workdir: Path, cache_dir: Path, label: str,
             executable: Path = VENV_BIN / "xdpdump") -> tuple[float, float, float | None]:
    log_path = workdir / f"startup-{label}.log"
    log_path.unlink(missing_ok=True)
    argv = topo.in_ns(topo.cap_ns, [str(executable), "-i", CAP_DEV, "-w", str(workdir / "startup.pcap"),
                                    "--log-file", str(log_path), *EXPR])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0, ready, cpu = _start(argv, f"xdpdump: {CAP_DEV}:", dict(env, XDPDUMP_CACHE_DIR=str(cache_dir)))
    return ready, cpu, _attached_after(log_path, t0)


def _tcpdump(topo: Topology, workdir: Path) -> tuple[float, float]:
    argv = topo.in_ns(topo.cap_ns, ["tcpdump", "-i", CAP_DEV, "-w", str(workdir / "startup.pcap"), "-Z", "root",
                                    "-n", *EXPR])
    return _start(argv, "listening on")[1:]


def measure(topo: Topology, workdir: Path, runs: int, baseline: Path | None = None) -> list[dict]:
    """One row per kind (KINDS, then BASELINE_WARM if a baseline xdpdump is given): each run's seconds
    to ready, CPU seconds by then, and (xdpdump) to attached."""
    kinds = (*KINDS, BASELINE_WARM) if baseline else KINDS
    times: dict[str, dict[str, list[float]]] = {k: {"ready_s": [], "cpu_s": [], "attached_s": []} for k in kinds}
    warm_dir = workdir / "startup-cache-warm"
    baseline_dir = workdir / "startup-cache-baseline-warm"
    _xdpdump(topo, workdir, warm_dir, "xdpdump-warm-0")  # fills the warm cache; not counted
    if baseline:
        _xdpdump(topo, workdir, baseline_dir, "xdpdump-baseline-warm-0", baseline)  # the same, for the baseline
    for n in range(1, runs + 1):
        for kind in kinds:
            if kind == "tcpdump":
                ready, cpu = _tcpdump(topo, workdir)
                attached = None
            elif kind == BASELINE_WARM:
                assert baseline is not None
                ready, cpu, attached = _xdpdump(topo, workdir, baseline_dir, f"xdpdump-baseline-warm-{n}", baseline)
            else:
                cache_dir = workdir / f"startup-cache-cold-{n}" if kind == "xdpdump cold" else warm_dir
                ready, cpu, attached = _xdpdump(topo, workdir, cache_dir, f"{kind.replace(' ', '-')}-{n}")
            times[kind]["ready_s"].append(ready)
            times[kind]["cpu_s"].append(cpu)
            if attached is not None:
                times[kind]["attached_s"].append(attached)
    return [{"tool": kind, "runs": runs, "filter": EXPR_TEXT,
             **{k: [round(v, 4) for v in vs] for k, vs in times[kind].items()}} for kind in kinds]


def _spread(values: list[float]) -> str:
    """median (min-max)"""
    if not values:
        return "-"
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def markdown_table(rows: list[dict]) -> str:
    lines = ["| start | runs | command to attached, s | command to ready line, s | CPU by the ready line, s |",
             "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tool']} | {r['runs']} | {_spread(r['attached_s'])} | {_spread(r['ready_s'])} "
                     f"| {_spread(r['cpu_s'])} |")
    return "\n".join(lines)
