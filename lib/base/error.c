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

/* Length of the UTF-8 sequence at s (n bytes left): 1 to 4 for a valid one,
 * 0 for a byte that starts none, -1 for a valid start that n cuts short. */
int hx_utf8_len(const unsigned char *s, size_t n)
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
 * A message safe to print on a terminal: src (len bytes; cut: the end of a
 * longer text) into buf (size bytes, NUL-terminated), with control
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
        int u = hx_utf8_len(s + i, len - i);
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

void hx_vsetmsg(char *buf, const char *fmt, va_list ap)
{
    /* twice the room: every byte takes at least one in the message, so the
     * format's own cut falls beyond what the message can hold */
    char raw[2 * HSEC_ERRMSG_MAX];
    int n = vsnprintf(raw, sizeof raw, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof raw ? (size_t)n : sizeof raw - 1;
    escape(buf, HSEC_ERRMSG_MAX, raw, len, n >= 0 && (size_t)n >= sizeof raw);
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
    escape_copy(last, sizeof last, message ? message : "");
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
    if (buf && size)
        escape_copy(buf, size, msg);
}

int hsec_version_number(void)
{
    return HSEC_VERSION_NUMBER;
}

const char *hsec_version_string(void)
{
    return HSEC_VERSION_STRING;
}
