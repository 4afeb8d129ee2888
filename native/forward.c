/* forward.c - the inline tap's TX side: frames the capture loop takes from IN's RX rings (and records)
 * are transmitted out of OUT's TX ring.
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
 * The counters live in the record ring's shared region (rr->forward), written only here, by the one
 * process that runs the loop, so the supervisor reads them after the net role has exited.
 */
#define _GNU_SOURCE
#include <string.h>

#include "capture_loop.h"

static void add_relaxed(uint64_t *counter, uint64_t n)
{
    __atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

int xdpd_capture_forward_to(xdpd_capture *c, xdpd_socket *tx_socket)
{
    if (!tx_socket->tx.map)
        return xdpd_fail("forward socket has no tx ring", EINVAL);
    if (c->n == 0)
        return xdpd_fail("forward before the capture has sockets", EINVAL);
    struct xdpd_forward_counters *fc = &c->rr->forward;
    memset(fc, 0, sizeof(*fc));
    fc->shared = 1;
    for (uint32_t i = 0; i < c->n; i++)
        fc->shared &= c->socks[i]->umem == tx_socket->umem;
    fc->active = 1;
    c->out = tx_socket;
    return 0;
}

uint32_t xdpd_forward_reserve(struct xdpd_capture *c, const struct xdpd_socket *in, uint32_t want, uint32_t *idx)
{
    struct xdpd_socket *o = c->out;
    if (in->umem != o->umem && want > o->umem->nfree)
        want = o->umem->nfree;     /* copying: one of OUT's own frames per frame */
    return xdpd_prod_reserve(&o->tx, want, idx);
}

void xdpd_forward_frame(struct xdpd_capture *c, struct xdpd_socket *in, const struct xdp_desc *d, uint32_t idx)
{
    struct xdpd_socket *o = c->out;
    struct xdpd_umem *u = in->umem;
    struct xdp_desc *t = xdpd_ring_desc(&o->tx, idx);
    if (u == o->umem) {
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

void xdpd_forward_submit(struct xdpd_capture *c, const struct xdpd_socket *in, uint32_t reserved, uint32_t used)
{
    struct xdpd_socket *o = c->out;
    o->tx.cached_prod -= reserved - used;  /* unused reservations: nothing was published there */
    if (!used)
        return;
    o->tx_path += used;
    xdpd_prod_submit(&o->tx, used);
    add_relaxed(&c->rr->forward.tx_queued, used);
    if (in->umem != o->umem)
        add_relaxed(&c->rr->forward.copied, used);
}

uint32_t xdpd_forward_reap(struct xdpd_capture *c)
{
    uint32_t n = xdpd_tx_complete(c->out);
    if (n)
        add_relaxed(&c->rr->forward.forwarded, n);
    return n;
}

int xdpd_forward_kick_and_reap(struct xdpd_capture *c)
{
    if (xdpd_prod_outstanding(&c->out->tx)) {
        int err = xdpd_tx_kick(c->out);
        if (err < 0)
            return err;
        if (err > 0)
            add_relaxed(&c->rr->forward.kicks, 1);
    }
    xdpd_forward_reap(c);
    return 0;
}

int xdpd_forward_update_stats(struct xdpd_capture *c)
{
    struct xdpd_forward_counters *fc = &c->rr->forward;
    struct xdpd_xsk_stats st;
    int err = xdpd_socket_stats(c->out, &st);
    if (err)
        return err;
    memcpy(&fc->out_xdp, &st, sizeof(st));
    __atomic_store_n(&fc->in_flight, c->out->tx_path, __ATOMIC_RELAXED);
    return 0;
}

int xdpd_capture_flush_tx(xdpd_capture *c, int timeout_ms)
{
    if (!c->out)
        return 0;
    int64_t deadline = xdpd_now_ms() + timeout_ms;
    for (;;) {
        int err = xdpd_forward_kick_and_reap(c);
        if (err < 0)
            return err;
        __atomic_store_n(&c->rr->forward.in_flight, c->out->tx_path, __ATOMIC_RELAXED);
        if (c->out->tx_path == 0 || xdpd_now_ms() >= deadline)
            return (int)c->out->tx_path;
        xdpd_sleep_ms(1);
    }
}
