/* What a run reports: group figures, burden, summaries. */
#include "engine.h"

#include <float.h>
#include <string.h>

/* Where a chunk's partial sums lie in its npart values. */
enum { PART_ORDER = 0, PART_THREAT = HSEC_ORDER_COUNT };
#define PART_INIT(H) (PART_THREAT + (H))
#define PART_TOTAL(H) (PART_INIT(H) + 1)
#define PART_BASE(H) (PART_INIT(H) + 2)
#define PART_PROP(H) (PART_INIT(H) + 3)
#define PART_BAND(H) (PART_INIT(H) + 4)

/* The threat counts whose report has its own instance. */
#define HX_REPORT_HMAX 4
#if defined(__clang__)
#define HX_UNROLL_H _Pragma("unroll 4")
#define HX_UNROLL_D _Pragma("unroll 7")
#elif defined(__GNUC__)
#define HX_UNROLL_H _Pragma("GCC unroll 4")
#define HX_UNROLL_D _Pragma("GCC unroll 7")
#else
#define HX_UNROLL_H
#define HX_UNROLL_D
#endif

static void peak_from(const ctx *x, hsec_result *r, size_t g, const double *st,
                      uint64_t step);

/* Group figures of chunk k's groups in the current state; the chunk's
 * sums of the burden when band >= -1 (-1: static, no band). Instantiated
 * (hx_report_chunk) for the threat counts up to HX_REPORT_HMAX, whose
 * sums then stay in registers; the arithmetic is the same, in the same
 * order, in every instance. */
static HX_INLINE void report_body(const ctx *x, hsec_result *r, size_t k, uint64_t t,
                                  int band, const size_t H)
{
    const hsec_compiled *c = x->c;
    const size_t P = x->P;
    const bool acc = band >= -1, warn = band != -1;
    double *sum = x->part + k * x->npart;
    double ord[HSEC_ORDER_COUNT] = {0, 0, 0, 0};
    double thl[HX_REPORT_HMAX] = {0}, *thr = H <= HX_REPORT_HMAX ? thl : sum + PART_THREAT;
    HX_UNROLL_H
    for (size_t h = 0; h < H; h++)
        thr[h] = 0;
    double init = 0, total_ = 0, base = 0, prop = 0, bandsum = 0;
    for (size_t g = x->cgrp[k]; g < x->cgrp[k + 1]; g++) {
        const cgroup *cg = &c->groups[g];
        const double *qg = x->rep + (size_t)cg->node * P;
        double Hg = 0, Hb = 0, Hp = 0, o0 = 0, o1 = 0, o2 = 0, o3 = 0, gi = 0;
        /* a static run's threats' parts of Hp, here where its figures are
         * (a dynamic run's come with its peak: peak_from) */
        double *pth = r->peak ? NULL : r->peakthr + g * H;
        if (pth)
            HX_UNROLL_H
            for (size_t h = 0; h < H; h++)
                pth[h] = 0;
        HX_UNROLL_D
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            const double *q = qg + (size_t)d * P;
            double qt = hx_total(x, q);
            double b = cg->base[d];
            double y = b + qt < 1 ? b + qt : 1;
            double p = y - b;
            double w = cg->w[d];
            /* threats' and initial parts: in proportion; all of them without
             * a baseline or the cap, the common case, where the division
             * (p / qt = 1) held up the whole report */
            double frac = qt > 0 ? (p == qt && qt <= DBL_MAX ? 1 : p / qt) : 0;
            double po[HSEC_ORDER_COUNT], left = p; /* orders: by precedence, order 1 first */
            HX_UNROLL_H
            for (int o = 0; o < HSEC_ORDER_COUNT - 1; o++) {
                po[o] = q[o] < left ? q[o] : left;
                left -= po[o];
            }
            po[HSEC_ORDER_COUNT - 1] = left;
            Hg += w * y;
            Hb += w * b;
            Hp += w * p;
            if (warn && y >= HX_PHASE_CRISIS && r->warn[g * HSEC_DIM_COUNT + (size_t)d] < 0)
                r->warn[g * HSEC_DIM_COUNT + (size_t)d] = (int32_t)t; /* t <= 10^7 */
            double wf = w * frac;
            if (pth)
                HX_UNROLL_H
                for (size_t h = 0; h < H; h++)
                    pth[h] += wf * q[4 + h];
            if (acc) { /* the group's own sums first, in registers */
                o0 += w * po[0];
                o1 += w * po[1];
                o2 += w * po[2];
                o3 += w * po[3];
                HX_UNROLL_H
                for (size_t h = 0; h < H; h++)
                    thr[h] += cg->size * (wf * q[4 + h]);
                if (x->has_init)
                    gi += wf * q[4 + H];
            }
        }
        if (acc) {
            ord[0] += cg->size * o0;
            ord[1] += cg->size * o1;
            ord[2] += cg->size * o2;
            ord[3] += cg->size * o3;
            init += cg->size * gi;
            total_ += cg->size * Hg;
            base += cg->size * Hb;
            prop += cg->size * Hp;
            r->group[g] += cg->size * Hp;
            bandsum += cg->size * Hp;
        }
        /* a dynamic run's peak: its step and index as it rises, its
         * figures once a step does not rise above it, from the step before
         * (x->prev), or at the end (hx_report_peaks); a rising group would
         * otherwise write all its figures every step. A static run's
         * figures are its last (hx_last_fig); its threats' parts are above. */
        if (r->peak) {
            if (t == 0 || Hg > x->pkH[g]) {
                x->pkt[g] = (uint32_t)t; /* t <= 10^7 */
                x->pkH[g] = Hg;
            } else if ((uint64_t)x->pkt[g] + 1 == t && x->prev) {
                peak_from(x, r, g, x->prev, t - 1);
            }
        }
    }
    for (int o = 0; o < HSEC_ORDER_COUNT; o++)
        sum[PART_ORDER + o] = ord[o];
    if (H <= HX_REPORT_HMAX)
        HX_UNROLL_H
        for (size_t h = 0; h < H; h++)
            sum[PART_THREAT + h] = thr[h];
    sum[PART_INIT(H)] = init;
    sum[PART_TOTAL(H)] = total_;
    sum[PART_BASE(H)] = base;
    sum[PART_PROP(H)] = prop;
    sum[PART_BAND(H)] = bandsum;
}

void hx_report_chunk(const ctx *x, hsec_result *r, size_t k, uint64_t t, int band)
{
    switch (x->H) {
    case 0: report_body(x, r, k, t, band, 0); break;
    case 1: report_body(x, r, k, t, band, 1); break;
    case 2: report_body(x, r, k, t, band, 2); break;
    case 3: report_body(x, r, k, t, band, 3); break;
    case 4: report_body(x, r, k, t, band, 4); break;
    default: report_body(x, r, k, t, band, x->H); break;
    }
}

/* The chunks' sums of a step, added in chunk order, then to the run's. */
void hx_report_sum(const ctx *x, hsec_result *r, int band)
{
    if (band < -1)
        return;
    const size_t H = x->H, np = x->npart;
    double *step = x->acc_sum;
    for (size_t p = 0; p < np; p++)
        step[p] = 0;
    for (size_t k = 0; k < x->nchunk; k++)
        for (size_t p = 0; p < np; p++)
            step[p] += x->part[k * np + p];
    for (int o = 0; o < HSEC_ORDER_COUNT; o++)
        r->order[o] += step[PART_ORDER + o];
    for (size_t h = 0; h < H; h++)
        r->threat[h] += step[PART_THREAT + h];
    r->initial += step[PART_INIT(H)];
    r->total += step[PART_TOTAL(H)];
    r->baseline += step[PART_BASE(H)];
    r->propagated += step[PART_PROP(H)];
    if (band >= 0)
        r->band[band] += step[PART_BAND(H)];
}

void hx_report(const ctx *x, hsec_result *r, uint64_t t, int band)
{
    for (size_t k = 0; k < x->nchunk; k++)
        hx_report_chunk(x, r, k, t, band);
    hx_report_sum(x, r, band);
}

/* A group's figures from its nodes' orders (ord[d]: four values) and
 * totals, by the arithmetic of hx_report_chunk, so that they are what a
 * report of that state would have kept. */
static HX_INLINE void fig_from(const cgroup *cg, const double *const ord[HSEC_DIM_COUNT],
                               const double tot[HSEC_DIM_COUNT], uint64_t step, gfig *f)
{
    double Hg = 0, Hp = 0;
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        const double *q = ord[d];
        double qt = tot[d], b = cg->base[d];
        double y = b + qt < 1 ? b + qt : 1;
        double p = y - b, w = cg->w[d];
        double left = p; /* orders: by precedence, order 1 first */
        for (int o = 0; o < HSEC_ORDER_COUNT - 1; o++) {
            f->p[d * HSEC_ORDER_COUNT + o] = q[o] < left ? q[o] : left;
            left -= f->p[d * HSEC_ORDER_COUNT + o];
        }
        f->p[d * HSEC_ORDER_COUNT + HSEC_ORDER_COUNT - 1] = left;
        f->y[d] = y;
        Hg += w * y;
        Hp += w * p;
    }
    f->step = step;
    f->H = Hg;
    f->Hp = Hp;
}

/* A group's nodes in a state (x->P values a node, in compiled order), and
 * their totals. */
static void group_in(const ctx *x, const double *st, const cgroup *cg,
                     const double *ord[HSEC_DIM_COUNT], double tot[HSEC_DIM_COUNT])
{
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        ord[d] = st + (cg->node + (size_t)d) * x->P;
        tot[d] = hx_total(x, ord[d]);
    }
}

/*
 * A dynamic run's group g: its peak figures and its threats' parts of Hp
 * from a state (x->P values a node, in compiled order) at a step, by the
 * arithmetic of report_body, so that they are what the report of that
 * state would have kept (a static run's parts come with its report).
 */
static void peak_from(const ctx *x, hsec_result *r, size_t g, const double *st, uint64_t step)
{
    const cgroup *cg = &x->c->groups[g];
    const size_t H = x->H;
    const double *ord[HSEC_DIM_COUNT];
    double tot[HSEC_DIM_COUNT], frac[HSEC_DIM_COUNT];
    group_in(x, st, cg, ord, tot);
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        double qt = tot[d], b = cg->base[d];
        double y = b + qt < 1 ? b + qt : 1, p = y - b;
        frac[d] = qt > 0 ? (p == qt && qt <= DBL_MAX ? 1 : p / qt) : 0;
    }
    fig_from(cg, ord, tot, step, &r->peak[g]);
    for (size_t h = 0; h < H; h++) { /* each threat's part of Hp */
        double part = 0;
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            part += cg->w[d] * frac[d] * ord[d][4 + h];
        r->peakthr[g * H + h] = part;
    }
}

void hx_report_peaks(const ctx *x, hsec_result *r, uint64_t steps)
{
    for (size_t g = 0; r->peak && g < x->c->ngroup; g++)
        if (x->pkt[g] == steps)
            peak_from(x, r, g, x->st, steps);
}

/* Group g's figures at the last step, from the result's totals and
 * orders (in the API's numbering). */
void hx_last_fig(const hsec_result *r, size_t g, gfig *f)
{
    const hsec_compiled *c = r->c;
    const cgroup *cg = &c->groups[g];
    const double *ord[HSEC_DIM_COUNT];
    double tot[HSEC_DIM_COUNT];
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        size_t u = c->uid[cg->node + (size_t)d];
        ord[d] = r->orders + u * HSEC_ORDER_COUNT;
        tot[d] = r->q[u];
    }
    fig_from(cg, ord, tot, r->mode == HSEC_MODE_DYNAMIC ? r->steps : 0, f);
}

/* The same from the run's final state, still in the compiled order: the
 * result's arrays were copied from it (run.c), so the figures are the same,
 * read in order instead of through the API's numbering. */
static void last_fig_state(const ctx *x, const hsec_result *r, size_t g, gfig *f)
{
    const cgroup *cg = &x->c->groups[g];
    const double *ord[HSEC_DIM_COUNT];
    double tot[HSEC_DIM_COUNT];
    group_in(x, x->st, cg, ord, tot);
    fig_from(cg, ord, tot, r->mode == HSEC_MODE_DYNAMIC ? r->steps : 0, f);
}

/* Critical and pervasive threats, and Alkire-Foster counting, from the
 * group figures once the run is over. */
void hx_summarise(const ctx *x, hsec_result *r)
{
    const hsec_compiled *c = x->c;
    const hsec_scenario *s = x->s;
    r->crit = s->opt[HSEC_OPT_CRITICAL_SHARE];
    r->perv = s->opt[HSEC_OPT_PERVASIVE_SHARE];
    r->afk = s->opt[HSEC_OPT_AF_K];
    /* by topic: each threat's propagated part under each of its topics */
    for (size_t h = 0; h < x->H; h++) {
        unsigned tp = s->threats[h].topics;
        if (!tp)
            r->topic[HSEC_TOPIC_COUNT] += r->threat[h];
        for (unsigned k = 0; k < HSEC_TOPIC_COUNT; k++)
            if (tp & (1u << k))
                r->topic[k] += r->threat[h];
    }
    for (size_t h = 0; h < x->H; h++)
        r->popshare[h] = 0;
    /* One pass over the groups (in node order: the sums are the model's, not
     * its listing's), each sum adding them in order: their regions'; the
     * differentiated impacts, a group under each of its flags, its burden
     * its propagated part plus its baseline at every step reported; and
     * from its last figures, found once, each threat's share of the people
     * (its peak part against the group's peak) and Alkire-Foster counting at
     * the last step (at 0) and at the peak (at 1; a static run's peak is its
     * last). */
    double z = s->opt[HSEC_OPT_AF_CUTOFF], pop = 0;
    double reported = x->dynamic ? (double)r->steps : 1;
    double poor[2] = {0, 0}, sum[2] = {0, 0};
    for (size_t g = 0; g < c->ngroup; g++) {
        const cgroup *cg = &c->groups[g];
        r->region[cg->region] += r->group[g];
        pop += cg->size;
        double hb = 0;
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            hb += cg->w[d] * cg->base[d];
        double prop = r->group[g], tot = prop + cg->size * hb * reported;
        for (unsigned f = 0; f <= HSEC_FLAG_COUNT; f++) {
            if (f < HSEC_FLAG_COUNT && !(cg->flags & (1u << f)))
                continue;
            r->flag[f] += tot;
            r->flagp[f] += prop;
            r->flagpop[f] += cg->size;
        }
        gfig last;
        last_fig_state(x, r, g, &last);
        const gfig *fig[2] = {&last, r->peak ? &r->peak[g] : &last};
        double hp = fig[1]->Hp;
        for (size_t h = 0; h < x->H; h++)
            if (hp > 0 && r->peakthr[g * x->H + h] / hp >= r->crit)
                r->popshare[h] += cg->size;
        for (int at = 0; at < 2; at++) {
            double score = 0;
            for (int d = 0; d < HSEC_DIM_COUNT; d++)
                if (fig[at]->y[d] >= z)
                    score += cg->w[d];
            r->score[(size_t)at * c->ngroup + g] = score;
            if (score >= r->afk - HX_AF_SLACK) {
                poor[at] += cg->size;
                sum[at] += cg->size * score;
            }
        }
    }
    /* a region counts its own groups and those of every region below it:
     * children before parents (the preorder backwards), linear in regions */
    for (size_t k = c->nregion; k-- > 0;) {
        uint32_t reg = c->region_order[k], p = c->region_parent[reg];
        if (p != HX_NONE)
            r->region[p] += r->region[reg];
    }
    for (size_t h = 0; h < x->H; h++)
        r->popshare[h] = pop > 0 ? r->popshare[h] / pop : 0;
    for (int at = 0; at < 2; at++) {
        r->af[at][0] = pop > 0 ? poor[at] / pop : 0;
        r->af[at][1] = poor[at] > 0 ? sum[at] / poor[at] : 0;
        r->af[at][2] = r->af[at][0] * r->af[at][1];
    }
}

hsec_result *hx_result_new(const ctx *x, uint64_t steps)
{
    const hsec_allocator *a = x->a;
    const hsec_compiled *c = x->c;
    hsec_result *r = hx_calloc(a, 1, sizeof *r);
    if (!r)
        return NULL;
    r->a = *a;
    r->mode = x->dynamic ? HSEC_MODE_DYNAMIC : HSEC_MODE_STATIC;
    r->n = c->n;
    r->ngroup = c->ngroup;
    r->nthreat = x->H;
    r->nregion = c->nregion;
    /* every node's orders, then its total, in one block (orders owns it);
     * a dynamic run hands over its spare state buffer at the end instead
     * (run.c), so that the two are never held at once */
    size_t per = HSEC_ORDER_COUNT + 1;
    if (!x->dynamic || x->P < per) {
        /* (not cleared: every node's are written before the run returns
         * them, run.c and hx_static, and a failed run frees them) */
        r->orders = c->n > SIZE_MAX / (per * sizeof *r->orders)
                        ? NULL
                        : hx_alloc(a, (c->n ? c->n : 1) * per * sizeof *r->orders);
        r->q = r->orders ? r->orders + HSEC_ORDER_COUNT * c->n : NULL;
    }
    r->gnid = hx_alloc(a, (c->ngroup ? c->ngroup : 1) * sizeof *r->gnid);
    if (r->gnid && c->ngroup)
        memcpy(r->gnid, c->gnid, c->ngroup * sizeof *r->gnid);
    hx_compiled_ref(c); /* the last step's figures are read through it */
    r->c = c;
    /* a dynamic run's peak figures (a static run's are its last) */
    r->peak = x->dynamic ? hx_calloc(a, c->ngroup, sizeof *r->peak) : NULL;
    r->threat = hx_calloc(a, x->H, sizeof *r->threat);
    r->region = hx_calloc(a, c->nregion, sizeof *r->region);
    r->group = hx_calloc(a, c->ngroup, sizeof *r->group);
    r->warn = hx_calloc(a, c->ngroup, HSEC_DIM_COUNT * sizeof *r->warn);
    r->peakthr = hx_calloc(a, c->ngroup, (x->H ? x->H : 1) * sizeof *r->peakthr);
    r->popshare = hx_calloc(a, x->H, sizeof *r->popshare);
    r->score = hx_calloc(a, c->ngroup, 2 * sizeof *r->score);
    r->nmeasure = x->s->nmeasure;
    r->mask = hx_calloc(a, r->nmeasure ? r->nmeasure : 1, 1);
    for (size_t m = 0; r->mask && m < r->nmeasure; m++) /* the run's mask, remembered */
        r->mask[m] = (!x->active || x->active[m]) ? 1 : 0;
    bool ok = (r->orders || (x->dynamic && x->P >= per)) && r->gnid &&
              (r->peak || !x->dynamic) && r->threat && r->region && r->group &&
              r->warn && r->peakthr && r->popshare && r->score && r->mask;
    for (size_t i = 0; ok && i < c->ngroup * HSEC_DIM_COUNT; i++)
        r->warn[i] = -1;
    for (size_t h = 0; h < x->H; h++) {
        int64_t st = x->s->threats[h].start;
        if (h == 0 || st < r->first_start)
            r->first_start = st;
    }
    if (ok && x->s->nrec) {
        r->nrec = x->s->nrec;
        r->rec = hx_calloc(a, r->nrec, sizeof *r->rec);
        ok = r->rec != NULL;
        if (ok)
            memcpy(r->rec, x->s->rec, r->nrec * sizeof *r->rec);
        if (ok && x->dynamic) {
            r->series = (steps + 1 > SIZE_MAX / r->nrec)
                            ? NULL
                            : hx_calloc(a, r->nrec * (size_t)(steps + 1), sizeof(double));
            ok = r->series != NULL;
        }
    }
    if (!ok) {
        hx_result_free(r);
        return NULL;
    }
    return r;
}

void hx_record(const ctx *x, hsec_result *r, uint64_t t, uint64_t steps)
{
    for (size_t k = 0; k < r->nrec; k++) {
        const double *q = x->st + (size_t)x->c->nid[r->rec[k]] * x->P;
        r->series[k * (size_t)(steps + 1) + (size_t)t] = hx_total(x, q);
    }
}


void hx_result_free(hsec_result *r)
{
    if (!r)
        return;
    const hsec_allocator *a = &r->a;
    hx_free(a, r->orders); /* r->q too */
    hx_free(a, r->rec);
    hx_free(a, r->series);
    hx_free(a, r->gnid);
    hsec_compiled_free((hsec_compiled *)(uintptr_t)r->c);
    hx_free(a, r->peak);
    hx_free(a, r->threat);
    hx_free(a, r->region);
    hx_free(a, r->group);
    hx_free(a, r->warn);
    hx_free(a, r->peakthr);
    hx_free(a, r->popshare);
    hx_free(a, r->score);
    hx_free(a, r->mask);
    hx_diag_free(a, &r->diag);
    hsec_allocator copy = r->a;
    hx_free(&copy, r);
}

