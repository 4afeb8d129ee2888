"""TCP as tcpdump prints it: flags, relative sequence numbers (tcp_seq.py), every option tcpdump
names, and the application suffix for the ports tcpdump names."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Done, Truncated, u16, u32
from xdpdump.printer.mptcp import mptcp_text

_TCP_FLAGS = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "."), (0x20, "U"),
              (0x40, "E"), (0x80, "W"))
_TCP_OPT_NAMES = {0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack", 6: "echo",
                  7: "echoreply", 8: "TS", 11: "cc", 12: "ccnew", 13: "", 19: "md5", 20: "scps",
                  28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo", 254: "exp"}
# Options whose value has a fixed size tcpdump reads (its LENCHECK) before printing it.
_FIXED = {2: 2, 3: 1, 6: 4, 7: 4, 8: 8, 11: 4, 12: 4, 13: 4, 19: 16, 20: 2, 28: 2}

# The ports tcpdump 4.99 hands a TCP payload to an application printer for (print-tcp.c, in its
# order: telnet, smtp, whois, bgp, pptp, redis, ssh, beep, openflow, ftp, http, rtsp, domain, msdp,
# rpki-rtr, ldp, nfs; Debian builds it without SMB). A segment with payload on one of these ports
# may get more than the TCP line: a fast path for plain TCP lines must leave those to this printer.
SUFFIX_TCP_PORTS = frozenset({23, 25, 43, 179, 1723, 6379, 22, 10288, 6633, 6653, 21, 80, 8080, 554, 8554, 53,
                              639, 323, 646, 2049})


class _Stop(Exception):
    """The options ended the line (tcpdump's ``bad`` and ``trunc`` exits)."""


class TcpPrinter(Base):
    _tcp_flags = 0  # the segment's flags, for the MPTCP option
    _tcp_proto = "tcp"  # what a truncation is named after: tcpdump's last printer (MPTCP's, once called)

    def _tcp(self, out: list[str], data: bytes, off: int, plen: int, src: str, dst: str, ipv: int,
             ports_only: bool = False) -> None:
        """``ports_only``: behind IPv6 extension headers or AH tcpdump heads the line with the ports."""
        avail = len(data) - off
        if avail < 4:
            out.append(f"{src} > {dst}:")
            raise Truncated("tcp")
        sport, dport = struct.unpack_from("!HH", data, off)
        out.append(f"{sport} > {dport}:" if ports_only else f"{src}.{sport} > {dst}.{dport}:")
        if avail < 20:
            out.append(" ")
            raise Truncated("tcp")
        out.append(" ")
        _, _, seq, ack, doff, flags, win, _cksum, urp = struct.unpack_from("!HHIIBBHHH", data, off)
        hlen = (doff >> 4) * 4
        self._tcp_flags = flags
        self._tcp_proto = "tcp"
        if hlen < 20:
            out.append(f" tcp {(plen - hlen) & 0xFFFFFFFF} [bad hdr length {hlen} - too short, < 20]")
            return
        if self.opts.quiet:
            out.append(f"tcp {(plen - hlen) & 0xFFFFFFFF}")
            if hlen > plen:
                out.append(f" [bad hdr length {hlen} - too long, > {plen}]")
            return
        fl = "".join(n for bit, n in _TCP_FLAGS if flags & bit) or "none"
        out.append(f"Flags [{fl}]")
        if hlen > plen:
            out.append(f" [bad hdr length {hlen} - too long, > {plen}]")
            return
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
            self._tcp_options(out, data, off + 20, hlen - 20, peer, off + hlen + length)
        out.append(f", length {length}")
        if length == 0:
            return
        if len(data) < off + hlen:
            out.append(f" [remaining caplen({len(data) - off}) < header length({hlen})]")
            raise Truncated(self._tcp_proto)
        if sport in SUFFIX_TCP_PORTS or dport in SUFFIX_TCP_PORTS:
            if flags & 0x04 and self.opts.verbose:
                return  # tcpdump -v prints a RST's data instead (not claimed here)
            self.tcp_application(out, data, off + hlen, length, sport, dport)

    def _tcp_options(self, out: list[str], data: bytes, cp: int, hlen: int, peer_base: int, seg_end: int) -> None:
        """tcpdump's option loop: ``hlen`` bytes of options at ``cp``; appends the closing ``]``.

        Every option advances by the bytes tcpdump accounts for it (one for EOL/NOP, else its kind
        and length bytes plus what its printer read), so a bad length misaligns what follows exactly
        as in tcpdump. A length byte that does not fit ends the line with ``[bad opt]``; a value not
        captured with `` [|tcp]`` (and ``>`` once an option was printed).
        """
        sep = False
        n = len(data)
        try:
            while hlen > 0:
                if sep:
                    out.append(",")
                if cp >= n:
                    raise Truncated(self._tcp_proto)
                kind = data[cp]
                cp += 1
                if kind <= 1:
                    olen = 1
                else:
                    if cp >= n:
                        raise Truncated(self._tcp_proto)
                    olen = data[cp]
                    cp += 1
                    if olen < 2 or olen > hlen:
                        raise _Stop("bad")
                    hlen -= 1
                hlen -= 1
                out.append(_TCP_OPT_NAMES.get(kind, f"unknown-{kind}"))
                datalen = self._tcp_option(out, data, cp, kind, olen, hlen, peer_base, seg_end)
                cp += datalen
                hlen -= datalen
                if datalen + (1 if kind <= 1 else 2) != olen:
                    out.append(f"[len {olen}]")
                sep = True
                if kind == 0:
                    break
        except _Stop as stop:
            if str(stop) == "bad":
                out.append("[bad opt]" + ("]" if sep else ""))
            else:
                out.append(f" [|{self._tcp_proto}]" + (">" if sep else ""))
            raise Done() from None
        out.append("]")

    def _tcp_option(self, out: list[str], data: bytes, cp: int, kind: int, olen: int, hlen: int, peer_base: int,
                    seg_end: int) -> int:
        """Print one option's value; how many value bytes tcpdump accounts for."""

        def check(need: int) -> None:  # tcpdump's LENCHECK
            if need > hlen:
                raise _Stop("bad")
            if cp + need > len(data):
                raise _Stop("trunc")

        if kind in (0, 1, 4):
            return 0
        fixed = _FIXED.get(kind)
        if fixed is not None:
            check(fixed)
            val = data[cp : cp + fixed]
            if kind == 2:
                out.append(f" {u16(val)[0]}")
            elif kind == 3:
                out.append(f" {val[0]}")
            elif kind == 8:
                out.append(" val {} ecr {}".format(*struct.unpack("!II", val)))
            elif kind == 19:
                # Debian's tcpdump has OpenSSL: it would verify the signature, given -M's secret.
                cut = "snaplen too short, " if seg_end > len(data) else "shared secret not supplied with -M, "
                out.append(f" {cut}can't check - {val.hex()}")
            elif kind == 20:
                out.append(f" cap {val[0]:02x} id {val[1]}")
            elif kind == 28:
                uto = u16(val)[0]
                out.append(f" 0x{uto:x} {(uto >> 1) * 60 if uto & 1 else uto >> 1}")
            else:
                out.append(f" {u32(val)[0]}")
            return fixed
        datalen = olen - 2
        if kind == 5:
            if datalen % 8:
                out.append(" invalid sack")
                return datalen
            out.append(f" {datalen // 8} ")
            for i in range(0, datalen, 8):
                check(i + 4)
                start = (u32(data, cp + i)[0] - peer_base) & 0xFFFFFFFF
                check(i + 8)
                end = (u32(data, cp + i + 4)[0] - peer_base) & 0xFFFFFFFF
                out.append(f"{{{start}:{end}}}")
            return datalen
        if kind == 29:
            if datalen < 2:
                out.append(" (invalid)")
                return datalen
            check(1)
            out.append(f" keyid {data[cp]}")
            check(2)
            out.append(f" rnextkeyid {data[cp + 1]}")
            if datalen > 2:
                out.append(" mac 0x")
                for i in range(2, datalen):
                    check(i + 1)
                    out.append(f"{data[cp + i]:02x}")
            return datalen
        if kind == 30:
            check(datalen)
            text, ok = mptcp_text(data[cp - 2 : cp + datalen], self._tcp_flags)
            self._tcp_proto = "mptcp"  # tcpdump names later truncations after the last printer it called
            out.append(text)
            if not ok:
                raise _Stop("bad")
            return datalen
        if kind == 34:
            check(datalen)
            out.append(" " + _fastopen(data[cp : cp + datalen]))
            return datalen
        if kind == 254:
            check(datalen)
            if datalen < 2:
                raise _Stop("bad")
            magic = u16(data, cp)[0]
            out.append("-" + ("tfo" + _fastopen(data[cp + 2 : cp + datalen]) if magic == 0xF989 else f"{magic:04x}"))
            return datalen
        if datalen:
            out.append(" 0x")
        for i in range(datalen):
            check(i + 1)
            out.append(f"{data[cp + i]:02x}")
        return datalen


def _fastopen(cookie: bytes) -> str:
    if not cookie:
        return " cookiereq"
    if len(cookie) % 2 or not 4 <= len(cookie) <= 16:
        return " (invalid)"
    return f" cookie {cookie.hex()}"
