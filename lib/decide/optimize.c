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

/* The candidates' subset number `set` as a mask: bit k for candidate k. */
static void subset_mask(unsigned char *cur, size_t nmeasure, const uint32_t *cand, size_t nc,
                        uint64_t set)
{
    memset(cur, 0, nmeasure);
    for (size_t k = 0; k < nc; k++)
        if (set >> k & 1)
            cur[cand[k]] = 1;
}

/* Whether (b, c) of a later subset replaces the best so far (bset, bb,
 * bc): a lower burden, or the same at a lower cost; the first found keeps
 * ties, so subsets taken in ascending numbers keep the lowest. Subset 0 (no
 * measure, the baseline) is the first best even when its burden is NaN,
 * which nothing then replaces; no other NaN burden is ever taken. */
static bool better(uint64_t set, double b, double c, uint64_t bset, double bb, double bc)
{
    if (bset == HSEC_SUBSET_NONE)
        return set == 0 || b == b;
    return b < bb || (b == bb && c < bc);
}

/* Subsets first .. last - 1 of the candidates within the budget: the best
 * (*bset HSEC_SUBSET_NONE when none fits), its burden and cost. */
static int exact(search *x, const uint32_t *cand, size_t nc, double budget, double base,
                 uint64_t first, uint64_t last, unsigned char *cur, uint64_t *bset, double *bb,
                 double *bc)
{
    const hsec_scenario *s = x->s;
    *bset = HSEC_SUBSET_NONE;
    *bb = NAN;
    *bc = NAN;
    for (uint64_t set = first; set < last; set++) {
        subset_mask(cur, s->nmeasure, cand, nc, set);
        double c = mask_cost(s, cur), b = base;
        if (c > budget) {
            x->done++;
            continue;
        }
        if (set != 0) {
            int rc = evaluate(x, cur, &b);
            if (rc)
                return rc;
        }
        if (better(set, b, c, *bset, *bb, *bc)) {
            *bset = set;
            *bb = b;
            *bc = c;
        }
    }
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
        uint64_t set;
        double c;
        /* every subset, from 0: the baseline, always within the budget */
        rc = exact(&x, cand, nc, budget, base, 0, (uint64_t)1 << nc, cur, &set, &burden, &c);
        subset_mask(best, count, cand, nc, set);
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

/* ---- the exact search in ranges of subset numbers (doc/distributed.md) */

/* The candidates of a mask (count bytes; NULL: every measure): their
 * indices into cand (count of them), *nc their number. */
static int candidates_of(uint32_t *cand, size_t *nc, const unsigned char *candidates,
                         size_t count)
{
    *nc = 0;
    for (size_t m = 0; m < count; m++)
        if (!candidates || candidates[m])
            cand[(*nc)++] = (uint32_t)m;
    return *nc > HSEC_SEARCH_EXACT_MAX ? HSEC_EINVAL : HSEC_OK;
}

int hsec_scenario_optimize_range(uint64_t *subset, double *burden, double *cost,
                                 double *baseline, hsec_scenario *s, double budget,
                                 const unsigned char *candidates, size_t count, uint64_t first,
                                 uint64_t last)
{
    if (!subset || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "optimize_range: %s is NULL",
                          subset ? "the scenario" : "subset");
    *subset = HSEC_SUBSET_NONE;
    s->err[0] = '\0';
    if (count != s->nmeasure) {
        hx_setmsg(s->err, "optimize_range: count %zu is not the %zu measures", count,
                  s->nmeasure);
        return HSEC_EINVAL;
    }
    if (!(budget >= 0)) {
        hx_setmsg(s->err, "optimize_range: budget %g is not a number >= 0", budget);
        return HSEC_EINVAL;
    }
    int rc = HSEC_OK;
    uint32_t *cand = hx_calloc(&s->a, count, sizeof *cand);
    unsigned char *cur = hx_calloc(&s->a, count, 1);
    size_t nc = 0;
    if (!cand || !cur)
        FAIL(HSEC_ENOMEM, "out of memory");
    if (candidates_of(cand, &nc, candidates, count))
        FAIL(HSEC_EINVAL, "optimize_range: %zu candidates are too many for the exact search "
             "(at most %d)", nc, HSEC_SEARCH_EXACT_MAX);
    uint64_t all = (uint64_t)1 << nc;
    if (first > last || last > all)
        FAIL(HSEC_EINVAL, "optimize_range: subsets %llu .. %llu are not a range within the "
             "%llu subsets of %zu candidates: 0 <= first <= last <= %llu",
             (unsigned long long)first, (unsigned long long)last, (unsigned long long)all, nc,
             (unsigned long long)all);
    /* the baseline is run when asked for or when subset 0 is in the range */
    bool need_base = baseline || (first == 0 && last > 0);
    search x = {s, 0, (last - first) + (need_base ? 1 : 0)};
    double base = NAN, b, c;
    hx_scenario_prepare(s);
    if (need_base && (rc = evaluate(&x, cur, &base)))
        goto done;
    uint64_t set;
    if ((rc = exact(&x, cand, nc, budget, base, first, last, cur, &set, &b, &c)))
        goto done;
    *subset = set;
    if (burden)
        *burden = b;
    if (cost)
        *cost = c;
    if (baseline)
        *baseline = base;
done:
    hx_free(&s->a, cand);
    hx_free(&s->a, cur);
    return rc;
}

int hsec_optimize_merge(uint64_t *subset, double *burden, double *cost, const uint64_t *subsets,
                        const double *burdens, const double *costs, size_t count)
{
    if (!subset || ((!subsets || !burdens || !costs) && count))
        return hx_fail(HSEC_EINVAL, "optimize_merge: %s is NULL",
                       !subset ? "subset" : !subsets ? "subsets" : !burdens ? "burdens"
                                                                           : "costs");
    *subset = HSEC_SUBSET_NONE;
    /* in ascending subset numbers, as one search would meet them (the
     * parts are few: a selection each time) */
    uint64_t bset = HSEC_SUBSET_NONE, prev = 0;
    double bb = NAN, bc = NAN;
    for (size_t round = 0; round < count; round++) {
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < count; i++) {
            if (subsets[i] == HSEC_SUBSET_NONE || (round && subsets[i] <= prev))
                continue;
            if (pick == SIZE_MAX || subsets[i] < subsets[pick])
                pick = i;
        }
        if (pick == SIZE_MAX)
            break;
        for (size_t i = 0; i < count; i++)
            if (i != pick && subsets[i] == subsets[pick])
                return hx_fail(HSEC_EINVAL, "optimize_merge: parts %zu and %zu both report "
                               "subset %llu: their ranges overlap", pick, i,
                               (unsigned long long)subsets[pick]);
        prev = subsets[pick];
        if (!(costs[pick] >= 0) || (burdens[pick] != burdens[pick] && prev != 0))
            return hx_fail(HSEC_EINVAL, "optimize_merge: part %zu (subset %llu) has burden %g "
                           "and cost %g, which no search gives", pick,
                           (unsigned long long)prev, burdens[pick], costs[pick]);
        if (better(prev, burdens[pick], costs[pick], bset, bb, bc)) {
            bset = prev;
            bb = burdens[pick];
            bc = costs[pick];
        }
    }
    *subset = bset;
    if (burden)
        *burden = bb;
    if (cost)
        *cost = bc;
    return HSEC_OK;
}

int hsec_scenario_optimize_subset(unsigned char *chosen, size_t count, const hsec_scenario *s,
                                  const unsigned char *candidates, uint64_t subset)
{
    if (!chosen || !s)
        return hx_fail(HSEC_EINVAL, "optimize_subset: %s is NULL",
                       chosen ? "the scenario" : "chosen");
    if (count != s->nmeasure)
        return hx_fail(HSEC_EINVAL, "optimize_subset: count %zu is not the %zu measures", count,
                       s->nmeasure);
    uint32_t *cand = hx_calloc(&s->a, count, sizeof *cand);
    if (!cand)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    size_t nc = 0;
    int rc = candidates_of(cand, &nc, candidates, count);
    if (rc)
        rc = hx_fail(HSEC_EINVAL, "optimize_subset: %zu candidates are too many for the exact "
                     "search (at most %d)", nc, HSEC_SEARCH_EXACT_MAX);
    else if (subset >= (uint64_t)1 << nc)
        rc = hx_fail(HSEC_EINVAL, "optimize_subset: subset %llu is not one of the %llu subsets "
                     "of %zu candidates", (unsigned long long)subset,
                     (unsigned long long)((uint64_t)1 << nc), nc);
    else
        subset_mask(chosen, count, cand, nc, subset);
    hx_free(&s->a, cand);
    return rc;
}
