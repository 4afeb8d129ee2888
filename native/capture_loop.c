/* capture_loop.c - the net side of a capture: RX rings of all sockets -> record ring, fill rings refilled.
 *
 * One step: refill every fill ring, drain RX bursts into the record ring (stopping at the first record
 * that does not fit: the rest stay on the RX ring and the kernel counts what it cannot deliver), wake
 * the kernel when a fill ring asks for it, and when nothing moved sleep in ppoll() on all sockets so an
 * idle capture costs no CPU. The timestamp is read once per pass (CLOCK_REALTIME, as pcap wants).
 * An inline tap is this same loop with a TX socket (forward.c): each frame recorded is then handed to
 * OUT's TX ring instead of going back to the free list, and every pass kicks OUT and reaps its
 * completions.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture_loop.h"

#define RX_BATCH 64u

int xdpd_capture_create(xdpd_capture **out, xdpd_record_ring *rr, uint32_t snaplen, uint64_t count)
{
    if (snaplen == 0)
        return xdpd_fail("snaplen", EINVAL);
    struct xdpd_capture *c = calloc(1, sizeof(*c));
    if (!c)
        return xdpd_fail("calloc capture", ENOMEM);
    c->rr = rr;
    c->snaplen = snaplen;
    c->count = count;
    *out = c;
    return 0;
}

void xdpd_capture_destroy(xdpd_capture *c)
{
    free(c);
}

int xdpd_capture_add_socket(xdpd_capture *c, xdpd_socket *s, uint16_t ifslot)
{
    if (c->n >= XDPD_MAX_SOCKETS || c->rr->nsockets >= XDPD_MAX_SOCKETS)
        return xdpd_fail("too many sockets in one capture", ENOSPC);
    if (!s->rx.map)
        return xdpd_fail("socket has no rx ring", EINVAL);
    uint32_t slot = c->rr->nsockets++;
    struct xdpd_socket_counters *sc = &c->rr->sockets[slot];
    memset(sc, 0, sizeof(*sc));
    sc->ifindex = s->ifindex;
    sc->ifslot = ifslot;
    sc->queue = (uint16_t)s->queue;
    sc->zerocopy = (uint32_t)s->zerocopy;
    sc->used = 1;
    c->socks[c->n] = s;
    c->slot[c->n] = slot;
    c->pfd[c->n].fd = s->fd;
    c->pfd[c->n].events = POLLIN;
    c->n++;
    xdpd_fill_refill(s);
    return (int)slot;
}

/* Moves up to `limit` frames of one socket (and, forwarding, onto OUT's TX ring); sets *blocked when
 * the record ring, or OUT, had no room. */
static uint32_t drain_socket(struct xdpd_capture *c, uint32_t i, uint32_t limit, uint64_t ts, int *blocked)
{
    struct xdpd_socket *s = c->socks[i];
    struct xdpd_umem *u = s->umem;
    struct xdpd_socket_counters *sc = &c->rr->sockets[c->slot[i]];
    uint16_t ifslot = sc->ifslot;
    uint32_t moved = 0;
    uint64_t bytes = 0;
    while (moved < limit && !*blocked) {
        uint32_t idx, tidx = 0, want = limit - moved < RX_BATCH ? limit - moved : RX_BATCH;
        uint32_t n = xdpd_cons_peek(&s->rx, want, &idx), done = 0;
        if (n == 0)
            break;
        uint32_t room = n;
        if (c->out) {
            room = xdpd_forward_reserve(c, s, n, &tidx);
            if (room < n) {
                xdpd_cons_cancel(&s->rx, n - room);
                n = room;
                *blocked = 1;
            }
        }
        for (; done < n; done++) {
            const struct xdp_desc *d = xdpd_ring_desc(&s->rx, idx + done);
            uint32_t cap = d->len < c->snaplen ? d->len : c->snaplen;
            struct xdpd_record *rec = xdpd_rr_reserve(c->rr, cap);
            if (!rec) {
                *blocked = 1;
                break;
            }
            rec->wire_len = d->len;
            rec->ifslot = ifslot;
            rec->queue = (uint16_t)s->queue;
            rec->ts_ns = ts;
            memcpy(rec->data, u->area + d->addr, cap);
            xdpd_rr_commit(c->rr, rec);
            bytes += cap;
            if (c->out)
                xdpd_forward_frame(c, s, d, tidx + done);
            else
                xdpd_frame_push(u, d->addr);
        }
        xdpd_cons_cancel(&s->rx, n - done);
        if (c->out)
            xdpd_forward_submit(c, s, room, done);
        if (done) {
            xdpd_cons_release(&s->rx, done);
            s->rx_path -= done;
            moved += done;
            /* Hand the copied frames straight back to the kernel: refilling only after a long drain
             * would leave the fill ring empty meanwhile, and at 1.5 Mpps a 4096-frame drain is long
             * enough for the kernel to drop hundreds of frames (rx_fill_ring_empty_descs). */
            if (!c->out)
                xdpd_fill_refill(s);
        }
    }
    if (moved) {
        __atomic_store_n(&sc->captured, sc->captured + moved, __ATOMIC_RELAXED);
        __atomic_store_n(&sc->bytes, sc->bytes + bytes, __ATOMIC_RELAXED);
        __atomic_store_n(&c->rr->bytes, c->rr->bytes + bytes, __ATOMIC_RELAXED);
    }
    return moved;
}

static int capture_pass(struct xdpd_capture *c, uint32_t limit, int *blocked)
{
    uint64_t ts = xdpd_realtime_ns();
    uint32_t moved = 0;
    if (c->out)
        xdpd_forward_reap(c);
    for (uint32_t k = 0; k < c->n; k++) {
        uint32_t i = (c->next + k) % c->n;
        struct xdpd_socket *s = c->socks[i];
        xdpd_fill_refill(s);
        if (moved < limit && !*blocked)
            moved += drain_socket(c, i, limit - moved, ts, blocked);
        if (c->out) {
            /* Kicking OUT before refilling: in copy mode the kick transmits synchronously and its
             * completions free frames the refill can use at once. */
            int err = xdpd_forward_kick_and_reap(c);
            if (err < 0)
                return err;
        }
        xdpd_fill_refill(s);
        xdpd_fill_wakeup(s);
    }
    if (c->n)
        c->next = (c->next + 1) % c->n;
    if (moved) {
        xdpd_rr_publish(c->rr);
        __atomic_store_n(&c->rr->captured, c->rr->captured + moved, __ATOMIC_RELEASE);
    }
    if (*blocked)
        __atomic_store_n(&c->rr->ring_full, c->rr->ring_full + 1, __ATOMIC_RELAXED);
    return (int)moved;
}

void xdpd_capture_mark_stop(xdpd_capture *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        c->stop_at[i] = __atomic_load_n(c->socks[i]->rx.producer, __ATOMIC_ACQUIRE);
}

uint32_t xdpd_capture_headroom(const xdpd_capture *c)
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

uint32_t xdpd_capture_pending_at_stop(const xdpd_capture *c)
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

int xdpd_capture_done(const xdpd_capture *c)
{
    return c->count && c->rr->captured >= c->count;
}

int xdpd_capture_step(xdpd_capture *c, int timeout_ms, uint32_t budget)
{
    if (xdpd_capture_done(c) || budget == 0)
        return 0;
    uint32_t limit = budget;
    if (c->count && c->count - c->rr->captured < limit)
        limit = (uint32_t)(c->count - c->rr->captured);
    int blocked = 0;
    int moved = capture_pass(c, limit, &blocked);
    if (moved != 0 || timeout_ms <= 0)
        return moved;
    if (blocked || (c->out && c->out->tx_path)) {
        /* Frames are waiting but a ring downstream is full (POLLIN would return at once), or OUT
         * still owes completions: look again shortly instead. */
        xdpd_sleep_ms(1);
    } else {
        struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = (long)(timeout_ms % 1000) * 1000000L};
        int r = ppoll(c->pfd, c->n, &ts, NULL);
        if (r < 0 && errno != EINTR)
            return xdpd_fail("ppoll", errno);
        if (r <= 0)
            return 0;
    }
    blocked = 0;
    return capture_pass(c, limit, &blocked);
}

int xdpd_capture_update_stats(xdpd_capture *c)
{
    for (uint32_t i = 0; i < c->n; i++) {
        struct xdpd_xsk_stats st;
        int err = xdpd_socket_stats(c->socks[i], &st);
        if (err)
            return err;
        struct xdpd_socket_counters *sc = &c->rr->sockets[c->slot[i]];
        memcpy(&sc->xdp, &st, sizeof(st));
    }
    if (c->out) {
        int err = xdpd_forward_update_stats(c);
        if (err)
            return err;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return 0;
}
