"""Talking to the metrics and gui roles of a running capture from the test: where they listen (the
banner), plain HTTP/1.1 requests made inside the capture's namespace, the roles' processes and their
memory, and a bounded background sender of UDP traffic."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from dataclasses import dataclass

from capture_helpers import RunningCapture
from netns import Netns, Veth, send_udp


def listener_port(run: RunningCapture, role: str) -> int:
    """The port a listener role's banner line names (the tests ask for port 0: any free port)."""
    m = re.search(rf"^xdpdump: {role}: .* at http://127\.0\.0\.1:(\d+)/", run.stderr, re.M)
    assert m, run.stderr
    return int(m.group(1))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def http_request(ns: Netns, port: int, path: str, method: str = "GET", timeout: float = 10) -> Response:
    """One request on a new connection (the roles close each one after their response)."""
    with ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(("127.0.0.1", port))
        s.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: xdpdump-tests\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return Response(status, headers, body)


def get_ok(ns: Netns, port: int, path: str) -> bytes:
    r = http_request(ns, port, path)
    assert r.status == 200, (r.status, r.body[:200])
    assert int(r.headers["content-length"]) == len(r.body)
    return r.body


def metric_samples(body: str, name: str) -> dict[str, float]:
    """Samples of one metric family: label text -> value."""
    out = {}
    for line in body.splitlines():
        m = re.match(rf"{re.escape(name)}(\{{[^}}]*\}})? (\S+)$", line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


def metric_sum(body: str, name: str) -> int:
    return int(sum(metric_samples(body, name).values()))


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def listening_ports(pid: int) -> set[int]:
    """TCP ports pid holds a listening socket for (its namespace's /proc/PID/net/tcp, by inode)."""
    import os

    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def role_pid(run: RunningCapture, port: int) -> int:
    """The child of the supervisor that listens on port (bounded wait for the fork)."""
    for _ in range(500):
        for pid in children(run.proc.pid):
            with contextlib.suppress(OSError):
                if port in listening_ports(pid):
                    return pid
        time.sleep(0.01)
    raise AssertionError(f"no role of {run.proc.pid} listens on {port}")


def status_fields(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def memory_kib(pid: int) -> tuple[int, int]:
    """(VmSize, VmRSS) in KiB."""
    st = status_fields(pid)
    return int(st["VmSize"].split()[0]), int(st["VmRSS"].split()[0])


class Traffic:
    """UDP from peer to cap:port in the background, `rate` datagrams a second, at most `limit`; counts
    what it sent. Bounded in count and, through stop(), in time."""

    def __init__(self, peer: Veth, cap: Veth, port: int = 9000, rate: int = 200, limit: int = 20000) -> None:
        self.peer, self.cap, self.port, self.rate, self.limit = peer, cap, port, rate, limit
        self.sent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        batch = max(1, self.rate // 20)
        while not self._stop.is_set() and self.sent < self.limit:
            n = min(batch, self.limit - self.sent)
            send_udp(self.peer, self.cap, self.port, [f"live-{self.sent + i}".encode() for i in range(n)],
                     src_port=40000 + (self.sent // batch) % 3)
            self.sent += n
            self._stop.wait(0.05)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(30)
        return self.sent

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_for(predicate, what: str, timeout_s: float = 30):
    """Poll predicate (bounded) until it returns something true; that value."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
