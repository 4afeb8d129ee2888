"""DHCPv6 as tcpdump 4.99 prints it without ``-v`` (print-dhcp6.c): ``dhcp6 solicit``. The ``-v``
form (every option) is not decoded here: it raises ``GiveUp`` and the datagram gets the generic line."""

from __future__ import annotations

from xdpdump.printer.base import Truncated
from xdpdump.printer.giveup import GiveUp

_TYPES = {1: "solicit", 2: "advertise", 3: "request", 4: "confirm", 5: "renew", 6: "rebind", 7: "reply",
          8: "release", 9: "decline", 10: "reconfigure", 11: "inf-req", 12: "relay-fwd", 13: "relay-reply",
          14: "leasequery", 15: "leasequery-reply"}


def dhcp6(out: list[str], data: bytes, bp: int, length: int, verbose: int) -> None:
    """Append the DHCPv6 message at ``bp`` to ``out``."""
    if verbose:
        raise GiveUp
    out.append("dhcp6")
    if len(data) < bp + 4:
        raise Truncated("dhcp6")
    out.append(f" {_TYPES.get(data[bp], f'msgtype-{data[bp]}')}")
