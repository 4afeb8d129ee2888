"""Frames per protocol for the differential tests against tcpdump (built with scapy, seeded).

Each ``*_frames(rng)`` returns a list of frames (bytes) of one link type; ``CORPORA`` maps a name to
(link type, maker). Addresses are in the test ranges (198.18.0.0/15, fd00::/8).
"""

from __future__ import annotations

import random
import struct

from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, IPv6, Raw
from scapy.layers.inet6 import (
    ICMPv6DestUnreach,
    ICMPv6EchoReply,
    ICMPv6EchoRequest,
    ICMPv6MLDMultAddrRec,
    ICMPv6MLDone,
    ICMPv6MLQuery,
    ICMPv6MLQuery2,
    ICMPv6MLReport,
    ICMPv6MLReport2,
    ICMPv6ND_NA,
    ICMPv6ND_NS,
    ICMPv6ND_RA,
    ICMPv6ND_Redirect,
    ICMPv6ND_RS,
    ICMPv6NDOptSrcLLAddr,
    ICMPv6PacketTooBig,
    ICMPv6ParamProblem,
    ICMPv6TimeExceeded,
    ICMPv6Unknown,
)

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def _v4(rng: random.Random) -> str:
    return f"198.{rng.randint(18, 19)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _v6(rng: random.Random) -> str:
    return f"fd00:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"


def _payload(rng: random.Random, most: int = 64) -> bytes:
    return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, most)))


def _ip_packets(rng: random.Random) -> list:
    """A few ordinary IPv4/IPv6 packets (what the link-type corpora carry)."""
    a4, b4, a6, b6 = _v4(rng), _v4(rng), _v6(rng), _v6(rng)
    return [
        IP(src=a4, dst=b4) / ICMP(id=rng.randint(0, 65535), seq=rng.randint(0, 65535)) / _payload(rng),
        IP(src=a4, dst=b4) / UDP(sport=rng.randint(40000, 59999), dport=rng.randint(30000, 39999)) / _payload(rng),
        IP(src=a4, dst=b4) / TCP(sport=rng.randint(40000, 59999), dport=rng.randint(30000, 39999), flags="S"),
        IPv6(src=a6, dst=b6) / UDP(sport=rng.randint(40000, 59999), dport=rng.randint(30000, 39999)) / _payload(rng),
        IPv6(src=a6, dst=b6) / ICMPv6EchoRequest(id=rng.randint(0, 65535), seq=1),
    ]


def _sll(pkttype: int, proto: int, payload: bytes, halen: int = 6) -> bytes:
    return struct.pack("!HHH8sH", pkttype, 1, halen, bytes.fromhex("020000000001") + b"\0\0", proto) + payload


def _sll2(pkttype: int, proto: int, payload: bytes, ifindex: int) -> bytes:
    return struct.pack("!HHIHBB8s", proto, 0, ifindex, 1, pkttype, 6, bytes.fromhex("020000000001") + b"\0\0") + payload


def sll_frames(rng: random.Random) -> list[bytes]:
    arp = bytes(ARP(op=rng.choice([1, 2]), hwsrc=MAC_A, psrc=_v4(rng), pdst=_v4(rng)))
    frames = [_sll(rng.choice([0, 1, 2, 3, 4, 7]), 0x0800 if p.version == 4 else 0x86DD, bytes(p))
              for p in _ip_packets(rng)]
    frames.append(_sll(4, 0x0806, arp))
    frames.append(_sll(0, rng.choice([0x1234, 0x88B5, 0x9999]), _payload(rng)))
    frames.append(_sll(0, 0x8100, struct.pack("!HH", rng.randint(0, 0xFFFF), 0x0800) + bytes(_ip_packets(rng)[0])))
    frames.append(_sll(0, 0x0800, bytes(_ip_packets(rng)[1]), halen=rng.choice([0, 4, 8])))
    return frames


def sll2_frames(rng: random.Random) -> list[bytes]:
    # Interface indexes are resolved on the reading machine, as tcpdump does: 1 is always "lo".
    ifindex = rng.choice([1, 987654])
    frames = [_sll2(rng.choice([0, 1, 2, 3, 4, 9]), 0x0800 if p.version == 4 else 0x86DD, bytes(p), ifindex)
              for p in _ip_packets(rng)]
    frames.append(_sll2(0, rng.choice([0x1234, 0x9999]), _payload(rng), ifindex))
    return frames


def null_frames(rng: random.Random) -> list[bytes]:
    fams = {4: 2, 6: rng.choice([24, 28, 30])}
    frames = [struct.pack("<I", fams[p.version]) + bytes(p) for p in _ip_packets(rng)]
    frames.append(struct.pack(">I", 2) + bytes(_ip_packets(rng)[0]))  # written on a big-endian host
    frames.append(struct.pack("<I", rng.choice([99, 1000])) + _payload(rng))
    return frames


def loop_frames(rng: random.Random) -> list[bytes]:
    fams = {4: 2, 6: rng.choice([24, 28, 30])}
    return [struct.pack(">I", fams[p.version]) + bytes(p) for p in _ip_packets(rng)]


def raw_frames(rng: random.Random) -> list[bytes]:
    return [bytes(p) for p in _ip_packets(rng)] + [bytes([rng.choice([0x15, 0x75, 0xF5])]) + _payload(rng)]


def ether_generic_frames(rng: random.Random) -> list[bytes]:
    """Unknown ethertypes (tcpdump's header line and hex dump), plain and behind 802.1Q tags."""
    etype = rng.choice([0x1234, 0x9999, 0x7FFF, 0xFFFF])
    frames = [Ether(src=MAC_A, dst=MAC_B, type=etype) / _payload(rng),
              Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=rng.randint(1, 4094), type=etype) / _payload(rng)]
    return [bytes(f) for f in frames]


def arp_frames(rng: random.Random) -> list[bytes]:
    frames = []
    for op in (1, 2, 3, 4, 8, 9, rng.randint(5, 300)):
        arp = ARP(op=op, hwsrc=MAC_A, psrc=_v4(rng), pdst=_v4(rng), hwdst=rng.choice([MAC_B, "00:00:00:00:00:00"]))
        frames.append(Ether(src=MAC_A, dst=MAC_B, type=rng.choice([0x0806, 0x8035])) / arp)
    hln, pln = rng.choice([(6, 4), (8, 4), (6, 16), (0, 4), (2, 4)])
    raw = struct.pack("!HHBBH", rng.choice([1, 6, 15, 24, 999]), rng.choice([0x0800, 0x86DD, 0x1000]), hln, pln,
                      rng.choice([1, 2, 3, 4, 8, 9])) + _payload(rng, 0) + bytes(rng.randint(0, 255)
                                                                                for _ in range(2 * (hln + pln)))
    frames.append(Ether(src=MAC_A, dst=MAC_B, type=0x0806) / raw)
    return [bytes(f) for f in frames]


def icmp_frames(rng: random.Random) -> list[bytes]:
    e = Ether(src=MAC_A, dst=MAC_B)
    ip = IP(src=_v4(rng), dst=_v4(rng))
    proto = rng.choice([6, 17, 1, 47])
    inner = IP(src=_v4(rng), dst=_v4(rng), proto=proto) / struct.pack("!HHI", rng.randint(1, 65535),
                                                                      rng.randint(1, 65535), 0)
    typ = rng.choice([0, 3, 3, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, rng.randint(0, 255)])
    code = rng.choice([0, 1, 2, 3, 4, rng.randint(0, 20)])
    if typ in (0, 8, 13, 15, 16, 17):
        body = _payload(rng, 24)
    elif typ == 14:
        body = _payload(rng, 0) + bytes(rng.randint(0, 255) for _ in range(12))
    elif typ == 9:
        body = b"".join(struct.pack("!4BI", 198, 18, 0, i, rng.randint(0, 2**32 - 1)) for i in range(3))
    else:
        body = bytes(inner)
    rest = rng.choice([0, 1400, rng.randint(0, 2**32 - 1)]) if typ in (3, 5, 12) else rng.randint(0, 2**32 - 1)
    if typ == 9:
        rest = struct.unpack("!I", struct.pack("!BBH", rng.randint(0, 3), rng.choice([2, 2, 3]),
                                               rng.choice([0, 59, 1800, 9000])))[0]
    icmp = struct.pack("!BBHI", typ, code, 0, rest)
    return [bytes(e / ip / Raw(icmp + body))]


def icmp6_frames(rng: random.Random) -> list[bytes]:
    e = Ether(src=MAC_A, dst=MAC_B)
    ip = IPv6(src=_v6(rng), dst=_v6(rng))
    nh = rng.choice([6, 17])
    inner = bytes(IPv6(src=_v6(rng), dst=_v6(rng), nh=nh) / struct.pack("!HHI", rng.randint(1, 65535),
                                                                       rng.randint(1, 65535), 0))
    pick = rng.randint(0, 16)
    msg = [
        lambda: ICMPv6DestUnreach(code=rng.randint(0, 8)) / inner,
        lambda: ICMPv6PacketTooBig(mtu=rng.randint(1280, 9000)) / inner,
        lambda: ICMPv6TimeExceeded(code=rng.randint(0, 3)) / inner,
        lambda: ICMPv6ParamProblem(code=rng.randint(0, 4), ptr=rng.randint(0, 100)) / inner,
        lambda: ICMPv6EchoRequest(id=rng.randint(0, 65535), seq=rng.randint(0, 65535)) / _payload(rng),
        lambda: ICMPv6EchoReply(id=rng.randint(0, 65535), seq=rng.randint(0, 65535)) / _payload(rng),
        lambda: ICMPv6ND_NS(tgt=_v6(rng)) / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A),
        lambda: ICMPv6ND_NA(tgt=_v6(rng), R=rng.randint(0, 1), S=rng.randint(0, 1)),
        lambda: ICMPv6ND_RS(),
        lambda: ICMPv6ND_RA(routerlifetime=rng.randint(0, 9000)),
        lambda: ICMPv6ND_Redirect(tgt=_v6(rng), dst=_v6(rng)),
        lambda: ICMPv6MLQuery(mladdr="ff02::1:3"),
        lambda: ICMPv6MLReport(mladdr="ff02::1:3"),
        lambda: ICMPv6MLDone(mladdr="ff02::1:3"),
        lambda: ICMPv6MLQuery2(mladdr=rng.choice(["::", "ff02::fb"]), sources=[_v6(rng)] * rng.randint(0, 2)),
        lambda: ICMPv6MLReport2(records=[ICMPv6MLDMultAddrRec(dst="ff02::fb")] * rng.randint(0, 3)),
        lambda: ICMPv6Unknown(type=rng.choice([5, 100, 127, 150, 254]), msgbody=_payload(rng, 20)),
    ][pick]()
    return [bytes(e / ip / msg)]


# name: (link type, maker)
CORPORA = {
    "sll": (113, sll_frames),
    "sll2": (276, sll2_frames),
    "null": (0, null_frames),
    "loop": (108, loop_frames),
    "raw": (101, raw_frames),
    "ipv4": (228, raw_frames),
    "ipv6": (229, raw_frames),
    "ether-generic": (1, ether_generic_frames),
    "arp": (1, arp_frames),
    "icmp": (1, icmp_frames),
    "icmp6": (1, icmp6_frames),
}


def corpus(name: str, seed: int = 1, groups: int = 60) -> tuple[int, list[bytes]]:
    linktype, maker = CORPORA[name]
    rng = random.Random(f"{name}-{seed}")
    frames = []
    for _ in range(groups):
        frames.extend(maker(rng))
    return linktype, frames


__all__ = ["CORPORA", "Raw", "corpus"]
