/* Internal declarations shared by the library's sources; not installed. */
#ifndef HSEC_INTERNAL_H
#define HSEC_INTERNAL_H

#include "hsec.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_NONE UINT32_MAX
#define HX_ID_MAX 64
#define HX_MAX_STEPS 10000000.0
#define HX_MAX_NODES ((size_t)UINT32_MAX - 1)

#if defined(__GNUC__)
#define HX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HX_PRINTF(f, a)
#endif

/* ---- allocation (alloc.c) */
void hx_default_allocator(hsec_allocator *out);
void *hx_alloc(const hsec_allocator *a, size_t size);
/* count * size bytes, zeroed; NULL on overflow or failure. */
void *hx_calloc(const hsec_allocator *a, size_t count, size_t size);
void hx_free(const hsec_allocator *a, void *p);
char *hx_strdup(const hsec_allocator *a, const char *s);
/* Grow *items (of elem bytes each) so that it holds at least need; doubles. */
int hx_reserve(const hsec_allocator *a, void **items, size_t *cap, size_t need, size_t elem);
#define HX_RESERVE(a, arr, cap, need) \
    hx_reserve((a), (void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* ---- messages (error.c) */
void hx_setmsg(char *buf, const char *fmt, ...) HX_PRINTF(2, 3);
void hx_vsetmsg(char *buf, const char *fmt, va_list ap);
/* Copy at most size bytes (NUL included) of msg into buf, if buf. */
void hx_copymsg(char *buf, size_t size, const char *msg);

/* ---- names (names.c) */
/* Is s a valid id: [A-Za-z0-9_-]{1,64}? */
bool hx_valid_id(const char *s);
/* Text for a name in messages: the name, or "(null)". */
const char *hx_show(const char *s);

/* Open-addressing map from a string (not copied) to a 32-bit value. */
typedef struct hx_map {
    const char **keys;
    uint32_t *vals;
    size_t cap, count;
} hx_map;
int hx_map_put(const hsec_allocator *a, hx_map *m, const char *key, uint32_t val);
bool hx_map_get(const hx_map *m, const char *key, uint32_t *val);
void hx_map_free(const hsec_allocator *a, hx_map *m);

/* Open-addressing set of 64-bit keys (any value but UINT64_MAX). */
typedef struct hx_set64 {
    uint64_t *keys;
    size_t cap, count;
} hx_set64;
/* Room for count more keys, so that hx_set64_put cannot fail. */
int hx_set64_reserve(const hsec_allocator *a, hx_set64 *s, size_t count);
bool hx_set64_has(const hx_set64 *s, uint64_t key);
void hx_set64_put(hx_set64 *s, uint64_t key);
void hx_set64_free(const hsec_allocator *a, hx_set64 *s);

/* Entity reference in the shared id namespace: kind in the low 2 bits. */
enum { HX_REGION = 0, HX_GROUP = 1, HX_SERVICE = 2 };
#define HX_REF(kind, idx) (((uint32_t)(idx) << 2) | (uint32_t)(kind))
#define HX_REF_KIND(r) ((int)((r)&3u))
#define HX_REF_INDEX(r) ((r) >> 2)

/* Split "group.dimension": the entity part into ent (NUL-terminated) and
 * the dimension (or -1 without a dot). False when malformed. */
bool hx_split_node(const char *name, char ent[HX_ID_MAX + 1], int *dim);

/* ---- builder (model.c) */
typedef struct mgroup {
    char *id, *region;
    double size;
    unsigned flags;
    double v[HSEC_DIM_COUNT], k[HSEC_DIM_COUNT], tau[HSEC_DIM_COUNT];
    double w[HSEC_DIM_COUNT], base[HSEC_DIM_COUNT], init[HSEC_DIM_COUNT];
} mgroup;

typedef struct mservice {
    char *id, *region;
    int kind;
    double k, tau, init;
} mservice;

typedef struct mregion {
    char *id, *parent;
} mregion;

typedef struct mlink {
    char *from, *to;
    double w;
    uint32_t lag;
} mlink;

#define HX_TEMPLATE_DIMENSIONS 1u
#define HX_TEMPLATE_SERVICES 2u

struct hsec_model {
    hsec_allocator a;
    char err[HSEC_ERRMSG_MAX];
    mregion *regions;
    size_t nregion, capregion;
    mgroup *groups;
    size_t ngroup, capgroup;
    mservice *services;
    size_t nservice, capservice;
    uint32_t *order; /* groups and services in the order added (HX_REF) */
    size_t norder, caporder;
    mlink *links;
    size_t nlink, caplink;
    hx_map names;
    unsigned templates;
};

/* ---- compiled model (compile.c) */
typedef struct cgroup {
    char *id;
    uint32_t region, node;
    double size;
    unsigned flags;
    double w[HSEC_DIM_COUNT], base[HSEC_DIM_COUNT];
    double wraw[HSEC_DIM_COUNT]; /* the weights as given, before normalising */
} cgroup;

typedef struct cservice {
    uint32_t node, region;
    int kind;
} cservice;

struct hsec_compiled {
    hsec_allocator a;
    atomic_int refs;
    size_t n, nnz;
    /* links by target row: rowp[i] .. rowp[i+1] index col/w/lag */
    size_t *rowp;
    uint32_t *col;
    double *w;
    uint32_t *lag; /* NULL when every lag is 0 */
    uint32_t maxlag;
    uint32_t *hidx; /* history slot of a lagged link's source, or HX_NONE */
    size_t nlagsrc;
    /* per node */
    double *v, *k, *tau, *init, *selfw;
    uint32_t *node_group; /* group or HX_NONE for services */
    char **names;
    char *namepool;
    /* entities */
    size_t nregion;
    char **region_id;
    uint32_t *region_parent;
    size_t ngroup;
    cgroup *groups;
    size_t nservice;
    cservice *services;
    hx_map map; /* ids -> HX_REF */
};

/* Is region r equal to or inside region anc? */
bool hx_region_within(const hsec_compiled *c, uint32_t r, uint32_t anc);
/* Resolve a node, group or region name into node indices, appended to *out
 * (count *n, capacity *cap). HSEC_ENOTFOUND when unknown. */
int hx_resolve_nodes(const hsec_compiled *c, const char *name, uint32_t **out, size_t *n,
                     size_t *cap);
/* Index of link from -> to, or (size_t)-1. */
size_t hx_find_link(const hsec_compiled *c, uint32_t from, uint32_t to);

/* ---- scenario (scenario.c) */
typedef struct sthreat {
    char *id;
    int actor;
    int64_t start, dur; /* dur < 0: persistent */
    double like;
} sthreat;

typedef struct smeasure {
    char *id;
    int kind, effect, actor;
    double strength;
    int64_t start, ramp, dur;
    double cost;
} smeasure;

typedef struct spackage {
    char *id;
    uint32_t *measures;
    size_t n, cap;
} spackage;

/* A target entry: node or link index, the threat or measure, a magnitude. */
typedef struct starget {
    size_t at;
    uint32_t who;
    double mag;
} starget;

struct hsec_scenario {
    hsec_allocator a;
    char err[HSEC_ERRMSG_MAX];
    hsec_compiled *c;
    sthreat *threats;
    size_t nthreat, capthreat;
    smeasure *measures;
    size_t nmeasure, capmeasure;
    spackage *packages;
    size_t npackage, cappackage;
    starget *tt; /* threat targets (node) */
    hx_set64 ttseen; /* (threat << 32 | node) pairs in tt */
    size_t ntt, captt;
    starget *mt[HSEC_EFFECT_COUNT]; /* measure targets: nodes, links for decouple */
    size_t nmt[HSEC_EFFECT_COUNT], capmt[HSEC_EFFECT_COUNT];
    bool sorted; /* target lists sorted and deduplicated */
    double opt[HSEC_OPTION_COUNT];
    char unit[HX_ID_MAX + 1];
    size_t *rec;
    size_t nrec, caprec;
    unsigned char *recmark; /* n bytes: node recorded */
    hsec_progress_fn progress;
    void *progress_user;
    double unc[HSEC_UNCERTAIN_COUNT][3]; /* triangular low, mode, high factors */
    double qs[32];
    size_t nqs;
};

/* Sort the target lists by node or link and drop repeated measure targets. */
void hx_scenario_prepare(hsec_scenario *s);

/* ---- results (result.c, run.c) */
typedef struct gfig {
    uint64_t step;
    double H, Hp; /* vital-core index, and its propagated part */
    double y[HSEC_DIM_COUNT];
    double p[HSEC_DIM_COUNT * 4];
} gfig;

struct hsec_result {
    hsec_allocator a;
    int mode;
    uint64_t steps;
    size_t n;
    double *q, *orders;
    size_t nrec;
    size_t *rec;
    double *series; /* nrec * (steps + 1) in dynamic mode */
    size_t ngroup;
    gfig *last, *peak;
    double total, baseline, propagated, initial;
    double band[3], order[4], actor[HSEC_THREAT_ACTOR_COUNT];
    size_t nthreat, nregion;
    double *threat, *region, *group;
    int64_t *warn;     /* ngroup * 7: first step in crisis or worse, or -1 */
    int64_t first_start; /* earliest threat start, or 0 without threats */
    double *peakthr;   /* ngroup * nthreat: threat parts of Hp at the peak */
    double *popshare;  /* nthreat: population in groups the threat is critical for */
    double *score;     /* 2 * ngroup: Alkire-Foster scores at last, at peak */
    double af[2][3];   /* H, A, M0 at last, at peak */
    double crit, perv, afk;
};

/* A' of a scenario at full strength (static), with its measures in force,
 * as a linear operator on node vectors. */
typedef struct hx_lin hx_lin;
int hx_lin_open(hx_lin **out, hsec_scenario *s);
void hx_lin_close(hx_lin *l);
/* out = A' in, or A'^T in. */
void hx_lin_apply(const hx_lin *l, bool transpose, const double *in, double *out);
/* Solve (I - A') x = b or (I - A'^T) x = b to a relative residual of
 * 1e-12, after showing the spectral radius below 1 (HSEC_ENOCONV if not;
 * the message goes to the scenario). */
int hx_lin_solve(hx_lin *l, bool transpose, const double *b, double *x);

/* Parameters drawn for one ensemble member, replacing the model's: link
 * weights (nnz, CSR order), threat magnitudes (ntt, the sorted target
 * list's order) and recovery rates after conversion (n). */
typedef struct hx_draw {
    const double *w, *mag, *k;
} hx_draw;

/* How to run: the measures in force (mask bytes nonzero; NULL: all),
 * progress (fn NULL: none), drawn parameters (NULL: the model's), and
 * where a failure's message goes (HSEC_ERRMSG_MAX bytes). */
typedef struct hx_opts {
    const unsigned char *mask;
    hsec_progress_fn fn;
    void *user;
    const hx_draw *draw;
    char *err;
    bool one_thread; /* ignore HSEC_OPT_RUN_THREADS (ensemble members) */
} hx_opts;

/* One run. Reads the scenario only (it must be prepared: hx_scenario_prepare),
 * so runs with their own err buffers may go on in several threads at once. */
int hx_run(hsec_result **out, hsec_scenario *s, const hx_opts *o);
/* Recovery rates of every node after converting recovery times (n values). */
void hx_recovery_rates(const hsec_scenario *s, double *k);

#endif
