/* Showing the spectral radius of A' below 1, for linear mode. */
#include "engine.h"

#include <math.h>
#include <string.h>

/* Largest column sum of A'. */
static double max_colsum(const hx_mat *m, double *cs)
{
    memset(cs, 0, m->n * sizeof *cs);
    for (size_t i = 0; i < m->n; i++)
        for (size_t e = m->rowp[i]; e < m->rowp[i + 1]; e++)
            cs[m->col[e]] += m->rs[i] * m->val[e];
    double mx = 0;
    for (size_t i = 0; i < m->n; i++)
        mx = cs[i] > mx ? cs[i] : mx;
    return mx;
}

/*
 * Show that the spectral radius of the nonnegative A' is below 1 (or not).
 * Cheap bounds first (the largest row sum, then after one product the
 * largest column sum), then power iteration on
 * I + A' (whose dominant eigenvalue is 1 + rho even when A' is periodic)
 * with Collatz-Wielandt bounds: for x > 0, max_i (A'x)_i / x_i >= rho; for
 * z >= 0, z != 0, with (A'z)_i >= L z_i wherever z_i > 0, rho >= L.
 */
int hx_check_spectral(ctx *x, const hx_mat *m, double *w0, double *w1, char *err)
{
    size_t n = x->n;
    int rc = HSEC_OK;
    if (m->rowmax < 1) /* the largest row sum, found by the assembly */
        return HSEC_OK;
    /* the caller's arrays, when given: memory the call has touched already
     * or will, rather than more fresh pages to clear */
    double *v = w0 ? w0 : hx_calloc(x->a, n, sizeof *v);
    double *y = w0 ? w0 + n : hx_calloc(x->a, n, sizeof *y);
    double *z = w1, *yz = w1 ? w1 + n : NULL;
    if (!v || !y) {
        hx_setmsg(err, "out of memory");
        rc = HSEC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) { /* y = A' 1, the row sums */
        v[i] = 1;
        y[i] = m->rsum[i];
    }
    double upper = m->rowmax, lower = 0;
    /* the inverse exists for bounded runs too (coupling, ranking) */
    bool bounded = x->s->opt[HSEC_OPT_BOUNDED] != 0;
    const char *what = bounded ? "(I - A')^-1" : "linear mode";
    const char *hint = bounded ? "weaken links or vulnerabilities"
                               : "use bounded mode, or weaken links or vulnerabilities";
    for (int it = 1; it <= HX_SPECTRAL_ITERATIONS; it++) {
        if (it % 10 == 0 && hx_canceled(x, (uint64_t)it, HX_SPECTRAL_ITERATIONS)) {
            hx_setmsg(err, "canceled while bounding the spectral radius (iteration %d)", it);
            rc = HSEC_ECANCELED;
            goto done;
        }
        double mx = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] += y[i];
            mx = v[i] > mx ? v[i] : mx;
        }
        for (size_t i = 0; i < n; i++)
            v[i] /= mx;
        hx_mat_apply(m, false, 1, v, y);
        upper = 0;
        for (size_t i = 0; i < n; i++) {
            double r = y[i] / v[i];
            upper = r > upper ? r : upper;
        }
        if (upper < 1)
            goto done;
        if (it == 1 || it % 10 == 0) { /* scratch for the column sums and the lower bound */
            if (!z && (!(z = hx_calloc(x->a, n, sizeof *z)) ||
                       !(yz = hx_calloc(x->a, n, sizeof *yz)))) {
                hx_setmsg(err, "out of memory");
                rc = HSEC_ENOMEM;
                goto done;
            }
        }
        if (it == 1 && max_colsum(m, z) < 1) /* after one product, the column sums */
            goto done;
        if (it % 10 == 0) {
            for (size_t i = 0; i < n; i++)
                z[i] = v[i] >= 1e-3 ? v[i] : 0;
            hx_mat_apply(m, false, 1, z, yz);
            double lo = INFINITY;
            for (size_t i = 0; i < n; i++) {
                if (z[i] > 0) {
                    double r = yz[i] / z[i];
                    lo = r < lo ? r : lo;
                }
            }
            lower = lo > lower ? lo : lower;
            if (lower >= 1) {
                hx_setmsg(err, "%s: the spectral radius of A' is at least %.6g; it must be "
                          "below 1 for %s to exist (%s)", what, lower,
                          bounded ? "the inverse" : "the equilibrium", hint);
                rc = HSEC_ENOCONV;
                goto done;
            }
        }
    }
    hx_setmsg(err, "%s: cannot show that the spectral radius of A' (between %.6g and %.6g) "
              "is below 1 (%s)", what, lower, upper, hint);
    rc = HSEC_ENOCONV;
done:
    if (!w0) {
        hx_free(x->a, v);
        hx_free(x->a, y);
    }
    if (!w1) {
        hx_free(x->a, z);
        hx_free(x->a, yz);
    }
    return rc;
}

