/* Decisions on a scenario: where to protect, how coupled the system is,
 * and the conversions planners calibrate with (doc/decisions.md). */
#include "internal.h"

#include <math.h>
#include <string.h>

#define FAIL(code, ...)                   \
    do {                                  \
        hx_setmsg(s->err, __VA_ARGS__);   \
        rc = (code);                      \
        goto done;                        \
    } while (0)

int hsec_scenario_rank(double *out, size_t count, hsec_scenario *s)
{
    if (!out || !s || count != s->c->n)
        return HSEC_EINVAL;
    const hsec_compiled *c = s->c;
    hx_lin *l = NULL;
    double *b = hx_calloc(&s->a, c->n, sizeof *b);
    int rc = HSEC_OK;
    if (!b || hx_lin_open(&l, s))
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t g = 0; g < c->ngroup; g++)
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            b[c->groups[g].node + (size_t)d] = c->groups[g].size * c->groups[g].w[d];
    rc = hx_lin_solve(l, true, b, out);
done:
    hx_lin_close(l);
    hx_free(&s->a, b);
    return rc;
}

int hsec_scenario_coupling(double *dependency, double *influence, double *overall_dependency,
                           double *overall_influence, size_t count, hsec_scenario *s)
{
    if (!s || count != s->c->n)
        return HSEC_EINVAL;
    size_t n = count;
    double denom = n > 1 ? (double)(n - 1) : 1;
    hx_lin *l = NULL;
    double *one = hx_calloc(&s->a, n, sizeof *one), *tmp = hx_calloc(&s->a, n, sizeof *tmp);
    double *diag = hx_calloc(&s->a, n, sizeof *diag), *e = hx_calloc(&s->a, n, sizeof *e);
    int rc = HSEC_OK;
    if (!one || !tmp || !diag || !e || hx_lin_open(&l, s))
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        one[i] = 1;
    if (dependency || influence) { /* the diagonal a'_ii, one unit vector at a time */
        for (size_t i = 0; i < n; i++) {
            if (s->c->selfw[i] == 0)
                continue;
            e[i] = 1;
            hx_lin_apply(l, false, e, tmp);
            diag[i] = tmp[i];
            e[i] = 0;
        }
    }
    if (dependency) {
        hx_lin_apply(l, false, one, tmp);
        for (size_t i = 0; i < n; i++)
            dependency[i] = (tmp[i] - diag[i]) / denom;
    }
    if (influence) {
        hx_lin_apply(l, true, one, tmp);
        for (size_t i = 0; i < n; i++)
            influence[i] = (tmp[i] - diag[i]) / denom;
    }
    if (overall_dependency) {
        if ((rc = hx_lin_solve(l, false, one, tmp)))
            goto done;
        for (size_t i = 0; i < n; i++)
            overall_dependency[i] = (tmp[i] - 1) / denom;
    }
    if (overall_influence) {
        if ((rc = hx_lin_solve(l, true, one, tmp)))
            goto done;
        for (size_t i = 0; i < n; i++)
            overall_influence[i] = (tmp[i] - 1) / denom;
    }
done:
    hx_lin_close(l);
    hx_free(&s->a, one);
    hx_free(&s->a, tmp);
    hx_free(&s->a, diag);
    hx_free(&s->a, e);
    return rc;
}

int hsec_scenario_interdependency(double *out, hsec_scenario *s, size_t i, size_t j,
                                  unsigned n)
{
    if (!out || !s)
        return HSEC_EINVAL;
    int rc = HSEC_OK;
    hx_lin *l = NULL;
    double *v = NULL, *w = NULL;
    if (i >= s->c->n || j >= s->c->n || n == 0)
        FAIL(HSEC_EINVAL, "interdependency: nodes %zu, %zu of %zu, order %u (>= 1)", i, j,
             s->c->n, n);
    v = hx_calloc(&s->a, s->c->n, sizeof *v);
    w = hx_calloc(&s->a, s->c->n, sizeof *w);
    if (!v || !w || hx_lin_open(&l, s))
        FAIL(HSEC_ENOMEM, "out of memory");
    v[j] = 1; /* column j of A'^n */
    for (unsigned k = 0; k < n; k++) {
        hx_lin_apply(l, false, v, w);
        double *t = v;
        v = w;
        w = t;
    }
    *out = v[i];
done:
    hx_lin_close(l);
    hx_free(&s->a, v);
    hx_free(&s->a, w);
    return rc;
}

int hsec_weight_from_score(double *out, double score, double alpha, double beta)
{
    if (!out || !(score >= 0) || !isfinite(score) || !(alpha >= 0) || !isfinite(alpha) ||
        !isfinite(beta))
        return HSEC_EINVAL;
    double a = alpha * pow(score, beta);
    if (!(a >= 0 && a <= 1))
        return HSEC_EINVAL;
    *out = a;
    return HSEC_OK;
}

int hsec_weight_from_scale(double *out, double score, int points)
{
    if (points == 5 && score <= 5)
        return hsec_weight_from_score(out, score, 0.008, 2.5693);
    if (points == 4 && score <= 4)
        return hsec_weight_from_score(out, score, 0.01, 2.8219);
    return HSEC_EINVAL;
}

int hsec_recovery_rate(double *out, double tau, double lambda, double self_weight)
{
    if (!out || !(tau > 0) || !isfinite(tau) || !(lambda > 0 && lambda < 1) ||
        !(self_weight >= 0 && self_weight <= 1))
        return HSEC_EINVAL;
    double denom = tau * (1 - self_weight), num = -log(lambda);
    *out = denom > 0 && num < denom ? num / denom : 1;
    return HSEC_OK;
}

/* ---- choosing under a budget */

typedef struct search {
    hsec_scenario *s;
    uint64_t done, total;
} search;

/* Propagated burden with the measures of mask in force. */
static int evaluate(search *x, const unsigned char *mask, double *burden)
{
    hsec_scenario *s = x->s;
    hsec_result *r = NULL;
    hx_opts o = {mask, NULL, NULL, NULL, s->err, false};
    int rc = hx_run(&r, s, &o);
    if (rc)
        return rc;
    *burden = r->propagated;
    hsec_result_free(r);
    x->done++;
    if (s->progress && s->progress(s->progress_user, x->done, x->total)) {
        hx_setmsg(s->err, "optimize: canceled after %llu of %llu runs",
                  (unsigned long long)x->done, (unsigned long long)x->total);
        return HSEC_ECANCELED;
    }
    return HSEC_OK;
}

static double mask_cost(const hsec_scenario *s, const unsigned char *mask)
{
    double c = 0;
    for (size_t m = 0; m < s->nmeasure; m++)
        if (mask[m])
            c += s->measures[m].cost;
    return c;
}

static int greedy(search *x, const uint32_t *cand, size_t nc, double budget, double base,
                  unsigned char *cur, double *best_burden)
{
    const hsec_scenario *s = x->s;
    double burden = base, spent = 0;
    for (;;) {
        size_t best = SIZE_MAX;
        double best_ratio = 0, best_gain = 0;
        for (size_t k = 0; k < nc; k++) {
            uint32_t m = cand[k];
            double c = s->measures[m].cost;
            if (cur[m] || spent + c > budget)
                continue;
            double b;
            cur[m] = 1;
            int rc = evaluate(x, cur, &b);
            cur[m] = 0;
            if (rc)
                return rc;
            double gain = burden - b;
            if (!(gain > 0))
                continue;
            double ratio = c > 0 ? gain / c : INFINITY;
            if (best == SIZE_MAX || ratio > best_ratio ||
                (ratio == best_ratio && gain > best_gain)) {
                best = m;
                best_ratio = ratio;
                best_gain = gain;
            }
        }
        if (best == SIZE_MAX)
            break;
        cur[best] = 1;
        spent += s->measures[best].cost;
        burden -= best_gain;
    }
    *best_burden = burden;
    return HSEC_OK;
}

static int exact(search *x, const uint32_t *cand, size_t nc, double budget, double base,
                 unsigned char *cur, unsigned char *best, double *best_burden)
{
    const hsec_scenario *s = x->s;
    double bb = base, bc = 0;
    memset(best, 0, s->nmeasure);
    for (uint64_t set = 1; set < ((uint64_t)1 << nc); set++) {
        memset(cur, 0, s->nmeasure);
        for (size_t k = 0; k < nc; k++)
            if (set >> k & 1)
                cur[cand[k]] = 1;
        double c = mask_cost(s, cur), b;
        if (c > budget) {
            x->done++;
            continue;
        }
        int rc = evaluate(x, cur, &b);
        if (rc)
            return rc;
        if (b < bb || (b == bb && c < bc)) {
            bb = b;
            bc = c;
            memcpy(best, cur, s->nmeasure);
        }
    }
    *best_burden = bb;
    return HSEC_OK;
}

int hsec_scenario_optimize(unsigned char *chosen, double *averted, double *cost, size_t count,
                           hsec_scenario *s, double budget, hsec_search method,
                           const unsigned char *candidates)
{
    if (!chosen || !s || count != s->nmeasure)
        return HSEC_EINVAL;
    int rc = HSEC_OK;
    uint32_t *cand = NULL;
    unsigned char *cur = NULL, *best = NULL;
    size_t nc = 0;
    s->err[0] = '\0';
    if (!(budget >= 0))
        FAIL(HSEC_EINVAL, "optimize: budget %g is not a number >= 0", budget);
    if (method != HSEC_SEARCH_GREEDY && method != HSEC_SEARCH_EXACT)
        FAIL(HSEC_EINVAL, "optimize: search %d is neither greedy nor exact", (int)method);
    cand = hx_calloc(&s->a, count, sizeof *cand);
    cur = hx_calloc(&s->a, count, 1);
    best = hx_calloc(&s->a, count, 1);
    if (!cand || !cur || !best)
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t m = 0; m < count; m++)
        if (!candidates || candidates[m])
            cand[nc++] = (uint32_t)m;
    if (method == HSEC_SEARCH_EXACT && nc > 24)
        FAIL(HSEC_EINVAL, "optimize: %zu candidates are too many for the exact search (at "
             "most 24); use the greedy one", nc);
    /* runs at most: the baseline, then greedy's rounds or every subset */
    search x = {s, 0, 1 + (method == HSEC_SEARCH_GREEDY ? (uint64_t)nc * (nc + 1) / 2
                                                        : (uint64_t)1 << nc)};
    double base, burden;
    hx_scenario_prepare(s);
    if ((rc = evaluate(&x, cur, &base)))
        goto done;
    if (method == HSEC_SEARCH_GREEDY) {
        rc = greedy(&x, cand, nc, budget, base, cur, &burden);
        memcpy(best, cur, count);
    } else {
        rc = exact(&x, cand, nc, budget, base, cur, best, &burden);
    }
    if (rc)
        goto done;
    if (s->progress && x.done < x.total &&
        s->progress(s->progress_user, x.total, x.total)) { /* greedy may stop early */
        hx_setmsg(s->err, "optimize: canceled at the end");
        rc = HSEC_ECANCELED;
        goto done;
    }
    memcpy(chosen, best, count);
    if (averted)
        *averted = base - burden;
    if (cost)
        *cost = mask_cost(s, best);
done:
    hx_free(&s->a, cand);
    hx_free(&s->a, cur);
    hx_free(&s->a, best);
    return rc;
}
