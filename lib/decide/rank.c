/* Where to protect and how coupled the system is (doc/decisions.md), on
 * the engine's linear operator. */
#include "engine.h"

#include <math.h>
#include <string.h>

#define FAIL(code, ...) HX_FAIL_DONE(s->err, code, __VA_ARGS__)

int hsec_scenario_rank(double *out, size_t count, hsec_scenario *s)
{
    return hsec_scenario_rank_with(out, count, s, NULL, 0);
}

int hsec_scenario_rank_with(double *out, size_t count, hsec_scenario *s,
                            const unsigned char *mask, size_t mask_len)
{
    if (!out || !s)
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "rank: %s is NULL",
                          out ? "the scenario" : "out");
    s->err[0] = '\0';
    if (!hx_mask_ok(s, "rank", mask, mask_len))
        return HSEC_EINVAL;
    if (count != s->c->n) {
        hx_setmsg(s->err, "rank: count %zu is not the node count %zu", count, s->c->n);
        return HSEC_EINVAL;
    }
    const hsec_compiled *c = s->c;
    hx_lin *l = NULL;
    double *b = hx_calloc(&s->a, c->n, sizeof *b);
    int rc = HSEC_OK;
    if (!b || hx_lin_open_with(&l, s, mask))
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t g = 0; g < c->ngroup; g++)
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            b[c->groups[g].node + (size_t)d] = c->groups[g].size * c->groups[g].w[d];
    if (!(rc = hx_lin_solve(l, true, b, out)))
        hx_nodes_to_api(c, out, b);
done:
    hx_lin_close(l);
    hx_free(&s->a, b);
    return rc;
}

int hsec_scenario_coupling(double *dependency, double *influence, double *overall_dependency,
                           double *overall_influence, size_t count, hsec_scenario *s)
{
    return hsec_scenario_coupling_with(dependency, influence, overall_dependency,
                                       overall_influence, count, s, NULL, 0);
}

int hsec_scenario_coupling_with(double *dependency, double *influence,
                                double *overall_dependency, double *overall_influence,
                                size_t count, hsec_scenario *s, const unsigned char *mask,
                                size_t mask_len)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "coupling: the scenario is NULL");
    s->err[0] = '\0';
    if (!hx_mask_ok(s, "coupling", mask, mask_len))
        return HSEC_EINVAL;
    if (count != s->c->n) {
        hx_setmsg(s->err, "coupling: count %zu is not the node count %zu", count, s->c->n);
        return HSEC_EINVAL;
    }
    size_t n = count;
    double denom = n > 1 ? (double)(n - 1) : 1;
    hx_lin *l = NULL;
    double *one = hx_calloc(&s->a, n, sizeof *one), *tmp = hx_calloc(&s->a, n, sizeof *tmp);
    double *diag = hx_calloc(&s->a, n, sizeof *diag), *e = hx_calloc(&s->a, n, sizeof *e);
    int rc = HSEC_OK;
    if (!one || !tmp || !diag || !e || hx_lin_open_with(&l, s, mask))
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        one[i] = 1;
    if (dependency || influence) { /* the diagonal a'_ii, one unit vector at a time */
        for (size_t i = 0; i < n; i++) {
            if (hx_find_link(s->c, (uint32_t)i, (uint32_t)i) == (size_t)-1)
                continue; /* no self-link */
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
        hx_nodes_to_api(s->c, dependency, tmp);
    }
    if (influence) {
        hx_lin_apply(l, true, one, tmp);
        for (size_t i = 0; i < n; i++)
            influence[i] = (tmp[i] - diag[i]) / denom;
        hx_nodes_to_api(s->c, influence, tmp);
    }
    if (overall_dependency) {
        if ((rc = hx_lin_solve(l, false, one, tmp)))
            goto done;
        for (size_t i = 0; i < n; i++)
            overall_dependency[i] = (tmp[i] - 1) / denom;
        hx_nodes_to_api(s->c, overall_dependency, tmp);
    }
    if (overall_influence) {
        if ((rc = hx_lin_solve(l, true, one, tmp)))
            goto done;
        for (size_t i = 0; i < n; i++)
            overall_influence[i] = (tmp[i] - 1) / denom;
        hx_nodes_to_api(s->c, overall_influence, tmp);
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
        return hx_fail_on(s ? s->err : NULL, HSEC_EINVAL, "interdependency: %s is NULL",
                          out ? "the scenario" : "out");
    s->err[0] = '\0';
    int rc = HSEC_OK;
    hx_lin *l = NULL;
    double *v = NULL, *w = NULL;
    if (i >= s->c->n || j >= s->c->n || n == 0 || n > HX_MAX_ORDER)
        FAIL(HSEC_EINVAL, "interdependency: nodes %zu, %zu of %zu, order %u (1 to %u)", i, j,
             s->c->n, n, (unsigned)HX_MAX_ORDER);
    v = hx_calloc(&s->a, s->c->n, sizeof *v);
    w = hx_calloc(&s->a, s->c->n, sizeof *w);
    if (!v || !w || hx_lin_open(&l, s))
        FAIL(HSEC_ENOMEM, "out of memory");
    v[s->c->nid[j]] = 1; /* column j of A'^n */
    for (unsigned k = 0; k < n; k++) {
        if (s->progress && s->progress(s->progress_user, k, n))
            FAIL(HSEC_ECANCELED, "interdependency: canceled at power %u of %u", k, n);
        hx_lin_apply(l, false, v, w);
        double *t = v;
        v = w;
        w = t;
    }
    *out = v[s->c->nid[i]];
done:
    hx_lin_close(l);
    hx_free(&s->a, v);
    hx_free(&s->a, w);
    return rc;
}

/* Does node a rank before node b: a larger marginal burden, NaN last, ties
 * to the lower index? */
static bool before(const double *u, size_t a, size_t b)
{
    double x = u[a], y = u[b];
    if (x != y && (x == x || y == y)) /* they differ, and not both NaN */
        return y != y || x > y;
    return a < b;
}

/* Heap sort on indices: no allocation, and the order is total, so the
 * result does not depend on the algorithm. */
static void sift(size_t *o, size_t i, size_t n, const double *u)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            return;
        if (c + 1 < n && before(u, o[c], o[c + 1]))
            c++;
        if (!before(u, o[i], o[c]))
            return;
        size_t t = o[i];
        o[i] = o[c];
        o[c] = t;
        i = c;
    }
}

int hsec_rank_order(size_t *order, const double *marginal, size_t count)
{
    if (!order || (!marginal && count))
        return hx_fail(HSEC_EINVAL, "rank_order: %s is NULL", order ? "marginal" : "order");
    for (size_t i = 0; i < count; i++)
        order[i] = i;
    /* a max-heap of "ranks later", so the ones ranked first end at the front */
    for (size_t i = count / 2; i-- > 0;)
        sift(order, i, count, marginal);
    for (size_t n = count; n > 1; n--) {
        size_t t = order[0];
        order[0] = order[n - 1];
        order[n - 1] = t;
        sift(order, 0, n - 1, marginal);
    }
    return HSEC_OK;
}
