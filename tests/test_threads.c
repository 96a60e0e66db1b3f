/* One compiled model shared by threads: concurrent scenarios and runs give
 * bit-identical results, and the last reference frees it. */
#include "util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

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
    const hsec_compiled *c;
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
    hsec_scenario *s = load_text(doc);
    const hsec_compiled *c = hsec_scenario_compiled(s);
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

/* A model big enough to split: 1,400 groups (9,800 nodes) and 350 services
 * with lags, decouple, shield, recover and reduce measures, three threats. */
static hsec_scenario *split_model(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "land", NULL));
    char a[64], b[64];
    uint64_t r = 12345;
    for (int g = 0; g < 1400; g++) {
        snprintf(a, sizeof a, "g%d", g);
        OK(hsec_model_add_group(m, a, "land", 100 + g));
        OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, 0.05 + 0.001 * (g % 90)));
    }
    for (int v = 0; v < 350; v++) {
        snprintf(a, sizeof a, "s%d", v);
        OK(hsec_model_add_service(m, a, (hsec_service_kind)(v % 12), NULL));
        OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, 0.2));
        for (int k = 0; k < 12; k++) {
            r = r * 6364136223846793005ull + 1442695040888963407ull;
            snprintf(b, sizeof b, "g%d.%s", (v * 4 + k * 117 + (int)((r >> 33) % 3)) % 1400,
                     hsec_enum_name(HSEC_ENUM_DIMENSION, (int)((r >> 20) % 7)));
            if (hsec_model_add_link(m, a, b, 0.05 + (double)((r >> 40) % 100) / 400, (double)(k % 3)))
                fail_msg("link: %s", hsec_model_errmsg(m));
        }
    }
    OK(hsec_model_use_template(m, "dimensions"));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "a", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat(s, "b", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat(s, "c", HSEC_THREAT_CRIMINAL));
    OK(hsec_scenario_set_threat(s, "b", HSEC_TIMING_START, 4));
    for (int v = 0; v < 350; v += 7) {
        snprintf(a, sizeof a, "s%d", v);
        OK(hsec_scenario_add_threat_target(s, "a", a, 0.5));
        snprintf(a, sizeof a, "g%d", v * 4);
        OK(hsec_scenario_add_threat_target(s, "b", a, 0.2));
        snprintf(a, sizeof a, "g%d.personal", v * 4 + 1);
        OK(hsec_scenario_add_threat_target(s, "c", a, 0.3));
    }
    OK(hsec_scenario_add_measure(s, "dec", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.5));
    OK(hsec_scenario_add_measure(s, "shd", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.4));
    OK(hsec_scenario_add_measure(s, "rec", HSEC_PROTECTION, HSEC_RECOVER, HSEC_BY_NGO, 0.05));
    OK(hsec_scenario_add_measure(s, "red", HSEC_EMPOWERMENT, HSEC_REDUCE_VULNERABILITY,
                                 HSEC_BY_COMMUNITY, 0.3));
    OK(hsec_scenario_set_measure(s, "red", HSEC_TIMING_RAMP, 6));
    for (int g = 0; g < 1400; g += 13) {
        snprintf(a, sizeof a, "g%d", g);
        OK(hsec_scenario_add_measure_link(s, "dec", NULL, a));
        OK(hsec_scenario_add_measure_target(s, "red", a));
        snprintf(a, sizeof a, "g%d.health", g + 5);
        OK(hsec_scenario_add_measure_target(s, "rec", a));
    }
    for (int v = 0; v < 350; v += 11) {
        snprintf(a, sizeof a, "s%d", v);
        OK(hsec_scenario_add_measure_target(s, "shd", a));
        snprintf(a, sizeof a, "g%d", v * 4);
        OK(hsec_scenario_add_measure_target(s, "shd", a));
    }
    OK(hsec_scenario_record(s, "g3"));
    return s;
}

/* One run's sweeps shared by 1, 2, 3 and 8 threads: the same results to
 * the bit, dynamic and static, bounded and linear. */
static void test_run_threads(void **state)
{
    (void)state;
    hsec_scenario *s = split_model();
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    assert_true(n >= 8 * 1024);
    static const int modes[][2] = {{HSEC_MODE_DYNAMIC, 1}, {HSEC_MODE_DYNAMIC, 0},
                                   {HSEC_MODE_STATIC, 1}, {HSEC_MODE_STATIC, 0}};
    for (size_t md = 0; md < 4; md++) {
        OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, modes[md][0]));
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, modes[md][1]));
        OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 40));
        OK(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 1));
        hsec_result *one = run_ok(s);
        double b1;
        OK(hsec_result_burden(&b1, one, HSEC_BURDEN_PROPAGATED, 0));
        assert_true(b1 > 0);
        static const double threads[] = {2, 3, 8, 0};
        for (size_t k = 0; k < 4; k++) {
            hsec_result *r = NULL;
            OK(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, threads[k]));
            OK(hsec_scenario_run(&r, s));
            assert_memory_equal(hsec_result_q(r), hsec_result_q(one), n * sizeof(double));
            assert_memory_equal(hsec_result_orders(r), hsec_result_orders(one),
                                HSEC_ORDER_COUNT * n * sizeof(double));
            for (int part = HSEC_BURDEN_TOTAL; part <= HSEC_BURDEN_PROPAGATED; part++) {
                double x, y;
                OK(hsec_result_burden(&x, r, (hsec_burden)part, 0));
                OK(hsec_result_burden(&y, one, (hsec_burden)part, 0));
                assert_true(x == y);
            }
            assert_int_equal(hsec_result_steps(r), hsec_result_steps(one));
            hsec_result_free(r);
        }
        hsec_result_free(one);
    }
    double v;
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 257), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 1.5), HSEC_EINVAL);
    OK(hsec_scenario_get_option(&v, s, HSEC_OPT_RUN_THREADS));
    assert_true(v == 0);
    hsec_scenario_free(s);
}

/* The adjoint of a model of 10,000 nodes solves (I - A'^T) u = b to the
 * tolerance, checked with A' as hsec_scenario_operator gives it (the
 * residual summed here in another order than the solver's). */
static void test_rank_residual(void **state)
{
    (void)state;
    hsec_scenario *s = split_model();
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
    assert_true(n >= 8192);
    double *u1 = malloc(n * sizeof *u1), *b = calloc(n, sizeof *b);
    double *r = calloc(n, sizeof *r), *w = malloc(nnz * sizeof *w);
    size_t *rowp = malloc((n + 1) * sizeof *rowp), *from = malloc(nnz * sizeof *from);
    assert_true(u1 && b && r && w && rowp && from);
    OK(hsec_scenario_rank(u1, n, s));
    OK(hsec_compiled_links(rowp, from, NULL, NULL, nnz, c));
    OK(hsec_scenario_operator(w, NULL, NULL, s, NULL, 0, -1));
    double bmax = 0;
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            size_t i = hsec_compiled_group_node(c, g) + (size_t)d;
            b[i] = hsec_compiled_group_size(c, g) *
                   hsec_compiled_group_weight(c, g, (hsec_dimension)d);
            bmax = b[i] > bmax ? b[i] : bmax;
        }
    for (size_t i = 0; i < n; i++) /* r = b + A'^T u - u */
        for (size_t e = rowp[i]; e < rowp[i + 1]; e++)
            r[from[e]] += w[e] * u1[i];
    double worst = 0, umax = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(b[i] + r[i] - u1[i]);
        worst = d > worst ? d : worst;
        umax = u1[i] > umax ? u1[i] : umax;
    }
    assert_true(umax > 2 * bmax); /* the model propagates: the case is not trivial */
    assert_true(worst <= 1e-11 * bmax);
    /* on more threads (a second one makes the blocks' shape, the groups'
     * copy of their links, half the first sweep's spectral bound and half
     * the groups' share of the services: solve.c, "Two parts"), the same to
     * the bit; the coupling's solves too */
    double *u2 = malloc(n * sizeof *u2), *d1 = malloc(n * sizeof *d1);
    double *i1 = malloc(n * sizeof *i1), *d2 = malloc(n * sizeof *d2);
    double *i2 = malloc(n * sizeof *i2);
    assert_true(u2 && d1 && i1 && d2 && i2);
    OK(hsec_scenario_coupling(NULL, NULL, d1, i1, n, s));
    static const double threads[] = {2, 3, 8};
    for (size_t k = 0; k < 3; k++) {
        OK(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, threads[k]));
        OK(hsec_scenario_rank(u2, n, s));
        assert_memory_equal(u2, u1, n * sizeof *u1);
        OK(hsec_scenario_coupling(NULL, NULL, d2, i2, n, s));
        assert_memory_equal(d2, d1, n * sizeof *d1);
        assert_memory_equal(i2, i1, n * sizeof *i1);
    }
    free(u2);
    free(d1);
    free(i1);
    free(d2);
    free(i2);
    free(u1);
    free(b);
    free(r);
    free(w);
    free(rowp);
    free(from);
    hsec_scenario_free(s);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HSEC_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HSEC_TEST_SANITIZED 1
#endif
#endif

#ifndef HSEC_TEST_SANITIZED
static void *idle(void *arg)
{
    return arg;
}

/* Whether a thread can start now (one is started and joined). */
static bool thread_starts(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, idle, NULL))
        return false;
    pthread_join(t, NULL);
    return true;
}

/* Bytes of address space the process holds. */
static double address_space(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%lu", &pages) != 1)
        pages = 0;
    fclose(f);
    return (double)pages * (double)sysconf(_SC_PAGESIZE);
}

/*
 * In a child process, an address-space limit a little above what is held
 * leaves no room for a thread's stack, so no worker thread can start. A
 * run asking for 8 threads and an ensemble asking for 4 then work on the
 * calling thread alone, to the same numbers. The child tries headrooms
 * from small to large until the run's own memory fits while threads still
 * cannot start; exit 0: checked; 1: different numbers; 77: no headroom
 * allowed both (skipped).
 */
static int child_without_threads(hsec_scenario *s, const double *q1, size_t n,
                                 const double *ens1, size_t members)
{
    struct rlimit old;
    if (getrlimit(RLIMIT_AS, &old))
        return 77;
    double held = address_space();
    if (held <= 0)
        return 77;
    for (double extra = 1 << 20; extra <= 64.0 * (1 << 20); extra *= 1.25) {
        struct rlimit lim = old;
        lim.rlim_cur = (rlim_t)(held + extra);
        if (old.rlim_cur != RLIM_INFINITY && lim.rlim_cur > old.rlim_cur)
            return 77;
        if (setrlimit(RLIMIT_AS, &lim))
            return 77;
        if (thread_starts())
            return 77; /* room for a stack before room for the run: cannot test */
        hsec_result *r = NULL;
        hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 8);
        int rc = hsec_scenario_run(&r, s);
        if (rc == HSEC_ENOMEM)
            continue;
        if (rc != HSEC_OK || hsec_result_node_count(r) != n ||
            memcmp(hsec_result_q(r), q1, n * sizeof(double)) != 0)
            return 1;
        hsec_result_free(r);
        hsec_ensemble *e = NULL;
        hsec_scenario_set_option(s, HSEC_OPT_THREADS, 4);
        rc = hsec_scenario_ensemble(&e, s, NULL, 0);
        if (rc == HSEC_ENOMEM)
            continue;
        double v[16];
        if (rc != HSEC_OK || members > 16 ||
            hsec_ensemble_values(v, members, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0) ||
            memcmp(v, ens1, members * sizeof(double)) != 0)
            return 1;
        hsec_ensemble_free(e);
        return thread_starts() ? 77 : 0;
    }
    return 77;
}

#endif

static void test_threads_cannot_start(void **state)
{
    (void)state;
#ifdef HSEC_TEST_SANITIZED
    skip(); /* a sanitizer's shadow memory needs the address space */
#else
    hsec_scenario *s = split_model();
    dynamic(s, 12);
    OK(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 1));
    hsec_result *r = run_ok(s);
    size_t n = hsec_result_node_count(r);
    double *q1 = malloc(n * sizeof *q1);
    assert_non_null(q1);
    memcpy(q1, hsec_result_q(r), n * sizeof *q1);
    hsec_result_free(r);
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.8, 1, 1.2));
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 6));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 1));
    hsec_ensemble *e = NULL;
    OK(hsec_scenario_ensemble(&e, s, NULL, 0));
    double ens1[6];
    OK(hsec_ensemble_values(ens1, 6, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0));
    hsec_ensemble_free(e);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_without_threads(s, q1, n, ens1, 6));
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    free(q1);
    hsec_scenario_free(s);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77) {
        printf("no address-space limit stops threads while a run fits: skipped\n");
        skip();
    }
    assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* first: a thread that has run leaves its stack cached for reuse */
        cmocka_unit_test(test_threads_cannot_start),
        cmocka_unit_test(test_shared_compiled),
        cmocka_unit_test(test_run_threads),
        cmocka_unit_test(test_rank_residual),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
