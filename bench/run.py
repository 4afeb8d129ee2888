"""One benchmark run: every case, every capturer, one after another on the same traffic.

Owns the order of a measurement. For each (case, capturer): start the capturer pinned to one CPU,
wait until it is ready, take CPU and link counters, run the generator pinned to the other CPU, wait
(bounded) until the capturer's output stops growing, take the counters again, stop the capturer with
SIGINT, count the frames in its file. The result is one ``dict`` row per run (see ``report.py``).
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench import generator
from bench.capturers import Capturer, Target
from bench.cpu import MachineCpu
from bench.topology import CAP_DEV, Topology

READY_TIMEOUT_S = 120  # bcc compiles the capture program at start: slow on a loaded 2-core VM
SETTLE_S = 0.5  # after "ready", let start-up finish; the machine's background load is measured meanwhile
STABLE_S = 1.0  # the output is drained once it has not grown for this long
POLL_S = 0.1


@dataclass(frozen=True)
class Case:
    name: str
    frame_len: int
    expr: tuple[str, ...]
    frames: int
    rate_pps: int = 0   # 0: as fast as the veth takes them; else paced (a moderate rate)


@dataclass(frozen=True)
class Limits:
    send_max_s: float
    drain_max_s: float


def count_frames(path: Path) -> tuple[int | None, str]:
    """Records in a pcap/pcapng file (capinfos: C, and it validates the file), and a note if it failed."""
    if not path.exists():
        return None, "no file written"
    proc = subprocess.run(["capinfos", "-c", "-M", "-T", "-r", str(path)], capture_output=True, text=True,
                          timeout=300, check=False)
    fields = proc.stdout.strip().split("\t")
    if proc.returncode == 0 and len(fields) >= 2 and fields[-1].isdigit():
        return int(fields[-1]), ""
    return _count_slowly(path)


def _count_slowly(path: Path) -> tuple[int | None, str]:
    """Our own reader, for a file capinfos rejects (e.g. cut short): whole records before the cut."""
    from xdpdump.capfile import read_capture
    from xdpdump.errors import UserError

    n = 0
    try:
        for _ in read_capture(str(path)):
            n += 1
    except UserError as e:
        return n, f"file damaged: {e}"
    return n, ""


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _wait_drained(path: Path, drain_max_s: float) -> tuple[float, MachineCpu]:
    """Seconds until the output stopped growing (bounded by drain_max_s), and the machine's CPU then.

    The machine's counters are taken at the last growth, not after the quiet second that proves it,
    so the idle tail (and whatever else the machine ran meanwhile) stays out of the figure.
    """
    start = time.monotonic()
    last, last_change, machine = _size(path), start, MachineCpu.now()
    while time.monotonic() - start < drain_max_s:
        time.sleep(POLL_S)
        now_size = _size(path)
        if now_size != last:
            last, last_change, machine = now_size, time.monotonic(), MachineCpu.now()
        elif time.monotonic() - last_change >= STABLE_S:
            break
    return last_change - start, machine


def _start_from_a_clean_page_cache() -> None:
    """Every run starts with the page cache empty: the previous runs wrote gigabytes, and on this VM
    the capture after them measured up to 2x its CPU (xdpdump 126 vs 216-244 ns per 64-byte frame,
    same code) while tcpdump's did not move. Dropping clean caches makes runs comparable."""
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def measure(topo: Topology, trafgen: Path, capturer: Capturer, case: Case, workdir: Path, limits: Limits,
            snaplen: int, gen_cpu: int, cap_cpu: int) -> dict:
    row: dict = {"case": case.name, "capturer": capturer.name, "frame_len": case.frame_len,
                 "filter": " ".join(case.expr)}
    reason = capturer.unavailable(list(case.expr))
    if reason:
        row["skipped"] = reason
        return row
    if topo.xdp_attached():
        raise RuntimeError(f"{CAP_DEV} still has an XDP program before {capturer.name}: a capturer leaked it")
    out = workdir / f"{case.name}-{capturer.name.split()[0]}.cap"
    target = Target(topo, out, list(case.expr), snaplen, cap_cpu)
    _start_from_a_clean_page_cache()
    session = capturer.start(target)
    try:
        session.wait_ready(READY_TIMEOUT_S)
        idle0, own0 = MachineCpu.now(), session.cpu_s()
        time.sleep(SETTLE_S)
        # What the rest of the machine did meanwhile: the capturer's own idle cost is not background.
        idle = MachineCpu.now().since(idle0)
        background = MachineCpu(max(0.0, idle.busy_s - (session.cpu_s() - own0)), idle.total_s)
        link0, cpu0, machine0 = topo.link_stats(topo.cap_ns, CAP_DEV), session.cpu_s(), MachineCpu.now()
        t0 = time.monotonic()
        sent = generator.send(trafgen, topo, case.frame_len, case.frames, gen_cpu, limits.send_max_s,
                              case.rate_pps)
        t_sent = time.monotonic()
        if capturer.writes_file:
            drained_after, machine1 = _wait_drained(out, limits.drain_max_s)
        else:
            drained_after, machine1 = 0.0, MachineCpu.now()
        machine = machine1.since(machine0)
        cpu1, t1 = session.cpu_s(), time.monotonic()
        link1 = topo.link_stats(topo.cap_ns, CAP_DEV)
        returncode = session.stop()
        outcome = capturer.finish(session, returncode)
    finally:
        session.kill()
    if capturer.writes_file:
        captured, note = count_frames(out)
        if out.exists():
            row["file_bytes"] = out.stat().st_size
            out.unlink()
    else:
        captured, note = outcome.tool_captured, ""
    expected = sent.matching if case.expr else sent.frames
    background_share = background.busy_s / background.total_s if background.total_s else 0.0
    machine_net_s = max(0.0, machine.busy_s - background_share * machine.total_s)
    row.update({
        "offered": sent.frames,
        "offered_pps": round(sent.pps),
        "generator_seconds": round(sent.seconds, 4),
        "generator_enobufs": sent.enobufs,
        "generator_timed_out": sent.timed_out,
        "reached_veth": link1["rx_packets"] - link0["rx_packets"],
        "veth_rx_dropped": link1["rx_dropped"] - link0["rx_dropped"],
        "expected": expected,
        "captured": captured,
        "tool_captured": outcome.tool_captured,
        "loss_pct": None if captured is None else round(100.0 * (expected - captured) / expected, 4),
        "kernel_drops": outcome.kernel_drops,
        "tool_summary": outcome.summary,
        "exit_status": returncode,
        "capture_cpu_s": round(cpu1 - cpu0, 3),
        "capture_cpu_ns_per_captured": (round((cpu1 - cpu0) * 1e9 / captured, 1) if captured else None),
        "machine_busy_s": round(machine.busy_s, 3),
        "machine_cpu_ns_per_offered_raw": round(machine.busy_s * 1e9 / sent.frames, 1) if sent.frames else None,
        # Net of the background measured just before (the machine may be running other work): the
        # background's share of all CPU time, applied to the window's CPU time.
        "machine_cpu_ns_per_offered": round(machine_net_s * 1e9 / sent.frames, 1) if sent.frames else None,
        # Busy CPUs while the capturer waited, before any traffic: other work on the machine.
        "background_busy_cpus": round(background.busy_s / SETTLE_S, 3),
        "machine_busy_net_s": round(machine_net_s, 3),
        "window_s": round(t1 - t0, 3),  # capture CPU window; the machine's ends drain_s after send_s
        "send_s": round(t_sent - t0, 3),
        "drain_s": round(drained_after, 3),
    })
    if note:
        row["note"] = note
    if returncode not in (0, None) and capturer.writes_file:
        row.setdefault("note", f"exit status {returncode}")
    return row


def cpus() -> tuple[int, int]:
    """(generator CPU, capturer CPU): the first two CPUs this process may use."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        raise RuntimeError("the benchmark needs two CPUs (generator and capturer on different ones)")
    return allowed[0], allowed[1]
