/* Run options (one table: range, default, whole or not, document key),
 * and the other settings of how a scenario is run. */
#include "scenario.h"

#include <math.h>
#include <string.h>

#define FAIL(code, ...)                   \
    do {                                  \
        hx_setmsg(s->err, __VA_ARGS__);   \
        return (code);                    \
    } while (0)

typedef struct option_info {
    const char *key; /* its place in a scenario document */
    double lo, hi, dflt;
    bool whole;
} option_info;

static const option_info options[HSEC_OPTION_COUNT] = {
    [HSEC_OPT_MODE] = {"run.mode", 0, 1, HSEC_MODE_STATIC, true},
    [HSEC_OPT_STEPS] = {"run.steps", 1, HX_MAX_STEPS, 0, true},
    [HSEC_OPT_BOUNDED] = {"run.bounded", 0, 1, 1, true},
    [HSEC_OPT_BAND_SHORT] = {"run.bands[0]", 1, HX_MAX_STEPS, 7, true},
    [HSEC_OPT_BAND_MEDIUM] = {"run.bands[1]", 1, HX_MAX_STEPS, 90, true},
    [HSEC_OPT_RECOVERY_LAMBDA] = {"run.recovery_lambda", 1e-300, 1 - 1e-16, 0.01, false},
    [HSEC_OPT_SEED] = {"run.seed", 0, 9007199254740992.0, 0, true},
    [HSEC_OPT_MAX_ITERATIONS] = {"run.max_iterations", 1, 1e9, 100000, true},
    [HSEC_OPT_CRITICAL_SHARE] = {"run.critical_share", 0, 1, HX_CRITICAL_SHARE_DEFAULT, false},
    [HSEC_OPT_PERVASIVE_SHARE] = {"run.pervasive_share", 0, 1, 0.25, false},
    [HSEC_OPT_AF_CUTOFF] = {"run.deprivation_cutoff", 0, 1, HX_AF_CUTOFF_DEFAULT, false},
    [HSEC_OPT_AF_K] = {"run.score_cutoff", 0, 1, HX_AF_K_DEFAULT, false},
    [HSEC_OPT_MEMBERS] = {"uncertainty.members", 1, 1e9, 100, true},
    [HSEC_OPT_THREADS] = {"uncertainty.threads", 0, HX_MAX_THREADS, 0, true},
    [HSEC_OPT_RUN_THREADS] = {"run.threads", 0, HX_MAX_THREADS, 1, true},
};

/* The option's entry, or NULL (with the thread's message) when unknown. */
static const option_info *info(hsec_option opt)
{
    if ((int)opt < 0 || (int)opt >= HSEC_OPTION_COUNT) {
        hx_fail(HSEC_EINVAL, "run option %d is unknown", (int)opt);
        return NULL;
    }
    return &options[opt];
}

void hx_option_defaults(double opt[HSEC_OPTION_COUNT])
{
    for (int o = 0; o < HSEC_OPTION_COUNT; o++)
        opt[o] = options[o].dflt;
}

int hsec_option_bounds(double *lo, double *hi, hsec_option opt)
{
    const option_info *o = info(opt);
    if (!o)
        return HSEC_EINVAL; /* info() said why */
    if (lo)
        *lo = o->lo;
    if (hi)
        *hi = o->hi;
    return HSEC_OK;
}

int hsec_option_default(double *out, hsec_option opt)
{
    const option_info *o = info(opt);
    if (!o || !out)
        return o ? hx_fail(HSEC_EINVAL, "option_default: out is NULL") : HSEC_EINVAL;
    *out = o->dflt;
    return HSEC_OK;
}

int hsec_option_whole(int *out, hsec_option opt)
{
    const option_info *o = info(opt);
    if (!o || !out)
        return o ? hx_fail(HSEC_EINVAL, "option_whole: out is NULL") : HSEC_EINVAL;
    *out = o->whole;
    return HSEC_OK;
}

const char *hsec_option_key(hsec_option opt)
{
    return (int)opt >= 0 && (int)opt < HSEC_OPTION_COUNT ? options[opt].key : NULL;
}

int hsec_scenario_set_option(hsec_scenario *s, hsec_option opt, double value)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "set_option: the scenario is NULL");
    if (opt == HSEC_OPT_MODE || opt == HSEC_OPT_STEPS)
        hx_changed(s); /* the options the warnings read (diagnose.c) */
    else
        hx_restamp(s);
    if ((int)opt < 0 || (int)opt >= HSEC_OPTION_COUNT)
        FAIL(HSEC_EINVAL, "run option %d is unknown", (int)opt);
    const option_info *o = &options[opt];
    if (!(value >= o->lo && value <= o->hi) || (o->whole && floor(value) != value)) {
        if (o->whole)
            FAIL(HSEC_EINVAL, "%s: %.17g is not a whole number in [%.0f,%.0f]", o->key, value,
                 o->lo, o->hi);
        FAIL(HSEC_EINVAL, "%s: %.17g is not in %s", o->key, value,
             opt == HSEC_OPT_RECOVERY_LAMBDA ? "(0,1) (from 1e-300 to 1 - 1e-16)" : "[0,1]");
    }
    s->opt[opt] = value;
    return HSEC_OK;
}

int hsec_scenario_get_option(double *out, const hsec_scenario *s, hsec_option opt)
{
    if (!out || !s)
        return hx_fail(HSEC_EINVAL, "get_option: %s is NULL", out ? "the scenario" : "out");
    if (!info(opt))
        return HSEC_EINVAL;
    *out = s->opt[opt];
    return HSEC_OK;
}

int hsec_scenario_set_step_unit(hsec_scenario *s, const char *unit)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_step_unit: the scenario is NULL");
    hx_restamp(s);
    if (!hx_valid_id(unit))
        FAIL(HSEC_EINVAL, "run.step_unit \"%s\" is not [A-Za-z0-9_:-]{1,64}", hx_show(unit));
    strcpy(s->unit, unit);
    return HSEC_OK;
}

const char *hsec_scenario_step_unit(const hsec_scenario *s)
{
    return s ? s->unit : NULL;
}

int hsec_scenario_set_quantiles(hsec_scenario *s, const double *qs, size_t count)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_quantiles: the scenario is NULL");
    hx_restamp(s);
    if (!qs || count == 0 || count > HX_MAX_QUANTILES)
        FAIL(HSEC_EINVAL, "uncertainty.quantiles: %zu values (1 to %d)", qs ? count : 0,
             HX_MAX_QUANTILES);
    for (size_t i = 0; i < count; i++)
        if (!(qs[i] >= 0 && qs[i] <= 1))
            FAIL(HSEC_EINVAL, "uncertainty.quantiles[%zu]: %g is not in [0,1]", i, qs[i]);
    memcpy(s->qs, qs, count * sizeof *qs);
    s->nqs = count;
    return HSEC_OK;
}

const double *hsec_scenario_quantiles(const hsec_scenario *s, size_t *count)
{
    if (count)
        *count = s ? s->nqs : 0;
    return s ? s->qs : NULL;
}

int hsec_scenario_set_progress(hsec_scenario *s, hsec_progress_fn fn, void *user)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_progress: the scenario is NULL");
    s->progress = fn;
    s->progress_user = user;
    return HSEC_OK;
}


static const char *const uncertain_keys[HSEC_UNCERTAIN_COUNT] = {
    [HSEC_UNCERTAIN_WEIGHTS] = "weights",
    [HSEC_UNCERTAIN_MAGNITUDES] = "magnitudes",
    [HSEC_UNCERTAIN_RECOVERY] = "recovery",
};

int hsec_scenario_set_uncertainty(hsec_scenario *s, hsec_uncertain what, double low,
                                  double mode, double high)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_uncertainty: the scenario is NULL");
    hx_restamp(s);
    if ((int)what < 0 || (int)what >= HSEC_UNCERTAIN_COUNT) {
        hx_setmsg(s->err, "uncertainty: kind %d is unknown", (int)what);
        return HSEC_EINVAL;
    }
    if (!(low >= 0 && low <= mode && mode <= high && isfinite(high))) {
        hx_setmsg(s->err, "uncertainty.%s: the range (low %g, mode %g, high %g) is not "
                  "0 <= low <= mode <= high, finite", uncertain_keys[what], low, mode, high);
        return HSEC_EINVAL;
    }
    s->unc[what][0] = low;
    s->unc[what][1] = mode;
    s->unc[what][2] = high;
    return HSEC_OK;
}

int hsec_scenario_get_uncertainty(double *low, double *mode, double *high,
                                  const hsec_scenario *s, hsec_uncertain what)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "get_uncertainty: the scenario is NULL");
    if ((int)what < 0 || (int)what >= HSEC_UNCERTAIN_COUNT)
        return hx_fail(HSEC_EINVAL, "uncertainty: kind %d is unknown", (int)what);
    if (low)
        *low = s->unc[what][0];
    if (mode)
        *mode = s->unc[what][1];
    if (high)
        *high = s->unc[what][2];
    return HSEC_OK;
}

bool hx_mask_ok(hsec_scenario *s, const char *what, const unsigned char *mask, size_t mask_len)
{
    if (!mask || mask_len == s->nmeasure)
        return true;
    hx_setmsg(s->err, "%s: the mask holds %zu bytes, not one for each of the %zu measures", what,
              mask_len, s->nmeasure);
    return false;
}

/* ---- the memory limit */

uint64_t hx_memlimit(const hsec_scenario *s)
{
    return s->memlimit ? s->memlimit : s->c->memlimit;
}

/* A target as listed, its entry in the set that finds repeats, and in the
 * index of targets by threat or measure. */
#define TARGET_BYTES (sizeof(starget) + 16 + 8)
/* A threat or measure: its entry, its id and its place in the id map. */
#define ENTITY_BYTES (sizeof(smeasure) + 32 + 16)

uint64_t hx_scenario_bytes(const hsec_scenario *s)
{
    uint64_t targets = s->ntt;
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++)
        targets += s->nmt[e];
    uint64_t b = hx_mul_add(targets, TARGET_BYTES, s->c->bytes);
    return hx_mul_add(s->nthreat + s->nmeasure + s->npackage, ENTITY_BYTES, b);
}

int hx_targets_fit(hsec_scenario *s, const char *who, const char *name, size_t count)
{
    uint64_t lim = hx_memlimit(s), have = hx_scenario_bytes(s);
    uint64_t want = hx_mul_add(count, TARGET_BYTES, have);
    if (want <= lim)
        return HSEC_OK;
    FAIL(HSEC_ELIMIT,
         "%s: target \"%s\" adds %zu targets; with the model and the targets before, the "
         "scenario would take about %llu bytes (%.0f MiB), more than the memory limit of %llu "
         "bytes (HSEC_LIMIT_MEMORY)",
         who, hx_show(name), count, (unsigned long long)want, (double)want / 1048576.0,
         (unsigned long long)lim);
}

int hsec_scenario_set_limit(hsec_scenario *s, hsec_limit what, uint64_t value)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_limit: the scenario is NULL");
    if (what != HSEC_LIMIT_MEMORY)
        FAIL(HSEC_EINVAL, "scenario_set_limit: limit %d is not a scenario's (only "
             "HSEC_LIMIT_MEMORY)", (int)what);
    if (value == 0)
        FAIL(HSEC_EINVAL, "scenario_set_limit: 0 would refuse everything");
    s->memlimit = value;
    return HSEC_OK;
}

int hsec_scenario_get_limit(uint64_t *out, const hsec_scenario *s, hsec_limit what)
{
    if (!out || !s)
        return hx_fail(HSEC_EINVAL, "scenario_get_limit: %s is NULL",
                       out ? "the scenario" : "out");
    if (what != HSEC_LIMIT_MEMORY)
        return hx_fail(HSEC_EINVAL, "scenario_get_limit: limit %d is not a scenario's",
                       (int)what);
    *out = hx_memlimit(s);
    return HSEC_OK;
}
