/* The results document (doc/format.md), built from the public result API. */
#include "doc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const band_names[HSEC_BAND_COUNT] = {"short", "medium", "long"};

/* Every figure of a document is finite, or the document is not written:
 * JSON has no infinity, and null or a CBOR infinity would hide that the
 * figures overflowed. HSEC_EINVAL with the thread's message naming the
 * figure ("results: burden.total is inf (...)"). */
static int finite_figures(const hd *doc, const char *what)
{
    char path[160] = "";
    double x = 0;
    if (!doc || !hd_find_nonfinite(doc, path, sizeof path, 0, &x))
        return HSEC_OK;
    return hd_fail(HSEC_EINVAL, "%s: %s is %s", what, path[0] ? path : "the document",
                   isnan(x) ? "nan (not a number: the figures overflow a double, or a NaN was given)"
                            : x > 0 ? "inf (the figures overflow a double)"
                                    : "-inf (the figures overflow a double)");
}

static hd *orders4(hb *b, const double *x)
{
    hd *arr = hb_new(b, HD_ARR);
    for (int o = 0; o < HSEC_ORDER_COUNT; o++)
        hb_push(b, arr, hb_num(b, x[o]));
    return arr;
}

static hd *figure(hb *b, const hsec_result *r, size_t g, double size, hsec_at at)
{
    uint64_t step;
    double H, y[HSEC_DIM_COUNT], p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
    hsec_result_group(&step, &H, y, HSEC_DIM_COUNT, r, g, at);
    hsec_result_group_orders(p, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, g, at);
    hd *f = hb_new(b, HD_OBJ);
    if (hsec_result_mode(r) == HSEC_MODE_DYNAMIC)
        hb_set(b, f, "step", hb_num(b, (double)step));
    hb_set(b, f, "index", hb_num(b, H));
    hb_set(b, f, "phase", hb_str(b, hsec_enum_name(HSEC_ENUM_PHASE, (int)hsec_phase_of(H))));
    hb_set(b, f, "people", hb_num(b, size * H));
    hd *dims = hb_new(b, HD_OBJ);
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        hd *o = hb_new(b, HD_OBJ);
        hb_set(b, o, "y", hb_num(b, y[d]));
        hb_set(b, o, "phase", hb_str(b, hsec_enum_name(HSEC_ENUM_PHASE, (int)hsec_phase_of(y[d]))));
        hb_set(b, o, "people", hb_num(b, size * y[d]));
        hb_set(b, o, "orders", orders4(b, p + d * HSEC_ORDER_COUNT));
        hb_set(b, dims, hsec_enum_name(HSEC_ENUM_DIMENSION, d), o);
    }
    hb_set(b, f, "dimensions", dims);
    double fr[HSEC_FREEDOM_COUNT], score;
    int insecure;
    hsec_result_group_freedoms(fr, HSEC_FREEDOM_COUNT, r, g, at);
    hd *free3 = hb_new(b, HD_OBJ);
    hb_set(b, free3, "from_fear", hb_num(b, fr[0]));
    hb_set(b, free3, "from_want", hb_num(b, fr[1]));
    hb_set(b, free3, "dignity", hb_num(b, fr[2]));
    hb_set(b, f, "freedoms", free3);
    hsec_result_group_score(&score, &insecure, r, g, at);
    hb_set(b, f, "score", hb_num(b, score));
    hb_set(b, f, "insecure", hb_bool(b, insecure != 0));
    return f;
}

/* Early warnings (dynamic) and the threats' shares at the peak. */
static void group_extras(hb *b, hd *o, const hsec_result *r, const hsec_scenario *s, size_t g)
{
    if (hsec_result_mode(r) == HSEC_MODE_DYNAMIC) {
        hd *warn = hb_new(b, HD_OBJ);
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            int64_t step, lead;
            hsec_result_warning(&step, &lead, r, g, (hsec_dimension)d);
            if (step < 0)
                continue;
            hd *w = hb_new(b, HD_OBJ);
            hb_set(b, w, "step", hb_num(b, (double)step));
            hb_set(b, w, "lead", hb_num(b, (double)lead));
            hb_set(b, warn, hsec_enum_name(HSEC_ENUM_DIMENSION, d), w);
        }
        hb_set(b, o, "warnings", warn);
    }
    hd *th = hb_new(b, HD_OBJ);
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        double share;
        int critical;
        hsec_result_threat_share(&share, &critical, r, g, h);
        hd *t = hb_new(b, HD_OBJ);
        hb_set(b, t, "share", hb_num(b, share));
        hb_set(b, t, "critical", hb_bool(b, critical != 0));
        hb_set(b, th, hsec_scenario_threat_id(s, h), t);
    }
    hb_set(b, o, "threats", th);
}

static hd *af_tree(hb *b, const hsec_result *r, hsec_at at)
{
    double af[HSEC_AF_COUNT];
    hsec_result_multidimensional(af, HSEC_AF_COUNT, r, at);
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "H", hb_num(b, af[0]));
    hb_set(b, o, "A", hb_num(b, af[1]));
    hb_set(b, o, "M0", hb_num(b, af[2]));
    return o;
}

/* A node's figures, and its series when it was recorded in a dynamic run. */
static hd *node_entry(hb *b, const hsec_result *r, size_t i, bool series_kept)
{
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "q", hb_num(b, hsec_result_q(r)[i]));
    hb_set(b, o, "orders", orders4(b, hsec_result_orders(r) + i * HSEC_ORDER_COUNT));
    const double *series;
    size_t len;
    if (series_kept && hsec_result_series(&series, &len, r, i) == HSEC_OK)
        hb_set(b, o, "series", hb_nums(b, series, len));
    return o;
}

static double burden(const hsec_result *r, hsec_burden part, size_t i)
{
    double x = 0;
    hsec_result_burden(&x, r, part, i);
    return x;
}

/* The ids of the measures with a nonzero byte in mask (NULL: every one). */
static hd *measures_in_force(hb *b, const unsigned char *mask, const hsec_scenario *s)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t m = 0; m < hsec_scenario_measure_count(s); m++)
        if (!mask || mask[m])
            hb_push(b, arr, hb_str(b, hsec_scenario_measure_id(s, m)));
    return arr;
}

/* The measures of mask (NULL: all) by the branch that owns them, a task
 * list for a headquarters (doc/model.md §11); NULL when none names a branch. */
static hd *by_branch(hb *b, const unsigned char *mask, const hsec_scenario *s)
{
    size_t nm = hsec_scenario_measure_count(s);
    bool any = false;
    for (size_t m = 0; m < nm && !any; m++) {
        hsec_branch br = HSEC_BRANCH_NONE;
        hsec_scenario_measure_branch(&br, s, m);
        any = (!mask || mask[m]) && br != HSEC_BRANCH_NONE;
    }
    if (!any)
        return NULL;
    hd *o = hb_new(b, HD_OBJ);
    for (int k = 1; k <= HSEC_BRANCH_COUNT; k++) { /* "none" last */
        int want = k % HSEC_BRANCH_COUNT;
        hd *arr = NULL;
        for (size_t m = 0; m < nm; m++) {
            hsec_branch br = HSEC_BRANCH_NONE;
            hsec_scenario_measure_branch(&br, s, m);
            if ((mask && !mask[m]) || (int)br != want)
                continue;
            if (!arr)
                arr = hb_new(b, HD_ARR);
            hb_push(b, arr, hb_str(b, hsec_scenario_measure_id(s, m)));
        }
        if (arr)
            hb_set(b, o, hsec_enum_name(HSEC_ENUM_BRANCH, want), arr);
    }
    return o;
}

static void push_warning(hb *b, hd *arr, hsec_warning code, const char *message)
{
    hd *w = hb_new(b, HD_OBJ);
    const char *name = hsec_warning_name((int)code);
    hb_set(b, w, "code", hb_str(b, name ? name : "unknown"));
    hb_set(b, w, "message", hb_str(b, message));
    hb_push(b, arr, w);
}

/* The scenario's warnings, then the run's (r may be NULL), in their order. */
static hd *warnings_tree(hb *b, const hsec_result *r, const hsec_scenario *s)
{
    hd *arr = hb_new(b, HD_ARR);
    hsec_warning code;
    const char *msg;
    for (size_t i = 0; i < hsec_scenario_diagnostic_count(s); i++)
        if (hsec_scenario_diagnostic(&code, &msg, s, i) == HSEC_OK)
            push_warning(b, arr, code, msg);
    for (size_t i = 0; r && i < hsec_result_diagnostic_count(r); i++)
        if (hsec_result_diagnostic(&code, &msg, r, i) == HSEC_OK)
            push_warning(b, arr, code, msg);
    return arr;
}

/* The topics the scenario's threats carry (bits; HSEC_TOPIC_COUNT's bit:
 * some threat carries none), and the flags its groups carry. */
static unsigned topics_used(const hsec_scenario *s)
{
    unsigned used = 0;
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        unsigned tp = 0;
        hsec_scenario_threat_topics(&tp, s, h);
        used |= tp ? tp : 1u << HSEC_TOPIC_COUNT;
    }
    return used;
}

static unsigned flags_used(const hsec_compiled *c)
{
    unsigned used = 0;
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        unsigned f = 0;
        hsec_compiled_group_flags(&f, c, g);
        used |= f;
    }
    return used;
}

static const char *topic_name(int k)
{
    return k < HSEC_TOPIC_COUNT ? hsec_enum_name(HSEC_ENUM_TOPIC, k) : "none";
}

static const char *flag_name(int f)
{
    return f < HSEC_FLAG_COUNT ? hsec_enum_name(HSEC_ENUM_FLAG, f) : "population";
}

/* x / d, or null when d is 0 (or either is not finite: a ratio of nothing). */
static hd *ratio_or_null(hb *b, double x, double d)
{
    double q = x / d;
    return d != 0 && isfinite(q) ? hb_num(b, q) : hb_new(b, HD_NULL);
}

/* By topic, when some threat carries one: the propagated parts of its
 * threats (a threat under each of its topics; "none": threats without). */
static void topics_tree(hb *b, hd *o, const hsec_scenario *s, const double *by)
{
    unsigned used = topics_used(s);
    if (!(used & ((1u << HSEC_TOPIC_COUNT) - 1)))
        return;
    hd *t = hb_new(b, HD_OBJ);
    for (int k = 0; k <= HSEC_TOPIC_COUNT; k++)
        if (used & (1u << k))
            hb_set(b, t, topic_name(k), hb_num(b, by[k]));
    hb_set(b, o, "topics", t);
}

/* Differentiated impacts (doc/model.md §5): for the whole population and
 * each flag some group carries. */
static void impacts_tree(hb *b, hd *o, const hsec_result *r, const hsec_compiled *c)
{
    unsigned used = flags_used(c) | 1u << HSEC_FLAG_COUNT;
    hd *fl = hb_new(b, HD_OBJ);
    for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* the population first */
        int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
        if (!(used & (1u << f)))
            continue;
        double v[HSEC_IMPACT_COUNT];
        hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)f);
        hd *e = hb_new(b, HD_OBJ);
        hb_set(b, e, "burden", hb_num(b, v[0]));
        hb_set(b, e, "propagated", hb_num(b, v[1]));
        hb_set(b, e, "people", hb_num(b, v[2]));
        hb_set(b, e, "per_capita", isfinite(v[3]) ? hb_num(b, v[3]) : hb_new(b, HD_NULL));
        if (f < HSEC_FLAG_COUNT)
            hb_set(b, e, "ratio", isfinite(v[4]) ? hb_num(b, v[4]) : hb_new(b, HD_NULL));
        hb_set(b, fl, flag_name(f), e);
    }
    hb_set(b, o, "flags", fl);
}

static hd *burden_tree(hb *b, const hsec_result *r, const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    bool dynamic = hsec_result_mode(r) == HSEC_MODE_DYNAMIC;
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "total", hb_num(b, burden(r, HSEC_BURDEN_TOTAL, 0)));
    hb_set(b, o, "baseline", hb_num(b, burden(r, HSEC_BURDEN_BASELINE, 0)));
    hb_set(b, o, "propagated", hb_num(b, burden(r, HSEC_BURDEN_PROPAGATED, 0)));
    if (dynamic) {
        hd *bands = hb_new(b, HD_OBJ);
        for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
            hb_set(b, bands, band_names[i], hb_num(b, burden(r, HSEC_BURDEN_BAND, i)));
        hb_set(b, o, "bands", bands);
    }
    double ord[HSEC_ORDER_COUNT];
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        ord[i] = burden(r, HSEC_BURDEN_ORDER, i);
    hb_set(b, o, "orders", orders4(b, ord));
    hd *threats = hb_new(b, HD_OBJ);
    bool used[HSEC_THREAT_ACTOR_COUNT] = {false};
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        hb_set(b, threats, hsec_scenario_threat_id(s, h),
               hb_num(b, burden(r, HSEC_BURDEN_THREAT, h)));
        hsec_threat_actor actor = HSEC_THREAT_UNKNOWN;
        hsec_scenario_threat_actor(&actor, s, h);
        used[actor] = true;
    }
    hb_set(b, o, "threats", threats);
    hd *actors = hb_new(b, HD_OBJ);
    for (int a = 0; a < HSEC_THREAT_ACTOR_COUNT; a++)
        if (used[a])
            hb_set(b, actors, hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, a),
                   hb_num(b, burden(r, HSEC_BURDEN_ACTOR, (size_t)a)));
    hb_set(b, o, "actors", actors);
    hd *regions = hb_new(b, HD_OBJ);
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++)
        hb_set(b, regions, hsec_compiled_region_id(c, i),
               hb_num(b, burden(r, HSEC_BURDEN_REGION, i)));
    hb_set(b, o, "regions", regions);
    hd *groups = hb_new(b, HD_OBJ);
    for (size_t i = 0; i < hsec_compiled_group_count(c); i++)
        hb_set(b, groups, hsec_compiled_group_id(c, i),
               hb_num(b, burden(r, HSEC_BURDEN_GROUP, i)));
    hb_set(b, o, "groups", groups);
    if (dynamic)
        hb_set(b, o, "initial", hb_num(b, burden(r, HSEC_BURDEN_INITIAL, 0)));
    double by[HSEC_TOPIC_COUNT + 1];
    for (size_t k = 0; k <= HSEC_TOPIC_COUNT; k++)
        by[k] = burden(r, HSEC_BURDEN_TOPIC, k);
    topics_tree(b, o, s, by);
    impacts_tree(b, o, r, c);
    return o;
}

/* a * b + c, saturating */
static uint64_t mul_add(uint64_t a, uint64_t b, uint64_t c)
{
    if (a && b > UINT64_MAX / a)
        return UINT64_MAX;
    return a * b > UINT64_MAX - c ? UINT64_MAX : a * b + c;
}

/*
 * A document is built whole (its tree, then its encoder's objects and
 * text) before it is written, on top of the scenario and its results: its
 * size counts against the scenario's memory limit, before anything is
 * built. About 100 bytes per number and 400 per object at the peak of
 * writing JSON (CBOR takes less).
 */
static int doc_fits(const hsec_scenario *s, const char *what, uint64_t numbers,
                    uint64_t objects)
{
    uint64_t lim = UINT64_MAX, held = 0;
    hsec_scenario_get_limit(&lim, s, HSEC_LIMIT_MEMORY);
    if (lim == UINT64_MAX)
        return HSEC_OK;
    hsec_scenario_memory(&held, s); /* the run fitted: an estimate, set either way */
    uint64_t bytes = mul_add(numbers, 100, mul_add(objects, 400, 0));
    if (held <= lim && bytes <= lim - held)
        return HSEC_OK;
    return hd_fail(HSEC_ELIMIT,
                   "%s: the document would take about %.0f MiB (%llu numbers, %llu objects) "
                   "on top of the scenario's %.0f MiB, more than the memory limit of %.0f MiB "
                   "(HSEC_LIMIT_MEMORY)",
                   what, (double)bytes / 1048576.0, (unsigned long long)numbers,
                   (unsigned long long)objects, (double)held / 1048576.0,
                   (double)lim / 1048576.0);
}

/* The numbers and objects of a results document: every node's figures
 * and `series` recorded values, every group's figures with a share per
 * threat. */
static int results_fit(const hsec_scenario *s, uint64_t series)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    uint64_t n = hsec_compiled_node_count(c), g = hsec_compiled_group_count(c);
    uint64_t h = hsec_scenario_threat_count(s), reg = hsec_compiled_region_count(c);
    uint64_t numbers = mul_add(n, 6, mul_add(g, 100 + 2 * h, mul_add(h + reg, 8, series)));
    uint64_t objects = mul_add(n, 1, mul_add(g, 6 + h, h + reg));
    return doc_fits(s, "results", numbers, objects);
}

/* The comparison document: per run, parts for every group, region and
 * threat. */
static int compare_fit(const hsec_scenario *s, uint64_t runs)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    uint64_t per = hsec_compiled_group_count(c) + hsec_compiled_region_count(c) +
                   hsec_scenario_threat_count(s) + 4;
    uint64_t entries = mul_add(runs, per, 0);
    return doc_fits(s, "compare", mul_add(entries, 12, 0), entries);
}

/* At load, the parts of the documents that grow beyond the scenario's own
 * size (the recorded series: steps times nodes; a comparison: packages
 * times groups) are checked, so that a small document asking for a huge
 * one is refused at once; the parts that grow with the model alone are
 * left to the writers, which check the whole before building (a national
 * model loads whether or not its results document would fit). */
int hd_documents_fit(const hsec_scenario *s)
{
    double mode = 0, steps = 0;
    hsec_scenario_get_option(&mode, s, HSEC_OPT_MODE);
    hsec_scenario_get_option(&steps, s, HSEC_OPT_STEPS);
    size_t nrec = 0;
    hsec_scenario_recorded(s, &nrec);
    uint64_t series = mode == HSEC_MODE_DYNAMIC ? mul_add(nrec, (uint64_t)steps + 1, 0) : 0;
    int rc = doc_fits(s, "results", series, nrec);
    size_t packages = hsec_scenario_package_count(s);
    return rc || !packages ? rc : compare_fit(s, 1 + packages);
}

static hd *id_list(hb *b, size_t n, const char *(*id)(const void *, size_t), const void *of)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t i = 0; i < n; i++)
        hb_push(b, arr, hb_str(b, id(of, i)));
    return arr;
}

static const char *group_id(const void *c, size_t i) { return hsec_compiled_group_id(c, i); }
static const char *region_id(const void *c, size_t i) { return hsec_compiled_region_id(c, i); }
static const char *threat_id(const void *s, size_t i) { return hsec_scenario_threat_id(s, i); }

/* What a reader of the document alone needs to present it as the run
 * would (hsec show): the model's size, its groups, regions and threats in
 * the scenario's order (an encoding may sort an object's keys), its
 * services' kinds and regions, the recorded nodes, and every measure with
 * what it does, when and by whom. */
static hd *scenario_summary(hb *b, const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "nodes", hb_num(b, (double)hsec_compiled_node_count(c)));
    hb_set(b, o, "links", hb_num(b, (double)hsec_compiled_link_count(c)));
    hb_set(b, o, "groups", id_list(b, hsec_compiled_group_count(c), group_id, c));
    hb_set(b, o, "regions", id_list(b, hsec_compiled_region_count(c), region_id, c));
    hb_set(b, o, "threats", id_list(b, hsec_scenario_threat_count(s), threat_id, s));
    hd *svc = hb_new(b, HD_ARR);
    for (size_t k = 0; k < hsec_compiled_service_count(c); k++) {
        hsec_service_kind kind = HSEC_SERVICE_OTHER;
        size_t region = HSEC_NO_INDEX, node = 0;
        hsec_compiled_service(&kind, &region, &node, c, k);
        hd *e = hb_new(b, HD_OBJ);
        hb_set(b, e, "id", hb_str(b, hsec_compiled_node_name(c, node)));
        hb_set(b, e, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_SERVICE_KIND, (int)kind)));
        hb_set(b, e, "region", region == HSEC_NO_INDEX
                                   ? hb_new(b, HD_NULL)
                                   : hb_str(b, hsec_compiled_region_id(c, region)));
        hb_push(b, svc, e);
    }
    hb_set(b, o, "services", svc);
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    hd *recorded = hb_new(b, HD_ARR);
    for (size_t k = 0; k < nrec; k++)
        hb_push(b, recorded, hb_str(b, hsec_compiled_node_name(c, rec[k])));
    hb_set(b, o, "recorded", recorded);
    hd *ms = hb_new(b, HD_ARR);
    for (size_t m = 0; m < hsec_scenario_measure_count(s); m++) {
        hsec_measure_kind kind = HSEC_PROTECTION;
        hsec_effect effect = HSEC_SHIELD;
        hsec_measure_actor actor = HSEC_BY_HOST_GOVERNMENT;
        hsec_branch br = HSEC_BRANCH_NONE;
        double strength = 0, start = 0, dur = HSEC_PERSISTENT;
        hsec_scenario_measure_kind(&kind, s, m);
        hsec_scenario_measure_effect(&effect, &actor, &strength, s, m);
        hsec_scenario_measure_branch(&br, s, m);
        hsec_scenario_measure_timing(&start, s, m, HSEC_TIMING_START);
        hsec_scenario_measure_timing(&dur, s, m, HSEC_TIMING_DURATION);
        hd *e = hb_new(b, HD_OBJ);
        hb_set(b, e, "id", hb_str(b, hsec_scenario_measure_id(s, m)));
        hb_set(b, e, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_KIND, (int)kind)));
        hb_set(b, e, "effect", hb_str(b, hsec_enum_name(HSEC_ENUM_EFFECT, (int)effect)));
        hb_set(b, e, "actor", hb_str(b, hsec_enum_name(HSEC_ENUM_MEASURE_ACTOR, (int)actor)));
        hb_set(b, e, "branch", hb_str(b, hsec_enum_name(HSEC_ENUM_BRANCH, (int)br)));
        hb_set(b, e, "start", hb_num(b, start));
        hb_set(b, e, "duration", dur >= 0 ? hb_num(b, dur) : hb_new(b, HD_NULL));
        hb_push(b, ms, e);
    }
    hb_set(b, o, "measures", ms);
    return o;
}

int hd_results_tree(hd **out, const hsec_result *r, const hsec_scenario *s)
{
    *out = NULL;
    uint64_t series = 0;
    for (size_t i = 0, n = hsec_compiled_node_count(hsec_scenario_compiled(s)); i < n; i++) {
        const double *x;
        size_t len = 0;
        if (hsec_result_series(&x, &len, r, i) == HSEC_OK)
            series += len;
    }
    int fit = results_fit(s, series);
    if (fit)
        return fit;
    hsec_allocator al = hd_allocator_of(s);
    hb b = {&al, false};
    const hsec_compiled *c = hsec_scenario_compiled(s);
    bool dynamic = hsec_result_mode(r) == HSEC_MODE_DYNAMIC;
    double bounded = 1;
    hsec_scenario_get_option(&bounded, s, HSEC_OPT_BOUNDED);
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "mode", hb_str(&b, dynamic ? "dynamic" : "static"));
    hb_set(&b, doc, "bounded", hb_bool(&b, bounded != 0));
    if (dynamic) {
        hb_set(&b, doc, "steps", hb_num(&b, (double)hsec_result_steps(r)));
        hb_set(&b, doc, "step_unit", hb_str(&b, hsec_scenario_step_unit(s)));
    } else if (bounded != 0) {
        hb_set(&b, doc, "iterations", hb_num(&b, (double)hsec_result_steps(r)));
    }

    size_t nm = hsec_result_measure_count(r);
    unsigned char *mask = hd_calloc(&al, nm ? nm : 1, 1);
    if (!mask || hsec_result_measures(mask, nm, r))
        b.oom = true;
    hb_set(&b, doc, "measures", mask ? measures_in_force(&b, mask, s) : NULL);
    hd *tasks = mask ? by_branch(&b, mask, s) : NULL;
    if (tasks)
        hb_set(&b, doc, "measures_by_branch", tasks);
    hd_release(&al, mask);
    hb_set(&b, doc, "warnings", warnings_tree(&b, r, s));

    hd *nodes = hb_new(&b, HD_OBJ);
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    if (!dynamic && nrec) { /* static: record narrows the nodes reported */
        for (size_t k = 0; k < nrec; k++)
            hb_set(&b, nodes, hsec_compiled_node_name(c, rec[k]), node_entry(&b, r, rec[k], false));
    } else {
        size_t n = hsec_result_node_count(r);
        unsigned char *kept = hd_calloc(&al, n, 1);
        if (!kept)
            b.oom = true;
        for (size_t k = 0; kept && dynamic && k < nrec; k++)
            kept[rec[k]] = 1;
        for (size_t i = 0; kept && i < n; i++)
            hb_set(&b, nodes, hsec_compiled_node_name(c, i), node_entry(&b, r, i, kept[i]));
        hd_release(&al, kept);
    }
    hb_set(&b, doc, "nodes", nodes);

    hd *groups = hb_new(&b, HD_OBJ);
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        double size = hsec_compiled_group_size(c, g);
        hd *o = hb_new(&b, HD_OBJ);
        hb_set(&b, o, "region",
               hb_str(&b, hsec_compiled_region_id(c, hsec_compiled_group_region(c, g))));
        hb_set(&b, o, "size", hb_num(&b, size));
        hd *flags = hb_new(&b, HD_ARR);
        unsigned bits = 0;
        hsec_compiled_group_flags(&bits, c, g);
        for (int f = 0; f < HSEC_FLAG_COUNT; f++)
            if (bits & (1u << f))
                hb_push(&b, flags, hb_str(&b, hsec_enum_name(HSEC_ENUM_FLAG, f)));
        hb_set(&b, o, "flags", flags);
        hb_set(&b, o, "last", figure(&b, r, g, size, HSEC_AT_LAST));
        hb_set(&b, o, "peak", figure(&b, r, g, size, HSEC_AT_PEAK));
        group_extras(&b, o, r, s, g);
        hb_set(&b, groups, hsec_compiled_group_id(c, g), o);
    }
    hb_set(&b, doc, "groups", groups);
    hd *threats = hb_new(&b, HD_OBJ);
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        double pop;
        int pervasive;
        hsec_result_pervasive(&pop, &pervasive, r, h);
        hd *t = hb_new(&b, HD_OBJ);
        hsec_threat_actor actor = HSEC_THREAT_UNKNOWN;
        hsec_scenario_threat_actor(&actor, s, h);
        hb_set(&b, t, "actor", hb_str(&b, hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, (int)actor)));
        hb_set(&b, t, "population_share", hb_num(&b, pop));
        hb_set(&b, t, "pervasive", hb_bool(&b, pervasive != 0));
        unsigned tp = 0;
        hsec_scenario_threat_topics(&tp, s, h);
        if (tp) {
            hd *names = hb_new(&b, HD_ARR);
            for (int k = 0; k < HSEC_TOPIC_COUNT; k++)
                if (tp & (1u << k))
                    hb_push(&b, names, hb_str(&b, topic_name(k)));
            hb_set(&b, t, "topics", names);
        }
        hb_set(&b, threats, hsec_scenario_threat_id(s, h), t);
    }
    hb_set(&b, doc, "threats", threats);
    double z = 0, k = 0;
    hsec_scenario_get_option(&z, s, HSEC_OPT_AF_CUTOFF);
    hsec_scenario_get_option(&k, s, HSEC_OPT_AF_K);
    hd *af = hb_new(&b, HD_OBJ);
    hb_set(&b, af, "cutoff", hb_num(&b, z));
    hb_set(&b, af, "k", hb_num(&b, k));
    hb_set(&b, af, "last", af_tree(&b, r, HSEC_AT_LAST));
    hb_set(&b, af, "peak", af_tree(&b, r, HSEC_AT_PEAK));
    hb_set(&b, doc, "multidimensional", af);
    hb_set(&b, doc, "burden", burden_tree(&b, r, s));
    hb_set(&b, doc, "scenario", scenario_summary(&b, s));
    int rc = b.oom ? HSEC_ENOMEM : finite_figures(doc, "results");
    if (rc) {
        hd_free(&al, doc);
        *out = NULL;
        return rc;
    }
    *out = doc;
    return HSEC_OK;
}

/* A writer's code, with the thread's message set for a failed allocation. */
static int finish(int rc)
{
    return rc == HSEC_ENOMEM ? hd_fail(rc, "out of memory") : rc;
}

int hd_result_matches(const hsec_result *r, const hsec_scenario *s, const char *what)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c), g = hsec_compiled_group_count(c);
    size_t h = hsec_scenario_threat_count(s);
    if (hsec_result_node_count(r) == n && hsec_result_group_count(r) == g &&
        hsec_result_threat_count(r) == h &&
        hsec_result_measure_count(r) == hsec_scenario_measure_count(s))
        return HSEC_OK;
    return hd_fail(HSEC_EINVAL, "%s: the result is not a run of this scenario (%zu nodes, %zu "
                   "groups, %zu threats, %zu measures; the scenario has %zu, %zu, %zu, %zu)",
                   what, hsec_result_node_count(r), hsec_result_group_count(r),
                   hsec_result_threat_count(r), hsec_result_measure_count(r), n, g, h,
                   hsec_scenario_measure_count(s));
}

int hsec_doc_results_json(char **out, size_t *len, const hsec_result *r,
                          const hsec_scenario *s)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "out is NULL");
    *out = NULL;
    if (!r || !s)
        return hd_fail(HSEC_EINVAL, "results_json: %s is NULL",
                       r ? "the scenario" : "the result");
    if (hd_result_matches(r, s, "results_json"))
        return HSEC_EINVAL;
    hsec_allocator al = hd_allocator_of(s);
    hd *doc;
    int rc = hd_results_tree(&doc, r, s);
    if (!rc)
        rc = hd_to_json(out, len, doc, &al);
    hd_free(&al, doc);
    return finish(rc);
}

/* ---- comparison document */

/* A result's burden parts, or a difference of two. */
typedef struct parts {
    double total, baseline, propagated, band[HSEC_BAND_COUNT], order[HSEC_ORDER_COUNT];
    double topic[HSEC_TOPIC_COUNT + 1], flag[HSEC_FLAG_COUNT + 1], people[HSEC_FLAG_COUNT + 1];
    double *group, *region;
} parts;

/* A package's figures in a row of hd_compare_width values: total,
 * baseline, propagated, the bands, the orders, the topics (the last:
 * threats without one), each flag's burden and people (the last: the
 * whole population), the groups' burdens, the regions'. */
#define ROW_HEAD (3 + HSEC_BAND_COUNT + HSEC_ORDER_COUNT + (HSEC_TOPIC_COUNT + 1) + \
                  2 * (HSEC_FLAG_COUNT + 1))

size_t hd_compare_width(const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    return ROW_HEAD + hsec_compiled_group_count(c) + hsec_compiled_region_count(c);
}

void hd_compare_figures(double *row, const hsec_result *r, const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t ng = hsec_compiled_group_count(c), nr = hsec_compiled_region_count(c);
    double *x = row;
    *x++ = burden(r, HSEC_BURDEN_TOTAL, 0);
    *x++ = burden(r, HSEC_BURDEN_BASELINE, 0);
    *x++ = burden(r, HSEC_BURDEN_PROPAGATED, 0);
    for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
        *x++ = burden(r, HSEC_BURDEN_BAND, i);
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        *x++ = burden(r, HSEC_BURDEN_ORDER, i);
    for (size_t i = 0; i <= HSEC_TOPIC_COUNT; i++)
        *x++ = burden(r, HSEC_BURDEN_TOPIC, i);
    for (size_t i = 0; i <= HSEC_FLAG_COUNT; i++) {
        double v[HSEC_IMPACT_COUNT];
        hsec_result_impact(v, HSEC_IMPACT_COUNT, r, i);
        x[i] = v[0];
        x[HSEC_FLAG_COUNT + 1 + i] = v[2];
    }
    x += 2 * (HSEC_FLAG_COUNT + 1);
    for (size_t i = 0; i < ng; i++)
        *x++ = burden(r, HSEC_BURDEN_GROUP, i);
    for (size_t i = 0; i < nr; i++)
        *x++ = burden(r, HSEC_BURDEN_REGION, i);
}

/* The parts of a row (its groups and regions pointed to, not copied). */
static void parts_view(parts *p, double *row, size_t ng)
{
    const double *x = row;
    p->total = *x++;
    p->baseline = *x++;
    p->propagated = *x++;
    for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
        p->band[i] = *x++;
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        p->order[i] = *x++;
    for (size_t i = 0; i <= HSEC_TOPIC_COUNT; i++)
        p->topic[i] = *x++;
    for (size_t i = 0; i <= HSEC_FLAG_COUNT; i++) {
        p->flag[i] = x[i];
        p->people[i] = x[HSEC_FLAG_COUNT + 1 + i];
    }
    p->group = row + ROW_HEAD;
    p->region = p->group + ng;
}

/* p = a - b */
static void parts_sub(parts *p, const parts *a, const parts *b, size_t ng, size_t nr)
{
    p->total = a->total - b->total;
    p->baseline = a->baseline - b->baseline;
    p->propagated = a->propagated - b->propagated;
    for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
        p->band[i] = a->band[i] - b->band[i];
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        p->order[i] = a->order[i] - b->order[i];
    for (size_t i = 0; i <= HSEC_TOPIC_COUNT; i++)
        p->topic[i] = a->topic[i] - b->topic[i];
    for (size_t i = 0; i <= HSEC_FLAG_COUNT; i++) {
        p->flag[i] = a->flag[i] - b->flag[i];
        p->people[i] = a->people[i];
    }
    for (size_t i = 0; i < ng; i++)
        p->group[i] = a->group[i] - b->group[i];
    for (size_t i = 0; i < nr; i++)
        p->region[i] = a->region[i] - b->region[i];
}

static hd *parts_tree(hb *b, const parts *p, const hsec_scenario *s, bool dynamic)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hd *o = hb_new(b, HD_OBJ);
    hb_set(b, o, "total", hb_num(b, p->total));
    hb_set(b, o, "propagated", hb_num(b, p->propagated));
    if (dynamic) {
        hd *bands = hb_new(b, HD_OBJ);
        for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
            hb_set(b, bands, band_names[i], hb_num(b, p->band[i]));
        hb_set(b, o, "bands", bands);
    }
    hb_set(b, o, "orders", orders4(b, p->order));
    hd *groups = hb_new(b, HD_OBJ);
    for (size_t i = 0; i < hsec_compiled_group_count(c); i++)
        hb_set(b, groups, hsec_compiled_group_id(c, i), hb_num(b, p->group[i]));
    hb_set(b, o, "groups", groups);
    hd *regions = hb_new(b, HD_OBJ);
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++)
        hb_set(b, regions, hsec_compiled_region_id(c, i), hb_num(b, p->region[i]));
    hb_set(b, o, "regions", regions);
    topics_tree(b, o, s, p->topic);
    unsigned used = flags_used(c) | 1u << HSEC_FLAG_COUNT;
    hd *fl = hb_new(b, HD_OBJ);
    for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* the population first */
        int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
        if (used & (1u << f)) {
            hd *e = hb_new(b, HD_OBJ);
            hb_set(b, e, "burden", hb_num(b, p->flag[f]));
            hb_set(b, e, "per_capita", ratio_or_null(b, p->flag[f], p->people[f]));
            hb_set(b, fl, flag_name(f), e);
        }
    }
    hb_set(b, o, "flags", fl);
    return o;
}

int hsec_doc_compare_json(char **out, size_t *len, hsec_result *const *results, size_t count,
                          const hsec_scenario *s)
{
    return hsec_doc_compare_json_with(out, len, results, count, s, NULL, 0);
}

int hsec_doc_compare_json_with(char **out, size_t *len, hsec_result *const *results,
                               size_t count, const hsec_scenario *s, const double *branches,
                               size_t branch_count)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "out is NULL");
    *out = NULL;
    if (!results || !s)
        return hd_fail(HSEC_EINVAL, "compare_json: %s is NULL", s ? "results" : "the scenario");
    if (count != 1 + hsec_scenario_package_count(s))
        return hd_fail(HSEC_EINVAL, "compare_json: %zu results for 1 + %zu packages", count,
                       hsec_scenario_package_count(s));
    if (branches && branch_count != (count - 1) * HSEC_BRANCH_COUNT)
        return hd_fail(HSEC_EINVAL, "compare_json: %zu branch figures for %zu packages of %d "
                       "branches", branch_count, count - 1, HSEC_BRANCH_COUNT);
    for (size_t i = 0; i < count; i++) {
        if (!results[i])
            return hd_fail(HSEC_EINVAL, "compare_json: result %zu is NULL", i);
        if (hd_result_matches(results[i], s, "compare_json"))
            return HSEC_EINVAL;
    }
    int fit = compare_fit(s, count);
    if (fit)
        return fit;
    hsec_allocator al = hd_allocator_of(s);
    size_t width = hd_compare_width(s);
    double *rows = hd_calloc(&al, (count - 1) * width + 1, sizeof *rows);
    if (!rows)
        return hd_fail(HSEC_ENOMEM, "out of memory");
    for (size_t p = 0; p + 1 < count; p++)
        hd_compare_figures(rows + p * width, results[1 + p], s);
    int rc = hd_compare_doc(out, len, results[0], rows, branches, s);
    hd_release(&al, rows);
    return rc;
}

int hd_compare_fits(const hsec_scenario *s)
{
    return compare_fit(s, 1 + hsec_scenario_package_count(s));
}

int hd_compare_doc(char **out, size_t *len, const hsec_result *baseline, const double *rows,
                   const double *branches, const hsec_scenario *s)
{
    *out = NULL;
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t count = 1 + hsec_scenario_package_count(s);
    hsec_allocator al = hd_allocator_of(s);
    size_t ng = hsec_compiled_group_count(c), nr = hsec_compiled_region_count(c);
    size_t width = hd_compare_width(s);
    bool dynamic = hsec_result_mode(baseline) == HSEC_MODE_DYNAMIC;
    hb b = {&al, false};
    parts base, pk, av;
    double *buf = hd_calloc(&al, 3 * width, sizeof(double));
    if (!buf)
        return hd_fail(HSEC_ENOMEM, "out of memory");
    hd_compare_figures(buf, baseline, s);
    parts_view(&base, buf, ng);
    parts_view(&av, buf + 2 * width, ng);

    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "mode", hb_str(&b, dynamic ? "dynamic" : "static"));
    if (dynamic) {
        hb_set(&b, doc, "steps", hb_num(&b, (double)hsec_result_steps(baseline)));
        hb_set(&b, doc, "step_unit", hb_str(&b, hsec_scenario_step_unit(s)));
    }
    hb_set(&b, doc, "baseline", parts_tree(&b, &base, s, dynamic));
    hd *packages = hb_new(&b, HD_OBJ);
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *mask = hd_calloc(&al, nm, 1);
    if (!mask)
        b.oom = true;
    for (size_t p = 0; mask && p + 1 < count; p++) {
        memcpy(buf + width, rows + p * width, width * sizeof *buf);
        parts_view(&pk, buf + width, ng);
        parts_sub(&av, &base, &pk, ng, nr);
        double cost = hsec_scenario_package_cost(s, p);
        hd *o = hb_new(&b, HD_OBJ);
        hd *ms = hb_new(&b, HD_ARR);
        hsec_scenario_package_mask(mask, nm, s, p);
        for (size_t m = 0; m < nm; m++)
            if (mask[m])
                hb_push(&b, ms, hb_str(&b, hsec_scenario_measure_id(s, m)));
        hb_set(&b, o, "measures", ms);
        hd *tasks = by_branch(&b, mask, s);
        if (tasks)
            hb_set(&b, o, "measures_by_branch", tasks);
        hb_set(&b, o, "cost", hb_num(&b, cost));
        hb_set(&b, o, "burden", parts_tree(&b, &pk, s, dynamic));
        hb_set(&b, o, "averted", parts_tree(&b, &av, s, dynamic));
        hb_set(&b, o, "averted_per_cost",
               cost > 0 ? hb_num(&b, av.total / cost) : hb_new(&b, HD_NULL));
        if (branches) { /* by branch: each its own run (doc/model.md §11) */
            hd *by = hb_new(&b, HD_OBJ);
            for (int k = 0; k < HSEC_BRANCH_COUNT; k++) {
                double v = branches[p * HSEC_BRANCH_COUNT + (size_t)k];
                if (!isnan(v))
                    hb_set(&b, by, hsec_enum_name(HSEC_ENUM_BRANCH, k), hb_num(&b, v));
            }
            hb_set(&b, o, "averted_by_branch", by);
        }
        hb_set(&b, packages, hsec_scenario_package_id(s, p), o);
    }
    hb_set(&b, doc, "packages", packages);
    hd_release(&al, mask);
    hd_release(&al, buf);
    int rc = b.oom ? HSEC_ENOMEM : finite_figures(doc, "compare");
    if (!rc)
        rc = hd_to_json(out, len, doc, &al);
    hd_free(&al, doc);
    return finish(rc);
}

/* ---- ranking document */

int hsec_doc_rank_json(char **out, size_t *len, const double *marginal, const double *dependency,
                       const double *influence, const double *overall_dependency,
                       const double *overall_influence, size_t count, const hsec_scenario *s,
                       size_t top)
{
    return hsec_doc_rank_json_with(out, len, marginal, dependency, influence,
                                   overall_dependency, overall_influence, count, s, top, NULL,
                                   NULL, 0);
}

/* A node's kind and region in a ranking: a service's kind, or "group" with
 * the group and the dimension; the region's id, null for a national service. */
static void node_place(hb *b, hd *o, const hsec_compiled *c, size_t node, const size_t *svc)
{
    size_t region = HSEC_NO_INDEX;
    if (svc[node] != HSEC_NO_INDEX) {
        hsec_service_kind kind = HSEC_SERVICE_OTHER;
        hsec_compiled_service(&kind, &region, NULL, c, svc[node]);
        hb_set(b, o, "kind", hb_str(b, hsec_enum_name(HSEC_ENUM_SERVICE_KIND, (int)kind)));
    } else {
        size_t g = 0, ng = hsec_compiled_group_count(c);
        while (g + 1 < ng && hsec_compiled_group_node(c, g + 1) <= node)
            g++;
        hb_set(b, o, "kind", hb_str(b, "group"));
        hb_set(b, o, "group", hb_str(b, hsec_compiled_group_id(c, g)));
        hb_set(b, o, "dimension",
               hb_str(b, hsec_enum_name(HSEC_ENUM_DIMENSION,
                                        (int)(node - hsec_compiled_group_node(c, g)))));
        region = hsec_compiled_group_region(c, g);
    }
    hb_set(b, o, "region", region == HSEC_NO_INDEX ? hb_new(b, HD_NULL)
                                                   : hb_str(b, hsec_compiled_region_id(c, region)));
}

int hsec_doc_rank_json_with(char **out, size_t *len, const double *marginal,
                            const double *dependency, const double *influence,
                            const double *overall_dependency, const double *overall_influence,
                            size_t count, const hsec_scenario *s, size_t top,
                            const unsigned char *nodes, const unsigned char *mask,
                            size_t mask_len)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "rank_json: out is NULL");
    *out = NULL;
    const double *ix[4] = {dependency, influence, overall_dependency, overall_influence};
    if (!marginal || !ix[0] || !ix[1] || !ix[2] || !ix[3] || !s)
        return hd_fail(HSEC_EINVAL, "rank_json: %s is NULL", s ? "an array" : "the scenario");
    const hsec_compiled *c = hsec_scenario_compiled(s);
    if (count != hsec_compiled_node_count(c))
        return hd_fail(HSEC_EINVAL, "rank_json: count %zu is not the node count %zu", count,
                       hsec_compiled_node_count(c));
    if (mask && mask_len != hsec_scenario_measure_count(s))
        return hd_fail(HSEC_EINVAL, "rank_json: the mask holds %zu bytes, not one for each of "
                       "the %zu measures", mask_len, hsec_scenario_measure_count(s));
    hsec_allocator al = hd_allocator_of(s);
    size_t *order = hd_calloc(&al, count ? count : 1, sizeof *order);
    size_t *svc = hd_calloc(&al, count ? count : 1, sizeof *svc); /* node -> service */
    if (!order || !svc) {
        hd_release(&al, order);
        hd_release(&al, svc);
        return hd_fail(HSEC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        svc[i] = HSEC_NO_INDEX;
    for (size_t k = 0; k < hsec_compiled_service_count(c); k++) {
        size_t node = 0;
        if (hsec_compiled_service(NULL, NULL, &node, c, k) == HSEC_OK && node < count)
            svc[node] = k;
    }
    hsec_rank_order(order, marginal, count);
    static const char *const keys[4] = {"dependency", "influence", "overall_dependency",
                                        "overall_influence"};
    hb b = {&al, false};
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "measures", measures_in_force(&b, mask, s));
    hd *tasks = by_branch(&b, mask, s);
    if (tasks)
        hb_set(&b, doc, "measures_by_branch", tasks);
    hd *list = hb_new(&b, HD_ARR);
    size_t listed = 0;
    for (size_t k = 0; k < count && (!top || listed < top); k++) {
        size_t i = order[k];
        if (nodes && !nodes[i])
            continue;
        hd *o = hb_new(&b, HD_OBJ);
        hb_set(&b, o, "node", hb_str(&b, hsec_compiled_node_name(c, i)));
        node_place(&b, o, c, i, svc);
        hb_set(&b, o, "marginal_burden", hb_num(&b, marginal[i]));
        for (size_t q = 0; q < 4; q++)
            hb_set(&b, o, keys[q], hb_num(&b, ix[q][i]));
        hb_push(&b, list, o);
        listed++;
    }
    hb_set(&b, doc, "rank", list);
    int rc = b.oom ? HSEC_ENOMEM : finite_figures(doc, "rank");
    if (!rc)
        rc = hd_to_json(out, len, doc, &al);
    hd_free(&al, doc);
    hd_release(&al, order);
    hd_release(&al, svc);
    return finish(rc);
}

int hsec_doc_choice_json(char **out, size_t *len, const unsigned char *chosen, size_t count,
                         double averted, double cost, double budget, const hsec_scenario *s)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "out is NULL");
    *out = NULL;
    if (!chosen || !s)
        return hd_fail(HSEC_EINVAL, "choice_json: %s is NULL", s ? "chosen" : "the scenario");
    if (count != hsec_scenario_measure_count(s))
        return hd_fail(HSEC_EINVAL, "choice_json: count %zu is not the %zu measures", count,
                       hsec_scenario_measure_count(s));
    hsec_allocator al = hd_allocator_of(s);
    hb b = {&al, false};
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "budget", isfinite(budget) ? hb_num(&b, budget) : hb_new(&b, HD_NULL));
    hd *ms = hb_new(&b, HD_ARR);
    for (size_t m = 0; m < count; m++)
        if (chosen[m])
            hb_push(&b, ms, hb_str(&b, hsec_scenario_measure_id(s, m)));
    hb_set(&b, doc, "measures", ms);
    hd *tasks = by_branch(&b, chosen, s);
    if (tasks)
        hb_set(&b, doc, "measures_by_branch", tasks);
    hb_set(&b, doc, "cost", hb_num(&b, cost));
    hb_set(&b, doc, "averted", hb_num(&b, averted));
    hb_set(&b, doc, "averted_per_cost",
           cost > 0 ? hb_num(&b, averted / cost) : hb_new(&b, HD_NULL));
    int rc = b.oom ? HSEC_ENOMEM : finite_figures(doc, "optimize");
    if (!rc)
        rc = hd_to_json(out, len, doc, &al);
    hd_free(&al, doc);
    return finish(rc);
}

/* ---- ensemble document */

/* The quantiles of a quantity; *fail keeps the first failure's code (an
 * ensemble of another scenario: HSEC_EINVAL). */
static hd *quantiles(hb *b, int *fail, const hsec_ensemble *e, hsec_quantity what,
                     size_t index, size_t sub, const double *qs, size_t count)
{
    hd *arr = hb_new(b, HD_ARR);
    for (size_t i = 0; i < count; i++) {
        double x = 0;
        int rc = hsec_ensemble_quantile(&x, e, what, index, sub, qs[i]);
        if (rc && !*fail)
            *fail = rc;
        hb_push(b, arr, hb_num(b, x));
    }
    return arr;
}

int hsec_doc_ensemble_json(char **out, size_t *len, const hsec_ensemble *e, const double *qs,
                           size_t count, const hsec_scenario *s)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "out is NULL");
    *out = NULL;
    if (!e || !qs || !count || !s)
        return hd_fail(HSEC_EINVAL, "ensemble_json: %s", !count && qs ? "no quantiles"
                                                                          : "an argument is NULL");
    for (size_t i = 0; i < count; i++)
        if (!(qs[i] >= 0 && qs[i] <= 1))
            return hd_fail(HSEC_EINVAL, "ensemble_json: quantile %g is not in [0,1]", qs[i]);
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hsec_allocator al = hd_allocator_of(s);
    int fail = HSEC_OK;
    hb b = {&al, false};
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "members", hb_num(&b, (double)hsec_ensemble_members(e)));
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *mask = hd_calloc(&al, nm ? nm : 1, 1);
    if (!mask) {
        b.oom = true;
    } else if (hsec_ensemble_measures(mask, nm, e)) {
        hd_release(&al, mask);
        hd_free(&al, doc);
        return hd_fail(HSEC_EINVAL, "ensemble_json: the ensemble is not of this scenario (%s)",
                       hsec_last_errmsg());
    }
    hb_set(&b, doc, "measures", mask ? measures_in_force(&b, mask, s) : NULL);
    hd *tasks = mask ? by_branch(&b, mask, s) : NULL;
    if (tasks)
        hb_set(&b, doc, "measures_by_branch", tasks);
    hd_release(&al, mask);
    hb_set(&b, doc, "warnings", warnings_tree(&b, NULL, s));
    hd *qa = hb_new(&b, HD_ARR);
    for (size_t i = 0; i < count; i++)
        hb_push(&b, qa, hb_num(&b, qs[i]));
    hb_set(&b, doc, "quantiles", qa);
    hd *bo = hb_new(&b, HD_OBJ);
    static const char *const single[] = {"total", "baseline", "propagated"};
    for (int i = 0; i < 3; i++)
        hb_set(&b, bo, single[i],
               quantiles(&b, &fail, e, HSEC_QTY_BURDEN, (size_t)i, 0, qs, count));
    hd *bands = hb_new(&b, HD_OBJ);
    for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
        hb_set(&b, bands, band_names[i],
               quantiles(&b, &fail, e, HSEC_QTY_BURDEN, HSEC_BURDEN_BAND, i, qs, count));
    hb_set(&b, bo, "bands", bands);
    hd *ords = hb_new(&b, HD_ARR);
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        hb_push(&b, ords,
                quantiles(&b, &fail, e, HSEC_QTY_BURDEN, HSEC_BURDEN_ORDER, i, qs, count));
    hb_set(&b, bo, "orders", ords);
    hd *th = hb_new(&b, HD_OBJ);
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++)
        hb_set(&b, th, hsec_scenario_threat_id(s, h),
               quantiles(&b, &fail, e, HSEC_QTY_BURDEN, HSEC_BURDEN_THREAT, h, qs, count));
    hb_set(&b, bo, "threats", th);
    hd *gb = hb_new(&b, HD_OBJ);
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
        hb_set(&b, gb, hsec_compiled_group_id(c, g),
               quantiles(&b, &fail, e, HSEC_QTY_BURDEN, HSEC_BURDEN_GROUP, g, qs, count));
    hb_set(&b, bo, "groups", gb);
    unsigned used = topics_used(s);
    if (used & ((1u << HSEC_TOPIC_COUNT) - 1)) { /* as in the results document */
        hd *tp = hb_new(&b, HD_OBJ);
        for (int k = 0; k <= HSEC_TOPIC_COUNT; k++)
            if (used & (1u << k))
                hb_set(&b, tp, topic_name(k), quantiles(&b, &fail, e, HSEC_QTY_BURDEN,
                                                        HSEC_BURDEN_TOPIC, (size_t)k, qs, count));
        hb_set(&b, bo, "topics", tp);
    }
    used = flags_used(c) | 1u << HSEC_FLAG_COUNT;
    hd *fl = hb_new(&b, HD_OBJ);
    for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* the population first */
        int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
        if (!(used & (1u << f)))
            continue;
        hd *o = hb_new(&b, HD_OBJ);
        hb_set(&b, o, "burden", quantiles(&b, &fail, e, HSEC_QTY_BURDEN, HSEC_BURDEN_FLAG,
                                          (size_t)f, qs, count));
        hb_set(&b, o, "propagated", quantiles(&b, &fail, e, HSEC_QTY_BURDEN,
                                              HSEC_BURDEN_FLAG_PROPAGATED, (size_t)f, qs, count));
        hb_set(&b, fl, flag_name(f), o);
    }
    hb_set(&b, bo, "flags", fl);
    hb_set(&b, doc, "burden", bo);
    hd *groups = hb_new(&b, HD_OBJ);
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        hd *o = hb_new(&b, HD_OBJ);
        hb_set(&b, o, "peak", quantiles(&b, &fail, e, HSEC_QTY_GROUP_PEAK, g, 0, qs, count));
        hb_set(&b, o, "last", quantiles(&b, &fail, e, HSEC_QTY_GROUP_LAST, g, 0, qs, count));
        hb_set(&b, groups, hsec_compiled_group_id(c, g), o);
    }
    hb_set(&b, doc, "groups", groups);
    hd *nodes = hb_new(&b, HD_OBJ);
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    for (size_t k = 0; k < nrec; k++)
        hb_set(&b, nodes, hsec_compiled_node_name(c, rec[k]),
               quantiles(&b, &fail, e, HSEC_QTY_RECORDED, rec[k], 0, qs, count));
    hb_set(&b, doc, "nodes", nodes);
    if (fail == HSEC_EINVAL) {
        hd_free(&al, doc);
        return hd_fail(fail, "ensemble_json: the ensemble is not of this scenario (%s)",
                       hsec_last_errmsg());
    }
    if (fail)
        b.oom = true;
    int rc = b.oom ? HSEC_ENOMEM : finite_figures(doc, "ensemble");
    if (!rc)
        rc = hd_to_json(out, len, doc, &al);
    hd_free(&al, doc);
    return finish(rc);
}
