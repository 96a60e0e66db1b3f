/* Warnings: lists of (code, message) kept on scenarios and results. */
#include "base.h"

#include <string.h>

const char *hsec_warning_name(int code)
{
    switch (code) {
    case HSEC_WARN_NEVER_IN_FORCE: return "never_in_force";
    case HSEC_WARN_UNREACHABLE: return "unreachable";
    case HSEC_WARN_EMPTY_GROUP: return "empty_group";
    case HSEC_WARN_FLAT_SERIES: return "flat_series";
    default: return NULL;
    }
}

int hx_diag_add(const hsec_allocator *a, hx_diags *d, int code, const char *fmt, ...)
{
    char msg[HSEC_ERRMSG_MAX]; /* its ids' control characters escaped, as in messages */
    va_list ap;
    va_start(ap, fmt);
    hx_vsetmsg(msg, fmt, ap);
    va_end(ap);
    if (HX_RESERVE(a, d->items, d->cap, d->n + 1))
        return HSEC_ENOMEM;
    char *copy = hx_strdup(a, msg);
    if (!copy)
        return HSEC_ENOMEM;
    d->items[d->n].code = code;
    d->items[d->n].msg = copy;
    d->n++;
    return HSEC_OK;
}

void hx_diag_clear(const hsec_allocator *a, hx_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        hx_free(a, d->items[i].msg);
    d->n = 0;
}

void hx_diag_free(const hsec_allocator *a, hx_diags *d)
{
    hx_diag_clear(a, d);
    hx_free(a, d->items);
    d->items = NULL;
    d->cap = 0;
}

int hx_diag_get(hsec_warning *code, const char **message, const hx_diags *d, size_t i,
                const char *what)
{
    if (!code && !message)
        return hx_fail(HSEC_EINVAL, "%s: code and message are both NULL", what);
    if (i >= d->n)
        return hx_fail(HSEC_EINVAL, "%s: warning %zu of %zu", what, i, d->n);
    if (code)
        *code = (hsec_warning)d->items[i].code;
    if (message)
        *message = d->items[i].msg;
    return HSEC_OK;
}
