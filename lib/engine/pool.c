/*
 * Threads sharing the sweeps of one run. Each step the caller wakes the
 * workers, sweeps its own rows, and waits for theirs; rows are
 * independent within a step (Jacobi), so the results are the same, bit
 * for bit, whatever the number of threads.
 */
#include "engine.h"

#include <pthread.h>

typedef struct pool {
    ctx *x;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen, t;
    size_t pending, started;
    bool quit;
    double ch[HX_MAX_THREADS];
    struct warg {
        struct pool *p;
        size_t k;
    } arg[HX_MAX_THREADS];
    pthread_t th[HX_MAX_THREADS];
} pool;

static void *worker(void *arg)
{
    struct warg *a = arg;
    pool *p = a->p;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        seen = p->gen;
        bool quit = p->quit;
        uint64_t t = p->t;
        pthread_mutex_unlock(&p->mu);
        if (quit)
            return NULL;
        double ch = hx_sweep_rows(p->x, t, a->k);
        pthread_mutex_lock(&p->mu);
        p->ch[a->k] = ch;
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

void hx_pool_stop(ctx *x)
{
    pool *p = x->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = true;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 0; k < p->started; k++)
        pthread_join(p->th[k], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    hx_free(x->a, p);
    x->pool = NULL;
}

/*
 * Split the rows among `want` threads (fewer when the model is small or a
 * thread cannot be started), by links plus a share for each node's own
 * work. HSEC_ENOMEM on allocation failure; nothing else fails.
 */
int hx_pool_start(ctx *x, size_t want)
{
    const hsec_compiled *c = x->c;
    size_t T = want;
    if (T > x->n / 1024)
        T = x->n / 1024;
    if (T > HX_MAX_THREADS)
        T = HX_MAX_THREADS;
    if (x->G > HX_GMAX) /* the instances' scratch arrays are per call only up to HX_GMAX */
        T = 1;
    if (T < 1)
        T = 1;
    x->T = 1;
    if (T == 1)
        return HSEC_OK;
    pool *p = hx_calloc(x->a, 1, sizeof *p);
    x->cut = hx_calloc(x->a, T + 1, sizeof *x->cut);
    x->w0 = hx_calloc(x->a, T, sizeof *x->w0);
    if (!p || !x->cut || !x->w0) {
        hx_free(x->a, p);
        return HSEC_ENOMEM;
    }
    p->x = x;
    bool mu = !pthread_mutex_init(&p->mu, NULL), go = mu && !pthread_cond_init(&p->go, NULL),
         done = go && !pthread_cond_init(&p->done, NULL);
    if (!done) { /* one thread, then */
        if (go)
            pthread_cond_destroy(&p->go);
        if (mu)
            pthread_mutex_destroy(&p->mu);
        hx_free(x->a, p);
        return HSEC_OK;
    }
    x->pool = p;
    for (size_t k = 1; k < T; k++) {
        p->arg[p->started].p = p;
        p->arg[p->started].k = k;
        if (pthread_create(&p->th[p->started], NULL, worker, &p->arg[p->started]))
            break;
        p->started++;
    }
    T = p->started + 1;
    double total = (double)c->rowp[x->n] + 2.0 * (double)x->n;
    x->cut[0] = 0;
    for (size_t k = 1; k < T; k++) { /* the first row whose cost reaches k/T of the total */
        double target = total * (double)k / (double)T;
        size_t lo = x->cut[k - 1], hi = x->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((double)c->rowp[mid] + 2.0 * (double)mid < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        x->cut[k] = lo;
    }
    x->cut[T] = x->n;
    for (size_t k = 0; k < T; k++)
        x->w0[k] = hx_walk_at(x, x->cut[k]);
    x->T = T;
    return HSEC_OK;
}


double hx_pool_sweep(ctx *x, uint64_t t)
{
    pool *p = x->pool;
    pthread_mutex_lock(&p->mu);
    p->t = t;
    p->pending = x->T - 1;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    double maxch = hx_sweep_rows(x, t, 0);
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 1; k < x->T && maxch == maxch; k++) /* as one sweep: NaN if any */
        if (p->ch[k] > maxch || p->ch[k] != p->ch[k])
            maxch = p->ch[k];
    return maxch;
}
