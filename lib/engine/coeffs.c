/* The coefficients of A', c and K at a step, and the contexts that hold them. */
#include "engine.h"

#include <string.h>

static bool in_force(int64_t start, int64_t dur, uint64_t t)
{
    return (int64_t)t >= start && (dur < 0 || (int64_t)t < start + dur);
}

/* Strengths of measures and threats at step t (full strength when static). */
void hx_coefficients(ctx *x, uint64_t t)
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

void hx_ctx_free(ctx *x)
{
    hx_pool_free(x->pool);
    x->pool = NULL;
    hx_free(x->a, x->crow);
    hx_free(x->a, x->cgrp);
    hx_free(x->a, x->cw);
    hx_free(x->a, x->part);
    hx_free(x->a, x->acc_sum);
    hx_free(x->a, x->pkH);
    hx_free(x->a, x->pkt);
    hx_free(x->a, x->st);
    hx_free(x->a, x->nx);
    hx_free(x->a, x->ring);
    hx_free(x->a, x->rc);
    hx_free(x->a, x->lagged);
    hx_free(x->a, x->ko_own);
    hx_free(x->a, x->kb_own);
    hx_free(x->a, x->mfac);
    hx_free(x->a, x->thr);
    hx_free(x->a, x->acc);
    hx_free(x->a, x->tg);
    hx_free(x->a, x->cbuf);
}

void hx_recovery_rates(const hsec_scenario *s, double *k)
{
    const hsec_compiled *c = s->c;
    for (size_t i = 0; i < c->n; i++) {
        k[i] = c->k[i];
        if (hx_tau(c, i) > 0) /* cannot fail: every value was checked */
            hsec_recovery_rate(&k[i], c->tau[i], s->opt[HSEC_OPT_RECOVERY_LAMBDA],
                               hx_selfw(c, i));
    }
}

int hx_rates(ctx *x, const double *drawn, bool onsets)
{
    const hsec_scenario *s = x->s;
    const hsec_compiled *c = s->c;
    if (drawn)
        x->kb = drawn;
    else if (!c->tau) /* no recovery time to convert: the rates as given */
        x->kb = c->k;
    else {
        if (!(x->kb_own = hx_calloc(x->a, x->n ? x->n : 1, sizeof(double))))
            return HSEC_ENOMEM;
        hx_recovery_rates(s, x->kb_own);
        x->kb = x->kb_own;
    }
    /* onset rates of their own only when some node's is given; else each
     * node rises at its own recovery rate (doc/model.md §2) */
    if (onsets && (c->ko || c->tauo)) {
        if (!(x->ko_own = hx_calloc(x->a, x->n ? x->n : 1, sizeof(double))))
            return HSEC_ENOMEM;
        hx_onset_rates(s, x->kb, x->ko_own);
        x->ko = x->ko_own;
    } else {
        x->ko = x->kb;
    }
    return HSEC_OK;
}

void hx_onset_rates(const hsec_scenario *s, const double *k, double *ko)
{
    const hsec_compiled *c = s->c;
    for (size_t i = 0; i < c->n; i++) {
        double given = hx_ko(c, i), tauo = hx_tauo(c, i);
        ko[i] = given != HX_UNSET ? given : k[i];
        if (tauo == 0)
            ko[i] = 1; /* immediate */
        else if (tauo > 0) /* cannot fail: every value was checked */
            hsec_recovery_rate(&ko[i], tauo, s->opt[HSEC_OPT_RECOVERY_LAMBDA], hx_selfw(c, i));
    }
}

/* A context holding only the coefficients of A', c and K at step `step`
 * (-1: static, full strength) with the measures of mask in force, for
 * walking the rows outside a run. The scenario must be prepared. On
 * failure (HSEC_ENOMEM) x holds what to free with ctx_free. */
int hx_coeff_open(ctx *x, hsec_scenario *s, const unsigned char *mask, int64_t step)
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
    if (!x->mfac || !x->thr || hx_rates(x, NULL, false))
        return HSEC_ENOMEM;
    hx_coefficients(x, step >= 0 ? (uint64_t)step : 0);
    return HSEC_OK;
}

