"""The Python API (``import xdpdump``), driven as a user's program drives it, on real veths.

Each script runs in its own interpreter in the capture namespace (api_helpers.py); the test sends the
traffic and looks at what is left behind (programs attached, processes) from outside.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import threading
import time

import pytest
from api_helpers import ApiScript, run_script
from capture_helpers import start_capture, stop, tcpdump_read, xdp_attached
from netns import ROOT, VENV_BIN, drain, send_udp, udp_receiver

WAIT_S = 60


def payloads(n: int, tag: str = "f") -> list[bytes]:
    return [f"{tag}{i:06d}".encode() for i in range(n)]


# --- Batches ----------------------------------------------------------------------------------------


def test_batches_hold_exactly_the_frames_sent_in_order_and_the_rest_reach_the_stack(pair):
    cap, peer = pair
    script = ApiScript(cap.ns, r'''
with xdpdump.open_live("xd0", "udp port 9000", count=300) as cap:
    batches = cap.batches(timeout=5.0)
    say("ready")
    frames, sizes, types = [], [], set()
    for batch in batches:
        sizes.append(len(batch))
        for pkt in batch:
            types.add((type(pkt).__name__, type(pkt.data).__name__, pkt.data.readonly))
            frames.append([pkt.ts_ns, pkt.wire_len, pkt.caplen, pkt.ifname, bytes(pkt.data[42:]).decode()])
    report(frames=frames, sizes=sizes, types=sorted(types), stats=cap.stats().__dict__)
''')
    script.expect("ready")
    stack = udp_receiver(cap, 9001)
    sent = payloads(300)
    for i in range(0, 300, 30):  # in bursts, with frames for the stack between them
        send_udp(peer, cap, 9000, sent[i:i + 30])
        send_udp(peer, cap, 9001, [b"stack"])
    r = script.finish()
    assert [f[4] for f in r["frames"]] == [p.decode() for p in sent]
    assert all(f[1] == f[2] == 42 + 7 and f[3] == "xd0" for f in r["frames"])
    stamps = [f[0] for f in r["frames"]]
    assert stamps == sorted(stamps) and stamps[0] > 1_600_000_000 * 10**9
    assert sum(r["sizes"]) == 300 and 0 not in r["sizes"]
    assert r["types"] == [["Frame", "memoryview", True]]
    assert r["stats"]["captured"] == 300 and r["stats"]["dropped"] == 0
    assert len(drain(stack)) == 10  # not matched: left to the stack
    assert xdp_attached(cap.ns) == {}


def test_a_mirror_capture_takes_nothing_and_sees_both_directions(pair):
    cap, peer = pair
    script = ApiScript(cap.ns, r'''
with xdpdump.open_live("xd0", "udp port 9000", mirror=True, count=60) as cap:
    batches = cap.batches(timeout=5.0)
    say("ready")
    frames = [[pkt.ts_ns, bytes(pkt.data[42:]).decode()] for batch in batches for pkt in batch]
    report(frames=frames, stats=cap.stats().__dict__)
''')
    script.expect("ready")
    stack = udp_receiver(cap, 9000)
    sent = payloads(30)
    send_udp(peer, cap, 9000, sent)
    received = drain(stack)
    replies = [b"r" + p for p in sent]  # the answers go out of xd0: the egress half of the mirror
    send_udp(cap, peer, 9000, replies)
    r = script.finish()
    assert received == sent                        # nothing taken: every datagram reached its socket
    assert sorted(f[1] for f in r["frames"]) == sorted(p.decode() for p in sent + replies)
    assert r["stats"]["captured"] == 60 and r["stats"]["dropped"] == 0
    assert xdp_attached(cap.ns) == {}


def test_frames_name_the_device_they_came_from(lab):
    cap_ns, one, two = lab.netns(), lab.netns(), lab.netns()
    a, peer_a = lab.veth(cap_ns, "xd0", one, "xd1")
    b, peer_b = lab.veth(cap_ns, "xd2", two, "xd3", subnet=1)
    script = ApiScript(cap_ns, r'''
with xdpdump.open_live(["xd0", "xd2"], "udp port 9000", count=20) as cap:
    batches = cap.batches(timeout=5)
    say("ready")
    got = sorted((bytes(p.data[42:]).decode(), p.ifname, p.queue) for batch in batches for p in batch)
report(got=got, interfaces=cap.interfaces)
''')
    script.expect("ready")
    send_udp(peer_a, a, 9000, payloads(10, "a"))
    send_udp(peer_b, b, 9000, payloads(10, "b"))
    r = script.finish()
    assert r["interfaces"] == ["xd0", "xd2"]
    assert r["got"] == [[p.decode(), "xd0", 0] for p in payloads(10, "a")] + [
        [p.decode(), "xd2", 0] for p in payloads(10, "b")]


def test_an_idle_timeout_yields_an_empty_batch_and_stop_ends_the_iteration(pair):
    cap, _ = pair
    r = run_script(cap.ns, r'''
with xdpdump.open_live("xd0", "udp port 9000") as cap:
    seen = []
    for batch in cap.batches(timeout=0.2):
        seen.append(len(batch))
        if len(seen) == 3:
            cap.stop()
    try:
        cap.write("/dev/null")
    except xdpdump.CaptureError as e:
        again = str(e)
    report(seen=seen, again=again)
''')
    assert r["seen"] == [0, 0, 0]
    assert r["again"] == ("this capture is already reading batches: a capture is either read or written once "
                          "(open another)")


def test_the_net_role_is_sandboxed_and_the_calling_process_is_not(pair):
    cap, _ = pair
    r = run_script(cap.ns, r'''
with xdpdump.open_live("xd0", "udp port 9000") as cap:
    cap.batches(timeout=0)
    kids = children()
    deadline = time.monotonic() + 10  # forked: confined a moment later (bounded wait)
    while time.monotonic() < deadline and any(status_field(pid, "Seccomp") != "2" for pid in kids):
        time.sleep(0.01)
    roles = {pid: (status_field(pid, "Seccomp"), status_field(pid, "CapEff")) for pid in kids}
    me = status_field(os.getpid(), "Seccomp")
with xdpdump.open_live("xd0", "udp port 9000", sandbox=False) as cap:  # --no-sandbox
    cap.batches(timeout=0)
    time.sleep(0.5)
    unfiltered = [status_field(pid, "Seccomp") for pid in children()]
report(roles=list(roles.values()), me=me, after=children(), unfiltered=unfiltered)
''')
    assert r["roles"] == [["2", "0000000000000000"]]  # the net role only, confined as the CLI's
    assert r["me"] == "0" and r["after"] == []
    assert r["unfiltered"] == ["0"]


# --- Leaving, however it happens -------------------------------------------------------------------


class Flood:
    """UDP to the capture, flat out from Python, until stopped (bounded: 60 s)."""

    def __init__(self, src, dst, port: int) -> None:
        self.stop = threading.Event()
        self.sent = 0
        self.thread = threading.Thread(target=self._run, args=(src, dst, port), daemon=True)
        self.thread.start()

    def _run(self, src, dst, port: int) -> None:
        import socket

        deadline = time.monotonic() + 60
        with src.ns.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            while not self.stop.is_set() and time.monotonic() < deadline:
                for _ in range(100):
                    s.sendto(b"x" * 64, (dst.ip4, port))
                self.sent += 100

    def end(self) -> None:
        self.stop.set()
        self.thread.join(10)


@pytest.mark.parametrize("how", ["break", "exception", "ctrl-c"])
def test_leaving_the_with_block_under_load_leaves_nothing_behind(pair, how):
    cap, peer = pair
    leave = {"break": "break", "exception": 'raise RuntimeError("the caller\'s own bug")',
             "ctrl-c": 'say("reading")'}[how]
    script = ApiScript(cap.ns, rf'''
kids, taken, said = [], 0, False
try:
    with xdpdump.open_live("xd0", "udp") as cap:
        batches = cap.batches(timeout=5)
        kids = children()
        say("ready")
        for batch in batches:
            taken += len(batch)
            if taken >= 5000 and not said:
                said = True
                {leave}
except RuntimeError as e:
    caught = str(e)
except KeyboardInterrupt:
    caught = "KeyboardInterrupt"
else:
    caught = None
gone = [not os.path.exists(f"/proc/{{pid}}") for pid in kids]
say("left")
input()  # the test looks at the namespace while this process still lives
report(kids=kids, gone=gone, after=children(), taken=taken, caught=caught)
''', stdin=True)
    script.expect("ready")
    flood = Flood(peer, cap, 9000)
    try:
        if how == "ctrl-c":
            script.expect("reading")
            script.proc.send_signal(signal.SIGINT)  # as Ctrl-C in a terminal: KeyboardInterrupt in the loop
        script.expect("left")
        assert xdp_attached(cap.ns) == {}
        script.send("")
        r = script.finish()
    finally:
        flood.end()
    assert flood.sent > 5000 and r["taken"] >= 5000
    assert len(r["kids"]) == 1 and r["gone"] == [True] and r["after"] == []
    assert r["caught"] == {"break": None, "exception": "the caller's own bug", "ctrl-c": "KeyboardInterrupt"}[how]


# --- Ends that are failures -------------------------------------------------------------------------


def test_a_device_that_disappears_ends_the_batches_with_the_clis_words(lab):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1")
    script = ApiScript(cap_ns, r'''
n = 0
try:
    with xdpdump.open_live("xd0", "udp port 9000") as cap:
        batches = cap.batches(timeout=0.5)
        say("ready")
        for batch in batches:
            n += len(batch)
except xdpdump.CaptureError as e:
    error = [type(e).__name__, str(e)]
report(n=n, error=error, after=children())
''')
    script.expect("ready")
    send_udp(peer, cap, 9000, payloads(25))
    time.sleep(1)
    peer.ns.ip("link", "del", "xd1")  # the veth pair goes: xd0 with it
    r = script.finish()
    assert r["n"] == 25  # what was taken before comes first
    assert r["error"] == ["CaptureError", "xd0: The interface disappeared"]
    assert r["after"] == []


def test_a_net_role_that_dies_ends_the_batches_with_what_happened_to_it(pair):
    cap, _ = pair
    r = run_script(cap.ns, r'''
import signal
try:
    with xdpdump.open_live("xd0", "udp port 9000") as cap:
        batches = cap.batches(timeout=0.2)
        net = children()[0]
        os.kill(net, signal.SIGKILL)
        for batch in batches:
            pass
except xdpdump.CaptureError as e:
    error = str(e)
report(error=error, net=net, after=children())
''')
    assert r["error"] == f"net role (pid {r['net']}) was killed by SIGKILL (killed)"
    assert r["after"] == [] and xdp_attached(cap.ns) == {}


# --- Stats ------------------------------------------------------------------------------------------


def test_stats_equal_the_clis_summary_for_the_same_traffic(pair):
    cap, peer = pair
    sent, other = payloads(200), payloads(50, "o")

    def traffic() -> None:
        send_udp(peer, cap, 9000, sent)
        send_udp(peer, cap, 9001, other)
        time.sleep(0.5)

    run_ = start_capture(cap.ns, "-i", cap.dev, "-w", "/dev/null", "udp port 9000")
    traffic()
    assert stop(run_) == 0, run_.stderr
    cli = run_.summary()

    script = ApiScript(cap.ns, r'''
with xdpdump.open_live("xd0", "udp port 9000") as cap:
    n = 0
    batches = cap.batches(timeout=0.5)
    say("ready")
    for batch in batches:
        n += len(batch)
        if not batch and n >= 200:
            break
stats = cap.stats()
report(captured=stats.captured, matched=stats.matched, dropped=stats.dropped, passed=stats.passed, read=n)
''')
    script.expect("ready")
    traffic()
    r = script.finish()
    assert cli == {"captured": 200, "received by filter": 200, "dropped by kernel": 0}
    assert (r["captured"], r["matched"], r["dropped"], r["read"]) == (200, 200, 0, 200)
    assert r["passed"] >= 50  # the other port's, and whatever else the stack sent meanwhile


# --- Errors -----------------------------------------------------------------------------------------


def cli_error(ns, *args: str) -> str:
    proc = ns.tool("xdpdump", *args)
    assert proc.returncode != 0
    line = proc.stderr.strip()
    assert line.startswith("xdpdump: ") and "\n" not in line, line
    return line[len("xdpdump: "):]


def test_errors_are_capture_errors_with_the_clis_messages(pair):
    cap, _ = pair
    r = run_script(cap.ns, r'''
def attempt(*args, **kw):
    try:
        xdpdump.open_live(*args, **kw).close()
    except xdpdump.CaptureError as e:
        return [type(e).__name__, str(e), isinstance(e, xdpdump.CaptureError)]
    return None

report(
    device=attempt("nosuch0", "udp"),
    number=attempt("99", "udp"),
    parse=attempt("xd0", "udp port"),
    snaplen=attempt("xd0", "udp", snaplen=-1),
    direction=attempt("xd0", "udp", direction="out"),
)
''')
    assert r["device"] == ["NoSuchDeviceError", cli_error(cap.ns, "-i", "nosuch0", "udp"), True]
    assert r["number"] == ["NoSuchDeviceError", cli_error(cap.ns, "-i", "99", "udp"), True]
    assert r["parse"] == ["FilterError", cli_error(cap.ns, "-i", "xd0", "udp", "port"), True]
    assert r["snaplen"] == ["UserError", cli_error(cap.ns, "-i", "xd0", "-s", "-1", "udp"), True]
    assert r["direction"] == ["UserError", cli_error(cap.ns, "-i", "xd0", "-Q", "out", "udp"), True]
    assert xdp_attached(cap.ns) == {}


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"]


def test_without_privileges_a_privilege_error(pair):
    cap, _ = pair
    body = ("import xdpdump\ntry:\n    xdpdump.open_live('xd0', 'udp')\nexcept xdpdump.PrivilegeError as e:\n"
            "    print(e)\n")
    api = cap.ns.cmd([*NOBODY, str(VENV_BIN / "python"), "-c", body], check=False)
    cli = cap.ns.cmd([*NOBODY, str(VENV_BIN / "xdpdump"), "-i", "xd0", "udp"], check=False)
    assert api.returncode == 0, api.stderr
    assert f"xdpdump: {api.stdout}" == cli.stderr
    assert api.stdout.startswith("this needs root, or CAP_NET_ADMIN and CAP_BPF")


# --- Writing, and reading files ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_write_hands_the_file_to_the_archive_role_and_open_file_reads_it_back(pair, tmp_path, fmt):
    cap, peer = pair
    out = tmp_path / f"out.{fmt}"
    script = ApiScript(cap.ns, rf'''
import threading
with xdpdump.open_live("xd0", "udp port 9000", count=120) as cap:
    threading.Timer(0.5, say, ("ready",)).start()  # write() blocks: say it once the roles run
    stats = cap.write({str(out)!r}, pcapng={fmt == "pcapng"})
    roles_left = children()
with xdpdump.open_file({str(out)!r}, "udp and src host 198.18.0.2") as f:
    back = [[p.wire_len, p.ifname, bytes(p.data[42:]).decode()] for b in f.batches() for p in b]
    fstats = f.stats().__dict__
report(captured=stats.captured, roles_left=roles_left, back=back, fstats=fstats)
''')
    script.expect("ready")
    sent = payloads(120)
    send_udp(peer, cap, 9000, sent)
    r = script.finish()
    assert r["captured"] == 120 and r["roles_left"] == []
    assert len(tcpdump_read(out)) == 120
    assert [b[2] for b in r["back"]] == [p.decode() for p in sent]
    assert {b[1] for b in r["back"]} == {out.name}
    assert r["fstats"]["captured"] == r["fstats"]["matched"] == 120


def test_write_returns_once_stopped_by_a_signal_handler_with_every_frame_taken_in_the_file(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "stopped.pcap"
    script = ApiScript(cap.ns, rf'''
import signal
with xdpdump.open_live("xd0", "udp port 9000") as cap:
    signal.signal(signal.SIGUSR1, lambda *_: cap.stop())
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    signal.signal(signal.SIGALRM, lambda *_: say("ready"))
    stats = cap.write({str(out)!r}, duration=120)
report(captured=stats.captured, dropped=stats.dropped)
''')
    script.expect("ready")
    send_udp(peer, cap, 9000, payloads(77))
    time.sleep(0.5)
    script.proc.send_signal(signal.SIGUSR1)
    r = script.finish()
    assert r == {"captured": 77, "dropped": 0}
    assert len(tcpdump_read(out)) == 77


def test_open_file_filters_with_libpcaps_verdict_and_reports_a_bad_file(tmp_path):
    from scapy.all import IP, UDP, Ether, wrpcap

    path = tmp_path / "mixed.pcap"
    wrpcap(str(path), [Ether() / IP(src="198.18.0.2", dst="198.18.0.1") / UDP(sport=40000, dport=53 if i % 3 else 80)
                       for i in range(30)])
    (tmp_path / "bad.pcap").write_bytes(b"not a capture file")
    body = f'''
import json, xdpdump
with xdpdump.open_file({str(path)!r}, "udp port 53") as f:
    n = sum(len(b) for b in f.batches(max_batch=7))
    s = f.stats()
try:
    xdpdump.open_file({str(tmp_path / "bad.pcap")!r})
except xdpdump.CaptureError as e:
    bad = str(e)
print(json.dumps([n, s.captured, s.matched, bad]))
'''
    proc = subprocess.run([str(VENV_BIN / "python"), "-c", body], capture_output=True, text=True, timeout=60,
                          check=True)
    import json

    n, read, matched, bad = json.loads(proc.stdout)
    assert (n, read, matched) == (20, 30, 20)
    assert bad == f"{tmp_path / 'bad.pcap'}: unknown file format (magic 0x6e6f7420, not pcap or pcapng)"


# --- For newcomers ----------------------------------------------------------------------------------


def test_help_says_enough_and_importing_xdpdump_loads_nothing_else():
    env = {**os.environ, "PAGER": "cat", "TERM": "dumb"}
    text = subprocess.run([str(VENV_BIN / "python"), "-c", "import xdpdump; help(xdpdump.open_live)"],
                          capture_output=True, text=True, timeout=60, check=True, env=env).stdout
    for words in ("open_live(", "expression", "batches(", "pkt.data", "stats()", "write(", "CaptureError",
                  "snaplen", "sandbox", "root"):
        assert words in text, words
    probe = ("import sys, xdpdump; before = sorted(m for m in sys.modules if m.startswith('xdpdump'));"
             "names = [getattr(xdpdump, n) for n in xdpdump.__all__]; print(before, len(names))")
    out = subprocess.run([str(VENV_BIN / "python"), "-c", probe], capture_output=True, text=True, timeout=60,
                         check=True).stdout.strip()
    assert out == "['xdpdump'] 10"


# --- The example ------------------------------------------------------------------------------------


def test_the_top_talkers_example_counts_each_address_pair(lab):
    cap_ns, peer_ns = lab.netns(), lab.netns()
    cap, peer = lab.veth(cap_ns, "xd0", peer_ns, "xd1", ipv6=True)
    proc = cap.ns.popen([str(VENV_BIN / "python"), str(ROOT / "examples" / "top_talkers.py"), "xd0", "udp",
                         "--interval", "1", "--duration", "6"], text=True)
    try:
        ready = proc.stderr.readline()  # the capture's banner: its sockets are live
        assert ready.startswith("listening on xd0"), ready + proc.stderr.read()
        send_udp(peer, cap, 9000, [b"v4" * 50] * 120)
        send_udp(peer, cap, 9000, [b"v6" * 50] * 30, ipv6=True)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    total = out[out.index("top talkers, total:"):].splitlines()
    src6, dst6 = ipaddress.ip_address(peer.ip6), ipaddress.ip_address(cap.ip6)  # as the script prints them
    assert total[1:3] == [f"  {peer.ip4} > {cap.ip4}: 120 frames, {120 * (42 + 100)} bytes",
                          f"  {src6} > {dst6}: 30 frames, {30 * (62 + 100)} bytes"]
    assert total[3] == "150 captured, 150 matched by the filter, 0 dropped by the kernel"
    assert xdp_attached(cap.ns) == {}
