/*
 * An arena for a document tree that lives as long as one load (doc.h,
 * hd_arena): small blocks are carved from chunks of a few megabytes taken
 * from the caller's allocator and given back together, so that a national
 * document's millions of keys, strings and nodes cost a pointer bump each
 * to make and nothing each to free, and its memory comes in large blocks
 * (which the default allocator backs with huge pages). A small block freed
 * goes on a list of free blocks of its size, which the next block of that
 * size takes (a reader's temporaries: a key's node once the key is kept, a
 * map's offsets once it is closed). Large blocks (a document's link
 * columns) are the caller's allocator's own, one by one, so that they grow
 * in place and go back when freed. Every block has a header before it: its
 * size and whether it is carved or large.
 */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

/* Under AddressSanitizer the bytes of a chunk not handed out, and a freed
 * block's (but for the link to the next free one), are poisoned, so that
 * a use of a block after it is freed shows as it would in the caller's
 * allocator. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HD_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(HD_ASAN)
#define HD_ASAN 1
#endif
#ifdef HD_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Chunks of FIRST bytes, then each twice the last up to CHUNK (the
 * default allocator asks for huge pages from 4 MiB): a small document
 * takes little. */
#define FIRST ((size_t)64 << 10)
#define CHUNK ((size_t)4 << 20)
/* Blocks of this many bytes or more are the parent's own. */
#define BIG ((size_t)128 << 10)
/* Every block is aligned for any type the tree holds. */
#define ALIGN ((size_t)16)
/* Freed blocks are kept for reuse up to this size, a list for each
 * multiple of ALIGN. */
#define REUSE ((size_t)1024)
#define CLASSES (REUSE / ALIGN)

typedef struct chunk {
    struct chunk *next;
    size_t size; /* bytes after the header */
    size_t pad[2];
} chunk;

/* The header before a large block: the arena's list of them, and before
 * the block, as before a carved one, its size and its kind. */
typedef struct big {
    struct big *prev, *next;
    size_t size;
    size_t large; /* 1 */
} big;
typedef struct carved {
    size_t size;
    size_t large; /* 0 */
} carved;

struct hd_arena {
    hsec_allocator self; /* the arena as an allocator (opaque: this) */
    hsec_allocator parent;
    chunk *chunks;     /* the newest first */
    unsigned char *at; /* the next free byte of the newest chunk */
    size_t left;       /* bytes free after at */
    void *last;        /* the last block carved (it can grow or go back) */
    big *bigs;
    void *free[CLASSES]; /* blocks freed, by size: each holds the next */
};

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) & ~(ALIGN - 1);
}

static void *big_alloc(hd_arena *ar, size_t n)
{
    if (n > SIZE_MAX - sizeof(big))
        return NULL;
    big *b = ar->parent.alloc(ar->parent.opaque, sizeof *b + n);
    if (!b)
        return NULL;
    b->prev = NULL;
    b->next = ar->bigs;
    if (ar->bigs)
        ar->bigs->prev = b;
    ar->bigs = b;
    b->size = n;
    b->large = 1;
    return b + 1;
}

static void big_unlink(hd_arena *ar, big *b)
{
    if (b->prev)
        b->prev->next = b->next;
    else
        ar->bigs = b->next;
    if (b->next)
        b->next->prev = b->prev;
}

static void *arena_alloc(void *op, size_t n)
{
    hd_arena *ar = op;
    if (n >= BIG)
        return big_alloc(ar, n);
    size_t size = round_up(n ? n : 1), need = sizeof(carved) + size;
    if (size <= REUSE && ar->free[size / ALIGN - 1]) { /* one freed, of this size */
        void **p = ar->free[size / ALIGN - 1];
        ar->free[size / ALIGN - 1] = *p;
        UNPOISON(p, size);
        return p;
    }
    if (need > ar->left) {
        size_t room = ar->chunks ? 2 * (ar->chunks->size + sizeof(chunk)) : FIRST;
        room = (room < CHUNK ? room : CHUNK) - sizeof(chunk);
        room = room > need ? room : need; /* a block up to BIG fits */
        chunk *c = ar->parent.alloc(ar->parent.opaque, sizeof *c + room);
        if (!c)
            return NULL;
        c->next = ar->chunks;
        c->size = room;
        ar->chunks = c;
        ar->at = (unsigned char *)(c + 1);
        ar->left = room;
        POISON(ar->at, room);
    }
    UNPOISON(ar->at, need);
    carved *h = (carved *)(void *)ar->at;
    h->size = size;
    h->large = 0;
    ar->at += need;
    ar->left -= need;
    return ar->last = h + 1;
}

static void arena_free(void *op, void *p)
{
    hd_arena *ar = op;
    if (!p)
        return;
    carved *h = (carved *)p - 1;
    if (h->large) {
        big *b = (big *)p - 1;
        big_unlink(ar, b);
        ar->parent.free(ar->parent.opaque, b);
        return;
    }
    if (p == ar->last) { /* the last carved goes back to the chunk */
        ar->at -= sizeof *h + h->size;
        ar->left += sizeof *h + h->size;
        ar->last = NULL;
        POISON(h, sizeof *h + h->size);
    } else if (h->size <= REUSE) { /* onto its size's list */
        *(void **)p = ar->free[h->size / ALIGN - 1];
        ar->free[h->size / ALIGN - 1] = p;
        POISON((unsigned char *)p + sizeof(void *), h->size - sizeof(void *));
    } else {
        POISON(p, h->size);
    }
}

static void *arena_realloc(void *op, void *p, size_t n)
{
    hd_arena *ar = op;
    if (!p)
        return arena_alloc(ar, n);
    carved *h = (carved *)p - 1;
    if (h->large) {
        big *b = (big *)p - 1, *prev = b->prev, *next = b->next;
        if (n > SIZE_MAX - sizeof *b)
            return NULL;
        big *nb = ar->parent.realloc(ar->parent.opaque, b, sizeof *b + n);
        if (!nb)
            return NULL;
        if (prev)
            prev->next = nb;
        else
            ar->bigs = nb;
        if (next)
            next->prev = nb;
        nb->size = n;
        return nb + 1;
    }
    if (n <= h->size)
        return p;
    size_t more = round_up(n) - h->size;
    if (p == ar->last && n < BIG && more <= ar->left) { /* grows where it is */
        UNPOISON((unsigned char *)p + h->size, more);
        h->size += more;
        ar->at += more;
        ar->left -= more;
        return p;
    }
    void *q = arena_alloc(ar, n);
    if (!q)
        return NULL;
    memcpy(q, p, h->size);
    arena_free(ar, p);
    return q;
}

int hd_arena_new(hd_arena **out, const hsec_allocator *parent)
{
    *out = NULL;
    hd_arena *ar = hd_calloc(parent, 1, sizeof *ar);
    if (!ar)
        return HSEC_ENOMEM;
    ar->parent = *parent;
    ar->self.version = HSEC_ALLOCATOR_VERSION;
    ar->self.alloc = arena_alloc;
    ar->self.realloc = arena_realloc;
    ar->self.free = arena_free;
    ar->self.opaque = ar;
    *out = ar;
    return HSEC_OK;
}

const hsec_allocator *hd_arena_allocator(hd_arena *ar)
{
    return &ar->self;
}

void hd_arena_free(hd_arena *ar)
{
    if (!ar)
        return;
    const hsec_allocator *p = &ar->parent;
    for (chunk *c = ar->chunks, *next; c; c = next) {
        next = c->next;
        p->free(p->opaque, c);
    }
    for (big *b = ar->bigs, *next; b; b = next) {
        next = b->next;
        p->free(p->opaque, b);
    }
    hsec_allocator a = *p;
    hd_release(&a, ar);
}
