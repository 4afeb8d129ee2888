"""The sandboxed capture as the kernel sees it: roles under seccomp with no capabilities and only
their own descriptors; a forbidden call kills a role and the supervisor says so; sandboxed results
equal unsandboxed ones; the log file gets every message and is fsync'ed on warnings."""

from __future__ import annotations

import os
import re
import signal
import time
from dataclasses import dataclass

import pytest
from capture_helpers import start_capture, stop, xdp_attached
from netns import VENV_BIN, send_udp


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def status_fields(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def fd_targets(pid: int) -> dict[int, str]:
    d = f"/proc/{pid}/fd"
    return {int(fd): os.readlink(f"{d}/{fd}") for fd in os.listdir(d)}


def payloads(n: int, tag: str) -> list[bytes]:
    return [f"{tag}-{i:04d}".encode() for i in range(n)]


def udp_payloads_in(path) -> list[bytes]:
    from scapy.all import UDP, rdpcap

    return [bytes(p[UDP].payload) for p in rdpcap(str(path)) if UDP in p]


CAP_KILL_BIT = 1 << 5


def assert_unprivileged(st: dict[str, str]) -> None:
    """A role as its status shows it: another user, no groups, no capability left, under its filter."""
    uids, gids = st["Uid"].split(), st["Gid"].split()
    assert "0" not in uids and "0" not in gids, (uids, gids)
    assert st["Groups"].strip() == ""
    assert st["Seccomp"] == "2" and st["NoNewPrivs"] == "1"
    for field in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"):
        assert int(st[field], 16) == 0, (field, st[field])


def wait_for_children(pid: int, n: int) -> list[int]:
    for _ in range(500):
        kids = children(pid)
        if len(kids) >= n:
            return kids
        time.sleep(0.01)
    raise AssertionError(f"{pid} has children {children(pid)}, expected {n}")


def wait_sandboxed(pid: int) -> dict[str, str]:
    """A role confines itself after the fork, while the supervisor goes on to its banner: wait (bounded)
    until the filter is in, which comes after every other step of the confinement."""
    for _ in range(500):
        st = status_fields(pid)
        if st["Seccomp"] == "2":
            return st
        time.sleep(0.01)
    return status_fields(pid)


@dataclass
class ConfinedRole:
    status: dict[str, str]
    sockets: list[int]
    files: dict[int, str]  # every other descriptor: fd -> what it points at (fd 2 included)


def confined_roles(supervisor: int) -> dict[str, ConfinedRole]:
    """Check the supervisor and both roles run under seccomp with no_new_privs and no effective
    capabilities (the roles with empty bounding and permitted sets too); return the roles, told apart
    by what they hold: the net role has the AF_XDP sockets, the archive role has none."""
    roles = {}
    for pid in [supervisor, *wait_for_children(supervisor, 2)]:
        st = wait_sandboxed(pid)
        assert st["Seccomp"] == "2", (pid, st["Seccomp"])
        assert st["NoNewPrivs"] == "1"
        if pid == supervisor:
            # CAP_KILL alone, to signal roles of another uid (its filter names their pids)
            assert int(st["CapEff"], 16) == CAP_KILL_BIT
            continue
        assert_unprivileged(st)
        targets = fd_targets(pid)
        sockets = [fd for fd, t in targets.items() if t.startswith("socket:")]
        files = {fd: t for fd, t in targets.items() if not t.startswith("socket:")}
        roles["net" if sockets else "archive"] = ConfinedRole(st, sockets, files)
    assert set(roles) == {"net", "archive"}
    return roles


def test_roles_are_confined(lab, tmp_path):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1", rx_queues=2)
    out = tmp_path / "f.pcap"
    log = tmp_path / "x.log"
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "--log-file", str(log), "udp")
    try:
        roles = confined_roles(run.proc.pid)  # `ip netns exec` execs xdpdump in place
        net, archive = roles["net"], roles["archive"]
        # net: one AF_XDP socket per queue, the log file and stderr
        assert len(net.sockets) == 2
        assert set(net.files.values()) - {net.files[2]} == {str(log)}
        # archive: the capture file, the log file and stderr, nothing else
        assert not archive.sockets and len(archive.files) == 3
        assert set(archive.files.values()) - {archive.files[2]} == {str(out), str(log)}
        send_udp(peer, cap, 9000, payloads(5, "c"))
    finally:
        assert stop(run) == 0, run.stderr
    assert udp_payloads_in(out) == payloads(5, "c")


@pytest.mark.parametrize("role", ["net", "archive"])
def test_a_forbidden_syscall_kills_the_role_and_is_reported(pair, tmp_path, role):
    cap, _ = pair
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, "-w", str(tmp_path / "f.pcap"), "--sandbox-selftest", role,
                       timeout=120)
    assert proc.returncode != 0
    assert re.search(rf"{role} role \(pid \d+\) was killed by SIGSYS \(its seccomp filter refused a system call\)",
                     proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr
    assert xdp_attached(cap.ns) == {}


def capture_run(ns, dev_args: list[str], out, extra: list[str], send) -> tuple[list[bytes], str]:
    run = start_capture(ns, *dev_args, "-w", str(out), *extra, "udp port 9000")
    send()
    assert stop(run) == 0, run.stderr
    return udp_payloads_in(out), run.stderr


def test_sandboxed_results_equal_unsandboxed_on_two_queues(lab, tmp_path):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1", rx_queues=2)

    def send():
        for sport in range(21000, 21032):
            send_udp(peer, cap, 9000, [f"s-{sport}".encode()], src_port=sport)

    plain, err_plain = capture_run(cap.ns, ["-i", cap.dev], tmp_path / "plain.pcap", ["--no-sandbox"], send)
    boxed, err_boxed = capture_run(cap.ns, ["-i", cap.dev], tmp_path / "boxed.pcap", [], send)
    assert "NOT sandboxed" in err_plain and "NOT sandboxed" not in err_boxed
    assert len(plain) == 32
    assert sorted(plain) == sorted(boxed)


def test_sandboxed_results_equal_unsandboxed_on_lo(lab, tmp_path):
    import socket

    ns = lab.netns()

    def send():
        with ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            for p in payloads(10, "lo"):
                s.sendto(p, ("127.0.0.1", 9000))

    plain, _ = capture_run(ns, ["-i", "lo"], tmp_path / "plain.pcap", ["--no-sandbox"], send)
    boxed, _ = capture_run(ns, ["-i", "lo"], tmp_path / "boxed.pcap", [], send)
    assert plain == boxed == payloads(10, "lo")


def test_supervisor_sigkill_takes_the_roles_and_the_program_with_it(pair, tmp_path):
    cap, _ = pair
    run = start_capture(cap.ns, "-i", cap.dev, "-w", str(tmp_path / "f.pcap"))
    roles = wait_for_children(run.proc.pid, 2)
    run.finish(signal.SIGKILL)
    for pid in roles:
        for _ in range(500):
            if not os.path.exists(f"/proc/{pid}"):
                break
            time.sleep(0.01)
        assert not os.path.exists(f"/proc/{pid}"), f"role {pid} outlived its supervisor"
    assert xdp_attached(cap.ns) == {}


def test_log_file_gets_everything_stderr_only_warnings_and_warnings_are_fsynced(pair, tmp_path):
    cap, _ = pair
    log = tmp_path / "x.log"
    trace = tmp_path / "strace.txt"
    proc = cap.ns.cmd(
        ["strace", "-f", "-qq", "-e", "trace=write,fsync", "-s", "200", "-o", str(trace),
         str(VENV_BIN / "xdpdump"), "-i", cap.dev, "-w", str(tmp_path / "f.pcap"), "--log-file", str(log),
         "--sandbox-selftest", "archive"],
        check=False, timeout=180,
    )
    assert proc.returncode != 0
    text = log.read_text()
    info = [ln for ln in text.splitlines() if " INFO " in ln]
    errors = [ln for ln in text.splitlines() if " ERROR " in ln]
    assert any("attached xdpd_capture to xd0" in ln for ln in info)
    assert any("archive role" in ln and "SIGSYS" in ln for ln in errors)
    # INFO only in the file; the ERROR on stderr too.
    assert "attached xdpd_capture" not in proc.stderr
    assert "archive role" in proc.stderr
    # Each message is one write, and the write of a warning-or-worse is followed by fsync of that fd.
    lines = trace.read_text().splitlines()
    log_writes = [(i, ln) for i, ln in enumerate(lines) if "write(" in ln and " ERROR " in ln]
    assert log_writes, "no write of the ERROR line seen"
    i, ln = log_writes[0]
    pid, fd = re.match(r"(\d+)\s+write\((\d+),", ln).groups()
    assert any(re.match(rf"{pid}\s+fsync\({fd}\)\s+= 0", later) for later in lines[i + 1 : i + 20])


def test_capture_works_without_cap_sys_nice(pair, tmp_path):
    """Raising the net role's priority helps where allowed; it is never required."""
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "3", "-w", str(out), "udp",
                        wrapper=["setpriv", "--bounding-set=-sys_nice", "--inh-caps=-sys_nice"])
    send_udp(peer, cap, 9000, payloads(3, "n"))
    assert run.finish() == 0, run.stderr
    assert udp_payloads_in(out) == payloads(3, "n")


def test_drops_are_logged_as_a_warning_under_the_sandbox(pair, tmp_path):
    """The end-of-capture warning goes through the sandboxed supervisor's log handler."""
    cap, peer = pair
    log = tmp_path / "x.log"
    run = start_capture(cap.ns, "-i", cap.dev, "-n", "--ring-size", "64", "-B", "64", "--log-file", str(log),
                        "--congested", "drop", "udp port 9000", read_stdout=False)
    send_udp(peer, cap, 9000, payloads(3000, "d"))
    assert run.finish(signal.SIGINT) == 0, run.stderr
    dropped = run.summary()["dropped by kernel"]
    assert dropped > 0
    warning = f"WARNING the kernel dropped {dropped} packets it could not deliver"
    assert warning in log.read_text()
    assert f"xdpdump: the kernel dropped {dropped} packets" in run.stderr
