/* Loading and saving documents in every encoding, under limits. */
#define _GNU_SOURCE /* O_DIRECTORY for fsync of the directory */
#include "doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct hsec_loader {
    hsec_allocator a;
    hx_limits lim;
    char err[HSEC_ERRMSG_MAX];
};

void hx_default_limits(hx_limits *l)
{
    l->nodes = 100000000;
    l->links = 1000000000;
    l->string = 1 << 20;
    l->depth = 64;
    l->size = (uint64_t)2 << 30;
    l->ratio = 200;
}

int hsec_loader_new(hsec_loader **out, const hsec_allocator *alloc)
{
    if (!out)
        return HSEC_EINVAL;
    *out = NULL;
    hsec_allocator a;
    if (alloc && (!alloc->alloc || !alloc->realloc || !alloc->free))
        return HSEC_EINVAL;
    if (alloc)
        a = *alloc;
    else
        hx_default_allocator(&a);
    hsec_loader *l = hx_calloc(&a, 1, sizeof *l);
    if (!l)
        return HSEC_ENOMEM;
    l->a = a;
    hx_default_limits(&l->lim);
    *out = l;
    return HSEC_OK;
}

void hsec_loader_free(hsec_loader *l)
{
    if (!l)
        return;
    hsec_allocator a = l->a;
    hx_free(&a, l);
}

const char *hsec_loader_errmsg(const hsec_loader *l)
{
    return l ? l->err : "no loader";
}

static uint64_t *limit_slot(hx_limits *lim, hsec_limit what)
{
    switch (what) {
    case HSEC_LIMIT_NODES: return &lim->nodes;
    case HSEC_LIMIT_LINKS: return &lim->links;
    case HSEC_LIMIT_STRING: return &lim->string;
    case HSEC_LIMIT_DEPTH: return &lim->depth;
    case HSEC_LIMIT_SIZE: return &lim->size;
    case HSEC_LIMIT_RATIO: return &lim->ratio;
    }
    return NULL;
}

int hsec_loader_set_limit(hsec_loader *l, hsec_limit what, uint64_t value)
{
    if (!l)
        return HSEC_EINVAL;
    uint64_t *slot = limit_slot(&l->lim, what);
    if (!slot || value == 0) {
        hx_setmsg(l->err, "limit %d: %s", (int)what, slot ? "0 would refuse everything"
                                                          : "unknown limit");
        return HSEC_EINVAL;
    }
    *slot = value;
    return HSEC_OK;
}

int hsec_loader_get_limit(uint64_t *out, const hsec_loader *l, hsec_limit what)
{
    if (!out || !l)
        return HSEC_EINVAL;
    uint64_t *slot = limit_slot((hx_limits *)(uintptr_t)&l->lim, what);
    if (!slot)
        return HSEC_EINVAL;
    *out = *slot;
    return HSEC_OK;
}

/* The document tree of any encoding. */
static int decode(hd **out, const hsec_allocator *a, const hx_limits *lim,
                  const unsigned char *data, size_t len, char *msg)
{
    *out = NULL;
    if (len > lim->size + (hx_is_container(data, len) ? HX_CONTAINER_HEADER : 0)) {
        hx_setmsg(msg, "document of %zu bytes (the limit is %llu)", len,
                  (unsigned long long)lim->size);
        return HSEC_EFORMAT;
    }
    if (hx_is_container(data, len)) {
        unsigned char *cbor = NULL;
        size_t n = 0;
        int rc = hx_container_unwrap(&cbor, &n, a, data, len, lim, msg);
        if (!rc)
            rc = hd_from_cbor(out, a, cbor, n, lim, msg);
        hx_free(a, cbor);
        return rc;
    }
    if (len && ((data[0] >= 0xa0 && data[0] <= 0xbb) || data[0] == 0xbf)) /* a CBOR map */
        return hd_from_cbor(out, a, data, len, lim, msg);
    return hd_from_json(out, a, (const char *)data, len, lim, msg);
}

int hsec_loader_load(hsec_scenario **out, hsec_loader *l, const void *data, size_t len)
{
    if (!out)
        return HSEC_EINVAL;
    *out = NULL;
    if (!l)
        return HSEC_EINVAL;
    l->err[0] = '\0';
    if (!data) {
        hx_setmsg(l->err, "data is NULL");
        return HSEC_EINVAL;
    }
    hd *doc = NULL;
    int rc = decode(&doc, &l->a, &l->lim, data, len, l->err);
    if (!rc)
        rc = hx_load_tree(out, doc, &l->a, &l->lim, l->err);
    hd_free(&l->a, doc);
    return rc;
}

/* Read a whole file, refusing one larger than max bytes. */
static int read_file(unsigned char **out, size_t *len, const hsec_allocator *a,
                     const char *path, uint64_t max, char *msg)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        hx_setmsg(msg, "%s: %s", path, strerror(errno));
        return HSEC_EIO;
    }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = HSEC_OK;
    for (;;) {
        if (HX_RESERVE(a, buf, cap, n + 65536)) {
            hx_setmsg(msg, "%s: out of memory", path);
            rc = HSEC_ENOMEM;
            break;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            hx_setmsg(msg, "%s: larger than %llu bytes (the loader's size limit)", path,
                      (unsigned long long)max);
            rc = HSEC_EFORMAT;
            break;
        }
        if (got == 0) {
            if (ferror(f)) {
                hx_setmsg(msg, "%s: %s", path, strerror(errno ? errno : EIO));
                rc = HSEC_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (rc) {
        hx_free(a, buf);
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
    hx_copymsg(msg, HSEC_ERRMSG_MAX, full);
}

int hsec_loader_load_file(hsec_scenario **out, hsec_loader *l, const char *path)
{
    if (!out)
        return HSEC_EINVAL;
    *out = NULL;
    if (!l || !path)
        return HSEC_EINVAL;
    unsigned char *buf;
    size_t n;
    int rc = read_file(&buf, &n, &l->a, path, l->lim.size + HX_CONTAINER_HEADER, l->err);
    if (rc)
        return rc;
    rc = hsec_loader_load(out, l, buf, n);
    hx_free(&l->a, buf);
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
        int rc = hd_to_json(&text, &n, doc);
        if (rc)
            return rc;
        unsigned char *copy = hx_alloc(a, n + 1);
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
    rc = hx_container_wrap(out, len, a, cbor, n, to == HSEC_FORMAT_CONTAINER_ZLIB);
    hx_free(a, cbor);
    return rc;
}

int hsec_loader_convert_file(hsec_loader *l, const char *in, const char *outp, hsec_format to)
{
    if (!l)
        return HSEC_EINVAL;
    l->err[0] = '\0';
    if (!in || !outp || (int)to < 0 || (int)to >= HSEC_FORMAT_COUNT) {
        hx_setmsg(l->err, "convert: %s", (int)to < 0 || (int)to >= HSEC_FORMAT_COUNT
                                             ? "unknown format"
                                             : "a path is NULL");
        return HSEC_EINVAL;
    }
    unsigned char *buf = NULL, *enc = NULL;
    size_t n = 0, m = 0;
    hd *doc = NULL;
    int rc = read_file(&buf, &n, &l->a, in, l->lim.size + HX_CONTAINER_HEADER, l->err);
    if (!rc && (rc = decode(&doc, &l->a, &l->lim, buf, n, l->err)))
        name_file(l->err, in);
    if (!rc && (rc = encode(&enc, &m, &l->a, doc, to)))
        hx_setmsg(l->err, "convert: out of memory");
    if (!rc && (rc = hsec_write_file(outp, enc, m)))
        hx_setmsg(l->err, "%s: %s", outp, strerror(errno ? errno : EIO));
    hx_free(&l->a, buf);
    hx_free(&l->a, enc);
    hd_free(&l->a, doc);
    return rc;
}

/* The mode a new file gets: the replaced file's, or 0666 less the umask
 * (read from /proc, since umask(2) cannot be read without changing it for
 * every thread). */
static mode_t file_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    unsigned mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        char line[128];
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "Umask: %o", &mask) == 1)
                break;
        fclose(f);
    }
    return (mode_t)(0666 & ~mask);
}

int hsec_write_file(const char *path, const void *data, size_t len)
{
    if (!path || (!data && len))
        return HSEC_EINVAL;
    size_t n = strlen(path);
    char tmp[4096]; /* no allocation: saving works when memory is short */
    if (n + 12 > sizeof tmp) {
        errno = ENAMETOOLONG;
        return HSEC_EIO;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return HSEC_EIO;
    const unsigned char *p = data;
    size_t left = len;
    bool ok = fchmod(fd, file_mode(path)) == 0;
    while (ok && left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            left -= (size_t)w;
        }
    }
    int e = ok ? 0 : errno;
    if (ok && fsync(fd) != 0) {
        ok = false;
        e = errno;
    }
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        errno = e ? e : EIO;
        return HSEC_EIO;
    }
    /* the rename lasts only once the directory is on disk too */
    char *slash = strrchr(tmp, '/');
    if (slash)
        *slash = '\0';
    int dfd = open(slash ? (tmp[0] ? tmp : "/") : ".", O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return HSEC_OK;
}

/* The results document of r, or the scenario document of s when r is NULL,
 * encoded and saved atomically. */
static int save_tree(const char *path, const hsec_scenario *s, hsec_format format,
                     const hsec_result *r)
{
    hd *doc = NULL;
    unsigned char *enc = NULL;
    size_t n = 0;
    int rc = r ? hx_results_tree(&doc, r, s) : hx_scenario_tree(&doc, s);
    if (!rc)
        rc = encode(&enc, &n, &s->a, doc, format);
    if (!rc)
        rc = hsec_write_file(path, enc, n);
    hx_free(&s->a, enc);
    hd_free(&s->a, doc);
    return rc;
}

int hsec_doc_save_results(const char *path, const hsec_result *r, const hsec_scenario *s,
                          hsec_format format)
{
    if (!path || !r || !s || (int)format < 0 || (int)format >= HSEC_FORMAT_COUNT ||
        hsec_result_node_count(r) != hsec_compiled_node_count(s->c))
        return HSEC_EINVAL;
    return save_tree(path, s, format, r);
}

int hsec_doc_save_scenario(const char *path, const hsec_scenario *s, hsec_format format)
{
    if (!path || !s || (int)format < 0 || (int)format >= HSEC_FORMAT_COUNT)
        return HSEC_EINVAL;
    return save_tree(path, s, format, NULL);
}
