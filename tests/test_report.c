/* Group figures, phases and the burden on hand-computed cases (§5). */
#include "util.h"

#include <stdbool.h>

static void test_phases(void **state)
{
    (void)state;
    assert_int_equal(hsec_phase_of(0), HSEC_PHASE_MINIMAL);
    assert_int_equal(hsec_phase_of(0.19999999999999998), HSEC_PHASE_MINIMAL);
    assert_int_equal(hsec_phase_of(0.2), HSEC_PHASE_STRESSED);
    assert_int_equal(hsec_phase_of(0.4), HSEC_PHASE_CRISIS);
    assert_int_equal(hsec_phase_of(0.6), HSEC_PHASE_EMERGENCY);
    assert_int_equal(hsec_phase_of(0.79999999999999993), HSEC_PHASE_EMERGENCY);
    assert_int_equal(hsec_phase_of(0.8), HSEC_PHASE_CATASTROPHE);
    assert_int_equal(hsec_phase_of(1), HSEC_PHASE_CATASTROPHE);
    assert_int_equal(hsec_phase_of(NAN), HSEC_PHASE_MINIMAL);
    assert_string_equal(hsec_enum_name(HSEC_ENUM_PHASE, HSEC_PHASE_CRISIS), "crisis");
}

/* Two groups in two regions; static, linear; one threat each. */
static void test_static_burden(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "north", NULL));
    OK(hsec_model_add_region(m, "south", NULL));
    OK(hsec_model_add_group(m, "a", "north", 1000));
    OK(hsec_model_add_group(m, "b", "south", 500));
    /* a: weights food 3, health 1 -> 0.75, 0.25; baseline health 0.5 */
    OK(hsec_model_set(m, "a", HSEC_PARAM_WEIGHT, 0));
    OK(hsec_model_set(m, "a.food", HSEC_PARAM_WEIGHT, 3));
    OK(hsec_model_set(m, "a.health", HSEC_PARAM_WEIGHT, 1));
    OK(hsec_model_set(m, "a.health", HSEC_PARAM_BASELINE, 0.5));
    OK(hsec_model_add_link(m, "a.food", "a.health", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "drought", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "drought", "a.food", 0.4));
    OK(hsec_scenario_add_threat(s, "raid", HSEC_THREAT_NON_STATE_ARMED_GROUP));
    OK(hsec_scenario_add_threat_target(s, "raid", "b.personal", 0.7));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = run_ok(s);

    /* a: food y = 0.4 (1st order); health q = 0.2 (2nd), y = 0.7 */
    double y[HSEC_DIM_COUNT], p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT], H;
    uint64_t step;
    OK(hsec_result_group(&step, &H, y, HSEC_DIM_COUNT, r, 0, HSEC_AT_LAST));
    NEAR(y[HSEC_DIM_FOOD], 0.4, 1e-15);
    NEAR(y[HSEC_DIM_HEALTH], 0.7, 1e-15);
    NEAR(H, 0.75 * 0.4 + 0.25 * 0.7, 1e-15);
    OK(hsec_result_group_orders(p, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, 0, HSEC_AT_PEAK));
    NEAR(p[HSEC_DIM_HEALTH * HSEC_ORDER_COUNT + 1], 0.2, 1e-15);
    NEAR(p[HSEC_DIM_FOOD * HSEC_ORDER_COUNT + 0], 0.4, 1e-15);
    /* arrays of the wrong length are refused, naming the length */
    assert_int_equal(hsec_result_group_orders(p, HSEC_DIM_COUNT * 3, r, 0, HSEC_AT_PEAK),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "21");
    assert_int_equal(hsec_result_group(NULL, NULL, y, HSEC_DIM_COUNT - 1, r, 0, HSEC_AT_LAST),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "6");
    OK(hsec_result_group(NULL, &H, NULL, 3, r, 0, HSEC_AT_LAST)); /* y NULL: y_count ignored */
    /* b: personal y = 0.7, weight 1/7 */
    OK(hsec_result_group(NULL, &H, y, HSEC_DIM_COUNT, r, 1, HSEC_AT_PEAK));
    NEAR(H, 0.7 / 7, 1e-15);

    double base = 1000 * 0.25 * 0.5;
    double prop_a = 1000 * (0.75 * 0.4 + 0.25 * 0.2), prop_b = 500 * 0.7 / 7;
    NEAR(burden_of(r, HSEC_BURDEN_BASELINE, 0), base, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_PROPAGATED, 0), prop_a + prop_b, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_TOTAL, 0), base + prop_a + prop_b, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ORDER, 0), 1000 * 0.75 * 0.4 + prop_b, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ORDER, 1), 1000 * 0.25 * 0.2, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ORDER, 2), 0, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_THREAT, 0), prop_a, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_THREAT, 1), prop_b, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ACTOR, HSEC_THREAT_NATURAL), prop_a, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ACTOR, HSEC_THREAT_NON_STATE_ARMED_GROUP), prop_b, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ACTOR, HSEC_THREAT_ADVERSARY), 0, 0);
    NEAR(burden_of(r, HSEC_BURDEN_REGION, 0), prop_a, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_REGION, 1), prop_b, 1e-12);
    double x;
    assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_THREAT, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "2"); /* a result is read-only: the thread's message */
    assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_REGION, 2), HSEC_EINVAL);
    assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_ORDER, 4), HSEC_EINVAL);
    assert_int_equal(hsec_result_burden(&x, r, (hsec_burden)99, 0), HSEC_EINVAL);
    assert_int_equal(hsec_result_group(NULL, NULL, NULL, 0, r, 2, HSEC_AT_LAST), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "group 2");
    assert_int_equal(hsec_result_group(NULL, NULL, NULL, 0, r, 0, (hsec_at)7), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "7");
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* The baseline caps what a threat can add: y = min(1, b + q), and the
 * propagated part p = y - b splits by order with precedence, order 1 first
 * (doc/model.md §5), and by threat in proportion to q. */
static void test_capped_by_baseline(void **state)
{
    (void)state;
    hsec_model *m = one_group(100);
    OK(hsec_model_set(m, "g.health", HSEC_PARAM_BASELINE, 0.6));
    OK(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "r"));
    OK(hsec_model_add_link(m, "clinic", "g.health", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "g.health", 0.3));
    OK(hsec_scenario_add_threat_target(s, "t", "clinic", 0.6));
    hsec_result *r = run_ok(s);
    /* q = 0.3 (1st) + 0.3 (2nd) = 0.6; y = 1; p = 0.4: p1 = min(0.3, 0.4) =
     * 0.3, p2 = min(0.3, 0.4 - 0.3) = 0.1 */
    double y[HSEC_DIM_COUNT], p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
    OK(hsec_result_group(NULL, NULL, y, HSEC_DIM_COUNT, r, 0, HSEC_AT_LAST));
    NEAR(y[HSEC_DIM_HEALTH], 1, 0);
    OK(hsec_result_group_orders(p, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, 0, HSEC_AT_LAST));
    NEAR(p[HSEC_DIM_HEALTH * HSEC_ORDER_COUNT + 0], 0.3, 1e-15);
    NEAR(p[HSEC_DIM_HEALTH * HSEC_ORDER_COUNT + 1], 0.1, 1e-15);
    NEAR(p[HSEC_DIM_HEALTH * HSEC_ORDER_COUNT + 2], 0, 0);
    NEAR(p[HSEC_DIM_HEALTH * HSEC_ORDER_COUNT + 3], 0, 1e-15);
    NEAR(burden_of(r, HSEC_BURDEN_ORDER, 0), 100 * 0.3 / 7, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_ORDER, 1), 100 * 0.1 / 7, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_THREAT, 0), 100 * 0.4 / 7, 1e-12); /* the one threat: all */
    NEAR(burden_of(r, HSEC_BURDEN_PROPAGATED, 0), 100 * 0.4 / 7, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_BASELINE, 0), 100 * 0.6 / 7, 1e-12);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Dynamic: person-steps over t = 1..steps, by band; peak and last. */
static void test_dynamic_burden(void **state)
{
    (void)state;
    hsec_model *m = one_group(700);
    OK(hsec_model_set(m, "g.food", HSEC_PARAM_BASELINE, 0.1));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 1));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, 3));
    OK(hsec_scenario_add_threat_target(s, "t", "g.food", 0.5));
    dynamic(s, 6);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BAND_SHORT, 2));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BAND_MEDIUM, 3));
    hsec_result *r = run_ok(s);
    /* k = 1: q_food(t) = 0.5 for t = 2, 3, 4 (threat in force t = 1..3) */
    double per = 700 * 0.5 / 7;
    NEAR(burden_of(r, HSEC_BURDEN_PROPAGATED, 0), 3 * per, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_BASELINE, 0), 6 * 700 * 0.1 / 7, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_BAND, 0), per, 1e-12); /* t = 2 */
    NEAR(burden_of(r, HSEC_BURDEN_BAND, 1), per, 1e-12); /* t = 3 */
    NEAR(burden_of(r, HSEC_BURDEN_BAND, 2), per, 1e-12); /* t = 4 */
    uint64_t step;
    double H;
    OK(hsec_result_group(&step, &H, NULL, 0, r, 0, HSEC_AT_PEAK));
    assert_int_equal(step, 2); /* the first step of the peak */
    NEAR(H, 0.6 / 7, 1e-15);
    OK(hsec_result_group(&step, &H, NULL, 0, r, 0, HSEC_AT_LAST));
    assert_int_equal(step, 6);
    NEAR(H, 0.1 / 7, 1e-15);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* The Alkire-Foster scores at the last step and at the peak follow each
 * group's own figures, in a model whose compiled order is not the order it
 * was built in (ids compared naturally, regions walked by id): the scores
 * are found from the run's state, the figures through the API's numbers. */
static void test_scores_follow_figures(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "z", NULL));
    OK(hsec_model_add_region(m, "a", NULL));
    static const char *const ids[] = {"g10", "g9", "g2", "g1", "g30", "g3"};
    for (int k = 0; k < 6; k++)
        OK(hsec_model_add_group(m, ids[k], k % 2 ? "a" : "z", 100 + 10 * k));
    OK(hsec_model_add_service(m, "s2", HSEC_SERVICE_WATER, "z"));
    OK(hsec_model_add_service(m, "s1", HSEC_SERVICE_HEALTH_CARE, "a"));
    for (int k = 0; k < 6; k++) {
        char to[32];
        snprintf(to, sizeof to, "%s.health", ids[k]);
        OK(hsec_model_add_link(m, k % 3 ? "s1" : "s2", to, 0.3 + 0.1 * k, 0));
        snprintf(to, sizeof to, "%s.food", ids[k]);
        OK(hsec_model_add_link(m, "s2", to, 0.2 + 0.05 * k, 0));
    }
    OK(hsec_model_add_link(m, "s2", "s1", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, 4));
    OK(hsec_scenario_add_threat_target(s, "t", "s2", 0.9));
    OK(hsec_scenario_add_threat_target(s, "t", "g30.economic", 0.6));
    OK(hsec_scenario_set_option(s, HSEC_OPT_AF_CUTOFF, 0.1));
    OK(hsec_scenario_set_option(s, HSEC_OPT_AF_K, 1.0 / 7));
    for (int mode = 0; mode < 2; mode++) {
        if (mode)
            dynamic(s, 7);
        hsec_result *r = run_ok(s);
        int seen[2] = {0, 0};
        for (size_t g = 0; g < 6; g++)
            for (int at = 0; at < 2; at++) {
                hsec_at when = at ? HSEC_AT_PEAK : HSEC_AT_LAST;
                double y[HSEC_DIM_COUNT], score = -1, want = 0;
                OK(hsec_result_group(NULL, NULL, y, HSEC_DIM_COUNT, r, g, when));
                for (int d = 0; d < HSEC_DIM_COUNT; d++)
                    want += y[d] >= 0.1 ? 1.0 / 7 : 0; /* equal weights by default */
                OK(hsec_result_group_score(&score, NULL, r, g, when));
                NEAR(score, want, 1e-15);
                seen[at] += want > 0;
            }
        for (size_t g = 0; g < 6 && !mode; g++) { /* static: one state, its peak is its last */
            double y0[HSEC_DIM_COUNT], y1[HSEC_DIM_COUNT], h0, h1, share;
            double p0[HSEC_DIM_COUNT * HSEC_ORDER_COUNT], p1[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
            uint64_t s0 = 1, s1 = 1;
            OK(hsec_result_group(&s0, &h0, y0, HSEC_DIM_COUNT, r, g, HSEC_AT_LAST));
            OK(hsec_result_group(&s1, &h1, y1, HSEC_DIM_COUNT, r, g, HSEC_AT_PEAK));
            assert_true(s0 == 0 && s1 == 0 && h0 == h1);
            assert_memory_equal(y0, y1, sizeof y0);
            OK(hsec_result_group_orders(p0, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, g,
                                        HSEC_AT_LAST));
            OK(hsec_result_group_orders(p1, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, g,
                                        HSEC_AT_PEAK));
            assert_memory_equal(p0, p1, sizeof p0);
            OK(hsec_result_threat_share(&share, NULL, r, g, 0));
            NEAR(share, h0 > 0 ? 1 : 0, 1e-12); /* one threat, no baseline: all of it */
        }
        /* the case is not empty: groups are deprived, and (dynamic) some
         * recover before the end */
        assert_true(seen[1] >= 3);
        if (mode)
            assert_true(seen[0] < seen[1]);
        hsec_result_free(r);
    }
    hsec_scenario_free(s);
}

/* What a group shows at its peak, for the brute force below. */
typedef struct {
    uint64_t step;
    double H, y[HSEC_DIM_COUNT], p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT], score, share[2];
} figs;

static void figs_of(figs *f, const hsec_result *r, size_t g, hsec_at at)
{
    memset(f, 0, sizeof *f);
    OK(hsec_result_group(&f->step, &f->H, f->y, HSEC_DIM_COUNT, r, g, at));
    OK(hsec_result_group_orders(f->p, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, g, at));
    OK(hsec_result_group_score(&f->score, NULL, r, g, at));
    for (size_t h = 0; h < 2 && at == HSEC_AT_PEAK; h++)
        OK(hsec_result_threat_share(&f->share[h], NULL, r, g, h));
}

/*
 * A dynamic run's peak figures against brute force: the state at step t is
 * the last state of a run of t steps, so a group's peak (the first step of
 * its highest index) and its figures there come from T runs of 1 .. T
 * steps, read at their last step through another path (the result's
 * arrays). Groups peak early and fall, peak on a plateau, peak at the last
 * step, or never move (peak at 0); bit for bit, on one thread and two (the
 * model spans more than one chunk of rows).
 */
static void test_peak_brute_force(void **state)
{
    (void)state;
    enum { NG = 700, T = 12 };
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    char a[32], b[32];
    for (int k = 0; k < 4; k++) {
        snprintf(a, sizeof a, "s%d", k);
        OK(hsec_model_add_service(m, a, HSEC_SERVICE_WATER, "r"));
    }
    for (int g = 0; g < NG; g++) {
        snprintf(a, sizeof a, "g%d", g);
        OK(hsec_model_add_group(m, a, "r", 100 + g));
        if (g % 4 != 3) { /* one group in four: no link, no threat */
            snprintf(a, sizeof a, "s%d", g % 4);
            snprintf(b, sizeof b, "g%d.health", g);
            OK(hsec_model_add_link(m, a, b, 0.2 + 0.001 * (g % 50), g % 3));
            snprintf(a, sizeof a, "g%d.health", g);
            snprintf(b, sizeof b, "g%d.economic", g);
            OK(hsec_model_add_link(m, a, b, 0.3, 0));
        }
        snprintf(a, sizeof a, "g%d.food", g);
        OK(hsec_model_set(m, a, HSEC_PARAM_BASELINE, 0.05 * (g % 3)));
        snprintf(a, sizeof a, "g%d.economic", g);
        OK(hsec_model_set(m, a, HSEC_PARAM_ONSET, g % 2 ? 0.35 : 1));
        OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, 0.4));
    }
    hsec_scenario *s = scenario_of(m);
    /* an early strike on services, then a late, lasting one on groups */
    OK(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "strike", HSEC_TIMING_START, 1));
    OK(hsec_scenario_set_threat(s, "strike", HSEC_TIMING_DURATION, 3));
    for (int k = 0; k < 3; k++) {
        snprintf(a, sizeof a, "s%d", k);
        OK(hsec_scenario_add_threat_target(s, "strike", a, 0.5 + 0.1 * k));
    }
    OK(hsec_scenario_add_threat(s, "siege", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "siege", HSEC_TIMING_START, T - 4));
    for (int g = 0; g < NG; g += 5) {
        if (g % 4 == 3)
            continue;
        snprintf(a, sizeof a, "g%d.economic", g);
        OK(hsec_scenario_add_threat_target(s, "siege", a, 0.2));
    }
    OK(hsec_scenario_set_option(s, HSEC_OPT_AF_CUTOFF, 0.05));
    figs *bf = calloc((size_t)NG * (T + 1), sizeof *bf);
    assert_non_null(bf);
    for (int t = 1; t <= T; t++) { /* the state at each step */
        dynamic(s, t);
        hsec_result *r = run_ok(s);
        assert_int_equal(hsec_result_group_count(r), NG);
        for (size_t g = 0; g < NG; g++) {
            figs_of(&bf[g * (T + 1) + (size_t)t], r, g, HSEC_AT_LAST);
            figs pk; /* a run's peak at its last step: the threats' shares there */
            figs_of(&pk, r, g, HSEC_AT_PEAK);
            if (pk.step == (uint64_t)t)
                memcpy(bf[g * (T + 1) + (size_t)t].share, pk.share, sizeof pk.share);
        }
        hsec_result_free(r);
    }
    dynamic(s, T);
    hsec_result *r1 = run_ok(s);
    OK(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 2));
    hsec_result *r2 = run_ok(s);
    int seen[5] = {0};
    for (size_t g = 0; g < NG; g++) {
        const figs *f = &bf[g * (T + 1)];
        bool moved = false;
        size_t at = 1;
        for (size_t t = 1; t <= T; t++) {
            for (size_t k = 0; k < HSEC_DIM_COUNT * HSEC_ORDER_COUNT; k++)
                moved = moved || f[t].p[k] != 0;
            if (f[t].H > f[at].H)
                at = t;
        }
        figs want = f[at], got, got2;
        if (!moved) { /* never moved: its peak is the first state, the same as every other */
            want.step = 0;
            seen[0]++;
        } else {
            /* early and falling by the end; at the last step; in between */
            seen[at <= T / 2 && f[T].H < f[at].H ? 1 : at == T ? 2 : 3]++;
            seen[4] += at < T && f[at + 1].H == f[at].H; /* a plateau */
        }
        figs_of(&got, r1, g, HSEC_AT_PEAK);
        figs_of(&got2, r2, g, HSEC_AT_PEAK);
        assert_int_equal(got.step, want.step);
        assert_memory_equal(&got, &want, sizeof got);
        assert_memory_equal(&got, &got2, sizeof got);
    }
    /* every kind of peak is there */
    for (int k = 0; k < 5; k++)
        assert_true(seen[k] > 0);
    hsec_result_free(r1);
    hsec_result_free(r2);
    free(bf);
    hsec_scenario_free(s);
}

static void test_freedoms(void **state)
{
    (void)state;
    hsec_model *m = one_group(10);
    const char *dims[7] = {"g.economic", "g.food", "g.health", "g.environmental",
                           "g.personal", "g.community", "g.political"};
    for (int d = 0; d < 7; d++)
        OK(hsec_model_set(m, dims[d], HSEC_PARAM_BASELINE, 0.1 * (d + 1)));
    hsec_scenario *s = scenario_of(m);
    hsec_result *r = run_ok(s);
    double f[HSEC_FREEDOM_COUNT];
    OK(hsec_result_group_freedoms(f, HSEC_FREEDOM_COUNT, r, 0, HSEC_AT_LAST));
    NEAR(f[0], (0.5 + 0.6 + 0.7) / 3, 1e-15); /* fear: personal, community, political */
    NEAR(f[1], (0.1 + 0.2 + 0.3 + 0.4) / 4, 1e-15); /* want */
    NEAR(f[2], (0.7 + 0.6) / 2, 1e-15);              /* dignity */
    assert_int_equal(hsec_result_group_freedoms(f, HSEC_FREEDOM_COUNT, r, 1, HSEC_AT_LAST),
                     HSEC_EINVAL);
    assert_int_equal(hsec_result_group_freedoms(f, 2, r, 0, HSEC_AT_LAST), HSEC_EINVAL);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Early warning: the first step with y >= 0.4, and the lead from the
 * earliest threat start. */
static void test_early_warning(void **state)
{
    (void)state;
    hsec_model *m = one_group(10);
    OK(hsec_model_set(m, "g.political", HSEC_PARAM_BASELINE, 0.4)); /* in crisis at 0 */
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "a", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_set_threat(s, "a", HSEC_TIMING_START, 3));
    OK(hsec_scenario_add_threat_target(s, "a", "g.food", 0.4)); /* exactly crisis */
    OK(hsec_scenario_add_threat_target(s, "a", "g.health", nextafter(0.4, 0))); /* just below */
    OK(hsec_scenario_add_threat(s, "b", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_set_threat(s, "b", HSEC_TIMING_START, 5));
    OK(hsec_scenario_add_threat_target(s, "b", "g.personal", 0.9));
    dynamic(s, 10);
    hsec_result *r = run_ok(s);
    int64_t step, lead;
    OK(hsec_result_warning(&step, &lead, r, 0, HSEC_DIM_FOOD));
    assert_int_equal(step, 4); /* in force from t = 3, k = 1: y(4) = 0.4 */
    assert_int_equal(lead, 1);
    OK(hsec_result_warning(&step, &lead, r, 0, HSEC_DIM_HEALTH));
    assert_int_equal(step, -1);
    assert_int_equal(lead, 0);
    OK(hsec_result_warning(&step, &lead, r, 0, HSEC_DIM_PERSONAL));
    assert_int_equal(step, 6);
    assert_int_equal(lead, 3); /* from the earliest start, 3 */
    OK(hsec_result_warning(&step, &lead, r, 0, HSEC_DIM_POLITICAL));
    assert_int_equal(step, 0);
    assert_int_equal(lead, -3); /* in crisis before any threat */
    assert_int_equal(hsec_result_warning(&step, &lead, r, 0, (hsec_dimension)7), HSEC_EINVAL);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Critical and pervasive threats at their thresholds' edges. */
static void test_critical_pervasive(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "a", "r", 300));
    OK(hsec_model_add_group(m, "b", "r", 700));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "x", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "x", "a.food", 0.2));
    OK(hsec_scenario_add_threat(s, "y", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_add_threat_target(s, "y", "a.health", 0.3));
    OK(hsec_scenario_add_threat_target(s, "y", "b.personal", 0.5));
    hsec_result *r = run_ok(s);
    double share, pop;
    int crit, perv;
    OK(hsec_result_threat_share(&share, &crit, r, 0, 0));
    NEAR(share, 0.4, 1e-15);
    const double edge = share;
    hsec_result_free(r);
    /* exactly at the threshold: critical; just above it: not */
    OK(hsec_scenario_set_option(s, HSEC_OPT_CRITICAL_SHARE, edge));
    r = run_ok(s);
    OK(hsec_result_threat_share(NULL, &crit, r, 0, 0));
    assert_true(crit);
    OK(hsec_result_threat_share(&share, &crit, r, 1, 0)); /* x does not touch b */
    assert_false(crit);
    NEAR(share, 0, 0);
    OK(hsec_result_pervasive(&pop, &perv, r, 0));
    NEAR(pop, 0.3, 1e-15); /* a holds 300 of 1000 */
    assert_true(perv);     /* 0.3 >= 0.25 */
    OK(hsec_result_pervasive(&pop, &perv, r, 1));
    NEAR(pop, 1, 1e-15); /* y is critical for a (0.6) and b (1) */
    hsec_result_free(r);
    OK(hsec_scenario_set_option(s, HSEC_OPT_CRITICAL_SHARE, nextafter(edge, 1)));
    OK(hsec_scenario_set_option(s, HSEC_OPT_PERVASIVE_SHARE, 0.3));
    r = run_ok(s);
    OK(hsec_result_threat_share(NULL, &crit, r, 0, 0));
    assert_false(crit);
    OK(hsec_result_pervasive(&pop, &perv, r, 0));
    assert_false(perv);
    hsec_result_free(r);
    OK(hsec_scenario_set_option(s, HSEC_OPT_CRITICAL_SHARE, 0.4));
    OK(hsec_scenario_set_option(s, HSEC_OPT_PERVASIVE_SHARE, nextafter(0.3, 1)));
    r = run_ok(s);
    OK(hsec_result_pervasive(&pop, &perv, r, 0));
    assert_false(perv); /* 0.3 of the people, just below the threshold */
    assert_int_equal(hsec_result_pervasive(&pop, &perv, r, 2), HSEC_EINVAL);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Alkire & Foster (2011), "Counting and multidimensional poverty
 * measurement", J. Public Economics 95: four persons, four equally weighted
 * dimensions, deprivation counts 0, 2, 4, 1; with k = 2 of 4, H = 1/2,
 * A = 3/4, M0 = 3/8. Deprivation here is a baseline of 1 (y >= z). */
static void test_alkire_foster(void **state)
{
    (void)state;
    static const int deprived[4][4] = {{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 1, 1, 1}, {0, 1, 0, 0}};
    static const char *const dims[4] = {"economic", "food", "health", "environmental"};
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    for (int p = 0; p < 4; p++) {
        char id[16], node[48];
        sprintf(id, "p%d", p);
        OK(hsec_model_add_group(m, id, "r", 1));
        OK(hsec_model_set(m, id, HSEC_PARAM_WEIGHT, 0));
        for (int d = 0; d < 4; d++) {
            sprintf(node, "%s.%s", id, dims[d]);
            OK(hsec_model_set(m, node, HSEC_PARAM_WEIGHT, 1));
            OK(hsec_model_set(m, node, HSEC_PARAM_BASELINE, deprived[p][d]));
        }
        sprintf(node, "%s.personal", id); /* deprived, but of weight 0 */
        OK(hsec_model_set(m, node, HSEC_PARAM_BASELINE, 1));
    }
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_set_option(s, HSEC_OPT_AF_K, 0.5));
    hsec_result *r = run_ok(s);
    double af[HSEC_AF_COUNT], score;
    int poor;
    OK(hsec_result_multidimensional(af, HSEC_AF_COUNT, r, HSEC_AT_LAST));
    assert_int_equal(hsec_result_multidimensional(af, 4, r, HSEC_AT_LAST), HSEC_EINVAL);
    NEAR(af[0], 0.5, 1e-15);
    NEAR(af[1], 0.75, 1e-15);
    NEAR(af[2], 0.375, 1e-15);
    OK(hsec_result_group_score(&score, &poor, r, 1, HSEC_AT_LAST));
    NEAR(score, 0.5, 1e-15);
    assert_true(poor); /* exactly k */
    OK(hsec_result_group_score(&score, &poor, r, 3, HSEC_AT_PEAK));
    NEAR(score, 0.25, 1e-15);
    assert_false(poor);
    hsec_result_free(r);
    /* a union approach (k = 0.25) counts person 4 too: H = 3/4, A = 7/12 */
    OK(hsec_scenario_set_option(s, HSEC_OPT_AF_K, 0.25));
    r = run_ok(s);
    OK(hsec_result_multidimensional(af, HSEC_AF_COUNT, r, HSEC_AT_PEAK));
    NEAR(af[0], 0.75, 1e-15);
    NEAR(af[1], 7.0 / 12, 1e-15);
    NEAR(af[2], 7.0 / 16, 1e-15);
    hsec_result_free(r);
    /* the cutoff z: with z above 1 nobody is deprived (refused: out of range) */
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_AF_CUTOFF, 1.5), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "run.deprivation_cutoff: 1.5 is not in [0,1]");
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_static_burden),
        cmocka_unit_test(test_capped_by_baseline),
        cmocka_unit_test(test_dynamic_burden),
        cmocka_unit_test(test_scores_follow_figures),
        cmocka_unit_test(test_peak_brute_force),
        cmocka_unit_test(test_freedoms),
        cmocka_unit_test(test_early_warning),
        cmocka_unit_test(test_critical_pervasive),
        cmocka_unit_test(test_alkire_foster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
