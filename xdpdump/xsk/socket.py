"""``XskSocket``: one AF_XDP socket bound to (ifindex, rx queue) on a ``Umem`` (native/socket.c,
fill_ring.c, tx.c, stats.c).

``bind_mode``: "auto" (the kernel tries zero-copy and falls back to copy), "copy" or "zerocopy". A
second socket on the same Umem binds with XDP_SHARED_UMEM and inherits the first one's mode. The
socket's rings are driven only by native loops (capture, tap, replay); here it is made, named by
its fd (for the XSKMAP and the net policy), read for statistics and closed.
"""

from __future__ import annotations

from typing import Any

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import BIND_MODES, check, ffi, lib
from xdpdump.xsk.stats import XskStats
from xdpdump.xsk.umem import Umem


class XskSocket(Closes):
    """An AF_XDP socket bound to (ifindex, queue) on a Umem."""

    def __init__(
        self,
        umem: Umem,
        ifindex: int,
        queue: int,
        *,
        rx_size: int,
        tx_size: int = 0,
        fill_size: int | None = None,
        comp_size: int | None = None,
        bind_mode: str = "auto",
        need_wakeup: bool = True,
    ) -> None:
        if bind_mode not in BIND_MODES:
            raise ValueError(f"unknown AF_XDP bind mode {bind_mode!r} (auto, copy or zerocopy)")
        # The kernel needs fill and completion rings on every socket, even one that only sends or
        # only receives: the smallest sensible ring for the side not used.
        fill_size = fill_size or max(rx_size, 64)
        comp_size = comp_size or max(tx_size, 64)
        out = ffi.new("xdpd_socket **")
        rc = lib.xdpd_socket_create(
            out, umem._handle(), ifindex, queue, rx_size, tx_size, fill_size, comp_size, BIND_MODES[bind_mode],
            int(need_wakeup),
        )
        check(rc, f"cannot open AF_XDP socket on ifindex {ifindex} queue {queue}")
        self._ptr: Any = out[0]
        self.umem = umem
        self.ifindex = ifindex
        self.queue = queue
        umem._sockets.append(self)

    @property
    def fd(self) -> int:
        return int(lib.xdpd_socket_fd(self._handle()))

    @property
    def zerocopy(self) -> bool:
        return bool(lib.xdpd_socket_zerocopy(self._handle()))

    @property
    def shared(self) -> bool:
        """Bound with XDP_SHARED_UMEM to a UMEM another socket registered."""
        return bool(lib.xdpd_socket_shared(self._handle()))

    def stats(self) -> XskStats:
        st = ffi.new("struct xdpd_xsk_stats *")
        check(lib.xdpd_socket_stats(self._handle(), st), "cannot read XDP statistics")
        return XskStats._from_c(st)

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("socket is closed")
        return self._ptr

    def close(self) -> None:
        if self._ptr is not None:
            lib.xdpd_socket_destroy(self._ptr)
            self._ptr = None
            self.umem._sockets.remove(self)
