"""Frames of the network-layer protocols for the differential tests against tcpdump (seeded): IPv6
extension headers, IGMP, GRE, IP in IP (IPIP, 6in4, 4in6, 6in6), ESP and AH, MPLS, TCP options and
the TCP application suffixes. Built with scapy where it knows the header, else with ``struct``.

Each ``*_frames(rng)`` returns Ethernet frames; ``NETWORK_CORPORA`` maps a name to its maker.
Addresses are in the test ranges (198.18.0.0/15, fd00::/8); UDP and TCP ports are ones tcpdump has no
dissector for unless a frame is about that dissector.
"""

from __future__ import annotations

import random
import struct

from scapy.all import ICMP, IP, TCP, UDP, Ether, IPv6
from scapy.layers.inet6 import ICMPv6DestUnreach, ICMPv6EchoRequest

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def _v4(rng: random.Random) -> str:
    return f"198.{rng.randint(18, 19)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _v6(rng: random.Random) -> str:
    return f"fd00:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def _bytes(rng: random.Random, most: int = 32, least: int = 0) -> bytes:
    return bytes(rng.randint(0, 255) for _ in range(rng.randint(least, most)))


def _ports(rng: random.Random) -> tuple[int, int]:
    return rng.randint(40000, 59999), rng.randint(30000, 39999)


def _upper(rng: random.Random, v6: bool):
    """(protocol number, bytes) of an upper-layer packet (its checksum does not matter without -v)."""
    sport, dport = _ports(rng)
    pick = rng.randint(0, 5)
    if pick == 0:
        return 17, bytes(UDP(sport=sport, dport=dport) / _bytes(rng))
    if pick == 1:
        return 6, bytes(TCP(sport=sport, dport=dport, flags=rng.choice(["S", "PA", "R", "FA"]),
                            seq=rng.randint(0, 2**32 - 1), ack=rng.randint(0, 2**32 - 1)) / _bytes(rng))
    if pick == 2:
        return (58, bytes(ICMPv6EchoRequest(id=rng.randint(0, 65535), seq=rng.randint(0, 65535)))) if v6 else (
            1, bytes(ICMP(id=rng.randint(0, 65535), seq=rng.randint(0, 65535))))
    if pick == 3:
        return 59, b""
    if pick == 4:
        return rng.choice([99, 253, 254, 142]), _bytes(rng)
    return (1, bytes(ICMP())) if v6 else (58, bytes(ICMPv6EchoRequest()))  # "[... requires IPvN] (invalid)"


# --- IPv6 extension headers ------------------------------------------------------------------------

def _options(rng: random.Random, room: int) -> bytes:
    """Hop-by-hop / destination options filling ``room`` bytes (sometimes malformed on purpose)."""
    out = b""
    while len(out) < room:
        left = room - len(out)
        kind = rng.choice([0, 1, 1, 5, 0xC2, 0xC9, 0x3E, 0x1E])
        if kind == 0 or left < 2:
            out += b"\0"
        elif kind == 5 and left >= 4:
            out += struct.pack("!BBH", 5, rng.choice([2, 2, 2, 3]), rng.randint(0, 65535))
        elif kind == 0xC2 and left >= 6:
            out += struct.pack("!BBI", 0xC2, 4, rng.choice([0, 70000, 100, 2**32 - 1]))
        elif kind == 0xC9 and left >= 18:
            body = bytes.fromhex("fd00000000000000000000000000abcd") + _bytes(rng, min(left - 18, 4))
            out += bytes([0xC9, len(body)]) + body
        else:
            n = rng.randint(0, left - 2)
            out += bytes([kind if kind != 0xC9 else 1, n]) + bytes(n)
    if rng.random() < 0.1 and out:
        out = out[:-1] + bytes([rng.randint(0, 255)])  # an option running past the header
    return out[:room]


def _opts_header(rng: random.Random, nh: int) -> bytes:
    units = rng.choice([0, 0, 1, 2])
    return bytes([nh, units]) + _options(rng, 6 + 8 * units)


def _routing(rng: random.Random, nh: int) -> bytes:
    kind = rng.choice([0, 2, 4, 4, 3])
    n = rng.randint(0, 3) if kind != 2 else 1
    addrs = b"".join(bytes.fromhex(f"fd00{rng.randint(0, 0xFFFF):04x}" + "00" * 10 + f"{rng.randint(1, 0xFFFF):04x}")
                     for _ in range(n))
    hlen = 2 * n + (1 if rng.random() < 0.1 else 0)
    if kind == 4:
        head = struct.pack("!BBBBBBH", nh, hlen, 4, rng.randint(0, n), max(n - 1, 0), rng.choice([0, 0, 8]),
                           rng.randint(0, 65535))
    else:
        head = struct.pack("!BBBBI", nh, hlen, kind, rng.randint(0, n), rng.choice([0, 0, 7]))
    body = head + addrs
    return body + bytes(8 * (hlen + 1) - len(body)) if 8 * (hlen + 1) > len(body) else body


def _frag(rng: random.Random, nh: int) -> bytes:
    return struct.pack("!BBHI", nh, 0, rng.choice([0, 0, 1, 8 * rng.randint(1, 100), 8 * rng.randint(1, 100) | 1]),
                       rng.randint(0, 2**32 - 1))


def ip6_chain(rng: random.Random, kinds: list[int], upper: tuple[int, bytes], plen: int | None = None) -> bytes:
    """An IPv6 packet whose extension headers are ``kinds`` (0, 43, 44, 60) in order."""
    nh, payload = upper
    for kind in reversed(kinds):
        maker = {0: _opts_header, 60: _opts_header, 43: _routing, 44: _frag}[kind]
        payload = maker(rng, nh) + payload
        nh = kind
    head = struct.pack("!IHBB", 0x60000000 | rng.choice([0, 0, 0x12345]), len(payload) if plen is None else plen,
                       nh, 64)
    return head + bytes.fromhex("fd000000000000000000000000000001fd000000000000000000000000000002") + payload


def ip6ext_frames(rng: random.Random) -> list[bytes]:
    frames = []
    for _ in range(3):
        kinds = rng.choice([[0], [60], [43], [44], [0, 60], [0, 43, 60], [60, 44], [44, 60], [0, 0], [60, 0],
                            [43, 43, 44], [rng.choice([0, 43, 44, 60]) for _ in range(rng.randint(1, 5))]])
        plen = rng.choice([None, None, None, None, 0, 4])
        frames.append(ip6_chain(rng, kinds, _upper(rng, True), plen))
    # An ICMPv6 port unreachable quoting a datagram with extension headers (tcpdump walks them).
    quoted = ip6_chain(rng, rng.choice([[], [0], [60, 43], [44], [60, 44]]),
                       rng.choice([_upper(rng, True)] * 3 + [(6, b"")]))
    frames.append(bytes(IPv6(src=_v6(rng), dst=_v6(rng)) / ICMPv6DestUnreach(code=4) / quoted))
    return [bytes(Ether(src=MAC_A, dst=MAC_B, type=0x86DD)) + f for f in frames]


# --- IGMP ------------------------------------------------------------------------------------------

def _igmp(rng: random.Random) -> bytes:
    group = struct.pack("!4B", 224 + rng.randint(0, 15), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 255))
    pick = rng.randint(0, 8)
    if pick == 0:  # v1/v2 query, sometimes with a group, sometimes odd lengths
        body = struct.pack("!BBH", 0x11, rng.choice([0, 100, 10, 255]), 0) + rng.choice([bytes(4), group])
        return body + bytes(rng.choice([0, 0, 2]))
    if pick == 1:
        return struct.pack("!BBH", rng.choice([0x12, 0x16, 0x17]), 0, 0) + group + bytes(rng.choice([0, 0, 4]))
    if pick in (2, 3):  # v3 query
        n = rng.randint(0, 3)
        body = struct.pack("!BBH", 0x11, rng.choice([100, 0, 50, 127, 128, 200, 255]), 0)
        body += rng.choice([bytes(4), group]) + struct.pack("!BBH", rng.randint(0, 15), rng.randint(0, 255),
                                                            rng.choice([n, n, n + 2]))
        return body + b"".join(struct.pack("!4B", 198, 18, 0, i + 1) for i in range(n)) + bytes(rng.choice([0, 0, 2]))
    if pick in (4, 5):  # v3 report
        records = b""
        count = rng.randint(0, 3)
        for _ in range(count):
            n = rng.randint(0, 2)
            records += struct.pack("!BBH", rng.choice([1, 2, 3, 4, 5, 6, 9]), 0, n) + group
            records += b"".join(struct.pack("!4B", 198, 19, 1, i + 1) for i in range(n))
        return struct.pack("!BBHHH", 0x22, 0, 0, 0, rng.choice([count, count, count + 1])) + records
    if pick == 6:  # mtrace / mresp
        return (struct.pack("!BBH", rng.choice([0x1E, 0x1F]), 0, 0) + group + struct.pack("!4B", 198, 18, 1, 1)
                + struct.pack("!4B", 198, 18, 1, 2) + rng.choice([group, bytes([198, 18, 1, 3])])
                + struct.pack("!I", rng.randint(0, 2**32 - 1)))[: rng.choice([40, 40, 20])]
    if pick == 7:
        return struct.pack("!BBH", rng.choice([0x18, 0x30, 0x99]), 0, 0) + group
    return bytes([0x11])  # too short for anything


def igmp_frames(rng: random.Random) -> list[bytes]:
    return [bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src=_v4(rng), dst=_v4(rng), proto=2) / _igmp(rng))
            for _ in range(3)]


# --- GRE, IP in IP, IPsec, MPLS ---------------------------------------------------------------------

def _inner_ip(rng: random.Random, depth: int = 0):
    """An IPv4 or IPv6 packet, sometimes itself carrying IP (IPIP, 6in4, 4in6, 6in6)."""
    v6 = rng.random() < 0.4
    if depth < 2 and rng.random() < 0.3:
        inner = _inner_ip(rng, depth + 1)
        proto, payload = (4 if inner[0] >> 4 == 4 else 41), inner
    else:
        proto, payload = _upper(rng, v6)
    if v6:
        return bytes(IPv6(src=_v6(rng), dst=_v6(rng), nh=proto) / payload)
    return bytes(IP(src=_v4(rng), dst=_v4(rng), proto=proto) / payload)


def _gre(rng: random.Random) -> bytes:
    flags = rng.choice([0, 0x2000, 0x1000, 0x3000, 0x8000, 0xB000, 0x4000, 0x0001, 0x3081, 0x2001, 0x0005])
    inner_kind = rng.choice(["ip", "ip", "teb", "mpls", "other"])
    if inner_kind == "ip":
        inner = _inner_ip(rng)
        proto = 0x0800 if inner[0] >> 4 == 4 else 0x86DD
    elif inner_kind == "teb":
        packet = _inner_ip(rng)
        inner = bytes(Ether(src=MAC_B, dst=MAC_A, type=0x0800 if packet[0] >> 4 == 4 else 0x86DD)) + packet
        proto = 0x6558
    elif inner_kind == "mpls":
        inner, proto = struct.pack("!I", (rng.randint(16, 99999) << 12) | 0x100 | 64) + _inner_ip(rng), 0x8847
    else:
        inner, proto = _bytes(rng, 16), rng.choice([0x1234, 0x88BE])
    head = struct.pack("!HH", flags, proto)
    version = flags & 7
    if version == 1:
        head = struct.pack("!HH", flags, 0x880B)
        head += struct.pack("!I", rng.randint(0, 2**32 - 1)) * (bool(flags & 0x2000) + bool(flags & 0x1000)
                                                                 + bool(flags & 0x0080))
        return head  # PPTP: only the header (PPP after it is not decoded here)
    if flags & 0xC000:
        head += struct.pack("!HH", rng.randint(0, 65535), rng.randint(0, 65535))
    if flags & 0x2000:
        head += struct.pack("!I", rng.randint(0, 2**32 - 1))
    if flags & 0x1000:
        head += struct.pack("!I", rng.randint(0, 2**32 - 1))
    if flags & 0x4000:
        for _ in range(rng.randint(0, 2)):
            af = rng.choice([0x0800, 0xFFFE, 0x1234])
            size = 4 if af == 0x0800 else 2
            count = rng.randint(1, 3)
            head += struct.pack("!HBB", af, rng.choice([0, size, 1]), size * count) + _bytes(rng, 0) + bytes(
                rng.randint(0, 255) for _ in range(size * count))
        head += struct.pack("!HBB", 0, 0, 0)
    return head + inner


def gre_frames(rng: random.Random) -> list[bytes]:
    frames = []
    for _ in range(2):
        payload = _gre(rng)
        if rng.random() < 0.3:
            frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / IPv6(src=_v6(rng), dst=_v6(rng), nh=47) / payload))
        else:
            frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src=_v4(rng), dst=_v4(rng), proto=47) / payload))
    return frames


def _ether(packet: bytes) -> bytes:
    return bytes(Ether(src=MAC_A, dst=MAC_B, type=0x0800 if packet[0] >> 4 == 4 else 0x86DD)) + packet


def tunnel_frames(rng: random.Random) -> list[bytes]:
    return [_ether(_inner_ip(rng)) for _ in range(3)]


def _ah(rng: random.Random, nh: int) -> bytes:
    words = rng.choice([1, 4, 4, 5])  # the length field counts 4-byte words minus 2
    body = struct.pack("!BBHII", nh, words, rng.choice([0, 0, 7]), rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1))
    return body + bytes(rng.randint(0, 255) for _ in range(max((words + 2) * 4 - 12, 0)))


def ipsec_frames(rng: random.Random) -> list[bytes]:
    frames = []
    for _ in range(2):
        v6 = rng.random() < 0.4
        if rng.random() < 0.5:
            proto, payload = 50, struct.pack("!II", rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1)) + _bytes(
                rng, 40, 0)
        else:
            proto, payload = _upper(rng, v6)
            if rng.random() < 0.2:
                payload = _ah(rng, proto) + payload
                proto = 51
            payload, proto = _ah(rng, proto) + payload, 51
        ip = IPv6(src=_v6(rng), dst=_v6(rng), nh=proto) if v6 else IP(src=_v4(rng), dst=_v4(rng), proto=proto)
        frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / ip / payload))
    return frames


def mpls_frames(rng: random.Random) -> list[bytes]:
    frames = []
    for _ in range(2):
        depth = rng.randint(1, 4)
        bottom = rng.choice([0, 2, 3, rng.randint(16, 2**20 - 1)])
        labels = [rng.randint(16, 2**20 - 1) for _ in range(depth - 1)] + [bottom]
        stack = b"".join(struct.pack("!I", (label << 12) | (rng.randint(0, 7) << 9) | (0x100 if i == depth - 1 else 0)
                                     | rng.randint(0, 255)) for i, label in enumerate(labels))
        payload = rng.choice([_inner_ip(rng), _inner_ip(rng), _bytes(rng, 30, 1)])
        frames.append(bytes(Ether(src=MAC_A, dst=MAC_B, type=rng.choice([0x8847, 0x8848]))) + stack + payload)
    return frames


# --- TCP options and application suffixes -----------------------------------------------------------

def _tcp_option(rng: random.Random) -> bytes:
    kind = rng.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 19, 20, 28, 29, 30, 34, 254, 99, 253])
    if kind in (0, 1):
        return bytes([kind])
    sizes = {2: 2, 3: 1, 4: 0, 6: 4, 7: 4, 8: 8, 11: 4, 12: 4, 13: 4, 19: 16, 20: 2, 28: 2}
    if kind in sizes:
        size = sizes[kind] if rng.random() < 0.85 else rng.randint(0, 10)
        return bytes([kind, size + 2]) + _bytes(rng, size, size)
    if kind == 5:
        n = rng.randint(1, 3)
        return bytes([5, 2 + 8 * n + (rng.random() < 0.1)]) + _bytes(rng, 8 * n, 8 * n)
    if kind == 30:
        subtype = rng.randint(0, 8)
        sizes = {0: [4, 12, 20, 22], 1: [12, 16, 24], 2: [4, 8, 12, 16, 18, 20], 3: [8, 10, 16, 18, 20, 22, 28, 30],
                 4: [4, 5, 6], 5: [3, 4], 6: [12], 7: [12], 8: [3, 6]}
        size = rng.choice(sizes[subtype])
        body = bytes([(subtype << 4) | rng.choice([0, 1, 1, 2, 4, 6]), rng.choice([0, 0x80, 0x1F, 0x15, 0x05, 0x01])])
        return bytes([30, size]) + (body + _bytes(rng, size, size))[: size - 2]
    if kind == 34:
        size = rng.choice([0, 4, 8, 3, 18])
        return bytes([34, size + 2]) + _bytes(rng, size, size)
    if kind == 254:
        size = rng.choice([2, 6, 4, 0])
        return bytes([254, size + 2]) + (b"\xf9\x89" if rng.random() < 0.5 else b"\x12\x34")[:size] + _bytes(
            rng, max(size - 2, 0), max(size - 2, 0))
    if kind == 29:
        size = rng.choice([0, 1, 2, 6])
        return bytes([29, size + 2]) + _bytes(rng, size, size)
    size = rng.randint(0, 6)
    return bytes([kind, size + 2]) + _bytes(rng, size, size)


_APP_PAYLOADS = [
    b"GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n", b"HTTP/1.1 404 Not Found\r\n", b"post /x HTTP/1.0\n",
    b"\x16\x03\x01\x00\x05hello", b"garbage line without end", b"PUT\r", b"USER anonymous\r\n", b"220 ready\r\n",
    b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", b"SSH-1.99-x\n", b"SSH-2.0-unfinished", b"SSH\x00",
    b"OPTIONS * RTSP/1.0\r\n",
    b"RTSP/1.0 200 OK\r\n", b"\xff" * 16 + b"\x00\x13\x04", b"example.org\r\n", b"tab\there\r\n", b"a\rb\n",
]
TELNET_PAYLOADS = [
    b"\xff\xfb\x01\xff\xfd\x03", b"\xff\xfa\x18\x01\xff\xf0", b"\xff\xfa\x25\x00\x02\x05\xff\xf0login:",
    b"\xff\xfa\x26\x01\x01\x07\x09\xff\xf0", b"\xff\xff", b"\xff\xf1\xff\xf6", b"\xff\xfd\x63", b"\xff\xfa\x18\x01",
    b"\xff\x10", b"\xff", b"login: ", b"\xff\xfe\x22\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0",
]
RESP_PAYLOADS = [
    b"*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n", b"+OK\r\n", b"-ERR unknown\r\n", b":1000\r\n", b"$-1\r\n", b"*-1\r\n",
    b"*0\r\n", b"$0\r\n\r\n", b"PING\r\n", b"\r\nINFO server\n", b"*3\r\n*1\r\n:1\r\n$2\r\nab\r\n+x\r\n",
    b"$99999999999\r\n", b"$-5\r\n", b"*x\r\n", b"$3\r\nabcde\r\n", b"*2\r\n$3\r\nGET\r\n", b"$3\r\nab",
    b"+no end", b"\x01\x80ctl\r\n",
]


def tcp_frames(rng: random.Random) -> list[bytes]:
    return [frame for _ in range(3) for frame in _tcp_frame(rng)]


def _tcp_frame(rng: random.Random) -> list[bytes]:
    frames = []
    sport, dport = _ports(rng)
    if rng.random() < 0.5:
        dport = rng.choice([80, 8080, 22, 21, 25, 43, 179, 554, 8554, 6379, 23])
        sport, dport = (dport, sport) if rng.random() < 0.3 else (sport, dport)
    options = b"".join(_tcp_option(rng) for _ in range(rng.choice([0, 0, 0, 1, 2, 3, 5])))
    options = options[:40]
    options += bytes(-len(options) % 4)
    payload = rng.choice([*_APP_PAYLOADS, b"", _bytes(rng, 20)])
    for port, picks in ((22, _APP_PAYLOADS[8:12]), (80, _APP_PAYLOADS[:6]), (8080, _APP_PAYLOADS[:3]),
                        (554, _APP_PAYLOADS[12:14]), (21, _APP_PAYLOADS[6:8]), (6379, RESP_PAYLOADS),
                        (23, TELNET_PAYLOADS)):
        if port in (sport, dport) and rng.random() < (0.9 if port in (23, 6379) else 0.6):
            payload = rng.choice(picks)
    flags = rng.choice([0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x38])
    head = struct.pack("!HHIIBBHHH", sport, dport, rng.randint(0, 2**32 - 1), rng.randint(0, 2**32 - 1),
                       (5 + len(options) // 4) << 4, flags, rng.randint(0, 65535), 0, rng.randint(0, 65535))
    segment = head + options + payload
    if rng.random() < 0.3:
        frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / IPv6(src=_v6(rng), dst=_v6(rng), nh=6) / segment))
    else:
        frames.append(bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src=_v4(rng), dst=_v4(rng), proto=6) / segment))
    return frames


# --- 802.3 / LLC / SNAP: spanning tree, CDP; LLDP ---------------------------------------------------

def _bridge_id(rng: random.Random) -> bytes:
    return struct.pack("!H", rng.choice([0x8000, 0x1000, 0])) + bytes.fromhex("0200000000") + bytes([rng.randint(1, 9)])


def _bpdu(rng: random.Random) -> bytes:
    version = rng.choice([0, 0, 0, 2, 2, 2, 3, 3, 4, 7])
    kind = rng.choice([0x00, 0x02, 0x02, 0x80, 0x33]) if version else rng.choice([0x00, 0x00, 0x80])
    body = struct.pack("!HBBB", rng.choice([0, 0, 0, 5]), version, kind, rng.randint(0, 255))
    body += _bridge_id(rng) + struct.pack("!I", rng.randint(0, 200000)) + _bridge_id(rng)
    body += struct.pack("!HHHHH", rng.randint(0, 0xFFFF), 0, 20 * 256, 2 * 256, 15 * 256)
    if version >= 2:
        body += b"\0"
    if version >= 3 and kind == 2:
        body += struct.pack("!H", 64 + 16 * rng.randint(0, 1)) + bytes(rng.randint(60, 84))
        if version == 4:
            body += struct.pack("!H", 85) + bytes(85)
    return body[: rng.choice([len(body)] * 5 + [3, 20, 34])]


def _cdp(rng: random.Random) -> bytes:
    tlvs = b""
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice([1, 1, 3, 4, 6, 0x0A, 0x0B, 0x14, 0x0C, 0x30])
        value = rng.choice([b"switch-1", b"Gi0/1", b"\x00\x00\x00\x29", b"\x01", b"\x00\x05", b"sw\x01\xc3"])
        tlvs += struct.pack("!HH", kind, len(value) + 4 + rng.choice([0] * 9 + [-5])) + value
    return struct.pack("!BBH", rng.choice([1, 2]), rng.choice([180, 60]), rng.randint(0, 0xFFFF)) + tlvs


def _lldp(rng: random.Random) -> bytes:
    def tlv(kind: int, value: bytes) -> bytes:
        return struct.pack("!H", (kind << 9) | len(value)) + value

    body = tlv(1, b"\x04" + bytes.fromhex("020000000001")) + tlv(2, b"\x05eth0") + tlv(3, b"\x00\x78")
    for _ in range(rng.randint(0, 3)):
        body += rng.choice([tlv(5, b"switch-" + str(rng.randint(1, 99)).encode()), tlv(4, b"uplink"),
                            tlv(5, b"nul\x00after"), tlv(127, b"\x00\x80\xc2\x01\x00\x01"), tlv(5, b"\x01\xff")])
    return body + rng.choice([tlv(0, b""), b"", b"\x0a"])


def link_frames(rng: random.Random) -> list[bytes]:
    """One of each: 802.1D/w/s BPDU, SNAP (CDP or PVST, then an IP packet), IP over LLC, LLDP."""
    frames = []
    for llc in (b"\x42\x42\x03" + _bpdu(rng),
                b"\xaa\xaa\x03\x00\x00\x0c" + rng.choice([b"\x20\x00" + _cdp(rng), b"\x01\x0b" + _bpdu(rng)]),
                b"\xaa\xaa\x03\x00\x00\x00" + rng.choice([b"\x08\x00", b"\x86\xdd"]) + _inner_ip(rng),
                b"\x06\x06\x03" + bytes(IP(src=_v4(rng), dst=_v4(rng)) / ICMP())):
        length = len(llc) if rng.random() < 0.8 else rng.choice([len(llc) - 2, 1400, 3])
        frame = bytes.fromhex("0180c2000000") + bytes.fromhex("020000000001") + struct.pack("!H", length) + llc
        frames.append(frame + bytes(max(60 - len(frame), 0)))
    frames.append(bytes(Ether(src=MAC_A, dst="01:80:c2:00:00:0e", type=0x88CC)) + _lldp(rng))
    return frames


# --- SCTP ------------------------------------------------------------------------------------------

def _sctp_chunk(rng: random.Random) -> bytes:
    kind = rng.choice([0, 0, 1, 2, 3, 3, 4, 6, 7, 10, 11, 14, 0xC0, 0x55])
    if kind == 0:
        body = struct.pack("!IHHI", rng.randint(0, 2**32 - 1), rng.randint(0, 9), rng.randint(0, 65535),
                           rng.choice([0, 3, 18, 46, 99])) + _bytes(rng, 12, rng.choice([0, 1]))
    elif kind in (1, 2):
        body = struct.pack("!IIHHI", rng.randint(0, 2**32 - 1), rng.randint(0, 2**20), 10, 65535,
                           rng.randint(0, 2**32 - 1)) + _bytes(rng, 8)
    elif kind == 3:
        gaps, dups = rng.randint(0, 2), rng.randint(0, 2)
        body = struct.pack("!IIHH", rng.randint(0, 2**32 - 1), rng.randint(0, 2**20), gaps + rng.choice([0, 0, 1]),
                           dups)
        body += b"".join(struct.pack("!HH", 2 * i + 2, 2 * i + 3) for i in range(gaps))
        body += b"".join(struct.pack("!I", rng.randint(0, 2**32 - 1)) for _ in range(dups))
    else:
        body = _bytes(rng, 12)
    if rng.random() < 0.1:
        body = body[: rng.randint(0, len(body))]
    clen = 4 + len(body) + (rng.choice([0] * 12 + [-6, 3]))
    chunk = struct.pack("!BBH", kind, rng.randint(0, 7) if kind == 0 else 0, max(clen, 0)) + body
    return chunk + bytes(-len(chunk) % 4)


def sctp_frames(rng: random.Random) -> list[bytes]:
    chunks = b"".join(_sctp_chunk(rng) for _ in range(rng.randint(1, 3)))
    head = struct.pack("!HHII", rng.choice([_ports(rng)[0], 2905, 36412]), rng.choice([_ports(rng)[1], 38412]),
                       rng.randint(0, 2**32 - 1), 0)
    packet = head + chunks + rng.choice([b"", b"", b"\x00\x00"])
    if rng.random() < 0.3:
        return [bytes(Ether(src=MAC_A, dst=MAC_B) / IPv6(src=_v6(rng), dst=_v6(rng), nh=132) / packet)]
    return [bytes(Ether(src=MAC_A, dst=MAC_B) / IP(src=_v4(rng), dst=_v4(rng), proto=132) / packet)]


# --- IPv4 options and fragments -----------------------------------------------------------------------

def _ip_option(rng: random.Random) -> bytes:
    kind = rng.choice([0, 1, 7, 131, 137, 68, 148, 130, 82, 99])
    if kind in (0, 1):
        return bytes([kind])
    if kind in (7, 131, 137):  # routes: lengths and pointers right and wrong
        n = rng.randint(0, 3)
        size = 3 + 4 * n + rng.choice([0, 0, 1])
        return bytes([kind, size, rng.choice([4, 8, 4 + 4 * n, 5, 40])]) + _bytes(rng, size - 3, size - 3)
    if kind == 68:  # timestamps of each flavour
        flag = rng.choice([0, 1, 3, 2])
        hop = 4 if flag == 0 else 8
        size = 4 + hop * rng.randint(0, 2) + rng.choice([0, 0, 2])
        return bytes([68, size, rng.choice([5, 5 + hop, 9, 13, 1]), (rng.randint(0, 3) << 4) | flag]) + _bytes(
            rng, size - 4, size - 4)
    if kind == 148:
        return bytes([148, rng.choice([4, 4, 2, 3]), 0, rng.choice([0, 1])])
    size = rng.randint(0, 8)
    return bytes([kind, size]) + bytes(max(size - 2, 0))


def ipopt_frames(rng: random.Random) -> list[bytes]:
    """IPv4 with options (well-formed or not) and fragments, the header checksum right."""
    options = b"".join(_ip_option(rng) for _ in range(rng.randint(1, 3)))[:40]
    options += bytes(-len(options) % 4)
    payload = bytes(UDP(sport=40000, dport=30000) / bytes(8))
    head = bytes(IP(src=_v4(rng), dst=_v4(rng), flags=rng.choice([0, 1, 2]), frag=rng.choice([0, 0, 0, 5]),
                    proto=rng.choice([17, 1, 6, 99]), ihl=5 + len(options) // 4, len=20 + len(options) + len(payload),
                    chksum=0))[:20]
    total = sum(struct.unpack(f"!{(20 + len(options)) // 2}H", head + options))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    head = head[:10] + struct.pack("!H", ~total & 0xFFFF) + head[12:]
    return [bytes(Ether(src=MAC_A, dst=MAC_B, type=0x0800)) + head + options + payload]


NETWORK_CORPORA = {
    "ipopt": ipopt_frames,
    "sctp": sctp_frames,
    "link": link_frames,
    "tcp": tcp_frames,
    "ip6ext": ip6ext_frames,
    "igmp": igmp_frames,
    "gre": gre_frames,
    "tunnel": tunnel_frames,
    "ipsec": ipsec_frames,
    "mpls": mpls_frames,
}


def network_corpus(name: str, seed: int = 1, groups: int = 60) -> list[bytes]:
    rng = random.Random(f"{name}-{seed}")
    frames = []
    for _ in range(groups):
        frames.extend(NETWORK_CORPORA[name](rng))
    return frames


def nested_ipip(depth: int) -> bytes:
    """IPv4 in IPv4 ``depth`` times around a UDP datagram, in an Ethernet frame."""
    packet = bytes(UDP(sport=40000, dport=30000) / b"x")
    for i in range(depth):
        packet = bytes(IP(src=f"198.18.{i % 256}.1", dst=f"198.19.{i % 256}.1", proto=17 if i == 0 else 4) / packet)
    return _ether(packet)


def chained_dstopts(count: int) -> bytes:
    """An IPv6 packet with ``count`` destination-options headers before a UDP datagram."""
    payload = bytes(UDP(sport=40000, dport=30000) / b"x")
    nh = 17
    for _ in range(count):
        payload = bytes([nh, 0]) + bytes([1, 4]) + bytes(4) + payload
        nh = 60
    head = struct.pack("!IHBB", 0x60000000, len(payload), nh, 64) + bytes.fromhex("fd00" + "00" * 13 + "01") + \
        bytes.fromhex("fd00" + "00" * 13 + "02")
    return bytes(Ether(src=MAC_A, dst=MAC_B, type=0x86DD)) + head + payload
