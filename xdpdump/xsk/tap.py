"""``InlineTap``: the inline tap producer (native/tap.c): it records the rx queues of one interface
like the capture and transmits every recorded frame out of (out_ifindex, out_queue).

OUT shares IN's UMEM (XDP_SHARED_UMEM: no copy) when ``share_umem`` and the kernel allows it;
otherwise it gets a UMEM of its own and frames are copied (``share_error`` says why). The TX side's
counters live in a shared page of the tap's own (``counters()``), readable after the net role exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xdpdump.errors import UserError
from xdpdump.xsk._native import check, ffi, lib
from xdpdump.xsk._producer import CaptureTarget, XskProducer
from xdpdump.xsk.record_ring import RecordRing
from xdpdump.xsk.socket import XskSocket
from xdpdump.xsk.stats import XskStats
from xdpdump.xsk.umem import Umem

__all__ = ["InlineTap", "TapCounters"]

_OUT_UMEM = -1  # key of OUT's own UMEM (no ifindex is negative)


@dataclass(frozen=True)
class TapCounters:
    """The TX side of an inline tap."""

    forwarded: int      # completed on OUT
    tx_queued: int      # put on OUT's TX ring
    copied: int         # of tx_queued, copied into OUT's own UMEM (no XDP_SHARED_UMEM)
    kicks: int
    shared: bool        # OUT shares the capture's UMEM: frames go out without a copy
    in_flight: int
    out_xdp: XskStats   # OUT socket's XDP_STATISTICS

    @property
    def tx_errors(self) -> int:
        """Frames OUT's kernel side refused (bad descriptors: too long for the device, and so on)."""
        return self.out_xdp.tx_invalid_descs


class InlineTap(XskProducer):
    """The rx queues ``targets`` (of one interface) recorded into ``ring`` and sent out of OUT."""

    def __init__(
        self,
        ring: RecordRing,
        targets: Sequence[CaptureTarget],
        out_ifindex: int,
        out_queue: int = 0,
        *,
        frame_size: int,
        rx_size: int,
        fill_size: int,
        tx_size: int,
        snaplen: int,
        count: int = 0,
        bind_mode: str = "auto",
        need_wakeup: bool = True,
        share_umem: bool = True,
    ) -> None:
        if len({t.ifindex for t in targets}) != 1:
            raise ValueError("an inline tap records the rx queues of exactly one interface")
        super().__init__(ring, targets, snaplen, lib.xdpd_tap_destroy)
        self.share_error: str | None = None
        self.shared = False
        self.out_zerocopy = False
        self._out: XskSocket | None = None
        self._out_fd = -1
        try:
            out = ffi.new("xdpd_tap **")
            check(lib.xdpd_tap_create(out, ring._handle(), snaplen, count), "cannot start the inline tap")
            self._native = out[0]
            self._producer = lib.xdpd_tap_producer(self._native)
            # IN's UMEM holds every IN socket's fill ring and OUT's TX ring full of frames in flight.
            self._open_in_sockets(lib.xdpd_tap_add_socket, frame_size=frame_size, rx_size=rx_size,
                                  fill_size=fill_size, extra_frames=tx_size, bind_mode=bind_mode,
                                  need_wakeup=need_wakeup)
            in_umem = self._umems[self.targets[0].ifindex]
            self._out = self._open_out(in_umem, out_ifindex, out_queue, tx_size, frame_size, share_umem,
                                       need_wakeup)
            self._out_fd = self._out.fd
            self.shared = self._out.umem is in_umem
            self.out_zerocopy = self._out.zerocopy
            check(lib.xdpd_tap_set_out(self._native, self._out._handle()), "cannot start the inline tap")
        except BaseException:
            self.close()
            raise

    def _open_out(self, umem: Umem, ifindex: int, queue: int, tx_size: int, frame_size: int, share: bool,
                  need_wakeup: bool) -> XskSocket:
        if share:
            try:
                return XskSocket(umem, ifindex, queue, rx_size=0, tx_size=tx_size, fill_size=64, comp_size=tx_size)
            except UserError as e:
                # e.g. IN is zero-copy and OUT's driver is not, or a kernel before 5.10 (no sharing
                # across devices): forward by copying instead.
                self.share_error = str(e)
        own = Umem(tx_size, frame_size)
        self._umems[_OUT_UMEM] = own
        return XskSocket(own, ifindex, queue, rx_size=0, tx_size=tx_size, fill_size=64, comp_size=tx_size,
                         need_wakeup=need_wakeup)

    def net_role_fds(self) -> list[int]:
        """IN's sockets and OUT's: the net role receives on the first and transmits on the last."""
        return sorted([*super().net_role_fds(), self._out_fd])

    def counters(self) -> TapCounters:
        """The TX side from the tap's shared page (written by whichever process runs the loop)."""
        if self._native is None:
            raise ValueError("inline tap is closed")
        c = ffi.new("struct xdpd_tap_counters *")
        lib.xdpd_tap_counters(self._native, c)
        return TapCounters(c.forwarded, c.tx_queued, c.copied, c.kicks, bool(c.shared), c.in_flight,
                           XskStats._from_c(c.out_xdp))

    def release(self) -> None:
        self._out = None  # closed with the UMEM it is bound to
        super().release()
