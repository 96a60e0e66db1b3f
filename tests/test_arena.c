/*
 * The document layer's arena (lib/doc/arena.c), through the static
 * library: every block it hands out is aligned, writable and apart from the
 * others, keeps its bytes through realloc, and every block it takes from
 * its parent goes back, one by one for a large block freed, all together
 * in hd_arena_free. The parent here counts what it holds and fails on
 * demand.
 */
#include "util.h"

#include "doc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(ASAN)
#define ASAN 1
#endif
#ifdef ASAN
#include <sanitizer/asan_interface.h>
#endif

typedef struct parent {
    size_t live, largest, calls;
    size_t fail_at; /* the call that fails (0: none) */
} parent;

static void *p_alloc(void *op, size_t n)
{
    parent *p = op;
    if (++p->calls == p->fail_at)
        return NULL;
    void *q = malloc(n);
    if (q) {
        p->live++;
        p->largest = n > p->largest ? n : p->largest;
    }
    return q;
}

static void *p_realloc(void *op, void *q, size_t n)
{
    parent *p = op;
    if (++p->calls == p->fail_at)
        return NULL;
    void *r = realloc(q, n);
    if (r)
        p->largest = n > p->largest ? n : p->largest;
    return r;
}

static void p_free(void *op, void *q)
{
    parent *p = op;
    if (q)
        p->live--;
    free(q);
}

static hsec_allocator counting(parent *p)
{
    hsec_allocator a = {HSEC_ALLOCATOR_VERSION, p_alloc, p_realloc, p_free, p};
    return a;
}

/* An arena over a counting parent, and the check that it gives every
 * block back. */
typedef struct fixture {
    parent p;
    hsec_allocator pa;
    hd_arena *ar;
} fixture;

static const hsec_allocator *open_arena(fixture *f)
{
    f->pa = counting(&f->p);
    assert_int_equal(hd_arena_new(&f->ar, &f->pa), HSEC_OK);
    return hd_arena_allocator(f->ar);
}

static void close_arena(fixture *f)
{
    hd_arena_free(f->ar);
    assert_int_equal(f->p.live, 0);
}

static void fill(unsigned char *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(seed * 131 + i * 7);
}

static bool filled(const unsigned char *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)(seed * 131 + i * 7))
            return false;
    return true;
}

/* Thousands of small blocks of assorted sizes: aligned, and each keeps
 * what was written into it while the others are written. */
static void small_blocks_apart(void **state)
{
    (void)state;
    fixture f = {0};
    const hsec_allocator *a = open_arena(&f);
    enum { N = 20000 };
    static unsigned char *blk[N];
    static size_t len[N];
    for (unsigned i = 0; i < N; i++) {
        len[i] = (i * 37) % 300;
        blk[i] = a->alloc(a->opaque, len[i]);
        assert_non_null(blk[i]);
        assert_int_equal((uintptr_t)blk[i] % 16, 0);
        fill(blk[i], len[i], i);
    }
    for (unsigned i = 0; i < N; i++)
        assert_true(filled(blk[i], len[i], i));
    /* small blocks come in chunks: far fewer than the blocks, none large
     * for a small tree */
    assert_true(f.p.live < 64);
    /* every other block freed and made again, as large: the freed room is
     * taken again (no chunk more), the others keep their bytes */
    size_t chunks = f.p.live;
    for (unsigned i = 0; i + 1 < N; i += 2)
        a->free(a->opaque, blk[i]);
    for (unsigned i = 0; i + 1 < N; i += 2) {
        blk[i] = a->alloc(a->opaque, len[i]);
        assert_non_null(blk[i]);
        fill(blk[i], len[i], i + 7);
    }
    assert_int_equal(f.p.live, chunks);
    for (unsigned i = 0; i < N; i++)
        assert_true(filled(blk[i], len[i], i % 2 || i + 1 == N ? i : i + 7));
    close_arena(&f);
}

/* realloc keeps a block's bytes, in place for the last block made and by
 * a copy for another; freeing the last block gives its room back. */
static void realloc_keeps_bytes(void **state)
{
    (void)state;
    fixture f = {0};
    const hsec_allocator *a = open_arena(&f);
    unsigned char *x = a->alloc(a->opaque, 40);
    fill(x, 40, 1);
    unsigned char *y = a->realloc(a->opaque, x, 200); /* the last: grows where it is */
    assert_ptr_equal(x, y);
    assert_true(filled(y, 40, 1));
    unsigned char *z = a->alloc(a->opaque, 24);
    fill(z, 24, 2);
    unsigned char *y2 = a->realloc(a->opaque, y, 1000); /* not the last: moves */
    assert_ptr_not_equal(y2, y);
    assert_true(filled(y2, 40, 1));
    assert_true(filled(z, 24, 2));
    assert_ptr_equal(a->realloc(a->opaque, y2, 10), y2); /* smaller: stays */
    /* the last block freed: the next takes its place */
    unsigned char *w = a->alloc(a->opaque, 64);
    a->free(a->opaque, w);
    assert_ptr_equal(a->alloc(a->opaque, 64), w);
    assert_non_null(a->realloc(a->opaque, NULL, 8)); /* NULL: a new block */
    close_arena(&f);
}

/* A large block is the parent's own: one more block held there, grown by
 * the parent's realloc with its bytes kept, and given back when freed. */
static void large_blocks_to_the_parent(void **state)
{
    (void)state;
    fixture f = {0};
    const hsec_allocator *a = open_arena(&f);
    unsigned char *s = a->alloc(a->opaque, 100); /* its chunk made first */
    fill(s, 100, 9);
    size_t before = f.p.live;
    unsigned char *big[3];
    for (int k = 0; k < 3; k++) {
        big[k] = a->alloc(a->opaque, (size_t)1 << 20);
        assert_non_null(big[k]);
        assert_int_equal((uintptr_t)big[k] % 16, 0);
        fill(big[k], (size_t)1 << 20, (unsigned)k);
    }
    assert_int_equal(f.p.live, before + 3);
    big[1] = a->realloc(a->opaque, big[1], (size_t)3 << 20);
    assert_non_null(big[1]);
    assert_true(filled(big[1], (size_t)1 << 20, 1));
    /* a small block grown large moves to the parent with its bytes */
    unsigned char *g = a->realloc(a->opaque, s, (size_t)2 << 20);
    assert_true(filled(g, 100, 9));
    assert_int_equal(f.p.live, before + 4);
    a->free(a->opaque, big[0]); /* the middle and ends of the list */
    a->free(a->opaque, g);
    assert_int_equal(f.p.live, before + 2);
    assert_true(filled(big[1], (size_t)1 << 20, 1));
    assert_true(filled(big[2], (size_t)1 << 20, 2));
    close_arena(&f);
}

/* The parent out of memory: NULL, the arena still whole, everything given
 * back. */
static void parent_out_of_memory(void **state)
{
    (void)state;
    for (size_t at = 2; at < 12; at++) {
        fixture f = {.p = {.fail_at = at}};
        const hsec_allocator *a = open_arena(&f);
        bool failed = false;
        for (int i = 0; i < 4000; i++) {
            size_t n = i % 50 == 49 ? (size_t)200 << 10 : 100;
            unsigned char *b = a->alloc(a->opaque, n);
            failed = failed || !b;
            if (b)
                fill(b, n, (unsigned)i);
        }
        assert_true(failed);
        close_arena(&f);
    }
}

/* Under AddressSanitizer a freed block is poisoned (past the link to the
 * next free one) until it is handed out again, and so is the room the last
 * block gives back: a use after free shows as in the caller's allocator. */
static void freed_blocks_poisoned(void **state)
{
    (void)state;
#ifdef ASAN
    fixture f = {0};
    const hsec_allocator *a = open_arena(&f);
    unsigned char *x = a->alloc(a->opaque, 64), *y = a->alloc(a->opaque, 64);
    assert_false(__asan_address_is_poisoned(x + 16));
    a->free(a->opaque, x); /* not the last: onto its list */
    assert_true(__asan_address_is_poisoned(x + 16));
    assert_true(__asan_address_is_poisoned(x + 63));
    unsigned char *z = a->alloc(a->opaque, 64);
    assert_ptr_equal(z, x);
    assert_false(__asan_address_is_poisoned(z + 63));
    a->free(a->opaque, y); /* the last: back to the chunk */
    assert_true(__asan_address_is_poisoned(y));
    assert_true(__asan_address_is_poisoned(y + 200)); /* never handed out */
    close_arena(&f);
#else
    skip();
#endif
}

/* A scenario loaded: what its tree took goes back, and a small document's
 * tree takes no large block. */
static void a_load_gives_everything_back(void **state)
{
    (void)state;
    parent p = {0};
    hsec_allocator pa = counting(&p);
    hsec_loader *l = NULL;
    assert_int_equal(hsec_loader_new(&l, &pa), HSEC_OK);
    const char *doc = "{\"hsec\":1,\"regions\":[{\"id\":\"r\"}],"
                      "\"groups\":[{\"id\":\"g\",\"region\":\"r\",\"size\":10}],"
                      "\"services\":[{\"id\":\"s\",\"kind\":\"water\",\"region\":\"r\"}],"
                      "\"links\":[{\"from\":\"s\",\"to\":\"g.health\",\"weight\":0.3}]}";
    hsec_scenario *s = NULL;
    assert_int_equal(hsec_loader_load(&s, l, doc, strlen(doc)), HSEC_OK);
    assert_true(p.largest < (size_t)1 << 20);
    hsec_scenario_free(s);
    hsec_loader_free(l);
    assert_int_equal(p.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_blocks_apart),
        cmocka_unit_test(realloc_keeps_bytes),
        cmocka_unit_test(large_blocks_to_the_parent),
        cmocka_unit_test(parent_out_of_memory),
        cmocka_unit_test(freed_blocks_poisoned),
        cmocka_unit_test(a_load_gives_everything_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
