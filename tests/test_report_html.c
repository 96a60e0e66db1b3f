/*
 * The HTML report (hsec_doc_report_html, hsec_doc_report_html_file): its
 * sections, the options refused with a message naming them, the caller's
 * scenario left as it was, text escaped, the results-only page, and every
 * allocation failure returning HSEC_ENOMEM with nothing leaked.
 */
#include <hsec.h>

#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failing.h"

static hsec_scenario *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/%s", SOURCE_ROOT, name);
    hsec_loader *l = NULL;
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_loader_new(&l, NULL), HSEC_OK);
    if (hsec_loader_load_file(&s, l, path) != HSEC_OK)
        fail_msg("%s: %s", path, hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return s;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

static void sections_and_scenario_unchanged(void **state)
{
    (void)state;
    hsec_scenario *s = load("energy-cascade.json");
    size_t before = 0, after = 0;
    hsec_scenario_recorded(s, &before);
    char *html = NULL;
    size_t len = 0;
    assert_int_equal(hsec_doc_report_html(&html, &len, s, NULL), HSEC_OK);
    assert_int_equal(strlen(html), len);
    assert_non_null(strstr(html, "<!DOCTYPE html>"));
    assert_true(strstr(html, "</html>\n") == html + len - 8);
    static const char *const ids[] = {"id=\"summary\"", "id=\"groups\"", "id=\"orders\"",
                                      "id=\"cascade\"", "id=\"comparison\""};
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++)
        if (!strstr(html, ids[k]))
            fail_msg("no %s", ids[k]);
    assert_null(strstr(html, "id=\"ensemble\""));
    assert_null(strstr(html, "<script"));
    /* every group of the example drawn, each chart with its table */
    assert_int_equal(count(html, "<article class=\"group\""), 6);
    assert_int_equal(count(html, "<figure class=\"chart\""), count(html, "<details>"));
    hsec_scenario_recorded(s, &after);
    assert_int_equal(before, after);
    assert_int_equal(hsec_scenario_diagnostic_count(s), 0);
    hsec_free_string(html);
    hsec_scenario_free(s);
}

static void measures_title_and_ensemble(void **state)
{
    (void)state;
    hsec_scenario *s = load("sahel-drought-displacement.json");
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *none = calloc(nm, 1);
    hsec_report_options o = HSEC_REPORT_OPTIONS_INIT;
    o.mask = none;
    o.mask_len = nm;
    o.title = "<b>Sahel</b> & \"friends\" 'x'";
    o.ensemble_members = 12;
    char *html = NULL;
    assert_int_equal(hsec_doc_report_html(&html, NULL, s, &o), HSEC_OK);
    assert_non_null(strstr(html, "none (the no-measure baseline)"));
    assert_non_null(strstr(html, "&lt;b&gt;Sahel&lt;/b&gt; &amp; &quot;friends&quot; &#39;x&#39;"));
    assert_null(strstr(html, "<b>Sahel"));
    assert_non_null(strstr(html, "id=\"ensemble\""));
    assert_non_null(strstr(html, "12 members"));
    hsec_free_string(html);
    free(none);
    hsec_scenario_free(s);
}

static void bad_options(void **state)
{
    (void)state;
    hsec_scenario *s = load("energy-cascade.json");
    char *html = (char *)"untouched";
    hsec_report_options o = HSEC_REPORT_OPTIONS_INIT;
    o.version = 99;
    assert_int_equal(hsec_doc_report_html(&html, NULL, s, &o), HSEC_EINVAL);
    assert_null(html);
    assert_non_null(strstr(hsec_last_errmsg(), "options.version 99"));
    o.version = HSEC_REPORT_OPTIONS_VERSION;
    unsigned char mask[1] = {1};
    o.mask = mask;
    o.mask_len = 1;
    assert_int_equal(hsec_doc_report_html(&html, NULL, s, &o), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "options.mask_len 1"));
    o.mask = NULL;
    o.ensemble_members = 2000000000;
    assert_int_equal(hsec_doc_report_html(&html, NULL, s, &o), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "options.ensemble_members 2000000000"));
    assert_int_equal(hsec_doc_report_html(NULL, NULL, s, NULL), HSEC_EINVAL);
    assert_int_equal(hsec_doc_report_html(&html, NULL, NULL, NULL), HSEC_EINVAL);
    assert_non_null(strstr(hsec_last_errmsg(), "scenario is NULL"));
    hsec_scenario_free(s);
}

static void from_results_document(void **state)
{
    (void)state;
    hsec_scenario *s = load("epidemic-conflict.json");
    hsec_result *r = NULL;
    assert_int_equal(hsec_scenario_run(&r, s), HSEC_OK);
    char path[] = "/tmp/hsec-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(hsec_doc_save_results(path, r, s, HSEC_FORMAT_CONTAINER_ZLIB), HSEC_OK);
    hsec_loader *l = NULL;
    assert_int_equal(hsec_loader_new(&l, NULL), HSEC_OK);
    char *html = NULL;
    size_t len = 0;
    assert_int_equal(hsec_doc_report_html_file(&html, &len, l, path, NULL), HSEC_OK);
    assert_int_equal(strlen(html), len);
    assert_non_null(strstr(html, "Made from a results document alone"));
    assert_non_null(strstr(html, "id=\"summary\""));
    assert_null(strstr(html, "hs-arrow")); /* no cascade graph */
    assert_null(strstr(html, "id=\"comparison\""));
    assert_int_equal(count(html, "<article class=\"group\""), 6);
    hsec_free_string(html);
    /* a scenario is not a results document */
    char scen[1024];
    snprintf(scen, sizeof scen, "%s/examples/epidemic-conflict.json", SOURCE_ROOT);
    assert_int_equal(hsec_doc_report_html_file(&html, NULL, l, scen, "t"), HSEC_EFORMAT);
    assert_null(html);
    assert_non_null(strstr(hsec_loader_errmsg(l), "not a results document"));
    assert_int_not_equal(hsec_doc_report_html_file(&html, NULL, l, "/nonexistent/r.json", NULL),
                         HSEC_OK);
    assert_non_null(strstr(hsec_loader_errmsg(l), "/nonexistent/r.json"));
    assert_int_equal(hsec_doc_report_html_file(&html, NULL, NULL, path, NULL), HSEC_EINVAL);
    hsec_loader_free(l);
    unlink(path);
    hsec_result_free(r);
    hsec_scenario_free(s);
}

/* ---- documents made by hand */

/* An allocator that refuses any block over 64 MiB. */
static void *small_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return size > ((size_t)64 << 20) ? NULL : malloc(size);
}

static void *small_realloc(void *opaque, void *p, size_t size)
{
    (void)opaque;
    return size > ((size_t)64 << 20) ? NULL : realloc(p, size);
}

static void small_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

static const hsec_allocator small = {HSEC_ALLOCATOR_VERSION, small_alloc, small_realloc,
                                     small_free, NULL};

/* The page of the results document `text` (HSEC_OK and *html), or the code. */
static int page_of(char **html, hsec_loader *l, const char *text)
{
    char path[] = "/tmp/hsec-report-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    *html = NULL;
    int rc = hsec_doc_report_html_file(html, NULL, l, path, "t");
    unlink(path);
    return rc;
}

static void hand_made_documents(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    assert_int_equal(hsec_loader_new(&l, &small), HSEC_OK);
    char *html = NULL;
    /* a step unit is an id: anything else would reach the page unescaped */
    assert_int_equal(page_of(&html, l, "{\"hsec\": 1, \"mode\": \"dynamic\", \"steps\": 3, "
                                       "\"step_unit\": \"<b>day\", \"groups\": {}, "
                                       "\"burden\": {}}"), HSEC_EFORMAT);
    assert_null(html);
    assert_non_null(strstr(hsec_loader_errmsg(l), "step_unit"));
    /* "steps" alone, with no series to draw, costs no memory */
    assert_int_equal(page_of(&html, l, "{\"hsec\": 1, \"mode\": \"dynamic\", \"steps\": 1e7, "
                                       "\"groups\": {\"g\": {\"peak\": {}}}, \"burden\": {}}"),
                     HSEC_OK);
    hsec_free_string(html);
    /* figures that overflow a chart's scale: no NaN or infinity on the page,
     * and an enormous number in full */
    assert_int_equal(page_of(&html, l, "{\"hsec\": 1, \"mode\": \"static\", \"groups\": {}, "
                                       "\"burden\": {\"propagated\": 1, \"orders\": "
                                       "[1e308, 1e308, -1e308, 0]}}"), HSEC_OK);
    assert_null(strstr(html, "\"nan"));
    assert_null(strstr(html, "\"-nan"));
    assert_null(strstr(html, ">nan"));
    assert_null(strstr(html, "inf<"));
    assert_null(strstr(html, "\"inf"));
    assert_non_null(strstr(html, ">100,000,000,000,000,001,097,906,362,944,045,541,740,"));
    assert_non_null(strstr(html, ",974,885,715,430,223,118,336<"));
    hsec_free_string(html);
    hsec_loader_free(l);
}

/* A step unit of 64 characters, whole in the early warnings. */
static void long_step_unit(void **state)
{
    (void)state;
    static const char doc[] =
        "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
        " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 100}],"
        " \"threats\": [{\"id\": \"t\", \"start\": 1, \"duration\": 5,"
        "   \"targets\": [{\"node\": \"g\", \"magnitude\": 1}]}],"
        " \"run\": {\"mode\": \"dynamic\", \"steps\": 10, \"step_unit\":"
        "   \"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu\"}}";
    hsec_loader *l = NULL;
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_loader_new(&l, NULL), HSEC_OK);
    if (hsec_loader_load(&s, l, doc, strlen(doc)) != HSEC_OK)
        fail_msg("%s", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    char *html = NULL;
    assert_int_equal(hsec_doc_report_html(&html, NULL, s, NULL), HSEC_OK);
    assert_non_null(strstr(html, "reaches crisis at "
                                 "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu "));
    hsec_free_string(html);
    hsec_scenario_free(s);
}

/* ---- allocation failures */


static void out_of_memory(void **state)
{
    (void)state;
    hsec_model *m = NULL;
    assert_int_equal(hsec_model_new(&m, &failing), HSEC_OK);
    assert_int_equal(hsec_model_add_region(m, "east", NULL), HSEC_OK);
    assert_int_equal(hsec_model_add_group(m, "residents", "east", 1000), HSEC_OK);
    assert_int_equal(hsec_model_add_service(m, "grid", HSEC_SERVICE_ENERGY, "east"), HSEC_OK);
    assert_int_equal(hsec_model_add_service(m, "water", HSEC_SERVICE_WATER, "east"), HSEC_OK);
    assert_int_equal(hsec_model_add_link(m, "grid", "water", 0.6, 0), HSEC_OK);
    assert_int_equal(hsec_model_add_link(m, "water", "residents.health", 0.5, 1), HSEC_OK);
    hsec_compiled *c = NULL;
    assert_int_equal(hsec_model_compile(&c, m), HSEC_OK);
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_scenario_new(&s, c), HSEC_OK);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC), HSEC_OK);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 12), HSEC_OK);
    assert_int_equal(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 2), HSEC_OK);
    assert_int_equal(hsec_scenario_add_threat(s, "strike", HSEC_THREAT_ADVERSARY), HSEC_OK);
    assert_int_equal(hsec_scenario_add_threat_target(s, "strike", "grid", 0.8), HSEC_OK);
    assert_int_equal(hsec_scenario_add_measure(s, "gen", HSEC_PROTECTION, HSEC_SHIELD,
                                               HSEC_BY_MILITARY, 0.5), HSEC_OK);
    assert_int_equal(hsec_scenario_add_measure_target(s, "gen", "grid"), HSEC_OK);
    assert_int_equal(hsec_scenario_add_package(s, "protect"), HSEC_OK);
    assert_int_equal(hsec_scenario_package_add(s, "protect", "gen"), HSEC_OK);
    hsec_report_options o = HSEC_REPORT_OPTIONS_INIT;
    o.ensemble_members = 3;
    /* a first report, so that what the scenario's getters keep on it (their
     * indices of the target lists) is there before counting */
    char *first = NULL;
    assert_int_equal(hsec_doc_report_html(&first, NULL, s, &o), HSEC_OK);
    hsec_free_string(first);
    long base = atomic_load(&live), failures = 0;
    for (long n = 1;; n++) {
        atomic_store(&calls, 0);
        atomic_store(&fail_at, n);
        char *html = NULL;
        int rc = hsec_doc_report_html(&html, NULL, s, &o);
        atomic_store(&fail_at, 0);
        if (rc == HSEC_OK) {
            assert_non_null(strstr(html, "id=\"cascade\""));
            hsec_free_string(html);
            assert_int_equal(atomic_load(&live), base);
            break;
        }
        if (rc != HSEC_ENOMEM)
            fail_msg("allocation %ld: %d (%s)", n, rc, hsec_last_errmsg());
        assert_null(html);
        if (atomic_load(&live) != base)
            fail_msg("allocation %ld: %ld blocks leaked (%s)", n, atomic_load(&live) - base,
                     hsec_last_errmsg());
        failures++;
    }
    assert_true(failures > 100);
    hsec_scenario_free(s);
    hsec_compiled_free(c);
    hsec_model_free(m);
    assert_int_equal(atomic_load(&live), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sections_and_scenario_unchanged),
        cmocka_unit_test(measures_title_and_ensemble),
        cmocka_unit_test(bad_options),
        cmocka_unit_test(from_results_document),
        cmocka_unit_test(hand_made_documents),
        cmocka_unit_test(long_step_unit),
        cmocka_unit_test(out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
