/* An allocator that fails from its n-th allocation on, for the tests of
 * running out of memory, and counts the blocks it holds. Atomic: an
 * ensemble's worker threads allocate too. Set fail_at to n (0: never fail)
 * after setting calls to 0. */
#ifndef HSEC_TEST_FAILING_H
#define HSEC_TEST_FAILING_H

#include "hsec.h"

#include <stdatomic.h>
#include <stdlib.h>

static atomic_long calls, live, fail_at;

static void *t_alloc(void *opaque, size_t size)
{
    (void)opaque;
    long k = atomic_fetch_add(&calls, 1) + 1;
    if (atomic_load(&fail_at) && k >= atomic_load(&fail_at))
        return NULL; /* this one and every later one, until reset */
    void *p = malloc(size);
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

static void *t_realloc(void *opaque, void *p, size_t size)
{
    (void)opaque;
    long k = atomic_fetch_add(&calls, 1) + 1;
    if (atomic_load(&fail_at) && k >= atomic_load(&fail_at))
        return NULL;
    void *q = realloc(p, size);
    if (q && !p)
        atomic_fetch_add(&live, 1);
    return q;
}

static void t_free(void *opaque, void *p)
{
    (void)opaque;
    if (p) {
        atomic_fetch_sub(&live, 1);
        free(p);
    }
}

static const hsec_allocator failing = {HSEC_ALLOCATOR_VERSION, t_alloc, t_realloc, t_free, NULL};

#endif
