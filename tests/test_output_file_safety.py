"""-w's file and --log-file, opened by root: a symlink or a hard link planted at the path is refused
(its target left as it was), a file made is 0600, or the sudo user's with SUDO_UID/SUDO_GID, and so
are the files rotation makes."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest
from capture_helpers import start_capture, tcpdump_read
from netns import VENV_BIN, send_udp

SECRET = b"root's file, not a capture\n"


@pytest.fixture
def capture_file(tmp_path):
    """A one-frame pcap to read with -r (written by scapy, independently of xdpdump)."""
    from scapy.all import IP, UDP, Ether, Raw, wrpcap

    path = tmp_path / "in.pcap"
    wrpcap(str(path), [Ether() / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(dport=9000) / Raw(b"x" * 20)])
    return path


def xdpdump(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "xdpdump"), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_a_symlink_at_the_w_path_is_refused_and_its_target_untouched(capture_file, tmp_path):
    target = tmp_path / "target"
    target.write_bytes(SECRET)
    (tmp_path / "out.pcap").symlink_to(target)
    res = xdpdump("-r", str(capture_file), "-w", str(tmp_path / "out.pcap"))
    assert res.returncode != 0
    assert res.stderr.splitlines()[-1] == f"xdpdump: {tmp_path}/out.pcap: is a symbolic link; refused (give the " \
                                          "file's own path, or - for stdout)"
    assert "Traceback" not in res.stderr
    assert target.read_bytes() == SECRET


def test_a_hard_linked_w_path_is_refused_and_left_as_it_was(capture_file, tmp_path):
    target = tmp_path / "target"
    target.write_bytes(SECRET)
    os.link(target, tmp_path / "out.pcap")
    res = xdpdump("-r", str(capture_file), "-w", str(tmp_path / "out.pcap"))
    assert res.returncode != 0
    assert res.stderr.splitlines()[-1] == f"xdpdump: {tmp_path}/out.pcap: has 2 hard links; refused (remove it, " \
                                          "or choose another name)"
    assert target.read_bytes() == SECRET


def test_a_file_someone_else_owns_is_refused(capture_file, tmp_path):
    planted = tmp_path / "out.pcap"
    planted.write_bytes(SECRET)
    os.chown(planted, 4321, 4321)
    res = xdpdump("-r", str(capture_file), "-w", str(planted))
    assert res.returncode != 0
    assert res.stderr.splitlines()[-1] == f"xdpdump: {planted}: belongs to uid 4321, not to you or root; refused"
    assert planted.read_bytes() == SECRET


def test_an_existing_own_file_is_truncated_and_written(capture_file, tmp_path):
    out = tmp_path / "out.pcap"
    out.write_bytes(SECRET * 100)
    res = xdpdump("-r", str(capture_file), "-w", str(out))
    assert res.returncode == 0, res.stderr
    assert len(tcpdump_read(out)) == 1


def test_a_created_capture_is_0600_and_dev_null_still_works(capture_file, tmp_path):
    out = tmp_path / "out.pcap"
    res = xdpdump("-r", str(capture_file), "-w", str(out))
    assert res.returncode == 0, res.stderr
    st = os.stat(out)
    assert (stat.S_IMODE(st.st_mode), st.st_uid) == (0o600, 0)
    assert len(tcpdump_read(out)) == 1
    assert xdpdump("-r", str(capture_file), "-w", "/dev/null").returncode == 0


def test_with_sudo_the_capture_belongs_to_the_invoking_user(capture_file, tmp_path):
    out = tmp_path / "out.pcap"
    res = xdpdump("-r", str(capture_file), "-w", str(out), env={"SUDO_UID": "1234", "SUDO_GID": "2345"})
    assert res.returncode == 0, res.stderr
    st = os.stat(out)
    assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 1234, 2345)


def test_rotated_files_are_0600(capture_file, tmp_path):
    out = tmp_path / "rot.pcap"
    res = xdpdump("-r", str(capture_file), "-w", str(out), "-C", "1")
    assert res.returncode == 0, res.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_live_capture_and_log_file_are_private_and_refuse_symlinks(pair, tmp_path, monkeypatch):
    cap, peer = pair
    target = tmp_path / "target"
    target.write_bytes(SECRET)
    (tmp_path / "planted.log").symlink_to(target)
    res = subprocess.run(["ip", "netns", "exec", cap.ns.name, str(VENV_BIN / "xdpdump"), "-i", cap.dev, "-w",
                          str(tmp_path / "x.pcap"), "--log-file", str(tmp_path / "planted.log")],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode != 0
    assert res.stderr.splitlines()[-1].endswith("planted.log: is a symbolic link; refused (give the file's own "
                                                "path, or - for stdout)"), res.stderr
    assert target.read_bytes() == SECRET

    monkeypatch.setenv("SUDO_UID", "1234")
    monkeypatch.setenv("SUDO_GID", "2345")
    out, log = tmp_path / "live.pcap", tmp_path / "live.log"
    run = start_capture(cap.ns, "-i", cap.dev, "-c", "1", "-w", str(out), "--log-file", str(log))
    send_udp(peer, cap, 9000, [b"p" * 20])
    assert run.finish() == 0, run.stderr
    for path in (out, log):
        st = os.stat(path)
        assert (stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid) == (0o600, 1234, 2345), path
    assert len(tcpdump_read(out)) == 1
