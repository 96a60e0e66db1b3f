/* The JSON scenario and results documents (doc/format.md). */
#include "util.h"

#include <jansson.h>
#include <stdlib.h>

/* The scenario of doc/model.md §8. */
static const char *const example =
    "{\"hsec\": 1, \"name\": \"energy strike, eastern region\","
    " \"regions\": [{\"id\": \"east\"}],"
    " \"groups\": [{\"id\": \"elderly\", \"region\": \"east\", \"size\": 120000,"
    "   \"flags\": [\"elderly\", \"disabled\"], \"vulnerability\": {\"health\": 1.5},"
    "   \"recovery\": 0.1}],"
    " \"services\": [{\"id\": \"grid\", \"kind\": \"energy\", \"region\": \"east\", \"recovery\": 0.2},"
    "   {\"id\": \"water\", \"kind\": \"water\", \"region\": \"east\", \"recovery\": 0.3}],"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.6},"
    "   {\"from\": \"water\", \"to\": \"elderly.health\", \"weight\": 0.5, \"lag\": 2}],"
    " \"threats\": [{\"id\": \"strike\", \"actor\": \"adversary\", \"start\": 1, \"duration\": 30,"
    "   \"targets\": [{\"node\": \"grid\", \"magnitude\": 0.8}]}],"
    " \"measures\": [{\"id\": \"generators\", \"kind\": \"protection\", \"actor\": \"military\","
    "   \"effect\": \"decouple\", \"fraction\": 0.5, \"cost\": 250000,"
    "   \"targets\": [{\"from\": \"grid\", \"to\": \"water\"}]}],"
    " \"run\": {\"mode\": \"dynamic\", \"steps\": 40, \"bounded\": true,"
    "   \"record\": [\"grid\", \"water\", \"elderly.health\"]}}";

static hsec_scenario *load(const char *text)
{
    return load_text(text);
}

static void test_example_runs(void **state)
{
    (void)state;
    hsec_scenario *s = load(example);
    assert_int_equal(hsec_scenario_measure_count(s), 1);
    hsec_result *r = run_ok(s);
    /* the decouple measure halves grid -> water: water = half of §4's */
    const double *w;
    size_t len;
    OK(hsec_result_series(&w, &len, r, node_of(s, "water")));
    NEAR(w[3], 0.0288 / 2, 1e-12);
    NEAR(w[5], 0.120672 / 2, 1e-12);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Results document: the keys of doc/model.md §9, numbers read back bit
 * for bit. */
static void test_results_document(void **state)
{
    (void)state;
    hsec_scenario *s = load(example);
    hsec_result *r = run_ok(s);
    char *text = NULL;
    size_t len = 0;
    OK(hsec_doc_results_json(&text, &len, r, s));
    assert_int_equal(strlen(text), len);
    json_error_t e;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &e);
    assert_non_null(doc);
    assert_int_equal(json_integer_value(json_object_get(doc, "hsec")), 1);
    assert_string_equal(json_string_value(json_object_get(doc, "mode")), "dynamic");
    assert_int_equal(json_integer_value(json_object_get(doc, "steps")), 40);
    json_t *nodes = json_object_get(doc, "nodes");
    assert_int_equal(json_object_size(nodes), hsec_compiled_node_count(hsec_scenario_compiled(s)));
    for (size_t i = 0; i < hsec_result_node_count(r); i++) {
        const char *name = hsec_compiled_node_name(hsec_scenario_compiled(s), i);
        json_t *n = json_object_get(nodes, name);
        assert_non_null(n);
        double q = json_number_value(json_object_get(n, "q"));
        assert_memory_equal(&q, &hsec_result_q(r)[i], sizeof q); /* bit for bit */
        json_t *o = json_object_get(n, "orders");
        assert_int_equal(json_array_size(o), HSEC_ORDER_COUNT);
        for (size_t k = 0; k < HSEC_ORDER_COUNT; k++) {
            double x = json_number_value(json_array_get(o, k));
            assert_memory_equal(&x, &hsec_result_orders(r)[i * HSEC_ORDER_COUNT + k], sizeof x);
        }
    }
    json_t *series = json_object_get(json_object_get(nodes, "water"), "series");
    assert_int_equal(json_array_size(series), 41);
    assert_null(json_object_get(json_object_get(nodes, "elderly.food"), "series"));
    json_t *b = json_object_get(doc, "burden");
    double total = json_number_value(json_object_get(b, "total"));
    assert_true(total == burden_of(r, HSEC_BURDEN_TOTAL, 0));
    assert_true(json_number_value(json_object_get(json_object_get(b, "threats"), "strike")) ==
                burden_of(r, HSEC_BURDEN_THREAT, 0));
    assert_true(json_number_value(json_object_get(json_object_get(b, "actors"), "adversary")) ==
                burden_of(r, HSEC_BURDEN_ACTOR, HSEC_THREAT_ADVERSARY));
    assert_int_equal(json_array_size(json_object_get(b, "orders")), HSEC_ORDER_COUNT);
    assert_non_null(json_object_get(json_object_get(b, "bands"), "medium"));
    json_t *g = json_object_get(json_object_get(doc, "groups"), "elderly");
    assert_string_equal(json_string_value(json_object_get(g, "region")), "east");
    json_t *peak = json_object_get(g, "peak");
    json_t *health = json_object_get(json_object_get(peak, "dimensions"), "health");
    double y[HSEC_DIM_COUNT];
    uint64_t step;
    OK(hsec_result_group(&step, NULL, y, HSEC_DIM_COUNT, r, 0, HSEC_AT_PEAK));
    assert_true(json_number_value(json_object_get(health, "y")) == y[HSEC_DIM_HEALTH]);
    assert_int_equal(json_integer_value(json_object_get(peak, "step")), (json_int_t)step);
    assert_string_equal(json_string_value(json_object_get(health, "phase")),
                        hsec_enum_name(HSEC_ENUM_PHASE, hsec_phase_of(y[HSEC_DIM_HEALTH])));
    /* the reports of doc/format.md */
    json_t *fr = json_object_get(peak, "freedoms");
    double f3[HSEC_FREEDOM_COUNT];
    OK(hsec_result_group_freedoms(f3, HSEC_FREEDOM_COUNT, r, 0, HSEC_AT_PEAK));
    assert_true(json_number_value(json_object_get(fr, "from_fear")) == f3[0]);
    assert_true(json_number_value(json_object_get(fr, "dignity")) == f3[2]);
    assert_non_null(json_object_get(g, "warnings"));
    json_t *gt = json_object_get(json_object_get(g, "threats"), "strike");
    assert_true(json_is_true(json_object_get(gt, "critical"))); /* the only threat */
    NEAR(json_number_value(json_object_get(gt, "share")), 1, 1e-12);
    json_t *th = json_object_get(json_object_get(doc, "threats"), "strike");
    assert_true(json_is_true(json_object_get(th, "pervasive")));
    assert_string_equal(json_string_value(json_object_get(th, "actor")), "adversary");
    json_t *md = json_object_get(doc, "multidimensional");
    NEAR(json_number_value(json_object_get(md, "cutoff")), 0.4, 0);
    assert_non_null(json_object_get(json_object_get(md, "peak"), "M0"));
    NEAR(json_number_value(json_object_get(json_object_get(b, "groups"), "elderly")),
         burden_of(r, HSEC_BURDEN_GROUP, 0), 0);
    json_decref(doc);
    hsec_free_string(text);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* Static mode: record narrows the nodes reported; no series, no bands. */
static void test_static_results_document(void **state)
{
    (void)state;
    hsec_scenario *s = load(
        "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
        " \"services\": [{\"id\": \"a\", \"kind\": \"energy\"}, {\"id\": \"b\", \"kind\": \"water\"}],"
        " \"links\": [{\"from\": \"a\", \"to\": \"b\", \"weight\": 0.1}],"
        " \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"a\", \"magnitude\": 0.3}]}],"
        " \"run\": {\"record\": [\"b\"], \"bounded\": false}}");
    hsec_result *r = run_ok(s);
    char *text = NULL;
    OK(hsec_doc_results_json(&text, NULL, r, s));
    json_t *doc = json_loads(text, 0, NULL);
    json_t *nodes = json_object_get(doc, "nodes");
    assert_int_equal(json_object_size(nodes), 1);
    double qb = json_number_value(json_object_get(json_object_get(nodes, "b"), "q"));
    NEAR(qb, 0.03, 1e-15);
    assert_null(json_object_get(json_object_get(doc, "burden"), "bands"));
    assert_string_equal(json_string_value(json_object_get(doc, "mode")), "static");
    json_t *actors = json_object_get(json_object_get(doc, "burden"), "actors");
    assert_non_null(json_object_get(actors, "unknown")); /* the default actor */
    json_decref(doc);
    hsec_free_string(text);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* ---- bad documents */

typedef struct bad {
    const char *json;
    int code;
    const char *frag;
} bad;

#define HEAD "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], "
#define GROUP(extra) "\"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 10" extra "}]"
#define SERV "\"services\": [{\"id\": \"s\", \"kind\": \"water\"}]"
#define THREAT(extra) "\"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\", \"magnitude\": 0.5}]" extra "}]"
#define MEAS(body) "\"measures\": [{\"id\": \"m\", \"kind\": \"protection\", " body "}]"

static const bad bads[] = {
    {"", HSEC_EFORMAT, "JSON line"},
    {"{\"hsec\": 1,", HSEC_EFORMAT, "JSON line 1"},
    {"[]", HSEC_EFORMAT, "document: must be an object, not an array"},
    {"{}", HSEC_EFORMAT, "\"hsec\" is required"},
    {"{\"hsec\": 2}", HSEC_EFORMAT, "hsec 2 is not a format version"},
    {"{\"hsec\": \"1\"}", HSEC_EFORMAT, "\"hsec\" must be a number, not a string"},
    {"{\"hsec\": 1, \"sise\": 3}", HSEC_EFORMAT, "unknown key \"sise\""},
    {"{\"hsec\": 1, \"hsec\": 1}", HSEC_EFORMAT, "duplicate object key"},
    {"{\"hsec\": 1, \"groups\": {}}", HSEC_EFORMAT, "\"groups\" must be an array, not an object"},
    {"{\"hsec\": 1, \"groups\": [3]}", HSEC_EFORMAT, "groups[0] must be an object, not a number"},
    {HEAD "\"groups\": [{\"id\": \"g\", \"region\": \"r\"}]}", HSEC_EFORMAT,
     "groups[0]: \"size\" is required"},
    {HEAD "\"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": \"big\"}]}", HSEC_EFORMAT,
     "groups[0]: \"size\" must be a number, not a string"},
    {HEAD "\"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": -5}]}", HSEC_EINVAL,
     "groups[0]: group g: size -5"},
    {HEAD "\"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": NaN}]}", HSEC_EFORMAT,
     "JSON line 1"},
    {HEAD "\"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 1e999}]}", HSEC_EFORMAT,
     "real number overflow"},
    {HEAD GROUP(", \"sise\": 1") "}", HSEC_EFORMAT, "groups[0]: unknown key \"sise\""},
    {HEAD GROUP(", \"x-note\": {\"any\": [1]}") "}", 0, NULL},
    {HEAD GROUP(", \"flags\": [\"tall\"]") "}", HSEC_EFORMAT, "flag \"tall\" is not one of women"},
    {HEAD GROUP(", \"flags\": \"elderly\"") "}", HSEC_EFORMAT, "\"flags\" must be an array"},
    {HEAD GROUP(", \"vulnerability\": {\"wealth\": 2}") "}", HSEC_EFORMAT,
     "groups[0] (g).vulnerability: dimension \"wealth\""},
    {HEAD GROUP(", \"vulnerability\": {\"food\": -2}") "}", HSEC_EINVAL,
     "groups[0] (g).vulnerability: g.food: vulnerability -2"},
    {HEAD GROUP(", \"vulnerability\": [2]") "}", HSEC_EFORMAT,
     "must be a number or an object of dimensions"},
    {HEAD GROUP(", \"baseline\": 1.5") "}", HSEC_EINVAL, "baseline 1.5 is not in [0,1]"},
    {HEAD GROUP(", \"recovery\": 0.5, \"recovery_time\": 3") "}", HSEC_EFORMAT, "not both"},
    {HEAD GROUP(", \"recovery\": {\"food\": 0.5}, \"recovery_time\": 3") "}", HSEC_EFORMAT,
     "groups[0] (g): give recovery or recovery_time for each dimension, not both"},
    {HEAD GROUP(", \"recovery\": {\"food\": 0.5, \"health\": 0.2}, \"recovery_time\": "
                "{\"economic\": 3, \"health\": 4}") "}", HSEC_EFORMAT,
     "groups[0] (g): dimension health has both recovery and recovery_time"},
    /* onset and onset_time (doc/model.md §2): a rate or a time per
     * dimension, never both for one dimension */
    {HEAD GROUP(", \"onset\": {\"food\": 0.5, \"health\": 0.2}, \"onset_time\": "
                "{\"economic\": 3, \"health\": 4}") "}", HSEC_EFORMAT,
     "groups[0] (g): dimension health has both onset and onset_time"},
    {HEAD GROUP(", \"onset_time\": {\"food\": 2}, \"onset\": {\"personal\": 0.9, \"food\": 1}")
     "}", HSEC_EFORMAT, "dimension food has both onset and onset_time"},
    {HEAD GROUP(", \"onset\": 0.5, \"onset_time\": {\"food\": 2}") "}", HSEC_EFORMAT,
     "groups[0] (g): give onset or onset_time for each dimension, not both"},
    {HEAD GROUP(", \"onset\": {\"food\": 0.5}, \"onset_time\": {\"health\": 0},"
                " \"recovery\": {\"food\": 0.1}, \"recovery_time\": {\"health\": 9}") "}", 0,
     NULL},
    {HEAD GROUP(", \"onset\": {\"food\": 0}") "}", HSEC_EINVAL, "g.food: onset 0 is not in (0,1]"},
    {HEAD GROUP(", \"onset_time\": -1") "}", HSEC_EINVAL, "onset_time -1 is not a finite number"},
    {HEAD GROUP(", \"onset\": {\"wealth\": 0.5}") "}", HSEC_EFORMAT,
     "groups[0] (g).onset: dimension \"wealth\""},
    {HEAD "\"services\": [{\"id\": \"s\", \"kind\": \"water\", \"onset\": 0.5, "
     "\"onset_time\": 2}]}", HSEC_EFORMAT, "services[0] (s): give onset or onset_time, not both"},
    {HEAD "\"services\": [{\"id\": \"s\", \"kind\": \"water\", \"onset\": 1.5}]}", HSEC_EINVAL,
     "s: onset 1.5 is not in (0,1]"},
    {HEAD "\"services\": [{\"id\": \"s\", \"kind\": \"water\", \"onset\": \"fast\"}]}",
     HSEC_EFORMAT, "\"onset\" must be a number"},
    {HEAD GROUP(", \"weights\": {\"food\": 0}") "}", HSEC_EINVAL, "weights sum to 0"},
    {HEAD GROUP(", \"weights\": 1") "}", HSEC_EFORMAT, "\"weights\" must be an object"},
    {HEAD GROUP("") ", \"services\": [{\"id\": \"g\", \"kind\": \"water\"}]}", HSEC_EEXIST,
     "services[0]: service id \"g\" is already used"},
    {HEAD "\"services\": [{\"id\": \"s\", \"kind\": \"nuclear\"}]}", HSEC_EFORMAT,
     "kind \"nuclear\" is not one of energy, water"},
    {HEAD "\"services\": [{\"id\": \"s\"}]}", HSEC_EFORMAT, "\"kind\" is required"},
    {HEAD SERV ", \"links\": [{\"from\": \"s\", \"to\": \"ghost\", \"weight\": 0.2}]}",
     HSEC_ENOTFOUND, "link 0 (s -> ghost): to \"ghost\" is not a node"},
    {HEAD SERV ", \"links\": [{\"from\": \"s\", \"to\": \"s\", \"weight\": 1.5}]}", HSEC_EINVAL,
     "links[0]: link s -> s: weight 1.5 is not in [0,1]"},
    {HEAD SERV ", \"links\": [{\"from\": \"s\", \"to\": \"s\"}]}", HSEC_EFORMAT,
     "links[0]: \"weight\" is required"},
    {HEAD SERV ", \"links\": [{\"from\": \"s\", \"to\": \"s\", \"weight\": 0.2},"
     " {\"from\": \"s\", \"to\": \"s\", \"weight\": 0.3}]}",
     HSEC_EEXIST, "links 0 and 1 both join s -> s"},
    {HEAD SERV ", \"templates\": [\"all\"]}", HSEC_ENOTFOUND, "template \"all\" is unknown"},
    {HEAD SERV ", \"regions\": [{\"id\": \"r2\", \"parent\": \"nope\"}]}", HSEC_EFORMAT,
     "duplicate object key"},
    {"{\"hsec\": 1, \"regions\": [{\"id\": \"a\", \"parent\": \"nope\"}]}", HSEC_ENOTFOUND,
     "parent \"nope\" is not a region"},
    {HEAD SERV ", " THREAT(", \"actor\": \"aliens\"") "}", HSEC_EFORMAT, "actor \"aliens\""},
    {HEAD SERV ", \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\", \"magnitude\": 2}]}]}",
     HSEC_EINVAL, "threats[0] (t).targets[0]: threat t: magnitude 2"},
    {HEAD SERV ", \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"x\", \"magnitude\": 1}]}]}",
     HSEC_ENOTFOUND, "target \"x\" is not a node, group or region"},
    {HEAD SERV ", \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\"}]}]}", HSEC_EFORMAT,
     "\"magnitude\" is required"},
    {HEAD SERV ", \"threats\": [{\"id\": \"t\"}]}", HSEC_EFORMAT, "\"targets\" is required"},
    {HEAD SERV ", " THREAT(", \"duration\": -1") "}", HSEC_EINVAL, "duration -1 is negative"},
    {HEAD SERV ", " THREAT(", \"duration\": null") "}", 0, NULL},
    {HEAD SERV ", " THREAT(", \"start\": null") "}", HSEC_EFORMAT, "\"start\" must be a number"},
    {HEAD SERV ", " THREAT(", \"likelihood\": 3") "}", HSEC_EINVAL, "likelihood 3"},
    {HEAD SERV ", " THREAT("") ", " THREAT("") "}", HSEC_EFORMAT, "duplicate object key"},
    {HEAD SERV ", " MEAS("\"effect\": \"shield\", \"targets\": [{\"node\": \"s\"}]") "}",
     HSEC_EFORMAT, "\"fraction\" is required for effect shield"},
    {HEAD SERV ", " MEAS("\"effect\": \"shield\", \"delta\": 0.1, \"targets\": []") "}",
     HSEC_EFORMAT, "\"delta\" does not apply to effect shield"},
    {HEAD SERV ", " MEAS("\"effect\": \"glue\", \"fraction\": 0.1, \"targets\": []") "}",
     HSEC_EFORMAT, "effect \"glue\" is not one of shield"},
    {HEAD SERV ", " MEAS("\"effect\": \"shield\", \"fraction\": 0.1, "
                         "\"targets\": [{\"node\": \"s\", \"to\": \"s\"}]") "}",
     HSEC_EFORMAT, "give {\"node\"}, {\"from\", \"to\"} or {\"to\"}"},
    {HEAD SERV ", " MEAS("\"effect\": \"decouple\", \"fraction\": 0.1, "
                         "\"targets\": [{\"from\": \"s\", \"to\": \"s\"}]") "}",
     HSEC_ENOTFOUND, "there is no link s -> s"},
    {HEAD SERV ", " MEAS("\"effect\": \"recover\", \"delta\": 0.1, \"ramp\": -3, "
                         "\"targets\": [{\"node\": \"s\"}]") "}",
     HSEC_EINVAL, "measures[0] (m): measure m: ramp -3"},
    {HEAD SERV ", " MEAS("\"effect\": \"recover\", \"delta\": 0.1, \"cost\": -3, "
                         "\"targets\": [{\"node\": \"s\"}]") "}",
     HSEC_EINVAL, "cost -3"},
    {HEAD SERV ", \"packages\": [{\"id\": \"p\", \"measures\": [\"zz\"]}]}", HSEC_ENOTFOUND,
     "packages[0] (p): package p: no measure \"zz\""},
    {HEAD SERV ", \"packages\": [{\"id\": \"p\"}]}", HSEC_EFORMAT,
     "packages[0]: \"measures\" is required"},
    {HEAD SERV ", \"packages\": [{\"id\": \"p\", \"measures\": []},"
     " {\"id\": \"p\", \"measures\": []}]}", HSEC_EEXIST, "package id \"p\" is already used"},
    {HEAD SERV ", \"uncertainty\": {\"weights\": [1.2, 1, 0.8]}}", HSEC_EINVAL,
     "uncertainty: uncertainty.weights: the range (low 1.2, mode 1, high 0.8)"},
    {HEAD SERV ", \"uncertainty\": {\"weights\": [0.8, 1]}}", HSEC_EFORMAT,
     "uncertainty.weights must hold 3 numbers"},
    {HEAD SERV ", \"uncertainty\": {\"members\": 0}}", HSEC_EINVAL, "uncertainty.members: 0"},
    {HEAD SERV ", \"uncertainty\": {\"quantiles\": [0.5, 1.5]}}", HSEC_EINVAL,
     "uncertainty.quantiles[1]: 1.5 is not in [0,1]"},
    {HEAD SERV ", \"uncertainty\": {\"quantiles\": []}}", HSEC_EINVAL,
     "uncertainty.quantiles: 0 values"},
    {HEAD SERV ", \"uncertainty\": {\"spread\": 2}}", HSEC_EFORMAT,
     "uncertainty: unknown key \"spread\""},
    {HEAD SERV ", \"uncertainty\": {\"recovery\": [0.5, 1, 2], \"members\": 10,"
     " \"threads\": 2, \"quantiles\": [0.1, 0.9]}}", 0, NULL},
    {HEAD SERV ", \"run\": {\"mode\": \"fast\"}}", HSEC_EFORMAT, "mode \"fast\""},
    {HEAD SERV ", \"run\": {\"mode\": \"dynamic\"}}", HSEC_EFORMAT,
     "\"steps\" is required in dynamic mode"},
    {HEAD SERV ", \"run\": {\"mode\": \"dynamic\", \"steps\": 1e8}}", HSEC_EINVAL, "run.steps"},
    {HEAD SERV ", \"run\": {\"bands\": [90, 7]}}", HSEC_EINVAL, "run.bands: short ends at 90"},
    {HEAD SERV ", \"run\": {\"bands\": [7]}}", HSEC_EFORMAT, "run.bands must hold 2 numbers"},
    {HEAD SERV ", \"run\": {\"bounded\": 1}}", HSEC_EFORMAT, "\"bounded\" must be a boolean"},
    {HEAD SERV ", \"run\": {\"record\": [\"ghost\"]}}", HSEC_ENOTFOUND, "\"ghost\""},
    {HEAD SERV ", \"run\": {\"speed\": 1}}", HSEC_EFORMAT, "run: unknown key \"speed\""},
    {HEAD SERV ", \"run\": {\"recovery_lambda\": 0}}", HSEC_EINVAL, "run.recovery_lambda: 0"},
    {HEAD SERV ", \"run\": {\"critical_share\": 1.5}}", HSEC_EINVAL, "run.critical_share: 1.5"},
    {HEAD SERV ", \"run\": {\"score_cutoff\": -0.1}}", HSEC_EINVAL, "run.score_cutoff: -0.1"},
    {HEAD SERV ", \"run\": {\"deprivation_cutoff\": 0.5, \"pervasive_share\": 0.1}}", 0, NULL},
};

static void test_bad_documents(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
        hsec_scenario *s = (hsec_scenario *)1;
        int rc = hsec_loader_load(&s, l, bads[i].json, strlen(bads[i].json));
        const char *err = hsec_loader_errmsg(l);
        if (rc != bads[i].code)
            fail_msg("case %zu: code %d, expected %d (%s)", i, rc, bads[i].code, err);
        if (rc) {
            assert_null(s);
            if (!strstr(err, bads[i].frag))
                fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bads[i].frag);
        }
        hsec_scenario_free(rc ? NULL : s);
    }
    hsec_loader_free(l);
}

static void test_deep_nesting_and_truncation(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    hsec_scenario *s = NULL;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    assert_int_equal(hsec_loader_load(&s, l, deep, 2 * depth), HSEC_EFORMAT);
    const char *deepmsg = hsec_loader_errmsg(l);
    if (!strstr(deepmsg, "depth") && !strstr(deepmsg, "deeper"))
        fail_msg("\"%s\" does not name the nesting", deepmsg);
    free(deep);
    /* every prefix of a valid document fails cleanly, never crashes */
    size_t n = strlen(example);
    for (size_t cut = 0; cut < n; cut++) {
        s = (hsec_scenario *)1;
        int rc = hsec_loader_load(&s, l, example, cut);
        assert_int_equal(rc, HSEC_EFORMAT);
        assert_null(s);
        assert_true(hsec_loader_errmsg(l)[0] != '\0');
        assert_true(strlen(hsec_loader_errmsg(l)) < HSEC_ERRMSG_MAX);
    }
    /* the loader stays usable after every failure */
    OK(hsec_loader_load(&s, l, example, n));
    hsec_scenario_free(s);
    s = (hsec_scenario *)1;
    assert_int_equal(hsec_loader_load(NULL, l, "{}", 2), HSEC_EINVAL);
    assert_int_equal(hsec_loader_load(&s, l, NULL, 2), HSEC_EINVAL);
    assert_null(s);
    hsec_loader_free(l);
    /* no loader: no handle to keep the message, so the thread keeps it */
    hsec_last_errmsg_set(HSEC_OK, NULL);
    assert_int_equal(hsec_loader_load(&s, NULL, "{}", 2), HSEC_EINVAL);
    assert_true(hsec_last_errmsg()[0] != '\0');
}

/*
 * onset and onset_time, per service and per group dimension, load into the
 * rates doc/model.md §2 gives; hsec_doc_save_scenario writes them back
 * (every encoding), and the reloaded scenario runs identically, bit for
 * bit, in both modes.
 */
static const char *const with_onsets =
    "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
    " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 700, \"recovery\": 0.1,"
    "   \"onset\": {\"health\": 0.6, \"food\": 0.25}, \"onset_time\": {\"economic\": 0,"
    "   \"personal\": 4}},"
    "  {\"id\": \"h\", \"region\": \"r\", \"size\": 300, \"recovery_time\": 40,"
    "   \"onset_time\": 3}],"
    " \"services\": [{\"id\": \"grid\", \"kind\": \"energy\", \"region\": \"r\","
    "   \"recovery_time\": 60, \"onset_time\": 0},"
    "  {\"id\": \"water\", \"kind\": \"water\", \"region\": \"r\", \"recovery\": 0.3,"
    "   \"onset\": 0.8}, {\"id\": \"clinic\", \"kind\": \"health_care\", \"region\": \"r\"}],"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.6},"
    "  {\"from\": \"grid\", \"to\": \"grid\", \"weight\": 0.2},"
    "  {\"from\": \"water\", \"to\": \"g.health\", \"weight\": 0.5, \"lag\": 2},"
    "  {\"from\": \"water\", \"to\": \"h.health\", \"weight\": 0.7},"
    "  {\"from\": \"g.economic\", \"to\": \"g.food\", \"weight\": 0.4}],"
    " \"threats\": [{\"id\": \"strike\", \"start\": 1, \"duration\": 12,"
    "   \"targets\": [{\"node\": \"grid\", \"magnitude\": 0.8},"
    "   {\"node\": \"g.economic\", \"magnitude\": 0.5}, {\"node\": \"g.personal\", \"magnitude\": 0.4}]}],"
    " \"measures\": [{\"id\": \"fix\", \"kind\": \"protection\", \"actor\": \"military\","
    "   \"effect\": \"recover\", \"delta\": 0.3, \"start\": 8,"
    "   \"targets\": [{\"node\": \"grid\"}, {\"node\": \"g\"}]}],"
    " \"run\": {\"mode\": \"dynamic\", \"steps\": 50, \"recovery_lambda\": 0.05,"
    "   \"record\": [\"r\"]}}";

static void same_runs(hsec_scenario *a, hsec_scenario *b)
{
    for (int mode = 0; mode < 2; mode++) {
        OK(hsec_scenario_set_option(a, HSEC_OPT_MODE, mode));
        OK(hsec_scenario_set_option(b, HSEC_OPT_MODE, mode));
        hsec_result *ra = run_ok(a), *rb = run_ok(b);
        size_t n = hsec_result_node_count(ra);
        assert_int_equal(hsec_result_node_count(rb), n);
        for (size_t i = 0; i < n; i++) { /* saved scenarios may number nodes anew */
            const char *name = hsec_compiled_node_name(hsec_scenario_compiled(a), i);
            size_t j = node_of(b, name);
            assert_memory_equal(&hsec_result_q(ra)[i], &hsec_result_q(rb)[j], sizeof(double));
            assert_memory_equal(hsec_result_orders(ra) + i * HSEC_ORDER_COUNT,
                                hsec_result_orders(rb) + j * HSEC_ORDER_COUNT,
                                HSEC_ORDER_COUNT * sizeof(double));
            const double *sa, *sb;
            size_t la, lb;
            if (mode == HSEC_MODE_DYNAMIC) {
                OK(hsec_result_series(&sa, &la, ra, i));
                OK(hsec_result_series(&sb, &lb, rb, j));
                assert_int_equal(la, lb);
                assert_memory_equal(sa, sb, la * sizeof(double));
            }
        }
        for (int part = HSEC_BURDEN_TOTAL; part <= HSEC_BURDEN_PROPAGATED; part++) {
            double x = burden_of(ra, (hsec_burden)part, 0), y = burden_of(rb, (hsec_burden)part, 0);
            assert_memory_equal(&x, &y, sizeof x);
        }
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++) {
            double x = burden_of(ra, HSEC_BURDEN_ORDER, o), y = burden_of(rb, HSEC_BURDEN_ORDER, o);
            assert_memory_equal(&x, &y, sizeof x);
        }
        hsec_result_free(ra);
        hsec_result_free(rb);
    }
}

static void test_onset_round_trip(void **state)
{
    (void)state;
    hsec_scenario *s = load(with_onsets);
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c);
    assert_int_equal(n, 17);
    double ko[17], given[17], times[17];
    OK(hsec_scenario_onset_rates(ko, n, s));
    OK(hsec_compiled_params(given, n, c, HSEC_PARAM_ONSET));
    OK(hsec_compiled_params(times, n, c, HSEC_PARAM_ONSET_TIME));
    double kg = 0, kh = 0;
    OK(hsec_recovery_rate(&kg, 3, 0.05, 0));
    OK(hsec_recovery_rate(&kh, 4, 0.05, 0));
    NEAR(ko[node_of(s, "g.health")], 0.6, 0);
    NEAR(given[node_of(s, "g.health")], 0.6, 0);
    NEAR(ko[node_of(s, "g.food")], 0.25, 0);
    NEAR(ko[node_of(s, "g.economic")], 1, 0); /* onset_time 0: immediate */
    NEAR(times[node_of(s, "g.economic")], 0, 0);
    NEAR(ko[node_of(s, "g.personal")], kh, 0);
    NEAR(ko[node_of(s, "g.political")], 0.1, 0); /* none given: the node's own rate */
    assert_true(isnan(given[node_of(s, "g.political")]));
    assert_true(isnan(times[node_of(s, "g.political")]));
    NEAR(ko[node_of(s, "h.community")], kg, 0);
    NEAR(ko[node_of(s, "grid")], 1, 0);
    NEAR(ko[node_of(s, "water")], 0.8, 0);
    NEAR(ko[node_of(s, "clinic")], 1, 0);
    char dir[] = "/tmp/hsec-onset-XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (int f = 0; f < HSEC_FORMAT_COUNT; f++) {
        char path[64];
        snprintf(path, sizeof path, "%s/s%d", dir, f);
        OK(hsec_doc_save_scenario(path, s, (hsec_format)f));
        hsec_scenario *t = load_path(path);
        const hsec_compiled *ct = hsec_scenario_compiled(t);
        double ko2[17], given2[17], times2[17];
        OK(hsec_scenario_onset_rates(ko2, n, t));
        OK(hsec_compiled_params(given2, n, ct, HSEC_PARAM_ONSET));
        OK(hsec_compiled_params(times2, n, ct, HSEC_PARAM_ONSET_TIME));
        for (size_t i = 0; i < n; i++) {
            size_t j = node_of(t, hsec_compiled_node_name(c, i));
            assert_memory_equal(&ko[i], &ko2[j], sizeof(double));
            assert_true(isnan(given[i]) ? isnan(given2[j]) : given[i] == given2[j]);
            assert_true(isnan(times[i]) ? isnan(times2[j]) : times[i] == times2[j]);
        }
        same_runs(s, t);
        if (f == HSEC_FORMAT_JSON) { /* the saved text carries both keys */
            size_t len;
            unsigned char *text = read_file(path, &len);
            assert_non_null(strstr((char *)text, "\"onset\""));
            assert_non_null(strstr((char *)text, "\"onset_time\""));
            free(text);
        }
        hsec_scenario_free(t);
        remove(path);
    }
    remove(dir);
    hsec_scenario_free(s);
}

static void test_load_file(void **state)
{
    (void)state;
    hsec_scenario *s = NULL;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    assert_int_equal(hsec_loader_load_file(&s, l, "/nonexistent/scenario.json"), HSEC_EIO);
    HAS(hsec_loader_errmsg(l), "/nonexistent/scenario.json");
    assert_null(s);
    char path[] = "/tmp/hsec-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"hsec\": 1, \"bogus\": 1}", f);
    fclose(f);
    assert_int_equal(hsec_loader_load_file(&s, l, path), HSEC_EFORMAT);
    HAS(hsec_loader_errmsg(l), path);
    HAS(hsec_loader_errmsg(l), "unknown key \"bogus\"");
    f = fopen(path, "w");
    fputs(example, f);
    fclose(f);
    OK(hsec_loader_load_file(&s, l, path));
    hsec_scenario_free(s);
    hsec_loader_free(l);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_runs),
        cmocka_unit_test(test_results_document),
        cmocka_unit_test(test_static_results_document),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_deep_nesting_and_truncation),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_onset_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
