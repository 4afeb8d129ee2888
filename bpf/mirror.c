/* mirror.c - xdpdump's mirror capture (--mirror): copies of the frames the filter matches go to BPF
 * ring buffers; every frame goes on (XDP_PASS on ingress, TCX_NEXT on egress), so nothing is taken.
 *
 * Compiled by bcc as FILTER_SOURCE + RINGS_SOURCE + "\n" + this file, with -DXDPD_NCPU (possible
 * CPUs), -DXDPD_SNAP (the capture's snap length, the most a record carries). FILTER_SOURCE defines
 *     static __always_inline unsigned int xdpd_filter(void *data, void *data_end);
 * returning the snap length (0 = no match); RINGS_SOURCE (xdpdump/producers/mirror_program.py)
 * declares one ring buffer per shard and
 *     static __always_inline long xdpd_ring_output(u32 shard, void *rec, u64 len);
 * Shards are per CPU: producers on different CPUs never contend on one ring's spinlock.
 *
 * A record in a ring is struct xdpd_mhdr and cap_len bytes (native/mirror_loop.c reads it).
 *
 * Why bpf_ringbuf_output of variable lengths from a per-CPU scratch record, and not
 * bpf_ringbuf_reserve of fixed-size records: bpf_ringbuf_reserve takes only a constant size, so a
 * reserved record must be as long as the largest capture (the snap length), while a 64-byte frame
 * needs 24 + 64 bytes. Measured with BPF_PROG_TEST_RUN (`python -m bench.mirror_copy_cost`: 20000
 * runs, snap length 1514, a ring no run finds full; this 2-CPU VM, two runs each):
 *     64 B frame:   reserve+load+submit 114, 114 ns; load into scratch+output 94, 95 ns
 *     1500 B frame: reserve+load+submit 326, 365 ns; load into scratch+output 333, 334 ns
 * The second copy costs nothing measurable at 1500 bytes (within the runs' spread), and at 64 bytes
 * the fixed record is slower: each one spans 1552 bytes of ring, a new cache line and soon a new
 * page per frame, where a variable one takes 96. And a ring of a given -B holds 16 times fewer
 * small frames as fixed records before the kernel must drop; bursts of small frames are what
 * overflow a ring. So: variable lengths.
 *
 * xdpd_mcount (an mmapable array, read by the net role and the supervisor without a system call):
 * per CPU and direction, XDPD_MC_N counters: seen, matched, captured, dropped (ring full), dropped
 * (copy failed). captured + both dropped == matched for every frame that was seen.
 * xdpd_mctl[0] (mmapable): set by the net role at its stop; from then on frames are not looked at,
 * so the drain that follows leaves the counters exact.
 */
#include <uapi/linux/bpf.h>
#include <uapi/linux/pkt_cls.h>

#define XDPD_DIR_IN 1
#define XDPD_DIR_OUT 2
#define XDPD_MC_SEEN 0
#define XDPD_MC_MATCHED 1
#define XDPD_MC_CAPTURED 2
#define XDPD_MC_DROP_FULL 3
#define XDPD_MC_DROP_COPY 4
#define XDPD_MC_N 5
#define XDPD_PULL 256   /* linear bytes the filter may need on egress (headers, deep byte tests) */
#define XDPD_TCX_NEXT -1

struct xdpd_mhdr {
    u64 ts_ns;          /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
    u32 wire_len;
    u32 cap_len;
    u32 ifindex;
    u32 direction;
};

struct xdpd_mrec {
    struct xdpd_mhdr h;
    u8 data[XDPD_SNAP];
};

BPF_ARRAY(xdpd_scratch, struct xdpd_mrec, XDPD_NCPU * 2);
BPF_F_TABLE("array", u32, u64, xdpd_mcount, XDPD_NCPU * 2 * XDPD_MC_N, (1U << 10) /* BPF_F_MMAPABLE */);
BPF_F_TABLE("array", u32, u64, xdpd_mctl, 1, (1U << 10) /* BPF_F_MMAPABLE */);

static __always_inline void xdpd_mcount_add(u32 base, u32 counter)
{
    u32 key = base + counter;
    u64 *v = xdpd_mcount.lookup(&key);
    if (v)
        *v += 1;    /* one writer per slot: this CPU, this direction */
}

static __always_inline int xdpd_stopped(void)
{
    u32 key = 0;
    u64 *v = xdpd_mctl.lookup(&key);
    return v && *v;
}

/* The scratch record of this CPU and direction, with the capture length bounded for the verifier;
 * NULL (counted) when there is none. */
static __always_inline struct xdpd_mrec *xdpd_begin(u32 cpu, u32 dir, u32 base, u32 snap, u32 wire, u32 ifindex,
                                                    u32 *cap_out)
{
    u32 key = cpu * 2 + dir - 1;
    struct xdpd_mrec *r = xdpd_scratch.lookup(&key);
    if (!r) {
        xdpd_mcount_add(base, XDPD_MC_DROP_COPY);
        return 0;
    }
    u32 cap = snap < wire ? snap : wire;
    if (cap > XDPD_SNAP)
        cap = XDPD_SNAP;
    r->h.ts_ns = bpf_ktime_get_ns();
    r->h.wire_len = wire;
    r->h.cap_len = cap;
    r->h.ifindex = ifindex;
    r->h.direction = dir;
    *cap_out = cap;
    return r;
}

/* The copy length as the verifier must see it, bounded by tests on the register the helper gets
 * (clang would otherwise fold the clamps above into arithmetic the verifier cannot follow). */
static __always_inline u64 xdpd_bounded(u32 cap)
{
    u64 n = cap;
    asm volatile("" : "+r"(n));
    if (n < 1 || n > XDPD_SNAP)
        return 0;
    return n;
}

static __always_inline void xdpd_emit(u32 cpu, u32 base, struct xdpd_mrec *r, u32 cap)
{
    u64 len = sizeof(struct xdpd_mhdr) + (u64)cap;
    asm volatile("" : "+r"(len));
    if (len > sizeof(struct xdpd_mrec))
        return;
    /* Flags 0: the kernel's adaptive notification wakes the consumer only when it had caught up;
     * while frames flow the net role naps on a timer and never sits on the ring's wait queue. */
    if (xdpd_ring_output(cpu % XDPD_NSHARDS, r, len) == 0)
        xdpd_mcount_add(base, XDPD_MC_CAPTURED);
    else
        xdpd_mcount_add(base, XDPD_MC_DROP_FULL);
}

int xdpd_mirror_in(struct xdp_md *ctx)
{
    if (xdpd_stopped())
        return XDP_PASS;
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    u32 cpu = bpf_get_smp_processor_id();
    if (cpu >= XDPD_NCPU)
        return XDP_PASS;
    u32 base = (cpu * 2 + XDPD_DIR_IN - 1) * XDPD_MC_N;
    xdpd_mcount_add(base, XDPD_MC_SEEN);
    u32 snap = xdpd_filter(data, data_end);
    if (snap == 0)
        return XDP_PASS;
    xdpd_mcount_add(base, XDPD_MC_MATCHED);
    u32 cap = 0;
    u32 wire = bpf_xdp_get_buff_len(ctx);   /* every fragment of a multi-buffer frame */
    struct xdpd_mrec *r = xdpd_begin(cpu, XDPD_DIR_IN, base, snap, wire, ctx->ingress_ifindex, &cap);
    if (!r)
        return XDP_PASS;
    u64 n = xdpd_bounded(cap);
    if (n == 0 || bpf_xdp_load_bytes(ctx, 0, r->data, n) < 0) {
        xdpd_mcount_add(base, XDPD_MC_DROP_COPY);
        return XDP_PASS;
    }
    xdpd_emit(cpu, base, r, cap);
    return XDP_PASS;
}

int xdpd_mirror_out(struct __sk_buff *skb)
{
    if (xdpd_stopped())
        return XDPD_TCX_NEXT;
    u32 cpu = bpf_get_smp_processor_id();
    if (cpu >= XDPD_NCPU)
        return XDPD_TCX_NEXT;
    u32 base = (cpu * 2 + XDPD_DIR_OUT - 1) * XDPD_MC_N;
    xdpd_mcount_add(base, XDPD_MC_SEEN);
    u32 wire = skb->len;    /* a GSO super-packet whole, as the stack and tcpdump see it */
    u32 want = wire < XDPD_PULL ? wire : XDPD_PULL;
    if ((long)skb->data_end - (long)skb->data < want)
        bpf_skb_pull_data(skb, want);   /* the filter reads headers directly: make them linear */
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    u32 snap = xdpd_filter(data, data_end);
    if (snap == 0)
        return XDPD_TCX_NEXT;
    xdpd_mcount_add(base, XDPD_MC_MATCHED);
    u32 cap = 0;
    struct xdpd_mrec *r = xdpd_begin(cpu, XDPD_DIR_OUT, base, snap, wire, skb->ifindex, &cap);
    if (!r)
        return XDPD_TCX_NEXT;
    u64 n = xdpd_bounded(cap);
    if (n == 0 || bpf_skb_load_bytes(skb, 0, r->data, n) < 0) {   /* follows fragments: non-linear skbs */
        xdpd_mcount_add(base, XDPD_MC_DROP_COPY);
        return XDPD_TCX_NEXT;
    }
    xdpd_emit(cpu, base, r, cap);
    return XDPD_TCX_NEXT;
}
