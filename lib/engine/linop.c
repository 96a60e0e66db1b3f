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
    hx_shape shape; /* the blocks, made once for every solve */
    /* with run.threads above 1, a second thread: it makes the shape while
     * A' is assembled, and the first transposed sweep's spectral bound */
    hx_pool *pool;
};

/* The two jobs of an open on two threads (either order on one). */
typedef struct {
    hx_lin *l;
    int rc[2];
} opening;

static void open_job(void *arg, size_t k)
{
    opening *o = arg;
    hx_lin *l = o->l;
    o->rc[k] = k == 0 ? hx_mat_assemble(&l->m, &l->x, false)
                      : hx_shape_new(&l->shape, l->x.a, l->x.c);
}

void hx_lin_close(hx_lin *l)
{
    if (!l)
        return;
    const hsec_allocator *a = l->x.a;
    hx_pool_free(l->pool);
    hx_mat_free(&l->m);
    hx_shape_free(&l->shape, a);
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
    /* A' alone: the solves here take their own right-hand sides. With a
     * second thread, the shape's arrays are allocated here and the second
     * fills them: its own allocations would come from its own arena, fresh
     * pages every call (a quick ranking on two threads faulted 300 pages) */
    opening o = {.l = l};
    if (hx_coeff_open(&l->x, s, mask, -1) ||
        (hx_run_threads(s) > 1 && (hx_pool_new(&l->pool, l->x.a, 2) ||
                                   hx_shape_alloc(&l->shape, l->x.a, l->x.c)))) {
        hx_lin_close(l);
        return HSEC_ENOMEM;
    }
    /* (one thread: the shape when a solve first needs it) */
    hx_pool_run(l->pool, l->pool ? 2 : 1, open_job, &o);
    if (o.rc[0] || o.rc[1]) {
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
    if ((!l->work && !(l->work = hx_alloc(x->a, (x->n ? x->n : 1) * 2 * sizeof *l->work))) ||
        (!l->shape.bs && hx_shape_new(&l->shape, x->a, x->c))) {
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
               .shape = &l->shape, .pool = l->pool,
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
