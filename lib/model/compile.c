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

/* Stop at the first region (in the order added) whose chain of parents
 * loops. Each region is walked up once: a walk stops at a region already
 * known to end at a root, then marks its path so. */
static bool region_loop(const hsec_allocator *a, const hsec_compiled *c, size_t *at, int *rc)
{
    enum { UNSEEN, ON_PATH, ENDS };
    unsigned char *state = hx_calloc(a, c->nregion ? c->nregion : 1, 1);
    if (!state) {
        *rc = HSEC_ENOMEM;
        return false;
    }
    bool loop = false;
    uint64_t steps = 0;
    for (size_t r = 0; r < c->nregion && !loop; r++) {
        uint32_t p = (uint32_t)r;
        for (; p != HX_NONE && state[p] == UNSEEN; p = c->region_parent[p], steps++)
            state[p] = ON_PATH;
        /* regions before r all end at a root, so a region on the path
         * met again closes a loop that r's chain runs into */
        if (p != HX_NONE && state[p] == ON_PATH) {
            loop = true;
            *at = r;
        }
        for (p = (uint32_t)r; p != HX_NONE && state[p] == ON_PATH; p = c->region_parent[p])
            state[p] = ENDS;
    }
    hx_steps += steps;
    hx_free(a, state);
    return loop;
}

/* Number the region tree in a depth-first preorder, and sort the groups and
 * the services with a region by their region's number, so that the groups
 * and services in and below a region are one range of each (model.h). The
 * chains of parents have no loops. */
static int region_tree(const hsec_allocator *a, hsec_compiled *c)
{
    const size_t R = c->nregion;
    int rc = HSEC_ENOMEM;
    size_t *cstart = hx_calloc(a, R + 1, sizeof *cstart);
    uint32_t *child = hx_calloc(a, R ? R : 1, sizeof *child);
    uint32_t *stack = hx_calloc(a, R ? R : 1, sizeof *stack);
    uint32_t *order = c->region_order = hx_calloc(a, R ? R : 1, sizeof *order);
    c->region_pre = hx_calloc(a, R ? R : 1, sizeof *c->region_pre);
    c->region_end = hx_calloc(a, R ? R : 1, sizeof *c->region_end);
    c->gbypre = hx_calloc(a, c->ngroup ? c->ngroup : 1, sizeof *c->gbypre);
    c->gfirst = hx_calloc(a, R + 1, sizeof *c->gfirst);
    c->sbypre = hx_calloc(a, c->nservice ? c->nservice : 1, sizeof *c->sbypre);
    c->sfirst = hx_calloc(a, R + 1, sizeof *c->sfirst);
    if (!cstart || !child || !stack || !order || !c->region_pre || !c->region_end ||
        !c->gbypre || !c->gfirst || !c->sbypre || !c->sfirst)
        goto done;
    /* children by parent (counting sort) */
    for (size_t r = 0; r < R; r++)
        if (c->region_parent[r] != HX_NONE)
            cstart[c->region_parent[r] + 1]++;
    for (size_t r = 0; r < R; r++)
        cstart[r + 1] += cstart[r];
    for (size_t r = 0; r < R; r++) { /* stack: each parent's fill position */
        uint32_t p = c->region_parent[r];
        if (p != HX_NONE)
            child[cstart[p] + stack[p]++] = (uint32_t)r;
    }
    /* preorder from each root; then the subtrees' sizes, children first */
    uint32_t next = 0;
    for (size_t root = 0; root < R; root++) {
        if (c->region_parent[root] != HX_NONE)
            continue;
        size_t top = 0;
        stack[top++] = (uint32_t)root;
        while (top) {
            uint32_t x = stack[--top];
            order[next] = x;
            c->region_pre[x] = next++;
            for (size_t i = cstart[x]; i < cstart[x + 1]; i++)
                stack[top++] = child[i];
        }
    }
    for (size_t r = 0; r < R; r++)
        c->region_end[r] = 1;
    for (size_t k = R; k-- > 0;) {
        uint32_t x = order[k], p = c->region_parent[x];
        if (p != HX_NONE)
            c->region_end[p] += c->region_end[x];
    }
    for (size_t r = 0; r < R; r++)
        c->region_end[r] += c->region_pre[r];
    hx_steps += 2 * (uint64_t)R;
    /* groups and services by their region's number (counting sort, stable) */
    for (size_t g = 0; g < c->ngroup; g++)
        c->gfirst[c->region_pre[c->groups[g].region] + 1]++;
    for (size_t s = 0; s < c->nservice; s++)
        if (c->services[s].region != HX_NONE)
            c->sfirst[c->region_pre[c->services[s].region] + 1]++;
    for (size_t r = 0; r < R; r++) {
        c->gfirst[r + 1] += c->gfirst[r];
        c->sfirst[r + 1] += c->sfirst[r];
    }
    size_t *pos = cstart; /* free again; R + 1 entries */
    for (size_t r = 0; r <= R; r++)
        pos[r] = c->gfirst[r];
    for (size_t g = 0; g < c->ngroup; g++)
        c->gbypre[pos[c->region_pre[c->groups[g].region]]++] = (uint32_t)g;
    for (size_t r = 0; r <= R; r++)
        pos[r] = c->sfirst[r];
    for (size_t s = 0; s < c->nservice; s++)
        if (c->services[s].region != HX_NONE)
            c->sbypre[pos[c->region_pre[c->services[s].region]]++] = (uint32_t)s;
    rc = HSEC_OK;
done:
    hx_free(a, cstart);
    hx_free(a, child);
    hx_free(a, stack);
    return rc;
}

/* Template links from one service to the groups of its region and below
 * (every group when it has no region). */
static int service_links(const hsec_allocator *a, const hsec_compiled *c, const cservice *s,
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
    bool all = s->region == HX_NONE;
    size_t lo = all ? 0 : c->gfirst[c->region_pre[s->region]];
    size_t hi = all ? c->ngroup : c->gfirst[c->region_end[s->region]];
    for (size_t i = lo; i < hi; i++) {
        const cgroup *g = &c->groups[all ? i : c->gbypre[i]];
        for (size_t t = first; t < first + count; t++) {
            clink l = {g->node + (uint32_t)hx_template_services[t].to, s->node, 0, HX_NONE,
                       hx_template_services[t].w};
            if (put_link(a, v, n, cap, l))
                return HSEC_ENOMEM;
        }
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
    uint32_t *entity_node = NULL;
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
    size_t looped = 0;
    if (region_loop(a, c, &looped, &rc))
        FAIL(HSEC_EINVAL, "region %s: its chain of parents loops", m->regions[looped].id);
    if (rc)
        NOMEM();

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

    if (region_tree(a, c))
        NOMEM();

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
    if (m->templates & HX_TEMPLATE_SERVICES)
        for (size_t s = 0; s < c->nservice; s++)
            if (service_links(a, c, &c->services[s], &links, &nl, &capl))
                NOMEM();
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
    hx_free(a, links);
    hx_free(a, entity_node);
    if (rc) {
        hsec_compiled_free(c);
        return rc;
    }
    *out = c;
    return HSEC_OK;
}
