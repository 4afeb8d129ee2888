"""Compile a :class:`Policy` into a classic-BPF seccomp program for one architecture.

The program reads ``struct seccomp_data`` (``int nr; __u32 arch; __u64 ip; __u64 args[6]``, all
native-endian; both supported architectures are little-endian, so the low half of ``args[i]`` is at
``16 + 8*i`` and the high half at ``20 + 8*i``). Its shape:

1. ``arch`` must be this architecture's AUDIT_ARCH, else kill: a filter for x86_64 must not judge
   i386 numbers, which mean different syscalls.
2. On x86_64, numbers with the x32 bit set are killed: x32 shares AUDIT_ARCH_X86_64 and would otherwise
   reach syscalls by an alias number the dispatch does not know.
3. Dispatch: one ``jeq nr`` per rule; unconditional rules jump straight to ``ret ALLOW``.
4. Each conditional rule evaluates its expression with short-circuit jumps to ALLOW or KILL.
5. Anything else: ``SECCOMP_RET_KILL_PROCESS``.

Comparisons are unsigned. An ``int`` argument is compared on its low 32 bits only (the kernel truncates
it). A ``long`` argument is compared on **both** halves: equality needs both to match, and ordered
comparisons decide on the high half first and look at the low half only when the high halves are equal.

Conditional jumps reach at most 255 instructions ahead; the assembler replaces a longer one with a jump
to an unconditional ``ja`` trampoline placed right after it (``ja`` has a 32-bit offset).

Parameters are placeholders: an instruction's ``k`` names a parameter and gets its value when the filter
is instantiated (:func:`instantiate` here, ``populate_sock_filter_policy_NAME`` in the C header).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from itertools import count

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import ARCHES
from xdpdump.sandbox.policy import And, Compare, Expr, Not, Or, Policy
from xdpdump.sandbox.signatures import INT

# classic BPF opcodes (linux/bpf_common.h)
BPF_LD, BPF_W, BPF_ABS = 0x00, 0x00, 0x20
BPF_JMP, BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET = 0x05, 0x00, 0x10, 0x20, 0x30, 0x40
BPF_RET, BPF_K = 0x06, 0x00
LD_ABS_W = BPF_LD | BPF_W | BPF_ABS
JA = BPF_JMP | BPF_JA
JEQ = BPF_JMP | BPF_JEQ | BPF_K
JGT = BPF_JMP | BPF_JGT | BPF_K
JGE = BPF_JMP | BPF_JGE | BPF_K
RET_K = BPF_RET | BPF_K

SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ALLOW = 0x7FFF0000
BPF_MAXINSNS = 4096

OFFSET_NR, OFFSET_ARCH = 0, 4
_SYMBOLS = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


def arg_offset(index: int, high: bool) -> int:
    return 16 + 8 * index + (4 if high else 0)


@dataclass(frozen=True)
class Insn:
    """One ``struct sock_filter``; ``param`` names the parameter that supplies ``k`` at instantiation."""

    code: int
    jt: int
    jf: int
    k: int
    param: str | None = None
    note: str = ""   # for the disassembly and the C header comments


@dataclass(frozen=True)
class SeccompProgram:
    policy: str
    arch: str
    params: tuple[str, ...]
    insns: tuple[Insn, ...]

    @property
    def instr_cnt(self) -> int:
        return len(self.insns)


# --- assembler: symbolic jumps, resolved (with trampolines) into Insn offsets -----------------------

@dataclass
class _Label:
    name: str


@dataclass
class _Op:
    code: int
    k: int = 0
    param: str | None = None
    jt: str | None = None   # label names, for conditional jumps and ja (jt)
    jf: str | None = None
    note: str = ""


def _assemble(items: list[_Label | _Op]) -> list[Insn]:
    ids = count()
    while True:
        where: dict[str, int] = {}
        index = 0
        for item in items:
            if isinstance(item, _Label):
                where[item.name] = index
            else:
                index += 1
        fixed: list[_Label | _Op] = []
        changed = False
        index = 0
        for item in items:
            fixed.append(item)
            if isinstance(item, _Label):
                continue
            if item.code & 0x07 == BPF_JMP and item.code != JA:
                trampolines = []
                for side in ("jt", "jf"):
                    target = getattr(item, side)
                    if where[target] - index - 1 > 255:
                        near = f"{target}~trampoline{next(ids)}"
                        setattr(item, side, near)
                        trampolines += [_Label(near), _Op(JA, jt=target, note="trampoline")]
                if trampolines:
                    changed = True
                    fixed.extend(trampolines)
            index += 1
        items = fixed
        if not changed:
            break
    out: list[Insn] = []
    for item in items:
        if isinstance(item, _Label):
            continue
        i = len(out)
        if item.code == JA:
            out.append(Insn(JA, 0, 0, where[item.jt] - i - 1, note=item.note))
        elif item.code & 0x07 == BPF_JMP:
            jt, jf = where[item.jt] - i - 1, where[item.jf] - i - 1
            assert 0 <= jt <= 255 and 0 <= jf <= 255, "backward or unresolved jump"
            out.append(Insn(item.code, jt, jf, item.k, item.param, item.note))
        else:
            out.append(Insn(item.code, 0, 0, item.k, item.param, item.note))
    return out


class _Emitter:
    """Emits symbolic code and skips a load when the accumulator already holds that word.

    All jumps go forward, so when a label is placed every way into it is known: the accumulator's
    content there is known if every incoming jump (and the fall-through) agrees on it.
    """

    def __init__(self) -> None:
        self.items: list[_Label | _Op] = []
        self._ids = count()
        self.acc: int | None = None   # seccomp_data offset held in A, if known
        self.incoming: dict[str, list[int | None]] = {}
        self.falls_through = True

    def label(self, hint: str = "L") -> str:
        return f"{hint}{next(self._ids)}"

    def place(self, name: str) -> None:
        states = self.incoming.pop(name, [])
        if self.falls_through:
            states.append(self.acc)
        self.acc = states[0] if states and all(s == states[0] for s in states) else None
        self.falls_through = True
        self.items.append(_Label(name))

    def load(self, offset: int, note: str) -> None:
        if self.acc == offset:
            return
        self.items.append(_Op(LD_ABS_W, k=offset, note=note))
        self.acc = offset

    def jump(self, code: int, k: int, jt: str, jf: str, param: str | None = None, note: str = "") -> None:
        self.items.append(_Op(code, k=k, param=param, jt=jt, jf=jf, note=note))
        for target in (jt, jf):
            self.incoming.setdefault(target, []).append(self.acc)
        self.falls_through = False

    def ret(self, value: int, note: str) -> None:
        self.items.append(_Op(RET_K, k=value, note=note))
        self.falls_through = False

    # --- expressions ---------------------------------------------------------------------------

    def expr(self, expr: Expr, arch: str, yes: str, no: str) -> None:
        if isinstance(expr, Not):
            self.expr(expr.item, arch, no, yes)
        elif isinstance(expr, And | Or):
            for item in expr.items[:-1]:
                nxt = self.label()
                if isinstance(expr, And):
                    self.expr(item, arch, nxt, no)
                else:
                    self.expr(item, arch, yes, nxt)
                self.place(nxt)
            self.expr(expr.items[-1], arch, yes, no)
        else:
            self.compare(expr, arch, yes, no)

    def compare(self, cmp: Compare, arch: str, yes: str, no: str) -> None:
        # lt/le/ne are the negations of ge/gt/eq: same code, targets swapped
        op, yes_, no_ = {"eq": ("eq", yes, no), "ne": ("eq", no, yes), "gt": ("gt", yes, no),
                         "ge": ("ge", yes, no), "lt": ("ge", no, yes), "le": ("gt", no, yes)}[cmp.op]
        last = {"eq": JEQ, "gt": JGT, "ge": JGE}[op]
        param = cmp.value.param
        value = 0 if param is not None else cmp.value.resolve(arch, cmp.width)
        low, high = value & 0xFFFFFFFF, value >> 32
        what = f"args[{cmp.arg}]"
        source = f"(arg {cmp.arg}) {_SYMBOLS[cmp.op]} {cmp.value.text}"
        if cmp.width == INT:
            self.load(arg_offset(cmp.arg, False), f"{what} (int)")
            self.jump(last, low, yes_, no_, param, source)
            return
        # long: the high half decides unless equal; parameters are uint, so their high half is 0
        self.load(arg_offset(cmp.arg, True), f"{what} high")
        check_low = self.label()
        if op == "eq":
            self.jump(JEQ, high, check_low, no_, note=f"{source}: high half")
        else:
            high_equal = self.label()
            self.jump(JGT, high, yes_, high_equal, note=f"{source}: high half")
            self.place(high_equal)
            self.jump(JEQ, high, check_low, no_, note=f"{source}: high half")
        self.place(check_low)
        self.load(arg_offset(cmp.arg, False), f"{what} low")
        self.jump(last, low, yes_, no_, param, f"{source}: low half")


def compile_policy(policy: Policy, arch: str) -> SeccompProgram:
    """Compile ``policy`` for ``arch`` ("x86_64" or "aarch64") into a filter with placeholders."""
    info = ARCHES[arch]
    em = _Emitter()
    allow, kill = "ALLOW", "KILL"
    arch_ok = em.label()
    em.load(OFFSET_ARCH, "arch")
    em.jump(JEQ, info.audit_arch, arch_ok, kill, note=f"AUDIT_ARCH_{arch.upper()}")
    em.place(arch_ok)
    em.load(OFFSET_NR, "nr")
    if info.x32_bit:
        dispatch = em.label()
        em.jump(JGE, info.x32_bit, kill, dispatch, note="x32 syscall bit")
        em.place(dispatch)
    bodies = []
    for rule in policy.rules_for(arch):
        nr = info.numbers[rule.syscall]
        nxt = em.label()
        if rule.expr is None:
            em.jump(JEQ, nr, allow, nxt, note=rule.syscall)
        else:
            body = em.label(f"{rule.syscall}_")
            em.jump(JEQ, nr, body, nxt, note=rule.syscall)
            bodies.append((body, rule))
        em.place(nxt)
    em.ret(SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS: syscall not in the policy")
    for body, rule in bodies:
        em.place(body)
        em.expr(rule.expr, arch, allow, kill)
    em.place(allow)
    em.ret(SECCOMP_RET_ALLOW, "ALLOW")
    em.place(kill)
    em.ret(SECCOMP_RET_KILL_PROCESS, "KILL_PROCESS")
    insns = _assemble(em.items)
    if len(insns) > BPF_MAXINSNS:
        raise UserError(f"{policy.path}: policy compiles to {len(insns)} instructions for {arch}, "
                        f"more than the kernel's limit of {BPF_MAXINSNS}")
    return SeccompProgram(policy.name, arch, policy.params, tuple(insns))


def instantiate(compiled: SeccompProgram, **params: int) -> bytes:
    """The filter as ``struct sock_filter`` bytes, with every parameter given a uint value."""
    missing = [name for name in compiled.params if name not in params]
    extra = [name for name in params if name not in compiled.params]
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if extra:
            problems.append(f"unknown {', '.join(extra)}")
        raise UserError(f"policy {compiled.policy} parameters: {'; '.join(problems)} "
                        f"(expected {', '.join(compiled.params) or 'none'})")
    for name, value in params.items():
        if not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
            raise UserError(f"policy {compiled.policy} parameter {name}={value!r}: "
                            "expected a uint (0..2**32-1)")
    out = bytearray()
    for insn in compiled.insns:
        k = params[insn.param] if insn.param is not None else insn.k
        out += struct.pack("=HBBI", insn.code, insn.jt, insn.jf, k)
    return bytes(out)
