"""The record ring and UMEM across fork, as the roles use them: a forked net process enters the native
net role (xdpd_net_role), a forked writer process the native archive role (xdpd_archive_role), the
parent (as the supervisor) lets go of its sockets and writer and prints. Unsandboxed, and under the
filters the roles build from the compiled-in generated headers: Seccomp mode 2, and a forbidden call
kills with SIGSYS."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import traceback
from collections.abc import Callable

import pytest
from netns import send_udp
from test_xsk import RING_BYTES, capture_program, open_capture, udp_payload

from xdpdump.xsk import ArchiveWriter, RecordRing


def fork_role(body: Callable[[], object]) -> int:
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            body()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def reap(pids: list[int], rounds: int = 500) -> dict[int, int]:
    """Exit status of each child; kills (and reports) one that does not exit within the rounds."""
    status = {}
    for _ in range(rounds):
        for pid in pids:
            if pid not in status:
                done, st = os.waitpid(pid, os.WNOHANG)
                if done:
                    status[pid] = os.waitstatus_to_exitcode(st)
        if len(status) == len(pids):
            return status
        time.sleep(0.01)
    for pid in pids:
        if pid not in status:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status[pid] = -signal.SIGKILL
    return status


def seccomp_mode(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Seccomp:"):
                return int(line.split()[1])
    return -1


@pytest.mark.parametrize("sandboxed", [False, True], ids=["unsandboxed", "sandboxed"])
def test_forked_net_and_archive_roles(pair, tmp_path, sandboxed):
    cap_end, peer = pair
    payloads = [f"fork-{i:04d}".encode() + b"f" * (i % 100) for i in range(300)]
    out = tmp_path / "fork.pcap"
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0], prog, ring) as cap, open(out, "wb") as f:
        writer = ArchiveWriter(ring, f.fileno(), "pcap", cap.snaplen)
        printer = ring.consumer()
        # The production roles (log to stderr): each _exits by itself.
        pids = [fork_role(lambda: cap.enter_net_role(2, sandboxed)),
                fork_role(lambda: writer.enter_archive_role(2, sandboxed))]
        # As the supervisor: the archive role owns the file, the net role the sockets.
        writer.disown()
        cap.release()
        got = []
        try:
            if sandboxed:
                for pid in pids:
                    for _ in range(500):
                        if seccomp_mode(pid) == 2:
                            break
                        time.sleep(0.01)
                    assert seccomp_mode(pid) == 2
            send_udp(peer, cap_end, 9999, payloads)
            for _ in range(500):
                got += printer.read(256, timeout_ms=20)
                if len(got) >= len(payloads):
                    break
        finally:
            ring.request_stop()
            status = reap(pids)
        assert list(status.values()) == [0, 0]
        counters = ring.counters()
        assert counters.producer_done and counters.captured == len(payloads)
        assert [udp_payload(p.data) for p in got] == payloads
        assert prog.counter(2) == len(payloads)
        # Per-socket counters were written by the net process into the shared region.
        stats = cap.stats()
        assert stats.sockets[0].captured == len(payloads) and stats.dropped == 0

    text = subprocess.run(["tcpdump", "-n", "-r", str(out), "-A"], capture_output=True, text=True, check=True)
    assert sum("UDP, length" in ln for ln in text.stdout.splitlines()) == len(payloads)
    positions = [text.stdout.index(p.decode()) for p in payloads]
    assert positions == sorted(positions)
    assert text.stdout.count("fork-0000") == 1  # the file header was written once, by the writer


@pytest.mark.parametrize("role", ["net", "archive"])
def test_selftest_forbidden_call_is_killed_by_the_native_filter(pair, tmp_path, role):
    cap_end, _ = pair
    with RecordRing(RING_BYTES) as ring, capture_program(cap_end) as prog, \
            open_capture(cap_end, [0], prog, ring) as cap, open(tmp_path / "s.pcap", "wb") as f:
        writer = ArchiveWriter(ring, f.fileno())
        enter = (lambda: cap.enter_net_role(2, True, selftest=True)) if role == "net" else \
            (lambda: writer.enter_archive_role(2, True, selftest=True))
        pid = fork_role(enter)
        writer.disown()
        try:
            status = reap([pid])
        finally:
            ring.request_stop()
        assert status[pid] == -signal.SIGSYS
