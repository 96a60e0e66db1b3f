/*
 * The container: a 40-byte header, then the CBOR document, stored or
 * compressed with zlib (through the caller's allocator).
 *
 *   0   8  magic 89 48 53 45 43 0D 0A 1A ("\x89HSEC\r\n\x1a": catches text-mode
 *          transfers and truncation to 7 bits, as PNG's does)
 *   8   2  format version, little endian (1)
 *   10  2  flags: bit 0, the payload is zlib-compressed; others must be 0
 *   12  4  CRC-32 (zlib's crc32) of the uncompressed CBOR
 *   16  8  uncompressed size
 *   24  8  stored size: the bytes that follow the header, exactly
 *   32  4  CRC-32 of the stored bytes (a flip in deflate's padding bits
 *          decodes to the same data; this still sees it)
 *   36  4  CRC-32 of bytes 0..35
 *
 * Everything is checked before anything is decoded: sizes against the
 * loader's limits (no allocation sized by an unchecked count), the
 * compression ratio (no decompression bomb), then the stored bytes'
 * checksum. The loader decodes a compressed document while it inflates
 * (hd_feed); the uncompressed bytes' checksum is added up as they come,
 * and a document whose checksum does not match is refused once read.
 */
#include "doc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

/* Fuzzing builds (the macro libFuzzer's users define) skip the checksums,
 * so that mutated inputs reach the inflater and the decoder behind them. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define FUZZING_SKIPS_CRC 1
#else
#define FUZZING_SKIPS_CRC 0
#endif

static const unsigned char magic[8] = {0x89, 'H', 'S', 'E', 'C', '\r', '\n', 0x1a};
#define VERSION 1
#define FLAG_ZLIB 1u

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    return hd_calloc(opaque, items, size);
}

static void z_free(voidpf opaque, voidpf p)
{
    hd_release(opaque, p);
}

/* A zlib stream that allocates through a. */
static void z_init(z_stream *z, const hsec_allocator *a)
{
    memset(z, 0, sizeof *z);
    z->zalloc = z_alloc;
    z->zfree = z_free;
    z->opaque = (voidpf)a;
}

/* crc32 takes uInt lengths: feed it in pieces. */
static uint32_t crc(const unsigned char *p, size_t n)
{
    uLong c = crc32(0L, Z_NULL, 0);
    while (n) {
        uInt chunk = n > 0x40000000u ? 0x40000000u : (uInt)n;
        c = crc32(c, p, chunk);
        p += chunk;
        n -= chunk;
    }
    return (uint32_t)c;
}

bool hd_is_container(const unsigned char *data, size_t len)
{
    return len >= sizeof magic && memcmp(data, magic, sizeof magic) == 0;
}

int hd_container_wrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                      const unsigned char *cbor, size_t n, bool compress)
{
    *out = NULL;
    if (compress && n > 0xffffffffu) /* one deflate call takes uInt sizes */
        compress = false;
    size_t room = compress ? compressBound((uLong)n) : n;
    if (room > SIZE_MAX - HD_CONTAINER_HEADER)
        return HSEC_ENOMEM;
    unsigned char *buf = hd_alloc(a, HD_CONTAINER_HEADER + room);
    if (!buf)
        return HSEC_ENOMEM;
    size_t stored = n;
    if (compress) {
        z_stream z;
        z_init(&z, a);
        if (deflateInit(&z, Z_DEFAULT_COMPRESSION) != Z_OK) {
            hd_release(a, buf);
            return HSEC_ENOMEM;
        }
        z.next_in = (Bytef *)(uintptr_t)cbor;
        z.avail_in = (uInt)n;
        z.next_out = buf + HD_CONTAINER_HEADER;
        z.avail_out = (uInt)room;
        int zr = deflate(&z, Z_FINISH);
        stored = z.total_out;
        deflateEnd(&z);
        if (zr != Z_STREAM_END) {
            hd_release(a, buf);
            return HSEC_ENOMEM;
        }
    } else if (n) {
        memcpy(buf + HD_CONTAINER_HEADER, cbor, n);
    }
    memcpy(buf, magic, sizeof magic);
    put16(buf + 8, VERSION);
    put16(buf + 10, compress ? FLAG_ZLIB : 0);
    put32(buf + 12, crc(cbor, n));
    put64(buf + 16, n);
    put64(buf + 24, stored);
    put32(buf + 32, crc(buf + HD_CONTAINER_HEADER, stored));
    put32(buf + 36, crc(buf, 36));
    *out = buf;
    *len = HD_CONTAINER_HEADER + stored;
    return HSEC_OK;
}

/* What the header says, once checked. */
typedef struct {
    uint32_t want; /* the uncompressed bytes' CRC-32 */
    uint64_t usize, stored;
    bool z;
} head_t;

/* The header's checks, in order, then the stored bytes' CRC-32: HSEC_OK,
 * or HSEC_EFORMAT with the message in msg. */
static int check(head_t *h, const unsigned char *data, size_t n, const hd_limits *lim, char *msg)
{
    if (n < HD_CONTAINER_HEADER || !hd_is_container(data, n)) {
        hd_setmsg(msg, n < HD_CONTAINER_HEADER && hd_is_container(data, n)
                           ? "container: header truncated (%zu of 40 bytes)"
                           : "container: wrong magic (%zu bytes)", n);
        return HSEC_EFORMAT;
    }
    if (!FUZZING_SKIPS_CRC && crc(data, 36) != (uint32_t)get(data + 36, 4)) {
        hd_setmsg(msg, "container: the header's CRC-32 does not match (a damaged header)");
        return HSEC_EFORMAT;
    }
    unsigned version = (unsigned)get(data + 8, 2), flags = (unsigned)get(data + 10, 2);
    uint32_t want = (uint32_t)get(data + 12, 4);
    uint64_t usize = get(data + 16, 8), stored = get(data + 24, 8);
    if (version != VERSION) {
        hd_setmsg(msg, "container: format version %u %s (this library reads %d)", version,
                  version > VERSION ? "is newer than this library" : "is unknown", VERSION);
        return HSEC_EFORMAT;
    }
    if (flags & ~FLAG_ZLIB) {
        hd_setmsg(msg, "container: flags 0x%x has unknown bits", flags);
        return HSEC_EFORMAT;
    }
    if (stored != n - HD_CONTAINER_HEADER) {
        hd_setmsg(msg, "container: stored size %llu, but %zu bytes follow the header",
                  (unsigned long long)stored, n - HD_CONTAINER_HEADER);
        return HSEC_EFORMAT;
    }
    if (usize > lim->size) {
        hd_setmsg(msg, "container: document of %llu bytes (the limit is %llu)",
                  (unsigned long long)usize, (unsigned long long)lim->size);
        return HSEC_EFORMAT;
    }
    bool z = flags & FLAG_ZLIB;
    if (!z && usize != stored) {
        hd_setmsg(msg, "container: uncompressed size %llu differs from the stored %llu",
                  (unsigned long long)usize, (unsigned long long)stored);
        return HSEC_EFORMAT;
    }
    /* usize > stored * ratio, without the product wrapping */
    bool over = stored == 0 ? usize > 0 : (usize - 1) / stored >= lim->ratio;
    if (z && over && usize > 4096) {
        hd_setmsg(msg, "container: %llu bytes expand to %llu, more than %llu-fold",
                  (unsigned long long)stored, (unsigned long long)usize,
                  (unsigned long long)lim->ratio);
        return HSEC_EFORMAT;
    }
    if (z && (stored > 0xffffffffu || usize > 0xffffffffu)) {
        hd_setmsg(msg, "container: compressed sizes above 4 GiB are not supported");
        return HSEC_EFORMAT;
    }
    if (!FUZZING_SKIPS_CRC &&
        crc(data + HD_CONTAINER_HEADER, (size_t)stored) != (uint32_t)get(data + 32, 4)) {
        hd_setmsg(msg, "container: the stored bytes' CRC-32 does not match (damaged data)");
        return HSEC_EFORMAT;
    }
    *h = (head_t){want, usize, stored, z};
    return HSEC_OK;
}

/*
 * The bytes of a container as they are inflated: the payload inflates in
 * pieces of FEED_PIECE bytes on a thread of its own, each piece's CRC-32
 * added as it comes, while the caller reads the bytes already there
 * (hd_feed_wait). A stored payload is there at once.
 */
#define FEED_PIECE ((size_t)1 << 18)

struct hd_feed {
    const hsec_allocator *a;
    unsigned char *buf;
    size_t size;
    head_t h;
    const unsigned char *payload;
    pthread_t th;
    bool threaded;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t avail;          /* bytes there (under mu) */
    _Atomic size_t ready;  /* the same, read without the lock */
    bool done;             /* under mu */
    int rc;                /* once done */
    char msg[HSEC_ERRMSG_MAX];
};

/* The bytes up to `at` are there (or, with done, all there will be). */
static void publish(hd_feed *f, size_t at, bool done)
{
    pthread_mutex_lock(&f->mu);
    f->avail = at;
    atomic_store_explicit(&f->ready, at, memory_order_release);
    f->done = done;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

/* HSEC_OK when the whole document's CRC-32 is the header's, else
 * HSEC_EFORMAT with the message in f->msg. */
static int crc_matches(hd_feed *f, uint32_t got)
{
    if (FUZZING_SKIPS_CRC || got == f->h.want)
        return HSEC_OK;
    hd_setmsg(f->msg, "container: CRC-32 %08x does not match the header's %08x",
              (unsigned)got, (unsigned)f->h.want);
    return HSEC_EFORMAT;
}

/* Inflate the payload into buf piece by piece (the thread's body). */
static void *inflater(void *arg)
{
    hd_feed *f = arg;
    z_stream zs;
    z_init(&zs, f->a);
    uLong c = crc32(0L, Z_NULL, 0);
    int rc = HSEC_OK, zr = Z_OK;
    if (inflateInit(&zs) != Z_OK) {
        rc = HSEC_ENOMEM;
        hd_setmsg(f->msg, "out of memory");
    } else {
        zs.next_in = (Bytef *)(uintptr_t)f->payload;
        zs.avail_in = (uInt)f->h.stored;
        while (zr == Z_OK) {
            size_t at = (size_t)zs.total_out;
            size_t room = f->size - at < FEED_PIECE ? f->size - at : FEED_PIECE;
            zs.next_out = f->buf + at;
            zs.avail_out = (uInt)room;
            zr = inflate(&zs, Z_NO_FLUSH);
            size_t got = (size_t)zs.total_out - at;
            if (got) {
                c = crc32(c, f->buf + at, (uInt)got);
                publish(f, at + got, false);
            } else if (zr == Z_OK) {
                zr = Z_BUF_ERROR; /* no progress: more bytes than the header says */
            }
        }
        bool ok = zr == Z_STREAM_END && zs.total_out == f->size && zs.avail_in == 0;
        inflateEnd(&zs);
        if (!ok && zr == Z_MEM_ERROR) {
            rc = HSEC_ENOMEM;
            hd_setmsg(f->msg, "out of memory");
        } else if (!ok) {
            rc = HSEC_EFORMAT;
            hd_setmsg(f->msg, "container: the compressed payload is damaged or does not hold "
                      "%llu bytes", (unsigned long long)f->size);
        } else {
            rc = crc_matches(f, (uint32_t)c);
        }
    }
    f->rc = rc;
    publish(f, rc ? atomic_load_explicit(&f->ready, memory_order_relaxed) : f->size, true);
    return NULL;
}

int hd_feed_open(hd_feed **out, const hsec_allocator *a, const unsigned char *data, size_t n,
                 const hd_limits *lim, bool background, char *msg)
{
    *out = NULL;
    head_t h;
    int rc = check(&h, data, n, lim, msg);
    if (rc)
        return rc;
    hd_feed *f = hd_calloc(a, 1, sizeof *f);
    unsigned char *buf = f ? hd_alloc(a, (size_t)h.usize) : NULL;
    bool mu = buf && !pthread_mutex_init(&f->mu, NULL);
    if (!mu || pthread_cond_init(&f->cv, NULL)) {
        if (mu)
            pthread_mutex_destroy(&f->mu);
        hd_release(a, buf);
        hd_release(a, f);
        hd_setmsg(msg, "out of memory");
        return HSEC_ENOMEM;
    }
    f->a = a;
    f->buf = buf;
    f->size = (size_t)h.usize;
    f->h = h;
    f->payload = data + HD_CONTAINER_HEADER;
    atomic_init(&f->ready, 0);
    *out = f;
    if (!h.z) { /* stored: there at once */
        if (f->size)
            memcpy(buf, f->payload, f->size);
        f->rc = crc_matches(f, crc(buf, f->size));
        publish(f, f->size, true);
        return HSEC_OK;
    }
    f->threaded = background && !pthread_create(&f->th, NULL, inflater, f);
    if (!f->threaded) /* no thread: inflate it all here, first */
        inflater(f);
    return HSEC_OK;
}

const unsigned char *hd_feed_data(const hd_feed *f)
{
    return f->buf;
}

size_t hd_feed_size(const hd_feed *f)
{
    return f->size;
}

size_t hd_feed_wait(hd_feed *f, size_t need)
{
    if (need > f->size)
        need = f->size;
    size_t r = atomic_load_explicit(&f->ready, memory_order_acquire);
    if (r >= need)
        return r;
    pthread_mutex_lock(&f->mu);
    while (f->avail < need && !f->done)
        pthread_cond_wait(&f->cv, &f->mu);
    r = f->avail;
    pthread_mutex_unlock(&f->mu);
    return r;
}

int hd_feed_close(hd_feed *f, char *msg)
{
    if (!f)
        return HSEC_OK;
    if (f->threaded)
        pthread_join(f->th, NULL);
    int rc = f->rc;
    if (rc && msg)
        memcpy(msg, f->msg, sizeof f->msg);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    hd_release(f->a, f->buf);
    hd_release(f->a, f);
    return rc;
}

int hd_container_unwrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                        const unsigned char *data, size_t n, const hd_limits *lim, char *msg)
{
    *out = NULL;
    hd_feed *f = NULL;
    int rc = hd_feed_open(&f, a, data, n, lim, false, msg);
    if (rc)
        return rc;
    if (f->rc)
        return hd_feed_close(f, msg);
    *out = f->buf;
    *len = f->size;
    f->buf = NULL;
    hd_feed_close(f, msg);
    return HSEC_OK;
}
