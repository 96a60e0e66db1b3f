/* A' as a linear operator on node vectors (ranking and coupling). */
#include "engine.h"

#include <math.h>
#include <string.h>

struct hx_lin {
    ctx x;
    hsec_scenario *s;
    bool checked;
};

void hx_lin_close(hx_lin *l)
{
    if (!l)
        return;
    const hsec_allocator *a = l->x.a;
    hx_ctx_free(&l->x);
    hx_free(a, l);
}

int hx_lin_open(hx_lin **out, hsec_scenario *s)
{
    return hx_lin_open_with(out, s, NULL);
}

int hx_lin_open_with(hx_lin **out, hsec_scenario *s, const unsigned char *mask)
{
    *out = NULL;
    hx_scenario_prepare(s);
    hx_lin *l = hx_calloc(&s->a, 1, sizeof *l);
    if (!l)
        return HSEC_ENOMEM;
    l->s = s;
    if (hx_coeff_open(&l->x, s, mask, -1)) {
        hx_lin_close(l);
        return HSEC_ENOMEM;
    }
    l->x.fn = s->progress; /* long solves report and may be canceled */
    l->x.user = s->progress_user;
    *out = l;
    return HSEC_OK;
}

void hx_lin_apply(const hx_lin *l, bool transpose, const double *in, double *out)
{
    const ctx *x = &l->x;
    const hsec_compiled *c = x->c;
    if (!transpose) {
        hx_matvec(x, in, out);
        return;
    }
    walk w = {0};
    memset(out, 0, x->n * sizeof *out);
    for (size_t i = 0; i < x->n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        walk w0 = w; /* the row's links once for v_i(t), once to scatter */
        double vt, pass, k;
        for (size_t e = e0; e < e1; e++)
            hx_link_pass(x, &w, e);
        hx_node_coeffs(x, &w, i, &vt, &pass, &k);
        for (size_t e = e0; e < e1; e++)
            out[c->col[e]] += vt * x->w[e] * hx_link_pass(x, &w0, e) * in[i];
    }
}

int hx_lin_solve(hx_lin *l, bool transpose, const double *b, double *xv)
{
    ctx *x = &l->x;
    hsec_scenario *s = l->s;
    int rc;
    if (!l->checked) {
        if ((rc = hx_check_spectral(x, s->err)))
            return rc;
        l->checked = true;
    }
    double *y = hx_calloc(x->a, x->n, sizeof *y);
    if (!y) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    double bmax = 0;
    for (size_t i = 0; i < x->n; i++) {
        xv[i] = b[i];
        bmax = fabs(b[i]) > bmax ? fabs(b[i]) : bmax;
    }
    /* Jacobi: x <- b + M x; the change of a sweep is its residual */
    uint64_t cap = (uint64_t)s->opt[HSEC_OPT_MAX_ITERATIONS], it = 0;
    double ch = INFINITY, tol = HX_TOL_LINEAR * bmax;
    while (ch > tol && it++ < cap) {
        if (hx_canceled(x, it - 1, cap)) {
            hx_free(x->a, y);
            hx_setmsg(s->err, "canceled at iteration %llu of a linear solve",
                      (unsigned long long)(it - 1));
            return HSEC_ECANCELED;
        }
        hx_lin_apply(l, transpose, xv, y);
        ch = 0;
        for (size_t i = 0; i < x->n; i++) {
            double nx = b[i] + y[i];
            double d = fabs(nx - xv[i]);
            ch = d > ch ? d : ch;
            xv[i] = nx;
        }
    }
    hx_free(x->a, y);
    if (ch > tol) {
        hx_setmsg(s->err, "linear solve: no convergence in %llu iterations (change %g; raise "
                  "run.max_iterations)", (unsigned long long)cap, ch);
        return HSEC_ENOCONV;
    }
    return HSEC_OK;
}

