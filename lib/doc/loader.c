/* Loading and saving documents in every encoding, under limits. */
#include "doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hsec_loader {
    hsec_allocator a;
    hd_limits lim;
    char err[HSEC_ERRMSG_MAX];
};

void hd_default_limits(hd_limits *l)
{
    l->nodes = 100000000;
    l->links = 1000000000;
    l->string = 1 << 20;
    l->depth = 64;
    l->size = (uint64_t)2 << 30;
    l->ratio = 200;
    l->memory = (uint64_t)4 << 30;
}

int hsec_loader_new(hsec_loader **out, const hsec_allocator *alloc)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "loader_new: out is NULL");
    *out = NULL;
    hsec_allocator a;
    if (!alloc)
        (void)hsec_default_allocator(&a); /* cannot fail: a place is given */
    else if (alloc->version != HSEC_ALLOCATOR_VERSION)
        return hd_fail(HSEC_EINVAL, "allocator: version %u is not HSEC_ALLOCATOR_VERSION (%d)",
                       alloc->version, HSEC_ALLOCATOR_VERSION);
    else if (!alloc->alloc || !alloc->realloc || !alloc->free)
        return hd_fail(HSEC_EINVAL, "allocator: alloc, realloc and free must all be set");
    else
        a = *alloc;
    hsec_loader *l = hd_calloc(&a, 1, sizeof *l);
    if (!l)
        return hd_fail(HSEC_ENOMEM, "out of memory");
    l->a = a;
    hd_default_limits(&l->lim);
    *out = l;
    return HSEC_OK;
}

void hsec_loader_free(hsec_loader *l)
{
    if (!l)
        return;
    hsec_allocator a = l->a;
    hd_release(&a, l);
}

const char *hsec_loader_errmsg(const hsec_loader *l)
{
    return l ? l->err : "no loader";
}

static uint64_t *limit_slot(hd_limits *lim, hsec_limit what)
{
    switch (what) {
    case HSEC_LIMIT_NODES: return &lim->nodes;
    case HSEC_LIMIT_LINKS: return &lim->links;
    case HSEC_LIMIT_STRING: return &lim->string;
    case HSEC_LIMIT_DEPTH: return &lim->depth;
    case HSEC_LIMIT_SIZE: return &lim->size;
    case HSEC_LIMIT_RATIO: return &lim->ratio;
    case HSEC_LIMIT_MEMORY: return &lim->memory;
    }
    return NULL;
}

int hsec_loader_set_limit(hsec_loader *l, hsec_limit what, uint64_t value)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_set_limit: the loader is NULL");
    uint64_t *slot = limit_slot(&l->lim, what);
    if (!slot || value == 0) {
        hd_setmsg(l->err, "limit %d: %s", (int)what, slot ? "0 would refuse everything"
                                                          : "unknown limit");
        return HSEC_EINVAL;
    }
    *slot = value;
    return HSEC_OK;
}

int hsec_loader_get_limit(uint64_t *out, const hsec_loader *l, hsec_limit what)
{
    if (!out || !l)
        return hd_fail(HSEC_EINVAL, "loader_get_limit: out or the loader is NULL");
    uint64_t *slot = limit_slot((hd_limits *)(uintptr_t)&l->lim, what);
    if (!slot)
        return hd_fail(HSEC_EINVAL, "loader_get_limit: limit %d is unknown", (int)what);
    *out = *slot;
    return HSEC_OK;
}

/* The bytes a document of `size` may take in a file: a container adds its
 * header (a limit near UINT64_MAX means no limit, not a wrapped one). */
static uint64_t with_header(uint64_t size)
{
    return size > UINT64_MAX - HD_CONTAINER_HEADER ? UINT64_MAX : size + HD_CONTAINER_HEADER;
}

/* The document tree of any encoding, made through tree (the buffers of
 * its reading through a); for a loader (columns), a CBOR document's links
 * as columns (hd_from_cbor_links). */
static int decode(hd **out, const hsec_allocator *a, const hsec_allocator *tree,
                  const hd_limits *lim, const unsigned char *data, size_t len, char *msg,
                  bool columns)
{
    int (*from_cbor)(hd **, const hsec_allocator *, const unsigned char *, size_t,
                     const hd_limits *, char *) = columns ? hd_from_cbor_links : hd_from_cbor;
    *out = NULL;
    if (len > (hd_is_container(data, len) ? with_header(lim->size) : lim->size)) {
        hd_setmsg(msg, "document of %zu bytes (the limit is %llu)", len,
                  (unsigned long long)lim->size);
        return HSEC_EFORMAT;
    }
    if (hd_is_container(data, len) && columns) { /* decoded while it inflates */
        hd_feed *feed = NULL;
        int rc = hd_feed_open(&feed, a, data, len, lim, true, msg);
        if (rc)
            return rc;
        char why[HSEC_ERRMSG_MAX];
        rc = hd_from_cbor_feed(out, tree, feed, lim, why);
        int frc = hd_feed_close(feed, msg); /* a damaged container says so first */
        if (frc || rc) {
            hd_free(tree, *out);
            *out = NULL;
            if (!frc)
                memcpy(msg, why, sizeof why);
            return frc ? frc : rc;
        }
        return HSEC_OK;
    }
    if (hd_is_container(data, len)) {
        unsigned char *cbor = NULL;
        size_t n = 0;
        int rc = hd_container_unwrap(&cbor, &n, a, data, len, lim, msg);
        if (!rc)
            rc = from_cbor(out, tree, cbor, n, lim, msg);
        hd_release(a, cbor);
        return rc;
    }
    if (len && ((data[0] >= 0xa0 && data[0] <= 0xbb) || data[0] == 0xbf)) /* a CBOR map */
        return from_cbor(out, tree, data, len, lim, msg);
    return hd_from_json(out, tree, (const char *)data, len, lim, msg);
}

int hsec_loader_load(hsec_scenario **out, hsec_loader *l, const void *data, size_t len)
{
    if (!out) {
        if (l)
            hd_setmsg(l->err, "load: out is NULL");
        return hd_fail(HSEC_EINVAL, "load: out is NULL");
    }
    *out = NULL;
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_load: the loader is NULL");
    l->err[0] = '\0';
    if (!data) {
        hd_setmsg(l->err, "data is NULL");
        return HSEC_EINVAL;
    }
    /* the document's tree lives as long as the load: in an arena, made and
     * given back in large blocks */
    hd_arena *ar = NULL;
    if (hd_arena_new(&ar, &l->a)) {
        hd_setmsg(l->err, "out of memory");
        return HSEC_ENOMEM;
    }
    hd *doc = NULL;
    int rc = decode(&doc, &l->a, hd_arena_allocator(ar), &l->lim, data, len, l->err, true);
    if (!rc)
        rc = hd_load_tree(out, doc, &l->a, &l->lim, l->err);
    hd_arena_free(ar);
    return rc;
}

/* JSON's white space. */
static bool blank(unsigned char b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
}

/* Read a whole file, refusing one larger than max bytes before reading it
 * when its size is known, and a stream (a pipe, a device) as soon as it
 * passes max or does not start like a document; the buffer never grows
 * past max and one read. */
static int read_file(unsigned char **out, size_t *len, const hsec_allocator *a,
                     const char *path, uint64_t max, char *msg)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        hd_setmsg(msg, "%s: %s", path, strerror(errno));
        return HSEC_EIO;
    }
    struct stat st;
    bool regular = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && (uint64_t)st.st_size > max) {
        fclose(f);
        hd_setmsg(msg, "%s: %llu bytes, more than %llu (the loader's size limit, and a "
                  "container's header)", path, (unsigned long long)st.st_size,
                  (unsigned long long)max);
        return HSEC_EFORMAT;
    }
    const size_t chunk = 65536;
    /* a regular file's size, and one byte to see that it did not grow */
    size_t hint = regular ? (size_t)st.st_size + 1 : chunk;
    size_t ceiling = max > SIZE_MAX - chunk ? SIZE_MAX : (size_t)max + chunk;
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = HSEC_OK;
    bool sniffed = false;
    size_t lead = 0;
    for (;;) {
        if (n == cap) {
            size_t want = cap ? (cap < ceiling / 2 ? cap * 2 : ceiling) : hint;
            unsigned char *p = want <= cap ? NULL
                               : buf ? a->realloc(a->opaque, buf, want)
                                     : hd_alloc(a, want);
            if (!p) {
                hd_setmsg(msg, "%s: out of memory", path);
                rc = HSEC_ENOMEM;
                break;
            }
            buf = p;
            cap = want;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            hd_setmsg(msg, "%s: larger than %llu bytes (the loader's size limit, and a "
                      "container's header)", path,
                      (unsigned long long)max);
            rc = HSEC_EFORMAT;
            break;
        }
        /* the first byte that is not white space: JSON's '{', or at the
         * very start a CBOR map or the container's magic */
        while (!sniffed && lead < n && blank(buf[lead]))
            lead++;
        if (!sniffed && lead < n) {
            unsigned char b = buf[lead];
            sniffed = true;
            if (b != '{' && (lead || !((b >= 0xa0 && b <= 0xbb) || b == 0xbf || b == 0x89))) {
                hd_setmsg(msg, "%s: not a document (JSON, CBOR or the container): byte %zu "
                          "is 0x%02x", path, lead, b);
                rc = HSEC_EFORMAT;
                break;
            }
        }
        if (got == 0) {
            if (ferror(f)) {
                hd_setmsg(msg, "%s: %s", path, strerror(errno ? errno : EIO));
                rc = HSEC_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (rc) {
        hd_release(a, buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return HSEC_OK;
}

/* Prefix a failure's message with the file's name. */
static void name_file(char *msg, const char *path)
{
    if (strncmp(msg, path, strlen(path)) == 0)
        return;
    char full[2 * HSEC_ERRMSG_MAX];
    snprintf(full, sizeof full, "%s: %s", path, msg);
    hd_copymsg(msg, HSEC_ERRMSG_MAX, full);
}

int hsec_loader_load_file(hsec_scenario **out, hsec_loader *l, const char *path)
{
    if (!out) {
        if (l)
            hd_setmsg(l->err, "load_file: out is NULL");
        return hd_fail(HSEC_EINVAL, "load_file: out is NULL");
    }
    *out = NULL;
    if (!l)
        return hd_fail(HSEC_EINVAL, "load_file: the loader is NULL");
    if (!path) {
        hd_setmsg(l->err, "load_file: the path is NULL");
        return hd_fail(HSEC_EINVAL, "load_file: the path is NULL");
    }
    unsigned char *buf;
    size_t n;
    int rc = read_file(&buf, &n, &l->a, path, with_header(l->lim.size), l->err);
    if (rc)
        return rc;
    rc = hsec_loader_load(out, l, buf, n);
    hd_release(&l->a, buf);
    if (rc)
        name_file(l->err, path);
    return rc;
}

/* A document tree in an encoding; *out allocated with a (JSON: copied
 * from jansson's allocation). */
static int encode(unsigned char **out, size_t *len, const hsec_allocator *a, const hd *doc,
                  hsec_format to)
{
    *out = NULL;
    if (to == HSEC_FORMAT_JSON) {
        char *text = NULL;
        size_t n = 0;
        int rc = hd_to_json(&text, &n, doc, a);
        if (rc)
            return rc;
        unsigned char *copy = hd_alloc(a, n + 1);
        if (copy) {
            memcpy(copy, text, n);
            copy[n] = '\n';
        }
        hsec_free_string(text);
        if (!copy)
            return HSEC_ENOMEM;
        *out = copy;
        *len = n + 1;
        return HSEC_OK;
    }
    unsigned char *cbor = NULL;
    size_t n = 0;
    int rc = hd_to_cbor(&cbor, &n, a, doc);
    if (rc || to == HSEC_FORMAT_CBOR) {
        *out = cbor;
        *len = n;
        return rc;
    }
    rc = hd_container_wrap(out, len, a, cbor, n, to == HSEC_FORMAT_CONTAINER_ZLIB);
    hd_release(a, cbor);
    return rc;
}

int hsec_loader_convert_file(hsec_loader *l, const char *in, const char *outp, hsec_format to)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_convert_file: the loader is NULL");
    l->err[0] = '\0';
    if (!in || !outp || (int)to < 0 || (int)to >= HSEC_FORMAT_COUNT) {
        hd_setmsg(l->err, "convert: %s", (int)to < 0 || (int)to >= HSEC_FORMAT_COUNT
                                             ? "unknown format"
                                             : "a path is NULL");
        return HSEC_EINVAL;
    }
    unsigned char *buf = NULL, *enc = NULL;
    size_t n = 0, m = 0;
    hd *doc = NULL;
    int rc = read_file(&buf, &n, &l->a, in, with_header(l->lim.size), l->err);
    if (!rc && (rc = decode(&doc, &l->a, &l->a, &l->lim, buf, n, l->err, false)))
        name_file(l->err, in);
    if (!rc && (rc = encode(&enc, &m, &l->a, doc, to)))
        hd_setmsg(l->err, "convert: %s", rc == HSEC_ENOMEM ? "out of memory"
                                                           : hsec_last_errmsg());
    if (!rc && (rc = hsec_write_file(outp, enc, m)))
        hd_copymsg(l->err, HSEC_ERRMSG_MAX, hsec_last_errmsg());
    hd_release(&l->a, buf);
    hd_release(&l->a, enc);
    hd_free(&l->a, doc);
    return rc;
}

/* The results document of r, or the scenario document of s when r is NULL
 * (only a part to merge when part), encoded and saved atomically. */
static int save_tree(const char *path, const hsec_scenario *s, hsec_format format,
                     const hsec_result *r, bool part)
{
    hd *doc = NULL;
    unsigned char *enc = NULL;
    size_t n = 0;
    hsec_allocator a = hd_allocator_of(s);
    int rc = r ? hd_results_tree(&doc, r, s) : hd_scenario_tree(&doc, s);
    if (!rc && part)
        hd_scenario_part(&a, doc);
    if (!rc)
        rc = encode(&enc, &n, &a, doc, format);
    if (rc == HSEC_ENOMEM)
        hd_fail(rc, "%s: out of memory", path);
    if (!rc)
        rc = hsec_write_file(path, enc, n); /* sets the message */
    hd_release(&a, enc);
    hd_free(&a, doc);
    return rc;
}

int hsec_doc_save_results(const char *path, const hsec_result *r, const hsec_scenario *s,
                          hsec_format format)
{
    if (!path || !r || !s)
        return hd_fail(HSEC_EINVAL, "save_results: an argument is NULL");
    if ((int)format < 0 || (int)format >= HSEC_FORMAT_COUNT)
        return hd_fail(HSEC_EINVAL, "save_results: format %d is unknown", (int)format);
    if (hd_result_matches(r, s, "save_results"))
        return HSEC_EINVAL;
    return save_tree(path, s, format, r, false);
}

int hsec_doc_save_scenario(const char *path, const hsec_scenario *s, hsec_format format)
{
    if (!path || !s)
        return hd_fail(HSEC_EINVAL, "save_scenario: an argument is NULL");
    if ((int)format < 0 || (int)format >= HSEC_FORMAT_COUNT)
        return hd_fail(HSEC_EINVAL, "save_scenario: format %d is unknown", (int)format);
    return save_tree(path, s, format, NULL, false);
}

int hsec_doc_save_part(const char *path, const hsec_scenario *s, hsec_format format)
{
    if (!path || !s)
        return hd_fail(HSEC_EINVAL, "save_part: an argument is NULL");
    if ((int)format < 0 || (int)format >= HSEC_FORMAT_COUNT)
        return hd_fail(HSEC_EINVAL, "save_part: format %d is unknown", (int)format);
    return save_tree(path, s, format, NULL, true);
}

/* For the layer's other files (merge.c, csv.c): a loader's allocator,
 * limits and message, and its way of reading and writing documents. */
const hsec_allocator *hd_loader_allocator(const hsec_loader *l)
{
    return &l->a;
}

const hd_limits *hd_loader_limits(const hsec_loader *l)
{
    return &l->lim;
}

char *hd_loader_msg(hsec_loader *l)
{
    return l->err;
}

int hd_read_tree(hd **out, hsec_loader *l, const char *path)
{
    unsigned char *buf = NULL;
    size_t n = 0;
    *out = NULL;
    int rc = read_file(&buf, &n, &l->a, path, with_header(l->lim.size), l->err);
    if (!rc && (rc = decode(out, &l->a, &l->a, &l->lim, buf, n, l->err, false)))
        name_file(l->err, path);
    hd_release(&l->a, buf);
    return rc;
}

int hd_encode(unsigned char **out, size_t *len, const hsec_allocator *a, const hd *doc,
              hsec_format to)
{
    return encode(out, len, a, doc, to);
}

int hsec_loader_read_json(char **out, size_t *len, hsec_loader *l, const char *path)
{
    if (!out)
        return hd_fail(HSEC_EINVAL, "read_json: out is NULL");
    *out = NULL;
    if (!l || !path)
        return hd_fail(HSEC_EINVAL, "read_json: %s is NULL", l ? "path" : "the loader");
    hd *doc = NULL;
    int rc = hd_read_tree(&doc, l, path);
    if (!rc && (rc = hd_to_json(out, len, doc, &l->a)))
        hd_setmsg(l->err, "%s: %s", path, rc == HSEC_ENOMEM ? "out of memory"
                                          : "the document cannot be written as JSON");
    hd_free(&l->a, doc);
    return rc;
}
