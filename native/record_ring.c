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
    struct xdpd_record_ring *rr = m;
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
    return rr->map_len;
}

int xdpd_rr_destroy(xdpd_record_ring *rr)
{
    if (rr && munmap(rr, rr->map_len))
        return xdpd_fail_internal(XDPD_STEP_MMAP, errno, "munmap(len=%llu) of the record ring",
                                  (unsigned long long)rr->map_len);
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
    if (slot >= rr->nsockets)
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
    xdpd_rr_publish(rr);
    __atomic_store_n(&rr->producer_done, 1, __ATOMIC_RELEASE);
}

/* --- producer ----------------------------------------------------------------------------------- */

static uint64_t min_consumer(struct xdpd_record_ring *rr, uint64_t m)
{
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++) {
        if (!__atomic_load_n(&rr->cons[i].active, __ATOMIC_ACQUIRE))
            continue;
        uint64_t p = __atomic_load_n(&rr->cons[i].pos, __ATOMIC_ACQUIRE);
        if (p < m)
            m = p;
    }
    return m;
}

uint64_t xdpd_rr_consumed(struct xdpd_record_ring *rr)
{
    return min_consumer(rr, rr->prod);
}

/* Space below the slowest consumer is free again; by reference, only once its frames are reclaimed. */
static uint64_t reusable_below(struct xdpd_record_ring *rr)
{
    uint64_t m = min_consumer(rr, rr->prod_local);
    return rr->by_ref && rr->reclaimed < m ? rr->reclaimed : m;
}

static struct xdpd_record *reserve(struct xdpd_record_ring *rr, uint64_t size, uint32_t cap_len)
{
    uint64_t tail = rr->data_size - (rr->prod_local & (rr->data_size - 1));
    uint64_t need = size > tail ? tail + size : size;   /* a record never wraps: pad to the start */
    if (rr->prod_local + need - rr->min_cons_cached > rr->data_size) {
        rr->min_cons_cached = reusable_below(rr);
        if (rr->prod_local + need - rr->min_cons_cached > rr->data_size)
            return NULL;
    }
    if (size > tail) {
        struct xdpd_record *pad = xdpd_rr_at(rr, rr->prod_local);
        pad->rec_len = (uint32_t)tail;
        pad->cap_len = XDPD_REC_PAD;
        rr->prod_local += tail;
    }
    struct xdpd_record *rec = xdpd_rr_at(rr, rr->prod_local);
    rec->rec_len = (uint32_t)size;
    rec->cap_len = cap_len;
    /* The AF_XDP capture and the tap only ever see received frames; the mirror sets its own. */
    rec->direction = XDPD_DIR_IN;
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
    rr->prod_local += rec->rec_len;
}

void xdpd_rr_publish(struct xdpd_record_ring *rr)
{
    __atomic_store_n(&rr->prod, rr->prod_local, __ATOMIC_RELEASE);
}

/* --- consumers ---------------------------------------------------------------------------------- */

int xdpd_rr_consumer_register(xdpd_record_ring *rr)
{
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++) {
        uint32_t expected = 0;
        if (__atomic_load_n(&rr->cons[i].active, __ATOMIC_RELAXED))
            continue;
        /* Start at what has been published: a consumer sees records produced after it registered.
         * Its pos is never below the producer's cached minimum, so that cache stays conservative. */
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

struct xdpd_record *xdpd_rr_next(struct xdpd_record_ring *rr, uint64_t *pos, uint64_t prod)
{
    while (*pos < prod) {
        struct xdpd_record *rec = xdpd_rr_at(rr, *pos);
        if (rec->cap_len == XDPD_REC_PAD) {
            *pos += rec->rec_len;
            continue;
        }
        return rec;
    }
    return NULL;
}

int xdpd_rr_consumer_peek(xdpd_record_ring *rr, int slot, struct xdpd_packet *out, uint32_t max, int timeout_ms)
{
    if (slot < 0 || slot >= XDPD_MAX_CONSUMERS || !rr->cons[slot].active)
        return xdpd_fail_internal(XDPD_STEP_CONSUMER, EINVAL, "consumer slot %d (not registered)", slot);
    struct xdpd_rr_consumer *c = &rr->cons[slot];
    int nap = 1;
    uint64_t prod = xdpd_rr_wait(rr, c->pos, timeout_ms, &nap, 8);
    uint64_t pos = c->pos;
    uint32_t n = 0;
    struct xdpd_record *rec;
    while (n < max && (rec = xdpd_rr_next(rr, &pos, prod)) != NULL) {
        out[n].ts_ns = rec->ts_ns;
        out[n].data = xdpd_rec_data(rr, rec);
        out[n].wire_len = rec->wire_len;
        out[n].cap_len = rec->cap_len;
        out[n].ifslot = rec->ifslot;
        out[n].queue = rec->queue;
        out[n].direction = rec->direction;
        pos += rec->rec_len;
        n++;
    }
    c->peek_end = pos;
    return (int)n;
}

void xdpd_rr_consumer_release(xdpd_record_ring *rr, int slot)
{
    struct xdpd_rr_consumer *c = &rr->cons[slot];
    __atomic_store_n(&c->pos, c->peek_end, __ATOMIC_RELEASE);
}
