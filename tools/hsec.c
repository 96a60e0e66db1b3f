/*
 * hsec: the command-line program, a thin client of the library.
 *
 *   hsec run SCENARIO [--package ID|none | --measures A,B] [--format json|text] [-o FILE]
 *   hsec compare SCENARIO [--format json|text] [-o FILE]
 *   hsec rank SCENARIO [--top N] [--kind K] [--region R] [--package ID|none | --measures A,B]
 *             [--format json|text] [-o FILE]
 *   hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]
 *   hsec ensemble SCENARIO [--members N] [--threads T] [--package ID|none | --measures A,B]
 *             [--format json|text] [-o FILE]
 *   hsec convert IN OUT [--to json|cbor|container|container-zlib]
 *   hsec validate SCENARIO
 *   hsec --version | --help
 *
 * Warnings (hsec_warning) go to standard error as "hsec: warning: ..."; they
 * do not change the exit status: 0 ok, 1 bad input or a failed run, 2 usage
 * error.
 */
#include "hsec.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXIT_BAD 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: hsec run SCENARIO [--package ID|none | --measures A,B]\n"
    "                [--format json|text|cbor|container|container-zlib] [-o FILE]\n"
    "       hsec compare SCENARIO [--format json|text] [-o FILE]\n"
    "       hsec rank SCENARIO [--top N] [--kind K] [--region R]\n"
    "                 [--package ID|none | --measures A,B] [--format json|text] [-o FILE]\n"
    "       hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]\n"
    "       hsec ensemble SCENARIO [--members N] [--threads T]\n"
    "                     [--package ID|none | --measures A,B] [--format json|text] [-o FILE]\n"
    "       hsec convert IN OUT [--to json|cbor|container|container-zlib]\n"
    "       hsec validate SCENARIO\n"
    "       hsec --version\n"
    "       hsec --help\n";

static const char help[] =
    "hsec: human security analysis. Shows how threats cascade through the\n"
    "services people depend on into first-, second- and third-order effects on\n"
    "each population group, and what protection and empowerment measures avert.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       run a scenario document (JSON) and write its results\n"
    "      --format json  the results document (default)\n"
    "      --format text  a readable summary: the measures in force, warnings,\n"
    "                     insecurity, phase and orders of effect per group and\n"
    "                     dimension; burden by actor\n"
    "      -o FILE        write to FILE (replaced only when the run succeeds)\n"
    "      --package ID   only that package's measures in force (none: no measure)\n"
    "      --measures A,B only the measures with those ids in force (comma-separated;\n"
    "                     an empty list: none); not with --package. Without either,\n"
    "                     every measure of the scenario is in force\n"
    "  compare SCENARIO   run the no-measure baseline and each package of measures;\n"
    "                     the burden each package averts, by band, order, group and\n"
    "                     region, and per unit cost\n"
    "  rank SCENARIO      where to protect: the equilibrium burden one unit of\n"
    "                     degradation at each node causes (adjoint solve), with\n"
    "                     dependency and influence indices; --top N (default 20, 0 all);\n"
    "                     --package ID|none or --measures A,B: the measures in force\n"
    "                     (default: every measure); the list narrowed by\n"
    "      --kind K       services, groups (every node of every group), a service kind\n"
    "                     (energy, water, health_care, ...) or a dimension (economic,\n"
    "                     food, health, ...: that dimension's node of every group)\n"
    "      --region R     nodes in region R or a region below it (national services,\n"
    "                     which have no region, are left out)\n"
    "  optimize SCENARIO  choose measures within --budget X to avert the most burden:\n"
    "                     greedy on averted burden per unit cost, checked by an exact\n"
    "                     search when there are 12 measures or fewer; --exact reports\n"
    "                     the exact choice (at most 24 measures)\n"
    "  ensemble SCENARIO  run many members with the document's uncertainty ranges;\n"
    "                     quantiles (default p5, p50, p95) of the burden, the groups'\n"
    "                     indices and the recorded nodes; --members N (default 100),\n"
    "                     --threads T (default one per processor; results do not\n"
    "                     depend on it); --package ID|none or --measures A,B as for run\n"
    "      --format cbor, container, container-zlib: the results document in CBOR or\n"
    "                     the checksummed container (needs -o FILE)\n"
    "  convert IN OUT     re-encode a document (scenario or results): JSON, CBOR, or\n"
    "                     the container, by --to or OUT's extension (.json, .cbor,\n"
    "                     .hsec: compressed container); OUT is replaced atomically\n"
    "  validate SCENARIO  check a scenario document without running it\n"
    "\n"
    "Every command reads SCENARIO in any encoding (JSON, CBOR, container).\n"
    "Warnings (a threat or measure never in force within the horizon, a measure\n"
    "where no threat's degradation arrives, a group of size 0, recorded series\n"
    "that stay 0) are printed on standard error as \"hsec: warning: ...\"; they\n"
    "are also in the results document and the text report, and do not fail.\n"
    "\n"
    "exit status: 0 ok, 1 bad input or failed run, 2 usage error\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "hsec: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}

static hsec_scenario *load(const char *path)
{
    hsec_loader *l = NULL;
    hsec_scenario *s = NULL;
    if (hsec_loader_new(&l, NULL)) {
        fprintf(stderr, "hsec: %s\n", hsec_last_errmsg());
        return NULL;
    }
    if (hsec_loader_load_file(&s, l, path))
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return s;
}

/* Write text to path atomically (the library's hsec_write_file). */
static int write_file(const char *path, const char *text, size_t len)
{
    if (hsec_write_file(path, text, len) != HSEC_OK) {
        fprintf(stderr, "hsec: %s\n", hsec_last_errmsg());
        return EXIT_BAD;
    }
    return 0;
}

/* An encoding's name, or -1. */
static int format_of(const char *name)
{
    static const char *const names[HSEC_FORMAT_COUNT] = {"json", "cbor", "container",
                                                         "container-zlib"};
    for (int f = 0; f < HSEC_FORMAT_COUNT; f++)
        if (strcmp(name, names[f]) == 0)
            return f;
    return -1;
}

/* Options shared by the commands that run a scenario. */
typedef struct opts {
    const char *path, *out, *format;
    bool text, binary;
} opts;

/* Parse SCENARIO [--format json|text] [-o FILE]; extra(i) may take
 * command-specific options and returns how many arguments it used (0: not
 * its option, -1: a usage error it reported). */
static int parse(opts *o, const char *cmd, int argc, char **argv,
                 int (*extra)(void *ctx, int argc, char **argv, int i), void *ctx)
{
    o->path = o->out = NULL;
    o->format = "json";
    for (int i = 0; i < argc; i++) {
        int used = extra ? extra(ctx, argc, argv, i) : 0;
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
            fprintf(stderr, "hsec: %s: unknown option %s\n%s", cmd, argv[i], usage);
            return EXIT_USAGE;
        } else if (o->path) {
            fprintf(stderr, "hsec: %s: one scenario at a time (extra argument %s)\n%s", cmd,
                    argv[i], usage);
            return EXIT_USAGE;
        } else {
            o->path = argv[i];
        }
    }
    if (!o->path) {
        fprintf(stderr, "hsec: %s: a SCENARIO file is required\n%s", cmd, usage);
        return EXIT_USAGE;
    }
    o->text = strcmp(o->format, "text") == 0;
    o->binary = strcmp(cmd, "run") == 0 && format_of(o->format) > HSEC_FORMAT_JSON;
    if (!o->text && !o->binary && strcmp(o->format, "json") != 0) {
        fprintf(stderr, "hsec: %s: --format %s is not json or text%s\n%s", cmd, o->format,
                strcmp(cmd, "run") == 0 ? " (or cbor, container, container-zlib)" : "", usage);
        return EXIT_USAGE;
    }
    if (o->binary && !o->out) {
        fprintf(stderr, "hsec: %s: --format %s writes a binary file: give -o FILE\n%s", cmd,
                o->format, usage);
        return EXIT_USAGE;
    }
    return 0;
}

/* Write a rendered document to -o FILE or standard output and free it
 * (text: malloc'd; JSON: hsec_free_string). rc is the renderer's code. */
static int emit(const opts *o, int rc, char *doc, size_t len)
{
    int status = 0;
    if (rc) {
        fprintf(stderr, "hsec: writing the results: %s\n",
                o->text ? hsec_strerror(rc) : hsec_last_errmsg());
        status = EXIT_BAD;
    } else if (o->out) {
        status = write_file(o->out, doc, len);
    } else if (fwrite(doc, 1, len, stdout) != len || (!o->text && putchar('\n') == EOF) ||
               fflush(stdout) != 0) {
        fprintf(stderr, "hsec: writing to standard output: %s\n", strerror(errno));
        status = EXIT_BAD;
    }
    if (o->text)
        free(doc);
    else
        hsec_free_string(doc);
    return status;
}

/* Parse a command's arguments and load its scenario: 0 and *s, or the
 * exit status. */
static int start(opts *o, const char *cmd, int argc, char **argv,
                 int (*extra)(void *ctx, int argc, char **argv, int i), void *ctx,
                 hsec_scenario **s)
{
    int rc = parse(o, cmd, argc, argv, extra, ctx);
    if (rc)
        return rc;
    *s = load(o->path);
    return *s ? 0 : EXIT_BAD;
}

/* The number after option argv[i] into *out: 2 arguments used, or -1. */
static int number_option(const char *cmd, int argc, char **argv, int i, double *out)
{
    char *end = NULL;
    if (i + 1 >= argc || (*out = strtod(argv[i + 1], &end), !*argv[i + 1] || *end)) {
        fprintf(stderr, "hsec: %s: %s needs a number, not %s\n%s", cmd, argv[i],
                i + 1 < argc ? argv[i + 1] : "nothing", usage);
        return -1;
    }
    return 2;
}

static int run_failed(const char *path, hsec_scenario *s)
{
    fprintf(stderr, "hsec: %s: %s\n", path, hsec_scenario_errmsg(s));
    hsec_scenario_free(s);
    return EXIT_BAD;
}

/* The warnings of a scenario and of a run (r may be NULL), on standard
 * error; they never change the exit status. */
static void print_warnings(const hsec_scenario *s, const hsec_result *r)
{
    const char *msg;
    for (size_t i = 0; i < hsec_scenario_diagnostic_count(s); i++)
        if (hsec_scenario_diagnostic(NULL, &msg, s, i) == HSEC_OK)
            fprintf(stderr, "hsec: warning: %s\n", msg);
    for (size_t i = 0; r && i < hsec_result_diagnostic_count(r); i++)
        if (hsec_result_diagnostic(NULL, &msg, r, i) == HSEC_OK)
            fprintf(stderr, "hsec: warning: %s\n", msg);
}

/* The scenario's warnings found now and printed (for commands that do not
 * run it through hsec_scenario_run, which finds them itself). */
static void diagnose_and_warn(hsec_scenario *s)
{
    if (hsec_scenario_diagnose(s) == HSEC_OK)
        print_warnings(s, NULL);
}

/* Which measures are in force: --package ID|none or --measures A,B. */
typedef struct force {
    const char *package, *measures;
} force;

/* Take --package or --measures at argv[i]: 2 arguments used, 0 not one of
 * them, -1 a usage error (reported). */
static int force_option(force *f, const char *cmd, int argc, char **argv, int i)
{
    bool pkg = strcmp(argv[i], "--package") == 0;
    if (!pkg && strcmp(argv[i], "--measures") != 0)
        return 0;
    if (i + 1 >= argc) {
        fprintf(stderr, "hsec: %s: %s needs %s\n%s", cmd, argv[i],
                pkg ? "a package id or none" : "measure ids, separated by commas", usage);
        return -1;
    }
    if (pkg ? f->measures != NULL : f->package != NULL) {
        fprintf(stderr, "hsec: %s: --package and --measures exclude each other\n%s", cmd,
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
static int force_mask(unsigned char **mask, const force *f, hsec_scenario *s, const char *path,
                      const char *cmd)
{
    *mask = NULL;
    if (!f->package && !f->measures)
        return 0;
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *m = calloc(nm ? nm : 1, 1);
    if (!m) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    if (f->package) {
        size_t p = 0, np = hsec_scenario_package_count(s);
        while (p < np && strcmp(hsec_scenario_package_id(s, p), f->package) != 0)
            p++;
        if (p < np) {
            hsec_scenario_package_mask(m, nm, s, p);
        } else if (strcmp(f->package, "none") != 0) {
            fprintf(stderr, "hsec: %s: %s: no package \"%s\" (or none, for no measure)\n",
                    path, cmd, f->package);
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
                fprintf(stderr, "hsec: %s: %s: no measure \"%.*s\"\n", path, cmd, (int)len, p);
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

static int run_option(void *ctx, int argc, char **argv, int i)
{
    return force_option(ctx, "run", argc, argv, i);
}

/* A progress bar on standard error, when it is a terminal. */
typedef struct bar {
    const char *label;
    int shown; /* last percentage drawn, -1 before the first */
} bar;

static int draw_bar(void *user, uint64_t done, uint64_t total)
{
    bar *b = user;
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

static void progress_bar(hsec_scenario *s, bar *b, const char *label)
{
    b->label = label;
    b->shown = -1;
    if (isatty(STDERR_FILENO))
        hsec_scenario_set_progress(s, draw_bar, b);
}

/* Finish a bar that was cut short (an error), so messages start a line. */
static void end_bar(const bar *b)
{
    if (b->shown >= 0 && b->shown < 100)
        fputc('\n', stderr);
}

static int cmd_run(int argc, char **argv)
{
    opts o;
    force f = {NULL, NULL};
    hsec_scenario *s = NULL;
    int rc = start(&o, "run", argc, argv, run_option, &f, &s);
    if (rc)
        return rc;
    unsigned char *mask = NULL;
    if ((rc = force_mask(&mask, &f, s, o.path, "run"))) {
        hsec_scenario_free(s);
        return rc;
    }
    hsec_result *r = NULL;
    bar b;
    progress_bar(s, &b, "run");
    rc = hsec_scenario_run_with(&r, s, mask, hsec_scenario_measure_count(s));
    end_bar(&b);
    free(mask);
    if (rc)
        return run_failed(o.path, s);
    print_warnings(s, r);
    int status;
    if (o.binary) {
        status = 0;
        if ((rc = hsec_doc_save_results(o.out, r, s, (hsec_format)format_of(o.format)))) {
            fprintf(stderr, "hsec: %s\n", hsec_last_errmsg());
            status = EXIT_BAD;
        }
    } else {
        char *doc = NULL;
        size_t len = 0;
        rc = o.text ? text_report(&doc, &len, r, s) : hsec_doc_results_json(&doc, &len, r, s);
        status = emit(&o, rc, doc, len);
    }
    hsec_result_free(r);
    hsec_scenario_free(s);
    return status;
}

static int cmd_compare(int argc, char **argv)
{
    opts o;
    hsec_scenario *s = NULL;
    int rc = start(&o, "compare", argc, argv, NULL, NULL, &s);
    if (rc)
        return rc;
    size_t count = 1 + hsec_scenario_package_count(s);
    if (count == 1) {
        fprintf(stderr, "hsec: %s: compare: the scenario has no packages\n", o.path);
        hsec_scenario_free(s);
        return EXIT_BAD;
    }
    hsec_result **res = calloc(count, sizeof *res);
    if (!res || hsec_scenario_compare(res, count, s)) {
        free(res);
        return run_failed(o.path, s);
    }
    print_warnings(s, res[0]);
    char *doc = NULL;
    size_t len = 0;
    rc = o.text ? text_compare(&doc, &len, res, count, s)
                : hsec_doc_compare_json(&doc, &len, res, count, s);
    int status = emit(&o, rc, doc, len);
    for (size_t i = 0; i < count; i++)
        hsec_result_free(res[i]);
    free(res);
    hsec_scenario_free(s);
    return status;
}

typedef struct optimize_opts {
    double budget;
    bool have_budget, exact;
} optimize_opts;

static int optimize_option(void *ctx, int argc, char **argv, int i)
{
    optimize_opts *o = ctx;
    if (strcmp(argv[i], "--exact") == 0) {
        o->exact = true;
        return 1;
    }
    if (strcmp(argv[i], "--budget") != 0)
        return 0;
    o->have_budget = true;
    return number_option("optimize", argc, argv, i, &o->budget);
}

static int cmd_optimize(int argc, char **argv)
{
    opts o;
    optimize_opts oo = {0, false, false};
    hsec_scenario *s = NULL;
    int rc = parse(&o, "optimize", argc, argv, optimize_option, &oo);
    if (!rc && !oo.have_budget) {
        fprintf(stderr, "hsec: optimize: --budget X is required\n%s", usage);
        rc = EXIT_USAGE;
    }
    if (rc)
        return rc;
    if (!(s = load(o.path)))
        return EXIT_BAD;
    diagnose_and_warn(s);
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *chosen = calloc(nm ? nm : 1, 1), *exact = calloc(nm ? nm : 1, 1);
    double averted = 0, cost = 0, xav = 0, xcost = 0;
    bar b;
    progress_bar(s, &b, "greedy");
    rc = chosen && exact ? hsec_scenario_optimize(chosen, &averted, &cost, nm, s, oo.budget,
                                                  HSEC_SEARCH_GREEDY, NULL)
                         : HSEC_ENOMEM;
    end_bar(&b);
    if (!rc && (oo.exact || nm <= HSEC_SEARCH_CHECK_MAX)) { /* exact checks greedy */
        progress_bar(s, &b, "exact");
        rc = hsec_scenario_optimize(exact, &xav, &xcost, nm, s, oo.budget, HSEC_SEARCH_EXACT,
                                    NULL);
        end_bar(&b);
        if (!rc && oo.exact) {
            memcpy(chosen, exact, nm);
            averted = xav;
            cost = xcost;
        }
    } else {
        free(exact);
        exact = NULL;
    }
    if (rc) {
        free(chosen);
        free(exact);
        return run_failed(o.path, s);
    }
    char *doc = NULL;
    size_t len = 0;
    rc = o.text ? text_choice(&doc, &len, chosen, averted, cost, oo.budget, oo.exact,
                                   exact, xav, xcost, s)
                : hsec_doc_choice_json(&doc, &len, chosen, nm, averted, cost, oo.budget, s);
    int status = emit(&o, rc, doc, len);
    free(chosen);
    free(exact);
    hsec_scenario_free(s);
    return status;
}

typedef struct ensemble_opts {
    double members, threads; /* NaN: not given */
    force f;
} ensemble_opts;

static int ensemble_option(void *ctx, int argc, char **argv, int i)
{
    ensemble_opts *o = ctx;
    int used = force_option(&o->f, "ensemble", argc, argv, i);
    if (used)
        return used;
    double *dst = strcmp(argv[i], "--members") == 0   ? &o->members
                  : strcmp(argv[i], "--threads") == 0 ? &o->threads
                                                      : NULL;
    return dst ? number_option("ensemble", argc, argv, i, dst) : 0;
}

static int cmd_ensemble(int argc, char **argv)
{
    opts o;
    ensemble_opts eo = {NAN, NAN, {NULL, NULL}};
    hsec_scenario *s = NULL;
    int rc = start(&o, "ensemble", argc, argv, ensemble_option, &eo, &s);
    if (rc)
        return rc;
    /* the command line overrides the document; the options check the values */
    if (!isnan(eo.members) && hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, eo.members))
        return run_failed(o.path, s);
    if (!isnan(eo.threads) && hsec_scenario_set_option(s, HSEC_OPT_THREADS, eo.threads))
        return run_failed(o.path, s);
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *mask = NULL; /* NULL: every measure, as the scenario is written */
    if ((rc = force_mask(&mask, &eo.f, s, o.path, "ensemble"))) {
        hsec_scenario_free(s);
        return rc;
    }
    hsec_ensemble *e = NULL;
    bar b;
    progress_bar(s, &b, "ensemble");
    rc = hsec_scenario_ensemble(&e, s, mask, nm);
    end_bar(&b);
    free(mask);
    if (rc)
        return run_failed(o.path, s);
    print_warnings(s, NULL);
    size_t nq;
    const double *qs = hsec_scenario_quantiles(s, &nq);
    char *doc = NULL;
    size_t len = 0;
    rc = o.text ? text_ensemble(&doc, &len, e, qs, nq, s)
                : hsec_doc_ensemble_json(&doc, &len, e, qs, nq, s);
    int status = emit(&o, rc, doc, len);
    hsec_ensemble_free(e);
    hsec_scenario_free(s);
    return status;
}

typedef struct rank_opts {
    size_t top;
    const char *kind, *region;
    force f;
} rank_opts;

/* Is name a --kind: services, groups, a service kind or a dimension? */
static bool rank_kind_ok(const char *name)
{
    int v;
    return strcmp(name, "services") == 0 || strcmp(name, "groups") == 0 ||
           hsec_enum_value(&v, HSEC_ENUM_SERVICE_KIND, name) == HSEC_OK ||
           hsec_enum_value(&v, HSEC_ENUM_DIMENSION, name) == HSEC_OK;
}

static int rank_option(void *ctx, int argc, char **argv, int i)
{
    rank_opts *o = ctx;
    int used = force_option(&o->f, "rank", argc, argv, i);
    if (used)
        return used;
    if (strcmp(argv[i], "--kind") == 0 || strcmp(argv[i], "--region") == 0) {
        bool kind = argv[i][2] == 'k';
        if (i + 1 >= argc) {
            fprintf(stderr, "hsec: rank: %s needs a value\n%s", argv[i], usage);
            return -1;
        }
        if (kind && !rank_kind_ok(argv[i + 1])) {
            fprintf(stderr, "hsec: rank: --kind %s is not services, groups, a service kind "
                    "(energy, water, ...) or a dimension (economic, food, ...)\n%s",
                    argv[i + 1], usage);
            return -1;
        }
        *(kind ? &o->kind : &o->region) = argv[i + 1];
        return 2;
    }
    if (strcmp(argv[i], "--top") != 0)
        return 0;
    char *end = NULL;
    if (i + 1 >= argc || !*argv[i + 1] || argv[i + 1][0] == '-' ||
        (errno = 0, o->top = (size_t)strtoull(argv[i + 1], &end, 10), *end) || errno) {
        fprintf(stderr, "hsec: rank: --top needs a whole number, not %s\n%s",
                i + 1 < argc ? argv[i + 1] : "nothing", usage);
        return -1;
    }
    return 2;
}

/* Is region r (HSEC_NO_INDEX: none) region anc or below it? */
static bool within(const hsec_compiled *c, size_t r, size_t anc)
{
    for (size_t hops = 0; r != HSEC_NO_INDEX && hops <= hsec_compiled_region_count(c); hops++) {
        if (r == anc)
            return true;
        if (hsec_compiled_region_parent(&r, c, r) != HSEC_OK)
            return false;
    }
    return false;
}

/* The nodes --kind and --region select (n bytes), or NULL (every node):
 * 0, or the exit status with the reason printed. */
static int rank_select(unsigned char **sel, const rank_opts *ro, hsec_scenario *s,
                       const char *path)
{
    *sel = NULL;
    if (!ro->kind && !ro->region)
        return 0;
    const hsec_compiled *c = hsec_scenario_compiled(s);
    size_t n = hsec_compiled_node_count(c), region = HSEC_NO_INDEX;
    if (ro->region) {
        size_t nr = hsec_compiled_region_count(c);
        for (region = 0; region < nr; region++)
            if (strcmp(hsec_compiled_region_id(c, region), ro->region) == 0)
                break;
        if (region == nr) {
            fprintf(stderr, "hsec: %s: rank: no region \"%s\"\n", path, ro->region);
            return EXIT_BAD;
        }
    }
    const char *k = ro->kind;
    bool services = k && strcmp(k, "services") == 0, groups = k && strcmp(k, "groups") == 0;
    int kind = -1, dim = -1;
    if (k && !services && !groups && hsec_enum_value(&kind, HSEC_ENUM_SERVICE_KIND, k))
        hsec_enum_value(&dim, HSEC_ENUM_DIMENSION, k); /* rank_kind_ok: one of them */
    unsigned char *m = calloc(n ? n : 1, 1);
    if (!m) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    for (size_t i = 0; i < hsec_compiled_service_count(c); i++) {
        hsec_service_kind sk = HSEC_SERVICE_OTHER;
        size_t reg = HSEC_NO_INDEX, node = 0;
        if (hsec_compiled_service(&sk, &reg, &node, c, i) != HSEC_OK)
            continue;
        bool ok = !k || services || (kind >= 0 && (int)sk == kind);
        m[node] = ok && (!ro->region || within(c, reg, region));
    }
    for (size_t g = 0; g < hsec_compiled_group_count(c); g++) {
        bool here = !ro->region || within(c, hsec_compiled_group_region(c, g), region);
        size_t node = hsec_compiled_group_node(c, g);
        for (int d = 0; d < HSEC_DIM_COUNT; d++)
            m[node + (size_t)d] = here && (!k || groups || d == dim);
    }
    *sel = m;
    return 0;
}

static int cmd_rank(int argc, char **argv)
{
    opts o;
    rank_opts ro = {20, NULL, NULL, {NULL, NULL}};
    hsec_scenario *s = NULL;
    int rc = start(&o, "rank", argc, argv, rank_option, &ro, &s);
    if (rc)
        return rc;
    unsigned char *mask = NULL, *sel = NULL;
    if ((rc = force_mask(&mask, &ro.f, s, o.path, "rank")) ||
        (rc = rank_select(&sel, &ro, s, o.path))) {
        free(mask);
        hsec_scenario_free(s);
        return rc;
    }
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    size_t nm = hsec_scenario_measure_count(s);
    double *u = calloc(n ? 5 * n : 1, sizeof *u), *ix = u + n; /* marginal, then coupling */
    if (!u || hsec_scenario_rank_with(u, n, s, mask, nm) ||
        hsec_scenario_coupling_with(ix, ix + n, ix + 2 * n, ix + 3 * n, n, s, mask, nm)) {
        free(u);
        free(mask);
        free(sel);
        return run_failed(o.path, s);
    }
    diagnose_and_warn(s);
    char *doc = NULL;
    size_t len = 0;
    rc = o.text ? text_rank(&doc, &len, u, ix, n, s, ro.top, sel, mask)
                : hsec_doc_rank_json_with(&doc, &len, u, ix, ix + n, ix + 2 * n, ix + 3 * n, n,
                                          s, ro.top, sel, mask, nm);
    int status = emit(&o, rc, doc, len);
    free(u);
    free(mask);
    free(sel);
    hsec_scenario_free(s);
    return status;
}

static int cmd_convert(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL, *to = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--to") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", argv[i]);
            to = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return usage_error("convert: unknown option %s", argv[i]);
        } else if (!in) {
            in = argv[i];
        } else if (!outp) {
            outp = argv[i];
        } else {
            return usage_error("convert: extra argument %s", argv[i]);
        }
    }
    if (!in || !outp)
        return usage_error("convert: %s", "IN and OUT are required");
    if (!to) { /* by the output's extension */
        const char *dot = strrchr(outp, '.');
        to = !dot ? "" : strcmp(dot, ".json") == 0 ? "json" : strcmp(dot, ".cbor") == 0 ? "cbor"
                        : strcmp(dot, ".hsec") == 0 ? "container-zlib" : "";
        if (!*to)
            return usage_error("convert: give --to json|cbor|container|container-zlib, or an "
                               "OUT ending in .json, .cbor or .hsec (%s)", outp);
    }
    int f = format_of(to);
    if (f < 0)
        return usage_error("convert: --to %s is not json, cbor, container or container-zlib",
                           to);
    hsec_loader *l = NULL;
    if (hsec_loader_new(&l, NULL)) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    int rc = hsec_loader_convert_file(l, in, outp, (hsec_format)f);
    if (rc)
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return rc ? EXIT_BAD : 0;
}

static int cmd_validate(int argc, char **argv)
{
    if (argc != 1)
        return usage_error("validate: %s", "exactly one SCENARIO file is required");
    hsec_scenario *s = load(argv[0]);
    if (!s)
        return EXIT_BAD;
    const hsec_compiled *c = hsec_scenario_compiled(s);
    printf("%s: valid: %zu regions, %zu groups, %zu nodes, %zu links, %zu threats, "
           "%zu measures\n",
           argv[0], hsec_compiled_region_count(c), hsec_compiled_group_count(c),
           hsec_compiled_node_count(c), hsec_compiled_link_count(c),
           hsec_scenario_threat_count(s), hsec_scenario_measure_count(s));
    diagnose_and_warn(s);
    hsec_scenario_free(s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "a command is required");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0) {
        printf("hsec %s\n", hsec_version_string());
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage, stdout);
        fputs("\n", stdout);
        fputs(help, stdout);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "rank") == 0)
        return cmd_rank(argc - 2, argv + 2);
    if (strcmp(cmd, "optimize") == 0)
        return cmd_optimize(argc - 2, argv + 2);
    if (strcmp(cmd, "ensemble") == 0)
        return cmd_ensemble(argc - 2, argv + 2);
    if (strcmp(cmd, "convert") == 0)
        return cmd_convert(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    return usage_error("unknown command %s", cmd);
}
