"""--time-stamp-precision nano in printed lines: nine decimals in every stamp (-t..-ttttt), as
Debian's tcpdump prints them with --time-stamp-precision=nano, from the printer, from `-r` (where the
native formatter, which prints microseconds, must stand aside) and from a live capture."""

from __future__ import annotations

import os
import re
import subprocess
import time

import pytest
from printer_corpus import parity_frames
from printer_oracle import TCPDUMP, TZ, assert_same, in_oracle_zone, tcpdump_lines, write_pcap  # noqa: F401

from xdpdump.printer import Printer, PrintOptions

pytestmark = [pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed"),
              pytest.mark.usefixtures("in_oracle_zone")]

NANO = "--time-stamp-precision=nano"
FRAME = parity_frames()[2][1]
# ordinary, a nanosecond apart, backwards by 2 ns (a negative -ttt), an hour on, a zero stamp, past 2^31 s
STAMPS_NS = [1700000000_123456789, 1700000001_000000001, 1700000000_999999999, 1700003723_500000000, 0,
             2147483648_000000007, 1700003723_500000001]
T_FLAGS = {(): 0, ("-t",): 1, ("-tt",): 2, ("-ttt",): 3, ("-tttt",): 4, ("-ttttt",): 5}


def printer_lines(stamps_ns: list[int], opts: PrintOptions) -> list[str]:
    printer = Printer(opts)
    return [printer.format(ts, FRAME, len(FRAME)) for ts in stamps_ns]


@pytest.mark.parametrize("flags", list(T_FLAGS), ids=lambda f: " ".join(f) or "default")
@pytest.mark.parametrize("nano_file", [True, False], ids=["nano-pcap", "micro-pcap"])
def test_nano_stamps_as_tcpdump(tmp_path, flags, nano_file):
    """A micro pcap read with nano precision: libpcap scales its stamps to nanoseconds (…000)."""
    path = tmp_path / "stamps.pcap"
    write_pcap(path, [(ts, FRAME) for ts in STAMPS_NS], nano=nano_file)
    stamps = STAMPS_NS if nano_file else [ts // 1000 * 1000 for ts in STAMPS_NS]
    assert_same(printer_lines(stamps, PrintOptions(stamp=T_FLAGS[flags], nano=True)),
                tcpdump_lines(path, NANO, *flags))


def xdpdump_cli(*args: str) -> list[str]:
    from netns import VENV_BIN

    res = subprocess.run([str(VENV_BIN / "xdpdump"), *args], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, TZ=TZ))
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


@pytest.mark.parametrize("flags", [(), ("-ttt",), ("-n", "-tttt")], ids=lambda f: " ".join(f) or "default")
def test_read_file_with_nano_precision_as_tcpdump(tmp_path, flags):
    """`-r` of a nano pcap, hundreds of ordinary frames: the command line's flag reaches the printer, and
    the native formatter's batches (microseconds only) are not used."""
    path = tmp_path / "corpus.pcap"
    write_pcap(path, [(ts + i * 7, data) for i, (ts, data) in enumerate(parity_frames())], nano=True)
    mine = xdpdump_cli("-n", *flags, "--time-stamp-precision", "nano", "-r", str(path))
    assert_same(mine, tcpdump_lines(path, NANO, *flags))
    assert all(re.search(r"\.\d{9} ", ln) for ln in mine[:50] if not ln.startswith("\t")), mine[:3]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (XDP, namespaces)")
def test_live_capture_prints_nanoseconds(pair):
    from capture_helpers import start_capture, stop
    from netns import send_udp

    cap, peer = pair
    c = start_capture(cap.ns, "-i", "xd0", "-n", "--time-stamp-precision", "nano", "-tt", "udp port 9000")
    sent_at = time.time()
    send_udp(peer, cap, 9000, [b"nano-%02d" % i for i in range(20)])
    time.sleep(0.5)
    assert stop(c) == 0, c.stderr
    lines = [ln for ln in c.stdout_text.splitlines() if ".9000: UDP" in ln]
    assert len(lines) == 20, c.stdout_text
    stamps = [re.fullmatch(r"(\d+)\.(\d{9}) IP .*", ln) for ln in lines]
    assert all(stamps), lines[:3]
    ns = [int(m.group(1)) * 10**9 + int(m.group(2)) for m in stamps if m]
    assert all(abs(t / 1e9 - sent_at) < 5 for t in ns), (sent_at, lines[:3])
    assert ns == sorted(ns)
