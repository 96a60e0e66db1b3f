/* Choosing measures under a budget (doc/decisions.md). */
#include "engine.h"

#include <math.h>
#include <string.h>

#define FAIL(code, ...) HX_FAIL_DONE(s->err, code, __VA_ARGS__)

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
    hsec_result_burden(burden, r, HSEC_BURDEN_PROPAGATED, 0);
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
    if (!chosen || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "optimize: %s is NULL",
                          chosen ? "the scenario" : "chosen");
    if (count != s->nmeasure) {
        hx_setmsg(s->err, "optimize: count %zu is not the %zu measures", count, s->nmeasure);
        return HSEC_EINVAL;
    }
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
    if (method == HSEC_SEARCH_EXACT && nc > HSEC_SEARCH_EXACT_MAX)
        FAIL(HSEC_EINVAL, "optimize: %zu candidates are too many for the exact search (at "
             "most %d); use the greedy one", nc, HSEC_SEARCH_EXACT_MAX);
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
