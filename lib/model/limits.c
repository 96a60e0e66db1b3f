/* What a model may grow to: nodes, links (templates' included) and memory,
 * checked before compiling allocates. */
#include "model.h"
#include "templates.h"

#include <stdio.h>

uint64_t hx_limit(uint64_t stored)
{
    return stored ? stored : UINT64_MAX;
}

uint64_t hx_mul_add(uint64_t a, uint64_t b, uint64_t c)
{
    if (a && b > UINT64_MAX / a)
        return UINT64_MAX;
    uint64_t p = a * b;
    return p > UINT64_MAX - c ? UINT64_MAX : p + c;
}

static uint64_t *model_slot(hsec_model *m, hsec_limit what)
{
    switch (what) {
    case HSEC_LIMIT_NODES: return &m->lim_nodes;
    case HSEC_LIMIT_LINKS: return &m->lim_links;
    case HSEC_LIMIT_MEMORY: return &m->lim_memory;
    default: return NULL;
    }
}

int hsec_model_set_limit(hsec_model *m, hsec_limit what, uint64_t value)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_set_limit: the model is NULL");
    uint64_t *slot = model_slot(m, what);
    if (!slot)
        return hx_fail_on(m->err, HSEC_EINVAL,
                          "model_set_limit: limit %d is not one of a model's (nodes, links, "
                          "memory)", (int)what);
    if (value == 0)
        return hx_fail_on(m->err, HSEC_EINVAL, "model_set_limit: 0 would refuse everything");
    *slot = value;
    return HSEC_OK;
}

int hsec_model_get_limit(uint64_t *out, const hsec_model *m, hsec_limit what)
{
    if (!out || !m)
        return hx_fail(HSEC_EINVAL, "model_get_limit: %s is NULL", out ? "the model" : "out");
    uint64_t *slot = model_slot((hsec_model *)(uintptr_t)m, what);
    if (!slot)
        return hx_fail(HSEC_EINVAL, "model_get_limit: limit %d is not one of a model's",
                       (int)what);
    *out = hx_limit(*slot);
    return HSEC_OK;
}

/* Bytes per node and per link of a compiled model: seven doubles, a name
 * pointer, a row pointer and a history index per node; a column, a weight
 * and a lag per link, and the link list compile sorts. */
enum { NODE_BYTES = 7 * 8 + 8 + 8 + 4, LINK_BYTES = 4 + 8 + 4 + 24 };

uint64_t hx_compiled_bytes(const hsec_model *m, uint64_t n, uint64_t nnz)
{
    uint64_t b = hx_mul_add(n, NODE_BYTES, 0);
    b = hx_mul_add(nnz, LINK_BYTES, b);
    b = hx_mul_add(m->ngroup, sizeof(cgroup) + HSEC_DIM_COUNT * 24 + 32, b);
    b = hx_mul_add(m->nservice, sizeof(cservice) + 48, b);
    b = hx_mul_add(m->nregion, 64 + 20, b);
    b = hx_mul_add(m->ngroup + m->nservice, 4, b); /* their order by region */
    return b;
}

static uint32_t region_of(const hsec_model *m, const char *name)
{
    uint32_t ref;
    if (!name || !hx_map_get(&m->names, name, &ref) || HX_REF_KIND(ref) != HX_REGION)
        return HX_NONE;
    return HX_REF_INDEX(ref);
}

/* Template links from services: each service's kind has some template
 * rows, each reaching every group in the service's region and below (all
 * groups without a region). Groups below each region are summed over a
 * depth-first order of the region tree, in time linear in the regions. */
static int service_template_links(uint64_t *out, hsec_model *m)
{
    const hsec_allocator *a = &m->a;
    size_t R = m->nregion;
    int rc = HSEC_ENOMEM;
    uint32_t *parent = hx_calloc(a, R ? R : 1, sizeof *parent);
    uint64_t *below = hx_calloc(a, R ? R : 1, sizeof *below);
    size_t *cstart = hx_calloc(a, R + 1, sizeof *cstart);
    uint32_t *child = hx_calloc(a, R ? R : 1, sizeof *child);
    uint32_t *order = hx_calloc(a, R ? R : 1, sizeof *order);
    size_t *pos = hx_calloc(a, R + 1, sizeof *pos);
    if (!parent || !below || !cstart || !child || !order || !pos)
        goto done;
    for (size_t r = 0; r < R; r++) {
        parent[r] = region_of(m, m->regions[r].parent);
        if (parent[r] != HX_NONE)
            cstart[parent[r] + 1]++;
    }
    for (size_t r = 0; r < R; r++)
        cstart[r + 1] += cstart[r];
    for (size_t r = 0; r <= R; r++)
        pos[r] = cstart[r];
    for (size_t r = 0; r < R; r++)
        if (parent[r] != HX_NONE)
            child[pos[parent[r]]++] = (uint32_t)r;
    /* preorder from the roots (regions in a loop of parents are never
     * reached: compile refuses them) */
    size_t no = 0, top = 0;
    uint32_t *stack = (uint32_t *)pos; /* pos is free again; R + 1 entries */
    for (size_t r = 0; r < R; r++) {
        if (parent[r] != HX_NONE)
            continue;
        stack[top++] = (uint32_t)r;
        while (top) {
            uint32_t x = stack[--top];
            order[no++] = x;
            for (size_t i = cstart[x]; i < cstart[x + 1]; i++)
                stack[top++] = child[i];
        }
    }
    for (size_t g = 0; g < m->ngroup; g++) {
        uint32_t r = region_of(m, m->groups[g].region);
        if (r != HX_NONE)
            below[r]++;
    }
    for (size_t i = no; i-- > 0;)
        if (parent[order[i]] != HX_NONE)
            below[parent[order[i]]] += below[order[i]];
    uint64_t total = 0;
    for (size_t s = 0; s < m->nservice; s++) {
        uint64_t rows = 0;
        for (size_t t = 0; t < hx_template_services_count; t++)
            rows += hx_template_services[t].from == m->services[s].kind;
        uint32_t r = region_of(m, m->services[s].region);
        uint64_t groups = m->services[s].region ? (r == HX_NONE ? 0 : below[r]) : m->ngroup;
        total = hx_mul_add(rows, groups, total);
    }
    *out = total;
    rc = HSEC_OK;
done:
    hx_free(a, parent);
    hx_free(a, below);
    hx_free(a, cstart);
    hx_free(a, child);
    hx_free(a, order);
    hx_free(a, pos);
    return rc;
}

int hx_model_check_limits(hsec_model *m)
{
    uint64_t n = hx_mul_add(m->ngroup, HSEC_DIM_COUNT, m->nservice);
    if (n > hx_limit(m->lim_nodes))
        return hx_fail_on(m->err, HSEC_ELIMIT,
                          "%llu nodes (%zu groups x 7 + %zu services), more than the "
                          "limit of %llu (HSEC_LIMIT_NODES)",
                          (unsigned long long)n, m->ngroup, m->nservice,
                          (unsigned long long)m->lim_nodes);
    uint64_t dims = 0, services = 0;
    if (m->templates & HX_TEMPLATE_DIMENSIONS)
        dims = hx_mul_add(m->ngroup, hx_template_dimensions_count, 0);
    if ((m->templates & HX_TEMPLATE_SERVICES) && service_template_links(&services, m))
        return hx_fail_on(m->err, HSEC_ENOMEM, "out of memory");
    uint64_t links = hx_mul_add(1, m->nlink, hx_mul_add(1, dims, services));
    if (links > hx_limit(m->lim_links))
        return hx_fail_on(m->err, HSEC_ELIMIT,
                          "%llu links (%zu written, %llu from the dimensions template, "
                          "%llu from the services template), more than the limit of %llu "
                          "(HSEC_LIMIT_LINKS)",
                          (unsigned long long)links, m->nlink, (unsigned long long)dims,
                          (unsigned long long)services, (unsigned long long)m->lim_links);
    uint64_t bytes = hx_compiled_bytes(m, n, links);
    if (bytes > hx_limit(m->lim_memory))
        return hx_fail_on(m->err, HSEC_ELIMIT,
                          "compiling %llu nodes and %llu links takes about %llu bytes "
                          "(%.0f MiB), more than the memory limit of %llu bytes "
                          "(HSEC_LIMIT_MEMORY)",
                          (unsigned long long)n, (unsigned long long)links,
                          (unsigned long long)bytes, (double)bytes / 1048576.0,
                          (unsigned long long)m->lim_memory);
    return HSEC_OK;
}
