/* capture_loop.h - the capture's socket set, shared by capture_loop.c (RX side) and forward.c (the
 * inline tap's TX side). Internal: not part of the cffi API. */
#ifndef XDPD_CAPTURE_LOOP_H
#define XDPD_CAPTURE_LOOP_H

#include <poll.h>
#include "internal.h"
#include "record_ring.h"

struct xdpd_capture {
    struct xdpd_record_ring *rr;
    uint32_t snaplen;
    uint64_t count;         /* 0 = no limit */
    uint32_t n;
    uint32_t next;          /* socket to drain first on the next pass, so no queue starves another */
    struct xdpd_socket *socks[XDPD_MAX_SOCKETS];
    uint32_t slot[XDPD_MAX_SOCKETS];
    struct pollfd pfd[XDPD_MAX_SOCKETS];
    uint32_t stop_at[XDPD_MAX_SOCKETS];   /* RX producer index when the stop was seen */
    struct xdpd_socket *out;              /* the inline tap's TX socket (forward.c), or NULL */
};

/* forward.c, for the capture loop; all only with c->out set. A frame leaves an RX ring only with a
 * TX slot reserved for it: reserve for a batch, hand over each frame, then submit what was used. */
uint32_t xdpd_forward_reserve(struct xdpd_capture *c, const struct xdpd_socket *in, uint32_t want, uint32_t *idx);
void xdpd_forward_frame(struct xdpd_capture *c, struct xdpd_socket *in, const struct xdp_desc *d, uint32_t idx);
void xdpd_forward_submit(struct xdpd_capture *c, const struct xdpd_socket *in, uint32_t reserved, uint32_t used);
/* Kick OUT when it has descriptors to send, then reap its completions. */
int xdpd_forward_kick_and_reap(struct xdpd_capture *c);
uint32_t xdpd_forward_reap(struct xdpd_capture *c);
int xdpd_forward_update_stats(struct xdpd_capture *c);

#endif
