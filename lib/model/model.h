/*
 * The model layer: the builder (model.c), its compilation into compressed
 * sparse rows (compile.c), the compiled model's queries (compiled.c) and
 * the calibration conversions (calibrate.c). Above base; below everything
 * else.
 */
#ifndef HSEC_MODEL_H
#define HSEC_MODEL_H

#include "base.h"

#include <stdatomic.h>

/* ---- builder (model.c) */
typedef struct mgroup {
    char *id, *region;
    double size;
    unsigned flags;
    double v[HSEC_DIM_COUNT], k[HSEC_DIM_COUNT], tau[HSEC_DIM_COUNT];
    double w[HSEC_DIM_COUNT], base[HSEC_DIM_COUNT], init[HSEC_DIM_COUNT];
    double ko[HSEC_DIM_COUNT], tauo[HSEC_DIM_COUNT]; /* onset: HX_UNSET when not given */
} mgroup;

typedef struct mservice {
    char *id, *region, *label;
    int kind;
    double k, tau, init;
    double ko, tauo;
} mservice;

/* An onset rate or time not given (the node's own rate is its onset rate). */
#define HX_UNSET (-1.0)

typedef struct mregion {
    char *id, *parent, *label;
} mregion;

/* A link as written: its ends are names interned once (hsec_model's
 * lname), so that a million links to a thousand nodes keep a thousand
 * strings, and compile resolves each name once. */
typedef struct mlink {
    uint32_t from, to; /* indices into lname */
    uint32_t lag;
    double w;
} mlink;

/* Strings copied into chunks that never move (the interned names). */
typedef struct mpool {
    char **chunks;
    size_t nchunk, capchunk;
    size_t used, room; /* of the last chunk */
} mpool;

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
    /* the names of links' ends: once for all hsec_model_add_link(s) calls
     * (lnames finds them), once per hsec_model_add_links_indexed call */
    char **lname;
    size_t nlname, caplname;
    hx_map lnames; /* name -> index into lname */
    mpool pool;    /* their bytes */
    hx_map names;
    unsigned templates;
    uint64_t lim_nodes, lim_links, lim_memory; /* 0: no limit (limits.c) */
};

/* ---- compiled model (compile.c, compiled.c) */
/* A link with a lag: its index in the rows, and the lag. */
typedef struct hx_lag {
    size_t e;
    uint32_t lag;
} hx_lag;

typedef struct cgroup {
    char *id;
    uint32_t region, node;
    double size;
    unsigned flags;
    double w[HSEC_DIM_COUNT], base[HSEC_DIM_COUNT];
} cgroup;

typedef struct cservice {
    uint32_t node, region;
    int kind;
} cservice;

struct hsec_compiled {
    hsec_allocator a;
    /* the only field that changes after compile: scenarios hold references */
    atomic_int refs;
    size_t n, nnz;
    /* links by target row: rowp[i] .. rowp[i+1] index col/w/lag */
    size_t *rowp;
    uint32_t *col;
    double *w;
    hx_lag *lags; /* the links with a lag, by link (nlagged); NULL when none */
    uint32_t maxlag;
    uint32_t *hidx; /* history number of a lagged link's source (in node order), or HX_NONE */
    size_t nlagsrc, nlagged; /* sources of lagged links; links with a lag */
    /* The sources of lagged links by the longest lag of their links: class
     * k holds depth[k].count sources whose longest lag is depth[k].lag (the
     * classes by lag, ascending); source h is number hpos[h] of class
     * hcls[h]. A run keeps each class's history only as deep as its lag. */
    struct hx_depth {
        uint32_t lag;
        size_t count;
    } *depth;
    size_t ndepth;
    uint32_t *hcls, *hpos;
    /* per node, as given (ko, tauo: HX_UNSET when not given); tau, init,
     * ko, tauo and selfw are NULL when every node has the default (read
     * them through hx_tau ... hx_selfw) */
    double *v, *k, *tau, *init, *selfw, *ko, *tauo;
    char **names;
    char *namepool;
    /* entities */
    size_t nregion;
    char **region_id;
    /* labels by API number (NULL: none), each array NULL when no region or
     * no service has one */
    char **region_label, **service_label;
    uint32_t *region_parent;
    /* the region tree in a depth-first preorder (compile.c): the regions in
     * region r's subtree are numbered region_pre[r] .. region_end[r] - 1;
     * region_order[p] is the region numbered p (so a parent comes before
     * its children, and a walk backwards sums subtrees in linear time) */
    uint32_t *region_pre, *region_end, *region_order;
    /* groups, and services with a region, by their region's preorder
     * number, then by index: those whose region is numbered p .. q - 1 are
     * gbypre[gfirst[p] .. gfirst[q] - 1] (sbypre, sfirst alike) */
    uint32_t *gbypre, *gfirst, *sbypre, *sfirst;
    size_t ngroup;
    cgroup *groups;
    size_t nservice;
    cservice *services;
    /* Nodes are numbered canonically inside (compile.c: every service,
     * then every group, each by region, each group's seven together, a
     * function of the model and not of the order it lists things in), and
     * as the API numbers them outside (groups and services in the order
     * added, seven nodes per group): uid[i] is the API's number of node i,
     * nid[u] the node the API numbers u. Groups are kept in the order of
     * their nodes inside: guid[g] is the API's number of group g, gnid[u]
     * the group the API numbers u. Every array and index above and below is
     * the inside numbering, except where said. sord: the services by node
     * (services keep the API's numbers). */
    uint32_t *uid, *nid, *guid, *gnid, *sord;
    /* The order in which a sweep node by node takes each group's seven
     * nodes: ford for x = A' x + b, tord for its transpose (compile.c:
     * chosen from the links inside groups) */
    unsigned char ford[HSEC_DIM_COUNT], tord[HSEC_DIM_COUNT];
    /* the groups' weights as given, before normalising (ngroup x 7), or NULL
     * when every one is 1 */
    double *wraw;
    /* the API's number of each link (hx_link_touser), made when first
     * asked for: the one other field that changes after compile */
    _Atomic(size_t *) touser;
    hx_map map; /* ids -> HX_REF */
    uint64_t bytes;    /* what the compiled model takes, about (limits.c) */
    uint64_t memlimit; /* the model's memory limit when compiled (UINT64_MAX: none) */
};

/* Per-node values kept only when some node differs from the default. */
static inline double hx_tau(const hsec_compiled *c, size_t i) { return c->tau ? c->tau[i] : 0; }
static inline double hx_init(const hsec_compiled *c, size_t i) { return c->init ? c->init[i] : 0; }
static inline double hx_ko(const hsec_compiled *c, size_t i)
{
    return c->ko ? c->ko[i] : HX_UNSET;
}
static inline double hx_tauo(const hsec_compiled *c, size_t i)
{
    return c->tauo ? c->tauo[i] : HX_UNSET;
}
static inline double hx_selfw(const hsec_compiled *c, size_t i)
{
    return c->selfw ? c->selfw[i] : 0;
}

/* ---- limits (limits.c) */
/* A limit as stored (0: none) as its value (UINT64_MAX: none). */
uint64_t hx_limit(uint64_t stored);
/* Check the model against its limits before compiling: nodes, links
 * written and expanded from templates, and the memory the compiled model
 * takes; the message names what is too large. */
int hx_model_check_limits(hsec_model *m);
/* The bytes a compiled model of n nodes and nnz links takes, about. */
uint64_t hx_compiled_bytes(const hsec_model *m, uint64_t n, uint64_t nnz);
/* a * b + c, saturating at UINT64_MAX */
uint64_t hx_mul_add(uint64_t a, uint64_t b, uint64_t c);

/* Take a reference to a compiled model (hsec_compiled_free releases it). */
void hx_compiled_ref(const hsec_compiled *c);
/* Is region r equal to or inside region anc (in constant time)? */
bool hx_region_within(const hsec_compiled *c, uint32_t r, uint32_t anc);
/* The node a name denotes, a service ("grid") or a group's dimension
 * ("elderly.health"); HX_NONE when it denotes none. */
uint32_t hx_node_of(const hsec_compiled *c, const char *name);
/* hx_node_of of names[0 .. n - 1] into out[k], looked up in batches. */
void hx_nodes_of(const hsec_compiled *c, const char *const *names, size_t n, uint32_t *out);
/* Resolve a node, group or region name into node indices, appended to *out
 * (count *n, capacity *cap). HSEC_ENOTFOUND when unknown. */
int hx_resolve_nodes(const hsec_compiled *c, const char *name, uint32_t **out, size_t *n,
                     size_t *cap);
/* The links in the API's order (rows by the API's node numbers, each row
 * by source): byuser[k] (nnz values) is the link the API numbers k; urowp
 * (n + 1 values, or NULL) the API's row pointers. HSEC_ENOMEM. */
int hx_link_order(const hsec_compiled *c, size_t *byuser, size_t *urowp);
/* touser[e] (nnz values): the API's number of link e; made once, shared;
 * NULL when out of memory. */
const size_t *hx_link_touser(const hsec_compiled *c);
/* v (n values, inside numbering) renumbered as the API numbers nodes,
 * through tmp (n values). */
void hx_nodes_to_api(const hsec_compiled *c, double *v, double *tmp);
/* Index of link from -> to, or (size_t)-1. */
size_t hx_find_link(const hsec_compiled *c, uint32_t from, uint32_t to);

#endif
