"""Running a user's Python script against the public API (``import xdpdump``) in a test namespace.

The script runs in its own interpreter inside the namespace, as a user's program would (`ip netns exec`):
the API forks its roles from it, and what it leaves behind is visible from here. It talks over its
stdout: ``say("ready")`` lines the test waits for, and one JSON object (``report(...)``) at the end.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time

from netns import VENV_BIN, Netns

READY_TIMEOUT_S = 90  # bcc may compile the capture program first: seconds on a loaded machine

PRELUDE = r'''
import json, os, sys, time
import xdpdump

def say(word):
    print(word, flush=True)

def report(**fields):
    print("REPORT " + json.dumps(fields), flush=True)

def children():
    """This process's child processes (every thread's)."""
    found = []
    for tid in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{tid}/children") as f:
            found += [int(p) for p in f.read().split()]
    return found

def status_field(pid, name):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"):
                return line.split()[1]
'''


class ApiScript:
    """A script running in a namespace; its stdout lines arrive in a queue."""

    def __init__(self, ns: Netns, body: str, *, stdin: bool = False) -> None:
        self.proc = ns.popen([str(VENV_BIN / "python"), "-c", PRELUDE + body], text=True,
                             stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr = ""
        threading.Thread(target=self._read, daemon=True).start()
        self._err = threading.Thread(target=self._read_stderr, daemon=True)
        self._err.start()
        self.report: dict | None = None

    def _read(self) -> None:
        for line in self.proc.stdout:  # type: ignore[union-attr]
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _read_stderr(self) -> None:
        self.stderr = self.proc.stderr.read()  # type: ignore[union-attr]

    def expect(self, word: str, timeout: float = READY_TIMEOUT_S) -> None:
        """Wait (bounded) for the line `word`; a report or the end on the way fails the test."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                raise AssertionError(f"no '{word}' from the script after {timeout}s: {self.stderr}") from None
            if line == word:
                return
            if line is None or line.startswith("REPORT "):
                self.finish()
                raise AssertionError(f"the script ended before '{word}': {line} {self.stderr}")

    def send(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]

    def finish(self, timeout: float = 120) -> dict:
        """Wait for the script to end; its report (AssertionError if it failed or sent none)."""
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._err.join(10)
        while True:
            line = self.lines.get(timeout=10)
            if line is None:
                break
            if line.startswith("REPORT "):
                self.report = json.loads(line[len("REPORT "):])
        if self.proc.returncode != 0 or self.report is None:
            raise AssertionError(f"script exited {self.proc.returncode}, report {self.report}: {self.stderr}")
        return self.report

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_script(ns: Netns, body: str, timeout: float = 180) -> dict:
    """Run a script to its end; its report."""
    return ApiScript(ns, body).finish(timeout)
