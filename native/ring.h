/* ring.h - the four AF_XDP rings (fill, completion, RX, TX) as single-producer/single-consumer queues
 * shared with the kernel, with libxdp-style cached views.
 *
 * Memory ordering, stated once for all four rings:
 *  - Consumer side (RX, completion): the kernel writes descriptors, then publishes its producer index
 *    with a release store (smp_store_release). Our acquire load of the producer pairs with it, so every
 *    descriptor below that index is visible to us. After we have read the descriptors (and copied the
 *    frames they point at), a release store of our consumer index tells the kernel the slots, and the
 *    frames, are free again; the release orders our reads before the kernel's reuse.
 *  - Producer side (fill, TX): we write descriptors, then release-store the producer index so the kernel,
 *    which load-acquires it, sees them. Our acquire load of the kernel's consumer index orders the
 *    kernel's reads of old slots before we overwrite them.
 * The acquire loads are only done when the cached view runs dry (cached_prod for a consumer,
 * cached_cons for a producer), so a busy ring costs one shared-cache-line read per batch, not per frame.
 * The flags word (XDP_RING_NEED_WAKEUP) is a hint the kernel sets and clears; a relaxed load is enough,
 * as in libxdp: a stale value costs one extra or one late syscall, never a lost frame.
 */
#ifndef XDPD_RING_H
#define XDPD_RING_H

#include <stdint.h>
#include <linux/if_xdp.h>

#ifndef XDP_RING_NEED_WAKEUP
#define XDP_RING_NEED_WAKEUP (1 << 0)
#endif

struct xdpd_ring {
    uint32_t *producer;
    uint32_t *consumer;
    uint32_t *flags;
    void *descs;
    uint32_t mask;
    uint32_t size;
    uint32_t cached_prod;
    uint32_t cached_cons;   /* producer rings: kernel consumer + size, i.e. the first slot we may not use */
    void *map;
    size_t map_len;
};

/* --- producer side: fill and TX rings ---------------------------------------------------------- */

static inline uint32_t xdpd_prod_free(struct xdpd_ring *r, uint32_t want)
{
    uint32_t free_entries = r->cached_cons - r->cached_prod;
    if (free_entries >= want)
        return free_entries;
    r->cached_cons = __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE) + r->size;
    return r->cached_cons - r->cached_prod;
}

/* Reserve up to `want` slots; returns how many, first index in *idx. */
static inline uint32_t xdpd_prod_reserve(struct xdpd_ring *r, uint32_t want, uint32_t *idx)
{
    uint32_t n = xdpd_prod_free(r, want);
    if (n > want)
        n = want;
    *idx = r->cached_prod;
    r->cached_prod += n;
    return n;
}

static inline void xdpd_prod_submit(struct xdpd_ring *r, uint32_t n)
{
    __atomic_store_n(r->producer, *r->producer + n, __ATOMIC_RELEASE);
}

/* Entries the kernel has not consumed yet (for accounting only). */
static inline uint32_t xdpd_prod_outstanding(const struct xdpd_ring *r)
{
    return *r->producer - __atomic_load_n(r->consumer, __ATOMIC_ACQUIRE);
}

/* --- consumer side: RX and completion rings ---------------------------------------------------- */

static inline uint32_t xdpd_cons_avail(struct xdpd_ring *r, uint32_t want)
{
    uint32_t entries = r->cached_prod - r->cached_cons;
    if (entries == 0) {
        r->cached_prod = __atomic_load_n(r->producer, __ATOMIC_ACQUIRE);
        entries = r->cached_prod - r->cached_cons;
    }
    return entries > want ? want : entries;
}

static inline uint32_t xdpd_cons_peek(struct xdpd_ring *r, uint32_t want, uint32_t *idx)
{
    uint32_t n = xdpd_cons_avail(r, want);
    *idx = r->cached_cons;
    r->cached_cons += n;
    return n;
}

/* Give back peeked entries we decided not to consume (they stay on the ring for the next peek). */
static inline void xdpd_cons_cancel(struct xdpd_ring *r, uint32_t n)
{
    r->cached_cons -= n;
}

static inline void xdpd_cons_release(struct xdpd_ring *r, uint32_t n)
{
    __atomic_store_n(r->consumer, *r->consumer + n, __ATOMIC_RELEASE);
}

static inline uint32_t xdpd_cons_pending(const struct xdpd_ring *r)
{
    return __atomic_load_n(r->producer, __ATOMIC_ACQUIRE) - *r->consumer;
}

static inline int xdpd_ring_needs_wakeup(const struct xdpd_ring *r)
{
    return r->flags && (__atomic_load_n(r->flags, __ATOMIC_RELAXED) & XDP_RING_NEED_WAKEUP);
}

static inline uint64_t *xdpd_ring_addr(struct xdpd_ring *r, uint32_t idx)
{
    return &((uint64_t *)r->descs)[idx & r->mask];
}

static inline struct xdp_desc *xdpd_ring_desc(struct xdpd_ring *r, uint32_t idx)
{
    return &((struct xdp_desc *)r->descs)[idx & r->mask];
}

#endif
