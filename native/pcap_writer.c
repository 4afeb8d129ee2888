/* pcap_writer.c - the archive consumer: records -> pcap or pcapng in a large buffer -> write(fd).
 *
 * pcap uses microseconds (magic 0xa1b2c3d4), as tcpdump writes by default, or with XDPD_FMT_NANO
 * (--time-stamp-precision nano) nanoseconds (magic 0xa1b23c4d, as tcpdump's); LINKTYPE_ETHERNET.
 * The records carry nanoseconds; microseconds are truncated, as libpcap does.
 * pcapng: one Section Header Block, one Interface Description Block per capture interface (if_name,
 * if_tsresol = 9, i.e. nanoseconds, and the snaplen), then Enhanced Packet Blocks.
 * Only whole records go into the buffer and the buffer is written whole, so whatever the file holds
 * after a flush is a valid capture file. A record is released to the ring as soon as it is encoded.
 * A write that fails (ENOSPC, EIO) may have left part of a record in the file: the file is cut back
 * (ftruncate) to the end of the last whole record, the writer stops writing for good, and the count
 * of records that reached the file is published in the ring (the consumer slot's `records`), where
 * the supervisor reads it for the summary.
 *
 * With -C, -G or --rename-at-close the writer has a rotation (rotation.c): before each record it asks
 * whether the file is done; if so it flushes, closes (fsync, rename, -z's line) and continues in the
 * next file on the same descriptor number, starting with a new file header. With -U (unbuffered)
 * everything a step encoded is written before the step returns.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "record_ring.h"

#define LINKTYPE_ETHERNET 1
#define MAX_IFACES 256

struct xdpd_writer {
    struct xdpd_record_ring *rr;
    const struct xdpd_rr_geom *geom;   /* this process's geometry of rr: records are checked against it */
    int slot;
    int fd;
    int format;
    int nano;               /* pcap: nanosecond timestamps (XDPD_FMT_NANO) */
    uint32_t snaplen;
    uint8_t *buf;
    size_t cap;
    size_t len;
    uint64_t records;
    uint64_t bytes;
    uint64_t buf_records;   /* records encoded in buf, not yet written */
    uint64_t file_records;  /* records wholly in the file */
    int64_t file_end;       /* file offset after the last whole record; -1: not a file that can be cut */
    int failed;             /* -errno of the write that failed: nothing more is written */
    uint32_t nifaces;
    int64_t last_flush_ms;
    int nap_ms;         /* current wait when the ring is empty; kept across steps while traffic trickles */
    int max_nap_ms;
    uint32_t linktype;      /* of the file header and every interface block */
    int unbuffered;         /* -U: every step's records are written before it returns */
    char *ifnames;          /* kept for the header of each rotated file */
    struct xdpd_rotation *rot;  /* -C/-G/--rename-at-close, else NULL */
    uint64_t file_bytes;    /* bytes written to the current file (header included) */
    int limit_reached;      /* -G with -W: the last file is closed; later records are read, not written */
};

/* Waking up is what a trickle of frames costs: the writer naps up to max_nap_ms when it finds the
 * ring empty, and keeps that nap while each wake-up finds only a little. max_nap_ms scales with the
 * ring, 1 ms per MiB (at 1.6 Mpps of 64-byte frames a MiB of records lasts about 6 ms), so the ring
 * cannot fill during a nap at a rate it could sustain. An empty ring flushes the buffer only every
 * IDLE_FLUSH_MS (and always at the end): a file on disk lags a trickle by at most that, and a trickle
 * costs one write(2) per interval instead of one per wake-up. Whole records only, always. */
#define IDLE_FLUSH_MS 100
/* After the supervisor's death, how long to wait for the net role's producer_done: its drain (5 s)
 * and final statistics, with room to spare on a loaded machine. */
#define ORPHAN_WAIT_MS 10000

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
        put32(w, w->nano ? 0xa1b23c4d : 0xa1b2c3d4);
        put16(w, 2);
        put16(w, 4);
        put32(w, 0);
        put32(w, 0);
        put32(w, w->snaplen);
        put32(w, w->linktype);
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
        put16(w, (uint16_t)w->linktype);
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

static int writer_flush(struct xdpd_writer *w);
static int writer_step(struct xdpd_writer *w, int timeout_ms, uint32_t budget);

int xdpd_writer_create(xdpd_writer **out, xdpd_record_ring *rr, int fd, int format, uint32_t snaplen,
                       const char *ifnames, size_t buf_size)
{
    struct xdpd_writer_options o = {.format = format, .snaplen = snaplen, .linktype = LINKTYPE_ETHERNET,
                                    .ifnames = ifnames, .buf_size = buf_size};
    return xdpd_writer_open(out, rr, fd, &o, NULL);
}

static void writer_free(struct xdpd_writer *w)
{
    free(w->rot);
    free(w->ifnames);
    free(w->buf);
    free(w);
}

int xdpd_writer_open(xdpd_writer **out, xdpd_record_ring *rr, int fd, const struct xdpd_writer_options *o,
                     const struct xdpd_rotation_spec *rot)
{
    int format = o->format;
    int nano = !!(format & XDPD_FMT_NANO);   /* pcapng is nanoseconds either way */
    format &= ~XDPD_FMT_NANO;
    uint32_t snaplen = o->snaplen;
    const char *ifnames = o->ifnames;
    size_t buf_size = o->buf_size;
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
    w->geom = xdpd_rr_geom(rr);
    if (!w->geom) {
        writer_free(w);
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "a record ring this process did not make");
    }
    w->fd = fd;
    w->linktype = o->linktype;
    w->unbuffered = o->unbuffered;
    w->ifnames = strdup(ifnames);
    w->rot = rot ? calloc(1, sizeof(*w->rot)) : NULL;
    if (!w->ifnames || (rot && !w->rot)) {
        writer_free(w);
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "the writer's names");
    }
    if (rot) {
        /* The first file is created here, during set-up: a directory that cannot take it fails now. */
        int err = xdpd_rot_init(w->rot, rot);
        fd = err ? err : xdpd_rot_open(w->rot, -1);
        if (fd < 0) {
            writer_free(w);
            return fd;
        }
        w->fd = fd;
    }
    w->format = format;
    w->nano = nano;
    w->snaplen = snaplen;
    w->cap = buf_size;
    w->max_nap_ms = (int)(w->geom->data_size >> 20);
    if (w->max_nap_ms < 1)
        w->max_nap_ms = 1;
    if (w->max_nap_ms > 8)
        w->max_nap_ms = 8;
    w->nap_ms = 1;
    w->last_flush_ms = xdpd_now_ms();
    /* Where the file starts (0 for -w FILE; `-w - >> FILE` appends): the offset a failed write cuts
     * back to is counted from here. A pipe or terminal has no offset and cannot be cut. */
    off_t start = lseek(fd, 0, SEEK_CUR);
    w->file_end = start >= 0 ? (int64_t)start : -1;
    w->slot = -1;
    int err = write_header(w, ifnames);
    /* The file header goes out now, during set-up: a target that opens but cannot be written
     * (/proc/version, a full file system) fails here, before any frame is taken from the kernel. */
    if (err == 0)
        err = writer_flush(w);
    if (err == 0) {
        w->slot = xdpd_rr_consumer_register(rr);
        err = w->slot < 0 ? w->slot : 0;
    }
    if (err) {
        if (w->rot)
            close(w->fd);
        writer_free(w);
        return err;
    }
    *out = w;
    return 0;
}

int xdpd_writer_destroy(xdpd_writer *w)
{
    if (!w)
        return 0;
    /* What is buffered is whole records (or just the file header): the file stays valid. */
    int err = writer_flush(w);
    xdpd_rr_consumer_unregister(w->rr, w->slot);
    if (w->rot)
        close(w->fd);   /* the writer made it: its own to close (a plain -w target stays the caller's) */
    writer_free(w);
    return err;
}

int xdpd_writer_fd(const xdpd_writer *w)
{
    return w->fd;
}

struct xdpd_record_ring *xdpd_writer_ring(const xdpd_writer *w)
{
    return w->rr;
}

void xdpd_writer_forget(xdpd_writer *w)
{
    /* After fork, in the process that does not run the writer: its copy of the buffer (the file
     * header at least) must never reach the file, and the consumer slot belongs to the other process. */
    if (w) {
        if (w->rot)
            close(w->fd);   /* the archive role's now */
        writer_free(w);
    }
}

/* Bytes of the whole records at the front of buf[0..len): what may stay in the file of a write that
 * stopped after `len` bytes. Each record says its own length (pcap: 16 + incl_len; pcapng: the block
 * total length), so the buffer needs no index on the hot path. The file header, written alone at
 * set-up, counts as one record. */
static size_t whole_prefix(const struct xdpd_writer *w, size_t len, uint64_t *records)
{
    size_t at = 0;
    *records = 0;
    for (;;) {
        uint32_t v;
        size_t rec;
        if (w->format == XDPD_FMT_PCAP) {
            if (at + 16 > w->len)
                break;
            memcpy(&v, w->buf + at + 8, 4);
            rec = 16 + (size_t)v;
        } else {
            if (at + 8 > w->len)
                break;
            memcpy(&v, w->buf + at + 4, 4);
            rec = v;
        }
        if (rec == 0 || at + rec > len)
            break;
        at += rec;
        (*records)++;
    }
    return at;
}

/* A write failed after `done` bytes of the buffer: cut the file back to its last whole record so
 * every reader reads it to the end, count what is in it, and stop writing for good. The file
 * position is not moved back (lseek is not in the archive policy): nothing is written after this. */
static int writer_cut(struct xdpd_writer *w, size_t done, int err)
{
    uint64_t whole_records = 0;
    /* No record encoded yet: the buffer is the file header (set-up), of which nothing may stay. */
    size_t whole = w->buf_records ? whole_prefix(w, done, &whole_records) : 0;
    w->failed = -err;
    if (w->file_end >= 0 && whole < done && ftruncate(w->fd, (off_t)(w->file_end + (int64_t)whole)) == 0)
        w->file_end += (int64_t)whole;
    w->file_records += whole_records;
    if (w->slot >= 0)
        __atomic_store_n(&w->rr->cons[w->slot].records, w->file_records, __ATOMIC_RELEASE);
    return xdpd_fail(XDPD_STEP_WRITE, err, "write(fd=%d, len=%zu) of the capture file", w->fd, w->len - done);
}

static int writer_flush(struct xdpd_writer *w)
{
    if (w->failed)
        return w->failed;
    size_t off = 0;
    while (off < w->len) {
        ssize_t n = write(w->fd, w->buf + off, w->len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return writer_cut(w, off, errno);
        }
        off += (size_t)n;
        w->bytes += (uint64_t)n;
    }
    if (w->file_end >= 0)
        w->file_end += (int64_t)w->len;
    w->file_bytes += w->len;
    w->file_records += w->buf_records;
    w->buf_records = 0;
    w->len = 0;
    w->last_flush_ms = xdpd_now_ms();
    if (w->slot >= 0) {
        __atomic_store_n(&w->rr->cons[w->slot].records, w->file_records, __ATOMIC_RELEASE);
        __atomic_store_n(&w->rr->cons[w->slot].written, w->bytes, __ATOMIC_RELAXED);  /* for the metrics role */
    }
    return 0;
}

static size_t record_size(const struct xdpd_writer *w, uint32_t cap)
{
    /* pcapng: the EPB, its frame padded to 4, epb_flags (8 bytes) and opt_endofopt (4). */
    return w->format == XDPD_FMT_PCAP ? 16 + (size_t)cap : 32 + (((size_t)cap + 3) & ~(size_t)3) + 12;
}

static void encode(struct xdpd_writer *w, const struct xdpd_rr_item *it)
{
    const struct xdpd_record *rec = it->rec;
    w->buf_records++;
    if (w->format == XDPD_FMT_PCAP) {
        uint32_t frac = (uint32_t)(rec->ts_ns % 1000000000ull);
        put32(w, (uint32_t)(rec->ts_ns / 1000000000ull));
        put32(w, w->nano ? frac : frac / 1000);
        put32(w, it->cap_len);
        put32(w, rec->wire_len);
        put(w, it->bytes, it->cap_len);
        return;
    }
    uint32_t blen = (uint32_t)record_size(w, it->cap_len);
    uint32_t ifid = it->ifslot < w->nifaces ? it->ifslot : 0;
    put32(w, 6);
    put32(w, blen);
    put32(w, ifid);
    put32(w, (uint32_t)(rec->ts_ns >> 32));
    put32(w, (uint32_t)rec->ts_ns);
    put32(w, it->cap_len);
    put32(w, rec->wire_len);
    put(w, it->bytes, it->cap_len);
    put_pad4(w, it->cap_len);
    /* epb_flags: bits 0-1 are the direction (01 inbound, 10 outbound), as XDPD_DIR_* are. */
    uint32_t flags = rec->direction & 3u;
    pcapng_option(w, 2 /* epb_flags */, &flags, 4);
    put32(w, 0); /* opt_endofopt */
    put32(w, blen);
}

/* A quarter of what can wait for the writer: of the ring's bytes, or by reference of the frames the
 * net role can hold beyond its fill rings (counted as if every record were one by reference, the
 * smallest kind: an overestimate, which only wakes the writer sooner). Either way a full
 * nap of max_nap_ms at a rate the rings sustain fits: by reference the fill ring still holds as many
 * frames again (16384 frames at 1.5 Mpps are 11 ms). */
static int backlog_heavy(const struct xdpd_writer *w, uint64_t backlog_bytes)
{
    if (w->geom->by_ref)
        return backlog_bytes / xdpd_rec_size(sizeof(uint64_t)) > w->rr->held_budget / 4;
    return backlog_bytes > w->geom->data_size / 4;
}

/* Before a record: move on to the next file if the current one is done (rotation.c's rules). */
static int writer_rotate(struct xdpd_writer *w, int64_t now_s)
{
    int due = xdpd_rot_due(w->rot, w->file_bytes + w->len, now_s);
    if (due == XDPD_ROT_NONE)
        return 0;
    int err = writer_flush(w);
    if (!err)
        err = xdpd_rot_close(w->rot, w->fd);
    if (err)
        return err;
    if (due == XDPD_ROT_LIMIT) {
        /* tcpdump's words and end: no more files; the capture stops (the net role drains, the
         * supervisor prints the summary). */
        char line[64];
        int n = snprintf(line, sizeof(line), "Maximum file limit reached: %d\n", w->rot->max_files);
        if (write(2, line, (size_t)n) < 0) {
            /* nothing else to tell */
        }
        w->limit_reached = 1;
        __atomic_store_n(&w->rr->stop, 1, __ATOMIC_RELEASE);
        return 0;
    }
    err = xdpd_rot_next_name(w->rot);
    int fd = err ? err : xdpd_rot_open(w->rot, w->fd);
    if (fd < 0) {
        w->failed = fd;
        return fd;
    }
    w->file_end = 0;
    w->file_bytes = 0;
    w->nifaces = 0;
    err = write_header(w, w->ifnames);
    return err ? err : writer_flush(w);
}

int xdpd_writer_step(xdpd_writer *w)
{
    return writer_step(w, 0, UINT32_MAX);
}

int xdpd_writer_limit_reached(const xdpd_writer *w)
{
    return w->limit_reached;
}

/* The end of a writer's run: every buffered record written, the file durable (a pipe or terminal
 * cannot be fsync'ed, and that is fine), and a rotated file under its final name. */
int xdpd_writer_finish(xdpd_writer *w)
{
    int err = writer_flush(w);
    if (err)
        return err;
    if (w->rot) {
        if (w->limit_reached)
            return 0;   /* closed already */
        int notify = w->rot->notify_fd;
        w->rot->notify_fd = -1;   /* as tcpdump: -z sees the files rotation closed, not the last one */
        err = xdpd_rot_close(w->rot, w->fd);
        w->rot->notify_fd = notify;
        return err;
    }
    if (fsync(w->fd) != 0 && errno != EINVAL && errno != EROFS)
        return xdpd_fail(XDPD_STEP_WRITE, errno, "fsync(fd=%d) of the capture file", w->fd);
    return 0;
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
    } else if (backlog_heavy(w, prod - c->pos)) {
        w->nap_ms = 1;   /* traffic is heavy, look again soon */
    }
    uint64_t pos = c->pos;
    uint32_t n = 0;
    struct xdpd_rr_item it;
    int got = 0;
    /* -G reads the wall clock once a step (tcpdump reads it once a packet): a step lasts microseconds. */
    int64_t now_s = w->rot && w->rot->interval_s ? (int64_t)(xdpd_realtime_ns() / 1000000000ull) : 0;
    while (n < budget && (got = xdpd_rr_next_checked(w->geom, &pos, prod, &it)) > 0) {
        if (w->rot) {
            int err = w->limit_reached ? 0 : writer_rotate(w, now_s);
            if (err)
                return err;
            if (w->limit_reached) {   /* read and let go, as the capture stops */
                pos += it.rec_len;
                n++;
                continue;
            }
        }
        size_t size = record_size(w, it.cap_len);
        if (size > w->cap)
            return xdpd_fail(XDPD_STEP_CONSUMER, EPROTO, "record ring: bad record at position %llu: "
                             "captured length over the writer's buffer (%u)", (unsigned long long)pos, it.cap_len);
        if (w->len + size > w->cap) {
            /* Release what is encoded before blocking in write(), so the producer keeps going. */
            __atomic_store_n(&c->pos, pos, __ATOMIC_RELEASE);
            int err = writer_flush(w);
            if (err)
                return err;
        }
        encode(w, &it);
        pos += it.rec_len;
        n++;
    }
    __atomic_store_n(&c->pos, pos, __ATOMIC_RELEASE);
    w->records += n;
    if (got < 0) {
        /* The records before the bad one go to the file; then this writer stops for good. */
        writer_flush(w);   /* a failure here is told by its own line; the bad record is what ends it */
        return got;
    }
    if (w->unbuffered && w->len) {
        int err = writer_flush(w);
        if (err)
            return err;
    }
    return (int)n;
}

/* The archive role's loop: write until the producer is done and every record is written, flush,
 * then make the file durable before the supervisor reports success (the summary promises a complete
 * file). A pipe or terminal (-w -) cannot be fsync'ed, and that is fine. */
int xdpd_archive_run(xdpd_writer *w)
{
    int64_t orphan_deadline = 0;
    for (;;) {
        int n = writer_step(w, 100, 4096);
        if (n < 0)
            return n;
        int done = __atomic_load_n(&w->rr->producer_done, __ATOMIC_ACQUIRE);
        if (!done && xdpd_orphaned()) {
            /* The supervisor died: the net role drains and says producer_done within its drain
             * deadline; if it died too, nobody will, so write what was published and finish. */
            int64_t now = xdpd_now_ms();
            if (!orphan_deadline)
                orphan_deadline = now + ORPHAN_WAIT_MS;
            else if (now >= orphan_deadline)
                done = 1;
        }
        if (n == 0 && done && xdpd_rr_consumer_backlog(w->rr, w->slot) == 0)
            break;
    }
    return xdpd_writer_finish(w);
}

uint64_t xdpd_writer_records(const xdpd_writer *w)
{
    return w->records;
}

int xdpd_writer_dir_fd(const xdpd_writer *w)
{
    return w->rot ? w->rot->dirfd : -1;
}

int xdpd_writer_notify_fd(const xdpd_writer *w)
{
    return w->rot ? w->rot->notify_fd : -1;
}

int xdpd_writer_unbuffered(const xdpd_writer *w)
{
    return w->unbuffered;
}

int xdpd_writer_slot(const xdpd_writer *w)
{
    return w->slot;
}
