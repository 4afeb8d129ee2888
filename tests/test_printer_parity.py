"""xdpdump's printer against the real tcpdump: same lines for the same pcap, flag by flag.

A seeded corpus (tests/printer_corpus.py) is written as pcap (micro- and nanosecond) and pcapng, read
back with xdpdump.capfile, formatted with xdpdump.printer and compared line by line with
``tcpdump -n [flags] -r FILE``. Both run in a non-UTC time zone (Asia/Kolkata, +05:30) to prove the
stamps are local time.
"""

from __future__ import annotations

import random
import struct

import pytest
from printer_corpus import parity_frames
from printer_oracle import TCPDUMP, assert_same, in_oracle_zone, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401 (in_oracle_zone: the fixture)

from xdpdump.printer import Printer, PrintOptions

pytestmark = [pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed"),
              pytest.mark.usefixtures("in_oracle_zone")]  # tcpdump's stamps are local time


def write_pcapng(path, frames) -> None:
    def block(btype: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", btype, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

    with open(path, "wb") as f:
        f.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
        tsresol = struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0)
        f.write(block(1, struct.pack("<HHI", 1, 0, 262144) + tsresol))
        for ts_ns, data in frames:
            body = struct.pack("<IIIII", 0, ts_ns >> 32, ts_ns & 0xFFFFFFFF, len(data), len(data))
            f.write(block(6, body + data + b"\0" * (-len(data) % 4)))


FRAMES = parity_frames()

FLAG_SETS = {
    (): PrintOptions(),
    ("-e",): PrintOptions(link=True),
    ("-x",): PrintOptions(hex=True),
    ("-X",): PrintOptions(hex_ascii=True),
    ("-e", "-X"): PrintOptions(link=True, hex_ascii=True),
    ("-q",): PrintOptions(quiet=True),
    ("-q", "-e"): PrintOptions(quiet=True, link=True),
    ("-S",): PrintOptions(absolute_seq=True),
}


def test_corpus_is_varied():
    text = "\n".join(xdpdump_lines_from(FRAMES))
    for needle in ("Flags [S]", "Flags [S.]", "Flags [.]", "Flags [P.]", "Flags [F.]", "Flags [R]",
                   "Flags [R.]", "sack 1 {", "IP6 ", "UDP, length", "ICMP echo request", "ICMP echo reply",
                   "ICMP6, echo request", "ICMP6, echo reply", "ARP, Request", "ARP, Reply"):
        assert needle in text, needle
    assert len(FRAMES) > 500


def xdpdump_lines_from(frames) -> list[str]:
    printer = Printer(PrintOptions())
    return [printer.format(ts, data, len(data)) for ts, data in frames]


@pytest.mark.parametrize("flags", list(FLAG_SETS), ids=lambda f: " ".join(f) or "plain")
def test_same_lines_as_tcpdump(tmp_path, flags):
    path = tmp_path / "corpus.pcap"
    write_pcap(path, FRAMES)
    ref = tcpdump_lines(path, *flags)
    assert len(ref) >= len(FRAMES)
    assert_same(xdpdump_lines(path, FLAG_SETS[flags]), ref)


@pytest.mark.parametrize("fmt", ["nsec", "pcapng"])
def test_same_lines_for_nanosecond_files(tmp_path, fmt):
    path = tmp_path / f"corpus.{fmt}"
    if fmt == "nsec":
        write_pcap(path, FRAMES, nano=True)
    else:
        write_pcapng(path, FRAMES)
    assert_same(xdpdump_lines(path, PrintOptions(link=True)), tcpdump_lines(path, "-e"))


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_snapped_frames_match_tcpdump(tmp_path, seed):
    """Every frame cut at a random length: [|ether], [|vlan], [|ip], [|tcp], cut TCP options..."""
    rng = random.Random(seed)
    sample = FRAMES
    snap = {i: rng.randint(0, len(d)) for i, (_t, d) in enumerate(sample)}
    path = tmp_path / "snapped.pcap"
    write_pcap(path, sample, snap=snap)
    assert_same(xdpdump_lines(path, PrintOptions()), tcpdump_lines(path))
    assert_same(xdpdump_lines(path, PrintOptions(link=True)), tcpdump_lines(path, "-e"))


def test_verbose_ipv4_header_line_matches_tcpdump(tmp_path):
    """-v parity is only claimed for the IPv4 header line (tcpdump -v also verifies checksums)."""
    path = tmp_path / "corpus.pcap"
    write_pcap(path, FRAMES)
    ref = [line for line in tcpdump_lines(path, "-v") if " IP (tos " in line]
    mine = [line for line in xdpdump_lines(path, PrintOptions(verbose=1)) if " IP (tos " in line]
    assert len(ref) > 100
    assert_same(mine, ref)
