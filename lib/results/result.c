/*
 * The results layer: running a scenario (the engine's hx_run behind the
 * public calls) and reading what the run computed. A result is read-only
 * and may be shared by threads, so failures of its getters report
 * through the thread's message.
 */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A run's warnings: a dynamic run whose recorded series are all 0 at
 * every step recorded nothing worth reading (a threat that never starts,
 * a record of nodes nothing reaches). */
static int diagnose(hsec_result *r, const hsec_scenario *s)
{
    if (!r->series || !r->nrec)
        return HSEC_OK;
    size_t len = (size_t)r->steps + 1;
    for (size_t i = 0; i < r->nrec * len; i++)
        if (r->series[i] != 0)
            return HSEC_OK;
    char names[HSEC_ERRMSG_MAX / 2];
    size_t used = 0, k = 0;
    names[0] = '\0';
    for (; k < r->nrec; k++) {
        const char *name = s->c->names[s->c->nid[r->rec[k]]];
        size_t need = strlen(name) + (k ? 2 : 0);
        if (used + need + 8 >= sizeof names)
            break;
        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "", name);
    }
    if (k < r->nrec)
        snprintf(names + used, sizeof names - used, ", ...");
    return hx_diag_add(&r->a, &r->diag, HSEC_WARN_FLAT_SERIES,
                       "every recorded series is 0 at every step (%zu node%s: %s)", r->nrec,
                       r->nrec == 1 ? "" : "s", names);
}

int hsec_scenario_run(hsec_result **out, hsec_scenario *s)
{
    if (!out)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "run: out is NULL");
    *out = NULL;
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_run: the scenario is NULL");
    return hsec_scenario_run_with(out, s, NULL, 0);
}

int hsec_scenario_run_with(hsec_result **out, hsec_scenario *s, const unsigned char *mask,
                           size_t mask_len)
{
    if (!out)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "run: out is NULL");
    *out = NULL;
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_run_with: the scenario is NULL");
    s->err[0] = '\0';
    if (!hx_mask_ok(s, "run", mask, mask_len))
        return HSEC_EINVAL;
    hx_scenario_prepare(s);
    int rc = s->diagnosed ? HSEC_OK : hsec_scenario_diagnose(s);
    if (rc)
        return rc;
    hx_opts o = {mask, s->progress, s->progress_user, NULL, s->err, false};
    if ((rc = hx_run(out, s, &o)))
        return rc;
    if ((rc = diagnose(*out, s))) {
        hx_result_free(*out);
        *out = NULL;
        hx_setmsg(s->err, "out of memory");
    }
    return rc;
}

int hsec_scenario_compare(hsec_result **out, size_t count, hsec_scenario *s)
{
    if (!out || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "compare: %s is NULL",
                          out ? "the scenario" : "out");
    s->err[0] = '\0';
    for (size_t i = 0; i < count; i++)
        out[i] = NULL;
    if (count != 1 + s->npackage) {
        hx_setmsg(s->err, "compare: %zu results asked for, but there are 1 + %zu runs", count,
                  s->npackage);
        return HSEC_EINVAL;
    }
    /* every run's result is kept until the end, the last run's state too */
    hx_size z;
    hx_run_size(&z, s);
    z.fixed = hx_mul_add(z.result, count - 1, z.fixed);
    z.held = "the model, the targets and the results of the runs before";
    int fit = hx_run_fits(s, &z, 1, "the comparison", s->err);
    if (fit)
        return fit;
    unsigned char *mask = hx_calloc(&s->a, s->nmeasure, 1);
    if (!mask) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    int rc = hsec_scenario_run_with(&out[0], s, mask, s->nmeasure);
    for (size_t p = 0; !rc && p < s->npackage; p++) {
        hsec_scenario_package_mask(mask, s->nmeasure, s, p);
        rc = hsec_scenario_run_with(&out[1 + p], s, mask, s->nmeasure);
    }
    hx_free(&s->a, mask);
    if (rc) {
        for (size_t i = 0; i < count; i++) {
            hsec_result_free(out[i]);
            out[i] = NULL;
        }
    }
    return rc;
}

int hsec_scenario_compare_branches(double *averted, size_t count, hsec_scenario *s,
                                   const hsec_result *baseline, size_t package)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "compare_branches: the scenario is NULL");
    s->err[0] = '\0';
    if (!averted || !baseline) {
        hx_setmsg(s->err, "compare_branches: %s is NULL", averted ? "baseline" : "averted");
        return HSEC_EINVAL;
    }
    if (count != HSEC_BRANCH_COUNT) {
        hx_setmsg(s->err, "compare_branches: count %zu is not HSEC_BRANCH_COUNT (%d)", count,
                  HSEC_BRANCH_COUNT);
        return HSEC_EINVAL;
    }
    if (package >= s->npackage) {
        hx_setmsg(s->err, "compare_branches: package %zu is out of range (%zu)", package,
                  s->npackage);
        return HSEC_EINVAL;
    }
    if (baseline->c != s->c || baseline->nmeasure != s->nmeasure) {
        hx_setmsg(s->err, "compare_branches: the baseline is not a run of this scenario");
        return HSEC_EINVAL;
    }
    for (size_t b = 0; b < count; b++)
        averted[b] = NAN;
    unsigned char *pk = hx_calloc(&s->a, s->nmeasure ? s->nmeasure : 1, 2);
    if (!pk) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    unsigned char *mask = pk + s->nmeasure;
    hsec_scenario_package_mask(pk, s->nmeasure, s, package);
    int rc = HSEC_OK;
    for (int b = 0; b < HSEC_BRANCH_COUNT && !rc; b++) {
        bool any = false;
        for (size_t m = 0; m < s->nmeasure; m++) {
            mask[m] = pk[m] && s->measures[m].branch == b;
            any = any || mask[m];
        }
        if (!any)
            continue;
        hsec_result *r = NULL;
        if (!(rc = hsec_scenario_run_with(&r, s, mask, s->nmeasure)))
            averted[b] = baseline->total - r->total;
        hsec_result_free(r);
    }
    hx_free(&s->a, pk);
    if (rc)
        for (size_t b = 0; b < count; b++)
            averted[b] = NAN;
    return rc;
}

void hsec_result_free(hsec_result *r) { hx_result_free(r); }

size_t hsec_result_measure_count(const hsec_result *r) { return r ? r->nmeasure : 0; }

int hsec_result_measures(unsigned char *mask, size_t count, const hsec_result *r)
{
    if (!mask || !r)
        return hx_fail(HSEC_EINVAL, "result_measures: %s is NULL", r ? "mask" : "the result");
    if (count != r->nmeasure)
        return hx_fail(HSEC_EINVAL, "result_measures: count %zu is not the run's %zu measures",
                       count, r->nmeasure);
    if (count)
        memcpy(mask, r->mask, count);
    return HSEC_OK;
}

size_t hsec_result_diagnostic_count(const hsec_result *r) { return r ? r->diag.n : 0; }

int hsec_result_diagnostic(hsec_warning *code, const char **message, const hsec_result *r,
                           size_t i)
{
    if (!r)
        return hx_fail(HSEC_EINVAL, "result_diagnostic: the result is NULL");
    return hx_diag_get(code, message, &r->diag, i, "result_diagnostic");
}

int hsec_result_mode(const hsec_result *r) { return r ? r->mode : -1; }
uint64_t hsec_result_steps(const hsec_result *r) { return r ? r->steps : 0; }
size_t hsec_result_node_count(const hsec_result *r) { return r ? r->n : 0; }
size_t hsec_result_group_count(const hsec_result *r) { return r ? r->ngroup : 0; }
size_t hsec_result_threat_count(const hsec_result *r) { return r ? r->nthreat : 0; }
const double *hsec_result_q(const hsec_result *r) { return r ? r->q : NULL; }
const double *hsec_result_orders(const hsec_result *r) { return r ? r->orders : NULL; }

int hsec_result_series(const double **values, size_t *len, const hsec_result *r, size_t node)
{
    if (!values || !len || !r)
        return hx_fail(HSEC_EINVAL, "series: %s is NULL", r ? "an out-parameter" : "the result");
    *values = NULL;
    *len = 0;
    for (size_t k = 0; r->series && k < r->nrec; k++) {
        if (r->rec[k] == node) {
            *len = (size_t)r->steps + 1;
            *values = r->series + k * *len;
            return HSEC_OK;
        }
    }
    return hx_fail(HSEC_ENOTFOUND, "series: node %zu was not recorded%s", node,
                   r->series ? "" : " (no series: a static run)");
}

/* The figures of a group at `at` into *out (the last step's computed from
 * the result), or NULL with the thread's message. */
static const gfig *fig(const hsec_result *r, size_t g, hsec_at at, gfig *out)
{
    if (!r) {
        hx_fail(HSEC_EINVAL, "the result is NULL");
        return NULL;
    }
    if (g >= r->ngroup) {
        hx_fail(HSEC_EINVAL, "group %zu is out of range (%zu)", g, r->ngroup);
        return NULL;
    }
    if (at == HSEC_AT_LAST || (at == HSEC_AT_PEAK && !r->peak)) { /* static: one state */
        hx_last_fig(r, r->gnid[g], out);
        return out;
    }
    if (at == HSEC_AT_PEAK)
        return &r->peak[r->gnid[g]];
    hx_fail(HSEC_EINVAL, "at %d is neither HSEC_AT_LAST nor HSEC_AT_PEAK", (int)at);
    return NULL;
}

/* Does an array of count values fit what is written (want values)? */
static bool fits(const char *what, const double *p, size_t count, size_t want)
{
    if (!p) {
        hx_fail(HSEC_EINVAL, "%s: the array is NULL", what);
        return false;
    }
    if (count != want) {
        hx_fail(HSEC_EINVAL, "%s: count %zu is not %zu", what, count, want);
        return false;
    }
    return true;
}

int hsec_result_group(uint64_t *step, double *index, double *y, size_t y_count,
                      const hsec_result *r, size_t group, hsec_at at)
{
    gfig buf;
    const gfig *f = fig(r, group, at, &buf);
    if (!f || (y && !fits("group", y, y_count, HSEC_DIM_COUNT)))
        return HSEC_EINVAL;
    if (step)
        *step = f->step;
    if (index)
        *index = f->H;
    if (y)
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            y[d] = f->y[d];
    return HSEC_OK;
}

int hsec_result_group_orders(double *p, size_t count, const hsec_result *r, size_t group,
                             hsec_at at)
{
    gfig buf;
    const gfig *f = fig(r, group, at, &buf);
    if (!f || !fits("group_orders", p, count, HSEC_DIM_COUNT * HSEC_ORDER_COUNT))
        return HSEC_EINVAL;
    for (size_t i = 0; i < count; i++)
        p[i] = f->p[i];
    return HSEC_OK;
}

int hsec_result_group_freedoms(double *out, size_t count, const hsec_result *r, size_t group,
                               hsec_at at)
{
    gfig buf;
    const gfig *f = fig(r, group, at, &buf);
    if (!f || !fits("group_freedoms", out, count, HSEC_FREEDOM_COUNT))
        return HSEC_EINVAL;
    const double *y = f->y;
    out[0] = (y[HSEC_DIM_PERSONAL] + y[HSEC_DIM_COMMUNITY] + y[HSEC_DIM_POLITICAL]) / 3;
    out[1] = (y[HSEC_DIM_ECONOMIC] + y[HSEC_DIM_FOOD] + y[HSEC_DIM_HEALTH] +
              y[HSEC_DIM_ENVIRONMENTAL]) / 4;
    out[2] = (y[HSEC_DIM_POLITICAL] + y[HSEC_DIM_COMMUNITY]) / 2;
    return HSEC_OK;
}

int hsec_result_warning(int64_t *step, int64_t *lead, const hsec_result *r, size_t group,
                        hsec_dimension d)
{
    gfig buf;
    if (!fig(r, group, HSEC_AT_LAST, &buf))
        return HSEC_EINVAL;
    if ((int)d < 0 || d >= HSEC_DIM_COUNT)
        return hx_fail(HSEC_EINVAL, "warning: dimension %d is unknown", (int)d);
    int64_t w = r->warn[(size_t)r->gnid[group] * HSEC_DIM_COUNT + (size_t)d];
    if (step)
        *step = w;
    if (lead)
        *lead = w < 0 ? 0 : w - r->first_start;
    return HSEC_OK;
}

int hsec_result_threat_share(double *share, int *critical, const hsec_result *r, size_t group,
                             size_t threat)
{
    gfig buf;
    const gfig *f = fig(r, group, HSEC_AT_PEAK, &buf);
    if (!f)
        return HSEC_EINVAL;
    if (threat >= r->nthreat)
        return hx_fail(HSEC_EINVAL, "threat %zu is out of range (%zu)", threat, r->nthreat);
    size_t g = r->gnid[group];
    double hp = f->Hp;
    double x = hp > 0 ? r->peakthr[g * r->nthreat + threat] / hp : 0;
    if (share)
        *share = x;
    if (critical)
        *critical = hp > 0 && x >= r->crit;
    return HSEC_OK;
}

int hsec_result_pervasive(double *population_share, int *pervasive, const hsec_result *r,
                          size_t threat)
{
    if (!r)
        return hx_fail(HSEC_EINVAL, "the result is NULL");
    if (threat >= r->nthreat)
        return hx_fail(HSEC_EINVAL, "threat %zu is out of range (%zu)", threat, r->nthreat);
    if (population_share)
        *population_share = r->popshare[threat];
    if (pervasive)
        *pervasive = r->popshare[threat] > 0 && r->popshare[threat] >= r->perv;
    return HSEC_OK;
}

int hsec_result_multidimensional(double *out, size_t count, const hsec_result *r, hsec_at at)
{
    if (!r)
        return hx_fail(HSEC_EINVAL, "the result is NULL");
    if (at != HSEC_AT_LAST && at != HSEC_AT_PEAK)
        return hx_fail(HSEC_EINVAL, "at %d is neither HSEC_AT_LAST nor HSEC_AT_PEAK", (int)at);
    if (!fits("multidimensional", out, count, HSEC_AF_COUNT))
        return HSEC_EINVAL;
    for (size_t i = 0; i < count; i++)
        out[i] = r->af[at][i];
    return HSEC_OK;
}

int hsec_result_group_score(double *score, int *insecure, const hsec_result *r, size_t group,
                            hsec_at at)
{
    gfig buf;
    if (!fig(r, group, at, &buf))
        return HSEC_EINVAL;
    double x = r->score[(size_t)at * r->ngroup + r->gnid[group]];
    if (score)
        *score = x;
    if (insecure)
        *insecure = x >= r->afk - HX_AF_SLACK;
    return HSEC_OK;
}

/* The entry `index` of a burden part with n entries. */
static int entry(double *out, const double *part, size_t index, size_t n, const char *what)
{
    if (index >= n)
        return hx_fail(HSEC_EINVAL, "burden by %s: index %zu is out of range (%zu)", what, index,
                       n);
    *out = part[index];
    return HSEC_OK;
}

int hsec_result_burden(double *out, const hsec_result *r, hsec_burden part, size_t index)
{
    if (!out || !r)
        return hx_fail(HSEC_EINVAL, "burden: %s is NULL", r ? "out" : "the result");
    switch (part) {
    case HSEC_BURDEN_TOTAL: *out = r->total; return HSEC_OK;
    case HSEC_BURDEN_BASELINE: *out = r->baseline; return HSEC_OK;
    case HSEC_BURDEN_PROPAGATED: *out = r->propagated; return HSEC_OK;
    case HSEC_BURDEN_INITIAL: *out = r->initial; return HSEC_OK;
    case HSEC_BURDEN_BAND: return entry(out, r->band, index, HSEC_BAND_COUNT, "band");
    case HSEC_BURDEN_ORDER: return entry(out, r->order, index, HSEC_ORDER_COUNT, "order");
    case HSEC_BURDEN_THREAT: return entry(out, r->threat, index, r->nthreat, "threat");
    case HSEC_BURDEN_ACTOR: return entry(out, r->actor, index, HSEC_THREAT_ACTOR_COUNT, "actor");
    case HSEC_BURDEN_REGION: return entry(out, r->region, index, r->nregion, "region");
    case HSEC_BURDEN_GROUP:
        return entry(out, r->group, index < r->ngroup ? r->gnid[index] : index, r->ngroup,
                     "group");
    case HSEC_BURDEN_TOPIC: return entry(out, r->topic, index, HSEC_TOPIC_COUNT + 1, "topic");
    case HSEC_BURDEN_FLAG: return entry(out, r->flag, index, HSEC_FLAG_COUNT + 1, "flag");
    case HSEC_BURDEN_FLAG_PROPAGATED:
        return entry(out, r->flagp, index, HSEC_FLAG_COUNT + 1, "flag");
    }
    return hx_fail(HSEC_EINVAL, "burden: part %d is unknown", (int)part);
}

int hsec_result_impact(double *out, size_t count, const hsec_result *r, size_t index)
{
    if (!r)
        return hx_fail(HSEC_EINVAL, "impact: the result is NULL");
    if (!fits("impact", out, count, HSEC_IMPACT_COUNT))
        return HSEC_EINVAL;
    if (index > HSEC_FLAG_COUNT)
        return hx_fail(HSEC_EINVAL, "impact: flag %zu is out of range (0 to %d, %d: everyone)",
                       index, HSEC_FLAG_COUNT - 1, HSEC_FLAG_COUNT);
    double pop = r->flagpop[index], all = r->flagpop[HSEC_FLAG_COUNT];
    double per = pop > 0 ? r->flag[index] / pop : NAN;
    double perall = all > 0 ? r->flag[HSEC_FLAG_COUNT] / all : NAN;
    double v[HSEC_IMPACT_COUNT] = {r->flag[index], r->flagp[index], pop, per,
                                   perall > 0 ? per / perall : NAN};
    for (size_t i = 0; i < HSEC_IMPACT_COUNT; i++)
        out[i] = v[i];
    return HSEC_OK;
}
