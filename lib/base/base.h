/*
 * The base layer: allocation through the caller's allocator, messages
 * (on handles and per thread), ids, maps, and the model's named numbers.
 * Every other layer of the library builds on it; it includes nothing of
 * theirs.
 */
#ifndef HSEC_BASE_H
#define HSEC_BASE_H

#include "hsec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HX_NONE UINT32_MAX
#define HX_ID_MAX 64
#define HX_MAX_STEPS 10000000.0
#define HX_MAX_ORDER 1000000000u /* the largest n of hsec_scenario_interdependency */
#define HX_MAX_NODES ((size_t)UINT32_MAX - 1)

/* The model's numbers, named once (doc/model.md). */
#define HX_PHASE_STRESSED 0.2
#define HX_PHASE_CRISIS 0.4 /* also the early-warning threshold */
#define HX_PHASE_EMERGENCY 0.6
#define HX_PHASE_CATASTROPHE 0.8
#define HX_AF_CUTOFF_DEFAULT HX_PHASE_CRISIS /* Alkire-Foster z: deprived from crisis on */
#define HX_AF_K_DEFAULT (1.0 / 3)             /* Alkire-Foster k, as in the global MPI */
#define HX_AF_SLACK 1e-12        /* a score counts as reaching k within this */
#define HX_CRITICAL_SHARE_DEFAULT 0.4 /* of a group's harm at its peak: a critical threat */
#define HX_MIN_RECOVERY 1e-12    /* a drawn recovery rate stays above this */
#define HX_TOL_BOUNDED 1e-15     /* static bounded: no part moves by more */
#define HX_TOL_LINEAR 1e-12      /* static linear and the solves: residual / max |b| */
#define HX_SPECTRAL_ITERATIONS 2000 /* power iterations to show rho(A') < 1 */
#define HX_MAX_THREADS 256

#if defined(__GNUC__) || defined(__clang__)
#define HX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define HX_INLINE inline __attribute__((always_inline))
#else
#define HX_PRINTF(f, a)
#define HX_INLINE inline
#endif

/* ---- allocation (alloc.c) */
void hx_default_allocator(hsec_allocator *out);
/* The caller's allocator checked (NULL: the default) into *out; false, with
 * the thread's message set, when it is incomplete or of another version. */
bool hx_allocator_of(hsec_allocator *out, const hsec_allocator *given);
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
/* Set the message in buf and the code in a local rc, and go to done. */
#define HX_FAIL_DONE(buf, code, ...)      \
    do {                                  \
        hx_setmsg((buf), __VA_ARGS__);    \
        rc = (code);                      \
        goto done;                        \
    } while (0)
/* Set the message on a handle (err, when not NULL) and this thread's, and
 * return code: for a call on a mutable handle that misses an argument. */
int hx_fail_on(char *err, int code, const char *fmt, ...) HX_PRINTF(3, 4);
/* Set this thread's last message (hsec_last_errmsg) and return code. */
int hx_fail(int code, const char *fmt, ...) HX_PRINTF(2, 3);

/* A getter's arguments: out set, the handle (named `kind` in the message)
 * not NULL, and index i below n; false, with the thread's message naming
 * `what`, when not. */
bool hx_index_ok(const void *out, const void *handle, const char *kind, const char *what,
                 size_t i, size_t n);

/* ---- warnings (diag.c): (code, message) lists, messages owned */
typedef struct hx_diag {
    int code; /* hsec_warning */
    char *msg;
} hx_diag;
typedef struct hx_diags {
    hx_diag *items;
    size_t n, cap;
} hx_diags;
/* Append a warning; HSEC_ENOMEM (the list unchanged) when it cannot. */
int hx_diag_add(const hsec_allocator *a, hx_diags *d, int code, const char *fmt, ...)
    HX_PRINTF(4, 5);
/* Forget every warning (the room stays); free releases the room too. */
void hx_diag_clear(const hsec_allocator *a, hx_diags *d);
void hx_diag_free(const hsec_allocator *a, hx_diags *d);
/* Warning i into the out-parameters (either may be NULL, not both); the
 * thread's message, naming `what`, on failure. */
int hx_diag_get(hsec_warning *code, const char **message, const hx_diags *d, size_t i,
                const char *what);

/* Length of the UTF-8 sequence at s (n bytes left): 1 to 4 for a valid one
 * (RFC 3629: no overlong form, surrogate or code point above U+10FFFF), 0
 * for a byte that starts none, -1 for a valid start that n cuts short
 * (error.c). */
int hx_utf8_len(const unsigned char *s, size_t n);

/* ---- names (names.c) */
/* Is s a valid id: [A-Za-z0-9_:-]{1,64}? */
bool hx_valid_id(const char *s);
/* Text for a name in messages: the name, or "(null)". */
const char *hx_show(const char *s);

/* ---- keyed hashing (siphash.c) */
/* SipHash-1-3 of n bytes under the key (k0, k1). */
uint64_t hx_siphash(uint64_t k0, uint64_t k1, const void *data, size_t n);
/* A key of its own for one table (whose address is given): from the
 * system's entropy, else from what differs between tables and runs. */
void hx_hash_key(uint64_t key[2], const void *table);

/* Steps of the searches whose length an input decides (probes of the maps
 * and sets below, walks over regions, scans of target lists), counted per
 * thread and only ever added to: a test reads the difference to check that
 * doubling an input no more than doubles the work, about. Nothing in the
 * library reads it. */
extern _Thread_local uint64_t hx_steps;

/* Open-addressing map from a string (not copied) to a 32-bit value. Keys
 * are hashed under the map's own key, drawn when it takes its first entry,
 * so ids chosen to collide cannot make long probe chains; since the slots'
 * order then differs from run to run, nothing may be read in slot order.
 * A slot keeps the key's hash (its low half) beside the key: a probe
 * compares strings only where the hashes agree, and growth places keys
 * without hashing them again. */
typedef struct hx_slot {
    const char *key; /* NULL: empty */
    uint32_t val;
    uint32_t hash;
} hx_slot;
typedef struct hx_map {
    hx_slot *slots;
    size_t cap, count;
    uint64_t key[2]; /* the hash key */
} hx_map;
int hx_map_put(const hsec_allocator *a, hx_map *m, const char *key, uint32_t val);
bool hx_map_get(const hx_map *m, const char *key, uint32_t *val);
/* *dst, a copy of src's slots (the keys shared); HSEC_ENOMEM leaves *dst
 * empty. */
int hx_map_copy(const hsec_allocator *a, hx_map *dst, const hx_map *src);
void hx_map_free(const hsec_allocator *a, hx_map *m);

/* Open-addressing set of 64-bit keys (any value but UINT64_MAX), hashed
 * under a key of its own like the map. */
typedef struct hx_set64 {
    uint64_t *keys;
    size_t cap, count;
    uint64_t key[2]; /* the hash key */
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

/* Split "entity.dimension": the entity part into ent (NUL-terminated) and
 * the dimension (or -1 without a dot). False when malformed. */
bool hx_split_node(const char *name, char ent[HX_ID_MAX + 1], int *dim);
/* What a name denotes in a map of ids: the entity's reference and the
 * dimension after a dot (-1 without one). False when the name is malformed
 * or its entity unknown. */
bool hx_lookup(const hx_map *m, const char *name, uint32_t *ref, int *dim);
/* hx_lookup of names[0 .. n - 1] (n at most HX_LOOKUP_BATCH), the result of
 * each in found[k], ref[k] and dim[k]: the slots of them all are asked for
 * before the first is compared, so that their cache misses overlap (a
 * national model's ids do not fit in the cache). */
#define HX_LOOKUP_BATCH 16
void hx_lookup_batch(const hx_map *m, const char *const *names, size_t n, bool *found,
                     uint32_t *ref, int *dim);

/* Near misses, for "did you mean" (names.c). hx_distance: the edit
 * distance of a and b (insertions, deletions, substitutions, transpositions
 * of adjacent characters), or cap + 1 when above cap or when either is
 * longer than HX_NEAR_MAX. hx_near keeps the candidate nearest to a name
 * within its limit (1 edit up to 5 characters, 2 up to 11, 3 beyond), the
 * first in byte order among the equally near; hx_near_hint gives
 * ` (did you mean "x"?)` or "". hx_near_node: the same for a node, group or
 * region name of a map of ids, "entity.dimension" part by part. */
#define HX_NEAR_MAX 128
size_t hx_distance(const char *a, const char *b, size_t cap);
typedef struct hx_near {
    const char *name, *best;
    size_t limit, dist;
} hx_near;
void hx_near_start(hx_near *n, const char *name);
void hx_near_offer(hx_near *n, const char *candidate);
void hx_near_map(hx_near *n, const hx_map *m);
const char *hx_near_hint(const hx_near *n, char *buf, size_t size);
const char *hx_near_node(const hx_map *m, const char *name, char *buf, size_t size);

#endif
