/* policy_filters.c - the seccomp filters of the roles that run, compiled in from native/generated/
 * (made by scripts/generate-policies from the role policies in xdpdump/sandbox/policies/; CI proves them
 * current). What a role installs is exactly what its generated header builds, with the descriptors
 * it owns filled in: net, archive, metrics and gui here for role.c, the supervisor's for Python (which installs it
 * in the supervisor after forking the roles).
 */
#define _GNU_SOURCE
#include <string.h>

#include "internal.h"
#include "generated/net_seccomp.h"
#include "generated/net_mirror_seccomp.h"
#include "generated/archive_seccomp.h"
#include "generated/supervisor_seccomp.h"
#include "generated/metrics_seccomp.h"
#include "generated/gui_seccomp.h"

/* A generated populate_*() returns the instruction count, 0 when out is too small. */
static int bytes_or_fail(const char *role, unsigned long cnt)
{
    if (cnt == 0)
        return xdpd_fail_internal(XDPD_STEP_SECCOMP, ENOSPC, "populate_sock_filter_policy_%s(out_cnt=%d)", role,
                                  XDPD_FILTER_MAX);
    return (int)(cnt * sizeof(struct sock_filter));
}

int xdpd_net_filter(void *out, unsigned int logfile_fd, unsigned int xsk_fd_first, unsigned int xsk_fd_last)
{
    return bytes_or_fail("net", populate_sock_filter_policy_net(XDPD_FILTER_MAX, out, logfile_fd, xsk_fd_first,
                                                                xsk_fd_last));
}

int xdpd_net_mirror_filter(void *out, unsigned int logfile_fd, unsigned int ring_fd_first, unsigned int ring_fd_last)
{
    return bytes_or_fail("net_mirror", populate_sock_filter_policy_net_mirror(XDPD_FILTER_MAX, out, logfile_fd,
                                                                              ring_fd_first, ring_fd_last));
}

int xdpd_archive_filter(void *out, unsigned int logfile_fd, unsigned int archive_fd, unsigned int dir_fd,
                        unsigned int notify_fd)
{
    return bytes_or_fail("archive", populate_sock_filter_policy_archive(XDPD_FILTER_MAX, out, logfile_fd, archive_fd,
                                                                        dir_fd, notify_fd));
}

int xdpd_metrics_filter(void *out, unsigned int logfile_fd, unsigned int listen_fd)
{
    return bytes_or_fail("metrics", populate_sock_filter_policy_metrics(XDPD_FILTER_MAX, out, logfile_fd, listen_fd));
}

int xdpd_gui_filter(void *out, unsigned int logfile_fd, unsigned int listen_fd)
{
    return bytes_or_fail("gui", populate_sock_filter_policy_gui(XDPD_FILTER_MAX, out, logfile_fd, listen_fd));
}

int xdpd_supervisor_filter(uint8_t *out, size_t out_len, unsigned int logfile_fd, unsigned int linkwatch_fd,
                           const unsigned int role_pids[4], unsigned int endnl_fd)
{
    struct sock_filter filter[XDPD_FILTER_MAX];
    int len = bytes_or_fail("supervisor", populate_sock_filter_policy_supervisor(XDPD_FILTER_MAX, filter, logfile_fd,
                                                                                 linkwatch_fd, role_pids[0],
                                                                                 role_pids[1], role_pids[2],
                                                                                 role_pids[3], endnl_fd));
    if (len < 0)
        return len;
    if ((size_t)len > out_len)
        return xdpd_fail_internal(XDPD_STEP_SECCOMP, ENOSPC, "supervisor filter of %d bytes into %zu", len, out_len);
    memcpy(out, filter, (size_t)len);
    return len;
}
