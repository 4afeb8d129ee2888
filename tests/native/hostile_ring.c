/* hostile_ring.c - a test harness (built by tests/test_hostile_ring.py under AddressSanitizer): a
 * child process plays a compromised role and writes one kind of garbage into the shared record ring
 * (after a few good records), while this process reads the ring with the two native consumers that
 * production runs: the archive writer's loop (xdpd_archive_run, as the archive role) and the peek
 * that the supervisor's and the API's Python readers go through (xdpd_rr_consumer_peek).
 *
 * Usage: hostile_ring SCENARIO OUTFILE (random:SEED for a random one). Prints one line per consumer:
 *   writer rc=RC records=N msg=...
 *   peek rc=RC packets=N msg=...
 * RC is 0 when the consumer ended normally, else -errno with the one line it stopped with. A read out
 * of bounds aborts under AddressSanitizer; a hang is ended by alarm() (SIGALRM kills the harness).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "record_ring.h"

#define RING_BYTES (1u << 16)
#define SNAPLEN 1500u
#define NIFSLOTS 2u
#define UMEM_BYTES (1u << 20)
#define GOOD 5

/* Outside a role, the writer's loop asks this; nothing here dies under it. */
int xdpd_orphaned(void)
{
    return 0;
}

static struct xdpd_record *good(struct xdpd_record_ring *rr, uint32_t cap)
{
    struct xdpd_record *rec = xdpd_rr_reserve(rr, cap);
    rec->wire_len = cap;
    rec->ifslot = 1;
    rec->queue = 0;
    rec->ts_ns = 1000000000ull;
    memset(rec->data, 0xab, cap);
    xdpd_rr_commit(rr, rec);
    return rec;
}

/* A record placed by hand at the producer's position, published with rec_len as given. */
static struct xdpd_record *raw(struct xdpd_record_ring *rr)
{
    const struct xdpd_rr_geom *g = xdpd_rr_geom(rr);
    return (struct xdpd_record *)((uint8_t *)rr + g->data_offset + (xdpd_rr_producer(rr)->local & (g->data_size - 1)));
}

static void publish_raw(struct xdpd_record_ring *rr, uint64_t advance)
{
    xdpd_rr_producer(rr)->local += advance;
    xdpd_rr_publish(rr);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int hostile(struct xdpd_record_ring *rr, const char *what, uint8_t *umem)
{
    for (int i = 0; i < GOOD; i++)
        good(rr, 60 + i);
    /* A good record by reference: its bytes are in the UMEM. */
    struct xdpd_record *ref = xdpd_rr_reserve_ref(rr, 400);
    uint64_t where = xdpd_rec_ref(0, 4096);
    memcpy(ref->data, &where, sizeof(where));
    ref->ifslot = 0;
    ref->wire_len = 400;
    memset(umem + 4096, 0xcd, 400);
    xdpd_rr_commit(rr, ref);
    xdpd_rr_publish(rr);
    usleep(20000);   /* the consumers read the good ones first, most of the time */
    struct xdpd_record *r = raw(rr);
    uint32_t hdr = sizeof(struct xdpd_record);
    if (!strcmp(what, "good")) {
        /* nothing bad */
    } else if (!strcmp(what, "rec_len_zero")) {
        r->rec_len = 0;
        r->cap_len = 10;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "pad_rec_len_zero")) {
        r->rec_len = 0;
        r->cap_len = XDPD_REC_PAD;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "huge_cap")) {
        r->rec_len = 64;
        r->cap_len = 0x7fffffffu;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "wrapped_size")) {
        /* 32 + cap_len + 31 wraps to a small record size in 32 bits */
        r->rec_len = 32;
        r->cap_len = 0xffffffe0u;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "cap_over_snaplen")) {
        r->rec_len = (uint32_t)xdpd_rec_size(SNAPLEN + 100);
        r->cap_len = SNAPLEN + 100;
        r->ifslot = 0;
        publish_raw(rr, r->rec_len);
    } else if (!strcmp(what, "bad_ifslot")) {
        r->rec_len = 128;
        r->cap_len = 60;
        r->ifslot = 4000;
        publish_raw(rr, 128);
    } else if (!strcmp(what, "unaligned")) {
        r->rec_len = 40;
        r->cap_len = 4;
        r->ifslot = 0;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "past_published")) {
        r->rec_len = 4096;
        r->cap_len = 60;
        r->ifslot = 0;
        publish_raw(rr, 64);
    } else if (!strcmp(what, "past_ring")) {
        /* a record that runs off the end of the data area */
        r->rec_len = RING_BYTES;
        r->cap_len = 60;
        r->ifslot = 0;
        publish_raw(rr, RING_BYTES - 1024);
    } else if (!strcmp(what, "ref_outside_umem")) {
        r->rec_len = hdr + 32;
        r->cap_len = 1000;
        r->ifslot = 0;
        where = xdpd_rec_ref(0, UMEM_BYTES - 10);
        memcpy(r->data, &where, sizeof(where));
        publish_raw(rr, r->rec_len);
    } else if (!strcmp(what, "ref_bad_slot")) {
        r->rec_len = hdr + 32;
        r->cap_len = 1000;
        r->ifslot = 0;
        where = xdpd_rec_ref(40, 0);
        memcpy(r->data, &where, sizeof(where));
        publish_raw(rr, r->rec_len);
    } else if (!strcmp(what, "prod_far_ahead")) {
        __atomic_store_n(&rr->prod, xdpd_rr_producer(rr)->local + 100ull * RING_BYTES, __ATOMIC_RELEASE);
    } else if (!strcmp(what, "header")) {
        /* The geometry in the shared header moved: a consumer that re-read it would read far off. */
        rr->data_offset = 1ull << 40;
        rr->data_size = 1ull << 41;
        rr->umem_base[0] = 0x1000;
        rr->umem_len[0] = ~0ull;
        good(rr, 70);
        xdpd_rr_publish(rr);
    } else if (!strncmp(what, "random:", 7)) {
        /* For a while: chains of records whose fields are mostly plausible and sometimes not
         * (lengths around every bound, pads, references, interface slots), over random bytes, then
         * published as far as the chain goes or somewhere else. */
        rng ^= strtoull(what + 7, NULL, 10) * 0x2545f4914f6cdd1dull;
        const struct xdpd_rr_geom *g = xdpd_rr_geom(rr);
        uint8_t *data = (uint8_t *)rr + g->data_offset;
        for (int round = 0; round < 300; round++) {
            uint64_t p = __atomic_load_n(&rr->cons[0].pos, __ATOMIC_RELAXED);
            uint64_t q = __atomic_load_n(&rr->cons[1].pos, __ATOMIC_RELAXED);
            uint64_t start = (p < q ? p : q), at = start;
            for (int k = 0; k < 64; k++) {
                uint64_t off = at & (RING_BYTES - 1);
                struct xdpd_record *x = (struct xdpd_record *)(data + (off & ~31ull));
                if (off + hdr > RING_BYTES)
                    break;
                uint64_t r = next_random();
                uint32_t len = (uint32_t)(32 * (1 + (r & 15)));
                if (r % 97 == 0)
                    len = (uint32_t)next_random();
                if (off + len > RING_BYTES && r % 5)
                    len = (uint32_t)(RING_BYTES - off);
                uint32_t caps[] = {len - hdr, len - hdr + 1, 8, SNAPLEN, SNAPLEN + 1, XDPD_REC_PAD,
                                   (uint32_t)next_random(), 0xffffffe0u, 300};
                x->rec_len = len;
                x->cap_len = caps[next_random() % (sizeof(caps) / sizeof(caps[0]))];
                x->ifslot = (uint16_t)(next_random() % 3);
                where = xdpd_rec_ref((uint32_t)(next_random() % 2), next_random() % (UMEM_BYTES + 4096));
                memcpy(x->data, &where, sizeof(where));
                at += len;
            }
            uint64_t prod = next_random() % 8 ? at : start + (next_random() % (2ull * RING_BYTES));
            __atomic_store_n(&rr->prod, prod, __ATOMIC_RELEASE);
            usleep(200);
        }
    } else {
        fprintf(stderr, "unknown scenario %s\n", what);
        return 2;
    }
    usleep(20000);
    __atomic_store_n(&rr->producer_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void last_error(char *msg, size_t n)
{
    struct xdpd_error e;
    xdpd_last_error(&e);
    snprintf(msg, n, "%s", e.call);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: hostile_ring SCENARIO OUTFILE\n");
        return 2;
    }
    alarm(20);   /* a consumer that hangs is a failure: SIGALRM ends the harness */
    xdpd_record_ring *rr;
    if (xdpd_rr_create(&rr, RING_BYTES))
        return 3;
    uint8_t *umem = mmap(NULL, UMEM_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (umem == MAP_FAILED)
        return 3;
    /* What the producer's set-up records before the roles are forked. */
    rr->by_ref = 1;
    rr->nsockets = 1;
    xdpd_rr_geom_snaplen(rr, SNAPLEN);
    xdpd_rr_geom_ifslot(rr, NIFSLOTS - 1);
    xdpd_rr_geom_umem(rr, 0, (uint64_t)(uintptr_t)umem, UMEM_BYTES, 1);
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    xdpd_writer *w;
    if (fd < 0 || xdpd_writer_create(&w, rr, fd, XDPD_FMT_PCAPNG, SNAPLEN, "a\nb", 1 << 20))
        return 3;
    int slot = xdpd_rr_consumer_register(rr);
    if (slot < 0)
        return 3;
    pid_t child = fork();
    if (child == 0)
        _exit(hostile(rr, argv[1], umem));
    char msg[512] = "";
    int rc = xdpd_archive_run(w);
    if (rc < 0)
        last_error(msg, sizeof(msg));
    printf("writer rc=%d records=%llu msg=%s\n", rc, (unsigned long long)xdpd_writer_records(w), msg);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status))
        return 4;
    /* The peek consumer (the Python readers' path): read until the ring is done or it stops. */
    struct xdpd_packet pk[64];
    uint64_t packets = 0;
    uint64_t sum = 0;
    msg[0] = 0;
    for (int i = 0; i < 1000; i++) {
        rc = xdpd_rr_consumer_peek(rr, slot, pk, 64, 0);
        if (rc <= 0)
            break;
        for (int k = 0; k < rc; k++)
            for (uint32_t b = 0; b < pk[k].cap_len; b++)
                sum += pk[k].data[b];   /* every byte handed out is read: ASan sees a bad pointer */
        packets += (uint64_t)rc;
        xdpd_rr_consumer_release(rr, slot);
    }
    if (rc < 0)
        last_error(msg, sizeof(msg));
    printf("peek rc=%d packets=%llu bytesum=%llu msg=%s\n", rc < 0 ? rc : 0, (unsigned long long)packets,
           (unsigned long long)sum, msg);
    xdpd_writer_destroy(w);
    close(fd);
    return 0;
}
