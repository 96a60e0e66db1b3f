/*
 * Work in parts as bytes (doc/distributed.md): an ensemble, whole or a
 * part, and a comparison's packages, each a CBOR document in the
 * checksummed container, so that workers in other processes or on other
 * machines can send their parts back to be merged.
 *
 *   hsec: 1, kind: "ensemble" or "compare", version: 1,
 *   fingerprint: 16 hex digits, the scenario's (hd_scenario_fingerprint: zlib's
 *                CRC-32 and Adler-32 of its document, thread counts and
 *                quantiles left out, as they change no figure),
 *   first, last, total: the members (packages) held (first .. last - 1 of total),
 *   width: values per member (package),
 *   values: (last - first) x width doubles (an RFC 8746 typed array),
 *   special: [[index, high 32 bits, low 32 bits], ...] for each value that
 *            is not finite (written as 0 in values, which a document cannot
 *            hold otherwise), so that every value reads back bit for bit;
 *   an ensemble's measures: 0 or 1 for each measure;
 *   a comparison's branches: true or false, and when true branch_values,
 *   (last - first) x HSEC_BRANCH_COUNT doubles (NaN: a branch the package
 *   does not name) with branch_special alike.
 *
 * The layer sees ensembles and results through the public API alone: an
 * ensemble's table (hsec_ensemble_table) out, and an ensemble from a table
 * (hsec_scenario_ensemble_from_table) in; a package's figures from its
 * result's getters (hd_compare_figures), and the comparison document
 * written from them (hd_compare_doc).
 */
#include "doc.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define VERSION 1

/* The last fingerprints found, by the scenario's stamp: the document of a
 * national scenario takes seconds to build, and saving a part and then
 * loading every worker's part back would each build it again. */
#define REMEMBERED 4
static struct {
    pthread_mutex_t lock;
    uint64_t stamp[REMEMBERED]; /* 0: empty */
    char hex[REMEMBERED][17];
    unsigned next;
} remembered = {PTHREAD_MUTEX_INITIALIZER, {0}, {{0}}, 0};

static bool recall(char *hex, uint64_t stamp)
{
    bool found = false;
    pthread_mutex_lock(&remembered.lock);
    for (unsigned i = 0; i < REMEMBERED && !found; i++)
        if (stamp && remembered.stamp[i] == stamp) {
            memcpy(hex, remembered.hex[i], 17);
            found = true;
        }
    pthread_mutex_unlock(&remembered.lock);
    return found;
}

static void remember(const char *hex, uint64_t stamp)
{
    pthread_mutex_lock(&remembered.lock);
    unsigned i = remembered.next++ % REMEMBERED;
    remembered.stamp[i] = stamp;
    memcpy(remembered.hex[i], hex, 17);
    pthread_mutex_unlock(&remembered.lock);
}

/* The scenario's fingerprint as 16 hex digits into hex (17 bytes). */
static int fingerprint(char *hex, const hsec_scenario *s)
{
    uint64_t stamp = hsec_scenario_stamp(s);
    if (recall(hex, stamp))
        return HSEC_OK;
    uint64_t fp = 0;
    int rc = hd_scenario_fingerprint(&fp, s);
    if (rc)
        return rc;
    snprintf(hex, 17, "%016llx", (unsigned long long)fp);
    /* a scenario that changed while its document was built (another
     * thread's call, against the threading rules) is not remembered */
    if (hsec_scenario_stamp(s) == stamp)
        remember(hex, stamp);
    return HSEC_OK;
}

/* The width an ensemble of s has (an empty one tells). */
static int width_of(size_t *width, const hsec_scenario *s)
{
    hsec_ensemble *e = NULL;
    int rc = hsec_scenario_ensemble_from_table(&e, s, NULL, 0, 0, 0, NULL, 0);
    if (rc)
        return rc;
    *width = hsec_ensemble_width(e);
    hsec_ensemble_free(e);
    return HSEC_OK;
}

void hsec_free_bytes(unsigned char *bytes)
{
    if (!bytes)
        return;
    hsec_allocator a;
    memcpy(&a, bytes - HD_STRING_HEAD, sizeof a);
    hd_release(&a, bytes - HD_STRING_HEAD);
}

/* A new document of `kind` with its version and the scenario's
 * fingerprint (b->oom set on failure). */
static hd *new_doc(hb *b, const char *kind, const char *hex)
{
    hd *doc = hb_new(b, HD_OBJ);
    hb_set(b, doc, "hsec", hb_num(b, 1));
    hb_set(b, doc, "kind", hb_str(b, kind));
    hb_set(b, doc, "version", hb_num(b, VERSION));
    hb_set(b, doc, "fingerprint", hb_str(b, hex));
    return doc;
}

/* table (count values) at key, each value that is not finite written as 0
 * and listed at special_key; table is changed. */
static void put_table(hb *b, hd *doc, const char *key, const char *special_key, double *table,
                      size_t count)
{
    hd *special = hb_new(b, HD_ARR);
    for (size_t i = 0; i < count && !b->oom; i++) {
        if (isfinite(table[i]))
            continue;
        uint64_t u;
        memcpy(&u, &table[i], sizeof u);
        hd *t = hb_new(b, HD_ARR);
        hb_push(b, t, hb_num(b, (double)i));
        hb_push(b, t, hb_num(b, (double)(u >> 32)));
        hb_push(b, t, hb_num(b, (double)(u & 0xffffffffu)));
        hb_push(b, special, t);
        table[i] = 0;
    }
    hb_set(b, doc, special_key, special);
    hb_set(b, doc, key, hb_nums(b, table, count));
}

/* The document as bytes in the container, freed with hsec_free_bytes;
 * frees doc. */
static int bytes_of(unsigned char **out, size_t *len, hsec_allocator *al, hb *b, hd *doc)
{
    unsigned char *cbor = NULL, *wrapped = NULL;
    size_t n = 0, wn = 0;
    int rc = b->oom ? HSEC_ENOMEM : hd_to_cbor(&cbor, &n, al, doc);
    hd_free(al, doc);
    if (!rc) {
        rc = hd_container_wrap(&wrapped, &wn, al, cbor, n, false);
        hd_release(al, cbor);
    }
    unsigned char *buf = NULL;
    if (!rc && !(buf = wn <= SIZE_MAX - HD_STRING_HEAD ? hd_alloc(al, HD_STRING_HEAD + wn)
                                                       : NULL))
        rc = HSEC_ENOMEM;
    if (rc) {
        hd_release(al, wrapped);
        return hd_fail(rc, "out of memory");
    }
    memcpy(buf, al, sizeof *al);
    memcpy(buf + HD_STRING_HEAD, wrapped, wn);
    hd_release(al, wrapped);
    *out = buf + HD_STRING_HEAD;
    *len = wn;
    return HSEC_OK;
}

int hsec_doc_ensemble_save(unsigned char **out, size_t *len, const hsec_ensemble *e,
                           const hsec_scenario *s)
{
    if (!out || !len)
        return hd_fail(HSEC_EINVAL, "ensemble_save: %s is NULL", out ? "len" : "out");
    *out = NULL;
    *len = 0;
    if (!e || !s)
        return hd_fail(HSEC_EINVAL, "ensemble_save: %s is NULL", e ? "the scenario"
                                                                    : "the ensemble");
    hsec_allocator al = hd_allocator_of(s);
    uint64_t first, last, total;
    double members;
    size_t width = 0, nm = hsec_scenario_measure_count(s);
    hsec_ensemble_range(&first, &last, &total, e);
    hsec_scenario_get_option(&members, s, HSEC_OPT_MEMBERS);
    int rc = width_of(&width, s);
    if (rc)
        return rc;
    if (width != hsec_ensemble_width(e) || (double)total != members)
        return hd_fail(HSEC_EINVAL, "ensemble_save: the ensemble is not of this scenario (%zu "
                       "values per member of %llu, the scenario's: %zu of %.17g)",
                       hsec_ensemble_width(e), (unsigned long long)total, width, members);
    uint64_t count = (last - first) * width; /* the ensemble holds it: no overflow */
    unsigned char *mask = hd_calloc(&al, nm ? nm : 1, 1);
    double *table = hd_calloc(&al, count ? (size_t)count : 1, sizeof *table);
    if (!mask || !table) {
        hd_release(&al, mask);
        hd_release(&al, table);
        return hd_fail(HSEC_ENOMEM, "out of memory");
    }
    if (hsec_ensemble_measures(mask, nm, e)) {
        hd_release(&al, mask);
        hd_release(&al, table);
        return hd_fail(HSEC_EINVAL, "ensemble_save: the ensemble is not of this scenario "
                       "(its measures: %s)", hsec_last_errmsg());
    }
    char hex[17];
    rc = hsec_ensemble_table(table, (size_t)count, e);
    if (!rc)
        rc = fingerprint(hex, s);
    if (rc) {
        hd_release(&al, mask);
        hd_release(&al, table);
        return rc == HSEC_ENOMEM ? hd_fail(rc, "out of memory") : rc;
    }
    hb b = {&al, false};
    hd *doc = new_doc(&b, "ensemble", hex);
    hb_set(&b, doc, "first", hb_num(&b, (double)first));
    hb_set(&b, doc, "last", hb_num(&b, (double)last));
    hb_set(&b, doc, "total", hb_num(&b, (double)total));
    hb_set(&b, doc, "width", hb_num(&b, (double)width));
    hd *ms = hb_new(&b, HD_ARR);
    for (size_t m = 0; m < nm; m++)
        hb_push(&b, ms, hb_num(&b, mask[m]));
    hb_set(&b, doc, "measures", ms);
    put_table(&b, doc, "values", "special", table, (size_t)count);
    hd_release(&al, table);
    hd_release(&al, mask);
    return bytes_of(out, len, &al, &b, doc);
}

/* A whole number in [0, max] at key; false, with the message set, if not. */
static bool whole(uint64_t *out, const hd *doc, const char *key, uint64_t max, const char *who)
{
    const hd *v = hd_get(doc, key);
    if (!v || v->t != HD_NUM) {
        hd_fail(HSEC_EFORMAT, "%s: \"%s\" is %s, not a number", who, key,
                v ? hd_type_name(v->t) : "missing");
        return false;
    }
    if (!(v->num >= 0 && v->num <= (double)max && v->num == floor(v->num))) {
        hd_fail(HSEC_EFORMAT, "%s: \"%s\" %.17g is not a whole number in [0, %llu]", who, key,
                v->num, (unsigned long long)max);
        return false;
    }
    *out = (uint64_t)v->num;
    return true;
}

/* The document from bytes, checked as far as the container and CBOR go;
 * HSEC_OK or a code with the thread's message set. */
static int open_doc(hd **doc, const hsec_scenario *s, const void *data, size_t len,
                    const char *who)
{
    hsec_allocator al = hd_allocator_of(s);
    hd_limits lim;
    hd_default_limits(&lim);
    uint64_t memory = 0;
    if (!hsec_scenario_get_limit(&memory, s, HSEC_LIMIT_MEMORY) && memory < lim.size)
        lim.size = memory; /* the document may not be larger than the table it could hold */
    char msg[HSEC_ERRMSG_MAX];
    unsigned char *cbor = NULL;
    size_t n = 0;
    int rc = hd_container_unwrap(&cbor, &n, &al, data, len, &lim, msg);
    if (rc)
        return hd_fail(rc, "%s: %s", who, msg);
    rc = hd_from_cbor(doc, &al, cbor, n, &lim, msg);
    hd_release(&al, cbor);
    return rc ? hd_fail(rc, "%s: %s", who, msg) : HSEC_OK;
}

/* The kind, the version and the fingerprint; then first <= last <= total
 * (the scenario's `expected`) and the width. */
static int check_head(const hd *doc, const char *kind_wanted, const char *noun,
                      const hsec_scenario *s, uint64_t expected, const char *unit, size_t width,
                      uint64_t *first, uint64_t *last, const char *who)
{
    if (doc->t != HD_OBJ)
        return hd_fail(HSEC_EFORMAT, "%s: the document is %s, not an object", who,
                       hd_type_name(doc->t));
    const hd *kind = hd_get(doc, "kind");
    if (!kind || kind->t != HD_STR || strcmp(kind->str, kind_wanted))
        return hd_fail(HSEC_EFORMAT, "%s: \"kind\" is %s%s%s, not \"%s\": not %s", who,
                       kind && kind->t == HD_STR ? "\"" : "",
                       !kind ? "missing" : kind->t == HD_STR ? kind->str
                                                              : hd_type_name(kind->t),
                       kind && kind->t == HD_STR ? "\"" : "", kind_wanted, noun);
    uint64_t version, total, w;
    if (!whole(&version, doc, "version", UINT32_MAX, who))
        return HSEC_EFORMAT;
    if (version != VERSION)
        return hd_fail(HSEC_EFORMAT, "%s: version %llu %s (this library reads %d)", who,
                       (unsigned long long)version,
                       version > VERSION ? "is newer than this library" : "is unknown",
                       VERSION);
    const hd *fp = hd_get(doc, "fingerprint");
    char hex[17];
    int rc = fingerprint(hex, s);
    if (rc)
        return hd_fail(rc, "out of memory");
    if (!fp || fp->t != HD_STR)
        return hd_fail(HSEC_EFORMAT, "%s: \"fingerprint\" is %s, not a string", who,
                       fp ? hd_type_name(fp->t) : "missing");
    if (strcmp(fp->str, hex))
        return hd_fail(HSEC_EINVAL, "%s: fingerprint %.64s is not the scenario's %s: %s of "
                       "another scenario or other settings (model, threats, measures, "
                       "packages, run, seed, members or uncertainty)", who, fp->str, hex, noun);
    if (!whole(&total, doc, "total", expected, who) || !whole(last, doc, "last", total, who) ||
        !whole(first, doc, "first", *last, who) || !whole(&w, doc, "width", SIZE_MAX, who))
        return HSEC_EFORMAT;
    if (total != expected)
        return hd_fail(HSEC_EINVAL, "%s: \"total\" %llu is not the scenario's %llu %s", who,
                       (unsigned long long)total, (unsigned long long)expected, unit);
    if (w != width)
        return hd_fail(HSEC_EFORMAT, "%s: \"width\" %llu is not the %zu values per %s of this "
                       "scenario", who, (unsigned long long)w, width, unit);
    return HSEC_OK;
}

/* count doubles at key, and at special_key the values that are not
 * finite, well formed. */
static int check_table(const hd *doc, const char *key, const char *special_key, uint64_t count,
                       const char *what, const char *who)
{
    const hd *v = hd_get(doc, key);
    if (!v || v->t != HD_NUMS)
        return hd_fail(HSEC_EFORMAT, "%s: \"%s\" is %s, not a float64 array", who, key,
                       v ? hd_type_name(v->t) : "missing");
    if (v->n != count)
        return hd_fail(HSEC_EFORMAT, "%s: \"%s\" holds %zu numbers, not the %llu of %s", who,
                       key, v->n, (unsigned long long)count, what);
    const hd *sp = hd_get(doc, special_key);
    if (!sp || sp->t != HD_ARR)
        return hd_fail(HSEC_EFORMAT, "%s: \"%s\" is %s, not an array", who, special_key,
                       sp ? hd_type_name(sp->t) : "missing");
    for (size_t k = 0; k < sp->n; k++) {
        const hd *t = sp->items[k];
        bool ok = t->t == HD_ARR && t->n == 3;
        for (size_t j = 0; ok && j < 3; j++) {
            const hd *x = t->items[j];
            double max = j == 0 ? (double)count - 1 : 4294967295.0;
            ok = x->t == HD_NUM && x->num >= 0 && x->num <= max && x->num == floor(x->num);
        }
        if (ok) {
            uint64_t u = (uint64_t)t->items[1]->num << 32 | (uint64_t)t->items[2]->num;
            double d;
            memcpy(&d, &u, sizeof d);
            size_t i = (size_t)t->items[0]->num;
            ok = !isfinite(d) && v->nums[i] == 0 &&
                 (k == 0 || i > (size_t)sp->items[k - 1]->items[0]->num);
        }
        if (!ok)
            return hd_fail(HSEC_EFORMAT, "%s: \"%s[%zu]\" is not [index, high, low] of a value "
                           "that is not finite, in ascending indices", who, special_key, k);
    }
    return HSEC_OK;
}

/* The values at key with their special values put back (checked). */
static const double *table_at(const hd *doc, const char *key, const char *special_key)
{
    const hd *v = hd_get(doc, key), *sp = hd_get(doc, special_key);
    for (size_t k = 0; k < sp->n; k++) {
        const hd *t = sp->items[k];
        uint64_t u = (uint64_t)t->items[1]->num << 32 | (uint64_t)t->items[2]->num;
        memcpy(&v->nums[(size_t)t->items[0]->num], &u, sizeof u);
    }
    return v->nums;
}

#define WHO "ensemble_load"

/* The checks of an ensemble that do not need the table. */
static int check(const hd *doc, const hsec_scenario *s, uint64_t *first, uint64_t *last,
                 size_t width)
{
    double members;
    hsec_scenario_get_option(&members, s, HSEC_OPT_MEMBERS);
    int rc = check_head(doc, "ensemble", "an ensemble", s, (uint64_t)members, "members", width,
                        first, last, WHO);
    if (rc)
        return rc;
    uint64_t count = (*last - *first) * width; /* below 10^9 x width: no overflow */
    size_t nm = hsec_scenario_measure_count(s);
    const hd *ms = hd_get(doc, "measures");
    if (!ms || ms->t != HD_ARR || ms->n != nm)
        return hd_fail(HSEC_EFORMAT, WHO ": \"measures\" is %s, not an array of the "
                       "%zu measures' 0 or 1", ms ? hd_type_name(ms->t) : "missing", nm);
    for (size_t m = 0; m < nm; m++) {
        const hd *x = ms->items[m];
        if (x->t != HD_NUM || (x->num != 0 && x->num != 1))
            return hd_fail(HSEC_EFORMAT, WHO ": \"measures[%zu]\" is not 0 or 1", m);
    }
    char what[64];
    snprintf(what, sizeof what, "%llu members x %zu", (unsigned long long)(*last - *first),
             width);
    return check_table(doc, "values", "special", count, what, WHO);
}

int hsec_doc_ensemble_load(hsec_ensemble **out, const hsec_scenario *s, const void *data,
                           size_t len)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, WHO ": out is NULL");
    *out = NULL;
    if (!s || (!data && len))
        return hd_fail(HSEC_EINVAL, WHO ": %s is NULL", s ? "data" : "the scenario");
    hsec_allocator al = hd_allocator_of(s);
    hd *doc = NULL;
    int rc = open_doc(&doc, s, data, len, WHO);
    if (rc)
        return rc;
    size_t width = 0;
    uint64_t first = 0, last = 0;
    rc = width_of(&width, s);
    if (!rc)
        rc = check(doc, s, &first, &last, width);
    if (rc) {
        hd_free(&al, doc);
        return rc;
    }
    const hd *ms = hd_get(doc, "measures");
    size_t nm = ms->n;
    unsigned char *mask = hd_calloc(&al, nm ? nm : 1, 1);
    if (!mask) {
        hd_free(&al, doc);
        return hd_fail(HSEC_ENOMEM, "out of memory");
    }
    for (size_t m = 0; m < nm; m++)
        mask[m] = ms->items[m]->num != 0;
    const double *v = table_at(doc, "values", "special");
    rc = hsec_scenario_ensemble_from_table(out, s, mask, nm, first, last, v,
                                           hd_get(doc, "values")->n);
    hd_release(&al, mask);
    hd_free(&al, doc);
    return rc;
}

#undef WHO

/* ---- comparisons in parts */

int hsec_doc_compare_part_save(unsigned char **out, size_t *len, hsec_result *const *results,
                               size_t count, size_t first, const hsec_scenario *s,
                               const double *branches, size_t branch_count)
{
    if (!out || !len)
        return hd_fail(HSEC_EINVAL, "compare_part_save: %s is NULL", out ? "len" : "out");
    *out = NULL;
    *len = 0;
    if (!s || (!results && count))
        return hd_fail(HSEC_EINVAL, "compare_part_save: %s is NULL",
                       s ? "results" : "the scenario");
    size_t np = hsec_scenario_package_count(s);
    if (first > np || count > np - first)
        return hd_fail(HSEC_EINVAL, "compare_part_save: packages %zu .. %zu are not a range "
                       "within the scenario's %zu packages", first, first + count, np);
    if (branches && branch_count != count * HSEC_BRANCH_COUNT)
        return hd_fail(HSEC_EINVAL, "compare_part_save: %zu branch figures for %zu packages of "
                       "%d branches", branch_count, count, HSEC_BRANCH_COUNT);
    for (size_t k = 0; k < count; k++) {
        if (!results[k])
            return hd_fail(HSEC_EINVAL, "compare_part_save: result %zu is NULL", k);
        if (hd_result_matches(results[k], s, "compare_part_save"))
            return HSEC_EINVAL;
    }
    int fit = hd_compare_fits(s);
    if (fit)
        return fit;
    hsec_allocator al = hd_allocator_of(s);
    size_t width = hd_compare_width(s);
    if (count && width > (SIZE_MAX / sizeof(double) - 1) / count)
        return hd_fail(HSEC_ELIMIT, "compare_part_save: %zu packages of %zu figures are too "
                       "many", count, width);
    double *table = hd_calloc(&al, count * width + 1, sizeof *table);
    double *bt = branches ? hd_calloc(&al, count * HSEC_BRANCH_COUNT + 1, sizeof *bt) : NULL;
    char hex[17];
    int rc = !table || (branches && !bt) ? HSEC_ENOMEM : fingerprint(hex, s);
    if (rc) {
        hd_release(&al, table);
        hd_release(&al, bt);
        return hd_fail(rc, "out of memory");
    }
    for (size_t k = 0; k < count; k++)
        hd_compare_figures(table + k * width, results[k], s);
    hb b = {&al, false};
    hd *doc = new_doc(&b, "compare", hex);
    hb_set(&b, doc, "first", hb_num(&b, (double)first));
    hb_set(&b, doc, "last", hb_num(&b, (double)(first + count)));
    hb_set(&b, doc, "total", hb_num(&b, (double)np));
    hb_set(&b, doc, "width", hb_num(&b, (double)width));
    put_table(&b, doc, "values", "special", table, count * width);
    hd *has = hb_new(&b, HD_BOOL);
    if (has)
        has->b = branches != NULL;
    hb_set(&b, doc, "branches", has);
    if (branches) {
        memcpy(bt, branches, count * HSEC_BRANCH_COUNT * sizeof *bt);
        put_table(&b, doc, "branch_values", "branch_special", bt, count * HSEC_BRANCH_COUNT);
    }
    hd_release(&al, table);
    hd_release(&al, bt);
    return bytes_of(out, len, &al, &b, doc);
}

#define WHO "compare_json_parts"

int hsec_doc_compare_json_parts(char **out, size_t *len, const hsec_result *baseline,
                                const unsigned char *const *parts, const size_t *lens,
                                size_t nparts, const hsec_scenario *s)
{
    if (!out || !len)
        return hd_fail(HSEC_EINVAL, WHO ": %s is NULL", out ? "len" : "out");
    *out = NULL;
    *len = 0;
    if (!s || !baseline || (!parts && nparts) || (!lens && nparts))
        return hd_fail(HSEC_EINVAL, WHO ": %s is NULL",
                       !s ? "the scenario" : !baseline ? "the baseline" : "parts");
    if (hd_result_matches(baseline, s, WHO))
        return HSEC_EINVAL;
    size_t np = hsec_scenario_package_count(s), width = hd_compare_width(s);
    if (np == 0)
        return hd_fail(HSEC_EINVAL, WHO ": the scenario has no packages");
    int fit = hd_compare_fits(s);
    if (fit)
        return fit;
    hsec_allocator al = hd_allocator_of(s);
    if (width > (SIZE_MAX / sizeof(double) - 1) / np)
        return hd_fail(HSEC_ELIMIT, WHO ": %zu packages of %zu figures are too many", np,
                       width);
    double *rows = hd_calloc(&al, np * width + 1, sizeof *rows);
    double *br = hd_calloc(&al, np * HSEC_BRANCH_COUNT + 1, sizeof *br);
    unsigned char *seen = hd_calloc(&al, np, 1);
    int rc = rows && br && seen ? HSEC_OK : hd_fail(HSEC_ENOMEM, "out of memory");
    int with = -1; /* branches given: unknown, no, yes */
    for (size_t k = 0; !rc && k < nparts; k++) {
        char who[64]; /* every message names the part */
        snprintf(who, sizeof who, WHO ": part %zu", k);
        hd *doc = NULL;
        if (!parts[k] && lens[k])
            rc = hd_fail(HSEC_EINVAL, "%s is NULL", who);
        else
            rc = open_doc(&doc, s, parts[k], lens[k], who);
        uint64_t first = 0, last = 0;
        if (!rc)
            rc = check_head(doc, "compare", "a comparison's part", s, np, "packages", width,
                            &first, &last, who);
        const hd *has = rc ? NULL : hd_get(doc, "branches");
        if (!rc && (!has || has->t != HD_BOOL))
            rc = hd_fail(HSEC_EFORMAT, "%s: \"branches\" is %s, not true or false", who,
                         has ? hd_type_name(has->t) : "missing");
        if (!rc && with >= 0 && with != (int)has->b)
            rc = hd_fail(HSEC_EINVAL, "%s %s branch figures and another %s", who,
                         has->b ? "has" : "has no", has->b ? "none" : "has");
        char what[64];
        snprintf(what, sizeof what, "%llu packages x %zu",
                 (unsigned long long)(last - first), width);
        if (!rc)
            rc = check_table(doc, "values", "special", (last - first) * width, what, who);
        snprintf(what, sizeof what, "%llu packages x %d branches",
                 (unsigned long long)(last - first), HSEC_BRANCH_COUNT);
        if (!rc && has->b)
            rc = check_table(doc, "branch_values", "branch_special",
                             (last - first) * HSEC_BRANCH_COUNT, what, who);
        for (uint64_t p = first; !rc && p < last; p++)
            if (seen[p])
                rc = hd_fail(HSEC_EINVAL, "%s: package %llu (\"%s\") is in two parts", who,
                             (unsigned long long)p, hsec_scenario_package_id(s, (size_t)p));
        if (!rc)
            with = has->b;
        if (!rc && last > first) {
            memset(seen + first, 1, (size_t)(last - first));
            memcpy(rows + first * width, table_at(doc, "values", "special"),
                   (size_t)(last - first) * width * sizeof *rows);
            if (has->b)
                memcpy(br + first * HSEC_BRANCH_COUNT,
                       table_at(doc, "branch_values", "branch_special"),
                       (size_t)(last - first) * HSEC_BRANCH_COUNT * sizeof *br);
        }
        if (doc)
            hd_free(&al, doc);
    }
    for (size_t p = 0; !rc && p < np; p++)
        if (!seen[p])
            rc = hd_fail(HSEC_EINVAL, WHO ": package %zu (\"%s\") is in no part", p,
                         hsec_scenario_package_id(s, p));
    if (!rc)
        rc = hd_compare_doc(out, len, baseline, rows, with == 1 ? br : NULL, s);
    hd_release(&al, rows);
    hd_release(&al, br);
    hd_release(&al, seen);
    return rc;
}
