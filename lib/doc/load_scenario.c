/*
 * The scenario document (doc/format.md) loaded through the public builder
 * API, as any client would. Every message names where in the document the
 * fault is: "groups[2] (elderly): size -5 is not a finite number >= 0".
 */
#include "doc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct ld {
    char *msg;
    hsec_model *m;
    hsec_scenario *s;
} ld;

static int fail(ld *l, int code, const char *fmt, ...) HD_PRINTF(3, 4);
static int fail(ld *l, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hd_vsetmsg(l->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* An API failure, prefixed with where it happened. */
static int api(ld *l, const char *where, int rc)
{
    if (rc) {
        const char *why = l->s ? hsec_scenario_errmsg(l->s) : hsec_model_errmsg(l->m);
        return fail(l, rc, "%s: %s", where, why);
    }
    return HSEC_OK;
}

/* Refuse keys not in `allowed` (NULL-terminated), except "x-" extensions. */
static int check_keys(ld *l, const char *where, const hd *obj, const char *const *allowed)
{
    for (size_t i = 0; i < obj->n; i++) {
        const char *k = obj->keys[i];
        bool ok = strncmp(k, "x-", 2) == 0;
        for (const char *const *a = allowed; !ok && *a; a++)
            ok = strcmp(k, *a) == 0;
        for (int opt = 0; !ok && opt < HSEC_OPTION_COUNT; opt++) { /* "run", "uncertainty" */
            const char *key = hd_option_number((hsec_option)opt, where);
            ok = key && strcmp(k, key) == 0;
        }
        if (!ok) {
            const char *cand[64];
            size_t nc = 0;
            for (const char *const *a = allowed; *a && nc < 64; a++)
                cand[nc++] = *a;
            for (int opt = 0; opt < HSEC_OPTION_COUNT && nc < 64; opt++) {
                const char *key = hd_option_number((hsec_option)opt, where);
                if (key)
                    cand[nc++] = key;
            }
            const char *near = hsec_nearest(k, cand, nc);
            return fail(l, HSEC_EFORMAT, "%s: unknown key \"%s\"%s%s%s", where, k,
                        near ? " (did you mean \"" : "", near ? near : "", near ? "\"?)" : "");
        }
    }
    return HSEC_OK;
}

/* The member `key` of obj with type t; NULL (and *rc set when required)
 * when absent, *rc set when of another type. */
static const hd *member(ld *l, int *rc, const char *where, const hd *obj, const char *key,
                        hd_type t, bool required)
{
    if (*rc) /* report the first fault only */
        return NULL;
    const hd *v = hd_get(obj, key);
    if (!v) {
        if (required)
            *rc = fail(l, HSEC_EFORMAT, "%s: \"%s\" is required", where, key);
        return NULL;
    }
    if (v->t != t) {
        *rc = fail(l, HSEC_EFORMAT, "%s: \"%s\" must be %s, not %s", where, key,
                   hd_type_name(t), hd_type_name(v->t));
        return NULL;
    }
    return v;
}

static const char *str_of(ld *l, int *rc, const char *where, const hd *obj, const char *key,
                          bool required)
{
    const hd *v = member(l, rc, where, obj, key, HD_STR, required);
    return v ? v->str : NULL;
}

/* A list: each item must be an object (or a string when strings is set). */
static const hd *list_of(ld *l, int *rc, const char *where, const hd *obj, const char *key,
                         bool required, hd_type item)
{
    const hd *v = member(l, rc, where, obj, key, HD_ARR, required);
    for (size_t i = 0; v && i < v->n; i++) {
        if (v->items[i]->t != item) {
            *rc = fail(l, HSEC_EFORMAT, "%s.%s[%zu] must be %s, not %s", where, key, i,
                       hd_type_name(item), hd_type_name(v->items[i]->t));
            return NULL;
        }
    }
    return v;
}

/* A name of an enumeration. */
static int enum_of(ld *l, int *out, const char *where, const char *key, hsec_enum which,
                   const char *name)
{
    if (hsec_enum_value(out, which, name) == HSEC_OK)
        return HSEC_OK;
    char known[400] = "";
    const char *n, *cand[32];
    size_t nc = 0;
    for (int i = 0; (n = hsec_enum_name(which, i)); i++) {
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", n);
        if (nc < 32)
            cand[nc++] = n;
    }
    const char *near = hsec_nearest(name, cand, nc);
    if (near)
        return fail(l, HSEC_EFORMAT, "%s: %s \"%s\" is not one of %s (did you mean \"%s\"?)",
                    where, key, name, known, near);
    return fail(l, HSEC_EFORMAT, "%s: %s \"%s\" is not one of %s", where, key, name, known);
}

/* s (cut to fit) at the end of the text in buf[0 .. size - 1]: the
 * places in messages are made for every item of a national document, so
 * without printf. */
static void put_text(char *buf, size_t size, const char *s)
{
    size_t len = strlen(buf), n = strlen(s);
    if (len + 1 >= size)
        return;
    n = n < size - 1 - len ? n : size - 1 - len;
    memcpy(buf + len, s, n);
    buf[len + n] = '\0';
}

/* "groups[2] (g).vulnerability": where, then the field's key. */
static void field_of(char *field, size_t size, const char *where, const char *key)
{
    field[0] = '\0';
    put_text(field, size, where);
    put_text(field, size, ".");
    put_text(field, size, key);
}

/* One dimension's value of a per-dimension field: parameter p of node
 * "id.dim". */
static int dim_set(ld *l, const char *field, const char *id, const char *dim, hsec_param p,
                   double v)
{
    char node[HD_ID_MAX + 32];
    snprintf(node, sizeof node, "%s.%s", id, dim);
    return api(l, field, hsec_model_set(l->m, node, p, v));
}

/* A per-dimension field: one number for all seven, or an object of named
 * dimensions. */
static int per_dim(ld *l, const char *where, const hd *obj, const char *id, const char *key,
                   hsec_param p)
{
    const hd *v = hd_get(obj, key);
    if (!v)
        return HSEC_OK;
    char field[128];
    field_of(field, sizeof field, where, key);
    if (v->t == HD_NUM)
        return api(l, field, hsec_model_set(l->m, id, p, v->num));
    if (v->t != HD_OBJ)
        return fail(l, HSEC_EFORMAT, "%s must be a number or an object of dimensions, not %s",
                    field, hd_type_name(v->t));
    for (size_t i = 0; i < v->n; i++) {
        int d, rc;
        if ((rc = enum_of(l, &d, field, "dimension", HSEC_ENUM_DIMENSION, v->keys[i])))
            return rc;
        if (v->items[i]->t != HD_NUM)
            return fail(l, HSEC_EFORMAT, "%s.%s must be a number, not %s", field, v->keys[i],
                        hd_type_name(v->items[i]->t));
        if ((rc = dim_set(l, field, id, v->keys[i], p, v->items[i]->num)))
            return rc;
    }
    return HSEC_OK;
}

/* Load each object of the document's array `key` with fn, after refusing
 * keys not in `keys`. fn gets the object's place ("groups[2]"), which it may
 * extend with the object's id. */
typedef int (*item_fn)(ld *l, const hd *o, char *where, size_t wsize);

/* "key[i]" into where. */
static void item_where(char *where, size_t wsize, const char *key, size_t i)
{
    char num[24];
    size_t at = sizeof num - 1;
    num[at] = '\0';
    for (size_t v = i; at == sizeof num - 1 || v; v /= 10)
        num[--at] = (char)('0' + v % 10);
    where[0] = '\0';
    put_text(where, wsize, key);
    put_text(where, wsize, "[");
    put_text(where, wsize, num + at);
    put_text(where, wsize, "]");
}

static int each(ld *l, const hd *doc, const char *key, const char *const *keys, item_fn fn)
{
    int rc = HSEC_OK;
    const hd *list = list_of(l, &rc, "document", doc, key, false, HD_OBJ);
    for (size_t i = 0; list && !rc && i < list->n; i++) {
        char where[160];
        item_where(where, sizeof where, key, i);
        if (!(rc = check_keys(l, where, list->items[i], keys)))
            rc = fn(l, list->items[i], where, sizeof where);
    }
    return rc;
}

/* "groups[2]" becomes "groups[2] (elderly)". */
static void name_where(char *where, size_t wsize, const char *id)
{
    put_text(where, wsize, " (");
    put_text(where, wsize, id);
    put_text(where, wsize, ")");
}

static int region_item(ld *l, const hd *o, char *where, size_t wsize)
{
    (void)wsize;
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const char *parent = str_of(l, &rc, where, o, "parent", false);
    const char *label = str_of(l, &rc, where, o, "label", false);
    if (!rc)
        rc = api(l, where, hsec_model_add_region(l->m, id, parent));
    if (!rc && label)
        rc = api(l, where, hsec_model_set_label(l->m, id, label));
    return rc;
}

/* A list of topics (names of HSEC_ENUM_TOPIC) as bits into *bits; absent: 0. */
static int topics_of(ld *l, const char *where, const hd *o, unsigned *bits)
{
    int rc = HSEC_OK;
    *bits = 0;
    const hd *list = list_of(l, &rc, where, o, "topics", false, HD_STR);
    for (size_t i = 0; list && !rc && i < list->n; i++) {
        int bit;
        if (!(rc = enum_of(l, &bit, where, "topic", HSEC_ENUM_TOPIC, list->items[i]->str)))
            *bits |= 1u << bit;
    }
    return rc;
}

/* A group may give a rate (recovery, onset) for some dimensions and a time
 * (recovery_time, onset_time) for others, never both for one dimension. */
static int rate_or_time(ld *l, const char *where, const hd *o, const char *rate,
                        const char *time)
{
    const hd *r = hd_get(o, rate), *t = hd_get(o, time);
    if (!r || !t)
        return HSEC_OK;
    if (r->t != HD_OBJ || t->t != HD_OBJ)
        return fail(l, HSEC_EFORMAT, "%s: give %s or %s for each dimension, not both", where,
                    rate, time);
    for (size_t i = 0; i < r->n; i++)
        if (hd_get(t, r->keys[i]))
            return fail(l, HSEC_EFORMAT, "%s: dimension %s has both %s and %s", where,
                        r->keys[i], rate, time);
    return HSEC_OK;
}

static int group_item(ld *l, const hd *o, char *where, size_t wsize)
{
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const char *region = str_of(l, &rc, where, o, "region", true);
    const hd *size = member(l, &rc, where, o, "size", HD_NUM, true);
    if (rc || (rc = api(l, where, hsec_model_add_group(l->m, id, region, size->num))))
        return rc;
    name_where(where, wsize, id);
    const hd *flags = list_of(l, &rc, where, o, "flags", false, HD_STR);
    unsigned bits = 0;
    for (size_t f = 0; flags && !rc && f < flags->n; f++) {
        int bit;
        if (!(rc = enum_of(l, &bit, where, "flag", HSEC_ENUM_FLAG, flags->items[f]->str)))
            bits |= 1u << bit;
    }
    if (!rc && flags)
        rc = api(l, where, hsec_model_set_group_flags(l->m, id, bits));
    if (!rc)
        rc = rate_or_time(l, where, o, "recovery", "recovery_time");
    if (!rc)
        rc = rate_or_time(l, where, o, "onset", "onset_time");
    static const struct {
        const char *key;
        hsec_param param;
    } dims[] = {{"vulnerability", HSEC_PARAM_VULNERABILITY}, {"recovery", HSEC_PARAM_RECOVERY},
                {"recovery_time", HSEC_PARAM_RECOVERY_TIME}, {"onset", HSEC_PARAM_ONSET},
                {"onset_time", HSEC_PARAM_ONSET_TIME},       {"baseline", HSEC_PARAM_BASELINE},
                {"initial", HSEC_PARAM_INITIAL}};
    for (size_t k = 0; k < sizeof dims / sizeof *dims && !rc; k++)
        rc = per_dim(l, where, o, id, dims[k].key, dims[k].param);
    const hd *w = member(l, &rc, where, o, "weights", HD_OBJ, false);
    if (!rc && w) { /* named dimensions; the others weigh 0 */
        rc = api(l, where, hsec_model_set(l->m, id, HSEC_PARAM_WEIGHT, 0));
        if (!rc)
            rc = per_dim(l, where, o, id, "weights", HSEC_PARAM_WEIGHT);
    }
    return rc;
}

/* A plain group from the columns a CBOR reader left: the calls group_item
 * makes for the same keys, in the same order. */
static int group_plain(ld *l, const hd_groups *g, size_t i, char *where, size_t wsize)
{
    const char *id = g->names.names[g->id[i]], *region = g->names.names[g->region[i]];
    int rc = api(l, where, hsec_model_add_group(l->m, id, region, g->size[i]));
    if (rc)
        return rc;
    name_where(where, wsize, id);
    char field[128];
    const unsigned vn = g->vn[i];
    const double *vv = g->vval + i * HSEC_DIM_COUNT;
    const unsigned char *vd = g->vdim + i * HSEC_DIM_COUNT;
    if (vn) {
        field_of(field, sizeof field, where, "vulnerability");
        if (vn == HD_VULN_ALL)
            rc = api(l, field, hsec_model_set(l->m, id, HSEC_PARAM_VULNERABILITY, vv[0]));
        for (unsigned j = 0; !rc && vn != HD_VULN_ALL && j < vn; j++)
            rc = dim_set(l, field, id, hsec_enum_name(HSEC_ENUM_DIMENSION, vd[j]),
                         HSEC_PARAM_VULNERABILITY, vv[j]);
    }
    if (!rc && g->recovery[i] == g->recovery[i]) { /* (NaN: not given) */
        field_of(field, sizeof field, where, "recovery");
        rc = api(l, field, hsec_model_set(l->m, id, HSEC_PARAM_RECOVERY, g->recovery[i]));
    }
    return rc;
}

/* The groups: the columns a CBOR reader left (HD_GROUPS), each item it
 * kept as a tree judged as before and in its place, or, from JSON, an
 * array of trees. */
static int load_groups(ld *l, const hd *doc, const char *const *keys)
{
    const hd *v = hd_get(doc, "groups");
    if (!v || v->t != HD_GROUPS)
        return each(l, doc, "groups", keys, group_item);
    const hd_groups *g = v->groups;
    for (size_t k = 0; k < g->nodd; k++) /* as list_of: every item's type first */
        if (g->odd[k].item->t != HD_OBJ)
            return fail(l, HSEC_EFORMAT, "document.groups[%zu] must be %s, not %s",
                        g->odd[k].at, hd_type_name(HD_OBJ), hd_type_name(g->odd[k].item->t));
    int rc = HSEC_OK;
    for (size_t i = 0, k = 0; !rc && i < v->n; i++) {
        char where[160];
        item_where(where, sizeof where, "groups", i);
        if (k < g->nodd && g->odd[k].at == i) {
            const hd *o = g->odd[k++].item;
            if (!(rc = check_keys(l, where, o, keys)))
                rc = group_item(l, o, where, sizeof where);
        } else {
            rc = group_plain(l, g, i, where, sizeof where);
        }
    }
    return rc;
}

static int service_item(ld *l, const hd *o, char *where, size_t wsize)
{
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const char *kind = str_of(l, &rc, where, o, "kind", true);
    const char *region = str_of(l, &rc, where, o, "region", false);
    const char *label = str_of(l, &rc, where, o, "label", false);
    int k = 0;
    if (!rc)
        rc = enum_of(l, &k, where, "kind", HSEC_ENUM_SERVICE_KIND, kind);
    if (rc || (rc = api(l, where, hsec_model_add_service(l->m, id, (hsec_service_kind)k,
                                                         region))))
        return rc;
    name_where(where, wsize, id);
    if (label && (rc = api(l, where, hsec_model_set_label(l->m, id, label))))
        return rc;
    if (hd_get(o, "recovery") && hd_get(o, "recovery_time"))
        return fail(l, HSEC_EFORMAT, "%s: give recovery or recovery_time, not both", where);
    if (hd_get(o, "onset") && hd_get(o, "onset_time"))
        return fail(l, HSEC_EFORMAT, "%s: give onset or onset_time, not both", where);
    static const char *const nums[] = {"recovery", "recovery_time", "onset", "onset_time",
                                       "initial"};
    static const hsec_param params[] = {HSEC_PARAM_RECOVERY, HSEC_PARAM_RECOVERY_TIME,
                                        HSEC_PARAM_ONSET, HSEC_PARAM_ONSET_TIME,
                                        HSEC_PARAM_INITIAL};
    for (int p = 0; p < 5 && !rc; p++) {
        const hd *v = member(l, &rc, where, o, nums[p], HD_NUM, false);
        if (v)
            rc = api(l, where, hsec_model_set(l->m, id, params[p], v->num));
    }
    return rc;
}

/* The links, in one call of hsec_model_add_links_indexed: the columns a
 * CBOR reader left (HD_LINKS), or, from JSON, an array of trees. Each item
 * kept as a tree is checked here as before, in order, and put into the
 * columns; the call then checks the values of the links before the first
 * that failed, so that the first fault in the document's order is the one
 * reported, with the message it always had ("links[12]: link a -> b:
 * weight ..."). */
static int load_links(ld *l, const hd *doc, const hsec_allocator *a)
{
    static const char *const keys[] = {"from", "to", "weight", "lag", NULL};
    const hd *v = hd_get(doc, "links");
    if (!v)
        return HSEC_OK;
    if (v->t != HD_ARR && v->t != HD_LINKS)
        return fail(l, HSEC_EFORMAT, "document: \"links\" must be %s, not %s",
                    hd_type_name(HD_ARR), hd_type_name(v->t));
    hd_links own, *cols = v->t == HD_LINKS ? v->links : &own;
    memset(&own, 0, sizeof own);
    const hsec_allocator *ca = cols->a ? cols->a : a; /* the reader's columns: the tree's */
    size_t trees = v->t == HD_LINKS ? cols->nodd : v->n;
    int rc = HSEC_OK;
    for (size_t k = 0; k < trees && !rc; k++) { /* every item an object, first */
        size_t at = v->t == HD_LINKS ? cols->odd[k].at : k;
        const hd *o = v->t == HD_LINKS ? cols->odd[k].item : v->items[k];
        if (o->t != HD_OBJ)
            rc = fail(l, HSEC_EFORMAT, "document.links[%zu] must be %s, not %s", at,
                      hd_type_name(HD_OBJ), hd_type_name(o->t));
    }
    for (size_t i = 0; v->t == HD_ARR && i < v->n && !rc; i++)
        if (hd_links_grow(ca, cols, v->n))
            rc = fail(l, HSEC_ENOMEM, "links: out of memory");
    size_t bad = v->n; /* the first item kept as a tree that fails, and why */
    int badrc = HSEC_OK;
    for (size_t k = 0; k < trees && !rc; k++) {
        size_t at = v->t == HD_LINKS ? cols->odd[k].at : k;
        const hd *o = v->t == HD_LINKS ? cols->odd[k].item : v->items[k];
        char where[48];
        snprintf(where, sizeof where, "links[%zu]", at);
        int r = check_keys(l, where, o, keys);
        const char *from = r ? NULL : str_of(l, &r, where, o, "from", true);
        const char *to = str_of(l, &r, where, o, "to", true);
        const hd *w = member(l, &r, where, o, "weight", HD_NUM, true);
        const hd *lag = member(l, &r, where, o, "lag", HD_NUM, false);
        if (r) {
            bad = at;
            badrc = r;
            break;
        }
        cols->from[at] = hd_links_intern(ca, cols, from, strlen(from), 0);
        cols->to[at] = hd_links_intern(ca, cols, to, strlen(to), 1);
        cols->w[at] = w->num;
        cols->lag[at] = lag ? lag->num : 0;
        if (cols->from[at] == HD_LINK_UNSET || cols->to[at] == HD_LINK_UNSET)
            rc = fail(l, HSEC_ENOMEM, "links: out of memory");
    }
    if (!rc) {
        int r = hsec_model_add_links_indexed(l->m, (const char *const *)cols->names,
                                             cols->nnames, cols->from, cols->to, cols->w,
                                             cols->lag, bad);
        if (r == HSEC_ENOMEM)
            rc = fail(l, r, "links: out of memory");
        else if (r)
            rc = fail(l, r, "%s", hsec_model_errmsg(l->m));
        else
            rc = badrc; /* its message is set */
    }
    /* the model holds the links now: the columns go back before the model
     * compiles (a national document's take a quarter of a gigabyte) */
    hd_links_clear(ca, cols);
    return rc;
}

static int load_templates(ld *l, const hd *doc)
{
    int rc = HSEC_OK;
    const hd *t = list_of(l, &rc, "document", doc, "templates", false, HD_STR);
    for (size_t i = 0; t && !rc && i < t->n; i++)
        rc = api(l, "templates", hsec_model_use_template(l->m, t->items[i]->str));
    return rc;
}

/* start, duration (null: persistent) and the like: numbers set through fn. */
static int timing(ld *l, const char *where, const hd *o, const char *id, const char *key,
                  hsec_timing what,
                  int (*fn)(hsec_scenario *, const char *, hsec_timing, double))
{
    const hd *v = hd_get(o, key);
    if (!v)
        return HSEC_OK;
    if (what == HSEC_TIMING_DURATION && v->t == HD_NULL)
        return api(l, where, fn(l->s, id, what, HSEC_PERSISTENT));
    if (v->t != HD_NUM)
        return fail(l, HSEC_EFORMAT, "%s: \"%s\" must be a number%s, not %s", where, key,
                    what == HSEC_TIMING_DURATION ? " or null" : "", hd_type_name(v->t));
    if (v->num < 0 && what == HSEC_TIMING_DURATION) /* -1 is not a way to say persistent */
        return fail(l, HSEC_EINVAL, "%s: duration %g is negative (null means persistent)",
                    where, v->num);
    return api(l, where, fn(l->s, id, what, v->num));
}

static int threat_item(ld *l, const hd *o, char *where, size_t wsize)
{
    static const char *const tkeys[] = {"node", "magnitude", NULL};
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const char *actor = str_of(l, &rc, where, o, "actor", false);
    const hd *targets = list_of(l, &rc, where, o, "targets", true, HD_OBJ);
    int a = HSEC_THREAT_UNKNOWN;
    if (!rc && actor)
        rc = enum_of(l, &a, where, "actor", HSEC_ENUM_THREAT_ACTOR, actor);
    if (rc || (rc = api(l, where, hsec_scenario_add_threat(l->s, id, (hsec_threat_actor)a))))
        return rc;
    name_where(where, wsize, id);
    unsigned topics;
    if ((rc = topics_of(l, where, o, &topics)) ||
        (topics && (rc = api(l, where, hsec_scenario_set_threat_topics(l->s, id, topics)))))
        return rc;
    if (!rc)
        rc = timing(l, where, o, id, "start", HSEC_TIMING_START, hsec_scenario_set_threat);
    if (!rc)
        rc = timing(l, where, o, id, "duration", HSEC_TIMING_DURATION,
                    hsec_scenario_set_threat);
    if (!rc)
        rc = timing(l, where, o, id, "likelihood", HSEC_TIMING_LIKELIHOOD,
                    hsec_scenario_set_threat);
    for (size_t t = 0; !rc && t < targets->n; t++) {
        const hd *to = targets->items[t];
        char tw[160];
        snprintf(tw, sizeof tw, "%s.targets[%zu]", where, t);
        if ((rc = check_keys(l, tw, to, tkeys)))
            break;
        const char *node = str_of(l, &rc, tw, to, "node", true);
        const hd *mag = member(l, &rc, tw, to, "magnitude", HD_NUM, true);
        if (!rc)
            rc = api(l, tw, hsec_scenario_add_threat_target(l->s, id, node, mag->num));
    }
    return rc;
}

static int measure_item(ld *l, const hd *o, char *where, size_t wsize)
{
    static const char *const tkeys[] = {"node", "from", "to", NULL};
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const char *kind = str_of(l, &rc, where, o, "kind", true);
    const char *effect = str_of(l, &rc, where, o, "effect", true);
    const char *actor = str_of(l, &rc, where, o, "actor", false);
    const hd *targets = list_of(l, &rc, where, o, "targets", true, HD_OBJ);
    int k = 0, e = 0, a = 0;
    if (!rc)
        rc = enum_of(l, &k, where, "kind", HSEC_ENUM_MEASURE_KIND, kind);
    if (!rc)
        rc = enum_of(l, &e, where, "effect", HSEC_ENUM_EFFECT, effect);
    a = k == HSEC_PROTECTION ? HSEC_BY_HOST_GOVERNMENT : HSEC_BY_COMMUNITY;
    if (!rc && actor)
        rc = enum_of(l, &a, where, "actor", HSEC_ENUM_MEASURE_ACTOR, actor);
    const char *want = e == HSEC_RECOVER ? "delta" : "fraction";
    const char *other = e == HSEC_RECOVER ? "fraction" : "delta";
    const hd *strength = member(l, &rc, where, o, want, HD_NUM, false);
    if (!rc && hd_get(o, other))
        rc = fail(l, HSEC_EFORMAT, "%s: \"%s\" does not apply to effect %s (give \"%s\")",
                  where, other, effect, want);
    if (!rc && !strength)
        rc = fail(l, HSEC_EFORMAT, "%s: \"%s\" is required for effect %s", where, want,
                  effect);
    if (rc || (rc = api(l, where, hsec_scenario_add_measure(
                                      l->s, id, (hsec_measure_kind)k, (hsec_effect)e,
                                      (hsec_measure_actor)a, strength->num))))
        return rc;
    name_where(where, wsize, id);
    unsigned topics;
    if ((rc = topics_of(l, where, o, &topics)) ||
        (topics && (rc = api(l, where, hsec_scenario_set_measure_topics(l->s, id, topics)))))
        return rc;
    const char *branch = str_of(l, &rc, where, o, "branch", false);
    int b = HSEC_BRANCH_NONE;
    if (!rc && branch && !(rc = enum_of(l, &b, where, "branch", HSEC_ENUM_BRANCH, branch)))
        rc = api(l, where, hsec_scenario_set_measure_branch(l->s, id, (hsec_branch)b));
    if (rc)
        return rc;
    static const char *const tk[] = {"start", "ramp", "duration", "cost"};
    static const hsec_timing tw[] = {HSEC_TIMING_START, HSEC_TIMING_RAMP,
                                     HSEC_TIMING_DURATION, HSEC_TIMING_COST};
    for (int p = 0; p < 4 && !rc; p++)
        rc = timing(l, where, o, id, tk[p], tw[p], hsec_scenario_set_measure);
    for (size_t t = 0; !rc && t < targets->n; t++) {
        const hd *to = targets->items[t];
        char w2[160];
        snprintf(w2, sizeof w2, "%s.targets[%zu]", where, t);
        if ((rc = check_keys(l, w2, to, tkeys)))
            break;
        const char *node = str_of(l, &rc, w2, to, "node", false);
        const char *from = str_of(l, &rc, w2, to, "from", false);
        const char *dst = str_of(l, &rc, w2, to, "to", false);
        if (rc)
            break;
        if (node && !from && !dst)
            rc = api(l, w2, hsec_scenario_add_measure_target(l->s, id, node));
        else if (!node && dst)
            rc = api(l, w2, hsec_scenario_add_measure_link(l->s, id, from, dst));
        else
            rc = fail(l, HSEC_EFORMAT, "%s: give {\"node\"}, {\"from\", \"to\"} or {\"to\"}",
                      w2);
    }
    return rc;
}

static int package_item(ld *l, const hd *o, char *where, size_t wsize)
{
    int rc = HSEC_OK;
    const char *id = str_of(l, &rc, where, o, "id", true);
    const hd *ms = list_of(l, &rc, where, o, "measures", true, HD_STR);
    if (rc || (rc = api(l, where, hsec_scenario_add_package(l->s, id))))
        return rc;
    name_where(where, wsize, id);
    for (size_t i = 0; !rc && i < ms->n; i++)
        rc = api(l, where, hsec_scenario_package_add(l->s, id, ms->items[i]->str));
    return rc;
}

const char *hd_option_number(hsec_option opt, const char *object)
{
    const char *key = hsec_option_key(opt);
    size_t n = strlen(object);
    if (!key || strncmp(key, object, n) != 0 || key[n] != '.')
        return NULL;
    key += n + 1;
    /* these have rules of their own: a string, a truth value, required in
     * dynamic mode, an array */
    static const char *const own[] = {"mode", "bounded", "steps", NULL};
    for (const char *const *k = own; *k; k++)
        if (strcmp(key, *k) == 0)
            return NULL;
    return strchr(key, '[') ? NULL : key;
}

/* The run options under `object` that are plain numbers, set from it. */
static int load_numbers(ld *l, const hd *obj, const char *object)
{
    int rc = HSEC_OK;
    for (int opt = 0; opt < HSEC_OPTION_COUNT && !rc; opt++) {
        const char *key = hd_option_number((hsec_option)opt, object);
        const hd *v = key ? member(l, &rc, object, obj, key, HD_NUM, false) : NULL;
        if (v)
            rc = api(l, object, hsec_scenario_set_option(l->s, (hsec_option)opt, v->num));
    }
    return rc;
}

static int load_run(ld *l, const hd *doc)
{
    /* and the options that are plain numbers (hd_option_number) */
    static const char *const keys[] = {"mode", "steps", "bounded", "record", "bands",
                                       "step_unit", NULL};
    int rc = HSEC_OK;
    const hd *run = member(l, &rc, "document", doc, "run", HD_OBJ, false);
    if (rc || !run)
        return rc;
    if ((rc = check_keys(l, "run", run, keys)))
        return rc;
    const char *mode = str_of(l, &rc, "run", run, "mode", false);
    if (!rc && mode) {
        if (strcmp(mode, "static") == 0)
            rc = api(l, "run.mode", hsec_scenario_set_option(l->s, HSEC_OPT_MODE, 0));
        else if (strcmp(mode, "dynamic") == 0)
            rc = api(l, "run.mode", hsec_scenario_set_option(l->s, HSEC_OPT_MODE, 1));
        else
            rc = fail(l, HSEC_EFORMAT, "run: mode \"%s\" is not static or dynamic", mode);
    }
    const hd *steps = member(l, &rc, "run", run, "steps", HD_NUM, false);
    if (!rc && steps)
        rc = api(l, "run", hsec_scenario_set_option(l->s, HSEC_OPT_STEPS, steps->num));
    if (!rc && mode && strcmp(mode, "dynamic") == 0 && !steps)
        rc = fail(l, HSEC_EFORMAT, "run: \"steps\" is required in dynamic mode");
    const hd *bounded = member(l, &rc, "run", run, "bounded", HD_BOOL, false);
    if (!rc && bounded)
        rc = api(l, "run", hsec_scenario_set_option(l->s, HSEC_OPT_BOUNDED, bounded->b));
    if (!rc)
        rc = load_numbers(l, run, "run");
    const hd *bands = list_of(l, &rc, "run", run, "bands", false, HD_NUM);
    if (!rc && bands) {
        if (bands->n != 2)
            rc = fail(l, HSEC_EFORMAT, "run.bands must hold 2 numbers (the last step of "
                      "short and of medium), not %zu", bands->n);
        if (!rc)
            rc = api(l, "run", hsec_scenario_set_option(l->s, HSEC_OPT_BAND_SHORT,
                                                        bands->items[0]->num));
        if (!rc)
            rc = api(l, "run", hsec_scenario_set_option(l->s, HSEC_OPT_BAND_MEDIUM,
                                                        bands->items[1]->num));
        if (!rc && bands->items[0]->num > bands->items[1]->num)
            rc = fail(l, HSEC_EINVAL, "run.bands: short ends at %g, after medium (%g)",
                      bands->items[0]->num, bands->items[1]->num);
    }
    const char *unit = str_of(l, &rc, "run", run, "step_unit", false);
    if (!rc && unit)
        rc = api(l, "run", hsec_scenario_set_step_unit(l->s, unit));
    const hd *rec = list_of(l, &rc, "run", run, "record", false, HD_STR);
    for (size_t i = 0; rec && !rc && i < rec->n; i++)
        rc = api(l, "run", hsec_scenario_record(l->s, rec->items[i]->str));
    return rc;
}

static int load_uncertainty(ld *l, const hd *doc)
{
    /* and the options that are plain numbers (hd_option_number) */
    static const char *const keys[] = {"weights", "magnitudes", "recovery", "quantiles", NULL};
    int rc = HSEC_OK;
    const hd *u = member(l, &rc, "document", doc, "uncertainty", HD_OBJ, false);
    if (rc || !u || (rc = check_keys(l, "uncertainty", u, keys)))
        return rc;
    for (int k = 0; k < HSEC_UNCERTAIN_COUNT && !rc; k++) {
        const hd *r = list_of(l, &rc, "uncertainty", u, keys[k], false, HD_NUM);
        if (!r)
            continue;
        if (r->n != 3)
            return fail(l, HSEC_EFORMAT, "uncertainty.%s must hold 3 numbers (low, mode, "
                        "high), not %zu", keys[k], r->n);
        rc = api(l, "uncertainty",
                 hsec_scenario_set_uncertainty(l->s, (hsec_uncertain)k, r->items[0]->num,
                                               r->items[1]->num, r->items[2]->num));
    }
    if (!rc)
        rc = load_numbers(l, u, "uncertainty");
    const hd *q = list_of(l, &rc, "uncertainty", u, "quantiles", false, HD_NUM);
    if (!rc && q) {
        double qs[32];
        if (q->n == 0 || q->n > sizeof qs / sizeof *qs)
            return fail(l, HSEC_EINVAL, "uncertainty.quantiles: %zu values (1 to %zu)", q->n,
                        sizeof qs / sizeof *qs);
        for (size_t i = 0; i < q->n; i++)
            qs[i] = q->items[i]->num;
        rc = api(l, "uncertainty", hsec_scenario_set_quantiles(l->s, qs, q->n));
    }
    return rc;
}

/* Items in the document's array `key` (0 when absent or not an array). */
static size_t count_of(const hd *doc, const char *key)
{
    const hd *v = hd_get(doc, key);
    return v && (v->t == HD_ARR || v->t == HD_LINKS || v->t == HD_GROUPS) ? v->n : 0;
}

int hd_load_tree(hsec_scenario **out, const hd *doc, const hsec_allocator *a,
                 const hd_limits *lim, char *msg)
{
    static const char *const keys[] = {"hsec",     "name",     "regions",   "groups",
                                       "services", "links",    "templates", "threats",
                                       "measures", "packages", "run",       "uncertainty",
                                       NULL};
    *out = NULL;
    ld l = {msg, NULL, NULL};
    int rc = HSEC_OK;
    if (doc->t != HD_OBJ)
        return fail(&l, HSEC_EFORMAT, "document: must be an object, not %s",
                    hd_type_name(doc->t));
    if ((rc = check_keys(&l, "document", doc, keys)))
        return rc;
    const hd *ver = member(&l, &rc, "document", doc, "hsec", HD_NUM, true);
    if (!rc && ver->num != 1)
        rc = fail(&l, HSEC_EFORMAT, "document: hsec %g is not a format version this library "
                  "reads (1)", ver->num);
    str_of(&l, &rc, "document", doc, "name", false);
    if (rc)
        return rc;
    /* sizes first: nothing is built for a document over the limits */
    size_t groups = count_of(doc, "groups"), nodes = count_of(doc, "services");
    nodes = groups > (SIZE_MAX - nodes) / HSEC_DIM_COUNT ? SIZE_MAX
                                                          : nodes + groups * HSEC_DIM_COUNT;
    if (nodes > lim->nodes)
        return fail(&l, HSEC_EFORMAT, "document: %zu nodes (the limit is %llu)", nodes,
                    (unsigned long long)lim->nodes);
    if (count_of(doc, "links") > lim->links)
        return fail(&l, HSEC_EFORMAT, "document: %zu links (the limit is %llu)",
                    count_of(doc, "links"), (unsigned long long)lim->links);
    if ((rc = hsec_model_new(&l.m, a)))
        return fail(&l, rc, "out of memory");
    static const hsec_limit handed[] = {HSEC_LIMIT_NODES, HSEC_LIMIT_LINKS, HSEC_LIMIT_MEMORY};
    const uint64_t value[] = {lim->nodes, lim->links, lim->memory};
    for (size_t i = 0; i < sizeof handed / sizeof *handed; i++)
        hsec_model_set_limit(l.m, handed[i], value[i]); /* cannot fail: values checked */
    hsec_compiled *c = NULL;
    static const char *const region_keys[] = {"id", "parent", "label", NULL};
    static const char *const group_keys[] = {
        "id",      "region",        "size",    "flags",    "vulnerability", "recovery",
        "recovery_time", "onset", "onset_time", "weights", "baseline", "initial", NULL};
    static const char *const service_keys[] = {"id",       "kind",          "region",
                                               "recovery", "recovery_time", "onset",
                                               "onset_time", "initial", "label", NULL};
    static const char *const threat_keys[] = {"id",       "targets",    "actor", "start",
                                              "duration", "likelihood", "topics", NULL};
    static const char *const measure_keys[] = {"id",    "kind",     "effect", "targets",
                                               "actor", "fraction", "delta",  "start",
                                               "ramp",  "duration", "cost",   "topics",
                                               "branch", NULL};
    static const char *const package_keys[] = {"id", "measures", NULL};
    if (!(rc = each(&l, doc, "regions", region_keys, region_item)) &&
        !(rc = load_groups(&l, doc, group_keys)) &&
        !(rc = each(&l, doc, "services", service_keys, service_item)) &&
        !(rc = load_links(&l, doc, a)) && !(rc = load_templates(&l, doc)))
        rc = api(&l, "model", hsec_model_compile(&c, l.m));
    hsec_model_free(l.m);
    l.m = NULL;
    if (rc)
        return rc;
    rc = hsec_scenario_new(&l.s, c);
    hsec_compiled_free(c); /* the scenario holds its own reference */
    if (rc)
        return fail(&l, rc, "out of memory");
    if (!(rc = each(&l, doc, "threats", threat_keys, threat_item)) &&
        !(rc = each(&l, doc, "measures", measure_keys, measure_item)) &&
        !(rc = each(&l, doc, "packages", package_keys, package_item)) &&
        !(rc = load_run(&l, doc)))
        rc = load_uncertainty(&l, doc);
    uint64_t bytes;
    if (!rc && (rc = hsec_scenario_memory(&bytes, l.s)))
        rc = fail(&l, rc, "run: %s", hsec_last_errmsg());
    if (!rc && (rc = hd_documents_fit(l.s)))
        rc = fail(&l, rc, "run: %s", hsec_last_errmsg());
    if (rc) {
        hsec_scenario_free(l.s);
        return rc;
    }
    *out = l.s;
    return HSEC_OK;
}
