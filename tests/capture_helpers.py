"""Running `xdpdump` as a user would, in a test namespace, and knowing when it is ready."""

from __future__ import annotations

import io
import json
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from netns import Netns, run

READY_TIMEOUT_S = 60  # bcc compiles the program at start: seconds on a loaded 2-core machine


@dataclass
class RunningCapture:
    proc: subprocess.Popen
    interfaces: list[str]
    stderr_lines: list[str] = field(default_factory=list)
    stdout_chunks: list[str] = field(default_factory=list)
    _readers: list[threading.Thread] = field(default_factory=list)

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:  # type: ignore[union-attr]
            self.stderr_lines.append(line.rstrip("\n"))

    def _read_stdout(self) -> None:
        while chunk := self.proc.stdout.read(65536):  # type: ignore[union-attr]
            self.stdout_chunks.append(chunk)

    def start_readers(self, stdout: bool = True) -> None:
        """Drain stderr always; stdout unless the test wants a reader that stalls."""
        targets = [self._read_stderr] + ([self._read_stdout] if stdout else [])
        for target in targets:
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._readers.append(t)

    @property
    def stdout_text(self) -> str:
        return "".join(self.stdout_chunks)

    def wait_ready(self) -> None:
        """Until every interface's banner line (printed once its sockets are in the XSKMAP)."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            ready = {ln.split(":")[1].strip() for ln in self.stderr_lines if ln.startswith("xdpdump: ")}
            if all(i in ready for i in self.interfaces):
                return
            if self.proc.poll() is not None:
                self._join()
                raise AssertionError(f"xdpdump exited {self.proc.returncode}: {self.stderr}")
            time.sleep(0.05)
        raise AssertionError(f"xdpdump not ready after {READY_TIMEOUT_S}s: {self.stderr}")

    def finish(self, sig: int | None = None, timeout: float = 60) -> int:
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        if len(self._readers) == 1:  # a stalled stdout reader starts reading now
            t = threading.Thread(target=self._read_stdout, daemon=True)
            t.start()
            self._readers.append(t)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self._join()
        return self.proc.returncode

    def _join(self) -> None:
        for t in self._readers:
            t.join(10)

    @property
    def stderr(self) -> str:
        return "\n".join(self.stderr_lines)

    def summary(self) -> dict[str, int]:
        """tcpdump's three summary lines as numbers."""
        return {key: summary_value(self.stderr, f"packets {key}")
                for key in ("captured", "received by filter", "dropped by kernel")}


def summary_value(stderr: str, suffix: str) -> int:
    """The number of the summary line `N <suffix>`, where `packets` is `packet` for N = 1, as tcpdump
    prints it (`1 packet captured`, `2 packets captured`)."""
    words = re.escape(suffix).replace("packets", "packet(s?)", 1)
    for line in stderr.splitlines():
        m = re.fullmatch(rf"(\d+) {words}", line)
        plural_checked = "packet(s?)" in words
        if m and (not plural_checked or (m.group(2) == "") == (int(m.group(1)) == 1)):
            return int(m.group(1))
    raise AssertionError(f"no summary line '{suffix}' (plural as tcpdump's) in: {stderr}")


def start_capture(
    ns: Netns, *args: str, interfaces: list[str] | None = None, read_stdout: bool = True,
    wrapper: list[str] | None = None,
) -> RunningCapture:
    """xdpdump in ns (after `wrapper`, e.g. setpriv, if given), returned once its sockets are live."""
    from netns import VENV_BIN

    proc = subprocess.Popen(
        ["ip", "netns", "exec", ns.name, *(wrapper or []), str(VENV_BIN / "xdpdump"), *args],
        # latin-1 maps every byte to one character: `-w -` streams survive as text, losslessly.
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="latin-1",
    )
    # ... but only without newline translation: Popen's text streams turn b"\r\n" and b"\r" into "\n".
    proc.stdout = io.TextIOWrapper(proc.stdout.detach(), encoding="latin-1", newline="")  # type: ignore[union-attr]
    devs = interfaces or [args[i + 1] for i, a in enumerate(args) if a == "-i"]
    cap = RunningCapture(proc, devs)
    cap.start_readers(stdout=read_stdout)
    try:
        cap.wait_ready()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return cap


def stop(cap: RunningCapture) -> int:
    return cap.finish(signal.SIGINT)


def tcpdump_read(path, *extra: str) -> list[str]:
    return run(["tcpdump", "-n", "-r", str(path), *extra]).stdout.splitlines()


def tshark_payloads(path) -> list[bytes]:
    """UDP payloads as tshark decodes them (an independent reader of our files)."""
    out = run(["tshark", "-r", str(path), "-T", "json", "-e", "data.data"]).stdout
    return [bytes.fromhex(p["_source"]["layers"]["data.data"][0].replace(":", "")) for p in json.loads(out)]


def xdp_attached(ns: Netns) -> dict[str, int]:
    return ns.xdp_prog_ids()


def z_recorder(tmp_path) -> tuple[Path, Path, Path]:
    """For -z: a script that logs `FILE NICE PACKETS` per call, its log, and an empty output directory."""
    log = tmp_path / "z.log"
    script = tmp_path / "z.sh"
    script.write_text(f"#!/bin/sh\necho \"$1 $(nice) $(tcpdump -r \"$1\" 2>/dev/null | wc -l)\" >> {log}\n")
    script.chmod(0o755)
    outdir = tmp_path / "o"
    outdir.mkdir()
    return script, log, outdir


def z_calls(log: Path, expected: int, limit_s: float = 30) -> list[list[str]]:
    """The recorder's calls, sorted, once `expected` have come (the commands run unwaited), or at limit_s."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().splitlines()) < expected):
        time.sleep(0.05)
    return sorted(ln.split() for ln in log.read_text().splitlines()) if log.exists() else []
