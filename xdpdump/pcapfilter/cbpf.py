"""Classic BPF instructions: the opcode constants, decoding/encoding, and tcpdump's ``-d`` text.

``image()`` reproduces libpcap's ``bpf_image()`` character for character, so ``dump()`` prints what
``tcpdump -d`` (``-dd``, ``-ddd``) prints for the same program.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Instruction classes, sizes, modes, operations and sources (include/uapi/linux/filter.h, pcap/bpf.h).
LD, LDX, ST, STX, ALU, JMP, RET, MISC = range(8)
W, H, B = 0x00, 0x08, 0x10
IMM, ABS, IND, MEM, LEN, MSH = 0x00, 0x20, 0x40, 0x60, 0x80, 0xA0
ADD, SUB, MUL, DIV, OR, AND, LSH, RSH, NEG, MOD, XOR = (
    0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xA0,
)
JA, JEQ, JGT, JGE, JSET = 0x00, 0x10, 0x20, 0x30, 0x40
K, X = 0x00, 0x08
RVAL_A = 0x10  # BPF_RET|BPF_A
TAX, TXA = 0x00, 0x80

MEMWORDS = 16
_INSN = struct.Struct("=HBBI")


def bpf_class(code: int) -> int:
    return code & 0x07


def bpf_size(code: int) -> int:
    return code & 0x18


def bpf_mode(code: int) -> int:
    return code & 0xE0


def bpf_op(code: int) -> int:
    return code & 0xF0


def bpf_src(code: int) -> int:
    return code & 0x08


@dataclass(frozen=True)
class Insn:
    """One ``struct bpf_insn``: 16-bit opcode, jump-true and jump-false offsets, 32-bit constant."""

    code: int
    jt: int = 0
    jf: int = 0
    k: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.code <= 0xFFFF and 0 <= self.jt <= 0xFF and 0 <= self.jf <= 0xFF
                and 0 <= self.k <= 0xFFFFFFFF):
            raise ValueError(f"instruction field out of range: {self!r}")


def decode(raw: bytes) -> list[Insn]:
    """Instructions from an array of native-endian ``struct bpf_insn``."""
    if len(raw) % _INSN.size:
        raise ValueError(f"{len(raw)} bytes is not a whole number of {_INSN.size}-byte instructions")
    return [Insn(*fields) for fields in _INSN.iter_unpack(raw)]


def encode(insns: Iterable[Insn]) -> bytes:
    return b"".join(_INSN.pack(i.code, i.jt, i.jf, i.k) for i in insns)


def _signed(k: int) -> int:
    return k - (1 << 32) if k & 0x80000000 else k


# Opcode -> (mnemonic, operand format). The operand formats mirror bpf_image.c; "%d" prints k as a
# C int (signed), "%x" as unsigned hex, "" means no operand.
_IMAGES: dict[int, tuple[str, str]] = {
    RET | K: ("ret", "#{d}"),
    RET | RVAL_A: ("ret", ""),
    LD | W | ABS: ("ld", "[{d}]"),
    LD | H | ABS: ("ldh", "[{d}]"),
    LD | B | ABS: ("ldb", "[{d}]"),
    LD | W | LEN: ("ld", "#pktlen"),
    LD | W | IND: ("ld", "[x + {d}]"),
    LD | H | IND: ("ldh", "[x + {d}]"),
    LD | B | IND: ("ldb", "[x + {d}]"),
    LD | IMM: ("ld", "#0x{x}"),
    LDX | IMM: ("ldx", "#0x{x}"),
    LDX | MSH | B: ("ldxb", "4*([{d}]&0xf)"),
    LD | MEM: ("ld", "M[{d}]"),
    LDX | MEM: ("ldx", "M[{d}]"),
    ST: ("st", "M[{d}]"),
    STX: ("stx", "M[{d}]"),
    JMP | JA: ("ja", "{ja}"),
    JMP | JGT | K: ("jgt", "#0x{x}"),
    JMP | JGE | K: ("jge", "#0x{x}"),
    JMP | JEQ | K: ("jeq", "#0x{x}"),
    JMP | JSET | K: ("jset", "#0x{x}"),
    JMP | JGT | X: ("jgt", "x"),
    JMP | JGE | X: ("jge", "x"),
    JMP | JEQ | X: ("jeq", "x"),
    JMP | JSET | X: ("jset", "x"),
    ALU | ADD | X: ("add", "x"),
    ALU | SUB | X: ("sub", "x"),
    ALU | MUL | X: ("mul", "x"),
    ALU | DIV | X: ("div", "x"),
    ALU | MOD | X: ("mod", "x"),
    ALU | AND | X: ("and", "x"),
    ALU | OR | X: ("or", "x"),
    ALU | XOR | X: ("xor", "x"),
    ALU | LSH | X: ("lsh", "x"),
    ALU | RSH | X: ("rsh", "x"),
    ALU | ADD | K: ("add", "#{d}"),
    ALU | SUB | K: ("sub", "#{d}"),
    ALU | MUL | K: ("mul", "#{d}"),
    ALU | DIV | K: ("div", "#{d}"),
    ALU | MOD | K: ("mod", "#{d}"),
    ALU | AND | K: ("and", "#0x{x}"),
    ALU | OR | K: ("or", "#0x{x}"),
    ALU | XOR | K: ("xor", "#0x{x}"),
    ALU | LSH | K: ("lsh", "#{d}"),
    ALU | RSH | K: ("rsh", "#{d}"),
    ALU | NEG: ("neg", ""),
    MISC | TAX: ("tax", ""),
    MISC | TXA: ("txa", ""),
}


# Linux ancillary loads (SKF_AD_OFF + n), which libpcap's bpf_image names instead of printing [k].
_SKF_AD_OFF = 0xFFFFF000
_ANCILLARY = dict(enumerate(
    ("proto", "type", "ifidx", "nla", "nlan", "mark", "queue", "hatype", "rxhash", "cpu", "xor_x",
     "vlan_tci", "vlanp", "poff", "random", "vlan_tpid")))


def image(insn: Insn, n: int) -> str:
    """libpcap's ``bpf_image(insn, n)``: one line of ``tcpdump -d``."""
    mnemonic, fmt = _IMAGES.get(insn.code, ("unimp", f"0x{insn.code:x}"))
    if insn.code not in _IMAGES:
        operand = fmt
    elif (bpf_class(insn.code) == LD and bpf_mode(insn.code) == ABS
          and (insn.k - _SKF_AD_OFF) % 4 == 0 and (insn.k - _SKF_AD_OFF) // 4 in _ANCILLARY):
        operand = f"[{_ANCILLARY[(insn.k - _SKF_AD_OFF) // 4]}]"
    else:
        # bpf_image computes the ja target in unsigned int and prints it with %d.
        operand = fmt.format(d=_signed(insn.k), x=f"{insn.k:x}",
                             ja=_signed((n + 1 + insn.k) & 0xFFFFFFFF))
    if bpf_class(insn.code) == JMP and bpf_op(insn.code) != JA:
        return f"({n:03d}) {mnemonic:<8} {operand:<16} jt {n + 1 + insn.jt}\tjf {n + 1 + insn.jf}"
    return f"({n:03d}) {mnemonic:<8} {operand}"


def dump(insns: Sequence[Insn], level: int = 1) -> str:
    """The text of ``tcpdump -d`` (level 1), ``-dd`` (2, C array) or ``-ddd`` (3, decimal)."""
    if level >= 3:
        lines = [str(len(insns))] + [f"{i.code} {i.jt} {i.jf} {i.k}" for i in insns]
    elif level == 2:
        lines = [f"{{ 0x{i.code:x}, {i.jt}, {i.jf}, 0x{i.k:08x} }}," for i in insns]
    else:
        lines = [image(insn, n) for n, insn in enumerate(insns)]
    return "".join(line + "\n" for line in lines)


# Every opcode libpcap's bpf_filter() interprets; anything else makes it abort().
OPCODES = frozenset(
    {RET | K, RET | RVAL_A, LD | IMM, LDX | IMM, LD | MEM, LDX | MEM, ST, STX, LD | W | LEN,
     LDX | W | LEN, LDX | MSH | B, MISC | TAX, MISC | TXA, ALU | NEG}
    | {LD | size | mode for size in (W, H, B) for mode in (ABS, IND)}
    | {ALU | op | src for op in (ADD, SUB, MUL, DIV, MOD, AND, OR, XOR, LSH, RSH) for src in (K, X)}
    | {JMP | JA} | {JMP | op | src for op in (JEQ, JGT, JGE, JSET) for src in (K, X)})


class InvalidProgram(ValueError):
    """A classic BPF program the kernel's checker would refuse (and libpcap would misbehave on)."""


def validate(insns: Sequence[Insn]) -> None:
    """The kernel's ``bpf_check_classic`` rules that matter for translation.

    libpcap never emits such programs, but hand-written ones can: division by a constant 0 and
    unknown opcodes make ``bpf_filter`` crash, a shift by 32 or more is undefined C there.
    """
    if not insns:
        raise InvalidProgram("empty program")
    for n, insn in enumerate(insns):
        where = f"instruction {n} ({image(insn, n)})"
        code, k = insn.code, insn.k
        if code not in OPCODES:
            raise InvalidProgram(f"{where}: unknown opcode 0x{code:x}")
        if code in (LD | MEM, LDX | MEM, ST, STX) and k >= MEMWORDS:
            raise InvalidProgram(f"{where}: scratch memory index out of range")
        if code in (ALU | DIV | K, ALU | MOD | K) and k == 0:
            raise InvalidProgram(f"{where}: division by constant zero")
        if code in (ALU | LSH | K, ALU | RSH | K) and k >= 32:
            raise InvalidProgram(f"{where}: shift by 32 or more")
        if code == JMP | JA and k & 0x80000000:
            # libpcap's bpf_filter() sign-extends ja's offset: "ip6 protochain" loops backwards.
            raise InvalidProgram(f"{where}: backward jump (a loop, as libpcap emits for 'protochain')")
        if bpf_class(code) == JMP:
            targets = [n + 1 + k] if bpf_op(code) == JA else [n + 1 + insn.jt, n + 1 + insn.jf]
            if any(t >= len(insns) for t in targets):
                raise InvalidProgram(f"{where}: jump out of the program")
    if bpf_class(insns[-1].code) != RET:
        raise InvalidProgram("the last instruction is not a return")
