/* record_ring.c - the single-producer, multi-consumer ring of captured records in shared memory.
 *
 * The producer never overwrites a record a registered consumer has not released: when full it returns
 * NULL and the capture loop leaves frames on the RX rings, so overload becomes kernel drops counted by
 * XDP_STATISTICS, never silent gaps. With no consumer registered the producer runs free (count only).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "record_ring.h"

/* --- this process's geometry (record_ring.h) ------------------------------------------------------ */

/* Rings a process can have at once (a test process makes many, one after the other). */
#define MAX_RINGS 256
static struct xdpd_rr_geom geoms[MAX_RINGS];

static struct xdpd_rr_geom *last_geom;   /* the producer asks for one ring's, once a record */

static struct xdpd_rr_geom *geom_slot(const struct xdpd_record_ring *rr)
{
    if (last_geom && last_geom->rr == rr)
        return last_geom;
    for (int i = 0; i < MAX_RINGS; i++)
        if (geoms[i].rr == rr)
            return rr ? (last_geom = &geoms[i]) : &geoms[i];
    return NULL;
}

const struct xdpd_rr_geom *xdpd_rr_geom(const struct xdpd_record_ring *rr)
{
    return rr ? geom_slot(rr) : NULL;
}

int xdpd_rr_geom_adopt(const struct xdpd_record_ring *rr)
{
    /* A ring made since at the same address (a test makes many) is a new ring: its published
     * position is not where this copy's producer left the old one. */
    struct xdpd_rr_geom *g = geom_slot(rr);
    if (g && g->prod.published == rr->prod)
        return 0;
    if (!g)
        g = geom_slot(NULL);
    if (!g)
        return -ENOSPC;
    memset(g, 0, sizeof(*g));
    g->data_offset = rr->data_offset;
    g->data_size = rr->data_size;
    g->map_len = rr->map_len;
    g->prod.local = g->prod.published = g->prod.free_below = g->prod.reclaimed = rr->prod;
    g->rr = rr;
    return 0;
}

void xdpd_rr_geom_snaplen(const struct xdpd_record_ring *rr, uint32_t snaplen)
{
    struct xdpd_rr_geom *g = rr ? geom_slot(rr) : NULL;
    if (g && snaplen > g->snaplen)
        g->snaplen = snaplen;
}

void xdpd_rr_geom_ifslot(const struct xdpd_record_ring *rr, uint16_t ifslot)
{
    struct xdpd_rr_geom *g = rr ? geom_slot(rr) : NULL;
    if (g && (uint32_t)ifslot + 1 > g->nifslots)
        g->nifslots = (uint32_t)ifslot + 1;
}

void xdpd_rr_geom_umem(const struct xdpd_record_ring *rr, uint32_t slot, uint64_t base, uint64_t len, int by_ref)
{
    struct xdpd_rr_geom *g = rr ? geom_slot(rr) : NULL;
    if (!g || slot >= XDPD_MAX_SOCKETS)
        return;
    g->umem_base[slot] = base;
    g->umem_len[slot] = len;
    if (slot + 1 > g->nsockets)
        g->nsockets = slot + 1;
    g->by_ref = by_ref != 0;
}

int xdpd_rr_create(xdpd_record_ring **out, uint64_t data_size)
{
    if (data_size < 65536 || (data_size & (data_size - 1)))
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "record ring size %llu (a power of two >= 64 KiB)",
                         (unsigned long long)data_size);
    long page = sysconf(_SC_PAGESIZE);
    uint64_t hdr = (sizeof(struct xdpd_record_ring) + page - 1) & ~(uint64_t)(page - 1);
    uint64_t len = hdr + data_size;
    /* MAP_SHARED so the capture loop and its consumers can live in different processes after fork. */
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(len=%llu, MAP_SHARED|MAP_ANONYMOUS) of the record ring",
                         (unsigned long long)len);
    struct xdpd_rr_geom *g = geom_slot(NULL);
    if (!g) {
        munmap(m, len);
        return xdpd_fail(XDPD_STEP_ALLOC, ENOSPC, "more than %d record rings in one process", MAX_RINGS);
    }
    struct xdpd_record_ring *rr = m;
    memset(g, 0, sizeof(*g));
    g->rr = rr;
    g->data_offset = hdr;
    g->data_size = data_size;
    g->map_len = len;
    rr->magic = XDPD_RR_MAGIC;
    rr->version = 1;
    rr->data_size = data_size;
    rr->map_len = len;
    rr->data_offset = hdr;
    *out = rr;
    return 0;
}

uint64_t xdpd_rr_map_len(const xdpd_record_ring *rr)
{
    const struct xdpd_rr_geom *g = xdpd_rr_geom(rr);
    return g ? g->map_len : 0;
}

int xdpd_rr_destroy(xdpd_record_ring *rr)
{
    struct xdpd_rr_geom *g = rr ? geom_slot(rr) : NULL;
    if (!g)
        return 0;
    uint64_t len = g->map_len;   /* not the header's: any role can write that */
    memset(g, 0, sizeof(*g));
    if (munmap(rr, len))
        return xdpd_fail_internal(XDPD_STEP_MMAP, errno, "munmap(len=%llu) of the record ring",
                                  (unsigned long long)len);
    return 0;
}

void xdpd_rr_counters(const xdpd_record_ring *rr, struct xdpd_ring_counters *out)
{
    out->captured = __atomic_load_n(&rr->captured, __ATOMIC_RELAXED);
    out->bytes = __atomic_load_n(&rr->bytes, __ATOMIC_RELAXED);
    out->ring_full = __atomic_load_n(&rr->ring_full, __ATOMIC_RELAXED);
    out->produced_pos = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE);
    out->stop = __atomic_load_n(&rr->stop, __ATOMIC_RELAXED);
    out->producer_done = __atomic_load_n(&rr->producer_done, __ATOMIC_ACQUIRE);
    out->nsockets = rr->nsockets;
    out->nconsumers = 0;
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++)
        out->nconsumers += __atomic_load_n(&rr->cons[i].active, __ATOMIC_RELAXED) != 0;
}

int xdpd_rr_socket_counters(const xdpd_record_ring *rr, uint32_t slot, struct xdpd_socket_counters *out)
{
    if (slot >= rr->nsockets || slot >= XDPD_MAX_SOCKETS)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "socket slot %u of %u", slot, rr->nsockets);
    /* Counters are written by one process and read by another; a torn read of a u64 cannot happen on
     * the 64-bit targets we support, and a slightly old value is fine for statistics. */
    memcpy(out, &rr->sockets[slot], sizeof(*out));
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return 0;
}

void xdpd_rr_request_stop(xdpd_record_ring *rr)
{
    __atomic_store_n(&rr->stop, 1, __ATOMIC_RELEASE);
}

void xdpd_rr_set_producer_done(xdpd_record_ring *rr)
{
    /* Only what this process wrote and has not published: a process that produced nothing (its
     * copy of the producer state is from the fork) would move prod back. */
    struct xdpd_rr_prod *p = xdpd_rr_producer(rr);
    if (p && p->local != p->published)
        xdpd_rr_publish(rr);
    __atomic_store_n(&rr->producer_done, 1, __ATOMIC_RELEASE);
}

/* --- producer ----------------------------------------------------------------------------------- */

struct xdpd_rr_prod *xdpd_rr_producer(const struct xdpd_record_ring *rr)
{
    struct xdpd_rr_geom *g = rr ? geom_slot(rr) : NULL;
    return g ? &g->prod : NULL;
}

/* The slowest active consumer (at most m), each position taken only if it lies between the last one
 * taken from that consumer and what was published: a consumer cannot have read further, and it never
 * goes back. Anything else is a role writing what it should not; it counts as no progress. A consumer
 * new in its slot starts where the producer already is (what it may reuse, at most what it published):
 * below that, the space may have been reused already, so counting it would guard nothing. */
static uint64_t min_consumer(struct xdpd_rr_geom *g, uint64_t m)
{
    struct xdpd_rr_prod *p = &g->prod;
    const struct xdpd_record_ring *rr = g->rr;
    uint64_t floor = p->free_below < p->published ? p->free_below : p->published;
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++) {
        if (!__atomic_load_n(&rr->cons[i].active, __ATOMIC_ACQUIRE)) {
            p->known[i] = 0;
            continue;
        }
        uint64_t pos = __atomic_load_n(&rr->cons[i].pos, __ATOMIC_ACQUIRE);
        uint64_t last = p->known[i] ? p->seen[i] : floor;
        if (pos >= last && pos <= p->published)
            p->seen[i] = pos;
        else if (p->known[i] || pos > p->published)
            p->bad_positions++, p->seen[i] = last;
        else
            p->seen[i] = last;   /* registered at a published position the producer has reused since */
        p->known[i] = 1;
        if (p->seen[i] < m)
            m = p->seen[i];
    }
    return m;
}

uint64_t xdpd_rr_consumed(struct xdpd_record_ring *rr)
{
    struct xdpd_rr_geom *g = geom_slot(rr);
    return g ? min_consumer(g, g->prod.published) : 0;
}

/* Space below the slowest consumer is free again; by reference, only once its frames are reclaimed. */
static uint64_t reusable_below(struct xdpd_rr_geom *g)
{
    uint64_t m = min_consumer(g, g->prod.local);
    return g->by_ref && g->prod.reclaimed < m ? g->prod.reclaimed : m;
}

uint64_t xdpd_rr_free_bytes(struct xdpd_record_ring *rr)
{
    struct xdpd_rr_geom *g = geom_slot(rr);
    if (!g)
        return 0;
    uint64_t below = reusable_below(g), used = g->prod.local > below ? g->prod.local - below : 0;
    return used < g->data_size ? g->data_size - used : 0;
}

/* The producer writes where its own geometry says, never where the shared header says. */
static struct xdpd_record *rec_at(const struct xdpd_rr_geom *g, uint64_t pos)
{
    return (struct xdpd_record *)((uint8_t *)g->rr + g->data_offset + (pos & (g->data_size - 1)));
}

static struct xdpd_record *reserve(struct xdpd_record_ring *rr, uint64_t size, uint32_t cap_len)
{
    struct xdpd_rr_geom *g = geom_slot(rr);
    if (!g || size > g->data_size)
        return NULL;
    struct xdpd_rr_prod *p = &g->prod;
    uint64_t data_size = g->data_size;
    uint64_t tail = data_size - (p->local & (data_size - 1));
    uint64_t need = size > tail ? tail + size : size;   /* a record never wraps: pad to the start */
    if (p->local + need - p->free_below > data_size) {
        p->free_below = reusable_below(g);
        if (p->local + need - p->free_below > data_size)
            return NULL;
    }
    if (size > tail) {
        struct xdpd_record *pad = rec_at(g, p->local);
        pad->rec_len = (uint32_t)tail;
        pad->cap_len = XDPD_REC_PAD;
        p->local += tail;
    }
    struct xdpd_record *rec = rec_at(g, p->local);
    rec->rec_len = (uint32_t)size;
    rec->cap_len = cap_len;
    /* The AF_XDP capture and the tap only ever see received frames; the mirror sets its own. */
    rec->direction = XDPD_DIR_IN;
    p->next_len = size;
    return rec;
}

struct xdpd_record *xdpd_rr_reserve(struct xdpd_record_ring *rr, uint32_t cap_len)
{
    return reserve(rr, xdpd_rec_size(cap_len), cap_len);
}

struct xdpd_record *xdpd_rr_reserve_ref(struct xdpd_record_ring *rr, uint32_t cap_len)
{
    return reserve(rr, xdpd_rec_size(sizeof(uint64_t)), cap_len);
}

void xdpd_rr_commit(struct xdpd_record_ring *rr, struct xdpd_record *rec)
{
    (void)rec;   /* its rec_len is in shared memory: another role could have changed it since */
    struct xdpd_rr_prod *p = &geom_slot(rr)->prod;
    p->local += p->next_len;
    p->next_len = 0;
}

void xdpd_rr_publish(struct xdpd_record_ring *rr)
{
    struct xdpd_rr_prod *p = &geom_slot(rr)->prod;
    p->published = p->local;
    __atomic_store_n(&rr->prod, p->local, __ATOMIC_RELEASE);
}

/* --- consumers ---------------------------------------------------------------------------------- */

int xdpd_rr_consumer_register(xdpd_record_ring *rr)
{
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++) {
        uint32_t expected = 0;
        if (__atomic_load_n(&rr->cons[i].active, __ATOMIC_RELAXED))
            continue;
        /* Start at what has been published: a consumer sees records produced after it registered.
         * The producer takes it from there (record_ring.h: it checks every position it reads). */
        uint64_t start = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE);
        rr->cons[i].pos = start;
        rr->cons[i].peek_end = start;
        rr->cons[i].records = 0;
        if (__atomic_compare_exchange_n(&rr->cons[i].active, &expected, 1, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
            return i;
    }
    return xdpd_fail(XDPD_STEP_CONSUMER, ENOSPC, "no free consumer slot (all %d taken)", XDPD_MAX_CONSUMERS);
}

void xdpd_rr_consumer_unregister(xdpd_record_ring *rr, int slot)
{
    if (slot >= 0 && slot < XDPD_MAX_CONSUMERS)
        __atomic_store_n(&rr->cons[slot].active, 0, __ATOMIC_RELEASE);
}

uint64_t xdpd_rr_consumer_records(const xdpd_record_ring *rr, int slot)
{
    if (slot < 0 || slot >= XDPD_MAX_CONSUMERS)
        return 0;
    return __atomic_load_n(&rr->cons[slot].records, __ATOMIC_ACQUIRE);
}

uint64_t xdpd_rr_consumer_backlog(const xdpd_record_ring *rr, int slot)
{
    return __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE) - rr->cons[slot].pos;
}

uint64_t xdpd_rr_wait(struct xdpd_record_ring *rr, uint64_t pos, int timeout_ms, int *nap_ms, int max_nap_ms)
{
    uint64_t prod = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE);
    if (prod != pos || timeout_ms <= 0)
        return prod;
    int64_t deadline = xdpd_now_ms() + timeout_ms;
    /* Only producer_done ends the wait early, not the stop flag: after a stop the producer still
     * drains what the kernel had delivered, and a consumer spinning meanwhile would take its CPU. */
    while (prod == pos && !__atomic_load_n(&rr->producer_done, __ATOMIC_ACQUIRE)) {
        int64_t left = deadline - xdpd_now_ms();
        if (left <= 0)
            break;
        xdpd_sleep_ms(*nap_ms < left ? *nap_ms : (int)left);
        *nap_ms = *nap_ms * 2 < max_nap_ms ? *nap_ms * 2 : max_nap_ms;
        prod = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE);
    }
    return prod;
}

static int bad_record(uint64_t pos, const char *what, uint64_t value)
{
    return xdpd_fail(XDPD_STEP_CONSUMER, EPROTO, "record ring: bad record at position %llu: %s (%llu)",
                     (unsigned long long)pos, what, (unsigned long long)value);
}

/* Every field is read once into a local (the producer, or a role that is not, may change it under
 * us); every sum is done in 64 bits, where nothing here can wrap. */
int xdpd_rr_next_checked(const struct xdpd_rr_geom *g, uint64_t *pos, uint64_t prod, struct xdpd_rr_item *out)
{
    const uint64_t hdr = sizeof(struct xdpd_record);
    const uint8_t *data = (const uint8_t *)g->rr + g->data_offset;
    if (prod - *pos > g->data_size)
        return bad_record(*pos, "published position beyond the ring", prod);
    while (*pos < prod) {
        uint64_t p = *pos;
        if (p & (XDPD_REC_ALIGN - 1))
            return bad_record(p, "position not aligned", p & (XDPD_REC_ALIGN - 1));
        uint64_t off = p & (g->data_size - 1);
        const struct xdpd_record *rec = (const struct xdpd_record *)(data + off);
        uint64_t len = __atomic_load_n(&rec->rec_len, __ATOMIC_RELAXED);
        uint32_t cap = __atomic_load_n(&rec->cap_len, __ATOMIC_RELAXED);
        if (len < hdr || (len & (XDPD_REC_ALIGN - 1)))
            return bad_record(p, "record length", len);
        if (len > prod - p || off + len > g->data_size)
            return bad_record(p, "record past what is published or past the ring", len);
        if (cap == XDPD_REC_PAD) {
            *pos = p + len;
            continue;
        }
        if (g->snaplen && cap > g->snaplen)
            return bad_record(p, "captured length over the snap length", cap);
        uint16_t ifslot = __atomic_load_n(&rec->ifslot, __ATOMIC_RELAXED);
        if (g->nifslots && ifslot >= g->nifslots)
            return bad_record(p, "interface slot", ifslot);
        out->rec = rec;
        out->rec_len = len;
        out->cap_len = cap;
        out->ifslot = ifslot;
        out->bytes = rec->data;
        if (len < xdpd_rec_size(cap)) {
            /* By reference: only where the capture is, and only inside the socket's UMEM. */
            uint64_t ref;
            if (!g->by_ref || len < hdr + sizeof(ref))
                return bad_record(p, "captured length over the record", cap);
            memcpy(&ref, rec->data, sizeof(ref));
            uint64_t slot = ref >> 48, addr = ref & XDPD_REF_ADDR_MASK;
            if (slot >= g->nsockets || addr > g->umem_len[slot] || cap > g->umem_len[slot] - addr)
                return bad_record(p, "frame reference outside the UMEM", ref);
            out->bytes = (const uint8_t *)(uintptr_t)(g->umem_base[slot] + addr);
        }
        return 1;
    }
    return 0;
}

int xdpd_rr_consumer_peek(xdpd_record_ring *rr, int slot, struct xdpd_packet *out, uint32_t max, int timeout_ms)
{
    if (slot < 0 || slot >= XDPD_MAX_CONSUMERS || !rr->cons[slot].active)
        return xdpd_fail_internal(XDPD_STEP_CONSUMER, EINVAL, "consumer slot %d (not registered)", slot);
    const struct xdpd_rr_geom *g = xdpd_rr_geom(rr);
    if (!g)
        return xdpd_fail_internal(XDPD_STEP_CONSUMER, EINVAL, "a record ring this process did not make");
    struct xdpd_rr_consumer *c = &rr->cons[slot];
    int nap = 1;
    uint64_t pos = __atomic_load_n(&c->pos, __ATOMIC_RELAXED);
    uint64_t prod = xdpd_rr_wait(rr, pos, timeout_ms, &nap, 8);
    uint32_t n = 0;
    struct xdpd_rr_item it;
    int got = 0;
    while (n < max && (got = xdpd_rr_next_checked(g, &pos, prod, &it)) > 0) {
        out[n].ts_ns = it.rec->ts_ns;
        out[n].data = it.bytes;
        out[n].wire_len = it.rec->wire_len;
        out[n].cap_len = it.cap_len;
        out[n].ifslot = it.ifslot;
        out[n].queue = it.rec->queue;
        out[n].direction = it.rec->direction;
        pos += it.rec_len;
        n++;
    }
    if (got < 0 && n == 0)
        return got;   /* the records before a bad one are handed out first; the next peek stops here */
    c->peek_end = pos;
    return (int)n;
}

void xdpd_rr_consumer_release(xdpd_record_ring *rr, int slot)
{
    struct xdpd_rr_consumer *c = &rr->cons[slot];
    __atomic_store_n(&c->pos, c->peek_end, __ATOMIC_RELEASE);
}
