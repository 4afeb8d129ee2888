"""What a new user with tcpdump's habits meets: each test runs the tools as that user would, on veths in
test namespaces, and compares with Debian's tcpdump where tcpdump has an answer."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import time

import pytest
from capture_helpers import start_capture, stop, summary_value, tcpdump_read
from netns import ROOT, VENV_BIN, Netns, run, send_udp
from tx_helpers import forward_lab

XDPDUMP = str(VENV_BIN / "xdpdump")
WAIT_S = 60  # bound of every wait below (bcc compiles at start: seconds on a loaded machine)


def one_line(proc, status: int, text: str) -> None:
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr == text + "\n"


def redirected(run_, ns: Netns, dev: str, n: int) -> None:
    """Wait (bounded) until the capture program has redirected n frames to the capture's sockets."""
    import json

    deadline = time.monotonic() + WAIT_S
    while True:
        counters = json.loads(ns.tool("xdp-load", "status", dev, "--json", check=True).stdout)[0]["counters"]
        if counters.get("redirected", 0) >= n:
            return
        assert time.monotonic() < deadline, f"{counters}: {run_.stderr}"
        assert run_.proc.poll() is None, run_.stderr
        time.sleep(0.05)


def nothing_left(ns: Netns) -> None:
    assert run(["ip", "netns", "pids", ns.name]).stdout.split() == []
    assert ns.xdp_prog_ids() == {}


# --- A capture whose interface disappears ----------------------------------------------------------


@pytest.mark.parametrize("how", ["ip link del", "peer namespace deleted"])
def test_printing_capture_ends_when_its_interface_disappears(lab, pair, how):
    cap, peer = pair
    run_ = start_capture(cap.ns, "-i", cap.dev, "-c", "50", "udp")
    send_udp(peer, cap, 9000, [b"one", b"two", b"three"])
    redirected(run_, cap.ns, cap.dev, 3)
    if how == "ip link del":
        cap.ns.ip("link", "del", cap.dev)
    else:
        run(["ip", "netns", "del", peer.ns.name])  # the veth pair goes with the namespace
        lab.namespaces.remove(peer.ns)
    assert run_.finish(timeout=WAIT_S) == 1, run_.stderr
    lines = run_.stderr_lines
    gone = lines.index(f"xdpdump: {cap.dev}: The interface disappeared")
    assert lines[gone + 1:gone + 4] == ["3 packets captured", "3 packets received by filter",
                                        "0 packets dropped by kernel"]
    assert "Traceback" not in run_.stderr
    assert len(run_.stdout_text.splitlines()) == 3
    nothing_left(cap.ns)


def test_writing_capture_ends_and_its_file_holds_what_the_summary_counts(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "d.pcap"
    run_ = start_capture(cap.ns, "-i", cap.dev, "-c", "5", "-w", str(out), "udp")
    send_udp(peer, cap, 9000, [b"a", b"b"])
    redirected(run_, cap.ns, cap.dev, 2)
    cap.ns.ip("link", "del", cap.dev)
    assert run_.finish(timeout=WAIT_S) == 1, run_.stderr
    assert f"xdpdump: {cap.dev}: The interface disappeared" in run_.stderr_lines
    assert len(tcpdump_read(out)) == run_.summary()["captured"] == 2  # flushed, whole, readable
    nothing_left(cap.ns)


def test_multi_interface_capture_ends_when_one_disappears(pair):
    cap, _ = pair
    run_ = start_capture(cap.ns, "-i", "lo", "-i", cap.dev, "udp")
    cap.ns.ip("link", "del", cap.dev)
    assert run_.finish(timeout=WAIT_S) == 1, run_.stderr
    assert f"xdpdump: {cap.dev}: The interface disappeared" in run_.stderr_lines
    assert "xdpdump: lo: The interface disappeared" not in run_.stderr_lines
    nothing_left(cap.ns)


def test_forward_ends_cleanly_when_its_output_disappears_under_traffic(lab):
    """OUT's socket is unbound under the tap's feet: its TX kicks fail with ENXIO until the supervisor
    stops the tap; that is the device's disappearance, not a failure of the net role."""
    a0, a1, b1, b0 = forward_lab(lab)
    run_ = start_capture(a1.ns, "-i", a1.dev, "--forward", b1.dev, "udp")
    send_udp(a0, b0, 5000, [b"before" * 10] * 200)
    redirected(run_, a1.ns, a1.dev, 200)
    b1.ns.ip("link", "del", b1.dev)
    send_udp(a0, b0, 5000, [b"after" * 10] * 200)
    assert run_.finish(timeout=WAIT_S) == 1, run_.stderr
    assert f"xdpdump: {b1.dev}: The interface disappeared" in run_.stderr_lines
    assert "role" not in run_.stderr, run_.stderr  # no role failed
    assert run_.summary()["captured"] >= 200
    nothing_left(a1.ns)


# --- The command line ------------------------------------------------------------------------------


def test_p_is_tcpdumps_not_an_abbreviation_of_program(pair):
    cap, _ = pair
    # -p is tcpdump's (no promiscuous mode, tests/test_promisc.py), not -program's prefix
    assert cap.ns.tool("xdpdump", "-p", "-d", "udp").returncode == 0
    assert cap.ns.xdp_prog_ids() == {}
    # -program itself is as it was; no long option answers to a prefix, in any tool
    assert cap.ns.tool("xdpdump", "-program", "tcpdump", "-d", "udp").returncode == 0
    # (-pro is -p -r o now, as tcpdump's getopt groups it)
    one_line(cap.ns.tool("xdpdump", "--time-stamp", "nano", "-d", "udp"), 2,
             "xdpdump: unknown option --time-stamp (see --help)")
    one_line(cap.ns.tool("xdp-load", "status", "--js"), 2, "xdp-load: unknown option --js (see --help)")
    one_line(cap.ns.tool("xdp-replay", "f.pcap", "-i", cap.dev, "--ra", "5"), 2,
             "xdp-replay: unknown option --ra (see --help)")


def test_short_options_still_take_attached_values_and_group(pair):
    cap, _ = pair
    ours = cap.ns.tool("xdpdump", "-s96", "-d", "udp")
    assert ours.returncode == 0 and "ret      #96" in ours.stdout, ours.stderr


def test_unknown_options_are_named_alone(pair):
    cap, _ = pair
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, "-O", "-K", "-w", "r.pcap", "udp")
    one_line(proc, 2, "xdpdump: unknown options -O, -K (see --help)")
    assert cap.ns.xdp_prog_ids() == {}


@pytest.mark.parametrize("tool", ["xdpdump", "xdp-load", "xdp-replay"])
def test_every_tool_answers_version(tool):
    from xdpdump.cli.common import version

    proc = subprocess.run([str(VENV_BIN / tool), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    if tool == "xdpdump":  # tcpdump's form, then what it runs on (tests/test_cli_tcpdump_options.py)
        assert proc.stdout.splitlines()[0] == f"xdpdump version {version()}"
    else:
        assert proc.stdout == f"{tool} {version()}\n"
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", version())


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv (util-linux) is not installed")
@pytest.mark.parametrize("tool", ["xdpdump", "xdp-replay"])
def test_without_privileges_one_line_says_what_is_needed(pair, tmp_path, tool):
    cap, _ = pair
    pcap = tmp_path / "f.pcap"
    from scapy.all import Ether, wrpcap

    wrpcap(str(pcap), [Ether()])
    os.chmod(tmp_path, 0o755)
    args = ["-i", cap.dev, "udp"] if tool == "xdpdump" else [str(pcap), "-i", cap.dev]
    proc = cap.ns.cmd(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                       "--bounding-set=-all", str(VENV_BIN / tool), *args], check=False)
    one_line(proc, 1, f"{tool}: this needs root, or CAP_NET_ADMIN and CAP_BPF (and CAP_SYS_ADMIN on kernels "
                      "before 5.8)")
    assert cap.ns.xdp_prog_ids() == {}


# --- The summary -----------------------------------------------------------------------------------


def test_summary_lines_are_singular_for_one_as_tcpdumps(pair):
    cap, peer = pair
    run_ = start_capture(cap.ns, "-i", cap.dev, "-c", "1", "udp")
    send_udp(peer, cap, 9000, [b"just one"])
    assert run_.finish(timeout=WAIT_S) == 0, run_.stderr
    assert run_.stderr_lines[-3:] == ["1 packet captured", "1 packet received by filter",
                                      "0 packets dropped by kernel"]


def test_summary_value_reads_singular_and_plural():
    assert summary_value("1 packet captured\n", "packets captured") == 1
    assert summary_value("2 packets captured\n", "packets captured") == 2
    assert summary_value("0 tx errors\n", "tx errors") == 0
    assert summary_value("1 packet forwarded to b1\n", "packets forwarded to b1") == 1
    with pytest.raises(AssertionError):
        summary_value("1 packets captured\n", "packets captured")


def test_ctrl_c_in_a_terminal_starts_the_summary_on_a_new_line(pair):
    """As a user at a terminal: ^C typed, echoed by the tty, then the summary on its own line."""
    cap, _ = pair
    master, slave = pty.openpty()
    proc = subprocess.Popen(["ip", "netns", "exec", cap.ns.name, XDPDUMP, "-i", cap.dev, "udp"],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=lambda: __import__("fcntl").ioctl(0, __import__("termios").TIOCSCTTY, 0))
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + WAIT_S
        while b"xdpdump: " + cap.dev.encode() + b": XDP" not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, seen
            if select.select([master], [], [], 0.1)[0]:
                seen += os.read(master, 4096)
        os.write(master, b"\x03")  # the terminal's interrupt character: SIGINT, echoed as ^C
        assert proc.wait(WAIT_S) == 0
        while select.select([master], [], [], 0.5)[0]:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    text = seen.decode().replace("\r\n", "\n")
    assert "\n0 packets captured\n" in text, text
    assert "^C0 packets" not in text


# --- Reading files ---------------------------------------------------------------------------------


def sample(tmp_path, fmt: str):
    from scapy.all import IP, UDP, Ether, wrpcap

    frames = [Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IP(src="198.18.0.2", dst="198.18.0.1")
              / UDP(sport=4000 + i, dport=9000) / (b"x%02d" % i) for i in range(6)]
    for n, f in enumerate(frames):
        f.time = 1795400000 + n / 10
    path = tmp_path / "s.pcap"
    wrpcap(str(path), frames, linktype=1, snaplen=1500)
    if fmt == "pcapng":
        ng = tmp_path / "s.pcapng"
        run(["editcap", "-F", "pcapng", str(path), str(ng)])
        return ng
    return path


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_read_from_standard_input_prints_what_tcpdump_prints(tmp_path, fmt):
    path = sample(tmp_path, fmt)
    with open(path, "rb") as f:
        ours = subprocess.run([XDPDUMP, "-n", "-r", "-", "udp port 9000"], stdin=f, capture_output=True,
                              text=True, timeout=WAIT_S)
    with open(path, "rb") as f:
        theirs = subprocess.run(["tcpdump", "-n", "-r", "-", "udp port 9000"], stdin=f, capture_output=True,
                                text=True, timeout=WAIT_S)
    assert ours.returncode == 0, ours.stderr
    assert len(ours.stdout.splitlines()) == 6
    assert ours.stdout == theirs.stdout
    assert ours.stderr == theirs.stderr  # `reading from file -, link-type EN10MB (Ethernet), snapshot length 1500`


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_read_banner_gives_the_snapshot_length_as_tcpdump(tmp_path, fmt):
    path = sample(tmp_path, fmt)
    ours = subprocess.run([XDPDUMP, "-r", str(path)], capture_output=True, text=True, timeout=WAIT_S)
    theirs = subprocess.run(["tcpdump", "-r", str(path)], capture_output=True, text=True, timeout=WAIT_S)
    assert ours.stderr.splitlines()[0] == theirs.stderr.splitlines()[0]
    assert ours.stderr.splitlines()[0].endswith(", snapshot length 1500")


def test_replay_reads_standard_input(pair, tmp_path):
    cap, _ = pair
    path = sample(tmp_path, "pcap")
    with open(path, "rb") as f:
        proc = cap.ns.cmd([str(VENV_BIN / "xdp-replay"), "-", "-i", cap.dev], check=False, stdin=f)
    assert proc.returncode == 0, proc.stderr
    assert "sending 6 frame(s) of -" in proc.stderr
    assert "6 frames sent, 6 completed" in proc.stderr


# --- A device already in use -----------------------------------------------------------------------


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_second_capture_on_a_busy_device_names_the_first(pair, force):
    cap, _ = pair
    first = start_capture(cap.ns, "-i", cap.dev, "udp")
    before = cap.ns.xdp_prog_ids()
    proc = cap.ns.tool("xdpdump", "-i", cap.dev, *force, "-c", "1", timeout=120)
    one_line(proc, 1, f"xdpdump: {cap.dev} is already being captured by another xdpdump (pid {first.proc.pid}); "
                      "only one capture can run per device")
    assert cap.ns.xdp_prog_ids() == before
    assert stop(first) == 0, first.stderr
    unload = cap.ns.tool("xdp-load", "unload", "-i", cap.dev)
    assert unload.returncode == 1  # nothing left to unload


def test_unload_of_a_capture_names_its_process(pair):
    cap, _ = pair
    first = start_capture(cap.ns, "-i", cap.dev, "udp")
    proc = cap.ns.tool("xdp-load", "unload", "-i", cap.dev)
    one_line(proc, 1, f"xdp-load: {cap.dev}: the XDP program is held by a BPF link of pid {first.proc.pid}; "
                      "stop that process to detach it")
    assert stop(first) == 0


def test_force_says_truthfully_what_it_takes_off_the_device(pair):
    cap, _ = pair
    cap.ns.tool("xdp-load", "pass", "-i", cap.dev, check=True)
    before = cap.ns.xdp_prog_ids()
    run_ = start_capture(cap.ns, "-i", cap.dev, "--force", "udp")
    assert stop(run_) == 0, run_.stderr
    # Read once stopped: a line the supervisor would log after the banner start_capture waits for.
    assert (f"xdpdump: --force took XDP program {before[cap.dev]} 'xdpd_pass' off {cap.dev} until the capture "
            "ends; if xdpdump is killed (SIGKILL) it stays off") in run_.stderr_lines
    assert "unsandboxed" not in run_.stderr  # the supervisor sends its prepared restore under its filter
    assert "no BPF links" not in run_.stderr
    assert cap.ns.xdp_prog_ids() == before  # put back


# --- xdp-load's forms ------------------------------------------------------------------------------


def test_xdp_load_takes_the_device_as_xdp_loader_does(pair):
    cap, _ = pair
    attached = cap.ns.tool("xdp-load", "-i", cap.dev, "pass")
    assert attached.returncode == 0, attached.stderr
    for form in (["status", "-i", cap.dev], ["status", cap.dev], ["-i", cap.dev, "status"]):
        proc = cap.ns.tool("xdp-load", *form)
        assert proc.returncode == 0, proc.stderr
        assert "xdpd_pass" in proc.stdout
    unloaded = cap.ns.tool("xdp-load", "unload", cap.dev)
    assert unloaded.returncode == 0, unloaded.stderr
    assert cap.ns.xdp_prog_ids() == {}
    one_line(cap.ns.tool("xdp-load", "-i", cap.dev, "unload", "lo"), 2,
             f"xdp-load: two devices given ({cap.dev} and lo); name one")
    one_line(cap.ns.tool("xdp-load", "unload"), 2,
             "xdp-load: no device given: name it as -i DEV or as the command's argument")


def test_unload_takes_off_what_redirect_put_on_the_peer(lab):
    from test_xdp_load import redirect_lab

    _, d1, d2, r0 = redirect_lab(lab)
    out = d1.ns.tool("xdp-load", "redirect", "-i", d1.dev, "--to", d2.dev, check=True).stdout
    assert r0.ns.xdp_prog_ids().keys() == {r0.dev}
    status = d1.ns.tool("xdp-load", "status", check=True).stdout
    assert f"{d1.dev}: redirect also attached xdpd_pass" in status and f"{r0.dev} in namespace {r0.ns.name}" in status
    unload = d1.ns.tool("xdp-load", "unload", "-i", d1.dev)
    assert unload.returncode == 0, unload.stderr
    assert f"{r0.dev} in namespace {r0.ns.name}: detached the xdpd_pass redirect had attached" in unload.stdout, out
    assert r0.ns.xdp_prog_ids() == {} and d1.ns.xdp_prog_ids() == {}
    assert "redirect also attached" not in d1.ns.tool("xdp-load", "status", check=True).stdout


@pytest.mark.parametrize("status_first", [False, True])
def test_unload_leaves_a_peer_program_someone_else_replaced(lab, status_first):
    from test_xdp_load import redirect_lab

    _, d1, d2, r0 = redirect_lab(lab)
    d1.ns.tool("xdp-load", "redirect", "-i", d1.dev, "--to", d2.dev, check=True)
    r0.ns.tool("xdp-load", "drop", "-i", r0.dev, "--force", check=True)
    theirs = r0.ns.xdp_prog_ids()
    if status_first:  # status shows only what is still there, and forgets the rest
        assert "redirect also attached" not in d1.ns.tool("xdp-load", "status", check=True).stdout
    unload = d1.ns.tool("xdp-load", "unload", "-i", d1.dev)
    assert unload.returncode == 0, unload.stderr
    assert ("no longer there; left as it is" in unload.stdout) != status_first
    assert r0.ns.xdp_prog_ids() == theirs


# --- Which devices -i names ------------------------------------------------------------------------


def test_dash_i_number_is_tcpdumps_dash_d_number(pair):
    cap, peer = pair
    cap.ns.ip("link", "add", "zz9", "type", "veth", "peer", "name", "aa9")  # down: numbered after the pseudo ones
    listed = cap.ns.cmd(["tcpdump", "-D"]).stdout.splitlines()
    numbers = {line.split(".", 1)[1].split()[0]: line.split(".", 1)[0] for line in listed}
    from netns import entered

    from xdpdump import netdev

    with entered(cap.ns.name):
        assert netdev.pcap_device_names() == list(numbers)
    run_ = start_capture(cap.ns, "-i", numbers[cap.dev], "-c", "1", "udp", interfaces=[cap.dev])
    assert f"listening on {cap.dev}, link-type EN10MB (Ethernet), snapshot length 1792 bytes" in run_.stderr_lines
    send_udp(peer, cap, 9000, [b"numbered"])
    assert run_.finish(timeout=WAIT_S) == 0, run_.stderr
    one_line(cap.ns.tool("xdpdump", "-i", str(len(listed) + 1)), 1,
             f"xdpdump: invalid adapter index {len(listed) + 1}: only {len(listed)} interfaces found")
    one_line(cap.ns.tool("xdpdump", "-i", numbers["nflog"]), 1,
             f"xdpdump: -i {numbers['nflog']} is nflog, one of libpcap's pseudo-devices, not a network device XDP "
             "can attach to")


def test_dash_i_any_is_refused_with_the_reason(pair):
    cap, _ = pair
    one_line(cap.ns.tool("xdpdump", "-i", "any", "udp"), 1,
             "xdpdump: -i any: an XDP capture attaches its program to each device it captures on; name them: "
             "-i DEV [-i DEV2 ...]")
    assert cap.ns.xdp_prog_ids() == {}


# --- Jumbo frames ----------------------------------------------------------------------------------


def test_jumbo_mtu_banner_says_which_frames_cannot_be_captured(lab):
    a, b = lab.netns(), lab.netns()
    cap, _ = lab.veth(a, "j0", b, "j1", mtu=9000)
    run_ = start_capture(cap.ns, "-i", cap.dev, "udp")
    assert (f"xdpdump: {cap.dev}: frames longer than 3840 bytes cannot be captured with MTU 9000 and 4096-byte "
            "AF_XDP frames (no multi-buffer AF_XDP): the kernel drops them and counts them in rx_dropped"
            ) in run_.stderr_lines
    assert stop(run_) == 0
    one_line(cap.ns.tool("xdpdump", "-i", cap.dev, "--frame-size", "2048"), 1,
             "xdpdump: --frame-size 2048: j0 (MTU 9000) carries frames of up to 9018 bytes, more than the 1792 a "
             "2048-byte AF_XDP frame holds; use --frame-size 4096 (or leave it out)")
    assert cap.ns.xdp_prog_ids() == {}


# --- The README ------------------------------------------------------------------------------------


def test_readme_links_stay_inside_the_repository_and_name_no_issue_numbers():
    text = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        path = (ROOT / target).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"README links to {target}, not in the repository"
    assert not re.search(r"\bissues? #?\d+", text, re.IGNORECASE), "README refers to an issue number"
    assert "../shared" not in text
