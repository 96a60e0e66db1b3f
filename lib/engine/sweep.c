/* One step of the fused sweep. */
#include "engine.h"

#include <math.h>
#include <string.h>

/* One step t -> t+1 (static: one iteration). Returns the largest change of
 * any part of any node (static only; 0 in dynamic runs). Instantiated (see
 * sweep) with G, and whether any link has a lag or a decouple measure, known
 * at compile time: the loops over a node's parts unroll, and links skip the
 * tests they do not need. The arithmetic is the same, in the same order, in
 * every instance. */
#if defined(__clang__)
#define HX_UNROLL _Pragma("unroll 9")
#elif defined(__GNUC__)
#define HX_UNROLL _Pragma("GCC unroll 9")
#else
#define HX_UNROLL
#endif

static HX_INLINE double sweep_body(ctx *x, uint64_t t,
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
            double a = dec ? wts[e] * hx_link_pass(x, &w, e) : wts[e] * 1.0;
            const double *src = lag ? hx_source(x, e, tmod) : x->gv + (size_t)col[e] * G;
            HX_UNROLL
            for (size_t p = 0; p < G; p++)
                acc[p] += a * src[p];
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
        double *q = x->st + i * P;
        if (x->dynamic) { /* static has K = I */
            /* rising: the onset rate; falling or still: the recovery rate */
            if (tg[0] + tg[1] + tg[2] + tg[3] > q[0] + q[1] + q[2] + q[3])
                k = x->ko[i];
            if (k != 1) /* k == 1 takes the target exactly */
                HX_UNROLL
                for (size_t p = 0; p < P; p++)
                    tg[p] = q[p] + k * (tg[p] - q[p]);
        }
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
double hx_sweep_rows(ctx *x, uint64_t t, size_t k)
{
    bool dec = x->s->nmt[HSEC_DECOUPLE] > 0, lag = x->uselag;
    bool split = x->T > 1;
    size_t i0 = split ? x->cut[k] : 0, i1 = split ? x->cut[k + 1] : x->n;
    walk w = split ? x->w0[k] : hx_walk_at(x, 0);
    switch (x->G) {
        HX_SWEEP_CASES(3)
        HX_SWEEP_CASES(4)
        HX_SWEEP_CASES(5)
        HX_SWEEP_CASES(6)
    default: return sweep_body(x, t, i0, i1, w, x->G, dec, lag);
    }
}

/* One step t -> t+1 on every row (static: one iteration), then the
 * gather vectors swapped and the lagged sources' kept. Returns the largest
 * change (static). */
double hx_sweep(ctx *x, uint64_t t)
{
    const hsec_compiled *c = x->c;
    double maxch = x->T <= 1 ? hx_sweep_rows(x, t, 0) : hx_pool_sweep(x, t);
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

