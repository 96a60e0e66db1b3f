/*
 * Keyed hashing for the maps and sets (names.c): SipHash-1-3, the
 * short-input pseudorandom function of J.-P. Aumasson and D. J. Bernstein
 * ("SipHash: a fast short-input PRF", INDOCRYPT 2012; the algorithm is in
 * the public domain), written here from its specification and checked
 * against the published vectors (tests/test_scaling.c). One round per word
 * and three to finish, as Python, Rust and Ruby hash their tables: without
 * the key, inputs cannot be chosen to collide, so ids made to share a slot
 * cannot turn a lookup into a walk of the whole table.
 *
 * Each table draws its own key when it first takes an entry (hx_hash_key):
 * no state is shared between tables or kept by the process.
 */
#include "base.h"

#include <string.h>
#include <time.h>

#if defined(__has_include)
#if __has_include(<sys/random.h>)
#include <sys/random.h>
#define HX_HAVE_SYS_RANDOM 1
#endif
#endif

static HX_INLINE uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND                  \
    do {                          \
        v0 += v1;                 \
        v1 = rotl(v1, 13) ^ v0;   \
        v0 = rotl(v0, 32);        \
        v2 += v3;                 \
        v3 = rotl(v3, 16) ^ v2;   \
        v0 += v3;                 \
        v3 = rotl(v3, 21) ^ v0;   \
        v2 += v1;                 \
        v1 = rotl(v1, 17) ^ v2;   \
        v2 = rotl(v2, 32);        \
    } while (0)

/* Bytes p[0 .. n-1] (n <= 8) as a little-endian number. */
static HX_INLINE uint64_t load_le(const unsigned char *p, size_t n)
{
    uint64_t x = 0;
    for (size_t i = n; i-- > 0;)
        x = (x << 8) | p[i];
    return x;
}

uint64_t hx_siphash(uint64_t k0, uint64_t k1, const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    size_t whole = n - n % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load_le(p + i, 8);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t last = ((uint64_t)n << 56) | load_le(p + whole, n % 8);
    v3 ^= last;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

void hx_hash_key(uint64_t key[2], const void *table)
{
#if defined(HX_HAVE_SYS_RANDOM) && defined(GRND_NONBLOCK)
    /* never wait for the system's pool (early at boot): fall back instead */
    if (getrandom(key, 2 * sizeof *key, GRND_NONBLOCK) == (ssize_t)(2 * sizeof *key))
        return;
#elif defined(HX_HAVE_SYS_RANDOM)
    if (getentropy(key, 2 * sizeof *key) == 0)
        return;
#endif
    /* No entropy from the system: what still differs between tables and
     * between runs (the table's address and a stack address, both moved by
     * address-space randomisation, and the clocks), mixed under a fixed
     * key. Weaker, but never the same for every table of every process. */
    struct timespec ts[2] = {{0, 0}, {0, 0}};
    (void)clock_gettime(CLOCK_REALTIME, &ts[0]);
    (void)clock_gettime(CLOCK_MONOTONIC, &ts[1]);
    uint64_t seed[6] = {(uint64_t)(uintptr_t)table, (uint64_t)(uintptr_t)&ts,
                        (uint64_t)ts[0].tv_sec, (uint64_t)ts[0].tv_nsec,
                        (uint64_t)ts[1].tv_sec, (uint64_t)ts[1].tv_nsec};
    key[0] = hx_siphash(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, seed, sizeof seed);
    key[1] = hx_siphash(key[0], (uint64_t)(uintptr_t)table, seed, sizeof seed);
}
