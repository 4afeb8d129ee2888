"""SNMP, differentially against Debian's tcpdump: the corpus of tests/printer_snmp.py written whole,
snapped at random lengths and byte-mutated, every line compared with ``tcpdump -n`` (and ``-v``,
``-vv``, ``-e``, ``-q``). Where the printer gives up (tcpdump's complaint forms it does not
reproduce) its line must be tcpdump's generic ``UDP, length N`` for a prefix of tcpdump's line."""

from __future__ import annotations

import random

import pytest
from printer_oracle import TCPDUMP, in_oracle_zone, tcpdump_lines, xdpdump_lines  # noqa: F401
from printer_snmp import corpus
from printer_udp_apps import HOSTILE_LABEL, udp_frame
from printer_udp_diff import T0, compare, given_edits, mutate_payloads, mutation_examples, write_frames
from test_printer_udp_apps import wrong_lines

from xdpdump.printer import Printer, PrintOptions
from xdpdump.printer.budget import WORK_LIMIT
from xdpdump.printer.snmp import VARBIND_UNITS
from xdpdump.printer.udp import DECODED_UDP_PORTS, tcpdump_printer

needs_tcpdump = pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
pytestmark = pytest.mark.usefixtures("in_oracle_zone")

FLAGS = {
    (): PrintOptions(),
    ("-v",): PrintOptions(verbose=1),
    ("-vv",): PrintOptions(verbose=2),
    ("-e",): PrintOptions(link=True),
    ("-q",): PrintOptions(quiet=True),
}


def _write(tmp_path, frames: list[bytes], snap: dict[int, int] | None = None, name: str = "s.pcap"):
    return write_frames(tmp_path, frames, snap, name)


def _compare(path, flags: tuple[str, ...], least_same: float) -> None:
    compare(path, flags, FLAGS[flags], least_same)


def test_snmp_ports_are_decoded():
    assert {161, 162} <= DECODED_UDP_PORTS
    assert tcpdump_printer(40000, 161) == tcpdump_printer(162, 40000) == "snmp"
    assert tcpdump_printer(53, 161) == "domain"  # tcpdump's order: DNS first


@needs_tcpdump
@pytest.mark.parametrize("flags", list(FLAGS), ids=lambda f: " ".join(f) or "plain")
def test_same_lines(tmp_path, flags):
    """The generated corpus (v1, v2c, v3): all but the few frames tcpdump prints with its complaint
    forms are tcpdump's exact lines."""
    _compare(_write(tmp_path, corpus(seed=len(flags) + 1)), flags, 0.85)


@needs_tcpdump
@pytest.mark.parametrize("flags", [(), ("-v",)], ids=["plain", "v"])
def test_same_lines_when_snapped(tmp_path, flags):
    frames = corpus(seed=7)
    rng = random.Random(7)
    snap = {i: rng.randint(42, len(f)) for i, f in enumerate(frames)}
    _compare(_write(tmp_path, frames, snap), flags, 0.85)


@needs_tcpdump
@mutation_examples
@given_edits
def test_mutated_frames(tmp_path, seed, edits):
    """Byte-mutated messages: never a line tcpdump would not print."""
    mutated = mutate_payloads(corpus(seed=seed % 1000, groups=40), edits, seed)
    path = _write(tmp_path, mutated, name=f"m-{seed}.pcap")
    for flags in ((), ("-v",)):
        _compare(path, flags, 0.0)


def _t(tag: int, value: bytes) -> bytes:
    """A BER element with the short or two-byte length form."""
    if len(value) < 0x80:
        return bytes([tag, len(value)]) + value
    return bytes([tag, 0x82]) + len(value).to_bytes(2, "big") + value


def _message(pdu: bytes, community: bytes = b"public", version: int = 1) -> bytes:
    return _t(0x30, _t(0x02, bytes([version])) + _t(0x04, community) + pdu)


def _pdu(tag: int, status: int, index: int, binds: bytes) -> bytes:
    return _t(tag, _t(0x02, b"\x05") + _t(0x02, bytes([status])) + _t(0x02, bytes([index])) + _t(0x30, binds))


SYS_UPTIME = _t(0x06, bytes([0x2B, 6, 1, 2, 1, 1, 3, 0]))  # 1.3.6.1.2.1.1.3.0


@needs_tcpdump
def test_known_lines(tmp_path):
    """A few lines written out, so that the form is pinned down and not only equal to tcpdump's:
    "public" is not printed, a printable community is quoted as is, any other is in hex."""
    rng = random.Random(1)
    get = _pdu(0xA0, 0, 0, _t(0x30, SYS_UPTIME + b"\x05\x00"))
    resp = _pdu(0xA2, 2, 1, _t(0x30, SYS_UPTIME + _t(0x43, b"\x30\x39")))
    frames = [udp_frame(rng, 40000, 161, _message(get)),
              udp_frame(rng, 161, 40000, _message(resp, community=b'c"x')),
              udp_frame(rng, 40000, 162, _message(resp, community=HOSTILE_LABEL[:4])),
              udp_frame(rng, 40000, 161, _message(get, version=3))]
    path = _write(tmp_path, frames)
    mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
    assert mine[:3] == ref[:3]
    assert mine[0].endswith(":  GetRequest(25)  .1.3.6.1.2.1.1.3.0"), mine[0]
    assert mine[1].endswith(':  C="c"x" GetResponse(27)  noSuchName@1 .1.3.6.1.2.1.1.3.0=12345'), mine[1]
    assert mine[2].endswith(":  C=1b_5d_30_3b GetResponse(27)  noSuchName@1 .1.3.6.1.2.1.1.3.0=12345"), mine[2]
    # Version 3 with a v1/v2c body: tcpdump's [!message] complaint is not reproduced (the generic line).
    assert mine[3].endswith(f": UDP, length {len(_message(get))}") and "[!message]" in ref[3]
    assert not wrong_lines(mine, ref)
    vmine, vref = xdpdump_lines(path, PrintOptions(verbose=1)), tcpdump_lines(path, "-v")
    assert vmine[:-1] == vref[:-1]  # the last line is the version-3 message's
    verbose_form = '{ SNMPv2c C="c"x" { GetResponse(27) R=5  noSuchName@1 .1.3.6.1.2.1.1.3.0=12345 } } '
    assert any(line.endswith(verbose_form) for line in vmine)


@needs_tcpdump
def test_varbinds_are_bounded(tmp_path):
    """Past the frame's work limit (budget.py) the printer prints the generic UDP line rather than walk
    the bindings."""
    rng = random.Random(2)
    bind = _t(0x30, _t(0x06, b"\x2b") + b"\x05\x00")
    for count, generic in ((WORK_LIMIT // VARBIND_UNITS + 1, True), (30, False)):
        msg = _message(_pdu(0xA0, 0, 0, bind * count))
        frame = udp_frame(rng, 40000, 161, msg)
        line = Printer(PrintOptions()).format(T0, frame, len(frame))
        assert line.endswith(f"UDP, length {len(msg)}") == generic, line[:200]
        path = _write(tmp_path, [frame], name=f"b{count}.pcap")
        mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
        assert not wrong_lines(mine, ref)
        assert (mine == ref) != generic


def _v3(flags: int, scoped: bytes) -> bytes:
    head = _t(0x30, _t(0x02, b"\x4d") + _t(0x02, b"\x05\xdc") + _t(0x04, bytes([flags])) + _t(0x02, b"\x03"))
    usm = _t(0x30, _t(0x04, b"\x80\x00\x1f\x88\x04") + _t(0x02, b"\x03") + _t(0x02, b"\x30\x39")
             + _t(0x04, b"alice") + _t(0x04, bytes(12 if flags & 1 else 0)) + _t(0x04, bytes(8 if flags & 2 else 0)))
    return _t(0x30, _t(0x02, b"\x03") + head + _t(0x04, usm) + scoped)


@needs_tcpdump
def test_v3_lines(tmp_path):
    """SNMPv3: flags, USM user (and boots/time with -v), the scoped PDU or, encrypted, its bytes."""
    rng = random.Random(3)
    get = _pdu(0xA0, 0, 0, _t(0x30, SYS_UPTIME + b"\x05\x00"))
    plain = _v3(0x05, _t(0x30, _t(0x04, b"\x80\x00\x1f\x88\x04") + _t(0x04, b"ctx") + get))
    secret = _v3(0x07, _t(0x04, b"\x01\x02\x03"))
    path = _write(tmp_path, [udp_frame(rng, 40000, 161, plain), udp_frame(rng, 40000, 161, secret)])
    mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
    assert mine == ref
    assert mine[0].endswith(':  F=ar U="alice" E=_80_00_1f_88_04 C="ctx" GetRequest(25)  .1.3.6.1.2.1.1.3.0')
    assert mine[1].endswith(':  F=apr U="alice" [!scoped PDU]01_02_03')
    vmine, vref = xdpdump_lines(path, PrintOptions(verbose=1)), tcpdump_lines(path, "-v")
    assert vmine == vref
    assert any(line.endswith('{ SNMPv3 { F=ar } { USM B=3 T=12345 U="alice" } { ScopedPDU E=_80_00_1f_88_04 C="ctx"'
                             ' { GetRequest(25) R=5  .1.3.6.1.2.1.1.3.0 } } } ') for line in vmine)
