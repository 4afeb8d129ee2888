"""Text that comes from a packet (DNS names, TXT strings, syslog messages), made safe to print the way
tcpdump's fn_print_char does: a byte with the high bit set becomes ``M-`` and its low seven bits, and
a control byte becomes ``^`` and the byte XOR 0x40 (ESC is ``^[``, BEL ``^G``, newline ``^J``, DEL
``^?``). Nothing a peer sends can then move the cursor, clear the terminal or start a new line that
looks like another packet.

``escape_text`` does the same to text that did not come from the printers' own byte handling (scapy's
field text, an exception's message, a file or device name), and ``visible`` is the last check on every
line the printer returns: what a printer forgot to escape is escaped there, so no byte outside
printable ASCII but the line's own newlines and the dumps' tabs reaches the terminal.
"""

from __future__ import annotations

import re


def print_char(c: int) -> str:
    """tcpdump's fn_print_char: one byte as it prints."""
    text = ""
    if c >= 0x80:
        text, c = "M-", c & 0x7F
    if not 0x20 <= c <= 0x7E:
        text, c = text + "^", c ^ 0x40
    return text + chr(c)


# Every byte's printed form, for str.translate over the bytes decoded as latin-1 (one char per byte).
_TABLE = {c: print_char(c) for c in range(256) if not 0x20 <= c <= 0x7E}


def escape(raw: bytes) -> str:
    """``raw`` as tcpdump prints packet text: printable ASCII as is, every other byte escaped."""
    return raw.decode("latin-1").translate(_TABLE)


def escape_text(text: str) -> str:
    """``text`` with every character outside printable ASCII (newline included) escaped as the bytes
    of its UTF-8 form (a file name's undecodable bytes, kept as surrogates by Python, as themselves)."""
    if text.isascii() and text.isprintable():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")
    return escape(raw)


# What a printed line may hold: printable ASCII, the newline of a -v line or a dump, the dumps' tab.
_UNSAFE = re.compile(r"[^\x20-\x7e\n\t]+")


def visible(line: str) -> str:
    """``line`` with anything outside printable ASCII (but newline and tab) escaped."""
    if _UNSAFE.search(line) is None:
        return line
    return _UNSAFE.sub(lambda m: escape_text(m.group()), line)
