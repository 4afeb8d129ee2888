"""Translate a classic BPF program into a restricted-C function the eBPF verifier accepts.

The output defines ``static __always_inline unsigned int NAME(void *data, void *data_end)`` returning
what the classic program returns (the snap length, 0 for no match), with libpcap's ``bpf_filter()``
semantics. Classic BPF only jumps forward, so the program becomes straight-line C: one label per
jump target and ``goto``s, which clang turns into a loop-free eBPF DAG.

Verifier notes (the reasons for the shapes below):
- Packet reads compare a pointer derived from ``data`` with ``data_end`` before the read; that is the
  only comparison the verifier turns into a safe range.
- An offset from X (``ld [x + k]``) is a scalar the verifier knows nothing about. It is range-checked
  (> 0xffff means out of any XDP frame, so "no match"), hidden from clang by an empty asm so the
  following ``& 0xffff`` is not optimised away, and masked: the mask is what gives the verifier a
  bounded offset to add to the packet pointer.
- ``len`` is ``data_end - data``; subtracting packet pointers needs a privileged loader (we are one).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdpdump.pcapfilter import cbpf
from xdpdump.pcapfilter.cbpf import Insn

# Largest offset into the linear part of an XDP frame; a read beyond it can never be in bounds.
MAX_PACKET_OFF = 0xFFFF

_PRELUDE = """\
#include <linux/types.h>
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
"""

_ALU_OPS = {cbpf.ADD: "+", cbpf.SUB: "-", cbpf.MUL: "*", cbpf.DIV: "/", cbpf.MOD: "%",
            cbpf.AND: "&", cbpf.OR: "|", cbpf.XOR: "^", cbpf.LSH: "<<", cbpf.RSH: ">>"}
_JMP_OPS = {cbpf.JEQ: "==", cbpf.JGT: ">", cbpf.JGE: ">="}
_SIZES = {cbpf.W: 4, cbpf.H: 2, cbpf.B: 1}


def _be_load(ptr: str, offset: int, size: int) -> str:
    """A big-endian read of ``size`` bytes at ``ptr[offset]``, byte by byte (no alignment assumed)."""
    parts = [f"(__u32){ptr}[{offset + i}] << {8 * (size - 1 - i)}" for i in range(size - 1)]
    parts.append(f"{ptr}[{offset + size - 1}]")
    return " | ".join(parts)


# What a comment's text keeps as itself: printable ASCII but '*' (with it gone nothing can close the
# comment, whatever line splice, `\` or trigraph `??/`, comes between it and a '/'), and '%', '\\'
# and '?', so the text reads back unambiguously. Anything else (newlines too) becomes %XX, its bytes.
_COMMENT_SAFE = frozenset(chr(c) for c in range(0x20, 0x7F)) - set("*%\\?")


def _comment(text: str) -> str:
    """``text`` (the user's filter expression among it) as one C comment that nothing in it can end."""
    safe = "".join(c if c in _COMMENT_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogateescape"))
                   for c in text)
    return "/* " + safe + " */"


def _label(n: int) -> str:
    return f"insn_{n}"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.gotos: set[int] = set()

    def emit(self, line: str, indent: int = 1) -> None:
        self.lines.append("\t" * indent + line if line else "")

    def goto(self, target: int) -> str:
        self.gotos.add(target)
        return f"goto {_label(target)};"

    def load(self, insn: Insn) -> None:
        """ld/ldh/ldb abs or ind, and ldxb msh."""
        mode = cbpf.bpf_mode(insn.code)
        size = 1 if mode == cbpf.MSH else _SIZES[cbpf.bpf_size(insn.code)]
        reg = "X" if mode == cbpf.MSH else "A"
        if mode in (cbpf.ABS, cbpf.MSH):
            if insn.k + size > MAX_PACKET_OFF + 1:
                self.emit("return 0;")
                return
            self.emit(f"if (pkt + {insn.k + size} > end)")
            self.emit("return 0;", 2)
            ptr, base = "pkt", insn.k
        else:
            self.emit(f"off = (__u64)X + {insn.k}u;")
            self.emit(f"if (off > {MAX_PACKET_OFF})")
            self.emit("return 0;", 2)
            self.emit('asm volatile("" : "+r"(off));')
            self.emit(f"p = pkt + (off & {MAX_PACKET_OFF});")
            self.emit(f"if (p + {size} > end)")
            self.emit("return 0;", 2)
            ptr, base = "p", 0
        if mode == cbpf.MSH:
            self.emit(f"X = ({ptr}[{base}] & 0xf) << 2;")
        else:
            self.emit(f"{reg} = {_be_load(ptr, base, size)};")

    def alu(self, insn: Insn) -> None:
        op = cbpf.bpf_op(insn.code)
        if op == cbpf.NEG:
            self.emit("A = 0u - A;")
            return
        sym = _ALU_OPS[op]
        if cbpf.bpf_src(insn.code) == cbpf.K:
            self.emit(f"A = A {sym} 0x{insn.k:x}u;")
        elif op in (cbpf.DIV, cbpf.MOD):
            # As libpcap and the kernel's classic BPF: X == 0 ends the program with 0.
            self.emit("if (X == 0)")
            self.emit("return 0;", 2)
            self.emit(f"A = A {sym} X;")
        elif op in (cbpf.LSH, cbpf.RSH):
            # libpcap gives 0 for a shift by 32 or more; C leaves it undefined.
            self.emit(f"A = X < 32 ? A {sym} X : 0;")
        else:
            self.emit(f"A = A {sym} X;")

    def jump(self, n: int, insn: Insn) -> None:
        op = cbpf.bpf_op(insn.code)
        if op == cbpf.JA or insn.jt == insn.jf:
            target = n + 1 + (insn.k if op == cbpf.JA else insn.jt)
            if target != n + 1:
                self.emit(self.goto(target))
            return
        t, f = n + 1 + insn.jt, n + 1 + insn.jf
        operand = "X" if cbpf.bpf_src(insn.code) == cbpf.X else f"0x{insn.k:x}u"
        cond = f"A & {operand}" if op == cbpf.JSET else f"A {_JMP_OPS[op]} {operand}"
        if f == n + 1:
            self.emit(f"if ({cond})")
            self.emit(self.goto(t), 2)
        elif t == n + 1:
            self.emit(f"if (!({cond}))")
            self.emit(self.goto(f), 2)
        else:
            self.emit(f"if ({cond})")
            self.emit(self.goto(t), 2)
            self.emit(self.goto(f))

    def insn(self, n: int, insn: Insn) -> None:
        code, k = insn.code, insn.k
        cls = cbpf.bpf_class(code)
        if cls == cbpf.RET:
            self.emit(f"return 0x{k:x}u;" if code == cbpf.RET | cbpf.K else "return A;")
        elif code in (cbpf.LD | cbpf.IMM, cbpf.LDX | cbpf.IMM):
            self.emit(f"{'A' if cls == cbpf.LD else 'X'} = 0x{k:x}u;")
        elif code in (cbpf.LD | cbpf.W | cbpf.LEN, cbpf.LDX | cbpf.W | cbpf.LEN):
            self.emit(f"{'A' if cls == cbpf.LD else 'X'} = (__u32)(end - pkt);")
        elif code in (cbpf.LD | cbpf.MEM, cbpf.LDX | cbpf.MEM):
            self.emit(f"{'A' if cls == cbpf.LD else 'X'} = M{k};")
        elif cls in (cbpf.ST, cbpf.STX):
            self.emit(f"M{k} = {'A' if cls == cbpf.ST else 'X'};")
        elif cls in (cbpf.LD, cbpf.LDX):
            self.load(insn)
        elif cls == cbpf.ALU:
            self.alu(insn)
        elif cls == cbpf.JMP:
            self.jump(n, insn)
        elif code == cbpf.MISC | cbpf.TAX:
            self.emit("X = A;")
        else:
            self.emit("A = X;")


def translate(insns: Sequence[Insn], name: str = "xdpd_filter", title: str | None = None,
              prelude: bool = True) -> str:
    """C source of ``name(data, data_end)`` for a classic BPF program (``cbpf.validate``d first)."""
    cbpf.validate(insns)
    if not name.isidentifier():
        raise ValueError(f"not a C identifier: {name!r}")
    mem = sorted({i.k for i in insns if i.code in (cbpf.LD | cbpf.MEM, cbpf.LDX | cbpf.MEM,
                                                   cbpf.ST, cbpf.STX)})
    uses_ind = any(cbpf.bpf_class(i.code) == cbpf.LD and cbpf.bpf_mode(i.code) == cbpf.IND
                   for i in insns)
    body = _Writer()
    blocks = []
    for n, insn in enumerate(insns):
        body.lines = []
        body.emit(_comment(cbpf.image(insn, n)))
        body.insn(n, insn)
        blocks.append(body.lines)
    w = _Writer()
    if prelude:
        w.lines.append(_PRELUDE)
    header = f"Generated by xdpdump from {len(insns)} classic BPF instructions"
    w.emit(_comment(f"{header}: {title}" if title is not None else header), 0)
    w.emit(f"static __always_inline unsigned int {name}(void *data, void *data_end)", 0)
    w.emit("{", 0)
    w.emit("const __u8 *pkt = data;")
    w.emit("const __u8 *end = data_end;")
    w.emit("__u32 A = 0, X = 0;")
    if mem:
        # Zeroed because the verifier refuses reads of uninitialised stack.
        w.emit("__u32 " + ", ".join(f"M{k} = 0" for k in mem) + ";")
    if uses_ind:
        w.emit("__u64 off;")
        w.emit("const __u8 *p;")
    w.emit("")
    for n, block in enumerate(blocks):
        if n in body.gotos:
            w.emit(f"{_label(n)}:", 0)
        w.lines.extend(block)
    w.emit("}", 0)
    return "\n".join(w.lines) + "\n"
