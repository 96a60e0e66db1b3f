/*
 * The order a model lists things in changes nothing (doc/model.md §1):
 * compile numbers nodes canonically inside, and the API keeps the numbers
 * the model was built with. A random model is built twice, the second time
 * with its regions, groups, services and links added in a shuffled order
 * (so every group, service and node gets another number), and every result
 * must be bit-identical, node by node and group by group under the mapping
 * of names: static bounded and linear, dynamic with lags, decouple and
 * every other kind of measure, on one thread and on two; and the ranking.
 */
#include "util.h"

#include <stdbool.h>

typedef struct spec {
    int nreg, ngroup, nserv, nlink;
    int parent[64];
    int greg[600];
    double gsize[600], gv[600], gk[600];
    int sreg[200], skind[200];
    double sk[200];
    int lfrom[3000], lto[3000], llag[3000];
    double lw[3000];
} spec;

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}
static double unif(void) { return (double)rnd(1u << 30) / (double)(1u << 30); }

/* Node k of the spec by name: a service ("s12") or a group's dimension. */
static const char *spec_node(const spec *sp, int k, char *buf)
{
    if (k < sp->nserv)
        snprintf(buf, 32, "s%d", k);
    else
        snprintf(buf, 32, "g%d.%s", (k - sp->nserv) / 7,
                 hsec_enum_name(HSEC_ENUM_DIMENSION, (k - sp->nserv) % 7));
    return buf;
}

static void make_spec(spec *sp)
{
    sp->nreg = 40;
    sp->ngroup = 600; /* 4,200 group nodes and 150 services: two chunks of rows */
    sp->nserv = 150;
    sp->parent[0] = -1;
    for (int r = 1; r < sp->nreg; r++)
        sp->parent[r] = (int)rnd((unsigned)r);
    for (int g = 0; g < sp->ngroup; g++) {
        sp->greg[g] = (int)rnd((unsigned)sp->nreg);
        sp->gsize[g] = 100 + rnd(5000);
        sp->gv[g] = 0.5 + unif();
        sp->gk[g] = 0.02 + 0.3 * unif();
    }
    for (int s = 0; s < sp->nserv; s++) {
        sp->sreg[s] = rnd(5) == 0 ? -1 : (int)rnd((unsigned)sp->nreg);
        sp->skind[s] = (int)rnd(12);
        sp->sk[s] = 0.05 + 0.5 * unif();
    }
    int nodes = sp->nserv + 7 * sp->ngroup;
    sp->nlink = 0;
    for (int l = 0; l < 3000; l++) {
        int from = (int)rnd((unsigned)nodes), to = (int)rnd((unsigned)nodes), dup = 0;
        for (int k = 0; k < sp->nlink && !dup; k++)
            dup = sp->lfrom[k] == from && sp->lto[k] == to;
        if (dup)
            continue;
        sp->lfrom[sp->nlink] = from;
        sp->lto[sp->nlink] = to;
        sp->lw[sp->nlink] = 0.02 + 0.1 * unif();
        sp->llag[sp->nlink] = rnd(6) == 0 ? (int)rnd(5) : 0;
        sp->nlink++;
    }
}

static void shuffle(int *v, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rnd((unsigned)i + 1), t = v[i];
        v[i] = v[j];
        v[j] = t;
    }
}

/* The model of sp, its entities and links added in order (shuffled: in a
 * random order, groups and services interleaved). */
static hsec_scenario *build(const spec *sp, bool shuffled)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    char a[32], b[32];
    int ro[64], eo[800], lo[3000];
    for (int r = 0; r < sp->nreg; r++)
        ro[r] = r;
    for (int e = 0; e < sp->ngroup + sp->nserv; e++)
        eo[e] = e;
    for (int l = 0; l < sp->nlink; l++)
        lo[l] = l;
    if (shuffled) {
        shuffle(ro, sp->nreg);
        shuffle(eo, sp->ngroup + sp->nserv);
        shuffle(lo, sp->nlink);
    }
    for (int k = 0; k < sp->nreg; k++) {
        int r = ro[k];
        snprintf(a, sizeof a, "r%d", r);
        snprintf(b, sizeof b, "r%d", sp->parent[r]);
        OK(hsec_model_add_region(m, a, sp->parent[r] < 0 ? NULL : b));
    }
    for (int k = 0; k < sp->ngroup + sp->nserv; k++) {
        int e = eo[k];
        if (e < sp->ngroup) {
            snprintf(a, sizeof a, "g%d", e);
            snprintf(b, sizeof b, "r%d", sp->greg[e]);
            OK(hsec_model_add_group(m, a, b, sp->gsize[e]));
            OK(hsec_model_set(m, a, HSEC_PARAM_VULNERABILITY, sp->gv[e]));
            OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, sp->gk[e]));
            if (e % 5 == 0) {
                snprintf(a, sizeof a, "g%d.health", e);
                OK(hsec_model_set(m, a, HSEC_PARAM_ONSET, 0.6));
                OK(hsec_model_set(m, a, HSEC_PARAM_BASELINE, 0.3));
            }
        } else {
            int s = e - sp->ngroup;
            snprintf(a, sizeof a, "s%d", s);
            snprintf(b, sizeof b, "r%d", sp->sreg[s]);
            OK(hsec_model_add_service(m, a, (hsec_service_kind)sp->skind[s],
                                      sp->sreg[s] < 0 ? NULL : b));
            OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, sp->sk[s]));
        }
    }
    for (int k = 0; k < sp->nlink; k++) {
        int l = lo[k];
        OK(hsec_model_add_link(m, spec_node(sp, sp->lfrom[l], a), spec_node(sp, sp->lto[l], b),
                               sp->lw[l], sp->llag[l]));
    }
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_use_template(m, "services"));
    hsec_compiled *c = NULL;
    if (hsec_model_compile(&c, m))
        fail_msg("compile: %s", hsec_model_errmsg(m));
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    /* the same scenario: threats and measures by name, in the same order */
    OK(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "strike", "s3", 0.9));
    OK(hsec_scenario_add_threat_target(s, "strike", "s17", 0.7));
    OK(hsec_scenario_set_threat(s, "strike", HSEC_TIMING_DURATION, 20));
    OK(hsec_scenario_add_threat(s, "flood", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "flood", "r5", 0.4));
    OK(hsec_scenario_set_threat(s, "flood", HSEC_TIMING_START, 3));
    OK(hsec_scenario_add_threat(s, "raid", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_add_threat_target(s, "raid", "g7", 0.5));
    OK(hsec_scenario_add_threat_target(s, "raid", "g8.personal", 0.8));
    OK(hsec_scenario_add_measure(s, "wall", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.5));
    OK(hsec_scenario_add_measure_target(s, "wall", "r1"));
    OK(hsec_scenario_add_measure(s, "cut", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.4));
    OK(hsec_scenario_add_measure_link(s, "cut", NULL, "g7.health"));
    OK(hsec_scenario_add_measure_link(s, "cut", NULL, "g8"));
    OK(hsec_scenario_add_measure(s, "aid", HSEC_EMPOWERMENT, HSEC_RECOVER, HSEC_BY_NGO, 0.1));
    OK(hsec_scenario_add_measure_target(s, "aid", "r2"));
    OK(hsec_scenario_set_measure(s, "aid", HSEC_TIMING_RAMP, 5));
    OK(hsec_scenario_add_measure(s, "kit", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_HOST_GOVERNMENT, 0.3));
    OK(hsec_scenario_add_measure_target(s, "kit", "g9"));
    OK(hsec_scenario_record(s, "g7"));
    OK(hsec_scenario_record(s, "s3"));
    return s;
}

static void same_double(double x, double y, const char *what, const char *name)
{
    if (memcmp(&x, &y, sizeof x) != 0)
        fail_msg("%s of %s: %.17g reordered, %.17g as listed", what, name, x, y);
}

/* Every figure of r (on s) equals the same figure of r0 (on s0), by name. */
static void same_results(const hsec_result *r, const hsec_scenario *s, const hsec_result *r0,
                         const hsec_scenario *s0)
{
    const hsec_compiled *c = hsec_scenario_compiled(s), *c0 = hsec_scenario_compiled(s0);
    size_t n = hsec_compiled_node_count(c);
    assert_int_equal(n, hsec_compiled_node_count(c0));
    for (size_t i = 0; i < n; i++) {
        const char *name = hsec_compiled_node_name(c, i);
        size_t j = node_of(s0, name);
        same_double(hsec_result_q(r)[i], hsec_result_q(r0)[j], "q", name);
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
            same_double(hsec_result_orders(r)[i * HSEC_ORDER_COUNT + o],
                        hsec_result_orders(r0)[j * HSEC_ORDER_COUNT + o], "an order", name);
    }
    size_t ng = hsec_compiled_group_count(c);
    for (size_t g = 0; g < ng; g++) {
        const char *id = hsec_compiled_group_id(c, g);
        size_t g0 = 0;
        while (strcmp(hsec_compiled_group_id(c0, g0), id) != 0)
            g0++;
        for (int at = 0; at < 2; at++) {
            uint64_t st = 0, st0 = 0;
            double h = 0, h0 = 0, y[7], y0[7];
            OK(hsec_result_group(&st, &h, y, 7, r, g, (hsec_at)at));
            OK(hsec_result_group(&st0, &h0, y0, 7, r0, g0, (hsec_at)at));
            assert_int_equal(st, st0);
            same_double(h, h0, "the vital-core index", id);
            for (int d = 0; d < 7; d++)
                same_double(y[d], y0[d], "a dimension", id);
        }
        same_double(burden_of(r, HSEC_BURDEN_GROUP, g), burden_of(r0, HSEC_BURDEN_GROUP, g0),
                    "the burden", id);
    }
    static const hsec_burden whole[] = {HSEC_BURDEN_TOTAL, HSEC_BURDEN_BASELINE,
                                        HSEC_BURDEN_PROPAGATED};
    for (size_t k = 0; k < 3; k++)
        same_double(burden_of(r, whole[k], 0), burden_of(r0, whole[k], 0), "the burden", "all");
    for (size_t h = 0; h < 3; h++)
        same_double(burden_of(r, HSEC_BURDEN_THREAT, h), burden_of(r0, HSEC_BURDEN_THREAT, h),
                    "a threat's burden", "all");
    for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
        same_double(burden_of(r, HSEC_BURDEN_ORDER, o), burden_of(r0, HSEC_BURDEN_ORDER, o),
                    "an order's burden", "all");
    size_t nr = hsec_compiled_region_count(c);
    for (size_t k = 0; k < nr; k++) {
        const char *id = hsec_compiled_region_id(c, k);
        size_t k0 = 0;
        while (strcmp(hsec_compiled_region_id(c0, k0), id) != 0)
            k0++;
        same_double(burden_of(r, HSEC_BURDEN_REGION, k), burden_of(r0, HSEC_BURDEN_REGION, k0),
                    "a region's burden", id);
    }
    if (hsec_result_mode(r) == HSEC_MODE_DYNAMIC) { /* recorded in the same order */
        size_t nrec = 0;
        const size_t *rec = hsec_scenario_recorded(s, &nrec);
        const size_t *rec0 = hsec_scenario_recorded(s0, &nrec);
        for (size_t k = 0; k < nrec; k++) {
            const double *v, *v0;
            size_t len, len0;
            OK(hsec_result_series(&v, &len, r, rec[k]));
            OK(hsec_result_series(&v0, &len0, r0, rec0[k]));
            assert_int_equal(len, len0);
            assert_memory_equal(v, v0, len * sizeof *v);
        }
    }
}

static void test_reordered_model(void **state)
{
    (void)state;
    static spec sp;
    make_spec(&sp);
    hsec_scenario *s0 = build(&sp, false);
    for (int copy = 0; copy < 3; copy++) {
        hsec_scenario *s = build(&sp, true);
        const hsec_compiled *c = hsec_scenario_compiled(s), *c0 = hsec_scenario_compiled(s0);
        /* the API numbers as the model was built: the shuffled copy differs */
        size_t moved = 0;
        for (size_t i = 0; i < hsec_compiled_node_count(c); i++)
            moved += strcmp(hsec_compiled_node_name(c, i), hsec_compiled_node_name(c0, i)) != 0;
        assert_true(moved > hsec_compiled_node_count(c) / 2);
        static const struct {
            int mode, bounded;
            double threads;
        } runs[] = {{HSEC_MODE_STATIC, 1, 1},  {HSEC_MODE_STATIC, 0, 1},
                    {HSEC_MODE_DYNAMIC, 1, 1}, {HSEC_MODE_DYNAMIC, 0, 1},
                    {HSEC_MODE_DYNAMIC, 1, 2}};
        for (size_t k = 0; k < sizeof runs / sizeof *runs; k++) {
            hsec_scenario *both[2] = {s, s0};
            hsec_result *res[2] = {NULL, NULL};
            for (int w = 0; w < 2; w++) {
                OK(hsec_scenario_set_option(both[w], HSEC_OPT_MODE, runs[k].mode));
                OK(hsec_scenario_set_option(both[w], HSEC_OPT_BOUNDED, runs[k].bounded));
                OK(hsec_scenario_set_option(both[w], HSEC_OPT_STEPS, 40));
                OK(hsec_scenario_set_option(both[w], HSEC_OPT_RUN_THREADS,
                                            w == 0 ? runs[k].threads : 1));
                if (hsec_scenario_run(&res[w], both[w]))
                    fail_msg("run %zu: %s", k, hsec_scenario_errmsg(both[w]));
            }
            double prop = burden_of(res[1], HSEC_BURDEN_PROPAGATED, 0);
            assert_true(prop > 0); /* something to compare */
            same_results(res[0], s, res[1], s0);
            hsec_result_free(res[0]);
            hsec_result_free(res[1]);
        }
        /* the ranking, node by node */
        size_t n = hsec_compiled_node_count(c);
        double *u = calloc(n, sizeof *u), *u0 = calloc(n, sizeof *u0);
        assert_non_null(u);
        assert_non_null(u0);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
        OK(hsec_scenario_set_option(s0, HSEC_OPT_BOUNDED, 0));
        if (hsec_scenario_rank(u, n, s)) fail_msg("rank: %s", hsec_scenario_errmsg(s));
        OK(hsec_scenario_rank(u0, n, s0));
        for (size_t i = 0; i < n; i++) {
            const char *name = hsec_compiled_node_name(c, i);
            same_double(u[i], u0[node_of(s0, name)], "the marginal burden", name);
        }
        free(u);
        free(u0);
        hsec_scenario_free(s);
    }
    hsec_scenario_free(s0);
}

/*
 * The getters speak the API's numbers: links by target and source as
 * numbered, a threat's and a measure's targets ascending, decouple targets
 * as link numbers whose ends are the link's.
 */
static void test_api_numbering(void **state)
{
    (void)state;
    static spec sp;
    make_spec(&sp);
    hsec_scenario *s = build(&sp, true);
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
    size_t *rowp = calloc(n + 1, sizeof *rowp), *from = calloc(nnz, sizeof *from);
    double *w = calloc(nnz, sizeof *w);
    assert_non_null(rowp);
    assert_non_null(from);
    assert_non_null(w);
    OK(hsec_compiled_links(rowp, from, w, NULL, nnz, c));
    assert_int_equal(rowp[n], nnz);
    for (size_t i = 0; i < n; i++)
        for (size_t e = rowp[i]; e < rowp[i + 1]; e++) {
            assert_true(from[e] < n);
            if (e > rowp[i])
                assert_true(from[e] > from[e - 1]);
        }
    /* every explicit link of the spec is where its names say */
    char a[32], b[32];
    for (int l = 0; l < sp.nlink; l++) {
        size_t to = node_of(s, spec_node(&sp, sp.lto[l], a));
        size_t fr = node_of(s, spec_node(&sp, sp.lfrom[l], b));
        size_t e = rowp[to];
        while (e < rowp[to + 1] && from[e] != fr)
            e++;
        assert_true(e < rowp[to + 1]);
        assert_true(w[e] == sp.lw[l]);
    }
    /* g7's first node, as numbered, and its seven in dimension order */
    size_t g7 = 0;
    while (strcmp(hsec_compiled_group_id(c, g7), "g7") != 0)
        g7++;
    size_t first = hsec_compiled_group_node(c, g7);
    for (int d = 0; d < 7; d++) {
        snprintf(a, sizeof a, "g7.%s", hsec_enum_name(HSEC_ENUM_DIMENSION, d));
        assert_int_equal(node_of(s, a), first + (size_t)d);
    }
    /* targets ascending; decouple targets are links into g7.health and g8 */
    size_t nt = hsec_scenario_threat_target_count(s, 1);
    size_t *t = calloc(nt, sizeof *t);
    assert_non_null(t);
    OK(hsec_scenario_threat_targets(t, NULL, nt, s, 1));
    for (size_t k = 1; k < nt; k++)
        assert_true(t[k] > t[k - 1]);
    free(t);
    size_t nm = hsec_scenario_measure_target_count(s, 1);
    assert_true(nm > 0);
    t = calloc(nm, sizeof *t);
    assert_non_null(t);
    OK(hsec_scenario_measure_targets(t, nm, s, 1));
    size_t h = node_of(s, "g7.health");
    for (size_t k = 0; k < nm; k++) {
        if (k)
            assert_true(t[k] > t[k - 1]);
        size_t row = 0;
        while (rowp[row + 1] <= t[k])
            row++;
        const char *name = hsec_compiled_node_name(c, row);
        assert_true(row == h || strncmp(name, "g8.", 3) == 0);
    }
    free(t);
    free(rowp);
    free(from);
    free(w);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reordered_model),
        cmocka_unit_test(test_api_numbering),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
