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
import threading
import time
from pathlib import Path

import pytest
from capture_helpers import start_capture, stop, tshark_payloads
from netns import send_udp

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


# --- a compromised role against the producer, in a live capture -------------------------------------

OFFSETS_C = r"""
#include <stddef.h>
#include <stdio.h>
#include "record_ring.h"
int main(void)
{
    printf("%zu %zu %zu %zu %d\n", offsetof(struct xdpd_record_ring, prod), offsetof(struct xdpd_record_ring, cons),
           sizeof(struct xdpd_rr_consumer), offsetof(struct xdpd_rr_consumer, active), XDPD_MAX_CONSUMERS);
    return 0;
}
"""
# Where main kept the producer's own bookkeeping in the shared header (prod_local, min_cons_cached
# and reclaimed); the fields around them keep their offsets, so a role can still write these.
OLD_PROD_LOCAL, OLD_MIN_CONS, OLD_RECLAIMED = 72, 80, 112


def _ring_layout(tmp: Path) -> tuple[int, int, int, int, int]:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler (cc) to read the record ring's layout")
    (tmp / "offsets.c").write_text(OFFSETS_C)
    subprocess.run([cc, f"-I{NATIVE}", str(tmp / "offsets.c"), "-o", str(tmp / "offsets")], check=True, timeout=60)
    out = subprocess.run([str(tmp / "offsets")], capture_output=True, text=True, check=True, timeout=30).stdout
    prod, cons, cons_size, active, ncons = (int(x) for x in out.split())
    return prod, cons, cons_size, active, ncons


def _find_ring(pid: int) -> int:
    """The address of the record ring in pid: the shared mapping that starts with its magic."""
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
        for line in maps:
            fields = line.split()
            if "s" not in fields[1] or "w" not in fields[1]:
                continue
            start = int(fields[0].split("-")[0], 16)
            mem.seek(start)
            if mem.read(4) == (0x58445244).to_bytes(4, "little"):
                return start
    raise AssertionError(f"no record ring mapped in {pid}")


def test_a_role_writing_the_producers_old_fields_and_forging_positions(pair, tmp_path: Path) -> None:
    """With -w, frames over 256 bytes are recorded by reference and given back to the kernel once
    every consumer is past them. A compromised role (here: the test, writing the shared ring through
    /proc/PID/mem of the supervisor, which maps it as every role does) keeps writing the offsets where
    the producer once kept its own bookkeeping (a `reclaimed` moved back gave frames back twice: two
    frames then written into one) and a consumer slot of its own with positions ahead of anything
    published and behind everything reclaimed. Every frame in the file must still be the frame sent,
    and the capture must end normally. (Before the producer kept these fields to itself, it wrote
    where the role said: the archive writer stopped at the gap, 'bad record ... record length (0)',
    with most frames not in the file.)"""
    prod_off, cons_off, cons_size, active_off, ncons = _ring_layout(tmp_path)
    out = tmp_path / "f.pcap"
    run_ = start_capture(pair[0].ns, "-i", pair[0].dev, "-w", str(out), "udp port 9000")
    pid = run_.proc.pid
    done = threading.Event()
    errors: list[BaseException] = []
    writes = [0]

    def hostile() -> None:
        try:
            base = _find_ring(pid)
            with open(f"/proc/{pid}/mem", "r+b", buffering=0) as mem:
                def rd(off: int, n: int = 8) -> int:
                    mem.seek(base + off)
                    return int.from_bytes(mem.read(n), "little")

                def wr(off: int, value: int, n: int = 8) -> None:
                    mem.seek(base + off)
                    mem.write((value % (1 << (8 * n))).to_bytes(n, "little"))

                # a consumer slot of its own (the writer's is slot 0: this role lies only about itself)
                mine = next(i for i in range(ncons) if rd(cons_off + i * cons_size + active_off, 4) == 0)
                slot = cons_off + mine * cons_size
                wr(slot, rd(prod_off))
                wr(slot + active_off, 1, 4)
                history: list[int] = []
                deadline = time.monotonic() + 30
                k = 0
                while not done.is_set() and time.monotonic() < deadline and k < 200000:
                    prod = rd(prod_off)
                    history.append(prod)
                    old = history[max(0, len(history) - 50)]
                    wr(OLD_RECLAIMED, old)                     # back: frames given back again
                    wr(OLD_MIN_CONS, prod + (1 << 30))         # everything free: overwrite unread records
                    wr(OLD_PROD_LOCAL, prod + 64 * (k % 4))    # write somewhere else
                    wr(slot, (prod + (1 << 40), 0, old, prod)[k % 4])  # ahead, behind, then honest
                    writes[0] += 1
                    k += 1
                wr(slot + active_off, 0, 4)
        except OSError:
            if run_.proc.poll() is None:   # the mapping is gone only with the capture: not before it
                raise
        except BaseException as e:  # reported by the test below
            errors.append(e)

    t = threading.Thread(target=hostile)
    t.start()
    sent = [f"hostile-{i:05d}".encode() * (30 if i % 3 else 2) for i in range(6000)]
    try:
        for i in range(0, len(sent), 1000):   # bursts: the writer lags, frames are held
            send_udp(pair[1], pair[0], 9000, sent[i:i + 1000])
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        done.set()
        t.join(timeout=60)
        rc = stop(run_)
    assert rc == 0, run_.stderr
    assert not errors, errors
    assert writes[0] > 100, writes  # the role really wrote, all along
    got = tshark_payloads(out)
    assert got, run_.stderr
    assert len(got) >= len(sent) // 2, f"{len(got)} of {len(sent)}: the capture stalled"
    known = set(sent)
    unknown = [p[:20] for p in got if p not in known]  # a frame given back twice: another's bytes
    assert not unknown, f"{len(unknown)} of {len(got)} frames in the file are not frames sent: {unknown[:3]}"
    assert len(set(got)) == len(got), "a frame is in the file twice"
    order = {p: i for i, p in enumerate(sent)}
    assert got == sorted(got, key=order.__getitem__), "frames out of the order they were sent"
