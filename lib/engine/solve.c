/*
 * Static solves by block Gauss-Seidel (doc/model.md §3, doc/performance.md).
 *
 * A' is assembled once (a factor per row times the link weights in force), then
 * (I - A') x = b, or x = min(1, A' x + b), or x = S (b + A' x), is solved
 * by sweeps over a fixed partition of the nodes into blocks, in a fixed
 * order: every service alone, then the seven nodes of each group, whose
 * links among themselves (the spectral radius of A' is mostly theirs) are
 * solved before the sweep moves on: exactly through the block's inverse in
 * a linear solve where blocks repeat (block_inverses), else by up to three
 * inner passes. A block reads
 * the values its predecessors computed in the same sweep. Several
 * right-hand sides (each threat's part) are carried interleaved, so that
 * one pass over the matrix serves all of them. One right-hand side sweeps
 * node by node instead (point_sweep), and the transpose node by node
 * backwards, scattering along the rows of A' (scatter_sweep) instead of
 * copying it by columns; both take each group's seven nodes in an order
 * compile chose from the links inside groups. The transpose solves the
 * groups and then the services where no service reads a group ("Two
 * parts"). The blocks' order is the
 * nodes' (compile.c numbers every service before every group). Nothing
 * depends on the thread count.
 *
 * Linear solves converge for rho(A') < 1 (Stein-Rosenberg: Gauss-Seidel of
 * a regular splitting converges at least as fast as Jacobi); the projected
 * sweep from 0 climbs monotonically to the least fixed point.
 */
#include "engine.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* The largest number of nodes in a block (a group's dimensions). */
#define BMAX HSEC_DIM_COUNT
/* Inner passes over a block's own links per sweep, at most: three took
 * the fewest sweeps for their cost on the benchmark's models (seven to ten
 * sweeps; one pass takes twice as many, more passes do not save sweeps). */
#define INNER 3
/* A sweep asks for the sources of the block this many ahead: the sources
 * of a group's links from other regions lie far away (1.45 M nodes: the
 * solve 7% faster than without; 16 ahead or the links' own sources 32 to
 * 128 links ahead gained less). */
#define HX_BLOCKS_AHEAD 4
/* ... when the sources (n x W doubles) take more than this: fewer, they
 * stay in the cache from sweep to sweep, and asking costs a second read of
 * every block's columns for little (static solves, two threats: 145,000
 * nodes, 2.3 MB of sources, 15% faster without; 435,000 nodes, 7 MB, 5%
 * faster without; 1.45 M nodes, 23 MB, 1-2% faster with) */
#define HX_PREFETCH_BYTES ((size_t)16 << 20)
/* The residual's pass, row by row, asks for the sources of the row this
 * many ahead (the sweep's four blocks) */
#define HX_ROWS_AHEAD (HX_BLOCKS_AHEAD * BMAX)
/* The right-hand sides' loops unrolled, so that their sums stay in registers. */
#define HX_UNROLL _Pragma("GCC unroll 8")
/* Sweeps of the threats' parts in a static bounded run at least. */
#define HX_PARTS_ITERATIONS 100000

int hx_mat_assemble(hx_mat *m, const ctx *x, bool rhs)
{
    const hsec_compiled *c = x->c;
    const hsec_scenario *s = x->s;
    memset(m, 0, sizeof *m);
    m->n = x->n;
    m->rowp = c->rowp;
    m->col = c->col;
    m->a = x->a;
    m->c = c;
    /* the weights in force as they are, unless decouple measures cut links */
    const bool dec = s->nmt[HSEC_DECOUPLE] > 0;
    if (dec && !(m->own = hx_calloc(x->a, c->nnz ? c->nnz : 1, sizeof *m->own)))
        return HSEC_ENOMEM;
    m->val = dec ? m->own : x->w;
    /* (rs, rsum and b: every entry written below, none cleared first) */
    m->rs = hx_alloc(x->a, (x->n ? x->n : 1) * sizeof *m->rs);
    m->rsum = hx_alloc(x->a, (x->n ? x->n : 1) * sizeof *m->rsum);
    const size_t H = m->H = s->nthreat;
    if (rhs) {
        m->b = hx_alloc(x->a, (x->n ? x->n : 1) * sizeof *m->b);
        m->bh = hx_calloc(x->a, x->n && H ? x->n * H : 1, sizeof *m->bh);
        m->bhmax = hx_calloc(x->a, H ? H : 1, sizeof *m->bhmax);
    }
    if (!m->rs || !m->rsum || (rhs && (!m->b || !m->bh || !m->bhmax)))
        return HSEC_ENOMEM;
    walk w = {0};
    for (size_t i = 0; i < x->n; i++) {
        size_t e0 = c->rowp[i], e1 = c->rowp[i + 1];
        if (dec)
            for (size_t e = e0; e < e1; e++)
                m->own[e] = x->w[e] * hx_link_pass(x, &w, e);
        double vt, pass, k;
        hx_node_coeffs(x, &w, i, &vt, &pass, &k);
        double rs = 0;
        for (size_t e = e0; e < e1; e++)
            rs += m->val[e];
        m->rs[i] = vt;
        m->rsum[i] = rs *= vt;
        if (rs > m->rowmax || rs != rs)
            m->rowmax = rs;
        if (!rhs)
            continue;
        /* (with the largest of each, for the tolerances: a threat reaches
         * a node once, scenario.c) */
        double f = vt * pass, ctot = 0;
        for (; w.tt < s->ntt && s->tt[w.tt].at == i; w.tt++) {
            uint32_t h = s->tt[w.tt].who;
            double val = x->thr[h] * (x->mag ? x->mag[w.tt] : s->tt[w.tt].mag);
            double bh = m->bh[i * H + h] = f * val, a = fabs(bh);
            m->bhmax[h] = a > m->bhmax[h] ? a : m->bhmax[h];
            ctot += val;
        }
        m->b[i] = f * ctot;
        double a = fabs(m->b[i]);
        m->bmax = a > m->bmax ? a : m->bmax;
    }
    return HSEC_OK;
}

void hx_mat_free(hx_mat *m)
{
    if (!m->a)
        return;
    hx_free(m->a, m->own);
    hx_free(m->a, m->rs);
    hx_free(m->a, m->b);
    hx_free(m->a, m->bh);
    hx_free(m->a, m->rsum);
    hx_free(m->a, m->bhmax);
    memset(m, 0, sizeof *m);
}

/* Row i of A' applied to one vector: rs_i times the row's links summed in
 * order, as every one-vector product here sums it. */
static HX_INLINE double mat_row(const hx_mat *m, size_t i, const double *in)
{
    double sum = 0;
    for (size_t e = m->rowp[i]; e < m->rowp[i + 1]; e++)
        sum += m->val[e] * in[m->col[e]];
    return m->rs[i] * sum;
}

void hx_mat_apply(const hx_mat *m, bool transpose, size_t W, const double *in, double *out)
{
    const size_t *rp = m->rowp;
    const uint32_t *col = m->col;
    const double *val = m->val, *rs = m->rs;
    if (transpose) { /* each row's value scattered along it: out[k] sums rows ascending */
        memset(out, 0, m->n * W * sizeof *out);
        for (size_t j = 0; j < m->n; j++)
            for (size_t k = 0; k < W; k++) {
                double u = rs[j] * in[j * W + k];
                for (size_t e = rp[j]; e < rp[j + 1]; e++)
                    out[(size_t)col[e] * W + k] += val[e] * u;
            }
        return;
    }
    if (W == 1) { /* the sum in a register */
        for (size_t i = 0; i < m->n; i++)
            out[i] = mat_row(m, i, in);
        return;
    }
    for (size_t i = 0; i < m->n; i++) {
        HX_UNROLL
        for (size_t k = 0; k < W; k++)
            out[i * W + k] = 0;
        for (size_t e = rp[i]; e < rp[i + 1]; e++)
            HX_UNROLL
            for (size_t k = 0; k < W; k++)
                out[i * W + k] += val[e] * in[(size_t)col[e] * W + k];
        HX_UNROLL
        for (size_t k = 0; k < W; k++)
            out[i * W + k] *= rs[i];
    }
}

/* Block k of the sweep's order: nodes b0 .. b1 - 1. */
static inline void block(const hsec_compiled *c, size_t k, size_t *b0, size_t *b1)
{
    if (k < c->nservice) { /* services, then groups, each by node */
        *b0 = c->services[c->sord[k]].node;
        *b1 = *b0 + 1;
    } else {
        *b0 = c->groups[k - c->nservice].node;
        *b1 = *b0 + BMAX;
    }
}

/* Where each row's links from its own block lie: links ilo[i] .. ihi[i] - 1
 * past the row's start (columns are ascending within a row, and a block's
 * nodes are consecutive); and whether the nodes fall into two parts (see
 * "Two parts"): no service's row reads past the services (compile numbers
 * them first). */
static void row_ranges(hx_shape *sh, const hsec_compiled *c)
{
    const size_t *rp = c->rowp;
    const uint32_t *col = c->col;
    const size_t ns = c->nservice, nb = ns + c->ngroup;
    uint32_t *lo = sh->ilo, *hi = sh->ihi;
    bool two = ns && c->ngroup;
    for (size_t i = 0; two && i < ns; i++)
        two = rp[i + 1] == rp[i] || col[rp[i + 1] - 1] < ns;
    size_t xn = 0;
    for (size_t k = 0; k < nb; k++) { /* (the blocks cover the nodes) */
        size_t b0, b1;
        block(c, k, &b0, &b1);
        for (size_t i = b0; i < b1; i++) {
            size_t e = rp[i], end = rp[i + 1];
            while (two && k >= ns && e < end && col[e] < ns)
                e++;
            size_t s = e;
            while (e < end && col[e] < b0)
                e++;
            lo[i] = (uint32_t)(e - rp[i]);
            size_t below = e - s;
            while (e < end && col[e] < b1)
                e++;
            hi[i] = (uint32_t)(e - rp[i]);
            xn += k >= ns ? below + (end - e) : 0; /* a group's from other groups */
        }
    }
    sh->cut = two ? ns : 0;
    sh->xn = two ? xn : 0;
}

/* A row of a kept inverse: BMAX values and a zero, so that a row is 64
 * bytes, whole vectors. */
#define BPAD 8
/* Distinct blocks whose inverses a solve keeps at most (448 bytes each),
 * and the probes a block may take at most in their table (a quarter full
 * at most), so that a hash that many blocks share costs no more. */
#define HX_BLOCKS_DISTINCT 4096
#define HX_BLOCK_PROBES 64

/* A hash of a block's entries, bit for bit: four lanes of
 * multiply-and-xor, then MurmurHash3's 64-bit finaliser, so that entries
 * that differ in their last bits still land apart. Deterministic, so that
 * what a model's blocks do is the model's alone; blocks made to collide
 * cost probes, bounded by HX_BLOCK_PROBES, and never a wrong inverse,
 * since the entries are compared. */
static uint64_t block_hash(const double *v)
{
    uint64_t h[4] = {0x243f6a8885a308d3u, 0x13198a2e03707344u, 0xa4093822299f31d0u,
                     0x082efa98ec4e6c89u};
    for (size_t k = 0; k < BMAX * BMAX; k++) {
        uint64_t u;
        memcpy(&u, v + k, sizeof u);
        h[k & 3] = (h[k & 3] ^ u) * 0x9e3779b97f4a7c15u;
    }
    uint64_t r = h[0] ^ (h[1] << 16 | h[1] >> 48) ^ (h[2] << 32 | h[2] >> 32) ^
                 (h[3] << 48 | h[3] >> 16);
    r = (r ^ r >> 33) * 0xff51afd7ed558ccdu;
    r = (r ^ r >> 33) * 0xc4ceb9fe1a85ec53u;
    return r ^ r >> 33;
}

/* M = (I - T)^-1 in place, by Gauss-Jordan without pivoting; false when a
 * pivot is not a positive finite number (M is then garbage). */
static bool block_invert(double M[BMAX][BMAX])
{
    for (size_t k = 0; k < BMAX; k++) {
        double p = 1 / M[k][k];
        if (!(M[k][k] > 0) || !(p < INFINITY))
            return false;
        M[k][k] = 1;
        for (size_t j = 0; j < BMAX; j++)
            M[k][j] *= p;
        for (size_t i = 0; i < BMAX; i++) {
            if (i == k)
                continue;
            double f = M[i][k];
            M[i][k] = 0;
            for (size_t j = 0; j < BMAX; j++)
                M[i][j] -= f * M[k][j];
        }
    }
    return true;
}

/*
 * The groups' blocks solved exactly, for the linear block sweep: the
 * inverse of I - T_B, T_B the block's links among its own nodes in A' (rows
 * rs_i w_e). Groups made from one template with the same vulnerabilities
 * have the same block bit for bit, so each distinct block is inverted once
 * and every group points at its inverse: a table of at most
 * HX_BLOCKS_DISTINCT, probed by a hash of the entries and compared entry by
 * entry. With more distinct blocks than that, a longer probe, or a pivot
 * that is not positive, g->binv stays NULL and the inner passes solve the
 * blocks. I - T_B is a nonsingular M-matrix when the spectral radius of A'
 * (so of its principal submatrix T_B) is below 1, which a linear solve has
 * shown (a transposed one shows it with its first sweep, after this: a
 * pivot that is not positive then leaves it to the check), so the pivots
 * are positive and the inverse nonnegative. The table
 * holds the model's blocks in the groups' order, so whether the inverses
 * are used, and the results, depend on the model only.
 */
static int block_inverses(hx_gs *g)
{
    const hx_mat *m = g->m;
    const hsec_compiled *c = m->c;
    const size_t ng = c->ngroup, cap = ng < HX_BLOCKS_DISTINCT ? ng : HX_BLOCKS_DISTINCT;
    const size_t E = BMAX * BMAX;
    if (!ng)
        return HSEC_OK;
    size_t nslot = 16;
    while (nslot < 4 * cap)
        nslot *= 2;
    double *key = hx_alloc(m->a, cap * E * sizeof *key);
    /* (not cleared: the table's room is for the most distinct blocks, and
     * the pages of what a model does not use are never touched) */
    double *inv = hx_alloc(m->a, cap * BMAX * BPAD * sizeof *inv);
    uint32_t *slot = hx_alloc(m->a, nslot * sizeof *slot);
    uint32_t *idx = hx_alloc(m->a, ng * sizeof *idx);
    int rc = HSEC_ENOMEM;
    if (!key || !inv || !slot || !idx)
        goto done;
    rc = HSEC_OK;
    memset(slot, 0xff, nslot * sizeof *slot);
    size_t nd = 0;
    uint32_t last = 0;
    for (size_t gi = 0; gi < ng; gi++) {
        size_t b0 = c->groups[gi].node;
        double T[BMAX][BMAX] = {{0}}; /* T_B (a row's links from its block, once each) */
        for (size_t i = 0; i < BMAX; i++) {
            size_t r0 = m->rowp[b0 + i];
            double f = m->rs[b0 + i];
            for (size_t e = r0 + g->ilo[b0 + i]; e < r0 + g->ihi[b0 + i]; e++)
                T[i][m->col[e] - b0] = f * m->val[e];
        }
        if (nd && !memcmp(key + (size_t)last * E, T, sizeof T)) { /* the block before's */
            idx[gi] = last;
            continue;
        }
        size_t s = (size_t)block_hash(&T[0][0]) & (nslot - 1), probes = 0;
        while (slot[s] != UINT32_MAX && memcmp(key + (size_t)slot[s] * E, T, sizeof T)) {
            if (++probes == HX_BLOCK_PROBES)
                goto none;
            s = (s + 1) & (nslot - 1);
        }
        if (slot[s] == UINT32_MAX) { /* a block not seen before */
            if (nd == cap)
                goto none;
            memcpy(key + nd * E, T, sizeof T);
            double M[BMAX][BMAX];
            for (size_t i = 0; i < BMAX; i++)
                for (size_t j = 0; j < BMAX; j++)
                    M[i][j] = (i == j ? 1 : 0) - T[i][j];
            if (!block_invert(M))
                goto none;
            for (size_t i = 0; i < BMAX; i++) {
                double *row = inv + (nd * BMAX + i) * BPAD;
                memcpy(row, M[i], sizeof M[i]);
                for (size_t j = BMAX; j < BPAD; j++)
                    row[j] = 0;
            }
            slot[s] = (uint32_t)nd++;
        }
        idx[gi] = last = slot[s];
    }
    g->binv = inv;
    g->bidx = idx;
    g->bown = key;
    inv = NULL;
    idx = NULL;
    key = NULL;
    goto done;
none: /* the inner passes solve the blocks */
done:
    hx_free(m->a, key);
    hx_free(m->a, inv);
    hx_free(m->a, slot);
    hx_free(m->a, idx);
    return rc;
}

/* Where each block starts, in the sweeps' order: block k is nodes bs[k] ..
 * bs[k + 1] - 1, bs[nb] = n (a small array read in place of the groups'
 * and services' records, which a sweep would otherwise stream through for
 * one field each). Compile numbers every service before every group, each
 * in the order block() takes them, so the blocks' order is the nodes', and
 * the transpose, taking the blocks backwards, reverses the forward sweep
 * exactly (its iteration then has the forward one's spectrum). */
static void node_blocks(uint32_t *bs, const hsec_compiled *c)
{
    const size_t nb = c->nservice + c->ngroup;
    for (size_t k = 0; k < nb; k++) {
        size_t b0, b1;
        block(c, k, &b0, &b1);
        bs[k] = (uint32_t)b0;
    }
    bs[nb] = (uint32_t)c->n;
}

/* The shape's arrays that sh does not hold yet (with the rows' ranges or
 * not); on failure, those it allocated given back. */
static int shape_alloc(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c,
                       bool ranges)
{
    hx_shape got = {0};
    const size_t nb = c->nservice + c->ngroup, n = c->n ? c->n : 1;
    if ((!sh->bs && !(sh->bs = got.bs = hx_alloc(a, (nb + 1) * sizeof *sh->bs))) ||
        (ranges && !sh->ilo && !(sh->ilo = got.ilo = hx_alloc(a, n * sizeof *sh->ilo))) ||
        (ranges && !sh->ihi && !(sh->ihi = got.ihi = hx_alloc(a, n * sizeof *sh->ihi)))) {
        sh->bs = got.bs ? NULL : sh->bs;
        sh->ilo = got.ilo ? NULL : sh->ilo;
        sh->ihi = got.ihi ? NULL : sh->ihi;
        hx_shape_free(&got, a);
        return HSEC_ENOMEM;
    }
    return HSEC_OK;
}

/* ... and every one made. */
static int shape_make(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c,
                      bool ranges)
{
    if (shape_alloc(sh, a, c, ranges))
        return HSEC_ENOMEM;
    node_blocks(sh->bs, c);
    if (ranges)
        row_ranges(sh, c);
    return HSEC_OK;
}

int hx_shape_alloc(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c)
{
    return shape_alloc(sh, a, c, true);
}

int hx_shape_new(hx_shape *sh, const hsec_allocator *a, const hsec_compiled *c)
{
    return shape_make(sh, a, c, true);
}

void hx_shape_free(hx_shape *sh, const hsec_allocator *a)
{
    hx_free(a, sh->bs);
    hx_free(a, sh->ilo);
    hx_free(a, sh->ihi);
    memset(sh, 0, sizeof *sh);
}

/* acc[0..W-1] += the links e0 .. e1 - 1 applied to x. One right-hand side
 * takes two sums, alternate links each, so that the adds do not wait on
 * one another. */
static HX_INLINE void gather(double *acc, const double *val, const uint32_t *col,
                             const double *x, size_t e0, size_t e1, const size_t W)
{
    if (W == 1) {
        double s0 = 0, s1 = 0;
        size_t e = e0;
        for (; e + 1 < e1; e += 2) {
            s0 += val[e] * x[col[e]];
            s1 += val[e + 1] * x[col[e + 1]];
        }
        if (e < e1)
            s0 += val[e] * x[col[e]];
        acc[0] += s0 + s1;
        return;
    }
    for (size_t e = e0; e < e1; e++) {
        const double *src = x + (size_t)col[e] * W;
        HX_UNROLL
        for (size_t r = 0; r < W; r++)
            acc[r] += val[e] * src[r];
    }
}

/* acc[0..W-1] = row i's links from its own block applied to x. */
static HX_INLINE void own_links(double *acc, const hx_gs *g, const double *x, size_t i,
                                const size_t W)
{
    HX_UNROLL
    for (size_t r = 0; r < W; r++)
        acc[r] = 0;
    size_t r0 = g->m->rowp[i];
    gather(acc, g->m->val, g->m->col, x, r0 + g->ilo[i], r0 + g->ihi[i], W);
}

/* Row i's links from outside its block: e0 .. e1 - 1 from nodes before it,
 * a0 .. a1 - 1 from nodes after it, in the part's arrays (outside_arrays):
 * the groups' links from other groups in their part (g->xs), else the
 * rows' own. */
static HX_INLINE void outside(const hx_gs *g, size_t i, size_t *e0, size_t *e1, size_t *a0,
                              size_t *a1)
{
    if (g->xs) {
        size_t j = i - g->n0;
        *e0 = g->xs->p[j];
        *e1 = *a0 = g->xs->m[j];
        *a1 = g->xs->p[j + 1];
    } else {
        size_t p = g->m->rowp[i];
        *e0 = p;
        *e1 = p + g->ilo[i];
        *a0 = p + g->ihi[i];
        *a1 = g->m->rowp[i + 1];
    }
}

/* The arrays outside() indexes. */
static HX_INLINE void outside_arrays(const hx_gs *g, const uint32_t **col, const double **val)
{
    *col = g->xs ? g->xs->col : g->m->col;
    *val = g->xs ? g->xs->val : g->m->val;
}

/* The largest change of each right-hand side in a sweep goes to ch[0..W-1]
 * (NaN when any value is not a number), and the largest move of a block's
 * last inner pass to ch[W..2W-1]: what a node's own block moved after it
 * was last updated (0 for blocks without inner links). */
static HX_INLINE void sweep_body(const hx_gs *g, double *x, double *ch, const size_t W,
                                 const bool keep)
{
    const hsec_compiled *c = g->m->c;
    const size_t *rp = g->m->rowp;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val, *rs = g->m->rs;
    const uint32_t *ilo = g->ilo, *ihi = g->ihi;
    const double *half = g->half;
    const size_t ns = c->nservice, nb = ns + c->ngroup;
    double ext[BMAX * HX_GMAX], old[BMAX * HX_GMAX], t[HX_GMAX];
    double *E = W <= HX_GMAX ? ext : g->scratch, *O = W <= HX_GMAX ? old : g->scratch + BMAX * W;
    double *T = W <= HX_GMAX ? t : g->scratch + 2 * BMAX * W;
    for (size_t k = 0; k < 2 * W; k++)
        ch[k] = 0;
    double *last = ch + W;
    for (size_t k = 0; k < nb; k++) {
        size_t b0 = g->bs[k], b1 = b0 + (k < ns ? 1 : BMAX);
        bool inner = false;
#if defined(__GNUC__)
        if (g->prefetch && k + HX_BLOCKS_AHEAD < nb) {
            size_t p0 = g->bs[k + HX_BLOCKS_AHEAD];
            size_t p1 = p0 + (k + HX_BLOCKS_AHEAD < ns ? 1 : BMAX);
            for (size_t e = rp[p0]; e < rp[p1]; e++)
                __builtin_prefetch(x + (size_t)col[e] * W);
        }
#endif
        /* what the block's inputs from outside give it (sums in locals: an
         * accumulation through memory chains every link's add to the last) */
        for (size_t i = b0; i < b1; i++) {
            double accl[HX_GMAX], *acc = W <= HX_GMAX ? accl : T;
            double *e_ = E + (i - b0) * W;
            HX_UNROLL
            for (size_t r = 0; r < W; r++) {
                acc[r] = 0;
                O[(i - b0) * W + r] = x[i * W + r];
            }
            size_t r0 = rp[i], r1 = rp[i + 1], l0 = r0 + ilo[i], l1 = r0 + ihi[i];
            inner = inner || l1 > l0;
            gather(acc, val, col, x, r0, l0, W);
            gather(acc, val, col, x, l1, r1, W);
            HX_UNROLL
            for (size_t r = 0; r < W; r++)
                e_[r] = g->rhs[i * W + r] + rs[i] * acc[r];
        }
        /* its own links: exactly, through the block's inverse, or by passes
         * until they settle */
        double mvl[HX_GMAX] = {0}, *mv = W <= HX_GMAX ? mvl : g->scratch + 3 * BMAX * W + 4 * W;
        const bool exact = g->binv && k >= ns;
        if (exact) {
            const double *G = g->binv + (size_t)g->bidx[k - ns] * BMAX * BPAD;
            for (size_t i = 0; i < BMAX; i++) {
                double accl[HX_GMAX] = {0}, *acc = W <= HX_GMAX ? accl : T;
                HX_UNROLL
                for (size_t r = 0; r < W; r++)
                    acc[r] = 0;
                HX_UNROLL
                for (size_t j = 0; j < BMAX; j++)
                    HX_UNROLL
                    for (size_t r = 0; r < W; r++)
                        acc[r] += G[i * BPAD + j] * E[j * W + r];
                HX_UNROLL
                for (size_t r = 0; r < W; r++)
                    x[(b0 + i) * W + r] = acc[r];
            }
            inner = false; /* nothing of its own left to move */
        }
        for (int pass = 0; !exact && pass < g->inner; pass++) {
            bool moved = false;
            HX_UNROLL
            for (size_t r = 0; r < W; r++)
                mv[r] = 0;
            for (size_t i = b0; i < b1; i++) {
                /* (zeroed: -O3 cannot see that W >= 1 sets acc[0]) */
                double accl[HX_GMAX] = {0}, *acc = W <= HX_GMAX ? accl : T;
                const double *e_ = E + (i - b0) * W;
                own_links(acc, g, x, i, W);
                HX_UNROLL
                for (size_t r = 0; r < W; r++)
                    acc[r] = e_[r] + rs[i] * acc[r];
                if (g->scale)
                    HX_UNROLL
                    for (size_t r = 0; r < W; r++)
                        acc[r] *= g->scale[i];
                if (g->clamp && acc[0] > 1)
                    acc[0] = 1;
                double *xi = x + i * W;
                HX_UNROLL
                for (size_t r = 0; r < W; r++) {
                    /* settled: within half the tolerance (NaN has not);
                     * the largest move need not keep a NaN, which the
                     * sweep's change shows (below) */
                    double d = fabs(acc[r] - xi[r]);
                    moved |= !(d <= half[r]);
                    mv[r] = d > mv[r] ? d : mv[r];
                    xi[r] = acc[r];
                }
            }
            if (!inner || !moved)
                break;
        }
        if (inner)
            HX_UNROLL
            for (size_t r = 0; r < W; r++)
                last[r] = mv[r] > last[r] || mv[r] != mv[r] ? mv[r] : last[r];
        if (keep) /* likely the last sweep: the block's own residual, and its changes */
            for (size_t i = b0; i < b1; i++) {
                double innl[HX_GMAX] = {0}, *inn = W <= HX_GMAX ? innl : T, sd = 0;
                const double *e_ = E + (i - b0) * W;
                own_links(inn, g, x, i, W);
                HX_UNROLL
                for (size_t r = 0; r < W; r++) { /* as the residual sums it */
                    double v = e_[r] + rs[i] * inn[r];
                    if (g->scale)
                        v *= g->scale[i];
                    double d = v - x[i * W + r], ad = fabs(d);
                    if (ad > g->rbm[r] || ad != ad)
                        g->rbm[r] = ad;
                    sd += d;
                    g->dx[i * W + r] = x[i * W + r] - O[(i - b0) * W + r];
                }
                sd = fabs(sd);
                if (sd > g->rbm[W] || sd != sd)
                    g->rbm[W] = sd;
            }
        for (size_t i = b0; i < b1; i++)
            HX_UNROLL
            for (size_t r = 0; r < W; r++) {
                double a = x[i * W + r], b = O[(i - b0) * W + r];
                double d = a == b ? 0 : fabs(a - b);
                if (d > ch[r] || d != d)
                    ch[r] = d;
            }
    }
}

/* (one right-hand side sweeps node by node: point_sweep) */
static void sweep(const hx_gs *g, double *x, double *ch)
{
    const bool k = g->dx != NULL; /* (its own instances: the other sweeps test nothing) */
    switch (g->W) {
    case 2: k ? sweep_body(g, x, ch, 2, true) : sweep_body(g, x, ch, 2, false); break;
    case 3: k ? sweep_body(g, x, ch, 3, true) : sweep_body(g, x, ch, 3, false); break;
    case 4: k ? sweep_body(g, x, ch, 4, true) : sweep_body(g, x, ch, 4, false); break;
    default: sweep_body(g, x, ch, g->W, k); break;
    }
}

/* The largest residual |S (b + A' x) - x| of each right-hand side, each
 * row summed as the sweep sums it (so that a point the sweep leaves
 * unchanged shows no rounding residual), and in *total that of their sum
 * (the right-hand sides' residuals added node by node). */
static HX_INLINE void residual_body(const hx_gs *g, const double *x, double *res,
                                    double *total, const size_t W)
{
    double tot = 0;
    const size_t *rp = g->m->rowp;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val;
    double accl[HX_GMAX], *acc = W <= HX_GMAX ? accl : g->scratch + 2 * BMAX * W;
    HX_UNROLL
    for (size_t r = 0; r < W; r++)
        res[r] = 0;
    double innl[HX_GMAX], *inn = W <= HX_GMAX ? innl : g->scratch + 3 * BMAX * W + 4 * W;
    const double *rs = g->m->rs;
    const size_t n = g->m->n;
    for (size_t i = 0; i < n; i++) {
        size_t r0 = rp[i], r1 = rp[i + 1], l0 = r0 + g->ilo[i], l1 = r0 + g->ihi[i];
#if defined(__GNUC__)
        if (g->prefetch && i + HX_ROWS_AHEAD < n) /* as the sweep: a row ahead's sources */
            for (size_t e = rp[i + HX_ROWS_AHEAD]; e < rp[i + HX_ROWS_AHEAD + 1]; e++)
                __builtin_prefetch(x + (size_t)col[e] * W);
#endif
        HX_UNROLL
        for (size_t r = 0; r < W; r++)
            acc[r] = inn[r] = 0;
        gather(acc, val, col, x, r0, l0, W);
        gather(acc, val, col, x, l1, r1, W);
        gather(inn, val, col, x, l0, l1, W);
        double sd = 0;
        HX_UNROLL
        for (size_t r = 0; r < W; r++) { /* as the sweep: the outside, then the block's own */
            double a = (g->rhs[i * W + r] + rs[i] * acc[r]) + rs[i] * inn[r];
            double v = g->scale ? a * g->scale[i] : a;
            double d = v == x[i * W + r] ? 0 : fabs(v - x[i * W + r]);
            if (d > res[r] || d != d)
                res[r] = d;
            sd += v - x[i * W + r];
        }
        sd = fabs(sd);
        if (sd > tot || sd != sd)
            tot = sd;
    }
    *total = tot;
}

static void residual(const hx_gs *g, const double *x, double *res, double *total)
{
    switch (g->W) {
    case 2: residual_body(g, x, res, total, 2); break;
    case 3: residual_body(g, x, res, total, 3); break;
    case 4: residual_body(g, x, res, total, 4); break;
    default: residual_body(g, x, res, total, g->W); break;
    }
}

/*
 * The residual from the last sweep. After a block sweep, a node's residual
 * is its block's own (what its solve left: rounding, or the inner passes'
 * last moves), which the sweep measures as it goes when it keeps the
 * changes (g->dx, g->rbm), plus what the nodes of later blocks moved after
 * the node's block was solved, weighted by its links from them: the links
 * of its row past its block (6% of the national model's links), read here
 * against the kept changes. The two bound the residual the full pass would
 * find (|a + b| <= |a| + |b|), at a fraction of its cost; when the bound is
 * not within the tolerances, the full pass decides. lm[0..W-1]: the
 * largest later part of each right-hand side; lm[W]: of their sum.
 */
static HX_INLINE void late_body(const hx_gs *g, double *lm, const size_t W)
{
    const size_t *rp = g->m->rowp, n = g->m->n;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val, *rs = g->m->rs;
    double accl[HX_GMAX], *acc = W <= HX_GMAX ? accl : g->scratch + 2 * BMAX * W;
    HX_UNROLL
    for (size_t r = 0; r <= W; r++)
        lm[r] = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l1 = rp[i] + g->ihi[i], r1 = rp[i + 1];
#if defined(__GNUC__)
        if (g->prefetch && i + HX_ROWS_AHEAD < n) /* the changes are scattered: a row ahead's */
            for (size_t e = rp[i + HX_ROWS_AHEAD] + g->ihi[i + HX_ROWS_AHEAD];
                 e < rp[i + HX_ROWS_AHEAD + 1]; e++)
                __builtin_prefetch(g->dx + (size_t)col[e] * W);
#endif
        if (l1 == r1)
            continue;
        HX_UNROLL
        for (size_t r = 0; r < W; r++)
            acc[r] = 0;
        gather(acc, val, col, g->dx, l1, r1, W);
        double sd = 0;
        HX_UNROLL
        for (size_t r = 0; r < W; r++) {
            double v = rs[i] * acc[r];
            if (g->scale)
                v *= g->scale[i];
            double av = fabs(v);
            if (av > lm[r] || av != av)
                lm[r] = av;
            sd += v;
        }
        sd = fabs(sd);
        if (sd > lm[W] || sd != sd)
            lm[W] = sd;
    }
}

static void late(const hx_gs *g, double *lm)
{
    switch (g->W) {
    case 2: late_body(g, lm, 2); break;
    case 3: late_body(g, lm, 3); break;
    case 4: late_body(g, lm, 4); break;
    default: late_body(g, lm, g->W); break;
    }
}

/*
 * One right-hand side sweeps node by node instead, each node's value from
 * its whole row: a block's links split each row into three short runs, and
 * with one right-hand side those runs' loop overhead costs more than the
 * sweeps the blocks save (20 sweeps node by node against 11 by blocks, each
 * about a third of the cost, on the benchmark's models; with three
 * right-hand sides the blocks are faster). The nodes come in their order,
 * each group's seven in the order compile chose (c->ford: the links inside
 * groups mostly from nodes already taken). A link from a node to itself
 * reads the node's value from the sweep before. The largest change goes to
 * ch[0] (NaN when a value is not a number).
 */
static HX_INLINE void point_node(const hx_gs *g, size_t i, double *x, double *C)
{
    const size_t *rp = g->m->rowp;
    double sum = 0;
    gather(&sum, g->m->val, g->m->col, x, rp[i], rp[i + 1], 1);
    double acc = g->rhs[i] + g->m->rs[i] * sum;
    if (g->scale)
        acc *= g->scale[i];
    if (g->clamp && acc > 1)
        acc = 1;
    double d = acc == x[i] ? 0 : fabs(acc - x[i]);
    if (d > *C || d != d)
        *C = d;
    x[i] = acc;
}

static void point_sweep(const hx_gs *g, double *x, double *ch)
{
    const hsec_compiled *c = g->m->c;
    const size_t nb = c->ngroup + c->nservice;
    double C = 0;
    for (size_t k = 0; k < nb; k++) {
        size_t b0 = g->bs[k];
        if (g->bs[k + 1] - b0 == BMAX)
            for (size_t r = 0; r < BMAX; r++)
                point_node(g, b0 + c->ford[r], x, &C);
        else
            point_node(g, b0, x, &C);
    }
    *ch = C;
}

/* The largest residual of one right-hand side, each row summed as
 * point_sweep sums it. */
static void point_residual(const hx_gs *g, const double *x, double *res)
{
    const size_t *rp = g->m->rowp;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val;
    double R = 0;
    for (size_t i = 0; i < g->m->n; i++) {
        double sum = 0;
        gather(&sum, val, col, x, rp[i], rp[i + 1], 1);
        double acc = g->rhs[i] + g->m->rs[i] * sum;
        double v = g->scale ? acc * g->scale[i] : acc;
        double d = v == x[i] ? 0 : fabs(v - x[i]);
        if (d > R || d != d)
            R = d;
    }
    *res = R;
}

/*
 * The transpose, (I - A'^T) x = b, node by node from the last block to the
 * first (its information flows from groups to services), each group's
 * seven in the order compile chose for it (c->tord), without a copy of A'
 * by columns: x_i = b_i + sum_j a_ji x_j, the same Gauss-Seidel sweep as
 * over the transpose's rows, with each node's new value scattered along its
 * row of A' into one sum per node made afresh every sweep: sum[k] is
 * emptied when k's turn comes, and then takes, in this order, k itself
 * and the nodes taken after it (old at k's next turn: summed during this
 * sweep for the next), and the nodes taken before k (new, summed during the
 * next sweep before k's turn). Every sum is so made in the same order each
 * sweep, and a point the sweep leaves unchanged it leaves exactly
 * unchanged, as the gather form does. The sums start empty, at x = 0.
 * Keeping one sum across sweeps instead, changed by each update, carried
 * the rounding of every change and never settled near a spectral radius of
 * 1 (doc/performance.md).
 */
static HX_INLINE void scatter_node(const hx_gs *g, size_t k, double *x, double *sum, double *C,
                                   double *late, double *R)
{
    const size_t *rp = g->m->rowp;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val;
    double v = g->b[k - g->n0] + sum[k], old = x[k];
    sum[k] = 0;
    double d = v == old ? 0 : fabs(v - old);
    if (d > *C || d != d)
        *C = d;
    x[k] = v;
    double u = g->m->rs[k] * v;
    if (!late) {
        for (size_t e = rp[k]; e < rp[k + 1]; e++)
            sum[col[e]] += val[e] * u;
        return;
    }
    /* a likely last sweep (scatter_block_body): the node's links to itself
     * and to the nodes taken before it carry its change to their residuals */
    double du = g->m->rs[k] * (v - old), own = 0;
    for (size_t e = rp[k]; e < rp[k + 1]; e++) {
        sum[col[e]] += val[e] * u;
        if (col[e] == k)
            own += val[e] * du;
        else if (col[e] > k)
            late[col[e]] += val[e] * du;
    }
    own = fabs(own);
    if (own > *R || own != own)
        *R = own;
}

static void scatter_sweep(const hx_gs *g, double *x, double *sum, double *ch)
{
    const hsec_compiled *c = g->m->c;
    double C = 0;
    for (size_t k = c->ngroup + c->nservice; k-- > 0;) {
        size_t b0 = g->bs[k];
        if (g->bs[k + 1] - b0 == BMAX)
            for (size_t r = 0; r < BMAX; r++)
                scatter_node(g, b0 + c->tord[r], x, sum, &C, NULL, NULL);
        else
            scatter_node(g, b0, x, sum, &C, NULL, NULL);
    }
    *ch = C;
}

/* The spectral check's first bound (spectral.c), max_i (A'v)_i / v_i for
 * v = 1 + the row sums, over rows b0 .. b1 - 1, from up (NaN kept). */
static HX_INLINE double block_bound(const hx_mat *m, size_t b0, size_t b1, double up)
{
    const size_t *rp = m->rowp;
    const uint32_t *col = m->col;
    const double *val = m->val, *rsum = m->rsum;
    for (size_t i = b0; i < b1; i++) {
        double sv = 0;
        for (size_t e = rp[i]; e < rp[i + 1]; e++)
            sv += val[e] * (1 + rsum[col[e]]);
        double r = m->rs[i] * sv / (1 + rsum[i]);
        up = r > up || r != r ? r : up;
    }
    return up;
}

/*
 * The transpose by blocks where the groups' inverses are kept: each group's
 * seven values at once, u_B = (I - T_B^T)^-1 (b_B + s_B), the transpose of
 * the block's inverse, where s_B holds only what the nodes outside the
 * block give it, since a block scatters only the links of its rows that
 * leave it (ilo, ihi); a service as in scatter_sweep. The sums are made as
 * there, so that the sweep is block Gauss-Seidel over the transpose's rows.
 */
static HX_INLINE void scatter_block_body(hx_gs *g, double *x, double *sum, double *ch,
                                         const bool last, const bool spec)
{
    const hsec_compiled *c = g->m->c;
    const uint32_t *col;
    const double *val, *rs = g->m->rs;
    outside_arrays(g, &col, &val);
    /* likely the last sweep (g->dx): what each node's change owes the nodes
     * taken before it, into dx (zeroed), and the blocks' own residuals
     * (see "The residual from the last sweep": a node's residual is what
     * its block's solve left, plus what the nodes taken after it moved,
     * along their links to it) */
    double *late = last ? g->dx : NULL, C = 0, R = 0;
    /* the first sweep of a solve whose A' has not been shown to have a
     * radius below 1 (g->spectral): with it, the spectral check's first
     * bound (spectral.c), max_i (A'v)_i / v_i for v = 1 + the row sums,
     * each row read whole while it is at hand */
    double up = 0;
    const size_t ns = c->nservice;
    size_t gi = g->k1 > ns ? g->k1 - ns : 0;
    for (size_t k = g->k1; k-- > g->k0;) {
        size_t b0 = g->bs[k];
        if (spec)
            up = block_bound(g->m, b0, g->bs[k + 1], up);
        if (g->bs[k + 1] - b0 != BMAX) {
            scatter_node(g, b0, x, sum, &C, late, &R);
            continue;
        }
        const size_t bi = g->bidx[--gi];
        const double *G = g->binv + bi * BMAX * BPAD;
        double e[BMAX], u[BPAD] = {0};
        HX_UNROLL
        for (size_t i = 0; i < BMAX; i++) {
            e[i] = g->b[b0 + i - g->n0] + sum[b0 + i];
            sum[b0 + i] = 0;
        }
        HX_UNROLL
        for (size_t i = 0; i < BMAX; i++) /* the inverse's rows, whole */
            HX_UNROLL
            for (size_t j = 0; j < BPAD; j++)
                u[j] += G[i * BPAD + j] * e[i];
        double own[BMAX] = {0};
        for (size_t j = 0; j < BMAX; j++) {
            size_t i = b0 + j;
            double d = u[j] == x[i] ? 0 : fabs(u[j] - x[i]);
            if (d > C || d != d)
                C = d;
            double v = rs[i] * u[j], dv = rs[i] * (u[j] - x[i]);
            x[i] = u[j];
            size_t e0, e1, a0, a1;
            outside(g, i, &e0, &e1, &a0, &a1);
            for (size_t f = e0; f < e1; f++)
                sum[col[f]] += val[f] * v;
            if (!late) {
                for (size_t f = a0; f < a1; f++)
                    sum[col[f]] += val[f] * v;
                continue;
            }
            for (size_t f = a0; f < a1; f++) {
                sum[col[f]] += val[f] * v;
                late[col[f]] += val[f] * dv;
            }
        }
        if (!late)
            continue;
        /* the block's own links, from its T_B (as its inverse's: no pass over
         * the rows for them), and what the solve left */
        const double *T = g->bown + bi * BMAX * BMAX;
        for (size_t i = 0; i < BMAX; i++)
            HX_UNROLL
            for (size_t j = 0; j < BMAX; j++)
                own[j] += T[i * BMAX + j] * u[i];
        for (size_t j = 0; j < BMAX; j++) {
            double d = fabs(e[j] + own[j] - u[j]);
            if (d > R || d != d)
                R = d;
        }
    }
    *ch = C;
    if (late)
        g->rbm[0] = R;
    if (spec)
        g->upper = up;
}

/* The first sweep and the spectral check's first bound on two threads: the
 * sweep one job, the bound two more (each half of the rows: whichever
 * thread is free first takes the second), a largest being one in any order
 * and a NaN kept, so that it is the one the sweep would have made (the
 * sweep does not wait on it) */
typedef struct {
    hx_gs *g;
    double *x, *sum, *ch;
    double up[2];
} first_sweep;

static void first_sweep_job(void *arg, size_t k)
{
    first_sweep *f = arg;
    hx_gs *g = f->g;
    if (k == 0) {
        scatter_block_body(g, f->x, f->sum, f->ch, false, false); /* (as below) */
        return;
    }
    size_t half = g->m->n / 2;
    f->up[k - 1] = k == 1 ? block_bound(g->m, 0, half, 0) : block_bound(g->m, half, g->m->n, 0);
}

/* (each case its own instance: the sweeps in between carry no test of
 * what the first and a likely last one do) */
static void scatter_block_sweep(hx_gs *g, double *x, double *sum, double *ch)
{
    if (g->spectral && g->pool) {
        first_sweep f = {g, x, sum, ch, {0, 0}};
        hx_pool_run(g->pool, 3, first_sweep_job, &f);
        g->upper = f.up[1] > f.up[0] || f.up[1] != f.up[1] ? f.up[1] : f.up[0];
    } else if (g->spectral) {
        scatter_block_body(g, x, sum, ch, false, true);
        /* and the rows outside the part (a largest is one in any order) */
        g->upper = block_bound(g->m, 0, g->n0, block_bound(g->m, g->n1, g->m->n, g->upper));
    } else if (g->dx)
        scatter_block_body(g, x, sum, ch, true, false);
    else
        scatter_block_body(g, x, sum, ch, false, false);
}

/* Its residual: as scatter_residual, with each block's own links added
 * before its nodes are read (its sums hold none of them). */
static void scatter_block_residual(const hx_gs *g, const double *x, const double *sum,
                                   double *tmp, double *res)
{
    const size_t *rp = g->m->rowp;
    const uint32_t *col, *mcol = g->m->col;
    const double *val, *mval = g->m->val, *rs = g->m->rs;
    outside_arrays(g, &col, &val);
    memcpy(tmp + g->n0, sum + g->n0, (g->n1 - g->n0) * sizeof *tmp);
    double R = 0;
    for (size_t k = g->k1; k-- > g->k0;) {
        size_t b0 = g->bs[k], b1 = g->bs[k + 1];
        bool grp = b1 - b0 == BMAX;
        for (size_t i = b0; grp && i < b1; i++) /* the block's own, into its sums */
            for (size_t f = rp[i] + g->ilo[i]; f < rp[i] + g->ihi[i]; f++)
                tmp[mcol[f]] += mval[f] * (rs[i] * x[i]);
        for (size_t i = b0; i < b1; i++) {
            double v = g->b[i - g->n0] + tmp[i];
            double d = v == x[i] ? 0 : fabs(v - x[i]);
            if (d > R || d != d)
                R = d;
        }
        for (size_t i = b0; i < b1; i++) { /* to the nodes taken after the block */
            double u = rs[i] * x[i];
            size_t e0, e1, a0, a1;
            outside(g, i, &e0, &e1, &a0, &a1);
            for (size_t f = e0; f < e1; f++)
                tmp[col[f]] += val[f] * u;
        }
    }
    *res = R;
}

/* The largest residual |b + A'^T x - x| of the transpose, summed as
 * scatter_sweep sums it: sum holds, for each node, itself and the nodes
 * taken after it (the last sweep made them from x); a copy of it takes the
 * others' as the sweep would, so that sum is left as the next sweep needs
 * it. */
static void scatter_residual(const hx_gs *g, const double *x, const double *sum,
                             double *tmp, double *res)
{
    const hsec_compiled *c = g->m->c;
    const size_t *rp = g->m->rowp;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val;
    unsigned char turn[BMAX]; /* when each of a group's nodes is taken */
    for (unsigned char r = 0; r < BMAX; r++)
        turn[c->tord[r]] = r;
    memcpy(tmp, sum, g->m->n * sizeof *tmp);
    double R = 0;
    for (size_t k = c->ngroup + c->nservice; k-- > 0;) {
        size_t b0 = g->bs[k], b1 = g->bs[k + 1];
        bool grp = b1 - b0 == BMAX;
        for (size_t r = 0; r < b1 - b0; r++) {
            size_t i = b0 + (grp ? c->tord[r] : 0);
            double v = g->rhs[i] + tmp[i];
            double d = v == x[i] ? 0 : fabs(v - x[i]);
            if (d > R || d != d)
                R = d;
            double u = g->m->rs[i] * x[i];
            for (size_t e = rp[i]; e < rp[i + 1]; e++) /* to the nodes taken after i */
                if (col[e] < b0 || (grp && col[e] < b1 && turn[col[e] - b0] > r))
                    tmp[col[e]] += val[e] * u;
        }
    }
    *res = R;
}

/*
 * Whether the sweep just made shows the residual within half of each
 * tolerance without a pass over the matrix. A node's residual after a
 * sweep is what moved after its last update: the nodes of later blocks
 * (each by at most the sweep's largest change) and, in a block sweep, its
 * own block's nodes in the block's last inner pass (by at most that pass's
 * largest move), each weighted by its link; so it is at most the row's sum
 * of A' times the larger of the two, and the scale of a bounded run's parts
 * (at most 1) only lowers it. The largest row sum comes from the assembly.
 * The sum's residual is at most the sum of the right-hand sides' bounds.
 * The sweep is the same either way; this only spares the residual's pass.
 */
static bool residual_bound(const hx_gs *g, const double *ch, bool point)
{
    const size_t W = g->W;
    double all = 0;
    for (size_t r = 0; r < W; r++) {
        double moved = point || !(ch[W + r] > ch[r]) ? ch[r] : ch[W + r];
        double bound = g->m->rowmax * moved;
        if (!(bound <= 0.5 * g->tol[r]))
            return false;
        all += bound;
    }
    return !(g->ttol > 0) || all <= 0.5 * g->ttol;
}

/*
 * A Krylov solver for the slow cases (doc/model.md §3). Near a spectral
 * radius of 1 a sweep moves the error by little: a ring of 20 groups at
 * radius 0.99999 takes thousands of sweeps. After HX_KRYLOV_AFTER
 * sweeps without convergence, a linear solve that asked for it (g->krylov)
 * takes each right-hand side from where the sweeps left it by BiCGSTAB
 * (van der Vorst, SIAM J. Sci. Stat. Comput. 13(2), 1992), right-
 * preconditioned by one sweep node by node from 0 (M = I - L, L the links
 * from nodes before a node in the sweep's order), each iteration counted
 * as two sweeps against the cap. Its residual is checked as the sweeps
 * check theirs (point_residual) before it is trusted, and the sweeps then
 * check the whole again; a breakdown or a stall hands the best point it
 * reached (or the sweeps' own) back to the sweeps. Sequential
 * and in a fixed order, like the sweeps: nothing depends on the thread
 * count. Ordinary models converge in far fewer sweeps and never reach it.
 */
#define HX_KRYLOV_AFTER 50

static double maxabs(const double *v, size_t n, size_t stride)
{
    double mx = 0;
    for (size_t i = 0; i < n; i++) {
        double a = fabs(v[i * stride]);
        mx = a > mx ? a : mx;
    }
    return mx;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* out = (I - A') in */
static void apply_ia(const hx_mat *m, const double *in, double *out)
{
    hx_mat_apply(m, false, 1, in, out);
    for (size_t i = 0; i < m->n; i++)
        out[i] = in[i] - out[i];
}

/* z = M^-1 v: one sweep node by node from 0 with v as its right-hand side */
static void precondition(hx_gs *pg, const double *v, double *z)
{
    double ch;
    memset(z, 0, pg->m->n * sizeof *z);
    pg->rhs = v;
    point_sweep(pg, z, &ch);
}

/* Iterations of bicgstab without a residual half the best before it, at
 * most: where the spectrum circles the origin (a long ring of groups, whose
 * sweeps carry values around it in one pass) it stagnates, and the sweeps
 * do better. */
#define HX_KRYLOV_STALL 100

/* One right-hand side b from x: 1 when x meets tol (measured as the sweeps
 * measure it), else 0 with x the best point reached (never worse than the
 * start, and finite), or an error (cancelled). w: 8 n. */
static int bicgstab(hx_gs *g, hx_gs *pg, const double *b, double *x, double tol, double *w,
                    const ctx *cx, char *err)
{
    const hx_mat *m = g->m;
    const size_t n = m->n;
    double *r = w, *rh = w + n, *p = w + 2 * n, *v = w + 3 * n, *t = w + 4 * n, *z = w + 5 * n;
    double *x0 = w + 6 * n, *xb = w + 7 * n;
    double res0;
    pg->rhs = b;
    point_residual(pg, x, &res0);
    if (res0 <= tol)
        return 1;
    memcpy(x0, x, n * sizeof *x);
    memcpy(xb, x, n * sizeof *x);
    apply_ia(m, x, r);
    for (size_t i = 0; i < n; i++) {
        r[i] = b[i] - r[i];
        rh[i] = r[i];
        p[i] = v[i] = 0;
    }
    double rho = 1, alpha = 1, omega = 1, best = maxabs(r, n, 1);
    uint64_t since = 0;
    int rc = 0;
    for (;;) {
        if (g->iterations + 2 > g->cap || ++since > HX_KRYLOV_STALL)
            break; /* (the sweeps meet the cap and say so) */
        if (cx && hx_canceled(cx, g->iterations, g->cap)) {
            hx_setmsg(err, "canceled at iteration %llu of %s", (unsigned long long)g->iterations,
                      g->what);
            return HSEC_ECANCELED;
        }
        g->iterations += 2;
        double rho1 = dot(rh, r, n);
        if (!(rho1 != 0) || !isfinite(rho1))
            break;
        double beta = (rho1 / rho) * (alpha / omega);
        for (size_t i = 0; i < n; i++)
            p[i] = r[i] + beta * (p[i] - omega * v[i]);
        precondition(pg, p, z);
        apply_ia(m, z, v);
        double den = dot(rh, v, n);
        if (!(den != 0) || !isfinite(den))
            break;
        alpha = rho1 / den;
        for (size_t i = 0; i < n; i++) {
            x[i] += alpha * z[i];
            r[i] -= alpha * v[i]; /* s */
        }
        double now = maxabs(r, n, 1);
        if (!(now > tol)) { /* (NaN too: measured below) */
            rc = 2;
            break;
        }
        precondition(pg, r, z);
        apply_ia(m, z, t);
        double tt = dot(t, t, n);
        if (!(tt > 0) || !isfinite(tt))
            break;
        omega = dot(t, r, n) / tt;
        for (size_t i = 0; i < n; i++) {
            x[i] += omega * z[i];
            r[i] -= omega * t[i];
        }
        rho = rho1;
        now = maxabs(r, n, 1);
        if (!(now > tol)) {
            rc = 2;
            break;
        }
        if (now <= 0.5 * best) { /* the best point so far, kept */
            best = now;
            since = 0;
            memcpy(xb, x, n * sizeof *x);
        }
        if (!(omega != 0) || !isfinite(now))
            break;
    }
    double res = INFINITY;
    pg->rhs = b;
    if (rc == 2) { /* converged by its own residual: measured as the sweeps measure it */
        point_residual(pg, x, &res);
        if (res <= tol)
            return 1;
    }
    double rb;
    point_residual(pg, xb, &rb);
    if (!(res <= rb)) { /* the better of where it ended and the best kept */
        memcpy(x, xb, n * sizeof *x);
        res = rb;
    }
    if (!(res < res0)) /* no better than the sweeps' point: back to it */
        memcpy(x, x0, n * sizeof *x);
    return 0;
}

/* Every right-hand side of g by bicgstab, from x (n x W), each to its own
 * tolerance and, with a tolerance on their sum, to its share of that: 1
 * when each met it, 0 when one did not (x then holds the best reached), or
 * an error. */
static int krylov(hx_gs *g, double *x, const ctx *cx, char *err)
{
    const size_t n = g->m->n, W = g->W;
    hx_gs pg = {.m = g->m, .W = 1, .what = g->what, .bs = g->bs}; /* (g's blocks) */
    double *w = hx_calloc(g->m->a, n, 10 * sizeof *w);
    int rc = HSEC_ENOMEM;
    if (!w)
        goto done;
    double *xc = w + 8 * n, *bc = w + 9 * n;
    rc = 1;
    for (size_t r = 0; r < W && rc >= 0; r++) {
        for (size_t i = 0; i < n; i++) {
            xc[i] = x[i * W + r];
            bc[i] = g->rhs[i * W + r];
        }
        double tol = g->tol[r];
        if (g->ttol > 0 && g->ttol / (double)W < tol)
            tol = g->ttol / (double)W;
        int k = bicgstab(g, &pg, bc, xc, tol, w, cx, err);
        rc = k < 0 ? k : rc && k;
        for (size_t i = 0; i < n && k >= 0; i++)
            x[i * W + r] = xc[i];
    }
done:
    hx_free(g->m->a, w);
    if (rc == HSEC_ENOMEM) /* without room for it, the sweeps go on */
        rc = 0;
    return rc;
}

/* Whether residuals res (one a right-hand side) and their sum's, total,
 * meet the solve's tolerances. */
static bool met(const hx_gs *g, const double *res, double total)
{
    bool done = !(g->ttol > 0) || total <= g->ttol;
    for (size_t r = 0; r < g->W; r++)
        done = done && res[r] <= g->tol[r];
    return done;
}

/* The arrays a solve made for itself, given back. */
static void gs_release(hx_gs *g)
{
    hx_free(g->m->a, g->scratch);
    if (!g->shape) { /* the solve's own */
        hx_free(g->m->a, g->ilo);
        hx_free(g->m->a, g->ihi);
        hx_free(g->m->a, g->bs);
    }
    hx_free(g->m->a, g->xl.p);
    hx_free(g->m->a, g->xl.m);
    hx_free(g->m->a, g->xl.col);
    hx_free(g->m->a, g->xl.val);
    memset(&g->xl, 0, sizeof g->xl);
    g->xs = NULL;
    hx_free(g->m->a, g->binv);
    hx_free(g->m->a, g->bidx);
    hx_free(g->m->a, g->bown);
    g->bown = NULL;
    g->scratch = NULL;
    g->ilo = g->ihi = g->bs = NULL;
    g->binv = NULL;
    g->bidx = NULL;
}

/*
 * Two parts. When no service's row of A' reads a group (every link into a
 * service comes from a service: hx_shape.cut), I - A' is block triangular:
 * the services' values do not depend on the groups'. The transpose, whose
 * information flows from the groups to the services, then solves the
 * groups alone first, over their links from other groups only (copied
 * once, group_links), and then the services, with what the groups give
 * them added to their right-hand sides once (fold_groups): half the links
 * of the benchmark's models (352,000 of 719,928 at the quick size) are a
 * group's from a service, which a sweep of every node scatters every time,
 * and the rows' own links sit among them. Each part is solved to the
 * tolerance on its own rows, and the groups do not move after theirs, so
 * every row's residual is within it at the end. The parts are the model's,
 * whatever the thread count. A solve that drops the blocks' inverses
 * (hx_gs_solve) goes on with every node at once (part 0). (The forward
 * solve falls into the same parts, services first; there the copy and
 * the services' share of each group's right-hand sides cost a static
 * run's first call more fresh memory than fewer links a sweep saved.)
 */
static void set_part(hx_gs *g, int part, const double *pb)
{
    const hsec_compiled *c = g->m->c;
    const size_t cut = c->nservice;
    g->k0 = part == 1 ? cut : 0;
    g->k1 = part == 2 ? cut : cut + c->ngroup;
    g->n0 = g->k0;
    g->n1 = part == 2 ? cut : g->m->n;
    g->xs = part == 1 ? &g->xl : NULL;
    g->b = part == 2 ? pb : g->rhs + g->n0;
}

/* The groups' links from other groups (hx_shape.xn of them), allocated by
 * the solve's thread, and filled (group_links) by either. */
static int group_links_alloc(hx_gs *g, size_t xn)
{
    const hx_mat *m = g->m;
    const size_t ng = m->n - m->c->nservice;
    struct hx_xlinks *xl = &g->xl;
    xl->p = hx_alloc(m->a, (ng + 1) * sizeof *xl->p);
    xl->m = hx_alloc(m->a, (ng ? ng : 1) * sizeof *xl->m);
    xl->col = hx_alloc(m->a, (xn ? xn : 1) * sizeof *xl->col);
    xl->val = hx_alloc(m->a, (xn ? xn : 1) * sizeof *xl->val);
    return xl->p && xl->m && xl->col && xl->val ? HSEC_OK : HSEC_ENOMEM;
}

static void group_links(hx_gs *g)
{
    const hx_mat *m = g->m;
    const size_t cut = m->c->nservice, n = m->n, *rp = m->rowp;
    const uint32_t *col = m->col;
    const struct hx_xlinks *xl = &g->xl;
    size_t k = 0;
    for (size_t i = cut; i < n; i++) {
        size_t e = rp[i], l0 = e + g->ilo[i], l1 = e + g->ihi[i], r1 = rp[i + 1];
        xl->p[i - cut] = (uint32_t)k;
        while (e < l0 && col[e] < cut) /* (columns ascending: the services' first) */
            e++;
        for (; e < l0; e++, k++) {
            xl->col[k] = col[e];
            xl->val[k] = m->val[e];
        }
        xl->m[i - cut] = (uint32_t)k;
        for (e = l1; e < r1; e++, k++) {
            xl->col[k] = col[e];
            xl->val[k] = m->val[e];
        }
    }
    xl->p[n - cut] = (uint32_t)k;
}

/* The groups' setup, on two threads side by side: their blocks' inverses,
 * and the copy of their links from other groups (made whether or not the
 * inverses are kept). */
typedef struct {
    hx_gs *g;
    int rc;
} setup;

static void setup_job(void *arg, size_t k)
{
    setup *u = arg;
    if (k == 0)
        u->rc = block_inverses(u->g);
    else
        group_links(u->g);
}

/* What the groups (solved) give each service in the transpose: the groups'
 * two halves each into its own sums (fold_job; on two threads side by
 * side), then pb = (rhs + the later half's) + the earlier half's, the same
 * whatever the thread count. */
typedef struct {
    const hx_gs *g;
    const double *x;
    double *part[2];
} folding;

static void fold_job(void *arg, size_t k)
{
    folding *f = arg;
    const hx_gs *g = f->g;
    const size_t cut = g->m->c->nservice, n = g->m->n, *rp = g->m->rowp;
    const size_t mid = cut + (g->m->c->ngroup / 2) * BMAX;
    const uint32_t *col = g->m->col;
    const double *val = g->m->val, *rs = g->m->rs, *x = f->x;
    double *p = f->part[k];
    memset(p, 0, cut * sizeof *p);
    for (size_t i = k ? n : mid; i-- > (k ? mid : cut);) { /* in the sweep's order */
        double u = rs[i] * x[i];
        for (size_t e = rp[i]; e < rp[i + 1] && col[e] < cut; e++)
            p[col[e]] += val[e] * u;
    }
}

static void fold_groups(const hx_gs *g, const double *x, double *pb, double *tmp)
{
    folding f = {g, x, {pb, tmp}};
    hx_pool_run(g->pool, 2, fold_job, &f);
    for (size_t j = 0; j < g->m->c->nservice; j++)
        pb[j] = (g->rhs[j] + tmp[j]) + pb[j];
}

/*
 * Whether the coming sweep is likely the last before a residual is taken:
 * the changes fall by about the same factor each sweep, so the last two
 * tell the coming one's (est1) and where the residual will stand after it
 * (est2), and the residual follows when est2 is within the tolerances
 * (hx_gs_solve); a margin of 4 takes the sweep before too when they are
 * near, and a wrong guess costs only what the sweep kept.
 */
static bool likely_last(const hx_gs *g, const double *prev, const double *prev2)
{
    double all = 0;
    for (size_t r = 0; r < g->W; r++) {
        if (!(prev2[r] > 0) || !(prev[r] >= 0))
            return false;
        double est1 = prev[r] * (prev[r] / prev2[r]);
        double est2 = prev[r] > 0 ? est1 * (est1 / prev[r]) : 0;
        if (!(est1 <= g->tol[r] || est2 <= 4 * g->tol[r]))
            return false;
        all += est2 < est1 ? est2 : est1;
    }
    return !(g->ttol > 0) || all <= 4 * g->ttol;
}

int hx_gs_solve(hx_gs *g, double *x, const ctx *cx, char *err)
{
    const size_t W = g->W, n = g->m->n;
    int rc = HSEC_OK;
    /* the transpose: one right-hand side, as the solves of ranking and
     * coupling have (engine.h) */
    const bool tr = g->transpose && W == 1 && !g->scale && !g->clamp;
    if (g->transpose && !tr) {
        hx_setmsg(err, "%s: the transpose takes one right-hand side", g->what);
        return HSEC_EINVAL;
    }
    /* 3 BMAX W: a block's sums (W > HX_GMAX); then ch (2 W), res, half, a
     * pass's moves, the sweep before's changes and the one's before that (W
     * each), a likely last sweep's own residuals and its later parts (W + 1
     * each); then the transpose's sums and their copy (n each), unless
     * g->work holds them */
    g->scratch = hx_calloc(g->m->a,
                           3 * BMAX * W + 9 * W + 2 + (tr && !g->work ? 2 * n : 0),
                           sizeof(double));
    if (!g->scratch) {
        hx_setmsg(err, "out of memory");
        return HSEC_ENOMEM;
    }
    double *ch = g->scratch + 3 * BMAX * W, *res = ch + 2 * W, *half = res + W;
    double *prev = half + 2 * W, *prev2 = prev + W, *rbm = prev2 + W, *lm = rbm + W + 1;
    double *sum = g->work ? g->work : lm + W + 1, *tmp = sum + n, total = 0;
    double *dxs = NULL; /* the block sweep's changes, when kept (n x W) */
    g->dx = NULL;
    g->rbm = rbm;
    for (size_t r = 0; r < W; r++)
        half[r] = 0.5 * g->tol[r];
    g->half = half;
    g->iterations = 0;
    g->prefetch = n > HX_PREFETCH_BYTES / sizeof(double) / W;
    if (!g->inner)
        g->inner = INNER;
    const bool point = W == 1, exact = g->exact && !g->scale && !g->clamp && (tr || !point);
    g->binv = NULL;
    g->bidx = NULL;
    g->bown = NULL;
    /* the blocks' shape: the caller's, or the solve's own (what it needs) */
    hx_shape own = {0};
    const hx_shape *sh = g->shape ? g->shape : &own;
    const hsec_allocator *a = g->m->a;
    const hsec_compiled *c = g->m->c;
    int brc = !g->shape && shape_make(&own, a, c, tr ? exact : !point);
    g->bs = sh->bs;
    g->ilo = sh->ilo;
    g->ihi = sh->ihi;
    /* the transpose in two parts where the model falls into them and the
     * groups' inverses are kept ("Two parts"); pb: the services' right-hand
     * sides then, and room for the groups' second half's share of them */
    const bool two = tr && exact && sh->cut && sh->xn <= UINT32_MAX;
    setup u = {g, HSEC_OK};
    brc = brc || (two && group_links_alloc(g, sh->xn));
    if (!brc && two)
        hx_pool_run(g->pool, 2, setup_job, &u);
    else if (!brc && (tr || !point) && exact)
        u.rc = block_inverses(g);
    double *pb = two && g->binv ? hx_alloc(a, 2 * c->nservice * sizeof *pb) : NULL;
    if (brc || u.rc || (two && g->binv && !pb)) {
        gs_release(g);
        hx_setmsg(err, "out of memory");
        return HSEC_ENOMEM;
    }
    int part = pb ? 1 : 0;
    set_part(g, part, NULL);
    if (tr) { /* the transpose starts from 0, where its sums (empty) start */
        memset(x, 0, n * sizeof *x);
        if (g->work) /* (the scratch's own come zeroed) */
            memset(sum, 0, n * sizeof *sum);
    }
    /* the spectral radius not shown yet: by the first block sweep, or else
     * now by the check itself, in the sums' room (zeroed again after) */
    g->unshown = false;
    g->spectral = g->spectral && tr && g->scx && g->m->rowmax >= 1;
    if (g->spectral && !g->binv) {
        g->spectral = false;
        if ((rc = hx_check_spectral(g->scx, g->m, sum, NULL, err))) {
            g->unshown = true;
            gs_release(g);
            return rc;
        }
        memset(sum, 0, n * sizeof *sum);
    }
    bool kry = g->krylov && !tr && !g->scale && !g->clamp;
    for (;;) {
        if (kry && g->iterations >= HX_KRYLOV_AFTER) { /* slow: BiCGSTAB, once */
            kry = false;
            int k = krylov(g, x, cx, err);
            if (k < 0) {
                rc = k;
                break;
            }
            /* where it left x: done when it meets the tolerances as the
             * sweeps measure them, else the last change the cap reports */
            if (point) {
                point_residual(g, x, res);
                total = res[0];
            } else {
                residual(g, x, res, &total);
            }
            if (met(g, res, total))
                break;
            for (size_t r = 0; r < W; r++)
                ch[r] = res[r];
        }
        if (g->iterations >= g->cap) {
            rc = HSEC_ENOCONV;
            break;
        }
        if (cx && hx_canceled(cx, g->iterations, g->cap)) {
            hx_setmsg(err, "canceled at iteration %llu of %s",
                      (unsigned long long)g->iterations, g->what);
            rc = HSEC_ECANCELED;
            break;
        }
        /* likely the last sweep before a residual: it keeps what its
         * residual needs ("The residual from the last sweep") */
        g->dx = NULL;
        if (!g->clamp && W <= HX_GMAX && (tr ? g->binv != NULL : !point) &&
            likely_last(g, prev, prev2)) {
            if (!tr && !dxs && !(dxs = hx_alloc(g->m->a, n * W * sizeof *dxs))) {
                rc = HSEC_ENOMEM;
                hx_setmsg(err, "out of memory");
                break;
            }
            if (tr)
                memset(tmp + g->n0, 0, (g->n1 - g->n0) * sizeof *tmp); /* (its part's) */
            for (size_t r = 0; r <= W; r++)
                rbm[r] = 0;
            g->dx = tr ? tmp : dxs;
        }
        if (tr && g->binv)
            scatter_block_sweep(g, x, sum, ch);
        else if (tr)
            scatter_sweep(g, x, sum, ch);
        else if (point)
            point_sweep(g, x, ch);
        else
            sweep(g, x, ch);
        g->iterations++;
        if (g->spectral) { /* the first sweep's bound; when it fails, the whole check */
            g->spectral = false;
            if (!(g->upper < 1) && (rc = hx_check_spectral(g->scx, g->m, NULL, NULL, err))) {
                g->unshown = true;
                break;
            }
        }
        bool small = true, nan = false;
        for (size_t r = 0; r < W; r++) {
            small = small && ch[r] <= g->tol[r];
            nan = nan || ch[r] != ch[r];
        }
        if (nan) {
            hx_setmsg(err, "%s: a value is not a number after %llu iterations", g->what,
                      (unsigned long long)g->iterations);
            rc = HSEC_ENOCONV;
            break;
        }
        if (g->clamp) { /* the projected sweep: nothing moved by more than the tolerance */
            if (small)
                goto solved;
            continue;
        }
        if (!tr && residual_bound(g, ch, point)) /* small enough without a pass */
            goto solved;
        /* a residual pass is worth its cost when every change is within its
         * tolerance, or falls fast enough that its square over the sweep
         * before's (where the next change would be, about the residual now)
         * is within it too; only the pass decides (at 1.45 M nodes this
         * stops the static solve a sweep sooner, after seven, and the
         * adjoint after 18 instead of 19) */
        bool near = true;
        double all = 0; /* the sum's, likewise */
        for (size_t r = 0; r < W; r++) {
            double est = prev[r] > 0 ? ch[r] * (ch[r] / prev[r]) : INFINITY;
            near = near && (ch[r] <= g->tol[r] || est <= g->tol[r]);
            all += est < ch[r] ? est : ch[r];
            prev2[r] = prev[r];
            prev[r] = ch[r];
        }
        if (!near || (g->ttol > 0 && !(all <= g->ttol)))
            continue;
        if (g->dx) { /* the residual bounded from the sweep, without the full pass */
            if (tr)
                lm[0] = maxabs(tmp + g->n0, g->n1 - g->n0, 1);
            else
                late(g, lm);
            for (size_t r = 0; r < W; r++)
                res[r] = rbm[r] + lm[r];
            total = tr ? res[0] : rbm[W] + lm[W];
            g->dx = NULL;
            if (met(g, res, total))
                goto solved;
        }
        if (tr && g->binv) /* a small change need not be a small residual */
            scatter_block_residual(g, x, sum, tmp, res);
        else if (tr)
            scatter_residual(g, x, sum, tmp, res);
        else if (point)
            point_residual(g, x, res);
        else
            residual(g, x, res, &total);
        if (tr || point) /* one right-hand side: its own sum */
            total = res[0];
        if (met(g, res, total))
            goto solved;
        /* every change within its tolerance and the residual still above
         * it: with the blocks' inverses, their rounding (near a spectral
         * radius of 1, cond(I - T_B) times it) can hold the residual there
         * for good, since the sweep settles where the inverses put it; the
         * sweeps go on without them (the transpose's sums, made for the
         * blocks, start again from 0, where the node-by-node sweep starts),
         * which settle where the residual measures */
        bool settled = true;
        for (size_t r = 0; r < W; r++)
            settled = settled && ch[r] <= g->tol[r];
        if (settled && g->binv) {
            hx_free(g->m->a, g->binv);
            g->binv = NULL;
            if (part) /* (every node at once from here) */
                set_part(g, part = 0, NULL);
            if (tr) {
                memset(x, 0, n * sizeof *x);
                memset(sum, 0, n * sizeof *sum);
                for (size_t r = 0; r < W; r++)
                    prev[r] = 0;
            }
        }
        continue;
    solved: /* the part within the tolerance: the solve, or the groups' */
        if (part != 1)
            break;
        fold_groups(g, x, pb, pb + c->nservice);
        set_part(g, part = 2, pb);
        for (size_t r = 0; r < W; r++)
            prev[r] = prev2[r] = 0;
    }
    if (rc == HSEC_ENOCONV && g->iterations >= g->cap) {
        double worst = 0;
        for (size_t r = 0; r < W; r++)
            worst = ch[r] > worst ? ch[r] : worst;
        g->change = worst;
    }
    hx_free(g->m->a, dxs);
    hx_free(g->m->a, pb);
    g->dx = NULL;
    g->rbm = NULL;
    gs_release(g);
    return rc;
}

/*
 * A linear static run's first pass over A': q2 = A' q1 (q1 = b) into q2,
 * and with it, in the same pass, the spectral check's first bound
 * (spectral.c): v = (1 + the row sums) / their largest, and max_i (A' v)_i
 * / v_i below 1 shows the spectral radius of A' below 1 (Collatz-Wielandt),
 * each summed as hx_check_spectral and mat_row sum them (any positive v
 * gives a sound bound; this one is the check's own, so that a failed bound
 * is the check's first too). z: 2 n doubles of
 * scratch (v and b side by side, one read a link for both). True when the
 * radius is shown below 1 (at once when the largest row sum is below 1);
 * false leaves it to hx_check_spectral, which makes the same bound again
 * and goes on to the others.
 */
static bool first_products(const hx_mat *m, double *z, double *q2)
{
    const size_t n = m->n, *rp = m->rowp;
    const uint32_t *col = m->col;
    const double *val = m->val;
    if (m->rowmax < 1) { /* the largest row sum bounds the radius */
        hx_mat_apply(m, false, 1, m->b, q2);
        return true;
    }
    double mx = 0;
    for (size_t i = 0; i < n; i++)
        mx = 1 + m->rsum[i] > mx ? 1 + m->rsum[i] : mx;
    for (size_t i = 0; i < n; i++) {
        z[2 * i] = (1 + m->rsum[i]) / mx;
        z[2 * i + 1] = m->b[i];
    }
    double upper = 0;
    for (size_t i = 0; i < n; i++) {
        double sv = 0, sb = 0;
        for (size_t e = rp[i]; e < rp[i + 1]; e++) {
            sv += val[e] * z[2 * (size_t)col[e]];
            sb += val[e] * z[2 * (size_t)col[e] + 1];
        }
        double r = m->rs[i] * sv / z[2 * i];
        upper = r > upper ? r : upper;
        q2[i] = m->rs[i] * sb;
    }
    return upper < 1;
}

/* A tolerance relative to max |b|, never 0 (a zero right-hand side keeps a
 * zero start exactly, and its changes compare as 0 <= tol). */
static double tol_of(double rel, double bmax)
{
    double t = rel * bmax;
    return t > DBL_MIN ? t : DBL_MIN;
}

/* v clamped to [0, room]: an order within what the orders before it left. */
static inline double within(double v, double room)
{
    v = v < room ? v : room;
    return v > 0 ? v : 0;
}

/*
 * The static state (doc/model.md §3). Linear: every threat's part solves
 * (I - A') p_h = c_h, all together, and q is their sum (c = sum of c_h);
 * q1 = c, q2 = A' q1, q3 = A' q2,
 * q4 = q - q1 - q2 - q3. Bounded: q is the least fixed point of
 * q = min(1, A' q + c), reached by the projected sweep from 0; the orders
 * follow in closed form, q1 = min(c, 1), q2 = min(A' q1, 1 - q1),
 * q3 = min(A' q2, 1 - q1 - q2), q4 the rest; each threat's part solves
 * p_h = S (c_h + A' p_h) with s_i = q_i / (c_i + (A' q)_i) (1 where that
 * is 0). The iterations reported are the sweeps that found q.
 */
int hx_static(ctx *x, uint64_t *iterations, char *err)
{
    const size_t n = x->n, H = x->H, P = x->P;
    const bool bounded = x->bounded;
    const uint64_t cap = (uint64_t)x->s->opt[HSEC_OPT_MAX_ITERATIONS];
    hx_mat m;
    int rc;
    double *sol = NULL, *y = NULL, *scale = NULL, *tol = NULL;
    /* Linear: c is the sum of the threats' c_h (each (threat, node) pair is
     * one target), so q is the sum of their parts and only the parts are
     * solved; bounded: q alone, its parts after it. */
    size_t W = bounded ? 1 : H;
    if ((rc = hx_mat_assemble(&m, x, true)))
        goto nomem;
    /* sol at least 2 n: the first products (first_products) work in it; a
     * bounded solve starts from 0, a linear one is cleared after them. y:
     * the orders' q1 and q2 (bounded), q2 alone (linear: q1 is b), every
     * entry written before it is read. (Clearing what is written anyway
     * cost a first static call at 1.45 M nodes a pass over 30 MB.) */
    size_t solw = W > 2 ? W : 2;
    sol = bounded ? hx_calloc(x->a, n ? n : 1, solw * sizeof *sol)
                  : hx_alloc(x->a, (n ? n : 1) * solw * sizeof *sol);
    y = hx_alloc(x->a, (n ? n : 1) * (bounded ? 2 : 1) * sizeof *y);
    tol = hx_calloc(x->a, H ? H : 1, sizeof *tol);
    if (!sol || !y || !tol)
        goto nomem;
    if (!bounded) { /* q2 into y, and the radius shown below 1 */
        if (!first_products(&m, sol, y) && (rc = hx_check_spectral(x, &m, sol, NULL, err)))
            goto done;
        memset(sol, 0, n * W * sizeof *sol); /* the solve starts from 0 */
    }
    if (bounded)
        tol[0] = HX_TOL_BOUNDED;
    else /* each part to its own tolerance, and their sum, q, to the total's */
        for (size_t h = 0; h < H; h++)
            tol[h] = tol_of(HX_TOL_LINEAR, m.bhmax[h]);
    hx_gs g = {.m = &m, .clamp = bounded, .W = W, .rhs = bounded ? m.b : m.bh, .tol = tol,
               .ttol = bounded ? 0 : tol_of(HX_TOL_LINEAR, m.bmax),
               .exact = !bounded, .krylov = !bounded, .cap = cap,
               .what = bounded ? "the static bounded solve" : "the static linear solve"};
    rc = W ? hx_gs_solve(&g, sol, x, err) : HSEC_OK;
    *iterations = g.iterations;
    if (rc == HSEC_ENOCONV && g.iterations >= cap) {
        if (bounded) /* the cap ends a bounded iteration where it is */
            rc = HSEC_OK;
        else
            hx_setmsg(err, "linear mode: no convergence in %llu iterations (change %g; "
                      "raise run.max_iterations)", (unsigned long long)cap, g.change);
    }
    if (rc)
        goto done;

    /* orders, straight into the state: q1, then q2 = A' q1, then q3 = A' q2
     * row by row as each node's record is written whole (one pass over the
     * state rather than one an order); bounded, each clamped to the room
     * the orders before it leave (run.c hands the records out). */
    double *st = x->st, *q1 = bounded ? y : m.b, *q2 = bounded ? y + n : y;
    for (size_t i = 0; i < n && bounded; i++)
        q1[i] = m.b[i] > 1 ? 1 : m.b[i];
    if (bounded) /* (linear: q2 came with the spectral check) */
        hx_mat_apply(&m, false, 1, q1, q2);
    for (size_t i = 0; i < n && bounded; i++)
        q2[i] = within(q2[i], 1 - q1[i]);
    for (size_t i = 0; i < n; i++) {
        /* the orders in registers, each stored from them: copied from
         * memory, a 16-byte load over two 8-byte stores waits for every
         * store before it (a record of the state not yet in the cache) to
         * leave the store buffer, node after node */
        double q = 0, q3 = mat_row(&m, i, q2), *si = st + i * P;
        double o0 = q1[i], o1 = q2[i], o2 = bounded ? within(q3, 1 - q1[i] - q2[i]) : q3;
        if (bounded)
            q = sol[i];
        else
            for (size_t h = 0; h < H; h++)
                q += sol[i * W + h];
        double o3 = q - o0 - o1 - o2;
        if (bounded && o3 < 0) /* a rounding error below the closed form's sum */
            o3 = 0;
        /* every field of the record, the state not cleared (run.c): the
         * threats' parts (bounded: below) and an initial source's, none */
        for (size_t k = 4; k < P; k++)
            si[k] = !bounded && k - 4 < H ? sol[i * W + (k - 4)] : 0;
        si[0] = o0;
        si[1] = o1;
        si[2] = o2;
        si[3] = o3;
    }
    if (bounded && H) { /* threats' parts: p_h = S (c_h + A' p_h) */
        double *q = y, *aq = y + n;
        for (size_t i = 0; i < n; i++)
            q[i] = sol[i];
        hx_mat_apply(&m, false, 1, q, aq);
        hx_free(x->a, sol);
        sol = hx_calloc(x->a, n ? n : 1, H * sizeof *sol);
        scale = hx_alloc(x->a, (n ? n : 1) * sizeof *scale);
        if (!sol || !scale)
            goto nomem;
        for (size_t i = 0; i < n; i++) {
            double d = m.b[i] + aq[i];
            scale[i] = d > 0 ? q[i] / d : 1;
        }
        for (size_t h = 0; h < H; h++)
            tol[h] = tol_of(HX_TOL_LINEAR, m.bhmax[h]);
        /* an attribution of the q found, even when the cap stopped it there */
        uint64_t pcap = cap > HX_PARTS_ITERATIONS ? cap : HX_PARTS_ITERATIONS;
        hx_gs gp = {.m = &m, .W = H, .rhs = m.bh, .scale = scale, .tol = tol, .cap = pcap,
                    .what = "the threats' parts of a static bounded run"};
        rc = hx_gs_solve(&gp, sol, x, err);
        if (rc == HSEC_ENOCONV && gp.iterations >= cap)
            hx_setmsg(err, "static bounded: the threats' parts did not converge in %llu "
                      "iterations (change %g; raise run.max_iterations)",
                      (unsigned long long)pcap, gp.change);
        if (rc)
            goto done;
        for (size_t i = 0; i < n; i++)
            for (size_t h = 0; h < H; h++)
                x->st[i * P + 4 + h] = sol[i * H + h];
    }
    goto done;
nomem:
    hx_setmsg(err, "out of memory");
    rc = HSEC_ENOMEM;
done:
    hx_mat_free(&m);
    hx_free(x->a, sol);
    hx_free(x->a, y);
    hx_free(x->a, scale);
    hx_free(x->a, tol);
    return rc;
}
