/* Helpers shared by the cmocka tests. */
#ifndef HSEC_TEST_UTIL_H
#define HSEC_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsec.h"

#define OK(expr) assert_int_equal((expr), HSEC_OK)

/* |a - b| <= tol (1 + |b|), with a message naming both. */
#define NEAR(a, b, tol)                                                              \
    do {                                                                             \
        double a_ = (a), b_ = (b);                                                   \
        if (!(fabs(a_ - b_) <= (tol) * (1 + fabs(b_)))) {                            \
            fail_msg("%s = %.17g, expected %.17g (tol %g)", #a, a_, b_, (double)(tol)); \
        }                                                                            \
    } while (0)

/* A whole file, NUL-terminated (the terminator not counted in *len). */
static inline unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = (unsigned char *)malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* The dimensions' names, in the order of hsec_dimension (a group's nodes
 * are "<group>.<name>"). */
static const char *const dim_names[HSEC_DIM_COUNT] = {
    "economic", "food", "health", "environmental", "personal", "community", "political"};

static inline size_t node_of(const hsec_scenario *s, const char *name)
{
    size_t i = (size_t)-1;
    assert_int_equal(hsec_compiled_find_node(&i, hsec_scenario_compiled(s), name), HSEC_OK);
    return i;
}

static inline double q_of(const hsec_result *r, const hsec_scenario *s, const char *name)
{
    return hsec_result_q(r)[node_of(s, name)];
}

static inline double burden_of(const hsec_result *r, hsec_burden part, size_t i)
{
    double x = NAN;
    OK(hsec_result_burden(&x, r, part, i));
    return x;
}

/* Compile m into a scenario (m is freed). */
static inline hsec_scenario *scenario_of(hsec_model *m)
{
    hsec_compiled *c = NULL;
    int rc = hsec_model_compile(&c, m);
    if (rc)
        fail_msg("compile: %s", hsec_model_errmsg(m));
    hsec_model_free(m);
    hsec_scenario *s = NULL;
    OK(hsec_scenario_new(&s, c));
    hsec_compiled_free(c);
    return s;
}

static inline hsec_result *run_ok(hsec_scenario *s)
{
    hsec_result *r = NULL;
    int rc = hsec_scenario_run(&r, s);
    if (rc)
        fail_msg("run: %s", hsec_scenario_errmsg(s));
    return r;
}

/* A model of services named by `names` (space separated), one region. */
static inline hsec_model *services(const char *names)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "))
        OK(hsec_model_add_service(m, tok, HSEC_SERVICE_OTHER, "r"));
    return m;
}

/* A model with region "r" holding group "g" of `size` persons. */
static inline hsec_model *one_group(double size)
{
    hsec_model *m = NULL;
    OK(hsec_model_new(&m, NULL));
    OK(hsec_model_add_region(m, "r", NULL));
    OK(hsec_model_add_group(m, "g", "r", size));
    return m;
}

static inline void dynamic(hsec_scenario *s, double steps)
{
    OK(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    OK(hsec_scenario_set_option(s, HSEC_OPT_STEPS, steps));
}

/* A scenario from a document in memory (any encoding), with the default
 * limits; the loader's message on failure. */
static inline hsec_scenario *load_doc(const void *data, size_t len)
{
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    hsec_scenario *s = NULL;
    if (hsec_loader_load(&s, l, data, len))
        fail_msg("load: %s", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return s;
}

static inline hsec_scenario *load_text(const char *text)
{
    return load_doc(text, strlen(text));
}

static inline hsec_scenario *load_path(const char *path)
{
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    hsec_scenario *s = NULL;
    if (hsec_loader_load_file(&s, l, path))
        fail_msg("%s: %s", path, hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return s;
}

/* A message contains a fragment. */
#define HAS(msg, frag)                                                        \
    do {                                                                      \
        const char *m_ = (msg);                                               \
        if (!strstr(m_, (frag)))                                              \
            fail_msg("message \"%s\" lacks \"%s\"", m_, (frag));              \
    } while (0)

#endif
