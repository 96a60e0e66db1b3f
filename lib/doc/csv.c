/*
 * Scenarios to and from CSV tables (doc/format.md, "CSV tables"): one file
 * per kind of object, one row per object, a column per key; an object
 * value spreads over dotted columns ("vulnerability.health", "run.steps"),
 * a list of numbers or names fills one cell separated by ';', and the
 * targets of threats and measures are tables of their own that name their
 * owner. Columns are derived from a document's keys on export; on import a
 * column must be a key the format has, and its type (below) says how a cell
 * reads, so that "1" stays an id where an id is meant.
 *
 * The parsing and the quoting (RFC 4180) are libcsv's. It lives here, in
 * the document layer behind public functions, rather than in the command
 * line, so that the bindings get it too: it is a small C library with no
 * dependencies of its own, and its buffers come from the loader's
 * allocator (csv_set_realloc_func and csv_set_free_func, which take no
 * context pointer: the allocator is passed through a thread-local, as a
 * parse runs within one call on one thread).
 */
#include "doc.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* How a cell reads. */
typedef enum ct {
    C_STR,      /* a string: an id, a name, a label */
    C_NUM,      /* a number */
    C_BOOL,     /* true or false */
    C_NUMNULL,  /* a number or null (a duration) */
    C_STRS,     /* names separated by ';' ("[]": none) */
    C_NUMS,     /* numbers separated by ';' */
    C_DIM,      /* per dimension: a number for all, or KEY.DIMENSION columns */
    C_DIMONLY,  /* only KEY.DIMENSION columns (weights) */
    C_ANY,      /* an extension (x-): a number, true, false, null or a string */
    C_ANYS,     /* an extension's list (header KEY[]) */
    C_UNKNOWN
} ct;

typedef struct col {
    const char *key;
    ct t;
} col;

static const col region_cols[] = {{"id", C_STR}, {"parent", C_STR}, {"label", C_STR}, {0}};
static const col group_cols[] = {
    {"id", C_STR},          {"region", C_STR},   {"size", C_NUM},       {"flags", C_STRS},
    {"vulnerability", C_DIM}, {"recovery", C_DIM}, {"recovery_time", C_DIM}, {"onset", C_DIM},
    {"onset_time", C_DIM},  {"weights", C_DIMONLY}, {"baseline", C_DIM}, {"initial", C_DIM},
    {0}};
static const col service_cols[] = {
    {"id", C_STR},        {"kind", C_STR},  {"region", C_STR},     {"recovery", C_NUM},
    {"recovery_time", C_NUM}, {"onset", C_NUM}, {"onset_time", C_NUM}, {"initial", C_NUM},
    {"label", C_STR},     {0}};
static const col link_cols[] = {
    {"from", C_STR}, {"to", C_STR}, {"weight", C_NUM}, {"lag", C_NUM}, {0}};
static const col threat_cols[] = {
    {"id", C_STR},       {"actor", C_STR},      {"start", C_NUM}, {"duration", C_NUMNULL},
    {"likelihood", C_NUM}, {"topics", C_STRS}, {0}};
static const col measure_cols[] = {
    {"id", C_STR},     {"kind", C_STR},        {"effect", C_STR},   {"actor", C_STR},
    {"fraction", C_NUM}, {"delta", C_NUM},     {"start", C_NUM},    {"ramp", C_NUM},
    {"duration", C_NUMNULL}, {"cost", C_NUM}, {"topics", C_STRS},  {"branch", C_STR},
    {0}};
static const col package_cols[] = {{"id", C_STR}, {"measures", C_STRS}, {0}};
static const col threat_target_cols[] = {
    {"threat", C_STR}, {"node", C_STR}, {"magnitude", C_NUM}, {0}};
static const col measure_target_cols[] = {
    {"measure", C_STR}, {"node", C_STR}, {"from", C_STR}, {"to", C_STR}, {0}};
/* The document's settings; run.* and uncertainty.* also take the number
 * keys of the library's option table (hd_option_number). */
static const col scenario_cols[] = {
    {"hsec", C_NUM},           {"name", C_STR},           {"templates", C_STRS},
    {"run.mode", C_STR},       {"run.steps", C_NUM},      {"run.bounded", C_BOOL},
    {"run.record", C_STRS},    {"run.bands", C_NUMS},     {"run.step_unit", C_STR},
    {"uncertainty.weights", C_NUMS}, {"uncertainty.magnitudes", C_NUMS},
    {"uncertainty.recovery", C_NUMS}, {"uncertainty.quantiles", C_NUMS},
    {0}};

/* The tables: a list of the document (key), its targets (owner: the
 * column naming the owner, in the table `parent`), or the settings. */
typedef struct table {
    const char *name, *key, *owner, *parent;
    const col *cols;
} table;
static const table tables[] = {
    {"scenario", NULL, NULL, NULL, scenario_cols},
    {"regions", "regions", NULL, NULL, region_cols},
    {"groups", "groups", NULL, NULL, group_cols},
    {"services", "services", NULL, NULL, service_cols},
    {"links", "links", NULL, NULL, link_cols},
    {"threats", "threats", NULL, NULL, threat_cols},
    {"threat_targets", NULL, "threat", "threats", threat_target_cols},
    {"measures", "measures", NULL, NULL, measure_cols},
    {"measure_targets", NULL, "measure", "measures", measure_target_cols},
    {"packages", "packages", NULL, NULL, package_cols},
};
#define NTABLES (sizeof tables / sizeof *tables)

static const table *table_named(const char *name, size_t len)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (strlen(tables[i].name) == len && strncmp(tables[i].name, name, len) == 0)
            return &tables[i];
    return NULL;
}

static const table *table_of_key(const char *key)
{
    for (size_t i = 0; i < NTABLES; i++)
        if (tables[i].key && strcmp(tables[i].key, key) == 0)
            return &tables[i];
    return NULL;
}

static bool is_dimension(const char *s, size_t n)
{
    for (int d = 0;; d++) {
        const char *name = hsec_enum_name(HSEC_ENUM_DIMENSION, d);
        if (!name)
            return false;
        if (strlen(name) == n && strncmp(name, s, n) == 0)
            return true;
    }
}

static bool is_option(const char *object, const char *key)
{
    for (int opt = 0; opt < HSEC_OPTION_COUNT; opt++) {
        const char *k = hd_option_number((hsec_option)opt, object);
        if (k && strcmp(k, key) == 0)
            return true;
    }
    return false;
}

/* The type of a column of table t (C_UNKNOWN: none such). */
static ct column_type(const table *t, const char *h)
{
    size_t n = strlen(h);
    /* an extension, at the top of the object or of a setting */
    const char *x = strncmp(h, "x-", 2) == 0                                    ? h
                    : t->cols == scenario_cols && strncmp(h, "run.x-", 6) == 0 ? h + 4
                    : t->cols == scenario_cols && strncmp(h, "uncertainty.x-", 14) == 0
                        ? h + 12
                        : NULL;
    if (x)
        return n > 2 && strcmp(h + n - 2, "[]") == 0 ? C_ANYS : C_ANY;
    for (const col *c = t->cols; c->key; c++) {
        size_t k = strlen(c->key);
        if (strcmp(c->key, h) == 0)
            return c->t == C_DIMONLY ? C_UNKNOWN : c->t == C_DIM ? C_NUM : c->t;
        if ((c->t == C_DIM || c->t == C_DIMONLY) && n > k + 1 && strncmp(h, c->key, k) == 0 &&
            h[k] == '.' && is_dimension(h + k + 1, n - k - 1))
            return C_NUM;
    }
    if (t->cols == scenario_cols) {
        if (strncmp(h, "run.", 4) == 0 && is_option("run", h + 4))
            return C_NUM;
        if (strncmp(h, "uncertainty.", 12) == 0 && is_option("uncertainty", h + 12))
            return C_NUM;
    }
    return C_UNKNOWN;
}

/* ------------------------------------------------------------ libcsv's memory */

static _Thread_local const hsec_allocator *csv_alloc;

static void *csv_realloc(void *p, size_t n)
{
    const hsec_allocator *a = csv_alloc;
    return p ? a->realloc(a->opaque, p, n) : hd_alloc(a, n);
}

static void csv_release(void *p)
{
    hd_release(csv_alloc, p);
}

/* RFC 4180: spaces are part of a field, not trimmed. */
static int csv_no_space_fn(unsigned char c)
{
    (void)c;
    return 0;
}

/* ------------------------------------------------------------------ numbers */

/* A number as JSON writes it (no hex, inf, nan or spaces), into *x. */
static bool read_number(const char *s, double *x)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!(*p >= '0' && *p <= '9') && !(*p == '.' && p[1] >= '0' && p[1] <= '9'))
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9';)
            p++;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    errno = 0;
    char *end;
    *x = strtod(s, &end);
    return *end == '\0' && isfinite(*x);
}

/* The shortest text that reads back as x, bit for bit. */
static void print_number(char *buf, size_t size, double x)
{
    if (x == floor(x) && fabs(x) < 9007199254740992.0) {
        snprintf(buf, size, "%s%.0f", signbit(x) && x == 0 ? "-" : "", fabs(x) == 0 ? 0 : x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* ------------------------------------------------------------------- import */

typedef struct pending { /* a target row, attached once every owner is read */
    size_t file, row;
    char *owner;
    hd *item;
} pending;

typedef struct im {
    hsec_loader *l;
    const hsec_allocator *a;
    char *msg;
    hb b;
    hd *doc;
    hd *settings;          /* the scenario table's row, once read */
    size_t settings_file;
    pending *targets[2];   /* threat_targets, measure_targets */
    size_t ntargets[2], captargets[2];
} im;

/* One file's reading. */
typedef struct rd {
    im *m;
    const char *path;
    size_t file;
    const table *t;
    hd *list;                 /* the document's list this table fills */
    char **head;              /* the header's columns */
    ct *types;
    size_t nhead;
    char **cells;             /* the row being read */
    size_t ncell, capcell;
    size_t row;               /* 1: the header */
    int rc;
} rd;

static int rfail(rd *r, size_t column, const char *fmt, ...) HD_PRINTF(3, 4);
static int rfail(rd *r, size_t column, const char *fmt, ...)
{
    char what[HSEC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (column && column <= r->nhead)
        hd_setmsg(r->m->msg, "%s: row %zu, column %zu (%s): %s", r->path, r->row, column,
                  r->head[column - 1], what);
    else if (column)
        hd_setmsg(r->m->msg, "%s: row %zu, column %zu: %s", r->path, r->row, column, what);
    else
        hd_setmsg(r->m->msg, "%s: row %zu: %s", r->path, r->row, what);
    r->rc = HSEC_EFORMAT;
    return r->rc;
}

static int room(rd *r)
{
    hd_setmsg(r->m->msg, "%s: out of memory", r->path);
    r->rc = HSEC_ENOMEM;
    return r->rc;
}

static void on_field(void *s, size_t len, void *data)
{
    rd *r = data;
    if (r->rc)
        return;
    if (HD_RESERVE(r->m->a, r->cells, r->capcell, r->ncell + 1)) {
        room(r);
        return;
    }
    char *c = hd_alloc(r->m->a, len + 1);
    if (!c) {
        room(r);
        return;
    }
    if (len)
        memcpy(c, s, len);
    c[len] = '\0';
    r->cells[r->ncell++] = c;
    if (memchr(c, '\0', len)) {
        rfail(r, r->ncell, "a NUL character in the cell");
        return;
    }
    const char *why;
    size_t bad = hd_utf8_check(c, len, &why);
    if (bad < len)
        rfail(r, r->ncell, "the cell is not UTF-8: %s at its byte %zu", why, bad);
}

/* Set the member at path h (dotted) of o to v, making the objects on the
 * way; a column that another one already gave is refused. */
static int set_path(rd *r, size_t column, hd *o, const char *h, hd *v)
{
    hb *b = &r->m->b;
    const char *dot;
    char part[HD_ID_MAX * 4 + 8];
    while ((dot = strchr(h, '.'))) {
        size_t k = (size_t)(dot - h);
        if (k >= sizeof part) {
            hd_free(r->m->a, v);
            return rfail(r, column, "the column's name is too long");
        }
        memcpy(part, h, k);
        part[k] = '\0';
        hd *sub = hd_get(o, part);
        if (sub && sub->t != HD_OBJ) {
            hd_free(r->m->a, v);
            return rfail(r, column, "\"%s\" is also given whole, in column %s", part, part);
        }
        if (!sub) {
            sub = hb_new(b, HD_OBJ);
            hb_set(b, o, part, sub);
            if (b->oom) {
                hd_free(r->m->a, v);
                return room(r);
            }
        }
        o = sub;
        h = dot + 1;
    }
    if (hd_get(o, h)) {
        hd_free(r->m->a, v);
        return rfail(r, column, "\"%s\" is also given per dimension", h);
    }
    hb_set(b, o, h, v);
    return b->oom ? room(r) : HSEC_OK;
}

/* A cell read as t; NULL with r->rc set when it does not read. */
static hd *cell_value(rd *r, size_t column, ct t, const char *c)
{
    hb *b = &r->m->b;
    double x;
    hd *v = NULL;
    switch (t) {
    case C_STR:
        v = hb_str(b, c);
        break;
    case C_NUM:
    case C_NUMNULL:
        if (t == C_NUMNULL && strcmp(c, "null") == 0)
            v = hb_new(b, HD_NULL);
        else if (read_number(c, &x))
            v = hb_num(b, x);
        else {
            rfail(r, column, "\"%s\" is not a number%s", c, t == C_NUMNULL ? " or null" : "");
            return NULL;
        }
        break;
    case C_BOOL:
        if (strcmp(c, "true") && strcmp(c, "false")) {
            rfail(r, column, "\"%s\" is not true or false", c);
            return NULL;
        }
        v = hb_bool(b, c[0] == 't');
        break;
    case C_ANY:
        v = strcmp(c, "true") == 0    ? hb_bool(b, true)
            : strcmp(c, "false") == 0 ? hb_bool(b, false)
            : strcmp(c, "null") == 0  ? hb_new(b, HD_NULL)
            : read_number(c, &x)      ? hb_num(b, x)
                                      : hb_str(b, c);
        break;
    case C_STRS:
    case C_NUMS:
    case C_ANYS: {
        v = hb_new(b, HD_ARR);
        if (strcmp(c, "[]") == 0)
            break;
        ct each = t == C_STRS ? C_STR : t == C_NUMS ? C_NUM : C_ANY;
        for (const char *p = c;; p++) {
            const char *end = strchr(p, ';');
            size_t k = end ? (size_t)(end - p) : strlen(p);
            char *one = hd_alloc(r->m->a, k + 1);
            if (!one) {
                hd_free(r->m->a, v);
                room(r);
                return NULL;
            }
            memcpy(one, p, k);
            one[k] = '\0';
            hd *item = NULL;
            if (!k)
                rfail(r, column, "\"%s\": an empty item in the list (items are separated by "
                      "';')", c);
            else
                item = cell_value(r, column, each, one);
            hd_release(r->m->a, one);
            if (!item) {
                hd_free(r->m->a, v);
                return NULL;
            }
            hb_push(b, v, item);
            if (!end)
                break;
            p = end;
        }
        break;
    }
    default:
        return NULL;
    }
    if (b->oom || !v) {
        hd_free(r->m->a, v);
        room(r);
        return NULL;
    }
    return v;
}

static int on_header(rd *r)
{
    r->head = r->cells;
    r->nhead = r->ncell;
    r->cells = NULL;
    r->ncell = r->capcell = 0;
    r->types = hd_calloc(r->m->a, r->nhead ? r->nhead : 1, sizeof *r->types);
    if (!r->types)
        return room(r);
    for (size_t i = 0; i < r->nhead; i++) {
        const char *h = r->head[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->head[j], h) == 0)
                return rfail(r, i + 1, "the column repeats column %zu", j + 1);
        r->types[i] = column_type(r->t, h);
        if (r->types[i] == C_UNKNOWN) {
            char known[600] = "";
            for (const col *c = r->t->cols; c->key; c++)
                snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s%s",
                         c == r->t->cols ? "" : ", ", c->key,
                         c->t == C_DIM ? "[.DIMENSION]" : c->t == C_DIMONLY ? ".DIMENSION" : "");
            return rfail(r, i + 1, "unknown column \"%s\" in table %s (its columns: %s%s, "
                         "and x- extensions)", h, r->t->name, known,
                         r->t->cols == scenario_cols ? ", run.* and uncertainty.* options"
                                                     : "");
        }
    }
    if (r->t->owner && (!r->nhead || strcmp(r->head[0], r->t->owner) != 0))
        return rfail(r, 1, "table %s: the first column must be \"%s\"", r->t->name,
                     r->t->owner);
    return HSEC_OK;
}

static int on_data(rd *r)
{
    im *m = r->m;
    if (r->ncell != r->nhead) {
        if (r->ncell < r->nhead)
            return rfail(r, r->ncell + 1, "%zu fields, the header has %zu: this column is "
                         "missing", r->ncell, r->nhead);
        return rfail(r, r->nhead + 1, "%zu fields, the header has %zu: this one has no "
                     "column", r->ncell, r->nhead);
    }
    hd *o = hb_new(&m->b, HD_OBJ);
    if (!o)
        return room(r);
    char *owner = NULL;
    for (size_t i = 0; i < r->ncell && !r->rc; i++) {
        const char *c = r->cells[i];
        if (r->t->owner && i == 0) {
            if (!*c)
                return hd_free(m->a, o), rfail(r, 1, "the %s is missing", r->t->owner);
            owner = r->cells[0];
            continue;
        }
        if (!*c) /* an empty cell: the key is absent */
            continue;
        hd *v = cell_value(r, i + 1, r->types[i], c);
        if (v) {
            const char *h = r->head[i];
            size_t n = strlen(h);
            if (r->types[i] == C_ANYS) { /* "x-list[]" names the key "x-list" */
                char key[HD_ID_MAX * 4 + 8];
                if (n - 2 >= sizeof key) {
                    hd_free(m->a, v);
                    rfail(r, i + 1, "the column's name is too long");
                    break;
                }
                memcpy(key, h, n - 2);
                key[n - 2] = '\0';
                set_path(r, i + 1, o, key, v);
            } else {
                set_path(r, i + 1, o, h, v);
            }
        }
    }
    if (r->rc) {
        hd_free(m->a, o);
        return r->rc;
    }
    if (r->t->owner) {
        size_t w = r->t->cols == threat_target_cols ? 0 : 1;
        if (HD_RESERVE(m->a, m->targets[w], m->captargets[w], m->ntargets[w] + 1)) {
            hd_free(m->a, o);
            return room(r);
        }
        pending *p = &m->targets[w][m->ntargets[w]++];
        *p = (pending){r->file, r->row, owner, o};
        r->cells[0] = NULL; /* the owner's name moved */
        return HSEC_OK;
    }
    if (!r->t->key) { /* the settings: one row */
        if (m->settings) {
            hd_free(m->a, o);
            return rfail(r, 0, "the scenario table has one row (the settings)");
        }
        m->settings = o;
        return HSEC_OK;
    }
    hb_push(&m->b, r->list, o);
    return m->b.oom ? room(r) : HSEC_OK;
}

static void free_cells(rd *r)
{
    for (size_t i = 0; i < r->ncell; i++)
        hd_release(r->m->a, r->cells[i]);
    r->ncell = 0;
}

static void on_row(int c, void *data)
{
    (void)c;
    rd *r = data;
    if (r->rc)
        return;
    if (r->row == 1)
        on_header(r);
    else
        on_data(r);
    free_cells(r);
    r->row++;
}

/* A whole file, within the size limit. */
static int slurp(char **out, size_t *len, im *m, const char *path)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        hd_setmsg(m->msg, "%s: %s", path, strerror(errno));
        return HSEC_EIO;
    }
    uint64_t max = hd_loader_limits(m->l)->size;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = HSEC_OK;
    for (;;) {
        if (n == cap && HD_RESERVE(m->a, buf, cap, cap ? cap * 2 : 65536)) {
            hd_setmsg(m->msg, "%s: out of memory", path);
            rc = HSEC_ENOMEM;
            break;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n > max) {
            hd_setmsg(m->msg, "%s: larger than %llu bytes (the loader's size limit)", path,
                      (unsigned long long)max);
            rc = HSEC_EFORMAT;
            break;
        }
        if (got == 0) {
            if (ferror(f)) {
                hd_setmsg(m->msg, "%s: %s", path, strerror(errno ? errno : EIO));
                rc = HSEC_EIO;
            }
            break;
        }
    }
    fclose(f);
    if (rc) {
        hd_release(m->a, buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return HSEC_OK;
}

/* The table a file's name says ("d/groups.csv": groups). */
static const table *table_of_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".csv") == 0)
        n -= 4;
    return table_named(base, n);
}

static int read_csv(im *m, const char *path, const char *name, size_t file)
{
    const table *t = name ? table_named(name, strlen(name)) : table_of_path(path);
    if (!t) {
        char known[300] = "";
        for (size_t i = 0; i < NTABLES; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                     i ? ", " : "", tables[i].name);
        hd_setmsg(m->msg, "%s: %s (the tables: %s)", path,
                  name ? "unknown table" : "the file's name names no table; give --table",
                  known);
        return HSEC_EINVAL;
    }
    rd r = {m, path, file, t, NULL, NULL, NULL, 0, NULL, 0, 0, 1, HSEC_OK};
    if (t->key) { /* the document's list: the file present, the list present */
        r.list = hd_get(m->doc, t->key);
        if (!r.list) {
            r.list = hb_new(&m->b, HD_ARR);
            hb_set(&m->b, m->doc, t->key, r.list);
            if (m->b.oom) {
                hd_setmsg(m->msg, "%s: out of memory", path);
                return HSEC_ENOMEM;
            }
        }
    }
    char *text = NULL;
    size_t len = 0;
    int rc = slurp(&text, &len, m, path);
    if (rc)
        return rc;
    size_t skip = len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0 ? 3 : 0; /* a BOM */
    struct csv_parser p;
    csv_alloc = m->a;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        hd_release(m->a, text);
        hd_setmsg(m->msg, "%s: out of memory", path);
        return HSEC_ENOMEM;
    }
    csv_set_realloc_func(&p, csv_realloc);
    csv_set_free_func(&p, csv_release);
    csv_set_space_func(&p, csv_no_space_fn);
    size_t done = csv_parse(&p, text + skip, len - skip, on_field, on_row, &r);
    if (!r.rc && done < len - skip) {
        int e = csv_error(&p);
        if (e == CSV_EPARSE)
            rfail(&r, r.ncell + 1, "bad quoting near byte %zu (RFC 4180: a quoted field "
                  "ends with a quote, and a quote inside it is doubled)", skip + done);
        else
            room(&r);
    }
    if (!r.rc && csv_fini(&p, on_field, on_row, &r) != 0 && !r.rc)
        rfail(&r, r.ncell + 1, "bad quoting: a quoted field is not closed at the end of the "
              "file");
    csv_free(&p);
    csv_alloc = NULL;
    free_cells(&r);
    hd_release(m->a, r.cells);
    for (size_t i = 0; i < r.nhead; i++)
        hd_release(m->a, r.head[i]);
    hd_release(m->a, r.head);
    hd_release(m->a, r.types);
    hd_release(m->a, text);
    return r.rc;
}

/* Each target row into its owner's "targets", in the order of the rows. */
static int attach(im *m, const char *const *inputs)
{
    for (size_t w = 0; w < 2; w++) {
        const char *parent = w ? "measures" : "threats";
        const char *what = w ? "measure" : "threat";
        hd *list = hd_get(m->doc, parent);
        hd_links ids;
        memset(&ids, 0, sizeof ids);
        int rc = HSEC_OK;
        size_t *item = NULL, cap = 0; /* per interned id, its object's index + 1 */
        for (size_t i = 0; list && i < list->n && !rc; i++) {
            const hd *id = hd_get(list->items[i], "id");
            if (!id || id->t != HD_STR)
                continue; /* the loader names it */
            size_t before = ids.nnames;
            uint32_t k = hd_links_intern(m->a, &ids, id->str, strlen(id->str), -1);
            if (k == HD_LINK_UNSET || HD_RESERVE(m->a, item, cap, (size_t)k + 1))
                rc = HSEC_ENOMEM;
            else if (ids.nnames != before)
                item[k] = i + 1;
        }
        for (size_t i = 0; list && i < list->n && !rc; i++)
            if (!hd_get(list->items[i], "targets")) {
                hb_set(&m->b, list->items[i], "targets", hb_new(&m->b, HD_ARR));
                if (m->b.oom)
                    rc = HSEC_ENOMEM;
            }
        for (size_t t = 0; t < m->ntargets[w] && !rc; t++) {
            pending *p = &m->targets[w][t];
            size_t before = ids.nnames;
            uint32_t k = hd_links_intern(m->a, &ids, p->owner, strlen(p->owner), -1);
            if (k == HD_LINK_UNSET) {
                rc = HSEC_ENOMEM;
                break;
            }
            if (ids.nnames != before) {
                hd_setmsg(m->msg, "%s: row %zu, column 1 (%s): no %s \"%s\" in the %s table",
                          inputs[p->file], p->row, what, what, p->owner, parent);
                rc = HSEC_ENOTFOUND;
                break;
            }
            hd *targets = hd_get(list->items[item[k] - 1], "targets");
            if (targets->t != HD_ARR) {
                hd_setmsg(m->msg, "%s: row %zu: %s \"%s\": its targets are not a list",
                          inputs[p->file], p->row, what, p->owner);
                rc = HSEC_EFORMAT;
                break;
            }
            hb_push(&m->b, targets, p->item);
            p->item = NULL;
            if (m->b.oom)
                rc = HSEC_ENOMEM;
        }
        hd_links_clear(m->a, &ids);
        hd_release(m->a, item);
        if (rc == HSEC_ENOMEM)
            hd_setmsg(m->msg, "import: out of memory");
        if (rc)
            return rc;
    }
    return HSEC_OK;
}

/* The document: hsec and the settings first, then the lists in the
 * format's order. */
static int assemble(im *m, hd **out)
{
    hb *b = &m->b;
    hd *doc = hb_new(b, HD_OBJ);
    hd *s = m->settings;
    if (!s || !hd_get(s, "hsec"))
        hb_set(b, doc, "hsec", hb_num(b, 1));
    for (size_t i = 0; s && i < s->n; i++) {
        hb_set(b, doc, s->keys[i], s->items[i]);
        s->items[i] = NULL;
    }
    static const char *const order[] = {"regions", "groups", "services", "links",
                                        "threats", "measures", "packages"};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        for (size_t i = 0; i < m->doc->n; i++)
            if (strcmp(m->doc->keys[i], order[k]) == 0) {
                hb_set(b, doc, order[k], m->doc->items[i]);
                m->doc->items[i] = NULL;
            }
    }
    if (b->oom) {
        hd_free(m->a, doc);
        hd_setmsg(m->msg, "import: out of memory");
        return HSEC_ENOMEM;
    }
    *out = doc;
    return HSEC_OK;
}

int hsec_loader_import_csv(hsec_loader *l, const char *const *inputs,
                           const char *const *table_names, size_t count, const char *out,
                           hsec_format to)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_import_csv: the loader is NULL");
    im m;
    memset(&m, 0, sizeof m);
    m.l = l;
    m.a = hd_loader_allocator(l);
    m.msg = hd_loader_msg(l);
    m.b.a = m.a;
    m.msg[0] = '\0';
    if (!inputs || !count || !out) {
        hd_setmsg(m.msg, "import_csv: %s", !out ? "the output path is NULL" : "no input files");
        return HSEC_EINVAL;
    }
    if ((int)to < 0 || (int)to >= HSEC_FORMAT_COUNT) {
        hd_setmsg(m.msg, "import_csv: format %d is unknown", (int)to);
        return HSEC_EINVAL;
    }
    for (size_t f = 0; f < count; f++)
        if (!inputs[f]) {
            hd_setmsg(m.msg, "import_csv: input %zu is NULL", f);
            return HSEC_EINVAL;
        }
    m.doc = hb_new(&m.b, HD_OBJ);
    int rc = m.doc ? HSEC_OK : HSEC_ENOMEM;
    if (rc)
        hd_setmsg(m.msg, "import: out of memory");
    for (size_t f = 0; f < count && !rc; f++)
        rc = read_csv(&m, inputs[f], table_names ? table_names[f] : NULL, f);
    if (!rc)
        rc = attach(&m, inputs);
    hd *doc = NULL;
    if (!rc)
        rc = assemble(&m, &doc);
    for (size_t w = 0; w < 2; w++) {
        for (size_t t = 0; t < m.ntargets[w]; t++) {
            hd_release(m.a, m.targets[w][t].owner);
            hd_free(m.a, m.targets[w][t].item);
        }
        hd_release(m.a, m.targets[w]);
    }
    hd_free(m.a, m.settings);
    hd_free(m.a, m.doc);
    hsec_scenario *s = NULL;
    if (!rc && (rc = hd_load_tree(&s, doc, m.a, hd_loader_limits(l), m.msg))) {
        char why[HSEC_ERRMSG_MAX];
        hd_copymsg(why, sizeof why, m.msg);
        hd_setmsg(m.msg, "imported document: %s", why);
    }
    hsec_scenario_free(s);
    unsigned char *enc = NULL;
    size_t n = 0;
    if (!rc && (rc = hd_encode(&enc, &n, m.a, doc, to)))
        hd_setmsg(m.msg, "import: %s", rc == HSEC_ENOMEM ? "out of memory" : hsec_last_errmsg());
    if (!rc && (rc = hsec_write_file(out, enc, n)))
        hd_copymsg(m.msg, HSEC_ERRMSG_MAX, hsec_last_errmsg());
    hd_release(m.a, enc);
    hd_free(m.a, doc);
    return rc;
}

/* ------------------------------------------------------------------- export */

/* A growing text. */
typedef struct buf {
    const hsec_allocator *a;
    char *p;
    size_t n, cap;
    bool oom;
} buf;

static void put(buf *o, const char *s, size_t n)
{
    if (o->oom || HD_RESERVE(o->a, o->p, o->cap, o->n + n + 1)) {
        o->oom = true;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

/* A field, quoted (RFC 4180, by libcsv) when it holds a comma, a quote, a
 * line break or a space at either end. */
static void put_field(buf *o, const char *s)
{
    size_t n = strlen(s);
    if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' ||
                                          s[n - 1] == '\t'))) {
        put(o, s, n);
        return;
    }
    size_t need = csv_write(NULL, 0, s, n);
    if (o->oom || HD_RESERVE(o->a, o->p, o->cap, o->n + need + 1)) {
        o->oom = true;
        return;
    }
    o->n += csv_write(o->p + o->n, need, s, n);
    o->p[o->n] = '\0';
}

/* One table being written: its columns (interned, in the order they first
 * appear) and its rows, each a list of (column, text). */
typedef struct cell {
    uint32_t col;
    char *text;
} cell;
typedef struct row {
    cell *cells;
    size_t n, cap;
} row;
typedef struct tw {
    const table *t;
    bool present;
    hd_links cols;
    row *rows;
    size_t nrows, caprows;
} tw;

typedef struct ex {
    const hsec_allocator *a;
    char *msg;
    tw out[NTABLES];
    char place[256]; /* the value being written, for messages */
} ex;

static int xfail(ex *x, const char *fmt, ...) HD_PRINTF(2, 3);
static int xfail(ex *x, const char *fmt, ...)
{
    char what[HSEC_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    hd_setmsg(x->msg, "export: %s: %s", x->place, what);
    return HSEC_EFORMAT;
}

static int xoom(ex *x)
{
    hd_setmsg(x->msg, "export: out of memory");
    return HSEC_ENOMEM;
}

static int add_cell(ex *x, tw *w, const char *header, char *text)
{
    row *r = &w->rows[w->nrows - 1];
    uint32_t c = hd_links_intern(x->a, &w->cols, header, strlen(header), -1);
    if (c == HD_LINK_UNSET || HD_RESERVE(x->a, r->cells, r->cap, r->n + 1)) {
        hd_release(x->a, text);
        return xoom(x);
    }
    r->cells[r->n++] = (cell){c, text};
    return HSEC_OK;
}

/* Would the cell text s read back, as a cell of type t, as it is? */
static bool reads_back(const char *s, ct t)
{
    double d;
    if (!*s)
        return false;
    if (t == C_ANY || t == C_ANYS)
        return strcmp(s, "true") && strcmp(s, "false") && strcmp(s, "null") &&
               !read_number(s, &d);
    if (t == C_NUMNULL)
        return strcmp(s, "null") != 0;
    return true;
}

/* A scalar's text (NULL: not a scalar), into an allocation. */
static char *scalar_text(ex *x, const hd *v, bool *oom)
{
    char num[40];
    const char *s = v->t == HD_STR    ? v->str
                    : v->t == HD_BOOL ? (v->b ? "true" : "false")
                    : v->t == HD_NULL ? "null"
                                      : NULL;
    if (v->t == HD_NUM) {
        print_number(num, sizeof num, v->num);
        s = num;
    }
    if (!s)
        return NULL;
    char *c = hd_strdup(x->a, s);
    *oom = !c;
    return c;
}

/* The value v at column header h (its type t) of the table's last row. */
static int put_value(ex *x, tw *w, const char *h, const hd *v)
{
    ct t = column_type(w->t, h);
    bool oom = false;
    if (v->t == HD_OBJ) { /* spread over dotted columns */
        if (!v->n)
            return xfail(x, "%s: an empty object leaves no column to read back", h);
        for (size_t i = 0; i < v->n; i++) {
            char sub[512];
            if (strchr(v->keys[i], '.'))
                return xfail(x, "%s: the key \"%s\" holds a '.', which would read back as "
                             "an object's key", h, v->keys[i]);
            if ((size_t)snprintf(sub, sizeof sub, "%s.%s", h, v->keys[i]) >= sizeof sub)
                return xfail(x, "%s.%s: the key is too long for a column", h, v->keys[i]);
            int rc = put_value(x, w, sub, v->items[i]);
            if (rc)
                return rc;
        }
        return HSEC_OK;
    }
    if (v->t == HD_ARR || v->t == HD_NUMS) {
        char head[512];
        bool ext = t == C_ANY || t == C_ANYS || t == C_UNKNOWN;
        /* "x-a[]" names the key "x-a": a key ending in "[]" gets another */
        snprintf(head, sizeof head, "%s%s", h, t == C_ANY || t == C_ANYS ? "[]" : "");
        ct each = t == C_NUMS ? C_NUM : ext ? C_ANY : C_STR;
        buf o = {x->a, NULL, 0, 0, false};
        if (v->n == 0)
            put(&o, "[]", 2);
        for (size_t i = 0; i < v->n; i++) {
            char *s = NULL;
            if (v->t == HD_NUMS) {
                char num[40];
                print_number(num, sizeof num, v->nums[i]);
                s = hd_strdup(x->a, num);
                oom = !s;
            } else {
                s = scalar_text(x, v->items[i], &oom);
            }
            if (!s && !oom) {
                hd_release(x->a, o.p);
                return xfail(x, "%s[%zu]: a list of %s does not fit a cell (lists of numbers "
                             "and names only)", h, i, hd_type_name(v->items[i]->t));
            }
            if (s && (strchr(s, ';') || (v->t == HD_ARR && v->items[i]->t == HD_STR &&
                                         !reads_back(s, each)) ||
                      (v->n == 1 && strcmp(s, "[]") == 0))) {
                hd_release(x->a, o.p);
                int rc = xfail(x, "%s[%zu]: \"%s\" would not read back from a cell (an item "
                               "holds no ';' and reads as its type)", h, i, s);
                hd_release(x->a, s);
                return rc;
            }
            if (i)
                put(&o, ";", 1);
            if (s)
                put(&o, s, strlen(s));
            hd_release(x->a, s);
            if (oom)
                break;
        }
        if (oom || o.oom) {
            hd_release(x->a, o.p);
            return xoom(x);
        }
        return add_cell(x, w, head, o.p);
    }
    size_t hn = strlen(h);
    if (hn > 2 && strcmp(h + hn - 2, "[]") == 0)
        return xfail(x, "%s: a key ending in \"[]\" reads back as a list", h);
    char *s = scalar_text(x, v, &oom);
    if (!s)
        return xoom(x);
    if (v->t == HD_STR && !reads_back(s, t == C_UNKNOWN ? C_ANY : t)) {
        int rc = xfail(x, "%s: the string \"%s\" would not read back from a cell (it reads "
                       "as a number, true, false or null, or is empty)", h, s);
        hd_release(x->a, s);
        return rc;
    }
    return add_cell(x, w, h, s);
}

static int new_row(ex *x, tw *w)
{
    if (HD_RESERVE(x->a, w->rows, w->caprows, w->nrows + 1))
        return xoom(x);
    w->rows[w->nrows++] = (row){NULL, 0, 0};
    return HSEC_OK;
}

/* A key holding '.', which a column would give back as an object's key. */
static int dotted(ex *x, const char *key)
{
    return xfail(x, "the key \"%s\" holds a '.', which would read back as an object's key",
                 key);
}

/* One object of a list as a row; its targets as rows of their table. */
static int put_item(ex *x, tw *w, const hd *o, const char *list, size_t i)
{
    int rc = new_row(x, w);
    for (size_t k = 0; k < o->n && !rc; k++) {
        snprintf(x->place, sizeof x->place, "%s[%zu]", list, i);
        const hd *v = o->items[k];
        if (strcmp(o->keys[k], "targets") == 0 && v->t == HD_ARR &&
            (w->t->cols == threat_cols || w->t->cols == measure_cols)) {
            tw *tt = &x->out[(size_t)(w - x->out) + 1]; /* the table that follows */
            const hd *id = hd_get(o, "id");
            for (size_t j = 0; j < v->n && !rc; j++) {
                snprintf(x->place, sizeof x->place, "%s[%zu].targets[%zu]", list, i, j);
                if (v->items[j]->t != HD_OBJ)
                    return xfail(x, "a target must be an object");
                char *owner = hd_strdup(x->a, id->str);
                if (!owner)
                    return xoom(x);
                if (!(rc = new_row(x, tt)))
                    rc = add_cell(x, tt, tt->t->owner, owner);
                else
                    hd_release(x->a, owner);
                for (size_t q = 0; q < v->items[j]->n && !rc; q++)
                    rc = strchr(v->items[j]->keys[q], '.')
                             ? dotted(x, v->items[j]->keys[q])
                             : put_value(x, tt, v->items[j]->keys[q], v->items[j]->items[q]);
            }
            continue;
        }
        rc = strchr(o->keys[k], '.') ? dotted(x, o->keys[k]) : put_value(x, w, o->keys[k], v);
    }
    return rc;
}

/* The table's text: the header, then each row's cells in the columns'
 * places. */
static int table_text(ex *x, tw *w, buf *o)
{
    size_t nc = w->cols.nnames;
    if (!nc) { /* an empty list: a header all the same */
        put_field(o, w->t->owner ? w->t->owner : w->t->cols[0].key);
        put(o, "\r\n", 2);
    }
    for (size_t c = 0; c < nc; c++) {
        if (c)
            put(o, ",", 1);
        put_field(o, w->cols.names[c]);
    }
    if (nc)
        put(o, "\r\n", 2);
    const char **line = hd_calloc(x->a, nc ? nc : 1, sizeof *line);
    if (!line)
        return xoom(x);
    for (size_t r = 0; r < w->nrows; r++) {
        memset(line, 0, (nc ? nc : 1) * sizeof *line);
        for (size_t k = 0; k < w->rows[r].n; k++)
            line[w->rows[r].cells[k].col] = w->rows[r].cells[k].text;
        for (size_t c = 0; c < nc; c++) {
            if (c)
                put(o, ",", 1);
            if (line[c])
                put_field(o, line[c]);
        }
        put(o, "\r\n", 2);
    }
    hd_release(x->a, line);
    return o->oom ? xoom(x) : HSEC_OK;
}

static void free_ex(ex *x)
{
    for (size_t t = 0; t < NTABLES; t++) {
        tw *w = &x->out[t];
        for (size_t r = 0; r < w->nrows; r++) {
            for (size_t k = 0; k < w->rows[r].n; k++)
                hd_release(x->a, w->rows[r].cells[k].text);
            hd_release(x->a, w->rows[r].cells);
        }
        hd_release(x->a, w->rows);
        hd_links_clear(x->a, &w->cols);
    }
}

static int export_doc(ex *x, const hd *doc)
{
    int rc = HSEC_OK;
    tw *settings = &x->out[0];
    settings->present = true;
    if ((rc = new_row(x, settings)))
        return rc;
    for (size_t k = 0; k < doc->n && !rc; k++) {
        const char *key = doc->keys[k];
        const hd *v = doc->items[k];
        const table *t = table_of_key(key);
        snprintf(x->place, sizeof x->place, "%s", key);
        if (strcmp(key, "hsec") == 0)
            continue; /* always 1; the import writes it */
        if (!t) {
            rc = strchr(key, '.') ? dotted(x, key) : put_value(x, settings, key, v);
            continue;
        }
        tw *w = &x->out[t - tables];
        w->present = true;
        if (t->cols == threat_cols || t->cols == measure_cols)
            x->out[t - tables + 1].present = true;
        for (size_t i = 0; i < v->n && !rc; i++)
            rc = put_item(x, w, v->items[i], key, i);
    }
    return rc;
}

int hsec_loader_export_csv(hsec_loader *l, const char *scenario, const char *dir)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_export_csv: the loader is NULL");
    char *msg = hd_loader_msg(l);
    msg[0] = '\0';
    if (!scenario || !dir || !*dir) {
        hd_setmsg(msg, "export_csv: %s", !scenario ? "the scenario path is NULL"
                                                   : "the directory is NULL or empty");
        return HSEC_EINVAL;
    }
    const hsec_allocator *a = hd_loader_allocator(l);
    hd *doc = NULL;
    int rc = hd_read_tree(&doc, l, scenario);
    hsec_scenario *s = NULL;
    if (!rc && (rc = hd_load_tree(&s, doc, a, hd_loader_limits(l), msg))) {
        char why[HSEC_ERRMSG_MAX];
        hd_copymsg(why, sizeof why, msg);
        hd_setmsg(msg, "%s: %s", scenario, why);
    }
    hsec_scenario_free(s);
    ex x;
    memset(&x, 0, sizeof x);
    x.a = a;
    x.msg = msg;
    for (size_t t = 0; t < NTABLES; t++)
        x.out[t].t = &tables[t];
    if (!rc)
        rc = export_doc(&x, doc);
    hd_free(a, doc);
    /* every table's text first: a failure writes nothing */
    buf texts[NTABLES];
    memset(texts, 0, sizeof texts);
    for (size_t t = 0; t < NTABLES && !rc; t++) {
        texts[t].a = a;
        if (x.out[t].present)
            rc = table_text(&x, &x.out[t], &texts[t]);
    }
    free_ex(&x);
    if (!rc && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        hd_setmsg(msg, "%s: %s", dir, strerror(errno));
        rc = HSEC_EIO;
    }
    /* a table's path that cannot be replaced (a directory, a socket) is
     * refused before any table is written */
    for (size_t t = 0; t < NTABLES && !rc; t++) {
        char path[4096];
        struct stat st;
        if (!x.out[t].present ||
            (size_t)snprintf(path, sizeof path, "%s/%s.csv", dir, tables[t].name) >= sizeof path)
            continue;
        if (stat(path, &st) == 0 && (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode))) {
            hd_setmsg(msg, "%s: is a %s; nothing was written", path,
                      S_ISDIR(st.st_mode) ? "directory" : "socket");
            rc = HSEC_EIO;
        }
    }
    for (size_t t = 0; t < NTABLES && !rc; t++) {
        if (!x.out[t].present)
            continue;
        char path[4096];
        if ((size_t)snprintf(path, sizeof path, "%s/%s.csv", dir, tables[t].name) >=
            sizeof path) {
            hd_setmsg(msg, "%s: the path is too long", dir);
            rc = HSEC_EINVAL;
        } else if ((rc = hsec_write_file(path, texts[t].p ? texts[t].p : "", texts[t].n))) {
            hd_copymsg(msg, HSEC_ERRMSG_MAX, hsec_last_errmsg());
        }
    }
    for (size_t t = 0; t < NTABLES; t++)
        hd_release(a, texts[t].p);
    return rc;
}
