"""An XDP program attached for as long as this process lives: the capture's, and the pass program
zero-copy TX needs. (xdp-load's programs persist instead; see loader.py.)

Owns the one attach-with-fallback every such caller uses: try each mode the plan allows
(plan.attach_modes: native then skb for `auto`, skb only on `lo`) through a BPF link, which the kernel
detaches when the last holder of its fd goes away, SIGKILL included; where the kernel refuses links for
XDP (before 5.9), attach by netlink instead and detach explicitly at close.
"""

from __future__ import annotations

import contextlib
import errno
import os
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from xdpdump import bpfsys, loader, netdev
from xdpdump.errors import PRIVILEGES_NEEDED, PrivilegeError, UserError


@dataclass
class HeldAttachment:
    """A program on a device until close(): by a BPF link (link_fd), or by netlink (link_fd None), then
    with its detach request prepared at set-up (end_requests.py), which a sandboxed supervisor may send."""

    device: netdev.Device
    mode: str
    link_fd: int | None
    detach_request: PreparedRequest | None = None
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def by_netlink(cls, device: netdev.Device, mode: str) -> HeldAttachment:
        from xdpdump.end_requests import PreparedRequest

        why = f"detaching from {device.name} by netlink (the kernel refused a BPF link for XDP)"
        return cls(device, mode, None, PreparedRequest(device.index, -1, loader.MODE_FLAGS.get(mode, 0), why))

    @property
    def privileges_to_close(self) -> str | None:
        """Closing a link needs nothing, nor does sending the prepared detach: never a reason to stay
        unconfined (kept for the producers' common interface)."""
        return None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.link_fd is not None:
            os.close(self.link_fd)
            return
        assert self.detach_request is not None
        code = self.detach_request.send()
        if code not in (0, errno.ENODEV):  # ENODEV: the device is gone, and its program with it
            raise UserError(f"cannot detach XDP program from {self.device.name}: {os.strerror(code)}")


def attach_held(prog_fd: int, device: netdev.Device, modes: Sequence[str]) -> HeldAttachment:
    """Attach prog_fd to device in the first of modes that works; UserError (device unchanged) if none."""
    last: OSError | None = None
    for mode in modes:
        try:
            return HeldAttachment(device, mode, bpfsys.xdp_link_create(prog_fd, device.index, loader.mode_flags(mode)))
        except OSError as e:
            last = e
            if e.errno == errno.EPERM:
                raise PrivilegeError(PRIVILEGES_NEEDED) from e
            if e.errno == errno.EBUSY:
                raise UserError(f"{device.name} already has an XDP program attached") from e
            if e.errno == errno.EINVAL and mode == modes[-1]:
                # Kernels before 5.9 have no XDP links: attach by netlink and detach on close.
                from pyroute2 import IPRoute

                with IPRoute() as ipr:
                    got = loader.attach(netdev.lookup(device.name, ipr), prog_fd, (mode,), force=False, ipr=ipr)
                return HeldAttachment.by_netlink(device, got)
    assert last is not None
    raise UserError(f"{device.name} does not support XDP in {'/'.join(modes)} mode: {last.strerror}")


if typing.TYPE_CHECKING:
    from xdpdump.end_requests import PreparedRequest


@contextlib.contextmanager
def zero_copy_tx_program(device: netdev.Device, zerocopy: bool, modes: Sequence[str]) -> Iterator[str | None]:
    """A pass program on device while the body runs, where AF_XDP zero-copy TX needs one.

    Drivers transmit zero-copy AF_XDP frames from their XDP TX rings, which exist only while an XDP
    program is attached; copy mode needs none. Yields the mode attached, or None when nothing was.
    """
    if not zerocopy or device.xdp.prog_id is not None:
        yield None
        return
    from xdpdump import programs

    prog = programs.load_pass()
    try:
        try:
            attachment = attach_held(prog.fd, device, modes)
        except UserError as e:
            raise UserError(f"{device.name}: zero-copy TX needs an XDP program and it cannot be attached: {e}") from e
        try:
            yield attachment.mode
        finally:
            attachment.close()
    finally:
        prog.close()
