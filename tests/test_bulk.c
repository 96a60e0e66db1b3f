/* Links in bulk (hsec_model_add_links, hsec_model_add_links_indexed): the
 * same compiled model as one call per link, every refusal named by the
 * link's index, and a scenario read from CBOR through the loader's columns
 * running to the same bits as the same document read from JSON. */
#include "util.h"

#include <math.h>
#include <unistd.h>

enum { GROUPS = 60, SERVICES = 25 };


/* A model of a few thousand links, templates too (some explicit links
 * replace template links), without its links: the same for every call. */
static hsec_model *skeleton(void)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "country", NULL));
    OK(hsec_model_add_region(m, "north", "country"));
    OK(hsec_model_add_region(m, "south", "country"));
    char id[32];
    for (int g = 0; g < GROUPS; g++) {
        snprintf(id, sizeof id, "g%d", g);
        OK(hsec_model_add_group(m, id, g % 2 ? "north" : "south", 100 + g));
    }
    for (int s = 0; s < SERVICES; s++) {
        snprintf(id, sizeof id, "s%d", s);
        OK(hsec_model_add_service(m, id, (hsec_service_kind)(s % HSEC_SERVICE_KIND_COUNT),
                                  s % 3 ? "north" : NULL));
    }
    OK(hsec_model_use_template(m, "dimensions"));
    OK(hsec_model_use_template(m, "services"));
    return m;
}

typedef struct links {
    size_t n;
    char (*from)[32], (*to)[32];
    double *w, *lag;
} links;

/* Links in no particular order: services to group dimensions, between
 * services, and between groups, lagged; no pair twice. */
static links make_links(void)
{
    links L = {0};
    size_t cap = 8000;
    L.from = calloc(cap, sizeof *L.from);
    L.to = calloc(cap, sizeof *L.to);
    L.w = calloc(cap, sizeof *L.w);
    L.lag = calloc(cap, sizeof *L.lag);
    uint64_t x = 12345;
    for (int s = 0; s < SERVICES; s++)
        for (int g = (s * 7) % GROUPS, k = 0; k < 40; k++, g = (g + 13) % GROUPS)
            for (int d = s % 2; d < 7; d += 2) { /* a pair the services template has, too */
                snprintf(L.from[L.n], 32, "s%d", s);
                snprintf(L.to[L.n], 32, "g%d.%s", g, dim_names[d]);
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                L.w[L.n] = (double)(x >> 40) / (double)(1ull << 24) * 0.2;
                L.lag[L.n++] = 0;
            }
    for (int s = 0; s + 1 < SERVICES; s++) {
        snprintf(L.from[L.n], 32, "s%d", s + 1);
        snprintf(L.to[L.n], 32, "s%d", s);
        L.w[L.n] = 0.25;
        L.lag[L.n++] = (double)(s % 3);
    }
    for (int g = 0; g < GROUPS; g++) {
        snprintf(L.from[L.n], 32, "g%d.personal", g);
        snprintf(L.to[L.n], 32, "g%d.community", (g + 1) % GROUPS);
        L.w[L.n] = 0.05;
        L.lag[L.n++] = 3;
        snprintf(L.from[L.n], 32, "g%d.health", g); /* a template pair, replaced */
        snprintf(L.to[L.n], 32, "g%d.economic", g);
        L.w[L.n] = 0.125;
        L.lag[L.n++] = 0;
    }
    snprintf(L.from[L.n], 32, "s3");
    snprintf(L.to[L.n], 32, "s3");
    L.w[L.n] = 0.5; /* a self-link */
    L.lag[L.n++] = 0;
    assert_true(L.n > 3000 && L.n <= cap);
    return L;
}

static void free_links(links *L)
{
    free(L->from);
    free(L->to);
    free(L->w);
    free(L->lag);
}

/* The compiled model's links and parameters as bytes. */
static unsigned char *csr_bytes(const hsec_compiled *c, size_t *len)
{
    size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
    size_t bytes = (n + 1 + 3 * nnz) * 8 + HSEC_PARAM_COUNT * n * 8;
    unsigned char *b = calloc(1, bytes);
    size_t *rowp = (size_t *)b, *from = rowp + n + 1;
    double *w = (double *)(from + nnz);
    uint64_t *lag = (uint64_t *)(w + nnz);
    double *p = (double *)(lag + nnz);
    OK(hsec_compiled_links(rowp, from, w, lag, nnz, c));
    for (int k = 0; k < HSEC_PARAM_COUNT; k++)
        OK(hsec_compiled_params(p + (size_t)k * n, n, c, (hsec_param)k));
    *len = bytes;
    return b;
}

static void test_bulk_same_as_one_by_one(void **state)
{
    (void)state;
    links L = make_links();
    const char **from = calloc(L.n, sizeof *from), **to = calloc(L.n, sizeof *to);
    for (size_t i = 0; i < L.n; i++) {
        from[i] = L.from[i];
        to[i] = L.to[i];
    }
    /* one by one */
    hsec_model *m1 = skeleton();
    for (size_t i = 0; i < L.n; i++)
        OK(hsec_model_add_link(m1, from[i], to[i], L.w[i], L.lag[i]));
    /* by name, in two batches */
    hsec_model *m2 = skeleton();
    OK(hsec_model_add_links(m2, from, to, L.w, L.lag, 1000));
    OK(hsec_model_add_links(m2, from + 1000, to + 1000, L.w + 1000, L.lag + 1000, L.n - 1000));
    /* by index into a table of names (with names no link uses), in two
     * batches, each with its table */
    hsec_model *m3 = skeleton();
    const char **names = calloc(2 * L.n + 1, sizeof *names);
    uint32_t *fi = calloc(L.n, sizeof *fi), *ti = calloc(L.n, sizeof *ti);
    size_t nn = 0;
    names[nn++] = "not a node name, and never used";
    for (size_t i = 0; i < L.n; i++) {
        size_t k;
        for (k = 1; k < nn && strcmp(names[k], from[i]); k++)
            ;
        if (k == nn)
            names[nn++] = from[i];
        fi[i] = (uint32_t)k;
        for (k = 1; k < nn && strcmp(names[k], to[i]); k++)
            ;
        if (k == nn)
            names[nn++] = to[i];
        ti[i] = (uint32_t)k;
    }
    OK(hsec_model_add_links_indexed(m3, names, nn, fi, ti, L.w, L.lag, 2000));
    OK(hsec_model_add_links_indexed(m3, names, nn, fi + 2000, ti + 2000, L.w + 2000,
                                    L.lag + 2000, L.n - 2000));
    hsec_compiled *c1 = NULL, *c2 = NULL, *c3 = NULL;
    OK(hsec_model_compile(&c1, m1));
    OK(hsec_model_compile(&c2, m2));
    OK(hsec_model_compile(&c3, m3));
    size_t n1, n2, n3;
    unsigned char *b1 = csr_bytes(c1, &n1), *b2 = csr_bytes(c2, &n2), *b3 = csr_bytes(c3, &n3);
    assert_true(n1 == n2 && n1 == n3);
    assert_memory_equal(b1, b2, n1);
    assert_memory_equal(b1, b3, n1);
    /* the rows by target, each by source, templates replaced by explicit links */
    size_t n = hsec_compiled_node_count(c1), nnz = hsec_compiled_link_count(c1);
    const size_t *rowp = (const size_t *)b1, *col = rowp + n + 1;
    for (size_t i = 0; i < n; i++)
        for (size_t e = rowp[i] + 1; e < rowp[i + 1]; e++)
            assert_true(col[e - 1] < col[e]);
    assert_int_equal(rowp[n], nnz);
    size_t h = 0, e0 = 0;
    OK(hsec_compiled_find_node(&h, c1, "g5.economic"));
    OK(hsec_compiled_find_node(&e0, c1, "g5.health"));
    for (size_t e = rowp[h]; e < rowp[h + 1]; e++)
        if (col[e] == e0)
            assert_true(((const double *)(col + nnz))[e] == 0.125);
    free(b1);
    free(b2);
    free(b3);
    hsec_compiled_free(c1);
    hsec_compiled_free(c2);
    hsec_compiled_free(c3);
    hsec_model_free(m1);
    hsec_model_free(m2);
    hsec_model_free(m3);
    free(names);
    free(fi);
    free(ti);
    free(from);
    free(to);
    free_links(&L);
}

#define MFAIL(expr, code, frag)                       \
    do {                                              \
        assert_int_equal((expr), (code));             \
        HAS(hsec_model_errmsg(m), frag);              \
    } while (0)

static void test_bulk_refusals(void **state)
{
    (void)state;
    hsec_model *m = skeleton();
    const char *from[3] = {"s1", "s2", "g1.food"}, *to[3] = {"g1.health", "s1", "g2.food"};
    double w[3] = {0.1, 0.2, 0.3}, lag[3] = {0, 1, 2};
    /* count 0 adds nothing, whatever the arrays */
    OK(hsec_model_add_links(m, NULL, NULL, NULL, NULL, 0));
    OK(hsec_model_add_links_indexed(m, NULL, 0, NULL, NULL, NULL, NULL, 0));
    /* NULL arrays */
    assert_int_equal(hsec_model_add_links(NULL, from, to, w, lag, 3), HSEC_EINVAL);
    HAS(hsec_last_errmsg(), "the model is NULL");
    MFAIL(hsec_model_add_links(m, NULL, to, w, lag, 3), HSEC_EINVAL, "from is NULL");
    MFAIL(hsec_model_add_links(m, from, NULL, w, lag, 3), HSEC_EINVAL, "to is NULL");
    MFAIL(hsec_model_add_links(m, from, to, NULL, lag, 3), HSEC_EINVAL, "weight is NULL");
    uint32_t fi[3] = {0, 1, 2}, ti[3] = {3, 0, 4};
    const char *names[5] = {"s1", "s2", "g1.food", "g1.health", "g2.food"};
    MFAIL(hsec_model_add_links_indexed(m, NULL, 5, fi, ti, w, lag, 3), HSEC_EINVAL,
          "names is NULL");
    MFAIL(hsec_model_add_links_indexed(m, names, 5, fi, NULL, w, lag, 3), HSEC_EINVAL,
          "to is NULL");
    /* each check of hsec_model_add_link, named by the link's index */
    double bad_w[3] = {0.1, -0.2, 0.3};
    MFAIL(hsec_model_add_links(m, from, to, bad_w, lag, 3), HSEC_EINVAL,
          "links[1]: link s2 -> s1: weight -0.20000000000000001 is not in [0,1]");
    bad_w[1] = NAN;
    MFAIL(hsec_model_add_links(m, from, to, bad_w, lag, 3), HSEC_EINVAL,
          "links[1]: link s2 -> s1: weight nan is not in [0,1]");
    bad_w[1] = 1.5;
    MFAIL(hsec_model_add_links_indexed(m, names, 5, fi, ti, bad_w, lag, 3), HSEC_EINVAL,
          "links[1]: link s2 -> s1: weight 1.5 is not in [0,1]");
    double bad_lag[3] = {0, 0, 2.5};
    MFAIL(hsec_model_add_links(m, from, to, w, bad_lag, 3), HSEC_EINVAL,
          "links[2]: link g1.food -> g2.food: lag 2.5 is not a whole number in [0,10000000]");
    bad_lag[2] = 1e8;
    MFAIL(hsec_model_add_links_indexed(m, names, 5, fi, ti, w, bad_lag, 3), HSEC_EINVAL,
          "links[2]: link g1.food -> g2.food: lag 100000000 is not a whole number");
    const char *bad_from[3] = {"s1", "s 2", "g1.food"};
    MFAIL(hsec_model_add_links(m, bad_from, to, w, lag, 3), HSEC_EINVAL,
          "links[1]: link from \"s 2\": not a node name");
    const char *bad_to[3] = {"s1", "s2", NULL};
    MFAIL(hsec_model_add_links(m, from, bad_to, w, lag, 3), HSEC_EINVAL,
          "links[2]: link to \"(null)\": not a node name");
    const char *bad_names[5] = {"s1", "s2", "g1.food", "g1.wealth", "g2.food"};
    MFAIL(hsec_model_add_links_indexed(m, bad_names, 5, fi, ti, w, lag, 3), HSEC_EINVAL,
          "links[0]: link to \"g1.wealth\": not a node name");
    uint32_t far[3] = {0, 1, 5};
    MFAIL(hsec_model_add_links_indexed(m, names, 5, fi, far, w, lag, 3), HSEC_EINVAL,
          "links[2]: to 5 is not an index of the 5 names");
    MFAIL(hsec_model_add_links_indexed(m, names, 5, far, ti, w, lag, 3), HSEC_EINVAL,
          "links[2]: from 5 is not an index of the 5 names");
    /* nothing of a refused batch was added: the model compiles as it was */
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    size_t base = hsec_compiled_link_count(c);
    hsec_compiled_free(c);
    /* the limit on links written, before anything is allocated */
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 2));
    MFAIL(hsec_model_add_links(m, from, to, w, lag, 3), HSEC_ELIMIT,
          "3 more links would make 3 written, more than the limit of 2 (HSEC_LIMIT_LINKS)");
    MFAIL(hsec_model_add_links_indexed(m, names, 5, fi, ti, w, lag, 3), HSEC_ELIMIT,
          "(HSEC_LIMIT_LINKS)");
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 1000000));
    /* the model stays usable: a good batch goes in */
    OK(hsec_model_add_links_indexed(m, names, 5, fi, ti, w, lag, 3));
    OK(hsec_model_compile(&c, m));
    assert_true(hsec_compiled_link_count(c) >= base);
    hsec_compiled_free(c);
    /* with templates, compile checks the limit on every link as before */
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 4));
    MFAIL(hsec_model_compile(&c, m), HSEC_ELIMIT, "(HSEC_LIMIT_LINKS)");
    OK(hsec_model_set_limit(m, HSEC_LIMIT_LINKS, 1000000));
    /* names that are no node, and links given twice, are found by compile */
    const char *ghost[1] = {"s99"}, *one[1] = {"s1"};
    double w1[1] = {0.5};
    OK(hsec_model_add_links(m, ghost, one, w1, NULL, 1));
    MFAIL(hsec_model_compile(&c, m), HSEC_ENOTFOUND,
          "link 3 (s99 -> s1): from \"s99\" is not a node");
    hsec_model_free(m);
    m = skeleton();
    OK(hsec_model_add_links(m, from, to, w, lag, 3));
    uint32_t f1[1] = {1}, t1[1] = {0};
    OK(hsec_model_add_links_indexed(m, names, 5, f1, t1, w1, NULL, 1));
    MFAIL(hsec_model_compile(&c, m), HSEC_EEXIST, "links 1 and 3 both join s2 -> s1");
    hsec_model_free(m);
}

/* A scenario document of the model above, with threats and a run. */
static char *scenario_json(void)
{
    links L = make_links();
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t + n, cap - n,
                          "{\"hsec\": 1, \"regions\": [{\"id\": \"country\"}, {\"id\": \"north\", "
                          "\"parent\": \"country\"}, {\"id\": \"south\", \"parent\": "
                          "\"country\"}], \"groups\": [");
    /* groups of every shape a CBOR reader takes into columns (a
     * vulnerability for all dimensions, for some, none; a recovery rate or
     * none; keys in any order), and some it keeps as trees (another key, a
     * recovery by dimension), among them */
    static const char *const vuln[] = {
        "", ", \"vulnerability\": 1.25",
        ", \"vulnerability\": {\"health\": 1.4, \"food\": 0.75}",
        (", \"vulnerability\": {\"political\": 0.5, \"economic\": 1.1, \"food\": 1, "
         "\"health\": 1.2, \"personal\": 0.9, \"community\": 0.8, \"environmental\": 1.3}")};
    for (int g = 0; g < GROUPS; g++) {
        char rec[64] = "";
        if (g % 5 == 4)
            snprintf(rec, sizeof rec, ", \"recovery\": {\"food\": 0.%d5}", g % 9 + 1);
        else if (g % 5 != 3)
            snprintf(rec, sizeof rec, ", \"recovery\": 0.%d5", g % 9 + 1);
        if (g % 3 == 1) /* the id last */
            n += (size_t)snprintf(t + n, cap - n,
                                  "%s{\"size\": %d, \"region\": \"%s\"%s%s, \"id\": \"g%d\"}",
                                  g ? ", " : "", 100 + g, g % 2 ? "north" : "south", rec,
                                  vuln[g % 4], g);
        else
            n += (size_t)snprintf(t + n, cap - n,
                                  "%s{\"id\": \"g%d\", \"region\": \"%s\", \"size\": %d%s%s%s}",
                                  g ? ", " : "", g, g % 2 ? "north" : "south", 100 + g,
                                  vuln[g % 4], rec, g % 7 == 6 ? ", \"onset\": 0.5" : "");
    }
    n += (size_t)snprintf(t + n, cap - n, "], \"services\": [");
    for (int s = 0; s < SERVICES; s++)
        n += (size_t)snprintf(t + n, cap - n, "%s{\"id\": \"s%d\", \"kind\": \"%s\"%s}",
                              s ? ", " : "", s,
                              hsec_enum_name(HSEC_ENUM_SERVICE_KIND, s % HSEC_SERVICE_KIND_COUNT),
                              s % 3 ? ", \"region\": \"north\"" : "");
    n += (size_t)snprintf(t + n, cap - n, "], \"templates\": [\"dimensions\", \"services\"], "
                          "\"links\": [");
    for (size_t i = 0; i < L.n; i++) /* some with an extension, a lag given as 0 */
        n += (size_t)snprintf(t + n, cap - n,
                              "%s{\"from\": \"%s\", \"to\": \"%s\", \"weight\": %.17g%s%s}",
                              i ? ", " : "", L.from[i], L.to[i], L.w[i],
                              L.lag[i] != 0 || i % 5 == 0 ? ", \"lag\": " : "",
                              L.lag[i] != 0 ? (L.lag[i] == 1 ? "1" : L.lag[i] == 2 ? "2" : "3")
                              : i % 5 == 0 ? "0" : "");
    n += (size_t)snprintf(t + n, cap - n,
                          ", {\"from\": \"s0\", \"to\": \"s24\", \"weight\": 0.125, \"x-note\": "
                          "{\"why\": [1, 2]}}], \"threats\": [{\"id\": \"strike\", \"targets\": "
                          "[{\"node\": \"s0\", \"magnitude\": 0.7}, {\"node\": \"s4\", "
                          "\"magnitude\": 0.4}]}], \"run\": {\"mode\": \"dynamic\", \"steps\": "
                          "12}}");
    assert_true(n < cap - 1);
    free_links(&L);
    return t;
}

static hsec_result *run_of(hsec_loader *l, const char *path, hsec_scenario **s)
{
    if (hsec_loader_load_file(s, l, path))
        fail_msg("%s: %s", path, hsec_loader_errmsg(l));
    hsec_result *r = NULL;
    OK(hsec_scenario_run(&r, *s));
    return r;
}

static void test_cbor_columns_same_as_json(void **state)
{
    (void)state;
    char dir[] = "/tmp/hsec-bulk-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char json[64], cbor[64], zc[64];
    snprintf(json, sizeof json, "%s/s.json", dir);
    snprintf(cbor, sizeof cbor, "%s/s.cbor", dir);
    snprintf(zc, sizeof zc, "%s/s.hsecz", dir);
    char *text = scenario_json();
    OK(hsec_write_file(json, text, strlen(text)));
    free(text);
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    OK(hsec_loader_convert_file(l, json, cbor, HSEC_FORMAT_CBOR));
    OK(hsec_loader_convert_file(l, json, zc, HSEC_FORMAT_CONTAINER_ZLIB));
    hsec_scenario *s1 = NULL, *s2 = NULL, *s3 = NULL;
    hsec_result *r1 = run_of(l, json, &s1), *r2 = run_of(l, cbor, &s2), *r3 = run_of(l, zc, &s3);
    size_t n = hsec_result_node_count(r1);
    assert_int_equal(hsec_result_node_count(r2), n);
    assert_int_equal(hsec_result_node_count(r3), n);
    assert_memory_equal(hsec_result_q(r1), hsec_result_q(r2), n * sizeof(double));
    assert_memory_equal(hsec_result_q(r1), hsec_result_q(r3), n * sizeof(double));
    size_t b1, b2;
    unsigned char *c1 = csr_bytes(hsec_scenario_compiled(s1), &b1);
    unsigned char *c2 = csr_bytes(hsec_scenario_compiled(s3), &b2);
    assert_int_equal(b1, b2);
    assert_memory_equal(c1, c2, b1);
    free(c1);
    free(c2);
    /* and the scenario as saved (every link explicit) loads to the same */
    char saved[64];
    snprintf(saved, sizeof saved, "%s/saved.hsecz", dir);
    OK(hsec_doc_save_scenario(saved, s1, HSEC_FORMAT_CONTAINER_ZLIB));
    hsec_scenario *s4 = NULL;
    hsec_result *r4 = run_of(l, saved, &s4);
    assert_memory_equal(hsec_result_q(r1), hsec_result_q(r4), n * sizeof(double));
    hsec_result_free(r1);
    hsec_result_free(r2);
    hsec_result_free(r3);
    hsec_result_free(r4);
    hsec_scenario_free(s1);
    hsec_scenario_free(s2);
    hsec_scenario_free(s3);
    hsec_scenario_free(s4);
    hsec_loader_free(l);
    remove(json);
    remove(cbor);
    remove(zc);
    remove(saved);
    rmdir(dir);
}

/* A document's faults in its groups say the same from CBOR, whether the
 * reader took the group into columns or kept it as a tree, as from JSON. */
static void test_cbor_groups_messages_as_json(void **state)
{
    (void)state;
    static const char *const groups[] = {
        "{\"id\": \"g\", \"region\": \"nowhere\", \"size\": 10}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": -3}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10}, {\"id\": \"g\", \"region\": "
        "\"r\", \"size\": 5}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"vulnerability\": -1}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"vulnerability\": {\"food\": "
        "1, \"health\": -2}}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"vulnerability\": {\"fod\": 1}}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"recovery\": 7}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"recovery\": -0.5, "
        "\"vulnerability\": 3}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"recovery\": \"fast\"}",
        "{\"id\": \"g\", \"region\": \"r\"}",
        "{\"id\": \"g h\", \"region\": \"r\", \"size\": 10}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10, \"sise\": 1}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10}, 7, {\"id\": \"h\", \"region\": "
        "\"nowhere\", \"size\": 1}",
        "{\"id\": \"g\", \"region\": \"r\", \"size\": 10}, {\"id\": \"h\", \"region\": "
        "\"nowhere\", \"size\": 1}, [1]",
    };
    char dir[] = "/tmp/hsec-groups-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char json[64], cbor[64];
    snprintf(json, sizeof json, "%s/g.json", dir);
    snprintf(cbor, sizeof cbor, "%s/g.hsecz", dir);
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
        char doc[1024], want[HSEC_ERRMSG_MAX];
        snprintf(doc, sizeof doc,
                 "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], \"groups\": [%s]}", groups[i]);
        OK(hsec_write_file(json, doc, strlen(doc)));
        OK(hsec_loader_convert_file(l, json, cbor, HSEC_FORMAT_CONTAINER_ZLIB));
        hsec_scenario *s = NULL;
        int rc = hsec_loader_load_file(&s, l, json);
        assert_int_not_equal(rc, HSEC_OK);
        /* (each message starts with its file's name) */
        assert_int_equal(strncmp(hsec_loader_errmsg(l), json, strlen(json)), 0);
        snprintf(want, sizeof want, "%s", hsec_loader_errmsg(l) + strlen(json));
        assert_int_equal(hsec_loader_load_file(&s, l, cbor), rc);
        assert_null(s);
        assert_int_equal(strncmp(hsec_loader_errmsg(l), cbor, strlen(cbor)), 0);
        if (strcmp(hsec_loader_errmsg(l) + strlen(cbor), want) != 0)
            fail_msg("groups %zu: from CBOR \"%s\", from JSON \"%s\"", i,
                     hsec_loader_errmsg(l), want);
    }
    hsec_loader_free(l);
    remove(json);
    remove(cbor);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bulk_same_as_one_by_one),
        cmocka_unit_test(test_bulk_refusals),
        cmocka_unit_test(test_cbor_columns_same_as_json),
        cmocka_unit_test(test_cbor_groups_messages_as_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
