/* metrics_region.c - the metrics region: made by the supervisor before it forks, published by the
 * supervisor batch by batch, read by the metrics and gui roles (metrics_region.h has the layout and
 * who writes what).
 *
 * The sequence lock: the writer makes the sequence odd, writes, and makes it even again (release);
 * a reader loads it (acquire), copies, fences, and loads it again: an odd or changed sequence means
 * the copy may be torn and is tried again. Readers never block the writer, and the writer (the
 * supervisor, between two printed batches) never waits for a reader.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "metrics_region.h"

#define READ_TRIES 8

const char *const xdpd_role_names[XDPD_ROLE_COUNT] = {"net", "archive", "metrics", "gui", "supervisor"};

int xdpd_mr_create(xdpd_metrics_region **out, const struct xdpd_mr_info *info)
{
    *out = NULL;
    if (info->nifs > XDPD_MR_MAX_IFS)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "metrics region for %u interfaces (at most %d)", info->nifs,
                         XDPD_MR_MAX_IFS);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = (sizeof(struct xdpd_metrics_region) + page - 1) & ~(page - 1);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(len=%zu, MAP_SHARED|MAP_ANONYMOUS) of the metrics region", len);
    struct xdpd_metrics_region *mr = p;   /* zero-filled by the kernel */
    mr->magic = XDPD_MR_MAGIC;
    mr->map_len = len;
    mr->info = *info;
    mr->info.version[sizeof(mr->info.version) - 1] = '\0';
    mr->info.kernel[sizeof(mr->info.kernel) - 1] = '\0';
    mr->info.producer[sizeof(mr->info.producer) - 1] = '\0';
    mr->info.xdp_mode[sizeof(mr->info.xdp_mode) - 1] = '\0';
    mr->info.af_xdp_mode[sizeof(mr->info.af_xdp_mode) - 1] = '\0';
    mr->info.out_ifname[XDPD_MR_NAME_LEN - 1] = '\0';
    for (uint32_t i = 0; i < XDPD_MR_MAX_IFS; i++)
        mr->info.ifnames[i][XDPD_MR_NAME_LEN - 1] = '\0';
    memcpy(mr->feed, "null", 4);
    mr->feed_len = 4;
    *out = mr;
    return 0;
}

int xdpd_mr_destroy(xdpd_metrics_region *mr)
{
    if (mr && munmap(mr, mr->map_len) != 0)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "munmap of the metrics region");
    return 0;
}

static void write_begin(uint32_t *seq)
{
    __atomic_store_n(seq, *seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);   /* the odd sequence is visible before any data written */
}

static void write_end(uint32_t *seq)
{
    __atomic_store_n(seq, *seq + 1, __ATOMIC_RELEASE);
}

void xdpd_mr_publish(xdpd_metrics_region *mr, const struct xdpd_mr_state *st)
{
    write_begin(&mr->state_seq);
    uint32_t n = mr->state.publishes + 1;
    mr->state = *st;
    mr->state.publishes = n;
    write_end(&mr->state_seq);
}

int xdpd_mr_publish_feed(xdpd_metrics_region *mr, const char *json, size_t len)
{
    if (len == 0 || len > XDPD_MR_FEED_MAX)
        return xdpd_fail(XDPD_STEP_ARGUMENT, EMSGSIZE, "GUI feed of %zu bytes (1 to %d)", len, XDPD_MR_FEED_MAX);
    write_begin(&mr->feed_seq);
    memcpy(mr->feed, json, len);
    mr->feed_len = (uint32_t)len;
    write_end(&mr->feed_seq);
    return 0;
}

int xdpd_mr_read_state(const struct xdpd_metrics_region *mr, struct xdpd_mr_state *out)
{
    for (int i = 0; i < READ_TRIES; i++) {
        uint32_t s1 = __atomic_load_n(&mr->state_seq, __ATOMIC_ACQUIRE);
        if (s1 & 1)
            continue;
        memcpy(out, (const void *)&mr->state, sizeof(*out));
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&mr->state_seq, __ATOMIC_RELAXED) == s1)
            return 0;
    }
    return -EAGAIN;
}

int xdpd_mr_read_feed(const struct xdpd_metrics_region *mr, char *out, uint32_t cap)
{
    for (int i = 0; i < READ_TRIES; i++) {
        uint32_t s1 = __atomic_load_n(&mr->feed_seq, __ATOMIC_ACQUIRE);
        if (s1 & 1)
            continue;
        uint32_t len = mr->feed_len;
        if (len > cap)
            len = cap;
        memcpy(out, (const void *)mr->feed, len);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&mr->feed_seq, __ATOMIC_RELAXED) == s1)
            return (int)len;
    }
    return -EAGAIN;
}

void xdpd_mr_state(const xdpd_metrics_region *mr, struct xdpd_mr_state *out)
{
    while (xdpd_mr_read_state(mr, out) != 0) {
        /* only a test reads this way, while the supervisor (its own thread) is not writing */
    }
}

void xdpd_mr_http_counters(const xdpd_metrics_region *mr, int role, struct xdpd_http_counters *out)
{
    memset(out, 0, sizeof(*out));
    if (role < 0 || role >= XDPD_ROLE_COUNT)
        return;
    const struct xdpd_http_counters *h = &mr->http[role];
    out->accepted = __atomic_load_n(&h->accepted, __ATOMIC_RELAXED);
    out->responses = __atomic_load_n(&h->responses, __ATOMIC_RELAXED);
    out->shed_cap = __atomic_load_n(&h->shed_cap, __ATOMIC_RELAXED);
    out->shed_deadline = __atomic_load_n(&h->shed_deadline, __ATOMIC_RELAXED);
    out->too_large = __atomic_load_n(&h->too_large, __ATOMIC_RELAXED);
    out->errors = __atomic_load_n(&h->errors, __ATOMIC_RELAXED);
    out->open = __atomic_load_n(&h->open, __ATOMIC_RELAXED);
    out->cap = __atomic_load_n(&h->cap, __ATOMIC_RELAXED);
}
