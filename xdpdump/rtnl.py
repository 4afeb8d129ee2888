"""The few rtnetlink requests a capture needs at start, over a plain AF_NETLINK socket, so that a
capture starts without importing pyroute2 (its package imports about 300 modules whichever part of it
is asked for: 0.24 s of CPU, most of what a warm start cost).

Owns: one NETLINK_ROUTE socket; its requests (RTM_GETLINK for one device or all of them, RTM_GETADDR,
RTM_GETNSID) and their replies, framed and checked by sequence number; NLMSG_ERROR as NetlinkError
(the errno in ``.code``); and decoding the attributes netdev reads, by the kernel's names.

Its methods are the IPRoute calls netdev makes, with the same shapes (``link("get", ...)``,
``get_links``, ``get_addr``, ``get_netnsid``; a reply answers ``msg["index"]`` and
``msg.get_attr("IFLA_MTU")``), so netdev reads this socket, or the pyroute2 IPRoute that xdp-load and
the netlink attach fallbacks already hold, alike. Writing (attach, detach, tc) stays with pyroute2.
"""

from __future__ import annotations

import os
import socket
import struct
from collections.abc import Callable
from typing import Any

NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300  # NLM_F_ROOT | NLM_F_MATCH
NLMSG_ERROR = 2
NLMSG_DONE = 3
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWADDR, RTM_GETADDR = 20, 22
RTM_NEWNSID, RTM_GETNSID = 88, 90

NLMSGHDR = struct.Struct("=IHHII")    # len, type, flags, seq, pid
_RTATTR = struct.Struct("=HH")         # len, type
IFINFOMSG = struct.Struct("=BxHiII")  # family, (pad), type, index, flags, change
_IFADDRMSG = struct.Struct("=BBBBI")   # family, prefixlen, flags, scope, index
_RTGENMSG = struct.Struct("=B3x")      # family, padded to 4 as the kernel aligns it
NLA_TYPE_MASK = 0x3FFF  # the top two bits are NLA_F_NESTED and NLA_F_NET_BYTEORDER
# A dump's datagram is at most 32 KiB (the kernel's netlink_dump); one reply to a single GETLINK is
# smaller. Twice that, and a truncated datagram is still detected (MSG_TRUNC) rather than misread.
RECV_BYTES = 1 << 16
REPLY_TIMEOUT_S = 10.0  # the kernel answers within the sendmsg; this only bounds a wait that cannot end


class NetlinkError(OSError):
    """The kernel's NLMSG_ERROR for a request: errno in .code (and .errno), as pyroute2's has it."""

    def __init__(self, code: int) -> None:
        super().__init__(code, os.strerror(code))
        self.code = code


class Message:
    """One decoded message (or nested attribute): its fixed header's fields and the attributes
    netdev reads, by the kernel's names; attributes not in the tables below are skipped."""

    def __init__(self, fields: dict[str, int], attrs: dict[str, object]) -> None:
        self.fields = fields
        self.attrs = attrs

    def __getitem__(self, field: str) -> int:
        return self.fields[field]

    def get_attr(self, name: str, default: object = None) -> Any:  # int, str or Message, by the attribute
        return self.attrs.get(name, default)

    def __repr__(self) -> str:
        return f"Message({self.fields}, {self.attrs})"


def _u8(data: bytes) -> int:
    return data[0]


def _u32(data: bytes) -> int:
    return struct.unpack_from("=I", data)[0]


def _s32(data: bytes) -> int:
    return struct.unpack_from("=i", data)[0]


def _string(data: bytes) -> str:
    return data.split(b"\0", 1)[0].decode(errors="replace")


def _nested(table: dict[int, tuple[str, Callable]]) -> Callable[[bytes], Message]:
    return lambda data: Message({}, decode_attrs(data, table))


# include/uapi/linux/if_link.h, rtnetlink.h, if_addr.h, net_namespace.h: type -> (name, decoder).
_XDP_ATTRS = {2: ("IFLA_XDP_ATTACHED", _u8), 3: ("IFLA_XDP_FLAGS", _u32), 4: ("IFLA_XDP_PROG_ID", _u32),
              5: ("IFLA_XDP_DRV_PROG_ID", _u32), 6: ("IFLA_XDP_SKB_PROG_ID", _u32),
              7: ("IFLA_XDP_HW_PROG_ID", _u32)}
_LINKINFO_ATTRS = {1: ("IFLA_INFO_KIND", _string)}
LINK_ATTRS = {3: ("IFLA_IFNAME", _string), 4: ("IFLA_MTU", _u32), 5: ("IFLA_LINK", _u32),
              18: ("IFLA_LINKINFO", _nested(_LINKINFO_ATTRS)), 32: ("IFLA_NUM_RX_QUEUES", _u32),
              37: ("IFLA_LINK_NETNSID", _s32), 43: ("IFLA_XDP", _nested(_XDP_ATTRS))}
IFLA_IFNAME = 3
IFA_ADDRESS, IFA_LOCAL, IFA_LABEL = 1, 2, 3
NETNSA_NSID, NETNSA_FD = 1, 3
_NSID_ATTRS = {NETNSA_NSID: ("NETNSA_NSID", _s32)}


def decode_attrs(data: bytes, table: dict[int, tuple[str, Callable]], pos: int = 0) -> dict[str, object]:
    """The attributes (struct rtattr, 4-byte aligned) from pos to the end of data that table names."""
    attrs: dict[str, object] = {}
    while pos + _RTATTR.size <= len(data):
        length, kind = _RTATTR.unpack_from(data, pos)
        if length < _RTATTR.size or pos + length > len(data):
            break  # malformed: nothing after it can be framed
        known = table.get(kind & NLA_TYPE_MASK)
        if known is not None:
            name, decode = known
            attrs[name] = decode(data[pos + _RTATTR.size:pos + length])
        pos += (length + 3) & ~3
    return attrs


def _link(payload: bytes) -> Message:
    family, kind, index, flags, change = IFINFOMSG.unpack_from(payload)
    fields = {"family": family, "ifi_type": kind, "index": index, "flags": flags, "change": change}
    return Message(fields, decode_attrs(payload, LINK_ATTRS, IFINFOMSG.size))


def _addr(payload: bytes) -> Message:
    family, prefixlen, flags, scope, index = _IFADDRMSG.unpack_from(payload)
    length = {socket.AF_INET: 4, socket.AF_INET6: 16}.get(family)

    def address(data: bytes) -> str:
        return socket.inet_ntop(family, data[:length]) if length and len(data) >= length else data.hex()

    table = {IFA_ADDRESS: ("IFA_ADDRESS", address), IFA_LOCAL: ("IFA_LOCAL", address),
             IFA_LABEL: ("IFA_LABEL", _string)}
    fields = {"family": family, "prefixlen": prefixlen, "flags": flags, "scope": scope, "index": index}
    return Message(fields, decode_attrs(payload, table, _IFADDRMSG.size))


def attr(kind: int, value: bytes) -> bytes:
    """One netlink attribute, padded to 4 bytes."""
    data = _RTATTR.pack(_RTATTR.size + len(value), kind) + value
    return data + b"\0" * (-len(data) % 4)


class Rtnl:
    """A NETLINK_ROUTE socket in the namespace that was current when it was made (it stays there)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, socket.NETLINK_ROUTE)
        try:
            self.sock.bind((0, 0))
            self.sock.settimeout(REPLY_TIMEOUT_S)
        except BaseException:
            self.sock.close()
            raise
        self._seq = 0

    def __enter__(self) -> Rtnl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def request(self, kind: int, body: bytes, dump: bool = False) -> list[tuple[int, bytes]]:
        """Send one request; its replies as (type, payload), all of them for a dump, else the first.
        NLMSG_ERROR with an error raises NetlinkError."""
        self._seq += 1
        seq = self._seq
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else 0)
        self.sock.send(NLMSGHDR.pack(NLMSGHDR.size + len(body), kind, flags, seq, 0) + body)
        replies: list[tuple[int, bytes]] = []
        while True:
            data, _anc, msg_flags, _addr = self.sock.recvmsg(RECV_BYTES)
            if msg_flags & socket.MSG_TRUNC:
                raise OSError(f"rtnetlink reply longer than {RECV_BYTES} bytes")
            pos = 0
            while pos + NLMSGHDR.size <= len(data):
                length, mtype, _mflags, mseq, _pid = NLMSGHDR.unpack_from(data, pos)
                if length < NLMSGHDR.size or pos + length > len(data):
                    raise OSError("malformed rtnetlink reply")
                payload = data[pos + NLMSGHDR.size:pos + length]
                pos += (length + 3) & ~3
                if mseq != seq:
                    continue  # a late reply to an earlier request
                if mtype in (NLMSG_ERROR, NLMSG_DONE):
                    error = -_s32(payload) if len(payload) >= 4 else 0
                    if error > 0:
                        raise NetlinkError(error)
                    return replies  # an ACK, or the end of a dump
                replies.append((mtype, payload))
                if not dump:
                    return replies

    # --- the IPRoute calls netdev makes ------------------------------------------------------

    def link(self, command: str, ifname: str | None = None, index: int = 0) -> list[Message]:
        """RTM_GETLINK for one device, by name or by index: ``link("get", ifname=...)``."""
        if command != "get":
            raise ValueError(f"rtnl reads only: link({command!r})")
        body = IFINFOMSG.pack(socket.AF_UNSPEC, 0, index, 0, 0)
        if ifname is not None:
            body += attr(IFLA_IFNAME, ifname.encode() + b"\0")
        return [_link(p) for t, p in self.request(RTM_GETLINK, body) if t == RTM_NEWLINK]

    def get_links(self) -> list[Message]:
        """Every device in the namespace (an RTM_GETLINK dump)."""
        body = IFINFOMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
        return [_link(p) for t, p in self.request(RTM_GETLINK, body, dump=True) if t == RTM_NEWLINK]

    def get_addr(self, index: int | None = None) -> list[Message]:
        """The namespace's addresses (an RTM_GETADDR dump, IPv4 and IPv6), those of device index if given."""
        body = _IFADDRMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0)
        found = [_addr(p) for t, p in self.request(RTM_GETADDR, body, dump=True) if t == RTM_NEWADDR]
        return [m for m in found if index is None or m["index"] == index]

    def get_netnsid(self, fd: int) -> dict[str, int | None]:
        """The id this namespace gives the namespace open at fd: {"nsid": id} (-1: none assigned)."""
        body = _RTGENMSG.pack(socket.AF_UNSPEC) + attr(NETNSA_FD, struct.pack("=I", fd))
        for kind, payload in self.request(RTM_GETNSID, body):
            if kind == RTM_NEWNSID:
                return {"nsid": decode_attrs(payload, _NSID_ATTRS, _RTGENMSG.size).get("NETNSA_NSID")}
        return {"nsid": None}
