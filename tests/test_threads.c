/* One compiled model shared by threads: concurrent scenarios and runs give
 * bit-identical results, and the last reference frees it. */
#include "util.h"

#include <pthread.h>
#include <stdlib.h>

#define THREADS 4

static const char *const doc =
    "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
    " \"groups\": [{\"id\": \"a\", \"region\": \"r\", \"size\": 100},"
    "              {\"id\": \"b\", \"region\": \"r\", \"size\": 300, \"vulnerability\": 1.3}],"
    " \"services\": [{\"id\": \"grid\", \"kind\": \"energy\", \"recovery\": 0.2},"
    "                {\"id\": \"water\", \"kind\": \"water\", \"region\": \"r\", \"recovery\": 0.4}],"
    " \"templates\": [\"dimensions\", \"services\"],"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.7, \"lag\": 1}]}";

typedef struct job {
    hsec_compiled *c;
    double q[64];
    size_t n;
    int rc;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    hsec_scenario *s = NULL;
    hsec_result *r = NULL;
    j->rc = hsec_scenario_new(&s, j->c);
    if (!j->rc)
        j->rc = hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY);
    if (!j->rc)
        j->rc = hsec_scenario_add_threat_target(s, "t", "grid", 0.9);
    if (!j->rc)
        j->rc = hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC);
    if (!j->rc)
        j->rc = hsec_scenario_set_option(s, HSEC_OPT_STEPS, 200);
    for (int rep = 0; rep < 20 && !j->rc; rep++) {
        hsec_result_free(r);
        j->rc = hsec_scenario_run(&r, s);
    }
    if (!j->rc) {
        j->n = hsec_result_node_count(r);
        memcpy(j->q, hsec_result_q(r), j->n * sizeof(double));
    }
    hsec_result_free(r);
    hsec_scenario_free(s);
    return NULL;
}

static void test_shared_compiled(void **state)
{
    (void)state;
    hsec_scenario *s = NULL;
    char err[HSEC_ERRMSG_MAX];
    OK(hsec_doc_load_json(&s, doc, strlen(doc), NULL, err, sizeof err));
    hsec_compiled *c = (hsec_compiled *)hsec_scenario_compiled(s);
    job jobs[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&jobs[i], 0, sizeof jobs[i]);
        jobs[i].c = c;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(th[i], NULL), 0);
    assert_int_equal(jobs[0].n, 16);
    assert_true(jobs[0].q[hsec_compiled_node_count(c) - 1] > 0); /* water was hit */
    for (int i = 0; i < THREADS; i++) {
        OK(jobs[i].rc);
        assert_memory_equal(jobs[i].q, jobs[0].q, jobs[0].n * sizeof(double));
    }
    hsec_scenario_free(s); /* the last reference: frees the compiled model */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_compiled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
