/* The model builder: each value is checked as it is added. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define FAIL(m, code, ...)                  \
    do {                                    \
        hx_setmsg((m)->err, __VA_ARGS__);   \
        return (code);                      \
    } while (0)

int hsec_model_new(hsec_model **out, const hsec_allocator *alloc)
{
    if (!out)
        return hx_fail(HSEC_EINVAL, "model_new: out is NULL");
    *out = NULL;
    hsec_allocator a;
    if (!hx_allocator_of(&a, alloc))
        return HSEC_EINVAL;
    hsec_model *m = hx_calloc(&a, 1, sizeof *m);
    if (!m)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    m->a = a;
    *out = m;
    return HSEC_OK;
}

void hsec_model_free(hsec_model *m)
{
    if (!m)
        return;
    const hsec_allocator *a = &m->a;
    for (size_t i = 0; i < m->nregion; i++) {
        hx_free(a, m->regions[i].id);
        hx_free(a, m->regions[i].parent);
        hx_free(a, m->regions[i].label);
    }
    for (size_t i = 0; i < m->ngroup; i++) {
        hx_free(a, m->groups[i].id);
        hx_free(a, m->groups[i].region);
    }
    for (size_t i = 0; i < m->nservice; i++) {
        hx_free(a, m->services[i].id);
        hx_free(a, m->services[i].region);
        hx_free(a, m->services[i].label);
    }
    for (size_t i = 0; i < m->pool.nchunk; i++)
        hx_free(a, m->pool.chunks[i]);
    hx_free(a, m->pool.chunks);
    hx_free(a, m->lname);
    hx_map_free(a, &m->lnames);
    hx_free(a, m->regions);
    hx_free(a, m->groups);
    hx_free(a, m->services);
    hx_free(a, m->order);
    hx_free(a, m->links);
    hx_map_free(a, &m->names);
    hsec_allocator copy = m->a;
    hx_free(&copy, m);
}

const char *hsec_model_errmsg(const hsec_model *m)
{
    return m ? m->err : "no model";
}

/* Check a new id of the shared namespace. */
static int check_new_id(hsec_model *m, const char *what, const char *id)
{
    if (!hx_valid_id(id))
        FAIL(m, HSEC_EINVAL, "%s id \"%s\" is not [A-Za-z0-9_:-]{1,64}", what, hx_show(id));
    if (hx_map_get(&m->names, id, NULL))
        FAIL(m, HSEC_EEXIST, "%s id \"%s\" is already used", what, id);
    return HSEC_OK;
}

static int check_ref_name(hsec_model *m, const char *what, const char *name)
{
    if (name && !hx_valid_id(name))
        FAIL(m, HSEC_EINVAL, "%s \"%s\" is not [A-Za-z0-9_:-]{1,64}", what, name);
    return HSEC_OK;
}

/* Duplicate an optional name; *out NULL for NULL. */
static int dup_opt(hsec_model *m, const char *s, char **out)
{
    *out = NULL;
    if (s && !(*out = hx_strdup(&m->a, s)))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    return HSEC_OK;
}

int hsec_model_add_region(hsec_model *m, const char *id, const char *parent)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_region: the model is NULL");
    int rc = check_new_id(m, "region", id);
    if (!rc)
        rc = check_ref_name(m, "region parent", parent);
    if (rc)
        return rc;
    if (HX_RESERVE(&m->a, m->regions, m->capregion, m->nregion + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    mregion r = {0};
    if (dup_opt(m, id, &r.id) || dup_opt(m, parent, &r.parent) ||
        hx_map_put(&m->a, &m->names, r.id, HX_REF(HX_REGION, m->nregion))) {
        hx_free(&m->a, r.id);
        hx_free(&m->a, r.parent);
        FAIL(m, HSEC_ENOMEM, "out of memory");
    }
    m->regions[m->nregion++] = r;
    return HSEC_OK;
}

static int add_order(hsec_model *m, uint32_t ref)
{
    if (HX_RESERVE(&m->a, m->order, m->caporder, m->norder + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    m->order[m->norder++] = ref;
    return HSEC_OK;
}

static size_t node_budget(const hsec_model *m)
{
    return m->nservice + m->ngroup * HSEC_DIM_COUNT;
}

int hsec_model_add_group(hsec_model *m, const char *id, const char *region, double size)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_group: the model is NULL");
    int rc = check_new_id(m, "group", id);
    if (rc)
        return rc;
    if (!region)
        FAIL(m, HSEC_EINVAL, "group %s: region is required", id);
    if ((rc = check_ref_name(m, "group region", region)))
        return rc;
    if (!isfinite(size) || size < 0)
        FAIL(m, HSEC_EINVAL, "group %s: size %g is not a finite number >= 0", id, size);
    if (node_budget(m) + HSEC_DIM_COUNT > HX_MAX_NODES / 2)
        FAIL(m, HSEC_EINVAL, "group %s: too many nodes", id);
    if (HX_RESERVE(&m->a, m->groups, m->capgroup, m->ngroup + 1) ||
        HX_RESERVE(&m->a, m->order, m->caporder, m->norder + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    mgroup g;
    memset(&g, 0, sizeof g);
    g.size = size;
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        g.v[d] = 1.0;
        g.k[d] = 1.0;
        g.w[d] = 1.0;
        g.ko[d] = g.tauo[d] = HX_UNSET;
    }
    if (dup_opt(m, id, &g.id) || dup_opt(m, region, &g.region) ||
        hx_map_put(&m->a, &m->names, g.id, HX_REF(HX_GROUP, m->ngroup))) {
        hx_free(&m->a, g.id);
        hx_free(&m->a, g.region);
        FAIL(m, HSEC_ENOMEM, "out of memory");
    }
    m->groups[m->ngroup] = g;
    rc = add_order(m, HX_REF(HX_GROUP, m->ngroup)); /* cannot fail: reserved */
    m->ngroup++;
    return rc;
}

static mgroup *find_group(hsec_model *m, const char *id)
{
    uint32_t ref;
    if (!hx_map_get(&m->names, id, &ref) || HX_REF_KIND(ref) != HX_GROUP)
        return NULL;
    return &m->groups[HX_REF_INDEX(ref)];
}

int hsec_model_set_group_flags(hsec_model *m, const char *group, unsigned flags)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_set_group_flags: the model is NULL");
    mgroup *g = find_group(m, group);
    if (!g)
        FAIL(m, HSEC_ENOTFOUND, "no group \"%s\"", hx_show(group));
    if (flags >> HSEC_FLAG_COUNT)
        FAIL(m, HSEC_EINVAL, "group %s: flags 0x%x has unknown bits", group, flags);
    g->flags = flags;
    return HSEC_OK;
}

int hsec_model_add_service(hsec_model *m, const char *id, hsec_service_kind kind,
                           const char *region)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_service: the model is NULL");
    int rc = check_new_id(m, "service", id);
    if (rc)
        return rc;
    if ((int)kind < 0 || (int)kind >= HSEC_SERVICE_KIND_COUNT)
        FAIL(m, HSEC_EINVAL, "service %s: kind %d is not a service kind", id, (int)kind);
    if ((rc = check_ref_name(m, "service region", region)))
        return rc;
    if (node_budget(m) + 1 > HX_MAX_NODES / 2)
        FAIL(m, HSEC_EINVAL, "service %s: too many nodes", id);
    if (HX_RESERVE(&m->a, m->services, m->capservice, m->nservice + 1) ||
        HX_RESERVE(&m->a, m->order, m->caporder, m->norder + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    mservice s = {0};
    s.kind = (int)kind;
    s.k = 1.0;
    s.ko = s.tauo = HX_UNSET;
    if (dup_opt(m, id, &s.id) || dup_opt(m, region, &s.region) ||
        hx_map_put(&m->a, &m->names, s.id, HX_REF(HX_SERVICE, m->nservice))) {
        hx_free(&m->a, s.id);
        hx_free(&m->a, s.region);
        FAIL(m, HSEC_ENOMEM, "out of memory");
    }
    m->services[m->nservice] = s;
    rc = add_order(m, HX_REF(HX_SERVICE, m->nservice));
    m->nservice++;
    return rc;
}

static const char *const param_names[HSEC_PARAM_COUNT] = {
    "vulnerability", "recovery", "recovery_time", "weight",
    "baseline",      "initial",  "onset",         "onset_time"};

/* Check a parameter's value; the message names it. */
static int check_param(hsec_model *m, const char *name, hsec_param p, double x)
{
    bool ok;
    switch (p) {
    case HSEC_PARAM_VULNERABILITY:
    case HSEC_PARAM_WEIGHT: ok = isfinite(x) && x >= 0; break;
    case HSEC_PARAM_RECOVERY:
    case HSEC_PARAM_ONSET: ok = x > 0 && x <= 1; break;
    case HSEC_PARAM_ONSET_TIME: ok = isfinite(x) && x >= 0; break;
    case HSEC_PARAM_RECOVERY_TIME: ok = isfinite(x) && x > 0; break;
    case HSEC_PARAM_BASELINE:
    case HSEC_PARAM_INITIAL: ok = x >= 0 && x <= 1; break;
    default: FAIL(m, HSEC_EINVAL, "%s: parameter %d is unknown", name, (int)p);
    }
    if (!ok) {
        static const char *const range[HSEC_PARAM_COUNT] = {
            "a finite number >= 0", "in (0,1]", "a finite number > 0",
            "a finite number >= 0", "in [0,1]",  "in [0,1]",
            "in (0,1]",             "a finite number >= 0"};
        FAIL(m, HSEC_EINVAL, "%s: %s %g is not %s", name, param_names[p], x, range[p]);
    }
    return HSEC_OK;
}

static void set_group_dim(mgroup *g, int d, hsec_param p, double x)
{
    switch (p) {
    case HSEC_PARAM_VULNERABILITY: g->v[d] = x; break;
    case HSEC_PARAM_RECOVERY: g->k[d] = x; g->tau[d] = 0; break;
    case HSEC_PARAM_RECOVERY_TIME: g->tau[d] = x; g->k[d] = 1; break; /* replace each other */
    case HSEC_PARAM_WEIGHT: g->w[d] = x; break;
    case HSEC_PARAM_BASELINE: g->base[d] = x; break;
    case HSEC_PARAM_INITIAL: g->init[d] = x; break;
    case HSEC_PARAM_ONSET: g->ko[d] = x; g->tauo[d] = HX_UNSET; break;
    case HSEC_PARAM_ONSET_TIME: g->tauo[d] = x; g->ko[d] = HX_UNSET; break;
    }
}

int hsec_model_set(hsec_model *m, const char *name, hsec_param param, double value)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_set: the model is NULL");
    int dim;
    uint32_t ref;
    if (!hx_lookup(&m->names, name, &ref, &dim) ||
        HX_REF_KIND(ref) == HX_REGION || (dim >= 0 && HX_REF_KIND(ref) != HX_GROUP))
    {
        char hint[HX_ID_MAX + 40];
        FAIL(m, HSEC_ENOTFOUND, "no node or group \"%s\"%s", hx_show(name),
             hx_near_node(&m->names, name, hint, sizeof hint));
    }
    int rc = check_param(m, name, param, value);
    if (rc)
        return rc;
    if (HX_REF_KIND(ref) == HX_SERVICE) {
        mservice *s = &m->services[HX_REF_INDEX(ref)];
        switch (param) {
        case HSEC_PARAM_RECOVERY: s->k = value; s->tau = 0; return HSEC_OK;
        case HSEC_PARAM_RECOVERY_TIME: s->tau = value; s->k = 1; return HSEC_OK;
        case HSEC_PARAM_INITIAL: s->init = value; return HSEC_OK;
        case HSEC_PARAM_ONSET: s->ko = value; s->tauo = HX_UNSET; return HSEC_OK;
        case HSEC_PARAM_ONSET_TIME: s->tauo = value; s->ko = HX_UNSET; return HSEC_OK;
        default:
            FAIL(m, HSEC_EINVAL, "service %s has no %s (groups only)", name,
                 param_names[param]);
        }
    }
    mgroup *g = &m->groups[HX_REF_INDEX(ref)];
    for (int d = 0; d < HSEC_DIM_COUNT; d++)
        if (dim < 0 || d == dim)
            set_group_dim(g, d, param, value);
    return HSEC_OK;
}

/* ---- links */

/* A copy of s (n bytes and its NUL) in the model's pool; NULL when out of
 * memory. The pool's chunks never move: the map of names keys on them. */
static char *pool_copy(hsec_model *m, const char *s, size_t n)
{
    mpool *p = &m->pool;
    if (!p->nchunk || p->room - p->used < n + 1) {
        size_t room = n + 1 > 65536 ? n + 1 : 65536;
        char *chunk = NULL;
        if (HX_RESERVE(&m->a, p->chunks, p->capchunk, p->nchunk + 1) ||
            !(chunk = hx_alloc(&m->a, room)))
            return NULL;
        p->chunks[p->nchunk++] = chunk;
        p->used = 0;
        p->room = room;
    }
    char *d = p->chunks[p->nchunk - 1] + p->used;
    memcpy(d, s, n + 1);
    p->used += n + 1;
    return d;
}

/* The index of a link end's name in lname, interned on its first use by
 * hsec_model_add_link or hsec_model_add_links; HX_NONE when out of
 * memory. */
static uint32_t intern(hsec_model *m, const char *name)
{
    uint32_t k;
    if (hx_map_get(&m->lnames, name, &k))
        return k;
    char *copy;
    if (m->nlname >= (size_t)HX_NONE - 1 ||
        HX_RESERVE(&m->a, m->lname, m->caplname, m->nlname + 1) ||
        !(copy = pool_copy(m, name, strlen(name))) ||
        hx_map_put(&m->a, &m->lnames, copy, (uint32_t)m->nlname))
        return HX_NONE; /* a copy already made stays in the pool, unused */
    m->lname[m->nlname] = copy;
    return (uint32_t)m->nlname++;
}

static bool node_name(const char *name)
{
    char ent[HX_ID_MAX + 1];
    int dim;
    return hx_split_node(name, ent, &dim);
}

/* " (did you mean "group.dimension"?)" for a name whose dimension is
 * misspelt, or "". */
static const char *dim_hint(const char *name, char *buf, size_t size)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || dot - name > HX_ID_MAX)
        return "";
    hx_near n;
    hx_near_start(&n, dot + 1);
    for (int k = 0; k < HSEC_DIM_COUNT; k++)
        hx_near_offer(&n, hsec_enum_name(HSEC_ENUM_DIMENSION, k));
    if (!n.best || n.dist > n.limit)
        return "";
    snprintf(buf, size, " (did you mean \"%.*s.%s\"?)", (int)(dot - name), name, n.best);
    return buf;
}

/* Every check of one link, in hsec_model_add_link's order (its names, its
 * weight, its lag, the count of links), for a link at index `at` of the
 * model; the message starts with pre (a batch's "links[3]: "). */
static int check_link(hsec_model *m, const char *pre, const char *from, const char *to,
                      double weight, double lag, size_t at)
{
    char hint[2 * HX_ID_MAX + 40];
    if (!node_name(from))
        FAIL(m, HSEC_EINVAL, "%slink from \"%s\": not a node name%s", pre, hx_show(from),
             dim_hint(from, hint, sizeof hint));
    if (!node_name(to))
        FAIL(m, HSEC_EINVAL, "%slink to \"%s\": not a node name%s", pre, hx_show(to),
             dim_hint(to, hint, sizeof hint));
    if (!(weight >= 0 && weight <= 1))
        FAIL(m, HSEC_EINVAL, "%slink %s -> %s: weight %.17g is not in [0,1]", pre, from, to,
             weight);
    if (!(lag >= 0 && lag <= HX_MAX_STEPS && floor(lag) == lag))
        FAIL(m, HSEC_EINVAL, "%slink %s -> %s: lag %.17g is not a whole number in [0,%.0f]",
             pre, from, to, lag, HX_MAX_STEPS);
    if (at >= (size_t)UINT32_MAX)
        FAIL(m, HSEC_EINVAL, "%slink %s -> %s: too many links", pre, from, to);
    return HSEC_OK;
}

/* The same checks of a batch's link i, its names aside: true when it
 * passes (quick: the message is only written for a link that fails). */
static bool values_ok(const hsec_model *m, double weight, double lag, size_t i)
{
    return weight >= 0 && weight <= 1 && lag >= 0 && lag <= HX_MAX_STEPS &&
           floor(lag) == lag && m->nlink + i < (size_t)UINT32_MAX;
}

/* A batch's link i failed a check: its message, "links[i]: " first. */
static int batch_fail(hsec_model *m, size_t i, const char *from, const char *to, double weight,
                      double lag)
{
    char pre[48];
    snprintf(pre, sizeof pre, "links[%zu]: ", i);
    int rc = check_link(m, pre, from, to, weight, lag, m->nlink + i);
    return rc ? rc : HSEC_EINVAL;
}

int hsec_model_add_link(hsec_model *m, const char *from, const char *to, double weight,
                        double lag)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_link: the model is NULL");
    int rc = check_link(m, "", from, to, weight, lag, m->nlink);
    if (rc)
        return rc;
    if (HX_RESERVE(&m->a, m->links, m->caplink, m->nlink + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    mlink l = {intern(m, from), intern(m, to), (uint32_t)lag, weight};
    if (l.from == HX_NONE || l.to == HX_NONE)
        FAIL(m, HSEC_ENOMEM, "out of memory");
    m->links[m->nlink++] = l;
    return HSEC_OK;
}

/* What a batch needs before any link is checked: a model, its arrays, and
 * room within the limit on links; then room for them. */
static int batch_start(hsec_model *m, const char *fn, const void *from, const void *to,
                       const double *weight, size_t count)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "%s: the model is NULL", fn);
    if (count && (!from || !to || !weight))
        return hx_fail_on(m->err, HSEC_EINVAL, "%s: %s is NULL", fn,
                          !from ? "from" : !to ? "to" : "weight");
    uint64_t limit = hx_limit(m->lim_links);
    if (count > limit || m->nlink > limit - count)
        return hx_fail_on(m->err, HSEC_ELIMIT,
                          "%s: %zu more links would make %llu written, more than the limit "
                          "of %llu (HSEC_LIMIT_LINKS)", fn, count,
                          (unsigned long long)hx_mul_add(1, m->nlink, count),
                          (unsigned long long)limit);
    if (count > SIZE_MAX - m->nlink || HX_RESERVE(&m->a, m->links, m->caplink, m->nlink + count))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    return HSEC_OK;
}

int hsec_model_add_links(hsec_model *m, const char *const *from, const char *const *to,
                         const double *weight, const double *lag, size_t count)
{
    int rc = batch_start(m, "model_add_links", from, to, weight, count);
    if (rc)
        return rc;
    /* links are written past the end and counted once all are good */
    for (size_t i = 0; i < count; i++) {
        double g = lag ? lag[i] : 0;
        if (!node_name(from[i]) || !node_name(to[i]) || !values_ok(m, weight[i], g, i))
            return batch_fail(m, i, from[i], to[i], weight[i], g);
        mlink l = {intern(m, from[i]), intern(m, to[i]), (uint32_t)g, weight[i]};
        if (l.from == HX_NONE || l.to == HX_NONE)
            FAIL(m, HSEC_ENOMEM, "out of memory");
        m->links[m->nlink + i] = l;
    }
    m->nlink += count;
    return HSEC_OK;
}

/* A name of a batch's table, as lname's index: checked and copied on its
 * first use (state[k]: HX_NONE unseen, BAD_NAME not a node name). The
 * table names each once, so its names need no lookup among the model's:
 * one that another call gave too is kept twice, and compile resolves both
 * to the one node. */
#define BAD_NAME (HX_NONE - 1)
static uint32_t table_name(hsec_model *m, uint32_t *state, const char *const *names, uint32_t k)
{
    if (state[k] != HX_NONE)
        return state[k];
    if (!node_name(names[k]))
        return state[k] = BAD_NAME;
    char *copy;
    if (m->nlname >= (size_t)BAD_NAME - 1 ||
        HX_RESERVE(&m->a, m->lname, m->caplname, m->nlname + 1) ||
        !(copy = pool_copy(m, names[k], strlen(names[k]))))
        return HX_NONE; /* out of memory: tried again on the next use */
    m->lname[m->nlname] = copy;
    return state[k] = (uint32_t)m->nlname++;
}

int hsec_model_add_links_indexed(hsec_model *m, const char *const *names, size_t name_count,
                                 const uint32_t *from, const uint32_t *to,
                                 const double *weight, const double *lag, size_t count)
{
    const char *fn = "model_add_links_indexed";
    int rc = batch_start(m, fn, from, to, weight, count);
    if (rc)
        return rc;
    if (count && name_count && !names)
        return hx_fail_on(m->err, HSEC_EINVAL, "%s: names is NULL", fn);
    if (!count)
        return HSEC_OK;
    uint32_t *state = name_count > SIZE_MAX / sizeof *state
                          ? NULL
                          : hx_alloc(&m->a, (name_count ? name_count : 1) * sizeof *state);
    if (!state)
        FAIL(m, HSEC_ENOMEM, "out of memory");
    memset(state, 0xff, name_count * sizeof *state); /* HX_NONE: unseen */
    for (size_t i = 0; i < count; i++) {
        uint32_t f = from[i], t = to[i];
        if (f >= name_count || t >= name_count) {
            hx_setmsg(m->err, "links[%zu]: %s %u is not an index of the %zu names", i,
                      f >= name_count ? "from" : "to", f >= name_count ? f : t, name_count);
            rc = HSEC_EINVAL;
            break;
        }
        uint32_t lf = table_name(m, state, names, f), lt = table_name(m, state, names, t);
        double g = lag ? lag[i] : 0;
        if (lf == BAD_NAME || lt == BAD_NAME || !values_ok(m, weight[i], g, i)) {
            rc = batch_fail(m, i, names[f], names[t], weight[i], g);
            break;
        }
        if (lf == HX_NONE || lt == HX_NONE) {
            hx_setmsg(m->err, "out of memory");
            rc = HSEC_ENOMEM;
            break;
        }
        mlink l = {lf, lt, (uint32_t)g, weight[i]};
        m->links[m->nlink + i] = l;
    }
    hx_free(&m->a, state);
    if (!rc)
        m->nlink += count;
    return rc;
}

int hsec_model_set_label(hsec_model *m, const char *id, const char *label)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_set_label: the model is NULL");
    uint32_t ref;
    if (!hx_valid_id(id))
        FAIL(m, HSEC_EINVAL, "label: id \"%s\" is not [A-Za-z0-9_:-]{1,64}", hx_show(id));
    if (!hx_map_get(&m->names, id, &ref))
        FAIL(m, HSEC_ENOTFOUND, "label: no region or service \"%s\" (labels are set after "
             "the region or service is added)", id);
    if (HX_REF_KIND(ref) == HX_GROUP)
        FAIL(m, HSEC_EINVAL, "label: \"%s\" is a group; regions and services carry labels",
             id);
    char *copy = NULL;
    if (label) {
        size_t n = strlen(label);
        if (n == 0)
            FAIL(m, HSEC_EINVAL, "label of %s is empty (NULL removes a label)", id);
        if (n > HSEC_LABEL_MAX)
            FAIL(m, HSEC_EINVAL, "label of %s: %zu bytes, more than %d", id, n,
                 HSEC_LABEL_MAX);
        for (size_t i = 0; i < n;) {
            int u = hx_utf8_len((const unsigned char *)label + i, n - i);
            if (u <= 0)
                FAIL(m, HSEC_EINVAL, "label of %s: byte %zu is not UTF-8", id, i);
            i += (size_t)u;
        }
        if (!(copy = hx_strdup(&m->a, label)))
            FAIL(m, HSEC_ENOMEM, "out of memory");
    }
    char **at = HX_REF_KIND(ref) == HX_REGION ? &m->regions[HX_REF_INDEX(ref)].label
                                              : &m->services[HX_REF_INDEX(ref)].label;
    hx_free(&m->a, *at);
    *at = copy;
    return HSEC_OK;
}

int hsec_model_use_template(hsec_model *m, const char *name)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_use_template: the model is NULL");
    if (name && strcmp(name, "dimensions") == 0)
        m->templates |= HX_TEMPLATE_DIMENSIONS;
    else if (name && strcmp(name, "services") == 0)
        m->templates |= HX_TEMPLATE_SERVICES;
    else
        FAIL(m, HSEC_ENOTFOUND, "template \"%s\" is unknown (dimensions, services)",
             hx_show(name));
    return HSEC_OK;
}
