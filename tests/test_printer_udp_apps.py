"""What rides on UDP, differentially against Debian's tcpdump: each corpus of tests/printer_udp_apps.py
is written whole, snapped at random lengths and byte-mutated, and every line compared with
``tcpdump -n`` (and ``-v``, ``-vv``, ``-e``, ``-q``). Where the printer gives up on a datagram (too
much work, a protocol it does not decode) its line must be tcpdump's generic ``UDP, length N`` for a
prefix of tcpdump's line, never another text.
"""

from __future__ import annotations

import random
import re
import struct

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from printer_oracle import TCPDUMP, assert_same, in_oracle_zone, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401 (in_oracle_zone: the fixture)
from printer_udp_apps import HOSTILE_LABEL, MAKERS, corpus, udp_frame

from xdpdump.printer import Printer, PrintOptions
from xdpdump.printer.dns import MAX_STEPS
from xdpdump.printer.escape import escape
from xdpdump.printer.udp import DECODED_UDP_PORTS, tcpdump_printer

needs_tcpdump = pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
pytestmark = pytest.mark.usefixtures("in_oracle_zone")  # tcpdump's stamps are local time

T0 = 1_700_000_000_000_000_000
FLAGS = {
    (): PrintOptions(),
    ("-v",): PrintOptions(verbose=1),
    ("-vv",): PrintOptions(verbose=2),
    ("-vvv",): PrintOptions(verbose=3),
    ("-e",): PrintOptions(link=True),
    ("-q",): PrintOptions(quiet=True),
    ("-q", "-v"): PrintOptions(quiet=True, verbose=1),
}


def _write(tmp_path, frames: list[bytes], snap: dict[int, int] | None = None, name: str = "c.pcap"):
    path = tmp_path / name
    write_pcap(path, [(T0 + i * 1_000_003, f) for i, f in enumerate(frames)], snap=snap)
    return path


@needs_tcpdump
@pytest.mark.parametrize("flags", list(FLAGS), ids=lambda f: " ".join(f) or "plain")
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_same_lines(tmp_path, name, flags):
    path = _write(tmp_path, corpus(name, seed=len(flags) + 1))
    _assert_same(name, flags, xdpdump_lines(path, FLAGS[flags]), tcpdump_lines(path, *flags))


# Tunnels carry frames the link printer may print generically; this DHCPv6 corpus is random bytes, whose
# -v form often names options not decoded here (the generic line; tests/test_printer_dhcp6.py covers
# the -v form). Everything else must be tcpdump's line.
TUNNELS = {"vxlan", "geneve"}
GENERIC_WITH_V = {"dhcp6"}


def _assert_same(name: str, flags: tuple[str, ...], mine: list[str], ref: list[str]) -> None:
    generic_ok = name in GENERIC_WITH_V and any(f.startswith("-v") for f in flags)
    if name not in TUNNELS and not generic_ok:
        assert_same(mine, ref)
        return
    bad = wrong_lines(mine, ref)
    assert not bad, "\n".join(f"xdpdump: {a}\ntcpdump: {b}" for a, b in bad[:5])
    if name in TUNNELS:
        same = sum(a == b for a, b in zip(_records(mine), _records(ref), strict=True))
        assert same >= 0.9 * len(_records(ref)), f"only {same} of {len(_records(ref))} frames print as tcpdump"


@needs_tcpdump
@pytest.mark.parametrize("flags", [(), ("-vv",)], ids=["plain", "vv"])
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_same_lines_when_snapped(tmp_path, name, flags):
    frames = corpus(name, seed=7)
    rng = random.Random(name)
    snap = {i: rng.randint(1, len(f)) for i, f in enumerate(frames)}
    path = _write(tmp_path, frames, snap)
    _assert_same(name, flags, xdpdump_lines(path, FLAGS[flags]), tcpdump_lines(path, *flags))


# --- never a line tcpdump would not print ---------------------------------------------------------

_GENERIC_UDP = re.compile(r"UDP, (?:bad )?length \d+(?: > \d+)?$")
# A tunnel's inner frame goes through the link printer: what it does not decode (802.3/LLC, ethertypes
# it does not know) it prints as tcpdump's header line with the bytes dumped.
_GENERIC_ETHER = re.compile(r"[0-9a-f:]{17} > [0-9a-f:]{17}, (?:802\.3|ethertype [^,]+), length \d+: ")


_STAMP = re.compile(r"\d\d:\d\d:\d\d\.\d{6} ")


def _records(lines: list[str]) -> list[str]:
    """Lines grouped into one text per frame (a frame's text may span lines: -v, tunnels)."""
    records: list[str] = []
    for line in lines:
        if _STAMP.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return records


def wrong_lines(mine: list[str], ref: list[str]) -> list[tuple[str, str]]:
    """Frames whose text differs from tcpdump's where ours is not the generic UDP line for a prefix
    of theirs."""
    mine, ref = _records(mine), _records(ref)
    if len(mine) != len(ref):
        return [("\n".join(mine[-3:]), "\n".join(ref[-3:]))]
    bad = []
    for a, b in zip(mine, ref, strict=True):
        if a == b:
            continue
        m = _GENERIC_UDP.search(a)
        if m and b.startswith(a[: m.start()]):
            continue
        m = _GENERIC_ETHER.search(a)
        if m and b.startswith(a[: m.start()]) and (m.start() == 0 or a[m.start() - 1] in " \n\t"):
            continue
        bad.append((a, b))
    return bad


@needs_tcpdump
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(MAKERS)), seed=st.integers(0, 2**32 - 1),
       edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1, max_size=6))
def test_mutated_frames(tmp_path, name, seed, edits):
    frames = corpus(name, seed=seed % 1000, groups=8)
    rng = random.Random(seed)
    mutated = []
    for f in frames:
        b = bytearray(f)
        start = 62 if f[12:14] == b"\x86\xdd" else 42  # the UDP payload
        # In a tunnel only its own header is mutated: the inner frame belongs to the link/IP printers.
        span = max(min(len(b) - start, 16 if name in TUNNELS else len(b)), 1)
        for pos, val in edits:
            at = start + (pos + rng.randint(0, 60)) % span
            if at < len(b):
                b[at] = val if rng.random() < 0.5 else rng.randint(0, 255)
        mutated.append(bytes(b))
    path = _write(tmp_path, mutated, name=f"m-{name}-{seed}.pcap")
    # -vv checks IPv4 header sums, which the IP printer leaves out: a tunnel header's mutated option
    # length moves the inner IP header, so tunnels are compared without -v.
    for flags in ((),) if name in TUNNELS else ((), ("-vv",)):
        mine = xdpdump_lines(path, FLAGS[flags])
        assert not any("printer error" in line for line in mine)
        bad = wrong_lines(mine, tcpdump_lines(path, *flags))
        assert not bad, "\n".join(f"xdpdump: {a}\ntcpdump: {b}" for a, b in bad[:5])


# --- escaping ---------------------------------------------------------------------------------------


def test_escape_is_tcpdumps():
    assert escape(b"a\x1b[2J\x07\n\x7f\x80\xff ~") == "a^[[2J^G^J^?M-^@M-^? ~"


@needs_tcpdump
@pytest.mark.parametrize("port", [53, 5353, 5355])
def test_hostile_name_is_escaped(tmp_path, port):
    """A name carrying terminal escapes and a newline with a fake packet line prints as one line of
    printable ASCII, as tcpdump prints it (LLMNR's port 5355 is not decoded by tcpdump 4.99 either)."""
    name = bytes([len(HOSTILE_LABEL)]) + HOSTILE_LABEL + b"\x00"
    query = struct.pack("!HHHHHH", 4660, 0x0100, 1, 0, 0, 0) + name + struct.pack("!HH", 1, 1)
    txt = HOSTILE_LABEL[:60]
    answer = (struct.pack("!HHHHHH", 4660, 0x8180, 1, 1, 0, 0) + name + struct.pack("!HH", 16, 1)
              + b"\xc0\x0c" + struct.pack("!HHIH", 16, 1, 60, len(txt) + 1) + bytes([len(txt)]) + txt)
    rng = random.Random(port)
    path = _write(tmp_path, [udp_frame(rng, 40000, port, query), udp_frame(rng, port, 40000, answer)])
    for flags in ((), ("-vv",)):
        mine = xdpdump_lines(path, FLAGS[flags])
        assert_same(mine, tcpdump_lines(path, *flags))
        assert len([line for line in mine if not line.startswith("    ")]) == 2  # -v's IPv4 header line aside
        assert all(" " <= c <= "~" for line in mine for c in line)
    if port != 5355:
        assert "^[]0;pwned^G^[[2J^J12:00:00.000000 IP" in "\n".join(mine)


# --- bounded work -------------------------------------------------------------------------------------


def _pointer_chain_message(questions: int) -> bytes:
    """A query whose question k names question k-1 by a pointer: printing question k walks k pointers,
    all pointing backwards as tcpdump requires, so the work grows with the square of the count."""
    msg = struct.pack("!HHHHHH", 1, 0x0100, questions, 0, 0, 0) + b"\x01a\x00" + struct.pack("!HH", 1, 1)
    for k in range(1, questions):
        target = 12 if k == 1 else 19 + 6 * (k - 2)
        msg += struct.pack("!HHH", 0xC000 | target, 1, 1)
    return msg


@needs_tcpdump
def test_crafted_pointer_chains_cost_bounded_work(tmp_path):
    """200 questions of up to 199 pointers each: past MAX_STEPS the printer prints tcpdump's generic
    UDP line rather than walk them; 20 questions fit and are decoded as tcpdump decodes them."""
    big, small = _pointer_chain_message(200), _pointer_chain_message(20)
    assert 200 * 199 // 2 > MAX_STEPS > 20 * 19 // 2 + 20
    frames = [udp_frame(random.Random(1), 40000, 53, m) for m in (big, small)]
    line = Printer(PrintOptions()).format(T0, frames[0], len(frames[0]))
    assert line.endswith(f"UDP, length {len(big)}"), line
    path = _write(tmp_path, frames)
    mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
    assert not wrong_lines(mine, ref)
    assert mine[1] == ref[1] and "A? a. A? a." in mine[1]


@needs_tcpdump
def test_vxlan_nesting_is_bounded(tmp_path):
    """VXLAN in VXLAN, 20 deep: the printer decodes 8 levels and then prints the generic UDP line."""
    from scapy.all import IP, UDP, Ether
    from scapy.layers.vxlan import VXLAN

    inner = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(src="198.18.0.1", dst="198.18.0.2")
    pkt = inner / UDP(sport=40000, dport=40001) / b"x"
    for level in range(20):
        pkt = inner / UDP(sport=40000 + level, dport=4789) / VXLAN(vni=level) / pkt
    path = _write(tmp_path, [bytes(pkt)])
    mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
    assert not wrong_lines(mine, ref)
    assert len(mine) == 9 and len(ref) == 21
    assert mine[:8] == ref[:8] and all("VXLAN" in line for line in mine[:8])
    assert mine[8].endswith("4789: UDP, length 601"), mine[8]


# --- the ports the fast path leaves to Python ---------------------------------------------------------


def test_decoded_ports_are_the_ones_dispatched_here():
    assert isinstance(DECODED_UDP_PORTS, frozenset)
    assert {53, 5353, 4789, 6081} <= DECODED_UDP_PORTS
    for port in range(65536):
        decoded = not tcpdump_printer(port, 40000).startswith("-") and tcpdump_printer(port, 40000) != ""
        assert decoded == (port in DECODED_UDP_PORTS), port
    # tcpdump's order: DNS wins over NTP, RIP over VXLAN; LLMNR and QUIC have no printer in tcpdump 4.99.
    assert tcpdump_printer(53, 123) == "domain"
    assert tcpdump_printer(4789, 520) == "-rip"
    assert tcpdump_printer(5355, 40000) == tcpdump_printer(443, 40000) == ""


@needs_tcpdump
def test_a_geneve_payload_goes_through_the_link_printers_ethertypes(tmp_path):
    """LLDP in Geneve: the inner ethertype is printed by the same printer as an outer frame's."""
    head = struct.pack("!BBH3sB", 0, 0, 0x88CC, b"\0\0\1", 0)
    frame = udp_frame(random.Random(3), 40000, 6081, head + bytes(30))
    path = _write(tmp_path, [frame])
    mine, ref = xdpdump_lines(path, PrintOptions()), tcpdump_lines(path)
    assert "LLDP" in ref[0] and mine[0].endswith("Geneve, Flags [none], vni 0x1: LLDP, length 30")
    assert not wrong_lines(mine, ref)


@needs_tcpdump
def test_first_fragment_has_no_bad_length_and_no_sum(tmp_path):
    """A first IPv4 fragment carries part of the datagram: tcpdump neither calls its UDP length bad nor
    checks its sum (-vv), and still decodes what the port names."""
    from scapy.all import IP, UDP, Ether

    frames = [bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
                    / IP(src="198.18.0.1", dst="198.18.0.2", flags="MF")
                    / UDP(sport=40000, dport=dport, len=500) / (b"x" * 20)) for dport in (40001, 53)]
    path = _write(tmp_path, frames)
    for flags in ((), ("-vv",)):
        mine, ref = xdpdump_lines(path, FLAGS[flags]), tcpdump_lines(path, *flags)
        assert_same(mine, ref)
        assert "UDP, length 492" in "\n".join(mine) and "bad length" not in "\n".join(mine)


@needs_tcpdump
def test_quic_is_tcpdumps_generic_line(tmp_path):
    """tcpdump 4.99 has no QUIC printer: an Initial packet to port 443 is ``UDP, length N`` in both."""
    rng = random.Random(443)
    initial = bytes([0xC3]) + struct.pack("!I", 1) + bytes([8]) + bytes(8) + bytes([0]) + bytes(1200)
    path = _write(tmp_path, [udp_frame(rng, 40000, 443, initial), udp_frame(rng, 443, 40000, initial[:60])])
    mine = xdpdump_lines(path, PrintOptions())
    assert_same(mine, tcpdump_lines(path))
    assert mine[0].endswith(f"UDP, length {len(initial)}")
