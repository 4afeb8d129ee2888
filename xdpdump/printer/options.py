"""What the printer shows: the tcpdump flags that change a packet's line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrintOptions:
    """tcpdump's -n, -e, -x, -X, -v (count), -q, -S and xdpdump's --json.

    ``numeric`` is accepted for the CLI's sake: the printer never resolves names (no DNS from the
    sandboxed printer), so lines always look like tcpdump -n.
    """

    numeric: bool = True
    link: bool = False
    hex: bool = False
    hex_ascii: bool = False
    verbose: int = 0
    quiet: bool = False
    json: bool = False
    absolute_seq: bool = False
