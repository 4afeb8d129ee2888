/* tx.c - the TX side every transmitter shares (replay.c, tap.c): the sendto wake-up, completion reap.
 *
 * In copy mode the kernel transmits only from sendto(); in zero-copy mode with XDP_USE_NEED_WAKEUP it
 * asks for a kick with XDP_RING_NEED_WAKEUP on the TX ring. The documented kick is
 * sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0); EAGAIN/EBUSY/ENOBUFS only mean "try again later".
 * Sent frames come back on the completion ring and return to the free list when reaped.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include "internal.h"

int xdpd_tx_kick(struct xdpd_socket *s)
{
    if (!s->tx.map)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "kick of socket fd=%d, which has no tx ring", s->fd);
    if (s->need_wakeup && !xdpd_ring_needs_wakeup(&s->tx))
        return 0;
    s->wakeups_tx++;
    if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN && errno != EBUSY &&
        errno != ENOBUFS && errno != ENETDOWN)
        return xdpd_fail(XDPD_STEP_WAKEUP, errno, "sendto(fd=%d, NULL, 0, MSG_DONTWAIT) kick of the tx ring", s->fd);
    return 1;
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
