"""`-r FILE -w FILE [EXPR]` and the rotation options, against Debian's tcpdump on the same input file:
the same file names, the same packets in each file, the same one-line errors and exit statuses."""

from __future__ import annotations

import os
import random
import struct
import subprocess
import time

import pytest
from capture_helpers import z_calls, z_recorder
from netns import VENV_BIN

N_PACKETS = 3000  # ~2.4 MB of 60..1500-byte frames: -C 1 makes three files


def write_pcap(path, n: int = N_PACKETS, linktype: int = 1, snaplen: int = 65535, seed: int = 1) -> None:
    """UDP frames of random length between 198.18.0.1 and .2, ports 53 and 80 alternating."""
    rnd = random.Random(seed)
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i in range(n):
            size = rnd.randint(60, 1500)
            eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00"
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, size - 14, i & 0xFFFF, 0, 64, 17, 0,
                             bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2]))
            udp = struct.pack("!HHHH", 1000 + i % 3, 53 if i % 2 else 80, size - 34, 0)
            frame = (eth + ip + udp).ljust(size, b"x")
            f.write(struct.pack("<IIII", 1_700_000_000 + i // 100, i * 7 % 1_000_000, size, size) + frame)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "in.pcap"
    write_pcap(path)
    return path


def xdpdump(*args: str, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "xdpdump"), *args], capture_output=True, text=True, timeout=120,
                          stdin=stdin)


def tcpdump(*args: str) -> subprocess.CompletedProcess:
    # -Z root: with -C, tcpdump otherwise drops to its own user before creating the first file
    return subprocess.run(["tcpdump", "-Z", "root", *args], capture_output=True, text=True, timeout=120)


def lines(path) -> list[str]:
    out = subprocess.run(["tcpdump", "-n", "-r", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def both(tmp_path, name: str, *args: str) -> tuple:
    """Run tcpdump and xdpdump with the same arguments, writing into t/ and x/ respectively."""
    t, x = tmp_path / "t", tmp_path / "x"
    t.mkdir()
    x.mkdir()
    rt = tcpdump(*args, "-w", str(t / name))
    rx = xdpdump(*args, "-w", str(x / name))
    assert rt.returncode == 0, rt.stderr
    assert rx.returncode == 0, rx.stderr
    return t, x, rt, rx


def same_files(t, x) -> list[str]:
    names = sorted(os.listdir(t))
    assert sorted(os.listdir(x)) == names
    for n in names:
        assert lines(x / n) == lines(t / n), n
    return names


def test_read_write_filters_as_tcpdump(tmp_path, big):
    t, x, rt, rx = both(tmp_path, "dns.pcap", "-r", str(big), "udp port 53")
    assert same_files(t, x) == ["dns.pcap"]
    assert len(lines(x / "dns.pcap")) == N_PACKETS // 2
    assert rx.stderr.splitlines()[0] == rt.stderr.splitlines()[0]  # reading from file ..., snapshot length


def test_read_pcapng_write_pcapng_keeps_link_type_and_snap_length(tmp_path, big):
    ng = tmp_path / "in.pcapng"
    subprocess.run(["tshark", "-r", str(big), "-F", "pcapng", "-w", str(ng)], check=True, capture_output=True)
    out = tmp_path / "out.pcapng"
    r = xdpdump("-r", str(ng), "--pcapng", "-w", str(out), "port 80")
    assert r.returncode == 0, r.stderr
    assert lines(out) == lines(big)[0::2]
    data = out.read_bytes()
    assert struct.unpack("<I", data[:4])[0] == 0x0A0D0D0A   # a Section Header Block
    shb_len = struct.unpack("<I", data[4:8])[0]
    btype, _, linktype, _, snaplen = struct.unpack("<IIHHI", data[shb_len:shb_len + 16])
    assert (btype, linktype, snaplen) == (1, 1, 65535)      # the Interface Description Block


def test_output_keeps_a_link_type_that_is_not_ethernet_and_s_cuts(tmp_path):
    raw = tmp_path / "raw.pcap"
    write_pcap(raw, n=20, linktype=101, snaplen=4000)  # LINKTYPE_RAW: frames start at the IP header
    out = tmp_path / "o.pcap"
    assert xdpdump("-r", str(raw), "-w", str(out)).returncode == 0
    head = out.read_bytes()[:24]
    assert struct.unpack("<IHHiIII", head)[5:] == (4000, 101)
    cut = tmp_path / "cut.pcap"
    assert xdpdump("-r", str(raw), "-s", "100", "-w", str(cut)).returncode == 0
    data = cut.read_bytes()
    assert struct.unpack("<IHHiIII", data[:24])[5:] == (100, 101)
    assert struct.unpack("<IIII", data[24:40])[2] == 100   # incl_len cut, orig_len kept
    assert len(lines(cut)) == 20


def test_read_stdin(tmp_path, big):
    out = tmp_path / "o.pcap"
    with open(big, "rb") as f:
        r = xdpdump("-r", "-", "-w", str(out), "port 53", stdin=f)
    assert r.returncode == 0, r.stderr
    assert len(lines(out)) == N_PACKETS // 2


@pytest.mark.parametrize("args", [
    ("-C", "1"),
    ("-C", "1", "-W", "2"),
    ("-C", "1", "-W", "10"),
    ("-C", "1", "-W", "11"),
    ("-C", "1", "-W", "1"),
    ("-C", "2"),
    ("-G", "3600", "-C", "1"),
    ("-G", "3600", "-C", "1", "-W", "3"),
    ("-G", "3600"),
    ("-G", "3600", "-W", "2"),
], ids=" ".join)
def test_rotation_names_and_contents_as_tcpdump(tmp_path, big, args):
    t, x, _, _ = both(tmp_path, "x.pcap", "-r", str(big), *args)
    names = same_files(t, x)
    assert names
    if "-C" in args and args[args.index("-C") + 1] == "1":
        assert sum(len(lines(x / n)) for n in names) <= N_PACKETS


def test_rotation_with_filter_as_tcpdump(tmp_path, big):
    t, x, _, _ = both(tmp_path, "f.pcap", "-r", str(big), "-C", "1", "port 80 or port 53")
    assert same_files(t, x) == ["f.pcap", "f.pcap1", "f.pcap2"]


def test_G_names_go_through_strftime_as_tcpdump(tmp_path, big):
    t, x, _, _ = both(tmp_path, "d-%Y%m%d.pcap", "-r", str(big), "-G", "3600")
    day = time.strftime("%Y%m%d")
    if sorted(os.listdir(t)) != [f"d-{day}.pcap"]:
        pytest.skip("midnight passed during the test")
    assert same_files(t, x) == [f"d-{day}.pcap"]


def test_rename_at_close_leaves_the_same_files(tmp_path, big):
    out = tmp_path / "x.pcap"
    r = xdpdump("-r", str(big), "-C", "1", "--rename-at-close", "-w", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["x.pcap", "x.pcap1", "x.pcap2"]


def test_z_runs_on_each_file_rotation_closed_at_lowest_priority(tmp_path, big):
    """tcpdump runs -z on the files rotation closes (not the last); each is complete when it runs."""
    script, log, outdir = z_recorder(tmp_path)
    r = xdpdump("-r", str(big), "-C", "1", "-z", str(script), "-w", str(outdir / "x.pcap"))
    assert r.returncode == 0, r.stderr
    got = z_calls(log, 2)
    assert [g[0] for g in got] == [str(outdir / "x.pcap"), str(outdir / "x.pcap1")]
    assert all(g[1] == "19" for g in got)
    assert [int(g[2]) for g in got] == [len(lines(outdir / "x.pcap")), len(lines(outdir / "x.pcap1"))]


@pytest.mark.parametrize("args", [
    ("-C", "0"), ("-C", "-1"), ("-C", "1k"), ("-C", "1m"), ("-C", "0.5"), ("-C", "x"),
    ("-G", "-1"), ("-C", "1", "-W", "0"), ("-C", "1", "-W", "-2"),
], ids=" ".join)
def test_bad_values_get_tcpdumps_error_and_status(tmp_path, big, args):
    rt = tcpdump("-r", str(big), *args, "-w", str(tmp_path / "t.pcap"))
    rx = xdpdump("-r", str(big), *args, "-w", str(tmp_path / "x.pcap"))
    assert rt.returncode == 1
    assert (rx.returncode, rx.stderr) == (1, rt.stderr.replace("tcpdump: ", "xdpdump: ", 1))
    assert not (tmp_path / "x.pcap").exists()


@pytest.mark.parametrize(("args", "message"), [
    (("-W", "3", "-w", "o.pcap"), "-W requires -C or -G"),
    (("-z", "gzip", "-w", "o.pcap"), "-z requires -C or -G"),
    (("-C", "1"), "-C, -G and --rename-at-close require -w"),
    (("-G", "5"), "-C, -G and --rename-at-close require -w"),
    (("-C", "1", "-w", "-"), "-C, -G and --rename-at-close write files: not -w - (standard output)"),
], ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_combinations_tcpdump_ignores_are_refused_in_one_line(tmp_path, big, args, message):
    """tcpdump 4.99.3 accepts these and does nothing with the option; here they are an error."""
    rx = subprocess.run([str(VENV_BIN / "xdpdump"), "-r", str(big), *args], capture_output=True, text=True,
                        cwd=tmp_path, timeout=60)
    assert (rx.returncode, rx.stderr) == (1, f"xdpdump: {message}\n")
    assert os.listdir(tmp_path) == []


def _read_at_least(fd: int, n: int, limit_s: float = 30) -> bytes:
    """What arrives on fd until n bytes, EOF, or limit_s (a bound, not a measurement)."""
    import select

    got = b""
    deadline = time.monotonic() + limit_s
    while len(got) < n and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            got += chunk
    return got


@pytest.mark.parametrize("unbuffered", [True, False])
def test_U_each_record_reaches_the_pipe_while_the_input_is_still_open(tmp_path, unbuffered):
    """`-r - -w - -U`: a record written into xdpdump's stdin comes out of its stdout before stdin is
    closed; without -U it waits in the writer's buffer for the end."""
    src = tmp_path / "one.pcap"
    write_pcap(src, n=2)
    data = src.read_bytes()
    first_end = 24 + 16 + struct.unpack("<I", data[24 + 8:24 + 12])[0]
    proc = subprocess.Popen([str(VENV_BIN / "xdpdump"), "-r", "-", "-w", "-", *(["-U"] if unbuffered else [])],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(data[:first_end])
        proc.stdin.flush()
        early = _read_at_least(proc.stdout.fileno(), first_end, limit_s=10 if unbuffered else 2)
        proc.stdin.write(data[first_end:])
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if unbuffered:
        assert len(early) == first_end   # the header and the first record, while stdin is open
    else:
        assert len(early) < first_end
    out = tmp_path / "out.pcap"
    out.write_bytes(early + rest)
    assert len(lines(out)) == 2


def test_pcapng_rotation_starts_each_file_with_its_own_headers(tmp_path, big):
    out = tmp_path / "n.pcapng"
    r = xdpdump("-r", str(big), "--pcapng", "-C", "1", "-w", str(out))
    assert r.returncode == 0, r.stderr
    names = sorted(os.listdir(tmp_path))
    assert names == ["n.pcapng", "n.pcapng1", "n.pcapng2"]
    assert [ln for n in names for ln in lines(tmp_path / n)] == lines(big)
    for n in names:
        assert (tmp_path / n).read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
