/* Scenarios: threats, measures and run options on a compiled model. */
#include "scenario.h"

#include <math.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(code, ...)                   \
    do {                                  \
        hx_setmsg(s->err, __VA_ARGS__);   \
        return (code);                    \
    } while (0)

/* Stamps are handed out once in a process, so that equal stamps mean the
 * same scenario as it was at one moment. */
static atomic_uint_least64_t last_stamp;

void hx_restamp(hsec_scenario *s)
{
    s->stamp = atomic_fetch_add_explicit(&last_stamp, 1, memory_order_relaxed) + 1;
}

void hx_changed(hsec_scenario *s)
{
    s->diagnosed = false;
    hx_restamp(s);
}

uint64_t hsec_scenario_stamp(const hsec_scenario *s)
{
    return s ? s->stamp : 0;
}

int hsec_scenario_new(hsec_scenario **out, const hsec_compiled *c)
{
    if (out)
        *out = NULL;
    if (!out || !c)
        return hx_fail(HSEC_EINVAL, "scenario_new: %s is NULL", out ? "the model" : "out");
    hsec_scenario *s = hx_calloc(&c->a, 1, sizeof *s);
    if (!s)
        return hx_fail(HSEC_ENOMEM, "out of memory");
    s->a = c->a;
    s->c = c;
    hx_compiled_ref(c);
    hx_option_defaults(s->opt);
    strcpy(s->unit, "day");
    for (int u = 0; u < HSEC_UNCERTAIN_COUNT; u++)
        s->unc[u][0] = s->unc[u][1] = s->unc[u][2] = 1;
    s->qs[0] = 0.05;
    s->qs[1] = 0.5;
    s->qs[2] = 0.95;
    s->nqs = 3;
    s->sorted = true;
    hx_changed(s);
    *out = s;
    return HSEC_OK;
}

void hsec_scenario_free(hsec_scenario *s)
{
    if (!s)
        return;
    const hsec_allocator *a = &s->a;
    for (size_t i = 0; i < s->nthreat; i++) {
        hx_free(a, s->threats[i].id);
        hx_free(a, s->threats[i].reached);
    }
    for (size_t i = 0; i < s->nmeasure; i++)
        hx_free(a, s->measures[i].id);
    for (size_t i = 0; i < s->npackage; i++) {
        hx_free(a, s->packages[i].id);
        hx_free(a, s->packages[i].measures);
    }
    hx_free(a, s->threats);
    hx_free(a, s->measures);
    hx_free(a, s->packages);
    hx_free(a, s->tt);
    hx_set64_free(a, &s->ttseen);
    hx_map_free(a, &s->threat_ids);
    hx_map_free(a, &s->measure_ids);
    hx_map_free(a, &s->package_ids);
    hx_set64_free(a, &s->inpackage);
    hx_free(a, s->ttfirst);
    hx_free(a, s->ttpos);
    hx_free(a, s->mtfirst);
    hx_free(a, s->mtpos);
    hx_diag_free(a, &s->diag);
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++)
        hx_free(a, s->mt[e]);
    hx_free(a, s->rec);
    hx_free(a, s->recmark);
    hsec_compiled_free((hsec_compiled *)(uintptr_t)s->c); /* drops our reference */
    hsec_allocator copy = s->a;
    hx_free(&copy, s);
}

const char *hsec_scenario_errmsg(const hsec_scenario *s)
{
    return s ? s->err : "no scenario";
}

const hsec_compiled *hsec_scenario_compiled(const hsec_scenario *s)
{
    return s ? s->c : NULL;
}

int hsec_scenario_allocator(hsec_allocator *out, const hsec_scenario *s)
{
    if (!out || !s)
        return hx_fail(HSEC_EINVAL, "scenario_allocator: %s is NULL", out ? "the scenario" : "out");
    *out = s->a;
    return HSEC_OK;
}

/* Index of the entry with that id in an id map, or (size_t)-1. */
static size_t find_id(const hx_map *ids, const char *id)
{
    uint32_t i;
    return hx_map_get(ids, id, &i) ? i : (size_t)-1;
}

/* " (did you mean ...?)" for an id not in map, or "" (in a buffer of the
 * thread's: a message takes one at a time). */
static const char *near(const hx_map *map, const char *id)
{
    static _Thread_local char buf[HX_ID_MAX + 40];
    hx_near n;
    hx_near_start(&n, id);
    hx_near_map(&n, map);
    return hx_near_hint(&n, buf, sizeof buf);
}

static sthreat *find_threat(const hsec_scenario *s, const char *id, size_t *idx)
{
    size_t i = find_id(&s->threat_ids, id);
    if (idx)
        *idx = i;
    return i == (size_t)-1 ? NULL : &s->threats[i];
}

static smeasure *find_measure(const hsec_scenario *s, const char *id, size_t *idx)
{
    size_t i = find_id(&s->measure_ids, id);
    if (idx)
        *idx = i;
    return i == (size_t)-1 ? NULL : &s->measures[i];
}

int hsec_scenario_add_threat(hsec_scenario *s, const char *id, hsec_threat_actor actor)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_threat: the scenario is NULL");
    hx_changed(s);
    if (!hx_valid_id(id))
        FAIL(HSEC_EINVAL, "threat id \"%s\" is not [A-Za-z0-9_:-]{1,64}", hx_show(id));
    if (find_threat(s, id, NULL))
        FAIL(HSEC_EEXIST, "threat id \"%s\" is already used", id);
    if ((int)actor < 0 || (int)actor >= HSEC_THREAT_ACTOR_COUNT)
        FAIL(HSEC_EINVAL, "threat %s: actor %d is not a threat actor", id, (int)actor);
    if (s->nthreat >= UINT32_MAX / 2 ||
        HX_RESERVE(&s->a, s->threats, s->capthreat, s->nthreat + 1))
        FAIL(HSEC_ENOMEM, "out of memory");
    sthreat t = {NULL, (int)actor, 0, -1, 1.0, 0, 0, NULL};
    if (!(t.id = hx_strdup(&s->a, id)) ||
        hx_map_put(&s->a, &s->threat_ids, t.id, (uint32_t)s->nthreat)) {
        hx_free(&s->a, t.id);
        FAIL(HSEC_ENOMEM, "out of memory");
    }
    s->threats[s->nthreat++] = t;
    s->byowner = false;
    return HSEC_OK;
}

/* A whole number of steps in [0, 10^7], or persistent for a duration. */
static int check_steps(hsec_scenario *s, const char *who, const char *what, double x,
                       bool persistent_ok, int64_t *out)
{
    if (persistent_ok && x == HSEC_PERSISTENT) {
        *out = -1;
        return HSEC_OK;
    }
    if (!(x >= 0 && x <= HX_MAX_STEPS && floor(x) == x))
        FAIL(HSEC_EINVAL, "%s: %s %.17g is not a whole number in [0,%.0f]%s", who, what, x,
             HX_MAX_STEPS, persistent_ok ? " (or persistent)" : "");
    *out = (int64_t)x;
    return HSEC_OK;
}

int hsec_scenario_set_threat(hsec_scenario *s, const char *id, hsec_timing what, double value)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_threat: the scenario is NULL");
    hx_changed(s);
    sthreat *t = find_threat(s, id, NULL);
    if (!t)
        FAIL(HSEC_ENOTFOUND, "no threat \"%s\"%s", hx_show(id), near(&s->threat_ids, id));
    char who[96];
    snprintf(who, sizeof who, "threat %s", id);
    switch (what) {
    case HSEC_TIMING_START: return check_steps(s, who, "start", value, false, &t->start);
    case HSEC_TIMING_DURATION: return check_steps(s, who, "duration", value, true, &t->dur);
    case HSEC_TIMING_LIKELIHOOD:
        if (!(value >= 0 && value <= 1))
            FAIL(HSEC_EINVAL, "%s: likelihood %g is not in [0,1]", who, value);
        t->like = value;
        return HSEC_OK;
    default: FAIL(HSEC_EINVAL, "%s: a threat has no timing parameter %d", who, (int)what);
    }
}

/* Append every node of `name` to the list. */
static int resolve(hsec_scenario *s, const char *who, const char *name, uint32_t **nodes,
                   size_t *n, size_t *cap)
{
    size_t before = *n;
    int rc = hx_resolve_nodes(s->c, name, nodes, n, cap);
    if (rc == HSEC_ENOTFOUND) {
        char hint[2 * HX_ID_MAX + 40];
        FAIL(rc, "%s: target \"%s\" is not a node, group or region%s", who, hx_show(name),
             hx_near_node(&s->c->map, name, hint, sizeof hint));
    }
    if (rc)
        FAIL(rc, "out of memory");
    return hx_targets_fit(s, who, name, *n - before); /* before the lists grow */
}

static int add_targets(hsec_scenario *s, starget **list, size_t *count, size_t *cap,
                       const uint32_t *nodes, size_t n, uint32_t who, double mag)
{
    if (HX_RESERVE(&s->a, *list, *cap, *count + n))
        FAIL(HSEC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        starget t = {nodes[i], who, mag};
        (*list)[(*count)++] = t;
    }
    s->sorted = false;
    return HSEC_OK;
}

int hsec_scenario_add_threat_target(hsec_scenario *s, const char *threat, const char *name,
                                    double magnitude)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_threat_target: the scenario is NULL");
    hx_changed(s);
    size_t ti;
    if (!find_threat(s, threat, &ti))
        FAIL(HSEC_ENOTFOUND, "no threat \"%s\"%s", hx_show(threat),
             near(&s->threat_ids, threat));
    char who[96];
    snprintf(who, sizeof who, "threat %s", threat);
    if (!(magnitude >= 0 && magnitude <= 1))
        FAIL(HSEC_EINVAL, "%s: magnitude %g on %s is not in [0,1]", who, magnitude,
             hx_show(name));
    uint32_t *nodes = NULL;
    size_t n = 0, cap = 0;
    int rc = resolve(s, who, name, &nodes, &n, &cap);
    /* Repeats are found in a set of (threat, node) pairs, or, once a threat
     * reaches more than one node in 256 (a region, say), in a bitmap of
     * the nodes it reaches: both checked, since nodes reached before the
     * bitmap stay in the set. */
    sthreat *th = &s->threats[ti];
    size_t N = s->c->n;
    bool dense = th->reached || th->ntarget + n > N / 256;
    if (!rc && dense && !th->reached &&
        !(th->reached = hx_calloc(&s->a, (N + 63) / 64, sizeof *th->reached))) {
        hx_setmsg(s->err, "out of memory");
        rc = HSEC_ENOMEM;
    }
    if (!rc && (HX_RESERVE(&s->a, s->tt, s->captt, s->ntt + n) ||
                (!dense && hx_set64_reserve(&s->a, &s->ttseen, n)))) {
        hx_setmsg(s->err, "out of memory");
        rc = HSEC_ENOMEM;
    }
    /* a name resolves to distinct nodes: only earlier targets can clash */
    for (size_t i = 0; !rc && i < n; i++) {
        uint32_t v = nodes[i];
        if ((th->reached && (th->reached[v / 64] >> (v % 64) & 1)) ||
            (th->ntarget && hx_set64_has(&s->ttseen, (uint64_t)ti << 32 | v))) {
            hx_setmsg(s->err, "%s: node %s is reached twice (target %s)", who,
                      s->c->names[v], name);
            rc = HSEC_EEXIST;
        }
    }
    for (size_t i = 0; !rc && i < n; i++) {
        uint32_t v = nodes[i];
        if (dense)
            th->reached[v / 64] |= (uint64_t)1 << (v % 64);
        else
            hx_set64_put(&s->ttseen, (uint64_t)ti << 32 | v);
        starget t = {v, (uint32_t)ti, magnitude};
        s->tt[s->ntt++] = t;
        s->sorted = false;
    }
    if (!rc)
        th->ntarget += n;
    hx_free(&s->a, nodes);
    return rc;
}

int hsec_scenario_add_measure(hsec_scenario *s, const char *id, hsec_measure_kind kind,
                              hsec_effect effect, hsec_measure_actor actor, double strength)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_measure: the scenario is NULL");
    hx_changed(s);
    if (!hx_valid_id(id))
        FAIL(HSEC_EINVAL, "measure id \"%s\" is not [A-Za-z0-9_:-]{1,64}", hx_show(id));
    if (find_measure(s, id, NULL))
        FAIL(HSEC_EEXIST, "measure id \"%s\" is already used", id);
    if ((int)kind < 0 || (int)kind >= HSEC_MEASURE_KIND_COUNT)
        FAIL(HSEC_EINVAL, "measure %s: kind %d is not protection or empowerment", id,
             (int)kind);
    if ((int)effect < 0 || (int)effect >= HSEC_EFFECT_COUNT)
        FAIL(HSEC_EINVAL, "measure %s: effect %d is unknown", id, (int)effect);
    if ((int)actor < 0 || (int)actor >= HSEC_MEASURE_ACTOR_COUNT)
        FAIL(HSEC_EINVAL, "measure %s: actor %d is not a measure actor", id, (int)actor);
    if (!(strength >= 0 && strength <= 1)) /* a recovery rate never exceeds 1 */
        FAIL(HSEC_EINVAL, "measure %s: %s %g is not in [0,1]", id,
             effect == HSEC_RECOVER ? "delta" : "fraction", strength);
    if (s->nmeasure >= UINT32_MAX / 2 ||
        HX_RESERVE(&s->a, s->measures, s->capmeasure, s->nmeasure + 1))
        FAIL(HSEC_ENOMEM, "out of memory");
    smeasure m = {NULL, (int)kind, (int)effect, (int)actor, strength, 0, 0, -1, 0, 0, HSEC_BRANCH_NONE};
    if (!(m.id = hx_strdup(&s->a, id)) ||
        hx_map_put(&s->a, &s->measure_ids, m.id, (uint32_t)s->nmeasure)) {
        hx_free(&s->a, m.id);
        FAIL(HSEC_ENOMEM, "out of memory");
    }
    s->measures[s->nmeasure++] = m;
    s->byowner = false;
    return HSEC_OK;
}

int hsec_scenario_set_measure(hsec_scenario *s, const char *id, hsec_timing what,
                              double value)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_measure: the scenario is NULL");
    hx_changed(s);
    smeasure *m = find_measure(s, id, NULL);
    if (!m)
        FAIL(HSEC_ENOTFOUND, "no measure \"%s\"%s", hx_show(id), near(&s->measure_ids, id));
    char who[96];
    snprintf(who, sizeof who, "measure %s", id);
    switch (what) {
    case HSEC_TIMING_START: return check_steps(s, who, "start", value, false, &m->start);
    case HSEC_TIMING_DURATION: return check_steps(s, who, "duration", value, true, &m->dur);
    case HSEC_TIMING_RAMP: return check_steps(s, who, "ramp", value, false, &m->ramp);
    case HSEC_TIMING_COST:
        if (!(value >= 0 && isfinite(value)))
            FAIL(HSEC_EINVAL, "%s: cost %g is not a finite number >= 0", who, value);
        m->cost = value;
        return HSEC_OK;
    default: FAIL(HSEC_EINVAL, "%s: a measure has no timing parameter %d", who, (int)what);
    }
}

int hsec_scenario_add_measure_target(hsec_scenario *s, const char *measure, const char *name)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_measure_target: the scenario is NULL");
    hx_changed(s);
    size_t mi;
    smeasure *m = find_measure(s, measure, &mi);
    if (!m)
        FAIL(HSEC_ENOTFOUND, "no measure \"%s\"%s", hx_show(measure),
             near(&s->measure_ids, measure));
    char who[96];
    snprintf(who, sizeof who, "measure %s", measure);
    if (m->effect == HSEC_DECOUPLE)
        FAIL(HSEC_EINVAL, "%s: decouple targets links ({from, to} or {to}), not \"%s\"", who,
             hx_show(name));
    uint32_t *nodes = NULL;
    size_t n = 0, cap = 0;
    int rc = resolve(s, who, name, &nodes, &n, &cap);
    if (!rc)
        rc = add_targets(s, &s->mt[m->effect], &s->nmt[m->effect], &s->capmt[m->effect],
                         nodes, n, (uint32_t)mi, 0);
    hx_free(&s->a, nodes);
    return rc;
}

int hsec_scenario_add_measure_link(hsec_scenario *s, const char *measure, const char *from,
                                   const char *to)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_measure_link: the scenario is NULL");
    hx_changed(s);
    size_t mi;
    smeasure *m = find_measure(s, measure, &mi);
    if (!m)
        FAIL(HSEC_ENOTFOUND, "no measure \"%s\"%s", hx_show(measure),
             near(&s->measure_ids, measure));
    char who[96], hint[2 * HX_ID_MAX + 40];
    snprintf(who, sizeof who, "measure %s", measure);
    if (m->effect != HSEC_DECOUPLE)
        FAIL(HSEC_EINVAL, "%s: only decouple targets links (%s has effect %s)", who, measure,
             hsec_enum_name(HSEC_ENUM_EFFECT, m->effect));
    const hsec_compiled *c = s->c;
    starget **list = &s->mt[HSEC_DECOUPLE];
    size_t *count = &s->nmt[HSEC_DECOUPLE], *capm = &s->capmt[HSEC_DECOUPLE];
    if (from) {
        uint32_t f = hx_node_of(c, from), t = hx_node_of(c, to);
        size_t e;
        if (f == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "%s: from \"%s\" is not a node%s", who, from,
                 hx_near_node(&s->c->map, from, hint, sizeof hint));
        if (t == HX_NONE)
            FAIL(HSEC_ENOTFOUND, "%s: to \"%s\" is not a node%s", who, hx_show(to),
                 hx_near_node(&s->c->map, to, hint, sizeof hint));
        if ((e = hx_find_link(c, f, t)) == (size_t)-1)
            FAIL(HSEC_ENOTFOUND, "%s: there is no link %s -> %s", who, from, to);
        if (HX_RESERVE(&s->a, *list, *capm, *count + 1))
            FAIL(HSEC_ENOMEM, "out of memory");
        starget x = {e, (uint32_t)mi, 0};
        (*list)[(*count)++] = x;
        s->sorted = false;
        return HSEC_OK;
    }
    uint32_t *nodes = NULL;
    size_t n = 0, cap = 0;
    int rc = resolve(s, who, to, &nodes, &n, &cap);
    size_t in = 0; /* decoupling a node cuts each of its in-links */
    for (size_t i = 0; !rc && i < n; i++)
        in += c->rowp[nodes[i] + 1] - c->rowp[nodes[i]];
    if (!rc)
        rc = hx_targets_fit(s, who, to, in);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t lo = c->rowp[nodes[i]], hi = c->rowp[nodes[i] + 1];
        if (HX_RESERVE(&s->a, *list, *capm, *count + (hi - lo))) {
            hx_setmsg(s->err, "out of memory");
            rc = HSEC_ENOMEM;
            break;
        }
        for (size_t e = lo; e < hi; e++) {
            starget x = {e, (uint32_t)mi, 0};
            (*list)[(*count)++] = x;
        }
        s->sorted = false;
    }
    hx_free(&s->a, nodes);
    return rc;
}

/* ---- getters: a const scenario reports through the thread's message */

/* Is out set (when asked for), and i an index below n of a non-NULL
 * scenario? Sets the thread's message if not. */
static bool gettable(const void *out, const hsec_scenario *s, const char *what, size_t i,
                     size_t n)
{
    return hx_index_ok(out, s, "scenario", what, i, n);
}

size_t hsec_scenario_threat_count(const hsec_scenario *s) { return s ? s->nthreat : 0; }

const char *hsec_scenario_threat_id(const hsec_scenario *s, size_t i)
{
    return s && i < s->nthreat ? s->threats[i].id : NULL;
}

int hsec_scenario_threat_actor(hsec_threat_actor *out, const hsec_scenario *s, size_t i)
{
    if (!gettable(out, s, "threat", i, s ? s->nthreat : 0))
        return HSEC_EINVAL;
    *out = (hsec_threat_actor)s->threats[i].actor;
    return HSEC_OK;
}

/* The value of a start or duration as the setters take it. */
static double steps_of(int64_t x) { return x < 0 ? HSEC_PERSISTENT : (double)x; }

int hsec_scenario_threat_timing(double *out, const hsec_scenario *s, size_t i, hsec_timing what)
{
    if (!gettable(out, s, "threat", i, s ? s->nthreat : 0))
        return HSEC_EINVAL;
    const sthreat *t = &s->threats[i];
    switch (what) {
    case HSEC_TIMING_START: *out = steps_of(t->start); return HSEC_OK;
    case HSEC_TIMING_DURATION: *out = steps_of(t->dur); return HSEC_OK;
    case HSEC_TIMING_LIKELIHOOD: *out = t->like; return HSEC_OK;
    default:
        return hx_fail(HSEC_EINVAL, "threat %s: a threat has no timing parameter %d", t->id,
                       (int)what);
    }
}

/* Entries of a sorted target list that belong to `who`, into the arrays
 * (any may be NULL) when count is their number; returns their number. The
 * way without the lists by owner (when there was no memory for them). */
static size_t targets_of(const starget *l, size_t n, uint32_t who, size_t *at, double *mag,
                         size_t count)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i].who != who)
            continue;
        if (k < count) {
            if (at)
                at[k] = l[i].at;
            if (mag)
                mag[k] = l[i].mag;
        }
        k++;
    }
    hx_steps += n;
    return k;
}

/* The owners' counts in first[1 .. owners] into where each owner's entries
 * start, first[0 .. owners - 1]. */
static void starts(size_t *first, size_t owners)
{
    for (size_t i = 0; i < owners; i++)
        first[i + 1] += first[i];
}

/* Filling moved each first[i] on to first[i + 1]: moved back. */
static void restart(size_t *first, size_t owners)
{
    for (size_t i = owners; i > 0; i--)
        first[i] = first[i - 1];
    first[0] = 0;
}

/* The target lists sorted, and by owner (a stable counting sort, so each
 * owner's entries stay in node or link order): what the getters read, so
 * that reading every threat's or measure's targets takes time linear in the
 * lists rather than a scan of them per owner. False (the lists sorted all
 * the same) when there is no memory for them. */
static bool by_owner(const hsec_scenario *cs)
{
    hsec_scenario *s = (hsec_scenario *)(uintptr_t)cs; /* getters may prepare (scenario.h) */
    hx_scenario_prepare(s);
    if (s->byowner)
        return true;
    const hsec_allocator *a = &s->a;
    size_t nm = 0;
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++)
        nm += s->nmt[e];
    hx_free(a, s->ttfirst);
    hx_free(a, s->ttpos);
    hx_free(a, s->mtfirst);
    hx_free(a, s->mtpos);
    s->ttfirst = hx_calloc(a, s->nthreat + 1, sizeof *s->ttfirst);
    s->ttpos = hx_calloc(a, s->ntt ? s->ntt : 1, sizeof *s->ttpos);
    s->mtfirst = hx_calloc(a, s->nmeasure + 1, sizeof *s->mtfirst);
    s->mtpos = hx_calloc(a, nm ? nm : 1, sizeof *s->mtpos);
    if (!s->ttfirst || !s->ttpos || !s->mtfirst || !s->mtpos) {
        hx_free(a, s->ttfirst);
        hx_free(a, s->ttpos);
        hx_free(a, s->mtfirst);
        hx_free(a, s->mtpos);
        s->ttfirst = s->ttpos = s->mtfirst = s->mtpos = NULL;
        return false;
    }
    for (size_t k = 0; k < s->ntt; k++)
        s->ttfirst[s->tt[k].who + 1]++;
    starts(s->ttfirst, s->nthreat);
    for (size_t k = 0; k < s->ntt; k++)
        s->ttpos[s->ttfirst[s->tt[k].who]++] = k;
    restart(s->ttfirst, s->nthreat);
    /* a measure's targets are all in the list of its effect */
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++)
        for (size_t k = 0; k < s->nmt[e]; k++)
            s->mtfirst[s->mt[e][k].who + 1]++;
    starts(s->mtfirst, s->nmeasure);
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++)
        for (size_t k = 0; k < s->nmt[e]; k++)
            s->mtpos[s->mtfirst[s->mt[e][k].who]++] = k;
    restart(s->mtfirst, s->nmeasure);
    hx_steps += s->ntt + nm;
    s->byowner = true;
    return true;
}

size_t hsec_scenario_threat_target_count(const hsec_scenario *s, size_t i)
{
    if (!s || i >= s->nthreat)
        return 0;
    if (by_owner(s))
        return s->ttfirst[i + 1] - s->ttfirst[i];
    return targets_of(s->tt, s->ntt, (uint32_t)i, NULL, NULL, 0);
}

typedef struct apitarget {
    size_t at;
    double mag;
} apitarget;

static int apitarget_cmp(const void *pa, const void *pb)
{
    const apitarget *a = pa, *b = pb;
    return (a->at > b->at) - (a->at < b->at);
}

/* Targets t[0..n) (nodes, or links when `links`) renumbered as the API
 * numbers them and sorted by that number. HSEC_ENOMEM. */
static int api_targets(const hsec_compiled *c, apitarget *t, size_t n, bool links)
{
    if (links) {
        const size_t *touser = hx_link_touser(c);
        if (!touser)
            return HSEC_ENOMEM;
        for (size_t k = 0; k < n; k++)
            t[k].at = touser[t[k].at];
    } else {
        for (size_t k = 0; k < n; k++)
            t[k].at = c->uid[t[k].at];
    }
    qsort(t, n, sizeof *t, apitarget_cmp);
    return HSEC_OK;
}

/* Owner `who`'s targets in list l (sorted by node or link), into at and
 * mag (either may be NULL) in the API's numbering and order. */
static int targets_api(const hsec_scenario *s, const starget *l, size_t nl, const size_t *pos,
                       size_t first, size_t n, uint32_t who, bool links, size_t *at,
                       double *mag)
{
    apitarget *t = hx_alloc(&s->a, (n ? n : 1) * sizeof *t);
    if (!t)
        return hx_fail(HSEC_ENOMEM, "targets: out of memory");
    size_t k = 0;
    for (size_t i = 0; pos && k < n; k++, i++) {
        t[k].at = l[pos[first + i]].at;
        t[k].mag = l[pos[first + i]].mag;
    }
    for (size_t i = 0; !pos && i < nl && k < n; i++)
        if (l[i].who == who) {
            t[k].at = l[i].at;
            t[k].mag = l[i].mag;
            k++;
        }
    if (api_targets(s->c, t, n, links)) {
        hx_free(&s->a, t);
        return hx_fail(HSEC_ENOMEM, "targets: out of memory");
    }
    for (k = 0; k < n; k++) {
        if (at)
            at[k] = t[k].at;
        if (mag)
            mag[k] = t[k].mag;
    }
    hx_free(&s->a, t);
    hx_steps += pos ? n : nl;
    return HSEC_OK;
}

int hsec_scenario_threat_targets(size_t *nodes, double *magnitudes, size_t count,
                                 const hsec_scenario *s, size_t i)
{
    if (!gettable("", s, "threat", i, s ? s->nthreat : 0))
        return HSEC_EINVAL;
    size_t n = hsec_scenario_threat_target_count(s, i);
    if (count != n)
        return hx_fail(HSEC_EINVAL, "threat %s: count %zu is not its %zu targets",
                       s->threats[i].id, count, n);
    return targets_api(s, s->tt, s->ntt, s->byowner ? s->ttpos : NULL,
                       s->byowner ? s->ttfirst[i] : 0, n, (uint32_t)i, false, nodes, magnitudes);
}

size_t hsec_scenario_measure_count(const hsec_scenario *s) { return s ? s->nmeasure : 0; }

const char *hsec_scenario_measure_id(const hsec_scenario *s, size_t i)
{
    return s && i < s->nmeasure ? s->measures[i].id : NULL;
}

int hsec_scenario_measure_kind(hsec_measure_kind *out, const hsec_scenario *s, size_t i)
{
    if (!gettable(out, s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    *out = (hsec_measure_kind)s->measures[i].kind;
    return HSEC_OK;
}

int hsec_scenario_measure_effect(hsec_effect *effect, hsec_measure_actor *actor,
                                 double *strength, const hsec_scenario *s, size_t i)
{
    if (!gettable("", s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    const smeasure *m = &s->measures[i];
    if (effect)
        *effect = (hsec_effect)m->effect;
    if (actor)
        *actor = (hsec_measure_actor)m->actor;
    if (strength)
        *strength = m->strength;
    return HSEC_OK;
}

int hsec_scenario_measure_timing(double *out, const hsec_scenario *s, size_t i,
                                 hsec_timing what)
{
    if (!gettable(out, s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    const smeasure *m = &s->measures[i];
    switch (what) {
    case HSEC_TIMING_START: *out = steps_of(m->start); return HSEC_OK;
    case HSEC_TIMING_DURATION: *out = steps_of(m->dur); return HSEC_OK;
    case HSEC_TIMING_RAMP: *out = (double)m->ramp; return HSEC_OK;
    case HSEC_TIMING_COST: *out = m->cost; return HSEC_OK;
    default:
        return hx_fail(HSEC_EINVAL, "measure %s: a measure has no timing parameter %d", m->id,
                       (int)what);
    }
}

double hsec_scenario_measure_cost(const hsec_scenario *s, size_t i)
{
    return s && i < s->nmeasure ? s->measures[i].cost : NAN;
}

size_t hsec_scenario_measure_target_count(const hsec_scenario *s, size_t i)
{
    if (!s || i >= s->nmeasure)
        return 0;
    if (by_owner(s)) /* sorted: repeated targets count once */
        return s->mtfirst[i + 1] - s->mtfirst[i];
    int e = s->measures[i].effect;
    return targets_of(s->mt[e], s->nmt[e], (uint32_t)i, NULL, NULL, 0);
}

int hsec_scenario_measure_targets(size_t *targets, size_t count, const hsec_scenario *s,
                                  size_t i)
{
    if (!gettable("", s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    size_t n = hsec_scenario_measure_target_count(s, i);
    if (count != n)
        return hx_fail(HSEC_EINVAL, "measure %s: count %zu is not its %zu targets",
                       s->measures[i].id, count, n);
    int e = s->measures[i].effect;
    return targets_api(s, s->mt[e], s->nmt[e], s->byowner ? s->mtpos : NULL,
                       s->byowner ? s->mtfirst[i] : 0, n, (uint32_t)i, e == HSEC_DECOUPLE,
                       targets, NULL);
}

int hsec_scenario_add_package(hsec_scenario *s, const char *id)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_add_package: the scenario is NULL");
    hx_restamp(s);
    if (!hx_valid_id(id))
        FAIL(HSEC_EINVAL, "package id \"%s\" is not [A-Za-z0-9_:-]{1,64}", hx_show(id));
    if (find_id(&s->package_ids, id) != (size_t)-1)
        FAIL(HSEC_EEXIST, "package id \"%s\" is already used", id);
    if (s->npackage >= UINT32_MAX / 2 ||
        HX_RESERVE(&s->a, s->packages, s->cappackage, s->npackage + 1))
        FAIL(HSEC_ENOMEM, "out of memory");
    spackage p = {NULL, NULL, 0, 0};
    if (!(p.id = hx_strdup(&s->a, id)) ||
        hx_map_put(&s->a, &s->package_ids, p.id, (uint32_t)s->npackage)) {
        hx_free(&s->a, p.id);
        FAIL(HSEC_ENOMEM, "out of memory");
    }
    s->packages[s->npackage++] = p;
    return HSEC_OK;
}

int hsec_scenario_package_add(hsec_scenario *s, const char *package, const char *measure)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_package_add: the scenario is NULL");
    hx_restamp(s);
    size_t pi = find_id(&s->package_ids, package), mi;
    if (pi == (size_t)-1)
        FAIL(HSEC_ENOTFOUND, "no package \"%s\"%s", hx_show(package),
             near(&s->package_ids, package));
    spackage *p = &s->packages[pi];
    if (!find_measure(s, measure, &mi))
        FAIL(HSEC_ENOTFOUND, "package %s: no measure \"%s\"%s", package, hx_show(measure),
             near(&s->measure_ids, measure));
    uint64_t pair = (uint64_t)pi << 32 | mi;
    if (hx_set64_has(&s->inpackage, pair))
        FAIL(HSEC_EEXIST, "package %s: measure %s is already in it", package, measure);
    if (HX_RESERVE(&s->a, p->measures, p->cap, p->n + 1) ||
        hx_set64_reserve(&s->a, &s->inpackage, 1))
        FAIL(HSEC_ENOMEM, "out of memory");
    hx_set64_put(&s->inpackage, pair);
    p->measures[p->n++] = (uint32_t)mi;
    return HSEC_OK;
}

size_t hsec_scenario_package_count(const hsec_scenario *s) { return s ? s->npackage : 0; }

const char *hsec_scenario_package_id(const hsec_scenario *s, size_t i)
{
    return s && i < s->npackage ? s->packages[i].id : NULL;
}

size_t hsec_scenario_package_size(const hsec_scenario *s, size_t package)
{
    return s && package < s->npackage ? s->packages[package].n : 0;
}

int hsec_scenario_package_measures(size_t *measures, size_t count, const hsec_scenario *s,
                                   size_t package)
{
    if (!gettable(measures || !count ? "" : NULL, s, "package", package, s ? s->npackage : 0))
        return HSEC_EINVAL;
    const spackage *p = &s->packages[package];
    if (count != p->n)
        return hx_fail(HSEC_EINVAL, "package %s: count %zu is not its %zu measures", p->id,
                       count, p->n);
    for (size_t k = 0; k < p->n; k++)
        measures[k] = p->measures[k];
    return HSEC_OK;
}

int hsec_scenario_package_mask(unsigned char *mask, size_t count, const hsec_scenario *s,
                               size_t package)
{
    if (!gettable(mask, s, "package", package, s ? s->npackage : 0))
        return HSEC_EINVAL;
    if (count != s->nmeasure)
        return hx_fail(HSEC_EINVAL, "package_mask: count %zu is not the %zu measures", count,
                       s->nmeasure);
    memset(mask, 0, count);
    for (size_t i = 0; i < s->packages[package].n; i++)
        mask[s->packages[package].measures[i]] = 1;
    return HSEC_OK;
}

double hsec_scenario_package_cost(const hsec_scenario *s, size_t package)
{
    if (!s || package >= s->npackage)
        return NAN;
    double cost = 0;
    for (size_t i = 0; i < s->packages[package].n; i++)
        cost += s->measures[s->packages[package].measures[i]].cost;
    return cost;
}

int hsec_scenario_record(hsec_scenario *s, const char *name)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_record: the scenario is NULL");
    hx_restamp(s);
    uint32_t *nodes = NULL;
    size_t n = 0, cap = 0;
    int rc = resolve(s, "run.record", name, &nodes, &n, &cap);
    if (!rc && !s->recmark && !(s->recmark = hx_calloc(&s->a, s->c->n, 1))) {
        hx_setmsg(s->err, "out of memory");
        rc = HSEC_ENOMEM;
    }
    if (!rc && HX_RESERVE(&s->a, s->rec, s->caprec, s->nrec + n)) {
        hx_setmsg(s->err, "out of memory");
        rc = HSEC_ENOMEM;
    }
    for (size_t i = 0; !rc && i < n; i++) { /* kept as the API numbers them */
        if (!s->recmark[nodes[i]]) {
            s->recmark[nodes[i]] = 1;
            s->rec[s->nrec++] = s->c->uid[nodes[i]];
        }
    }
    hx_free(&s->a, nodes);
    return rc;
}

const size_t *hsec_scenario_recorded(const hsec_scenario *s, size_t *count)
{
    if (count)
        *count = s ? s->nrec : 0;
    return s ? s->rec : NULL;
}

static int target_cmp(const void *pa, const void *pb)
{
    const starget *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    if (a->who != b->who)
        return a->who < b->who ? -1 : 1;
    return 0;
}

/* Sort by node (or link) so that a run walks each list once, in step with
 * its sweep over the nodes; a measure reaching a node twice counts once. */
void hx_scenario_prepare(hsec_scenario *s)
{
    if (s->sorted)
        return;
    s->byowner = false;
    if (s->ntt)
        qsort(s->tt, s->ntt, sizeof *s->tt, target_cmp);
    for (int e = 0; e < HSEC_EFFECT_COUNT; e++) {
        if (!s->nmt[e])
            continue;
        qsort(s->mt[e], s->nmt[e], sizeof *s->mt[e], target_cmp);
        size_t kept = 1;
        for (size_t i = 1; i < s->nmt[e]; i++)
            if (target_cmp(&s->mt[e][i], &s->mt[e][kept - 1]) != 0)
                s->mt[e][kept++] = s->mt[e][i];
        s->nmt[e] = kept;
    }
    s->sorted = true;
}

/* ---- topics and branches (doc/model.md §11): labels, not in the computation */

static int check_topics(hsec_scenario *s, const char *who, const char *id, unsigned topics)
{
    if (topics >> HSEC_TOPIC_COUNT)
        FAIL(HSEC_EINVAL, "%s %s: topics 0x%x name no topic (bits 0 to %d)", who, id, topics,
             HSEC_TOPIC_COUNT - 1);
    return HSEC_OK;
}

int hsec_scenario_set_threat_topics(hsec_scenario *s, const char *threat, unsigned topics)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_threat_topics: the scenario is NULL");
    hx_restamp(s);
    sthreat *t = find_threat(s, threat, NULL);
    if (!t)
        FAIL(HSEC_ENOTFOUND, "no threat \"%s\"%s", hx_show(threat),
             near(&s->threat_ids, threat));
    int rc = check_topics(s, "threat", threat, topics);
    if (!rc)
        t->topics = topics;
    return rc;
}

int hsec_scenario_set_measure_topics(hsec_scenario *s, const char *measure, unsigned topics)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_measure_topics: the scenario is NULL");
    hx_restamp(s);
    smeasure *m = find_measure(s, measure, NULL);
    if (!m)
        FAIL(HSEC_ENOTFOUND, "no measure \"%s\"%s", hx_show(measure),
             near(&s->measure_ids, measure));
    int rc = check_topics(s, "measure", measure, topics);
    if (!rc)
        m->topics = topics;
    return rc;
}

int hsec_scenario_set_measure_branch(hsec_scenario *s, const char *measure, hsec_branch branch)
{
    if (!s)
        return hx_fail(HSEC_EINVAL, "scenario_set_measure_branch: the scenario is NULL");
    hx_restamp(s);
    smeasure *m = find_measure(s, measure, NULL);
    if (!m)
        FAIL(HSEC_ENOTFOUND, "no measure \"%s\"%s", hx_show(measure),
             near(&s->measure_ids, measure));
    if ((int)branch < 0 || (int)branch >= HSEC_BRANCH_COUNT)
        FAIL(HSEC_EINVAL, "measure %s: branch %d is not a branch", measure, (int)branch);
    m->branch = (int)branch;
    return HSEC_OK;
}

int hsec_scenario_threat_topics(unsigned *out, const hsec_scenario *s, size_t i)
{
    if (!gettable(out, s, "threat", i, s ? s->nthreat : 0))
        return HSEC_EINVAL;
    *out = s->threats[i].topics;
    return HSEC_OK;
}

int hsec_scenario_measure_topics(unsigned *out, const hsec_scenario *s, size_t i)
{
    if (!gettable(out, s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    *out = s->measures[i].topics;
    return HSEC_OK;
}

int hsec_scenario_measure_branch(hsec_branch *out, const hsec_scenario *s, size_t i)
{
    if (!gettable(out, s, "measure", i, s ? s->nmeasure : 0))
        return HSEC_EINVAL;
    *out = (hsec_branch)s->measures[i].branch;
    return HSEC_OK;
}
