"""``scripts/bench``: xdpdump against tcpdump, xdp-tools' xdpdump and scapy, on identical traffic.

Owns the command line and the run's outline: build the generator, build the topology, run every
(case, capturer) pair with ``bench.run.measure``, print the Markdown table and headline ratios on
stdout, write the JSON document. The topology is deleted however the run ends (Ctrl-C, SIGTERM, an
error); progress goes to stderr so stdout is only the report. ``--baseline-xdpdump PATH`` adds another
checkout's xdpdump as the capturer ``xdpdump-baseline`` (run right after ours, on the same traffic)
and a before/after table.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import capturers, generator, report, startup, topology
from bench.cpu import cpu_model
from bench.run import Case, Limits, cpus, measure

SNAPLEN = 262144  # tcpdump's and xdpdump's default: whole frames


def cases(quick: bool, frames: int | None) -> list[Case]:
    small, big, paced = (1_000_000, 300_000, 600_000) if quick else (5_000_000, 1_000_000, 1_500_000)
    if frames:
        small = big = paced = frames
    # Counts are multiples of 100 so exactly 1% of the frames match the filter.
    return [
        Case(report.UNFILTERED_64, 64, (), small),
        Case(report.UNFILTERED_1500, 1500, (), big),
        Case(report.FILTERED_64, 64, ("udp", "port", "9999"), small),
        Case(report.MODERATE_64, 64, (), paced, rate_pps=report.MODERATE_PPS),
    ]


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer frames (CI smoke run, under 2 minutes)")
    p.add_argument("--json-out", type=Path, help="JSON results (default bench-results/bench-DATE.json)")
    p.add_argument("--frames", type=int, help="frames per run, every case (a multiple of 100)")
    p.add_argument("--case", action="append",
                   help=f"only this case (repeatable): 64B, 1500B, 64B-1%%, {report.MODERATE_64}")
    p.add_argument("--capturer", action="append",
                   help="only this capturer (repeatable): " + ", ".join(c.name for c in capturers.ALL)
                   + f", {capturers.BASELINE} (with --baseline-xdpdump)")
    p.add_argument("--baseline-xdpdump", type=Path, metavar="PATH",
                   help=f"another checkout's xdpdump executable (e.g. /tmp/xdpdump-before/.venv/bin/xdpdump), "
                   f"run as the capturer {capturers.BASELINE} exactly as ours is, and compared with it")
    p.add_argument("--startup-runs", type=int, metavar="N",
                   help="start-up timings per kind (xdpdump cold, warm; tcpdump; the baseline warm with "
                   "--baseline-xdpdump); default 5, 3 with --quick, 0: none")
    p.add_argument("--startup-only", action="store_true", help="only the start-up timings")
    p.add_argument("--api", action="store_true",
                   help="only the Python API: a pure Python loop over cap.batches(), and scapy's sniff() on "
                   "xdpdump.scapy.XDPListenSocket beside scapy's own socket (--frames per run, default 1,000,000)")
    p.add_argument("--printing", action="store_true",
                   help="only the printing speed: xdpdump -r -n against tcpdump -n -r on 300,000 UDP and "
                   "300,000 TCP lines, 3 interleaved runs (--frames to change, --quick: one run, "
                   "--baseline-xdpdump: that one as well; no root needed)")
    args = p.parse_args(argv)
    if args.startup_runs is None:
        args.startup_runs = 3 if args.quick else 5
    if args.startup_runs < 0:
        p.error("--startup-runs must be 0 or more")
    if args.frames is not None and (args.frames <= 0 or args.frames % 100):
        p.error("--frames must be a positive multiple of 100")
    if args.baseline_xdpdump is not None:
        args.baseline_xdpdump = args.baseline_xdpdump.absolute()  # it runs from inside `ip netns exec`
        if not (args.baseline_xdpdump.is_file() and os.access(args.baseline_xdpdump, os.X_OK)):
            p.error(f"--baseline-xdpdump: {args.baseline_xdpdump} is not an executable file")
    return args


def chosen_capturers(args: argparse.Namespace) -> list[capturers.Capturer]:
    pool = capturers.with_baseline(args.baseline_xdpdump) if args.baseline_xdpdump else capturers.ALL
    return [c for c in pool if not args.capturer or c.name.split()[0] in args.capturer or c.name in args.capturer]


def commit(path: Path) -> str | None:
    """The checkout's commit holding path (with -dirty if it has changes), or None outside git."""
    proc = subprocess.run(["git", "-C", str(path), "describe", "--always", "--dirty"], capture_output=True,
                          text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def machine_info() -> dict:
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "kernel": platform.release(),
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "hostname": platform.node(),
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.printing:
        from bench import printing

        return printing.main(args.frames or 300_000, args.baseline_xdpdump, runs=1 if args.quick else 3)
    if os.geteuid() != 0:
        sys.stderr.write("scripts/bench: needs root (namespaces, XDP)\n")
        return 1
    if args.api:
        from bench import api

        with tempfile.TemporaryDirectory(prefix="xdpdump-bench-") as tmp:
            return api.main(args.frames or 1_000_000, *cpus(), Path(tmp))
    chosen_cases = [c for c in cases(args.quick, args.frames) if not args.case or c.name in args.case]
    if args.startup_only:
        chosen_cases = []
    chosen = chosen_capturers(args)
    limits = Limits(send_max_s=30.0 if args.quick else 60.0, drain_max_s=10.0 if args.quick else 30.0)
    gen_cpu, cap_cpu = cpus()
    machine = machine_info()
    settings = {"quick": args.quick, "snaplen": SNAPLEN, "buffer_kib": capturers.BUFFER_KIB,
                "generator_cpu": gen_cpu, "capturer_cpu": cap_cpu,
                "cases": [{"name": c.name, "frame_len": c.frame_len, "filter": " ".join(c.expr),
                           "frames": c.frames, "rate_pps": c.rate_pps} for c in chosen_cases],
                "xdpdump": str(capturers.VENV_BIN / "xdpdump"), "xdpdump_commit": commit(capturers.ROOT)}
    if args.baseline_xdpdump:
        settings.update({"baseline_xdpdump": str(args.baseline_xdpdump),
                         "baseline_commit": commit(args.baseline_xdpdump.parent)})
    rows: list[dict] = []
    startup_rows: list[dict] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="xdpdump-bench-") as tmp:
        workdir = Path(tmp)
        trafgen = generator.build(workdir)
        try:
            with topology.built() as topo:
                for case in chosen_cases:
                    for capturer in chosen:
                        sys.stderr.write(f"bench: {case.name} {capturer.name} ...\n")
                        try:
                            row = measure(topo, trafgen, capturer, case, workdir, limits, SNAPLEN,
                                          gen_cpu, cap_cpu)
                        except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                            # One tool failing is a result to report, not a reason to lose the others.
                            row = {"case": case.name, "capturer": capturer.name, "skipped": f"failed: {e}"}
                        rows.append(row)
                        sys.stderr.write(f"bench:   {_brief(row)}\n")
                if args.startup_runs > 0:
                    sys.stderr.write("bench: start-up times ...\n")
                    try:
                        startup_rows = startup.measure(topo, workdir, args.startup_runs, args.baseline_xdpdump)
                    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
                        sys.stderr.write(f"bench:   start-up times failed: {e}\n")
        except KeyboardInterrupt:
            sys.stderr.write("bench: interrupted; topology removed\n")
            return 130
        except topology.Terminated:
            sys.stderr.write("bench: terminated; topology removed\n")
            return 143
    leaked = topology.leftovers()
    settings["elapsed_s"] = round(time.monotonic() - started, 1)
    doc = report.document(machine, settings, rows)
    doc["startup"] = startup_rows
    out = args.json_out or Path("bench-results") / f"bench-{datetime.date.today().isoformat()}.json"
    report.write_json(doc, out)
    print(f"## xdpdump benchmark, {machine['date']}\n")
    print(f"Machine: {machine['cpu_model']}, {machine['cpus']} CPUs, Linux {machine['kernel']}. "
          f"Generator on CPU {gen_cpu}, capturer on CPU {cap_cpu}; snaplen {SNAPLEN}, "
          f"buffers {capturers.BUFFER_KIB} KiB.\n")
    tested = [f"xdpdump: {settings['xdpdump']} (commit {settings['xdpdump_commit']})"]
    if args.baseline_xdpdump:
        tested.append(f"{capturers.BASELINE}: {settings['baseline_xdpdump']} (commit {settings['baseline_commit']})")
    print("; ".join(tested) + ".\n")
    if rows:
        print(report.markdown_table(rows))
        print()
        print(report.headline_markdown(doc["headline"]))
    if startup_rows:
        print(f"\nStart-up, filter '{startup.EXPR_TEXT}':\n")
        print(startup.markdown_table(startup_rows))
    print(f"\nJSON: {out}; took {settings['elapsed_s']} s")
    if leaked:
        sys.stderr.write(f"bench: namespaces left behind: {' '.join(leaked)}\n")
        return 1
    return 0


def _brief(row: dict) -> str:
    if "skipped" in row:
        return f"skipped: {row['skipped']}"
    return (f"offered {row['offered']:,} at {row['offered_pps'] / 1e6:.2f} Mpps, captured {row['captured']}, "
            f"loss {row['loss_pct']}%, drops {row['kernel_drops']}, "
            f"cpu {row['capture_cpu_ns_per_captured']} ns/captured, machine {row['machine_cpu_ns_per_offered']} "
            f"ns/offered, drain {row['drain_s']} s")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
