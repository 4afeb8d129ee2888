"""CPU time accounting: one process tree's, and the whole machine's.

Owns reading /proc. ``tree_cpu_s(pid)`` is the CPU time of a process, of every live descendant (each
thread, from /proc/PID/task/TID/schedstat: nanoseconds on CPU, so a capture that uses little CPU is
not rounded to whole clock ticks) and of the children they have already reaped (cutime/cstime, in
ticks), so a capture that forks roles is charged for all of them. Take it after the capturer is
ready and again just before stopping it: the difference excludes start-up (bcc compiles programs for
seconds) and the exit summary. ``MachineCpu`` reads the aggregate line of /proc/stat: busy time is
everything but idle and iowait, summed over all CPUs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

TICK_S = 1.0 / os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # comm (field 2) may hold spaces and parentheses: split after the last ')'.
    return text[text.rindex(")") + 2 :].split()


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(c) for c in f.read().split()]
        except FileNotFoundError:
            continue
    return kids


def _threads_ns(pid: int) -> int:
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return 0
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of pid, its live descendants (every thread) and the children they have reaped."""
    total_ticks, total_ns = 0, 0
    pending, seen = [pid], set()
    while pending and len(seen) < 10000:
        p = pending.pop()
        if p in seen:
            continue
        seen.add(p)
        fields = _stat_fields(p)
        if fields is None:
            continue
        # After "pid (comm) ": state=0 ... cutime=13 cstime=14 (man 5 proc's numbering minus 3).
        total_ticks += int(fields[13]) + int(fields[14])
        total_ns += _threads_ns(p)
        pending += _children(p)
    return total_ticks * TICK_S + total_ns / 1e9


@dataclass(frozen=True)
class MachineCpu:
    busy_s: float
    total_s: float

    @staticmethod
    def now() -> MachineCpu:
        with open("/proc/stat") as f:
            parts = f.readline().split()
        assert parts[0] == "cpu"
        # user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
        values = [int(v) for v in parts[1:9]]
        idle = values[3] + values[4]
        total = sum(values)
        return MachineCpu((total - idle) * TICK_S, total * TICK_S)

    def since(self, earlier: MachineCpu) -> MachineCpu:
        return MachineCpu(self.busy_s - earlier.busy_s, self.total_s - earlier.total_s)


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"
