"""tcpdump's everyday print flags against Debian's tcpdump on the same files: -t..-ttttt, -A/-AA,
-xx/-XX (and which dump wins when several are given), -#/--number, -vv/-vvv, and tcpdump's note for a
record with impossible lengths.

Records are written raw (any caplen and wire length, stamps from 1970 to past 2038, out of order) so
the stamps' corner cases reach both printers: tcpdump's 32-bit signed seconds, its reference for the
relative stamps (the first stamp other than 0.000000), negative differences, "[Error converting time]".
Both run in a non-UTC zone (printer_oracle's in_oracle_zone), which -tttt and the default stamp must follow.
"""

from __future__ import annotations

import random
import struct

import pytest
from printer_corpus import parity_frames
from printer_oracle import TCPDUMP, assert_same, in_oracle_zone, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401

from xdpdump.printer import Printer, PrintOptions
from xdpdump.printer.hexdump import ascii_lines

# Every stamp here is local time in the oracle's zone.
pytestmark = [pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed"),
              pytest.mark.usefixtures("in_oracle_zone")]


def write_raw_pcap(path, records) -> None:
    """records: (sec, usec, data, wire_len) exactly as they go in the file (no normalising)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for sec, usec, data, wire_len in records:
            f.write(struct.pack("<IIII", sec, usec, len(data), wire_len) + data)


def printer_lines(records, opts: PrintOptions) -> list[str]:
    """The same records through xdpdump's printer, as the pcap's unsigned fields give them."""
    printer = Printer(opts)
    out = []
    for sec, usec, data, wire_len in records:
        out.extend(printer.format(sec * 10**9 + usec * 1000, data, wire_len).split("\n"))
    return out


UDP_FRAME = parity_frames()[2][1]
# (sec, usec): ordinary, backwards, zero (not a reference), just before and at 2^31 (libpcap's signed
# seconds: an error), the last 32-bit second, and back to ordinary after a day.
STAMPS = [(1700000000, 123456), (1700000005, 0), (1699999990, 500000), (0, 0), (0, 5), (2147483647, 999999),
          (2147483648, 0), (4294967295, 1), (1700000000, 0), (1700090000, 1), (1700090000, 0), (5, 0)]
STAMP_RECORDS = [(sec, usec, UDP_FRAME, len(UDP_FRAME)) for sec, usec in STAMPS]
# A first record stamped 0.000000 is no reference for -ttt/-ttttt: the next one becomes it.
ZERO_FIRST = [(0, 0, UDP_FRAME, len(UDP_FRAME)), (0, 5, UDP_FRAME, len(UDP_FRAME)),
              (3, 0, UDP_FRAME, len(UDP_FRAME)), (2, 0, UDP_FRAME, len(UDP_FRAME))]
# Impossible lengths: tcpdump prints its note, no stamp, and keeps its -ttt reference.
INVALID = [(1700000000, 5, UDP_FRAME, len(UDP_FRAME)), (1700000005, 5, b"", len(UDP_FRAME)),
           (1700000007, 5, UDP_FRAME, len(UDP_FRAME)), (1700000009, 5, UDP_FRAME[:20], 10),
           (1700000010, 5, UDP_FRAME, 0), (1700000011, 5, b"", 0), (1700000012, 5, UDP_FRAME[:10], 10)]

STAMP_FLAGS = {
    (): PrintOptions(),
    ("-t",): PrintOptions(stamp=1),
    ("-tt",): PrintOptions(stamp=2),
    ("-ttt",): PrintOptions(stamp=3),
    ("-tttt",): PrintOptions(stamp=4),
    ("-ttttt",): PrintOptions(stamp=5),
    ("-#", "-ttt"): PrintOptions(stamp=3, number=True),
    ("-#", "-ttttt", "-e"): PrintOptions(stamp=5, number=True, link=True),
}


@pytest.mark.parametrize("flags", list(STAMP_FLAGS), ids=lambda f: " ".join(f) or "default")
@pytest.mark.parametrize("records", [STAMP_RECORDS, ZERO_FIRST, INVALID], ids=["corners", "zero-first", "invalid"])
def test_stamps_and_numbers_as_tcpdump(tmp_path, flags, records):
    path = tmp_path / "stamps.pcap"
    write_raw_pcap(path, records)
    assert_same(printer_lines(records, STAMP_FLAGS[flags]), tcpdump_lines(path, *flags))


def test_stamps_on_the_corpus_as_tcpdump(tmp_path):
    """Hundreds of ordinary frames, a few seconds apart (the default stamp's per-second cache)."""
    path = tmp_path / "corpus.pcap"
    write_pcap(path, parity_frames())
    for flags, opts in STAMP_FLAGS.items():
        assert_same(xdpdump_lines(path, opts), tcpdump_lines(path, *flags))


def payload_frames() -> list[tuple[int, bytes]]:
    """Ethernet frames with text-like payloads: CR, LF, tab, space, NUL, DEL, 0x80 in every order
    (-A's rules for CR depend on what follows it and how many bytes are left), over IPv4/UDP and an
    ethertype nobody decodes (tcpdump's default hex-and-ASCII dump; some with nothing after the
    link-level header, where a single flag dumps nothing)."""
    rng = random.Random(15)
    eth = bytes.fromhex("020000000002020000000001")
    alphabet = b"\r\n\t ab\x00\x7f\x80~!"
    frames = []
    for i in range(300):
        payload = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        if i % 2:
            udp = struct.pack(">HHHH", 1000, 2000, 8 + len(payload), 0) + payload
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes([198, 18, 0, 1]),
                             bytes([198, 18, 0, 2]))
            frame = eth + b"\x08\x00" + ip + udp
        else:
            frame = eth + b"\x88\xb5" + payload
        frames.append((1700000000_000000000 + i * 1000, frame))
    return frames


PAYLOAD_FLAGS = {
    ("-A",): PrintOptions(ascii=1),
    ("-AA",): PrintOptions(ascii=2),
    ("-A", "-e"): PrintOptions(ascii=1, link=True),
    ("-xx",): PrintOptions(hex=2),
    ("-XX",): PrintOptions(hex_ascii=2),
    ("-XX", "-e"): PrintOptions(hex_ascii=2, link=True),
    # tcpdump's precedence: -X over -x over -A, each with its own count deciding the link header.
    ("-A", "-x"): PrintOptions(ascii=1, hex=1),
    ("-AA", "-x"): PrintOptions(ascii=2, hex=1),
    ("-X", "-xx"): PrintOptions(hex_ascii=1, hex=2),
    ("-XX", "-A"): PrintOptions(hex_ascii=2, ascii=1),
}


@pytest.mark.parametrize("flags", list(PAYLOAD_FLAGS), ids=" ".join)
def test_payload_dumps_as_tcpdump(tmp_path, flags):
    path = tmp_path / "payloads.pcap"
    write_pcap(path, payload_frames() + parity_frames()[:200])
    assert_same(xdpdump_lines(path, PAYLOAD_FLAGS[flags]), tcpdump_lines(path, *flags))


def test_ascii_dump_drops_cr_only_where_tcpdump_does():
    assert ascii_lines(b"a\r\nb") == "\na\nb"      # CR before LF: dropped
    assert ascii_lines(b"a\rbc") == "\na.bc"        # CR in the middle: "."
    assert ascii_lines(b"ab\rc") == "\nabc"         # CR with one byte left: dropped (tcpdump's test)
    assert ascii_lines(b"ab\r") == "\nab"
    assert ascii_lines(bytes([0, 0x7F, 0x80, 9, 32])) == "\n...\t "


@pytest.mark.parametrize("flag,verbose", [("-vv", 2), ("-vvv", 3)])
def test_more_verbose_prints_at_least_what_v_prints(tmp_path, flag, verbose):
    """-vv and -vvv: where xdpdump's printer has nothing more than -v (IPv4's header line, decoded the
    same at every level here), it prints what -v prints, and that is tcpdump's -vv/-vvv text too."""
    path = tmp_path / "corpus.pcap"
    write_pcap(path, parity_frames())

    def header_parts(lines: list[str]) -> list[str]:
        return [line.split(")", 1)[0] for line in lines if " IP (tos " in line]

    ours = xdpdump_lines(path, PrintOptions(verbose=verbose))
    assert header_parts(ours) == header_parts(xdpdump_lines(path, PrintOptions(verbose=1)))
    reference = header_parts(tcpdump_lines(path, flag))
    assert len(reference) > 20
    assert header_parts(ours) == reference
