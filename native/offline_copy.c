/* offline_copy.c - `xdpdump -r FILE -w FILE [EXPR]`: a capture file, filtered, into the archive writer.
 *
 * libpcap reads the input (pcap or pcapng, `-` for standard input) at nanosecond precision and
 * compiles the expression on that very handle, so the filter has tcpdump -r's semantics for the
 * file's link type. Matching records are copied into the record ring and the archive writer
 * (pcap_writer.c, with its rotation) consumes them in the same process, a batch at a time: nothing
 * per frame crosses into Python.
 */
#define _GNU_SOURCE
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "record_ring.h"

#define COPY_BATCH 256   /* records published to the writer at a time */

struct xdpd_offline {
    pcap_t *pcap;
    struct bpf_program prog;
    int filtered;
    char error[PCAP_ERRBUF_SIZE + 64];
};

int xdpd_offline_open(xdpd_offline **out, const char *path, const char *expression)
{
    struct xdpd_offline *o = calloc(1, sizeof(*o));
    if (!o)
        return xdpd_fail(XDPD_STEP_ALLOC, ENOMEM, "calloc of the offline reader");
    *out = o;
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    o->pcap = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!o->pcap) {
        snprintf(o->error, sizeof(o->error), "%s", errbuf);
        return -EINVAL;
    }
    if (expression && *expression) {
        if (pcap_compile(o->pcap, &o->prog, expression, 1, PCAP_NETMASK_UNKNOWN) != 0) {
            snprintf(o->error, sizeof(o->error), "%s", pcap_geterr(o->pcap));
            return -EINVAL;
        }
        o->filtered = 1;
    }
    return 0;
}

const char *xdpd_offline_error(const xdpd_offline *o)
{
    return o->error;
}

/* libpcap hands out DLT_ values; a file's header holds LINKTYPE_ values. They are the same number
 * except for the few DLTs whose values differ between systems (pcap/dlt.h); on Linux these. */
static const struct { int dlt, linktype; } DLT_TO_LINKTYPE[] = {
    {DLT_ATM_RFC1483, 100}, {DLT_RAW, 101}, {DLT_SLIP_BSDOS, 102}, {DLT_PPP_BSDOS, 103},
#ifdef DLT_ATM_CLIP
    {DLT_ATM_CLIP, 106},
#endif
#ifdef DLT_PFSYNC
    {DLT_PFSYNC, 246},
#endif
};

int xdpd_offline_linktype(const xdpd_offline *o)
{
    int dlt = pcap_datalink(o->pcap);
    for (size_t i = 0; i < sizeof(DLT_TO_LINKTYPE) / sizeof(DLT_TO_LINKTYPE[0]); i++)
        if (DLT_TO_LINKTYPE[i].dlt == dlt)
            return DLT_TO_LINKTYPE[i].linktype;
    return dlt;
}

uint32_t xdpd_offline_snaplen(const xdpd_offline *o)
{
    return (uint32_t)pcap_snapshot(o->pcap);
}

/* The writer takes what is published; the ring is drained before anything more is put in it. */
static int drain(xdpd_record_ring *rr, xdpd_writer *w)
{
    xdpd_rr_publish(rr);
    for (;;) {
        int n = xdpd_writer_step(w);
        if (n <= 0)
            return n;
    }
}

int xdpd_offline_copy(xdpd_offline *o, xdpd_record_ring *rr, xdpd_writer *w, uint32_t snaplen, uint64_t count,
                      uint64_t *written)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    uint64_t n = 0;
    int pending = 0, rc, err = 0;
    /* -U: every record is written before the next is read (tcpdump flushes after each packet), so a
     * reader of `-r - -w - -U` sees each one while the input is still open. */
    int batch = xdpd_writer_unbuffered(w) ? 1 : COPY_BATCH;
    *written = 0;
    while ((count == 0 || n < count) && (rc = pcap_next_ex(o->pcap, &h, &data)) == 1) {
        if (o->filtered && pcap_offline_filter(&o->prog, h, data) == 0)
            continue;
        uint32_t cap = h->caplen < snaplen ? h->caplen : snaplen;
        struct xdpd_record *rec = xdpd_rr_reserve(rr, cap);
        if (!rec) {
            if ((err = drain(rr, w)) < 0)
                break;
            pending = 0;
            rec = xdpd_rr_reserve(rr, cap);
            if (!rec) {
                err = xdpd_fail_internal(XDPD_STEP_ARGUMENT, ENOSPC, "a record of %u bytes in an empty ring", cap);
                break;
            }
        }
        rec->cap_len = cap;
        rec->wire_len = h->len;
        rec->ifslot = 0;
        rec->queue = 0;
        rec->ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;  /* nanoseconds */
        memcpy(rec->data, data, cap);
        xdpd_rr_commit(rr, rec);
        n++;
        if (++pending == batch) {
            if ((err = drain(rr, w)) < 0)
                break;
            pending = 0;
        }
        if (xdpd_writer_limit_reached(w))
            break;
    }
    if (err >= 0)
        err = drain(rr, w);
    *written = n;
    if (err < 0)
        return err;
    if (rc == -1 && !xdpd_writer_limit_reached(w)) {   /* a read error, or a file cut short (tcpdump: exit 1) */
        snprintf(o->error, sizeof(o->error), "%s", pcap_geterr(o->pcap));
        return -EIO;
    }
    return 0;
}

void xdpd_offline_close(xdpd_offline *o)
{
    if (!o)
        return;
    if (o->filtered)
        pcap_freecode(&o->prog);
    if (o->pcap)
        pcap_close(o->pcap);
    free(o);
}
