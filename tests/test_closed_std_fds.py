"""Started with descriptor 0, 1 or 2 closed (`2>&-`), a tool reopens it on /dev/null first: the capture
file (or the log) must never become stderr and collect the messages."""

from __future__ import annotations

import subprocess
import sys

from capture_helpers import tcpdump_read
from netns import VENV_BIN, send_udp
from test_sandbox_roles import udp_payloads_in, wait_sandboxed


def test_capture_with_stdout_and_stderr_closed_writes_a_clean_file(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "closed.pcap"
    log = tmp_path / "closed.log"
    # exec keeps the pid: the process the test waits on is xdpdump itself
    proc = subprocess.Popen(["ip", "netns", "exec", cap.ns.name, "bash", "-c", 'exec "$0" "$@" <&- >&- 2>&-',
                             str(VENV_BIN / "xdpdump"), "-i", cap.dev, "-w", str(out), "--log-file", str(log),
                             "udp port 9000"])
    try:
        # no banner to read: the supervisor's filter comes after producer.start() and the banner
        assert wait_sandboxed(proc.pid)["Seccomp"] == "2"
        send_udp(peer, cap, 9000, [b"closed-1", b"closed-2", b"closed-3"])
    finally:
        proc.send_signal(2)
        assert proc.wait(60) == 0
    assert udp_payloads_in(out) == [b"closed-1", b"closed-2", b"closed-3"]
    lines = tcpdump_read(out)
    assert len(lines) == 3 and all("UDP" in ln for ln in lines), lines
    assert "capturing on" in log.read_text()  # the log got its lines, and the file none of them


def test_the_standard_descriptors_are_reopened_on_dev_null():
    code = ("import os, sys\n"
            "from xdpdump.cli.common import reopen_standard_fds\n"
            "reopen_standard_fds()\n"
            "sys.stderr.write('fine')\n"
            "os.write(3, ' '.join(os.readlink(f'/proc/self/fd/{fd}') for fd in (0, 1, 2)).encode())\n")
    # fd 3 is the pipe to the test (stdout before it is closed)
    proc = subprocess.run(["bash", "-c", 'exec 3>&1; exec "$0" "$@" <&- >&- 2>&-', sys.executable, "-c", code],
                          stdout=subprocess.PIPE, check=False)
    assert proc.returncode == 0
    assert proc.stdout.decode().split() == ["/dev/null"] * 3
