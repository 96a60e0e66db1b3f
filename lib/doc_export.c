/*
 * A scenario written back as a scenario document (doc/format.md), so that a
 * model built through the API can be saved, shared and loaded again. The
 * model is written as compiled: every link explicit (template links
 * included, so no "templates"), every threat and measure target as the
 * nodes or links it resolved to. Loading the document gives a scenario
 * with the same nodes, links, parameters and options; the nodes are
 * numbered groups first, then services, as the document lists them.
 */
#include "doc.h"

#include <string.h>

/* The node whose row holds link e. */
static size_t link_row(const hsec_compiled *c, size_t e)
{
    size_t lo = 0, hi = c->n; /* rowp[lo] <= e < rowp[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->rowp[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static bool all_equal(const double *x, double v)
{
    for (int d = 0; d < HSEC_DIM_COUNT; d++)
        if (x[d] != v)
            return false;
    return true;
}

/* A per-dimension field: omitted when every value is the default, one
 * number when all seven agree, else an object of the dimensions that use
 * it (use NULL: all seven). */
static void per_dim(hb *b, hd *o, const char *key, const double *x, double dflt,
                    const bool *use)
{
    bool any = false, same = true;
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        if (use && !use[d])
            same = false;
        else if (x[d] != dflt)
            any = true;
        if (x[d] != x[0])
            same = false;
    }
    if (!any)
        return;
    if (same) {
        hb_set(b, o, key, hb_num(b, x[0]));
        return;
    }
    hd *obj = hb_new(b, HD_OBJ);
    for (int d = 0; d < HSEC_DIM_COUNT; d++)
        if (!use || use[d])
            hb_set(b, obj, hsec_enum_name(HSEC_ENUM_DIMENSION, d), hb_num(b, x[d]));
    hb_set(b, o, key, obj);
}

static void regions(hb *b, hd *doc, const hsec_compiled *c)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t r = 0; r < c->nregion; r++) {
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, c->region_id[r]));
        if (c->region_parent[r] != HX_NONE)
            hb_set(b, o, "parent", hb_str(b, c->region_id[c->region_parent[r]]));
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "regions", arr);
}

static void groups(hb *b, hd *doc, const hsec_compiled *c)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t g = 0; g < c->ngroup; g++) {
        const cgroup *cg = &c->groups[g];
        const size_t i = cg->node;
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, cg->id));
        hb_set(b, o, "region", hb_str(b, c->region_id[cg->region]));
        hb_set(b, o, "size", hb_num(b, cg->size));
        if (cg->flags) {
            hd *fl = hb_new(b, HD_ARR);
            for (int f = 0; f < HSEC_FLAG_COUNT; f++)
                if (cg->flags & (1u << f))
                    hb_push(b, fl, hb_str(b, hsec_enum_name(HSEC_ENUM_FLAG, f)));
            hb_set(b, o, "flags", fl);
        }
        bool rate[HSEC_DIM_COUNT], time[HSEC_DIM_COUNT];
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            time[d] = c->tau[i + (size_t)d] > 0;
            rate[d] = !time[d];
        }
        per_dim(b, o, "vulnerability", c->v + i, 1, NULL);
        per_dim(b, o, "recovery", c->k + i, 1, rate);
        per_dim(b, o, "recovery_time", c->tau + i, 0, time);
        if (!all_equal(cg->wraw, 1)) { /* an object: the dimensions left out weigh 0 */
            hd *w = hb_new(b, HD_OBJ);
            for (int d = 0; d < HSEC_DIM_COUNT; d++)
                if (cg->wraw[d] != 0)
                    hb_set(b, w, hsec_enum_name(HSEC_ENUM_DIMENSION, d), hb_num(b, cg->wraw[d]));
            hb_set(b, o, "weights", w);
        }
        per_dim(b, o, "baseline", cg->base, 0, NULL);
        per_dim(b, o, "initial", c->init + i, 0, NULL);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "groups", arr);
}

static void services(hb *b, hd *doc, const hsec_compiled *c)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t s = 0; s < c->nservice; s++) {
        const cservice *cs = &c->services[s];
        const size_t i = cs->node;
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, c->names[i]));
        hb_set(b, o, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_SERVICE_KIND, cs->kind)));
        if (cs->region != HX_NONE)
            hb_set(b, o, "region", hb_str(b, c->region_id[cs->region]));
        if (c->tau[i] > 0)
            hb_set(b, o, "recovery_time", hb_num(b, c->tau[i]));
        else if (c->k[i] != 1)
            hb_set(b, o, "recovery", hb_num(b, c->k[i]));
        if (c->init[i] != 0)
            hb_set(b, o, "initial", hb_num(b, c->init[i]));
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "services", arr);
}

static void links(hb *b, hd *doc, const hsec_compiled *c)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t i = 0; i < c->n && !b->oom; i++)
        for (size_t e = c->rowp[i]; e < c->rowp[i + 1]; e++) {
            hd *o = hb_new(b, HD_OBJ);
            hb_set(b, o, "from", hb_str(b, c->names[c->col[e]]));
            hb_set(b, o, "to", hb_str(b, c->names[i]));
            hb_set(b, o, "weight", hb_num(b, c->w[e]));
            if (c->lag && c->lag[e])
                hb_set(b, o, "lag", hb_num(b, (double)c->lag[e]));
            hb_push(b, arr, o);
        }
    hb_set(b, doc, "links", arr);
}

/* start, duration (null: persistent) */
static void timing(hb *b, hd *o, int64_t start, int64_t dur)
{
    if (start)
        hb_set(b, o, "start", hb_num(b, (double)start));
    if (dur >= 0)
        hb_set(b, o, "duration", hb_num(b, (double)dur));
}

static void threats(hb *b, hd *doc, const hsec_scenario *s)
{
    const hsec_compiled *c = s->c;
    hd *arr = hb_new(b, HD_ARR);
    for (size_t h = 0; h < s->nthreat; h++) {
        const sthreat *th = &s->threats[h];
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, th->id));
        hb_set(b, o, "actor", hb_str(b, hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, th->actor)));
        timing(b, o, th->start, th->dur);
        if (th->like != 1)
            hb_set(b, o, "likelihood", hb_num(b, th->like));
        hd *ts = hb_new(b, HD_ARR);
        for (size_t k = 0; k < s->ntt; k++) {
            if (s->tt[k].who != h)
                continue;
            hd *t = hb_new(b, HD_OBJ);
            hb_set(b, t, "node", hb_str(b, c->names[s->tt[k].at]));
            hb_set(b, t, "magnitude", hb_num(b, s->tt[k].mag));
            hb_push(b, ts, t);
        }
        hb_set(b, o, "targets", ts);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "threats", arr);
}

static void measures(hb *b, hd *doc, const hsec_scenario *s)
{
    const hsec_compiled *c = s->c;
    hd *arr = hb_new(b, HD_ARR);
    for (size_t m = 0; m < s->nmeasure; m++) {
        const smeasure *me = &s->measures[m];
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, me->id));
        hb_set(b, o, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_KIND, me->kind)));
        hb_set(b, o, "effect", hb_str(b, hsec_enum_name(HSEC_ENUM_EFFECT, me->effect)));
        hb_set(b, o, "actor", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_ACTOR, me->actor)));
        hb_set(b, o, me->effect == HSEC_RECOVER ? "delta" : "fraction",
               hb_num(b, me->strength));
        timing(b, o, me->start, me->dur);
        if (me->ramp)
            hb_set(b, o, "ramp", hb_num(b, (double)me->ramp));
        if (me->cost != 0)
            hb_set(b, o, "cost", hb_num(b, me->cost));
        hd *ts = hb_new(b, HD_ARR);
        const starget *l = s->mt[me->effect];
        for (size_t k = 0; k < s->nmt[me->effect]; k++) {
            if (l[k].who != m)
                continue;
            hd *t = hb_new(b, HD_OBJ);
            if (me->effect == HSEC_DECOUPLE) {
                hb_set(b, t, "from", hb_str(b, c->names[c->col[l[k].at]]));
                hb_set(b, t, "to", hb_str(b, c->names[link_row(c, l[k].at)]));
            } else {
                hb_set(b, t, "node", hb_str(b, c->names[l[k].at]));
            }
            hb_push(b, ts, t);
        }
        hb_set(b, o, "targets", ts);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "measures", arr);
}

static void packages(hb *b, hd *doc, const hsec_scenario *s)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t p = 0; p < s->npackage; p++) {
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, s->packages[p].id));
        hd *ms = hb_new(b, HD_ARR);
        for (size_t k = 0; k < s->packages[p].n; k++)
            hb_push(b, ms, hb_str(b, s->measures[s->packages[p].measures[k]].id));
        hb_set(b, o, "measures", ms);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "packages", arr);
}

static void run(hb *b, hd *doc, const hsec_scenario *s)
{
    const double *opt = s->opt;
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "mode", hb_str(b, opt[HSEC_OPT_MODE] == HSEC_MODE_DYNAMIC ? "dynamic" : "static"));
    if (opt[HSEC_OPT_STEPS] > 0)
        hb_set(b, o, "steps", hb_num(b, opt[HSEC_OPT_STEPS]));
    hb_set(b, o, "bounded", hb_bool(b, opt[HSEC_OPT_BOUNDED] != 0));
    hd *bands = hb_new(b, HD_ARR);
    hb_push(b, bands, hb_num(b, opt[HSEC_OPT_BAND_SHORT]));
    hb_push(b, bands, hb_num(b, opt[HSEC_OPT_BAND_MEDIUM]));
    hb_set(b, o, "bands", bands);
    hb_set(b, o, "step_unit", hb_str(b, s->unit));
    for (size_t k = 0; k < HX_RUN_NUMBERS; k++)
        hb_set(b, o, hx_run_numbers[k].key, hb_num(b, opt[hx_run_numbers[k].opt]));
    if (s->nrec) {
        hd *rec = hb_new(b, HD_ARR);
        for (size_t k = 0; k < s->nrec; k++)
            hb_push(b, rec, hb_str(b, s->c->names[s->rec[k]]));
        hb_set(b, o, "record", rec);
    }
    hb_set(b, doc, "run", o);
}

static void uncertainty(hb *b, hd *doc, const hsec_scenario *s)
{
    static const char *const keys[HSEC_UNCERTAIN_COUNT] = {"weights", "magnitudes",
                                                           "recovery"};
    hd *o = hb_new(b, HD_OBJ);
    for (int k = 0; k < HSEC_UNCERTAIN_COUNT; k++) {
        hd *tri = hb_new(b, HD_ARR);
        for (int j = 0; j < 3; j++)
            hb_push(b, tri, hb_num(b, s->unc[k][j]));
        hb_set(b, o, keys[k], tri);
    }
    hb_set(b, o, "members", hb_num(b, s->opt[HSEC_OPT_MEMBERS]));
    hb_set(b, o, "threads", hb_num(b, s->opt[HSEC_OPT_THREADS]));
    hd *q = hb_new(b, HD_ARR);
    for (size_t k = 0; k < s->nqs; k++)
        hb_push(b, q, hb_num(b, s->qs[k]));
    hb_set(b, o, "quantiles", q);
    hb_set(b, doc, "uncertainty", o);
}

int hx_scenario_tree(hd **out, const hsec_scenario *s)
{
    hb b = {&s->a, false};
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    regions(&b, doc, s->c);
    groups(&b, doc, s->c);
    services(&b, doc, s->c);
    links(&b, doc, s->c);
    threats(&b, doc, s);
    measures(&b, doc, s);
    packages(&b, doc, s);
    run(&b, doc, s);
    uncertainty(&b, doc, s);
    if (b.oom) {
        hd_free(&s->a, doc);
        *out = NULL;
        return HSEC_ENOMEM;
    }
    *out = doc;
    return HSEC_OK;
}
