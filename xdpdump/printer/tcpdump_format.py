"""One tcpdump line per frame: Ethernet, 802.1Q, ARP, IPv4, IPv6, TCP, UDP, ICMP and ICMPv6 echo.

For these protocols the line is built from the header bytes exactly as tcpdump 4.99 prints them with
``-n`` (and ``-e``, ``-q``; ``-v`` adds the IPv4/IPv6 header details). Headers are read with ``struct``
straight from the frame rather than through scapy objects: tcpdump's output depends on how many bytes
were captured (``[|tcp]`` markers in snapped frames) and on raw option bytes, both of which a scapy
dissection hides, and this is the only per-packet Python, so it stays lean. Everything else (DNS, NTP,
IGMP, other ICMP types, unknown ethertypes, LLC...) is dissected once by scapy and summarised.

Truncation: a printer that needs bytes past the captured data raises ``Truncated(proto)``; the caller
appends `` [|proto]`` to what was printed so far, as tcpdump does.
"""

from __future__ import annotations

import socket
import struct
import time

from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.printer.options import PrintOptions
from xdpdump.printer.scapy_summary import l2_summary, payload_summary, port_has_scapy_layer
from xdpdump.printer.tcp_seq import TcpSeqTracker

LINKTYPE_RAW = 101
LINKTYPE_RAW_OLD = 12

ETHERTYPE_NAMES = {
    0x0800: "IPv4",
    0x0806: "ARP",
    0x8035: "Reverse ARP",
    0x86DD: "IPv6",
    0x8100: "802.1Q",
    0x88A8: "802.1Q-QinQ",
    0x9100: "802.1Q-9100",
    0x88CC: "LLDP",
    0x8847: "MPLS unicast",
    0x8848: "MPLS multicast",
    0x8863: "PPPoE D",
    0x8864: "PPPoE S",
    0x888E: "EAPOL",
    0x88F7: "PTP",
}
_VLAN_TYPES = (0x8100, 0x88A8, 0x9100)
_IP_PROTO_NAMES = {1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6",
                   132: "SCTP"}
_TCP_FLAGS = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "."), (0x20, "U"),
              (0x40, "E"), (0x80, "W"))
_TCP_OPT_NAMES = {0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack", 6: "echo",
                  7: "echoreply", 8: "TS", 11: "cc", 12: "ccnew", 13: "", 19: "md5", 20: "scps",
                  28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo", 254: "exp"}
_ARP_OPS = {1: "Request", 2: "Reply", 3: "Reverse Request", 4: "Reverse Reply", 8: "InATMARP Request",
            9: "InATMARP Reply", 10: "NACK Reply"}

_u16 = struct.Struct("!H").unpack_from
_u32 = struct.Struct("!I").unpack_from


class Truncated(Exception):
    """The captured bytes end inside a header; ``proto`` names it as tcpdump's ``[|proto]``."""

    def __init__(self, proto: str) -> None:
        super().__init__(proto)
        self.proto = proto


def format_timestamp(ts_ns: int) -> str:
    """tcpdump's default stamp: local wall-clock time with microseconds (nanoseconds truncated)."""
    usec = ts_ns // 1000
    sec, frac = divmod(usec, 1_000_000)
    return time.strftime("%H:%M:%S", time.localtime(sec)) + f".{frac:06d}"


def mac(b: bytes) -> str:
    return b.hex(":")


def _ip4(b: bytes) -> str:
    return f"{b[0]}.{b[1]}.{b[2]}.{b[3]}"


def _ip6(b: bytes) -> str:
    return socket.inet_ntop(socket.AF_INET6, b)


class LineFormatter:
    """Formats frames into tcpdump lines; holds the TCP state that relative numbering needs."""

    def __init__(self, opts: PrintOptions) -> None:
        self.opts = opts
        self.tcp_seq = TcpSeqTracker()
        # Bytes of link-layer header of the last frame: -x/-X dump what follows it, as tcpdump.
        self.link_hdrlen = 0

    def body(self, data: bytes, wire_len: int, linktype: int = LINKTYPE_ETHERNET) -> str:
        """The line after the timestamp (without hex dump or newline)."""
        out: list[str] = []
        self.link_hdrlen = 0
        if not data:
            return "[Invalid header: caplen==0]"
        try:
            if linktype == LINKTYPE_ETHERNET:
                self._ether(out, data, wire_len)
            elif linktype in (LINKTYPE_RAW, LINKTYPE_RAW_OLD):
                self._raw_ip(out, data, 0, wire_len)
            else:
                out.append(l2_summary(data, linktype))
        except Truncated as t:
            if t.proto:
                out.append(f" [|{t.proto}]")
        return "".join(out)

    # --- link layer ------------------------------------------------------------------------------

    def _ether(self, out: list[str], data: bytes, wire_len: int) -> None:
        if len(data) < 14:
            raise Truncated("ether")
        eflag, qflag = self.opts.link, self.opts.quiet
        etype = _u16(data, 12)[0]
        addrs = f"{mac(data[6:12])} > {mac(data[0:6])}"
        if etype <= 1500:
            # 802.3 length field: LLC/SNAP, STP... not in the parity set; scapy names it.
            self.link_hdrlen = 14
            out.append(f"{addrs}, 802.3, length {wire_len}: " + l2_summary(data, LINKTYPE_ETHERNET))
            return
        if eflag and etype in _VLAN_TYPES and len(data) < 18:
            # tcpdump names an 802.1Q ethertype only once the tag itself was captured.
            out.append(f"{addrs}, ")
            raise Truncated("vlan")
        if eflag:
            if qflag:
                out.append(f"{addrs}, {ETHERTYPE_NAMES.get(etype, 'Unknown Ethertype')}")
                if etype not in ETHERTYPE_NAMES:
                    out.append(f" (0x{etype:04x})")
                out.append(f", length {wire_len}: ")
            else:
                out.append(f"{addrs}, ethertype {ETHERTYPE_NAMES.get(etype, 'Unknown')} (0x{etype:04x}), "
                           f"length {wire_len}: ")
        off = 14
        while etype in _VLAN_TYPES:
            if len(data) < off + 4:
                raise Truncated("vlan")
            tci, etype = struct.unpack_from("!HH", data, off)
            if eflag:
                dei = ", DEI" if tci & 0x1000 else ""
                if qflag:
                    inner = ETHERTYPE_NAMES.get(etype, f"Unknown Ethertype (0x{etype:04x})")
                else:
                    inner = f"ethertype {ETHERTYPE_NAMES.get(etype, 'Unknown')} (0x{etype:04x})"
                if etype in _VLAN_TYPES and len(data) < off + 8:
                    out.append(f"vlan {tci & 0xFFF}, p {tci >> 13}{dei}, ")
                    raise Truncated("vlan")
                out.append(f"vlan {tci & 0xFFF}, p {tci >> 13}{dei}, {inner}, ")
            off += 4
        self.link_hdrlen = off
        rest = max(wire_len - off, 0)
        if etype == 0x0800:
            self._ip4(out, data, off, rest)
        elif etype == 0x86DD:
            self._ip6(out, data, off, rest)
        elif etype == 0x0806:
            self._arp(out, data, off, rest)
        else:
            if not eflag:
                out.append(f"{addrs}, ethertype {ETHERTYPE_NAMES.get(etype, 'Unknown')} (0x{etype:04x}), "
                           f"length {wire_len}: ")
            out.append(l2_summary(data, LINKTYPE_ETHERNET, skip_link=True))

    def _raw_ip(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        if len(data) <= off:
            raise Truncated("ip")
        version = data[off] >> 4
        if version == 4:
            self._ip4(out, data, off, wire)
        elif version == 6:
            self._ip6(out, data, off, wire)
        else:
            out.append(f"unknown ip {version}")

    def _arp(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        avail = len(data) - off
        if avail < 8:
            raise Truncated("arp")
        hrd, pro, hln, pln, op = struct.unpack_from("!HHBBH", data, off)
        ether_ip = hrd == 1 and pro == 0x0800 and hln == 6 and pln == 4
        if ether_ip and avail < 28:
            raise Truncated("arp")
        if not self.opts.link:
            out.append("ARP, ")
        if not ether_ip:
            out.append(l2_summary(data, LINKTYPE_ETHERNET, skip_link=True) + f", length {wire}")
            return
        sha, spa = data[off + 8 : off + 14], _ip4(data[off + 14 : off + 18])
        tha, tpa = data[off + 18 : off + 24], _ip4(data[off + 24 : off + 28])
        if self.opts.verbose:
            out.append("Ethernet (len 6), IPv4 (len 4), ")
        if op == 1:
            known = f" ({mac(tha)})" if any(tha) else ""
            out.append(f"Request who-has {tpa}{known} tell {spa}")
        elif op == 2:
            out.append(f"Reply {spa} is-at {mac(sha)}")
        elif op == 3:
            out.append(f"Reverse Request who-is {mac(tha)} tell {mac(sha)}")
        elif op == 4:
            out.append(f"Reverse Reply {mac(tha)} at {tpa}")
        else:
            out.append(f"{_ARP_OPS.get(op, f'Unknown ({op})')} {spa} > {tpa}")
        out.append(f", length {wire}")

    # --- network layer -----------------------------------------------------------------------------

    def _ip4(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        avail = len(data) - off
        if avail < 1:
            raise Truncated("ip")
        if not self.opts.link:
            out.append("IP ")
        if avail < 20:
            raise Truncated("ip")
        vihl, tos, total, ident, frag, ttl, proto = struct.unpack_from("!BBHHHBB", data, off)
        hlen = (vihl & 0x0F) * 4
        src, dst = _ip4(data[off + 12 : off + 16]), _ip4(data[off + 16 : off + 20])
        if hlen < 20:
            out.append(f"{src} > {dst}: bad-hlen {hlen}")
            return
        if wire < total:
            out.append(f"truncated-ip - {total - wire} bytes missing! ")
        if self.opts.verbose:
            flags = [n for bit, n in ((0x2000, "+"), (0x4000, "DF"), (0x8000, "rsvd")) if frag & bit]
            ecn = ("", ",ECT(1)", ",ECT(0)", ",CE")[tos & 3]
            out.append(f"(tos 0x{tos & ~3 & 0xFF:x}{ecn}, ttl {ttl}, id {ident}, offset {(frag & 0x1FFF) * 8}, "
                       f"flags [{', '.join(flags) or 'none'}], "
                       f"proto {_IP_PROTO_NAMES.get(proto, 'unknown')} ({proto}), length {total})\n    ")
        plen = max(total - hlen, 0)
        if frag & 0x1FFF:
            out.append(f"{src} > {dst}: ip-proto-{proto}")
            return
        if proto not in (6, 17):
            out.append(f"{src} > {dst}: ")
        if avail < hlen:
            out.append(f" [remaining caplen({avail}) < header length({hlen})]")
            raise Truncated("ip")
        self._transport(out, data, off + hlen, plen, proto, src, dst, 4)

    def _ip6(self, out: list[str], data: bytes, off: int, wire: int) -> None:
        if len(data) - off < 40:
            raise Truncated("ip6")
        if not self.opts.link:
            out.append("IP6 ")
        vcf, plen, nh, hlim = struct.unpack_from("!IHBB", data, off)
        src, dst = _ip6(data[off + 8 : off + 24]), _ip6(data[off + 24 : off + 40])
        if self.opts.verbose:
            cls, flow = (vcf >> 20) & 0xFF, vcf & 0xFFFFF
            head = ""
            if cls:
                head += f"class 0x{cls:02x}, "
            if flow:
                head += f"flowlabel 0x{flow:05x}, "
            name = _IP_PROTO_NAMES.get(nh, "unknown")
            out.append(f"({head}hlim {hlim}, next-header {name} ({nh}) payload length: {plen}) ")
        if nh not in (6, 17, 58):
            out.append(f"{src} > {dst}: " + _spaced(payload_summary(data[off + 40 :], "ip6", nh)))
            return
        if nh == 58:
            out.append(f"{src} > {dst}: ")
        self._transport(out, data, off + 40, plen, nh, src, dst, 6)

    # --- transport layer ---------------------------------------------------------------------------

    def _transport(self, out: list[str], data: bytes, off: int, plen: int, proto: int,
                   src: str, dst: str, ipv: int) -> None:
        if proto == 6:
            self._tcp(out, data, off, plen, src, dst, ipv)
        elif proto == 17:
            self._udp(out, data, off, plen, src, dst, ipv)
        elif proto == 1:
            self._icmp(out, data, off, plen)
        elif proto == 58:
            self._icmp6(out, data, off, plen)
        else:
            out.append(_spaced(payload_summary(data[off : off + plen], "ip", proto)))

    def _tcp(self, out: list[str], data: bytes, off: int, plen: int, src: str, dst: str, ipv: int) -> None:
        avail = len(data) - off
        if avail < 4:
            out.append(f"{src} > {dst}:")
            raise Truncated("tcp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{src}.{sport} > {dst}.{dport}:")
        if avail < 20:
            out.append(" ")
            raise Truncated("tcp")
        out.append(" ")
        _, _, seq, ack, doff, flags, win, _cksum, urp = struct.unpack_from("!HHIIBBHHH", data, off)
        hlen = (doff >> 4) * 4
        if hlen < 20:
            out.append(f"tcp {plen} [bad hdr length {hlen} - too short, < 20]")
            return
        if self.opts.quiet:
            out.append(f"tcp {max(plen - hlen, 0)}")
            return
        fl = "".join(n for bit, n in _TCP_FLAGS if flags & bit) or "none"
        out.append(f"Flags [{fl}]")
        if self.opts.absolute_seq:
            rseq, rack, _mine, peer = seq, ack, 0, 0
        else:
            saddr, daddr = src, dst
            rseq, rack, _mine, peer = self.tcp_seq.relative(
                saddr.encode(), sport, daddr.encode(), dport, seq, ack, bool(flags & 0x02), bool(flags & 0x10))
        length = plen - hlen
        if hlen > plen:
            length = 0
        if self.opts.verbose > 1 or length > 0 or flags & 0x07:
            out.append(f", seq {rseq}")
            if length > 0:
                out.append(f":{(rseq + length) & 0xFFFFFFFF}")
        if flags & 0x10:
            out.append(f", ack {rack}")
        out.append(f", win {win}")
        if flags & 0x20:
            out.append(f", urg {urp}")
        if hlen > 20:
            out.append(", options [")
            self._tcp_options(out, data, off + 20, hlen - 20, peer)
            out.append("]")
        out.append(f", length {length}")
        if length > 0 and port_has_scapy_layer("tcp", sport, dport) and avail > hlen:
            out.append(": " + payload_summary(data[off : off + avail], "tcp", 0))

    def _tcp_options(self, out: list[str], data: bytes, off: int, hlen: int, peer_base: int) -> None:
        end = off + hlen
        first = True
        pos = off
        while pos < end:
            if not first:
                out.append(",")
            first = False
            if pos >= len(data):
                raise Truncated("tcp")
            kind = data[pos]
            if kind in (0, 1):
                length = 1
            else:
                if pos + 1 >= len(data):
                    raise Truncated("tcp")
                length = data[pos + 1]
                if length < 2 or length > end - pos:
                    out.append(f"{_TCP_OPT_NAMES.get(kind, f'unknown-{kind}')}[bad opt]")
                    return
            name = _TCP_OPT_NAMES.get(kind, f"unknown-{kind}")
            out.append(name)
            if pos + length > len(data):
                self._tcp_option_cut(out, kind, length, data[pos + 2 :], peer_base, pos == off)
            val = data[pos + 2 : pos + length]
            out.append(self._tcp_option_value(kind, val, peer_base))
            pos += length
            if kind == 0:
                break

    @staticmethod
    def _tcp_option_cut(out: list[str], kind: int, length: int, val: bytes, peer_base: int,
                        first: bool) -> None:
        """An option whose value was not all captured: what tcpdump prints before giving up.

        tcpdump checks the length before printing most values, but prints a SACK's block count and
        each complete block, and an unknown option byte by byte; its truncation exit then adds ``>``
        unless this was the first option.
        """
        if kind == 5 and (length - 2) % 8 == 0:
            whole = val[: len(val) // 8 * 8]
            blocks = "".join(f"{{{(a - peer_base) & 0xFFFFFFFF}:{(b - peer_base) & 0xFFFFFFFF}}}"
                             for a, b in struct.iter_unpack("!II", whole))
            out.append(f" {(length - 2) // 8} {blocks}")
        elif kind not in _TCP_OPT_NAMES or kind == 254:
            out.append(f" 0x{val.hex()}")
        out.append(" [|tcp]" if first else " [|tcp]>")
        raise _Done()

    @staticmethod
    def _tcp_option_value(kind: int, val: bytes, peer_base: int) -> str:
        expect = {2: 2, 3: 1, 8: 8, 11: 4, 12: 4, 13: 4, 28: 2}.get(kind)
        if expect is not None and len(val) != expect:
            return f"[len {len(val) + 2}]"
        if kind == 2:
            return f" {_u16(val)[0]}"
        if kind == 3:
            return f" {val[0]}"
        if kind == 8:
            tsval, tsecr = struct.unpack("!II", val)
            return f" val {tsval} ecr {tsecr}"
        if kind in (11, 12, 13):
            return f" {_u32(val)[0]}"
        if kind == 28:
            uto = _u16(val)[0]
            return f" {(uto >> 1) * 60 if uto & 1 else uto >> 1}"
        if kind == 5:
            if len(val) % 8:
                return " invalid sack"
            blocks = "".join(
                f"{{{(s - peer_base) & 0xFFFFFFFF}:{(e - peer_base) & 0xFFFFFFFF}}}"
                for s, e in struct.iter_unpack("!II", val))
            return f" {len(val) // 8} {blocks}"
        if kind in (0, 1, 4):
            return ""
        return f" 0x{val.hex()}" if val else ""

    def _udp(self, out: list[str], data: bytes, off: int, plen: int, src: str, dst: str, ipv: int) -> None:
        avail = len(data) - off
        if avail < 4:
            out.append(f"{src} > {dst}: ")
            raise Truncated("udp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{src}.{sport} > {dst}.{dport}:")
        if avail < 8:
            out.append(" ")
            raise Truncated("udp")
        out.append(" ")
        ulen = _u16(data, off + 4)[0]
        if ulen < 8:
            out.append(f"truncated-udplength {ulen}")
            return
        if ulen > plen:
            out.append(f"UDP, bad length {ulen} > {plen}")
            return
        if port_has_scapy_layer("udp", sport, dport) and not self.opts.quiet:
            out.append(payload_summary(data[off:], "udp", 0) + f", length {ulen - 8}")
            return
        out.append(f"UDP, length {ulen - 8}")

    def _icmp(self, out: list[str], data: bytes, off: int, plen: int) -> None:
        if len(data) - off < 8:
            raise Truncated("icmp")
        typ, code, _ck, ident, seq = struct.unpack_from("!BBHHH", data, off)
        if typ in (0, 8) and code == 0:
            kind = "echo request" if typ == 8 else "echo reply"
            out.append(f"ICMP {kind}, id {ident}, seq {seq}, length {plen}")
        else:
            out.append("ICMP " + payload_summary(data[off:], "icmp", 0) + f", length {plen}")

    def _icmp6(self, out: list[str], data: bytes, off: int, plen: int) -> None:
        avail = len(data) - off
        if avail < 1:
            raise Truncated("icmp6")
        typ = data[off]
        if typ in (128, 129):
            out.append("ICMP6, echo request" if typ == 128 else "ICMP6, echo reply")
            if avail < 8:
                raise Truncated("icmp6")
            ident, seq = struct.unpack_from("!HH", data, off + 4)
            out.append(f", id {ident}, seq {seq}, length {plen}")
        else:
            out.append("ICMP6, " + payload_summary(data[off:], "icmp6", 0) + f", length {plen}")


def _spaced(summary: str) -> str:
    # tcpdump writes unknown protocols as "src > dst:  ip-proto-N LEN" (two spaces).
    return " " + summary if summary.startswith("ip-proto-") else summary


class _Done(Truncated):
    """Raised after a marker tcpdump prints mid-options; nothing more follows on the line."""

    def __init__(self) -> None:
        super().__init__("")
