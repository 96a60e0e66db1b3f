/*
 * Scaling: no input can make the library's searches quadratic. For each
 * kind of input that steers a search (ids made to collide in a hash table,
 * a deep chain of regions, many threats and measures found by id), the
 * work is counted at n and at 2n, and doubling the input must no more than
 * triple it (linear work doubles, quadratic work quadruples).
 *
 * The work is the library's own count of search steps (hx_steps in
 * lib/base/base.h: probes of its maps and sets, steps over regions and
 * target lists), read through the static library, so that the test counts
 * operations rather than timing anything.
 */
#include "util.h"

#include "base.h"

#include <stdbool.h>

/* The work of one call of a workload of size n. */
typedef uint64_t (*workload)(size_t n);

/* The least work of a few calls: each map draws a key of its own, and a
 * key looked up many times may happen to sit at the end of a cluster of
 * its table, which the least of a few keys does not. */
static uint64_t least_work(workload work, size_t n)
{
    uint64_t least = UINT64_MAX;
    for (int i = 0; i < 5; i++) {
        uint64_t w = work(n);
        least = w < least ? w : least;
    }
    return least;
}

static void assert_scales(const char *what, workload work, size_t n)
{
    uint64_t small = least_work(work, n), large = least_work(work, 2 * n);
    print_message("%s: %zu -> %llu steps, %zu -> %llu steps (x%.2f)\n", what, n,
                  (unsigned long long)small, 2 * n, (unsigned long long)large,
                  (double)large / (double)small);
    if (small < n) /* the counter is counting */
        fail_msg("%s: %llu steps for %zu items", what, (unsigned long long)small, n);
    if (large > 3 * small)
        fail_msg("%s: doubling the input from %zu multiplies the work by %.2f", what, n,
                 (double)large / (double)small);
}

/* ---- SipHash-1-3 against the published vectors */

static void test_siphash_vectors(void **state)
{
    (void)state;
    /* key 00 01 .. 0f, message 00 01 .. (n-1) */
    static const struct {
        size_t n;
        uint64_t h;
    } v[] = {{0, 0xabac0158050fc4dcull},  {1, 0xc9f49bf37d57ca93ull},
             {7, 0xd3927d989bb11140ull},  {8, 0x369095118d299a8eull},
             {15, 0xd320d86d2a519956ull}, {16, 0xcc4fdd1a7d908b66ull},
             {63, 0x9d199062b7bbb3a8ull}};
    unsigned char msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (unsigned char)i;
    const uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
    for (size_t i = 0; i < sizeof v / sizeof *v; i++)
        assert_int_equal(hx_siphash(k0, k1, msg, v[i].n), v[i].h);
    assert_int_equal(hx_siphash(0, 0, "siphash", 7), 0x8264ceeccb16bcbeull);
}

/* ---- ids made to collide under the unkeyed FNV-1a the maps once used */

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull
#define LOW_BITS 16 /* a map of up to 49152 ids indexes its slots by these */
#define MAX_STAGES 14
#define BLOCK 4

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}

static void block_of(char out[BLOCK], uint32_t k)
{
    static const char alpha[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    for (int i = 0; i < BLOCK; i++, k /= 64)
        out[i] = alpha[k % 64];
}

/* 2^stages ids whose FNV-1a hashes agree in their low LOW_BITS bits. The
 * low bits of FNV-1a depend on the low bits of the state before alone, so
 * two blocks that take one state's low bits to the same low bits (found
 * by the birthday bound, a few hundred tries) can be chosen freely at each
 * stage: an id is one of two blocks at each stage. */
static char **colliding_ids(int stages)
{
    assert_true(stages <= MAX_STAGES);
    char pair[MAX_STAGES][2][BLOCK];
    const uint64_t mask = (1u << LOW_BITS) - 1;
    uint32_t *seen = calloc((size_t)1 << LOW_BITS, sizeof *seen);
    assert_non_null(seen);
    uint64_t h = FNV_OFFSET;
    for (int s = 0; s < stages; s++) {
        memset(seen, 0, ((size_t)1 << LOW_BITS) * sizeof *seen);
        for (uint32_t k = 1;; k++) {
            char b[BLOCK];
            block_of(b, k);
            uint64_t y = fnv1a(h, b, BLOCK);
            uint32_t *slot = &seen[y & mask];
            if (*slot) {
                block_of(pair[s][0], *slot);
                memcpy(pair[s][1], b, BLOCK);
                h = y;
                break;
            }
            *slot = k;
        }
    }
    free(seen);
    size_t count = (size_t)1 << stages;
    char **ids = calloc(count, sizeof *ids);
    assert_non_null(ids);
    for (size_t i = 0; i < count; i++) {
        ids[i] = calloc((size_t)stages * BLOCK + 1, 1);
        assert_non_null(ids[i]);
        for (int s = 0; s < stages; s++)
            memcpy(ids[i] + s * BLOCK, pair[s][i >> s & 1], BLOCK);
    }
    return ids;
}

static char **collide_ids;
static size_t collide_count;

/* n regions and n threats with the colliding ids: the model's, the
 * compiled model's and the scenario's maps all take them. */
static uint64_t colliding_work(size_t n)
{
    assert_true(n <= collide_count);
    uint64_t before = hx_steps;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "home", NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "home"));
    for (size_t i = 0; i < n; i++)
        OK(hsec_model_add_region(m, collide_ids[i], "home"));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    for (size_t i = 0; i < n; i++) { /* each on its region, of no node */
        OK(hsec_scenario_add_threat(s, collide_ids[i], HSEC_THREAT_UNKNOWN));
        OK(hsec_scenario_add_threat_target(s, collide_ids[i], collide_ids[i], 0.1));
    }
    hsec_scenario_free(s);
    return hx_steps - before;
}

static void test_ids_made_to_collide(void **state)
{
    (void)state;
    const int stages = 12; /* 4096 ids of 48 characters */
    collide_ids = colliding_ids(stages);
    collide_count = (size_t)1 << stages;
    /* they do collide in the unkeyed hash: in one slot of a 65536-slot table */
    uint64_t low = fnv1a(FNV_OFFSET, collide_ids[0], strlen(collide_ids[0])) & 0xffff;
    for (size_t i = 1; i < collide_count; i++)
        assert_int_equal(fnv1a(FNV_OFFSET, collide_ids[i], strlen(collide_ids[i])) & 0xffff, low);
    assert_scales("ids made to collide", colliding_work, collide_count / 2);
    for (size_t i = 0; i < collide_count; i++)
        free(collide_ids[i]);
    free(collide_ids);
}

/* ---- a deep chain of regions */

/* n regions, each the parent of the next, a group in each and a service in
 * the deepest; a threat, a measure and a record on regions high in the
 * chain, so that every group is found below them. */
static uint64_t chain_work(size_t n)
{
    uint64_t before = hx_steps;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    char id[32], parent[32], group[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "r%zu", i);
        snprintf(parent, sizeof parent, "r%zu", i ? i - 1 : 0);
        OK(hsec_model_add_region(m, id, i ? parent : NULL));
        snprintf(group, sizeof group, "g%zu", i);
        OK(hsec_model_add_group(m, group, id, 100));
    }
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, id));
    OK(hsec_model_use_template(m, "services"));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    OK(hsec_scenario_add_threat(s, "flood", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "flood", "r0", 0.2));
    OK(hsec_scenario_add_measure(s, "levee", HSEC_PROTECTION, HSEC_SHIELD,
                                 HSEC_BY_HOST_GOVERNMENT, 0.5));
    OK(hsec_scenario_add_measure_target(s, "levee", "r1"));
    OK(hsec_scenario_record(s, "r0"));
    /* the service, then every group below */
    assert_int_equal(hsec_scenario_threat_target_count(s, 0), 1 + n * HSEC_DIM_COUNT);
    assert_int_equal(hsec_scenario_measure_target_count(s, 0), 1 + (n - 1) * HSEC_DIM_COUNT);
    hsec_scenario_free(s);
    return hx_steps - before;
}

static void test_deep_region_chain(void **state)
{
    (void)state;
    assert_scales("a chain of regions", chain_work, 2000);
}

/* ---- many threats, measures and packages found by id */

static uint64_t many_work(size_t n)
{
    uint64_t before = hx_steps;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "home", NULL));
    OK(hsec_model_add_group(m, "people", "home", 100));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "home"));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    char id[32];
    OK(hsec_scenario_add_package(s, "all"));
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "t%zu", i);
        OK(hsec_scenario_add_threat(s, id, HSEC_THREAT_UNKNOWN));
        OK(hsec_scenario_set_threat(s, id, HSEC_TIMING_START, 1));
        OK(hsec_scenario_add_threat_target(s, id, "grid", 0.001));
        OK(hsec_scenario_add_threat_target(s, id, "people.health", 0.001));
        snprintf(id, sizeof id, "m%zu", i);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, HSEC_SHIELD,
                                     HSEC_BY_HOST_GOVERNMENT, 0.1));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_COST, 1));
        OK(hsec_scenario_add_measure_target(s, id, "grid"));
        OK(hsec_scenario_package_add(s, "all", id));
    }
    /* read back as a document writer does: each one's targets */
    size_t nodes[2];
    double mags[2];
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(hsec_scenario_threat_target_count(s, i), 2);
        OK(hsec_scenario_threat_targets(nodes, mags, 2, s, i));
        assert_int_equal(hsec_scenario_measure_target_count(s, i), 1);
        OK(hsec_scenario_measure_targets(nodes, 1, s, i));
    }
    assert_int_equal(hsec_scenario_package_size(s, 0), n);
    hsec_scenario_free(s);
    return hx_steps - before;
}

static void test_many_threats_and_measures(void **state)
{
    (void)state;
    assert_scales("threats and measures by id", many_work, 2000);
}

/* ---- names looked up in batches, as one by one */

static void test_lookup_batch_as_one_by_one(void **state)
{
    (void)state;
    hsec_allocator a;
    assert_int_equal(hsec_default_allocator(&a), HSEC_OK);
    hx_map m = {0};
    static char ids[300][16];
    for (int i = 0; i < 300; i++) {
        snprintf(ids[i], sizeof ids[i], "%s%d", i % 3 ? "g" : "s", i);
        assert_int_equal(hx_map_put(&a, &m, ids[i], (uint32_t)(7 * i + 1)), HSEC_OK);
    }
    /* known and unknown ids, with and without a dimension, malformed */
    static char names[200][96];
    const char *list[200];
    const char *dims[] = {"", ".health", ".political", ".bogus", ".", ".economic.food"};
    for (int k = 0; k < 200; k++) {
        int i = (k * 37) % 330; /* past 300: unknown */
        snprintf(names[k], sizeof names[k], "%s%d%s", i % 3 ? "g" : "s", i, dims[k % 6]);
        list[k] = names[k];
    }
    list[5] = "";
    list[17] = NULL;
    list[23] = "x-very-long-name-that-is-longer-than-sixty-four-characters-0123456789";
    list[31] = "bad id";
    for (size_t n = 1; n <= HX_LOOKUP_BATCH; n++)
        for (size_t k0 = 0; k0 + n <= 200; k0 += n) {
            bool found[HX_LOOKUP_BATCH];
            uint32_t ref[HX_LOOKUP_BATCH];
            int dim[HX_LOOKUP_BATCH];
            hx_lookup_batch(&m, list + k0, n, found, ref, dim);
            for (size_t k = 0; k < n; k++) {
                uint32_t r1 = 0;
                int d1 = 0;
                bool f1 = list[k0 + k] && hx_lookup(&m, list[k0 + k], &r1, &d1);
                assert_int_equal(found[k], f1);
                if (f1) {
                    assert_int_equal(ref[k], r1);
                    assert_int_equal(dim[k], d1);
                }
            }
        }
    /* an empty map finds nothing */
    hx_map e = {0};
    bool found[2];
    uint32_t ref[2];
    int dim[2];
    hx_lookup_batch(&e, list, 2, found, ref, dim);
    assert_false(found[0] || found[1]);
    hx_map_free(&a, &m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_vectors),
        cmocka_unit_test(test_lookup_batch_as_one_by_one),
        cmocka_unit_test(test_ids_made_to_collide),
        cmocka_unit_test(test_deep_region_chain),
        cmocka_unit_test(test_many_threats_and_measures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
