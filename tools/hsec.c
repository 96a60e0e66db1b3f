/*
 * hsec: the command-line program, a thin client of the library.
 *
 *   hsec run SCENARIO [--format json|text] [-o FILE]
 *   hsec compare SCENARIO [--format json|text] [-o FILE]
 *   hsec rank SCENARIO [--top N] [--format json|text] [-o FILE]
 *   hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]
 *   hsec ensemble SCENARIO [--members N] [--threads T] [--package ID|none] [--format json|text] [-o FILE]
 *   hsec convert IN OUT [--to json|cbor|container|container-zlib]
 *   hsec validate SCENARIO
 *   hsec --version | --help
 *
 * Exit status: 0 ok, 1 bad input or a failed run, 2 usage error.
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
    "usage: hsec run SCENARIO [--format json|text|cbor|container|container-zlib] [-o FILE]\n"
    "       hsec compare SCENARIO [--format json|text] [-o FILE]\n"
    "       hsec rank SCENARIO [--top N] [--format json|text] [-o FILE]\n"
    "       hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]\n"
    "       hsec ensemble SCENARIO [--members N] [--threads T] [--package ID|none]\n"
    "                     [--format json|text] [-o FILE]\n"
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
    "      --format text  a readable summary: insecurity, phase and orders of\n"
    "                     effect per group and dimension; burden by actor\n"
    "      -o FILE        write to FILE (replaced only when the run succeeds)\n"
    "  compare SCENARIO   run the no-measure baseline and each package of measures;\n"
    "                     the burden each package averts, by band, order, group and\n"
    "                     region, and per unit cost\n"
    "  rank SCENARIO      where to protect: the equilibrium burden one unit of\n"
    "                     degradation at each node causes (adjoint solve), with\n"
    "                     dependency and influence indices; --top N (default 20, 0 all)\n"
    "  optimize SCENARIO  choose measures within --budget X to avert the most burden:\n"
    "                     greedy on averted burden per unit cost, checked by an exact\n"
    "                     search when there are 12 measures or fewer; --exact reports\n"
    "                     the exact choice (at most 24 measures)\n"
    "  ensemble SCENARIO  run many members with the document's uncertainty ranges;\n"
    "                     quantiles (default p5, p50, p95) of the burden, the groups'\n"
    "                     indices and the recorded nodes; --members N (default 100),\n"
    "                     --threads T (default one per processor; results do not\n"
    "                     depend on it); --package ID: only that package's measures\n"
    "                     in force (none: no measure; default: every measure)\n"
    "      --format cbor, container, container-zlib: the results document in CBOR or\n"
    "                     the checksummed container (needs -o FILE)\n"
    "  convert IN OUT     re-encode a document (scenario or results): JSON, CBOR, or\n"
    "                     the container, by --to or OUT's extension (.json, .cbor,\n"
    "                     .hsec: compressed container); OUT is replaced atomically\n"
    "  validate SCENARIO  check a scenario document without running it\n"
    "\n"
    "Every command reads SCENARIO in any encoding (JSON, CBOR, container).\n"
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
    hsec_scenario *s = NULL;
    int rc = start(&o, "run", argc, argv, NULL, NULL, &s);
    if (rc)
        return rc;
    hsec_result *r = NULL;
    bar b;
    progress_bar(s, &b, "run");
    rc = hsec_scenario_run(&r, s);
    end_bar(&b);
    if (rc)
        return run_failed(o.path, s);
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
    const char *package;
} ensemble_opts;

static int ensemble_option(void *ctx, int argc, char **argv, int i)
{
    ensemble_opts *o = ctx;
    if (strcmp(argv[i], "--package") == 0) {
        if (i + 1 >= argc) {
            fprintf(stderr, "hsec: ensemble: --package needs a package id or none\n%s", usage);
            return -1;
        }
        o->package = argv[i + 1];
        return 2;
    }
    double *dst = strcmp(argv[i], "--members") == 0   ? &o->members
                  : strcmp(argv[i], "--threads") == 0 ? &o->threads
                                                      : NULL;
    return dst ? number_option("ensemble", argc, argv, i, dst) : 0;
}

static int cmd_ensemble(int argc, char **argv)
{
    opts o;
    ensemble_opts eo = {NAN, NAN, NULL};
    hsec_scenario *s = NULL;
    int rc = start(&o, "ensemble", argc, argv, ensemble_option, &eo, &s);
    if (rc)
        return rc;
    /* the command line overrides the document; the options check the values */
    if (!isnan(eo.members) && hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, eo.members))
        return run_failed(o.path, s);
    if (!isnan(eo.threads) && hsec_scenario_set_option(s, HSEC_OPT_THREADS, eo.threads))
        return run_failed(o.path, s);
    size_t nm = hsec_scenario_measure_count(s), p = 0;
    unsigned char *mask = NULL; /* NULL: every measure, as the scenario is written */
    if (eo.package) {
        if (!(mask = calloc(nm ? nm : 1, 1))) {
            fprintf(stderr, "hsec: out of memory\n");
            hsec_scenario_free(s);
            return EXIT_BAD;
        }
        while (p < hsec_scenario_package_count(s) &&
               strcmp(hsec_scenario_package_id(s, p), eo.package) != 0)
            p++;
        if (p < hsec_scenario_package_count(s)) {
            hsec_scenario_package_mask(mask, nm, s, p);
        } else if (strcmp(eo.package, "none") != 0) {
            fprintf(stderr, "hsec: %s: ensemble: no package \"%s\" (or none, for no measure)\n",
                    o.path, eo.package);
            free(mask);
            hsec_scenario_free(s);
            return EXIT_BAD;
        }
    }
    hsec_ensemble *e = NULL;
    bar b;
    progress_bar(s, &b, "ensemble");
    rc = hsec_scenario_ensemble(&e, s, mask, nm);
    end_bar(&b);
    free(mask);
    if (rc)
        return run_failed(o.path, s);
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

static int top_option(void *ctx, int argc, char **argv, int i)
{
    size_t *top = ctx;
    if (strcmp(argv[i], "--top") != 0)
        return 0;
    char *end = NULL;
    if (i + 1 >= argc || !*argv[i + 1] || argv[i + 1][0] == '-' ||
        (errno = 0, *top = (size_t)strtoull(argv[i + 1], &end, 10), *end) || errno) {
        fprintf(stderr, "hsec: rank: --top needs a whole number, not %s\n%s",
                i + 1 < argc ? argv[i + 1] : "nothing", usage);
        return -1;
    }
    return 2;
}

static int cmd_rank(int argc, char **argv)
{
    opts o;
    size_t top = 20;
    hsec_scenario *s = NULL;
    int rc = start(&o, "rank", argc, argv, top_option, &top, &s);
    if (rc)
        return rc;
    size_t n = hsec_compiled_node_count(hsec_scenario_compiled(s));
    double *u = calloc(n ? 5 * n : 1, sizeof *u), *ix = u + n; /* marginal, then coupling */
    if (!u || hsec_scenario_rank(u, n, s) ||
        hsec_scenario_coupling(ix, ix + n, ix + 2 * n, ix + 3 * n, n, s)) {
        free(u);
        return run_failed(o.path, s);
    }
    char *doc = NULL;
    size_t len = 0;
    rc = o.text ? text_rank(&doc, &len, u, ix, n, s, top)
                : hsec_doc_rank_json(&doc, &len, u, ix, ix + n, ix + 2 * n, ix + 3 * n, n, s,
                                     top);
    int status = emit(&o, rc, doc, len);
    free(u);
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
