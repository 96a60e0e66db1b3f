/* Ids, the id map, and the names of enumerations. */
#include "base.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool hx_valid_id(const char *s)
{
    if (!s)
        return false;
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == ':';
        if (!ok || n >= HX_ID_MAX)
            return false;
    }
    return n > 0;
}

const char *hx_show(const char *s)
{
    return s ? s : "(null)";
}

_Thread_local uint64_t hx_steps;

/* The hash of key under the map's key (its low half, which places it). */
static uint32_t hash_of(const hx_map *m, const char *key)
{
    return (uint32_t)hx_siphash(m->key[0], m->key[1], key, strlen(key));
}

/* The slot of key (hash h), or the empty slot where it would go (linear
 * probing). */
static size_t slot_of(const hx_map *m, const char *key, uint32_t h)
{
    size_t mask = m->cap - 1, probes = 1;
    size_t i = h & mask;
    for (const hx_slot *v = &m->slots[i]; v->key && (v->hash != h || strcmp(v->key, key) != 0);
         v = &m->slots[i]) {
        i = (i + 1) & mask;
        probes++;
    }
    hx_steps += probes;
    return i;
}

static int grow(const hsec_allocator *a, hx_map *m)
{
    if (m->cap >= (size_t)1 << 31) /* the hash's low half places 2^32 slots at most */
        return HSEC_ENOMEM;
    size_t ncap = m->cap ? m->cap * 2 : 16, mask = ncap - 1;
    hx_slot *slots = hx_calloc(a, ncap, sizeof *slots);
    if (!slots)
        return HSEC_ENOMEM;
    if (!m->cap)
        hx_hash_key(m->key, m);
    for (size_t i = 0; i < m->cap; i++) { /* placed by the hashes kept */
        if (!m->slots[i].key)
            continue;
        size_t j = m->slots[i].hash & mask;
        while (slots[j].key)
            j = (j + 1) & mask;
        slots[j] = m->slots[i];
    }
    hx_steps += m->cap;
    hx_free(a, m->slots);
    m->slots = slots;
    m->cap = ncap;
    return HSEC_OK;
}

int hx_map_put(const hsec_allocator *a, hx_map *m, const char *key, uint32_t val)
{
    if ((m->count + 1) * 4 > m->cap * 3) {
        int rc = grow(a, m);
        if (rc)
            return rc;
    }
    uint32_t h = hash_of(m, key);
    size_t i = slot_of(m, key, h);
    if (m->slots[i].key)
        return HSEC_EEXIST;
    m->slots[i] = (hx_slot){key, val, h};
    m->count++;
    return HSEC_OK;
}

bool hx_map_get(const hx_map *m, const char *key, uint32_t *val)
{
    if (!m->cap || !key)
        return false;
    size_t i = slot_of(m, key, hash_of(m, key));
    if (!m->slots[i].key)
        return false;
    if (val)
        *val = m->slots[i].val;
    return true;
}

int hx_map_copy(const hsec_allocator *a, hx_map *dst, const hx_map *src)
{
    *dst = *src;
    dst->slots = NULL;
    if (!src->cap)
        return HSEC_OK;
    if (!(dst->slots = hx_calloc(a, src->cap, sizeof *dst->slots))) {
        dst->cap = dst->count = 0;
        return HSEC_ENOMEM;
    }
    memcpy(dst->slots, src->slots, src->cap * sizeof *dst->slots);
    return HSEC_OK;
}

void hx_map_free(const hsec_allocator *a, hx_map *m)
{
    hx_free(a, m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static const char *const dims[] = {"economic", "food", "health", "environmental",
                                   "personal", "community", "political"};
static const char *const flags[] = {"women",     "children",   "elderly", "disabled",
                                    "indigenous", "displaced", "missing", "minority"};
static const char *const kinds[] = {"energy",           "water",          "health_care",
                                    "food_production",  "market",         "education",
                                    "shelter",          "communications", "transport",
                                    "policing_justice", "governance",     "cultural_property",
                                    "other",            "economic_sector"};
static const char *const tactors[] = {"own",      "allied",  "adversary", "non_state_armed_group",
                                      "criminal", "natural", "unknown"};
static const char *const mkinds[] = {"protection", "empowerment"};
static const char *const mactors[] = {"host_government", "international_organisation",
                                      "military",        "ngo",
                                      "community",       "private_sector"};
static const char *const effects[] = {"shield", "decouple", "recover", "reduce_vulnerability"};
static const char *const phases[] = {"minimal", "stressed", "crisis", "emergency", "catastrophe"};
static const char *const topics[] = {"protection_of_civilians", "conflict_related_sexual_violence",
                                     "trafficking_in_human_beings", "children_and_armed_conflict",
                                     "cultural_property_protection"};
static const char *const branches[] = {"none",           "g1_personnel",    "g2_intelligence",
                                       "g3_operations",  "g4_logistics",    "g5_plans",
                                       "g7_training",    "g8_resources",    "g9_cimic",
                                       "military_police", "medical",        "engineering",
                                       "information_operations", "other"};

static const char *const *table(hsec_enum which, int *count)
{
#define T(arr)                                  \
    do {                                        \
        *count = (int)(sizeof arr / sizeof *arr); \
        return arr;                             \
    } while (0)
    switch (which) {
    case HSEC_ENUM_DIMENSION: T(dims);
    case HSEC_ENUM_FLAG: T(flags);
    case HSEC_ENUM_SERVICE_KIND: T(kinds);
    case HSEC_ENUM_THREAT_ACTOR: T(tactors);
    case HSEC_ENUM_MEASURE_KIND: T(mkinds);
    case HSEC_ENUM_MEASURE_ACTOR: T(mactors);
    case HSEC_ENUM_EFFECT: T(effects);
    case HSEC_ENUM_TOPIC: T(topics);
    case HSEC_ENUM_BRANCH: T(branches);
    case HSEC_ENUM_PHASE: T(phases);
    }
#undef T
    *count = 0;
    return NULL;
}

const char *hsec_enum_name(hsec_enum which, int value)
{
    int count;
    const char *const *t = table(which, &count);
    return (t && value >= 0 && value < count) ? t[value] : NULL;
}

/* The value of a name in a table, or -1. */
static int index_of(const char *const *t, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (strcmp(t[i], name) == 0)
            return i;
    return -1;
}

int hsec_enum_value(int *out, hsec_enum which, const char *name)
{
    int count;
    const char *const *t = table(which, &count);
    if (!out || !name)
        return hx_fail(HSEC_EINVAL, "enum_value: %s is NULL", out ? "the name" : "out");
    if (!t)
        return hx_fail(HSEC_EINVAL, "enum_value: enumeration %d is unknown", (int)which);
    int v = index_of(t, count, name);
    if (v < 0)
        return hx_fail(HSEC_ENOTFOUND, "\"%s\" is not a name of enumeration %d", name,
                       (int)which);
    *out = v;
    return HSEC_OK;
}

hsec_phase hsec_phase_of(double y)
{
    if (y >= HX_PHASE_CATASTROPHE)
        return HSEC_PHASE_CATASTROPHE;
    if (y >= HX_PHASE_EMERGENCY)
        return HSEC_PHASE_EMERGENCY;
    if (y >= HX_PHASE_CRISIS)
        return HSEC_PHASE_CRISIS;
    if (y >= HX_PHASE_STRESSED)
        return HSEC_PHASE_STRESSED;
    return HSEC_PHASE_MINIMAL;
}

bool hx_split_node(const char *name, char ent[HX_ID_MAX + 1], int *dim)
{
    if (!name)
        return false;
    const char *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    if (len == 0 || len > HX_ID_MAX)
        return false;
    memcpy(ent, name, len);
    ent[len] = '\0';
    if (!hx_valid_id(ent))
        return false;
    *dim = -1;
    if (dot)
        return (*dim = index_of(dims, HSEC_DIM_COUNT, dot + 1)) >= 0;
    return true;
}

static size_t slot64(const hx_set64 *s, uint64_t key)
{
    size_t mask = s->cap - 1, probes = 1;
    unsigned char bytes[8]; /* little-endian, so that the hash is the same everywhere */
    for (int b = 0; b < 8; b++)
        bytes[b] = (unsigned char)(key >> (8 * b));
    size_t i = (size_t)hx_siphash(s->key[0], s->key[1], bytes, sizeof bytes) & mask;
    while (s->keys[i] != UINT64_MAX && s->keys[i] != key) {
        i = (i + 1) & mask;
        probes++;
    }
    hx_steps += probes;
    return i;
}

int hx_set64_reserve(const hsec_allocator *a, hx_set64 *s, size_t count)
{
    size_t ncap = s->cap ? s->cap : 64;
    while ((s->count + count) * 4 > ncap * 3) {
        if (ncap > SIZE_MAX / 16)
            return HSEC_ENOMEM;
        ncap *= 2;
    }
    if (ncap == s->cap)
        return HSEC_OK;
    if (!s->cap)
        hx_hash_key(s->key, s);
    hx_set64 n = {hx_calloc(a, ncap, sizeof(uint64_t)), ncap, s->count, {s->key[0], s->key[1]}};
    if (!n.keys)
        return HSEC_ENOMEM;
    memset(n.keys, 0xff, ncap * sizeof(uint64_t));
    for (size_t i = 0; i < s->cap; i++)
        if (s->keys[i] != UINT64_MAX)
            n.keys[slot64(&n, s->keys[i])] = s->keys[i];
    hx_free(a, s->keys);
    *s = n;
    return HSEC_OK;
}

bool hx_set64_has(const hx_set64 *s, uint64_t key)
{
    return s->cap && s->keys[slot64(s, key)] == key;
}

void hx_set64_put(hx_set64 *s, uint64_t key)
{
    size_t i = slot64(s, key);
    if (s->keys[i] != key) {
        s->keys[i] = key;
        s->count++;
    }
}

void hx_set64_free(const hsec_allocator *a, hx_set64 *s)
{
    hx_free(a, s->keys);
    s->keys = NULL;
    s->cap = s->count = 0;
}

bool hx_lookup(const hx_map *m, const char *name, uint32_t *ref, int *dim)
{
    char ent[HX_ID_MAX + 1];
    return hx_split_node(name, ent, dim) && hx_map_get(m, ent, ref);
}

void hx_lookup_batch(const hx_map *m, const char *const *names, size_t n, bool *found,
                     uint32_t *ref, int *dim)
{
    char ent[HX_LOOKUP_BATCH][HX_ID_MAX + 1];
    uint32_t h[HX_LOOKUP_BATCH];
    n = n < HX_LOOKUP_BATCH ? n : HX_LOOKUP_BATCH;
    for (size_t k = 0; k < n; k++) { /* split and hashed, each slot asked for */
        found[k] = m->cap && names[k] && hx_split_node(names[k], ent[k], &dim[k]);
        if (!found[k])
            continue;
        h[k] = hash_of(m, ent[k]);
#if defined(__GNUC__)
        __builtin_prefetch(&m->slots[h[k] & (m->cap - 1)]);
#endif
    }
#if defined(__GNUC__)
    for (size_t k = 0; k < n; k++) { /* then the key in it, where the hash agrees */
        const hx_slot *v = found[k] ? &m->slots[h[k] & (m->cap - 1)] : NULL;
        if (v && v->key && v->hash == h[k])
            __builtin_prefetch(v->key);
    }
#endif
    for (size_t k = 0; k < n; k++) {
        if (!found[k])
            continue;
        size_t i = slot_of(m, ent[k], h[k]);
        found[k] = m->slots[i].key != NULL;
        ref[k] = found[k] ? m->slots[i].val : 0;
    }
}

/* ---- near misses ("did you mean") */

size_t hx_distance(const char *a, const char *b, size_t cap)
{
    /* optimal string alignment: insertions, deletions, substitutions and
     * transpositions of adjacent characters, each one edit */
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > cap || la > HX_NEAR_MAX || lb > HX_NEAR_MAX)
        return cap + 1;
    size_t rows[3][HX_NEAR_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        size_t low = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
            low = d < low ? d : low;
        }
        if (low > cap)
            return cap + 1;
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] <= cap ? prev[lb] : cap + 1;
}

void hx_near_start(hx_near *n, const char *name)
{
    n->name = name ? name : "";
    size_t len = strlen(n->name);
    n->limit = len <= 5 ? 1 : len <= 11 ? 2 : 3;
    n->dist = n->limit + 1;
    n->best = NULL;
}

void hx_near_offer(hx_near *n, const char *cand)
{
    if (!cand || !strcmp(cand, n->name))
        return;
    size_t d = hx_distance(n->name, cand, n->dist < n->limit ? n->dist : n->limit);
    /* the nearest; among the equally near, the first in byte order, so that
     * the answer does not depend on the order the candidates come in */
    if (d < n->dist || (d == n->dist && d <= n->limit && n->best && strcmp(cand, n->best) < 0)) {
        n->dist = d;
        n->best = cand;
    }
}

void hx_near_map(hx_near *n, const hx_map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key)
            hx_near_offer(n, m->slots[i].key);
}

const char *hx_near_hint(const hx_near *n, char *buf, size_t size)
{
    if (!n->best || n->dist > n->limit)
        return "";
    snprintf(buf, size, " (did you mean \"%s\"?)", n->best);
    return buf;
}

const char *hx_near_node(const hx_map *m, const char *name, char *buf, size_t size)
{
    hx_near n;
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot) {
        hx_near_start(&n, name);
        hx_near_map(&n, m);
        return hx_near_hint(&n, buf, size);
    }
    /* "entity.dimension": each part to its nearest */
    char ent[HX_ID_MAX + 1];
    size_t len = (size_t)(dot - name);
    if (len > HX_ID_MAX)
        return "";
    memcpy(ent, name, len);
    ent[len] = '\0';
    const char *e = ent, *d = dot + 1;
    bool changed = false;
    if (!hx_map_get(m, ent, NULL)) {
        hx_near_start(&n, ent);
        hx_near_map(&n, m);
        if (!n.best || n.dist > n.limit)
            return "";
        e = n.best;
        changed = true;
    }
    int v;
    if (hsec_enum_value(&v, HSEC_ENUM_DIMENSION, d) != HSEC_OK) {
        hx_near_start(&n, d);
        for (int k = 0; k < HSEC_DIM_COUNT; k++)
            hx_near_offer(&n, hsec_enum_name(HSEC_ENUM_DIMENSION, k));
        if (!n.best || n.dist > n.limit)
            return "";
        d = n.best;
        changed = true;
    }
    if (!changed)
        return "";
    snprintf(buf, size, " (did you mean \"%s.%s\"?)", e, d);
    return buf;
}

const char *hsec_nearest(const char *name, const char *const *candidates, size_t count)
{
    if (!name || (!candidates && count))
        return NULL;
    hx_near n;
    hx_near_start(&n, name);
    for (size_t i = 0; i < count; i++)
        hx_near_offer(&n, candidates[i]);
    return n.best && n.dist <= n.limit ? n.best : NULL;
}
