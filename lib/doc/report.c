/*
 * The HTML report (doc/report.md): one self-contained page a planner can
 * read on screen and print at A4, drawn from the documents the library
 * already writes. Every section reads a document tree: the results
 * document of the report's run, and when the page is made from a
 * scenario, the comparison and ensemble documents and the figures only a
 * model can give (the burden by order over time, the cascade paths), which
 * are computed here through the public API on a copy of the scenario, so
 * the caller's scenario is never changed. Charts are inline SVG written by
 * hand: no script, no network, no file beside the page.
 */
#include "doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Groups drawn and listed one by one; the rest are summed. */
#define TOP_GROUPS 20
/* Groups whose cascade is traced, and the longest path in links. */
#define CASCADE_GROUPS 5
#define CASCADE_LINKS 4
/* Most rows of a series' table, and most points of a line per chart. */
#define MAX_ROWS 400
#define MAX_POINTS 720
/* Most truncated runs that give the burden by order over time. */
#define ORDER_SAMPLES 48

static const char *const dim_label[HSEC_DIM_COUNT] = {
    "economic", "food", "health", "environmental", "personal", "community", "political"};
static const char *const order_label[HSEC_ORDER_COUNT] = {"1st order", "2nd order",
                                                          "3rd order", "4th+ order"};
static const char *const band_key[HSEC_BAND_COUNT] = {"short", "medium", "long"};
static const char *const phase_label[HSEC_PHASE_COUNT] = {"minimal", "stressed", "crisis",
                                                          "emergency", "catastrophe"};
/* Okabe & Ito's colour-blind-safe palette; each line also has its dash. */
static const char *const dim_colour[HSEC_DIM_COUNT] = {"#E69F00", "#56B4E9", "#009E73",
                                                       "#8C7A00", "#0072B2", "#D55E00",
                                                       "#CC79A7"};
static const char *const dim_dash[HSEC_DIM_COUNT] = {"", "7 3", "2 2", "9 3 2 3", "1 3",
                                                     "12 4", "4 2 1 2"};

/* ------------------------------------------------------------ the page */

/* The text is built behind a header that hsec_free_string reads. */
typedef struct sink {
    const hsec_allocator *a;
    char *buf;
    size_t n, cap;
    bool oom;
} sink;

static void put_n(sink *o, const char *s, size_t n)
{
    if (o->oom || HD_RESERVE(o->a, o->buf, o->cap, o->n + n + 1)) {
        o->oom = true;
        return;
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

static void put(sink *o, const char *s)
{
    put_n(o, s, strlen(s));
}

static void putf(sink *o, const char *fmt, ...) HD_PRINTF(2, 3);
static void putf(sink *o, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->oom = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        put_n(o, small, (size_t)n);
        return;
    }
    char *big = hd_alloc(o->a, (size_t)n + 1);
    if (!big) {
        o->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    put_n(o, big, (size_t)n);
    hd_release(o->a, big);
}

/* Text from a document, escaped for HTML text and attribute values;
 * control characters, which a page cannot show, become '?'. */
static void esc(sink *o, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((unsigned char)*s < 0x20 || *s == 0x7f)
                rep = "?";
        }
        if (rep) {
            put_n(o, run, (size_t)(s - run));
            put(o, rep);
            run = s + 1;
        }
    }
    put_n(o, run, (size_t)(s - run));
}

/* x with `dec` decimals and thousands separators ("1,234,567.8"); "n/a"
 * when not a finite number (a sum a hand-made document overflows). */
static const char *fnum(char *buf, size_t size, double x, int dec)
{
    if (!isfinite(x)) {
        snprintf(buf, size, "n/a");
        return buf;
    }
    char raw[400];
    snprintf(raw, sizeof raw, "%.*f", dec, x);
    const char *p = raw;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (neg && strspn(p, "0.") == strlen(p)) /* no "-0.000" */
        neg = false;
    size_t digits = strcspn(p, "."), k = 0;
    if (neg && k + 1 < size)
        buf[k++] = '-';
    for (size_t i = 0; i < digits && k + 2 < size; i++) {
        if (i && (digits - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = p[i];
    }
    for (const char *f = p + digits; *f && k + 1 < size; f++)
        buf[k++] = *f;
    buf[k] = '\0';
    return buf;
}

/* A burden or a count of people: whole above 1,000, else with decimals. */
static int dec_of(double x)
{
    double a = fabs(x);
    return a >= 1000 ? 0 : a >= 1 ? 1 : 3;
}

typedef struct num {
    char s[448]; /* 1e308 with separators: 415 bytes */
} num;

static num N(double x, int dec)
{
    num r;
    fnum(r.s, sizeof r.s, x, dec);
    return r;
}
#define B(x) (N((x), dec_of(x)).s)     /* a burden */
#define Y(x) (N((x), 3).s)             /* an index, an insecurity */
#define PCT(x) (pct_text((x)).s)       /* a share */

static num pct_text(double share)
{
    num r;
    if (!isfinite(share)) {
        snprintf(r.s, sizeof r.s, "n/a");
        return r;
    }
    fnum(r.s, sizeof r.s - 1, share * 100, 1);
    strcat(r.s, "%");
    return r;
}

/* ----------------------------------------------------------- documents */

static const hd *get(const hd *o, const char *key)
{
    return o && o->t == HD_OBJ ? hd_get(o, key) : NULL;
}

static double numv(const hd *d)
{
    return d && d->t == HD_NUM ? d->num : NAN;
}

static double getn(const hd *o, const char *key)
{
    return numv(get(o, key));
}

static const char *gets(const hd *o, const char *key)
{
    const hd *d = get(o, key);
    return d && d->t == HD_STR ? d->str : NULL;
}

/* Items of an array (a tree's or a series'). */
static size_t alen(const hd *a)
{
    return a && (a->t == HD_ARR || a->t == HD_NUMS) ? a->n : 0;
}

static double aget(const hd *a, size_t i)
{
    if (!a || i >= a->n)
        return NAN;
    if (a->t == HD_NUMS)
        return a->nums[i];
    return a->t == HD_ARR ? numv(a->items[i]) : NAN;
}

static size_t olen(const hd *o)
{
    return o && o->t == HD_OBJ ? o->n : 0;
}

/* -------------------------------------------------- what a page shows */

/* A path of the cascade: nodes from the group's dimension backwards. */
typedef struct cpath {
    size_t group;                   /* position in rep.shown */
    size_t len;                     /* nodes */
    char *name[CASCADE_LINKS + 1];  /* node names */
    int64_t step[CASCADE_LINKS + 1];
    double q[CASCADE_LINKS + 1];    /* the node's q at its step */
    double pull[CASCADE_LINKS];     /* a'_ij q_j of link k (node k+1 -> node k) */
    char *threat;                   /* the threat whose target ends it, or NULL */
} cpath;

typedef struct rep {
    sink o;
    const hsec_allocator *a;
    const hd *res, *cmp, *ens;
    bool dynamic, model; /* model: made from a scenario (extras present) */
    size_t steps;
    const char *unit;
    char unit_plural[HD_ID_MAX + 16]; /* "person-days" */
    /* groups: the results document's positions, by burden, the drawn ones */
    size_t ngroups, nshown, *shown;
    double rest_burden, rest_people;
    /* per group drawn (model only): weights and baselines, 7 each; and
     * the series of its dimensions, y(t) */
    double *weight, *base;
    /* burden by order over time (model only): samples at steps at[k] */
    size_t nsample;
    uint64_t *at;
    double *cum; /* nsample x HSEC_ORDER_COUNT, cumulative */
    cpath paths[CASCADE_GROUPS];
    size_t npaths;
    int chart; /* charts drawn, for ids */
} rep;

static const hd *group_of(const rep *R, size_t k)
{
    const hd *g = get(R->res, "groups");
    return g && k < g->n ? g->items[k] : NULL;
}

static const char *group_id(const rep *R, size_t k)
{
    const hd *g = get(R->res, "groups");
    return g && k < g->n ? g->keys[k] : "";
}

static double group_burden(const rep *R, size_t k)
{
    return getn(get(get(R->res, "burden"), "groups"), group_id(R, k));
}

/* ---------------------------------------------------------------- charts */

static void defs(sink *o)
{
    /* patterns shared by every chart, so that shades read without colour */
    put(o, "<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\" "
           "focusable=\"false\"><defs>"
           "<pattern id=\"hs-p0\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
           "<rect width=\"6\" height=\"6\" fill=\"#0072B2\"/></pattern>"
           "<pattern id=\"hs-p1\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
           "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#9fd0ef\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#003a5c\" stroke-width=\"2\"/>"
           "</pattern>"
           "<pattern id=\"hs-p2\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
           "<rect width=\"6\" height=\"6\" fill=\"#f5c97a\"/>"
           "<circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#5c3b00\"/></pattern>"
           "<pattern id=\"hs-p3\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
           "<rect width=\"6\" height=\"6\" fill=\"#f0a58a\"/>"
           "<path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#5c1a00\" stroke-width=\"1\"/></pattern>"
           "<pattern id=\"hs-p4\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
           "<rect width=\"6\" height=\"6\" fill=\"#cfe8cf\"/>"
           "<line x1=\"0\" y1=\"3\" x2=\"6\" y2=\"3\" stroke=\"#1d5c1d\" stroke-width=\"1.2\"/>"
           "</pattern>"
           "<pattern id=\"hs-p5\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">"
           "<rect width=\"6\" height=\"6\" fill=\"#e3c8dc\"/>"
           "<line x1=\"3\" y1=\"0\" x2=\"3\" y2=\"6\" stroke=\"#5c1d4c\" stroke-width=\"1.2\"/>"
           "</pattern>"
           "</defs></svg>\n");
}
#define NPATTERN 6

static void swatch(sink *o, int pattern)
{
    putf(o, "<svg class=\"sw\" width=\"14\" height=\"10\" aria-hidden=\"true\">"
            "<rect width=\"14\" height=\"10\" fill=\"url(#hs-p%d)\" stroke=\"#222\" "
            "stroke-width=\"0.6\"/></svg>",
         pattern % NPATTERN);
}

static void legend(sink *o, const char *const *names, size_t n)
{
    put(o, "<p class=\"legend\">");
    for (size_t k = 0; k < n; k++) {
        swatch(o, (int)k);
        put(o, " ");
        esc(o, names[k]);
        put(o, k + 1 < n ? " &nbsp; " : "");
    }
    put(o, "</p>\n");
}

/* Start a figure: its caption, then the svg; end_chart closes it. */
static void start_chart(rep *R, const char *caption, int w, int h)
{
    sink *o = &R->o;
    R->chart++;
    putf(o, "<figure class=\"chart\" id=\"chart-%d\">\n<figcaption>", R->chart);
    esc(o, caption);
    putf(o, "</figcaption>\n<svg class=\"plot\" viewBox=\"0 0 %d %d\" width=\"%d\" "
            "height=\"%d\" role=\"img\" aria-label=\"",
         w, h, w, h);
    esc(o, caption);
    put(o, "\">\n");
}

static void end_svg(rep *R)
{
    put(&R->o, "</svg>\n");
}

/* The chart's numbers, in a table behind a disclosure. */
static void start_table(rep *R, const char *kind, const char *key, const char *const *head,
                        size_t ncol)
{
    sink *o = &R->o;
    put(o, "<details><summary>The numbers</summary>\n<table class=\"data\" data-kind=\"");
    esc(o, kind);
    put(o, "\" data-key=\"");
    esc(o, key ? key : "");
    put(o, "\">\n<thead><tr>");
    for (size_t k = 0; k < ncol; k++) {
        put(o, "<th scope=\"col\">");
        esc(o, head[k]);
        put(o, "</th>");
    }
    put(o, "</tr></thead>\n<tbody>\n");
}

static void end_table(rep *R)
{
    put(&R->o, "</tbody></table></details>\n</figure>\n");
}

static void cell_text(sink *o, const char *s, bool head)
{
    put(o, head ? "<th scope=\"row\">" : "<td>");
    esc(o, s);
    put(o, head ? "</th>" : "</td>");
}

/* A chart of values over steps 0..len-1 (y in [0, 1]) with the phase
 * bands shaded, the dimensions drawn with their colours and dashes and
 * labelled at their ends. Lines longer than the chart is wide show each
 * pixel's maximum, so that no peak is lost. */
typedef struct line {
    const char *name;
    const double *v;
    const char *colour, *dash;
    double width;
} line;

typedef struct marker {
    double step;
    const char *text;
} marker;

#define LW 720
#define LH 290
#define LL 46
#define LR 118
#define LT 12
#define LB 36

static double lx(double t, size_t len)
{
    return LL + (len > 1 ? t / (double)(len - 1) : 0) * (LW - LL - LR);
}

static double ly(double v)
{
    if (!(v >= 0))
        v = 0;
    if (v > 1)
        v = 1;
    return LT + (1 - v) * (LH - LT - LB);
}

static void x_axis(rep *R, size_t len, double y0)
{
    sink *o = &R->o;
    double last = len ? (double)(len - 1) : 0;
    double tick = 1;
    while (last / tick > 8)
        tick *= last / tick > 40 ? 10 : last / tick > 16 ? 5 : 2;
    for (double t = 0; t <= last; t += tick) {
        double x = lx(t, len);
        putf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>"
                "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
             x, y0, x, y0 + 4, x, y0 + 15, N(t, 0).s);
    }
    putf(o, "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">",
         (LW - LR + LL) / 2, LH - 3);
    esc(o, R->unit ? R->unit : "step");
    put(o, "</text>\n");
}

static void line_chart(rep *R, const char *caption, const char *key, const line *ls, size_t nl,
                       size_t len, const marker *mk, size_t nmk)
{
    sink *o = &R->o;
    start_chart(R, caption, LW, LH);
    /* phase bands, darker for worse, named at the left */
    static const char *const shade[HSEC_PHASE_COUNT] = {"#ffffff", "#f1f1f1", "#e2e2e2",
                                                        "#d0d0d0", "#bdbdbd"};
    for (int p = 0; p < HSEC_PHASE_COUNT; p++) {
        double y1 = ly(0.2 * (p + 1)), y0 = ly(0.2 * p);
        putf(o, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>"
                "<text x=\"%d\" y=\"%.1f\" class=\"band\">%s</text>\n",
             LL, y1, LW - LL - LR, y0 - y1, shade[p], LL + 3, y1 + 10, phase_label[p]);
    }
    for (int k = 0; k <= 5; k++) {
        double y = ly(0.2 * k);
        putf(o, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%.1f</text>"
                "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" "
                "stroke-width=\"0.5\"/>\n",
             LL - 4, y + 3, 0.2 * k, LL, y, LW - LR, y);
    }
    x_axis(R, len, ly(0));
    /* early warnings: a dashed rule at the step, a triangle below */
    for (size_t k = 0; k < nmk; k++) {
        double x = lx(mk[k].step, len);
        putf(o, "<g class=\"warn\"><title>");
        esc(o, mk[k].text);
        putf(o, "</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b00\" "
                "stroke-dasharray=\"3 3\"/><path d=\"M%.1f %.1fl-4 7h8z\" fill=\"#b00\"/></g>\n",
             x, LT, x, ly(0), x, ly(0) - 7);
    }
    size_t stride = len > MAX_POINTS ? (len + MAX_POINTS - 1) / MAX_POINTS : 1;
    double endy[HSEC_DIM_COUNT + 1];
    for (size_t l = 0; l < nl; l++) {
        putf(o, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s%s "
                "points=\"",
             ls[l].colour, ls[l].width, ls[l].dash[0] ? " stroke-dasharray=\"" : "",
             ls[l].dash, ls[l].dash[0] ? "\"" : "");
        for (size_t t = 0; t < len; t += stride) {
            double v = ls[l].v[t];
            size_t at = t;
            for (size_t u = t + 1; u < t + stride && u < len; u++)
                if (ls[l].v[u] > v) {
                    v = ls[l].v[u];
                    at = u;
                }
            putf(o, "%.1f,%.1f ", lx((double)at, len), ly(v));
        }
        put(o, "\"/>\n");
        endy[l] = ly(ls[l].v[len - 1]);
    }
    /* direct labels at the lines' ends, pushed apart to stay legible */
    size_t order[HSEC_DIM_COUNT + 1];
    for (size_t l = 0; l < nl; l++)
        order[l] = l;
    for (size_t i = 1; i < nl; i++)
        for (size_t j = i; j > 0 && endy[order[j]] < endy[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    double prev = -1e9, laby[HSEC_DIM_COUNT + 1];
    for (size_t i = 0; i < nl; i++) {
        double y = endy[order[i]] + 3;
        if (y < prev + 11)
            y = prev + 11;
        laby[order[i]] = prev = y;
    }
    double over = prev - (LH - 4);
    for (size_t l = 0; over > 0 && l < nl; l++)
        laby[l] -= over;
    for (size_t l = 0; l < nl; l++) {
        putf(o, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
                "stroke-width=\"%.1f\"%s%s%s/>"
                "<text x=\"%d\" y=\"%.1f\" class=\"lab\">",
             LW - LR + 4, laby[l] - 3, LW - LR + 22, laby[l] - 3, ls[l].colour, ls[l].width,
             ls[l].dash[0] ? " stroke-dasharray=\"" : "", ls[l].dash,
             ls[l].dash[0] ? "\"" : "", LW - LR + 25, laby[l]);
        esc(o, ls[l].name);
        put(o, "</text>\n");
    }
    end_svg(R);
    if (nmk) {
        put(o, "<p class=\"note\">Early warnings (red marks): ");
        for (size_t k = 0; k < nmk; k++) {
            esc(o, mk[k].text);
            put(o, k + 1 < nmk ? "; " : ".");
        }
        put(o, "</p>\n");
    }
    const char *head[HSEC_DIM_COUNT + 2];
    head[0] = R->unit ? R->unit : "step";
    for (size_t l = 0; l < nl; l++)
        head[l + 1] = ls[l].name;
    start_table(R, "series", key, head, nl + 1);
    size_t rstride = len > MAX_ROWS ? (len + MAX_ROWS - 1) / MAX_ROWS : 1;
    for (size_t t = 0; t < len; t += rstride) {
        put(o, "<tr>");
        cell_text(o, N((double)t, 0).s, true);
        for (size_t l = 0; l < nl; l++)
            cell_text(o, Y(ls[l].v[t]), false);
        put(o, "</tr>\n");
    }
    end_table(R);
    if (rstride > 1)
        putf(o, "<p class=\"note\">The table lists every %zu-th step.</p>\n", rstride);
}

/* Horizontal bars: rows x series. Grouped, with an axis at zero so that a
 * negative value (a package that moves harm between orders) shows; or,
 * with BAR_STACK and no value below zero, one bar per row with its series
 * end to end. BAR_Y prints values as insecurities (3 decimals). */
#define BAR_STACK 1
#define BAR_Y 2
#define BAR_ROWS 4 /* one series: a pattern per row (orders, bands) */

/* A coordinate on the page: finite and near it, whatever a hand-made
 * document's extremes make of a chart's scale. */
static double px(double x)
{
    return x >= -1e5 && x <= 1e5 ? x : x > 1e5 ? 1e5 : x < -1e5 ? -1e5 : 0;
}

static const char *bar_value(double x, int how)
{
    static _Thread_local num n;
    n = (how & BAR_Y) ? N(x, 3) : N(x, dec_of(x));
    return n.s;
}

static void bar_chart(rep *R, const char *caption, const char *kind, const char *key,
                      const char *const *rows, size_t nrows, const char *const *series,
                      size_t nser, const double *v /* nrows x nser */, int how)
{
    sink *o = &R->o;
    double lo = 0, hi = 0;
    bool stack = (how & BAR_STACK) && nser > 1;
    for (size_t k = 0; k < nrows * nser; k++)
        if (isfinite(v[k]) && v[k] < 0)
            stack = false;
    for (size_t r = 0; r < nrows; r++) {
        double sum = 0;
        for (size_t k = 0; k < nser; k++) {
            double x = v[r * nser + k];
            if (!isfinite(x))
                continue;
            sum += x;
            lo = x < lo ? x : lo;
            hi = !stack && x > hi ? x : hi;
        }
        hi = stack && sum > hi ? sum : hi;
    }
    if (hi == lo)
        hi = lo + 1;
    /* room for the longest row label (about 6.5 px a character at 11 px) */
    size_t longest = 0;
    for (size_t r = 0; r < nrows; r++)
        longest = strlen(rows[r]) > longest ? strlen(rows[r]) : longest;
    const int W = LW, right = 110, bh = 11;
    const int label = longest > 36 ? 250 : longest < 12 ? 90 : (int)longest * 13 / 2 + 16;
    int rowh = stack ? 18 : (int)nser * bh + 8;
    int h = (int)nrows * rowh + 12;
    start_chart(R, caption, W, h);
    double span = hi - lo, pw = W - label - right;
    double x0 = px(label + (0 - lo) / span * pw);
    for (size_t r = 0; r < nrows; r++) {
        int y = 6 + (int)r * rowh;
        putf(o, "<text x=\"%d\" y=\"%d\" class=\"lab\" text-anchor=\"end\">", label - 6,
             y + (stack ? 9 : rowh / 2));
        esc(o, rows[r]);
        put(o, "</text>\n");
        double at = 0, sum = 0;
        for (size_t k = 0; k < nser; k++) {
            double x = v[r * nser + k];
            if (!isfinite(x))
                continue;
            double from = stack ? at : 0, to = from + x;
            double xa = label + (from - lo) / span * pw, xb = label + (to - lo) / span * pw;
            double left = px(xa < xb ? xa : xb), w = px(fabs(xb - xa));
            int yy = stack ? y : y + (int)k * bh;
            if (stack && x == 0)
                continue;
            putf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    "fill=\"url(#hs-p%d)\" stroke=\"#222\" stroke-width=\"0.5\"><title>",
                 left, yy, w < 0.5 ? 0.5 : w, stack ? 12 : bh - 2,
                 (int)(nser > 1 ? k : (how & BAR_ROWS) ? r : 0) % NPATTERN);
            esc(o, rows[r]);
            if (nser > 1) {
                put(o, ", ");
                esc(o, series[k]);
            }
            putf(o, ": %s</title></rect>\n", bar_value(x, how));
            at = to;
            sum += x;
            if (!stack && x != 0)
                putf(o, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%s</text>\n",
                     px((xb > x0 ? xb : x0) + 3), yy + bh - 3, bar_value(x, how));
        }
        if (stack)
            putf(o, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%s</text>\n",
                 px(label + (sum - lo) / span * pw + 3), y + 10, bar_value(sum, how));
    }
    putf(o, "<line x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"%d\" stroke=\"#222\"/>\n", x0, x0,
         h - 4);
    end_svg(R);
    if (nser > 1)
        legend(o, series, nser);
    const char *head[16];
    size_t nh = nser + 1 < 16 ? nser + 1 : 16;
    head[0] = "";
    for (size_t k = 0; k + 1 < nh; k++)
        head[k + 1] = series[k];
    start_table(R, kind, key, head, nh);
    for (size_t r = 0; r < nrows; r++) {
        put(o, "<tr>");
        cell_text(o, rows[r], true);
        for (size_t k = 0; k + 1 < nh; k++)
            cell_text(o, bar_value(v[r * nser + k], how), false);
        put(o, "</tr>\n");
    }
    end_table(R);
}

/* ------------------------------------------------------------ sections */

static void section(rep *R, const char *id, const char *title)
{
    putf(&R->o, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
}

static void end_section(rep *R)
{
    put(&R->o, "</section>\n");
}

/* The burden's unit: person-steps in the scenario's step unit ("person-days"),
 * or persons at an equilibrium. A step unit is an id: nothing to escape. */
static const char *unit_plural(rep *R)
{
    if (!R->dynamic)
        return "persons";
    snprintf(R->unit_plural, sizeof R->unit_plural, "person-%ss", R->unit ? R->unit : "step");
    return R->unit_plural;
}

/* The key of the largest number in an object (NULL when none). */
static const char *largest(const hd *o, double *value)
{
    const char *best = NULL;
    double bv = -INFINITY;
    for (size_t k = 0; k < olen(o); k++) {
        double x = numv(o->items[k]);
        if (isfinite(x) && x > bv) {
            bv = x;
            best = o->keys[k];
        }
    }
    if (value)
        *value = bv;
    return best;
}

static void summary(rep *R)
{
    sink *o = &R->o;
    const hd *res = R->res, *burden = get(res, "burden");
    double prop = getn(burden, "propagated"), total = getn(burden, "total");
    section(R, "summary", "Summary");
    put(o, "<dl class=\"facts\">\n");
    putf(o, "<dt>Run</dt><dd>%s", R->dynamic ? "dynamic, " : "static equilibrium");
    if (R->dynamic) {
        putf(o, "%s ", N((double)R->steps, 0).s);
        esc(o, R->unit);
        put(o, "s");
    }
    put(o, "</dd>\n<dt>Measures in force</dt><dd>");
    const hd *ms = get(res, "measures");
    if (!ms || ms->t != HD_ARR || ms->n == 0)
        put(o, "none (the no-measure baseline)");
    for (size_t k = 0; ms && ms->t == HD_ARR && k < ms->n; k++) {
        put(o, k ? ", <code>" : "<code>");
        esc(o, ms->items[k]->t == HD_STR ? ms->items[k]->str : "");
        put(o, "</code>");
    }
    putf(o, "</dd>\n<dt>Burden</dt><dd>%s %s in total, of which %s propagated by the "
            "threats (%s) and %s chronic baseline</dd>\n",
         B(total), unit_plural(R), B(prop), PCT(total > 0 ? prop / total : NAN),
         B(getn(burden, "baseline")));
    put(o, "</dl>\n");

    /* who is hurt most */
    if (R->nshown) {
        size_t g = R->shown[0];
        const hd *go = group_of(R, g), *peak = get(go, "peak");
        double gb = group_burden(R, g);
        put(o, "<p class=\"lead\">Hurt most: <strong>");
        esc(o, group_id(R, g));
        put(o, "</strong> (");
        esc(o, gets(go, "region"));
        putf(o, ", %s people) carries %s %s, %s of the propagated burden. ",
             B(getn(go, "size")), B(gb), unit_plural(R), PCT(prop > 0 ? gb / prop : NAN));
        putf(o, "Its vital-core index peaks at %s (", Y(getn(peak, "index")));
        esc(o, gets(peak, "phase"));
        put(o, ")");
        if (R->dynamic) {
            put(o, " at ");
            esc(o, R->unit);
            putf(o, " %s", N(getn(peak, "step"), 0).s);
        }
        /* by which order: its dimensions' propagated parts at the peak */
        double ord[HSEC_ORDER_COUNT] = {0, 0, 0, 0}, all = 0;
        const hd *dims = get(peak, "dimensions");
        for (size_t d = 0; d < olen(dims); d++)
            for (size_t k = 0; k < HSEC_ORDER_COUNT; k++) {
                double x = aget(get(dims->items[d], "orders"), k);
                if (isfinite(x)) {
                    ord[k] += x;
                    all += x;
                }
            }
        size_t best = 0;
        for (size_t k = 1; k < HSEC_ORDER_COUNT; k++)
            if (ord[k] > ord[best])
                best = k;
        if (all > 0)
            putf(o, "; there, %s of what the threats add to its dimensions is %s effect",
                 PCT(ord[best] / all), order_label[best]);
        const hd *th = get(go, "threats");
        double bs = -1;
        const char *bt = NULL;
        for (size_t k = 0; k < olen(th); k++) {
            double x = getn(th->items[k], "share");
            if (x > bs) {
                bs = x;
                bt = th->keys[k];
            }
        }
        if (bt) {
            put(o, ", and threat <code>");
            esc(o, bt);
            putf(o, "</code> causes %s of it", PCT(bs));
        }
        put(o, ".</p>\n");
    }
    double v;
    const char *t = largest(get(burden, "threats"), &v);
    if (t) {
        put(o, "<p>Most harmful threat: <code>");
        esc(o, t);
        put(o, "</code> (");
        esc(o, gets(get(get(res, "threats"), t), "actor"));
        putf(o, "), %s %s, %s of the propagated burden. ", B(v), unit_plural(R),
             PCT(prop > 0 ? v / prop : NAN));
        const char *ac = largest(get(burden, "actors"), &v);
        if (ac) {
            put(o, "By actor, the most comes from <strong>");
            esc(o, ac);
            putf(o, "</strong> (%s).", PCT(prop > 0 ? v / prop : NAN));
        }
        put(o, "</p>\n");
    }
    const hd *ob = get(burden, "orders");
    if (alen(ob) == HSEC_ORDER_COUNT && prop > 0) {
        put(o, "<p>The propagated burden by order of effect: ");
        for (size_t k = 0; k < HSEC_ORDER_COUNT; k++)
            putf(o, "%s %s%s", order_label[k], PCT(aget(ob, k) / prop),
                 k + 1 < HSEC_ORDER_COUNT ? ", " : ".</p>\n");
    }

    /* warnings */
    const hd *w = get(res, "warnings");
    put(o, "<h3>Warnings</h3>\n");
    if (!w || w->t != HD_ARR || w->n == 0)
        put(o, "<p>None: nothing in the scenario looks unintended.</p>\n");
    else {
        put(o, "<ul class=\"warnings\">\n");
        for (size_t k = 0; k < w->n; k++) {
            put(o, "<li><code>");
            esc(o, gets(w->items[k], "code"));
            put(o, "</code>: ");
            esc(o, gets(w->items[k], "message"));
            put(o, "</li>\n");
        }
        put(o, "</ul>\n");
    }

    /* groups at a glance */
    put(o, "<h3>Groups</h3>\n");
    if (R->ngroups > R->nshown)
        putf(o, "<p class=\"note\">%zu groups: the %zu with the largest burden are shown one "
                "by one; the other %zu are summed in the last row.</p>\n",
             R->ngroups, R->nshown, R->ngroups - R->nshown);
    {
        static const char *const head[] = {"group", "region", "people", "burden",
                                           "share", "peak index", "phase", "peak at"};
        const char *rows[TOP_GROUPS + 1];
        double vals[TOP_GROUPS + 1];
        for (size_t k = 0; k < R->nshown; k++) {
            rows[k] = group_id(R, R->shown[k]);
            vals[k] = group_burden(R, R->shown[k]);
        }
        size_t nr = R->nshown;
        if (R->ngroups > R->nshown) {
            rows[nr] = "other groups";
            vals[nr++] = R->rest_burden;
        }
        bar_chart(R, "Propagated burden by group", "groups-burden", "", rows, nr,
                  (const char *const[]){"burden"}, 1, vals, 0);
        put(o, "<table class=\"list\"><thead><tr>");
        for (size_t k = 0; k < sizeof head / sizeof *head; k++)
            putf(o, "<th scope=\"col\">%s</th>", head[k]);
        put(o, "</tr></thead><tbody>\n");
        for (size_t k = 0; k < R->nshown; k++) {
            const hd *go = group_of(R, R->shown[k]), *peak = get(go, "peak");
            double gb = vals[k];
            put(o, "<tr><th scope=\"row\"><a href=\"#group-");
            esc(o, rows[k]);
            put(o, "\">");
            esc(o, rows[k]);
            put(o, "</a></th><td>");
            esc(o, gets(go, "region"));
            putf(o, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>", B(getn(go, "size")),
                 B(gb), PCT(prop > 0 ? gb / prop : NAN), Y(getn(peak, "index")));
            esc(o, gets(peak, "phase"));
            putf(o, "</td><td>%s</td></tr>\n",
                 R->dynamic ? N(getn(peak, "step"), 0).s : "equilibrium");
        }
        if (R->ngroups > R->nshown)
            putf(o, "<tr><th scope=\"row\">%zu other groups</th><td></td><td>%s</td><td>%s</td>"
                    "<td>%s</td><td></td><td></td><td></td></tr>\n",
                 R->ngroups - R->nshown, B(R->rest_people), B(R->rest_burden),
                 PCT(prop > 0 ? R->rest_burden / prop : NAN));
        put(o, "</tbody></table>\n");
    }

    /* differentiated impacts */
    const hd *fl = get(burden, "flags");
    if (olen(fl) > 1) {
        put(o, "<h3>Differentiated impacts</h3>\n<p>The burden per person of the groups "
               "carrying each vulnerability flag, beside the whole population's; the ratio "
               "says how many times harder they are hit.</p>\n");
        const char *rows[HSEC_FLAG_COUNT + 1];
        double pc[HSEC_FLAG_COUNT + 1];
        size_t nr = 0;
        for (size_t k = 0; k < fl->n && nr <= HSEC_FLAG_COUNT; k++) {
            rows[nr] = fl->keys[k];
            pc[nr++] = getn(fl->items[k], "per_capita");
        }
        bar_chart(R, "Burden per person by vulnerability flag", "impacts-chart", "", rows, nr,
                  (const char *const[]){"per person"}, 1, pc, 0);
        put(o, "<table class=\"list\" data-kind=\"impacts\"><thead><tr><th scope=\"col\">flag</th>"
               "<th scope=\"col\">people</th><th scope=\"col\">burden</th><th scope=\"col\">"
               "propagated</th><th scope=\"col\">per person</th><th scope=\"col\">ratio</th>"
               "</tr></thead><tbody>\n");
        for (size_t k = 0; k < fl->n; k++) {
            const hd *f = fl->items[k];
            put(o, "<tr><th scope=\"row\">");
            esc(o, fl->keys[k]);
            putf(o, "</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                 B(getn(f, "people")), B(getn(f, "burden")), B(getn(f, "propagated")),
                 N(getn(f, "per_capita"), 3).s,
                 get(f, "ratio") ? N(getn(f, "ratio"), 2).s : "");
        }
        put(o, "</tbody></table>\n");
    }
    const hd *tp = get(burden, "topics");
    if (olen(tp)) {
        put(o, "<h3>Burden by cross-cutting topic</h3>\n<p>Each threat counts in full under "
               "each of its topics, so the topics overlap and do not add up.</p>\n");
        const char *rows[HSEC_TOPIC_COUNT + 1];
        double vals[HSEC_TOPIC_COUNT + 1];
        size_t nr = 0;
        for (size_t k = 0; k < tp->n && nr <= HSEC_TOPIC_COUNT; k++) {
            rows[nr] = tp->keys[k];
            vals[nr++] = numv(tp->items[k]);
        }
        bar_chart(R, "Propagated burden by cross-cutting topic", "topics", "", rows, nr,
                  (const char *const[]){"burden"}, 1, vals, 0);
    }
    end_section(R);
}

/* y(t) of a group's dimension from its node's series: min(1, b + q). */
static bool dim_series(rep *R, double *y, size_t len, size_t k, size_t d, double base)
{
    char name[2 * HD_ID_MAX + 16];
    snprintf(name, sizeof name, "%s.%s", group_id(R, R->shown[k]), dim_label[d]);
    const hd *s = get(get(get(R->res, "nodes"), name), "series");
    if (alen(s) != len)
        return false;
    for (size_t t = 0; t < len; t++) {
        double v = base + aget(s, t);
        y[t] = v < 1 ? v : 1;
    }
    return true;
}

static void group_section(rep *R, size_t k, double *buf /* 8 x len, or NULL: no series */)
{
    sink *o = &R->o;
    const char *id = group_id(R, R->shown[k]);
    const hd *go = group_of(R, R->shown[k]), *peak = get(go, "peak"), *last = get(go, "last");
    put(o, "<article class=\"group\" id=\"group-");
    esc(o, id);
    put(o, "\">\n<h3>");
    esc(o, id);
    put(o, "</h3>\n<p>");
    esc(o, gets(go, "region"));
    putf(o, ", %s people", B(getn(go, "size")));
    const hd *fl = get(go, "flags");
    for (size_t f = 0; f < alen(fl); f++) {
        put(o, f ? ", " : "; ");
        esc(o, fl->items[f]->t == HD_STR ? fl->items[f]->str : "");
    }
    putf(o, ". Vital-core index %s (", Y(getn(peak, "index")));
    esc(o, gets(peak, "phase"));
    put(o, ") at its peak");
    if (R->dynamic) {
        put(o, " (");
        esc(o, R->unit);
        putf(o, " %s), %s (", N(getn(peak, "step"), 0).s, Y(getn(last, "index")));
        esc(o, gets(last, "phase"));
        put(o, ") at the end");
    }
    put(o, ".</p>\n");
    const hd *dims = get(peak, "dimensions");
    size_t len = R->steps + 1;
    char cap[256];
    if (R->dynamic) {
        line ls[HSEC_DIM_COUNT + 1];
        size_t nl = 0;
        bool have_all = buf != NULL;
        for (size_t d = 0; buf && d < HSEC_DIM_COUNT; d++) {
            double base;
            if (R->model) {
                base = R->base[k * HSEC_DIM_COUNT + d];
            } else { /* y - p at the peak: the baseline, which does not propagate */
                const hd *dd = get(dims, dim_label[d]);
                base = getn(dd, "y");
                for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
                    base -= aget(get(dd, "orders"), q);
                base = base < 0 ? 0 : base > 1 ? 1 : base;
            }
            double *y = buf + d * len;
            if (!dim_series(R, y, len, k, d, base)) {
                have_all = false;
                continue;
            }
            ls[nl++] = (line){dim_label[d], y, dim_colour[d], dim_dash[d], 1.6};
        }
        if (R->model && have_all) {
            double *H = buf + HSEC_DIM_COUNT * len;
            for (size_t t = 0; t < len; t++) {
                double h = 0;
                for (size_t d = 0; d < HSEC_DIM_COUNT; d++)
                    h += R->weight[k * HSEC_DIM_COUNT + d] * buf[d * len + t];
                H[t] = h;
            }
            ls[nl++] = (line){"index", H, "#000000", "", 3};
        }
        marker mk[HSEC_DIM_COUNT];
        char mtext[HSEC_DIM_COUNT][1024];
        size_t nmk = 0;
        const hd *wn = get(go, "warnings");
        for (size_t w = 0; w < olen(wn); w++) {
            double st = getn(wn->items[w], "step"), lead = getn(wn->items[w], "lead");
            if (!isfinite(st) || st < 0 || st > (double)R->steps || nmk == HSEC_DIM_COUNT)
                continue;
            snprintf(mtext[nmk], sizeof mtext[nmk], "%.32s reaches crisis at %.64s %s (lead %s)",
                     wn->keys[w], R->unit ? R->unit : "step", N(st, 0).s, N(lead, 0).s);
            mk[nmk] = (marker){st, mtext[nmk]};
            nmk++;
        }
        if (nl) {
            snprintf(cap, sizeof cap, "%.64s: insecurity of each dimension%s over time", id,
                     R->model && have_all ? " and the vital-core index" : "");
            line_chart(R, cap, id, ls, nl, len, mk, nmk);
        }
        if (!have_all)
            put(o, "<p class=\"note\">Some of this group's dimensions were not recorded in "
                   "the results document, so their series (and the index's) are not "
                   "drawn.</p>\n");
    }
    /* its dimensions at the peak, by order of effect */
    const char *rows[HSEC_DIM_COUNT];
    double v[HSEC_DIM_COUNT * HSEC_ORDER_COUNT];
    for (size_t d = 0; d < HSEC_DIM_COUNT; d++) {
        rows[d] = dim_label[d];
        for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
            v[d * HSEC_ORDER_COUNT + q] = aget(get(get(dims, dim_label[d]), "orders"), q);
    }
    snprintf(cap, sizeof cap, "%.64s at its peak: what the threats add to each dimension, by "
                              "order of effect", id);
    bar_chart(R, cap, "group-orders", id, rows, HSEC_DIM_COUNT, order_label, HSEC_ORDER_COUNT,
              v, BAR_STACK | BAR_Y);
    put(o, "</article>\n");
}

static void groups(rep *R)
{
    section(R, "groups", "Groups over time");
    if (!R->dynamic)
        put(&R->o, "<p>A static run has an equilibrium, not a course over time: each group's "
                   "dimensions are shown at the equilibrium.</p>\n");
    else if (!R->model)
        put(&R->o, "<p class=\"note\">Made from a results document alone: a dimension's "
                   "series is drawn when the document recorded it, and the vital-core index "
                   "over time, which needs the model's weights, is not drawn.</p>\n");
    size_t len = R->steps + 1;
    /* from a document alone, the series' room only when one is there to
     * draw: a document's "steps" alone costs no memory */
    bool any = R->model;
    for (size_t k = 0; R->dynamic && !any && k < R->nshown; k++)
        for (size_t d = 0; d < HSEC_DIM_COUNT && !any; d++) {
            char name[2 * HD_ID_MAX + 16];
            snprintf(name, sizeof name, "%s.%s", group_id(R, R->shown[k]), dim_label[d]);
            any = alen(get(get(get(R->res, "nodes"), name), "series")) == len;
        }
    double *buf = any ? hd_calloc(R->a, (HSEC_DIM_COUNT + 1) * len, sizeof *buf) : NULL;
    if (any && !buf) {
        R->o.oom = true;
        return;
    }
    for (size_t k = 0; k < R->nshown; k++)
        group_section(R, k, buf);
    hd_release(R->a, buf);
    end_section(R);
}

/* The burden by order over time, and by band. */
static void orders(rep *R)
{
    sink *o = &R->o;
    const hd *burden = get(R->res, "burden");
    section(R, "orders", "Burden by order of effect and by time band");
    if (R->dynamic && R->model && R->nsample) {
        const int W = LW, H = LH;
        double top = 0;
        double *rate = hd_calloc(R->a, R->nsample * HSEC_ORDER_COUNT, sizeof *rate);
        if (!rate) {
            o->oom = true;
            return;
        }
        for (size_t k = 0; k < R->nsample; k++) {
            double from = k ? (double)R->at[k - 1] : 0, span = (double)R->at[k] - from, sum = 0;
            for (size_t q = 0; q < HSEC_ORDER_COUNT; q++) {
                double prev = k ? R->cum[(k - 1) * HSEC_ORDER_COUNT + q] : 0;
                rate[k * HSEC_ORDER_COUNT + q] = (R->cum[k * HSEC_ORDER_COUNT + q] - prev) / span;
                sum += rate[k * HSEC_ORDER_COUNT + q];
            }
            top = sum > top ? sum : top;
        }
        top = top > 0 ? top * 1.08 : 1;
        size_t len = R->steps + 1;
        char cap[200];
        snprintf(cap, sizeof cap, "Propagated burden per %.64s, stacked by order of effect",
                 R->unit ? R->unit : "step");
        start_chart(R, cap, W, H);
        for (int k = 0; k <= 4; k++) {
            double y = LT + (1 - k / 4.0) * (H - LT - LB);
            putf(o, "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>"
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#bbb\" "
                    "stroke-width=\"0.5\"/>\n",
                 LL - 4, y + 3, N(top * k / 4, dec_of(top / 4)).s, LL, y, W - LR, y);
        }
        x_axis(R, len, LT + (H - LT - LB));
        /* each order's band between the cumulative sums, constant over a sample */
        for (size_t q = 0; q < HSEC_ORDER_COUNT; q++) {
            putf(o, "<path fill=\"url(#hs-p%zu)\" stroke=\"#222\" stroke-width=\"0.6\" d=\"", q);
            for (size_t k = 0; k < R->nsample; k++) {
                double up = 0;
                for (size_t u = 0; u <= q; u++)
                    up += rate[k * HSEC_ORDER_COUNT + u];
                double x0 = lx(k ? (double)R->at[k - 1] : 0, len), x1 = lx((double)R->at[k], len);
                double y = LT + (1 - up / top) * (H - LT - LB);
                putf(o, "%s%.1f %.1fL%.1f %.1f", k ? "L" : "M", x0, y, x1, y);
            }
            for (size_t k = R->nsample; k-- > 0;) {
                double lo = 0;
                for (size_t u = 0; u < q; u++)
                    lo += rate[k * HSEC_ORDER_COUNT + u];
                double x0 = lx(k ? (double)R->at[k - 1] : 0, len), x1 = lx((double)R->at[k], len);
                double y = LT + (1 - lo / top) * (H - LT - LB);
                putf(o, "L%.1f %.1fL%.1f %.1f", x1, y, x0, y);
            }
            put(o, "Z\"/>\n");
        }
        /* direct labels where each order is thickest */
        for (size_t q = 0; q < HSEC_ORDER_COUNT; q++) {
            size_t best = 0;
            for (size_t k = 1; k < R->nsample; k++)
                if (rate[k * HSEC_ORDER_COUNT + q] > rate[best * HSEC_ORDER_COUNT + q])
                    best = k;
            double lo = 0;
            for (size_t u = 0; u < q; u++)
                lo += rate[best * HSEC_ORDER_COUNT + u];
            double mid = lo + rate[best * HSEC_ORDER_COUNT + q] / 2;
            if (rate[best * HSEC_ORDER_COUNT + q] < top * 0.06)
                continue;
            double x = (lx(best ? (double)R->at[best - 1] : 0, len) + lx((double)R->at[best], len)) / 2;
            putf(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"inlab\" text-anchor=\"middle\">%s</text>\n",
                 x, LT + (1 - mid / top) * (H - LT - LB) + 4, order_label[q]);
        }
        end_svg(R);
        legend(o, order_label, HSEC_ORDER_COUNT);
        put(o, "<p class=\"note\">Each order's burden per step is its mean over the "
               "interval, from runs of the scenario stopped at the interval's ends.</p>\n");
        const char *head[] = {"steps", order_label[0], order_label[1], order_label[2],
                              order_label[3], "total"};
        start_table(R, "orders-time", "", head, 6);
        for (size_t k = 0; k < R->nsample; k++) {
            char span[1024];
            snprintf(span, sizeof span, "%s-%s", N(k ? (double)R->at[k - 1] + 1 : 1, 0).s,
                     N((double)R->at[k], 0).s);
            put(o, "<tr>");
            cell_text(o, span, true);
            double sum = 0;
            for (size_t q = 0; q < HSEC_ORDER_COUNT; q++) {
                double x = rate[k * HSEC_ORDER_COUNT + q];
                sum += x;
                cell_text(o, B(x), false);
            }
            cell_text(o, B(sum), false);
            put(o, "</tr>\n");
        }
        end_table(R);
        hd_release(R->a, rate);
    } else if (R->dynamic) {
        put(o, "<p class=\"note\">The burden by order over time needs the model (runs of the "
               "scenario); a results document holds it only in total, below.</p>\n");
    }
    const hd *ob = get(burden, "orders");
    double v[HSEC_ORDER_COUNT];
    for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
        v[q] = aget(ob, q);
    bar_chart(R, "Propagated burden by order of effect, whole run", "orders", "", order_label,
              HSEC_ORDER_COUNT, (const char *const[]){"burden"}, 1, v, BAR_ROWS);
    const hd *bands = get(burden, "bands");
    if (bands) {
        const char *rows[HSEC_BAND_COUNT];
        double bv[HSEC_BAND_COUNT];
        for (size_t b = 0; b < HSEC_BAND_COUNT; b++) {
            rows[b] = band_key[b];
            bv[b] = getn(bands, band_key[b]);
        }
        bar_chart(R, "Propagated burden by time band (short, medium, long term)", "bands", "",
                  rows, HSEC_BAND_COUNT, (const char *const[]){"burden"}, 1, bv, BAR_ROWS);
    }
    end_section(R);
}

/* The cascade graph: one row per path, threat at the left, the group's
 * dimension at the right, a column per link. */
static void cascade(rep *R)
{
    sink *o = &R->o;
    section(R, "cascade", "How the harm cascades");
    if (!R->model) {
        put(o, "<p class=\"note\">Tracing the cascade needs the model's links; this page was "
               "made from a results document alone.</p>\n");
        end_section(R);
        return;
    }
    put(o, "<p>For each of the most affected groups, from its most affected dimension at its "
           "peak, each step back follows the link that pulled hardest: the largest "
           "a'<sub>ij</sub> q<sub>j</sub> (effective weight times the source's degradation, "
           "a step earlier and its lag before), until a threat's target or four links.</p>\n");
    if (!R->npaths) {
        put(o, R->dynamic ? "<p>No group is harmed, so there is no cascade to trace.</p>\n"
                          : "<p>The cascade is traced step by step, in a dynamic run; this "
                            "run is static.</p>\n");
        end_section(R);
        return;
    }
    const int cols = CASCADE_LINKS + 2, colw = 140, rowh = 60, W = cols * colw;
    int H = (int)R->npaths * rowh + 10;
    start_chart(R, "Strongest paths of the cascade (threat at the left, group at the right)",
                W, H);
    put(o, "<defs><marker id=\"hs-arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" "
           "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L8 4L0 8z\" "
           "fill=\"#333\"/></marker></defs>\n");
    for (size_t p = 0; p < R->npaths; p++) {
        const cpath *pa = &R->paths[p];
        int y = 8 + (int)p * rowh;
        /* node i of the path sits in column cols-1-i; the threat left of the last */
        for (size_t i = 0; i < pa->len; i++) {
            int col = cols - 1 - (int)i, x = col * colw + 4;
            /* its order: counted from the threat's target, when the path reaches one */
            char ord[32] = "";
            if (pa->threat)
                snprintf(ord, sizeof ord, "%s", order_label[pa->len - 1 - i < 3 ? pa->len - 1 - i : 3]);
            putf(o, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"48\" rx=\"4\" "
                    "fill=\"%s\" stroke=\"#222\" stroke-width=\"%s\"/>\n",
                 x, y, colw - 32, i == 0 ? "#fde3c8" : "#ffffff", i == 0 ? "1.6" : "0.8");
            /* the node's id and, for a group's, its dimension below */
            const char *nm = pa->name[i], *dot = strrchr(nm, '.');
            size_t idlen = dot ? (size_t)(dot - nm) : strlen(nm);
            putf(o, "<text x=\"%d\" y=\"%d\" class=\"node\"><title>", x + 4, y + 12);
            esc(o, nm);
            put(o, "</title>");
            char shortn[24];
            snprintf(shortn, sizeof shortn, "%.*s", (int)(idlen < 23 ? idlen : 23), nm);
            if (idlen > 16)
                memcpy(shortn + 14, "..", 3);
            esc(o, shortn);
            put(o, "</text>");
            if (dot) {
                putf(o, "<text x=\"%d\" y=\"%d\" class=\"small\">", x + 4, y + 23);
                esc(o, dot + 1);
                put(o, "</text>");
            }
            putf(o, "<text x=\"%d\" y=\"%d\" class=\"small\">q %s at %s</text>"
                    "<text x=\"%d\" y=\"%d\" class=\"small\">%s</text>\n",
                 x + 4, y + (dot ? 34 : 25), Y(pa->q[i]), N((double)pa->step[i], 0).s, x + 4,
                 y + (dot ? 44 : 36), ord);
            if (i + 1 < pa->len) {
                /* the link into this node, from the next one to the left */
                int x1 = (col - 1) * colw + 4 + colw - 32, x2 = x;
                putf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                        "stroke-width=\"1.4\" marker-end=\"url(#hs-arrow)\"/>"
                        "<text x=\"%d\" y=\"%d\" class=\"small\" text-anchor=\"middle\">%s</text>\n",
                     x1, y + 24, x2 - 1, y + 24, (x1 + x2) / 2, y + 19, Y(pa->pull[i]));
            }
        }
        if (pa->threat) {
            int col = cols - 1 - (int)pa->len, x = col * colw + 4;
            putf(o, "<path d=\"M%d %dh%dl10 24l-10 24h-%dz\" fill=\"#f0a58a\" stroke=\"#222\"/>"
                    "<text x=\"%d\" y=\"%d\" class=\"node\">",
                 x, y, colw - 44, colw - 44, x + 4, y + 28);
            char shortn[16];
            snprintf(shortn, sizeof shortn, "%s", pa->threat);
            if (strlen(pa->threat) > 13)
                memcpy(shortn + 11, "..", 3);
            esc(o, shortn);
            putf(o, "</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\" "
                    "stroke-width=\"1.4\" marker-end=\"url(#hs-arrow)\"/>\n",
                 x + colw - 34, y + 24, x + colw - 1, y + 24);
        }
    }
    end_svg(R);
    const char *head[] = {"group", "link", "from", "to", "source q", "pull a'q", "order"};
    start_table(R, "cascade", "", head, 7);
    for (size_t p = 0; p < R->npaths; p++) {
        const cpath *pa = &R->paths[p];
        const char *gid = group_id(R, R->shown[pa->group]);
        if (pa->threat) {
            put(o, "<tr>");
            cell_text(o, gid, true);
            cell_text(o, "threat", false);
            cell_text(o, pa->threat, false);
            cell_text(o, pa->name[pa->len - 1], false);
            put(o, "<td></td><td></td>");
            cell_text(o, order_label[0], false);
            put(o, "</tr>\n");
        }
        for (size_t i = pa->len - 1; i-- > 0;) {
            put(o, "<tr>");
            cell_text(o, gid, true);
            cell_text(o, N((double)(pa->len - 1 - i), 0).s, false);
            cell_text(o, pa->name[i + 1], false);
            cell_text(o, pa->name[i], false);
            cell_text(o, Y(pa->q[i + 1]), false);
            cell_text(o, Y(pa->pull[i]), false);
            size_t ord = pa->len - 1 - i;
            cell_text(o, pa->threat ? order_label[ord < 3 ? ord : 3] : "", false);
            put(o, "</tr>\n");
        }
    }
    end_table(R);
    put(o, "<p class=\"note\">A path that ends without a threat at its left reached four "
           "links (or a node no link pulls) before a threat's target; its orders are then "
           "not counted. Node names are shortened in the chart; the table has them in "
           "full.</p>\n");
    end_section(R);
}

/* The comparison document's packages side by side. */
static void comparison(rep *R)
{
    sink *o = &R->o;
    const hd *pk = get(R->cmp, "packages");
    size_t np = olen(pk);
    if (!np)
        return;
    section(R, "comparison", "What each package of measures averts");
    putf(o, "<p>Each package runs alone against the no-measure baseline (propagated burden "
            "%s %s); the figures are the burden it averts.</p>\n",
         B(getn(get(R->cmp, "baseline"), "propagated")), unit_plural(R));
    double *v = hd_calloc(R->a, np * (HSEC_BRANCH_COUNT + TOP_GROUPS + 8), sizeof *v);
    const char **rows = hd_calloc(R->a, np, sizeof *rows);
    if (!v || !rows) {
        hd_release(R->a, v);
        hd_release(R->a, rows);
        o->oom = true;
        return;
    }
    for (size_t p = 0; p < np; p++)
        rows[p] = pk->keys[p];
    /* total and per unit cost */
    put(o, "<table class=\"list\" data-kind=\"packages\"><thead><tr><th scope=\"col\">package"
           "</th><th scope=\"col\">measures</th><th scope=\"col\">cost</th><th scope=\"col\">"
           "averted</th><th scope=\"col\">share of baseline</th><th scope=\"col\">averted per "
           "unit cost</th></tr></thead><tbody>\n");
    double base = getn(get(R->cmp, "baseline"), "propagated");
    for (size_t p = 0; p < np; p++) {
        const hd *pp = pk->items[p], *av = get(pp, "averted");
        put(o, "<tr><th scope=\"row\">");
        esc(o, rows[p]);
        put(o, "</th><td>");
        const hd *ms = get(pp, "measures");
        for (size_t m = 0; m < alen(ms); m++) {
            put(o, m ? ", " : "");
            esc(o, ms->items[m]->t == HD_STR ? ms->items[m]->str : "");
        }
        double a = getn(av, "propagated");
        putf(o, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", B(getn(pp, "cost")),
             B(a), PCT(base > 0 ? a / base : NAN),
             get(pp, "averted_per_cost") && get(pp, "averted_per_cost")->t == HD_NUM
                 ? B(getn(pp, "averted_per_cost"))
                 : "free");
    }
    put(o, "</tbody></table>\n");
    for (size_t p = 0; p < np; p++)
        for (size_t b = 0; b < HSEC_BAND_COUNT; b++)
            v[p * HSEC_BAND_COUNT + b] = getn(get(get(pk->items[p], "averted"), "bands"), band_key[b]);
    if (R->dynamic)
        bar_chart(R, "Averted burden by package and time band", "averted-bands", "", rows, np,
                  band_key, HSEC_BAND_COUNT, v, BAR_STACK);
    for (size_t p = 0; p < np; p++)
        for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
            v[p * HSEC_ORDER_COUNT + q] = aget(get(get(pk->items[p], "averted"), "orders"), q);
    bar_chart(R, "Averted burden by package and order of effect", "averted-orders", "", rows,
              np, order_label, HSEC_ORDER_COUNT, v, BAR_STACK);
    for (size_t p = 0; p < np; p++)
        v[p] = get(pk->items[p], "averted_per_cost") &&
                       get(pk->items[p], "averted_per_cost")->t == HD_NUM
                   ? getn(pk->items[p], "averted_per_cost")
                   : NAN;
    bar_chart(R, "Averted burden per unit cost (free packages have none)", "averted-per-cost",
              "", rows, np, (const char *const[]){"per unit cost"}, 1, v, 0);
    /* by group: the groups drawn, packages side by side */
    {
        const char *grows[TOP_GROUPS];
        double *gv = v;
        for (size_t k = 0; k < R->nshown; k++) {
            grows[k] = group_id(R, R->shown[k]);
            for (size_t p = 0; p < np && p < 6; p++)
                gv[k * (np < 6 ? np : 6) + p] =
                    getn(get(get(pk->items[p], "averted"), "groups"), grows[k]);
        }
        bar_chart(R, R->ngroups > R->nshown ? "Averted burden by group (the groups with the "
                                              "largest burden)"
                                            : "Averted burden by group",
                  "averted-groups", "", grows, R->nshown, rows, np < 6 ? np : 6, gv, 0);
    }
    /* by branch */
    bool any = false;
    for (size_t p = 0; p < np; p++)
        any = any || olen(get(pk->items[p], "averted_by_branch"));
    if (any) {
        const char *brows[HSEC_BRANCH_COUNT];
        size_t nb = 0;
        for (int b = 0; b < HSEC_BRANCH_COUNT; b++) {
            const char *name = hsec_enum_name(HSEC_ENUM_BRANCH, b);
            bool used = false;
            for (size_t p = 0; p < np; p++)
                used = used || get(get(pk->items[p], "averted_by_branch"), name);
            if (used)
                brows[nb++] = name;
        }
        size_t ns = np < 6 ? np : 6;
        for (size_t b = 0; b < nb; b++)
            for (size_t p = 0; p < ns; p++)
                v[b * ns + p] = getn(get(pk->items[p], "averted_by_branch"), brows[b]);
        put(o, "<p>By staff branch: the burden averted by a run with only the package's "
               "measures that branch owns (branches' figures do not add up to the "
               "package's).</p>\n");
        bar_chart(R, "Averted burden by staff branch", "averted-branches", "", brows, nb, rows,
                  ns, v, 0);
    }
    hd_release(R->a, v);
    hd_release(R->a, rows);
    end_section(R);
}

/* The ensemble document: p5-p95 bands around the median. */
static void ensemble(rep *R)
{
    sink *o = &R->o;
    if (!R->ens)
        return;
    const hd *qs = get(R->ens, "quantiles"), *bur = get(R->ens, "burden");
    section(R, "ensemble", "Uncertainty");
    putf(o, "<p>%s members drawn from the scenario's uncertainty ranges; each bar spans "
            "p5 to p95, the mark is the median.</p>\n",
         N(getn(R->ens, "members"), 0).s);
    (void)qs;
    const char *rows[4 + HSEC_ORDER_COUNT + HSEC_BAND_COUNT + TOP_GROUPS];
    double lo[sizeof rows / sizeof *rows], mid[sizeof lo / sizeof *lo],
        hi[sizeof lo / sizeof *lo];
    size_t n = 0;
    const hd *set[] = {get(bur, "total"), get(bur, "propagated")};
    const char *names[] = {"total", "propagated"};
    for (size_t k = 0; k < 2; k++) {
        rows[n] = names[k];
        lo[n] = aget(set[k], 0), mid[n] = aget(set[k], 1), hi[n] = aget(set[k], 2);
        n++;
    }
    const hd *ord = get(bur, "orders");
    for (size_t q = 0; q < HSEC_ORDER_COUNT; q++) {
        const hd *a = ord && ord->t == HD_ARR && q < ord->n ? ord->items[q] : NULL;
        rows[n] = order_label[q];
        lo[n] = aget(a, 0), mid[n] = aget(a, 1), hi[n] = aget(a, 2);
        n++;
    }
    const hd *bands = get(bur, "bands");
    for (size_t b = 0; bands && b < HSEC_BAND_COUNT; b++) {
        const hd *a = get(bands, band_key[b]);
        rows[n] = band_key[b];
        lo[n] = aget(a, 0), mid[n] = aget(a, 1), hi[n] = aget(a, 2);
        n++;
    }
    double top = 0;
    for (size_t k = 0; k < n; k++)
        top = isfinite(hi[k]) && hi[k] > top ? hi[k] : top;
    top = top > 0 ? top : 1;
    const int W = LW, label = 170, right = 110, rowh = 20;
    int h = (int)n * rowh + 12;
    start_chart(R, "Burden: p5 to p95 across the members, median marked", W, h);
    double pw = W - label - right;
    for (size_t k = 0; k < n; k++) {
        int y = 4 + (int)k * rowh;
        putf(o, "<text x=\"%d\" y=\"%d\" class=\"lab\" text-anchor=\"end\">%s</text>", label - 6,
             y + 12, rows[k]);
        if (!isfinite(lo[k]) || !isfinite(hi[k]))
            continue;
        double x0 = label + lo[k] / top * pw, x1 = label + hi[k] / top * pw,
               xm = label + mid[k] / top * pw;
        putf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\" fill=\"url(#hs-p1)\" "
                "stroke=\"#222\" stroke-width=\"0.5\"/><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
                "y2=\"%d\" stroke=\"#000\" stroke-width=\"3\"/><text x=\"%.1f\" y=\"%d\" "
                "class=\"val\">%s</text>\n",
             x0, y + 2, x1 - x0 < 1 ? 1 : x1 - x0, xm, y, xm, y + 16, x1 + 4, y + 12, B(mid[k]));
    }
    end_svg(R);
    const char *head[] = {"", "p5", "median", "p95"};
    start_table(R, "ensemble", "", head, 4);
    for (size_t k = 0; k < n; k++) {
        put(o, "<tr>");
        cell_text(o, rows[k], true);
        cell_text(o, B(lo[k]), false);
        cell_text(o, B(mid[k]), false);
        cell_text(o, B(hi[k]), false);
        put(o, "</tr>\n");
    }
    end_table(R);
    /* the drawn groups' peak index */
    const hd *eg = get(R->ens, "groups");
    if (olen(eg)) {
        put(o, "<table class=\"list\" data-kind=\"ensemble-groups\"><thead><tr><th scope=\"col\">"
               "group</th><th scope=\"col\">peak index p5</th><th scope=\"col\">median</th>"
               "<th scope=\"col\">p95</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < R->nshown; k++) {
            const char *gid = group_id(R, R->shown[k]);
            const hd *pk = get(get(eg, gid), "peak");
            put(o, "<tr><th scope=\"row\">");
            esc(o, gid);
            putf(o, "</th><td>%s</td><td>%s</td><td>%s</td></tr>\n", Y(aget(pk, 0)),
                 Y(aget(pk, 1)), Y(aget(pk, 2)));
        }
        put(o, "</tbody></table>\n");
    }
    end_section(R);
}

static const char style[] =
    "<style>\n"
    "body{font:14px/1.45 'DejaVu Sans',Arial,Helvetica,sans-serif;color:#111;background:#fff;"
    "max-width:760px;margin:0 auto;padding:16px}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #222;"
    "padding-bottom:2px;margin-top:28px}h3{font-size:15px;margin:18px 0 6px}\n"
    "code{font-size:13px;background:#f3f3f3;padding:0 2px}\n"
    ".lead{font-size:15px;border-left:4px solid #222;padding-left:8px}\n"
    "dl.facts{display:grid;grid-template-columns:150px 1fr;gap:2px 10px;margin:8px 0}"
    "dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
    "figure{margin:10px 0 16px;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{font-weight:bold;margin-bottom:4px}\n"
    "svg.plot{width:100%;height:auto;display:block;font-size:11px}"
    "svg.defs{position:absolute;width:0;height:0}svg.sw{vertical-align:middle}\n"
    "svg text{fill:#111}svg .tick{font-size:10px}svg .band{font-size:9px;fill:#555}"
    "svg .lab{font-size:11px}svg .val{font-size:10px}svg .axis{font-size:11px}"
    "svg .node{font-size:11px;font-weight:bold}svg .small{font-size:9.5px}"
    "svg .inlab{font-size:11px;font-weight:bold;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px}\n"
    "table{border-collapse:collapse;font-size:12px;margin:6px 0}th,td{border:1px solid #bbb;"
    "padding:2px 6px;text-align:right}th[scope=col]{background:#eee}"
    "tbody th,thead th:first-child{text-align:left}tbody th{font-weight:normal}\n"
    "table.list{width:100%}details{margin:4px 0}summary{cursor:pointer;color:#0645ad}\n"
    ".note{font-size:12px;color:#444}.legend{font-size:12px;margin:2px 0}\n"
    "article.group{border-top:1px solid #ccc;padding-top:4px}\n"
    "nav ol{columns:2;font-size:13px}footer{margin-top:30px;font-size:11px;color:#555}\n"
    "@page{size:A4;margin:14mm 12mm}\n"
    "@media print{body{max-width:none;padding:0;font-size:11pt}"
    "section{break-before:page;page-break-before:always}section#summary{break-before:auto;"
    "page-break-before:auto}article.group{break-inside:avoid;page-break-inside:avoid}"
    "details{display:none}nav{display:none}a{color:#111;text-decoration:none}}\n"
    "</style>\n";

static void page(rep *R, const char *title, const char *mode_note)
{
    sink *o = &R->o;
    put(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"hsec " HSEC_VERSION_STRING "\">\n<title>");
    esc(o, title);
    put(o, "</title>\n");
    put(o, style);
    put(o, "</head>\n<body>\n");
    defs(o);
    put(o, "<header>\n<h1>");
    esc(o, title);
    put(o, "</h1>\n<p class=\"note\">Who is hurt most, when, through which order of "
           "effects, and what the measures avert (the inoperability "
           "input-output model, Haimes &amp; Jiang 2001, and its dynamic form, Lian &amp; "
           "Haimes 2006).");
    if (mode_note) {
        put(o, " ");
        put(o, mode_note);
    }
    put(o, "</p>\n</header>\n<nav><ol><li><a href=\"#summary\">Summary</a></li>"
           "<li><a href=\"#groups\">Groups over time</a></li>"
           "<li><a href=\"#orders\">Burden by order and band</a></li>"
           "<li><a href=\"#cascade\">How the harm cascades</a></li>");
    if (olen(get(R->cmp, "packages")))
        put(o, "<li><a href=\"#comparison\">Packages of measures</a></li>");
    if (R->ens)
        put(o, "<li><a href=\"#ensemble\">Uncertainty</a></li>");
    put(o, "</ol></nav>\n");
    summary(R);
    groups(R);
    orders(R);
    cascade(R);
    comparison(R);
    ensemble(R);
    put(o, "<footer>Made by hsec " HSEC_VERSION_STRING ". Numbers are rounded for reading; "
           "the documents the page was made from hold them in full.</footer>\n"
           "</body>\n</html>\n");
}

/* Choose the groups drawn: by burden, largest first (ties: document order). */
static int choose_groups(rep *R)
{
    R->ngroups = olen(get(R->res, "groups"));
    size_t n = R->ngroups;
    size_t *idx = hd_calloc(R->a, n ? n : 1, sizeof *idx);
    if (!idx)
        return HSEC_ENOMEM;
    for (size_t k = 0; k < n; k++)
        idx[k] = k;
    /* insertion into the top list: O(n * TOP_GROUPS) */
    size_t top = 0;
    for (size_t k = 0; k < n; k++) {
        double b = group_burden(R, k);
        if (!(b == b))
            b = -INFINITY;
        size_t at = top;
        while (at > 0) {
            double a = group_burden(R, idx[at - 1]);
            if (!(a == a))
                a = -INFINITY;
            if (a >= b)
                break;
            at--;
        }
        if (at >= TOP_GROUPS)
            continue;
        size_t end = top < TOP_GROUPS ? top : TOP_GROUPS - 1;
        memmove(idx + at + 1, idx + at, (end - at) * sizeof *idx);
        idx[at] = k;
        if (top < TOP_GROUPS)
            top++;
    }
    R->shown = idx;
    R->nshown = top;
    R->rest_burden = R->rest_people = 0;
    if (n > top) {
        unsigned char *in = hd_calloc(R->a, n, 1);
        if (!in)
            return HSEC_ENOMEM;
        for (size_t k = 0; k < top; k++)
            in[idx[k]] = 1;
        for (size_t k = 0; k < n; k++)
            if (!in[k]) {
                double b = group_burden(R, k), p = getn(group_of(R, k), "size");
                R->rest_burden += isfinite(b) ? b : 0;
                R->rest_people += isfinite(p) ? p : 0;
            }
        hd_release(R->a, in);
    }
    return HSEC_OK;
}

/* The page's text handed over as a string hsec_free_string frees. */
static int finish_page(char **out_, size_t *len, rep *R)
{
    if (R->o.oom) {
        hd_release(R->a, R->o.buf);
        return HSEC_ENOMEM;
    }
    memcpy(R->o.buf, R->a, sizeof *R->a);
    R->o.buf[R->o.n] = '\0';
    *out_ = R->o.buf + HD_STRING_HEAD;
    if (len)
        *len = R->o.n - HD_STRING_HEAD;
    return HSEC_OK;
}

static void start_page(rep *R, const hsec_allocator *a)
{
    memset(R, 0, sizeof *R);
    R->a = a;
    R->o.a = a;
    if (HD_RESERVE(a, R->o.buf, R->o.cap, HD_STRING_HEAD + 65536))
        R->o.oom = true;
    R->o.n = HD_STRING_HEAD;
}

static void rep_free(rep *R)
{
    hd_release(R->a, R->shown);
    hd_release(R->a, R->weight);
    hd_release(R->a, R->base);
    hd_release(R->a, R->at);
    hd_release(R->a, R->cum);
    for (size_t p = 0; p < R->npaths; p++) {
        for (size_t i = 0; i < R->paths[p].len; i++)
            hd_release(R->a, R->paths[p].name[i]);
        hd_release(R->a, R->paths[p].threat);
    }
}

static void take_results(rep *R, const hd *res)
{
    R->res = res;
    const char *mode = gets(res, "mode");
    R->dynamic = mode && strcmp(mode, "dynamic") == 0;
    double steps = getn(res, "steps");
    R->steps = R->dynamic && steps >= 0 && steps <= 1e7 ? (size_t)steps : 0;
    R->unit = gets(res, "step_unit");
}

/* ------------------------------------------------- from a scenario */

typedef struct work {
    hsec_scenario *s; /* the report's copy */
    unsigned char *mask;
    size_t nm;
    hsec_result *r;
} work;

/* A copy of s to record and run on: its document, loaded. */
static int copy_scenario(hsec_scenario **out, const hsec_scenario *s, const hsec_allocator *a)
{
    hd *tree = NULL;
    int rc = hd_scenario_tree(&tree, s);
    if (rc)
        return rc;
    hd_limits lim;
    hd_default_limits(&lim);
    uint64_t mem = 0;
    if (hsec_scenario_get_limit(&mem, s, HSEC_LIMIT_MEMORY) == HSEC_OK && mem)
        lim.memory = mem;
    char msg[HSEC_ERRMSG_MAX] = "";
    rc = hd_load_tree(out, tree, a, &lim, msg);
    hd_free(a, tree);
    if (rc)
        return hd_fail(rc, "report: copying the scenario: %s", msg);
    if (hsec_scenario_set_limit(*out, HSEC_LIMIT_MEMORY, lim.memory) != HSEC_OK) {
        hsec_scenario_free(*out);
        *out = NULL;
        return hd_fail(HSEC_EINVAL, "report: copying the scenario's memory limit");
    }
    return HSEC_OK;
}

static int run_work(work *w)
{
    hsec_result_free(w->r);
    w->r = NULL;
    int rc = hsec_scenario_run_with(&w->r, w->s, w->mask, w->nm);
    if (rc && !hsec_last_errmsg()[0])
        hd_fail(rc, "report: %s", hsec_scenario_errmsg(w->s));
    else if (rc)
        hd_fail(rc, "report: %s", hsec_scenario_errmsg(w->s)[0] ? hsec_scenario_errmsg(w->s)
                                                                : hsec_last_errmsg());
    return rc;
}

/* The burden by order up to sample steps, from runs stopped there. */
static int sample_orders(rep *R, work *w)
{
    if (!R->dynamic || R->steps == 0)
        return HSEC_OK;
    size_t T = R->steps, n = T < ORDER_SAMPLES ? T : ORDER_SAMPLES;
    R->at = hd_calloc(R->a, n, sizeof *R->at);
    R->cum = hd_calloc(R->a, n * HSEC_ORDER_COUNT, sizeof *R->cum);
    if (!R->at || !R->cum)
        return HSEC_ENOMEM;
    double steps = 0;
    hsec_scenario_get_option(&steps, w->s, HSEC_OPT_STEPS);
    int rc = HSEC_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        uint64_t t = (uint64_t)((k + 1) * T / n);
        R->at[k] = t;
        hsec_result *r = NULL;
        if (t == T) {
            for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
                hsec_result_burden(&R->cum[k * HSEC_ORDER_COUNT + q], w->r, HSEC_BURDEN_ORDER, q);
            continue;
        }
        rc = hsec_scenario_set_option(w->s, HSEC_OPT_STEPS, (double)t);
        if (!rc)
            rc = hsec_scenario_run_with(&r, w->s, w->mask, w->nm);
        if (rc) {
            hd_fail(rc, "report: the burden up to step %llu: %s", (unsigned long long)t,
                    hsec_scenario_errmsg(w->s));
            break;
        }
        for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
            hsec_result_burden(&R->cum[k * HSEC_ORDER_COUNT + q], r, HSEC_BURDEN_ORDER, q);
        hsec_result_free(r);
    }
    hsec_scenario_set_option(w->s, HSEC_OPT_STEPS, steps);
    if (!rc)
        R->nsample = n;
    return rc;
}

/* The q of a node at step t (t < 0: q(0)), from the run's series. */
static bool q_at(double *q, const hsec_result *r, size_t node, int64_t t)
{
    const double *v;
    size_t len;
    if (hsec_result_series(&v, &len, r, node) != HSEC_OK || !len)
        return false;
    size_t i = t < 0 ? 0 : (size_t)t < len ? (size_t)t : len - 1;
    *q = v[i];
    return true;
}

/* Trace the strongest paths back from the top groups' worst dimensions. */
static int trace(rep *R, work *w)
{
    if (!R->dynamic)
        return HSEC_OK;
    const hsec_compiled *c = hsec_scenario_compiled(w->s);
    size_t n = hsec_compiled_node_count(c), L = hsec_compiled_link_count(c);
    size_t H = hsec_scenario_threat_count(w->s);
    size_t *rowp = hd_calloc(R->a, n + 1, sizeof *rowp);
    size_t *from = hd_calloc(R->a, L ? L : 1, sizeof *from);
    uint64_t *lag = hd_calloc(R->a, L ? L : 1, sizeof *lag);
    double *wt = hd_calloc(R->a, L ? L : 1, sizeof *wt);
    size_t *hit = hd_calloc(R->a, n, sizeof *hit); /* threat + 1 whose target a node is */
    int rc = rowp && from && lag && wt && hit ? HSEC_OK : HSEC_ENOMEM;
    if (!rc)
        rc = hsec_compiled_links(rowp, from, NULL, lag, L, c);
    for (size_t h = 0; !rc && h < H; h++) {
        size_t nt = hsec_scenario_threat_target_count(w->s, h);
        size_t *tn = hd_calloc(R->a, nt ? nt : 1, sizeof *tn);
        if (!tn) {
            rc = HSEC_ENOMEM;
            break;
        }
        rc = hsec_scenario_threat_targets(tn, NULL, nt, w->s, h);
        for (size_t k = 0; !rc && k < nt; k++)
            if (!hit[tn[k]])
                hit[tn[k]] = h + 1;
        hd_release(R->a, tn);
    }
    /* the paths' current nodes and steps */
    size_t cur[CASCADE_GROUPS];
    int64_t step[CASCADE_GROUPS];
    bool alive[CASCADE_GROUPS];
    size_t np = R->nshown < CASCADE_GROUPS ? R->nshown : CASCADE_GROUPS;
    R->npaths = 0;
    for (size_t p = 0; !rc && p < np; p++) {
        const hd *go = group_of(R, R->shown[p]), *peak = get(go, "peak");
        double gb = group_burden(R, R->shown[p]);
        if (!(gb > 0))
            break;
        const hd *dims = get(peak, "dimensions");
        size_t best = 0;
        double bv = -1;
        for (size_t d = 0; d < HSEC_DIM_COUNT; d++) {
            double s = 0;
            for (size_t q = 0; q < HSEC_ORDER_COUNT; q++)
                s += aget(get(get(dims, dim_label[d]), "orders"), q);
            if (s > bv) {
                bv = s;
                best = d;
            }
        }
        size_t gi = 0;
        char name[2 * HD_ID_MAX + 16];
        snprintf(name, sizeof name, "%s.%s", group_id(R, R->shown[p]), dim_label[best]);
        if (hsec_compiled_find_node(&gi, c, name) != HSEC_OK)
            continue;
        cpath *pa = &R->paths[R->npaths];
        pa->group = p;
        pa->len = 1;
        pa->name[0] = hd_strdup(R->a, name);
        pa->step[0] = (int64_t)getn(peak, "step");
        pa->q[0] = NAN;
        q_at(&pa->q[0], w->r, gi, pa->step[0]);
        if (!pa->name[0])
            rc = HSEC_ENOMEM;
        cur[R->npaths] = gi;
        step[R->npaths] = pa->step[0];
        alive[R->npaths] = true;
        R->npaths++;
    }
    for (int hop = 0; !rc && hop <= CASCADE_LINKS; hop++) {
        /* stop at a threat's target; then every source of a live path
         * must have its series: record what is missing, and run again */
        bool rerun = false;
        for (size_t p = 0; p < R->npaths && !rc; p++) {
            cpath *pa = &R->paths[p];
            if (!alive[p])
                continue;
            if (hit[cur[p]]) {
                pa->threat = hd_strdup(R->a, hsec_scenario_threat_id(w->s, hit[cur[p]] - 1));
                rc = pa->threat ? HSEC_OK : HSEC_ENOMEM;
                alive[p] = false;
                continue;
            }
            if (hop == CASCADE_LINKS || step[p] <= 0) {
                alive[p] = false;
                continue;
            }
            for (size_t e = rowp[cur[p]]; e < rowp[cur[p] + 1] && !rc; e++) {
                double q;
                if (!q_at(&q, w->r, from[e], 0)) {
                    rc = hsec_scenario_record(w->s, hsec_compiled_node_name(c, from[e]));
                    rerun = true;
                }
            }
        }
        if (!rc && rerun)
            rc = run_work(w);
        for (size_t p = 0; p < R->npaths && !rc; p++) {
            if (!alive[p])
                continue;
            cpath *pa = &R->paths[p];
            int64_t t = step[p] - 1; /* q(t+1) follows A'(t) q_lag(t) */
            rc = hsec_scenario_operator(wt, NULL, NULL, w->s, w->mask, w->nm, t);
            size_t bestf = 0;
            double bp = 0;
            int64_t bt = 0;
            for (size_t e = rowp[cur[p]]; !rc && e < rowp[cur[p] + 1]; e++) {
                double q = 0;
                int64_t ts = t - (int64_t)lag[e];
                if (from[e] == cur[p] || !q_at(&q, w->r, from[e], ts))
                    continue; /* a self-link keeps harm, it does not bring it */
                double pull = wt[e] * q;
                if (pull > bp) {
                    bp = pull;
                    bestf = from[e];
                    bt = ts < 0 ? 0 : ts;
                }
            }
            if (rc)
                break;
            if (!(bp > 0)) {
                alive[p] = false;
                continue;
            }
            pa->pull[pa->len - 1] = bp;
            pa->name[pa->len] = hd_strdup(R->a, hsec_compiled_node_name(c, bestf));
            pa->step[pa->len] = bt;
            pa->q[pa->len] = NAN;
            q_at(&pa->q[pa->len], w->r, bestf, bt);
            if (!pa->name[pa->len])
                rc = HSEC_ENOMEM;
            pa->len++;
            cur[p] = bestf;
            step[p] = bt;
        }
    }
    hd_release(R->a, rowp);
    hd_release(R->a, from);
    hd_release(R->a, lag);
    hd_release(R->a, wt);
    hd_release(R->a, hit);
    return rc;
}

/* A document the library writes as JSON, read back as a tree. */
static int json_tree(hd **out, char *text, size_t len, const hsec_allocator *a)
{
    hd_limits lim;
    hd_default_limits(&lim);
    lim.size = UINT64_MAX;
    char msg[HSEC_ERRMSG_MAX] = "";
    int rc = hd_from_json(out, a, text, len, &lim, msg);
    hsec_free_string(text);
    return rc ? hd_fail(rc, "report: reading a document back: %s", msg) : HSEC_OK;
}

static int compare_tree(hd **out, work *w, const hsec_allocator *a)
{
    *out = NULL;
    size_t count = 1 + hsec_scenario_package_count(w->s);
    if (count == 1)
        return HSEC_OK;
    hsec_result **res = hd_calloc(a, count, sizeof *res);
    double *br = hd_calloc(a, (count - 1) * HSEC_BRANCH_COUNT, sizeof *br);
    int rc = res && br ? hsec_scenario_compare(res, count, w->s) : HSEC_ENOMEM;
    for (size_t p = 0; !rc && p + 1 < count; p++)
        rc = hsec_scenario_compare_branches(br + p * HSEC_BRANCH_COUNT, HSEC_BRANCH_COUNT,
                                            w->s, res[0], p);
    char *text = NULL;
    size_t len = 0;
    if (!rc)
        rc = hsec_doc_compare_json_with(&text, &len, res, count, w->s, br,
                                        (count - 1) * HSEC_BRANCH_COUNT);
    if (!rc)
        rc = json_tree(out, text, len, a);
    for (size_t i = 0; res && i < count; i++)
        hsec_result_free(res[i]);
    hd_release(a, res);
    hd_release(a, br);
    if (rc && rc != HSEC_ENOMEM && !hsec_last_errmsg()[0])
        hd_fail(rc, "report: comparing packages: %s", hsec_scenario_errmsg(w->s));
    return rc;
}

static int ensemble_tree(hd **out, work *w, uint64_t members, const hsec_allocator *a)
{
    *out = NULL;
    if (!members)
        return HSEC_OK;
    int rc = hsec_scenario_set_option(w->s, HSEC_OPT_MEMBERS, (double)members);
    if (rc)
        return hd_fail(rc, "report: ensemble_members %llu: %s", (unsigned long long)members,
                       hsec_scenario_errmsg(w->s));
    hsec_ensemble *e = NULL;
    rc = hsec_scenario_ensemble(&e, w->s, w->mask, w->nm);
    if (rc)
        return hd_fail(rc, "report: ensemble: %s", hsec_scenario_errmsg(w->s)[0]
                                                       ? hsec_scenario_errmsg(w->s)
                                                       : hsec_last_errmsg());
    static const double qs[3] = {0.05, 0.5, 0.95};
    char *text = NULL;
    size_t len = 0;
    rc = hsec_doc_ensemble_json(&text, &len, e, qs, 3, w->s);
    hsec_ensemble_free(e);
    return rc ? rc : json_tree(out, text, len, a);
}

/* The measures of o->mask (s's numbering) in the copy's numbering. */
static int copy_mask(work *w, const hsec_scenario *s, const hsec_report_options *o,
                     const hsec_allocator *a)
{
    w->nm = hsec_scenario_measure_count(w->s);
    if (!o || !o->mask)
        return HSEC_OK;
    if (o->mask_len != hsec_scenario_measure_count(s))
        return hd_fail(HSEC_EINVAL, "report: options.mask_len %zu is not the scenario's "
                                    "measure count %zu", o->mask_len,
                       hsec_scenario_measure_count(s));
    w->mask = hd_calloc(a, w->nm ? w->nm : 1, 1);
    if (!w->mask)
        return HSEC_ENOMEM;
    for (size_t m = 0; m < o->mask_len; m++) {
        if (!o->mask[m])
            continue;
        const char *id = hsec_scenario_measure_id(s, m);
        for (size_t k = 0; k < w->nm; k++)
            if (strcmp(hsec_scenario_measure_id(w->s, k), id) == 0)
                w->mask[k] = 1;
    }
    return HSEC_OK;
}

int hsec_doc_report_html(char **out, size_t *len, const hsec_scenario *s,
                         const hsec_report_options *o)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "report_html: out is NULL");
    *out = NULL;
    if (len)
        *len = 0;
    if (!s)
        return hd_fail(HSEC_EINVAL, "report_html: the scenario is NULL");
    if (o && o->version != HSEC_REPORT_OPTIONS_VERSION)
        return hd_fail(HSEC_EINVAL, "report_html: options.version %u is not "
                                    "HSEC_REPORT_OPTIONS_VERSION (%d)",
                       o->version, HSEC_REPORT_OPTIONS_VERSION);
    if (o && o->ensemble_members > 1000000000)
        return hd_fail(HSEC_EINVAL, "report_html: options.ensemble_members %llu is not from 0 "
                                    "to 1000000000",
                       (unsigned long long)o->ensemble_members);
    if (o && o->mask && o->mask_len != hsec_scenario_measure_count(s))
        return hd_fail(HSEC_EINVAL, "report_html: options.mask_len %zu is not the scenario's "
                                    "measure count %zu",
                       o->mask_len, hsec_scenario_measure_count(s));
    hsec_last_errmsg_set(HSEC_OK, NULL);
    hsec_allocator al = hd_allocator_of(s);
    work w = {NULL, NULL, 0, NULL};
    rep R;
    start_page(&R, &al);
    hd *res = NULL, *cmp = NULL, *ens = NULL;
    int rc = R.o.oom ? HSEC_ENOMEM : copy_scenario(&w.s, s, &al);
    if (!rc && o && o->progress)
        rc = hsec_scenario_set_progress(w.s, o->progress, o->progress_user);
    if (!rc)
        rc = copy_mask(&w, s, o, &al);
    const hsec_compiled *c = w.s ? hsec_scenario_compiled(w.s) : NULL;
    size_t ng = c ? hsec_compiled_group_count(c) : 0;
    /* a first run to find the groups with the largest burden, then the
     * run that records them (one run when all are drawn) */
    if (!rc && ng > TOP_GROUPS)
        rc = run_work(&w);
    if (!rc) {
        double *gb = hd_calloc(&al, ng ? ng : 1, sizeof *gb);
        size_t *idx = hd_calloc(&al, ng ? ng : 1, sizeof *idx);
        rc = gb && idx ? HSEC_OK : HSEC_ENOMEM;
        for (size_t g = 0; !rc && g < ng; g++) {
            gb[g] = 1;
            if (w.r)
                hsec_result_burden(&gb[g], w.r, HSEC_BURDEN_GROUP, g);
        }
        /* the TOP_GROUPS largest (a partial selection) */
        size_t top = 0;
        for (size_t g = 0; !rc && g < ng; g++) {
            size_t at = top;
            while (at > 0 && gb[idx[at - 1]] < gb[g])
                at--;
            if (at >= TOP_GROUPS)
                continue;
            size_t end = top < TOP_GROUPS ? top : TOP_GROUPS - 1;
            memmove(idx + at + 1, idx + at, (end - at) * sizeof *idx);
            idx[at] = g;
            top += top < TOP_GROUPS;
        }
        for (size_t k = 0; !rc && k < top; k++)
            rc = hsec_scenario_record(w.s, hsec_compiled_group_id(c, idx[k]));
        if (rc == HSEC_ENOMEM || (rc && !hsec_last_errmsg()[0]))
            hd_fail(rc, "report: recording the groups: %s", hsec_scenario_errmsg(w.s));
        hd_release(&al, gb);
        hd_release(&al, idx);
    }
    if (!rc)
        rc = run_work(&w);
    if (!rc)
        rc = hd_results_tree(&res, w.r, w.s);
    if (!rc) {
        take_results(&R, res);
        R.model = true;
        rc = choose_groups(&R);
    }
    if (!rc) { /* the drawn groups' weights and baselines */
        R.weight = hd_calloc(&al, R.nshown * HSEC_DIM_COUNT + 1, sizeof *R.weight);
        R.base = hd_calloc(&al, R.nshown * HSEC_DIM_COUNT + 1, sizeof *R.base);
        rc = R.weight && R.base ? HSEC_OK : HSEC_ENOMEM;
        for (size_t k = 0; !rc && k < R.nshown; k++) {
            size_t g = 0;
            const char *id = group_id(&R, R.shown[k]);
            while (g < ng && strcmp(hsec_compiled_group_id(c, g), id) != 0)
                g++;
            for (int d = 0; g < ng && d < HSEC_DIM_COUNT; d++) {
                R.weight[k * HSEC_DIM_COUNT + (size_t)d] =
                    hsec_compiled_group_weight(c, g, (hsec_dimension)d);
                R.base[k * HSEC_DIM_COUNT + (size_t)d] =
                    hsec_compiled_group_baseline(c, g, (hsec_dimension)d);
            }
        }
    }
    if (!rc)
        rc = sample_orders(&R, &w);
    if (!rc)
        rc = trace(&R, &w);
    if (!rc)
        rc = compare_tree(&cmp, &w, &al);
    if (!rc)
        rc = ensemble_tree(&ens, &w, o ? o->ensemble_members : 0, &al);
    if (!rc) {
        R.cmp = cmp;
        R.ens = ens;
        page(&R, o && o->title ? o->title : "Human security report", NULL);
        rc = finish_page(out, len, &R);
    } else {
        hd_release(&al, R.o.buf);
    }
    rep_free(&R);
    hd_free(&al, res);
    hd_free(&al, cmp);
    hd_free(&al, ens);
    hsec_result_free(w.r);
    hd_release(&al, w.mask);
    hsec_scenario_free(w.s);
    if (rc == HSEC_ENOMEM && !hsec_last_errmsg()[0])
        hd_fail(rc, "report_html: out of memory");
    else if (rc == HSEC_ENOMEM)
        hd_fail(rc, "report_html: out of memory (%s)", hsec_last_errmsg());
    return rc;
}

/* ----------------------------------------- from a results document */

int hsec_doc_report_html_file(char **out, size_t *len, hsec_loader *l, const char *path,
                              const char *title)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "report_html_file: the loader is NULL");
    char *msg = hd_loader_msg(l);
    msg[0] = '\0';
    if (!out || !path) {
        hd_setmsg(msg, "report_html_file: %s is NULL", out ? "path" : "out");
        return HSEC_EINVAL;
    }
    *out = NULL;
    if (len)
        *len = 0;
    const hsec_allocator *a = hd_loader_allocator(l);
    hd *tree = NULL;
    int rc = hd_read_tree(&tree, l, path);
    if (rc)
        return rc;
    const hd *g = get(tree, "groups"), *b = get(tree, "burden");
    const char *mode = gets(tree, "mode");
    if (!g || g->t != HD_OBJ || !b || b->t != HD_OBJ || !mode) {
        hd_setmsg(msg, "%s: not a results document (it needs \"mode\", \"groups\" and "
                       "\"burden\"; a scenario's report is hsec report, "
                       "hsec_doc_report_html)", path);
        hd_free(a, tree);
        return HSEC_EFORMAT;
    }
    /* the page writes the step unit as an id (unit_plural): a document's
     * unit must be one, as a scenario's is */
    const char *unit = gets(tree, "step_unit");
    size_t ulen = unit ? strlen(unit) : 1;
    if (ulen == 0 || ulen > HD_ID_MAX || (unit && unit[strspn(unit, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                             "abcdefghijklmnopqrstuvwxyz"
                                                             "0123456789_:-")] != '\0')) {
        hd_setmsg(msg, "%s: step_unit is not an id ([A-Za-z0-9_:-], 1 to %d characters)", path,
                  HD_ID_MAX);
        hd_free(a, tree);
        return HSEC_EFORMAT;
    }
    rep R;
    start_page(&R, a);
    take_results(&R, tree);
    rc = R.o.oom ? HSEC_ENOMEM : choose_groups(&R);
    if (!rc) {
        page(&R, title ? title : path,
             "Made from a results document alone: the sections that need the model (the "
             "burden by order over time, the cascade, packages, uncertainty) are left out "
             "and say so.");
        rc = finish_page(out, len, &R);
    } else {
        hd_release(a, R.o.buf);
    }
    rep_free(&R);
    hd_free(a, tree);
    if (rc == HSEC_ENOMEM)
        hd_setmsg(msg, "%s: out of memory", path);
    return rc;
}
