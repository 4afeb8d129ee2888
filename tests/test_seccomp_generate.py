"""Generated headers: scripts/generate-policies --check guards them (only for the roles that run), gcc
compiles and runs them, and the filter the native core builds from them is the Python compiler's."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from xdpdump.sandbox.arches import host_arch
from xdpdump.sandbox.cheader import emit_header
from xdpdump.sandbox.codegen import compile_policy, instantiate
from xdpdump.sandbox.generate import ROLES_WITH_HEADERS
from xdpdump.sandbox.policy import load_policy

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate-policies"
POLICIES = ROOT / "xdpdump" / "sandbox" / "policies"
GENERATED = ROOT / "native" / "generated"


def generate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def test_committed_headers_are_current():
    result = generate("--check")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in GENERATED.glob("*_seccomp.h")) == sorted(
        f"{role}_seccomp.h" for role in ROLES_WITH_HEADERS)
    # every policy belongs to a role that runs, and each of those has its header
    assert {p.stem for p in POLICIES.glob("*.seccomppolicy")} == set(ROLES_WITH_HEADERS)


def test_check_names_an_edited_or_missing_header(tmp_path):
    out = tmp_path / "generated"
    shutil.copytree(GENERATED, out)
    assert generate("--check", "--out-dir", str(out)).returncode == 0
    edited = out / "net_seccomp.h"
    edited.write_text(edited.read_text().replace("0x2cU", "0x2dU", 1))
    (out / "supervisor_seccomp.h").unlink()
    (out / "printer_seccomp.h").write_text("/* a header for a role that does not run */\n")
    result = generate("--check", "--out-dir", str(out))
    assert result.returncode != 0
    assert f"{edited}: stale" in result.stderr
    assert f"{out / 'supervisor_seccomp.h'}: missing" in result.stderr
    assert f"{out / 'printer_seccomp.h'}: leftover" in result.stderr
    assert "archive_seccomp.h" not in result.stderr
    # regenerating into that directory repairs it
    assert generate("--out-dir", str(out)).returncode == 0
    assert generate("--check", "--out-dir", str(out)).returncode == 0


def test_check_fails_when_a_policy_changes(tmp_path):
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    net = policies / "net.seccomppolicy"
    net.write_text(net.read_text().replace("clock_nanosleep\n", "clock_nanosleep\ngetpid\n"))
    result = generate("--check", "--policy-dir", str(policies))
    assert result.returncode != 0 and "native/generated/net_seccomp.h: stale" in result.stderr


C_TEST = r"""
#include <stdio.h>
#include <string.h>
#include "%(header)s"
int main( void ) {
  struct sock_filter out[ 4096 ];
  unsigned long cnt = populate_sock_filter_policy_%(name)s( 4096UL, out%(args)s );
  if( cnt != sock_filter_policy_%(name)s_instr_cnt ) return 1;
  if( populate_sock_filter_policy_%(name)s( cnt - 1UL, out%(args)s ) != 0UL ) return 2;
  fwrite( out, sizeof( struct sock_filter ), cnt, stdout );
  return 0;
}
"""


SYNTAX_ONLY = r"""
#include "%(header)s"
unsigned long populate( struct sock_filter * out );
unsigned long populate( struct sock_filter * out ) {
  return populate_sock_filter_policy_%(name)s( 4096UL, out%(args)s );
}
"""


@pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc not installed")
@pytest.mark.parametrize("policy_path", sorted(POLICIES.glob("*.seccomppolicy")), ids=lambda p: p.stem)
def test_header_compiles_and_matches_python(tmp_path, policy_path):
    policy = load_policy(policy_path)
    values = {name: 3 + i for i, name in enumerate(policy.params)}
    header = GENERATED / f"{policy.name}_seccomp.h"
    if policy.name not in ROLES_WITH_HEADERS:
        # no committed header for a role that does not run yet: the emitter is still checked
        header = tmp_path / f"{policy.name}_seccomp.h"
        header.write_text(emit_header(policy, str(policy_path)))
    source = tmp_path / "t.c"
    source.write_text(C_TEST % {"header": header, "name": policy.name,
                                "args": "".join(f", {v}U" for v in values.values())})
    binary = tmp_path / "t"
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", str(binary), str(source)],
                   check=True, timeout=120)
    # the other architecture's branch must at least be valid C (no cross compiler needed for that;
    # libc headers are left out, they break when the arch macro is swapped)
    other = ["-U__x86_64__", "-D__aarch64__"] if host_arch().name == "x86_64" else ["-U__aarch64__", "-D__x86_64__"]
    only_header = tmp_path / "other.c"
    only_header.write_text(SYNTAX_ONLY % {"header": header, "name": policy.name,
                                          "args": "".join(f", {v}U" for v in values.values())})
    subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only", *other, str(only_header)],
                   check=True, timeout=120)
    produced = subprocess.run([str(binary)], capture_output=True, check=True, timeout=30).stdout
    # the C header and the Python compiler produce the same filter, byte for byte
    assert produced == instantiate(compile_policy(policy, host_arch().name), **values)


@pytest.mark.parametrize(("logfile_fd", "linkwatch_fd", "endnl_fd"), [(2, 3, None), (7, 12, 13), (1023, 5, 6)])
def test_native_supervisor_filter_is_the_python_compilers(logfile_fd, linkwatch_fd, endnl_fd):
    """What native/policy_filters.c builds from the compiled-in header, byte for byte what the Python
    policy compiler makes of the same policy on this architecture."""
    from xdpdump.xsk import supervisor_filter

    policy = load_policy(POLICIES / "supervisor.seccomppolicy")
    pids = {"net": 4001, "archive": 4002, "gui": 4004}
    assert supervisor_filter(logfile_fd, linkwatch_fd, pids, endnl_fd) == instantiate(
        compile_policy(policy, host_arch().name), logfile_fd=logfile_fd, linkwatch_fd=linkwatch_fd,
        net_pid=4001, archive_pid=4002, metrics_pid=0, gui_pid=4004,
        endnl_fd=0xFFFFFFFF if endnl_fd is None else endnl_fd)
