/* congestion.c - what a full record ring means in the AF_XDP capture: the capture is congested, and
 * the capture program passes the frames it matches to the stack until the readers have caught up.
 *
 * Without this, a reader slower than the traffic (a printer on a slow terminal, a frame that is
 * costly to decode, a slow reader of `-w -`) fills the record ring; the net role then stops draining
 * the RX rings, they fill, and the kernel drops what the program still redirects: matched frames
 * reach neither the capture nor the host. With it, the net role raises the congested flag of its
 * queues (bpf/xsk_redirect.c's xdpd_congested, one per rx queue) and the program sends matched
 * frames on to the stack, counted as "congested" (never silently). Frames already on the RX rings
 * when the flag went up stay there and are recorded as room comes back.
 *
 * When: the flags go up when a pass of the capture finds the record ring too full for the next frame
 * (the pass was "blocked", the event counted in ring_full), and come down only once a quarter of the
 * ring is free again. By reference (-w) the record of a large frame is a few bytes, and what runs out
 * first is the frames the readers hold in UMEM: once the capture holds its whole budget (held_budget:
 * the frames beyond its fill rings) it can no longer stock the fill rings, and the kernel would drop
 * as soon as they empty; so the flags also go up then, and come down once a quarter of the budget is
 * back, whichever resource is short keeping them up. A reader that frees a record at a time would otherwise lower the flag as soon
 * as one record fits and the next batch would raise it again: the flag would flap per batch, and the
 * capture would hold a scatter of frames with gaps between them that have no meaning. With the
 * quarter, a congested capture has fewer, longer gaps, each ending when the readers have caught up by
 * a quarter of -B, and the frames the RX rings held meanwhile find room. (A larger share means
 * longer gaps, a smaller one more of them.) The record ring is one for all queues, so a full ring
 * congests every queue of the capture at once: all flags move together. While they are up no frame
 * arrives to wake the idle loop, so it looks for room every millisecond instead (capture_step) and
 * lowers them soon after there is room, not at its next 100 ms wake-up.
 *
 * The maps are mmapable arrays, mapped here by the supervisor before it forks the net role: the
 * role's filter has no bpf() system call, and it writes the flags through the inherited mapping with
 * a release store (the program reads the flag with a plain load; a frame that sees the old value
 * is merely captured or passed one frame late).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture_loop.h"
#include "congestion.h"

#define LOWER_AT_FREE_DIV 4u    /* lower once 1/4 of the ring is free: see the top of the file */

int xdpd_congestion_decide(int raised, int blocked, uint64_t free_bytes, uint64_t ring_bytes)
{
    if (blocked)
        return 1;
    if (!raised)
        return 0;
    return free_bytes < ring_bytes / LOWER_AT_FREE_DIV;
}

/* Bytes the producer could write now: below the slowest reader, and by reference only below what it
 * has given back (record_ring.h). */
static uint64_t ring_free(struct xdpd_record_ring *rr)
{
    return xdpd_rr_free_bytes(rr);
}

static void set_all(struct xdpd_congestion *g, int raised)
{
    for (uint32_t i = 0; i < XDPD_MAX_SOCKETS; i++)
        if (g->flag[i])
            __atomic_store_n(g->flag[i], (uint64_t)raised, __ATOMIC_RELEASE);
    g->raised = raised;
}

void xdpd_congestion_after_pass(struct xdpd_capture *c, int blocked)
{
    struct xdpd_congestion *g = &c->congestion;
    struct xdpd_record_ring *rr = c->rr;
    /* The budget and the ring's size as this process set them up: the header's copies are in shared
     * memory, which any role can write. */
    uint32_t budget = c->held_budget;
    const struct xdpd_rr_geom *geom = xdpd_rr_geom(rr);
    int held_out = c->by_ref && budget && c->held >= budget;
    if (!g->nflags || (!blocked && !held_out && !g->raised))
        return;     /* the common case: no flags (the tap, tests), or nothing to decide */
    int raised = xdpd_congestion_decide(g->raised, blocked, blocked ? 0 : ring_free(rr), geom ? geom->data_size : 0);
    if (c->by_ref && budget) {
        uint64_t spare = held_out ? 0 : budget - c->held;
        raised |= xdpd_congestion_decide(g->raised, held_out, spare, budget);
    }
    if (raised != g->raised)
        set_all(g, raised);
}

void xdpd_congestion_close(struct xdpd_congestion *g)
{
    if (g->raised)
        set_all(g, 0);
    for (uint32_t k = 0; k < g->nmaps; k++) {
        xdpd_net_map_del(g->maps[k]);
        munmap(g->maps[k], g->map_len[k]);
    }
    memset(g, 0, sizeof(*g));
}

int xdpd_capture_congestion_map(xdpd_capture *c, uint16_t ifslot, int map_fd)
{
    struct xdpd_congestion *g = &c->congestion;
    if (g->nmaps >= XDPD_MAX_SOCKETS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "more than %d congested-flag maps", XDPD_MAX_SOCKETS);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = (XDPD_CONGESTED_QUEUES * sizeof(uint64_t) + page - 1) & ~(page - 1);
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
    if (map == MAP_FAILED)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(len=%zu, fd=%d) of the congested flags", len, map_fd);
    xdpd_net_map_add(map, len, 0);  /* the net role's to write (net_maps.c): the archive role drops it */
    g->maps[g->nmaps] = map;
    g->map_len[g->nmaps] = len;
    g->nmaps++;
    uint64_t *flags = map;
    for (uint32_t i = 0; i < c->n; i++) {
        const struct xdpd_socket_counters *sc = &c->rr->sockets[c->slot[i]];
        if (sc->ifslot != ifslot || sc->queue >= XDPD_CONGESTED_QUEUES)
            continue;
        if (!g->flag[i])
            g->nflags++;
        g->flag[i] = &flags[sc->queue];
        __atomic_store_n(g->flag[i], (uint64_t)g->raised, __ATOMIC_RELEASE);
    }
    return 0;
}
