/* http.c - the HTTP/1.x server under the metrics and gui roles (http.h).
 *
 * Hostile clients are the design case, and each costs bounded memory and time:
 * - every connection is non-blocking and served from one ppoll loop, so a client that sends one byte
 *   a second or never reads stalls nothing but itself;
 * - a connection has HTTP_REQUEST_TIMEOUT_MS to send its request head and HTTP_RESPONSE_TIMEOUT_MS to
 *   take the response; past its deadline it is closed;
 * - a request head longer than HTTP_REQ_MAX is answered 431 and closed;
 * - at most HTTP_MAX_CONNS connections are open: one more sheds the oldest still reading its request
 *   (a stalled reader is the likeliest attacker; a scrape in progress is left alone), or, when all are
 *   sending, the newcomer itself;
 * - every byte (connections, buffers) is mapped before the seccomp filter: nothing is allocated after.
 * Shedding is counted in the metrics region and said in the log at most once a second.
 *
 * Every response closes its connection ("Connection: close"): one request per connection keeps the
 * state machine to two states. Before closing, what the client sent beyond the head is read and
 * dropped, since closing a socket with unread input sends a reset that can destroy the response
 * still in flight to the client. The system calls are exactly the policy's: accept4 on the listener,
 * read/sendto/close on accepted connections, ppoll, write/fsync for the log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "internal.h"

#define LOOP_WAKE_MS 250        /* how often the loop looks at the stop flag when nothing happens */
#define TICK_MS 1000
#define ACCEPTS_PER_PASS 128    /* a flood of connects cannot keep the loop from serving the others */
#define DRAIN_MAX 65536         /* unread input read and dropped before a close */
#define SHED_LOG_INTERVAL_MS 1000

/* --- text output -------------------------------------------------------------------------------- */

void tb_put(struct textbuf *t, const char *s, size_t n)
{
    if (t->overflow || n > t->cap - t->len) {
        t->overflow = 1;
        return;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

void tb_printf(struct textbuf *t, const char *fmt, ...)
{
    if (t->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->cap - t->len;
    int n = vsnprintf(t->p + t->len, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room)
        t->overflow = 1;
    else
        t->len += (size_t)n;
}

void tb_json_string(struct textbuf *t, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    tb_put(t, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            tb_put(t, esc, 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            tb_put(t, esc, 6);
        } else {
            tb_put(t, (const char *)&c, 1);
        }
    }
    tb_put(t, "\"", 1);
}

uint64_t xdpd_rr_used_bytes(const struct xdpd_record_ring *rr)
{
    uint64_t prod = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE), used = 0;
    for (int i = 0; i < XDPD_MAX_CONSUMERS; i++) {
        if (!__atomic_load_n(&rr->cons[i].active, __ATOMIC_ACQUIRE))
            continue;
        uint64_t pos = __atomic_load_n(&rr->cons[i].pos, __ATOMIC_ACQUIRE);
        if (prod - pos > used && prod >= pos)
            used = prod - pos;
    }
    return used;
}

/* --- log -------------------------------------------------------------------------------------- */

void http_log(const struct http_server *s, const char *fmt, ...)
{
    char line[320];
    int n = snprintf(line, sizeof(line), "xdpdump: %s role: ", s->role);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    size_t len = (size_t)n + ((size_t)m < sizeof(line) - (size_t)n - 1 ? (size_t)m : sizeof(line) - (size_t)n - 2);
    line[len++] = '\n';
    if (write(2, line, len) < 0) {
        /* nothing else to tell */
    }
    if (s->log_fd >= 0 && s->log_fd != 2 && write(s->log_fd, line, len) >= 0)
        fsync(s->log_fd);
}

static void count(struct http_server *s, uint64_t *field, uint64_t n)
{
    (void)s;
    __atomic_store_n(field, *field + n, __ATOMIC_RELAXED);
}

static struct xdpd_http_counters *counters(struct http_server *s)
{
    return &s->mr->http[s->role_id];
}

static void log_shedding(struct http_server *s, int64_t now)
{
    if (now < s->next_shed_log_ms || !(s->shed_cap_unlogged | s->shed_deadline_unlogged | s->too_large_unlogged))
        return;
    http_log(s, "shed %llu client(s) at the connection cap (%d), %llu past their deadline (%d s to send a "
             "request, %d s to take the response), %llu with a request head over %d bytes",
             (unsigned long long)s->shed_cap_unlogged, HTTP_MAX_CONNS, (unsigned long long)s->shed_deadline_unlogged,
             HTTP_REQUEST_TIMEOUT_MS / 1000, HTTP_RESPONSE_TIMEOUT_MS / 1000,
             (unsigned long long)s->too_large_unlogged, HTTP_REQ_MAX);
    s->shed_cap_unlogged = s->shed_deadline_unlogged = s->too_large_unlogged = 0;
    s->next_shed_log_ms = now + SHED_LOG_INTERVAL_MS;
}

/* --- connections -------------------------------------------------------------------------------- */

int http_server_create(struct http_server **out, const char *role, int role_id, int listen_fd, int log_fd,
                       struct xdpd_metrics_region *mr, struct xdpd_record_ring *rr, size_t buf_size,
                       size_t ctx_size, http_route_fn route, http_tick_fn tick)
{
    size_t head = (sizeof(struct http_server) + 63) & ~(size_t)63;
    size_t ctx = (ctx_size + 63) & ~(size_t)63;
    size_t len = head + ctx + (size_t)HTTP_MAX_CONNS * buf_size;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return xdpd_fail(XDPD_STEP_MMAP, errno, "mmap(len=%zu) of the %s role's connections", len, role);
    struct http_server *s = p;
    s->role = role;
    s->role_id = role_id;
    s->listen_fd = listen_fd;
    s->log_fd = log_fd;
    s->mr = mr;
    s->rr = rr;
    s->route = route;
    s->tick = tick;
    s->ctx = (uint8_t *)p + head;
    s->buf_size = buf_size;
    s->map_len = len;
    for (int i = 0; i < HTTP_MAX_CONNS; i++) {
        s->conns[i].fd = -1;
        s->conns[i].buf = (char *)p + head + ctx + (size_t)i * buf_size;
    }
    __atomic_store_n(&counters(s)->cap, HTTP_MAX_CONNS, __ATOMIC_RELAXED);
    *out = s;
    return 0;
}

static void conn_close(struct http_server *s, struct http_conn *c, int drain)
{
    if (drain) {
        char sink[4096];
        for (size_t total = 0; total < DRAIN_MAX;) {
            ssize_t n = read(c->fd, sink, sizeof(sink));
            if (n <= 0)
                break;
            total += (size_t)n;
        }
    }
    close(c->fd);
    c->fd = -1;
    s->nopen--;
    __atomic_store_n(&counters(s)->open, s->nopen, __ATOMIC_RELAXED);
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    default: return "Service Unavailable";
    }
}

static void respond_text(struct http_conn *c, int status, int head_only, struct http_server *s);

/* Fill c's response from the route (or an error status), switch it to sending. */
static void respond(struct http_server *s, struct http_conn *c, int status, const char *path, int head_only)
{
    struct http_response r = {.status = status, .content_type = "text/plain; charset=utf-8",
                              .body_buf = c->buf + HTTP_HEAD_MAX, .body_cap = s->buf_size - HTTP_HEAD_MAX};
    if (status == 200)
        s->route(s, path, &r);
    if (r.status != 200 || (!r.body && r.body_len == 0)) {
        if (r.status == 200)
            r.status = 500;
        respond_text(c, r.status, head_only, s);
        return;
    }
    struct textbuf h = {.p = c->buf, .cap = HTTP_HEAD_MAX};
    tb_printf(&h, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
                  "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
              r.status, reason(r.status), r.content_type, r.body_len);
    c->head_len = h.len;
    c->body = r.body ? r.body : r.body_buf;
    c->body_len = head_only ? 0 : r.body_len;
    c->sent = 0;
    c->writing = 1;
    c->deadline_ms = xdpd_now_ms() + HTTP_RESPONSE_TIMEOUT_MS;
}

static void respond_text(struct http_conn *c, int status, int head_only, struct http_server *s)
{
    char *body = c->buf + HTTP_HEAD_MAX;
    int blen = snprintf(body, s->buf_size - HTTP_HEAD_MAX, "%d %s\n", status, reason(status));
    struct textbuf h = {.p = c->buf, .cap = HTTP_HEAD_MAX};
    tb_printf(&h, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n%s"
                  "Connection: close\r\n\r\n",
              status, reason(status), blen, status == 405 ? "Allow: GET, HEAD\r\n" : "");
    c->head_len = h.len;
    c->body = body;
    c->body_len = head_only ? 0 : (size_t)blen;
    c->sent = 0;
    c->writing = 1;
    c->deadline_ms = xdpd_now_ms() + HTTP_RESPONSE_TIMEOUT_MS;
}

/* The request head is complete in c->req: parse the request line, answer. */
static void handle_request(struct http_server *s, struct http_conn *c)
{
    char *line_end = memchr(c->req, '\r', c->req_len);
    char *sp1 = line_end ? memchr(c->req, ' ', (size_t)(line_end - c->req)) : NULL;
    char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
    if (!sp2 || sp2 == sp1 + 1 || sp1[1] != '/' || (size_t)(line_end - sp2 - 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7)) {
        respond_text(c, 400, 0, s);
        return;
    }
    size_t mlen = (size_t)(sp1 - c->req);
    int get = mlen == 3 && !memcmp(c->req, "GET", 3), head = mlen == 4 && !memcmp(c->req, "HEAD", 4);
    if (!get && !head) {
        respond_text(c, 405, 0, s);
        return;
    }
    *sp2 = '\0';
    char *query = strchr(sp1 + 1, '?');
    if (query)
        *query = '\0';
    respond(s, c, 200, sp1 + 1, head);
}

static void on_readable(struct http_server *s, struct http_conn *c)
{
    for (;;) {
        if (c->req_len == HTTP_REQ_MAX) {
            count(s, &counters(s)->too_large, 1);
            s->too_large_unlogged++;
            respond_text(c, 431, 0, s);
            return;
        }
        ssize_t n = read(c->fd, c->req + c->req_len, HTTP_REQ_MAX - c->req_len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) {   /* the client went away (or reset) before a whole request */
            if (n < 0)
                count(s, &counters(s)->errors, 1);
            conn_close(s, c, 0);
            return;
        }
        uint32_t from = c->req_len > 3 ? c->req_len - 3 : 0;
        c->req_len += (uint32_t)n;
        if (memmem(c->req + from, c->req_len - from, "\r\n\r\n", 4)) {
            handle_request(s, c);
            return;
        }
    }
}

static void on_writable(struct http_server *s, struct http_conn *c)
{
    size_t total = c->head_len + c->body_len;
    while (c->sent < total) {
        const char *p = c->sent < c->head_len ? c->buf + c->sent : c->body + (c->sent - c->head_len);
        size_t n = c->sent < c->head_len ? c->head_len - c->sent : total - c->sent;
        ssize_t w = sendto(c->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL, NULL, 0);
        if (w < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (w < 0) {
            count(s, &counters(s)->errors, 1);
            conn_close(s, c, 0);
            return;
        }
        c->sent += (size_t)w;
    }
    count(s, &counters(s)->responses, 1);
    conn_close(s, c, 1);
}

/* The oldest connection still reading its request, or -1. */
static int oldest_reading(const struct http_server *s)
{
    int best = -1;
    for (int i = 0; i < HTTP_MAX_CONNS; i++) {
        const struct http_conn *c = &s->conns[i];
        if (c->fd >= 0 && !c->writing && (best < 0 || c->accepted_ms < s->conns[best].accepted_ms))
            best = i;
    }
    return best;
}

static void accept_new(struct http_server *s, int64_t now)
{
    for (int k = 0; k < ACCEPTS_PER_PASS; k++) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;   /* EAGAIN, or the client reset before we got to it, or EMFILE: look again later */
        count(s, &counters(s)->accepted, 1);
        int slot = -1;
        for (int i = 0; i < HTTP_MAX_CONNS && slot < 0; i++)
            if (s->conns[i].fd < 0)
                slot = i;
        if (slot < 0) {
            slot = oldest_reading(s);
            count(s, &counters(s)->shed_cap, 1);
            s->shed_cap_unlogged++;
            if (slot < 0) {   /* every slot is sending a response: the newcomer is the one shed */
                close(fd);
                continue;
            }
            conn_close(s, &s->conns[slot], 0);
        }
        struct http_conn *c = &s->conns[slot];
        c->fd = fd;
        c->writing = 0;
        c->req_len = 0;
        c->accepted_ms = now;
        c->deadline_ms = now + HTTP_REQUEST_TIMEOUT_MS;
        s->nopen++;
        __atomic_store_n(&counters(s)->open, s->nopen, __ATOMIC_RELAXED);
    }
}

static void expire(struct http_server *s, int64_t now)
{
    for (int i = 0; i < HTTP_MAX_CONNS; i++) {
        struct http_conn *c = &s->conns[i];
        if (c->fd >= 0 && now >= c->deadline_ms) {
            count(s, &counters(s)->shed_deadline, 1);
            s->shed_deadline_unlogged++;
            conn_close(s, c, 0);
        }
    }
}

static int capture_over(const struct http_server *s)
{
    return __atomic_load_n(&s->rr->stop, __ATOMIC_ACQUIRE) && __atomic_load_n(&s->rr->producer_done, __ATOMIC_ACQUIRE);
}

int http_serve(struct http_server *s)
{
    int64_t now = xdpd_now_ms(), next_tick = now;
    while (!capture_over(s)) {
        now = xdpd_now_ms();
        if (now >= next_tick) {
            if (s->tick)
                s->tick(s, now);
            next_tick = now + TICK_MS;
        }
        expire(s, now);
        log_shedding(s, now);
        int64_t wake = next_tick;
        int n = 0;
        s->pfds[n] = (struct pollfd){.fd = s->listen_fd, .events = POLLIN};
        s->pmap[n++] = -1;
        for (int i = 0; i < HTTP_MAX_CONNS; i++) {
            struct http_conn *c = &s->conns[i];
            if (c->fd < 0)
                continue;
            s->pfds[n] = (struct pollfd){.fd = c->fd, .events = c->writing ? POLLOUT : POLLIN};
            s->pmap[n++] = i;
            if (c->deadline_ms < wake)
                wake = c->deadline_ms;
        }
        int64_t wait_ms = wake - now;
        if (wait_ms > LOOP_WAKE_MS)
            wait_ms = LOOP_WAKE_MS;
        if (wait_ms < 0)
            wait_ms = 0;
        struct timespec ts = {.tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000L};
        int r = ppoll(s->pfds, (nfds_t)n, &ts, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return xdpd_fail(XDPD_STEP_POLL, errno, "ppoll(nfds=%d) of the %s role", n, s->role);
        }
        if (r == 0)
            continue;
        now = xdpd_now_ms();
        for (int k = 1; k < n; k++) {
            struct http_conn *c = &s->conns[s->pmap[k]];
            short ev = s->pfds[k].revents;
            if (!ev || c->fd != s->pfds[k].fd)
                continue;
            if (c->writing && (ev & (POLLOUT | POLLERR | POLLHUP)))
                on_writable(s, c);   /* an error shows as a failed send */
            else if (!c->writing && (ev & (POLLIN | POLLERR | POLLHUP)))
                on_readable(s, c);   /* likewise a failed read, or EOF */
            if (c->fd >= 0 && c->writing && c->sent == 0)
                on_writable(s, c);   /* a response just made: try to send it at once */
        }
        if (s->pfds[0].revents & POLLIN)
            accept_new(s, now);
    }
    /* The capture is over: whatever is still open is closed as the role exits. */
    return 0;
}
