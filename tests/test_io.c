/* Input-output tables: hsec_model_add_io_table against hand computation. */
#include "util.h"

#include <stdbool.h>

/* A 3-sector table:
 *   Z = [10 20  0]   Y = [70   0]   row sums of Z: 30, 20, 70
 *       [ 5  0 15]       [90 -10]   of Y: 70, 80, 50
 *       [ 0 30 40]       [40  10]   x = 100, 100, 120
 * column sums of Z: 15, 50, 55; value added 85, 50, 65. */
static const double Z3[9] = {10, 20, 0, 5, 0, 15, 0, 30, 40};
static const double Y3[6] = {70, 0, 90, -10, 40, 10};
static const char *const S3[3] = {"agriculture", "manufacturing", "services"};

static hsec_io_table table3(hsec_io_model model)
{
    hsec_io_table t = {.version = HSEC_IO_TABLE_VERSION};
    t.n = 3;
    t.z = Z3;
    t.y = Y3;
    t.k = 2;
    t.sectors = S3;
    t.model = model;
    return t;
}

/* The weight of link from -> to in a compiled model (-1: none). */
static double weight_of(const hsec_compiled *c, const char *from, const char *to)
{
    size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
    size_t *rowp = calloc(n + 1, sizeof *rowp), *src = calloc(nnz + 1, sizeof *src);
    double *w = calloc(nnz + 1, sizeof *w);
    assert_true(rowp && src && w);
    OK(hsec_compiled_links(rowp, src, w, NULL, nnz, c));
    size_t f, t;
    OK(hsec_compiled_find_node(&f, c, from));
    OK(hsec_compiled_find_node(&t, c, to));
    double out = -1;
    for (size_t e = rowp[t]; e < rowp[t + 1]; e++)
        if (src[e] == f)
            out = w[e];
    free(rowp);
    free(src);
    free(w);
    return out;
}

static hsec_compiled *compiled(hsec_model *m)
{
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    return c;
}

static void demand_coefficients(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    hsec_io_table t = table3(HSEC_IO_DEMAND);
    const char *id[3];
    double base[3];
    OK(hsec_model_add_io_table(id, base, 3, m, &t));
    assert_string_equal(id[0], "agriculture");
    assert_string_equal(id[2], "services");
    hsec_compiled *c = compiled(m);
    /* a*_ij = Z_ij / x_i, link j -> i */
    static const struct { int i, j; double a; } want[] = {
        {0, 0, 10.0 / 100}, {0, 1, 20.0 / 100}, {1, 0, 5.0 / 100},
        {1, 2, 15.0 / 100}, {2, 1, 30.0 / 120}, {2, 2, 40.0 / 120}};
    assert_int_equal(hsec_compiled_link_count(c), 6);
    for (size_t k = 0; k < 6; k++)
        NEAR(weight_of(c, S3[want[k].j], S3[want[k].i]), want[k].a, 1e-15);
    NEAR(base[0], 70.0 / 100, 1e-15);
    NEAR(base[1], 80.0 / 100, 1e-15);
    NEAR(base[2], 50.0 / 120, 1e-15);
    size_t s = 0;
    hsec_service_kind kind;
    OK(hsec_compiled_service(&kind, NULL, NULL, c, s));
    assert_int_equal(kind, HSEC_SERVICE_ECONOMIC_SECTOR);
    assert_string_equal(hsec_compiled_service_label(c, 1), "manufacturing");
    hsec_compiled_free(c);
    hsec_model_free(m);
}

static void supply_coefficients(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    hsec_io_table t = table3(HSEC_IO_SUPPLY);
    double base[3];
    OK(hsec_model_add_io_table(NULL, base, 3, m, &t));
    hsec_compiled *c = compiled(m);
    /* a*_ij = Z_ji / x_i, link j -> i */
    static const struct { int i, j; double a; } want[] = {
        {0, 0, 10.0 / 100}, {0, 1, 5.0 / 100}, {1, 0, 20.0 / 100},
        {1, 2, 30.0 / 100}, {2, 1, 15.0 / 120}, {2, 2, 40.0 / 120}};
    assert_int_equal(hsec_compiled_link_count(c), 6);
    for (size_t k = 0; k < 6; k++)
        NEAR(weight_of(c, S3[want[k].j], S3[want[k].i]), want[k].a, 1e-15);
    assert_true(weight_of(c, "agriculture", "services") < 0); /* Z_02 = 0: no link */
    NEAR(base[0], 85.0 / 100, 1e-15);
    NEAR(base[1], 50.0 / 100, 1e-15);
    NEAR(base[2], 65.0 / 120, 1e-15);
    hsec_compiled_free(c);
    hsec_model_free(m);
}

/* Total output given: x = 100, 100, 120 gives the same links; the demand
 * base is then (x - row sum) / x. */
static void output_given(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    static const double x[3] = {100, 100, 120};
    hsec_io_table t = table3(HSEC_IO_DEMAND);
    t.y = NULL;
    t.k = 0;
    t.x = x;
    t.min_weight = 0.2; /* only 0.2, 0.25 and 1/3 stay */
    double base[3];
    OK(hsec_model_add_io_table(NULL, base, 3, m, &t));
    NEAR(base[1], 80.0 / 100, 1e-15);
    hsec_compiled *c = compiled(m);
    assert_int_equal(hsec_compiled_link_count(c), 3);
    NEAR(weight_of(c, "manufacturing", "agriculture"), 0.2, 1e-15);
    NEAR(weight_of(c, "manufacturing", "services"), 0.25, 1e-15);
    NEAR(weight_of(c, "services", "services"), 40.0 / 120, 1e-15);
    hsec_compiled_free(c);
    hsec_model_free(m);
}

static void ids_sanitised_and_unique(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
    static const char *const labels[8] = {
        "Food & Beverages", "  __x__  ", "", "\xc3\xa9t\xc3\xa9",
        "a very long sector label that goes past thirty", "a b", "a_b", "grid"};
    double z[64] = {0};
    double y[8];
    for (int i = 0; i < 8; i++) {
        z[i * 8 + i] = 1;
        y[i] = 9;
    }
    hsec_io_table t = {.version = HSEC_IO_TABLE_VERSION, .n = 8, .z = z, .y = y, .k = 1,
                       .sectors = labels};
    const char *id[8];
    OK(hsec_model_add_io_table(id, NULL, 8, m, &t));
    assert_string_equal(id[0], "Food_Beverages");
    assert_string_equal(id[1], "x");
    assert_string_equal(id[2], "sector");
    assert_string_equal(id[3], "t");
    assert_string_equal(id[4], "a_very_long_sector_label_that");
    assert_string_equal(id[5], "a_b");
    assert_string_equal(id[6], "a_b_2");
    assert_string_equal(id[7], "grid_2"); /* "grid" is the model's */
    hsec_compiled *c = compiled(m);
    assert_string_equal(hsec_compiled_service_label(c, 1), "Food & Beverages");
    assert_string_equal(hsec_compiled_service_label(c, 4), "\xc3\xa9t\xc3\xa9");
    assert_null(hsec_compiled_service_label(c, 0)); /* grid, not the table's */
    hsec_compiled_free(c);
    hsec_model_free(m);
}

static void multi_regional(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "south", NULL)); /* used as it is */
    static const char *const reg[4] = {"North Land", "North Land", "south", "south"};
    static const char *const sec[4] = {"food", "mining", "food", "food"};
    double z[16] = {0};
    double y[4] = {1, 1, 1, 1};
    z[0 * 4 + 2] = 3; /* North Land food sells to south food */
    hsec_io_table t = {.version = HSEC_IO_TABLE_VERSION, .n = 4, .z = z, .y = y, .k = 1,
                       .sectors = sec, .regions = reg};
    const char *id[4];
    OK(hsec_model_add_io_table(id, NULL, 4, m, &t));
    assert_string_equal(id[0], "North_Land:food");
    assert_string_equal(id[1], "North_Land:mining");
    assert_string_equal(id[2], "south:food");
    assert_string_equal(id[3], "south:food_2");
    hsec_compiled *c = compiled(m);
    assert_int_equal(hsec_compiled_region_count(c), 2);
    assert_string_equal(hsec_compiled_region_id(c, 1), "North_Land");
    assert_string_equal(hsec_compiled_region_label(c, 1), "North Land");
    assert_null(hsec_compiled_region_label(c, 0)); /* south was there: unchanged */
    size_t r;
    OK(hsec_compiled_service(NULL, &r, NULL, c, 3));
    assert_int_equal(r, 0);
    NEAR(weight_of(c, "south:food", "North_Land:food"), 3.0 / 4, 1e-15); /* x = 3 + 1 */
    hsec_compiled_free(c);
    /* a single-region table placed in a region, added when missing */
    static const char *const one[1] = {"fish"};
    double z1 = 1, y1 = 1;
    hsec_io_table u = {.version = HSEC_IO_TABLE_VERSION, .n = 1, .z = &z1, .y = &y1, .k = 1,
                       .sectors = one, .region = "coast"};
    OK(hsec_model_add_io_table(NULL, NULL, 0, m, &u));
    c = compiled(m);
    assert_int_equal(hsec_compiled_region_count(c), 3);
    OK(hsec_compiled_service(NULL, &r, NULL, c, 4));
    assert_string_equal(hsec_compiled_region_id(c, r), "coast");
    hsec_compiled_free(c);
    hsec_model_free(m);
}

static void zero_sectors_dropped(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    static const char *const sec[4] = {"a", "empty", "b", "cancels"};
    /* "empty": no flows, no final demand: dropped; "cancels": no flows,
     * final demand 5 - 5: kept?  its x is 0, which a kept sector may not
     * have, so it is refused below; here its entries are 5 and 0 */
    double z[16] = {0};
    z[0 * 4 + 2] = 2;
    z[2 * 4 + 0] = 1;
    double y[8] = {3, 0, 0, 0, 4, 0, 5, 0};
    hsec_io_table t = {.version = HSEC_IO_TABLE_VERSION, .n = 4, .z = z, .y = y, .k = 2,
                       .sectors = sec};
    const char *id[4];
    double base[4];
    OK(hsec_model_add_io_table(id, base, 4, m, &t));
    assert_non_null(id[0]);
    assert_null(id[1]);
    assert_true(isnan(base[1]));
    assert_string_equal(id[3], "cancels");
    NEAR(base[3], 1, 1e-15);
    hsec_compiled *c = compiled(m);
    assert_int_equal(hsec_compiled_service_count(c), 3);
    assert_string_equal(hsec_compiled_service_id(c, 1), "b");
    hsec_compiled_free(c);
    /* final demand that sums to 0 from entries that do not: not a zero
     * sector, but its output is 0 */
    double y2[8] = {3, 0, 0, 0, 4, 0, 5, -5};
    t.y = y2;
    assert_int_equal(hsec_model_add_io_table(id, base, 4, m, &t), HSEC_EINVAL);
    assert_non_null(strstr(hsec_model_errmsg(m), "sector 3 (cancels)"));
    /* x given: a sector without flows is dropped when its x is 0 */
    double x[4] = {5, 0, 6, 0};
    static const char *const sec2[4] = {"c", "gone", "d", "gone too"};
    hsec_io_table u = {.version = HSEC_IO_TABLE_VERSION, .n = 4, .z = z, .x = x,
                       .sectors = sec2};
    OK(hsec_model_add_io_table(id, base, 4, m, &u));
    assert_null(id[1]);
    assert_null(id[3]);
    NEAR(base[0], 3.0 / 5, 1e-15);
    hsec_model_free(m);
}

/* The model's shape, to see that a refusal changed nothing. */
static void shape(hsec_model *m, size_t *nodes, size_t *links, size_t *regions)
{
    hsec_compiled *c = compiled(m);
    *nodes = hsec_compiled_node_count(c);
    *links = hsec_compiled_link_count(c);
    *regions = hsec_compiled_region_count(c);
    hsec_compiled_free(c);
}

static void refuse(hsec_model *m, const hsec_io_table *t, size_t count, int code,
                   const char *const *parts)
{
    size_t n0, l0, r0, n1, l1, r1;
    shape(m, &n0, &l0, &r0);
    const char *id[8];
    int rc = hsec_model_add_io_table(count ? id : NULL, NULL, count, m, t);
    if (rc != code)
        fail_msg("rc %d, expected %d: %s", rc, code, hsec_model_errmsg(m));
    for (size_t i = 0; parts[i]; i++)
        if (!strstr(hsec_model_errmsg(m), parts[i]))
            fail_msg("message \"%s\" does not name \"%s\"", hsec_model_errmsg(m), parts[i]);
    shape(m, &n1, &l1, &r1);
    assert_int_equal(n0, n1);
    assert_int_equal(l0, l1);
    assert_int_equal(r0, r1);
}

#define REFUSE(m, t, count, code, ...)                              \
    do {                                                            \
        const char *const parts_[] = {__VA_ARGS__, NULL};           \
        refuse((m), (t), (count), (code), parts_);                  \
    } while (0)

static void refusals(void **state)
{
    (void)state;
    hsec_model *m;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "east", NULL));
    OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east"));
    OK(hsec_model_add_link(m, "grid", "grid", 0.1, 0));
    static const char *const reg[3] = {"r1", "r1", "r2"};
    double z[9], y[3] = {50, 50, 50}, x[3] = {100, 100, 120};
    memcpy(z, Z3, sizeof z);
    hsec_io_table t = {.version = HSEC_IO_TABLE_VERSION, .n = 3, .z = z, .y = y, .k = 1,
                       .sectors = S3, .regions = reg};

    z[1 * 3 + 2] = -3; /* negative flow: row and column labels, value */
    REFUSE(m, &t, 0, HSEC_EINVAL, "Z[1][2]", "row r1:manufacturing", "column r2:services",
           "= -3 is negative");
    z[1 * 3 + 2] = NAN;
    REFUSE(m, &t, 0, HSEC_EINVAL, "Z[1][2]", "is not finite");
    z[1 * 3 + 2] = 15;
    y[2] = INFINITY;
    REFUSE(m, &t, 0, HSEC_EINVAL, "Y[2][0]", "r2:services", "not finite");
    y[2] = -70; /* x_2 = 70 - 70 = 0 with flows */
    REFUSE(m, &t, 0, HSEC_EINVAL, "sector 2 (r2:services)", "x = 0 is not > 0");
    y[2] = 50;

    t.y = NULL;
    t.x = x;
    x[0] = 15; /* below Z_01 = 20: demand coefficient 4/3 */
    REFUSE(m, &t, 0, HSEC_EINVAL, "coefficient 1.3333333333333333", "row r1:agriculture",
           "column r1:manufacturing", "= 20", "x = 15", "above 1");
    x[0] = -1;
    REFUSE(m, &t, 0, HSEC_EINVAL, "sector 0 (r1:agriculture)", "x = -1 is not > 0");
    x[0] = NAN;
    REFUSE(m, &t, 0, HSEC_EINVAL, "x[0] (r1:agriculture)", "not finite");
    x[0] = 100;
    x[2] = 35; /* supply: column 2 holds Z_22 = 40 > 35 */
    t.model = HSEC_IO_SUPPLY;
    REFUSE(m, &t, 0, HSEC_EINVAL, "coefficient", "row r2:services", "column r2:services",
           "above 1");
    x[2] = 120;

    t.y = y;
    REFUSE(m, &t, 0, HSEC_EINVAL, "either x", "not both");
    t.y = NULL;
    t.x = NULL;
    REFUSE(m, &t, 0, HSEC_EINVAL, "either x");
    t.x = x;
    t.n = 0;
    REFUSE(m, &t, 0, HSEC_EINVAL, "n is 0");
    t.n = 3;
    REFUSE(m, &t, 2, HSEC_EINVAL, "count 2 is not n (3)");
    t.min_weight = 1.5;
    REFUSE(m, &t, 0, HSEC_EINVAL, "min_weight 1.5");
    t.min_weight = 0;
    t.model = (hsec_io_model)7;
    REFUSE(m, &t, 0, HSEC_EINVAL, "model 7");
    t.model = HSEC_IO_DEMAND;
    t.version = 2;
    REFUSE(m, &t, 0, HSEC_EINVAL, "version 2");
    t.version = HSEC_IO_TABLE_VERSION;
    t.region = "east";
    REFUSE(m, &t, 0, HSEC_EINVAL, "has regions");
    t.regions = NULL;
    t.region = "grid";
    REFUSE(m, &t, 0, HSEC_EEXIST, "region \"grid\"", "service's");
    t.region = "bad id";
    REFUSE(m, &t, 0, HSEC_EINVAL, "region \"bad id\"");
    t.region = NULL;
    static const char *const bad[3] = {"a", NULL, "c"};
    t.sectors = bad;
    REFUSE(m, &t, 0, HSEC_EINVAL, "sectors[1] is NULL");
    static const char *const notutf8[3] = {"a", "b\xff", "c"};
    t.sectors = notutf8;
    REFUSE(m, &t, 0, HSEC_EINVAL, "sectors[1]: byte 1 is not UTF-8");
    t.sectors = S3;
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 5));
    REFUSE(m, &t, 0, HSEC_ELIMIT, "its 6 links", "HSEC_LIMIT_LINKS");
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 7));
    OK(hsec_model_add_io_table(NULL, NULL, 0, m, &t)); /* 1 + 6 links */
    assert_int_equal(hsec_model_add_io_table(NULL, NULL, 0, NULL, &t), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "the model is NULL"));
    REFUSE(m, NULL, 0, HSEC_EINVAL, "the table is NULL");
    hsec_model_free(m);
}

/* ---- out of memory: every failure leaves the model as it was */

static long budget = -1; /* allocations left; -1: no limit */
static long count_allocs;

static bool fails(void)
{
    count_allocs++;
    if (budget < 0)
        return false;
    return budget-- == 0;
}
static void *t_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return fails() ? NULL : malloc(size);
}
static void *t_realloc(void *opaque, void *p, size_t size)
{
    (void)opaque;
    return fails() ? NULL : realloc(p, size);
}
static void t_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}
static const hsec_allocator failing = {HSEC_ALLOCATOR_VERSION, t_alloc, t_realloc, t_free, NULL};

static void out_of_memory(void **state)
{
    (void)state;
    static const char *const reg[3] = {"r1", "r1", "r2"};
    hsec_io_table t = table3(HSEC_IO_DEMAND);
    t.regions = reg;
    int rc = HSEC_ENOMEM;
    long n;
    for (n = 0; rc == HSEC_ENOMEM && n < 10000; n++) {
        budget = -1;
        hsec_model *m;
        OK(hsec_model_new(&m, &failing));
        OK(hsec_model_add_region(m, "r1", NULL));
        OK(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, NULL));
        OK(hsec_model_add_link(m, "grid", "grid", 0.5, 0));
        const char *id[3];
        budget = n;
        rc = hsec_model_add_io_table(id, NULL, 3, m, &t);
        budget = -1;
        size_t nodes, links, regions;
        shape(m, &nodes, &links, &regions);
        if (rc == HSEC_ENOMEM) {
            assert_int_equal(nodes, 1);
            assert_int_equal(links, 1);
            assert_int_equal(regions, 1);
            /* the ids stay free for a second try */
            OK(hsec_model_add_io_table(id, NULL, 3, m, &t));
            assert_string_equal(id[2], "r2:services");
        } else {
            OK(rc);
            assert_int_equal(nodes, 4);
            assert_int_equal(links, 7);
            assert_int_equal(regions, 2);
        }
        hsec_model_free(m);
    }
    OK(rc);
    assert_true(n > 5); /* allocations did fail on the way */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(demand_coefficients),
        cmocka_unit_test(supply_coefficients),
        cmocka_unit_test(output_given),
        cmocka_unit_test(ids_sanitised_and_unique),
        cmocka_unit_test(multi_regional),
        cmocka_unit_test(zero_sectors_dropped),
        cmocka_unit_test(refusals),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
