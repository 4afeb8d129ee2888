"""Shared by the differential tests of the UDP application printers that have their own corpus
(SNMP, DHCPv6's -v form): write frames to a pcap and compare a flag set's lines with tcpdump's, where
the printer may only give up to the generic ``UDP, length N`` line, never print another text."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
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


def mutate_payloads(frames: list[bytes], edits: list[tuple[int, int]], seed: int) -> list[bytes]:
    """Each frame with ``edits`` applied to its UDP payload (after an IPv4 or IPv6 header): (position,
    value) pairs, the position moved on by up to 60 bytes (wrapping), the value kept or random."""
    rng = random.Random(seed)
    mutated = []
    for f in frames:
        b = bytearray(f)
        start = 62 if f[12:14] == b"\x86\xdd" else 42
        for pos, val in edits:
            at = start + (pos + rng.randint(0, 60)) % (len(b) - start)
            b[at] = val if rng.random() < 0.5 else rng.randint(0, 255)
        mutated.append(bytes(b))
    return mutated


# The mutation tests' bounded examples: a seed and up to six (position, value) edits.
mutation_examples = settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                             suppress_health_check=[HealthCheck.function_scoped_fixture])
given_edits = given(seed=st.integers(0, 2**32 - 1),
                    edits=st.lists(st.tuples(st.integers(0, 200), st.integers(0, 255)), min_size=1, max_size=6))
