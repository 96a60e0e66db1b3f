/* Running a scenario and reading what the run computed. */
#include "internal.h"

#include <math.h>

int hsec_scenario_run(hsec_result **out, hsec_scenario *s)
{
    if (!out)
        return HSEC_EINVAL;
    *out = NULL;
    if (!s)
        return HSEC_EINVAL;
    return hsec_scenario_run_with(out, s, NULL);
}

int hsec_scenario_run_with(hsec_result **out, hsec_scenario *s, const unsigned char *mask)
{
    if (!out)
        return HSEC_EINVAL;
    *out = NULL;
    if (!s)
        return HSEC_EINVAL;
    s->err[0] = '\0';
    hx_scenario_prepare(s);
    hx_opts o = {mask, s->progress, s->progress_user, NULL, s->err, false};
    return hx_run(out, s, &o);
}

int hsec_scenario_compare(hsec_result **out, size_t count, hsec_scenario *s)
{
    if (!out || !s)
        return HSEC_EINVAL;
    for (size_t i = 0; i < count; i++)
        out[i] = NULL;
    if (count != 1 + s->npackage) {
        hx_setmsg(s->err, "compare: %zu results asked for, but there are 1 + %zu runs", count,
                  s->npackage);
        return HSEC_EINVAL;
    }
    unsigned char *mask = hx_calloc(&s->a, s->nmeasure, 1);
    if (!mask) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    int rc = hsec_scenario_run_with(&out[0], s, mask);
    for (size_t p = 0; !rc && p < s->npackage; p++) {
        hsec_scenario_package_mask(mask, s->nmeasure, s, p);
        rc = hsec_scenario_run_with(&out[1 + p], s, mask);
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

void hsec_result_free(hsec_result *r)
{
    if (!r)
        return;
    const hsec_allocator *a = &r->a;
    hx_free(a, r->q);
    hx_free(a, r->orders);
    hx_free(a, r->rec);
    hx_free(a, r->series);
    hx_free(a, r->last);
    hx_free(a, r->peak);
    hx_free(a, r->threat);
    hx_free(a, r->region);
    hx_free(a, r->group);
    hx_free(a, r->warn);
    hx_free(a, r->peakthr);
    hx_free(a, r->popshare);
    hx_free(a, r->score);
    hsec_allocator copy = r->a;
    hx_free(&copy, r);
}

int hsec_result_mode(const hsec_result *r) { return r ? r->mode : -1; }
uint64_t hsec_result_steps(const hsec_result *r) { return r ? r->steps : 0; }
size_t hsec_result_node_count(const hsec_result *r) { return r ? r->n : 0; }
const double *hsec_result_q(const hsec_result *r) { return r ? r->q : NULL; }
const double *hsec_result_orders(const hsec_result *r) { return r ? r->orders : NULL; }

int hsec_result_series(const double **values, size_t *len, const hsec_result *r, size_t node)
{
    if (!values || !len || !r)
        return HSEC_EINVAL;
    *values = NULL;
    *len = 0;
    if (!r->series)
        return HSEC_ENOTFOUND;
    for (size_t k = 0; k < r->nrec; k++) {
        if (r->rec[k] == node) {
            *len = (size_t)r->steps + 1;
            *values = r->series + k * *len;
            return HSEC_OK;
        }
    }
    return HSEC_ENOTFOUND;
}

static const gfig *fig(const hsec_result *r, size_t g, hsec_at at)
{
    if (!r || g >= r->ngroup)
        return NULL;
    if (at == HSEC_AT_LAST)
        return &r->last[g];
    if (at == HSEC_AT_PEAK)
        return &r->peak[g];
    return NULL;
}

int hsec_result_group(uint64_t *step, double *index, double y[HSEC_DIM_COUNT],
                      const hsec_result *r, size_t group, hsec_at at)
{
    const gfig *f = fig(r, group, at);
    if (!f)
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

int hsec_result_group_orders(double p[HSEC_DIM_COUNT * 4], const hsec_result *r, size_t group,
                             hsec_at at)
{
    const gfig *f = fig(r, group, at);
    if (!f || !p)
        return HSEC_EINVAL;
    for (int i = 0; i < HSEC_DIM_COUNT * 4; i++)
        p[i] = f->p[i];
    return HSEC_OK;
}

int hsec_result_group_freedoms(double out[3], const hsec_result *r, size_t group, hsec_at at)
{
    const gfig *f = fig(r, group, at);
    if (!f || !out)
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
    if (!r || group >= r->ngroup || (int)d < 0 || d >= HSEC_DIM_COUNT)
        return HSEC_EINVAL;
    int64_t w = r->warn[group * HSEC_DIM_COUNT + (size_t)d];
    if (step)
        *step = w;
    if (lead)
        *lead = w < 0 ? 0 : w - r->first_start;
    return HSEC_OK;
}

int hsec_result_threat_share(double *share, int *critical, const hsec_result *r, size_t group,
                             size_t threat)
{
    if (!r || group >= r->ngroup || threat >= r->nthreat)
        return HSEC_EINVAL;
    double hp = r->peak[group].Hp;
    double x = hp > 0 ? r->peakthr[group * r->nthreat + threat] / hp : 0;
    if (share)
        *share = x;
    if (critical)
        *critical = hp > 0 && x >= r->crit;
    return HSEC_OK;
}

int hsec_result_pervasive(double *population_share, int *pervasive, const hsec_result *r,
                          size_t threat)
{
    if (!r || threat >= r->nthreat)
        return HSEC_EINVAL;
    if (population_share)
        *population_share = r->popshare[threat];
    if (pervasive)
        *pervasive = r->popshare[threat] > 0 && r->popshare[threat] >= r->perv;
    return HSEC_OK;
}

int hsec_result_multidimensional(double out[3], const hsec_result *r, hsec_at at)
{
    if (!r || !out || (at != HSEC_AT_LAST && at != HSEC_AT_PEAK))
        return HSEC_EINVAL;
    for (int i = 0; i < 3; i++)
        out[i] = r->af[at][i];
    return HSEC_OK;
}

int hsec_result_group_score(double *score, int *insecure, const hsec_result *r, size_t group,
                            hsec_at at)
{
    if (!fig(r, group, at))
        return HSEC_EINVAL;
    double x = r->score[(size_t)at * r->ngroup + group];
    if (score)
        *score = x;
    if (insecure)
        *insecure = x >= r->afk - 1e-12;
    return HSEC_OK;
}

int hsec_result_burden(double *out, const hsec_result *r, hsec_burden part, size_t index)
{
    if (!out || !r)
        return HSEC_EINVAL;
    switch (part) {
    case HSEC_BURDEN_TOTAL: *out = r->total; return HSEC_OK;
    case HSEC_BURDEN_BASELINE: *out = r->baseline; return HSEC_OK;
    case HSEC_BURDEN_PROPAGATED: *out = r->propagated; return HSEC_OK;
    case HSEC_BURDEN_INITIAL: *out = r->initial; return HSEC_OK;
    case HSEC_BURDEN_BAND:
        if (index >= 3)
            return HSEC_EINVAL;
        *out = r->band[index];
        return HSEC_OK;
    case HSEC_BURDEN_ORDER:
        if (index >= 4)
            return HSEC_EINVAL;
        *out = r->order[index];
        return HSEC_OK;
    case HSEC_BURDEN_THREAT:
        if (index >= r->nthreat)
            return HSEC_EINVAL;
        *out = r->threat[index];
        return HSEC_OK;
    case HSEC_BURDEN_ACTOR:
        if (index >= HSEC_THREAT_ACTOR_COUNT)
            return HSEC_EINVAL;
        *out = r->actor[index];
        return HSEC_OK;
    case HSEC_BURDEN_REGION:
        if (index >= r->nregion)
            return HSEC_EINVAL;
        *out = r->region[index];
        return HSEC_OK;
    case HSEC_BURDEN_GROUP:
        if (index >= r->ngroup)
            return HSEC_EINVAL;
        *out = r->group[index];
        return HSEC_OK;
    }
    return HSEC_EINVAL;
}
