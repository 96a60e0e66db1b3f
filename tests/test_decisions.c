/* Packages and comparison, ranking, budgets, coupling (doc/decisions.md),
 * checked against brute force and hand computation. */
#include "util.h"

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
    assert_int_equal(hsec_scenario_measure_kind(s, 2), HSEC_EMPOWERMENT);
    NEAR(hsec_scenario_measure_cost(s, 1), 30, 0);
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
        OK(hsec_scenario_run_with(&r, s, masks[i]));
        assert_memory_equal(hsec_result_q(r), hsec_result_q(res[i]),
                            hsec_result_node_count(r) * sizeof(double));
        assert_true(burden_of(r, HSEC_BURDEN_TOTAL, 0) == burden_of(res[i], HSEC_BURDEN_TOTAL, 0));
        hsec_result_free(r);
    }
    /* the baseline is the scenario without its measures: a hand check of
     * the static equilibrium of the same chain */
    double base = burden_of(res[0], HSEC_BURDEN_PROPAGATED, 0);
    double prot_b = burden_of(res[1], HSEC_BURDEN_PROPAGATED, 0);
    double emp_b = burden_of(res[2], HSEC_BURDEN_PROPAGATED, 0);
    assert_true(prot_b < base && emp_b < base);
    /* burden by group sums to the propagated burden */
    NEAR(burden_of(res[1], HSEC_BURDEN_GROUP, 0), prot_b, 1e-12);
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
            char id[8];
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packages),
        cmocka_unit_test(test_compare_is_runs_with_masks),
        cmocka_unit_test(test_superposition),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
