"""The benchmark's throw-away network: a "gen" and a "cap" namespace joined by one veth pair.

Owns creating and deleting it. Names are ``xdpb-<pid>-gen`` / ``xdpb-<pid>-cap`` (devices ``gen0`` and
``cap0`` inside them), addresses 198.18.0.1/24 and 198.18.0.2/24 with permanent neighbour entries
(no ARP needed, and a capture that consumes frames cannot eat an ARP reply). Deleting the namespaces
removes the veth and any XDP program on it, so ``Topology.close`` is the whole teardown; ``built()``
calls it in ``finally`` and turns SIGTERM into an exception so a killed bench cleans up too.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

GEN_DEV = "gen0"
CAP_DEV = "cap0"
GEN_IP = "198.18.0.1"
CAP_IP = "198.18.0.2"
PREFIX = "xdpb-"


def run(cmd: Sequence[str], check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc


@dataclass
class Topology:
    gen_ns: str
    cap_ns: str
    gen_mac: str = ""
    cap_mac: str = ""
    _made: list[str] = field(default_factory=list)

    def in_ns(self, ns: str, args: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", ns, *args]

    def link_stats(self, ns: str, dev: str) -> dict[str, int]:
        """The device's rx/tx packet and drop counters (``ip -s -j link``)."""
        info = json.loads(run(["ip", "-n", ns, "-s", "-j", "link", "show", "dev", dev]).stdout)[0]
        stats = info["stats64"]
        return {
            "rx_packets": stats["rx"]["packets"], "rx_dropped": stats["rx"]["dropped"],
            "tx_packets": stats["tx"]["packets"], "tx_dropped": stats["tx"]["dropped"],
        }

    def xdp_attached(self) -> bool:
        out = run(["ip", "-n", self.cap_ns, "-j", "link", "show", "dev", CAP_DEV]).stdout
        return bool(json.loads(out)[0].get("xdp"))

    def close(self) -> None:
        for ns in reversed(self._made):
            run(["ip", "netns", "del", ns], check=False)
        self._made.clear()


def _build(topo: Topology) -> None:
    for ns in (topo.gen_ns, topo.cap_ns):
        run(["ip", "netns", "add", ns])
        topo._made.append(ns)
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
    run(["ip", "-n", topo.gen_ns, "link", "add", GEN_DEV, "type", "veth", "peer", "name", CAP_DEV,
         "netns", topo.cap_ns])
    for ns, dev, addr in ((topo.gen_ns, GEN_DEV, GEN_IP), (topo.cap_ns, CAP_DEV, CAP_IP)):
        # No IPv6: no router solicitations or MLD reports mixed into the counted traffic.
        run(topo.in_ns(ns, ["sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1"]))
        run(["ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", dev])
        run(["ip", "-n", ns, "link", "set", dev, "up"])
    # The generator's UDP ports are closed: without this the cap side answers with ICMP port
    # unreachable, which tcpdump (both directions) would count as extra frames. No global ICMP
    # credit in the cap namespace means no ICMP error is ever sent (the check comes before any work).
    for knob in ("icmp_msgs_per_sec", "icmp_msgs_burst"):
        run(topo.in_ns(topo.cap_ns, ["sysctl", "-qw", f"net.ipv4.{knob}=0"]))
    topo.gen_mac = json.loads(run(["ip", "-n", topo.gen_ns, "-j", "link", "show", GEN_DEV]).stdout)[0]["address"]
    topo.cap_mac = json.loads(run(["ip", "-n", topo.cap_ns, "-j", "link", "show", CAP_DEV]).stdout)[0]["address"]
    run(["ip", "-n", topo.gen_ns, "neigh", "replace", CAP_IP, "lladdr", topo.cap_mac, "nud", "permanent",
         "dev", GEN_DEV])
    run(["ip", "-n", topo.cap_ns, "neigh", "replace", GEN_IP, "lladdr", topo.gen_mac, "nud", "permanent",
         "dev", CAP_DEV])


class Terminated(Exception):
    """SIGTERM arrived; raised so that every ``finally`` runs."""


@contextlib.contextmanager
def built() -> Iterator[Topology]:
    """The topology for the duration of the block; gone afterwards, whatever happened."""
    pid = os.getpid()
    topo = Topology(f"{PREFIX}{pid}-gen", f"{PREFIX}{pid}-cap")

    def on_term(signum: int, _frame: object) -> None:
        raise Terminated(signal.Signals(signum).name)

    previous = signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C must reach the finally below even if we were started with SIGINT ignored (as a
    # background job of a non-interactive shell is).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _build(topo)
        yield topo
    finally:
        # Ctrl-C or SIGTERM during the teardown itself must not leave half of it: ignore both now.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        topo.close()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, previous)


def leftovers() -> list[str]:
    """Benchmark namespaces that still exist (should be none after a run)."""
    out = run(["ip", "netns", "list"], check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(PREFIX)]
