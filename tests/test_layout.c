/*
 * The compiled model's inner layout, which the sweeps rely on for their
 * speed and which no public call shows: read through the static library.
 *
 * A dynamic step goes through the nodes in order and writes each lagged
 * link's source into its history class at the source's place in the
 * class; those places must follow node order, so that the writes of a
 * step go through each class's slot in order rather than all over it.
 */
#include "util.h"

#include "model.h"

/* Services s0 .. s(n-1) (numbered in that order inside: national
 * services by id), where s(k) reads s(n-1-k) with a lag of 1 + k % 3, and
 * every other one also reads its neighbour without a lag: the readers
 * name their sources in the reverse of the sources' order. */
static hsec_compiled *reversed_readers(size_t n)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    char a[32], b[32];
    for (size_t k = 0; k < n; k++) {
        snprintf(a, sizeof a, "s%zu", k);
        OK(hsec_model_add_service(m, a, HSEC_SERVICE_ENERGY, NULL));
    }
    for (size_t k = 0; k < n; k++) {
        snprintf(a, sizeof a, "s%zu", n - 1 - k);
        snprintf(b, sizeof b, "s%zu", k);
        OK(hsec_model_add_link(m, a, b, 0.1, (double)(1 + k % 3)));
        if (k % 2 && k + 1 < n && k + 1 != n - 1 - k) {
            snprintf(a, sizeof a, "s%zu", k + 1);
            OK(hsec_model_add_link(m, a, b, 0.1, 0));
        }
    }
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    return c;
}

static void test_history_in_node_order(void **state)
{
    (void)state;
    const size_t n = 40;
    hsec_compiled *c = reversed_readers(n);
    assert_int_equal(c->n, n);
    /* node k is s(k): inside, national services come by id */
    for (size_t k = 0; k < n; k++) {
        char id[32];
        snprintf(id, sizeof id, "s%zu", k);
        assert_string_equal(c->names[k], id);
    }
    /* every node is a lagged source here, numbered in node order */
    assert_int_equal(c->nlagsrc, n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(c->hidx[i], i);
    /* three classes (lags 1, 2, 3); within each, places in node order */
    assert_int_equal(c->ndepth, 3);
    uint32_t next[3] = {0, 0, 0};
    for (size_t h = 0; h < c->nlagsrc; h++) {
        uint32_t k = c->hcls[h];
        assert_true(k < 3);
        assert_int_equal(c->hpos[h], next[k]++);
    }
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(next[k], c->depth[k].count);
    /* s(j)'s longest lag is that of its one lagged reader, s(n-1-j) */
    for (size_t j = 0; j < n; j++)
        assert_int_equal(c->depth[c->hcls[c->hidx[j]]].lag, 1 + (n - 1 - j) % 3);
    hsec_compiled_free(c);
}

/* Nodes that no lagged link reads keep no history, and the numbers of
 * those that do still follow node order around them. */
static void test_history_skips_unlagged(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    const char *ids[] = {"a", "b", "c", "d", "e"};
    for (size_t k = 0; k < 5; k++)
        OK(hsec_model_add_service(m, ids[k], HSEC_SERVICE_WATER, NULL));
    OK(hsec_model_add_link(m, "d", "a", 0.2, 2)); /* a reads d, lagged */
    OK(hsec_model_add_link(m, "b", "a", 0.2, 0)); /* a reads b, not lagged */
    OK(hsec_model_add_link(m, "b", "e", 0.2, 5)); /* e reads b, lagged */
    hsec_compiled *c = NULL;
    OK(hsec_model_compile(&c, m));
    hsec_model_free(m);
    assert_int_equal(c->nlagsrc, 2);
    assert_int_equal(c->hidx[0], HX_NONE); /* a */
    assert_int_equal(c->hidx[1], 0);       /* b, though d was named first */
    assert_int_equal(c->hidx[2], HX_NONE); /* c */
    assert_int_equal(c->hidx[3], 1);       /* d */
    assert_int_equal(c->hidx[4], HX_NONE); /* e */
    hsec_compiled_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_history_in_node_order),
        cmocka_unit_test(test_history_skips_unlagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
