/* One step of the fused sweep. */
#include "engine.h"

#include <math.h>
#include <string.h>

/* One dynamic step t -> t+1 of rows i0 .. i1 - 1. Instantiated (see
 * HX_SWEEP_CASES) with G, and whether any link has a lag or a decouple
 * measure, known at compile time: the loops over a node's parts unroll,
 * and links skip the tests they do not need. The arithmetic is the same,
 * in the same order, in every instance. */
#if defined(__clang__)
#define HX_UNROLL _Pragma("unroll 9")
#elif defined(__GNUC__)
#define HX_UNROLL _Pragma("GCC unroll 9")
#else
#define HX_UNROLL
#endif

/* How many links ahead a sweep asks for a source's values. */
#ifndef HX_AHEAD
#define HX_AHEAD 8
#endif

/* How many lagged links ahead a sweep asks for a history's values. */
#ifndef HX_AHEAD_LAG
#define HX_AHEAD_LAG 8
#endif

/* Where lagged link g reads its source's values of `lag` steps back. */
static HX_INLINE const double *hx_lag_src(const hx_rclass *rc, const hx_lagged *g,
                                          const size_t G)
{
    const hx_rclass *hc = &rc[g->cls];
    size_t l = g->lag;
    size_t slot = hc->tmod >= l ? hc->tmod - l : hc->tmod + hc->depth - l;
    return hc->base + (slot * hc->m + g->pos) * G;
}

static HX_INLINE void sweep_body(ctx *x, size_t i0, size_t i1, walk w,
                                 const size_t G, const bool dec, const bool lag)
{
    const hsec_compiled *c = x->c;
    const hsec_scenario *s = x->s;
    const size_t P = G + 1;
    const starget *tt = s->tt;
    double acc_local[HX_GMAX], tg_local[HX_GMAX + 1], cbuf_local[HX_GMAX];
    double *acc = G <= HX_GMAX ? acc_local : x->acc, *tg = G <= HX_GMAX ? tg_local : x->tg;
    double *cbuf = G <= HX_GMAX ? cbuf_local : x->cbuf;
    const double *wts = x->w, *st = x->st; /* read: step t; written: nx, step t + 1 */
    double *nx = x->nx;
    const uint32_t *col = c->col;
    const size_t nnz = c->nnz;
    const hx_lagged *lg = x->lagged;
    const hx_rclass *rc = x->rc;
    const size_t nlg = x->nlagged;
    size_t li = w.lg, next = lag && li < nlg ? lg[li].e : SIZE_MAX;
    for (size_t i = i0; i < i1; i++) {
        HX_UNROLL
        for (size_t p = 0; p < G; p++)
            acc[p] = 0;
        for (size_t e = c->rowp[i]; e < c->rowp[i + 1]; e++) {
#if defined(__GNUC__)
            /* the sources' values are scattered: ask for one a few links ahead */
            if (e + HX_AHEAD < nnz)
                __builtin_prefetch(st + (size_t)col[e + HX_AHEAD] * P);
#endif
            double a = dec ? wts[e] * hx_link_pass(x, &w, e) : wts[e] * 1.0;
            if (lag && e == next) { /* an earlier step's values, from the history */
                const double *src = hx_lag_src(rc, &lg[li], G);
                next = ++li < nlg ? lg[li].e : SIZE_MAX;
#if defined(__GNUC__)
                if (li + HX_AHEAD_LAG < nlg) /* the history is scattered too */
                    __builtin_prefetch(hx_lag_src(rc, &lg[li + HX_AHEAD_LAG], G));
#endif
                HX_UNROLL
                for (size_t p = 0; p < G; p++)
                    acc[p] += a * src[p];
                continue;
            }
            /* the source's state: orders 3 and 4+ propagate together */
            const double *src = st + (size_t)col[e] * P;
            acc[0] += a * src[0];
            acc[1] += a * src[1];
            acc[2] += a * (src[2] + src[3]);
            HX_UNROLL
            for (size_t p = 3; p < G; p++)
                acc[p] += a * src[p + 1];
        }
        double vt, pass, k;
        hx_node_coeffs(x, &w, i, &vt, &pass, &k);
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
        const double *q = st + i * P;
        /* rising: the onset rate; falling or still: the recovery rate */
        if (tg[0] + tg[1] + tg[2] + tg[3] > q[0] + q[1] + q[2] + q[3])
            k = x->ko[i];
        if (k != 1) /* k == 1 takes the target exactly */
            HX_UNROLL
            for (size_t p = 0; p < P; p++)
                tg[p] = q[p] + k * (tg[p] - q[p]);
        if (x->bounded) {
            double tot = tg[0] + tg[1] + tg[2] + tg[3];
            if (tot > 1) { /* the excess from order 4+ first, then 3, 2, 1 */
                double ex = tot - 1;
                for (int o = HSEC_ORDER_COUNT - 1; o >= 0 && ex > 0; o--) {
                    double take = tg[o] < ex ? tg[o] : ex;
                    tg[o] -= take;
                    ex -= take;
                }
                double sc = 1 / tot; /* sources of harm keep their proportions */
                HX_UNROLL
                for (size_t p = HSEC_ORDER_COUNT; p < P; p++)
                    tg[p] *= sc;
            }
        }
        double *out = nx + i * P;
        HX_UNROLL
        for (size_t p = 0; p < P; p++)
            out[p] = tg[p];
        if (lag && c->hidx[i] != HX_NONE) { /* kept for the links that read it later */
            uint32_t h = c->hidx[i];
            const hx_rclass *hc = &rc[c->hcls[h]];
            double *rg = hc->base + (hc->wslot * hc->m + c->hpos[h]) * G;
            rg[0] = tg[0];
            rg[1] = tg[1];
            rg[2] = tg[2] + tg[3];
            HX_UNROLL
            for (size_t p = 3; p < G; p++)
                rg[p] = tg[p + 1];
        }
    }
}

#define HX_SWEEP_CASES(G)                                                  \
    case G:                                                                \
        if (dec) {                                                         \
            if (lag)                                                       \
                sweep_body(x, i0, i1, w, G, true, true);                \
            else                                                           \
                sweep_body(x, i0, i1, w, G, true, false);               \
        } else if (lag)                                                    \
            sweep_body(x, i0, i1, w, G, false, true);                   \
        else                                                               \
            sweep_body(x, i0, i1, w, G, false, false);                  \
        break;

/* The rows per chunk, about: small enough for two threads to share a
 * step evenly, large enough that handing chunks out costs nothing. */
#define HX_CHUNK_ROWS 4096

int hx_chunks(ctx *x)
{
    const hsec_compiled *c = x->c;
    const size_t n = x->n, cap = n / HX_CHUNK_ROWS + 2;
    x->npart = HSEC_ORDER_COUNT + x->H + 5;
    x->crow = hx_calloc(x->a, cap + 1, sizeof *x->crow);
    x->cgrp = hx_calloc(x->a, cap + 1, sizeof *x->cgrp);
    x->cw = hx_calloc(x->a, cap, sizeof *x->cw);
    x->part = hx_calloc(x->a, cap, x->npart * sizeof *x->part);
    x->acc_sum = hx_calloc(x->a, x->npart, sizeof *x->acc_sum);
    if (!x->crow || !x->cgrp || !x->cw || !x->part || !x->acc_sum)
        return HSEC_ENOMEM;
    /* groups are in the order of their nodes (model.h); a boundary inside
     * a group moves to the group's end */
    size_t k = 0, g = 0, row = 0;
    while (row < n || k == 0) {
        x->crow[k] = row;
        while (g < c->ngroup && c->groups[g].node < row)
            g++;
        x->cgrp[k] = g;
        x->cw[k] = hx_walk_at(x, row);
        size_t end = row + HX_CHUNK_ROWS < n ? row + HX_CHUNK_ROWS : n;
        size_t gg = g;
        while (gg < c->ngroup && (size_t)c->groups[gg].node + HSEC_DIM_COUNT <= end)
            gg++;
        if (gg < c->ngroup && c->groups[gg].node < end)
            end = (size_t)c->groups[gg].node + HSEC_DIM_COUNT;
        row = end;
        k++;
    }
    x->nchunk = k;
    x->crow[k] = n;
    x->cgrp[k] = c->ngroup;
    return HSEC_OK;
}

void hx_step_chunk(ctx *x, size_t k)
{
    bool dec = x->s->nmt[HSEC_DECOUPLE] > 0, lag = x->uselag;
    size_t i0 = x->crow[k], i1 = x->crow[k + 1];
    walk w = x->cw[k];
    uint64_t t = x->t;
    switch (x->G) {
        HX_SWEEP_CASES(3)
        HX_SWEEP_CASES(4)
        HX_SWEEP_CASES(5)
        HX_SWEEP_CASES(6)
    default: sweep_body(x, i0, i1, w, x->G, dec, lag); break;
    }
    hx_report_chunk(x, x->res, k, t + 1, x->band);
}

static void step_job(void *x, size_t k)
{
    hx_step_chunk(x, k);
}

void hx_step(ctx *x, hsec_result *r, uint64_t t, int band)
{
    x->t = t;
    for (size_t k = 0; k < x->nrc; k++) { /* where each history is read and written */
        x->rc[k].tmod = (size_t)(t % x->rc[k].depth);
        x->rc[k].wslot = (size_t)((t + 1) % x->rc[k].depth);
    }
    x->res = r;
    x->band = band;
    x->rep = x->nx; /* the chunks report the state they make */
    x->prev = x->st; /* and a group's peak from the step before (report.c) */
    hx_pool_run(x->pool, x->nchunk, step_job, x);
    double *tmp = x->st;
    x->st = x->nx;
    x->nx = tmp;
    x->rep = x->st;
    x->prev = NULL;
    hx_report_sum(x, r, band);
}
