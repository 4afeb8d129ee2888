"""Text that comes from a packet (DNS names, TXT strings, syslog messages), made safe to print the way
tcpdump's fn_print_char does: a byte with the high bit set becomes ``M-`` and its low seven bits, and
a control byte becomes ``^`` and the byte XOR 0x40 (ESC is ``^[``, BEL ``^G``, newline ``^J``, DEL
``^?``). Nothing a peer sends can then move the cursor, clear the terminal or start a new line that
looks like another packet.
"""

from __future__ import annotations


def _char(c: int) -> str:
    text = ""
    if c >= 0x80:
        text, c = "M-", c & 0x7F
    if not 0x20 <= c <= 0x7E:
        text, c = text + "^", c ^ 0x40
    return text + chr(c)


# Every byte's printed form, for str.translate over the bytes decoded as latin-1 (one char per byte).
_TABLE = {c: _char(c) for c in range(256) if not 0x20 <= c <= 0x7E}


def escape(raw: bytes) -> str:
    """``raw`` as tcpdump prints packet text: printable ASCII as is, every other byte escaped."""
    return raw.decode("latin-1").translate(_TABLE)
