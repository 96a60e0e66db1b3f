/*
 * Ensembles, whole or parts, as bytes (doc/distributed.md): a CBOR
 * document in the checksummed container, so that workers in other
 * processes or on other machines can send their parts back to be merged.
 *
 *   hsec: 1, kind: "ensemble", version: 1,
 *   fingerprint: 16 hex digits, the scenario's (hd_scenario_fingerprint: zlib's
 *                CRC-32 and Adler-32 of its document, thread counts and
 *                quantiles left out, as they change no member's figures),
 *   first, last, total: the members held (first .. last - 1 of total),
 *   width: values per member, measures: 0 or 1 for each measure,
 *   values: (last - first) x width doubles (an RFC 8746 typed array),
 *   special: [[index, high 32 bits, low 32 bits], ...] for each value that
 *            is not finite (written as 0 in values, which a document cannot
 *            hold otherwise), so that every value reads back bit for bit.
 *
 * The layer sees the ensemble through the public API alone: its table
 * (hsec_ensemble_table) out, and an ensemble from a table
 * (hsec_scenario_ensemble_from_table) in.
 */
#include "doc.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define KIND "ensemble"
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
    hd *doc = hb_new(&b, HD_OBJ);
    hb_set(&b, doc, "hsec", hb_num(&b, 1));
    hb_set(&b, doc, "kind", hb_str(&b, KIND));
    hb_set(&b, doc, "version", hb_num(&b, VERSION));
    hb_set(&b, doc, "fingerprint", hb_str(&b, hex));
    hb_set(&b, doc, "first", hb_num(&b, (double)first));
    hb_set(&b, doc, "last", hb_num(&b, (double)last));
    hb_set(&b, doc, "total", hb_num(&b, (double)total));
    hb_set(&b, doc, "width", hb_num(&b, (double)width));
    hd *ms = hb_new(&b, HD_ARR);
    for (size_t m = 0; m < nm; m++)
        hb_push(&b, ms, hb_num(&b, mask[m]));
    hb_set(&b, doc, "measures", ms);
    hd *special = hb_new(&b, HD_ARR);
    for (size_t i = 0; i < (size_t)count && !b.oom; i++) {
        if (isfinite(table[i]))
            continue;
        uint64_t u;
        memcpy(&u, &table[i], sizeof u);
        hd *t = hb_new(&b, HD_ARR);
        hb_push(&b, t, hb_num(&b, (double)i));
        hb_push(&b, t, hb_num(&b, (double)(u >> 32)));
        hb_push(&b, t, hb_num(&b, (double)(u & 0xffffffffu)));
        hb_push(&b, special, t);
        table[i] = 0;
    }
    hb_set(&b, doc, "special", special);
    hb_set(&b, doc, "values", hb_nums(&b, table, (size_t)count));
    hd_release(&al, table);
    hd_release(&al, mask);
    unsigned char *cbor = NULL, *wrapped = NULL;
    size_t n = 0, wn = 0;
    rc = b.oom ? HSEC_ENOMEM : hd_to_cbor(&cbor, &n, &al, doc);
    hd_free(&al, doc);
    if (!rc) {
        rc = hd_container_wrap(&wrapped, &wn, &al, cbor, n, false);
        hd_release(&al, cbor);
    }
    unsigned char *buf = NULL;
    if (!rc && !(buf = wn <= SIZE_MAX - HD_STRING_HEAD ? hd_alloc(&al, HD_STRING_HEAD + wn)
                                                       : NULL))
        rc = HSEC_ENOMEM;
    if (rc) {
        hd_release(&al, wrapped);
        return hd_fail(rc, "out of memory");
    }
    memcpy(buf, &al, sizeof al);
    memcpy(buf + HD_STRING_HEAD, wrapped, wn);
    hd_release(&al, wrapped);
    *out = buf + HD_STRING_HEAD;
    *len = wn;
    return HSEC_OK;
}

/* A whole number in [0, max] at key; false, with the message set, if not. */
static bool whole(uint64_t *out, const hd *doc, const char *key, uint64_t max)
{
    const hd *v = hd_get(doc, key);
    if (!v || v->t != HD_NUM) {
        hd_fail(HSEC_EFORMAT, "ensemble_load: \"%s\" is %s, not a number", key,
                v ? hd_type_name(v->t) : "missing");
        return false;
    }
    if (!(v->num >= 0 && v->num <= (double)max && v->num == floor(v->num))) {
        hd_fail(HSEC_EFORMAT, "ensemble_load: \"%s\" %.17g is not a whole number in [0, %llu]",
                key, v->num, (unsigned long long)max);
        return false;
    }
    *out = (uint64_t)v->num;
    return true;
}

/* The checks of the document that do not need the table; HSEC_OK or a
 * code with the thread's message set. */
static int check(const hd *doc, const hsec_scenario *s, uint64_t *first, uint64_t *last,
                 size_t width)
{
    if (doc->t != HD_OBJ)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: the document is %s, not an object",
                       hd_type_name(doc->t));
    const hd *kind = hd_get(doc, "kind");
    if (!kind || kind->t != HD_STR || strcmp(kind->str, KIND))
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"kind\" is %s%s%s, not \"" KIND
                       "\": not an ensemble", kind && kind->t == HD_STR ? "\"" : "",
                       !kind ? "missing" : kind->t == HD_STR ? kind->str
                                                              : hd_type_name(kind->t),
                       kind && kind->t == HD_STR ? "\"" : "");
    uint64_t version, total, w;
    if (!whole(&version, doc, "version", UINT32_MAX))
        return HSEC_EFORMAT;
    if (version != VERSION)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: version %llu %s (this library reads %d)",
                       (unsigned long long)version,
                       version > VERSION ? "is newer than this library" : "is unknown",
                       VERSION);
    const hd *fp = hd_get(doc, "fingerprint");
    char hex[17];
    int rc = fingerprint(hex, s);
    if (rc)
        return hd_fail(rc, "out of memory");
    if (!fp || fp->t != HD_STR)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"fingerprint\" is %s, not a string",
                       fp ? hd_type_name(fp->t) : "missing");
    if (strcmp(fp->str, hex))
        return hd_fail(HSEC_EINVAL, "ensemble_load: fingerprint %.64s is not the scenario's "
                       "%s: the ensemble is of another scenario or other settings (model, "
                       "threats, measures, run, seed, members or uncertainty)", fp->str, hex);
    double members;
    hsec_scenario_get_option(&members, s, HSEC_OPT_MEMBERS);
    if (!whole(&total, doc, "total", (uint64_t)members) ||
        !whole(last, doc, "last", total) || !whole(first, doc, "first", *last) ||
        !whole(&w, doc, "width", SIZE_MAX))
        return HSEC_EFORMAT;
    if ((double)total != members)
        return hd_fail(HSEC_EINVAL, "ensemble_load: \"total\" %llu is not the scenario's %.17g "
                       "members", (unsigned long long)total, members);
    if (w != width)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"width\" %llu is not the %zu values per "
                       "member of this scenario", (unsigned long long)w, width);
    const hd *v = hd_get(doc, "values");
    uint64_t count = (*last - *first) * width; /* below 10^9 x width: no overflow */
    if (!v || v->t != HD_NUMS)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"values\" is %s, not a float64 array",
                       v ? hd_type_name(v->t) : "missing");
    if (v->n != count)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"values\" holds %zu numbers, not the "
                       "%llu members x %zu", v->n, (unsigned long long)(*last - *first),
                       width);
    size_t nm = hsec_scenario_measure_count(s);
    const hd *ms = hd_get(doc, "measures");
    if (!ms || ms->t != HD_ARR || ms->n != nm)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"measures\" is %s, not an array of the "
                       "%zu measures' 0 or 1", ms ? hd_type_name(ms->t) : "missing", nm);
    for (size_t m = 0; m < nm; m++) {
        const hd *x = ms->items[m];
        if (x->t != HD_NUM || (x->num != 0 && x->num != 1))
            return hd_fail(HSEC_EFORMAT, "ensemble_load: \"measures[%zu]\" is not 0 or 1", m);
    }
    const hd *sp = hd_get(doc, "special");
    if (!sp || sp->t != HD_ARR)
        return hd_fail(HSEC_EFORMAT, "ensemble_load: \"special\" is %s, not an array",
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
            return hd_fail(HSEC_EFORMAT, "ensemble_load: \"special[%zu]\" is not [index, high, "
                           "low] of a value that is not finite, in ascending indices", k);
    }
    return HSEC_OK;
}

int hsec_doc_ensemble_load(hsec_ensemble **out, const hsec_scenario *s, const void *data,
                           size_t len)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "ensemble_load: out is NULL");
    *out = NULL;
    if (!s || (!data && len))
        return hd_fail(HSEC_EINVAL, "ensemble_load: %s is NULL", s ? "data" : "the scenario");
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
        return hd_fail(rc, "ensemble_load: %s", msg);
    hd *doc = NULL;
    rc = hd_from_cbor(&doc, &al, cbor, n, &lim, msg);
    hd_release(&al, cbor);
    if (rc)
        return hd_fail(rc, "ensemble_load: %s", msg);
    size_t width = 0;
    uint64_t first = 0, last = 0;
    rc = width_of(&width, s);
    if (!rc)
        rc = check(doc, s, &first, &last, width);
    if (rc) {
        hd_free(&al, doc);
        return rc;
    }
    const hd *v = hd_get(doc, "values"), *ms = hd_get(doc, "measures"),
             *sp = hd_get(doc, "special");
    size_t nm = ms->n;
    unsigned char *mask = hd_calloc(&al, nm ? nm : 1, 1);
    if (!mask) {
        hd_free(&al, doc);
        return hd_fail(HSEC_ENOMEM, "out of memory");
    }
    for (size_t m = 0; m < nm; m++)
        mask[m] = ms->items[m]->num != 0;
    for (size_t k = 0; k < sp->n; k++) {
        const hd *t = sp->items[k];
        uint64_t u = (uint64_t)t->items[1]->num << 32 | (uint64_t)t->items[2]->num;
        memcpy(&v->nums[(size_t)t->items[0]->num], &u, sizeof u);
    }
    rc = hsec_scenario_ensemble_from_table(out, s, mask, nm, first, last, v->nums, v->n);
    hd_release(&al, mask);
    hd_free(&al, doc);
    return rc;
}
