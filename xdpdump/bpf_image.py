"""A loaded XDP program as the kernel needs it to load it again, without bcc.

Owns: reading, from a program bcc just loaded, its instructions, the definitions of the maps they
reference and which instruction references which map; loading such an image again (create the maps,
put their fds into the instructions, BPF_PROG_LOAD, check the kernel computed the same tag); and the
image's JSON form, checked field by field when read back.

bcc hands the kernel instructions in which every map reference is a BPF_LD_IMM64 with src_reg
BPF_PSEUDO_MAP_FD and the map's fd in imm; those are the only relocations an image may carry. An
image is refused (the program is simply not cached) for anything else: BPF-to-BPF calls, map values
(global data), BTF ids, or maps that need more than type, sizes and flags (maps of maps, BTF-only).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from xdpdump import bpfsys

INSN_BYTES = 8
_LD_IMM64 = 0x18  # BPF_LD | BPF_IMM | BPF_DW: two instruction slots
_CALL = 0x85  # BPF_JMP | BPF_CALL; src_reg 0 is a helper, anything else a subprogram or kfunc
_CALLX = 0x8D
_PSEUDO_MAP_FD = 1
MAX_INSNS = 1_000_000  # the kernel's BPF_COMPLEXITY_LIMIT_INSNS, so a bigger image is corrupt

# Maps whose definition is complete without BTF or an inner map, and that need no user-space set-up
# bcc would have done (tail-call and perf arrays are filled by bcc's Python side, so not cached).
_PLAIN_MAP_TYPES = frozenset({
    1,  # HASH
    2,  # ARRAY
    5,  # PERCPU_HASH
    6,  # PERCPU_ARRAY
    9,  # LRU_HASH
    10,  # LRU_PERCPU_HASH
    11,  # LPM_TRIE
    14,  # DEVMAP
    16,  # CPUMAP
    17,  # XSKMAP
    25,  # DEVMAP_HASH
})


# Flags the kernel adds to a map at creation and reports back, but refuses from user space: a
# DEVMAP's lookup returns a pointer to the device's ifindex, so the kernel makes it read-only to
# programs itself (dev_map_init_map) and rejects BPF_F_RDONLY_PROG at creation (EINVAL).
_BPF_F_RDONLY_PROG = 1 << 7
_KERNEL_SET_FLAGS = {14: _BPF_F_RDONLY_PROG, 25: _BPF_F_RDONLY_PROG}


class NotCacheable(Exception):
    """The program uses something an image cannot carry; it is loaded by bcc every time."""


class BadImage(Exception):
    """A stored image that is not a well-formed image (corrupt, or written by something else)."""


@dataclass(frozen=True)
class MapSpec:
    name: str
    type: int
    key_size: int
    value_size: int
    max_entries: int
    flags: int


@dataclass(frozen=True)
class ProgramImage:
    prog_type: int
    name: str  # the kernel's program name (bcc gives the function's, cut to 15 bytes)
    license: str
    kern_version: int
    tag: str  # the kernel's tag of the program bcc loaded; a reload must give the same
    insns: bytes  # map references' imm zeroed
    maps: tuple[MapSpec, ...]
    relocations: tuple[tuple[int, int], ...]  # (instruction index, map index)

    def to_json(self) -> dict:
        return {
            "prog_type": self.prog_type, "name": self.name, "license": self.license,
            "kern_version": self.kern_version, "tag": self.tag,
            "insns": base64.b64encode(self.insns).decode(),
            "maps": [vars(m) for m in self.maps],
            "relocations": [list(r) for r in self.relocations],
        }

    @classmethod
    def from_json(cls, doc: object) -> ProgramImage:
        """The image doc describes; BadImage unless every field has its type and fits the others."""
        try:
            assert isinstance(doc, dict)
            insns = base64.b64decode(_typed(doc["insns"], str), validate=True)
            maps = tuple(MapSpec(_typed(m["name"], str), *(_typed(m[f], int) for f in _MAP_INTS))
                         for m in _typed(doc["maps"], list))
            image = cls(
                prog_type=_typed(doc["prog_type"], int), name=_typed(doc["name"], str),
                license=_typed(doc["license"], str), kern_version=_typed(doc["kern_version"], int),
                tag=_typed(doc["tag"], str), insns=insns, maps=maps,
                relocations=tuple((_typed(i, int), _typed(m, int)) for i, m in _typed(doc["relocations"], list)),
            )
        except (AssertionError, KeyError, TypeError, ValueError) as e:
            raise BadImage(f"malformed image ({type(e).__name__}: {e})") from e
        image._check()
        return image

    def _check(self) -> None:
        count = len(self.insns) // INSN_BYTES
        if not self.insns or len(self.insns) % INSN_BYTES or count > MAX_INSNS:
            raise BadImage(f"instructions of {len(self.insns)} bytes")
        for spec in self.maps:
            if spec.type not in _PLAIN_MAP_TYPES or min(spec.key_size, spec.value_size, spec.max_entries) < 1:
                raise BadImage(f"map {spec.name!r} of type {spec.type} with sizes {spec.key_size}/{spec.value_size}")
        for index, map_index in self.relocations:
            if not (0 <= index < count - 1 and 0 <= map_index < len(self.maps)) or not _is_map_ref(self.insns, index):
                raise BadImage(f"relocation ({index}, {map_index}) points at no map reference")

    def load(self) -> tuple[int, list[int]]:
        """Create the maps and load the program: (program fd, map fds in self.maps' order), all owned
        by the caller. OSError if the kernel refuses any of it, BadImage if the program it loaded is
        not the one bcc loaded (another tag); nothing is left open then."""
        fds: list[int] = []
        prog_fd = -1
        try:
            for m in self.maps:
                fds.append(bpfsys.map_create(m.type, m.key_size, m.value_size, m.max_entries, m.flags, m.name))
            code = bytearray(self.insns)
            for index, map_index in self.relocations:
                at = index * INSN_BYTES + 4
                code[at : at + 4] = fds[map_index].to_bytes(4, "little", signed=True)
            prog_fd = bpfsys.prog_load(self.prog_type, bytes(code), self.license, self.name, self.kern_version)
            # The tag hashes the instructions with map references blanked: equal tags, equal code.
            tag = bpfsys.prog_info(prog_fd).tag
            if tag != self.tag:
                raise BadImage(f"the kernel tagged the program {tag}, not {self.tag}")
        except BaseException:
            for fd in (*fds, prog_fd):
                if fd >= 0:
                    os.close(fd)
            raise
        return prog_fd, fds


_MAP_INTS = ("type", "key_size", "value_size", "max_entries", "flags")


def _typed(value: object, kind: type) -> object:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{value!r} is not {kind.__name__}")
    return value


def _src_reg(insns: bytes, index: int) -> int:
    return insns[index * INSN_BYTES + 1] >> 4


def _is_map_ref(insns: bytes, index: int) -> bool:
    return insns[index * INSN_BYTES] == _LD_IMM64 and _src_reg(insns, index) == _PSEUDO_MAP_FD


def image_of_loaded(insns: bytes, prog_fd: int, prog_type: int, license: str, kern_version: int) -> ProgramImage:
    """The image of a program just loaded from insns (bcc's, with this process's map fds in them);
    NotCacheable if it holds a reference an image cannot carry."""
    if not insns or len(insns) % INSN_BYTES:
        raise NotCacheable(f"instructions of {len(insns)} bytes")
    code = bytearray(insns)
    count = len(insns) // INSN_BYTES
    maps: list[MapSpec] = []
    by_fd: dict[int, int] = {}
    relocations = []
    index = 0
    while index < count:
        op, src = insns[index * INSN_BYTES], _src_reg(insns, index)
        if op == _LD_IMM64:
            if src == _PSEUDO_MAP_FD:
                at = index * INSN_BYTES + 4
                fd = int.from_bytes(insns[at : at + 4], "little", signed=True)
                if fd not in by_fd:
                    by_fd[fd] = len(maps)
                    maps.append(_map_spec(fd))
                relocations.append((index, by_fd[fd]))
                code[at : at + 4] = bytes(4)
            elif src != 0:
                raise NotCacheable(f"instruction {index} loads a 64-bit immediate of kind {src}")
            index += 2
            continue
        if op == _CALLX or (op == _CALL and src != 0):
            raise NotCacheable(f"instruction {index} calls a subprogram or kernel function")
        index += 1
    info = bpfsys.prog_info(prog_fd)
    return ProgramImage(prog_type, info.name, license, kern_version, info.tag, bytes(code), tuple(maps),
                        tuple(relocations))


def _map_spec(fd: int) -> MapSpec:
    info = bpfsys.map_info(fd)
    if info.type not in _PLAIN_MAP_TYPES:
        raise NotCacheable(f"map {info.name!r} is of type {info.type}")
    flags = info.flags & ~_KERNEL_SET_FLAGS.get(info.type, 0)
    return MapSpec(info.name, info.type, info.key_size, info.value_size, info.max_entries, flags)
