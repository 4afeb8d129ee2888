"""Noticing that a captured device disappears: rtnetlink link events, read by the supervisor.

Owns one rtnetlink socket subscribed to RTMGRP_LINK, opened at set-up (before the supervisor's seccomp
filter, which then allows only non-blocking reads of this one descriptor), and the parsing of what
arrives: an RTM_DELLINK for a watched ifindex means the device was deleted, moved to another
namespace, or went with its namespace (a veth whose peer's namespace is deleted). The kernel detaches
the device's XDP programs and unbinds its AF_XDP sockets then, silently: without this the capture
would wait forever. tcpdump says "The interface disappeared" and exits 1; so does xdpdump.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterable

from xdpdump import netdev, rtnl
from xdpdump.errors import UserError

RTMGRP_LINK = 1
# Link events are few (a device added, changed, removed); a megabyte holds thousands of them between
# two reads 100 ms apart. Beyond that the kernel drops messages (ENOBUFS on the next read).
RCVBUF_BYTES = 1 << 20
READ_BYTES = 65536


class LinkWatch:
    """Which of the watched devices (ifindex -> name) have disappeared since set-up."""

    def __init__(self, devices: Iterable[netdev.Device]) -> None:
        self.watched = {d.index: d.name for d in devices}
        self.gone: list[str] = []
        self.lost_events = False
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC,
                             socket.NETLINK_ROUTE)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
            sock.bind((0, RTMGRP_LINK))
            self._confirm_present()
        except BaseException:
            sock.close()
            raise
        self.fd: int | None = sock.detach()  # read with os.read: the one call the policy allows on it

    def _confirm_present(self) -> None:
        """A device gone between its lookup and the subscription would never send its RTM_DELLINK."""
        with rtnl.Rtnl() as ipr:
            for index, name in self.watched.items():
                try:
                    ipr.link("get", index=index)
                except rtnl.NetlinkError as e:
                    raise UserError(f"{name}: no such device (it disappeared)") from e

    def check(self) -> list[str]:
        """Read what arrived (never blocks); the names of the watched devices gone so far, in order."""
        while self.fd is not None:
            try:
                data = os.read(self.fd, READ_BYTES)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                self.lost_events = True  # the kernel dropped events; keep reading those that follow
                continue
            if not data:
                break
            self._parse(data)
        return self.gone

    def _parse(self, data: bytes) -> None:
        pos = 0
        while pos + rtnl.NLMSGHDR.size <= len(data):
            length, kind, _flags, _seq, _pid = rtnl.NLMSGHDR.unpack_from(data, pos)
            if length < rtnl.NLMSGHDR.size:
                return  # malformed: nothing after it can be framed
            body = pos + rtnl.NLMSGHDR.size
            if kind == rtnl.RTM_DELLINK and body + rtnl.IFINFOMSG.size <= len(data):
                index = rtnl.IFINFOMSG.unpack_from(data, body)[2]
                name = self.watched.pop(index, None)
                if name is not None:
                    self.gone.append(name)
            pos += (length + 3) & ~3  # NLMSG_ALIGN

    def close(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)
