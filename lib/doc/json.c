/* JSON encoding of documents, through jansson (which allocates with its own
 * allocator on this path only). */
#include "doc.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

typedef struct jctx {
    hb b;
    const hd_limits *lim;
    bool too_deep, too_long;
} jctx;

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
    if (!j) {
        hd_setmsg(msg, "JSON line %d, column %d: %s", e.line, e.column, e.text);
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

/* json_t of a tree; NULL when jansson's allocator fails. */
static json_t *to_json(const hd *d)
{
    json_t *j = NULL;
    switch (d->t) {
    case HD_NULL: return json_null();
    case HD_BOOL: return json_boolean(d->b);
    case HD_NUM: return num_json(d->num);
    case HD_STR: return json_string(d->str);
    case HD_NUMS:
        if (!(j = json_array()))
            return NULL;
        for (size_t i = 0; i < d->n; i++)
            if (json_array_append_new(j, num_json(d->nums[i]))) {
                json_decref(j);
                return NULL;
            }
        return j;
    case HD_ARR:
        if (!(j = json_array()))
            return NULL;
        for (size_t i = 0; i < d->n; i++)
            if (json_array_append_new(j, to_json(d->items[i]))) {
                json_decref(j);
                return NULL;
            }
        return j;
    case HD_OBJ:
        if (!(j = json_object()))
            return NULL;
        for (size_t i = 0; i < d->n; i++)
            if (json_object_set_new(j, d->keys[i], to_json(d->items[i]))) {
                json_decref(j);
                return NULL;
            }
        return j;
    }
    return NULL;
}

/* Strings handed to the caller carry the allocator that frees them in a
 * header before the text, aligned for any type. */
#define HEAD ((sizeof(hsec_allocator) + 15) / 16 * 16)

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
    json_t *j = to_json(d);
    if (!j)
        return HSEC_ENOMEM;
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
