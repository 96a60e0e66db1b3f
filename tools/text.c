/* The text reports, for a planner reading a terminal, and the CSV
 * tables of the documents. */
#include "text.h"

#include <csv.h>

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


/* x rounded to dec decimals (0..9), its whole part in groups of three
 * (18,499,100); never an exponent. "-0" prints as "0". The text lives
 * until 24 more calls (one thread). */
const char *text_num(double x, int dec)
{
    static char ring[24][512];
    static size_t next;
    char *o = ring[next], tmp[420];
    next = (next + 1) % 24;
    dec = dec < 0 ? 0 : dec > 9 ? 9 : dec;
    if (!isfinite(x)) {
        snprintf(o, sizeof ring[0], "%s", isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
        return o;
    }
    snprintf(tmp, sizeof tmp, "%.*f", dec, x); /* |x| < 2^1024: at most 309 digits */
    const char *p = tmp[0] == '-' ? tmp + 1 : tmp;
    bool zero = strspn(p, "0.") == strlen(p);
    size_t whole = strcspn(p, "."), k = 0;
    if (tmp[0] == '-' && !zero)
        o[k++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i && (whole - i) % 3 == 0)
            o[k++] = ',';
        o[k++] = p[i];
    }
    snprintf(o + k, sizeof ring[0] - k, "%s", p + whole);
    return o;
}

/* A figure of no fixed scale (a marginal burden, a cost-effectiveness):
 * whole above 100, else with enough decimals to read. */
static const char *amount(double x)
{
    double a = fabs(x);
    return text_num(x, a >= 100 ? 0 : a >= 1 ? 2 : a >= 0.01 ? 4 : a > 0 ? 6 : 0);
}

/* A burden per person: two decimals, three below 1. */
static const char *per_person(double x)
{
    double a = fabs(x);
    return text_num(x, a >= 1000 ? 0 : a >= 1 || a == 0 ? 2 : 3);
}

/* Burdens and people: whole numbers. */
static const char *whole(double x)
{
    return text_num(x, 0);
}

/* Indices, y, q: three decimals. */
static const char *idx(double x)
{
    return text_num(x, 3);
}

static double pct(double part, double whole)
{
    double p = whole > 0 ? 100 * part / whole : 0;
    return isfinite(p) ? p : 0; /* a hand-made document's extremes: no "inf%" */
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

/* ---- the results document, rendered from its tree alone (run and show) */

static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : 0;
}

static const char *jstr(const json_t *o, const char *key, const char *missing)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : missing;
}

/* A string of the document for the terminal: control characters escaped. */
static const char *jshown(const json_t *o, const char *key, const char *missing)
{
    return text_shown(jstr(o, key, missing));
}

static json_t *jobj(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_object(v) ? v : NULL;
}

/* The keys of obj in the order of list (the strings of a document's array
 * that are keys of obj), or in obj's own order when list is not an array.
 * *n of them; NULL (and *oom) when out of memory. */
static const char **key_order(size_t *n, bool *oom, const json_t *obj, const json_t *list)
{
    size_t cap = json_object_size(obj) + 1, k = 0;
    const char **keys = malloc(cap * sizeof *keys);
    *n = 0;
    if (!keys) {
        *oom = true;
        return NULL;
    }
    if (json_is_array(list)) {
        size_t i;
        json_t *v;
        json_array_foreach(list, i, v) {
            const char *s = json_string_value(v);
            if (s && json_object_get(obj, s) && k < cap)
                keys[k++] = s;
        }
    } else {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)obj, key, v) {
            if (k < cap)
                keys[k++] = key;
        }
    }
    *n = k;
    return keys;
}

/* The measures in force and, when one names a branch, their task list. */
static void doc_measures(buf *b, const json_t *doc, const json_t *summary)
{
    const json_t *on = json_object_get(doc, "measures");
    const json_t *all = json_object_get(summary, "measures");
    size_t non = json_array_size(on), nall = json_array_size(all);
    if (!json_is_array(all)) { /* a document of an earlier version */
        put(b, "measures in force: %zu", non);
    } else if (nall == 0) {
        put(b, "measures in force: none (the scenario has no measures)\n");
        return;
    } else if (non == 0) {
        put(b, "measures in force: none of the %zu (the no-measure baseline)\n", nall);
        return;
    } else if (non == nall) {
        put(b, "measures in force: all %zu", nall);
    } else {
        put(b, "measures in force: %zu of %zu", non, nall);
    }
    for (size_t i = 0; i < non; i++)
        put(b, "%s%s", i ? ", " : " (", text_shown(json_string_value(json_array_get(on, i))));
    put(b, "%s\n", non ? ")" : "");
    const json_t *by = jobj(doc, "measures_by_branch");
    if (!by)
        return;
    put(b, "  tasks by branch:\n");
    for (int k = 1; k <= HSEC_BRANCH_COUNT; k++) { /* those without a branch last */
        const char *name = hsec_enum_name(HSEC_ENUM_BRANCH, k % HSEC_BRANCH_COUNT);
        const json_t *ids = json_object_get(by, name);
        if (!json_array_size(ids))
            continue;
        put(b, "    %s:\n", k < HSEC_BRANCH_COUNT ? name : "(no branch named)");
        for (size_t i = 0; i < json_array_size(ids); i++) {
            const char *id = json_string_value(json_array_get(ids, i));
            const json_t *m = NULL;
            for (size_t j = 0; id && j < nall && !m; j++)
                if (strcmp(jstr(json_array_get(all, j), "id", ""), id) == 0)
                    m = json_array_get(all, j);
            put(b, "      [ ] %s", text_shown(id));
            if (m) {
                put(b, ": %s (%s), by %s, from step %s", jshown(m, "effect", "?"),
                    jshown(m, "kind", "?"), jshown(m, "actor", "?"), whole(jnum(m, "start")));
                if (json_is_number(json_object_get(m, "duration")))
                    put(b, " for %s steps", whole(jnum(m, "duration")));
            }
            put(b, "\n");
        }
    }
}

/* One row of a breakdown: a label, a burden, its share of `whole`. */
static void share_row(buf *b, const char *indent, int width, const char *label, double x,
                      double of)
{
    put(b, "%s%-*s %14s  %5.1f%%\n", indent, width, text_shown(label), whole(x), pct(x, of));
}

/* The parts of y (baseline, orders 1..4) rounded to thousandths so that
 * they add up to y rounded: largest remainders. */
static bool split_thousandths(long long *f, const double *p, size_t n, double y)
{
    double r[8];
    long long sum = 0;
    bool fits = fabs(y) < 1e12;
    for (size_t i = 0; i < n; i++) {
        r[i] = p[i] * 1000;
        fits = fits && fabs(r[i]) < 1e15;
    }
    if (!fits) /* not a vital-core figure: shown as it is */
        return false;
    for (size_t i = 0; i < n; i++)
        sum += f[i] = llround(r[i]);
    long long diff = llround(y * 1000) - sum;
    for (int guard = 0; diff != 0 && guard < 64; guard++) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if ((diff > 0 ? r[i] - (double)f[i] : (double)f[i] - r[i]) >
                (diff > 0 ? r[best] - (double)f[best] : (double)f[best] - r[best]))
                best = i;
        f[best] += diff > 0 ? 1 : -1;
        diff += diff > 0 ? -1 : 1;
    }
    return true;
}

static void doc_group(buf *b, const char *id, const json_t *g, const json_t *threats,
                      bool dynamic, const char *unit)
{
    const json_t *peak = jobj(g, "peak"), *last = jobj(g, "last");
    double size = jnum(g, "size"), pH = jnum(peak, "index");
    put(b, "\n%s (%s, %s people", text_shown(id), text_shown(jstr(g, "region", "?")),
        whole(size));
    const json_t *flags = json_object_get(g, "flags");
    for (size_t i = 0; i < json_array_size(flags); i++)
        put(b, ", %s", text_shown(json_string_value(json_array_get(flags, i))));
    put(b, ")\n");
    if (dynamic) {
        put(b, "  vital-core index %s (%s) at its peak, %s %s; %s at %s %s\n", idx(pH),
            jshown(peak, "phase", "?"), unit, whole(jnum(peak, "step")),
            idx(jnum(last, "index")), unit, whole(jnum(last, "step")));
        put(b, "  at the peak (%s %s): %s person-equivalents affected\n", unit,
            whole(jnum(peak, "step")), whole(jnum(peak, "people")));
    } else {
        put(b, "  vital-core index %s (%s): %s person-equivalents affected\n", idx(pH),
            jshown(peak, "phase", "?"), whole(jnum(peak, "people")));
    }
    const json_t *fr = jobj(peak, "freedoms");
    put(b, "  freedom from fear %s, from want %s, to live in dignity %s (0 free, 1 not)\n",
        idx(jnum(fr, "from_fear")), idx(jnum(fr, "from_want")), idx(jnum(fr, "dignity")));
    const json_t *warn = jobj(g, "warnings");
    bool any = false;
    for (int d = 0; warn && d < HSEC_DIM_COUNT; d++) {
        const json_t *w = jobj(warn, hsec_enum_name(HSEC_ENUM_DIMENSION, d));
        if (!w)
            continue;
        put(b, "%s %s at %s %s (%s after the first threat)", any ? "," : "  crisis or worse:",
            hsec_enum_name(HSEC_ENUM_DIMENSION, d), unit, whole(jnum(w, "step")),
            whole(jnum(w, "lead")));
        any = true;
    }
    if (any)
        put(b, "\n");
    const json_t *shares = jobj(g, "threats");
    size_t nt = 0;
    bool oom = false;
    const char **tk = key_order(&nt, &oom, shares, threats);
    b->oom = b->oom || oom;
    for (size_t h = 0; h < nt; h++) {
        const json_t *t = jobj(shares, tk[h]);
        if (json_is_true(json_object_get(t, "critical")))
            put(b, "  critical threat: %s, %.0f%% of the harm at the peak\n", text_shown(tk[h]),
                pct(jnum(t, "share"), 1));
    }
    free(tk);
    put(b, "    %-14s %6s  %-11s %8s %7s %7s %7s %7s\n", "dimension", "y", "phase", "baseline",
        "1st", "2nd", "3rd", "4+");
    const json_t *dims = jobj(peak, "dimensions");
    for (int d = 0; d < HSEC_DIM_COUNT; d++) {
        const char *name = hsec_enum_name(HSEC_ENUM_DIMENSION, d);
        const json_t *dim = jobj(dims, name), *ord = json_object_get(dim, "orders");
        double y = jnum(dim, "y"), p[1 + HSEC_ORDER_COUNT];
        p[0] = y;
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++) {
            p[1 + o] = json_number_value(json_array_get(ord, o));
            p[0] -= p[1 + o];
        }
        long long f[1 + HSEC_ORDER_COUNT];
        bool split = split_thousandths(f, p, 1 + HSEC_ORDER_COUNT, y);
        put(b, "    %-14s %6s  %-11s", name, idx(y), jshown(dim, "phase", "?"));
        for (size_t o = 0; o <= HSEC_ORDER_COUNT; o++)
            put(b, " %*s", o ? 7 : 8, idx(split ? (double)f[o] / 1000 : p[o]));
        put(b, "\n");
    }
}

int text_results(char **out, size_t *len, const json_t *doc, char *err, size_t errlen)
{
    const json_t *groups = jobj(doc, "groups"), *bd = jobj(doc, "burden");
    const char *mode = jstr(doc, "mode", NULL);
    if (!json_is_object(doc) || !groups || !bd || !mode) {
        snprintf(err, errlen, "not a results document (no %s)",
                 !json_is_object(doc) ? "object" : !mode ? "\"mode\""
                 : !groups ? "\"groups\" object" : "\"burden\" object");
        return HSEC_EINVAL;
    }
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const json_t *sum = jobj(doc, "scenario");
    const json_t *gl = json_object_get(sum, "groups"), *tl = json_object_get(sum, "threats");
    bool dynamic = strcmp(mode, "dynamic") == 0;
    char unit[320];
    snprintf(unit, sizeof unit, "%s", text_shown(jstr(doc, "step_unit", "step")));
    const char *bounded = json_is_false(json_object_get(doc, "bounded")) ? "linear" : "bounded";
    const char *per = dynamic ? unit : "equivalent";
    if (dynamic)
        put(&b, "hsec %s: dynamic run over %s %ss (%s)\n", hsec_version_string(),
            whole(jnum(doc, "steps")), unit, bounded);
    else
        put(&b, "hsec %s: static equilibrium (%s)\n", hsec_version_string(), bounded);
    size_t ng = json_object_size(groups);
    if (sum)
        put(&b, "%zu groups, %zu services, %s nodes, %s links\n", ng,
            json_array_size(json_object_get(sum, "services")), whole(jnum(sum, "nodes")),
            whole(jnum(sum, "links")));
    else
        put(&b, "%zu groups\n", ng);
    doc_measures(&b, doc, sum);
    const json_t *warns = json_object_get(doc, "warnings");
    if (json_array_size(warns)) {
        put(&b, "\nWARNINGS (the run is complete; these are probably not meant)\n");
        for (size_t i = 0; i < json_array_size(warns); i++) {
            const json_t *w = json_array_get(warns, i);
            put(&b, "  %s: %s\n", text_shown(jstr(w, "code", "warning")),
                text_shown(jstr(w, "message", "")));
        }
    }
    const json_t *af = jobj(doc, "multidimensional");
    put(&b, "\nTERMS\n");
    put(&b, "  y: a dimension's loss of vital core, 0 (none) to 1 (all); a group's "
            "vital-core index weighs its dimensions' y\n");
    put(&b, "  person-equivalents affected: a group's people x its vital-core index\n");
    if (dynamic)
        put(&b, "  burden: person-%ss of lost vital core, the person-equivalents affected "
                "summed over the %ss\n", unit, unit);
    else
        put(&b, "  burden: person-equivalents of lost vital core at the equilibrium\n");
    put(&b, "  multidimensionally insecure: the people of the groups whose weighted "
            "deprivation score (the dimensions with y >= %s) reaches %s (Alkire-Foster)\n",
        idx(jnum(af, "cutoff")), idx(jnum(af, "k")));

    double total = jnum(bd, "total"), prop = jnum(bd, "propagated");
    put(&b, "\nBURDEN (person-%ss of lost vital core)\n", per);
    put(&b, "  total %s = chronic baseline %s + caused by threats %s\n", whole(total),
        whole(jnum(bd, "baseline")), whole(prop));
    static const char *const ord[4] = {"1st order (direct)", "2nd order", "3rd order",
                                       "4th and higher"};
    const json_t *orders = json_object_get(bd, "orders");
    for (size_t o = 0; o < 4; o++)
        share_row(&b, "  ", 26, ord[o], json_number_value(json_array_get(orders, o)), prop);
    const json_t *bands = jobj(bd, "bands");
    if (bands) {
        static const char *const names[3] = {"short", "medium", "long"};
        static const char *const labels[3] = {"short term", "medium term", "long term"};
        for (size_t i = 0; i < 3; i++)
            share_row(&b, "  ", 26, labels[i], jnum(bands, names[i]), prop);
    }
    put(&b, "  by actor:\n");
    const json_t *actors = jobj(bd, "actors");
    for (int a = 0; a < HSEC_THREAT_ACTOR_COUNT; a++) {
        const char *name = hsec_enum_name(HSEC_ENUM_THREAT_ACTOR, a);
        if (json_object_get(actors, name))
            share_row(&b, "    ", 24, name, jnum(actors, name), prop);
    }
    put(&b, "  by threat:\n");
    const json_t *bt = jobj(bd, "threats");
    size_t n = 0;
    const char **keys = key_order(&n, &b.oom, bt, tl);
    for (size_t h = 0; h < n; h++)
        share_row(&b, "    ", 24, keys[h], jnum(bt, keys[h]), prop);
    free(keys);
    const json_t *topics = jobj(bd, "topics");
    if (topics) {
        put(&b, "  by cross-cutting topic (a threat counts under each of its topics: they "
                "overlap and do not add up):\n");
        for (int k = 0; k <= HSEC_TOPIC_COUNT; k++) {
            const char *name = k < HSEC_TOPIC_COUNT ? hsec_enum_name(HSEC_ENUM_TOPIC, k) : "none";
            if (json_object_get(topics, name))
                share_row(&b, "    ", 34, k < HSEC_TOPIC_COUNT ? name : "(no topic)",
                          jnum(topics, name), prop);
        }
    }
    put(&b, "  by group:\n");
    const json_t *bg = jobj(bd, "groups");
    keys = key_order(&n, &b.oom, groups, gl);
    for (size_t g = 0; g < n; g++) {
        double x = jnum(bg, keys[g]), size = jnum(jobj(groups, keys[g]), "size");
        put(&b, "    %-24s %14s  %5.1f%%  (%s per person)\n", text_shown(keys[g]), whole(x),
            pct(x, prop), per_person(size > 0 ? x / size : 0));
    }
    free(keys);
    put(&b, "  by region where people live (a region includes the regions below it; only "
            "regions without a parent add up to the total):\n");
    const json_t *br = jobj(bd, "regions");
    keys = key_order(&n, &b.oom, br, json_object_get(sum, "regions"));
    for (size_t i = 0; i < n; i++)
        if (jnum(br, keys[i]) > 0)
            share_row(&b, "    ", 24, keys[i], jnum(br, keys[i]), prop);
    free(keys);

    const json_t *fl = jobj(bd, "flags");
    if (json_object_size(fl) > 1) { /* population and some flag */
        put(&b, "\nDIFFERENTIATED IMPACTS (a group counts under each of its flags; burden "
                "per person in person-%ss, and how many times the population's)\n", per);
        put(&b, "  %-12s %12s %14s %12s %8s\n", "who", "people", "burden", "per person",
            "ratio");
        for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* everyone first */
            int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
            const json_t *e = jobj(fl, f < HSEC_FLAG_COUNT ? hsec_enum_name(HSEC_ENUM_FLAG, f)
                                                           : "population");
            if (!e)
                continue;
            const json_t *ratio = json_object_get(e, "ratio");
            put(&b, "  %-12s %12s %14s %12s %8s\n",
                f < HSEC_FLAG_COUNT ? hsec_enum_name(HSEC_ENUM_FLAG, f) : "everyone",
                whole(jnum(e, "people")), whole(jnum(e, "burden")),
                json_is_number(json_object_get(e, "per_capita"))
                    ? per_person(jnum(e, "per_capita")) : "-",
                f == HSEC_FLAG_COUNT ? "1.00"
                : json_is_number(ratio) ? text_num(json_number_value(ratio), 2) : "-");
        }
    }

    const json_t *afp = jobj(af, "peak"), *afl = jobj(af, "last");
    put(&b, "\nMULTIDIMENSIONAL INSECURITY (Alkire-Foster; H: the share of people "
            "multidimensionally insecure, A: their mean deprivation score, M0 = H x A)\n");
    put(&b, "  at each group's peak: %.1f%% of people multidimensionally insecure (H), "
            "mean score %s (A), M0 %s\n", pct(jnum(afp, "H"), 1), idx(jnum(afp, "A")),
        idx(jnum(afp, "M0")));
    if (dynamic)
        put(&b, "  at the last step:     %.1f%% of people multidimensionally insecure (H), "
                "mean score %s (A), M0 %s\n", pct(jnum(afl, "H"), 1), idx(jnum(afl, "A")),
            idx(jnum(afl, "M0")));

    const json_t *threats = jobj(doc, "threats");
    keys = key_order(&n, &b.oom, threats, tl);
    if (n)
        put(&b, "\nTHREATS (critical for a group: the cause of a large share of its harm at "
                "its peak)\n");
    for (size_t h = 0; h < n; h++) {
        const json_t *t = jobj(threats, keys[h]);
        put(&b, "  %-24s %-22s critical for groups holding %5.1f%% of people%s\n",
            text_shown(keys[h]), text_shown(jstr(t, "actor", "?")),
            pct(jnum(t, "population_share"), 1),
            json_is_true(json_object_get(t, "pervasive")) ? ": PERVASIVE" : "");
    }
    free(keys);

    const json_t *nodes = jobj(doc, "nodes");
    bool head = false;
    keys = key_order(&n, &b.oom, nodes, json_object_get(sum, "recorded"));
    for (size_t k = 0; dynamic && k < n; k++) {
        const json_t *q = json_object_get(jobj(nodes, keys[k]), "series");
        size_t slen = json_array_size(q), worst = 0;
        if (!slen)
            continue;
        if (!head)
            put(&b, "\nRECORDED NODES (degradation q 0..1: worst and last)\n");
        head = true;
        for (size_t t = 1; t < slen; t++)
            if (json_number_value(json_array_get(q, t)) >
                json_number_value(json_array_get(q, worst)))
                worst = t;
        put(&b, "  %-32s %s at %s %-6zu %s at %s %zu\n", text_shown(keys[k]),
            idx(json_number_value(json_array_get(q, worst))), unit, worst,
            idx(json_number_value(json_array_get(q, slen - 1))), unit, slen - 1);
    }
    free(keys);

    put(&b, "\nGROUPS (%s; per dimension, y = chronic baseline + the part caused by "
            "threats, by order of effect: 1st (direct), 2nd, 3rd, 4+)\n",
        dynamic ? "at each group's peak" : "at the equilibrium");
    keys = key_order(&n, &b.oom, groups, gl);
    for (size_t g = 0; g < n; g++)
        doc_group(&b, keys[g], jobj(groups, keys[g]), tl, dynamic, unit);
    free(keys);
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

/* A number of the comparison's tree: o[key] (NaN when missing or null). */
static double cnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* o[a][b] as a number (NaN when missing). */
static double cnum2(const json_t *o, const char *a, const char *b)
{
    return cnum(json_object_get(o, a), b);
}

/* A table of packages against the no-measure baseline, from the
 * comparison document's tree (hsec_doc_compare_json_with); the scenario
 * gives the names and each package's tasks. */
int text_compare(char **out, size_t *len, const json_t *doc, const hsec_scenario *s)
{
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const hsec_compiled *c = hsec_scenario_compiled(s);
    const json_t *base = json_object_get(doc, "baseline");
    const json_t *pks = json_object_get(doc, "packages");
    size_t np = hsec_scenario_package_count(s);
    const json_t **pk = calloc(np ? np : 1, sizeof *pk);
    if (!pk) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    for (size_t p = 0; p < np; p++)
        pk[p] = json_object_get(pks, hsec_scenario_package_id(s, p));
    bool dynamic = strcmp(jstr(doc, "mode", ""), "dynamic") == 0;
    const char *unit = dynamic ? hsec_scenario_step_unit(s) : "equivalent";
    double bprop = cnum(base, "propagated");
    if (dynamic)
        put(&b, "hsec %s: courses of action over %.0f %ss\n", hsec_version_string(),
            cnum(doc, "steps"), unit);
    else
        put(&b, "hsec %s: courses of action at equilibrium\n", hsec_version_string());
    put(&b, "Without any measure, the threats cost %s person-%ss of vital core (the "
            "burden).\n", whole(bprop), unit);
    put(&b, "Averted: that burden minus the burden with only the package's measures.\n\n");

    static const char *const bands[3] = {"short", "medium", "long"};
    put(&b, "%-18s %14s %14s %7s", "package", "cost", "averted", "share");
    if (dynamic)
        put(&b, " %14s %14s %14s", bands[0], bands[1], bands[2]);
    put(&b, " %14s\n", "per 1M cost");
    for (size_t p = 0; p < np; p++) {
        const json_t *av = json_object_get(pk[p], "averted");
        double cost = cnum(pk[p], "cost");
        double a = cnum(av, "propagated");
        put(&b, "%-18s %14s %14s %6.1f%%", hsec_scenario_package_id(s, p), whole(cost),
            whole(a), pct(a, bprop));
        if (dynamic)
            for (size_t i = 0; i < 3; i++)
                put(&b, " %14s", whole(cnum2(av, "bands", bands[i])));
        if (cost > 0)
            put(&b, " %14s\n", amount(a / cost * 1e6));
        else
            put(&b, " %14s\n", "(no cost)");
    }

    put(&b, "\nAverted by order of effect (share of the package's averted burden; a measure "
            "can move harm between orders, but never raises the total)\n");
    put(&b, "%-18s %9s %9s %9s %9s\n", "package", "1st", "2nd", "3rd", "4+");
    for (size_t p = 0; p < np; p++) {
        const json_t *av = json_object_get(pk[p], "averted");
        const json_t *ord = json_object_get(av, "orders");
        double a = cnum(av, "propagated");
        put(&b, "%-18s", hsec_scenario_package_id(s, p));
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++) {
            const json_t *x = json_array_get(ord, o);
            put(&b, " %8.1f%%", pct(json_is_number(x) ? json_number_value(x) : NAN, a));
        }
        put(&b, "\n");
    }

    put(&b, "\nAverted by group (person-%ss; %% of the group's burden without measures)\n",
        unit);
    put(&b, "%-20s %14s", "group", "baseline");
    for (size_t p = 0; p < np; p++)
        put(&b, " %22s", hsec_scenario_package_id(s, p));
    put(&b, "\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        const char *id = hsec_compiled_group_id(c, g);
        double bg = cnum2(base, "groups", id);
        put(&b, "%-20s %14s", id, whole(bg));
        for (size_t p = 0; p < np; p++) {
            double a = cnum2(json_object_get(pk[p], "averted"), "groups", id);
            put(&b, " %14s %6.1f%%", whole(a), pct(a, bg));
        }
        put(&b, "\n");
    }
    unsigned used = flags_used(c);
    if (used) {
        put(&b, "\nAverted per person, by who is hurt (a group counts under each of its flags)\n");
        put(&b, "%-20s %14s", "who", "baseline");
        for (size_t p = 0; p < np; p++)
            put(&b, " %22s", hsec_scenario_package_id(s, p));
        put(&b, "\n");
        for (int k = 0; k <= HSEC_FLAG_COUNT; k++) { /* everyone first */
            int f = k == 0 ? HSEC_FLAG_COUNT : k - 1;
            if (f < HSEC_FLAG_COUNT && !(used & (1u << f)))
                continue;
            const char *name = f < HSEC_FLAG_COUNT ? hsec_enum_name(HSEC_ENUM_FLAG, f)
                                                   : "population";
            double v = cnum(json_object_get(json_object_get(base, "flags"), name), "per_capita");
            put(&b, "%-20s %14s", f < HSEC_FLAG_COUNT ? name : "everyone", per_person(v));
            for (size_t p = 0; p < np; p++) {
                const json_t *fl = json_object_get(json_object_get(pk[p], "burden"), "flags");
                double w = cnum(json_object_get(fl, name), "per_capita");
                put(&b, " %14s %6.1f%%", per_person(v - w), pct(v - w, v));
            }
            put(&b, "\n");
        }
    }
    unsigned topics = 0; /* the topics in use, bit HSEC_TOPIC_COUNT: none */
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        unsigned tp = 0;
        hsec_scenario_threat_topics(&tp, s, h);
        topics |= tp ? tp : 1u << HSEC_TOPIC_COUNT;
    }
    if (!(topics & ((1u << HSEC_TOPIC_COUNT) - 1)))
        topics = 0;
    for (size_t p = 0; p < np; p++) {
        buf k2 = {malloc(256), 0, 256, false};
        unsigned char *mask = malloc(hsec_scenario_measure_count(s) + 1);
        if (!k2.p || !mask) {
            b.oom = true;
            free(k2.p);
            free(mask);
            break;
        }
        k2.p[0] = '\0';
        hsec_scenario_package_mask(mask, hsec_scenario_measure_count(s), s, p);
        tasks(&k2, mask, s, "  ");
        free(mask);
        const json_t *by = json_object_get(pk[p], "averted_by_branch");
        bool br = json_object_size(by) > 0;
        if (topics || br || k2.len) {
            put(&b, "\nPackage %s\n", hsec_scenario_package_id(s, p));
            const json_t *tp = json_object_get(json_object_get(pk[p], "averted"), "topics");
            if (topics)
                put(&b, "  averted by cross-cutting topic (a threat counts under each of its "
                        "topics: they overlap and do not add up):\n");
            for (int k = 0; topics && k <= HSEC_TOPIC_COUNT; k++) {
                if (!(topics & (1u << k)))
                    continue;
                const char *name = k < HSEC_TOPIC_COUNT ? hsec_enum_name(HSEC_ENUM_TOPIC, k)
                                                        : "none";
                double x = cnum(tp, name);
                put(&b, "    %-34s %14s  %5.1f%%\n", k < HSEC_TOPIC_COUNT ? name : "(no topic)",
                    text_num(x, 0), pct(x, bprop));
            }
            if (br) {
                put(&b, "  averted by branch (each branch's measures of the package alone; "
                        "they do not add up to the package's):\n");
                for (int k = 1; k <= HSEC_BRANCH_COUNT; k++) {
                    int want = k % HSEC_BRANCH_COUNT;
                    double x = cnum(by, hsec_enum_name(HSEC_ENUM_BRANCH, want));
                    if (!isnan(x))
                        put(&b, "    %-34s %14s  %5.1f%%\n",
                            want ? hsec_enum_name(HSEC_ENUM_BRANCH, want) : "(no branch named)",
                            whole(x), pct(x, bprop));
                }
            }
            if (k2.len)
                put(&b, "%s", k2.p);
        }
        b.oom = b.oom || k2.oom;
        free(k2.p);
    }
    put(&b, "\nAverted by region where people live (a region includes the regions below it)\n");
    for (size_t i = 0; i < hsec_compiled_region_count(c); i++) {
        const char *id = hsec_compiled_region_id(c, i);
        double br = cnum2(base, "regions", id);
        if (!(br > 0))
            continue;
        put(&b, "%-20s %14s", id, whole(br));
        for (size_t p = 0; p < np; p++) {
            double a = cnum2(json_object_get(pk[p], "averted"), "regions", id);
            put(&b, " %14s %6.1f%%", whole(a), pct(a, br));
        }
        put(&b, "\n");
    }
    free(pk);
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
    put(&b, "\n%4s  %-30s %-17s %-14s %14s %11s %11s %11s %11s\n", "rank", "node", "kind",
        "region", "marginal", "dependency", "influence", "overall dep", "overall inf");
    size_t shown = top && top < listed ? top : listed, k = 0;
    for (size_t j = 0; j < n && k < shown; j++) {
        size_t i = order[j];
        if (sel && !sel[i])
            continue;
        const char *kind, *region;
        node_place(c, i, &kind, &region);
        put(&b, "%4zu  %-30s %-17s %-14s %14s %11s %11s %11s %11s\n", ++k,
            hsec_compiled_node_name(c, i), kind, region, amount(u[i]), idx(ix[i]),
            idx(ix[n + i]), idx(ix[2 * n + i]), idx(ix[3 * n + i]));
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
        put(b, "%s%s (%s, cost %s)", any ? ", " : "", hsec_scenario_measure_id(s, m),
            hsec_enum_name(HSEC_ENUM_MEASURE_KIND, (int)kind),
            whole(hsec_scenario_measure_cost(s, m)));
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
    put(&b, "CHOICE UNDER A BUDGET OF %s (%s)\n", whole(budget),
        is_exact ? "exact: the best subset within the budget"
                 : "greedy: the best averted burden per unit cost, one measure at a time");
    put(&b, "chosen: ");
    list_measures(&b, chosen, s);
    put(&b, "cost %s; averts %s person-%ss of burden, %.1f%% of the %s the threats cause",
        whole(cost), whole(averted), unit, pct(averted, total), whole(total));
    if (cost > 0)
        put(&b, "; %s per 1M of cost", amount(averted / cost * 1e6));
    put(&b, "\n");
    if (exact && !is_exact) {
        if (xav > averted * (1 + 1e-12) + 1e-300) {
            put(&b, "the exact search does better: averts %s at cost %s with ", whole(xav),
                whole(xcost));
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

/* A row of quantiles, with dec decimals. */
static void qrow(buf *b, const char *label, const hsec_ensemble *e, hsec_quantity what,
                 size_t index, size_t sub, const double *qs, size_t nq, int dec)
{
    put(b, "  %-32s", label);
    for (size_t i = 0; i < nq; i++) {
        double x = 0;
        hsec_ensemble_quantile(&x, e, what, index, sub, qs[i]);
        put(b, " %14s", text_num(x, dec));
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
    put(&b, "  %-32s", "quantile");
    for (size_t i = 0; i < nq; i++) {
        char q[32];
        snprintf(q, sizeof q, "p%g", 100 * qs[i]);
        put(&b, " %14s", q);
    }
    double mode = 0;
    hsec_scenario_get_option(&mode, s, HSEC_OPT_MODE);
    put(&b, "\nburden (person-%ss of lost vital core)\n",
        mode == HSEC_MODE_DYNAMIC ? hsec_scenario_step_unit(s) : "equivalent");
    qrow(&b, "caused by threats", e, HSEC_QTY_BURDEN, HSEC_BURDEN_PROPAGATED, 0, qs, nq, 0);
    static const char *const bands[3] = {"  short term", "  medium term", "  long term"};
    for (size_t i = 0; i < 3; i++)
        qrow(&b, bands[i], e, HSEC_QTY_BURDEN, HSEC_BURDEN_BAND, i, qs, nq, 0);
    static const char *const ords[4] = {"  1st order", "  2nd order", "  3rd order", "  4+"};
    for (size_t i = 0; i < 4; i++)
        qrow(&b, ords[i], e, HSEC_QTY_BURDEN, HSEC_BURDEN_ORDER, i, qs, nq, 0);
    for (size_t h = 0; h < hsec_scenario_threat_count(s); h++) {
        char label[96];
        snprintf(label, sizeof label, "  threat %s", hsec_scenario_threat_id(s, h));
        qrow(&b, label, e, HSEC_QTY_BURDEN, HSEC_BURDEN_THREAT, h, qs, nq, 0);
    }
    put(&b, "vital-core index at each group's peak\n");
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++)
        qrow(&b, hsec_compiled_group_id(c, g), e, HSEC_QTY_GROUP_PEAK, g, 0, qs, nq, 3);
    size_t nrec;
    const size_t *rec = hsec_scenario_recorded(s, &nrec);
    if (nrec)
        put(&b, "recorded nodes, last value\n");
    for (size_t k = 0; k < nrec; k++)
        qrow(&b, hsec_compiled_node_name(c, rec[k]), e, HSEC_QTY_RECORDED, rec[k], 0, qs, nq,
             3);
    if (b.oom) {
        free(b.p);
        return HSEC_ENOMEM;
    }
    *out = b.p;
    *len = b.len;
    return HSEC_OK;
}

/* ---- CSV (RFC 4180): a header row per table, CRLF line ends, text
 * quoted by libcsv when it holds a comma, a quote, a line break or a space
 * at either end; numbers as %.17g (they read back bit for bit); an empty
 * field for a figure the document leaves null. */

static void csv_text(buf *b, const char *s, bool first)
{
    size_t n = strlen(s);
    if (!first)
        put(b, ",");
    if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                                          s[n - 1] == '\t'))) {
        put(b, "%s", s);
        return;
    }
    size_t need = csv_write(NULL, 0, s, n);
    char *q = malloc(need + 1);
    if (!q) {
        b->oom = true;
        return;
    }
    csv_write(q, need, s, n);
    q[need] = '\0';
    put(b, "%s", q);
    free(q);
}

/* A number of the document (an empty field when it is not one). */
static void csv_num(buf *b, const json_t *v)
{
    if (json_is_number(v))
        put(b, ",%.17g", json_number_value(v));
    else
        put(b, ",");
}

static void csv_header(buf *b, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        csv_text(b, cols[i], i == 0);
    put(b, "\r\n");
}

static int csv_finish(buf *b, char **out, size_t *len)
{
    if (b->oom) {
        free(b->p);
        return HSEC_ENOMEM;
    }
    *out = b->p;
    *len = b->len;
    return HSEC_OK;
}

/* A service's entry in a results document's summary, by id. */
static const json_t *service_of(const json_t *services, const char *id)
{
    for (size_t i = 0; i < json_array_size(services); i++)
        if (strcmp(jstr(json_array_get(services, i), "id", ""), id) == 0)
            return json_array_get(services, i);
    return NULL;
}

/* The nodes in the model's order (each group's dimensions, then the
 * services: an encoding may sort the document's keys), from the summary;
 * NULL (the document's own order) without one. A new reference. */
static json_t *node_list(const json_t *sum)
{
    const json_t *groups = json_object_get(sum, "groups"), *svc = json_object_get(sum, "services");
    if (!json_is_array(groups) || !json_is_array(svc))
        return NULL;
    json_t *list = json_array();
    char name[1024];
    for (size_t g = 0; list && g < json_array_size(groups); g++)
        for (int d = 0; d < HSEC_DIM_COUNT; d++) {
            const char *id = json_string_value(json_array_get(groups, g));
            snprintf(name, sizeof name, "%s.%s", id ? id : "",
                     hsec_enum_name(HSEC_ENUM_DIMENSION, d));
            json_array_append_new(list, json_string(name));
        }
    for (size_t k = 0; list && k < json_array_size(svc); k++)
        json_array_append(list, json_object_get(json_array_get(svc, k), "id"));
    return list;
}

int text_csv_results(char **out, size_t *len, const json_t *doc, char *err, size_t errlen)
{
    const json_t *groups = jobj(doc, "groups"), *nodes = jobj(doc, "nodes");
    if (!groups || !nodes || !jobj(doc, "burden")) {
        snprintf(err, errlen, "not a results document (no %s)",
                 !groups ? "\"groups\" object" : !nodes ? "\"nodes\" object"
                                                      : "\"burden\" object");
        return HSEC_EINVAL;
    }
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const json_t *sum = jobj(doc, "scenario"), *svc = json_object_get(sum, "services");
    static const char *const ncols[] = {"node", "kind", "region", "group", "dimension", "q",
                                        "order1", "order2", "order3", "order4"};
    csv_header(&b, ncols, sizeof ncols / sizeof *ncols);
    json_t *order = node_list(sum);
    size_t nn = 0;
    const char **nk = key_order(&nn, &b.oom, nodes, order); /* names in order's strings */
    for (size_t i = 0; i < nn; i++) {
        const char *name = nk[i];
        const json_t *v = json_object_get(nodes, name);
        const json_t *s = service_of(svc, name);
        const char *dot = strrchr(name, '.');
        char group[512] = "";
        const char *dim = "", *kind = s ? jstr(s, "kind", "") : "", *region = "";
        if (s) {
            region = jstr(s, "region", "");
        } else if (dot && (size_t)(dot - name) < sizeof group) {
            memcpy(group, name, (size_t)(dot - name));
            group[dot - name] = '\0';
            if (jobj(groups, group)) {
                kind = "group";
                dim = dot + 1;
                region = jstr(jobj(groups, group), "region", "");
            } else {
                group[0] = '\0';
            }
        }
        csv_text(&b, name, true);
        csv_text(&b, kind, false);
        csv_text(&b, region, false);
        csv_text(&b, group, false);
        csv_text(&b, dim, false);
        csv_num(&b, json_object_get(v, "q"));
        for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
            csv_num(&b, json_array_get(json_object_get(v, "orders"), o));
        put(&b, "\r\n");
    }
    static const char *const scols[] = {"node", "step", "q"};
    put(&b, "\r\n");
    csv_header(&b, scols, 3);
    for (size_t i = 0; i < nn; i++) {
        const json_t *q = json_object_get(json_object_get(nodes, nk[i]), "series");
        for (size_t t = 0; t < json_array_size(q); t++) {
            csv_text(&b, nk[i], true);
            put(&b, ",%zu", t);
            csv_num(&b, json_array_get(q, t));
            put(&b, "\r\n");
        }
    }
    static const char *const gcols[] = {"group", "at", "step", "index", "phase", "people",
                                        "dimension", "y", "dimension_phase", "baseline",
                                        "order1", "order2", "order3", "order4"};
    put(&b, "\r\n");
    csv_header(&b, gcols, sizeof gcols / sizeof *gcols);
    size_t n = 0;
    const char **keys = key_order(&n, &b.oom, groups, json_object_get(sum, "groups"));
    static const char *const ats[2] = {"peak", "last"};
    for (size_t g = 0; g < n; g++) {
        for (int a = 0; a < 2; a++) {
            const json_t *f = jobj(jobj(groups, keys[g]), ats[a]);
            for (int d = 0; d < HSEC_DIM_COUNT; d++) {
                const char *dn = hsec_enum_name(HSEC_ENUM_DIMENSION, d);
                const json_t *dim = jobj(jobj(f, "dimensions"), dn);
                const json_t *ord = json_object_get(dim, "orders");
                csv_text(&b, keys[g], true);
                csv_text(&b, ats[a], false);
                csv_num(&b, json_object_get(f, "step"));
                csv_num(&b, json_object_get(f, "index"));
                csv_text(&b, jstr(f, "phase", ""), false);
                csv_num(&b, json_object_get(f, "people"));
                csv_text(&b, dn, false);
                csv_num(&b, json_object_get(dim, "y"));
                csv_text(&b, jstr(dim, "phase", ""), false);
                double base = jnum(dim, "y");
                for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
                    base -= json_number_value(json_array_get(ord, o));
                put(&b, ",%.17g", base);
                for (size_t o = 0; o < HSEC_ORDER_COUNT; o++)
                    csv_num(&b, json_array_get(ord, o));
                put(&b, "\r\n");
            }
        }
    }
    free(keys);
    free(nk);
    json_decref(order);
    return csv_finish(&b, out, len);
}

/* The numbers under v, one row each: part (the first key of their place),
 * item (the rest of it, array positions from 1, joined with "."), then
 * what row() adds. */
typedef void (*leaf_fn)(buf *b, const char *part, const char *item, const json_t *v,
                        void *ctx);

static void leaves(buf *b, const json_t *v, const char *part, char *item, size_t used,
                   size_t size, leaf_fn fn, void *ctx, bool (*is_leaf)(const json_t *, void *))
{
    if (is_leaf(v, ctx)) {
        fn(b, part, item, v, ctx);
        return;
    }
    char key[32];
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) {
            int n = snprintf(item + used, size - used, "%s%s", used ? "." : "", k);
            if (n > 0 && (size_t)n < size - used)
                leaves(b, x, part, item, used + (size_t)n, size, fn, ctx, is_leaf);
            item[used] = '\0';
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            snprintf(key, sizeof key, "%zu", i + 1);
            int n = snprintf(item + used, size - used, "%s%s", used ? "." : "", key);
            if (n > 0 && (size_t)n < size - used)
                leaves(b, json_array_get(v, i), part, item, used + (size_t)n, size, fn, ctx,
                       is_leaf);
            item[used] = '\0';
        }
    }
}

static void walk(buf *b, const json_t *v, const char *part, leaf_fn fn, void *ctx,
                 bool (*is_leaf)(const json_t *, void *))
{
    char item[1024] = "";
    leaves(b, v, part, item, 0, sizeof item, fn, ctx, is_leaf);
}

/* ---- compare */

typedef struct cmp_ctx {
    const char *package; /* "" for the baseline */
    const json_t *averted, *pk;
} cmp_ctx;

static bool scalar(const json_t *v, void *ctx)
{
    (void)ctx;
    return json_is_number(v) || json_is_null(v);
}

/* The value at part.item of o (item's keys and 1-based positions). */
static const json_t *at_place(const json_t *o, const char *item)
{
    char seg[1024];
    while (o && *item) {
        size_t n = strcspn(item, ".");
        if (n >= sizeof seg)
            return NULL;
        memcpy(seg, item, n);
        seg[n] = '\0';
        item += n + (item[n] == '.');
        if (json_is_array(o)) {
            char *end;
            unsigned long i = strtoul(seg, &end, 10);
            o = *end || i == 0 ? NULL : json_array_get(o, i - 1);
        } else {
            o = json_object_get(o, seg);
        }
    }
    return o;
}

static void cmp_row(buf *b, const char *part, const char *item, const json_t *v, void *vctx)
{
    cmp_ctx *c = vctx;
    csv_text(b, c->package, true);
    csv_text(b, part, false);
    csv_text(b, item, false);
    csv_num(b, v);
    csv_num(b, c->averted ? at_place(json_object_get(c->averted, part), item) : NULL);
    csv_num(b, json_object_get(c->pk, "cost"));
    csv_num(b, json_object_get(c->pk, "averted_per_cost"));
    put(b, "\r\n");
}

static void branch_row(buf *b, const char *part, const char *item, const json_t *v, void *vctx)
{
    cmp_ctx *c = vctx;
    csv_text(b, c->package, true);
    csv_text(b, part, false);
    csv_text(b, item, false);
    put(b, ",");
    csv_num(b, v);
    csv_num(b, json_object_get(c->pk, "cost"));
    csv_num(b, json_object_get(c->pk, "averted_per_cost"));
    put(b, "\r\n");
}

int text_csv_compare(char **out, size_t *len, const json_t *doc, char *err, size_t errlen)
{
    if (!json_object_get(doc, "baseline")) {
        snprintf(err, errlen, "not a comparison document (no \"baseline\")");
        return HSEC_EINVAL;
    }
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    static const char *const cols[] = {"package", "part", "item", "burden", "averted", "cost",
                                       "averted_per_cost"};
    csv_header(&b, cols, sizeof cols / sizeof *cols);
    const json_t *base = jobj(doc, "baseline"), *pks = jobj(doc, "packages");
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)base, k, x) {
        cmp_ctx c = {"", NULL, NULL};
        walk(&b, x, k, cmp_row, &c, scalar);
    }
    const char *id;
    json_t *pk;
    json_object_foreach((json_t *)pks, id, pk) {
        cmp_ctx c = {id, jobj(pk, "averted"), pk};
        json_object_foreach(jobj(pk, "burden"), k, x)
            walk(&b, x, k, cmp_row, &c, scalar);
        const json_t *by = jobj(pk, "averted_by_branch");
        if (by)
            walk(&b, by, "averted_by_branch", branch_row, &c, scalar);
    }
    return csv_finish(&b, out, len);
}

/* ---- ensemble */

typedef struct q_ctx {
    size_t nq;
    const char *name;
} q_ctx;

static bool quantile_leaf(const json_t *v, void *ctx)
{
    size_t nq = ((const q_ctx *)ctx)->nq;
    if (!json_is_array(v) || json_array_size(v) != nq)
        return false;
    for (size_t i = 0; i < nq; i++)
        if (!json_is_number(json_array_get(v, i)))
            return false;
    return true;
}

static void quantile_row(buf *b, const char *part, const char *item, const json_t *v,
                         void *ctx)
{
    const q_ctx *q = ctx;
    size_t nq = q->nq;
    csv_text(b, part, true);
    csv_text(b, q->name, false);
    csv_text(b, item, false);
    for (size_t i = 0; i < nq; i++)
        csv_num(b, json_array_get(v, i));
    put(b, "\r\n");
}

int text_csv_ensemble(char **out, size_t *len, const json_t *doc, char *err, size_t errlen)
{
    if (!json_object_get(doc, "quantiles")) {
        snprintf(err, errlen, "not an ensemble document (no \"quantiles\")");
        return HSEC_EINVAL;
    }
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    const json_t *qs = json_object_get(doc, "quantiles");
    size_t nq = json_array_size(qs);
    put(&b, "part,name,item");
    for (size_t i = 0; i < nq; i++)
        put(&b, ",p%.15g", 100 * json_number_value(json_array_get(qs, i)));
    put(&b, "\r\n");
    static const char *const parts[] = {"burden", "groups", "nodes"};
    for (size_t p = 0; p < 3; p++) {
        const char *name;
        json_t *v;
        json_object_foreach(json_object_get(doc, parts[p]), name, v) {
            q_ctx q = {nq, name};
            walk(&b, v, parts[p], quantile_row, &q, quantile_leaf);
        }
    }
    return csv_finish(&b, out, len);
}

/* ---- rank */

int text_csv_rank(char **out, size_t *len, const json_t *doc, char *err, size_t errlen)
{
    if (!json_object_get(doc, "rank")) {
        snprintf(err, errlen, "not a ranking document (no \"rank\")");
        return HSEC_EINVAL;
    }
    buf b = {malloc(4096), 0, 4096, false};
    if (!b.p)
        return HSEC_ENOMEM;
    b.p[0] = '\0';
    static const char *const cols[] = {"rank", "node", "kind", "region", "group", "dimension",
                                       "marginal_burden", "dependency", "influence",
                                       "overall_dependency", "overall_influence"};
    csv_header(&b, cols, sizeof cols / sizeof *cols);
    const json_t *rank = json_object_get(doc, "rank");
    for (size_t i = 0; i < json_array_size(rank); i++) {
        const json_t *r = json_array_get(rank, i);
        put(&b, "%zu", i + 1);
        static const char *const text[] = {"node", "kind", "region", "group", "dimension"};
        for (size_t k = 0; k < 5; k++)
            csv_text(&b, jstr(r, text[k], ""), false);
        for (size_t k = 6; k < sizeof cols / sizeof *cols; k++)
            csv_num(&b, json_object_get(r, cols[k]));
        put(&b, "\r\n");
    }
    return csv_finish(&b, out, len);
}
