/* Every bad argument to the builder and scenario API: an error code, a
 * message naming the field and the value, and a handle that stays usable. */
#include "util.h"

#define FAILS(expr, code, frag, msgfn, h)          \
    do {                                           \
        assert_int_equal((expr), (code));          \
        HAS(msgfn(h), frag);                       \
    } while (0)
#define MFAIL(expr, code, frag) FAILS(expr, code, frag, hsec_model_errmsg, m)
#define SFAIL(expr, code, frag) FAILS(expr, code, frag, hsec_scenario_errmsg, s)

static void test_version_and_enums(void **state)
{
    (void)state;
    assert_int_equal(hsec_version_number(), HSEC_VERSION_NUMBER);
    assert_string_equal(hsec_version_string(), HSEC_VERSION_STRING);
    assert_string_equal(hsec_strerror(HSEC_ENOCONV), "the linear model cannot converge");
    assert_string_equal(hsec_strerror(12345), "unknown error");
    int v = -1;
    OK(hsec_enum_value(&v, HSEC_ENUM_SERVICE_KIND, "policing_justice"));
    assert_int_equal(v, HSEC_SERVICE_POLICING_JUSTICE);
    assert_int_equal(hsec_enum_value(&v, HSEC_ENUM_DIMENSION, "wealth"), HSEC_ENOTFOUND);
    assert_int_equal(hsec_enum_value(NULL, HSEC_ENUM_DIMENSION, "food"), HSEC_EINVAL);
    assert_null(hsec_enum_name(HSEC_ENUM_DIMENSION, 7));
    assert_null(hsec_enum_name(HSEC_ENUM_DIMENSION, -1));
    assert_null(hsec_enum_name((hsec_enum)99, 0));
    for (int i = 0; i < HSEC_THREAT_ACTOR_COUNT; i++) { /* names round-trip */
        OK(hsec_enum_value(&v, HSEC_ENUM_THREAT_ACTOR,
                           hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, i)));
        assert_int_equal(v, i);
    }
    assert_string_equal(hsec_enum_name(HSEC_ENUM_FLAG, 5), "displaced");
    double lo, hi;
    OK(hsec_option_bounds(&lo, &hi, HSEC_OPT_STEPS));
    NEAR(lo, 1, 0);
    NEAR(hi, 1e7, 0);
    assert_int_equal(hsec_option_bounds(&lo, &hi, (hsec_option)99), HSEC_EINVAL);
}

static void test_null_handles(void **state)
{
    (void)state;
    hsec_model_free(NULL);
    hsec_compiled_free(NULL);
    hsec_scenario_free(NULL);
    hsec_result_free(NULL);
    hsec_free_string(NULL);
    assert_int_equal(hsec_model_new(NULL, NULL), HSEC_EINVAL);
    assert_int_equal(hsec_model_add_region(NULL, "a", NULL), HSEC_EINVAL);
    assert_int_equal(hsec_model_compile(NULL, NULL), HSEC_EINVAL);
    hsec_scenario *s = (hsec_scenario *)1;
    assert_int_equal(hsec_scenario_new(&s, NULL), HSEC_EINVAL);
    assert_null(s);
    hsec_result *r = (hsec_result *)1;
    assert_int_equal(hsec_scenario_run(&r, NULL), HSEC_EINVAL);
    assert_null(r);
    assert_int_equal(hsec_compiled_node_count(NULL), 0);
    assert_null(hsec_compiled_node_name(NULL, 0));
    assert_true(isnan(hsec_compiled_group_size(NULL, 0)));
    hsec_allocator bad = {NULL, NULL, NULL, NULL};
    hsec_model *m = (hsec_model *)1;
    assert_int_equal(hsec_model_new(&m, &bad), HSEC_EINVAL);
    assert_null(m);
}

static void test_model_bad_values(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "east", NULL));
    MFAIL(hsec_model_add_region(m, "east", NULL), HSEC_EEXIST, "\"east\" is already used");
    MFAIL(hsec_model_add_region(m, "a.b", NULL), HSEC_EINVAL, "\"a.b\"");
    MFAIL(hsec_model_add_region(m, "", NULL), HSEC_EINVAL, "region id");
    MFAIL(hsec_model_add_region(m, NULL, NULL), HSEC_EINVAL, "(null)");
    char longid[80];
    memset(longid, 'x', 65);
    longid[65] = '\0';
    MFAIL(hsec_model_add_region(m, longid, NULL), HSEC_EINVAL, "region id");
    longid[64] = '\0';
    OK(hsec_model_add_region(m, longid, NULL)); /* 64 characters are fine */
    MFAIL(hsec_model_add_group(m, "g", "east", -5), HSEC_EINVAL, "size -5");
    MFAIL(hsec_model_add_group(m, "g", "east", NAN), HSEC_EINVAL, "size nan");
    MFAIL(hsec_model_add_group(m, "g", "east", INFINITY), HSEC_EINVAL, "size inf");
    MFAIL(hsec_model_add_group(m, "g", NULL, 5), HSEC_EINVAL, "region is required");
    MFAIL(hsec_model_add_group(m, "east", "east", 5), HSEC_EEXIST, "already used");
    OK(hsec_model_add_group(m, "g", "east", 5));
    MFAIL(hsec_model_set_group_flags(m, "g", 1u << 9), HSEC_EINVAL, "unknown bits");
    MFAIL(hsec_model_set_group_flags(m, "nobody", 1), HSEC_ENOTFOUND, "nobody");
    MFAIL(hsec_model_add_service(m, "s", (hsec_service_kind)13, NULL), HSEC_EINVAL, "kind 13");
    OK(hsec_model_add_service(m, "s", HSEC_SERVICE_WATER, NULL));
    MFAIL(hsec_model_set(m, "g", HSEC_PARAM_VULNERABILITY, -1), HSEC_EINVAL,
          "vulnerability -1");
    MFAIL(hsec_model_set(m, "g.food", HSEC_PARAM_RECOVERY, 0), HSEC_EINVAL, "recovery 0");
    MFAIL(hsec_model_set(m, "g.food", HSEC_PARAM_RECOVERY, 1.5), HSEC_EINVAL, "recovery 1.5");
    MFAIL(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY_TIME, 0), HSEC_EINVAL, "recovery_time 0");
    MFAIL(hsec_model_set(m, "g", HSEC_PARAM_BASELINE, 1.2), HSEC_EINVAL, "baseline 1.2");
    MFAIL(hsec_model_set(m, "g", HSEC_PARAM_INITIAL, NAN), HSEC_EINVAL, "initial nan");
    MFAIL(hsec_model_set(m, "g", HSEC_PARAM_WEIGHT, INFINITY), HSEC_EINVAL, "weight inf");
    MFAIL(hsec_model_set(m, "g", (hsec_param)42, 1), HSEC_EINVAL, "parameter 42");
    MFAIL(hsec_model_set(m, "s", HSEC_PARAM_VULNERABILITY, 2), HSEC_EINVAL,
          "service s has no vulnerability");
    MFAIL(hsec_model_set(m, "s.food", HSEC_PARAM_INITIAL, 0.5), HSEC_ENOTFOUND, "s.food");
    MFAIL(hsec_model_set(m, "g.wealth", HSEC_PARAM_INITIAL, 0.5), HSEC_ENOTFOUND, "g.wealth");
    MFAIL(hsec_model_set(m, "east", HSEC_PARAM_INITIAL, 0.5), HSEC_ENOTFOUND, "east");
    MFAIL(hsec_model_add_link(m, "s", "g.food", 1.5, 0), HSEC_EINVAL, "weight 1.5");
    MFAIL(hsec_model_add_link(m, "s", "g.food", -0.2, 0), HSEC_EINVAL, "weight -0.2");
    MFAIL(hsec_model_add_link(m, "s", "g.food", NAN, 0), HSEC_EINVAL, "weight nan");
    MFAIL(hsec_model_add_link(m, "s", "g.food", 0.5, 1.5), HSEC_EINVAL, "lag 1.5");
    MFAIL(hsec_model_add_link(m, "s", "g.food", 0.5, -1), HSEC_EINVAL, "lag -1");
    MFAIL(hsec_model_add_link(m, "s!", "g.food", 0.5, 0), HSEC_EINVAL, "from \"s!\"");
    MFAIL(hsec_model_use_template(m, "everything"), HSEC_ENOTFOUND, "\"everything\"");
    /* the handle stays usable after every failure */
    OK(hsec_model_add_link(m, "s", "g.food", 0.5, 2));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    assert_int_equal(hsec_compiled_node_count(c), 8);
    assert_string_equal(hsec_compiled_node_name(c, 7), "s");
    assert_string_equal(hsec_compiled_node_name(c, 2), "g.health");
    hsec_compiled_free(c);
    hsec_model_free(m);
}

static void test_compile_errors(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    hsec_compiled *c = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "a", "b"));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND, "region a: parent \"b\" is not a region");
    assert_null(c);
    OK(hsec_model_add_region(m, "b", "a"));
    MFAIL(hsec_model_compile(&c, m), HSEC_EINVAL, "parents loops");
    hsec_model_free(m);

    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_group(m, "g", "nowhere", 1));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND, "group g: region \"nowhere\"");
    hsec_model_free(m);

    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_service(m, "s", HSEC_SERVICE_WATER, "elsewhere"));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND, "service s: region \"elsewhere\"");
    hsec_model_free(m);

    m = services("a b");
    OK(hsec_model_add_link(m, "a", "ghost", 0.1, 0));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND, "to \"ghost\" is not a node");
    hsec_model_free(m);

    m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.1, 0));
    OK(hsec_model_add_link(m, "a", "b", 0.2, 1));
    MFAIL(hsec_model_compile(&c, m), HSEC_EEXIST, "links 0 and 1 both join a -> b");
    hsec_model_free(m);

    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 1));
    OK(hsec_model_add_link(m, "r", "g.food", 0.1, 0));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND, "from \"r\" is not a node");
    hsec_model_free(m);

    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 1));
    OK(hsec_model_set(m, "g", HSEC_PARAM_WEIGHT, 0));
    MFAIL(hsec_model_compile(&c, m), HSEC_EINVAL, "group g: vital-core weights sum to 0");
    hsec_model_free(m);
}

static void test_scenario_bad_values(void **state)
{
    (void)state;
    hsec_model *m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    SFAIL(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY), HSEC_EEXIST, "\"t\"");
    SFAIL(hsec_scenario_add_threat(s, "x y", HSEC_THREAT_ADVERSARY), HSEC_EINVAL, "\"x y\"");
    SFAIL(hsec_scenario_add_threat(s, "u", (hsec_threat_actor)9), HSEC_EINVAL, "actor 9");
    SFAIL(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, -1), HSEC_EINVAL, "start -1");
    SFAIL(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 2.5), HSEC_EINVAL, "start 2.5");
    SFAIL(hsec_scenario_set_threat(s, "t", HSEC_TIMING_DURATION, -2), HSEC_EINVAL,
          "duration -2");
    SFAIL(hsec_scenario_set_threat(s, "t", HSEC_TIMING_LIKELIHOOD, 1.1), HSEC_EINVAL,
          "likelihood 1.1");
    SFAIL(hsec_scenario_set_threat(s, "t", HSEC_TIMING_RAMP, 1), HSEC_EINVAL, "no timing");
    SFAIL(hsec_scenario_set_threat(s, "zz", HSEC_TIMING_START, 1), HSEC_ENOTFOUND, "\"zz\"");
    SFAIL(hsec_scenario_add_threat_target(s, "t", "a", 1.5), HSEC_EINVAL, "magnitude 1.5");
    SFAIL(hsec_scenario_add_threat_target(s, "t", "nowhere", 0.5), HSEC_ENOTFOUND,
          "target \"nowhere\"");
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    SFAIL(hsec_scenario_add_threat_target(s, "t", "r", 0.5), HSEC_EEXIST,
          "node a is reached twice");
    OK(hsec_scenario_add_measure(s, "m", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.5));
    SFAIL(hsec_scenario_add_measure(s, "m", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.5),
          HSEC_EEXIST, "\"m\"");
    SFAIL(hsec_scenario_add_measure(s, "n", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 2),
          HSEC_EINVAL, "fraction 2");
    SFAIL(hsec_scenario_add_measure(s, "n", HSEC_PROTECTION, HSEC_RECOVER, HSEC_BY_NGO, NAN),
          HSEC_EINVAL, "delta nan");
    SFAIL(hsec_scenario_add_measure(s, "n", (hsec_measure_kind)2, HSEC_SHIELD, HSEC_BY_NGO, 1),
          HSEC_EINVAL, "kind 2");
    SFAIL(hsec_scenario_add_measure(s, "n", HSEC_PROTECTION, (hsec_effect)4, HSEC_BY_NGO, 1),
          HSEC_EINVAL, "effect 4");
    SFAIL(hsec_scenario_add_measure(s, "n", HSEC_PROTECTION, HSEC_SHIELD,
                                    (hsec_measure_actor)6, 1),
          HSEC_EINVAL, "actor 6");
    SFAIL(hsec_scenario_set_measure(s, "m", HSEC_TIMING_COST, -1), HSEC_EINVAL, "cost -1");
    SFAIL(hsec_scenario_set_measure(s, "m", HSEC_TIMING_RAMP, 0.5), HSEC_EINVAL, "ramp 0.5");
    SFAIL(hsec_scenario_set_measure(s, "m", HSEC_TIMING_LIKELIHOOD, 1), HSEC_EINVAL,
          "no timing");
    SFAIL(hsec_scenario_add_measure_link(s, "m", "a", "b"), HSEC_EINVAL,
          "only decouple targets links");
    OK(hsec_scenario_add_measure(s, "d", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.5));
    SFAIL(hsec_scenario_add_measure_target(s, "d", "a"), HSEC_EINVAL, "decouple targets links");
    SFAIL(hsec_scenario_add_measure_link(s, "d", "b", "a"), HSEC_ENOTFOUND,
          "there is no link b -> a");
    SFAIL(hsec_scenario_add_measure_link(s, "d", "q", "a"), HSEC_ENOTFOUND, "from \"q\"");
    SFAIL(hsec_scenario_add_measure_link(s, "d", NULL, "q"), HSEC_ENOTFOUND, "\"q\"");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 0), HSEC_EINVAL, "run.steps: 0");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 1e7 + 1), HSEC_EINVAL, "run.steps");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 3.5), HSEC_EINVAL, "run.steps: 3.5");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_MODE, 2), HSEC_EINVAL, "run.mode");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_RECOVERY_LAMBDA, 1), HSEC_EINVAL,
          "run.recovery_lambda: 1");
    SFAIL(hsec_scenario_set_option(s, HSEC_OPT_RECOVERY_LAMBDA, NAN), HSEC_EINVAL,
          "run.recovery_lambda: nan");
    SFAIL(hsec_scenario_set_option(s, (hsec_option)99, 1), HSEC_EINVAL, "option 99");
    SFAIL(hsec_scenario_set_step_unit(s, "two words"), HSEC_EINVAL, "\"two words\"");
    SFAIL(hsec_scenario_record(s, "ghost"), HSEC_ENOTFOUND, "\"ghost\"");
    /* dynamic without steps; bands out of order */
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    hsec_result *r = (hsec_result *)1;
    SFAIL(hsec_scenario_run(&r, s), HSEC_EINVAL, "run.steps is required");
    assert_null(r);
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 10));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BAND_SHORT, 95));
    SFAIL(hsec_scenario_run(&r, s), HSEC_EINVAL, "run.bands");
    OK(hsec_scenario_set_option(s, HSEC_OPT_BAND_SHORT, 5));
    r = run_ok(s); /* usable after every failure */
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* A linear run whose spectral radius is not below 1 is refused; bounded
 * mode runs the same model. */
static void test_linear_cannot_converge(void **state)
{
    (void)state;
    /* a 2-cycle of weight 1 x 1: rho = 1 */
    hsec_model *m = services("a b c");
    OK(hsec_model_add_link(m, "a", "b", 1, 0));
    OK(hsec_model_add_link(m, "b", "a", 1, 0));
    OK(hsec_model_add_link(m, "b", "c", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "c", 0.1));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = NULL;
    SFAIL(hsec_scenario_run(&r, s), HSEC_ENOCONV, "spectral radius of A' is at least 1");
    assert_null(r);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 1));
    r = run_ok(s);
    NEAR(hsec_result_q(r)[2], 0.1, 1e-15);
    hsec_result_free(r);
    /* a shield cannot help, but a decouple measure brings rho below 1 */
    OK(hsec_scenario_add_measure(s, "d", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_MILITARY, 0.2));
    OK(hsec_scenario_add_measure_link(s, "d", "a", "b"));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    r = run_ok(s);
    hsec_result_free(r);
    hsec_scenario_free(s);

    /* vulnerability can push rho past 1: v = 2.5 on a 0.5 self-loop */
    hsec_model *m2 = one_group(1);
    OK(hsec_model_add_link(m2, "g.food", "g.health", 0.9, 0));
    OK(hsec_model_add_link(m2, "g.health", "g.food", 0.9, 0));
    OK(hsec_model_set(m2, "g", HSEC_PARAM_VULNERABILITY, 1.2));
    s = scenario_of(m2);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    SFAIL(hsec_scenario_run(&r, s), HSEC_ENOCONV, "spectral radius");
    hsec_scenario_free(s);
}

/* Periodic and reducible matrices with rho < 1 but row or column sums
 * above 1 still run linearly. */
static void test_linear_converges_despite_big_sums(void **state)
{
    (void)state;
    hsec_model *m = services("a b c");
    OK(hsec_model_add_link(m, "a", "b", 1, 0)); /* row sum of b: 1; col sum of a: 1.7 */
    OK(hsec_model_add_link(m, "a", "c", 0.7, 0));
    OK(hsec_model_add_link(m, "b", "a", 0.5, 0)); /* cycle a-b: rho = sqrt(0.5) */
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.1));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    hsec_result *r = run_ok(s);
    NEAR(hsec_result_q(r)[0], 0.2, 1e-12); /* q_a = 0.1 / (1 - 0.5) */
    NEAR(hsec_result_q(r)[1], 0.2, 1e-12);
    NEAR(hsec_result_q(r)[2], 0.14, 1e-12);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

static void test_templates(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "country", NULL));
    OK(hsec_model_add_region(m, "east", "country"));
    OK(hsec_model_add_region(m, "west", "country"));
    OK(hsec_model_add_group(m, "e", "east", 1));
    OK(hsec_model_add_group(m, "w", "west", 1));
    OK(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "east"));
    OK(hsec_model_add_service(m, "ministry", HSEC_SERVICE_GOVERNANCE, NULL));
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_use_template(m, "services"));
    OK(hsec_model_add_link(m, "clinic", "e.health", 0.05, 0)); /* replaces the template's */
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    /* 14 dimension links per group; clinic -> e.health; ministry -> 2 dims of both */
    assert_int_equal(hsec_compiled_link_count(c), 2 * 14 + 1 + 2 * 2);
    hsec_compiled_free(c);
    hsec_model_free(m);
    /* the explicit weight is the one used */
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 1));
    OK(hsec_model_add_service(m, "clinic", HSEC_SERVICE_HEALTH_CARE, "r"));
    OK(hsec_model_use_template(m, "services"));
    OK(hsec_model_add_link(m, "clinic", "g.health", 0.05, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "clinic", 1));
    hsec_result *r = run_ok(s);
    NEAR(q_of(r, s, "g.health"), 0.05, 1e-15);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_enums),
        cmocka_unit_test(test_null_handles),
        cmocka_unit_test(test_model_bad_values),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_scenario_bad_values),
        cmocka_unit_test(test_linear_cannot_converge),
        cmocka_unit_test(test_linear_converges_despite_big_sums),
        cmocka_unit_test(test_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
