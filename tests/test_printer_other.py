"""Printer behaviour outside the tcpdump-parity set: scapy summaries, --json, -v, odd frames."""

from __future__ import annotations

import json
import time

import pytest
from scapy.all import DNS, DNSQR, ICMP, IP, NTP, UDP, Dot1Q, Ether, ICMPv6ND_NS, IPv6, Raw
from scapy.layers.igmp import IGMP

from xdpdump.printer import Printer, PrintOptions, format_packet

TS = 1_700_000_000_123_456_789
E = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(("frame", "expect"), [
    (E / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40000, dport=53) / DNS(qd=DNSQR(qname="a.b")),
     "IP 198.18.0.1.40000 > 198.18.0.2.53: DNS Qry b'a.b.', length"),
    (E / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=123, dport=123) / NTP(),
     "IP 198.18.0.1.123 > 198.18.0.2.123: NTP"),
    (E / IP(src="198.18.0.1", dst="224.0.0.1", proto=2) / IGMP(), "IP 198.18.0.1 > 224.0.0.1: IGMP"),
    (E / IP(src="198.18.0.1", dst="198.18.0.2") / ICMP(type=3, code=3) / IP() / UDP(),
     "IP 198.18.0.1 > 198.18.0.2: ICMP dest-unreach port-unreachable, length 36"),
    (E / IPv6(src="fd00::1", dst="fd00::2") / ICMPv6ND_NS(tgt="fd00::2"),
     "IP6 fd00::1 > fd00::2: ICMP6, ICMPv6 Neighbor Discovery - Neighbor Solicitation"),
    (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x88B5) / Raw(b"x" * 46),
     "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 60: 46 bytes"),
    (E / Dot1Q(vlan=3) / IP(src="198.18.0.1", dst="198.18.0.2", frag=10) / Raw(b"abc"),
     "IP 198.18.0.1 > 198.18.0.2: ip-proto-0"),
])
def test_other_protocols_get_a_scapy_summary(frame, expect):
    line = format_packet(TS, bytes(frame), len(frame), PrintOptions())
    assert line.startswith("22:13:20.123456 ")
    assert expect in line, line
    assert "\n" not in line


def test_link_header_prefix_on_other_protocols():
    frame = E / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40000, dport=53) / DNS(qd=DNSQR(qname="a"))
    line = format_packet(TS, bytes(frame), len(frame), PrintOptions(link=True))
    assert line.startswith("22:13:20.123456 02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), "
                           f"length {len(frame)}: 198.18.0.1.40000 > 198.18.0.2.53: DNS Qry")


def test_json_object_per_packet():
    frame = E / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40000, dport=40001) / Raw(b"hello")
    data = bytes(frame)
    obj = json.loads(format_packet(TS, data[:40], len(data), PrintOptions(json=True), ifname="xd0"))
    assert obj["ts_ns"] == TS
    assert obj["time"] == "2023-11-14T22:13:20.123456+00:00"
    assert obj["interface"] == "xd0"
    assert (obj["wire_len"], obj["captured_len"]) == (len(data), 40)
    names = [layer["name"] for layer in obj["layers"]]
    assert names[:2] == ["Ether", "IP"]
    assert obj["layers"][1]["fields"]["src"] == "198.18.0.1"
    assert obj["summary"].startswith("IP 198.18.0.1.40000 > 198.18.0.2.40001:")


def test_verbose_and_quiet_do_not_crash_on_anything():
    frames = [E / IP() / UDP() / Raw(b"x"), E / IPv6() / ICMPv6ND_NS(), E / IP(proto=47) / Raw(b"\0" * 8),
              E / IP(ihl=15) / Raw(b"abcd"), Ether(type=0x0800) / Raw(b"\x45")]
    for opts in (PrintOptions(verbose=2), PrintOptions(quiet=True), PrintOptions(hex_ascii=True)):
        printer = Printer(opts)
        for f in frames:
            data = bytes(f)
            for cut in range(len(data) + 1):
                text = printer.format(TS, data[:cut], len(data))
                assert "printer error" not in text, text


def test_ifname_is_shown_when_given():
    frame = bytes(E / IP(src="198.18.0.1", dst="198.18.0.2") / ICMP(id=1, seq=2))
    assert format_packet(TS, frame, len(frame), PrintOptions(), ifname="xd0").startswith(
        "22:13:20.123456 xd0 In  IP 198.18.0.1 > 198.18.0.2: ICMP echo request, id 1, seq 2, length 8")


def test_garbage_never_raises():
    import random

    rng = random.Random(5)
    printer = Printer(PrintOptions(link=True))
    for _ in range(2000):
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 80)))
        # Bias towards IPv4/IPv6 ethertypes so the deeper printers see garbage too.
        if len(data) > 14 and rng.random() < 0.7:
            data = data[:12] + rng.choice([b"\x08\x00\x45", b"\x86\xdd\x60", b"\x81\x00\x00"]) + data[15:]
        text = printer.format(TS, data, len(data) + rng.randint(0, 10))
        assert "printer error" not in text, (data.hex(), text)
