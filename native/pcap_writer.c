/* pcap_writer.c - the archive consumer: records -> pcap or pcapng in a large buffer -> write(fd).
 *
 * pcap uses the nanosecond magic (0xa1b23c4d; tcpdump, tshark and libpcap read it) and LINKTYPE_ETHERNET.
 * pcapng: one Section Header Block, one Interface Description Block per capture interface (if_name,
 * if_tsresol = 9, i.e. nanoseconds, and the snaplen), then Enhanced Packet Blocks.
 * Only whole records go into the buffer and the buffer is written whole, so whatever the file holds
 * after a flush is a valid capture file. A record is released to the ring as soon as it is encoded.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "record_ring.h"

#define LINKTYPE_ETHERNET 1
#define MAX_IFACES 256

struct xdpd_writer {
    struct xdpd_record_ring *rr;
    int slot;
    int fd;
    int format;
    uint32_t snaplen;
    uint8_t *buf;
    size_t cap;
    size_t len;
    uint64_t records;
    uint64_t bytes;
    uint32_t nifaces;
    int64_t last_flush_ms;
    int nap_ms;         /* current wait when the ring is empty; kept across steps while traffic trickles */
    int max_nap_ms;
};

/* Waking up is what a trickle of frames costs: the writer naps up to max_nap_ms when it finds the
 * ring empty, and keeps that nap while each wake-up finds only a little. max_nap_ms scales with the
 * ring, 1 ms per MiB (at 1.6 Mpps of 64-byte frames a MiB of records lasts about 6 ms), so the ring
 * cannot fill during a nap at a rate it could sustain. An empty ring flushes the buffer only every
 * IDLE_FLUSH_MS (and always at the end): a file on disk lags a trickle by at most that, and a trickle
 * costs one write(2) per interval instead of one per wake-up. Whole records only, always. */
#define IDLE_FLUSH_MS 100

static void put(struct xdpd_writer *w, const void *p, size_t n)
{
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

static void put32(struct xdpd_writer *w, uint32_t v)
{
    put(w, &v, 4);
}

static void put16(struct xdpd_writer *w, uint16_t v)
{
    put(w, &v, 2);
}

static void put_pad4(struct xdpd_writer *w, size_t n)
{
    static const uint8_t zero[4];
    put(w, zero, (4 - (n & 3)) & 3);
}

static void pcapng_option(struct xdpd_writer *w, uint16_t code, const void *val, uint16_t n)
{
    put16(w, code);
    put16(w, n);
    put(w, val, n);
    put_pad4(w, n);
}

static size_t header_size(const char *ifnames)
{
    return 64 + (strlen(ifnames) + 1) * 2 + MAX_IFACES * 64;
}

static int write_header(struct xdpd_writer *w, const char *ifnames)
{
    if (w->format == XDPD_FMT_PCAP) {
        put32(w, 0xa1b23c4d);
        put16(w, 2);
        put16(w, 4);
        put32(w, 0);
        put32(w, 0);
        put32(w, w->snaplen);
        put32(w, LINKTYPE_ETHERNET);
        return 0;
    }
    /* Section Header Block: no options, unknown section length. */
    put32(w, 0x0A0D0D0A);
    put32(w, 28);
    put32(w, 0x1A2B3C4D);
    put16(w, 1);
    put16(w, 0);
    put32(w, 0xffffffff);
    put32(w, 0xffffffff);
    put32(w, 28);
    /* One IDB per newline-separated interface name, in ifslot order. */
    const char *p = ifnames;
    do {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 200 || w->nifaces >= MAX_IFACES)
            return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "interface name %u of %zu bytes (at most %d names of 200)",
                             w->nifaces, n, MAX_IFACES);
        uint32_t opts = (n ? 4 + ((n + 3) & ~3u) : 0) + 8 /* tsresol */ + 4 /* end */;
        uint32_t blen = 20 + opts;
        put32(w, 1);
        put32(w, blen);
        put16(w, LINKTYPE_ETHERNET);
        put16(w, 0);
        put32(w, w->snaplen);
        if (n)
            pcapng_option(w, 2 /* if_name */, p, (uint16_t)n);
        uint8_t tsresol = 9;
        pcapng_option(w, 9 /* if_tsresol */, &tsresol, 1);
        put32(w, 0); /* opt_endofopt */
        put32(w, blen);
        w->nifaces++;
        p = end ? end + 1 : NULL;
    } while (p && *p);
    return 0;
}

int xdpd_writer_create(xdpd_writer **out, xdpd_record_ring *rr, int fd, int format, uint32_t snaplen,
                       const char *ifnames, size_t buf_size)
{
    if (format != XDPD_FMT_PCAP && format != XDPD_FMT_PCAPNG)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "capture file format %d", format);
    if (!ifnames)
        ifnames = "";
    size_t min = header_size(ifnames) + 2 * (snaplen + 64);
    if (buf_size < min)
        buf_size = min;
    struct xdpd_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc(1, %zu) of the writer", sizeof(*w));
    w->buf = malloc(buf_size);
    if (!w->buf) {
        free(w);
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "malloc(%zu) of the writer buffer", buf_size);
    }
    w->rr = rr;
    w->fd = fd;
    w->format = format;
    w->snaplen = snaplen;
    w->cap = buf_size;
    w->max_nap_ms = (int)(rr->data_size >> 20);
    if (w->max_nap_ms < 1)
        w->max_nap_ms = 1;
    if (w->max_nap_ms > 8)
        w->max_nap_ms = 8;
    w->nap_ms = 1;
    w->last_flush_ms = xdpd_now_ms();
    int err = write_header(w, ifnames);
    if (err == 0) {
        w->slot = xdpd_rr_consumer_register(rr);
        err = w->slot < 0 ? w->slot : 0;
    }
    if (err) {
        free(w->buf);
        free(w);
        return err;
    }
    *out = w;
    return 0;
}

static int writer_flush(struct xdpd_writer *w);

int xdpd_writer_destroy(xdpd_writer *w)
{
    if (!w)
        return 0;
    /* What is buffered is whole records (or just the file header): the file stays valid. */
    int err = writer_flush(w);
    xdpd_rr_consumer_unregister(w->rr, w->slot);
    free(w->buf);
    free(w);
    return err;
}

int xdpd_writer_fd(const xdpd_writer *w)
{
    return w->fd;
}

void xdpd_writer_forget(xdpd_writer *w)
{
    /* After fork, in the process that does not run the writer: its copy of the buffer (the file
     * header at least) must never reach the file, and the consumer slot belongs to the other process. */
    if (w) {
        free(w->buf);
        free(w);
    }
}

static int writer_flush(struct xdpd_writer *w)
{
    size_t off = 0;
    while (off < w->len) {
        ssize_t n = write(w->fd, w->buf + off, w->len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* Keep what was not written at the front of the buffer for a later retry. */
            memmove(w->buf, w->buf + off, w->len - off);
            w->len -= off;
            return xdpd_fail(XDPD_STEP_WRITE, errno, "write(fd=%d, len=%zu) of the capture file", w->fd, w->len);
        }
        off += (size_t)n;
        w->bytes += (uint64_t)n;
    }
    w->len = 0;
    w->last_flush_ms = xdpd_now_ms();
    __atomic_store_n(&w->rr->cons[w->slot].written, w->bytes, __ATOMIC_RELAXED);  /* for the metrics role */
    return 0;
}

static size_t record_size(const struct xdpd_writer *w, uint32_t cap)
{
    return w->format == XDPD_FMT_PCAP ? 16 + cap : 32 + ((cap + 3) & ~3u);
}

static void encode(struct xdpd_writer *w, const struct xdpd_record *rec)
{
    if (w->format == XDPD_FMT_PCAP) {
        put32(w, (uint32_t)(rec->ts_ns / 1000000000ull));
        put32(w, (uint32_t)(rec->ts_ns % 1000000000ull));
        put32(w, rec->cap_len);
        put32(w, rec->wire_len);
        put(w, rec->data, rec->cap_len);
        return;
    }
    uint32_t blen = (uint32_t)record_size(w, rec->cap_len);
    uint32_t ifid = rec->ifslot < w->nifaces ? rec->ifslot : 0;
    put32(w, 6);
    put32(w, blen);
    put32(w, ifid);
    put32(w, (uint32_t)(rec->ts_ns >> 32));
    put32(w, (uint32_t)rec->ts_ns);
    put32(w, rec->cap_len);
    put32(w, rec->wire_len);
    put(w, rec->data, rec->cap_len);
    put_pad4(w, rec->cap_len);
    put32(w, blen);
}

static int writer_step(struct xdpd_writer *w, int timeout_ms, uint32_t budget)
{
    struct xdpd_rr_consumer *c = &w->rr->cons[w->slot];
    uint64_t prod = __atomic_load_n(&w->rr->prod, __ATOMIC_ACQUIRE);
    if (prod == c->pos && timeout_ms > 0) {
        /* Nothing to do: bring the file up to date now and then while we wait. */
        if (w->len && xdpd_now_ms() - w->last_flush_ms >= IDLE_FLUSH_MS) {
            int err = writer_flush(w);
            if (err)
                return err;
        }
        prod = xdpd_rr_wait(w->rr, c->pos, timeout_ms, &w->nap_ms, w->max_nap_ms);
    } else if (prod - c->pos > w->rr->data_size / 4) {
        w->nap_ms = 1;   /* a quarter full: traffic is heavy, look again soon */
    }
    uint64_t pos = c->pos;
    uint32_t n = 0;
    struct xdpd_record *rec;
    while (n < budget && (rec = xdpd_rr_next(w->rr, &pos, prod)) != NULL) {
        if (w->len + record_size(w, rec->cap_len) > w->cap) {
            /* Release what is encoded before blocking in write(), so the producer keeps going. */
            __atomic_store_n(&c->pos, pos, __ATOMIC_RELEASE);
            int err = writer_flush(w);
            if (err)
                return err;
        }
        encode(w, rec);
        pos += rec->rec_len;
        n++;
    }
    __atomic_store_n(&c->pos, pos, __ATOMIC_RELEASE);
    w->records += n;
    __atomic_store_n(&c->records, w->records, __ATOMIC_RELAXED);  /* for the metrics role */
    return (int)n;
}

/* The archive role's loop: write until the producer is done and every record is written, flush,
 * then make the file durable before the supervisor reports success (the summary promises a complete
 * file). A pipe or terminal (-w -) cannot be fsync'ed, and that is fine. */
int xdpd_archive_run(xdpd_writer *w)
{
    for (;;) {
        int n = writer_step(w, 100, 4096);
        if (n < 0)
            return n;
        if (n == 0 && __atomic_load_n(&w->rr->producer_done, __ATOMIC_ACQUIRE) &&
            xdpd_rr_consumer_backlog(w->rr, w->slot) == 0)
            break;
    }
    int err = writer_flush(w);
    if (err)
        return err;
    if (fsync(w->fd) != 0 && errno != EINVAL && errno != EROFS)
        return xdpd_fail(XDPD_STEP_WRITE, errno, "fsync(fd=%d) of the capture file", w->fd);
    return 0;
}

uint64_t xdpd_writer_records(const xdpd_writer *w)
{
    return w->records;
}

int xdpd_writer_slot(const xdpd_writer *w)
{
    return w->slot;
}
