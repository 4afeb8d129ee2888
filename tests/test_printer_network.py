"""Network-layer protocols against Debian's tcpdump: IPv6 extension headers, IGMP, GRE, IP in IP,
ESP/AH, MPLS (tests/printer_network.py builds the frames). Whole corpora, every frame snapped at a
random length, and byte-mutated frames (hypothesis) are compared line by line with ``tcpdump -n``;
deep encapsulation is checked to cost a bounded number of steps.
"""

from __future__ import annotations

import random
import re
import struct
import sys

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from printer_network import (
    MAC_A,
    MAC_B,
    NETWORK_CORPORA,
    RESP_PAYLOADS,
    TELNET_PAYLOADS,
    chained_dstopts,
    nested_ipip,
    network_corpus,
)
from printer_oracle import TCPDUMP, assert_same, in_oracle_zone, mutate, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401 (in_oracle_zone: the fixture)
from scapy.all import IP, TCP, Ether, IPv6
from test_printer_protocols import generic_or_same

from xdpdump.printer import Printer, PrintOptions

pytestmark = [pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed"),
              pytest.mark.usefixtures("in_oracle_zone")]  # tcpdump's stamps are local time

T0 = 1_700_000_000_000_000_000
NAMES = list(NETWORK_CORPORA)


def _write(tmp_path, frames: list[bytes], snap: dict[int, int] | None = None):
    path = tmp_path / "n.pcap"
    write_pcap(path, [(T0 + i * 1_000_003, f) for i, f in enumerate(frames)], snap=snap)
    return path


@pytest.mark.parametrize("name", NAMES)
def test_same_lines(tmp_path, name):
    path = _write(tmp_path, network_corpus(name))
    assert_same(xdpdump_lines(path, PrintOptions()), tcpdump_lines(path))


@pytest.mark.parametrize("name", NAMES)
def test_same_lines_with_link_header(tmp_path, name):
    path = _write(tmp_path, network_corpus(name, seed=2))
    assert_same(xdpdump_lines(path, PrintOptions(link=True)), tcpdump_lines(path, "-e"))


@pytest.mark.parametrize("name", NAMES)
def test_same_lines_quiet(tmp_path, name):
    path = _write(tmp_path, network_corpus(name, seed=4))
    assert_same(xdpdump_lines(path, PrintOptions(quiet=True)), tcpdump_lines(path, "-q"))


@pytest.mark.parametrize("seed", [1, 2])
def test_verbose_ipv4_options_as_tcpdump(tmp_path, seed):
    """-v's IPv4 header line with options, well-formed or not, read past their end as tcpdump
    reads them, whole and snapped."""
    frames = network_corpus("ipopt", seed=seed, groups=200)
    rng = random.Random(seed)
    path = _write(tmp_path, frames, {i: rng.randint(20, len(f)) for i, f in enumerate(frames) if i % 3 == 0})
    ref = [line for line in tcpdump_lines(path, "-v") if " IP (tos " in line]
    mine = [line for line in xdpdump_lines(path, PrintOptions(verbose=1)) if " IP (tos " in line]
    assert sum("[bad " in line for line in ref) > 20 and sum("[truncated-option]" in line for line in ref) > 3
    assert_same(mine, ref)


def test_verbose_ipv6_extension_headers_as_tcpdump(tmp_path):
    """-v names each hop-by-hop and destination option, the fragment's identification and the
    routing header's reserved field; compared where nothing after them has a checksum to verify."""
    path = _write(tmp_path, network_corpus("ip6ext", seed=6, groups=150))

    def keep(line: str) -> bool:  # -v verifies ICMPv6, UDP and TCP checksums: not claimed here
        return not any(name in line for name in (" ICMP6", "UDP", "Flags [", "ICMP ")) and " IP6 (" in line
    ref = [line for line in tcpdump_lines(path, "-v") if keep(line)]
    mine = [line for line in xdpdump_lines(path, PrintOptions(verbose=1)) if keep(line)]
    assert sum("(padn)" in line or "(rtalert" in line or "(jumbo" in line for line in ref) > 10
    assert_same(mine, ref)


def test_verbose_ipv4_header_names_a_bad_checksum(tmp_path):
    """-v's IPv4 header line, checksum verdict included, for tunnels whose outer checksum is broken."""
    frames = []
    for i, frame in enumerate(network_corpus("tunnel", seed=5) + network_corpus("gre", seed=5)):
        if frame[12:14] == b"\x08\x00" and i % 2:
            frame = frame[:24] + bytes([frame[24] ^ 0x5A]) + frame[25:]  # the header checksum's first byte
        frames.append(frame)
    path = _write(tmp_path, frames)
    ref = [line for line in tcpdump_lines(path, "-v") if " IP (tos " in line]
    mine = [line for line in xdpdump_lines(path, PrintOptions(verbose=1)) if " IP (tos " in line]
    assert sum("bad cksum" in line for line in ref) > 20
    assert_same(mine, ref)


@pytest.mark.parametrize("name", NAMES)
def test_same_lines_when_snapped(tmp_path, name):
    frames = network_corpus(name, seed=3)
    rng = random.Random(name)
    path = _write(tmp_path, frames, {i: rng.randint(1, len(f)) for i, f in enumerate(frames)})
    assert_same(xdpdump_lines(path, PrintOptions()), tcpdump_lines(path))


@pytest.mark.parametrize(("flags", "opts"), [(("-x",), PrintOptions(hex=True)), (("-X",), PrintOptions(hex_ascii=True)),
                                             (("-q",), PrintOptions(quiet=True))])
def test_mpls_snapped_with_dump_flags(tmp_path, flags, opts):
    """MPLS over a payload tcpdump does not guess, snapped: with -x, -X or -q tcpdump suppresses its
    dump of that payload, and with it the [|mpls] at the dump's end."""
    frames = network_corpus("mpls", seed=3)
    rng = random.Random("mpls")
    path = _write(tmp_path, frames, {i: rng.randint(1, len(f)) for i, f in enumerate(frames)})
    mine, ref = _per_frame(xdpdump_lines(path, opts)), _per_frame(tcpdump_lines(path, *flags))
    assert len(mine) == len(ref)
    pairs = [(a, b) for a, b in zip(mine, ref, strict=True) if re.search(r"\[?\|?mpls\]?$|, ttl \d+\)$", b[0])
             or re.search(r", ttl \d+\)$", a[0].removesuffix(" [|mpls]"))]
    assert len(pairs) > 10
    assert_same([line for a, _ in pairs for line in a], [line for _, b in pairs for line in b])


def test_corpora_reach_what_they_claim(tmp_path):
    """Each corpus prints the forms it is there for (a generator that lost them would pass vacuously)."""
    text = {name: "\n".join(xdpdump_lines(_write(tmp_path, network_corpus(name)), PrintOptions())) for name in NAMES}
    for name, needles in {
        "ip6ext": ["HBH ", "DSTOPT ", "RT6 (len=", "unreachable port, fd00::2 udp port",
                   "unreachable port, fd00::2 tcp port", "type=4", "frag (0|", "[|hbhopt]", "(invalid)",
                   "no next header", "requires IPv4"],
        "igmp": ["igmp query v1", "igmp query v2", "igmp query v3", "igmp v3 report, ", "igmp leave", "mtrace ",
                 "igmp v1 report", "igmp v2 report", "[invalid len"],
        "gre": ["GREv0, length", "key=0x", ", seq ", "GREv1", "gre-proto-0x", "(rtaf=ip", ": IP 198.", "MPLS (label"],
        "tunnel": [": IP6 fd00:", ": IP 198."],
        "ipsec": ["ESP(spi=0x", "AH(spi=0x", "reserved=0x7"],
        "mpls": ["MPLS (label", "[S]", ": IP", " IP6 "],
        "link": ["STP 802.1d, Config, Flags", "STP 802.1w, Rapid STP", "STP 802.1s, Rapid STP, CIST Flags",
                 "Topology Change", "CDPv", ", Device-ID '", "LLDP, length", ": switch-",
                 "unknown STP version", "(invalid)"],
        "sctp": [": sctp (1) [DATA] (B)", "[INIT] [init tag: ", "[INIT ACK]", "[SACK] [cum ack ", "[gap ack block #1",
                 "[dup TSN #1", ", (2) [", "[HB REQ]", "Unknown chunk type: 0x55", "bogus chunk length", "[PPID M3UA]",
                 "[Bad chunk length"],
        "ipopt": ["IP 198.", "ip-proto-99"],
        "tcp": ["mss ", "wscale ", "sackOK", "sack ", "TS val ", "md5 ", "scps ", "uto 0x", "tcp-ao", "mptcp ",
                "tfo ", "exp-", "unknown-", "[bad opt]", "[len ", ": HTTP: ", ": SSH: ", ": FTP: ", ": BGP",
                ": RTSP", ": WHOIS", ": SMTP", ": RESP ", " [telnet "],
    }.items():
        for needle in needles:
            assert needle in text[name], (name, needle)


def test_resp_and_telnet_with_every_single_byte_changed(tmp_path):
    """RESP and telnet payloads with each byte in turn set to a value their parsers treat specially."""
    payloads = [(6379, p) for p in [*RESP_PAYLOADS, b"$2147483647\r\n", b"$2147483648\r\n", b"*-01\r\n"]]
    payloads += [(23, p) for p in TELNET_PAYLOADS]
    frames = []
    for port, base in payloads:
        for i in range(len(base)):
            for value in (0x30, 0x41, 0x0D, 0x0A, 0x2D, 0xFF, 0x24, 0x2A, 0xF0, 0xFA, 0x25):
                payload = base[:i] + bytes([value]) + base[i + 1 :]
                frames.append(bytes(Ether(src=MAC_A, dst=MAC_B, type=0x0800) / IP(src="198.18.0.1", dst="198.18.0.2")
                                    / TCP(sport=40000, dport=port, flags="PA") / payload))
    path = _write(tmp_path, frames)
    assert_same(xdpdump_lines(path, PrintOptions()), tcpdump_lines(path))


def _per_frame(lines: list[str]) -> list[list[str]]:
    """Lines grouped by frame: each stamped line with the lines (tab-led) that follow it."""
    frames: list[list[str]] = []
    for line in lines:
        if line.startswith("\t"):
            frames[-1].append(line)
        else:
            frames.append([line])
    return frames


def _osi_under_mpls() -> list[bytes]:
    """CLNP, ES-IS and IS-IS packets under one MPLS label whose first byte tcpdump guesses them by:
    each header check failing in turn (the IS-IS version 23 is the mutation test's seed-164387
    example), and headers that pass, but for IS-IS PDUs tcpdump knows (their bodies are not decoded)."""
    head = bytes(Ether(src=MAC_A, dst=MAC_B, type=0x8847)) + struct.pack("!I", (100 << 12) | 0x100 | 64)
    frames = [head + bytes([0x83, 27, version, id_len, kind, pdu_version, 0, areas]) + bytes(range(20))
              for version, id_len, kind, pdu_version, areas in [(23, 0, 15, 1, 0), (1, 7, 15, 1, 0), (1, 255, 9, 1, 3),
                                                                 (1, 6, 15, 2, 0), (1, 6, 9, 1, 255), (1, 6, 40, 1, 0),
                                                                 (1, 6, 15, 1, 0)]]
    frames += [head + bytes([0x83, fixed, 1, 6, 9, 1, 0, 0]) + bytes(20) for fixed in (60, 5)]
    dest, src = bytes.fromhex("49000100010203040506"), bytes.fromhex("490001000a0b0c0d0e0f00")
    addrs = bytes([len(dest)]) + dest + bytes([len(src)]) + src
    frames += [head + bytes([0x81, li, version, 30, kind, 0, 40, 0, 0]) + addrs + bytes(12)
               for li, version, kind in [(33, 1, 28), (33, 1, 0x9C), (33, 1, 7), (33, 2, 28), (200, 1, 28), (5, 1, 28),
                                         (9, 1, 28), (14, 1, 28)]]
    frames += [head + bytes([0x81, 12, 1, 30, 28, 0, 40, 0, 0, 0, 1, 1])]  # an empty destination address
    frames += [head + bytes([0x82, li, version, 0, kind, 0, 30, 0, 0]) + bytes(10)
               for li, version, kind in [(11, 1, 2), (11, 1, 4), (11, 1, 6), (11, 1, 9), (11, 7, 2), (10, 1, 2),
                                         (90, 1, 2)]]
    return [*frames, head + b"\x82\x01", head + b"\x82"]


@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-e",), PrintOptions(link=True)),
                                             (("-q",), PrintOptions(quiet=True)), (("-x",), PrintOptions(hex=True)),
                                             (("-v",), PrintOptions(verbose=1))])
def test_osi_under_mpls_as_tcpdump(tmp_path, flags, opts):
    """What tcpdump prints after the labels for OSI: each header check's words (and CLNP's and IS-IS's
    hex dump after them), CLNP's addresses and PDU type, ES-IS's PDU type, whole and snapped. With -v
    a PDU whose header passes prints only tcpdump's first line (``CLNP, length N``): compared up to it."""
    frames = _osi_under_mpls()
    rng = random.Random(7)
    path = _write(tmp_path, frames * 2, {len(frames) + i: rng.randint(19, len(f)) for i, f in enumerate(frames)})
    mine, ref = xdpdump_lines(path, opts), tcpdump_lines(path, *flags)
    if flags == ("-v",):  # per frame: ours is tcpdump's lines, or their first when it stops at the length
        mine_frames, ref_frames = _per_frame(mine), _per_frame(ref)
        assert len(mine_frames) == len(ref_frames)
        stopped = [i for i, lines in enumerate(mine_frames)
                   if re.search(r"\t(CLNP|ES-IS|IS-IS), length \d+$", lines[-1])]
        assert len(stopped) > 10
        for i in stopped:
            ref_frames[i] = ref_frames[i][: len(mine_frames[i])]
        assert_same([line for lines in mine_frames for line in lines], [line for lines in ref_frames for line in lines])
        return
    # IS-IS hellos (and LSPs, SNPs) are not decoded: tcpdump's line goes on where ours stops.
    known = [i for i, line in enumerate(ref) if "L1 Lan IIH" in line]
    assert known and all(ref[i].startswith(mine[i]) and mine[i].endswith("L1 Lan IIH") for i in known)
    for i in known:
        mine[i] = ref[i]
    text = "\n".join(ref)
    assert "version 23 packet not supported" in text and " length indicator 10 < min PDU size:" in text
    assert_same(mine, ref)


def _pptp(ppp: bytes) -> bytes:
    """PPP in PPTP (GRE version 1 with key and sequence number) in IPv4."""
    gre = struct.pack("!HHHHI", 0x3001, 0x880B, len(ppp), 0, 7) + ppp
    return bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src="198.18.0.1", dst="198.18.0.2", proto=47) / gre)


@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-e",), PrintOptions(link=True)),
                                             (("-q",), PrintOptions(quiet=True))])
def test_ppp_in_pptp_as_tcpdump(tmp_path, flags, opts):
    """PPP after a PPTP header: IPv4, IPv6 and MPLS by protocol number (two bytes or compressed to one,
    after PPP's address and control bytes, pppd's In/Out ones or none), compressed data, a protocol
    tcpdump names and one it does not (``unknown PPP protocol (0x00ff)``, the mutation test's gre
    example) with their hex dumps, and PPP cut short; whole and snapped."""
    inner4 = bytes(IP(src="198.18.0.1", dst="198.18.0.2") / TCP(sport=40000, dport=80, flags="S"))
    inner6 = bytes(IPv6(src="fd00::1", dst="fd00::2") / TCP(sport=40000, dport=80, flags="S"))
    ppps = [b"\xff\x03\x00\x21" + inner4, b"\xff\x03\x21" + inner4, b"\x00\x21" + inner4, b"\x21" + inner4,
            b"\x00\x03\x08\x00" + inner4, b"\x01\x03\x00\x57" + inner6, b"\xff\x03\x86\xdd" + inner6,
            b"\xff\x03\x02\x81" + struct.pack("!I", (100 << 12) | 0x100 | 64) + inner4, b"\xff\x03\x00\xfd" + bytes(8),
            b"\xff\x03\x00\xff" + bytes(range(12)), b"\xff\x03\x00\x31" + bytes(range(20)), b"\x12\x34\x56\x78",
            b"\xff\x03\x00", b"\xff", b""]
    frames = [_pptp(p) for p in ppps]
    rng = random.Random(5)
    path = _write(tmp_path, frames * 2, {len(frames) + i: rng.randint(46, len(f)) for i, f in enumerate(frames)})
    ref = tcpdump_lines(path, *flags)
    assert "unknown PPP protocol (0x00ff) " in "\n".join(ref) or flags
    assert_same(xdpdump_lines(path, opts), ref)


def test_hex_dump_after_truncation_as_tcpdump(tmp_path):
    """-x after a frame cut inside a header: nothing for one shorter than its Ethernet header, the whole
    frame after the printers tcpdump stops by its longjmp (STP, CDP, IGMP, MPLS, IPv6 routing and
    fragment headers, TCP's applications). Other truncations keep their dump (compared where named)."""
    from xdpdump.printer.tcpdump_format import WHOLE_DUMP_PROTOS

    frames = [f for name in ("link", "igmp", "mpls", "ip6ext", "tcp") for f in network_corpus(name, seed=3)]
    rng = random.Random(3)
    path = _write(tmp_path, frames, {i: rng.randint(1, len(f)) for i, f in enumerate(frames)})
    mine, ref = _per_frame(xdpdump_lines(path, PrintOptions(hex=True))), _per_frame(tcpdump_lines(path, "-x"))
    assert len(mine) == len(ref)
    names = (*WHOLE_DUMP_PROTOS, "ether")
    pairs = [(a, b) for a, b in zip(mine, ref, strict=True) if any(b[0].endswith(f" [|{n}]") for n in names)]
    assert len(pairs) > 100 and sum(len(b) == 1 for _, b in pairs) > 20  # [|ether]: no dump at all
    assert_same([line for a, _ in pairs for line in a], [line for _, b in pairs for line in b])


def _dccp_frames(rng: random.Random) -> list[bytes]:
    """DCCP in IPv4 and IPv6: every type (and unknown ones), short and extended sequence numbers, data
    offsets past the packet, packets shorter than their type needs; the raw example the mutation test
    found (IPv6 next header 33, cut before DCCP's header: ``IP6  [|dccp]``) among the snapped ones."""
    frames = []
    for _ in range(120):
        kind, extended = rng.randint(0, 15), rng.choice([0, 1, 1])
        head = struct.pack("!HHBBHB", rng.randint(1, 65535), rng.randint(1, 65535),
                           rng.choice([3, 4, 5, 6, 8, rng.randint(0, 255)]), rng.randint(0, 255), 0,
                           (rng.choice([0, 5]) << 5) | (kind << 1) | extended)
        rest = bytes(rng.randint(0, 255) for _ in range((7 if extended else 3) + rng.choice([0, 2, 4, 8, 12, 16, 24])))
        ip = rng.choice([IP(src="198.18.0.1", dst="198.18.0.2", proto=33), IPv6(src="fd00::1", dst="fd00::2", nh=33)])
        frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / ip / (head + rest)))
    return frames


@pytest.mark.parametrize(("flags", "opts"), [((), PrintOptions()), (("-q",), PrintOptions(quiet=True))])
def test_dccp_as_tcpdump(tmp_path, flags, opts):
    frames = _dccp_frames(random.Random(1))
    rng = random.Random(2)
    cut = {len(frames) + i: rng.randint(35, len(f)) for i, f in enumerate(frames[:40])}
    path = _write(tmp_path, frames + frames[:40], cut)
    ref = tcpdump_lines(path, *flags)
    text = "\n".join(ref)
    assert "IP6  [|dccp]" in text
    if not flags:
        assert "(service=" in text and "(ack=" in text and "truncated-DCCP-" in text
    assert_same(xdpdump_lines(path, opts), ref)


# --- mutated frames: never raise, never a line tcpdump would not print -----------------------------

# Where a line may stop short of tcpdump's: after a header whose payload is not decoded here, after
# an SCTP chunk header, after a TCP line's length.
STOPS_EARLY = re.compile(r"(?:: |: sctp|\] |, length \d+)$")

@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NAMES), seed=st.integers(0, 2**32 - 1),
       edits=st.lists(st.tuples(st.integers(14, 120), st.integers(0, 255)), min_size=1, max_size=4))
def test_mutated_frames(tmp_path, name, seed, edits):
    frames = network_corpus(name, seed=seed % 1000, groups=10)
    mutated = mutate(frames, edits, seed)
    path = _write(tmp_path, mutated)
    mine = xdpdump_lines(path, PrintOptions())
    assert not any("printer error" in line for line in mine)
    # Inside a protocol decoded here, one that is not (PPP in PPTP, OSI in MPLS, ForCES in SCTP, an
    # application on a TCP port tcpdump names) ends the line where tcpdump's goes on: a prefix.
    bad = [(a, b) for a, b in generic_or_same(mine, tcpdump_lines(path))
           if not (b.startswith(a) and STOPS_EARLY.search(a) and b[len(a):][:2] in (": ", " [", "", "\t"))]
    assert not bad, "\n".join(f"xdpdump: {a}\ntcpdump: {b}" for a, b in bad[:5])


# --- bounded work ---------------------------------------------------------------------------------

def _calls_while_printing(frame: bytes) -> tuple[str, int]:
    """The line for ``frame`` and how many Python functions ran to print it."""
    printer = Printer(PrintOptions())
    calls = 0

    def count(_frame, event, _arg):
        nonlocal calls
        if event == "call":
            calls += 1

    sys.setprofile(count)
    try:
        line = printer.format(T0, frame, len(frame))
    finally:
        sys.setprofile(None)
    return line, calls


@pytest.mark.parametrize(("maker", "depth"), [(nested_ipip, 25), (chained_dstopts, 150)])
def test_deep_encapsulation_prints_tcpdump_line_in_bounded_steps(tmp_path, maker, depth):
    """IP in IP 25 deep and 150 chained destination options (within the printer's work limit; deeper
    ones: test_printer_limits.py): tcpdump's line, no recursion, and the functions called grow with the
    headers, not faster (a few calls per header)."""
    frame = maker(depth)
    path = _write(tmp_path, [frame])
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(60)  # a printer recursing per header would need more than this
    try:
        mine = xdpdump_lines(path, PrintOptions())
    finally:
        sys.setrecursionlimit(limit)
    assert_same(mine, tcpdump_lines(path))
    line, calls = _calls_while_printing(frame)
    assert line.count("IP " if maker is nested_ipip else "DSTOPT ") == depth
    _, small = _calls_while_printing(maker(2))
    assert calls <= small + 12 * depth, (calls, small)
