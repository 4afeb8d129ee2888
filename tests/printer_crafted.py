"""Crafted frames that make a decoder loop or nest over counts the sender chooses: the printer's
worst cases per frame, for tests/test_printer_limits.py and for measuring the printer's cost.

Each maker returns one Ethernet frame of at most 1514 bytes (a full-size frame: the most a remote
sender gets per packet). ``CRAFTED`` maps a name to its maker. Addresses are in the test ranges
(198.18.0.0/15, fd00::/8).

Run as a script to measure the printer's cost per frame at -v levels 0..2 (process time over N
repetitions, Python printers only)::

    .venv/bin/python tests/printer_crafted.py [N]
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from typing import Any

from xdpdump.printer.ip import ip_checksum as cksum

MAC_A, MAC_B = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
SRC4, DST4 = bytes([198, 18, 0, 1]), bytes([198, 19, 0, 1])
SRC6 = bytes.fromhex("fd000000000000000000000000000001")
DST6 = bytes.fromhex("fd000000000000000000000000000002")
FRAME_MAX = 1514


def ether(etype: int, payload: bytes, dst: bytes = MAC_B) -> bytes:
    return dst + MAC_A + struct.pack("!H", etype) + payload


def ip4(proto: int, payload: bytes, options: bytes = b"", src: bytes = SRC4, dst: bytes = DST4) -> bytes:
    hlen = 20 + len(options)
    head = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen // 4, 0, hlen + len(payload), 1, 0, 64, proto, 0, src, dst)
    head += options
    return head[:10] + struct.pack("!H", cksum(head)) + head[12:] + payload


def ip6(nh: int, payload: bytes) -> bytes:
    return struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + SRC6 + DST6 + payload


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport: int, dport: int, options: bytes = b"", payload: bytes = b"", flags: int = 0x18) -> bytes:
    hlen = 20 + len(options)
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, (hlen // 4) << 4, flags, 8192, 0, 0) + options + payload


# --- IPv6 extension headers -------------------------------------------------------------------------

def ip6_chain(kind: int, count: int, body: bytes = bytes([1, 4, 0, 0, 0, 0])) -> bytes:
    """``count`` extension headers of one ``kind`` (60 destination options, 0 hop-by-hop, 43
    routing, 44 fragment) before a UDP datagram; each header is eight bytes."""
    payload, nh = udp(40000, 30000, b"x"), 17
    for _ in range(count):
        payload = bytes([nh, 0]) + body + payload
        nh = kind
    return ether(0x86DD, ip6(nh, payload))


def dstopts_chain(count: int = 150) -> bytes:
    return ip6_chain(60, count)


def hbh_chain(count: int = 150) -> bytes:
    return ip6_chain(0, count)


def routing_chain(count: int = 150) -> bytes:
    return ip6_chain(43, count, bytes([0, 0, 0, 0, 0, 0]))  # type 0, no addresses, segleft 0


def frag_chain(count: int = 150) -> bytes:
    return ip6_chain(44, count, bytes(6))  # offset 0: each a first fragment


def dstopt_pad1(count: int = 1400) -> bytes:
    """One destination-options header holding ``count`` Pad1 options (-v names each)."""
    words = (count + 2 + 7) // 8
    body = bytes((words * 8) - 2)
    payload = bytes([17, words - 1]) + body + udp(40000, 30000, b"x")
    return ether(0x86DD, ip6(60, payload))


def routing_addresses(count: int = 88) -> bytes:
    """One type-0 routing header with ``count`` addresses."""
    head = struct.pack("!BBBBI", 17, 2 * count, 0, count, 0)
    payload = head + b"".join(SRC6 for _ in range(count)) + udp(40000, 30000, b"x")
    return ether(0x86DD, ip6(43, payload))


# --- Encapsulation ----------------------------------------------------------------------------------

def ipip(depth: int = 70) -> bytes:
    packet = udp(40000, 30000, b"x")
    proto = 17
    for _ in range(depth):
        packet, proto = ip4(proto, packet), 4
    return ether(0x0800, packet)


def ip6ip6(depth: int = 36) -> bytes:
    packet, nh = udp(40000, 30000, b"x"), 17
    for _ in range(depth):
        packet, nh = ip6(nh, packet), 41
    return ether(0x86DD, packet)


def gre_gre(depth: int = 60) -> bytes:
    """IPv4/GRE/IPv4/GRE/... around a UDP datagram."""
    packet, proto = udp(40000, 30000, b"x"), 17
    for _ in range(depth):
        packet = ip4(proto, packet)
        packet, proto = struct.pack("!HH", 0, 0x0800) + packet, 47
    return ether(0x0800, ip4(47, packet))


def gre_bridged(depth: int = 38) -> bytes:
    """Ethernet/IPv4/GRE (transparent bridging)/Ethernet/... around a UDP datagram."""
    frame = ether(0x0800, ip4(17, udp(40000, 30000, b"x")))
    for _ in range(depth):
        frame = ether(0x0800, ip4(47, struct.pack("!HH", 0, 0x6558) + frame))
    return frame


def mpls_stack(count: int = 370) -> bytes:
    labels = b"".join(struct.pack("!I", ((100 + i) << 12) | (0x100 if i == count - 1 else 0) | 64)
                      for i in range(count))
    return ether(0x8847, labels + ip4(17, udp(40000, 30000, b"x")))


def vlan_stack(count: int = 370) -> bytes:
    tags = b"".join(struct.pack("!HH", i + 1, 0x8100 if i < count - 1 else 0x0800) for i in range(count))
    return MAC_B + MAC_A + b"\x81\x00" + tags + ip4(17, udp(40000, 30000, b"x"))


def vxlan_nested(depth: int = 28) -> bytes:
    frame = ether(0x0800, ip4(17, udp(40000, 30000, b"x")))
    for _ in range(depth):
        frame = ether(0x0800, ip4(17, udp(40001, 4789, struct.pack("!II", 0x08000000, 42 << 8) + frame)))
    return frame


def geneve_nested(depth: int = 28) -> bytes:
    frame = ether(0x0800, ip4(17, udp(40000, 30000, b"x")))
    for _ in range(depth):
        frame = ether(0x0800, ip4(17, udp(40001, 6081, struct.pack("!BBHI", 0, 0, 0x6558, 42 << 8) + frame)))
    return frame


def geneve_options(count: int = 63) -> bytes:
    """A Geneve header with ``count`` (at most 63 words) empty options around an IPv4 datagram."""
    options = b"".join(struct.pack("!HBB", 0x0101, i, 0) for i in range(count))
    head = struct.pack("!BBHI", count, 0, 0x0800, 42 << 8) + options
    return ether(0x0800, ip4(17, udp(40001, 6081, head + ip4(17, udp(40000, 30000, b"x")))))


def ah_chain(count: int = 115) -> bytes:
    payload, nh = udp(40000, 30000, b"x"), 17
    for i in range(count):
        payload, nh = struct.pack("!BBHII", nh, 1, 0, 0x100 + i, i) + payload, 51
    return ether(0x0800, ip4(nh, payload))


def icmp_errors(depth: int = 50) -> bytes:
    """ICMP unreachable quoting an IPv4 datagram carrying an ICMP unreachable quoting ... (-v prints
    the quoted datagrams)."""
    packet = ip4(17, udp(40000, 30000, b"x"))
    for _ in range(depth):
        icmp = struct.pack("!BBHI", 3, 1, 0, 0) + packet
        packet = ip4(1, icmp[:2] + struct.pack("!H", cksum(icmp)) + icmp[4:])
    return ether(0x0800, packet)


def ip4_options_nop() -> bytes:
    return ether(0x0800, ip4(17, udp(40000, 30000, b"x"), options=b"\x01" * 40))


def tcp_options_nop() -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 30000, options=b"\x01" * 40)))


def tcp_options_sack() -> bytes:
    """Eight-byte SACK blocks: as many as 40 bytes hold (tcpdump prints each)."""
    option = bytes([1, 1, 5, 34]) + b"".join(struct.pack("!II", 1000 + i, 2000 + i) for i in range(4))
    return ether(0x0800, ip4(6, tcp(40000, 30000, options=option + b"\x00\x00")))


# --- Applications -----------------------------------------------------------------------------------

def _dns_frame(message: bytes) -> bytes:
    return ether(0x0800, ip4(17, udp(40000, 53, message)))


def dns_pointer_chain(count: int = 700) -> bytes:
    """A query whose name is a chain of ``count`` compression pointers, each to the one before."""
    head = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    body = b"\x01a\x00"  # offset 12: the name the first pointer points at
    for i in range(count):
        body += struct.pack("!H", 0xC000 | (12 + (0 if i == 0 else 3 + 2 * (i - 1))))
    return _dns_frame(head + body + struct.pack("!HH", 1, 1))


def dns_pointer_loop() -> bytes:
    """A name pointing at itself (tcpdump: <BAD PTR>)."""
    head = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    return _dns_frame(head + b"\xc0\x0c" + struct.pack("!HH", 1, 1))


def dns_many_labels(count: int = 700) -> bytes:
    head = struct.pack("!HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    return _dns_frame(head + b"\x01a" * count + b"\x00" + struct.pack("!HH", 1, 1))


def dns_many_records(count: int = 90) -> bytes:
    """A response with ``count`` A records, every owner name a pointer to the question's."""
    head = struct.pack("!HHHHHH", 1, 0x8180, 1, count, 0, 0)
    question = b"\x01a\x00" + struct.pack("!HH", 1, 1)
    answers = b"".join(b"\xc0\x0c" + struct.pack("!HHIH4s", 1, 1, 60, 4, SRC4) for _ in range(count))
    return _dns_frame(head + question + answers)


def dns_many_questions(count: int = 280) -> bytes:
    """A query with ``count`` questions, each a pointer to the first name."""
    head = struct.pack("!HHHHHH", 1, 0x0100, count, 0, 0, 0)
    first = b"\x01a\x00" + struct.pack("!HH", 1, 1)
    rest = b"".join(b"\xc0\x0c" + struct.pack("!HH", 1, 1) for _ in range(count - 1))
    return _dns_frame(head + first + rest)


def _ber_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    return bytes([0x82]) + struct.pack("!H", n)


def _ber_seq_nest(depth: int) -> bytes:
    inner = b"\x05\x00"
    for _ in range(depth):
        inner = b"\x30" + _ber_len(len(inner)) + inner
    return inner


def snmp_nested(depth: int = 700) -> bytes:
    """An SNMP message that is a BER SEQUENCE nested ``depth`` deep."""
    return ether(0x0800, ip4(17, udp(40000, 161, _ber_seq_nest(depth))))


def _ber(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _ber_len(len(body)) + body


def snmp_varbinds(count: int = 130) -> bytes:
    """A GetRequest with ``count`` varbinds (OID 1.3.6.1.2.1.1.1.0, NULL value)."""
    oid = _ber(0x06, bytes([0x2B, 6, 1, 2, 1, 1, 1, 0]))
    binds = _ber(0x30, b"".join(_ber(0x30, oid + b"\x05\x00") for _ in range(count)))
    pdu = _ber(0xA0, _ber(0x02, b"\x01") + _ber(0x02, b"\x00") + _ber(0x02, b"\x00") + binds)
    message = _ber(0x30, _ber(0x02, b"\x01") + _ber(0x04, b"public") + pdu)
    return ether(0x0800, ip4(17, udp(40000, 161, message)))


def snmp_long_oid(count: int = 1400) -> bytes:
    """One varbind whose OID has ``count`` sub-identifiers."""
    oid = _ber(0x06, bytes([0x2B]) + bytes([1]) * (count - 1))
    binds = _ber(0x30, _ber(0x30, oid + b"\x05\x00"))
    pdu = _ber(0xA0, _ber(0x02, b"\x01") + _ber(0x02, b"\x00") + _ber(0x02, b"\x00") + binds)
    message = _ber(0x30, _ber(0x02, b"\x01") + _ber(0x04, b"public") + pdu)
    return ether(0x0800, ip4(17, udp(40000, 161, message)))


def dhcp_pad_options(count: int = 1150) -> bytes:
    """A BOOTP request whose options are ``count`` Pad bytes, then End."""
    bootp = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 1, 0, 0, bytes(4), bytes(4), bytes(4), bytes(4))
    bootp += MAC_A + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63" + b"\x00" * count + b"\xff"
    return ether(0x0800, ip4(17, udp(68, 67, bootp)))


def dhcp_many_options(count: int = 600) -> bytes:
    """A BOOTP request with ``count`` empty Host-Name options."""
    bootp = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 1, 0, 0, bytes(4), bytes(4), bytes(4), bytes(4))
    bootp += MAC_A + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63" + b"\x0c\x00" * count + b"\xff"
    return ether(0x0800, ip4(17, udp(68, 67, bootp)))


def dhcp6_relay_nested(depth: int = 40) -> bytes:
    """RELAY-FORW messages nested ``depth`` deep through relay-message options."""
    msg = bytes([1, 0, 0, 1])  # SOLICIT
    for _ in range(depth):
        msg = bytes([12, 0]) + SRC6 + DST6 + struct.pack("!HH", 9, len(msg)) + msg
    return ether(0x86DD, ip6(17, udp(547, 547, msg)))


def dhcp6_many_options(count: int = 360) -> bytes:
    msg = bytes([1, 0, 0, 1]) + struct.pack("!HH", 8, 0) * count  # elapsed-time options, empty
    return ether(0x86DD, ip6(17, udp(546, 547, msg)))


def ntp_control() -> bytes:
    return ether(0x0800, ip4(17, udp(123, 123, struct.pack("!BBHHHHH", 0x16, 2, 1, 0, 0, 0, 1400) + bytes(1400))))


def lldp_many_tlvs(count: int = 490) -> bytes:
    body = b"".join(struct.pack("!HB", (8 << 9) | 1, 0) for _ in range(count))  # one-byte TLVs
    return ether(0x88CC, body + b"\x00\x00", dst=bytes.fromhex("0180c200000e"))


def cdp_many_tlvs(count: int = 360) -> bytes:
    tlvs = b"".join(struct.pack("!HH", 0x0A, 4) for _ in range(count))
    llc = b"\xaa\xaa\x03\x00\x00\x0c\x20\x00" + struct.pack("!BBH", 2, 180, 0) + tlvs
    return bytes.fromhex("01000ccccccc") + MAC_A + struct.pack("!H", len(llc)) + llc


def stp_mstp(count: int = 80) -> bytes:
    """An MSTP BPDU with ``count`` MSTI records (16 bytes each)."""
    bpdu = struct.pack("!HBBB", 0, 3, 2, 0) + bytes(8) + bytes(4) + bytes(8) + struct.pack("!HHHHH", 0, 0, 5120, 512,
                                                                                            3840)
    bpdu += b"\x00" + struct.pack("!H", 64 + 16 * count) + bytes(1 + 32 + 16 + 4 + 8 + 4 + 1 + 2) + bytes(16 * count)
    llc = b"\x42\x42\x03" + bpdu
    return bytes.fromhex("0180c2000000") + MAC_A + struct.pack("!H", len(llc)) + llc


def sctp_chunks(count: int = 370) -> bytes:
    chunks = b"".join(struct.pack("!BBH", 0x0E, 0, 4) for _ in range(count))  # SHUTDOWN COMPLETE
    return ether(0x0800, ip4(132, struct.pack("!HHII", 40000, 30000, 1, 0) + chunks))


def sctp_sack_gaps(count: int = 360) -> bytes:
    """One SACK chunk with ``count`` gap blocks."""
    body = struct.pack("!IIHH", 1, 65535, count, 0) + b"".join(struct.pack("!HH", 2, 3) for _ in range(count))
    chunk = struct.pack("!BBH", 3, 0, 4 + len(body)) + body
    return ether(0x0800, ip4(132, struct.pack("!HHII", 40000, 30000, 1, 0) + chunk))


def igmpv3_report(count: int = 170) -> bytes:
    """An IGMPv3 report with ``count`` group records of one source each."""
    records = b"".join(struct.pack("!BBH4s4s", 1, 0, 1, bytes([239, 1, 0, i % 256]), SRC4) for i in range(count))
    msg = struct.pack("!BBHHH", 0x22, 0, 0, 0, count) + records
    return ether(0x0800, ip4(2, msg[:2] + struct.pack("!H", cksum(msg)) + msg[4:]))


def igmpv3_sources(count: int = 360) -> bytes:
    msg = struct.pack("!BBH4sBBH", 0x11, 100, 0, bytes([239, 1, 0, 1]), 2, 125, count) + SRC4 * count
    return ether(0x0800, ip4(2, msg[:2] + struct.pack("!H", cksum(msg)) + msg[4:]))


def icmp6_nd_options(count: int = 180) -> bytes:
    """A neighbor solicitation with ``count`` source link-layer address options."""
    msg = struct.pack("!BBHI", 135, 0, 0, 0) + DST6 + (b"\x01\x01" + MAC_A) * count
    return ether(0x86DD, ip6(58, msg))


def telnet_iac(count: int = 480) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 23, payload=b"\xff\xfb\x01" * count)))


def resp_nested(count: int = 360) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 6379, payload=b"*1\r\n" * count + b"+x\r\n")))


def resp_many(count: int = 280) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 6379, payload=b"*%d\r\n" % count + b"$0\r\n\r\n" * (count // 2))))


def resp_long_string(count: int = 1400) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 6379, payload=b"+" + b"a" * count + b"\r\n")))


def http_long_line(count: int = 1400) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 80, payload=b"GET /" + b"a" * count + b" HTTP/1.1\r\n")))


def telnet_long_sb(count: int = 1400) -> bytes:
    return ether(0x0800, ip4(6, tcp(40000, 23, payload=b"\xff\xfa\x18" + b"\x01" * count + b"\xff\xf0")))


def unknown_ethertype() -> bytes:
    return ether(0x88B5, bytes(range(256)) * 5 + bytes(220))


def syslog_long(count: int = 1400) -> bytes:
    return ether(0x0800, ip4(17, udp(40000, 514, b"<13>" + b"a" * count)))


def calls_while(fn: Callable[[], Any]) -> tuple[Any, int]:
    """``fn()`` and how many functions (Python and builtin) it called: a deterministic work measure."""
    calls = 0

    def count(_frame, event, _arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        result = fn()
    finally:
        sys.setprofile(None)
    return result, calls


def _fit(maker: Callable[[int], bytes], start: int) -> Callable[[], bytes]:
    """``maker`` with the largest count (from ``start`` down) whose frame fits FRAME_MAX."""
    def made() -> bytes:
        n = start
        while len(maker(n)) > FRAME_MAX:
            n -= 1
        return maker(n)
    return made


CRAFTED: dict[str, Callable[[], bytes]] = {
    "ip6 dstopts x150": dstopts_chain,
    "ip6 hop-by-hop x150": hbh_chain,
    "ip6 routing x150": routing_chain,
    "ip6 fragment x150": frag_chain,
    "ip6 dstopt pad1 x1400": _fit(dstopt_pad1, 1440),
    "ip6 rt0 addresses": _fit(routing_addresses, 90),
    "ipip x70": ipip,
    "ip6ip6 deep": _fit(ip6ip6, 40),
    "gre in gre deep": _fit(gre_gre, 70),
    "gre bridged deep": _fit(gre_bridged, 40),
    "mpls labels": _fit(mpls_stack, 380),
    "vlan tags": _fit(vlan_stack, 380),
    "vxlan in vxlan": _fit(vxlan_nested, 40),
    "geneve in geneve": _fit(geneve_nested, 40),
    "geneve options x63": geneve_options,
    "ah chain": _fit(ah_chain, 130),
    "icmp errors nested": _fit(icmp_errors, 60),
    "ip options nop x40": ip4_options_nop,
    "tcp options nop x40": tcp_options_nop,
    "tcp options sack": tcp_options_sack,
    "dns pointer chain": _fit(dns_pointer_chain, 800),
    "dns pointer loop": dns_pointer_loop,
    "dns labels": _fit(dns_many_labels, 800),
    "dns answers": _fit(dns_many_records, 120),
    "dns questions": _fit(dns_many_questions, 400),
    "snmp nested": _fit(snmp_nested, 800),
    "snmp varbinds": _fit(snmp_varbinds, 200),
    "snmp long oid": _fit(snmp_long_oid, 1500),
    "dhcp pad options": _fit(dhcp_pad_options, 1300),
    "dhcp options": _fit(dhcp_many_options, 700),
    "dhcp6 relay nested": _fit(dhcp6_relay_nested, 60),
    "dhcp6 options": _fit(dhcp6_many_options, 400),
    "ntp control": ntp_control,
    "lldp tlvs": _fit(lldp_many_tlvs, 600),
    "cdp tlvs": _fit(cdp_many_tlvs, 400),
    "stp mstp": _fit(stp_mstp, 100),
    "sctp chunks": _fit(sctp_chunks, 400),
    "sctp sack gaps": _fit(sctp_sack_gaps, 400),
    "igmpv3 report": _fit(igmpv3_report, 200),
    "igmpv3 query sources": _fit(igmpv3_sources, 400),
    "icmp6 nd options": _fit(icmp6_nd_options, 200),
    "telnet iac": _fit(telnet_iac, 500),
    "resp nested": _fit(resp_nested, 400),
    "resp many": _fit(resp_many, 400),
    "resp long string": _fit(resp_long_string, 1500),
    "http long line": _fit(http_long_line, 1500),
    "telnet long sb": _fit(telnet_long_sb, 1500),
    "unknown ethertype dump": unknown_ethertype,
    "syslog long": _fit(syslog_long, 1500),
}


def _measure(reps: int) -> None:
    import time

    from xdpdump.printer import Printer, PrintOptions

    print(f"{'frame':28} {'bytes':>5} " + " ".join(f"{'-' + 'v' * v if v else 'v0':>8}" for v in range(3))
          + "   (ms per frame, Python printers)")
    for name, maker in CRAFTED.items():
        frame = maker()
        cells = []
        for verbose in range(3):
            printer = Printer(PrintOptions(verbose=verbose), native=False)
            start = time.process_time()
            for _ in range(reps):
                printer.format(0, frame, len(frame))
            cells.append(f"{(time.process_time() - start) * 1000 / reps:8.3f}")
        print(f"{name:28} {len(frame):5d} " + " ".join(cells))


if __name__ == "__main__":
    _measure(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
