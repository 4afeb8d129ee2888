"""The translator on hand-written and random classic BPF programs: kernel = interpreter = libpcap.

Hand-written programs reach instructions and edges libpcap rarely emits (division by X == 0,
scratch memory, msh, indirect loads with a huge X, shifts by 32 or more, every jump with X). Each is
translated, built by bcc, verified and run by the kernel; its value must equal the pure-Python
interpreter's and ``pcap_offline_filter``'s on every frame.
"""

from __future__ import annotations

import os
import random

import pytest
from bpf_testrun import ETH_HLEN, run_lwt, run_xdp

from xdpdump.pcapfilter import cbpf, compile_pcap_filter, interp, libpcap, to_c
from xdpdump.pcapfilter.cbpf import (
    ABS,
    ADD,
    ALU,
    AND,
    DIV,
    IMM,
    IND,
    JA,
    JEQ,
    JGE,
    JGT,
    JMP,
    JSET,
    LD,
    LDX,
    LEN,
    LSH,
    MEM,
    MISC,
    MOD,
    MSH,
    MUL,
    NEG,
    OR,
    RET,
    RSH,
    RVAL_A,
    ST,
    STX,
    SUB,
    TAX,
    TXA,
    XOR,
    B,
    H,
    Insn,
    InvalidProgram,
    K,
    W,
    X,
)

root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to load BPF programs")


def s(code: int, k: int = 0) -> Insn:
    return Insn(code, 0, 0, k & 0xFFFFFFFF)


def j(code: int, k: int, jt: int, jf: int) -> Insn:
    return Insn(code, jt, jf, k)


HAND = {
    "div_by_x_zero": [s(LD | IMM, 7), s(LDX | IMM, 0), s(ALU | DIV | X), s(RET | K, 99)],
    "div_by_x_from_packet": [s(LDX | MSH | B, 0), s(LD | H | ABS, 2), s(ALU | DIV | X),
                             s(ALU | MOD | K, 1000), s(RET | RVAL_A)],
    "mod_by_x": [s(LD | W | ABS, 0), s(LDX | MSH | B, 4), s(ALU | MOD | X), s(ALU | ADD | K, 1),
                 s(RET | RVAL_A)],
    "scratch_memory": [s(LD | H | ABS, 0), s(ST, 0), s(LD | H | ABS, 2), s(ST, 15), s(LDX | MEM, 0),
                       s(LD | MEM, 15), s(ALU | SUB | X), s(STX, 7), s(LD | MEM, 7), s(TAX | MISC),
                       s(ALU | XOR | X), s(ALU | OR | K, 1), s(RET | RVAL_A)],
    "msh_and_ind": [s(LDX | MSH | B, 14), s(LD | W | IND, 14), s(ALU | AND | K, 0xFFFF0000),
                    s(ALU | RSH | K, 16), s(RET | RVAL_A)],
    "ind_huge_x": [s(LDX | IMM, 0xFFFFFFFF), s(LD | B | IND, 2), s(RET | K, 5)],
    "ind_x_plus_k_past_64k": [s(LDX | IMM, 0xFFF0), s(LD | B | IND, 0x20), s(RET | K, 5)],
    "abs_far": [s(LD | W | ABS, 0x10000), s(RET | K, 5)],
    "ind_from_packet": [s(LD | B | ABS, 0), s(TAX | MISC), s(LD | H | IND, 1), s(RET | RVAL_A)],
    "shifts_by_x": [s(LD | B | ABS, 1), s(TAX | MISC), s(LD | W | ABS, 2), s(ALU | LSH | X),
                    s(ST, 1), s(LD | W | ABS, 2), s(ALU | RSH | X), s(LDX | MEM, 1),
                    s(ALU | ADD | X), s(RET | RVAL_A)],
    "neg_mul": [s(LD | B | ABS, 3), s(ALU | NEG), s(ALU | MUL | K, 0x9E3779B9), s(RET | RVAL_A)],
    "len": [s(LD | W | LEN), s(LDX | W | LEN), s(ALU | ADD | X), s(RET | RVAL_A)],
    "jumps_with_x": [s(LD | B | ABS, 0), s(LDX | MSH | B, 1),
                     j(JMP | JGT | X, 0, 0, 2), s(TXA | MISC), s(RET | K, 1),
                     j(JMP | JGE | X, 0, 1, 0), s(RET | K, 2),
                     j(JMP | JEQ | X, 0, 1, 0), s(RET | K, 3),
                     j(JMP | JSET | X, 0, 0, 1), s(RET | K, 4), s(RET | RVAL_A)],
    "jumps_with_k": [s(LD | H | ABS, 12), j(JMP | JSET | K, 0x8000, 3, 0), j(JMP | JGE | K, 0x600, 0, 3),
                     j(JMP | JGT | K, 0x800, 3, 0), j(JMP | JEQ | K, 0x800, 0, 1), s(RET | K, 10),
                     s(JMP | JA, 1), s(RET | K, 11), s(RET | K, 12)],
    "imm_and_txa": [s(LDX | IMM, 0x12345678), s(TXA | MISC), s(ALU | AND | X), s(ALU | SUB | K, 1),
                    s(RET | RVAL_A)],
}


def _random_program(rnd: random.Random, length: int) -> list[Insn]:
    """A valid random classic BPF program (forward jumps, every instruction kind)."""
    insns: list[Insn] = []
    for n in range(length - 1):
        left = length - 1 - n  # instructions after this one, the last being a ret
        kind = rnd.randrange(9)
        k = rnd.choice([0, 1, 2, 3, 7, 12, 14, 20, 31, 32, 40, 60, 0xFF, 0xFFFF, 0xFFFFFFFF,
                        rnd.randrange(1 << 32)])
        if kind == 0:
            mode = rnd.choice([ABS, IND])
            insns.append(s(LD | rnd.choice([W, H, B]) | mode, rnd.randrange(70)))
        elif kind == 1:
            insns.append(s(LDX | MSH | B, rnd.randrange(70)) if rnd.random() < 0.5
                         else s(rnd.choice([LD, LDX]) | IMM, rnd.choice([k, rnd.randrange(64)])))
        elif kind == 2:
            insns.append(s(rnd.choice([ST, STX, LD | MEM, LDX | MEM]), rnd.randrange(16)))
        elif kind in (3, 4):
            op = rnd.choice([ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH, NEG])
            if op == NEG:
                insns.append(s(ALU | NEG))
            elif rnd.random() < 0.5:
                insns.append(s(ALU | op | X))
            else:
                kk = rnd.randrange(1, 32) if op in (LSH, RSH) else (k or 3)
                insns.append(s(ALU | op | K, kk))
        elif kind == 5:
            insns.append(s(MISC | rnd.choice([TAX, TXA])))
        elif kind == 6:
            insns.append(s(rnd.choice([LD, LDX]) | W | LEN))
        elif kind == 7:
            op = rnd.choice([JEQ, JGT, JGE, JSET])
            insns.append(Insn(JMP | op | rnd.choice([K, X]), rnd.randrange(min(left, 256)),
                              rnd.randrange(min(left, 256)), k))
        elif rnd.random() < 0.3:
            insns.append(s(JMP | JA, rnd.randrange(left)))
        else:
            insns.append(s(RET | RVAL_A) if rnd.random() < 0.5 else s(RET | K, k))
    insns.append(s(RET | RVAL_A))
    # libpcap leaves scratch memory uninitialised (the kernel refuses such reads): store first.
    return [s(ST, m) for m in range(cbpf.MEMWORDS)] + insns


def _frames() -> list[bytes]:
    rnd = random.Random(7)
    frames = [bytes(n) for n in range(20)] + [rnd.randbytes(n) for n in range(80) for _ in range(2)]
    frames += [bytes([0x45, 0, 1, 0] * 20), bytes([0x4F] * 70), bytes(range(64)), bytes(range(255, 0, -1))]
    return frames


FRAMES = _frames()
RANDOM_PROGRAMS = [_random_program(random.Random(seed), random.Random(seed).randrange(2, 40))
                   for seed in range(60)]
PROGRAMS = list(HAND.items()) + [(f"random_{n}", p) for n, p in enumerate(RANDOM_PROGRAMS)]


@pytest.mark.parametrize(("name", "insns"), PROGRAMS, ids=[n for n, _ in PROGRAMS])
def test_interpreter_equals_libpcap(name, insns):
    reference = libpcap.OfflineProgram(insns)
    for frame in FRAMES:
        assert interp.run(insns, frame) == reference.run(frame), (name, frame.hex())


@pytest.fixture(scope="module")
def kernel_programs():
    from bcc import BPF

    parts = ["#include <uapi/linux/bpf.h>"]
    for n, (_, insns) in enumerate(PROGRAMS):
        parts.append(to_c.translate(insns, name=f"f_{n}"))
        parts.append(f"int xdp_{n}(struct xdp_md *c) {{ return f_{n}((void *)(long)c->data, "
                     f"(void *)(long)c->data_end); }}\n"
                     f"int lwt_{n}(struct __sk_buff *c) {{ return f_{n}((void *)(long)c->data, "
                     f"(void *)(long)c->data_end); }}\n")
    module = BPF(text="\n".join(parts).encode())
    yield module
    module.cleanup()


@root
@pytest.mark.parametrize("index", range(len(PROGRAMS)), ids=[n for n, _ in PROGRAMS])
def test_kernel_equals_interpreter_and_libpcap(kernel_programs, index):
    from bcc import BPF

    _, insns = PROGRAMS[index]
    xdp = kernel_programs.load_func(f"xdp_{index}".encode(), BPF.XDP)
    lwt = kernel_programs.load_func(f"lwt_{index}".encode(), BPF.LWT_IN)
    reference = libpcap.OfflineProgram(insns)
    for frame in FRAMES:
        want = interp.run(insns, frame)
        assert reference.run(frame) == want
        assert run_lwt(lwt.fd, frame) == want, frame.hex()
        if len(frame) >= ETH_HLEN:
            assert run_xdp(xdp.fd, frame) == want, frame.hex()


def test_hand_programs_reach_their_edges():
    """The hand-written programs really hit the cases they are named for."""
    assert interp.run(HAND["div_by_x_zero"], bytes(20)) == 0
    assert interp.run(HAND["ind_huge_x"], bytes(20)) == 0
    assert interp.run(HAND["scratch_memory"], bytes([0, 9, 0, 4])) != 0
    assert interp.run(HAND["len"], bytes(21)) == 42
    assert interp.run(HAND["shifts_by_x"], bytes([0, 40, 1, 2, 3, 4])) == 0
    assert interp.run(HAND["shifts_by_x"], bytes([0, 4, 0, 0, 0, 1])) == 16


@root
def test_capture_program_shape():
    """The function inside the real program's shape: XDP_PASS on a match, XDP_DROP otherwise."""
    from bcc import BPF

    f = compile_pcap_filter("udp port 53")
    text = ("#include <uapi/linux/bpf.h>\n" + f.c_source() +
            "int xdp_test(struct xdp_md *ctx) { void *data = (void *)(long)ctx->data;\n"
            "void *data_end = (void *)(long)ctx->data_end;\n"
            "return xdpd_filter(data, data_end) ? XDP_PASS : XDP_DROP; }\n")
    module = BPF(text=text.encode())
    try:
        fd = module.load_func(b"xdp_test", BPF.XDP).fd
        from scapy.layers.inet import IP, UDP
        from scapy.layers.l2 import Ether
        dns = bytes(Ether() / IP(dst="198.18.0.2") / UDP(sport=1000, dport=53))
        other = bytes(Ether() / IP(dst="198.18.0.2") / UDP(sport=1000, dport=54))
        assert run_xdp(fd, dns) == 2  # XDP_PASS
        assert run_xdp(fd, other) == 1  # XDP_DROP
        assert run_xdp(fd, dns[:37]) == 1  # cut inside the destination port: no match
    finally:
        module.cleanup()


@pytest.mark.parametrize(("insns", "reason"), [
    ([], "empty"),
    ([s(ALU | DIV | K, 0), s(RET | RVAL_A)], "division by constant zero"),
    ([s(ALU | MOD | K, 0), s(RET | RVAL_A)], "division by constant zero"),
    ([s(ALU | LSH | K, 32), s(RET | RVAL_A)], "shift by 32"),
    ([s(LD | MEM, 16), s(RET | RVAL_A)], "scratch memory"),
    ([s(0x07 | 0xF0), s(RET | RVAL_A)], "unknown opcode"),
    ([s(JMP | JA, 5), s(RET | RVAL_A)], "jump out"),
    ([Insn(JMP | JEQ, 0, 3, 0), s(RET | RVAL_A)], "jump out"),
    ([s(LD | IMM, 1)], "last instruction"),
    ([s(LD | IMM, 1), s(JMP | JA, 0xFFFFFFFE), s(RET | RVAL_A)], "backward jump"),
])
def test_invalid_programs_are_refused(insns, reason):
    with pytest.raises(InvalidProgram, match=reason):
        to_c.translate(insns)
    with pytest.raises(InvalidProgram, match=reason):
        interp.run(insns, bytes(20))


def test_generated_c_shape():
    source = compile_pcap_filter("tcp port 80").c_source()
    assert "static __always_inline unsigned int xdpd_filter(void *data, void *data_end)" in source
    assert "goto insn_" in source and "if (pkt + 14 > end)" in source
    assert 'asm volatile("" : "+r"(off));' in source  # the ind load after ldxb msh
    # One C comment per classic instruction, with tcpdump -d's text.
    assert source.count("/* (") == len(compile_pcap_filter("tcp port 80").instructions)
    with pytest.raises(ValueError, match="identifier"):
        to_c.translate([s(RET | K, 1)], name="not valid")


def test_opcode_table_is_what_libpcap_interprets():
    """Every opcode the translator accepts is one libpcap's bpf_image knows, but ldx len."""
    for code in cbpf.OPCODES:
        image = libpcap.bpf_image(Insn(code, 0, 0, 1), 0)
        assert ("unimp" in image) == (code == LDX | W | LEN), hex(code)
    assert {LD | W | ABS, LD | H | IND, LD | B | ABS, LDX | MSH | B, LD | MEM, RET | RVAL_A,
            JMP | JA, ALU | NEG} <= cbpf.OPCODES
    assert MSH == 0xA0 and LEN == 0x80 and IND == 0x40 and ABS == 0x20 and MEM == 0x60


HOSTILE_TITLES = ["a */ int leaked;", "a *\\\n/ int leaked;", "a *??/\n/ int leaked;", "a\n*/\\ ??/ %é\t leaked"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_nothing_in_the_expression_can_end_its_c_comment(title):
    """The C preprocessor (trigraphs on, as -std=c99 would have them) removes the whole header comment:
    no `*/`, no `*` + line splice + `/`, no trigraph `??/` splice leaves text outside it."""
    import subprocess

    source = to_c.translate([s(RET | K, 1)], title=title, prelude=False)
    header = source.splitlines()[0]
    assert header.startswith("/* Generated by xdpdump") and header.endswith(" */")
    out = subprocess.run(["cpp", "-P", "-trigraphs", "-w"], input=header + "\nint after;\n", capture_output=True,
                         text=True, check=True, timeout=60).stdout
    assert out.split() == ["int", "after;"], out


def test_an_expression_over_several_lines_compiles_and_reads_back():
    source = compile_pcap_filter("tcp\nand\tport 80").c_source()
    assert "tcp%0Aand%09port 80 */" in source
    with pytest.raises(libpcap.FilterError):
        compile_pcap_filter("len */ 2")  # libpcap's refusal: no C is made from it
