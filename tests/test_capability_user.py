"""A capture run by a user who is not root but holds the capabilities the README lists: it starts,
confines every process (seccomp, no capability left; the bounding set, which only an execve could
use, stays as it was without CAP_SETPCAP) and writes its file. The roles run as that user: it may
not switch to another."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from capture_helpers import start_capture, stop
from netns import send_udp
from test_sandbox_roles import udp_payloads_in, wait_for_children, wait_sandboxed

NOBODY = 65534
# What the README's "Requirements" names for a user who is not root (with -p: promiscuous mode would
# need a packet socket, which CAP_NET_RAW allows too; -p keeps this run to what AF_XDP needs).
CAPS = "+net_admin,+bpf,+perfmon,+net_raw,+ipc_lock"


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed")
def test_a_user_with_the_capabilities_captures_confined(pair):
    cap, peer = pair
    d = Path(tempfile.mkdtemp(prefix="xdpd-caps-"))
    d.chmod(0o777)  # the user writes its capture here
    out = d / "f.pcap"
    wrapper = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
               f"--inh-caps={CAPS}", f"--ambient-caps={CAPS}"]
    try:
        run = start_capture(cap.ns, "-i", cap.dev, "-p", "-w", str(out), "udp port 9000", wrapper=wrapper)
        try:
            for pid in [run.proc.pid, *wait_for_children(run.proc.pid, 2)]:
                st = wait_sandboxed(pid)
                assert st["Seccomp"] == "2" and st["NoNewPrivs"] == "1", (pid, st)
                assert st["Uid"].split() == [str(NOBODY)] * 4, st["Uid"]
                # nothing left: not even CAP_KILL, which the roles (same uid) do not need
                assert int(st["CapEff"], 16) == 0 and int(st["CapPrm"], 16) == 0, st
                assert int(st["CapAmb"], 16) == 0, st
            send_udp(peer, cap, 9000, [b"caps-1", b"caps-2"])
        finally:
            code = stop(run)
        assert code == 0, run.stderr
        assert udp_payloads_in(out) == [b"caps-1", b"caps-2"]
        assert out.stat().st_uid == NOBODY
    finally:
        shutil.rmtree(d, ignore_errors=True)
