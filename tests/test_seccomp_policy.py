"""Policy parsing: every mistake is reported as file:line:col with what was expected; the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xdpdump.sandbox.policy import Compare, Not, Or, PolicyError, load_policy, parse_policy

ROOT = Path(__file__).resolve().parents[1]
NET = ROOT / "xdpdump" / "sandbox" / "policies" / "net.seccomppolicy"


def error_of(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, "p.seccomppolicy")
    return str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    # unknown syscall
    ("noarg\nwrite\nwirte\n", "p.seccomppolicy:3:1: unknown syscall 'wirte': expected a name from the x86_64 or"),
    # unknown constant, alone and inside an | combination
    ("uint fd\nsendto: (eq (arg 3) MSG_DONTWAT)\n", "p.seccomppolicy:2:21: unknown constant 'MSG_DONTWAT'"),
    ("noarg\naccept4: (eq (arg 3) SOCK_CLOEXEC|SOCK_NONBLOK)\n",
     "p.seccomppolicy:2:35: unknown constant 'SOCK_NONBLOK'"),
    # duplicate rule
    ("noarg\nwrite\nread\n  # comment\nwrite: (eq (arg 0) 2)\n",
     "p.seccomppolicy:5:1: duplicate rule for 'write' (first at line 2)"),
    # (arg N) out of 0..5, and beyond the syscall's own argument count
    ("noarg\nwrite: (eq (arg 6) 1)\n", "p.seccomppolicy:2:17: (arg 6) out of range: expected an argument index 0..5"),
    ("noarg\nwrite: (eq (arg 3) 1)\n", "p.seccomppolicy:2:17: (arg 3) out of range: write takes 3 argument(s)"),
    # integer out of range for the argument's width: int, long, negative
    ("noarg\nwrite: (eq (arg 0) 0x100000000)\n",
     "p.seccomppolicy:2:20: value 0x100000000 = 4294967296 out of range for int argument 0 of write: "
     "expected -2147483648..4294967295"),
    ("noarg\nwrite: (eq (arg 2) 0x10000000000000000)\n",
     "p.seccomppolicy:2:20: value 0x10000000000000000 = 18446744073709551616 out of range for long argument 2"),
    ("noarg\nclose: (eq (arg 0) -2147483649)\n", "p.seccomppolicy:2:20: value -2147483649"),
    # comparison without exactly one (arg N) side
    ("noarg\nwrite: (eq 1 2)\n", "p.seccomppolicy:2:8: expected exactly one (arg N) side in a comparison, got none"),
    ("noarg\nwrite:\n  (or (eq (arg 0) 1)\n      (eq (arg 0) (arg 1)))\n",
     "p.seccomppolicy:4:7: expected exactly one (arg N) side in a comparison, got two"),
    # bad parameter lines
    ("int fd\nwrite\n", "p.seccomppolicy:1:1: bad parameter line: expected 'noarg' or 'uint NAME, uint NAME, ...', "
     "got 'int'"),
    ("uint fd uint other\n", "p.seccomppolicy:1:9: bad parameter line: expected ',' between parameters, got 'uint'"),
    ("uint fd,\n", "p.seccomppolicy:1:9: bad parameter line: expected 'noarg' or 'uint NAME"),
    ("uint fd, uint fd\n", "p.seccomppolicy:1:15: bad parameter line: parameter 'fd' declared twice"),
    ("uint SOL_XDP\n", "p.seccomppolicy:1:6: bad parameter line: 'SOL_XDP' is a keyword or a named constant"),
    ("noarg extra\n", "p.seccomppolicy:1:7: bad parameter line: nothing may follow 'noarg'"),
    ("write\nread\n", "p.seccomppolicy:1:1: bad parameter line"),
    ("# only a comment\n", "p.seccomppolicy:1:1: empty policy"),
    # other shapes
    ("noarg\nwrite (eq (arg 0) 1)\n", "p.seccomppolicy:2:7: expected ':' after the syscall name, got '('"),
    ("noarg\nwrite:\n", "p.seccomppolicy:2:7: expected a condition '(...)', got end of rule"),
    ("noarg\nwrite: (eq (arg 0) 1\n", "p.seccomppolicy:2:21: expected ')' to close the '(' at 2:8, got end of rule"),
    ("noarg\nwrite: (eq (arg 0) 1) (eq (arg 0) 2)\n", "p.seccomppolicy:2:23: expected the end of the rule"),
    ("noarg\nwrite: (xor (eq (arg 0) 1))\n", "p.seccomppolicy:2:9: expected and, or, not, eq, ne"),
    ("noarg\nwrite: (arg 0)\n", "p.seccomppolicy:2:9: (arg N) is a value, not a condition"),
    ("  noarg\nwrite\n", "p.seccomppolicy:1:3: indented line continues nothing"),
    ("noarg\n  write\n", "p.seccomppolicy:2:3: bad parameter line: nothing may follow 'noarg', got 'write'"),
    ("noarg\nsched_setattr: (eq (arg 0) 1)\n", "p.seccomppolicy:2:20: the argument widths of 'sched_setattr' are"),
    ("uint fd\nwrite: (eq (arg 0) fd|1)\n", "p.seccomppolicy:2:20: parameter 'fd' cannot be combined with '|'"),
    ("noarg\nwrite: (eq (arg 0) 1||2)\n", "p.seccomppolicy:2:22: expected an integer or a constant around '|'"),
    ("noarg\nwrite: (eq (arg 0) 08)\n", "p.seccomppolicy:2:20: expected an integer, a parameter or a named constant"),
])
def test_errors_name_file_line_column(text, expected):
    assert error_of(text).startswith(expected)


def test_grammar_accepts_the_documented_forms():
    policy = parse_policy("""
# leading comment
uint logfile_fd, uint lo,
  uint hi           # continued parameter line
write: (or (eq (arg 0) 2)     # trailing comment
           (eq logfile_fd (arg 0)))
sendto: (and (< lo (arg 0)) (not (> (arg 0) hi)) (eq (arg 3) MSG_DONTWAIT|0x4000) (ne (arg 2) -1))
poll
exit_group
""", "x.seccomppolicy")
    assert policy.name == "x"
    assert policy.params == ("logfile_fd", "lo", "hi")
    assert [r.syscall for r in policy.rules] == ["write", "sendto", "poll", "exit_group"]
    assert [r.pos.line for r in policy.rules] == [5, 7, 8, 9]
    write = policy.rules[0].expr
    assert isinstance(write, Or) and write.items[1] == Compare("eq", 0, "int", write.items[1].value, write.items[1].pos)
    lo = policy.rules[1].expr.items[0]
    assert (lo.op, lo.arg, lo.value.param) == ("gt", 0, "lo")     # (< lo (arg 0)) is arg > lo
    assert isinstance(policy.rules[1].expr.items[1], Not)
    assert "poll" not in [r.syscall for r in policy.rules_for("aarch64")]


def test_role_policies_parse_and_comment_every_rule():
    for path in sorted((ROOT / "xdpdump" / "sandbox" / "policies").glob("*.seccomppolicy")):
        policy = load_policy(path)
        lines = path.read_text().splitlines()
        for rule in policy.rules:
            above = lines[rule.pos.line - 2].strip() if rule.pos.line >= 2 else ""
            # a comment right above, or above the group of bare names it belongs to
            j = rule.pos.line - 2
            while j >= 0 and lines[j].strip() and not lines[j].lstrip().startswith("#"):
                j -= 1
            assert above.startswith("#") or (j >= 0 and lines[j].lstrip().startswith("#")), \
                f"{path.name}:{rule.pos.line}: rule {rule.syscall} has no comment saying why"
        forbidden = {"open", "openat", "socket", "connect", "execve", "execveat", "bind", "clone", "clone3"}
        if path.name == "archive.seccomppolicy":
            # the archive role creates its rotated files: openat only on its directory, fixed flags
            (openat,) = [r for r in policy.rules if r.syscall == "openat"]
            where, flags = openat.expr.items
            assert (where.op, where.arg, where.value.param) == ("eq", 0, "dir_fd")
            assert (flags.op, flags.arg, flags.value.parts) == (
                "eq", 2, ("O_WRONLY", "O_CREAT", "O_TRUNC", "O_NOFOLLOW", "O_CLOEXEC"))
            forbidden.discard("openat")
        assert not forbidden & {r.syscall for r in policy.rules}, path.name


def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xdpdump.sandbox.cli", *args], cwd=ROOT,
                          capture_output=True, check=check, timeout=60)


def test_cli_check_disasm_compile_header(tmp_path):
    out = cli("check", str(NET)).stdout.decode()
    assert "x86_64:" in out and "aarch64:" in out and "instructions" in out
    listing = cli("disasm", str(NET), "--arch", "aarch64", "--param", "logfile_fd=3").stdout.decode()
    assert "AUDIT_ARCH_AARCH64" in listing and "#3" in listing and "#<xsk_fd_first>" in listing
    target = tmp_path / "net.bpf"
    cli("compile", str(NET), "--arch", "x86_64", "--param", "logfile_fd=3", "--param", "xsk_fd_first=4",
        "--param", "xsk_fd_last=0x5", "-o", str(target))
    data = target.read_bytes()
    count = int(out.split("x86_64: ")[1].split()[0])
    assert len(data) == 8 * count
    header = cli("header", str(NET)).stdout.decode()
    assert "populate_sock_filter_policy_net" in header and "GENERATED" in header


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.seccomppolicy"
    bad.write_text("noarg\nwrite: (eq (arg 0) NOPE)\n")
    result = cli("check", str(bad), check=False)
    assert result.returncode == 1
    assert result.stderr.decode() == f"xdpdump-seccomp: {bad}:2:20: unknown constant 'NOPE': expected an " \
        "integer, a parameter (none declared) or a named constant\n"
    result = cli("compile", str(NET), "--arch", "x86_64", check=False)
    assert result.returncode == 1 and b"missing logfile_fd, xsk_fd_first, xsk_fd_last" in result.stderr
    result = cli("check", str(tmp_path / "absent.seccomppolicy"), check=False)
    assert result.returncode == 1 and b"cannot read policy" in result.stderr
