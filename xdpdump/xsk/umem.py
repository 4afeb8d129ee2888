"""``Umem``: the frame area AF_XDP sockets receive into and transmit from (native/umem.c).

Registered with the kernel by the first socket made on it; every frame is accounted for in exactly
one place (``accounting()``). Closing a UMEM closes the sockets made on it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xdpdump.xsk._closes import Closes
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk.stats import FrameAccounting

if TYPE_CHECKING:
    from xdpdump.xsk.socket import XskSocket


class Umem(Closes):
    """Page-aligned frame area: ``frames`` frames of ``frame_size`` bytes, ``headroom`` reserved in each."""

    def __init__(self, frames: int, frame_size: int, headroom: int = 0) -> None:
        out = ffi.new("xdpd_umem **")
        check(lib.xdpd_umem_create(out, frames, frame_size, headroom), "cannot create UMEM")
        self._ptr: Any = out[0]
        self.frames = frames
        self.frame_size = frame_size
        self._sockets: list[XskSocket] = []

    @property
    def free_frames(self) -> int:
        return int(lib.xdpd_umem_free_frames(self._handle()))

    def accounting(self) -> FrameAccounting:
        acc = ffi.new("struct xdpd_frame_accounting *")
        lib.xdpd_umem_check(self._handle(), acc)
        return FrameAccounting(
            acc.total, acc.free, acc.rx_path, acc.tx_path, acc.fill_queued, acc.rx_queued,
            acc.duplicates, bool(acc.ok), acc.held,
        )

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("UMEM is closed")
        return self._ptr

    def close(self) -> None:
        """Closes the sockets made on this UMEM, then unmaps it."""
        for sock in reversed(self._sockets):
            sock.close()
        if self._ptr is not None:
            check(lib.xdpd_umem_destroy(self._ptr), "cannot free UMEM")
            self._ptr = None
