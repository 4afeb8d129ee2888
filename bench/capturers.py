"""The capturers the benchmark compares, each started, watched and stopped the same way.

Owns how each tool is run and how its results are read:

- ``xdpdump``: ours, ``xdpdump -i DEV -w F -s SNAP -B 8192 -v [EXPR]``; ready at its ``xdpdump: DEV:``
  line; drops by reason from the ``-v`` summary.
- ``xdpdump-U``: ours with ``-U`` (each batch of records written as soon as the writer has it), on
  the same traffic right after ``xdpdump``: what -U costs per frame.
- ``xdpdump-baseline`` (only with ``--baseline-xdpdump PATH``): the same capturer running another
  checkout's executable, e.g. the commit before a change, to compare before and after in one run.
- ``tcpdump``: ``tcpdump -i DEV -w F -s SNAP -B 8192 -Z root -n [EXPR]``. ``-B 8192`` (KiB) gives it
  the 8 MiB buffer xdpdump's default record ring has; ``-Z root`` keeps it from switching to the
  ``tcpdump`` user, who could not write into the bench's temp dir. Ready at "listening on".
- ``xdp-tools``: xdp-tools' ``xdpdump --load-xdp-program --rx-capture entry -i DEV -w F`` (it loads a
  pass-through program and traces its entry into perf ring buffers). It has no filter language, so
  filtered cases are skipped with that reason.
- ``scapy``: ``bench/scapy_capture.py`` (``sniff`` + ``PcapWriter``).
- ``xdpdump-mirror``: ours with ``--mirror`` (BPF ring buffers; every frame still reaches the stack).
- ``nothing attached``: the generator alone, the rate the others' offered rates are divided by.
- ``xdp-drop``: the reference, ``xdp-load drop -i DEV``: counts and drops every frame in XDP; its
  "captured" is the program's drop counter, the ceiling of how fast frames can arrive at all.

Every process is started as ``taskset -c CPU ip netns exec NS TOOL ...`` (both exec in place, so the
Popen pid is the tool's) and stopped with SIGINT, as a user's Ctrl-C, then SIGKILL after a bound.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.cpu import tree_cpu_s
from bench.topology import CAP_DEV, Topology, run

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
XDP_TOOLS_XDPDUMP = "/usr/sbin/xdpdump"
STOP_TIMEOUT_S = 60  # a capture with a backlog in its ring drains it before exiting
BUFFER_KIB = 8192  # xdpdump's default -B (record ring); tcpdump and scapy get the same
NOTHING = "nothing attached"  # the generator alone: the rate every capturer's rate is divided by
MIRROR = "xdpdump-mirror"     # xdpdump --mirror: copies through BPF ring buffers, frames left to the stack


@dataclass
class Target:
    """Where and how one capture runs."""

    topo: Topology
    out_path: Path
    expr: list[str]
    snaplen: int
    cpu: int


@dataclass
class Outcome:
    """What a capturer reports about itself once stopped."""

    tool_captured: int | None  # the tool's own count (its summary), if it gives one
    kernel_drops: dict[str, int]  # drop reason -> frames
    summary: list[str]  # the tool's summary lines, verbatim
    file_written: bool = True  # False for the reference (no file to count)


class ProcessSession:
    """A capturer process: its stderr/stdout lines, readiness, CPU time and stop."""

    def __init__(self, argv: list[str], ready_marker: str) -> None:
        self.ready_marker = ready_marker
        self.stderr_lines: list[str] = []
        self.stdout_lines: list[str] = []
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr_lines), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout_lines), daemon=True),
        ]
        for t in self._readers:
            t.start()

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if any(self.ready_marker in ln for ln in list(self.stderr_lines)):
                return
            if self.proc.poll() is not None:
                self._join()
                raise RuntimeError(f"exited {self.proc.returncode} before ready: {self.stderr_tail()}")
            time.sleep(0.05)
        raise RuntimeError(f"not ready after {timeout_s:.0f}s: {self.stderr_tail()}")

    def cpu_s(self) -> float:
        return tree_cpu_s(self.proc.pid)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self._join()
        return self.proc.returncode

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._join()

    def _join(self) -> None:
        for t in self._readers:
            t.join(5)

    def stderr_tail(self, lines: int = 8) -> str:
        return " | ".join(self.stderr_lines[-lines:])

    def count_line(self, suffix: str) -> int | None:
        """N from the last stderr line 'N <suffix>' (tcpdump-style summaries)."""
        for ln in reversed(self.stderr_lines):
            m = re.fullmatch(rf"\s*(\d+) {re.escape(suffix)}", ln)
            if m:
                return int(m.group(1))
        return None


def _in_cap(target: Target, argv: list[str]) -> list[str]:
    return ["taskset", "-c", str(target.cpu), *target.topo.in_ns(target.topo.cap_ns, argv)]


class Capturer:
    name = ""
    writes_file = True

    def unavailable(self, expr: list[str]) -> str | None:
        """Why this capturer cannot run this case here, or None."""
        return None

    def start(self, target: Target):  # -> session with wait_ready/cpu_s/stop
        raise NotImplementedError

    def finish(self, session, returncode: int) -> Outcome:
        raise NotImplementedError


class XdpdumpCapturer(Capturer):
    def __init__(self, executable: Path = VENV_BIN / "xdpdump", name: str = "xdpdump",
                 extra: tuple[str, ...] = ()) -> None:
        self.executable = executable
        self.name = name
        self.extra = extra

    def start(self, target: Target) -> ProcessSession:
        argv = [str(self.executable), "-i", CAP_DEV, "-w", str(target.out_path), "-s", str(target.snaplen),
                "-B", str(BUFFER_KIB), "-v", *self.extra, *target.expr]
        return ProcessSession(_in_cap(target, argv), f"xdpdump: {CAP_DEV}:")

    def finish(self, session: ProcessSession, returncode: int) -> Outcome:
        drops: dict[str, int] = {}
        lines = session.stderr_lines
        start = next((i for i, ln in enumerate(lines) if ln.endswith("packets dropped by kernel")), None)
        if start is not None:
            for ln in lines[start + 1 :]:
                m = re.fullmatch(r"  (\d+) (\w[\w ()]*)", ln)  # the -v reasons, indented under the total
                if not m:
                    break
                drops[m.group(2)] = int(m.group(1))
            drops.setdefault("total", session.count_line("packets dropped by kernel") or 0)
        summary = lines[start - 2 :] if start is not None and start >= 2 else lines[-6:]
        return Outcome(session.count_line("packets captured"), drops, summary)


class TcpdumpCapturer(Capturer):
    name = "tcpdump"

    def unavailable(self, expr: list[str]) -> str | None:
        return None if shutil.which("tcpdump") else "tcpdump is not installed"

    def start(self, target: Target) -> ProcessSession:
        argv = ["tcpdump", "-i", CAP_DEV, "-w", str(target.out_path), "-s", str(target.snaplen),
                "-B", str(BUFFER_KIB), "-Z", "root", "-n", *target.expr]
        return ProcessSession(_in_cap(target, argv), "listening on")

    def finish(self, session: ProcessSession, returncode: int) -> Outcome:
        drops = {"dropped by kernel": session.count_line("packets dropped by kernel") or 0}
        by_interface = session.count_line("packets dropped by interface")
        if by_interface is not None:
            drops["dropped by interface"] = by_interface
        summary = [ln for ln in session.stderr_lines if re.fullmatch(r"\d+ packets? .*", ln)]
        return Outcome(session.count_line("packets captured"), drops, summary)


class XdpToolsCapturer(Capturer):
    name = "xdp-tools"

    def unavailable(self, expr: list[str]) -> str | None:
        if not Path(XDP_TOOLS_XDPDUMP).exists():
            return f"{XDP_TOOLS_XDPDUMP} not found (Debian package xdp-tools)"
        if expr:
            return "xdp-tools' xdpdump has no filter expressions (it captures every frame)"
        return None

    def start(self, target: Target) -> ProcessSession:
        argv = [XDP_TOOLS_XDPDUMP, "--load-xdp-program", "--rx-capture", "entry", "-i", CAP_DEV,
                "-w", str(target.out_path)]
        return ProcessSession(_in_cap(target, argv), "listening on")

    def finish(self, session: ProcessSession, returncode: int) -> Outcome:
        drops = {"dropped by perf ring": session.count_line("packets dropped by perf ring") or 0}
        summary = [ln for ln in session.stderr_lines if re.fullmatch(r"\d+ packets .*", ln)]
        return Outcome(session.count_line("packets captured"), drops, summary)


class ScapyCapturer(Capturer):
    name = "scapy"

    def start(self, target: Target) -> ProcessSession:
        argv = [str(VENV_BIN / "python"), str(ROOT / "bench" / "scapy_capture.py"), CAP_DEV,
                str(target.out_path), *target.expr]
        return ProcessSession(_in_cap(target, argv), "scapy: ready")

    def finish(self, session: ProcessSession, returncode: int) -> Outcome:
        result = {}
        for ln in session.stdout_lines:
            if ln.startswith("{"):
                result = json.loads(ln)
        drops = {"socket drops (tp_drops)": result.get("tp_drops", 0)}
        return Outcome(result.get("written"), drops, [json.dumps(result)] if result else session.stderr_lines[-3:])


@dataclass
class DropSession:
    """The reference: an XDP drop program, no process; its counters are the result."""

    target: Target
    counters: dict[str, int] = field(default_factory=dict)

    def xdp_load(self, *args: str) -> subprocess.CompletedProcess:
        return run(self.target.topo.in_ns(self.target.topo.cap_ns, [str(VENV_BIN / "xdp-load"), *args]),
                   timeout=120)

    def wait_ready(self, timeout_s: float) -> None:
        pass  # xdp-load returns once the program is attached

    def cpu_s(self) -> float:
        return 0.0  # nothing runs in user space: the kernel work shows in the machine's CPU

    def stop(self) -> int:
        status = json.loads(self.xdp_load("status", "--json", CAP_DEV).stdout)
        self.counters = next(s["counters"] for s in status if s["interface"] == CAP_DEV)
        self.xdp_load("unload", "-i", CAP_DEV)
        return 0

    def kill(self) -> None:
        if self.target.topo.xdp_attached():
            self.xdp_load("unload", "-i", CAP_DEV)


class XdpDropReference(Capturer):
    name = "xdp-drop (ref)"
    writes_file = False

    def unavailable(self, expr: list[str]) -> str | None:
        return "the reference counts every frame; it has no filter" if expr else None

    def start(self, target: Target) -> DropSession:
        session = DropSession(target)
        session.xdp_load("drop", "-i", CAP_DEV)
        return session

    def finish(self, session: DropSession, returncode: int) -> Outcome:
        c = session.counters
        return Outcome(c.get("drop"), {}, [f"{k} {v}" for k, v in c.items()], file_written=False)


@dataclass
class IdleSession:
    """Nothing attached: the generator's rate on the bare veth, the denominator of every other rate."""

    def wait_ready(self, timeout_s: float) -> None:
        pass

    def cpu_s(self) -> float:
        return 0.0

    def stop(self) -> int:
        return 0

    def kill(self) -> None:
        pass


class NothingAttached(Capturer):
    name = NOTHING
    writes_file = False

    def start(self, target: Target) -> IdleSession:
        return IdleSession()

    def finish(self, session: IdleSession, returncode: int) -> Outcome:
        return Outcome(None, {}, [], file_written=False)


UNBUFFERED = "xdpdump-U"
ALL = [NothingAttached(), XdpDropReference(), XdpdumpCapturer(), XdpdumpCapturer(name=UNBUFFERED, extra=("-U",)),
       XdpdumpCapturer(name=MIRROR, extra=("--mirror",)), TcpdumpCapturer(), XdpToolsCapturer(), ScapyCapturer()]
BASELINE = "xdpdump-baseline"


def with_baseline(executable: Path) -> list[Capturer]:
    """``ALL`` with another checkout's xdpdump run right after ours, on the same traffic."""
    at = next(i for i, c in enumerate(ALL) if c.name == "xdpdump") + 1
    return [*ALL[:at], XdpdumpCapturer(executable, BASELINE), *ALL[at:]]
