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

#include <math.h>
#include <string.h>
#include <zlib.h>

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

/* The model's links and per-node parameters, read once through the API. */
typedef struct model_view {
    const hsec_compiled *c;
    size_t n, nnz;
    size_t *rowp, *from;
    double *w;
    uint64_t *lag;
    double *param[HSEC_PARAM_COUNT];
} model_view;

static void view_free(const hsec_allocator *a, model_view *m)
{
    hd_release(a, m->rowp);
    hd_release(a, m->from);
    hd_release(a, m->w);
    hd_release(a, m->lag);
    for (int p = 0; p < HSEC_PARAM_COUNT; p++)
        hd_release(a, m->param[p]);
}

static int view_open(const hsec_allocator *a, model_view *m, const hsec_compiled *c)
{
    m->c = c;
    m->n = hsec_compiled_node_count(c);
    m->nnz = hsec_compiled_link_count(c);
    m->rowp = hd_calloc(a, m->n + 1, sizeof *m->rowp);
    m->from = hd_calloc(a, m->nnz, sizeof *m->from);
    m->w = hd_calloc(a, m->nnz, sizeof *m->w);
    m->lag = hd_calloc(a, m->nnz, sizeof *m->lag);
    bool ok = m->rowp && m->from && m->w && m->lag;
    for (int p = 0; p < HSEC_PARAM_COUNT; p++)
        ok = (m->param[p] = hd_calloc(a, m->n, sizeof(double))) && ok;
    if (!ok || hsec_compiled_links(m->rowp, m->from, m->w, m->lag, m->nnz, c))
        return HSEC_ENOMEM;
    for (int p = 0; p < HSEC_PARAM_COUNT; p++)
        if (hsec_compiled_params(m->param[p], m->n, c, (hsec_param)p))
            return HSEC_ENOMEM;
    return HSEC_OK;
}

/* The node whose row holds link e. */
static size_t link_row(const model_view *m, size_t e)
{
    size_t lo = 0, hi = m->n; /* rowp[lo] <= e < rowp[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->rowp[mid] <= e)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void regions(hb *b, hd *doc, const hsec_compiled *c)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t r = 0; r < hsec_compiled_region_count(c); r++) {
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_compiled_region_id(c, r)));
        size_t parent = HSEC_NO_INDEX;
        hsec_compiled_region_parent(&parent, c, r);
        if (parent != HSEC_NO_INDEX)
            hb_set(b, o, "parent", hb_str(b, hsec_compiled_region_id(c, parent)));
        if (hsec_compiled_region_label(c, r))
            hb_set(b, o, "label", hb_str(b, hsec_compiled_region_label(c, r)));
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "regions", arr);
}

/* Onset rates or times as given (NaN: not given), of a group's n = 7
 * dimensions (an object of those given, or one number when all seven
 * agree) or of a service (n = 1: the number). */
static void onset_dims(hb *b, hd *o, const char *key, const double *x, int n)
{
    if (n == 1) {
        if (x[0] == x[0])
            hb_set(b, o, key, hb_num(b, x[0]));
        return;
    }
    bool given[HSEC_DIM_COUNT];
    for (int d = 0; d < HSEC_DIM_COUNT; d++)
        given[d] = x[d] == x[d];
    per_dim(b, o, key, x, NAN, given);
}

static void onset(hb *b, hd *o, const double *rate, const double *time, int n)
{
    onset_dims(b, o, "onset", rate, n);
    onset_dims(b, o, "onset_time", time, n);
}

static void groups(hb *b, hd *doc, const model_view *m)
{
    const hsec_compiled *c = m->c;
    double *const *par = m->param;
    hd *arr = hb_new(b, HD_ARR);
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        const size_t i = hsec_compiled_group_node(c, g);
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_compiled_group_id(c, g)));
        hb_set(b, o, "region",
               hb_str(b, hsec_compiled_region_id(c, hsec_compiled_group_region(c, g))));
        hb_set(b, o, "size", hb_num(b, hsec_compiled_group_size(c, g)));
        unsigned flags = 0;
        hsec_compiled_group_flags(&flags, c, g);
        if (flags) {
            hd *fl = hb_new(b, HD_ARR);
            for (int f = 0; f < HSEC_FLAG_COUNT; f++)
                if (flags & (1u << f))
                    hb_push(b, fl, hb_str(b, hsec_enum_name(HSEC_ENUM_FLAG, f)));
            hb_set(b, o, "flags", fl);
        }
        const double *tau = par[HSEC_PARAM_RECOVERY_TIME] + i;
        bool rate[HSEC_DIM_COUNT], time[HSEC_DIM_COUNT];
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            time[d] = tau[d] > 0;
            rate[d] = !time[d];
        }
        per_dim(b, o, "vulnerability", par[HSEC_PARAM_VULNERABILITY] + i, 1, NULL);
        per_dim(b, o, "recovery", par[HSEC_PARAM_RECOVERY] + i, 1, rate);
        per_dim(b, o, "recovery_time", tau, 0, time);
        onset(b, o, par[HSEC_PARAM_ONSET] + i, par[HSEC_PARAM_ONSET_TIME] + i, HSEC_DIM_COUNT);
        const double *wraw = par[HSEC_PARAM_WEIGHT] + i;
        if (!all_equal(wraw, 1)) { /* an object: the dimensions left out weigh 0 */
            hd *w = hb_new(b, HD_OBJ);
            for (int d = 0; d < HSEC_DIM_COUNT; d++)
                if (wraw[d] != 0)
                    hb_set(b, w, hsec_enum_name(HSEC_ENUM_DIMENSION, d), hb_num(b, wraw[d]));
            hb_set(b, o, "weights", w);
        }
        per_dim(b, o, "baseline", par[HSEC_PARAM_BASELINE] + i, 0, NULL);
        per_dim(b, o, "initial", par[HSEC_PARAM_INITIAL] + i, 0, NULL);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "groups", arr);
}

static void services(hb *b, hd *doc, const model_view *m)
{
    const hsec_compiled *c = m->c;
    hd *arr = hb_new(b, HD_ARR);
    for (size_t s = 0; s < hsec_compiled_service_count(c); s++) {
        hsec_service_kind kind = HSEC_SERVICE_OTHER;
        size_t region = HSEC_NO_INDEX, i = 0;
        hsec_compiled_service(&kind, &region, &i, c, s);
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_compiled_service_id(c, s)));
        hb_set(b, o, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_SERVICE_KIND, (int)kind)));
        if (region != HSEC_NO_INDEX)
            hb_set(b, o, "region", hb_str(b, hsec_compiled_region_id(c, region)));
        if (hsec_compiled_service_label(c, s))
            hb_set(b, o, "label", hb_str(b, hsec_compiled_service_label(c, s)));
        double tau = m->param[HSEC_PARAM_RECOVERY_TIME][i], k = m->param[HSEC_PARAM_RECOVERY][i];
        double init = m->param[HSEC_PARAM_INITIAL][i];
        if (tau > 0)
            hb_set(b, o, "recovery_time", hb_num(b, tau));
        else if (k != 1)
            hb_set(b, o, "recovery", hb_num(b, k));
        onset(b, o, &m->param[HSEC_PARAM_ONSET][i], &m->param[HSEC_PARAM_ONSET_TIME][i], 1);
        if (init != 0)
            hb_set(b, o, "initial", hb_num(b, init));
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "services", arr);
}

static void links(hb *b, hd *doc, const model_view *m)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t i = 0; i < m->n && !b->oom; i++)
        for (size_t e = m->rowp[i]; e < m->rowp[i + 1]; e++) {
            hd *o = hb_new(b, HD_OBJ);
            hb_set(b, o, "from", hb_str(b, hsec_compiled_node_name(m->c, m->from[e])));
            hb_set(b, o, "to", hb_str(b, hsec_compiled_node_name(m->c, i)));
            hb_set(b, o, "weight", hb_num(b, m->w[e]));
            if (m->lag[e])
                hb_set(b, o, "lag", hb_num(b, (double)m->lag[e]));
            hb_push(b, arr, o);
        }
    hb_set(b, doc, "links", arr);
}

/* start, duration (null: persistent), as the getter `timing` gives them */
static void timing(hb *b, hd *o, double start, double dur)
{
    if (start != 0)
        hb_set(b, o, "start", hb_num(b, start));
    if (dur != HSEC_PERSISTENT)
        hb_set(b, o, "duration", hb_num(b, dur));
}

/* A threat's or measure's topics, by name, when it has any. */
static void topics(hb *b, hd *o, unsigned bits)
{
    if (!bits)
        return;
    hd *arr = hb_new(b, HD_ARR);
    for (int k = 0; k < HSEC_TOPIC_COUNT; k++)
        if (bits & (1u << k))
            hb_push(b, arr, hb_str(b, hsec_enum_name(HSEC_ENUM_TOPIC, k)));
    hb_set(b, o, "topics", arr);
}

static void threats(hb *b, hd *doc, const hsec_scenario *s, const hsec_allocator *a)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hd *arr = hb_new(b, HD_ARR);
    for (size_t h = 0; h < hsec_scenario_threat_count(s) && !b->oom; h++) {
        hsec_threat_actor actor = HSEC_THREAT_UNKNOWN;
        double start = 0, dur = HSEC_PERSISTENT, like = 1;
        hsec_scenario_threat_actor(&actor, s, h);
        hsec_scenario_threat_timing(&start, s, h, HSEC_TIMING_START);
        hsec_scenario_threat_timing(&dur, s, h, HSEC_TIMING_DURATION);
        hsec_scenario_threat_timing(&like, s, h, HSEC_TIMING_LIKELIHOOD);
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_scenario_threat_id(s, h)));
        hb_set(b, o, "actor", hb_str(b, hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, (int)actor)));
        timing(b, o, start, dur);
        if (like != 1)
            hb_set(b, o, "likelihood", hb_num(b, like));
        unsigned tp = 0;
        hsec_scenario_threat_topics(&tp, s, h);
        topics(b, o, tp);
        size_t n = hsec_scenario_threat_target_count(s, h);
        size_t *nodes = hd_calloc(a, n, sizeof *nodes);
        double *mag = hd_calloc(a, n, sizeof *mag);
        if (!nodes || !mag || hsec_scenario_threat_targets(nodes, mag, n, s, h))
            b->oom = true;
        hd *ts = hb_new(b, HD_ARR);
        for (size_t k = 0; nodes && mag && k < n; k++) {
            hd *t = hb_new(b, HD_OBJ);
            hb_set(b, t, "node", hb_str(b, hsec_compiled_node_name(c, nodes[k])));
            hb_set(b, t, "magnitude", hb_num(b, mag[k]));
            hb_push(b, ts, t);
        }
        hd_release(a, nodes);
        hd_release(a, mag);
        hb_set(b, o, "targets", ts);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "threats", arr);
}

static void measures(hb *b, hd *doc, const hsec_scenario *s, const model_view *mv,
                     const hsec_allocator *a)
{
    const hsec_compiled *c = mv->c;
    hd *arr = hb_new(b, HD_ARR);
    for (size_t m = 0; m < hsec_scenario_measure_count(s) && !b->oom; m++) {
        hsec_measure_kind kind = HSEC_PROTECTION;
        hsec_effect effect = HSEC_SHIELD;
        hsec_measure_actor actor = HSEC_BY_HOST_GOVERNMENT;
        double strength = 0, start = 0, dur = HSEC_PERSISTENT, ramp = 0, cost = 0;
        hsec_scenario_measure_kind(&kind, s, m);
        hsec_scenario_measure_effect(&effect, &actor, &strength, s, m);
        hsec_scenario_measure_timing(&start, s, m, HSEC_TIMING_START);
        hsec_scenario_measure_timing(&dur, s, m, HSEC_TIMING_DURATION);
        hsec_scenario_measure_timing(&ramp, s, m, HSEC_TIMING_RAMP);
        hsec_scenario_measure_timing(&cost, s, m, HSEC_TIMING_COST);
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_scenario_measure_id(s, m)));
        hb_set(b, o, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_KIND, (int)kind)));
        hb_set(b, o, "effect", hb_str(b, hsec_enum_name(HSEC_ENUM_EFFECT, (int)effect)));
        hb_set(b, o, "actor", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_ACTOR, (int)actor)));
        hb_set(b, o, effect == HSEC_RECOVER ? "delta" : "fraction", hb_num(b, strength));
        timing(b, o, start, dur);
        if (ramp != 0)
            hb_set(b, o, "ramp", hb_num(b, ramp));
        if (cost != 0)
            hb_set(b, o, "cost", hb_num(b, cost));
        unsigned tp = 0;
        hsec_branch branch = HSEC_BRANCH_NONE;
        hsec_scenario_measure_topics(&tp, s, m);
        hsec_scenario_measure_branch(&branch, s, m);
        topics(b, o, tp);
        if (branch != HSEC_BRANCH_NONE)
            hb_set(b, o, "branch", hb_str(b, hsec_enum_name(HSEC_ENUM_BRANCH, (int)branch)));
        size_t n = hsec_scenario_measure_target_count(s, m);
        size_t *at = hd_calloc(a, n, sizeof *at);
        if (!at || hsec_scenario_measure_targets(at, n, s, m))
            b->oom = true;
        hd *ts = hb_new(b, HD_ARR);
        for (size_t k = 0; at && k < n; k++) {
            hd *t = hb_new(b, HD_OBJ);
            if (effect == HSEC_DECOUPLE) {
                hb_set(b, t, "from", hb_str(b, hsec_compiled_node_name(c, mv->from[at[k]])));
                hb_set(b, t, "to", hb_str(b, hsec_compiled_node_name(c, link_row(mv, at[k]))));
            } else {
                hb_set(b, t, "node", hb_str(b, hsec_compiled_node_name(c, at[k])));
            }
            hb_push(b, ts, t);
        }
        hd_release(a, at);
        hb_set(b, o, "targets", ts);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "measures", arr);
}

static void packages(hb *b, hd *doc, const hsec_scenario *s, const hsec_allocator *a)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t p = 0; p < hsec_scenario_package_count(s) && !b->oom; p++) {
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "id", hb_str(b, hsec_scenario_package_id(s, p)));
        size_t n = hsec_scenario_package_size(s, p);
        size_t *ms = hd_calloc(a, n, sizeof *ms);
        if (!ms || hsec_scenario_package_measures(ms, n, s, p))
            b->oom = true;
        hd *list = hb_new(b, HD_ARR);
        for (size_t k = 0; ms && k < n; k++)
            hb_push(b, list, hb_str(b, hsec_scenario_measure_id(s, ms[k])));
        hd_release(a, ms);
        hb_set(b, o, "measures", list);
        hb_push(b, arr, o);
    }
    hb_set(b, doc, "packages", arr);
}

static double option(const hsec_scenario *s, hsec_option opt)
{
    double x = 0;
    hsec_scenario_get_option(&x, s, opt);
    return x;
}

/* The options a document keeps as plain numbers under `object`. */
static void numbers(hb *b, hd *o, const hsec_scenario *s, const char *object)
{
    for (int opt = 0; opt < HSEC_OPTION_COUNT; opt++) {
        const char *key = hd_option_number((hsec_option)opt, object);
        if (key)
            hb_set(b, o, key, hb_num(b, option(s, (hsec_option)opt)));
    }
}

static void run(hb *b, hd *doc, const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "mode", hb_str(b, option(s, HSEC_OPT_MODE) == HSEC_MODE_DYNAMIC ? "dynamic"
                                                                                   : "static"));
    if (option(s, HSEC_OPT_STEPS) > 0)
        hb_set(b, o, "steps", hb_num(b, option(s, HSEC_OPT_STEPS)));
    hb_set(b, o, "bounded", hb_bool(b, option(s, HSEC_OPT_BOUNDED) != 0));
    hd *bands = hb_new(b, HD_ARR);
    hb_push(b, bands, hb_num(b, option(s, HSEC_OPT_BAND_SHORT)));
    hb_push(b, bands, hb_num(b, option(s, HSEC_OPT_BAND_MEDIUM)));
    hb_set(b, o, "bands", bands);
    hb_set(b, o, "step_unit", hb_str(b, hsec_scenario_step_unit(s)));
    numbers(b, o, s, "run");
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    if (nrec) {
        hd *list = hb_new(b, HD_ARR);
        for (size_t k = 0; k < nrec; k++)
            hb_push(b, list, hb_str(b, hsec_compiled_node_name(c, rec[k])));
        hb_set(b, o, "record", list);
    }
    hb_set(b, doc, "run", o);
}

static void uncertainty(hb *b, hd *doc, const hsec_scenario *s)
{
    static const char *const keys[HSEC_UNCERTAIN_COUNT] = {"weights", "magnitudes",
                                                           "recovery"};
    hd *o = hb_new(b, HD_OBJ);
    for (int k = 0; k < HSEC_UNCERTAIN_COUNT; k++) {
        double tri[3] = {1, 1, 1};
        hsec_scenario_get_uncertainty(&tri[0], &tri[1], &tri[2], s, (hsec_uncertain)k);
        hd *arr = hb_new(b, HD_ARR);
        for (int j = 0; j < 3; j++)
            hb_push(b, arr, hb_num(b, tri[j]));
        hb_set(b, o, keys[k], arr);
    }
    numbers(b, o, s, "uncertainty");
    size_t nq;
    const double *qs = hsec_scenario_quantiles(s, &nq);
    hd *q = hb_new(b, HD_ARR);
    for (size_t k = 0; k < nq; k++)
        hb_push(b, q, hb_num(b, qs[k]));
    hb_set(b, o, "quantiles", q);
    hb_set(b, doc, "uncertainty", o);
}

/* The scenario's document, with its links unless `with_links` is false. */
static int tree(hd **out, const hsec_scenario *s, bool with_links, model_view *keep)
{
    *out = NULL;
    hsec_allocator a = hd_allocator_of(s);
    model_view m = {0};
    hb b = {&a, view_open(&a, &m, hsec_scenario_compiled(s)) != HSEC_OK};
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    regions(&b, doc, m.c);
    if (!b.oom) {
        groups(&b, doc, &m);
        services(&b, doc, &m);
        if (with_links)
            links(&b, doc, &m);
        threats(&b, doc, s, &a);
        measures(&b, doc, s, &m, &a);
        packages(&b, doc, s, &a);
        run(&b, doc, s);
        uncertainty(&b, doc, s);
    }
    if (keep && !b.oom)
        *keep = m;
    else
        view_free(&a, &m);
    if (b.oom) {
        hd_free(&a, doc);
        return HSEC_ENOMEM;
    }
    *out = doc;
    return HSEC_OK;
}

int hd_scenario_tree(hd **out, const hsec_scenario *s)
{
    return tree(out, s, true, NULL);
}

/* Running CRC-32 and Adler-32 of bytes fed through a buffer. */
typedef struct sums {
    uLong crc, adler;
    unsigned char buf[1 << 16];
    size_t n;
} sums;

static void sums_flush(sums *h)
{
    h->crc = crc32_z(h->crc, h->buf, h->n);
    h->adler = adler32_z(h->adler, h->buf, h->n);
    h->n = 0;
}

static void sums_add(sums *h, const void *p, size_t n)
{
    const unsigned char *c = p;
    while (n) {
        size_t k = sizeof h->buf - h->n < n ? sizeof h->buf - h->n : n;
        memcpy(h->buf + h->n, c, k);
        h->n += k;
        c += k;
        n -= k;
        if (h->n == sizeof h->buf)
            sums_flush(h);
    }
}

static void sums_name(sums *h, const char *s)
{
    sums_add(h, s, strlen(s) + 1);
}

static void sums_u64(sums *h, uint64_t v)
{
    unsigned char b[8];
    for (int k = 0; k < 8; k++)
        b[k] = (unsigned char)(v >> (8 * k));
    sums_add(h, b, sizeof b);
}

static void sums_double(sums *h, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    sums_u64(h, v);
}

int hd_scenario_fingerprint(uint64_t *out, const hsec_scenario *s)
{
    hsec_allocator a = hd_allocator_of(s);
    hd *doc = NULL;
    model_view m = {0};
    int rc = tree(&doc, s, false, &m);
    if (rc)
        return rc;
    hd *run = hd_get(doc, "run"), *unc = hd_get(doc, "uncertainty");
    hd_drop(&a, run, "threads");
    hd_drop(&a, unc, "threads");
    hd_drop(&a, unc, "quantiles");
    unsigned char *cbor = NULL;
    size_t n = 0;
    rc = hd_to_cbor(&cbor, &n, &a, doc);
    hd_free(&a, doc);
    sums *h = rc ? NULL : hd_alloc(&a, sizeof *h);
    if (!h) {
        hd_release(&a, cbor);
        view_free(&a, &m);
        return rc ? rc : HSEC_ENOMEM;
    }
    h->crc = crc32_z(0, Z_NULL, 0);
    h->adler = adler32_z(0, Z_NULL, 0);
    h->n = 0;
    sums_add(h, cbor, n);
    hd_release(&a, cbor);
    /* the links as the document lists them: each target's name and its
     * count of links, then each link's source, weight and lag */
    for (size_t i = 0; i < m.n; i++) {
        if (m.rowp[i] == m.rowp[i + 1])
            continue;
        sums_name(h, hsec_compiled_node_name(m.c, i));
        sums_u64(h, m.rowp[i + 1] - m.rowp[i]);
        for (size_t e = m.rowp[i]; e < m.rowp[i + 1]; e++) {
            sums_name(h, hsec_compiled_node_name(m.c, m.from[e]));
            sums_double(h, m.w[e]);
            sums_u64(h, m.lag[e]);
        }
    }
    sums_flush(h);
    *out = (uint64_t)(h->crc & 0xffffffffu) << 32 | (h->adler & 0xffffffffu);
    hd_release(&a, h);
    view_free(&a, &m);
    return HSEC_OK;
}

/* A setting, or an empty list: what a part to merge leaves out. */
static bool not_a_part(const char *key, const hd *val, const void *ctx)
{
    (void)ctx;
    return !strcmp(key, "run") || !strcmp(key, "uncertainty") ||
           (val->t == HD_ARR && val->n == 0);
}

void hd_scenario_part(const hsec_allocator *a, hd *doc)
{
    hd_drop_if(a, doc, not_a_part, NULL);
}
