/* The memory a run takes, known before it allocates, against the
 * scenario's memory limit. */
#include "engine.h"

#include <stdio.h>

uint64_t hx_ring_slots(const hsec_compiled *c, uint64_t steps)
{
    /* a link of lag L >= steps only ever reads the initial state, as a
     * link of lag `steps` does: the ring never needs more than steps + 1 */
    uint64_t lag = c->maxlag < steps ? c->maxlag : steps;
    return lag + 1;
}

void hx_run_size(hx_size *z, const hsec_scenario *s)
{
    const hsec_compiled *c = s->c;
    bool dynamic = s->opt[HSEC_OPT_MODE] == HSEC_MODE_DYNAMIC;
    uint64_t steps = dynamic ? (uint64_t)s->opt[HSEC_OPT_STEPS] : 0;
    uint64_t H = s->nthreat, S = H + 1, P = 4 + S, G = 3 + S; /* S: with an initial part */
    /* state, two gather vectors, recovery and onset rates */
    uint64_t b = hx_mul_add(c->n, (P + 2 * G + 2) * sizeof(double), 0);
    /* the lag ring, for the sources of lagged links */
    uint64_t ring = 0;
    if (dynamic && c->maxlag)
        ring = hx_mul_add(hx_mul_add(hx_ring_slots(c, steps), c->nlagsrc, 0), G * sizeof(double),
                          0);
    b = hx_mul_add(1, ring, b);
    /* the result: totals and orders per node, figures per group, threat
     * shares, and the recorded series */
    b = hx_mul_add(c->n, (1 + HSEC_ORDER_COUNT) * sizeof(double), b);
    b = hx_mul_add(c->ngroup,
                   2 * sizeof(gfig) + (1 + HSEC_DIM_COUNT + 2 + (H ? H : 1)) * sizeof(double), b);
    b = hx_mul_add(H + c->nregion + s->nmeasure, 2 * sizeof(double), b);
    uint64_t series = dynamic ? hx_mul_add(s->nrec, hx_mul_add(steps, 1, 1), 0) : 0;
    z->series = hx_mul_add(series, sizeof(double), 0);
    b = hx_mul_add(1, z->series, b);
    /* the diagnosis's reachability pass */
    b = hx_mul_add(hx_mul_add(c->n, 3, c->nnz + 1), sizeof(size_t), b);
    z->run = b;
    z->ring = ring;
    z->fixed = hx_scenario_bytes(s);
}

static double mib(uint64_t b)
{
    return (double)b / 1048576.0;
}

int hx_run_fits(const hsec_scenario *s, const hx_size *z, uint64_t runs, const char *what,
                char *err)
{
    uint64_t lim = hx_memlimit(s);
    uint64_t total = hx_mul_add(z->run, runs, z->fixed);
    if (total <= lim)
        return HSEC_OK;
    char why[160] = "";
    if (z->series > z->run / 2)
        snprintf(why, sizeof why, "; %zu recorded series of %.17g steps take %.0f MiB of it",
                 s->nrec, s->opt[HSEC_OPT_STEPS] + 1, mib(z->series));
    else if (z->ring > z->run / 2)
        snprintf(why, sizeof why, "; the history of lagged links (lags up to %u steps) takes "
                 "%.0f MiB of it", (unsigned)s->c->maxlag, mib(z->ring));
    else if (s->nthreat > 64)
        snprintf(why, sizeof why, "; each of the %zu nodes keeps a part per threat (%zu threats)",
                 s->c->n, s->nthreat);
    hx_setmsg(err,
              "%s would take about %llu bytes (%.0f MiB: the model and targets %.0f MiB, "
              "%llu run%s of %.0f MiB each%s), more than the memory limit of %llu bytes "
              "(HSEC_LIMIT_MEMORY)",
              what, (unsigned long long)total, mib(total), mib(z->fixed),
              (unsigned long long)runs, runs == 1 ? "" : "s", mib(z->run), why,
              (unsigned long long)lim);
    return HSEC_ELIMIT;
}

int hsec_scenario_memory(uint64_t *bytes, const hsec_scenario *s)
{
    if (!bytes || !s)
        return hx_fail(HSEC_EINVAL, "scenario_memory: %s is NULL",
                       bytes ? "the scenario" : "bytes");
    hx_size z;
    hx_run_size(&z, s);
    *bytes = hx_mul_add(1, z.run, z.fixed);
    char msg[HSEC_ERRMSG_MAX];
    int rc = hx_run_fits(s, &z, 1, "a run", msg);
    return rc ? hx_fail(rc, "%s", msg) : HSEC_OK;
}
