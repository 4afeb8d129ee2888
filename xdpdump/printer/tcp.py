"""TCP as tcpdump prints it: flags, relative sequence numbers (tcp_seq.py), every option tcpdump
names, and the application suffix for the ports tcpdump names."""

from __future__ import annotations

import struct

from xdpdump.printer.base import Base, Done, Truncated, u16, u32

_TCP_FLAGS = ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "."), (0x20, "U"),
              (0x40, "E"), (0x80, "W"))
_TCP_OPT_NAMES = {0: "eol", 1: "nop", 2: "mss", 3: "wscale", 4: "sackOK", 5: "sack", 6: "echo",
                  7: "echoreply", 8: "TS", 11: "cc", 12: "ccnew", 13: "", 19: "md5", 20: "scps",
                  28: "uto", 29: "tcp-ao", 30: "mptcp", 34: "tfo", 254: "exp"}


class TcpPrinter(Base):
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
        if hlen < 20:
            out.append(f" tcp {(plen - hlen) & 0xFFFFFFFF} [bad hdr length {hlen} - too short, < 20]")
            return
        if self.opts.quiet:
            out.append(f"tcp {max(plen - hlen, 0)}")
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
            self._tcp_options(out, data, off + 20, hlen - 20, peer)
            out.append("]")
        out.append(f", length {length}")

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
        raise Done()

    @staticmethod
    def _tcp_option_value(kind: int, val: bytes, peer_base: int) -> str:
        expect = {2: 2, 3: 1, 8: 8, 11: 4, 12: 4, 13: 4, 28: 2}.get(kind)
        if expect is not None and len(val) != expect:
            return f"[len {len(val) + 2}]"
        if kind == 2:
            return f" {u16(val)[0]}"
        if kind == 3:
            return f" {val[0]}"
        if kind == 8:
            tsval, tsecr = struct.unpack("!II", val)
            return f" val {tsval} ecr {tsecr}"
        if kind in (11, 12, 13):
            return f" {u32(val)[0]}"
        if kind == 28:
            uto = u16(val)[0]
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

