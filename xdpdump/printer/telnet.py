"""Telnet's option negotiation as tcpdump's telnet_print appends it to a TCP line:
`` [telnet WILL ECHO, DO SUPPRESS GO AHEAD, SB TERMINAL TYPE SEND SE]`` for the commands at the
start of the payload. The walk takes at least two bytes per command and stops at the payload's end;
each command spends from the frame's budget (budget.py), a long subnegotiation a unit per 16 bytes.
"""

from __future__ import annotations

from xdpdump.printer.base import Truncated
from xdpdump.printer.budget import Budget

_IAC, _SB, _SE, _FIRST = 255, 250, 240, 236
_COMMANDS = ("EOF", "SUSP", "ABORT", "EOR", "SE", "NOP", "DMARK", "BRK", "IP", "AO", "AYT", "EC", "EL", "GA", "SB",
             "WILL", "WONT", "DO", "DONT", "IAC")
_OPTIONS = ("BINARY", "ECHO", "RCP", "SUPPRESS GO AHEAD", "NAME", "STATUS", "TIMING MARK", "RCTE", "NAOL", "NAOP",
            "NAOCRD", "NAOHTS", "NAOHTD", "NAOFFD", "NAOVTS", "NAOVTD", "NAOLFD", "EXTEND ASCII", "LOGOUT",
            "BYTE MACRO", "DATA ENTRY TERMINAL", "SUPDUP", "SUPDUP OUTPUT", "SEND LOCATION", "TERMINAL TYPE",
            "END OF RECORD", "TACACS UID", "OUTPUT MARKING", "TTYLOC", "3270 REGIME", "X.3 PAD", "NAWS", "TSPEED",
            "LFLOW", "LINEMODE", "XDISPLOC", "OLD-ENVIRON", "AUTHENTICATION", "ENCRYPT", "NEW-ENVIRON")
_SUB = ("IS", "SEND", "INFO")
_AUTH_CMD = ("IS", "SEND", "REPLY", "NAME")
_AUTH_TYPE = ("NULL", "KERBEROS_V4", "KERBEROS_V5", "SPX", "MINK", "SRP", "RSA", "SSL", None, None, "LOKI", "SSA",
              "KEA_SJ", "KEA_SJ_INTEG", "DSS", "NTLM")
_ENC_CMD = ("IS", "SUPPORT", "REPLY", "START", "END", "REQUEST-START", "REQUEST-END", "END_KEYID", "DEC_KEYID")
_ENC_TYPE = ("NULL", "DES_CFB64", "DES_OFB64", "DES3_CFB64", "DES3_OFB64", None, "CAST5_40_CFB64", "CAST5_40_OFB64",
             "CAST128_CFB64", "CAST128_OFB64")
_SUB_TABLES = {37: (_AUTH_CMD, _AUTH_TYPE), 38: (_ENC_CMD, _ENC_TYPE)}


def _hex(x: int) -> str:
    return f"{x:#x}" if x else "0"  # C's %#x prints no 0x for zero


_SPACED_HEX = tuple(" " + _hex(x) for x in range(256))  # a subnegotiation's bytes, as printed


def _name(x: int, table: tuple) -> str:
    return table[x] if x < len(table) and table[x] else _hex(x)


def _command(data: bytes, at: int, length: int) -> tuple[int, str]:
    """One command at ``at`` (tcpdump's telnet_parse): (bytes taken, text), bytes -1 when it is not
    one; a byte tcpdump reads that was not captured raises Truncated."""
    pos, left = at, length

    def fetch() -> int:
        nonlocal pos, left
        if left < 1:
            raise _End
        if pos >= len(data):
            raise Truncated("telnet")
        pos, left = pos + 1, left - 1
        return data[pos - 1]

    def peek(i: int) -> int:
        if i >= len(data):
            raise Truncated("telnet")
        return data[i]

    try:
        if fetch() != _IAC:
            return -1, ""
        c = fetch()
        if c == _IAC:
            return pos - at, "IAC IAC"
        if c < _FIRST:
            return -1, ""
        name = _COMMANDS[c - _FIRST]
        if c not in (251, 252, 253, 254, _SB):
            return pos - at, name
        x = fetch()
        text = f"{name} {_OPTIONS[x]}" if x < len(_OPTIONS) else f"{name} {_hex(x)}"
        if c != _SB:
            return pos - at, text
        # The IAC SE that ends the subnegotiation, searched as tcpdump's byte loop reads: a pair that
        # starts before the payload's last byte; a byte it reads that was not captured is [|telnet].
        limit, n = pos + left - 1, len(data)
        end = data.find(b"\xff\xf0", pos, min(limit + 1, n))
        if end < 0:
            if limit > n or (limit == n > pos and data[n - 1] == _IAC):
                raise Truncated("telnet")
            end = max(limit, pos)
        if peek(end) != _IAC:
            return -1, ""
        first, second = _SUB_TABLES.get(x, (_SUB, None))
        for table in (first, second):
            if table is None or end <= pos:
                break
            text += " " + _name(fetch(), table)
        if end > pos:  # captured and inside the payload: the search above read up to ``end``
            text += "".join(map(_SPACED_HEX.__getitem__, data[pos:end]))
            pos = end
        return pos + 2 - at, text + " SE"
    except _End:
        return -1, ""


class _End(Exception):
    """tcpdump's pktend: the command runs past the payload."""


def telnet_text(data: bytes, off: int, length: int, out: list[str], budget: Budget) -> None:
    """Append tcpdump's `` [telnet ...]`` for the commands that start the payload, if any."""
    pos, first = off, True
    while length > 0:
        budget.spend(2)  # a command's text: 2.4 us
        if pos >= len(data):
            raise Truncated("telnet")
        if data[pos] != _IAC:
            break
        taken, text = _command(data, pos, length)
        if taken < 0:
            break
        budget.spend(taken >> 4)  # a subnegotiation's bytes: a unit per 16
        out.append((" [telnet " if first else ", ") + text)
        first = False
        # An SB without its IAC SE takes one byte more than is left: tcpdump's unsigned length wraps.
        pos, length = pos + taken, (length - taken) & 0xFFFFFFFF
    if not first:
        out.append("]")
