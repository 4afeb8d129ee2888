"""The listening sockets of the metrics and gui roles, opened in the supervisor's set-up.

A role under its policy may only accept4 on the socket it is given, so the socket is made, bound and
listening before the fork: non-blocking (the role's loop is one ppoll) and close-on-exec. A port
taken, or an address this host does not have, is the user's one-line error before anything is
attached.
"""

from __future__ import annotations

import socket

from xdpdump.errors import UserError
from xdpdump.plan import Endpoint

LISTEN_BACKLOG = 1024  # a burst of connects waits in the kernel while the role sheds (http.c)


def open_listener(flag: str, endpoint: Endpoint) -> socket.socket:
    """A listening TCP socket on endpoint (port 0: the kernel picks one; bound_port says which)."""
    family = socket.AF_INET6 if endpoint.family_v6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC)
    try:
        # A restarted capture may bind while the last one's connections linger in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((endpoint.host, endpoint.port))
        sock.listen(LISTEN_BACKLOG)
    except OSError as e:
        sock.close()
        raise UserError(f"{flag} {endpoint.url(path='')}: cannot listen: {e.strerror}") from e
    return sock


def bound_port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])
