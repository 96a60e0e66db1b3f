/*
 * hsec: the command-line program, a thin client of the library.
 *
 *   hsec run SCENARIO [--package ID|none | --measures A,B] [--format json|text] [-o FILE]
 *   hsec show RESULTS [--format text|csv|json|html] [-o FILE]
 *   hsec report SCENARIO [--package ID|none | --measures A,B] [--ensemble N] [-o FILE]
 *   hsec compare SCENARIO [--format json|text|csv] [-o FILE]
 *   hsec rank SCENARIO [--top N] [--kind K] [--region R] [--package ID|none | --measures A,B]
 *             [--format json|text] [-o FILE]
 *   hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]
 *   hsec ensemble SCENARIO [--members N] [--threads T] [--package ID|none | --measures A,B]
 *             [--format json|text] [-o FILE]
 *   hsec convert IN OUT [--to json|cbor|container|container-zlib]
 *   hsec validate SCENARIO
 *   hsec merge IN... -o OUT [--to json|cbor|container|container-zlib]
 *   hsec import-csv [--table T] FILE... [--dir DIR] -o OUT [--to FORMAT]
 *   hsec export-csv SCENARIO -o DIR
 *   hsec import-io --flows Z (--final-demand Y | --output X) [--model demand|supply]
 *             [--min-weight W] [--region R] [--shock SECTOR=F ...] [--to FORMAT] [-o FILE]
 *   hsec --version | --help
 * and, before or after any command, --max-memory BYTES.
 *
 * Warnings (hsec_warning) go to standard error as "hsec: warning: ..."; they
 * do not change the exit status: 0 ok, 1 bad input or a failed run, 2 usage
 * error, 130 interrupted (SIGINT, Ctrl-C) before the output was written.
 * Whatever a message echoes (arguments, a document's text) is shown with
 * its control characters escaped (text_shown).
 */
#include "cli.h"
#include "iotable.h"
#include "help.h"
#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char usage[] =
    "usage: hsec run SCENARIO [--package ID|none | --measures A,B]\n"
    "                [--format json|text|csv|cbor|container|container-zlib] [-o FILE]\n"
    "       hsec show RESULTS [--format text|csv|json|html] [-o FILE]\n"
    "       hsec compare SCENARIO [--format json|text|csv] [-o FILE]\n"
    "       hsec report SCENARIO [--package ID|none | --measures A,B] [--ensemble N]\n"
    "                   [-o FILE]\n"
    "       hsec rank SCENARIO [--top N] [--kind K] [--region R]\n"
    "                 [--package ID|none | --measures A,B] [--format json|text] [-o FILE]\n"
    "       hsec optimize SCENARIO --budget X [--exact] [--format json|text] [-o FILE]\n"
    "       hsec ensemble SCENARIO [--members N] [--threads T]\n"
    "                     [--package ID|none | --measures A,B] [--format json|text] [-o FILE]\n"
    "       hsec convert IN OUT [--to json|cbor|container|container-zlib]\n"
    "       hsec validate SCENARIO\n"
    "       hsec merge IN... -o OUT [--to json|cbor|container|container-zlib]\n"
    "       hsec import-csv [--table T] FILE... [--dir DIR] -o OUT [--to FORMAT]\n"
    "       hsec export-csv SCENARIO -o DIR\n"
    "       hsec import-io --flows Z (--final-demand Y | --output X) [--model demand|supply]\n"
    "                      [--min-weight W] [--region R] [--shock SECTOR=F ...]\n"
    "                      [--to json|cbor|container|container-zlib] [-o FILE]\n"
    "       hsec --version\n"
    "       hsec --help\n"
    "any command also takes --max-memory BYTES (K, M, G, T: powers of 1024)\n";

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
    "      --format csv   the nodes, the recorded series and the groups' figures as\n"
    "                     CSV tables (compare, rank and ensemble also take csv)\n"
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
    "  import-io          an economy from an input-output table: a service per\n"
    "                     sector (economic_sector), a link per coefficient; flows Z\n"
    "                     with final demand Y or total output X, as EXIOBASE/pymrio\n"
    "                     tab-separated text or CSV with one label row and column;\n"
    "                     --model demand (default) or supply; --min-weight W drops\n"
    "                     smaller coefficients; --region R places a single-region\n"
    "                     table; --shock SECTOR=F (REGION:SECTOR=F; label or id) a\n"
    "                     threat cutting a fraction F of its final demand (demand)\n"
    "                     or primary inputs (supply); writes a scenario document\n";

/* (more strings: C limits one literal's length) */
static const char help_files[] =
    "  show RESULTS       a saved results document (any encoding) as run printed it,\n"
    "                     from the document alone: --format text (default), csv,\n"
    "                     json or html (the report); comparison, ranking and\n"
    "                     ensemble documents as json or csv\n"
    "  report SCENARIO    one self-contained HTML page to read and print (A4): who is\n"
    "                     hurt most, when and by which order of effect, each group's\n"
    "                     dimensions over time, the burden by order and band, the\n"
    "                     cascade's strongest paths, what each package averts;\n"
    "                     --package ID|none or --measures A,B as for run;\n"
    "                     --ensemble N adds p5-p95 bands from N members; HTML to\n"
    "                     standard output, or -o FILE (replaced atomically)\n"
    "  merge IN... -o OUT one scenario from several documents (an economy, a population,\n"
    "                     threats): lists concatenated, an id or link given twice\n"
    "                     refused unless identical, each setting from one file; OUT\n"
    "                     (by --to or its extension, default JSON) must load\n"
    "  import-csv FILE... a scenario from CSV tables (groups.csv, links.csv, ...; the\n"
    "                     table by the file's name, or --table T for the next FILE;\n"
    "                     --dir DIR: every DIR/*.csv); -o OUT as for merge\n"
    "  export-csv SCENARIO -o DIR  one CSV table per kind (DIR/groups.csv, ...) that\n"
    "                     import-csv reads back to the same document\n";

static const char help_more[] =
    "\n"
    "global option (before or after the command):\n"
    "  --max-memory BYTES the most memory a scenario may take: its compiled model,\n"
    "                     its targets and a run (an ensemble: a run per thread and\n"
    "                     its members' figures); a whole number of bytes, or with K,\n"
    "                     M, G or T for powers of 1024 (16G); default 4G. A scenario\n"
    "                     or run that would take more fails (exit status 1), naming\n"
    "                     what is too large\n"
    "\n"
    "-o FILE: a file is replaced atomically, only when the command succeeds (a\n"
    "symbolic link stays a link, the file it names replaced); a device or a pipe\n"
    "(/dev/null, /dev/stdout) is written directly; a directory is refused.\n"
    "Ctrl-C (SIGINT) stops a command before it writes its output: exit status\n"
    "130, nothing written; once the output is being written, it stops at once,\n"
    "and a file being replaced is left whole, old or new.\n"
    "\n"
    "Every command reads SCENARIO in any encoding (JSON, CBOR, container).\n"
    "Warnings (a threat or measure never in force within the horizon, a measure\n"
    "where no threat's degradation arrives, a group of size 0, recorded series\n"
    "that stay 0) are printed on standard error as \"hsec: warning: ...\"; they\n"
    "are also in the results document and the text report, and do not fail.\n"
    "\n"
    "exit status: 0 ok, 1 bad input or failed run, 2 usage error, 130 interrupted\n";

static const char *region_at(const void *c, size_t i) { return hsec_compiled_region_id(c, i); }
static int run_option(void *ctx, int argc, char **argv, int i)
{
    return force_option(ctx, "run", argc, argv, i);
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
        if (interrupted_before_output()) {
            status = stopped();
        } else if ((rc = hsec_doc_save_results(o.out, r, s,
                                               (hsec_format)format_of(o.format)))) {
            fprintf(stderr, "hsec: %s\n", hsec_last_errmsg());
            status = EXIT_BAD;
        }
    } else {
        char *doc = NULL;
        size_t len = 0;
        char err[256] = "";
        rc = hsec_doc_results_json(&doc, &len, r, s);
        if (!rc && (o.text || o.csv))
            rc = render_tree(&doc, &len, o.text ? text_results : text_csv_results, err,
                             sizeof err);
        status = emit(&o, rc, doc, len);
    }
    hsec_result_free(r);
    hsec_scenario_free(s);
    return status;
}

/* hsec show RESULTS: a saved document as its command printed it, from the
 * document alone (the scenario is not needed): a results document as text
 * (the default), CSV or JSON; a comparison, ranking or ensemble document
 * as JSON or CSV (their text needs the scenario's runs). */
static int cmd_show(int argc, char **argv)
{
    opts o;
    bool given = false, html = false;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args)
        return EXIT_BAD;
    for (int i = 0; i < argc; i++) { /* html: the report's, not parse's */
        args[i] = argv[i];
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--max-memory") == 0) &&
            i + 1 < argc) { /* an option's value is not an option */
            args[i + 1] = argv[i + 1];
            i++;
            continue;
        }
        bool flag = strcmp(argv[i], "--format") == 0 && i + 1 < argc;
        const char *f = flag ? argv[i + 1] : strncmp(argv[i], "--format=", 9) == 0 ? argv[i] + 9
                                                                               : NULL;
        if (!f)
            continue;
        given = true;
        html = strcmp(f, "html") == 0; /* the last --format wins, as for the others */
        if (flag) {
            args[i + 1] = html ? "json" : argv[i + 1];
            i++;
        } else if (html)
            args[i] = "--format=json";
    }
    int rc = parse(&o, "show", argc, args, NULL, NULL);
    free(args);
    if (rc)
        return rc;
    if (!given) /* text unless asked otherwise */
        o.text = true;
    hsec_loader *l = new_loader();
    if (!l)
        return EXIT_BAD;
    char *doc = NULL, err[256] = "";
    size_t len = 0;
    if (html) {
        rc = hsec_doc_report_html_file(&doc, &len, l, o.path, NULL);
        if (rc)
            fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
        hsec_loader_free(l);
        if (rc)
            return interrupted ? stopped() : EXIT_BAD;
        int status = 0;
        if (interrupted_before_output())
            status = stopped();
        else if (o.out)
            status = write_file(o.out, doc, len);
        else if (fwrite(doc, 1, len, stdout) != len || fflush(stdout) != 0) {
            fprintf(stderr, "hsec: writing to standard output: %s\n", strerror(errno));
            status = EXIT_BAD;
        }
        hsec_free_string(doc);
        return status;
    }
    if (hsec_loader_read_json(&doc, &len, l, o.path)) {
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
        hsec_loader_free(l);
        return interrupted ? stopped() : EXIT_BAD;
    }
    hsec_loader_free(l);
    json_error_t je;
    json_t *d = json_loadb(doc, len, JSON_DECODE_INT_AS_REAL, &je);
    const char *kind = doc_kind(d);
    tree_fn fn = !kind ? NULL
                 : strcmp(kind, "results") == 0 ? (o.text ? text_results : text_csv_results)
                 : o.text ? NULL
                 : strcmp(kind, "comparison") == 0 ? text_csv_compare
                 : strcmp(kind, "ensemble") == 0 ? text_csv_ensemble
                 : strcmp(kind, "ranking") == 0 ? text_csv_rank : NULL;
    json_decref(d);
    if (!kind || (!fn && (o.text || o.csv))) {
        if (!kind)
            fprintf(stderr, "hsec: %s: show: not a document that run, compare, rank or "
                    "ensemble writes (a scenario? use hsec run)\n", text_shown(o.path));
        else
            fprintf(stderr, "hsec: %s: show: a %s document shows as json%s; its text "
                    "needs the scenario (hsec %s --format text)\n", text_shown(o.path), kind,
                    strcmp(kind, "choice") == 0 ? "" : " or csv",
                    strcmp(kind, "comparison") == 0 ? "compare"
                    : strcmp(kind, "ranking") == 0  ? "rank"
                    : strcmp(kind, "choice") == 0   ? "optimize" : "ensemble");
        hsec_free_string(doc);
        return EXIT_BAD;
    }
    rc = HSEC_OK;
    if (o.text || o.csv)
        rc = render_tree(&doc, &len, fn, err, sizeof err);
    if (rc == HSEC_EINVAL) {
        fprintf(stderr, "hsec: %s: show: %s\n", text_shown(o.path), text_shown(err));
        return EXIT_BAD;
    }
    return emit(&o, rc, doc, len);
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
        fprintf(stderr, "hsec: %s: compare: the scenario has no packages\n",
                text_shown(o.path));
        hsec_scenario_free(s);
        return EXIT_BAD;
    }
    hsec_result **res = calloc(count, sizeof *res);
    bar b;
    progress_bar(s, &b, "compare");
    rc = res ? hsec_scenario_compare(res, count, s) : HSEC_ENOMEM;
    end_bar(&b);
    if (rc) {
        free(res);
        return run_failed(o.path, s);
    }
    print_warnings(s, res[0]);
    /* each package's averted burden by branch: a run per branch it names */
    double *branches = calloc((count - 1) * HSEC_BRANCH_COUNT, sizeof *branches);
    rc = branches ? HSEC_OK : HSEC_ENOMEM;
    for (size_t p = 0; !rc && p + 1 < count; p++)
        rc = hsec_scenario_compare_branches(branches + p * HSEC_BRANCH_COUNT,
                                            HSEC_BRANCH_COUNT, s, res[0], p);
    if (rc) {
        free(branches);
        for (size_t i = 0; i < count; i++)
            hsec_result_free(res[i]);
        free(res);
        return run_failed(o.path, s);
    }
    int status = compare_output(&o, res, count, s, branches);
    free(branches);
    for (size_t i = 0; i < count; i++)
        hsec_result_free(res[i]);
    free(res);
    hsec_scenario_free(s);
    return status;
}

static int cmd_optimize(int argc, char **argv)
{
    opts o;
    optimize_opts oo = {0, false, false};
    hsec_scenario *s = NULL;
    int rc = optimize_parse(&o, &oo, argc, argv);
    if (rc)
        return rc;
    if (!(s = load(o.path)))
        return interrupted ? stopped() : EXIT_BAD;
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
    int status = optimize_output(&o, &oo, chosen, averted, cost, exact, xav, xcost, s);
    free(chosen);
    free(exact);
    hsec_scenario_free(s);
    return status;
}

static int cmd_ensemble(int argc, char **argv)
{
    opts o;
    ensemble_opts eo = {NAN, NAN, {NULL, NULL}};
    hsec_scenario *s = NULL;
    int rc = start(&o, "ensemble", argc, argv, ensemble_option, &eo, &s);
    if (rc)
        return rc;
    if ((rc = ensemble_settings(&o, &eo, s)))
        return rc;
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
    int status = ensemble_output(&o, e, s);
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

/* rank's kinds: services, groups, the service kinds, the dimensions. */
static const char *rank_kind_at(const void *ctx, size_t i)
{
    (void)ctx;
    if (i < 2)
        return i ? "groups" : "services";
    i -= 2;
    if (i < HSEC_SERVICE_KIND_COUNT)
        return hsec_enum_name(HSEC_ENUM_SERVICE_KIND, (int)i);
    return hsec_enum_name(HSEC_ENUM_DIMENSION, (int)(i - HSEC_SERVICE_KIND_COUNT));
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
                    "(energy, water, ...) or a dimension (economic, food, ...)%s\n%s",
                    text_shown(argv[i + 1]),
                    did_you_mean(argv[i + 1], NULL, 2 + HSEC_SERVICE_KIND_COUNT + HSEC_DIM_COUNT,
                                 rank_kind_at), usage);
            return -1;
        }
        *(kind ? &o->kind : &o->region) = argv[i + 1];
        return 2;
    }
    if (strcmp(argv[i], "--top") != 0)
        return 0;
    double top; /* up to 2^53: every count a model can have */
    used = number_option("rank", argc, argv, i, &top, true, 0, 9007199254740992.0);
    if (used > 0)
        o->top = top < (double)SIZE_MAX ? (size_t)top : SIZE_MAX;
    return used;
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
            fprintf(stderr, "hsec: %s: rank: no region \"%s\"%s\n", text_shown(path),
                    text_shown(ro->region), did_you_mean(ro->region, c, nr, region_at));
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
    bar b;
    progress_bar(s, &b, "rank");
    rc = !u ? HSEC_ENOMEM : hsec_scenario_rank_with(u, n, s, mask, nm);
    if (!rc)
        rc = hsec_scenario_coupling_with(ix, ix + n, ix + 2 * n, ix + 3 * n, n, s, mask, nm);
    end_bar(&b);
    if (rc) {
        free(u);
        free(mask);
        free(sel);
        return run_failed(o.path, s);
    }
    diagnose_and_warn(s);
    char *doc = NULL;
    size_t len = 0;
    rc = hsec_doc_rank_json_with(&doc, &len, u, ix, ix + n, ix + 2 * n, ix + 3 * n, n, s,
                                 ro.top, sel, mask, nm);
    if (!rc && o.text && drop(&doc))
        rc = text_rank(&doc, &len, u, ix, n, s, ro.top, sel, mask);
    char err[256] = "";
    if (!rc && o.csv)
        rc = render_tree(&doc, &len, text_csv_rank, err, sizeof err);
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
        int used = memory_option(argc, argv, i);
        if (used < 0)
            return EXIT_USAGE;
        if (used) {
            i += used - 1;
        } else if (strcmp(argv[i], "--to") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", argv[i]);
            to = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return unknown_option("convert", argv[i]);
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
    hsec_loader *l = new_loader();
    if (!l)
        return EXIT_BAD;
    /* one call reads and writes: a Ctrl-C during it stops the program, and
     * OUT stays as it was */
    if (interrupted_before_output()) {
        hsec_loader_free(l);
        return stopped();
    }
    int rc = hsec_loader_convert_file(l, in, outp, (hsec_format)f);
    if (rc)
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return rc ? EXIT_BAD : 0;
}

/* --to's format, or OUT's extension's (.json, .cbor, .hsec), else JSON; -1 a
 * usage error (reported). */
static int output_format(const char *cmd, const char *to, const char *outp)
{
    if (!to) {
        const char *dot = strrchr(outp, '.');
        return dot && strcmp(dot, ".cbor") == 0   ? HSEC_FORMAT_CBOR
               : dot && strcmp(dot, ".hsec") == 0 ? HSEC_FORMAT_CONTAINER_ZLIB
                                                  : HSEC_FORMAT_JSON;
    }
    int f = format_of(to);
    if (f < 0) {
        fprintf(stderr, "hsec: %s: --to %s is not json, cbor, container or container-zlib\n%s",
                cmd, text_shown(to), usage);
        return -1;
    }
    return f;
}

static int by_name(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* hsec merge IN... -o OUT [--to F]: the library merges, reads and writes in
 * one call. */
static int cmd_merge(int argc, char **argv)
{
    const char *outp = NULL, *to = NULL;
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    size_t n = 0;
    if (!in) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    int status = 0;
    for (int i = 0; i < argc && !status; i++) {
        int used = memory_option(argc, argv, i);
        if (used < 0)
            status = EXIT_USAGE;
        else if (used)
            i += used - 1;
        else if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--to") == 0) {
            if (i + 1 >= argc)
                status = usage_error("merge: %s needs a value", argv[i]);
            else if (argv[i][1] == 'o')
                outp = argv[++i];
            else
                to = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            status = unknown_option("merge", argv[i]);
        } else {
            in[n++] = argv[i];
        }
    }
    if (!status && (!n || !outp))
        status = usage_error("merge: %s", !n ? "at least one input file is required"
                                             : "-o OUT is required");
    int f = status ? 0 : output_format("merge", to, outp);
    if (f < 0)
        status = EXIT_USAGE;
    hsec_loader *l = status ? NULL : new_loader();
    if (!status && !l)
        status = EXIT_BAD;
    if (!status && interrupted_before_output())
        status = stopped();
    if (!status && hsec_loader_merge_files(l, in, n, outp, (hsec_format)f)) {
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
        status = EXIT_BAD;
    }
    hsec_loader_free(l);
    free(in);
    return status;
}

/* Append DIR's *.csv files, by name, to in[] (each path kept in owned[]). */
static int add_dir(const char ***in, const char ***tables, size_t *n, const char *dir,
                   char ***owned, size_t *nowned)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "hsec: import-csv: %s: %s\n", text_shown(dir), strerror(errno));
        return EXIT_BAD;
    }
    size_t first = *nowned;
    int status = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0 || e->d_name[0] == '.')
            continue;
        char **o = realloc(*owned, (*nowned + 1) * sizeof *o);
        char *path = malloc(strlen(dir) + len + 2);
        if (o)
            *owned = o;
        if (!o || !path) {
            free(path);
            fprintf(stderr, "hsec: out of memory\n");
            status = EXIT_BAD;
            break;
        }
        sprintf(path, "%s/%s", dir, e->d_name);
        (*owned)[(*nowned)++] = path;
    }
    closedir(d);
    if (status)
        return status;
    if (*nowned == first) {
        fprintf(stderr, "hsec: import-csv: %s: no .csv file\n", text_shown(dir));
        return EXIT_BAD;
    }
    qsort(*owned + first, *nowned - first, sizeof **owned, by_name);
    size_t more = *nowned - first;
    const char **i2 = realloc((void *)*in, (*n + more + 1) * sizeof *i2);
    if (i2)
        *in = i2;
    const char **t2 = i2 ? realloc((void *)*tables, (*n + more + 1) * sizeof *t2) : NULL;
    if (t2)
        *tables = t2;
    if (!i2 || !t2) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    for (size_t k = first; k < *nowned; k++) {
        (*in)[*n] = (*owned)[k];
        (*tables)[(*n)++] = NULL;
    }
    return 0;
}

/* hsec import-csv [--table T] FILE... [--dir DIR] -o OUT [--to F] */
static int cmd_import_csv(int argc, char **argv)
{
    const char *outp = NULL, *to = NULL, *table = NULL;
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    const char **tables = calloc((size_t)argc + 1, sizeof *tables);
    char **owned = NULL;
    size_t n = 0, nowned = 0;
    int status = in && tables ? 0 : EXIT_BAD;
    if (status)
        fprintf(stderr, "hsec: out of memory\n");
    for (int i = 0; i < argc && !status; i++) {
        int used = memory_option(argc, argv, i);
        if (used < 0)
            status = EXIT_USAGE;
        else if (used)
            i += used - 1;
        else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--to") ||
                 !strcmp(argv[i], "--table") || !strcmp(argv[i], "--dir")) {
            if (i + 1 >= argc)
                status = usage_error("import-csv: %s needs a value", argv[i]);
            else if (!strcmp(argv[i], "-o"))
                outp = argv[++i];
            else if (!strcmp(argv[i], "--to"))
                to = argv[++i];
            else if (!strcmp(argv[i], "--table"))
                table = argv[++i];
            else
                status = add_dir(&in, &tables, &n, argv[++i], &owned, &nowned);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            status = unknown_option("import-csv", argv[i]);
        } else {
            in[n] = argv[i];
            tables[n++] = table; /* --table names the next file's table */
            table = NULL;
        }
    }
    if (!status && table)
        status = usage_error("import-csv: --table %s names the table of a FILE after it",
                             table);
    if (!status && (!n || !outp))
        status = usage_error("import-csv: %s", !n ? "a CSV file (or --dir DIR) is required"
                                                  : "-o OUT is required");
    int f = status ? 0 : output_format("import-csv", to, outp);
    if (f < 0)
        status = EXIT_USAGE;
    hsec_loader *l = status ? NULL : new_loader();
    if (!status && !l)
        status = EXIT_BAD;
    if (!status && interrupted_before_output())
        status = stopped();
    if (!status && hsec_loader_import_csv(l, in, tables, n, outp, (hsec_format)f)) {
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
        status = EXIT_BAD;
    }
    hsec_loader_free(l);
    for (size_t k = 0; k < nowned; k++)
        free(owned[k]);
    free(owned);
    free((void *)in);
    free((void *)tables);
    return status;
}

/* hsec export-csv SCENARIO -o DIR */
static int cmd_export_csv(int argc, char **argv)
{
    const char *in = NULL, *dir = NULL;
    for (int i = 0; i < argc; i++) {
        int used = memory_option(argc, argv, i);
        if (used < 0)
            return EXIT_USAGE;
        if (used) {
            i += used - 1;
        } else if (strcmp(argv[i], "-o") == 0) {
            if (i + 1 >= argc)
                return usage_error("export-csv: %s needs a value", argv[i]);
            dir = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return unknown_option("export-csv", argv[i]);
        } else if (in) {
            return usage_error("export-csv: extra argument %s", argv[i]);
        } else {
            in = argv[i];
        }
    }
    if (!in || !dir)
        return usage_error("export-csv: %s", !in ? "a SCENARIO file is required"
                                                 : "-o DIR is required");
    hsec_loader *l = new_loader();
    if (!l)
        return EXIT_BAD;
    if (interrupted_before_output()) {
        hsec_loader_free(l);
        return stopped();
    }
    int rc = hsec_loader_export_csv(l, in, dir);
    if (rc)
        fprintf(stderr, "hsec: %s\n", hsec_loader_errmsg(l));
    hsec_loader_free(l);
    return rc ? EXIT_BAD : 0;
}

static int cmd_validate(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        int used = memory_option(argc, argv, i);
        if (used < 0)
            return EXIT_USAGE;
        if (used)
            i += used - 1;
        else if (path || (argv[i][0] == '-' && argv[i][1]))
            return usage_error("validate: exactly one SCENARIO file is required (%s)", argv[i]);
        else
            path = argv[i];
    }
    if (!path)
        return usage_error("validate: %s", "exactly one SCENARIO file is required");
    hsec_scenario *s = load(path);
    if (!s)
        return interrupted ? stopped() : EXIT_BAD;
    if (interrupted_before_output()) {
        hsec_scenario_free(s);
        return stopped();
    }
    const hsec_compiled *c = hsec_scenario_compiled(s);
    printf("%s: valid: %zu regions, %zu groups, %zu nodes, %zu links, %zu threats, "
           "%zu measures\n",
           text_shown(path), hsec_compiled_region_count(c), hsec_compiled_group_count(c),
           hsec_compiled_node_count(c), hsec_compiled_link_count(c),
           hsec_scenario_threat_count(s), hsec_scenario_measure_count(s));
    diagnose_and_warn(s);
    hsec_scenario_free(s);
    return 0;
}

/* ---- import-io: an economy from an input-output table (iotable.c) */

typedef struct shock {
    const char *name; /* a sector's id or label, as given */
    double f;         /* the fraction cut */
    long sector;      /* its index in the table */
} shock;

/* --shock NAME=F into *sh: false (a usage error, reported) when F is not a
 * number in [0,1] or NAME is empty. NAME ends at the last '=' (labels may
 * hold one). */
static bool parse_shock(shock *sh, char *spec)
{
    char *eq = strrchr(spec, '='), *end = NULL;
    double f = eq && decimal(eq + 1) ? strtod(eq + 1, &end) : NAN;
    if (!eq || eq == spec || !end || *end || !(f >= 0 && f <= 1)) {
        fprintf(stderr, "hsec: import-io: --shock %s: not SECTOR=F with F a fraction in "
                "[0,1] (REGION:SECTOR=F for a multi-regional table)\n%s", text_shown(spec),
                usage);
        return false;
    }
    *eq = '\0';
    sh->name = spec;
    sh->f = f;
    return true;
}

/* The threats of the shocks: "shock_<id>" (cut to an id's 64 characters,
 * "_2", "_3", ... when that is taken), actor unknown, magnitude F x base. */
static int add_shocks(hsec_scenario *s, const shock *sh, size_t nshock, const char *const *ids,
                      const double *base)
{
    for (size_t k = 0; k < nshock; k++) {
        const char *id = ids[sh[k].sector];
        char tid[65];
        int rc = HSEC_EEXIST;
        for (unsigned try = 1; rc == HSEC_EEXIST; try++) {
            char suffix[16] = "";
            if (try > 1)
                snprintf(suffix, sizeof suffix, "_%u", try);
            snprintf(tid, sizeof tid, "shock_%.*s%s", (int)(58 - strlen(suffix)), id, suffix);
            rc = hsec_scenario_add_threat(s, tid, HSEC_THREAT_UNKNOWN);
        }
        if (!rc)
            rc = hsec_scenario_add_threat_target(s, tid, id, sh[k].f * base[sh[k].sector]);
        if (rc) {
            fprintf(stderr, "hsec: import-io: --shock %s: %s\n", text_shown(sh[k].name),
                    text_shown(hsec_scenario_errmsg(s)));
            return EXIT_BAD;
        }
    }
    return 0;
}

/* Each shock's sector found and its magnitude checked: 0 or EXIT_BAD. */
static int resolve_shocks(shock *sh, size_t nshock, const iotable *t, const char *const *ids,
                          const double *base, bool supply)
{
    for (size_t k = 0; k < nshock; k++) {
        const char *name = text_shown(sh[k].name);
        long i = iotable_find(t, ids, sh[k].name);
        if (i < 0) {
            fprintf(stderr, "hsec: import-io: --shock %s: %s\n", name,
                    i == -2 ? "several sectors have that label; give the id"
                            : "no sector has that id or label");
            return EXIT_BAD;
        }
        if (!ids[i]) {
            fprintf(stderr, "hsec: import-io: --shock %s: the sector was dropped (no flows, "
                    "no final demand)\n", name);
            return EXIT_BAD;
        }
        for (size_t j = 0; j < k; j++)
            if (sh[j].sector == i) {
                fprintf(stderr, "hsec: import-io: --shock %s: sector %s is shocked twice\n",
                        name, text_shown(ids[i]));
                return EXIT_BAD;
            }
        sh[k].sector = i;
        double mag = sh[k].f * base[i];
        if (!(mag >= 0 && mag <= 1)) {
            fprintf(stderr, "hsec: import-io: --shock %s: magnitude %.17g (%.17g x %s %.17g) "
                    "is not in [0,1]\n", name, mag, sh[k].f,
                    supply ? "value added over output" : "final demand over output", base[i]);
            return EXIT_BAD;
        }
    }
    return 0;
}

/* Whether import-io's option o (one that takes a value, --shock aside)
 * was given before. */
static bool given_twice(const char *o, const char *zp, const char *yp, const char *xp,
                        const char *region, const char *to, const char *out, bool model)
{
    return (!strcmp(o, "--flows") && zp) || (!strcmp(o, "--final-demand") && yp) ||
           (!strcmp(o, "--output") && xp) || (!strcmp(o, "--region") && region) ||
           (!strcmp(o, "--to") && to) || (!strcmp(o, "-o") && out) ||
           (!strcmp(o, "--model") && model);
}

static int cmd_import_io(int argc, char **argv)
{
    const char *zp = NULL, *yp = NULL, *xp = NULL, *out = NULL, *to = NULL, *region = NULL;
    hsec_io_model model = HSEC_IO_DEMAND;
    bool model_given = false, minw_given = false;
    double minw = 0;
    size_t nshock = 0;
    shock *sh = calloc((size_t)argc + 1, sizeof *sh);
    if (!sh) {
        fprintf(stderr, "hsec: out of memory\n");
        return EXIT_BAD;
    }
    int status = 0;
    for (int i = 0; i < argc && !status; i++) {
        int used = memory_option(argc, argv, i);
        const char *o = argv[i];
        if (used < 0) {
            status = EXIT_USAGE;
        } else if (used) {
            i += used - 1;
        } else if (strcmp(o, "--min-weight") == 0) {
            if (minw_given)
                status = usage_error("import-io: %s is given twice", o);
            else if (number_option("import-io", argc, argv, i, &minw, false, 0, 1) < 0)
                status = EXIT_USAGE;
            minw_given = true;
            i++;
        } else if (strcmp(o, "--flows") && strcmp(o, "--final-demand") && strcmp(o, "--output") &&
                   strcmp(o, "--model") && strcmp(o, "--region") && strcmp(o, "--shock") &&
                   strcmp(o, "--to") && strcmp(o, "-o")) {
            status = unknown_option("import-io", o);
        } else if (i + 1 >= argc) {
            status = usage_error("import-io: %s needs a value", o);
        } else if (strcmp(o, "--shock") && given_twice(o, zp, yp, xp, region, to, out,
                                                        model_given)) {
            status = usage_error("import-io: %s is given twice", o);
        } else {
            char *v = argv[++i];
            model_given = model_given || strcmp(o, "--model") == 0;
            if (strcmp(o, "--flows") == 0)
                zp = v;
            else if (strcmp(o, "--final-demand") == 0)
                yp = v;
            else if (strcmp(o, "--output") == 0)
                xp = v;
            else if (strcmp(o, "--region") == 0)
                region = v;
            else if (strcmp(o, "--to") == 0)
                to = v;
            else if (strcmp(o, "-o") == 0)
                out = v;
            else if (strcmp(o, "--shock") == 0)
                status = parse_shock(&sh[nshock++], v) ? 0 : EXIT_USAGE;
            else if (strcmp(v, "demand") == 0 || strcmp(v, "supply") == 0)
                model = v[0] == 's' ? HSEC_IO_SUPPLY : HSEC_IO_DEMAND;
            else
                status = usage_error("import-io: --model %s is not demand or supply", v);
        }
    }
    if (!status && !zp)
        status = usage_error("import-io: %s", "--flows Z is required");
    if (!status && !yp == !xp)
        status = usage_error("import-io: %s", "give --final-demand Y or --output X (one)");
    int format = HSEC_FORMAT_JSON;
    if (!status && !to && out) { /* by the output's extension; JSON otherwise */
        const char *dot = strrchr(out, '.');
        to = dot && strcmp(dot, ".cbor") == 0 ? "cbor"
             : dot && strcmp(dot, ".hsec") == 0 ? "container-zlib" : "json";
    }
    if (!status && to && (format = format_of(to)) < 0)
        status = usage_error("import-io: --to %s is not json, cbor, container or "
                             "container-zlib", to);
    if (!status && format != HSEC_FORMAT_JSON && !out)
        status = usage_error("import-io: --to %s writes a binary file: give -o FILE", to);
    if (status) {
        free(sh);
        return status;
    }

    iotable t;
    char err[1024];
    hsec_model *m = NULL;
    hsec_compiled *c = NULL;
    hsec_scenario *s = NULL;
    const char **ids = NULL;
    double *base = NULL;
    status = EXIT_BAD;
    if (iotable_read(&t, zp, yp, xp, err, sizeof err)) {
        fprintf(stderr, "hsec: %s\n", text_shown(err));
        free(sh);
        return interrupted ? stopped() : EXIT_BAD;
    }
    ids = calloc(t.n, sizeof *ids);
    base = calloc(t.n, sizeof *base);
    if (!ids || !base || hsec_model_new(&m, NULL)) {
        fprintf(stderr, "hsec: out of memory\n");
        goto done;
    }
    if (max_memory && hsec_model_set_limit(m, HSEC_LIMIT_MEMORY, max_memory)) {
        fprintf(stderr, "hsec: --max-memory: %s\n", hsec_model_errmsg(m));
        goto done;
    }
    hsec_io_table tab = {.version = HSEC_IO_TABLE_VERSION};
    tab.n = t.n;
    tab.z = t.z;
    tab.x = t.x;
    tab.y = t.y;
    tab.k = 2; /* per row: the sums of the positive and of the negative entries */
    tab.sectors = (const char *const *)t.sectors;
    tab.regions = (const char *const *)t.regions;
    tab.region = region;
    tab.model = model;
    tab.min_weight = minw;
    if (hsec_model_add_io_table(ids, base, t.n, m, &tab)) {
        fprintf(stderr, "hsec: %s: %s\n", text_shown(zp), text_shown(hsec_model_errmsg(m)));
        goto done;
    }
    for (size_t i = 0; i < t.n; i++)
        if (!ids[i])
            fprintf(stderr, "hsec: warning: %s: sector %s%s%s (row %zu) has no flows and no "
                    "final demand: dropped\n", text_shown(zp),
                    t.regions ? text_shown(t.regions[i]) : "", t.regions ? ":" : "",
                    text_shown(t.sectors[i]), i + 1);
    size_t kept = 0;
    for (size_t i = 0; i < t.n; i++)
        kept += ids[i] != NULL;
    if (!kept) {
        fprintf(stderr, "hsec: %s: no sector has flows or final demand: nothing to import\n",
                text_shown(zp));
        goto done;
    }
    if (resolve_shocks(sh, nshock, &t, ids, base, model == HSEC_IO_SUPPLY))
        goto done;
    if (hsec_model_compile(&c, m) || hsec_scenario_new(&s, c)) {
        fprintf(stderr, "hsec: %s: %s\n", text_shown(zp),
                text_shown(c ? hsec_last_errmsg() : hsec_model_errmsg(m)));
        goto done;
    }
    if (add_shocks(s, sh, nshock, ids, base))
        goto done;
    if (interrupted_before_output()) {
        status = stopped();
        goto done;
    }
    /* a part to merge: no settings, which the population's file carries */
    if (hsec_doc_save_part(out ? out : "/dev/stdout", s, (hsec_format)format)) {
        fprintf(stderr, "hsec: %s\n", text_shown(hsec_last_errmsg()));
        goto done;
    }
    status = 0;
done:
    hsec_scenario_free(s);
    hsec_compiled_free(c);
    hsec_model_free(m);
    free(ids);
    free(base);
    free(sh);
    iotable_free(&t);
    return status;
}

/* ---- report: the HTML page (hsec_doc_report_html) */

typedef struct report_opts {
    double members; /* NaN: no ensemble */
    force f;
} report_opts;

static int report_option(void *ctx, int argc, char **argv, int i)
{
    report_opts *ro = ctx;
    int used = force_option(&ro->f, "report", argc, argv, i);
    if (used)
        return used;
    if (strcmp(argv[i], "--format") == 0 || strncmp(argv[i], "--format=", 9) == 0) {
        fprintf(stderr, "hsec: report: writes HTML only (no --format)\n%s", usage);
        return -1;
    }
    if (strcmp(argv[i], "--ensemble") != 0)
        return 0;
    double lo, hi;
    hsec_option_bounds(&lo, &hi, HSEC_OPT_MEMBERS);
    return number_option("report", argc, argv, i, &ro->members, true, lo, hi);
}

static int cmd_report(int argc, char **argv)
{
    opts o;
    report_opts ro = {NAN, {NULL, NULL}};
    hsec_scenario *s = NULL;
    int rc = start(&o, "report", argc, argv, report_option, &ro, &s);
    if (rc)
        return rc;
    unsigned char *mask = NULL;
    if ((rc = force_mask(&mask, &ro.f, s, o.path, "report"))) {
        hsec_scenario_free(s);
        return rc;
    }
    diagnose_and_warn(s);
    /* the page's title: the scenario file's name */
    const char *base = strrchr(o.path, '/');
    base = base ? base + 1 : o.path;
    char title[300];
    snprintf(title, sizeof title, "Human security report: %s", base);
    bar b;
    b.label = "report";
    b.shown = -1;
    b.draw = isatty(STDERR_FILENO) != 0;
    hsec_report_options ropt = HSEC_REPORT_OPTIONS_INIT;
    ropt.title = title;
    ropt.mask = mask;
    ropt.mask_len = hsec_scenario_measure_count(s);
    ropt.ensemble_members = isnan(ro.members) ? 0 : (uint64_t)ro.members;
    ropt.progress = draw_bar;
    ropt.progress_user = &b;
    char *html = NULL;
    size_t len = 0;
    rc = hsec_doc_report_html(&html, &len, s, &ropt);
    end_bar(&b);
    free(mask);
    int status = 0;
    if (interrupted_before_output() || rc == HSEC_ECANCELED) {
        status = stopped();
    } else if (rc) {
        fprintf(stderr, "hsec: %s: %s\n", text_shown(o.path), text_shown(hsec_last_errmsg()));
        status = EXIT_BAD;
    } else if (o.out) {
        status = write_file(o.out, html, len);
    } else if (fwrite(html, 1, len, stdout) != len || fflush(stdout) != 0) {
        fprintf(stderr, "hsec: writing to standard output: %s\n", strerror(errno));
        status = EXIT_BAD;
    }
    hsec_free_string(html);
    hsec_scenario_free(s);
    return status;
}

int main(int argc, char **argv)
{
    int first = 1; /* the command, after the global options */
    for (int used; first < argc && (used = memory_option(argc, argv, first)) != 0;)
        if (used < 0)
            return EXIT_USAGE;
        else
            first += used;
    argc -= first - 1;
    argv += first - 1;
    if (argc < 2)
        return usage_error("%s", "a command is required");
    const char *cmd = argv[1];
    catch_interrupt();
    if (strcmp(cmd, "--version") == 0) {
        printf("hsec %s\n", hsec_version_string());
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage, stdout);
        fputs("\n", stdout);
        fputs(help, stdout);
        fputs(help_files, stdout);
        fputs(help_more, stdout);
        return 0;
    }
    if (help_asked(argc - 2, argv + 2) && help_command(cmd) == 0)
        return 0;
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0)
        return cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "show") == 0)
        return cmd_show(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
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
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 2, argv + 2);
    if (strcmp(cmd, "import-csv") == 0)
        return cmd_import_csv(argc - 2, argv + 2);
    if (strcmp(cmd, "export-csv") == 0)
        return cmd_export_csv(argc - 2, argv + 2);
    if (strcmp(cmd, "import-io") == 0)
        return cmd_import_io(argc - 2, argv + 2);
    const char *near = help_nearest_command(cmd);
    fprintf(stderr, "hsec: unknown command %s", text_shown(cmd));
    if (near)
        fprintf(stderr, " (did you mean %s?)", near);
    fprintf(stderr, "\n%s", usage);
    return EXIT_USAGE;
}
