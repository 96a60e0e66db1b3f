/*
 * The document layer: one in-memory tree for the scenario and results
 * documents, whatever their encoding. Readers turn an encoding (JSON, CBOR,
 * the container) into a tree; the loader turns a tree into builder calls;
 * the writers turn a scenario or a run into a tree, which the encoders
 * print. Allocations go through the caller's allocator.
 *
 * The layer is a client of the public API, like a binding: it is compiled
 * against include/ alone, so it sees nothing of the library's internals.
 */
#ifndef HSEC_DOC_H
#define HSEC_DOC_H

#include "hsec.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define HD_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HD_PRINTF(f, a)
#endif

/* The longest id (doc/format.md). */
#define HD_ID_MAX 64

/* Memory through an allocator (mem.c): NULL on failure or overflow. */
void *hd_alloc(const hsec_allocator *a, size_t size);
void *hd_calloc(const hsec_allocator *a, size_t count, size_t size); /* zeroed */
void hd_release(const hsec_allocator *a, void *p);
char *hd_strdup(const hsec_allocator *a, const char *s);
/* Grow *items (elem bytes each) to hold at least need (capacity *cap). */
int hd_reserve(const hsec_allocator *a, void **items, size_t *cap, size_t need, size_t elem);
#define HD_RESERVE(a, arr, cap, need) \
    hd_reserve((a), (void **)&(arr), &(cap), (need), sizeof(*(arr)))

/* An arena (arena.c) for a tree that lives as long as one load: an
 * allocator whose small blocks come from large chunks of the parent's and
 * go back together in hd_arena_free (one freed is kept for the next of its
 * size), and whose large blocks are the parent's own, one by one. */
typedef struct hd_arena hd_arena;
int hd_arena_new(hd_arena **out, const hsec_allocator *parent);
const hsec_allocator *hd_arena_allocator(hd_arena *ar);
void hd_arena_free(hd_arena *ar); /* every block made through it; NULL: nothing */

/* Messages into buffers of HSEC_ERRMSG_MAX bytes (mem.c). */
void hd_setmsg(char *buf, const char *fmt, ...) HD_PRINTF(2, 3);
void hd_vsetmsg(char *buf, const char *fmt, va_list ap);
/* Copy at most size bytes (NUL included) of msg into buf, if buf. */
void hd_copymsg(char *buf, size_t size, const char *msg);
/* The thread's message (hsec_last_errmsg) set from a format; returns code. */
int hd_fail(int code, const char *fmt, ...) HD_PRINTF(2, 3);

typedef enum hd_type {
    HD_NULL,
    HD_BOOL,
    HD_NUM,
    HD_STR,
    HD_ARR,
    HD_OBJ,
    HD_NUMS,
    HD_LINKS,
    HD_GROUPS
} hd_type;

/* A scenario's links as columns (tree.c), as a loader's CBOR reader
 * leaves them (HD_LINKS): link i joins names[from[i]] -> names[to[i]] with
 * weight w[i] and lag lag[i] (0 when not given), each name kept once. An
 * item the reader could not take as a plain link (an extension, a key
 * missing, twice or unknown, a value of another type) is kept as a tree,
 * odd[k].item at position odd[k].at (ascending), its entry in the columns unset,
 * for the loader to judge as it judges any item. */
#define HD_LINK_UNSET UINT32_MAX
typedef struct hd_odd {
    size_t at;
    struct hd *item;
} hd_odd;
typedef struct hd_slot {
    uint64_t tagidx;
    const char *name;
} hd_slot;
typedef struct hd_links {
    /* the allocator of its arrays when a reader made it (the tree's), else
     * NULL: the caller's */
    const hsec_allocator *a;
    size_t n, cap;
    uint32_t *from, *to;
    double *w, *lag;
    hd_odd *odd;
    size_t nodd, capodd;
    char **names; /* NUL-terminated, in the pool's chunks */
    size_t nnames, capnames;
    /* hash table of names, placed by the hash's high half: that half and
     * the index + 1 (0: empty), with the name beside them, so that a probe
     * reads the name without a look into names[] (a cache miss fewer on a
     * large document) and a growth places the names without hashing them
     * again */
    hd_slot *slots;
    size_t nslots;
    uint64_t key[2];
    char **chunks;
    size_t nchunk, capchunk, used, room;
    /* per cache (a link's from, its to), the last name interned: a document
     * sorted by target gives the same target to a row of links */
    const char *last[2];
    size_t lastlen[2];
    uint32_t lastidx[2];
} hd_links;

/* Room for one more link (its entry unset); HSEC_ENOMEM when none. The
 * first room taken is for `hint` links (the items an array says it has,
 * as far as its bytes could hold them). */
int hd_links_grow(const hsec_allocator *a, hd_links *l, size_t hint);
/* The index of the name s[0..n) (no NUL inside), interned on first use,
 * its last result kept in cache 0 or 1 (-1: none); HD_LINK_UNSET when out
 * of memory. */
uint32_t hd_links_intern(const hsec_allocator *a, hd_links *l, const char *s, size_t n,
                         int cache);
/* hd_links_intern for k names at once (no cache), their indices into out;
 * h is room for k hashes. HSEC_ENOMEM when out of memory (the names before
 * the failure stay interned). */
int hd_links_intern_many(const hsec_allocator *a, hd_links *l, size_t k, const char *const *s,
                         const uint32_t *n, uint64_t *h, uint32_t *out);
void hd_links_clear(const hsec_allocator *a, hd_links *l);

/* A scenario's groups as columns (tree.c), as a loader's CBOR reader
 * leaves them (HD_GROUPS): group i is names[id[i]] in region
 * names[region[i]] with size[i] people, its recovery rate recovery[i]
 * (NaN: not given) and its vulnerability: vn[i] values vval[7i ..] of the
 * dimensions vdim[7i ..] in the order given (vn[i] 0: not given;
 * HD_VULN_ALL: one value, vval[7i], for every dimension). An item the
 * reader could not take as a plain group (another key, a value of another
 * type, a key twice, a name it does not know) is kept as a tree, as
 * hd_links keeps its odd items, for the loader to judge as it judges any. */
#define HD_VULN_ALL 255
typedef struct hd_groups {
    size_t n, cap;
    hd_links names; /* only its table of names */
    uint32_t *id, *region;
    double *size, *recovery, *vval;
    unsigned char *vn, *vdim;
    hd_odd *odd;
    size_t nodd, capodd;
} hd_groups;
/* Room for one more group (its entry unset); HSEC_ENOMEM when none; the
 * first room taken is for `hint` groups. */
int hd_groups_grow(const hsec_allocator *a, hd_groups *g, size_t hint);
void hd_groups_clear(const hsec_allocator *a, hd_groups *g);

typedef struct hd hd;
struct hd {
    hd_type t;
    bool b;
    double num;
    char *str;
    hd **items;   /* array items or object values */
    char **keys;  /* object keys */
    double *nums; /* HD_NUMS: a numeric array (series) */
    size_t n, cap;
    size_t *index; /* HD_OBJ of a reader: positions of the keys in hd_key_cmp order */
    hd_links *links; /* HD_LINKS (n: its items) */
    hd_groups *groups; /* HD_GROUPS (n: its items) */
};

/* A builder with a sticky out-of-memory flag: calls after a failure do
 * nothing and return NULL; ownership of a passed child always moves. */
typedef struct hb {
    const hsec_allocator *a;
    bool oom;
} hb;

hd *hb_new(hb *b, hd_type t);
hd *hb_num(hb *b, double x);
hd *hb_bool(hb *b, bool x);
hd *hb_str(hb *b, const char *s);
hd *hb_nums(hb *b, const double *x, size_t n);
/* Append to an array / set a key of an object (keys are copied). */
void hb_push(hb *b, hd *arr, hd *item);
void hb_set(hb *b, hd *obj, const char *key, hd *val);

void hd_free(const hsec_allocator *a, hd *d);
/* Remove from an object the keys drop says yes to (or the key `key`),
 * freeing their values; nothing when obj is not an object. */
void hd_drop_if(const hsec_allocator *a, hd *obj,
                bool (*drop)(const char *key, const hd *val, const void *ctx), const void *ctx);
void hd_drop(const hsec_allocator *a, hd *obj, const char *key);
/* The value of key in obj, or NULL: a binary search when obj is indexed
 * (hd_index), else a scan. */
hd *hd_get(const hd *obj, const char *key);
const char *hd_type_name(hd_type t);

/* The order of keys in deterministic CBOR (RFC 8949 §4.2.1, bytewise order
 * of the encoded keys): shorter first, then by bytes. */
int hd_key_cmp(const char *a, size_t la, const char *b, size_t lb);
/* The positions of obj's keys in hd_key_cmp order, equal keys by position
 * (obj->n of them, allocated with a; NULL when out of memory). */
size_t *hd_key_order(const hsec_allocator *a, const hd *obj);
/* Index an object that a reader built (hb_set drops the index; one of at
 * most HD_SMALL_OBJECT keys is only checked): HSEC_OK, HSEC_ENOMEM, or
 * HSEC_EEXIST with *dup the position of the first key, in the object's
 * order, that repeats an earlier one. */
#define HD_SMALL_OBJECT 16
int hd_index(const hsec_allocator *a, hd *obj, size_t *dup);
/* Well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code
 * points above U+10FFFF): n when s[0..n) is, else the offset of the first
 * bad sequence, with *why saying what is wrong with it. */
size_t hd_utf8_check(const char *s, size_t n, const char **why);
/* Extend a place in a document ("groups[2].size"), path holding len bytes of
 * at most size: ".key" ("key" at the start), or "[i]" when key is NULL.
 * Returns the new length; a place too long for path ends in "...". */
size_t hd_path_add(char *path, size_t size, size_t len, const char *key, size_t i);
/* The first number of d, depth first, that is not finite: true, with its
 * place in path (size bytes, starting from the first len of them) and its
 * value in *x. */
bool hd_find_nonfinite(const hd *d, char *path, size_t size, size_t len, double *x);

/* What a loader accepts (hsec_limit). */
typedef struct hd_limits {
    uint64_t nodes, links, string, depth, size, ratio, memory;
} hd_limits;
void hd_default_limits(hd_limits *l);

/* Would the results and comparison documents of the scenario's runs fit
 * in its memory limit beside it (results.c)? HSEC_ELIMIT with the thread's
 * message naming the document when not. */
int hd_documents_fit(const hsec_scenario *s);

/* CBOR (cbor.c): *out allocated with a. */
int hd_to_cbor(unsigned char **out, size_t *len, const hsec_allocator *a, const hd *d);
int hd_from_cbor(hd **out, const hsec_allocator *a, const unsigned char *data, size_t len,
                 const hd_limits *lim, char *msg);
/* The same for the scenario loader alone: the document's "links" array is
 * read into columns (an HD_LINKS node), not a tree per link, which a
 * national model's millions of links would make the most of its time. The
 * same checks, in the same order, with the same messages. */
int hd_from_cbor_links(hd **out, const hsec_allocator *a, const unsigned char *data,
                       size_t len, const hd_limits *lim, char *msg);

/* The container (container.c): magic, version, flags, CRC-32, sizes, and
 * the CBOR payload, optionally zlib-compressed. */
#define HD_CONTAINER_HEADER 40
bool hd_is_container(const unsigned char *data, size_t len);
int hd_container_wrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                      const unsigned char *cbor, size_t n, bool compress);
int hd_container_unwrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                        const unsigned char *data, size_t n, const hd_limits *lim, char *msg);
/* A container's document as it is inflated: hd_feed_open checks what
 * hd_container_unwrap checks before inflating, then (background) inflates
 * on a thread of its own; hd_feed_wait returns how many bytes are there,
 * at least min(need, size) unless inflating failed; hd_feed_close waits
 * for the thread, frees the bytes and returns the inflater's failure
 * (damaged data, the CRC-32 of the whole, memory), its message in msg. */
typedef struct hd_feed hd_feed;
int hd_feed_open(hd_feed **out, const hsec_allocator *a, const unsigned char *data, size_t n,
                 const hd_limits *lim, bool background, char *msg);
const unsigned char *hd_feed_data(const hd_feed *f);
size_t hd_feed_size(const hd_feed *f);
size_t hd_feed_wait(hd_feed *f, size_t need);
int hd_feed_close(hd_feed *f, char *msg);
/* A loader's CBOR document (hd_from_cbor_links) read from a feed as its
 * bytes arrive. */
int hd_from_cbor_feed(hd **out, const hsec_allocator *a, hd_feed *feed, const hd_limits *lim,
                      char *msg);

/* Strings handed to the caller (hsec_free_string) carry the allocator
 * that frees them in a header of this many bytes before the text. */
#define HD_STRING_HEAD ((sizeof(hsec_allocator) + 15) / 16 * 16)

/* JSON (json.c). The reader fills msg (HSEC_ERRMSG_MAX) on failure. */
int hd_from_json(hd **out, const hsec_allocator *a, const char *text, size_t len,
                 const hd_limits *lim, char *msg);
/* *out carries a header so that hsec_free_string frees it through a. */
int hd_to_json(char **out, size_t *len, const hd *d, const hsec_allocator *a);

/* A loader's parts, for the layer's files beside loader.c (merge.c, csv.c):
 * its allocator, its limits and its message buffer (HSEC_ERRMSG_MAX). */
const hsec_allocator *hd_loader_allocator(const hsec_loader *l);
const hd_limits *hd_loader_limits(const hsec_loader *l);
char *hd_loader_msg(hsec_loader *l);
/* The document tree of a file in any encoding, read and decoded under the
 * loader's limits (links as plain objects); the loader's message names the
 * file on failure. */
int hd_read_tree(hd **out, hsec_loader *l, const char *path);
/* A tree encoded as `to`; *out allocated with a. */
int hd_encode(unsigned char **out, size_t *len, const hsec_allocator *a, const hd *doc,
              hsec_format to);

/* The scenario loader (load_scenario.c) and the writers of results
 * (results.c) and scenarios (save_scenario.c). */
int hd_load_tree(hsec_scenario **out, const hd *doc, const hsec_allocator *a,
                 const hd_limits *lim, char *msg);
int hd_results_tree(hd **out, const hsec_result *r, const hsec_scenario *s);
int hd_scenario_tree(hd **out, const hsec_scenario *s);
/* A comparison's figures of one package (results.c): hd_compare_width
 * values a row; hd_compare_figures fills one from a run; hd_compare_doc
 * writes the comparison document from the baseline's run, a row for each
 * package and their averted burden by branch (or NULL), as
 * hsec_doc_compare_json_with does. */
size_t hd_compare_width(const hsec_scenario *s);
/* HSEC_OK when the comparison document of the scenario's packages fits its
 * memory limit, else HSEC_ELIMIT with the thread's message. */
int hd_compare_fits(const hsec_scenario *s);
void hd_compare_figures(double *row, const hsec_result *r, const hsec_scenario *s);
int hd_compare_doc(char **out, size_t *len, const hsec_result *baseline, const double *rows,
                   const double *branches, const hsec_scenario *s);
/* The scenario's fingerprint: zlib's CRC-32 (high half) and Adler-32 of
 * its document in deterministic CBOR without its links and without the
 * settings that change no figure (thread counts, quantiles), followed by
 * its links in the document's order (each target's name, NUL, and its
 * count of links as 8 bytes little-endian; then each link's source's name,
 * NUL, weight and lag as 8 bytes little-endian each). Not a defence against
 * forgery: a guard against mixing the work of different scenarios. */
int hd_scenario_fingerprint(uint64_t *out, const hsec_scenario *s);
/* A scenario tree made a part to merge (hsec_doc_save_part): its settings
 * (run, uncertainty) and its empty lists removed. */
void hd_scenario_part(const hsec_allocator *a, hd *doc);
/* HSEC_OK when r is a run of s (its nodes, groups and threats), else
 * HSEC_EINVAL with the thread's message naming `what`. */
int hd_result_matches(const hsec_result *r, const hsec_scenario *s, const char *what);
/* The allocator of a scenario (the loaders' scenarios: the loader's). */
hsec_allocator hd_allocator_of(const hsec_scenario *s);
/* The run options that a document writes as plain numbers under `object`
 * ("run" or "uncertainty"): the key after "object." of each, from the
 * library's option table (hsec_option_key). */
const char *hd_option_number(hsec_option opt, const char *object);

#endif
