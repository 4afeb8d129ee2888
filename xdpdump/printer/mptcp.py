"""The MPTCP option as tcpdump's mptcp_print prints it inside ``options [...]``: its length, the
subtype's name and fields. ``mptcp_text`` says too whether tcpdump accepted the option (if not, the
TCP line ends with ``[bad opt]`` after what was printed)."""

from __future__ import annotations

import struct

from xdpdump.printer.base import ip4, ip6

_SUBTYPES = ("capable", "join", "dss", "add-addr", "rem-addr", "prio", "fail", "fast-close", "unknown")
_ADDR_ECHO = {0x6: "v0-ip6", 0x4: "v0-ip4", 0x1: "v1-echo", 0x0: "v1"}
_SYN, _ACK = 0x02, 0x10


def _u64(b: bytes, at: int) -> int:
    return struct.unpack_from("!Q", b, at)[0]


def _u32(b: bytes, at: int) -> int:
    return struct.unpack_from("!I", b, at)[0]


def mptcp_text(opt: bytes, flags: int) -> tuple[str, bool]:
    """``opt`` is the whole option (kind and length included), ``flags`` the segment's TCP flags."""
    n = len(opt)
    if n < 3:
        return "", False
    subtype = min(opt[2] >> 4, 8)
    head = f" {n} {_SUBTYPES[subtype]}"
    body = _BODIES[subtype](opt, n, flags)
    if isinstance(body, tuple):  # DSS prints its fields as it reads them, then may reject the rest
        return head + body[0], body[1]
    return head + (body or ""), body is not None


def _capable(opt: bytes, n: int, flags: int) -> str | None:
    if not ((n in (12, 4) and flags & _SYN) or (n in (20, 22) and flags & (_SYN | _ACK) == _ACK)):
        return None
    version = opt[2] & 0xF
    if version > 1:
        return f" Unknown Version ({version})"
    text = f" v{version}" + (" csum" if opt[3] & 0x80 else "")
    if n == 12 or n >= 20:
        text += f" {{0x{_u64(opt, 4):x}" + (f",0x{_u64(opt, 12):x}" if n >= 20 else "") + "}"
    return text


def _join(opt: bytes, n: int, flags: int) -> str | None:
    if not ((n == 12 and flags & _SYN) or (n == 16 and flags & (_SYN | _ACK) == _SYN | _ACK)
            or (n == 24 and flags & _ACK)):
        return None
    text = ""
    if n != 24:
        text += (" backup" if opt[2] & 1 else "") + f" id {opt[3]}"
    if n == 12:
        text += f" token 0x{_u32(opt, 4):x} nonce 0x{_u32(opt, 8):x}"
    elif n == 16:
        text += f" hmac 0x{_u64(opt, 4):x} nonce 0x{_u32(opt, 12):x}"
    else:
        text += f" hmac 0x{opt[4:24].hex()}"
    return text


def _dss(opt: bytes, n: int, flags: int) -> tuple[str, bool] | None:
    if n < 4 or flags & _SYN:
        return None
    bits = opt[3]
    text = " fin" if bits & 0x10 else ""
    at, left = 4, n - 4
    # The data ACK, then the data sequence number: each 4 or 8 bytes, named before it is read.
    for name, present, wide in ((" ack ", 0x01, 0x02), (" seq ", 0x04, 0x08)):
        if not bits & present:
            continue
        size = 8 if bits & wide else 4
        text += name
        if left < size:
            return text, False
        text += str(int.from_bytes(opt[at : at + size], "big"))
        at, left = at + size, left - size
    if bits & 0x04:
        if left < 4:
            return text, False
        text += f" subseq {_u32(opt, at)}"
        at, left = at + 4, left - 4
        if left < 2:
            return text, False
        text += f" len {struct.unpack_from('!H', opt, at)[0]}"
        at, left = at + 2, left - 2
        if left >= 2:
            text += f" csum 0x{struct.unpack_from('!H', opt, at)[0]:x}"
            left -= 2
    return text, left == 0


def _add_addr(opt: bytes, n: int, flags: int) -> str | None:
    if n not in (8, 10, 16, 18, 20, 22, 28, 30):
        return None
    text = f" {_ADDR_ECHO.get(opt[2] & 0xF, '[bad version/echo]')} id {opt[3]}"
    size = 4 if n < 20 else 16
    text += " " + (ip4(opt[4:8]) if size == 4 else ip6(opt[4:20]))
    at = 4 + size
    if n in (10, 18, 22, 30):
        text += f":{struct.unpack_from('!H', opt, at)[0]}"
        at += 2
    if n in (16, 18, 28, 30):
        text += f" hmac 0x{_u64(opt, at):x}"
    return text


def _rem_addr(opt: bytes, n: int, flags: int) -> str | None:
    if n < 4:
        return None
    return " id" + "".join(f" {b}" for b in opt[3:n])


def _prio(opt: bytes, n: int, flags: int) -> str | None:
    if n not in (3, 4):
        return None
    return (" backup" if opt[2] & 1 else " non-backup") + (f" id {opt[3]}" if n == 4 else "")


def _fail(opt: bytes, n: int, flags: int) -> str | None:
    return f" seq {_u64(opt, 4)}" if n == 12 else None


def _fast_close(opt: bytes, n: int, flags: int) -> str | None:
    return f" key 0x{_u64(opt, 4):x}" if n == 12 else None


_BODIES = (_capable, _join, _dss, _add_addr, _rem_addr, _prio, _fail, _fast_close, lambda opt, n, flags: "")
