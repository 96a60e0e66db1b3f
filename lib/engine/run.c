/* One run of a scenario, start to end. */
#include "engine.h"

#include <math.h>
#include <string.h>

/* Records the state holds ahead of the one handed out, asked for. */
#define HX_HAND_AHEAD 16

/*
 * Each node's orders and total from the state into the result, as the API
 * numbers nodes: gathered in the API's order, so that the result is written
 * straight through and the reads, independent, overlap (written in the
 * state's order instead, each node's landed far from the last one's: a
 * static run's finish 1.5 ms slower at 145,000 nodes, doc/performance.md).
 * Returns the first node in the state's order whose total is not finite,
 * or SIZE_MAX.
 */
static size_t hand_out(const ctx *x, hsec_result *r)
{
    const uint32_t *nid = x->c->nid;
    const size_t n = x->n, P = x->P;
    size_t bad = SIZE_MAX;
    for (size_t u = 0; u < n; u++) {
#if defined(__GNUC__)
        if (u + HX_HAND_AHEAD < n)
            __builtin_prefetch(x->st + (size_t)nid[u + HX_HAND_AHEAD] * P);
#endif
        const double *q = x->st + (size_t)nid[u] * P;
        memcpy(r->orders + u * HSEC_ORDER_COUNT, q, HSEC_ORDER_COUNT * sizeof *q);
        r->q[u] = hx_total(x, q);
        if (!isfinite(r->q[u]) && nid[u] < bad)
            bad = nid[u];
    }
    return bad;
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
    x.fn = fn;
    x.user = user;
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
        x.has_init = hx_init(c, i) > 0;
    x.S = x.H + (x.has_init ? 1 : 0);
    x.P = 4 + x.S;
    x.G = 3 + x.S;
    x.uselag = x.dynamic && c->maxlag > 0;

    {
        hx_size z;
        hx_run_size(&z, s);
        int fit = hx_run_fits(s, &z, 1, "the run", err);
        if (fit)
            return fit;
    }

    int rc = HSEC_ENOMEM;
    hsec_result *r = NULL;
    /* a static run's state: every record written whole by hx_static, not
     * cleared first (a dynamic run's starts at 0 but for its sources) */
    x.st = x.dynamic ? hx_calloc(x.a, x.n, x.P * sizeof(double))
                     : hx_alloc(x.a, (x.n ? x.n : 1) * x.P * sizeof(double));
    x.nx = x.dynamic ? hx_calloc(x.a, x.n, x.P * sizeof(double)) : NULL;
    x.rep = x.st;

    x.mfac = hx_calloc(x.a, s->nmeasure, sizeof(double));
    x.thr = hx_calloc(x.a, x.H, sizeof(double));
    x.acc = hx_calloc(x.a, x.G, sizeof(double));
    x.tg = hx_calloc(x.a, x.P, sizeof(double));
    x.cbuf = hx_calloc(x.a, x.S + 1, sizeof(double));
    if (!x.st || (x.dynamic && !x.nx) || !x.mfac || !x.thr || !x.acc || !x.tg ||
        !x.cbuf)
        goto fail;
    if (x.uselag) { /* the lagged links, their history slot and reach found once */
        x.nlagged = c->nlagged;
        if (c->nnz > UINT32_MAX) {
            hx_setmsg(err, "a dynamic run with lags takes at most %u links; the model has %zu",
                      (unsigned)UINT32_MAX, c->nnz);
            rc = HSEC_ELIMIT;
            goto fail;
        }
        if (!(x.lagged = hx_alloc(x.a, (x.nlagged ? x.nlagged : 1) * sizeof *x.lagged)))
            goto fail;
        /* each class's history as deep as its longest lag */
        x.nrc = c->ndepth;
        if (!(x.rc = hx_calloc(x.a, x.nrc ? x.nrc : 1, sizeof *x.rc)))
            goto fail;
        uint64_t total = 0; /* (saturating: no memory limit need hold it in) */
        for (size_t k = 0; k < x.nrc; k++) {
            x.rc[k].depth = (size_t)hx_ring_depth(c->depth[k].lag, steps);
            x.rc[k].m = c->depth[k].count;
            total = hx_mul_add(hx_mul_add(x.rc[k].depth, x.rc[k].m, 0), x.G, total);
        }
        if (total > SIZE_MAX / sizeof(double) ||
            !(x.ring = hx_calloc(x.a, total ? (size_t)total : 1, sizeof(double))))
            goto fail;
        for (size_t k = 0, at = 0; k < x.nrc; k++) {
            x.rc[k].base = x.ring + at;
            at += x.rc[k].depth * x.rc[k].m * x.G;
        }
        for (size_t k = 0; k < c->nlagged; k++) {
            size_t e = c->lags[k].e, l = c->lags[k].lag;
            uint32_t h = c->hidx[c->col[e]], cls = c->hcls[h];
            /* a lag beyond the steps reads the initial state, as `steps` does */
            if (l > x.rc[cls].depth - 2)
                l = x.rc[cls].depth - 2;
            x.lagged[k] = (hx_lagged){(uint32_t)e, cls, c->hpos[h], (uint32_t)l};
        }
    }
    if (!(r = hx_result_new(&x, steps)) || hx_chunks(&x))
        goto fail;
    if (x.dynamic && (!(x.pkH = hx_alloc(x.a, (c->ngroup ? c->ngroup : 1) * sizeof *x.pkH)) ||
                      !(x.pkt = hx_alloc(x.a, (c->ngroup ? c->ngroup : 1) * sizeof *x.pkt))))
        goto fail;
    if (x.dynamic) {
        size_t want = o->one_thread ? 1 : hx_run_threads(s);
        if (want > x.nchunk)
            want = x.nchunk;
        if (x.G > HX_GMAX) /* the instances' scratch arrays are per call only up to HX_GMAX */
            want = 1;
        if (hx_pool_new(&x.pool, x.a, want))
            goto fail;
    }

    /* recovery times become rates: k = -ln(lambda) / (tau (1 - a_ii)) */
    if (hx_rates(&x, o->draw ? o->draw->k : NULL, x.dynamic))
        goto fail;

    if (x.dynamic) {
        for (size_t i = 0; i < x.n; i++) { /* q1(0) = q(0); the initial source too */
            x.st[i * x.P] = hx_init(c, i);
            if (x.has_init)
                x.st[i * x.P + x.P - 1] = hx_init(c, i);
        }
        for (size_t i = 0; x.uselag && i < x.n; i++) { /* the history: q(0) throughout */
            if (c->hidx[i] == HX_NONE)
                continue;
            const hx_rclass *k = &x.rc[c->hcls[c->hidx[i]]];
            for (size_t slot = 0; slot < k->depth; slot++) {
                double *g = k->base + (slot * k->m + c->hpos[c->hidx[i]]) * x.G;
                g[0] = hx_init(c, i);
                if (x.has_init)
                    g[x.G - 1] = hx_init(c, i);
            }
        }
        uint64_t bs = (uint64_t)s->opt[HSEC_OPT_BAND_SHORT];
        uint64_t bm = (uint64_t)s->opt[HSEC_OPT_BAND_MEDIUM];
        hx_record(&x, r, 0, steps);
        hx_report(&x, r, 0, -2);
        /* progress at every 1% of the steps, and at least ten times a second
         * when steps are slow (a large model), so that cancelling is prompt */
        uint64_t every = steps / 100 ? steps / 100 : 1;
        double last = fn ? hx_seconds() : 0;
        for (uint64_t t = 0; t < steps; t++) {
            bool due = fn && (t % every == 0 || hx_seconds() - last >= 0.1);
            if (due)
                last = hx_seconds();
            if (due && fn(user, t, steps)) {
                hx_setmsg(err, "canceled at step %llu of %llu", (unsigned long long)t,
                          (unsigned long long)steps);
                rc = HSEC_ECANCELED;
                goto fail;
            }
            hx_coefficients(&x, t);
            hx_step(&x, r, t, t + 1 <= bs ? 0 : t + 1 <= bm ? 1 : 2);
            hx_record(&x, r, t + 1, steps);
        }
        r->steps = steps;
        hx_report_peaks(&x, r, steps);
        if (fn && fn(user, steps, steps)) {
            hx_setmsg(err, "canceled at the end of the run");
            rc = HSEC_ECANCELED;
            goto fail;
        }
    } else {
        hx_coefficients(&x, 0);
        uint64_t it = 0;
        if ((rc = hx_static(&x, &it, err)))
            goto fail;
        r->steps = x.bounded ? it : 0;
        hx_report(&x, r, 0, -1);
    }

    if (!r->orders) { /* the spare state buffer becomes the result's (report.c) */
        r->orders = x.nx;
        r->q = x.nx + HSEC_ORDER_COUNT * x.n;
        x.nx = NULL;
    }
    /* every record handed out; the first node whose total is not finite
     * fails the run */
    size_t bad = hand_out(&x, r);
    if (bad != SIZE_MAX) {
        hx_setmsg(err, "%s run: node %s %s (q = %g)",
                  x.dynamic ? (x.bounded ? "dynamic bounded" : "dynamic linear")
                            : (x.bounded ? "static bounded" : "static linear"),
                  c->names[bad], x.bounded ? "is not a finite number" : "diverged",
                  r->q[c->uid[bad]]);
        rc = HSEC_ENOCONV;
        goto fail;
    }
    for (size_t h = 0; h < x.H; h++)
        r->actor[s->threats[h].actor] += r->threat[h];
    hx_summarise(&x, r);
    hx_ctx_free(&x);
    *out = r;
    return HSEC_OK;
fail:
    if (rc == HSEC_ENOMEM)
        hx_setmsg(err, "out of memory");
    hx_result_free(r);
    hx_ctx_free(&x);
    return rc;
}

