"""The capture's XDP program on one interface: compiled with its filter, attached, and held.

Owns: building bpf/xsk_redirect.c with the filter in front (a compiled tcpdump expression, or one of
the default filters), attaching it through a BPF link so the kernel detaches it when the process
goes away, even by SIGKILL (netlink + explicit detach where the kernel has no XDP links), putting
AF_XDP socket fds into its XSKMAP, and reading its counters.
"""

from __future__ import annotations

import ctypes
import errno
import os
from dataclasses import dataclass, field

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from xdpdump import bpfsys, loader, netdev
from xdpdump.bpf_build import BPF_DIR, LoadedProgram, load_xdp
from xdpdump.errors import UserError

PROGRAM_SOURCE = "xsk_redirect.c"
PROGRAM_FUNCTION = "xdpd_capture"
COUNTER_NAMES = loader.CAPTURE_NAMES


def default_filter_source(capture_ssh: bool) -> str:
    """The filter used without an expression: everything, or everything but SSH (the default)."""
    name = "filter_all.c" if capture_ssh else "filter_ssh_guard.c"
    return (BPF_DIR / name).read_text()


@dataclass
class CaptureProgram:
    """One interface's capture program, attached until close()."""

    device: netdev.Device
    program: LoadedProgram
    mode: str
    link_fd: int | None = None  # held BPF link; None when attached by netlink (fallback)
    replaced: ReplacedProgram | None = None  # what --force took off the device, put back at close
    _closed: bool = field(default=False, repr=False)

    @property
    def needs_privileges_to_close(self) -> bool:
        """Closing a link needs nothing; netlink detach and putting a program back need CAP_NET_ADMIN."""
        return self.link_fd is None or self.replaced is not None

    def add_socket(self, queue: int, xsk_fd: int) -> None:
        self.program.table("xsks_map")[ctypes.c_int(queue)] = ctypes.c_int(xsk_fd)

    def __post_init__(self) -> None:
        # Looked up now: bcc's table objects are made lazily, and a sandboxed supervisor may later
        # only read the map (bpf MAP_LOOKUP_ELEM on this fd), nothing more.
        self._counters_fd = self.program.table("xdpd_counters").get_fd()
        bpfsys.possible_cpus()  # reads sysfs once, now, while files can still be opened

    def counters(self) -> dict[str, int]:
        values = bpfsys.percpu_u64_sums(self._counters_fd, len(COUNTER_NAMES))
        return dict(zip(COUNTER_NAMES, values, strict=True))

    def close(self) -> None:
        """Detach (closing the link detaches) and free the program."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.link_fd is not None:
                os.close(self.link_fd)
            else:
                with IPRoute() as ipr:
                    loader.detach(netdev.lookup(self.device.name, ipr), ipr)
        finally:
            self.program.close()
            if self.replaced is not None:
                self.replaced.restore()


@dataclass
class ReplacedProgram:
    """A program --force took off the device for the capture, held by fd so it can be put back."""

    device: netdev.Device
    prog_id: int
    fd: int
    mode: str

    @classmethod
    def take(cls, device: netdev.Device) -> ReplacedProgram:
        prog_id = device.xdp.prog_id
        assert prog_id is not None
        fd = bpfsys.prog_fd_by_id(prog_id)  # holding it keeps the program alive while detached
        try:
            with IPRoute() as ipr:
                loader.detach(device, ipr)
        except BaseException:
            os.close(fd)
            raise
        return cls(device, prog_id, fd, device.xdp.mode or "native")

    def restore(self) -> None:
        try:
            with IPRoute() as ipr:
                current = netdev.lookup(self.device.name, ipr)
                loader.attach(current, self.fd, self.mode, force=False, ipr=ipr)
        finally:
            os.close(self.fd)


def attach_capture(device: netdev.Device, filter_source: str, mode: str, force: bool) -> CaptureProgram:
    """Compile the capture program for device and attach it. A UserError leaves the device as it was;
    with force, a program already there is replaced for the capture and put back by close()."""
    netdev.require_up(device)
    if device.xdp.prog_id is not None and not force:
        raise UserError(
            f"{device.name} already has XDP program {loader.describe_prog(device.xdp.prog_id)} "
            f"({device.xdp.mode} mode); xdpdump needs the device to itself: "
            f"run `xdp-load unload -i {device.name}` first, or pass --force to replace it for this capture"
        )
    # Compile before touching the device: a filter bcc or the verifier rejects costs nothing.
    program = load_xdp(PROGRAM_SOURCE, PROGRAM_FUNCTION, prefix=filter_source)
    replaced = None
    try:
        if device.xdp.prog_id is not None:
            replaced = ReplacedProgram.take(device)
        attached = _attach(device, program, mode)
    except BaseException:
        program.close()
        if replaced is not None:
            replaced.restore()
        raise
    attached.replaced = replaced
    return attached


def _attach(device: netdev.Device, program: LoadedProgram, mode: str) -> CaptureProgram:
    # lo (and other devices without native XDP) only take generic mode.
    modes = ["skb"] if device.name == "lo" and mode == "auto" else (["native", "skb"] if mode == "auto" else [mode])
    last: OSError | None = None
    for candidate in modes:
        try:
            link = bpfsys.xdp_link_create(program.fd, device.index, loader.mode_flags(candidate))
            return CaptureProgram(device, program, candidate, link_fd=link)
        except OSError as e:
            last = e
            if e.errno == errno.EPERM:
                raise UserError("capturing needs root, or CAP_NET_ADMIN and CAP_BPF") from e
            if e.errno == errno.EBUSY:
                raise UserError(f"{device.name} already has an XDP program attached") from e
            if e.errno == errno.EINVAL and candidate == modes[-1]:
                # Kernels before 5.9 have no XDP links: fall back to netlink and detach on exit.
                return _attach_netlink(device, program, candidate)
    assert last is not None
    raise UserError(f"{device.name} does not support XDP in {mode} mode: {last.strerror}")


def _attach_netlink(device: netdev.Device, program: LoadedProgram, mode: str) -> CaptureProgram:
    with IPRoute() as ipr:
        try:
            got = loader.attach(netdev.lookup(device.name, ipr), program.fd, mode, force=False, ipr=ipr)
        except NetlinkError as e:  # pragma: no cover - loader turns these into UserError
            raise UserError(f"cannot attach to {device.name}: {os.strerror(e.code)}") from e
    return CaptureProgram(device, program, got, link_fd=None)
