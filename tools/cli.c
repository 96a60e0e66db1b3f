/*
 * What the command-line programs share (cli.h): a command's options, its
 * scenario, the progress bar, Ctrl-C, and its document written out.
 */
#include "cli.h"
#include "help.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_name = "hsec";

void cli_err(const char *fmt, ...)
{
    /* one write, so that the lines of processes sharing a terminal (MPI's
     * ranks) do not interleave within a line */
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    size_t pre = strlen(cli_name) + 2;
    char *buf = n >= 0 ? malloc(pre + (size_t)n + 1) : NULL;
    if (buf) {
        snprintf(buf, pre + 1, "%s: ", cli_name);
        vsnprintf(buf + pre, (size_t)n + 1, fmt, aq);
        fwrite(buf, 1, pre + (size_t)n, stderr);
        free(buf);
    } else {
        fprintf(stderr, "%s: ", cli_name);
        vfprintf(stderr, fmt, aq);
    }
    va_end(aq);
}

/* fmt's one %s is arg (from the command line: shown escaped). */
int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s: ", cli_name);
    fprintf(stderr, fmt, text_shown(arg));
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

/* " (did you mean "x"?)" for the nearest of count names get(ctx, i) to
 * name, or "" (in a buffer of its own: one message at a time). */
const char *did_you_mean(const char *name, const void *ctx, size_t count,
                         const char *(*get)(const void *ctx, size_t i))
{
    static char buf[160];
    const char **names = calloc(count ? count : 1, sizeof *names);
    const char *near = NULL;
    if (names) {
        for (size_t i = 0; i < count; i++)
            names[i] = get(ctx, i);
        near = hsec_nearest(name, names, count);
    }
    if (near)
        snprintf(buf, sizeof buf, " (did you mean \"%s\"?)", text_shown(near));
    free(names);
    return near ? buf : "";
}

static const char *package_at(const void *s, size_t i)
{
    return i ? hsec_scenario_package_id(s, i - 1) : "none";
}
static const char *measure_at(const void *s, size_t i) { return hsec_scenario_measure_id(s, i); }

/* An option cmd does not take: the nearest it does, and where its help is. */
int unknown_option(const char *cmd, const char *opt)
{
    const char *near = help_nearest_option(cmd, opt);
    cli_err("%s: unknown option %s", cmd, text_shown(opt));
    if (near)
        fprintf(stderr, " (did you mean %s?)", near);
    fprintf(stderr, "\nhsec %s --help shows its options\n", cmd);
    return EXIT_USAGE;
}

/* ---- Ctrl-C: a flag the progress callback turns into a cancel */

volatile sig_atomic_t interrupted;
static bool catching; /* the handler is installed */

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Catch SIGINT, once (SA_RESETHAND: a second Ctrl-C stops at once), unless
 * whoever started the program ignores it (a background job): then it
 * stays ignored. No SA_RESTART: a blocked read or write returns. */
void catch_interrupt(void)
{
    struct sigaction sa, old;
    if (sigaction(SIGINT, NULL, &old) != 0 || old.sa_handler == SIG_IGN)
        return;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    catching = sigaction(SIGINT, &sa, NULL) == 0;
}

/* The output is about to be written: was the command interrupted before?
 * From now on SIGINT has its default effect, which stops the program at
 * once; a file being saved stays whole (hsec_write_file), and no Ctrl-C
 * can come after this check and yet go unheeded. */
bool interrupted_before_output(void)
{
    if (catching) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        catching = false;
    }
    return interrupted != 0;
}

int stopped(void)
{
    cli_err("interrupted; nothing written\n");
    return EXIT_INTERRUPTED;
}

/* ---- --max-memory BYTES, for every loader */

uint64_t max_memory; /* 0: the loader's default */

/* A whole number of bytes, with K, M, G or T (powers of 1024, "KiB" too),
 * at least 1 and at most 2^64 - 1, into *out: false when text is not one. */
static bool parse_bytes(uint64_t *out, const char *text)
{
    uint64_t v = 0;
    const char *p = text;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    static const char units[] = "KMGT";
    const char *u = *p ? strchr(units, *p >= 'a' ? *p - 'a' + 'A' : *p) : NULL;
    if (u && *u) {
        for (int k = 0; k <= u - units; k++) {
            if (v > UINT64_MAX / 1024)
                return false;
            v *= 1024;
        }
        p++;
        if (strcmp(p, "iB") == 0)
            p += 2;
    }
    if (*p || v == 0)
        return false;
    *out = v;
    return true;
}

/* Take --max-memory BYTES (or --max-memory=BYTES) at argv[i]: arguments
 * used (1 or 2), 0 not it, -1 a usage error (reported). */
int memory_option(int argc, char **argv, int i)
{
    const char *v;
    int used;
    if (strcmp(argv[i], "--max-memory") == 0) {
        v = i + 1 < argc ? argv[i + 1] : NULL;
        used = 2;
    } else if (strncmp(argv[i], "--max-memory=", 13) == 0) {
        v = argv[i] + 13;
        used = 1;
    } else {
        return 0;
    }
    if (!v) {
        cli_err("--max-memory needs a number of bytes\n%s", usage);
        return -1;
    }
    if (!parse_bytes(&max_memory, v)) {
        cli_err("--max-memory %s: not a number of bytes from 1 (K, M, G, T: "
                "powers of 1024, as in 16G)\n%s", text_shown(v), usage);
        return -1;
    }
    return used;
}

/* A loader with the command line's limits, or NULL (the reason printed). */
hsec_loader *new_loader(void)
{
    hsec_loader *l = NULL;
    if (hsec_loader_new(&l, NULL)) {
        cli_err("%s\n", hsec_last_errmsg());
        return NULL;
    }
    if (max_memory && hsec_loader_set_limit(l, HSEC_LIMIT_MEMORY, max_memory)) {
        cli_err("--max-memory: %s\n", hsec_loader_errmsg(l));
        hsec_loader_free(l);
        return NULL;
    }
    return l;
}

/* What a document the commands write is, by its keys: "results",
 * "comparison", "ensemble", "ranking", "choice", or NULL (a scenario or
 * anything else). */
const char *doc_kind(const json_t *d)
{
    if (json_object_get(d, "burden") && json_object_get(d, "groups") && json_object_get(d, "mode"))
        return "results";
    if (json_object_get(d, "baseline") && json_object_get(d, "packages"))
        return "comparison";
    if (json_object_get(d, "quantiles") && json_object_get(d, "members"))
        return "ensemble";
    if (json_is_array(json_object_get(d, "rank")))
        return "ranking";
    if (json_object_get(d, "budget") && json_object_get(d, "averted"))
        return "choice";
    return NULL;
}

/* The kind of the document in path when it is one the commands write
 * (doc_kind; copied into kind, size bytes), read with l. */
static bool written_kind(char *kind, size_t size, hsec_loader *l, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    if (hsec_loader_read_json(&text, &len, l, path))
        return false;
    json_error_t je;
    json_t *d = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, &je);
    hsec_free_string(text);
    const char *k = doc_kind(d);
    if (k)
        snprintf(kind, size, "%s", k);
    json_decref(d);
    return k != NULL;
}

hsec_scenario *load(const char *path)
{
    hsec_scenario *s = NULL;
    hsec_loader *l = new_loader();
    if (!l)
        return NULL;
    char kind[16];
    if (hsec_loader_load_file(&s, l, path)) {
        char msg[HSEC_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", hsec_loader_errmsg(l));
        if (written_kind(kind, sizeof kind, l, path))
            cli_err("%s: this is a %s document%s\n", text_shown(path), kind,
                    strcmp(kind, "results") == 0 ? "; use hsec show" : ", not a scenario");
        else
            cli_err("%s\n", msg);
    }
    hsec_loader_free(l);
    return s;
}

/* Write text to path atomically (the library's hsec_write_file). */
int write_file(const char *path, const char *text, size_t len)
{
    if (hsec_write_file(path, text, len) != HSEC_OK) {
        cli_err("%s\n", hsec_last_errmsg());
        return EXIT_BAD;
    }
    return 0;
}

/* An encoding's name, or -1. */
int format_of(const char *name)
{
    static const char *const names[HSEC_FORMAT_COUNT] = {"json", "cbor", "container",
                                                         "container-zlib"};
    for (int f = 0; f < HSEC_FORMAT_COUNT; f++)
        if (strcmp(name, names[f]) == 0)
            return f;
    return -1;
}

/* Parse SCENARIO [--format json|text] [-o FILE]; extra(i) may take
 * command-specific options and returns how many arguments it used (0: not
 * its option, -1: a usage error it reported). */
int parse(opts *o, const char *cmd, int argc, char **argv, extra_fn extra, void *ctx)
{
    o->path = o->out = NULL;
    o->format = "json";
    for (int i = 0; i < argc; i++) {
        int used = memory_option(argc, argv, i);
        if (!used && extra)
            used = extra(ctx, argc, argv, i);
        if (used < 0)
            return EXIT_USAGE;
        if (used > 0) {
            i += used - 1;
        } else if (strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", argv[i]);
            if (argv[i][1] == 'o')
                o->out = argv[++i];
            else
                o->format = argv[++i];
        } else if (strncmp(argv[i], "--format=", 9) == 0) {
            o->format = argv[i] + 9;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            unknown_option(cmd, argv[i]);
            return EXIT_USAGE;
        } else if (o->path) {
            cli_err("%s: one scenario at a time (extra argument %s)\n%s", cmd,
                    text_shown(argv[i]), usage);
            return EXIT_USAGE;
        } else {
            o->path = argv[i];
        }
    }
    if (!o->path) {
        cli_err("%s: a SCENARIO file is required\n%s", cmd, usage);
        return EXIT_USAGE;
    }
    o->text = strcmp(o->format, "text") == 0;
    o->csv = strcmp(o->format, "csv") == 0 && strcmp(cmd, "optimize") != 0;
    o->binary = strcmp(cmd, "run") == 0 && format_of(o->format) > HSEC_FORMAT_JSON;
    if (!o->text && !o->csv && !o->binary && strcmp(o->format, "json") != 0) {
        cli_err("%s: --format %s is not json or text%s\n%s", cmd,
                text_shown(o->format),
                strcmp(cmd, "run") == 0       ? " (or csv, cbor, container, container-zlib)"
                : strcmp(cmd, "optimize") != 0 ? " (or csv)" : "",
                usage);
        return EXIT_USAGE;
    }
    if (o->binary && !o->out) {
        cli_err("%s: --format %s writes a binary file: give -o FILE\n%s", cmd,
                text_shown(o->format), usage);
        return EXIT_USAGE;
    }
    return 0;
}

/* Drop the document a text report was checked against (see emit): freed,
 * and NULL, so that a renderer failing before it sets it frees nothing. */
bool drop(char **doc)
{
    hsec_free_string(*doc);
    *doc = NULL;
    return true;
}

/* Text reports are rendered after the document they summarise has been
 * built and dropped: a figure the document refuses (one that overflows a
 * double) is refused in text too, never printed as inf.
 *
 * Write a rendered document to -o FILE or standard output and free it
 * (text: malloc'd; JSON: hsec_free_string). rc is the renderer's code. */
int emit(const opts *o, int rc, char *doc, size_t len)
{
    int status = 0;
    if (interrupted_before_output() || rc == HSEC_ECANCELED) {
        status = stopped();
    } else if (rc) {
        /* a text report's renderer fails only for memory; the document's
         * writer says which figure it refused */
        cli_err("writing the results: %s\n",
                rc == HSEC_ENOMEM ? hsec_strerror(rc) : hsec_last_errmsg());
        status = EXIT_BAD;
    } else if (o->out) {
        status = write_file(o->out, doc, len);
    } else if (fwrite(doc, 1, len, stdout) != len ||
               (!o->text && !o->csv && putchar('\n') == EOF) || fflush(stdout) != 0) {
        cli_err("writing to standard output: %s\n", strerror(errno));
        status = EXIT_BAD;
    }
    if (o->text || o->csv)
        free(doc);
    else
        hsec_free_string(doc);
    return status;
}

/* A document's JSON text (*doc, dropped) rendered by fn from its tree as
 * text or CSV (*doc then malloc'd). A document the library wrote always
 * parses; fn fails only for memory, or for a document of another kind
 * (hsec show), err then saying why. */
int render_tree(char **doc, size_t *len, tree_fn fn, char *err, size_t errlen)
{
    json_error_t je;
    json_t *t = json_loadb(*doc, *len, JSON_DECODE_INT_AS_REAL, &je);
    drop(doc);
    if (!t) {
        snprintf(err, errlen, "%s", je.text);
        return HSEC_EINVAL;
    }
    int rc = fn(doc, len, t, err, errlen);
    json_decref(t);
    return rc;
}

/* Parse a command's arguments and load its scenario: 0 and *s, or the
 * exit status. */
int start(opts *o, const char *cmd, int argc, char **argv, extra_fn extra, void *ctx,
          hsec_scenario **s)
{
    int rc = parse(o, cmd, argc, argv, extra, ctx);
    if (rc)
        return rc;
    *s = load(o->path);
    return *s ? 0 : interrupted ? stopped() : EXIT_BAD;
}

/* The value of option argv[i] into *out: a whole number from lo to hi
 * (decimal digits only), or with whole false a finite number from lo to
 * hi. 2 arguments used, or -1 (a usage error, reported naming both). */
/* A number written in decimal (digits, a point, an exponent): strtod
 * alone would also take hexadecimal, "inf" and leading spaces. */
bool decimal(const char *v)
{
    return v && *v && strspn(v, "0123456789.eE+-") == strlen(v);
}

int number_option(const char *cmd, int argc, char **argv, int i, double *out, bool whole,
                  double lo, double hi)
{
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end = NULL;
    bool ok = decimal(v) && (!whole || strspn(v, "0123456789") == strlen(v));
    double x = ok ? strtod(v, &end) : NAN;
    if (!ok || *end || !isfinite(x) || x < lo || x > hi) {
        char range[80];
        if (hi >= 9007199254740992.0)
            snprintf(range, sizeof range, ">= %.15g", lo);
        else
            snprintf(range, sizeof range, "from %.15g to %.15g", lo, hi);
        if (!v)
            cli_err("%s: %s needs a value\n%s", cmd, argv[i], usage);
        else
            cli_err("%s: %s %s: not a %s %s\n%s", cmd, argv[i], text_shown(v),
                    whole ? "whole number" : "number", range, usage);
        return -1;
    }
    *out = x;
    return 2;
}

int run_failed(const char *path, hsec_scenario *s)
{
    if (interrupted) { /* whatever failed, the user asked to stop */
        hsec_scenario_free(s);
        return stopped();
    }
    cli_err("%s: %s\n", text_shown(path), hsec_scenario_errmsg(s));
    hsec_scenario_free(s);
    return EXIT_BAD;
}

/* The warnings of a scenario and of a run (r may be NULL), on standard
 * error; they never change the exit status. */
void print_warnings(const hsec_scenario *s, const hsec_result *r)
{
    const char *msg;
    for (size_t i = 0; i < hsec_scenario_diagnostic_count(s); i++)
        if (hsec_scenario_diagnostic(NULL, &msg, s, i) == HSEC_OK)
            cli_err("warning: %s\n", text_shown(msg));
    for (size_t i = 0; r && i < hsec_result_diagnostic_count(r); i++)
        if (hsec_result_diagnostic(NULL, &msg, r, i) == HSEC_OK)
            cli_err("warning: %s\n", text_shown(msg));
}

/* The scenario's warnings found now and printed (for commands that do not
 * run it through hsec_scenario_run, which finds them itself). */
void diagnose_and_warn(hsec_scenario *s)
{
    if (hsec_scenario_diagnose(s) == HSEC_OK)
        print_warnings(s, NULL);
}

/* Take --package or --measures at argv[i]: 2 arguments used, 0 not one of
 * them, -1 a usage error (reported). */
int force_option(force *f, const char *cmd, int argc, char **argv, int i)
{
    bool pkg = strcmp(argv[i], "--package") == 0;
    if (!pkg && strcmp(argv[i], "--measures") != 0)
        return 0;
    if (i + 1 >= argc) {
        cli_err("%s: %s needs %s\n%s", cmd, argv[i],
                pkg ? "a package id or none" : "measure ids, separated by commas", usage);
        return -1;
    }
    if (pkg ? f->measures != NULL : f->package != NULL) {
        cli_err("%s: --package and --measures exclude each other\n%s", cmd,
                usage);
        return -1;
    }
    if (pkg)
        f->package = argv[i + 1];
    else
        f->measures = argv[i + 1];
    return 2;
}

/* The measures f puts in force on s, as a mask into *mask (NULL: every
 * measure, neither option given): 0, or the exit status with the reason
 * printed (an unknown package or measure, named). Free *mask. */
int force_mask(unsigned char **mask, const force *f, hsec_scenario *s, const char *path,
               const char *cmd)
{
    *mask = NULL;
    if (!f->package && !f->measures)
        return 0;
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *m = calloc(nm ? nm : 1, 1);
    if (!m) {
        cli_err("out of memory\n");
        return EXIT_BAD;
    }
    if (f->package) {
        size_t p = 0, np = hsec_scenario_package_count(s);
        while (p < np && strcmp(hsec_scenario_package_id(s, p), f->package) != 0)
            p++;
        if (p < np) {
            hsec_scenario_package_mask(m, nm, s, p);
        } else if (strcmp(f->package, "none") != 0) {
            cli_err("%s: %s: no package \"%s\" (or none, for no measure)%s\n",
                    text_shown(path), cmd, text_shown(f->package),
                    did_you_mean(f->package, s, np + 1, package_at));
            free(m);
            return EXIT_BAD;
        }
    } else {
        for (const char *p = f->measures; *p;) {
            size_t len = strcspn(p, ","), k = 0;
            for (; len && k < nm; k++) {
                const char *id = hsec_scenario_measure_id(s, k);
                if (strlen(id) == len && strncmp(id, p, len) == 0)
                    break;
            }
            if (len && k == nm) {
                char want[256];
                snprintf(want, sizeof want, "%.*s", (int)(len < 255 ? len : 255), p);
                cli_err("%s: %s: no measure \"%s\"%s\n", text_shown(path), cmd,
                        text_shown_n(p, len), did_you_mean(want, s, nm, measure_at));
                free(m);
                return EXIT_BAD;
            }
            if (len)
                m[k] = 1;
            p += len;
            if (*p == ',')
                p++;
        }
    }
    *mask = m;
    return 0;
}

void bar_start(bar *b, const char *label)
{
    b->label = label;
    b->shown = -1;
    b->draw = isatty(STDERR_FILENO) != 0;
}

int draw_bar(void *user, uint64_t done, uint64_t total)
{
    bar *b = user;
    if (interrupted)
        return 1;
    if (!b->draw)
        return 0;
    int pct = total ? (int)(100 * done / total) : 100;
    if (pct == b->shown)
        return 0;
    b->shown = pct;
    char cells[41];
    int full = pct * 40 / 100;
    memset(cells, '#', (size_t)full);
    memset(cells + full, '.', (size_t)(40 - full));
    cells[40] = '\0';
    fprintf(stderr, "\r%-10s [%s] %3d%%", b->label, cells, pct);
    if (pct >= 100)
        fputc('\n', stderr);
    fflush(stderr);
    return 0;
}

void progress_bar(hsec_scenario *s, bar *b, const char *label)
{
    bar_start(b, label);
    hsec_scenario_set_progress(s, draw_bar, b);
}

/* Finish a bar that was cut short (an error), so messages start a line. */
void end_bar(const bar *b)
{
    if (b->shown >= 0 && b->shown < 100)
        fputc('\n', stderr);
}

int optimize_option(void *ctx, int argc, char **argv, int i)
{
    optimize_opts *o = ctx;
    if (strcmp(argv[i], "--exact") == 0) {
        o->exact = true;
        return 1;
    }
    if (strcmp(argv[i], "--budget") != 0)
        return 0;
    o->have_budget = true;
    return number_option("optimize", argc, argv, i, &o->budget, false, 0, HUGE_VAL);
}

int ensemble_option(void *ctx, int argc, char **argv, int i)
{
    ensemble_opts *o = ctx;
    int used = force_option(&o->f, "ensemble", argc, argv, i);
    if (used)
        return used;
    hsec_option opt = strcmp(argv[i], "--members") == 0   ? HSEC_OPT_MEMBERS
                      : strcmp(argv[i], "--threads") == 0 ? HSEC_OPT_THREADS
                                                          : HSEC_OPTION_COUNT;
    double lo, hi;
    if (opt == HSEC_OPTION_COUNT || hsec_option_bounds(&lo, &hi, opt) != HSEC_OK)
        return 0;
    return number_option("ensemble", argc, argv, i,
                         opt == HSEC_OPT_MEMBERS ? &o->members : &o->threads, true, lo, hi);
}


int optimize_parse(opts *o, optimize_opts *oo, int argc, char **argv)
{
    int rc = parse(o, "optimize", argc, argv, optimize_option, oo);
    if (!rc && !oo->have_budget) {
        cli_err("optimize: --budget X is required\n%s", usage);
        rc = EXIT_USAGE;
    }
    return rc;
}

int ensemble_settings(const opts *o, const ensemble_opts *eo, hsec_scenario *s)
{
    /* the command line overrides the document (in the options' bounds) */
    if (!isnan(eo->members) && hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, eo->members))
        return run_failed(o->path, s);
    if (!isnan(eo->threads) && hsec_scenario_set_option(s, HSEC_OPT_THREADS, eo->threads))
        return run_failed(o->path, s);
    return 0;
}

int ensemble_output(const opts *o, const hsec_ensemble *e, const hsec_scenario *s)
{
    size_t nq;
    const double *qs = hsec_scenario_quantiles(s, &nq);
    char *doc = NULL;
    size_t len = 0;
    int rc = hsec_doc_ensemble_json(&doc, &len, e, qs, nq, s);
    if (!rc && o->text && drop(&doc))
        rc = text_ensemble(&doc, &len, e, qs, nq, s);
    char err[256] = "";
    if (!rc && o->csv)
        rc = render_tree(&doc, &len, text_csv_ensemble, err, sizeof err);
    return emit(o, rc, doc, len);
}

int compare_output(const opts *o, hsec_result *const *res, size_t count, hsec_scenario *s,
                   const double *branches)
{
    char *doc = NULL;
    size_t len = 0;
    int rc = hsec_doc_compare_json_with(&doc, &len, res, count, s, branches,
                                        (count - 1) * HSEC_BRANCH_COUNT);
    return compare_written(o, rc, doc, len, s);
}

int compare_written(const opts *o, int rc, char *doc, size_t len, const hsec_scenario *s)
{
    char err[256] = "";
    if (!rc && o->text) {
        json_error_t je;
        json_t *t = json_loadb(doc, len, JSON_DECODE_INT_AS_REAL, &je);
        drop(&doc);
        rc = t ? text_compare(&doc, &len, t, s) : HSEC_ENOMEM;
        json_decref(t);
    }
    if (!rc && o->csv)
        rc = render_tree(&doc, &len, text_csv_compare, err, sizeof err);
    return emit(o, rc, doc, len);
}

int optimize_output(const opts *o, const optimize_opts *oo, const unsigned char *chosen,
                    double averted, double cost, const unsigned char *exact, double xav,
                    double xcost, hsec_scenario *s)
{
    char *doc = NULL;
    size_t len = 0;
    int rc = hsec_doc_choice_json(&doc, &len, chosen, hsec_scenario_measure_count(s), averted,
                                  cost, oo->budget, s);
    if (!rc && o->text && drop(&doc))
        rc = text_choice(&doc, &len, chosen, averted, cost, oo->budget, oo->exact, exact, xav,
                         xcost, s);
    return emit(o, rc, doc, len);
}
