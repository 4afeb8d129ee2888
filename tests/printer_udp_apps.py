"""Frames of what rides on UDP, for the differential tests against tcpdump (built with scapy, seeded).

Each ``*_frames(rng)`` returns Ethernet frames (bytes) of one application protocol over IPv4 or
IPv6; ``corpus(name, seed, groups)`` returns ``groups`` rounds of one maker. Addresses are in the
test ranges (198.18.0.0/15, fd00::/8). Beside well-formed messages each maker builds the malformed
forms tcpdump has words for (bad pointers, bad label types, short headers, bad lengths).
"""

from __future__ import annotations

import random
import struct

from scapy.all import IP, UDP, Ether, IPv6
from scapy.layers.dns import (
    DNS,
    DNSQR,
    DNSRR,
    DNSRRMX,
    DNSRROPT,
    DNSRRSOA,
    DNSRRSRV,
    EDNS0TLV,
)

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"
# A name that tries to clear the screen and print a fake packet line: tcpdump escapes every byte of it.
HOSTILE_LABEL = b"\x1b]0;pwned\x07\x1b[2J\n12:00:00.000000 IP 198.18.0.1 > 198.18.0.2: \xff\x80\x7f"


def _v4(rng: random.Random) -> str:
    return f"198.{rng.randint(18, 19)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _v6(rng: random.Random) -> str:
    return f"fd00:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def _bytes(rng: random.Random, most: int) -> bytes:
    return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, most)))


def udp_frame(rng: random.Random, sport: int, dport: int, payload: bytes, ulen: int | None = None) -> bytes:
    """Ethernet / IPv4 or IPv6 / UDP(sport, dport) / payload; ``ulen`` forces the UDP length field."""
    ip = IP(src=_v4(rng), dst=_v4(rng)) if rng.random() < 0.6 else IPv6(src=_v6(rng), dst=_v6(rng))
    udp = UDP(sport=sport, dport=dport) if ulen is None else UDP(sport=sport, dport=dport, len=ulen)
    return bytes(Ether(src=MAC_A, dst=MAC_B) / ip / udp / payload)


def _label(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))


def _name(rng: random.Random) -> str:
    return ".".join(_label(rng) for _ in range(rng.randint(1, 4))) + rng.choice([".", ".example.", ".local."])


def _record(rng: random.Random, name: str):
    kind = rng.randint(0, 10)
    ttl = rng.choice([0, 1, 59, 3600, 86400, 2**31 + 5])
    if kind == 0:
        return DNSRR(rrname=name, type="A", ttl=ttl, rdata=_v4(rng))
    if kind == 1:
        return DNSRR(rrname=name, type="AAAA", ttl=ttl, rdata=_v6(rng))
    if kind == 2:
        return DNSRR(rrname=name, type=rng.choice(["CNAME", "PTR", "NS", "DNAME"]), ttl=ttl, rdata=_name(rng))
    if kind == 3:
        return DNSRRMX(rrname=name, ttl=ttl, preference=rng.randint(0, 65535), exchange=_name(rng))
    if kind == 4:
        return DNSRRSOA(rrname=name, ttl=ttl, mname=_name(rng), rname=_name(rng), serial=rng.randint(0, 2**32 - 1),
                        refresh=rng.randint(0, 9999), retry=rng.randint(0, 9999), expire=rng.randint(0, 99999),
                        minimum=rng.randint(0, 999))
    if kind == 5:
        texts = [_bytes(rng, 20) if rng.random() < 0.3 else _label(rng).encode() for _ in range(rng.randint(1, 3))]
        return DNSRR(rrname=name, type="TXT", ttl=ttl, rdata=texts)
    if kind == 6:
        return DNSRRSRV(rrname=name, ttl=ttl, priority=rng.randint(0, 9), weight=rng.randint(0, 9),
                        port=rng.randint(1, 65535), target=_name(rng))
    if kind in (7, 8):  # HTTPS / SVCB and other types tcpdump names by number
        return DNSRR(rrname=name, type=rng.choice([64, 65, 99, 257, 1000]), ttl=ttl, rdata=_bytes(rng, 16))
    if kind == 9:
        return DNSRR(rrname=name, type=rng.choice([104, 256]), ttl=ttl, rdata=_bytes(rng, 12))
    v4 = rng.random() < 0.5
    return DNSRR(rrname=name, type="A" if v4 else "AAAA", rclass=rng.choice([3, 4, 255, 254, 0x8001]),
                 ttl=ttl, rdata=_v4(rng) if v4 else _v6(rng))


def _opt(rng: random.Random):
    options = []
    for _ in range(rng.randint(0, 3)):
        code = rng.choice([3, 5, 6, 7, 8, 8, 9, 10, 11, 12, 14, 15, 99])
        if code == 8:
            if rng.random() < 0.5:
                data = struct.pack("!HBB", 1, 24, 0) + bytes([198, 18, rng.randint(0, 255)])
            else:
                data = struct.pack("!HBB", 2, 56, 0) + bytes.fromhex("fd00123456789a")
            if rng.random() < 0.2:
                data = data[: rng.randint(0, len(data))]
        elif code == 10:
            data = _bytes(rng, 0) + bytes(rng.randint(0, 255) for _ in range(rng.choice([8, 16, 24, 12, 41])))
        elif code == 11:
            data = struct.pack("!H", rng.randint(0, 65535))[: rng.choice([2, 2, 1])]
        elif code == 9:
            data = struct.pack("!I", rng.randint(0, 2**32 - 1))[: rng.choice([4, 4, 3])]
        else:
            data = _bytes(rng, 8)
        options.append(EDNS0TLV(optcode=code, optdata=data))
    return DNSRROPT(rclass=rng.choice([512, 1232, 4096]), z=rng.choice([0, 0x8000]),
                    extrcode=rng.choice([0, 0, 1, 2]), rdata=options)


def dns_message(rng: random.Random, mdns: bool = False) -> bytes:
    qname = _name(rng)
    if rng.random() < 0.05:
        qname = HOSTILE_LABEL + b".example."
    qtype = rng.choice(["A", "AAAA", "PTR", "MX", "TXT", "SRV", "NS", "SOA", "CNAME", 255, 64, 65, 300])
    qclass = rng.choice([1, 1, 1, 3, 255, 0x8001]) if mdns else rng.choice([1, 1, 1, 1, 3, 4, 255, 77])
    qd = [DNSQR(qname=qname, qtype=qtype, qclass=qclass) for _ in range(rng.choice([1, 1, 1, 0, 2]))]
    response = rng.random() < 0.6
    an = [_record(rng, qname if rng.random() < 0.5 else _name(rng))
          for _ in range(rng.randint(0, 3) if response else 0)]
    ns = [_record(rng, _name(rng)) for _ in range(rng.choice([0, 0, 1]))]
    ar = [_record(rng, _name(rng)) for _ in range(rng.choice([0, 0, 1]))]
    if rng.random() < 0.5:
        ar.append(_opt(rng))
    dns = DNS(id=rng.randint(0, 65535), qr=int(response), opcode=rng.choice([0, 0, 0, 1, 2, 4, 5, 15]),
              aa=rng.randint(0, 1), tc=rng.choice([0, 0, 1]), rd=rng.randint(0, 1), ra=rng.randint(0, 1),
              z=rng.choice([0, 0, 1]), ad=rng.randint(0, 1), cd=rng.randint(0, 1),
              rcode=rng.choice([0, 0, 0, 1, 2, 3, 5, 9, 15]),
              qd=qd, an=an, ns=ns, ar=ar)
    raw = bytes(dns)
    return raw


def _bad_names(rng: random.Random) -> bytes:
    """Hand-built messages whose names break the rules: forward or looping pointers, bad label types,
    bit labels, names longer than 255 characters, counts larger than the message."""
    head = struct.pack("!HHHHHH", rng.randint(0, 65535), rng.choice([0x0100, 0x8180]), 1, rng.randint(0, 2), 0, 0)
    pick = rng.randint(0, 7)
    if pick == 0:  # a pointer to itself, then one forwards
        name = rng.choice([b"\xc0\x0c", b"\xc0\x20", b"\x03abc\xc0\x0c"])
    elif pick == 1:  # reserved label type, unknown extended label type
        name = rng.choice([b"\x03abc\x80x\x00", b"\x42\x10abcdef\x00", b"\x7f\x00"])
    elif pick == 2:  # a bit label
        bits = rng.choice([0, 1, 4, 5, 8, 12, 31, 64])
        nbytes = ((bits or 256) + 7) // 8
        name = b"\x41" + bytes([bits]) + bytes(rng.randint(0, 255) for _ in range(nbytes)) + b"\x03abc\x00"
    elif pick == 3:  # longer than 255 characters
        name = b"".join(b"\x3f" + bytes([97 + i]) * 63 for i in range(rng.randint(4, 5))) + b"\x00"
    elif pick == 4:  # a chain of pointers, each one back to the one before
        name = b"\x03abc\x00" + b"".join(struct.pack("!H", 0xC000 | (12 + 2 * i + (3 if i else 0)))
                                         for i in range(rng.randint(1, 6)))
    elif pick == 5:  # every byte escaped
        name = bytes([len(HOSTILE_LABEL)]) + HOSTILE_LABEL + b"\x00"
    elif pick == 6:
        name = b"\x05ab"  # cut inside a label
    else:
        name = _bytes(rng, 30)
    body = name + struct.pack("!HH", rng.choice([1, 28, 12]), 1)
    if head[3] or rng.random() < 0.5:
        rdlen = rng.choice([4, 4, 2, 6])  # an A record, of the wrong length at times
        body += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, rdlen) + bytes([198, 18, 0, 1, 9, 9])[:rdlen]
    return head + body


def dns_frames(rng: random.Random) -> list[bytes]:
    sport = rng.randint(40000, 59999)
    frames = []
    msg = dns_message(rng)
    if rng.random() < 0.5:
        frames.append(udp_frame(rng, sport, 53, msg))
    else:
        frames.append(udp_frame(rng, 53, sport, msg))
    frames.append(udp_frame(rng, sport, 53, _bad_names(rng)))
    short = _bytes(rng, 11)
    frames.append(udp_frame(rng, 53, sport, short))
    if rng.random() < 0.3:  # the UDP length says more than the datagram holds
        frames.append(udp_frame(rng, sport, 53, msg, ulen=len(msg) + 8 + rng.randint(1, 40)))
    return frames


def mdns_frames(rng: random.Random) -> list[bytes]:
    msg = dns_message(rng, mdns=True)
    return [udp_frame(rng, 5353, 5353, msg), udp_frame(rng, rng.randint(40000, 59999), 5353, _bad_names(rng)),
            # LLMNR: tcpdump 4.99 has no LLMNR printer, so its generic line (with a hostile name)
            udp_frame(rng, rng.randint(40000, 59999), 5355, dns_message(rng))]


def _inner_frame(rng: random.Random) -> bytes:
    """An Ethernet frame to carry in a tunnel: IPv4/IPv6 UDP or ICMP, ARP, or an unknown ethertype."""
    from scapy.all import ARP, ICMP

    e = Ether(src=MAC_B, dst=MAC_A)
    pick = rng.randint(0, 4)
    if pick == 0:
        return bytes(e / IP(src=_v4(rng), dst=_v4(rng)) / ICMP(id=rng.randint(0, 65535)) / _bytes(rng, 20))
    if pick == 1:
        return bytes(e / IPv6(src=_v6(rng), dst=_v6(rng)) / UDP(sport=rng.randint(40000, 50000), dport=40000)
                     / _bytes(rng, 20))
    if pick == 2:
        return bytes(e / ARP(op=rng.choice([1, 2]), hwsrc=MAC_B, psrc=_v4(rng), pdst=_v4(rng)))
    if pick == 3:  # DNS inside the tunnel
        return bytes(e / IP(src=_v4(rng), dst=_v4(rng)) / UDP(sport=40000, dport=53)) + dns_message(rng)
    return bytes(Ether(src=MAC_B, dst=MAC_A, type=rng.choice([0x1234, 0x9999]))) + _bytes(rng, 20)


def vxlan_frames(rng: random.Random) -> list[bytes]:
    flags = rng.choice([0x08, 0x08, 0x08, 0x00, 0x0C, 0xFF])
    head = struct.pack("!B3s3sB", flags, _bytes(rng, 0) + bytes(3), rng.randint(0, 2**24 - 1).to_bytes(3, "big"),
                       rng.choice([0, 0, 7]))
    sport = rng.randint(40000, 59999)
    return [udp_frame(rng, sport, 4789, head + _inner_frame(rng)),
            udp_frame(rng, sport, 4789, head[: rng.randint(0, 8)]),  # shorter than a VXLAN header
            udp_frame(rng, 4789, sport, head + _inner_frame(rng)[: rng.randint(0, 20)])]


def geneve_frames(rng: random.Random) -> list[bytes]:
    options = b""
    for _ in range(rng.choice([0, 0, 1, 2])):
        words = rng.randint(0, 3)
        options += struct.pack("!HBB", rng.choice([0x0000, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104, 0x0200, 0xFFF5]),
                               rng.randint(0, 255), words | rng.choice([0, 0, 0xE0])) + _bytes(rng, 0) + bytes(
                                   rng.randint(0, 255) for _ in range(4 * words))
    inner = _inner_frame(rng)
    proto = rng.choice([0x6558, 0x6558, 0x0800, 0x86DD, 0x0806, 0x88B5, 0x1234])
    if proto in (0x0800, 0x86DD, 0x0806):
        inner = inner[14:]
    opt_words = len(options) // 4 if rng.random() < 0.9 else rng.randint(0, 63)
    ver = 0 if rng.random() < 0.9 else rng.randint(1, 3)
    head = struct.pack("!BBH3sB", ver << 6 | opt_words, rng.choice([0, 0, 0x80, 0x40, 0xC0, 0x3F]), proto,
                       rng.randint(0, 2**24 - 1).to_bytes(3, "big"), rng.choice([0, 0, 5]))
    sport = rng.randint(40000, 59999)
    return [udp_frame(rng, sport, 6081, head + options + inner),
            udp_frame(rng, sport, 6081, (head + options)[: rng.randint(0, 12)])]


def _dhcp_options(rng: random.Random) -> bytes:
    opts = bytes([53, 1, rng.choice([1, 2, 3, 5, 6, 7, 8, 13, 9, 77])])
    for _ in range(rng.randint(0, 8)):
        tag = rng.choice([1, 2, 3, 6, 12, 15, 19, 21, 23, 25, 26, 28, 33, 43, 46, 50, 51, 52, 54, 55, 57, 60,
                          61, 61, 77, 77, 91, 116, 121, 121, 249, 150, 200, 230, 53, 0, 0])
        if tag == 0:
            opts += b"\0" * rng.randint(1, 3)
            continue
        if tag in (3, 6, 28, 50, 54, 1, 150):
            body = bytes([198, 18, rng.randint(0, 255), rng.randint(1, 254)] * rng.randint(1, 2))
        elif tag in (12, 15, 60):
            body = _label(rng).encode() if rng.random() < 0.8 else HOSTILE_LABEL[:30]
        elif tag == 55:
            body = bytes(rng.sample([1, 3, 6, 12, 15, 28, 42, 119, 121, 252, 200], rng.randint(0, 9)))
        elif tag == 61:
            body = bytes([rng.choice([0, 1, 6, 99])]) + _bytes(rng, 8)
        elif tag == 77:
            body = b"".join(bytes([len(x)]) + x for x in (_label(rng).encode() for _ in range(rng.randint(1, 2))))
            if rng.random() < 0.3:
                body = _bytes(rng, 6)
        elif tag in (121, 249):
            body = b""
            for _ in range(rng.randint(1, 3)):
                width = rng.choice([0, 8, 16, 24, 25, 32, 33])
                body += bytes([width]) + bytes([10, 1, 2, 3][: (width + 7) // 8]) + bytes([198, 18, 0, 1])
            if rng.random() < 0.2:
                body = body[: rng.randint(0, len(body))]
        elif tag in (46, 52):
            body = bytes([rng.choice([1, 2, 3, 4, 8, 9])]) + _bytes(rng, 0)
        else:
            body = _bytes(rng, 9)
        opts += bytes([tag, len(body)]) + body
    return opts + (b"\xff" if rng.random() < 0.8 else b"") + bytes(rng.randint(0, 8))


def dhcp_message(rng: random.Random) -> bytes:
    op = rng.choice([1, 1, 2, 2, 3])
    htype, hlen = rng.choice([(1, 6), (1, 6), (1, 6), (6, 6), (1, 8), (32, 20)])
    head = struct.pack("!BBBBIHH", op, htype, hlen, rng.choice([0, 0, 1]), rng.choice([0, rng.randint(0, 2**32 - 1)]),
                       rng.choice([0, 0, 7]), rng.choice([0, 0x8000, 0x0001]))
    addrs = b"".join(bytes([198, 18, 0, rng.randint(1, 254)]) if rng.random() < 0.4 else bytes(4) for _ in range(4))
    chaddr = bytes.fromhex("020000000001") + bytes(10)
    sname = (_label(rng).encode() if rng.random() < 0.2 else b"").ljust(64, b"\0")
    file = (b"pxelinux.0" if rng.random() < 0.2 else b"").ljust(128, b"\0")
    if rng.random() < 0.05:
        sname = b"x" * 64  # no NUL: tcpdump's [|bootp]
    vend = rng.choice([bytes((99, 130, 83, 99)) + _dhcp_options(rng)] * 6
                      + [bytes(64), b"\x01\x02\x03\x04" + bytes(60)])
    return head + addrs + chaddr + sname + file + vend


def dhcp_frames(rng: random.Random) -> list[bytes]:
    msg = dhcp_message(rng)
    ip = IP(src=_v4(rng), dst=rng.choice(["255.255.255.255", _v4(rng)]))
    sport, dport = rng.choice([(68, 67), (67, 68), (67, 67)])
    return [bytes(Ether(src=MAC_A, dst=MAC_B) / ip / UDP(sport=sport, dport=dport) / msg),
            udp_frame(rng, 68, 67, msg[: rng.randint(0, 240)])]


def ntp_frames(rng: random.Random) -> list[bytes]:
    status = rng.choice([0, 0x40, 0x80, 0xC0]) | rng.choice([3, 4]) << 3 | rng.choice([1, 2, 3, 3, 4, 4, 5, 6, 7, 0])
    stratum = rng.choice([0, 1, 2, 3, 15, 16, 62, 63, 200])
    stamps = b"".join(struct.pack("!II", rng.choice([0, rng.randint(3_800_000_000, 3_999_999_999),
                                                     rng.randint(1, 2**32 - 1)]), rng.randint(0, 2**32 - 1))
                      for _ in range(4))
    refid = b"GPS\0" if stratum == 1 and rng.random() < 0.7 else _bytes(rng, 0) + bytes(
        rng.randint(0, 255) for _ in range(4))
    msg = struct.pack("!BBbbHHHH", status, stratum, rng.randint(-40, 40), rng.randint(-30, 0), rng.randint(0, 9),
                      rng.randint(0, 65535), rng.randint(0, 9), rng.randint(0, 65535)) + refid + stamps
    msg += rng.choice([b"", b"", struct.pack("!I", rng.randint(0, 2**32 - 1)), _bytes(rng, 0) + bytes(20),
                       bytes(rng.randint(0, 255) for _ in range(24)), _bytes(rng, 30)])
    if status & 7 == 6:  # a control message
        count = rng.choice([0, 4, 12, 200])
        msg = struct.pack("!BBHHHHH", status, rng.randint(0, 255), rng.randint(0, 65535), rng.choice([0, 0x615, 5]),
                          rng.randint(0, 9), 0, count) + bytes(rng.choice([0, count]))
    if rng.random() < 0.1:
        msg = msg[: rng.randint(1, 47)]
    sport = rng.choice([123, rng.randint(40000, 59999)])
    return [udp_frame(rng, sport, 123, msg)]


def syslog_frames(rng: random.Random) -> list[bytes]:
    pri = rng.choice([0, 13, 34, 86, 165, 191, 192, 999, rng.randint(0, 999)])
    text = rng.choice([b"<%d>" % pri, b"<%d>" % pri, b"<%d" % pri, b"%d>" % pri, b"<0013>", b"<>"])
    text += rng.choice([b"Nov 30 12:00:00 host app[1]: started", HOSTILE_LABEL, _bytes(rng, 40), b""])
    return [udp_frame(rng, rng.randint(40000, 59999), 514, text)]


def dhcp6_frames(rng: random.Random) -> list[bytes]:
    msg = bytes([rng.choice([*range(17), 200])]) + _bytes(rng, 0) + bytes(
        rng.randint(0, 255) for _ in range(3)) + _bytes(rng, 40)
    ip = IPv6(src=_v6(rng), dst=rng.choice(["ff02::1:2", _v6(rng)]))
    sport, dport = rng.choice([(546, 547), (547, 546), (40000, 547)])
    return [bytes(Ether(src=MAC_A, dst=MAC_B) / ip / UDP(sport=sport, dport=dport) / msg[: rng.choice([1, 3, 44])])]


# name: maker
MAKERS = {
    "dns": dns_frames,
    "mdns": mdns_frames,
    "vxlan": vxlan_frames,
    "dhcp": dhcp_frames,
    "ntp": ntp_frames,
    "dhcp6": dhcp6_frames,
    "syslog": syslog_frames,
    "geneve": geneve_frames,
}


def corpus(name: str, seed: int = 1, groups: int = 60) -> list[bytes]:
    maker = MAKERS[name]
    rng = random.Random(f"{name}-{seed}")
    frames = []
    for _ in range(groups):
        frames.extend(maker(rng))
    return frames
