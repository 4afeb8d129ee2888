"""Throw-away hosts for tests: network namespaces joined by veth pairs.

Everything a test makes lives inside namespaces it created (named ``xdpt-<pid>-<n>``), so deleting the
namespaces removes every veth and every XDP program attached to them, even when a test fails. Addresses
are from 198.18.0.0/15 and fd00::/8 only; neighbours are static so no ARP/ND frame is ever needed (a
capture that consumes frames would otherwise eat the ARP replies).
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
_counter = itertools.count()
_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def run(cmd: Sequence[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    kw.setdefault("timeout", 120)
    proc = subprocess.run(list(cmd), check=False, **kw)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr}")
    return proc


@contextlib.contextmanager
def entered(name: str) -> Iterator[None]:
    """Run the body in namespace ``name`` (this thread only); sockets made inside stay there."""
    with open("/proc/self/ns/net", "rb") as home, open(f"/run/netns/{name}", "rb") as target:
        if _libc.setns(target.fileno(), _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns into {name}")
        try:
            yield
        finally:
            if _libc.setns(home.fileno(), _CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns back home")


@dataclass
class Netns:
    name: str

    def ip(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run(["ip", "-n", self.name, *args], check=check)

    def cmd(self, args: Sequence[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
        return run(["ip", "netns", "exec", self.name, *args], check=check, **kw)

    def popen(self, args: Sequence[str], **kw) -> subprocess.Popen:
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(["ip", "netns", "exec", self.name, *args], **kw)

    def tool(self, tool: str, *args: str, check: bool = False, **kw) -> subprocess.CompletedProcess:
        """Run one of our console scripts (xdpdump, xdp-load...) inside this namespace."""
        return self.cmd([str(VENV_BIN / tool), *args], check=check, **kw)

    def tool_popen(self, tool: str, *args: str, **kw) -> subprocess.Popen:
        return self.popen([str(VENV_BIN / tool), *args], **kw)

    def socket(self, family: int, kind: int) -> socket.socket:
        with entered(self.name):
            return socket.socket(family, kind)

    def link(self, dev: str) -> dict:
        import json

        return json.loads(self.ip("-j", "-d", "link", "show", "dev", dev).stdout)[0]

    def xdp_prog_ids(self) -> dict[str, int]:
        """Every device in this namespace that has an XDP program, with the program id."""
        import json

        found = {}
        for link in json.loads(self.ip("-j", "link", "show").stdout):
            xdp = link.get("xdp")
            if xdp:
                found[link["ifname"]] = xdp.get("prog", {}).get("id") or xdp.get("attached", [{}])[0].get(
                    "prog", {}
                ).get("id")
        return found


@dataclass
class Veth:
    """One end of a veth pair, with its addresses."""

    ns: Netns
    dev: str
    ip4: str
    ip6: str
    mac: str = ""


@dataclass
class Lab:
    """Namespaces made for one test; ``close`` deletes them all."""

    namespaces: list[Netns] = field(default_factory=list)

    def netns(self) -> Netns:
        ns = Netns(f"xdpt-{os.getpid()}-{next(_counter)}")
        run(["ip", "netns", "add", ns.name])
        self.namespaces.append(ns)
        ns.ip("link", "set", "lo", "up")
        return ns

    def veth(
        self,
        ns_a: Netns,
        dev_a: str,
        ns_b: Netns,
        dev_b: str,
        subnet: int = 0,
        rx_queues: int = 1,
        ipv6: bool = False,
        mtu: int = 1500,
    ) -> tuple[Veth, Veth]:
        """A veth pair from ns_a/dev_a to ns_b/dev_b on 198.18.<subnet>.0/24 and fd00::<subnet>:0/112."""
        q = ["numrxqueues", str(rx_queues), "numtxqueues", str(rx_queues)]
        ns_a.ip("link", "add", dev_a, *q, "type", "veth", "peer", "name", dev_b, *q, "netns", ns_b.name)
        ends = (
            Veth(ns_a, dev_a, f"198.18.{subnet}.1", f"fd00::{subnet}:1"),
            Veth(ns_b, dev_b, f"198.18.{subnet}.2", f"fd00::{subnet}:2"),
        )
        for end in ends:
            if not ipv6:
                end.ns.cmd(["sysctl", "-qw", f"net.ipv6.conf.{end.dev}.disable_ipv6=1"])
            end.ns.ip("link", "set", end.dev, "mtu", str(mtu))
            # veths leave checksums to the receiver (CHECKSUM_PARTIAL); a frame that leaves through
            # XDP loses that note and would be dropped as corrupt. Checksum in software, as on a wire.
            end.ns.cmd(["ethtool", "-K", end.dev, "tx", "off"])
            end.ns.ip("addr", "add", f"{end.ip4}/24", "dev", end.dev)
            if ipv6:
                end.ns.ip("addr", "add", f"{end.ip6}/112", "dev", end.dev, "nodad")
            end.ns.ip("link", "set", end.dev, "up")
            end.mac = end.ns.link(end.dev)["address"]
        for me, other in (ends, ends[::-1]):
            me.ns.ip("neigh", "replace", other.ip4, "lladdr", other.mac, "nud", "permanent", "dev", me.dev)
            if ipv6:
                me.ns.ip("neigh", "replace", other.ip6, "lladdr", other.mac, "nud", "permanent", "dev", me.dev)
        return ends

    def close(self) -> None:
        """Kill whatever still runs inside (a capture a failed test never stopped would keep its
        namespace alive, anonymous, with its veth and XDP program), then delete the namespaces."""
        for ns in self.namespaces:
            pids = run(["ip", "netns", "pids", ns.name], check=False).stdout.split()
            for pid in map(int, pids):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for pid in map(int, pids):
                for _ in range(200):  # bounded: up to 2 s for the kernel to reap each
                    if not os.path.exists(f"/proc/{pid}"):
                        break
                    time.sleep(0.01)
        for ns in reversed(self.namespaces):
            run(["ip", "netns", "del", ns.name], check=False)
        self.namespaces.clear()


def send_udp(
    src: Veth, dst: Veth, port: int, payloads: Sequence[bytes], src_port: int = 0, ipv6: bool = False
) -> None:
    """Send each payload as one UDP datagram from src to dst:port."""
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    with src.ns.socket(family, socket.SOCK_DGRAM) as s:
        if src_port:
            s.bind(("", src_port))
        for p in payloads:
            s.sendto(p, (dst.ip6 if ipv6 else dst.ip4, port))


def udp_receiver(end: Veth, port: int, ipv6: bool = False) -> socket.socket:
    """A bound UDP socket in end's namespace with a short timeout, for checking what reached the stack."""
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    s = end.ns.socket(family, socket.SOCK_DGRAM)
    s.bind((end.ip6 if ipv6 else end.ip4, port))
    s.settimeout(0.5)
    return s


def drain(sock: socket.socket, limit: int = 100000) -> list[bytes]:
    """Everything that arrived on sock until it has been quiet for its timeout."""
    got = []
    with contextlib.suppress(TimeoutError, socket.timeout):
        while len(got) < limit:
            got.append(sock.recv(65536))
    return got
