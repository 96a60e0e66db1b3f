/*
 * The engine layer (doc/model.md §2-§5): one fused sweep over the links in
 * compressed sparse rows advances every mode; the files split its jobs:
 *
 *   coeffs.c    measures' and threats' strengths at a step; recovery rates
 *   sweep.c     one step of every row, instantiated for common part counts
 *   pool.c      threads sharing independent jobs (a run's chunks)
 *   spectral.c  showing the spectral radius of A' below 1 (linear mode)
 *   report.c    group figures, burden, summaries: the run's hsec_result
 *   linop.c     A' as a linear operator (ranking, coupling)
 *   solve.c     static solves: block Gauss-Seidel, orders in closed form
 *   operator.c  the operator exported to callers
 *   run.c       one run, start to end
 *
 * Every mode advances the same state: per node, the parts q1, q2, q3, q4
 * (orders 1, 2, 3, 4+) and one part per source of degradation (each
 * threat, and the initial degradation in dynamic mode), so that the orders
 * and the per-threat split come out of a single pass over the matrix. A
 * link reads its source's q1, q2, q3 + q4 and parts (the "gather" values)
 * from the state, which is double-buffered, since the update is a Jacobi
 * step. Links with a lag read the gather values of an earlier step from a
 * ring buffer kept only for the nodes that are sources of lagged links.
 *
 *   dynamic      q(t+1) = q + K (A' q_lag + c - q), K a node's onset rate
 *                when its target is above q, else its recovery rate
 *   static       q = min(1, A' q + c) (bounded) or q = A' q + c (linear),
 *                solved by block Gauss-Seidel on A' assembled once
 *                (solve.c); the orders and the threats' parts follow
 *                from two sparse products and one more solve.
 *
 * Nothing is allocated inside the time loop. Above scenario; below results.
 */
#ifndef HSEC_ENGINE_H
#define HSEC_ENGINE_H

#include "scenario.h"
#include <time.h>

/* ---- what a run computed (report.c fills it; the results layer reads it) */
typedef struct gfig {
    uint64_t step;
    double H, Hp; /* vital-core index, and its propagated part */
    double y[HSEC_DIM_COUNT];
    double p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
} gfig;

struct hsec_result {
    hsec_allocator a;
    int mode;
    uint64_t steps;
    size_t n;
    double *q, *orders;
    size_t nrec;
    size_t *rec;
    double *series; /* nrec * (steps + 1) in dynamic mode */
    size_t ngroup;
    uint32_t *gnid; /* the group the API numbers g: the per-group arrays are by node */
    const hsec_compiled *c; /* a reference: the groups' figures at the last step */
    gfig *peak; /* dynamic: each group at its peak; static: NULL (the peak is the last) */
    double total, baseline, propagated, initial;
    double band[HSEC_BAND_COUNT], order[HSEC_ORDER_COUNT], actor[HSEC_THREAT_ACTOR_COUNT];
    size_t nthreat, nregion;
    double *threat, *region, *group;
    /* by topic (the last: threats without one); by flag (the last: the
     * whole population): burden, propagated part, people */
    double topic[HSEC_TOPIC_COUNT + 1];
    double flag[HSEC_FLAG_COUNT + 1], flagp[HSEC_FLAG_COUNT + 1], flagpop[HSEC_FLAG_COUNT + 1];
    int32_t *warn;       /* ngroup * 7: first step in crisis or worse, or -1 */
    int64_t first_start; /* earliest threat start, or 0 without threats */
    double *peakthr;     /* ngroup * nthreat: threat parts of Hp at the peak */
    double *popshare;    /* nthreat: population in groups the threat is critical for */
    double *score;       /* 2 * ngroup: Alkire-Foster scores at last, at peak */
    double af[2][HSEC_AF_COUNT]; /* H, A, M0 at last, at peak */
    double crit, perv, afk;
    size_t nmeasure;
    unsigned char *mask; /* nmeasure bytes: 1 for a measure in force in the run */
    hx_diags diag;       /* the run's warnings (the results layer finds them) */
};

void hx_result_free(hsec_result *r);

/* ---- how to run */

/* Parameters drawn for one ensemble member, replacing the model's: link
 * weights (nnz, CSR order), threat magnitudes (ntt, the sorted target
 * list's order) and recovery rates after conversion (n). */
typedef struct hx_draw {
    const double *w, *mag, *k;
} hx_draw;

/* How to run: the measures in force (mask bytes nonzero; NULL: all),
 * progress (fn NULL: none), drawn parameters (NULL: the model's), and
 * where a failure's message goes (HSEC_ERRMSG_MAX bytes). */
typedef struct hx_opts {
    const unsigned char *mask;
    hsec_progress_fn fn;
    void *user;
    const hx_draw *draw;
    char *err;
    bool one_thread; /* ignore HSEC_OPT_RUN_THREADS (ensemble members) */
} hx_opts;

/* One run. Reads the scenario only (it must be prepared: hx_scenario_prepare),
 * so runs with their own err buffers may go on in several threads at once. */
int hx_run(hsec_result **out, hsec_scenario *s, const hx_opts *o);
/* Recovery rates of every node after converting recovery times (n values). */
void hx_recovery_rates(const hsec_scenario *s, double *k);
/* Onset rates of every node (n values): the one given, an onset time
 * converted, or the node's own rate k (before measures; drawn in an
 * ensemble member). */
void hx_onset_rates(const hsec_scenario *s, const double *k, double *ko);

/* ---- A' as a linear operator (linop.c) */

/* A' of a scenario at full strength (static), with its measures in force. */
typedef struct hx_lin hx_lin;
int hx_lin_open(hx_lin **out, hsec_scenario *s);
/* The same with the measures of mask in force (NULL: all); mask must
 * outlive the operator. */
int hx_lin_open_with(hx_lin **out, hsec_scenario *s, const unsigned char *mask);
void hx_lin_close(hx_lin *l);
/* out = A' in, or A'^T in. */
void hx_lin_apply(const hx_lin *l, bool transpose, const double *in, double *out);
/* Solve (I - A') x = b or (I - A'^T) x = b to a residual of HX_TOL_LINEAR
 * max |b|, after showing the spectral radius below 1 (HSEC_ENOCONV if not;
 * the message goes to the scenario). */
int hx_lin_solve(hx_lin *l, bool transpose, const double *b, double *x);

/* ---- the engine's own state */

/* Pointers into the scenario's sorted target lists, advanced with the sweep. */
typedef struct walk {
    size_t tt, dec, red, shd, rec;
    size_t lg; /* the next lagged link (ctx.lagged) */
} walk;

/* A link with a lag, as a run reads it: link e, whose source is number
 * pos of history class cls (ctx.rc), read `lag` steps back (at most the
 * class's reach). */
typedef struct hx_lagged {
    uint32_t e, cls, pos, lag;
} hx_lagged;

/* The history of the lagged sources whose longest lag is the same (the
 * model's depth classes): `depth` slots (that lag, at most the steps, + 2)
 * of its m sources' gather values, slot-major; tmod and wslot are the
 * current step's t and t + 1 modulo depth: the slot a lag of l reads is
 * tmod - l (mod depth), and the step's new values go to wslot, which no
 * link reads during the step. */
typedef struct hx_rclass {
    double *base;
    size_t depth, m;
    size_t tmod, wslot;
} hx_rclass;

typedef struct hx_pool hx_pool;

typedef struct ctx {
    const hsec_compiled *c;
    const hsec_scenario *s;
    const hsec_allocator *a;
    const unsigned char *active; /* measures in force, or NULL for all */
    bool dynamic, bounded, uselag;
    size_t n, H, S, P, G;
    bool has_init;
    /* the state, n * P: st the current step's, nx the next one's while a
     * step makes it (swapped after each step); rep the one reports read,
     * and prev the step's before it while a step reports (NULL otherwise).
     * A link reads its source's q1, q2, q3 + q4 and parts from st. */
    double *st, *nx;
    const double *rep, *prev;
    double *ring;      /* the histories of every class, one after the other */
    hx_rclass *rc;
    size_t nrc;
    hx_lagged *lagged; /* the links with a lag, by link (dynamic runs with lags) */
    size_t nlagged;
    const double *w;   /* link weights in force: the model's or drawn */
    const double *mag; /* threat target magnitudes: the scenario's or drawn (NULL) */
    /* base recovery and onset rates per node (the onset rates: dynamic
     * runs); each is the model's own array, a member's drawn one or the
     * recovery rates themselves when nothing differs, or its own copy
     * (kb_own, ko_own, freed with the context) */
    const double *kb, *ko;
    double *kb_own, *ko_own;
    double *mfac; /* measure strength * ramp at this step; 0 when not in force */
    double *thr;  /* threat likelihood at this step; 0 when not active */
    double *acc, *tg, *cbuf;
    /* A step is done in chunks of rows, fixed whatever the thread count,
     * that never split a group: chunk k sweeps rows crow[k] .. crow[k+1]-1
     * (its walk of the target lists starting at cw[k]), then reports the
     * groups cgrp[k] .. cgrp[k+1]-1 into its own partial sums, part +
     * k * npart, which are added in chunk order once every chunk is done.
     * The pool's threads take chunks from a shared counter. */
    size_t nchunk, npart;
    size_t *crow, *cgrp;
    walk *cw;
    double *part, *acc_sum; /* acc_sum: npart values, a step's sums */
    /* a dynamic run's groups: each one's peak index so far and its step,
     * read by every step's report (the figures follow, report.c) */
    double *pkH;
    uint32_t *pkt;
    hx_pool *pool; /* the threads taking the chunks, or NULL for one */
    /* the step the chunks do: t -> t + 1, reported into res with band */
    uint64_t t;
    hsec_result *res;
    int band;
    hsec_progress_fn fn; /* progress and cancel of long loops, or NULL */
    void *user;
} ctx;

/* A monotonic clock in seconds (for pacing progress calls only). */
static inline double hx_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Report progress; true when the callback asks to stop. */
static inline bool hx_canceled(const ctx *x, uint64_t done, uint64_t total)
{
    return x->fn && x->fn(x->user, done, total) != 0;
}

/* The largest part count whose scratch arrays live on a sweep's stack. */
#define HX_GMAX 8

/* The first entry of a sorted target list at or after `at`. */
static inline size_t hx_lower(const starget *l, size_t n, size_t at)
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
static inline walk hx_walk_at(const ctx *x, size_t i0)
{
    const hsec_scenario *s = x->s;
    walk w;
    w.tt = hx_lower(s->tt, s->ntt, i0);
    w.dec = hx_lower(s->mt[HSEC_DECOUPLE], s->nmt[HSEC_DECOUPLE], x->c->rowp[i0]);
    w.red = hx_lower(s->mt[HSEC_REDUCE_VULNERABILITY], s->nmt[HSEC_REDUCE_VULNERABILITY], i0);
    w.shd = hx_lower(s->mt[HSEC_SHIELD], s->nmt[HSEC_SHIELD], i0);
    w.rec = hx_lower(s->mt[HSEC_RECOVER], s->nmt[HSEC_RECOVER], i0);
    size_t lo = 0, hi = x->nlagged, e0 = x->c->rowp[i0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->lagged[mid].e < e0)
            lo = mid + 1;
        else
            hi = mid;
    }
    w.lg = lo;
    return w;
}

/* 1 - s_e for link e: the part of the link that decouple measures leave. */
static inline double hx_link_pass(const ctx *x, walk *w, size_t e)
{
    const starget *d = x->s->mt[HSEC_DECOUPLE];
    size_t nd = x->s->nmt[HSEC_DECOUPLE];
    double pass = 1;
    while (w->dec < nd && d[w->dec].at == e)
        pass *= 1 - x->mfac[d[w->dec++].who];
    return pass;
}

/* v_i(t), 1 - sigma_i(t) and k_i(t) of node i. */
static inline void hx_node_coeffs(const ctx *x, walk *w, size_t i, double *vt, double *pass,
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

/* A node's total q; in bounded mode exactly within [0,1] (rescaled parts
 * can sum to 1 plus a rounding error). */
static inline double hx_total(const ctx *x, const double *q)
{
    double t = q[0] + q[1] + q[2] + q[3];
    return x->bounded && t > 1 ? 1 : t;
}


/* budget.c: the memory of a run, before it allocates */
typedef struct hx_size {
    uint64_t run;    /* one run's state and result */
    uint64_t series; /* of which the recorded series */
    uint64_t ring;   /* of which the history of lagged links */
    uint64_t result; /* of which the result (kept after the run) */
    uint64_t fixed;  /* held throughout: the compiled model and the scenario's targets */
    const char *held; /* what `fixed` is, for messages */
} hx_size;
/* Slots of a history class of longest lag `lag` in a run of `steps` steps:
 * min(lag, steps) + 2 (a lag beyond the steps reads the initial state, as a
 * lag of `steps` does; one slot more for the step being written). */
uint64_t hx_ring_depth(uint32_t lag, uint64_t steps);
void hx_run_size(hx_size *z, const hsec_scenario *s);
/* Do `runs` runs at once fit in the scenario's memory limit with the model
 * and targets? When not, the message in err names `what` and the largest
 * part, and HSEC_ELIMIT is returned. */
int hx_run_fits(const hsec_scenario *s, const hx_size *z, uint64_t runs, const char *what,
                char *err);

/* coeffs.c */
/* x->kb and x->ko for the scenario's rates, or drawn ones (drawn: NULL for
 * the model's; onsets: whether onset rates are wanted): the model's arrays
 * themselves where nothing is converted. HSEC_ENOMEM. */
int hx_rates(ctx *x, const double *drawn, bool onsets);
/* Strengths of measures and threats at step t (full strength when static). */
void hx_coefficients(ctx *x, uint64_t t);
/* A context holding only the coefficients of A', c and K at step `step`
 * (-1: static, full strength) with the measures of mask in force, for
 * walking the rows outside a run. The scenario must be prepared. On
 * failure (HSEC_ENOMEM) x holds what to free with hx_ctx_free. */
int hx_coeff_open(ctx *x, hsec_scenario *s, const unsigned char *mask, int64_t step);
void hx_ctx_free(ctx *x);

/* sweep.c: the chunks (HSEC_ENOMEM, or HSEC_OK); chunk k of the step in
 * x->t, x->res, x->band: its rows swept (the lagged sources' new
 * values written to the ring as they are made), its groups reported; one
 * dynamic step t -> t + 1 of every chunk, on the pool's threads, then the
 * gather vectors swapped, the partial sums added, the series recorded. */
int hx_chunks(ctx *x);
void hx_step_chunk(ctx *x, size_t k);
void hx_step(ctx *x, hsec_result *r, uint64_t t, int band);

/* pool.c: `want` threads in all, the caller one of them (fewer when a
 * thread cannot be started; *out NULL for one), HSEC_ENOMEM on allocation
 * failure, nothing else fails. hx_pool_run does jobs 0 .. njob - 1 on
 * every thread (on the caller alone, in order, when p is NULL), and
 * returns when all are done. */
typedef void (*hx_job)(void *arg, size_t k);
int hx_pool_new(hx_pool **out, const hsec_allocator *a, size_t want);
void hx_pool_run(hx_pool *p, size_t njob, hx_job fn, void *arg);
void hx_pool_free(hx_pool *p);
/* The threads run.threads asks for (0: the processors online). */
size_t hx_run_threads(const hsec_scenario *s);

/* solve.c: static solves by block Gauss-Seidel */
/* A' at full strength: a'_ie = rs[i] val[e], val aligned with the compiled
 * rows (the link weights in force, times each link's pass through
 * decouple measures when any is in force: then the assembly's own copy,
 * own), rs a row's vulnerability; the perturbation b = c and its parts bh
 * (n x H, node major). Its transpose is never copied: products and solves
 * with it scatter along the rows. */
typedef struct hx_mat {
    const hsec_allocator *a;
    const hsec_compiled *c;
    size_t n, H;
    const size_t *rowp;
    const uint32_t *col;
    const double *val;
    double *own, *rs, *b, *bh;
    double bmax, *bhmax; /* max |b| and each threat's max |bh| (rhs only) */
    double *rsum, rowmax; /* A' 1 and its largest entry (found by the assembly) */
} hx_mat;
/* Assemble A' and, when rhs, c and its parts (b and bh; NULL otherwise)
 * from a context whose coefficients are set (static). */
int hx_mat_assemble(hx_mat *m, const ctx *x, bool rhs);
void hx_mat_free(hx_mat *m);
/* out = A' in (or A'^T in), for W interleaved vectors. */
void hx_mat_apply(const hx_mat *m, bool transpose, size_t W, const double *in, double *out);
/* The blocks of the sweeps' order, a function of the compiled model alone
 * (solve.c): block k is nodes bs[k] .. bs[k + 1] - 1 (bs[nb] = n), and row
 * i's links from its own block are links ilo[i] .. ihi[i] - 1 past the
 * row's start. cut: the services' count when no service reads a group
 * (solve.c, "Two parts"), else 0; then xn: the groups' links from other
 * groups. A solve makes its own unless given one (hx_gs.shape). */
typedef struct hx_shape {
    uint32_t *bs, *ilo, *ihi;
    size_t cut, xn;
} hx_shape;
/* hx_shape_new makes the arrays sh does not hold yet (sh zeroed, or from
 * hx_shape_alloc: a thread that fills them then allocates nothing, so that
 * they come from the caller's memory, warm from its last call, and not
 * from fresh pages of another thread's) and fills every one. */
int hx_shape_alloc(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c);
int hx_shape_new(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c);
void hx_shape_free(hx_shape *sh, const hsec_allocator *a);

/* A solve of x = S (rhs + A' x) (S = I when scale is NULL), for W
 * interleaved right-hand sides, each stopped at its own tolerance of the
 * residual (bounded by the last sweep, or computed once the changes are
 * small or falling fast enough), and their sum at ttol when ttol > 0 (W >
 * 1); clamp: x = min(1, .), W = 1, stopped when nothing moves by more than
 * tol; transpose: x = rhs + A'^T x, W = 1, no scale and no clamp
 * (HSEC_EINVAL otherwise). x holds the start (the transpose's is 0,
 * whatever x holds) and the solution. exact: the groups' blocks solved
 * through their inverses when few distinct blocks repeat (solve.c; only
 * without scale and clamp, for A' of spectral radius below 1). */
typedef struct hx_gs {
    const hx_mat *m;
    bool transpose, clamp;
    size_t W;
    const double *rhs;   /* n x W */
    const double *scale; /* n, or NULL */
    const double *tol;   /* W, each > 0 */
    double ttol;         /* the sum's tolerance (0: none) */
    bool exact;          /* the groups' blocks by their inverses, where they repeat */
    uint64_t cap;        /* sweeps at most */
    const char *what;    /* for messages */
    uint64_t iterations; /* out: sweeps done */
    double change;       /* out: the last change when the cap stopped it */
    int inner;           /* inner passes over a block at most (0: the default) */
    bool krylov;         /* linear, not transposed: BiCGSTAB when sweeps are slow (solve.c) */
    double *work;        /* 2 n doubles the transpose may use for its sums, or NULL */
    const hx_shape *shape; /* the blocks' shape, or NULL: the solve makes its own */
    hx_pool *pool;       /* a second thread for what a sweep need not wait on, or NULL */
    double *scratch;
    const double *half;  /* half of each tolerance: an inner pass has settled */
    bool prefetch;       /* the sources too many to stay in the cache (solve.c) */
    uint32_t *ilo, *ihi, *bs;
    /* the part a transpose is solving (solve.c, "Two parts"): blocks k0
     * .. k1 - 1, nodes n0 .. n1 - 1, node i's right-hand side b[i - n0];
     * in the groups' part, their links from other groups (xl, the solve's
     * copy) in place of their rows' (xs = &xl, else NULL) */
    size_t k0, k1, n0, n1;
    const double *b;
    struct hx_xlinks {
        uint32_t *p, *m, *col; /* group node i's: p[j] .. m[j] - 1 from nodes before
                                * its block, m[j] .. p[j + 1] - 1 after it (j = i - n0) */
        double *val;
    } xl;
    const struct hx_xlinks *xs;
    double *binv;        /* the distinct blocks' inverses, BMAX rows of 8 each (or NULL) */
    uint32_t *bidx;      /* each group's inverse */
    double *bown;        /* the distinct blocks' own links T_B, BMAX x BMAX each */
    /* a sweep likely to be the last (solve.c, "The residual from the last
     * sweep"): each node's change (n x W; the transpose's: what the
     * changes owe the nodes taken before them, n), or NULL in other
     * sweeps; and the largest residual of each block's own solve (W), then
     * of their sum */
    double *dx, *rbm;
    /* a transposed solve whose A' has not been shown to have a spectral
     * radius below 1 (ranking): the first sweep shows it where it can, else
     * hx_check_spectral on scx (solve.c, hx_gs_solve) */
    bool spectral;
    ctx *scx;
    double upper;  /* the first sweep's bound on the radius */
    bool unshown;  /* out: the check failed (its message in err) */
} hx_gs;
/* HSEC_OK; HSEC_ENOCONV at the cap or on NaN; HSEC_ECANCELED through cx's
 * progress (cx may be NULL); HSEC_ENOMEM. Messages go to err, except at the
 * cap (the caller words it). */
/* spectral.c: HSEC_OK when the spectral radius of the assembled A' is
 * shown below 1, HSEC_ENOCONV (with the message in err) when not,
 * HSEC_ENOMEM. w0 and w1, when not NULL, are 2 n doubles each that the
 * check may use (and leave as it likes) instead of its own. */
int hx_check_spectral(ctx *x, const hx_mat *m, double *w0, double *w1, char *err);
int hx_gs_solve(hx_gs *g, double *x, const ctx *cx, char *err);
/* The static run's state (x->st): every node's orders and threats' parts. */
int hx_static(ctx *x, uint64_t *iterations, char *err);

/* report.c */
hsec_result *hx_result_new(const ctx *x, uint64_t steps);
void hx_record(const ctx *x, hsec_result *r, uint64_t t, uint64_t steps);
/* Group figures of the current state; burden accumulated when band >= -1
 * (-1: static, no band). hx_report_chunk reports chunk k's groups into its
 * partial sums; hx_report_sum adds the chunks' sums in chunk order;
 * hx_report does both for every chunk. */
void hx_report_chunk(const ctx *x, hsec_result *r, size_t k, uint64_t t, int band);
void hx_report_sum(const ctx *x, hsec_result *r, int band);
void hx_report(const ctx *x, hsec_result *r, uint64_t t, int band);
/* A dynamic run's peak figures of the groups whose peak is its last step
 * (x->st), once the run is over: the report writes a group's figures when
 * a step does not rise above its peak, from the step before (x->prev). */
void hx_report_peaks(const ctx *x, hsec_result *r, uint64_t steps);
/* Critical and pervasive threats, and Alkire-Foster counting, once the run is over. */
void hx_summarise(const ctx *x, hsec_result *r);
/* Group g's figures (inside numbering) at the last step, from the result. */
void hx_last_fig(const hsec_result *r, size_t g, gfig *f);

#endif
