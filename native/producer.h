/* producer.h - what the net loop (net_loop.c) drives: one producer of records, whichever it is.
 *
 * Three producers today, peers behind these ops: the AF_XDP capture (capture_loop.c), the inline
 * tap (tap.c) and the mirror capture (mirror_loop.c). Each lives in the net role, owns its sockets, and is the record ring's one producer.
 * Internal: Python only sees the opaque handle xdpd_producer and passes it to xdpd_net_run / xdpd_net_role.
 */
#ifndef XDPD_PRODUCER_H
#define XDPD_PRODUCER_H

#include <stdint.h>
#include "xdpd.h"

struct xdpd_producer_ops {
    /* One pass over the sockets, moving up to budget frames into the record ring; when nothing moved
     * and timeout_ms > 0, wait for the sockets (up to timeout_ms) and pass once more. Frames moved,
     * or -errno. */
    int (*step)(void *self, int timeout_ms, uint32_t budget);
    /* At a stop: remember how far the kernel had filled each RX ring, so the drain takes "what had
     * arrived by then", not "whatever keeps arriving" while programs are still attached;
     * pending_at_stop counts the frames before the mark not moved yet. */
    void (*mark_stop)(void *self);
    uint32_t (*pending_at_stop)(const void *self);
    /* Give what was handed to a TX ring up to timeout_ms to complete; frames still out (0: none). */
    int (*flush)(void *self, int timeout_ms);
    /* Publish XDP_STATISTICS of every socket into the shared counters. */
    int (*update_stats)(void *self);
    /* Frames one socket can take in without the loop running: the smaller of its fill and RX rings. */
    uint32_t (*headroom)(const void *self);
    /* The count is reached. */
    int (*done)(const void *self);
    /* The lowest and highest fd of the producer's sockets (the net policy allows that range). */
    void (*fd_range)(const void *self, int *first, int *last);
    /* The net role's seccomp filter for this producer (policy_filters.c); NULL: the net policy's. */
    int (*filter)(void *out, unsigned int logfile_fd, unsigned int fd_first, unsigned int fd_last);
};

struct xdpd_producer {
    const struct xdpd_producer_ops *ops;
    void *self;
    struct xdpd_record_ring *rr;    /* the ring it produces into: stop flag, producer_done */
};

#endif
