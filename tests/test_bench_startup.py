"""The benchmark's start-up timing (bench/startup.py) on its topology: every kind runs, a warm start
really is warm, the table has a row per kind. No time is asserted (the machine is shared)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import startup, topology  # noqa: E402


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: namespaces, veths and XDP programs")
def test_startup_times_cold_warm_and_tcpdump(tmp_path):
    with topology.built() as topo:
        rows = startup.measure(topo, tmp_path, runs=1)
    # Only ours: another bench may be running on the machine with its own namespaces.
    assert {topo.gen_ns, topo.cap_ns}.isdisjoint(topology.leftovers())
    assert [r["tool"] for r in rows] == list(startup.KINDS)
    by_tool = {r["tool"]: r for r in rows}
    for kind in ("xdpdump cold", "xdpdump warm"):
        [attached], [ready], [cpu] = (by_tool[kind][k] for k in ("attached_s", "ready_s", "cpu_s"))
        assert 0 < attached <= ready + 0.002  # the log's stamp has millisecond resolution
        assert cpu > 0
    tcpdump = by_tool["tcpdump"]
    assert len(tcpdump["ready_s"]) == len(tcpdump["cpu_s"]) == 1 and tcpdump["attached_s"] == []
    # The warm runs loaded from the cache the uncounted first run filled; each cold run had its own.
    assert "bpf cache: loaded xdpd_capture from cache" in (tmp_path / "startup-xdpdump-warm-1.log").read_text()
    assert "bpf cache: stored " in (tmp_path / "startup-xdpdump-cold-1.log").read_text()
    assert len(list((tmp_path / "startup-cache-warm").iterdir())) == 1
    assert len(list((tmp_path / "startup-cache-cold-1").iterdir())) == 1
    table = startup.markdown_table(rows).splitlines()
    assert len(table) == 2 + len(startup.KINDS) and table[-1].startswith("| tcpdump | 1 | - | ")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: namespaces, veths and XDP programs")
def test_startup_times_a_baseline_xdpdump_warm_from_its_own_cache(tmp_path):
    # Our own executable stands in for another checkout's: what is tested is that it runs, interleaved,
    # from a warm cache of its own, and gets its row.
    with topology.built() as topo:
        rows = startup.measure(topo, tmp_path, runs=1, baseline=startup.VENV_BIN / "xdpdump")
    assert [r["tool"] for r in rows] == [*startup.KINDS, startup.BASELINE_WARM]
    [attached], [ready] = rows[-1]["attached_s"], rows[-1]["ready_s"]
    assert 0 < attached <= ready + 0.002
    assert "bpf cache: loaded xdpd_capture from cache" in (
        tmp_path / "startup-xdpdump-baseline-warm-1.log").read_text()
    assert len(list((tmp_path / "startup-cache-baseline-warm").iterdir())) == 1
    assert startup.markdown_table(rows).splitlines()[-1].startswith(f"| {startup.BASELINE_WARM} | 1 | ")
