"""Compiled filters, run by a classic-BPF interpreter, agree with the policy's meaning.

The interpreter works on the instantiated bytes (what the kernel receives) and knows nothing of the
compiler; the reference evaluation reads the parsed policy directly. Hypothesis drives both with
syscall numbers, arguments (including an allowed fd in the low half with a non-zero high half),
x32 numbers and foreign architectures.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xdpdump.errors import UserError
from xdpdump.sandbox.arches import ARCHES
from xdpdump.sandbox.codegen import compile_policy, instantiate
from xdpdump.sandbox.constants import CONSTANTS
from xdpdump.sandbox.policy import And, Compare, Not, Or, Policy, load_policy, parse_policy

ALLOW, KILL = 0x7FFF0000, 0x80000000
POLICY_DIR = Path(__file__).resolve().parents[1] / "xdpdump" / "sandbox" / "policies"
AUDIT_I386 = 0x40000003
U32, U64 = (1 << 32) - 1, (1 << 64) - 1


# --- an independent classic-BPF interpreter (the subset seccomp accepts) ---------------------------

# the supervisor signals no one and has no netlink request to send at its end
SUPERVISOR_ALONE = {"net_pid": 0, "archive_pid": 0, "metrics_pid": 0, "gui_pid": 0, "endnl_fd": 0xFFFFFFFF}

def seccomp_data(nr: int, arch: int, args: list[int], ip: int = 0) -> bytes:
    return struct.pack("<IIQ6Q", nr & U32, arch, ip, *args)


def run_bpf(program: bytes, data: bytes) -> int:
    insns = list(struct.iter_unpack("=HBBI", program))
    a, pc, steps = 0, 0, 0
    while True:
        steps += 1
        assert steps <= len(insns), "classic BPF has no backward jumps: cannot run longer than its length"
        code, jt, jf, k = insns[pc]
        pc += 1
        if code == 0x20:            # ld [k]
            assert k % 4 == 0 and k + 4 <= len(data), f"misaligned or out-of-bounds load {k}"
            a = struct.unpack_from("<I", data, k)[0]
        elif code == 0x06:          # ret k
            return k
        elif code == 0x05:          # ja k
            pc += k
        elif code in (0x15, 0x25, 0x35, 0x45):
            taken = {0x15: a == k, 0x25: a > k, 0x35: a >= k, 0x45: bool(a & k)}[code]
            pc += jt if taken else jf
        else:
            raise AssertionError(f"unexpected opcode {code:#x}")
        assert pc < len(insns), "fell off the end of the program"


# --- the policy's meaning, straight from the parsed rules --------------------------------------------

def meaning(policy: Policy, arch: str, data_arch: int, nr: int, args: list[int], params: dict[str, int]) -> bool:
    info = ARCHES[arch]
    if data_arch != info.audit_arch:
        return False
    if info.x32_bit and nr & info.x32_bit:
        return False
    rules = {info.numbers[r.syscall]: r for r in policy.rules_for(arch)}
    rule = rules.get(nr)
    if rule is None:
        return False
    return rule.expr is None or evaluate(rule.expr, arch, args, params)


def evaluate(expr, arch: str, args: list[int], params: dict[str, int]) -> bool:
    if isinstance(expr, And):
        return all(evaluate(e, arch, args, params) for e in expr.items)
    if isinstance(expr, Or):
        return any(evaluate(e, arch, args, params) for e in expr.items)
    if isinstance(expr, Not):
        return not evaluate(expr.item, arch, args, params)
    assert isinstance(expr, Compare)
    mask = U32 if expr.width == "int" else U64
    value = args[expr.arg] & mask
    if expr.value.param is not None:
        other = params[expr.value.param]
    else:
        other = 0
        for part in expr.value.parts:
            other |= part if isinstance(part, int) else CONSTANTS[arch][part]
        other &= mask
    return {"eq": value == other, "ne": value != other, "lt": value < other, "le": value <= other,
            "gt": value > other, "ge": value >= other}[expr.op]


# --- policies under test -------------------------------------------------------------------------------

SYNTHETIC = {
    "longs": """
uint fd, uint lo, uint hi
# long arguments: size_t counts, off_t, mmap's unsigned long fd
write: (and (eq (arg 0) fd) (<= (arg 2) 4096))
lseek: (or (> (arg 1) 0x1ffffffff) (and (>= (arg 1) 10) (< (arg 1) 20)))
mmap: (and (eq (arg 4) -1) (ne (arg 2) PROT_READ|PROT_WRITE|PROT_EXEC))
pread64: (and (>= (arg 0) lo) (<= (arg 0) hi) (> (arg 3) fd))
munmap: (not (eq (arg 1) 0))
exit_group
""",
    "ints": """
uint a, uint b
close: (not (or (eq (arg 0) 0) (eq (arg 0) a) (eq (arg 0) b)))
sendto: (and (< a (arg 0)) (> b (arg 0)) (eq (arg 3) MSG_DONTWAIT|MSG_NOSIGNAL) (eq (arg 2) 0))
fcntl: (or (eq (arg 1) F_GETFL) (and (eq (arg 1) F_SETFL) (eq (arg 2) O_NONBLOCK)))
openat: (and (eq (arg 0) AT_FDCWD) (eq (arg 2) O_RDONLY|O_CLOEXEC|O_DIRECTORY))
kill: (and (>= (arg 0) 1) (<= (arg 0) 0x7fffffff) (eq (arg 1) -1))
getpid
""",
    "noparams": """
noarg
clock_nanosleep: (eq (arg 0) CLOCK_MONOTONIC)
read: (< (arg 2) 0x100000000)
exit
""",
}


def _huge_policy() -> str:
    """Enough rules that jumps to ALLOW/KILL exceed 255 instructions and need trampolines."""
    common = sorted(set(ARCHES["x86_64"].numbers) & set(ARCHES["aarch64"].numbers))
    lines = ["uint fd"]
    lines += [f"{name}" for name in common[:250] if name not in ("write", "read")]
    lines.append("write: (or " + " ".join(f"(eq (arg 0) {i})" for i in range(100)) + " (eq (arg 2) fd))")
    lines.append("read: (and (> (arg 2) 5) (< (arg 2) 0x500000000) (ne (arg 0) fd))")
    return "\n".join(lines) + "\n"


def all_policies() -> dict[str, Policy]:
    policies = {p.stem: load_policy(p) for p in sorted(POLICY_DIR.glob("*.seccomppolicy"))}
    for name, text in SYNTHETIC.items():
        policies[name] = parse_policy(text, f"<{name}>", name)
    policies["huge"] = parse_policy(_huge_policy(), "<huge>", "huge")
    return policies


POLICIES = all_policies()
COMPILED = {(name, arch): compile_policy(policy, arch) for name, policy in POLICIES.items() for arch in ARCHES}


def test_role_policies_exist():
    assert {"net", "archive", "metrics", "gui", "supervisor"} <= set(POLICIES)


def test_huge_policy_needs_trampolines():
    for arch in ARCHES:
        compiled = COMPILED[("huge", arch)]
        assert compiled.instr_cnt > 300
        assert any(insn.code == 0x05 for insn in compiled.insns), "expected ja trampolines"


@st.composite
def scenario(draw, name: str, arch: str):
    policy = POLICIES[name]
    params = {p: draw(st.integers(0, 1 << 20) | st.integers(0, U32)) for p in policy.params}
    info = ARCHES[arch]
    known = [info.numbers[r.syscall] for r in policy.rules_for(arch)]
    nr = draw(st.sampled_from(known) | st.integers(0, 500) | st.integers(0, U32))
    if info.x32_bit and draw(st.booleans()):
        nr |= info.x32_bit   # an x32 alias of a (possibly allowed) syscall
    data_arch = draw(st.sampled_from([info.audit_arch] * 6 + [a.audit_arch for a in ARCHES.values()]
                                     + [AUDIT_I386]) | st.integers(0, U32))
    interesting = [0, 1, 2, 5, 10, 19, 20, 4096, 4097, U32, U64, 1 << 32, (1 << 32) | 2]
    interesting += list(params.values()) + [v + 1 for v in params.values()] + [v - 1 for v in params.values()]
    interesting += list(CONSTANTS[arch].values())
    interesting = [v & U64 for v in interesting]

    def arg():
        low = draw(st.sampled_from(interesting) | st.integers(0, U64))
        high = draw(st.sampled_from([0, 0, 0, 1, 0xFFFFFFFF, 0x80000000]) | st.integers(0, U32))
        # keep the low half (often an allowed fd/value) and put something in the high half
        return low if draw(st.booleans()) else (low & U32) | (high << 32)

    args = [arg() for _ in range(6)]
    return params, nr, data_arch, args


@pytest.mark.parametrize(("name", "arch"), sorted(COMPILED))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_filter_matches_policy_meaning(name, arch, data):
    params, nr, data_arch, args = data.draw(scenario(name, arch))
    program = instantiate(COMPILED[(name, arch)], **params)
    verdict = run_bpf(program, seccomp_data(nr, data_arch, args))
    assert verdict in (ALLOW, KILL)
    expected = meaning(POLICIES[name], arch, data_arch, nr, args, params)
    assert (verdict == ALLOW) == expected, (nr, hex(data_arch), [hex(a) for a in args], params)


def test_high_half_of_long_argument_is_compared():
    program = instantiate(COMPILED[("longs", "x86_64")], fd=7, lo=1, hi=3)
    write = ARCHES["x86_64"].numbers["write"]
    ok = seccomp_data(write, ARCHES["x86_64"].audit_arch, [7, 0, 100, 0, 0, 0])
    sneaky = seccomp_data(write, ARCHES["x86_64"].audit_arch, [7, 0, 100 | (1 << 32), 0, 0, 0])
    assert run_bpf(program, ok) == ALLOW
    assert run_bpf(program, sneaky) == KILL


def test_int_argument_ignores_high_half():
    # the kernel truncates an int fd: 7 + (1 << 32) *is* fd 7, so the filter must judge it as 7
    program = instantiate(COMPILED[("net", "x86_64")], logfile_fd=7, xsk_fd_first=10, xsk_fd_last=12)
    write = ARCHES["x86_64"].numbers["write"]
    audit = ARCHES["x86_64"].audit_arch
    assert run_bpf(program, seccomp_data(write, audit, [7 | (1 << 32), 0, 1, 0, 0, 0])) == ALLOW
    assert run_bpf(program, seccomp_data(write, audit, [8, 0, 1, 0, 0, 0])) == KILL


def test_x32_and_foreign_arch_are_killed():
    program = instantiate(COMPILED[("supervisor", "x86_64")], logfile_fd=3, linkwatch_fd=4,
                           **SUPERVISOR_ALONE)
    info = ARCHES["x86_64"]
    getpid = info.numbers["getpid"]
    assert run_bpf(program, seccomp_data(getpid, info.audit_arch, [0] * 6)) == ALLOW
    assert run_bpf(program, seccomp_data(getpid | 0x40000000, info.audit_arch, [0] * 6)) == KILL
    assert run_bpf(program, seccomp_data(getpid, AUDIT_I386, [0] * 6)) == KILL
    assert run_bpf(program, seccomp_data(getpid, ARCHES["aarch64"].audit_arch, [0] * 6)) == KILL


def test_poll_absent_on_aarch64():
    aarch64 = [r.syscall for r in POLICIES["net"].rules_for("aarch64")]
    x86 = [r.syscall for r in POLICIES["net"].rules_for("x86_64")]
    assert "poll" in x86 and "poll" not in aarch64 and "ppoll" in aarch64


def test_instantiate_checks_parameters():
    compiled = COMPILED[("net", "x86_64")]
    with pytest.raises(UserError, match="missing xsk_fd_last"):
        instantiate(compiled, logfile_fd=3, xsk_fd_first=4)
    with pytest.raises(UserError, match="unknown bogus"):
        instantiate(compiled, logfile_fd=3, xsk_fd_first=4, xsk_fd_last=4, bogus=1)
    with pytest.raises(UserError, match="expected a uint"):
        instantiate(compiled, logfile_fd=-1, xsk_fd_first=4, xsk_fd_last=4)
    program = instantiate(compiled, logfile_fd=3, xsk_fd_first=4, xsk_fd_last=5)
    assert len(program) == 8 * compiled.instr_cnt
