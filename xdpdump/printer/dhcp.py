"""BOOTP/DHCP as tcpdump 4.99 prints it (print-bootp.c): ``BOOTP/DHCP, Request from MAC, length N``,
and with ``-v`` the header fields and the RFC 1048 options on indented lines.

Two of tcpdump's options (client FQDN, relay agent information) and the CMU vendor area are not
decoded here: a message carrying one raises ``GiveUp`` under ``-v`` and gets the generic UDP line.
"""

from __future__ import annotations

import struct

from xdpdump.printer.base import Truncated, ip4_at, mac
from xdpdump.printer.budget import Budget
from xdpdump.printer.escape import escape
from xdpdump.printer.giveup import GiveUp

# tag -> (format, name), tcpdump's tag2str: i address, l u32, L s32, s u16, b bytes (dotted),
# B boolean, p address pairs, a text, $ special, " " no data.
_TAGS = {
    0: (" ", "PAD"), 1: ("i", "Subnet-Mask"), 2: ("L", "Time-Zone"), 3: ("i", "Default-Gateway"),
    4: ("i", "Time-Server"), 5: ("i", "IEN-Name-Server"), 6: ("i", "Domain-Name-Server"), 7: ("i", "LOG"),
    8: ("i", "CS"), 9: ("i", "LPR-Server"), 10: ("i", "IM"), 11: ("i", "RL"), 12: ("a", "Hostname"),
    13: ("s", "BS"), 255: (" ", "END"), 14: ("a", "DP"), 15: ("a", "Domain-Name"), 16: ("i", "SS"),
    17: ("a", "RP"), 18: ("a", "EP"), 19: ("B", "IPF"), 20: ("B", "SRT"), 21: ("p", "PF"), 22: ("s", "RSZ"),
    23: ("b", "TTL"), 24: ("l", "MTU-Timeout"), 25: ("s", "MTU-Table"), 26: ("s", "MTU"), 27: ("B", "LSN"),
    28: ("i", "BR"), 29: ("B", "MD"), 30: ("B", "MS"), 31: ("B", "Router-Discovery"), 32: ("i", "RSA"),
    33: ("p", "Static-Route"), 34: ("B", "UT"), 35: ("l", "AT"), 36: ("B", "IE"), 37: ("b", "TT"),
    38: ("l", "KI"), 39: ("B", "KG"), 40: ("a", "YD"), 41: ("i", "YS"), 42: ("i", "NTP"),
    43: ("b", "Vendor-Option"), 44: ("i", "Netbios-Name-Server"), 45: ("i", "WDD"), 46: ("$", "Netbios-Node"),
    47: ("a", "Netbios-Scope"), 48: ("i", "XFS"), 49: ("i", "XDM"), 64: ("s", "N+D"), 65: ("i", "N+S"),
    68: ("i", "MH"), 69: ("i", "SMTP"), 70: ("i", "POP3"), 71: ("i", "NNTP"), 72: ("i", "WWW"), 73: ("i", "FG"),
    74: ("i", "IRC"), 75: ("i", "STS"), 76: ("i", "STDA"), 50: ("i", "Requested-IP"), 51: ("l", "Lease-Time"),
    52: ("$", "OO"), 66: ("a", "TFTP"), 67: ("a", "BF"), 53: (" ", "DHCP-Message"), 54: ("i", "Server-ID"),
    55: ("b", "Parameter-Request"), 56: ("a", "MSG"), 57: ("s", "MSZ"), 58: ("l", "RN"), 59: ("l", "RB"),
    60: ("a", "Vendor-Class"), 61: ("$", "Client-ID"), 98: ("a", "UAP"), 116: ("B", "NOAUTO"),
    78: ("b", "SLP-DA"), 79: ("b", "SLP-SCOPE"), 117: ("s", "NSSEARCH"), 77: ("$", "User-Class"),
    118: ("i", "SUBNET"), 121: ("$", "Classless-Static-Route"), 249: ("$", "Classless-Static-Route-Microsoft"),
    150: ("i", "TFTP-Server-Address"), 80: ("a", "SLP-NA"), 81: ("$", "FQDN"), 82: ("$", "Agent-Information"),
    83: ("b", "ARMT"), 88: ("a", "TZSTR"), 89: ("b", "FQDNS"), 90: ("b", "AUTH"),
    91: ("L", "Last-Transaction-Time"), 92: ("i", "Associated-IP"), 93: ("s", "ARCH"), 94: ("b", "NDI"),
    97: ("b", "GUID"), 95: ("a", "LDAP"), 100: ("a", "POSIX-TZ"), 101: ("a", "TZ-Name"), 112: ("i", "NI"),
    113: ("a", "NITAG"), 114: ("a", "URL"), 161: ("a", "MUD-URL"),
}
_MESSAGES = {1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NACK", 7: "Release",
             8: "Inform", 10: "LeaseQuery", 11: "LeaseUnassigned", 12: "LeaseUnknown", 13: "LeaseActive"}
_NODES = {1: "b-node", 2: "p-node", 4: "m-node", 8: "h-node"}
_OVERLOAD = {1: "file", 2: "sname", 3: "file+sname"}
_HWTYPES = {1: "ether", 6: "ieee802", 7: "arcnet", 15: "frelay", 23: "strip", 24: "ieee1394"}
_RFC1048 = bytes((99, 130, 83, 99))


class _Bootp:
    def __init__(self, out: list[str], data: bytes, end: int, verbose: int, budget: Budget) -> None:
        self.out, self.data, self.end, self.verbose = out, data, end, verbose
        self.budget = budget

    def get(self, pos: int, n: int = 1) -> bytes:
        if pos + n > self.end:
            raise Truncated("bootp")
        return self.data[pos : pos + n]

    def printn(self, pos: int, n: int) -> bool:
        """tcpdump's nd_printn: True when the capture cut the text."""
        got = max(min(n, self.end - pos), 0)
        self.out.append(escape(self.data[pos : pos + got]))
        return got < n

    def printztn(self, pos: int, n: int) -> bool:
        """tcpdump's nd_printztn: a NUL-terminated field of ``n`` bytes; False when no NUL was seen."""
        stop = min(pos + n, self.end)
        nul = self.data.find(b"\0", pos, stop)
        self.out.append(escape(self.data[pos : stop if nul < 0 else nul]))
        return nul >= 0

    def message(self, bp: int, length: int) -> None:
        out = self.out
        op = self.get(bp)[0]
        out.append("BOOTP/DHCP, " + {1: "Request", 2: "Reply"}.get(op, f"unknown (0x{op:02x})"))
        htype, hlen = self.get(bp + 1)[0], self.get(bp + 2)[0]
        ether = htype == 1 and hlen == 6
        if ether and op == 1:
            out.append(f" from {mac(self.get(bp + 28, 6))}")
        out.append(f", length {length}")
        if not self.verbose:
            return
        self.get(bp + 8, 2)
        if htype != 1:
            out.append(f", htype {htype}")
        if not ether:
            out.append(f", hlen {hlen}")
        # Field by field, as tcpdump reads them: a capture cut inside one still shows the ones before.
        hops = self.get(bp + 3)[0]
        if hops:
            out.append(f", hops {hops}")
        xid = struct.unpack("!I", self.get(bp + 4, 4))[0]
        if xid:
            out.append(f", xid 0x{xid:x}")
        secs = struct.unpack("!H", self.get(bp + 8, 2))[0]
        if secs:
            out.append(f", secs {secs}")
        flags = struct.unpack("!H", self.get(bp + 10, 2))[0]
        out.append(f", Flags [{'Broadcast' if flags & 0x8000 else 'none'}]")
        if self.verbose > 1:
            out.append(f" (0x{flags:04x})")
        for off, name in ((12, "Client-IP"), (16, "Your-IP"), (20, "Server-IP"), (24, "Gateway-IP")):
            if self.get(bp + off, 4) != bytes(4):
                out.append(f"\n\t  {name} {ip4_at(self.data, bp + off)}")
        if ether:
            out.append(f"\n\t  Client-Ethernet-Address {mac(self.get(bp + 28, 6))}")
        for off, size, name in ((44, 64, "sname"), (108, 128, "file")):
            if self.get(bp + off)[0]:
                out.append(f'\n\t  {name} "')
                if not self.printztn(bp + off, size):
                    out.append('"')
                    raise Truncated("bootp")
                out.append('"')
        vend = self.get(bp + 236, 4)
        if vend == _RFC1048:
            self.rfc1048(bp + 236)
        elif vend == b"CMU\0":
            raise GiveUp
        elif vend != bytes(4):
            out.append(f"\n\t  Vendor-#0x{struct.unpack('!I', vend)[0]:x}")

    def rfc1048(self, bp: int) -> None:
        out, data = self.out, self.data
        out.append(f"\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie 0x{struct.unpack_from('!I', data, bp)[0]:08x}")
        bp += 4
        spend = self.budget.spend
        while bp < self.end:
            spend()
            tag = data[bp]
            bp += 1
            if tag in (0, 255) and self.verbose < 3:
                if tag == 255:
                    return
                continue
            fmt, name = _TAGS.get(tag, ("?", "Unknown"))
            n = 0 if tag in (0, 255) else self.get(bp)[0]
            if tag not in (0, 255):
                bp += 1
            out.append(f"\n\t    {name} ({tag}), length {n}{': ' if n else ''}")
            if tag == 0:
                pads = 1
                while bp < self.end and data[bp] == 0:
                    bp += 1
                    pads += 1
                if pads > 1:
                    out.append(f", occurs {pads}")
            self.get(bp, n)
            if tag == 53 and n == 1:
                out.append(_MESSAGES.get(data[bp], f"Unknown ({data[bp]})"))
                bp += 1
                continue
            if tag == 55:
                for idx, inner in enumerate(data[bp : bp + n]):
                    out.append("\n\t      " if idx % 4 == 0 else ", ")
                    out.append(f"{_TAGS.get(inner, ('?', 'Unknown'))[1]} ({inner})")
                bp += n
                continue
            if fmt == "?":
                fmt = "b" if n & 1 else "s" if n & 2 else "l"
            left = self.option(fmt, tag, bp, n)
            bp += n
            if left:
                out.append(f"\n\t  trailing data length {left}")

    def option(self, fmt: str, tag: int, bp: int, n: int) -> int:
        """One option's value (its ``n`` bytes at ``bp`` are captured); returns the bytes left over."""
        out, data = self.out, self.data
        body = data[bp : bp + n]
        if fmt == "a":
            out.append('"' + escape(body) + '"')
            return 0
        if fmt in "ilL":
            words = struct.unpack(f"!{n // 4}{'i' if fmt == 'L' else 'I'}", body[: n - n % 4])
            out.append(",".join(ip4_at(body, 4 * k) if fmt == "i" else str(w) for k, w in enumerate(words)))
            return n % 4
        if fmt == "p":
            pairs = n // 8
            out.append(",".join(f"({ip4_at(body, 8 * k)}:{ip4_at(body, 8 * k + 4)})" for k in range(pairs)))
            return n - 8 * pairs
        if fmt == "s":
            out.append(",".join(str(v) for v in struct.unpack(f"!{n // 2}H", body[: n - n % 2])))
            return n % 2
        if fmt == "B":
            out.append(",".join({0: "N", 1: "Y"}.get(b, f"{b}?") for b in body))
            return 0
        if fmt != "$":
            out.append(".".join(str(b) for b in body))
            return 0
        return self.special(tag, body)

    def special(self, tag: int, body: bytes) -> int:
        out, n = self.out, len(body)
        if tag in (46, 52):
            if n < 1:
                out.append("[ERROR: length < 1 bytes]")
                return 0
            out.append((_NODES if tag == 46 else _OVERLOAD).get(body[0], f"#{body[0]}"))
            return n - 1
        if tag == 61:
            if n < 1:
                out.append("[ERROR: length < 1 bytes]")
                return 0
            if body[0] == 0:
                out.append('"' + escape(body[1:]) + '"')
            else:
                out.append(f"{_HWTYPES.get(body[0], f'hardware-type {body[0]},')} " + body[1:].hex(":"))
            return 0
        if tag in (121, 249):
            self.classless(body)
            return 0
        if tag == 77:
            self.user_class(body)
            return 0
        raise GiveUp  # client FQDN, relay agent information: not decoded here

    def classless(self, body: bytes) -> None:
        out, n = self.out, len(body)
        if n < 5:
            out.append("[ERROR: length < 5 bytes]")
            return
        pos, parts = 0, []
        while pos < n:
            width = body[pos]
            pos += 1
            if width > 32:
                parts.append(f"[ERROR: Mask width ({width}) > 32]")
                break
            octets = (width + 7) // 8
            if n - pos < octets + 4:
                parts.append(f"[ERROR: Remaining length ({n - pos}) < {octets + 4} bytes]")
                break
            if width == 0:
                net = "default"
            else:
                net = ".".join(str(b) for b in body[pos : pos + octets]) + ".0" * (4 - octets) + f"/{width}"
            parts.append(f"({net}:{ip4_at(body, pos + octets)})")
            pos += octets + 4
        # tcpdump's separator comes before every route after the first, errors included.
        out.append(",".join(parts))

    def user_class(self, body: bytes) -> None:
        out, n = self.out, len(body)
        if n < 2:
            out.append("[ERROR: length < 2 bytes]")
            return
        pos, number = 0, 1
        while pos < n:
            size = body[pos]
            pos += 1
            out.append(f"\n\t      instance#{number}: ")
            if size == 0:
                out.append("[ERROR: suboption length must be non-zero]")
                return
            if n - pos < size:
                out.append("[ERROR: invalid option]")
                return
            out.append(f'"{escape(body[pos : pos + size])}", length {size}')
            number += 1
            pos += size


def bootp(out: list[str], data: bytes, off: int, length: int, verbose: int, budget: Budget) -> None:
    """Append the BOOTP/DHCP message at ``off`` (``length`` bytes by the UDP header) to ``out``; each
    option spends a unit of the frame's ``budget`` (one that runs out: the generic UDP line)."""
    _Bootp(out, data, len(data), verbose, budget).message(off, length)
