"""What one frame costs the mirror's XDP program, by how it reaches the ring buffer (root; a few seconds).

    .venv/bin/python -m bench.mirror_copy_cost [--runs N] [--snaplen S]

Two ways to put a variable-length frame in a BPF ring buffer, measured with BPF_PROG_TEST_RUN
(``repeat`` runs in the kernel, its mean duration per run) on 64- and 1500-byte frames:

- ``reserve``: bpf_ringbuf_reserve of a fixed-size record (header + snap length: the helper takes
  only a constant size), bpf_xdp_load_bytes straight into it, bpf_ringbuf_submit. One copy; every
  record as long as the largest.
- ``output``: bpf_xdp_load_bytes into a per-CPU scratch record, then bpf_ringbuf_output of header +
  the frame's length. Two copies; each record as long as its frame.

Each variant gets a fresh ring large enough for every run (no run finds it full), and the ring
bytes one record takes are printed beside the time: that is what decides how many frames a ring of
a given -B holds. bpf/mirror.c's comment quotes these figures.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys

SOURCE = r"""
#include <uapi/linux/bpf.h>
struct hdr { u64 ts; u32 wire; u32 cap; u32 ifindex; u32 dir; };
struct rec { struct hdr h; u8 data[SNAP]; };
BPF_RINGBUF_OUTPUT(ring, PAGES);
BPF_ARRAY(scratch, struct rec, 1);

static __always_inline u64 bounded(u32 cap)
{
    u64 n = cap;
    asm volatile("" : "+r"(n));
    if (n < 1 || n > SNAP)
        return 0;
    return n;
}

int v_reserve(struct xdp_md *ctx)
{
    u32 wire = bpf_xdp_get_buff_len(ctx);
    u64 n = bounded(wire < SNAP ? wire : SNAP);
    struct rec *r = ring.ringbuf_reserve(sizeof(struct rec));
    if (!r)
        return XDP_PASS;
    r->h.ts = bpf_ktime_get_ns();
    r->h.wire = wire;
    r->h.cap = n;
    if (n == 0 || bpf_xdp_load_bytes(ctx, 0, r->data, n) < 0) {
        ring.ringbuf_discard(r, 0);
        return XDP_PASS;
    }
    ring.ringbuf_submit(r, 0);
    return XDP_PASS;
}

int v_output(struct xdp_md *ctx)
{
    u32 key = 0;
    struct rec *r = scratch.lookup(&key);
    if (!r)
        return XDP_PASS;
    u32 wire = bpf_xdp_get_buff_len(ctx);
    u64 n = bounded(wire < SNAP ? wire : SNAP);
    r->h.ts = bpf_ktime_get_ns();
    r->h.wire = wire;
    r->h.cap = n;
    if (n == 0 || bpf_xdp_load_bytes(ctx, 0, r->data, n) < 0)
        return XDP_PASS;
    u64 len = sizeof(struct hdr) + n;
    asm volatile("" : "+r"(len));
    if (len > sizeof(struct rec))
        return XDP_PASS;
    ring.ringbuf_output(r, len, 0);
    return XDP_PASS;
}
"""


class _TestAttr(ctypes.Structure):
    _fields_ = [("prog_fd", ctypes.c_uint32), ("retval", ctypes.c_uint32), ("data_size_in", ctypes.c_uint32),
                ("data_size_out", ctypes.c_uint32), ("data_in", ctypes.c_uint64), ("data_out", ctypes.c_uint64),
                ("repeat", ctypes.c_uint32), ("duration", ctypes.c_uint32), ("pad", ctypes.c_uint8 * 48)]


def mean_ns(prog_fd: int, frame: bytes, runs: int) -> int:
    from xdpdump import bpfsys

    buf = ctypes.create_string_buffer(frame, len(frame))
    attr = _TestAttr(prog_fd=prog_fd, data_size_in=len(frame), data_in=ctypes.addressof(buf), repeat=runs)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(bpfsys._SYS_BPF, 10, ctypes.byref(attr), ctypes.sizeof(attr)) != 0:  # BPF_PROG_TEST_RUN
        raise OSError(ctypes.get_errno(), "BPF_PROG_TEST_RUN")
    return attr.duration


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.mirror_copy_cost", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=20000)
    p.add_argument("--snaplen", type=int, default=1514)
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        sys.stderr.write("bench.mirror_copy_cost: needs root\n")
        return 1
    from bcc import BPF

    record = 8 + 24 + args.snaplen
    pages = 1 << max(0, (record * args.runs // 4096)).bit_length()
    print(f"{args.runs} runs per figure, snap length {args.snaplen}, ring of {pages * 4096 >> 20} MiB")
    print("| frame | variant | ns per frame | ring bytes per record |")
    print("|---|---|---|---|")
    for size in (64, 1500):
        frame = bytes(12) + b"\x08\x00" + bytes(size - 14)
        for variant in ("reserve", "output"):
            module = BPF(text=SOURCE.encode(), cflags=[f"-DSNAP={args.snaplen}", f"-DPAGES={pages}"])
            try:
                fn = module.load_func(f"v_{variant}".encode(), BPF.XDP)
                ns = mean_ns(fn.fd, frame, args.runs)
            finally:
                module.cleanup()
            used = 8 + ((24 + (args.snaplen if variant == "reserve" else min(size, args.snaplen)) + 7) & ~7)
            print(f"| {size} B | {variant} | {ns} | {used} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
