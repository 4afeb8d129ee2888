/* tap.c - the inline tap, a producer: it records like the capture (the same "record one RX batch"
 * step, capture_loop.c) and transmits every recorded frame out of OUT's TX ring.
 *
 * When OUT's socket shares the UMEM of IN's sockets (XDP_SHARED_UMEM), a received frame is forwarded
 * without a copy: its RX descriptor's address goes straight onto OUT's TX ring, the frame changes hands
 * from IN's rx path to OUT's tx path, and OUT's completion ring returns it to the free list, from which
 * IN's fill rings are refilled. Otherwise (the kernel refused the sharing) the frame is copied into a
 * frame of OUT's own UMEM and IN's frame is freed at once.
 *
 * Back-pressure, not loss: a frame leaves IN's RX ring only when it has both a record-ring slot and a
 * TX slot (and, when copying, a free frame of OUT's). Otherwise it waits there, and if OUT stays slower
 * than IN the kernel drops at IN's RX ring and counts it (rx_ring_full, rx_dropped), as for a capture.
 * Every frame is always in exactly one place: free, IN's rx path, or OUT's tx path (xdpd_umem_check).
 *
 * The counters live in a MAP_SHARED page of the tap's own, mapped at create (before the net role is
 * forked), written only here by the one process that runs the loop, so the supervisor reads them after
 * the net role has exited.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture_loop.h"

/* Process-private but for *counters (shared, written only by the process running the loop). */
struct xdpd_tap {
    struct xdpd_producer producer;
    struct xdpd_capture in;                 /* IN's sockets, recorded as by the capture */
    struct xdpd_socket *out;                /* OUT's TX socket, NULL until set_out */
    struct xdpd_tap_counters *counters;     /* MAP_SHARED: survives the net role */
    size_t counters_len;
};

static void add_relaxed(uint64_t *counter, uint64_t n)
{
    __atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

/* A frame leaves an RX ring only with a TX slot reserved for it: reserve for a batch, hand over each
 * frame, then submit what was used. */
static uint32_t tx_reserve(struct xdpd_tap *t, const struct xdpd_socket *in, uint32_t want, uint32_t *idx)
{
    struct xdpd_socket *o = t->out;
    if (in->umem != o->umem && want > o->umem->nfree)
        want = o->umem->nfree;     /* copying: one of OUT's own frames per frame */
    return xdpd_prod_reserve(&o->tx, want, idx);
}

static void tx_frame(struct xdpd_tap *t, struct xdpd_socket *in, const struct xdp_desc *d, uint32_t idx)
{
    struct xdpd_socket *o = t->out;
    struct xdpd_umem *u = in->umem;
    struct xdp_desc *tx = xdpd_ring_desc(&o->tx, idx);
    if (u == o->umem) {
        /* The frame changes hands: from IN's rx path to OUT's tx path, no copy. */
        u->owner[xdpd_frame_base(u, d->addr) / u->frame_size] = o->id;
        tx->addr = d->addr;
    } else {
        uint64_t addr = 0;
        xdpd_frame_pop(o->umem, o->id, &addr);
        addr += o->umem->headroom;
        memcpy(o->umem->area + addr, u->area + d->addr, d->len);
        xdpd_frame_push(u, d->addr);
        tx->addr = addr;
    }
    tx->len = d->len;
    tx->options = 0;
}

static void tx_submit(struct xdpd_tap *t, const struct xdpd_socket *in, uint32_t reserved, uint32_t used)
{
    struct xdpd_socket *o = t->out;
    o->tx.cached_prod -= reserved - used;  /* unused reservations: nothing was published there */
    if (!used)
        return;
    o->tx_path += used;
    xdpd_prod_submit(&o->tx, used);
    add_relaxed(&t->counters->tx_queued, used);
    if (in->umem != o->umem)
        add_relaxed(&t->counters->copied, used);
}

static uint32_t tx_reap(struct xdpd_tap *t)
{
    uint32_t n = xdpd_tx_complete(t->out);
    if (n)
        add_relaxed(&t->counters->forwarded, n);
    return n;
}

/* Kick OUT when it has descriptors to send, then reap its completions. */
static int tx_kick_and_reap(struct xdpd_tap *t)
{
    if (xdpd_prod_outstanding(&t->out->tx)) {
        int err = xdpd_tx_kick(t->out);
        /* -ENXIO: OUT disappeared (its socket unbound); what is queued stays "in flight at exit" while
         * the supervisor, which sees the device go, stops the tap: not the loop's failure. */
        if (err == -ENXIO)
            return 0;
        if (err < 0)
            return err;
        if (err > 0)
            add_relaxed(&t->counters->kicks, 1);
    }
    tx_reap(t);
    return 0;
}

/* Moves up to `limit` frames of IN's socket i, recorded and onto OUT's TX ring; sets *blocked when
 * the record ring, or OUT, had no room. */
static uint32_t drain_socket(struct xdpd_tap *t, uint32_t i, uint32_t limit, uint64_t ts, int *blocked)
{
    struct xdpd_socket *s = t->in.socks[i];
    uint32_t moved = 0;
    uint64_t bytes = 0;
    while (moved < limit && !*blocked) {
        uint32_t idx, tidx = 0, want = limit - moved < XDPD_RX_BATCH ? limit - moved : XDPD_RX_BATCH;
        uint32_t n = xdpd_cons_peek(&s->rx, want, &idx);
        if (n == 0)
            break;
        uint32_t room = tx_reserve(t, s, n, &tidx);
        if (room < n) {
            xdpd_cons_cancel(&s->rx, n - room);
            n = room;
            *blocked = 1;
        }
        uint32_t done = xdpd_record_rx(&t->in, i, idx, n, ts, &bytes, blocked);
        for (uint32_t k = 0; k < done; k++)
            tx_frame(t, s, xdpd_ring_desc(&s->rx, idx + k), tidx + k);
        xdpd_cons_cancel(&s->rx, n - done);
        tx_submit(t, s, room, done);
        if (done) {
            xdpd_cons_release(&s->rx, done);
            s->rx_path -= done;
            moved += done;
        }
    }
    xdpd_capture_count(&t->in, i, moved, bytes);
    return moved;
}

static int tap_pass(struct xdpd_tap *t, uint32_t limit, int *blocked)
{
    struct xdpd_capture *c = &t->in;
    uint64_t ts = xdpd_capture_clock(c);
    uint32_t moved = 0;
    tx_reap(t);
    for (uint32_t k = 0; k < c->n; k++) {
        uint32_t i = (c->next + k) % c->n;
        struct xdpd_socket *s = c->socks[i];
        xdpd_fill_refill(s);
        if (moved < limit && !*blocked)
            moved += drain_socket(t, i, limit - moved, ts, blocked);
        /* Kicking OUT before refilling: in copy mode the kick transmits synchronously and its
         * completions free frames the refill can use at once. */
        int err = tx_kick_and_reap(t);
        if (err < 0)
            return err;
        xdpd_fill_refill(s);
        xdpd_fill_wakeup(s);
    }
    xdpd_capture_pass_end(c, moved, *blocked);
    return (int)moved;
}

static int no_out(void)
{
    return xdpd_fail_internal(XDPD_STEP_STATE, EINVAL, "tap run before its OUT socket was set");
}

static int tap_step(struct xdpd_tap *t, int timeout_ms, uint32_t budget)
{
    if (!t->out)
        return no_out();
    if (xdpd_capture_done(&t->in) || budget == 0)
        return 0;
    uint32_t limit = xdpd_capture_limit(&t->in, budget);
    int blocked = 0;
    int moved = tap_pass(t, limit, &blocked);
    if (t->in.failed)
        return t->in.failed;   /* a descriptor outside the UMEM (xdpd_record_rx) */
    if (moved != 0 || timeout_ms <= 0)
        return moved;
    /* OUT still owing completions is a reason to look again shortly, as a full ring is. */
    int r = xdpd_capture_wait(&t->in, timeout_ms, blocked || t->out->tx_path);
    if (r <= 0)
        return r;
    blocked = 0;
    moved = tap_pass(t, limit, &blocked);
    return t->in.failed ? t->in.failed : moved;
}

/* Kick and reap until OUT has nothing in flight or timeout_ms passed; the frames still out. */
static int tap_flush(struct xdpd_tap *t, int timeout_ms)
{
    if (!t->out)
        return no_out();
    int64_t deadline = xdpd_now_ms() + timeout_ms;
    for (;;) {
        int err = tx_kick_and_reap(t);
        if (err < 0)
            return err;
        __atomic_store_n(&t->counters->in_flight, t->out->tx_path, __ATOMIC_RELAXED);
        if (t->out->tx_path == 0 || xdpd_now_ms() >= deadline)
            return (int)t->out->tx_path;
        xdpd_sleep_ms(1);
    }
}

static int tap_update_stats(struct xdpd_tap *t)
{
    if (!t->out)
        return no_out();
    int err = xdpd_capture_update_stats(&t->in);
    if (err)
        return err;
    struct xdpd_xsk_stats st;
    err = xdpd_socket_stats(t->out, &st);
    if (err)
        return err;
    memcpy(&t->counters->out_xdp, &st, sizeof(st));
    __atomic_store_n(&t->counters->in_flight, t->out->tx_path, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

/* --- the producer ops ---------------------------------------------------------------------------- */

static int op_step(void *self, int timeout_ms, uint32_t budget)
{
    return tap_step(self, timeout_ms, budget);
}

static void op_mark_stop(void *self)
{
    xdpd_capture_mark_stop(&((struct xdpd_tap *)self)->in);
}

static uint32_t op_pending_at_stop(const void *self)
{
    return xdpd_capture_pending_at_stop(&((const struct xdpd_tap *)self)->in);
}

static int op_flush(void *self, int timeout_ms)
{
    return tap_flush(self, timeout_ms);
}

static int op_update_stats(void *self)
{
    return tap_update_stats(self);
}

static uint32_t op_headroom(const void *self)
{
    return xdpd_capture_headroom(&((const struct xdpd_tap *)self)->in);
}

static int op_done(const void *self)
{
    return xdpd_capture_done(&((const struct xdpd_tap *)self)->in);
}

static void op_fd_range(const void *self, int *first, int *last)
{
    const struct xdpd_tap *t = self;
    xdpd_capture_fd_range(&t->in, first, last);
    if (t->out && (*first < 0 || t->out->fd < *first))
        *first = t->out->fd;
    if (t->out && t->out->fd > *last)
        *last = t->out->fd;
}

static const struct xdpd_producer_ops tap_ops = {
    .step = op_step,
    .mark_stop = op_mark_stop,
    .pending_at_stop = op_pending_at_stop,
    .flush = op_flush,
    .update_stats = op_update_stats,
    .headroom = op_headroom,
    .done = op_done,
    .fd_range = op_fd_range,
};

/* --- set-up ------------------------------------------------------------------------------------- */

int xdpd_tap_create(xdpd_tap **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count)
{
    if (snaplen == 0)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "snap length 0");
    struct xdpd_tap *t = calloc(1, sizeof(*t));
    if (!t)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of the tap", sizeof(*t));
    long page = sysconf(_SC_PAGESIZE);
    t->counters_len = (sizeof(*t->counters) + (size_t)page - 1) & ~((size_t)page - 1);
    /* MAP_SHARED so the supervisor, which forks the net role, sees what the role wrote. */
    void *m = mmap(NULL, t->counters_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        int e = errno;
        free(t);
        return xdpd_fail(XDPD_STEP_MMAP, e, "mmap(len=%zu, MAP_SHARED|MAP_ANONYMOUS) of the tap counters",
                         (size_t)page);
    }
    t->counters = m;
    xdpd_net_map_add(m, t->counters_len, 0);   /* the net role's to write: the archive role drops it */
    xdpd_capture_init(&t->in, rr, snaplen, count);
    t->producer.ops = &tap_ops;
    t->producer.self = t;
    t->producer.rr = rr;
    *out = t;
    return 0;
}

int xdpd_tap_add_socket(xdpd_tap *t, xdpd_socket *s, uint16_t ifslot)
{
    if (t->out)
        return xdpd_fail_internal(XDPD_STEP_STATE, EINVAL, "tap socket fd=%d added after OUT was set", s->fd);
    return xdpd_capture_add_socket(&t->in, s, ifslot);
}

int xdpd_tap_set_out(xdpd_tap *t, xdpd_socket *out)
{
    if (!out->tx.map)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "tap OUT socket fd=%d has no tx ring", out->fd);
    if (t->in.n == 0)
        return xdpd_fail_internal(XDPD_STEP_STATE, EINVAL, "tap OUT socket fd=%d set before any IN socket",
                                  out->fd);
    struct xdpd_tap_counters *tc = t->counters;
    memset(tc, 0, sizeof(*tc));
    tc->shared = 1;
    for (uint32_t i = 0; i < t->in.n; i++)
        tc->shared &= t->in.socks[i]->umem == out->umem;
    t->out = out;
    return 0;
}

void xdpd_tap_counters(const xdpd_tap *t, struct xdpd_tap_counters *out)
{
    /* Written by the net role only, read here by the supervisor: as for the socket counters. */
    memcpy(out, t->counters, sizeof(*out));
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
}

void xdpd_tap_destroy(xdpd_tap *t)
{
    if (!t)
        return;
    xdpd_net_map_del(t->counters);
    munmap(t->counters, t->counters_len);
    free(t);
}

xdpd_producer *xdpd_tap_producer(xdpd_tap *t)
{
    return &t->producer;
}
