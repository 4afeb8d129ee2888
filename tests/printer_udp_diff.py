"""Shared by the differential tests of the UDP application printers that have their own corpus
(SNMP, DHCPv6's -v form): write frames to a pcap and compare a flag set's lines with tcpdump's, where
the printer may only give up to the generic ``UDP, length N`` line, never print another text."""

from __future__ import annotations

from printer_oracle import tcpdump_lines, write_pcap, xdpdump_lines
from test_printer_udp_apps import _records, wrong_lines

from xdpdump.printer import PrintOptions

T0 = 1_700_000_000_000_000_000


def write_frames(tmp_path, frames: list[bytes], snap: dict[int, int] | None = None, name: str = "u.pcap"):
    path = tmp_path / name
    write_pcap(path, [(T0 + i * 1_000_003, f) for i, f in enumerate(frames)], snap=snap)
    return path


def compare(path, flags: tuple[str, ...], opts: PrintOptions, least_same: float) -> None:
    """No line tcpdump would not print, and at least ``least_same`` of the frames exactly tcpdump's."""
    mine, ref = xdpdump_lines(path, opts), tcpdump_lines(path, *flags)
    assert not any("printer error" in line for line in mine)
    bad = wrong_lines(mine, ref)
    assert not bad, "\n".join(f"xdpdump: {a}\ntcpdump: {b}" for a, b in bad[:5])
    same = sum(a == b for a, b in zip(_records(mine), _records(ref), strict=True))
    assert same >= least_same * len(_records(ref)), f"only {same} of {len(_records(ref))} frames as tcpdump's"
