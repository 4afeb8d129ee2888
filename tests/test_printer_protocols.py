"""Per-protocol differential tests: xdpdump's lines against Debian's tcpdump for the same pcap.

Each corpus (tests/printer_protocols.py) is written whole, then every frame cut at a random length
(tcpdump's ``[|proto]`` forms), and compared line by line with ``tcpdump -n`` (and ``-e``, ``-v``
where the printer claims them). A hypothesis test mutates bytes of frames and checks the printer
never raises and prints what tcpdump prints.
"""

from __future__ import annotations

import random
import re
import struct

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from printer_oracle import TCPDUMP, assert_same, in_oracle_zone, mutate, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401 (in_oracle_zone: the fixture)
from printer_protocols import corpus

from xdpdump.printer import PrintOptions

pytestmark = [pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed"),
              pytest.mark.usefixtures("in_oracle_zone")]  # tcpdump's stamps are local time

T0 = 1_700_000_000_000_000_000
PLAIN = ["sll", "sll2", "null", "loop", "raw", "ipv4", "ipv6", "ether-generic", "arp", "icmp", "icmp6"]
WITH_E = ["sll", "sll2", "null", "loop", "raw", "ether-generic", "arp"]


def _stamped(frames: list[bytes]) -> list[tuple[int, bytes]]:
    return [(T0 + i * 1_000_003, f) for i, f in enumerate(frames)]


def _compare(tmp_path, linktype: int, frames: list[bytes], flags: tuple[str, ...], opts: PrintOptions,
             snap: dict[int, int] | None = None) -> None:
    path = tmp_path / "c.pcap"
    write_pcap(path, _stamped(frames), linktype=linktype, snap=snap)
    assert_same(xdpdump_lines(path, opts), tcpdump_lines(path, *flags))


@pytest.mark.parametrize("name", PLAIN)
def test_same_lines(tmp_path, name):
    linktype, frames = corpus(name)
    _compare(tmp_path, linktype, frames, (), PrintOptions())


@pytest.mark.parametrize("name", WITH_E)
def test_same_lines_with_link_header(tmp_path, name):
    linktype, frames = corpus(name, seed=2)
    _compare(tmp_path, linktype, frames, ("-e",), PrintOptions(link=True))


@pytest.mark.parametrize("name", PLAIN)
def test_same_lines_quiet(tmp_path, name):
    """-q: NULL's short family names, no dump of what is not decoded (but ARP's), -q -e's link line."""
    linktype, frames = corpus(name, seed=4)
    _compare(tmp_path, linktype, frames, ("-q",), PrintOptions(quiet=True))
    _compare(tmp_path, linktype, frames, ("-q", "-e"), PrintOptions(quiet=True, link=True))


@pytest.mark.parametrize("name", PLAIN)
def test_same_lines_when_snapped(tmp_path, name):
    linktype, frames = corpus(name, seed=3)
    rng = random.Random(name)
    snap = {i: rng.randint(1, len(f)) for i, f in enumerate(frames)}
    _compare(tmp_path, linktype, frames, (), PrintOptions(), snap)


# --- mutated frames: never raise, never a line tcpdump would not print -----------------------------

GENERIC = re.compile(r"(?: ip-proto-\d+ \d+| ip-proto-\d+|UDP, length \d+|ICMP6, icmp6 type \d+, length \d+|"
                     r"[0-9a-f:]{17} > [0-9a-f:]{17}, (?:ethertype \S+|802\.3)[^:]*: |AF \w+ \(\d+\), length \d+: |"
                     r"ethertype \S+ \(0x[0-9a-f]{4}\), length \d+: )$")


def generic_or_same(mine: list[str], ref: list[str]) -> list[tuple[str, str]]:
    """Pairs of lines that differ where ours is not tcpdump's generic form for a prefix of theirs.

    Where a protocol is not decoded the printer ends its line with the generic form for what is
    known (``ip-proto-N LEN``, ``UDP, length N``, an ethertype header followed by a hex dump): such a
    line is right when everything before the generic part is what tcpdump printed too. Hex-dump lines
    are compared only where both sides print one.
    """
    bad = []
    mine_main = [line for line in mine if not line.startswith("\t")]
    ref_main = [line for line in ref if not line.startswith("\t")]
    if len(mine_main) != len(ref_main):
        return [("\n".join(mine_main[-3:]), "\n".join(ref_main[-3:]))]
    for a, b in zip(mine_main, ref_main, strict=True):
        if a == b:
            continue
        m = GENERIC.search(a)
        if m and b.startswith(a[: m.start()]):
            continue
        if (m or b.startswith(a)) and NOT_DECODED.search(b):
            continue  # 802.2 LLC (and what rides on it) is not decoded here: the generic line stands
        bad.append((a, b))
    return bad


NOT_DECODED = re.compile(r"DSAP|SSAP|LLC|\[\|ipx\]|IPX|OSI NLPID")
MUTATED = ["arp", "icmp", "icmp6", "sll", "null", "raw"]


# No shrinking: each example runs tcpdump twice; a failure's frames and lines are in its message.
@pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
def test_mldv2_query_cut_inside_its_sources_count(tmp_path):
    """An MLDv2 query captured up to its group address but not its source count: tcpdump prints the
    group address before its [|icmp6] (found by the mutation test below)."""
    from scapy.all import Ether, IPv6
    from scapy.layers.inet6 import ICMPv6MLQuery2

    frame = bytes(Ether() / IPv6(src="fd00::1", dst="ff02::1") / ICMPv6MLQuery2(mladdr="ff02::1:3"))
    ends = {i: len(frame) - 28 + cut for i, cut in enumerate((23, 24, 26, 27, 28))}
    _compare(tmp_path, 1, [frame] * len(ends), (), PrintOptions(), snap=ends)


@pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
def test_mldv2_query_with_more_sources_than_it_holds(tmp_path):
    """An MLDv2 query whose source count exceeds what its length holds: tcpdump's ``[invalid number
    of sources]`` (found by the mutation test below), beside well-formed counts; whole and cut."""
    from scapy.all import Ether, IPv6
    from scapy.layers.inet6 import ICMPv6MLQuery2

    frames = [bytes(Ether() / IPv6(src="fd00::1", dst="ff02::1") /
                    ICMPv6MLQuery2(mladdr="ff02::1:3", sources_number=n, sources=sources))
              for n, sources in [(0, []), (1, ["fd00::5"]), (2, ["fd00::5", "fd00::6"]), (3, ["fd00::5"]), (20225, [])]]
    frames += frames
    _compare(tmp_path, 1, frames, (), PrintOptions(), snap={5 + i: len(f) - 3 for i, f in enumerate(frames[5:])})
    assert "[invalid number of sources]]" in "\n".join(tcpdump_lines(tmp_path / "c.pcap"))


# Ethernet's loopback test protocol (ethertype 0x9000): messages well-formed, with a skip count that
# is odd or past the end (the mutation test's sll example), too short for their function, unknown.
LOOPBACK_MESSAGES = [b"", b"\x00", b"\x00\x00\x01", b"\x00\x00\x01\x00\x05\x00abc", b"\x00\x00\x02\x00" + bytes(4),
                     b"\x00\x00\x02\x00" + bytes.fromhex("020000000009") + b"xy", b"\x00\x00\x03\x00zz",
                     b"\x08\x00" + bytes(8) + b"\x01\x00\x07\x00", b"\x03\x00" + bytes(8) + b"\x01\x00\x07\x00",
                     b"\x45\x00" + bytes(10), b"\x10\x00" + bytes(12) + b"\x01\x00\x02\x00"]


@pytest.mark.parametrize(("linktype", "head"), [(1, bytes.fromhex("020000000002020000000001") + b"\x90\x00"),
                                                 (113, struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x9000))])
@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-e",), PrintOptions(link=True)),
                                             (("-q",), PrintOptions(quiet=True)), (("-x",), PrintOptions(hex=True))])
def test_loopback_protocol_as_tcpdump(tmp_path, linktype, head, flags, opts):
    """"Loopback, skipCount N", its (bogus) and (invalid) notes, Reply and Forward Data messages,
    whole and cut one byte short ([|loopback], after which -x dumps the whole frame)."""
    frames = [head + m for m in LOOPBACK_MESSAGES] * 2
    snap = {i: len(f) - 1 for i, f in enumerate(frames) if i >= len(LOOPBACK_MESSAGES) and len(f) > len(head) + 2}
    path = tmp_path / "lb.pcap"
    write_pcap(path, _stamped(frames), linktype=linktype, snap=snap)
    mine, ref = xdpdump_lines(path, opts), tcpdump_lines(path, *flags)
    assert "Loopback, skipCount 69 (bogus) (invalid)" in "\n".join(ref)
    assert_same(mine, ref)


@pytest.mark.parametrize(("flags", "opts"), [(("-x",), PrintOptions(hex=True)), (("-X",), PrintOptions(hex_ascii=True)),
                                             (("-x", "-e"), PrintOptions(hex=True, link=True))])
def test_llc_frames_dump_what_follows_their_llc_header(tmp_path, flags, opts):
    """-x/-X after an 802.3 frame whose LLC (and SNAP) header tcpdump decoded dump what follows that
    header: IP over LLC and SNAP, STP, CDP, PVST, loopback and LLDP over SNAP, unknown SNAP types."""
    ip = bytes.fromhex("4500001e000100004011eea6c6120001c612000200010002000a124d6162")
    snap = b"\xaa\xaa\x03"
    llcs = [snap + b"\x00\x00\x00\x08\x00" + ip, b"\x06\x06\x03" + ip, b"\x42\x42\x03" + bytes(35),
            snap + b"\x00\x00\x00\x12\x34" + bytes(10), snap + b"\x00\x00\x0c\x20\x00\x02\xb4" + bytes(12),
            snap + b"\x00\x00\x0c\x01\x0b" + bytes(35), snap + b"\x00\x00\x00\x90\x00\x00\x00\x01\x00\x05\x00",
            snap + b"\x00\x00\x0c\x99\x99" + bytes(10), snap + b"\x00\x00\x00\x88\xcc" + bytes(10)]
    head = bytes.fromhex("020000000002020000000001")
    frames = [head + struct.pack("!H", len(llc)) + llc for llc in llcs]
    path = tmp_path / "llc.pcap"
    write_pcap(path, _stamped(frames))
    ref = tcpdump_lines(path, *flags)
    assert "Loopback, skipCount 0, Reply" in "\n".join(ref)
    assert_same(xdpdump_lines(path, opts), ref)


@pytest.mark.parametrize(("linktype", "head"), [(1, bytes.fromhex("020000000002020000000001") + b"\x88\x99"),
                                                 (113, struct.pack("!HHH8sH", 0, 1, 6, bytes(8), 0x8899))])
@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-e",), PrintOptions(link=True)),
                                             (("-q",), PrintOptions(quiet=True)), (("-x",), PrintOptions(hex=True))])
def test_realtek_protocols_as_tcpdump(tmp_path, linktype, head, flags, opts):
    """Realtek's ethertype named by its first byte (REP, RLDP, DSA tags, ``Realtek unknown type 0x05``
    as the mutation test's sll example), after the addresses on Ethernet, and cut before it."""
    rng = random.Random(1)
    frames = [head + bytes([kind]) + bytes(rng.randint(0, 255) for _ in range(rng.choice([0, 1, 5, 20])))
              for kind in [0, *range(2, 0x30), 0x88, 0x93, 0x99, 0xFF]]  # not RRCP (1): not decoded
    path = tmp_path / "rtl.pcap"
    write_pcap(path, _stamped([*frames, head]), linktype=linktype)
    ref = tcpdump_lines(path, *flags)
    assert "Realtek unknown type 0x05" in "\n".join(ref) and "  [|rtl]" in "\n".join(ref)
    assert_same(xdpdump_lines(path, opts), ref)


def _atm_arp_frames(rng: random.Random) -> list[bytes]:
    """ATM ARP packets (hardware 19): IPv4, Trail and other protocols, every opcode, addresses of
    each length the type-and-length octets allow (subaddresses and the E.164 flag included)."""
    frames = []
    for _ in range(60):
        sha, ssa, spa, tha, tsa, tpa = rng.choice([(20, 0, 4, 20, 0, 4), (20, 5, 4, 0, 0, 4), (0, 0, 4, 0, 0, 4),
                                                   (20, 0, 4, 20, 0, 0), (7, 3, 16, 7, 0, 16), (20, 0, 0, 20, 0, 4),
                                                   (2, 0, 2, 0, 0, 0)])
        proto, op = rng.choice([0x0800, 0x0800, 0x1000, 0x86DD, 0x1234]), rng.choice([1, 2, 3, 4, 8, 9, 10, 11])
        header = struct.pack("!HHBBHBBBB", 19, proto, sha | rng.choice([0, 0x40]), ssa, op, spa, tha, tsa, tpa)
        addresses = bytes(rng.randint(0, 255) for _ in range(sha + ssa + spa + tha + tsa + tpa))
        frames.append(bytes.fromhex("020000000002020000000001") + b"\x08\x06" + header + addresses)
    return frames


@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-e",), PrintOptions(link=True)),
                                             (("-v",), PrintOptions(verbose=1)), (("-q",), PrintOptions(quiet=True)),
                                             (("-x",), PrintOptions(hex=True))])
def test_atm_arp_as_tcpdump(tmp_path, flags, opts):
    """ATM ARP's own line (``ARP, ATM, IPv4 (len 4/4), length N``, -v's addresses with subaddresses,
    <wrong splen>), whole and snapped anywhere (a truncated ARP packet: -x dumps the whole frame)."""
    rng = random.Random(11)
    frames = _atm_arp_frames(rng)
    snap = {len(frames) + i: rng.randint(15, len(f)) for i, f in enumerate(frames)}
    path = tmp_path / "atmarp.pcap"
    write_pcap(path, _stamped(frames * 2), snap=snap)
    mine, ref = xdpdump_lines(path, opts), tcpdump_lines(path, *flags)
    text = "\n".join(ref)
    assert "ATM, Unknown Protocol (0x1234)" in text and "[|arp]" in text
    if flags == ("-v",):
        assert "ATM, IPv4 (len 4/4)" in text and "<wrong splen>" in text and "," in text.split("is-at ")[1][:80]
    assert_same(mine, ref)


def test_arp_cut_anywhere_with_hex_dump(tmp_path):
    """A truncated ARP packet's -x dump starts at the frame's first byte, as tcpdump's."""
    from scapy.all import ARP, Ether

    frame = bytes(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") /
                  ARP(op=1, psrc="198.18.0.1", pdst="198.18.0.2"))
    ends = {i: 15 + i for i in range(len(frame) - 15)}
    _compare(tmp_path, 1, [frame] * len(ends), ("-x",), PrintOptions(hex=True), snap=ends)


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(MUTATED), seed=st.integers(0, 2**32 - 1),
       edits=st.lists(st.tuples(st.integers(0, 80), st.integers(0, 255)), min_size=1, max_size=4))
def test_mutated_frames(tmp_path, name, seed, edits):
    linktype, frames = corpus(name, seed=seed % 1000, groups=12)
    mutated = mutate(frames, edits, seed)
    path = tmp_path / f"m-{name}-{seed}.pcap"
    write_pcap(path, _stamped(mutated), linktype=linktype)
    for flags, opts in (((), PrintOptions()), (("-e",), PrintOptions(link=True))):
        mine = xdpdump_lines(path, opts)
        assert not any("printer error" in line for line in mine)
        bad = generic_or_same(mine, tcpdump_lines(path, *flags))
        assert not bad, "\n".join(f"xdpdump: {a}\ntcpdump: {b}" for a, b in bad[:5])
