"""What a capture's start does not import: modules that cost a warm start tens of milliseconds and are
not needed to attach (pyroute2: about 300 modules, 0.24 s of CPU; importlib.metadata, for --version).
Checked on sys.modules of real processes, never by timing (the machine is shared)."""

from __future__ import annotations

import signal
import subprocess

from capture_helpers import start_capture
from netns import VENV_BIN, send_udp

# Modules (and their submodules) a capture must not import, with where each belongs instead.
UNWANTED = {
    "pyroute2": "xdp-load and the netlink attach fallbacks; a capture reads links with rtnl.py",
    "importlib.metadata": "--version only",
}

REPORT = f"""
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    found = sorted({{u for m in sys.modules for u in {sorted(UNWANTED)!r} if m == u or m.startswith(u + ".")}})
    sys.stderr.write("unwanted modules: " + " ".join(found) + "\\n")
"""


def test_a_capture_imports_none_of_them(pair, tmp_path):
    # The real console script, run by a wrapper that reports what it imported: from start through
    # attach, capture and summary.
    cap, peer = pair
    wrapper = [str(VENV_BIN / "python"), "-c", REPORT]
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "3", "-w", str(tmp_path / "c.pcap"), "udp", "port", "9",
                        wrapper=wrapper)
    try:
        send_udp(peer, cap, 9, [b"x" * 20] * 3)
        assert run.finish(timeout=60) == 0
    finally:
        if run.proc.poll() is None:
            run.finish(signal.SIGKILL)
    assert "3 packets captured" in run.stderr
    assert "unwanted modules: " in run.stderr_lines, run.stderr


def test_version_reads_the_package_metadata_only_when_asked():
    code = ("import sys; from xdpdump.cli.replay import _parser; _parser(); "
            "print('importlib.metadata' in sys.modules)")
    got = subprocess.run([str(VENV_BIN / "python"), "-c", code], capture_output=True, text=True, timeout=60)
    assert got.stdout == "False\n", got.stderr
    from importlib.metadata import version

    for tool in ("xdp-load", "xdp-replay"):
        shown = subprocess.run([str(VENV_BIN / tool), "--version"], capture_output=True, text=True, timeout=60)
        assert (shown.returncode, shown.stdout) == (0, f"{tool} {version('xdpdump')}\n")
