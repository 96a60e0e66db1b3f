/* The operator of doc/model.md §2, for callers who compute with it themselves. */
#include "engine.h"

#include <string.h>

int hsec_scenario_operator(double *weight, double *perturbation, double *recovery,
                           hsec_scenario *s, const unsigned char *mask, size_t mask_len,
                           int64_t step)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "operator: the scenario is NULL");
    s->err[0] = '\0';
    if (!hx_mask_ok(s, "operator", mask, mask_len))
        return HSEC_EINVAL;
    if (step < -1) {
        hx_setmsg(s->err, "operator: step %lld is neither a step >= 0 nor -1 (static)",
                  (long long)step);
        return HSEC_EINVAL;
    }
    hx_scenario_prepare(s);
    const hsec_compiled *c = s->c;
    ctx x;
    if (hx_coeff_open(&x, s, mask, step)) {
        hx_ctx_free(&x);
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    const size_t H = s->nthreat;
    /* computed inside, then handed out as the API numbers nodes and links */
    double *wi = weight ? hx_alloc(x.a, (c->nnz ? c->nnz : 1) * sizeof *wi) : NULL;
    size_t *byuser = weight ? hx_alloc(x.a, (c->nnz ? c->nnz : 1) * sizeof *byuser) : NULL;
    if (weight && (!wi || !byuser || hx_link_order(c, byuser, NULL))) {
        hx_free(x.a, wi);
        hx_free(x.a, byuser);
        hx_ctx_free(&x);
        hx_setmsg(s->err, "out of memory");
        return HSEC_ENOMEM;
    }
    if (perturbation)
        memset(perturbation, 0, x.n * H * sizeof *perturbation);
    walk w = {0};
    for (size_t i = 0; i < x.n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        walk w0 = w; /* the row's links once for v_i(t), once to write them */
        double vt, pass, k;
        for (size_t e = e0; e < e1; e++)
            hx_link_pass(&x, &w, e);
        hx_node_coeffs(&x, &w, i, &vt, &pass, &k);
        if (weight)
            for (size_t e = e0; e < e1; e++)
                wi[e] = vt * (c->w[e] * hx_link_pass(&x, &w0, e));
        size_t u = c->uid[i];
        for (; w.tt < s->ntt && s->tt[w.tt].at == i; w.tt++)
            if (perturbation)
                perturbation[u * H + s->tt[w.tt].who] =
                    vt * pass * (x.thr[s->tt[w.tt].who] * s->tt[w.tt].mag);
        if (recovery)
            recovery[u] = x.dynamic ? k : 1;
    }
    for (size_t e = 0; weight && e < c->nnz; e++)
        weight[e] = wi[byuser[e]];
    hx_free(x.a, wi);
    hx_free(x.a, byuser);
    hx_ctx_free(&x);
    return HSEC_OK;
}

int hsec_scenario_onset_rates(double *out, size_t count, const hsec_scenario *s)
{
    if (!out || !s)
        return hx_fail(HSEC_EINVAL, "onset_rates: %s is NULL", out ? "the scenario" : "out");
    if (count != s->c->n)
        return hx_fail(HSEC_EINVAL, "onset_rates: count %zu is not the node count %zu", count,
                       s->c->n);
    double *tmp = hx_alloc(&s->a, (count ? count : 1) * sizeof *tmp);
    if (!tmp)
        return hx_fail(HSEC_ENOMEM, "onset_rates: out of memory");
    hx_recovery_rates(s, out); /* the node's own rates, then the onsets given */
    hx_onset_rates(s, out, out);
    hx_nodes_to_api(s->c, out, tmp);
    hx_free(&s->a, tmp);
    return HSEC_OK;
}
