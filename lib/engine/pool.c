/*
 * Threads sharing independent jobs (each step of a run: its chunks). Each
 * time the caller wakes the workers and all of them, the caller too, take
 * jobs from a shared counter until none is left (a thread the system holds
 * back delays no one: the others take its share); then the caller waits for
 * the last job. The jobs of one call are independent of one another and
 * their callers add what they give in job order, so the results are the
 * same, bit for bit, whatever the number of threads.
 */
#include "engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

struct hx_pool {
    const hsec_allocator *a;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    uint64_t gen;
    size_t running, started; /* workers still in this call; workers started */
    bool quit;
    hx_job fn;
    void *arg;
    size_t njob;
    atomic_size_t next; /* the next job to take */
    pthread_t th[HX_MAX_THREADS];
};

static void take_jobs(hx_pool *p)
{
    for (;;) {
        size_t k = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (k >= p->njob)
            return;
        p->fn(p->arg, k);
    }
}

static void *worker(void *arg)
{
    hx_pool *p = arg;
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
        take_jobs(p);
        pthread_mutex_lock(&p->mu);
        if (--p->running == 0)
            pthread_cond_signal(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
}

void hx_pool_free(hx_pool *p)
{
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
    hx_free(p->a, p);
}

int hx_pool_new(hx_pool **out, const hsec_allocator *a, size_t want)
{
    *out = NULL;
    size_t T = want < HX_MAX_THREADS ? want : HX_MAX_THREADS;
    if (T <= 1)
        return HSEC_OK;
    hx_pool *p = hx_calloc(a, 1, sizeof *p);
    if (!p)
        return HSEC_ENOMEM;
    p->a = a;
    atomic_init(&p->next, 0);
    bool mu = !pthread_mutex_init(&p->mu, NULL), go = mu && !pthread_cond_init(&p->go, NULL),
         done = go && !pthread_cond_init(&p->done, NULL);
    if (!done) { /* one thread, then */
        if (go)
            pthread_cond_destroy(&p->go);
        if (mu)
            pthread_mutex_destroy(&p->mu);
        hx_free(a, p);
        return HSEC_OK;
    }
    for (size_t k = 1; k < T; k++) {
        if (pthread_create(&p->th[p->started], NULL, worker, p))
            break;
        p->started++;
    }
    if (!p->started) {
        hx_pool_free(p);
        return HSEC_OK;
    }
    *out = p;
    return HSEC_OK;
}

void hx_pool_run(hx_pool *p, size_t njob, hx_job fn, void *arg)
{
    if (!p || njob <= 1) {
        for (size_t k = 0; k < njob; k++)
            fn(arg, k);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->njob = njob;
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    p->running = p->started;
    p->gen++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    take_jobs(p);
    pthread_mutex_lock(&p->mu);
    while (p->running > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

size_t hx_run_threads(const hsec_scenario *s)
{
    double want = s->opt[HSEC_OPT_RUN_THREADS];
    if (want == 0) { /* the processors online */
        long np = sysconf(_SC_NPROCESSORS_ONLN);
        want = np > 0 ? (double)np : 1;
    }
    return (size_t)want;
}
