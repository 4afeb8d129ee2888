"""Redis's RESP as tcpdump's resp_print: ``: RESP`` and each element, quoted, as it reads them.

tcpdump parses nested arrays by recursion; this walks them with a stack of the elements each open
array still expects. Every element takes at least one byte, so the walk is bounded by the payload,
and spends a unit of the frame's budget (budget.py).
Any element cut short ends the line with `` [|resp]``, as in tcpdump.
"""

from __future__ import annotations

import re

from xdpdump.printer.base import Truncated
from xdpdump.printer.budget import Budget
from xdpdump.printer.escape import escape

_INT_MAX = 2**31 - 1
_BAD_LENGTH = {-1: " null", -3: " length too large", -4: " length negative and not -1"}
_CR_OR_LF = re.compile(rb"[\r\n]")


class _Cursor:
    """Position and remaining length in the payload; ``byte`` raises on bytes not captured."""

    def __init__(self, data: bytes, pos: int, left: int) -> None:
        self.data, self.pos, self.left = data, pos, left

    def byte(self, at: int) -> int:
        if at >= len(self.data):
            raise Truncated("resp")
        return self.data[at]

    def segment(self, start: int, n: int) -> str:
        if start + n > len(self.data):
            raise Truncated("resp")
        return ' "' + escape(self.data[start : start + n]) + '"'

    def find_crlf(self) -> None:
        """Advance to the next CR LF (tcpdump's FIND_CRLF): one inside the payload and captured, else
        [|resp] (tcpdump's byte loop stops with it at the payload's end or the capture's)."""
        at = self.data.find(b"\r\n", self.pos, min(self.pos + self.left, len(self.data)))
        if at < 0:
            raise Truncated("resp")
        self.pos, self.left = at, self.left - (at - self.pos)

    def skip_cr_or_lf(self) -> None:
        """tcpdump's CONSUME_CR_OR_LF: any run of CR and LF, none needed unless at the end."""
        found = False
        while True:
            if self.left == 0 or self.pos >= len(self.data):
                if found:
                    return
                raise Truncated("resp")
            if self.data[self.pos] not in (0x0D, 0x0A):
                return
            found = True
            self.pos, self.left = self.pos + 1, self.left - 1

    def length(self) -> int:
        """tcpdump's resp_get_length: the value, or -1 null, -2 cut, -3 too large, -4 negative, -5 invalid."""
        if self.left == 0:
            return -2
        neg = self.byte(self.pos) == 0x2D
        if neg:
            self.pos, self.left = self.pos + 1, self.left - 1
        result, digits, too_large = 0, False, False
        while True:
            if self.left == 0:
                return -2
            c = self.byte(self.pos)
            if not 0x30 <= c <= 0x39:
                if not digits:
                    self.pos, self.left = self.pos + 1, self.left - 1  # tcpdump skips the bad byte
                    return -5
                break
            c -= 0x30
            # tcpdump's int overflow checks: before multiplying by ten, and before adding the digit
            if result > _INT_MAX // 10 or (result == _INT_MAX // 10 and c > _INT_MAX % 10):
                too_large = True
            else:
                result = result * 10 + c
            self.pos, self.left, digits = self.pos + 1, self.left - 1, True
        for expect in (0x0D, 0x0A):
            if expect == 0x0A and self.left == 0:
                return -2
            if self.byte(self.pos) != expect:
                self.pos, self.left = self.pos + 1, self.left - 1
                return -5
            self.pos, self.left = self.pos + 1, self.left - 1
        if neg:
            return -1 if not too_large and result == 1 else -4
        return -3 if too_large else result


def resp_text(data: bytes, off: int, length: int, out: list[str], budget: Budget) -> None:
    """Append ``: RESP`` and the elements of the ``length`` payload bytes at ``off``."""
    out.append(": RESP")
    cur = _Cursor(data, off, length)
    pending: list[int] = []  # elements still expected by each open array, innermost last
    while True:
        budget.spend(2)  # an element (its length parsed byte by byte, its text): up to 4.5 us
        if pending:
            if pending[-1] == 0:
                pending.pop()
                continue
            pending[-1] -= 1
        elif cur.left == 0:
            return
        if cur.left < 1:
            raise Truncated("resp")
        op = cur.byte(cur.pos)
        if op in (0x2B, 0x3A, 0x2D):  # simple string, integer, error: up to CR LF
            cur.pos, cur.left = cur.pos + 1, cur.left - 1
            start = cur.pos
            cur.find_crlf()
            out.append(cur.segment(start, cur.pos - start))
            cur.pos, cur.left = cur.pos + 2, cur.left - 2
        elif op in (0x24, 0x2A):  # bulk string, array: a length first
            cur.pos, cur.left = cur.pos + 1, cur.left - 1
            n = cur.length()
            if n == -2:
                raise Truncated("resp")
            if n < 0:
                out.append(_BAD_LENGTH.get(n, " invalid"))
            elif op == 0x2A:
                if n == 0:
                    out.append(" empty")
                else:
                    pending.append(n)
            else:
                if n == 0:
                    out.append(" empty")
                else:
                    if cur.left < n:
                        raise Truncated("resp")
                    out.append(cur.segment(cur.pos, n))
                    cur.pos, cur.left = cur.pos + n, cur.left - n
                cur.find_crlf()
                cur.pos, cur.left = cur.pos + 2, cur.left - 2
        else:  # an inline command: up to CR or LF
            cur.skip_cr_or_lf()
            start = cur.pos
            # The CR or LF that ends it, inside the payload and captured (else tcpdump's [|resp]).
            m = _CR_OR_LF.search(cur.data, cur.pos, min(cur.pos + cur.left, len(cur.data)))
            if m is None:
                raise Truncated("resp")
            cur.pos, cur.left = m.start(), cur.left - (m.start() - cur.pos)
            out.append(cur.segment(start, cur.pos - start))
            cur.skip_cr_or_lf()
