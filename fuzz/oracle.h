/* Oracles shared by the fuzz targets: a failed one aborts, which the fuzzer
 * reports as a crash. */
#ifndef HSEC_FUZZ_ORACLE_H
#define HSEC_FUZZ_ORACLE_H

#include "doc/doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORACLE(cond)                                                            \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "oracle failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* The default allocator, and small limits so that no input takes long. */
static inline void fuzz_init(hsec_allocator *a, hd_limits *lim)
{
    (void)hsec_default_allocator(a);
    hd_default_limits(lim);
    lim->nodes = 2000;
    lim->links = 20000;
    lim->size = 1 << 20;
    lim->string = 4096;
}

/* The number i of a typed array, or of an array of numbers (JSON's form of
 * a typed array). */
static inline bool num_at(const hd *d, size_t i, double *x)
{
    if (d->t == HD_NUMS) {
        *x = d->nums[i];
        return true;
    }
    if (d->items[i]->t != HD_NUM)
        return false;
    *x = d->items[i]->num;
    return true;
}

/* Two trees hold the same values: every double to the bit, every string
 * and key (in any order); a typed array equals an array of the same
 * numbers. */
static inline bool tree_same(const hd *a, const hd *b)
{
    if (a->t == HD_NUMS || b->t == HD_NUMS) {
        if ((a->t != HD_NUMS && a->t != HD_ARR) || (b->t != HD_NUMS && b->t != HD_ARR) ||
            a->n != b->n)
            return false;
        for (size_t i = 0; i < a->n; i++) {
            double x, y;
            if (!num_at(a, i, &x) || !num_at(b, i, &y) || memcmp(&x, &y, sizeof x) != 0)
                return false;
        }
        return true;
    }
    if (a->t != b->t || a->n != b->n)
        return false;
    switch (a->t) {
    case HD_NULL: return true;
    case HD_BOOL: return a->b == b->b;
    case HD_NUM: return memcmp(&a->num, &b->num, sizeof a->num) == 0;
    case HD_STR: return strcmp(a->str, b->str) == 0;
    case HD_ARR:
        for (size_t i = 0; i < a->n; i++)
            if (!tree_same(a->items[i], b->items[i]))
                return false;
        return true;
    case HD_OBJ:
        for (size_t i = 0; i < a->n; i++) {
            const hd *v = hd_get(b, a->keys[i]);
            if (!v || !tree_same(a->items[i], v))
                return false;
        }
        return true;
    default: return false;
    }
}

/* encode -> decode -> encode gives the same bytes, and decode gives the
 * same values (every integer, every double). */
static inline void check_cbor_identity(const hsec_allocator *a, const hd *tree,
                                       const hd_limits *lim)
{
    unsigned char *c1 = NULL, *c2 = NULL;
    size_t n1 = 0, n2 = 0;
    char msg[HSEC_ERRMSG_MAX];
    if (hd_to_cbor(&c1, &n1, a, tree))
        return;
    hd *again = NULL;
    int rc = hd_from_cbor(&again, a, c1, n1, lim, msg);
    /* what we encoded we read back, unless it breaks a limit (depth, strings) */
    if (rc == HSEC_OK) {
        ORACLE(tree_same(tree, again));
        ORACLE(hd_to_cbor(&c2, &n2, a, again) == HSEC_OK);
        ORACLE(n1 == n2 && memcmp(c1, c2, n1) == 0);
    } else {
        ORACLE(rc == HSEC_EFORMAT && (strstr(msg, "deeper") || strstr(msg, "string of")));
    }
    hd_free(a, again);
    hd_release(a, c1);
    hd_release(a, c2);
}

/* A tree of finite numbers goes to JSON and back with every value kept (a
 * NaN or an infinity has no JSON: written as null). The JSON writer fails
 * for memory alone. */
static inline void check_json_identity(const hsec_allocator *a, const hd *tree,
                                       const hd_limits *lim)
{
    char path[160] = "", msg[HSEC_ERRMSG_MAX];
    double x;
    if (hd_find_nonfinite(tree, path, sizeof path, 0, &x))
        return;
    char *text = NULL;
    size_t n = 0;
    int rc = hd_to_json(&text, &n, tree, a);
    ORACLE(rc == HSEC_OK || rc == HSEC_ENOMEM);
    if (rc)
        return;
    hd *again = NULL;
    rc = hd_from_json(&again, a, text, n, lim, msg);
    if (rc == HSEC_OK)
        ORACLE(tree_same(tree, again));
    else
        ORACLE(rc == HSEC_EFORMAT && (strstr(msg, "deeper") || strstr(msg, "longer")));
    hd_free(a, again);
    hsec_free_string(text);
}

/* Run a scenario twice, kept small: the same code, and when it succeeds
 * the same finite numbers to the bit; a failure says why. */
static inline void run_twice(hsec_scenario *s)
{
    double steps = 0, iters = 0;
    hsec_scenario_get_option(&steps, s, HSEC_OPT_STEPS);
    hsec_scenario_get_option(&iters, s, HSEC_OPT_MAX_ITERATIONS);
    if (steps > 64)
        hsec_scenario_set_option(s, HSEC_OPT_STEPS, 64);
    if (iters > 2000)
        hsec_scenario_set_option(s, HSEC_OPT_MAX_ITERATIONS, 2000);
    hsec_result *r1 = NULL, *r2 = NULL;
    int rc1 = hsec_scenario_run(&r1, s), rc2 = hsec_scenario_run(&r2, s);
    ORACLE(rc1 == rc2);
    if (rc1 == HSEC_OK) {
        size_t n = hsec_result_node_count(r1);
        ORACLE(memcmp(hsec_result_q(r1), hsec_result_q(r2), n * sizeof(double)) == 0);
        for (size_t i = 0; i < n; i++)
            ORACLE(isfinite(hsec_result_q(r1)[i]));
        double t1, t2;
        hsec_result_burden(&t1, r1, HSEC_BURDEN_TOTAL, 0);
        hsec_result_burden(&t2, r2, HSEC_BURDEN_TOTAL, 0);
        ORACLE(memcmp(&t1, &t2, sizeof t1) == 0);
        /* written, or refused for a figure that overflows a double, named */
        char *json = NULL;
        int rc = hsec_doc_results_json(&json, NULL, r1, s);
        const char *why = hsec_last_errmsg();
        ORACLE(rc == HSEC_OK ||
               (rc == HSEC_EINVAL && strncmp(why, "results: ", 9) == 0 &&
                (strstr(why, " is inf") || strstr(why, " is -inf") || strstr(why, " is nan"))));
        hsec_free_string(json);
    } else {
        ORACLE(hsec_scenario_errmsg(s)[0] != '\0');
    }
    hsec_result_free(r1);
    hsec_result_free(r2);
}

/* Load a tree; if it is a scenario, run it twice. */
static inline void check_runs(const hsec_allocator *a, const hd *tree, const hd_limits *lim)
{
    char msg[HSEC_ERRMSG_MAX];
    hsec_scenario *s = NULL;
    if (hd_load_tree(&s, tree, a, lim, msg) != HSEC_OK) {
        ORACLE(msg[0] != '\0'); /* every refusal says why */
        return;
    }
    run_twice(s);
    hsec_scenario_free(s);
}

/* Two scenarios' models have the same links and every node's same
 * parameters. */
static inline void same_model(const hsec_scenario *x, const hsec_scenario *y)
{
    const hsec_compiled *a = hsec_scenario_compiled(x), *b = hsec_scenario_compiled(y);
    size_t n = hsec_compiled_node_count(a), nnz = hsec_compiled_link_count(a);
    ORACLE(hsec_compiled_node_count(b) == n && hsec_compiled_link_count(b) == nnz);
    size_t words = (n + 1) + 3 * nnz + (size_t)HSEC_PARAM_COUNT * n;
    uint64_t *u = calloc(2 * words + 2, sizeof *u);
    ORACLE(u != NULL);
    for (int k = 0; k < 2; k++) {
        const hsec_compiled *c = k ? b : a;
        uint64_t *w = u + (size_t)k * (words + 1);
        size_t *rowp = (size_t *)w, *from = rowp + n + 1;
        double *wt = (double *)(from + nnz), *p = (double *)(wt + 2 * nnz);
        uint64_t *lag = (uint64_t *)(wt + nnz);
        ORACLE(hsec_compiled_links(rowp, from, wt, lag, nnz, c) == HSEC_OK);
        for (int q = 0; q < HSEC_PARAM_COUNT; q++)
            ORACLE(hsec_compiled_params(p + (size_t)q * n, n, c, (hsec_param)q) == HSEC_OK);
    }
    ORACLE(memcmp(u, u + words + 1, words * sizeof *u) == 0);
    free(u);
}

/* The loader's reader (hd_from_cbor_links), which takes plain links and
 * groups into columns, refuses what the tree reader refused (rc, why) with
 * the same message, and what it reads loads as the tree loads: to the same
 * refusal, or to the same model. */
static inline void check_columns(const hsec_allocator *a, const unsigned char *data, size_t size,
                                 const hd_limits *lim, int rc, const char *why, const hd *tree)
{
    char msg[HSEC_ERRMSG_MAX], m1[HSEC_ERRMSG_MAX], m2[HSEC_ERRMSG_MAX];
    hd *cols = NULL;
    int rc2 = hd_from_cbor_links(&cols, a, data, size, lim, msg);
    if (rc2 != rc || (rc && strcmp(msg, why) != 0))
        fprintf(stderr, "plain reader: %d (%s); columns: %d (%s)\n", rc, rc ? why : "",
                rc2, rc2 ? msg : "");
    ORACLE(rc2 == rc);
    if (rc) {
        ORACLE(strcmp(msg, why) == 0);
        return;
    }
    hsec_scenario *s1 = NULL, *s2 = NULL;
    int l1 = hd_load_tree(&s1, tree, a, lim, m1), l2 = hd_load_tree(&s2, cols, a, lim, m2);
    ORACLE(l1 == l2);
    if (l1)
        ORACLE(strcmp(m1, m2) == 0);
    else
        same_model(s1, s2);
    hsec_scenario_free(s1);
    hsec_scenario_free(s2);
    hd_free(a, cols);
}

#endif
