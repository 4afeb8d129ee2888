"""NTP as tcpdump 4.99 prints it (print-ntp.c, ntp.c): ``NTPv4, Client, length 48``, and with ``-v``
the time message's fields and timestamps (with their UTC dates) or the control message's header."""

from __future__ import annotations

import struct
import time

from xdpdump.printer.base import Truncated, ip4_at
from xdpdump.printer.escape import escape

_MODES = {0: "unspecified", 1: "symmetric active", 2: "symmetric passive", 3: "Client", 4: "Server",
          5: "Broadcast", 6: "Control Message", 7: "Reserved"}
_LEAP = {0x00: "", 0x40: "+1s", 0x80: "-1s", 0xC0: "clock unsynchronized"}
_JAN_1970 = 2208988800
_TIME_MINLEN = 48


def _need(data: bytes, end: int) -> None:
    if len(data) < end:
        raise Truncated("ntp")


def _ntp_time(i: int, frac: int) -> str:
    text = f"{i}.{int(frac / 4294967296.0 * 1000000000.0):09d}"
    if i:
        text += time.strftime(" (%Y-%m-%dT%H:%M:%SZ)", time.gmtime(i - _JAN_1970))
    return text


def _ntp_delta(ou: int, ouf: int, u: int, uf: int) -> str:
    if ou == 0 and ouf == 0:
        return _ntp_time(u, uf)
    if u > ou:
        sign, i, f = "+", u - ou - (1 if ouf > uf else 0), (uf - ouf) & 0xFFFFFFFF
    elif u < ou:
        sign, i, f = "-", ou - u - (1 if uf > ouf else 0), (ouf - uf) & 0xFFFFFFFF
    elif uf > ouf:
        sign, i, f = "+", 0, uf - ouf
    else:
        sign, i, f = "-", 0, ouf - uf
    return f"{sign}{i}.{int(f / 4294967296.0 * 1000000000.0):09d}"


def _sfix(data: bytes, off: int) -> str:
    i, f = struct.unpack_from("!HH", data, off)
    return f"{i}.{int(f / 65536.0 * 1000000.0):06d}"


def _poll(p: int) -> str:
    if p <= -32 or p >= 32:
        return ""
    return f" ({1 << p}s)" if p >= 0 else f" (1/{1 << -p}s)"


def ntp(out: list[str], data: bytes, bp: int, length: int, verbose: int) -> None:
    """Append the NTP message at ``bp`` (``length`` bytes by the UDP header) to ``out``."""
    _need(data, bp + 1)
    status = data[bp]
    mode = status & 7
    out.append(f"NTPv{(status & 0x38) >> 3}, {_MODES[mode]}, length {length}")
    if not verbose:
        return
    leap = status & 0xC0
    out.append(f"\n\tLeap indicator: {_LEAP[leap]} ({leap})")
    if mode <= 5:
        _time_message(out, data, bp, length)
    elif mode == 6:
        _control_message(out, data, bp, length)


def _time_message(out: list[str], data: bytes, bp: int, length: int) -> None:
    if length < _TIME_MINLEN:
        out.append(" (invalid)")
        _need(data, bp + length)
        return
    _need(data, bp + 2)
    stratum = data[bp + 1]
    name = {0: "unspecified", 1: "primary reference"}.get(
        stratum, "secondary reference" if 2 <= stratum <= 15 else "reserved")
    out.append(f", Stratum {stratum} ({name})")
    _need(data, bp + 3)
    ppoll = struct.unpack_from("!b", data, bp + 2)[0]
    out.append(f", poll {ppoll}{_poll(ppoll)}")
    _need(data, bp + 4)
    out.append(f", precision {struct.unpack_from('!b', data, bp + 3)[0]}")
    _need(data, bp + 8)
    out.append(f"\n\tRoot Delay: {_sfix(data, bp + 4)}")
    _need(data, bp + 12)
    out.append(f", Root dispersion: {_sfix(data, bp + 8)}")
    _need(data, bp + 16)
    out.append(", Reference-ID: ")
    if stratum == 0:
        out.append("(unspec)")
    elif stratum == 1:
        out.append(escape(data[bp + 12 : bp + 16]))
    elif stratum in (62, 63):
        out.append(f"{ip4_at(data, bp + 12)} INFO_{'QUERY' if stratum == 62 else 'REPLY'}")
        return
    else:
        out.append(f"0x{struct.unpack_from('!I', data, bp + 12)[0]:08x}")
    stamps = []
    for off, name in ((16, "Reference Timestamp:  "), (24, "Originator Timestamp: "),
                      (32, "Receive Timestamp:    "), (40, "Transmit Timestamp:   ")):
        _need(data, bp + off + 8)
        stamps.append(struct.unpack_from("!II", data, bp + off))
        out.append(f"\n\t  {name}{_ntp_time(*stamps[-1])}")
    org, rec, xmt = stamps[1], stamps[2], stamps[3]
    out.append(f"\n\t    Originator - Receive Timestamp:  {_ntp_delta(*org, *rec)}")
    out.append(f"\n\t    Originator - Transmit Timestamp: {_ntp_delta(*org, *xmt)}")
    extra = length - _TIME_MINLEN
    if extra in (4, 20, 24):
        _need(data, bp + 52)
        out.append(f"\n\tKey id: {struct.unpack_from('!I', data, bp + 48)[0]}")
        if extra > 4:
            _need(data, bp + 52 + extra - 4)
            out.append(f"\n\tAuthentication: {data[bp + 52 : bp + 48 + extra].hex()}")
    elif extra > 0:
        out.append(f"\n\t({extra} more bytes after the header)")


def _control_message(out: list[str], data: bytes, bp: int, length: int) -> None:
    if length < 12:
        out.append(" (invalid)")
        _need(data, bp + length)
        return
    _need(data, bp + 2)
    control = data[bp + 1]
    out.append(f", {'Response' if control & 0x80 else 'Request'}, {'Error' if control & 0x40 else 'OK'}, "
               f"{'More' if control & 0x20 else 'Last'}, OpCode={control & 0x1F}\n")
    count = 0
    for pos, name in ((2, "\tSequence="), (4, ", Status="), (6, ", Assoc.="), (8, ", Offset="), (10, ", Count=")):
        _need(data, bp + pos + 2)
        value = struct.unpack_from("!H", data, bp + pos)[0]
        out.append(name + (f"{value:#x}" if pos == 4 and value else str(value)))
        count = value
    if 12 + count > length:
        out.append(" (invalid)")
        _need(data, bp + length)
        return
    if count:
        _need(data, bp + 12 + count)
        out.append("\n\tTO-BE-DONE: data not interpreted")
