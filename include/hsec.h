/**
 * @file hsec.h
 * @brief hsec: human security analysis.
 *
 * Population models (regions, population groups, the services they depend
 * on, the links between them), threats, protection and empowerment measures,
 * and the propagation of their effects by order: the inoperability
 * input-output model (Haimes & Jiang 2001) and its dynamic form (Lian &
 * Haimes 2006), extended to people. What is computed is specified in
 * doc/model.md; this header says how to call it.
 *
 * Conventions of every function here:
 *
 *   - Fallible functions return int: HSEC_OK (0) or a negative hsec_error.
 *   - Outputs go through out-parameters, listed first. An object returned
 *     through `**out` is owned by the caller and released with that type's
 *     _free function; _free(NULL) does nothing.
 *   - A returned `const` pointer is borrowed: it lives as long as the object
 *     it came from and must not be freed.
 *   - Errors, one way: a mutable handle keeps the detailed message of the
 *     last failure of a call on it (hsec_model_errmsg, hsec_scenario_errmsg,
 *     hsec_loader_errmsg), naming the field and value. Calls without a
 *     handle, and calls on a shared, read-only one (a compiled model, a
 *     result, an ensemble), leave theirs in a per-thread message,
 *     hsec_last_errmsg(). No error is reported through errno.
 *   - Arrays cross the API with their length; a length that does not match
 *     what the call needs is refused with HSEC_EINVAL.
 *   - Lifecycle: build a model, compile it into an immutable hsec_compiled
 *     (any number of threads may use it at once), define scenarios on it,
 *     run them. A builder or scenario handle is used by one thread at a time.
 *   - Numbers are doubles. NaN, infinities and out-of-range values are
 *     refused with HSEC_EINVAL. Integer-valued parameters (steps, lags,
 *     starts, durations) are passed as doubles and must be whole numbers.
 *
 * This header compiles as C99, C11 and C++.
 *
 * Thread safety (doc/api.md, "Threads"): a compiled model is immutable
 * and any number of threads may use it at once; a builder, a scenario or
 * a result is used by one thread at a time. There is no global state and
 * nothing to initialise.
 */
#ifndef HSEC_H
#define HSEC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(HSEC_BUILDING) && defined(__GNUC__)
/** Marks a function exported by the library (default visibility while
 *  the library itself is built). */
#define HSEC_API __attribute__((visibility("default")))
#else
/** Marks a function exported by the library; empty for callers. */
#define HSEC_API
#endif

/* ---------------------------------------------------------------- version */

/** Major version of this header (the soname's: libhsec.so.1). */
#define HSEC_VERSION_MAJOR 1
/** Minor version of this header: additions within the major version. */
#define HSEC_VERSION_MINOR 4
/** Patch version of this header. */
#define HSEC_VERSION_PATCH 0
/** Version of this header as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
#define HSEC_VERSION_NUMBER \
    (HSEC_VERSION_MAJOR * 10000 + HSEC_VERSION_MINOR * 100 + HSEC_VERSION_PATCH)
/** Version of this header as a string, "MAJOR.MINOR.PATCH". */
#define HSEC_VERSION_STRING "1.4.0"

/**
 * Version of the library actually linked (compare with HSEC_VERSION_NUMBER).
 *
 * Within one major version (the soname's, libhsec.so.1) only additions are
 * made, so a caller built against 1.x runs on any 1.y with y >= x.
 * Thread-safe.
 *
 * @return MAJOR * 10000 + MINOR * 100 + PATCH of the linked library.
 */
HSEC_API int hsec_version_number(void);
/**
 * Version of the library actually linked, as a string.
 *
 * Thread-safe.
 *
 * @return Static string, e.g. "1.0.0"; never NULL, not to be freed.
 */
HSEC_API const char *hsec_version_string(void);

/* ----------------------------------------------------------------- errors */

/**
 * Error codes returned by fallible functions.
 *
 * Stable codes: never renumbered; retired codes stay reserved. The
 * detailed message of a failure is on the handle or in hsec_last_errmsg().
 */
typedef enum hsec_error {
    HSEC_OK = 0,         /**< success */
    HSEC_EINVAL = -1,    /**< bad argument or value (NaN, out of range, wrong kind) */
    HSEC_ENOMEM = -2,    /**< an allocation failed; the handle stays usable */
    HSEC_ENOTFOUND = -3, /**< a name that does not exist */
    HSEC_EEXIST = -4,    /**< a duplicate id or link */
    HSEC_ENOCONV = -5,   /**< a linear run that cannot converge */
    HSEC_EIO = -6,       /**< a file could not be read or written */
    HSEC_EFORMAT = -7,   /**< a document is malformed (syntax, type, key) */
    HSEC_ESTATE = -8,    /**< the call does not fit the object's state */
    HSEC_ECANCELED = -9, /**< a progress callback asked to stop */
    HSEC_ELIMIT = -10    /**< the work would exceed a limit the caller set (1.1) */
} hsec_error;

/**
 * Static text for an error code.
 *
 * Thread-safe.
 *
 * @param code An hsec_error value (any int is accepted).
 * @return Static text, never NULL ("unknown error" for unknown codes); not
 *         to be freed.
 */
HSEC_API const char *hsec_strerror(int code);

/**
 * Limits on what input may ask for.
 *
 * A loader checks a document against all
 * of them (hsec_loader_set_limit) and hands nodes, links and memory on to
 * the model and scenario it builds; a model (hsec_model_set_limit: nodes,
 * links, memory) checks them before compiling, template links included; a
 * scenario (hsec_scenario_set_limit: memory) inherits its compiled model's
 * memory limit and checks its target lists, runs and ensembles against it
 * before allocating. A model or scenario built through the API has no
 * limits until they are set. Exceeding one is HSEC_ELIMIT, with a message
 * naming what is too large.
 */
typedef enum hsec_limit {
    HSEC_LIMIT_NODES = 0,  /**< nodes of the model (default 100,000,000) */
    HSEC_LIMIT_LINKS = 1,  /**< links, written and from templates (default 1,000,000,000) */
    HSEC_LIMIT_STRING = 2, /**< bytes of one string (default 1 MiB) */
    HSEC_LIMIT_DEPTH = 3,  /**< nesting of arrays and objects (default 64) */
    HSEC_LIMIT_SIZE = 4,   /**< bytes of a document, decompressed (default 2 GiB) */
    HSEC_LIMIT_RATIO = 5,  /**< how many times a compressed payload may expand (default 200) */
    HSEC_LIMIT_MEMORY = 6  /**< bytes of the compiled model, targets and a run (default 4 GiB) */
} hsec_limit;
/** Number of hsec_limit values. */
#define HSEC_LIMIT_COUNT 7

/** Longest message a handle keeps, terminating NUL included. */
#define HSEC_ERRMSG_MAX 512

/**
 * The message of the last failure, in this thread, of a call without a
 * handle or on a shared, read-only one.
 *
 * Calls on a mutable handle keep their message on the handle instead.
 * The message is per thread, so this is thread-safe.
 *
 * @return The message ("" when there was none); borrowed, valid until the
 *         thread's next such failure; never NULL.
 */
HSEC_API const char *hsec_last_errmsg(void);
/**
 * Set this thread's last message.
 *
 * At most HSEC_ERRMSG_MAX - 1 bytes are kept, with control characters
 * escaped as in every message (doc/api.md, "Errors"). This lets a layer
 * built on the API (the library's own document layer, a binding) report
 * as the library does.
 *
 * @param code    The code to return.
 * @param message The message, copied; NULL sets "".
 * @return code.
 */
HSEC_API int hsec_last_errmsg_set(int code, const char *message);

/** An index that names nothing: a region without a parent, a national
 *  service's region. */
#define HSEC_NO_INDEX ((size_t)-1)

/* ------------------------------------------------------------- allocation */

/** The value hsec_allocator::version must hold. */
#define HSEC_ALLOCATOR_VERSION 1
/**
 * A custom allocator.
 *
 * Used for every allocation of the library's own and of zlib's, and for
 * the JSON text the hsec_doc_*_json functions return. version must be
 * HSEC_ALLOCATOR_VERSION (so that the struct can grow); alloc and realloc
 * return NULL on failure; free accepts NULL. All three must be set. The
 * JSON reader and writer also allocate their working trees through the
 * JSON library (jansson) with its own allocator, on that path only.
 *
 * The struct is copied by the functions that take it (hsec_model_new,
 * hsec_loader_new). The functions may be called from several threads at
 * once (ensembles, runs with HSEC_OPT_RUN_THREADS).
 */
typedef struct hsec_allocator {
    unsigned version; /**< HSEC_ALLOCATOR_VERSION */
    void *(*alloc)(void *opaque, size_t size); /**< allocate size bytes; NULL on failure */
    void *(*realloc)(void *opaque, void *ptr, size_t size); /**< resize ptr to size bytes;
                                                                 NULL on failure */
    void (*free)(void *opaque, void *ptr); /**< release ptr; accepts NULL */
    void *opaque; /**< passed as the first argument of the three functions */
} hsec_allocator;

/**
 * The library's own allocator (since 1.4), used where no allocator is given.
 *
 * malloc, realloc and free; on Linux, blocks of 4 MiB or more are advised
 * to use transparent huge pages (madvise MADV_HUGEPAGE, which changes
 * nothing where the system declines it): a large model's first run touches
 * hundreds of megabytes, each 4 KiB page at the cost of a fault, and its
 * scattered reads miss the TLB less on huge pages. A custom allocator that
 * only watches or limits (counting bytes, say) can pass its calls on to
 * this one.
 *
 * @param[out] out Set to the allocator (opaque NULL).
 * @return HSEC_OK; HSEC_EINVAL when out is NULL.
 */
HSEC_API int hsec_default_allocator(hsec_allocator *out);

/* ------------------------------------------------------------ enumerations */

/** The seven dimensions of human security (UNDP 1994), in this fixed order. */
typedef enum hsec_dimension {
    HSEC_DIM_ECONOMIC = 0,      /**< economic security */
    HSEC_DIM_FOOD = 1,          /**< food security */
    HSEC_DIM_HEALTH = 2,        /**< health security */
    HSEC_DIM_ENVIRONMENTAL = 3, /**< environmental security */
    HSEC_DIM_PERSONAL = 4,      /**< personal security */
    HSEC_DIM_COMMUNITY = 5,     /**< community security */
    HSEC_DIM_POLITICAL = 6      /**< political security */
} hsec_dimension;
/** Number of dimensions (hsec_dimension values). */
#define HSEC_DIM_COUNT 7

/** @name Vulnerability flags
 *  Vulnerability flags of a population group (bits, combined with |).
 *  @{ */
#define HSEC_FLAG_WOMEN      (1u << 0) /**< women */
#define HSEC_FLAG_CHILDREN   (1u << 1) /**< children */
#define HSEC_FLAG_ELDERLY    (1u << 2) /**< elderly people */
#define HSEC_FLAG_DISABLED   (1u << 3) /**< persons with disabilities */
#define HSEC_FLAG_INDIGENOUS (1u << 4) /**< indigenous people */
#define HSEC_FLAG_DISPLACED  (1u << 5) /**< displaced people */
#define HSEC_FLAG_MISSING    (1u << 6) /**< missing persons */
#define HSEC_FLAG_MINORITY   (1u << 7) /**< minorities */
/** Number of vulnerability flags (bit positions 0 .. HSEC_FLAG_COUNT - 1). */
#define HSEC_FLAG_COUNT 8
/** @} */

/** The kind of a service. */
typedef enum hsec_service_kind {
    HSEC_SERVICE_ENERGY = 0,            /**< energy */
    HSEC_SERVICE_WATER = 1,             /**< water */
    HSEC_SERVICE_HEALTH_CARE = 2,       /**< health care */
    HSEC_SERVICE_FOOD_PRODUCTION = 3,   /**< food production */
    HSEC_SERVICE_MARKET = 4,            /**< markets */
    HSEC_SERVICE_EDUCATION = 5,         /**< education */
    HSEC_SERVICE_SHELTER = 6,           /**< shelter */
    HSEC_SERVICE_COMMUNICATIONS = 7,    /**< communications */
    HSEC_SERVICE_TRANSPORT = 8,         /**< transport */
    HSEC_SERVICE_POLICING_JUSTICE = 9,  /**< policing and justice */
    HSEC_SERVICE_GOVERNANCE = 10,       /**< governance */
    HSEC_SERVICE_CULTURAL_PROPERTY = 11, /**< cultural property */
    HSEC_SERVICE_OTHER = 12,            /**< any other service */
    HSEC_SERVICE_ECONOMIC_SECTOR = 13 /**< a sector of an input-output table (since 1.3) */
} hsec_service_kind;
/** Number of hsec_service_kind values. */
#define HSEC_SERVICE_KIND_COUNT 14

/** Who is behind a threat. */
typedef enum hsec_threat_actor {
    HSEC_THREAT_OWN = 0,                   /**< own forces */
    HSEC_THREAT_ALLIED = 1,                /**< allied forces */
    HSEC_THREAT_ADVERSARY = 2,             /**< an adversary */
    HSEC_THREAT_NON_STATE_ARMED_GROUP = 3, /**< a non-state armed group */
    HSEC_THREAT_CRIMINAL = 4,              /**< criminals */
    HSEC_THREAT_NATURAL = 5,               /**< a natural hazard */
    HSEC_THREAT_UNKNOWN = 6                /**< not known */
} hsec_threat_actor;
/** Number of hsec_threat_actor values. */
#define HSEC_THREAT_ACTOR_COUNT 7

/** The kind of a measure: protection is top-down, empowerment bottom-up. */
typedef enum hsec_measure_kind {
    HSEC_PROTECTION = 0, /**< protection, top-down */
    HSEC_EMPOWERMENT = 1 /**< empowerment, bottom-up */
} hsec_measure_kind;
/** Number of hsec_measure_kind values. */
#define HSEC_MEASURE_KIND_COUNT 2

/** Who carries out a measure. */
typedef enum hsec_measure_actor {
    HSEC_BY_HOST_GOVERNMENT = 0,            /**< the host government */
    HSEC_BY_INTERNATIONAL_ORGANISATION = 1, /**< an international organisation */
    HSEC_BY_MILITARY = 2,                   /**< the military */
    HSEC_BY_NGO = 3,                        /**< a non-governmental organisation */
    HSEC_BY_COMMUNITY = 4,                  /**< the community itself */
    HSEC_BY_PRIVATE_SECTOR = 5              /**< the private sector */
} hsec_measure_actor;
/** Number of hsec_measure_actor values. */
#define HSEC_MEASURE_ACTOR_COUNT 6

/** What a measure does (doc/model.md §2).
 *
 *  Its strength is a fraction in [0,1] for SHIELD, DECOUPLE and
 *  REDUCE_VULNERABILITY, and a recovery-rate increase delta >= 0 for
 *  RECOVER. */
typedef enum hsec_effect {
    HSEC_SHIELD = 0,              /**< cuts the threat's perturbation of a node */
    HSEC_DECOUPLE = 1,            /**< cuts a dependency link */
    HSEC_RECOVER = 2,             /**< raises a node's recovery rate */
    HSEC_REDUCE_VULNERABILITY = 3 /**< lowers a node's vulnerability */
} hsec_effect;
/** Number of hsec_effect values. */
#define HSEC_EFFECT_COUNT 4

/** Insecurity phases of a reported value y:
 *  minimal < 0.2 <= stressed < 0.4 <= crisis < 0.6 <= emergency < 0.8 <= catastrophe. */
typedef enum hsec_phase {
    HSEC_PHASE_MINIMAL = 0,    /**< y < 0.2 */
    HSEC_PHASE_STRESSED = 1,   /**< 0.2 <= y < 0.4 */
    HSEC_PHASE_CRISIS = 2,     /**< 0.4 <= y < 0.6 */
    HSEC_PHASE_EMERGENCY = 3,  /**< 0.6 <= y < 0.8 */
    HSEC_PHASE_CATASTROPHE = 4 /**< 0.8 <= y */
} hsec_phase;
/** Number of hsec_phase values. */
#define HSEC_PHASE_COUNT 5

/** @name Topics
 *  NATO's cross-cutting topics of human security (doc/model.md §11; bits,
 *  combined with |), which threats and measures may carry. Since 1.3.
 *  @{ */
#define HSEC_TOPIC_PROTECTION_OF_CIVILIANS        (1u << 0) /**< protection of civilians */
#define HSEC_TOPIC_CONFLICT_RELATED_SEXUAL_VIOLENCE (1u << 1) /**< conflict-related sexual
                                                                 violence */
#define HSEC_TOPIC_TRAFFICKING_IN_HUMAN_BEINGS    (1u << 2) /**< trafficking in human beings */
#define HSEC_TOPIC_CHILDREN_AND_ARMED_CONFLICT    (1u << 3) /**< children and armed conflict */
#define HSEC_TOPIC_CULTURAL_PROPERTY_PROTECTION   (1u << 4) /**< cultural property protection */
/** Number of topics (bit positions 0 .. HSEC_TOPIC_COUNT - 1). */
#define HSEC_TOPIC_COUNT 5
/** @} */

/** The staff function that owns a measure (doc/model.md §11, after the
 *  MC2HS branch table); HSEC_BRANCH_NONE when none is given, distinct from
 *  HSEC_BRANCH_OTHER. Since 1.3. */
typedef enum hsec_branch {
    HSEC_BRANCH_NONE = 0,                   /**< no branch given */
    HSEC_BRANCH_G1_PERSONNEL = 1,           /**< G1, personnel */
    HSEC_BRANCH_G2_INTELLIGENCE = 2,        /**< G2, intelligence */
    HSEC_BRANCH_G3_OPERATIONS = 3,          /**< G3, operations */
    HSEC_BRANCH_G4_LOGISTICS = 4,           /**< G4, logistics */
    HSEC_BRANCH_G5_PLANS = 5, /**< G5, plans; G35 future operations included */
    HSEC_BRANCH_G7_TRAINING = 6,            /**< G7, training */
    HSEC_BRANCH_G8_RESOURCES = 7,           /**< G8, resources */
    HSEC_BRANCH_G9_CIMIC = 8,               /**< G9, civil-military cooperation */
    HSEC_BRANCH_MILITARY_POLICE = 9,        /**< military police */
    HSEC_BRANCH_MEDICAL = 10,               /**< medical */
    HSEC_BRANCH_ENGINEERING = 11,           /**< engineering */
    HSEC_BRANCH_INFORMATION_OPERATIONS = 12, /**< information operations */
    HSEC_BRANCH_OTHER = 13                  /**< a branch not listed */
} hsec_branch;
/** Number of hsec_branch values. */
#define HSEC_BRANCH_COUNT 14

/** Orders of effect a node's degradation is split into: 1st, 2nd, 3rd, 4th and later. */
#define HSEC_ORDER_COUNT 4
/** Time bands of a dynamic run's burden: short, medium, long. */
#define HSEC_BAND_COUNT 3
/** Freedom indices of a group (hsec_result_group_freedoms). */
#define HSEC_FREEDOM_COUNT 3
/** Alkire-Foster figures (hsec_result_multidimensional): H, A, M0. */
#define HSEC_AF_COUNT 3

/**
 * Phase of an insecurity value.
 *
 * Thread-safe.
 *
 * @param y A reported insecurity value.
 * @return Its hsec_phase (NaN counts as minimal).
 */
HSEC_API hsec_phase hsec_phase_of(double y);

/** Every enumeration above, for the name conversions below
 *  (hsec_enum_name, hsec_enum_value). */
typedef enum hsec_enum {
    HSEC_ENUM_DIMENSION = 0,     /**< hsec_dimension */
    HSEC_ENUM_FLAG = 1, /**< HSEC_FLAG_*: values are bit positions 0..7 */
    HSEC_ENUM_SERVICE_KIND = 2,  /**< hsec_service_kind */
    HSEC_ENUM_THREAT_ACTOR = 3,  /**< hsec_threat_actor */
    HSEC_ENUM_MEASURE_KIND = 4,  /**< hsec_measure_kind */
    HSEC_ENUM_MEASURE_ACTOR = 5, /**< hsec_measure_actor */
    HSEC_ENUM_EFFECT = 6,        /**< hsec_effect */
    HSEC_ENUM_PHASE = 7,         /**< hsec_phase */
    HSEC_ENUM_TOPIC = 8, /**< HSEC_TOPIC_*: values are bit positions 0..4 (since 1.3) */
    HSEC_ENUM_BRANCH = 9 /**< hsec_branch (since 1.3) */
} hsec_enum;

/**
 * The document name of a value ("health", "energy", "adversary", ...).
 *
 * Thread-safe.
 *
 * @param which The enumeration.
 * @param value A value of it (a bit position for HSEC_ENUM_FLAG and
 *              HSEC_ENUM_TOPIC).
 * @return The name, static (not to be freed); NULL when the value is out
 *         of range.
 */
HSEC_API const char *hsec_enum_name(hsec_enum which, int value);
/**
 * The value of a document name.
 *
 * Thread-safe; a failure's message is in hsec_last_errmsg().
 *
 * @param[out] out  Set to the value on success; untouched on failure.
 * @param which     The enumeration.
 * @param name      The document name.
 * @return HSEC_OK; HSEC_ENOTFOUND when there is none; HSEC_EINVAL for a
 *         NULL argument or an unknown enumeration.
 */
HSEC_API int hsec_enum_value(int *out, hsec_enum which, const char *name);

/**
 * "Did you mean": the candidate nearest to name by edit distance.
 *
 * Edit distance counts insertions, deletions, substitutions and
 * transpositions of adjacent characters, one edit each. A candidate is
 * near at most 1 edit for a name of up to 5 characters, 2 up to 11, 3
 * beyond; the first in byte order among the equally near is chosen.
 * Since 1.3. Thread-safe.
 *
 * @param name       The name not found.
 * @param candidates The names it may have meant (count of them).
 * @param count      Number of candidates.
 * @return The nearest candidate when it is near, borrowed from candidates;
 *         NULL when none is near.
 */
HSEC_API const char *hsec_nearest(const char *name, const char *const *candidates,
                                  size_t count);

/* ------------------------------------------------------------ model build */

/** A model builder, mutable; used by one thread at a time. */
typedef struct hsec_model hsec_model;       /* builder, mutable */
/** A compiled model, immutable, shared: any number of threads may use it at once. */
typedef struct hsec_compiled hsec_compiled; /* compiled model, immutable, shared */
/** A scenario: threats, measures, run options; used by one thread at a time. */
typedef struct hsec_scenario hsec_scenario; /* threats, measures, run options */
/** What one run computed; read-only. */
typedef struct hsec_result hsec_result;     /* what one run computed */

/**
 * Create an empty model.
 *
 * `alloc` may be NULL (malloc/realloc/free); it is copied, and every
 * object derived from the model uses it. Free with hsec_model_free.
 *
 * @param[out] out Set to the new model, owned by the caller; NULL on
 *                 failure (the message in hsec_last_errmsg).
 * @param alloc    The allocator, copied; NULL for malloc/realloc/free.
 * @return HSEC_OK; HSEC_EINVAL for a NULL out or an allocator that is
 *         not valid (version, a function missing); HSEC_ENOMEM.
 */
HSEC_API int hsec_model_new(hsec_model **out, const hsec_allocator *alloc);
/**
 * Free a model and everything it holds.
 *
 * Compiled models made from it are separate objects and stay valid.
 *
 * @param m The model; NULL does nothing.
 */
HSEC_API void hsec_model_free(hsec_model *m);
/**
 * Detailed message of the last failure on m.
 *
 * @param m The model.
 * @return The message ("" when none); borrowed, valid until the next call
 *         on m.
 */
HSEC_API const char *hsec_model_errmsg(const hsec_model *m);

/*
 * Ids of regions, groups and services share one namespace and match
 * [A-Za-z0-9_:-]{1,64}. Names used before they are defined (a region's parent,
 * a group's region, a link's ends) are resolved by hsec_model_compile.
 */

/**
 * Add a region.
 *
 * @param m      The model; its message names a failure.
 * @param id     The region's id, [A-Za-z0-9_:-]{1,64}, new in the model's
 *               namespace; copied.
 * @param parent The parent region's id, resolved by hsec_model_compile;
 *               may be NULL (a top region); copied.
 * @return HSEC_OK; HSEC_EINVAL for an id or parent not of that form;
 *         HSEC_EEXIST when the id is already used; HSEC_ENOMEM. On
 *         failure the model is as it was.
 */
HSEC_API int hsec_model_add_region(hsec_model *m, const char *id, const char *parent);

/**
 * Add a population group of `size` persons (finite, >= 0) living in `region`.
 *
 * Its seven nodes are named "id.economic" ... "id.political". Defaults:
 * vulnerability 1, recovery rate 1, weights 1/7, baseline 0, initial 0.
 *
 * @param m      The model; its message names a failure.
 * @param id     The group's id, [A-Za-z0-9_:-]{1,64}, new in the model's
 *               namespace; copied.
 * @param region The region's id (required), resolved by
 *               hsec_model_compile; copied.
 * @param size   Persons in the group, finite, >= 0.
 * @return HSEC_OK; HSEC_EINVAL for a bad id, region or size, or too many
 *         nodes; HSEC_EEXIST when the id is already used; HSEC_ENOMEM.
 */
HSEC_API int hsec_model_add_group(hsec_model *m, const char *id, const char *region,
                                  double size);
/**
 * Set a group's vulnerability flags (HSEC_FLAG_*), replacing the group's
 * previous flags.
 *
 * @param m     The model; its message names a failure.
 * @param group The group's id (a group added before).
 * @param flags HSEC_FLAG_* bits combined with |.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown group; HSEC_EINVAL for
 *         unknown bits.
 */
HSEC_API int hsec_model_set_group_flags(hsec_model *m, const char *group, unsigned flags);

/**
 * Add a service of a kind.
 *
 * @param m      The model; its message names a failure.
 * @param id     The service's id, [A-Za-z0-9_:-]{1,64}, new in the model's
 *               namespace; copied. It is the service's node name.
 * @param kind   Its kind.
 * @param region The region's id, resolved by hsec_model_compile; may be
 *               NULL (national); copied.
 * @return HSEC_OK; HSEC_EINVAL for a bad id, kind or region, or too many
 *         nodes; HSEC_EEXIST when the id is already used; HSEC_ENOMEM.
 */
HSEC_API int hsec_model_add_service(hsec_model *m, const char *id, hsec_service_kind kind,
                                    const char *region);

/** The longest label, in bytes. */
#define HSEC_LABEL_MAX 1024
/**
 * Set a label for a region or service added before.
 *
 * A label is free UTF-8 text for display (an imported sector's original
 * name), 1 to HSEC_LABEL_MAX bytes, never used to resolve names. Since 1.3.
 *
 * @param m     The model; its message names a failure.
 * @param id    The id of a region or service added before.
 * @param label The label, copied; NULL removes it.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown id; HSEC_EINVAL for a
 *         bad id, a group's id, or a label empty, too long or not UTF-8;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_model_set_label(hsec_model *m, const char *id, const char *label);

/**
 * Input-output tables (doc/model.md, "Economies from input-output
 * tables").
 *
 * Since 1.3. The couplings of a table's sectors, from
 * inter-industry flows Z (Z_ij: sales of sector i to sector j, money,
 * every entry >= 0) and total output x, given or the row sums of Z plus
 * those of final demand Y:
 *   HSEC_IO_DEMAND (Santos & Haimes 2004): a*_ij = Z_ij / x_i, a link j -> i;
 *     a shock of a fraction f of sector i's final demand is a perturbation
 *     f * Y_i / x_i (Y_i: the row sum of Y; with x given, x_i - sum_j Z_ij);
 *   HSEC_IO_SUPPLY (Leung, Haimes & Santos 2007): a*_ij = Z_ji / x_i, a
 *     link j -> i; a shock of a fraction f of sector i's primary inputs is
 *     f * v_i / x_i, with value added v_i = x_i - sum_j Z_ji.
 */
typedef enum hsec_io_model {
    HSEC_IO_DEMAND = 0, /**< demand-driven (Santos & Haimes 2004) */
    HSEC_IO_SUPPLY = 1  /**< supply-driven (Leung, Haimes & Santos 2007) */
} hsec_io_model;

/** The value hsec_io_table::version must hold. */
#define HSEC_IO_TABLE_VERSION 1
/** An input-output table, borrowed for the call (hsec_model_add_io_table).
 *  version must be HSEC_IO_TABLE_VERSION, so that the struct can grow; set
 *  the fields not used to 0 / NULL. Since 1.3. */
typedef struct hsec_io_table {
    unsigned version;            /**< HSEC_IO_TABLE_VERSION */
    size_t n;                    /**< sectors: rows and columns of Z, >= 1 */
    const double *z;             /**< n x n, row-major: z[i * n + j] = Z_ij */
    const double *x;             /**< n total outputs, or NULL (then y is given) */
    const double *y;             /**< n x k final demand, row-major, entries of any
                                    sign (changes in inventories), or NULL (then
                                    x is given) */
    size_t k;                    /**< columns of y (only their row sums count) */
    const char *const *sectors;  /**< n sector labels, UTF-8, at most HSEC_LABEL_MAX bytes */
    const char *const *regions;  /**< n region labels of a multi-regional table, or NULL */
    const char *region;          /**< a single-region table's region id, or NULL:
                                    national services */
    hsec_io_model model;         /**< HSEC_IO_DEMAND or HSEC_IO_SUPPLY */
    double min_weight;           /**< coefficients below it make no link, in [0,1] */
} hsec_io_table;

/**
 * Add an input-output table's economy to a model (since 1.3).
 *
 * Add a table's economy to m: a service of kind HSEC_SERVICE_ECONOMIC_SECTOR
 * per sector, labelled with the sector's text, and a link per coefficient
 * > 0 and >= min_weight (self-links included), with lag 0. A multi-
 * regional table's sectors lie in regions made from their region labels
 * (a region of that id is used, one missing is added with the label as
 * its label); a single-region table's lie in `region` (added when
 * missing), or are national. Ids: each label with every character outside
 * [A-Za-z0-9_-] made '_', runs of '_' made one, '_' at either end dropped,
 * cut to 30 characters ("sector" when nothing is left; a region label's
 * "region"); a multi-regional table's services are "region:sector"; an id
 * already used in the model or by an earlier sector gets "_2", "_3", ...
 *
 * A sector whose row and column of Z and row of final demand are all zero
 * (with x given: whose x_i is 0 too) is dropped: no service, id[i] NULL,
 * base[i] NaN. Refused with HSEC_EINVAL, naming the row and column labels
 * and the value: n = 0, a NULL array or label, a label not UTF-8, a Z
 * entry negative or not finite, a Y or x entry not finite, both or neither
 * of x and y, a kept sector with x_i <= 0, a coefficient above 1 (a given
 * x below an entry of its row, or column for HSEC_IO_SUPPLY). HSEC_ELIMIT
 * when the links would pass the model's HSEC_LIMIT_LINKS. On any failure,
 * HSEC_ENOMEM included, the model is as it was.
 *
 * Outputs (either may be NULL; count must then be n, as for both): id[i]
 * the id given to sector i's service, borrowed from m (valid until m is
 * freed), and base[i] the base of a shock on it: Y_i / x_i (demand) or
 * v_i / x_i (supply), so that a shock of a fraction f is a threat target
 * of magnitude f * base[i] on that service (it may be negative where final
 * demand or value added is; a magnitude must lie in [0,1]). The services
 * are added in the order of the sectors, so the k-th kept sector is the
 * k-th service added by the call. Z is read three times where it lies
 * and never copied: the call takes its links and O(n) besides.
 *
 * @param[out] id    count entries set to the sectors' service ids
 *                   (borrowed from m, valid until m is freed; NULL for a
 *                   dropped sector), or NULL.
 * @param[out] base  count entries set to the bases of shocks (NaN for a
 *                   dropped sector), or NULL.
 * @param count      n, the table's sector count (when either output is
 *                   given).
 * @param m          The model; its message names a failure.
 * @param table      The table, borrowed for the call.
 * @return HSEC_OK; HSEC_EINVAL for a table refused as above; HSEC_EEXIST
 *         for a region id used by a group or service; HSEC_ELIMIT;
 *         HSEC_ENOMEM. On any failure the model is as it was.
 */
HSEC_API int hsec_model_add_io_table(const char **id, double *base, size_t count,
                                     hsec_model *m, const hsec_io_table *table);

/** Per-node parameters, set with hsec_model_set. */
typedef enum hsec_param {
    HSEC_PARAM_VULNERABILITY = 0, /**< >= 0, groups only, 1 = ordinary */
    HSEC_PARAM_RECOVERY = 1,      /**< recovery rate k in (0,1] */
    HSEC_PARAM_RECOVERY_TIME = 2, /**< steps tau > 0 to fall to recovery_lambda */
    HSEC_PARAM_WEIGHT = 3,        /**< vital-core weight >= 0, groups only; normalised at compile */
    HSEC_PARAM_BASELINE = 4,      /**< chronic insecurity in [0,1], groups only */
    HSEC_PARAM_INITIAL = 5,       /**< degradation at step 0, in [0,1] */
    HSEC_PARAM_ONSET = 6,         /**< onset rate ko in (0,1]: how fast a rising node moves */
    HSEC_PARAM_ONSET_TIME = 7     /**< steps >= 0 to the onset rate, as a recovery time; 0:
                                     immediate (rate 1) */
} hsec_param;
/** Number of hsec_param values. */
#define HSEC_PARAM_COUNT 8

/**
 * Set a parameter of one node ("grid", "elderly.health") or of all seven
 * nodes of a group ("elderly").
 *
 * RECOVERY and RECOVERY_TIME replace each
 * other, and so do ONSET and ONSET_TIME (doc/model.md §2: a rising node
 * moves at its onset rate, a falling one at its recovery rate; without an
 * onset, the onset rate is the node's recovery rate before measures).
 *
 * @param m     The model; its message names a failure.
 * @param name  A node or a group.
 * @param param The parameter.
 * @param value Its value, in the parameter's range (hsec_param).
 * @return HSEC_OK. Fails with HSEC_ENOTFOUND for an unknown name,
 *         HSEC_EINVAL for a value out of range or a parameter services do
 *         not have.
 */
HSEC_API int hsec_model_set(hsec_model *m, const char *name, hsec_param param, double value);

/**
 * Add a dependency link from -> to.
 *
 * One unit of degradation at `from` causes
 * `weight` (in [0,1]) units at `to`, `lag` (whole, >= 0) steps later.
 * Both ends are nodes; self-links are allowed; a second link with the same
 * ends is refused by hsec_model_compile.
 *
 * @param m      The model; its message names a failure.
 * @param from   The source node's name, copied (resolved by
 *               hsec_model_compile).
 * @param to     The target node's name, copied (resolved by
 *               hsec_model_compile).
 * @param weight In [0,1].
 * @param lag    Whole number of steps, >= 0.
 * @return HSEC_OK; HSEC_EINVAL for a name that cannot be a node's, a
 *         weight or lag out of range, or too many links; HSEC_ENOMEM.
 *         The model's HSEC_LIMIT_LINKS is checked by hsec_model_compile.
 */
HSEC_API int hsec_model_add_link(hsec_model *m, const char *from, const char *to,
                                 double weight, double lag);

/**
 * Add links in bulk (since 1.2).
 *
 * Link i joins from[i] -> to[i] with weight[i]
 * and lag[i] (lag may be NULL: every lag 0), checked as hsec_model_add_link
 * checks one, in order; the first link that fails is named by its index
 * in the arrays ("links[12]: link a -> b: weight -0.2 is not in [0,1]"),
 * and the batch is then added not at all. The arrays are borrowed for the
 * call only (the names are copied). count 0 adds nothing (the arrays may
 * then be NULL); a NULL array otherwise is HSEC_EINVAL. A batch that would
 * take the links written past HSEC_LIMIT_LINKS is refused before anything
 * is allocated (HSEC_ELIMIT); templates' links count at compile, as ever.
 * As with one link, names that are no node are found by
 * hsec_model_compile.
 *
 * @param m      The model; its message names a failure.
 * @param from   count source node names.
 * @param to     count target node names.
 * @param weight count weights in [0,1].
 * @param lag    count whole lags >= 0, or NULL (every lag 0).
 * @param count  Number of links.
 * @return HSEC_OK; HSEC_EINVAL (a NULL array or a link refused, named by
 *         its index); HSEC_ELIMIT; HSEC_ENOMEM. On failure nothing is
 *         added.
 */
HSEC_API int hsec_model_add_links(hsec_model *m, const char *const *from,
                                  const char *const *to, const double *weight,
                                  const double *lag, size_t count);
/**
 * Add links in bulk, with the ends given as indices into a table of names.
 *
 * Link i joins names[from[i]] -> names[to[i]]. Each name is checked and kept
 * once, however many links use it, so that a loader or a binding with a
 * million links to a hundred thousand nodes hands over columns of numbers
 * without a lookup of two strings per link. Names no link of the batch
 * uses are neither checked nor kept. An index not below name_count is
 * HSEC_EINVAL, naming the link. Since 1.2.
 *
 * @param m          The model; its message names a failure.
 * @param names      The table of node names (name_count of them),
 *                   borrowed for the call; the names used are copied.
 * @param name_count Number of names.
 * @param from       count indices into names of the links' sources.
 * @param to         count indices into names of the links' targets.
 * @param weight     count weights in [0,1].
 * @param lag        count whole lags >= 0, or NULL (every lag 0).
 * @param count      Number of links.
 * @return As hsec_model_add_links: HSEC_OK; HSEC_EINVAL; HSEC_ELIMIT;
 *         HSEC_ENOMEM. On failure nothing is added.
 */
HSEC_API int hsec_model_add_links_indexed(hsec_model *m, const char *const *names,
                                          size_t name_count, const uint32_t *from,
                                          const uint32_t *to, const double *weight,
                                          const double *lag, size_t count);

/**
 * Apply a default coupling template at compile.
 *
 * "dimensions" (links between
 * the seven dimensions inside each group) or "services" (from each service
 * to the dimensions of the groups in its region, child regions included;
 * a national service reaches every group). A link added explicitly replaces
 * the template's link for the same pair. The numbers are illustrative
 * (doc/model.md lists them), to be calibrated by the planner.
 *
 * @param m    The model; its message names a failure.
 * @param name "dimensions" or "services".
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown template.
 */
HSEC_API int hsec_model_use_template(hsec_model *m, const char *name);

/**
 * Compile a model.
 *
 * Check the whole model (dangling names, region cycles, duplicate links,
 * all-zero weights), number the nodes (services and groups in the order
 * they were added, seven nodes per group) and lay the links out in
 * compressed sparse rows. The model is unchanged and may be compiled again.
 * Free *out with hsec_compiled_free. Inside, the engine orders the nodes
 * its own way (by region, then by id: a function of the model alone), so
 * the order a model lists things in changes no result, not even in the
 * last bit; every index the API takes or gives is the numbering above.
 *
 * The compiled model is immutable: any number of threads may use it at
 * once.
 *
 * @param[out] out Set to the compiled model, owned by the caller; NULL on
 *                 failure.
 * @param m        The model; its message names a failure.
 * @return HSEC_OK; HSEC_ENOTFOUND for a dangling name; HSEC_EINVAL for a
 *         region cycle, all-zero weights or a NULL argument; HSEC_EEXIST
 *         for a duplicate link; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_model_compile(hsec_compiled **out, hsec_model *m);

/**
 * Set one of the model's limits.
 *
 * The model's limits on nodes, links (written and from templates) and the
 * memory its compiled form takes (HSEC_LIMIT_NODES, _LINKS, _MEMORY; 0 is
 * refused); get gives UINT64_MAX for a limit not set. Since 1.1.
 *
 * @param m     The model; its message names a failure.
 * @param what  HSEC_LIMIT_NODES, HSEC_LIMIT_LINKS or HSEC_LIMIT_MEMORY.
 * @param value The limit, > 0.
 * @return HSEC_OK; HSEC_EINVAL for another limit or 0.
 */
HSEC_API int hsec_model_set_limit(hsec_model *m, hsec_limit what, uint64_t value);
/**
 * Get one of the model's limits (see hsec_model_set_limit). Since 1.1.
 *
 * @param[out] out Set to the limit; UINT64_MAX for a limit not set.
 * @param m        The model.
 * @param what     HSEC_LIMIT_NODES, HSEC_LIMIT_LINKS or HSEC_LIMIT_MEMORY.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or another limit
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_model_get_limit(uint64_t *out, const hsec_model *m, hsec_limit what);

/* ---------------------------------------------------------- compiled model */

/**
 * Release a reference to a compiled model (scenarios hold their own).
 *
 * The model is freed with its last reference: the caller's, its
 * scenarios' and its results'. The reference count is atomic.
 *
 * @param c The compiled model; NULL does nothing.
 */
HSEC_API void hsec_compiled_free(hsec_compiled *c);

/*
 * A compiled model is read-only and may be shared by threads: calls on it
 * that fail leave their message in hsec_last_errmsg.
 */

/**
 * Number of nodes: services, and seven per group.
 *
 * @param c The compiled model.
 * @return The node count.
 */
HSEC_API size_t hsec_compiled_node_count(const hsec_compiled *c);
/**
 * Number of links, written and from templates.
 *
 * @param c The compiled model.
 * @return The link count.
 */
HSEC_API size_t hsec_compiled_link_count(const hsec_compiled *c);

/**
 * Copy the links out, in compressed sparse rows by target node.
 *
 * The links in compressed sparse rows by target node, copied into the
 * caller's arrays (any may be NULL): the links into node i are e =
 * rowp[i] .. rowp[i+1]-1 (rowp holds node_count + 1 values), each from node
 * from[e] with its weight a_ij as given (before vulnerability and measures)
 * and its lag in steps. Within a row the sources ascend. count must be
 * hsec_compiled_link_count (HSEC_EINVAL otherwise).
 *
 * @param[out] rowp   node_count + 1 row pointers, or NULL.
 * @param[out] from   count source nodes, or NULL.
 * @param[out] weight count weights a_ij as given, or NULL.
 * @param[out] lag    count lags in steps, or NULL.
 * @param count       hsec_compiled_link_count(c).
 * @param c           The compiled model.
 * @return HSEC_OK; HSEC_EINVAL for a wrong count or NULL model;
 *         HSEC_ENOMEM. Messages in hsec_last_errmsg.
 */
HSEC_API int hsec_compiled_links(size_t *rowp, size_t *from, double *weight, uint64_t *lag,
                                 size_t count, const hsec_compiled *c);
/**
 * A node's name.
 *
 * @param c    The compiled model.
 * @param node The node's index.
 * @return Node name ("grid", "elderly.health"), borrowed (lives as long
 *         as c); NULL when out of range.
 */
HSEC_API const char *hsec_compiled_node_name(const hsec_compiled *c, size_t node);
/**
 * Index of a node by name.
 *
 * @param[out] out Set to the node's index on success.
 * @param c        The compiled model.
 * @param name     The node's name ("grid", "elderly.health").
 * @return HSEC_OK; HSEC_ENOTFOUND when there is none; HSEC_EINVAL for a
 *         NULL argument. Messages in hsec_last_errmsg.
 */
HSEC_API int hsec_compiled_find_node(size_t *out, const hsec_compiled *c, const char *name);

/**
 * Number of regions.
 *
 * @param c The compiled model.
 * @return The region count.
 */
HSEC_API size_t hsec_compiled_region_count(const hsec_compiled *c);
/**
 * A region's id.
 *
 * @param c      The compiled model.
 * @param region The region's index.
 * @return The id, borrowed (lives as long as c); NULL when out of range.
 */
HSEC_API const char *hsec_compiled_region_id(const hsec_compiled *c, size_t region);
/**
 * A region's label. Since 1.3.
 *
 * @param c      The compiled model.
 * @param region The region's index.
 * @return A region's or a service's label, borrowed; NULL when it has none or the
 *         index is out of range.
 */
HSEC_API const char *hsec_compiled_region_label(const hsec_compiled *c, size_t region);
/**
 * A service's label. Since 1.3.
 *
 * @param c       The compiled model.
 * @param service The service's index.
 * @return The label, borrowed (lives as long as c); NULL when it has none
 *         or the index is out of range.
 */
HSEC_API const char *hsec_compiled_service_label(const hsec_compiled *c, size_t service);
/**
 * A region's parent.
 *
 * @param[out] out Set to the parent region's index, or HSEC_NO_INDEX for a
 *                 top region.
 * @param c        The compiled model.
 * @param region   The region's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_compiled_region_parent(size_t *out, const hsec_compiled *c, size_t region);

/**
 * Number of population groups.
 *
 * @param c The compiled model.
 * @return The group count.
 */
HSEC_API size_t hsec_compiled_group_count(const hsec_compiled *c);
/**
 * A group's id.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @return The id, borrowed (lives as long as c); NULL when out of range.
 */
HSEC_API const char *hsec_compiled_group_id(const hsec_compiled *c, size_t group);
/**
 * Region index of a group.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @return The region's index; (size_t)-1 when out of range.
 */
HSEC_API size_t hsec_compiled_group_region(const hsec_compiled *c, size_t group);
/**
 * Index of the group's first node; its seven nodes follow in dimension order.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @return The node index; HSEC_NO_INDEX when out of range.
 */
HSEC_API size_t hsec_compiled_group_node(const hsec_compiled *c, size_t group);
/**
 * A group's size.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @return Persons in the group; NaN when out of range.
 */
HSEC_API double hsec_compiled_group_size(const hsec_compiled *c, size_t group);
/**
 * The group's vulnerability flags (HSEC_FLAG_*).
 *
 * @param[out] out Set to the flags on success.
 * @param c        The compiled model.
 * @param group    The group's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_compiled_group_flags(unsigned *out, const hsec_compiled *c, size_t group);
/**
 * Normalised vital-core weight of one dimension.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @param d     The dimension.
 * @return The weight; NaN when out of range.
 */
HSEC_API double hsec_compiled_group_weight(const hsec_compiled *c, size_t group,
                                           hsec_dimension d);
/**
 * Baseline (chronic insecurity) of one dimension of a group.
 *
 * @param c     The compiled model.
 * @param group The group's index.
 * @param d     The dimension.
 * @return The baseline, in [0,1]; NaN when out of range.
 */
HSEC_API double hsec_compiled_group_baseline(const hsec_compiled *c, size_t group,
                                             hsec_dimension d);

/**
 * Number of services; services are indexed in the order they were added.
 *
 * @param c The compiled model.
 * @return The service count.
 */
HSEC_API size_t hsec_compiled_service_count(const hsec_compiled *c);
/**
 * A service's id.
 *
 * @param c       The compiled model.
 * @param service The service's index.
 * @return Id, borrowed (lives as long as c); NULL when out of range.
 */
HSEC_API const char *hsec_compiled_service_id(const hsec_compiled *c, size_t service);
/**
 * A service's kind, region (HSEC_NO_INDEX: national) and node; any
 * out-parameter may be NULL.
 *
 * @param[out] kind   Set to the service's kind, or NULL.
 * @param[out] region Set to its region's index (HSEC_NO_INDEX: national),
 *                    or NULL.
 * @param[out] node   Set to its node's index, or NULL.
 * @param c           The compiled model.
 * @param service     The service's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range.
 */
HSEC_API int hsec_compiled_service(hsec_service_kind *kind, size_t *region, size_t *node,
                                   const hsec_compiled *c, size_t service);

/**
 * Every node's value of a parameter as the model gave it.
 *
 * Every node's value of a parameter as the model gave it (count =
 * node_count values): VULNERABILITY, RECOVERY (the rate given; 1 when a
 * recovery time was given instead), RECOVERY_TIME (0 when a rate was
 * given), INITIAL; WEIGHT (as given, before normalising) and BASELINE on
 * the nodes of groups, NaN on services; ONSET and ONSET_TIME as given, NaN
 * where none was given.
 *
 * @param[out] out count values, one per node.
 * @param count    hsec_compiled_node_count(c).
 * @param c        The compiled model.
 * @param param    The parameter.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count or an
 *         unknown parameter (message in hsec_last_errmsg).
 */
HSEC_API int hsec_compiled_params(double *out, size_t count, const hsec_compiled *c,
                                  hsec_param param);

/* --------------------------------------------------------------- scenario */

/**
 * Create a scenario on a compiled model.
 *
 * A scenario on a compiled model; it holds its own reference to `c` (which
 * stays read-only, so any number of scenarios may share it). Free with
 * hsec_scenario_free. Names given to it are resolved at once. A scenario
 * is used by one thread at a time; hsec_compiled_free may be called on c
 * right after this call.
 *
 * @param[out] out Set to the new scenario, owned by the caller; NULL on
 *                 failure.
 * @param c        The compiled model; a reference is taken.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument; HSEC_ENOMEM (message
 *         in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_new(hsec_scenario **out, const hsec_compiled *c);
/**
 * Free a scenario and release its reference to its compiled model.
 *
 * Results of its runs stay valid.
 *
 * @param s The scenario; NULL does nothing.
 */
HSEC_API void hsec_scenario_free(hsec_scenario *s);
/**
 * Detailed message of the last failure on s.
 *
 * @param s The scenario.
 * @return The message ("" when none); borrowed, valid until the next call
 *         on s.
 */
HSEC_API const char *hsec_scenario_errmsg(const hsec_scenario *s);
/**
 * Set the scenario's memory limit.
 *
 * The scenario's memory limit (HSEC_LIMIT_MEMORY only; by default its
 * compiled model's), checked before target lists grow and before a run,
 * ensemble, comparison or search allocates. Since 1.1.
 *
 * @param s     The scenario; its message names a failure.
 * @param what  HSEC_LIMIT_MEMORY.
 * @param value The limit in bytes, > 0.
 * @return HSEC_OK; HSEC_EINVAL for another limit or 0.
 */
HSEC_API int hsec_scenario_set_limit(hsec_scenario *s, hsec_limit what, uint64_t value);
/**
 * Get the scenario's memory limit (see hsec_scenario_set_limit). Since 1.1.
 *
 * @param[out] out Set to the limit (by default its compiled model's;
 *                 UINT64_MAX when none is set).
 * @param s        The scenario.
 * @param what     HSEC_LIMIT_MEMORY.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or another limit.
 */
HSEC_API int hsec_scenario_get_limit(uint64_t *out, const hsec_scenario *s, hsec_limit what);
/**
 * Estimate the memory a run takes.
 *
 * About the bytes the compiled model, the scenario's target lists and one
 * run with its options take together: what is checked against the memory
 * limit (an ensemble adds a run per thread and its members' figures).
 * Since 1.1.
 *
 * @param[out] bytes Set to the estimate, also when it exceeds the limit.
 * @param s          The scenario.
 * @return HSEC_OK; HSEC_ELIMIT, with *bytes set and hsec_last_errmsg
 *         naming the largest part, when that exceeds the scenario's
 *         memory limit; HSEC_EINVAL for a NULL argument.
 */
HSEC_API int hsec_scenario_memory(uint64_t *bytes, const hsec_scenario *s);
/**
 * The scenario's compiled model.
 *
 * @param s The scenario.
 * @return The compiled model, borrowed (lives as long as s).
 */
HSEC_API const hsec_compiled *hsec_scenario_compiled(const hsec_scenario *s);
/**
 * The allocator the scenario uses (its model's), copied into *out.
 *
 * @param[out] out Set to a copy of the allocator.
 * @param s        The scenario.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument.
 */
HSEC_API int hsec_scenario_allocator(hsec_allocator *out, const hsec_scenario *s);

/** Duration of a threat or measure in force from its start to the end. */
#define HSEC_PERSISTENT (-1.0)

/**
 * Add a threat.
 *
 * A threat (ids: own namespace, [A-Za-z0-9_:-]{1,64}). Defaults: start 0,
 * persistent, likelihood 1.
 *
 * @param s     The scenario; its message names a failure.
 * @param id    The threat's id, copied.
 * @param actor Who is behind it.
 * @return HSEC_OK; HSEC_EINVAL for a bad id or actor; HSEC_EEXIST when
 *         the id is already used; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_threat(hsec_scenario *s, const char *id, hsec_threat_actor actor);

/** Timing parameters of threats and measures. */
typedef enum hsec_timing {
    HSEC_TIMING_START = 0,      /**< first step in force, whole >= 0 */
    HSEC_TIMING_DURATION = 1,   /**< steps in force, whole >= 0, or HSEC_PERSISTENT */
    HSEC_TIMING_LIKELIHOOD = 2, /**< threats only, in [0,1] */
    HSEC_TIMING_RAMP = 3,       /**< measures only: steps to full strength, whole >= 0 */
    HSEC_TIMING_COST = 4        /**< measures only: >= 0 */
} hsec_timing;

/**
 * Set a timing parameter of a threat named `id`.
 *
 * @param s     The scenario; its message names a failure.
 * @param id    The threat's id.
 * @param what  START, DURATION or LIKELIHOOD.
 * @param value Its value (hsec_timing gives the ranges).
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown threat; HSEC_EINVAL for
 *         a value out of range or a parameter threats do not have.
 */
HSEC_API int hsec_scenario_set_threat(hsec_scenario *s, const char *id, hsec_timing what,
                                      double value);
/**
 * Add a target to a threat.
 *
 * Perturb `name` (a node, a group: its seven nodes, or a region: its services
 * and groups, child regions included) with magnitude in [0,1]. A node may be
 * reached only once by one threat.
 *
 * @param s         The scenario; its message names a failure.
 * @param threat    The threat's id.
 * @param name      A node, group or region.
 * @param magnitude In [0,1].
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown threat or name;
 *         HSEC_EINVAL for a magnitude out of range; HSEC_EEXIST for a node
 *         reached twice; HSEC_ELIMIT past the memory limit; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_threat_target(hsec_scenario *s, const char *threat,
                                             const char *name, double magnitude);

/**
 * Add a measure.
 *
 * A measure with its strength (see hsec_effect). Defaults: start 0, ramp 0,
 * persistent, cost 0.
 *
 * @param s        The scenario; its message names a failure.
 * @param id       The measure's id (own namespace, [A-Za-z0-9_:-]{1,64}),
 *                 copied.
 * @param kind     Protection or empowerment.
 * @param effect   What it does.
 * @param actor    Who carries it out.
 * @param strength Its strength (see hsec_effect).
 * @return HSEC_OK; HSEC_EINVAL for a bad id, kind, effect, actor or
 *         strength; HSEC_EEXIST when the id is already used; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_measure(hsec_scenario *s, const char *id,
                                       hsec_measure_kind kind, hsec_effect effect,
                                       hsec_measure_actor actor, double strength);
/**
 * Set a timing parameter of a measure named `id`.
 *
 * @param s     The scenario; its message names a failure.
 * @param id    The measure's id.
 * @param what  START, DURATION, RAMP or COST.
 * @param value Its value (hsec_timing gives the ranges).
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown measure; HSEC_EINVAL for
 *         a value out of range or a parameter measures do not have.
 */
HSEC_API int hsec_scenario_set_measure(hsec_scenario *s, const char *id, hsec_timing what,
                                       double value);
/**
 * Target a node, group or region (shield, recover, reduce_vulnerability).
 *
 * @param s       The scenario; its message names a failure.
 * @param measure The measure's id.
 * @param name    A node, group or region.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown measure or name;
 *         HSEC_EINVAL for a decouple measure; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_measure_target(hsec_scenario *s, const char *measure,
                                              const char *name);
/**
 * Target links (decouple).
 *
 * Target the link from -> to, or with from == NULL every link into `to`
 * (a node, group or region) (decouple).
 *
 * @param s       The scenario; its message names a failure.
 * @param measure The measure's id (a decouple measure).
 * @param from    The link's source node, or NULL.
 * @param to      The link's target node; with from NULL, a node, group or
 *                region.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown measure, node or link;
 *         HSEC_EINVAL for a measure that is not decouple; HSEC_ELIMIT;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_measure_link(hsec_scenario *s, const char *measure,
                                            const char *from, const char *to);

/**
 * Set the cross-cutting topics (HSEC_TOPIC_* bits) a threat touches.
 *
 * The cross-cutting topics (HSEC_TOPIC_* bits) a threat or measure touches,
 * replacing those set before (0: none), and the branch that owns a measure.
 * A measure's topics and branch are labels for reports and filters; they
 * change nothing in a run. Since 1.3.
 *
 * @param s      The scenario; its message names a failure.
 * @param threat The threat's id.
 * @param topics HSEC_TOPIC_* bits combined with |; 0: none.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown threat; HSEC_EINVAL for
 *         unknown bits.
 */
HSEC_API int hsec_scenario_set_threat_topics(hsec_scenario *s, const char *threat,
                                             unsigned topics);
/**
 * Set the cross-cutting topics (HSEC_TOPIC_* bits) a measure touches,
 * replacing those set before (0: none). Since 1.3.
 *
 * @param s       The scenario; its message names a failure.
 * @param measure The measure's id.
 * @param topics  HSEC_TOPIC_* bits combined with |; 0: none.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown measure; HSEC_EINVAL for
 *         unknown bits.
 */
HSEC_API int hsec_scenario_set_measure_topics(hsec_scenario *s, const char *measure,
                                              unsigned topics);
/**
 * Set the branch that owns a measure. Since 1.3.
 *
 * @param s       The scenario; its message names a failure.
 * @param measure The measure's id.
 * @param branch  The branch; HSEC_BRANCH_NONE: none.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown measure; HSEC_EINVAL for
 *         an unknown branch.
 */
HSEC_API int hsec_scenario_set_measure_branch(hsec_scenario *s, const char *measure,
                                              hsec_branch branch);
/**
 * The topics of threat i. Since 1.3.
 *
 * @param[out] out Set to its HSEC_TOPIC_* bits.
 * @param s        The scenario.
 * @param threat   The threat's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_threat_topics(unsigned *out, const hsec_scenario *s, size_t threat);
/**
 * The topics of measure i. Since 1.3.
 *
 * @param[out] out Set to its HSEC_TOPIC_* bits.
 * @param s        The scenario.
 * @param measure  The measure's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_measure_topics(unsigned *out, const hsec_scenario *s,
                                          size_t measure);
/**
 * The branch of measure i. Since 1.3.
 *
 * @param[out] out Set to its branch (HSEC_BRANCH_NONE when none).
 * @param s        The scenario.
 * @param measure  The measure's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_measure_branch(hsec_branch *out, const hsec_scenario *s,
                                          size_t measure);

/** Run options, enum-keyed; see hsec_option_bounds for each range and
 *  hsec_option_key for each one's place in a scenario document. */
typedef enum hsec_option {
    HSEC_OPT_MODE = 0,            /**< HSEC_MODE_STATIC (default) or HSEC_MODE_DYNAMIC */
    HSEC_OPT_STEPS = 1,           /**< dynamic horizon, 1 .. 10,000,000 (required when dynamic) */
    HSEC_OPT_BOUNDED = 2,         /**< 1 (default): clamp to [0,1]; 0: linear */
    HSEC_OPT_BAND_SHORT = 3,      /**< last step of the short band (default 7) */
    HSEC_OPT_BAND_MEDIUM = 4,     /**< last step of the medium band (default 90) */
    HSEC_OPT_RECOVERY_LAMBDA = 5, /**< fraction a recovery time falls to, (0,1), default 0.01 */
    HSEC_OPT_SEED = 6,            /**< random seed, whole, 0 .. 2^53 (default 0) */
    HSEC_OPT_MAX_ITERATIONS = 7,  /**< static iteration cap, 1 .. 10^9 (default 100000) */
    HSEC_OPT_CRITICAL_SHARE = 8,  /**< share of a group's propagated index at its peak that
                                     makes a threat critical for it, [0,1] (default 0.4) */
    HSEC_OPT_PERVASIVE_SHARE = 9, /**< share of the population in groups for which a threat
                                     is critical that makes it pervasive, [0,1] (default 0.25) */
    HSEC_OPT_AF_CUTOFF = 10,      /**< Alkire-Foster deprivation cutoff z: deprived when
                                     y >= z, [0,1] (default 0.4, crisis) */
    HSEC_OPT_AF_K = 11,           /**< Alkire-Foster cutoff k on the weighted deprivation
                                     score, [0,1] (default 1/3) */
    HSEC_OPT_MEMBERS = 12,        /**< ensemble members, 1 .. 10^9 (default 100) */
    HSEC_OPT_THREADS = 13,        /**< ensemble threads, 0 .. 256 (default 0: one per processor) */
    HSEC_OPT_RUN_THREADS = 14     /**< threads sharing one run's sweeps (a ranking's or
                                  coupling's setup: two), 0 .. 256 (default 1; 0: one per
                                  processor); results do not depend on it */
} hsec_option;
/** Number of hsec_option values. */
#define HSEC_OPTION_COUNT 15
/** HSEC_OPT_MODE value: solve the equilibrium (the default). */
#define HSEC_MODE_STATIC 0
/** HSEC_OPT_MODE value: step the dynamic model (DIIM) over HSEC_OPT_STEPS steps. */
#define HSEC_MODE_DYNAMIC 1

/**
 * Set a run option.
 *
 * @param s     The scenario; its message names a failure.
 * @param opt   The option.
 * @param value Its value, within hsec_option_bounds (a whole number where
 *              hsec_option_whole says so).
 * @return HSEC_OK; HSEC_EINVAL for an unknown option or a value out of
 *         range.
 */
HSEC_API int hsec_scenario_set_option(hsec_scenario *s, hsec_option opt, double value);
/**
 * Get a run option.
 *
 * @param[out] out Set to the option's value.
 * @param s        The scenario.
 * @param opt      The option.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or an unknown option.
 */
HSEC_API int hsec_scenario_get_option(double *out, const hsec_scenario *s, hsec_option opt);
/**
 * Inclusive range of an option.
 *
 * Thread-safe.
 *
 * @param[out] lo Set to the lowest value, or NULL.
 * @param[out] hi Set to the highest value, or NULL.
 * @param opt     The option.
 * @return HSEC_OK; HSEC_EINVAL for an unknown option.
 */
HSEC_API int hsec_option_bounds(double *lo, double *hi, hsec_option opt);
/**
 * Default value of an option.
 *
 * Thread-safe.
 *
 * @param[out] out Set to the default.
 * @param opt      The option.
 * @return HSEC_OK; HSEC_EINVAL for an unknown option or a NULL out.
 */
HSEC_API int hsec_option_default(double *out, hsec_option opt);
/**
 * Whether an option takes whole numbers only (1) or any value in its range (0).
 *
 * Thread-safe.
 *
 * @param[out] out Set to 1 or 0.
 * @param opt      The option.
 * @return HSEC_OK; HSEC_EINVAL for an unknown option or a NULL out.
 */
HSEC_API int hsec_option_whole(int *out, hsec_option opt);
/**
 * The option's place in a scenario document.
 *
 * Thread-safe.
 *
 * @param opt The option.
 * @return The key ("run.steps", "run.bands[0]", "uncertainty.members"),
 *         static; NULL for an unknown option.
 */
HSEC_API const char *hsec_option_key(hsec_option opt);
/**
 * Set the label of one step ("day" by default), [A-Za-z0-9_:-]{1,64}.
 *
 * @param s    The scenario; its message names a failure.
 * @param unit The label, copied.
 * @return HSEC_OK; HSEC_EINVAL for a label not of that form.
 */
HSEC_API int hsec_scenario_set_step_unit(hsec_scenario *s, const char *unit);
/**
 * The label of one step.
 *
 * @param s The scenario.
 * @return The label ("day" by default), borrowed: valid until the next
 *         hsec_scenario_set_step_unit on s or its free.
 */
HSEC_API const char *hsec_scenario_step_unit(const hsec_scenario *s);
/**
 * Record the series of a node, or of every node of a group or region.
 *
 * In static mode it narrows the nodes a results document reports.
 *
 * @param s    The scenario; its message names a failure.
 * @param name A node, group or region.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown name; HSEC_ELIMIT;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_record(hsec_scenario *s, const char *name);

/**
 * Number of threats.
 *
 * @param s The scenario.
 * @return The threat count (0 for NULL).
 */
HSEC_API size_t hsec_scenario_threat_count(const hsec_scenario *s);
/**
 * A threat's id.
 *
 * @param s      The scenario.
 * @param threat The threat's index.
 * @return The id, borrowed (lives as long as s); NULL when out of range.
 */
HSEC_API const char *hsec_scenario_threat_id(const hsec_scenario *s, size_t threat);
/**
 * A threat's actor.
 *
 * @param[out] out Set to the actor.
 * @param s        The scenario.
 * @param threat   The threat's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_threat_actor(hsec_threat_actor *out, const hsec_scenario *s,
                                        size_t threat);
/**
 * A timing parameter of a threat (START, DURATION: HSEC_PERSISTENT when
 * persistent, LIKELIHOOD).
 *
 * @param[out] out Set to the value.
 * @param s        The scenario.
 * @param threat   The threat's index.
 * @param what     START, DURATION or LIKELIHOOD.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range, a NULL argument
 *         or a parameter threats do not have (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_threat_timing(double *out, const hsec_scenario *s, size_t threat,
                                         hsec_timing what);
/**
 * How many nodes the threat reaches.
 *
 * @param s      The scenario.
 * @param threat The threat's index.
 * @return The count (0 also for an index out of range, which
 *         hsec_scenario_threat_targets then refuses).
 */
HSEC_API size_t hsec_scenario_threat_target_count(const hsec_scenario *s, size_t threat);
/**
 * The nodes the threat reaches, ascending, and its magnitude on each.
 *
 * @param[out] nodes      count node indices, or NULL.
 * @param[out] magnitudes count magnitudes, or NULL.
 * @param count           hsec_scenario_threat_target_count values each.
 * @param s               The scenario.
 * @param threat          The threat's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a wrong count
 *         (message in hsec_last_errmsg); HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_threat_targets(size_t *nodes, double *magnitudes, size_t count,
                                          const hsec_scenario *s, size_t threat);

/**
 * Number of measures.
 *
 * @param s The scenario.
 * @return The measure count (0 for NULL).
 */
HSEC_API size_t hsec_scenario_measure_count(const hsec_scenario *s);
/**
 * A measure's id.
 *
 * @param s       The scenario.
 * @param measure The measure's index.
 * @return The id, borrowed (lives as long as s); NULL when out of range.
 */
HSEC_API const char *hsec_scenario_measure_id(const hsec_scenario *s, size_t measure);
/**
 * A measure's kind.
 *
 * @param[out] out Set to the kind.
 * @param s        The scenario.
 * @param measure  The measure's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         argument (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_measure_kind(hsec_measure_kind *out, const hsec_scenario *s,
                                        size_t measure);
/**
 * A measure's effect, actor and strength; any out-parameter may be NULL.
 *
 * @param[out] effect   Set to the effect, or NULL.
 * @param[out] actor    Set to the actor, or NULL.
 * @param[out] strength Set to the strength, or NULL.
 * @param s             The scenario.
 * @param measure       The measure's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range.
 */
HSEC_API int hsec_scenario_measure_effect(hsec_effect *effect, hsec_measure_actor *actor,
                                          double *strength, const hsec_scenario *s,
                                          size_t measure);
/**
 * A timing parameter of a measure (START, DURATION: HSEC_PERSISTENT when
 * persistent, RAMP, COST).
 *
 * @param[out] out Set to the value.
 * @param s        The scenario.
 * @param measure  The measure's index.
 * @param what     START, DURATION, RAMP or COST.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range, a NULL argument
 *         or a parameter measures do not have (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_measure_timing(double *out, const hsec_scenario *s, size_t measure,
                                          hsec_timing what);
/**
 * Cost of a measure.
 *
 * @param s       The scenario.
 * @param measure The measure's index.
 * @return The cost; NaN when out of range.
 */
HSEC_API double hsec_scenario_measure_cost(const hsec_scenario *s, size_t measure);
/**
 * How many nodes (links, for decouple) the measure reaches.
 *
 * @param s       The scenario.
 * @param measure The measure's index.
 * @return The count (0 also for an index out of range, which
 *         hsec_scenario_measure_targets then refuses).
 */
HSEC_API size_t hsec_scenario_measure_target_count(const hsec_scenario *s, size_t measure);
/**
 * The nodes the measure reaches, or for decouple the links (indices in the
 * order of hsec_compiled_links), ascending, each once.
 *
 * @param[out] targets count node or link indices.
 * @param count        hsec_scenario_measure_target_count values.
 * @param s            The scenario.
 * @param measure      The measure's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a wrong count
 *         (message in hsec_last_errmsg); HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_measure_targets(size_t *targets, size_t count,
                                           const hsec_scenario *s, size_t measure);

/**
 * Add a package.
 *
 * Packages: named sets of measures, courses of action to compare (ids: own
 * namespace, [A-Za-z0-9_:-]{1,64}). A measure may belong to several.
 *
 * @param s  The scenario; its message names a failure.
 * @param id The package's id, copied.
 * @return HSEC_OK; HSEC_EINVAL for a bad id; HSEC_EEXIST when the id is
 *         already used; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_add_package(hsec_scenario *s, const char *id);
/**
 * Put an existing measure in a package.
 *
 * @param s       The scenario; its message names a failure.
 * @param package The package's id.
 * @param measure The measure's id.
 * @return HSEC_OK; HSEC_ENOTFOUND for an unknown package or measure;
 *         HSEC_EEXIST when it is there; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_package_add(hsec_scenario *s, const char *package,
                                       const char *measure);
/**
 * Number of packages.
 *
 * @param s The scenario.
 * @return The package count (0 for NULL).
 */
HSEC_API size_t hsec_scenario_package_count(const hsec_scenario *s);
/**
 * A package's id.
 *
 * @param s       The scenario.
 * @param package The package's index.
 * @return The id, borrowed (lives as long as s); NULL when out of range.
 */
HSEC_API const char *hsec_scenario_package_id(const hsec_scenario *s, size_t package);
/**
 * Mark the package's measures: mask (count = measure_count bytes) gets 1
 * for each measure in the package, 0 for the others.
 *
 * @param[out] mask count bytes.
 * @param count     hsec_scenario_measure_count(s).
 * @param s         The scenario.
 * @param package   The package's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a wrong count
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_package_mask(unsigned char *mask, size_t count,
                                        const hsec_scenario *s, size_t package);
/**
 * How many measures the package holds.
 *
 * @param s       The scenario.
 * @param package The package's index.
 * @return The count (0 also for an index out of range, which
 *         hsec_scenario_package_measures then refuses).
 */
HSEC_API size_t hsec_scenario_package_size(const hsec_scenario *s, size_t package);
/**
 * The package's measures, in the order they were put in it.
 *
 * @param[out] measures count measure indices.
 * @param count         hsec_scenario_package_size values.
 * @param s             The scenario.
 * @param package       The package's index.
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a wrong count
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_package_measures(size_t *measures, size_t count,
                                            const hsec_scenario *s, size_t package);
/**
 * Sum of the costs of the package's measures.
 *
 * @param s       The scenario.
 * @param package The package's index.
 * @return The cost; NaN when out of range.
 */
HSEC_API double hsec_scenario_package_cost(const hsec_scenario *s, size_t package);
/**
 * Recorded nodes, in the order first recorded.
 *
 * @param s          The scenario.
 * @param[out] count Set to their number.
 * @return The node indices, borrowed: valid until the next
 *         hsec_scenario_record on s or its free.
 */
HSEC_API const size_t *hsec_scenario_recorded(const hsec_scenario *s, size_t *count);

/**
 * Run the scenario.
 *
 * Static mode solves the equilibrium (linear: refuses
 * with HSEC_ENOCONV when the spectral radius of A' is not below 1);
 * dynamic mode steps the DIIM. The scenario is unchanged and may be run
 * again. Free *out with hsec_result_free; a result holds a reference to
 * the compiled model, which lives until its last scenario and result are
 * freed. The scenario's warnings are found first (hsec_scenario_diagnose).
 *
 * @param[out] out Set to the result, owned by the caller; NULL on failure.
 * @param s        The scenario; its message names a failure.
 * @return HSEC_OK; HSEC_EINVAL (a NULL argument, options that do not fit
 *         together such as a dynamic run without steps); HSEC_ENOCONV;
 *         HSEC_ECANCELED; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_run(hsec_result **out, hsec_scenario *s);
/**
 * Run with only some measures in force.
 *
 * mask holds mask_len =
 * hsec_scenario_measure_count bytes, nonzero for a measure in force; NULL
 * (mask_len ignored) runs every measure, and an all-zero mask the
 * no-measure baseline.
 *
 * @param[out] out Set to the result, owned by the caller (free with
 *                 hsec_result_free); NULL on failure.
 * @param s        The scenario; its message names a failure.
 * @param mask     The measures in force, or NULL.
 * @param mask_len hsec_scenario_measure_count(s) when mask is given.
 * @return As hsec_scenario_run; HSEC_EINVAL also for a wrong mask_len.
 */
HSEC_API int hsec_scenario_run_with(hsec_result **out, hsec_scenario *s,
                                    const unsigned char *mask, size_t mask_len);

/**
 * Compare courses of action.
 *
 * out[0] receives the no-measure baseline and
 * out[1 + p] the run with only package p's measures; count must be
 * 1 + hsec_scenario_package_count(s). Free each result. On failure every
 * out[i] is NULL. The averted burden of a package is the baseline's burden
 * minus the package's, part by part.
 *
 * @param[out] out count results, each owned by the caller (free each with
 *                 hsec_result_free); all NULL on failure.
 * @param count    1 + hsec_scenario_package_count(s).
 * @param s        The scenario; its message names a failure.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count; the
 *         codes of hsec_scenario_run.
 */
HSEC_API int hsec_scenario_compare(hsec_result **out, size_t count, hsec_scenario *s);

/**
 * What each staff branch contributes to a package (since 1.3).
 *
 * What each staff branch contributes to package p (doc/model.md §11):
 * averted[b] (count = HSEC_BRANCH_COUNT values, by hsec_branch) is the
 * baseline's total burden minus that of a run with only the package's
 * measures owned by branch b, one extra run per branch the package's
 * measures name (HSEC_BRANCH_NONE for those without one); NaN for a branch
 * with none of them. `baseline` is the no-measure run (out[0] of
 * hsec_scenario_compare). Branch figures do not add up to the package's
 * (measures combine as 1 - prod(1 - f), under the cap). Since 1.3.
 *
 * @param[out] averted count values, by hsec_branch; all NaN on failure.
 * @param count        HSEC_BRANCH_COUNT.
 * @param s            The scenario; its message names a failure.
 * @param baseline     The no-measure run of s, borrowed for the call.
 * @param package      The package's index.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count, a
 *         package out of range or a baseline that is not a run of s; the
 *         codes of hsec_scenario_run.
 */
HSEC_API int hsec_scenario_compare_branches(double *averted, size_t count, hsec_scenario *s,
                                            const hsec_result *baseline, size_t package);

/**
 * Number of measures of the scenario a run was made on.
 *
 * @param r The result.
 * @return The scenario's measure count when it ran (0 for NULL).
 */
HSEC_API size_t hsec_result_measure_count(const hsec_result *r);
/**
 * The measures a run had in force.
 *
 * The measures a run had in force: mask (count = hsec_result_measure_count
 * bytes) gets 1 for each measure of the scenario that was in force, 0 for
 * the others (all 1 for hsec_scenario_run, the run_with mask otherwise).
 *
 * @param[out] mask count bytes.
 * @param count     hsec_result_measure_count(r).
 * @param r         The result.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_result_measures(unsigned char *mask, size_t count, const hsec_result *r);

/* ------------------------------------------------------------- warnings */

/**
 * Warnings: what a scenario or a run says that is probably not meant,
 * though nothing fails (a run with warnings succeeds).
 *
 * Stable codes, never
 * renumbered. A scenario's warnings are found when it is prepared for a
 * run (hsec_scenario_run, _run_with, _compare, _ensemble) and by
 * hsec_scenario_diagnose; a run's are kept on its result. Each list is in
 * a fixed order: by code, then in the order of the document (threats
 * before measures, groups in the order added, recorded nodes in the order
 * recorded).
 */
typedef enum hsec_warning {
    HSEC_WARN_NEVER_IN_FORCE = 1, /**< dynamic: a threat or measure that starts at or after
                                     the horizon (start >= steps) or lasts 0 steps */
    HSEC_WARN_UNREACHABLE = 2,    /**< a measure acting only where no threat's degradation
                                     arrives (doc/api.md, "Warnings") */
    HSEC_WARN_EMPTY_GROUP = 3,    /**< a group of size 0 */
    HSEC_WARN_FLAT_SERIES = 4     /**< a dynamic run whose recorded series are all 0 at every
                                     step (on the result) */
} hsec_warning;

/**
 * The document name of a warning code.
 *
 * Thread-safe.
 *
 * @param code An hsec_warning value.
 * @return The name ("never_in_force", "unreachable", "empty_group",
 *         "flat_series"), static; NULL for an unknown code.
 */
HSEC_API const char *hsec_warning_name(int code);
/**
 * Find the scenario's warnings now, replacing those kept (HSEC_ENOMEM
 * leaves none).
 *
 * @param s The scenario; its message names a failure.
 * @return HSEC_OK (warnings are not failures); HSEC_EINVAL for a NULL
 *         scenario; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_diagnose(hsec_scenario *s);
/**
 * How many warnings the scenario keeps from its last run or diagnosis.
 *
 * @param s The scenario.
 * @return The count (0 for NULL).
 */
HSEC_API size_t hsec_scenario_diagnostic_count(const hsec_scenario *s);
/**
 * Warning i of the scenario.
 *
 * Warning i: its code and its message naming the threat, measure or group
 * (borrowed, valid until the scenario is next run, diagnosed or freed);
 * either out-parameter may be NULL.
 *
 * @param[out] code    Set to the warning's code, or NULL.
 * @param[out] message Set to its message (borrowed, as above), or NULL.
 * @param s            The scenario.
 * @param i            The warning's index, below
 *                     hsec_scenario_diagnostic_count(s).
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL
 *         scenario (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_diagnostic(hsec_warning *code, const char **message,
                                      const hsec_scenario *s, size_t i);
/**
 * How many warnings a run found (HSEC_WARN_FLAT_SERIES).
 *
 * @param r The result.
 * @return The count (0 for NULL).
 */
HSEC_API size_t hsec_result_diagnostic_count(const hsec_result *r);
/**
 * Warning i of a run; the message lives as long as the result.
 *
 * @param[out] code    Set to the warning's code, or NULL.
 * @param[out] message Set to its message, borrowed (lives as long as r),
 *                     or NULL.
 * @param r            The result.
 * @param i            The warning's index, below
 *                     hsec_result_diagnostic_count(r).
 * @return HSEC_OK; HSEC_EINVAL for an index out of range or a NULL result
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_result_diagnostic(hsec_warning *code, const char **message,
                                    const hsec_result *r, size_t i);

/**
 * A progress callback.
 *
 * Progress of long work: fn is called now and then with the work done and
 * the total, in the operation's own units (dynamic runs: steps; static
 * runs: iterations of at most run.max_iterations, after the spectral
 * bound's power iterations in linear mode; linear solves of rankings and
 * coupling: iterations; interdependency: products; optimisation: packages
 * evaluated; ensembles: members); returning nonzero cancels the operation,
 * which then fails with HSEC_ECANCELED and leaves nothing half-done.
 * Ensembles call it from their worker threads, one call at a time. fn
 * NULL: none.
 *
 * @param user  The pointer given to hsec_scenario_set_progress.
 * @param done  The work done so far.
 * @param total The work in all, in the same units.
 * @return 0 to go on; nonzero to cancel (HSEC_ECANCELED).
 */
typedef int (*hsec_progress_fn)(void *user, uint64_t done, uint64_t total);
/**
 * Set the scenario's progress callback (see hsec_progress_fn).
 *
 * It does not change the scenario's stamp.
 *
 * @param s    The scenario.
 * @param fn   The callback; NULL: none.
 * @param user Passed to fn as is; the caller keeps it alive while the
 *             scenario may call fn.
 * @return HSEC_OK; HSEC_EINVAL for a NULL scenario.
 */
HSEC_API int hsec_scenario_set_progress(hsec_scenario *s, hsec_progress_fn fn, void *user);

/**
 * A number that stands for the scenario as it is (since 1.3).
 *
 * A number that stands for the scenario as it is: every call that changes
 * it (the hsec_scenario_add_*, _set_* but _set_progress and _set_limit,
 * _package_add and _record functions, failed calls included) gives it a new
 * one, and no two scenarios of a process ever share one. A caller may keep
 * what it derives from a scenario (a saved document, a fingerprint, an
 * operator) with the stamp it was derived at, and use it again while the
 * stamp is the same. 0 for NULL. Since 1.3.
 *
 * @param s The scenario.
 * @return The stamp; 0 for NULL.
 */
HSEC_API uint64_t hsec_scenario_stamp(const hsec_scenario *s);

/**
 * The propagation operator at a step.
 *
 * The operator of doc/model.md §2 with the measures of mask in force
 * (mask_len = measure_count bytes; NULL: all), for callers who compute
 * with it themselves (any output may be
 * NULL): weight[e] = a'_ij(t) for each link e in the order of
 * hsec_compiled_links (link_count values); perturbation[i * H + h] = the
 * part of c_i(t) due to threat h (node_count x threat_count values, node
 * major; c_i(t) is their sum); recovery[i] = k_i(t) (node_count values,
 * recovery times converted). step >= 0: the dynamic step t, with threats'
 * and measures' timing and ramps; -1: the static operator (everything at
 * full strength, K = I, so recovery is 1).
 *
 * @param[out] weight       link_count values, or NULL.
 * @param[out] perturbation node_count x threat_count values, or NULL.
 * @param[out] recovery     node_count values, or NULL.
 * @param s                 The scenario; its message names a failure.
 * @param mask              The measures in force, or NULL (all).
 * @param mask_len          measure_count when mask is given.
 * @param step              The dynamic step, >= 0, or -1 (static).
 * @return HSEC_OK; HSEC_EINVAL for a NULL scenario, a wrong mask_len or a
 *         step below -1; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_operator(double *weight, double *perturbation, double *recovery,
                                    hsec_scenario *s, const unsigned char *mask,
                                    size_t mask_len, int64_t step);
/**
 * Every node's onset rate.
 *
 * Every node's onset rate ko_i (count = node_count values): the rate at
 * which a rising node moves in a dynamic run (doc/model.md §2), the same at
 * every step and whatever measures are in force (recover measures change
 * only the recovery rate that hsec_scenario_operator gives).
 *
 * @param[out] out count values.
 * @param count    The node count.
 * @param s        The scenario.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count;
 *         HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_onset_rates(double *out, size_t count, const hsec_scenario *s);

/* -------------------------------------------------------------- decisions */

/**
 * Where to protect: the marginal equilibrium burden of every node.
 *
 * Where to protect: the marginal equilibrium burden of one unit of
 * perturbation c at every node, u = (I - A'^T)^-1 b with b_i = N_g w[g,d]
 * on the nodes of group g and 0 on services, A' at full strength with the
 * scenario's measures in force (linear, no baseline cap). out receives
 * count = node_count values: rank nodes by them. HSEC_ENOCONV when the
 * spectral radius of A' is not below 1.
 *
 * @param[out] out count values.
 * @param count    The node count.
 * @param s        The scenario; its message names a failure.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count;
 *         HSEC_ENOCONV; HSEC_ECANCELED; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_rank(double *out, size_t count, hsec_scenario *s);

/**
 * The marginal burden with only some measures in force.
 *
 * The same with only the measures of mask in force (mask_len =
 * measure_count bytes, nonzero for a measure in force; NULL: every
 * measure, as hsec_scenario_rank; all zero: none).
 *
 * @param[out] out count values.
 * @param count    The node count.
 * @param s        The scenario; its message names a failure.
 * @param mask     The measures in force, or NULL.
 * @param mask_len measure_count when mask is given.
 * @return As hsec_scenario_rank; HSEC_EINVAL also for a wrong mask_len.
 */
HSEC_API int hsec_scenario_rank_with(double *out, size_t count, hsec_scenario *s,
                                     const unsigned char *mask, size_t mask_len);

/**
 * Coupling indices of every node.
 *
 * Coupling indices of every node (arrays of count = node_count values; any
 * may be NULL), with n the node count and A' as for hsec_scenario_rank:
 * dependency of i = `sum_{j != i} a'_ij / (n-1)`; influence of j =
 * `sum_{i != j} a'_ij / (n-1)`; the overall versions use S - I with
 * S = (I - A')^-1: overall dependency of i = ((S 1)_i - 1) / (n-1), overall
 * influence of j = ((S^T 1)_j - 1) / (n-1). The overall ones need the
 * spectral radius of A' below 1 (HSEC_ENOCONV otherwise).
 *
 * @param[out] dependency         count values, or NULL.
 * @param[out] influence          count values, or NULL.
 * @param[out] overall_dependency count values, or NULL.
 * @param[out] overall_influence  count values, or NULL.
 * @param count                   The node count.
 * @param s                       The scenario; its message names a failure.
 * @return HSEC_OK; HSEC_EINVAL for a NULL scenario or a wrong count;
 *         HSEC_ENOCONV; HSEC_ECANCELED; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_coupling(double *dependency, double *influence,
                                    double *overall_dependency, double *overall_influence,
                                    size_t count, hsec_scenario *s);

/**
 * The same with only the measures of mask in force (as hsec_scenario_rank_with).
 *
 * @param[out] dependency         count values, or NULL.
 * @param[out] influence          count values, or NULL.
 * @param[out] overall_dependency count values, or NULL.
 * @param[out] overall_influence  count values, or NULL.
 * @param count                   The node count.
 * @param s                       The scenario; its message names a failure.
 * @param mask                    The measures in force, or NULL (all).
 * @param mask_len                measure_count when mask is given.
 * @return As hsec_scenario_coupling; HSEC_EINVAL also for a wrong
 *         mask_len.
 */
HSEC_API int hsec_scenario_coupling_with(double *dependency, double *influence,
                                         double *overall_dependency,
                                         double *overall_influence, size_t count,
                                         hsec_scenario *s, const unsigned char *mask,
                                         size_t mask_len);

/**
 * The n-th order interdependency of node i on node j.
 *
 * The n-th order interdependency of node i on node j: entry [i,j] of A'^n
 * (1 <= n <= 10^9; n = 1 is a'_ij itself). Takes n sparse products: the
 * progress callback is called before each and may cancel.
 *
 * @param[out] out Set to the entry.
 * @param s        The scenario; its message names a failure.
 * @param i        The dependent node's index.
 * @param j        The node it depends on.
 * @param n        The order, 1 <= n <= 10^9.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a node out of range or
 *         an order out of range; HSEC_ECANCELED; HSEC_ENOMEM.
 */
HSEC_API int hsec_scenario_interdependency(double *out, hsec_scenario *s, size_t i, size_t j,
                                           unsigned n);

/**
 * The nodes ordered for a ranking.
 *
 * The nodes ordered for a ranking: order (count values) receives the node
 * indices by decreasing marginal burden (count values from
 * hsec_scenario_rank), ties to the lower index; NaN ranks last.
 * Thread-safe.
 *
 * @param[out] order count node indices.
 * @param marginal   count marginal burdens.
 * @param count      The node count.
 * @return HSEC_OK; HSEC_EINVAL for a NULL array (message in
 *         hsec_last_errmsg).
 */
HSEC_API int hsec_rank_order(size_t *order, const double *marginal, size_t count);

/** How hsec_scenario_optimize searches. */
typedef enum hsec_search {
    HSEC_SEARCH_GREEDY = 0, /**< add the best marginal averted burden per cost, repeatedly */
    HSEC_SEARCH_EXACT = 1   /**< every subset within the budget (at most 24 candidates) */
} hsec_search;
/** Most candidates for the exact search. */
#define HSEC_SEARCH_EXACT_MAX 24
/** Up to this many candidates (2^12 runs), a greedy choice is worth checking
 *  against the exact search, as the command line does. */
#define HSEC_SEARCH_CHECK_MAX 12

/**
 * Choose measures under a budget to maximise the averted burden.
 *
 * Choose measures under a budget to maximise the averted burden: the
 * propagated burden of the no-measure baseline minus that with the chosen
 * measures in force, in the scenario's mode. Candidates are the measures
 * with a nonzero byte in `candidates` (count bytes; NULL: every measure); chosen gets
 * count = measure_count bytes, 1 for a chosen measure; *averted and *cost
 * (either may be NULL) the choice's averted burden and cost.
 * Greedy adds, while one fits and averts more, the candidate with the
 * largest marginal averted burden per unit cost (free ones first; ties to
 * the lower index). Exact keeps the best subset within the budget (ties to
 * the cheaper, then to the first found). HSEC_EINVAL for a budget below 0
 * or NaN, or more than 24 candidates for the exact search.
 *
 * @param[out] chosen  count bytes, 1 for a chosen measure.
 * @param[out] averted Set to the choice's averted burden, or NULL.
 * @param[out] cost    Set to the choice's cost, or NULL.
 * @param count        measure_count.
 * @param s            The scenario; its message names a failure.
 * @param budget       The budget, >= 0.
 * @param search       Greedy or exact.
 * @param candidates   count bytes, nonzero for a candidate, or NULL
 *                     (every measure).
 * @return HSEC_OK; HSEC_EINVAL as above, or for a NULL argument or a
 *         wrong count; the codes of the runs (HSEC_ENOCONV,
 *         HSEC_ECANCELED, HSEC_ELIMIT, HSEC_ENOMEM).
 */
HSEC_API int hsec_scenario_optimize(unsigned char *chosen, double *averted, double *cost,
                                    size_t count, hsec_scenario *s, double budget,
                                    hsec_search search, const unsigned char *candidates);

/** hsec_scenario_optimize_range's subset when none of a range is within the budget. */
#define HSEC_SUBSET_NONE UINT64_MAX
/**
 * The exact search over a range of subset numbers (since 1.3).
 *
 * The exact search in ranges of subset numbers (doc/distributed.md). The
 * candidates (the measures with a nonzero byte in `candidates`, count =
 * measure_count bytes; NULL: every measure) are numbered k = 0, 1, ... in
 * measure order, and subset number n holds candidate k when bit k of n is
 * set: 0 is no measure (the baseline), 2^k - 1 the first k candidates.
 * The exact search keeps, of the subsets within the budget, the lowest
 * propagated burden, ties to the lower cost, then to the lower number;
 * since that is a total order, the best of the ranges' bests is the
 * search's, whatever the split.
 *
 * hsec_scenario_optimize_range searches subsets first .. last - 1 (0 <=
 * first <= last <= 2^candidates): *subset gets the best's number, or
 * HSEC_SUBSET_NONE when none of the range is within the budget; *burden
 * and *cost (either may be NULL) its propagated burden and cost; and
 * *baseline (NULL: not wanted) the no-measure run's propagated burden,
 * from which averted = baseline - burden. Progress counts the range's
 * subsets; the message is on the scenario. Since 1.3.
 *
 * @param[out] subset   Set to the best's number, or HSEC_SUBSET_NONE when
 *                      none of the range is within the budget.
 * @param[out] burden   Set to its propagated burden, or NULL.
 * @param[out] cost     Set to its cost, or NULL.
 * @param[out] baseline Set to the no-measure run's propagated burden, or
 *                      NULL (not wanted).
 * @param s             The scenario; its message names a failure.
 * @param budget        The budget, >= 0.
 * @param candidates    count bytes, nonzero for a candidate, or NULL
 *                      (every measure).
 * @param count         measure_count.
 * @param first         First subset number searched.
 * @param last          One past the last, <= 2^candidates.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a bad budget, count
 *         or range, or too many candidates; the codes of the runs
 *         (HSEC_ENOCONV, HSEC_ECANCELED, HSEC_ELIMIT, HSEC_ENOMEM).
 */
HSEC_API int hsec_scenario_optimize_range(uint64_t *subset, double *burden, double *cost,
                                          double *baseline, hsec_scenario *s, double budget,
                                          const unsigned char *candidates, size_t count,
                                          uint64_t first, uint64_t last);
/**
 * The best of several ranges' results (since 1.3).
 *
 * The best of `count` ranges' results (subsets[i], burdens[i], costs[i]
 * from hsec_scenario_optimize_range; HSEC_SUBSET_NONE entries skipped),
 * in any order: *subset, *burden, *cost (either of the last two may be
 * NULL) as one search over their union gives; HSEC_SUBSET_NONE when every
 * entry is. Two entries of one subset number (overlapping ranges) are
 * refused. Messages in hsec_last_errmsg. Thread-safe.
 *
 * @param[out] subset Set to the best subset number, or HSEC_SUBSET_NONE.
 * @param[out] burden Set to its burden, or NULL.
 * @param[out] cost   Set to its cost, or NULL.
 * @param subsets     count subset numbers.
 * @param burdens     count burdens.
 * @param costs       count costs.
 * @param count       Number of ranges' results.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or entries that
 *         contradict each other.
 */
HSEC_API int hsec_optimize_merge(uint64_t *subset, double *burden, double *cost,
                                 const uint64_t *subsets, const double *burdens,
                                 const double *costs, size_t count);
/**
 * The measures of subset number `subset` of the candidates (since 1.3).
 *
 * chosen (count
 * = measure_count bytes) gets 1 for each, as hsec_scenario_optimize's
 * `chosen`. Messages in hsec_last_errmsg.
 *
 * @param[out] chosen count bytes.
 * @param count       measure_count.
 * @param s           The scenario.
 * @param candidates  count bytes, nonzero for a candidate, or NULL (every
 *                    measure).
 * @param subset      The subset number.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count, too
 *         many candidates or a subset number out of range.
 */
HSEC_API int hsec_scenario_optimize_subset(unsigned char *chosen, size_t count,
                                           const hsec_scenario *s,
                                           const unsigned char *candidates, uint64_t subset);

/* ------------------------------------------------------------ uncertainty */

/** Parameters an ensemble draws. */
typedef enum hsec_uncertain {
    HSEC_UNCERTAIN_WEIGHTS = 0,    /**< every link weight */
    HSEC_UNCERTAIN_MAGNITUDES = 1, /**< every threat target's magnitude */
    HSEC_UNCERTAIN_RECOVERY = 2    /**< every node's recovery rate */
} hsec_uncertain;
/** Number of hsec_uncertain values. */
#define HSEC_UNCERTAIN_COUNT 3

/**
 * Make a kind of parameter uncertain.
 *
 * Make a kind of parameter uncertain: each one (each link, each threat
 * target, each node) is multiplied, in each member, by its own factor drawn
 * from the triangular distribution (low, mode, high), 0 <= low <= mode <=
 * high, finite; the product is clamped to the parameter's range ([0,1],
 * recovery rates (0,1]). (1, 1, 1), the default, keeps it fixed.
 *
 * @param s    The scenario; its message names a failure.
 * @param what The kind of parameter.
 * @param low  Lowest factor, >= 0.
 * @param mode Most likely factor, low <= mode.
 * @param high Highest factor, mode <= high, finite.
 * @return HSEC_OK; HSEC_EINVAL for an unknown kind or a range that is not
 *         as above.
 */
HSEC_API int hsec_scenario_set_uncertainty(hsec_scenario *s, hsec_uncertain what, double low,
                                           double mode, double high);
/**
 * The triangular range of a kind of parameter; any out-parameter may be NULL.
 *
 * @param[out] low  Set to the lowest factor, or NULL.
 * @param[out] mode Set to the most likely factor, or NULL.
 * @param[out] high Set to the highest factor, or NULL.
 * @param s         The scenario.
 * @param what      The kind of parameter.
 * @return HSEC_OK; HSEC_EINVAL for a NULL scenario or an unknown kind.
 */
HSEC_API int hsec_scenario_get_uncertainty(double *low, double *mode, double *high,
                                           const hsec_scenario *s, hsec_uncertain what);

/**
 * Set the quantiles an ensemble reports.
 *
 * The quantiles an ensemble reports (count 1 .. 32 values in [0,1];
 * default 0.05, 0.5, 0.95), copied.
 *
 * @param s     The scenario; its message names a failure.
 * @param qs    count values in [0,1], copied.
 * @param count 1 .. 32.
 * @return HSEC_OK; HSEC_EINVAL for a NULL array, a count or a value out of
 *         range.
 */
HSEC_API int hsec_scenario_set_quantiles(hsec_scenario *s, const double *qs, size_t count);
/**
 * The quantiles an ensemble reports.
 *
 * @param s          The scenario.
 * @param[out] count Receives their number.
 * @return The quantiles, borrowed: valid until the next
 *         hsec_scenario_set_quantiles on s or its free.
 */
HSEC_API const double *hsec_scenario_quantiles(const hsec_scenario *s, size_t *count);

/** An ensemble: the figures of many runs with drawn parameters;
 *  read-only once made, so it may be shared by threads. */
typedef struct hsec_ensemble hsec_ensemble;

/**
 * Run an ensemble of the scenario.
 *
 * Run HSEC_OPT_MEMBERS members of the scenario, each with its own draws,
 * on HSEC_OPT_THREADS threads (0: one per processor), with the measures of
 * mask in force (mask_len = measure_count bytes; NULL: all). A member's
 * draws depend only on the seed (HSEC_OPT_SEED), the member's number and
 * the parameter, so the results are bit-identical whatever the thread
 * count. Progress counts members. An ensemble is read-only: calls on it
 * that fail leave their message in hsec_last_errmsg. Free *out with
 * hsec_ensemble_free.
 *
 * @param[out] out Set to the ensemble, owned by the caller; NULL on
 *                 failure.
 * @param s        The scenario; its message names a failure.
 * @param mask     The measures in force, or NULL (all).
 * @param mask_len measure_count when mask is given.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong mask_len or
 *         options that do not fit; the codes of the runs (HSEC_ENOCONV,
 *         HSEC_ECANCELED, HSEC_ELIMIT, HSEC_ENOMEM).
 */
HSEC_API int hsec_scenario_ensemble(hsec_ensemble **out, hsec_scenario *s,
                                    const unsigned char *mask, size_t mask_len);
/**
 * Free an ensemble.
 *
 * @param e The ensemble; NULL does nothing.
 */
HSEC_API void hsec_ensemble_free(hsec_ensemble *e);
/**
 * Number of members the ensemble holds.
 *
 * @param e The ensemble.
 * @return The member count (last - first for a part).
 */
HSEC_API uint64_t hsec_ensemble_members(const hsec_ensemble *e);
/**
 * The measures the ensemble's members had in force.
 *
 * The measures the ensemble's members had in force: mask (count = the
 * scenario's measure count when it ran) gets 1 for each, 0 for the others.
 *
 * @param[out] mask count bytes.
 * @param count     The scenario's measure count when it ran.
 * @param e         The ensemble.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_ensemble_measures(unsigned char *mask, size_t count, const hsec_ensemble *e);

/** What an ensemble keeps of each member. */
typedef enum hsec_quantity {
    HSEC_QTY_BURDEN = 0,     /**< index: an hsec_burden part; sub: its index */
    HSEC_QTY_GROUP_PEAK = 1, /**< index: group; the vital-core index at its peak */
    HSEC_QTY_GROUP_LAST = 2, /**< index: group; at the last step */
    HSEC_QTY_RECORDED = 3    /**< index: node (recorded); its final q */
} hsec_quantity;

/**
 * The q-quantile of a quantity across the members.
 *
 * The q-quantile (q in [0,1]; 0.05, 0.5, 0.95 for p5, p50, p95) of a
 * quantity across the members, by linear interpolation between order
 * statistics (h = (members - 1) q).
 *
 * @param[out] out Set to the quantile.
 * @param e        The ensemble (not an empty part).
 * @param what     The quantity.
 * @param index    Its index (see hsec_quantity).
 * @param sub      Its sub-index (HSEC_QTY_BURDEN only).
 * @param q        In [0,1].
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, q out of range, a
 *         quantity not kept or an empty part; HSEC_ENOMEM (message in
 *         hsec_last_errmsg).
 */
HSEC_API int hsec_ensemble_quantile(double *out, const hsec_ensemble *e, hsec_quantity what,
                                    size_t index, size_t sub, double q);
/**
 * The member values of a quantity, in member order.
 *
 * The member values of that quantity, in member order: members values
 * into out (count must equal hsec_ensemble_members).
 *
 * @param[out] out count values.
 * @param count    hsec_ensemble_members(e).
 * @param e        The ensemble.
 * @param what     The quantity.
 * @param index    Its index (see hsec_quantity).
 * @param sub      Its sub-index (HSEC_QTY_BURDEN only).
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count or a
 *         quantity not kept (message in hsec_last_errmsg).
 */
HSEC_API int hsec_ensemble_values(double *out, size_t count, const hsec_ensemble *e,
                                  hsec_quantity what, size_t index, size_t sub);

/**
 * Run a range of an ensemble's members (since 1.3).
 *
 * Ensembles in ranges of members (doc/distributed.md): any number of
 * workers, in threads, processes or machines, each run some members, and
 * their parts merge into the ensemble that hsec_scenario_ensemble gives,
 * bit for bit, however the members were split.
 *
 * hsec_scenario_ensemble_range runs members first .. last - 1 of the
 * scenario's HSEC_OPT_MEMBERS (0 <= first <= last <= members; first ==
 * last gives an empty part), as hsec_scenario_ensemble would, with the
 * measures of mask in force (as there). Progress counts the range's
 * members; the message is on the scenario. Free *out with
 * hsec_ensemble_free; hsec_ensemble_members gives last - first, and
 * hsec_ensemble_quantile refuses an empty part. Since 1.3.
 *
 * @param[out] out Set to the part, owned by the caller; NULL on failure.
 * @param s        The scenario; its message names a failure.
 * @param mask     The measures in force, or NULL (all).
 * @param mask_len measure_count when mask is given.
 * @param first    First member run.
 * @param last     One past the last, <= HSEC_OPT_MEMBERS.
 * @return As hsec_scenario_ensemble; HSEC_EINVAL also for a bad range.
 */
HSEC_API int hsec_scenario_ensemble_range(hsec_ensemble **out, hsec_scenario *s,
                                          const unsigned char *mask, size_t mask_len,
                                          uint64_t first, uint64_t last);
/**
 * The members an ensemble holds (since 1.3).
 *
 * The members an ensemble holds, first .. last - 1, of total (the
 * scenario's HSEC_OPT_MEMBERS when it ran); any out-parameter may be NULL.
 * A whole ensemble holds 0 .. total - 1.
 *
 * @param[out] first Set to the first member, or NULL.
 * @param[out] last  Set to one past the last, or NULL.
 * @param[out] total Set to the ensemble's member count, or NULL.
 * @param e          The ensemble.
 * @return HSEC_OK; HSEC_EINVAL for a NULL ensemble.
 */
HSEC_API int hsec_ensemble_range(uint64_t *first, uint64_t *last, uint64_t *total,
                                 const hsec_ensemble *e);
/**
 * Merge ensemble parts into one ensemble (since 1.3).
 *
 * One ensemble from parts of one ensemble (the same scenario shape, seed,
 * uncertainty ranges, member count and measures in force), given in any
 * order, which together hold every member 0 .. total - 1 exactly once
 * (empty parts may lie anywhere): its values and quantiles are those of
 * hsec_scenario_ensemble, bit for bit. Overlapping parts, missing members
 * and parts of another ensemble are refused with HSEC_EINVAL, the message
 * (hsec_last_errmsg) naming the parts and members. The parts stay the
 * caller's; free *out with hsec_ensemble_free. Since 1.3.
 *
 * @param[out] out Set to the merged ensemble, owned by the caller; NULL
 *                 on failure.
 * @param parts    count parts, borrowed for the call.
 * @param count    Number of parts, >= 1.
 * @return HSEC_OK; HSEC_EINVAL as above or for NULL arguments;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_ensemble_merge(hsec_ensemble **out, hsec_ensemble *const *parts,
                                 size_t count);
/**
 * Values per member of an ensemble's raw table (since 1.3).
 *
 * The raw figures of an ensemble, for writers of its files (the document
 * layer's hsec_doc_ensemble_save): hsec_ensemble_width values per member,
 * in an order of this library's own (doc/distributed.md); the table holds
 * members x width values, member major (count must be that). And an
 * ensemble of members first .. last - 1 of the scenario, with the measures
 * of mask in force (mask_len = measure_count bytes; NULL: all), from such
 * a table (count = (last - first) x the width an ensemble of s has),
 * copied; HSEC_ELIMIT when the table exceeds the scenario's memory limit.
 * Messages in hsec_last_errmsg. Since 1.3.
 *
 * @param e The ensemble.
 * @return Values per member (0 for NULL).
 */
HSEC_API size_t hsec_ensemble_width(const hsec_ensemble *e);
/**
 * Copy an ensemble's raw table out (since 1.3; see hsec_ensemble_width).
 *
 * @param[out] out count values, member major.
 * @param count    hsec_ensemble_members(e) x hsec_ensemble_width(e).
 * @param e        The ensemble.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_ensemble_table(double *out, size_t count, const hsec_ensemble *e);
/**
 * An ensemble of members first .. last - 1 from a raw table (since 1.3;
 * see hsec_ensemble_width).
 *
 * @param[out] out Set to the ensemble, owned by the caller (free with
 *                 hsec_ensemble_free); NULL on failure.
 * @param s        The scenario the table's members ran on.
 * @param mask     The measures in force, or NULL (all).
 * @param mask_len measure_count when mask is given.
 * @param first    First member.
 * @param last     One past the last.
 * @param table    count values, copied.
 * @param count    (last - first) x the width an ensemble of s has.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong mask_len,
 *         range or count; HSEC_ELIMIT when the table exceeds the
 *         scenario's memory limit; HSEC_ENOMEM (messages in
 *         hsec_last_errmsg).
 */
HSEC_API int hsec_scenario_ensemble_from_table(hsec_ensemble **out, const hsec_scenario *s,
                                               const unsigned char *mask, size_t mask_len,
                                               uint64_t first, uint64_t last,
                                               const double *table, size_t count);

/**
 * Link weight from an ordinal consequence score C.
 *
 * Link weight from an ordinal consequence score C: a = alpha * C^beta,
 * refused unless it lands in [0,1]. Thread-safe.
 *
 * @param[out] out Set to the weight.
 * @param score    The score C.
 * @param alpha    The fit's alpha.
 * @param beta     The fit's beta.
 * @return HSEC_OK; HSEC_EINVAL for a NULL out, a value not finite or a
 *         weight outside [0,1] (message in hsec_last_errmsg).
 */
HSEC_API int hsec_weight_from_score(double *out, double score, double alpha, double beta);
/**
 * Link weight from a score on a published scale.
 *
 * The published fits: points = 5 (alpha 0.008, beta 2.5693) or 4 (alpha
 * 0.01, beta 2.8219); score in [0, points]. Thread-safe.
 *
 * @param[out] out Set to the weight.
 * @param score    The score, in [0, points].
 * @param points   5 or 4.
 * @return HSEC_OK; HSEC_EINVAL for a NULL out, another scale or a score
 *         out of range (message in hsec_last_errmsg).
 */
HSEC_API int hsec_weight_from_scale(double *out, double score, int points);
/**
 * Recovery rate of a recovery time.
 *
 * Recovery rate of a recovery time tau (steps to fall to the fraction
 * lambda of a disturbance): k = min(1, -ln(lambda) / (tau (1 - a_ii))),
 * a_ii the self-link weight (1 when a_ii = 1). Thread-safe.
 *
 * @param[out] out   Set to the rate k.
 * @param tau        The recovery time in steps, > 0.
 * @param lambda     The fraction, in (0,1).
 * @param self_weight The self-link weight a_ii, in [0,1].
 * @return HSEC_OK; HSEC_EINVAL for a NULL out or a value out of range
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_recovery_rate(double *out, double tau, double lambda, double self_weight);

/* ----------------------------------------------------------------- result */

/* A result is read-only and may be shared by threads: calls on it that
 * fail leave their message in hsec_last_errmsg. */

/**
 * Free a result and release its reference to its compiled model.
 *
 * @param r The result; NULL does nothing.
 */
HSEC_API void hsec_result_free(hsec_result *r);
/**
 * The mode the run was made in.
 *
 * @param r The result.
 * @return HSEC_MODE_STATIC or HSEC_MODE_DYNAMIC; -1 for NULL.
 */
HSEC_API int hsec_result_mode(const hsec_result *r);
/**
 * Steps run (dynamic) or iterations used (static bounded; 0 for linear).
 *
 * @param r The result.
 * @return The steps or iterations; 0 for NULL.
 */
HSEC_API uint64_t hsec_result_steps(const hsec_result *r);
/**
 * Number of nodes of the run.
 *
 * @param r The result.
 * @return The node count; 0 for NULL.
 */
HSEC_API size_t hsec_result_node_count(const hsec_result *r);
/**
 * Groups the run reported on (those of its scenario when it ran).
 *
 * @param r The result.
 * @return The group count; 0 for NULL.
 */
HSEC_API size_t hsec_result_group_count(const hsec_result *r);
/**
 * Threats the run reported on (those of its scenario when it ran).
 *
 * @param r The result.
 * @return The threat count; 0 for NULL.
 */
HSEC_API size_t hsec_result_threat_count(const hsec_result *r);
/**
 * Every node's q: the equilibrium (static) or the last step (dynamic).
 *
 * @param r The result.
 * @return node_count values, borrowed (live as long as r); NULL for NULL.
 */
HSEC_API const double *hsec_result_q(const hsec_result *r);
/**
 * Every node's split of q into orders 1, 2, 3, 4+.
 *
 * @param r The result.
 * @return node_count * HSEC_ORDER_COUNT values, node-major, borrowed
 *         (live as long as r); NULL for NULL.
 */
HSEC_API const double *hsec_result_orders(const hsec_result *r);
/**
 * Series q(0) .. q(steps) of a recorded node (dynamic).
 *
 * @param[out] values Set to the series, borrowed (lives as long as r);
 *                    NULL on failure.
 * @param[out] len    Set to steps + 1; 0 on failure.
 * @param r           The result.
 * @param node        The node's index.
 * @return HSEC_OK; HSEC_ENOTFOUND when the node was not recorded (or the
 *         run was static); HSEC_EINVAL for a NULL argument.
 */
HSEC_API int hsec_result_series(const double **values, size_t *len, const hsec_result *r,
                                size_t node);

/** When group figures are read: at the last step, or at the step where the
 *  group's vital-core index H peaks (the first such step). Static: both are
 *  the equilibrium. */
typedef enum hsec_at {
    HSEC_AT_LAST = 0, /**< at the last step */
    HSEC_AT_PEAK = 1  /**< at the first step where the group's index H peaks */
} hsec_at;

/**
 * A group's figures.
 *
 * Step, vital-core index H and the reported insecurity y of a group's
 * dimensions (y_count = HSEC_DIM_COUNT values); any out-parameter may be
 * NULL (y_count is then ignored).
 *
 * @param[out] step  Set to the step, or NULL.
 * @param[out] index Set to the vital-core index H, or NULL.
 * @param[out] y     y_count values, or NULL.
 * @param y_count    HSEC_DIM_COUNT when y is given.
 * @param r          The result.
 * @param group      The group's index.
 * @param at         When.
 * @return HSEC_OK; HSEC_EINVAL for a NULL result, a group out of range, a
 *         bad `at` or a wrong y_count.
 */
HSEC_API int hsec_result_group(uint64_t *step, double *index, double *y, size_t y_count,
                               const hsec_result *r, size_t group, hsec_at at);
/**
 * A group's propagated part split into orders.
 *
 * The propagated part p = y - baseline of each dimension split into orders
 * 1, 2, 3, 4+: count = HSEC_DIM_COUNT * HSEC_ORDER_COUNT values,
 * dimension-major.
 *
 * @param[out] p  count values.
 * @param count   HSEC_DIM_COUNT * HSEC_ORDER_COUNT.
 * @param r       The result.
 * @param group   The group's index.
 * @param at      When.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a group out of range,
 *         a bad `at` or a wrong count.
 */
HSEC_API int hsec_result_group_orders(double *p, size_t count, const hsec_result *r,
                                      size_t group, hsec_at at);

/**
 * The freedom indices of a group.
 *
 * The freedom indices of a group (count = HSEC_FREEDOM_COUNT values),
 * means of y: [0] freedom from fear (personal, community, political), [1]
 * freedom from want (economic, food, health, environmental), [2] freedom to
 * live in dignity (political, community). Higher is less free.
 *
 * @param[out] out count values.
 * @param count    HSEC_FREEDOM_COUNT.
 * @param r        The result.
 * @param group    The group's index.
 * @param at       When.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a group out of range,
 *         a bad `at` or a wrong count.
 */
HSEC_API int hsec_result_group_freedoms(double *out, size_t count, const hsec_result *r,
                                        size_t group, hsec_at at);

/**
 * Early warning (dynamic).
 *
 * *step is the first step at which dimension d of
 * the group reaches crisis (y >= 0.4) or worse, or -1 when it never does;
 * *lead is that step minus the earliest threat start (the step itself when
 * there is no threat), or 0 when never. Either pointer may be NULL.
 *
 * @param[out] step Set to the first step in crisis or worse, or -1; or
 *                  NULL.
 * @param[out] lead Set to the lead time, or NULL.
 * @param r         The result.
 * @param group     The group's index.
 * @param d         The dimension.
 * @return HSEC_OK; HSEC_EINVAL for a NULL result, a group out of range or
 *         an unknown dimension.
 */
HSEC_API int hsec_result_warning(int64_t *step, int64_t *lead, const hsec_result *r,
                                 size_t group, hsec_dimension d);

/**
 * A threat's share of a group's insecurity.
 *
 * Share of a group's propagated vital-core index at its peak that one
 * threat causes, and whether that makes the threat critical for the group
 * (share >= HSEC_OPT_CRITICAL_SHARE). Either pointer may be NULL.
 *
 * @param[out] share    Set to the share, or NULL.
 * @param[out] critical Set to 1 when critical, 0 otherwise; or NULL.
 * @param r             The result.
 * @param group         The group's index.
 * @param threat        The threat's index.
 * @return HSEC_OK; HSEC_EINVAL for a NULL result, a group or a threat out
 *         of range.
 */
HSEC_API int hsec_result_threat_share(double *share, int *critical, const hsec_result *r,
                                      size_t group, size_t threat);
/**
 * Whether a threat is pervasive.
 *
 * The share of the population living in groups for which the threat is
 * critical, and whether that makes it pervasive (>= HSEC_OPT_PERVASIVE_SHARE).
 *
 * @param[out] population_share Set to the share, or NULL.
 * @param[out] pervasive        Set to 1 when pervasive, 0 otherwise; or
 *                              NULL.
 * @param r                     The result.
 * @param threat                The threat's index.
 * @return HSEC_OK; HSEC_EINVAL for a NULL result or a threat out of
 *         range.
 */
HSEC_API int hsec_result_pervasive(double *population_share, int *pervasive,
                                   const hsec_result *r, size_t threat);

/**
 * Alkire-Foster counting of the population in multidimensional insecurity.
 *
 * Alkire-Foster counting (as in UNDP's multidimensional poverty index): a
 * group is deprived in a dimension when y >= z (HSEC_OPT_AF_CUTOFF); its
 * score is the sum of its weights over deprived dimensions; it is insecure
 * when score >= k (HSEC_OPT_AF_K). out[0] H, the share of people in
 * insecure groups; out[1] A, their mean score (population-weighted); out[2]
 * M0 = H x A (count = HSEC_AF_COUNT values). At HSEC_AT_PEAK each group
 * counts at its own peak.
 *
 * @param[out] out count values: H, A, M0.
 * @param count    HSEC_AF_COUNT.
 * @param r        The result.
 * @param at       When.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a bad `at` or a wrong
 *         count.
 */
HSEC_API int hsec_result_multidimensional(double *out, size_t count, const hsec_result *r,
                                          hsec_at at);
/**
 * A group's Alkire-Foster score, and whether it is insecure. Either pointer may be NULL.
 *
 * @param[out] score    Set to the weighted deprivation score, or NULL.
 * @param[out] insecure Set to 1 when score >= k, 0 otherwise; or NULL.
 * @param r             The result.
 * @param group         The group's index.
 * @param at            When.
 * @return HSEC_OK; HSEC_EINVAL for a NULL result, a group out of range or
 *         a bad `at`.
 */
HSEC_API int hsec_result_group_score(double *score, int *insecure, const hsec_result *r,
                                     size_t group, hsec_at at);

/** Parts of the burden: person-steps (dynamic) or persons (static). */
typedef enum hsec_burden {
    HSEC_BURDEN_TOTAL = 0,      /**< the total burden; index ignored */
    HSEC_BURDEN_BASELINE = 1,   /**< the baseline (chronic) part; index ignored */
    HSEC_BURDEN_PROPAGATED = 2, /**< the propagated part; index ignored */
    HSEC_BURDEN_BAND = 3,       /**< index 0 short, 1 medium, 2 long (dynamic) */
    HSEC_BURDEN_ORDER = 4,      /**< index 0..3: orders 1, 2, 3, 4+ */
    HSEC_BURDEN_THREAT = 5,     /**< index: threat of the scenario */
    HSEC_BURDEN_ACTOR = 6,      /**< index: hsec_threat_actor */
    HSEC_BURDEN_REGION = 7,     /**< index: region holding the group */
    HSEC_BURDEN_INITIAL = 8,    /**< from initial degradation (dynamic); index ignored */
    HSEC_BURDEN_GROUP = 9,      /**< index: group */
    /* since 1.3: */
    HSEC_BURDEN_TOPIC = 10,     /**< index: topic bit position 0..4, or HSEC_TOPIC_COUNT for
                                   threats without a topic; the propagated parts of its
                                   threats (topics overlap: they do not add up); since 1.3 */
    HSEC_BURDEN_FLAG = 11,      /**< index: flag bit position 0..7, or HSEC_FLAG_COUNT for the
                                   whole population; the burden of the groups carrying it;
                                   since 1.3 */
    HSEC_BURDEN_FLAG_PROPAGATED = 12 /**< the same, its propagated part; since 1.3 */
} hsec_burden;

/**
 * A part of a run's burden.
 *
 * @param[out] out Set to the part of the burden: person-steps (dynamic)
 *                 or persons (static).
 * @param r        The result.
 * @param part     The part.
 * @param index    Its index, as hsec_burden says (ignored for some parts).
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, an unknown part or an
 *         index out of range (message in hsec_last_errmsg).
 */
HSEC_API int hsec_result_burden(double *out, const hsec_result *r, hsec_burden part,
                                size_t index);

/** Values of hsec_result_impact: burden, propagated part, people, burden
 *  per person, ratio to the whole population's. */
#define HSEC_IMPACT_COUNT 5
/**
 * Differentiated impacts of a vulnerability flag (since 1.3).
 *
 * Differentiated impacts (doc/model.md §5): for the groups carrying a
 * vulnerability flag (index: its bit position 0..7; HSEC_FLAG_COUNT: the
 * whole population), out[0] their burden, out[1] its propagated part,
 * out[2] their people (sum of sizes), out[3] the burden per person (NaN
 * when they number 0), out[4] the ratio of that to the whole population's
 * burden per person (NaN when either is undefined or the population's is
 * 0); count = HSEC_IMPACT_COUNT values. A group counts under each of its
 * flags. Since 1.3.
 *
 * @param[out] out count values.
 * @param count    HSEC_IMPACT_COUNT.
 * @param r        The result.
 * @param index    A flag's bit position 0..7, or HSEC_FLAG_COUNT.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count or an
 *         index out of range (message in hsec_last_errmsg).
 */
HSEC_API int hsec_result_impact(double *out, size_t count, const hsec_result *r,
                                size_t index);

/* -------------------------------------------------------------- documents */

/** Encodings of a document (doc/format.md). */
typedef enum hsec_format {
    HSEC_FORMAT_JSON = 0,          /**< JSON text */
    HSEC_FORMAT_CBOR = 1,          /**< deterministic CBOR, series as RFC 8746 typed arrays */
    HSEC_FORMAT_CONTAINER = 2,     /**< the container: header, CRC-32, CBOR stored */
    HSEC_FORMAT_CONTAINER_ZLIB = 3 /**< the container with the CBOR zlib-compressed */
} hsec_format;
/** Number of hsec_format values. */
#define HSEC_FORMAT_COUNT 4

/* A loader's limits: hsec_limit, with the model's and the scenario's, above. */

/**
 * A document loader, mutable; used by one thread at a time.
 *
 * A loader reads documents in any encoding (detected: the container's
 * magic, a CBOR map, or JSON), checking everything against its limits
 * before anything is built, and keeps the message of its last failure.
 * `alloc` may be NULL; scenarios it loads use it. Free with
 * hsec_loader_free.
 */
typedef struct hsec_loader hsec_loader;
/**
 * Create a loader with the default limits.
 *
 * @param[out] out Set to the loader, owned by the caller (free with
 *                 hsec_loader_free); NULL on failure.
 * @param alloc    The allocator, copied; NULL for malloc/realloc/free.
 *                 Scenarios it loads use it.
 * @return HSEC_OK; HSEC_EINVAL for a NULL out or an allocator that is not
 *         valid; HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_loader_new(hsec_loader **out, const hsec_allocator *alloc);
/**
 * Free a loader. Scenarios it loaded stay valid.
 *
 * @param l The loader; NULL does nothing.
 */
HSEC_API void hsec_loader_free(hsec_loader *l);
/**
 * Detailed message of the last failure on l.
 *
 * @param l The loader.
 * @return The message ("" when none); borrowed, valid until the next call
 *         on l.
 */
HSEC_API const char *hsec_loader_errmsg(const hsec_loader *l);
/**
 * Set one of the loader's limits (see hsec_limit).
 *
 * @param l     The loader; its message names a failure.
 * @param what  The limit.
 * @param value Its value, > 0.
 * @return HSEC_OK; HSEC_EINVAL for an unknown limit or 0.
 */
HSEC_API int hsec_loader_set_limit(hsec_loader *l, hsec_limit what, uint64_t value);
/**
 * Get one of the loader's limits.
 *
 * @param[out] out Set to the limit (its default until set).
 * @param l        The loader.
 * @param what     The limit.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or an unknown limit
 *         (message in hsec_last_errmsg).
 */
HSEC_API int hsec_loader_get_limit(uint64_t *out, const hsec_loader *l, hsec_limit what);
/**
 * A scenario from a document in memory.
 *
 * @param[out] out Set to the scenario, owned by the caller (free with
 *                 hsec_scenario_free); NULL on failure.
 * @param l        The loader; its message names a failure.
 * @param data     The document, any encoding, borrowed for the call.
 * @param len      Its length in bytes.
 * @return HSEC_OK; HSEC_EFORMAT for a malformed document; HSEC_ELIMIT
 *         beyond a limit; the codes of the builder calls (HSEC_EINVAL,
 *         HSEC_ENOTFOUND, HSEC_EEXIST); HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_load(hsec_scenario **out, hsec_loader *l, const void *data,
                              size_t len);
/**
 * A scenario from a document in a file.
 *
 * @param[out] out Set to the scenario, owned by the caller (free with
 *                 hsec_scenario_free); NULL on failure.
 * @param l        The loader; its message names a failure and the file.
 * @param path     The file, any encoding.
 * @return As hsec_loader_load; HSEC_EIO when the file cannot be read;
 *         HSEC_EINVAL for a NULL argument.
 */
HSEC_API int hsec_loader_load_file(hsec_scenario **out, hsec_loader *l, const char *path);
/**
 * Re-encode a document file.
 *
 * Re-encode a document file (a scenario or results) as `to`, decoding it
 * under the loader's limits; the output file is replaced atomically.
 *
 * @param l   The loader; its message names a failure.
 * @param in  The input file.
 * @param out The output file (see hsec_write_file).
 * @param to  The encoding to write.
 * @return HSEC_OK; HSEC_EIO; HSEC_EFORMAT; HSEC_ELIMIT; HSEC_EINVAL;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_convert_file(hsec_loader *l, const char *in, const char *out,
                                      hsec_format to);
/**
 * A document file as JSON text (since 1.3).
 *
 * The document in the file `path` (any encoding: a scenario, results or
 * another document), decoded under the loader's limits, as JSON text
 * (doubles read back bit for bit; free with hsec_free_string); a failure's
 * message is on the loader. A program shows a saved results document
 * with it, without the scenario.
 *
 * @param[out] out Set to the NUL-terminated text, owned by the caller
 *                 (free with hsec_free_string); NULL on failure.
 * @param[out] len Set to its length.
 * @param l        The loader.
 * @param path     The file.
 * @return HSEC_OK; HSEC_EIO; HSEC_EFORMAT; HSEC_ELIMIT; HSEC_EINVAL;
 *         HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_read_json(char **out, size_t *len, hsec_loader *l, const char *path);

/**
 * Merge scenario document files into one (since 1.3).
 *
 * One scenario document from the `count` files `inputs` (any encoding,
 * each read under the loader's limits), written to `out` as `to`
 * (doc/format.md, "Merging"): the lists concatenated in the order of the
 * files, an id of one kind or a link from -> to given twice refused
 * (HSEC_EEXIST, naming it and both files) unless both are identical (then
 * kept once, where it first appeared), templates united, and each of
 * name, packages, run, uncertainty and an extension key taken from one
 * file at most. The merged document must load; it is written atomically,
 * and on any failure nothing is written. The message is on the loader
 * (hsec_loader_errmsg). The caller keeps every argument. Since 1.3.
 *
 * @param l      The loader; its message names a failure.
 * @param inputs count file names.
 * @param count  Number of files.
 * @param out    The file to write.
 * @param to     The encoding to write.
 * @return HSEC_OK; HSEC_EEXIST as above; HSEC_EIO; HSEC_EFORMAT;
 *         HSEC_ELIMIT; the codes of loading (HSEC_EINVAL,
 *         HSEC_ENOTFOUND); HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_merge_files(hsec_loader *l, const char *const *inputs, size_t count,
                                     const char *out, hsec_format to);

/**
 * A scenario document from CSV tables (since 1.3).
 *
 * A scenario document from CSV tables (RFC 4180; doc/format.md, "CSV
 * tables"): the `count` files `inputs`, file i holding the table
 * `tables[i]` (scenario, regions, groups, services, links, threats,
 * threat_targets, measures, measure_targets, packages), or, when `tables`
 * or tables[i] is NULL, the table its file name says ("d/groups.csv").
 * The document must load; it is written to `out` as `to`, atomically, and
 * on any failure nothing is written. A failure's message (on the loader)
 * names the file, the row (the header is row 1), the column and the value.
 * The caller keeps every argument. Since 1.3.
 *
 * @param l      The loader; its message names a failure.
 * @param inputs count file names.
 * @param tables count table names, or NULL (each from its file's name).
 * @param count  Number of files.
 * @param out    The file to write.
 * @param to     The encoding to write.
 * @return HSEC_OK; HSEC_EFORMAT or HSEC_EINVAL for a table refused;
 *         HSEC_EIO; HSEC_ELIMIT; the codes of loading; HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_import_csv(hsec_loader *l, const char *const *inputs,
                                    const char *const *tables, size_t count, const char *out,
                                    hsec_format to);
/**
 * A scenario document as CSV tables (since 1.3).
 *
 * The scenario document in the file `scenario` (any encoding; it must
 * load) as CSV tables in the directory `dir` (created if missing): one
 * DIR/TABLE.csv per kind of object the document has, and scenario.csv
 * for its settings; importing them gives the same document, every number
 * bit for bit. Every table is made before any is written; each is written
 * atomically. Message on the loader. Since 1.3.
 *
 * @param l        The loader; its message names a failure.
 * @param scenario The scenario document file.
 * @param dir      The directory to write the tables in.
 * @return HSEC_OK; HSEC_EIO; HSEC_EFORMAT; HSEC_ELIMIT; the codes of
 *         loading; HSEC_ENOMEM.
 */
HSEC_API int hsec_loader_export_csv(hsec_loader *l, const char *scenario, const char *dir);

/**
 * Write bytes to a file, atomically.
 *
 * Write len bytes to path. A file (new, or a regular file replaced) is
 * written atomically: a temporary ".NAME.tmp-XXXXXX" created exclusively
 * beside it, flushed to disk, renamed over it. A new file gets 0666 less
 * the umask; a replaced one keeps its permissions and, where the process
 * may set them, its owner and group. A temporary that a crashed save of
 * the same file left (a regular file of this user, so named, that no save
 * holds locked) is removed; nothing else is. A symbolic link is followed
 * and the file it names replaced, the link kept (a dangling one: that file
 * created), except one in a sticky world-writable directory that belongs
 * to neither this user nor the directory's owner. A device or a named pipe
 * is written directly (nothing created, truncated or renamed; a pipe waits
 * for a reader), and /dev/stdout, /dev/stderr, /dev/fd/N name the
 * process's own descriptors. A directory or a socket is refused
 * (HSEC_EIO). On failure a file is untouched, no temporary is left, and
 * hsec_last_errmsg says why.
 *
 * @param path The file.
 * @param data len bytes.
 * @param len  Their number.
 * @return HSEC_OK; HSEC_EIO; HSEC_EINVAL for a NULL argument.
 */
HSEC_API int hsec_write_file(const char *path, const void *data, size_t len);

/**
 * Save the results document of a run.
 *
 * The results document of a run in any encoding, saved atomically
 * (failures: hsec_last_errmsg).
 *
 * @param path   The file (see hsec_write_file).
 * @param r      The result.
 * @param s      The scenario r is a run of.
 * @param format The encoding.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, an unknown format or a
 *         result that is not a run of s; HSEC_EIO; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_save_results(const char *path, const hsec_result *r,
                                   const hsec_scenario *s, hsec_format format);

/**
 * Save the scenario document of a scenario.
 *
 * The scenario document of a scenario, saved atomically in any encoding:
 * its model as compiled (every link explicit, template links included),
 * threats and measures with the nodes and links their targets resolved
 * to, packages, run options and uncertainty. Loading it gives a scenario
 * whose runs agree with this one's; nodes are numbered groups first, then
 * services, as the document lists them. Failures: hsec_last_errmsg.
 *
 * @param path   The file (see hsec_write_file).
 * @param s      The scenario.
 * @param format The encoding.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or an unknown format;
 *         HSEC_EIO; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_save_scenario(const char *path, const hsec_scenario *s,
                                    hsec_format format);
/**
 * Save a scenario as a part to merge with others (since 1.3).
 *
 * The same as a part to merge with others (hsec_loader_merge_files): the
 * scenario document without its settings (run, uncertainty) and without
 * its empty lists, so that another part may carry them.
 *
 * @param path   The file (see hsec_write_file).
 * @param s      The scenario.
 * @param format The encoding.
 * @return As hsec_doc_save_scenario.
 */
HSEC_API int hsec_doc_save_part(const char *path, const hsec_scenario *s, hsec_format format);

/*
 * The documents below are returned as JSON text (doc/format.md), doubles
 * printed so that they read back bit for bit: *out is NUL-terminated, *len
 * its length, allocated through the scenario's allocator; free it with
 * hsec_free_string. Failures leave their message in hsec_last_errmsg.
 */

/**
 * The results document of a run of `s`, as JSON text.
 *
 * @param[out] out Set to the NUL-terminated text, allocated through the
 *                 scenario's allocator (free with hsec_free_string);
 *                 NULL on failure.
 * @param[out] len Set to its length.
 * @param r        The result.
 * @param s        The scenario r is a run of.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a result that is
 *         not a run of s; HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_doc_results_json(char **out, size_t *len, const hsec_result *r,
                                   const hsec_scenario *s);
/**
 * Free a string returned by the hsec_doc_*_json functions (NULL: nothing).
 *
 * It is released through the allocator it was made with.
 *
 * @param str The string, or NULL.
 */
HSEC_API void hsec_free_string(char *str);

/**
 * The ranking document, as JSON text.
 *
 * The ranking document: every node's marginal burden (from
 * hsec_scenario_rank) and its coupling indices (from
 * hsec_scenario_coupling), count = node_count values each, most critical
 * first (hsec_rank_order); the top `top` nodes (0: all).
 *
 * @param[out] out            Set to the text (free with
 *                            hsec_free_string); NULL on failure.
 * @param[out] len            Set to its length.
 * @param marginal            count marginal burdens.
 * @param dependency          count dependency indices.
 * @param influence           count influence indices.
 * @param overall_dependency  count overall dependency indices.
 * @param overall_influence   count overall influence indices.
 * @param count               The node count.
 * @param s                   The scenario they were computed on.
 * @param top                 How many nodes to list; 0: all.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count;
 *         HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_doc_rank_json(char **out, size_t *len, const double *marginal,
                                const double *dependency, const double *influence,
                                const double *overall_dependency,
                                const double *overall_influence, size_t count,
                                const hsec_scenario *s, size_t top);
/**
 * The ranking document of some nodes, with the measures in force.
 *
 * The same, listing only the nodes with a nonzero byte in `nodes` (count
 * bytes; NULL: every node), the top `top` of them (0: all), and naming the
 * measures of mask in force (mask_len = measure_count bytes; NULL: every
 * measure), as the ranks were computed (hsec_scenario_rank_with).
 *
 * @param[out] out            Set to the text (free with
 *                            hsec_free_string); NULL on failure.
 * @param[out] len            Set to its length.
 * @param marginal            count marginal burdens.
 * @param dependency          count dependency indices.
 * @param influence           count influence indices.
 * @param overall_dependency  count overall dependency indices.
 * @param overall_influence   count overall influence indices.
 * @param count               The node count.
 * @param s                   The scenario they were computed on.
 * @param top                 How many nodes to list; 0: all.
 * @param nodes               count bytes, or NULL.
 * @param mask                The measures in force, or NULL.
 * @param mask_len            measure_count when mask is given.
 * @return As hsec_doc_rank_json; HSEC_EINVAL also for a wrong mask_len.
 */
HSEC_API int hsec_doc_rank_json_with(char **out, size_t *len, const double *marginal,
                                     const double *dependency, const double *influence,
                                     const double *overall_dependency,
                                     const double *overall_influence, size_t count,
                                     const hsec_scenario *s, size_t top,
                                     const unsigned char *nodes, const unsigned char *mask,
                                     size_t mask_len);
/**
 * The document of a choice of measures (hsec_scenario_optimize), as JSON text.
 *
 * @param[out] out Set to the text (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length.
 * @param chosen   count bytes, as hsec_scenario_optimize gave them.
 * @param count    measure_count.
 * @param averted  The choice's averted burden.
 * @param cost     The choice's cost.
 * @param budget   The budget it was chosen under.
 * @param s        The scenario.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a wrong count;
 *         HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_doc_choice_json(char **out, size_t *len, const unsigned char *chosen,
                                  size_t count, double averted, double cost, double budget,
                                  const hsec_scenario *s);
/**
 * The ensemble document, as JSON text.
 *
 * The ensemble document: quantiles `qs` (count values in [0,1]) of the
 * burden, the groups' peak and last indices and the recorded nodes.
 *
 * @param[out] out Set to the text (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length.
 * @param e        The ensemble.
 * @param qs       count quantiles in [0,1].
 * @param count    Their number.
 * @param s        The scenario that ran e.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or a quantile out of
 *         range; HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_doc_ensemble_json(char **out, size_t *len, const hsec_ensemble *e,
                                    const double *qs, size_t count, const hsec_scenario *s);
/**
 * An ensemble as bytes to send or store (since 1.3).
 *
 * An ensemble, whole or a part (hsec_scenario_ensemble_range), as bytes
 * to send or store (doc/distributed.md): a CBOR document in the
 * checksummed container, holding the member range, the measures in force,
 * every member's figures bit for bit, and a fingerprint of the scenario
 * document (its model, threats, measures, run and uncertainty settings,
 * the thread counts left out). *out is allocated through the scenario's
 * allocator; free it with hsec_free_bytes. s must be the scenario that
 * ran e. Failures leave their message in hsec_last_errmsg.
 *
 * @param[out] out Set to the bytes (free with hsec_free_bytes); NULL on
 *                 failure.
 * @param[out] len Set to their number; 0 on failure.
 * @param e        The ensemble or part.
 * @param s        The scenario that ran e.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument or an ensemble that
 *         does not fit s; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_ensemble_save(unsigned char **out, size_t *len, const hsec_ensemble *e,
                                    const hsec_scenario *s);
/**
 * An ensemble from bytes of hsec_doc_ensemble_save (since 1.3).
 *
 * hsec_doc_ensemble_load reads such bytes back, checking the container
 * (magic, version, checksums, sizes), the document's version, that its
 * fingerprint is that of s (HSEC_EINVAL otherwise: another scenario,
 * seed, member count or uncertainty), the member range and the sizes, and
 * the table against the scenario's memory limit. Free *out with
 * hsec_ensemble_free. Failures leave their message in hsec_last_errmsg.
 * Since 1.3.
 *
 * @param[out] out Set to the ensemble, owned by the caller; NULL on
 *                 failure.
 * @param s        The scenario the bytes must be of.
 * @param data     len bytes, borrowed for the call.
 * @param len      Their number.
 * @return HSEC_OK; HSEC_EFORMAT for bytes that are not such a document
 *         (container, version, sizes); HSEC_EINVAL for another scenario's
 *         or a NULL argument; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_ensemble_load(hsec_ensemble **out, const hsec_scenario *s,
                                    const void *data, size_t len);
/**
 * Free bytes returned by the hsec_doc_* functions (NULL: nothing). Since 1.3.
 *
 * They are released through the allocator they were made with.
 *
 * @param bytes The bytes, or NULL.
 */
HSEC_API void hsec_free_bytes(unsigned char *bytes);
/**
 * The comparison document, as JSON text.
 *
 * The comparison document of hsec_scenario_compare's results (count of
 * them, the baseline first).
 *
 * @param[out] out Set to the text (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length.
 * @param results  count results, the baseline first.
 * @param count    1 + hsec_scenario_package_count(s).
 * @param s        The scenario they are runs of.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a wrong count or a
 *         result that is not a run of s; HSEC_ENOMEM (message in
 *         hsec_last_errmsg).
 */
HSEC_API int hsec_doc_compare_json(char **out, size_t *len, hsec_result *const *results,
                                   size_t count, const hsec_scenario *s);
/**
 * The comparison document with branch figures (since 1.3).
 *
 * The same with each package's averted burden by branch
 * (hsec_scenario_compare_branches): branches holds (count - 1) x
 * HSEC_BRANCH_COUNT values, package-major (branch_count of them), or is
 * NULL (no branch figures).
 *
 * @param[out] out     Set to the text (free with hsec_free_string); NULL
 *                     on failure.
 * @param[out] len     Set to its length.
 * @param results      count results, the baseline first.
 * @param count        1 + hsec_scenario_package_count(s).
 * @param s            The scenario they are runs of.
 * @param branches     branch_count values, or NULL.
 * @param branch_count (count - 1) x HSEC_BRANCH_COUNT when branches is
 *                     given.
 * @return As hsec_doc_compare_json; HSEC_EINVAL also for a wrong
 *         branch_count.
 */
HSEC_API int hsec_doc_compare_json_with(char **out, size_t *len, hsec_result *const *results,
                                        size_t count, const hsec_scenario *s,
                                        const double *branches, size_t branch_count);
/**
 * A part of a comparison, as bytes (since 1.3).
 *
 * A comparison in parts (doc/distributed.md), for workers that each run
 * some packages: hsec_doc_compare_part_save writes the figures of packages
 * first .. first + count - 1 (results[k] a run of package first + k, as
 * hsec_scenario_compare gives them, and their averted burden by branch,
 * count x HSEC_BRANCH_COUNT values, or NULL) as bytes in the checksummed
 * container with the scenario's fingerprint; free them with
 * hsec_free_bytes. hsec_doc_compare_json_parts writes the comparison
 * document from the baseline's result and such parts, which together must
 * hold every package once and agree on branches given or not: the same
 * bytes as hsec_doc_compare_json_with on the whole runs. Since 1.3.
 * Failures leave their message in hsec_last_errmsg.
 *
 * @param[out] out     Set to the bytes (free with hsec_free_bytes); NULL
 *                     on failure.
 * @param[out] len     Set to their number.
 * @param results      count results, results[k] a run of package
 *                     first + k.
 * @param count        Number of packages in the part.
 * @param first        The first package's index.
 * @param s            The scenario they are runs of.
 * @param branches     branch_count values, or NULL.
 * @param branch_count count x HSEC_BRANCH_COUNT when branches is given.
 * @return HSEC_OK; HSEC_EINVAL for a NULL argument, a range of packages
 *         out of range, a wrong branch_count or a result that is not a
 *         run of s; HSEC_ELIMIT; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_compare_part_save(unsigned char **out, size_t *len,
                                        hsec_result *const *results, size_t count,
                                        size_t first, const hsec_scenario *s,
                                        const double *branches, size_t branch_count);
/**
 * The comparison document from parts (since 1.3).
 *
 * Writes the comparison document from the baseline's result and parts of
 * hsec_doc_compare_part_save, which together must hold every package once
 * and agree on branches given or not: the same bytes as
 * hsec_doc_compare_json_with on the whole runs.
 *
 * @param[out] out Set to the text (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length.
 * @param baseline The baseline's result (out[0] of hsec_scenario_compare).
 * @param parts    nparts parts, borrowed for the call.
 * @param lens     nparts lengths in bytes.
 * @param nparts   Number of parts.
 * @param s        The scenario.
 * @return HSEC_OK; HSEC_EFORMAT for a part that is not such a document;
 *         HSEC_EINVAL for a NULL argument, another scenario's part, parts
 *         that overlap, miss a package or disagree on branches;
 *         HSEC_ELIMIT; HSEC_ENOMEM (message in hsec_last_errmsg).
 */
HSEC_API int hsec_doc_compare_json_parts(char **out, size_t *len, const hsec_result *baseline,
                                         const unsigned char *const *parts, const size_t *lens,
                                         size_t nparts, const hsec_scenario *s);

/*
 * The HTML report (doc/report.md): one self-contained page a planner can
 * read and print at A4 (no script, no network, no file beside it; charts
 * are inline SVG, each with its numbers in a table). Since 1.3.
 */
/** The value hsec_report_options::version must hold. */
#define HSEC_REPORT_OPTIONS_VERSION 1
/**
 * Options of the HTML report (hsec_doc_report_html). Since 1.3.
 *
 * Options, borrowed for the call. version must be
 * HSEC_REPORT_OPTIONS_VERSION, so that the struct can grow; start from
 * HSEC_REPORT_OPTIONS_INIT.
 */
typedef struct hsec_report_options {
    unsigned version;           /**< HSEC_REPORT_OPTIONS_VERSION */
    const char *title;          /**< the page's title (UTF-8); NULL: "Human security report" */
    const unsigned char *mask;  /**< measures in force, mask_len = measure_count bytes, as for
                                   hsec_scenario_run_with; NULL: every measure */
    size_t mask_len; /**< bytes of mask (the scenario's measure count when mask is given) */
    uint64_t ensemble_members;  /**< 0: no uncertainty section; 1 .. 10^9: an ensemble of that
                                   many members with the mask's measures (p5, p50, p95) */
    hsec_progress_fn progress;  /**< called during the report's runs, as set by
                                   hsec_scenario_set_progress; nonzero cancels; NULL: none */
    void *progress_user; /**< passed to progress as its user argument */
} hsec_report_options;
/** An initialiser of hsec_report_options with the defaults. */
#define HSEC_REPORT_OPTIONS_INIT {HSEC_REPORT_OPTIONS_VERSION, NULL, NULL, 0, 0, NULL, NULL}

/**
 * The HTML report of a scenario (since 1.3).
 *
 * The report of a scenario (o may be NULL: the defaults). It runs what it
 * needs on a copy of s (s is not changed, not even its recorded nodes or
 * warnings): the run with the mask's measures, recording the nodes of the
 * groups it draws (the 20 with the largest burden when there are more,
 * the rest summed on the page); runs stopped at up to 48 steps for the
 * burden by order over time; the cascade's strongest paths (with
 * hsec_scenario_operator and the recorded series); the comparison of the
 * packages with their branches, when there are packages; and the
 * ensemble when asked. *out is NUL-terminated HTML, *len its length (len
 * may be NULL), allocated through the scenario's allocator; free it with
 * hsec_free_string. Failures: HSEC_EINVAL (a bad option, named), the codes
 * of the runs (HSEC_ECANCELED, HSEC_ELIMIT, ...) and HSEC_ENOMEM, with
 * the message in hsec_last_errmsg.
 *
 * @param[out] out Set to the HTML (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length, or NULL.
 * @param s        The scenario; not changed.
 * @param o        The options, borrowed for the call, or NULL.
 * @return HSEC_OK or the codes above.
 */
HSEC_API int hsec_doc_report_html(char **out, size_t *len, const hsec_scenario *s,
                                  const hsec_report_options *o);
/**
 * The HTML report of a saved results document (since 1.3).
 *
 * The report of a saved results document (the file at path, in any
 * encoding, read under the loader's limits), without its scenario: the
 * summary, the warnings, the differentiated impacts, the groups (their
 * dimensions over time where the document recorded them) and the burden
 * by order and band; the sections that need the model (the burden by
 * order over time, the vital-core index over time, the cascade, the
 * packages, uncertainty) say on the page that they are left out. title
 * NULL: the path. Allocated with the loader's allocator; free it with
 * hsec_free_string. HSEC_EFORMAT when the file is not a results
 * document; the message is on the loader (hsec_loader_errmsg).
 *
 * @param[out] out Set to the HTML (free with hsec_free_string); NULL on
 *                 failure.
 * @param[out] len Set to its length, or NULL.
 * @param l        The loader; its limits apply and its message names a
 *                 failure.
 * @param path     The results document file.
 * @param title    The page's title (UTF-8), or NULL (the path).
 * @return HSEC_OK; HSEC_EFORMAT when the file is not a results document;
 *         HSEC_EIO; HSEC_ELIMIT; HSEC_EINVAL; HSEC_ENOMEM.
 */
HSEC_API int hsec_doc_report_html_file(char **out, size_t *len, hsec_loader *l,
                                       const char *path, const char *title);

#ifdef __cplusplus
}
#endif

#endif /* HSEC_H */
