/*
 * CBOR encoding of the document tree (RFC 8949), through libcbor: its
 * streaming decoder reads one item per call without allocating, and its
 * encoders write into our own buffers, so every allocation here is the
 * caller's allocator's. Maps are written with their keys in the
 * deterministic order of RFC 8949 §4.2.1 (bytewise order of the encoded
 * keys), numbers in the shortest of integer, single or double that keeps
 * them exactly, and numeric series as RFC 8746 typed arrays (tag 86,
 * float64 little endian).
 *
 * The tree holds numbers as doubles, so the reader refuses an integer that
 * no double holds exactly (2^64 - 1, 2^53 + 1) rather than round it, and a
 * text string that is not UTF-8, which JSON could not carry.
 */
#include "doc.h"

#include <cbor.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_F64LE 86
#define TAG_F64BE 82

/* ---- encoding */

typedef struct out {
    const hsec_allocator *a;
    unsigned char *p;
    size_t len, cap;
    bool oom;
} out;

static unsigned char *room(out *o, size_t n)
{
    if (o->oom)
        return NULL;
    if (n > SIZE_MAX - o->len || HD_RESERVE(o->a, o->p, o->cap, o->len + n)) {
        o->oom = true;
        return NULL;
    }
    return o->p + o->len;
}

static void emit_bytes(out *o, const void *b, size_t n)
{
    unsigned char *d = room(o, n);
    if (d && n) {
        memcpy(d, b, n);
        o->len += n;
    }
}

/* Whole numbers in [-2^64, 2^64) as CBOR integers: x = -1 - v for a
 * negative one, v computed in integers (in doubles, -x - 1 rounds to -x
 * beyond 2^53, and -2^64 - 1 overflows). */
static void emit_num(out *o, double x)
{
    unsigned char *d = room(o, 9);
    if (!d)
        return;
    if (x == floor(x) && fabs(x) < 18446744073709551616.0 && !signbit(x)) {
        o->len += cbor_encode_uint((uint64_t)x, d, 9);
    } else if (x == floor(x) && x >= -18446744073709551616.0 && x < 0) {
        uint64_t v = x == -18446744073709551616.0 ? UINT64_MAX : (uint64_t)-x - 1;
        o->len += cbor_encode_negint(v, d, 9);
    } else if ((double)(float)x == x) {
        o->len += cbor_encode_single((float)x, d, 9);
    } else {
        o->len += cbor_encode_double(x, d, 9);
    }
}

static void emit_str(out *o, const char *s)
{
    size_t n = strlen(s);
    unsigned char *d = room(o, 9);
    if (d)
        o->len += cbor_encode_string_start(n, d, 9);
    emit_bytes(o, s, n);
}

static void encode(out *o, const hd *d)
{
    unsigned char *b;
    switch (d->t) {
    case HD_NULL:
        if ((b = room(o, 1)))
            o->len += cbor_encode_null(b, 1);
        return;
    case HD_BOOL:
        if ((b = room(o, 1)))
            o->len += cbor_encode_bool(d->b, b, 1);
        return;
    case HD_NUM: emit_num(o, d->num); return;
    case HD_STR: emit_str(o, d->str); return;
    case HD_NUMS:
        if ((b = room(o, 9)))
            o->len += cbor_encode_tag(TAG_F64LE, b, 9);
        if (d->n > SIZE_MAX / 8) {
            o->oom = true;
            return;
        }
        if ((b = room(o, 9)))
            o->len += cbor_encode_bytestring_start(d->n * 8, b, 9);
        if ((b = room(o, d->n * 8))) {
            for (size_t i = 0; i < d->n; i++) {
                uint64_t u;
                memcpy(&u, &d->nums[i], 8);
                for (int k = 0; k < 8; k++)
                    b[i * 8 + (size_t)k] = (unsigned char)(u >> (8 * k));
            }
            o->len += d->n * 8;
        }
        return;
    case HD_LINKS: /* a loader's alone: never written */
    case HD_GROUPS:
        o->oom = true;
        return;
    case HD_ARR:
        if ((b = room(o, 9)))
            o->len += cbor_encode_array_start(d->n, b, 9);
        for (size_t i = 0; i < d->n; i++)
            encode(o, d->items[i]);
        return;
    case HD_OBJ: {
        if ((b = room(o, 9)))
            o->len += cbor_encode_map_start(d->n, b, 9);
        /* keys in the bytewise order of their encodings (hd_key_cmp): a
         * reader's object knows it, a writer's is sorted once here */
        size_t *order = d->index ? d->index : o->oom ? NULL : hd_key_order(o->a, d);
        if (!order) {
            o->oom = true;
            return;
        }
        for (size_t k = 0; k < d->n && !o->oom; k++) {
            emit_str(o, d->keys[order[k]]);
            encode(o, d->items[order[k]]);
        }
        if (order != d->index)
            hd_release(o->a, order);
        return;
    }
    }
}

int hd_to_cbor(unsigned char **outp, size_t *len, const hsec_allocator *a, const hd *d)
{
    out o = {a, NULL, 0, 0, false};
    encode(&o, d);
    if (o.oom) {
        hd_release(a, o.p);
        return HSEC_ENOMEM;
    }
    *outp = o.p;
    *len = o.len;
    return HSEC_OK;
}

/* ---- decoding */

typedef struct frame {
    hd *node;
    uint64_t left;     /* items still to come (a map counts keys and values) */
    char *key;         /* a map's pending key */
    /* a map's keys' offsets, to name a duplicate: the first ones, the rest */
    size_t first[HD_SMALL_OBJECT];
    size_t *offs, offcap;
} frame;

/* Names of plain links waiting to be interned together (hd_links_intern_many):
 * a national document's table of names is far larger than the cache, and
 * looked up one by one each name waits for its slot and then its name. */
#define HD_BATCH 64
enum { NAME_NEW, NAME_SAME }; /* a name to look up, the same as its key's last */
typedef struct batch {
    hd_links *l;   /* whose links they are */
    size_t np;
    size_t link[HD_BATCH];
    unsigned char key[HD_BATCH], kind[HD_BATCH];
    const char *s[HD_BATCH];
    uint32_t n[HD_BATCH], out[HD_BATCH];
    uint64_t h[HD_BATCH];
    /* per key (from, to), the last plain link's name, and its index once
     * known: links sorted by target give one target to a row of links */
    const char *last[2];
    size_t lastlen[2];
    bool pending[2];
    uint32_t lastidx[2];
} batch;

typedef struct dec {
    const hsec_allocator *a;
    hb b;
    const hd_limits *lim;
    frame *stack;
    size_t depth, cap;
    hd *root;
    size_t remaining;  /* bytes after the current item: bounds any count */
    int tag;           /* a typed-array tag waiting for its byte string, or 0 */
    int rc;
    char *msg;
    size_t at;         /* offset of the current item */
    bool columns;      /* the document's "links" as columns (hd_from_cbor_links) */
    batch bt;
    const char *dim[HSEC_DIM_COUNT]; /* the dimensions' names and lengths */
    size_t dimlen[HSEC_DIM_COUNT];
} dec;

static void dfail(dec *d, int rc, const char *what)
{
    if (d->rc)
        return;
    d->rc = rc;
    hd_setmsg(d->msg, "CBOR byte %zu: %s", d->at, what);
}

/* The place of the item being read ("groups[2].size", "" for the document
 * itself); *is_key when the item is a key of the map at that place. */
static void place(const dec *d, char *path, size_t size, bool *is_key)
{
    size_t len = 0;
    path[0] = '\0';
    *is_key = false;
    for (size_t i = 0; i < d->depth; i++) {
        const frame *f = &d->stack[i];
        if (f->node->t == HD_ARR || f->node->t == HD_LINKS || f->node->t == HD_GROUPS) {
            len = hd_path_add(path, size, len, NULL, f->node->n);
        } else if (f->key) {
            len = hd_path_add(path, size, len, f->key, 0);
        } else {
            *is_key = true;
            return;
        }
    }
}

/* A failure that names the place of the item being read. */
static void dfail_at(dec *d, int rc, const char *fmt, ...) HD_PRINTF(3, 4);
static void dfail_at(dec *d, int rc, const char *fmt, ...)
{
    if (d->rc)
        return;
    char path[160], what[256], why[HSEC_ERRMSG_MAX];
    bool is_key;
    place(d, path, sizeof path, &is_key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (is_key)
        snprintf(why, sizeof why, "a key of %s: %s", path[0] ? path : "the document", what);
    else if (path[0])
        snprintf(why, sizeof why, "%s: %s", path, what);
    else
        snprintf(why, sizeof why, "%s", what);
    dfail(d, rc, why);
}

/* The waiting names interned, into their links' columns. */
static bool flush_names(dec *d)
{
    batch *b = &d->bt;
    if (!b->np)
        return true;
    hd_links *l = b->l;
    const char *s[HD_BATCH];
    uint32_t n[HD_BATCH];
    size_t k = 0;
    for (size_t j = 0; j < b->np; j++)
        if (b->kind[j] == NAME_NEW) {
            s[k] = b->s[j];
            n[k++] = b->n[j];
        }
    if (hd_links_intern_many(d->a, l, k, s, n, b->h, b->out)) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return false;
    }
    uint32_t last[2] = {HD_LINK_UNSET, HD_LINK_UNSET};
    for (size_t j = 0, m = 0; j < b->np; j++) {
        uint32_t v = b->kind[j] == NAME_NEW ? b->out[m++] : last[b->key[j]];
        (b->key[j] ? l->to : l->from)[b->link[j]] = last[b->key[j]] = v;
    }
    for (int key = 0; key < 2; key++)
        if (b->pending[key]) {
            b->lastidx[key] = last[key];
            b->pending[key] = false;
        }
    b->np = 0;
    return true;
}

/* Inside the value of an "x-" key: an extension, kept as it is, which no
 * reader of the document checks. */
static bool in_extension(const dec *d)
{
    for (size_t i = 0; i < d->depth; i++) {
        const char *k = d->stack[i].key;
        if (d->stack[i].node->t == HD_OBJ && k && strncmp(k, "x-", 2) == 0)
            return true;
    }
    return false;
}

/* JSON has no NaN or infinity: an extension holding one could not be
 * converted, and no loader check would say so. */
static bool finite_here(dec *d, double x, size_t i, bool in_array)
{
    if (isfinite(x) || !in_extension(d))
        return true;
    char path[160], why[HSEC_ERRMSG_MAX];
    bool is_key;
    place(d, path, sizeof path, &is_key);
    if (in_array)
        hd_path_add(path, sizeof path, strlen(path), NULL, i);
    snprintf(why, sizeof why, "%s%s is %s: extension values (x-) hold finite numbers only",
             is_key ? "a key of " : "", path, isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
    dfail(d, HSEC_EFORMAT, why);
    return false;
}

/* A map is complete: index it for lookups, which finds a key given twice. */
static bool close_map(dec *d, frame *f)
{
    size_t dup = 0;
    int rc = hd_index(d->a, f->node, &dup);
    if (rc == HSEC_EEXIST) {
        char why[HD_ID_MAX + 64];
        snprintf(why, sizeof why, "duplicate map key \"%.64s\"", f->node->keys[dup]);
        d->at = dup < HD_SMALL_OBJECT ? f->first[dup] : f->offs[dup - HD_SMALL_OBJECT];
        dfail(d, HSEC_EFORMAT, why);
    } else if (rc) {
        dfail(d, HSEC_ENOMEM, "out of memory");
    }
    return rc == HSEC_OK;
}

/* An item of the links that is not a plain link, kept as a tree at its
 * position (its entry in the columns unset). */
static bool keep_odd(const hsec_allocator *a, hd *node, hd *item)
{
    hd_links *l = node->links;
    if (HD_RESERVE(a, l->odd, l->capodd, l->nodd + 1) || hd_links_grow(a, l, 0)) {
        hd_free(a, item);
        return false;
    }
    l->odd[l->nodd].at = node->n++;
    l->odd[l->nodd++].item = item;
    return true;
}

static bool keep_odd_group(const hsec_allocator *a, hd *node, hd *item)
{
    hd_groups *g = node->groups;
    if (HD_RESERVE(a, g->odd, g->capodd, g->nodd + 1) || hd_groups_grow(a, g, 0)) {
        hd_free(a, item);
        return false;
    }
    g->odd[g->nodd].at = node->n++;
    g->odd[g->nodd++].item = item;
    return true;
}

/* Attach a finished item to its parent (or make it the root), then close
 * every container that this completes. */
static void attach(dec *d, hd *item)
{
    if (d->rc) {
        hd_free(d->a, item);
        return;
    }
    if (!item) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return;
    }
    if (d->tag && item->t != HD_NUMS) {
        hd_free(d->a, item);
        dfail(d, HSEC_EFORMAT, "a typed-array tag must be followed by a byte string");
        return;
    }
    for (;;) {
        if (d->depth == 0) {
            if (d->root) {
                hd_free(d->a, item);
                dfail(d, HSEC_EFORMAT, "more than one top-level item");
                return;
            }
            d->root = item;
            return;
        }
        frame *f = &d->stack[d->depth - 1];
        if (f->node->t == HD_ARR) {
            hb_push(&d->b, f->node, item);
        } else if (f->node->t == HD_LINKS) {
            if (!keep_odd(d->a, f->node, item)) {
                dfail(d, HSEC_ENOMEM, "out of memory");
                return;
            }
        } else if (f->node->t == HD_GROUPS) {
            if (!keep_odd_group(d->a, f->node, item)) {
                dfail(d, HSEC_ENOMEM, "out of memory");
                return;
            }
        } else if (!f->key) {
            if (item->t != HD_STR) {
                hd_free(d->a, item);
                dfail(d, HSEC_EFORMAT, "a map key must be a text string");
                return;
            }
            /* duplicates are found once the map is complete (close_map):
             * a lookup per key would make a map of n keys cost n^2 */
            size_t k = f->node->n;
            if (k < HD_SMALL_OBJECT) {
                f->first[k] = d->at;
            } else if (HD_RESERVE(d->a, f->offs, f->offcap, k - HD_SMALL_OBJECT + 1)) {
                hd_free(d->a, item);
                dfail(d, HSEC_ENOMEM, "out of memory");
                return;
            } else {
                f->offs[k - HD_SMALL_OBJECT] = d->at;
            }
            f->key = item->str; /* take the string */
            item->str = NULL;
            hd_free(d->a, item);
        } else {
            hb_set(&d->b, f->node, f->key, item);
            hd_release(d->a, f->key);
            f->key = NULL;
        }
        if (d->b.oom) {
            dfail(d, HSEC_ENOMEM, "out of memory");
            return;
        }
        if (--f->left > 0)
            return;
        if (f->node->t == HD_OBJ && !close_map(d, f))
            return; /* the frame is freed with the others */
        if (f->node->t == HD_LINKS && !flush_names(d))
            return;
        item = f->node; /* the container is complete: attach it in turn */
        hd_release(d->a, f->offs);
        d->depth--;
    }
}

static void open_container(dec *d, hd_type t, uint64_t count)
{
    if (d->rc)
        return;
    if (d->tag) {
        dfail(d, HSEC_EFORMAT, "a typed-array tag must be followed by a byte string");
        return;
    }
    uint64_t items = t == HD_OBJ ? 2 * count : count;
    if (t == HD_OBJ && count > UINT64_MAX / 2)
        items = UINT64_MAX;
    if (items > d->remaining) { /* each item takes a byte at least */
        char why[128];
        snprintf(why, sizeof why, "%s of %llu items in %zu remaining bytes",
                 t == HD_OBJ ? "a map" : "an array", (unsigned long long)count, d->remaining);
        dfail(d, HSEC_EFORMAT, why);
        return;
    }
    /* the document's links and groups, as columns */
    bool top = d->columns && t == HD_ARR && d->depth == 1 && d->stack[0].key;
    bool links = top && strcmp(d->stack[0].key, "links") == 0;
    bool groups = top && strcmp(d->stack[0].key, "groups") == 0;
    hd *node = hb_new(&d->b, links ? HD_LINKS : groups ? HD_GROUPS : t);
    if (node && links && !(node->links = hd_calloc(d->a, 1, sizeof *node->links))) {
        hd_free(d->a, node);
        node = NULL;
    }
    if (node && groups && !(node->groups = hd_calloc(d->a, 1, sizeof *node->groups))) {
        hd_free(d->a, node);
        node = NULL;
    }
    if (node && links)
        node->links->a = d->a;
    if (node && groups)
        node->groups->names.a = d->a;
    if (!node) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return;
    }
    if (items == 0) {
        attach(d, node);
        return;
    }
    if (d->depth >= d->lim->depth) {
        hd_free(d->a, node);
        char why[96];
        snprintf(why, sizeof why, "nesting deeper than %llu", (unsigned long long)d->lim->depth);
        dfail(d, HSEC_EFORMAT, why);
        return;
    }
    if (HD_RESERVE(d->a, d->stack, d->cap, d->depth + 1)) {
        hd_free(d->a, node);
        dfail(d, HSEC_ENOMEM, "out of memory");
        return;
    }
    frame f = {.node = node, .left = items};
    d->stack[d->depth++] = f;
}

/* A magnitude that a double holds exactly: at most 53 significant bits. */
static bool exact(uint64_t m)
{
    while (m && !(m & 1))
        m >>= 1;
    return m < (UINT64_C(1) << 53);
}

static void inexact(dec *d, const char *sign, uint64_t m, double nearest)
{
    dfail_at(d, HSEC_EFORMAT, "the integer %s%llu is not a double (numbers are IEEE 754 "
             "doubles; the nearest is %.0f): write it as a string", sign,
             (unsigned long long)m, nearest);
}

static void on_uint(dec *d, uint64_t v)
{
    if (exact(v))
        attach(d, hb_num(&d->b, (double)v));
    else
        inexact(d, "", v, (double)v);
}

/* -1 - v, in [-2^64, -1] */
static void on_neg(dec *d, uint64_t v)
{
    if (v == UINT64_MAX)
        attach(d, hb_num(&d->b, -18446744073709551616.0));
    else if (exact(v + 1))
        attach(d, hb_num(&d->b, -(double)(v + 1)));
    else
        inexact(d, "-", v + 1, -(double)(v + 1));
}
static void cb_u8(void *c, uint8_t v) { on_uint(c, v); }
static void cb_u16(void *c, uint16_t v) { on_uint(c, v); }
static void cb_u32(void *c, uint32_t v) { on_uint(c, v); }
static void cb_u64(void *c, uint64_t v) { on_uint(c, v); }
static void cb_n8(void *c, uint8_t v) { on_neg(c, v); }
static void cb_n16(void *c, uint16_t v) { on_neg(c, v); }
static void cb_n32(void *c, uint32_t v) { on_neg(c, v); }
static void cb_n64(void *c, uint64_t v) { on_neg(c, v); }
static void cb_f8(void *c, double v)
{
    if (finite_here(c, v, 0, false))
        attach(c, hb_num(&((dec *)c)->b, v));
}
static void cb_f4(void *c, float v) { cb_f8(c, (double)v); }
static void cb_null(void *c) { attach(c, hb_new(&((dec *)c)->b, HD_NULL)); }
static void cb_bool(void *c, bool v) { attach(c, hb_bool(&((dec *)c)->b, v)); }
static void cb_array(void *c, size_t n) { open_container(c, HD_ARR, n); }
static void cb_map(void *c, size_t n) { open_container(c, HD_OBJ, n); }

static void cb_string(void *c, cbor_data s, size_t n)
{
    dec *d = c;
    if (d->rc)
        return;
    if (n > d->lim->string) {
        char why[96];
        snprintf(why, sizeof why, "a string of %zu bytes (the limit is %llu)", n,
                 (unsigned long long)d->lim->string);
        dfail(d, HSEC_EFORMAT, why);
        return;
    }
    if (memchr(s, 0, n)) {
        dfail(d, HSEC_EFORMAT, "a string holds a NUL byte");
        return;
    }
    const char *why = NULL;
    size_t bad = hd_utf8_check((const char *)s, n, &why);
    if (bad < n) {
        dfail_at(d, HSEC_EFORMAT, "a text string is not UTF-8: %s at its byte %zu", why, bad);
        return;
    }
    hd *item = hb_new(&d->b, HD_STR);
    if (item && !(item->str = hd_alloc(d->a, n + 1))) {
        hd_free(d->a, item);
        item = NULL;
    }
    if (item) {
        memcpy(item->str, s, n);
        item->str[n] = '\0';
    }
    attach(d, item);
}

static void cb_tag(void *c, uint64_t tag)
{
    dec *d = c;
    if (d->rc)
        return;
    if ((tag != TAG_F64LE && tag != TAG_F64BE) || d->tag) {
        char why[96];
        snprintf(why, sizeof why, "tag %llu is not accepted (typed arrays: 82, 86)",
                 (unsigned long long)tag);
        dfail(d, HSEC_EFORMAT, why);
        return;
    }
    d->tag = (int)tag;
}

static void cb_bytes(void *c, cbor_data s, size_t n)
{
    dec *d = c;
    if (d->rc)
        return;
    if (!d->tag || n % 8) {
        dfail(d, HSEC_EFORMAT, d->tag ? "a float64 typed array's length is not a multiple of 8"
                                      : "byte strings appear only in typed arrays");
        return;
    }
    hd *item = hb_new(&d->b, HD_NUMS);
    if (item && n && !(item->nums = hd_alloc(d->a, n))) {
        hd_free(d->a, item);
        item = NULL;
    }
    if (item) {
        item->n = n / 8;
        for (size_t i = 0; i < item->n; i++) {
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) {
                int shift = d->tag == TAG_F64LE ? 8 * k : 8 * (7 - k);
                u |= (uint64_t)s[i * 8 + (size_t)k] << shift;
            }
            memcpy(&item->nums[i], &u, 8);
            if (!finite_here(d, item->nums[i], i, true)) {
                hd_free(d->a, item);
                return;
            }
        }
    }
    attach(d, item);
    d->tag = 0;
}

static void cb_refuse(void *c)
{
    dfail(c, HSEC_EFORMAT, "indefinite-length items, undefined and breaks are not accepted");
}

static void cb_half(void *c, float v)
{
    cb_f4(c, v);
}

/* ---- the links as columns */

/* The head of a CBOR item at p[0..len): its major type, and its argument
 * in *v (a count, a length, an integer); false when cut short or of a kind
 * the plain path leaves to the general reader (indefinite lengths, simple
 * values and floats: *v then holds the first byte's low bits). */
static bool head(const unsigned char *p, size_t len, size_t *at, int *major, uint64_t *v)
{
    if (*at >= len)
        return false;
    unsigned b = p[(*at)++], low = b & 31;
    *major = (int)(b >> 5);
    if (low < 24) {
        *v = low;
        return true;
    }
    if (low > 27 || *major == 7)
        return *v = low, *major == 7 && (low == 26 || low == 27) && len - *at >= (low == 26 ? 4u : 8u);
    size_t n = (size_t)1 << (low - 24);
    if (len - *at < n)
        return false;
    uint64_t x = 0;
    for (size_t k = 0; k < n; k++)
        x = (x << 8) | p[(*at)++];
    *v = x;
    return true;
}

/* A number of a plain link (an unsigned integer a double holds exactly, a
 * single or a double); false for anything else. */
static bool plain_number(const unsigned char *p, size_t len, size_t *at, double *x)
{
    int major;
    uint64_t v;
    if (!head(p, len, at, &major, &v))
        return false;
    if (major == 0) {
        *x = (double)v;
        return exact(v);
    }
    /* a single or a double, whose bytes head() found there (a simple
     * value, 0 to 23, has none) */
    if (major != 7 || (v != 26 && v != 27))
        return false;
    size_t n = v == 26 ? 4 : 8;
    uint64_t bits = 0;
    for (size_t k = 0; k < n; k++)
        bits = (bits << 8) | p[(*at)++];
    if (n == 4) {
        uint32_t b32 = (uint32_t)bits;
        float f;
        memcpy(&f, &b32, 4);
        *x = (double)f;
    } else {
        memcpy(x, &bits, 8);
    }
    return true;
}

/* The items still to come in the innermost container. */
static size_t f_left(const dec *d)
{
    uint64_t left = d->stack[d->depth - 1].left;
    return left > SIZE_MAX ? SIZE_MAX : (size_t)left;
}

/* A text string of a plain item (a name: printable ASCII, 1 to the
 * limit's bytes) at p[*at]: where it starts, its length in *n; NULL for
 * anything else. */
static const char *plain_name(const dec *d, const unsigned char *p, size_t len, size_t *at,
                              size_t *n)
{
    int major;
    uint64_t v;
    if (!head(p, len, at, &major, &v) || major != 3 || v > d->lim->string || v > UINT32_MAX ||
        len - *at < v || v == 0)
        return NULL;
    for (size_t i = 0; i < v; i++)
        if (p[*at + i] < 0x21 || p[*at + i] > 0x7e)
            return NULL;
    const char *s = (const char *)p + *at;
    *at += (size_t)v;
    *n = (size_t)v;
    return s;
}

/* A link item {"from", "to", "weight"[, "lag"]} (in any order) read
 * straight into the columns of node: the bytes it took, or 0 when it is
 * anything else, which the general reader then reads as a tree (and judges
 * as it judges any: an item it accepts here it would accept there, with
 * the same values). Names must be printable ASCII here. */
static size_t plain_link(dec *d, hd *node, const unsigned char *p, size_t len)
{
    size_t at = 0;
    int major;
    uint64_t pairs;
    if (d->depth >= d->lim->depth || !head(p, len, &at, &major, &pairs) || major != 5 ||
        pairs < 3 || pairs > 4)
        return 0;
    unsigned seen = 0;
    /* the names in the order the item gives them (interned in that order) */
    const char *ns[2] = {NULL, NULL};
    size_t nn[2] = {0, 0};
    int order[2], names = 0;
    double num[2] = {0, 0};
    hd_links *l = node->links;
    for (uint64_t k = 0; k < pairs; k++) {
        uint64_t klen;
        if (!head(p, len, &at, &major, &klen) || major != 3 || klen > 6 || len - at < klen)
            return 0;
        /* each key compared at its own length, known here (no call) */
        const unsigned char *ks = p + at;
        int key = klen == 4 && memcmp(ks, "from", 4) == 0     ? 0
                  : klen == 2 && memcmp(ks, "to", 2) == 0     ? 1
                  : klen == 6 && memcmp(ks, "weight", 6) == 0 ? 2
                  : klen == 3 && memcmp(ks, "lag", 3) == 0    ? 3
                                                              : 4;
        if (key == 4 || (seen >> key & 1))
            return 0;
        at += (size_t)klen;
        seen |= 1u << key;
        if (key >= 2) {
            if (!plain_number(p, len, &at, &num[key - 2]))
                return 0;
            continue;
        }
        if (!(ns[key] = plain_name(d, p, len, &at, &nn[key])))
            return 0;
        order[names++] = key;
    }
    if ((seen & 7) != 7)
        return 0;
    batch *b = &d->bt;
    if (b->l != l || b->np + 2 > HD_BATCH) {
        if (!flush_names(d))
            return 0;
        if (b->l != l)
            memset(b, 0, sizeof *b);
        b->l = l;
    }
    /* a plain link takes 21 bytes at least: room for as many as could follow */
    size_t most = (d->remaining + 20) / 21;
    if (hd_links_grow(d->a, l, f_left(d) < most ? f_left(d) : most)) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return 0;
    }
    size_t i = node->n++;
    for (int o = 0; o < names; o++) {
        const int key = order[o];
        uint32_t *colm = key ? l->to : l->from;
        const bool same = b->last[key] && b->lastlen[key] == nn[key] &&
                          memcmp(b->last[key], ns[key], nn[key]) == 0;
        if (same && !b->pending[key]) { /* known already */
            colm[i] = b->lastidx[key];
            continue;
        }
        size_t j = b->np++;
        b->link[j] = i;
        b->key[j] = (unsigned char)key;
        b->kind[j] = same ? NAME_SAME : NAME_NEW;
        b->s[j] = ns[key];
        b->n[j] = (uint32_t)nn[key];
        b->last[key] = ns[key];
        b->lastlen[key] = nn[key];
        b->pending[key] = true;
    }
    l->w[i] = num[0];
    l->lag[i] = num[1];
    return at;
}

/* A group item {"id", "region", "size"[, "recovery"][, "vulnerability"]}
 * (in any order; recovery a number, vulnerability a number or a map of
 * dimensions to numbers) read straight into the columns of node: the
 * bytes it took, or 0 when it is anything else, which the general reader
 * then reads as a tree (and the loader judges as it judges any). */
static size_t plain_group(dec *d, hd *node, const unsigned char *p, size_t len)
{
    size_t at = 0;
    int major;
    uint64_t pairs;
    if (d->depth + 1 >= d->lim->depth || !head(p, len, &at, &major, &pairs) || major != 5 ||
        pairs < 3 || pairs > 5)
        return 0;
    unsigned seen = 0;
    const char *str[2] = {NULL, NULL};
    size_t slen[2] = {0, 0};
    double size = 0, rec = NAN, vval[HSEC_DIM_COUNT];
    unsigned char vdim[HSEC_DIM_COUNT], vn = 0;
    for (uint64_t k = 0; k < pairs; k++) {
        uint64_t klen;
        if (!head(p, len, &at, &major, &klen) || major != 3 || klen > 13 || len - at < klen)
            return 0;
        const unsigned char *ks = p + at;
        int key = klen == 2 && memcmp(ks, "id", 2) == 0              ? 0
                  : klen == 6 && memcmp(ks, "region", 6) == 0        ? 1
                  : klen == 4 && memcmp(ks, "size", 4) == 0          ? 2
                  : klen == 8 && memcmp(ks, "recovery", 8) == 0      ? 3
                  : klen == 13 && memcmp(ks, "vulnerability", 13) == 0 ? 4
                                                                     : 5;
        if (key == 5 || (seen >> key & 1))
            return 0;
        at += (size_t)klen;
        seen |= 1u << key;
        if (key < 2) {
            if (!(str[key] = plain_name(d, p, len, &at, &slen[key])))
                return 0;
        } else if (key == 2) {
            if (!plain_number(p, len, &at, &size))
                return 0;
        } else if (key == 3) { /* (NaN stands for none here: the tree's to judge) */
            if (!plain_number(p, len, &at, &rec) || rec != rec)
                return 0;
        } else if (at < len && p[at] >> 5 == 5) { /* vulnerability by dimension */
            uint64_t dims;
            if (!head(p, len, &at, &major, &dims) || dims < 1 || dims > HSEC_DIM_COUNT)
                return 0;
            unsigned got = 0;
            for (uint64_t j = 0; j < dims; j++) {
                size_t nl;
                const char *name = plain_name(d, p, len, &at, &nl);
                int dim = HSEC_DIM_COUNT;
                for (int c = 0; name && c < HSEC_DIM_COUNT; c++)
                    if (d->dimlen[c] == nl && memcmp(d->dim[c], name, nl) == 0)
                        dim = c;
                if (dim == HSEC_DIM_COUNT || (got >> dim & 1) ||
                    !plain_number(p, len, &at, &vval[vn]))
                    return 0;
                got |= 1u << dim;
                vdim[vn++] = (unsigned char)dim;
            }
        } else {
            if (!plain_number(p, len, &at, &vval[0]))
                return 0;
            vn = HD_VULN_ALL;
        }
    }
    if ((seen & 7) != 7)
        return 0;
    hd_groups *g = node->groups;
    /* a plain group takes 21 bytes at least: room for as many as could follow */
    size_t most = (d->remaining + 20) / 21;
    if (hd_groups_grow(d->a, g, f_left(d) < most ? f_left(d) : most)) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return 0;
    }
    size_t i = node->n++;
    uint32_t id = hd_links_intern(d->a, &g->names, str[0], slen[0], -1); /* each its own */
    uint32_t region = hd_links_intern(d->a, &g->names, str[1], slen[1], 1);
    if (id == HD_LINK_UNSET || region == HD_LINK_UNSET) {
        dfail(d, HSEC_ENOMEM, "out of memory");
        return 0;
    }
    g->id[i] = id;
    g->region[i] = region;
    g->size[i] = size;
    g->recovery[i] = rec;
    g->vn[i] = vn;
    for (unsigned j = 0; j < (vn == HD_VULN_ALL ? 1u : vn); j++) {
        g->vval[i * HSEC_DIM_COUNT + j] = vval[j];
        g->vdim[i * HSEC_DIM_COUNT + j] = vn == HD_VULN_ALL ? 0 : vdim[j];
    }
    return at;
}

/* At an item of the links' or the groups' array, read a plain link or
 * group into the columns, closing the array after its last: true when it
 * did. */
static bool read_plain_link(dec *d, const unsigned char *p, size_t len, size_t *pos)
{
    frame *f = d->depth ? &d->stack[d->depth - 1] : NULL;
    if (!f || (f->node->t != HD_LINKS && f->node->t != HD_GROUPS) || d->tag)
        return false;
    size_t used = f->node->t == HD_LINKS ? plain_link(d, f->node, p + *pos, len - *pos)
                                         : plain_group(d, f->node, p + *pos, len - *pos);
    if (!used)
        return false;
    *pos += used;
    if (--f->left == 0) { /* the array is complete: attach it in turn */
        if (f->node->t == HD_LINKS && !flush_names(d))
            return true;
        hd *node = f->node;
        hd_release(d->a, f->offs);
        d->depth--;
        attach(d, node);
    }
    return true;
}

/* The bytes an item can take at most after its start: two strings at the
 * limit and their heads, keys and numbers (saturating). */
static size_t item_most(const hd_limits *lim)
{
    uint64_t s = lim->string;
    return s > (SIZE_MAX - 256) / 2 ? SIZE_MAX : (size_t)(2 * s + 256);
}

/* The document from data[0 .. len - 1], or from a feed (data and len are
 * then its bytes and size): each item is read once the feed holds it
 * whole, or as much of it as there will ever be. */
static int from_cbor(hd **outp, const hsec_allocator *a, const unsigned char *data, size_t len,
                     const hd_limits *lim, char *msg, bool columns, hd_feed *feed)

{
    *outp = NULL;
    struct cbor_callbacks cb = cbor_empty_callbacks;
    cb.uint8 = cb_u8;
    cb.uint16 = cb_u16;
    cb.uint32 = cb_u32;
    cb.uint64 = cb_u64;
    cb.negint8 = cb_n8;
    cb.negint16 = cb_n16;
    cb.negint32 = cb_n32;
    cb.negint64 = cb_n64;
    cb.float2 = cb_half;
    cb.float4 = cb_f4;
    cb.float8 = cb_f8;
    cb.null = cb_null;
    cb.boolean = cb_bool;
    cb.string = cb_string;
    cb.byte_string = cb_bytes;
    cb.array_start = cb_array;
    cb.map_start = cb_map;
    cb.tag = cb_tag;
    cb.string_start = cb_refuse;
    cb.byte_string_start = cb_refuse;
    cb.indef_array_start = cb_refuse;
    cb.indef_map_start = cb_refuse;
    cb.undefined = cb_refuse;
    cb.indef_break = cb_refuse;
    dec d;
    memset(&d, 0, sizeof d);
    d.a = a;
    d.b.a = a;
    d.lim = lim;
    d.msg = msg;
    d.columns = columns;
    for (int c = 0; c < HSEC_DIM_COUNT; c++) {
        d.dim[c] = hsec_enum_name(HSEC_ENUM_DIMENSION, c);
        d.dimlen[c] = d.dim[c] ? strlen(d.dim[c]) : 0;
    }
    size_t pos = 0, end = feed ? 0 : len;
    const size_t most = feed ? item_most(lim) : 0;
    while (!d.rc && pos < len && !d.root) {
        d.at = pos;
        d.remaining = len - pos;
        if (feed && end - pos < most && end < len)
            end = hd_feed_wait(feed, most < len - pos ? pos + most : len);
        if (columns && read_plain_link(&d, data, end, &pos))
            continue;
        if (d.rc)
            break;
        struct cbor_decoder_result r = cbor_stream_decode(data + pos, end - pos, &cb, &d);
        if (r.status == CBOR_DECODER_NEDATA && end < len) {
            size_t more = hd_feed_wait(feed, len); /* an item longer than the limits */
            if (more > end) {
                end = more;
                continue;
            }
        }
        if (r.status == CBOR_DECODER_NEDATA)
            dfail(&d, HSEC_EFORMAT, "truncated");
        else if (r.status != CBOR_DECODER_FINISHED || r.read == 0)
            dfail(&d, HSEC_EFORMAT, "malformed");
        else
            pos += r.read;
    }
    if (!d.rc && !d.root) {
        d.at = pos;
        dfail(&d, HSEC_EFORMAT, len ? "truncated" : "empty");
    }
    if (!d.rc && pos < len) {
        d.at = pos;
        dfail(&d, HSEC_EFORMAT, "bytes after the document");
    }
    for (size_t i = 0; i < d.depth; i++) { /* open containers are not attached yet */
        hd_release(a, d.stack[i].key);
        hd_release(a, d.stack[i].offs);
        hd_free(a, d.stack[i].node);
    }
    hd_release(a, d.stack);
    if (d.rc) {
        hd_free(a, d.root);
        return d.rc;
    }
    *outp = d.root;
    return HSEC_OK;
}

int hd_from_cbor(hd **outp, const hsec_allocator *a, const unsigned char *data, size_t len,
                 const hd_limits *lim, char *msg)
{
    return from_cbor(outp, a, data, len, lim, msg, false, NULL);
}

int hd_from_cbor_links(hd **outp, const hsec_allocator *a, const unsigned char *data,
                       size_t len, const hd_limits *lim, char *msg)
{
    return from_cbor(outp, a, data, len, lim, msg, true, NULL);
}

int hd_from_cbor_feed(hd **outp, const hsec_allocator *a, hd_feed *feed, const hd_limits *lim,
                      char *msg)
{
    return from_cbor(outp, a, hd_feed_data(feed), hd_feed_size(feed), lim, msg, true, feed);
}
