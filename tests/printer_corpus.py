"""A varied, reproducible set of frames for the printer tests (built with scapy from a seed).

Covers the parity set: Ethernet, 802.1Q (single and stacked), ARP, IPv4, IPv6, TCP connections
(handshake with options, data both ways, FIN or RST close, SACK, sequence numbers near 2**32), UDP,
ICMP and ICMPv6 echo. Ports are ones tcpdump has no dissector for (servers 30000-39999, clients
40000-59999), so its line is the plain TCP/UDP one.
"""

from __future__ import annotations

import random

from scapy.all import ARP, ICMP, IP, TCP, UDP, Dot1Q, Ether, ICMPv6EchoReply, ICMPv6EchoRequest, IPv6

MAC_A, MAC_B = "02:00:00:00:00:01", "02:00:00:00:00:02"


def _hosts(rng: random.Random, v6: bool) -> tuple[str, str]:
    if v6:
        return f"fd00::{rng.randint(1, 0xFFFF):x}", f"fd00:1::{rng.randint(1, 0xFFFF):x}"
    return f"198.18.{rng.randint(0, 255)}.{rng.randint(1, 254)}", f"198.19.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _link(rng: random.Random, fwd: bool, vlan: list[int]) -> Ether:
    eth = Ether(src=MAC_A, dst=MAC_B) if fwd else Ether(src=MAC_B, dst=MAC_A)
    for vid in vlan:
        eth = eth / Dot1Q(vlan=vid, prio=rng.randint(0, 7))
    return eth


def _ip(v6: bool, src: str, dst: str):
    return IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst, flags="DF")


def tcp_connection(rng: random.Random) -> list:
    v6 = rng.random() < 0.4
    vlan = [rng.randint(1, 4094)] * (rng.random() < 0.25)
    c, s = _hosts(rng, v6)
    cp, sp = rng.randint(40000, 59999), rng.randint(30000, 39999)
    # Some connections start near the wrap so relative numbers must be taken modulo 2**32.
    cseq = rng.choice([rng.randint(0, 2**32 - 1), 2**32 - rng.randint(1, 50)])
    sseq = rng.randint(0, 2**32 - 1)
    ts = rng.randint(1, 2**31)
    syn_opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (ts, 0)), ("NOP", None), ("WScale", 7)]
    frames = []

    def seg(fwd: bool, flags: str, seq: int, ack: int, data: bytes = b"", opts=None, win=None):
        src, dst, spt, dpt = (c, s, cp, sp) if fwd else (s, c, sp, cp)
        tcp = TCP(sport=spt, dport=dpt, flags=flags, seq=seq % 2**32, ack=ack % 2**32,
                  window=win if win is not None else rng.randint(200, 65535), options=opts or [])
        frames.append(_link(rng, fwd, vlan) / _ip(v6, src, dst) / tcp / data)

    seg(True, "S", cseq, 0, opts=syn_opts, win=64240)
    seg(False, "SA", sseq, cseq + 1, opts=syn_opts, win=65160)
    cseq += 1
    sseq += 1
    seg(True, "A", cseq, sseq, opts=[("NOP", None), ("NOP", None), ("Timestamp", (ts + 1, ts))])
    for _ in range(rng.randint(1, 6)):
        fwd = rng.random() < 0.5
        data = bytes(rng.randint(0, 255) for _ in range(rng.randint(1, 300)))
        if fwd:
            seg(True, "PA", cseq, sseq, data)
            cseq += len(data)
            seg(False, "A", sseq, cseq)
        else:
            seg(False, "PA", sseq, cseq, data)
            sseq += len(data)
            if rng.random() < 0.3:
                seg(True, "A", cseq, sseq, opts=[("NOP", None), ("NOP", None), ("SAck", (sseq - 10, sseq))])
            else:
                seg(True, "A", cseq, sseq)
    if rng.random() < 0.7:
        seg(True, "FA", cseq, sseq)
        seg(False, "FA", sseq, cseq + 1)
        seg(True, "A", cseq + 1, sseq + 1)
    else:
        seg(rng.random() < 0.5, "R", cseq, 0)
    return frames


def refused_connection(rng: random.Random) -> list:
    v6 = rng.random() < 0.4
    c, s = _hosts(rng, v6)
    cp, sp = rng.randint(40000, 59999), rng.randint(30000, 39999)
    seq = rng.randint(0, 2**32 - 2)
    return [
        Ether(src=MAC_A, dst=MAC_B) / _ip(v6, c, s) / TCP(sport=cp, dport=sp, flags="S", seq=seq),
        Ether(src=MAC_B, dst=MAC_A) / _ip(v6, s, c) / TCP(sport=sp, dport=cp, flags="RA", seq=0, ack=seq + 1),
    ]


def udp_frames(rng: random.Random) -> list:
    v6 = rng.random() < 0.4
    vlan = [rng.randint(1, 4094) for _ in range(rng.choice([0, 0, 1, 2]))]
    c, s = _hosts(rng, v6)
    payload = bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 200)))
    udp = UDP(sport=rng.randint(40000, 59999), dport=rng.randint(30000, 39999))
    return [_link(rng, True, vlan) / _ip(v6, c, s) / udp / payload]


def echo_frames(rng: random.Random) -> list:
    v6 = rng.random() < 0.5
    vlan = [rng.randint(1, 4094)] * (rng.random() < 0.3)
    c, s = _hosts(rng, v6)
    ident, seq = rng.randint(0, 65535), rng.randint(0, 65535)
    data = bytes(rng.randint(0, 255) for _ in range(rng.choice([0, 8, 56, 1000])))
    if v6:
        req, rep = ICMPv6EchoRequest(id=ident, seq=seq), ICMPv6EchoReply(id=ident, seq=seq)
    else:
        req, rep = ICMP(type=8, id=ident, seq=seq), ICMP(type=0, id=ident, seq=seq)
    return [_link(rng, True, vlan) / _ip(v6, c, s) / req / data,
            _link(rng, False, vlan) / _ip(v6, s, c) / rep / data]


def arp_frames(rng: random.Random) -> list:
    vlan = [rng.randint(1, 4094)] * (rng.random() < 0.3)
    a, b = f"198.18.0.{rng.randint(1, 254)}", f"198.18.1.{rng.randint(1, 254)}"
    req = Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff")
    for vid in vlan:
        req = req / Dot1Q(vlan=vid)
    frames = [req / ARP(op=1, hwsrc=MAC_A, psrc=a, pdst=b),
              _link(rng, False, vlan) / ARP(op=2, hwsrc=MAC_B, psrc=b, hwdst=MAC_A, pdst=a)]
    if rng.random() < 0.5:
        # Padded to the Ethernet minimum, as frames on a real wire are.
        frames = [f / (b"\0" * max(0, 60 - len(f))) for f in frames]
    return frames


def parity_frames(seed: int = 7, groups: int = 120) -> list:
    """Frames with increasing timestamps (micro- and nanosecond parts vary)."""
    rng = random.Random(seed)
    makers = [tcp_connection, tcp_connection, refused_connection, udp_frames, udp_frames, echo_frames,
              arp_frames]
    frames = []
    t_ns = 1_700_000_000_000_000_000 + rng.randint(0, 10**12)
    for _ in range(groups):
        for f in rng.choice(makers)(rng):
            t_ns += rng.randint(1, 3_000_000_000)
            frames.append((t_ns, bytes(f)))
    return frames
