/* The model builder: each value is checked as it is added. */
#include "model.h"

#include <math.h>
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
    }
    for (size_t i = 0; i < m->ngroup; i++) {
        hx_free(a, m->groups[i].id);
        hx_free(a, m->groups[i].region);
    }
    for (size_t i = 0; i < m->nservice; i++) {
        hx_free(a, m->services[i].id);
        hx_free(a, m->services[i].region);
    }
    for (size_t i = 0; i < m->nlink; i++) {
        hx_free(a, m->links[i].from);
        hx_free(a, m->links[i].to);
    }
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
        FAIL(m, HSEC_EINVAL, "%s id \"%s\" is not [A-Za-z0-9_-]{1,64}", what, hx_show(id));
    if (hx_map_get(&m->names, id, NULL))
        FAIL(m, HSEC_EEXIST, "%s id \"%s\" is already used", what, id);
    return HSEC_OK;
}

static int check_ref_name(hsec_model *m, const char *what, const char *name)
{
    if (name && !hx_valid_id(name))
        FAIL(m, HSEC_EINVAL, "%s \"%s\" is not [A-Za-z0-9_-]{1,64}", what, name);
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
        FAIL(m, HSEC_ENOTFOUND, "no node or group \"%s\"", hx_show(name));
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

int hsec_model_add_link(hsec_model *m, const char *from, const char *to, double weight,
                        double lag)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_link: the model is NULL");
    char ent[HX_ID_MAX + 1];
    int dim;
    if (!hx_split_node(from, ent, &dim))
        FAIL(m, HSEC_EINVAL, "link from \"%s\": not a node name", hx_show(from));
    if (!hx_split_node(to, ent, &dim))
        FAIL(m, HSEC_EINVAL, "link to \"%s\": not a node name", hx_show(to));
    if (!(weight >= 0 && weight <= 1))
        FAIL(m, HSEC_EINVAL, "link %s -> %s: weight %.17g is not in [0,1]", from, to, weight);
    if (!(lag >= 0 && lag <= HX_MAX_STEPS && floor(lag) == lag))
        FAIL(m, HSEC_EINVAL, "link %s -> %s: lag %.17g is not a whole number in [0,%.0f]", from,
             to, lag, HX_MAX_STEPS);
    if (m->nlink >= (size_t)UINT32_MAX)
        FAIL(m, HSEC_EINVAL, "link %s -> %s: too many links", from, to);
    if (HX_RESERVE(&m->a, m->links, m->caplink, m->nlink + 1))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    mlink l = {0};
    l.w = weight;
    l.lag = (uint32_t)lag;
    if (!(l.from = hx_strdup(&m->a, from)) || !(l.to = hx_strdup(&m->a, to))) {
        hx_free(&m->a, l.from);
        FAIL(m, HSEC_ENOMEM, "out of memory");
    }
    m->links[m->nlink++] = l;
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
