/* JSON encoding of documents, through jansson (which allocates with its own
 * allocator on this path only). Numbers are doubles: jansson reads every
 * number as one, and the reader refuses an integer that no double holds
 * exactly (2^64 - 1, 2^53 + 1) rather than round it. */
#include "doc.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct jctx {
    hb b;
    const hd_limits *lim;
    bool too_deep, too_long;
} jctx;

/* Whether the integer of decimal digits p[0..n) (no sign, no leading
 * zero) is a double exactly: at most 53 significant bits. jansson has
 * refused any beyond the largest double, so 1280 bits hold it. */
static bool exact_integer(const char *p, size_t n)
{
    if (n <= 15) /* below 10^15 < 2^53 */
        return true;
    uint32_t limb[40] = {0};
    size_t nl = 1;
    for (size_t i = 0; i < n; i++) {
        uint64_t carry = (uint64_t)(p[i] - '0');
        for (size_t k = 0; k < nl; k++) {
            uint64_t t = (uint64_t)limb[k] * 10 + carry;
            limb[k] = (uint32_t)t;
            carry = t >> 32;
        }
        if (carry) {
            if (nl == sizeof limb / sizeof *limb)
                return false;
            limb[nl++] = (uint32_t)carry;
        }
    }
    size_t lo = 0;
    while (limb[lo] == 0) /* n > 15 digits: not 0 */
        lo++;
    size_t low = lo * 32, high = (nl - 1) * 32;
    for (uint32_t v = limb[lo]; !(v & 1); v >>= 1)
        low++;
    for (uint32_t v = limb[nl - 1] >> 1; v; v >>= 1)
        high++;
    return high - low < 53;
}

/* The first integer literal of JSON text (valid: jansson read it) that no
 * double holds exactly: true with its offset and length. */
static bool find_inexact(const char *t, size_t len, size_t *at, size_t *n)
{
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = t[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
            continue;
        }
        if (c != '-' && (c < '0' || c > '9'))
            continue;
        size_t digits = c == '-' ? i + 1 : i, end = digits;
        while (end < len && t[end] >= '0' && t[end] <= '9')
            end++;
        bool integer = end == len || (t[end] != '.' && t[end] != 'e' && t[end] != 'E');
        if (integer && !exact_integer(t + digits, end - digits)) {
            *at = i;
            *n = end - i;
            return true;
        }
        while (end < len && t[end] && strchr("0123456789.eE+-", t[end]))
            end++;
        i = end - 1;
    }
    return false;
}

/* "JSON line L, column C: the integer ... is not a double", the place
 * counted as jansson counts it (columns in characters). */
static void inexact_msg(char *msg, const char *t, size_t at, size_t n)
{
    int line = 1, column = 1;
    for (size_t i = 0; i < at; i++) {
        if (t[i] == '\n') {
            line++;
            column = 1;
        } else if (((unsigned char)t[i] & 0xc0) != 0x80) {
            column++;
        }
    }
    char lit[400];
    size_t k = n < sizeof lit ? n : sizeof lit - 1;
    memcpy(lit, t + at, k);
    lit[k] = '\0';
    double nearest = strtod(lit, NULL);
    char near[64];
    if (fabs(nearest) < 1e40)
        snprintf(near, sizeof near, "%.0f", nearest);
    else
        snprintf(near, sizeof near, "%.17g", nearest);
    hd_setmsg(msg, "JSON line %d, column %d: the integer %.48s%s is not a double (numbers "
              "are IEEE 754 doubles; the nearest is %s): write it as a string", line, column,
              lit, n > 48 ? "..." : "", near);
}

static hd *from_json(jctx *x, const json_t *j, uint64_t depth)
{
    hb *b = &x->b;
    hd *d;
    if ((json_is_object(j) && json_object_size(j)) || (json_is_array(j) && json_array_size(j))) {
        if (depth >= x->lim->depth) {
            x->too_deep = true;
            return hb_new(b, HD_NULL);
        }
    }
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        d = hb_new(b, HD_OBJ);
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)j, key, val)
            hb_set(b, d, key, from_json(x, val, depth + 1));
        size_t dup; /* jansson refused duplicates: only memory can fail */
        if (d && !b->oom && hd_index(b->a, d, &dup))
            b->oom = true;
        return d;
    }
    case JSON_ARRAY: {
        d = hb_new(b, HD_ARR);
        size_t i;
        json_t *val;
        json_array_foreach(j, i, val)
            hb_push(b, d, from_json(x, val, depth + 1));
        return d;
    }
    case JSON_STRING:
        if (json_string_length(j) > x->lim->string)
            x->too_long = true;
        return hb_str(b, json_string_value(j));
    case JSON_INTEGER:
    case JSON_REAL: return hb_num(b, json_number_value(j));
    case JSON_TRUE: return hb_bool(b, true);
    case JSON_FALSE: return hb_bool(b, false);
    case JSON_NULL: return hb_new(b, HD_NULL);
    }
    return NULL;
}

int hd_from_json(hd **out, const hsec_allocator *a, const char *text, size_t len,
                 const hd_limits *lim, char *msg)
{
    *out = NULL;
    json_error_t e;
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &e);
    if (!j && json_error_code(&e) == json_error_out_of_memory) {
        hd_setmsg(msg, "out of memory");
        return HSEC_ENOMEM;
    }
    if (!j) {
        hd_setmsg(msg, "JSON line %d, column %d: %s", e.line, e.column, e.text);
        return HSEC_EFORMAT;
    }
    size_t at, n;
    if (find_inexact(text, len, &at, &n)) {
        json_decref(j);
        inexact_msg(msg, text, at, n);
        return HSEC_EFORMAT;
    }
    jctx x = {{a, false}, lim, false, false};
    hd *d = from_json(&x, j, 0);
    json_decref(j);
    if (x.b.oom || x.too_deep || x.too_long) {
        hd_free(a, d);
        if (x.b.oom)
            hd_setmsg(msg, "out of memory");
        else if (x.too_deep)
            hd_setmsg(msg, "JSON: nesting deeper than %llu", (unsigned long long)lim->depth);
        else
            hd_setmsg(msg, "JSON: a string longer than %llu bytes",
                      (unsigned long long)lim->string);
        return x.b.oom ? HSEC_ENOMEM : HSEC_EFORMAT;
    }
    *out = d;
    return HSEC_OK;
}

/* Whole numbers print as integers (they read back the same double); JSON
 * has no NaN or infinity, so those print as null (CBOR keeps them). */
static json_t *num_json(double x)
{
    if (!isfinite(x))
        return json_null();
    if (x == floor(x) && fabs(x) < 9007199254740992.0 && !signbit(x))
        return json_integer((json_int_t)x);
    return json_real(x);
}

/* The writer's state: the first failure, and the place of the item being
 * written. */
typedef struct wctx {
    int rc;
    char path[160];
} wctx;

/* jansson refuses text that is not UTF-8 as it refuses memory: check it
 * first, so that NULL from jansson means memory alone. */
static bool utf8_ok(wctx *w, const char *s, const char *key)
{
    const char *why = NULL;
    size_t n = strlen(s), bad = hd_utf8_check(s, n, &why);
    if (bad == n)
        return true;
    const char *at = w->path[0] ? w->path : "the document";
    if (w->rc)
        return false;
    if (key)
        w->rc = hd_fail(HSEC_EINVAL, "JSON: the key \"%.64s\" of %s is not UTF-8: %s at its "
                        "byte %zu", key, at, why, bad);
    else
        w->rc = hd_fail(HSEC_EINVAL, "JSON: the text of %s is not UTF-8: %s at its byte %zu",
                        at, why, bad);
    return false;
}

static json_t *nomem(wctx *w)
{
    if (!w->rc)
        w->rc = HSEC_ENOMEM;
    return NULL;
}

/* json_t of a tree (the place of d: w->path[0..len)); NULL with w->rc set
 * on failure. */
static json_t *to_json(wctx *w, const hd *d, size_t len)
{
    json_t *j = NULL;
    switch (d->t) {
    case HD_NULL: return json_null();
    case HD_BOOL: return json_boolean(d->b);
    case HD_NUM: return (j = num_json(d->num)) ? j : nomem(w);
    case HD_STR:
        if (!utf8_ok(w, d->str, NULL))
            return NULL;
        return (j = json_string(d->str)) ? j : nomem(w);
    case HD_NUMS:
        if (!(j = json_array()))
            return nomem(w);
        for (size_t i = 0; i < d->n; i++)
            if (json_array_append_new(j, num_json(d->nums[i]))) {
                json_decref(j);
                return nomem(w);
            }
        return j;
    case HD_LINKS: /* a loader's alone: never written */
    case HD_GROUPS:
        return nomem(w);
    case HD_ARR:
        if (!(j = json_array()))
            return nomem(w);
        for (size_t i = 0; i < d->n; i++) {
            json_t *item = to_json(w, d->items[i], hd_path_add(w->path, sizeof w->path, len,
                                                                NULL, i));
            if (!item || json_array_append_new(j, item)) {
                json_decref(j);
                return nomem(w); /* keeps the first failure */
            }
        }
        w->path[len] = '\0';
        return j;
    case HD_OBJ:
        if (!(j = json_object()))
            return nomem(w);
        for (size_t i = 0; i < d->n; i++) {
            w->path[len] = '\0';
            if (!utf8_ok(w, d->keys[i], d->keys[i])) {
                json_decref(j);
                return NULL;
            }
            json_t *item = to_json(w, d->items[i], hd_path_add(w->path, sizeof w->path, len,
                                                                d->keys[i], 0));
            if (!item || json_object_set_new(j, d->keys[i], item)) {
                json_decref(j);
                return nomem(w);
            }
        }
        w->path[len] = '\0';
        return j;
    }
    return NULL;
}

/* Strings handed to the caller carry the allocator that frees them in a
 * header before the text, aligned for any type. */
#define HEAD HD_STRING_HEAD

typedef struct sink {
    const hsec_allocator *a;
    char *buf;
    size_t n, cap;
} sink;

static int put(const char *text, size_t size, void *data)
{
    sink *k = data;
    if (HD_RESERVE(k->a, k->buf, k->cap, k->n + size + 1))
        return -1;
    memcpy(k->buf + k->n, text, size);
    k->n += size;
    return 0;
}

int hd_to_json(char **out, size_t *len, const hd *d, const hsec_allocator *a)
{
    *out = NULL;
    wctx w = {HSEC_OK, ""};
    json_t *j = to_json(&w, d, 0);
    if (!j)
        return w.rc ? w.rc : HSEC_ENOMEM;
    sink k = {a, NULL, 0, 0};
    int rc = HD_RESERVE(a, k.buf, k.cap, HEAD + 1) ? -1 : 0;
    k.n = HEAD;
    if (!rc)
        rc = json_dump_callback(j, put, &k, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(j);
    if (rc) {
        hd_release(a, k.buf);
        return HSEC_ENOMEM;
    }
    memcpy(k.buf, a, sizeof *a);
    k.buf[k.n] = '\0';
    *out = k.buf + HEAD;
    if (len)
        *len = k.n - HEAD;
    return HSEC_OK;
}

void hsec_free_string(char *str)
{
    if (!str)
        return;
    hsec_allocator a;
    memcpy(&a, str - HEAD, sizeof a);
    hd_release(&a, str - HEAD);
}
