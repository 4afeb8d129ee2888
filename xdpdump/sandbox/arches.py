"""The architectures a policy compiles for: audit ids, syscall tables and the host's own."""

from __future__ import annotations

import os
from dataclasses import dataclass

from xdpdump.errors import UserError
from xdpdump.sandbox import syscalls_aarch64, syscalls_x86_64


@dataclass(frozen=True)
class Arch:
    name: str
    audit_arch: int           # AUDIT_ARCH_* the kernel puts in seccomp_data.arch
    numbers: dict[str, int]   # syscall name -> number
    x32_bit: int              # syscall numbers with this bit set are another ABI (0 = none)

    def names_by_number(self) -> dict[int, str]:
        return {nr: name for name, nr in self.numbers.items()}


ARCHES: dict[str, Arch] = {
    # AUDIT_ARCH_X86_64 = EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. The x32 ABI shares the
    # arch value and marks its numbers with __X32_SYSCALL_BIT, so the filter must reject them itself.
    "x86_64": Arch("x86_64", 0xC000003E, syscalls_x86_64.NUMBERS, 0x40000000),
    # AUDIT_ARCH_AARCH64 = EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE
    "aarch64": Arch("aarch64", 0xC00000B7, syscalls_aarch64.NUMBERS, 0),
}


def get_arch(name: str) -> Arch:
    try:
        return ARCHES[name]
    except KeyError:
        raise UserError(f"unknown architecture {name!r} (expected one of: {', '.join(ARCHES)})") from None


def host_arch() -> Arch:
    """The architecture of the running kernel, for installing a filter here."""
    machine = os.uname().machine  # platform.machine()'s answer, without importing platform
    if machine == "arm64":
        machine = "aarch64"
    if machine not in ARCHES:
        raise UserError(f"seccomp policies are not available on {machine} (only {', '.join(ARCHES)})")
    return ARCHES[machine]
