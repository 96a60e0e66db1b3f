/*
 * Allocation failure: an allocator that fails the N-th allocation, looped
 * over N until the operation succeeds. Every failure must return
 * HSEC_ENOMEM, leak nothing, and leave the handle usable.
 */
#include "util.h"
#include "failing.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>


static void arm(long n)
{
    atomic_store(&calls, 0);
    atomic_store(&fail_at, n);
}

static void disarm(void)
{
    atomic_store(&fail_at, 0);
}

/* Each builder call, failing or not; on HSEC_ENOMEM, the same call again
 * without failures must succeed: the handle is still usable. */
#define STEP(call)                                         \
    do {                                                   \
        int rc_ = (call);                                  \
        if (rc_ == HSEC_ENOMEM) {                          \
            failed = true;                                 \
            long saved_ = atomic_load(&fail_at);           \
            disarm();                                      \
            rc_ = (call);                                  \
            atomic_store(&fail_at, saved_);                \
            atomic_store(&calls, 0);                       \
        }                                                  \
        if (rc_ != HSEC_OK)                                \
            fail_msg("%s: %d", #call, rc_);                \
    } while (0)

static hsec_scenario *build(hsec_model *m, bool *failed_out)
{
    bool failed = false;
    STEP(hsec_model_add_region(m, "country", NULL));
    STEP(hsec_model_add_region(m, "east", "country"));
    STEP(hsec_model_add_group(m, "elderly", "east", 1000));
    STEP(hsec_model_add_group(m, "children", "east", 2000));
    STEP(hsec_model_set(m, "elderly.health", HSEC_PARAM_VULNERABILITY, 1.5));
    STEP(hsec_model_set_group_flags(m, "children", HSEC_FLAG_CHILDREN));
    STEP(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east"));
    STEP(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, NULL));
    STEP(hsec_model_add_link(m, "grid", "water", 0.6, 1));
    STEP(hsec_model_use_template(m, "dimensions"));
    STEP(hsec_model_use_template(m, "services"));
    hsec_compiled *c = NULL;
    STEP(hsec_model_compile(&c, m));
    assert_int_equal(hsec_compiled_node_count(c), 16);
    hsec_scenario *s = NULL;
    STEP(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    STEP(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY));
    STEP(hsec_scenario_add_threat_target(s, "strike", "grid", 0.8));
    STEP(hsec_scenario_add_threat_target(s, "strike", "children", 0.1));
    STEP(hsec_scenario_add_measure(s, "gen", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_MILITARY, 0.5));
    STEP(hsec_scenario_add_measure_link(s, "gen", NULL, "water"));
    STEP(hsec_scenario_add_measure(s, "care", HSEC_EMPOWERMENT, HSEC_RECOVER, HSEC_BY_NGO, 0.1));
    STEP(hsec_scenario_add_measure_target(s, "care", "east"));
    STEP(hsec_scenario_add_package(s, "p"));
    STEP(hsec_scenario_package_add(s, "p", "gen"));
    STEP(hsec_scenario_record(s, "elderly"));
    STEP(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    STEP(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 20));
    *failed_out = failed;
    return s;
}

static void test_build_compile(void **state)
{
    (void)state;
    for (long n = 1;; n++) {
        atomic_store(&live, 0);
        arm(n);
        hsec_model *m = NULL;
        int rc = hsec_model_new(&m, &failing);
        if (rc == HSEC_ENOMEM) {
            assert_null(m);
            assert_int_equal(atomic_load(&live), 0);
            continue;
        }
        OK(rc);
        bool failed = false;
        hsec_scenario *s = build(m, &failed);
        disarm();
        hsec_model_free(m);
        hsec_scenario_free(s);
        assert_int_equal(atomic_load(&live), 0); /* nothing leaked */
        if (!failed) {
            printf("build and compile: %ld allocation points failed in turn\n", n - 1);
            assert_true(n > 50);
            break;
        }
        assert_true(n < 100000);
    }
}

/* An operation looped over N: each run either succeeds or fails with
 * HSEC_ENOMEM and leaves nothing behind. */
typedef int (*op_fn)(hsec_scenario *s, void *ctx);

static void loop(const char *what, op_fn op, void *ctx)
{
    hsec_model *m = NULL;
    disarm();
    atomic_store(&live, 0);
    OK(hsec_model_new(&m, &failing));
    bool failed;
    hsec_scenario *s = build(m, &failed);
    hsec_model_free(m);
    long base = atomic_load(&live);
    for (long n = 1;; n++) {
        arm(n);
        int rc = op(s, ctx);
        disarm();
        if (rc != HSEC_OK && rc != HSEC_ENOMEM)
            fail_msg("%s, allocation %ld failing: %d (%s)", what, n, rc, hsec_scenario_errmsg(s));
        assert_int_equal(atomic_load(&live), base); /* the operation freed what it made */
        if (rc == HSEC_OK && atomic_load(&calls) < n) {
            /* it ran to the end without meeting the failure: every
             * allocation before it has failed once */
            printf("%s: %ld allocation points failed in turn\n", what, n - 1);
            assert_true(n > 10);
            break;
        }
        assert_true(n < 200000);
    }
    OK(op(s, ctx)); /* and the scenario is still usable */
    hsec_scenario_free(s);
    assert_int_equal(atomic_load(&live), 0);
}

static int op_run(hsec_scenario *s, void *ctx)
{
    (void)ctx;
    hsec_result *r = NULL;
    int rc = hsec_scenario_run(&r, s);
    if (rc == HSEC_OK) {
        double t;
        OK(hsec_result_burden(&t, r, HSEC_BURDEN_TOTAL, 0));
        assert_true(t > 0);
    } else {
        assert_null(r);
    }
    hsec_result_free(r);
    return rc;
}

static int op_static(hsec_scenario *s, void *ctx)
{
    (void)ctx;
    hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC);
    hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0);
    int rc = op_run(s, NULL);
    hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC);
    hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 1);
    return rc;
}

static int op_decisions(hsec_scenario *s, void *ctx)
{
    (void)ctx;
    hsec_result *res[2] = {NULL, NULL};
    int rc = hsec_scenario_compare(res, 2, s);
    hsec_result_free(res[0]);
    hsec_result_free(res[1]);
    double u[16];
    if (!rc)
        rc = hsec_scenario_rank(u, 16, s);
    unsigned char chosen[2];
    if (!rc)
        rc = hsec_scenario_optimize(chosen, NULL, NULL, 2, s, 1e9, HSEC_SEARCH_EXACT, NULL);
    return rc;
}

static int op_ensemble(hsec_scenario *s, void *ctx)
{
    (void)ctx;
    hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5);
    hsec_ensemble *e = NULL;
    hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 6);
    hsec_scenario_set_option(s, HSEC_OPT_THREADS, 3);
    int rc = hsec_scenario_ensemble(&e, s, NULL, 0);
    if (!rc) {
        double x;
        rc = hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 0.5);
    }
    hsec_ensemble_free(e);
    return rc;
}

static char dir[] = "/tmp/hsec-oom-XXXXXX";

/* Save and load, each looped: results saved as CBOR and as the compressed
 * container, and a scenario loaded from them (CBOR and zlib go through the
 * caller's allocator; the JSON path uses jansson's own). */
static void test_save_load(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    char src[300], out[300];
    snprintf(src, sizeof src, "%s/scenario.hsec", dir);
    snprintf(out, sizeof out, "%s/results.bin", dir);
    hsec_loader *plain = NULL;
    OK(hsec_loader_new(&plain, NULL));
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fclose(f);
    char json[300];
    snprintf(json, sizeof json, "%s/s.json", dir);
    f = fopen(json, "w");
    /* a group the CBOR reader takes into columns, one it keeps as a tree */
    fputs("{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], \"groups\": [{\"id\": \"g\", \"region\": "
          "\"r\", \"size\": 10, \"vulnerability\": {\"food\": 1.2}}, {\"id\": \"h\", "
          "\"region\": \"r\", \"size\": 5, \"onset\": 0.5}],"
          " \"services\": [{\"id\": \"s\", \"kind\": \"water\"}],"
          " \"links\": [{\"from\": \"s\", \"to\": \"g.health\", \"weight\": 0.5}],"
          " \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\", \"magnitude\": 0.5}]}],"
          " \"run\": {\"mode\": \"dynamic\", \"steps\": 10, \"record\": [\"s\"]}}",
          f);
    fclose(f);
    OK(hsec_loader_convert_file(plain, json, src, HSEC_FORMAT_CONTAINER_ZLIB));
    hsec_loader_free(plain);
    size_t len;
    unsigned char *bytes;
    {
        f = fopen(src, "rb");
        fseek(f, 0, SEEK_END);
        len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        bytes = malloc(len);
        assert_int_equal(fread(bytes, 1, len, f), len);
        fclose(f);
    }
    for (long n = 1;; n++) { /* load */
        atomic_store(&live, 0);
        disarm();
        hsec_loader *l = NULL;
        OK(hsec_loader_new(&l, &failing));
        arm(n);
        hsec_scenario *s = NULL;
        int rc = hsec_loader_load(&s, l, bytes, len);
        disarm();
        if (rc != HSEC_OK && rc != HSEC_ENOMEM)
            fail_msg("load, allocation %ld failing: %d (%s)", n, rc, hsec_loader_errmsg(l));
        bool done = rc == HSEC_OK && atomic_load(&calls) < n;
        if (rc == HSEC_OK) { /* save its results, looped too */
            hsec_result *r = NULL;
            OK(hsec_scenario_run(&r, s));
            for (long k = 1;; k++) {
                long before = atomic_load(&live);
                arm(k);
                int sr = hsec_doc_save_results(out, r, s, HSEC_FORMAT_CONTAINER_ZLIB);
                disarm();
                assert_true(sr == HSEC_OK || sr == HSEC_ENOMEM);
                assert_int_equal(atomic_load(&live), before);
                if (sr == HSEC_OK && atomic_load(&calls) < k)
                    break;
            }
            hsec_result_free(r);
        } else {
            assert_null(s);
        }
        hsec_scenario_free(s);
        hsec_loader_free(l);
        assert_int_equal(atomic_load(&live), 0);
        if (done) {
            printf("load: %ld allocation points failed in turn\n", n - 1);
            assert_true(n > 20);
            break;
        }
        assert_true(n < 100000);
    }
    free(bytes);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_run(void **state)
{
    (void)state;
    loop("run (dynamic)", op_run, NULL);
    loop("run (static linear)", op_static, NULL);
}

static void test_decisions(void **state)
{
    (void)state;
    loop("compare, rank, optimize", op_decisions, NULL);
    loop("ensemble", op_ensemble, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_compile),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_decisions),
        cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
