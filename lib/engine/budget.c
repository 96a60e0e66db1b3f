/* The memory a run takes, known before it allocates, against the
 * scenario's memory limit. */
#include "engine.h"

#include <stdio.h>

uint64_t hx_ring_depth(uint32_t lag, uint64_t steps)
{
    return (lag < steps ? lag : steps) + 2;
}

void hx_run_size(hx_size *z, const hsec_scenario *s)
{
    const hsec_compiled *c = s->c;
    bool dynamic = s->opt[HSEC_OPT_MODE] == HSEC_MODE_DYNAMIC;
    uint64_t steps = dynamic ? (uint64_t)s->opt[HSEC_OPT_STEPS] : 0;
    uint64_t H = s->nthreat, S = H + 1, P = 4 + S, G = 3 + S; /* S: with an initial part */
    /* the state, twice in a dynamic run; recovery and onset rates (onset
     * rates of their own when some node's is given) */
    uint64_t rates = (c->tau ? 1 : 0) + (dynamic && (c->ko || c->tauo) ? 1 : 0);
    uint64_t b = hx_mul_add(c->n, ((dynamic ? 2 : 1) * P + rates) * sizeof(double), 0);
    /* the lag ring, for the sources of lagged links */
    uint64_t ring = 0;
    if (dynamic && c->maxlag) { /* each class as deep as its lag; the lagged links */
        ring = hx_mul_add(c->nlagged, sizeof(hx_lagged),
                          hx_mul_add(c->ndepth, sizeof(hx_rclass), 0));
        for (size_t k = 0; k < c->ndepth; k++)
            ring = hx_mul_add(hx_mul_add(hx_ring_depth(c->depth[k].lag, steps),
                                         c->depth[k].count, 0),
                              G * sizeof(double), ring);
    }
    b = hx_mul_add(1, ring, b);
    /* a static solve: A' (its rows' factors and sums; its values copied
     * only when decouple measures cut links), the right-hand sides and
     * solutions of the total and each threat's part, the orders' products
     * (an upper bound: a linear run solves the parts alone), the changes a
     * likely last sweep keeps for its residual, and a slow linear solve's
     * BiCGSTAB (ten vectors and its sweep's blocks: solve.c) */
    if (!dynamic)
        b = hx_mul_add(s->nmt[HSEC_DECOUPLE] > 0 ? c->nnz : 0, sizeof(double),
                       hx_mul_add(c->n, (2 * (1 + H) + H + 9 + 11) * sizeof(double), b));
    /* the result: totals and orders per node, figures per group (and a
     * dynamic run's peak index and step per group as it goes), threat
     * shares, and the recorded series */
    uint64_t before = b;
    /* (in a dynamic run, totals and orders take over the spare state) */
    uint64_t spare = dynamic ? hx_mul_add(c->n, P * sizeof(double), 0) : 0;
    if (!dynamic)
        b = hx_mul_add(c->n, (1 + HSEC_ORDER_COUNT) * sizeof(double), b);
    b = hx_mul_add(c->ngroup,
                   (dynamic ? sizeof(gfig) + sizeof(double) + sizeof(uint32_t) : 0) +
                       (1 + 2 + (H ? H : 1)) * sizeof(double) +
                       HSEC_DIM_COUNT * sizeof(int32_t), b);
    b = hx_mul_add(H + c->nregion + s->nmeasure, 2 * sizeof(double), b);
    uint64_t series = dynamic ? hx_mul_add(s->nrec, hx_mul_add(steps, 1, 1), 0) : 0;
    z->series = hx_mul_add(series, sizeof(double), 0);
    b = hx_mul_add(1, z->series, b);
    z->result = hx_mul_add(1, spare, b - before);
    /* the diagnosis's reachability pass */
    b = hx_mul_add(hx_mul_add(c->n, 3, c->nnz + 1), sizeof(size_t), b);
    z->run = b;
    z->ring = ring;
    z->fixed = hx_scenario_bytes(s);
    z->held = "the model and the targets";
}

/* b bytes in the unit that reads best. */
static void show(char *buf, size_t size, uint64_t b)
{
    double x = (double)b;
    if (b < 1024)
        snprintf(buf, size, "%llu bytes", (unsigned long long)b);
    else if (b < (1u << 20))
        snprintf(buf, size, "%.1f KiB", x / 1024);
    else if (b < (1u << 30))
        snprintf(buf, size, "%.1f MiB", x / 1048576);
    else
        snprintf(buf, size, "%.2f GiB", x / 1073741824);
}

int hx_run_fits(const hsec_scenario *s, const hx_size *z, uint64_t runs, const char *what,
                char *err)
{
    uint64_t lim = hx_memlimit(s);
    uint64_t total = hx_mul_add(z->run, runs, z->fixed);
    if (total <= lim)
        return HSEC_OK;
    char why[160] = "", all[32], fixed[32], one[32], part[32], limit[32];
    if (z->series > z->run / 2) {
        show(part, sizeof part, z->series);
        snprintf(why, sizeof why, "; %zu recorded series of %.17g steps take %s of it",
                 s->nrec, s->opt[HSEC_OPT_STEPS] + 1, part);
    } else if (z->ring > z->run / 2) {
        show(part, sizeof part, z->ring);
        snprintf(why, sizeof why, "; the history of lagged links (lags up to %u steps) "
                 "takes %s of it", (unsigned)s->c->maxlag, part);
    } else if (s->nthreat > 64) {
        snprintf(why, sizeof why, "; each of the %zu nodes keeps a part per threat (%zu "
                 "threats)", s->c->n, s->nthreat);
    }
    show(all, sizeof all, total);
    show(fixed, sizeof fixed, z->fixed);
    show(one, sizeof one, z->run);
    show(limit, sizeof limit, lim);
    hx_setmsg(err,
              "%s would take about %s (%llu bytes): %s held throughout (%s), %llu run%s at "
              "once of %s each%s; more than the memory limit of %s (%llu bytes, "
              "HSEC_LIMIT_MEMORY)",
              what, all, (unsigned long long)total, fixed, z->held, (unsigned long long)runs,
              runs == 1 ? "" : "s", one, why, limit, (unsigned long long)lim);
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
