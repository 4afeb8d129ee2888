/* error.c - the last failure of this thread, as a code plus the failing call rebuilt.
 *
 * Every failing native call records (step, errno, internal, call) here and returns -errno; Python
 * reads it with xdpd_last_error() right after, maps (step, errno) to a hint in one table
 * (xdpdump/xsk/_native.py) and raises a user error, or an internal error when `internal` is set.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static __thread struct xdpd_error last;

static int record(int step, int err, int internal, const char *fmt, va_list ap)
{
    last.step = step;
    last.err = err;
    last.internal = internal;
    vsnprintf(last.call, sizeof(last.call), fmt, ap);
    return -err;
}

int xdpd_fail(int step, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = record(step, err, 0, fmt, ap);
    va_end(ap);
    return rc;
}

int xdpd_fail_internal(int step, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = record(step, err, 1, fmt, ap);
    va_end(ap);
    return rc;
}

void xdpd_last_error(struct xdpd_error *out)
{
    memcpy(out, &last, sizeof(*out));
}
