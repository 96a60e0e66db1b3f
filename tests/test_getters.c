/* Every getter of the compiled model and the scenario against the values
 * put in through the builder, and out-of-range indices refused. */
#include "util.h"

#include <stdbool.h>

/*
 * Regions: land (top), north (in land), isle (top). Services: grid
 * (national), water (north). Groups: old (north), kids (land).
 * Node numbers: services and groups in the order added, seven nodes a
 * group: grid 0, old 1..7, water 8, kids 9..15.
 */
static hsec_compiled *built(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "north", "land"));
    OK(hsec_model_add_region(m, "land", NULL));
    OK(hsec_model_add_region(m, "isle", NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    OK(hsec_model_add_group(m, "old", "north", 1200));
    OK(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "north"));
    OK(hsec_model_add_group(m, "kids", "land", 3000));
    OK(hsec_model_set_group_flags(m, "kids", HSEC_FLAG_CHILDREN | HSEC_FLAG_DISPLACED));
    OK(hsec_model_set(m, "old.health", HSEC_PARAM_VULNERABILITY, 1.5));
    OK(hsec_model_set(m, "old", HSEC_PARAM_RECOVERY, 0.2));
    OK(hsec_model_set(m, "old.food", HSEC_PARAM_RECOVERY_TIME, 12));
    OK(hsec_model_set(m, "water", HSEC_PARAM_RECOVERY_TIME, 9));
    OK(hsec_model_set(m, "grid", HSEC_PARAM_RECOVERY, 0.3));
    OK(hsec_model_set(m, "old", HSEC_PARAM_WEIGHT, 0));
    OK(hsec_model_set(m, "old.health", HSEC_PARAM_WEIGHT, 3));
    OK(hsec_model_set(m, "old.food", HSEC_PARAM_WEIGHT, 1));
    OK(hsec_model_set(m, "kids.community", HSEC_PARAM_BASELINE, 0.2));
    OK(hsec_model_set(m, "kids.economic", HSEC_PARAM_INITIAL, 0.1));
    OK(hsec_model_set(m, "grid", HSEC_PARAM_INITIAL, 0.05));
    OK(hsec_model_add_link(m, "grid", "water", 0.6, 0));
    OK(hsec_model_add_link(m, "water", "old.health", 0.5, 2));
    OK(hsec_model_add_link(m, "grid", "old.health", 0.25, 0));
    OK(hsec_model_add_link(m, "old.personal", "kids.community", 0.1, 4));
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    return c;
}

static size_t region_index(const hsec_compiled *c, const char *id)
{
    for (size_t k = 0; k < hsec_compiled_region_count(c); k++)
        if (!strcmp(hsec_compiled_region_id(c, k), id))
            return k;
    fail_msg("no region %s", id);
    return 0;
}

static void test_compiled_getters(void **state)
{
    (void)state;
    hsec_compiled *c = built();
    assert_int_equal(hsec_compiled_node_count(c), 16);
    assert_int_equal(hsec_compiled_region_count(c), 3);
    size_t land = region_index(c, "land"), north = region_index(c, "north"),
           isle = region_index(c, "isle");
    size_t parent = 0;
    OK(hsec_compiled_region_parent(&parent, c, north));
    assert_int_equal(parent, land);
    OK(hsec_compiled_region_parent(&parent, c, land));
    assert_true(parent == HSEC_NO_INDEX);
    OK(hsec_compiled_region_parent(&parent, c, isle));
    assert_true(parent == HSEC_NO_INDEX);
    parent = 77;
    assert_int_equal(hsec_compiled_region_parent(&parent, c, 3), HSEC_EINVAL);
    assert_int_equal(parent, 77);
    HAS(hsec_last_errmsg(), "3");
    assert_int_equal(hsec_compiled_region_parent(NULL, c, 0), HSEC_EINVAL);

    /* services, in the order added */
    assert_int_equal(hsec_compiled_service_count(c), 2);
    assert_string_equal(hsec_compiled_service_id(c, 0), "grid");
    assert_string_equal(hsec_compiled_service_id(c, 1), "water");
    assert_null(hsec_compiled_service_id(c, 2));
    hsec_service_kind kind = HSEC_SERVICE_OTHER;
    size_t region = 0, node = 0;
    OK(hsec_compiled_service(&kind, &region, &node, c, 0));
    assert_int_equal(kind, HSEC_SERVICE_ENERGY);
    assert_true(region == HSEC_NO_INDEX);
    assert_int_equal(node, 0);
    assert_string_equal(hsec_compiled_node_name(c, node), "grid");
    OK(hsec_compiled_service(&kind, &region, &node, c, 1));
    assert_int_equal(kind, HSEC_SERVICE_WATER);
    assert_int_equal(region, north);
    assert_int_equal(node, 8);
    assert_string_equal(hsec_compiled_node_name(c, node), "water");
    OK(hsec_compiled_service(NULL, NULL, &node, c, 1));
    assert_int_equal(node, 8);
    assert_int_equal(hsec_compiled_service(&kind, &region, &node, c, 2), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "2");

    /* groups */
    assert_int_equal(hsec_compiled_group_count(c), 2);
    assert_string_equal(hsec_compiled_group_id(c, 1), "kids");
    assert_int_equal(hsec_compiled_group_region(c, 0), north);
    assert_int_equal(hsec_compiled_group_region(c, 1), land);
    assert_true(hsec_compiled_group_region(c, 2) == (size_t)-1);
    assert_int_equal(hsec_compiled_group_node(c, 0), 1);
    assert_int_equal(hsec_compiled_group_node(c, 1), 9);
    assert_true(hsec_compiled_group_size(c, 1) == 3000);
    unsigned flags = 99;
    OK(hsec_compiled_group_flags(&flags, c, 1));
    assert_int_equal(flags, HSEC_FLAG_CHILDREN | HSEC_FLAG_DISPLACED);
    OK(hsec_compiled_group_flags(&flags, c, 0));
    assert_int_equal(flags, 0);
    flags = 99;
    assert_int_equal(hsec_compiled_group_flags(&flags, c, 2), HSEC_EINVAL);
    assert_int_equal(flags, 99);
    HAS(hsec_last_errmsg(), "2");
    assert_int_equal(hsec_compiled_group_flags(NULL, c, 0), HSEC_EINVAL);
    assert_true(hsec_compiled_group_weight(c, 0, HSEC_DIM_HEALTH) == 0.75);
    assert_true(hsec_compiled_group_weight(c, 0, HSEC_DIM_FOOD) == 0.25);
    assert_true(hsec_compiled_group_weight(c, 0, HSEC_DIM_ECONOMIC) == 0);
    assert_true(isnan(hsec_compiled_group_weight(c, 2, HSEC_DIM_FOOD)));
    assert_true(isnan(hsec_compiled_group_weight(c, 0, (hsec_dimension)7)));
    assert_true(hsec_compiled_group_baseline(c, 1, HSEC_DIM_COMMUNITY) == 0.2);
    assert_true(hsec_compiled_group_baseline(c, 1, HSEC_DIM_FOOD) == 0);

    /* find: the index of each name, and names that are not nodes */
    for (size_t i = 0; i < 16; i++) {
        size_t k = 99;
        OK(hsec_compiled_find_node(&k, c, hsec_compiled_node_name(c, i)));
        assert_int_equal(k, i);
    }
    size_t k = 99;
    OK(hsec_compiled_find_node(&k, c, "kids.political"));
    assert_int_equal(k, 15);
    k = 99;
    assert_int_equal(hsec_compiled_find_node(&k, c, "kids"), HSEC_ENOTFOUND);
    assert_int_equal(k, 99);
    HAS(hsec_last_errmsg(), "kids");
    assert_int_equal(hsec_compiled_find_node(&k, c, "north"), HSEC_ENOTFOUND);
    assert_int_equal(hsec_compiled_find_node(&k, c, "kids.wealth"), HSEC_ENOTFOUND);
    HAS(hsec_last_errmsg(), "kids.wealth");
    assert_int_equal(hsec_compiled_find_node(NULL, c, "grid"), HSEC_EINVAL);
    assert_int_not_equal(hsec_compiled_find_node(&k, c, NULL), HSEC_OK);
    assert_null(hsec_compiled_node_name(c, 16));

    /* parameters as given */
    double v[16];
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_VULNERABILITY));
    for (size_t i = 0; i < 16; i++)
        assert_true(v[i] == (i == 3 ? 1.5 : 1));
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_RECOVERY));
    assert_true(v[0] == 0.3);
    assert_true(v[1] == 0.2 && v[3] == 0.2);
    assert_true(v[2] == 1); /* old.food: a time was given */
    assert_true(v[8] == 1); /* water: a time */
    assert_true(v[9] == 1); /* kids: the default rate */
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_RECOVERY_TIME));
    assert_true(v[2] == 12 && v[8] == 9);
    assert_true(v[0] == 0 && v[1] == 0 && v[9] == 0);
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_INITIAL));
    for (size_t i = 0; i < 16; i++)
        assert_true(v[i] == (i == 0 ? 0.05 : i == 9 ? 0.1 : 0));
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_WEIGHT));
    assert_true(isnan(v[0]) && isnan(v[8]));
    assert_true(v[1] == 0 && v[2] == 1 && v[3] == 3 && v[4] == 0);
    assert_true(v[9] == 1); /* as given: the default, not normalised */
    OK(hsec_compiled_params(v, 16, c, HSEC_PARAM_BASELINE));
    assert_true(isnan(v[0]) && isnan(v[8]));
    assert_true(v[14] == 0.2 && v[13] == 0 && v[1] == 0);
    assert_int_equal(hsec_compiled_params(v, 15, c, HSEC_PARAM_INITIAL), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "15");
    assert_int_equal(hsec_compiled_params(v, 16, c, (hsec_param)HSEC_PARAM_COUNT), HSEC_EINVAL);
    assert_int_equal(hsec_compiled_params(NULL, 16, c, HSEC_PARAM_INITIAL), HSEC_EINVAL);
    hsec_compiled_free(c);
}

/* The links' indices in the order of hsec_compiled_links. */
static size_t link_index(const hsec_compiled *c, size_t from, size_t to)
{
    size_t nnz = hsec_compiled_link_count(c), rowp[17], src[8];
    assert_true(nnz <= 8);
    OK(hsec_compiled_links(rowp, src, NULL, NULL, nnz, c));
    for (size_t e = rowp[to]; e < rowp[to + 1]; e++)
        if (src[e] == from)
            return e;
    fail_msg("no link %zu -> %zu", from, to);
    return 0;
}

static void test_scenario_getters(void **state)
{
    (void)state;
    hsec_compiled *c = built();
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    OK(hsec_scenario_add_threat(s, "strikes", HSEC_THREAT_ADVERSARY));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_START, 2));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_DURATION, 30));
    OK(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_LIKELIHOOD, 0.8));
    OK(hsec_scenario_add_threat_target(s, "strikes", "water", 0.6));
    OK(hsec_scenario_add_threat_target(s, "strikes", "grid", 0.4));
    OK(hsec_scenario_add_threat(s, "drought", HSEC_THREAT_NATURAL));
    OK(hsec_scenario_add_threat_target(s, "drought", "kids", 0.1));
    OK(hsec_scenario_add_threat(s, "quiet", HSEC_THREAT_UNKNOWN));

    /* threats */
    assert_int_equal(hsec_scenario_threat_count(s), 3);
    hsec_threat_actor actor = HSEC_THREAT_OWN;
    OK(hsec_scenario_threat_actor(&actor, s, 1));
    assert_int_equal(actor, HSEC_THREAT_NATURAL);
    OK(hsec_scenario_threat_actor(&actor, s, 0));
    assert_int_equal(actor, HSEC_THREAT_ADVERSARY);
    assert_int_equal(hsec_scenario_threat_actor(&actor, s, 3), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_threat_actor(NULL, s, 0), HSEC_EINVAL);
    double x = 0;
    OK(hsec_scenario_threat_timing(&x, s, 0, HSEC_TIMING_START));
    assert_true(x == 2);
    OK(hsec_scenario_threat_timing(&x, s, 0, HSEC_TIMING_DURATION));
    assert_true(x == 30);
    OK(hsec_scenario_threat_timing(&x, s, 0, HSEC_TIMING_LIKELIHOOD));
    assert_true(x == 0.8);
    OK(hsec_scenario_threat_timing(&x, s, 1, HSEC_TIMING_DURATION));
    assert_true(x == HSEC_PERSISTENT);
    OK(hsec_scenario_threat_timing(&x, s, 1, HSEC_TIMING_START));
    assert_true(x == 0);
    OK(hsec_scenario_threat_timing(&x, s, 1, HSEC_TIMING_LIKELIHOOD));
    assert_true(x == 1);
    assert_int_equal(hsec_scenario_threat_timing(&x, s, 0, HSEC_TIMING_RAMP), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_threat_timing(&x, s, 0, HSEC_TIMING_COST), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_threat_timing(&x, s, 3, HSEC_TIMING_START), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_threat_target_count(s, 0), 2);
    assert_int_equal(hsec_scenario_threat_target_count(s, 1), 7);
    assert_int_equal(hsec_scenario_threat_target_count(s, 2), 0);
    assert_int_equal(hsec_scenario_threat_target_count(s, 3), 0);
    size_t nodes[7];
    double mags[7];
    OK(hsec_scenario_threat_targets(nodes, mags, 2, s, 0)); /* ascending: grid 0, water 8 */
    assert_true(nodes[0] == 0 && nodes[1] == 8);
    assert_true(mags[0] == 0.4 && mags[1] == 0.6);
    OK(hsec_scenario_threat_targets(nodes, NULL, 7, s, 1));
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(nodes[i], 9 + i);
    OK(hsec_scenario_threat_targets(NULL, mags, 7, s, 1));
    for (size_t i = 0; i < 7; i++)
        assert_true(mags[i] == 0.1);
    OK(hsec_scenario_threat_targets(NULL, NULL, 0, s, 2));
    assert_int_equal(hsec_scenario_threat_targets(nodes, mags, 1, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_threat_targets(nodes, mags, 0, s, 3), HSEC_EINVAL);

    /* measures */
    OK(hsec_scenario_add_measure(s, "gen", HSEC_PROTECTION, HSEC_DECOUPLE, HSEC_BY_NGO, 0.7));
    OK(hsec_scenario_add_measure_link(s, "gen", NULL, "old.health"));
    OK(hsec_scenario_add_measure_link(s, "gen", "grid", "water"));
    OK(hsec_scenario_add_measure_link(s, "gen", "grid", "old.health")); /* again: once */
    OK(hsec_scenario_set_measure(s, "gen", HSEC_TIMING_RAMP, 5));
    OK(hsec_scenario_set_measure(s, "gen", HSEC_TIMING_COST, 40));
    OK(hsec_scenario_add_measure(s, "repair", HSEC_EMPOWERMENT, HSEC_RECOVER,
                                 HSEC_BY_HOST_GOVERNMENT, 0.05));
    OK(hsec_scenario_add_measure_target(s, "repair", "north")); /* water, old */
    OK(hsec_scenario_add_measure_target(s, "repair", "grid"));
    OK(hsec_scenario_add_measure_target(s, "repair", "old.food")); /* again: once */
    OK(hsec_scenario_set_measure(s, "repair", HSEC_TIMING_START, 3));
    OK(hsec_scenario_set_measure(s, "repair", HSEC_TIMING_DURATION, 10));
    OK(hsec_scenario_add_measure(s, "none", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0));
    assert_int_equal(hsec_scenario_measure_count(s), 3);
    hsec_effect effect = HSEC_SHIELD;
    hsec_measure_actor by = HSEC_BY_NGO;
    double strength = 0;
    OK(hsec_scenario_measure_effect(&effect, &by, &strength, s, 0));
    assert_true(effect == HSEC_DECOUPLE && by == HSEC_BY_NGO && strength == 0.7);
    OK(hsec_scenario_measure_effect(&effect, &by, &strength, s, 1));
    assert_true(effect == HSEC_RECOVER && by == HSEC_BY_HOST_GOVERNMENT && strength == 0.05);
    OK(hsec_scenario_measure_effect(NULL, &by, NULL, s, 2));
    assert_int_equal(by, HSEC_BY_MILITARY);
    assert_int_equal(hsec_scenario_measure_effect(&effect, &by, &strength, s, 3), HSEC_EINVAL);
    hsec_measure_kind kind = HSEC_PROTECTION;
    OK(hsec_scenario_measure_kind(&kind, s, 1));
    assert_int_equal(kind, HSEC_EMPOWERMENT);
    OK(hsec_scenario_measure_timing(&x, s, 0, HSEC_TIMING_RAMP));
    assert_true(x == 5);
    OK(hsec_scenario_measure_timing(&x, s, 0, HSEC_TIMING_COST));
    assert_true(x == 40);
    OK(hsec_scenario_measure_timing(&x, s, 0, HSEC_TIMING_DURATION));
    assert_true(x == HSEC_PERSISTENT);
    OK(hsec_scenario_measure_timing(&x, s, 1, HSEC_TIMING_START));
    assert_true(x == 3);
    OK(hsec_scenario_measure_timing(&x, s, 1, HSEC_TIMING_DURATION));
    assert_true(x == 10);
    OK(hsec_scenario_measure_timing(&x, s, 2, HSEC_TIMING_COST));
    assert_true(x == 0);
    assert_int_equal(hsec_scenario_measure_timing(&x, s, 0, HSEC_TIMING_LIKELIHOOD), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_measure_timing(&x, s, 3, HSEC_TIMING_START), HSEC_EINVAL);
    assert_true(hsec_scenario_measure_cost(s, 0) == 40);
    assert_true(isnan(hsec_scenario_measure_cost(s, 3)));
    /* decouple: the links into old.health and grid -> water, ascending */
    size_t want_links[3] = {link_index(c, 0, 8), link_index(c, 0, 3), link_index(c, 8, 3)};
    for (int i = 0; i < 3; i++) /* sort */
        for (int j = i + 1; j < 3; j++)
            if (want_links[j] < want_links[i]) {
                size_t t = want_links[i];
                want_links[i] = want_links[j];
                want_links[j] = t;
            }
    assert_int_equal(hsec_scenario_measure_target_count(s, 0), 3);
    size_t tg[16];
    OK(hsec_scenario_measure_targets(tg, 3, s, 0));
    assert_memory_equal(tg, want_links, sizeof want_links);
    /* recover: grid, old's seven nodes, water; each once, ascending */
    assert_int_equal(hsec_scenario_measure_target_count(s, 1), 9);
    OK(hsec_scenario_measure_targets(tg, 9, s, 1));
    const size_t want_nodes[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    assert_memory_equal(tg, want_nodes, sizeof want_nodes);
    assert_int_equal(hsec_scenario_measure_target_count(s, 2), 0);
    assert_int_equal(hsec_scenario_measure_target_count(s, 3), 0);
    assert_int_equal(hsec_scenario_measure_targets(tg, 8, s, 1), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_measure_targets(tg, 0, s, 3), HSEC_EINVAL);

    /* packages */
    OK(hsec_scenario_add_package(s, "fix"));
    OK(hsec_scenario_package_add(s, "fix", "repair"));
    OK(hsec_scenario_package_add(s, "fix", "gen"));
    OK(hsec_scenario_add_package(s, "empty"));
    assert_int_equal(hsec_scenario_package_size(s, 0), 2);
    assert_int_equal(hsec_scenario_package_size(s, 1), 0);
    assert_int_equal(hsec_scenario_package_size(s, 2), 0);
    size_t pm[2];
    OK(hsec_scenario_package_measures(pm, 2, s, 0)); /* in the order put in */
    assert_true(pm[0] == 1 && pm[1] == 0);
    assert_int_equal(hsec_scenario_package_measures(pm, 1, s, 0), HSEC_EINVAL);
    assert_int_equal(hsec_scenario_package_measures(pm, 0, s, 2), HSEC_EINVAL);
    assert_true(hsec_scenario_package_cost(s, 0) == 40);

    /* uncertainty */
    double lo = -1, mo = -1, hi = -1;
    OK(hsec_scenario_get_uncertainty(&lo, &mo, &hi, s, HSEC_UNCERTAIN_WEIGHTS));
    assert_true(lo == 1 && mo == 1 && hi == 1); /* the default: fixed */
    OK(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 0.5, 0.75, 2));
    OK(hsec_scenario_get_uncertainty(&lo, &mo, &hi, s, HSEC_UNCERTAIN_RECOVERY));
    assert_true(lo == 0.5 && mo == 0.75 && hi == 2);
    OK(hsec_scenario_get_uncertainty(NULL, &mo, NULL, s, HSEC_UNCERTAIN_RECOVERY));
    assert_true(mo == 0.75);
    assert_int_equal(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_RECOVERY, 2, 1, 3),
                     HSEC_EINVAL);
    OK(hsec_scenario_get_uncertainty(&lo, &mo, &hi, s, HSEC_UNCERTAIN_RECOVERY));
    assert_true(lo == 0.5 && mo == 0.75 && hi == 2); /* unchanged */
    assert_int_equal(hsec_scenario_get_uncertainty(&lo, &mo, &hi, s,
                                                   (hsec_uncertain)HSEC_UNCERTAIN_COUNT),
                     HSEC_EINVAL);

    /* the allocator: the default one, versioned */
    hsec_allocator a;
    memset(&a, 0, sizeof a);
    OK(hsec_scenario_allocator(&a, s));
    assert_int_equal(a.version, HSEC_ALLOCATOR_VERSION);
    assert_true(a.alloc && a.realloc && a.free);
    assert_int_equal(hsec_scenario_allocator(NULL, s), HSEC_EINVAL);
    hsec_scenario_free(s);
    hsec_compiled_free(c);
}

static int allocations;
static void *my_alloc(void *opaque, size_t n)
{
    (*(int *)opaque)++;
    return malloc(n);
}
static void *my_realloc(void *opaque, void *p, size_t n)
{
    (*(int *)opaque)++;
    return realloc(p, n);
}
static void my_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

/* A caller's allocator comes back as given, and is used. */
static void test_scenario_allocator(void **state)
{
    (void)state;
    const hsec_allocator mine = {HSEC_ALLOCATOR_VERSION, my_alloc, my_realloc, my_free,
                                 &allocations};
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, &mine));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", 10));
    hsec_scenario *s = scenario_of(m);
    assert_true(allocations > 0);
    hsec_allocator a;
    memset(&a, 0, sizeof a);
    OK(hsec_scenario_allocator(&a, s));
    assert_int_equal(a.version, HSEC_ALLOCATOR_VERSION);
    assert_true(a.alloc == my_alloc && a.realloc == my_realloc && a.free == my_free);
    assert_ptr_equal(a.opaque, &allocations);
    hsec_scenario_free(s);
}

static void test_options(void **state)
{
    (void)state;
    hsec_scenario *s = scenario_of(services("a"));
    static const struct {
        hsec_option opt;
        int whole;
        double def;
    } want[HSEC_OPTION_COUNT] = {
        {HSEC_OPT_MODE, 1, HSEC_MODE_STATIC},  {HSEC_OPT_STEPS, 1, NAN},
        {HSEC_OPT_BOUNDED, 1, 1},              {HSEC_OPT_BAND_SHORT, 1, 7},
        {HSEC_OPT_BAND_MEDIUM, 1, 90},         {HSEC_OPT_RECOVERY_LAMBDA, 0, 0.01},
        {HSEC_OPT_SEED, 1, 0},                 {HSEC_OPT_MAX_ITERATIONS, 1, 100000},
        {HSEC_OPT_CRITICAL_SHARE, 0, 0.4},     {HSEC_OPT_PERVASIVE_SHARE, 0, 0.25},
        {HSEC_OPT_AF_CUTOFF, 0, 0.4},          {HSEC_OPT_AF_K, 0, 1.0 / 3},
        {HSEC_OPT_MEMBERS, 1, 100},            {HSEC_OPT_THREADS, 1, 0},
        {HSEC_OPT_RUN_THREADS, 1, 1}};
    for (int k = 0; k < HSEC_OPTION_COUNT; k++) {
        hsec_option opt = want[k].opt;
        assert_int_equal(opt, k);
        int whole = -1;
        OK(hsec_option_whole(&whole, opt));
        assert_int_equal(whole, want[k].whole);
        double def = -1, now = -2, lo, hi;
        OK(hsec_option_default(&def, opt));
        OK(hsec_scenario_get_option(&now, s, opt));
        assert_true(def == now); /* a new scenario holds the defaults */
        if (!isnan(want[k].def))
            assert_true(def == want[k].def);
        const char *key = hsec_option_key(opt);
        assert_non_null(key);
        assert_true(strncmp(key, "run.", 4) == 0 || strncmp(key, "uncertainty.", 12) == 0);
        /* whole options refuse a fraction inside their range, naming the key */
        OK(hsec_option_bounds(&lo, &hi, opt));
        if (hi - lo >= 1) {
            int rc = hsec_scenario_set_option(s, opt, lo + 0.5);
            if (whole) {
                assert_int_equal(rc, HSEC_EINVAL);
                HAS(hsec_scenario_errmsg(s), key);
            } else {
                OK(rc);
                OK(hsec_scenario_set_option(s, opt, def));
            }
        }
    }
    assert_string_equal(hsec_option_key(HSEC_OPT_STEPS), "run.steps");
    assert_string_equal(hsec_option_key(HSEC_OPT_BAND_SHORT), "run.bands[0]");
    assert_string_equal(hsec_option_key(HSEC_OPT_BAND_MEDIUM), "run.bands[1]");
    assert_string_equal(hsec_option_key(HSEC_OPT_MEMBERS), "uncertainty.members");
    assert_null(hsec_option_key((hsec_option)HSEC_OPTION_COUNT));
    double d;
    int w;
    assert_int_equal(hsec_option_default(&d, (hsec_option)HSEC_OPTION_COUNT), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "15");
    assert_int_equal(hsec_option_whole(&w, (hsec_option)-1), HSEC_EINVAL);
    assert_int_equal(hsec_option_default(NULL, HSEC_OPT_MODE), HSEC_EINVAL);
    hsec_scenario_free(s);
}

static void test_rank_order(void **state)
{
    (void)state;
    const double u[7] = {1, 3, NAN, 3, 0.5, NAN, -2};
    size_t order[7];
    OK(hsec_rank_order(order, u, 7));
    /* decreasing, the tie of 3s to the lower index, NaN last */
    assert_int_equal(order[0], 1);
    assert_int_equal(order[1], 3);
    assert_int_equal(order[2], 0);
    assert_int_equal(order[3], 4);
    assert_int_equal(order[4], 6);
    assert_true((order[5] == 2 && order[6] == 5) || (order[5] == 5 && order[6] == 2));
    /* a longer list against a selection sort written here */
    double v[200];
    unsigned seed = 3;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        v[i] = (double)((seed >> 16) % 40); /* many ties */
    }
    size_t o2[200];
    OK(hsec_rank_order(o2, v, 200));
    bool used[200] = {false};
    for (int pos = 0; pos < 200; pos++) {
        int best = -1;
        for (int i = 0; i < 200; i++)
            if (!used[i] && (best < 0 || v[i] > v[best]))
                best = i;
        used[best] = true;
        assert_int_equal(o2[pos], (size_t)best);
    }
    assert_int_equal(hsec_rank_order(NULL, u, 7), HSEC_EINVAL);
    assert_int_equal(hsec_rank_order(order, NULL, 7), HSEC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compiled_getters),
        cmocka_unit_test(test_scenario_getters),
        cmocka_unit_test(test_scenario_allocator),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_rank_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
