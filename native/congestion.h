/* congestion.h - the AF_XDP capture's congested flags (congestion.c). Internal: the capture loop
 * embeds one struct xdpd_congestion; Python reaches it through xdpd.h's xdpd_capture_congestion_map. */
#ifndef XDPD_CONGESTION_H
#define XDPD_CONGESTION_H

#include <stddef.h>
#include <stdint.h>
#include "xdpd.h"

#define XDPD_CONGESTED_QUEUES 64u   /* entries of bpf/xsk_redirect.c's xdpd_congested (its XSKMAP's size) */

/* Process-private (the net role's after the fork), like the capture it belongs to; the flags
 * themselves live in the kernel's maps, mapped here before the fork. */
struct xdpd_congestion {
    uint64_t *flag[XDPD_MAX_SOCKETS];   /* by socket index in the capture: its queue's flag, or NULL */
    uint32_t nflags;                    /* sockets that have a flag */
    int raised;                         /* the flags are set (all together: see congestion.c) */
    void *maps[XDPD_MAX_SOCKETS];       /* each device's mapping of its flag map, for the unmap */
    size_t map_len[XDPD_MAX_SOCKETS];
    uint32_t nmaps;
};

struct xdpd_capture;

/* After each pass of the capture: raise every flag when the pass found the record ring full
 * (blocked), or by reference the capture holds all the frames it may, and lower them once there is
 * room again (the rule: xdpd_congestion_decide, on each resource). */
void xdpd_congestion_after_pass(struct xdpd_capture *c, int blocked);
/* Lower every flag (the frames go to the sockets again) and unmap the flag maps. */
void xdpd_congestion_close(struct xdpd_congestion *g);

#endif
