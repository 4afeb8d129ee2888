"""Syslog as tcpdump 4.99 prints it (print-syslog.c): ``SYSLOG facility.severity, length: N``; with
``-v`` the message text, escaped as tcpdump escapes packet text; with ``-vv`` a hex dump too."""

from __future__ import annotations

from xdpdump.printer.base import Truncated
from xdpdump.printer.escape import escape
from xdpdump.printer.hexdump import hex_lines

_SEVERITIES = ("emergency", "alert", "critical", "error", "warning", "notice", "info", "debug")
_FACILITIES = ("kernel", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
               "ftp", "ntp", "security", "console", "cron", "local0", "local1", "local2", "local3", "local4",
               "local5", "local6", "local7")


def syslog(out: list[str], data: bytes, bp: int, length: int, verbose: int) -> None:
    """Append the syslog message at ``bp`` (``length`` bytes by the UDP header) to ``out``."""
    end = len(data)

    def byte(pos: int) -> int:
        if pos >= end:
            raise Truncated("syslog")
        return data[pos]

    if byte(bp) != ord("<"):
        out.append(" (invalid)")
        return
    off, pri = 1, 0
    while off <= 3 and 0x30 <= byte(bp + off) <= 0x39:
        pri = pri * 10 + byte(bp + off) - 0x30
        off += 1
    if byte(bp + off) != ord(">"):
        out.append(" (invalid)")
        return
    off += 1
    facility, severity = (pri & 0x3F8) >> 3, pri & 7
    fname = _FACILITIES[facility] if facility < len(_FACILITIES) else f"unknown ({facility})"
    sname = _SEVERITIES[severity]
    if not verbose:
        out.append(f"SYSLOG {fname}.{sname}, length: {length}")
        return
    out.append(f"SYSLOG, length: {length}\n\tFacility {fname} ({facility}), Severity {sname} ({severity})\n\tMsg: ")
    if length > off:
        text = data[bp + off : bp + length]
        out.append(escape(text))
        if bp + length > end:
            raise Truncated("syslog")
    if verbose > 1:
        out.append(hex_lines(data[bp : bp + length]))
