/* line_format.c - the printer's fast path: tcpdump's default line (-n, no other flag) for the
 * frames everyone captures most, formatted in C: one frame per call (the live printer), or a capture
 * file's records in batches straight from its bytes (pcap, pcapng; `xdpdump -r`).
 *
 * Why: `xdpdump -r` spent two thirds of its time in the Python printers (Ethernet, IPv4, UDP) and a
 * quarter in the Python pcap reader (cProfile on 300,000 UDP frames); the per-frame Python work, not
 * any one step, was the cost. Here one call formats thousands of records into one output buffer.
 *
 * What it formats: Ethernet (802.1Q/QinQ tags skipped, as tcpdump does without -e) carrying IPv4
 * without options, unfragmented and whole, or IPv6 without extension headers; over them TCP (flags,
 * relative seq/ack with tcpdump's numbering state, win, urg, the options mss, wscale, sackOK, sack,
 * TS, nop, eol, each of its usual length), UDP's generic `UDP, length N` and ICMP/ICMPv6 echo.
 * Anything else, anything cut short or odd, and the ports the Python printer decodes further (given
 * at create time) is *deferred*: the call stops at that frame and the Python printer prints it, so
 * lines stay in order and every line is the Python printer's (the differential tests compare the
 * two). The TCP numbering state lives here only; the Python printer reads and updates it through
 * xdpd_lf_tcp_relative.
 */
#include "xdpd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The flow table mirrors printer/tcp_seq.py: at most this many flows, then forget them all. */
#define LF_MAX_FLOWS 65536
#define LF_SLOTS (LF_MAX_FLOWS * 2) /* linear probing at most half full */
/* The longest line this file writes (IPv6 TCP with 40 bytes of SACK blocks) is well below this. */
#define LF_LINE_MAX 512
#define LF_MAX_RECORD 262144 /* capfile.MAX_RECORD_LEN: beyond it Python says the file is corrupt */

struct lf_flow {
    uint8_t used;
    uint8_t alen;
    uint16_t sport, dport;
    uint8_t src[16], dst[16];
    uint32_t mine, peer;
};

struct xdpd_lf {
    uint8_t udp_defer[8192]; /* bit per port: the Python printer decodes more than `UDP, length` */
    uint8_t tcp_defer[8192]; /* bit per port: a segment with payload gets an application suffix */
    struct lf_flow *flows;   /* LF_SLOTS, calloc'd lazily on the first TCP segment with ACK */
    uint32_t nflows;
    int64_t stamp_sec;       /* the second whose "HH:MM:SS" is in stamp */
    char stamp[9];
};

int xdpd_lf_create(xdpd_lf **out, const uint16_t *udp_ports, size_t n_udp, const uint16_t *tcp_ports,
                   size_t n_tcp)
{
    struct xdpd_lf *lf = calloc(1, sizeof(*lf));
    if (!lf)
        return -ENOMEM;
    for (size_t i = 0; i < n_udp; i++)
        lf->udp_defer[udp_ports[i] >> 3] |= (uint8_t)(1u << (udp_ports[i] & 7));
    for (size_t i = 0; i < n_tcp; i++)
        lf->tcp_defer[tcp_ports[i] >> 3] |= (uint8_t)(1u << (tcp_ports[i] & 7));
    lf->stamp_sec = -1;
    /* localtime_r reads the zone once; read it now, while /etc/localtime can still be opened (a
     * live capture makes its printer before its sandbox). */
    tzset();
    *out = lf;
    return 0;
}

void xdpd_lf_destroy(xdpd_lf *lf)
{
    if (lf) {
        free(lf->flows);
        free(lf);
    }
}

static int port_in(const uint8_t *set, uint16_t port)
{
    return set[port >> 3] & (1u << (port & 7));
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* --- TCP relative numbering (tcp_seq.py's rule) ------------------------------------------------- */

static uint32_t flow_hash(const uint8_t *src, const uint8_t *dst, uint32_t alen, uint16_t sport, uint16_t dport)
{
    uint32_t h = 2166136261u ^ alen;
    for (uint32_t i = 0; i < alen; i++)
        h = (h ^ src[i]) * 16777619u;
    for (uint32_t i = 0; i < alen; i++)
        h = (h ^ dst[i]) * 16777619u;
    h = (h ^ sport) * 16777619u;
    h = (h ^ dport) * 16777619u;
    return h ^ (h >> 15);
}

static struct lf_flow *flow_find(struct xdpd_lf *lf, const uint8_t *src, const uint8_t *dst, uint32_t alen,
                                 uint16_t sport, uint16_t dport, uint32_t *slot)
{
    uint32_t i = flow_hash(src, dst, alen, sport, dport) & (LF_SLOTS - 1);
    for (;; i = (i + 1) & (LF_SLOTS - 1)) {
        struct lf_flow *f = &lf->flows[i];
        if (!f->used) {
            *slot = i;
            return NULL;
        }
        if (f->alen == alen && f->sport == sport && f->dport == dport && !memcmp(f->src, src, alen) &&
            !memcmp(f->dst, dst, alen)) {
            *slot = i;
            return f;
        }
    }
}

/* Linear probing's deletion: shift back the entries after the hole that probed past it. */
static void flow_remove(struct xdpd_lf *lf, uint32_t hole)
{
    lf->flows[hole].used = 0;
    lf->nflows--;
    for (uint32_t i = (hole + 1) & (LF_SLOTS - 1); lf->flows[i].used; i = (i + 1) & (LF_SLOTS - 1)) {
        struct lf_flow *f = &lf->flows[i];
        uint32_t home = flow_hash(f->src, f->dst, f->alen, f->sport, f->dport) & (LF_SLOTS - 1);
        /* f may move into the hole when its home is not cyclically within (hole, i]. */
        if (((i - home) & (LF_SLOTS - 1)) >= ((i - hole) & (LF_SLOTS - 1))) {
            lf->flows[hole] = *f;
            f->used = 0;
            hole = i;
        }
    }
}

int xdpd_lf_tcp_relative(xdpd_lf *lf, const uint8_t *src, const uint8_t *dst, uint32_t alen, uint16_t sport,
                         uint16_t dport, uint32_t seq, uint32_t ack, int syn, int has_ack, uint32_t *out)
{
    out[0] = seq, out[1] = ack, out[2] = 0, out[3] = 0;
    if (!has_ack)
        return 0;
    if (alen != 4 && alen != 16)
        return -EINVAL;
    if (!lf->flows) {
        lf->flows = calloc(LF_SLOTS, sizeof(*lf->flows));
        if (!lf->flows)
            return -ENOMEM;
    }
    uint32_t fslot, rslot;
    uint32_t mine = 0, peer = 0;
    struct lf_flow *f = flow_find(lf, src, dst, alen, sport, dport, &fslot);
    struct lf_flow *r = NULL;
    if (f) {
        mine = f->mine, peer = f->peer;
    } else {
        r = flow_find(lf, dst, src, alen, dport, sport, &rslot);
        if (r)
            peer = r->mine, mine = r->peer;
    }
    if ((!f && !r) || syn) {
        if (lf->nflows >= LF_MAX_FLOWS) {
            memset(lf->flows, 0, (size_t)LF_SLOTS * sizeof(*lf->flows));
            lf->nflows = 0;
            f = r = NULL;
        }
        if (!r && !f)
            r = flow_find(lf, dst, src, alen, dport, sport, &rslot);
        if (r)
            flow_remove(lf, rslot);
        f = flow_find(lf, src, dst, alen, sport, dport, &fslot); /* the removal may have moved it */
        if (!f) {
            f = &lf->flows[fslot];
            f->used = 1, f->alen = (uint8_t)alen, f->sport = sport, f->dport = dport;
            memcpy(f->src, src, alen);
            memcpy(f->dst, dst, alen);
            lf->nflows++;
        }
        f->mine = seq, f->peer = ack - 1;
        out[2] = seq, out[3] = ack - 1;
        return 0;
    }
    out[0] = seq - mine, out[1] = ack - peer, out[2] = mine, out[3] = peer;
    return 0;
}

/* --- writing a line ------------------------------------------------------------------------------ */

static char *put_str(char *o, const char *s)
{
    size_t n = strlen(s);
    memcpy(o, s, n);
    return o + n;
}

static char *put_u32(char *o, uint32_t v)
{
    char tmp[10];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *o++ = tmp[--n];
    return o;
}

static char *put_addr(char *o, const uint8_t *a, int v6)
{
    if (!v6) {
        for (int i = 0; i < 4; i++) {
            o = put_u32(o, a[i]);
            if (i < 3)
                *o++ = '.';
        }
        return o;
    }
    /* inet_ntop, as Python's socket.inet_ntop (what the Python printer uses) */
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, buf, sizeof(buf));
    return put_str(o, buf);
}

static char *put_stamp(struct xdpd_lf *lf, char *o, uint64_t ts_ns)
{
    uint64_t usec = ts_ns / 1000;
    int64_t sec = (int64_t)(usec / 1000000);
    uint32_t frac = (uint32_t)(usec % 1000000);
    if (sec >= 0x80000000LL)
        return NULL; /* libpcap's seconds are signed 32-bit: tcpdump's [Error converting time], Python's */
    if (sec != lf->stamp_sec) {
        time_t t = (time_t)sec;
        struct tm tm;
        if (!localtime_r(&t, &tm))
            return NULL;
        lf->stamp[0] = (char)('0' + tm.tm_hour / 10), lf->stamp[1] = (char)('0' + tm.tm_hour % 10);
        lf->stamp[2] = ':';
        lf->stamp[3] = (char)('0' + tm.tm_min / 10), lf->stamp[4] = (char)('0' + tm.tm_min % 10);
        lf->stamp[5] = ':';
        lf->stamp[6] = (char)('0' + tm.tm_sec / 10), lf->stamp[7] = (char)('0' + tm.tm_sec % 10);
        lf->stamp_sec = sec;
    }
    memcpy(o, lf->stamp, 8);
    o += 8;
    *o++ = '.';
    for (int i = 5; i >= 0; i--, frac /= 10)
        o[i] = (char)('0' + frac % 10);
    o += 6;
    *o++ = ' ';
    return o;
}

/* "src.sport > dst.dport: " */
static char *put_ports(char *o, const uint8_t *src, const uint8_t *dst, int v6, uint16_t sport, uint16_t dport)
{
    o = put_addr(o, src, v6);
    *o++ = '.';
    o = put_u32(o, sport);
    o = put_str(o, " > ");
    o = put_addr(o, dst, v6);
    *o++ = '.';
    o = put_u32(o, dport);
    return put_str(o, ": ");
}

/* --- the protocols ------------------------------------------------------------------------------- */

static char *udp_line(struct xdpd_lf *lf, char *o, const uint8_t *p, uint32_t avail, uint32_t plen,
                      const uint8_t *src, const uint8_t *dst, int v6)
{
    if (avail < 8 || plen < 8)
        return NULL;
    uint16_t sport = be16(p), dport = be16(p + 2), ulen = be16(p + 4);
    if (ulen < 8 || ulen > plen || port_in(lf->udp_defer, sport) || port_in(lf->udp_defer, dport))
        return NULL;
    o = put_ports(o, src, dst, v6, sport, dport);
    o = put_str(o, "UDP, length ");
    return put_u32(o, ulen - 8u);
}

/* The options tcp.py prints for a well-formed option list; NULL (defer) for anything else. */
static char *tcp_options(char *o, const uint8_t *p, uint32_t len, uint32_t peer)
{
    o = put_str(o, ", options [");
    uint32_t pos = 0;
    int first = 1;
    while (pos < len) {
        if (!first)
            *o++ = ',';
        first = 0;
        uint8_t kind = p[pos];
        if (kind == 0 || kind == 1) {
            o = put_str(o, kind ? "nop" : "eol");
            pos++;
            if (kind == 0)
                break;
            continue;
        }
        if (pos + 1 >= len)
            return NULL;
        uint32_t olen = p[pos + 1];
        if (olen < 2 || olen > len - pos)
            return NULL;
        const uint8_t *v = p + pos + 2;
        uint32_t vlen = olen - 2;
        switch (kind) {
        case 2:
            if (vlen != 2)
                return NULL;
            o = put_str(o, "mss ");
            o = put_u32(o, be16(v));
            break;
        case 3:
            if (vlen != 1)
                return NULL;
            o = put_str(o, "wscale ");
            o = put_u32(o, v[0]);
            break;
        case 4:
            if (vlen)
                return NULL;
            o = put_str(o, "sackOK");
            break;
        case 5:
            if (!vlen || vlen % 8)
                return NULL;
            o = put_str(o, "sack ");
            o = put_u32(o, vlen / 8);
            *o++ = ' ';
            for (uint32_t i = 0; i < vlen; i += 8) {
                *o++ = '{';
                o = put_u32(o, be32(v + i) - peer);
                *o++ = ':';
                o = put_u32(o, be32(v + i + 4) - peer);
                *o++ = '}';
            }
            break;
        case 8:
            if (vlen != 8)
                return NULL;
            o = put_str(o, "TS val ");
            o = put_u32(o, be32(v));
            o = put_str(o, " ecr ");
            o = put_u32(o, be32(v + 4));
            break;
        default:
            return NULL;
        }
        pos += olen;
    }
    *o++ = ']';
    return o;
}

static char *tcp_line(struct xdpd_lf *lf, char *o, const uint8_t *p, uint32_t avail, uint32_t plen,
                      const uint8_t *src, const uint8_t *dst, int v6)
{
    if (avail < 20)
        return NULL;
    uint16_t sport = be16(p), dport = be16(p + 2);
    uint32_t seq = be32(p + 4), ack = be32(p + 8);
    uint32_t hlen = (uint32_t)(p[12] >> 4) * 4;
    uint8_t flags = p[13];
    uint16_t win = be16(p + 14), urp = be16(p + 18);
    /* A header longer than the datagram or than what was captured, or a header-only segment cut. */
    if (hlen < 20 || hlen > plen || hlen > avail)
        return NULL;
    uint32_t length = plen - hlen;
    if (length > 0 && (port_in(lf->tcp_defer, sport) || port_in(lf->tcp_defer, dport)))
        return NULL;
    /* The options are checked before the numbering state changes: a deferred segment must reach
     * the Python printer with the state as it was (it updates it itself). */
    char scratch[LF_LINE_MAX];
    if (hlen > 20 && !tcp_options(scratch, p + 20, hlen - 20, 0))
        return NULL;
    uint32_t rel[4];
    if (xdpd_lf_tcp_relative(lf, src, dst, v6 ? 16 : 4, sport, dport, seq, ack, flags & 0x02, flags & 0x10, rel))
        return NULL;
    o = put_ports(o, src, dst, v6, sport, dport);
    o = put_str(o, "Flags [");
    static const char names[] = "FSRP.UEW";
    char *fl = o;
    for (int b = 0; b < 8; b++)
        if (flags & (1u << b))
            *o++ = names[b];
    if (o == fl)
        o = put_str(o, "none");
    *o++ = ']';
    if (length > 0 || (flags & 0x07)) {
        o = put_str(o, ", seq ");
        o = put_u32(o, rel[0]);
        if (length > 0) {
            *o++ = ':';
            o = put_u32(o, rel[0] + length);
        }
    }
    if (flags & 0x10) {
        o = put_str(o, ", ack ");
        o = put_u32(o, rel[1]);
    }
    o = put_str(o, ", win ");
    o = put_u32(o, win);
    if (flags & 0x20) {
        o = put_str(o, ", urg ");
        o = put_u32(o, urp);
    }
    if (hlen > 20) {
        o = tcp_options(o, p + 20, hlen - 20, rel[3]);
    }
    o = put_str(o, ", length ");
    return put_u32(o, length);
}

/* ICMP and ICMPv6 echo: "ICMP echo request, id I, seq S, length L" ("ICMP6, echo ..." for v6). */
static char *echo_line(char *o, const uint8_t *p, uint32_t avail, uint32_t plen, const uint8_t *src,
                       const uint8_t *dst, int v6)
{
    if (avail < 8)
        return NULL;
    int request;
    if (!v6 && (p[0] == 8 || p[0] == 0))
        request = p[0] == 8;
    else if (v6 && (p[0] == 128 || p[0] == 129) && plen)
        request = p[0] == 128;
    else
        return NULL;
    o = put_addr(o, src, v6);
    o = put_str(o, " > ");
    o = put_addr(o, dst, v6);
    o = put_str(o, v6 ? ": ICMP6, echo " : ": ICMP echo ");
    o = put_str(o, request ? "request, id " : "reply, id ");
    o = put_u32(o, be16(p + 4));
    o = put_str(o, ", seq ");
    o = put_u32(o, be16(p + 6));
    o = put_str(o, ", length ");
    return put_u32(o, plen);
}

/* One frame's line (stamp, text, '\n') at o, which has room for LF_LINE_MAX; NULL: defer it. */
static char *frame_line(struct xdpd_lf *lf, char *o, uint64_t ts_ns, const uint8_t *d, uint32_t caplen,
                        uint32_t wire)
{
    if (caplen < 14)
        return NULL;
    uint16_t etype = be16(d + 12);
    uint32_t off = 14;
    while (etype == 0x8100 || etype == 0x88A8 || etype == 0x9100) {
        if (caplen < off + 4)
            return NULL;
        etype = be16(d + off + 2);
        off += 4;
    }
    if (wire < off)
        return NULL;
    uint32_t rest = wire - off; /* what the link layer says the network layer has */
    const uint8_t *ip = d + off;
    uint32_t avail = caplen - off;
    const uint8_t *src, *dst, *l4;
    uint32_t plen, l4avail;
    uint8_t proto;
    int v6;
    if (etype == 0x0800) {
        if (avail < 20 || rest < 20 || ip[0] != 0x45)
            return NULL; /* short, not IPv4, or IPv4 options */
        uint32_t total = be16(ip + 2);
        if (rest < total || total < 20 || (be16(ip + 6) & 0x3FFF))
            return NULL; /* cut on the wire, bad length, a fragment (or MF) */
        if (avail > total)
            avail = total; /* Ethernet padding is not the datagram's */
        proto = ip[9];
        plen = total - 20;
        src = ip + 12, dst = ip + 16, l4 = ip + 20, l4avail = avail - 20;
        v6 = 0;
    } else if (etype == 0x86DD) {
        if (avail < 40 || rest < 40 || (ip[0] >> 4) != 6)
            return NULL;
        plen = be16(ip + 4);
        if (!plen || rest < plen + 40)
            return NULL; /* a jumbogram or cut on the wire */
        if (avail > plen + 40)
            avail = plen + 40;
        proto = ip[6];
        src = ip + 8, dst = ip + 24, l4 = ip + 40, l4avail = avail - 40;
        v6 = 1;
    } else {
        return NULL;
    }
    o = put_stamp(lf, o, ts_ns);
    if (!o)
        return NULL;
    o = put_str(o, v6 ? "IP6 " : "IP ");
    if (proto == 17)
        o = udp_line(lf, o, l4, l4avail, plen, src, dst, v6);
    else if (proto == 6)
        o = tcp_line(lf, o, l4, l4avail, plen, src, dst, v6);
    else if (proto == (v6 ? 58 : 1))
        o = echo_line(o, l4, l4avail, plen, src, dst, v6);
    else
        o = NULL;
    if (!o)
        return NULL;
    *o++ = '\n';
    return o;
}

int xdpd_lf_frame(xdpd_lf *lf, uint64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wire_len,
                  char *out, size_t cap)
{
    if (cap < LF_LINE_MAX)
        return -ENOSPC;
    if (!caplen || wire_len < caplen)
        return 0; /* tcpdump's [Invalid header] line: the Python printer's */
    char *end = frame_line(lf, out, ts_ns, data, caplen, wire_len);
    return end ? (int)(end - out) : 0;
}

static uint32_t u32_at(const uint8_t *p, int swapped)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return swapped ? __builtin_bswap32(v) : v;
}

/* capfile._units_to_ns for an interface without a time offset; 0 when it does not fit. */
static int pcapng_ns(const struct xdpd_lf_iface *i, uint64_t units, uint64_t *ns)
{
    static const uint64_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
                                     1000000000, 10000000000ull, 100000000000ull, 1000000000000ull,
                                     10000000000000ull, 100000000000000ull, 1000000000000000ull,
                                     10000000000000000ull, 100000000000000000ull, 1000000000000000000ull,
                                     10000000000000000000ull};
    unsigned __int128 v;
    if (i->tsoffset || i->exp < 0 || i->exp > 127)
        return 0;
    if (i->binary)
        v = i->exp >= 100 ? 0 : ((unsigned __int128)units * 1000000000u) >> i->exp;
    else if (i->exp <= 9)
        v = (unsigned __int128)units * pow10[9 - i->exp];
    else
        v = i->exp - 9 > 19 ? 0 : units / pow10[i->exp - 9];
    if (v > UINT64_MAX)
        return 0;
    *ns = (uint64_t)v;
    return 1;
}

/* The record at in_pos, if it is all there: its frame, stamp and length in the file. Returns
 * XDPD_LF_MORE, XDPD_LF_DEFER or -1 (a record to format). pcap: every record is formatted unless it
 * claims a length Python calls corrupt. pcapng: an enhanced packet block of a known Ethernet
 * interface is; any other block (or anything odd) is Python's, once it is all there. */
static int next_record(struct xdpd_lf_batch *b, const uint8_t **data, uint32_t *caplen, uint32_t *wire,
                       uint64_t *ts_ns, size_t *len)
{
    size_t left = b->in_len - b->in_pos;
    const uint8_t *h = b->input + b->in_pos;
    int sw = b->swapped;
    if (b->format != XDPD_FMT_PCAPNG) {
        if (left < 16)
            return XDPD_LF_MORE;
        *caplen = u32_at(h + 8, sw);
        if (*caplen > LF_MAX_RECORD)
            return XDPD_LF_DEFER;
        if (left - 16 < *caplen)
            return XDPD_LF_MORE;
        *wire = u32_at(h + 12, sw);
        *ts_ns = (uint64_t)u32_at(h, sw) * 1000000000u + (uint64_t)u32_at(h + 4, sw) * (b->nsec ? 1u : 1000u);
        *data = h + 16;
        *len = 16 + *caplen;
        return -1;
    }
    if (left < 12)
        return XDPD_LF_MORE;
    uint32_t btype = u32_at(h, sw), blen = u32_at(h + 4, sw);
    if (btype == 0x0A0D0D0A || blen < 12 || blen % 4 || blen > (16u << 20))
        return XDPD_LF_DEFER; /* a new section, or a length Python calls corrupt */
    if (left < blen)
        return XDPD_LF_MORE;
    if (btype != 6 || blen < 32 || u32_at(h + blen - 4, sw) != blen)
        return XDPD_LF_DEFER;
    uint32_t ifid = u32_at(h + 8, sw);
    if (ifid >= b->n_ifaces || b->ifaces[ifid].linktype != 1)
        return XDPD_LF_DEFER;
    *caplen = u32_at(h + 20, sw);
    if (*caplen > LF_MAX_RECORD || *caplen > blen - 32)
        return XDPD_LF_DEFER;
    uint64_t units = (uint64_t)u32_at(h + 12, sw) << 32 | u32_at(h + 16, sw);
    if (!pcapng_ns(&b->ifaces[ifid], units, ts_ns))
        return XDPD_LF_DEFER;
    *wire = u32_at(h + 24, sw);
    *data = h + 28;
    *len = blen;
    return -1;
}

int xdpd_lf_batch(xdpd_lf *lf, struct xdpd_lf_batch *b)
{
    char *o = b->out + b->out_len;
    char *limit = b->out + b->out_cap;
    int ret;
    while (1) {
        if (b->max_lines && b->lines >= b->max_lines) {
            ret = XDPD_LF_LIMIT;
            break;
        }
        const uint8_t *data;
        uint32_t caplen, wire;
        uint64_t ts_ns;
        size_t len;
        ret = next_record(b, &data, &caplen, &wire, &ts_ns, &len);
        if (ret >= 0)
            break;
        if ((size_t)(limit - o) < LF_LINE_MAX) {
            ret = XDPD_LF_FULL;
            break;
        }
        char *end = caplen && wire >= caplen ? frame_line(lf, o, ts_ns, data, caplen, wire) : NULL;
        if (!end) {
            ret = XDPD_LF_DEFER;
            break;
        }
        o = end;
        b->in_pos += len;
        b->units++;
        b->lines++;
    }
    b->out_len = (size_t)(o - b->out);
    return ret;
}
