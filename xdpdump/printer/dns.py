"""DNS and mDNS over UDP as tcpdump 4.99 prints them (print-domain.c): the header's id, opcode,
rcode (extended by an OPT record) and flags, the questions of a query, the answers of a response,
with ``-v`` the answer's owner names and SOA/TSIG details, with ``-vv`` every section.

Positions are offsets in the frame; ``end`` is tcpdump's snapend (the captured bytes, cut at the IP
datagram's end). Reading past it raises ``Truncated("domain")`` (`` [|domain]``). Names follow
tcpdump's rules: a compression pointer must point backwards (else ``<BAD PTR>``), at most 255
characters are printed (then ``<DOMAIN NAME TOO LONG>``), bit labels print as ``\\[x../N]``. Those
rules bound a name, but a crafted frame can still chain hundreds of pointers in every question: the
labels, pointers and records walked are steps taken from the frame's budget (budget.py,
``STEPS_PER_UNIT`` a unit; a message is the last thing a frame prints, so it may take what is left),
and a message that needs more raises ``TooMuchWork`` (the caller prints tcpdump's generic UDP line
instead).
"""

from __future__ import annotations

import socket
import struct

from xdpdump.printer.base import Truncated
from xdpdump.printer.budget import WORK_LIMIT, Budget
from xdpdump.printer.escape import escape
from xdpdump.printer.giveup import GiveUp

# A step (a label or pointer walked) costs 0.6 to 1.2 microseconds, half a budget unit; a record
# printed costs about as much as ``RECORD_STEPS`` of them (its type, class and data formatted).
STEPS_PER_UNIT = 2
RECORD_STEPS = 6
MAX_STEPS = WORK_LIMIT * STEPS_PER_UNIT  # the most any message may take: a whole frame's budget
MAXCDNAME = 255

_OPS = ["", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8", " updateA", " updateD",
        " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"]
# tcpdump's table, two entries without their leading space included.
_RCODES = ["", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused", " YXDomain", " YXRRSet",
           " NXRRSet", " NotAuth", " NotZone", " Resp11", " Resp12", " Resp13", " Resp14", " NoChange",
           " BadVers", "Resp17", " Resp18", " Resp19", " Resp20", "Resp21", " Resp22", " BadCookie"]
TYPES = {
    1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL", 11: "WKS",
    12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN",
    21: "RT", 22: "NSAP", 23: "NSAP_PTR", 24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC",
    30: "NXT", 31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6",
    39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG",
    47: "NSEC", 48: "DNSKEY", 99: "SPF", 100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "UNSPECA",
    249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY", 256: "URI",
}
_CLASSES = {1: "IN", 3: "CHAOS", 4: "HS", 255: "ANY"}
_EOPTS = {1: "LLQ", 2: "UL", 3: "NSID", 5: "DAU", 6: "DHU", 7: "N3U", 8: "ECS", 9: "EXPIRE", 10: "COOKIE",
          11: "KEEPALIVE", 12: "PADDING", 13: "CHAIN", 14: "KEY-TAG", 16: "CLIENT-TAG", 17: "SERVER-TAG"}
_DAU = {0: "DELETE", 1: "RSAMD5", 2: "DH", 3: "DS", 5: "RSASHA1", 6: "DSA-NSEC3-SHA1", 7: "RSASHA1-NSEC3-SHA1",
        8: "RSASHA256", 10: "RSASHA512", 12: "ECC-GOST", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384",
        15: "ED25519", 16: "ED448", 252: "INDIRECT", 253: "PRIVATEDNS", 254: "PRIVATEOID"}
_DHU = {1: "SHA-1", 2: "SHA-256", 3: "GOST_R_34.11-94", 4: "SHA-384"}
_N3U = {1: "SHA-1"}
T_OPT, T_SOA, T_TSIG = 41, 6, 250
_RELTS = ((31536000, "y"), (604800, "w"), (86400, "d"), (3600, "h"), (60, "m"), (1, "s"))


class TooMuchWork(GiveUp):
    """The message needs more steps than the frame's budget has left; print the generic line instead."""


def relts(secs: int) -> str:
    """tcpdump's unsigned_relts_print: 1y1w1d1h1m1s."""
    if secs == 0:
        return "0s"
    parts = []
    for size, unit in _RELTS:
        if secs >= size:
            parts.append(f"{secs // size}{unit}")
            secs %= size
    return "".join(parts)


class _Dns:
    def __init__(self, out: list[str], data: bytes, bp: int, end: int, mdns: bool, verbose: int,
                 steps: int) -> None:
        self.out, self.data, self.bp, self.end = out, data, bp, end
        self.mdns, self.verbose = mdns, verbose
        self.steps = steps

    def tick(self, steps: int = 1) -> None:
        self.steps -= steps
        if self.steps < 0:
            raise TooMuchWork

    def ok(self, pos: int, n: int = 1) -> bool:
        """tcpdump's ND_TTEST_LEN."""
        return pos >= 0 and pos + n <= self.end

    def u8(self, pos: int) -> int:
        if not self.ok(pos):
            raise Truncated("domain")
        return self.data[pos]

    def u16(self, pos: int) -> int:
        if not self.ok(pos, 2):
            raise Truncated("domain")
        return struct.unpack_from("!H", self.data, pos)[0]

    def u32(self, pos: int) -> int:
        if not self.ok(pos, 4):
            raise Truncated("domain")
        return struct.unpack_from("!I", self.data, pos)[0]

    def printn(self, pos: int, n: int) -> bool:
        """tcpdump's nd_printn: up to ``n`` bytes escaped; True when the capture cut them."""
        got = max(min(n, self.end - pos), 0)
        self.out.append(escape(self.data[pos : pos + got]))
        return got < n

    # --- names -------------------------------------------------------------------------------

    def nskip(self, cp: int) -> int | None:
        """tcpdump's ns_nskip: the position after a name, None where it cannot be skipped."""
        if not self.ok(cp):
            return None
        i = self.data[cp]
        cp += 1
        while i:
            self.tick()
            kind = i & 0xC0
            if kind == 0xC0:
                return cp + 1
            if kind == 0x40:
                if i & 0x3F != 1 or not self.ok(cp):
                    return None
                bitlen = self.data[cp] or 256
                cp += 1 + (bitlen + 7) // 8
            elif kind == 0x80:
                return None
            else:
                cp += i
            if not self.ok(cp):
                return None
            i = self.data[cp]
            cp += 1
        return cp

    def labellen(self, cp: int) -> int:
        if not self.ok(cp):
            return -1
        i = self.data[cp]
        kind = i & 0xC0
        if kind == 0x40:
            if i & 0x3F != 1:
                self.out.append(f"<ELT {i & 0x3F}>")
                return -1
            if not self.ok(cp + 1):
                return -1
            return ((self.data[cp + 1] or 256) + 7) // 8 + 1
        if kind == 0x80:
            self.out.append("<BAD LABEL TYPE>")
            return -1
        return i

    def blabel(self, cp: int) -> None:
        """A bit label, ``\\[xHEX/BITS]``; what was printed stays when the capture cuts it."""
        out = self.out
        bitlen = self.u8(cp) or 256
        lim = cp + 1 + (bitlen + 3) // 4
        out.append("\\[x")
        bitp, b = cp + 1, bitlen
        while bitp < lim and b > 7:
            out.append(f"{self.u8(bitp):02x}")
            b -= 8
            bitp += 1
        if b > 4:
            out.append(f"{self.u8(bitp) & (0xFF << (8 - b)) & 0xFF:02x}")
        elif b > 0:
            out.append(f"{(self.u8(bitp) >> 4) & (0x0F << (4 - b)) & 0x0F:x}")
        out.append(f"/{bitlen}]")

    def fqdn(self, cp: int, bp: int) -> int | None:
        """tcpdump's fqdn_print: prints the name at ``cp`` (pointers relative to ``bp``); returns the
        position after it, or None (the caller's ``[|domain]``) where it cannot be printed."""
        out = self.out
        n = self.labellen(cp)
        if n < 0:
            return None
        max_offset = (cp - bp) & 0xFFFFFFFF
        i = self.data[cp]
        cp += 1
        compress = False
        rp = cp + n if i & 0xC0 != 0xC0 else None
        if i == 0:
            out.append(".")
            return rp
        name_chars = 0
        data, end = self.data, self.end
        while i and cp < end:
            # The pointer and label paths inline tick(), ok() and labellen(): a crafted name walks
            # hundreds of pointers, and each step's cost is what MAX_STEPS bounds.
            self.steps -= 1
            if self.steps < 0:
                raise TooMuchWork
            kind = i & 0xC0
            if kind == 0xC0:
                if not compress:
                    rp, compress = cp + 1, True
                if cp >= end:
                    return None
                offset = ((i << 8) | data[cp]) & 0x3FFF
                if offset >= max_offset:
                    out.append("<BAD PTR>")
                    return None
                max_offset = offset
                cp = bp + offset
            elif kind == 0x40:
                if i & 0x3F != 1:
                    out.append(f"<ELT {i & 0x3F}>")
                    return None
                self.blabel(cp)
            elif kind == 0x80:
                out.append("<BAD LABEL TYPE>")
                return None
            else:
                if name_chars + n <= MAXCDNAME:
                    if self.printn(cp, n):
                        return None
                elif name_chars < MAXCDNAME and self.printn(cp, MAXCDNAME - name_chars):
                    return None
                name_chars += n
            if kind != 0xC0:
                cp += n
                if name_chars <= MAXCDNAME:
                    out.append(".")
                name_chars += 1
            # The next label (after a pointer: the one it points to, and rp no longer moves).
            if not 0 <= cp < end:
                return None
            i = data[cp]
            if i & 0xC0 in (0, 0xC0):
                n = i
            else:
                n = self.labellen(cp)
                if n < 0:
                    return None
            cp += 1
            if not compress:
                rp += n + 1
        if name_chars > MAXCDNAME:
            out.append("<DOMAIN NAME TOO LONG>")
        return rp

    # --- records -----------------------------------------------------------------------------

    def qprint(self, cp: int) -> int | None:
        np = cp
        cp = self.nskip(cp)
        if cp is None or not self.ok(cp, 4):
            return None
        qtype, qclass = struct.unpack_from("!HH", self.data, cp)
        text = f" {TYPES.get(qtype, f'Type{qtype}')}"
        cls = qclass & 0x7FFF if self.mdns else qclass
        if cls != 1:
            text += f" {_CLASSES.get(cls, f'(Class {cls})')}"
        if self.mdns:
            text += " (QU)" if qclass & 0x8000 else " (QM)"
        self.out.append(text + "? ")
        rp = self.fqdn(np, self.bp)
        return None if rp is None else rp + 4

    def rprint(self, cp: int) -> int | None:
        out = self.out
        if self.verbose:
            out.append(" ")
            cp = self.fqdn(cp, self.bp)
            if cp is None:
                return None
        else:
            cp = self.nskip(cp)
        if cp is None or not self.ok(cp, 10):
            return self.end
        typ, rclass, ttl, rdlen = struct.unpack_from("!HHIH", self.data, cp)
        cls = rclass & 0x7FFF if self.mdns else rclass
        if cls != 1 and typ != T_OPT:
            out.append(f" {_CLASSES.get(cls, f'(Class {cls})')}")
        if self.mdns and rclass & 0x8000:
            out.append(" (Cache flush)")
        if typ != T_OPT and self.verbose > 2:
            out.append(f" [{relts(ttl)}]")
        cp += 10
        rp = cp + rdlen
        out.append(f" {TYPES.get(typ, f'Type{typ}')}")
        if rp > self.end:
            return None
        if typ == 1:
            if not self.ok(cp, 4):
                return None
            d = self.data
            out.append(f" {d[cp]}.{d[cp + 1]}.{d[cp + 2]}.{d[cp + 3]}")
        elif typ in (2, 5, 12, 39):
            out.append(" ")
            if self.fqdn(cp, self.bp) is None:
                return None
        elif typ == T_SOA:
            if not self.verbose:
                return rp
            for _ in range(2):
                out.append(" ")
                cp = self.fqdn(cp, self.bp)
                if cp is None:
                    return None
            if not self.ok(cp, 20):
                return None
            out.append("".join(f" {v}" for v in struct.unpack_from("!IIIII", self.data, cp)))
        elif typ == 15:
            out.append(" ")
            if not self.ok(cp, 2):
                return None
            if self.fqdn(cp + 2, self.bp) is None:
                return None
            out.append(f" {self.u16(cp)}")
        elif typ == 16:
            while cp < rp:
                self.tick()
                out.append(' "')
                if not self.ok(cp):
                    return None
                n = self.data[cp]
                if self.printn(cp + 1, n):
                    return None
                cp += 1 + n
                out.append('"')
        elif typ == 33:
            out.append(" ")
            if not self.ok(cp, 6):
                return None
            if self.fqdn(cp + 6, self.bp) is None:
                return None
            prio, weight, port = struct.unpack_from("!HHH", self.data, cp)
            out.append(f":{port} {prio} {weight}")
        elif typ == 28:
            if not self.ok(cp, 16):
                return None
            out.append(" " + socket.inet_ntop(socket.AF_INET6, self.data[cp : cp + 16]))
        elif typ == 38:
            return self.a6(cp, rp)
        elif typ == 256:
            if not self.ok(cp, rdlen):
                return None
            out.append(f" {self.u16(cp)} {self.u16(cp + 2)} ")
            if self.printn(cp + 4, (rdlen - 4) & 0xFFFFFFFF):
                return None
        elif typ == T_OPT:
            out.append(f" UDPsize={cls}")
            if ttl & 0x8000:
                out.append(" DO")
            if cp < rp:
                out.append(" [")
                while cp < rp:
                    self.tick()
                    cp = self.eopt(cp)
                    if cp is None:
                        return None
                    if cp < rp:
                        out.append(",")
                out.append("]")
        elif typ == 104:
            if not self.ok(cp, rdlen) or self.printn(cp, rdlen):
                return None
        elif typ == T_TSIG:
            return self.tsig(cp, rp)
        return rp

    def a6(self, cp: int, rp: int) -> int | None:
        pbit = self.u8(cp)
        pbyte = (pbit & ~7) // 8
        if pbit > 128:
            self.out.append(f" {pbit}(bad plen)")
            return rp
        if pbit < 128:
            n = 16 - pbyte
            if not self.ok(cp + 1, n):
                raise Truncated("domain")
            addr = bytes(pbyte) + self.data[cp + 1 : cp + 1 + n]
            self.out.append(f" {pbit} {socket.inet_ntop(socket.AF_INET6, addr)}")
        if pbit > 0:
            self.out.append(" ")
            if self.fqdn(cp + 1 + 16 - pbyte, self.bp) is None:
                return None
        return rp

    def tsig(self, cp: int, rp: int) -> int | None:
        if not self.verbose:
            return rp
        out = self.out
        out.append(" ")
        cp = self.fqdn(cp, self.bp)
        if cp is None:
            return None
        cp += 6
        for name in ("fudge", "maclen", "origid", "error", "otherlen"):
            if not self.ok(cp, 2):
                return None
            value = self.u16(cp)
            out.append(f" {name}={value}")
            cp += 2 + (value if name == "maclen" else 0)
        return rp

    def eopt(self, cp: int) -> int | None:
        out = self.out
        if not self.ok(cp, 2):
            return None
        opt = self.u16(cp)
        out.append(_EOPTS.get(opt, f"Opt{opt}"))
        if not self.ok(cp + 2, 2):
            return None
        n = self.u16(cp + 2)
        cp += 4
        if not self.ok(cp, n):
            return None
        if n:
            out.append(" " + self.eopt_value(opt, cp, n))
            if opt == 13:  # CHAIN: a name whose pointers count from the option's end
                self.fqdn(cp, cp + n)
        return cp + n

    def eopt_value(self, opt: int, cp: int, n: int) -> str:
        raw = self.data[cp : cp + n]
        if opt == 8:
            return _ecs(raw)
        if opt == 10:
            if n < 8 or 8 < n < 16 or n > 40:
                return " (invalid)"
            return raw[:8].hex() + (" " + raw[8:].hex() if n > 8 else "")
        if opt == 11:
            return " (invalid)" if n != 2 else f"{struct.unpack('!H', raw)[0] / 10.0:0.1f} sec"
        if opt == 9:
            return " (invalid)" if n != 4 else f"{struct.unpack('!I', raw)[0]} sec"
        if opt == 12:
            return f"({n})"
        if opt == 14:
            if n % 2:
                return " (invalid)"
            return " ".join(str(v) for v in struct.unpack(f"!{n // 2}H", raw))
        if opt in (5, 6, 7):
            names = {5: _DAU, 6: _DHU, 7: _N3U}[opt]
            return " ".join(names.get(b, f"Alg_{b}") for b in raw)
        if opt == 13:
            return ""
        return raw.hex()

    # --- the message -------------------------------------------------------------------------

    def extended_rcode(self, flags: int, counts: tuple[int, int, int, int]) -> int:
        """The rcode with the OPT record's upper bits, found as tcpdump does (stops where it can't)."""
        qd, an, ns, ar = counts
        rcode = flags & 0xF
        cp = self.bp + 12
        for _ in range(qd):
            cp = self.nskip(cp)
            if cp is None:
                return rcode
            cp += 4
            if cp >= self.end:
                return rcode
        for _ in range(an + ns):
            cp = self.nskip(cp)
            if cp is None or cp + 8 + 2 > self.end:
                return rcode
            cp += 10 + self.u16(cp + 8)
            if cp >= self.end:
                return rcode
        for _ in range(ar):
            cp = self.nskip(cp)
            if cp is None or cp + 2 > self.end:
                return rcode
            typ = self.u16(cp)
            cp += 4
            if cp + 1 > self.end:
                return rcode
            if typ == T_OPT:
                return rcode | (self.data[cp] << 4)
            cp += 4
            if cp + 2 > self.end:
                return rcode
            cp += 2 + self.u16(cp)
            if cp >= self.end:
                return rcode
        return rcode

    def section(self, cp: int, count: int, head: str, first: bool = False) -> int:
        """One section's ``count`` records, ``head`` before the first; tcpdump prints the first answer
        even at the capture's end (``first``), the others only while bytes remain."""
        if count and (first or cp < self.end):
            self.out.append(head)
            got = self.rprint(cp)
            count -= 1
            while got is not None and got < self.end and count:
                self.tick(RECORD_STEPS)
                self.out.append(",")
                got = self.rprint(got)
                count -= 1
            if got is None:
                raise Truncated("domain")
            cp = got
        if count:
            raise Truncated("domain")
        return cp

    def message(self, length: int) -> None:
        out, bp = self.out, self.bp
        if length < 12:
            out.append(f"domain [length {length} < 12] (invalid)")
            return
        if not self.ok(bp, 12):
            raise Truncated("domain")
        ident, flags, qd, an, ns, ar = struct.unpack_from("!HHHHHH", self.data, bp)
        rcode = self.extended_rcode(flags, (qd, an, ns, ar))
        opcode = (flags >> 11) & 0xF
        vv = self.verbose > 1
        cp: int | None = bp + 12
        if flags & 0x8000:
            rtext = _RCODES[rcode] if rcode < len(_RCODES) else f" Resp{rcode & 0xFFF}"
            out.append(f"{ident}{_OPS[opcode]}{rtext}{'*' if flags & 0x400 else ''}"
                       f"{'' if flags & 0x80 else '-'}{'|' if flags & 0x200 else ''}{'$' if flags & 0x20 else ''}")
            if qd != 1:
                out.append(f" [{qd}q]")
            for i in range(qd):
                self.tick(RECORD_STEPS)
                if i:
                    out.append(",")
                if vv:
                    out.append(" q:")
                    cp = self.qprint(cp)
                else:
                    cp = self.nskip(cp)
                    cp = None if cp is None else cp + 4
                if cp is None:
                    raise Truncated("domain")
            out.append(f" {an}/{ns}/{ar}")
            cp = self.section(cp, an, "", first=True)
            if vv:
                cp = self.section(cp, ns, " ns:")
                self.section(cp, ar, " ar:")
        else:
            out.append(f"{ident}{_OPS[opcode]}{'+' if flags & 0x100 else ''}{'%' if flags & 0x10 else ''}")
            if flags & 0x6CF:
                out.append(f" [b2&3=0x{flags:x}]")
            if opcode == 1:
                if qd:
                    out.append(f" [{qd}q]")
                if an != 1:
                    out.append(f" [{an}a]")
            else:
                if an:
                    out.append(f" [{an}a]")
                if qd != 1:
                    out.append(f" [{qd}q]")
            if ns:
                out.append(f" [{ns}n]")
            if ar:
                out.append(f" [{ar}au]")
            if qd:
                cp = self.qprint(cp)
                if cp is None:
                    raise Truncated("domain")
                left = qd - 1
                while cp < self.end and left:
                    self.tick(RECORD_STEPS)
                    cp = self.qprint(cp)
                    if cp is None:
                        raise Truncated("domain")
                    left -= 1
                if left:
                    raise Truncated("domain")
            if vv:
                cp = self.section(cp, an, "", first=True)
                cp = self.section(cp, ns, " ns:")
                self.section(cp, ar, " ar:")
        out.append(f" ({length})")


def domain(out: list[str], data: bytes, off: int, length: int, mdns: bool, verbose: int, budget: Budget) -> None:
    """Append the DNS message at ``off`` (``length`` bytes by the UDP header) to ``out``; the steps it
    takes are spent from ``budget``."""
    dns = _Dns(out, data, off, len(data), mdns, verbose, max(budget.left, 0) * STEPS_PER_UNIT)
    try:
        dns.message(length)
    finally:
        budget.left = max(dns.steps // STEPS_PER_UNIT, -1)  # what the message left (-1: it ran out)


def _ecs(raw: bytes) -> str:
    """EDNS client subnet: ADDRESS/SOURCE/SCOPE, "(invalid)" where tcpdump finds it so."""
    n = len(raw)
    if n < 4:
        return " (invalid)"
    family, src, scope = struct.unpack_from("!HBB", raw)
    bits = {1: 32, 2: 128}.get(family)
    if bits is None or n - 4 > bits // 8 or src > bits or scope > bits or (src + 7) // 8 != n - 4:
        return " (invalid)"
    addr = raw[4:].ljust(bits // 8, b"\0")
    return f"{socket.inet_ntop(socket.AF_INET if family == 1 else socket.AF_INET6, addr)}/{src}/{scope}"
