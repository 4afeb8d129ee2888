"""The rtnetlink requests a capture's end must make, prepared at set-up for a sandboxed supervisor.

Owns one rtnetlink socket, opened (and bound) at set-up while the process may still open anything,
and the exact RTM_SETLINK IFLA_XDP requests the end will send on it: putting back the program --force
took off a device (same fd, same mode, UPDATE_IF_NOEXIST as loader.attach does), or detaching a
program attached by netlink where the kernel refused a BPF link. At the end each request is sent with
send/recv on that one socket (sendto/recvfrom with no address: the kernel), the only network calls the
supervisor's seccomp policy allows, on that descriptor only (its `endnl_fd` parameter). pyroute2's
IPRoute cannot be used there: it opens sockets and makes calls the filter refuses.

The socket is shared by every request of the process and closed when the last one is sent or
dropped. Only the requests made here can be sent: nothing else in the process builds netlink messages
for this socket (a compromised supervisor still could, see the README's sandbox section).
"""

from __future__ import annotations

import errno
import itertools
import socket
import struct

from xdpdump.rtnl import IFINFOMSG as _IFINFOMSG
from xdpdump.rtnl import NLM_F_REQUEST, NLMSG_ERROR
from xdpdump.rtnl import NLMSGHDR as _NLMSGHDR
from xdpdump.rtnl import attr as _attr

RTM_SETLINK = 19
NLM_F_ACK = 0x4
IFLA_XDP = 43
NLA_F_NESTED = 0x8000
IFLA_XDP_FD = 1
IFLA_XDP_FLAGS = 3
_REPLY_BYTES = 8192  # an ACK or error echoes the request header (NETLINK_CAP_ACK is not set): far less

_seq = itertools.count(1)


class _Channel:
    """The shared socket, open while any request is pending."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.pending: dict[int, str] = {}  # seq -> why, in the user's words

    def open(self) -> socket.socket:
        if self.sock is None:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC, socket.NETLINK_ROUTE)
            try:
                sock.bind((0, 0))  # bound now: bind is not among the supervisor's calls
            except BaseException:
                sock.close()
                raise
            self.sock = sock
        return self.sock

    def done(self, seq: int) -> None:
        self.pending.pop(seq, None)
        if not self.pending and self.sock is not None:
            sock, self.sock = self.sock, None
            sock.close()


_channel = _Channel()


def channel_fd() -> int | None:
    """The socket's descriptor while any request is pending (the supervisor's policy names it), else None."""
    return _channel.sock.fileno() if _channel.sock is not None and _channel.pending else None


def reasons() -> list[str]:
    """Why each pending request will be sent, in the user's words."""
    return list(_channel.pending.values())


def setlink_xdp(seq: int, ifindex: int, prog_fd: int, flags: int) -> bytes:
    """RTM_SETLINK for ifindex with IFLA_XDP {FD prog_fd (-1: detach), FLAGS flags}, asking for an ACK."""
    xdp = _attr(IFLA_XDP_FD, struct.pack("=i", prog_fd)) + _attr(IFLA_XDP_FLAGS, struct.pack("=I", flags))
    body = _IFINFOMSG.pack(socket.AF_UNSPEC, 0, ifindex, 0, 0) + _attr(IFLA_XDP | NLA_F_NESTED, xdp)
    return _NLMSGHDR.pack(_NLMSGHDR.size + len(body), RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body


def _ack_errno(reply: bytes, seq: int) -> int | None:
    """The errno of the kernel's answer to seq (0: done), None if reply holds no answer to it."""
    pos = 0
    while pos + _NLMSGHDR.size <= len(reply):
        length, kind, _flags, got_seq, _pid = _NLMSGHDR.unpack_from(reply, pos)
        if length < _NLMSGHDR.size:
            return None
        if kind == NLMSG_ERROR and got_seq == seq and pos + _NLMSGHDR.size + 4 <= len(reply):
            return -struct.unpack_from("=i", reply, pos + _NLMSGHDR.size)[0]
        pos += (length + 3) & ~3
    return None


class PreparedRequest:
    """One IFLA_XDP request, built now, sent once by send() (or dropped by cancel())."""

    def __init__(self, ifindex: int, prog_fd: int, flags: int, why: str) -> None:
        self.sock = _channel.open()
        self.seq = next(_seq)
        self.message = setlink_xdp(self.seq, ifindex, prog_fd, flags)
        _channel.pending[self.seq] = why

    def send(self) -> int:
        """Send it and wait for the kernel's answer: 0, or the errno it refused with."""
        if self.seq not in _channel.pending:
            raise RuntimeError("a prepared netlink request is sent once")
        try:
            self.sock.send(self.message)
            for _ in range(64):  # bounded: nothing but answers to our own requests arrives here
                code = _ack_errno(self.sock.recv(_REPLY_BYTES), self.seq)
                if code is not None:
                    return code
            return errno.EPROTO
        except OSError as e:
            return e.errno or errno.EIO
        finally:
            _channel.done(self.seq)

    def cancel(self) -> None:
        _channel.done(self.seq)
