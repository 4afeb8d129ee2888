"""tcpdump's everyday options on xdpdump's command line, each against Debian's tcpdump: the same file
read with the same flags prints the same bytes; the same bad value gives tcpdump's message. Then what
only a live capture shows: -l reaches a pipe while the capture runs, -D lists what tcpdump -D lists in
the same namespace (plus a line on XDP per device), --version names what xdpdump runs on.
"""

from __future__ import annotations

import os
import re
import select
import struct
import subprocess

import pytest
from capture_helpers import start_capture, stop
from netns import VENV_BIN, send_udp
from printer_corpus import parity_frames
from printer_oracle import TZ, write_pcap, xdpdump_lines

from xdpdump.printer import PrintOptions

XDPDUMP = str(VENV_BIN / "xdpdump")
ENV = dict(os.environ, TZ=TZ)  # local-time stamps must follow the zone, in both tools


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, env=ENV, timeout=120, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("flags") / "corpus.pcap"
    write_pcap(path, parity_frames()[:300])
    return path


READ_FLAGS = [
    ["-t"], ["-tt"], ["-ttt"], ["-tttt"], ["-ttttt"], ["-A"], ["-AA"], ["-xx"], ["-XX"], ["-Xxx"], ["-#"],
    ["--number", "-e", "-tttt"], ["-#", "-ttt", "-XX", "-c", "7"], ["-vv"], ["-vvv"],
    ["--count"], ["--count", "-c", "3"], ["--count", "udp"], ["--count", "-A", "-#", "tcp"],
    ["--count", "udp and port 1"], ["-S"],
    ["-#", "-ttt", "udp"],  # numbers and -ttt's reference count the packets the filter lets through
]


@pytest.mark.parametrize("flags", READ_FLAGS, ids=" ".join)
def test_read_prints_the_bytes_tcpdump_prints(corpus, flags):
    if flags[0] in ("-vv", "-vvv"):
        # xdpdump's -v does not verify checksums as tcpdump's does, so there is no byte-for-byte
        # oracle here (tests/test_print_flags.py compares what is decoded): the count must reach the
        # printer, which prints at -vv and -vvv what it has for them, else what -v prints.
        ours = run([XDPDUMP, "-n", "-t", *flags, "-r", str(corpus)])
        assert ours.returncode == 0, ours.stderr
        mine = xdpdump_lines(corpus, PrintOptions(verbose=len(flags[0]) - 1, stamp=1))
        assert ours.stdout.decode().splitlines() == mine and mine
        return
    ours = run([XDPDUMP, "-n", *flags, "-r", str(corpus)])
    theirs = run(["tcpdump", "-n", *flags, "-r", str(corpus)])
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
    assert ours.stdout  # a flag that printed nothing would compare equal to a broken tcpdump


@pytest.mark.parametrize("flags", [[], ["-#", "-ttt"]], ids=" ".join)
def test_read_of_impossible_record_lengths_prints_tcpdumps_invalid_header_lines(corpus, tmp_path, flags):
    """A record whose length is 0 or less than what was captured: tcpdump prints `[Invalid header: ...]`
    and no stamp; the reader hands the lengths over as the file has them (and the native lines defer)."""
    data = corpus.read_bytes()
    records, pos = [], 24
    while pos < len(data) and len(records) < 6:
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        records.append(bytearray(data[pos:pos + 16 + caplen]))
        pos += 16 + caplen
    struct.pack_into("<I", records[1], 12, 0)                                                 # len == 0
    struct.pack_into("<I", records[3], 12, struct.unpack_from("<I", records[3], 8)[0] - 1)    # len < caplen
    odd = tmp_path / "odd.pcap"
    odd.write_bytes(data[:24] + b"".join(records))
    ours = run([XDPDUMP, "-n", *flags, "-r", str(odd)])
    theirs = run(["tcpdump", "-n", *flags, "-r", str(odd)])
    assert b"[Invalid header: len==0]" in theirs.stdout and b"< caplen(" in theirs.stdout
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout


def test_filter_file_as_tcpdump(corpus, tmp_path):
    """-F: comments blanked, a NUL ends the expression; an expression also on the command line is
    ignored by tcpdump, and by xdpdump, which says so on stderr."""
    ffile = tmp_path / "filter"
    ffile.write_bytes(b"# the DNS-ish traffic\nudp # or tcp\n  and not port 1\0tcp")
    for extra in ([], ["tcp"]):
        ours = run([XDPDUMP, "-n", "-F", str(ffile), "-r", str(corpus), *extra])
        theirs = run(["tcpdump", "-n", "-F", str(ffile), "-r", str(corpus), *extra])
        assert ours.returncode == theirs.returncode == 0, ours.stderr
        assert ours.stdout == theirs.stdout and b" UDP, length" in ours.stdout and b"Flags [" not in ours.stdout
        assert (b"expression on the command line (tcp) is ignored" in ours.stderr) == bool(extra)
    # the same filter for the XDP program: -d prints libpcap's program for the file's expression
    dumped = run([XDPDUMP, "-d", "-s", "262144", "-F", str(ffile)])
    assert dumped.stdout == run(["tcpdump", "-d", "-F", str(ffile), "-r", str(corpus)]).stdout


def tcpdump_error(result: subprocess.CompletedProcess) -> str:
    """The error line without the program's name (tcpdump prints `reading from file` before some)."""
    lines = [ln for ln in result.stderr.decode().splitlines() if not ln.startswith("reading from file")]
    assert len(lines) == 1, result.stderr
    return lines[0].split(": ", 1)[1]


@pytest.mark.parametrize("flags", [["-tttttt"], ["-F", "/nonexistent/filter"], ["-F", "/"], ["-c", "0"],
                                   ["-c", "abc"], ["-s", "abc"], ["-B", "x1"]], ids=" ".join)
def test_bad_values_get_tcpdumps_message(corpus, flags):
    ours = run([XDPDUMP, "-n", *flags, "-r", str(corpus)])
    theirs = run(["tcpdump", "-n", *flags, "-r", str(corpus)])
    assert ours.returncode != 0 and theirs.returncode != 0
    assert ours.stdout == b""
    assert tcpdump_error(ours) == tcpdump_error(theirs)


def test_count_needs_a_file():
    res = run([XDPDUMP, "-i", "lo", "--count"])
    assert res.returncode == 2
    assert res.stderr.decode() == ("xdpdump: --count needs -r: it counts the packets of a file (a capture's "
                                   "summary counts its own)\n")


def test_line_buffered_read_reaches_the_pipe_before_the_input_ends(corpus):
    """-l: with the input still open (`-r -` from a pipe), the first record's line is already in the
    pipe. Without -l the line waits in stdout's buffer for the exit, and this read would time out."""
    data = corpus.read_bytes()
    first_record_end = 24 + 16 + struct.unpack("<I", data[24 + 8:24 + 12])[0]
    proc = subprocess.Popen([XDPDUMP, "-n", "-l", "-r", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=ENV)
    try:
        proc.stdin.write(data[:first_record_end])
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], 60)  # a bound, not a timing: 60 s is "never"
        assert ready, "no line on stdout while the input was still open"
        line = os.read(proc.stdout.fileno(), 65536)
        assert line.endswith(b"\n") and b"ICMP6, echo request" in line
        assert proc.poll() is None  # still running: the line came from -l, not from the exit
    finally:
        proc.stdin.close()
        proc.wait(60)


def test_version_names_what_xdpdump_runs_on():
    out = run([XDPDUMP, "--version"])
    assert out.returncode == 0
    lines = out.stdout.decode().splitlines()
    assert re.fullmatch(r"xdpdump version \S+", lines[0])
    libpcap_line = next(ln for ln in run(["tcpdump", "--version"]).stdout.decode().splitlines()
                        if ln.startswith("libpcap version"))
    assert lines[1] == libpcap_line
    assert re.fullmatch(r"bcc version \d+\.\d+\.\d+", lines[2])
    assert lines[3] == f"Linux kernel {os.uname().release}"


def test_live_capture_line_reaches_a_pipe_while_capturing(pair):
    """-l during a live capture: a line is in the pipe before the capture stops, and the print flags
    apply to live frames too (-# numbers from 1, -ttt starts at zero, -A shows the payload)."""
    cap_end, peer = pair
    cap = start_capture(cap_end.ns, "-i", cap_end.dev, "-n", "-l", "-#", "-ttt", "-A", "udp port 9000",
                        read_stdout=False)
    try:
        send_udp(peer, cap_end, 9000, [b"hello-pipe"])
        ready, _, _ = select.select([cap.proc.stdout], [], [], 60)
        assert ready, "no line on stdout while the capture ran"
        text = os.read(cap.proc.stdout.fileno(), 65536).decode("latin-1")
        assert cap.proc.poll() is None
        lines = text.split("\n")
        assert re.fullmatch(r"    1   00:00:00\.000000 IP 198\.18\.0\.2\.\d+ > 198\.18\.0\.1\.9000: UDP, length 10",
                            lines[0]), text
        assert lines[1].endswith("hello-pipe"), text
    finally:
        assert stop(cap) == 0, cap.stderr


def numbered(lines: list[str]) -> list[str]:
    return [ln for ln in lines if re.match(r"\d+\.", ln)]


def test_list_interfaces_as_tcpdump_with_xdp_lines(pair):
    """-D: tcpdump -D's lines, numbers and order in the same namespace; under each network device a
    line on what XDP can do there. Then with a program attached, and during a capture."""
    cap_end, _peer = pair
    ns = cap_end.ns
    ns.ip("link", "add", "xdown", "type", "veth", "peer", "name", "xdown2")  # down, never up
    ours = ns.tool("xdpdump", "-D", check=True).stdout.splitlines()
    theirs = ns.cmd(["tcpdump", "-D"]).stdout.splitlines()
    assert numbered(ours) == theirs
    assert len(ours) == 2 * len(theirs)  # one XDP line under each entry
    by_name = {numbered([ours[i]])[0].split(".", 1)[1].split(" ")[0]: ours[i + 1] for i in range(0, len(ours), 2)}
    assert by_name["xd0"] == ("\tup, 1 rx queue, native XDP yes, zero-copy AF_XDP no, XDP program: none")
    assert by_name["xdown"].startswith("\tdown, 1 rx queue, native XDP yes, ")
    assert by_name["lo"].startswith("\tup, 1 rx queue, native XDP no, zero-copy AF_XDP no, ")
    assert by_name["nflog"].startswith("\tlibpcap pseudo-device: no XDP here")

    ns.tool("xdp-load", "pass", "-i", "xd0", "--mode", "skb", check=True)
    try:
        line = dict(_pairs(ns.tool("xdpdump", "-D", check=True).stdout.splitlines()))["xd0"]
        assert re.search(r"XDP program: skb \d+ 'xdpd_pass'$", line), line
    finally:
        ns.tool("xdp-load", "unload", "-i", "xd0", check=True)

    number = next(ln.split(".")[0] for ln in theirs if ln.split(".", 1)[1].startswith("xd0 "))
    cap = start_capture(ns, "-i", number, "-n", "udp port 9000", interfaces=["xd0"])
    try:
        line = dict(_pairs(ns.tool("xdpdump", "-D", check=True).stdout.splitlines()))["xd0"]
        assert re.search(rf"XDP program: native \d+ 'xdpd_capture', held by pid {cap.proc.pid}$", line), line
    finally:
        assert stop(cap) == 0, cap.stderr


def _pairs(lines: list[str]):
    for i in range(0, len(lines) - 1, 2):
        yield lines[i].split(".", 1)[1].split(" ")[0], lines[i + 1]


@pytest.mark.parametrize("flag", ["-dd", "-ddd"])
def test_dump_levels_as_tcpdump(corpus, flag):
    """-dd (a C array) and -ddd (decimal numbers) of libpcap's program, as tcpdump prints them."""
    ours = run([XDPDUMP, flag, "-s", "262144", "udp port 53 or tcp"])
    theirs = run(["tcpdump", flag, "-r", str(corpus), "udp port 53 or tcp"])
    assert ours.returncode == 0 and ours.stdout == theirs.stdout and ours.stdout


def _wait_for_line(proc: subprocess.Popen, text: bytes) -> None:
    """Read proc's stderr until a line holding text (bounded: 60 s, then the test fails)."""
    buf = b""
    while True:
        ready, _, _ = select.select([proc.stderr], [], [], 60)
        assert ready, f"no {text!r} on stderr: {buf!r}"
        chunk = os.read(proc.stderr.fileno(), 4096)
        assert chunk, f"exited before {text!r}: {buf!r}"
        buf += chunk
        if text in buf:
            return


# (not -v: xdpdump verifies no checksums, tcpdump does)
@pytest.mark.parametrize("flags", [["-n", "-t", "-#", "-e", "-XX"], ["-n", "-t", "--number", "-A"]], ids=" ".join)
def test_live_lines_match_tcpdump_on_the_sending_end(pair, flags):
    """The same frames, printed live by xdpdump where they arrive and by tcpdump where they leave
    (the veth's other end, checksums computed in software: the bytes are equal): every print flag but
    the stamp (two clocks) gives the same lines."""
    cap_end, peer = pair
    payloads = [b"line %d\r\n\x00\x7f" % i + bytes(range(i * 7 % 40)) for i in range(20)]
    sender_side = peer.ns.popen(["tcpdump", *flags, "-l", "-Q", "out", "-c", str(len(payloads)), "-i", peer.dev,
                                 "udp port 9000"])
    try:
        _wait_for_line(sender_side, b"listening on")
        cap = start_capture(cap_end.ns, "-i", cap_end.dev, *flags, "-c", str(len(payloads)), "udp port 9000")
        try:
            send_udp(peer, cap_end, 9000, payloads)
            assert cap.finish(timeout=60) == 0, cap.stderr
        finally:
            if cap.proc.poll() is None:
                stop(cap)
        theirs, _ = sender_side.communicate(timeout=60)
    finally:
        if sender_side.poll() is None:
            sender_side.kill()
            sender_side.wait()
    assert cap.stdout_text.encode("latin-1") == theirs
    assert theirs.count(b"UDP, length") == len(payloads) and b"   20  " in theirs
