"""The bpf(2) commands we run ourselves, through ctypes.

Owns: looking up programs and maps by id (what `xdp-load status` reports for programs another
process attached), reading their per-CPU counters, BPF links for XDP (the capture holds its
program by a link so the kernel detaches it when the process dies, even by SIGKILL), and creating
maps, loading programs and updating map entries (what a program from the cache needs, without bcc).
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from functools import cache

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_SYS_BPF = {"x86_64": 321, "aarch64": 280}[os.uname().machine]

BPF_MAP_CREATE = 0
BPF_MAP_LOOKUP_ELEM = 1
BPF_MAP_UPDATE_ELEM = 2
BPF_PROG_LOAD = 5
BPF_PROG_GET_FD_BY_ID = 13
BPF_MAP_GET_FD_BY_ID = 14
BPF_OBJ_GET_INFO_BY_FD = 15
BPF_LINK_CREATE = 28

BPF_XDP = 37  # enum bpf_attach_type
BPF_TCX_EGRESS = 47  # enum bpf_attach_type (6.6+): a TC program held by a link, no qdisc needed
BPF_MAP_TYPE_PERCPU_ARRAY = 6
BPF_OBJ_NAME_LEN = 16  # program and map names, NUL included


class _Attr(ctypes.Union):
    """union bpf_attr, as raw bytes: each command packs its own leading fields."""

    _fields_ = [("raw", ctypes.c_uint8 * 128)]


def bpf(cmd: int, fields: bytes) -> int:
    """Run one bpf(2) command with the attr's leading bytes; raise OSError on failure."""
    attr = _Attr()
    ctypes.memmove(attr.raw, fields, len(fields))
    ret = _libc.syscall(_SYS_BPF, cmd, ctypes.byref(attr), ctypes.sizeof(attr))
    if ret < 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return ret


def _u32s(*values: int) -> bytes:
    return b"".join(v.to_bytes(4, "little") for v in values)


def _u64(value: int) -> bytes:
    return value.to_bytes(8, "little")


def prog_fd_by_id(prog_id: int) -> int:
    return bpf(BPF_PROG_GET_FD_BY_ID, _u32s(prog_id, 0, 0))


def map_fd_by_id(map_id: int) -> int:
    return bpf(BPF_MAP_GET_FD_BY_ID, _u32s(map_id, 0, 0))


def _obj_info(fd: int, size: int) -> bytes:
    buf = ctypes.create_string_buffer(size)
    bpf(BPF_OBJ_GET_INFO_BY_FD, _u32s(fd, size) + _u64(ctypes.addressof(buf)))
    return buf.raw


@dataclass(frozen=True)
class ProgInfo:
    id: int
    name: str
    tag: str
    map_ids: tuple[int, ...]


@dataclass(frozen=True)
class MapInfo:
    id: int
    type: int
    name: str
    key_size: int
    value_size: int
    max_entries: int
    flags: int


def prog_info(fd: int) -> ProgInfo:
    # struct bpf_prog_info: id @4, tag[8] @8, nr_map_ids @52, map_ids ptr @56, name[16] @64.
    raw = _obj_info(fd, 96)
    nr_maps = int.from_bytes(raw[52:56], "little")
    ids = (ctypes.c_uint32 * max(nr_maps, 1))()
    if nr_maps:
        # A second call asking only for the map ids: every other length must be zero, or the kernel
        # tries to copy instructions to the NULL pointers beside them (EFAULT).
        buf = ctypes.create_string_buffer(96)
        ctypes.memmove(ctypes.addressof(buf) + 52, raw[52:56] + _u64(ctypes.addressof(ids)), 12)
        bpf(BPF_OBJ_GET_INFO_BY_FD, _u32s(fd, 96) + _u64(ctypes.addressof(buf)))
    return ProgInfo(
        id=int.from_bytes(raw[4:8], "little"),
        name=raw[64:80].split(b"\0", 1)[0].decode(errors="replace"),
        tag=raw[8:16].hex(),
        map_ids=tuple(ids[:nr_maps]),
    )


def map_info(fd: int) -> MapInfo:
    # struct bpf_map_info: type, id, key_size, value_size, max_entries, map_flags, name[16].
    raw = _obj_info(fd, 40)
    u32 = [int.from_bytes(raw[i : i + 4], "little") for i in range(0, 24, 4)]
    return MapInfo(
        type=u32[0],
        id=u32[1],
        key_size=u32[2],
        value_size=u32[3],
        max_entries=u32[4],
        flags=u32[5],
        name=raw[24:40].split(b"\0", 1)[0].decode(errors="replace"),
    )


def _obj_name(name: str) -> bytes:
    raw = name.encode()[: BPF_OBJ_NAME_LEN - 1]
    return raw + b"\0" * (BPF_OBJ_NAME_LEN - len(raw))


def map_create(map_type: int, key_size: int, value_size: int, max_entries: int, flags: int, name: str) -> int:
    """A new map (no BTF, no inner map, any NUMA node); returns its fd."""
    # union bpf_attr for BPF_MAP_CREATE: map_type, key_size, value_size, max_entries, map_flags,
    # inner_map_fd, numa_node, then map_name[16].
    return bpf(BPF_MAP_CREATE, _u32s(map_type, key_size, value_size, max_entries, flags, 0, 0) + _obj_name(name))


def prog_load(prog_type: int, insns: bytes, license: str, name: str, kern_version: int = 0) -> int:
    """Load insns (map references already holding this process's map fds); returns the program fd.

    No verifier log is asked for: a program that fails here is rebuilt by bcc, whose load reports why.
    """
    code = ctypes.create_string_buffer(insns, len(insns))
    lic = ctypes.create_string_buffer(license.encode())
    # union bpf_attr for BPF_PROG_LOAD: prog_type, insn_cnt, insns, license, log_level, log_size,
    # log_buf, kern_version, prog_flags, prog_name[16].
    fields = (_u32s(prog_type, len(insns) // 8) + _u64(ctypes.addressof(code)) + _u64(ctypes.addressof(lic))
              + _u32s(0, 0) + _u64(0) + _u32s(kern_version, 0) + _obj_name(name))
    return bpf(BPF_PROG_LOAD, fields)


def map_update(map_fd: int, key: bytes, value: bytes) -> None:
    """Set key to value (BPF_ANY: create or replace)."""
    k = ctypes.create_string_buffer(key, len(key))
    v = ctypes.create_string_buffer(value, len(value))
    bpf(BPF_MAP_UPDATE_ELEM, _u32s(map_fd, 0) + _u64(ctypes.addressof(k)) + _u64(ctypes.addressof(v)) + _u64(0))


@cache
def possible_cpus() -> int:
    """Per-CPU map values are laid out for every possible CPU, not only the online ones."""
    with open("/sys/devices/system/cpu/possible") as f:
        spec = f.read().strip()
    count = 0
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        count += int(hi or lo) - int(lo) + 1
    return count


def percpu_u64_sums(map_fd: int, entries: int) -> list[int]:
    """Sum over CPUs of each u64 slot of a BPF_PERCPU_ARRAY."""
    ncpu = possible_cpus()
    values = (ctypes.c_uint64 * ncpu)()
    sums = []
    for index in range(entries):
        key = ctypes.c_uint32(index)
        bpf(
            BPF_MAP_LOOKUP_ELEM,
            _u32s(map_fd, 0) + _u64(ctypes.addressof(key)) + _u64(ctypes.addressof(values)) + _u64(0),
        )
        sums.append(sum(values))
    return sums


def prog_counters(prog_id: int, map_name: str) -> list[int] | None:
    """The per-CPU u64 counters of the program's map called map_name, or None if it has none."""
    try:
        pfd = prog_fd_by_id(prog_id)
    except OSError:
        return None
    try:
        for map_id in prog_info(pfd).map_ids:
            mfd = map_fd_by_id(map_id)
            try:
                info = map_info(mfd)
                if info.name == map_name and info.type == BPF_MAP_TYPE_PERCPU_ARRAY:
                    return percpu_u64_sums(mfd, info.max_entries)
            finally:
                os.close(mfd)
    finally:
        os.close(pfd)
    return None


def xdp_link_create(prog_fd: int, ifindex: int, mode_flags: int) -> int:
    """Attach prog to ifindex through a BPF link; returns the link fd.

    The program stays attached exactly as long as some process holds the link fd, so a capture
    killed by SIGKILL leaves nothing behind. ENOTSUPP-style errors mean the kernel or mode lacks links.
    """
    return bpf(BPF_LINK_CREATE, _u32s(prog_fd, ifindex, BPF_XDP, mode_flags))


def tcx_egress_link_create(prog_fd: int, ifindex: int) -> int:
    """Attach a sched_cls program to ifindex's egress through a TCX link (6.6+); returns the link fd.

    Like an XDP link, it is detached when the last holder of the fd goes away, SIGKILL included;
    appended after any TCX program already there (no relative fd, no expected revision)."""
    return bpf(BPF_LINK_CREATE, _u32s(prog_fd, ifindex, BPF_TCX_EGRESS, 0))
