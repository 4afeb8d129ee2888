/* tx.c - transmitting frames: TX burst into UMEM frames, the sendto wake-up, completion reap.
 *
 * In copy mode the kernel transmits only from sendto(); in zero-copy mode with XDP_USE_NEED_WAKEUP it
 * asks for a kick with XDP_RING_NEED_WAKEUP on the TX ring. The documented kick is
 * sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0); EAGAIN/EBUSY/ENOBUFS only mean "try again later".
 * Sent frames come back on the completion ring and return to the free list when reaped.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

int xdpd_tx_kick(xdpd_socket *s)
{
    if (!s->tx.map)
        return xdpd_fail("socket has no tx ring", EINVAL);
    if (s->need_wakeup && !xdpd_ring_needs_wakeup(&s->tx))
        return 0;
    s->wakeups_tx++;
    if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN && errno != EBUSY &&
        errno != ENOBUFS && errno != ENETDOWN)
        return xdpd_fail("sendto wake-up", errno);
    return 1;
}

int xdpd_tx_burst(xdpd_socket *s, const uint8_t *frames, const uint32_t *lens, uint32_t n)
{
    struct xdpd_umem *u = s->umem;
    if (!s->tx.map)
        return xdpd_fail("socket has no tx ring", EINVAL);
    if (n > u->nfree)
        n = u->nfree;
    uint32_t idx;
    n = xdpd_prod_reserve(&s->tx, n, &idx);
    size_t off = 0;
    uint32_t room = u->frame_size - u->headroom;
    for (uint32_t i = 0; i < n; i++) {
        if (lens[i] > room) {
            /* Give back the slots we reserved but will not fill: nothing was submitted yet. */
            s->tx.cached_prod -= n - i;
            n = i;
            break;
        }
        uint64_t addr = 0;
        xdpd_frame_pop(u, s->id, &addr);
        addr += u->headroom;
        memcpy(u->area + addr, frames + off, lens[i]);
        off += lens[i];
        struct xdp_desc *d = xdpd_ring_desc(&s->tx, idx + i);
        d->addr = addr;
        d->len = lens[i];
        d->options = 0;
    }
    if (n) {
        s->tx_path += n;
        xdpd_prod_submit(&s->tx, n);
        int err = xdpd_tx_kick(s);
        if (err < 0)
            return err;
    }
    return (int)n;
}

uint32_t xdpd_tx_complete(struct xdpd_socket *s)
{
    uint32_t idx, n, total = 0;
    while ((n = xdpd_cons_peek(&s->comp, 64, &idx)) > 0) {
        for (uint32_t i = 0; i < n; i++)
            xdpd_frame_push(s->umem, *xdpd_ring_addr(&s->comp, idx + i));
        xdpd_cons_release(&s->comp, n);
        s->tx_path -= n;
        total += n;
    }
    return total;
}

int xdpd_tx_reap(xdpd_socket *s)
{
    /* Frames may still sit on the TX ring when a previous kick found the device busy. */
    if (s->tx.map && xdpd_prod_outstanding(&s->tx))
        xdpd_tx_kick(s);
    return (int)xdpd_tx_complete(s);
}

uint32_t xdpd_tx_in_flight(const xdpd_socket *s)
{
    return s->tx_path;
}
