"""The printer's native fast path (native/line_format.c, printer/fast_path.py) against tcpdump and
against the Python printer.

A large seeded corpus (printer_corpus.parity_frames: TCP connections with options, SACK and numbers
near the wrap, UDP, ICMP/ICMPv6 echo, ARP, 802.1Q) is read with ``xdpdump -r FILE -n``, which formats
a classic pcap in native batches, and compared line for line with ``tcpdump -n -r``. Byte-mutated and
snapped frames are compared with the Python printer alone (``Printer(native=False)``): the fast
path either prints the Python printer's line or leaves the frame to it, and where it prints a line
that line is tcpdump's.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import struct
import subprocess

import pytest
from capture_helpers import start_capture
from netns import VENV_BIN, send_udp
from printer_corpus import MAC_A, MAC_B, parity_frames, tcp_connection, udp_frames
from printer_oracle import TCPDUMP, TZ, assert_same, tcpdump_lines, write_pcap

from xdpdump.capfile import read_capture
from xdpdump.printer import Printer, PrintOptions
from xdpdump.printer.fast_path import FastPath, applies, fast_path_for

pytestmark = pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
XDPDUMP = str(VENV_BIN / "xdpdump")


def xdpdump_r(path, *args: str) -> list[str]:
    res = subprocess.run([XDPDUMP, "-r", str(path), "-n", *args], capture_output=True, text=True,
                         env=dict(os.environ, TZ=TZ), timeout=300, errors="surrogateescape")
    assert res.returncode == 0, res.stderr
    return res.stdout.splitlines()


def python_lines(path) -> list[str]:
    """The Python printer alone (no native fast path), in the oracle's time zone."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = TZ
    try:
        import time

        time.tzset()
        printer = Printer(PrintOptions(), native=False)
        return [line for rec in read_capture(str(path))
                for line in printer.format(rec.ts_ns, rec.data, rec.wire_len).split("\n")]
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def natively_formatted(frames) -> list[bool]:
    """Which frames the fast path formats itself (that choice does not depend on TCP state)."""
    fast = FastPath()
    return [fast.line(ts, data, len(data)) is not None for ts, data in frames]


def by_frame(lines: list[str]) -> list[str]:
    """tcpdump's output grouped per frame: a frame's continuation lines (hex dumps) start with white space."""
    groups: list[str] = []
    for line in lines:
        if line[:1].isspace() and groups:
            groups[-1] += "\n" + line
        else:
            groups.append(line)
    return groups


def uto_handshake(rng: random.Random) -> list[tuple[int, bytes]]:
    """A connection whose SYN-ACK comes in an IPv4 datagram with options (the fast path defers it):
    the Python printer records the numbering state, the native side must print the next segments
    relative to it."""
    from scapy.all import IP, TCP, Ether, IPOption_Router_Alert

    c, s = "198.18.5.1", "198.19.5.2"
    cseq, sseq = rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1)
    segs = [
        (True, TCP(sport=41000, dport=31000, flags="S", seq=cseq)),
        (False, TCP(sport=31000, dport=41000, flags="SA", seq=sseq, ack=cseq + 1)),
        (True, TCP(sport=41000, dport=31000, flags="A", seq=cseq + 1, ack=sseq + 1)),
        (True, TCP(sport=41000, dport=31000, flags="PA", seq=cseq + 1, ack=sseq + 1) / (b"x" * 10)),
        (False, TCP(sport=31000, dport=41000, flags="A", seq=sseq + 1, ack=cseq + 11)),
    ]
    out = []
    for i, (fwd, tcp) in enumerate(segs):
        eth = Ether(src=MAC_A, dst=MAC_B) if fwd else Ether(src=MAC_B, dst=MAC_A)
        ip = IP(src=c, dst=s) if fwd else IP(src=s, dst=c, options=[IPOption_Router_Alert()] * (i == 1))
        out.append((1_700_000_100_000_000_000 + i * 1000, bytes(eth / ip / tcp)))
    return out


def test_large_corpus_matches_tcpdump(tmp_path):
    frames = parity_frames(seed=11, groups=1500)
    native = natively_formatted(frames)
    # Most of the corpus is the fast path's; ARP (at least) is not, so both printers take turns.
    assert sum(native) > 0.8 * len(frames) and not all(native)
    path = tmp_path / "corpus.pcap"
    write_pcap(path, frames)
    assert_same(xdpdump_r(path), tcpdump_lines(path))


def test_deferred_segment_keeps_the_shared_numbering(tmp_path):
    frames = uto_handshake(random.Random(3))
    assert natively_formatted(frames) == [True, False, True, True, True]
    path = tmp_path / "uto.pcap"
    write_pcap(path, frames)
    mine = xdpdump_r(path)
    assert_same(mine, tcpdump_lines(path))
    assert ", ack 1, win" in mine[2]  # relative to what the Python printer recorded


def test_user_timeout_option_as_tcpdump(tmp_path):
    """TCP's user timeout option: tcpdump prints the raw value, then the timeout in seconds (the low
    bit set: the rest counts minutes). The fast path defers the option to tcp.py; both print it so."""
    from scapy.all import IP, TCP, Ether

    frames = []
    for value in (0x78, 0x79, 0, 1, 0xFFFF, 0xFFFE, 0x8001):
        uto = (28, value.to_bytes(2, "big"))
        for options in ([uto], [("MSS", 1460), uto, ("NOP", None)]):
            frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src="198.18.0.1", dst="198.18.0.2")
                                / TCP(sport=41000, dport=31000, flags="S", options=options)))
    stamped = [(1_700_000_200_000_000_000 + i * 1000, f) for i, f in enumerate(frames)]
    assert not any(natively_formatted(stamped))
    path = tmp_path / "uto.pcap"
    write_pcap(path, stamped)
    ref = tcpdump_lines(path)
    assert "options [uto 0x78 60]" in ref[0] and "options [uto 0x79 3600]" in ref[2]
    assert_same(xdpdump_r(path), ref)
    assert_same(python_lines(path), ref)


def test_nanosecond_big_endian_file(tmp_path):
    frames = parity_frames(seed=5, groups=80)
    path = tmp_path / "be.pcap"
    with open(path, "wb") as f:
        f.write(struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 262144, 1))
        for ts_ns, data in frames:
            f.write(struct.pack(">IIII", ts_ns // 10**9, ts_ns % 10**9, len(data), len(data)) + data)
    assert_same(xdpdump_r(path), tcpdump_lines(path))


def test_count_stops_in_either_printer(tmp_path):
    frames = parity_frames(seed=2, groups=60)
    path = tmp_path / "c.pcap"
    write_pcap(path, frames)
    native = natively_formatted(frames)
    # One count ending on a deferred frame, one on a natively formatted one.
    for n in (native.index(False) + 1, native.index(True, native.index(False)) + 1):
        assert_same(xdpdump_r(path, "-c", str(n)), tcpdump_lines(path, "-c", str(n)))


def _mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        b[rng.randrange(min(len(b), 80))] = rng.randrange(256)
    return bytes(b)


def test_mutated_frames_are_the_python_printers_lines(tmp_path):
    rng = random.Random(17)
    frames = [(ts, _mutate(rng, data) if rng.random() < 0.5 else data)
              for ts, data in parity_frames(seed=23, groups=600)]
    # Snapped records as well: a cut header must be deferred, never read past.
    snap = {i: rng.randint(1, len(d)) for i, (_, d) in enumerate(frames) if rng.random() < 0.2}
    path = tmp_path / "mutated.pcap"
    write_pcap(path, frames, snap=snap)
    mine = xdpdump_r(path)
    assert mine == python_lines(path)
    # Where the fast path printed the line itself, it is tcpdump's.
    cut = [(ts, d[: snap[i]] if i in snap else d) for i, (ts, d) in enumerate(frames)]
    native = natively_formatted(cut)
    assert sum(native) > 100
    ref, got = by_frame(tcpdump_lines(path)), by_frame(mine)
    assert len(ref) == len(got) == len(frames)
    wrong = [(i, got[i], ref[i]) for i, n in enumerate(native) if n and got[i] != ref[i]]
    assert not wrong, wrong[:5]


def test_only_the_default_form_is_native():
    assert applies(PrintOptions()) and applies(PrintOptions(numeric=False))
    for opts in (PrintOptions(link=True), PrintOptions(hex=True), PrintOptions(hex_ascii=True),
                 PrintOptions(verbose=1), PrintOptions(quiet=True), PrintOptions(json=True),
                 PrintOptions(absolute_seq=True)):
        assert not applies(opts) and fast_path_for(opts) is None
    data = bytes(udp_frames(random.Random(1))[0])
    # An interface name (a capture on several) is the Python printer's too.
    printer = Printer(PrintOptions())
    assert printer.fast is not None
    assert printer.fast.line(0, data, len(data)) is not None
    assert " veth0 In  IP" in printer.format(1_700_000_000_000_000_000, data, len(data), ifname="veth0")


# --- the live printer: native lines, load still shed honestly -----------------------------------


def test_live_capture_prints_the_lines_once_each(pair):
    """Lines from the live printer's native path: exactly one per frame, each tcpdump's UDP line."""
    cap, peer = pair
    n = 40
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "udp port 9000")
    send_udp(peer, cap, 9000, [b"p" * 33] * n)
    assert run.finish(signal.SIGINT) == 0, run.stderr
    lines = run.stdout_text.splitlines()
    assert len(lines) == n, lines[-3:]
    line = re.compile(rf"\d\d:\d\d:\d\d\.\d{{6}} IP {re.escape(peer.ip4)}\.\d+ > {re.escape(cap.ip4)}\.9000: "
                      r"UDP, length 33")
    assert all(line.fullmatch(ln) for ln in lines), lines[:3]


def test_live_drops_are_honest_with_the_native_printer(pair):
    """The default line (the native path) with tiny rings and stdout nobody reads: every frame is
    printed or counted as dropped (--congested drop: the kernel drops what the capture cannot take)."""
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "--ring-size", "64", "-B", "64", "--congested", "drop",
                        "udp port 9000", read_stdout=False)
    sent = 3000
    send_udp(peer, cap, 9000, [b"q" * 20] * sent)
    assert run.finish(signal.SIGINT) == 0
    s = run.summary()
    assert s["dropped by kernel"] > 0
    assert s["captured"] + s["dropped by kernel"] == sent
    assert len(run.stdout_text.splitlines()) == s["captured"]


# --- pcapng and cut files through the native batches ---------------------------------------------


def _block(order: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    return struct.pack(order + "II", btype, len(body) + 12) + body + struct.pack(order + "I", len(body) + 12)


def _idb(order: str, tsresol: int | None = None, tsoffset: int = 0) -> bytes:
    opts = b""
    if tsresol is not None:
        opts += struct.pack(order + "HHB3x", 9, 1, tsresol)
    if tsoffset:
        opts += struct.pack(order + "HHq", 14, 8, tsoffset)
    end = struct.pack(order + "HH", 0, 0) if opts else b""
    return _block(order, 1, struct.pack(order + "HHI", 1, 0, 262144) + opts + end)


def _epb(order: str, ifid: int, units: int, data: bytes) -> bytes:
    head = struct.pack(order + "IIIII", ifid, units >> 32, units & 0xFFFFFFFF, len(data), len(data))
    return _block(order, 6, head + data)


def test_pcapng_sections_interfaces_and_blocks(tmp_path):
    """Two sections (little-, then big-endian), interfaces in microseconds, nanoseconds, binary units
    and with a time offset (left to Python), an unknown block and a simple packet block between the
    packets: every line is the Python printer's, in order, and the plain section's are tcpdump's."""
    frames = parity_frames(seed=29, groups=200)
    half = len(frames) // 2
    blob = _block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)) + _idb("<") + _idb("<", 9)
    for i, (ts, data) in enumerate(frames[:half]):
        blob += _epb("<", i % 2, ts // 1000 if i % 2 == 0 else ts, data)
    path = tmp_path / "plain.pcapng"
    path.write_bytes(blob)
    assert_same(xdpdump_r(path), tcpdump_lines(path))
    blob += _block("<", 0x0BAD, b"skipped by every reader")
    blob += _block("<", 3, struct.pack("<I", len(frames[0][1])) + frames[0][1])  # simple packet block
    blob += _block(">", 0x0A0D0D0A, struct.pack(">IHHq", 0x1A2B3C4D, 1, 0, -1))
    blob += _idb(">", 0x80 | 20) + _idb(">", 6, tsoffset=3600)
    for i, (ts, data) in enumerate(frames[half:]):
        units = (ts << 20) // 10**9 if i % 2 == 0 else ts // 1000 - 3600 * 10**6
        blob += _epb(">", i % 2, units, data)
    path = tmp_path / "sections.pcapng"
    path.write_bytes(blob)
    mine = xdpdump_r(path)
    assert mine == python_lines(path)
    assert len(mine) >= len(frames) + 1


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_a_cut_file_prints_every_whole_record_then_fails(tmp_path, fmt):
    frames = parity_frames(seed=31, groups=40)
    path = tmp_path / f"cut.{fmt}"
    if fmt == "pcap":
        write_pcap(path, frames)
    else:
        path.write_bytes(_block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)) + _idb("<")
                         + b"".join(_epb("<", 0, ts // 1000, d) for ts, d in frames))
    path.write_bytes(path.read_bytes()[:-5])
    res = subprocess.run([XDPDUMP, "-r", str(path), "-n"], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, TZ=TZ))
    ref = subprocess.run([TCPDUMP, "-n", "-r", str(path)], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, TZ=TZ))
    assert res.returncode == 1 and ref.returncode != 0
    assert_same(res.stdout.splitlines(), ref.stdout.splitlines())
    unit = "record" if fmt == "pcap" else "block"
    index = len(frames) + (0 if fmt == "pcap" else 2)
    assert f"truncated dump file; {unit} {index} needs" in res.stderr and "Traceback" not in res.stderr


def test_ports_the_python_printers_decode_are_left_to_them(monkeypatch):
    """printer.udp.DECODED_UDP_PORTS and printer.tcp.SUFFIX_TCP_PORTS (the protocol printers' own
    lists) reach the native side when a printer is made: those frames are deferred."""
    from bench.printing import _FRAME, tcp_frames
    from xdpdump.printer import tcp, udp

    ack, data = tcp_frames(4)[2:4]  # a bare ACK 40000 -> 30000, then data 30000 -> 40000
    assert FastPath().line(0, _FRAME, len(_FRAME)) is not None  # UDP 40000 > 30000
    assert FastPath().line(0, data, len(data)) is not None
    monkeypatch.setattr(udp, "DECODED_UDP_PORTS", frozenset({30000}), raising=False)
    monkeypatch.setattr(tcp, "SUFFIX_TCP_PORTS", frozenset({30000}), raising=False)
    fast = FastPath()
    assert fast.line(0, _FRAME, len(_FRAME)) is None
    assert fast.line(0, data, len(data)) is None
    assert fast.line(0, ack, len(ack)) is not None  # no payload: no suffix, the native line


def test_live_tcp_lines_are_tcpdumps_under_the_sandbox(pair, tmp_path):
    """Crafted TCP connections (one segment in an IPv4 datagram with options, left to Python) sent over
    the veth and printed live by the sandboxed supervisor: after the stamp, tcpdump's lines for the
    same frames, relative numbers included (the native flow table is made after the sandbox)."""
    cap, peer = pair
    rng = random.Random(41)
    frames = [d for _, d in uto_handshake(rng)]
    for _ in range(3):
        frames += [bytes(f) for f in tcp_connection(rng)]
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "-c", str(len(frames)), "tcp")
    with peer.ns.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind((peer.dev, 0))
        for f in frames:
            s.send(f)
    assert run.finish() == 0, run.stderr
    path = tmp_path / "sent.pcap"
    write_pcap(path, [(0, f) for f in frames])
    body = [ln.split(" ", 1)[1] for ln in run.stdout_text.splitlines()]
    assert_same(body, [ln.split(" ", 1)[1] for ln in tcpdump_lines(path)])


def test_a_stamp_out_of_range_is_left_to_python():
    """A pcapng time offset can put a stamp before 1970, or past libpcap's signed 32-bit seconds: never an
    error from the native call; the Python printer prints tcpdump's words."""
    data = bytes(udp_frames(random.Random(2))[0])
    fast = FastPath()
    assert fast.line(-1_000, data, len(data)) is None and fast.line(1 << 64, data, len(data)) is None
    assert fast.line((1 << 31) * 10**9, data, len(data)) is None   # 2038: tcpdump's error, not a time
    line = Printer(PrintOptions()).format(-1_000, data, len(data))
    assert re.fullmatch(rf"\[Error converting time\] IP .*: UDP, length {len(data) - 42}", line), line


def test_a_terminal_sees_lines_while_the_file_still_streams(tmp_path):
    """`xdpdump -r -` on a terminal: the lines of what has arrived show before the writer is done (the
    reader takes what the pipe holds, not a whole chunk)."""
    import pty
    import select
    import time

    frames = parity_frames(seed=43, groups=5)
    path = tmp_path / "s.pcap"
    write_pcap(path, frames)
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as users run it
    proc = subprocess.Popen([XDPDUMP, "-r", "-", "-n"], stdin=subprocess.PIPE, stdout=slave,
                            stderr=subprocess.DEVNULL, env=dict(env, TZ=TZ))
    os.close(slave)
    try:
        proc.stdin.write(path.read_bytes())
        proc.stdin.flush()  # and the pipe stays open: the file is not over
        seen = b""
        deadline = time.monotonic() + 30
        while seen.count(b"\n") < len(frames) and time.monotonic() < deadline:
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
        assert seen.count(b"\n") == len(frames), seen[-200:]
    finally:
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
        os.close(master)
