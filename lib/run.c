/*
 * The propagation engine (doc/model.md §2-§5).
 *
 * Every mode advances the same state with one fused sweep over the links in
 * compressed sparse rows: per node, the parts q1, q2, q3, q4 (orders 1, 2,
 * 3, 4+) and one part per source of degradation (each threat, and the
 * initial degradation in dynamic mode), so that the orders and the
 * per-threat split come out of a single pass over the matrix. A source node
 * exposes a "gather" vector (q1, q2, q3 + q4, parts...) that its links read;
 * it is double-buffered, since the update is a Jacobi step. Links with a lag
 * read the gather vector of an earlier step from a ring buffer kept only for
 * the nodes that are sources of lagged links.
 *
 *   dynamic      q(t+1) = q + K (A' q_lag + c - q)
 *   static       the same with K = I and no lags, iterated to its limit:
 *                bounded: until no part moves by more than 1e-15;
 *                linear:  until the residual of (I - A') q = c, which is
 *                         the change of a Jacobi step, is below 1e-13 ||c||,
 *                         after the spectral radius of A' is shown below 1.
 *
 * Nothing is allocated inside the time loop.
 */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

typedef struct ctx {
    const hsec_compiled *c;
    const hsec_scenario *s;
    const hsec_allocator *a;
    const unsigned char *active; /* measures in force, or NULL for all */
    bool dynamic, bounded, uselag;
    size_t n, H, S, P, G;
    bool has_init;
    double *st;       /* n * P */
    double *gv, *gv2; /* n * G */
    double *ring;     /* R * nlagsrc * G */
    size_t R;
    const double *w;   /* link weights in force: the model's or drawn */
    const double *mag; /* threat target magnitudes: the scenario's or drawn (NULL) */
    double *kb;   /* base recovery rate per node */
    double *mfac; /* measure strength * ramp at this step; 0 when not in force */
    double *thr;  /* threat likelihood at this step; 0 when not active */
    double *acc, *tg, *cbuf;
    /* rows split among T threads: thread k sweeps rows cut[k] .. cut[k+1]-1,
     * starting its walk of the target lists at w0[k] */
    size_t T;
    size_t *cut;
    struct walk *w0;
    struct pool *pool;
} ctx;

/* Pointers into the scenario's sorted target lists, advanced with the sweep. */
typedef struct walk {
    size_t tt, dec, red, shd, rec;
} walk;

/* The first entry of a sorted target list at or after `at`. */
static size_t lower(const starget *l, size_t n, size_t at)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l[mid].at < at)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The walk's place at row i0: where a sweep from row 0 would be. */
static walk walk_at(const ctx *x, size_t i0)
{
    const hsec_scenario *s = x->s;
    walk w;
    w.tt = lower(s->tt, s->ntt, i0);
    w.dec = lower(s->mt[HSEC_DECOUPLE], s->nmt[HSEC_DECOUPLE], x->c->rowp[i0]);
    w.red = lower(s->mt[HSEC_REDUCE_VULNERABILITY], s->nmt[HSEC_REDUCE_VULNERABILITY], i0);
    w.shd = lower(s->mt[HSEC_SHIELD], s->nmt[HSEC_SHIELD], i0);
    w.rec = lower(s->mt[HSEC_RECOVER], s->nmt[HSEC_RECOVER], i0);
    return w;
}

static bool in_force(int64_t start, int64_t dur, uint64_t t)
{
    return (int64_t)t >= start && (dur < 0 || (int64_t)t < start + dur);
}

/* Strengths of measures and threats at step t (full strength when static). */
static void coefficients(ctx *x, uint64_t t)
{
    const hsec_scenario *s = x->s;
    for (size_t m = 0; m < s->nmeasure; m++) {
        const smeasure *me = &s->measures[m];
        double f = (!x->active || x->active[m]) ? me->strength : 0;
        if (x->dynamic) {
            if (!in_force(me->start, me->dur, t))
                f = 0;
            else if (me->ramp > 0 && (int64_t)t - me->start + 1 < me->ramp)
                f *= (double)((int64_t)t - me->start + 1) / (double)me->ramp;
        }
        x->mfac[m] = f;
    }
    for (size_t h = 0; h < s->nthreat; h++) {
        const sthreat *th = &s->threats[h];
        x->thr[h] = (!x->dynamic || in_force(th->start, th->dur, t)) ? th->like : 0;
    }
}

/* 1 - s_e for link e: the part of the link that decouple measures leave. */
static inline double link_pass(const ctx *x, walk *w, size_t e)
{
    const starget *d = x->s->mt[HSEC_DECOUPLE];
    size_t nd = x->s->nmt[HSEC_DECOUPLE];
    double pass = 1;
    while (w->dec < nd && d[w->dec].at == e)
        pass *= 1 - x->mfac[d[w->dec++].who];
    return pass;
}

/* v_i(t), 1 - sigma_i(t) and k_i(t) of node i. */
static inline void node_coeffs(const ctx *x, walk *w, size_t i, double *vt, double *pass,
                               double *k)
{
    const hsec_scenario *s = x->s;
    const starget *l;
    double v = x->c->v[i], p = 1, kk = x->kb[i];
    for (l = s->mt[HSEC_REDUCE_VULNERABILITY]; w->red < s->nmt[HSEC_REDUCE_VULNERABILITY] &&
                                               l[w->red].at == i;
         w->red++)
        v *= 1 - x->mfac[l[w->red].who];
    for (l = s->mt[HSEC_SHIELD]; w->shd < s->nmt[HSEC_SHIELD] && l[w->shd].at == i; w->shd++)
        p *= 1 - x->mfac[l[w->shd].who];
    for (l = s->mt[HSEC_RECOVER]; w->rec < s->nmt[HSEC_RECOVER] && l[w->rec].at == i; w->rec++)
        kk += x->mfac[l[w->rec].who];
    *vt = v;
    *pass = p;
    *k = kk < 1 ? kk : 1;
}

/* The gather vector link e reads at step t; tmod = t mod R. */
static inline const double *source(const ctx *x, size_t e, size_t tmod)
{
    const hsec_compiled *c = x->c;
    uint32_t j = c->col[e];
    if (x->uselag && c->lag[e]) {
        size_t slot = tmod >= c->lag[e] ? tmod - c->lag[e] : tmod + x->R - c->lag[e];
        return x->ring + (slot * c->nlagsrc + c->hidx[j]) * x->G;
    }
    return x->gv + (size_t)j * x->G;
}

/* One step t -> t+1 (static: one iteration). Returns the largest change of
 * any part of any node (static only; 0 in dynamic runs). Instantiated (see
 * sweep) with G, and whether any link has a lag or a decouple measure, known
 * at compile time: the loops over a node's parts unroll, and links skip the
 * tests they do not need. The arithmetic is the same, in the same order, in
 * every instance. */
#define HX_GMAX 8
#if defined(__clang__)
#define HX_UNROLL _Pragma("unroll 9")
#elif defined(__GNUC__)
#define HX_UNROLL _Pragma("GCC unroll 9")
#else
#define HX_UNROLL
#endif

static inline __attribute__((always_inline)) double sweep_body(ctx *x, uint64_t t,
                                                                size_t i0, size_t i1, walk w,
                                                                const size_t G, const bool dec,
                                                                const bool lag)
{
    const hsec_compiled *c = x->c;
    const hsec_scenario *s = x->s;
    const size_t P = G + 1;
    const starget *tt = s->tt;
    double acc_local[HX_GMAX], tg_local[HX_GMAX + 1], cbuf_local[HX_GMAX];
    double *acc = G <= HX_GMAX ? acc_local : x->acc, *tg = G <= HX_GMAX ? tg_local : x->tg;
    double *cbuf = G <= HX_GMAX ? cbuf_local : x->cbuf;
    const double *wts = x->w;
    const uint32_t *col = c->col;
    double maxch = 0;
    size_t tmod = x->R ? (size_t)(t % x->R) : 0;
    for (size_t i = i0; i < i1; i++) {
        HX_UNROLL
        for (size_t p = 0; p < G; p++)
            acc[p] = 0;
        for (size_t e = c->rowp[i]; e < c->rowp[i + 1]; e++) {
            double a = dec ? wts[e] * link_pass(x, &w, e) : wts[e] * 1.0;
            const double *src = lag ? source(x, e, tmod) : x->gv + (size_t)col[e] * G;
            HX_UNROLL
            for (size_t p = 0; p < G; p++)
                acc[p] += a * src[p];
        }
        double vt, pass, k;
        node_coeffs(x, &w, i, &vt, &pass, &k);
        double f = vt * pass, ctot = 0;
        HX_UNROLL
        for (size_t p = 3; p < G; p++) /* each source's own perturbation (none: initial) */
            cbuf[p - 3] = 0;
        for (; w.tt < s->ntt && tt[w.tt].at == i; w.tt++) {
            double val = x->thr[tt[w.tt].who] * (x->mag ? x->mag[w.tt] : tt[w.tt].mag);
            cbuf[tt[w.tt].who] = val;
            ctot += val;
        }
        tg[0] = f * ctot;
        tg[1] = vt * acc[0];
        tg[2] = vt * acc[1];
        tg[3] = vt * acc[2];
        HX_UNROLL
        for (size_t p = 3; p < G; p++)
            tg[p + 1] = vt * acc[p] + f * cbuf[p - 3];
        double *q = x->st + i * P;
        if (x->dynamic && k != 1) /* static has K = I; k == 1 takes the target exactly */
            HX_UNROLL
            for (size_t p = 0; p < P; p++)
                tg[p] = q[p] + k * (tg[p] - q[p]);
        if (x->bounded) {
            double tot = tg[0] + tg[1] + tg[2] + tg[3];
            if (tot > 1) {
                double sc = 1 / tot;
                HX_UNROLL
                for (size_t p = 0; p < P; p++)
                    tg[p] *= sc;
            }
        }
        if (!x->dynamic) /* only a static iteration needs to know how far it moved */
            for (size_t p = 0; p < P; p++) {
                double d = fabs(tg[p] - q[p]);
                if (d > maxch || d != d)
                    maxch = d;
            }
        HX_UNROLL
        for (size_t p = 0; p < P; p++)
            q[p] = tg[p];
        double *g = x->gv2 + i * G;
        g[0] = tg[0];
        g[1] = tg[1];
        g[2] = tg[2] + tg[3];
        HX_UNROLL
        for (size_t p = 3; p < G; p++)
            g[p] = tg[p + 1];
    }
    return maxch;
}

#define HX_SWEEP_CASES(G)                                                  \
    case G:                                                                \
        if (dec)                                                           \
            return lag ? sweep_body(x, t, i0, i1, w, G, true, true)        \
                       : sweep_body(x, t, i0, i1, w, G, true, false);      \
        return lag ? sweep_body(x, t, i0, i1, w, G, false, true)           \
                   : sweep_body(x, t, i0, i1, w, G, false, false);

/* Thread k's rows of one step. */
static double sweep_rows(ctx *x, uint64_t t, size_t k)
{
    bool dec = x->s->nmt[HSEC_DECOUPLE] > 0, lag = x->uselag;
    bool split = x->T > 1;
    size_t i0 = split ? x->cut[k] : 0, i1 = split ? x->cut[k + 1] : x->n;
    walk w = split ? x->w0[k] : walk_at(x, 0);
    switch (x->G) {
        HX_SWEEP_CASES(3)
        HX_SWEEP_CASES(4)
        HX_SWEEP_CASES(5)
        HX_SWEEP_CASES(6)
    default: return sweep_body(x, t, i0, i1, w, x->G, dec, lag);
    }
}

/*
 * Threads sharing the sweeps of one run. Each step the caller wakes the
 * workers, sweeps its own rows, and waits for theirs; rows are
 * independent within a step (Jacobi), so the results are the same, bit
 * for bit, whatever the number of threads.
 */
#define HX_MAX_RUN_THREADS 256

typedef struct pool {
    ctx *x;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen, t;
    size_t pending, started;
    bool quit;
    double ch[HX_MAX_RUN_THREADS];
    struct warg {
        struct pool *p;
        size_t k;
    } arg[HX_MAX_RUN_THREADS];
    pthread_t th[HX_MAX_RUN_THREADS];
} pool;

static void *worker(void *arg)
{
    struct warg *a = arg;
    pool *p = a->p;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        seen = p->gen;
        bool quit = p->quit;
        uint64_t t = p->t;
        pthread_mutex_unlock(&p->mu);
        if (quit)
            return NULL;
        double ch = sweep_rows(p->x, t, a->k);
        pthread_mutex_lock(&p->mu);
        p->ch[a->k] = ch;
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

static void pool_stop(ctx *x)
{
    pool *p = x->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 0; k < p->started; k++)
        pthread_join(p->th[k], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    hx_free(x->a, p);
    x->pool = NULL;
}

/*
 * Split the rows among `want` threads (fewer when the model is small or a
 * thread cannot be started), by links plus a share for each node's own
 * work. HSEC_ENOMEM on allocation failure; nothing else fails.
 */
static int pool_start(ctx *x, size_t want)
{
    const hsec_compiled *c = x->c;
    size_t T = want;
    if (T > x->n / 1024)
        T = x->n / 1024;
    if (T > HX_MAX_RUN_THREADS)
        T = HX_MAX_RUN_THREADS;
    if (x->G > HX_GMAX) /* the instances' scratch arrays are per call only up to HX_GMAX */
        T = 1;
    if (T < 1)
        T = 1;
    x->T = 1;
    if (T == 1)
        return HSEC_OK;
    pool *p = hx_calloc(x->a, 1, sizeof *p);
    x->cut = hx_calloc(x->a, T + 1, sizeof *x->cut);
    x->w0 = hx_calloc(x->a, T, sizeof *x->w0);
    if (!p || !x->cut || !x->w0) {
        hx_free(x->a, p);
        return HSEC_ENOMEM;
    }
    p->x = x;
    bool mu = !pthread_mutex_init(&p->mu, NULL), go = mu && !pthread_cond_init(&p->go, NULL),
         done = go && !pthread_cond_init(&p->done, NULL);
    if (!done) { /* one thread, then */
        if (go)
            pthread_cond_destroy(&p->go);
        if (mu)
            pthread_mutex_destroy(&p->mu);
        hx_free(x->a, p);
        return HSEC_OK;
    }
    x->pool = p;
    for (size_t k = 1; k < T; k++) {
        p->arg[p->started].p = p;
        p->arg[p->started].k = k;
        if (pthread_create(&p->th[p->started], NULL, worker, &p->arg[p->started]))
            break;
        p->started++;
    }
    T = p->started + 1;
    double total = (double)c->rowp[x->n] + 2.0 * (double)x->n;
    x->cut[0] = 0;
    for (size_t k = 1; k < T; k++) { /* the first row whose cost reaches k/T of the total */
        double target = total * (double)k / (double)T;
        size_t lo = x->cut[k - 1], hi = x->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((double)c->rowp[mid] + 2.0 * (double)mid < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        x->cut[k] = lo;
    }
    x->cut[T] = x->n;
    for (size_t k = 0; k < T; k++)
        x->w0[k] = walk_at(x, x->cut[k]);
    x->T = T;
    return HSEC_OK;
}

/* One step t -> t+1 on every row (static: one iteration), then the
 * gather vectors swapped and the lagged sources' kept. Returns the largest
 * change (static). */
static double sweep(ctx *x, uint64_t t)
{
    const hsec_compiled *c = x->c;
    double maxch;
    if (x->T <= 1) {
        maxch = sweep_rows(x, t, 0);
    } else {
        pool *p = x->pool;
        pthread_mutex_lock(&p->mu);
        p->t = t;
        p->pending = x->T - 1;
        p->gen++;
        pthread_cond_broadcast(&p->go);
        pthread_mutex_unlock(&p->mu);
        maxch = sweep_rows(x, t, 0);
        pthread_mutex_lock(&p->mu);
        while (p->pending > 0)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
        for (size_t k = 1; k < x->T && maxch == maxch; k++) /* as one sweep: NaN if any */
            if (p->ch[k] > maxch || p->ch[k] != p->ch[k])
                maxch = p->ch[k];
    }
    double *tmp = x->gv;
    x->gv = x->gv2;
    x->gv2 = tmp;
    if (x->uselag) { /* keep the new gather vectors of lagged sources */
        size_t slot = (size_t)((t + 1) % x->R), G = x->G;
        for (size_t i = 0; i < x->n; i++)
            if (c->hidx[i] != HX_NONE)
                memcpy(x->ring + (slot * c->nlagsrc + c->hidx[i]) * G, x->gv + i * G,
                       G * sizeof(double));
    }
    return maxch;
}

/* y = A' x at full strength (static), for the spectral radius check. */
static void matvec(const ctx *x, const double *in, double *out)
{
    const hsec_compiled *c = x->c;
    walk w = {0};
    for (size_t i = 0; i < x->n; i++) {
        double sum = 0;
        for (size_t e = c->rowp[i]; e < c->rowp[i + 1]; e++)
            sum += x->w[e] * link_pass(x, &w, e) * in[c->col[e]];
        double vt, pass, k;
        node_coeffs(x, &w, i, &vt, &pass, &k);
        out[i] = vt * sum;
    }
}

/* Largest column sum of A'. */
static double max_colsum(const ctx *x, double *cs)
{
    const hsec_compiled *c = x->c;
    walk w = {0};
    memset(cs, 0, x->n * sizeof *cs);
    for (size_t i = 0; i < x->n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        walk w0 = w;
        double vt, pass, k;
        for (size_t e = e0; e < e1; e++)
            link_pass(x, &w, e);
        node_coeffs(x, &w, i, &vt, &pass, &k);
        for (size_t e = e0; e < e1; e++)
            cs[c->col[e]] += vt * x->w[e] * link_pass(x, &w0, e);
    }
    double mx = 0;
    for (size_t i = 0; i < x->n; i++)
        mx = cs[i] > mx ? cs[i] : mx;
    return mx;
}

/*
 * Show that the spectral radius of the nonnegative A' is below 1 (or not).
 * Cheap bounds first (largest row and column sums), then power iteration on
 * I + A' (whose dominant eigenvalue is 1 + rho even when A' is periodic)
 * with Collatz-Wielandt bounds: for x > 0, max_i (A'x)_i / x_i >= rho; for
 * z >= 0, z != 0, with (A'z)_i >= L z_i wherever z_i > 0, rho >= L.
 */
static int check_spectral(ctx *x, char *err)
{
    size_t n = x->n;
    int rc = HSEC_OK;
    double *v = hx_calloc(x->a, n, sizeof *v), *y = hx_calloc(x->a, n, sizeof *y);
    double *z = hx_calloc(x->a, n, sizeof *z), *yz = hx_calloc(x->a, n, sizeof *yz);
    if (!v || !y || !z || !yz) {
        hx_setmsg(err, "out of memory");
        rc = HSEC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = 1;
    matvec(x, v, y);
    double upper = 0, lower = 0;
    for (size_t i = 0; i < n; i++)
        upper = y[i] > upper ? y[i] : upper;
    if (upper < 1 || max_colsum(x, z) < 1)
        goto done;
    for (int it = 1; it <= 2000; it++) {
        double mx = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] += y[i];
            mx = v[i] > mx ? v[i] : mx;
        }
        for (size_t i = 0; i < n; i++)
            v[i] /= mx;
        matvec(x, v, y);
        upper = 0;
        for (size_t i = 0; i < n; i++) {
            double r = y[i] / v[i];
            upper = r > upper ? r : upper;
        }
        if (upper < 1)
            goto done;
        if (it % 10 == 0) {
            for (size_t i = 0; i < n; i++)
                z[i] = v[i] >= 1e-3 ? v[i] : 0;
            matvec(x, z, yz);
            double lo = INFINITY;
            for (size_t i = 0; i < n; i++) {
                if (z[i] > 0) {
                    double r = yz[i] / z[i];
                    lo = r < lo ? r : lo;
                }
            }
            lower = lo > lower ? lo : lower;
            if (lower >= 1) {
                hx_setmsg(err, "linear mode: the spectral radius of A' is at least %.6g; it "
                          "must be below 1 for the equilibrium to exist (use bounded mode, "
                          "or weaken links or vulnerabilities)", lower);
                rc = HSEC_ENOCONV;
                goto done;
            }
        }
    }
    hx_setmsg(err, "linear mode: cannot show that the spectral radius of A' (between %.6g "
              "and %.6g) is below 1 (use bounded mode)", lower, upper);
    rc = HSEC_ENOCONV;
done:
    hx_free(x->a, v);
    hx_free(x->a, y);
    hx_free(x->a, z);
    hx_free(x->a, yz);
    return rc;
}

/* A node's total q; in bounded mode exactly within [0,1] (rescaled parts
 * can sum to 1 plus a rounding error). */
static inline double total(const ctx *x, const double *q)
{
    double t = q[0] + q[1] + q[2] + q[3];
    return x->bounded && t > 1 ? 1 : t;
}

/* Group figures of the current state; burden accumulated when band >= -1
 * (-1: static, no band). */
static void report(const ctx *x, hsec_result *r, uint64_t t, int band, bool last)
{
    const hsec_compiled *c = x->c;
    const size_t P = x->P, H = x->H;
    const bool acc = band >= -1, warn = band != -1;
    /* the run's sums kept in locals for the pass, added in the same order */
    double ord[4] = {r->order[0], r->order[1], r->order[2], r->order[3]};
    double thr_local[HX_GMAX];
    double *thr = H <= HX_GMAX ? thr_local : r->threat;
    for (size_t h = 0; h < H && thr == thr_local; h++)
        thr[h] = r->threat[h];
    double init = r->initial, total_ = r->total, base = r->baseline, prop = r->propagated;
    double bandsum = band >= 0 ? r->band[band] : 0;
    double frac[HSEC_DIM_COUNT], y7[HSEC_DIM_COUNT];
    for (size_t g = 0; g < c->ngroup; g++) {
        const cgroup *cg = &c->groups[g];
        const double *qg = x->st + (size_t)cg->node * P;
        double Hg = 0, Hb = 0, Hp = 0;
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            const double *q = qg + (size_t)d * P;
            double qt = total(x, q);
            double b = cg->base[d];
            double y = b + qt < 1 ? b + qt : 1;
            double p = y - b;
            double w = cg->w[d];
            frac[d] = qt > 0 ? p / qt : 0;
            y7[d] = y;
            Hg += w * y;
            Hb += w * b;
            Hp += w * p;
            if (warn && y >= 0.4 && r->warn[g * HSEC_DIM_COUNT + (size_t)d] < 0)
                r->warn[g * HSEC_DIM_COUNT + (size_t)d] = (int64_t)t;
            if (acc) {
                double nwf = cg->size * w * frac[d];
                for (int o = 0; o < 4; o++)
                    ord[o] += nwf * q[o];
                for (size_t h = 0; h < H; h++)
                    thr[h] += nwf * q[4 + h];
                if (x->has_init)
                    init += nwf * q[4 + H];
            }
        }
        if (acc) {
            total_ += cg->size * Hg;
            base += cg->size * Hb;
            prop += cg->size * Hp;
            r->region[cg->region] += cg->size * Hp;
            r->group[g] += cg->size * Hp;
            if (band >= 0)
                bandsum += cg->size * Hp;
        }
        bool peak = t == 0 || Hg > r->peak[g].H;
        if (!peak && !last)
            continue;
        /* the figures written in place (a copy of the whole struct each
         * step of a rise cost more than the rest of the report) */
        gfig *f = peak ? &r->peak[g] : &r->last[g];
        f->step = t;
        f->H = Hg;
        f->Hp = Hp;
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            f->y[d] = y7[d];
            for (int o = 0; o < 4; o++) /* the orders' parts, only when kept */
                f->p[d * 4 + o] = frac[d] * qg[(size_t)d * P + (size_t)o];
        }
        if (peak) {
            for (size_t h = 0; h < H; h++) { /* each threat's part of Hp */
                double part = 0;
                for (int d = 0; d < HSEC_DIM_COUNT; d++)
                    part += cg->w[d] * frac[d] * qg[(size_t)d * P + 4 + h];
                r->peakthr[g * H + h] = part;
            }
        }
        if (last && peak)
            r->last[g] = *f;
    }
    for (int o = 0; o < 4; o++)
        r->order[o] = ord[o];
    for (size_t h = 0; h < H && thr == thr_local; h++)
        r->threat[h] = thr[h];
    r->initial = init;
    r->total = total_;
    r->baseline = base;
    r->propagated = prop;
    if (band >= 0)
        r->band[band] = bandsum;
}

/* Critical and pervasive threats, and Alkire-Foster counting, from the
 * group figures once the run is over. */
static void summarise(const ctx *x, hsec_result *r)
{
    const hsec_compiled *c = x->c;
    const hsec_scenario *s = x->s;
    r->crit = s->opt[HSEC_OPT_CRITICAL_SHARE];
    r->perv = s->opt[HSEC_OPT_PERVASIVE_SHARE];
    r->afk = s->opt[HSEC_OPT_AF_K];
    double z = s->opt[HSEC_OPT_AF_CUTOFF], pop = 0;
    for (size_t g = 0; g < c->ngroup; g++)
        pop += c->groups[g].size;
    for (size_t h = 0; h < x->H; h++) {
        double in = 0;
        for (size_t g = 0; g < c->ngroup; g++) {
            double hp = r->peak[g].Hp;
            if (hp > 0 && r->peakthr[g * x->H + h] / hp >= r->crit)
                in += c->groups[g].size;
        }
        r->popshare[h] = pop > 0 ? in / pop : 0;
    }
    for (int at = 0; at < 2; at++) {
        const gfig *f = at == 0 ? r->last : r->peak;
        double poor = 0, sum = 0;
        for (size_t g = 0; g < c->ngroup; g++) {
            double score = 0;
            for (int d = 0; d < HSEC_DIM_COUNT; d++)
                if (f[g].y[d] >= z)
                    score += c->groups[g].w[d];
            r->score[(size_t)at * c->ngroup + g] = score;
            if (score >= r->afk - 1e-12) {
                poor += c->groups[g].size;
                sum += c->groups[g].size * score;
            }
        }
        r->af[at][0] = pop > 0 ? poor / pop : 0;
        r->af[at][1] = poor > 0 ? sum / poor : 0;
        r->af[at][2] = r->af[at][0] * r->af[at][1];
    }
}

static void ctx_free(ctx *x)
{
    pool_stop(x);
    hx_free(x->a, x->cut);
    hx_free(x->a, x->w0);
    hx_free(x->a, x->st);
    hx_free(x->a, x->gv);
    hx_free(x->a, x->gv2);
    hx_free(x->a, x->ring);
    hx_free(x->a, x->kb);
    hx_free(x->a, x->mfac);
    hx_free(x->a, x->thr);
    hx_free(x->a, x->acc);
    hx_free(x->a, x->tg);
    hx_free(x->a, x->cbuf);
}

static hsec_result *result_new(const ctx *x, uint64_t steps)
{
    const hsec_allocator *a = x->a;
    const hsec_compiled *c = x->c;
    hsec_result *r = hx_calloc(a, 1, sizeof *r);
    if (!r)
        return NULL;
    r->a = *a;
    r->mode = x->dynamic ? HSEC_MODE_DYNAMIC : HSEC_MODE_STATIC;
    r->n = c->n;
    r->ngroup = c->ngroup;
    r->nthreat = x->H;
    r->nregion = c->nregion;
    r->q = hx_calloc(a, c->n, sizeof *r->q);
    r->orders = hx_calloc(a, c->n, 4 * sizeof *r->orders);
    r->last = hx_calloc(a, c->ngroup, sizeof *r->last);
    r->peak = hx_calloc(a, c->ngroup, sizeof *r->peak);
    r->threat = hx_calloc(a, x->H, sizeof *r->threat);
    r->region = hx_calloc(a, c->nregion, sizeof *r->region);
    r->group = hx_calloc(a, c->ngroup, sizeof *r->group);
    r->warn = hx_calloc(a, c->ngroup, HSEC_DIM_COUNT * sizeof *r->warn);
    r->peakthr = hx_calloc(a, c->ngroup, (x->H ? x->H : 1) * sizeof *r->peakthr);
    r->popshare = hx_calloc(a, x->H, sizeof *r->popshare);
    r->score = hx_calloc(a, c->ngroup, 2 * sizeof *r->score);
    bool ok = r->q && r->orders && r->last && r->peak && r->threat && r->region && r->group &&
              r->warn && r->peakthr && r->popshare && r->score;
    for (size_t i = 0; ok && i < c->ngroup * HSEC_DIM_COUNT; i++)
        r->warn[i] = -1;
    for (size_t h = 0; h < x->H; h++) {
        int64_t st = x->s->threats[h].start;
        if (h == 0 || st < r->first_start)
            r->first_start = st;
    }
    if (ok && x->s->nrec) {
        r->nrec = x->s->nrec;
        r->rec = hx_calloc(a, r->nrec, sizeof *r->rec);
        ok = r->rec != NULL;
        if (ok)
            memcpy(r->rec, x->s->rec, r->nrec * sizeof *r->rec);
        if (ok && x->dynamic) {
            r->series = (steps + 1 > SIZE_MAX / r->nrec)
                            ? NULL
                            : hx_calloc(a, r->nrec * (size_t)(steps + 1), sizeof(double));
            ok = r->series != NULL;
        }
    }
    if (!ok) {
        hsec_result_free(r);
        return NULL;
    }
    return r;
}

static void record(const ctx *x, hsec_result *r, uint64_t t, uint64_t steps)
{
    for (size_t k = 0; k < r->nrec; k++) {
        const double *q = x->st + r->rec[k] * x->P;
        r->series[k * (size_t)(steps + 1) + (size_t)t] = total(x, q);
    }
}

void hx_recovery_rates(const hsec_scenario *s, double *k)
{
    const hsec_compiled *c = s->c;
    for (size_t i = 0; i < c->n; i++) {
        k[i] = c->k[i];
        if (c->tau[i] > 0) /* cannot fail: every value was checked */
            hsec_recovery_rate(&k[i], c->tau[i], s->opt[HSEC_OPT_RECOVERY_LAMBDA], c->selfw[i]);
    }
}

int hx_run(hsec_result **out, hsec_scenario *s, const hx_opts *o)
{
    hsec_progress_fn fn = o->fn;
    void *user = o->user;
    char *err = o->err;
    *out = NULL;
    const hsec_compiled *c = s->c;
    ctx x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.s = s;
    x.active = o->mask;
    x.w = o->draw && o->draw->w ? o->draw->w : c->w;
    x.mag = o->draw ? o->draw->mag : NULL;
    x.a = &s->a;
    x.n = c->n;
    x.dynamic = s->opt[HSEC_OPT_MODE] == HSEC_MODE_DYNAMIC;
    x.bounded = s->opt[HSEC_OPT_BOUNDED] != 0;
    uint64_t steps = x.dynamic ? (uint64_t)s->opt[HSEC_OPT_STEPS] : 0;
    if (x.dynamic && steps == 0) {
        hx_setmsg(err, "run.steps is required in dynamic mode");
        return HSEC_EINVAL;
    }
    if (s->opt[HSEC_OPT_BAND_SHORT] > s->opt[HSEC_OPT_BAND_MEDIUM]) {
        hx_setmsg(err, "run.bands: the short band ends at %g, after the medium band (%g)",
                  s->opt[HSEC_OPT_BAND_SHORT], s->opt[HSEC_OPT_BAND_MEDIUM]);
        return HSEC_EINVAL;
    }
    x.H = s->nthreat;
    for (size_t i = 0; x.dynamic && i < x.n && !x.has_init; i++)
        x.has_init = c->init[i] > 0;
    x.S = x.H + (x.has_init ? 1 : 0);
    x.P = 4 + x.S;
    x.G = 3 + x.S;
    x.uselag = x.dynamic && c->maxlag > 0;
    x.R = x.uselag ? (size_t)c->maxlag + 1 : 0;

    int rc = HSEC_ENOMEM;
    hsec_result *r = NULL;
    x.st = hx_calloc(x.a, x.n, x.P * sizeof(double));
    x.gv = hx_calloc(x.a, x.n, x.G * sizeof(double));
    x.gv2 = hx_calloc(x.a, x.n, x.G * sizeof(double));
    x.kb = hx_calloc(x.a, x.n, sizeof(double));
    x.mfac = hx_calloc(x.a, s->nmeasure, sizeof(double));
    x.thr = hx_calloc(x.a, x.H, sizeof(double));
    x.acc = hx_calloc(x.a, x.G, sizeof(double));
    x.tg = hx_calloc(x.a, x.P, sizeof(double));
    x.cbuf = hx_calloc(x.a, x.S + 1, sizeof(double));
    if (!x.st || !x.gv || !x.gv2 || !x.kb || !x.mfac || !x.thr || !x.acc || !x.tg || !x.cbuf)
        goto fail;
    if (x.uselag) {
        size_t per = c->nlagsrc * x.G;
        if (per && x.R > SIZE_MAX / per)
            goto fail;
        if (!(x.ring = hx_calloc(x.a, x.R * per, sizeof(double))))
            goto fail;
    }
    if (!(r = result_new(&x, steps)))
        goto fail;
    {
        double want = o->one_thread ? 1 : s->opt[HSEC_OPT_RUN_THREADS];
        if (want == 0) {
            long np = sysconf(_SC_NPROCESSORS_ONLN);
            want = np > 0 ? (double)np : 1;
        }
        if (pool_start(&x, (size_t)want))
            goto fail;
    }

    /* recovery times become rates: k = -ln(lambda) / (tau (1 - a_ii)) */
    if (o->draw && o->draw->k)
        memcpy(x.kb, o->draw->k, x.n * sizeof *x.kb);
    else
        hx_recovery_rates(s, x.kb);

    if (x.dynamic) {
        for (size_t i = 0; i < x.n; i++) { /* q1(0) = q(0); the initial source too */
            x.st[i * x.P] = c->init[i];
            x.gv[i * x.G] = c->init[i];
            if (x.has_init) {
                x.st[i * x.P + x.P - 1] = c->init[i];
                x.gv[i * x.G + x.G - 1] = c->init[i];
            }
        }
        for (size_t slot = 0; slot < x.R; slot++)
            for (size_t i = 0; i < x.n; i++)
                if (c->hidx[i] != HX_NONE)
                    memcpy(x.ring + (slot * c->nlagsrc + c->hidx[i]) * x.G, x.gv + i * x.G,
                           x.G * sizeof(double));
        uint64_t bs = (uint64_t)s->opt[HSEC_OPT_BAND_SHORT];
        uint64_t bm = (uint64_t)s->opt[HSEC_OPT_BAND_MEDIUM];
        record(&x, r, 0, steps);
        report(&x, r, 0, -2, false);
        uint64_t every = steps / 100 ? steps / 100 : 1;
        for (uint64_t t = 0; t < steps; t++) {
            if (fn && t % every == 0 && fn(user, t, steps)) {
                hx_setmsg(err, "canceled at step %llu of %llu", (unsigned long long)t,
                          (unsigned long long)steps);
                rc = HSEC_ECANCELED;
                goto fail;
            }
            coefficients(&x, t);
            sweep(&x, t);
            record(&x, r, t + 1, steps);
            report(&x, r, t + 1, t + 1 <= bs ? 0 : t + 1 <= bm ? 1 : 2, t + 1 == steps);
        }
        r->steps = steps;
        if (fn && fn(user, steps, steps)) {
            hx_setmsg(err, "canceled at the end of the run");
            rc = HSEC_ECANCELED;
            goto fail;
        }
    } else {
        coefficients(&x, 0);
        uint64_t cap = (uint64_t)s->opt[HSEC_OPT_MAX_ITERATIONS], it = 0;
        double tol = 1e-15;
        if (!x.bounded) {
            if ((rc = check_spectral(&x, err)))
                goto fail;
            double cmax = 0; /* ||c||: one sweep from 0 gives q1 = c */
            sweep(&x, 0);
            it = 1;
            for (size_t i = 0; i < x.n; i++)
                cmax = x.st[i * x.P] > cmax ? x.st[i * x.P] : cmax;
            tol = 1e-13 * cmax;
        }
        double ch = INFINITY;
        while (it < cap && ch > tol) {
            ch = sweep(&x, 0);
            it++;
        }
        if (!x.bounded && ch > tol) {
            hx_setmsg(err, "linear mode: no convergence in %llu iterations (change %g; "
                      "raise run.max_iterations)", (unsigned long long)it, ch);
            rc = HSEC_ENOCONV;
            goto fail;
        }
        r->steps = x.bounded ? it : 0;
        report(&x, r, 0, -1, true);
    }

    for (size_t i = 0; i < x.n; i++) {
        const double *q = x.st + i * x.P;
        memcpy(r->orders + i * 4, q, 4 * sizeof *q);
        r->q[i] = total(&x, q);
        if (!isfinite(r->q[i])) {
            hx_setmsg(err, "linear mode: node %s diverged (q = %g)", c->names[i], r->q[i]);
            rc = HSEC_ENOCONV;
            goto fail;
        }
    }
    for (size_t h = 0; h < x.H; h++)
        r->actor[s->threats[h].actor] += r->threat[h];
    summarise(&x, r);
    ctx_free(&x);
    *out = r;
    return HSEC_OK;
fail:
    if (rc == HSEC_ENOMEM)
        hx_setmsg(err, "out of memory");
    hsec_result_free(r);
    ctx_free(&x);
    return rc;
}

/* ---- A' as a linear operator (ranking and coupling) */

struct hx_lin {
    ctx x;
    hsec_scenario *s;
    bool checked;
};

void hx_lin_close(hx_lin *l)
{
    if (!l)
        return;
    const hsec_allocator *a = l->x.a;
    ctx_free(&l->x);
    hx_free(a, l);
}

/* A context holding only the coefficients of A', c and K at step `step`
 * (-1: static, full strength) with the measures of mask in force, for
 * walking the rows outside a run. The scenario must be prepared. On
 * failure (HSEC_ENOMEM) x holds what to free with ctx_free. */
static int coeff_open(ctx *x, hsec_scenario *s, const unsigned char *mask, int64_t step)
{
    memset(x, 0, sizeof *x);
    x->c = s->c;
    x->s = s;
    x->a = &s->a;
    x->n = s->c->n;
    x->w = s->c->w;
    x->active = mask;
    x->dynamic = step >= 0;
    x->mfac = hx_calloc(x->a, s->nmeasure, sizeof(double));
    x->thr = hx_calloc(x->a, s->nthreat, sizeof(double));
    x->kb = hx_calloc(x->a, x->n, sizeof(double));
    if (!x->mfac || !x->thr || !x->kb)
        return HSEC_ENOMEM;
    hx_recovery_rates(s, x->kb);
    coefficients(x, step >= 0 ? (uint64_t)step : 0);
    return HSEC_OK;
}

int hx_lin_open(hx_lin **out, hsec_scenario *s)
{
    *out = NULL;
    hx_scenario_prepare(s);
    hx_lin *l = hx_calloc(&s->a, 1, sizeof *l);
    if (!l)
        return HSEC_ENOMEM;
    l->s = s;
    if (coeff_open(&l->x, s, NULL, -1)) {
        hx_lin_close(l);
        return HSEC_ENOMEM;
    }
    *out = l;
    return HSEC_OK;
}

void hx_lin_apply(const hx_lin *l, bool transpose, const double *in, double *out)
{
    const ctx *x = &l->x;
    const hsec_compiled *c = x->c;
    if (!transpose) {
        matvec(x, in, out);
        return;
    }
    walk w = {0};
    memset(out, 0, x->n * sizeof *out);
    for (size_t i = 0; i < x->n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        walk w0 = w; /* the row's links once for v_i(t), once to scatter */
        double vt, pass, k;
        for (size_t e = e0; e < e1; e++)
            link_pass(x, &w, e);
        node_coeffs(x, &w, i, &vt, &pass, &k);
        for (size_t e = e0; e < e1; e++)
            out[c->col[e]] += vt * x->w[e] * link_pass(x, &w0, e) * in[i];
    }
}

int hx_lin_solve(hx_lin *l, bool transpose, const double *b, double *xv)
{
    ctx *x = &l->x;
    hsec_scenario *s = l->s;
    int rc;
    if (!l->checked) {
        if ((rc = check_spectral(x, s->err)))
            return rc;
        l->checked = true;
    }
    double *y = hx_calloc(x->a, x->n, sizeof *y);
    if (!y) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    double bmax = 0;
    for (size_t i = 0; i < x->n; i++) {
        xv[i] = b[i];
        bmax = fabs(b[i]) > bmax ? fabs(b[i]) : bmax;
    }
    /* Jacobi: x <- b + M x; the change of a sweep is its residual */
    uint64_t cap = (uint64_t)s->opt[HSEC_OPT_MAX_ITERATIONS], it = 0;
    double ch = INFINITY, tol = 1e-13 * bmax;
    while (ch > tol && it++ < cap) {
        hx_lin_apply(l, transpose, xv, y);
        ch = 0;
        for (size_t i = 0; i < x->n; i++) {
            double nx = b[i] + y[i];
            double d = fabs(nx - xv[i]);
            ch = d > ch ? d : ch;
            xv[i] = nx;
        }
    }
    hx_free(x->a, y);
    if (ch > tol) {
        hx_setmsg(s->err, "linear solve: no convergence in %llu iterations (change %g; raise "
                  "run.max_iterations)", (unsigned long long)cap, ch);
        return HSEC_ENOCONV;
    }
    return HSEC_OK;
}

/* ---- the operator, for callers who compute with it themselves */

int hsec_scenario_operator(double *weight, double *perturbation, double *recovery,
                           hsec_scenario *s, const unsigned char *mask, int64_t step)
{
    if (!s)
        return HSEC_EINVAL;
    if (step < -1) {
        hx_setmsg(s->err, "operator: step %lld is neither a step >= 0 nor -1 (static)",
                  (long long)step);
        return HSEC_EINVAL;
    }
    hx_scenario_prepare(s);
    const hsec_compiled *c = s->c;
    ctx x;
    if (coeff_open(&x, s, mask, step)) {
        ctx_free(&x);
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    const size_t H = s->nthreat;
    if (perturbation)
        memset(perturbation, 0, x.n * H * sizeof *perturbation);
    walk w = {0};
    for (size_t i = 0; i < x.n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        walk w0 = w; /* the row's links once for v_i(t), once to write them */
        double vt, pass, k;
        for (size_t e = e0; e < e1; e++)
            link_pass(&x, &w, e);
        node_coeffs(&x, &w, i, &vt, &pass, &k);
        if (weight)
            for (size_t e = e0; e < e1; e++)
                weight[e] = vt * (c->w[e] * link_pass(&x, &w0, e));
        for (; w.tt < s->ntt && s->tt[w.tt].at == i; w.tt++)
            if (perturbation)
                perturbation[i * H + s->tt[w.tt].who] =
                    vt * pass * (x.thr[s->tt[w.tt].who] * s->tt[w.tt].mag);
        if (recovery)
            recovery[i] = x.dynamic ? k : 1;
    }
    ctx_free(&x);
    return HSEC_OK;
}
