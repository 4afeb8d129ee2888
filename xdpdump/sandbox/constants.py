"""Named constants a policy may compare arguments with, per architecture.

Values are the Linux UAPI ones. Most are the same on x86_64 and aarch64; the few that differ (the
``O_*`` flags arm64 inherits from asm-generic) are listed per architecture. A policy's constant is
resolved when the policy is compiled for an architecture, so one policy file serves both.
"""

from __future__ import annotations

_COMMON: dict[str, int] = {
    # standard descriptors
    "STDIN_FILENO": 0,
    "STDOUT_FILENO": 1,
    "STDERR_FILENO": 2,
    # send/recv flags
    "MSG_PEEK": 0x2,
    "MSG_DONTWAIT": 0x40,
    "MSG_WAITALL": 0x100,
    "MSG_NOSIGNAL": 0x4000,
    # socket levels, families, types and the AF_XDP options
    "SOL_SOCKET": 1,
    "SOL_XDP": 283,
    "XDP_MMAP_OFFSETS": 1,
    "XDP_RX_RING": 2,
    "XDP_TX_RING": 3,
    "XDP_UMEM_REG": 4,
    "XDP_UMEM_FILL_RING": 5,
    "XDP_UMEM_COMPLETION_RING": 6,
    "XDP_STATISTICS": 7,
    "XDP_OPTIONS": 8,
    "AF_UNIX": 1,
    "AF_INET": 2,
    "AF_INET6": 10,
    "AF_NETLINK": 16,
    "AF_XDP": 44,
    "SOCK_STREAM": 1,
    "SOCK_DGRAM": 2,
    "SOCK_RAW": 3,
    "SOCK_NONBLOCK": 0o4000,
    "SOCK_CLOEXEC": 0o2000000,
    # open flags common to both
    "O_RDONLY": 0,
    "O_WRONLY": 1,
    "O_RDWR": 2,
    "O_CREAT": 0o100,
    "O_EXCL": 0o200,
    "O_TRUNC": 0o1000,
    "O_APPEND": 0o2000,
    "O_NONBLOCK": 0o4000,
    "O_CLOEXEC": 0o2000000,
    "AT_FDCWD": -100,
    # fcntl
    "F_GETFD": 1,
    "F_SETFD": 2,
    "F_GETFL": 3,
    "F_SETFL": 4,
    "FD_CLOEXEC": 1,
    # clocks
    "CLOCK_REALTIME": 0,
    "CLOCK_MONOTONIC": 1,
    "TIMER_ABSTIME": 1,
    # memory
    "PROT_NONE": 0,
    "PROT_READ": 1,
    "PROT_WRITE": 2,
    "PROT_EXEC": 4,
    "MAP_SHARED": 0x1,
    "MAP_PRIVATE": 0x2,
    "MAP_FIXED": 0x10,
    "MAP_ANONYMOUS": 0x20,
    "MAP_NORESERVE": 0x4000,
    "MAP_POPULATE": 0x8000,
    "MAP_STACK": 0x20000,
    "MADV_DONTNEED": 4,
    "MADV_FREE": 8,
    # futex
    "FUTEX_WAIT": 0,
    "FUTEX_WAKE": 1,
    "FUTEX_WAIT_BITSET": 9,
    "FUTEX_WAKE_BITSET": 10,
    "FUTEX_PRIVATE_FLAG": 128,
    "FUTEX_CLOCK_REALTIME": 256,
    # signals
    "SIGINT": 2,
    "SIGKILL": 9,
    "SIGUSR1": 10,
    "SIGTERM": 15,
    "SIGCHLD": 17,
    "SIG_BLOCK": 0,
    "SIG_UNBLOCK": 1,
    "SIG_SETMASK": 2,
    "WNOHANG": 1,
    # bpf(2) commands
    "BPF_MAP_LOOKUP_ELEM": 1,
    # prctl
    "PR_SET_PDEATHSIG": 1,
    "PR_SET_NAME": 15,
    "PR_GET_NAME": 16,
    "PR_SET_NO_NEW_PRIVS": 38,
}

CONSTANTS: dict[str, dict[str, int]] = {
    "x86_64": {
        **_COMMON,
        "O_DIRECT": 0o40000,
        "O_LARGEFILE": 0o100000,
        "O_DIRECTORY": 0o200000,
        "O_NOFOLLOW": 0o400000,
    },
    "aarch64": {
        **_COMMON,
        "O_DIRECTORY": 0o40000,
        "O_NOFOLLOW": 0o100000,
        "O_DIRECT": 0o200000,
        "O_LARGEFILE": 0o400000,
    },
}


def known_anywhere(name: str) -> bool:
    """True if ``name`` is a constant on at least one architecture."""
    return any(name in table for table in CONSTANTS.values())
