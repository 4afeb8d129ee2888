"""Printer behaviour outside the tcpdump-parity set: scapy summaries, --json, -v, odd frames."""

from __future__ import annotations

import json
import time

import pytest
from scapy.all import ICMP, IP, UDP, Dot1Q, Ether, ICMPv6ND_NS, IPv6, Raw

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
    (E / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40000, dport=40001) / Raw(b"x" * 13),
     "IP 198.18.0.1.40000 > 198.18.0.2.40001: UDP, length 13"),
    (E / IP(src="198.18.0.1", dst="224.0.0.1", proto=99) / Raw(b"\0" * 8), "IP 198.18.0.1 > 224.0.0.1:  ip-proto-99 8"),
    (Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x88B5) / Raw(b"x" * 4),
     "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x88b5), length 18: "
     "\n\t0x0000:  7878 7878                                xxxx"),
    (E / Dot1Q(vlan=3) / IP(src="198.18.0.1", dst="198.18.0.2", frag=10) / Raw(b"abc"),
     "IP 198.18.0.1 > 198.18.0.2: ip-proto-0"),
])
def test_undecoded_protocols_get_the_generic_line(frame, expect):
    """What the printer does not decode is printed as tcpdump's generic form, never scapy's guess."""
    line = format_packet(TS, bytes(frame), len(frame), PrintOptions())
    assert line == "22:13:20.123456 " + expect


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
