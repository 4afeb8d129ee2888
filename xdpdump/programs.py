"""xdp-load's programs (bpf/xdp_pass.c, xdp_drop.c, xdp_redirect.c) loaded and configured.

Owns: compiling each with bcc, filling the redirect program's DEVMAP and kept ports, and the veth
rule: a veth only accepts XDP-redirected frames when its peer runs an XDP program (that is what
sets up the peer's NAPI receive ring), so redirecting into a veth first gives its peer a pass program.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from pyroute2 import IPRoute

from xdpdump import loader, netdev
from xdpdump.bpf_build import LoadedProgram, load_xdp
from xdpdump.errors import UserError

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

    def describe(self) -> str:
        where = f" in namespace {self.netns}" if self.netns else ""
        return f"attached xdpd_pass to {self.peer}{where} so the veth can receive redirected frames"

    def undo(self) -> None:
        with netdev.in_netns(self.netns), IPRoute() as ipr:
            loader.detach(netdev.lookup(self.peer, ipr), ipr)


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
    with netdev.in_netns(netns), IPRoute() as peer_ipr:
        peer = netdev.by_index(target.peer_index, peer_ipr)
        if peer.xdp.prog_id is not None:
            return None
        prog = load_pass()
        try:
            mode = loader.attach(peer, prog.fd, ("native",), force=False, ipr=peer_ipr)
        finally:
            prog.close()
    return PeerReceiver(peer.name, netns, mode)
