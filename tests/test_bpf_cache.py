"""The program cache: a warm start loads without bcc and captures exactly as a cold one; an entry or
directory that cannot be trusted is ignored (entries are rebuilt); bcc's errors stay the cold path's.
And the rest of a fast start: nothing imports scapy before the capture is attached.

Each test has its own cache directory (XDPDUMP_CACHE_DIR), never the suite's or the machine's.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import subprocess

import pytest
from capture_helpers import start_capture
from netns import ROOT, VENV_BIN, send_udp

from xdpdump import bpf_build, bpf_cache, bpfsys
from xdpdump.bpf_cache import BpfCache, cache_key, decode_entry, encode_entry
from xdpdump.bpf_image import BadImage, MapSpec, ProgramImage
from xdpdump.errors import UserError

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: BPF programs, chown")
NOBODY = 65534
EXPR = "udp port 9000"
PAYLOADS = [f"m-{i:03d}".encode() * 4 for i in range(12)]
OTHER = [f"o-{i:03d}".encode() * 4 for i in range(12)]
# A filter the verifier refuses: it reads packet bytes without checking them against data_end.
UNCHECKED_FILTER = ("static __always_inline unsigned int xdpd_filter(void *data, void *data_end)"
                    " { return ((unsigned char *)data)[40]; }\n")
PASS_FILTER = "static __always_inline unsigned int xdpd_filter(void *data, void *data_end) { return 0; }\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh cache directory for this test (created by the code on first use), for this process
    and every xdpdump it starts."""
    path = tmp_path / "cache"
    monkeypatch.setenv("XDPDUMP_CACHE_DIR", str(path))
    return path


@pytest.fixture
def cache_log():
    """The xdpdump logger's records during the test, at DEBUG."""
    records: list[str] = []

    class Into(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("xdpdump")
    handler, level = Into(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield records
    logger.removeHandler(handler)
    logger.setLevel(level)


def entries(path) -> list:
    return sorted(p for p in path.iterdir() if p.name.endswith(bpf_cache.SUFFIX))


def load_capture(prefix: str = PASS_FILTER) -> bpf_build.LoadedProgram:
    return bpf_build.load_xdp("xsk_redirect.c", "xdpd_capture", prefix=prefix)


def _image(**changes) -> ProgramImage:
    fields = dict(prog_type=6, name="p", license="GPL", kern_version=0, tag="00" * 8,
                  insns=bytes.fromhex("b700000002000000") + bytes.fromhex("9500000000000000"),
                  maps=(), relocations=())
    fields.update(changes)
    return ProgramImage(**fields)


# The entry format, on its own.

def test_an_entry_reads_back_as_its_image():
    image = _image(maps=(MapSpec("m", 2, 4, 8, 1, 0),),
                   insns=bytes.fromhex("1811000000000000" "0000000000000000" "9500000000000000"),
                   relocations=((0, 0),))
    assert decode_entry("k", encode_entry("k", image)) == image


@pytest.mark.parametrize("damage, reason", [
    (lambda d: d[:-1], "truncated"),
    (lambda d: d + b"x", "truncated"),
    (lambda d: d[:20], "truncated"),
    (lambda d: d[: len(d) // 2] + bytes([d[len(d) // 2] ^ 0x40]) + d[len(d) // 2 + 1 :], "checksum"),
    (lambda d: b"NOTMAGIC" + d[8:], "magic"),
    (lambda d: d[:8] + (bpf_cache.FORMAT_VERSION + 1).to_bytes(4, "little") + d[12:], "format version"),
    (lambda d: b"", "magic"),
])
def test_a_damaged_entry_is_refused_with_its_reason(damage, reason):
    with pytest.raises(BadImage, match=reason):
        decode_entry("k", damage(encode_entry("k", _image())))


def test_an_entry_filed_under_another_key_is_refused():
    with pytest.raises(BadImage, match="another key"):
        decode_entry("other", encode_entry("k", _image()))


@pytest.mark.parametrize("bad", [
    {"insns": b""}, {"insns": b"\x95" * 7},
    {"maps": (MapSpec("m", 12, 4, 4, 1, 0),)},  # a map of maps
    {"maps": (MapSpec("m", 2, 0, 4, 1, 0),)},
    {"relocations": ((0, 0),)},  # no such map
    {"maps": (MapSpec("m", 2, 4, 4, 1, 0),), "relocations": ((0, 0),)},  # instruction 0 is no map reference
])
def test_a_checksummed_entry_with_a_malformed_image_is_refused(bad):
    with pytest.raises(BadImage):
        decode_entry("k", encode_entry("k", _image(**bad)))


def test_keys_differ_by_text_flags_and_function():
    base = cache_key("text", ["-I/x"], "f", 6)
    assert base == cache_key("text", ["-I/x"], "f", 6)
    assert len({base, cache_key("text ", ["-I/x"], "f", 6), cache_key("text", ["-I/y"], "f", 6),
                cache_key("text", ["-I/x"], "g", 6), cache_key("text", ["-I/x"], "f", 2)}) == 5
    env = bpf_cache.environment()
    assert env["kernel"][0] == os.uname().release and env["format"] == bpf_cache.FORMAT_VERSION
    assert env["bcc"]["version"] and "__version__" in env["bcc"]["version"]


# The directory.

@needs_root
def test_the_directory_is_created_0700_and_entries_0600(cache_dir):
    load_capture().close()
    st = cache_dir.stat()
    assert (st.st_uid, oct(st.st_mode & 0o777)) == (0, oct(0o700))
    [entry] = entries(cache_dir)
    assert (entry.stat().st_uid, oct(entry.stat().st_mode & 0o777)) == (0, oct(0o600))


@needs_root
@pytest.mark.parametrize("spoil", ["owner", "group-writable", "world-writable", "symlink"])
def test_an_untrusted_directory_is_not_used(tmp_path, cache_dir, cache_log, spoil):
    real = tmp_path / "real"
    real.mkdir(0o700)
    if spoil == "owner":
        os.chown(real, NOBODY, NOBODY)
    elif spoil == "group-writable":
        real.chmod(0o770)
    elif spoil == "world-writable":
        real.chmod(0o777)
    if spoil == "symlink":
        cache_dir.symlink_to(real)
    else:
        real.rename(cache_dir)
    with BpfCache.opened() as cache:
        assert cache is None
    assert any(r.startswith(f"bpf cache: not using {cache_dir}") for r in cache_log)
    prog = load_capture()  # bcc builds it, as it would with no cache at all
    try:
        assert not prog.from_cache
    finally:
        prog.close()
    assert entries(cache_dir) == []  # nothing was stored in it either


# Warm and cold loads, in this process.

def _in_fresh_python(code: str) -> dict:
    """Run code in a new interpreter (its modules are its own) and return the JSON it prints."""
    proc = subprocess.run([str(VENV_BIN / "python"), "-c", code], capture_output=True, text=True, timeout=240,
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


LOAD_AND_REPORT = f"""
import json, sys
from xdpdump.bpf_build import load_xdp
p = load_xdp("xsk_redirect.c", "xdpd_capture", prefix={PASS_FILTER!r})
print(json.dumps({{"from_cache": p.from_cache, "bcc_imported": "bcc" in sys.modules}}))
"""


@needs_root
def test_a_warm_load_does_not_even_import_bcc(cache_dir):
    assert _in_fresh_python(LOAD_AND_REPORT) == {"from_cache": False, "bcc_imported": True}
    assert _in_fresh_python(LOAD_AND_REPORT) == {"from_cache": True, "bcc_imported": False}


def test_the_modules_a_capture_starts_with_do_not_import_scapy():
    """scapy costs a second of CPU to import: a capture starts without it, tcpdump lines are made
    without it, and only --json's printer loads it (when it is made: before the sandbox)."""
    frame = "bytes(12) + bytes.fromhex('08004500001c000100004011f9d2c6120001c61200020035003500080000')"
    code = ("import json, sys; import xdpdump.cli.capture, xdpdump.supervisor, xdpdump.producers.afxdp; "
            "seen = ['scapy' in sys.modules]; from xdpdump.printer import Printer, PrintOptions; "
            f"frame = {frame}[:42]; "
            "Printer(PrintOptions()).format(0, frame, len(frame)); seen.append('scapy' in sys.modules); "
            "Printer(PrintOptions(json=True)); seen.append('scapy' in sys.modules); "
            "print(json.dumps(seen))")
    assert _in_fresh_python(code) == [False, False, True]


@needs_root
def test_cached_programs_have_the_same_code_names_and_working_maps(cache_dir, cache_log):
    cold = bpf_build.load_xdp("xdp_redirect.c", "xdpd_redirect")
    warm = bpf_build.load_xdp("xdp_redirect.c", "xdpd_redirect")
    try:
        assert (cold.from_cache, warm.from_cache) == (False, True)
        assert any(r.startswith("bpf cache: loaded xdpd_redirect from cache") for r in cache_log)
        a, b = bpfsys.prog_info(cold.fd), bpfsys.prog_info(warm.fd)
        assert (a.name, a.tag) == (b.name, b.tag) == ("xdpd_redirect", a.tag)
        assert a.id != b.id and len(a.map_ids) == len(b.map_ids) == 3 and set(a.map_ids).isdisjoint(b.map_ids)
        for prog in (cold, warm):
            keep = prog.table("xdpd_keep_ports")
            keep[ctypes.c_int(53)] = ctypes.c_uint8(1)
            prog.table("xdpd_tx_port")[ctypes.c_int(0)] = ctypes.c_int(1)  # lo: always there
            info = bpfsys.map_info(keep.get_fd())
            assert (info.name, info.key_size, info.value_size, info.max_entries) == ("xdpd_keep_ports", 4, 1, 65536)
            with pytest.raises(ValueError, match="1-byte values"):
                keep[ctypes.c_int(54)] = ctypes.c_int(1)
            with pytest.raises(KeyError):
                prog.table("no_such_map")
    finally:
        cold.close()
        warm.close()


@needs_root
def test_different_expressions_get_different_entries_and_the_same_one_shares(cache_dir):
    from xdpdump.pcapfilter import compile_pcap_filter

    sources = [compile_pcap_filter(e, 262144).c_source() for e in ("udp port 53", "tcp", "udp port 53")]
    loaded = [load_capture(s) for s in sources]
    try:
        assert [p.from_cache for p in loaded] == [False, False, True]
        assert len(entries(cache_dir)) == 2
    finally:
        for p in loaded:
            p.close()


@needs_root
@pytest.mark.parametrize("spoil", ["flip", "truncate", "owner", "mode", "hardlink", "symlink", "empty"])
def test_an_untrusted_entry_is_ignored_and_rebuilt(tmp_path, cache_dir, cache_log, spoil):
    load_capture().close()
    [entry] = entries(cache_dir)
    good = entry.read_bytes()
    if spoil == "flip":
        entry.write_bytes(good[:100] + bytes(b ^ 0xFF for b in good[100:104]) + good[104:])
    elif spoil == "truncate":
        entry.write_bytes(good[: len(good) // 2])
    elif spoil == "owner":
        os.chown(entry, NOBODY, NOBODY)
    elif spoil == "mode":
        entry.chmod(0o622)
    elif spoil == "hardlink":
        os.link(entry, tmp_path / "second-name")
    elif spoil == "symlink":
        (tmp_path / "elsewhere").write_bytes(good)
        entry.unlink()
        entry.symlink_to(tmp_path / "elsewhere")
    elif spoil == "empty":
        entry.write_bytes(b"")
    cache_log.clear()
    prog = load_capture()
    try:
        assert not prog.from_cache, cache_log
        assert any(r.startswith(f"bpf cache: ignored {entry.name}") for r in cache_log), cache_log
        assert any(r.startswith(f"bpf cache: stored {entry.name}") for r in cache_log), cache_log
    finally:
        prog.close()
    st = os.lstat(entry)
    assert (st.st_uid, st.st_mode & 0o777, st.st_nlink) == (0, 0o600, 1) and entry.read_bytes() == good
    rebuilt = load_capture()
    rebuilt.close()
    assert rebuilt.from_cache


def _file_under_the_capture_key(cache_dir, image: ProgramImage) -> None:
    """Write image, soundly checksummed, under the key of load_capture()'s program."""
    load_capture().close()
    [entry] = entries(cache_dir)
    key = entry.name.removesuffix(bpf_cache.SUFFIX)
    entry.write_bytes(encode_entry(key, image))


@needs_root
def test_a_cached_program_the_verifier_rejects_is_rebuilt_by_bcc(cache_dir, cache_log):
    # A sound entry whose program the kernel refuses: "exit" with r0 never set.
    _file_under_the_capture_key(cache_dir, _image(insns=bytes.fromhex("9500000000000000")))
    cache_log.clear()
    prog = load_capture()
    prog.close()
    assert not prog.from_cache
    assert any("did not load" in r and "rebuilding it with bcc" in r for r in cache_log), cache_log
    again = load_capture()
    again.close()
    assert again.from_cache


@needs_root
def test_a_cached_program_with_other_code_than_bcc_built_is_not_used(cache_dir, cache_log):
    # The kernel takes this one (return XDP_PASS), but it is not what bcc loaded: its tag differs.
    real = load_capture()
    real_tag = bpfsys.prog_info(real.fd).tag
    real.close()
    _file_under_the_capture_key(cache_dir, _image(tag=real_tag))
    cache_log.clear()
    prog = load_capture()
    try:
        assert not prog.from_cache
        assert bpfsys.prog_info(prog.fd).tag == real_tag
        assert any("did not load" in r and "tagged the program" in r for r in cache_log), cache_log
    finally:
        prog.close()


@needs_root
def test_bccs_errors_stay_on_the_cold_path_and_are_never_cached(cache_dir):
    for _ in range(2):  # the same message the second time: nothing was cached in between
        with pytest.raises(UserError) as rejected:
            load_capture(UNCHECKED_FILTER)
        assert str(rejected.value).startswith("the kernel verifier rejected xdpd_capture from xsk_redirect.c: ")
        assert "\n" not in str(rejected.value)
        with pytest.raises(UserError) as broken:
            load_capture("this is not C;\n")
        assert str(broken.value).startswith("bcc could not compile xsk_redirect.c: ")
    assert entries(cache_dir) == []


# End to end: xdpdump itself, cold and warm, on a veth.

def _capture_once(pair, tmp_path, name: str) -> tuple[list[bytes], str]:
    """One `xdpdump -c N -w` run with EXPR while other traffic, then N matching frames, are sent:
    (the UDP payloads in the file, the run's log)."""
    from scapy.all import UDP, rdpcap

    cap, peer = pair
    out, log = tmp_path / f"{name}.pcap", tmp_path / f"{name}.log"
    run = start_capture(cap.ns, "-i", cap.dev, "-c", str(len(PAYLOADS)), "-w", str(out), "--log-file", str(log),
                        EXPR)
    send_udp(peer, cap, 9001, OTHER)  # first: were they captured, -c would end on them
    send_udp(peer, cap, 9000, PAYLOADS)
    assert run.finish() == 0, run.stderr
    return [bytes(p[UDP].payload) for p in rdpcap(str(out)) if UDP in p], log.read_text()


@needs_root
def test_xdpdump_warm_start_loads_from_the_cache_and_captures_the_same(pair, tmp_path, cache_dir):
    cold, cold_log = _capture_once(pair, tmp_path, "cold")
    warm, warm_log = _capture_once(pair, tmp_path, "warm")
    assert cold == warm == PAYLOADS
    assert "bpf cache: stored " in cold_log and "from cache" not in cold_log
    assert "bpf cache: loaded xdpd_capture from cache" in warm_log and "stored" not in warm_log
    assert len(entries(cache_dir)) == 1


@needs_root
def test_xdpdump_rebuilds_a_corrupt_entry_and_captures_correctly(pair, tmp_path, cache_dir):
    _capture_once(pair, tmp_path, "first")
    [entry] = entries(cache_dir)
    data = entry.read_bytes()
    entry.write_bytes(data[:-40] + bytes(b ^ 0x5A for b in data[-40:]))
    got, log = _capture_once(pair, tmp_path, "rebuilt")
    assert got == PAYLOADS
    assert f"bpf cache: ignored {entry.name}: checksum mismatch" in log and "bpf cache: stored" in log
    assert entry.read_bytes() == data


def test_readme_documents_the_cache():
    readme = (ROOT / "README.md").read_text()
    assert bpf_cache.CACHE_DIR_ENV in readme and bpf_cache.DEFAULT_CACHE_DIR in readme
