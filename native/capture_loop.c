/* capture_loop.c - the AF_XDP capture, a producer: RX rings of all sockets -> record ring, fill rings
 * refilled.
 *
 * One step: refill every fill ring, drain RX bursts into the record ring (stopping at the first record
 * that does not fit: the rest stay on the RX ring and the kernel counts what it cannot deliver), wake
 * the kernel when a fill ring asks for it, and when nothing moved sleep in ppoll() on all sockets so an
 * idle capture costs no CPU.
 *
 * Timestamps: each frame's is the capture program's bpf_ktime_get_ns() at the match, which it put
 * in the XDP metadata in front of the frame (bpf/xsk_redirect.c). In copy mode the kernel copies the
 * metadata into the UMEM frame with the frame (seen on veth in native and skb mode by
 * tests/test_timestamps.py); in zero-copy the program writes in the UMEM frame itself. The stamp is
 * CLOCK_MONOTONIC plus rt_offset (CLOCK_REALTIME - CLOCK_MONOTONIC, sampled again every second so a
 * stepped wall clock is followed). A frame without the stamp (a device that cannot carry metadata)
 * gets the pass's wall-clock time, as every frame did before. Within one socket (one queue) a stamp
 * never goes below the one before it: stamps are clamped to the socket's last. Frames of a queue can
 * reach the RX ring out of stamp order (in skb mode two CPUs can run the program for one queue, then
 * queue for the socket's lock), and a new offset can be smaller than the last.
 *
 * The socket set, the "record one RX batch" step and the stop mark are shared with the inline tap
 * (tap.c), which is a producer of its own.
 *
 * By reference (with -w, when the only consumer is the native writer): the record of a large frame
 * is the frame's place in UMEM, not a copy of it; the writer reads the frame straight from UMEM
 * (mapped read-only in its role). Such a frame stays held until every consumer of the ring has passed
 * its record, then goes back to the free list and the fill ring (reclaim()): the frames the UMEM has
 * beyond the fill ring bound how far the writer may lag before the kernel counts drops. Frames of up
 * to XDPD_REF_MIN_BYTES are still copied: the memmove that was 60% of the net role's profile at 64
 * bytes was the cache miss on the frame the kernel wrote on another CPU, and by reference the writer
 * paid the same miss plus the bookkeeping (same-run medians: 1.13x the copy's CPU at 64 bytes, 0.96x
 * at 1500, where the copy of the bytes themselves is what is saved).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_loop.h"

void xdpd_capture_init(struct xdpd_capture *c, struct xdpd_record_ring *rr, uint32_t snaplen, uint64_t count)
{
    c->rr = rr;
    c->snaplen = snaplen;
    c->count = count;
    xdpd_rr_geom_snaplen(rr, snaplen);   /* set-up, before the fork: what consumers check against */
}

int xdpd_capture_add_socket(xdpd_capture *c, xdpd_socket *s, uint16_t ifslot)
{
    if (c->n >= XDPD_MAX_SOCKETS || c->rr->nsockets >= XDPD_MAX_SOCKETS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "more than %d sockets in one capture", XDPD_MAX_SOCKETS);
    if (!s->rx.map)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "capture of socket fd=%d, which has no rx ring",
                                  s->fd);
    int umem_seen = 0;
    for (uint32_t j = 0; j < c->n; j++)
        umem_seen |= c->socks[j]->umem == s->umem;
    if (c->by_ref && !umem_seen) {
        /* Room to remember every frame of the UMEM as held: no more can be. Set-up: nothing is held. */
        uint32_t cap = c->held_cap + s->umem->nframes;
        struct xdpd_held_frame *q = realloc(c->held_q, (size_t)cap * sizeof(*q));
        if (!q)
            return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "realloc of %u held frames", cap);
        c->held_q = q;
        c->held_cap = cap;
    }
    uint32_t slot = c->rr->nsockets++;
    struct xdpd_socket_counters *sc = &c->rr->sockets[slot];
    memset(sc, 0, sizeof(*sc));
    sc->ifindex = s->ifindex;
    sc->ifslot = ifslot;
    sc->queue = (uint16_t)s->queue;
    sc->zerocopy = (uint32_t)s->zerocopy;
    sc->used = 1;
    int64_t budget = (int64_t)c->held_budget + (umem_seen ? 0 : s->umem->nframes) - s->fill.size;
    c->held_budget = budget > 0 ? (uint32_t)budget : 0;
    c->rr->held_budget = c->held_budget;   /* for the writer (pcap_writer.c); this loop uses its own */
    c->rr->umem_base[slot] = (uint64_t)(uintptr_t)s->umem->area;
    c->rr->umem_len[slot] = s->umem->len;
    xdpd_rr_geom_umem(c->rr, slot, (uint64_t)(uintptr_t)s->umem->area, s->umem->len, c->by_ref);
    xdpd_rr_geom_ifslot(c->rr, ifslot);
    c->by_slot[slot] = (uint8_t)c->n;
    c->socks[c->n] = s;
    c->slot[c->n] = slot;
    c->ifslot[c->n] = ifslot;
    c->pfd[c->n].fd = s->fd;
    c->pfd[c->n].events = POLLIN;
    c->n++;
    xdpd_fill_refill(s);
    return (int)slot;
}

#define OFFSET_REFRESH_NS 1000000000ull

uint64_t xdpd_capture_clock(struct xdpd_capture *c)
{
    uint64_t now = xdpd_mono_ns();
    if (!c->offset_at || now - c->offset_at >= OFFSET_REFRESH_NS) {
        c->rt_offset = xdpd_realtime_offset_ns();
        c->offset_at = now;
    }
    return now + (uint64_t)c->rt_offset;
}

/* The stamp of the frame at `frame` on socket i: the program's, or `fallback`; never below the last.
 * The metadata lies in the frame's headroom (XDP_PACKET_HEADROOM), inside its UMEM frame. A headroom
 * the program never stamped holds no magic: the UMEM starts zeroed, and only the program writes there
 * (in this socket's UMEM, frames of this one device). */
static inline uint64_t rx_stamp(struct xdpd_capture *c, uint32_t i, const uint8_t *frame, uint64_t fallback)
{
    struct xdpd_rx_meta meta;
    memcpy(&meta, frame - sizeof(meta), sizeof(meta));
    uint64_t ts = meta.magic == XDPD_RX_META_MAGIC ? meta.ts_ns + (uint64_t)c->rt_offset : fallback;
    if (ts < c->last_ts[i])
        ts = c->last_ts[i];
    c->last_ts[i] = ts;
    return ts;
}

/* The stamp's cache line (just before the frame's) and the frame's first are where the kernel wrote
 * them, on another CPU: asking for them a few descriptors ahead overlaps the misses. Measured with
 * scripts/bench against main (same-run ratios of capture CPU per frame, on a loaded 2-vCPU VM): reading
 * the stamp without prefetching cost 1.11x at 64 bytes (1.06-1.14, 3 runs) and 1.05x at 1500 (1.03-
 * 1.09); with it, 0.95x (0.86-1.00, 6 runs) and 1.06x (1.01-1.13). Prefetching only the stamp's line
 * of a frame recorded by reference (whose bytes this role never reads) measured no better. */
#define PREFETCH_AHEAD 8u
static inline void prefetch_frame(const struct xdpd_umem *u, const struct xdp_desc *d)
{
    __builtin_prefetch(u->area + d->addr - sizeof(struct xdpd_rx_meta));
    __builtin_prefetch(u->area + d->addr);
}

uint32_t xdpd_record_rx(struct xdpd_capture *c, uint32_t i, uint32_t idx, uint32_t n, uint64_t ts,
                        uint64_t *bytes, int *blocked)
{
    struct xdpd_socket *s = c->socks[i];
    struct xdpd_umem *u = s->umem;
    uint16_t ifslot = c->ifslot[i];
    uint32_t done;
    for (uint32_t k = 0; k < n && k < PREFETCH_AHEAD; k++)
        prefetch_frame(u, xdpd_ring_desc(&s->rx, idx + k));
    for (done = 0; done < n; done++) {
        /* The descriptor is read once (the ring is shared memory) and checked against the UMEM
         * before any byte of its frame is: the kernel writes only good ones, but a role that is not
         * the kernel could write others. */
        const struct xdp_desc dd = *xdpd_ring_desc(&s->rx, idx + done), *d = &dd;
        if (d->addr < sizeof(struct xdpd_rx_meta) || d->addr > u->len || d->len > u->len - d->addr) {
            c->failed = xdpd_fail(XDPD_STEP_STATE, EPROTO, "RX descriptor addr=%llu len=%u outside the UMEM (%zu bytes)",
                                  (unsigned long long)d->addr, d->len, u->len);
            *blocked = 1;
            break;
        }
        if (done + PREFETCH_AHEAD < n)
            prefetch_frame(u, xdpd_ring_desc(&s->rx, idx + done + PREFETCH_AHEAD));
        uint32_t cap = d->len < c->snaplen ? d->len : c->snaplen;
        int ref = xdpd_capture_by_ref(c, cap);
        if (ref && c->held_len == c->held_cap) {   /* cannot be: a held frame is a UMEM frame */
            c->failed = xdpd_fail_internal(XDPD_STEP_STATE, EOVERFLOW, "%u frames held", c->held_len);
            *blocked = 1;
            break;
        }
        struct xdpd_record *rec = ref ? xdpd_rr_reserve_ref(c->rr, cap) : xdpd_rr_reserve(c->rr, cap);
        if (!rec) {
            *blocked = 1;
            break;
        }
        rec->wire_len = d->len;
        rec->ifslot = ifslot;
        rec->queue = (uint16_t)s->queue;
        rec->ts_ns = rx_stamp(c, i, u->area + d->addr, ts);
        if (ref) {
            uint64_t where = xdpd_rec_ref(c->slot[i], d->addr);
            memcpy(rec->data, &where, sizeof(where));
        } else {
            memcpy(rec->data, u->area + d->addr, cap);
        }
        xdpd_rr_commit(c->rr, rec);
        if (ref) {
            uint32_t at = c->held_head + c->held_len;
            c->held_q[at >= c->held_cap ? at - c->held_cap : at] =
                (struct xdpd_held_frame){ xdpd_rr_producer(c->rr)->local, xdpd_rec_ref(c->slot[i], d->addr) };
            c->held_len++;
        }
        *bytes += cap;
    }
    return done;
}

void xdpd_capture_count(struct xdpd_capture *c, uint32_t i, uint32_t moved, uint64_t bytes)
{
    if (!moved)
        return;
    /* Only the net role writes these; the supervisor reads them (relaxed: statistics). */
    struct xdpd_socket_counters *sc = &c->rr->sockets[c->slot[i]];
    __atomic_store_n(&sc->captured, sc->captured + moved, __ATOMIC_RELAXED);
    __atomic_store_n(&sc->bytes, sc->bytes + bytes, __ATOMIC_RELAXED);
    __atomic_store_n(&c->rr->bytes, c->rr->bytes + bytes, __ATOMIC_RELAXED);
}

void xdpd_capture_pass_end(struct xdpd_capture *c, uint32_t moved, int blocked)
{
    if (c->n)
        c->next = (c->next + 1) % c->n;
    if (moved) {
        xdpd_rr_publish(c->rr);
        __atomic_store_n(&c->rr->captured, c->rr->captured + moved, __ATOMIC_RELEASE);
    }
    if (blocked)
        __atomic_store_n(&c->rr->ring_full, c->rr->ring_full + 1, __ATOMIC_RELAXED);
}

/* By reference: give back the frames of every record all consumers have passed. Which frames, and
 * where their records end, come from held_q (this process's memory), and how far the consumers are
 * from xdpd_rr_consumed (their positions, checked): never from the records in the shared ring, which
 * a role could rewrite to make a frame go back twice (two frames then written into one). Measured
 * with scripts/bench against the branch point (same-run ratios of capture CPU per frame, loaded
 * 2-vCPU VM, 1M frames): 64 bytes 0.94-1.05x (median 1.00, 7 runs), 1500 bytes 0.98-1.19x (median
 * 1.01); with the order of the two swapped (2 runs) this one cost 0.96-0.98x of the branch point. */
static void reclaim(struct xdpd_capture *c)
{
    struct xdpd_rr_prod *p = xdpd_rr_producer(c->rr);
    if (c->held_len) {
        uint64_t upto = xdpd_rr_consumed(c->rr);
        while (c->held_len && c->held_q[c->held_head].end <= upto) {
            uint64_t ref = c->held_q[c->held_head].ref;
            struct xdpd_socket *s = c->socks[c->by_slot[ref >> 48]];
            xdpd_frame_push(s->umem, ref & XDPD_REF_ADDR_MASK);
            s->held--;
            c->held--;
            c->held_head = c->held_head + 1 == c->held_cap ? 0 : c->held_head + 1;
            c->held_len--;
        }
    }
    /* Space is reused only below the oldest record still holding a frame (where it starts); with
     * none held, below anything written so far (copies: the consumers' positions guard those). */
    p->reclaimed = c->held_len ? c->held_q[c->held_head].end - xdpd_rec_size(sizeof(uint64_t)) : p->local;
}

/* Moves up to `limit` frames of one socket; sets *blocked when the record ring had no room. */
static uint32_t drain_socket(struct xdpd_capture *c, uint32_t i, uint32_t limit, uint64_t ts, int *blocked)
{
    struct xdpd_socket *s = c->socks[i];
    struct xdpd_umem *u = s->umem;
    uint32_t moved = 0;
    uint64_t bytes = 0;
    while (moved < limit && !*blocked) {
        uint32_t idx, want = limit - moved < XDPD_RX_BATCH ? limit - moved : XDPD_RX_BATCH;
        uint32_t n = xdpd_cons_peek(&s->rx, want, &idx);
        if (n == 0)
            break;
        uint32_t done = xdpd_record_rx(c, i, idx, n, ts, &bytes, blocked);
        for (uint32_t k = 0; k < done; k++) {
            const struct xdp_desc *d = xdpd_ring_desc(&s->rx, idx + k);
            if (xdpd_capture_by_ref(c, d->len < c->snaplen ? d->len : c->snaplen)) {
                s->held++;   /* back when the consumers have passed its record (reclaim) */
                c->held++;
            } else {
                xdpd_frame_push(u, d->addr);
            }
        }
        if (c->by_ref)
            reclaim(c);
        xdpd_cons_cancel(&s->rx, n - done);
        if (done) {
            xdpd_cons_release(&s->rx, done);
            s->rx_path -= done;
            moved += done;
            /* Hand the copied frames straight back to the kernel: refilling only after a long drain
             * would leave the fill ring empty meanwhile, and at 1.5 Mpps a 4096-frame drain is long
             * enough for the kernel to drop hundreds of frames (rx_fill_ring_empty_descs). */
            xdpd_fill_refill(s);
        }
    }
    xdpd_capture_count(c, i, moved, bytes);
    return moved;
}

static int capture_pass(struct xdpd_capture *c, uint32_t limit, int *blocked)
{
    uint64_t ts = xdpd_capture_clock(c);
    uint32_t moved = 0;
    if (c->by_ref)
        reclaim(c);
    for (uint32_t k = 0; k < c->n; k++) {
        uint32_t i = (c->next + k) % c->n;
        struct xdpd_socket *s = c->socks[i];
        xdpd_fill_refill(s);
        if (moved < limit && !*blocked)
            moved += drain_socket(c, i, limit - moved, ts, blocked);
        xdpd_fill_refill(s);
        xdpd_fill_wakeup(s);
    }
    xdpd_congestion_after_pass(c, *blocked);
    xdpd_capture_pass_end(c, moved, *blocked);
    return (int)moved;
}

void xdpd_capture_mark_stop(struct xdpd_capture *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        c->stop_at[i] = __atomic_load_n(c->socks[i]->rx.producer, __ATOMIC_ACQUIRE);
}

uint32_t xdpd_capture_headroom(const struct xdpd_capture *c)
{
    uint32_t least = UINT32_MAX;
    for (uint32_t i = 0; i < c->n; i++) {
        uint32_t frames = c->socks[i]->fill.size < c->socks[i]->rx.size ? c->socks[i]->fill.size
                                                                         : c->socks[i]->rx.size;
        if (frames < least)
            least = frames;
    }
    return c->n ? least : 0;
}

uint32_t xdpd_capture_pending_at_stop(const struct xdpd_capture *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n; i++) {
        /* Ring indices wrap: the signed distance says whether the consumer has passed the mark. */
        int32_t left = (int32_t)(c->stop_at[i] - *c->socks[i]->rx.consumer);
        if (left > 0)
            n += (uint32_t)left;
    }
    return n;
}

int xdpd_capture_done(const struct xdpd_capture *c)
{
    return c->count && c->rr->captured >= c->count;
}

uint32_t xdpd_capture_limit(const struct xdpd_capture *c, uint32_t budget)
{
    uint32_t limit = budget;
    if (c->count && c->count - c->rr->captured < limit)
        limit = (uint32_t)(c->count - c->rr->captured);
    return limit;
}

int xdpd_capture_wait(struct xdpd_capture *c, int timeout_ms, int busy)
{
    if (busy) {
        /* Frames are waiting but a ring downstream is full (POLLIN would return at once), or a TX
         * ring still owes completions: look again shortly instead. */
        xdpd_sleep_ms(1);
        return 1;
    }
    struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
    int r = ppoll(c->pfd, c->n, &ts, NULL);
    if (r < 0 && errno != EINTR)
        return xdpd_fail(XDPD_STEP_POLL, errno, "ppoll(%u AF_XDP sockets, POLLIN, timeout=%d ms)", c->n, timeout_ms);
    return r > 0 ? r : 0;
}

/* By reference: a fill ring is short because its frames wait for the consumers. Blocking on the
 * sockets then would be wrong: nothing arrives while the fill ring is empty (the kernel drops), so
 * nothing would wake the loop when the consumers let go of the frames. */
static int waiting_for_consumers(const struct xdpd_capture *c)
{
    if (!c->by_ref)
        return 0;
    for (uint32_t i = 0; i < c->n; i++)
        if (c->socks[i]->held && c->socks[i]->rx_path < c->socks[i]->fill.size)
            return 1;
    return 0;
}

static int capture_step(struct xdpd_capture *c, int timeout_ms, uint32_t budget)
{
    if (xdpd_capture_done(c) || budget == 0)
        return 0;
    uint32_t limit = xdpd_capture_limit(c, budget);
    int blocked = 0;
    int moved = capture_pass(c, limit, &blocked);
    if (c->failed)
        return c->failed;
    if (moved != 0 || timeout_ms <= 0)
        return moved;
    /* Congested: nothing arrives to wake the loop (the program passes frames on), so look for room shortly. */
    int r = xdpd_capture_wait(c, timeout_ms, blocked || waiting_for_consumers(c) || c->congestion.raised);
    if (r <= 0)
        return r;
    blocked = 0;
    moved = capture_pass(c, limit, &blocked);
    return c->failed ? c->failed : moved;
}

int xdpd_capture_update_stats(struct xdpd_capture *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        struct xdpd_xsk_stats st;
        int err = xdpd_socket_stats(c->socks[i], &st);
        if (err)
            return err;
        struct xdpd_socket_counters *sc = &c->rr->sockets[c->slot[i]];
        memcpy(&sc->xdp, &st, sizeof(st));
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

void xdpd_capture_fd_range(const struct xdpd_capture *c, int *first, int *last)
{
    *first = -1;
    *last = -1;
    for (uint32_t i = 0; i < c->n; i++) {
        int fd = c->socks[i]->fd;
        if (*first < 0 || fd < *first)
            *first = fd;
        if (fd > *last)
            *last = fd;
    }
}

/* --- the producer ops ---------------------------------------------------------------------------- */

static int op_step(void *self, int timeout_ms, uint32_t budget)
{
    return capture_step(self, timeout_ms, budget);
}

static void op_mark_stop(void *self)
{
    xdpd_capture_mark_stop(self);
}

static uint32_t op_pending_at_stop(const void *self)
{
    return xdpd_capture_pending_at_stop(self);
}

static int op_flush(void *self, int timeout_ms)
{
    return 0;   /* a capture transmits nothing */
}

static int op_update_stats(void *self)
{
    return xdpd_capture_update_stats(self);
}

static uint32_t op_headroom(const void *self)
{
    return xdpd_capture_headroom(self);
}

static int op_done(const void *self)
{
    return xdpd_capture_done(self);
}

static void op_fd_range(const void *self, int *first, int *last)
{
    xdpd_capture_fd_range(self, first, last);
}

static const struct xdpd_producer_ops capture_ops = {
    .step = op_step,
    .mark_stop = op_mark_stop,
    .pending_at_stop = op_pending_at_stop,
    .flush = op_flush,
    .update_stats = op_update_stats,
    .headroom = op_headroom,
    .done = op_done,
    .fd_range = op_fd_range,
};

int xdpd_capture_create(xdpd_capture **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count, int by_ref)
{
    if (by_ref && (rr->prod || rr->nsockets))
        return xdpd_fail_internal(XDPD_STEP_STATE, EBUSY, "a capture by reference into a ring already in use");
    if (snaplen == 0)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "snap length 0");
    struct xdpd_capture *c = calloc(1, sizeof(*c));
    if (!c)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of the capture", sizeof(*c));
    xdpd_capture_init(c, rr, snaplen, count);
    c->by_ref = !!by_ref;
    rr->by_ref = (uint32_t)c->by_ref;
    c->producer.ops = &capture_ops;
    c->producer.self = c;
    c->producer.rr = rr;
    *out = c;
    return 0;
}

void xdpd_capture_destroy(xdpd_capture *c)
{
    xdpd_congestion_close(&c->congestion);
    free(c->held_q);
    free(c);
}

xdpd_producer *xdpd_capture_producer(xdpd_capture *c)
{
    return &c->producer;
}
