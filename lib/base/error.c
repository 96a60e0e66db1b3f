/* Error codes, their static text, the messages kept on handles, and the
 * per-thread message of calls without one. */
#include "base.h"

#include <stdio.h>
#include <string.h>

const char *hsec_strerror(int code)
{
    switch (code) {
    case HSEC_OK: return "no error";
    case HSEC_EINVAL: return "invalid argument or value";
    case HSEC_ENOMEM: return "out of memory";
    case HSEC_ENOTFOUND: return "no such name";
    case HSEC_EEXIST: return "duplicate id or link";
    case HSEC_ENOCONV: return "the linear model cannot converge";
    case HSEC_EIO: return "input or output failed";
    case HSEC_EFORMAT: return "malformed document";
    case HSEC_ESTATE: return "call does not fit the object's state";
    case HSEC_ECANCELED: return "canceled";
    case HSEC_ELIMIT: return "a limit would be exceeded";
    default: return "unknown error";
    }
}

void hx_vsetmsg(char *buf, const char *fmt, va_list ap)
{
    vsnprintf(buf, HSEC_ERRMSG_MAX, fmt, ap);
}

void hx_setmsg(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hx_vsetmsg(buf, fmt, ap);
    va_end(ap);
}

/* C11 threads' storage class; every compiler the library builds with has it. */
static _Thread_local char last[HSEC_ERRMSG_MAX];

const char *hsec_last_errmsg(void)
{
    return last;
}

int hsec_last_errmsg_set(int code, const char *message)
{
    hx_copymsg(last, sizeof last, message ? message : "");
    return code;
}

int hx_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hx_vsetmsg(last, fmt, ap);
    va_end(ap);
    return code;
}

int hx_fail_on(char *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hx_vsetmsg(last, fmt, ap);
    va_end(ap);
    if (err)
        hx_copymsg(err, HSEC_ERRMSG_MAX, last);
    return code;
}

bool hx_index_ok(const void *out, const void *handle, const char *kind, const char *what,
                 size_t i, size_t n)
{
    if (!out)
        hx_fail(HSEC_EINVAL, "%s: out is NULL", what);
    else if (!handle)
        hx_fail(HSEC_EINVAL, "%s: the %s is NULL", what, kind);
    else if (i >= n)
        hx_fail(HSEC_EINVAL, "%s %zu is out of range (%zu)", what, i, n);
    return out && handle && i < n;
}

void hx_copymsg(char *buf, size_t size, const char *msg)
{
    if (!buf || !size)
        return;
    size_t len = strlen(msg);
    if (len >= size)
        len = size - 1;
    memcpy(buf, msg, len);
    buf[len] = '\0';
}

int hsec_version_number(void)
{
    return HSEC_VERSION_NUMBER;
}

const char *hsec_version_string(void)
{
    return HSEC_VERSION_STRING;
}
