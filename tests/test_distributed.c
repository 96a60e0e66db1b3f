/* Work in ranges, merged exactly: ensembles split into member ranges,
 * saved and loaded as bytes, merged; the exact search split into ranges of
 * subset numbers; every refusal; running out of memory. */
#include "util.h"
#include "failing.h"

#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

/* a -> b (weight w_ab, lag lag_ab) -> g.health; a threat on a; a
 * measure; dynamic, uncertain. */
static hsec_scenario *uncertain_with(const hsec_allocator *alloc, double members, double w_ab,
                                     double lag_ab)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, alloc));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 1000));
    OK(hsec_model_add_service(m, "a", HSEC_SERVICE_ENERGY, "r"));
    OK(hsec_model_add_service(m, "b", HSEC_SERVICE_WATER, "r"));
    OK(hsec_model_add_link(m, "a", "b", w_ab, lag_ab));
    OK(hsec_model_add_link(m, "b", "g.health", 0.4, 1));
    OK(hsec_model_add_link(m, "g.health", "g.economic", 0.3, 0));
    OK(hsec_model_set(m, "g", HSEC_PARAM_RECOVERY, 0.3));
    hsec_scenario *s = scenario_of(m);
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_add_threat_target(s, "t", "a", 0.5));
    OK(hsec_scenario_add_measure(s, "fix", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.3));
    OK(hsec_scenario_add_measure_target(s, "fix", "b"));
    OK(hsec_scenario_add_measure(s, "aid", HSEC_EMPOWERMENT, HSEC_RECOVER, HSEC_BY_NGO, 0.2));
    OK(hsec_scenario_add_measure_target(s, "aid", "g"));
    OK(hsec_scenario_record(s, "b"));
    dynamic(s, 30);
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_MAGNITUDES, 0.2, 0.8, 1));
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 0.5, 1, 2));
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, members));
    return s;
}

static hsec_scenario *uncertain(const hsec_allocator *alloc, double members)
{
    return uncertain_with(alloc, members, 0.5, 0);
}

static double *table_of(const hsec_ensemble *e)
{
    size_t n = (size_t)hsec_ensemble_members(e) * hsec_ensemble_width(e);
    double *t = malloc((n ? n : 1) * sizeof *t);
    assert_non_null(t);
    OK(hsec_ensemble_table(t, n, e));
    return t;
}

/* The ensemble document (quantiles of every figure) as JSON text. */
static char *document(const hsec_ensemble *e, const hsec_scenario *s)
{
    static const double qs[5] = {0, 0.05, 0.5, 0.95, 1};
    char *text = NULL;
    size_t len;
    OK(hsec_doc_ensemble_json(&text, &len, e, qs, 5, s));
    return text;
}

/* e equals ref bit for bit: every value, some quantiles, the document. */
static void same(const hsec_ensemble *e, const hsec_ensemble *ref, const hsec_scenario *s)
{
    size_t n = (size_t)hsec_ensemble_members(ref);
    assert_int_equal(hsec_ensemble_members(e), n);
    assert_int_equal(hsec_ensemble_width(e), hsec_ensemble_width(ref));
    double *a = table_of(e), *b = table_of(ref);
    assert_memory_equal(a, b, n * hsec_ensemble_width(ref) * sizeof *a);
    free(a);
    free(b);
    const double qs[4] = {0, 0.05, 0.5, 0.95};
    for (int k = 0; k < 4; k++) {
        double x, y;
        OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, qs[k]));
        OK(hsec_ensemble_quantile(&y, ref, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, qs[k]));
        assert_memory_equal(&x, &y, sizeof x);
        OK(hsec_ensemble_quantile(&x, e, HSEC_QTY_GROUP_PEAK, 0, 0, qs[k]));
        OK(hsec_ensemble_quantile(&y, ref, HSEC_QTY_GROUP_PEAK, 0, 0, qs[k]));
        assert_memory_equal(&x, &y, sizeof x);
    }
    double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
    size_t b_node = node_of(s, "b");
    OK(hsec_ensemble_values(v, n, e, HSEC_QTY_RECORDED, b_node, 0));
    OK(hsec_ensemble_values(w, n, ref, HSEC_QTY_RECORDED, b_node, 0));
    assert_memory_equal(v, w, n * sizeof *v);
    free(v);
    free(w);
    char *x = document(e, s), *y = document(ref, s);
    assert_string_equal(x, y);
    hsec_free_string(x);
    hsec_free_string(y);
}

/* Run the parts (bounds[k] .. bounds[k + 1]), each saved and loaded back
 * into another scenario from the same document, and merge them given in
 * reverse order. */
static hsec_ensemble *split_run(hsec_scenario *s, hsec_scenario *other, const unsigned char *mask,
                                size_t mask_len, const uint64_t *bounds, size_t parts)
{
    hsec_ensemble **p = calloc(parts, sizeof *p);
    assert_non_null(p);
    for (size_t k = 0; k < parts; k++) {
        hsec_ensemble *e = NULL;
        OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, (double)(k % 3)));
        OK(hsec_scenario_ensemble_range(&e, s, mask, mask_len, bounds[k], bounds[k + 1]));
        assert_int_equal(hsec_ensemble_members(e), bounds[k + 1] - bounds[k]);
        uint64_t f, l, t;
        OK(hsec_ensemble_range(&f, &l, &t, e));
        assert_int_equal(f, bounds[k]);
        assert_int_equal(l, bounds[k + 1]);
        unsigned char *bytes = NULL;
        size_t len = 0;
        OK(hsec_doc_ensemble_save(&bytes, &len, e, s));
        hsec_ensemble_free(e);
        if (hsec_doc_ensemble_load(&p[parts - 1 - k], other, bytes, len))
            fail_msg("load: %s", hsec_last_errmsg());
        hsec_free_bytes(bytes);
    }
    hsec_ensemble *m = NULL;
    if (hsec_ensemble_merge(&m, p, parts))
        fail_msg("merge: %s", hsec_last_errmsg());
    for (size_t k = 0; k < parts; k++)
        hsec_ensemble_free(p[k]);
    free(p);
    return m;
}

/* A scenario's document in CBOR, loaded again: what another process has. */
static hsec_scenario *copy_of(const hsec_scenario *s)
{
    char path[] = "/tmp/hsec-dist-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    OK(hsec_doc_save_scenario(path, s, HSEC_FORMAT_CBOR));
    hsec_scenario *c = load_path(path);
    unlink(path);
    return c;
}

static void test_ensemble_splits(void **state)
{
    (void)state;
    hsec_scenario *s = uncertain(NULL, 23);
    hsec_scenario *other = copy_of(s);
    /* the copy's runs threads differently; that changes nothing */
    OK(hsec_scenario_set_option(other, HSEC_OPT_THREADS, 1));
    const unsigned char masks[2][2] = {{1, 1}, {0, 1}};
    for (int mi = 0; mi < 2; mi++) {
        OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 2));
        hsec_ensemble *ref = NULL;
        OK(hsec_scenario_ensemble(&ref, s, masks[mi], 2));
        static const uint64_t one[] = {0, 23}, two[] = {0, 12, 23}, three[] = {0, 8, 16, 23},
                              seven[] = {0, 4, 8, 11, 14, 17, 20, 23},
                              uneven[] = {0, 1, 1, 20, 22, 23, 23};
        const uint64_t *splits[5] = {one, two, three, seven, uneven};
        const size_t parts[5] = {1, 2, 3, 7, 6};
        for (int k = 0; k < 5; k++) {
            hsec_ensemble *m = split_run(s, other, masks[mi], 2, splits[k], parts[k]);
            same(m, ref, s);
            uint64_t f, l, t;
            OK(hsec_ensemble_range(&f, &l, &t, m));
            assert_int_equal(f, 0);
            assert_int_equal(l, 23);
            assert_int_equal(t, 23);
            hsec_ensemble_free(m);
        }
        /* a whole ensemble saved and loaded is itself again */
        unsigned char *bytes = NULL;
        size_t len = 0;
        OK(hsec_doc_ensemble_save(&bytes, &len, ref, s));
        hsec_ensemble *back = NULL;
        OK(hsec_doc_ensemble_load(&back, other, bytes, len));
        same(back, ref, s);
        hsec_ensemble_free(back);
        hsec_free_bytes(bytes);
        hsec_ensemble_free(ref);
    }
    hsec_scenario_free(other);
    hsec_scenario_free(s);
}

/* Bytes of a saved part with one byte of its CBOR changed and the
 * container's checksums made right again: what a writer of another version
 * of the document would give. */
static void patch(unsigned char *b, size_t len, size_t at, unsigned char value)
{
    b[at] = value;
    uLong c = crc32(0, b + 40, (uInt)(len - 40));
    for (int k = 0; k < 4; k++) {
        b[12 + k] = (unsigned char)(c >> (8 * k));
        b[32 + k] = (unsigned char)(c >> (8 * k));
    }
    c = crc32(0, b, 36);
    for (int k = 0; k < 4; k++)
        b[36 + k] = (unsigned char)(c >> (8 * k));
}

static size_t find(const unsigned char *b, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(b + i, what, n))
            return i;
    fail_msg("%s not found", what);
    return 0;
}

static void test_ensemble_refusals(void **state)
{
    (void)state;
    hsec_scenario *s = uncertain(NULL, 10);
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 1));
    hsec_ensemble *a = NULL, *b = NULL, *c = NULL, *z = NULL;
    OK(hsec_scenario_ensemble_range(&a, s, NULL, 0, 0, 4));
    OK(hsec_scenario_ensemble_range(&b, s, NULL, 0, 4, 10));
    OK(hsec_scenario_ensemble_range(&c, s, NULL, 0, 3, 6));
    OK(hsec_scenario_ensemble_range(&z, s, NULL, 0, 10, 10));
    hsec_ensemble *m = NULL;
    /* gaps and overlaps */
    hsec_ensemble *gap[2] = {a, z};
    assert_int_equal(hsec_ensemble_merge(&m, gap, 2), HSEC_EINVAL);
    assert_null(m);
    HAS(hsec_last_errmsg(), "members 4 .. 9 are in no part");
    hsec_ensemble *front[1] = {b};
    assert_int_equal(hsec_ensemble_merge(&m, front, 1), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "members 0 .. 3 are in no part");
    hsec_ensemble *over[3] = {b, c, a};
    assert_int_equal(hsec_ensemble_merge(&m, over, 3), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "parts overlap");
    hsec_ensemble *twice[3] = {a, b, a};
    assert_int_equal(hsec_ensemble_merge(&m, twice, 3), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "parts overlap");
    hsec_ensemble *fine[3] = {z, b, a};
    OK(hsec_ensemble_merge(&m, fine, 3));
    hsec_ensemble_free(m);
    m = NULL;
    assert_int_equal(hsec_ensemble_merge(&m, fine, 0), HSEC_EINVAL);
    hsec_ensemble *nul[2] = {a, NULL};
    assert_int_equal(hsec_ensemble_merge(&m, nul, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "part 1 is NULL");
    /* ranges outside the members */
    hsec_ensemble *bad = NULL;
    assert_int_equal(hsec_scenario_ensemble_range(&bad, s, NULL, 0, 5, 11), HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "members 5 .. 11 are not a range within the 10 members");
    assert_int_equal(hsec_scenario_ensemble_range(&bad, s, NULL, 0, 6, 5), HSEC_EINVAL);
    assert_null(bad);
    /* an empty part has no quantiles */
    double q;
    assert_int_equal(hsec_ensemble_quantile(&q, z, HSEC_QTY_BURDEN, HSEC_BURDEN_TOTAL, 0, 0.5),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "holds no members");
    /* parts of another seed or mask are refused in memory ... */
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 8));
    hsec_ensemble *seed8 = NULL, *masked = NULL;
    OK(hsec_scenario_ensemble_range(&seed8, s, NULL, 0, 4, 10));
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    const unsigned char only1[2] = {0, 1};
    OK(hsec_scenario_ensemble_range(&masked, s, only1, 2, 4, 10));
    hsec_ensemble *mix1[2] = {a, seed8}, *mix2[2] = {a, masked};
    assert_int_equal(hsec_ensemble_merge(&m, mix1, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "seeds");
    assert_int_equal(hsec_ensemble_merge(&m, mix2, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "measures in force");
    /* ... and as bytes, by the fingerprint */
    unsigned char *bytes = NULL;
    size_t len = 0;
    OK(hsec_doc_ensemble_save(&bytes, &len, a, s));
    hsec_ensemble *l = NULL;
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 8));
    assert_int_equal(hsec_doc_ensemble_load(&l, s, bytes, len), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "another scenario or other settings");
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 11));
    assert_int_equal(hsec_doc_ensemble_load(&l, s, bytes, len), HSEC_EINVAL);
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 10));
    /* saving against another scenario */
    hsec_scenario *small = uncertain(NULL, 10);
    OK(hsec_scenario_record(small, "a"));
    unsigned char *nb = NULL;
    size_t nl = 0;
    assert_int_equal(hsec_doc_ensemble_save(&nb, &nl, a, small), HSEC_EINVAL);
    assert_null(nb);
    /* another scenario: one more recorded node */
    assert_int_equal(hsec_doc_ensemble_load(&l, small, bytes, len), HSEC_EINVAL);
    hsec_scenario_free(small);
    OK(hsec_doc_ensemble_load(&l, s, bytes, len));
    hsec_ensemble_free(l);
    l = NULL;
    /* damaged, truncated, of another version */
    unsigned char *d = malloc(len);
    memcpy(d, bytes, len);
    d[len / 2] ^= 0x10;
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, len), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "CRC-32");
    memcpy(d, bytes, len);
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, len - 9), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "stored size");
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, 20), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "header truncated");
    size_t at = find(d, len, "version") + 7;
    assert_int_equal(d[at], 0x01);
    patch(d, len, at, 0x02);
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, len), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "version 2 is newer");
    memcpy(d, bytes, len);
    at = find(d, len, "kind") + 5;
    patch(d, len, at, 'E');
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, len), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "not an ensemble");
    memcpy(d, bytes, len);
    at = find(d, len, "first") + 5;
    assert_int_equal(d[at], 0x00);
    patch(d, len, at, 0x01); /* first 1 with 4 members' values */
    assert_int_equal(hsec_doc_ensemble_load(&l, s, d, len), HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "\"values\" holds");
    assert_null(l);
    free(d);
    /* a scenario document is not an ensemble */
    hsec_free_bytes(bytes);
    hsec_ensemble_free(a);
    hsec_ensemble_free(b);
    hsec_ensemble_free(c);
    hsec_ensemble_free(z);
    hsec_ensemble_free(seed8);
    hsec_ensemble_free(masked);
    hsec_scenario_free(s);
}

/* The fingerprint is of the content: a part loads on an identical
 * scenario built again, and not on one whose link differs in weight or
 * lag alone; the stamp changes with every change and only then. */
static void test_fingerprint(void **state)
{
    (void)state;
    hsec_scenario *s = uncertain(NULL, 6), *twin = uncertain(NULL, 6);
    hsec_scenario *heavier = uncertain_with(NULL, 6, 0.5 + 0x1p-40, 0);
    hsec_scenario *later = uncertain_with(NULL, 6, 0.5, 1);
    assert_int_equal(hsec_scenario_stamp(NULL), 0);
    assert_int_not_equal(hsec_scenario_stamp(s), 0);
    assert_int_not_equal(hsec_scenario_stamp(s), hsec_scenario_stamp(twin));
    hsec_ensemble *e = NULL, *l = NULL;
    OK(hsec_scenario_ensemble_range(&e, s, NULL, 0, 2, 5));
    unsigned char *bytes = NULL;
    size_t len = 0;
    uint64_t before = hsec_scenario_stamp(s);
    OK(hsec_doc_ensemble_save(&bytes, &len, e, s));
    OK(hsec_doc_ensemble_load(&l, twin, bytes, len));
    hsec_ensemble_free(l);
    l = NULL;
    assert_int_equal(hsec_doc_ensemble_load(&l, heavier, bytes, len), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "another scenario or other settings");
    assert_int_equal(hsec_doc_ensemble_load(&l, later, bytes, len), HSEC_EINVAL);
    assert_null(l);
    /* reading, running and saving change nothing */
    hsec_result *r = NULL;
    OK(hsec_scenario_run(&r, s));
    hsec_result_free(r);
    double x;
    OK(hsec_scenario_get_option(&x, s, HSEC_OPT_SEED));
    OK(hsec_scenario_set_progress(s, NULL, NULL));
    assert_int_equal(hsec_scenario_stamp(s), before);
    /* every kind of change does; a failed call may */
    uint64_t seen = before;
#define CHANGES(call)                                   \
    do {                                                \
        (void)(call);                                   \
        assert_int_not_equal(hsec_scenario_stamp(s), seen); \
        seen = hsec_scenario_stamp(s);                  \
    } while (0)
    CHANGES(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    CHANGES(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.5, 1, 1.5));
    const double qs[2] = {0.1, 0.9};
    CHANGES(hsec_scenario_set_quantiles(s, qs, 2));
    CHANGES(hsec_scenario_set_step_unit(s, "week"));
    CHANGES(hsec_scenario_add_threat(s, "t2", HSEC_THREAT_NATURAL));
    CHANGES(hsec_scenario_set_threat(s, "t2", HSEC_TIMING_START, 2));
    CHANGES(hsec_scenario_add_threat_target(s, "t2", "b", 0.1));
    CHANGES(hsec_scenario_set_threat_topics(s, "t2", HSEC_TOPIC_PROTECTION_OF_CIVILIANS));
    CHANGES(hsec_scenario_add_measure(s, "m2", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, 0.1));
    CHANGES(hsec_scenario_set_measure(s, "m2", HSEC_TIMING_DURATION, 3));
    CHANGES(hsec_scenario_add_measure_target(s, "m2", "a"));
    CHANGES(hsec_scenario_set_measure_topics(s, "m2", HSEC_TOPIC_PROTECTION_OF_CIVILIANS));
    CHANGES(hsec_scenario_set_measure_branch(s, "m2", HSEC_BRANCH_G9_CIMIC));
    CHANGES(hsec_scenario_add_package(s, "p"));
    CHANGES(hsec_scenario_package_add(s, "p", "m2"));
    CHANGES(hsec_scenario_record(s, "a"));
    CHANGES(hsec_scenario_add_threat(s, "bad id", HSEC_THREAT_NATURAL));
#undef CHANGES
    /* and the saved part no longer matches */
    assert_int_equal(hsec_doc_ensemble_load(&l, s, bytes, len), HSEC_EINVAL);
    hsec_free_bytes(bytes);
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
    hsec_scenario_free(twin);
    hsec_scenario_free(heavier);
    hsec_scenario_free(later);
}

/* The comparison document of the parts is the whole one's. */
static char *compare_of_parts(hsec_scenario *s, hsec_result *const *res, const double *br,
                              const size_t (*cut)[2], size_t nparts)
{
    unsigned char *bytes[4] = {NULL};
    size_t lens[4] = {0};
    assert_true(nparts <= 4);
    for (size_t k = 0; k < nparts; k++)
        OK(hsec_doc_compare_part_save(&bytes[k], &lens[k], res + 1 + cut[k][0],
                                      cut[k][1] - cut[k][0], cut[k][0], s,
                                      br ? br + cut[k][0] * HSEC_BRANCH_COUNT : NULL,
                                      br ? (cut[k][1] - cut[k][0]) * HSEC_BRANCH_COUNT : 0));
    char *doc = NULL;
    size_t len = 0;
    int rc = hsec_doc_compare_json_parts(&doc, &len, res[0],
                                         (const unsigned char *const *)bytes, lens, nparts, s);
    for (size_t k = 0; k < nparts; k++)
        hsec_free_bytes(bytes[k]);
    assert_int_equal(rc, HSEC_OK);
    assert_int_equal(strlen(doc), len);
    return doc;
}

/* A comparison split into parts of packages, in any order, empty ones
 * included, with and without branch figures, gives the same document byte
 * for byte; every refusal. */
static void test_compare_parts(void **state)
{
    (void)state;
    hsec_scenario *s = uncertain(NULL, 4);
    OK(hsec_scenario_set_measure_branch(s, "fix", HSEC_BRANCH_G4_LOGISTICS));
    OK(hsec_scenario_set_measure_branch(s, "aid", HSEC_BRANCH_MEDICAL));
    const char *pk[3][2] = {{"fix", NULL}, {"aid", NULL}, {"fix", "aid"}};
    const char *ids[3] = {"p1", "p2", "both"};
    for (int p = 0; p < 3; p++) {
        OK(hsec_scenario_add_package(s, ids[p]));
        for (int m = 0; m < 2 && pk[p][m]; m++)
            OK(hsec_scenario_package_add(s, ids[p], pk[p][m]));
    }
    hsec_result *res[4] = {NULL};
    OK(hsec_scenario_compare(res, 4, s));
    double br[3 * HSEC_BRANCH_COUNT];
    for (size_t p = 0; p < 3; p++)
        OK(hsec_scenario_compare_branches(br + p * HSEC_BRANCH_COUNT, HSEC_BRANCH_COUNT, s,
                                          res[0], p));
    assert_true(isnan(br[HSEC_BRANCH_G1_PERSONNEL])); /* a branch no measure names */
    char *whole = NULL, *plain = NULL;
    size_t wl = 0, pl = 0;
    OK(hsec_doc_compare_json_with(&whole, &wl, res, 4, s, br, 3 * HSEC_BRANCH_COUNT));
    OK(hsec_doc_compare_json_with(&plain, &pl, res, 4, s, NULL, 0));
    HAS(whole, "averted_by_branch");
    static const size_t one[1][2] = {{0, 3}}, two[2][2] = {{2, 3}, {0, 2}},
                        three[3][2] = {{1, 2}, {0, 1}, {2, 3}},
                        empty[3][2] = {{0, 0}, {0, 3}, {3, 3}};
    const size_t (*cuts[4])[2] = {one, two, three, empty};
    const size_t counts[4] = {1, 2, 3, 3};
    for (int c = 0; c < 4; c++) {
        char *d = compare_of_parts(s, res, br, cuts[c], counts[c]);
        assert_string_equal(d, whole);
        hsec_free_string(d);
        d = compare_of_parts(s, res, NULL, cuts[c], counts[c]);
        assert_string_equal(d, plain);
        hsec_free_string(d);
    }
    /* refusals: a package in no part, in two, branches in some parts only */
    unsigned char *a = NULL, *b = NULL, *nb = NULL;
    size_t al = 0, bl = 0, nbl = 0;
    OK(hsec_doc_compare_part_save(&a, &al, res + 1, 2, 0, s, br, 2 * HSEC_BRANCH_COUNT));
    OK(hsec_doc_compare_part_save(&b, &bl, res + 2, 2, 1, s, br + HSEC_BRANCH_COUNT,
                                  2 * HSEC_BRANCH_COUNT));
    OK(hsec_doc_compare_part_save(&nb, &nbl, res + 3, 1, 2, s, NULL, 0));
    char *doc = NULL;
    size_t len = 0;
    const unsigned char *p1[1] = {a}, *p2[2] = {a, b}, *p3[2] = {a, nb};
    size_t l1[1] = {al}, l2[2] = {al, bl}, l3[2] = {al, nbl};
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], p1, l1, 1, s),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "package 2 (\"both\") is in no part");
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], p2, l2, 2, s),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "package 1 (\"p2\") is in two parts");
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], p3, l3, 2, s),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "part 1 has no branch figures");
    assert_null(doc);
    /* a document beyond the memory limit is refused before it is built */
    uint64_t held = 0;
    OK(hsec_scenario_memory(&held, s));
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, held + 1000));
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], p2, l2, 1, s),
                     HSEC_ELIMIT);
    HAS(hsec_last_errmsg(), "memory limit");
    unsigned char *big = NULL;
    size_t bigl = 0;
    assert_int_equal(hsec_doc_compare_part_save(&big, &bigl, res + 1, 1, 0, s, NULL, 0),
                     HSEC_ELIMIT);
    assert_null(big);
    OK(hsec_scenario_set_limit(s, HSEC_LIMIT_MEMORY, UINT64_MAX));
    /* another scenario's settings, a damaged part, a result of another run */
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 99));
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], p1, l1, 1, s),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "part 0: fingerprint");
    OK(hsec_scenario_set_option(s, HSEC_OPT_SEED, 7));
    unsigned char *d = malloc(al);
    memcpy(d, a, al);
    d[al / 2] ^= 0x40;
    const unsigned char *pd[1] = {d};
    assert_int_equal(hsec_doc_compare_json_parts(&doc, &len, res[0], pd, l1, 1, s),
                     HSEC_EFORMAT);
    HAS(hsec_last_errmsg(), "part 0:");
    free(d);
    unsigned char *bad = NULL;
    size_t badl = 0;
    assert_int_equal(hsec_doc_compare_part_save(&bad, &badl, res + 1, 2, 2, s, NULL, 0),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "packages 2 .. 4 are not a range");
    assert_int_equal(hsec_doc_compare_part_save(&bad, &badl, res + 1, 1, 0, s, br, 3),
                     HSEC_EINVAL);
    assert_null(bad);
    hsec_scenario *other = uncertain(NULL, 4);
    OK(hsec_scenario_record(other, "a"));
    assert_int_equal(hsec_doc_compare_part_save(&bad, &badl, res + 1, 1, 0, other, NULL, 0),
                     HSEC_EINVAL);
    hsec_scenario_free(other);
    hsec_free_bytes(a);
    hsec_free_bytes(b);
    hsec_free_bytes(nb);
    hsec_free_string(whole);
    hsec_free_string(plain);
    for (int i = 0; i < 4; i++)
        hsec_result_free(res[i]);
    hsec_scenario_free(s);
}

/* Values that are not finite travel bit for bit. */
static void test_special_values(void **state)
{
    (void)state;
    hsec_scenario *s = uncertain(NULL, 3);
    size_t w = 0;
    hsec_ensemble *e = NULL;
    OK(hsec_scenario_ensemble_range(&e, s, NULL, 0, 1, 3));
    w = hsec_ensemble_width(e);
    double *t = table_of(e);
    hsec_ensemble_free(e);
    uint64_t odd_nan = 0xfff8000000000123ull;
    t[0] = INFINITY;
    t[w + 1] = -INFINITY;
    memcpy(&t[2 * w - 1], &odd_nan, 8);
    const unsigned char all[2] = {1, 1};
    OK(hsec_scenario_ensemble_from_table(&e, s, all, 2, 1, 3, t, 2 * w));
    unsigned char *bytes = NULL;
    size_t len = 0;
    OK(hsec_doc_ensemble_save(&bytes, &len, e, s));
    hsec_ensemble *back = NULL;
    OK(hsec_doc_ensemble_load(&back, s, bytes, len));
    double *u = table_of(back);
    assert_memory_equal(t, u, 2 * w * sizeof *t);
    /* a table of the wrong size, a range beyond the members */
    hsec_ensemble *x = NULL;
    assert_int_equal(hsec_scenario_ensemble_from_table(&x, s, all, 2, 1, 3, t, 2 * w - 1),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "is not the 2 members");
    assert_int_equal(hsec_scenario_ensemble_from_table(&x, s, all, 2, 2, 4, t, 2 * w),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_ensemble_from_table(&x, s, all, 1, 1, 3, t, 2 * w),
                     HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "mask holds 1 bytes");
    free(t);
    free(u);
    hsec_free_bytes(bytes);
    hsec_ensemble_free(e);
    hsec_ensemble_free(back);
    hsec_scenario_free(s);
}

/* One group of 700 persons (static), shields on five dimensions: m0 and m1
 * alike (the same target dimension strength and cost: a tie), m2 cheaper
 * than m3 for the same effect, m4 dearer. */
static hsec_scenario *shields(void)
{
    hsec_scenario *s = scenario_of(one_group(700));
    OK(hsec_scenario_add_threat(s, "t", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "t", "g", 0.5));
    static const char *const dims[5] = {"g.food", "g.health", "g.economic", "g.personal",
                                        "g.community"};
    static const double f[5] = {0.4, 0.4, 0.3, 0.3, 0.5}, cost[5] = {2, 2, 1, 2, 4};
    for (int i = 0; i < 5; i++) {
        char id[16];
        sprintf(id, "m%d", i);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_NGO, f[i]));
        OK(hsec_scenario_add_measure_target(s, id, dims[i]));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_COST, cost[i]));
    }
    return s;
}

/* The exact search over the ranges bounds[k] .. bounds[k + 1], merged from
 * the last part to the first, as hsec_scenario_optimize's choice. */
static void split_optimize(hsec_scenario *s, double budget, const unsigned char *cand,
                           const uint64_t *bounds, size_t parts, unsigned char *chosen,
                           double *averted, double *cost)
{
    uint64_t sets[8];
    double burdens[8], costs[8], base = NAN;
    for (size_t k = 0; k < parts; k++) {
        size_t at = parts - 1 - k;
        double b0;
        OK(hsec_scenario_optimize_range(&sets[at], &burdens[at], &costs[at], &b0, s, budget,
                                        cand, 5, bounds[k], bounds[k + 1]));
        if (k > 0)
            assert_memory_equal(&b0, &base, sizeof b0);
        base = b0;
    }
    uint64_t set;
    double burden;
    OK(hsec_optimize_merge(&set, &burden, cost, sets, burdens, costs, parts));
    assert_int_not_equal(set, HSEC_SUBSET_NONE);
    OK(hsec_scenario_optimize_subset(chosen, 5, s, cand, set));
    *averted = base - burden;
}

static void test_optimize_splits(void **state)
{
    (void)state;
    hsec_scenario *s = shields();
    static const uint64_t one[] = {0, 32}, two[] = {0, 16, 32}, three[] = {0, 11, 22, 32},
                          seven[] = {0, 5, 9, 14, 18, 23, 27, 32},
                          uneven[] = {0, 0, 1, 30, 31, 32};
    const uint64_t *splits[5] = {one, two, three, seven, uneven};
    const size_t parts[5] = {1, 2, 3, 7, 5};
    const double budgets[5] = {0, 1, 2, 4, 100};
    for (int bi = 0; bi < 5; bi++) {
        unsigned char ref[5];
        double av, c;
        OK(hsec_scenario_optimize(ref, &av, &c, 5, s, budgets[bi], HSEC_SEARCH_EXACT, NULL));
        for (int k = 0; k < 5; k++) {
            unsigned char chosen[5];
            double av2, c2;
            split_optimize(s, budgets[bi], NULL, splits[k], parts[k], chosen, &av2, &c2);
            assert_memory_equal(chosen, ref, 5);
            assert_memory_equal(&av2, &av, sizeof av);
            assert_memory_equal(&c2, &c, sizeof c);
        }
    }
    /* the constructed tie: budget 2 buys m0 or m1 (alike) or m2 alone,
     * m2 + nothing else; m0 and m1 avert more than m2 and tie: the lower
     * subset number (m0) wins, in one search and split */
    unsigned char ref[5];
    double av, c;
    OK(hsec_scenario_optimize(ref, &av, &c, 5, s, 2, HSEC_SEARCH_EXACT, NULL));
    const unsigned char m0[5] = {1, 0, 0, 0, 0};
    assert_memory_equal(ref, m0, 5);
    /* the same averted burden at a lower cost wins: m2 (cost 1) over m3
     * (cost 2) when only they are candidates and the budget is 2 */
    const unsigned char c23[5] = {0, 0, 1, 1, 0}, m2[5] = {0, 0, 1, 0, 0};
    OK(hsec_scenario_optimize(ref, &av, &c, 5, s, 2, HSEC_SEARCH_EXACT, c23));
    assert_memory_equal(ref, m2, 5);
    static const uint64_t four[] = {0, 1, 2, 3, 4};
    unsigned char chosen[5];
    double av2, c2;
    split_optimize(s, 2, c23, four, 4, chosen, &av2, &c2);
    assert_memory_equal(chosen, m2, 5);
    assert_memory_equal(&av2, &av, sizeof av);
    /* refusals */
    uint64_t set;
    double b;
    assert_int_equal(hsec_scenario_optimize_range(&set, &b, NULL, NULL, s, 2, NULL, 5, 0, 33),
                     HSEC_EINVAL);
    HAS(hsec_scenario_errmsg(s), "subsets 0 .. 33 are not a range within the 32 subsets");
    assert_int_equal(hsec_scenario_optimize_range(&set, &b, NULL, NULL, s, 2, NULL, 4, 0, 1),
                     HSEC_EINVAL);
    assert_int_equal(hsec_scenario_optimize_range(&set, &b, NULL, NULL, s, -1, NULL, 5, 0, 1),
                     HSEC_EINVAL);
    /* a range where nothing fits the budget */
    OK(hsec_scenario_optimize_range(&set, &b, NULL, NULL, s, 0, NULL, 5, 1, 32));
    assert_true(set == HSEC_SUBSET_NONE);
    const uint64_t dup[2] = {3, 3};
    const double bb[2] = {1, 1}, cc[2] = {1, 1};
    assert_int_equal(hsec_optimize_merge(&set, NULL, NULL, dup, bb, cc, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "overlap");
    assert_int_equal(hsec_scenario_optimize_subset(chosen, 5, s, NULL, 32), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "subset 32 is not one of the 32 subsets");
    hsec_scenario_free(s);
}

/* Running out of memory in a range, a save, a load and a merge: each
 * failure is HSEC_ENOMEM and leaves nothing behind. */
static void test_out_of_memory(void **state)
{
    (void)state;
    atomic_store(&fail_at, 0);
    atomic_store(&live, 0);
    hsec_scenario *s = uncertain(&failing, 5);
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 2));
    /* the scenario keeps its warnings from the first run, and its model the
     * names a first save looks up */
    hsec_ensemble *warm = NULL;
    unsigned char *wb = NULL;
    size_t wl = 0;
    OK(hsec_scenario_ensemble_range(&warm, s, NULL, 0, 0, 1));
    OK(hsec_doc_ensemble_save(&wb, &wl, warm, s));
    hsec_ensemble_free(warm);
    hsec_free_bytes(wb);
    long base = atomic_load(&live);
    static const double qs[3] = {0.1, 0.5, 0.9};
    for (long n = 1;; n++) {
        OK(hsec_scenario_set_quantiles(s, qs, 3)); /* a new stamp: the fingerprint found again */
        atomic_store(&calls, 0);
        atomic_store(&fail_at, n);
        hsec_ensemble *a = NULL, *b = NULL, *back = NULL, *m = NULL;
        unsigned char *bytes = NULL;
        size_t len = 0;
        int rc = hsec_scenario_ensemble_range(&a, s, NULL, 0, 0, 2);
        if (!rc)
            rc = hsec_scenario_ensemble_range(&b, s, NULL, 0, 2, 5);
        if (!rc)
            rc = hsec_doc_ensemble_save(&bytes, &len, b, s);
        if (!rc)
            rc = hsec_doc_ensemble_load(&back, s, bytes, len);
        hsec_ensemble *parts[2] = {back, a};
        if (!rc)
            rc = hsec_ensemble_merge(&m, parts, 2);
        atomic_store(&fail_at, 0);
        long seen = atomic_load(&calls);
        if (rc != HSEC_OK && rc != HSEC_ENOMEM)
            fail_msg("allocation %ld failing: %d (%s)", n, rc, hsec_last_errmsg());
        hsec_ensemble_free(a);
        hsec_ensemble_free(b);
        hsec_ensemble_free(back);
        hsec_ensemble_free(m);
        hsec_free_bytes(bytes);
        if (atomic_load(&live) != base)
            fail_msg("allocation %ld failing (rc %d: %s): %ld blocks left (%d%d%d%d%d)", n, rc,
                     hsec_last_errmsg(), atomic_load(&live) - base, a != NULL, b != NULL,
                     bytes != NULL, back != NULL, m != NULL);
        if (rc == HSEC_OK && seen < n) {
            assert_true(n > 10);
            break;
        }
        assert_true(n < 100000);
    }
    hsec_scenario_free(s);
    assert_int_equal(atomic_load(&live), 0);
}

/* Saving a comparison's parts and writing the document from them, every
 * allocation failing in turn. */
static void test_out_of_memory_compare(void **state)
{
    (void)state;
    atomic_store(&fail_at, 0);
    atomic_store(&live, 0);
    hsec_scenario *s = uncertain(&failing, 3);
    OK(hsec_scenario_set_measure_branch(s, "aid", HSEC_BRANCH_MEDICAL));
    OK(hsec_scenario_add_package(s, "p1"));
    OK(hsec_scenario_package_add(s, "p1", "fix"));
    OK(hsec_scenario_add_package(s, "p2"));
    OK(hsec_scenario_package_add(s, "p2", "aid"));
    hsec_result *res[3] = {NULL};
    OK(hsec_scenario_compare(res, 3, s));
    double br[2 * HSEC_BRANCH_COUNT];
    for (size_t p = 0; p < 2; p++)
        OK(hsec_scenario_compare_branches(br + p * HSEC_BRANCH_COUNT, HSEC_BRANCH_COUNT, s,
                                          res[0], p));
    char *whole = NULL;
    size_t wl = 0;
    OK(hsec_doc_compare_json_with(&whole, &wl, res, 3, s, br, 2 * HSEC_BRANCH_COUNT));
    unsigned char *warm = NULL; /* the model keeps the names a first save looks up */
    size_t warml = 0;
    OK(hsec_doc_compare_part_save(&warm, &warml, res + 1, 1, 0, s, NULL, 0));
    hsec_free_bytes(warm);
    long base = atomic_load(&live);
    static const double qs[3] = {0.1, 0.5, 0.9};
    for (long n = 1;; n++) {
        OK(hsec_scenario_set_quantiles(s, qs, 3));
        atomic_store(&calls, 0);
        atomic_store(&fail_at, n);
        unsigned char *a = NULL, *b = NULL;
        size_t al = 0, bl = 0, len = 0;
        char *doc = NULL;
        int rc = hsec_doc_compare_part_save(&a, &al, res + 1, 1, 0, s, br, HSEC_BRANCH_COUNT);
        if (!rc)
            rc = hsec_doc_compare_part_save(&b, &bl, res + 2, 1, 1, s, br + HSEC_BRANCH_COUNT,
                                            HSEC_BRANCH_COUNT);
        const unsigned char *parts[2] = {b, a};
        size_t lens[2] = {bl, al};
        if (!rc)
            rc = hsec_doc_compare_json_parts(&doc, &len, res[0], parts, lens, 2, s);
        atomic_store(&fail_at, 0);
        long seen = atomic_load(&calls);
        if (rc != HSEC_OK && rc != HSEC_ENOMEM)
            fail_msg("allocation %ld failing: %d (%s)", n, rc, hsec_last_errmsg());
        if (!rc)
            assert_string_equal(doc, whole);
        hsec_free_bytes(a);
        hsec_free_bytes(b);
        hsec_free_string(doc);
        if (atomic_load(&live) != base)
            fail_msg("allocation %ld failing (rc %d: %s): %ld blocks left", n, rc,
                     hsec_last_errmsg(), atomic_load(&live) - base);
        if (rc == HSEC_OK && seen < n) {
            assert_true(n > 10);
            break;
        }
        assert_true(n < 100000);
    }
    hsec_free_string(whole);
    for (int i = 0; i < 3; i++)
        hsec_result_free(res[i]);
    hsec_scenario_free(s);
    assert_int_equal(atomic_load(&live), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ensemble_splits),
        cmocka_unit_test(test_ensemble_refusals),
        cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_compare_parts),
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_optimize_splits),
        cmocka_unit_test(test_out_of_memory),
        cmocka_unit_test(test_out_of_memory_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
