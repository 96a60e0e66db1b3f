/*
 * A dense, direct transcription of doc/model.md §2-§4, written
 * independently of the library's sparse engine, used as the brute-force
 * oracle for random models. Small n only.
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

typedef struct ref_model {
    int n, nl, nt, nm;
    double v[REF_MAXN], k[REF_MAXN], init[REF_MAXN];
    ref_link l[REF_MAXL];
    ref_threat t[REF_MAXT];
    ref_measure m[REF_MAXM];
} ref_model;

/* q[t][i][o]: orders of node i at step t; tot[t][i]. */
typedef struct ref_out {
    double q[REF_MAXSTEPS + 1][REF_MAXN][4];
    double part[REF_MAXSTEPS + 1][REF_MAXN][REF_MAXT];
    double tot[REF_MAXSTEPS + 1][REF_MAXN];
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

/* Dynamic run, doc/model.md §4, with per-threat parts (no initial
 * degradation when parts are compared). */
static inline void ref_dynamic(const ref_model *M, int steps, bool bounded, ref_out *o)
{
    static double A[REF_MAXN][REF_MAXN], c[REF_MAXT][REF_MAXN];
    double k[REF_MAXN];
    memset(o, 0, sizeof *o);
    for (int i = 0; i < M->n; i++) {
        o->q[0][i][0] = M->init[i];
        o->tot[0][i] = M->init[i];
    }
    for (int t = 0; t < steps; t++) {
        ref_coeffs(M, t, false, A, c, k);
        for (int i = 0; i < M->n; i++) {
            double in[4] = {0, 0, 0, 0}, inp[REF_MAXT] = {0};
            for (int l = 0; l < M->nl; l++) {
                if (M->l[l].to != i)
                    continue;
                int j = M->l[l].from, tl = t - M->l[l].lag;
                if (tl < 0)
                    tl = 0; /* q_j(t) = q_j(0) for t < 0 */
                double a = A[i][j];
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
            double nq[4], np[REF_MAXT], sum = 0;
            for (int r = 0; r < 4; r++) {
                nq[r] = o->q[t][i][r] + k[i] * (in[r] - o->q[t][i][r]);
                sum += nq[r];
            }
            for (int h = 0; h < M->nt; h++)
                np[h] = o->part[t][i][h] + k[i] * (inp[h] + c[h][i] - o->part[t][i][h]);
            double scale = (bounded && sum > 1) ? 1 / sum : 1;
            for (int r = 0; r < 4; r++)
                o->q[t + 1][i][r] = nq[r] * scale;
            for (int h = 0; h < M->nt; h++)
                o->part[t + 1][i][h] = np[h] * scale;
            o->tot[t + 1][i] = sum * scale;
        }
    }
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
    for (int col = 0; col < n; col++) {
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (fabs(B[r][col]) > fabs(B[piv][col]))
                piv = r;
        for (int j = 0; j <= n; j++) {
            double tmp = B[col][j];
            B[col][j] = B[piv][j];
            B[piv][j] = tmp;
        }
        for (int r = 0; r < n; r++) {
            if (r == col)
                continue;
            double f = B[r][col] / B[col][col];
            for (int j = col; j <= n; j++)
                B[r][j] -= f * B[col][j];
        }
    }
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
