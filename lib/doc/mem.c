/* Memory and messages of the document layer, through the public types. */
#include "doc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *sys_alloc(void *opaque, size_t size) { return (void)opaque, malloc(size); }
static void *sys_realloc(void *opaque, void *p, size_t size)
{
    return (void)opaque, realloc(p, size);
}
static void sys_free(void *opaque, void *p) { (void)opaque, free(p); }

void hd_default_allocator(hsec_allocator *out)
{
    const hsec_allocator sys = {HSEC_ALLOCATOR_VERSION, sys_alloc, sys_realloc, sys_free, NULL};
    *out = sys;
}

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

/* Length of the UTF-8 sequence at s (n bytes left): 1 to 4 for a valid one,
 * 0 for a byte that starts none, -1 for a valid start that n cuts short. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], lo = 0x80, hi = 0xbf;
    int len;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) { /* not overlong, not a surrogate */
        len = 3;
        lo = c == 0xe0 ? 0xa0 : lo;
        hi = c == 0xed ? 0x9f : hi;
    } else if (c >= 0xf0 && c <= 0xf4) { /* not overlong, not above U+10FFFF */
        len = 4;
        lo = c == 0xf0 ? 0x90 : lo;
        hi = c == 0xf4 ? 0x8f : hi;
    } else {
        return 0;
    }
    for (int k = 1; k < len; k++) {
        if ((size_t)k >= n)
            return -1;
        if (s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xbf))
            return 0;
    }
    return len;
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * A message safe to print on a terminal (the rule of the library's own
 * messages in lib/base/error.c, copied: this layer sees include/ alone):
 * src (len bytes; cut: the end of a longer text) into buf (size bytes,
 * NUL-terminated), with control
 * characters (below 0x20, 0x7f, and U+0080..U+009F) and bytes that are not
 * UTF-8 shown as \n, \t, \r or \xNN, so that a document's ids, keys and
 * strings cannot move the cursor or retitle a window. Each unit (a
 * character, an escape, or one of those already in src) is kept whole or
 * left out with everything after it; so is a sequence cut short at the end
 * of a cut src. Escaping an escaped text changes nothing.
 */
static void escape(char *buf, size_t size, const char *src, size_t len, bool cut)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        char unit[8];
        size_t n = 0, used;
        unsigned c = s[i];
        int u = utf8_len(s + i, len - i);
        if (c == '\\' && i + 3 < len && s[i + 1] == 'x' && is_hex(s[i + 2]) &&
            is_hex(s[i + 3])) {
            memcpy(unit, s + i, 4); /* an escape already made: kept whole */
            n = used = 4;
        } else if (c == '\\' && i + 1 < len &&
                   (s[i + 1] == 'n' || s[i + 1] == 't' || s[i + 1] == 'r')) {
            memcpy(unit, s + i, 2);
            n = used = 2;
        } else if (c == '\\' && cut && len - i <= 3 &&
                   (len - i == 1 || (s[i + 1] == 'x' && (len - i == 2 || is_hex(s[i + 2]))))) {
            break; /* an escape that the cut split */
        } else if (c < 0x20 || c == 0x7f) {
            unit[n++] = '\\';
            if (c == '\n' || c == '\t' || c == '\r') {
                unit[n++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
            } else {
                unit[n++] = 'x';
                unit[n++] = hex[c >> 4];
                unit[n++] = hex[c & 15];
            }
            used = 1;
        } else if (u < 0 && cut) {
            break; /* a character that the cut split */
        } else if (u <= 0) { /* not UTF-8 */
            unit[n++] = '\\';
            unit[n++] = 'x';
            unit[n++] = hex[c >> 4];
            unit[n++] = hex[c & 15];
            used = 1;
        } else if (u == 2 && c == 0xc2 && s[i + 1] < 0xa0) { /* a C1 control */
            memcpy(unit, "\\xc2\\x", 6);
            unit[6] = hex[s[i + 1] >> 4];
            unit[7] = hex[s[i + 1] & 15];
            n = 8;
            used = 2;
        } else {
            memcpy(unit, s + i, (size_t)u);
            n = used = (size_t)u;
        }
        if (o + n >= size)
            break;
        memcpy(buf + o, unit, n);
        o += n;
        i += used;
    }
    buf[o] = '\0';
}

/* Escape msg into buf (size bytes) through a copy, so that buf may be msg. */
static void escape_copy(char *buf, size_t size, const char *msg)
{
    char raw[2 * HSEC_ERRMSG_MAX];
    size_t len = strlen(msg);
    bool cut = len >= sizeof raw;
    if (cut)
        len = sizeof raw - 1;
    memcpy(raw, msg, len);
    escape(buf, size, raw, len, cut);
}

void hd_vsetmsg(char *buf, const char *fmt, va_list ap)
{
    /* twice the room: every byte takes at least one in the message, so the
     * format's own cut falls beyond what the message can hold */
    char raw[2 * HSEC_ERRMSG_MAX];
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
    escape(buf, HSEC_ERRMSG_MAX, raw, len, n >= 0 && (size_t)n >= sizeof raw);
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
        hd_default_allocator(&a);
    return a;
}
