"""What tcpdump 4.99 appends to a TCP line for the ports it names (tcp.py's ``SUFFIX_TCP_PORTS``):
the first line of HTTP, RTSP, FTP, SMTP and WHOIS (its txtproto_print), SSH's version banner,
``: BGP``, Redis's RESP (resp.py) and telnet's negotiation (telnet.py). The other named ports (PPTP,
BEEP, OpenFlow, DNS over TCP, MSDP, RPKI-RTR, LDP, NFS) are not decoded here: their line stops after
the TCP part, where tcpdump's goes on.
"""

from __future__ import annotations

import re

from xdpdump.printer.base import Base, Truncated
from xdpdump.printer.resp import resp_text
from xdpdump.printer.telnet import telnet_text

# The methods tcpdump's http_print and rtsp_print know (a line starting with one is printed).
_HTTP = frozenset((
    "GET", "PUT", "COPY", "HEAD", "LOCK", "MOVE", "POLL", "POST", "BCOPY", "BMOVE", "MKCOL", "TRACE", "LABEL",
    "MERGE", "DELETE", "SEARCH", "UNLOCK", "REPORT", "UPDATE", "NOTIFY", "BDELETE", "CONNECT", "OPTIONS",
    "CHECKIN", "PROPFIND", "CHECKOUT", "CCM_POST", "SUBSCRIBE", "PROPPATCH", "BPROPFIND", "BPROPPATCH",
    "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE", "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL"
))
_RTSP = frozenset((
    "DESCRIBE", "ANNOUNCE", "GET_PARAMETER", "OPTIONS", "PAUSE", "PLAY", "RECORD", "REDIRECT", "SETUP",
    "SET_PARAMETER", "TEARDOWN"
))
_TOKEN_BUF = 129  # tcpdump's token buffer: a token of 127 characters fits, with its NUL
# In tcpdump's order of tests: the first port that matches either side decides.
_ORDER = ((23, "telnet"), (25, "smtp"), (43, "whois"), (179, "bgp"), (1723, None), (6379, "resp"), (22, "ssh"),
          (10288, None), (6633, None), (6653, None), (21, "ftp"), (80, "http"), (8080, "http"), (554, "rtsp"),
          (8554, "rtsp"))


def _printable(c: int) -> bool:
    return 0x20 <= c <= 0x7E


def _token(data: bytes, idx: int, end: int) -> tuple[int, bytes]:
    """tcpdump's fetch_token: (index after the token and its blanks, token); index 0 if none."""
    n = min(end, len(data))
    start = idx
    while idx < end:
        if idx >= n:
            return 0, b""
        c = data[idx]
        if c >= 0x80:
            return 0, b""
        if c in b" \t\r\n":
            break
        if not _printable(c) or idx - start + 2 > _TOKEN_BUF:
            return 0, b""
        idx += 1
    if idx == start:
        return 0, b""
    token = data[start:idx]
    while idx < end and idx < n:
        c = data[idx]
        if c in b"\r\n" or not _printable(c) or c not in b" \t":
            break
        idx += 1
    return idx, token


# The first byte that does not continue a text line (a line may hold tabs, a version banner not).
_NOT_TEXT_TAB = re.compile(rb"[^\x20-\x7e\t]")
_NOT_TEXT = re.compile(rb"[^\x20-\x7e]")


def _line_end(data: bytes, idx: int, end: int, proto: str, allow_tab: bool) -> int | None:
    """Where the text line from ``idx`` ends (before its CR LF or LF), as tcpdump's print_txt_line
    and ssh_print_version scan it: None for a byte that is not text or a CR not followed by LF,
    ``-end`` when the payload ends first; a byte not captured is tcpdump's [|proto]. (Searched with
    a regular expression: a byte loop in Python took half a millisecond for a 1.4 KB line.)"""
    if idx < end:
        m = (_NOT_TEXT_TAB if allow_tab else _NOT_TEXT).search(data, idx, min(end, len(data)))
        if m is None:
            if end > len(data):
                raise Truncated(proto)  # tcpdump prints the line only once it has found its end
            return -end
        idx = m.start()
        c = data[idx]
        if c == 0x0A:
            return idx
        if c == 0x0D:
            if idx + 1 >= end:
                return None
            if idx + 1 >= len(data):
                raise Truncated(proto)
            return idx if data[idx + 1] == 0x0A else None
        return None
    return -end


class TcpAppPrinter(Base):
    def tcp_application(self, out: list[str], data: bytes, off: int, length: int, sport: int, dport: int) -> None:
        """Append tcpdump's application part for a TCP payload of ``length`` bytes at ``off``."""
        proto = next((name for port, name in _ORDER if port in (sport, dport)), None)
        if proto is None:
            return
        if proto == "bgp":
            out.append(": BGP")
        elif proto == "resp":
            resp_text(data, off, length, out, self.budget)
        elif proto == "telnet":
            telnet_text(data, off, length, out, self.budget)
        elif proto == "ssh":
            self._ssh(out, data, off, length)
        else:
            out.append(": ")
            cmds = _HTTP if proto == "http" else _RTSP if proto == "rtsp" else None
            self._txtproto(out, data, off, length, proto, cmds)

    def _txtproto(self, out: list[str], data: bytes, off: int, length: int, proto: str, cmds) -> None:
        end = off + length
        show = cmds is None
        if cmds is not None:
            idx, token = _token(data, off, end)
            if idx:
                show = token.decode().upper() in cmds
                idx, token = _token(data, idx, end)  # the status code is the second token
                if idx and len(token) == 3 and token.isdigit():
                    show = True
        out.append(proto.upper())
        if not show:
            return
        if self.opts.verbose:
            return  # -v prints every line; not claimed here
        idx = _line_end(data, off, off + length, proto, allow_tab=True)
        if idx is None:
            return
        if idx < 0:  # the payload ended without an end of line: printed, then marked cut
            out.append(": " + data[off:-idx].decode("ascii") + f" [|{proto}]")
            return
        out.append(": " + data[off:idx].decode("ascii"))

    @staticmethod
    def _ssh(out: list[str], data: bytes, off: int, length: int) -> None:
        for i, c in enumerate(b"SSH-"):
            if off + i >= len(data):
                raise Truncated("ssh")
            if data[off + i] != c:
                return
        idx = _line_end(data, off + 4, off + length, "ssh", allow_tab=False)
        if idx is not None and idx >= 0:
            out.append(": SSH: " + data[off:idx].decode("ascii"))
