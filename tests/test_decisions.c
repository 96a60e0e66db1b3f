/* Packages and comparison, ranking, budgets, coupling (doc/decisions.md),
 * checked against brute force and hand computation. */
#include "util.h"
#include "ref.h"

#include <jansson.h>
#include <stdlib.h>

/* grid -> water -> g.health; two protection measures, one empowerment. */
static hsec_scenario *three_measures(void)
{
    hsec_model *m = one_group(1000);
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "r"));
    OK(hsec_model_add_link(m, "grid", "water", 0.6, 0));
    OK(hsec_model_add_link(m, "water", "g.health", 0.5, 0));
    OK(hsec_model_add_link(m, "g.health", "g.economic", 0.3, 0));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.2));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "strike", "grid", 0.8));
    OK(hsec_scenario_add_measure(s, "shield", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY,
                                 0.5));
    OK(hsec_scenario_add_measure_target(s, "shield", "grid"));
    OK(hsec_scenario_set_measure(s, "shield", HSEC_TIMING_COST, 100));
    OK(hsec_scenario_add_measure(s, "tanks", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.4));
    OK(hsec_scenario_add_measure_link(s, "tanks", "water", "g.health"));
    OK(hsec_scenario_set_measure(s, "tanks", HSEC_TIMING_COST, 30));
    OK(hsec_scenario_add_measure(s, "care", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_COMMUNITY, 0.3));
    OK(hsec_scenario_add_measure_target(s, "care", "g"));
    OK(hsec_scenario_set_measure(s, "care", HSEC_TIMING_COST, 20));
    OK(hsec_scenario_set_measure(s, "care", HSEC_TIMING_RAMP, 10));
    OK(hsec_scenario_add_package(s, "protection"));
    OK(hsec_scenario_package_add(s, "protection", "shield"));
    OK(hsec_scenario_package_add(s, "protection", "tanks"));
    OK(hsec_scenario_add_package(s, "empowerment"));
    OK(hsec_scenario_package_add(s, "empowerment", "care"));
    dynamic(s, 60);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    return s;
}

/* three_measures as the dense reference sees it: g's nodes 0..6, grid 7,
 * water 8; 60 steps, linear; the propagated burden of a mask (nothing is
 * capped: y = q). */
static double three_measures_ref(const unsigned char mask[3])
{
    static ref_model M;
    static ref_out o;
    memset(&M, 0, sizeof M);
    M.n = 9;
    for (int i = 0; i < M.n; i++) {
        M.v[i] = 1;
        M.k[i] = i < 7 ? 0.2 : 1;
    }
    const ref_link links[3] = {{7, 8, 0, 0.6}, {8, HSEC_DIM_HEALTH, 0, 0.5},
                               {HSEC_DIM_HEALTH, HSEC_DIM_ECONOMIC, 0, 0.3}};
    M.nl = 3;
    memcpy(M.l, links, sizeof links);
    M.nt = 1;
    M.t[0].dur = -1;
    M.t[0].like = 1;
    M.t[0].mag[7] = 0.8;
    ref_measure shield = {0, 0.5, 0, -1, 0, {false}, {false}};
    shield.node[7] = true;
    ref_measure tanks = {1, 0.4, 0, -1, 0, {false}, {false}};
    tanks.link[1] = true;
    ref_measure care = {3, 0.3, 0, -1, 10, {false}, {false}};
    for (int i = 0; i < 7; i++)
        care.node[i] = true;
    const ref_measure *all[3] = {&shield, &tanks, &care};
    for (int k = 0; k < 3; k++)
        if (mask[k])
            M.m[M.nm++] = *all[k];
    ref_dynamic(&M, 60, false, &o);
    double b = 0;
    for (int t = 1; t <= 60; t++)
        for (int i = 0; i < 7; i++)
            b += 1000.0 / 7 * (o.tot[t][i] < 1 ? o.tot[t][i] : 1);
    return b;
}

static void test_packages(void **state)
{
    (void)state;
    hsec_scenario *s = three_measures();
    assert_int_equal(hsec_scenario_package_count(s), 2);
    assert_string_equal(hsec_scenario_package_id(s, 1), "empowerment");
    NEAR(hsec_scenario_package_cost(s, 0), 130, 0);
    assert_true(isnan(hsec_scenario_package_cost(s, 2)));
    unsigned char mask[3];
    OK(hsec_scenario_package_mask(mask, 3, s, 0));
    assert_true(mask[0] == 1 && mask[1] == 1 && mask[2] == 0);
    assert_int_equal(hsec_scenario_package_mask(mask, 2, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_add_package(s, "protection"), HSEC_EEXIST);
    HAS(hsec_scenario_errmsg(s), "\"protection\" is already used");
    assert_int_equal(hsec_scenario_add_package(s, "two words"), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_package_add(s, "protection", "tanks"), HSEC_EEXIST);
    HAS(hsec_scenario_errmsg(s), "measure tanks is already in it");
    assert_int_equal(hsec_scenario_package_add(s, "protection", "sandbags"), HSEC_ENOTFOUND);
    HAS(hsec_scenario_errmsg(s), "no measure \"sandbags\"");
    assert_int_equal(hsec_scenario_package_add(s, "nothing", "tanks"), HSEC_ENOTFOUND);
    HAS(hsec_scenario_errmsg(s), "no package \"nothing\"");
    hsec_measure_kind kind = HSEC_PROTECTION;
    OK(hsec_scenario_measure_kind(&kind, s, 2));
    assert_int_equal(kind, HSEC_EMPOWERMENT);
    OK(hsec_scenario_measure_kind(&kind, s, 0));
    assert_int_equal(kind, HSEC_PROTECTION);
    assert_int_equal(hsec_scenario_measure_kind(&kind, s, 3), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_measure_kind(NULL, s, 0), HSEC_EINVAL);
    NEAR(hsec_scenario_measure_cost(s, 1), 30, 0);
    assert_int_equal(hsec_scenario_package_size(s, 0), 2);
    assert_int_equal(hsec_scenario_package_size(s, 1), 1);
    assert_int_equal(hsec_scenario_package_size(s, 2), 0);
    size_t pm[2] = {9, 9};
    OK(hsec_scenario_package_measures(pm, 2, s, 0));
    assert_true(pm[0] == 0 && pm[1] == 1);
    OK(hsec_scenario_package_measures(pm, 1, s, 1));
    assert_true(pm[0] == 2);
    assert_int_equal(hsec_scenario_package_measures(pm, 1, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_package_measures(pm, 1, s, 2), HSEC_EINVAL);
    hsec_scenario_free(s);
}

/* Each compared run is the run with that mask; the baseline has none. */
static void test_compare_is_runs_with_masks(void **state)
{
    (void)state;
    hsec_scenario *s = three_measures();
    hsec_result *res[3];
    OK(hsec_scenario_compare(res, 3, s));
    const unsigned char none[3] = {0, 0, 0}, prot[3] = {1, 1, 0}, emp[3] = {0, 0, 1};
    const unsigned char *masks[3] = {none, prot, emp};
    for (int i = 0; i < 3; i++) {
        hsec_result *r = NULL;
        OK(hsec_scenario_run_with(&r, s, masks[i], 3));
        assert_memory_equal(hsec_result_q(r), hsec_result_q(res[i]),
                            hsec_result_node_count(r) * sizeof(double));
        assert_true(burden_of(r, HSEC_BURDEN_TOTAL, 0) == burden_of(res[i], HSEC_BURDEN_TOTAL, 0));
        hsec_result_free(r);
    }
    /* each run against the dense reference of the same model and mask */
    double base = burden_of(res[0], HSEC_BURDEN_PROPAGATED, 0);
    double prot_b = burden_of(res[1], HSEC_BURDEN_PROPAGATED, 0);
    double emp_b = burden_of(res[2], HSEC_BURDEN_PROPAGATED, 0);
    NEAR(base, three_measures_ref(none), 1e-12);
    NEAR(prot_b, three_measures_ref(prot), 1e-12);
    NEAR(emp_b, three_measures_ref(emp), 1e-12);
    assert_true(prot_b < base && emp_b < base);
    /* a wrong mask length is refused */
    hsec_result *bad = (hsec_result *)1;
    assert_int_equal(hsec_scenario_run_with(&bad, s, prot, 2), HSEC_EINVAL);
    assert_null(bad);
    /* burden by group sums to the propagated burden */
    NEAR(burden_of(res[1], HSEC_BURDEN_GROUP, 0), prot_b, 1e-12);
    for (int i = 0; i < 3; i++)
        hsec_result_free(res[i]);
    assert_int_equal(hsec_scenario_compare(res, 2, s), HSEC_EINVAL);
    assert_null(res[0]);
    /* the comparison document */
    OK(hsec_scenario_compare(res, 3, s));
    char *text = NULL;
    OK(hsec_doc_compare_json(&text, NULL, res, 3, s));
    json_t *doc = json_loads(text, 0, NULL);
    assert_non_null(doc);
    json_t *p = json_object_get(json_object_get(doc, "packages"), "protection");
    NEAR(json_number_value(json_object_get(p, "cost")), 130, 0);
    double av = json_number_value(json_object_get(json_object_get(p, "averted"), "total"));
    assert_true(av == base - prot_b);
    NEAR(json_number_value(json_object_get(p, "averted_per_cost")), (base - prot_b) / 130, 1e-15);
    json_t *bands = json_object_get(json_object_get(p, "averted"), "bands");
    double sum = 0;
    const char *k;
    json_t *v;
    json_object_foreach(bands, k, v) sum += json_number_value(v);
    NEAR(sum, av, 1e-12);
    assert_int_equal(json_array_size(json_object_get(p, "measures")), 2);
    json_decref(doc);
    hsec_free_string(text);
    assert_int_equal(hsec_doc_compare_json(&text, NULL, res, 2, s), HSEC_EINVAL);
    for (int i = 0; i < 3; i++)
        hsec_result_free(res[i]);
    hsec_scenario_free(s);
}

/* Superposition: with zero baseline and nothing capped, in linear mode the
 * propagated burden of each threat run alone sums to the burden of all. */
static void test_superposition(void **state)
{
    (void)state;
    const char *targets[3] = {"grid", "water", "g.food"};
    const double mags[3] = {0.5, 0.2, 0.1};
    double alone = 0, together = 0, split = 0;
    for (int round = 0; round <= 3; round++) {
        hsec_model *m = one_group(500);
        OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "r"));
        OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "r"));
        OK(hsec_model_use_template(m, "dimensions"));
        OK(hsec_model_use_template(m, "services"));
        OK(hsec_model_add_link(m, "grid", "water", 0.6, 1));
        OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.3));
        hsec_scenario *s = scenario_of(m);
        for (int h = 0; h < 3; h++) {
            if (round < 3 && h != round)
                continue;
            char id[16];
            sprintf(id, "t%d", h);
            OK(hsec_scenario_add_threat(s, id, HSEC_THREAT_ADVERSARY));
            OK(hsec_scenario_set_threat(s, id, HSEC_TIMING_START, h * 3));
            OK(hsec_scenario_add_threat_target(s, id, targets[h], mags[h]));
        }
        dynamic(s, 50);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
        hsec_result *r = run_ok(s);
        if (round < 3) {
            alone += burden_of(r, HSEC_BURDEN_PROPAGATED, 0);
        } else {
            together = burden_of(r, HSEC_BURDEN_PROPAGATED, 0);
            for (size_t h = 0; h < 3; h++)
                split += burden_of(r, HSEC_BURDEN_THREAT, h);
        }
        hsec_result_free(r);
        hsec_scenario_free(s);
    }
    assert_true(together > 0);
    NEAR(alone, together, 1e-12);
    NEAR(split, together, 1e-12);
}

static double urand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return ((*seed >> 8) & 0xffffff) / 16777216.0;
}

/* One group and four services, random links, measures and a threat; static
 * linear, nothing capped. */
static hsec_scenario *random_static(unsigned *seed, const char *probe, double mag)
{
    static const char *const nodes[11] = {"g.economic", "g.food",  "g.health", "g.environmental",
                                          "g.personal", "g.community", "g.political", "s0",
                                          "s1", "s2", "s3"};
    unsigned local = *seed;
    hsec_model *m = one_group(1000);
    OK(hsec_model_set(m, "g.health", HSEC_PARAM_WEIGHT, 3));
    OK(hsec_model_set(m, "g", HSEC_PARAM_VULNERABILITY, 1.3));
    for (int i = 0; i < 4; i++) {
        char id[16];
        sprintf(id, "s%d", i);
        OK(hsec_model_add_service(m, id, HSEC_SERVICE_OTHER, "r"));
    }
    for (int f = 0; f < 11; f++)
        for (int t = 0; t < 11; t++)
            if (urand(&local) < 0.25)
                OK(hsec_model_add_link(m, nodes[f], nodes[t], 0.3 * urand(&local), 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", nodes[7 + (int)(urand(&local) * 4)], 0.1));
    OK(hsec_scenario_add_measure(s, "sh", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.3));
    OK(hsec_scenario_add_measure_target(s, "sh", nodes[(int)(urand(&local) * 11)]));
    OK(hsec_scenario_add_measure(s, "rv", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_COMMUNITY, 0.4));
    OK(hsec_scenario_add_measure_target(s, "rv", "g.food"));
    OK(hsec_scenario_add_measure(s, "dc", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.5));
    OK(hsec_scenario_add_measure_link(s, "dc", NULL, "g.health"));
    if (probe) {
        OK(hsec_scenario_add_threat(s, "probe", HSEC_THREAT_UNKNOWN));
        OK(hsec_scenario_add_threat_target(s, "probe", probe, mag));
    }
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    *seed = local;
    return s;
}

/* The adjoint ranking equals finite differences of the equilibrium burden. */
static void test_rank_finite_differences(void **state)
{
    (void)state;
    unsigned seed = 99;
    for (int trial = 0; trial < 40; trial++) {
        unsigned start = seed;
        hsec_scenario *s = random_static(&seed, NULL, 0);
        size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
        double u[11];
        assert_int_equal(n, 11);
        OK(hsec_scenario_rank(u, n, s));
        hsec_result *r0 = run_ok(s);
        double b0 = burden_of(r0, HSEC_BURDEN_PROPAGATED, 0);
        for (size_t j = 0; j < n; j++) {
            unsigned again = start;
            hsec_scenario *sp =
                random_static(&again, hsec_compiled_node_name(hsec_scenario_compiled(s), j), 0.01);
            hsec_result *r1 = run_ok(sp);
            /* the probe's c at j: its first-order part there */
            double dc = hsec_result_orders(r1)[j * HSEC_ORDER_COUNT] -
                        hsec_result_orders(r0)[j * HSEC_ORDER_COUNT];
            double db = burden_of(r1, HSEC_BURDEN_PROPAGATED, 0) - b0;
            assert_true(dc > 0);
            NEAR(db / dc, u[j], 1e-7);
            hsec_result_free(r1);
            hsec_scenario_free(sp);
        }
        hsec_result_free(r0);
        hsec_scenario_free(s);
    }
}

/* The adjoint against a dense solve of (I - A'^T) u = b (b: each group's
 * size times its dimensions' weights), with A' as hsec_scenario_operator
 * gives it, on random models with self-links, cycles among services and
 * groups, and links both ways between them: the transpose's sweeps
 * scatter along the rows of A' and must reach the same u. In every other
 * model no service reads a group, so that the transpose solves the groups
 * and then the services (solve.c, "Two parts"). */
static void test_rank_dense(void **state)
{
    (void)state;
    unsigned seed = 4242;
    for (int trial = 0; trial < 25; trial++) {
        hsec_model *m = NULL;
        OK(hsec_model_new(&m, NULL));
        OK(hsec_model_add_region(m, "r", NULL));
        int ns = 2 + (int)(urand(&seed) * 5), ng = 1 + (int)(urand(&seed) * 4);
        char names[40][32];
        int nn = 0;
        for (int k = 0; k < ns; k++) {
            snprintf(names[nn], sizeof names[nn], "s%d", k);
            OK(hsec_model_add_service(m, names[nn++], HSEC_SERVICE_WATER, "r"));
        }
        for (int g = 0; g < ng; g++) {
            char id[16];
            snprintf(id, sizeof id, "g%d", g);
            OK(hsec_model_add_group(m, id, "r", 100 + 50 * g));
            for (int d = 0; d < 7; d++)
                snprintf(names[nn++], sizeof names[0], "%s.%s", id, dim_names[d]);
        }
        /* up to four links into each node (row sums below 0.9: radius below 1) */
        for (int i = 0; i < nn; i++) {
            int used[40] = {0}, links = (int)(urand(&seed) * 5);
            for (int l = 0; l < links; l++) {
                int j = (int)(urand(&seed) * nn);
                if (used[j] || (trial % 2 && i < ns && j >= ns))
                    continue;
                used[j] = 1;
                double w = 0.01 + 0.21 * urand(&seed);
                OK(hsec_model_add_link(m, names[j], names[i], w, 0));
            }
        }
        hsec_scenario *s = scenario_of(m);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
        const hsec_compiled *c = hsec_scenario_compiled(s);
        size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
        assert_int_equal(n, (size_t)nn);
        size_t rowp[41], from[40 * 4 + 1];
        double w[40 * 4 + 1], u[40], A[40][41] = {{0}};
        assert_true(nnz <= 40 * 4);
        OK(hsec_compiled_links(rowp, from, NULL, NULL, nnz, c));
        OK(hsec_scenario_operator(w, NULL, NULL, s, NULL, 0, -1));
        /* M = I - A'^T, augmented with b */
        for (size_t i = 0; i < n; i++) {
            A[i][i] += 1;
            for (size_t e = rowp[i]; e < rowp[i + 1]; e++)
                A[from[e]][i] -= w[e];
        }
        for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
            for (int d = 0; d < 7; d++)
                A[hsec_compiled_group_node(c, g) + (size_t)d][n] =
                    hsec_compiled_group_size(c, g) *
                    hsec_compiled_group_weight(c, g, (hsec_dimension)d);
        ref_gauss_jordan(&A[0][0], (int)n, 41);
        OK(hsec_scenario_rank(u, n, s));
        double big = 0;
        for (size_t i = 0; i < n; i++)
            big = fabs(A[i][n] / A[i][i]) > big ? fabs(A[i][n] / A[i][i]) : big;
        assert_true(big > 0);
        for (size_t i = 0; i < n; i++)
            NEAR(u[i], A[i][n] / A[i][i], 1e-10 * big);
        hsec_scenario_free(s);
    }
}

/* A spectral radius near 1 (a cycle of 200 services at 0.9999): the
 * solution is thousands of times its right-hand side, and the adjoint's
 * sweeps must still settle (a sweep that keeps its sums as it goes, rather
 * than summing each row afresh, moved by its own rounding forever here).
 * Apart: the cycle's services in two regions, 8,400 filler nodes between
 * and around them. */
static void near_radius_one(bool apart)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "a", NULL));
    OK(hsec_model_add_region(m, "b", NULL));
    OK(hsec_model_add_group(m, "g", "a", 1000));
    char x[24], y[24];
    for (int i = 0; i < 200; i++) {
        snprintf(x, sizeof x, "s%d", i);
        OK(hsec_model_add_service(m, x, HSEC_SERVICE_WATER, !apart ? NULL : i < 100 ? "a" : "b"));
    }
    for (int i = 0; apart && i < 1200; i++) { /* groups that fill both regions */
        snprintf(x, sizeof x, "f%d", i);
        OK(hsec_model_add_group(m, x, i < 600 ? "a" : "b", 10));
    }
    for (int i = 0; i < 200; i++) {
        int j = (i + 1) % 200, k = (i * 7 + 50) % 200;
        snprintf(x, sizeof x, "s%d", i);
        snprintf(y, sizeof y, "s%d", j);
        OK(hsec_model_add_link(m, x, y, 0.9999, 0));
        if (k != i && k != j) {
            snprintf(y, sizeof y, "s%d", k);
            OK(hsec_model_add_link(m, x, y, 0.00005, 0));
        }
    }
    OK(hsec_model_add_link(m, "s0", "g.health", 0.5, 0));
    OK(hsec_model_add_link(m, "g.health", "s5", 0.00005, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c);
    assert_true(apart ? n > 8000 : n < 300);
    double *u = calloc(n, sizeof *u);
    assert_non_null(u);
    if (hsec_scenario_rank(u, n, s))
        fail_msg("rank: %s", hsec_scenario_errmsg(s));
    for (size_t i = 0; i < n; i++)
        assert_true(isfinite(u[i]) && u[i] >= 0);
    size_t s0 = n, s199 = n;
    OK(hsec_compiled_find_node(&s0, c, "s0"));
    OK(hsec_compiled_find_node(&s199, c, "s199"));
    assert_true(s0 < n && s199 < n);
    assert_true(u[s0] > 1000); /* thousands of times the group's weight */
    NEAR(u[s199] / u[s0], 1, 1e-3); /* s199 feeds s0 at 0.9999 */
    free(u);
    hsec_scenario_free(s);
}

static void test_rank_near_radius_one(void **state)
{
    (void)state;
    near_radius_one(false);
    near_radius_one(true);
}

static void test_coupling_by_hand(void **state)
{
    (void)state;
    hsec_model *m = services("a b c");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    OK(hsec_model_add_link(m, "b", "c", 0.4, 0));
    OK(hsec_model_add_link(m, "c", "a", 0.2, 0));
    OK(hsec_model_add_link(m, "b", "b", 0.3, 0));
    hsec_scenario *s = scenario_of(m);
    double dep[3], inf[3], odep[3], oinf[3];
    OK(hsec_scenario_coupling(dep, inf, odep, oinf, 3, s));
    NEAR(dep[0], 0.1, 1e-15);
    NEAR(dep[1], 0.25, 1e-15); /* the self-link is not counted */
    NEAR(dep[2], 0.2, 1e-15);
    NEAR(inf[0], 0.25, 1e-15);
    NEAR(inf[1], 0.2, 1e-15);
    NEAR(inf[2], 0.1, 1e-15);
    /* S = (I - A)^-1 by hand: A = [[0,0,.2],[.5,.3,0],[0,.4,0]] (row: to) */
    const double A[3][3] = {{0, 0, 0.2}, {0.5, 0.3, 0}, {0, 0.4, 0}};
    double M[3][6];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 6; j++)
            M[i][j] = j < 3 ? (i == j) - A[i][j] : (j - 3 == i);
    for (int col = 0; col < 3; col++) { /* Gauss-Jordan; the diagonal dominates */
        double p = M[col][col];
        for (int j = 0; j < 6; j++)
            M[col][j] /= p;
        for (int r = 0; r < 3; r++) {
            if (r == col)
                continue;
            double f = M[r][col];
            for (int j = 0; j < 6; j++)
                M[r][j] -= f * M[col][j];
        }
    }
    for (int i = 0; i < 3; i++) {
        double row = 0, colsum = 0;
        for (int j = 0; j < 3; j++) {
            row += M[i][3 + j];
            colsum += M[j][3 + i];
        }
        NEAR(odep[i], (row - 1) / 2, 1e-12);
        NEAR(oinf[i], (colsum - 1) / 2, 1e-12);
    }
    double x;
    OK(hsec_scenario_interdependency(&x, s, 1, 0, 1));
    NEAR(x, 0.5, 1e-15);
    OK(hsec_scenario_interdependency(&x, s, 2, 0, 2));
    NEAR(x, 0.2, 1e-15); /* c <- b <- a: 0.4 x 0.5 */
    OK(hsec_scenario_interdependency(&x, s, 0, 0, 3));
    NEAR(x, 0.04, 1e-15); /* a <- c <- b <- a */
    OK(hsec_scenario_interdependency(&x, s, 1, 0, 2));
    NEAR(x, 0.15, 1e-15); /* b <- b <- a: 0.3 x 0.5 */
    assert_int_equal(hsec_scenario_interdependency(&x, s, 3, 0, 1), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_interdependency(&x, s, 0, 0, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_coupling(dep, NULL, NULL, NULL, 2, s), HSEC_EINVAL);
    hsec_scenario_free(s);

    /* the overall indices and the ranking need rho < 1 */
    m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 1, 0));
    OK(hsec_model_add_link(m, "b", "a", 1, 0));
    s = scenario_of(m);
    OK(hsec_scenario_coupling(dep, inf, NULL, NULL, 2, s));
    NEAR(dep[0], 1, 0);
    assert_int_equal(hsec_scenario_coupling(NULL, NULL, odep, NULL, 2, s), HSEC_ENOCONV);
    HAS(hsec_scenario_errmsg(s), "spectral radius");
    assert_int_equal(hsec_scenario_rank(odep, 2, s), HSEC_ENOCONV);
    hsec_scenario_free(s);
}

/* Published fits of ordinal consequence scores to link weights. */
static void test_expert_mapping(void **state)
{
    (void)state;
    double a;
    OK(hsec_weight_from_scale(&a, 5, 5));
    NEAR(a, 0.008 * pow(5, 2.5693), 1e-15);
    assert_true(a > 0.49 && a < 0.51);
    OK(hsec_weight_from_scale(&a, 4, 4));
    NEAR(a, 0.01 * pow(4, 2.8219), 1e-15);
    OK(hsec_weight_from_scale(&a, 1, 5));
    NEAR(a, 0.008, 1e-15);
    OK(hsec_weight_from_scale(&a, 0, 4));
    NEAR(a, 0, 0);
    assert_int_equal(hsec_weight_from_scale(&a, 5.5, 5), HSEC_EINVAL);
    assert_int_equal(hsec_weight_from_scale(&a, 5, 4), HSEC_EINVAL);
    assert_int_equal(hsec_weight_from_scale(&a, 2, 3), HSEC_EINVAL);
    assert_int_equal(hsec_weight_from_scale(&a, NAN, 5), HSEC_EINVAL);
    assert_int_equal(hsec_weight_from_scale(&a, -1, 5), HSEC_EINVAL);
    OK(hsec_weight_from_score(&a, 2, 0.1, 2));
    NEAR(a, 0.4, 1e-15);
    assert_int_equal(hsec_weight_from_score(&a, 2, 1, 1), HSEC_EINVAL); /* 2 > 1 */
    assert_int_equal(hsec_weight_from_score(NULL, 2, 0.1, 1), HSEC_EINVAL);

    double k;
    OK(hsec_recovery_rate(&k, 10, 0.01, 0));
    NEAR(k, log(100) / 10, 1e-15);
    OK(hsec_recovery_rate(&k, 10, 0.01, 0.5));
    NEAR(k, log(100) / 5, 1e-15);
    OK(hsec_recovery_rate(&k, 1, 0.01, 0));
    NEAR(k, 1, 0); /* capped */
    OK(hsec_recovery_rate(&k, 10, 0.01, 1));
    NEAR(k, 1, 0);
    assert_int_equal(hsec_recovery_rate(&k, 0, 0.01, 0), HSEC_EINVAL);
    assert_int_equal(hsec_recovery_rate(&k, 10, 1, 0), HSEC_EINVAL);
    assert_int_equal(hsec_recovery_rate(&k, 10, 0.01, 1.5), HSEC_EINVAL);
    assert_int_equal(hsec_recovery_rate(&k, INFINITY, 0.01, 0), HSEC_EINVAL);
}

/* A scenario with nm random measures on a small dynamic model. */
static hsec_scenario *random_measures(unsigned *seed, int nm)
{
    static const char *const nodes[9] = {"g.economic", "g.food", "g.health", "g.personal",
                                         "g.community", "grid", "water", "clinic", "market"};
    hsec_model *m = one_group(100);
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "r"));
    OK(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "r"));
    OK(hsec_model_add_service(m, "market", HSEC_SERVICE_MARKET, "r"));
    OK(hsec_model_use_template(m, "services"));
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_add_link(m, "grid", "water", 0.6, 0));
    OK(hsec_model_add_link(m, "grid", "clinic", 0.4, 1));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.2));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "grid", 0.9));
    OK(hsec_scenario_add_threat_target(s, "t", "g.personal", 0.3));
    for (int i = 0; i < nm; i++) {
        char id[16];
        sprintf(id, "m%d", i);
        int e = (int)(urand(seed) * 4);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, (hsec_effect)e, HSEC_BY_NGO,
                                     e == HSEC_RECOVER ? 0.3 * urand(seed) : urand(seed)));
        if (e == HSEC_DECOUPLE)
            OK(hsec_scenario_add_measure_link(s, id, NULL, nodes[5 + (int)(urand(seed) * 4)]));
        else
            OK(hsec_scenario_add_measure_target(s, id, nodes[(int)(urand(seed) * 9)]));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_COST, (double)(1 + (int)(urand(seed) * 9))));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_START, (double)(int)(urand(seed) * 5)));
    }
    dynamic(s, 30);
    return s;
}

static double burden_with(hsec_scenario *s, const unsigned char *mask)
{
    hsec_result *r = NULL;
    OK(hsec_scenario_run_with(&r, s, mask, hsec_scenario_measure_count(s)));
    double b = burden_of(r, HSEC_BURDEN_PROPAGATED, 0);
    hsec_result_free(r);
    return b;
}

/* The exact search equals an exhaustive search written here; the greedy
 * one is feasible, reports what its choice really averts, and never beats
 * the exact one. */
static void test_optimize_vs_exhaustive(void **state)
{
    (void)state;
    unsigned seed = 2024;
    for (int trial = 0; trial < 12; trial++) {
        int nm = 3 + trial % 5;
        hsec_scenario *s = random_measures(&seed, nm);
        unsigned char none[8] = {0}, mask[8], chosen[8];
        double base = burden_with(s, none);
        const double budgets[3] = {0, 7, 20};
        for (int bi = 0; bi < 3; bi++) {
            double budget = budgets[bi], best = 0;
            for (unsigned set = 0; set < (1u << nm); set++) {
                double cost = 0;
                for (int k = 0; k < nm; k++) {
                    mask[k] = (unsigned char)(set >> k & 1);
                    if (mask[k])
                        cost += hsec_scenario_measure_cost(s, (size_t)k);
                }
                if (cost <= budget) {
                    double av = base - burden_with(s, mask);
                    best = av > best ? av : best;
                }
            }
            double av, cost;
            OK(hsec_scenario_optimize(chosen, &av, &cost, (size_t)nm, s, budget,
                                      HSEC_SEARCH_EXACT, NULL));
            NEAR(av, best, 1e-12);
            assert_true(cost <= budget);
            NEAR(base - burden_with(s, chosen), av, 1e-12);
            double gav, gcost;
            OK(hsec_scenario_optimize(chosen, &gav, &gcost, (size_t)nm, s, budget,
                                      HSEC_SEARCH_GREEDY, NULL));
            assert_true(gcost <= budget);
            assert_true(gav <= av * (1 + 1e-12) + 1e-12);
            NEAR(base - burden_with(s, chosen), gav, 1e-12);
            if (budget == 0)
                for (int k = 0; k < nm; k++) /* nothing is free */
                    assert_int_equal(chosen[k], 0);
        }
        hsec_scenario_free(s);
    }
}

/* One group of 700 persons with 0.5 on every dimension (static), and
 * three shields m0, m1, m2 on food, health and economic with fractions f
 * and costs `cost`: each averts 700 (1/7) 0.5 f = 50 f, independently. */
static hsec_scenario *three_shields(const double f[3], const double cost[3])
{
    hsec_scenario *s = scenario_of(one_group(700));
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "g", 0.5));
    const char *dims[3] = {"g.food", "g.health", "g.economic"};
    for (int i = 0; i < 3; i++) {
        char id[16];
        sprintf(id, "m%d", i);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, f[i]));
        OK(hsec_scenario_add_measure_target(s, id, dims[i]));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_COST, cost[i]));
    }
    return s;
}

/* Greedy by hand: per unit cost first, then while anything still fits. */
static void test_optimize_greedy_by_hand(void **state)
{
    (void)state;
    const double f[3] = {1.0, 0.6, 0.9}, cost[3] = {10, 3, 6};
    hsec_scenario *s = three_shields(f, cost);
    unsigned char chosen[3];
    double av, c;
    /* per cost: m1 10/unit, m2 7.5, m0 5: with 10, m1 then m2 (9), m0 no longer fits */
    OK(hsec_scenario_optimize(chosen, &av, &c, 3, s, 10, HSEC_SEARCH_GREEDY, NULL));
    assert_true(chosen[0] == 0 && chosen[1] == 1 && chosen[2] == 1);
    NEAR(c, 9, 0);
    NEAR(av, 50 * (0.6 + 0.9), 1e-12);
    /* the exact search agrees: m1 + m2 (75) beats m0 alone (50) */
    OK(hsec_scenario_optimize(chosen, &av, &c, 3, s, 10, HSEC_SEARCH_EXACT, NULL));
    assert_true(chosen[0] == 0 && chosen[1] == 1 && chosen[2] == 1);
    NEAR(av, 75, 1e-12);
    NEAR(c, 9, 0);
    /* candidates restrict the choice */
    const unsigned char only0[3] = {1, 0, 0};
    OK(hsec_scenario_optimize(chosen, &av, &c, 3, s, 10, HSEC_SEARCH_GREEDY, only0));
    assert_true(chosen[0] == 1 && chosen[1] == 0 && chosen[2] == 0);
    NEAR(av, 50, 1e-12);
    /* bad input: nothing half-done */
    memset(chosen, 7, 3);
    assert_int_equal(hsec_scenario_optimize(chosen, &av, &c, 3, s, -1, HSEC_SEARCH_GREEDY, NULL),
                     HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "budget -1 is not a number >= 0");
    assert_int_equal(hsec_scenario_optimize(chosen, &av, &c, 3, s, NAN, HSEC_SEARCH_EXACT, NULL),
                     HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "budget nan");
    assert_int_equal(hsec_scenario_optimize(chosen, &av, &c, 2, s, 1, HSEC_SEARCH_EXACT, NULL),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_optimize(chosen, &av, &c, 3, s, 1, (hsec_search)5, NULL),
                     HSEC_EINVAL);
    assert_true(chosen[0] == 7 && chosen[1] == 7 && chosen[2] == 7);
    hsec_scenario_free(s);
}

/*
 * Greedy by ratio beaten by the exact search: shields on single
 * dimensions of one group (700 persons, 0.5 on every dimension, static)
 * avert 700 (1/7) 0.5 f = 50 f each, independently. m0 averts 50 for 10,
 * m1 30 for 5, m2 5 for 6; budget 10. Greedy takes m1 (6 per unit), after
 * which neither m0 (15) nor m2 (11) fits: 30. The exact search takes m0
 * alone: 50. Both checked against runs of every subset.
 */
static void test_optimize_exact_beats_greedy(void **state)
{
    (void)state;
    const double f[3] = {1.0, 0.6, 0.1}, cost[3] = {10, 5, 6};
    hsec_scenario *s = three_shields(f, cost);
    const unsigned char none[3] = {0, 0, 0};
    double base = burden_with(s, none);
    NEAR(base, 700 * 0.5, 1e-12);
    double best = -1;
    unsigned best_set = 0;
    for (unsigned set = 0; set < 8; set++) { /* every subset, by runs */
        unsigned char mask[3];
        double c = 0, hand = 0;
        for (int k = 0; k < 3; k++) {
            mask[k] = (unsigned char)(set >> k & 1);
            c += mask[k] ? cost[k] : 0;
            hand += mask[k] ? 50 * f[k] : 0;
        }
        double av = base - burden_with(s, mask);
        NEAR(av, hand, 1e-12);
        if (c <= 10 && av > best) {
            best = av;
            best_set = set;
        }
    }
    assert_int_equal(best_set, 1); /* m0 alone */
    unsigned char chosen[3];
    double av, c;
    OK(hsec_scenario_optimize(chosen, &av, &c, 3, s, 10, HSEC_SEARCH_GREEDY, NULL));
    assert_true(chosen[0] == 0 && chosen[1] == 1 && chosen[2] == 0);
    NEAR(av, 30, 1e-12);
    NEAR(c, 5, 0);
    OK(hsec_scenario_optimize(chosen, &av, &c, 3, s, 10, HSEC_SEARCH_EXACT, NULL));
    assert_true(chosen[0] == 1 && chosen[1] == 0 && chosen[2] == 0);
    NEAR(av, best, 1e-12);
    NEAR(av, 50, 1e-12);
    NEAR(c, 10, 0);
    hsec_scenario_free(s);
}

/* Index of a region by id. */
static size_t region_of(const hsec_compiled *c, const char *id)
{
    for (size_t k = 0; k < hsec_compiled_region_count(c); k++)
        if (!strcmp(hsec_compiled_region_id(c, k), id))
            return k;
    fail_msg("no region %s", id);
    return 0;
}

/*
 * Several groups in a region tree three levels deep (country: east, west
 * and a group of its own; hills inside east; south apart): the burden by
 * group adds up to the propagated burden; a region counts its own groups
 * and every region below it (doc/model.md §5, revised 2026-12), so a parent
 * equals its children plus its own groups, and the regions without a
 * parent add up to the propagated burden; static groups' burden is N_g H_g
 * (no baseline). Static and dynamic, every compared run, and every member
 * of an ensemble.
 */
static void check_regions(const double *G, const double *R, double prop, size_t rc_, size_t re,
                          size_t rh, size_t rw, size_t rs)
{
    NEAR(R[rh], G[1], 1e-12);
    NEAR(R[re], G[0] + R[rh], 1e-12);
    NEAR(R[re], G[0] + G[1], 1e-12);
    NEAR(R[rw], G[2], 1e-12);
    NEAR(R[rc_], G[3] + R[re] + R[rw], 1e-12);
    NEAR(R[rs], G[4], 1e-12);
    NEAR(R[rc_] + R[rs], prop, 1e-12);
    assert_true(R[rc_] > R[re] && R[re] > R[rh]); /* every group has some burden */
}

static void test_group_and_region_sums(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "east", "country"));
    OK(hsec_model_add_region(m, "hills", "east"));
    OK(hsec_model_add_region(m, "country", NULL));
    OK(hsec_model_add_region(m, "west", "country"));
    OK(hsec_model_add_region(m, "south", NULL));
    static const char *const gid[5] = {"e1", "e2", "w", "c", "s"};
    static const char *const greg[5] = {"east", "hills", "west", "country", "south"};
    static const double gsize[5] = {500, 300, 800, 200, 400};
    for (int g = 0; g < 5; g++)
        OK(hsec_model_add_group(m, gid[g], greg[g], gsize[g]));
    OK(hsec_model_set(m, "w", HSEC_PARAM_RECOVERY, 0.3));
    OK(hsec_model_set(m, "e1.food", HSEC_PARAM_WEIGHT, 4));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "east"));
    OK(hsec_model_add_link(m, "grid", "clinic", 0.5, 1));
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_use_template(m, "services"));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "strike", "grid", 0.7));
    OK(hsec_scenario_add_threat(s, "raid", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_add_threat_target(s, "raid", "e1.food", 0.4));
    OK(hsec_scenario_add_threat_target(s, "raid", "s.personal", 0.3));
    OK(hsec_scenario_add_measure(s, "guard", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.5));
    OK(hsec_scenario_add_measure_target(s, "guard", "grid"));
    OK(hsec_scenario_add_package(s, "p"));
    OK(hsec_scenario_package_add(s, "p", "guard"));
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t nreg = hsec_compiled_region_count(c);
    assert_int_equal(nreg, 5);
    size_t rc_ = region_of(c, "country"), re = region_of(c, "east"), rh = region_of(c, "hills"),
           rw = region_of(c, "west"), rs = region_of(c, "south");
    for (int mode = 0; mode < 2; mode++) {
        if (mode)
            dynamic(s, 30);
        hsec_result *res[2];
        OK(hsec_scenario_compare(res, 2, s));
        for (int k = 0; k < 2; k++) {
            hsec_result *r = res[k];
            double prop = burden_of(r, HSEC_BURDEN_PROPAGATED, 0), sum = 0, G[5], R[5];
            assert_true(prop > 0);
            for (size_t g = 0; g < 5; g++) {
                G[g] = burden_of(r, HSEC_BURDEN_GROUP, g);
                assert_true(G[g] > 0);
                sum += G[g];
                if (!mode) {
                    double H;
                    OK(hsec_result_group(NULL, &H, NULL, 0, r, g, HSEC_AT_LAST));
                    NEAR(G[g], gsize[g] * H, 1e-12);
                }
            }
            NEAR(sum, prop, 1e-12);
            for (size_t k2 = 0; k2 < nreg; k2++)
                R[k2] = burden_of(r, HSEC_BURDEN_REGION, k2);
            check_regions(G, R, prop, rc_, re, rh, rw, rs);
            hsec_result_free(r);
        }
    }
    /* an ensemble's members, with drawn weights and rates */
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 0.5, 1, 1.5));
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 4));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 1));
    hsec_ensemble *e = NULL;
    OK(hsec_scenario_ensemble(&e, s, NULL, 0));
    double G[5][4], R[5][4], P[4];
    OK(hsec_ensemble_values(P, 4, e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0));
    for (size_t g = 0; g < 5; g++)
        OK(hsec_ensemble_values(G[g], 4, e, HSEC_QTY_BURDEN, HSEC_BURDEN_GROUP, g));
    for (size_t k2 = 0; k2 < nreg; k2++)
        OK(hsec_ensemble_values(R[k2], 4, e, HSEC_QTY_BURDEN, HSEC_BURDEN_REGION, k2));
    for (int mb = 0; mb < 4; mb++) {
        double g5[5], r5[5];
        for (int k2 = 0; k2 < 5; k2++) {
            g5[k2] = G[k2][mb];
            r5[k2] = R[k2][mb];
        }
        check_regions(g5, r5, P[mb], rc_, re, rh, rw, rs);
    }
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
}

static void test_optimize_exact_limit(void **state)
{
    (void)state;
    hsec_model *m = one_group(1);
    hsec_scenario *s = scenario_of(m);
    for (int i = 0; i < 25; i++) {
        char id[16];
        sprintf(id, "m%d", i);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.1));
    }
    unsigned char chosen[25];
    assert_int_equal(hsec_scenario_optimize(chosen, NULL, NULL, 25, s, 1, HSEC_SEARCH_EXACT,
                                            NULL),
                     HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "25 candidates are too many");
    hsec_scenario_free(s);
}

typedef struct counter {
    uint64_t calls, last_done, total, stop_after;
    int monotone;
} counter;

static int count_progress(void *user, uint64_t done, uint64_t total)
{
    counter *c = user;
    if (c->calls && done < c->last_done)
        c->monotone = 0;
    c->calls++;
    c->last_done = done;
    c->total = total;
    return c->stop_after && c->calls >= c->stop_after;
}

static void test_progress_and_cancel(void **state)
{
    (void)state;
    unsigned seed = 5;
    hsec_scenario *s = random_measures(&seed, 4);
    counter c = {0, 0, 0, 0, 1};
    OK(hsec_scenario_set_progress(s, count_progress, &c));
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 500));
    hsec_result *r = run_ok(s);
    hsec_result_free(r);
    assert_true(c.calls >= 100 && c.monotone);
    assert_int_equal(c.total, 500);
    assert_int_equal(c.last_done, 500);
    /* cancel a run part way: no result */
    counter stop = {0, 0, 0, 3, 1};
    OK(hsec_scenario_set_progress(s, count_progress, &stop));
    r = (hsec_result *)1;
    assert_int_equal(hsec_scenario_run(&r, s), HSEC_ECANCELED);
    assert_null(r);
    HAS(hsec_scenario_errmsg(s), "canceled");
    /* cancel an optimisation: chosen untouched */
    unsigned char chosen[4] = {9, 9, 9, 9};
    stop.calls = 0;
    assert_int_equal(hsec_scenario_optimize(chosen, NULL, NULL, 4, s, 100, HSEC_SEARCH_EXACT,
                                            NULL),
                     HSEC_ECANCELED);
    assert_true(chosen[0] == 9 && chosen[3] == 9);
    assert_string_equal(hsec_strerror(HSEC_ECANCELED), "canceled");
    /* an optimisation reports its total from the first call and ends at it */
    counter full = {0, 0, 0, 0, 1};
    OK(hsec_scenario_set_progress(s, count_progress, &full));
    OK(hsec_scenario_optimize(chosen, NULL, NULL, 4, s, 100, HSEC_SEARCH_GREEDY, NULL));
    assert_int_equal(full.total, 1 + 4 * 5 / 2);
    assert_int_equal(full.last_done, full.total);
    assert_true(full.monotone);
    OK(hsec_scenario_set_progress(s, NULL, NULL));
    r = run_ok(s);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages),
        cmocka_unit_test(test_compare_is_runs_with_masks),
        cmocka_unit_test(test_superposition),
        cmocka_unit_test(test_rank_finite_differences),
        cmocka_unit_test(test_rank_near_radius_one),
        cmocka_unit_test(test_rank_dense),
        cmocka_unit_test(test_coupling_by_hand),
        cmocka_unit_test(test_expert_mapping),
        cmocka_unit_test(test_optimize_vs_exhaustive),
        cmocka_unit_test(test_optimize_greedy_by_hand),
        cmocka_unit_test(test_optimize_exact_beats_greedy),
        cmocka_unit_test(test_group_and_region_sums),
        cmocka_unit_test(test_optimize_exact_limit),
        cmocka_unit_test(test_progress_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
