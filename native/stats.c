/* stats.c - the kernel's per-socket drop counters, getsockopt(SOL_XDP, XDP_STATISTICS).
 *
 * Kernels before 5.9 return only the first three fields; optlen tells how many were written and the
 * rest stay 0.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

int xdpd_socket_stats(const xdpd_socket *s, struct xdpd_xsk_stats *out)
{
    struct xdp_statistics st;
    socklen_t optlen = sizeof(st);
    memset(&st, 0, sizeof(st));
    memset(out, 0, sizeof(*out));
    if (getsockopt(s->fd, SOL_XDP, XDP_STATISTICS, &st, &optlen))
        return xdpd_fail(XDPD_STEP_STATISTICS, errno, "getsockopt(fd=%d, SOL_XDP, XDP_STATISTICS)", s->fd);
    out->rx_dropped = st.rx_dropped;
    out->rx_invalid_descs = st.rx_invalid_descs;
    out->tx_invalid_descs = st.tx_invalid_descs;
    if (optlen >= offsetof(struct xdp_statistics, rx_ring_full) + sizeof(st.rx_ring_full))
        out->rx_ring_full = st.rx_ring_full;
    if (optlen >= offsetof(struct xdp_statistics, rx_fill_ring_empty_descs) + sizeof(uint64_t))
        out->rx_fill_ring_empty_descs = st.rx_fill_ring_empty_descs;
    if (optlen >= offsetof(struct xdp_statistics, tx_ring_empty_descs) + sizeof(uint64_t))
        out->tx_ring_empty_descs = st.tx_ring_empty_descs;
    return 0;
}
