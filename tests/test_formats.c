/* CBOR, the container and the loader: exact round trips, and every bad
 * input of doc/format.md refused with a clear message and no crash. */
#include "util.h"

#include <jansson.h>
#include <zlib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/hsec-formats-XXXXXX";

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

static const char *const doc =
    "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
    " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 1234.5, \"recovery\": 0.1,"
    "   \"vulnerability\": {\"health\": 1.7976931348623157e308}, \"baseline\": {\"food\": 5e-324}}],"
    " \"services\": [{\"id\": \"s\", \"kind\": \"water\", \"recovery\": 0.30000000000000004}],"
    " \"links\": [{\"from\": \"s\", \"to\": \"g.health\", \"weight\": 0.1, \"lag\": 3}],"
    " \"threats\": [{\"id\": \"t\", \"targets\": [{\"node\": \"s\", \"magnitude\": 0.7}]}],"
    " \"run\": {\"mode\": \"dynamic\", \"steps\": 20, \"record\": [\"s\", \"g\"]},"
    " \"x-numbers\": [-0.0, 0.1, 1e-300, -2.5e17, 18446744073709551616, -9007199254740994,"
    "   -18446744073709551616, 9223372036854775808, -9223372036854775808,"
    "   3.4028234663852886e38, 1.401298464324817e-45, 123456789012345677877719597056]}";

/* Two JSON documents hold the same values: keys in any order, every
 * number the same double to the bit. */
static bool same(const json_t *a, const json_t *b)
{
    if (json_typeof(a) != json_typeof(b)) {
        if (json_is_number(a) && json_is_number(b)) {
            double x = json_number_value(a), y = json_number_value(b);
            return memcmp(&x, &y, sizeof x) == 0;
        }
        return false;
    }
    const char *k;
    json_t *v;
    size_t i;
    switch (json_typeof(a)) {
    case JSON_OBJECT:
        if (json_object_size(a) != json_object_size(b))
            return false;
        json_object_foreach((json_t *)a, k, v) {
            json_t *w = json_object_get(b, k);
            if (!w || !same(v, w))
                return false;
        }
        return true;
    case JSON_ARRAY:
        if (json_array_size(a) != json_array_size(b))
            return false;
        json_array_foreach(a, i, v) if (!same(v, json_array_get(b, i))) return false;
        return true;
    case JSON_INTEGER:
    case JSON_REAL: {
        double x = json_number_value(a), y = json_number_value(b);
        return memcmp(&x, &y, sizeof x) == 0;
    }
    default: return json_equal(a, b);
    }
}

static json_t *json_file(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, JSON_DECODE_INT_AS_REAL, &e);
    if (!j)
        fail_msg("%s: %s", path, e.text);
    return j;
}

static hsec_loader *loader(void)
{
    hsec_loader *l = NULL;
    OK(hsec_loader_new(&l, NULL));
    return l;
}

/* JSON -> X -> JSON prints exactly what JSON -> JSON prints: every double
 * bit for bit (17 significant digits are unique), every key and value. */
static void test_round_trips(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    put_file(path_of("doc.json"), doc, strlen(doc));
    OK(hsec_loader_convert_file(l, path_of("doc.json"), path_of("ref.json"), HSEC_FORMAT_JSON));
    size_t nref;
    unsigned char *ref = read_file(path_of("ref.json"), &nref);
    assert_non_null(strstr((char *)ref, "-0.0"));
    assert_non_null(strstr((char *)ref, "4.9406564584124654e-324"));
    json_t *orig = json_file(path_of("doc.json"));
    json_t *back1 = json_file(path_of("ref.json"));
    assert_true(same(orig, back1));
    json_decref(back1);
    for (int f = HSEC_FORMAT_CBOR; f < HSEC_FORMAT_COUNT; f++) {
        OK(hsec_loader_convert_file(l, path_of("doc.json"), path_of("doc.bin"), (hsec_format)f));
        OK(hsec_loader_convert_file(l, path_of("doc.bin"), path_of("back.json"), HSEC_FORMAT_JSON));
        json_t *back = json_file(path_of("back.json"));
        if (!same(orig, back))
            fail_msg("format %d: the round trip changed the document", f);
        json_decref(back);
        /* and the encoding is deterministic: encoding it again gives the same bytes */
        OK(hsec_loader_convert_file(l, path_of("doc.bin"), path_of("again.bin"), (hsec_format)f));
        size_t n1, n2;
        unsigned char *b1 = read_file(path_of("doc.bin"), &n1), *b2 = read_file(path_of("again.bin"), &n2);
        assert_int_equal(n1, n2);
        assert_memory_equal(b1, b2, n1);
        free(b1);
        free(b2);
    }
    free(ref);
    json_decref(orig);
    /* the same scenario from every encoding runs to bit-identical results */
    hsec_scenario *s[3];
    OK(hsec_loader_load_file(&s[0], l, path_of("doc.json")));
    OK(hsec_loader_convert_file(l, path_of("doc.json"), path_of("doc.cbor"), HSEC_FORMAT_CBOR));
    OK(hsec_loader_load_file(&s[1], l, path_of("doc.cbor")));
    OK(hsec_loader_convert_file(l, path_of("doc.json"), path_of("doc.hsec"),
                                HSEC_FORMAT_CONTAINER_ZLIB));
    OK(hsec_loader_load_file(&s[2], l, path_of("doc.hsec")));
    hsec_result *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = run_ok(s[i]);
    size_t n = hsec_result_node_count(r[0]);
    for (int i = 1; i < 3; i++) {
        assert_memory_equal(hsec_result_q(r[i]), hsec_result_q(r[0]), n * sizeof(double));
        assert_true(burden_of(r[i], HSEC_BURDEN_TOTAL, 0) == burden_of(r[0], HSEC_BURDEN_TOTAL, 0));
    }
    /* results: series travel as typed arrays and come back bit for bit */
    OK(hsec_doc_save_results(path_of("res.json"), r[0], s[0], HSEC_FORMAT_JSON));
    OK(hsec_doc_save_results(path_of("res.hsec"), r[0], s[0], HSEC_FORMAT_CONTAINER_ZLIB));
    OK(hsec_loader_convert_file(l, path_of("res.hsec"), path_of("res2.json"), HSEC_FORMAT_JSON));
    size_t a, b;
    unsigned char *ja = read_file(path_of("res.json"), &a), *jb = read_file(path_of("res2.json"), &b);
    char *jtext = NULL;
    size_t jl;
    OK(hsec_doc_results_json(&jtext, &jl, r[0], s[0]));
    assert_int_equal(a, jl + 1); /* the file ends with a newline */
    assert_memory_equal(ja, jtext, jl);
    hsec_free_string(jtext);
    free(ja);
    free(jb);
    size_t hb;
    unsigned char *h = read_file(path_of("res.hsec"), &hb);
    assert_true(hb < a); /* compressed */
    free(h);
    for (int i = 0; i < 3; i++) {
        hsec_result_free(r[i]);
        hsec_scenario_free(s[i]);
    }
    hsec_loader_free(l);
}

static int load_bytes(hsec_loader *l, const void *data, size_t len)
{
    hsec_scenario *s = (hsec_scenario *)1;
    int rc = hsec_loader_load(&s, l, data, len);
    if (rc)
        assert_null(s);
    hsec_scenario_free(rc ? NULL : s);
    return rc;
}

/* A small container, every truncation and every flipped bit. */
static void test_truncation_and_bit_flips(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    const char *small = "{\"hsec\": 1, \"services\": [{\"id\": \"a\", \"kind\": \"water\"}],"
                        " \"run\": {\"steps\": 5, \"mode\": \"dynamic\"}}";
    put_file(path_of("small.json"), small, strlen(small));
    for (int f = HSEC_FORMAT_CBOR; f < HSEC_FORMAT_COUNT; f++) {
        OK(hsec_loader_convert_file(l, path_of("small.json"), path_of("small.bin"), (hsec_format)f));
        size_t n;
        unsigned char *b = read_file(path_of("small.bin"), &n);
        OK(load_bytes(l, b, n));
        assert_int_equal(load_bytes(l, b, 0), HSEC_EFORMAT); /* empty */
        for (size_t cut = 1; cut < n; cut++) {
            int rc = load_bytes(l, b, cut);
            if (rc != HSEC_EFORMAT)
                fail_msg("format %d cut at %zu of %zu: %d (%s)", f, cut, n, rc,
                         hsec_loader_errmsg(l));
        }
        if (f != HSEC_FORMAT_CBOR) { /* the container's CRC catches every flip */
            for (size_t bit = 0; bit < n * 8; bit++) {
                b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
                int rc = load_bytes(l, b, n);
                b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
                if (rc == HSEC_OK)
                    fail_msg("format %d: bit %zu flipped was accepted", f, bit);
            }
        } else { /* bare CBOR: a flip may still be a valid document, never a crash */
            for (size_t bit = 0; bit < n * 8; bit++) {
                b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
                (void)load_bytes(l, b, n);
                b[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            }
        }
        free(b);
    }
    hsec_loader_free(l);
}

static void expect(hsec_loader *l, const void *data, size_t len, int code, const char *frag)
{
    int rc = load_bytes(l, data, len);
    if (rc != code)
        fail_msg("code %d, expected %d (%s)", rc, code, hsec_loader_errmsg(l));
    HAS(hsec_loader_errmsg(l), frag);
}

static void test_bad_containers(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    const char *small = "{\"hsec\": 1}";
    put_file(path_of("s.json"), small, strlen(small));
    OK(hsec_loader_convert_file(l, path_of("s.json"), path_of("s.hsec"), HSEC_FORMAT_CONTAINER));
    size_t n;
    unsigned char *b = read_file(path_of("s.hsec"), &n);
    unsigned char *c = malloc(n);
    memcpy(c, b, n);
    c[1] = 'X';
    expect(l, c, n, HSEC_EFORMAT, "JSON"); /* no magic: read as JSON, which it is not */
    /* header fields changed with a fresh header CRC: each check speaks */
    static const struct { int at; unsigned char v; const char *msg; } edits[] = {
        {8, 2, "format version 2 is newer than this library"},
        {10, 4, "flags 0x4 has unknown bits"},
        {12, 0x55, "CRC-32 "},
        {23, 0xff, "the limit is"},
        {24, 0x7f, "bytes follow the header"},
        {32, 0x55, "the stored bytes' CRC-32 does not match"},
    };
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        memcpy(c, b, n);
        c[edits[e].at] = edits[e].v;
        uLong h = crc32(0L, c, 36);
        for (int i = 0; i < 4; i++)
            c[36 + i] = (unsigned char)(h >> (8 * i));
        expect(l, c, n, HSEC_EFORMAT, edits[e].msg);
    }
    memcpy(c, b, n);
    c[9] = 1; /* without a fresh header CRC */
    expect(l, c, n, HSEC_EFORMAT, "the header's CRC-32 does not match");
    expect(l, b, 20, HSEC_EFORMAT, "header truncated (20 of 40 bytes)");
    free(c);
    free(b);
    hsec_loader_free(l);
}

/* A payload that expands a thousandfold: a megabyte of one letter. */
static void test_decompression_bomb(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    size_t pad = 1 << 20;
    char *text = malloc(pad + 64);
    int k = sprintf(text, "{\"hsec\": 1, \"x-pad\": \"");
    memset(text + k, 'a', pad - 64);
    strcpy(text + k + pad - 64, "\"}");
    put_file(path_of("pad.json"), text, strlen(text));
    OK(hsec_loader_convert_file(l, path_of("pad.json"), path_of("pad.hsec"),
                                HSEC_FORMAT_CONTAINER_ZLIB));
    size_t n;
    unsigned char *b = read_file(path_of("pad.hsec"), &n);
    assert_true(n * 500 < pad); /* it does expand more than 500-fold */
    expect(l, b, n, HSEC_EFORMAT, "more than 200-fold");
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_RATIO, 2000));
    OK(load_bytes(l, b, n)); /* a caller that expects it may allow it */
    free(b);
    free(text);
    hsec_loader_free(l);
}

/* A compressed container of the given CBOR, built here by the layout in
 * doc/format.md (lib/doc/container.c): so that a test can wrap bytes the
 * library would never write. */
static unsigned char *zcontainer(const unsigned char *cbor, size_t n, size_t *out)
{
    uLongf room = compressBound((uLong)n);
    unsigned char *c = malloc(40 + room);
    assert_int_equal(compress2(c + 40, &room, cbor, (uLong)n, Z_DEFAULT_COMPRESSION), Z_OK);
    static const unsigned char magic[8] = {0x89, 'H', 'S', 'E', 'C', '\r', '\n', 0x1a};
    memcpy(c, magic, 8);
    uint64_t f[6] = {1, 1, crc32(0L, cbor, (uInt)n), n, room, crc32(0L, c + 40, (uInt)room)};
    const int at[6] = {8, 10, 12, 16, 24, 32}, width[6] = {2, 2, 4, 8, 8, 4};
    for (int k = 0; k < 6; k++)
        for (int i = 0; i < width[k]; i++)
            c[at[k] + i] = (unsigned char)(f[k] >> (8 * i));
    uLong h = crc32(0L, c, 36);
    for (int i = 0; i < 4; i++)
        c[36 + i] = (unsigned char)(h >> (8 * i));
    *out = 40 + room;
    return c;
}

/* A compressed container is decoded while it inflates, piece by piece: the
 * same scenario as from bare CBOR, whatever the limits make of the pieces,
 * and each failure still the container's or the document's own. */
static void test_inflating_while_decoding(void **state)
{
    (void)state;
    /* 2,000 services and 20,000 links: some 700 KB of CBOR, several pieces */
    size_t cap = 3u << 20, len = 0;
    char *text = malloc(cap);
    len += (size_t)sprintf(text + len, "{\"hsec\": 1, \"services\": [");
    for (int i = 0; i < 2000; i++)
        len += (size_t)sprintf(text + len, "%s{\"id\": \"s%d\", \"kind\": \"water\"}", i ? ", " : "", i);
    len += (size_t)sprintf(text + len, "], \"links\": [");
    for (int i = 0; i < 2000; i++)
        for (int k = 0; k < 10; k++)
            len += (size_t)sprintf(text + len, "%s{\"from\": \"s%d\", \"to\": \"s%d\", \"weight\": 0.0%d}",
                                   i || k ? ", " : "", (i + 37 * k + 1) % 2000, i, 1 + k % 9);
    len += (size_t)sprintf(text + len, "], \"threats\": [{\"id\": \"t\", \"actor\": \"natural\", "
                           "\"targets\": [{\"node\": \"s0\", \"magnitude\": 0.5}]}], "
                           "\"run\": {\"mode\": \"static\", \"bounded\": false}, \"x-pad\": \"");
    /* a string longer than a piece at the end: read once all of it is there */
    memset(text + len, 'a', 300000);
    len += 300000;
    len += (size_t)sprintf(text + len, "\"}");
    assert_true(len < cap);
    put_file(path_of("big.json"), text, len);
    free(text);
    hsec_loader *l = loader();
    OK(hsec_loader_convert_file(l, path_of("big.json"), path_of("big.cbor"), HSEC_FORMAT_CBOR));
    OK(hsec_loader_convert_file(l, path_of("big.json"), path_of("big.hsec"),
                                HSEC_FORMAT_CONTAINER_ZLIB));
    size_t nc, nz;
    unsigned char *cbor = read_file(path_of("big.cbor"), &nc);
    unsigned char *z = read_file(path_of("big.hsec"), &nz);
    assert_true(nc > 2 * (256u << 10)); /* more than two pieces */
    hsec_scenario *s0 = NULL, *s1 = NULL, *s2 = NULL;
    OK(hsec_loader_load(&s0, l, cbor, nc));
    OK(hsec_loader_load(&s1, l, z, nz));
    /* strings of 300,000 bytes at most: each item waits for a window of
     * 600,256 bytes, not for the whole */
    hsec_loader *small = loader();
    OK(hsec_loader_set_limit(small, HSEC_LIMIT_STRING, 300000));
    OK(hsec_loader_load(&s2, small, z, nz));
    hsec_result *r0 = run_ok(s0), *r1 = run_ok(s1), *r2 = run_ok(s2);
    size_t n = hsec_result_node_count(r0);
    assert_int_equal(n, 2000);
    assert_true(hsec_result_q(r0)[0] > 0);
    assert_memory_equal(hsec_result_q(r1), hsec_result_q(r0), n * sizeof(double));
    assert_memory_equal(hsec_result_q(r2), hsec_result_q(r0), n * sizeof(double));
    hsec_result_free(r0);
    hsec_result_free(r1);
    hsec_result_free(r2);
    hsec_scenario_free(s0);
    hsec_scenario_free(s1);
    hsec_scenario_free(s2);
    /* a string past the limit, at the end: refused as from bare CBOR */
    OK(hsec_loader_set_limit(small, HSEC_LIMIT_STRING, 299999));
    expect(small, cbor, nc, HSEC_EFORMAT, "a string of 300000 bytes (the limit is 299999)");
    char bare[HSEC_ERRMSG_MAX];
    snprintf(bare, sizeof bare, "%s", hsec_loader_errmsg(small));
    expect(small, z, nz, HSEC_EFORMAT, bare);
    hsec_loader_free(small);
    /* the uncompressed bytes' CRC-32 wrong (the header's own made right) */
    unsigned char *c = malloc(nz);
    memcpy(c, z, nz);
    c[12] ^= 0x55;
    uLong h = crc32(0L, c, 36);
    for (int i = 0; i < 4; i++)
        c[36 + i] = (unsigned char)(h >> (8 * i));
    expect(l, c, nz, HSEC_EFORMAT, "does not match the header's");
    /* deflate's bytes damaged mid-way, the stored bytes' CRC made right:
     * the container says so, not the half-read document */
    memcpy(c, z, nz);
    for (size_t i = nz / 2; i < nz / 2 + 64; i++)
        c[i] ^= 0xa5;
    uLong sc = crc32(0L, c + 40, (uInt)(nz - 40));
    for (int i = 0; i < 4; i++)
        c[32 + i] = (unsigned char)(sc >> (8 * i));
    h = crc32(0L, c, 36);
    for (int i = 0; i < 4; i++)
        c[36 + i] = (unsigned char)(h >> (8 * i));
    expect(l, c, nz, HSEC_EFORMAT, "container: ");
    free(c);
    /* a sound container around a document cut short: the document's error */
    size_t nt;
    unsigned char *t = zcontainer(cbor, nc - 100, &nt);
    expect(l, t, nt, HSEC_EFORMAT, "truncated");
    free(t);
    /* and around the whole document: as good as the library's own */
    t = zcontainer(cbor, nc, &nt);
    OK(load_bytes(l, t, nt));
    free(t);
    free(cbor);
    free(z);
    hsec_loader_free(l);
}

/* Hand-made CBOR: huge counts, deep nesting, NaN, odd items. */
static void test_bad_cbor(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    /* an array of 2^63 items, a map of 2^32 pairs */
    const unsigned char arr63[] = {0xa1, 0x64, 'h', 's', 'e', 'c', 0x9b, 0x80, 0, 0, 0, 0, 0, 0, 0};
    expect(l, arr63, sizeof arr63, HSEC_EFORMAT, "an array of 9223372036854775808 items");
    const unsigned char map32[] = {0xba, 0xff, 0xff, 0xff, 0xff, 0x01};
    expect(l, map32, sizeof map32, HSEC_EFORMAT, "a map of 4294967295 items");
    const unsigned char map1[] = {0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x01};
    expect(l, map1, sizeof map1, HSEC_EFORMAT, "a map of 4294967296 items");
    /* nesting 10,000 deep */
    size_t depth = 10000;
    unsigned char *deep = malloc(depth + 8);
    deep[0] = 0xa1;
    deep[1] = 0x61;
    deep[2] = 'x';
    memset(deep + 3, 0x81, depth);
    deep[3 + depth] = 0x00;
    expect(l, deep, depth + 4, HSEC_EFORMAT, "nesting deeper than 64");
    free(deep);
    /* NaN and infinity: the loader names the field */
    const unsigned char nan_size[] = {
        0xa3, 0x64, 'h', 's', 'e', 'c', 0x01, 0x67, 'r', 'e', 'g', 'i', 'o', 'n', 's', 0x81,
        0xa1, 0x62, 'i', 'd', 0x61, 'r', 0x66, 'g', 'r', 'o', 'u', 'p', 's', 0x81, 0xa3, 0x62,
        'i', 'd', 0x61, 'g', 0x66, 'r', 'e', 'g', 'i', 'o', 'n', 0x61, 'r', 0x64, 's', 'i',
        'z', 'e', 0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0};
    expect(l, nan_size, sizeof nan_size, HSEC_EINVAL, "groups[0]: group g: size nan");
    unsigned char inf_size[sizeof nan_size];
    memcpy(inf_size, nan_size, sizeof nan_size);
    inf_size[sizeof nan_size - 7] = 0xf0; /* 0x7ff0... = +inf */
    expect(l, inf_size, sizeof inf_size, HSEC_EINVAL, "size inf");
    inf_size[sizeof nan_size - 8] = 0xff; /* -inf: refused as well */
    expect(l, inf_size, sizeof inf_size, HSEC_EINVAL, "size -inf");
    /* items the format does not use */
    const unsigned char indef[] = {0xbf, 0xff};
    expect(l, indef, sizeof indef, HSEC_EFORMAT, "indefinite-length");
    const unsigned char intkey[] = {0xa1, 0x01, 0x01};
    expect(l, intkey, sizeof intkey, HSEC_EFORMAT, "a map key must be a text string");
    const unsigned char dupkey[] = {0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02};
    expect(l, dupkey, sizeof dupkey, HSEC_EFORMAT, "duplicate map key \"a\"");
    const unsigned char tag[] = {0xa1, 0x61, 'a', 0xc1, 0x01};
    expect(l, tag, sizeof tag, HSEC_EFORMAT, "tag 1 is not accepted");
    const unsigned char bytes[] = {0xa1, 0x61, 'a', 0x41, 0x00};
    expect(l, bytes, sizeof bytes, HSEC_EFORMAT, "byte strings appear only in typed arrays");
    const unsigned char odd[] = {0xa1, 0x61, 'a', 0xd8, 86, 0x43, 1, 2, 3};
    expect(l, odd, sizeof odd, HSEC_EFORMAT, "not a multiple of 8");
    const unsigned char trailing[] = {0xa0, 0x00};
    expect(l, trailing, sizeof trailing, HSEC_EFORMAT, "bytes after the document");
    const unsigned char nul[] = {0xa1, 0x62, 'a', 0x00, 0x01};
    expect(l, nul, sizeof nul, HSEC_EFORMAT, "NUL byte");
    hsec_loader_free(l);
}

/* The caller's limits: nodes, links, strings, depth, size. */
static void test_limits(void **state)
{
    (void)state;
    hsec_loader *l = loader();
    const char *two = "{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}],"
                      " \"groups\": [{\"id\": \"g\", \"region\": \"r\", \"size\": 1}],"
                      " \"services\": [{\"id\": \"s\", \"kind\": \"water\"}],"
                      " \"links\": [{\"from\": \"s\", \"to\": \"g.food\", \"weight\": 0.1},"
                      "            {\"from\": \"s\", \"to\": \"g.health\", \"weight\": 0.1}]}";
    OK(load_bytes(l, two, strlen(two)));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_NODES, 7));
    expect(l, two, strlen(two), HSEC_EFORMAT, "8 nodes (the limit is 7)");
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_NODES, 8));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_LINKS, 1));
    expect(l, two, strlen(two), HSEC_EFORMAT, "2 links (the limit is 1)");
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_LINKS, 2));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_STRING, 2));
    expect(l, two, strlen(two), HSEC_EFORMAT, "a string longer than 2 bytes");
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_STRING, 100));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_DEPTH, 2));
    expect(l, two, strlen(two), HSEC_EFORMAT, "nesting deeper than 2");
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_DEPTH, 3));
    OK(load_bytes(l, two, strlen(two)));
    OK(hsec_loader_set_limit(l, HSEC_LIMIT_SIZE, 100));
    expect(l, two, strlen(two), HSEC_EFORMAT, "the limit is 100");
    uint64_t v;
    OK(hsec_loader_get_limit(&v, l, HSEC_LIMIT_SIZE));
    assert_int_equal(v, 100);
    assert_int_equal(hsec_loader_set_limit(l, HSEC_LIMIT_SIZE, 0), HSEC_EINVAL);
    assert_int_equal(hsec_loader_set_limit(l, (hsec_limit)9, 1), HSEC_EINVAL);
    assert_int_equal(hsec_loader_get_limit(&v, l, (hsec_limit)9), HSEC_EINVAL);
    /* a file over the size limit is not even read whole */
    put_file(path_of("two.json"), two, strlen(two));
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_loader_load_file(&s, l, path_of("two.json")), HSEC_EFORMAT);
    HAS(hsec_loader_errmsg(l), "two.json");
    assert_int_equal(hsec_loader_load_file(&s, l, path_of("none.json")), HSEC_EIO);
    HAS(hsec_loader_errmsg(l), "No such file");
    hsec_loader_free(l);
}

/* The same semantic errors from a CBOR document as from JSON. */
static void test_cbor_semantic_errors(void **state)
{
    (void)state;
    static const char *const docs[][2] = {
        {"{\"hsec\": 1, \"sise\": 1}", "unknown key \"sise\""},
        {"{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}, {\"id\": \"r\"}]}", "already used"},
        {"{\"hsec\": 1, \"links\": [{\"from\": \"a\", \"to\": \"b\", \"weight\": 0.1}]}",
         "is not a node"},
        {"{\"hsec\": 1, \"regions\": [{\"id\": \"r\"}], \"groups\": [{\"id\": \"g\", \"region\": "
         "\"r\", \"size\": -3}]}", "size -3"},
        {"{\"hsec\": 1, \"x-anything\": {\"goes\": [1, 2.5, null, true]}}", NULL},
    };
    hsec_loader *l = loader();
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        put_file(path_of("sem.json"), docs[i][0], strlen(docs[i][0]));
        OK(hsec_loader_convert_file(l, path_of("sem.json"), path_of("sem.cbor"), HSEC_FORMAT_CBOR));
        hsec_scenario *s = NULL;
        int rc = hsec_loader_load_file(&s, l, path_of("sem.cbor"));
        if (!docs[i][1]) {
            OK(rc);
            hsec_scenario_free(s);
            continue;
        }
        assert_int_not_equal(rc, HSEC_OK);
        HAS(hsec_loader_errmsg(l), docs[i][1]);
    }
    hsec_loader_free(l);
}

/* Saving replaces a file whole or not at all. */
static void test_atomic_write(void **state)
{
    (void)state;
    char p[256];
    snprintf(p, sizeof p, "%s", path_of("out.txt"));
    OK(hsec_write_file(p, "first", 5));
    OK(hsec_write_file(p, "second", 6));
    size_t n;
    unsigned char *b = read_file(p, &n);
    assert_int_equal(n, 6);
    assert_memory_equal(b, "second", 6);
    free(b);
    /* a directory in the way: the rename fails, nothing is left behind */
    mkdir(path_of("adir"), 0755);
    assert_int_equal(hsec_write_file(path_of("adir"), "x", 1), HSEC_EIO);
    assert_int_equal(hsec_write_file(path_of("no/such/dir/f"), "x", 1), HSEC_EIO);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "ls -A %s | grep -c '\\.tmp-' > /dev/null", dir);
    assert_int_not_equal(system(cmd), 0); /* no temporary file remains */
    /* a link to a directory stays what it is (devices, pipes and links to
     * files: test_files.c) */
    struct stat st;
    assert_int_equal(symlink("adir", path_of("link")), 0);
    assert_int_equal(hsec_write_file(path_of("link"), "x", 1), HSEC_EIO);
    assert_int_equal(lstat(path_of("link"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* a name as long as the file system takes (255 bytes) is written */
    char longname[256];
    memset(longname, 'a', 255);
    longname[255] = '\0';
    OK(hsec_write_file(path_of(longname), "long", 4));
    assert_int_equal(system(cmd) == 0, 0);
    assert_int_equal(hsec_write_file(NULL, "x", 1), HSEC_EINVAL);
    /* a failed conversion leaves the old output untouched */
    hsec_loader *l = loader();
    put_file(path_of("bad.json"), "{\"hsec\": ", 9);
    assert_int_equal(hsec_loader_convert_file(l, path_of("bad.json"), p, HSEC_FORMAT_CBOR),
                     HSEC_EFORMAT);
    b = read_file(p, &n);
    assert_memory_equal(b, "second", 6);
    free(b);
    assert_int_equal(hsec_loader_convert_file(l, path_of("bad.json"), p, (hsec_format)7),
                     HSEC_EINVAL);
    hsec_loader_free(l);
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
        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_truncation_and_bit_flips),
        cmocka_unit_test(test_bad_containers),
        cmocka_unit_test(test_decompression_bomb),
        cmocka_unit_test(test_inflating_while_decoding),
        cmocka_unit_test(test_bad_cbor),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_cbor_semantic_errors),
        cmocka_unit_test(test_atomic_write),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
