/* Allocation through the caller's allocator, with overflow-checked sizes. */
#define _DEFAULT_SOURCE /* madvise */
#include "base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

/* Blocks of this size or more ask for transparent huge pages. */
#define HX_HUGE_BYTES ((size_t)4 << 20)

/*
 * The default allocator asks for transparent huge pages for its large
 * blocks (Linux, where the system leaves them to madvise): a block of many
 * megabytes costs a page fault every 4 KiB the first time it is touched
 * (about a millisecond a megabyte on a virtual machine), and the sweeps'
 * scattered reads miss the TLB less (doc/performance.md). Only advice:
 * nothing changes if the system declines it.
 */
static void *advise(void *p, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p && size >= HX_HUGE_BYTES) {
        long pg = sysconf(_SC_PAGESIZE);
        uintptr_t page = pg > 0 ? (uintptr_t)pg : 4096;
        uintptr_t lo = ((uintptr_t)p + page - 1) & ~(page - 1);
        uintptr_t hi = ((uintptr_t)p + size) & ~(page - 1);
        if (hi > lo)
            (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#else
    (void)size;
#endif
    return p;
}

static void *std_alloc(void *opaque, size_t size)
{
    (void)opaque;
    return advise(malloc(size), size);
}

static void *std_realloc(void *opaque, void *p, size_t size)
{
    (void)opaque;
    return advise(realloc(p, size), size);
}

static void std_free(void *opaque, void *p)
{
    (void)opaque;
    free(p);
}

void hx_default_allocator(hsec_allocator *out)
{
    out->version = HSEC_ALLOCATOR_VERSION;
    out->alloc = std_alloc;
    out->realloc = std_realloc;
    out->free = std_free;
    out->opaque = NULL;
}

int hsec_default_allocator(hsec_allocator *out)
{
    if (!out)
        return hx_fail(HSEC_EINVAL, "default_allocator: out is NULL");
    hx_default_allocator(out);
    return HSEC_OK;
}

bool hx_allocator_of(hsec_allocator *out, const hsec_allocator *given)
{
    if (!given) {
        hx_default_allocator(out);
        return true;
    }
    if (given->version != HSEC_ALLOCATOR_VERSION) {
        hx_fail(HSEC_EINVAL, "allocator: version %u is not HSEC_ALLOCATOR_VERSION (%d)",
                given->version, HSEC_ALLOCATOR_VERSION);
        return false;
    }
    if (!given->alloc || !given->realloc || !given->free) {
        hx_fail(HSEC_EINVAL, "allocator: alloc, realloc and free must all be set");
        return false;
    }
    *out = *given;
    return true;
}

void *hx_alloc(const hsec_allocator *a, size_t size)
{
    return a->alloc(a->opaque, size ? size : 1);
}

void *hx_calloc(const hsec_allocator *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    void *p = hx_alloc(a, bytes);
    if (p)
        memset(p, 0, bytes ? bytes : 1);
    return p;
}

void hx_free(const hsec_allocator *a, void *p)
{
    if (p)
        a->free(a->opaque, p);
}

char *hx_strdup(const hsec_allocator *a, const char *s)
{
    size_t len = strlen(s) + 1;
    char *d = hx_alloc(a, len);
    if (d)
        memcpy(d, s, len);
    return d;
}

int hx_reserve(const hsec_allocator *a, void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return HSEC_OK;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return HSEC_ENOMEM;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return HSEC_ENOMEM;
    void *p = *items ? a->realloc(a->opaque, *items, ncap * elem) : hx_alloc(a, ncap * elem);
    if (!p)
        return HSEC_ENOMEM;
    *items = p;
    *cap = ncap;
    return HSEC_OK;
}
