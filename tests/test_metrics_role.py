"""The metrics role (--metrics): GET /metrics in Prometheus' text format, checked by promtool and
scraped by a real Prometheus server; confined like every role; with every producer and output; its
death reported while the capture goes on; and the listener roles' common behaviour: the self-test
of both, and hostile clients against both, under a running capture whose counts stay exact."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from capture_helpers import start_capture, stop, xdp_attached
from listener_helpers import (
    get_ok,
    http_request,
    listener_port,
    memory_kib,
    metric_samples,
    metric_sum,
    role_pid,
    status_fields,
    wait_for,
)
from netns import entered, send_udp

PROMETHEUS_PORT = 9090  # inside the test's own namespace: nothing else listens there


def payloads(n: int, tag: str) -> list[bytes]:
    return [f"{tag}-{i:05d}".encode() for i in range(n)]


def promtool_check(body: bytes) -> None:
    proc = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert proc.stdout.strip() == b"" and proc.stderr.strip() == b"", "promtool found problems: " + proc.stdout.decode()


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool missing (Debian's prometheus package)")
def test_metrics_body_passes_promtool_and_counts_what_was_captured(pair, tmp_path):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "f.pcap"), "--metrics", "0", "udp port 9000")
    try:
        port = listener_port(run, "metrics")
        send_udp(peer, cap, 9000, payloads(25, "m"))
        # the archive role's progress is live; the filter's counters come with the supervisor's next publish
        body = wait_for(lambda: (b := get_ok(cap.ns, port, "/metrics").decode())
                        and metric_sum(b, "xdpdump_written_records_total") == 25
                        and metric_sum(b, "xdpdump_filter_matched_frames_total") == 25 and b,
                        "25 records written and matched")
        promtool_check(body.encode())
        assert metric_samples(body, "xdpdump_captured_frames_total") == {
            '{interface="xd0",queue="0",direction="rx"}': 25}
        assert metric_sum(body, "xdpdump_filter_matched_frames_total") == 25
        assert metric_samples(body, "xdpdump_up") == {
            '{role="net"}': 1, '{role="archive"}': 1, '{role="metrics"}': 1, '{role="supervisor"}': 1}
        assert re.search(r'^xdpdump_build_info\{version="[^"]+",kernel="[^"]+",producer="capture",'
                         r'xdp_mode="(native|skb)",af_xdp_mode="copy"\} 1$', body, re.M)
        reasons = {re.search(r'reason="(\w+)"', k).group(1) for k in metric_samples(body, "xdpdump_kernel_drops_total")}
        assert reasons == {"rx_dropped", "rx_invalid_descs", "tx_invalid_descs", "rx_ring_full",
                           "rx_fill_ring_empty_descs", "tx_ring_empty_descs"}
        assert metric_sum(body, "xdpdump_written_bytes_total") > 25 * 16
        assert "xdpdump_printed_frames_total" not in body  # -w: nothing is printed
        r = http_request(cap.ns, port, "/metrics")
        assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
        assert http_request(cap.ns, port, "/").status == 404
        assert http_request(cap.ns, port, "/metricsx").status == 404
        assert http_request(cap.ns, port, "/metrics", method="POST").status == 405
        head = http_request(cap.ns, port, "/metrics", method="HEAD")
        assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 0
    finally:
        assert stop(run) == 0, run.stderr
    assert run.summary()["captured"] == 25


@pytest.mark.parametrize("producer", ["capture-printing", "tap-w"])
def test_metrics_with_every_producer_and_output(lab, tmp_path, producer):
    cap_ns, peer_ns, out_ns = lab.netns(), lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1")
    args = ["-i", cap.dev, "--metrics", "0"]
    if producer == "tap-w":
        lab.veth(cap_ns, "xo0", out_ns, "xo1", subnet=1)
        args += ["--forward", "xo0", "-w", str(tmp_path / "t.pcap")]
    else:
        args += ["-n"]
    run = start_capture(cap.ns, *args, "udp port 9000")
    try:
        port = listener_port(run, "metrics")
        send_udp(peer, cap, 9000, payloads(12, "p"))
        done = ["xdpdump_transmitted_frames_total", "xdpdump_written_records_total"] if producer == "tap-w" else [
            "xdpdump_printed_frames_total"]
        body = wait_for(lambda: (b := get_ok(cap.ns, port, "/metrics").decode())
                        and all(metric_sum(b, f) == 12 for f in done) and b, f"{done} == 12")
        assert metric_sum(body, "xdpdump_captured_frames_total") == 12
        if producer == "tap-w":
            assert metric_samples(body, "xdpdump_transmitted_frames_total") == {
                '{interface="xo0",queue="0",direction="tx"}': 12}
            assert 'producer="tap"' in body and metric_sum(body, "xdpdump_written_records_total") == 12
        else:
            assert metric_sum(body, "xdpdump_printer_dropped_frames_total") == 0
    finally:
        assert stop(run) == 0, run.stderr
    assert run.summary()["captured"] == 12


@pytest.mark.skipif(shutil.which("prometheus") is None, reason="prometheus missing (Debian's prometheus package)")
def test_a_real_prometheus_scrapes_the_capture(pair, tmp_path):
    cap, peer = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "--metrics", "0", "udp port 9000")
    prom = None
    try:
        port = listener_port(run, "metrics")
        config = tmp_path / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n  - job_name: xdpdump\n    static_configs:\n"
            f"      - targets: ['127.0.0.1:{port}']\n")
        prom = cap.ns.popen(["prometheus", f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}", "--log.level=warn"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        send_udp(peer, cap, 9000, payloads(40, "prom"))

        def query(expr: str) -> list:
            url = f"http://127.0.0.1:{PROMETHEUS_PORT}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
            try:
                with entered(cap.ns.name), urllib.request.urlopen(url, timeout=5) as r:
                    answer = json.load(r)
            except OSError:
                return []   # not up yet
            assert answer["status"] == "success", answer
            return answer["data"]["result"]

        series = wait_for(lambda: (res := query("xdpdump_captured_frames_total"))
                          and int(res[0]["value"][1]) == 40 and res, "Prometheus to see 40 frames", 90)
        assert series[0]["metric"] == {"__name__": "xdpdump_captured_frames_total", "direction": "rx",
                                       "instance": f"127.0.0.1:{port}", "interface": "xd0", "job": "xdpdump",
                                       "queue": "0"}
        assert query("up")[0]["value"][1] == "1"
        scraped = int(series[0]["value"][1])
    finally:
        if prom is not None:
            prom.terminate()
            try:
                prom.wait(30)
            except subprocess.TimeoutExpired:
                prom.kill()
                prom.wait()
        assert stop(run) == 0, run.stderr
    assert run.summary()["captured"] == scraped == 40


@pytest.mark.parametrize("role", ["metrics", "gui"])
def test_listener_role_is_confined(pair, tmp_path, role):
    cap, _ = pair
    log = tmp_path / "x.log"
    run = start_capture(cap.ns, "-i", cap.dev, "-n", f"--{role}", "0", "--log-file", str(log))
    try:
        pid = role_pid(run, listener_port(run, role))
        for _ in range(500):
            st = status_fields(pid)
            if st["Seccomp"] == "2":
                break
            time.sleep(0.01)
        assert (st["Seccomp"], st["NoNewPrivs"]) == ("2", "1")
        assert int(st["CapEff"], 16) == int(st["CapPrm"], 16) == int(st["CapBnd"], 16) == 0
        fds = {int(fd): os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        sockets = [t for t in fds.values() if t.startswith("socket:")]
        files = {t for fd, t in fds.items() if not t.startswith("socket:") and fd != 2}
        assert len(sockets) == 1 and files == {str(log)}, fds   # its listener, the log, stderr: nothing else
    finally:
        assert stop(run) == 0, run.stderr


@pytest.mark.parametrize("role", ["metrics", "gui"])
def test_a_forbidden_syscall_kills_the_listener_role_and_is_reported(pair, role):
    cap, _ = pair
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, "-n", f"--{role}", "0", "--sandbox-selftest", role, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert re.search(rf"{role} role \(pid \d+\) was killed by SIGSYS \(its seccomp filter refused a system call\)",
                     proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert xdp_attached(cap.ns) == {}


@pytest.mark.parametrize("victim", ["metrics", "gui"])
def test_a_listener_role_killed_is_reported_and_the_capture_goes_on(pair, tmp_path, victim):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "--metrics", "0", "--gui", "0", "udp port 9000")
    survivor = "gui" if victim == "metrics" else "metrics"
    try:
        ports = {r: listener_port(run, r) for r in ("metrics", "gui")}
        send_udp(peer, cap, 9000, payloads(10, "before"))
        pid = role_pid(run, ports[victim])
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: f"{victim} role (pid {pid}) was killed by SIGKILL" in run.stderr, "the report")
        assert "the capture goes on without it (it is not restarted)" in run.stderr
        send_udp(peer, cap, 9000, payloads(10, "after"))
        if survivor == "metrics":
            body = wait_for(lambda: (b := get_ok(cap.ns, ports["metrics"], "/metrics").decode())
                            and metric_samples(b, "xdpdump_up").get('{role="gui"}') == 0
                            and metric_sum(b, "xdpdump_captured_frames_total") == 20 and b, "gui down, 20 frames")
            assert metric_samples(body, "xdpdump_up")['{role="net"}'] == 1
        else:
            state = wait_for(lambda: (s := json.loads(get_ok(cap.ns, ports["gui"], "/api/state")))
                             and s["roles"]["metrics"] == 0 and s["captured"] == 20 and s, "metrics down, 20 frames")
            assert state["roles"]["net"] == 1
        with pytest.raises(OSError):
            http_request(cap.ns, ports[victim], "/", timeout=2)   # nobody accepts any more
    finally:
        code = stop(run)
    assert code == 0, run.stderr     # the capture itself is complete: its status says so
    assert run.summary()["captured"] == 20
    from capture_helpers import tcpdump_read

    assert len(tcpdump_read(out)) == 20


# --- Hostile clients, against each listener role, under a running capture -------------------------


def raise_fd_limit(n: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        if hard != resource.RLIM_INFINITY and hard < n:
            pytest.skip(f"needs {n} descriptors for its clients; RLIMIT_NOFILE hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, hard))


def slow_client(ns, port: int, max_s: int = 20) -> str:
    """One byte a second of a request that never ends; how the role ended it (bounded)."""
    with ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.connect(("127.0.0.1", port))
        s.settimeout(1)
        for i in range(max_s):
            try:
                s.send(b"GET /metrics HTTP/1.1\r\n"[i % 24 : i % 24 + 1])
                if s.recv(1) == b"":
                    return "closed"
            except TimeoutError:
                continue
            except OSError:
                return "reset"
    return "still open"


def huge_header_client(ns, port: int) -> bytes:
    """A request with a 1 MB header; what came back (a 431, or nothing when the close reset it)."""
    with ns.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        with contextlib.suppress(OSError):   # the role answers after 8 KiB and closes
            s.sendall(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except OSError:
            pass
        return data


@pytest.mark.parametrize("role", ["metrics", "gui"])
def test_hostile_clients_stall_nothing(pair, tmp_path, role):
    cap, peer = pair
    raise_fd_limit(1200)
    out = tmp_path / "f.pcap"
    # Both roles run: the metrics role's own counters show what the one under attack shed.
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "--metrics", "0", "--gui", "0", "udp port 9000")
    sent = 0
    clients: list[socket.socket] = []
    try:
        port, metrics_port = listener_port(run, role), listener_port(run, "metrics")
        path = "/metrics" if role == "metrics" else "/api/state"
        pid = role_pid(run, port)
        get_ok(cap.ns, port, path)
        size_before, rss_before = memory_kib(pid)

        def counters() -> dict[str, int]:
            body = get_ok(cap.ns, metrics_port, "/metrics").decode()
            shed = metric_samples(body, "xdpdump_http_shed_connections_total")
            return {r: int(shed[f'{{role="{role}",reason="{r}"}}']) for r in ("cap", "deadline", "too_large")}

        def burst(tag: str) -> None:
            nonlocal sent
            send_udp(peer, cap, 9000, payloads(200, tag))
            sent += 200

        # 1: one byte a second: closed at the request deadline, others served meanwhile
        burst("slow")
        assert slow_client(cap.ns, port) in ("closed", "reset")
        get_ok(cap.ns, port, path)
        assert counters()["deadline"] >= 1
        # 2: a 1 MB request header: 431 (or a reset, if the close beat the client's reading)
        burst("big")
        answer = huge_header_client(cap.ns, port)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 431 "), answer[:100]
        get_ok(cap.ns, port, path)
        assert counters()["too_large"] == 1
        # 3: 1000 concurrent connections that send nothing: the cap sheds, a request still gets through
        burst("many")
        for _ in range(1000):
            s = cap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
            clients.append(s)
            s.settimeout(10)
            s.connect(("127.0.0.1", port))
        get_ok(cap.ns, port, path)
        assert wait_for(lambda: counters()["cap"] >= 1000 - 64, "the cap to shed the idle clients")
        # 4: clients that ask and never read: the role sends what the socket takes and goes on
        burst("noread")
        for c in clients:
            c.close()
        clients.clear()
        for _ in range(40):
            s = cap.ns.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            clients.append(s)
            s.connect(("127.0.0.1", port))
            s.sendall(f"GET {'/' if role == 'gui' else path} HTTP/1.1\r\n\r\n".encode())
        get_ok(cap.ns, port, path)
        burst("end")
        assert f"xdpdump: {role} role: shed " in run.stderr  # said in its log, at most once a second
        size_after, rss_after = memory_kib(pid)
        assert size_after == size_before, "the role mapped memory after its filter"
        assert rss_after <= rss_before + 16 * 1024, (rss_before, rss_after)   # its connection buffers at most
        assert metric_samples(get_ok(cap.ns, metrics_port, "/metrics").decode(), "xdpdump_up")[
            f'{{role="{role}"}}'] == 1
    finally:
        for c in clients:
            c.close()
        code = stop(run)
    assert code == 0, run.stderr
    summary = run.summary()
    assert summary["captured"] + summary["dropped by kernel"] == sent
    from capture_helpers import tcpdump_read

    assert len(tcpdump_read(out)) == summary["captured"]
