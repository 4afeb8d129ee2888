"""cffi build script for ``xdpdump._native`` (API, out-of-line mode).

Run by the package build through ``setup.py`` (``cffi_modules``); never at import time. The cdef is
native/xdpd.h itself, minus preprocessor lines other than plain ``#define NAME number``, so the C
header is the single description of the API.
"""

from __future__ import annotations

import re
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
SOURCES = [
    "error.c",
    "clock.c",
    "umem.c",
    "socket.c",
    "fill_ring.c",
    "stats.c",
    "tx.c",
    "record_ring.c",
    "capture_loop.c",
    "pcap_writer.c",
    "tap.c",
    "net_loop.c",
    "policy_filters.c",
    "role.c",
    "replay.c",
]
HEADERS = ["xdpd.h", "ring.h", "internal.h", "record_ring.h", "producer.h", "capture_loop.h"]
_DEFINE = re.compile(r"#define\s+\w+\s+\d+\s*$")


def cdef_text(header: str) -> str:
    """The header as cffi's cdef parser accepts it."""
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)  # comments first: a #define may carry one
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not _DEFINE.match(stripped):
            continue
        out.append(line)
    return "\n".join(out)


ffibuilder = FFI()
ffibuilder.cdef(cdef_text((HERE / "xdpd.h").read_text()))
ffibuilder.set_source(
    "xdpdump._native",
    '#include "xdpd.h"',
    # Relative to the project root, where setuptools runs the build.
    sources=[f"native/{name}" for name in SOURCES],
    include_dirs=["native"],
    # The generated seccomp headers are compiled in (policy_filters.c): a regenerated one rebuilds.
    depends=[f"native/{name}" for name in HEADERS] + sorted(
        f"native/generated/{p.name}" for p in (HERE / "generated").glob("*_seccomp.h")),
    extra_compile_args=["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
