"""DHCPv6 as tcpdump 4.99 prints it (print-dhcp6.c): ``dhcp6 solicit``, and with ``-v`` the
transaction id and the options: ``dhcp6 solicit (xid=1234 (client-ID hwaddr type 1 0200...)
(elapsed-time 100) (IA_NA IAID:7 T1:100 T2:200 (IA_ADDR fd00::5 pltime:300 vltime:400)))``, relay
messages with their link and peer addresses and the relayed message inside.

The ``-v`` form covers the common options (DUIDs, IA_NA/IA_TA/IA_PD with their addresses and
prefixes, elapsed time, option request, status code, preference, rapid commit, DNS servers and
search list, interface id, relay message). A message carrying any other option, a name this module
does not print the same way, or bytes cut short by the capture raises ``GiveUp``: the datagram gets
the generic ``UDP, length N`` line rather than a line tcpdump would not print. Option names in an
option request were checked one by one against tcpdump (codes 0-999).
"""

from __future__ import annotations

import socket
import struct

from xdpdump.printer.base import Truncated
from xdpdump.printer.budget import Budget
from xdpdump.printer.giveup import GiveUp

_TYPES = {1: "solicit", 2: "advertise", 3: "request", 4: "confirm", 5: "renew", 6: "rebind", 7: "reply",
          8: "release", 9: "decline", 10: "reconfigure", 11: "inf-req", 12: "relay-fwd", 13: "relay-reply",
          14: "leasequery", 15: "leasequery-reply"}
_RELAY_FORW, _RELAY_REPL = 12, 13
_LAST_CLIENT_TYPE = 11
# Relay messages in relay messages, options in options (tcpdump follows both without a limit): past
# this depth the datagram gets the generic line, so a crafted message costs no deep recursion. Each
# option spends a unit of the frame's budget (budget.py): a message with more gets the generic line too.
MAX_NESTING = 8

_OPTION_NAMES = {
    1: "client-ID", 2: "server-ID", 3: "IA_NA", 4: "IA_TA", 5: "IA_ADDR", 6: "option-request",
    7: "preference", 8: "elapsed-time", 9: "relay-message", 11: "authentication", 12: "server-unicast",
    13: "status-code", 14: "rapid-commit", 15: "user-class", 16: "vendor-class", 17: "vendor-specific-info",
    18: "interface-ID", 19: "reconfigure-message", 20: "reconfigure-accept", 21: "SIP-servers-domain",
    22: "SIP-servers-address", 23: "DNS-server", 24: "DNS-search-list", 25: "IA_PD", 26: "IA_PD-prefix",
    27: "NIS-server", 28: "NIS+-server", 29: "NIS-domain-name", 30: "NIS+-domain-name", 31: "SNTP-servers",
    32: "lifetime", 33: "BCMCS-domain-name", 34: "BCMCS-server", 36: "Geoconf-Civic", 37: "Remote-ID",
    38: "Subscriber-ID", 39: "Client-FQDN", 40: "PANA-agent", 41: "POSIX-timezone", 42: "POSIX-tz-database",
    43: "Echo-request-option", 44: "Lease-query", 45: "LQ-client-data", 46: "Clt-time", 47: "LQ-relay-data",
    48: "LQ-client-link", 56: "NTP-server", 64: "AFTR-Name", 112: "MUD-URL",
}
# RFC 8415's status codes, by value.
_STATUS = ("Success", "UnspecFail", "NoAddrsAvail", "NoBinding", "NotOnLink", "UseMulticast", "NoPrefixAvail",
           "UnknownQueryType", "MalformedQuery", "NotConfigured")
_TRUNC = " [|dhcp6]"
# Options that carry options (IA_NA, IA_TA, IA_ADDR, IA_PD, IA_PD-prefix): the length of their fixed part.
_CONTAINER_HEAD = {3: 12, 4: 4, 5: 24, 25: 12, 26: 25}


def dhcp6(out: list[str], data: bytes, bp: int, length: int, verbose: int, budget: Budget) -> None:
    """Append the DHCPv6 message at ``bp`` to ``out``."""
    out.append("dhcp6")
    if len(data) < bp + 4:
        raise Truncated("dhcp6")
    if not verbose:
        out.append(f" {_TYPES.get(data[bp], f'msgtype-{data[bp]}')}")
        return
    if len(data) < bp + length:
        raise GiveUp  # cut by the capture: tcpdump's forms for that are not reproduced here
    _message(out, data[bp : bp + length], 0, budget)


def _message(out: list[str], msg: bytes, depth: int, budget: Budget) -> None:
    kind = msg[0]
    if kind not in _TYPES or kind > _RELAY_REPL:
        raise GiveUp
    out.append(f" {_TYPES[kind]} (")
    if kind <= _LAST_CLIENT_TYPE:
        out.append(f"xid={int.from_bytes(msg[1:4], 'big'):x}")
        _options(out, msg, 4, len(msg), depth, budget)
        out.append(")")
        return
    if len(msg) < 34:
        raise GiveUp
    link, peer = (socket.inet_ntop(socket.AF_INET6, msg[i : i + 16]) for i in (2, 18))
    out.append(f"linkaddr={link} peeraddr={peer}")
    _options(out, msg, 34, len(msg), depth, budget)
    out.append(")")


def _options(out: list[str], msg: bytes, at: int, end: int, depth: int, budget: Budget) -> None:
    if depth > MAX_NESTING:
        raise GiveUp
    while at < end:
        budget.spend()
        if end - at < 4:
            out.append(_TRUNC)
            return
        code, n = struct.unpack_from("!HH", msg, at)
        if n > end - at - 4:
            out.append(_TRUNC)
            return
        _option(out, code, msg, at + 4, n, depth, budget)
        at += 4 + n


def _u32s(msg: bytes, at: int, count: int) -> tuple[int, ...]:
    return struct.unpack_from(f"!{count}I", msg, at)


def _option(out: list[str], code: int, msg: bytes, at: int, n: int, depth: int, budget: Budget) -> None:
    name = _OPTION_NAMES.get(code)
    body = msg[at : at + n]
    if code in (1, 2):
        out.append(f" ({name} {_duid(body)})")
    elif code in _CONTAINER_HEAD:
        head = _CONTAINER_HEAD[code]
        if n < head:
            out.append(f" ({name} ?)")
            return
        out.append(f" ({name} {_container_fields(code, msg, at)}")
        _options(out, msg, at + head, at + n, depth + 1, budget)
        out.append(")")
    elif code == 6:
        if n % 2:
            out.append(f" ({name} ?)")
            return
        codes = struct.unpack_from(f"!{n // 2}H", body)
        out.append(f" ({name}" + "".join(f" {_OPTION_NAMES.get(c, f'opt_{c}')}" for c in codes) + ")")
    elif code == 7:
        out.append(f" ({name} {body[0] if n == 1 else '?'})")
    elif code == 8:
        out.append(f" ({name} {int.from_bytes(body, 'big') if n == 2 else '?'})")
    elif code == 13:
        if n < 2:
            raise GiveUp
        status = int.from_bytes(body[:2], "big")
        if status >= len(_STATUS):
            raise GiveUp
        out.append(f" ({name} {_STATUS[status]})")
    elif code == 14:
        if n:
            raise GiveUp
        out.append(f" ({name})")
    elif code == 23:
        if n % 16:
            out.append(f" ({name} ?)")
            return
        addrs = (socket.inet_ntop(socket.AF_INET6, body[i : i + 16]) for i in range(0, n, 16))
        out.append(f" ({name}" + "".join(f" {a}" for a in addrs) + ")")
    elif code == 24:
        out.append(f" ({name}" + "".join(f" {d}" for d in _names(body)) + ")")
    elif code == 18:
        if n > 8:
            raise GiveUp
        out.append(f" ({name} {body.hex()}...)")
    elif code == 9:
        out.append(f" ({name} (dhcp6")
        if n < 4:
            out.append(_TRUNC)
        else:
            _message(out, body, depth + 1, budget)
        out.append(")")
    else:
        raise GiveUp  # an option not decoded here


def _container_fields(code: int, msg: bytes, at: int) -> str:
    """The fixed part of an option that carries options: an IA's id and times, an address's or a
    prefix's lifetimes."""
    if code == 4:
        return f"IAID:{_u32s(msg, at, 1)[0]}"
    if code == 5:
        addr = socket.inet_ntop(socket.AF_INET6, msg[at : at + 16])
        pref, valid = _u32s(msg, at + 16, 2)
        return f"{addr} pltime:{pref} vltime:{valid}"
    if code == 26:
        pref, valid = _u32s(msg, at, 2)
        prefix = socket.inet_ntop(socket.AF_INET6, msg[at + 9 : at + 25])
        return f"{prefix}/{msg[at + 8]} pltime:{pref} vltime:{valid}"
    iaid, t1, t2 = _u32s(msg, at, 3)
    return f"IAID:{iaid} T1:{t1} T2:{t2}"


def _duid(d: bytes) -> str:
    if len(d) < 2:
        return "?"
    kind = int.from_bytes(d[:2], "big")
    if kind == 1:
        if len(d) < 8:
            return "?"
        hw, when = struct.unpack_from("!HI", d, 2)
        return f"hwaddr/time type {hw} time {when} {d[8:].hex()}"
    if kind == 2:
        return f"vid {d[2:10].hex()}" if len(d) >= 10 else "?"
    if kind == 3:
        return f"hwaddr type {int.from_bytes(d[2:4], 'big')} {d[4:].hex()}" if len(d) >= 4 else "?"
    return f"type {kind}"


_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def _names(body: bytes) -> list[str]:
    """The uncompressed names of a search list, each ending in a dot; anything else: GiveUp."""
    names, at = [], 0
    while at < len(body):
        labels = []
        while True:
            if at >= len(body):
                raise GiveUp  # a name cut short
            n = body[at]
            if n == 0:
                at += 1
                break
            label = body[at + 1 : at + 1 + n]
            if n > 63 or len(label) < n or not set(label) <= _NAME_BYTES:
                raise GiveUp
            labels.append(label.decode("ascii"))
            at += 1 + n
        if not labels:
            raise GiveUp  # the root name
        names.append(".".join(labels) + ".")
    return names
