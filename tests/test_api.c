/* Every bad argument to the builder and scenario API: an error code, a
 * message naming the field and the value, and a handle that stays usable. */
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <unistd.h>

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
    char vs[32]; /* the string and the number say the same */
    snprintf(vs, sizeof vs, "%d.%d.%d", hsec_version_number() / 10000,
             hsec_version_number() / 100 % 100, hsec_version_number() % 100);
    assert_string_equal(hsec_version_string(), vs);
    assert_int_equal(HSEC_VERSION_MAJOR, 1);
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
    hsec_last_errmsg_set(HSEC_OK, NULL);
    assert_int_equal(hsec_scenario_new(&s, NULL), HSEC_EINVAL);
    assert_null(s);
    assert_true(hsec_last_errmsg()[0] != '\0');
    hsec_result *r = (hsec_result *)1;
    assert_int_equal(hsec_scenario_run(&r, NULL), HSEC_EINVAL);
    assert_null(r);
    assert_int_equal(hsec_compiled_node_count(NULL), 0);
    assert_null(hsec_compiled_node_name(NULL, 0));
    assert_true(isnan(hsec_compiled_group_size(NULL, 0)));
    hsec_allocator bad = {HSEC_ALLOCATOR_VERSION, NULL, NULL, NULL, NULL};
    hsec_model *m = (hsec_model *)1;
    assert_int_equal(hsec_model_new(&m, &bad), HSEC_EINVAL);
    assert_null(m);
    HAS(hsec_last_errmsg(), "alloc");
}

static void *sys_alloc(void *opaque, size_t n)
{
    (void)opaque;
    return malloc(n);
}
static void *sys_realloc(void *opaque, void *p, size_t n)
{
    (void)opaque;
    return realloc(p, n);
}
static void sys_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

/* An allocator of another version is refused wherever one is given, and
 * the refusal says why in the thread's message (there is no handle yet). */
static void test_allocator_version(void **state)
{
    (void)state;
    static const unsigned versions[3] = {0, HSEC_ALLOCATOR_VERSION + 1, 1000};
    for (int i = 0; i < 3; i++) {
        hsec_allocator a = {versions[i], sys_alloc, sys_realloc, sys_free, NULL};
        char v[16];
        snprintf(v, sizeof v, "%u", versions[i]);
        hsec_last_errmsg_set(HSEC_OK, NULL);
        hsec_model *m = (hsec_model *)1;
        assert_int_equal(hsec_model_new(&m, &a), HSEC_EINVAL);
        assert_null(m);
        HAS(hsec_last_errmsg(), "version");
        HAS(hsec_last_errmsg(), v);
        hsec_last_errmsg_set(HSEC_OK, NULL);
        hsec_loader *l = (hsec_loader *)1;
        assert_int_equal(hsec_loader_new(&l, &a), HSEC_EINVAL);
        assert_null(l);
        HAS(hsec_last_errmsg(), "version");
    }
    hsec_allocator good = {HSEC_ALLOCATOR_VERSION, sys_alloc, sys_realloc, sys_free, NULL};
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, &good));
    hsec_model_free(m);
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, &good));
    hsec_loader_free(l);
}

/* Whether the mapping holding address p is advised to use huge pages
 * (VmFlags "hg" in /proc/self/smaps): 1 yes, 0 no, -1 not found. */
static int advised_huge(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    int in = 0, found = -1;
    while (found < 0 && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char dash;
        if (sscanf(line, "%lx%c%lx ", &lo, &dash, &hi) == 3 && dash == '-')
            in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        else if (in && strncmp(line, "VmFlags:", 8) == 0)
            found = strstr(line, " hg") != NULL;
    }
    fclose(f);
    return found;
}

/* The library's own allocator: refused without a place to put it; it
 * allocates, grows and frees; on Linux with transparent huge pages left to
 * madvise, a large block is advised to use them and a small one is not. */
static void test_default_allocator(void **state)
{
    (void)state;
    hsec_last_errmsg_set(HSEC_OK, NULL);
    assert_int_equal(hsec_default_allocator(NULL), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "out is NULL");
    hsec_allocator a = {0};
    OK(hsec_default_allocator(&a));
    assert_int_equal(a.version, HSEC_ALLOCATOR_VERSION);
    assert_non_null(a.alloc);
    assert_non_null(a.realloc);
    assert_non_null(a.free);
    size_t big = (size_t)16 << 20;
    unsigned char *p = a.alloc(a.opaque, 1000), *q = a.alloc(a.opaque, big);
    assert_non_null(p);
    assert_non_null(q);
    memset(p, 7, 1000);
    memset(q, 9, big);
    p = a.realloc(a.opaque, p, big); /* grown into a large block: its bytes kept */
    assert_non_null(p);
    assert_int_equal(p[999], 7);
    FILE *t = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    char mode[128] = "";
    if (t) {
        if (!fgets(mode, sizeof mode, t))
            mode[0] = '\0';
        fclose(t);
    }
#if defined(__linux__)
    if (strstr(mode, "[madvise]") || strstr(mode, "[always]")) {
        assert_int_equal(advised_huge(q + big / 2), 1);
        assert_int_equal(advised_huge(p + big / 2), 1);
        unsigned char *small = a.alloc(a.opaque, 64); /* the heap: not advised */
        assert_non_null(small);
        if (strstr(mode, "[madvise]"))
            assert_int_equal(advised_huge(small), 0);
        a.free(a.opaque, small);
    }
#endif
    a.free(a.opaque, p);
    a.free(a.opaque, q);
    a.free(a.opaque, NULL);
    /* a model built on it, as on no allocator at all */
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, &a));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 10));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    assert_int_equal(hsec_compiled_node_count(c), HSEC_DIM_COUNT);
    hsec_compiled_free(c);
    hsec_model_free(m);
}

/* The thread's message: set and read, returned code, bounded length, and
 * failures of calls without a handle or on read-only ones land there, not
 * on a handle. */
static void test_last_errmsg(void **state)
{
    (void)state;
    assert_int_equal(hsec_last_errmsg_set(HSEC_EIO, "disk on fire"), HSEC_EIO);
    assert_string_equal(hsec_last_errmsg(), "disk on fire");
    assert_int_equal(hsec_last_errmsg_set(HSEC_OK, NULL), HSEC_OK);
    assert_string_equal(hsec_last_errmsg(), "");
    char longmsg[2 * HSEC_ERRMSG_MAX];
    memset(longmsg, 'z', sizeof longmsg - 1);
    longmsg[sizeof longmsg - 1] = '\0';
    assert_int_equal(hsec_last_errmsg_set(HSEC_EINVAL, longmsg), HSEC_EINVAL);
    assert_int_equal(strlen(hsec_last_errmsg()), HSEC_ERRMSG_MAX - 1);
    assert_memory_equal(hsec_last_errmsg(), longmsg, HSEC_ERRMSG_MAX - 1);

    /* a result getter names the value it refused */
    hsec_scenario *s = scenario_of(one_group(10));
    hsec_result *r = run_ok(s);
    hsec_last_errmsg_set(HSEC_OK, NULL);
    double x;
    assert_int_equal(hsec_result_burden(&x, r, HSEC_BURDEN_GROUP, 5), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "5");
    assert_string_equal(hsec_scenario_errmsg(s), ""); /* not the scenario's */
    assert_int_equal(hsec_result_burden(&x, r, (hsec_burden)42, 0), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "42");
    double y[HSEC_DIM_COUNT];
    assert_int_equal(hsec_result_group(NULL, NULL, y, HSEC_DIM_COUNT, r, 3, HSEC_AT_LAST),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "3");
    /* a compiled model's failures, and the scenario's own stay its own */
    assert_int_equal(hsec_scenario_add_threat(s, "t t", HSEC_THREAT_NATURAL), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "\"t t\"");
    HAS(hsec_last_errmsg(), "3"); /* untouched by the scenario's failure */
    size_t k;
    assert_int_equal(hsec_compiled_find_node(&k, hsec_scenario_compiled(s), "ghost"),
                     HSEC_ENOTFOUND);
    HAS(hsec_last_errmsg(), "ghost");
    HAS(hsec_scenario_errmsg(s), "\"t t\"");
    /* without a handle */
    assert_int_equal(hsec_write_file("/nonexistent/dir/file", "x", 1), HSEC_EIO);
    HAS(hsec_last_errmsg(), "/nonexistent/dir/file");
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* The scenario's message is of its last call: rank and coupling clear a
 * stale one when they succeed, as a run does. */
static void test_stale_scenario_message(void **state)
{
    (void)state;
    hsec_model *m = services("a b");
    OK(hsec_model_add_link(m, "a", "b", 0.5, 0));
    hsec_scenario *s = scenario_of(m);
    double u[2], dep[2];
    assert_int_equal(hsec_scenario_add_threat(s, "", HSEC_THREAT_NATURAL), HSEC_EINVAL);
    assert_true(hsec_scenario_errmsg(s)[0] != '\0');
    OK(hsec_scenario_rank(u, 2, s));
    assert_string_equal(hsec_scenario_errmsg(s), "");
    assert_int_equal(hsec_scenario_add_threat(s, "", HSEC_THREAT_NATURAL), HSEC_EINVAL);
    assert_true(hsec_scenario_errmsg(s)[0] != '\0');
    OK(hsec_scenario_coupling(dep, NULL, NULL, NULL, 2, s));
    assert_string_equal(hsec_scenario_errmsg(s), "");
    assert_int_equal(hsec_scenario_add_threat(s, "", HSEC_THREAT_NATURAL), HSEC_EINVAL);
    hsec_result *r = NULL;
    OK(hsec_scenario_run_with(&r, s, NULL, 0));
    assert_string_equal(hsec_scenario_errmsg(s), "");
    hsec_result_free(r);
    /* a failing rank leaves its own message */
    assert_int_equal(hsec_scenario_rank(u, 3, s), HSEC_EINVAL);
    assert_true(hsec_scenario_errmsg(s)[0] != '\0');
    hsec_scenario_free(s);
}

typedef struct msg_job {
    const hsec_result *r;
    size_t group;
    pthread_barrier_t *bar;
    char before[HSEC_ERRMSG_MAX], after[HSEC_ERRMSG_MAX], other[HSEC_ERRMSG_MAX];
    int rc;
} msg_job;

static void *msg_worker(void *arg)
{
    msg_job *j = arg;
    snprintf(j->before, sizeof j->before, "%s", hsec_last_errmsg()); /* a new thread: "" */
    double H;
    j->rc = hsec_result_group(NULL, &H, NULL, 0, j->r, j->group, HSEC_AT_LAST);
    snprintf(j->after, sizeof j->after, "%s", hsec_last_errmsg());
    pthread_barrier_wait(j->bar); /* both threads have failed */
    pthread_barrier_wait(j->bar); /* and both have read */
    snprintf(j->other, sizeof j->other, "%s", hsec_last_errmsg());
    return NULL;
}

/* Messages are per thread: two threads fail on one shared result with
 * different values, each reads its own; the main thread's is untouched. */
static void test_errmsg_per_thread(void **state)
{
    (void)state;
    hsec_scenario *s = scenario_of(one_group(10));
    hsec_result *r = run_ok(s);
    hsec_last_errmsg_set(HSEC_EIO, "main thread's own");
    pthread_barrier_t bar;
    assert_int_equal(pthread_barrier_init(&bar, NULL, 2), 0);
    msg_job a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.r = b.r = r;
    a.group = 17;
    b.group = 4242;
    a.bar = b.bar = &bar;
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, msg_worker, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, msg_worker, &b), 0);
    assert_int_equal(pthread_join(ta, NULL), 0);
    assert_int_equal(pthread_join(tb, NULL), 0);
    pthread_barrier_destroy(&bar);
    assert_string_equal(a.before, "");
    assert_string_equal(b.before, "");
    assert_int_equal(a.rc, HSEC_EINVAL);
    assert_int_equal(b.rc, HSEC_EINVAL);
    HAS(a.after, "17");
    HAS(b.after, "4242");
    assert_null(strstr(a.after, "4242"));
    assert_string_equal(a.other, a.after); /* the other's failure did not reach it */
    assert_string_equal(b.other, b.after);
    assert_string_equal(hsec_last_errmsg(), "main thread's own");
    hsec_last_errmsg_set(HSEC_OK, NULL);
    hsec_result_free(r);
    hsec_scenario_free(s);
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
    MFAIL(hsec_model_add_service(m, "s", (hsec_service_kind)14, NULL), HSEC_EINVAL, "kind 14");
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
    size_t k = 99;
    OK(hsec_compiled_find_node(&k, c, "s"));
    assert_int_equal(k, 7);
    OK(hsec_compiled_find_node(&k, c, "g.health"));
    assert_int_equal(k, 2);
    k = 99;
    assert_int_equal(hsec_compiled_find_node(&k, c, "g"), HSEC_ENOTFOUND); /* a group */
    assert_int_equal(k, 99);
    assert_int_equal(hsec_compiled_find_node(&k, c, "east"), HSEC_ENOTFOUND); /* a region */
    HAS(hsec_last_errmsg(), "east");
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

/* Misuse that once passed unnoticed: each is refused, or written, with a
 * message that names what is wrong, in the right place. */
static void test_misuse_messages(void **state)
{
    (void)state;
    hsec_scenario *s = scenario_of(services("a b"));
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    hsec_result *r = run_ok(s);
    char *doc = NULL;
    size_t len = 0;

    /* a result and a scenario that no longer match: refused, not garbage */
    OK(hsec_scenario_add_threat(s, "later", HSEC_THREAT_NATURAL));
    assert_int_equal(hsec_doc_results_json(&doc, &len, r, s), HSEC_EINVAL);
    assert_null(doc);
    assert_non_null(strstr(hsec_last_errmsg(), "not a run of this scenario"));
    assert_int_equal(hsec_doc_save_results("/tmp/hsec-never-written.json", r, s,
                                           HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(access("/tmp/hsec-never-written.json", F_OK), -1);

    /* JSON has no NaN: a NaN marginal burden is refused, named (the order
     * that ranks NaN last: test_getters) */
    double u[2] = {NAN, 1}, z[2] = {0, 0};
    assert_int_equal(hsec_doc_rank_json(&doc, &len, u, z, z, z, z, 2, s, 0), HSEC_EINVAL);
    assert_null(doc);
    assert_non_null(strstr(hsec_last_errmsg(), "rank: rank[1].marginal_burden is nan"));

    /* a missing out-parameter on a scenario: the scenario's message says so */
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 3));
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 0.5), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_run(NULL, s), HSEC_EINVAL);
    assert_string_equal(hsec_scenario_errmsg(s), "run: out is NULL");
    assert_int_equal(hsec_scenario_rank(NULL, 2, s), HSEC_EINVAL);
    assert_string_equal(hsec_scenario_errmsg(s), "rank: out is NULL");

    /* messages name the value, exactly */
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 1000000001), HSEC_EINVAL);
    assert_non_null(strstr(hsec_scenario_errmsg(s), "1000000001 is not a whole number"));
    double lo, hi;
    assert_int_equal(hsec_option_bounds(&lo, &hi, (hsec_option)HSEC_OPTION_COUNT), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "run option 15 is unknown"));
    int v;
    assert_int_equal(hsec_enum_value(&v, HSEC_ENUM_DIMENSION, "wealth"), HSEC_ENOTFOUND);
    assert_non_null(strstr(hsec_last_errmsg(), "\"wealth\""));
    assert_int_equal(hsec_enum_value(&v, (hsec_enum)-1, "food"), HSEC_EINVAL);
    size_t nodes[1];
    assert_int_equal(hsec_scenario_threat_targets(nodes, NULL, 1, NULL, 0), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "the scenario is NULL"));

    /* a size limit of "no limit" does not wrap around */
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_SIZE, UINT64_MAX));
    hsec_scenario *t = NULL;
    OK(hsec_loader_load(&t, l, "{\"hsec\": 1}", 11));
    hsec_scenario_free(t);
    hsec_loader_free(l);

    hsec_result_free(r);
    hsec_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_enums),
        cmocka_unit_test(test_null_handles),
        cmocka_unit_test(test_allocator_version),
        cmocka_unit_test(test_default_allocator),
        cmocka_unit_test(test_last_errmsg),
        cmocka_unit_test(test_stale_scenario_message),
        cmocka_unit_test(test_errmsg_per_thread),
        cmocka_unit_test(test_misuse_messages),
        cmocka_unit_test(test_model_bad_values),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_scenario_bad_values),
        cmocka_unit_test(test_linear_cannot_converge),
        cmocka_unit_test(test_linear_converges_despite_big_sums),
        cmocka_unit_test(test_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
