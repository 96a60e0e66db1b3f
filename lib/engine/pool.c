/*
 * Threads sharing the steps of one run. Each step the caller wakes the
 * workers and all of them, the caller too, take the step's chunks from a
 * shared counter until none is left (a thread the system holds back
 * delays no one: the others take its share); then the caller waits for
 * the last chunk. Rows are independent within a step (each reads the
 * previous step's values), and every chunk's sums are added in chunk
 * order, so the results are the same, bit for bit, whatever the number of
 * threads.
 */
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct pool {
    ctx *x;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen;
    size_t running, started; /* workers still in this step; workers started */
    bool quit;
    atomic_size_t next; /* the next chunk to take */
    pthread_t th[HX_MAX_THREADS];
} pool;

static void take_chunks(pool *p)
{
    ctx *x = p->x;
    for (;;) {
        size_t k = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (k >= x->nchunk)
            return;
        hx_step_chunk(x, k);
    }
}

static void *worker(void *arg)
{
    pool *p = arg;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->gen == seen && !p->quit)
            pthread_cond_wait(&p->go, &p->mu);
        seen = p->gen;
        bool quit = p->quit;
        pthread_mutex_unlock(&p->mu);
        if (quit)
            return NULL;
        take_chunks(p);
        pthread_mutex_lock(&p->mu);
        if (--p->running == 0)
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
    x->T = 1;
}

int hx_pool_start(ctx *x, size_t want)
{
    size_t T = want;
    if (T > x->nchunk)
        T = x->nchunk;
    if (T > HX_MAX_THREADS)
        T = HX_MAX_THREADS;
    if (x->G > HX_GMAX) /* the instances' scratch arrays are per call only up to HX_GMAX */
        T = 1;
    x->T = 1;
    if (T <= 1)
        return HSEC_OK;
    pool *p = hx_calloc(x->a, 1, sizeof *p);
    if (!p)
        return HSEC_ENOMEM;
    p->x = x;
    atomic_init(&p->next, 0);
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
        if (pthread_create(&p->th[p->started], NULL, worker, p))
            break;
        p->started++;
    }
    x->T = p->started + 1;
    return HSEC_OK;
}

void hx_pool_step(ctx *x)
{
    pool *p = x->pool;
    pthread_mutex_lock(&p->mu);
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    p->running = p->started;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    take_chunks(p);
    pthread_mutex_lock(&p->mu);
    while (p->running > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
