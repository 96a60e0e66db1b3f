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
 * compression ratio (no decompression bomb), then the checksum.
 */
#include "doc.h"

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

int hd_container_unwrap(unsigned char **out, size_t *len, const hsec_allocator *a,
                        const unsigned char *data, size_t n, const hd_limits *lim, char *msg)
{
    *out = NULL;
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
    unsigned char *buf = hd_alloc(a, (size_t)usize);
    if (!buf) {
        hd_setmsg(msg, "out of memory");
        return HSEC_ENOMEM;
    }
    const unsigned char *payload = data + HD_CONTAINER_HEADER;
    if (!FUZZING_SKIPS_CRC && crc(payload, (size_t)stored) != (uint32_t)get(data + 32, 4)) {
        hd_release(a, buf);
        hd_setmsg(msg, "container: the stored bytes' CRC-32 does not match (damaged data)");
        return HSEC_EFORMAT;
    }
    if (z) {
        z_stream zs;
        z_init(&zs, a);
        if (inflateInit(&zs) != Z_OK) {
            hd_release(a, buf);
            hd_setmsg(msg, "out of memory");
            return HSEC_ENOMEM;
        }
        zs.next_in = (Bytef *)(uintptr_t)payload;
        zs.avail_in = (uInt)stored;
        zs.next_out = buf;
        zs.avail_out = (uInt)usize;
        int zr = inflate(&zs, Z_FINISH);
        bool ok = zr == Z_STREAM_END && zs.total_out == usize && zs.avail_in == 0;
        inflateEnd(&zs);
        if (!ok) {
            hd_release(a, buf);
            if (zr == Z_MEM_ERROR) {
                hd_setmsg(msg, "out of memory");
                return HSEC_ENOMEM;
            }
            hd_setmsg(msg, "container: the compressed payload is damaged or does not hold "
                      "%llu bytes", (unsigned long long)usize);
            return HSEC_EFORMAT;
        }
    } else if (usize) {
        memcpy(buf, payload, (size_t)usize);
    }
    uint32_t got = crc(buf, (size_t)usize);
    if (!FUZZING_SKIPS_CRC && got != want) {
        hd_release(a, buf);
        hd_setmsg(msg, "container: CRC-32 %08x does not match the header's %08x", got, want);
        return HSEC_EFORMAT;
    }
    *out = buf;
    *len = (size_t)usize;
    return HSEC_OK;
}
