"""CPU time accounting: one process tree's, and the whole machine's.

Owns reading /proc. ``tree_cpu_s(pid)`` is user+system time of a process, of every live descendant
(all threads are included in a process's /proc/PID/stat) and of the children they have already
reaped (cutime/cstime), so a capture that forks roles is charged for all of them. Take it after the
capturer is ready and again just before stopping it: the difference excludes start-up (bcc compiles
programs for seconds) and the exit summary. ``MachineCpu`` reads the aggregate line of /proc/stat:
busy time is everything but idle and iowait, summed over all CPUs.
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


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user+system) of pid, its live descendants and their reaped children."""
    total_ticks = 0
    pending, seen = [pid], set()
    while pending and len(seen) < 10000:
        p = pending.pop()
        if p in seen:
            continue
        seen.add(p)
        fields = _stat_fields(p)
        if fields is None:
            continue
        # After "pid (comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14 (man 5 proc, minus 3).
        total_ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))
        pending += _children(p)
    return total_ticks * TICK_S


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
