/*
 * A dense, direct transcription of doc/model.md §2-§5, written
 * independently of the library's sparse engine, used as the brute-force
 * oracle for random models. Small n only.
 *
 * The model as revised 2026-12: two rates per node (a node whose target
 * T_i = (A' q_lag)_i + c_i is above its total q_i moves at its onset rate
 * ko_i, otherwise at its recovery rate kr_i = min(1, k_i + recover deltas));
 * the bounded clamp takes a node's excess over 1 from order 4+ first, then
 * 3, 2, 1, and scales the threats' and the initial parts by 1 / total; the
 * reported split of the propagated part into orders is by precedence, order
 * 1 first (ref_split).
 */
#ifndef HSEC_TEST_REF_H
#define HSEC_TEST_REF_H

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAXN 24
#define REF_MAXL 64
#define REF_MAXT 12
#define REF_MAXM 6
#define REF_MAXSTEPS 3000
/* How close a target may come to the total before the rate chosen turns on
 * rounding (a few ulps of numbers <= 1): see ref_out. */
#ifndef REF_TIE_TOL
#define REF_TIE_TOL 2e-15
#endif

typedef struct ref_link { int from, to, lag; double w; } ref_link;
typedef struct ref_threat {
    int start, dur; /* dur < 0: persistent */
    double like;
    double mag[REF_MAXN];
} ref_threat;
typedef struct ref_measure {
    int effect; /* 0 shield, 1 decouple, 2 recover, 3 reduce_vulnerability */
    double f;
    int start, dur, ramp;
    bool node[REF_MAXN];
    bool link[REF_MAXL];
} ref_measure;

/* How a node's onset rate is given (doc/model.md §2). */
enum { REF_ONSET_NONE = 0, REF_ONSET_RATE = 1, REF_ONSET_TIME = 2 };

typedef struct ref_model {
    int n, nl, nt, nm;
    double v[REF_MAXN], k[REF_MAXN], init[REF_MAXN];
    /* onset: okind[i] REF_ONSET_NONE (ko = k, before recover measures),
     * REF_ONSET_RATE (ko[i] is the rate) or REF_ONSET_TIME (ko[i] is a time
     * in steps, converted as a recovery time with lambda 0.01; 0: rate 1) */
    int okind[REF_MAXN];
    double ko[REF_MAXN];
    double base[REF_MAXN]; /* baseline, group nodes only; not propagated */
    ref_link l[REF_MAXL];
    ref_threat t[REF_MAXT];
    ref_measure m[REF_MAXM];
} ref_model;

/* q[t][i][o]: orders of node i at step t; tot[t][i]. near_ties counts the
 * node-steps whose target came within rounding of the total (|T - q| <=
 * REF_TIE_TOL (1 + q)) while the two rates differ and the parts were not at
 * their own targets: there the rate, and so the split of q into parts (not
 * q itself, which moves by rate (T - q) ~ 0 either way), turns on the last
 * bits of T, which another evaluation order may round the other way.
 * Compare parts only when it is 0. */
typedef struct ref_out {
    double q[REF_MAXSTEPS + 1][REF_MAXN][4];
    double part[REF_MAXSTEPS + 1][REF_MAXN][REF_MAXT];
    double tot[REF_MAXSTEPS + 1][REF_MAXN];
    int near_ties;
} ref_out;

static inline double ref_ramp(int start, int dur, int ramp, int t, bool full)
{
    if (full)
        return 1;
    if (t < start || (dur >= 0 && t > start + dur - 1))
        return 0;
    if (ramp <= 0)
        return 1;
    double r = (double)(t - start + 1) / ramp;
    return r < 1 ? r : 1;
}

/* A'(t) (dense), c(t) per threat, k(t). */
static inline void ref_coeffs(const ref_model *M, int t, bool full, double A[REF_MAXN][REF_MAXN],
                       double c[REF_MAXT][REF_MAXN], double *k)
{
    double vt[REF_MAXN], sig[REF_MAXN];
    for (int i = 0; i < M->n; i++) {
        double pr = 1, ps = 1, kk = M->k[i];
        for (int m = 0; m < M->nm; m++) {
            const ref_measure *me = &M->m[m];
            if (!me->node[i])
                continue;
            double fr = me->f * ref_ramp(me->start, me->dur, me->ramp, t, full);
            if (me->effect == 3) pr *= 1 - fr;
            if (me->effect == 0) ps *= 1 - fr;
            if (me->effect == 2) kk += fr;
        }
        vt[i] = M->v[i] * pr; /* v (1 - r), r = 1 - prod(1 - f ramp) */
        sig[i] = 1 - ps;
        k[i] = kk < 1 ? kk : 1;
    }
    memset(A, 0, sizeof(double) * REF_MAXN * REF_MAXN);
    for (int l = 0; l < M->nl; l++) {
        double pd = 1;
        for (int m = 0; m < M->nm; m++) {
            const ref_measure *me = &M->m[m];
            if (me->effect == 1 && me->link[l])
                pd *= 1 - me->f * ref_ramp(me->start, me->dur, me->ramp, t, full);
        }
        int i = M->l[l].to, j = M->l[l].from;
        A[i][j] = vt[i] * pd * M->l[l].w;
    }
    for (int h = 0; h < M->nt; h++) {
        const ref_threat *th = &M->t[h];
        bool on = full || (t >= th->start && (th->dur < 0 || t <= th->start + th->dur - 1));
        for (int i = 0; i < M->n; i++)
            c[h][i] = on ? vt[i] * (1 - sig[i]) * th->like * th->mag[i] : 0;
    }
}

/* The onset rate of node i (doc/model.md §2): the rate given, a time
 * converted as a recovery time is (k = min(1, -ln(lambda) / (tau (1 - a_ii))),
 * a_ii the raw self-link weight, lambda 0.01; tau 0: 1), or else the node's
 * own rate before any recover measure. */
static inline double ref_onset(const ref_model *M, int i)
{
    if (M->okind[i] == REF_ONSET_RATE)
        return M->ko[i];
    if (M->okind[i] != REF_ONSET_TIME)
        return M->k[i];
    if (M->ko[i] == 0)
        return 1;
    double aii = 0;
    for (int l = 0; l < M->nl; l++)
        if (M->l[l].from == i && M->l[l].to == i)
            aii = M->l[l].w;
    double r = -log(0.01) / (M->ko[i] * (1 - aii));
    return r < 1 ? r : 1;
}

/* The bounded clamp of one node (doc/model.md §4): a total above 1 gives
 * its excess up from order 4+ first, then 3, 2, 1; the sources' parts
 * (threats, and what the initial degradation leaves) keep their proportions,
 * scaled by 1 / total. Returns the clamped total. */
static inline double ref_clamp(double ord[4], double *part, int np)
{
    double tot = ord[0] + ord[1] + ord[2] + ord[3];
    if (!(tot > 1))
        return tot;
    double excess = tot - 1;
    for (int r = 3; r >= 0; r--) {
        double cut = ord[r] < excess ? ord[r] : excess;
        ord[r] -= cut;
        excess -= cut;
    }
    for (int h = 0; h < np; h++)
        part[h] /= tot;
    return 1;
}

/* The reported split of a node's propagated part p = min(1 - baseline, q)
 * into orders (doc/model.md §5): by precedence, order 1 first. */
static inline void ref_split(const double ord[4], double q, double base, double out[4])
{
    double p = 1 - base < q ? 1 - base : q;
    double left = p;
    for (int r = 0; r < 3; r++) {
        out[r] = ord[r] < left ? ord[r] : left;
        left -= out[r];
    }
    out[3] = left;
}

/* Dynamic run, doc/model.md §4, with per-threat parts (what they leave of
 * the total is the initial degradation's part). Each node and step: the
 * target from the lagged totals and c; rising (target above the total)
 * moves every part at the onset rate, falling or still at the recovery
 * rate; then the bounded clamp. */
static inline void ref_dynamic(const ref_model *M, int steps, bool bounded, ref_out *o)
{
    static double A[REF_MAXN][REF_MAXN], c[REF_MAXT][REF_MAXN];
    double kr[REF_MAXN], ko[REF_MAXN];
    memset(o, 0, sizeof *o);
    for (int i = 0; i < M->n; i++) {
        o->q[0][i][0] = M->init[i];
        o->tot[0][i] = M->init[i];
        ko[i] = ref_onset(M, i);
    }
    for (int t = 0; t < steps; t++) {
        ref_coeffs(M, t, false, A, c, kr);
        for (int i = 0; i < M->n; i++) {
            double in[4] = {0, 0, 0, 0}, inp[REF_MAXT] = {0}, target = 0;
            for (int l = 0; l < M->nl; l++) {
                if (M->l[l].to != i)
                    continue;
                int j = M->l[l].from, tl = t - M->l[l].lag;
                if (tl < 0)
                    tl = 0; /* q_j(t) = q_j(0) for t < 0 */
                double a = A[i][j];
                target += a * o->tot[tl][j];
                in[1] += a * o->q[tl][j][0];
                in[2] += a * o->q[tl][j][1];
                in[3] += a * (o->q[tl][j][2] + o->q[tl][j][3]);
                for (int h = 0; h < M->nt; h++)
                    inp[h] += a * o->part[tl][j][h];
            }
            double ctot = 0;
            for (int h = 0; h < M->nt; h++)
                ctot += c[h][i];
            in[0] = ctot;
            target += ctot;
            double rate = target > o->tot[t][i] ? ko[i] : kr[i];
            if (fabs(target - o->tot[t][i]) <= REF_TIE_TOL * (1 + o->tot[t][i]) && ko[i] != kr[i]) {
                double away = 0; /* how far the parts are from their targets */
                for (int r = 0; r < 4; r++)
                    away = fmax(away, fabs(in[r] - o->q[t][i][r]));
                for (int h = 0; h < M->nt; h++)
                    away = fmax(away, fabs(inp[h] + c[h][i] - o->part[t][i][h]));
                if (fabs(ko[i] - kr[i]) * away > 1e-15)
                    o->near_ties++;
            }
            double nq[4], np[REF_MAXT];
            for (int r = 0; r < 4; r++)
                nq[r] = o->q[t][i][r] + rate * (in[r] - o->q[t][i][r]);
            for (int h = 0; h < M->nt; h++)
                np[h] = o->part[t][i][h] + rate * (inp[h] + c[h][i] - o->part[t][i][h]);
            double tot = bounded ? ref_clamp(nq, np, M->nt) : nq[0] + nq[1] + nq[2] + nq[3];
            for (int r = 0; r < 4; r++)
                o->q[t + 1][i][r] = nq[r];
            for (int h = 0; h < M->nt; h++)
                o->part[t + 1][i][h] = np[h];
            o->tot[t + 1][i] = tot;
        }
    }
}

/* Static bounded, doc/model.md §3: the least fixed point of
 * q <- min(1, A' q + c) from 0 (iterated until nothing moves, or `cap`
 * iterations), and its orders in closed form: q1 = min(c, 1),
 * q2 = min(A' q1, 1 - q1), q3 = min(A' q2, 1 - q1 - q2), q4 the rest.
 * Returns the iterations used. */
static inline long ref_static_bounded(const ref_model *M, double q[REF_MAXN],
                                      double ord[REF_MAXN][4], long cap)
{
    static double A[REF_MAXN][REF_MAXN], c[REF_MAXT][REF_MAXN];
    double k[REF_MAXN], ct[REF_MAXN], nq[REF_MAXN];
    int n = M->n;
    ref_coeffs(M, 0, true, A, c, k);
    for (int i = 0; i < n; i++) {
        ct[i] = 0;
        for (int h = 0; h < M->nt; h++)
            ct[i] += c[h][i];
        q[i] = 0;
    }
    long it = 0;
    for (; it < cap; it++) {
        double ch = 0;
        for (int i = 0; i < n; i++) {
            double x = ct[i];
            for (int j = 0; j < n; j++)
                x += A[i][j] * q[j];
            nq[i] = x < 1 ? x : 1;
            ch = fabs(nq[i] - q[i]) > ch ? fabs(nq[i] - q[i]) : ch;
        }
        memcpy(q, nq, sizeof(double) * (size_t)n);
        if (ch == 0)
            break;
    }
    for (int i = 0; i < n; i++)
        ord[i][0] = ct[i] < 1 ? ct[i] : 1;
    for (int r = 1; r < 3; r++)
        for (int i = 0; i < n; i++) {
            double x = 0, room = 1;
            for (int j = 0; j < n; j++)
                x += A[i][j] * ord[j][r - 1];
            for (int s = 0; s < r; s++)
                room -= ord[i][s];
            ord[i][r] = x < room ? x : room;
        }
    for (int i = 0; i < n; i++)
        ord[i][3] = q[i] - ord[i][0] - ord[i][1] - ord[i][2];
    return it;
}

/* Gauss-Jordan elimination with partial pivoting of the n x (n + 1)
 * augmented system in B (rows stride values apart), in place: the solution
 * is B[i][n] / B[i][i] after it. */
static inline void ref_gauss_jordan(double *B, int n, int stride)
{
#define REF_B(r, c) B[(size_t)(r) * (size_t)stride + (size_t)(c)]
    for (int col = 0; col < n; col++) {
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (fabs(REF_B(r, col)) > fabs(REF_B(piv, col)))
                piv = r;
        for (int j = 0; j <= n; j++) {
            double tmp = REF_B(col, j);
            REF_B(col, j) = REF_B(piv, j);
            REF_B(piv, j) = tmp;
        }
        for (int r = 0; r < n; r++) {
            if (r == col)
                continue;
            double f = REF_B(r, col) / REF_B(col, col);
            for (int j = col; j <= n; j++)
                REF_B(r, j) -= f * REF_B(col, j);
        }
    }
#undef REF_B
}

/* Static linear: q = (I - A')^-1 c by Gaussian elimination with partial
 * pivoting; orders q1 = c, q2 = A'c, q3 = A'q2, q4 = q - q1 - q2 - q3. */
static inline void ref_static_linear(const ref_model *M, double q[REF_MAXN], double ord[REF_MAXN][4])
{
    static double A[REF_MAXN][REF_MAXN], c[REF_MAXT][REF_MAXN];
    double k[REF_MAXN], B[REF_MAXN][REF_MAXN + 1];
    int n = M->n;
    ref_coeffs(M, 0, true, A, c, k);
    for (int i = 0; i < n; i++) {
        double ci = 0;
        for (int h = 0; h < M->nt; h++)
            ci += c[h][i];
        for (int j = 0; j < n; j++)
            B[i][j] = (i == j) - A[i][j];
        B[i][n] = ci;
        ord[i][0] = ci;
    }
    ref_gauss_jordan(&B[0][0], n, REF_MAXN + 1);
    for (int i = 0; i < n; i++)
        q[i] = B[i][n] / B[i][i];
    for (int i = 0; i < n; i++) {
        ord[i][1] = 0;
        for (int j = 0; j < n; j++)
            ord[i][1] += A[i][j] * ord[j][0];
    }
    for (int i = 0; i < n; i++) {
        ord[i][2] = 0;
        for (int j = 0; j < n; j++)
            ord[i][2] += A[i][j] * ord[j][1];
        ord[i][3] = q[i] - ord[i][0] - ord[i][1] - ord[i][2];
    }
}

#endif
