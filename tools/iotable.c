/*
 * Reading input-output tables (iotable.h). Each file is streamed through
 * libcsv in blocks: a row's fields are kept until the row ends, its
 * numbers then go where they belong (Z's rows into one n x n array, final
 * demand summed as it comes, total output into n values), and nothing
 * else of the file is held.
 */
#include "iotable.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_Z, KIND_Y, KIND_X };

/* A header row, held as fields until the first row of numbers tells which
 * of its cells are labels. */
typedef struct pending {
    char **cells;
    size_t n;
} pending;

/* A file being read. */
typedef struct reader {
    const char *path;
    int kind;
    bool tsv;
    char *err;
    size_t errsize;
    bool failed;
    /* the row being read */
    char **f;
    size_t nf, capf;
    size_t row; /* rows read, the current one included (1-based in messages) */
    /* layout, known from the first row of numbers */
    size_t ncell, nlabel; /* cells per row, and of them label cells (unit included) */
    bool data;            /* a row of numbers was seen */
    /* header rows whose number part holds labels: the column levels */
    char ***hdr;
    size_t nhdr;
    /* rows of numbers: their label cells, and where the numbers go */
    char ***labels;
    size_t ndata, caplabels;
    double *vals; /* the current row's numbers (ncell - nlabel) */
    double *z;    /* KIND_Z: rows of n numbers */
    size_t capz;
    double *y;    /* KIND_Y: 2 per row */
    double *x;    /* KIND_X: 1 per row */
    size_t capv;
    size_t maxrows;  /* Z: n; Y, x: Z's rows */
    size_t firstrow; /* the first row of numbers */
    pending *held;   /* header rows before it */
    size_t nheld;
} reader;

/* Fail and leave a callback. */
#define FAILV(...)            \
    do {                      \
        fail(__VA_ARGS__);    \
        return;               \
    } while (0)

static void fail(reader *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    va_list ap;
    va_start(ap, fmt);
    int k = snprintf(r->err, r->errsize, "%s: ", r->path);
    if (k >= 0 && (size_t)k < r->errsize)
        vsnprintf(r->err + k, r->errsize - (size_t)k, fmt, ap);
    va_end(ap);
}

/* Is s a number (strtod reads all of it, spaces aside)? Into *out. */
static bool number(const char *s, double *out)
{
    while (*s == ' ')
        s++;
    if (!*s)
        return false;
    if (strpbrk(s, "xXpP")) /* hex: strtod reads it, no table writes it */
        return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s)
        return false;
    while (*end == ' ')
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void free_row(char **cells, size_t n)
{
    for (size_t i = 0; cells && i < n; i++)
        free(cells[i]);
    free(cells);
}

/* A cell, cut for a message. */
static const char *cut(const char *s)
{
    static char buf[64];
    size_t n = strlen(s);
    if (n < sizeof buf)
        return s;
    snprintf(buf, sizeof buf, "%.56s...", s);
    return buf;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->failed)
        return;
    if (r->nf == r->capf) {
        size_t cap = r->capf ? r->capf * 2 : 64;
        char **f = realloc(r->f, cap * sizeof *f);
        if (!f)
            FAILV(r, "out of memory");
        r->f = f;
        r->capf = cap;
    }
    if (len && memchr(s, '\0', len))
        FAILV(r, "row %zu, column %zu: a NUL byte", r->row + 1, r->nf + 1);
    char *copy = malloc(len + 1);
    if (!copy)
        FAILV(r, "out of memory");
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    r->f[r->nf++] = copy;
}

/* The layout of the first row of numbers: the label cells are those
 * before the trailing run of numbers. False when the row is no such row. */
static bool first_data(reader *r)
{
    if (!r->tsv) /* CSV: one label row, one label column */
        return r->row >= 2;
    size_t k = r->nf;
    double v;
    while (k > 0 && number(r->f[k - 1], &v))
        k--;
    return k >= 1 && k < r->nf;
}

static void keep_header(reader *r)
{
    /* a header row whose number part is empty names the index levels
     * (pandas writes one): it labels no column */
    bool any = false;
    for (size_t c = r->nlabel; c < r->nf; c++)
        any |= r->f[c][0] != '\0';
    if (!r->tsv)
        any = true;
    if (!any)
        return;
    char ***h = realloc(r->hdr, (r->nhdr + 1) * sizeof *h);
    if (!h)
        FAILV(r, "out of memory");
    r->hdr = h;
    /* padded to ncell cells: a row written without its trailing empty cells */
    char **row = calloc(r->ncell, sizeof *row);
    if (!row)
        FAILV(r, "out of memory");
    for (size_t c = 0; c < r->ncell; c++)
        if (!(row[c] = dup_str(c < r->nf ? r->f[c] : ""))) {
            free_row(row, c);
            FAILV(r, "out of memory");
        }
    r->hdr[r->nhdr++] = row;
}

static void data_row(reader *r)
{
    if (r->nf != r->ncell)
        FAILV(r, "row %zu has %zu cells, but the first row of numbers (row %zu) has "
                    "%zu", r->row, r->nf, r->firstrow, r->ncell);
    size_t nv = r->ncell - r->nlabel;
    for (size_t c = 0; c < nv; c++) {
        const char *cell = r->f[r->nlabel + c];
        double v;
        if (!number(cell, &v))
            FAILV(r, "row %zu, column %zu: \"%s\" is not a number", r->row,
                        r->nlabel + c + 1, cut(cell));
        if (!isfinite(v))
            FAILV(r, "row %zu, column %zu: \"%s\" is not a finite number", r->row,
                        r->nlabel + c + 1, cut(cell));
        r->vals[c] = v;
    }
    if (r->ndata >= r->maxrows)
        FAILV(r, "row %zu: more rows of numbers than %s (%zu)", r->row,
                    r->kind == KIND_Z ? "columns: Z must be square" : "Z has rows", r->maxrows);
    if (r->ndata == r->caplabels) {
        size_t cap = r->caplabels ? r->caplabels * 2 : 256;
        char ***l = realloc(r->labels, cap * sizeof *l);
        if (!l)
            FAILV(r, "out of memory");
        r->labels = l;
        r->caplabels = cap;
    }
    char **lab = calloc(r->nlabel, sizeof *lab);
    if (!lab)
        FAILV(r, "out of memory");
    for (size_t c = 0; c < r->nlabel; c++) { /* take the cells over */
        lab[c] = r->f[c];
        r->f[c] = NULL;
    }
    r->labels[r->ndata] = lab;
    size_t i = r->ndata++;
    if (r->kind == KIND_Z) {
        if (i >= r->capz) { /* rows of n numbers, at most n of them */
            size_t cap = r->capz ? r->capz * 2 : 64;
            if (cap > nv)
                cap = nv;
            double *z = realloc(r->z, cap * nv * sizeof *z);
            if (!z)
                FAILV(r, "out of memory (Z of %zu x %zu)", nv, nv);
            r->z = z;
            r->capz = cap;
        }
        memcpy(r->z + i * nv, r->vals, nv * sizeof *r->vals);
    } else if (r->kind == KIND_Y) {
        double pos = 0, neg = 0;
        for (size_t c = 0; c < nv; c++)
            if (r->vals[c] > 0)
                pos += r->vals[c];
            else
                neg += r->vals[c];
        r->y[2 * i] = pos;
        r->y[2 * i + 1] = neg;
    } else {
        if (nv != 1)
            FAILV(r, "%zu columns of numbers; total output is one column", nv);
        r->x[i] = r->vals[0];
    }
}

static void on_row(int term, void *data)
{
    (void)term;
    reader *r = data;
    r->row++;
    if (r->failed) {
        /* the row's cells are freed below */
    } else if (!r->data && !first_data(r)) {
        /* a header row: held until the layout is known */
        pending *p = realloc(r->held, (r->nheld + 1) * sizeof *p);
        if (!p) {
            fail(r, "out of memory");
        } else {
            r->held = p;
            r->held[r->nheld].cells = malloc((r->nf ? r->nf : 1) * sizeof(char *));
            if (!r->held[r->nheld].cells) {
                fail(r, "out of memory");
            } else {
                memcpy(r->held[r->nheld].cells, r->f, r->nf * sizeof(char *));
                r->held[r->nheld++].n = r->nf;
                r->nf = 0; /* the cells are held now */
            }
        }
    } else {
        if (!r->data) {
            double v;
            r->data = true;
            r->firstrow = r->row;
            r->ncell = r->nf;
            if (r->tsv) {
                size_t k = r->nf;
                while (k > 0 && number(r->f[k - 1], &v))
                    k--;
                r->nlabel = k;
            } else {
                r->nlabel = 1;
                if (r->nf < 2)
                    fail(r, "row %zu has %zu cell: a label and numbers are needed", r->row,
                         r->nf);
            }
            if (r->kind == KIND_Z)
                r->maxrows = r->ncell - r->nlabel;
            if (!r->failed && !(r->vals = malloc((r->ncell - r->nlabel) * sizeof *r->vals)))
                fail(r, "out of memory");
            for (size_t h = 0; h < r->nheld && !r->failed; h++) {
                char **save = r->f;
                size_t savn = r->nf;
                r->f = r->held[h].cells;
                r->nf = r->held[h].n;
                if (r->nf > r->ncell)
                    fail(r, "header row %zu has %zu cells, more than the %zu of a row of "
                         "numbers", h + 1, r->nf, r->ncell);
                else
                    keep_header(r);
                r->f = save;
                r->nf = savn;
            }
        }
        if (!r->failed)
            data_row(r);
    }
    for (size_t i = 0; i < r->nf; i++)
        free(r->f[i]);
    r->nf = 0;
}

static int space_tsv(unsigned char c)
{
    return c == ' ';
}

static void reader_free(reader *r)
{
    for (size_t i = 0; i < r->nf; i++)
        free(r->f[i]);
    free(r->f);
    for (size_t h = 0; h < r->nhdr; h++)
        free_row(r->hdr[h], r->ncell);
    free(r->hdr);
    for (size_t i = 0; i < r->ndata; i++)
        free_row(r->labels[i], r->nlabel);
    free(r->labels);
    free(r->vals);
    free(r->z);
    free(r->y);
    free(r->x);
    for (size_t h = 0; h < r->nheld; h++)
        free_row(r->held[h].cells, r->held[h].n);
    free(r->held);
}

/* Stream one file through libcsv. */
static int read_file(reader *r)
{
    FILE *fp = fopen(r->path, "rb");
    if (!fp) {
        fail(r, "cannot open: %s", strerror(errno));
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        fclose(fp);
        fail(r, "out of memory");
        return -1;
    }
    static char buf[1 << 16];
    size_t got, offset = 0; /* bytes parsed before this block */
    bool first = true;
    while (!r->failed && (got = fread(buf, 1, sizeof buf, fp)) > 0) {
        if (first) { /* the layout, by the first line */
            const char *nl = memchr(buf, '\n', got);
            r->tsv = memchr(buf, '\t', nl ? (size_t)(nl - buf) : got) != NULL;
            if (r->tsv) {
                csv_set_delim(&p, '\t');
                csv_set_space_func(&p, space_tsv);
            }
            first = false;
        }
        size_t done = csv_parse(&p, buf, got, on_field, on_row, r);
        if (done != got && !r->failed) {
            if (csv_error(&p) == CSV_EPARSE)
                fail(r, "row %zu, column %zu: bad quoting near byte %zu (a quoted field ends "
                     "with a quote, and a quote inside it is doubled)", r->row + 1, r->nf + 1,
                     offset + done);
            else
                fail(r, "row %zu: %s", r->row + 1, csv_strerror(csv_error(&p)));
        }
        offset += got;
    }
    if (!r->failed && ferror(fp))
        fail(r, "cannot read: %s", strerror(errno));
    if (!r->failed && csv_fini(&p, on_field, on_row, r) != 0)
        fail(r, "row %zu, column %zu: %s", r->row + 1, r->nf + 1,
             csv_error(&p) == CSV_EPARSE ? "a quoted field is not closed at the end of the file"
                                         : csv_strerror(csv_error(&p)));
    csv_free(&p);
    fclose(fp);
    if (!r->failed && !r->data)
        fail(r, "no row of numbers");
    return r->failed ? -1 : 0;
}

/* The levels of labels a table's rows carry (1: sector; 2: region,
 * sector) out of nlabel label cells, given `levels` expected: one more
 * cell is a unit column. -1 when they do not fit. */
static int unit_cells(reader *r, size_t levels)
{
    if (r->nlabel == levels || r->nlabel == levels + 1)
        return (int)(r->nlabel - levels);
    fail(r, "%zu label columns, but the rows are labelled by %zu level%s (region and sector%s)",
         r->nlabel, levels, levels == 1 ? "" : "s",
         r->nlabel > levels ? ", and a unit column at most" : "");
    return -1;
}

/* "reg1:food" or "food": row i's labels in a message. */
static const char *show(char *buf, size_t size, char *const *lab, size_t levels)
{
    if (levels == 2)
        snprintf(buf, size, "%.100s:%.100s", lab[0], lab[1]);
    else
        snprintf(buf, size, "%.200s", lab[0]);
    return buf;
}

int iotable_read(iotable *t, const char *zpath, const char *ypath, const char *xpath, char *err,
                 size_t errsize)
{
    memset(t, 0, sizeof *t);
    reader z = {.path = zpath, .kind = KIND_Z, .err = err, .errsize = errsize,
                .maxrows = (size_t)-1};
    reader o = {.path = ypath ? ypath : xpath, .kind = ypath ? KIND_Y : KIND_X, .err = err,
                .errsize = errsize};
    int rc = -1;
    size_t levels = 1;
    char b1[256], b2[256];
    if (read_file(&z))
        goto done;
    size_t n = z.ncell - z.nlabel;
    if (z.ndata != n) {
        fail(&z, "%zu rows of numbers but %zu columns: Z must be square", z.ndata, n);
        goto done;
    }
    if (z.tsv) {
        levels = z.nhdr;
        if (levels < 1 || levels > 2) {
            fail(&z, "%zu header rows label the columns; 1 (sector) or 2 (region, sector) "
                 "are read", levels);
            goto done;
        }
    }
    if (unit_cells(&z, levels) < 0)
        goto done;
    /* the columns name the rows' sectors, in order */
    for (size_t c = 0; c < n; c++) {
        char *col[2] = {z.hdr[0][z.nlabel + c], levels == 2 ? z.hdr[1][z.nlabel + c] : NULL};
        char **row = z.labels[c];
        if (strcmp(col[0], row[0]) != 0 || (levels == 2 && strcmp(col[1], row[1]) != 0)) {
            fail(&z, "column %zu is %s but row %zu is %s: the rows and columns of Z must list "
                 "the same sectors in the same order", z.nlabel + c + 1,
                 show(b1, sizeof b1, col, levels), z.firstrow + c,
                 show(b2, sizeof b2, row, levels));
            goto done;
        }
    }
    o.maxrows = n;
    if (o.kind == KIND_Y ? !(o.y = malloc(2 * n * sizeof *o.y)) : !(o.x = malloc(n * sizeof *o.x))) {
        fail(&o, "out of memory");
        goto done;
    }
    if (read_file(&o))
        goto done;
    if (!o.tsv && levels != 1) {
        fail(&o, "a CSV file labels rows by sector alone, but Z's rows carry region and "
             "sector");
        goto done;
    }
    if (unit_cells(&o, levels) < 0)
        goto done;
    if (o.ndata != n) {
        fail(&o, "%zu rows of numbers, but Z has %zu", o.ndata, n);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        char **a = o.labels[i], **b = z.labels[i];
        if (strcmp(a[0], b[0]) != 0 || (levels == 2 && strcmp(a[1], b[1]) != 0)) {
            fail(&o, "row %zu is %s but row %zu of Z is %s: the rows must list Z's sectors in "
                 "Z's order", o.firstrow + i, show(b1, sizeof b1, a, levels), z.firstrow + i,
                 show(b2, sizeof b2, b, levels));
            goto done;
        }
    }
    t->n = n;
    t->sectors = calloc(n, sizeof *t->sectors);
    t->regions = levels == 2 ? calloc(n, sizeof *t->regions) : NULL;
    if (!t->sectors || (levels == 2 && !t->regions)) {
        fail(&z, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) { /* take the labels over */
        t->sectors[i] = z.labels[i][levels - 1];
        z.labels[i][levels - 1] = NULL;
        if (levels == 2) {
            t->regions[i] = z.labels[i][0];
            z.labels[i][0] = NULL;
        }
    }
    t->z = z.z;
    z.z = NULL;
    t->y = o.y;
    t->x = o.x;
    o.y = o.x = NULL;
    rc = 0;
done:
    reader_free(&z);
    reader_free(&o);
    if (rc)
        iotable_free(t);
    return rc;
}

void iotable_free(iotable *t)
{
    for (size_t i = 0; t->sectors && i < t->n; i++)
        free(t->sectors[i]);
    for (size_t i = 0; t->regions && i < t->n; i++)
        free(t->regions[i]);
    free(t->sectors);
    free(t->regions);
    free(t->z);
    free(t->x);
    free(t->y);
    memset(t, 0, sizeof *t);
}

/* A sector named as its id, its label, or (multi-regional) "region:sector"
 * of labels: its index, -1 when none is, -2 when labels name several. */
long iotable_find(const iotable *t, const char *const *ids, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (ids[i] && strcmp(ids[i], name) == 0)
            return (long)i;
    long found = -1;
    size_t len = strlen(name);
    for (size_t i = 0; i < t->n; i++) {
        bool match;
        if (t->regions) {
            size_t rl = strlen(t->regions[i]);
            match = len > rl && strncmp(name, t->regions[i], rl) == 0 && name[rl] == ':' &&
                    strcmp(name + rl + 1, t->sectors[i]) == 0;
        } else {
            match = strcmp(name, t->sectors[i]) == 0;
        }
        if (match) {
            if (found >= 0)
                return -2;
            found = (long)i;
        }
    }
    return found;
}
