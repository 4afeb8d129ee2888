"""The seccomp filter of each role, compiled from its committed .seccomppolicy for this machine.

Compiled in the supervisor before it forks (the children must not open policy files), instantiated
with the descriptors the role owns.
"""

from __future__ import annotations

from functools import cache

from xdpdump.sandbox.arches import host_arch
from xdpdump.sandbox.codegen import CompiledFilter, compile_policy, instantiate
from xdpdump.sandbox.install import role_policy_path
from xdpdump.sandbox.policy import load_policy


@cache
def _compiled(role: str) -> CompiledFilter:
    return compile_policy(load_policy(role_policy_path(role)), host_arch().name)


def role_filter(role: str, **params: int) -> bytes:
    """The classic-BPF program (struct sock_filter bytes) for role with its parameters filled in."""
    return instantiate(_compiled(role), **params)
