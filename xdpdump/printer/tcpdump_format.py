"""One tcpdump line per frame: the link-type dispatch over the protocol printers.

Each protocol printer is a mixin (link.py, arp.py, ip.py, tcp.py, udp.py, icmp.py...) that builds its
part of the line from the header bytes exactly as tcpdump 4.99 prints them with ``-n`` (and ``-e``,
``-q``, ``-v``). Headers are read with ``struct`` straight from the frame rather than through scapy
objects: tcpdump's output depends on how many bytes were captured (``[|proto]`` markers in snapped
frames) and on raw option bytes, both of which a scapy dissection hides. What no printer decodes gets
tcpdump's generic line for what is known (``ip-proto-N``, ``UDP, length N``, ``ethertype ...`` with a
hex dump), never a guess.
"""

from __future__ import annotations

import time

from xdpdump.constants import LINKTYPE_ETHERNET
from xdpdump.printer.arp import ArpPrinter
from xdpdump.printer.base import Truncated
from xdpdump.printer.budget import MARKER, Budget, WorkLimit
from xdpdump.printer.icmp import IcmpPrinter
from xdpdump.printer.icmp6 import Icmp6Printer
from xdpdump.printer.ip import IpPrinter
from xdpdump.printer.link import LinkPrinter
from xdpdump.printer.network import NETWORK_PRINTERS
from xdpdump.printer.options import (
    STAMP_DATE,
    STAMP_DEFAULT,
    STAMP_DELTA_PREV,
    STAMP_NONE,
    STAMP_UNIX,
    PrintOptions,
)
from xdpdump.printer.tcp import TcpPrinter
from xdpdump.printer.tcp_seq import TcpSeqTracker
from xdpdump.printer.udp import UdpPrinter

LINKTYPE_NULL = 0
LINKTYPE_RAW_OLD = 12
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

LINKTYPE_NAMES = {
    LINKTYPE_ETHERNET: "EN10MB (Ethernet)", LINKTYPE_NULL: "NULL (BSD loopback)", LINKTYPE_RAW: "RAW (Raw IP)",
    LINKTYPE_RAW_OLD: "RAW (Raw IP)", LINKTYPE_LOOP: "LOOP (OpenBSD loopback)",
    LINKTYPE_LINUX_SLL: "LINUX_SLL (Linux cooked v1)", LINKTYPE_IPV4: "IPV4 (Raw IPv4)",
    LINKTYPE_IPV6: "IPV6 (Raw IPv6)", LINKTYPE_LINUX_SLL2: "LINUX_SLL2 (Linux cooked v2)",
}


# The printers tcpdump 4.99 stops by its longjmp when the capture ends inside them (the GET_ macros):
# after their `` [|proto]`` -x/-X dump the whole frame, not what follows the link header. Read back
# from tcpdump over snapped frames of each protocol.
WHOLE_DUMP_PROTOS = frozenset({"cdp", "stp", "igmp", "mpls", "rt6", "frag6", "smtp", "http", "ftp", "ssh"})


# --- What comes before the packet's text: -# number, the stamp, or tcpdump's invalid-header note ---

_STAMP_ERROR = "[Error converting time]"


def invalid_header(caplen: int, wire_len: int) -> str | None:
    """tcpdump's sanity check of a record's lengths: the whole line for a record it does not print
    (no stamp either), or None. (Its snapshot-length checks are the capture file reader's.)"""
    notes = []
    if caplen == 0:
        notes.append(" caplen==0")
    if wire_len == 0:
        notes.append(" len==0")
    elif wire_len < caplen:
        notes.append(f" len({wire_len}) < caplen({caplen})")
    return "[Invalid header:" + ",".join(notes) + "]" if notes else None


def _timeval(ts_ns: int, digits: int = 6) -> tuple[int, int]:
    """(seconds, fraction in units of 10**-digits s) as tcpdump sees them: it asks libpcap for
    microseconds (nanoseconds are truncated) unless --time-stamp-precision nano asks for nanoseconds
    (digits 9), and libpcap reads a pcap record's seconds as a signed 32-bit number, so 2038 and later
    are negative there. (A pcapng file's 64-bit seconds would stay positive in libpcap; only -ttt and
    -ttttt across such stamps could differ, and they print tcpdump's error for them anyway.)"""
    sec, frac = divmod(ts_ns // 10 ** (9 - digits), 10 ** digits)
    if 0x80000000 <= sec <= 0xFFFFFFFF:
        sec -= 1 << 32
    return sec, frac


def _clock(sec: int, fmt: str, local: bool) -> str | None:
    """ts_date_hmsfrac_print's date and time, or None where tcpdump prints its error instead: it
    checks bit 31 of the seconds as a 32-bit number, whatever the platform's time_t."""
    if sec & 0x80000000:
        return None
    try:
        return time.strftime(fmt, time.localtime(sec) if local else time.gmtime(sec))
    except (OverflowError, OSError, ValueError):
        return None  # a year past the C library's (pcapng's 64-bit stamps): its localtime's NULL


def _stamp(clock: str | None, frac: int, digits: int = 6) -> str:
    return _STAMP_ERROR if clock is None else f"{clock}.{frac:0{digits}d}"


def format_timestamp(ts_ns: int) -> str:
    """tcpdump's default stamp: local wall-clock time with microseconds (nanoseconds truncated)."""
    sec, usec = _timeval(ts_ns)
    return _stamp(_clock(sec, "%H:%M:%S", local=True), usec)


class LinePrefix:
    """tcpdump's start of a line: ``-#``'s number, then the stamp ``-t``..``-ttttt`` chooses (each
    followed by one space; ``-t`` prints none). Holds the state the relative stamps need (tcpdump's
    tv_ref), so keep one per capture, fed every record in order. With ``nano`` (tcpdump's
    --time-stamp-precision nano) every stamp has nine decimals, as tcpdump's."""

    def __init__(self, opts: PrintOptions) -> None:
        self.number = opts.number
        self.stamp = opts.stamp
        self.digits = 9 if opts.nano else 6
        self._unit = 10 ** (9 - self.digits)     # nanoseconds per printed unit
        self._per_sec = 10 ** self.digits
        self.count = 0
        self._ref: tuple[int, int] = (0, 0)  # (0, 0): not set yet, as tcpdump's timevalisset
        # The wall-clock part of the default stamp changes once a second: localtime+strftime for every
        # frame were a tenth of -r's time on 300k UDP lines (cProfile), so the last second's text is kept.
        self._stamp_sec: int | None = None
        self._stamp_hms: str | None = None

    def refused(self, caplen: int, wire_len: int) -> str | None:
        """The whole line for a record tcpdump refuses to print (impossible lengths: no stamp, and the
        relative stamps' reference stays where it was), else None. Called for every record, first."""
        if caplen == 0 or wire_len < caplen:  # (a wire length of 0 is less than any caplen but 0)
            self.count += 1
            return (f"{self.count:5d}  " if self.number else "") + (invalid_header(caplen, wire_len) or "")
        return None

    def text(self, ts_ns: int) -> str:
        """The number and stamp a printed record's line starts with."""
        self.count += 1
        number = f"{self.count:5d}  " if self.number else ""
        if self.stamp == STAMP_DEFAULT:
            # The common case, inline: this runs once per printed line (-r prints 100k lines a second).
            units = ts_ns // self._unit
            sec = units // self._per_sec
            if sec != self._stamp_sec:
                self._stamp_sec, self._stamp_hms = sec, _clock(_timeval(ts_ns)[0], "%H:%M:%S", local=True)
            if self._stamp_hms is None:
                return f"{number}{_STAMP_ERROR} "
            return f"{number}{self._stamp_hms}.{units % self._per_sec:0{self.digits}d} "
        return number + self._stamp_text(ts_ns)

    def _stamp_text(self, ts_ns: int) -> str:
        """Every stamp but the default."""
        sec, frac = _timeval(ts_ns, self.digits)
        if self.stamp == STAMP_NONE:
            return ""
        if self.stamp == STAMP_UNIX:
            return (_STAMP_ERROR if sec & 0x80000000 else f"{sec & 0xFFFFFFFF}.{frac:0{self.digits}d}") + " "
        if self.stamp == STAMP_DATE:
            return _stamp(_clock(sec, "%Y-%m-%d %H:%M:%S", local=True), frac, self.digits) + " "
        return self._relative(sec, frac)

    def _relative(self, sec: int, frac: int) -> str:
        """-ttt (since the previous record) and -ttttt (since the first), as tcpdump's ts_print: the
        first record with a stamp other than 0.000000 becomes the reference; a record earlier than the
        reference prints the difference with a minus sign, else a space takes its place."""
        if self._ref == (0, 0):
            self._ref = (sec, frac)
        negative = (sec, frac) < self._ref
        (a_sec, a_frac), (b_sec, b_frac) = ((self._ref, (sec, frac)) if negative else ((sec, frac), self._ref))
        d_sec, d_frac = a_sec - b_sec, a_frac - b_frac
        if d_frac < 0:
            d_sec, d_frac = d_sec - 1, d_frac + self._per_sec
        text = ("-" if negative else " ") + _stamp(_clock(d_sec, "%H:%M:%S", local=False), d_frac, self.digits) + " "
        if self.stamp == STAMP_DELTA_PREV:
            self._ref = (sec, frac)
        return text


class LineFormatter(LinkPrinter, ArpPrinter, IpPrinter, TcpPrinter, UdpPrinter, IcmpPrinter,
                    Icmp6Printer, *NETWORK_PRINTERS):
    """Formats frames into tcpdump lines; holds the TCP state that relative numbering needs."""

    def __init__(self, opts: PrintOptions) -> None:
        self.opts = opts
        self.tcp_seq = TcpSeqTracker()
        self.budget = Budget()  # the work one frame may take (budget.py), refilled per frame
        # Bytes of link-layer header of the last frame: -x/-X dump what follows it, as tcpdump.
        self.link_hdrlen = 0

    def body(self, data: bytes, wire_len: int, linktype: int = LINKTYPE_ETHERNET) -> str:
        """The line after the timestamp (without hex dump or newline)."""
        out: list[str] = []
        self.link_hdrlen = 0
        if not data:
            return "[Invalid header: caplen==0]"
        self.budget.refill()
        try:
            if linktype == LINKTYPE_ETHERNET:
                self._ether(out, data, wire_len)
            elif linktype in (LINKTYPE_RAW, LINKTYPE_RAW_OLD, LINKTYPE_IPV4, LINKTYPE_IPV6):
                self._raw_ip(out, data, 0, wire_len)
            elif linktype == LINKTYPE_LINUX_SLL:
                self._sll(out, data, wire_len)
            elif linktype == LINKTYPE_LINUX_SLL2:
                self._sll2(out, data, wire_len)
            elif linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
                self._null(out, data, wire_len, big_endian=linktype == LINKTYPE_LOOP)
            else:
                out.append(f"unsupported link-type {linktype}, length {wire_len}")
        except Truncated as t:
            if t.proto == "ether" and not out:
                self.link_hdrlen = len(data)  # tcpdump: a frame shorter than its header gets no dump
            elif t.whole_dump or t.proto in WHOLE_DUMP_PROTOS:
                self.link_hdrlen = 0
            if t.proto:
                out.append(f" [|{t.proto}]")
        except WorkLimit:
            out.append(MARKER)
        return "".join(out)
