"""xdpdump.capfile: pcap (usec/nsec, both byte orders) and pcapng, checked against tcpdump's reading."""

from __future__ import annotations

import shutil
import struct
import subprocess

import pytest
from scapy.all import IP, UDP, Ether, Raw
from scapy.utils import PcapNgWriter, PcapWriter

from xdpdump.capfile import read_capture
from xdpdump.errors import UserError

FRAMES = [bytes(Ether() / IP(src="198.18.0.1", dst="198.18.0.2") / UDP(sport=40000 + i, dport=30000)
                / Raw(bytes([i]) * (i * 7 % 90))) for i in range(25)]
STAMPS = [1_700_000_000_000_000_000 + i * 1_234_567_891 for i in range(25)]


def pcap_bytes(order: str, nano: bool, frames=FRAMES, stamps=STAMPS, snap: int | None = None) -> bytes:
    out = [struct.pack(order + "IHHiIII", 0xA1B23C4D if nano else 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for ts, data in zip(stamps, frames, strict=True):
        cap = data[:snap] if snap else data
        frac = ts % 10**9 if nano else ts % 10**9 // 1000
        out.append(struct.pack(order + "IIII", ts // 10**9, frac, len(cap), len(data)) + cap)
    return b"".join(out)


def pcapng_block(order: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    return struct.pack(order + "II", btype, len(body) + 12) + body + struct.pack(order + "I", len(body) + 12)


def pcapng_section(order: str, tsresol: int | None, frames, stamps, offset: int = 0) -> bytes:
    out = [pcapng_block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))]
    opts = b""
    if tsresol is not None:
        opts += struct.pack(order + "HHB3x", 9, 1, tsresol)
    if offset:
        opts += struct.pack(order + "HHq", 14, 8, offset)
    opts += struct.pack(order + "HH", 0, 0) if opts else b""
    out.append(pcapng_block(order, 1, struct.pack(order + "HHI", 1, 0, 0) + opts))
    for ts, data in zip(stamps, frames, strict=True):
        ts_ns = ts - offset * 10**9
        if tsresol is None:
            units = ts_ns // 1000
        elif tsresol & 0x80:
            units = (ts_ns << (tsresol & 0x7F)) // 10**9
        else:
            units = ts_ns // 10 ** (9 - tsresol)
        body = struct.pack(order + "IIIII", 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data)) + data
        out.append(pcapng_block(order, 6, body))
    out.append(pcapng_block(order, 3, struct.pack(order + "I", len(frames[0])) + frames[0]))
    return b"".join(out)


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("nano", [False, True])
def test_pcap_both_orders_and_precisions(tmp_path, order, nano):
    path = tmp_path / "f.pcap"
    path.write_bytes(pcap_bytes(order, nano))
    recs = list(read_capture(str(path)))
    assert [r.data for r in recs] == FRAMES
    assert [r.wire_len for r in recs] == [len(f) for f in FRAMES]
    assert {r.linktype for r in recs} == {1}
    expect = STAMPS if nano else [t // 1000 * 1000 for t in STAMPS]
    assert [r.ts_ns for r in recs] == expect


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("tsresol", [None, 9, 6, 3, 0x80 | 20])
def test_pcapng_sections_blocks_and_resolutions(tmp_path, order, tsresol):
    path = tmp_path / "f.pcapng"
    # Two sections, the second with the other byte order and a time offset: both must be read.
    other = ">" if order == "<" else "<"
    path.write_bytes(pcapng_section(order, tsresol, FRAMES[:10], STAMPS[:10])
                     + pcapng_section(other, 9, FRAMES[10:], STAMPS[10:], offset=100))
    recs = list(read_capture(str(path)))
    # Each section ends with a simple packet block (no timestamp: 0, as libpcap reports).
    assert [r.data for r in recs] == [*FRAMES[:10], FRAMES[0], *FRAMES[10:], FRAMES[10]]
    assert recs[10].ts_ns == 0
    for rec, ts in zip(recs[:10], STAMPS[:10], strict=True):
        step = {None: 1000, 9: 1, 6: 1000, 3: 10**6, 0x80 | 20: 10**9 // 2**20 + 1}[tsresol]
        assert abs(rec.ts_ns - ts) <= step
    assert [r.ts_ns for r in recs[11:-1]] == STAMPS[10:]


def test_files_written_by_scapy_match_tcpdump_count(tmp_path):
    pkts = [Ether(f) for f in FRAMES]
    for i, p in enumerate(pkts):
        p.time = STAMPS[i] / 1e9
    PcapWriter(str(tmp_path / "a.pcap")).write(pkts)
    PcapNgWriter(str(tmp_path / "a.pcapng")).write(pkts)
    for name in ("a.pcap", "a.pcapng"):
        recs = list(read_capture(str(tmp_path / name)))
        assert [r.data for r in recs] == FRAMES
        if shutil.which("tcpdump"):
            out = subprocess.run(["tcpdump", "-n", "-r", str(tmp_path / name)], capture_output=True,
                                 text=True, timeout=60).stdout
            assert len(out.splitlines()) == len(recs)


def test_snapped_records_keep_wire_length(tmp_path):
    path = tmp_path / "s.pcap"
    path.write_bytes(pcap_bytes("<", False, snap=30))
    recs = list(read_capture(str(path)))
    assert all(len(r.data) == 30 and r.wire_len == len(f) for r, f in zip(recs, FRAMES, strict=True))


def test_truncated_mid_record_yields_whole_records_then_errors(tmp_path):
    blob = pcap_bytes("<", False)
    path = tmp_path / "t.pcap"
    path.write_bytes(blob[:-5])
    got = []
    with pytest.raises(UserError, match="truncated dump file; record 25 needs"):
        for rec in read_capture(str(path)):
            got.append(rec.data)
    assert got == FRAMES[:24]
    if shutil.which("tcpdump"):
        res = subprocess.run(["tcpdump", "-n", "-r", str(path)], capture_output=True, text=True, timeout=60)
        # tcpdump behaves the same: 24 lines, then an error and a failure status.
        assert len(res.stdout.splitlines()) == 24 and res.returncode != 0
        assert "truncated dump file" in res.stderr


def test_truncated_record_header(tmp_path):
    path = tmp_path / "t.pcap"
    path.write_bytes(pcap_bytes("<", False)[: 24 + 16 + len(FRAMES[0]) + 7])
    with pytest.raises(UserError, match="record 2 header has 7 of 16 bytes"):
        list(read_capture(str(path)))


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file"),
    (b"\xd4\xc3", "truncated file header"),
    (b"\xd4\xc3\xb2\xa1\x02\x00", "truncated pcap file header"),
    (b"GIF89a" + b"\0" * 40, "unknown file format"),
    (struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + struct.pack("<IIII", 0, 0, 10**7, 10**7),
     "corrupt file; record 1 claims 10000000"),
    (struct.pack("<II", 0x0A0D0D0A, 28) + struct.pack("<I", 0x11223344) + b"\0" * 16, "bad byte-order magic"),
    (struct.pack("<III", 0x0A0D0D0A, 13, 0x1A2B3C4D) + b"\0" * 20, "invalid length 13"),
    (pcapng_block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
     + pcapng_block("<", 6, struct.pack("<IIIII", 0, 0, 0, 4, 4) + b"abcd"), "undeclared interface 0"),
    (pcapng_block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))[:-4] + b"\x01\0\0\0",
     "lengths differ"),
])
def test_bad_files_are_one_line_user_errors(tmp_path, content, message):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message) as exc:
        list(read_capture(str(path)))
    assert "\n" not in str(exc.value)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(UserError, match="No such file"):
        list(read_capture(str(tmp_path / "nope.pcap")))
    with pytest.raises(UserError, match="Is a directory"):
        list(read_capture(str(tmp_path)))
