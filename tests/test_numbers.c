/* Numbers and text that stay exact through JSON, CBOR and the container, or
 * are refused with a message naming them; results that overflow a double
 * refused, naming the figure; maps of many keys read and written in
 * n log n. */
#include "util.h"
#include "failing.h"

#include <jansson.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/hsec-numbers-XXXXXX";

static char *path_of(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void put_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static hsec_loader *loader(void)
{
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    return l;
}

/* Load a document from memory: its code (the scenario freed). */
static int load_bytes(hsec_loader *l, const void *data, size_t len)
{
    hsec_scenario *s = NULL;
    int rc = hsec_loader_load(&s, l, data, len);
    hsec_scenario_free(s);
    return rc;
}

static void refused(hsec_loader *l, const void *data, size_t len, int code, const char *frag)
{
    int rc = load_bytes(l, data, len);
    if (rc != code)
        fail_msg("code %d, expected %d (%s)", rc, code, hsec_loader_errmsg(l));
    HAS(hsec_loader_errmsg(l), frag);
}

/* The double of "x-n" in a JSON file, read as every number is (a double). */
static double x_n(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_DECODE_INT_AS_REAL, &e);
    if (!j)
        fail_msg("%s: %s", path, e.text);
    json_t *v = json_object_get(j, "x-n");
    assert_non_null(v);
    assert_true(json_is_number(v));
    double x = json_number_value(v);
    json_decref(j);
    return x;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* {"hsec": 1, "x-n": N} in deterministic CBOR: "x-n" sorts first (shorter). */
static size_t cbor_doc(unsigned char *out, const unsigned char *num, size_t n)
{
    static const unsigned char head[] = {0xa2, 0x63, 'x', '-', 'n'};
    static const unsigned char tail[] = {0x64, 'h', 's', 'e', 'c', 0x01};
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, num, n);
    memcpy(out + sizeof head + n, tail, sizeof tail);
    return sizeof head + n + sizeof tail;
}

/* The edges of the integers: CBOR's range is [-2^64, 2^64 - 1], JSON's
 * any length, and a document's numbers are doubles. An integer that a
 * double holds exactly travels as itself through every encoding; one that
 * none holds is refused, named, in JSON and in CBOR alike. */
static void test_integer_edges(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        bool exact;
        double value;
        unsigned char cbor[9];
        size_t clen;
    } edges[] = {
        {"-18446744073709551616", true, -18446744073709551616.0,
         {0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
        {"-18446744073709551615", false, 0, {0}, 0},
        {"-9223372036854775809", false, 0, {0}, 0},
        {"-9223372036854775808", true, -9223372036854775808.0,
         {0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
        {"-9007199254740993", false, 0, {0}, 0},
        {"-9007199254740994", true, -9007199254740994.0,
         {0x3b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}, 9},
        {"-1152921504606846976", true, -1152921504606846976.0, /* -2^60 */
         {0x3b, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 9},
        {"9007199254740993", false, 0, {0}, 0},
        {"9223372036854775807", false, 0, {0}, 0},
        {"9223372036854775808", true, 9223372036854775808.0,
         {0x1b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, 9},
        {"18446744073709551615", false, 0, {0}, 0},
        {"18446744073709551616", true, 18446744073709551616.0, /* no CBOR integer: a float */
         {0xfa, 0x5f, 0x80, 0x00, 0x00}, 5},
        {"123456789012345678901234567890", false, 0, {0}, 0},
        {"123456789012345677877719597056", true, 123456789012345677877719597056.0,
         {0xfb, 0x45, 0xf8, 0xee, 0x90, 0xff, 0x6c, 0x37, 0x3e}, 9},
    };
    hsec_loader *l = loader();
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        char doc[128];
        snprintf(doc, sizeof doc, "{\"hsec\": 1, \"x-n\": %s}", edges[i].text);
        if (!edges[i].exact) {
            refused(l, doc, strlen(doc), HSEC_EFORMAT, edges[i].text);
            HAS(hsec_loader_errmsg(l), "is not a double");
            HAS(hsec_loader_errmsg(l), "JSON line 1, column 20");
            continue;
        }
        OK(load_bytes(l, doc, strlen(doc)));
        put_file(path_of("n.json"), doc, strlen(doc));
        /* JSON -> CBOR: the integer's own encoding */
        OK(hsec_loader_convert_file(l, path_of("n.json"), path_of("n.cbor"), HSEC_FORMAT_CBOR));
        size_t n;
        unsigned char *got = read_file(path_of("n.cbor"), &n), want[32];
        size_t wn = cbor_doc(want, edges[i].cbor, edges[i].clen);
        if (n != wn || memcmp(got, want, n) != 0)
            fail_msg("%s: the CBOR differs from the integer's encoding", edges[i].text);
        free(got);
        /* CBOR -> JSON, and the container both ways: the same double */
        OK(hsec_loader_convert_file(l, path_of("n.cbor"), path_of("back.json"), HSEC_FORMAT_JSON));
        if (!same_bits(x_n(path_of("back.json")), edges[i].value))
            fail_msg("%s: came back as %.17g", edges[i].text, x_n(path_of("back.json")));
        OK(hsec_loader_convert_file(l, path_of("back.json"), path_of("again.cbor"),
                                    HSEC_FORMAT_CBOR));
        got = read_file(path_of("again.cbor"), &n);
        assert_int_equal(n, wn);
        assert_memory_equal(got, want, n);
        free(got);
        OK(hsec_loader_convert_file(l, path_of("n.json"), path_of("n.hsec"),
                                    HSEC_FORMAT_CONTAINER_ZLIB));
        OK(hsec_loader_convert_file(l, path_of("n.hsec"), path_of("c.json"), HSEC_FORMAT_JSON));
        assert_true(same_bits(x_n(path_of("c.json")), edges[i].value));
    }

    /* CBOR integers that no double holds, at the edges of CBOR's range */
    static const struct {
        unsigned char cbor[9];
        const char *msg;
    } bad[] = {
        {{0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
         "CBOR byte 5: x-n: the integer 18446744073709551615 is not a double"},
        {{0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
         "the integer 9223372036854775807 is not a double"},
        {{0x3b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
         "the integer -9223372036854775809 is not a double"},
        {{0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe},
         "the integer -18446744073709551615 is not a double"},
        {{0x1b, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01},
         "the integer 9007199254740993 is not a double (numbers are IEEE 754 doubles; the "
         "nearest is 9007199254740992)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char doc[32];
        size_t n = cbor_doc(doc, bad[i].cbor, 9);
        refused(l, doc, n, HSEC_EFORMAT, bad[i].msg);
    }
    hsec_loader_free(l);
}

/* Text strings are UTF-8 (RFC 3629): the CBOR reader refuses what JSON
 * could not carry, naming the string's byte and place. */
static void test_cbor_utf8(void **state)
{
    (void)state;
    static const struct {
        const char *bytes;
        size_t n, at;
        const char *why;
    } bad[] = {
        {"\xc0\x80", 2, 0, "an overlong form"},
        {"\xc1\xbf", 2, 0, "an overlong form"},
        {"\xe0\x80\x80", 3, 0, "an overlong form"},
        {"\xe0\x9f\xbf", 3, 0, "an overlong form"},
        {"\xf0\x80\x80\x80", 4, 0, "an overlong form"},
        {"\xf0\x8f\xbf\xbf", 4, 0, "an overlong form"},
        {"\xed\xa0\x80", 3, 0, "a surrogate (U+D800 to U+DFFF)"},
        {"ab\xed\xbf\xbf", 5, 2, "a surrogate"},
        {"\xf4\x90\x80\x80", 4, 0, "a code point above U+10FFFF"},
        {"\xf5\x80\x80\x80", 4, 0, "a code point above U+10FFFF"},
        {"\xff", 1, 0, "a byte that UTF-8 never uses"},
        {"a\x80", 2, 1, "a continuation byte that continues nothing"},
        {"\xe2\x82", 2, 0, "a sequence cut short"},
        {"\xe2\x82" "a", 3, 0, "a sequence cut short"},
        {"ab\xf0\x9f\x98", 5, 2, "a sequence cut short"},
    };
    static const char *const good[] = {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf",
                                       "\xee\x80\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                                       "\xf4\x8f\xbf\xbf", "caf\xc3\xa9"};
    hsec_loader *l = loader();
    unsigned char doc[64];
    /* {"hsec": 1, "name": S}: the string's header at byte 12 */
    static const unsigned char head[] = {0xa2, 0x64, 'h', 's', 'e', 'c', 0x01,
                                         0x64, 'n',  'a', 'm', 'e'};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        memcpy(doc, head, sizeof head);
        doc[sizeof head] = (unsigned char)(0x60 + bad[i].n);
        memcpy(doc + sizeof head + 1, bad[i].bytes, bad[i].n);
        size_t n = sizeof head + 1 + bad[i].n;
        char want[160];
        snprintf(want, sizeof want, "CBOR byte 12: name: a text string is not UTF-8: %s",
                 bad[i].why);
        refused(l, doc, n, HSEC_EFORMAT, want);
        snprintf(want, sizeof want, "at its byte %zu", bad[i].at);
        HAS(hsec_loader_errmsg(l), want);
        /* converting it says so too: no "out of memory" from the JSON writer */
        put_file(path_of("u.cbor"), doc, n);
        assert_int_equal(hsec_loader_convert_file(l, path_of("u.cbor"), path_of("u.json"),
                                                  HSEC_FORMAT_JSON), HSEC_EFORMAT);
        HAS(hsec_loader_errmsg(l), "not UTF-8");
        assert_null(strstr(hsec_loader_errmsg(l), "out of memory"));
        /* the same bytes as an extension's key: {"hsec": 1, "x-S": 1} */
        memcpy(doc, head, 7);
        doc[7] = (unsigned char)(0x60 + 2 + bad[i].n);
        doc[8] = 'x';
        doc[9] = '-';
        memcpy(doc + 10, bad[i].bytes, bad[i].n);
        doc[10 + bad[i].n] = 0x01;
        refused(l, doc, 11 + bad[i].n, HSEC_EFORMAT,
                "CBOR byte 7: a key of the document: a text string is not UTF-8");
    }
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        size_t k = strlen(good[i]);
        memcpy(doc, head, sizeof head);
        doc[sizeof head] = (unsigned char)(0x60 + k);
        memcpy(doc + sizeof head + 1, good[i], k);
        size_t n = sizeof head + 1 + k;
        OK(load_bytes(l, doc, n));
        /* CBOR -> JSON -> CBOR: the same bytes */
        put_file(path_of("g.cbor"), doc, n);
        OK(hsec_loader_convert_file(l, path_of("g.cbor"), path_of("g.json"), HSEC_FORMAT_JSON));
        OK(hsec_loader_convert_file(l, path_of("g.json"), path_of("g2.cbor"), HSEC_FORMAT_CBOR));
        size_t m;
        unsigned char *back = read_file(path_of("g2.cbor"), &m);
        assert_int_equal(m, n);
        assert_memory_equal(back, doc, n);
        free(back);
    }
    hsec_loader_free(l);
}

/* Extensions (keys starting "x-") are kept as they are and checked by no
 * loader: NaN or an infinity there could not reach JSON, so the reader
 * refuses it, naming the key. */
static void test_extension_nonfinite(void **state)
{
    (void)state;
    static const struct {
        unsigned char cbor[40];
        size_t n;
        const char *msg;
    } bad[] = {
        /* {"hsec": 1, "x-v": NaN (half)} */
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v', 0xf9, 0x7e, 0x00}, 14,
         "CBOR byte 11: x-v is nan: extension values (x-) hold finite numbers only"},
        /* +inf (single), -inf (double) */
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v', 0xfa, 0x7f, 0x80, 0, 0}, 16,
         "x-v is inf"},
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v', 0xfb, 0xff, 0xf0, 0, 0, 0,
          0, 0, 0}, 20, "x-v is -inf"},
        /* {"x-v": {"a": [1, NaN]}} */
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v', 0xa1, 0x61, 'a', 0x82, 0x01,
          0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, 25, "CBOR byte 16: x-v.a[1] is nan"},
        /* {"x-v": typed array [1, inf]} */
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v', 0xd8, 86, 0x50, 0, 0, 0, 0,
          0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f}, 30, "x-v[1] is inf"},
        /* {"hsec": 1, "regions": [{"id": "r", "x-w": NaN}]} */
        {{0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x67, 'r', 'e', 'g', 'i', 'o', 'n', 's', 0x81,
          0xa2, 0x62, 'i', 'd', 0x61, 'r', 0x63, 'x', '-', 'w', 0xf9, 0x7e, 0x00}, 29,
         "regions[0].x-w is nan"},
    };
    hsec_loader *l = loader();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        refused(l, bad[i].cbor, bad[i].n, HSEC_EFORMAT, bad[i].msg);
        put_file(path_of("x.cbor"), bad[i].cbor, bad[i].n);
        assert_int_equal(hsec_loader_convert_file(l, path_of("x.cbor"), path_of("x.json"),
                                                  HSEC_FORMAT_JSON), HSEC_EFORMAT);
        HAS(hsec_loader_errmsg(l), bad[i].msg);
    }
    /* finite numbers in an extension, and the largest: kept */
    const unsigned char fine[] = {0xa2, 0x64, 'h', 's', 'e', 'c', 0x01, 0x63, 'x', '-', 'v',
                                  0x82, 0xfa, 0x3f, 0xc0, 0, 0, 0xfb, 0x7f, 0xef, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff};
    OK(load_bytes(l, fine, sizeof fine));
    hsec_loader_free(l);
}

static hsec_scenario *load_json(hsec_loader *l, const char *text)
{
    hsec_scenario *s = NULL;
    if (hsec_loader_load(&s, l, text, strlen(text)))
        fail_msg("load: %s", hsec_loader_errmsg(l));
    return s;
}

#define MODEL(group, measure)                                                            \
    "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"                                      \
    " \"groups\": [{\"id\": \"a\", \"region\": \"r\", \"size\": 10}, " group "],"        \
    " \"services\": [{\"id\": \"s\", \"kind\": \"energy\", \"region\": \"r\"}],"         \
    " \"links\": [{\"from\": \"s\", \"to\": \"g.health\", \"weight\": 0.5}],"            \
    " \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\", \"magnitude\": 0.8}]}]," \
    measure " \"run\": {\"mode\": \"dynamic\", \"steps\": 40}}"

static void overflow_refused(int rc, const char *msg)
{
    assert_int_equal(rc, HSEC_EINVAL);
    HAS(hsec_last_errmsg(), msg);
    assert_null(strstr(hsec_last_errmsg(), "out of memory"));
}

/* Figures that overflow a double are refused by every writer, naming the
 * figure: JSON has no infinity, and neither null nor a CBOR infinity may
 * stand for one. */
static void test_overflowing_results(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    /* a group of 1.7e308 people: its person-steps overflow */
    hsec_scenario *s = load_json(l, MODEL("{\"id\": \"g\", \"region\": \"r\", \"size\": 1.7e308}", ""));
    hsec_result *r = run_ok(s);
    char *doc = (char *)1;
    size_t len;
    overflow_refused(hsec_doc_results_json(&doc, &len, r, s),
                     "results: burden.total is inf (the figures overflow a double)");
    assert_null(doc);
    for (int f = 0; f < HSEC_FORMAT_COUNT; f++) {
        overflow_refused(hsec_doc_save_results(path_of("res.out"), r, s, (hsec_format)f),
                         "results: burden.total is inf (the figures overflow a double)");
        assert_int_equal(access(path_of("res.out"), F_OK), -1); /* nothing written */
    }
    hsec_result_free(r);
    /* an ensemble of it */
    OK(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, 3));
    OK(hsec_scenario_set_option(s, HSEC_OPT_THREADS, 1));
    hsec_ensemble *e = NULL;
    OK(hsec_scenario_ensemble(&e, s, NULL, 0));
    const double qs[] = {0.5};
    overflow_refused(hsec_doc_ensemble_json(&doc, &len, e, qs, 1, s), "ensemble: burden.total[0] is ");
    hsec_ensemble_free(e);
    hsec_scenario_free(s);

    /* a package that costs 5e-324: averted / cost overflows */
    s = load_json(l, MODEL("{\"id\": \"g\", \"region\": \"r\", \"size\": 1000}",
                           "\"measures\": [{\"id\": \"m\", \"kind\": \"protection\", \"effect\": "
                           "\"shield\", \"fraction\": 0.5, \"cost\": 5e-324, \"targets\": "
                           "[{\"node\": \"s\"}]}], \"packages\": [{\"id\": \"p\", \"measures\": "
                           "[\"m\"]}],"));
    hsec_result *res[2] = {NULL, NULL};
    OK(hsec_scenario_compare(res, 2, s));
    overflow_refused(hsec_doc_compare_json(&doc, &len, res, 2, s),
                     "compare: packages.p.averted_per_cost is inf (the figures overflow a "
                     "double)");
    hsec_result_free(res[0]);
    hsec_result_free(res[1]);
    const unsigned char chosen[1] = {1};
    overflow_refused(hsec_doc_choice_json(&doc, &len, chosen, 1, 1000, 5e-324, 1, s),
                     "optimize: averted_per_cost is inf");
    hsec_scenario_free(s);

    /* a vulnerability of 1e308: the marginal burdens overflow */
    s = load_json(l, MODEL("{\"id\": \"g\", \"region\": \"r\", \"size\": 1e308, "
                           "\"vulnerability\": 1e308}", ""));
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    double *u = calloc(5 * n, sizeof *u);
    assert_non_null(u);
    OK(hsec_scenario_rank(u, n, s));
    OK(hsec_scenario_coupling(u + n, u + 2 * n, u + 3 * n, u + 4 * n, n, s));
    overflow_refused(hsec_doc_rank_json(&doc, &len, u, u + n, u + 2 * n, u + 3 * n, u + 4 * n,
                                        n, s, 0),
                     "rank: rank[0].marginal_burden is inf (the figures overflow a double)");
    free(u);
    hsec_scenario_free(s);
    hsec_loader_free(l);
}

/* CPU seconds of one call of fn(arg), the least of `reps` runs. */
static double cpu_of(int (*fn)(void *), void *arg, int reps)
{
    double best = HUGE_VAL;
    for (int i = 0; i < reps; i++) {
        clock_t t0 = clock();
        OK(fn(arg));
        double t = (double)(clock() - t0) / CLOCKS_PER_SEC;
        if (t < best)
            best = t;
    }
    return best;
}

typedef struct job {
    hsec_loader *l;
    unsigned char *data;
    size_t len;
    int expect;
    const char *path; /* job_convert: the JSON file */
} job;

static int job_load(void *arg)
{
    job *j = arg;
    return load_bytes(j->l, j->data, j->len) == j->expect ? HSEC_OK : HSEC_EINVAL;
}

static int job_convert(void *arg)
{
    job *j = arg;
    return hsec_loader_convert_file(j->l, j->path, path_of("many.cbor"), HSEC_FORMAT_CBOR);
}

/* A CBOR map of n extension keys and "hsec" (keys in the order written);
 * as a reference of the same strings and size, no map but an array:
 * {"hsec": 1, "x-a": ["x-k0", 0, ...]}. */
static unsigned char *cbor_keys(size_t n, bool map, size_t *len)
{
    unsigned char *b = malloc(32 + n * 16);
    assert_non_null(b);
    size_t k = 0, m = map ? n + 1 : 2 * n;
    if (map) {
        b[k++] = 0xba; /* a map of a 32-bit count */
    } else {
        memcpy(b, "\xa2\x63x-a", 5);
        k = 5;
        b[k++] = 0x9a; /* an array of a 32-bit count */
    }
    for (int i = 3; i >= 0; i--)
        b[k++] = (unsigned char)(m >> (8 * i));
    if (map) {
        memcpy(b + k, "\x64hsec\x01", 6);
        k += 6;
    }
    for (size_t i = 0; i < n; i++) {
        char key[16];
        int kl = snprintf(key, sizeof key, "x-k%zu", i);
        b[k++] = (unsigned char)(0x60 + kl);
        memcpy(b + k, key, (size_t)kl);
        k += (size_t)kl;
        b[k++] = 0x00;
    }
    if (!map) {
        memcpy(b + k, "\x64hsec\x01", 6);
        k += 6;
    }
    *len = k;
    return b;
}

/* {"hsec": 1, "x-k0": 0, ...} as JSON text; the reference:
 * {"hsec": 1, "x-a": ["x-k0", 0, ...]}. */
static char *json_keys(size_t n, bool map, size_t *len)
{
    char *t = malloc(32 + n * 20);
    assert_non_null(t);
    size_t k = (size_t)sprintf(t, map ? "{\"hsec\": 1" : "{\"hsec\": 1, \"x-a\": [0");
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(t + k, map ? ", \"x-k%zu\": 0" : ", \"x-k%zu\", 0", i);
    k += (size_t)sprintf(t + k, map ? "}" : "]}");
    *len = k;
    return t;
}

/* A group whose "recovery" and "recovery_time" objects hold n keys each,
 * none in both: the loader looks each key of one up in the other. The
 * reference has no "recovery_time" but an extension of the same keys. */
static char *json_rate_time(size_t n, bool lookups, size_t *len)
{
    char *t = malloc(256 + n * 40);
    assert_non_null(t);
    size_t k = (size_t)sprintf(t, "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], \"groups\": "
                                  "[{\"id\": \"g\", \"region\": \"r\", \"size\": 1, "
                                  "\"recovery\": {");
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(t + k, "%s\"r%zu\": 0.5", i ? ", " : "", i);
    k += (size_t)sprintf(t + k, "}, \"%s\": {", lookups ? "recovery_time" : "x-recovery");
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(t + k, "%s\"t%zu\": 2", i ? ", " : "", i);
    k += (size_t)sprintf(t + k, "}}]}");
    *len = k;
    return t;
}

/*
 * How the work grows from n keys to 8n: 64-fold for n^2, 9-fold for
 * n log n, and more as the larger document falls out of the caches, which
 * a reference of the same strings and size without the map's work (its
 * growth divides this one's) takes out: about 1 for n log n (1.5 at most
 * seen), 5 to 8 for n^2; 3 tells them apart. CPU time, the least of
 * several runs, never the wall clock; a busy machine is measured again.
 */
typedef struct scaling {
    const char *what;
    int (*fn)(void *);
    job *j[4]; /* n, 8n; the reference's n, 8n */
} scaling;

static void scales(const scaling *sc)
{
    double t[4] = {HUGE_VAL, HUGE_VAL, HUGE_VAL, HUGE_VAL}, growth = HUGE_VAL;
    for (int round = 0; round < 3 && !(growth < 3); round++) {
        for (int i = 0; i < 4; i++) {
            double x = cpu_of(sc->fn, sc->j[i], i % 2 ? 1 : 3);
            t[i] = x < t[i] ? x : t[i];
        }
        growth = (t[1] / t[0]) / (t[3] / t[2]);
    }
    if (!(growth < 3))
        fail_msg("%s: from n keys to 8n, %.1f times the growth of the reference (%.4f s to "
                 "%.4f s; the reference %.4f s to %.4f s): about 1 for n log n, 5 to 8 for n^2",
                 sc->what, growth, t[0], t[1], t[2], t[3]);
}

#define SCALE_N 5000

static void free_jobs(job *j)
{
    for (int i = 0; i < 4; i++)
        free(j[i].data);
}

/* Reading a CBOR map: its duplicate keys found in n log n. */
static void test_cbor_read_scales(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    job j[4];
    for (int i = 0; i < 4; i++) {
        j[i] = (job){l, NULL, 0, HSEC_OK, NULL};
        j[i].data = cbor_keys(i % 2 ? 8 * SCALE_N : SCALE_N, i < 2, &j[i].len);
    }
    scaling sc = {"reading a CBOR map", job_load, {&j[0], &j[1], &j[2], &j[3]}};
    scales(&sc);
    free_jobs(j);
    hsec_loader_free(l);
}

/* Reading a JSON object: jansson's hash table, then the tree and its index. */
static void test_json_read_scales(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    job j[4];
    for (int i = 0; i < 4; i++) {
        j[i] = (job){l, NULL, 0, HSEC_OK, NULL};
        j[i].data = (unsigned char *)json_keys(i % 2 ? 8 * SCALE_N : SCALE_N, i < 2, &j[i].len);
    }
    scaling sc = {"reading a JSON object", job_load, {&j[0], &j[1], &j[2], &j[3]}};
    scales(&sc);
    free_jobs(j);
    hsec_loader_free(l);
}

/* Writing a CBOR map: its keys sorted once. */
static void test_cbor_write_scales(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    job j[4];
    char paths[4][512]; /* path_of's buffers are reused */
    for (int i = 0; i < 4; i++) {
        j[i] = (job){l, NULL, 0, HSEC_OK, paths[i]};
        j[i].data = (unsigned char *)json_keys(i % 2 ? 8 * SCALE_N : SCALE_N, i < 2, &j[i].len);
        char name[32];
        snprintf(name, sizeof name, "keys-%d.json", i);
        snprintf(paths[i], sizeof paths[i], "%s", path_of(name));
        put_file(paths[i], j[i].data, j[i].len);
    }
    scaling sc = {"writing a CBOR map", job_convert, {&j[0], &j[1], &j[2], &j[3]}};
    scales(&sc);
    free_jobs(j);
    hsec_loader_free(l);
}

/* A loader's lookups by key in an object of n keys. */
static void test_lookup_scales(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    job j[4];
    for (int i = 0; i < 4; i++) {
        j[i] = (job){l, NULL, 0, HSEC_EFORMAT, NULL}; /* refused: "r0" is no dimension */
        j[i].data =
            (unsigned char *)json_rate_time(i % 2 ? 8 * SCALE_N : SCALE_N, i < 2, &j[i].len);
    }
    scaling sc = {"looking keys up", job_load, {&j[0], &j[1], &j[2], &j[3]}};
    scales(&sc);
    HAS(hsec_loader_errmsg(l), "\"r0\"");
    free_jobs(j);
    hsec_loader_free(l);
}

/* A duplicate key among many: found, at the offset of its second place. */
static void test_duplicate_among_many(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    size_t len;
    unsigned char *b = cbor_keys(1000, true, &len);
    /* the last key, "x-k999", becomes a second "x-k123" */
    assert_memory_equal(b + len - 7, "x-k999", 6);
    memcpy(b + len - 7, "x-k123", 6);
    char want[64];
    snprintf(want, sizeof want, "CBOR byte %zu: duplicate map key \"x-k123\"", len - 8);
    refused(l, b, len, HSEC_EFORMAT, want);
    /* and one among the first keys: "x-k4" (at byte 35) becomes "x-k2" */
    assert_memory_equal(b + 36, "x-k4", 4);
    b[39] = '2';
    refused(l, b, len, HSEC_EFORMAT, "CBOR byte 35: duplicate map key \"x-k2\"");
    free(b);
    hsec_loader_free(l);
}


/* Maps past the small ones (their keys sorted, their offsets kept) read
 * from CBOR and JSON and written as CBOR with each allocation failing in
 * turn: HSEC_ENOMEM, said as such, nothing leaked. */
static void test_large_maps_out_of_memory(void **state)
{
    (void)state;
    size_t clen, jlen;
    unsigned char *cbor = cbor_keys(40, true, &clen);
    char *json = json_keys(40, true, &jlen);
    char in[512], out[512];
    snprintf(in, sizeof in, "%s", path_of("oom.json"));
    snprintf(out, sizeof out, "%s", path_of("oom.cbor"));
    put_file(in, json, jlen);
    for (int what = 0; what < 3; what++) {
        for (long n = 1;; n++) {
            hsec_loader *l = NULL;
            fail_at = 0;
            live = 0;
            OK(hsec_loader_new(&l, &failing));
            calls = 0;
            fail_at = n;
            int rc = what == 0   ? load_bytes(l, cbor, clen)
                     : what == 1 ? load_bytes(l, json, jlen)
                                 : hsec_loader_convert_file(l, in, out, HSEC_FORMAT_CBOR);
            bool done = rc == HSEC_OK && calls < n;
            fail_at = 0;
            if (rc != HSEC_OK) {
                if (rc != HSEC_ENOMEM)
                    fail_msg("%d, allocation %ld failing: %d (%s)", what, n, rc,
                             hsec_loader_errmsg(l));
                HAS(hsec_loader_errmsg(l), "out of memory");
            }
            hsec_loader_free(l);
            if (live != 0)
                fail_msg("%d, allocation %ld failing: %ld blocks leaked", what, n, live);
            if (done)
                break;
        }
    }
    free(cbor);
    free(json);
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer_edges),
        cmocka_unit_test(test_cbor_utf8),
        cmocka_unit_test(test_extension_nonfinite),
        cmocka_unit_test(test_overflowing_results),
        cmocka_unit_test(test_duplicate_among_many),
        cmocka_unit_test(test_large_maps_out_of_memory),
        cmocka_unit_test(test_cbor_read_scales),
        cmocka_unit_test(test_json_read_scales),
        cmocka_unit_test(test_cbor_write_scales),
        cmocka_unit_test(test_lookup_scales),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
