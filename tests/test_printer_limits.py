"""The printer's work limit per frame (xdpdump/printer/budget.py), on the crafted frames of
printer_crafted.py: chained IPv6 extension headers, IP in IP, GRE in GRE, MPLS and VLAN stacks,
tunnels in tunnels, DNS pointer chains, SNMP bindings, DHCP options, SCTP chunks, telnet and RESP
runs, long text lines and dumps.

Work is measured deterministically, never by time: the Python functions (and builtins) called while
a frame is printed, and the budget's units spent. Output is checked against tcpdump 4.99: the same
line, or tcpdump's line cut where the printer stopped and marked `` [|printer limit]``, or (for a UDP
application printer that ran out) tcpdump's generic ``UDP, length N`` line.
"""

from __future__ import annotations

import re
import sys

import pytest
from printer_crafted import (
    CRAFTED,
    ah_chain,
    calls_while,
    dns_many_questions,
    dstopts_chain,
    gre_bridged,
    gre_gre,
    icmp_errors,
    ip6ip6,
    ipip,
    lldp_many_tlvs,
    mpls_stack,
    resp_nested,
    routing_chain,
    sctp_chunks,
    snmp_varbinds,
    telnet_iac,
    vlan_stack,
)
from printer_oracle import TCPDUMP, in_oracle_zone, tcpdump_lines, write_pcap, xdpdump_lines  # noqa: F401

from xdpdump.printer import Printer, PrintOptions
from xdpdump.printer.budget import LAYER, MARKER, WORK_LIMIT

needs_tcpdump = pytest.mark.skipif(TCPDUMP is None, reason="tcpdump is not installed")
pytestmark = pytest.mark.usefixtures("in_oracle_zone")

T0 = 1_700_000_000_000_000_000
# The most functions any frame may call while printed. Measured after the limit: the crafted 1.5 KB
# frames take 50 to 2600 calls (DHCP with 600 options at -v the most); before it, up to 7400, and a
# 16 KB frame of chained headers or commands took 8 to 30 thousand.
MAX_CALLS = 3000
_GENERIC_UDP = re.compile(r"UDP, length \d+$")
# The crafted frames whose -v lines tcpdump and this printer agree on without the limit (the others
# differ at -v in ways that are not about the limit: checksums, -v forms not reproduced here).
_VERBOSE_AGREE = ("ip6 dstopts x150", "ip6 routing x150", "ip6 dstopt pad1 x1400", "ipip x70", "ip6ip6 deep",
                  "gre in gre deep", "gre bridged deep", "mpls labels", "vlan tags", "icmp errors nested",
                  "dns answers", "snmp varbinds", "dhcp options", "dhcp6 options", "sctp chunks", "sctp sack gaps")


def _work(frame: bytes, opts: PrintOptions) -> tuple[str, int, int]:
    """The frame's text, the functions called to print it and the budget units it spent."""
    printer = Printer(opts, native=False)
    text, calls = calls_while(lambda: printer.format(T0, frame, len(frame)))
    return text, calls, printer._lines.budget.used


def _agrees(mine: str, ref: str) -> bool:
    """Mine is tcpdump's text, or its start with the limit's marker, or the generic UDP line."""
    if mine == ref:
        return True
    if mine.endswith(MARKER):
        return ref.startswith(mine[: -len(MARKER)])
    generic = _GENERIC_UDP.search(mine)
    return generic is not None and ref.startswith(mine[: generic.start()])


def _tcpdump_and_mine(tmp_path, frame: bytes, flags: tuple[str, ...], opts: PrintOptions) -> tuple[str, str]:
    path = tmp_path / "f.pcap"
    write_pcap(path, [(T0, frame)])
    return "\n".join(xdpdump_lines(path, opts)), "\n".join(tcpdump_lines(path, *flags))


@pytest.mark.parametrize("verbose", [0, 1, 2])
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_frame_costs_bounded_work(name, verbose):
    """Every crafted full-size frame, at every -v level: the calls stay under MAX_CALLS and the budget
    is spent at most to its end (one more unit: the spend that stopped the line)."""
    frame = CRAFTED[name]()
    assert len(frame) <= 1514
    _, calls, used = _work(frame, PrintOptions(verbose=verbose))
    assert calls <= MAX_CALLS, (name, calls)
    assert used <= WORK_LIMIT + 1


@needs_tcpdump
@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_frame_prints_tcpdumps_line_or_its_start(tmp_path, name):
    """Without -v (and with -v where the two agree anyway): tcpdump's line, or its start where the
    printer stopped, marked, or the generic UDP line for an application printer that ran out."""
    frame = CRAFTED[name]()
    levels = [((), PrintOptions())]
    if name in _VERBOSE_AGREE:
        levels.append((("-v",), PrintOptions(verbose=1)))
    for flags, opts in levels:
        mine, ref = _tcpdump_and_mine(tmp_path, frame, flags, opts)
        assert _agrees(mine, ref), f"{name} {flags}\nxdpdump: {mine[-300:]}\ntcpdump: {ref[:300]}"


def test_the_issues_frames():
    """The two frames of the report: 150 chained destination options fit the budget and print whole
    (with -v, where each header's option is printed and spends too, the line stops after 124); IP
    in IP 70 deep stops after the packets the budget allows, marked."""
    line, _, used = _work(dstopts_chain(150), PrintOptions())
    assert line.count("DSTOPT ") == 150 and not line.endswith(MARKER) and used <= WORK_LIMIT
    line, calls, used = _work(dstopts_chain(150), PrintOptions(verbose=1))
    assert line.endswith(MARKER) and 100 < line.count("DSTOPT ") < 150
    assert used <= WORK_LIMIT + 1 and calls <= MAX_CALLS
    line, calls, used = _work(ipip(70), PrintOptions(verbose=1))
    assert line.endswith(MARKER)
    assert line.count("IP (tos") == WORK_LIMIT // LAYER  # a share of the budget for each packet printed
    assert used <= WORK_LIMIT + 1 and calls <= MAX_CALLS


@needs_tcpdump
def test_the_issues_frames_as_tcpdump(tmp_path):
    for frame in (dstopts_chain(150), ipip(70)):
        for flags, opts in (((), PrintOptions()), (("-v",), PrintOptions(verbose=1))):
            mine, ref = _tcpdump_and_mine(tmp_path, frame, flags, opts)
            assert _agrees(mine, ref), f"xdpdump: {mine[-300:]}\ntcpdump: {ref[:300]}"
    mine, ref = _tcpdump_and_mine(tmp_path, dstopts_chain(150), (), PrintOptions())
    assert mine == ref


# Frames of up to 16 KB (a pcap's snap length allows 256 KB): the work must not grow with them. (An
# 802.3 frame, CDP's, is at most 1500 bytes by its length field; a hex dump of what is not decoded
# grows with the bytes, as tcpdump's, at 0.15 us a byte.)
_DEEP = {
    "ipip": lambda: ipip(600), "ip6ip6": lambda: ip6ip6(400), "dstopts": lambda: dstopts_chain(2000),
    "routing": lambda: routing_chain(2000), "mpls": lambda: mpls_stack(4000), "vlan": lambda: vlan_stack(4000),
    "gre": lambda: gre_gre(600), "gre bridged": lambda: gre_bridged(400), "ah": lambda: ah_chain(1200),
    "icmp errors": lambda: icmp_errors(400), "sctp": lambda: sctp_chunks(4000),
    "lldp": lambda: lldp_many_tlvs(5000), "telnet": lambda: telnet_iac(5000), "resp": lambda: resp_nested(4000),
    "dns": lambda: dns_many_questions(2500), "snmp": lambda: snmp_varbinds(1000),
}


@pytest.mark.parametrize("name", _DEEP)
def test_deep_frames_cost_what_a_full_size_one_costs(name):
    """Ten times the headers, commands or records of a full-size frame: the same bounded work, no
    recursion (the printer runs under a recursion limit a per-header recursion would overrun)."""
    frame = _DEEP[name]()
    assert len(frame) > 5000
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(80)
    try:
        for verbose in (0, 1):
            line, calls, used = _work(frame, PrintOptions(verbose=verbose))
            assert calls <= MAX_CALLS, (name, verbose, calls)
            assert used <= WORK_LIMIT + 1
            assert line.endswith(MARKER) or _GENERIC_UDP.search(line) or (name == "icmp errors" and not verbose)
    finally:
        sys.setrecursionlimit(limit)


@needs_tcpdump
@pytest.mark.parametrize("name", ["ipip", "dstopts", "mpls", "gre", "sctp", "telnet", "dns"])
def test_deep_frames_print_the_start_of_tcpdumps_line(tmp_path, name):
    mine, ref = _tcpdump_and_mine(tmp_path, _DEEP[name](), (), PrintOptions())
    assert _agrees(mine, ref) and mine != ref, f"xdpdump: {mine[-300:]}\ntcpdump: {ref[:300]}"


# --- --json: scapy's dissection, bounded by layers and by what the printer found -------------------

def _json(frame: bytes) -> tuple[list[dict], int]:
    """The frame's --json layers and the functions called to make its object."""
    import json

    printer = Printer(PrintOptions(json=True), native=False)
    text, calls = calls_while(lambda: printer.format(T0, frame, len(frame)))
    return json.loads(text)["layers"], calls


def test_json_skips_scapy_for_a_frame_the_printer_found_heavy():
    """The issue's two frames: scapy took 12 and 23 ms to dissect them; now their one layer is Raw."""
    for frame in (ipip(70), dstopts_chain(150)):
        layers, calls = _json(frame)
        assert layers == [{"name": "Raw", "fields": {"length": len(frame)}}]
        assert calls <= MAX_CALLS * 2  # the line and the -vv pass that measured the work


def test_json_layers_stop_after_max_layers():
    """30 VLAN tags are light work for the printer, but 30 scapy layers: the layers stop at
    MAX_LAYERS, the rest one Raw layer; a tunnel of ordinary depth is dissected whole."""
    from xdpdump.printer.jsonl import MAX_LAYERS

    layers, _ = _json(vlan_stack(30))
    assert len(layers) == MAX_LAYERS + 1 and layers[-1]["name"] == "Raw"
    assert [la["name"] for la in layers[:3]] == ["Ether", "Dot1Q", "Dot1Q"]
    layers, _ = _json(ipip(2))
    assert [la["name"] for la in layers] == ["Ether", "IP", "IP", "UDP", "Raw"]


@pytest.mark.parametrize("name", CRAFTED)
def test_json_of_crafted_frames_is_bounded(name):
    """Every crafted frame's object: at most MAX_LAYERS layers and the one Raw for the rest, and a
    bounded number of calls (before the limits: scapy dissected every header, 150 for one frame)."""
    from xdpdump.printer.jsonl import MAX_LAYERS

    layers, calls = _json(CRAFTED[name]())
    assert len(layers) <= MAX_LAYERS + 1
    assert calls <= 4 * MAX_CALLS, (name, calls)
