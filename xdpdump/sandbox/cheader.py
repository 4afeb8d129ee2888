"""Emit the C header that fills a ``struct sock_filter`` array with a policy's filter.

One header per policy holds the program for every supported architecture (selected with the compiler's
``__x86_64__`` / ``__aarch64__``), a ``sock_filter_policy_NAME_instr_cnt`` define and
``populate_sock_filter_policy_NAME(out_cnt, out, params...)``, which writes the program with the
parameters filled in and returns the instruction count (0 if ``out_cnt`` is too small). The text is a
pure function of the policy file, so ``scripts/generate-policies --check`` can compare it byte for byte.
"""

from __future__ import annotations

import re

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import ARCHES
from xdpdump.sandbox.codegen import JA, JEQ, JGE, JGT, LD_ABS_W, RET_K, SECCOMP_RET_ALLOW, compile_policy
from xdpdump.sandbox.policy import Policy

_C_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_CODES = {
    LD_ABS_W: "BPF_LD | BPF_W | BPF_ABS",
    JA: "BPF_JMP | BPF_JA",
    JEQ: "BPF_JMP | BPF_JEQ | BPF_K",
    JGT: "BPF_JMP | BPF_JGT | BPF_K",
    JGE: "BPF_JMP | BPF_JGE | BPF_K",
    RET_K: "BPF_RET | BPF_K",
}
_CPP_ARCH = {"x86_64": "__x86_64__", "aarch64": "__aarch64__"}


def _k(insn) -> str:
    if insn.param is not None:
        return insn.param
    if insn.code == RET_K:
        return "SECCOMP_RET_ALLOW" if insn.k == SECCOMP_RET_ALLOW else "SECCOMP_RET_KILL_PROCESS"
    return f"{insn.k:#x}U"


def emit_header(policy: Policy, source: str) -> str:
    """The header text; ``source`` is the policy path as it should appear in the banner."""
    name = policy.name
    if not _C_IDENT.match(name):
        raise UserError(f"{policy.path}: policy name {name!r} is not a C identifier (rename the file)")
    guard = f"XDPDUMP_GENERATED_{name.upper()}_SECCOMP_H"
    params = "".join(f", unsigned int {p}" for p in policy.params)
    out = [
        f"/* GENERATED FILE - DO NOT EDIT. Made by scripts/generate-policies from {source}.",
        "   Edit the policy and regenerate; CI (scripts/generate-policies --check) rejects a stale copy. */",
        f"#ifndef {guard}",
        f"#define {guard}",
        "",
        "#include <linux/filter.h>",
        "#include <linux/seccomp.h>",
        "",
    ]
    for index, arch in enumerate(ARCHES):
        compiled = compile_policy(policy, arch)
        cnt = f"sock_filter_policy_{name}_instr_cnt"
        out += [
            f"#{'if' if index == 0 else 'elif'} defined({_CPP_ARCH[arch]})",
            "",
            f"#define {cnt} {compiled.instr_cnt}",
            "",
            "static inline unsigned long",
            f"populate_sock_filter_policy_{name}( unsigned long out_cnt, struct sock_filter * out"
            f"{params} ) {{",
            f"  if( out_cnt < {cnt} ) return 0UL;",
        ]
        used = {insn.param for insn in compiled.insns if insn.param}
        out += [f"  (void){p}; /* not tested on {arch} */" for p in policy.params if p not in used]
        out.append(f"  struct sock_filter const filter[ {cnt} ] = {{")
        for i, insn in enumerate(compiled.insns):
            code = _CODES[insn.code]
            if insn.code in (LD_ABS_W, RET_K):
                text = f"BPF_STMT( {code}, {_k(insn)} ),"
            else:
                text = f"BPF_JUMP( {code}, {_k(insn)}, {insn.jt}, {insn.jf} ),"
            note = f" {insn.note}" if insn.note else ""
            out.append(f"    /* {i:4} */ {text:<62} /*{note.replace('*/', '* /')} */")
        out += [
            "  };",
            f"  for( unsigned long i=0UL; i<{cnt}; i++ ) out[ i ] = filter[ i ];",
            f"  return {cnt};",
            "}",
            "",
        ]
    out += [
        "#else",
        f"#error \"{name} seccomp policy: unsupported architecture\"",
        "#endif",
        "",
        f"#endif /* {guard} */",
        "",
    ]
    return "\n".join(out)
