"""``scripts/bench --api``: the Python API's speed, and scapy's sniff() on it beside scapy's own socket.

Owns two measurements on the benchmark's topology and generator (64-byte frames, 1% to UDP 9999):

- the loop: frames per second a pure Python loop over ``cap.batches()`` reads (bench/api_worker.py
  ``iterate``): the generator's frames are left waiting in a 64 MiB ring, then read flat out, so the
  figure is the loop's, not the generator's (which is slower than the loop on this machine);
- sniff(): scapy's ``sniff(prn=...)`` on ``XDPListenSocket`` and on scapy's default L2 listen socket,
  one after the other on identical traffic, with and without the filter ``udp port 9999``: frames
  sent, those the filter matches, received by prn, lost, and where the lost ones went: dropped and
  counted by the socket, or taken but not yet read by scapy when it was stopped (after the counts
  stopped growing for STABLE_S, or DRAIN_MAX_S after the sending ended).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench import generator, topology
from bench.capturers import ROOT, VENV_BIN

WORKER = ROOT / "bench" / "api_worker.py"
READY_TIMEOUT_S = 120
STABLE_S = 1.0      # received counts not growing this long: scapy has read all it will
DRAIN_MAX_S = 60.0
FILTER = "udp port 9999"


class Worker:
    def __init__(self, topo: topology.Topology, cpu: int, args: list[str]) -> None:
        argv = ["taskset", "-c", str(cpu), *topo.in_ns(topo.cap_ns, [str(VENV_BIN / "python"), str(WORKER), *args])]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.append(line.strip())

    def _read_err(self) -> None:
        for line in self.proc.stderr:  # type: ignore[union-attr]
            if line.strip() == "api: ready":
                self.ready.set()
            else:
                self.errors.append(line.rstrip())

    def wait_ready(self) -> None:
        if not self.ready.wait(READY_TIMEOUT_S):
            self.proc.kill()
            raise RuntimeError(f"api worker not ready: {' '.join(self.errors)}")
        time.sleep(0.3)

    def progress(self) -> int:
        counts = [int(ln.split()[1]) for ln in self.lines if ln.startswith("progress ")]
        return counts[-1] if counts else 0

    def result(self, sig: int | None = None) -> dict:
        if sig is not None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        time.sleep(0.2)
        found = [ln for ln in self.lines if ln.startswith("{")]
        if self.proc.returncode != 0 or not found:
            raise RuntimeError(f"api worker exited {self.proc.returncode}: {' '.join(self.errors[-5:])}")
        return json.loads(found[-1])


def loop_speed(topo: topology.Topology, trafgen: Path, frames: int, gen_cpu: int, cap_cpu: int) -> list[dict]:
    rows = []
    for body in ("meta", "data"):
        worker = Worker(topo, cap_cpu, ["iterate", topology.CAP_DEV, body])
        worker.wait_ready()
        sent = generator.send(trafgen, topo, 64, frames, cpu=gen_cpu, max_seconds=60)
        worker.proc.stdin.write("go\n")  # type: ignore[union-attr]
        worker.proc.stdin.flush()  # type: ignore[union-attr]
        r = worker.result()
        rows.append({"loop": body, "sent": sent.frames, "read": r["frames"], "dropped": r["dropped"],
                     "seconds": round(r["seconds"], 3), "mpps": round(r["frames"] / r["seconds"] / 1e6, 2),
                     "cpu_mpps": round(r["frames"] / max(r["cpu_s"], 1e-9) / 1e6, 2)})
    return rows


def sniff_compare(topo: topology.Topology, trafgen: Path, frames: int, gen_cpu: int, cap_cpu: int) -> list[dict]:
    rows = []
    for expr in (FILTER, ""):
        for kind in ("scapy", "xdp"):
            worker = Worker(topo, cap_cpu, ["sniff", kind, topology.CAP_DEV, *expr.split()])
            worker.wait_ready()
            sent = generator.send(trafgen, topo, 64, frames, cpu=gen_cpu, max_seconds=60)
            deadline, last, since = time.monotonic() + DRAIN_MAX_S, -1, time.monotonic()
            while time.monotonic() < deadline and time.monotonic() - since < STABLE_S:
                now = worker.progress()
                if now != last:
                    last, since = now, time.monotonic()
                time.sleep(0.1)
            r = worker.result(signal.SIGINT)
            matching = sent.matching if expr else sent.frames
            rows.append({"filter": expr or "(none)", "socket": "XDPListenSocket" if kind == "xdp" else
                         "scapy L2ListenSocket", "sent": sent.frames, "sent_pps": round(sent.pps),
                         "matching": matching, "received": r["received"], "lost": matching - r["received"],
                         "socket_drops": r["socket_drops"], "unread": r["taken"] - r["received"]})
    return rows


def markdown(loop_rows: list[dict], sniff_rows: list[dict]) -> str:
    out = ["| loop body | frames read | seconds | Mpps (wall) | Mpps (CPU) |", "|---|---|---|---|---|"]
    out += [f"| {r['loop']} | {r['read']:,} | {r['seconds']} | {r['mpps']} | {r['cpu_mpps']} |" for r in loop_rows]
    out += ["", "| filter | socket | sent | matching | received | lost | of which the socket reports dropped | "
            "taken, unread at the stop |", "|---|---|---|---|---|---|---|---|"]
    out += [f"| {r['filter']} | {r['socket']} | {r['sent']:,} | {r['matching']:,} | {r['received']:,} | "
            f"{r['lost']:,} | {r['socket_drops']:,} | {r['unread']:,} |" for r in sniff_rows]
    return "\n".join(out)


def main(frames: int, gen_cpu: int, cap_cpu: int, workdir: Path) -> int:
    trafgen = generator.build(workdir)
    with topology.built() as topo:
        loop_rows = loop_speed(topo, trafgen, min(frames, 500_000), gen_cpu, cap_cpu)
        sys.stderr.write(f"bench: api loop {loop_rows}\n")
        sniff_rows = sniff_compare(topo, trafgen, frames, gen_cpu, cap_cpu)
    print(markdown(loop_rows, sniff_rows))
    print(json.dumps({"loop": loop_rows, "sniff": sniff_rows}))
    return 0
