/* The compiled model: its references, and what it answers. It is read-only
 * and shared, so failures report through the thread's message. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void hx_compiled_ref(const hsec_compiled *c)
{
    /* the count is the one mutable field of a shared, read-only model */
    atomic_fetch_add(&((hsec_compiled *)(uintptr_t)c)->refs, 1);
}

void hsec_compiled_free(hsec_compiled *c)
{
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    const hsec_allocator *a = &c->a;
    hx_free(a, c->rowp);
    hx_free(a, c->col);
    hx_free(a, c->w);
    hx_free(a, c->lags);
    hx_free(a, c->depth);
    hx_free(a, c->hcls);
    hx_free(a, c->hpos);
    hx_free(a, c->hidx);
    hx_free(a, c->v);
    hx_free(a, c->k);
    hx_free(a, c->tau);
    hx_free(a, c->init);
    hx_free(a, c->selfw);
    hx_free(a, c->ko);
    hx_free(a, c->tauo);
    hx_free(a, c->names);
    hx_free(a, c->namepool);
    if (c->region_id)
        for (size_t i = 0; i < c->nregion; i++)
            hx_free(a, c->region_id[i]);
    hx_free(a, c->region_id);
    for (size_t i = 0; c->region_label && i < c->nregion; i++)
        hx_free(a, c->region_label[i]);
    hx_free(a, c->region_label);
    for (size_t i = 0; c->service_label && i < c->nservice; i++)
        hx_free(a, c->service_label[i]);
    hx_free(a, c->service_label);
    hx_free(a, c->region_parent);
    hx_free(a, c->region_pre);
    hx_free(a, c->region_end);
    hx_free(a, c->region_order);
    hx_free(a, c->gbypre);
    hx_free(a, c->gfirst);
    hx_free(a, c->sbypre);
    hx_free(a, c->sfirst);
    if (c->groups)
        for (size_t i = 0; i < c->ngroup; i++)
            hx_free(a, c->groups[i].id);
    hx_free(a, c->groups);
    hx_free(a, c->services);
    hx_free(a, atomic_load(&c->touser));
    hx_free(a, c->uid);
    hx_free(a, c->nid);
    hx_free(a, c->wraw);
    hx_free(a, c->guid);
    hx_free(a, c->gnid);
    hx_free(a, c->sord);
    hx_map_free(a, &c->map);
    hsec_allocator copy = c->a;
    hx_free(&copy, c);
}


bool hx_region_within(const hsec_compiled *c, uint32_t r, uint32_t anc)
{
    return r != HX_NONE && c->region_pre[anc] <= c->region_pre[r] &&
           c->region_pre[r] < c->region_end[anc];
}

static int index_cmp(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* The node of an entity and a dimension: a service's own node without
 * one, a group's dimension node with one; HX_NONE otherwise. */
static uint32_t entity_node(const hsec_compiled *c, uint32_t ref, int dim)
{
    uint32_t idx = HX_REF_INDEX(ref);
    if (HX_REF_KIND(ref) == HX_SERVICE && dim < 0)
        return c->services[idx].node;
    if (HX_REF_KIND(ref) == HX_GROUP && dim >= 0)
        return c->groups[idx].node + (uint32_t)dim;
    return HX_NONE;
}

uint32_t hx_node_of(const hsec_compiled *c, const char *name)
{
    uint32_t ref;
    int dim;
    return hx_lookup(&c->map, name, &ref, &dim) ? entity_node(c, ref, dim) : HX_NONE;
}

void hx_nodes_of(const hsec_compiled *c, const char *const *names, size_t n, uint32_t *out)
{
    bool found[HX_LOOKUP_BATCH];
    uint32_t ref[HX_LOOKUP_BATCH];
    int dim[HX_LOOKUP_BATCH];
    for (size_t k0 = 0; k0 < n; k0 += HX_LOOKUP_BATCH) {
        size_t b = n - k0 < HX_LOOKUP_BATCH ? n - k0 : HX_LOOKUP_BATCH;
        hx_lookup_batch(&c->map, names + k0, b, found, ref, dim);
        for (size_t k = 0; k < b; k++)
            out[k0 + k] = found[k] ? entity_node(c, ref[k], dim[k]) : HX_NONE;
    }
}

int hx_resolve_nodes(const hsec_compiled *c, const char *name, uint32_t **out, size_t *n,
                     size_t *cap)
{
    uint32_t ref;
    int dim;
    if (!hx_lookup(&c->map, name, &ref, &dim))
        return HSEC_ENOTFOUND;
    int kind = HX_REF_KIND(ref);
    uint32_t idx = HX_REF_INDEX(ref);
    if (kind == HX_SERVICE || dim >= 0) { /* one node */
        uint32_t node = entity_node(c, ref, dim);
        if (node == HX_NONE)
            return HSEC_ENOTFOUND;
        if (HX_RESERVE(&c->a, *out, *cap, *n + 1))
            return HSEC_ENOMEM;
        (*out)[(*n)++] = node;
        return HSEC_OK;
    }
    if (kind == HX_GROUP) {
        if (HX_RESERVE(&c->a, *out, *cap, *n + HSEC_DIM_COUNT))
            return HSEC_ENOMEM;
        for (uint32_t d = 0; d < HSEC_DIM_COUNT; d++)
            (*out)[(*n)++] = c->groups[idx].node + d;
        return HSEC_OK;
    }
    /* a region: its services, then its groups, and those of the regions
     * below, each in the order added (a range of the preorder, sorted) */
    uint32_t lo = c->region_pre[idx], hi = c->region_end[idx];
    size_t ns = c->sfirst[hi] - c->sfirst[lo], ng = c->gfirst[hi] - c->gfirst[lo];
    uint32_t *tmp = ng ? hx_alloc(&c->a, ng * sizeof *tmp) : NULL;
    if ((ng && !tmp) || HX_RESERVE(&c->a, *out, *cap, *n + ns + ng * HSEC_DIM_COUNT)) {
        hx_free(&c->a, tmp);
        return HSEC_ENOMEM;
    }
    if (ns) {
        uint32_t *sv = *out + *n;
        memcpy(sv, c->sbypre + c->sfirst[lo], ns * sizeof *sv);
        qsort(sv, ns, sizeof *sv, index_cmp);
        for (size_t i = 0; i < ns; i++)
            sv[i] = c->services[sv[i]].node;
        *n += ns;
    }
    if (ng) { /* in the order added: by the API's numbers */
        for (size_t i = 0; i < ng; i++)
            tmp[i] = c->guid[c->gbypre[c->gfirst[lo] + i]];
        qsort(tmp, ng, sizeof *tmp, index_cmp);
        for (size_t i = 0; i < ng; i++)
            for (uint32_t d = 0; d < HSEC_DIM_COUNT; d++)
                (*out)[(*n)++] = c->groups[c->gnid[tmp[i]]].node + d;
    }
    hx_free(&c->a, tmp);
    hx_steps += ns + ng;
    return HSEC_OK;
}

size_t hx_find_link(const hsec_compiled *c, uint32_t from, uint32_t to)
{
    size_t lo = c->rowp[to], hi = c->rowp[to + 1];
    while (lo < hi) { /* columns are sorted within a row */
        size_t mid = lo + (hi - lo) / 2;
        if (c->col[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < c->rowp[to + 1] && c->col[lo] == from) ? lo : (size_t)-1;
}

/* ---- the API's numbering */

typedef struct keyed {
    uint32_t key;
    size_t e;
} keyed;

static int keyed_cmp(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    return (a->key > b->key) - (a->key < b->key);
}

int hx_link_order(const hsec_compiled *c, size_t *byuser, size_t *urowp)
{
    size_t longest = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->rowp[i + 1] - c->rowp[i] > longest)
            longest = c->rowp[i + 1] - c->rowp[i];
    keyed *t = hx_alloc(&c->a, (longest ? longest : 1) * sizeof *t);
    if (!t)
        return HSEC_ENOMEM;
    size_t k = 0;
    for (size_t u = 0; u < c->n; u++) {
        size_t i = c->nid[u], lo = c->rowp[i], len = c->rowp[i + 1] - lo;
        if (urowp)
            urowp[u] = k;
        for (size_t e = 0; e < len; e++) {
            t[e].key = c->uid[c->col[lo + e]];
            t[e].e = lo + e;
        }
        if (len > 1) /* sources are unique within a row: the order is total */
            qsort(t, len, sizeof *t, keyed_cmp);
        for (size_t e = 0; e < len; e++)
            byuser[k++] = t[e].e;
    }
    if (urowp)
        urowp[c->n] = k;
    hx_free(&c->a, t);
    hx_steps += c->nnz + c->n;
    return HSEC_OK;
}

const size_t *hx_link_touser(const hsec_compiled *c)
{
    hsec_compiled *m = (hsec_compiled *)(uintptr_t)c;
    size_t *t = atomic_load(&m->touser);
    if (t)
        return t;
    size_t nnz = c->nnz ? c->nnz : 1;
    size_t *byuser = hx_alloc(&c->a, nnz * sizeof *byuser);
    t = hx_alloc(&c->a, nnz * sizeof *t);
    if (!byuser || !t || hx_link_order(c, byuser, NULL)) {
        hx_free(&c->a, byuser);
        hx_free(&c->a, t);
        return NULL;
    }
    for (size_t k = 0; k < c->nnz; k++)
        t[byuser[k]] = k;
    hx_free(&c->a, byuser);
    size_t *none = NULL; /* another thread may have made it first: keep one */
    if (!atomic_compare_exchange_strong(&m->touser, &none, t)) {
        hx_free(&c->a, t);
        t = none;
    }
    return t;
}

void hx_nodes_to_api(const hsec_compiled *c, double *v, double *tmp)
{
    for (size_t i = 0; i < c->n; i++)
        tmp[c->uid[i]] = v[i];
    memcpy(v, tmp, c->n * sizeof *v);
}

/* ---- public getters */

size_t hsec_compiled_node_count(const hsec_compiled *c) { return c ? c->n : 0; }
size_t hsec_compiled_link_count(const hsec_compiled *c) { return c ? c->nnz : 0; }

int hsec_compiled_links(size_t *rowp, size_t *from, double *weight, uint64_t *lag, size_t count,
                        const hsec_compiled *c)
{
    if (!c)
        return hx_fail(HSEC_EINVAL, "links: the model is NULL");
    if (count != c->nnz)
        return hx_fail(HSEC_EINVAL, "links: count %zu is not the link count %zu", count,
                       c->nnz);
    /* rows and sources in the API's numbering, each row by source */
    size_t *byuser = hx_alloc(&c->a, (c->nnz ? c->nnz : 1) * sizeof *byuser);
    if (!byuser || hx_link_order(c, byuser, rowp)) {
        hx_free(&c->a, byuser);
        return hx_fail(HSEC_ENOMEM, "links: out of memory");
    }
    for (size_t k = 0; k < c->nnz; k++) {
        size_t e = byuser[k];
        if (from)
            from[k] = c->uid[c->col[e]];
        if (weight)
            weight[k] = c->w[e];
        if (lag)
            lag[k] = 0;
    }
    if (lag && c->nlagged) { /* the lagged links, where the API numbers them */
        size_t *touser = hx_alloc(&c->a, (c->nnz ? c->nnz : 1) * sizeof *touser);
        if (!touser) {
            hx_free(&c->a, byuser);
            return hx_fail(HSEC_ENOMEM, "links: out of memory");
        }
        for (size_t k = 0; k < c->nnz; k++)
            touser[byuser[k]] = k;
        for (size_t k = 0; k < c->nlagged; k++)
            lag[touser[c->lags[k].e]] = c->lags[k].lag;
        hx_free(&c->a, touser);
    }
    hx_free(&c->a, byuser);
    return HSEC_OK;
}

const char *hsec_compiled_node_name(const hsec_compiled *c, size_t node)
{
    return c && node < c->n ? c->names[c->nid[node]] : NULL;
}

int hsec_compiled_find_node(size_t *out, const hsec_compiled *c, const char *name)
{
    if (!out || !c)
        return hx_fail(HSEC_EINVAL, "find_node: %s is NULL", out ? "the model" : "out");
    uint32_t node = hx_node_of(c, name);
    if (node == HX_NONE) {
        char hint[HX_ID_MAX + 40];
        return hx_fail(HSEC_ENOTFOUND, "no node \"%s\"%s", hx_show(name),
                       hx_near_node(&c->map, name, hint, sizeof hint));
    }
    *out = c->uid[node];
    return HSEC_OK;
}

/* Is i an index below n of a non-NULL model? Sets the message if not. */
static bool in_range(const hsec_compiled *c, const char *what, size_t i, size_t n)
{
    return hx_index_ok("", c, "model", what, i, n);
}

size_t hsec_compiled_region_count(const hsec_compiled *c) { return c ? c->nregion : 0; }

const char *hsec_compiled_region_id(const hsec_compiled *c, size_t r)
{
    return c && r < c->nregion ? c->region_id[r] : NULL;
}

const char *hsec_compiled_region_label(const hsec_compiled *c, size_t r)
{
    return c && r < c->nregion && c->region_label ? c->region_label[r] : NULL;
}

const char *hsec_compiled_service_label(const hsec_compiled *c, size_t s)
{
    return c && s < c->nservice && c->service_label ? c->service_label[s] : NULL;
}

int hsec_compiled_region_parent(size_t *out, const hsec_compiled *c, size_t r)
{
    if (!out || !in_range(c, "region", r, c ? c->nregion : 0))
        return out ? HSEC_EINVAL : hx_fail(HSEC_EINVAL, "region_parent: out is NULL");
    *out = c->region_parent[r] == HX_NONE ? HSEC_NO_INDEX : c->region_parent[r];
    return HSEC_OK;
}

size_t hsec_compiled_group_count(const hsec_compiled *c) { return c ? c->ngroup : 0; }

const char *hsec_compiled_group_id(const hsec_compiled *c, size_t g)
{
    return c && g < c->ngroup ? c->groups[c->gnid[g]].id : NULL;
}

size_t hsec_compiled_group_region(const hsec_compiled *c, size_t g)
{
    return c && g < c->ngroup ? c->groups[c->gnid[g]].region : HSEC_NO_INDEX;
}

size_t hsec_compiled_group_node(const hsec_compiled *c, size_t g)
{
    return c && g < c->ngroup ? c->uid[c->groups[c->gnid[g]].node] : HSEC_NO_INDEX;
}

double hsec_compiled_group_size(const hsec_compiled *c, size_t g)
{
    return c && g < c->ngroup ? c->groups[c->gnid[g]].size : NAN;
}

int hsec_compiled_group_flags(unsigned *out, const hsec_compiled *c, size_t g)
{
    if (!out || !in_range(c, "group", g, c ? c->ngroup : 0))
        return out ? HSEC_EINVAL : hx_fail(HSEC_EINVAL, "group_flags: out is NULL");
    *out = c->groups[c->gnid[g]].flags;
    return HSEC_OK;
}

double hsec_compiled_group_weight(const hsec_compiled *c, size_t g, hsec_dimension d)
{
    return c && g < c->ngroup && (int)d >= 0 && d < HSEC_DIM_COUNT ? c->groups[c->gnid[g]].w[d]
                                                                  : NAN;
}

double hsec_compiled_group_baseline(const hsec_compiled *c, size_t g, hsec_dimension d)
{
    return c && g < c->ngroup && (int)d >= 0 && d < HSEC_DIM_COUNT
               ? c->groups[c->gnid[g]].base[d]
               : NAN;
}

size_t hsec_compiled_service_count(const hsec_compiled *c) { return c ? c->nservice : 0; }

const char *hsec_compiled_service_id(const hsec_compiled *c, size_t s)
{
    return c && s < c->nservice ? c->names[c->services[s].node] : NULL;
}

int hsec_compiled_service(hsec_service_kind *kind, size_t *region, size_t *node,
                          const hsec_compiled *c, size_t s)
{
    if (!in_range(c, "service", s, c ? c->nservice : 0))
        return HSEC_EINVAL;
    const cservice *cs = &c->services[s];
    if (kind)
        *kind = (hsec_service_kind)cs->kind;
    if (region)
        *region = cs->region == HX_NONE ? HSEC_NO_INDEX : cs->region;
    if (node)
        *node = c->uid[cs->node];
    return HSEC_OK;
}

int hsec_compiled_params(double *out, size_t count, const hsec_compiled *c, hsec_param param)
{
    if (!out || !c)
        return hx_fail(HSEC_EINVAL, "params: %s is NULL", out ? "the model" : "out");
    if (count != c->n)
        return hx_fail(HSEC_EINVAL, "params: count %zu is not the node count %zu", count, c->n);
    const double *per_node = param == HSEC_PARAM_VULNERABILITY ? c->v
                             : param == HSEC_PARAM_RECOVERY    ? c->k
                             : param == HSEC_PARAM_RECOVERY_TIME ? c->tau
                             : param == HSEC_PARAM_INITIAL       ? c->init
                                                                 : NULL;
    if (per_node || param == HSEC_PARAM_RECOVERY_TIME || param == HSEC_PARAM_INITIAL) {
        for (size_t u = 0; u < count; u++) /* (an array left out: every node's is 0) */
            out[u] = per_node ? per_node[c->nid[u]] : 0;
        return HSEC_OK;
    }
    if (param == HSEC_PARAM_ONSET || param == HSEC_PARAM_ONSET_TIME) {
        for (size_t u = 0; u < count; u++) {
            double v = param == HSEC_PARAM_ONSET ? hx_ko(c, c->nid[u]) : hx_tauo(c, c->nid[u]);
            out[u] = v == HX_UNSET ? NAN : v;
        }
        return HSEC_OK;
    }
    if (param != HSEC_PARAM_WEIGHT && param != HSEC_PARAM_BASELINE)
        return hx_fail(HSEC_EINVAL, "params: parameter %d is unknown", (int)param);
    for (size_t i = 0; i < count; i++)
        out[i] = NAN;
    for (size_t g = 0; g < c->ngroup; g++) {
        const cgroup *cg = &c->groups[g];
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            out[c->uid[cg->node] + (size_t)d] =
                param != HSEC_PARAM_WEIGHT ? cg->base[d]
                : c->wraw                  ? c->wraw[g * HSEC_DIM_COUNT + (size_t)d]
                                           : 1.0;
    }
    return HSEC_OK;
}
