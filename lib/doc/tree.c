/* The document tree. */
#include "doc.h"

#include <string.h>

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
    hd_release(a, d->str);
    hd_release(a, d);
}

hd *hd_get(const hd *obj, const char *key)
{
    if (!obj || obj->t != HD_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *hd_type_name(hd_type t)
{
    static const char *const names[] = {"null",  "a boolean", "a number", "a string",
                                        "an array", "an object", "an array"};
    return names[t];
}
