/*
 * Random models for the dense reference (ref.h): one group (nodes 0..6,
 * 1000 persons) and a few services, random links, threats and measures,
 * and the same model built through the API.
 */
#ifndef HSEC_TEST_RANDOM_MODEL_H
#define HSEC_TEST_RANDOM_MODEL_H

#include "util.h"
#include "ref.h"

static inline double urand(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return ((*seed >> 8) & 0xffffff) / 16777216.0;
}

static inline const char *node_name(int i, char *buf)
{
    if (i < 7)
        sprintf(buf, "g.%s", dim_names[i]);
    else
        sprintf(buf, "s%d", i - 7);
    return buf;
}

/* A threat on about 3 nodes in 10 of n. */
static inline void random_threat(ref_threat *T, int n, unsigned *seed)
{
    T->start = (int)(urand(seed) * 5);
    T->dur = urand(seed) < 0.3 ? -1 : 1 + (int)(urand(seed) * 20);
    T->like = 0.2 + 0.8 * urand(seed);
    for (int i = 0; i < n; i++)
        T->mag[i] = urand(seed) < 0.3 ? urand(seed) : 0;
}

/* One group (nodes 0..6) and ns services; random links, threats, measures. */
static inline void random_model(ref_model *M, unsigned *seed, double wmax, bool lags, bool measures,
                         bool init)
{
    memset(M, 0, sizeof *M);
    int ns = 1 + (int)(urand(seed) * 6);
    M->n = 7 + ns;
    for (int i = 0; i < M->n; i++) {
        M->v[i] = i < 7 ? 0.5 + urand(seed) : 1;
        M->k[i] = 0.05 + 0.95 * urand(seed);
        M->init[i] = init && urand(seed) < 0.3 ? urand(seed) : 0;
    }
    M->nl = 5 + (int)(urand(seed) * 30);
    static bool used[REF_MAXN][REF_MAXN];
    memset(used, 0, sizeof used);
    for (int l = 0; l < M->nl; l++) {
        int f, t, tries = 0;
        do {
            f = (int)(urand(seed) * M->n);
            t = (int)(urand(seed) * M->n);
        } while (used[t][f] && ++tries < 100);
        if (used[t][f]) {
            M->nl = l;
            break;
        }
        used[t][f] = true;
        ref_link L = {f, t, lags ? (int)(urand(seed) * 4) : 0, wmax * urand(seed)};
        M->l[l] = L;
    }
    M->nt = 1 + (int)(urand(seed) * 3);
    for (int h = 0; h < M->nt; h++)
        random_threat(&M->t[h], M->n, seed);
    M->nm = measures ? (int)(urand(seed) * REF_MAXM) : 0;
    for (int mi = 0; mi < M->nm; mi++) {
        ref_measure *X = &M->m[mi];
        X->effect = (int)(urand(seed) * 4);
        X->f = X->effect == 2 ? 0.5 * urand(seed) : urand(seed);
        X->start = (int)(urand(seed) * 6);
        X->dur = urand(seed) < 0.4 ? -1 : 1 + (int)(urand(seed) * 15);
        X->ramp = urand(seed) < 0.5 ? 0 : 1 + (int)(urand(seed) * 5);
        for (int i = 0; i < M->n; i++)
            X->node[i] = urand(seed) < 0.4;
        for (int l = 0; l < M->nl; l++)
            X->link[l] = urand(seed) < 0.3;
    }
}

/* Onset rates (a rate, or a time in steps, 0 among them) on about a share
 * `p` of the nodes; the others keep their own rate. */
static inline void random_onsets(ref_model *M, unsigned *seed, double p)
{
    for (int i = 0; i < M->n; i++) {
        double u = urand(seed);
        M->okind[i] = u < p / 2 ? REF_ONSET_RATE : u < p ? REF_ONSET_TIME : REF_ONSET_NONE;
        if (M->okind[i] == REF_ONSET_RATE)
            M->ko[i] = 0.05 + 0.95 * urand(seed);
        else if (M->okind[i] == REF_ONSET_TIME)
            M->ko[i] = urand(seed) < 0.2 ? 0 : (double)(int)(1 + 30 * urand(seed));
    }
}

/* Baselines on some of the group's nodes. */
static inline void random_baselines(ref_model *M, unsigned *seed)
{
    for (int i = 0; i < 7; i++)
        M->base[i] = urand(seed) < 0.4 ? 0.9 * urand(seed) : 0;
}

static inline hsec_scenario *to_hsec(const ref_model *M)
{
    char a[64], b[64];
    hsec_model *m = one_group(1000);
    for (int i = 7; i < M->n; i++)
        OK(hsec_model_add_service(m, node_name(i, a), HSEC_SERVICE_OTHER, "r"));
    for (int i = 0; i < M->n; i++) {
        node_name(i, a);
        if (i < 7)
            OK(hsec_model_set(m, a, HSEC_PARAM_VULNERABILITY, M->v[i]));
        OK(hsec_model_set(m, a, HSEC_PARAM_RECOVERY, M->k[i]));
        OK(hsec_model_set(m, a, HSEC_PARAM_INITIAL, M->init[i]));
        if (M->okind[i] == REF_ONSET_RATE)
            OK(hsec_model_set(m, a, HSEC_PARAM_ONSET, M->ko[i]));
        if (M->okind[i] == REF_ONSET_TIME)
            OK(hsec_model_set(m, a, HSEC_PARAM_ONSET_TIME, M->ko[i]));
        if (i < 7 && M->base[i] > 0)
            OK(hsec_model_set(m, a, HSEC_PARAM_BASELINE, M->base[i]));
    }
    for (int l = 0; l < M->nl; l++)
        OK(hsec_model_add_link(m, node_name(M->l[l].from, a), node_name(M->l[l].to, b),
                               M->l[l].w, M->l[l].lag));
    hsec_scenario *s = scenario_of(m);
    for (int h = 0; h < M->nt; h++) {
        const ref_threat *T = &M->t[h];
        char id[16];
        sprintf(id, "t%d", h);
        OK(hsec_scenario_add_threat(s, id, HSEC_THREAT_ADVERSARY));
        OK(hsec_scenario_set_threat(s, id, HSEC_TIMING_START, T->start));
        OK(hsec_scenario_set_threat(s, id, HSEC_TIMING_DURATION,
                                    T->dur < 0 ? HSEC_PERSISTENT : T->dur));
        OK(hsec_scenario_set_threat(s, id, HSEC_TIMING_LIKELIHOOD, T->like));
        for (int i = 0; i < M->n; i++)
            if (T->mag[i] > 0)
                OK(hsec_scenario_add_threat_target(s, id, node_name(i, a), T->mag[i]));
    }
    for (int mi = 0; mi < M->nm; mi++) {
        const ref_measure *X = &M->m[mi];
        char id[16];
        sprintf(id, "m%d", mi);
        OK(hsec_scenario_add_measure(s, id, HSEC_PROTECTION, (hsec_effect)X->effect,
                                     HSEC_BY_MILITARY, X->f));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_START, X->start));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_DURATION,
                                     X->dur < 0 ? HSEC_PERSISTENT : X->dur));
        OK(hsec_scenario_set_measure(s, id, HSEC_TIMING_RAMP, X->ramp));
        if (X->effect == HSEC_DECOUPLE) {
            for (int l = 0; l < M->nl; l++)
                if (X->link[l])
                    OK(hsec_scenario_add_measure_link(s, id, node_name(M->l[l].from, a),
                                                      node_name(M->l[l].to, b)));
        } else {
            for (int i = 0; i < M->n; i++)
                if (X->node[i])
                    OK(hsec_scenario_add_measure_target(s, id, node_name(i, a)));
        }
    }
    return s;
}

#endif
