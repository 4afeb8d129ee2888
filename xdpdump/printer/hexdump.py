"""The hex (-x) and hex-and-ASCII (-X) dumps, byte for byte as tcpdump prints them.

Each line is ``\\n\\t0xOFFS:`` followed by 16 bytes as space-separated groups of two; -X pads the hex
part to its full width and adds the bytes 0x21-0x7e as characters, anything else as ``.``.
"""

from __future__ import annotations

_IDENT = "\n\t"


def hex_lines(data: bytes) -> str:
    """tcpdump -x: hex only."""
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off : off + 16]
        groups = [chunk[i : i + 2].hex() for i in range(0, len(chunk), 2)]
        out.append(f"{_IDENT}0x{off:04x}:  " + " ".join(groups))
    return "".join(out)


def _printable(b: int) -> str:
    return chr(b) if 0x21 <= b <= 0x7E else "."


def hex_ascii_lines(data: bytes) -> str:
    """tcpdump -X: hex and ASCII side by side."""
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off : off + 16]
        hexpart = "".join(" " + chunk[i : i + 2].hex() for i in range(0, len(chunk), 2))
        text = "".join(_printable(b) for b in chunk)
        out.append(f"{_IDENT}0x{off:04x}: {hexpart:<40}  {text}")
    return "".join(out)
