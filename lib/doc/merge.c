/*
 * One scenario document from several (doc/format.md, "Merging"): an
 * imported economy, a population file and threats kept as separate files.
 * The lists are concatenated in the order of the files, an id or a link
 * given twice is refused unless both are identical (then kept once, where
 * it first appeared), templates are united, and each setting may come from
 * one file only. Ids and links are hashed (the interning tables of the
 * links' columns, seeded SipHash), so merging stays linear in the input.
 */
#include "doc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum rule {
    R_VERSION, /* "hsec": every file has it */
    R_ONCE,    /* a setting: one file at most */
    R_IDS,     /* objects with an id, one namespace per key */
    R_LINKS,   /* links, one per from -> to */
    R_UNION    /* strings, each kept once */
};

/* The document's keys (doc/format.md), in the order the merged document
 * lists them; "x-" extensions follow, as settings. */
static const struct {
    const char *key, *what;
    enum rule rule;
} top[] = {
    {"hsec", NULL, R_VERSION},         {"name", NULL, R_ONCE},
    {"regions", "region", R_IDS},      {"groups", "group", R_IDS},
    {"services", "service", R_IDS},    {"links", "link", R_LINKS},
    {"templates", NULL, R_UNION},      {"threats", "threat", R_IDS},
    {"measures", "measure", R_IDS},    {"packages", NULL, R_ONCE},
    {"run", NULL, R_ONCE},             {"uncertainty", NULL, R_ONCE},
};
#define NTOP (sizeof top / sizeof *top)

/* Where an id or a link was first kept: its file and place. */
typedef struct first {
    size_t file, at;
    const hd *item;
} first;

typedef struct mg {
    hsec_loader *l;
    const hsec_allocator *a;
    char *msg;
    const char *const *files;
    hd **docs;
    size_t count;
    hb b;
    char *key; /* a link's key: from and to, length-prefixed */
    size_t keycap;
} mg;

static int fail(mg *m, int code, const char *fmt, ...) HD_PRINTF(3, 4);
static int fail(mg *m, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hd_vsetmsg(m->msg, fmt, ap);
    va_end(ap);
    return code;
}

static int oom(mg *m)
{
    return fail(m, HSEC_ENOMEM, "merge: out of memory");
}

/* Are two values the same document text, keys in any order? Numbers by
 * their bits' meaning: -0 and 0 differ. */
static bool same(const hd *x, const hd *y)
{
    if (x->t != y->t || x->n != y->n)
        return false;
    switch (x->t) {
    case HD_NULL: return true;
    case HD_BOOL: return x->b == y->b;
    case HD_NUM: return x->num == y->num && signbit(x->num) == signbit(y->num);
    case HD_STR: return strcmp(x->str, y->str) == 0;
    case HD_NUMS:
        for (size_t i = 0; i < x->n; i++)
            if (x->nums[i] != y->nums[i] || signbit(x->nums[i]) != signbit(y->nums[i]))
                return false;
        return true;
    case HD_ARR:
        for (size_t i = 0; i < x->n; i++)
            if (!same(x->items[i], y->items[i]))
                return false;
        return true;
    case HD_OBJ:
        for (size_t i = 0; i < x->n; i++) {
            const hd *v = hd_get(y, x->keys[i]);
            if (!v || !same(x->items[i], v))
                return false;
        }
        return true;
    case HD_LINKS: /* the plain reader never gives columns */
    case HD_GROUPS: return false;
    }
    return false;
}

/* The index of key k (len bytes) in the table t, interned on first use;
 * *fresh says whether it was. HD_LINK_UNSET when out of memory. */
static uint32_t intern(mg *m, hd_links *t, const char *k, size_t len, bool *fresh)
{
    size_t before = t->nnames;
    uint32_t i = hd_links_intern(m->a, t, k, len, -1);
    *fresh = t->nnames != before;
    return i;
}

/* A link's key: "LEN:FROM" then TO, unambiguous whatever the names hold. */
static int link_key(mg *m, const char *from, const char *to, size_t *len)
{
    char head[32];
    size_t lf = strlen(from), lt = strlen(to);
    int h = snprintf(head, sizeof head, "%zu:", lf);
    size_t need = (size_t)h + lf + lt + 1;
    if (HD_RESERVE(m->a, m->key, m->keycap, need))
        return oom(m);
    memcpy(m->key, head, (size_t)h);
    memcpy(m->key + h, from, lf);
    memcpy(m->key + (size_t)h + lf, to, lt + 1);
    *len = need - 1;
    return HSEC_OK;
}

/* The string member key of an item, or NULL (with the message set). */
static const char *str_member(mg *m, int *rc, size_t f, const char *list, size_t i,
                              const hd *o, const char *key)
{
    const hd *v = hd_get(o, key);
    if (v && v->t == HD_STR)
        return v->str;
    *rc = fail(m, HSEC_EFORMAT, "%s: %s[%zu]: \"%s\" %s", m->files[f], list, i, key,
               v ? "must be string" : "is required");
    return NULL;
}

/* Concatenate the lists `key` of every file into out, each id (or link)
 * kept once. */
static int merge_list(mg *m, size_t k, hd *out)
{
    const char *key = top[k].key;
    hd_links table;
    memset(&table, 0, sizeof table);
    first *seen = NULL;
    size_t cap = 0;
    int rc = HSEC_OK;
    for (size_t f = 0; f < m->count && !rc; f++) {
        hd *list = hd_get(m->docs[f], key);
        for (size_t i = 0; list && i < list->n && !rc; i++) {
            hd *o = list->items[i];
            if (o->t != HD_OBJ) {
                rc = fail(m, HSEC_EFORMAT, "%s: document.%s[%zu] must be object, not %s",
                          m->files[f], key, i, hd_type_name(o->t));
                break;
            }
            const char *id = NULL, *from = NULL, *to = NULL;
            size_t len = 0;
            if (top[k].rule == R_IDS) {
                if ((id = str_member(m, &rc, f, key, i, o, "id")))
                    len = strlen(id);
            } else {
                from = str_member(m, &rc, f, key, i, o, "from");
                to = from ? str_member(m, &rc, f, key, i, o, "to") : NULL;
                if (to)
                    rc = link_key(m, from, to, &len);
            }
            if (rc)
                break;
            bool fresh;
            uint32_t at = intern(m, &table, id ? id : m->key, len, &fresh);
            if (at == HD_LINK_UNSET || HD_RESERVE(m->a, seen, cap, (size_t)at + 1)) {
                rc = oom(m);
                break;
            }
            if (fresh) {
                seen[at] = (first){f, i, o};
                hb_push(&m->b, out, o);
                list->items[i] = NULL; /* moved */
                if (m->b.oom)
                    rc = oom(m);
            } else if (!same(seen[at].item, o)) {
                const first *p = &seen[at];
                if (id)
                    rc = fail(m, HSEC_EEXIST, "merge: %s \"%s\" is defined in %s (%s[%zu]) and "
                              "differently in %s (%s[%zu])", top[k].what, id, m->files[p->file],
                              key, p->at, m->files[f], key, i);
                else
                    rc = fail(m, HSEC_EEXIST, "merge: link \"%s\" -> \"%s\" is given in %s "
                              "(%s[%zu]) and differently in %s (%s[%zu])", from, to,
                              m->files[p->file], key, p->at, m->files[f], key, i);
            }
        }
    }
    hd_links_clear(m->a, &table);
    hd_release(m->a, seen);
    return rc;
}

/* The union of the string lists `key`, in the order of first appearance. */
static int merge_union(mg *m, size_t k, hd *out)
{
    hd_links table;
    memset(&table, 0, sizeof table);
    int rc = HSEC_OK;
    for (size_t f = 0; f < m->count && !rc; f++) {
        const hd *list = hd_get(m->docs[f], top[k].key);
        for (size_t i = 0; list && i < list->n && !rc; i++) {
            const hd *s = list->items[i];
            if (s->t != HD_STR) {
                rc = fail(m, HSEC_EFORMAT, "%s: document.%s[%zu] must be string, not %s",
                          m->files[f], top[k].key, i, hd_type_name(s->t));
                break;
            }
            bool fresh;
            if (intern(m, &table, s->str, strlen(s->str), &fresh) == HD_LINK_UNSET)
                rc = oom(m);
            else if (fresh)
                hb_push(&m->b, out, hb_str(&m->b, s->str));
            if (!rc && m->b.oom)
                rc = oom(m);
        }
    }
    hd_links_clear(m->a, &table);
    return rc;
}

/* A setting (or an extension) from the one file that has it. */
static int merge_once(mg *m, const char *key, hd *out)
{
    size_t from = m->count;
    for (size_t f = 0; f < m->count; f++) {
        hd *doc = m->docs[f];
        for (size_t i = 0; i < doc->n; i++) {
            if (strcmp(doc->keys[i], key) != 0)
                continue;
            if (from < m->count)
                return fail(m, HSEC_EEXIST, "merge: \"%s\" is set in both %s and %s (a setting "
                            "may come from one file only)", key, m->files[from], m->files[f]);
            from = f;
            hb_set(&m->b, out, key, doc->items[i]);
            doc->items[i] = NULL; /* moved */
            if (m->b.oom)
                return oom(m);
        }
    }
    return HSEC_OK;
}

/* The extensions ("x-" keys), in the order of first appearance, each from
 * one file at most; their keys are hashed, so that many stay linear. */
static int merge_extensions(mg *m, hd *out)
{
    hd_links table;
    memset(&table, 0, sizeof table);
    size_t *from = NULL, cap = 0; /* per interned key, the file that set it */
    int rc = HSEC_OK;
    for (size_t f = 0; f < m->count && !rc; f++) {
        hd *doc = m->docs[f];
        for (size_t i = 0; i < doc->n && !rc; i++) {
            const char *key = doc->keys[i];
            if (!doc->items[i] || strncmp(key, "x-", 2) != 0)
                continue;
            bool fresh;
            uint32_t at = intern(m, &table, key, strlen(key), &fresh);
            if (at == HD_LINK_UNSET || HD_RESERVE(m->a, from, cap, (size_t)at + 1)) {
                rc = oom(m);
            } else if (!fresh) {
                rc = fail(m, HSEC_EEXIST, "merge: \"%s\" is set in both %s and %s (a setting "
                          "may come from one file only)", key, m->files[from[at]], m->files[f]);
            } else {
                from[at] = f;
                hb_set(&m->b, out, key, doc->items[i]);
                doc->items[i] = NULL; /* moved */
                if (m->b.oom)
                    rc = oom(m);
            }
        }
    }
    hd_links_clear(m->a, &table);
    hd_release(m->a, from);
    return rc;
}

/* Each file's keys as the loader takes them: an object, "hsec": 1, no
 * unknown key, the lists arrays. */
static int check_file(mg *m, size_t f)
{
    const hd *doc = m->docs[f];
    const char *file = m->files[f];
    if (doc->t != HD_OBJ)
        return fail(m, HSEC_EFORMAT, "%s: document: must be an object, not %s", file,
                    hd_type_name(doc->t));
    for (size_t i = 0; i < doc->n; i++) {
        const char *k = doc->keys[i];
        size_t t = 0;
        while (t < NTOP && strcmp(top[t].key, k) != 0)
            t++;
        if (t == NTOP && strncmp(k, "x-", 2) != 0)
            return fail(m, HSEC_EFORMAT, "%s: document: unknown key \"%s\"", file, k);
        if (t < NTOP && top[t].rule > R_ONCE && doc->items[i]->t != HD_ARR)
            return fail(m, HSEC_EFORMAT, "%s: document: \"%s\" must be array, not %s", file, k,
                        hd_type_name(doc->items[i]->t));
    }
    const hd *v = hd_get(doc, "hsec");
    if (!v)
        return fail(m, HSEC_EFORMAT, "%s: document: \"hsec\" is required", file);
    if (v->t != HD_NUM || v->num != 1)
        return fail(m, HSEC_EFORMAT, "%s: document: hsec is not a format version this library "
                    "reads (1)", file);
    return HSEC_OK;
}

/* The merged document of m->docs, their items moved into it. */
static int merge_docs(mg *m, hd **out)
{
    hd *doc = hb_new(&m->b, HD_OBJ);
    hb_set(&m->b, doc, "hsec", hb_num(&m->b, 1));
    if (m->b.oom) {
        hd_free(m->a, doc);
        return oom(m);
    }
    int rc = HSEC_OK;
    for (size_t k = 0; k < NTOP && !rc; k++) {
        bool any = false;
        for (size_t f = 0; f < m->count && !any; f++)
            any = hd_get(m->docs[f], top[k].key) != NULL;
        if (!any || top[k].rule == R_VERSION)
            continue;
        if (top[k].rule == R_ONCE) {
            rc = merge_once(m, top[k].key, doc);
            continue;
        }
        hd *list = hb_new(&m->b, HD_ARR);
        if (!list) {
            rc = oom(m);
            break;
        }
        rc = top[k].rule == R_UNION ? merge_union(m, k, list) : merge_list(m, k, list);
        hb_set(&m->b, doc, top[k].key, list);
        if (!rc && m->b.oom)
            rc = oom(m);
    }
    if (!rc)
        rc = merge_extensions(m, doc);
    if (rc) {
        hd_free(m->a, doc);
        return rc;
    }
    *out = doc;
    return HSEC_OK;
}

int hsec_loader_merge_files(hsec_loader *l, const char *const *inputs, size_t count,
                            const char *out, hsec_format to)
{
    if (!l)
        return hd_fail(HSEC_EINVAL, "loader_merge_files: the loader is NULL");
    mg m = {l, hd_loader_allocator(l), hd_loader_msg(l), inputs, NULL, count,
            {hd_loader_allocator(l), false}, NULL, 0};
    m.msg[0] = '\0';
    if (!inputs || !out || count == 0)
        return fail(&m, HSEC_EINVAL, "merge: %s", !inputs || count == 0 ? "no input files"
                                                                          : "the output path is NULL");
    if ((int)to < 0 || (int)to >= HSEC_FORMAT_COUNT)
        return fail(&m, HSEC_EINVAL, "merge: format %d is unknown", (int)to);
    for (size_t f = 0; f < count; f++)
        if (!inputs[f])
            return fail(&m, HSEC_EINVAL, "merge: input %zu is NULL", f);
    m.docs = hd_calloc(m.a, count, sizeof *m.docs);
    if (!m.docs)
        return oom(&m);
    int rc = HSEC_OK;
    for (size_t f = 0; f < count && !rc; f++)
        if (!(rc = hd_read_tree(&m.docs[f], l, inputs[f])))
            rc = check_file(&m, f);
    hd *doc = NULL;
    if (!rc)
        rc = merge_docs(&m, &doc);
    for (size_t f = 0; f < count; f++)
        hd_free(m.a, m.docs[f]);
    hd_release(m.a, m.docs);
    hd_release(m.a, m.key);
    /* the merged document must load, or nothing is written */
    hsec_scenario *s = NULL;
    if (!rc && (rc = hd_load_tree(&s, doc, m.a, hd_loader_limits(l), m.msg))) {
        char why[HSEC_ERRMSG_MAX];
        hd_copymsg(why, sizeof why, m.msg);
        fail(&m, rc, "merged document: %s", why);
    }
    hsec_scenario_free(s);
    unsigned char *enc = NULL;
    size_t n = 0;
    if (!rc && (rc = hd_encode(&enc, &n, m.a, doc, to)))
        fail(&m, rc, "merge: %s", rc == HSEC_ENOMEM ? "out of memory" : hsec_last_errmsg());
    if (!rc && (rc = hsec_write_file(out, enc, n)))
        hd_copymsg(m.msg, HSEC_ERRMSG_MAX, hsec_last_errmsg());
    hd_release(m.a, enc);
    hd_free(m.a, doc);
    return rc;
}
