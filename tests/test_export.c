/* Scenarios saved as documents and loaded again, the links and the
 * operator exported: round trips exact to the bit, the operator checked by
 * hand and by replaying runs with it. argv[1] is the examples directory. */
#include "util.h"
#include "ref.h"
#include "random_model.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

static const char *examples_dir = "examples";
static const char *const examples[] = {"energy-cascade.json", "sahel-drought-displacement.json",
                                       "epidemic-conflict.json"};
static char dir[] = "/tmp/hsec-export-XXXXXX";

static char *path_in(const char *base, const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base, name);
    return buf[k];
}

static hsec_scenario *load(const char *path)
{
    return load_path(path);
}

static hsec_result *run_mode(hsec_scenario *s, int mode, int bounded)
{
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, mode));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
    if (mode == HSEC_MODE_DYNAMIC) {
        double steps;
        OK(hsec_scenario_get_option(&steps, s, HSEC_OPT_STEPS));
        if (steps == 0)
            OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 60));
    }
    return run_ok(s);
}

/* Two scenarios hold the same links, node for node. */
static void same_links(const hsec_compiled *a, const hsec_compiled *b)
{
    size_t n = hsec_compiled_node_count(a), nnz = hsec_compiled_link_count(a);
    assert_int_equal(hsec_compiled_node_count(b), n);
    assert_int_equal(hsec_compiled_link_count(b), nnz);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(hsec_compiled_node_name(a, i), hsec_compiled_node_name(b, i));
    size_t *ra = malloc((n + 1) * sizeof *ra), *rb = malloc((n + 1) * sizeof *rb);
    size_t *fa = malloc(nnz * sizeof *fa), *fb = malloc(nnz * sizeof *fb);
    double *wa = malloc(nnz * sizeof *wa), *wb = malloc(nnz * sizeof *wb);
    uint64_t *la = malloc(nnz * sizeof *la), *lb = malloc(nnz * sizeof *lb);
    OK(hsec_compiled_links(ra, fa, wa, la, nnz, a));
    OK(hsec_compiled_links(rb, fb, wb, lb, nnz, b));
    assert_memory_equal(ra, rb, (n + 1) * sizeof *ra);
    assert_memory_equal(fa, fb, nnz * sizeof *fa);
    assert_memory_equal(wa, wb, nnz * sizeof *wa);
    assert_memory_equal(la, lb, nnz * sizeof *la);
    free(ra), free(rb), free(fa), free(fb), free(wa), free(wb), free(la), free(lb);
}

/* Runs of both scenarios agree to the bit. */
static void same_runs(hsec_scenario *a, hsec_scenario *b)
{
    static const int modes[][2] = {{HSEC_MODE_STATIC, 1}, {HSEC_MODE_DYNAMIC, 1},
                                   {HSEC_MODE_DYNAMIC, 0}};
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(a));
    for (size_t m = 0; m < 3; m++) {
        hsec_result *ra = run_mode(a, modes[m][0], modes[m][1]);
        hsec_result *rb = run_mode(b, modes[m][0], modes[m][1]);
        assert_memory_equal(hsec_result_q(ra), hsec_result_q(rb), n * sizeof(double));
        assert_memory_equal(hsec_result_orders(ra), hsec_result_orders(rb),
                            HSEC_ORDER_COUNT * n * sizeof(double));
        double ta, tb;
        OK(hsec_result_burden(&ta, ra, HSEC_BURDEN_TOTAL, 0));
        OK(hsec_result_burden(&tb, rb, HSEC_BURDEN_TOTAL, 0));
        assert_true(ta == tb);
        hsec_result_free(ra);
        hsec_result_free(rb);
    }
}

/* Every example, in every encoding: saved, loaded, runs identical, saved
 * again byte for byte. */
static void examples_round_trip(void **state)
{
    (void)state;
    static const char *const ext[HSEC_FORMAT_COUNT] = {"json", "cbor", "hsec", "hsecz"};
    for (size_t k = 0; k < sizeof examples / sizeof *examples; k++) {
        hsec_scenario *s = load(path_in(examples_dir, examples[k]));
        for (int f = 0; f < HSEC_FORMAT_COUNT; f++) {
            char name[64], name2[64];
            snprintf(name, sizeof name, "a%zu.%s", k, ext[f]);
            snprintf(name2, sizeof name2, "b%zu.%s", k, ext[f]);
            OK(hsec_doc_save_scenario(path_in(dir, name), s, (hsec_format)f));
            hsec_scenario *t = load(path_in(dir, name));
            same_links(hsec_scenario_compiled(s), hsec_scenario_compiled(t));
            assert_int_equal(hsec_scenario_threat_count(t), hsec_scenario_threat_count(s));
            assert_int_equal(hsec_scenario_measure_count(t), hsec_scenario_measure_count(s));
            assert_int_equal(hsec_scenario_package_count(t), hsec_scenario_package_count(s));
            size_t nra, nrb;
            const size_t *reca = hsec_scenario_recorded(s, &nra), *recb = hsec_scenario_recorded(t, &nrb);
            assert_int_equal(nra, nrb);
            if (nra)
                assert_memory_equal(reca, recb, nra * sizeof *reca);
            OK(hsec_doc_save_scenario(path_in(dir, name2), t, (hsec_format)f));
            size_t la, lb;
            unsigned char *ba = read_file(path_in(dir, name), &la), *bb = read_file(path_in(dir, name2), &lb);
            assert_int_equal(la, lb);
            assert_memory_equal(ba, bb, la);
            free(ba);
            free(bb);
            if (f == HSEC_FORMAT_CONTAINER_ZLIB) {
                same_runs(s, t);
                /* compare (packages) and an ensemble (draws) agree too */
                size_t np = hsec_scenario_package_count(s) + 1;
                hsec_result *ca[8] = {0}, *cb[8] = {0};
                assert_true(np <= 8);
                OK(hsec_scenario_compare(ca, np, s));
                OK(hsec_scenario_compare(cb, np, t));
                for (size_t p = 0; p < np; p++) {
                    double x, y;
                    OK(hsec_result_burden(&x, ca[p], HSEC_BURDEN_PROPAGATED, 0));
                    OK(hsec_result_burden(&y, cb[p], HSEC_BURDEN_PROPAGATED, 0));
                    assert_true(x == y);
                    hsec_result_free(ca[p]);
                    hsec_result_free(cb[p]);
                }
                OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 20));
                OK(hsec_scenario_set_option(t, HSEC_OPT_STEPS, 20));
                hsec_ensemble *ea = NULL, *eb = NULL;
                OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 16));
                OK(hsec_scenario_set_option(t, HSEC_OPT_MEMBERS, 16));
                OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 2));
                OK(hsec_scenario_set_option(t, HSEC_OPT_THREADS, 2));
                OK(hsec_scenario_ensemble(&ea, s, NULL, 0));
                OK(hsec_scenario_ensemble(&eb, t, NULL, 0));
                double va[16], vb[16];
                OK(hsec_ensemble_values(va, 16, ea, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0));
                OK(hsec_ensemble_values(vb, 16, eb, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0));
                assert_memory_equal(va, vb, sizeof va);
                hsec_ensemble_free(ea);
                hsec_ensemble_free(eb);
            }
            hsec_scenario_free(t);
        }
        hsec_scenario_free(s);
    }
}

/* A model built through the API with everything a document can say:
 * regions named before their parents, groups and services interleaved,
 * templates, recovery rates in some dimensions and times in others,
 * weights, flags, baselines, initial degradation, region targets, every
 * measure effect. Saved and loaded, its runs agree node by node (the
 * nodes are renumbered groups first). */
static hsec_scenario *rich_scenario(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "north", "land"));
    OK(hsec_model_add_region(m, "land", NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_group(m, "elderly", "north", 1200));
    OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "north"));
    OK(hsec_model_add_group(m, "children", "land", 3000));
    OK(hsec_model_set_group_flags(m, "children", HSEC_FLAG_CHILDREN));
    OK(hsec_model_set(m, "elderly.health", HSEC_PARAM_VULNERABILITY, 1.5));
    OK(hsec_model_set(m, "elderly", HSEC_PARAM_RECOVERY, 0.2));
    OK(hsec_model_set(m, "elderly.food", HSEC_PARAM_RECOVERY_TIME, 12));
    OK(hsec_model_set(m, "elderly", HSEC_PARAM_WEIGHT, 0));
    OK(hsec_model_set(m, "elderly.health", HSEC_PARAM_WEIGHT, 3));
    OK(hsec_model_set(m, "elderly.food", HSEC_PARAM_WEIGHT, 1));
    OK(hsec_model_set(m, "children.community", HSEC_PARAM_BASELINE, 0.2));
    OK(hsec_model_set(m, "children.economic", HSEC_PARAM_INITIAL, 0.1));
    OK(hsec_model_set(m, "water", HSEC_PARAM_RECOVERY_TIME, 9));
    OK(hsec_model_set(m, "grid", HSEC_PARAM_RECOVERY, 0.3));
    OK(hsec_model_add_link(m, "grid", "water", 0.6, 0));
    OK(hsec_model_add_link(m, "water", "elderly.health", 0.5, 2));
    OK(hsec_model_add_link(m, "elderly.personal", "children.community", 0.1, 4));
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_use_template(m, "services"));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "strikes", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_START, 2));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_DURATION, 30));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_LIKELIHOOD, 0.8));
    OK(hsec_scenario_add_threat_target(s, "strikes", "grid", 0.6));
    OK(hsec_scenario_add_threat(s, "drought", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "drought", "north", 0.1));
    OK(hsec_scenario_add_measure(s, "gen", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.7));
    OK(hsec_scenario_add_measure_link(s, "gen", "grid", "water"));
    OK(hsec_scenario_add_measure_link(s, "gen", NULL, "elderly.health"));
    OK(hsec_scenario_set_measure(s, "gen", HSEC_TIMING_RAMP, 5));
    OK(hsec_scenario_set_measure(s, "gen", HSEC_TIMING_COST, 40));
    OK(hsec_scenario_add_measure(s, "guard", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.4));
    OK(hsec_scenario_add_measure_target(s, "guard", "grid"));
    OK(hsec_scenario_set_measure(s, "guard", HSEC_TIMING_START, 3));
    OK(hsec_scenario_set_measure(s, "guard", HSEC_TIMING_DURATION, 10));
    OK(hsec_scenario_add_measure(s, "care", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_COMMUNITY, 0.3));
    OK(hsec_scenario_add_measure_target(s, "care", "elderly"));
    OK(hsec_scenario_add_measure(s, "repair", HSEC_PROTECTION, HSEC_RECOVER,
                                 HSEC_BY_HOST_GOVERNMENT, 0.05));
    OK(hsec_scenario_add_measure_target(s, "repair", "land"));
    OK(hsec_scenario_add_package(s, "protect"));
    OK(hsec_scenario_package_add(s, "protect", "gen"));
    OK(hsec_scenario_package_add(s, "protect", "guard"));
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 50));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BAND_SHORT, 5));
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 77));
    OK(hsec_scenario_set_step_unit(s, "week"));
    OK(hsec_scenario_record(s, "elderly"));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.8, 1, 1.1));
    return s;
}

static void api_model_round_trip(void **state)
{
    (void)state;
    hsec_scenario *s = rich_scenario();
    OK(hsec_doc_save_scenario(path_in(dir, "rich.json"), s, HSEC_FORMAT_JSON));
    hsec_scenario *t = load(path_in(dir, "rich.json"));
    const hsec_compiled *cs = hsec_scenario_compiled(s), *ct = hsec_scenario_compiled(t);
    size_t n = hsec_compiled_node_count(cs);
    assert_int_equal(hsec_compiled_node_count(ct), n);
    assert_int_equal(hsec_compiled_link_count(ct), hsec_compiled_link_count(cs));
    assert_int_equal(hsec_scenario_measure_count(t), 4);
    assert_true(hsec_scenario_measure_cost(t, 0) == 40);
    assert_string_equal(hsec_scenario_step_unit(t), "week");
    double v;
    OK(hsec_scenario_get_option(&v, t, HSEC_OPT_SEED));
    assert_true(v == 77);
    assert_true(hsec_compiled_group_weight(ct, 0, HSEC_DIM_HEALTH) == 0.75);
    unsigned flags = 0;
    OK(hsec_compiled_group_flags(&flags, ct, 1));
    assert_true(flags == HSEC_FLAG_CHILDREN);
    static const int modes[][2] = {{HSEC_MODE_STATIC, 1}, {HSEC_MODE_STATIC, 0},
                                   {HSEC_MODE_DYNAMIC, 1}};
    for (size_t k = 0; k < 3; k++) {
        for (int mask = 0; mask < 2; mask++) {
            static const unsigned char none[4] = {0};
            OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, modes[k][0]));
            OK(hsec_scenario_set_option(t, HSEC_OPT_MODE, modes[k][0]));
            OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, modes[k][1]));
            OK(hsec_scenario_set_option(t, HSEC_OPT_BOUNDED, modes[k][1]));
            hsec_result *ra = NULL, *rb = NULL;
            OK(hsec_scenario_run_with(&ra, s, mask ? none : NULL, 4));
            OK(hsec_scenario_run_with(&rb, t, mask ? none : NULL, 4));
            for (size_t i = 0; i < n; i++) {
                const char *name = hsec_compiled_node_name(cs, i);
                NEAR(q_of(rb, t, name), hsec_result_q(ra)[i], 1e-14);
                assert_true(hsec_result_q(ra)[i] > 0 || strcmp(name, "grid") != 0);
            }
            double x, y;
            OK(hsec_result_burden(&x, ra, HSEC_BURDEN_PROPAGATED, 0));
            OK(hsec_result_burden(&y, rb, HSEC_BURDEN_PROPAGATED, 0));
            NEAR(y, x, 1e-14);
            hsec_result_free(ra);
            hsec_result_free(rb);
        }
    }
    hsec_scenario_free(s);
    hsec_scenario_free(t);
}

/* Links of a hand-built model, and the arguments refused. */
static void links_by_hand(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_service(m, "a", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_service(m, "b", HSEC_SERVICE_WATER, NULL));
    OK(hsec_model_add_service(m, "c", HSEC_SERVICE_HEALTH_CARE, NULL));
    OK(hsec_model_add_link(m, "c", "b", 0.25, 0));
    OK(hsec_model_add_link(m, "a", "b", 0.5, 3));
    OK(hsec_model_add_link(m, "b", "c", 0.125, 0));
    OK(hsec_model_add_link(m, "c", "c", 0.0625, 1));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    size_t rowp[4], from[4];
    double w[4];
    uint64_t lag[4];
    OK(hsec_compiled_links(rowp, from, w, lag, 4, c));
    const size_t er[4] = {0, 0, 2, 4}, ef[4] = {0, 2, 1, 2};
    const double ew[4] = {0.5, 0.25, 0.125, 0.0625};
    const uint64_t el[4] = {3, 0, 0, 1};
    assert_memory_equal(rowp, er, sizeof er);
    assert_memory_equal(from, ef, sizeof ef);
    assert_memory_equal(w, ew, sizeof ew);
    assert_memory_equal(lag, el, sizeof el);
    OK(hsec_compiled_links(NULL, NULL, w, NULL, 4, c));
    assert_int_equal(hsec_compiled_links(rowp, from, w, lag, 3, c), HSEC_EINVAL);
    assert_int_equal(hsec_compiled_links(rowp, from, w, lag, 4, NULL), HSEC_EINVAL);
    hsec_compiled_free(c);
}

/* The operator at chosen steps, against a hand computation of model §2. */
static void operator_by_hand(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_group(m, "g", "r", 100));
    OK(hsec_model_set(m, "g.health", HSEC_PARAM_VULNERABILITY, 2));
    OK(hsec_model_set(m, "g.health", HSEC_PARAM_RECOVERY, 0.25));
    OK(hsec_model_add_link(m, "grid", "g.health", 0.3, 0));
    OK(hsec_model_add_link(m, "g.food", "g.health", 0.1, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_UNKNOWN));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_LIKELIHOOD, 0.8));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 1));
    OK(hsec_scenario_add_threat_target(s, "t", "g.health", 0.5));
    OK(hsec_scenario_add_threat(s, "u", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "u", "grid", 0.2));
    OK(hsec_scenario_add_measure(s, "dec", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.5));
    OK(hsec_scenario_add_measure_link(s, "dec", "grid", "g.health"));
    OK(hsec_scenario_add_measure(s, "shd", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.4));
    OK(hsec_scenario_add_measure_target(s, "shd", "g.health"));
    OK(hsec_scenario_add_measure(s, "red", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_COMMUNITY, 0.25));
    OK(hsec_scenario_add_measure_target(s, "red", "g.health"));
    OK(hsec_scenario_set_measure(s, "red", HSEC_TIMING_START, 2));
    OK(hsec_scenario_set_measure(s, "red", HSEC_TIMING_RAMP, 4));
    OK(hsec_scenario_add_measure(s, "rec", HSEC_EMPOWERMENT, HSEC_RECOVER, HSEC_BY_COMMUNITY,
                                 0.1));
    OK(hsec_scenario_add_measure_target(s, "rec", "g.health"));
    const hsec_compiled *cc = hsec_scenario_compiled(s);
    size_t nnz = hsec_compiled_link_count(cc);
    assert_int_equal(nnz, 2);
    size_t h = node_of(s, "g.health"), grid = node_of(s, "grid"), rowp[9], from[2];
    OK(hsec_compiled_links(rowp, from, NULL, NULL, nnz, cc));
    size_t eg = from[0] == grid ? 0 : 1, ef = 1 - eg; /* grid's link, food's link */
    double w[2], p[8 * 2], k[8];
    /* step 3: red ramps (3 - 2 + 1) / 4 = 1/2, so v = 2 (1 - 0.125) = 1.75 */
    OK(hsec_scenario_operator(w, p, k, s, NULL, 0, 3));
    NEAR(w[eg], 1.75 * 0.5 * 0.3, 1e-15);
    NEAR(w[ef], 1.75 * 0.1, 1e-15);
    NEAR(p[h * 2 + 0], 1.75 * 0.6 * 0.8 * 0.5, 1e-15);
    NEAR(p[h * 2 + 1], 0, 0);
    NEAR(p[grid * 2 + 1], 0.2, 1e-15);
    NEAR(k[h], 0.35, 1e-15);
    NEAR(k[grid], 1, 0);
    /* step 0: t not yet active, red not in force */
    OK(hsec_scenario_operator(w, p, k, s, NULL, 0, 0));
    NEAR(w[ef], 2 * 0.1, 1e-15);
    NEAR(p[h * 2 + 0], 0, 0);
    /* only the shield in force */
    unsigned char mask[4] = {0, 1, 0, 0};
    OK(hsec_scenario_operator(w, p, k, s, mask, 4, 3));
    NEAR(w[eg], 2 * 0.3, 1e-15);
    NEAR(p[h * 2 + 0], 2 * 0.6 * 0.8 * 0.5, 1e-15);
    NEAR(k[h], 0.25, 1e-15);
    /* static: everything at full strength, K = I */
    OK(hsec_scenario_operator(w, p, k, s, NULL, 0, -1));
    NEAR(w[eg], 1.5 * 0.5 * 0.3, 1e-15);
    NEAR(p[h * 2 + 0], 1.5 * 0.6 * 0.8 * 0.5, 1e-15);
    NEAR(k[h], 1, 0);
    OK(hsec_scenario_operator(NULL, NULL, NULL, s, NULL, 0, 5));
    assert_int_equal(hsec_scenario_operator(w, p, k, s, NULL, 0, -2), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "-2");
    assert_int_equal(hsec_scenario_operator(w, p, k, s, mask, 3, 3), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_operator(w, p, k, NULL, NULL, 0, 0), HSEC_EINVAL);
    hsec_scenario_free(s);
}

/* The DIIM stepped with the exported operator and onset rates reproduces
 * the library's runs on every example, bounded and linear, lags included:
 * a node whose target is above its total moves at its onset rate, any
 * other at the recovery rate of the step (doc/model.md §4). */
static void operator_replays_runs(void **state)
{
    (void)state;
    for (size_t x = 0; x < sizeof examples / sizeof *examples; x++) {
        hsec_scenario *s = load(path_in(examples_dir, examples[x]));
        const hsec_compiled *c = hsec_scenario_compiled(s);
        size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
        size_t H = hsec_scenario_threat_count(s), T = 80;
        size_t *rowp = malloc((n + 1) * sizeof *rowp), *from = malloc(nnz * sizeof *from);
        uint64_t *lag = malloc(nnz * sizeof *lag);
        double *w = malloc(nnz * sizeof *w), *p = malloc((n * H + 1) * sizeof *p);
        double *k = malloc(n * sizeof *k), *hist = malloc((T + 1) * n * sizeof *hist);
        double *ko = malloc(n * sizeof *ko);
        OK(hsec_compiled_links(rowp, from, NULL, lag, nnz, c));
        OK(hsec_scenario_onset_rates(ko, n, s));
        for (int bounded = 0; bounded < 2; bounded++) {
            OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
            OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, (double)T));
            OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
            for (size_t i = 0; i < n; i++) /* q(0) = 0: the examples start undamaged */
                hist[i] = 0;
            hsec_result *r = NULL;
            OK(hsec_scenario_run(&r, s));
            for (uint64_t t = 0; t < T; t++) {
                OK(hsec_scenario_operator(w, p, k, s, NULL, 0, (int64_t)t));
                const double *q = hist + t * n;
                double *qn = hist + (t + 1) * n;
                for (size_t i = 0; i < n; i++) {
                    double target = 0;
                    for (size_t e = rowp[i]; e < rowp[i + 1]; e++) {
                        uint64_t back = lag[e] <= t ? t - lag[e] : 0;
                        target += w[e] * hist[back * n + from[e]];
                    }
                    for (size_t hh = 0; hh < H; hh++)
                        target += p[i * H + hh];
                    double rate = target > q[i] ? ko[i] : k[i];
                    double v = q[i] + rate * (target - q[i]);
                    qn[i] = bounded && v > 1 ? 1 : v;
                }
            }
            for (size_t i = 0; i < n; i++)
                NEAR(hist[T * n + i], hsec_result_q(r)[i], 1e-12);
            hsec_result_free(r);
        }
        free(rowp), free(from), free(lag), free(w), free(p), free(k), free(hist), free(ko);
        hsec_scenario_free(s);
    }
}

/*
 * The exported operator against the dense reference (ref.h) on random
 * models with lags, ramps, timings, onsets and every measure effect, some
 * masked out: A'(t), c(t) per threat and the recovery rates K(t) at every
 * step and at full strength, the onset rates once; and the DIIM stepped
 * here with the exported operator and onset rates reproduces the
 * reference's series, bounded and linear.
 */
static void operator_against_reference(void **state)
{
    (void)state;
    static ref_out o;
    static double A[REF_MAXN][REF_MAXN], c[REF_MAXT][REF_MAXN];
    double kref[REF_MAXN];
    unsigned seed = 8080;
    char a[64];
    for (int trial = 0; trial < 60; trial++) {
        ref_model M;
        bool bounded = trial % 2 == 0;
        random_model(&M, &seed, bounded ? 0.9 : 0.3, true, true, trial % 3 == 0);
        if (trial % 4 < 2)
            random_onsets(&M, &seed, 0.6);
        unsigned char mask[REF_MAXM];
        ref_model R = M; /* the reference holds only the measures in force */
        R.nm = 0;
        for (int k = 0; k < M.nm; k++) {
            mask[k] = urand(&seed) < 0.7;
            if (mask[k])
                R.m[R.nm++] = M.m[k];
        }
        int T = 30;
        ref_dynamic(&R, T, bounded, &o);
        hsec_scenario *s = to_hsec(&M);
        const hsec_compiled *cc = hsec_scenario_compiled(s);
        size_t n = hsec_compiled_node_count(cc), nnz = hsec_compiled_link_count(cc);
        size_t H = (size_t)M.nt, id[REF_MAXN]; /* the library's index of each reference node */
        assert_int_equal(n, (size_t)M.n);
        for (int i = 0; i < M.n; i++)
            id[i] = node_of(s, node_name(i, a));
        size_t rowp[REF_MAXN + 1], from[REF_MAXL];
        uint64_t lag[REF_MAXL];
        OK(hsec_compiled_links(rowp, from, NULL, lag, nnz, cc));
        double w[REF_MAXL], p[REF_MAXN * REF_MAXT], k[REF_MAXN], ko[REF_MAXN];
        static double hist[31][REF_MAXN];
        OK(hsec_scenario_onset_rates(ko, n, s)); /* whatever the mask: recover never moves them */
        for (int i = 0; i < M.n; i++)
            NEAR(ko[id[i]], ref_onset(&M, i), 1e-15);
        for (int i = 0; i < M.n; i++)
            hist[0][id[i]] = M.init[i];
        for (int t = -1; t < T; t++) {
            OK(hsec_scenario_operator(w, p, k, s, mask, (size_t)M.nm, t));
            ref_coeffs(&R, t < 0 ? 0 : t, t < 0, A, c, kref);
            for (int i = 0; i < M.n; i++) {
                size_t li = id[i];
                for (size_t e = rowp[li]; e < rowp[li + 1]; e++) {
                    int j = 0;
                    while (id[j] != from[e])
                        j++;
                    NEAR(w[e], A[i][j], 1e-15);
                }
                for (size_t h = 0; h < H; h++)
                    NEAR(p[li * H + h], c[h][i], 1e-15);
                NEAR(k[li], t < 0 ? 1 : kref[i], 1e-15);
            }
            if (t < 0)
                continue;
            for (size_t i = 0; i < n; i++) { /* one step of the DIIM, here */
                double target = 0;
                for (size_t e = rowp[i]; e < rowp[i + 1]; e++) {
                    uint64_t back = lag[e] <= (uint64_t)t ? (uint64_t)t - lag[e] : 0;
                    target += w[e] * hist[back][from[e]];
                }
                for (size_t h = 0; h < H; h++)
                    target += p[i * H + h];
                double rate = target > hist[t][i] ? ko[i] : k[i];
                double v = hist[t][i] + rate * (target - hist[t][i]);
                hist[t + 1][i] = bounded && v > 1 ? 1 : v;
            }
        }
        for (int t = 0; t <= T; t++)
            for (int i = 0; i < M.n; i++)
                NEAR(hist[t][id[i]], o.tot[t][i], 1e-12);
        hsec_scenario_free(s);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        examples_dir = argv[1];
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(links_by_hand),
        cmocka_unit_test(operator_by_hand),
        cmocka_unit_test(operator_replays_runs),
        cmocka_unit_test(operator_against_reference),
        cmocka_unit_test(examples_round_trip),
        cmocka_unit_test(api_model_round_trip),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        rc = rc ? rc : 1;
    return rc;
}
