"""The record ring and UMEM across fork, as the sandboxed roles use them: a forked net process runs the
native net-role loop (without a filter), a forked writer process runs the native pcap writer, the parent
prints."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import traceback
from collections.abc import Callable

from netns import send_udp
from test_xsk import capture_program, open_capture, udp_payload


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


def test_forked_net_and_writer_roles(pair, tmp_path):
    cap_end, peer = pair
    payloads = [f"fork-{i:04d}".encode() + b"f" * (i % 100) for i in range(300)]
    out = tmp_path / "fork.pcap"
    with capture_program(cap_end) as prog, open_capture(cap_end, [0], prog) as cap, open(out, "wb") as f:
        writer = cap.add_writer(f.fileno(), "pcap")
        printer = cap.add_printer()
        # The production net loop, unsandboxed (filter None, log to stderr): it _exits by itself.
        pids = [fork_role(lambda: cap.enter_net_role(None, 2)), fork_role(writer.run)]
        cap.disown_writer()
        got = []
        try:
            send_udp(peer, cap_end, 9999, payloads)
            for _ in range(500):
                got += printer.read(256, timeout_ms=20)
                if len(got) >= len(payloads):
                    break
        finally:
            cap.request_stop()
            status = reap(pids)
        assert list(status.values()) == [0, 0]
        counters = cap.ring.counters()
        assert counters.producer_done and counters.captured == len(payloads)
        assert [udp_payload(p.data) for p in got] == payloads
        assert prog.counter(2) == len(payloads)
        # Per-socket counters were written by the net process into the shared region.
        stats = cap.stats()
        assert stats.sockets[0].captured == len(payloads) and stats.dropped == 0
        assert all(a.ok for a in cap.accounting())  # the parent's view: it never touched a frame

    text = subprocess.run(["tcpdump", "-n", "-r", str(out), "-A"], capture_output=True, text=True, check=True)
    assert sum("UDP, length" in ln for ln in text.stdout.splitlines()) == len(payloads)
    positions = [text.stdout.index(p.decode()) for p in payloads]
    assert positions == sorted(positions)
    assert text.stdout.count("fork-0000") == 1  # the file header was written once, by the writer
