"""``AfXdpCapture``: the AF_XDP capture producer (native/capture_loop.c): the RX rings of one socket
per ``CaptureTarget`` -> the record ring, fill rings refilled.

One UMEM per interface, shared by its queues (``fill_size`` frames per socket). Sizes are the
caller's (the plan validated them); the native side refuses invalid ones as a defence.

``by_reference``: records point into UMEM instead of holding a copy of the frame, for consumers that
share the UMEM mapping (the archive writer in a role forked after it, or a reader in this process;
not the supervisor's printer, which lets go of the UMEM). Each socket then gets a second fill ring's
worth of frames, held while the consumers read them: how far the writer may lag before the kernel
drops (and counts) frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk._producer import CaptureTarget, XskProducer
from xdpdump.xsk.record_ring import RecordRing

__all__ = ["AfXdpCapture", "CaptureTarget"]


class AfXdpCapture(XskProducer):
    """The capture of ``targets`` into ``ring`` (which stays the caller's); ``count`` 0 = no limit."""

    def __init__(
        self,
        ring: RecordRing,
        targets: Sequence[CaptureTarget],
        *,
        frame_size: int,
        rx_size: int,
        fill_size: int,
        snaplen: int,
        count: int = 0,
        bind_mode: str = "auto",
        need_wakeup: bool = True,
        by_reference: bool = False,
    ) -> None:
        super().__init__(ring, targets, snaplen, lib.xdpd_capture_destroy)
        try:
            out = ffi.new("xdpd_capture **")
            check(lib.xdpd_capture_create(out, ring._handle(), snaplen, count, int(by_reference)),
                  "cannot start the capture")
            self._native = out[0]
            self._producer = lib.xdpd_capture_producer(self._native)
            self._open_in_sockets(lib.xdpd_capture_add_socket, frame_size=frame_size, rx_size=rx_size,
                                  fill_size=fill_size, extra_frames=0,
                                  held_per_socket=fill_size if by_reference else 0, bind_mode=bind_mode,
                                  need_wakeup=need_wakeup)
        except BaseException:
            self.close()
            raise

    def native_handle(self) -> Any:
        """The native capture, for the modules that extend it (congestion.py); before release()."""
        if self._native is None or self._released:
            raise ValueError("capture is closed or released")
        return self._native
