/* A' as a linear operator on node vectors (ranking and coupling). */
#include "engine.h"

#include <float.h>
#include <math.h>
#include <string.h>

struct hx_lin {
    ctx x;
    hsec_scenario *s;
    hx_mat m; /* A' assembled once */
    bool checked;
    /* 2 n doubles: the spectral check's, then each transposed solve's
     * sums (one block of fresh pages where each would take its own) */
    double *work;
};

void hx_lin_close(hx_lin *l)
{
    if (!l)
        return;
    const hsec_allocator *a = l->x.a;
    hx_mat_free(&l->m);
    hx_free(a, l->work);
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
    /* A' alone: the solves here take their own right-hand sides */
    if (hx_coeff_open(&l->x, s, mask, -1) || hx_mat_assemble(&l->m, &l->x, false)) {
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
    hx_mat_apply(&l->m, transpose, 1, in, out);
}

/* (I - A') x = b or (I - A'^T) x = b by Gauss-Seidel (solve.c), from 0. */
int hx_lin_solve(hx_lin *l, bool transpose, const double *b, double *xv)
{
    ctx *x = &l->x;
    hsec_scenario *s = l->s;
    int rc;
    if (!l->work && !(l->work = hx_alloc(x->a, (x->n ? x->n : 1) * 2 * sizeof *l->work))) {
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    /* the spectral radius shown below 1 once per operator: a transposed
     * solve shows it with its first sweep (solve.c) */
    if (!l->checked && !transpose) {
        if ((rc = hx_check_spectral(x, &l->m, l->work, NULL, s->err)))
            return rc;
        l->checked = true;
    }
    double bmax = 0;
    for (size_t i = 0; i < x->n; i++) {
        xv[i] = 0;
        bmax = fabs(b[i]) > bmax ? fabs(b[i]) : bmax;
    }
    double tol = HX_TOL_LINEAR * bmax;
    if (!(tol > DBL_MIN))
        tol = DBL_MIN;
    hx_gs g = {.m = &l->m, .transpose = transpose, .W = 1, .rhs = b, .tol = &tol,
               .exact = true, .krylov = !transpose, .work = l->work,
               .cap = (uint64_t)s->opt[HSEC_OPT_MAX_ITERATIONS], .what = "a linear solve",
               .spectral = !l->checked, .scx = x};
    rc = hx_gs_solve(&g, xv, x, s->err);
    if (!rc)
        l->checked = true;
    if (rc == HSEC_ENOCONV && g.iterations >= g.cap && !g.unshown)
        hx_setmsg(s->err, "linear solve: no convergence in %llu iterations (change %g; raise "
                  "run.max_iterations)", (unsigned long long)g.cap, g.change);
    return rc;
}
