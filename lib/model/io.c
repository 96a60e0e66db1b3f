/*
 * Economies from input-output tables (doc/model.md, "Economies from
 * input-output tables"): sectors become services of kind economic_sector
 * whose links are the table's technical coefficients, demand-side (Santos &
 * Haimes 2004) or supply-side (Leung, Haimes & Santos 2007).
 *
 * Z is read where the caller keeps it, row by row, three times: once to
 * check it and sum its rows and columns, once to count the links, once to
 * add them in batches. Nothing of size n x n is allocated, so that a table
 * of EXIOBASE's size (9,800 sectors) costs its links and O(n) besides.
 * Every check comes before the model changes; an allocation that fails
 * while the table is added takes back what was added.
 */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PART_MAX 30        /* characters of each part of an id */
#define BATCH 65536        /* links handed to hsec_model_add_links_indexed at once */

#define FAIL(m, code, ...)                  \
    do {                                    \
        hx_setmsg((m)->err, __VA_ARGS__);   \
        return (code);                      \
    } while (0)

/* A label as text fit for a message: "reg1:food" or "food". */
static void show_label(char *buf, size_t size, const hsec_io_table *t, size_t i)
{
    if (t->regions)
        snprintf(buf, size, "%.150s:%.150s", t->regions[i], t->sectors[i]);
    else
        snprintf(buf, size, "%.300s", t->sectors[i]);
}

/* One part of an id from a label: every character outside [A-Za-z0-9_-]
 * made '_', runs of '_' made one, '_' at either end dropped, at most
 * PART_MAX characters, `empty` when nothing is left. out holds
 * PART_MAX + 1 bytes. */
static void sanitise(char *out, const char *label, const char *empty)
{
    size_t n = 0;
    for (const char *p = label; *p && n < PART_MAX; p++) {
        char ch = *p;
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-';
        if (keep)
            out[n++] = ch;
        else if (n > 0 && out[n - 1] != '_')
            out[n++] = '_';
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    if (!n)
        strcpy(out, empty);
}

/* Ids given out by one call: the new ids (owned) in a map, and per base
 * the next suffix to try, so that a thousand sectors of one name cost a
 * thousand probes, not half a million. */
typedef struct idset {
    const hsec_allocator *a;
    hx_map taken;   /* id -> unused */
    hx_map bases;   /* base -> index into next */
    uint32_t *next; /* the next suffix to try for each base */
    size_t nnext, capnext;
    char **owned;   /* every string the maps key on */
    size_t nowned, capowned;
} idset;

static char *own(idset *s, const char *text)
{
    char *copy = NULL;
    if (HX_RESERVE(s->a, s->owned, s->capowned, s->nowned + 1) ||
        !(copy = hx_strdup(s->a, text)))
        return NULL;
    s->owned[s->nowned++] = copy;
    return copy;
}

static void idset_free(idset *s)
{
    hx_map_free(s->a, &s->taken);
    hx_map_free(s->a, &s->bases);
    for (size_t i = 0; i < s->nowned; i++)
        hx_free(s->a, s->owned[i]);
    hx_free(s->a, s->owned);
    hx_free(s->a, s->next);
}

/* A new id from base, unique among the model's names and those given out
 * already: base, else base_2, base_3, ... (base cut so that the whole
 * stays within HX_ID_MAX). *out is owned by s. */
static int unique_id(char **out, idset *s, const hsec_model *m, const char *base)
{
    uint32_t b;
    if (!hx_map_get(&s->bases, base, &b)) {
        char *key = own(s, base);
        if (!key || HX_RESERVE(s->a, s->next, s->capnext, s->nnext + 1) ||
            hx_map_put(s->a, &s->bases, key, (uint32_t)s->nnext))
            return HSEC_ENOMEM;
        b = (uint32_t)s->nnext++;
        s->next[b] = 2;
    }
    char id[HX_ID_MAX + 1];
    snprintf(id, sizeof id, "%s", base);
    while (hx_map_get(&m->names, id, NULL) || hx_map_get(&s->taken, id, NULL)) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "_%u", s->next[b]++);
        size_t keep = strlen(base);
        if (keep > (size_t)(HX_ID_MAX - sl))
            keep = (size_t)(HX_ID_MAX - sl);
        snprintf(id, sizeof id, "%.*s%s", (int)keep, base, suffix);
    }
    char *copy = own(s, id);
    if (!copy || hx_map_put(s->a, &s->taken, copy, 0))
        return HSEC_ENOMEM;
    *out = copy;
    return HSEC_OK;
}

/* What the model held before the table, to take back a table half added. */
typedef struct mark {
    size_t nregion, nservice, norder, nlink, nlname;
    hx_map names; /* a copy of the map of ids (its arrays owned here) */
} mark;

static int mark_take(mark *k, hsec_model *m)
{
    k->nregion = m->nregion;
    k->nservice = m->nservice;
    k->norder = m->norder;
    k->nlink = m->nlink;
    k->nlname = m->nlname;
    return hx_map_copy(&m->a, &k->names, &m->names);
}

/* Take the model back to the mark: the regions, services and links added
 * since are freed (the bytes their link names took in the name pool stay,
 * unused, as a failed hsec_model_add_link leaves them). */
static void mark_restore(mark *k, hsec_model *m)
{
    for (size_t i = k->nregion; i < m->nregion; i++) {
        hx_free(&m->a, m->regions[i].id);
        hx_free(&m->a, m->regions[i].parent);
        hx_free(&m->a, m->regions[i].label);
    }
    for (size_t i = k->nservice; i < m->nservice; i++) {
        hx_free(&m->a, m->services[i].id);
        hx_free(&m->a, m->services[i].region);
        hx_free(&m->a, m->services[i].label);
    }
    m->nregion = k->nregion;
    m->nservice = k->nservice;
    m->norder = k->norder;
    m->nlink = k->nlink;
    m->nlname = k->nlname;
    hx_map_free(&m->a, &m->names);
    m->names = k->names;
    k->names.slots = NULL;
}

/* Per sector, what the checks find. */
typedef struct sector {
    double rowsum, colsum; /* of Z */
    double rowmax, colmax; /* largest entries of its row and column, */
    size_t rowarg, colarg; /* and where */
    double fd;             /* final demand (row sum of Y) */
    double x;              /* total output */
    bool fdnonzero;        /* some entry of its row of Y is not 0 */
    bool kept;
} sector;

/* The coefficient of entry Z[r][c], and the link it makes (from -> to). */
static HX_INLINE double coefficient(const hsec_io_table *t, const sector *sec, size_t r,
                                    size_t c, double z, size_t *from, size_t *to)
{
    if (t->model == HSEC_IO_SUPPLY) { /* a*_ij = Z_ji / x_i, link j -> i: i = c, j = r */
        *from = r;
        *to = c;
        return z / sec[c].x;
    }
    *from = c; /* a*_ij = Z_ij / x_i, link j -> i: i = r, j = c */
    *to = r;
    return z / sec[r].x;
}

static int check_label(hsec_model *m, const char *what, size_t i, const char *label)
{
    if (!label)
        FAIL(m, HSEC_EINVAL, "io table: %s[%zu] is NULL", what, i);
    size_t n = strlen(label);
    if (n > HSEC_LABEL_MAX)
        FAIL(m, HSEC_EINVAL, "io table: %s[%zu]: %zu bytes, more than %d", what, i, n,
             HSEC_LABEL_MAX);
    for (size_t b = 0; b < n;) {
        int u = hx_utf8_len((const unsigned char *)label + b, n - b);
        if (u <= 0)
            FAIL(m, HSEC_EINVAL, "io table: %s[%zu]: byte %zu is not UTF-8", what, i, b);
        b += (size_t)u;
    }
    return HSEC_OK;
}

/* The arguments, before anything is read. */
static int check_args(hsec_model *m, const hsec_io_table *t, const char **id, double *base,
                      size_t count)
{
    if (!t)
        FAIL(m, HSEC_EINVAL, "io table: the table is NULL");
    if (t->version != HSEC_IO_TABLE_VERSION)
        FAIL(m, HSEC_EINVAL, "io table: version %u is not HSEC_IO_TABLE_VERSION (%d)",
             t->version, HSEC_IO_TABLE_VERSION);
    if (t->n == 0)
        FAIL(m, HSEC_EINVAL, "io table: n is 0 (a table needs a sector)");
    if (t->n > HX_MAX_NODES / 2 || t->n > SIZE_MAX / t->n)
        FAIL(m, HSEC_EINVAL, "io table: n %zu is too large", t->n);
    if ((id || base) && count != t->n)
        FAIL(m, HSEC_EINVAL, "io table: count %zu is not n (%zu)", count, t->n);
    if (!t->z || !t->sectors)
        FAIL(m, HSEC_EINVAL, "io table: %s is NULL", !t->z ? "z" : "sectors");
    if (!t->x == !t->y)
        FAIL(m, HSEC_EINVAL, "io table: give either x (total output) or y (final demand)%s",
             t->x ? ", not both" : "");
    if (t->y && t->k == 0)
        FAIL(m, HSEC_EINVAL, "io table: y has k = 0 columns");
    if (t->y && t->k > SIZE_MAX / t->n)
        FAIL(m, HSEC_EINVAL, "io table: y of %zu x %zu is too large", t->n, t->k);
    if (t->model != HSEC_IO_DEMAND && t->model != HSEC_IO_SUPPLY)
        FAIL(m, HSEC_EINVAL, "io table: model %d is not HSEC_IO_DEMAND or HSEC_IO_SUPPLY",
             (int)t->model);
    if (!(t->min_weight >= 0 && t->min_weight <= 1))
        FAIL(m, HSEC_EINVAL, "io table: min_weight %.17g is not in [0,1]", t->min_weight);
    if (t->regions && t->region)
        FAIL(m, HSEC_EINVAL, "io table: region \"%s\" names a single-region table's region, "
             "but the table has regions", t->region);
    if (t->region) {
        uint32_t ref;
        if (!hx_valid_id(t->region))
            FAIL(m, HSEC_EINVAL, "io table: region \"%s\" is not [A-Za-z0-9_:-]{1,64}",
                 t->region);
        if (hx_map_get(&m->names, t->region, &ref) && HX_REF_KIND(ref) != HX_REGION)
            FAIL(m, HSEC_EEXIST, "io table: region \"%s\": the id is a %s's", t->region,
                 HX_REF_KIND(ref) == HX_GROUP ? "group" : "service");
    }
    int rc;
    for (size_t i = 0; i < t->n; i++)
        if ((rc = check_label(m, "sectors", i, t->sectors[i])) ||
            (t->regions && (rc = check_label(m, "regions", i, t->regions[i]))))
            return rc;
    return HSEC_OK;
}

/* Read Z (and Y) once: every entry finite, Z >= 0; sums and maxima. */
static int scan(hsec_model *m, const hsec_io_table *t, sector *sec)
{
    size_t n = t->n;
    char r1[320], r2[320];
    for (size_t r = 0; r < n; r++) {
        const double *row = t->z + r * n;
        for (size_t c = 0; c < n; c++) {
            double z = row[c];
            if (!(z >= 0) || !isfinite(z)) {
                show_label(r1, sizeof r1, t, r);
                show_label(r2, sizeof r2, t, c);
                FAIL(m, HSEC_EINVAL, "io table: Z[%zu][%zu] (row %s, column %s) = %.17g is %s",
                     r, c, r1, r2, z, isnan(z) || isinf(z) ? "not finite" : "negative");
            }
            sec[r].rowsum += z;
            sec[c].colsum += z;
            if (z > sec[r].rowmax) {
                sec[r].rowmax = z;
                sec[r].rowarg = c;
            }
            if (z > sec[c].colmax) {
                sec[c].colmax = z;
                sec[c].colarg = r;
            }
        }
    }
    for (size_t r = 0; t->y && r < n; r++) {
        const double *row = t->y + r * t->k;
        for (size_t c = 0; c < t->k; c++) {
            if (!isfinite(row[c])) {
                show_label(r1, sizeof r1, t, r);
                FAIL(m, HSEC_EINVAL, "io table: Y[%zu][%zu] (row %s, column %zu) = %.17g is "
                     "not finite", r, c, r1, c, row[c]);
            }
            sec[r].fd += row[c];
            sec[r].fdnonzero |= row[c] != 0;
        }
    }
    for (size_t i = 0; i < n; i++) {
        sector *s = &sec[i];
        show_label(r1, sizeof r1, t, i);
        bool flows = s->rowsum != 0 || s->colsum != 0;
        if (t->x) {
            s->x = t->x[i];
            if (!isfinite(s->x))
                FAIL(m, HSEC_EINVAL, "io table: x[%zu] (%s) = %.17g is not finite", i, r1,
                     s->x);
            s->fd = s->x - s->rowsum;
            s->kept = flows || s->x != 0;
        } else {
            s->x = s->rowsum + s->fd;
            s->kept = flows || s->fdnonzero;
        }
        if (!isfinite(s->rowsum) || !isfinite(s->colsum) || !isfinite(s->x) ||
            !isfinite(s->fd))
            FAIL(m, HSEC_EINVAL, "io table: the sums of sector %zu (%s) overflow", i, r1);
        if (s->kept && !(s->x > 0))
            FAIL(m, HSEC_EINVAL, "io table: sector %zu (%s) has flows or final demand, but "
                 "its total output x = %.17g is not > 0%s", i, r1, s->x,
                 t->x ? "" : " (row sum of Z plus final demand)");
    }
    /* a coefficient above 1: a given x below an entry of the row (demand)
     * or column (supply); z <= x gives z / x <= 1 exactly */
    for (size_t i = 0; i < n; i++) {
        const sector *s = &sec[i];
        double big = t->model == HSEC_IO_SUPPLY ? s->colmax : s->rowmax;
        if (!s->kept || big / s->x <= 1)
            continue;
        size_t j = t->model == HSEC_IO_SUPPLY ? s->colarg : s->rowarg;
        size_t r = t->model == HSEC_IO_SUPPLY ? j : i, c = t->model == HSEC_IO_SUPPLY ? i : j;
        show_label(r1, sizeof r1, t, r);
        show_label(r2, sizeof r2, t, c);
        FAIL(m, HSEC_EINVAL, "io table: coefficient %.17g of Z[%zu][%zu] (row %s, column %s) "
             "= %.17g over x = %.17g of %s is above 1", big / s->x, r, c, r1, r2, big, s->x,
             t->model == HSEC_IO_SUPPLY ? r2 : r1);
    }
    return HSEC_OK;
}

/* The links the table makes (read 2), refused when over the model's limit. */
static int count_links(hsec_model *m, const hsec_io_table *t, const sector *sec, size_t *out)
{
    size_t n = t->n, count = 0, from, to;
    for (size_t r = 0; r < n; r++) {
        const double *row = t->z + r * n;
        for (size_t c = 0; c < n; c++)
            if (row[c] > 0 &&
                coefficient(t, sec, r, c, row[c], &from, &to) >= t->min_weight)
                count++;
    }
    uint64_t limit = hx_limit(m->lim_links);
    if (count > limit || m->nlink > limit - count)
        FAIL(m, HSEC_ELIMIT, "io table: its %zu links would make %llu written, more than the "
             "limit of %llu (HSEC_LIMIT_LINKS)", count,
             (unsigned long long)hx_mul_add(1, m->nlink, count), (unsigned long long)limit);
    if (m->nlink + count >= (size_t)UINT32_MAX)
        FAIL(m, HSEC_EINVAL, "io table: %zu links are too many", count);
    *out = count;
    return HSEC_OK;
}

/* The ids (owned by s) of the kept sectors, and of the regions to create:
 * rid[i] the region of sector i (NULL: national), newreg[i] whether this
 * sector is the first of a region the call creates. */
static int assign_ids(hsec_model *m, const hsec_io_table *t, const sector *sec, idset *s,
                      char **sid, char **rid, bool *newreg)
{
    size_t n = t->n;
    hx_map bylabel = {0}; /* region label -> index of its first sector */
    int rc = HSEC_OK;
    char part[PART_MAX + 1], sp[PART_MAX + 1], idb[2 * PART_MAX + 2];
    for (size_t i = 0; i < n && !rc; i++) {
        rid[i] = NULL;
        newreg[i] = false;
        if (!sec[i].kept || !t->regions)
            continue;
        uint32_t first;
        if (hx_map_get(&bylabel, t->regions[i], &first)) {
            rid[i] = rid[first];
            continue;
        }
        sanitise(part, t->regions[i], "region");
        uint32_t ref;
        if (hx_map_get(&m->names, part, &ref) && HX_REF_KIND(ref) == HX_REGION) {
            rid[i] = own(s, part); /* the model's region of that id */
        } else {
            rc = unique_id(&rid[i], s, m, part);
            newreg[i] = true;
        }
        if (!rc && (!rid[i] || hx_map_put(&m->a, &bylabel, t->regions[i], (uint32_t)i)))
            rc = HSEC_ENOMEM;
    }
    if (!rc && t->region) {
        uint32_t ref;
        bool exists = hx_map_get(&m->names, t->region, &ref);
        char *r = own(s, t->region);
        if (!r || (!exists && hx_map_put(&m->a, &s->taken, r, 0)))
            rc = HSEC_ENOMEM;
        for (size_t i = 0; i < n && !rc; i++) {
            rid[i] = sec[i].kept ? r : NULL;
            newreg[i] = false;
        }
        for (size_t i = 0; i < n && !rc && !exists; i++)
            if (sec[i].kept) {
                newreg[i] = true;
                break;
            }
    }
    for (size_t i = 0; i < n && !rc; i++) {
        sid[i] = NULL;
        if (!sec[i].kept)
            continue;
        sanitise(sp, t->sectors[i], "sector");
        if (t->regions) {
            sanitise(part, t->regions[i], "region");
            snprintf(idb, sizeof idb, "%s:%s", part, sp);
        } else {
            snprintf(idb, sizeof idb, "%s", sp);
        }
        rc = unique_id(&sid[i], s, m, idb);
    }
    hx_map_free(&m->a, &bylabel);
    if (rc)
        FAIL(m, HSEC_ENOMEM, "out of memory");
    return HSEC_OK;
}

/* Add the regions, services and links (read 3). */
static int add_all(hsec_model *m, const hsec_io_table *t, const sector *sec, char **sid,
                   char **rid, const bool *newreg, size_t nlinks)
{
    size_t n = t->n, nkept = 0;
    for (size_t i = 0; i < n; i++)
        nkept += sec[i].kept;
    if (HX_RESERVE(&m->a, m->links, m->caplink, m->nlink + nlinks) ||
        HX_RESERVE(&m->a, m->services, m->capservice, m->nservice + nkept) ||
        HX_RESERVE(&m->a, m->order, m->caporder, m->norder + nkept))
        FAIL(m, HSEC_ENOMEM, "out of memory");
    int rc;
    for (size_t i = 0; i < n; i++) {
        if (!newreg[i])
            continue;
        if ((rc = hsec_model_add_region(m, rid[i], NULL)) ||
            (t->regions && t->regions[i][0] &&
             (rc = hsec_model_set_label(m, rid[i], t->regions[i]))))
            return rc;
    }
    for (size_t i = 0; i < n; i++) {
        if (!sec[i].kept)
            continue;
        if ((rc = hsec_model_add_service(m, sid[i], HSEC_SERVICE_ECONOMIC_SECTOR, rid[i])) ||
            (t->sectors[i][0] && (rc = hsec_model_set_label(m, sid[i], t->sectors[i]))))
            return rc;
    }
    size_t cap = nlinks < BATCH ? nlinks : BATCH;
    uint32_t *from = hx_alloc(&m->a, (cap ? cap : 1) * sizeof *from);
    uint32_t *to = hx_alloc(&m->a, (cap ? cap : 1) * sizeof *to);
    double *w = hx_alloc(&m->a, (cap ? cap : 1) * sizeof *w);
    rc = from && to && w ? HSEC_OK : HSEC_ENOMEM;
    if (rc)
        hx_setmsg(m->err, "out of memory");
    size_t k = 0;
    for (size_t r = 0; r < n && !rc; r++) {
        const double *row = t->z + r * n;
        for (size_t c = 0; c < n && !rc; c++) {
            size_t f, g;
            double a;
            if (!(row[c] > 0) || (a = coefficient(t, sec, r, c, row[c], &f, &g)) < t->min_weight)
                continue;
            from[k] = (uint32_t)f;
            to[k] = (uint32_t)g;
            w[k++] = a;
            if (k == cap) {
                rc = hsec_model_add_links_indexed(m, (const char *const *)sid, n, from, to, w,
                                                  NULL, k);
                k = 0;
            }
        }
    }
    if (!rc && k)
        rc = hsec_model_add_links_indexed(m, (const char *const *)sid, n, from, to, w, NULL, k);
    hx_free(&m->a, from);
    hx_free(&m->a, to);
    hx_free(&m->a, w);
    return rc;
}

int hsec_model_add_io_table(const char **id, double *base, size_t count, hsec_model *m,
                            const hsec_io_table *table)
{
    if (!m)
        return hx_fail(HSEC_EINVAL, "model_add_io_table: the model is NULL");
    int rc = check_args(m, table, id, base, count);
    if (rc)
        return rc;
    const hsec_io_table *t = table;
    size_t n = t->n, nlinks = 0;
    sector *sec = hx_calloc(&m->a, n, sizeof *sec);
    char **sid = hx_calloc(&m->a, n, sizeof *sid);
    char **rid = hx_calloc(&m->a, n, sizeof *rid);
    bool *newreg = hx_calloc(&m->a, n, sizeof *newreg);
    idset s = {.a = &m->a};
    mark k = {0};
    bool marked = false;
    if (!sec || !sid || !rid || !newreg) {
        hx_setmsg(m->err, "out of memory");
        rc = HSEC_ENOMEM;
    }
    if (!rc)
        rc = scan(m, t, sec);
    if (!rc)
        rc = count_links(m, t, sec, &nlinks);
    if (!rc)
        rc = assign_ids(m, t, sec, &s, sid, rid, newreg);
    if (!rc) {
        if ((rc = mark_take(&k, m)))
            hx_setmsg(m->err, "out of memory");
        marked = !rc;
    }
    if (!rc && (rc = add_all(m, t, sec, sid, rid, newreg, nlinks)))
        mark_restore(&k, m);
    if (marked)
        hx_map_free(&m->a, &k.names);
    if (!rc) {
        /* the ids as the model keeps them: they live as long as it */
        size_t at = m->nservice;
        for (size_t i = n; i-- > 0;) {
            const sector *c = &sec[i];
            if (id)
                id[i] = c->kept ? m->services[--at].id : NULL;
            else if (c->kept)
                --at;
            if (base)
                base[i] = !c->kept ? NAN
                          : t->model == HSEC_IO_SUPPLY ? (c->x - c->colsum) / c->x
                                                       : c->fd / c->x;
        }
    }
    idset_free(&s);
    hx_free(&m->a, sec);
    hx_free(&m->a, sid);
    hx_free(&m->a, rid);
    hx_free(&m->a, newreg);
    return rc;
}
