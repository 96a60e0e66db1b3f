/* Ensembles: the same on any thread count, draws from the triangular
 * distribution, quantiles by interpolation, and every bad input. */
#include "util.h"

#include <stdlib.h>

/* a -> b -> g.health; a threat on a; linear static unless told. */
static hsec_scenario *small(void)
{
    hsec_model *m = one_group(1000);
    OK(hsec_model_add_service(m, "a", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_add_service(m, "b", HSEC_SERVICE_WATER, "r"));
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    OK(hsec_model_add_link(m, "b", "g.health", 0.4, 1));
    OK(hsec_model_add_link(m, "g.health", "g.economic", 0.3, 0));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.3));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    OK(hsec_scenario_record(s, "b"));
    return s;
}

/* An ensemble of `members` on `threads` threads, all measures in force. */
static int ensemble(hsec_ensemble **e, hsec_scenario *s, double members, double threads)
{
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, members));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, threads));
    return hsec_scenario_ensemble(e, s, NULL, 0);
}

static double *values(const hsec_ensemble *e, hsec_quantity what, size_t index, size_t sub)
{
    size_t n = (size_t)hsec_ensemble_members(e);
    double *v = malloc(n * sizeof *v);
    assert_non_null(v);
    OK(hsec_ensemble_values(v, n, e, what, index, sub));
    return v;
}

static void test_thread_count_does_not_matter(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    dynamic(s, 40);
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_MAGNITUDES, 0.2, 0.8, 1));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 0.5, 1, 2));
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 42));
    const unsigned threads[3] = {1, 2, 8};
    double *ref[3] = {NULL, NULL, NULL};
    for (int t = 0; t < 3; t++) {
        hsec_ensemble *e = NULL;
        OK(ensemble(&e, s, 97, threads[t]));
        assert_int_equal(hsec_ensemble_members(e), 97);
        double *v[3] = {values(e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0),
                        values(e, HSEC_QTY_GROUP_PEAK, 0, 0),
                        values(e, HSEC_QTY_RECORDED, hsec_compiled_node_count(hsec_scenario_compiled(s)) - 1, 0)};
        if (t == 0) {
            for (int k = 0; k < 3; k++)
                ref[k] = v[k];
            /* the members differ from one another */
            assert_true(v[0][0] != v[0][1]);
        } else {
            for (int k = 0; k < 3; k++) {
                assert_memory_equal(v[k], ref[k], 97 * sizeof(double));
                free(v[k]);
            }
        }
        hsec_ensemble_free(e);
    }
    /* another seed, other draws; the same seed, the same draws */
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 43));
    hsec_ensemble *e = NULL;
    OK(ensemble(&e, s, 97, 2));
    double *v = values(e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0);
    assert_true(memcmp(v, ref[0], 97 * sizeof(double)) != 0);
    free(v);
    hsec_ensemble_free(e);
    for (int k = 0; k < 3; k++)
        free(ref[k]);
    hsec_scenario_free(s);
}

/* Without uncertainty every member is the plain run. */
static void test_fixed_members_equal_run(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    hsec_result *r = run_ok(s);
    hsec_ensemble *e = NULL;
    OK(ensemble(&e, s, 5, 3));
    double *v = values(e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0);
    for (int m = 0; m < 5; m++)
        assert_true(v[m] == burden_of(r, HSEC_BURDEN_PROPAGATED, 0));
    free(v);
    double x;
    OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_RECORDED, node_of(s, "b"), 0, 0.5));
    assert_true(x == q_of(r, s, "b"));
    hsec_ensemble_free(e);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* The triangular inverse distribution function, for the check. */
static double tri_quantile(double lo, double mo, double hi, double u)
{
    double span = hi - lo;
    if (u < (mo - lo) / span)
        return lo + sqrt(u * span * (mo - lo));
    return hi - sqrt((1 - u) * span * (hi - mo));
}

/* Linear static: the burden is proportional to the magnitude, so the
 * ensemble's quantiles of burden / plain burden are the triangular
 * distribution's (20,000 members: within 0.01). */
static void test_triangular_draws(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    hsec_result *r = run_ok(s);
    double plain = burden_of(r, HSEC_BURDEN_PROPAGATED, 0);
    hsec_result_free(r);
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_MAGNITUDES, 0.4, 0.7, 1.6));
    hsec_ensemble *e = NULL;
    OK(ensemble(&e, s, 20000, 2));
    const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int i = 0; i < 5; i++) {
        double x;
        OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0, qs[i]));
        NEAR(x / plain, tri_quantile(0.4, 0.7, 1.6, qs[i]), 0.01);
    }
    double *v = values(e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0), mean = 0, lo = 1e300,
           hi = 0;
    for (int m = 0; m < 20000; m++) {
        mean += v[m] / plain / 20000;
        lo = v[m] < lo ? v[m] : lo;
        hi = v[m] > hi ? v[m] : hi;
    }
    NEAR(mean, (0.4 + 0.7 + 1.6) / 3, 0.005);
    assert_true(lo / plain >= 0.4 && hi / plain <= 1.6 / 0.5 * 0.5 + 1e-12);
    free(v);
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile of n values by the definition alone: sorted, h = (n - 1) q,
 * linear between the order statistics around h. */
static double own_quantile(const double *v, size_t n, double q)
{
    double *w = malloc(n * sizeof *w);
    assert_non_null(w);
    memcpy(w, v, n * sizeof *w);
    qsort(w, n, sizeof *w, by_value);
    double h = (double)(n - 1) * q, lo = floor(h);
    size_t k = (size_t)lo;
    double x = k + 1 < n ? w[k] + (h - lo) * (w[k + 1] - w[k]) : w[k];
    free(w);
    return x;
}

/* Every quantity's quantiles, on a grid of q and odd, even and single
 * member counts, against the members' own values sorted here. */
static void test_quantiles_from_values(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    dynamic(s, 25);
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.2, 0.9, 1.3));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_MAGNITUDES, 0.5, 0.6, 1));
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    size_t b = node_of(s, "b");
    const struct { hsec_quantity what; size_t index, sub; } qty[] = {
        {HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0},     {HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0},
        {HSEC_QTY_BURDEN, HSEC_BURDEN_ORDER, 2},     {HSEC_QTY_BURDEN, HSEC_BURDEN_THREAT, 0},
        {HSEC_QTY_BURDEN, HSEC_BURDEN_BAND, 1},      {HSEC_QTY_GROUP_PEAK, 0, 0},
        {HSEC_QTY_GROUP_LAST, 0, 0},                 {HSEC_QTY_RECORDED, b, 0}};
    const double counts[3] = {1, 10, 37};
    for (int ci = 0; ci < 3; ci++) {
        hsec_ensemble *e = NULL;
        OK(ensemble(&e, s, counts[ci], 2));
        size_t n = (size_t)counts[ci];
        for (size_t k = 0; k < sizeof qty / sizeof *qty; k++) {
            double *v = values(e, qty[k].what, qty[k].index, qty[k].sub);
            for (int j = 0; j <= 200; j++) {
                double q = j / 200.0, x;
                OK(hsec_ensemble_quantile(&x, e, qty[k].what, qty[k].index, qty[k].sub, q));
                double want = own_quantile(v, n, q);
                if (!(fabs(x - want) <= 1e-14 * fabs(want)))
                    fail_msg("%zu members, quantity %zu, q = %g: %.17g, expected %.17g", n, k, q,
                             x, want);
            }
            if (n > 1) /* the members differ, so the check above could fail */
                assert_true(own_quantile(v, n, 0) < own_quantile(v, n, 1));
            free(v);
        }
        hsec_ensemble_free(e);
    }
    hsec_scenario_free(s);
}

/* Quantiles interpolate linearly between order statistics. */
static void test_quantile_interpolation(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0, 0.5, 1));
    hsec_ensemble *e = NULL;
    OK(ensemble(&e, s, 11, 1));
    double *v = values(e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0);
    for (int i = 1; i < 11; i++) /* sort by hand (insertion) */
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    double x;
    OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 0));
    assert_true(x == v[0]);
    OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 1));
    assert_true(x == v[10]);
    OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 0.5));
    assert_true(x == v[5]);
    OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 0.25)); /* h = 2.5 */
    NEAR(x, v[2] + 0.5 * (v[3] - v[2]), 1e-15);
    assert_int_equal(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 1.5),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "1.5"); /* an ensemble is read-only: the thread's message */
    assert_int_equal(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, NAN),
                     HSEC_EINVAL);
    assert_int_equal(hsec_ensemble_quantile(&x, e, HSEC_QTY_GROUP_PEAK, 1, 0, 0.5), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "1");
    assert_int_equal(hsec_ensemble_quantile(&x, e, HSEC_QTY_RECORDED, 0, 0, 0.5), HSEC_EINVAL);
    assert_int_equal(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_THREAT, 1, 0.5),
                     HSEC_EINVAL);
    assert_int_equal(hsec_ensemble_values(v, 10, e, HSEC_QTY_BURDEN, 0, 0), HSEC_EINVAL);
    free(v);
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
}

static int stop_at_3(void *user, uint64_t done, uint64_t total)
{
    (void)total;
    *(uint64_t *)user = done;
    return done >= 3;
}

static void test_bad_input_and_cancel(void **state)
{
    (void)state;
    hsec_scenario *s = small();
    hsec_ensemble *e = (hsec_ensemble *)1;
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 0), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "uncertainty.members: 0");
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 2.5), HSEC_EINVAL);
    double members = 0;
    OK(hsec_scenario_get_option(&members, s, HSEC_OPT_MEMBERS));
    assert_true(members == 100); /* unchanged: the default */
    /* a mask of the wrong length */
    const unsigned char mask1[1] = {1};
    assert_int_equal(hsec_scenario_ensemble(&e, s, mask1, 1), HSEC_EINVAL);
    assert_null(e);
    assert_int_equal(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 1.2, 1, 0.8),
                     HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "uncertainty.weights: the range (low 1.2, mode 1, high 0.8)");
    assert_int_equal(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, -1, 1, 2),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 0, 1, INFINITY),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_uncertainty(s, (hsec_uncertain)3, 1, 1, 1), HSEC_EINVAL);
    const double bad[2] = {0.5, 1.5};
    assert_int_equal(hsec_scenario_set_quantiles(s, bad, 2), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "uncertainty.quantiles[1]: 1.5 is not in [0,1]");
    assert_int_equal(hsec_scenario_set_quantiles(s, bad, 0), HSEC_EINVAL);
    size_t nq;
    const double *qs = hsec_scenario_quantiles(s, &nq);
    assert_int_equal(nq, 3); /* unchanged */
    NEAR(qs[2], 0.95, 0);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 300), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 0), HSEC_EINVAL);
    /* cancel from the progress callback: no ensemble */
    uint64_t seen = 0;
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5));
    OK(hsec_scenario_set_progress(s, stop_at_3, &seen));
    assert_int_equal(ensemble(&e, s, 1000, 2), HSEC_ECANCELED);
    assert_null(e);
    assert_true(seen >= 3 && seen < 1000);
    OK(hsec_scenario_set_progress(s, NULL, NULL));
    /* a member that cannot converge fails the ensemble, naming it */
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 1, 1, 1));
    hsec_scenario_free(s);
    hsec_model *m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.9, 0));
    OK(hsec_model_add_link(m, "b", "a", 0.9, 0));
    s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 1.2, 1.2, 1.2)); /* 1.08 -> 1 */
    assert_int_equal(ensemble(&e, s, 8, 4), HSEC_ENOCONV);
    HAS(hsec_scenario_errmsg(s), "ensemble member 0: linear mode");
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thread_count_does_not_matter),
        cmocka_unit_test(test_fixed_members_equal_run),
        cmocka_unit_test(test_triangular_draws),
        cmocka_unit_test(test_quantile_interpolation),
        cmocka_unit_test(test_quantiles_from_values),
        cmocka_unit_test(test_bad_input_and_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
