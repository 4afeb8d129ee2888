"""Turning benchmark rows into the Markdown table, the headline ratios and the JSON document.

Pure functions over the row dicts ``bench.run.measure`` returns; no I/O but ``write_json``.
Headline ratios are xdpdump's figure divided by tcpdump's from the same run and case; the issue's
targets are checked here and reported (met / missed, by how much), never asserted. When the run had
an ``xdpdump-baseline`` (another checkout's xdpdump), a second table divides ours by it the same way:
above 1.00x, this checkout costs more than the baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.capturers import BASELINE, MIRROR, NOTHING, UNBUFFERED

UNFILTERED_64 = "64B"
UNFILTERED_1500 = "1500B"
FILTERED_64 = "64B-1%"
MODERATE_PPS = 300_000
MODERATE_64 = "64B-300k"   # 64-byte frames paced at MODERATE_PPS: where naps and wake-ups show
# The capture's CPU per captured frame, at most this share of tcpdump's (unfiltered cases).
CPU_TARGETS = {UNFILTERED_64: 0.5, UNFILTERED_1500: 0.7, MODERATE_64: 0.5}


def _num(v: float | int | None, fmt: str = "{:,}") -> str:
    return "-" if v is None else fmt.format(v)


def _drops(d: dict[str, int]) -> str:
    shown = {k: v for k, v in d.items() if v or k == "total"}
    return ", ".join(f"{k} {v:,}" for k, v in shown.items()) or "0"


def markdown_table(rows: list[dict]) -> str:
    head = ("| case | capturer | offered | Mpps | reached veth | captured | loss % | kernel drops "
            "| capture CPU ns/captured | machine CPU ns/offered (net; raw) | background CPUs |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['case']} | {r['capturer']} | skipped: {r['skipped']} | | | | | | | | |")
            continue
        lines.append(
            f"| {r['case']} | {r['capturer']} | {_num(r['offered'])} | {r['offered_pps'] / 1e6:.2f} "
            f"| {_num(r['reached_veth'])} | {_num(r['captured'])} | {_num(r['loss_pct'], '{:.2f}')} "
            f"| {_drops(r['kernel_drops'])} | {_num(r['capture_cpu_ns_per_captured'], '{:,.0f}')} "
            f"| {_num(r['machine_cpu_ns_per_offered'], '{:,.0f}')}; "
            f"{_num(r.get('machine_cpu_ns_per_offered_raw'), '{:,.0f}')} | {r['background_busy_cpus']:.2f} |"
        )
    return "\n".join(lines)


def _find(rows: list[dict], case: str, capturer: str) -> dict | None:
    for r in rows:
        if r["case"] == case and r["capturer"] == capturer and "skipped" not in r:
            return r
    return None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 3)


def _ratios(rows: list[dict], ours: str, theirs: str) -> dict[str, dict]:
    """Per case run by both: ours / theirs for the two CPU figures, and both losses."""
    ratios: dict[str, dict] = {}
    for case in dict.fromkeys(r["case"] for r in rows):
        a, b = _find(rows, case, ours), _find(rows, case, theirs)
        if not a or not b:
            continue
        ratios[case] = {
            "capture_cpu_per_captured": _ratio(a["capture_cpu_ns_per_captured"], b["capture_cpu_ns_per_captured"]),
            "machine_cpu_per_offered": _ratio(a["machine_cpu_ns_per_offered"], b["machine_cpu_ns_per_offered"]),
            f"loss_pct_{ours}": a["loss_pct"],
            f"loss_pct_{theirs}": b["loss_pct"],
        }
    return ratios


def headline(rows: list[dict]) -> dict:
    """Per case: xdpdump / tcpdump ratios (and xdpdump / baseline, if run); the issue's targets, met or not."""
    ratios = _ratios(rows, "xdpdump", "tcpdump")
    targets = []
    for case in (UNFILTERED_64, UNFILTERED_1500):
        ours, theirs = _find(rows, case, "xdpdump"), _find(rows, case, "tcpdump")
        if ours:
            targets.append({"target": f"{case}: xdpdump -w loses no frame at the highest rate",
                            "value": f"loss {ours['loss_pct']}% at {ours['offered_pps'] / 1e6:.2f} Mpps",
                            "met": ours["loss_pct"] == 0})
        if ours and theirs:
            targets.append({"target": f"{case}: the sender's rate while xdpdump captures >= under tcpdump",
                            "value": f"{ours['offered_pps'] / 1e6:.2f} vs {theirs['offered_pps'] / 1e6:.2f} Mpps",
                            "met": ours["offered_pps"] >= theirs["offered_pps"]})
    for case, r in ratios.items():
        v, limit = r["capture_cpu_per_captured"], CPU_TARGETS.get(case, 0.5)
        if v is not None:
            targets.append({"target": f"{case}: capture CPU per captured frame <= {limit}x tcpdump's",
                            "value": f"{v:.2f}x", "met": v <= limit})
    if FILTERED_64 in ratios and ratios[FILTERED_64]["machine_cpu_per_offered"] is not None:
        v = ratios[FILTERED_64]["machine_cpu_per_offered"]
        targets.append({"target": "1% filter: machine CPU per offered frame <= 1/2 of tcpdump's",
                        "value": f"{v:.2f}x", "met": v <= 0.5})
    head: dict = {"ratios_vs_tcpdump": ratios, "targets": targets, "mirror": mirror_comparison(rows)}
    if any(r["capturer"] == BASELINE for r in rows):
        head["ratios_vs_baseline"] = _ratios(rows, "xdpdump", BASELINE)
    if any(r["capturer"] == UNBUFFERED for r in rows):
        head["ratios_unbuffered"] = _ratios(rows, UNBUFFERED, "xdpdump")
    return head


def _ratio_table(ratios: dict[str, dict], ours: str, theirs: str) -> list[str]:
    lines = [f"| case | capture CPU/captured ({ours}÷{theirs}) | machine CPU/offered ({ours}÷{theirs}) "
             f"| loss % {ours} | loss % {theirs} |", "|---|---|---|---|---|"]
    for case, r in ratios.items():
        lines.append(f"| {case} | {_num(r['capture_cpu_per_captured'], '{:.2f}x')} "
                     f"| {_num(r['machine_cpu_per_offered'], '{:.2f}x')} "
                     f"| {_num(r[f'loss_pct_{ours}'], '{:.2f}')} | {_num(r[f'loss_pct_{theirs}'], '{:.2f}')} |")
    return lines


def headline_markdown(head: dict) -> str:
    """The headline section: the tcpdump table with the targets, then the baseline table if there is one."""
    lines = ["Headline (xdpdump ÷ tcpdump, same run):", "",
             *_ratio_table(head["ratios_vs_tcpdump"], "xdpdump", "tcpdump"), ""]
    for t in head["targets"]:
        lines.append(f"- {'met' if t['met'] else 'MISSED'}: {t['target']} ({t['value']})")
    if head.get("mirror"):
        lines += ["", mirror_markdown(head["mirror"])]
    if "ratios_unbuffered" in head:
        lines += ["", f"The cost of -U ({UNBUFFERED} ÷ xdpdump, same run):", "",
                  *_ratio_table(head["ratios_unbuffered"], UNBUFFERED, "xdpdump")]
    if "ratios_vs_baseline" in head:
        lines += ["", f"Before and after (xdpdump ÷ {BASELINE}, same run; above 1.00x this checkout costs more):",
                  "", *_ratio_table(head["ratios_vs_baseline"], "xdpdump", BASELINE)]
    return "\n".join(lines)


MIRROR_PEERS = (MIRROR, "xdpdump", "tcpdump", "xdp-tools")


def mirror_comparison(rows: list[dict]) -> list[dict]:
    """Per case and capturer (the mirror and its peers): the sender's rate while it captures divided by
    the rate with nothing attached (same run, same case), its CPU per captured frame, the machine's
    CPU per offered frame, and loss."""
    out = []
    for case in dict.fromkeys(r["case"] for r in rows):
        idle = _find(rows, case, NOTHING)
        for name in MIRROR_PEERS:
            r = _find(rows, case, name)
            if r is None:
                continue
            out.append({"case": case, "capturer": name,
                        "rate_vs_nothing": _ratio(r["offered_pps"], idle["offered_pps"] if idle else None),
                        "capture_cpu_ns_per_captured": r["capture_cpu_ns_per_captured"],
                        "machine_cpu_ns_per_offered": r["machine_cpu_ns_per_offered"],
                        "loss_pct": r["loss_pct"]})
    return out


def mirror_markdown(comparison: list[dict]) -> str:
    lines = ["The mirror and its peers (same run; rate: offered rate while capturing ÷ with nothing attached):", "",
             "| case | capturer | rate ÷ nothing | capture CPU ns/captured | machine CPU ns/offered | loss % |",
             "|---|---|---|---|---|---|"]
    for c in comparison:
        lines.append(f"| {c['case']} | {c['capturer']} | {_num(c['rate_vs_nothing'], '{:.2f}')} "
                     f"| {_num(c['capture_cpu_ns_per_captured'], '{:,.0f}')} "
                     f"| {_num(c['machine_cpu_ns_per_offered'], '{:,.0f}')} | {_num(c['loss_pct'], '{:.2f}')} |")
    return "\n".join(lines)


def document(machine: dict, settings: dict, rows: list[dict]) -> dict:
    return {"machine": machine, "settings": settings, "headline": headline(rows), "runs": rows}


def write_json(doc: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")
