"""DHCPv6 messages for the differential tests of the ``-v`` form, built by hand so that every option
the printer decodes appears with good and bad lengths: DUIDs of each type, IA_NA/IA_TA/IA_PD with
addresses, prefixes and status codes inside, option requests, relay-forward and relay-reply with an
interface id and the relayed message (relays in relays), and now and then an option it does not
decode or bytes left over after the options."""

from __future__ import annotations

import random
import struct

from printer_udp_apps import MAC_A, MAC_B, _v6
from scapy.all import UDP, Ether, IPv6


def _opt(code: int, body: bytes) -> bytes:
    return struct.pack("!HH", code, len(body)) + body


def _rand(rng: random.Random, n: int) -> bytes:
    return bytes(rng.randint(0, 255) for _ in range(n))


def _addr(rng: random.Random) -> bytes:
    return bytes.fromhex("fd00") + _rand(rng, 2) + bytes(10) + _rand(rng, 2)


def _duid(rng: random.Random) -> bytes:
    kind = rng.choice([1, 1, 2, 3, 3, 4, 9])
    head = struct.pack("!H", kind)
    if kind == 1:
        body = struct.pack("!HI", rng.choice([1, 6]), rng.randint(0, 2**32 - 1)) + _rand(rng, rng.choice([6, 6, 0, 1]))
    elif kind == 2:
        body = struct.pack("!I", rng.randint(0, 99999)) + _rand(rng, rng.randint(0, 12))
    elif kind == 3:
        body = struct.pack("!H", 1) + _rand(rng, rng.choice([6, 6, 0]))
    else:
        body = _rand(rng, 16)
    duid = head + body
    return duid[: rng.randint(0, len(duid))] if rng.random() < 0.08 else duid


def _name(rng: random.Random) -> bytes:
    labels = rng.choice([[b"example", b"com"], [b"a"], [b"lab-1", b"corp", b"example", b"org"]])
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\x00"


def _status(rng: random.Random) -> bytes:
    return _opt(13, struct.pack("!H", rng.randint(0, 9)) + rng.choice([b"", b"ok", b"no addresses"]))


def _ia_sub(rng: random.Random, prefix: bool) -> bytes:
    subs = b""
    for _ in range(rng.choice([0, 1, 1, 2])):
        if rng.random() < 0.2:
            subs += _status(rng)
        elif prefix:
            subs += _opt(26, struct.pack("!IIB", rng.randint(0, 9999), rng.randint(0, 2**32 - 1),
                                         rng.choice([48, 56, 64, 0, 128])) + _addr(rng))
        else:
            subs += _opt(5, _addr(rng) + struct.pack("!II", rng.randint(0, 9999), rng.randint(0, 2**32 - 1)))
    return subs


def _option(rng: random.Random) -> bytes:
    code = rng.choice([1, 2, 3, 4, 6, 7, 8, 13, 14, 23, 24, 25, 3, 25, 8, 1])
    if code in (1, 2):
        return _opt(code, _duid(rng))
    if code in (3, 25):
        body = struct.pack("!III", rng.randint(0, 2**32 - 1), rng.randint(0, 9999), rng.randint(0, 9999))
        return _opt(code, (body if rng.random() < 0.95 else body[:11]) + _ia_sub(rng, code == 25))
    if code == 4:
        return _opt(4, struct.pack("!I", rng.randint(0, 99)) + _ia_sub(rng, False))
    if code == 6:
        codes = rng.sample([1, 2, 7, 21, 22, 23, 24, 31, 32, 39, 56, 64, 82, 112, 200, 999], rng.randint(0, 6))
        body = b"".join(struct.pack("!H", c) for c in codes)
        return _opt(6, body + (b"\x00" if rng.random() < 0.05 else b""))
    if code == 7:
        return _opt(7, _rand(rng, rng.choice([1, 1, 1, 0, 2])))
    if code == 8:
        return _opt(8, _rand(rng, rng.choice([2, 2, 2, 1])))
    if code == 13:
        return _status(rng)
    if code == 14:
        return _opt(14, b"")
    if code == 23:
        return _opt(23, b"".join(_addr(rng) for _ in range(rng.randint(0, 3))) + (b"x" if rng.random() < 0.05 else b""))
    return _opt(24, b"".join(_name(rng) for _ in range(rng.randint(0, 3))))


def _client_message(rng: random.Random) -> bytes:
    msg = bytes([rng.randint(1, 11)]) + _rand(rng, 3)
    for _ in range(rng.choice([0, 1, 2, 3, 5])):
        msg += _option(rng)
    if rng.random() < 0.05:
        msg += _opt(rng.choice([15, 16, 17, 39, 999]), _rand(rng, 4))  # not decoded: the generic line
    if rng.random() < 0.05:
        msg += _rand(rng, rng.randint(1, 3))  # tcpdump's [|dhcp6] inside the message
    return msg


def _relay(rng: random.Random, depth: int) -> bytes:
    msg = bytes([rng.choice([12, 13]), depth]) + _addr(rng) + bytes([0xFE, 0x80]) + bytes(12) + _rand(rng, 2)
    if rng.random() < 0.5:
        msg += _opt(18, _rand(rng, rng.randint(0, 8)))
    inner = _relay(rng, depth + 1) if depth < 2 and rng.random() < 0.3 else _client_message(rng)
    return msg + _opt(9, inner if rng.random() < 0.95 else inner[: rng.randint(0, 3)])


def dhcp6_frames(rng: random.Random) -> list[bytes]:
    relay = rng.random() < 0.3
    msg = _relay(rng, 0) if relay else _client_message(rng)
    sport, dport = (547, 547) if relay else rng.choice([(546, 547), (547, 546)])
    ip = IPv6(src=_v6(rng), dst=rng.choice(["ff02::1:2", _v6(rng)]))
    return [bytes(Ether(src=MAC_A, dst=MAC_B) / ip / UDP(sport=sport, dport=dport) / msg)]


def corpus(seed: int = 1, groups: int = 200) -> list[bytes]:
    rng = random.Random(f"dhcp6-{seed}")
    return [frame for _ in range(groups) for frame in dhcp6_frames(rng)]
