/* metrics_region.h - layout of the metrics region (one MAP_SHARED|MAP_ANONYMOUS mapping made by the
 * supervisor before it forks; xdpd.h describes what is in it) and the snapshot the listener roles take.
 *
 * Writers: info once, at create, before any fork; state and feed only by the supervisor, each under
 * its own sequence lock (odd while a write is in progress); http[role] only by that role, field by
 * field (relaxed stores of single counters, which need no lock). Readers copy under the lock and
 * retry a few times; a reader that keeps losing the race serves its previous copy, never a torn one.
 */
#ifndef XDPD_METRICS_REGION_H
#define XDPD_METRICS_REGION_H

#include <stdint.h>
#include "xdpd.h"

#define XDPD_MR_MAGIC 0x5844524du /* "XDRM" */

struct xdpd_metrics_region {
    uint32_t magic;
    uint32_t pad0;
    uint64_t map_len;
    struct xdpd_mr_info info;
    uint32_t state_seq __attribute__((aligned(64)));
    struct xdpd_mr_state state;
    struct xdpd_http_counters http[XDPD_ROLE_COUNT] __attribute__((aligned(64)));
    uint32_t feed_seq __attribute__((aligned(64)));
    uint32_t feed_len;
    char feed[XDPD_MR_FEED_MAX];
};

/* Each role's name, by XDPD_ROLE_* (labels, JSON keys). */
extern const char *const xdpd_role_names[XDPD_ROLE_COUNT];

/* A consistent copy of the supervisor's state; 0, or -EAGAIN when every try met a write (out then
 * holds nothing useful: keep the previous copy). */
int xdpd_mr_read_state(const struct xdpd_metrics_region *mr, struct xdpd_mr_state *out);

/* A consistent copy of the feed into out (cap bytes); its length, or -EAGAIN as above. */
int xdpd_mr_read_feed(const struct xdpd_metrics_region *mr, char *out, uint32_t cap);

#endif
