"""xdp-load's programs (bpf/xdp_pass.c, xdp_drop.c, xdp_redirect.c) loaded and configured.

Owns: compiling each with bcc, filling the redirect program's DEVMAP and kept ports, and the veth
rule: a veth only accepts XDP-redirected frames when its peer runs an XDP program (that is what
sets up the peer's NAPI receive ring), so redirecting into a veth first gives its peer a pass program,
and records it (under /run) so that `unload` takes it off again and `status` shows it.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xdpdump import loader, netdev
from xdpdump.bpf_build import LoadedProgram, load_xdp
from xdpdump.errors import UserError

if TYPE_CHECKING:  # imported where used: importing pyroute2 costs a capture's start 0.24 s (rtnl.py)
    from pyroute2 import IPRoute

SSH_PORT = 22


def load_pass() -> LoadedProgram:
    return load_xdp("xdp_pass.c", "xdpd_pass")


def load_drop() -> LoadedProgram:
    return load_xdp("xdp_drop.c", "xdpd_drop")


def load_redirect(target_ifindex: int, keep_ports: list[int]) -> LoadedProgram:
    prog = load_xdp("xdp_redirect.c", "xdpd_redirect")
    try:
        prog.table("xdpd_tx_port")[ctypes.c_int(0)] = ctypes.c_int(target_ifindex)
        keep = prog.table("xdpd_keep_ports")
        for port in {SSH_PORT, *keep_ports}:
            keep[ctypes.c_int(port)] = ctypes.c_uint8(1)
    except Exception:
        prog.close()
        raise
    return prog


@dataclass
class PeerReceiver:
    """A pass program we attached to a veth peer so it can receive redirected frames."""

    peer: str
    netns: str | None
    mode: str
    prog_id: int | None = None

    @property
    def where(self) -> str:
        return f"{self.peer} in namespace {self.netns}" if self.netns else self.peer

    def describe(self) -> str:
        return f"attached xdpd_pass to {self.where} so the veth can receive redirected frames"

    def undo(self) -> None:
        from pyroute2 import IPRoute

        with netdev.in_netns(self.netns), IPRoute() as ipr:
            loader.detach(netdev.lookup(self.peer, ipr), ipr)

    def still_attached(self) -> bool:
        """Is the pass program redirect attached still on the peer (same program id)?"""
        from pyroute2 import IPRoute

        try:
            with netdev.in_netns(self.netns), IPRoute() as ipr:
                return self.prog_id is not None and netdev.lookup(self.peer, ipr).xdp.prog_id == self.prog_id
        except (UserError, OSError):
            return False

    def remove_if_ours(self) -> str:
        """Detach the pass program if it is still the one redirect attached; says what happened."""
        from pyroute2 import IPRoute

        try:
            with netdev.in_netns(self.netns), IPRoute() as ipr:
                peer = netdev.lookup(self.peer, ipr)
                if peer.xdp.prog_id is None or peer.xdp.prog_id != self.prog_id:
                    return (f"{self.where}: the pass program redirect attached is no longer there; "
                            "left as it is")
                loader.detach(peer, ipr)
        except (UserError, OSError) as e:
            return f"{self.where}: cannot remove the pass program redirect attached ({e}); remove it with: " + (
                f"ip netns exec {self.netns} xdp-load unload -i {self.peer}" if self.netns
                else f"xdp-load unload -i {self.peer}")
        return f"{self.where}: detached the xdpd_pass redirect had attached"


# What redirect attached to peers, so that unload can take it off and status can show it: one small
# file per redirected device, keyed by its namespace (inode) and ifindex, under /run (gone at reboot,
# as the programs are). XDP_LOAD_STATE_DIR moves it (the tests keep theirs in a temporary directory).
def state_dir() -> Path:
    return Path(os.environ.get("XDP_LOAD_STATE_DIR", "/run/xdp-load"))


def peer_state_dir() -> Path:
    return state_dir() / "peers"


def _peer_state_path(dev: netdev.Device) -> Path:
    return peer_state_dir() / f"{os.stat('/proc/self/ns/net').st_ino}-{dev.index}.json"


def record_peer_receiver(dev: netdev.Device, receiver: PeerReceiver) -> None:
    peer_state_dir().mkdir(parents=True, exist_ok=True)
    _peer_state_path(dev).write_text(json.dumps(asdict(receiver)))


def recorded_peer_receiver(dev: netdev.Device) -> PeerReceiver | None:
    try:
        return PeerReceiver(**json.loads(_peer_state_path(dev).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def attached_peer_receiver(dev: netdev.Device) -> PeerReceiver | None:
    """The recorded peer program if it is still there; a record that outlived it (its namespace gone, the
    program replaced, a namespace inode reused) is forgotten."""
    peer = recorded_peer_receiver(dev)
    if peer is not None and not peer.still_attached():
        forget_peer_receiver(dev)
        return None
    return peer


def forget_peer_receiver(dev: netdev.Device) -> None:
    with contextlib.suppress(OSError):
        _peer_state_path(dev).unlink()


def ensure_veth_peer_receives(target: netdev.Device, ipr: IPRoute) -> PeerReceiver | None:
    """If target is a veth whose peer has no XDP program, attach one (native) to the peer."""
    if target.kind != "veth" or target.peer_index is None:
        return None
    netns = None
    if target.peer_netnsid is not None:
        netns = netdev.netns_name(target.peer_netnsid, ipr)
        if netns is None:
            raise UserError(
                f"{target.name} is a veth whose peer is in an unnamed namespace; frames redirected into "
                "it are dropped unless the peer has an XDP program: run `xdp-load pass` on the peer first"
            )
    from pyroute2 import IPRoute

    with netdev.in_netns(netns), IPRoute() as peer_ipr:
        peer = netdev.by_index(target.peer_index, peer_ipr)
        if peer.xdp.prog_id is not None:
            return None
        prog = load_pass()
        try:
            mode = loader.attach(peer, prog.fd, ("native",), force=False, ipr=peer_ipr)
        finally:
            prog.close()
        prog_id = netdev.by_index(target.peer_index, peer_ipr).xdp.prog_id
    return PeerReceiver(peer.name, netns, mode, prog_id)
