/*
 * A scenario's warnings (hsec_warning): what is probably not meant, though
 * a run succeeds. Found at each run and on request; kept on the scenario
 * in a fixed order, by code, then in the order of the document.
 */
#include "scenario.h"

#include <string.h>

/* Bits of a node's mark. */
enum { TARGETED = 1, REACHED = 2 };

/* Mark every node the degradation of the nodes marked TARGETED can reach
 * along links of nonzero weight (breadth-first, source to target); in
 * dynamic mode initial degradation is a source too. */
static int reach(const hsec_scenario *s, unsigned char *mark)
{
    const hsec_compiled *c = s->c;
    const size_t n = c->n, nnz = c->nnz;
    const hsec_allocator *a = &s->a;
    /* node numbers fit 32 bits (compile's limit): half the memory of size_t */
    size_t *start = hx_calloc(a, n + 1, sizeof *start);
    uint32_t *next = hx_alloc(a, (nnz ? nnz : 1) * sizeof *next);
    size_t *queue = hx_alloc(a, (n ? n : 1) * sizeof *queue);
    int rc = HSEC_ENOMEM;
    if (!start || !next || !queue)
        goto done;
    /* the links of nonzero weight by source (the rows are by target):
     * next[start[j] .. start[j+1]-1] are the targets of source j */
    for (size_t e = 0; e < nnz; e++)
        if (c->w[e] != 0)
            start[c->col[e] + 1]++;
    for (size_t i = 0; i < n; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < n; i++) /* queue holds each source's fill position */
        queue[i] = start[i];
    for (size_t i = 0; i < n; i++)
        for (size_t e = c->rowp[i]; e < c->rowp[i + 1]; e++)
            if (c->w[e] != 0)
                next[queue[c->col[e]]++] = (uint32_t)i;
    size_t head = 0, tail = 0;
    bool dynamic = s->opt[HSEC_OPT_MODE] == HSEC_MODE_DYNAMIC;
    for (size_t i = 0; i < n; i++)
        if ((mark[i] & TARGETED) || (dynamic && hx_init(c, i) > 0)) {
            mark[i] |= REACHED;
            queue[tail++] = i;
        }
    while (head < tail) {
        size_t j = queue[head++];
        for (size_t k = start[j]; k < start[j + 1]; k++) {
            size_t i = next[k];
            if (!(mark[i] & REACHED)) {
                mark[i] |= REACHED;
                queue[tail++] = i;
            }
        }
    }
    rc = HSEC_OK;
done:
    hx_free(a, start);
    hx_free(a, next);
    hx_free(a, queue);
    return rc;
}

static int never_in_force(hsec_scenario *s)
{
    if (s->opt[HSEC_OPT_MODE] != HSEC_MODE_DYNAMIC)
        return HSEC_OK; /* static: everything at full strength */
    const int64_t steps = (int64_t)s->opt[HSEC_OPT_STEPS];
    const int W = HSEC_WARN_NEVER_IN_FORCE;
    int rc = HSEC_OK;
    for (size_t h = 0; !rc && h < s->nthreat; h++) {
        const sthreat *t = &s->threats[h];
        if (t->dur == 0)
            rc = hx_diag_add(&s->a, &s->diag, W,
                             "threat \"%s\" is never in force: its duration is 0", t->id);
        else if (t->start >= steps)
            rc = hx_diag_add(&s->a, &s->diag, W,
                             "threat \"%s\" is never in force: it starts at step %lld, at or "
                             "after the horizon of %lld steps", t->id, (long long)t->start,
                             (long long)steps);
    }
    for (size_t m = 0; !rc && m < s->nmeasure; m++) {
        const smeasure *me = &s->measures[m];
        if (me->dur == 0)
            rc = hx_diag_add(&s->a, &s->diag, W,
                             "measure \"%s\" is never in force: its duration is 0", me->id);
        else if (me->start >= steps)
            rc = hx_diag_add(&s->a, &s->diag, W,
                             "measure \"%s\" is never in force: it starts at step %lld, at or "
                             "after the horizon of %lld steps", me->id, (long long)me->start,
                             (long long)steps);
    }
    return rc;
}

static int unreachable(hsec_scenario *s)
{
    if (!s->nmeasure)
        return HSEC_OK;
    const hsec_compiled *c = s->c;
    unsigned char *mark = hx_calloc(&s->a, c->n ? c->n : 1, 1);
    /* per measure: bit 1 it has a target, bit 2 one that matters */
    unsigned char *hit = hx_calloc(&s->a, s->nmeasure, 1);
    int rc = HSEC_ENOMEM;
    if (!mark || !hit)
        goto done;
    /* the walk along the links only when a measure other than a shield
     * has a target (a shield asks only what the threats target) */
    for (size_t k = 0; k < s->ntt; k++)
        mark[s->tt[k].at] |= TARGETED;
    bool walk = false;
    for (int eff = 0; eff < HSEC_EFFECT_COUNT && !walk; eff++)
        walk = eff != HSEC_SHIELD && s->nmt[eff] > 0;
    if (walk && reach(s, mark))
        goto done;
    for (int eff = 0; eff < HSEC_EFFECT_COUNT; eff++) {
        for (size_t k = 0; k < s->nmt[eff]; k++) {
            const starget *t = &s->mt[eff][k];
            unsigned char m;
            if (eff == HSEC_DECOUPLE) /* a link matters when its source is reached */
                m = mark[c->col[t->at]] & REACHED;
            else if (eff == HSEC_SHIELD) /* a shield cuts only a threat's own perturbation */
                m = mark[t->at] & TARGETED;
            else
                m = mark[t->at] & REACHED;
            hit[t->who] |= (unsigned char)(1 | (m ? 2 : 0));
        }
    }
    rc = HSEC_OK;
    for (size_t i = 0; !rc && i < s->nmeasure; i++) {
        const smeasure *me = &s->measures[i];
        const char *eff = hsec_enum_name(HSEC_ENUM_EFFECT, me->effect);
        if (!(hit[i] & 1))
            rc = hx_diag_add(&s->a, &s->diag, HSEC_WARN_UNREACHABLE,
                             "measure \"%s\" (%s) has no target", me->id, eff);
        else if (hit[i] & 2)
            continue;
        else if (me->effect == HSEC_DECOUPLE)
            rc = hx_diag_add(&s->a, &s->diag, HSEC_WARN_UNREACHABLE,
                             "measure \"%s\" (decouple) cuts only links from nodes that no "
                             "threat's degradation reaches", me->id);
        else if (me->effect == HSEC_SHIELD)
            rc = hx_diag_add(&s->a, &s->diag, HSEC_WARN_UNREACHABLE,
                             "measure \"%s\" (shield) shields only nodes that no threat "
                             "targets", me->id);
        else
            rc = hx_diag_add(&s->a, &s->diag, HSEC_WARN_UNREACHABLE,
                             "measure \"%s\" (%s) acts only on nodes that no threat's "
                             "degradation reaches through the links", me->id, eff);
    }
done:
    hx_free(&s->a, mark);
    hx_free(&s->a, hit);
    return rc;
}

static int empty_groups(hsec_scenario *s)
{
    const hsec_compiled *c = s->c;
    int rc = HSEC_OK;
    for (size_t u = 0; !rc && u < c->ngroup; u++) { /* in the order added */
        const cgroup *g = &c->groups[c->gnid[u]];
        if (g->size == 0)
            rc = hx_diag_add(&s->a, &s->diag, HSEC_WARN_EMPTY_GROUP,
                             "group \"%s\" has size 0: it counts for nothing in the burden",
                             g->id);
    }
    return rc;
}

int hsec_scenario_diagnose(hsec_scenario *s)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "diagnose: the scenario is NULL");
    s->err[0] = '\0';
    hx_scenario_prepare(s);
    s->diagnosed = false;
    hx_diag_clear(&s->a, &s->diag);
    int rc = never_in_force(s);
    if (!rc)
        rc = unreachable(s);
    if (!rc)
        rc = empty_groups(s);
    if (rc) {
        hx_diag_clear(&s->a, &s->diag);
        hx_setmsg(s->err, "out of memory");
    }
    s->diagnosed = rc == HSEC_OK;
    return rc;
}

size_t hsec_scenario_diagnostic_count(const hsec_scenario *s)
{
    return s ? s->diag.n : 0;
}

int hsec_scenario_diagnostic(hsec_warning *code, const char **message, const hsec_scenario *s,
                             size_t i)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_diagnostic: the scenario is NULL");
    return hx_diag_get(code, message, &s->diag, i, "scenario_diagnostic");
}
