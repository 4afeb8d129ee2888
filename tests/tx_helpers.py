"""Helpers for the TX tests: capture files built with scapy, tcpdump as an independent receiver, the
two-veth forwarding lab, and xdp-replay run as a user would."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from netns import Lab, Netns, Veth

READY_TIMEOUT_S = 30


def udp_frames(src: Veth, dst: Veth, n: int, tag: str = "r", size: int = 0) -> list[bytes]:
    """n distinct Ethernet/IPv4/UDP frames from src to dst (port 9, the discard port)."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether

    frames = []
    for i in range(n):
        payload = f"{tag}-{i:06d}-".encode()
        payload += b"." * max(0, size - 42 - len(payload))
        frames.append(bytes(Ether(src=src.mac, dst=dst.mac) / IP(src=src.ip4, dst=dst.ip4) / UDP(sport=40000, dport=9)
                            / payload))
    return frames


def write_capture(path: Path, frames: list[bytes], fmt: str = "pcap") -> Path:
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap, wrpcapng

    packets = [Ether(f) for f in frames]
    (wrpcapng if fmt == "pcapng" else wrpcap)(str(path), packets)
    return path


@dataclass
class Tcpdump:
    """tcpdump -w in a namespace, started and ready (its "listening on" line seen) before use."""

    proc: subprocess.Popen
    path: Path
    stderr_lines: list[str] = field(default_factory=list)

    def _read(self) -> None:
        for line in self.proc.stderr:  # type: ignore[union-attr]
            self.stderr_lines.append(line.rstrip("\n"))

    def frames(self) -> list[bytes]:
        from scapy.utils import rdpcap

        return [bytes(p) for p in rdpcap(str(self.path))]

    def timestamps(self) -> list[float]:
        from scapy.utils import rdpcap

        return [float(p.time) for p in rdpcap(str(self.path))]


@contextlib.contextmanager
def tcpdump(ns: Netns, dev: str, path: Path, expression: str = "udp port 9") -> Iterator[Tcpdump]:
    proc = ns.popen(
        # Immediate mode gives libpcap a ring of fixed slots sized for the snap length: at tcpdump's
        # default 262144 the 16 MiB buffer held 256 frames, and a receiver a loaded machine kept waiting
        # dropped the rest of a 500-frame burst. 9216 bytes hold any frame these tests send.
        ["tcpdump", "-i", dev, "-n", "-U", "--immediate-mode", "--time-stamp-precision=nano", "-s", "9216",
         "-B", "65536", "-w", str(path), expression],
        stdout=subprocess.DEVNULL, text=True,
    )
    td = Tcpdump(proc, path)
    reader = threading.Thread(target=td._read, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not any("listening on" in ln for ln in td.stderr_lines):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"tcpdump did not start: {td.stderr_lines}")
            time.sleep(0.02)
        yield td
    finally:
        if proc.poll() is None:
            _wait_until_file_settles(path)  # frames in tcpdump's socket buffer reach the file first
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(5)


def _wait_until_file_settles(path: Path, quiet_s: float = 0.5, limit_s: float = 15.0) -> None:
    """Until tcpdump's file (written per packet, -U) has not grown for quiet_s, at most limit_s: on a
    loaded machine tcpdump may still be draining its socket buffer when the sender is done, and a
    SIGINT then would drop what it has not read yet."""
    deadline = time.monotonic() + limit_s
    size, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now_size = path.stat().st_size if path.exists() else 0
        if now_size != size:
            size, since = now_size, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.05)


def replay(ns: Netns, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return ns.tool("xdp-replay", *args, timeout=timeout)


def summary_numbers(stderr: str) -> dict[str, int]:
    """The first summary line of xdp-replay: sent, completed, bytes."""
    line = next(ln for ln in stderr.splitlines() if " frames sent, " in ln)
    words = line.replace(",", "").split()
    return {"sent": int(words[0]), "completed": int(words[3]), "bytes": int(words[5])}


def forward_lab(lab: Lab) -> tuple[Veth, Veth, Veth, Veth]:
    """ns1:a0 <-> hub:a1   hub:b1 <-> ns2:b0; ns1 sends to b0's address with b0's MAC, and back."""
    ns1, hub, ns2 = lab.netns(), lab.netns(), lab.netns()
    a0, a1 = lab.veth(ns1, "a0", hub, "a1", subnet=1)
    b1, b0 = lab.veth(hub, "b1", ns2, "b0", subnet=2)
    ns1.ip("route", "add", f"{b0.ip4}/32", "dev", a0.dev)
    ns1.ip("neigh", "replace", b0.ip4, "lladdr", b0.mac, "nud", "permanent", "dev", a0.dev)
    ns2.ip("route", "add", f"{a0.ip4}/32", "dev", b0.dev)
    ns2.ip("neigh", "replace", a0.ip4, "lladdr", a0.mac, "nud", "permanent", "dev", b0.dev)
    return a0, a1, b1, b0
