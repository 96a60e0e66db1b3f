/* Each measure effect, their combination, ramps and timing at their edges,
 * on models small enough to compute by hand (doc/model.md §2). */
#include "util.h"

/* a -> b with weight 0.6; a threat of magnitude 0.8 on a; k = 1. */
static hsec_scenario *chain(void)
{
    hsec_model *m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.6, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.8));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    return s;
}

static void static_ab(hsec_scenario *s, double qa, double qb)
{
    hsec_result *r = run_ok(s);
    NEAR(q_of(r, s, "a"), qa, 1e-15);
    NEAR(q_of(r, s, "b"), qb, 1e-15);
    hsec_result_free(r);
}

static void test_no_measure(void **state)
{
    (void)state;
    hsec_scenario *s = chain();
    static_ab(s, 0.8, 0.48);
    hsec_scenario_free(s);
}

static void test_shield(void **state)
{
    (void)state;
    hsec_scenario *s = chain();
    OK(hsec_scenario_add_measure(s, "air_defence", HSEC_PROTECTION, HSEC_SHIELD,
                                 HSEC_BY_MILITARY, 0.5));
    OK(hsec_scenario_add_measure_target(s, "air_defence", "a"));
    static_ab(s, 0.4, 0.24);
    /* two shields combine as 1 - (1 - 0.5)(1 - 0.5) = 0.75 */
    OK(hsec_scenario_add_measure(s, "hardening", HSEC_PROTECTION, HSEC_SHIELD,
                                 HSEC_BY_PRIVATE_SECTOR, 0.5));
    OK(hsec_scenario_add_measure_target(s, "hardening", "a"));
    static_ab(s, 0.2, 0.12);
    hsec_scenario_free(s);
}

static void test_decouple(void **state)
{
    (void)state;
    hsec_scenario *s = chain();
    OK(hsec_scenario_add_measure(s, "generators", HSEC_PROTECTION, HSEC_DECOUPLE,
                                 HSEC_BY_MILITARY, 0.5));
    OK(hsec_scenario_add_measure_link(s, "generators", "a", "b"));
    static_ab(s, 0.8, 0.24);
    /* every link into b, by a second measure: (1 - 0.5)(1 - 0.25) */
    OK(hsec_scenario_add_measure(s, "cisterns", HSEC_EMPOWERMENT, HSEC_DECOUPLE,
                                 HSEC_BY_COMMUNITY, 0.25));
    OK(hsec_scenario_add_measure_link(s, "cisterns", NULL, "b"));
    static_ab(s, 0.8, 0.8 * 0.6 * 0.5 * 0.75);
    hsec_scenario_free(s);
}

static void test_reduce_vulnerability(void **state)
{
    (void)state;
    hsec_model *m = one_group(100);
    OK(hsec_model_set(m, "g", HSEC_PARAM_VULNERABILITY, 2));
    OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "r"));
    OK(hsec_model_add_link(m, "water", "g.health", 0.3, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "water", 0.5));
    OK(hsec_scenario_add_threat_target(s, "t", "g.food", 0.1));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = run_ok(s);
    NEAR(q_of(r, s, "g.health"), 2 * 0.3 * 0.5, 1e-15);
    NEAR(q_of(r, s, "g.food"), 2 * 0.1, 1e-15); /* v scales the threat too */
    hsec_result_free(r);
    OK(hsec_scenario_add_measure(s, "community_care", HSEC_EMPOWERMENT,
                                 HSEC_REDUCE_VULNERABILITY, HSEC_BY_COMMUNITY, 0.25));
    OK(hsec_scenario_add_measure_target(s, "community_care", "g")); /* all 7 nodes */
    OK(hsec_scenario_add_measure_target(s, "community_care", "r")); /* again: counts once */
    r = run_ok(s);
    NEAR(q_of(r, s, "g.health"), 1.5 * 0.3 * (0.5 * 0.75), 1e-15); /* water is in r too */
    NEAR(q_of(r, s, "g.food"), 1.5 * 0.1, 1e-15);
    NEAR(q_of(r, s, "water"), 0.5 * 0.75, 1e-15); /* the region reaches the service */
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/*
 * A recover measure raises the recovery rate, used while the node falls,
 * and never the onset rate, used while it rises (doc/model.md §2): a hit
 * of 1 on a (k = 0.2) for two steps, then nothing.
 *   rising, at the onset rate 0.2 with or without the measure:
 *     q(1) = 0.2, q(2) = 0.2 + 0.2 (1 - 0.2) = 0.36
 *   falling, at k = 0.2 + 0.3 = 0.5: q(3) = 0.36 (1 - 0.5) = 0.18,
 *     q(4) = 0.09 (without the measure: 0.36 * 0.8 = 0.288, 0.2304)
 */
static void test_recover(void **state)
{
    (void)state;
    hsec_model *m = services("a");
    OK(hsec_model_set(m, "a", HSEC_PARAM_RECOVERY, 0.2));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, 2));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 1));
    OK(hsec_scenario_add_measure(s, "repair", HSEC_PROTECTION, HSEC_RECOVER,
                                 HSEC_BY_HOST_GOVERNMENT, 0.3));
    OK(hsec_scenario_add_measure_target(s, "repair", "a"));
    dynamic(s, 4);
    OK(hsec_scenario_record(s, "a"));
    hsec_result *r = run_ok(s);
    const double *a;
    size_t len;
    OK(hsec_result_series(&a, &len, r, 0));
    NEAR(a[1], 0.2, 1e-15);
    NEAR(a[2], 0.36, 1e-15);
    NEAR(a[3], 0.18, 1e-15);
    NEAR(a[4], 0.09, 1e-15);
    hsec_result_free(r);
    unsigned char none = 0;
    OK(hsec_scenario_run_with(&r, s, &none, 1));
    OK(hsec_result_series(&a, &len, r, 0));
    NEAR(a[2], 0.36, 1e-15);
    NEAR(a[3], 0.288, 1e-15);
    NEAR(a[4], 0.2304, 1e-15);
    hsec_result_free(r);
    /* k is capped at 1: a falls to 0 in one step; its rise is unchanged */
    OK(hsec_scenario_add_measure(s, "more", HSEC_EMPOWERMENT, HSEC_RECOVER,
                                 HSEC_BY_COMMUNITY, 0.9));
    OK(hsec_scenario_add_measure_target(s, "more", "a"));
    r = run_ok(s);
    OK(hsec_result_series(&a, &len, r, 0));
    NEAR(a[1], 0.2, 1e-15);
    NEAR(a[2], 0.36, 1e-15);
    NEAR(a[3], 0, 0);
    hsec_result_free(r);
    double k = 0, ko = 0;
    OK(hsec_scenario_operator(NULL, NULL, &k, s, NULL, 0, 3));
    OK(hsec_scenario_onset_rates(&ko, 1, s));
    NEAR(k, 1, 0);
    NEAR(ko, 0.2, 0);
    hsec_scenario_free(s);
}

/* With k = 1, q(t+1) = c(t): the series shows each step's strength. */
static void test_threat_timing_edges(void **state)
{
    (void)state;
    hsec_model *m = services("a");
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 3));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, 2));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_LIKELIHOOD, 0.5));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.8));
    dynamic(s, 8);
    OK(hsec_scenario_record(s, "a"));
    hsec_result *r = run_ok(s);
    const double *a;
    size_t len;
    OK(hsec_result_series(&a, &len, r, 0));
    const double want[9] = {0, 0, 0, 0, 0.4, 0.4, 0, 0, 0}; /* in force t = 3, 4 */
    for (int t = 0; t <= 8; t++)
        NEAR(a[t], want[t], 1e-15);
    hsec_result_free(r);
    /* static mode ignores timing: full strength */
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    r = run_ok(s);
    NEAR(hsec_result_q(r)[0], 0.4, 1e-15);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

static void test_measure_ramp_and_end(void **state)
{
    (void)state;
    hsec_model *m = services("a");
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 1));
    OK(hsec_scenario_add_measure(s, "shelter", HSEC_PROTECTION, HSEC_SHIELD,
                                 HSEC_BY_NGO, 0.8));
    OK(hsec_scenario_add_measure_target(s, "shelter", "a"));
    OK(hsec_scenario_set_measure(s, "shelter", HSEC_TIMING_START, 2));
    OK(hsec_scenario_set_measure(s, "shelter", HSEC_TIMING_RAMP, 4));
    OK(hsec_scenario_set_measure(s, "shelter", HSEC_TIMING_DURATION, 6));
    dynamic(s, 10);
    OK(hsec_scenario_record(s, "a"));
    hsec_result *r = run_ok(s);
    const double *a;
    size_t len;
    OK(hsec_result_series(&a, &len, r, 0));
    /* in force t = 2..7, ramp = min(1, (t - 2 + 1) / 4) */
    const double ramp[10] = {0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 0, 0};
    for (int t = 0; t < 10; t++)
        NEAR(a[t + 1], 1 - 0.8 * ramp[t], 1e-15);
    hsec_result_free(r);
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    r = run_ok(s);
    NEAR(hsec_result_q(r)[0], 0.2, 1e-15); /* static: full strength, no ramp */
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* All four effects on one node at once, composed as §2 says. */
static void test_combination(void **state)
{
    (void)state;
    hsec_model *m = one_group(1);
    OK(hsec_model_set(m, "g", HSEC_PARAM_VULNERABILITY, 1.6));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.1));
    OK(hsec_model_add_service(m, "s", HSEC_SERVICE_MARKET, "r"));
    OK(hsec_model_add_link(m, "s", "g.food", 0.5, 0));
    OK(hsec_model_set(m, "s", HSEC_PARAM_INITIAL, 0.4));
    OK(hsec_model_set(m, "s", HSEC_PARAM_RECOVERY, 0.5));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_add_threat_target(s, "t", "g.food", 0.3));
    const struct { const char *id; hsec_effect e; double f; } ms[] = {
        {"shield", HSEC_SHIELD, 0.5}, {"dec", HSEC_DECOUPLE, 0.4},
        {"rec", HSEC_RECOVER, 0.2},   {"red", HSEC_REDUCE_VULNERABILITY, 0.25}};
    for (int i = 0; i < 4; i++) {
        OK(hsec_scenario_add_measure(s, ms[i].id, HSEC_EMPOWERMENT, ms[i].e,
                                     HSEC_BY_COMMUNITY, ms[i].f));
        if (ms[i].e == HSEC_DECOUPLE)
            OK(hsec_scenario_add_measure_link(s, ms[i].id, "s", "g.food"));
        else
            OK(hsec_scenario_add_measure_target(s, ms[i].id, "g.food"));
    }
    dynamic(s, 1);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = run_ok(s);
    /* g.food rises from 0, so it moves at its onset rate, its own k = 0.1:
     * the recover measure's 0.2 counts only in the recovery rate 0.3 */
    double v = 1.6 * 0.75, k = 0.1, kr = 0.1 + 0.2;
    double a = v * 0.6 * 0.5, c = v * 0.5 * 0.3;
    double want = k * (a * 0.4 + c); /* q(1) = q(0) + k (A' q(0) + c - q(0)), q(0) = 0 */
    double rates[8], onsets[8];
    OK(hsec_scenario_operator(NULL, NULL, rates, s, NULL, 0, 0));
    OK(hsec_scenario_onset_rates(onsets, 8, s));
    NEAR(rates[node_of(s, "g.food")], kr, 1e-15);
    NEAR(onsets[node_of(s, "g.food")], k, 0);
    NEAR(q_of(r, s, "g.food"), want, 1e-15);
    const double *o = hsec_result_orders(r) + node_of(s, "g.food") * HSEC_ORDER_COUNT;
    NEAR(o[0], k * c, 1e-15);
    NEAR(o[1], k * a * 0.4, 1e-15);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_measure),
        cmocka_unit_test(test_shield),
        cmocka_unit_test(test_decouple),
        cmocka_unit_test(test_reduce_vulnerability),
        cmocka_unit_test(test_recover),
        cmocka_unit_test(test_threat_timing_edges),
        cmocka_unit_test(test_measure_ramp_and_end),
        cmocka_unit_test(test_combination),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
