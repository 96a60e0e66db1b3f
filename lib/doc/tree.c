/* The document tree. */
#include "doc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define HD_HAVE_SYS_RANDOM 1
#endif
#endif

hd *hb_new(hb *b, hd_type t)
{
    if (b->oom)
        return NULL;
    hd *d = hd_calloc(b->a, 1, sizeof *d);
    if (!d) {
        b->oom = true;
        return NULL;
    }
    d->t = t;
    return d;
}

hd *hb_num(hb *b, double x)
{
    hd *d = hb_new(b, HD_NUM);
    if (d)
        d->num = x;
    return d;
}

hd *hb_bool(hb *b, bool x)
{
    hd *d = hb_new(b, HD_BOOL);
    if (d)
        d->b = x;
    return d;
}

hd *hb_str(hb *b, const char *s)
{
    hd *d = hb_new(b, HD_STR);
    if (d && !(d->str = hd_strdup(b->a, s))) {
        hd_free(b->a, d);
        b->oom = true;
        return NULL;
    }
    return d;
}

hd *hb_nums(hb *b, const double *x, size_t n)
{
    hd *d = hb_new(b, HD_NUMS);
    if (d && !(d->nums = hd_calloc(b->a, n, sizeof *x))) {
        hd_free(b->a, d);
        b->oom = true;
        return NULL;
    }
    if (d) {
        memcpy(d->nums, x, n * sizeof *x);
        d->n = n;
    }
    return d;
}

static bool grow(hb *b, hd *c)
{
    if (c->n < c->cap)
        return true;
    size_t cap = c->cap;
    if (HD_RESERVE(b->a, c->items, cap, c->n + 1))
        return false;
    if (c->t == HD_OBJ) {
        size_t kcap = c->cap;
        if (HD_RESERVE(b->a, c->keys, kcap, c->n + 1))
            return false;
        if (kcap < cap) /* both arrays hold at least cap entries */
            cap = kcap;
    }
    c->cap = cap;
    return true;
}

void hb_push(hb *b, hd *arr, hd *item)
{
    if (b->oom || !arr || !item || !grow(b, arr)) {
        hd_free(b->a, item);
        b->oom = true;
        return;
    }
    arr->items[arr->n++] = item;
}

void hb_set(hb *b, hd *obj, const char *key, hd *val)
{
    char *k = NULL;
    if (b->oom || !obj || !val || !grow(b, obj) || !(k = hd_strdup(b->a, key))) {
        hd_free(b->a, val);
        b->oom = true;
        return;
    }
    hd_release(b->a, obj->index); /* a new key: the order is no longer known */
    obj->index = NULL;
    obj->keys[obj->n] = k;
    obj->items[obj->n++] = val;
}

void hd_free(const hsec_allocator *a, hd *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n && d->items; i++)
        hd_free(a, d->items[i]);
    for (size_t i = 0; i < d->n && d->keys; i++)
        hd_release(a, d->keys[i]);
    hd_release(a, d->items);
    hd_release(a, d->keys);
    hd_release(a, d->nums);
    hd_release(a, d->index);
    hd_release(a, d->str);
    if (d->links) {
        hd_links_clear(a, d->links);
        hd_release(a, d->links);
    }
    if (d->groups) {
        hd_groups_clear(a, d->groups);
        hd_release(a, d->groups);
    }
    hd_release(a, d);
}

hd *hd_get(const hd *obj, const char *key)
{
    if (!obj || obj->t != HD_OBJ)
        return NULL;
    if (obj->index) { /* a reader's object: a lookup per key stays O(log n) */
        size_t len = strlen(key), lo = 0, hi = obj->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2, at = obj->index[mid];
            int c = hd_key_cmp(key, len, obj->keys[at], strlen(obj->keys[at]));
            if (c == 0)
                return obj->items[at];
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        return NULL;
    }
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *hd_type_name(hd_type t)
{
    static const char *const names[] = {"null",  "a boolean", "a number", "a string",
                                        "an array", "an object",
                                        "a typed array of numbers",
                                        "an array" /* of links, as columns */,
                                        "an array" /* of groups, as columns */};
    return names[t];
}

int hd_key_cmp(const char *a, size_t la, const char *b, size_t lb)
{
    if (la != lb)
        return la < lb ? -1 : 1;
    return memcmp(a, b, la);
}

/* Merge the sorted runs v[lo, mid) and v[mid, hi) into out[lo, hi). */
static void merge(size_t *out, const size_t *v, size_t lo, size_t mid, size_t hi,
                  char *const *keys, const size_t *lens)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) /* ties take the left run: stable */
        out[k++] = hd_key_cmp(keys[v[j]], lens[v[j]], keys[v[i]], lens[v[i]]) < 0 ? v[j++]
                                                                                : v[i++];
    while (i < mid)
        out[k++] = v[i++];
    while (j < hi)
        out[k++] = v[j++];
}

/* A bottom-up merge sort: n log n comparisons whatever the keys, and no
 * allocation but the caller's (qsort may allocate on its own). */
size_t *hd_key_order(const hsec_allocator *a, const hd *obj)
{
    size_t n = obj->n;
    size_t *order = hd_calloc(a, n ? n : 1, sizeof *order);
    size_t *work = n <= SIZE_MAX / 2 ? hd_calloc(a, n ? 2 * n : 1, sizeof *work) : NULL;
    if (!order || !work) {
        hd_release(a, order);
        hd_release(a, work);
        return NULL;
    }
    size_t *v = order, *tmp = work, *lens = work + n;
    for (size_t i = 0; i < n; i++) {
        v[i] = i;
        lens[i] = strlen(obj->keys[i]);
    }
    for (size_t w = 1; w < n; w = w > n / 2 ? n : 2 * w) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = w < n - lo ? lo + w : n;
            size_t hi = 2 * w < n - lo ? lo + 2 * w : n;
            merge(tmp, v, lo, mid, hi, obj->keys, lens);
        }
        size_t *t = v;
        v = tmp;
        tmp = t;
    }
    if (v != order)
        memcpy(order, v, n * sizeof *order);
    hd_release(a, work);
    return order;
}

int hd_index(const hsec_allocator *a, hd *obj, size_t *dup)
{
    if (obj->n <= HD_SMALL_OBJECT) { /* a scan is as quick: no index */
        for (size_t j = 1; j < obj->n; j++) {
            for (size_t i = 0; i < j; i++) {
                if (strcmp(obj->keys[i], obj->keys[j]) == 0) {
                    *dup = j;
                    return HSEC_EEXIST;
                }
            }
        }
        hd_release(a, obj->index);
        obj->index = NULL;
        return HSEC_OK;
    }
    size_t *order = hd_key_order(a, obj);
    if (!order)
        return HSEC_ENOMEM;
    size_t first = SIZE_MAX;
    for (size_t i = 1; i < obj->n; i++) /* equal keys are neighbours, by position */
        if (order[i] < first && strcmp(obj->keys[order[i - 1]], obj->keys[order[i]]) == 0)
            first = order[i];
    if (first != SIZE_MAX) {
        hd_release(a, order);
        *dup = first;
        return HSEC_EEXIST;
    }
    hd_release(a, obj->index);
    obj->index = order;
    return HSEC_OK;
}

size_t hd_utf8_check(const char *str, size_t n, const char **why)
{
    static const char *const cut = "a sequence cut short", *over = "an overlong form",
                             *high = "a code point above U+10FFFF";
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], lo = 0x80, hi = 0xbf;
        size_t len = 0;
        const char *bad = NULL;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0xc0)
            bad = "a continuation byte that continues nothing";
        else if (c < 0xc2)
            bad = over;
        else if (c < 0xe0)
            len = 2;
        else if (c < 0xf0)
            len = 3, lo = c == 0xe0 ? 0xa0 : lo, hi = c == 0xed ? 0x9f : hi;
        else if (c < 0xf5)
            len = 4, lo = c == 0xf0 ? 0x90 : lo, hi = c == 0xf4 ? 0x8f : hi;
        else
            bad = c < 0xf8 ? high : "a byte that UTF-8 never uses";
        for (size_t k = 1; !bad && k < len; k++) {
            unsigned b = i + k < n ? s[i + k] : 0;
            if (b < 0x80 || b > 0xbf)
                bad = cut;
            else if (k == 1 && (b < lo || b > hi))
                bad = c == 0xed ? "a surrogate (U+D800 to U+DFFF)" : c == 0xf4 ? high : over;
        }
        if (bad) {
            if (why)
                *why = bad;
            return i;
        }
        i += len;
    }
    return n;
}

size_t hd_path_add(char *path, size_t size, size_t len, const char *key, size_t i)
{
    if (!size)
        return 0;
    if (len >= size)
        len = size - 1;
    int n = key ? snprintf(path + len, size - len, "%s%s", len ? "." : "", key)
                : snprintf(path + len, size - len, "[%zu]", i);
    if (n < 0) {
        path[len] = '\0';
        return len;
    }
    if ((size_t)n < size - len)
        return len + (size_t)n;
    if (size > 3)
        memcpy(path + size - 4, "...", 4);
    return size - 1;
}

bool hd_find_nonfinite(const hd *d, char *path, size_t size, size_t len, double *x)
{
    switch (d->t) {
    case HD_NUM:
        *x = d->num;
        return !isfinite(d->num);
    case HD_NUMS:
        for (size_t i = 0; i < d->n; i++) {
            if (!isfinite(d->nums[i])) {
                hd_path_add(path, size, len, NULL, i);
                *x = d->nums[i];
                return true;
            }
        }
        return false;
    case HD_ARR:
    case HD_OBJ:
        for (size_t i = 0; i < d->n; i++) {
            size_t at = hd_path_add(path, size, len, d->t == HD_OBJ ? d->keys[i] : NULL, i);
            if (hd_find_nonfinite(d->items[i], path, size, at, x))
                return true;
        }
        if (len < size)
            path[len] = '\0';
        return false;
    default: return false; /* HD_LINKS, HD_GROUPS: a loader's alone, never written */
    }
}

/* ---- links as columns */

/* SipHash-1-3 (Aumasson and Bernstein; public domain), as the library's
 * own maps hash their keys: under a key drawn for each table, names chosen
 * to collide cannot turn the table into a list. */
static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                                           \
    do {                                                                                   \
        v0 += v1, v1 = rotl(v1, 13) ^ v0, v0 = rotl(v0, 32), v2 += v3, v3 = rotl(v3, 16) ^ v2; \
        v0 += v3, v3 = rotl(v3, 21) ^ v0, v2 += v1, v1 = rotl(v1, 17) ^ v2, v2 = rotl(v2, 32); \
    } while (0)

static uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = n; i-- > 0;)
        x = (x << 8) | p[i];
    return x;
}

static uint64_t siphash(const uint64_t k[2], const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t v0 = 0x736f6d6570736575ull ^ k[0], v1 = 0x646f72616e646f6dull ^ k[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ k[0], v3 = 0x7465646279746573ull ^ k[1];
    size_t whole = n - n % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load_le(p + i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t last = ((uint64_t)n << 56) | load_le(p + whole, n % 8);
    v3 ^= last;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* A key of the table's own: from the system's entropy, else from what
 * differs between tables and runs (addresses that randomisation moves, the
 * clock), as the library's maps draw theirs. */
static void hash_key(uint64_t key[2], const void *table)
{
#if defined(HD_HAVE_SYS_RANDOM) && defined(GRND_NONBLOCK)
    if (getrandom(key, 2 * sizeof *key, GRND_NONBLOCK) == (ssize_t)(2 * sizeof *key))
        return;
#elif defined(HD_HAVE_SYS_RANDOM)
    if (getentropy(key, 2 * sizeof *key) == 0)
        return;
#endif
    struct timespec ts = {0, 0};
    (void)timespec_get(&ts, TIME_UTC);
    uint64_t seed[4] = {(uint64_t)(uintptr_t)table, (uint64_t)(uintptr_t)&ts,
                        (uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec};
    static const uint64_t fixed[2] = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
    key[0] = siphash(fixed, seed, sizeof seed);
    key[1] = siphash(key, seed, sizeof seed);
}

/* Columns cols[0 .. k-1] (elements of elem[j] bytes) grown to cap entries
 * each (cap * elem[j] checked by the caller). HSEC_ENOMEM when one cannot
 * be: those already grown stay grown. */
static int grow_columns(const hsec_allocator *a, void **const *cols, const size_t *elem, int k,
                        size_t cap)
{
    for (int j = 0; j < k; j++) {
        void *p = *cols[j] ? a->realloc(a->opaque, *cols[j], cap * elem[j])
                           : hd_alloc(a, cap * elem[j]);
        if (!p)
            return HSEC_ENOMEM;
        *cols[j] = p;
    }
    return HSEC_OK;
}

int hd_links_grow(const hsec_allocator *a, hd_links *l, size_t hint)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap / 2 * 3 : hint > 1024 ? hint : 1024;
        if (cap <= l->cap || cap > SIZE_MAX / sizeof(double))
            return HSEC_ENOMEM;
        void **const cols[4] = {(void **)&l->from, (void **)&l->to, (void **)&l->w,
                                (void **)&l->lag};
        const size_t elem[4] = {sizeof *l->from, sizeof *l->to, sizeof *l->w, sizeof *l->lag};
        if (grow_columns(a, cols, elem, 4, cap))
            return HSEC_ENOMEM;
        l->cap = cap;
    }
    l->from[l->n] = l->to[l->n] = HD_LINK_UNSET;
    l->w[l->n] = l->lag[l->n] = 0;
    l->n++;
    return HSEC_OK;
}

static bool same_name(const char *x, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != s[i])
            return false;
    return x[n] == '\0';
}

/* The slot of s[0..n) under hash h: where it is, or the empty one where it
 * would go (linear probing from the hash's high half). */
static size_t name_slot(const hd_links *l, const char *s, size_t n, uint64_t h)
{
    size_t mask = l->nslots - 1, i = (size_t)(h >> 32) & mask;
    uint64_t tag = h >> 32 << 32;
    for (; l->slots[i].tagidx; i = (i + 1) & mask) {
        const hd_slot *v = &l->slots[i];
        if ((v->tagidx >> 32 << 32) == tag && same_name(v->name, s, n))
            return i;
    }
    return i;
}

static char *pool_copy(const hsec_allocator *a, hd_links *l, const char *s, size_t n)
{
    if (!l->nchunk || l->room - l->used < n + 1) {
        size_t room = n + 1 > 65536 ? n + 1 : 65536;
        char *chunk = NULL;
        if (HD_RESERVE(a, l->chunks, l->capchunk, l->nchunk + 1) || !(chunk = hd_alloc(a, room)))
            return NULL;
        l->chunks[l->nchunk++] = chunk;
        l->used = 0;
        l->room = room;
    }
    char *d = l->chunks[l->nchunk - 1] + l->used;
    memcpy(d, s, n);
    d[n] = '\0';
    l->used += n + 1;
    return d;
}

/* Room in the table for `more` names without growing past 3/4 full. */
static int table_room(const hsec_allocator *a, hd_links *l, size_t more)
{
    while ((l->nnames + more) * 4 > l->nslots * 3) {
        size_t cap = l->nslots ? 2 * l->nslots : 1024, mask = cap - 1;
        hd_slot *slots = cap > SIZE_MAX / sizeof *slots ? NULL : hd_calloc(a, cap, sizeof *slots);
        if (!slots || l->nnames >= UINT32_MAX - more) {
            hd_release(a, slots);
            return HSEC_ENOMEM;
        }
        if (!l->nslots)
            hash_key(l->key, l);
        for (size_t k = 0; k < l->nslots; k++) { /* placed by the half kept */
            if (!l->slots[k].tagidx)
                continue;
            size_t i = (size_t)(l->slots[k].tagidx >> 32) & mask;
            while (slots[i].tagidx)
                i = (i + 1) & mask;
            slots[i] = l->slots[k];
        }
        hd_release(a, l->slots);
        l->slots = slots;
        l->nslots = cap;
    }
    return HSEC_OK;
}

/* The index of s[0..n) (hash h, in a table with room for it), a new one
 * when it is not there yet. */
static uint32_t take(const hsec_allocator *a, hd_links *l, const char *s, size_t n, uint64_t h)
{
    size_t i = name_slot(l, s, n, h);
    if (!l->slots[i].tagidx) {
        char *copy = NULL;
        if (HD_RESERVE(a, l->names, l->capnames, l->nnames + 1) || !(copy = pool_copy(a, l, s, n)))
            return HD_LINK_UNSET;
        l->names[l->nnames++] = copy;
        l->slots[i].tagidx = (h >> 32 << 32) | l->nnames;
        l->slots[i].name = copy;
    }
    return (uint32_t)l->slots[i].tagidx - 1;
}

uint32_t hd_links_intern(const hsec_allocator *a, hd_links *l, const char *s, size_t n,
                         int cache)
{
    if (cache >= 0 && l->last[cache] && n == l->lastlen[cache] && same_name(l->last[cache], s, n))
        return l->lastidx[cache];
    if (table_room(a, l, 1))
        return HD_LINK_UNSET;
    uint32_t k = take(a, l, s, n, siphash(l->key, s, n));
    if (k != HD_LINK_UNSET && cache >= 0) {
        l->last[cache] = l->names[k];
        l->lastlen[cache] = n;
        l->lastidx[cache] = k;
    }
    return k;
}

int hd_links_intern_many(const hsec_allocator *a, hd_links *l, size_t k, const char *const *s,
                         const uint32_t *n, uint64_t *h, uint32_t *out)
{
    if (table_room(a, l, k))
        return HSEC_ENOMEM;
    /* the table is far larger than the cache: its slots, and then their
     * names, are asked for ahead, all of them before the first is read */
    const size_t mask = l->nslots - 1;
    for (size_t j = 0; j < k; j++) {
        h[j] = siphash(l->key, s[j], n[j]);
        __builtin_prefetch(&l->slots[(size_t)(h[j] >> 32) & mask]);
    }
    for (size_t j = 0; j < k; j++) {
        const hd_slot *v = &l->slots[(size_t)(h[j] >> 32) & mask];
        if (v->tagidx)
            __builtin_prefetch(v->name);
    }
    for (size_t j = 0; j < k; j++)
        if ((out[j] = take(a, l, s[j], n[j], h[j])) == HD_LINK_UNSET)
            return HSEC_ENOMEM;
    return HSEC_OK;
}

void hd_links_clear(const hsec_allocator *a, hd_links *l)
{
    for (size_t k = 0; k < l->nodd; k++)
        hd_free(a, l->odd[k].item);
    for (size_t k = 0; k < l->nchunk; k++)
        hd_release(a, l->chunks[k]);
    hd_release(a, l->odd);
    hd_release(a, l->from);
    hd_release(a, l->to);
    hd_release(a, l->w);
    hd_release(a, l->lag);
    hd_release(a, l->names);
    hd_release(a, l->slots);
    hd_release(a, l->chunks);
    memset(l, 0, sizeof *l);
}

/* ---- groups as columns */

int hd_groups_grow(const hsec_allocator *a, hd_groups *g, size_t hint)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap / 2 * 3 : hint > 256 ? hint : 256;
        if (cap <= g->cap || cap > SIZE_MAX / (HSEC_DIM_COUNT * sizeof(double)))
            return HSEC_ENOMEM;
        void **const cols[7] = {(void **)&g->id,       (void **)&g->region, (void **)&g->size,
                                (void **)&g->recovery, (void **)&g->vval,   (void **)&g->vn,
                                (void **)&g->vdim};
        const size_t elem[7] = {sizeof *g->id,       sizeof *g->region,
                                sizeof *g->size,     sizeof *g->recovery,
                                HSEC_DIM_COUNT * sizeof *g->vval, sizeof *g->vn,
                                HSEC_DIM_COUNT * sizeof *g->vdim};
        if (grow_columns(a, cols, elem, 7, cap))
            return HSEC_ENOMEM;
        g->cap = cap;
    }
    size_t i = g->n++;
    g->id[i] = g->region[i] = HD_LINK_UNSET;
    g->size[i] = 0;
    g->recovery[i] = NAN;
    g->vn[i] = 0;
    return HSEC_OK;
}

void hd_groups_clear(const hsec_allocator *a, hd_groups *g)
{
    for (size_t k = 0; k < g->nodd; k++)
        hd_free(a, g->odd[k].item);
    hd_links_clear(a, &g->names);
    hd_release(a, g->odd);
    hd_release(a, g->id);
    hd_release(a, g->region);
    hd_release(a, g->size);
    hd_release(a, g->recovery);
    hd_release(a, g->vval);
    hd_release(a, g->vn);
    hd_release(a, g->vdim);
    memset(g, 0, sizeof *g);
}

void hd_drop_if(const hsec_allocator *a, hd *obj,
                bool (*drop)(const char *key, const hd *val, const void *ctx), const void *ctx)
{
    if (!obj || obj->t != HD_OBJ)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < obj->n; i++) {
        if (drop(obj->keys[i], obj->items[i], ctx)) {
            hd_free(a, obj->items[i]);
            hd_release(a, obj->keys[i]);
            continue;
        }
        obj->keys[kept] = obj->keys[i];
        obj->items[kept++] = obj->items[i];
    }
    obj->n = kept;
    hd_release(a, obj->index); /* the keys moved */
    obj->index = NULL;
}

static bool same_key(const char *key, const hd *val, const void *ctx)
{
    (void)val;
    return strcmp(key, ctx) == 0;
}

void hd_drop(const hsec_allocator *a, hd *obj, const char *key)
{
    hd_drop_if(a, obj, same_key, key);
}
