/*
 * The document layer: one in-memory tree for the scenario and results
 * documents, whatever their encoding. Readers turn an encoding (JSON here)
 * into a tree; the loader turns a tree into builder calls; the results
 * writer turns a run into a tree, which the encoders print. Allocations go
 * through the caller's allocator.
 */
#ifndef HSEC_DOC_H
#define HSEC_DOC_H

#include "internal.h"

typedef enum hd_type { HD_NULL, HD_BOOL, HD_NUM, HD_STR, HD_ARR, HD_OBJ, HD_NUMS } hd_type;

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
hd *hd_get(const hd *obj, const char *key);
const char *hd_type_name(hd_type t);

/* What a loader accepts (hsec_limit). */
typedef struct hx_limits {
    uint64_t nodes, links, string, depth, size, ratio;
} hx_limits;
void hx_default_limits(hx_limits *l);

/* CBOR (doc_cbor.c): *out allocated with a. */
int hd_to_cbor(unsigned char **out, size_t *len, const hsec_allocator *a, const hd *d);
int hd_from_cbor(hd **out, const hsec_allocator *a, const unsigned char *data, size_t len,
                 const hx_limits *lim, char *msg);

/* The container (container.c): magic, version, flags, CRC-32, sizes, and
 * the CBOR payload, optionally zlib-compressed. */
#define HX_CONTAINER_HEADER 40
bool hx_is_container(const unsigned char *data, size_t len);
int hx_container_wrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                      const unsigned char *cbor, size_t n, bool compress);
int hx_container_unwrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                        const unsigned char *data, size_t n, const hx_limits *lim, char *msg);

/* JSON (doc_json.c). The reader fills msg (HSEC_ERRMSG_MAX) on failure. */
int hd_from_json(hd **out, const hsec_allocator *a, const char *text, size_t len,
                 const hx_limits *lim, char *msg);
int hd_to_json(char **out, size_t *len, const hd *d);

/* The scenario loader (doc_scenario.c) and results writer (doc_results.c). */
int hx_load_tree(hsec_scenario **out, const hd *doc, const hsec_allocator *a,
                 const hx_limits *lim, char *msg);
int hx_results_tree(hd **out, const hsec_result *r, const hsec_scenario *s);
/* The run options written as plain numbers in the document's "run"
 * object, read (doc_scenario.c) and written (doc_export.c) alike. */
typedef struct hx_run_key {
    const char *key;
    hsec_option opt;
} hx_run_key;
#define HX_RUN_NUMBERS 8
extern const hx_run_key hx_run_numbers[HX_RUN_NUMBERS];
/* The scenario document of a scenario (doc_export.c). */
int hx_scenario_tree(hd **out, const hsec_scenario *s);

#endif
