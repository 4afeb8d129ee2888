"""A test-only producer for the record ring: a tiny cffi module, built into a pytest tmp dir from
native/record_ring.c, with a push function declared only here (the package has no producer without
sockets: what it can call is what production runs).

It writes into a ring made by the package (``RecordRing``), through the ring's address: the same
mapping, the same layout (the same header), a second copy of the producer code.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from cffi import FFI

ROOT = Path(__file__).resolve().parents[1]
NATIVE = ROOT / "native"
MODULE = "_xdpd_test_rr_push"

CDEF = """
int test_rr_push(uintptr_t rr, uint64_t ts_ns, uint32_t wire_len, const uint8_t *data, uint32_t cap_len,
                 uint16_t ifslot, uint16_t queue);
"""

SOURCE = r"""
#include <string.h>
#include "internal.h"
#include "record_ring.h"

/* 1 when stored, 0 when a consumer holds the space, -EMSGSIZE for a record over a quarter ring.
 * The ring has one producer: never call this while a capture loop produces into the same ring. */
int test_rr_push(uintptr_t p, uint64_t ts_ns, uint32_t wire_len, const uint8_t *data, uint32_t cap_len,
                 uint16_t ifslot, uint16_t queue)
{
    struct xdpd_record_ring *rr = (struct xdpd_record_ring *)p;
    if (xdpd_rr_geom_adopt(rr))   /* this copy of record_ring.c did not make the ring */
        return -ENOSPC;
    if (cap_len > rr->data_size / 4)
        return -EMSGSIZE;
    struct xdpd_record *rec = xdpd_rr_reserve(rr, cap_len);
    if (!rec)
        return 0;
    rec->wire_len = wire_len;
    rec->ifslot = ifslot;
    rec->queue = queue;
    rec->ts_ns = ts_ns;
    memcpy(rec->data, data, cap_len);
    xdpd_rr_commit(rr, rec);
    xdpd_rr_publish(rr);
    __atomic_store_n(&rr->captured, rr->captured + 1, __ATOMIC_RELEASE);
    __atomic_store_n(&rr->bytes, rr->bytes + cap_len, __ATOMIC_RELAXED);
    return 1;
}
"""


def build(tmpdir: Path) -> Any:
    """Compile the helper into tmpdir and import it; returns its ``lib``."""
    ffi = FFI()
    ffi.cdef(CDEF)
    ffi.set_source(MODULE, SOURCE, sources=[str(NATIVE / n) for n in ("record_ring.c", "clock.c", "error.c")],
                   include_dirs=[str(NATIVE)], extra_compile_args=["-O2", "-std=gnu11"])
    path = ffi.compile(tmpdir=str(tmpdir))
    spec = importlib.util.spec_from_file_location(MODULE, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[MODULE] = module
    spec.loader.exec_module(module)
    return module.lib


class Pusher:
    """push(ring, data, ts_ns, ...) as the old RecordRing.push: False when a consumer holds the space."""

    def __init__(self, lib: Any) -> None:
        self.lib = lib

    def __call__(self, ring: Any, data: bytes, ts_ns: int, wire_len: int | None = None, ifslot: int = 0,
                 queue: int = 0) -> bool:
        from xdpdump.xsk._native import ffi

        addr = int(ffi.cast("uintptr_t", ring._handle()))
        rc = self.lib.test_rr_push(addr, ts_ns, len(data) if wire_len is None else wire_len, data, len(data),
                                   ifslot, queue)
        assert rc >= 0, rc
        return bool(rc)
