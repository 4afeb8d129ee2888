/* record_ring.h - layout of the shared record ring (one MAP_SHARED|MAP_ANONYMOUS mapping).
 *
 * Everything in the mapping is position-independent (byte positions and offsets, no pointers), so the
 * same ring works in every process forked after it was made. Positions are monotonically increasing
 * byte counts; the slot of position p is p & (data_size - 1).
 *
 * Ordering: the producer writes records, then release-stores `prod`; a consumer load-acquires `prod`,
 * reads records below it, then release-stores its own `pos`; the producer load-acquires every active
 * consumer's `pos` before reusing space below pos + data_size. So a record is never overwritten before
 * every registered consumer is done with it.
 *
 * By reference (by_ref, the capture with only native consumers, set before any record): a record of
 * a frame larger than XDPD_REF_MIN_BYTES carries no bytes, only where the frame lies in a UMEM
 * (xdpd_rec_ref); it is shorter than its cap_len says (rec_len < xdpd_rec_size(cap_len)), which is how
 * a reader tells. Consumers read the frame there, through the UMEM mapping every process forked after
 * it shares (umem_base, an address valid in those processes, like the UMEM itself). The producer gives
 * such a frame back to its fill ring only once every consumer is past its record (`reclaimed`), and
 * space is reused only below that. Smaller frames are still copied (see capture_loop.c for why).
 *
 * Every role maps the ring writable, so whatever is in it may have been written by a compromised role.
 * The producer therefore keeps its own bookkeeping (where it writes next, what it published, what it
 * may reuse, which frames it still holds) in its own memory (struct xdpd_rr_prod, beside its copy of
 * the geometry), and reads from the shared mapping only what consumers publish: their positions, each
 * taken only between the last one it took from that consumer and what it has published (anything else
 * counts as no progress, in bad_positions). So a role that writes the header or forges positions can
 * stall the capture or lose its own place, but cannot make the producer overwrite a record it has not
 * been told is read, nor give a UMEM frame back twice.
 */
#ifndef XDPD_RECORD_RING_H
#define XDPD_RECORD_RING_H

#include <stdint.h>
#include "xdpd.h"

#define XDPD_RR_MAGIC 0x58445244u /* "XDRD" */
#define XDPD_REC_ALIGN 32u        /* records start 32-aligned, so a wrap always leaves room for a pad header */
#define XDPD_REC_PAD 0xffffffffu  /* cap_len of a pad record that skips to the start of the data area */

struct xdpd_record {
    uint32_t rec_len;   /* bytes to the next record, header included */
    uint32_t cap_len;
    uint32_t wire_len;
    uint16_t ifslot;
    uint16_t queue;
    uint64_t ts_ns;     /* CLOCK_REALTIME in ns: the producer's per-frame stamp */
    uint8_t direction;  /* XDPD_DIR_IN or XDPD_DIR_OUT (pcapng epb_flags); reserve() sets IN */
    uint8_t pad[7];     /* the header stays 32 bytes: XDPD_REC_ALIGN, and data 8-aligned */
    uint8_t data[];
};

struct xdpd_rr_consumer {
    uint64_t pos;       /* consumed up to here: only its consumer writes it (release store) */
    uint64_t peek_end;  /* consumer-private: end of the batch handed out by the last peek */
    uint32_t active;    /* claimed by compare-and-swap at register, cleared by its consumer */
    uint32_t pad0;
    uint64_t records;   /* what its consumer reports done: for the archive writer, records wholly in the file */
    uint64_t written;   /* bytes the consumer wrote out (the archive writer's file), for the metrics role */
    uint8_t pad[24];
} __attribute__((aligned(64)));

struct xdpd_record_ring {
    uint32_t magic;
    uint32_t version;
    uint64_t data_size;
    uint64_t map_len;
    uint64_t data_offset;
    /* producer cache line: only the producer writes these */
    uint64_t prod __attribute__((aligned(64)));   /* published position (release-stored) */
    uint64_t unused0[2];        /* once the producer's own bookkeeping, now in struct xdpd_rr_prod: */
    uint64_t captured;          /* records produced (release-stored after the records are published) */
    uint64_t bytes;
    uint64_t ring_full;
    uint64_t unused1;           /* the fields readers use keep their offsets; nothing reads these */
    /* control, written rarely */
    uint32_t stop __attribute__((aligned(64)));  /* only the supervisor sets it */
    uint32_t producer_done;     /* only the producer sets it, after its final statistics */
    uint32_t nsockets;          /* socket slots handed out, before the loop starts */
    uint32_t by_ref;            /* records point into UMEM (set by the producer before the fork) */
    uint32_t held_budget;       /* by_ref: frames the producer can hold beyond its fill rings */
    uint64_t umem_base[XDPD_MAX_SOCKETS];   /* by_ref: each socket slot's UMEM area (an address) */
    uint64_t umem_len[XDPD_MAX_SOCKETS];
    struct xdpd_rr_consumer cons[XDPD_MAX_CONSUMERS];
    struct xdpd_socket_counters sockets[XDPD_MAX_SOCKETS];
};

static inline uint64_t xdpd_rec_size(uint32_t cap_len)
{
    uint64_t n = sizeof(struct xdpd_record) + cap_len;
    return (n + XDPD_REC_ALIGN - 1) & ~(uint64_t)(XDPD_REC_ALIGN - 1);
}

/* A by-reference record's payload: the socket slot (top 16 bits) and the frame's UMEM address. */
#define XDPD_REF_ADDR_MASK ((1ull << 48) - 1)
#define XDPD_REF_MIN_BYTES 256u   /* by_ref: frames of more captured bytes go by reference */

static inline int xdpd_rec_is_ref(const struct xdpd_record *rec)
{
    return rec->rec_len < xdpd_rec_size(rec->cap_len);
}
static inline uint64_t xdpd_rec_ref(uint32_t slot, uint64_t addr)
{
    return ((uint64_t)slot << 48) | addr;
}

/* What a process knows of a ring from set-up, in its own memory (copied by fork), never re-read from
 * the shared header, which every role can write: a compromised role must not be able to move another
 * role's reads. The creator records the area (xdpd_rr_create); the producer, while it is set up
 * before any role is forked, records the snap length, the interface slots it hands out and each
 * socket's UMEM (by reference). A limit left at 0 is not known (a ring without a producer): cap_len
 * is then bounded by its record alone and ifslot not checked. */
/* The producer's own bookkeeping of a ring, in the producing process's memory only. */
struct xdpd_rr_prod {
    uint64_t local;         /* written up to here, not yet published */
    uint64_t published;     /* what it last release-stored in the header's prod */
    uint64_t next_len;      /* the size of the record reserve handed out, added by commit */
    uint64_t free_below;    /* space below this (the slowest consumer, as last seen) may be reused */
    uint64_t reclaimed;     /* by_ref: the frames of records below it are given back (capture_loop.c
                             * sets it: the oldest held record, or `local` with none held) */
    uint64_t seen[XDPD_MAX_CONSUMERS];   /* each active consumer's position as last taken */
    uint8_t known[XDPD_MAX_CONSUMERS];   /* seen[] holds a position of the consumer now in the slot */
    uint64_t bad_positions; /* positions refused: beyond what was published, or going back */
};

struct xdpd_rr_geom {
    const struct xdpd_record_ring *rr;
    uint64_t data_offset;
    uint64_t data_size;
    uint64_t map_len;
    uint32_t snaplen;
    uint32_t nifslots;
    uint32_t by_ref;
    uint32_t nsockets;
    uint64_t umem_base[XDPD_MAX_SOCKETS];
    uint64_t umem_len[XDPD_MAX_SOCKETS];
    struct xdpd_rr_prod prod;   /* used only in the process that produces (its copy is its own) */
};

/* This process's geometry of rr, or NULL for a ring it did not make (nor inherit). */
const struct xdpd_rr_geom *xdpd_rr_geom(const struct xdpd_record_ring *rr);
/* A second copy of this code in one process (a test's own producer, built apart) has no geometry of
 * a ring the first copy made: it takes it from the header, trusted only because no other process can
 * have written it yet (the producer state too: from prod; again when prod is not where this copy
 * published last, a new ring at the old one's address). 0, or -ENOSPC. */
int xdpd_rr_geom_adopt(const struct xdpd_record_ring *rr);
/* Producer set-up, before the fork: what consumers will check records against. */
void xdpd_rr_geom_snaplen(const struct xdpd_record_ring *rr, uint32_t snaplen);
void xdpd_rr_geom_ifslot(const struct xdpd_record_ring *rr, uint16_t ifslot);
void xdpd_rr_geom_umem(const struct xdpd_record_ring *rr, uint32_t slot, uint64_t base, uint64_t len, int by_ref);

/* A record as a consumer may use it: its fields read once and checked, so a change of the shared
 * record after the check changes nothing here. */
struct xdpd_rr_item {
    const struct xdpd_record *rec;  /* for the fields no bound depends on (ts_ns, wire_len, queue, direction) */
    const uint8_t *bytes;           /* cap_len bytes: in the record, or in a UMEM by reference */
    uint64_t rec_len;
    uint32_t cap_len;
    uint16_t ifslot;
};

/* Consumer side, checked: the next record at or after *pos below prod into *out (1), none (0), or a
 * record that breaks the ring's rules (-EPROTO, with one line in the error buffer saying which): a
 * consumer then stops. Checks are against g, never the shared header. *pos is left at the record;
 * the next one is at *pos + out->rec_len. */
int xdpd_rr_next_checked(const struct xdpd_rr_geom *g, uint64_t *pos, uint64_t prod, struct xdpd_rr_item *out);

/* Producer (capture loop, tap): room for one record, written in place; returns NULL when full.
 * reserve_ref: a by-reference record of cap_len captured bytes (its payload is xdpd_rec_ref). The
 * record is at xdpd_rr_producer(rr)->local until commit. */
struct xdpd_record *xdpd_rr_reserve(struct xdpd_record_ring *rr, uint32_t cap_len);
struct xdpd_record *xdpd_rr_reserve_ref(struct xdpd_record_ring *rr, uint32_t cap_len);
/* This process's producer state of rr (NULL for a ring it has no geometry of). */
struct xdpd_rr_prod *xdpd_rr_producer(const struct xdpd_record_ring *rr);
/* Every consumer is past this position (the published position when there is none), from their
 * positions as checked above. */
uint64_t xdpd_rr_consumed(struct xdpd_record_ring *rr);
/* Bytes the producer could write now (below the slowest consumer and, by reference, what it gave back). */
uint64_t xdpd_rr_free_bytes(struct xdpd_record_ring *rr);
/* commit: the record reserve handed out, at the size reserve gave it (not the shared rec_len). */
void xdpd_rr_commit(struct xdpd_record_ring *rr, struct xdpd_record *rec);
void xdpd_rr_publish(struct xdpd_record_ring *rr);

/* Wait while the ring holds nothing past pos (up to timeout_ms; only producer_done ends it early),
 * napping *nap_ms, doubled after each nap up to max_nap_ms; returns the producer position seen last. */
uint64_t xdpd_rr_wait(struct xdpd_record_ring *rr, uint64_t pos, int timeout_ms, int *nap_ms, int max_nap_ms);

#endif
