"""Promiscuous mode for the life of a capture, taken and released the way libpcap does it.

Owns one AF_PACKET socket holding a PACKET_MR_PROMISC membership on each captured device. The
membership is a reference on the device's promiscuity count (`ip -d link` shows `promiscuity N`),
not a write of the IFF_PROMISC flag: another holder (tcpdump, a bridge) is left as it was, and the
kernel drops our references itself when the socket is closed, at the end of the capture or when the
process holding it dies, however it dies (SIGKILL included). Nothing is left to undo.

The socket is made with protocol 0, so it is bound to no protocol and the kernel delivers it no
frame: it costs nothing while held. It is taken in the privileged set-up (socket(AF_PACKET) needs
CAP_NET_RAW) and held by the supervisor, which needs no system call for it afterwards but close(2)
at the end; the forked roles close it with every descriptor they do not own. No seccomp policy
changes for it.
"""

from __future__ import annotations

import errno
import socket
import struct
from collections.abc import Iterable

from xdpdump.errors import UserError

SOL_PACKET = 263                # <linux/socket.h>
PACKET_ADD_MEMBERSHIP = 1       # <linux/if_packet.h>
PACKET_MR_PROMISC = 1


def _packet_mreq(ifindex: int) -> bytes:
    """struct packet_mreq { int mr_ifindex; unsigned short mr_type, mr_alen; unsigned char mr_address[8]; }"""
    return struct.pack("=iHH8s", ifindex, PACKET_MR_PROMISC, 0, b"")


class Promiscuous:
    """The devices' promiscuity, held until close() (or until this process dies)."""

    def __init__(self, devices: Iterable[tuple[int, str]]) -> None:
        """devices: (ifindex, name) of each device to make promiscuous. A UserError takes nothing."""
        try:
            self._sock: socket.socket | None = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        except PermissionError as e:
            raise UserError("cannot set promiscuous mode: a packet socket needs CAP_NET_RAW "
                            "(-p captures without it)") from e
        try:
            for ifindex, name in devices:
                try:
                    self._sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, _packet_mreq(ifindex))
                except OSError as e:
                    why = "The interface disappeared" if e.errno == errno.ENODEV else e.strerror
                    raise UserError(f"{name}: cannot set promiscuous mode: {why} (-p captures without it)") from e
        except BaseException:
            self.close()  # every membership taken so far goes with the socket
            raise

    def close(self) -> None:
        """Give the devices' promiscuity back (closing the socket drops every membership)."""
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
