"""A pure-Python classic BPF interpreter with libpcap's ``bpf_filter()`` semantics.

The translator's tests check generated C against it (and both against libpcap) on hand-written
programs; it documents, in one place, what each instruction means at the edges: out-of-bounds reads
return 0 from the program, division by X == 0 returns 0, shifts by X >= 32 give 0.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdpdump.pcapfilter import cbpf
from xdpdump.pcapfilter.cbpf import Insn

_MASK = 0xFFFFFFFF
_SIZES = {cbpf.W: 4, cbpf.H: 2, cbpf.B: 1}


def run(insns: Sequence[Insn], frame: bytes, wirelen: int | None = None) -> int:
    """Return value of ``insns`` on ``frame`` (captured whole; ``wirelen`` defaults to its length)."""
    cbpf.validate(insns)
    wirelen = len(frame) if wirelen is None else wirelen
    a = x = 0
    mem = [0] * cbpf.MEMWORDS
    pc = 0
    while True:
        insn = insns[pc]
        code, k = insn.code, insn.k
        cls = cbpf.bpf_class(code)
        pc += 1
        if cls == cbpf.RET:
            return k if code == cbpf.RET | cbpf.K else a
        if cls in (cbpf.LD, cbpf.LDX):
            mode = cbpf.bpf_mode(code)
            if mode in (cbpf.ABS, cbpf.IND, cbpf.MSH):
                size = 1 if mode == cbpf.MSH else _SIZES[cbpf.bpf_size(code)]
                offset = k + (x if mode == cbpf.IND else 0)
                if offset + size > len(frame):
                    return 0
                value = int.from_bytes(frame[offset:offset + size], "big")
                if mode == cbpf.MSH:
                    x = (value & 0xF) << 2
                else:
                    a = value
                continue
            value = {cbpf.IMM: k, cbpf.LEN: wirelen & _MASK}.get(mode)
            if mode == cbpf.MEM:
                value = mem[k]
            if cls == cbpf.LD:
                a = value
            else:
                x = value
        elif cls == cbpf.ST:
            mem[k] = a
        elif cls == cbpf.STX:
            mem[k] = x
        elif cls == cbpf.MISC:
            if code == cbpf.MISC | cbpf.TAX:
                x = a
            else:
                a = x
        elif cls == cbpf.ALU:
            a = _alu(cbpf.bpf_op(code), a, x if cbpf.bpf_src(code) == cbpf.X else k)
            if a is None:
                return 0
        else:  # JMP
            op = cbpf.bpf_op(code)
            if op == cbpf.JA:
                pc += k
                continue
            operand = x if cbpf.bpf_src(code) == cbpf.X else k
            taken = {cbpf.JEQ: a == operand, cbpf.JGT: a > operand, cbpf.JGE: a >= operand,
                     cbpf.JSET: bool(a & operand)}[op]
            pc += insn.jt if taken else insn.jf


def _alu(op: int, a: int, v: int) -> int | None:
    """New accumulator, or None when the program returns 0 (division by zero)."""
    if op in (cbpf.DIV, cbpf.MOD):
        if v == 0:
            return None
        return a // v if op == cbpf.DIV else a % v
    if op in (cbpf.LSH, cbpf.RSH):
        if v >= 32:
            return 0
        return (a << v) & _MASK if op == cbpf.LSH else a >> v
    return {cbpf.ADD: a + v, cbpf.SUB: a - v, cbpf.MUL: a * v, cbpf.AND: a & v, cbpf.OR: a | v,
            cbpf.XOR: a ^ v, cbpf.NEG: -a}[op] & _MASK
