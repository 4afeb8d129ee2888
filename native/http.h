/* http.h - the small HTTP/1.x server under the metrics and gui roles (http.c): one process, one
 * ppoll loop, non-blocking connections, every byte of memory mapped before the seccomp filter.
 *
 * A role gives it a route function that fills a response for a path (render into the connection's
 * buffer, or point at static bytes) and a tick called about once a second; the server does the rest:
 * accept, read the request head, answer 400/405/431 itself, send, close, deadlines, the cap.
 */
#ifndef XDPD_HTTP_H
#define XDPD_HTTP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics_region.h"
#include "record_ring.h"

#define HTTP_MAX_CONNS XDPD_HTTP_MAX_CONNS  /* the cap: one more client sheds the oldest still reading */
#define HTTP_REQ_MAX 8192           /* request line and headers; more is 431 */
#define HTTP_REQUEST_TIMEOUT_MS 5000    /* from accept to the end of the request head */
#define HTTP_RESPONSE_TIMEOUT_MS 10000  /* from the request to the last byte of the response sent */
#define HTTP_SPARE_FDS (HTTP_MAX_CONNS + 2)  /* descriptors a listener role may hold beyond its own */

#define HTTP_HEAD_MAX 512            /* the response head, at the start of the connection's buffer */

struct http_conn {
    int fd;                         /* -1: free slot */
    int writing;                    /* 0: reading the request head, 1: sending the response */
    int64_t accepted_ms;
    int64_t deadline_ms;
    uint32_t req_len;
    char req[HTTP_REQ_MAX];
    size_t head_len;                /* the response: the head in buf, then the body (buf or static) */
    const char *body;
    size_t body_len;
    size_t sent;                    /* of head_len + body_len */
    char *buf;                      /* this connection's response buffer (buf_size bytes) */
};

struct http_response {
    int status;
    const char *content_type;
    const char *body;               /* NULL: the body is already in body_buf (body_len bytes) */
    size_t body_len;
    char *body_buf;                 /* where the route renders: the connection's buffer past the head */
    size_t body_cap;
};

struct http_server;
typedef void (*http_route_fn)(struct http_server *s, const char *path, struct http_response *r);
typedef void (*http_tick_fn)(struct http_server *s, int64_t now_ms);

struct http_server {
    const char *role;               /* "metrics" or "gui", for log lines */
    int role_id;                    /* XDPD_ROLE_* */
    int listen_fd;
    int log_fd;
    struct xdpd_metrics_region *mr;
    struct xdpd_record_ring *rr;
    http_route_fn route;
    http_tick_fn tick;
    void *ctx;                      /* the role's own state (mapped with the server) */
    size_t buf_size;
    size_t map_len;
    uint32_t nopen;
    struct http_conn conns[HTTP_MAX_CONNS];
    struct pollfd pfds[HTTP_MAX_CONNS + 1];
    int pmap[HTTP_MAX_CONNS + 1];   /* pfds index -> conns index */
    /* shedding since the last log line, said at most once a second */
    uint64_t shed_cap_unlogged, shed_deadline_unlogged, too_large_unlogged;
    int64_t next_shed_log_ms;
};

/* Map the server, its role context (ctx_size bytes) and every connection's buffer: before the filter. */
int http_server_create(struct http_server **out, const char *role, int role_id, int listen_fd, int log_fd,
                       struct xdpd_metrics_region *mr, struct xdpd_record_ring *rr, size_t buf_size,
                       size_t ctx_size, http_route_fn route, http_tick_fn tick);

/* Serve until the record ring's stop flag and producer_done (the capture is over); 0 or -errno. */
int http_serve(struct http_server *s);

/* One line to stderr and the log file (fsync'ed), as role.c's lines: "xdpdump: ROLE role: what". */
void http_log(const struct http_server *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bounded text output for renderers: appends while there is room; overflow is sticky. */
struct textbuf {
    char *p;
    size_t len;
    size_t cap;
    int overflow;
};
void tb_printf(struct textbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_put(struct textbuf *t, const char *s, size_t n);
void tb_json_string(struct textbuf *t, const char *s);   /* a JSON string literal, escaped */
#define tb_lit(t, lit) tb_put((t), (lit), sizeof(lit) - 1)

/* The record ring's byte occupancy: published position minus the slowest active consumer's. */
uint64_t xdpd_rr_used_bytes(const struct xdpd_record_ring *rr);

#endif
