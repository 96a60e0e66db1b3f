/*
 * Ensembles: many runs of one scenario with parameters drawn from
 * triangular ranges, on several threads, summarised by quantiles.
 *
 * Draws come from a counter-based generator: the uniform variate of a
 * parameter is a hash (SplitMix64's finaliser, Steele, Lea & Flood 2014) of
 * the seed, the member, the kind of parameter and its index, so a member's
 * results do not depend on which thread ran it, or when.
 */
#include "engine.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct hsec_ensemble {
    hsec_allocator a;
    uint64_t members;
    uint64_t first, total; /* members first .. first + members - 1 of total */
    uint64_t seed;
    double unc[HSEC_UNCERTAIN_COUNT][3];
    size_t width; /* values kept per member */
    size_t nburden, ngroup, nrec, nthreat, nregion;
    size_t *rec;  /* recorded nodes */
    double *v;    /* members x width */
    size_t nmeasure;
    unsigned char *mask; /* nmeasure bytes: 1 for a measure in force */
};

/* Layout of a member's values: the burden parts, then the groups' peak and
 * last indices, then the recorded nodes' final q. */
enum { B_TOTAL, B_BASELINE, B_PROPAGATED, B_INITIAL, B_BAND,
       B_ORDER = B_BAND + HSEC_BAND_COUNT, B_ACTOR = B_ORDER + HSEC_ORDER_COUNT,
       B_TOPIC = B_ACTOR + HSEC_THREAT_ACTOR_COUNT, B_FLAG = B_TOPIC + HSEC_TOPIC_COUNT + 1,
       B_FLAGP = B_FLAG + HSEC_FLAG_COUNT + 1, B_FIXED = B_FLAGP + HSEC_FLAG_COUNT + 1 };

static size_t burden_slot(const hsec_ensemble *e, hsec_burden part, size_t i, bool *ok)
{
    *ok = true;
    switch (part) {
    case HSEC_BURDEN_TOTAL: return B_TOTAL;
    case HSEC_BURDEN_BASELINE: return B_BASELINE;
    case HSEC_BURDEN_PROPAGATED: return B_PROPAGATED;
    case HSEC_BURDEN_INITIAL: return B_INITIAL;
    case HSEC_BURDEN_BAND: *ok = i < HSEC_BAND_COUNT; return B_BAND + i;
    case HSEC_BURDEN_ORDER: *ok = i < HSEC_ORDER_COUNT; return B_ORDER + i;
    case HSEC_BURDEN_ACTOR: *ok = i < HSEC_THREAT_ACTOR_COUNT; return B_ACTOR + i;
    case HSEC_BURDEN_TOPIC: *ok = i <= HSEC_TOPIC_COUNT; return B_TOPIC + i;
    case HSEC_BURDEN_FLAG: *ok = i <= HSEC_FLAG_COUNT; return B_FLAG + i;
    case HSEC_BURDEN_FLAG_PROPAGATED: *ok = i <= HSEC_FLAG_COUNT; return B_FLAGP + i;
    case HSEC_BURDEN_THREAT: *ok = i < e->nthreat; return B_FIXED + i;
    case HSEC_BURDEN_REGION: *ok = i < e->nregion; return B_FIXED + e->nthreat + i;
    case HSEC_BURDEN_GROUP:
        *ok = i < e->ngroup;
        return B_FIXED + e->nthreat + e->nregion + i;
    }
    *ok = false;
    return 0;
}

/* A member's values, read through the result's public getters (they
 * cannot fail on indices taken from the result's own counts). */
static void keep(const hsec_ensemble *e, const hsec_result *r, double *v)
{
    static const hsec_burden single[B_BAND] = {HSEC_BURDEN_TOTAL, HSEC_BURDEN_BASELINE,
                                               HSEC_BURDEN_PROPAGATED, HSEC_BURDEN_INITIAL};
    for (size_t i = 0; i < B_BAND; i++)
        hsec_result_burden(&v[i], r, single[i], 0);
    for (size_t i = 0; i < HSEC_BAND_COUNT; i++)
        hsec_result_burden(&v[B_BAND + i], r, HSEC_BURDEN_BAND, i);
    for (size_t i = 0; i < HSEC_ORDER_COUNT; i++)
        hsec_result_burden(&v[B_ORDER + i], r, HSEC_BURDEN_ORDER, i);
    for (size_t i = 0; i < HSEC_THREAT_ACTOR_COUNT; i++)
        hsec_result_burden(&v[B_ACTOR + i], r, HSEC_BURDEN_ACTOR, i);
    for (size_t i = 0; i <= HSEC_TOPIC_COUNT; i++)
        hsec_result_burden(&v[B_TOPIC + i], r, HSEC_BURDEN_TOPIC, i);
    for (size_t i = 0; i <= HSEC_FLAG_COUNT; i++) {
        hsec_result_burden(&v[B_FLAG + i], r, HSEC_BURDEN_FLAG, i);
        hsec_result_burden(&v[B_FLAGP + i], r, HSEC_BURDEN_FLAG_PROPAGATED, i);
    }
    double *p = v + B_FIXED;
    for (size_t i = 0; i < e->nthreat; i++)
        hsec_result_burden(p++, r, HSEC_BURDEN_THREAT, i);
    for (size_t i = 0; i < e->nregion; i++)
        hsec_result_burden(p++, r, HSEC_BURDEN_REGION, i);
    for (size_t i = 0; i < e->ngroup; i++)
        hsec_result_burden(p++, r, HSEC_BURDEN_GROUP, i);
    for (size_t g = 0; g < e->ngroup; g++) {
        hsec_result_group(NULL, &p[g], NULL, 0, r, g, HSEC_AT_PEAK);
        hsec_result_group(NULL, &p[e->ngroup + g], NULL, 0, r, g, HSEC_AT_LAST);
    }
    p += 2 * e->ngroup;
    const double *q = hsec_result_q(r);
    for (size_t k = 0; k < e->nrec; k++)
        p[k] = q[e->rec[k]];
}

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in (0,1) for (seed, member, kind, index). */
static double uniform(uint64_t seed, uint64_t member, unsigned kind, uint64_t index)
{
    uint64_t h = mix(mix(mix(seed) ^ member) ^ ((uint64_t)kind << 62 ^ index));
    return ((double)(h >> 11) + 0.5) * 0x1.0p-53;
}

/* Inverse distribution function of the triangular (lo, mo, hi). */
static double triangular(const double t[3], double u)
{
    double lo = t[0], mo = t[1], hi = t[2], span = hi - lo;
    if (!(span > 0))
        return lo;
    if (u < (mo - lo) / span)
        return lo + sqrt(u * span * (mo - lo));
    return hi - sqrt((1 - u) * span * (hi - mo));
}

/* A kind left at its default (1, 1, 1) is not drawn at all. */
static bool fixed(const double t[3])
{
    return t[0] == 1 && t[1] == 1 && t[2] == 1;
}

typedef struct job {
    hsec_scenario *s;
    hsec_ensemble *e;
    const unsigned char *mask;
    pthread_mutex_t lock;
    uint64_t next, done, last;
    int rc;              /* first failure, under lock */
    uint64_t failed_at;  /* member that failed first */
    char err[HSEC_ERRMSG_MAX];
    double *k0;          /* recovery rates after conversion */
} job;

/* Fill a member's drawn parameters (the kinds d draws). */
static void draw(const job *j, uint64_t m, const hx_draw *d, double *w, double *mag, double *k)
{
    const hsec_scenario *s = j->s;
    const hsec_compiled *c = s->c;
    uint64_t seed = (uint64_t)s->opt[HSEC_OPT_SEED];
    for (size_t e = 0; d->w && e < c->nnz; e++) {
        double f = triangular(s->unc[HSEC_UNCERTAIN_WEIGHTS], uniform(seed, m, 0, e));
        double x = c->w[e] * f;
        w[e] = x < 1 ? x : 1;
    }
    for (size_t t = 0; d->mag && t < s->ntt; t++) {
        double f = triangular(s->unc[HSEC_UNCERTAIN_MAGNITUDES], uniform(seed, m, 1, t));
        double x = s->tt[t].mag * f;
        mag[t] = x < 1 ? x : 1;
    }
    for (size_t i = 0; d->k && i < c->n; i++) {
        double f = triangular(s->unc[HSEC_UNCERTAIN_RECOVERY], uniform(seed, m, 2, i));
        double x = j->k0[i] * f;
        k[i] = x > 1 ? 1 : x > HX_MIN_RECOVERY ? x : HX_MIN_RECOVERY;
    }
}

static void *worker(void *arg)
{
    job *j = arg;
    const hsec_scenario *s = j->s;
    const hsec_compiled *c = s->c;
    const hsec_allocator *a = &j->e->a;
    double *w = hx_calloc(a, c->nnz, sizeof *w), *mag = hx_calloc(a, s->ntt, sizeof *mag);
    double *k = hx_calloc(a, c->n, sizeof *k);
    char err[HSEC_ERRMSG_MAX];
    int rc = (w && mag && k) ? HSEC_OK : HSEC_ENOMEM;
    uint64_t m = 0;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        bool stop = j->rc != HSEC_OK || j->next >= j->last;
        if (!stop)
            m = j->next++;
        pthread_mutex_unlock(&j->lock);
        if (stop || rc)
            break;
        hx_draw d = {fixed(s->unc[HSEC_UNCERTAIN_WEIGHTS]) ? NULL : w,
                     fixed(s->unc[HSEC_UNCERTAIN_MAGNITUDES]) ? NULL : mag,
                     fixed(s->unc[HSEC_UNCERTAIN_RECOVERY]) ? NULL : k};
        draw(j, m, &d, w, mag, k);
        hx_opts o = {j->mask, NULL, NULL, &d, err, true};
        hsec_result *r = NULL;
        if ((rc = hx_run(&r, j->s, &o)))
            break;
        keep(j->e, r, j->e->v + (m - j->e->first) * j->e->width);
        hsec_result_free(r);
        pthread_mutex_lock(&j->lock);
        j->done++;
        if (j->rc == HSEC_OK && s->progress &&
            s->progress(s->progress_user, j->done, j->e->members)) {
            j->rc = HSEC_ECANCELED;
            j->failed_at = m;
            hx_setmsg(j->err, "ensemble: canceled after %llu of %llu members",
                      (unsigned long long)j->done, (unsigned long long)j->e->members);
        }
        pthread_mutex_unlock(&j->lock);
    }
    if (rc) {
        pthread_mutex_lock(&j->lock);
        if (j->rc == HSEC_OK || m < j->failed_at) { /* report the first member's failure */
            j->rc = rc;
            j->failed_at = m;
            if (rc == HSEC_ENOMEM)
                hx_setmsg(j->err, "out of memory");
            else
                hx_setmsg(j->err, "ensemble member %llu: %s", (unsigned long long)m, err);
        }
        pthread_mutex_unlock(&j->lock);
    }
    hx_free(a, w);
    hx_free(a, mag);
    hx_free(a, k);
    return NULL;
}

void hsec_ensemble_free(hsec_ensemble *e)
{
    if (!e)
        return;
    hsec_allocator a = e->a;
    hx_free(&a, e->rec);
    hx_free(&a, e->v);
    hx_free(&a, e->mask);
    hx_free(&a, e);
}

uint64_t hsec_ensemble_members(const hsec_ensemble *e)
{
    return e ? e->members : 0;
}

int hsec_ensemble_measures(unsigned char *mask, size_t count, const hsec_ensemble *e)
{
    if (!mask || !e)
        return hx_fail(HSEC_EINVAL, "ensemble_measures: %s is NULL", e ? "mask" : "the ensemble");
    if (count != e->nmeasure)
        return hx_fail(HSEC_EINVAL, "ensemble_measures: count %zu is not the %zu measures",
                       count, e->nmeasure);
    if (count)
        memcpy(mask, e->mask, count);
    return HSEC_OK;
}

/* An empty ensemble shaped as the scenario's members first .. last - 1
 * with the measures of mask in force; NULL when out of memory. */
static hsec_ensemble *shaped(const hsec_scenario *s, const unsigned char *mask, uint64_t first,
                             uint64_t last)
{
    const hsec_compiled *c = s->c;
    hsec_ensemble *e = hx_calloc(&s->a, 1, sizeof *e);
    if (!e)
        return NULL;
    e->a = s->a;
    e->first = first;
    e->members = last - first;
    e->total = (uint64_t)s->opt[HSEC_OPT_MEMBERS];
    e->seed = (uint64_t)s->opt[HSEC_OPT_SEED];
    memcpy(e->unc, s->unc, sizeof e->unc);
    e->ngroup = c->ngroup;
    e->nthreat = s->nthreat;
    e->nregion = c->nregion;
    e->nrec = s->nrec;
    e->nburden = B_FIXED + e->nthreat + e->nregion + e->ngroup;
    e->width = e->nburden + 2 * e->ngroup + e->nrec;
    e->rec = hx_calloc(&s->a, e->nrec, sizeof *e->rec);
    e->nmeasure = s->nmeasure;
    e->mask = hx_calloc(&s->a, e->nmeasure ? e->nmeasure : 1, 1);
    for (size_t m = 0; e->mask && m < e->nmeasure; m++)
        e->mask[m] = (!mask || mask[m]) ? 1 : 0;
    e->v = e->members > SIZE_MAX / e->width
               ? NULL
               : hx_calloc(&s->a, e->members ? (size_t)e->members * e->width : 1, sizeof *e->v);
    if (!e->rec || !e->v || !e->mask) {
        hsec_ensemble_free(e);
        return NULL;
    }
    if (e->nrec)
        memcpy(e->rec, s->rec, e->nrec * sizeof *e->rec);
    return e;
}

/* A range of members must lie in the scenario's: first <= last <= members. */
static int range_ok(char *err, const hsec_scenario *s, const char *what, uint64_t first,
                    uint64_t last)
{
    uint64_t members = (uint64_t)s->opt[HSEC_OPT_MEMBERS];
    if (first > last || last > members)
        return hx_fail_on(err, HSEC_EINVAL,
                          "%s: members %llu .. %llu are not a range within the %llu members "
                          "(uncertainty.members): 0 <= first <= last <= %llu",
                          what, (unsigned long long)first, (unsigned long long)last,
                          (unsigned long long)members, (unsigned long long)members);
    return HSEC_OK;
}

static int run_range(hsec_ensemble **out, hsec_scenario *s, const unsigned char *mask,
                     size_t mask_len, uint64_t first, uint64_t last, const char *what);

int hsec_scenario_ensemble(hsec_ensemble **out, hsec_scenario *s, const unsigned char *mask,
                           size_t mask_len)
{
    if (!out || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "ensemble: %s is NULL",
                          out ? "the scenario" : "out");
    /* the option's range bounds members: [1, 10^9] */
    return run_range(out, s, mask, mask_len, 0, (uint64_t)s->opt[HSEC_OPT_MEMBERS], "ensemble");
}

int hsec_scenario_ensemble_range(hsec_ensemble **out, hsec_scenario *s,
                                 const unsigned char *mask, size_t mask_len, uint64_t first,
                                 uint64_t last)
{
    if (!out || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "ensemble_range: %s is NULL",
                          out ? "the scenario" : "out");
    *out = NULL;
    s->err[0] = '\0';
    if (range_ok(s->err, s, "ensemble_range", first, last))
        return HSEC_EINVAL;
    return run_range(out, s, mask, mask_len, first, last, "ensemble_range");
}

static int run_range(hsec_ensemble **out, hsec_scenario *s, const unsigned char *mask,
                     size_t mask_len, uint64_t first, uint64_t last, const char *what)
{
    *out = NULL;
    s->err[0] = '\0';
    if (!hx_mask_ok(s, what, mask, mask_len))
        return HSEC_EINVAL;
    /* threads in [0, 256] by the option's range */
    uint64_t members = last - first;
    unsigned threads = (unsigned)s->opt[HSEC_OPT_THREADS];
    if (threads == 0) {
        long nproc = sysconf(_SC_NPROCESSORS_ONLN);
        threads = nproc > 0 ? (unsigned)nproc : 1;
    }
    if (threads > HX_MAX_THREADS)
        threads = HX_MAX_THREADS;
    if ((uint64_t)threads > members)
        threads = members ? (unsigned)members : 1;
    /* memory before anything is allocated: the members' figures, and per
     * thread a run and its drawn parameters; fewer threads when that fits
     * (the figures do not depend on the thread count) */
    {
        const hsec_compiled *c = s->c;
        uint64_t width = B_FIXED + s->nthreat + c->nregion + 3 * (uint64_t)c->ngroup + s->nrec;
        hx_size z;
        hx_run_size(&z, s);
        z.run = hx_mul_add(c->nnz + s->ntt + c->n, sizeof(double), z.run);
        z.fixed = hx_mul_add(hx_mul_add(members, width, 0), sizeof(double), z.fixed);
        z.held = "the model, the targets and the members' figures";
        uint64_t lim = hx_memlimit(s);
        if (threads > 1 && hx_mul_add(z.run, threads, z.fixed) > lim && z.fixed < lim) {
            uint64_t fit = (lim - z.fixed) / (z.run ? z.run : 1);
            threads = fit < 1 ? 1 : fit < threads ? (unsigned)fit : threads;
        }
        int fits = hx_run_fits(s, &z, threads, "the ensemble", s->err);
        if (fits)
            return fits;
    }
    hx_scenario_prepare(s);
    int rc0 = s->diagnosed ? HSEC_OK : hsec_scenario_diagnose(s);
    if (rc0)
        return rc0;
    const hsec_compiled *c = s->c;
    hsec_ensemble *e = shaped(s, mask, first, last);
    job j;
    memset(&j, 0, sizeof j);
    j.s = s;
    j.e = e;
    j.mask = mask;
    j.next = first;
    j.last = last;
    j.k0 = e ? hx_calloc(&s->a, c->n, sizeof *j.k0) : NULL;
    if (!j.k0) {
        hsec_ensemble_free(e);
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    hx_recovery_rates(s, j.k0);
    pthread_mutex_init(&j.lock, NULL);
    pthread_t *tid = hx_calloc(&s->a, threads, sizeof *tid);
    unsigned started = 0;
    if (tid)
        for (; started < threads - 1; started++)
            if (pthread_create(&tid[started], NULL, worker, &j) != 0)
                break;
    worker(&j); /* the calling thread works too */
    for (unsigned t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    hx_free(&s->a, tid);
    pthread_mutex_destroy(&j.lock);
    hx_free(&s->a, j.k0);
    if (j.rc) {
        hx_copymsg(s->err, HSEC_ERRMSG_MAX, j.err);
        hsec_ensemble_free(e);
        return j.rc;
    }
    *out = e;
    return HSEC_OK;
}

static int column(const hsec_ensemble *e, hsec_quantity what, size_t index, size_t sub,
                  size_t *col)
{
    bool ok = false;
    switch (what) {
    case HSEC_QTY_BURDEN: *col = burden_slot(e, (hsec_burden)index, sub, &ok); break;
    case HSEC_QTY_GROUP_PEAK: ok = index < e->ngroup; *col = e->nburden + index; break;
    case HSEC_QTY_GROUP_LAST: ok = index < e->ngroup; *col = e->nburden + e->ngroup + index; break;
    case HSEC_QTY_RECORDED:
        for (size_t k = 0; k < e->nrec; k++)
            if (e->rec[k] == index) {
                ok = true;
                *col = e->nburden + 2 * e->ngroup + k;
            }
        break;
    }
    if (!ok)
        return hx_fail(HSEC_EINVAL, "ensemble: quantity %d, index %zu, sub %zu is not kept",
                       (int)what, index, sub);
    return HSEC_OK;
}

int hsec_ensemble_values(double *out, size_t count, const hsec_ensemble *e,
                         hsec_quantity what, size_t index, size_t sub)
{
    size_t col;
    if (!out || !e)
        return hx_fail(HSEC_EINVAL, "ensemble_values: %s is NULL",
                       out ? "the ensemble" : "out");
    if (count != e->members)
        return hx_fail(HSEC_EINVAL, "ensemble_values: count %zu is not the %llu members", count,
                       (unsigned long long)e->members);
    if (column(e, what, index, sub, &col))
        return HSEC_EINVAL;
    for (size_t m = 0; m < count; m++)
        out[m] = e->v[m * e->width + col];
    return HSEC_OK;
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return a < b ? -1 : a > b;
}

int hsec_ensemble_quantile(double *out, const hsec_ensemble *e, hsec_quantity what,
                           size_t index, size_t sub, double q)
{
    size_t col;
    if (!out || !e)
        return hx_fail(HSEC_EINVAL, "ensemble_quantile: %s is NULL",
                       out ? "the ensemble" : "out");
    if (!(q >= 0 && q <= 1))
        return hx_fail(HSEC_EINVAL, "ensemble_quantile: q %g is not in [0,1]", q);
    if (column(e, what, index, sub, &col))
        return HSEC_EINVAL;
    if (e->members == 0)
        return hx_fail(HSEC_EINVAL, "ensemble_quantile: the ensemble holds no members "
                       "(members %llu .. %llu)", (unsigned long long)e->first,
                       (unsigned long long)e->first);
    double *x = hx_calloc(&e->a, (size_t)e->members, sizeof *x);
    if (!x)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    for (size_t m = 0; m < e->members; m++)
        x[m] = e->v[m * e->width + col];
    qsort(x, (size_t)e->members, sizeof *x, cmp_double);
    double h = (double)(e->members - 1) * q;
    size_t lo = (size_t)h;
    double frac = h - (double)lo;
    /* between two members; at a member, or between equal ones, that value
     * (so that infinite members do not turn into inf - inf) */
    bool between = lo + 1 < e->members && frac != 0 && x[lo + 1] != x[lo];
    *out = between ? x[lo] + frac * (x[lo + 1] - x[lo]) : x[lo];
    hx_free(&e->a, x);
    return HSEC_OK;
}

/* ---- ranges: parts of an ensemble run apart and merged (doc/distributed.md) */

int hsec_ensemble_range(uint64_t *first, uint64_t *last, uint64_t *total,
                        const hsec_ensemble *e)
{
    if (!e)
        return hx_fail(HSEC_EINVAL, "ensemble_range: the ensemble is NULL");
    if (first)
        *first = e->first;
    if (last)
        *last = e->first + e->members;
    if (total)
        *total = e->total;
    return HSEC_OK;
}

size_t hsec_ensemble_width(const hsec_ensemble *e)
{
    return e ? e->width : 0;
}

int hsec_ensemble_table(double *out, size_t count, const hsec_ensemble *e)
{
    if (!out || !e)
        return hx_fail(HSEC_EINVAL, "ensemble_table: %s is NULL", out ? "the ensemble" : "out");
    if (e->members > SIZE_MAX / e->width || count != (size_t)e->members * e->width)
        return hx_fail(HSEC_EINVAL, "ensemble_table: count %zu is not the %llu members x %zu "
                       "values", count, (unsigned long long)e->members, e->width);
    if (count)
        memcpy(out, e->v, count * sizeof *out);
    return HSEC_OK;
}

int hsec_scenario_ensemble_from_table(hsec_ensemble **out, const hsec_scenario *s,
                                      const unsigned char *mask, size_t mask_len,
                                      uint64_t first, uint64_t last, const double *table,
                                      size_t count)
{
    if (!out || !s || (!table && count))
        return hx_fail(HSEC_EINVAL, "ensemble_from_table: %s is NULL",
                       !out ? "out" : !s ? "the scenario" : "table");
    *out = NULL;
    if (mask && mask_len != s->nmeasure)
        return hx_fail(HSEC_EINVAL, "ensemble_from_table: the mask holds %zu bytes, not one "
                       "for each of the %zu measures", mask_len, s->nmeasure);
    if (range_ok(NULL, s, "ensemble_from_table", first, last))
        return HSEC_EINVAL;
    const hsec_compiled *c = s->c;
    uint64_t width = B_FIXED + s->nthreat + c->nregion + 3 * (uint64_t)c->ngroup + s->nrec;
    uint64_t members = last - first;
    if (members > SIZE_MAX / width || count != (size_t)(members * width))
        return hx_fail(HSEC_EINVAL, "ensemble_from_table: count %zu is not the %llu members x "
                       "%llu values of this scenario", count, (unsigned long long)members,
                       (unsigned long long)width);
    uint64_t bytes = hx_mul_add(hx_mul_add(members, width, 0), sizeof(double), 0);
    uint64_t lim = hx_memlimit(s);
    if (bytes > lim)
        return hx_fail(HSEC_ELIMIT, "ensemble_from_table: the members' figures take %llu "
                       "bytes, more than the memory limit of %llu",
                       (unsigned long long)bytes, (unsigned long long)lim);
    hsec_ensemble *e = shaped(s, mask, first, last);
    if (!e)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    if (count)
        memcpy(e->v, table, count * sizeof *table);
    *out = e;
    return HSEC_OK;
}

/* Why b cannot be merged with a (parts i and k), or NULL. */
static const char *unlike(const hsec_ensemble *a, const hsec_ensemble *b)
{
    if (a->total != b->total)
        return "their member counts (uncertainty.members) differ";
    if (a->seed != b->seed)
        return "their seeds (run.seed) differ";
    if (memcmp(a->unc, b->unc, sizeof a->unc) != 0)
        return "their uncertainty ranges differ";
    if (a->nmeasure != b->nmeasure || (a->nmeasure && memcmp(a->mask, b->mask, a->nmeasure)))
        return "their measures in force (the mask) differ";
    if (a->width != b->width || a->nthreat != b->nthreat || a->nregion != b->nregion ||
        a->ngroup != b->ngroup || a->nrec != b->nrec ||
        (a->nrec && memcmp(a->rec, b->rec, a->nrec * sizeof *a->rec)))
        return "they keep different figures (threats, regions, groups or recorded nodes)";
    return NULL;
}

int hsec_ensemble_merge(hsec_ensemble **out, hsec_ensemble *const *parts, size_t count)
{
    if (!out || !parts)
        return hx_fail(HSEC_EINVAL, "ensemble_merge: %s is NULL", out ? "parts" : "out");
    *out = NULL;
    if (count == 0)
        return hx_fail(HSEC_EINVAL, "ensemble_merge: no parts");
    for (size_t i = 0; i < count; i++) {
        if (!parts[i])
            return hx_fail(HSEC_EINVAL, "ensemble_merge: part %zu is NULL", i);
        const char *why = unlike(parts[0], parts[i]);
        if (why)
            return hx_fail(HSEC_EINVAL, "ensemble_merge: parts 0 and %zu are not of one "
                           "ensemble: %s", i, why);
    }
    const hsec_ensemble *p0 = parts[0];
    const hsec_allocator *a = &p0->a;
    /* the parts in member order (insertion sort by first, then last: the
     * parts of one ensemble are few) */
    size_t *order = hx_calloc(a, count, sizeof *order);
    if (!order)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        size_t k = i;
        const hsec_ensemble *x = parts[i];
        while (k > 0) {
            const hsec_ensemble *y = parts[order[k - 1]];
            if (y->first < x->first || (y->first == x->first && y->members <= x->members))
                break;
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    /* together they must hold members 0 .. total - 1, each once; an empty
     * part lies anywhere in [0, total] */
    uint64_t next = 0;
    int rc = HSEC_OK;
    for (size_t k = 0; k < count && !rc; k++) {
        const hsec_ensemble *x = parts[order[k]];
        uint64_t lo = x->first, hi = x->first + x->members;
        if (hi > p0->total)
            rc = hx_fail(HSEC_EINVAL, "ensemble_merge: part %zu holds members %llu .. %llu, "
                         "beyond the %llu members", order[k], (unsigned long long)lo,
                         (unsigned long long)hi - 1, (unsigned long long)p0->total);
        else if (!x->members)
            continue;
        else if (lo < next)
            rc = hx_fail(HSEC_EINVAL, "ensemble_merge: parts overlap: part %zu holds members "
                         "%llu .. %llu, and member %llu is in another part too", order[k],
                         (unsigned long long)lo, (unsigned long long)hi - 1,
                         (unsigned long long)lo);
        else if (lo > next)
            rc = hx_fail(HSEC_EINVAL, "ensemble_merge: members %llu .. %llu are in no part",
                         (unsigned long long)next, (unsigned long long)lo - 1);
        else
            next = hi;
    }
    if (!rc && next != p0->total)
        rc = hx_fail(HSEC_EINVAL, "ensemble_merge: members %llu .. %llu are in no part",
                     (unsigned long long)next, (unsigned long long)p0->total - 1);
    hsec_ensemble *e = NULL;
    if (!rc) {
        e = hx_calloc(a, 1, sizeof *e);
        if (e) {
            *e = *p0;
            e->rec = NULL;
            e->mask = NULL;
            e->v = NULL;
            e->first = 0;
            e->members = p0->total;
            e->rec = hx_calloc(a, e->nrec, sizeof *e->rec);
            e->mask = hx_calloc(a, e->nmeasure ? e->nmeasure : 1, 1);
            e->v = e->members > SIZE_MAX / e->width
                       ? NULL
                       : hx_calloc(a, (size_t)e->members * e->width, sizeof *e->v);
        }
        if (!e || !e->rec || !e->mask || !e->v) {
            hsec_ensemble_free(e);
            e = NULL;
            rc = hx_fail(HSEC_ENOMEM, "out of memory");
        }
    }
    if (!rc) {
        if (e->nrec)
            memcpy(e->rec, p0->rec, e->nrec * sizeof *e->rec);
        if (e->nmeasure)
            memcpy(e->mask, p0->mask, e->nmeasure);
        for (size_t i = 0; i < count; i++) {
            const hsec_ensemble *x = parts[i];
            if (x->members)
                memcpy(e->v + (size_t)x->first * e->width, x->v,
                       (size_t)x->members * e->width * sizeof *e->v);
        }
        *out = e;
    }
    hx_free(a, order);
    return rc;
}
