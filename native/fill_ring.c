/* fill_ring.c - handing free frames to the kernel for reception, and waking it when it asks.
 *
 * The fill ring is kept as full as the free list and the socket's quota allow, so a burst finds frames
 * waiting. With
 * XDP_USE_NEED_WAKEUP the kernel sets XDP_RING_NEED_WAKEUP on the fill ring when its driver stopped
 * looking at it; the documented wake-up is recvmsg(fd, &msg, MSG_DONTWAIT) (a poll() would do too).
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include "internal.h"

int xdpd_fill_refill(struct xdpd_socket *s)
{
    struct xdpd_umem *u = s->umem;
    /* A socket never holds more than a fill ring's worth of frames, so sockets sharing a UMEM sized
     * sockets x fill size cannot starve each other, whatever sits unread on an RX ring. */
    uint32_t quota = s->fill.size > s->rx_path ? s->fill.size - s->rx_path : 0;
    uint32_t want = u->nfree < quota ? u->nfree : quota, idx;
    if (want == 0 || !s->rx.map)
        return 0;
    uint32_t n = xdpd_prod_reserve(&s->fill, want, &idx);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t addr = 0;
        xdpd_frame_pop(u, s->id, &addr);
        *xdpd_ring_addr(&s->fill, idx + i) = addr;
    }
    if (n) {
        s->rx_path += n;
        xdpd_prod_submit(&s->fill, n);
    }
    return (int)n;
}

int xdpd_fill_wakeup(struct xdpd_socket *s)
{
    if (!s->need_wakeup || !xdpd_ring_needs_wakeup(&s->fill))
        return 0;
    struct msghdr msg = {0};
    s->wakeups_fill++;
    /* ENXIO: the device disappeared and the kernel unbound the socket. Nothing will arrive any more;
     * the supervisor sees the device go (rtnetlink) and stops the capture: not the loop's failure. */
    if (recvmsg(s->fd, &msg, MSG_DONTWAIT) < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
        errno != EBUSY && errno != ENETDOWN && errno != ENXIO)
        return xdpd_fail(XDPD_STEP_WAKEUP, errno, "recvmsg(fd=%d, MSG_DONTWAIT) wake-up of the fill ring", s->fd);
    return 1;
}
