"""Lines for everything the tcpdump formatter does not decode itself, from one scapy dissection.

scapy is imported once with all its layers so that DNS, NTP, DHCP, SNMP, VXLAN, IGMP, ICMP errors,
neighbour discovery, LLC/STP... get named. Every call dissects the bytes once and never raises:
a frame scapy cannot make sense of is described by its length.
"""

from __future__ import annotations

import logging

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (  # noqa: E402 - the logger must be quiet before scapy loads its layers
    ICMP,
    IP,
    TCP,
    UDP,
    Dot1Q,
    Ether,
    IPv6,
    Packet,
    Padding,
    Raw,
    conf,
)


def _ports(layer: type[Packet]) -> frozenset[int]:
    ports = set()
    for fields, _cls in layer.payload_guess:
        for key in ("sport", "dport"):
            if key in fields:
                ports.add(fields[key])
    return frozenset(ports)


_SCAPY_PORTS = {"udp": _ports(UDP), "tcp": _ports(TCP)}


def port_has_scapy_layer(l4: str, sport: int, dport: int) -> bool:
    """Whether scapy knows an application protocol on one of these ports (worth a dissection)."""
    known = _SCAPY_PORTS[l4]
    return sport in known or dport in known


def _describe(layer: Packet | None) -> str:
    while isinstance(layer, (Ether, Dot1Q)):
        layer = layer.payload
    if layer is None or not layer:
        return "0 bytes"
    if isinstance(layer, (Raw, Padding)):
        return f"{len(layer.load)} bytes"
    return layer.summary()


def l2_summary(data: bytes, linktype: int, skip_link: bool = False) -> str:
    """Summary of a whole frame (or, with ``skip_link``, of what follows its Ethernet/VLAN headers)."""
    try:
        cls = Ether if linktype == 1 else conf.l2types.get(linktype, Raw)
        pkt = cls(data)
        if skip_link:
            return _describe(pkt)
        return pkt.summary()
    except Exception:
        return f"{len(data)} bytes"


def payload_summary(raw: bytes, context: str, proto: int) -> str:
    """Summary of ``raw`` found inside ``context``: "ip"/"ip6" (``proto`` is the next protocol),
    "udp"/"tcp" (``raw`` starts at the transport header; the application payload is described),
    "icmp"/"icmp6" (``raw`` starts at the ICMP header)."""
    try:
        if context in ("ip", "ip6"):
            # Let scapy's own next-protocol guess run by re-dissecting behind a minimal header.
            outer = IP(proto=proto) if context == "ip" else IPv6(nh=proto)
            inner = outer.__class__(bytes(outer / Raw(raw))).payload
            if isinstance(inner, (Raw, Padding)) or not inner:
                return f"ip-proto-{proto} {len(raw)}"
            return inner.summary()
        if context in ("udp", "tcp"):
            seg = (UDP if context == "udp" else TCP)(raw)
            return _describe(seg.payload)
        if context == "icmp":
            msg = ICMP(raw)
            return msg.sprintf("%ICMP.type% %ICMP.code%")
        if context == "icmp6":
            return _icmp6(raw)
    except Exception:
        pass
    return f"{len(raw)} bytes"


def _icmp6(raw: bytes) -> str:
    from scapy.layers.inet6 import icmp6typescls

    cls = icmp6typescls.get(raw[0])
    if cls is None:
        return f"type {raw[0]}, code {raw[1] if len(raw) > 1 else 0}"
    return cls(raw).summary()
