/* Memory and messages of the document layer, through the public types. */
#include "doc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *hd_alloc(const hsec_allocator *a, size_t size) { return a->alloc(a->opaque, size + !size); }

void *hd_calloc(const hsec_allocator *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    void *p = hd_alloc(a, bytes);
    return p ? memset(p, 0, bytes + !bytes) : NULL;
}

void hd_release(const hsec_allocator *a, void *p)
{
    if (p)
        a->free(a->opaque, p);
}

char *hd_strdup(const hsec_allocator *a, const char *s)
{
    size_t n = strlen(s);
    char *d = hd_alloc(a, n + 1);
    return d ? memcpy(d, s, n + 1) : NULL;
}

int hd_reserve(const hsec_allocator *a, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return HSEC_OK;
    size_t want = *cap ? *cap : 8;
    while (want < need && want <= SIZE_MAX / 2)
        want *= 2;
    if (want < need || want > SIZE_MAX / elem)
        return HSEC_ENOMEM;
    void *p = *items ? a->realloc(a->opaque, *items, want * elem) : hd_alloc(a, want * elem);
    if (!p)
        return HSEC_ENOMEM;
    *items = p;
    *cap = want;
    return HSEC_OK;
}

/*
 * A message safe to print on a terminal, by the library's one rule
 * (lib/base/error.c): control characters and bytes that are not UTF-8 are
 * shown as \n, \t, \r or \xNN, a cut keeps every character and escape
 * whole, and escaping an escaped text changes nothing. This layer sees
 * include/ alone, so it reaches the rule through hsec_last_errmsg_set,
 * which keeps what it is given escaped, and puts the thread's message back
 * as it was (escaped already, so unchanged by the round trip). msg may be
 * as long as the formatters below make it (the library cuts it); buf holds
 * size bytes, at most HSEC_ERRMSG_MAX.
 */
static void escape_copy(char *buf, size_t size, const char *msg)
{
    char saved[HSEC_ERRMSG_MAX];
    snprintf(saved, sizeof saved, "%s", hsec_last_errmsg());
    hsec_last_errmsg_set(0, msg);
    const char *out = hsec_last_errmsg();
    size_t n = strlen(out);
    if (n >= size) { /* a smaller buffer: cut before a character's start */
        n = size - 1;
        while (n && ((unsigned char)out[n] & 0xc0) == 0x80)
            n--;
    }
    memmove(buf, out, n);
    buf[n] = '\0';
    hsec_last_errmsg_set(0, saved);
}

void hd_vsetmsg(char *buf, const char *fmt, va_list ap)
{
    /* twice the room: every byte takes at least one in the message, so the
     * format's own cut falls beyond what the message can hold */
    char raw[2 * HSEC_ERRMSG_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    escape_copy(buf, HSEC_ERRMSG_MAX, raw);
}

void hd_setmsg(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hd_vsetmsg(buf, fmt, ap);
    va_end(ap);
}

void hd_copymsg(char *buf, size_t size, const char *msg)
{
    if (buf && size)
        escape_copy(buf, size, msg);
}

int hd_fail(int code, const char *fmt, ...)
{
    char msg[HSEC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    hd_vsetmsg(msg, fmt, ap);
    va_end(ap);
    return hsec_last_errmsg_set(code, msg);
}

hsec_allocator hd_allocator_of(const hsec_scenario *s)
{
    hsec_allocator a;
    if (hsec_scenario_allocator(&a, s) != HSEC_OK)
        (void)hsec_default_allocator(&a); /* cannot fail: a place is given */
    return a;
}
