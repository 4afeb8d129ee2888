"""With -w the capture passes frames over 256 bytes by reference: the archive role reads them in the
UMEM, which it maps read-only (the net role keeps it writable: the kernel's copy mode writes there)."""

from __future__ import annotations

import time

from capture_helpers import start_capture, stop, tshark_payloads
from netns import send_udp

UMEM_BYTES = 2 * 16 << 20  # one queue: the fill ring's 16 MiB, and as much again for held frames


def umem_permissions(pid: int) -> list[str]:
    """The permissions of every mapping of the UMEM's size (a shared anonymous mapping)."""
    perms = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if end - start == UMEM_BYTES:
                perms.append(fields[1])
    return perms


def test_archive_role_maps_the_umem_read_only(pair, tmp_path):
    cap, peer = pair
    out = tmp_path / "f.pcap"
    run_ = start_capture(cap.ns, "-i", cap.dev, "-w", str(out), "udp port 9000")
    with open(f"/proc/{run_.proc.pid}/task/{run_.proc.pid}/children") as f:
        net, archive = (int(p) for p in f.read().split())
    try:
        # The banner comes once the roles are forked, not once each has confined itself: give the
        # archive role a moment (bounded) to reach its mprotect before its filter.
        deadline = time.monotonic() + 10
        while umem_permissions(archive) != ["r--s"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert umem_permissions(net) == ["rw-s"]
        assert umem_permissions(archive) == ["r--s"]
        assert umem_permissions(run_.proc.pid) == []  # the supervisor let go of it
        # frames over 256 bytes go by reference, smaller ones are copied: both kinds, interleaved
        sent = [f"ref-{i:03d}".encode() * (60 if i % 2 else 5) for i in range(100)]
        send_udp(peer, cap, 9000, sent)
    finally:
        assert stop(run_) == 0, run_.stderr
    assert tshark_payloads(out) == sent
