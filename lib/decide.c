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
