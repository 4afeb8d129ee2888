"""Attaching and detaching XDP programs over rtnetlink (IFLA_XDP), as xdp-tools' xdp-loader does.

Owns: trying the attach modes in the plan's order (plan.attach_modes: auto is native, else skb),
refusing to replace someone else's program unless forced (and then replacing atomically with
XDP_FLAGS_REPLACE where the mode allows), detaching, and describing what is attached (program name,
tag and our counters) for `status`.
Programs attached this way persist after the process exits: that is the point of xdp-load.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xdpdump import bpfsys, netdev
from xdpdump.errors import PRIVILEGES_NEEDED, UserError

if TYPE_CHECKING:  # imported where used: importing pyroute2 costs a capture's start 0.24 s (rtnl.py)
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

XDP_FLAGS_UPDATE_IF_NOEXIST = 1 << 0
XDP_FLAGS_SKB_MODE = 1 << 1
XDP_FLAGS_DRV_MODE = 1 << 2
XDP_FLAGS_HW_MODE = 1 << 3
XDP_FLAGS_REPLACE = 1 << 4
MODE_FLAGS = {"native": XDP_FLAGS_DRV_MODE, "skb": XDP_FLAGS_SKB_MODE, "hw": XDP_FLAGS_HW_MODE}

# Counter layouts of our own programs, by the per-CPU map that holds them.
VERDICT_MAP = "xdpd_verdicts"
VERDICT_NAMES = ("seen", "aborted", "drop", "pass", "tx", "redirect")
CAPTURE_MAP = "xdpd_counters"
CAPTURE_NAMES = ("seen", "matched", "redirected", "passed", "congested")


def mode_flags(mode: str) -> int:
    return MODE_FLAGS[mode]


def describe_prog(prog_id: int) -> str:
    """`42 'xdpd_drop'`, or just the id when the program vanished meanwhile."""
    try:
        fd = bpfsys.prog_fd_by_id(prog_id)
    except OSError:
        return str(prog_id)
    try:
        return f"{prog_id} '{bpfsys.prog_info(fd).name}'"
    finally:
        os.close(fd)


def link_holder(prog_id: int) -> int | None:
    """The pid of a process holding a BPF link of prog_id (an XDP program so held cannot be detached or
    replaced by netlink, --force or not), found in /proc/PID/fdinfo; None if none is visible."""
    wanted = f"prog_id:\t{prog_id}\n"
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fdinfo")
        except OSError:
            continue
        for fd in fds:
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                    info = f.read()
            except OSError:
                continue
            if "link_type:\txdp" in info and wanted in info:
                return int(pid)
    return None


def _netlink_reason(e: NetlinkError) -> str:
    text = e.args[1] if len(e.args) > 1 and isinstance(e.args[1], str) and e.args[1] else ""
    return text or os.strerror(e.code)


def _set_xdp(ipr: IPRoute, ifindex: int, fd: int, flags: int, expected_fd: int | None = None) -> None:
    attrs = [("IFLA_XDP_FD", fd), ("IFLA_XDP_FLAGS", flags)]
    if expected_fd is not None:
        attrs.append(("IFLA_XDP_EXPECTED_FD", expected_fd))
    ipr.link("set", index=ifindex, xdp={"attrs": attrs})


def attach(dev: netdev.Device, prog_fd: int, modes: Sequence[str], force: bool, ipr: IPRoute) -> str:
    """Attach prog_fd to dev in the first of modes (plan.attach_modes) the device takes; returns that
    mode. Raises UserError, leaving dev as it was."""
    existing = dev.xdp.prog_id
    if existing and not force:
        raise UserError(
            f"{dev.name} already has XDP program {describe_prog(existing)} ({dev.xdp.mode} mode); "
            f"use --force to replace it, or: xdp-load unload -i {dev.name}"
        )
    from pyroute2.netlink.exceptions import NetlinkError

    last: NetlinkError | None = None
    for candidate in modes:
        try:
            _attach_mode(dev, prog_fd, candidate, ipr)
            return candidate
        except NetlinkError as e:
            last = e
            if e.code == errno.EPERM:
                raise UserError(PRIVILEGES_NEEDED) from e
            if e.code == errno.EBUSY and not force:
                raise UserError(
                    f"{dev.name} already has an XDP program; use --force to replace it"
                ) from e
            if e.code not in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOTSUP):
                break
    assert last is not None
    if last.code in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOTSUP):
        raise UserError(f"{dev.name} does not support XDP in {'/'.join(modes)} mode: {_netlink_reason(last)}")
    raise UserError(f"cannot attach XDP program to {dev.name}: {_netlink_reason(last)}")


def _attach_mode(dev: netdev.Device, prog_fd: int, mode: str, ipr: IPRoute) -> None:
    flags = MODE_FLAGS[mode]
    current = dev.xdp.prog_ids.get(mode)
    if current is None:
        if dev.xdp.prog_id is not None:
            # Forced, but the old program sits in the other mode: the kernel allows only one of
            # native and generic at a time, so this replacement cannot be atomic.
            detach(dev, ipr)
        _set_xdp(ipr, dev.index, prog_fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST)
        return
    # Atomic replacement: the kernel swaps only if `current` is still the attached program.
    try:
        old_fd = bpfsys.prog_fd_by_id(current)
    except OSError:
        _set_xdp(ipr, dev.index, prog_fd, flags)
        return
    try:
        _set_xdp(ipr, dev.index, prog_fd, flags | XDP_FLAGS_REPLACE, expected_fd=old_fd)
    finally:
        os.close(old_fd)


def detach(dev: netdev.Device, ipr: IPRoute) -> list[str]:
    """Detach every XDP program from dev; returns the modes detached. UserError if none."""
    if not dev.xdp.prog_ids:
        raise UserError(f"{dev.name} has no XDP program attached")
    from pyroute2.netlink.exceptions import NetlinkError

    done = []
    for mode in dev.xdp.prog_ids:
        try:
            _set_xdp(ipr, dev.index, -1, MODE_FLAGS.get(mode, 0))
        except NetlinkError as e:
            if e.code == errno.EBUSY:
                holder = link_holder(dev.xdp.prog_ids[mode])
                by = f"pid {holder}" if holder is not None else "a running process (an xdpdump capture?)"
                raise UserError(
                    f"{dev.name}: the XDP program is held by a BPF link of {by}; stop that process to detach it"
                ) from e
            raise UserError(f"cannot detach XDP program from {dev.name}: {_netlink_reason(e)}") from e
        done.append(mode)
    return done


@dataclass(frozen=True)
class ProgramStatus:
    interface: str
    mode: str | None
    prog_id: int | None
    name: str | None
    tag: str | None
    counters: dict[str, int]


def program_status(dev: netdev.Device) -> ProgramStatus:
    prog_id = dev.xdp.prog_id
    if prog_id is None:
        return ProgramStatus(dev.name, None, None, None, None, {})
    name = tag = None
    counters: dict[str, int] = {}
    try:
        fd = bpfsys.prog_fd_by_id(prog_id)
    except OSError:
        fd = None
    if fd is not None:
        try:
            info = bpfsys.prog_info(fd)
            name, tag = info.name, info.tag
        finally:
            os.close(fd)
        for map_name, names in ((VERDICT_MAP, VERDICT_NAMES), (CAPTURE_MAP, CAPTURE_NAMES)):
            values = bpfsys.prog_counters(prog_id, map_name)
            if values is not None:
                counters = dict(zip(names, values, strict=False))
                break
    return ProgramStatus(dev.name, dev.xdp.mode, prog_id, name, tag, counters)
