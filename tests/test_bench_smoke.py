"""The benchmark's pieces, quickly: generator, topology, one capturer, CPU accounting, report.

Not the benchmark itself (``scripts/bench --quick`` is that); no speed is asserted. The generator must
put exactly the frames it claims on the veth, of the right size, with exactly 1% matching the filter;
the topology must vanish afterwards; the report's arithmetic must be right.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import capturers, generator, report, topology  # noqa: E402
from bench.cpu import MachineCpu, tree_cpu_s  # noqa: E402
from bench.run import Case, Limits, count_frames, measure  # noqa: E402

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: namespaces, veths and XDP programs")


@pytest.fixture
def topo():
    with topology.built() as t:
        yield t
    # Only ours: another engineer's bench may be running on this machine with its own namespaces.
    assert {t.gen_ns, t.cap_ns}.isdisjoint(topology.leftovers())


@pytest.fixture
def trafgen(tmp_path) -> Path:
    return generator.build(tmp_path)


def _xdp_load(t: topology.Topology, *args: str) -> subprocess.CompletedProcess:
    return topology.run(t.in_ns(t.cap_ns, [str(capturers.VENV_BIN / "xdp-load"), *args]), timeout=120)


@needs_root
def test_generator_puts_exactly_n_frames_on_the_veth(topo, trafgen):
    import json

    _xdp_load(topo, "drop", "-i", topology.CAP_DEV)
    before = topo.link_stats(topo.cap_ns, topology.CAP_DEV)
    sent = generator.send(trafgen, topo, 64, 25_000, cpu=0, max_seconds=30)
    after = topo.link_stats(topo.cap_ns, topology.CAP_DEV)
    status = json.loads(_xdp_load(topo, "status", "--json", topology.CAP_DEV).stdout)
    counters = next(s["counters"] for s in status if s["interface"] == topology.CAP_DEV)
    _xdp_load(topo, "unload", "-i", topology.CAP_DEV)
    assert sent.frames == 25_000 and not sent.timed_out
    assert after["rx_packets"] - before["rx_packets"] == 25_000
    assert counters["drop"] == 25_000


@needs_root
def test_generator_paces_a_moderate_rate(topo, trafgen):
    # Paced, the last batch is not sent before its time on the schedule: a lower bound only (a
    # loaded machine may make it later, never earlier).
    _xdp_load(topo, "drop", "-i", topology.CAP_DEV)
    before = topo.link_stats(topo.cap_ns, topology.CAP_DEV)
    sent = generator.send(trafgen, topo, 64, 30_000, cpu=0, max_seconds=30, rate_pps=100_000)
    after = topo.link_stats(topo.cap_ns, topology.CAP_DEV)
    _xdp_load(topo, "unload", "-i", topology.CAP_DEV)
    assert sent.frames == 30_000 and not sent.timed_out
    assert after["rx_packets"] - before["rx_packets"] == 30_000
    assert sent.seconds >= (30_000 - 25) / 100_000  # batches of 25 frames (250 us at 100 kpps)


@needs_root
@pytest.mark.parametrize("frame_len", [64, 1500])
def test_tcpdump_run_sees_sized_frames_and_one_percent_match(topo, trafgen, tmp_path, frame_len):
    from xdpdump.capfile import read_capture

    # Unfiltered: every frame is frame_len bytes on the wire (FCS excluded), addressed to cap0.
    case = Case("t", frame_len, (), 1_000)
    row = measure(topo, trafgen, capturers.TcpdumpCapturer(), case, tmp_path, Limits(30, 15), 262144, 0, 1)
    assert row["offered"] == 1_000 and row["reached_veth"] == 1_000
    assert row["captured"] == 1_000 and row["loss_pct"] == 0
    assert row["kernel_drops"] == {"dropped by kernel": 0}
    # The file was counted and removed; capture again to look inside.
    out = tmp_path / "look.pcap"
    proc = subprocess.Popen(topo.in_ns(topo.cap_ns, ["tcpdump", "-i", topology.CAP_DEV, "-w", str(out),
                                                     "-Z", "root", "-c", "300", "-n"]),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_line(proc, "listening on")
        generator.send(trafgen, topo, frame_len, 300, cpu=0, max_seconds=30)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    records = list(read_capture(str(out)))
    assert len(records) == 300
    assert {r.wire_len for r in records} == {frame_len}
    assert {r.data[:6].hex(":") for r in records} == {topo.cap_mac}
    dports = [int.from_bytes(r.data[36:38], "big") for r in records]
    assert dports.count(9999) == 3 and [i for i, p in enumerate(dports) if p == 9999] == [0, 100, 200]

    # Filtered: exactly 1% of the offered frames are expected and captured.
    case = Case("t1", frame_len, ("udp", "port", "9999"), 1_000)
    row = measure(topo, trafgen, capturers.TcpdumpCapturer(), case, tmp_path, Limits(30, 15), 262144, 0, 1)
    assert row["expected"] == 10 and row["captured"] == 10 and row["loss_pct"] == 0


def _wait_for_line(proc: subprocess.Popen, marker: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:  # tcpdump prints "listening on" as its first stderr line
        line = proc.stderr.readline()  # type: ignore[union-attr]
        if marker in line:
            return
        if not line and proc.poll() is not None:
            raise AssertionError(f"exited {proc.returncode} before '{marker}'")
    raise AssertionError(f"no '{marker}' within {timeout_s}s")


def test_tree_cpu_includes_forked_children():
    code = (
        "import os, time\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    x = 0\n"
        "    for i in range(3_000_000): x += i\n"
        "    print('done', flush=True); time.sleep(30); os._exit(0)\n"
        "time.sleep(30)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "done"  # type: ignore[union-attr]
        child = int(Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()[0])
        child_cpu = tree_cpu_s(child)
        parent_alone = sum(int(Path(f"/proc/{proc.pid}/task/{t}/schedstat").read_text().split()[0])
                           for t in os.listdir(f"/proc/{proc.pid}/task")) / 1e9
        total = tree_cpu_s(proc.pid)
        assert child_cpu > 0
        assert total >= parent_alone + child_cpu - 1e-6  # equal sums may round differently
    finally:
        proc.kill()
        proc.wait()


def test_machine_cpu_is_monotonic():
    a = MachineCpu.now()
    b = MachineCpu.now().since(a)
    assert b.busy_s >= 0 and b.total_s >= b.busy_s


def _row(case: str, capturer: str, captured: int, cpu_ns: float, machine_ns: float, loss: float) -> dict:
    return {"case": case, "capturer": capturer, "offered": 1000, "offered_pps": 1_500_000, "reached_veth": 1000,
            "captured": captured, "loss_pct": loss, "kernel_drops": {"total": 1000 - captured},
            "capture_cpu_ns_per_captured": cpu_ns, "machine_cpu_ns_per_offered": machine_ns,
            "background_busy_cpus": 0.0}


def test_report_ratios_and_targets():
    rows = [
        _row("64B", "xdpdump", 1000, 40.0, 300.0, 0.0),
        _row("64B", "tcpdump", 990, 100.0, 500.0, 1.0),
        _row("64B-1%", "xdpdump", 10, 2000.0, 100.0, 0.0),
        _row("64B-1%", "tcpdump", 10, 1000.0, 400.0, 0.0),
        {"case": "64B-1%", "capturer": "xdp-tools", "skipped": "no filter"},
    ]
    head = report.headline(rows)
    assert head["ratios_vs_tcpdump"]["64B"]["capture_cpu_per_captured"] == 0.4
    assert head["ratios_vs_tcpdump"]["64B"]["machine_cpu_per_offered"] == 0.6
    assert head["ratios_vs_tcpdump"]["64B-1%"]["machine_cpu_per_offered"] == 0.25
    met = {t["target"]: t["met"] for t in head["targets"]}
    assert met == {
        "64B: xdpdump -w loses no frame at the highest rate": True,
        "64B: the sender's rate while xdpdump captures >= under tcpdump": True,
        "64B: capture CPU per captured frame <= 0.5x tcpdump's": True,
        "64B-1%: capture CPU per captured frame <= 0.5x tcpdump's": False,
        "1% filter: machine CPU per offered frame <= 1/2 of tcpdump's": True,
    }
    # 1500-byte frames have their own limit; a slower sender under xdpdump is a target missed.
    slow = {**_row("1500B", "xdpdump", 1000, 650.0, 900.0, 0.0), "offered_pps": 1_000_000}
    head = report.headline([slow, _row("1500B", "tcpdump", 1000, 1000.0, 900.0, 0.0)])
    met = {t["target"]: t["met"] for t in head["targets"]}
    assert met == {
        "1500B: xdpdump -w loses no frame at the highest rate": True,
        "1500B: the sender's rate while xdpdump captures >= under tcpdump": False,
        "1500B: capture CPU per captured frame <= 0.7x tcpdump's": True,
    }
    table = report.markdown_table(rows).splitlines()
    assert len(table) == 2 + len(rows)
    assert all(line.count("|") == table[0].count("|") for line in table)
    assert "skipped: no filter" in table[-1]


def test_report_compares_xdpdump_with_a_baseline_checkout():
    rows = [
        _row("64B", "xdpdump", 1000, 120.0, 800.0, 0.0),
        _row("64B", capturers.BASELINE, 1000, 100.0, 1000.0, 0.0),
        _row("64B", "tcpdump", 1000, 80.0, 800.0, 0.0),
        _row("1500B", "xdpdump", 400, 1600.0, 1500.0, 60.0),
        {"case": "1500B", "capturer": capturers.BASELINE, "skipped": "failed: exited 1"},
    ]
    head = report.headline(rows)
    assert head["ratios_vs_baseline"] == {"64B": {
        "capture_cpu_per_captured": 1.2, "machine_cpu_per_offered": 0.8,
        "loss_pct_xdpdump": 0.0, f"loss_pct_{capturers.BASELINE}": 0.0}}
    assert head["ratios_vs_tcpdump"]["64B"]["capture_cpu_per_captured"] == 1.5
    text = report.headline_markdown(head)
    baseline_table = text[text.index("Before and after"):].splitlines()[2:]
    assert baseline_table[0].startswith(f"| case | capture CPU/captured (xdpdump÷{capturers.BASELINE})")
    assert baseline_table[2:] == ["| 64B | 1.20x | 0.80x | 0.00 | 0.00 |"]
    assert "ratios_vs_baseline" not in report.headline([r for r in rows if r["capturer"] != capturers.BASELINE])


def test_baseline_option_adds_our_capturer_with_the_other_executable(tmp_path):
    from bench.__main__ import chosen_capturers, parse_args

    exe = tmp_path / "xdpdump"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    names = [c.name for c in chosen_capturers(parse_args(["--baseline-xdpdump", str(exe)]))]
    assert names == [capturers.NOTHING, "xdp-drop (ref)", "xdpdump", capturers.BASELINE, capturers.UNBUFFERED,
                     capturers.MIRROR, "tcpdump", "xdp-tools", "scapy"]
    [ours, base] = chosen_capturers(parse_args(["--baseline-xdpdump", str(exe), "--capturer", "xdpdump",
                                                "--capturer", capturers.BASELINE]))
    assert type(ours) is type(base) is capturers.XdpdumpCapturer
    assert (ours.executable, base.executable) == (capturers.VENV_BIN / "xdpdump", exe)
    assert capturers.BASELINE not in [c.name for c in chosen_capturers(parse_args([]))]
    with pytest.raises(SystemExit):
        parse_args(["--baseline-xdpdump", str(tmp_path / "missing")])


def test_count_frames_reads_pcap_and_reports_damage(tmp_path):
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    path = tmp_path / "f.pcap"
    wrpcap(str(path), [Ether() / bytes(50)] * 7)
    assert count_frames(path) == (7, "")
    path.write_bytes(path.read_bytes()[:-10])  # the last record cut short
    n, note = count_frames(path)
    assert n == 6 and "truncated" in note
    assert count_frames(tmp_path / "missing.pcap") == (None, "no file written")


def test_printing_bench_reports_both_rates(capsys):
    """scripts/bench --printing: both tools print the same number of lines from its pcap, rates are reported."""
    import bench.printing as printing

    assert printing.main(2000, runs=1) == 0
    out = capsys.readouterr().out
    for case in ("UDP", "TCP"):
        assert f"| Ethernet/IPv4/{case} | tcpdump |" in out and f"| Ethernet/IPv4/{case} | xdpdump |" in out
        assert f"{case}: xdpdump/tcpdump:" in out


@pytest.mark.parametrize(("case", "index", "ends"), [
    ("udp", 0, "IP 198.18.0.1.40000 > 198.18.0.2.30000: UDP, length 22"),
    # One connection tcpdump numbers relative: handshake with options, then data with timestamps.
    ("tcp", 1, ", win 502, options [mss 1460,sackOK,TS val 1000 ecr 0,nop,wscale 7], length 0"),
    ("tcp", 3, ", ack 1, win 502, options [nop,nop,TS val 1002 ecr 995], length 100"),
])
def test_printing_bench_pcaps_are_what_tcpdump_reads(tmp_path, case, index, ends):
    import bench.printing as printing

    path = tmp_path / f"{case}.pcap"
    getattr(printing, f"write_{case}_pcap")(path, 300)
    res = subprocess.run(["tcpdump", "-n", "-r", str(path)], capture_output=True, text=True, check=True)
    lines = res.stdout.splitlines()
    assert len(lines) == 300
    assert lines[index].endswith(ends)


def test_mirror_comparison_divides_each_rate_by_the_bare_veths():
    def row(capturer: str, pps: int, cpu: float | None, machine: float, loss: float | None) -> dict:
        return {"case": "64B", "capturer": capturer, "offered_pps": pps, "capture_cpu_ns_per_captured": cpu,
                "machine_cpu_ns_per_offered": machine, "loss_pct": loss}

    rows = [row(capturers.NOTHING, 2_000_000, None, 100.0, None), row(capturers.MIRROR, 1_500_000, 150.0, 300.0, 0.0),
            row("tcpdump", 1_000_000, 600.0, 900.0, 2.5), {"case": "64B", "capturer": "xdp-tools", "skipped": "x"}]
    got = report.mirror_comparison(rows)
    assert [(c["capturer"], c["rate_vs_nothing"], c["loss_pct"]) for c in got] == [
        (capturers.MIRROR, 0.75, 0.0), ("tcpdump", 0.5, 2.5)]
    text = report.mirror_markdown(got)
    assert "| 64B | xdpdump-mirror | 0.75 | 150 | 300 | 0.00 |" in text
