"""SNMP messages for the differential tests, built from BER by hand so that every type, length form and
PDU field can be chosen: v1 and v2c requests, responses with error status/index, v1 and v2 traps,
GetBulk, every value type the printer decodes and some it does not (tcpdump's own complaint forms),
SNMPv3 with and without authentication and privacy, and now and then an unknown version."""

from __future__ import annotations

import random

from printer_udp_apps import HOSTILE_LABEL, udp_frame


def _len(n: int, rng: random.Random) -> bytes:
    if n < 0x80 and rng.random() < 0.9:
        return bytes([n])
    width = max(1, (n.bit_length() + 7) // 8) + (rng.random() < 0.2)
    return bytes([0x80 | width]) + n.to_bytes(width, "big")


def tlv(tag: int, value: bytes, rng: random.Random) -> bytes:
    return bytes([tag]) + _len(len(value), rng) + value


def _int(n: int, rng: random.Random, tag: int = 0x02) -> bytes:
    width = max(1, (n.bit_length() + 8) // 8)
    return tlv(tag, n.to_bytes(width, "big", signed=True), rng)


def _uint(n: int, rng: random.Random, tag: int) -> bytes:
    width = max(1, (n.bit_length() + 8) // 8)
    return tlv(tag, n.to_bytes(width, "big"), rng)


def _oid_body(rng: random.Random) -> bytes:
    arcs = rng.choice([[1, 3, 6, 1, 2, 1, 1, 1, 0], [1, 3, 6, 1, 4, 1, rng.randint(1, 70000)],
                       [1, 3, 6, 1, 2, 1, 2, 2, 1, 10, rng.randint(1, 300)], [rng.randint(0, 2), rng.randint(0, 39)],
                       [2, rng.randint(40, 500), rng.randint(0, 2**32 - 1)]])
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def _value(rng: random.Random) -> bytes:
    kind = rng.randrange(16)
    if kind == 0:
        return _int(rng.choice([0, 1, -1, 2**31 - 1, -(2**31), rng.randint(-(2**40), 2**40)]), rng)
    if kind in (1, 2):
        return tlv(0x04, rng.choice([b"", b"Linux box 6.1", b'a"b\\c', HOSTILE_LABEL[:40],
                                     bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 20)))]), rng)
    if kind == 3:
        return tlv(0x05, b"", rng)
    if kind == 4:
        return tlv(0x06, _oid_body(rng), rng)
    if kind == 5:
        return tlv(0x40, bytes(rng.randint(0, 255) for _ in range(rng.choice([4, 4, 4, 3, 5]))), rng)
    if kind in (6, 7, 8):
        return _uint(rng.choice([0, 1, 2**32 - 1, rng.randint(0, 2**40)]), rng, 0x41 + kind - 6)
    if kind == 9:
        return _uint(rng.choice([0, 2**64 - 1, rng.randint(0, 2**70)]), rng, 0x46)
    if kind == 10:
        return tlv(rng.choice([0x80, 0x81, 0x82]), b"", rng)
    if kind == 11:
        return tlv(rng.choice([0x01, 0x03, 0x44, 0x45, 0x30]), b"\x01\x02", rng)  # tcpdump's [P/..] forms
    return tlv(0x05, b"", rng)


def _varbinds(rng: random.Random, null_values: bool) -> bytes:
    binds = b""
    for _ in range(rng.choice([0, 1, 1, 2, 3, 6])):
        value = tlv(0x05, b"", rng) if null_values and rng.random() < 0.95 else _value(rng)
        binds += tlv(0x30, tlv(0x06, _oid_body(rng), rng) + value, rng)
    return tlv(0x30, binds, rng)


def _pdu(rng: random.Random, version: int) -> bytes:
    kind = rng.choice([0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8] if version else [0, 1, 2, 2, 3, 4, 4])
    if kind == 4:
        generic = rng.choice([0, 1, 2, 3, 4, 5, 6, 6, 7])
        body = (tlv(0x06, _oid_body(rng), rng) + tlv(0x40, bytes(rng.randint(0, 255) for _ in range(4)), rng)
                + _int(generic, rng) + _int(rng.choice([0, 0, 7, 123456]), rng)
                + _uint(rng.randint(0, 2**32 - 1), rng, 0x43))
        return tlv(0xA4, body + _varbinds(rng, False), rng)
    request = kind in (0, 1, 5)
    if kind == 5:
        err, idx = rng.randint(0, 5), rng.randint(0, 20)
    elif request or kind == 3:
        err, idx = (0, 0) if rng.random() < 0.9 else (rng.randint(0, 3), rng.randint(0, 3))
    else:
        err, idx = rng.choice([(0, 0), (0, 0), (2, 1), (5, 0), (0, 3), (18, 2), (25, 1), (-1, 1)])
    body = _int(rng.randint(-(2**31), 2**31 - 1), rng) + _int(err, rng) + _int(idx, rng)
    return tlv(0xA0 + kind, body + _varbinds(rng, request), rng)


def _v3_message(rng: random.Random) -> bytes:
    """RFC 3412's message with RFC 3414's USM parameters; the flags now and then ones tcpdump rejects."""
    flags = rng.choice([0, 1, 3, 4, 5, 7, 7]) if rng.random() < 0.9 else rng.choice([2, 6, 8])
    head = _int(rng.randint(0, 2**31 - 1), rng) + _int(rng.choice([484, 65507]), rng)
    head += tlv(0x04, bytes([flags]), rng) + _int(3 if rng.random() < 0.95 else 1, rng)
    engine = rng.choice([b"", bytes.fromhex("80001f8804") + bytes(rng.randint(0, 255) for _ in range(4)), b"e"])
    user = rng.choice([b"", b"alice", b"public", HOSTILE_LABEL[:12]])
    usm = tlv(0x30, tlv(0x04, engine, rng) + _int(rng.randint(0, 99), rng) + _int(rng.randint(0, 2**31 - 1), rng)
              + tlv(0x04, user, rng) + tlv(0x04, bytes(12) if flags & 1 else b"", rng)
              + tlv(0x04, bytes(8) if flags & 2 else b"", rng), rng)
    if flags & 2:
        scoped = tlv(0x04, bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 40))), rng)
    else:
        context = rng.choice([b"", b"ctx", b"public", b"\x01"])
        scoped = tlv(0x30, tlv(0x04, engine, rng) + tlv(0x04, context, rng) + _pdu(rng, 1), rng)
    return tlv(0x30, _int(3, rng) + tlv(0x30, head, rng) + tlv(0x04, usm, rng) + scoped, rng)


def snmp_message(rng: random.Random) -> bytes:
    if rng.random() < 0.15:
        return _v3_message(rng)
    version = rng.choice([0, 1, 1, 1, 7]) if rng.random() < 0.1 else rng.choice([0, 1])
    community = rng.choice([b"public", b"public", b"private", b"", b"pub\x01lic", HOSTILE_LABEL[:30]])
    return tlv(0x30, _int(version, rng) + tlv(0x04, community, rng) + _pdu(rng, version % 2), rng)


def snmp_frames(rng: random.Random) -> list[bytes]:
    msg = snmp_message(rng)
    if rng.random() < 0.05:
        msg += b"\0\0"  # tcpdump's [2 extra after iSEQ]
    sport, dport = rng.choice([(40000, 161), (161, 40000), (40000, 162), (162, 162)])
    return [udp_frame(rng, sport, dport, msg)]


def corpus(seed: int = 1, groups: int = 200) -> list[bytes]:
    rng = random.Random(f"snmp-{seed}")
    return [frame for _ in range(groups) for frame in snmp_frames(rng)]
