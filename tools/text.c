/* The text summary of a run, for a planner reading a terminal. */
#include "text.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t len, cap;
    bool oom;
} buf;

#if defined(__GNUC__) || defined(__clang__)
static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
static void put(buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t)n + 256;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
}

/* Bytes of the UTF-8 character at s (n left), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], lo = 0x80, hi = 0xbf;
    size_t len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (c == 0xe0 || c == 0xf0)
        lo = c == 0xe0 ? 0xa0 : 0x90; /* not overlong */
    if (c == 0xed || c == 0xf4)
        hi = c == 0xed ? 0x9f : 0x8f; /* no surrogate, nothing above U+10FFFF */
    if (len > n)
        return 0;
    for (size_t k = 1; k < len; k++)
        if (s[k] < (k == 1 ? lo : 0x80) || s[k] > (k == 1 ? hi : 0xbf))
            return 0;
    return len;
}

const char *text_shown_n(const char *s, size_t len)
{
    static char *ring[8];
    static size_t next;
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    if (len > (SIZE_MAX - 1) / 4) /* \xNN: four bytes for one */
        return "(too long to show)";
    char *out = realloc(ring[next], 4 * len + 1), *o = out;
    if (!out)
        return "(out of memory)";
    ring[next] = out;
    next = (next + 1) % 8;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_len(u + i, len - i);
        bool c1 = n == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0;
        if (n == 1 && (u[i] < 0x20 || u[i] == 0x7f)) {
            *o++ = '\\';
            if (u[i] == '\n' || u[i] == '\t' || u[i] == '\r') {
                *o++ = u[i] == '\n' ? 'n' : u[i] == '\t' ? 't' : 'r';
            } else {
                *o++ = 'x';
                *o++ = hex[u[i] >> 4];
                *o++ = hex[u[i] & 15];
            }
            i++;
        } else if (n == 0 || c1) {
            for (size_t k = 0; k < (c1 ? 2u : 1u); k++, i++) {
                *o++ = '\\';
                *o++ = 'x';
                *o++ = hex[u[i] >> 4];
                *o++ = hex[u[i] & 15];
            }
        } else {
            memcpy(o, u + i, n);
            o += n;
            i += n;
        }
    }
    *o = '\0';
    return out;
}

const char *text_shown(const char *s)
{
    return s ? text_shown_n(s, strlen(s)) : "(null)";
}

static double burden(const hsec_result *r, hsec_burden part, size_t i)
{
    double x = 0;
    hsec_result_burden(&x, r, part, i);
    return x;
}

/* The actor of a threat (the index comes from the scenario's own count). */
static int actor_of(const hsec_scenario *s, size_t h)
{
    hsec_threat_actor a = HSEC_THREAT_UNKNOWN;
    hsec_scenario_threat_actor(&a, s, h);
    return (int)a;
}

static double pct(double part, double whole)
{
    return whole > 0 ? 100 * part / whole : 0;
}

/* "measures in force: ..." for a mask (NULL: every measure). */
static void measures_line(buf *b, const unsigned char *mask, const hsec_scenario *s)
{
    size_t nm = hsec_scenario_measure_count(s), on = 0;
    for (size_t m = 0; m < nm; m++)
        on += !mask || mask[m];
    if (nm == 0) {
        put(b, "measures in force: none (the scenario has no measures)\n");
        return;
    }
    if (on == 0) {
        put(b, "measures in force: none of the %zu (the no-measure baseline)\n", nm);
        return;
    }
    if (on == nm)
        put(b, "measures in force: all %zu (", nm);
    else
        put(b, "measures in force: %zu of %zu (", on, nm);
    bool any = false;
    for (size_t m = 0; m < nm; m++)
        if (!mask || mask[m]) {
            put(b, "%s%s", any ? ", " : "", hsec_scenario_measure_id(s, m));
            any = true;
        }
    put(b, ")\n");
}

/* The measures of mask (NULL: all) by the branch that owns them: a task
 * list for a headquarters (doc/model.md §11), when any names a branch. */
static void tasks(buf *b, const unsigned char *mask, const hsec_scenario *s, const char *indent)
{
    size_t nm = hsec_scenario_measure_count(s);
    bool any = false;
    for (size_t m = 0; m < nm; m++) {
        hsec_branch br = HSEC_BRANCH_NONE;
        hsec_scenario_measure_branch(&br, s, m);
        any = any || ((!mask || mask[m]) && br != HSEC_BRANCH_NONE);
    }
    if (!any)
        return;
    put(b, "%stasks by branch:\n", indent);
    for (int k = 1; k <= HSEC_BRANCH_COUNT; k++) { /* those without a branch last */
        int want = k % HSEC_BRANCH_COUNT;
        bool head = false;
        for (size_t m = 0; m < nm; m++) {
            hsec_branch br = HSEC_BRANCH_NONE;
            hsec_scenario_measure_branch(&br, s, m);
            if ((mask && !mask[m]) || (int)br != want)
                continue;
            if (!head)
                put(b, "%s  %s:\n", indent,
                    want ? hsec_enum_name(HSEC_ENUM_BRANCH, want) : "(no branch named)");
            head = true;
            hsec_measure_kind kind = HSEC_PROTECTION;
            hsec_effect effect = HSEC_SHIELD;
            hsec_measure_actor actor = HSEC_BY_HOST_GOVERNMENT;
            double strength = 0, start = 0, dur = HSEC_PERSISTENT;
            hsec_scenario_measure_kind(&kind, s, m);
            hsec_scenario_measure_effect(&effect, &actor, &strength, s, m);
            hsec_scenario_measure_timing(&start, s, m, HSEC_TIMING_START);
            hsec_scenario_measure_timing(&dur, s, m, HSEC_TIMING_DURATION);
            put(b, "%s    [ ] %s: %s (%s), by %s, from step %.0f", indent,
                hsec_scenario_measure_id(s, m), hsec_enum_name(HSEC_ENUM_EFFECT, (int)effect),
                hsec_enum_name(HSEC_ENUM_MEASURE_KIND, (int)kind),
                hsec_enum_name(HSEC_ENUM_MEASURE_ACTOR, (int)actor), start);
            if (dur >= 0)
                put(b, " for %.0f steps", dur);
            put(b, "\n");
        }
    }
}

/* The "measures in force" line of a result's (or else an ensemble's) run. */
static int in_force(buf *b, const hsec_result *r, const hsec_ensemble *e,
                    const hsec_scenario *s)
{
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *mask = malloc(nm ? nm : 1);
    if (!mask)
        return HSEC_ENOMEM;
    int rc = r ? hsec_result_measures(mask, nm, r) : hsec_ensemble_measures(mask, nm, e);
    if (!rc) {
        measures_line(b, mask, s);
        tasks(b, mask, s, "  ");
    }
    free(mask);
    return rc;
}

static void warning_line(buf *b, hsec_warning code, const char *msg)
{
    const char *name = hsec_warning_name((int)code);
    put(b, "  %s: %s\n", name ? name : "warning", text_shown(msg));
}

/* The scenario's warnings and the run's (r may be NULL), when there are any. */
static void warnings(buf *b, const hsec_result *r, const hsec_scenario *s)
{
    size_t ns = hsec_scenario_diagnostic_count(s), nr = r ? hsec_result_diagnostic_count(r) : 0;
    if (!ns && !nr)
        return;
    put(b, "\nWARNINGS (the run is complete; these are probably not meant)\n");
    hsec_warning code;
    const char *msg;
    for (size_t i = 0; i < ns; i++)
        if (hsec_scenario_diagnostic(&code, &msg, s, i) == HSEC_OK)
            warning_line(b, code, msg);
    for (size_t i = 0; i < nr; i++)
        if (hsec_result_diagnostic(&code, &msg, r, i) == HSEC_OK)
            warning_line(b, code, msg);
}

/* The flags some group carries. */
static unsigned flags_used(const hsec_compiled *c)
{
    unsigned used = 0;
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        unsigned f = 0;
        hsec_compiled_group_flags(&f, c, g);
        used |= f;
    }
    return used;
}

/* Burden by topic (r alone), or averted by topic (base - r), when some
 * threat carries a topic; shares of `whole`. */
static void topics_lines(buf *b, const hsec_scenario *s, const hsec_result *r,
                         const hsec_result *base, double whole)
{
    unsigned used = 0;
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        unsigned tp = 0;
        hsec_scenario_threat_topics(&tp, s, h);
        used |= tp ? tp : 1u << HSEC_TOPIC_COUNT;
    }
    if (!(used & ((1u << HSEC_TOPIC_COUNT) - 1)))
        return;
    put(b, "  %s cross-cutting topic (a threat counts under each of its topics: they "
        "overlap and do not add up):\n", base ? "averted by" : "by");
    for (int k = 0; k <= HSEC_TOPIC_COUNT; k++) {
        if (!(used & (1u << k)))
            continue;
        double x = burden(r, HSEC_BURDEN_TOPIC, (size_t)k);
        if (base)
            x = burden(base, HSEC_BURDEN_TOPIC, (size_t)k) - x;
        put(b, "    %-34s %12.6g  %5.1f%%\n",
            k < HSEC_TOPIC_COUNT ? hsec_enum_name(HSEC_ENUM_TOPIC, k) : "(no topic)", x,
            pct(x, whole));
    }
}

/* Differentiated impacts (doc/model.md §5): the burden of each flagged
 * category per person, against the whole population's. */
static void impacts(buf *b, const hsec_result *r, const hsec_compiled *c, const char *unit,
                    bool dynamic)
{
    unsigned used = flags_used(c);
    if (!used)
        return;
    double all[HSEC_IMPACT_COUNT];
    hsec_result_impact(all, HSEC_IMPACT_COUNT, r, HSEC_FLAG_COUNT);
    put(b, "\nDIFFERENTIATED IMPACTS (a group counts under each of its flags; burden per person "
        "in person-%ss, and how many times the population's)\n", dynamic ? unit : "equivalent");
    put(b, "  %-12s %12s %12s %12s %8s\n", "who", "people", "burden", "per person", "ratio");
    put(b, "  %-12s %12.0f %12.6g %12.4g %8s\n", "everyone", all[2], all[0], all[3], "1");
    for (int f = 0; f < HSEC_FLAG_COUNT; f++) {
        if (!(used & (1u << f)))
            continue;
        double v[HSEC_IMPACT_COUNT];
        hsec_result_impact(v, HSEC_IMPACT_COUNT, r, (size_t)f);
        put(b, "  %-12s %12.0f %12.6g %12.4g %8.3g\n", hsec_enum_name(HSEC_ENUM_FLAG, f), v[2],
            v[0], v[3], v[4]);
    }
}

static void group_table(buf *b, const hsec_result *r, size_t g, hsec_at at)
{
    double y[HSEC_DIM_COUNT], p[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
    hsec_result_group(NULL, NULL, y, HSEC_DIM_COUNT, r, g, at);
    hsec_result_group_orders(p, HSEC_DIM_COUNT * HSEC_ORDER_COUNT, r, g, at);
    put(b, "    %-14s %6s  %-11s %7s %7s %7s %7s\n", "dimension", "y", "phase", "1st", "2nd",
        "3rd", "4+");
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        put(b, "    %-14s %6.3f  %-11s %7.4f %7.4f %7.4f %7.4f\n",
            hsec_enum_name(HSEC_ENUM_DIMENSION, d), y[d],
            hsec_enum_name(HSEC_ENUM_PHASE, (int)hsec_phase_of(y[d])), p[d * HSEC_ORDER_COUNT],
            p[d * HSEC_ORDER_COUNT + 1], p[d * HSEC_ORDER_COUNT + 2], p[d * HSEC_ORDER_COUNT + 3]);
    }
}

int text_report(char **out, size_t *len, const hsec_result *r, const hsec_scenario *s)
{
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const hsec_compiled *c = hsec_scenario_compiled(s);
    bool dynamic = hsec_result_mode(r) == HSEC_MODE_DYNAMIC;
    double bounded = 1;
    hsec_scenario_get_option(&bounded, s, HSEC_OPT_BOUNDED);
    const char *unit = hsec_scenario_step_unit(s);
    const char *mode = bounded != 0 ? "bounded" : "linear";
    if (dynamic)
        put(&b, "hsec %s: dynamic run over %llu %ss (%s)\n", hsec_version_string(),
            (unsigned long long)hsec_result_steps(r), unit, mode);
    else
        put(&b, "hsec %s: static equilibrium (%s)\n", hsec_version_string(), mode);
    size_t ng = hsec_compiled_group_count(c), n = hsec_compiled_node_count(c);
    put(&b, "%zu groups, %zu services, %zu nodes, %zu links\n", ng, n - ng * HSEC_DIM_COUNT,
        n, hsec_compiled_link_count(c));
    int rc = in_force(&b, r, NULL, s);
    if (rc) {
        free(b.p);
        return rc;
    }
    warnings(&b, r, s);
    put(&b, "\n");

    double total = burden(r, HSEC_BURDEN_TOTAL, 0);
    double prop = burden(r, HSEC_BURDEN_PROPAGATED, 0);
    put(&b, "BURDEN (person-%ss of lost vital core)\n", dynamic ? unit : "equivalent");
    put(&b, "  total %.6g = chronic baseline %.6g + caused by threats %.6g\n", total,
        burden(r, HSEC_BURDEN_BASELINE, 0), prop);
    static const char *const ord[4] = {"1st order (direct)", "2nd order", "3rd order",
                                       "4th and higher"};
    for (size_t o = 0; o < 4; o++) {
        double x = burden(r, HSEC_BURDEN_ORDER, o);
        put(&b, "  %-22s %12.6g  %5.1f%%\n", ord[o], x, pct(x, prop));
    }
    if (dynamic) {
        static const char *const bands[3] = {"short term", "medium term", "long term"};
        for (size_t i = 0; i < 3; i++) {
            double x = burden(r, HSEC_BURDEN_BAND, i);
            put(&b, "  %-22s %12.6g  %5.1f%%\n", bands[i], x, pct(x, prop));
        }
    }
    put(&b, "  by actor:\n");
    for (int a = 0; a < HSEC_THREAT_ACTOR_COUNT; a++) {
        bool used = false;
        for (size_t h = 0; h < hsec_scenario_threat_count(s); h++)
            used = used || actor_of(s, h) == a;
        if (used) {
            double x = burden(r, HSEC_BURDEN_ACTOR, (size_t)a);
            put(&b, "    %-20s %12.6g  %5.1f%%\n", hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, a),
                x, pct(x, prop));
        }
    }
    put(&b, "  by threat:\n");
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        double x = burden(r, HSEC_BURDEN_THREAT, h);
        put(&b, "    %-20s %12.6g  %5.1f%%\n", hsec_scenario_threat_id(s, h), x, pct(x, prop));
    }
    topics_lines(&b, s, r, NULL, prop);
    put(&b, "  by group:\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        double x = burden(r, HSEC_BURDEN_GROUP, g);
        put(&b, "    %-20s %12.6g  %5.1f%%  (%.3g per person)\n", hsec_compiled_group_id(c, g), x,
            pct(x, prop), hsec_compiled_group_size(c, g) > 0 ? x / hsec_compiled_group_size(c, g)
                                                            : 0);
    }
    put(&b, "  by region where people live (a region includes the regions below it; only "
            "regions without a parent add up to the total):\n");
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++) {
        double x = burden(r, HSEC_BURDEN_REGION, i);
        if (x > 0)
            put(&b, "    %-20s %12.6g  %5.1f%%\n", hsec_compiled_region_id(c, i), x,
                pct(x, prop));
    }
    impacts(&b, r, c, unit, dynamic);
    double z = 0, afk = 0, af[HSEC_AF_COUNT], afl[HSEC_AF_COUNT];
    hsec_scenario_get_option(&z, s, HSEC_OPT_AF_CUTOFF);
    hsec_scenario_get_option(&afk, s, HSEC_OPT_AF_K);
    hsec_result_multidimensional(af, HSEC_AF_COUNT, r, HSEC_AT_PEAK);
    hsec_result_multidimensional(afl, HSEC_AF_COUNT, r, HSEC_AT_LAST);
    put(&b, "\nMULTIDIMENSIONAL INSECURITY (Alkire-Foster: deprived where y >= %.3g, "
        "insecure when the weighted score >= %.3g)\n", z, afk);
    put(&b, "  at each group's peak: %.1f%% of people insecure (H), mean score %.3f (A), "
        "M0 %.3f\n", 100 * af[0], af[1], af[2]);
    if (dynamic)
        put(&b, "  at the last step:     %.1f%% of people insecure (H), mean score %.3f (A), "
            "M0 %.3f\n", 100 * afl[0], afl[1], afl[2]);
    if (hsec_scenario_threat_count(s))
        put(&b, "\nTHREATS (critical for a group: the cause of a large share of its harm at "
            "its peak)\n");
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        double pop;
        int pervasive;
        hsec_result_pervasive(&pop, &pervasive, r, h);
        put(&b, "  %-20s %-22s critical for groups holding %5.1f%% of people%s\n",
            hsec_scenario_threat_id(s, h),
            hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, actor_of(s, h)), 100 * pop,
            pervasive ? ": PERVASIVE" : "");
    }

    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    if (dynamic && nrec) {
        put(&b, "\nRECORDED NODES (degradation q 0..1: worst and last)\n");
        for (size_t k = 0; k < nrec; k++) {
            const double *q;
            size_t slen, worst = 0;
            if (hsec_result_series(&q, &slen, r, rec[k]) != HSEC_OK)
                continue;
            for (size_t t = 1; t < slen; t++)
                worst = q[t] > q[worst] ? t : worst;
            put(&b, "  %-28s %6.3f at %s %-6zu %6.3f at %s %zu\n",
                hsec_compiled_node_name(c, rec[k]), q[worst], unit, worst, q[slen - 1], unit,
                slen - 1);
        }
    }

    put(&b, "\nGROUPS (y: insecurity 0..1; 1st..4+: the part caused by threats, by order)\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        uint64_t pstep, lstep;
        double pH, lH;
        hsec_result_group(&pstep, &pH, NULL, 0, r, g, HSEC_AT_PEAK);
        hsec_result_group(&lstep, &lH, NULL, 0, r, g, HSEC_AT_LAST);
        double size = hsec_compiled_group_size(c, g);
        put(&b, "\n%s (%s, %.0f people", hsec_compiled_group_id(c, g),
            hsec_compiled_region_id(c, hsec_compiled_group_region(c, g)), size);
        unsigned flags = 0;
        hsec_compiled_group_flags(&flags, c, g);
        for (int f = 0; f < HSEC_FLAG_COUNT; f++)
            if (flags & (1u << f))
                put(&b, ", %s", hsec_enum_name(HSEC_ENUM_FLAG, f));
        put(&b, ")\n");
        if (dynamic) {
            put(&b, "  vital-core index %.4f (%s) at its peak, %s %llu; %.4f at %s %llu\n", pH,
                hsec_enum_name(HSEC_ENUM_PHASE, (int)hsec_phase_of(pH)), unit,
                (unsigned long long)pstep, lH, unit, (unsigned long long)lstep);
            put(&b, "  at the peak (%s %llu), %.0f person-equivalents insecure:\n", unit,
                (unsigned long long)pstep, size * pH);
        } else {
            put(&b, "  vital-core index %.4f (%s), %.0f person-equivalents insecure\n", pH,
                hsec_enum_name(HSEC_ENUM_PHASE, (int)hsec_phase_of(pH)), size * pH);
        }
        double fr[HSEC_FREEDOM_COUNT];
        hsec_result_group_freedoms(fr, HSEC_FREEDOM_COUNT, r, g, HSEC_AT_PEAK);
        put(&b, "  freedom from fear %.3f, from want %.3f, to live in dignity %.3f "
            "(0 free, 1 not)\n", fr[0], fr[1], fr[2]);
        if (dynamic) {
            bool any = false;
            for (int d = 0; d < HSEC_DIM_COUNT; d++) {
                int64_t step, lead;
                hsec_result_warning(&step, &lead, r, g, (hsec_dimension)d);
                if (step < 0)
                    continue;
                put(&b, "%s %s at %s %lld (%lld after the first threat)",
                    any ? "," : "  crisis or worse:", hsec_enum_name(HSEC_ENUM_DIMENSION, d),
                    unit, (long long)step, (long long)lead);
                any = true;
            }
            if (any)
                put(&b, "\n");
        }
        for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
            double share;
            int critical;
            hsec_result_threat_share(&share, &critical, r, g, h);
            if (critical)
                put(&b, "  critical threat: %s, %.0f%% of the harm at the peak\n",
                    hsec_scenario_threat_id(s, h), 100 * share);
        }
        group_table(&b, r, g, HSEC_AT_PEAK);
    }
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

/* A table of packages against the no-measure baseline. */
int text_compare(char **out, size_t *len, hsec_result *const *results, size_t count,
                 const hsec_scenario *s, const double *branches)
{
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const hsec_compiled *c = hsec_scenario_compiled(s);
    const hsec_result *base = results[0];
    bool dynamic = hsec_result_mode(base) == HSEC_MODE_DYNAMIC;
    const char *unit = dynamic ? hsec_scenario_step_unit(s) : "equivalent";
    double bprop = burden(base, HSEC_BURDEN_PROPAGATED, 0);
    if (dynamic)
        put(&b, "hsec %s: courses of action over %llu %ss\n", hsec_version_string(),
            (unsigned long long)hsec_result_steps(base), unit);
    else
        put(&b, "hsec %s: courses of action at equilibrium\n", hsec_version_string());
    put(&b, "Without any measure, the threats cost %.6g person-%ss of vital core.\n", bprop,
        unit);
    put(&b, "Averted: that burden minus the burden with only the package's measures.\n\n");

    put(&b, "%-18s %12s %12s %7s", "package", "cost", "averted", "share");
    if (dynamic)
        put(&b, " %11s %11s %11s", "short", "medium", "long");
    put(&b, " %14s\n", "per 1M cost");
    for (size_t p = 0; p + 1 < count; p++) {
        const hsec_result *r = results[1 + p];
        double cost = hsec_scenario_package_cost(s, p);
        double av = bprop - burden(r, HSEC_BURDEN_PROPAGATED, 0);
        put(&b, "%-18s %12.4g %12.4g %6.1f%%", hsec_scenario_package_id(s, p), cost, av,
            pct(av, bprop));
        if (dynamic)
            for (size_t i = 0; i < 3; i++)
                put(&b, " %11.4g",
                    burden(base, HSEC_BURDEN_BAND, i) - burden(r, HSEC_BURDEN_BAND, i));
        if (cost > 0)
            put(&b, " %14.4g\n", av / cost * 1e6);
        else
            put(&b, " %14s\n", "(no cost)");
    }

    put(&b, "\nAverted by order of effect (share of the package's averted burden; a measure "
            "can move harm between orders, but never raises the total)\n");
    put(&b, "%-18s %9s %9s %9s %9s\n", "package", "1st", "2nd", "3rd", "4+");
    for (size_t p = 0; p + 1 < count; p++) {
        const hsec_result *r = results[1 + p];
        double av = bprop - burden(r, HSEC_BURDEN_PROPAGATED, 0);
        put(&b, "%-18s", hsec_scenario_package_id(s, p));
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
            put(&b, " %8.1f%%",
                pct(burden(base, HSEC_BURDEN_ORDER, o) - burden(r, HSEC_BURDEN_ORDER, o), av));
        put(&b, "\n");
    }

    put(&b, "\nAverted by group (person-%ss; %% of the group's burden without measures)\n",
        unit);
    put(&b, "%-20s %12s", "group", "baseline");
    for (size_t p = 0; p + 1 < count; p++)
        put(&b, " %20s", hsec_scenario_package_id(s, p));
    put(&b, "\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        double bg = burden(base, HSEC_BURDEN_GROUP, g);
        put(&b, "%-20s %12.4g", hsec_compiled_group_id(c, g), bg);
        for (size_t p = 0; p + 1 < count; p++) {
            double av = bg - burden(results[1 + p], HSEC_BURDEN_GROUP, g);
            put(&b, " %12.4g %6.1f%%", av, pct(av, bg));
        }
        put(&b, "\n");
    }
    unsigned used = flags_used(c);
    if (used) {
        put(&b, "\nAverted per person, by who is hurt (a group counts under each of its flags)\n");
        put(&b, "%-20s %12s", "who", "baseline");
        for (size_t p = 0; p + 1 < count; p++)
            put(&b, " %20s", hsec_scenario_package_id(s, p));
        put(&b, "\n");
        for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* everyone first */
            int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
            if (f < HSEC_FLAG_COUNT && !(used & (1u << f)))
                continue;
            double v[HSEC_IMPACT_COUNT], w[HSEC_IMPACT_COUNT];
            hsec_result_impact(v, HSEC_IMPACT_COUNT, base, (size_t)f);
            put(&b, "%-20s %12.4g", f < HSEC_FLAG_COUNT ? hsec_enum_name(HSEC_ENUM_FLAG, f)
                                                        : "everyone", v[3]);
            for (size_t p = 0; p + 1 < count; p++) {
                hsec_result_impact(w, HSEC_IMPACT_COUNT, results[1 + p], (size_t)f);
                put(&b, " %12.4g %6.1f%%", v[3] - w[3], pct(v[3] - w[3], v[3]));
            }
            put(&b, "\n");
        }
    }
    for (size_t p = 0; p + 1 < count; p++) {
        buf t = {malloc(256), 0, 256, false}, k2 = {malloc(256), 0, 256, false};
        if (!t.p || !k2.p) {
            b.oom = true;
            free(t.p);
            free(k2.p);
            break;
        }
        t.p[0] = k2.p[0] = '\0';
        topics_lines(&t, s, results[1 + p], base, bprop);
        bool br = false;
        for (int k = 0; branches && k < HSEC_BRANCH_COUNT; k++)
            br = br || !isnan(branches[p * HSEC_BRANCH_COUNT + (size_t)k]);
        unsigned char *mask = malloc(hsec_scenario_measure_count(s) + 1);
        if (!mask) {
            b.oom = true;
            free(t.p);
            free(k2.p);
            break;
        }
        hsec_scenario_package_mask(mask, hsec_scenario_measure_count(s), s, p);
        tasks(&k2, mask, s, "  ");
        free(mask);
        if (t.len || br || k2.len) {
            put(&b, "\nPackage %s\n", hsec_scenario_package_id(s, p));
            if (t.len)
                put(&b, "%s", t.p);
            if (br) {
                put(&b, "  averted by branch (each branch's measures of the package alone; "
                        "they do not add up to the package's):\n");
                for (int k = 1; k <= HSEC_BRANCH_COUNT; k++) {
                    int want = k % HSEC_BRANCH_COUNT;
                    double x = branches[p * HSEC_BRANCH_COUNT + (size_t)want];
                    if (!isnan(x))
                        put(&b, "    %-34s %12.6g  %5.1f%%\n",
                            want ? hsec_enum_name(HSEC_ENUM_BRANCH, want) : "(no branch named)",
                            x, pct(x, bprop));
                }
            }
            if (k2.len)
                put(&b, "%s", k2.p);
        }
        b.oom = b.oom || t.oom || k2.oom;
        free(t.p);
        free(k2.p);
    }
    put(&b, "\nAverted by region where people live (a region includes the regions below it)\n");
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++) {
        double br = burden(base, HSEC_BURDEN_REGION, i);
        if (br <= 0)
            continue;
        put(&b, "%-20s %12.4g", hsec_compiled_region_id(c, i), br);
        for (size_t p = 0; p + 1 < count; p++) {
            double av = br - burden(results[1 + p], HSEC_BURDEN_REGION, i);
            put(&b, " %12.4g %6.1f%%", av, pct(av, br));
        }
        put(&b, "\n");
    }
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

/* A node's kind in a ranking (a service's kind, or "group") and its
 * region's id ("national" for a service without one). */
static void node_place(const hsec_compiled *c, size_t node, const char **kind,
                       const char **region)
{
    size_t reg = HSEC_NO_INDEX;
    *kind = "group";
    for (size_t k = 0; k < hsec_compiled_service_count(c); k++) {
        hsec_service_kind sk;
        size_t r, at;
        if (hsec_compiled_service(&sk, &r, &at, c, k) == HSEC_OK && at == node) {
            *kind = hsec_enum_name(HSEC_ENUM_SERVICE_KIND, (int)sk);
            *region = r == HSEC_NO_INDEX ? "national" : hsec_compiled_region_id(c, r);
            return;
        }
    }
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        size_t first = hsec_compiled_group_node(c, g);
        if (node >= first && node < first + HSEC_DIM_COUNT)
            reg = hsec_compiled_group_region(c, g);
    }
    *region = reg == HSEC_NO_INDEX ? "-" : hsec_compiled_region_id(c, reg);
}

int text_rank(char **out, size_t *len, const double *u, const double *ix, size_t n,
              const hsec_scenario *s, size_t top, const unsigned char *sel,
              const unsigned char *mask)
{
    size_t *order = calloc(n ? n : 1, sizeof *order);
    buf b = {malloc(4096), 0, 4096, false};
    int rc = HSEC_ENOMEM;
    if (!order || !b.p)
        goto done;
    const hsec_compiled *c = hsec_scenario_compiled(s);
    hsec_rank_order(order, u, n);
    b.p[0] = '\0';
    put(&b, "WHERE TO PROTECT\n");
    put(&b, "marginal: the equilibrium burden (persons) that one unit of degradation at the\n"
            "node causes across all groups, with the scenario's measures in force.\n"
            "dependency / influence: how much a node takes from / gives to the others\n"
            "directly; overall: through every path.\n");
    measures_line(&b, mask, s);
    size_t listed = 0;
    for (size_t i = 0; i < n; i++)
        listed += !sel || sel[i];
    if (sel)
        put(&b, "%zu of the %zu nodes (--kind, --region)\n", listed, n);
    put(&b, "\n%4s  %-30s %-17s %-14s %12s %11s %11s %11s %11s\n", "rank", "node", "kind",
        "region", "marginal", "dependency", "influence", "overall dep", "overall inf");
    size_t shown = top && top < listed ? top : listed, k = 0;
    for (size_t j = 0; j < n && k < shown; j++) {
        size_t i = order[j];
        if (sel && !sel[i])
            continue;
        const char *kind, *region;
        node_place(c, i, &kind, &region);
        put(&b, "%4zu  %-30s %-17s %-14s %12.5g %11.4g %11.4g %11.4g %11.4g\n", ++k,
            hsec_compiled_node_name(c, i), kind, region, u[i], ix[i], ix[n + i],
            ix[2 * n + i], ix[3 * n + i]);
    }
    if (shown < listed)
        put(&b, "(%zu more nodes; --top 0 lists all)\n", listed - shown);
    rc = b.oom ? HSEC_ENOMEM : HSEC_OK;
done:
    free(order);
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

static void list_measures(buf *b, const unsigned char *mask, const hsec_scenario *s)
{
    bool any = false;
    for (size_t m = 0; m < hsec_scenario_measure_count(s); m++) {
        if (!mask[m])
            continue;
        hsec_measure_kind kind = HSEC_PROTECTION;
        hsec_scenario_measure_kind(&kind, s, m);
        put(b, "%s%s (%s, cost %.4g)", any ? ", " : "", hsec_scenario_measure_id(s, m),
            hsec_enum_name(HSEC_ENUM_MEASURE_KIND, (int)kind),
            hsec_scenario_measure_cost(s, m));
        any = true;
    }
    put(b, "%s\n", any ? "" : "nothing (no measure averts burden within the budget)");
}

int text_choice(char **out, size_t *len, const unsigned char *chosen, double averted,
                     double cost, double budget, bool is_exact, const unsigned char *exact,
                     double xav, double xcost, hsec_scenario *s)
{
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    hsec_result *base = NULL;
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *none = calloc(nm ? nm : 1, 1);
    int rc = none ? hsec_scenario_run_with(&base, s, none, nm) : HSEC_ENOMEM;
    free(none);
    if (rc) {
        free(b.p);
        return rc;
    }
    double total = burden(base, HSEC_BURDEN_PROPAGATED, 0);
    const char *unit = hsec_result_mode(base) == HSEC_MODE_DYNAMIC
                           ? hsec_scenario_step_unit(s) : "equivalent";
    hsec_result_free(base);
    put(&b, "CHOICE UNDER A BUDGET OF %.6g (%s)\n", budget,
        is_exact ? "exact: the best subset within the budget"
                 : "greedy: the best averted burden per unit cost, one measure at a time");
    put(&b, "chosen: ");
    list_measures(&b, chosen, s);
    put(&b, "cost %.6g; averts %.6g person-%ss, %.1f%% of the %.6g the threats cause",
        cost, averted, unit, pct(averted, total), total);
    if (cost > 0)
        put(&b, "; %.4g per 1M of cost", averted / cost * 1e6);
    put(&b, "\n");
    if (exact && !is_exact) {
        if (xav > averted * (1 + 1e-12) + 1e-300) {
            put(&b, "the exact search does better: averts %.6g at cost %.6g with ", xav, xcost);
            list_measures(&b, exact, s);
        } else {
            put(&b, "the exact search over every subset agrees: no choice within the budget "
                    "averts more\n");
        }
    }
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

static void qrow(buf *b, const char *label, const hsec_ensemble *e, hsec_quantity what,
                 size_t index, size_t sub, const double *qs, size_t nq)
{
    put(b, "  %-28s", label);
    for (size_t i = 0; i < nq; i++) {
        double x = 0;
        hsec_ensemble_quantile(&x, e, what, index, sub, qs[i]);
        put(b, " %12.5g", x);
    }
    put(b, "\n");
}

int text_ensemble(char **out, size_t *len, const hsec_ensemble *e, const double *qs,
                       size_t nq, const hsec_scenario *s)
{
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const hsec_compiled *c = hsec_scenario_compiled(s);
    put(&b, "ENSEMBLE of %llu members (uncertain link weights, threat magnitudes and "
            "recovery rates as the scenario gives them)\n",
        (unsigned long long)hsec_ensemble_members(e));
    int rc = in_force(&b, NULL, e, s);
    if (rc) {
        free(b.p);
        return rc;
    }
    warnings(&b, NULL, s);
    put(&b, "\n");
    put(&b, "  %-28s", "quantile");
    for (size_t i = 0; i < nq; i++)
        put(&b, "          p%-2g", 100 * qs[i]);
    put(&b, "\nburden\n");
    qrow(&b, "caused by threats", e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0, qs, nq);
    static const char *const bands[3] = {"  short term", "  medium term", "  long term"};
    for (size_t i = 0; i < 3; i++)
        qrow(&b, bands[i], e, HSEC_QTY_BURDEN, HSEC_BURDEN_BAND, i, qs, nq);
    static const char *const ords[4] = {"  1st order", "  2nd order", "  3rd order", "  4+"};
    for (size_t i = 0; i < 4; i++)
        qrow(&b, ords[i], e, HSEC_QTY_BURDEN, HSEC_BURDEN_ORDER, i, qs, nq);
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        char label[96];
        snprintf(label, sizeof label, "  threat %s", hsec_scenario_threat_id(s, h));
        qrow(&b, label, e, HSEC_QTY_BURDEN, HSEC_BURDEN_THREAT, h, qs, nq);
    }
    put(&b, "vital-core index at each group's peak\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
        qrow(&b, hsec_compiled_group_id(c, g), e, HSEC_QTY_GROUP_PEAK, g, 0, qs, nq);
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    if (nrec)
        put(&b, "recorded nodes, last value\n");
    for (size_t k = 0; k < nrec; k++)
        qrow(&b, hsec_compiled_node_name(c, rec[k]), e, HSEC_QTY_RECORDED, rec[k], 0, qs, nq);
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}
