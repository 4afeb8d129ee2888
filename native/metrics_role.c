/* metrics_role.c - the metrics role's body: GET /metrics in the Prometheus text exposition format
 * (version 0.0.4), rendered from shared memory on each request: the record ring (captured frames and
 * bytes per socket, its XDP_STATISTICS drops, occupancy, ring-full events, the archive writer's
 * progress in its consumer slot) and the metrics region (the XDP programs' counters, frames printed,
 * roles up, the tap's counters, build info). Everything else is 404; other methods 405 (http.c).
 *
 * Names follow Prometheus' rules: one xdpdump_ prefix, base units (bytes), _total on counters,
 * dimensions as labels (interface, queue, direction, reason, role). A family is written only when it
 * has samples for this capture (the writer's with -w, the printer's without, the tap's with --forward).
 */
#define _GNU_SOURCE
#include <string.h>

#include "http.h"
#include "internal.h"

#define METRICS_BUF (256 * 1024)    /* 64 sockets x 8 series fit several times over */

static void family(struct textbuf *t, const char *name, const char *type, const char *help)
{
    tb_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value as the exposition format wants it: backslash, double quote and newline escaped. */
static void label_value(struct textbuf *t, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            tb_put(t, "\\", 1);
        if (*v == '\n')
            tb_put(t, "\\n", 2);
        else
            tb_put(t, v, 1);
    }
}

static void sample_if(struct textbuf *t, const char *name, const char *ifname, int queue, const char *k3,
                      const char *v3, uint64_t value)
{
    tb_printf(t, "%s{interface=\"", name);
    label_value(t, ifname);
    tb_put(t, "\"", 1);
    if (queue >= 0)
        tb_printf(t, ",queue=\"%d\"", queue);
    if (k3)
        tb_printf(t, ",%s=\"%s\"", k3, v3);
    tb_printf(t, "} %llu\n", (unsigned long long)value);
}

static const char *ifname_of(const struct xdpd_mr_info *info, uint32_t slot)
{
    return slot < info->nifs ? info->ifnames[slot] : "?";
}

static uint32_t read_sockets(const struct xdpd_record_ring *rr, struct xdpd_socket_counters *out)
{
    uint32_t n = __atomic_load_n(&rr->nsockets, __ATOMIC_ACQUIRE), k = 0;
    if (n > XDPD_MAX_SOCKETS)
        n = XDPD_MAX_SOCKETS;
    for (uint32_t i = 0; i < n; i++) {
        if (!rr->sockets[i].used)
            continue;
        out[k] = rr->sockets[i];   /* u64 counters, each written whole by the net role */
        k++;
    }
    return k;
}

static const char *const DROP_REASONS[] = {"rx_dropped", "rx_invalid_descs", "tx_invalid_descs", "rx_ring_full",
                                           "rx_fill_ring_empty_descs", "tx_ring_empty_descs"};

static void drop_values(const struct xdpd_xsk_stats *x, uint64_t v[6])
{
    v[0] = x->rx_dropped;
    v[1] = x->rx_invalid_descs;
    v[2] = x->tx_invalid_descs;
    v[3] = x->rx_ring_full;
    v[4] = x->rx_fill_ring_empty_descs;
    v[5] = x->tx_ring_empty_descs;
}

static struct xdpd_mr_state last_state;   /* the previous consistent copy, should a read keep losing */

int xdpd_metrics_render(xdpd_metrics_region *mr, xdpd_record_ring *rr, char *out, size_t cap)
{
    struct textbuf t = {.p = out, .cap = cap};
    const struct xdpd_mr_info *info = &mr->info;
    struct xdpd_mr_state st;
    if (xdpd_mr_read_state(mr, &st) == 0)
        last_state = st;
    else
        st = last_state;
    static struct xdpd_socket_counters socks[XDPD_MAX_SOCKETS];
    uint32_t ns = read_sockets(rr, socks);

    family(&t, "xdpdump_build_info", "gauge", "Always 1; the labels say what runs: version, kernel, producer "
                                              "(capture or tap), XDP and AF_XDP modes.");
    tb_printf(&t, "xdpdump_build_info{version=\"");
    label_value(&t, info->version);
    tb_printf(&t, "\",kernel=\"");
    label_value(&t, info->kernel);
    tb_printf(&t, "\",producer=\"%s\",xdp_mode=\"%s\",af_xdp_mode=\"%s\"} 1\n", info->producer, info->xdp_mode,
              info->af_xdp_mode);

    family(&t, "xdpdump_up", "gauge", "1 while the role runs, 0 once it has ended.");
    for (int r = 0; r < XDPD_ROLE_COUNT; r++) {
        if (!(info->roles & (1u << r)))
            continue;
        int up = r == XDPD_ROLE_METRICS ? 1 : !!(st.roles_up & (1u << r));
        tb_printf(&t, "xdpdump_up{role=\"%s\"} %d\n", xdpd_role_names[r], up);
    }

    family(&t, "xdpdump_captured_frames_total", "counter", "Frames captured (recorded), per socket.");
    for (uint32_t i = 0; i < ns; i++)
        sample_if(&t, "xdpdump_captured_frames_total", ifname_of(info, socks[i].ifslot), socks[i].queue, "direction",
                  "rx", socks[i].captured);
    family(&t, "xdpdump_captured_bytes_total", "counter", "Bytes captured (as recorded, up to the snap length), "
                                                          "per socket.");
    for (uint32_t i = 0; i < ns; i++)
        sample_if(&t, "xdpdump_captured_bytes_total", ifname_of(info, socks[i].ifslot), socks[i].queue, "direction",
                  "rx", socks[i].bytes);

    family(&t, "xdpdump_kernel_drops_total", "counter",
           "The kernel's XDP_STATISTICS per AF_XDP socket, one reason per field (rx_fill_ring_empty_descs and "
           "tx_ring_empty_descs count events, the others frames).");
    for (uint32_t i = 0; i < ns; i++) {
        uint64_t v[6];
        drop_values(&socks[i].xdp, v);
        for (int k = 0; k < 6; k++)
            sample_if(&t, "xdpdump_kernel_drops_total", ifname_of(info, socks[i].ifslot), socks[i].queue, "reason",
                      DROP_REASONS[k], v[k]);
    }
    if (info->out_ifname[0]) {
        uint64_t v[6];
        drop_values(&st.tap_out_xdp, v);
        for (int k = 0; k < 6; k++)
            sample_if(&t, "xdpdump_kernel_drops_total", info->out_ifname, (int)info->out_queue, "reason",
                      DROP_REASONS[k], v[k]);
        family(&t, "xdpdump_transmitted_frames_total", "counter", "Frames the inline tap sent out (completed).");
        sample_if(&t, "xdpdump_transmitted_frames_total", info->out_ifname, (int)info->out_queue, "direction", "tx",
                  st.tap_forwarded);
        family(&t, "xdpdump_transmit_in_flight_frames", "gauge", "Frames on the tap's TX path, not yet completed.");
        sample_if(&t, "xdpdump_transmit_in_flight_frames", info->out_ifname, (int)info->out_queue, NULL, NULL,
                  st.tap_in_flight);
    }

    static const char *const FILTER[5][2] = {
        {"xdpdump_filter_seen_frames_total", "Frames the capture's XDP program saw."},
        {"xdpdump_filter_matched_frames_total", "Frames the filter expression matched."},
        {"xdpdump_filter_redirected_frames_total", "Matched frames redirected into an AF_XDP socket."},
        {"xdpdump_filter_passed_frames_total", "Frames left to the stack (not matched, or no socket on their queue)."},
        {"xdpdump_congested_passed_frames_total", "Matched frames passed to the stack instead of captured, while "
                                                  "the capture was congested (its readers behind)."},
    };
    for (int k = 0; k < 5; k++) {
        family(&t, FILTER[k][0], "counter", FILTER[k][1]);
        for (uint32_t i = 0; i < info->nifs; i++) {
            const struct xdpd_mr_filter *f = &st.filters[i];
            uint64_t v = k == 0 ? f->seen : k == 1 ? f->matched : k == 2 ? f->redirected : k == 3 ? f->passed
                                                                                          : f->congested;
            sample_if(&t, FILTER[k][0], info->ifnames[i], -1, NULL, NULL, v);
        }
    }

    family(&t, "xdpdump_record_ring_size_bytes", "gauge", "Size of the record ring between the capture and its "
                                                          "readers (-B).");
    tb_printf(&t, "xdpdump_record_ring_size_bytes %llu\n", (unsigned long long)rr->data_size);
    family(&t, "xdpdump_record_ring_used_bytes", "gauge", "Bytes of records the slowest reader has not consumed.");
    tb_printf(&t, "xdpdump_record_ring_used_bytes %llu\n", (unsigned long long)xdpd_rr_used_bytes(rr));
    family(&t, "xdpdump_record_ring_full_total", "counter",
           "Times the capture found the record ring full and left frames in the kernel's RX rings (the kernel "
           "counts those it then drops, by reason).");
    tb_printf(&t, "xdpdump_record_ring_full_total %llu\n",
              (unsigned long long)__atomic_load_n(&rr->ring_full, __ATOMIC_RELAXED));

    if (info->writer_slot >= 0 && info->writer_slot < XDPD_MAX_CONSUMERS) {
        const struct xdpd_rr_consumer *c = &rr->cons[info->writer_slot];
        uint64_t prod = __atomic_load_n(&rr->prod, __ATOMIC_ACQUIRE);
        uint64_t pos = __atomic_load_n(&c->pos, __ATOMIC_ACQUIRE);
        family(&t, "xdpdump_written_records_total", "counter", "Records the archive role wrote (-w).");
        tb_printf(&t, "xdpdump_written_records_total %llu\n",
                  (unsigned long long)__atomic_load_n(&c->records, __ATOMIC_RELAXED));
        family(&t, "xdpdump_written_bytes_total", "counter", "Bytes the archive role wrote to the capture file.");
        tb_printf(&t, "xdpdump_written_bytes_total %llu\n",
                  (unsigned long long)__atomic_load_n(&c->written, __ATOMIC_RELAXED));
        family(&t, "xdpdump_writer_lag_bytes", "gauge", "Bytes of records captured but not yet written.");
        tb_printf(&t, "xdpdump_writer_lag_bytes %llu\n", (unsigned long long)(prod >= pos ? prod - pos : 0));
    }
    if (info->printing) {
        family(&t, "xdpdump_printed_frames_total", "counter", "Frames the supervisor printed.");
        tb_printf(&t, "xdpdump_printed_frames_total %llu\n", (unsigned long long)st.printed);
        family(&t, "xdpdump_printer_dropped_frames_total", "counter",
               "Frames read for printing but not printed (the reader of stdout went away).");
        tb_printf(&t, "xdpdump_printer_dropped_frames_total %llu\n", (unsigned long long)st.printer_dropped);
    }

    family(&t, "xdpdump_http_connections_total", "counter", "Connections the listener roles accepted.");
    for (int r = XDPD_ROLE_METRICS; r <= XDPD_ROLE_GUI; r++) {
        if (!(info->roles & (1u << r)))
            continue;
        struct xdpd_http_counters h;
        xdpd_mr_http_counters(mr, r, &h);
        tb_printf(&t, "xdpdump_http_connections_total{role=\"%s\"} %llu\n", xdpd_role_names[r],
                  (unsigned long long)h.accepted);
    }
    family(&t, "xdpdump_http_shed_connections_total", "counter",
           "Connections a listener role closed before answering: at the connection cap, at the per-connection "
           "deadline, or with a request head too large.");
    for (int r = XDPD_ROLE_METRICS; r <= XDPD_ROLE_GUI; r++) {
        if (!(info->roles & (1u << r)))
            continue;
        struct xdpd_http_counters h;
        xdpd_mr_http_counters(mr, r, &h);
        const char *reasons[3] = {"cap", "deadline", "too_large"};
        uint64_t values[3] = {h.shed_cap, h.shed_deadline, h.too_large};
        for (int k = 0; k < 3; k++)
            tb_printf(&t, "xdpdump_http_shed_connections_total{role=\"%s\",reason=\"%s\"} %llu\n", xdpd_role_names[r],
                      reasons[k], (unsigned long long)values[k]);
    }
    return t.overflow ? xdpd_fail(XDPD_STEP_ARGUMENT, ENOSPC, "metrics body over %zu bytes", cap) : (int)t.len;
}

static void metrics_route(struct http_server *s, const char *path, struct http_response *r)
{
    if (strcmp(path, "/metrics") != 0) {
        r->status = 404;
        return;
    }
    int n = xdpd_metrics_render(s->mr, s->rr, r->body_buf, r->body_cap);
    if (n < 0) {
        r->status = 500;
        return;
    }
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    r->body_len = (size_t)n;
}

int xdpd_metrics_server(struct http_server **out, xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd,
                        int log_fd)
{
    return http_server_create(out, "metrics", XDPD_ROLE_METRICS, listen_fd, log_fd, mr, rr, METRICS_BUF, 0,
                              metrics_route, NULL);
}
