/* role.c - the entries of the sandboxed roles: install the seccomp filter, log, run the role's loop,
 * exit. The loops themselves are net_loop.c (xdpd_net_run), pcap_writer.c (xdpd_archive_run) and, for
 * the listener roles (metrics, gui), http.c (http_serve) over metrics_role.c's and gui_role.c's bodies.
 *
 * Everything after the filter is installed happens in C, so the only system calls a role makes are
 * the ones its loop makes: the policies (xdpdump/sandbox/policies/) can be as tight as DESIGN.md's
 * table. The filter installed is the one compiled in from native/generated/ (policy_filters.c),
 * filled in with the descriptors the role owns. Python forks, confines (fds, rlimits, capabilities)
 * and calls in; it never runs again in the child, and the child leaves with exit_group, never
 * through Python's exit path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "producer.h"
#include "record_ring.h"

/* One write per line and destination, so lines of concurrent roles never interleave; the log file
 * is fsync'ed because every line written here is a warning or worse. With_call adds the failing
 * call as xdpd_last_error() rebuilt it. */
static void role_log(int log_fd, const char *role, const char *what, int err, int with_call)
{
    char line[384];
    struct xdpd_error e;
    xdpd_last_error(&e);
    int n = with_call && e.err == err
                ? snprintf(line, sizeof(line), "xdpdump: %s role: %s: %s: %s\n", role, what, e.call, strerror(err))
                : snprintf(line, sizeof(line), "xdpdump: %s role: %s: %s\n", role, what, strerror(err));
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line)) {   /* truncated: snprintf left a NUL where the newline was */
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    if (write(2, line, (size_t)n) < 0) {
        /* nothing else to tell */
    }
    if (log_fd >= 0 && log_fd != 2) {
        if (write(log_fd, line, (size_t)n) >= 0)
            fsync(log_fd);
    }
}

/* When the supervisor dies (SIGKILL included) nothing a role holds may be lost: the net role stops
 * capturing (the programs are gone with the supervisor's links anyway), drains what the kernel had
 * delivered, publishes it and says producer_done; the archive role writes every record published,
 * fsyncs and exits. So a role's parent-death signal is not SIGKILL but ORPHAN_SIGNAL, whose handler
 * only raises a flag: the stop flag in the shared ring for the net role, `orphaned` for the archive
 * role (which then stops waiting for a producer that died too after ORPHAN_WAIT_MS, pcap_writer.c).
 * The handler is installed before the parent-death signal is switched from the SIGKILL that
 * confine.py set to it, so the role is covered at every moment; and both happen before the filter
 * (the policies allow only rt_sigreturn, the handler's return). */
#define ORPHAN_SIGNAL SIGUSR1

static struct xdpd_record_ring *orphan_stop_rr;   /* net role: the ring whose stop flag it raises */
static volatile sig_atomic_t orphaned;

static void on_supervisor_death(int sig)
{
    (void)sig;
    orphaned = 1;
    if (orphan_stop_rr)
        __atomic_store_n(&orphan_stop_rr->stop, 1, __ATOMIC_RELEASE);
}

int xdpd_orphaned(void)
{
    return orphaned;
}

static void finish_on_supervisor_death(const char *role, struct xdpd_record_ring *stop_rr, int log_fd)
{
    orphan_stop_rr = stop_rr;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_supervisor_death;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a nap in ppoll ends at once and the loop sees the flag. */
    if (sigaction(ORPHAN_SIGNAL, &sa, NULL) != 0 || prctl(PR_SET_PDEATHSIG, ORPHAN_SIGNAL, 0, 0, 0) != 0) {
        /* Still covered by confine.py's SIGKILL: the role would die with the supervisor, as before. */
        role_log(log_fd, role, "cannot arrange to finish when the supervisor dies", errno, 0);
    }
}

int xdpd_sandbox_enter(const void *filter, size_t len)
{
    if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > 0xffff)
        return -EINVAL;
    struct sock_fprog prog = {
        .len = (unsigned short)(len / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)filter,
    };
    /* no_new_privs first: the kernel refuses an unprivileged filter without it, and it is what makes
     * the filter (and dropped capabilities) impossible to shed through execve of a setuid binary. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -errno;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        return -errno;
    return 0;
}

/* The self-test: a call no role policy allows. The kernel must kill the role with SIGSYS here. */
static void attempt_forbidden_syscall(void)
{
    syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
}

/* Install the role's filter: 0, or exit 3 after saying why. */
static void enter_sandbox(const char *role, const void *filter, int len, int log_fd)
{
    int err = len < 0 ? len : xdpd_sandbox_enter(filter, (size_t)len);
    if (err) {
        role_log(log_fd, role, "cannot install the seccomp filter", -err, 0);
        _exit(3);
    }
}

void xdpd_net_role(xdpd_producer *p, int log_fd, int sandboxed, int selftest, int stats_interval_ms)
{
    finish_on_supervisor_death("net", p->rr, log_fd);
    if (sandboxed) {
        struct sock_filter filter[XDPD_FILTER_MAX];
        int first, last;
        p->ops->fd_range(p->self, &first, &last);
        int (*filter_of)(void *, unsigned int, unsigned int, unsigned int) = p->ops->filter ? p->ops->filter
                                                                                            : xdpd_net_filter;
        int len = first < 0 ? -EINVAL : filter_of(filter, (unsigned)log_fd, (unsigned)first, (unsigned)last);
        enter_sandbox("net", filter, len, log_fd);
    }
    if (selftest)
        attempt_forbidden_syscall();
    int err = xdpd_net_run(p, stats_interval_ms);
    if (err) {
        role_log(log_fd, "net", "capture loop failed", -err, 1);
        xdpd_rr_set_producer_done(p->rr);
        _exit(1);
    }
    _exit(0);
}

/* The archive role drops the net role's UMEMs and rings (net_maps.c); a capture by reference keeps
 * the UMEMs read-only, where the writer reads frames. By this process's geometry, not the header's. */
static int umem_read_only(const struct xdpd_record_ring *rr)
{
    const struct xdpd_rr_geom *g = xdpd_rr_geom(rr);
    return xdpd_net_maps_drop(g && g->by_ref);
}

void xdpd_archive_role(xdpd_writer *w, int log_fd, int sandboxed, int selftest)
{
    finish_on_supervisor_death("archive", NULL, log_fd);
    int ro = umem_read_only(xdpd_writer_ring(w));
    if (ro) {
        role_log(log_fd, "archive", "cannot map the UMEM read-only", -ro, 0);
        _exit(1);
    }
    if (sandboxed) {
        /* A writer that creates its files (rotation) may do so only in its directory: Landlock where
         * the kernel has it (the supervisor's -v banner says when not), then the seccomp filter. A
         * descriptor number that is -1 (no rotation, no -z) matches no call's argument. */
        int dir_fd = xdpd_writer_dir_fd(w);
        if (dir_fd >= 0) {
            int abi = xdpd_landlock_confine_to(dir_fd);
            if (abi < 0 && abi != -ENOSYS && abi != -EOPNOTSUPP) {
                role_log(log_fd, "archive", "cannot confine its files to the output directory", -abi, 1);
                _exit(3);
            }
        }
        struct sock_filter filter[XDPD_FILTER_MAX];
        int len = xdpd_archive_filter(filter, (unsigned)log_fd, (unsigned)xdpd_writer_fd(w), (unsigned)dir_fd,
                                      (unsigned)xdpd_writer_notify_fd(w));
        enter_sandbox("archive", filter, len, log_fd);
    }
    if (selftest)
        attempt_forbidden_syscall();
    int err = xdpd_archive_run(w);
    if (err) {
        role_log(log_fd, "archive", "writing the capture file failed", -err, 1);
        _exit(1);
    }
    _exit(0);
}

/* The listener roles: the server and every connection's buffer are mapped first, then the filter;
 * nothing is allocated after it. */
typedef int (*listener_server_fn)(struct http_server **out, xdpd_metrics_region *mr, xdpd_record_ring *rr,
                                  int listen_fd, int log_fd);
typedef int (*listener_filter_fn)(void *out, unsigned int logfile_fd, unsigned int listen_fd);

static void listener_role(const char *role, listener_server_fn make, listener_filter_fn filter_of,
                          xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd, int log_fd, int sandboxed,
                          int selftest)
{
    struct http_server *s = NULL;
    int err = make(&s, mr, rr, listen_fd, log_fd);
    if (err) {
        role_log(log_fd, role, "cannot map its connections", -err, 1);
        _exit(1);
    }
    if (sandboxed) {
        struct sock_filter filter[XDPD_FILTER_MAX];
        int len = filter_of(filter, (unsigned)log_fd, (unsigned)listen_fd);
        enter_sandbox(role, filter, len, log_fd);
    }
    if (selftest)
        attempt_forbidden_syscall();
    err = http_serve(s);
    if (err) {
        role_log(log_fd, role, "serving failed", -err, 1);
        _exit(1);
    }
    _exit(0);
}

void xdpd_metrics_role(xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd, int log_fd, int sandboxed,
                       int selftest)
{
    listener_role("metrics", xdpd_metrics_server, xdpd_metrics_filter, mr, rr, listen_fd, log_fd, sandboxed,
                  selftest);
}

void xdpd_gui_role(xdpd_metrics_region *mr, xdpd_record_ring *rr, int listen_fd, int log_fd, int sandboxed,
                   int selftest)
{
    listener_role("gui", xdpd_gui_server, xdpd_gui_filter, mr, rr, listen_fd, log_fd, sandboxed, selftest);
}
