/* Compile a model: resolve names, apply templates, lay links out in CSR. */
#include "model.h"
#include "templates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(code, ...) HX_FAIL_DONE(m->err, code, __VA_ARGS__)
#define NOMEM() FAIL(HSEC_ENOMEM, "out of memory")

/* A link being compiled. */
typedef struct clink {
    uint32_t to, from, lag;
    uint32_t src; /* explicit link index, or HX_NONE for a template link */
    double w;
} clink;

static int clink_cmp(const void *pa, const void *pb)
{
    const clink *a = pa, *b = pb;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->src != b->src) /* explicit links (smaller index) before templates */
        return a->src < b->src ? -1 : 1;
    return 0;
}

/* Region index of a name, or HX_NONE. */
static uint32_t region_of(const hsec_model *m, const char *name)
{
    uint32_t ref;
    if (!name || !hx_map_get(&m->names, name, &ref) || HX_REF_KIND(ref) != HX_REGION)
        return HX_NONE;
    return HX_REF_INDEX(ref);
}

static int put_link(const hsec_allocator *a, clink **v, size_t *n, size_t *cap, clink l)
{
    if (HX_RESERVE(a, *v, *cap, *n + 1))
        return HSEC_ENOMEM;
    (*v)[(*n)++] = l;
    return HSEC_OK;
}

/* Groups of each region (CSR by region), for the services template. */
typedef struct region_index {
    size_t *gstart;   /* nregion + 1 */
    uint32_t *groups; /* ngroup */
    size_t *cstart;   /* nregion + 1 */
    uint32_t *child;  /* nregion */
} region_index;

static int build_region_index(const hsec_allocator *a, const hsec_compiled *c,
                              region_index *ri)
{
    size_t R = c->nregion;
    ri->gstart = hx_calloc(a, R + 1, sizeof *ri->gstart);
    ri->groups = hx_calloc(a, c->ngroup, sizeof *ri->groups);
    ri->cstart = hx_calloc(a, R + 1, sizeof *ri->cstart);
    ri->child = hx_calloc(a, R, sizeof *ri->child);
    if (!ri->gstart || !ri->groups || !ri->cstart || !ri->child)
        return HSEC_ENOMEM;
    for (size_t g = 0; g < c->ngroup; g++)
        ri->gstart[c->groups[g].region + 1]++;
    for (size_t r = 0; r < R; r++)
        if (c->region_parent[r] != HX_NONE)
            ri->cstart[c->region_parent[r] + 1]++;
    for (size_t r = 0; r < R; r++) {
        ri->gstart[r + 1] += ri->gstart[r];
        ri->cstart[r + 1] += ri->cstart[r];
    }
    size_t *gpos = hx_calloc(a, R + 1, sizeof *gpos);
    if (!gpos)
        return HSEC_ENOMEM;
    memcpy(gpos, ri->gstart, (R + 1) * sizeof *gpos);
    for (size_t g = 0; g < c->ngroup; g++)
        ri->groups[gpos[c->groups[g].region]++] = (uint32_t)g;
    memcpy(gpos, ri->cstart, (R + 1) * sizeof *gpos);
    for (size_t r = 0; r < R; r++)
        if (c->region_parent[r] != HX_NONE)
            ri->child[gpos[c->region_parent[r]]++] = (uint32_t)r;
    hx_free(a, gpos);
    return HSEC_OK;
}

static void free_region_index(const hsec_allocator *a, region_index *ri)
{
    hx_free(a, ri->gstart);
    hx_free(a, ri->groups);
    hx_free(a, ri->cstart);
    hx_free(a, ri->child);
}

/* Template links from one service to the groups of region r and below
 * (every group when r is HX_NONE). stack holds nregion entries. */
static int service_links(const hsec_allocator *a, const hsec_compiled *c,
                         const region_index *ri, uint32_t *stack, const cservice *s,
                         clink **v, size_t *n, size_t *cap)
{
    size_t first = 0, count = 0;
    for (; first < hx_template_services_count; first++)
        if (hx_template_services[first].from == s->kind)
            break;
    while (first + count < hx_template_services_count &&
           hx_template_services[first + count].from == s->kind)
        count++;
    if (!count)
        return HSEC_OK;
    size_t top = 0;
    if (s->region == HX_NONE) {
        for (size_t r = 0; r < c->nregion; r++)
            if (c->region_parent[r] == HX_NONE)
                stack[top++] = (uint32_t)r;
    } else {
        stack[top++] = s->region;
    }
    while (top) {
        uint32_t r = stack[--top];
        for (size_t i = ri->gstart[r]; i < ri->gstart[r + 1]; i++) {
            const cgroup *g = &c->groups[ri->groups[i]];
            for (size_t t = first; t < first + count; t++) {
                clink l = {g->node + (uint32_t)hx_template_services[t].to, s->node, 0,
                           HX_NONE, hx_template_services[t].w};
                if (put_link(a, v, n, cap, l))
                    return HSEC_ENOMEM;
            }
        }
        for (size_t i = ri->cstart[r]; i < ri->cstart[r + 1]; i++)
            stack[top++] = ri->child[i];
    }
    return HSEC_OK;
}

int hsec_model_compile(hsec_compiled **out, hsec_model *m)
{
    if (!out || !m)
        return hx_fail_on(m ? m->err : NULL, HSEC_EINVAL, "compile: %s is NULL",
                          out ? "the model" : "out");
    *out = NULL;
    int rc = HSEC_OK;
    const hsec_allocator *a = &m->a;
    clink *links = NULL;
    size_t nl = 0, capl = 0;
    uint32_t *entity_node = NULL, *stack = NULL;
    region_index ri = {0};
    m->err[0] = '\0';
    if ((rc = hx_model_check_limits(m)))
        return rc;

    hsec_compiled *c = hx_calloc(a, 1, sizeof *c);
    if (!c)
        NOMEM();
    c->a = *a;
    atomic_init(&c->refs, 1);

    /* regions: parents resolved, chains checked for loops */
    c->nregion = m->nregion;
    c->region_id = hx_calloc(a, m->nregion, sizeof *c->region_id);
    c->region_parent = hx_calloc(a, m->nregion, sizeof *c->region_parent);
    if (!c->region_id || !c->region_parent)
        NOMEM();
    for (size_t r = 0; r < m->nregion; r++) {
        const mregion *mr = &m->regions[r];
        if (!(c->region_id[r] = hx_strdup(a, mr->id)))
            NOMEM();
        c->region_parent[r] = HX_NONE;
        if (mr->parent && (c->region_parent[r] = region_of(m, mr->parent)) == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "region %s: parent \"%s\" is not a region", mr->id,
                 mr->parent);
    }
    for (size_t r = 0; r < m->nregion; r++) {
        uint32_t p = c->region_parent[r];
        for (size_t hops = 0; p != HX_NONE; hops++, p = c->region_parent[p])
            if (hops >= m->nregion)
                FAIL(HSEC_EINVAL, "region %s: its chain of parents loops", m->regions[r].id);
    }

    /* nodes, numbered in the order groups and services were added */
    size_t n = m->nservice + m->ngroup * HSEC_DIM_COUNT;
    c->n = n;
    entity_node = hx_calloc(a, m->ngroup + m->nservice, sizeof *entity_node);
    c->groups = hx_calloc(a, m->ngroup, sizeof *c->groups);
    c->services = hx_calloc(a, m->nservice, sizeof *c->services);
    c->v = hx_calloc(a, n, sizeof *c->v);
    c->k = hx_calloc(a, n, sizeof *c->k);
    c->tau = hx_calloc(a, n, sizeof *c->tau);
    c->init = hx_calloc(a, n, sizeof *c->init);
    c->selfw = hx_calloc(a, n, sizeof *c->selfw);
    c->ko = hx_calloc(a, n, sizeof *c->ko);
    c->tauo = hx_calloc(a, n, sizeof *c->tauo);
    c->names = hx_calloc(a, n, sizeof *c->names);
    if (!entity_node || !c->groups || !c->services || !c->v || !c->k || !c->tau ||
        !c->init || !c->selfw || !c->ko || !c->tauo || !c->names)
        NOMEM();
    c->ngroup = m->ngroup;
    c->nservice = m->nservice;
    size_t pool = 0;
    uint32_t next = 0;
    for (size_t o = 0; o < m->norder; o++) {
        uint32_t ref = m->order[o], idx = HX_REF_INDEX(ref);
        if (HX_REF_KIND(ref) == HX_GROUP) {
            entity_node[idx] = next;
            pool += HSEC_DIM_COUNT * (strlen(m->groups[idx].id) + 16);
            next += HSEC_DIM_COUNT;
        } else {
            entity_node[m->ngroup + idx] = next++;
            pool += strlen(m->services[idx].id) + 1;
        }
    }
    c->namepool = hx_alloc(a, pool);
    if (!c->namepool)
        NOMEM();
    char *np = c->namepool;
    for (size_t g = 0; g < m->ngroup; g++) {
        const mgroup *mg = &m->groups[g];
        cgroup *cg = &c->groups[g];
        cg->node = entity_node[g];
        cg->size = mg->size;
        cg->flags = mg->flags;
        if ((cg->region = region_of(m, mg->region)) == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "group %s: region \"%s\" is not a region", mg->id,
                 mg->region);
        double wsum = 0;
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            wsum += mg->w[d];
        if (!(wsum > 0) || !isfinite(wsum))
            FAIL(HSEC_EINVAL, "group %s: vital-core weights sum to %g; they must have a "
                 "finite positive sum", mg->id, wsum);
        if (!(cg->id = hx_strdup(a, mg->id)))
            NOMEM();
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            uint32_t i = cg->node + (uint32_t)d;
            cg->w[d] = mg->w[d] / wsum;
            cg->wraw[d] = mg->w[d];
            cg->base[d] = mg->base[d];
            c->v[i] = mg->v[d];
            c->k[i] = mg->k[d];
            c->tau[i] = mg->tau[d];
            c->init[i] = mg->init[d];
            c->ko[i] = mg->ko[d];
            c->tauo[i] = mg->tauo[d];
            c->names[i] = np;
            np += sprintf(np, "%s.%s", mg->id, hsec_enum_name(HSEC_ENUM_DIMENSION, d)) + 1;
        }
    }
    for (size_t s = 0; s < m->nservice; s++) {
        const mservice *ms = &m->services[s];
        cservice *cs = &c->services[s];
        uint32_t i = entity_node[m->ngroup + s];
        cs->node = i;
        cs->kind = ms->kind;
        cs->region = HX_NONE;
        if (ms->region && (cs->region = region_of(m, ms->region)) == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "service %s: region \"%s\" is not a region", ms->id,
                 ms->region);
        c->v[i] = 1.0;
        c->k[i] = ms->k;
        c->tau[i] = ms->tau;
        c->init[i] = ms->init;
        c->ko[i] = ms->ko;
        c->tauo[i] = ms->tauo;
        c->names[i] = np;
        np += sprintf(np, "%s", ms->id) + 1;
    }

    /* the id map, keyed by the compiled model's own strings */
    for (size_t r = 0; r < c->nregion; r++)
        if (hx_map_put(a, &c->map, c->region_id[r], HX_REF(HX_REGION, r)))
            NOMEM();
    for (size_t g = 0; g < c->ngroup; g++)
        if (hx_map_put(a, &c->map, c->groups[g].id, HX_REF(HX_GROUP, g)))
            NOMEM();
    for (size_t s = 0; s < c->nservice; s++)
        if (hx_map_put(a, &c->map, c->names[c->services[s].node], HX_REF(HX_SERVICE, s)))
            NOMEM();

    /* links: explicit ones, then the templates' */
    for (size_t l = 0; l < m->nlink; l++) {
        const mlink *ml = &m->links[l];
        clink cl = {hx_node_of(c, ml->to), hx_node_of(c, ml->from), ml->lag, (uint32_t)l,
                    ml->w};
        if (cl.from == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "link %zu (%s -> %s): from \"%s\" is not a node", l,
                 ml->from, ml->to, ml->from);
        if (cl.to == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "link %zu (%s -> %s): to \"%s\" is not a node", l, ml->from,
                 ml->to, ml->to);
        if (put_link(a, &links, &nl, &capl, cl))
            NOMEM();
    }
    if (m->templates & HX_TEMPLATE_DIMENSIONS) {
        for (size_t g = 0; g < c->ngroup; g++) {
            for (size_t t = 0; t < hx_template_dimensions_count; t++) {
                const hx_tlink *tl = &hx_template_dimensions[t];
                uint32_t base = c->groups[g].node;
                clink cl = {base + (uint32_t)tl->to, base + (uint32_t)tl->from, 0, HX_NONE,
                            tl->w};
                if (put_link(a, &links, &nl, &capl, cl))
                    NOMEM();
            }
        }
    }
    if (m->templates & HX_TEMPLATE_SERVICES) {
        stack = hx_calloc(a, c->nregion, sizeof *stack);
        if (!stack || build_region_index(a, c, &ri))
            NOMEM();
        for (size_t s = 0; s < c->nservice; s++)
            if (service_links(a, c, &ri, stack, &c->services[s], &links, &nl, &capl))
                NOMEM();
    }
    if (nl)
        qsort(links, nl, sizeof *links, clink_cmp);

    /* an explicit link replaces a template's; two explicit ones clash */
    size_t kept = 0;
    for (size_t l = 0; l < nl; l++) {
        if (kept && links[kept - 1].to == links[l].to && links[kept - 1].from == links[l].from) {
            if (links[l].src != HX_NONE) {
                const mlink *x = &m->links[links[kept - 1].src];
                FAIL(HSEC_EEXIST, "links %u and %u both join %s -> %s", links[kept - 1].src,
                     links[l].src, x->from, x->to);
            }
            continue;
        }
        links[kept++] = links[l];
    }
    nl = kept;

    /* compressed sparse rows by target */
    c->nnz = nl;
    c->rowp = hx_calloc(a, n + 1, sizeof *c->rowp);
    c->col = hx_calloc(a, nl, sizeof *c->col);
    c->w = hx_calloc(a, nl, sizeof *c->w);
    c->hidx = hx_calloc(a, n, sizeof *c->hidx);
    if (!c->rowp || !c->col || !c->w || !c->hidx)
        NOMEM();
    for (size_t l = 0; l < nl; l++) {
        c->rowp[links[l].to + 1]++;
        c->col[l] = links[l].from;
        c->w[l] = links[l].w;
        if (links[l].from == links[l].to)
            c->selfw[links[l].to] = links[l].w;
        if (links[l].lag > c->maxlag)
            c->maxlag = links[l].lag;
    }
    for (size_t i = 0; i < n; i++) {
        c->rowp[i + 1] += c->rowp[i];
        c->hidx[i] = HX_NONE;
    }
    if (c->maxlag) {
        if (!(c->lag = hx_calloc(a, nl, sizeof *c->lag)))
            NOMEM();
        for (size_t l = 0; l < nl; l++) {
            c->lag[l] = links[l].lag;
            if (links[l].lag && c->hidx[links[l].from] == HX_NONE)
                c->hidx[links[l].from] = (uint32_t)c->nlagsrc++;
        }
    }

    c->bytes = hx_compiled_bytes(m, n, nl);
    c->memlimit = hx_limit(m->lim_memory);

done:
    free_region_index(a, &ri);
    hx_free(a, stack);
    hx_free(a, links);
    hx_free(a, entity_node);
    if (rc) {
        hsec_compiled_free(c);
        return rc;
    }
    *out = c;
    return HSEC_OK;
}
