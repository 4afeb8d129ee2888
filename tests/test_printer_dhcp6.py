"""DHCPv6 with ``-v``, differentially against Debian's tcpdump: the corpus of tests/printer_dhcp6.py
written whole, snapped and byte-mutated, every line compared with ``tcpdump -n -v`` (and ``-vv`` and
without ``-v``). Where the printer gives up (an option it does not decode, bytes cut by the capture)
its line must be tcpdump's generic ``UDP, length N``, never another text."""

from __future__ import annotations

import random
import struct

import pytest
from printer_dhcp6 import corpus
from printer_oracle import TCPDUMP, in_oracle_zone, tcpdump_lines, xdpdump_lines  # noqa: F401
from printer_udp_apps import MAC_A, MAC_B
from printer_udp_diff import compare, given_edits, mutate_payloads, mutation_examples, write_frames
from scapy.all import UDP, Ether, IPv6
from test_printer_udp_apps import wrong_lines

from xdpdump.printer import PrintOptions
from xdpdump.printer.dhcp6 import MAX_NESTING

needs_tcpdump = pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
pytestmark = pytest.mark.usefixtures("in_oracle_zone")

FLAGS = {(): PrintOptions(), ("-v",): PrintOptions(verbose=1), ("-vv",): PrintOptions(verbose=2)}


def _write(tmp_path, frames: list[bytes], snap: dict[int, int] | None = None, name: str = "s.pcap"):
    return write_frames(tmp_path, frames, snap, name)


def _compare(path, flags: tuple[str, ...], least_same: float) -> None:
    compare(path, flags, FLAGS[flags], least_same)


@needs_tcpdump
@pytest.mark.parametrize("flags", list(FLAGS), ids=lambda f: " ".join(f) or "plain")
def test_same_lines(tmp_path, flags):
    """All but the few messages with an option not decoded here are tcpdump's exact lines."""
    _compare(_write(tmp_path, corpus(seed=len(flags) + 1)), flags, 0.9)


@needs_tcpdump
def test_same_lines_when_snapped(tmp_path):
    frames = corpus(seed=7)
    rng = random.Random(7)
    snap = {i: rng.randint(62, len(f)) for i, f in enumerate(frames)}
    _compare(_write(tmp_path, frames, snap), ("-v",), 0.0)


@needs_tcpdump
@mutation_examples
@given_edits
def test_mutated_frames(tmp_path, seed, edits):
    """Byte-mutated messages: never a line tcpdump would not print."""
    mutated = mutate_payloads(corpus(seed=seed % 1000, groups=40), edits, seed)
    path = _write(tmp_path, mutated, name=f"m-{seed}.pcap")
    for flags in FLAGS:
        _compare(path, flags, 0.0)


def _opt(code: int, body: bytes) -> bytes:
    return struct.pack("!HH", code, len(body)) + body


def _frame(msg: bytes, sport: int = 546, dport: int = 547) -> bytes:
    return bytes(Ether(src=MAC_A, dst=MAC_B) / IPv6(src="fd00::1", dst="ff02::1:2") / UDP(sport=sport, dport=dport)
                 / msg)


@needs_tcpdump
def test_known_lines(tmp_path):
    """Lines written out, so that the form is pinned down and not only equal to tcpdump's."""
    duid = struct.pack("!HHI", 1, 1, 12345) + bytes.fromhex("020000000001")
    addr = bytes.fromhex("fd00" + "00" * 13 + "05")
    solicit = (b"\x01\x00\x12\x34" + _opt(1, duid) + _opt(8, b"\x00\x64") + _opt(6, b"\x00\x17\x00\x18")
               + _opt(3, struct.pack("!III", 7, 100, 200) + _opt(5, addr + struct.pack("!II", 300, 400))))
    relay = b"\x0c\x00" + addr + addr + _opt(18, b"eth0") + _opt(9, solicit)
    unknown = b"\x01\x00\x00\x01" + _opt(16, b"\x00\x00\x00\x09")  # vendor-class: not decoded here
    path = _write(tmp_path, [_frame(solicit), _frame(relay, 547, 547), _frame(unknown)])
    mine, ref = xdpdump_lines(path, PrintOptions(verbose=1)), tcpdump_lines(path, "-v")
    assert mine[:2] == ref[:2]
    inner = ("dhcp6 solicit (xid=1234 (client-ID hwaddr/time type 1 time 12345 020000000001) (elapsed-time 100)"
             " (option-request DNS-server DNS-search-list) (IA_NA IAID:7 T1:100 T2:200"
             " (IA_ADDR fd00::5 pltime:300 vltime:400)))")
    assert mine[0].endswith("[udp sum ok] " + inner), mine[0]
    assert mine[1].endswith("dhcp6 relay-fwd (linkaddr=fd00::5 peeraddr=fd00::5 (interface-ID 65746830...)"
                            " (relay-message (" + inner + "))"), mine[1]  # tcpdump leaves one open
    assert mine[2].endswith(f"UDP, length {len(unknown)}") and "vendor-class" in ref[2]
    assert not wrong_lines(mine, ref)


@needs_tcpdump
@pytest.mark.parametrize("kind", ["relay", "IA_NA"])
def test_nesting_is_bounded(tmp_path, kind):
    """Relays in relays, IA_NAs in IA_NAs: past MAX_NESTING levels the generic line (a crafted message
    over 1500 levels deep costs no deep recursion); a few levels are decoded as tcpdump decodes them."""
    frames = []
    for depth in (1500 if kind == "relay" else 4000, MAX_NESTING + 2, 3):
        if kind == "relay":
            msg = b"\x01\x00\x00\x01"
            for level in range(depth):
                msg = bytes([12, level % 256]) + bytes(32) + _opt(9, msg)
        else:
            ia = b""
            for _ in range(depth):
                ia = _opt(3, struct.pack("!III", 1, 2, 3) + ia)
            msg = b"\x01\x00\x00\x01" + ia
        frames.append(_frame(msg, 547, 547))
    path = _write(tmp_path, frames)
    mine, ref = xdpdump_lines(path, PrintOptions(verbose=1)), tcpdump_lines(path, "-v")
    assert not wrong_lines(mine, ref)
    assert mine[0].endswith(f"UDP, length {len(frames[0]) - 62}")
    assert mine[1].endswith(f"UDP, length {len(frames[1]) - 62}") and mine[2] == ref[2]
    assert mine[2].count("relay-fwd" if kind == "relay" else "IA_NA") == 3
