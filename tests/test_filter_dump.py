"""``-d`` output, libpcap's error text and the verifier explanation, checked against the real things."""

from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess

import pytest

from xdpdump.errors import UserError
from xdpdump.pcapfilter import cbpf, compile_pcap_filter, libpcap, load_func_explained, verifier_reason
from xdpdump.pcapfilter.cbpf import Insn

DUMP_EXPRESSIONS = ["ip", "tcp port 80", "vlan 10 and udp", "ip6 and tcp port 80 or arp",
                    "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", "len - 14 > ip[2:2] * 2",
                    "ip6 protochain 6", "ether multicast and not ip6", "icmp[icmptype] = icmp-echo"]


@pytest.fixture(scope="module")
def empty_pcap(tmp_path_factory):
    """A pcap with no packets, Ethernet link type, snaplen 262144: what ``tcpdump -d -r`` needs."""
    path = tmp_path_factory.mktemp("pcap") / "empty.pcap"
    path.write_bytes(struct.pack("=IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    return path


@pytest.mark.skipif(shutil.which("tcpdump") is None, reason="tcpdump not installed")
@pytest.mark.parametrize("expression", DUMP_EXPRESSIONS)
@pytest.mark.parametrize("level", [1, 2, 3])
def test_dump_equals_tcpdump(empty_pcap, expression, level):
    flag = "-" + "d" * level
    real = subprocess.run(["tcpdump", flag, "-r", str(empty_pcap), expression], capture_output=True,
                          text=True, timeout=30, check=True).stdout
    assert compile_pcap_filter(expression).dump(level) == real


def test_image_equals_libpcap_bpf_image():
    """Every opcode (known or not) and edge constants: character for character."""
    rnd = random.Random(3)
    codes = sorted(cbpf.OPCODES) + [rnd.randrange(0x10000) for _ in range(200)]
    ks = [0, 1, 31, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFF000, 0xFFFFF000 + 48, 0xFFFFF03C]
    for code in codes:
        for k in [*ks, rnd.randrange(1 << 32)]:
            insn, n = Insn(code, rnd.randrange(256), rnd.randrange(256), k), rnd.randrange(1500)
            assert cbpf.image(insn, n) == libpcap.bpf_image(insn, n)


def test_decode_encode_round_trip():
    insns = compile_pcap_filter("tcp port 80").instructions
    assert cbpf.decode(cbpf.encode(insns)) == list(insns)
    with pytest.raises(ValueError):
        cbpf.decode(b"\x00" * 7)


@pytest.mark.parametrize(("expression", "message"), [
    ("tcp port", "can't parse filter expression: syntax error"),
    ("ip broadcast", "netmask not known, so 'ip broadcast' not supported"),
    ("port 99999", "illegal port number 99999 > 65535"),
    ("ip[0] / 0 = 1", "division by zero"),
])
def test_syntax_errors_carry_libpcaps_text(expression, message):
    with pytest.raises(UserError) as info:
        compile_pcap_filter(expression)
    assert str(info.value) == message
    assert info.value.status == 1


def test_protochain_compiles_but_cannot_go_in_the_kernel():
    """libpcap loops backwards for protochain: fine offline (-r), refused for the XDP program."""
    f = compile_pcap_filter("ip6 protochain 6")
    assert f.matches(bytes(60)) == 0
    with pytest.raises(UserError, match="backward jump"):
        f.c_source()


def test_matches_uses_wire_length():
    f = compile_pcap_filter("greater 100")
    assert f.matches(bytes(60), wirelen=150) == 262144
    assert f.matches(bytes(60)) == 0


SAMPLE_LOG = """\
bpf: Failed to load program: Permission denied
0: R1=ctx() R10=fp0
; unsigned char *d = (void*)(long)ctx->data; return d[20]; } @ main.c:14
0: (61) r1 = *(u32 *)(r1 +0)          ; R1=pkt(r=0)
1: (71) r0 = *(u8 *)(r1 +20)
invalid access to packet, off=20 size=1, R1(id=0,off=20,r=0)
R1 offset is outside of the packet
processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
"""


def test_verifier_reason_keeps_the_verdict_only():
    reason = verifier_reason(SAMPLE_LOG)
    assert reason == ("invalid access to packet, off=20 size=1, R1(id=0,off=20,r=0); "
                      "R1 offset is outside of the packet.")
    too_big = "123: (bf) r1 = r2\nBPF program is too large. Processed 1000001 insn\nprocessed 1000001 insns"
    assert verifier_reason(too_big) == "BPF program is too large. Processed 1000001 insn."
    assert "\n" not in verifier_reason(SAMPLE_LOG * 3)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to load BPF programs")
def test_rejected_program_is_explained_in_one_paragraph():
    from bcc import BPF

    module = BPF(text=b"#include <uapi/linux/bpf.h>\n"
                      b"int bad(struct xdp_md *ctx) { unsigned char *d = (void *)(long)ctx->data;"
                      b" return d[20]; }\n"
                      b"int good(struct xdp_md *ctx) { return XDP_PASS; }\n")
    try:
        with pytest.raises(UserError) as info:
            load_func_explained(module, b"bad", BPF.XDP)
        message = str(info.value)
        assert message.startswith("the kernel verifier rejected the filter: ")
        assert "outside of the packet" in message and "\n" not in message
        assert load_func_explained(module, b"good", BPF.XDP).fd >= 0
    finally:
        module.cleanup()
