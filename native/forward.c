/* forward.c - the inline tap: frames captured on IN's RX rings are recorded (pcap, printer) and then
 * transmitted out of OUT's TX ring.
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
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "record_ring.h"

#define RX_BATCH 64u
#define TX_WAIT_MS 1        /* idle sleep while OUT still has frames in flight: reap and kick again */

struct xdpd_forward {
    struct xdpd_record_ring *rr;
    uint32_t snaplen;
    uint64_t count;         /* 0 = no limit */
    struct xdpd_socket *out;
    uint32_t n;
    uint32_t next;
    struct xdpd_socket *socks[XDPD_MAX_SOCKETS];
    uint32_t slot[XDPD_MAX_SOCKETS];
    struct pollfd pfd[XDPD_MAX_SOCKETS];
    struct xdpd_forward_counters c;
};

int xdpd_forward_create(xdpd_forward **out, xdpd_record_ring *rr, xdpd_socket *tx_socket, uint32_t snaplen,
                        uint64_t count)
{
    if (snaplen == 0)
        return xdpd_fail("snaplen", EINVAL);
    if (!tx_socket->tx.map)
        return xdpd_fail("forward socket has no tx ring", EINVAL);
    struct xdpd_forward *f = calloc(1, sizeof(*f));
    if (!f)
        return xdpd_fail("calloc forward", ENOMEM);
    f->rr = rr;
    f->snaplen = snaplen;
    f->count = count;
    f->out = tx_socket;
    *out = f;
    return 0;
}

void xdpd_forward_destroy(xdpd_forward *f)
{
    free(f);
}

int xdpd_forward_add_socket(xdpd_forward *f, xdpd_socket *s, uint16_t ifslot)
{
    if (f->n >= XDPD_MAX_SOCKETS || f->rr->nsockets >= XDPD_MAX_SOCKETS)
        return xdpd_fail("too many sockets in one forward", ENOSPC);
    if (!s->rx.map)
        return xdpd_fail("socket has no rx ring", EINVAL);
    uint32_t slot = f->rr->nsockets++;
    struct xdpd_socket_counters *sc = &f->rr->sockets[slot];
    memset(sc, 0, sizeof(*sc));
    sc->ifindex = s->ifindex;
    sc->ifslot = ifslot;
    sc->queue = (uint16_t)s->queue;
    sc->zerocopy = (uint32_t)s->zerocopy;
    sc->used = 1;
    f->socks[f->n] = s;
    f->slot[f->n] = slot;
    f->pfd[f->n].fd = s->fd;
    f->pfd[f->n].events = POLLIN;
    f->n++;
    if (s->umem == f->out->umem)
        f->c.shared = 1;
    xdpd_fill_refill(s);
    return (int)slot;
}

static uint64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t reap_out(struct xdpd_forward *f)
{
    struct xdpd_socket *o = f->out;
    uint32_t idx, n, total = 0;
    while ((n = xdpd_cons_peek(&o->comp, RX_BATCH, &idx)) > 0) {
        for (uint32_t i = 0; i < n; i++)
            xdpd_frame_push(o->umem, *xdpd_ring_addr(&o->comp, idx + i));
        xdpd_cons_release(&o->comp, n);
        o->tx_path -= n;
        total += n;
    }
    f->c.forwarded += total;
    return total;
}

/* TX slots (and, when copying, OUT frames) for up to want frames; reserved on OUT's TX ring. */
static uint32_t reserve_tx(struct xdpd_forward *f, int shared, uint32_t want, uint32_t *idx)
{
    struct xdpd_socket *o = f->out;
    if (!shared && want > o->umem->nfree)
        want = o->umem->nfree;
    return xdpd_prod_reserve(&o->tx, want, idx);
}

/* Moves up to limit frames of socket i into the record ring and onto OUT's TX ring. */
static uint32_t forward_socket(struct xdpd_forward *f, uint32_t i, uint32_t limit, uint64_t ts, int *blocked)
{
    struct xdpd_socket *s = f->socks[i];
    struct xdpd_socket *o = f->out;
    struct xdpd_umem *u = s->umem;
    int shared = u == o->umem;
    struct xdpd_socket_counters *sc = &f->rr->sockets[f->slot[i]];
    uint32_t moved = 0;
    uint64_t bytes = 0;
    while (moved < limit && !*blocked) {
        uint32_t ridx, tidx, want = limit - moved < RX_BATCH ? limit - moved : RX_BATCH;
        uint32_t n = xdpd_cons_peek(&s->rx, want, &ridx), done = 0;
        if (n == 0)
            break;
        uint32_t room = reserve_tx(f, shared, n, &tidx);
        if (room < n) {
            xdpd_cons_cancel(&s->rx, n - room);
            n = room;
            *blocked = 1;
        }
        for (; done < n; done++) {
            const struct xdp_desc *d = xdpd_ring_desc(&s->rx, ridx + done);
            uint32_t cap = d->len < f->snaplen ? d->len : f->snaplen;
            struct xdpd_record *rec = xdpd_rr_reserve(f->rr, cap);
            if (!rec) {
                *blocked = 1;
                break;
            }
            rec->wire_len = d->len;
            rec->ifslot = sc->ifslot;
            rec->queue = (uint16_t)s->queue;
            rec->ts_ns = ts;
            memcpy(rec->data, u->area + d->addr, cap);
            xdpd_rr_commit(f->rr, rec);
            bytes += cap;

            struct xdp_desc *t = xdpd_ring_desc(&o->tx, tidx + done);
            if (shared) {
                /* The frame changes hands: from IN's rx path to OUT's tx path, no copy. */
                u->owner[xdpd_frame_base(u, d->addr) / u->frame_size] = o->id;
                t->addr = d->addr;
            } else {
                uint64_t addr = 0;
                xdpd_frame_pop(o->umem, o->id, &addr);
                addr += o->umem->headroom;
                memcpy(o->umem->area + addr, u->area + d->addr, d->len);
                xdpd_frame_push(u, d->addr);
                t->addr = addr;
            }
            t->len = d->len;
            t->options = 0;
        }
        xdpd_cons_cancel(&s->rx, n - done);
        o->tx.cached_prod -= room - done;  /* unused TX reservations: nothing was published there */
        if (done) {
            xdpd_cons_release(&s->rx, done);
            s->rx_path -= done;
            o->tx_path += done;
            xdpd_prod_submit(&o->tx, done);
            moved += done;
            f->c.tx_queued += done;
            if (!shared)
                f->c.copied += done;
        }
    }
    if (moved) {
        __atomic_store_n(&sc->captured, sc->captured + moved, __ATOMIC_RELAXED);
        __atomic_store_n(&sc->bytes, sc->bytes + bytes, __ATOMIC_RELAXED);
        __atomic_store_n(&f->rr->bytes, f->rr->bytes + bytes, __ATOMIC_RELAXED);
    }
    return moved;
}

static int kick_out(struct xdpd_forward *f)
{
    if (!xdpd_prod_outstanding(&f->out->tx))
        return 0;
    int err = xdpd_tx_kick(f->out);
    if (err > 0)
        f->c.kicks++;
    return err;
}

static int forward_pass(struct xdpd_forward *f, uint32_t limit, int *blocked)
{
    uint64_t ts = realtime_ns();
    uint32_t moved = 0;
    reap_out(f);
    for (uint32_t k = 0; k < f->n; k++) {
        uint32_t i = (f->next + k) % f->n;
        struct xdpd_socket *s = f->socks[i];
        xdpd_fill_refill(s);
        if (moved < limit && !*blocked)
            moved += forward_socket(f, i, limit - moved, ts, blocked);
        /* Kicking OUT before refilling: in copy mode the kick transmits synchronously and its
         * completions free frames the refill can use at once. */
        int err = kick_out(f);
        if (err < 0)
            return err;
        reap_out(f);
        xdpd_fill_refill(s);
        xdpd_fill_wakeup(s);
    }
    if (f->n)
        f->next = (f->next + 1) % f->n;
    if (moved) {
        xdpd_rr_publish(f->rr);
        __atomic_store_n(&f->rr->captured, f->rr->captured + moved, __ATOMIC_RELEASE);
    }
    if (*blocked)
        __atomic_store_n(&f->rr->ring_full, f->rr->ring_full + 1, __ATOMIC_RELAXED);
    return (int)moved;
}

int xdpd_forward_done(const xdpd_forward *f)
{
    return f->count && f->rr->captured >= f->count;
}

int xdpd_forward_step(xdpd_forward *f, int timeout_ms, uint32_t budget)
{
    uint32_t limit = budget;
    if (f->count) {
        uint64_t left = f->rr->captured >= f->count ? 0 : f->count - f->rr->captured;
        if (left < limit)
            limit = (uint32_t)left;
    }
    int blocked = 0;
    int moved = forward_pass(f, limit, &blocked);
    if (moved != 0 || timeout_ms <= 0)
        return moved;
    int nap = f->out->tx_path || blocked || limit == 0;
    if (nap) {
        /* OUT still owes completions, or a ring downstream is full: look again shortly. */
        xdpd_sleep_ms(timeout_ms < TX_WAIT_MS ? timeout_ms : TX_WAIT_MS);
    } else {
        struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
        int r = ppoll(f->pfd, f->n, &ts, NULL);
        if (r < 0 && errno != EINTR)
            return xdpd_fail("ppoll", errno);
        if (r <= 0)
            return 0;
    }
    blocked = 0;
    return forward_pass(f, limit, &blocked);
}

int xdpd_forward_flush_tx(xdpd_forward *f, int timeout_ms)
{
    int64_t deadline = xdpd_now_ms() + timeout_ms;
    for (;;) {
        int err = kick_out(f);
        if (err < 0)
            return err;
        reap_out(f);
        if (f->out->tx_path == 0)
            return 0;
        if (xdpd_now_ms() >= deadline)
            return (int)f->out->tx_path;
        xdpd_sleep_ms(1);
    }
}

int xdpd_forward_update_stats(xdpd_forward *f)
{
    for (uint32_t i = 0; i < f->n; i++) {
        struct xdpd_xsk_stats st;
        int err = xdpd_socket_stats(f->socks[i], &st);
        if (err)
            return err;
        memcpy(&f->rr->sockets[f->slot[i]].xdp, &st, sizeof(st));
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}

void xdpd_forward_counters(const xdpd_forward *f, struct xdpd_forward_counters *out)
{
    *out = f->c;
    out->in_flight = f->out->tx_path;
}
