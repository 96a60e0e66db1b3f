/* Compile a model: resolve names, apply templates, lay links out in CSR. */
#include "model.h"
#include "templates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(code, ...) HX_FAIL_DONE(m->err, code, __VA_ARGS__)
#define NOMEM() FAIL(HSEC_ENOMEM, "out of memory")

/* A link being compiled: an entry of a row being sorted. */
typedef struct clink {
    uint32_t from, lag;
    uint32_t src; /* explicit link index, or HX_NONE for a template link */
    double w;
} clink;

/* The order of links in a row: by source, explicit links (smaller index)
 * before templates' (HX_NONE) for the same source. */
static HX_INLINE int clink_cmp(const clink *a, const clink *b)
{
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->src != b->src)
        return a->src < b->src ? -1 : 1;
    return 0;
}

static int clink_qcmp(const void *pa, const void *pb)
{
    return clink_cmp(pa, pb);
}

/* The links being laid out in rows by target: counted per row first
 * (rowp[to + 1]), then placed (pos[to], the row's next free entry). */
typedef struct lay {
    size_t *rowp, *pos;
    uint32_t *col, *lag, *src;
    double *w;
    bool fill;
} lay;

static HX_INLINE void emit(lay *L, uint32_t to, uint32_t from, uint32_t lag, uint32_t src,
                           double w)
{
    if (!L->fill) {
        L->rowp[to + 1]++;
        return;
    }
    size_t k = L->pos[to]++;
    L->col[k] = from;
    L->lag[k] = lag;
    L->src[k] = src;
    L->w[k] = w;
}

/* s and then end, copied to np: where the next name goes. */
static char *put_name(char *np, const char *s, char end)
{
    size_t n = strlen(s);
    memcpy(np, s, n);
    np[n] = end;
    return np + n + 1;
}

/* Region index of a name, or HX_NONE. */
static uint32_t region_of(const hsec_model *m, const char *name)
{
    uint32_t ref;
    if (!name || !hx_map_get(&m->names, name, &ref) || HX_REF_KIND(ref) != HX_REGION)
        return HX_NONE;
    return HX_REF_INDEX(ref);
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

/* An index and the id that orders it. */
typedef struct byname {
    const char *id;
    uint32_t idx;
} byname;

/* Ids in natural order: runs of digits compare as numbers ("d9" before
 * "d10"), so that numbered districts and groups, whose neighbours are
 * usually near in number, stay near; ids equal as numbers ("d07", "d7")
 * fall back to their bytes, so the order stays total. */
static int natural_cmp(const char *a, const char *b)
{
    const char *x = a, *y = b;
    while (*x && *y) {
        bool dx = *x >= '0' && *x <= '9', dy = *y >= '0' && *y <= '9';
        if (dx && dy) {
            while (*x == '0')
                x++;
            while (*y == '0')
                y++;
            size_t nx = 0, ny = 0;
            while (x[nx] >= '0' && x[nx] <= '9')
                nx++;
            while (y[ny] >= '0' && y[ny] <= '9')
                ny++;
            if (nx != ny)
                return nx < ny ? -1 : 1;
            int d = memcmp(x, y, nx);
            if (d)
                return d;
            x += nx;
            y += ny;
            continue;
        }
        if (*x != *y)
            return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
        x++;
        y++;
    }
    if (*x || *y)
        return *x ? 1 : -1;
    return strcmp(a, b);
}

static int byname_cmp(const void *pa, const void *pb)
{
    return natural_cmp(((const byname *)pa)->id, ((const byname *)pb)->id);
}

/* Sort v[0..n) (indices of regions, groups or services) by their ids,
 * id(c, v[i]), in natural order. Ids are unique, so the order is total. HSEC_ENOMEM on
 * allocation failure. */
static int by_id(const hsec_allocator *a, const hsec_compiled *c, uint32_t *v, size_t n,
                 const char *(*id)(const hsec_compiled *, uint32_t))
{
    if (n < 2)
        return HSEC_OK;
    byname *t = hx_alloc(a, n * sizeof *t);
    if (!t)
        return HSEC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        t[i].id = id(c, v[i]);
        t[i].idx = v[i];
    }
    qsort(t, n, sizeof *t, byname_cmp);
    for (size_t i = 0; i < n; i++)
        v[i] = t[i].idx;
    hx_free(a, t);
    hx_steps += n;
    return HSEC_OK;
}

/* Entity i's label into (*arr)[i], the array of count made on first use. */
static int put_label(const hsec_allocator *a, char ***arr, size_t count, size_t i,
                     const char *label)
{
    if (!label)
        return HSEC_OK;
    if (!*arr && !(*arr = hx_calloc(a, count, sizeof **arr)))
        return HSEC_ENOMEM;
    return ((*arr)[i] = hx_strdup(a, label)) ? HSEC_OK : HSEC_ENOMEM;
}

static const char *region_name(const hsec_compiled *c, uint32_t r) { return c->region_id[r]; }
static const char *group_name(const hsec_compiled *c, uint32_t g) { return c->groups[g].id; }
static const char *service_name(const hsec_compiled *c, uint32_t s)
{
    return c->names[c->services[s].node];
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
    /* each parent's children, and the roots, in the order of their ids,
     * so that the numbering is the model's, not the order regions were
     * added in */
    for (size_t r = 0; r < R; r++)
        if (by_id(a, c, child + cstart[r], cstart[r + 1] - cstart[r], region_name))
            goto done;
    size_t nroot = 0;
    uint32_t *roots = order; /* free until the preorder fills it */
    for (size_t r = 0; r < R; r++)
        if (c->region_parent[r] == HX_NONE)
            roots[nroot++] = (uint32_t)r;
    if (by_id(a, c, roots, nroot, region_name))
        goto done;
    /* preorder from each root; then the subtrees' sizes, children first */
    uint32_t next = 0;
    for (size_t k = nroot; k-- > 0;) /* the roots on the stack, the first on top */
        stack[k] = roots[nroot - 1 - k];
    for (size_t top = nroot; top;) {
        uint32_t x = stack[--top];
        order[next] = x;
        c->region_pre[x] = next++;
        for (size_t i = cstart[x + 1]; i-- > cstart[x];) /* the first child on top */
            stack[top++] = child[i];
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

/* A node array in the API's numbering (*v, n values of `size` bytes)
 * renumbered by nid. */
static int renumber(const hsec_allocator *a, void **v, size_t size, const uint32_t *nid,
                    size_t n)
{
    unsigned char *to = hx_alloc(a, (n ? n : 1) * size);
    if (!to)
        return HSEC_ENOMEM;
    const unsigned char *from = *v;
    for (size_t u = 0; u < n; u++)
        memcpy(to + (size_t)nid[u] * size, from + u * size, size);
    hx_free(a, *v);
    *v = to;
    return HSEC_OK;
}

/*
 * Number the nodes canonically, a function of the model alone and not of
 * the order it lists things in, and near what they exchange with: every
 * service first (the national services by id, then each region's own by
 * id, the regions in the preorder, children by id), then every group (each
 * region's own by id, in the same preorder), each group's seven nodes
 * together (ids in natural order: natural_cmp). The services lie together
 * (few, read by many groups: their values stay in cache), and the static
 * solves' block order, services then groups, is the node order, so that a
 * solve over the transpose, backwards by node, takes the blocks in exactly
 * the reverse order of the forward sweep (solve.c); a province's services
 * numbered among its districts' groups held the transpose's first sweeps
 * back (eight sweeps of the adjoint instead of seven at 1.45 M nodes). The
 * nodes arrive numbered as the API numbers them (groups and services in
 * the order added); c->uid and c->nid map between the two, and the node arrays
 * and the entities' nodes are renumbered. The groups are put in the order
 * of their nodes too (c->guid and c->gnid map their numbers).
 */
static int number_nodes(const hsec_allocator *a, hsec_compiled *c)
{
    const size_t n = c->n, R = c->nregion;
    c->uid = hx_alloc(a, (n ? n : 1) * sizeof *c->uid);
    c->nid = hx_alloc(a, (n ? n : 1) * sizeof *c->nid);
    c->guid = hx_alloc(a, (c->ngroup ? c->ngroup : 1) * sizeof *c->guid);
    c->gnid = hx_alloc(a, (c->ngroup ? c->ngroup : 1) * sizeof *c->gnid);
    c->sord = hx_alloc(a, (c->nservice ? c->nservice : 1) * sizeof *c->sord);
    uint32_t *nat = hx_alloc(a, (c->nservice ? c->nservice : 1) * sizeof *nat);
    int rc = HSEC_ENOMEM;
    if (!c->uid || !c->nid || !c->guid || !c->gnid || !c->sord || !nat)
        goto done;
    size_t nn = 0;
    for (size_t s = 0; s < c->nservice; s++)
        if (c->services[s].region == HX_NONE)
            nat[nn++] = (uint32_t)s;
    if (by_id(a, c, nat, nn, service_name))
        goto done;
    for (size_t p = 0; p < R; p++)
        if (by_id(a, c, c->sbypre + c->sfirst[p], c->sfirst[p + 1] - c->sfirst[p],
                  service_name) ||
            by_id(a, c, c->gbypre + c->gfirst[p], c->gfirst[p + 1] - c->gfirst[p], group_name))
            goto done;
    uint32_t next = 0;
    size_t gi = 0, si = 0;
    for (size_t p = 0; p <= R; p++) { /* p = 0: the national services first */
        const uint32_t *sv = p == 0 ? nat : c->sbypre + c->sfirst[p - 1];
        size_t ns = p == 0 ? nn : c->sfirst[p] - c->sfirst[p - 1];
        for (size_t k = 0; k < ns; k++) {
            uint32_t u = c->services[sv[k]].node;
            c->nid[u] = next;
            c->uid[next++] = u;
            c->sord[si++] = sv[k];
        }
    }
    for (size_t k = 0; k < c->ngroup; k++) { /* then the groups, by region in preorder */
        uint32_t g = c->gbypre[k], u = c->groups[g].node;
        for (uint32_t d = 0; d < HSEC_DIM_COUNT; d++) {
            c->nid[u + d] = next;
            c->uid[next++] = u + d;
        }
        c->guid[gi++] = g;
    }
    void **arrays[] = {(void **)&c->v,  (void **)&c->k,  (void **)&c->tau, (void **)&c->init,
                       (void **)&c->ko, (void **)&c->tauo};
    for (size_t k = 0; k < sizeof arrays / sizeof *arrays; k++)
        if (renumber(a, arrays[k], sizeof(double), c->nid, n))
            goto done;
    if (renumber(a, (void **)&c->names, sizeof *c->names, c->nid, n))
        goto done;
    for (size_t g = 0; g < c->ngroup; g++)
        c->groups[g].node = c->nid[c->groups[g].node];
    for (size_t s = 0; s < c->nservice; s++)
        c->services[s].node = c->nid[c->services[s].node];
    /* the groups themselves by node: the report walks them with the rows */
    cgroup *byn = hx_alloc(a, (c->ngroup ? c->ngroup : 1) * sizeof *byn);
    if (!byn)
        goto done;
    for (size_t k = 0; k < c->ngroup; k++) {
        byn[k] = c->groups[c->guid[k]];
        c->gnid[c->guid[k]] = (uint32_t)k;
    }
    hx_free(a, c->groups);
    c->groups = byn;
    for (size_t k = 0; k < c->ngroup; k++)
        c->gbypre[k] = c->gnid[c->gbypre[k]];
    hx_steps += n + c->ngroup;
    rc = HSEC_OK;
done:
    hx_free(a, nat);
    return rc;
}

static int u32_cmp(const void *pa, const void *pb)
{
    uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
    return (x > y) - (x < y);
}

/* The classes of lagged sources by their longest lag (model.h). */
static int lag_depths(const hsec_allocator *a, hsec_compiled *c)
{
    const size_t ns = c->nlagsrc;
    uint32_t *sorted = hx_alloc(a, (ns ? ns : 1) * sizeof *sorted);
    c->hcls = hx_calloc(a, ns ? ns : 1, sizeof *c->hcls); /* first: each one's longest lag */
    c->hpos = hx_calloc(a, ns ? ns : 1, sizeof *c->hpos);
    int rc = HSEC_ENOMEM;
    if (!sorted || !c->hcls || !c->hpos)
        goto done;
    for (size_t k = 0; k < c->nlagged; k++) {
        uint32_t h = c->hidx[c->col[c->lags[k].e]];
        if (c->lags[k].lag > c->hcls[h])
            c->hcls[h] = c->lags[k].lag;
    }
    memcpy(sorted, c->hcls, ns * sizeof *sorted);
    qsort(sorted, ns, sizeof *sorted, u32_cmp);
    size_t nd = 0;
    for (size_t k = 0; k < ns; k++)
        nd += k == 0 || sorted[k] != sorted[k - 1];
    if (!(c->depth = hx_calloc(a, nd ? nd : 1, sizeof *c->depth)))
        goto done;
    nd = 0;
    for (size_t k = 0; k < ns; k++)
        if (k == 0 || sorted[k] != sorted[k - 1])
            c->depth[nd++].lag = sorted[k];
    c->ndepth = nd;
    for (size_t h = 0; h < ns; h++) { /* the class by its lag, then the place in it */
        size_t lo = 0, hi = nd;
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->depth[mid].lag <= c->hcls[h])
                lo = mid;
            else
                hi = mid;
        }
        c->hcls[h] = (uint32_t)lo;
        c->hpos[h] = (uint32_t)c->depth[lo].count++;
    }
    hx_steps += ns + c->nlagged;
    rc = HSEC_OK;
done:
    hx_free(a, sorted);
    return rc;
}

/* Template links from one service to the groups of its region and below
 * (every group when it has no region). */
static void service_links(lay *L, const hsec_compiled *c, const cservice *s)
{
    size_t first = 0, count = 0;
    for (; first < hx_template_services_count; first++)
        if (hx_template_services[first].from == s->kind)
            break;
    while (first + count < hx_template_services_count &&
           hx_template_services[first + count].from == s->kind)
        count++;
    if (!count)
        return;
    bool all = s->region == HX_NONE;
    size_t lo = all ? 0 : c->gfirst[c->region_pre[s->region]];
    size_t hi = all ? c->ngroup : c->gfirst[c->region_end[s->region]];
    for (size_t i = lo; i < hi; i++) {
        const cgroup *g = &c->groups[all ? i : c->gbypre[i]];
        for (size_t t = first; t < first + count; t++)
            emit(L, g->node + (uint32_t)hx_template_services[t].to, s->node, 0, HX_NONE,
                 hx_template_services[t].w);
    }
}

/* Every link, explicit ones first (resolved through lnode), then the
 * templates'. */
static void lay_links(lay *L, const hsec_model *m, const hsec_compiled *c,
                      const uint32_t *lnode)
{
    for (size_t l = 0; l < m->nlink; l++) {
        const mlink *ml = &m->links[l];
        emit(L, lnode[ml->to], lnode[ml->from], ml->lag, (uint32_t)l, ml->w);
    }
    if (m->templates & HX_TEMPLATE_DIMENSIONS) {
        for (size_t g = 0; g < c->ngroup; g++) {
            uint32_t base = c->groups[g].node;
            for (size_t t = 0; t < hx_template_dimensions_count; t++) {
                const hx_tlink *tl = &hx_template_dimensions[t];
                emit(L, base + (uint32_t)tl->to, base + (uint32_t)tl->from, 0, HX_NONE, tl->w);
            }
        }
    }
    if (m->templates & HX_TEMPLATE_SERVICES)
        for (size_t s = 0; s < c->nservice; s++)
            service_links(L, c, &c->services[s]);
}

/* Sort row [lo, hi) of L by source (clink_cmp): rows are short, a handful
 * of links, and sorted in place by insertion; a long one through tmp
 * (room for the longest row). */
static void sort_row(lay *L, size_t lo, size_t hi, clink *tmp)
{
    if (hi - lo > 24) {
        for (size_t k = lo; k < hi; k++)
            tmp[k - lo] = (clink){L->col[k], L->lag[k], L->src[k], L->w[k]};
        qsort(tmp, hi - lo, sizeof *tmp, clink_qcmp);
        for (size_t k = lo; k < hi; k++) {
            L->col[k] = tmp[k - lo].from;
            L->lag[k] = tmp[k - lo].lag;
            L->src[k] = tmp[k - lo].src;
            L->w[k] = tmp[k - lo].w;
        }
        return;
    }
    for (size_t k = lo + 1; k < hi; k++) {
        clink x = {L->col[k], L->lag[k], L->src[k], L->w[k]};
        size_t j = k;
        for (; j > lo; j--) {
            clink y = {L->col[j - 1], L->lag[j - 1], L->src[j - 1], L->w[j - 1]};
            if (clink_cmp(&y, &x) <= 0)
                break;
            L->col[j] = y.from;
            L->lag[j] = y.lag;
            L->src[j] = y.src;
            L->w[j] = y.w;
        }
        L->col[j] = x.from;
        L->lag[j] = x.lag;
        L->src[j] = x.src;
        L->w[j] = x.w;
    }
}

/*
 * The order in which a Gauss-Seidel sweep node by node takes a group's seven
 * nodes (lib/engine/solve.c). Such a sweep reads the new value of a source
 * taken before the reader and the old one of a source taken after it, so it
 * converges faster the more of the weight inside groups runs from earlier
 * to later nodes (at the benchmark's national size, 17 sweeps of the
 * transpose instead of 18 in the dimensions' order, 19 of the bounded
 * static solve instead of 22). The weights
 * |w| of the links inside each group, summed over all groups by dimension
 * pair, choose the order of the seven, among all 5,040, whose links from
 * the same or a later node weigh least (the first such in lexicographic
 * order: the dimensions' own order when no group has links inside); tord
 * does the same for the transpose, whose links run the other way. A
 * function of the model, like the nodes' numbering.
 */
static void group_orders(hsec_compiled *c)
{
    enum { D = HSEC_DIM_COUNT };
    double in[D][D] = {{0}}; /* in[i][j]: into dimension i from dimension j */
    for (size_t g = 0; g < c->ngroup; g++) {
        size_t b = c->groups[g].node;
        for (size_t d = 0; d < D; d++)
            for (size_t e = c->rowp[b + d]; e < c->rowp[b + d + 1]; e++)
                if (c->col[e] >= b && c->col[e] < b + D)
                    in[d][c->col[e] - b] += fabs(c->w[e]);
    }
    for (int t = 0; t < 2; t++) {
        unsigned char p[D], *best = t ? c->tord : c->ford;
        double low = INFINITY;
        for (unsigned char d = 0; d < D; d++)
            p[d] = best[d] = d;
        for (;;) {
            unsigned char pos[D];
            for (unsigned char r = 0; r < D; r++)
                pos[p[r]] = r;
            double back = 0;
            for (size_t i = 0; i < D; i++)
                for (size_t j = 0; j < D; j++)
                    if (pos[j] >= pos[i])
                        back += t ? in[j][i] : in[i][j];
            if (back < low) {
                low = back;
                memcpy(best, p, D);
            }
            /* the next permutation in lexicographic order */
            int k = D - 2;
            while (k >= 0 && p[k] > p[k + 1])
                k--;
            if (k < 0)
                break;
            int l = D - 1;
            while (p[l] < p[k])
                l--;
            unsigned char s = p[k];
            p[k] = p[l];
            p[l] = s;
            for (int a = k + 1, z = D - 1; a < z; a++, z--) {
                s = p[a];
                p[a] = p[z];
                p[z] = s;
            }
        }
    }
}

int hsec_model_compile(hsec_compiled **out, hsec_model *m)
{
    if (!out || !m)
        return hx_fail_on(m ? m->err : NULL, HSEC_EINVAL, "compile: %s is NULL",
                          out ? "the model" : "out");
    *out = NULL;
    int rc = HSEC_OK;
    const hsec_allocator *a = &m->a;
    uint32_t *entity_node = NULL, *lnode = NULL, *src = NULL, *lagtmp = NULL;
    size_t *pos = NULL;
    clink *tmp = NULL;
    char hint[2 * HX_ID_MAX + 40]; /* " (did you mean ...?)" after a name not found */
    m->err[0] = '\0';
    if ((rc = hx_model_check_limits(m)))
        return rc;

    hsec_compiled *c = hx_calloc(a, 1, sizeof *c);
    if (!c)
        NOMEM();
    c->a = *a;
    atomic_init(&c->refs, 1);
    atomic_init(&c->touser, NULL);

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
            FAIL(HSEC_ENOTFOUND, "region %s: parent \"%s\" is not a region%s", mr->id,
                 mr->parent, hx_near_node(&m->names, mr->parent, hint, sizeof hint));
    }
    size_t looped = 0;
    if (region_loop(a, c, &looped, &rc))
        FAIL(HSEC_EINVAL, "region %s: its chain of parents loops", m->regions[looped].id);
    if (rc)
        NOMEM();

    /* nodes, numbered first as the API numbers them: in the order groups
     * and services were added (number_nodes renumbers them) */
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
    for (size_t r = 0; r < m->nregion; r++)
        if (put_label(a, &c->region_label, m->nregion, r, m->regions[r].label))
            NOMEM();
    for (size_t s = 0; s < m->nservice; s++)
        if (put_label(a, &c->service_label, m->nservice, s, m->services[s].label))
            NOMEM();
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
            FAIL(HSEC_ENOTFOUND, "group %s: region \"%s\" is not a region%s", mg->id,
                 mg->region, hx_near_node(&m->names, mg->region, hint, sizeof hint));
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
            cg->base[d] = mg->base[d];
            c->v[i] = mg->v[d];
            c->k[i] = mg->k[d];
            c->tau[i] = mg->tau[d];
            c->init[i] = mg->init[d];
            c->ko[i] = mg->ko[d];
            c->tauo[i] = mg->tauo[d];
            c->names[i] = np; /* "id.dimension" */
            np = put_name(put_name(np, mg->id, '.'), hsec_enum_name(HSEC_ENUM_DIMENSION, d),
                          '\0');
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
            FAIL(HSEC_ENOTFOUND, "service %s: region \"%s\" is not a region%s", ms->id,
                 ms->region, hx_near_node(&m->names, ms->region, hint, sizeof hint));
        c->v[i] = 1.0;
        c->k[i] = ms->k;
        c->tau[i] = ms->tau;
        c->init[i] = ms->init;
        c->ko[i] = ms->ko;
        c->tauo[i] = ms->tauo;
        c->names[i] = np;
        np = put_name(np, ms->id, '\0');
    }

    if (region_tree(a, c) || number_nodes(a, c))
        NOMEM();
    /* the weights as given, by group inside, kept only when one is not 1 */
    bool plain = true;
    for (size_t g = 0; plain && g < m->ngroup; g++)
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            plain = plain && m->groups[g].w[d] == 1.0;
    if (!plain) {
        if (!(c->wraw = hx_alloc(a, m->ngroup * HSEC_DIM_COUNT * sizeof *c->wraw)))
            NOMEM();
        for (size_t g = 0; g < m->ngroup; g++)
            memcpy(c->wraw + g * HSEC_DIM_COUNT, m->groups[c->guid[g]].w,
                   HSEC_DIM_COUNT * sizeof *c->wraw);
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

    /* each name of a link's end resolved once, all of them in batches (one
     * no link uses is not an error), then the links checked in order */
    lnode = hx_alloc(a, (m->nlname ? m->nlname : 1) * sizeof *lnode);
    if (!lnode)
        NOMEM();
    hx_nodes_of(c, (const char *const *)m->lname, m->nlname, lnode);
    for (size_t l = 0; l < m->nlink; l++) {
        const mlink *ml = &m->links[l];
        const char *from = m->lname[ml->from], *to = m->lname[ml->to];
        if (lnode[ml->from] == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "link %zu (%s -> %s): from \"%s\" is not a node%s", l, from,
                 to, from, hx_near_node(&c->map, from, hint, sizeof hint));
        if (lnode[ml->to] == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "link %zu (%s -> %s): to \"%s\" is not a node%s", l, from, to,
                 to, hx_near_node(&c->map, to, hint, sizeof hint));
    }

    /* compressed sparse rows by target, by counting: the links counted
     * per row, then placed, explicit ones first, so that each row is then
     * sorted by source on its own (the order qsort of the whole list by
     * target, source and explicit index gave, entry for entry) */
    lay L = {0};
    L.rowp = c->rowp = hx_calloc(a, n + 1, sizeof *c->rowp);
    c->hidx = hx_calloc(a, n ? n : 1, sizeof *c->hidx);
    if (!c->rowp || !c->hidx)
        NOMEM();
    lay_links(&L, m, c, lnode);
    size_t longest = 0;
    for (size_t i = 0; i < n; i++) {
        if (L.rowp[i + 1] > longest)
            longest = L.rowp[i + 1];
        L.rowp[i + 1] += L.rowp[i];
    }
    size_t total = L.rowp[n];
    L.pos = hx_alloc(a, (n ? n : 1) * sizeof *L.pos);
    L.col = c->col = hx_alloc(a, (total ? total : 1) * sizeof *c->col);
    L.w = c->w = hx_alloc(a, (total ? total : 1) * sizeof *c->w);
    L.lag = lagtmp = hx_alloc(a, (total ? total : 1) * sizeof *L.lag);
    L.src = hx_alloc(a, (total ? total : 1) * sizeof *L.src);
    tmp = longest > 24 ? hx_alloc(a, longest * sizeof *tmp) : NULL;
    pos = L.pos;
    src = L.src;
    if (!L.pos || !L.col || !L.w || !L.lag || !L.src || (longest > 24 && !tmp))
        NOMEM();
    if (n)
        memcpy(L.pos, L.rowp, n * sizeof *L.pos);
    L.fill = true;
    lay_links(&L, m, c, lnode);

    /* each row by source; then an explicit link replaces a template's for
     * the same pair, and two explicit ones clash */
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        size_t lo = L.rowp[i], hi = L.rowp[i + 1];
        sort_row(&L, lo, hi, tmp);
        L.rowp[i] = nl;
        for (size_t k = lo; k < hi; k++) {
            if (nl > L.rowp[i] && L.col[nl - 1] == L.col[k]) {
                if (L.src[k] != HX_NONE) {
                    const mlink *x = &m->links[L.src[nl - 1]];
                    FAIL(HSEC_EEXIST, "links %u and %u both join %s -> %s", L.src[nl - 1],
                         L.src[k], m->lname[x->from], m->lname[x->to]);
                }
                continue;
            }
            L.col[nl] = L.col[k];
            L.w[nl] = L.w[k];
            L.lag[nl] = L.lag[k];
            L.src[nl] = L.src[k];
            nl++;
        }
    }
    L.rowp[n] = nl;
    c->nnz = nl;
    for (size_t i = 0; i < n; i++) {
        c->hidx[i] = HX_NONE;
        for (size_t e = L.rowp[i]; e < L.rowp[i + 1]; e++) {
            if (L.col[e] == i)
                c->selfw[i] = L.w[e];
            if (L.lag[e] > c->maxlag)
                c->maxlag = L.lag[e];
            c->nlagged += L.lag[e] != 0;
        }
    }
    if (c->maxlag) { /* the lags kept for the lagged links alone */
        if (!(c->lags = hx_alloc(a, c->nlagged * sizeof *c->lags)))
            NOMEM();
        for (size_t e = 0, k = 0; e < nl; e++) {
            if (!L.lag[e])
                continue;
            c->lags[k++] = (hx_lag){e, L.lag[e]};
            c->hidx[L.col[e]] = 0; /* a source: numbered below */
        }
        /* the sources numbered in node order, so that a step, which goes
         * through the nodes in order, writes each history class's slot in
         * order too (numbered as their readers first named them, the
         * writes were scattered over the slot) */
        for (size_t i = 0; i < n; i++)
            if (c->hidx[i] != HX_NONE)
                c->hidx[i] = (uint32_t)c->nlagsrc++;
        if (lag_depths(a, c))
            NOMEM();
    }

    /* arrays in which every node has the default are not kept */
    struct {
        double **v, dflt;
    } sparse[] = {{&c->tau, 0}, {&c->init, 0}, {&c->ko, HX_UNSET}, {&c->tauo, HX_UNSET},
                  {&c->selfw, 0}};
    for (size_t k = 0; k < sizeof sparse / sizeof *sparse; k++) {
        bool all = true;
        for (size_t i = 0; all && i < n; i++)
            all = (*sparse[k].v)[i] == sparse[k].dflt;
        if (all) {
            hx_free(a, *sparse[k].v);
            *sparse[k].v = NULL;
        }
    }
    if (!c->tau && !c->tauo) { /* self-weights serve only the recovery times */
        hx_free(a, c->selfw);
        c->selfw = NULL;
    }

    group_orders(c);
    c->bytes = hx_compiled_bytes(m, n, nl);
    c->memlimit = hx_limit(m->lim_memory);

done:
    hx_free(a, lnode);
    hx_free(a, pos);
    hx_free(a, src);
    hx_free(a, lagtmp);
    hx_free(a, tmp);
    hx_free(a, entity_node);
    if (rc) {
        hsec_compiled_free(c);
        return rc;
    }
    *out = c;
    return HSEC_OK;
}
