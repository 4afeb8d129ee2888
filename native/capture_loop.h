/* capture_loop.h - the capture's RX socket set and the steps the inline tap (tap.c) shares with it.
 * Internal: not part of the cffi API. */
#ifndef XDPD_CAPTURE_LOOP_H
#define XDPD_CAPTURE_LOOP_H

#include <poll.h>
#include "congestion.h"
#include "internal.h"
#include "producer.h"
#include "record_ring.h"

/* A frame recorded by reference and not yet given back: where its record ends, and where it is
 * (xdpd_rec_ref). Kept here, not read back from the record, which any role could have rewritten. */
struct xdpd_held_frame {
    uint64_t end;
    uint64_t ref;
};

/* Process-private: only the process that runs the loop (the net role) touches it after fork. */
struct xdpd_capture {
    struct xdpd_producer producer;
    struct xdpd_record_ring *rr;
    uint32_t snaplen;
    uint64_t count;         /* 0 = no limit */
    int by_ref;             /* large frames' records point into UMEM; reclaimed once consumers pass them */
    uint32_t held;          /* frames of all sockets recorded by reference and not yet reclaimed */
    struct xdpd_held_frame *held_q;   /* those frames, oldest first: a ring of held_cap (every UMEM frame) */
    uint32_t held_cap, held_head, held_len;
    uint32_t held_budget;   /* the header's held_budget as set up here (it is in shared memory) */
    int failed;             /* -errno: a descriptor or record broke the rules; the loop stops with it */
    uint8_t by_slot[XDPD_MAX_SOCKETS];    /* ring socket slot -> index in socks */
    uint32_t n;
    uint32_t next;          /* socket to drain first on the next pass, so no queue starves another */
    struct xdpd_socket *socks[XDPD_MAX_SOCKETS];
    uint32_t slot[XDPD_MAX_SOCKETS];
    uint16_t ifslot[XDPD_MAX_SOCKETS];    /* each socket's interface slot, as set up (not the header's) */
    struct pollfd pfd[XDPD_MAX_SOCKETS];
    uint32_t stop_at[XDPD_MAX_SOCKETS];   /* RX producer index when the stop was seen */
    uint64_t last_ts[XDPD_MAX_SOCKETS];   /* each socket's (queue's) last stamp: none goes below it */
    int64_t rt_offset;      /* CLOCK_REALTIME - CLOCK_MONOTONIC, for the program's stamps */
    uint64_t offset_at;     /* CLOCK_MONOTONIC when rt_offset was sampled (0: never) */
    struct xdpd_congestion congestion;  /* the program's congested flags (congestion.c); none: never raised */
};

/* What the capture program writes in front of each redirected frame (bpf/xsk_redirect.c). */
struct xdpd_rx_meta {
    uint64_t ts_ns;         /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
    uint32_t magic;
    uint32_t reserved;
};
#define XDPD_RX_META_MAGIC 0x53544458u /* "XDTS" */

#define XDPD_RX_BATCH 64u

/* Whether a frame of cap captured bytes is recorded by reference (record_ring.h). */
static inline int xdpd_capture_by_ref(const struct xdpd_capture *c, uint32_t cap)
{
    return c->by_ref && cap > XDPD_REF_MIN_BYTES;
}

/* The wall-clock time of a pass, and (every second) a fresh CLOCK_REALTIME offset for the stamps. */
uint64_t xdpd_capture_clock(struct xdpd_capture *c);
/* Record the n RX descriptors of socket i from idx on into the record ring (snaplen applied; each
 * frame stamped by the capture program, or `ts`, the pass's time, where it carries no stamp),
 * stopping at the first that does not fit (*blocked set); returns how many were recorded and adds
 * their captured bytes to *bytes. The frames stay where they are: the caller decides where each goes
 * next (back to the free list, or onto a TX ring). */
uint32_t xdpd_record_rx(struct xdpd_capture *c, uint32_t i, uint32_t idx, uint32_t n, uint64_t ts,
                        uint64_t *bytes, int *blocked);
/* After draining socket i: its shared counters and the ring's byte total. */
void xdpd_capture_count(struct xdpd_capture *c, uint32_t i, uint32_t moved, uint64_t bytes);
/* End of a pass: rotate the first socket, publish the records, count a full ring. */
void xdpd_capture_pass_end(struct xdpd_capture *c, uint32_t moved, int blocked);
/* How many frames this step may take within the count. */
uint32_t xdpd_capture_limit(const struct xdpd_capture *c, uint32_t budget);
/* Nothing moved: wait up to timeout_ms for the sockets (busy: frames are waiting downstream, look
 * again shortly instead). >0 when worth another pass, 0 when not, -errno on failure. */
int xdpd_capture_wait(struct xdpd_capture *c, int timeout_ms, int busy);

/* The capture's producer ops, which the tap uses for its IN side. */
void xdpd_capture_mark_stop(struct xdpd_capture *c);
uint32_t xdpd_capture_pending_at_stop(const struct xdpd_capture *c);
uint32_t xdpd_capture_headroom(const struct xdpd_capture *c);
int xdpd_capture_done(const struct xdpd_capture *c);
int xdpd_capture_update_stats(struct xdpd_capture *c);
void xdpd_capture_fd_range(const struct xdpd_capture *c, int *first, int *last);
void xdpd_capture_init(struct xdpd_capture *c, struct xdpd_record_ring *rr, uint32_t snaplen, uint64_t count);

#endif
