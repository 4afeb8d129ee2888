/* gui_role.c - the gui role's bodies: GET / is the page (gui_page.html, compiled in as it is: no CDN,
 * no build step of its own), GET /api/state the JSON the page polls once a second. The role reads and
 * serves; it decodes nothing. What it serves comes from shared memory: the record ring (captured
 * frames and bytes per socket, drops by reason), the metrics region (the XDP programs' counters,
 * frames printed, roles up, and the supervisor's feed: the last lines printed, the protocol mix and
 * top talkers it computed from what it printed, embedded verbatim), and one thing the role keeps:
 * the capture's packet and byte rates, sampled once a second for the last HISTORY seconds, so a page
 * opened late still draws the last few minutes.
 */
#define _GNU_SOURCE
#include <string.h>

#include "gui_page.h"
#include "http.h"
#include "internal.h"

#define GUI_BUF (128 * 1024)
#define HISTORY 300     /* seconds of rates kept (five minutes) */

struct gui_ctx {
    uint64_t last_frames, last_bytes;
    int64_t last_ms;
    uint32_t n, head;                 /* samples held, next slot */
    uint64_t pps[HISTORY], bps[HISTORY];
    struct xdpd_mr_state state;       /* last consistent copy */
    char feed[XDPD_MR_FEED_MAX];
    uint32_t feed_len;
};

static struct gui_ctx standalone;     /* xdpd_gui_render_state outside the role (tests) */

static uint64_t captured_frames(const struct xdpd_record_ring *rr)
{
    return __atomic_load_n(&rr->captured, __ATOMIC_ACQUIRE);
}

static void gui_tick(struct http_server *s, int64_t now)
{
    struct gui_ctx *g = s->ctx;
    uint64_t frames = captured_frames(s->rr), bytes = __atomic_load_n(&s->rr->bytes, __ATOMIC_RELAXED);
    if (g->last_ms && now > g->last_ms) {
        uint64_t dt = (uint64_t)(now - g->last_ms);
        g->pps[g->head] = (frames - g->last_frames) * 1000 / dt;
        g->bps[g->head] = (bytes - g->last_bytes) * 1000 / dt;
        g->head = (g->head + 1) % HISTORY;
        if (g->n < HISTORY)
            g->n++;
    }
    g->last_frames = frames;
    g->last_bytes = bytes;
    g->last_ms = now;
}

static void series(struct textbuf *t, const struct gui_ctx *g, const uint64_t *v)
{
    tb_put(t, "[", 1);
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t k = (g->head + HISTORY - g->n + i) % HISTORY;
        tb_printf(t, i ? ",%llu" : "%llu", (unsigned long long)v[k]);
    }
    tb_put(t, "]", 1);
}

static int render_state(struct gui_ctx *g, xdpd_metrics_region *mr, xdpd_record_ring *rr, char *out, size_t cap)
{
    struct textbuf t = {.p = out, .cap = cap};
    const struct xdpd_mr_info *info = &mr->info;
    struct xdpd_mr_state st;
    if (xdpd_mr_read_state(mr, &st) == 0)
        g->state = st;
    int fl = xdpd_mr_read_feed(mr, g->feed, sizeof(g->feed));
    if (fl > 0)
        g->feed_len = (uint32_t)fl;

    uint64_t drops[6] = {0}, dropped = 0;
    uint32_t n = __atomic_load_n(&rr->nsockets, __ATOMIC_ACQUIRE);
    if (n > XDPD_MAX_SOCKETS)
        n = XDPD_MAX_SOCKETS;
    tb_printf(&t, "{\"captured\":%llu,\"bytes\":%llu,\"ring_full\":%llu,\"ring_used\":%llu,\"ring_size\":%llu,",
              (unsigned long long)captured_frames(rr),
              (unsigned long long)__atomic_load_n(&rr->bytes, __ATOMIC_RELAXED),
              (unsigned long long)__atomic_load_n(&rr->ring_full, __ATOMIC_RELAXED),
              (unsigned long long)xdpd_rr_used_bytes(rr), (unsigned long long)rr->data_size);
    tb_printf(&t, "\"producer\":\"%s\",\"version\":", info->producer);
    tb_json_string(&t, info->version);
    tb_lit(&t, ",\"queues\":[");
    for (uint32_t i = 0, k = 0; i < n; i++) {
        struct xdpd_socket_counters c = rr->sockets[i];
        if (!c.used)
            continue;
        uint64_t d = c.xdp.rx_dropped + c.xdp.rx_ring_full + c.xdp.rx_invalid_descs;
        dropped += d;
        drops[0] += c.xdp.rx_dropped;
        drops[1] += c.xdp.rx_ring_full;
        drops[2] += c.xdp.rx_invalid_descs;
        drops[3] += c.xdp.rx_fill_ring_empty_descs;
        tb_printf(&t, "%s{\"interface\":", k++ ? "," : "");
        tb_json_string(&t, c.ifslot < info->nifs ? info->ifnames[c.ifslot] : "?");
        tb_printf(&t, ",\"queue\":%u,\"captured\":%llu,\"bytes\":%llu,\"dropped\":%llu}", c.queue,
                  (unsigned long long)c.captured, (unsigned long long)c.bytes, (unsigned long long)d);
    }
    drops[4] = g->state.tap_out_xdp.tx_invalid_descs;
    tb_printf(&t, "],\"dropped\":%llu,\"drops\":{\"rx_dropped\":%llu,\"rx_ring_full\":%llu,\"rx_invalid_descs\":%llu,"
                  "\"rx_fill_ring_empty_descs\":%llu,\"record_ring_full\":%llu",
              (unsigned long long)dropped, (unsigned long long)drops[0], (unsigned long long)drops[1],
              (unsigned long long)drops[2], (unsigned long long)drops[3],
              (unsigned long long)__atomic_load_n(&rr->ring_full, __ATOMIC_RELAXED));
    if (info->out_ifname[0])
        tb_printf(&t, ",\"tx_invalid_descs\":%llu", (unsigned long long)drops[4]);
    uint64_t seen = 0, matched = 0, passed = 0, congested = 0;
    for (uint32_t i = 0; i < info->nifs; i++) {
        seen += g->state.filters[i].seen;
        matched += g->state.filters[i].matched;
        passed += g->state.filters[i].passed;
        congested += g->state.filters[i].congested;
    }
    /* Not a drop, but what the capture missed by reason like the others: listed with them. */
    tb_printf(&t, ",\"passed_while_congested\":%llu", (unsigned long long)congested);
    tb_printf(&t, "},\"filter\":{\"seen\":%llu,\"matched\":%llu,\"passed\":%llu},\"printed\":%llu,\"printing\":%s,",
              (unsigned long long)seen, (unsigned long long)matched, (unsigned long long)passed,
              (unsigned long long)g->state.printed, info->printing ? "true" : "false");
    if (info->out_ifname[0]) {
        tb_lit(&t, "\"forward\":{\"interface\":");
        tb_json_string(&t, info->out_ifname);
        tb_printf(&t, ",\"transmitted\":%llu},", (unsigned long long)g->state.tap_forwarded);
    }
    tb_lit(&t, "\"roles\":{");
    for (int r = 0, k = 0; r < XDPD_ROLE_COUNT; r++) {
        if (info->roles & (1u << r))
            tb_printf(&t, "%s\"%s\":%d", k++ ? "," : "", xdpd_role_names[r],
                      r == XDPD_ROLE_GUI ? 1 : !!(g->state.roles_up & (1u << r)));
    }
    tb_lit(&t, "},\"history\":{\"interval_ms\":1000,\"pps\":");
    series(&t, g, g->pps);
    tb_lit(&t, ",\"bps\":");
    series(&t, g, g->bps);
    tb_lit(&t, "},\"feed\":");
    if (g->feed_len)
        tb_put(&t, g->feed, g->feed_len);
    else
        tb_lit(&t, "null");
    tb_lit(&t, "}");
    return t.overflow ? xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "GUI state over %zu bytes", cap) : (int)t.len;
}

int xdpd_gui_render_state(xdpd_metrics_region *mr, xdpd_record_ring *rr, char *out, size_t cap)
{
    return render_state(&standalone, mr, rr, out, cap);
}

static void gui_route(struct http_server *s, const char *path, struct http_response *r)
{
    if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
        r->content_type = "text/html; charset=utf-8";
        r->body = XDPD_GUI_PAGE;
        r->body_len = sizeof(XDPD_GUI_PAGE) - 1;
        return;
    }
    if (strcmp(path, "/api/state") != 0) {
        r->status = 404;
        return;
    }
    int n = render_state(s->ctx, s->mr, s->rr, r->body_buf, r->body_cap);
    if (n < 0) {
        r->status = 500;
        return;
    }
    r->content_type = "application/json";
    r->body_len = (size_t)n;
}

int xdpd_gui_server(struct http_server **out, xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd,
                    int log_fd)
{
    return http_server_create(out, "gui", XDPD_ROLE_GUI, listen_fd, log_fd, mr, rr, GUI_BUF, sizeof(struct gui_ctx),
                              gui_route, gui_tick);
}
