"""A readable listing of a compiled filter, for auditing what the kernel will run."""

from __future__ import annotations

from xdpdump.sandbox.codegen import JA, JEQ, JGE, JGT, LD_ABS_W, RET_K, Insn, SeccompProgram

_JUMPS = {JEQ: "jeq", JGT: "jgt", JGE: "jge"}


def format_insn(index: int, insn: Insn, params: dict[str, int] | None = None) -> str:
    if insn.param is not None:
        k = f"#{params[insn.param]}" if params and insn.param in params else f"#<{insn.param}>"
    else:
        k = f"#{insn.k:#x}"
    if insn.code == LD_ABS_W:
        text = f"ld   [{insn.k}]"
    elif insn.code == RET_K:
        text = f"ret  {k}"
    elif insn.code == JA:
        text = f"ja   {index + 1 + insn.k}"
    elif insn.code in _JUMPS:
        text = f"{_JUMPS[insn.code]}  {k:<14} {index + 1 + insn.jt}, {index + 1 + insn.jf}"
    else:
        text = f"op {insn.code:#06x} jt={insn.jt} jf={insn.jf} k={insn.k:#x}"
    return f"{index:4}: {text:<34}" + (f" ; {insn.note}" if insn.note else "")


def disassemble(compiled: SeccompProgram, params: dict[str, int] | None = None) -> str:
    """One line per instruction; jump targets are absolute instruction numbers."""
    head = (f"; policy {compiled.policy} for {compiled.arch}: {compiled.instr_cnt} instructions, "
            f"parameters: {', '.join(compiled.params) or 'none'}")
    lines = [head]
    lines += [format_insn(i, insn, params) for i, insn in enumerate(compiled.insns)]
    return "\n".join(lines) + "\n"
