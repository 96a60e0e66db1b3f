/* The NATO lens and differentiated impacts (doc/model.md §5, §11): labels,
 * ids with a colon, topics and branches, burden by topic and by
 * vulnerability flag, averted by branch; in the API and in documents. */
#include "util.h"

#include <jansson.h>
#include <stdbool.h>
#include <unistd.h>

/* ---- differentiated impacts against a hand computation */

/*
 * Three groups, weights 1/7, no links, static linear: a group's y is its
 * baseline plus what its threat gives its dimension.
 *   a (100, women + displaced): threat 0.7 on food, baseline 0.14 economic:
 *     H = 0.1 + 0.02: burden 12, propagated 10
 *   b (300, women): threat 0.35 on health: burden 15, propagated 15
 *   c (600, no flag): baseline 0.07 economic: burden 6, propagated 0
 * Everyone: 1000 people, burden 33, 0.033 a person. Women: a and b, 27
 * (25 propagated), 400 people, 0.0675 a person, 2.0454... times everyone's.
 * Displaced: a alone, 12 (10), 100 people, 0.12, 3.6363... Children: none.
 */
static hsec_scenario *three_groups(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "a", "r", 100));
    OK(hsec_model_add_group(m, "b", "r", 300));
    OK(hsec_model_add_group(m, "c", "r", 600));
    OK(hsec_model_set_group_flags(m, "a", HSEC_FLAG_WOMEN | HSEC_FLAG_DISPLACED));
    OK(hsec_model_set_group_flags(m, "b", HSEC_FLAG_WOMEN));
    OK(hsec_model_set(m, "a.economic", HSEC_PARAM_BASELINE, 0.14));
    OK(hsec_model_set(m, "c.economic", HSEC_PARAM_BASELINE, 0.07));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "ta", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "ta", "a.food", 0.7));
    OK(hsec_scenario_add_threat(s, "tb", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_add_threat_target(s, "tb", "b.health", 0.35));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    return s;
}

static int bit(unsigned flag)
{
    int k = 0;
    while (!(flag & 1u)) {
        flag >>= 1;
        k++;
    }
    return k;
}

static void test_impacts_by_hand(void **state)
{
    (void)state;
    hsec_scenario *s = three_groups();
    hsec_result *r = run_ok(s);
    double v[HSEC_IMPACT_COUNT];
    OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, HSEC_FLAG_COUNT));
    NEAR(v[0], 33, 1e-12);
    NEAR(v[1], 25, 1e-12);
    NEAR(v[2], 1000, 0);
    NEAR(v[3], 0.033, 1e-12);
    NEAR(v[4], 1, 1e-12);
    OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)bit(HSEC_FLAG_WOMEN)));
    NEAR(v[0], 27, 1e-12);
    NEAR(v[1], 25, 1e-12);
    NEAR(v[2], 400, 0);
    NEAR(v[3], 0.0675, 1e-12);
    NEAR(v[4], 0.0675 / 0.033, 1e-12);
    OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)bit(HSEC_FLAG_DISPLACED)));
    NEAR(v[0], 12, 1e-12);
    NEAR(v[1], 10, 1e-12);
    NEAR(v[2], 100, 0);
    NEAR(v[3], 0.12, 1e-12);
    NEAR(v[4], 0.12 / 0.033, 1e-12);
    OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)bit(HSEC_FLAG_CHILDREN)));
    assert_true(v[0] == 0 && v[1] == 0 && v[2] == 0);
    assert_true(isnan(v[3]) && isnan(v[4])); /* no one carries the flag */
    /* the same through hsec_result_burden */
    NEAR(burden_of(r, HSEC_BURDEN_FLAG, (size_t)bit(HSEC_FLAG_WOMEN)), 27, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_FLAG_PROPAGATED, (size_t)bit(HSEC_FLAG_WOMEN)), 25, 1e-12);
    NEAR(burden_of(r, HSEC_BURDEN_FLAG, HSEC_FLAG_COUNT), burden_of(r, HSEC_BURDEN_TOTAL, 0),
         1e-12);
    /* refusals */
    assert_int_equal(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, HSEC_FLAG_COUNT + 1),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "flag 9"));
    assert_int_equal(hsec_result_impact(v, 4, r, 0), HSEC_EINVAL);
    assert_int_equal(hsec_result_impact(NULL, HSEC_IMPACT_COUNT, r, 0), HSEC_EINVAL);
    assert_int_equal(hsec_result_impact(v, HSEC_IMPACT_COUNT, NULL, 0), HSEC_EINVAL);
    double x;
    assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_FLAG, HSEC_FLAG_COUNT + 1),
                     HSEC_EINVAL);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Dynamic, with links and lags: each flag's figures are the sums over the
 * groups carrying it of their propagated burden and their baseline at every
 * step, brute force from the per-group figures. */
static void test_impacts_dynamic_sums(void **state)
{
    (void)state;
    hsec_scenario *s = load_path(SOURCE_ROOT "/examples/collective-defence.json");
    hsec_result *r = run_ok(s);
    const hsec_compiled *c = hsec_scenario_compiled(s);
    double steps = (double)hsec_result_steps(r);
    double total = burden_of(r, HSEC_BURDEN_TOTAL, 0), pop = 0;
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
        pop += hsec_compiled_group_size(c, g);
    double all = 0, allp = 0, allpeople = 0;
    int flagged = 0;
    for (int f = 0; f <= HSEC_FLAG_COUNT; f++) {
        double want = 0, wantp = 0, people = 0;
        for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
            unsigned flags = 0;
            OK(hsec_compiled_group_flags(&flags, c, g));
            if (f < HSEC_FLAG_COUNT && !(flags & (1u << f)))
                continue;
            double hb = 0, size = hsec_compiled_group_size(c, g);
            for (int d = 0; d < HSEC_DIM_COUNT; d++)
                hb += hsec_compiled_group_weight(c, g, (hsec_dimension)d) *
                      hsec_compiled_group_baseline(c, g, (hsec_dimension)d);
            double prop = burden_of(r, HSEC_BURDEN_GROUP, g);
            want += prop + size * hb * steps;
            wantp += prop;
            people += size;
        }
        double v[HSEC_IMPACT_COUNT];
        OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)f));
        NEAR(v[0], want, 1e-12);
        NEAR(v[1], wantp, 1e-12);
        NEAR(v[2], people, 0);
        if (f == HSEC_FLAG_COUNT) {
            all = v[0];
            allp = v[1];
            allpeople = v[2];
        } else if (people > 0) {
            flagged++;
            NEAR(v[3], want / people, 1e-12);
            NEAR(v[4], (want / people) / (total / pop), 1e-12);
        }
    }
    assert_int_equal(flagged, 6); /* women, children, elderly, disabled, displaced, minority */
    NEAR(all, burden_of(r, HSEC_BURDEN_TOTAL, 0), 1e-12);
    NEAR(allp, burden_of(r, HSEC_BURDEN_PROPAGATED, 0), 1e-12);
    NEAR(allpeople, 938000, 0);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* ---- topics: a topic's figure is the sum of its threats' parts */

static void test_topics_sum_threats(void **state)
{
    (void)state;
    hsec_scenario *s = load_path(SOURCE_ROOT "/examples/collective-defence.json");
    for (int mode = 0; mode < 2; mode++) {
        if (mode == 1) { /* and static linear */
            OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
            OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
        }
        hsec_result *r = run_ok(s);
        size_t nt = hsec_scenario_threat_count(s);
        double want[HSEC_TOPIC_COUNT + 1] = {0};
        for (size_t h = 0; h < nt; h++) {
            unsigned tp = 0;
            OK(hsec_scenario_threat_topics(&tp, s, h));
            double part = burden_of(r, HSEC_BURDEN_THREAT, h);
            if (!tp)
                want[HSEC_TOPIC_COUNT] += part;
            for (int k = 0; k < HSEC_TOPIC_COUNT; k++)
                if (tp & (1u << k))
                    want[k] += part;
        }
        for (size_t k = 0; k <= HSEC_TOPIC_COUNT; k++)
            NEAR(burden_of(r, HSEC_BURDEN_TOPIC, k), want[k], 1e-13);
        /* the example tags every threat; two carry children_and_armed_conflict */
        assert_true(burden_of(r, HSEC_BURDEN_TOPIC, HSEC_TOPIC_COUNT) == 0);
        assert_true(burden_of(r, HSEC_BURDEN_TOPIC, 3) > burden_of(r, HSEC_BURDEN_THREAT, 3));
        double x;
        assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_TOPIC, HSEC_TOPIC_COUNT + 1),
                         HSEC_EINVAL);
        hsec_result_free(r);
    }
    hsec_scenario_free(s);
}

/* ---- branches: a branch's figure is its own run */

static double total_with(hsec_scenario *s, const unsigned char *mask)
{
    hsec_result *r = NULL;
    if (hsec_scenario_run_with(&r, s, mask, hsec_scenario_measure_count(s)))
        fail_msg("run: %s", hsec_scenario_errmsg(s));
    double t = burden_of(r, HSEC_BURDEN_TOTAL, 0);
    hsec_result_free(r);
    return t;
}

static void test_branches_are_runs(void **state)
{
    (void)state;
    hsec_scenario *s = load_path(SOURCE_ROOT "/examples/collective-defence.json");
    size_t np = hsec_scenario_package_count(s), nm = hsec_scenario_measure_count(s);
    hsec_result **res = calloc(1 + np, sizeof *res);
    assert_non_null(res);
    OK(hsec_scenario_compare(res, 1 + np, s));
    double base = burden_of(res[0], HSEC_BURDEN_TOTAL, 0);
    unsigned char *pk = calloc(nm, 1), *mask = calloc(nm, 1);
    assert_non_null(pk);
    assert_non_null(mask);
    int seen = 0;
    for (size_t p = 0; p < np; p++) {
        double av[HSEC_BRANCH_COUNT];
        OK(hsec_scenario_compare_branches(av, HSEC_BRANCH_COUNT, s, res[0], p));
        OK(hsec_scenario_package_mask(pk, nm, s, p));
        for (int b = 0; b < HSEC_BRANCH_COUNT; b++) {
            bool any = false;
            for (size_t m = 0; m < nm; m++) {
                hsec_branch br;
                OK(hsec_scenario_measure_branch(&br, s, m));
                mask[m] = pk[m] && (int)br == b;
                any = any || mask[m];
            }
            if (!any) {
                assert_true(isnan(av[b]));
                continue;
            }
            seen++;
            assert_true(av[b] == base - total_with(s, mask)); /* the same run, bit for bit */
            assert_true(av[b] > 0);
        }
    }
    assert_true(seen >= 8); /* every branch of the example, in some package */
    /* refusals */
    double av[HSEC_BRANCH_COUNT];
    assert_int_equal(hsec_scenario_compare_branches(av, 3, s, res[0], 0), HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "HSEC_BRANCH_COUNT"));
    assert_int_equal(hsec_scenario_compare_branches(av, HSEC_BRANCH_COUNT, s, res[0], np),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "out of range"));
    assert_int_equal(hsec_scenario_compare_branches(av, HSEC_BRANCH_COUNT, s, NULL, 0),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_compare_branches(NULL, HSEC_BRANCH_COUNT, s, res[0], 0),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_compare_branches(av, HSEC_BRANCH_COUNT, NULL, res[0], 0),
                     HSEC_EINVAL);
    hsec_scenario *other = three_groups(); /* a baseline of another scenario */
    hsec_result *ro = run_ok(other);
    OK(hsec_scenario_add_package(other, "p"));
    assert_int_equal(hsec_scenario_compare_branches(av, HSEC_BRANCH_COUNT, other, res[0], 0),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(other), "not a run of this scenario"));
    hsec_result_free(ro);
    hsec_scenario_free(other);
    for (size_t i = 0; i <= np; i++)
        hsec_result_free(res[i]);
    free(res);
    free(pk);
    free(mask);
    hsec_scenario_free(s);
}

/* ---- the API's checks */

static void test_setters_and_getters(void **state)
{
    (void)state;
    hsec_scenario *s = three_groups();
    OK(hsec_scenario_add_measure(s, "m", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.5));
    unsigned tp = 99;
    OK(hsec_scenario_threat_topics(&tp, s, 0));
    assert_int_equal(tp, 0);
    hsec_branch br = HSEC_BRANCH_OTHER;
    OK(hsec_scenario_measure_branch(&br, s, 0));
    assert_int_equal(br, HSEC_BRANCH_NONE);
    OK(hsec_scenario_set_threat_topics(s, "ta", HSEC_TOPIC_PROTECTION_OF_CIVILIANS |
                                                   HSEC_TOPIC_CULTURAL_PROPERTY_PROTECTION));
    OK(hsec_scenario_threat_topics(&tp, s, 0));
    assert_int_equal(tp, HSEC_TOPIC_PROTECTION_OF_CIVILIANS |
                             HSEC_TOPIC_CULTURAL_PROPERTY_PROTECTION);
    assert_int_equal(hsec_scenario_set_threat_topics(s, "ta", 1u << HSEC_TOPIC_COUNT),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "threat ta: topics 0x20"));
    assert_int_equal(hsec_scenario_set_threat_topics(s, "nope", 1), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "\"nope\""));
    OK(hsec_scenario_set_measure_topics(s, "m", HSEC_TOPIC_TRAFFICKING_IN_HUMAN_BEINGS));
    OK(hsec_scenario_measure_topics(&tp, s, 0));
    assert_int_equal(tp, HSEC_TOPIC_TRAFFICKING_IN_HUMAN_BEINGS);
    assert_int_equal(hsec_scenario_set_measure_topics(s, "m", 0xffu), HSEC_EINVAL);
    OK(hsec_scenario_set_measure_branch(s, "m", HSEC_BRANCH_G9_CIMIC));
    OK(hsec_scenario_measure_branch(&br, s, 0));
    assert_int_equal(br, HSEC_BRANCH_G9_CIMIC);
    assert_int_equal(hsec_scenario_set_measure_branch(s, "m", (hsec_branch)HSEC_BRANCH_COUNT),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "branch 14"));
    assert_int_equal(hsec_scenario_set_measure_branch(s, "m", (hsec_branch)-1), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_measure_branch(s, "x", HSEC_BRANCH_MEDICAL),
                     HSEC_ENOTFOUND);
    assert_int_equal(hsec_scenario_threat_topics(&tp, s, 2), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_measure_topics(NULL, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_measure_branch(&br, s, 1), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_threat_topics(NULL, "ta", 1), HSEC_EINVAL);
    /* topics and branches are labels: the run is unchanged, bit for bit */
    hsec_scenario *plain = three_groups();
    OK(hsec_scenario_add_measure(plain, "m", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY,
                                 0.5));
    hsec_result *a = run_ok(s), *b = run_ok(plain);
    assert_memory_equal(hsec_result_q(a), hsec_result_q(b),
                        hsec_result_node_count(a) * sizeof(double));
    assert_true(burden_of(a, HSEC_BURDEN_TOTAL, 0) == burden_of(b, HSEC_BURDEN_TOTAL, 0));
    hsec_result_free(a);
    hsec_result_free(b);
    hsec_scenario_free(plain);
    hsec_scenario_free(s);
    /* the names */
    static const char *const topics[HSEC_TOPIC_COUNT] = {
        "protection_of_civilians", "conflict_related_sexual_violence",
        "trafficking_in_human_beings", "children_and_armed_conflict",
        "cultural_property_protection"};
    for (int k = 0; k < HSEC_TOPIC_COUNT; k++) {
        int v = -1;
        assert_string_equal(hsec_enum_name(HSEC_ENUM_TOPIC, k), topics[k]);
        OK(hsec_enum_value(&v, HSEC_ENUM_TOPIC, topics[k]));
        assert_int_equal(v, k);
    }
    assert_null(hsec_enum_name(HSEC_ENUM_TOPIC, HSEC_TOPIC_COUNT));
    assert_string_equal(hsec_enum_name(HSEC_ENUM_BRANCH, HSEC_BRANCH_NONE), "none");
    assert_string_equal(hsec_enum_name(HSEC_ENUM_BRANCH, HSEC_BRANCH_G9_CIMIC), "g9_cimic");
    assert_string_equal(hsec_enum_name(HSEC_ENUM_BRANCH, HSEC_BRANCH_OTHER), "other");
    assert_null(hsec_enum_name(HSEC_ENUM_BRANCH, HSEC_BRANCH_COUNT));
    assert_string_equal(hsec_enum_name(HSEC_ENUM_SERVICE_KIND, HSEC_SERVICE_ECONOMIC_SECTOR),
                        "economic_sector");
}

static void test_labels_and_colons(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "reg2", NULL));
    OK(hsec_model_add_region(m, "reg3", "reg2"));
    OK(hsec_model_add_service(m, "reg2:construction", HSEC_SERVICE_ECONOMIC_SECTOR, "reg2"));
    OK(hsec_model_add_service(m, "reg2:steel", HSEC_SERVICE_ECONOMIC_SECTOR, "reg2"));
    OK(hsec_model_add_group(m, "g", "reg3", 10));
    OK(hsec_model_add_link(m, "reg2:steel", "reg2:construction", 0.2, 0));
    OK(hsec_model_add_link(m, "reg2:construction", "g.economic", 0.3, 0));
    assert_int_equal(hsec_model_add_service(m, "a;b", HSEC_SERVICE_OTHER, NULL), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "[A-Za-z0-9_:-]{1,64}"));
    OK(hsec_model_set_label(m, "reg2:construction", "Construction (F45), Région 2"));
    OK(hsec_model_set_label(m, "reg2", "Région deux"));
    OK(hsec_model_set_label(m, "reg3", "gone"));
    OK(hsec_model_set_label(m, "reg3", NULL)); /* removed */
    assert_int_equal(hsec_model_set_label(m, "g", "x"), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "is a group"));
    assert_int_equal(hsec_model_set_label(m, "nobody", "x"), HSEC_ENOTFOUND);
    assert_int_equal(hsec_model_set_label(m, "reg2", "bad \xff byte"), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "byte 4 is not UTF-8"));
    assert_int_equal(hsec_model_set_label(m, "reg2", "cut \xc3"), HSEC_EINVAL);
    char *big = malloc(HSEC_LABEL_MAX + 2);
    assert_non_null(big);
    memset(big, 'x', HSEC_LABEL_MAX + 1);
    big[HSEC_LABEL_MAX + 1] = '\0';
    assert_int_equal(hsec_model_set_label(m, "reg2", big), HSEC_EINVAL);
    big[HSEC_LABEL_MAX] = '\0';
    OK(hsec_model_set_label(m, "reg2:steel", big)); /* the longest allowed */
    free(big);
    assert_int_equal(hsec_model_set_label(NULL, "reg2", "x"), HSEC_EINVAL);
    assert_int_equal(hsec_model_set_label(m, "reg2", ""), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "label of reg2 is empty"));
    hsec_scenario *s = scenario_of(m);
    const hsec_compiled *c = hsec_scenario_compiled(s);
    assert_string_equal(hsec_compiled_region_label(c, 0), "Région deux");
    assert_null(hsec_compiled_region_label(c, 1));
    assert_null(hsec_compiled_region_label(c, 2));
    assert_string_equal(hsec_compiled_service_label(c, 0), "Construction (F45), Région 2");
    assert_int_equal(strlen(hsec_compiled_service_label(c, 1)), HSEC_LABEL_MAX);
    assert_null(hsec_compiled_service_label(c, 2));
    assert_null(hsec_compiled_service_label(NULL, 0));
    /* the colon has no meaning to names: a threat on a sector, an id with one */
    OK(hsec_scenario_add_threat(s, "shock:steel", HSEC_THREAT_UNKNOWN));
    OK(hsec_scenario_add_threat_target(s, "shock:steel", "reg2:steel", 0.5));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = run_ok(s);
    NEAR(q_of(r, s, "reg2:construction"), 0.1, 1e-12);
    NEAR(q_of(r, s, "g.economic"), 0.03, 1e-12);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* ---- documents: read, written, reported */

static json_t *json_of(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (!j)
        fail_msg("json: %s", e.text);
    return j;
}

static void test_documents(void **state)
{
    (void)state;
    hsec_scenario *s = load_path(SOURCE_ROOT "/examples/collective-defence.json");
    const hsec_compiled *c = hsec_scenario_compiled(s);
    /* read */
    assert_string_equal(hsec_compiled_region_label(c, 1), "Frontline region");
    unsigned tp = 0;
    OK(hsec_scenario_threat_topics(&tp, s, 3)); /* shelling */
    assert_int_equal(tp, HSEC_TOPIC_PROTECTION_OF_CIVILIANS |
                             HSEC_TOPIC_CHILDREN_AND_ARMED_CONFLICT);
    hsec_branch br;
    OK(hsec_scenario_measure_branch(&br, s, 4)); /* joint_patrols */
    assert_int_equal(br, HSEC_BRANCH_MILITARY_POLICE);
    /* written and read back: the same labels, topics and branches */
    char path[] = "/tmp/hsec-lens-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    OK(hsec_doc_save_scenario(path, s, HSEC_FORMAT_JSON));
    hsec_scenario *back = load_path(path);
    unlink(path);
    const hsec_compiled *cb = hsec_scenario_compiled(back);
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++) {
        const char *x = hsec_compiled_region_label(c, i), *y = hsec_compiled_region_label(cb, i);
        assert_true((!x && !y) || (x && y && !strcmp(x, y)));
    }
    for (size_t i = 0; i < hsec_compiled_service_count(c); i++) {
        const char *x = hsec_compiled_service_label(c, i), *y = hsec_compiled_service_label(cb, i);
        assert_true((!x && !y) || (x && y && !strcmp(x, y)));
    }
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        unsigned a = 0, b = 0;
        OK(hsec_scenario_threat_topics(&a, s, h));
        OK(hsec_scenario_threat_topics(&b, back, h));
        assert_int_equal(a, b);
    }
    for (size_t m = 0; m < hsec_scenario_measure_count(s); m++) {
        unsigned a = 0, b = 0;
        hsec_branch x, y;
        OK(hsec_scenario_measure_topics(&a, s, m));
        OK(hsec_scenario_measure_topics(&b, back, m));
        OK(hsec_scenario_measure_branch(&x, s, m));
        OK(hsec_scenario_measure_branch(&y, back, m));
        assert_int_equal(a, b);
        assert_int_equal(x, y);
    }
    hsec_scenario_free(back);
    /* the results document: topics and flags as the API gives them */
    hsec_result *r = run_ok(s);
    char *text = NULL;
    size_t len = 0;
    OK(hsec_doc_results_json(&text, &len, r, s));
    json_t *doc = json_of(text);
    hsec_free_string(text);
    json_t *bt = json_object_get(json_object_get(doc, "burden"), "topics");
    assert_non_null(bt);
    for (int k = 0; k < HSEC_TOPIC_COUNT; k++)
        assert_true(json_real_value(json_object_get(bt, hsec_enum_name(HSEC_ENUM_TOPIC, k))) ==
                    burden_of(r, HSEC_BURDEN_TOPIC, (size_t)k));
    assert_null(json_object_get(bt, "none")); /* every threat carries a topic */
    json_t *fl = json_object_get(json_object_get(doc, "burden"), "flags");
    double v[HSEC_IMPACT_COUNT];
    OK(hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)bit(HSEC_FLAG_WOMEN)));
    json_t *w = json_object_get(fl, "women");
    assert_true(json_real_value(json_object_get(w, "per_capita")) == v[3]);
    assert_true(json_real_value(json_object_get(w, "ratio")) == v[4]);
    assert_true(json_number_value(json_object_get(w, "people")) == 55000);
    assert_null(json_object_get(fl, "indigenous")); /* no group carries it */
    assert_non_null(json_object_get(fl, "population"));
    json_t *tasks = json_object_get(doc, "measures_by_branch");
    assert_int_equal(json_array_size(json_object_get(tasks, "engineering")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(tasks, "medical"), 0)),
                        "survivor_care");
    json_t *shell = json_object_get(json_object_get(doc, "threats"), "shelling");
    assert_int_equal(json_array_size(json_object_get(shell, "topics")), 2);
    json_decref(doc);
    hsec_result_free(r);
    /* the comparison: averted by topic, flag and branch */
    size_t np = hsec_scenario_package_count(s);
    hsec_result **res = calloc(1 + np, sizeof *res);
    double *branches = calloc(np * HSEC_BRANCH_COUNT, sizeof *branches);
    assert_non_null(res);
    assert_non_null(branches);
    OK(hsec_scenario_compare(res, 1 + np, s));
    for (size_t p = 0; p < np; p++)
        OK(hsec_scenario_compare_branches(branches + p * HSEC_BRANCH_COUNT, HSEC_BRANCH_COUNT,
                                          s, res[0], p));
    assert_int_equal(hsec_doc_compare_json_with(&text, &len, res, 1 + np, s, branches, 3),
                     HSEC_EINVAL);
    OK(hsec_doc_compare_json_with(&text, &len, res, 1 + np, s, branches,
                                  np * HSEC_BRANCH_COUNT));
    doc = json_of(text);
    hsec_free_string(text);
    json_t *pk = json_object_get(json_object_get(doc, "packages"), "protect_displaced");
    json_t *ab = json_object_get(pk, "averted_by_branch");
    assert_true(json_real_value(json_object_get(ab, "military_police")) ==
                branches[1 * HSEC_BRANCH_COUNT + HSEC_BRANCH_MILITARY_POLICE]);
    assert_null(json_object_get(ab, "engineering")); /* not in the package */
    json_t *at = json_object_get(json_object_get(pk, "averted"), "topics");
    assert_true(json_real_value(json_object_get(at, "conflict_related_sexual_violence")) ==
                burden_of(res[0], HSEC_BURDEN_TOPIC, 1) - burden_of(res[2], HSEC_BURDEN_TOPIC, 1));
    json_t *af = json_object_get(json_object_get(json_object_get(pk, "averted"), "flags"),
                                 "displaced");
    double vb[HSEC_IMPACT_COUNT], vp[HSEC_IMPACT_COUNT];
    OK(hsec_result_impact(vb, HSEC_IMPACT_COUNT, res[0], (size_t)bit(HSEC_FLAG_DISPLACED)));
    OK(hsec_result_impact(vp, HSEC_IMPACT_COUNT, res[2], (size_t)bit(HSEC_FLAG_DISPLACED)));
    NEAR(json_real_value(json_object_get(af, "per_capita")), vb[3] - vp[3], 1e-12);
    assert_true(json_real_value(json_object_get(af, "per_capita")) > 0);
    assert_int_equal(json_array_size(json_object_get(json_object_get(pk, "measures_by_branch"),
                                                     "g4_logistics")), 1);
    json_decref(doc);
    /* without branch figures, none are written */
    OK(hsec_doc_compare_json(&text, &len, res, 1 + np, s));
    doc = json_of(text);
    hsec_free_string(text);
    pk = json_object_get(json_object_get(doc, "packages"), "protect_displaced");
    assert_null(json_object_get(pk, "averted_by_branch"));
    json_decref(doc);
    for (size_t i = 0; i <= np; i++)
        hsec_result_free(res[i]);
    free(res);
    free(branches);
    hsec_scenario_free(s);
}

static void test_document_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json, *msg;
    } bads[] = {
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\",\"label\":3}]}", "label"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\",\"lable\":\"x\"}]}",
         "unknown key \"lable\" (did you mean \"label\"?)"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"services\":[{\"id\":\"s\","
         "\"kind\":\"watr\"}]}", "(did you mean \"water\"?)"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[{\"id\":\"g\",\"region\":\"r\","
         "\"size\":1}],\"threats\":[{\"id\":\"t\",\"topics\":[\"peace\"],\"targets\":[]}]}",
         "topic \"peace\" is not one of protection_of_civilians"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[{\"id\":\"g\",\"region\":\"r\","
         "\"size\":1}],\"measures\":[{\"id\":\"m\",\"kind\":\"protection\",\"effect\":\"shield\","
         "\"fraction\":0.5,\"branch\":\"g6\",\"targets\":[]}]}",
         "branch \"g6\" is not one of none, g1_personnel"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[{\"id\":\"g\",\"region\":\"r\","
         "\"size\":1,\"label\":\"x\"}]}", "label"},
        {"{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[{\"id\":\"g\",\"region\":\"r\","
         "\"size\":1}],\"threats\":[{\"id\":\"t\",\"topics\":\"protection_of_civilians\","
         "\"targets\":[]}]}", "topics"},
    };
    for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
        hsec_loader *l = NULL;
        OK(hsec_loader_new(&l, NULL));
        hsec_scenario *s = NULL;
        int rc = hsec_loader_load(&s, l, bads[i].json, strlen(bads[i].json));
        if (rc == HSEC_OK || !strstr(hsec_loader_errmsg(l), bads[i].msg))
            fail_msg("case %zu: %d \"%s\", expected a message with \"%s\"", i, rc,
                     hsec_loader_errmsg(l), bads[i].msg);
        assert_null(s);
        hsec_loader_free(l);
    }
}

/* ---- "did you mean" */

static void test_nearest(void **state)
{
    (void)state;
    assert_string_equal(hsec_nearest("helth", dim_names, 7), "health");
    assert_string_equal(hsec_nearest("fodo", dim_names, 7), "food"); /* a transposition */
    assert_string_equal(hsec_nearest("comunity", dim_names, 7), "community");
    assert_null(hsec_nearest("xyz", dim_names, 7));      /* nothing near */
    assert_null(hsec_nearest("health", dim_names, 7));   /* itself is not a suggestion */
    assert_null(hsec_nearest("hea", dim_names, 7));      /* 3 edits from health: too far */
    static const char *const ties[] = {"bat", "cat", "hat"};
    assert_string_equal(hsec_nearest("aat", ties, 3), "bat"); /* the first in byte order */
    static const char *const rev[] = {"hat", "cat", "bat"};
    assert_string_equal(hsec_nearest("aat", rev, 3), "bat"); /* whatever the order */
    assert_null(hsec_nearest(NULL, dim_names, 7));
    assert_null(hsec_nearest("x", NULL, 0));
    /* in the library's messages: nodes, groups, regions, ids */
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "east", NULL));
    OK(hsec_model_add_group(m, "elderly", "east", 10));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east"));
    assert_int_equal(hsec_model_set(m, "eldrly.health", HSEC_PARAM_VULNERABILITY, 2),
                     HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_model_errmsg(m), "(did you mean \"elderly.health\"?)"));
    assert_int_equal(hsec_model_add_link(m, "grid", "elderly.helth", 0.5, 0), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "(did you mean \"elderly.health\"?)"));
    OK(hsec_model_add_link(m, "gird", "elderly.health", 0.5, 0));
    hsec_compiled *c = NULL;
    assert_int_equal(hsec_model_compile(&c, m), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_model_errmsg(m), "from \"gird\" is not a node (did you mean "
                                                 "\"grid\"?)"));
    hsec_model_free(m);
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "east", NULL));
    OK(hsec_model_add_group(m, "elderly", "esat", 10));
    assert_int_equal(hsec_model_compile(&c, m), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_model_errmsg(m), "(did you mean \"east\"?)"));
    hsec_model_free(m);
    hsec_scenario *s = three_groups();
    assert_int_equal(hsec_scenario_add_threat_target(s, "ta", "a.fod", 0.1), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "(did you mean \"a.food\"?)"));
    assert_int_equal(hsec_scenario_add_threat_target(s, "tx", "a.food", 0.1), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "no threat \"tx\" (did you mean \"ta\"?)"));
    assert_int_equal(hsec_scenario_add_threat_target(s, "ta", "zzzzzz", 0.1), HSEC_ENOTFOUND);
    assert_null(strstr(hsec_scenario_errmsg(s), "did you mean"));
    size_t node;
    assert_int_equal(hsec_compiled_find_node(&node, hsec_scenario_compiled(s), "b.helth"),
                     HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_last_errmsg(), "(did you mean \"b.health\"?)"));
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impacts_by_hand),
        cmocka_unit_test(test_impacts_dynamic_sums),
        cmocka_unit_test(test_topics_sum_threats),
        cmocka_unit_test(test_branches_are_runs),
        cmocka_unit_test(test_setters_and_getters),
        cmocka_unit_test(test_labels_and_colons),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_document_errors),
        cmocka_unit_test(test_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
