/* Warnings (hsec_warning), the measures a run had in force, and ranking
 * with a chosen set of measures. */
#include "util.h"

#include <jansson.h>

/* The codes and messages of a scenario's warnings, as "code:message|...". */
static void scenario_warnings(char *out, size_t size, const hsec_scenario *s)
{
    out[0] = '\0';
    for (size_t i = 0; i < hsec_scenario_diagnostic_count(s); i++) {
        hsec_warning code = 0;
        const char *msg = NULL;
        OK(hsec_scenario_diagnostic(&code, &msg, s, i));
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%d:%s|", (int)code, msg);
    }
}

/* Does the i-th warning of s have this code and name `who` in quotes? */
static void expect_warning(const hsec_scenario *s, size_t i, hsec_warning code, const char *who)
{
    hsec_warning got = 0;
    const char *msg = NULL;
    OK(hsec_scenario_diagnostic(&got, &msg, s, i));
    char quoted[80];
    snprintf(quoted, sizeof quoted, "\"%s\"", who);
    if (got != code || !strstr(msg, quoted))
        fail_msg("warning %zu: %d \"%s\", expected %d naming %s", i, (int)got, msg, (int)code,
                 quoted);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(hsec_warning_name(HSEC_WARN_NEVER_IN_FORCE), "never_in_force");
    assert_string_equal(hsec_warning_name(HSEC_WARN_UNREACHABLE), "unreachable");
    assert_string_equal(hsec_warning_name(HSEC_WARN_EMPTY_GROUP), "empty_group");
    assert_string_equal(hsec_warning_name(HSEC_WARN_FLAT_SERIES), "flat_series");
    assert_null(hsec_warning_name(0));
    assert_null(hsec_warning_name(5));
    assert_int_equal(HSEC_WARN_NEVER_IN_FORCE, 1);
    assert_int_equal(HSEC_WARN_UNREACHABLE, 2);
    assert_int_equal(HSEC_WARN_EMPTY_GROUP, 3);
    assert_int_equal(HSEC_WARN_FLAT_SERIES, 4);
}

/* a -> b -> c, threat on a; each measure reaches something. */
static hsec_scenario *chain(void)
{
    hsec_model *m = services("a b c");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    OK(hsec_model_add_link(m, "b", "c", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    return s;
}

static void add_measure(hsec_scenario *s, const char *id, hsec_effect effect, const char *node)
{
    OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, effect, HSEC_BY_MILITARY,
                                 effect == HSEC_RECOVER ? 0.1 : 0.5));
    if (node)
        OK(hsec_scenario_add_measure_target(s, id, node));
}

static void test_never_in_force(void **state)
{
    (void)state;
    hsec_scenario *s = chain();
    OK(hsec_scenario_add_threat(s, "late", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "late", "a", 0.5));
    OK(hsec_scenario_set_threat(s, "late", HSEC_TIMING_START, 10));
    OK(hsec_scenario_add_threat(s, "last", HSEC_THREAT_NATURAL)); /* starts at the last step */
    OK(hsec_scenario_add_threat_target(s, "last", "b", 0.5));
    OK(hsec_scenario_set_threat(s, "last", HSEC_TIMING_START, 9));
    OK(hsec_scenario_add_threat(s, "zero", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "zero", "c", 0.5));
    OK(hsec_scenario_set_threat(s, "zero", HSEC_TIMING_DURATION, 0));
    add_measure(s, "mlate", HSEC_RECOVER, "b");
    OK(hsec_scenario_set_measure(s, "mlate", HSEC_TIMING_START, 12));
    add_measure(s, "mok", HSEC_RECOVER, "b");
    OK(hsec_scenario_set_measure(s, "mok", HSEC_TIMING_START, 9));
    add_measure(s, "mzero", HSEC_RECOVER, "c");
    OK(hsec_scenario_set_measure(s, "mzero", HSEC_TIMING_DURATION, 0));
    dynamic(s, 10);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 0); /* found only when asked or run */
    hsec_result *r = run_ok(s);
    char all[2048];
    scenario_warnings(all, sizeof all, s);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 4);
    expect_warning(s, 0, HSEC_WARN_NEVER_IN_FORCE, "late");
    expect_warning(s, 1, HSEC_WARN_NEVER_IN_FORCE, "zero");
    expect_warning(s, 2, HSEC_WARN_NEVER_IN_FORCE, "mlate");
    expect_warning(s, 3, HSEC_WARN_NEVER_IN_FORCE, "mzero");
    const char *msg = NULL;
    OK(hsec_scenario_diagnostic(NULL, &msg, s, 0));
    HAS(msg, "step 10");
    OK(hsec_scenario_diagnostic(NULL, &msg, s, 1));
    HAS(msg, "duration is 0");
    hsec_result_free(r);
    /* a longer horizon brings the late ones in */
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 13));
    OK(hsec_scenario_diagnose(s));
    assert_int_equal(hsec_scenario_diagnostic_count(s), 2);
    expect_warning(s, 0, HSEC_WARN_NEVER_IN_FORCE, "zero");
    expect_warning(s, 1, HSEC_WARN_NEVER_IN_FORCE, "mzero");
    /* static: everything at full strength, nothing to warn of */
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    OK(hsec_scenario_diagnose(s));
    assert_int_equal(hsec_scenario_diagnostic_count(s), 0);
    hsec_scenario_free(s);
}

/* a -> b -> c (0 ->) d -> e; threat on a. */
static hsec_scenario *reach_scenario(double initial_d)
{
    hsec_model *m = services("a b c d e");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    OK(hsec_model_add_link(m, "b", "c", 0.5, 0));
    OK(hsec_model_add_link(m, "c", "d", 0, 0)); /* carries nothing */
    OK(hsec_model_add_link(m, "d", "e", 0.5, 0));
    OK(hsec_model_add_group(m, "g", "r", 100));
    OK(hsec_model_add_link(m, "c", "g.health", 0.5, 0));
    if (initial_d > 0)
        OK(hsec_model_set(m, "d", HSEC_PARAM_INITIAL, initial_d));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    add_measure(s, "shield_a", HSEC_SHIELD, "a");
    add_measure(s, "shield_b", HSEC_SHIELD, "b"); /* reached, but no threat's perturbation */
    add_measure(s, "recover_c", HSEC_RECOVER, "c"); /* two links away */
    add_measure(s, "recover_d", HSEC_RECOVER, "d"); /* only through the weightless link */
    add_measure(s, "decouple_ab", HSEC_DECOUPLE, NULL);
    OK(hsec_scenario_add_measure_link(s, "decouple_ab", "a", "b"));
    add_measure(s, "decouple_de", HSEC_DECOUPLE, NULL);
    OK(hsec_scenario_add_measure_link(s, "decouple_de", "d", "e"));
    add_measure(s, "nothing", HSEC_RECOVER, NULL);
    add_measure(s, "recover_cd", HSEC_RECOVER, "d"); /* one of its nodes is reached */
    OK(hsec_scenario_add_measure_target(s, "recover_cd", "c"));
    return s;
}

/* Find the warnings now; there must be n of them. */
static void diagnosed_with(hsec_scenario *s, size_t n)
{
    OK(hsec_scenario_diagnose(s));
    char all[2048];
    scenario_warnings(all, sizeof all, s);
    if (hsec_scenario_diagnostic_count(s) != n)
        fail_msg("%zu warnings, expected %zu: %s", hsec_scenario_diagnostic_count(s), n, all);
}

static void test_unreachable(void **state)
{
    (void)state;
    hsec_scenario *s = reach_scenario(0);
    diagnosed_with(s, 4);
    expect_warning(s, 0, HSEC_WARN_UNREACHABLE, "shield_b");
    expect_warning(s, 1, HSEC_WARN_UNREACHABLE, "recover_d");
    expect_warning(s, 2, HSEC_WARN_UNREACHABLE, "decouple_de");
    expect_warning(s, 3, HSEC_WARN_UNREACHABLE, "nothing");
    const char *msg = NULL;
    OK(hsec_scenario_diagnostic(NULL, &msg, s, 3));
    HAS(msg, "no target");
    /* static and dynamic alike: the check is structural */
    dynamic(s, 5);
    hsec_result *r = run_ok(s);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 4);
    hsec_result_free(r);
    hsec_scenario_free(s);

    /* initial degradation at d is a source in a dynamic run, not in a static one */
    s = reach_scenario(0.2);
    dynamic(s, 5);
    diagnosed_with(s, 2);
    expect_warning(s, 0, HSEC_WARN_UNREACHABLE, "shield_b");
    expect_warning(s, 1, HSEC_WARN_UNREACHABLE, "nothing");
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    OK(hsec_scenario_diagnose(s));
    assert_int_equal(hsec_scenario_diagnostic_count(s), 4);
    hsec_scenario_free(s);

    /* shields alone (no walk along the links): only what a threat targets counts */
    hsec_model *m = services("a b c");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    add_measure(s, "shield_a", HSEC_SHIELD, "a");
    add_measure(s, "shield_b", HSEC_SHIELD, "b"); /* reached, not targeted */
    add_measure(s, "shield_c", HSEC_SHIELD, "c");
    diagnosed_with(s, 2);
    expect_warning(s, 0, HSEC_WARN_UNREACHABLE, "shield_b");
    expect_warning(s, 1, HSEC_WARN_UNREACHABLE, "shield_c");
    hsec_scenario_free(s);

    /* without a threat nothing is reached */
    m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    s = scenario_of(m);
    add_measure(s, "shield_a", HSEC_SHIELD, "a");
    OK(hsec_scenario_diagnose(s));
    assert_int_equal(hsec_scenario_diagnostic_count(s), 1);
    expect_warning(s, 0, HSEC_WARN_UNREACHABLE, "shield_a");
    hsec_scenario_free(s);
}

static void test_empty_group_and_order(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "nobody", "r", 0));
    OK(hsec_model_add_group(m, "people", "r", 100));
    OK(hsec_model_add_group(m, "ghosts", "r", 0));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_add_link(m, "grid", "people.health", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "grid", 0.5));
    add_measure(s, "far", HSEC_REDUCE_VULNERABILITY, "ghosts.food");
    add_measure(s, "near", HSEC_REDUCE_VULNERABILITY, "people.health");
    add_measure(s, "never", HSEC_SHIELD, "grid");
    OK(hsec_scenario_set_measure(s, "never", HSEC_TIMING_START, 50));
    dynamic(s, 20);
    hsec_result *r = run_ok(s);
    char all[2048];
    scenario_warnings(all, sizeof all, s);
    if (hsec_scenario_diagnostic_count(s) != 4)
        fail_msg("warnings: %s", all);
    /* by code, then in the document's order */
    expect_warning(s, 0, HSEC_WARN_NEVER_IN_FORCE, "never");
    expect_warning(s, 1, HSEC_WARN_UNREACHABLE, "far");
    expect_warning(s, 2, HSEC_WARN_EMPTY_GROUP, "nobody");
    expect_warning(s, 3, HSEC_WARN_EMPTY_GROUP, "ghosts");
    /* the getter's arguments */
    hsec_warning code;
    const char *msg;
    assert_int_equal(hsec_scenario_diagnostic(&code, &msg, s, 4), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "warning 4 of 4");
    assert_int_equal(hsec_scenario_diagnostic(NULL, NULL, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_diagnostic(&code, &msg, NULL, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_diagnostic_count(NULL), 0);
    assert_int_equal(hsec_scenario_diagnose(NULL), HSEC_EINVAL);
    OK(hsec_scenario_diagnostic(&code, NULL, s, 2));
    assert_int_equal(code, HSEC_WARN_EMPTY_GROUP);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

static void test_flat_series(void **state)
{
    (void)state;
    hsec_scenario *s = chain();
    OK(hsec_scenario_record(s, "b"));
    OK(hsec_scenario_record(s, "c"));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 30)); /* after the horizon */
    dynamic(s, 20);
    hsec_result *r = run_ok(s);
    assert_int_equal(hsec_result_diagnostic_count(r), 1);
    hsec_warning code = 0;
    const char *msg = NULL;
    OK(hsec_result_diagnostic(&code, &msg, r, 0));
    assert_int_equal(code, HSEC_WARN_FLAT_SERIES);
    HAS(msg, "2 nodes: b, c");
    assert_int_equal(hsec_result_diagnostic(&code, &msg, r, 1), HSEC_EINVAL);
    hsec_result_free(r);
    /* in force within the horizon: the series move, no warning */
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 10));
    r = run_ok(s);
    assert_int_equal(hsec_result_diagnostic_count(r), 0);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 0);
    hsec_result_free(r);
    /* one recorded node that moves is enough */
    OK(hsec_scenario_record(s, "a"));
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 0));
    OK(hsec_scenario_add_threat(s, "u", HSEC_THREAT_NATURAL));
    r = run_ok(s);
    assert_int_equal(hsec_result_diagnostic_count(r), 0);
    hsec_result_free(r);
    /* static runs keep no series */
    OK(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 30));
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    r = run_ok(s);
    assert_int_equal(hsec_result_diagnostic_count(r), 0);
    hsec_result_free(r);
    assert_int_equal(hsec_result_diagnostic_count(NULL), 0);
    hsec_scenario_free(s);
}

/* The results document's "measures" and "warnings". */
static json_t *results_doc(const hsec_result *r, const hsec_scenario *s)
{
    char *text = NULL;
    size_t len = 0;
    OK(hsec_doc_results_json(&text, &len, r, s));
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    hsec_free_string(text);
    assert_non_null(doc);
    return doc;
}

static void expect_ids(json_t *arr, const char *want)
{
    char got[512] = "";
    assert_true(json_is_array(arr));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        size_t used = strlen(got);
        snprintf(got + used, sizeof got - used, "%s%s", i ? "," : "",
                 json_string_value(json_array_get(arr, i)));
    }
    assert_string_equal(got, want);
}

static void test_measures_in_force(void **state)
{
    (void)state;
    hsec_scenario *s = reach_scenario(0);
    size_t nm = hsec_scenario_measure_count(s);
    assert_int_equal(nm, 8);
    unsigned char want[8] = {1, 0, 1, 0, 0, 0, 0, 1}, got[8];
    hsec_result *r = NULL;
    OK(hsec_scenario_run_with(&r, s, want, nm));
    assert_int_equal(hsec_result_measure_count(r), nm);
    memset(got, 7, sizeof got);
    OK(hsec_result_measures(got, nm, r));
    assert_memory_equal(got, want, nm);
    assert_int_equal(hsec_result_measures(got, nm - 1, r), HSEC_EINVAL);
    assert_int_equal(hsec_result_measures(NULL, nm, r), HSEC_EINVAL);
    json_t *doc = results_doc(r, s);
    expect_ids(json_object_get(doc, "measures"), "shield_a,recover_c,recover_cd");
    json_t *w = json_object_get(doc, "warnings");
    assert_int_equal(json_array_size(w), 4);
    assert_string_equal(json_string_value(json_object_get(json_array_get(w, 0), "code")),
                        "unreachable");
    HAS(json_string_value(json_object_get(json_array_get(w, 0), "message")), "\"shield_b\"");
    json_decref(doc);
    hsec_result_free(r);

    /* every measure (hsec_scenario_run) and none (all zero) */
    r = run_ok(s);
    OK(hsec_result_measures(got, nm, r));
    for (size_t m = 0; m < nm; m++)
        assert_int_equal(got[m], 1);
    doc = results_doc(r, s);
    expect_ids(json_object_get(doc, "measures"), "shield_a,shield_b,recover_c,recover_d,"
                                                 "decouple_ab,decouple_de,nothing,recover_cd");
    json_decref(doc);
    hsec_result_free(r);
    memset(want, 0, sizeof want);
    OK(hsec_scenario_run_with(&r, s, want, nm));
    OK(hsec_result_measures(got, nm, r));
    assert_memory_equal(got, want, nm);
    doc = results_doc(r, s);
    expect_ids(json_object_get(doc, "measures"), "");
    json_decref(doc);

    /* a result of the scenario before a measure was added no longer matches */
    add_measure(s, "later", HSEC_RECOVER, "a");
    char *text = NULL;
    size_t len;
    assert_int_equal(hsec_doc_results_json(&text, &len, r, s), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "measures");
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* A scenario like reach_scenario with only the measures named (by index). */
static hsec_scenario *with_only(const unsigned char *keep)
{
    hsec_scenario *full = reach_scenario(0), *s = NULL;
    hsec_model *m = services("a b c d e");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    OK(hsec_model_add_link(m, "b", "c", 0.5, 0));
    OK(hsec_model_add_link(m, "c", "d", 0, 0));
    OK(hsec_model_add_link(m, "d", "e", 0.5, 0));
    OK(hsec_model_add_group(m, "g", "r", 100));
    OK(hsec_model_add_link(m, "c", "g.health", 0.5, 0));
    s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    static const char *const ids[8] = {"shield_a",   "shield_b",    "recover_c", "recover_d",
                                       "decouple_ab", "decouple_de", "nothing",   "recover_cd"};
    static const hsec_effect eff[8] = {HSEC_SHIELD,   HSEC_SHIELD,   HSEC_RECOVER, HSEC_RECOVER,
                                       HSEC_DECOUPLE, HSEC_DECOUPLE, HSEC_RECOVER, HSEC_RECOVER};
    for (int i = 0; i < 8; i++) {
        if (!keep[i])
            continue;
        add_measure(s, ids[i], eff[i], NULL);
        if (i == 0)
            OK(hsec_scenario_add_measure_target(s, ids[i], "a"));
        if (i == 4)
            OK(hsec_scenario_add_measure_link(s, ids[i], "a", "b"));
        if (i == 5)
            OK(hsec_scenario_add_measure_link(s, ids[i], "d", "e"));
    }
    hsec_scenario_free(full);
    return s;
}

static void test_rank_with(void **state)
{
    (void)state;
    hsec_scenario *s = reach_scenario(0);
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s)), nm = 8;
    double all[12], with[12], none[12], ref[12];
    double dep[12], dep_ref[12], odep[12], odep_ref[12];
    assert_int_equal(n, 12);
    OK(hsec_scenario_rank(all, n, s));
    OK(hsec_scenario_rank_with(with, n, s, NULL, 0));
    assert_memory_equal(all, with, sizeof all);
    /* nothing in force: as a scenario without measures */
    unsigned char zero[8] = {0};
    OK(hsec_scenario_rank_with(none, n, s, zero, nm));
    hsec_scenario *bare = with_only(zero);
    OK(hsec_scenario_rank(ref, n, bare));
    assert_memory_equal(none, ref, sizeof ref);
    OK(hsec_scenario_coupling_with(dep, NULL, odep, NULL, n, s, zero, nm));
    OK(hsec_scenario_coupling(dep_ref, NULL, odep_ref, NULL, n, bare));
    assert_memory_equal(dep, dep_ref, sizeof dep);
    assert_memory_equal(odep, odep_ref, sizeof odep);
    hsec_scenario_free(bare);
    /* the decouple of a -> b alone */
    unsigned char dec[8] = {0, 0, 0, 0, 1, 0, 0, 0};
    OK(hsec_scenario_rank_with(with, n, s, dec, nm));
    hsec_scenario *only = with_only(dec);
    OK(hsec_scenario_rank(ref, n, only));
    assert_memory_equal(with, ref, sizeof ref);
    OK(hsec_scenario_coupling_with(dep, NULL, odep, NULL, n, s, dec, nm));
    OK(hsec_scenario_coupling(dep_ref, NULL, odep_ref, NULL, n, only));
    assert_memory_equal(dep, dep_ref, sizeof dep);
    assert_memory_equal(odep, odep_ref, sizeof odep);
    hsec_scenario_free(only);
    /* and it matters: a's marginal burden falls with the link cut */
    assert_true(with[node_of(s, "a")] != none[node_of(s, "a")]);
    assert_int_equal(hsec_scenario_rank_with(with, n, s, dec, nm - 1), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "mask");
    assert_int_equal(hsec_scenario_coupling_with(dep, NULL, NULL, NULL, n, s, dec, 3),
                     HSEC_EINVAL);
    hsec_scenario_free(s);
}

/* The ranking document: the measures in force, the nodes chosen, each
 * node's kind and region. */
static void test_rank_document(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "top", NULL));
    OK(hsec_model_add_region(m, "low", "top"));
    OK(hsec_model_add_group(m, "g", "low", 10));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_service(m, "well", HSEC_SERVICE_WATER, "top"));
    OK(hsec_model_add_link(m, "grid", "well", 0.5, 0));
    OK(hsec_model_add_link(m, "well", "g.health", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    add_measure(s, "m1", HSEC_DECOUPLE, NULL);
    OK(hsec_scenario_add_measure_link(s, "m1", "grid", "well"));
    add_measure(s, "m2", HSEC_RECOVER, "well");
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    assert_int_equal(n, 9);
    double u[9], ix[4][9];
    OK(hsec_scenario_rank(u, n, s));
    OK(hsec_scenario_coupling(ix[0], ix[1], ix[2], ix[3], n, s));
    unsigned char nodes[9] = {0}, mask[2] = {0, 1};
    nodes[node_of(s, "grid")] = 1;
    nodes[node_of(s, "g.health")] = 1;
    char *text = NULL;
    size_t len = 0;
    OK(hsec_doc_rank_json_with(&text, &len, u, ix[0], ix[1], ix[2], ix[3], n, s, 0, nodes, mask,
                               2));
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    hsec_free_string(text);
    assert_non_null(doc);
    expect_ids(json_object_get(doc, "measures"), "m2");
    json_t *rank = json_object_get(doc, "rank");
    assert_int_equal(json_array_size(rank), 2);
    for (size_t k = 0; k < 2; k++) {
        json_t *o = json_array_get(rank, k);
        const char *node = json_string_value(json_object_get(o, "node"));
        if (strcmp(node, "grid") == 0) {
            assert_string_equal(json_string_value(json_object_get(o, "kind")), "energy");
            assert_true(json_is_null(json_object_get(o, "region")));
        } else {
            assert_string_equal(node, "g.health");
            assert_string_equal(json_string_value(json_object_get(o, "kind")), "group");
            assert_string_equal(json_string_value(json_object_get(o, "group")), "g");
            assert_string_equal(json_string_value(json_object_get(o, "dimension")), "health");
            assert_string_equal(json_string_value(json_object_get(o, "region")), "low");
        }
    }
    json_decref(doc);
    /* the plain writer: every node, every measure, top 3 */
    OK(hsec_doc_rank_json(&text, &len, u, ix[0], ix[1], ix[2], ix[3], n, s, 3));
    doc = json_loads(text, 0, &err);
    hsec_free_string(text);
    expect_ids(json_object_get(doc, "measures"), "m1,m2");
    assert_int_equal(json_array_size(json_object_get(doc, "rank")), 3);
    json_decref(doc);
    assert_int_equal(hsec_doc_rank_json_with(&text, &len, u, ix[0], ix[1], ix[2], ix[3], n, s,
                                             0, nodes, mask, 1),
                     HSEC_EINVAL);
    hsec_scenario_free(s);
}

static void test_ensemble_measures(void **state)
{
    (void)state;
    hsec_scenario *s = reach_scenario(0);
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 3));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 1));
    unsigned char want[8] = {0, 1, 0, 0, 1, 0, 0, 0}, got[8];
    hsec_ensemble *e = NULL;
    OK(hsec_scenario_ensemble(&e, s, want, 8));
    OK(hsec_ensemble_measures(got, 8, e));
    assert_memory_equal(got, want, 8);
    assert_int_equal(hsec_ensemble_measures(got, 7, e), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 4); /* found for the ensemble */
    double qs[1] = {0.5};
    char *text = NULL;
    size_t len;
    OK(hsec_doc_ensemble_json(&text, &len, e, qs, 1, s));
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    hsec_free_string(text);
    expect_ids(json_object_get(doc, "measures"), "shield_b,decouple_ab");
    assert_int_equal(json_array_size(json_object_get(doc, "warnings")), 4);
    json_decref(doc);
    hsec_ensemble_free(e);
    OK(hsec_scenario_ensemble(&e, s, NULL, 0));
    OK(hsec_ensemble_measures(got, 8, e));
    for (int m = 0; m < 8; m++)
        assert_int_equal(got[m], 1);
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_never_in_force),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_empty_group_and_order),
        cmocka_unit_test(test_flat_series),
        cmocka_unit_test(test_measures_in_force),
        cmocka_unit_test(test_rank_with),
        cmocka_unit_test(test_rank_document),
        cmocka_unit_test(test_ensemble_measures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
