/*
 * Work and memory bounded by what the caller allowed: every expansion
 * (template links, region targets, recorded series x steps, ensemble
 * members, the lag history) is counted against the limits before it is
 * allocated, and long loops can be canceled. An allocator that refuses
 * any single request above a cap shows that nothing large is attempted:
 * a document that asks for too much is refused by name (HSEC_ELIMIT),
 * never with "out of memory".
 */
#include "util.h"

#include <stdatomic.h>
#include <unistd.h>

/* An allocator refusing requests above `cap` bytes, counting the largest. */
typedef struct capped {
    size_t cap;
    atomic_size_t largest;
} capped;

static void note(capped *c, size_t size)
{
    size_t was = atomic_load(&c->largest);
    while (size > was && !atomic_compare_exchange_weak(&c->largest, &was, size))
        ;
}

static void *c_alloc(void *opaque, size_t size)
{
    capped *c = opaque;
    note(c, size);
    return size > c->cap ? NULL : malloc(size);
}

static void *c_realloc(void *opaque, void *p, size_t size)
{
    capped *c = opaque;
    note(c, size);
    return size > c->cap ? NULL : realloc(p, size);
}

static void c_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

#define CAP ((size_t)64 << 20)

static hsec_allocator capped_allocator(capped *c)
{
    c->cap = CAP;
    atomic_init(&c->largest, 0);
    hsec_allocator a = {HSEC_ALLOCATOR_VERSION, c_alloc, c_realloc, c_free, c};
    return a;
}

/* Load text through a loader on the capped allocator; the code, and the
 * message in msg. */
static int load_capped(hsec_scenario **s, capped *c, const char *text, char *msg,
                       uint64_t memory)
{
    hsec_allocator a = capped_allocator(c);
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, &a));
    if (memory)
        OK(hsec_loader_set_limit(l, HSEC_LIMIT_MEMORY, memory));
    int rc = hsec_loader_load(s, l, text, strlen(text));
    snprintf(msg, HSEC_ERRMSG_MAX, "%s", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return rc;
}

/* A growing text buffer. */
typedef struct text {
    char *p;
    size_t n, cap;
} text;

static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        assert_true(k >= 0);
        if (t->p && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return;
        }
        t->cap = (t->cap + (size_t)k + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
}

/* 20 services in a chain of links with lag `lag`, a threat on the first,
 * dynamic for `steps` steps, every service recorded. */
static char *lag_chain(double lag, double steps)
{
    text t = {0};
    put(&t, "{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"services\":[");
    for (int i = 0; i <= 20; i++)
        put(&t, "%s{\"id\":\"s%d\",\"kind\":\"energy\",\"recovery\":0.1}", i ? "," : "", i);
    put(&t, "],\"links\":[");
    for (int i = 0; i < 20; i++)
        put(&t, "%s{\"from\":\"s%d\",\"to\":\"s%d\",\"weight\":0.5,\"lag\":%.17g}", i ? "," : "",
            i, i + 1, i == 0 ? 1 : lag);
    put(&t, "],\"threats\":[{\"id\":\"t\",\"targets\":[{\"node\":\"s0\",\"magnitude\":0.5}]}],"
            "\"run\":{\"mode\":\"dynamic\",\"steps\":%.17g,\"record\":[",
        steps);
    for (int i = 0; i <= 20; i++)
        put(&t, "%s\"s%d\"", i ? "," : "", i);
    put(&t, "]}}");
    return t.p;
}

/* The lag history holds min(lag, steps) + 1 steps: a lag of 10^7 in a
 * run of 3 steps reads the initial state, as a lag of 3 does. */
static void lag_ring_bounded_by_steps(void **state)
{
    (void)state;
    capped cap;
    char msg[HSEC_ERRMSG_MAX];
    char *far = lag_chain(1e7, 3), *near = lag_chain(3, 3);
    hsec_scenario *s = NULL, *s2 = NULL;
    int rc = load_capped(&s, &cap, far, msg, 0);
    if (rc)
        fail_msg("load: %s", msg);
    uint64_t bytes = 0;
    OK(hsec_scenario_memory(&bytes, s));
    assert_true(bytes < 1 << 20);
    hsec_result *r = NULL;
    rc = hsec_scenario_run(&r, s);
    if (rc)
        fail_msg("run: %s", hsec_scenario_errmsg(s));
    assert_true(atomic_load(&cap.largest) < (1 << 20));
    s2 = load_text(near);
    hsec_result *r2 = run_ok(s2);
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    for (size_t k = 0; k < n; k++) {
        const double *a = NULL, *b = NULL;
        size_t len = 0, len2 = 0;
        OK(hsec_result_series(&a, &len, r, k));
        OK(hsec_result_series(&b, &len2, r2, k));
        assert_int_equal(len, len2);
        assert_memory_equal(a, b, len * sizeof *a);
    }
    /* a long run with the long lags is refused by name, before allocating */
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 1e7));
    hsec_result_free(r);
    r = NULL;
    assert_int_equal(hsec_scenario_run(&r, s), HSEC_ELIMIT);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "history of lagged links"));
    assert_non_null(strstr(hsec_scenario_errmsg(s), "HSEC_LIMIT_MEMORY"));
    assert_null(r);
    hsec_result_free(r2);
    hsec_scenario_free(s);
    hsec_scenario_free(s2);
    free(far);
    free(near);
}

/* Template links count against the link limit and the memory limit
 * before they are laid out: 2,000 national services over 2,000 groups
 * would be 6 million links. */
static void template_links_counted(void **state)
{
    (void)state;
    text t = {0};
    put(&t, "{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[");
    for (int i = 0; i < 2000; i++)
        put(&t, "%s{\"id\":\"g%d\",\"region\":\"r\",\"size\":10}", i ? "," : "", i);
    put(&t, "],\"services\":[");
    for (int i = 0; i < 2000; i++)
        put(&t, "%s{\"id\":\"s%d\",\"kind\":\"energy\"}", i ? "," : "", i);
    put(&t, "],\"templates\":[\"services\", \"dimensions\"]}");
    capped cap;
    char msg[HSEC_ERRMSG_MAX];
    hsec_scenario *s = NULL;
    assert_int_equal(load_capped(&s, &cap, t.p, msg, (uint64_t)32 << 20), HSEC_ELIMIT);
    assert_null(s);
    assert_non_null(strstr(msg, "HSEC_LIMIT_MEMORY"));
    assert_non_null(strstr(msg, "12028000 links"));
    assert_true(atomic_load(&cap.largest) < CAP);

    /* through the API: the link limit counts template links (3 services x
     * 3 energy rows x 2 groups = 18, and 14 x 2 inside the groups) */
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_region(m, "sub", "r"));
    OK(hsec_model_add_group(m, "a", "r", 1));
    OK(hsec_model_add_group(m, "b", "sub", 1));
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof id, "s%d", i);
        OK(hsec_model_add_service(m, id, HSEC_SERVICE_ENERGY, i ? "r" : NULL));
    }
    OK(hsec_model_add_link(m, "s0", "s1", 0.1, 0));
    OK(hsec_model_use_template(m, "services"));
    OK(hsec_model_use_template(m, "dimensions"));
    uint64_t v = 0;
    OK(hsec_model_get_limit(&v, m, HSEC_LIMIT_LINKS));
    assert_true(v == UINT64_MAX);
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 46));
    hsec_compiled *c = NULL;
    assert_int_equal(hsec_model_compile(&c, m), HSEC_ELIMIT);
    assert_non_null(strstr(hsec_model_errmsg(m), "47 links (1 written, 28 from the dimensions "
                                                  "template, 18 from the services template)"));
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 47));
    OK(hsec_model_compile(&c, m));
    assert_int_equal(hsec_compiled_link_count(c), 47);
    hsec_compiled_free(c);
    OK(hsec_model_set_limit(m, HSEC_LIMIT_NODES, 16));
    assert_int_equal(hsec_model_compile(&c, m), HSEC_ELIMIT);
    assert_non_null(strstr(hsec_model_errmsg(m), "17 nodes"));
    assert_int_equal(hsec_model_set_limit(m, HSEC_LIMIT_NODES, 0), HSEC_EINVAL);
    assert_int_equal(hsec_model_set_limit(m, HSEC_LIMIT_DEPTH, 5), HSEC_EINVAL);
    hsec_model_free(m);
    free(t.p);
}

/* Region targets expand per threat: counted against the scenario's
 * memory before the target lists grow. */
static void region_targets_counted(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    for (int i = 0; i < 1000; i++) {
        char id[16];
        snprintf(id, sizeof id, "g%d", i);
        OK(hsec_model_add_group(m, id, "r", 10));
    }
    hsec_scenario *s = scenario_of(m);
    uint64_t base = 0;
    OK(hsec_scenario_memory(&base, s));
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, base + 400000));
    int added = 0, rc = HSEC_OK;
    for (; added < 100 && rc == HSEC_OK; added++) {
        char id[16];
        snprintf(id, sizeof id, "t%d", added);
        OK(hsec_scenario_add_threat(s, id, HSEC_THREAT_ADVERSARY));
        rc = hsec_scenario_add_threat_target(s, id, "r", 0.1);
    }
    assert_int_equal(rc, HSEC_ELIMIT);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "adds 7000 targets"));
    /* 7,000 targets of about 40 bytes each: the limit is reached early */
    assert_true(added > 1 && added < 100);
    /* the refused target left nothing behind */
    assert_int_equal(hsec_scenario_threat_target_count(s, (size_t)added - 1), 0);
    uint64_t lim = 0;
    OK(hsec_scenario_get_limit(&lim, s, HSEC_LIMIT_MEMORY));
    assert_true(lim == base + 400000);
    assert_int_equal(hsec_scenario_set_limit(s, HSEC_LIMIT_NODES, 5), HSEC_EINVAL);
    /* a dense threat keeps finding repeats */
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, UINT64_MAX));
    assert_int_equal(hsec_scenario_add_threat_target(s, "t0", "g5.health", 0.2), HSEC_EEXIST);
    hsec_scenario_free(s);
}

/* Recorded series x steps, and ensembles' members, are counted before a
 * run allocates; an ensemble uses fewer threads when only that fits. */
static void runs_counted(void **state)
{
    (void)state;
    capped cap;
    hsec_allocator a = capped_allocator(&cap);
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, &a));
    OK(hsec_model_add_region(m, "r", NULL));
    for (int i = 0; i < 100; i++) {
        char id[16];
        snprintf(id, sizeof id, "g%d", i);
        OK(hsec_model_add_group(m, id, "r", 10));
    }
    OK(hsec_model_use_template(m, "dimensions"));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "g0.health", 0.5));
    OK(hsec_scenario_record(s, "r"));
    dynamic(s, 1e7);
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, (uint64_t)1 << 30));
    hsec_result *r = NULL;
    assert_int_equal(hsec_scenario_run(&r, s), HSEC_ELIMIT);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "700 recorded series of 10000001 steps"));
    assert_true(atomic_load(&cap.largest) < CAP);
    uint64_t bytes = 0;
    assert_int_equal(hsec_scenario_memory(&bytes, s), HSEC_ELIMIT);
    assert_true(bytes > (uint64_t)700 * 10000001 * 8);

    /* an ensemble: 10^9 members' figures do not fit */
    dynamic(s, 20);
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 1e9));
    hsec_ensemble *e = NULL;
    assert_int_equal(hsec_scenario_ensemble(&e, s, NULL, 0), HSEC_ELIMIT);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "members' figures"));

    /* room for one run and not two: the ensemble runs on one thread, with
     * the figures of four threads */
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 8));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 4));
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, UINT64_MAX));
    hsec_ensemble *e4 = NULL;
    OK(hsec_scenario_ensemble(&e4, s, NULL, 0));
    OK(hsec_scenario_memory(&bytes, s));
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, bytes + bytes / 2));
    int rc = hsec_scenario_ensemble(&e, s, NULL, 0);
    if (rc)
        fail_msg("ensemble: %s", hsec_scenario_errmsg(s));
    double x = 0, y = 0;
    for (size_t g = 0; g < 100; g += 7) {
        OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_GROUP_PEAK, g, 0, 0.5));
        OK(hsec_ensemble_quantile(&y, e4, HSEC_QTY_GROUP_PEAK, g, 0, 0.5));
        assert_true(x == y);
    }
    hsec_ensemble_free(e);
    hsec_ensemble_free(e4);
    hsec_scenario_free(s);
}

/* The documents written from a run (its results, a comparison) count too:
 * refused at load when they would not fit, and by the writer. */
static void documents_counted(void **state)
{
    (void)state;
    capped cap;
    char msg[HSEC_ERRMSG_MAX];
    hsec_scenario *s = NULL;
    const char *doc = "{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],"
                      "\"groups\":[{\"id\":\"g\",\"region\":\"r\",\"size\":10}],"
                      "\"threats\":[{\"id\":\"t\",\"targets\":[{\"node\":\"g.health\","
                      "\"magnitude\":0.5}]}],"
                      "\"run\":{\"mode\":\"dynamic\",\"steps\":200000,\"record\":[\"g\"]}}";
    /* the run takes about 11 MB, its results document about 140 MB */
    assert_int_equal(load_capped(&s, &cap, doc, msg, (uint64_t)64 << 20), HSEC_ELIMIT);
    assert_non_null(strstr(msg, "results: the document would take"));
    assert_null(s);
    OK(load_capped(&s, &cap, doc, msg, (uint64_t)1 << 30));
    hsec_result *r = run_ok(s);
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, (uint64_t)64 << 20));
    char *json = NULL;
    size_t len = 0;
    assert_int_equal(hsec_doc_results_json(&json, &len, r, s), HSEC_ELIMIT);
    assert_null(json);
    assert_non_null(strstr(hsec_last_errmsg(), "HSEC_LIMIT_MEMORY"));
    hsec_result_free(r);
    hsec_scenario_free(s);

    /* a large model whose run fits but whose whole results document would
     * not: it loads (the document grows with the model, not beyond it),
     * runs, and only the writer refuses */
    text t = {0};
    put(&t, "{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],\"groups\":[");
    for (int g = 0; g < 3000; g++)
        put(&t, "%s{\"id\":\"g%d\",\"region\":\"r\",\"size\":10}", g ? "," : "", g);
    put(&t, "],\"threats\":[{\"id\":\"t\",\"targets\":[{\"node\":\"r\","
            "\"magnitude\":0.5}]}]}");
    OK(load_capped(&s, &cap, t.p, msg, (uint64_t)24 << 20));
    r = run_ok(s);
    assert_int_equal(hsec_doc_results_json(&json, &len, r, s), HSEC_ELIMIT);
    assert_null(json);
    assert_non_null(strstr(hsec_last_errmsg(), "results: the document would take"));
    hsec_result_free(r);
    hsec_scenario_free(s);
    free(t.p);
}

/* A stream that is not a document is refused at its first byte; a
 * regular file larger than the limit before it is read. */
static void streams_sniffed(void **state)
{
    (void)state;
    capped cap;
    hsec_allocator a = capped_allocator(&cap);
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, &a));
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_loader_load_file(&s, l, "/dev/zero"), HSEC_EFORMAT);
    assert_non_null(strstr(hsec_loader_errmsg(l), "not a document"));
    assert_true(atomic_load(&cap.largest) <= 65536);
    char path[] = "/tmp/hsec-limits-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 1 << 20), 0);
    close(fd);
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_SIZE, 1000));
    assert_int_equal(hsec_loader_load_file(&s, l, path), HSEC_EFORMAT);
    assert_non_null(strstr(hsec_loader_errmsg(l), "1048576 bytes, more than"));
    assert_true(atomic_load(&cap.largest) <= 65536);
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_SIZE, UINT64_MAX));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_RATIO, UINT64_MAX));
    assert_int_equal(hsec_loader_load_file(&s, l, path), HSEC_EFORMAT); /* zeros */
    unlink(path);
    hsec_loader_free(l);
}

static int cancel_after(void *user, uint64_t done, uint64_t total)
{
    (void)done;
    (void)total;
    int *calls = user;
    return ++*calls >= 5;
}

/* A scenario whose static iteration converges slowly: a ring of services
 * with weights just below 1. */
static hsec_scenario *slow_ring(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_service(m, "a", HSEC_SERVICE_OTHER, "r"));
    OK(hsec_model_add_service(m, "b", HSEC_SERVICE_OTHER, "r"));
    OK(hsec_model_add_link(m, "a", "b", 0.9999, 0));
    OK(hsec_model_add_link(m, "b", "a", 0.9999, 0));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.001));
    return s;
}

/* Static runs (both modes), linear solves and interdependency call the
 * progress callback and stop when it asks. */
static void long_loops_cancel(void **state)
{
    (void)state;
    for (int bounded = 0; bounded <= 1; bounded++) {
        hsec_scenario *s = slow_ring();
        OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, bounded));
        OK(hsec_scenario_set_option(s, HSEC_OPT_MAX_ITERATIONS, 1e9));
        int calls = 0;
        OK(hsec_scenario_set_progress(s, cancel_after, &calls));
        hsec_result *r = NULL;
        assert_int_equal(hsec_scenario_run(&r, s), HSEC_ECANCELED);
        assert_null(r);
        assert_int_equal(calls, 5);
        assert_non_null(strstr(hsec_scenario_errmsg(s), "canceled"));
        calls = 0;
        double dep[2];
        assert_int_equal(hsec_scenario_coupling(NULL, NULL, dep, NULL, 2, s), HSEC_ECANCELED);
        calls = 0;
        double x = 0;
        assert_int_equal(hsec_scenario_interdependency(&x, s, 0, 1, 1000000000u), HSEC_ECANCELED);
        assert_int_equal(calls, 5);
        assert_non_null(strstr(hsec_scenario_errmsg(s), "canceled at power 4"));
        OK(hsec_scenario_set_progress(s, NULL, NULL));
        assert_int_equal(hsec_scenario_interdependency(&x, s, 0, 1, 1000000001u), HSEC_EINVAL);
        OK(hsec_scenario_interdependency(&x, s, 0, 1, 3));
        NEAR(x, 0.9999 * 0.9999 * 0.9999, 1e-15);
        hsec_scenario_free(s);
    }
}

/* Messages: exact integers in ranges; a bounded scenario is not told to
 * use bounded mode. */
static void messages_exact(void **state)
{
    (void)state;
    hsec_scenario *s = slow_ring();
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 1e7 + 1), HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "10000001 is not a whole number in "
                                                    "[1,10000000]"));
    assert_int_equal(hsec_scenario_set_threat(s, "t", HSEC_TIMING_START, 12345678.5),
                     HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "12345678.5 is not a whole number in "
                                                    "[0,10000000]"));
    hsec_scenario_free(s);

    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_service(m, "a", HSEC_SERVICE_OTHER, "r"));
    OK(hsec_model_add_service(m, "b", HSEC_SERVICE_OTHER, "r"));
    assert_int_equal(hsec_model_add_link(m, "a", "b", 0.5, 1e7 + 1), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "lag 10000001 is not a whole number in "
                                                 "[0,10000000]"));
    OK(hsec_model_add_link(m, "a", "b", 1, 0));
    OK(hsec_model_add_link(m, "b", "a", 1, 0));
    s = scenario_of(m);
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 1));
    double dep[2];
    assert_int_equal(hsec_scenario_coupling(NULL, NULL, dep, NULL, 2, s), HSEC_ENOCONV);
    assert_null(strstr(hsec_scenario_errmsg(s), "bounded mode"));
    assert_non_null(strstr(hsec_scenario_errmsg(s), "(I - A')^-1"));
    OK(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    assert_int_equal(hsec_scenario_coupling(NULL, NULL, dep, NULL, 2, s), HSEC_ENOCONV);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "use bounded mode"));
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lag_ring_bounded_by_steps),
        cmocka_unit_test(template_links_counted),
        cmocka_unit_test(region_targets_counted),
        cmocka_unit_test(runs_counted),
        cmocka_unit_test(documents_counted),
        cmocka_unit_test(streams_sniffed),
        cmocka_unit_test(long_loops_cancel),
        cmocka_unit_test(messages_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
