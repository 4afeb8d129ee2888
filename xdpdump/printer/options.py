"""What the printer shows: the tcpdump flags that change a packet's line."""

from __future__ import annotations

from dataclasses import dataclass

# tcpdump's -t count: what stamp starts each line (tcpdump's ndo_tflag).
STAMP_DEFAULT = 0       # local time of day, microseconds
STAMP_NONE = 1          # -t
STAMP_UNIX = 2          # -tt: seconds since the epoch
STAMP_DELTA_PREV = 3    # -ttt: since the previous packet
STAMP_DATE = 4          # -tttt: local date and time
STAMP_DELTA_FIRST = 5   # -ttttt: since the first packet


@dataclass(frozen=True)
class PrintOptions:
    """tcpdump's -n, -e, -x, -X, -A, -v, -q, -S, -t, -#, --time-stamp-precision and xdpdump's --json.

    ``numeric`` is accepted for the CLI's sake: the printer never resolves names (no DNS from the
    sandboxed printer), so lines always look like tcpdump -n.

    ``hex``, ``hex_ascii`` and ``ascii`` count their flag as tcpdump does (a bool is a count of one):
    the dump shown is -X's, else -x's, else -A's, and it includes the link-level header when that
    flag was given twice (-XX, -xx, -AA). ``stamp`` is tcpdump's -t count (the STAMP_* values).
    """

    numeric: bool = True
    link: bool = False
    hex: int = 0
    hex_ascii: int = 0
    verbose: int = 0
    quiet: bool = False
    json: bool = False
    absolute_seq: bool = False
    ascii: int = 0
    stamp: int = STAMP_DEFAULT
    number: bool = False
    nano: bool = False      # --time-stamp-precision nano: stamps with nanoseconds (the native formatter's are micro)
