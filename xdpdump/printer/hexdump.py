"""The hex (-x), hex-and-ASCII (-X) and ASCII (-A) dumps, byte for byte as tcpdump prints them, and
which of them follows a packet's line (``payload_dump``).

Each hex line is ``\\n\\t0xOFFS:`` followed by 16 bytes as space-separated groups of two; -X pads the
hex part to its full width and adds the bytes 0x21-0x7e as characters, anything else as ``.``. -A
starts a new line and prints the bytes themselves, as tcpdump's ascii_print.
"""

from __future__ import annotations

from xdpdump.printer.options import PrintOptions

_IDENT = "\n\t"


def hex_lines(data: bytes) -> str:
    """tcpdump -x: hex only."""
    # (bytes.hex with a negative group size groups from the left: two bytes, then a space.)
    return "".join(f"{_IDENT}0x{off:04x}:  " + data[off : off + 16].hex(" ", -2) for off in range(0, len(data), 16))


# -X's text column: the bytes 0x21-0x7e as themselves, any other as ".".
_DOTTED = bytes(b if 0x21 <= b <= 0x7E else 0x2E for b in range(256))


def hex_ascii_lines(data: bytes) -> str:
    """tcpdump -X: hex and ASCII side by side. (Whole-chunk conversions, not a loop per byte: a
    1.5 KB frame's dump took 0.6 ms byte by byte.)"""
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off : off + 16]
        hexpart = " " + chunk.hex(" ", -2)
        out.append(f"{_IDENT}0x{off:04x}: {hexpart:<40}  {chunk.translate(_DOTTED).decode('ascii')}")
    return "".join(out)


# -A: what tcpdump prints as itself (ND_ASCII_ISGRAPH, space, tab and newline); a CR is dropped where
# a newline follows it (or it is among the last two bytes), else printed as "." like any other byte.
_ASCII = bytes(b if 0x21 <= b <= 0x7E or b in b" \t\n" else 0x2E for b in range(256))


def ascii_lines(data: bytes) -> str:
    """tcpdump -A: a newline, then the bytes as text."""
    if b"\r" not in data:
        return "\n" + data.translate(_ASCII).decode("ascii")
    out = []
    n = len(data)
    for i, b in enumerate(data):
        if b == 0x0D:
            # ascii_print's test, after it took the CR: more than one byte left and the next not \n.
            if n - i - 1 > 1 and data[i + 1] != 0x0A:
                out.append(".")
        else:
            out.append(chr(_ASCII[b]))
    return "\n" + "".join(out)


def payload_dump(data: bytes, link_hdrlen: int, opts: PrintOptions) -> str:
    """What follows a packet's line: -X's dump, else -x's, else -A's (tcpdump's precedence), of the
    bytes after the link-level header, or of every byte when that flag was given twice (-XX, -xx,
    -AA). With nothing after the link-level header a single flag prints nothing, as tcpdump."""
    if opts.hex_ascii:
        dump, count = hex_ascii_lines, opts.hex_ascii
    elif opts.hex:
        dump, count = hex_lines, opts.hex
    elif opts.ascii:
        dump, count = ascii_lines, opts.ascii
    else:
        return ""
    if count > 1:
        return dump(data)
    return dump(data[link_hdrlen:]) if len(data) > link_hdrlen else ""
