/* The conversions planners calibrate with (doc/decisions.md): expert
 * scores to link weights, recovery times to rates. */
#include "model.h"

#include <math.h>

int hsec_weight_from_score(double *out, double score, double alpha, double beta)
{
    if (!out)
        return hx_fail(HSEC_EINVAL, "weight_from_score: out is NULL");
    if (!(score >= 0) || !isfinite(score) || !(alpha >= 0) || !isfinite(alpha) ||
        !isfinite(beta))
        return hx_fail(HSEC_EINVAL, "weight_from_score: score %g, alpha %g, beta %g: the score "
                       "and alpha must be finite numbers >= 0, beta finite", score, alpha, beta);
    double a = alpha * pow(score, beta);
    if (!(a >= 0 && a <= 1))
        return hx_fail(HSEC_EINVAL, "weight_from_score: %g x %g^%g = %g is not a weight in [0,1]",
                       alpha, score, beta, a);
    *out = a;
    return HSEC_OK;
}

int hsec_weight_from_scale(double *out, double score, int points)
{
    if (points == 5 && score <= 5)
        return hsec_weight_from_score(out, score, 0.008, 2.5693);
    if (points == 4 && score <= 4)
        return hsec_weight_from_score(out, score, 0.01, 2.8219);
    return hx_fail(HSEC_EINVAL, "weight_from_scale: score %g on a %d-point scale (4 or 5 points, "
                   "score at most the points)", score, points);
}

int hsec_recovery_rate(double *out, double tau, double lambda, double self_weight)
{
    if (!out)
        return hx_fail(HSEC_EINVAL, "recovery_rate: out is NULL");
    if (!(tau > 0) || !isfinite(tau) || !(lambda > 0 && lambda < 1) ||
        !(self_weight >= 0 && self_weight <= 1))
        return hx_fail(HSEC_EINVAL, "recovery_rate: tau %g (finite > 0), lambda %g (in (0,1)), "
                       "self weight %g (in [0,1])", tau, lambda, self_weight);
    double denom = tau * (1 - self_weight), num = -log(lambda);
    *out = denom > 0 && num < denom ? num / denom : 1;
    return HSEC_OK;
}
