"""What a capture's start does not import: modules that cost a warm start milliseconds each (pyroute2:
about 300 modules, 0.24 s of CPU) and are not needed to attach.
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
    "subprocess": "ctypes.util.find_library runs ldconfig; libpcap is opened by its soname instead",
    "platform": "os.uname() says the same",
    "tempfile": "the verifier's log of a failed (or first, bcc) load only",
    "xdpdump.printer.tcpdump_format": "the decoders load with the first Printer; -w makes none",
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


def _capture(cap, peer, tmp_path, wrapper: list[str] | None = None):
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "3", "-w", str(tmp_path / "c.pcap"), "--log-file",
                        str(tmp_path / "log"), "udp", "port", "9", wrapper=wrapper)
    try:
        send_udp(peer, cap, 9, [b"x" * 20] * 3)
        assert run.finish(timeout=60) == 0
    finally:
        if run.proc.poll() is None:
            run.finish(signal.SIGKILL)
    assert "3 packets captured" in run.stderr
    return run


def test_a_warm_capture_imports_none_of_them(pair, tmp_path):
    # The real console script, run by a wrapper that reports what it imported: from start through
    # attach, capture and summary. The first run fills the program cache (bcc imports what it likes);
    # the second, the same program, is the warm start.
    cap, peer = pair
    _capture(cap, peer, tmp_path)
    (tmp_path / "log").unlink()
    run = _capture(cap, peer, tmp_path, wrapper=[str(VENV_BIN / "python"), "-c", REPORT])
    assert "bpf cache: loaded xdpd_capture from cache" in (tmp_path / "log").read_text()
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
