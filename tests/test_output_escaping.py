"""No packet can write to the terminal: a frame whose bytes are terminal controls (an LLMNR name
`ESC]0;...BEL ESC[2J\\n12:00:00 IP ...`) reaches stdout only as printable ASCII, through every output
path, live and with -r; and a printer bug on one frame prints one escaped line instead of ending it."""

from __future__ import annotations

import re
import subprocess

import pytest
from capture_helpers import start_capture
from netns import VENV_BIN, send_udp

from xdpdump.printer import Printer, PrintOptions

LLMNR_PORT = 5355
FORGED = b"\x1b]0;pwned\x07\x1b[2J\n12:00:00 IP 1.2.3.4 > 5.6.7.8: forged\x7f\xff\xc3\xa9"


def llmnr_query(name: bytes = FORGED) -> bytes:
    """An LLMNR query (DNS wire format) for the one-label name ``name``."""
    header = bytes.fromhex("123400000001000000000000")
    return header + bytes([len(name)]) + name + b"\x00" + bytes.fromhex("00010001")


# Each output path: its flags, and the bytes below 0x20 its lines may hold (a -v line's own second
# line, the dumps' newline and tab; -A prints a packet's newline and tab as tcpdump does).
PATHS = [([], b""), (["-v"], b"\n"), (["-vvv", "-e"], b"\n"), (["-A"], b"\n\t"), (["-X"], b"\n\t"),
         (["-xx"], b"\n\t"), (["--json"], b"")]


def assert_printable(out: bytes, allowed: bytes) -> None:
    """Every byte of ``out`` is printable ASCII, a line's own newline, or one of ``allowed``."""
    bad = re.compile(rb"[^\x20-\x7e\n" + re.escape(allowed) + rb"]")
    found = bad.search(out)
    assert found is None, f"byte {found.group()!r} at {found.start()} reaches stdout: {out!r}"
    if b"\n" not in allowed:  # one line per frame
        assert out.count(b"\n") == 1, out


@pytest.fixture(scope="module")
def llmnr_pcap(tmp_path_factory):
    from scapy.all import IP, UDP, Ether, Raw, wrpcap

    path = tmp_path_factory.mktemp("llmnr") / "llmnr.pcap"
    frame = (Ether(src="02:00:00:00:00:01", dst="01:00:5e:00:00:fc") / IP(src="198.18.0.1", dst="224.0.0.252")
             / UDP(sport=LLMNR_PORT, dport=LLMNR_PORT) / Raw(llmnr_query()))
    wrpcap(str(path), [frame])
    return path


@pytest.mark.parametrize(("flags", "allowed"), PATHS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_read_prints_a_forged_name_only_as_printable_ascii(llmnr_pcap, flags, allowed):
    res = subprocess.run([str(VENV_BIN / "xdpdump"), *flags, "-r", str(llmnr_pcap)], capture_output=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert b"5355" in res.stdout
    assert_printable(res.stdout, allowed)


@pytest.mark.parametrize(("flags", "allowed"), PATHS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_live_capture_prints_a_forged_name_only_as_printable_ascii(pair, flags, allowed):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "1", *flags, "udp port 5355")
    send_udp(peer, cap, LLMNR_PORT, [llmnr_query()], src_port=LLMNR_PORT)
    assert run.finish() == 0, run.stderr
    out = run.stdout_text.encode("latin-1")  # latin-1: the bytes as they were written
    assert b"5355" in out
    assert_printable(out, allowed)


def test_json_escapes_what_json_itself_lets_through():
    from xdpdump.printer.jsonl import json_line

    line = json_line(0, b"", 0, "eth\x7f\u00e9\x1b", "summary \x1b[2J\u00e9\x7f\n")
    assert line.isascii() and line.isprintable(), line
    assert "\\u001b[2J\\u00e9\\u007f\\n" in line


@pytest.mark.parametrize("flags", [{}, {"json": True}, {"hex_ascii": 1}])
def test_a_printer_bug_prints_one_escaped_line(monkeypatch, flags):
    """What runs after the decoders (the stamp, the dumps, --json) is inside the printer's guard, and
    the message (which may quote the packet) is escaped into that one line."""
    import xdpdump.printer as printer_module
    from xdpdump.printer import tcpdump_format

    def broken(*_args, **_kwargs):
        raise ValueError("bad \x1b]0;title\x07\n12:00:00 IP forged")

    printer = Printer(PrintOptions(**flags), native=False)
    monkeypatch.setattr(printer_module, "payload_dump", broken)
    monkeypatch.setattr(tcpdump_format.LinePrefix, "text", broken)
    if printer._json_line is not None:
        monkeypatch.setattr(printer, "_json_line", broken)
    line = printer.format(0, bytes(60), 60)
    assert line == "[printer error: ValueError: bad ^[]0;title^G^J12:00:00 IP forged] 60 bytes"


def test_a_decoder_bug_keeps_the_stamp_and_escapes_the_message(monkeypatch):
    printer = Printer(PrintOptions(), native=False)

    def broken(*_args, **_kwargs):
        raise RuntimeError("\x1b[2J\u00e9")

    monkeypatch.setattr(printer._lines, "body", broken)
    line = printer.format(0, bytes(60), 60)
    assert line.endswith(" [printer error: RuntimeError: ^[[2JM-CM-)] 60 bytes"), line


def test_read_escapes_the_file_name_in_its_banner(llmnr_pcap, tmp_path):
    named = tmp_path / "x\x1b[2J\nforged.pcap"
    named.symlink_to(llmnr_pcap)
    res = subprocess.run([str(VENV_BIN / "xdpdump"), "-r", str(named)], capture_output=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert b"reading from file " + str(tmp_path).encode() + b"/x^[[2J^Jforged.pcap," in res.stderr
    assert_printable(res.stderr, b"")


def test_live_banner_and_summary_escape_a_device_name(lab):
    """A device name may hold any byte but '/', ':' and white space: ESC too."""
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1")
    name = "xd\x1b[2J"  # renamed once set up: `ip -j link` writes the name into its JSON unescaped
    cap.ns.ip("link", "set", "xd0", "down")
    cap.ns.ip("link", "set", "xd0", "name", name)
    cap.ns.ip("link", "set", name, "up")
    run = start_capture(cap.ns, "-i", name, "-c", "1", "udp port 5355", interfaces=["xd^[[2J"])
    send_udp(peer, cap, LLMNR_PORT, [llmnr_query()], src_port=LLMNR_PORT)
    assert run.finish() == 0, run.stderr
    err = run.stderr.encode("latin-1")
    assert b"listening on xd^[[2J," in err
    assert_printable(err, b"\n")
