/*
 * hsec_loader_merge_files, hsec_loader_import_csv and
 * hsec_loader_export_csv through the C API: results, messages, arguments,
 * and allocation failures (each one HSEC_ENOMEM, nothing leaked, nothing
 * written, the loader usable).
 */
#include "util.h"
#include "failing.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/hsec-test-merge-XXXXXX";
static char path_buf[8][512];

static const char *at(int slot, const char *name)
{
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
    return path_buf[slot];
}

static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static const char model[] =
    "{\"hsec\": 1, \"name\": \"m\", \"regions\": [{\"id\": \"r\"}],\n"
    " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 100, "
    "\"vulnerability\": {\"health\": 1.5}}],\n"
    " \"services\": [{\"id\": \"grid\", \"kind\": \"energy\", \"region\": \"r\"},\n"
    "              {\"id\": \"water\", \"kind\": \"water\", \"region\": \"r\"}],\n"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.6},\n"
    "           {\"from\": \"water\", \"to\": \"g.health\", \"weight\": 0.5}]}\n";
static const char threats[] =
    "{\"hsec\": 1, \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"grid\", "
    "\"magnitude\": 0.8}]}],\n"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.6}]}\n";
static const char whole[] =
    "{\"hsec\": 1, \"name\": \"m\", \"regions\": [{\"id\": \"r\"}],\n"
    " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 100, "
    "\"vulnerability\": {\"health\": 1.5}}],\n"
    " \"services\": [{\"id\": \"grid\", \"kind\": \"energy\", \"region\": \"r\"},\n"
    "              {\"id\": \"water\", \"kind\": \"water\", \"region\": \"r\"}],\n"
    " \"links\": [{\"from\": \"grid\", \"to\": \"water\", \"weight\": 0.6},\n"
    "           {\"from\": \"water\", \"to\": \"g.health\", \"weight\": 0.5}],\n"
    " \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"grid\", \"magnitude\": 0.8}]}]}\n";

static int setup(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(dir));
    put_file(at(0, "model.json"), model);
    put_file(at(0, "threats.json"), threats);
    put_file(at(0, "whole.json"), whole);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The canonical CBOR of two files is the same. */
static void same_document(hsec_loader *l, const char *a, const char *b)
{
    OK(hsec_loader_convert_file(l, a, at(6, "a.cbor"), HSEC_FORMAT_CBOR));
    OK(hsec_loader_convert_file(l, b, at(7, "b.cbor"), HSEC_FORMAT_CBOR));
    size_t na, nb;
    unsigned char *x = read_file(at(6, "a.cbor"), &na), *y = read_file(at(7, "b.cbor"), &nb);
    assert_int_equal(na, nb);
    assert_memory_equal(x, y, na);
    free(x);
    free(y);
}

static void test_merge(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    /* a CBOR input beside a JSON one; the link given twice, identical */
    OK(hsec_loader_convert_file(l, at(0, "threats.json"), at(1, "threats.cbor"),
                                HSEC_FORMAT_CBOR));
    const char *in[] = {at(2, "model.json"), at(3, "threats.cbor")};
    OK(hsec_loader_merge_files(l, in, 2, at(4, "merged.hsec"), HSEC_FORMAT_CONTAINER_ZLIB));
    assert_string_equal(hsec_loader_errmsg(l), "");
    same_document(l, at(5, "whole.json"), at(4, "merged.hsec"));
    hsec_scenario *s = NULL;
    OK(hsec_loader_load_file(&s, l, at(4, "merged.hsec")));
    assert_int_equal(hsec_compiled_link_count(hsec_scenario_compiled(s)), 2);
    assert_int_equal(hsec_scenario_threat_count(s), 1);
    hsec_scenario_free(s);
    hsec_loader_free(l);
}

static void test_conflicts(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    put_file(at(0, "g2.json"), "{\"hsec\": 1, \"groups\": [{\"id\": \"g\", \"region\": \"r\", "
                               "\"size\": 101}]}");
    const char *in[] = {at(1, "model.json"), at(2, "g2.json")};
    unlink(at(3, "out.json"));
    assert_int_equal(hsec_loader_merge_files(l, in, 2, at(3, "out.json"), HSEC_FORMAT_JSON),
                     HSEC_EEXIST);
    const char *msg = hsec_loader_errmsg(l);
    assert_non_null(strstr(msg, "group \"g\""));
    assert_non_null(strstr(msg, "model.json (groups[0])"));
    assert_non_null(strstr(msg, "g2.json (groups[0])"));
    assert_int_equal(access(at(3, "out.json"), F_OK), -1); /* nothing written */

    put_file(at(0, "l2.json"), "{\"hsec\": 1, \"links\": [{\"from\": \"water\", \"to\": "
                               "\"g.health\", \"weight\": 0.5, \"lag\": 1}]}");
    in[1] = at(2, "l2.json");
    assert_int_equal(hsec_loader_merge_files(l, in, 2, at(3, "out.json"), HSEC_FORMAT_JSON),
                     HSEC_EEXIST);
    assert_non_null(strstr(hsec_loader_errmsg(l), "link \"water\" -> \"g.health\""));
    assert_non_null(strstr(hsec_loader_errmsg(l), "l2.json (links[0])"));

    put_file(at(0, "n2.json"), "{\"hsec\": 1, \"name\": \"m\"}"); /* even the same name */
    in[1] = at(2, "n2.json");
    assert_int_equal(hsec_loader_merge_files(l, in, 2, at(3, "out.json"), HSEC_FORMAT_JSON),
                     HSEC_EEXIST);
    assert_non_null(strstr(hsec_loader_errmsg(l), "\"name\" is set in both"));

    in[1] = at(2, "missing.json");
    assert_int_equal(hsec_loader_merge_files(l, in, 2, at(3, "out.json"), HSEC_FORMAT_JSON),
                     HSEC_EIO);
    assert_non_null(strstr(hsec_loader_errmsg(l), "missing.json"));
    assert_int_equal(access(at(3, "out.json"), F_OK), -1);
    hsec_loader_free(l);
}

static void test_arguments(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    const char *in[] = {at(0, "model.json"), NULL};
    assert_int_equal(hsec_loader_merge_files(NULL, in, 1, "x", HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(hsec_loader_merge_files(l, NULL, 1, "x", HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(hsec_loader_merge_files(l, in, 0, "x", HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(hsec_loader_merge_files(l, in, 1, NULL, HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(hsec_loader_merge_files(l, in, 2, "x", HSEC_FORMAT_JSON), HSEC_EINVAL);
    assert_int_equal(hsec_loader_merge_files(l, in, 1, "x", (hsec_format)9), HSEC_EINVAL);
    assert_int_equal(hsec_loader_import_csv(NULL, in, NULL, 1, "x", HSEC_FORMAT_JSON),
                     HSEC_EINVAL);
    assert_int_equal(hsec_loader_import_csv(l, in, NULL, 0, "x", HSEC_FORMAT_JSON),
                     HSEC_EINVAL);
    assert_int_equal(hsec_loader_import_csv(l, in, NULL, 1, NULL, HSEC_FORMAT_JSON),
                     HSEC_EINVAL);
    assert_int_equal(hsec_loader_export_csv(NULL, in[0], "d"), HSEC_EINVAL);
    assert_int_equal(hsec_loader_export_csv(l, NULL, "d"), HSEC_EINVAL);
    assert_int_equal(hsec_loader_export_csv(l, in[0], ""), HSEC_EINVAL);
    hsec_loader_free(l);
}

static void test_csv(void **state)
{
    (void)state;
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    OK(hsec_loader_export_csv(l, at(0, "whole.json"), at(1, "csv")));
    static const char *const names[] = {"scenario", "regions", "groups", "services",
                                        "links", "threats", "threat_targets"};
    const char *in[7];
    for (int i = 0; i < 7; i++) {
        char file[64];
        snprintf(file, sizeof file, "csv/%s.csv", names[i]);
        in[i] = strdup(at(0, file));
    }
    OK(hsec_loader_import_csv(l, in, NULL, 7, at(2, "back.json"), HSEC_FORMAT_JSON));
    same_document(l, at(3, "whole.json"), at(2, "back.json"));
    /* the tables named, whatever the files are called */
    put_file(at(0, "a.csv"), "id\r\nr\r\n");
    put_file(at(0, "b.csv"), "id,region,size,vulnerability.health\r\ng,r,100,1.5\r\n");
    const char *in2[] = {at(4, "a.csv"), at(5, "b.csv")};
    const char *tables[] = {"regions", "groups"};
    OK(hsec_loader_import_csv(l, in2, tables, 2, at(2, "ab.json"), HSEC_FORMAT_CBOR));
    hsec_scenario *s = NULL;
    OK(hsec_loader_load_file(&s, l, at(2, "ab.json")));
    assert_int_equal(hsec_compiled_group_count(hsec_scenario_compiled(s)), 1);
    hsec_scenario_free(s);
    /* an error names the file, the row, the column and the value */
    put_file(at(0, "b.csv"), "id,region,size\r\ng,r,1\r\nh,r,-x\r\n");
    assert_int_equal(hsec_loader_import_csv(l, in2, tables, 2, at(2, "ab.json"),
                                            HSEC_FORMAT_JSON),
                     HSEC_EFORMAT);
    assert_non_null(strstr(hsec_loader_errmsg(l), "b.csv: row 3, column 3 (size): \"-x\""));
    for (int i = 0; i < 7; i++)
        free((void *)in[i]);
    hsec_loader_free(l);
}

/* ---- allocation failures */


/* op(l) under an allocator failing from its n-th allocation on, for n = 1,
 * 2, ... until it succeeds: each failure HSEC_ENOMEM, out not written,
 * nothing left allocated but the loader. */
static void under_oom(int (*op)(hsec_loader *), const char *out)
{
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, &failing));
    long base = atomic_load(&live);
    for (long n = 1;; n++) {
        unlink(out);
        atomic_store(&calls, 0);
        atomic_store(&fail_at, n);
        int rc = op(l);
        atomic_store(&fail_at, 0);
        assert_int_equal(atomic_load(&live), base);
        if (rc == HSEC_OK)
            break;
        if (rc != HSEC_ENOMEM)
            fail_msg("allocation %ld failing: %d (%s)", n, rc, hsec_loader_errmsg(l));
        assert_int_equal(access(out, F_OK), -1);
        assert_true(n < 100000);
    }
    hsec_loader_free(l);
}

static int merge_op(hsec_loader *l)
{
    const char *in[] = {at(1, "model.json"), at(2, "threats.json")};
    return hsec_loader_merge_files(l, in, 2, at(3, "oom.cbor"), HSEC_FORMAT_CBOR);
}

static int import_op(hsec_loader *l)
{
    const char *in[] = {at(1, "csv/regions.csv"), at(2, "csv/groups.csv"),
                        at(4, "csv/services.csv"), at(5, "csv/threat_targets.csv"),
                        at(6, "csv/threats.csv")};
    return hsec_loader_import_csv(l, in, NULL, 5, at(3, "oom.cbor"), HSEC_FORMAT_CBOR);
}

static void test_oom(void **state)
{
    (void)state;
    under_oom(merge_op, at(0, "oom.cbor"));
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    OK(hsec_loader_export_csv(l, at(0, "whole.json"), at(1, "csv")));
    hsec_loader_free(l);
    under_oom(import_op, at(0, "oom.cbor"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge),     cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_arguments), cmocka_unit_test(test_csv),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
