"""Every role as /proc/PID/status shows it: an unprivileged uid and gid, no supplementary groups, no
capability, seccomp mode 2 and no_new_privs, not dumpable; and rotated files created by the user the
README names. Run with -s to see the status lines (the demo of the roles' confinement)."""

from __future__ import annotations

import os
import time

import pytest
from capture_helpers import start_capture, stop, xdp_attached
from netns import send_udp
from test_sandbox_roles import assert_unprivileged, status_fields, wait_for_children, wait_sandboxed

from xdpdump.roles.identity import role_identity

FIELDS = ("Uid", "Gid", "Groups", "Seccomp", "NoNewPrivs", "CapEff", "CapPrm", "CapBnd")


def role_pids(supervisor: int, n: int) -> list[int]:
    return wait_for_children(supervisor, n)


def show_and_check(pid: int) -> None:
    st = wait_sandboxed(pid)
    print(f"pid {pid}: " + "  ".join(f"{k}: {st[k].strip()}" for k in FIELDS))
    assert_unprivileged(st)
    # Non-dumpable: the kernel gives /proc/PID/mem (not the directory) to root, not to the process uid.
    assert os.stat(f"/proc/{pid}/mem").st_uid == 0


@pytest.mark.parametrize("mode", ["xsk", "mirror"])
def test_every_role_runs_unprivileged(pair, tmp_path, mode):
    """net (or net_mirror), archive, metrics and gui in one capture."""
    cap, _ = pair
    extra = ["--mirror"] if mode == "mirror" else []
    run = start_capture(cap.ns, "-i", cap.dev, *extra, "-w", str(tmp_path / "f.pcap"), "--metrics", "0",
                        "--gui", "0", "udp port 9000")
    try:
        pids = role_pids(run.proc.pid, 4)
        assert len(pids) == 4
        who = role_identity()
        for pid in pids:
            show_and_check(pid)
            assert status_fields(pid)["Uid"].split()[0] == str(who.uid)
    finally:
        assert stop(run) == 0, run.stderr


def owners(d) -> set[int]:
    return {os.stat(os.path.join(d, n)).st_uid for n in os.listdir(d)}


def rotate(cap, peer, out, wrapper=None):
    run = start_capture(cap.ns, "-i", cap.dev, "-C", "1", "-w", str(out), "udp port 9000", wrapper=wrapper)
    try:
        archive = role_pids(run.proc.pid, 2)[1]
        show_and_check(archive)
        uid = int(status_fields(archive)["Uid"].split()[0])
        send_udp(peer, cap, 9000, [b"r" * 1400 for _ in range(1500)])
        for _ in range(300):  # bounded: until a second file exists
            if len(os.listdir(out.parent)) >= 2:
                break
            time.sleep(0.01)
    finally:
        assert stop(run) == 0, run.stderr
    return uid


def test_rotated_files_belong_to_the_directory_owner(pair, tmp_path):
    cap, peer = pair
    who = role_identity()
    d = tmp_path / "own"
    d.mkdir(mode=0o700)
    os.chown(d, who.uid, who.gid)
    assert rotate(cap, peer, d / "r.pcap") == who.uid
    assert len(os.listdir(d)) >= 2 and owners(d) == {who.uid}


def test_rotated_files_belong_to_sudos_user(pair, tmp_path):
    cap, peer = pair
    d = tmp_path / "sudo"
    d.mkdir(mode=0o700)
    os.chown(d, 4242, 4242)
    assert rotate(cap, peer, d / "r.pcap", wrapper=["env", "SUDO_UID=4242", "SUDO_GID=4242"]) == 4242
    assert len(os.listdir(d)) >= 2 and owners(d) == {4242}


def test_rotation_into_a_directory_no_unprivileged_user_can_write_is_refused(pair, tmp_path):
    cap, _ = pair
    d = tmp_path / "root"
    d.mkdir(mode=0o755)
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, "-C", "1", "-w", str(d / "r.pcap"), timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "none of them can write this directory" in lines[0], proc.stderr
    assert os.listdir(d) == [] and xdp_attached(cap.ns) == {}
