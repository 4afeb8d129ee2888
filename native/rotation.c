/* rotation.c - the archive's files under -C, -G, -W (and --rename-at-close): names, when to move on,
 * and opening and closing each file through the output directory's descriptor.
 *
 * The rules are tcpdump 4.99's (print-less copy of its dump_packet_and_trunc and MakeFilename):
 * - before each record, -G first: when the wall clock (time(), not the record's timestamp) is -G
 *   seconds or more past the start of the current file, the file is closed; with -W and no -C the
 *   capture ends once -W files were closed ("Maximum file limit reached: W"); the next name is the
 *   -w template through strftime of the new time, and -C's counter starts again at 0;
 * - then -C: when the file (header and records, buffered or written) is larger than -C bytes, the file
 *   is closed and the next is named with the counter appended (zero-padded to the digits of W-1 with
 *   -W, which wraps the counter to 0 at W: a ring that overwrites the oldest);
 * - the first file has no number unless -C and -W are both given (then it is 0, padded).
 *
 * Files are created only as openat(dir_fd, NAME, ROT_OPEN_FLAGS, 0600): dir_fd is the -w directory,
 * opened by the supervisor at set-up; NAME is a single path component (no '/', never "." or "..");
 * the flags are fixed (the archive policy allows exactly these, O_NOFOLLOW included, so no symlink
 * planted in the directory leads elsewhere). The new file is moved onto the writer's descriptor number
 * with dup3, so the policy's `write` rule names one descriptor for the whole capture.
 *
 * A closed file is fsynced, then (with --rename-at-close) renamed from its partial name to its final
 * one, then its final name is written as one line to notify_fd (the -z helper's pipe): whatever a name
 * names once the line is sent is a complete, durable capture file.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int xdpd_rot_init(struct xdpd_rotation *r, const struct xdpd_rotation_spec *s)
{
    memset(r, 0, sizeof(*r));
    size_t n = s->name_template ? strlen(s->name_template) : 0;
    if (n == 0 || n >= sizeof(r->tmpl) || strchr(s->name_template, '/'))
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "file name template of %zu bytes (one path component)", n);
    if (s->size_limit < 0 || s->interval_s < 0 || s->max_files < 0)
        return xdpd_fail_internal(XDPD_STEP_ARGUMENT, EINVAL, "rotation -C %lld -G %d -W %d",
                                  (long long)s->size_limit, s->interval_s, s->max_files);
    memcpy(r->tmpl, s->name_template, n + 1);
    r->dirfd = s->dir_fd;
    r->notify_fd = s->notify_fd;
    r->size_limit = s->size_limit;
    r->interval_s = s->interval_s;
    r->max_files = s->max_files;
    r->rename_at_close = s->rename_at_close;
    /* tcpdump's getWflagChars: the digits of W-1 (W=10 -> 1, W=11 -> 2, W=1 -> 0). */
    for (int x = s->max_files - 1; x > 0; x /= 10)
        r->wchars++;
    /* The zone is read now, while the role can still open /etc/localtime. Without TZ, glibc looks at
     * /etc/localtime again in every tzset (strftime's %s calls mktime, which calls it): TZ pinned to
     * the same file makes it a no-op (the supervisor pins it the same way for its own sandbox). */
    setenv("TZ", ":/etc/localtime", 0);
    tzset();
    r->gtime = (int64_t)(xdpd_realtime_ns() / 1000000000ull);
    return xdpd_rot_name(r, 0, r->size_limit ? r->wchars : 0);
}

/* MakeFilename: the template (through strftime of the current -G window's start with -G), then cnt
 * zero-padded to width when either is non-zero. */
int xdpd_rot_name(struct xdpd_rotation *r, int cnt, int width)
{
    char base[sizeof(r->tmpl) + 64];
    if (r->interval_s) {
        time_t t = (time_t)r->gtime;
        struct tm tm;
        if (!localtime_r(&t, &tm) || strftime(base, sizeof(base), r->tmpl, &tm) == 0)
            return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "strftime(\"%s\") of the -w name", r->tmpl);
    } else {
        memcpy(base, r->tmpl, strlen(r->tmpl) + 1);
    }
    int len = (cnt == 0 && width == 0) ? snprintf(r->name, sizeof(r->name), "%s", base)
                                       : snprintf(r->name, sizeof(r->name), "%s%0*d", base, width, cnt);
    if (len <= 0 || (size_t)len >= sizeof(r->name))
        return xdpd_fail(XDPD_STEP_ARGUMENT, ENAMETOOLONG, "too many output files or filename is too long (%s)", base);
    if (strchr(r->name, '/') || !strcmp(r->name, ".") || !strcmp(r->name, ".."))
        return xdpd_fail(XDPD_STEP_ARGUMENT, EINVAL, "file name \"%s\" is not one path component", r->name);
    if (r->rename_at_close)
        snprintf(r->open_name, sizeof(r->open_name), ".%s.partial", r->name);
    else
        memcpy(r->open_name, r->name, strlen(r->name) + 1);
    return 0;
}

int xdpd_rot_open(struct xdpd_rotation *r, int onto_fd)
{
    /* The raw call, so the flags the kernel (and the seccomp filter) sees are exactly these. */
    int fd = (int)syscall(SYS_openat, r->dirfd, r->open_name, XDPD_ROT_OPEN_FLAGS, 0600);
    if (fd < 0)
        return xdpd_fail(XDPD_STEP_WRITE, errno, "openat(dir_fd=%d, \"%s\")", r->dirfd, r->open_name);
    if (onto_fd < 0 || onto_fd == fd)
        return fd;
    if (dup3(fd, onto_fd, O_CLOEXEC) < 0) {
        int err = errno;
        close(fd);
        return xdpd_fail(XDPD_STEP_WRITE, err, "dup3(%d, %d) of \"%s\"", fd, onto_fd, r->open_name);
    }
    close(fd);
    return onto_fd;
}

int xdpd_rot_close(struct xdpd_rotation *r, int fd)
{
    if (fsync(fd) != 0)
        return xdpd_fail(XDPD_STEP_WRITE, errno, "fsync(fd=%d) of \"%s\"", fd, r->open_name);
    if (r->rename_at_close &&
        syscall(SYS_renameat2, r->dirfd, r->open_name, r->dirfd, r->name, 0) != 0)
        return xdpd_fail(XDPD_STEP_WRITE, errno, "renameat2(\"%s\", \"%s\")", r->open_name, r->name);
    r->closed++;
    if (r->notify_fd >= 0) {
        char line[sizeof(r->name) + 1];
        size_t n = strlen(r->name);
        memcpy(line, r->name, n);
        line[n] = '\n';
        /* One write of at most PIPE_BUF bytes is atomic; a helper that is gone costs only the line. */
        if (write(r->notify_fd, line, n + 1) < 0) {
            /* -z's helper is not part of the capture */
        }
    }
    return 0;
}

int xdpd_rot_due(struct xdpd_rotation *r, uint64_t size, int64_t now)
{
    if (r->interval_s) {
        if (now - r->gtime >= r->interval_s) {
            r->gtime = now;
            r->gcount++;
            if (!r->size_limit && r->max_files > 0 && r->gcount >= r->max_files)
                return XDPD_ROT_LIMIT;
            r->ccount = 0;
            return XDPD_ROT_NEXT;
        }
    }
    if (r->size_limit && size > (uint64_t)r->size_limit) {
        r->ccount++;
        if (r->max_files > 0 && r->ccount >= r->max_files)
            r->ccount = 0;
        return XDPD_ROT_NEXT;
    }
    return XDPD_ROT_NONE;
}

int xdpd_rot_next_name(struct xdpd_rotation *r)
{
    return xdpd_rot_name(r, r->ccount, r->size_limit ? r->wchars : 0);
}
