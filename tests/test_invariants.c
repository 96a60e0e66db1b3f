/* What doc/model.md §4 guarantees whatever the scenario, checked on random
 * models (random_model.h): measures never raise a node's total; with one
 * rate per node they never raise its first-order part; recover measures
 * never speed harm; an onset equal to the node's own rate changes nothing. */
#include "util.h"
#include "ref.h"
#include "random_model.h"

/* Every node's series (steps + 1 values each, node-major) of a run with
 * the measures of mask (m_len bytes) in force; also its final orders and
 * its burden parts when asked. */
typedef struct run_out {
    double series[REF_MAXN][REF_MAXSTEPS + 1];
    double orders[REF_MAXN * HSEC_ORDER_COUNT];
    double first_burden;
} run_out;

static void run_series(run_out *out, hsec_scenario *s, const unsigned char *mask, size_t m_len,
                       int n, int steps)
{
    hsec_result *r = NULL;
    if (hsec_scenario_run_with(&r, s, mask, m_len))
        fail_msg("run: %s", hsec_scenario_errmsg(s));
    char a[64];
    for (int i = 0; i < n; i++) {
        const double *ser;
        size_t len, k = node_of(s, node_name(i, a));
        OK(hsec_result_series(&ser, &len, r, k));
        assert_int_equal(len, (size_t)steps + 1);
        memcpy(out->series[i], ser, len * sizeof *ser);
        memcpy(out->orders + (size_t)i * HSEC_ORDER_COUNT,
               hsec_result_orders(r) + k * HSEC_ORDER_COUNT, HSEC_ORDER_COUNT * sizeof(double));
    }
    out->first_burden = burden_of(r, HSEC_BURDEN_ORDER, 0);
    hsec_result_free(r);
}

/* a <= b up to the rounding of a step (a few ulps of numbers of order 1). */
#define NOT_ABOVE(a, b, what, ...)                                                    \
    do {                                                                              \
        double a_ = (a), b_ = (b);                                                    \
        if (!(a_ <= b_ + 1e-15 * (1 + fabs(b_))))                                     \
            fail_msg(what ": %.17g with the measure, %.17g without", __VA_ARGS__, a_, b_); \
    } while (0)

/*
 * No measure of any kind (shield, decouple, recover, reduce_vulnerability,
 * with timing and ramps) ever raises any node's total at any step, in
 * bounded and linear mode, with onset rates apart from the recovery rates:
 * each measure alone against no measure, and all of them against all but
 * that one.
 */
static void test_measures_never_raise_totals(void **state)
{
    (void)state;
    static run_out with, without;
    unsigned seed = 2026;
    char a[64];
    int compared = 0;
    for (int trial = 0; trial < 120; trial++) {
        ref_model M;
        bool bounded = trial % 2 == 0;
        random_model(&M, &seed, bounded ? 0.9 : 0.3, true, true, trial % 3 == 0);
        if (trial % 4 != 3)
            random_onsets(&M, &seed, 0.6);
        if (M.nm == 0)
            continue;
        int steps = 20 + (int)(urand(&seed) * 40);
        hsec_scenario *s = to_hsec(&M);
        dynamic(s, steps);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
        for (int i = 0; i < M.n; i++)
            OK(hsec_scenario_record(s, node_name(i, a)));
        size_t nm = (size_t)M.nm;
        for (size_t m = 0; m < nm; m++) {
            for (int rest = 0; rest < 2; rest++) { /* 0: m alone; 1: all against all but m */
                unsigned char on[REF_MAXM], off[REF_MAXM];
                for (size_t k = 0; k < nm; k++) {
                    on[k] = (unsigned char)(k == m || rest);
                    off[k] = (unsigned char)(k != m && rest);
                }
                run_series(&with, s, on, nm, M.n, steps);
                run_series(&without, s, off, nm, M.n, steps);
                for (int i = 0; i < M.n; i++)
                    for (int t = 0; t <= steps; t++)
                        NOT_ABOVE(with.series[i][t], without.series[i][t],
                                  "trial %d, measure %zu (effect %d), node %d, step %d", trial, m,
                                  M.m[m].effect, i, t);
                compared++;
            }
        }
        hsec_scenario_free(s);
    }
    assert_true(compared > 300);
}

/*
 * With ko = kr everywhere (no onset, no recover measure), no measure ever
 * raises a node's first-order part, at any step (runs of every horizon
 * 1 .. steps give each step's orders), nor the first-order burden, here
 * with baselines capping what is reported.
 */
static void test_one_rate_first_order_never_raised(void **state)
{
    (void)state;
    static run_out with, without;
    unsigned seed = 99;
    char a[64];
    int compared = 0;
    for (int trial = 0; trial < 40; trial++) {
        ref_model M;
        bool bounded = trial % 2 == 0;
        random_model(&M, &seed, bounded ? 0.9 : 0.3, true, true, trial % 3 == 0);
        random_baselines(&M, &seed);
        for (int k = 0; k < M.nm; k++) /* no recover measure: shield, decouple, reduce_v. */
            if (M.m[k].effect == HSEC_RECOVER)
                M.m[k].effect = (int)(urand(&seed) * 2) ? HSEC_REDUCE_VULNERABILITY : HSEC_SHIELD;
        if (M.nm == 0)
            continue;
        hsec_scenario *s = to_hsec(&M);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
        for (int i = 0; i < M.n; i++)
            OK(hsec_scenario_record(s, node_name(i, a)));
        size_t nm = (size_t)M.nm;
        int steps = 12 + trial % 9;
        for (int T = 1; T <= steps; T++) {
            dynamic(s, T);
            for (size_t m = 0; m < nm; m++) {
                unsigned char on[REF_MAXM] = {0}, off[REF_MAXM] = {0};
                on[m] = 1;
                run_series(&with, s, on, nm, M.n, T);
                run_series(&without, s, off, nm, M.n, T);
                for (int i = 0; i < M.n; i++)
                    NOT_ABOVE(with.orders[i * HSEC_ORDER_COUNT], without.orders[i * HSEC_ORDER_COUNT],
                              "trial %d, measure %zu (effect %d), node %d, step %d: order 1", trial,
                              m, M.m[m].effect, i, T);
                NOT_ABOVE(with.first_burden, without.first_burden,
                          "trial %d, measure %zu, horizon %d: first-order burden", trial, m, T);
                compared++;
            }
        }
        hsec_scenario_free(s);
    }
    assert_true(compared > 500);
}

/*
 * Recover measures never speed harm: under persistent threats from step 0
 * and no initial degradation every node only rises (or stays), so a
 * scenario whose measures all raise recovery rates (with timing and ramps)
 * runs exactly as without them, series and orders, bit for bit. A measure
 * that raised the onset rate too would show here.
 */
static void test_recover_never_speeds_harm(void **state)
{
    (void)state;
    static run_out with, without;
    unsigned seed = 555;
    char a[64];
    int compared = 0;
    for (int trial = 0; trial < 80; trial++) {
        ref_model M;
        bool bounded = trial % 2 == 0;
        random_model(&M, &seed, bounded ? 0.9 : 0.3, true, true, false);
        if (trial % 3)
            random_onsets(&M, &seed, 0.5);
        for (int h = 0; h < M.nt; h++) {
            M.t[h].start = 0;
            M.t[h].dur = -1;
        }
        if (M.nm == 0)
            continue;
        for (int k = 0; k < M.nm; k++) {
            M.m[k].effect = HSEC_RECOVER;
            M.m[k].f = 0.1 + 0.8 * urand(&seed);
        }
        int steps = 15 + (int)(urand(&seed) * 30);
        hsec_scenario *s = to_hsec(&M);
        dynamic(s, steps);
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
        for (int i = 0; i < M.n; i++)
            OK(hsec_scenario_record(s, node_name(i, a)));
        unsigned char all[REF_MAXM], none[REF_MAXM] = {0};
        memset(all, 1, sizeof all);
        run_series(&with, s, all, (size_t)M.nm, M.n, steps);
        run_series(&without, s, none, (size_t)M.nm, M.n, steps);
        for (int i = 0; i < M.n; i++) {
            for (int t = 1; t <= steps; t++) /* (a capped total may read 1 - 1 ulp) */
                if (with.series[i][t] < with.series[i][t - 1] - 1e-15)
                    fail_msg("trial %d: node %d falls at step %d", trial, i, t);
            if (memcmp(with.series[i], without.series[i], (size_t)(steps + 1) * sizeof(double)))
                fail_msg("trial %d: node %d rises differently under recover measures", trial, i);
        }
        if (memcmp(with.orders, without.orders, (size_t)M.n * HSEC_ORDER_COUNT * sizeof(double)))
            fail_msg("trial %d: orders differ under recover measures", trial);
        compared++;
        hsec_scenario_free(s);
    }
    assert_true(compared > 50);
}

/* Every figure of a run that an onset equal to the node's own rate must
 * leave unchanged, compared bit for bit. */
static void same_bits(const hsec_result *a, const hsec_result *b, const hsec_scenario *s)
{
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_result_node_count(a);
    assert_int_equal(hsec_result_node_count(b), n);
    assert_memory_equal(hsec_result_q(a), hsec_result_q(b), n * sizeof(double));
    assert_memory_equal(hsec_result_orders(a), hsec_result_orders(b),
                        n * HSEC_ORDER_COUNT * sizeof(double));
    size_t count = 0;
    const size_t *rec = hsec_scenario_recorded(s, &count);
    for (size_t k = 0; k < count && hsec_result_mode(a) == HSEC_MODE_DYNAMIC; k++) {
        const double *sa, *sb;
        size_t la, lb;
        OK(hsec_result_series(&sa, &la, a, rec[k]));
        OK(hsec_result_series(&sb, &lb, b, rec[k]));
        assert_int_equal(la, lb);
        assert_memory_equal(sa, sb, la * sizeof(double));
    }
    const struct { hsec_burden part; size_t count; } parts[] = {
        {HSEC_BURDEN_TOTAL, 1},
        {HSEC_BURDEN_BASELINE, 1},
        {HSEC_BURDEN_PROPAGATED, 1},
        {HSEC_BURDEN_BAND, hsec_result_mode(a) == HSEC_MODE_DYNAMIC ? HSEC_BAND_COUNT : 0},
        {HSEC_BURDEN_ORDER, HSEC_ORDER_COUNT},
        {HSEC_BURDEN_THREAT, hsec_result_threat_count(a)},
        {HSEC_BURDEN_ACTOR, HSEC_THREAT_ACTOR_COUNT},
        {HSEC_BURDEN_REGION, hsec_compiled_region_count(c)},
        {HSEC_BURDEN_INITIAL, 1},
        {HSEC_BURDEN_GROUP, hsec_compiled_group_count(c)},
    };
    for (size_t p = 0; p < sizeof parts / sizeof *parts; p++)
        for (size_t i = 0; i < parts[p].count; i++) {
            double x = burden_of(a, parts[p].part, i), y = burden_of(b, parts[p].part, i);
            if (memcmp(&x, &y, sizeof x))
                fail_msg("burden part %d [%zu]: %.17g and %.17g", (int)parts[p].part, i, x, y);
        }
}

/*
 * A scenario without onset is bitwise equal to the same scenario with
 * HSEC_PARAM_ONSET set to each node's own rate (before recover measures):
 * q, orders, series and every burden part, static and dynamic, bounded and
 * linear, with recover measures, lags and initial degradation.
 */
static void test_own_rate_onset_is_bitwise_neutral(void **state)
{
    (void)state;
    unsigned seed = 4711;
    char a[64];
    for (int trial = 0; trial < 60; trial++) {
        ref_model M;
        bool bounded = trial % 2 == 0;
        random_model(&M, &seed, bounded ? 0.9 : 0.3, true, true, trial % 3 == 0);
        ref_model O = M;
        for (int i = 0; i < O.n; i++) {
            O.okind[i] = REF_ONSET_RATE;
            O.ko[i] = O.k[i];
        }
        hsec_scenario *s[2] = {to_hsec(&M), to_hsec(&O)};
        int steps = 10 + (int)(urand(&seed) * 40);
        for (int mode = 0; mode < 2; mode++) {
            hsec_result *r[2];
            for (int k = 0; k < 2; k++) {
                OK(hsec_scenario_set_option(s[k], HSEC_OPT_BOUNDED, bounded));
                if (mode) {
                    dynamic(s[k], steps);
                    for (int i = 0; i < M.n; i++)
                        OK(hsec_scenario_record(s[k], node_name(i, a)));
                }
                r[k] = run_ok(s[k]);
            }
            same_bits(r[0], r[1], s[0]);
            hsec_result_free(r[0]);
            hsec_result_free(r[1]);
        }
        hsec_scenario_free(s[0]);
        hsec_scenario_free(s[1]);
    }
}

/* The same with recovery times: the own rate of a node given a recovery
 * time is that time converted (with its self-link weight), and an onset
 * rate equal to it, or an onset time equal to the recovery time, changes
 * nothing. */
static hsec_scenario *timed(int onset, double lambda)
{
    hsec_model *m = one_group(1000);
    OK(hsec_model_add_service(m, "plant", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_set(m, "plant", HSEC_PARAM_RECOVERY_TIME, 14));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY_TIME, 30));
    OK(hsec_model_set(m, "g.food", HSEC_PARAM_RECOVERY, 0.35));
    OK(hsec_model_add_link(m, "plant", "plant", 0.4, 0));
    OK(hsec_model_add_link(m, "plant", "g.economic", 0.7, 1));
    OK(hsec_model_add_link(m, "g.economic", "g.food", 0.5, 0));
    OK(hsec_model_add_link(m, "g.food", "g.health", 0.6, 2));
    double kp = 0, kg = 0;
    OK(hsec_recovery_rate(&kp, 14, lambda, 0.4));
    OK(hsec_recovery_rate(&kg, 30, lambda, 0));
    if (onset == 1) {
        OK(hsec_model_set(m, "plant", HSEC_PARAM_ONSET, kp));
        OK(hsec_model_set(m, "g", HSEC_PARAM_ONSET, kg));
        OK(hsec_model_set(m, "g.food", HSEC_PARAM_ONSET, 0.35));
    } else if (onset == 2) {
        OK(hsec_model_set(m, "plant", HSEC_PARAM_ONSET_TIME, 14));
        OK(hsec_model_set(m, "g", HSEC_PARAM_ONSET_TIME, 30));
        OK(hsec_model_set(m, "g.food", HSEC_PARAM_ONSET, 0.35));
    }
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_set_option(s, HSEC_OPT_RECOVERY_LAMBDA, lambda));
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, 12));
    OK(hsec_scenario_add_threat_target(s, "t", "plant", 0.8));
    OK(hsec_scenario_add_threat_target(s, "t", "g.personal", 0.5));
    OK(hsec_scenario_add_measure(s, "fix", HSEC_PROTECTION, HSEC_RECOVER, HSEC_BY_MILITARY, 0.2));
    OK(hsec_scenario_add_measure_target(s, "fix", "plant"));
    OK(hsec_scenario_set_measure(s, "fix", HSEC_TIMING_START, 5));
    OK(hsec_scenario_set_measure(s, "fix", HSEC_TIMING_RAMP, 3));
    dynamic(s, 60);
    OK(hsec_scenario_record(s, "r"));
    return s;
}

static void test_own_rate_onset_with_recovery_times(void **state)
{
    (void)state;
    for (int b = 0; b < 2; b++) {
        hsec_result *r[3];
        hsec_scenario *s[3];
        for (int k = 0; k < 3; k++) {
            s[k] = timed(k, 0.05);
            OK(hsec_scenario_set_option(s[k], HSEC_OPT_BOUNDED, b));
            r[k] = run_ok(s[k]);
        }
        double ko[8], kk[8];
        OK(hsec_scenario_onset_rates(ko, 8, s[0]));
        OK(hsec_scenario_operator(NULL, NULL, kk, s[0], NULL, 0, 0)); /* fix not yet in force */
        assert_memory_equal(ko, kk, sizeof ko);
        same_bits(r[0], r[1], s[0]);
        same_bits(r[0], r[2], s[0]);
        for (int k = 0; k < 3; k++) {
            hsec_result_free(r[k]);
            hsec_scenario_free(s[k]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measures_never_raise_totals),
        cmocka_unit_test(test_one_rate_first_order_never_raised),
        cmocka_unit_test(test_recover_never_speeds_harm),
        cmocka_unit_test(test_own_rate_onset_is_bitwise_neutral),
        cmocka_unit_test(test_own_rate_onset_with_recovery_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
