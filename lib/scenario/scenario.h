/*
 * The scenario layer: threats, measures and their targets (scenario.c),
 * packages (packages.c), run options and the other settings of a run
 * (options.c), on a compiled model. Above model; below the engine.
 */
#ifndef HSEC_SCENARIO_H
#define HSEC_SCENARIO_H

#include "model.h"

typedef struct sthreat {
    char *id;
    int actor;
    int64_t start, dur; /* dur < 0: persistent */
    double like;
    unsigned topics;     /* HSEC_TOPIC_* */
    size_t ntarget;      /* nodes targeted so far */
    uint64_t *reached;   /* n bits, once the threat targets many nodes (else NULL) */
} sthreat;

typedef struct smeasure {
    char *id;
    int kind, effect, actor;
    double strength;
    int64_t start, ramp, dur;
    double cost;
    unsigned topics; /* HSEC_TOPIC_* */
    int branch;      /* hsec_branch */
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

#define HX_MAX_QUANTILES 32

struct hsec_scenario {
    hsec_allocator a;
    char err[HSEC_ERRMSG_MAX];
    const hsec_compiled *c;
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
    bool diagnosed; /* diag holds the warnings of the scenario as it is */
    uint64_t stamp; /* hsec_scenario_stamp: new with every change (hx_changed) */
    hx_map threat_ids, measure_ids, package_ids; /* id -> index (scenario.c) */
    hx_set64 inpackage; /* (package << 32 | measure) pairs of the packages */
    /* the sorted target lists by owner, for the getters (scenario.c): threat
     * i's targets are tt[ttpos[k]] for k in ttfirst[i] .. ttfirst[i+1]-1,
     * measure i's mt[its effect][mtpos[k]] alike; valid while byowner */
    size_t *ttfirst, *ttpos, *mtfirst, *mtpos;
    bool byowner;
    double opt[HSEC_OPTION_COUNT];
    char unit[HX_ID_MAX + 1];
    size_t *rec; /* recorded nodes, as the API numbers them */
    size_t nrec, caprec;
    unsigned char *recmark; /* n bytes: node recorded */
    hsec_progress_fn progress;
    void *progress_user;
    double unc[HSEC_UNCERTAIN_COUNT][3]; /* triangular low, mode, high factors */
    double qs[HX_MAX_QUANTILES];
    size_t nqs;
    hx_diags diag; /* warnings of the last run or diagnosis (diagnose.c) */
    uint64_t memlimit; /* 0: the compiled model's (options.c) */
};

/* The scenario's memory limit (UINT64_MAX: none). */
uint64_t hx_memlimit(const hsec_scenario *s);
/* About the bytes the compiled model and the scenario's target lists take. */
uint64_t hx_scenario_bytes(const hsec_scenario *s);
/* Can count more targets be added within the memory limit? Sets the
 * message (naming who and the target's name) and returns HSEC_ELIMIT when
 * not. */
int hx_targets_fit(hsec_scenario *s, const char *who, const char *name, size_t count);

/* Sort the target lists by node or link and drop repeated measure targets.
 * Only the order changes, so getters on a scenario (used by one thread at
 * a time) may prepare it too. */
void hx_scenario_prepare(hsec_scenario *s);
/* The scenario changed: it takes a new stamp (hsec_scenario_stamp); every
 * setter calls one of these. hx_changed also has its warnings found again
 * (the setters of what the warnings depend on). */
void hx_restamp(hsec_scenario *s);
void hx_changed(hsec_scenario *s);
/* The options' defaults into opt (options.c). */
void hx_option_defaults(double opt[HSEC_OPTION_COUNT]);
/* Is mask (mask_len bytes, or NULL) right for the scenario's measures?
 * Sets the scenario's message, naming `what`, when not. */
bool hx_mask_ok(hsec_scenario *s, const char *what, const unsigned char *mask, size_t mask_len);

#endif
