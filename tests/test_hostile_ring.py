"""A compromised role writes garbage into the shared record ring: the consumers that read it (the
archive writer's loop, the peek behind the supervisor's and the API's Python readers) must neither
crash, hang nor read out of bounds; each stops at the first bad record with one line.

The native consumers run in tests/native/hostile_ring.c, built here under AddressSanitizer (and
UBSan where the compiler has it) from the production sources; the Python reader runs the package's
own cffi module in a child interpreter, so a hang or a crash there fails the test instead of pytest.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NATIVE = ROOT / "native"
SOURCES = ["record_ring.c", "pcap_writer.c", "rotation.c", "clock.c", "error.c"]
EPROTO = 71
GOOD = 6  # the harness's good records (five copies and one by reference) before the bad one


def _sanitizer_flags(tmp: Path) -> list[str]:
    """ASan (with UBSan when it links): skip when the compiler or libasan is missing."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc) to build the AddressSanitizer harness")
    probe = tmp / "probe.c"
    probe.write_text("int main(void) { return 0; }\n")
    for flags in (["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"], ["-fsanitize=address"]):
        out = tmp / "probe"
        r = subprocess.run([cc, *flags, str(probe), "-o", str(out)], capture_output=True, timeout=60)
        if r.returncode == 0 and subprocess.run([str(out)], capture_output=True, timeout=30).returncode == 0:
            return [cc, *flags]
    pytest.skip("the compiler cannot build or run an AddressSanitizer program (libasan missing)")


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    cc = _sanitizer_flags(tmp)
    exe = tmp / "hostile_ring"
    cmd = [*cc, "-std=gnu11", "-g", "-O1", "-fno-omit-frame-pointer", f"-I{NATIVE}",
           str(ROOT / "tests" / "native" / "hostile_ring.c"), *(str(NATIVE / s) for s in SOURCES), "-o", str(exe)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return exe


def _run(harness: Path, scenario: str, out: Path) -> dict[str, dict[str, str]]:
    r = subprocess.run([str(harness), scenario, str(out)], capture_output=True, text=True, timeout=60,
                       env={"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0"})
    assert "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, r.stderr
    assert r.returncode == 0, f"{scenario}: exit {r.returncode}\n{r.stdout}{r.stderr}"
    lines = {}
    for line in r.stdout.splitlines():
        who, rest = line.split(" ", 1)
        fields = dict(f.split("=", 1) for f in rest.split(" ", 2)[:2])
        fields["msg"] = rest.split("msg=", 1)[1]
        lines[who] = fields
    assert set(lines) == {"writer", "peek"}, r.stdout
    return lines


BAD = {
    "rec_len_zero": "record length (0)",
    "pad_rec_len_zero": "record length (0)",
    "huge_cap": "captured length over the snap length",
    "wrapped_size": "captured length over the snap length",
    "cap_over_snaplen": "captured length over the snap length (1600)",
    "bad_ifslot": "interface slot (4000)",
    "unaligned": "record length (40)",
    "past_published": "past what is published",
    "past_ring": "past the ring",
    "ref_outside_umem": "frame reference outside the UMEM",
    "ref_bad_slot": "frame reference outside the UMEM",
    "prod_far_ahead": "published position beyond the ring",
}


def _tcpdump_count(path: Path) -> int:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    r = subprocess.run(["tcpdump", "-nr", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return sum(1 for line in r.stdout.splitlines() if not line.startswith((" ", "\t")))  # not the hex lines


@pytest.mark.parametrize("scenario", sorted(BAD))
def test_a_bad_record_stops_each_consumer_with_one_line(harness: Path, tmp_path: Path, scenario: str) -> None:
    out = tmp_path / "x.pcapng"
    lines = _run(harness, scenario, out)
    for who in ("writer", "peek"):
        assert lines[who]["rc"] == str(-EPROTO), lines
        assert lines[who]["msg"].startswith("record ring: bad record at position ")
        assert BAD[scenario] in lines[who]["msg"], lines
    if scenario != "prod_far_ahead":
        assert lines["writer"]["records"] == str(GOOD)
        assert _tcpdump_count(out) == GOOD  # what came before the bad record is in the file, whole


def test_good_records_pass(harness: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.pcapng"
    lines = _run(harness, "good", out)
    assert lines["writer"] == {"rc": "0", "records": str(GOOD), "msg": ""}
    assert lines["peek"]["rc"] == "0" and lines["peek"]["packets"] == str(GOOD)
    assert _tcpdump_count(out) == GOOD


def test_the_shared_header_moves_no_reader(harness: Path, tmp_path: Path) -> None:
    """data_offset, data_size and the UMEM's place rewritten in the shared header: each process reads
    (and the producer writes) where its own set-up said, so the next record still arrives whole."""
    out = tmp_path / "x.pcapng"
    lines = _run(harness, "header", out)
    assert lines["writer"]["rc"] == "0" and lines["writer"]["records"] == str(GOOD + 1), lines
    assert lines["peek"]["rc"] == "0" and lines["peek"]["packets"] == str(GOOD + 1), lines
    assert _tcpdump_count(out) == GOOD + 1


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_garbage_while_reading(harness: Path, tmp_path: Path, seed: int) -> None:
    """Records with fields around every bound, written while both consumers read: they end in one
    line or normally, never out of bounds (ASan) and never hung (the harness's alarm, the timeout)."""
    lines = _run(harness, f"random:{seed}", tmp_path / "x.pcapng")
    for who in ("writer", "peek"):
        assert lines[who]["rc"] in ("0", str(-EPROTO)), lines
        assert lines[who]["rc"] == "0" or lines[who]["msg"].startswith("record ring: bad record"), lines


PY_CONSUMER = textwrap.dedent("""
    import ctypes, os, struct, sys
    from xdpdump.errors import UserError
    from xdpdump.xsk.record_ring import RecordRing

    ring = RecordRing(1 << 16)
    consumer = ring.consumer()
    view, base = ring.mapping()
    data_offset = struct.unpack_from("<Q", view, 24)[0]   # the header's layout (record_ring.h)
    PROD = 64                                             # prod: the header's second cache line
    scenario = sys.argv[1]
    pid = os.fork()
    if pid == 0:   # the hostile role: one record, then a published position
        rec_len, cap_len, prod = {
            "pad_rec_len_zero": (0, 0xffffffff, 64),
            "cap_past_mapping": (64, 0x7fffffff, 64),
            "prod_far_ahead": (64, 8, 1 << 40),
        }[scenario]
        ctypes.memmove(base + data_offset, struct.pack("<IIIHHQ", rec_len, cap_len, 8, 0, 0, 1), 24)
        ctypes.memmove(base + PROD, struct.pack("<Q", prod), 8)
        os._exit(0)
    os.waitpid(pid, 0)
    try:
        consumer.read(64, timeout_ms=100)
    except UserError as e:
        print("stopped:", e)
    else:
        print("read garbage")
""")


@pytest.mark.parametrize("scenario", ["pad_rec_len_zero", "cap_past_mapping", "prod_far_ahead"])
def test_the_python_reader_stops_at_a_bad_record(scenario: str) -> None:
    """The reader the supervisor prints from: a pad of length 0 looped it forever, a cap_len past the
    mapping crashed it; now it raises one clear error."""
    r = subprocess.run([sys.executable, "-c", PY_CONSUMER, scenario], capture_output=True, text=True, timeout=60,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("stopped: cannot read the capture: record ring: bad record at position 0"), r.stdout
    assert len(r.stdout.splitlines()) == 1
