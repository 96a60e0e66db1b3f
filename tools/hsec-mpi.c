/*
 * hsec-mpi: hsec's ensemble, compare and optimize spread over MPI ranks,
 * writing exactly, byte for byte, what hsec writes for the same options
 * (doc/distributed.md).
 *
 *   mpirun -n N hsec-mpi ensemble SCENARIO [hsec ensemble's options]
 *   mpirun -n N hsec-mpi compare SCENARIO [hsec compare's options]
 *   mpirun -n N hsec-mpi optimize SCENARIO --budget X [--exact] [...]
 *
 * Rank 0 reads the scenario file and broadcasts its bytes; every rank
 * loads them and runs a balanced, contiguous share: members (ensemble),
 * subset numbers (the exact search; the greedy one on rank 0), or the
 * packages' runs per staff branch (compare; rank 0 runs the baseline and
 * the packages, whose whole results the document needs). Rank 0 gathers
 * the parts (saved bytes, or figures as raw doubles), merges them in
 * order and writes the output. A rank that fails prints "hsec-mpi: rank R:
 * message" and calls MPI_Abort, which ends the whole job.
 *
 * HSEC_MPI_FAIL_RANK=R makes rank R fail as if its run had failed (a test
 * hook for the abort path).
 *
 * Only the main thread calls MPI (MPI_THREAD_FUNNELED): a rank's work runs
 * on a thread of its own while the main thread reduces every rank's count
 * of work done, about ten times a second, for rank 0's progress bar.
 */
#include "cli.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char usage[] =
    "usage: mpirun -n N hsec-mpi ensemble SCENARIO [--members N] [--threads T]\n"
    "                  [--package ID|none | --measures A,B] [--format json|text|csv] [-o FILE]\n"
    "       mpirun -n N hsec-mpi compare SCENARIO [--format json|text|csv] [-o FILE]\n"
    "       mpirun -n N hsec-mpi optimize SCENARIO --budget X [--exact] [--format json|text]\n"
    "                  [-o FILE]\n"
    "any command also takes --max-memory BYTES (K, M, G, T: powers of 1024);\n"
    "each rank runs one thread unless --threads T says otherwise\n";

static int rank, ranks;
static int err_fd = STDERR_FILENO; /* where a rank's failure is reported */

/* Report "hsec-mpi: rank R: ..." and end the whole job. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void fail(const char *fmt, ...)
{
    char msg[HSEC_ERRMSG_MAX + 512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dprintf(err_fd, "hsec-mpi: rank %d: %s\n", rank, msg);
    MPI_Abort(MPI_COMM_WORLD, EXIT_BAD);
    exit(EXIT_BAD); /* MPI_Abort does not return; in case it does */
}

/* HSEC_MPI_FAIL_RANK names this rank: its run fails. */
static bool fail_here(void)
{
    const char *v = getenv("HSEC_MPI_FAIL_RANK");
    char *end = NULL;
    long r = v && *v ? strtol(v, &end, 10) : -1;
    return end && !*end && r == rank;
}

/* Ranks other than 0 keep quiet while the command line and the scenario
 * are checked: those messages are the same on every rank, and rank 0's
 * are enough. A failure (fail) still reaches the real standard error. */
static int saved_err = -1;
static void quiet(bool on)
{
    if (rank == 0)
        return;
    if (on) {
        int null = open("/dev/null", O_WRONLY);
        saved_err = dup(STDERR_FILENO);
        if (null < 0 || saved_err < 0)
            fail("standard error: %s", strerror(errno));
        err_fd = saved_err;
        dup2(null, STDERR_FILENO);
        close(null);
    } else if (saved_err >= 0) {
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
        saved_err = -1;
        err_fd = STDERR_FILENO;
    }
}

/* Where rank r's share of `total` items starts: total x r / ranks, rounded
 * down, without overflow; rank r runs items at(r) .. at(r + 1) - 1. */
static uint64_t share_at(uint64_t total, int r)
{
    uint64_t q = total / (uint64_t)ranks, rem = total % (uint64_t)ranks;
    return q * (uint64_t)r + rem * (uint64_t)r / (uint64_t)ranks;
}

static void share(uint64_t *first, uint64_t *last, uint64_t total)
{
    *first = share_at(total, rank);
    *last = share_at(total, rank + 1);
}

/* ---- the scenario: read by rank 0, its bytes broadcast, loaded by all */

static unsigned char *read_all(size_t *len, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail("%s: %s", text_shown(path), strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    for (size_t got = 1; buf && got;) {
        if (n == cap) {
            unsigned char *more = realloc(buf, cap *= 2);
            if (!more)
                free(buf);
            buf = more;
            if (!buf)
                break;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    }
    if (!buf)
        fail("%s: out of memory", text_shown(path));
    if (ferror(f))
        fail("%s: %s", text_shown(path), strerror(errno));
    fclose(f);
    *len = n;
    return buf;
}

/* MPI counts are ints: large buffers go in pieces. */
#define PIECE ((size_t)1 << 30)

static hsec_scenario *load_shared(const char *path)
{
    size_t len = 0;
    unsigned char *bytes = rank == 0 ? read_all(&len, path) : NULL;
    uint64_t n = len;
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    len = (size_t)n;
    if (rank != 0 && !(bytes = malloc(len ? len : 1)))
        fail("%s: out of memory (%zu bytes)", text_shown(path), len);
    for (size_t at = 0; at < len; at += PIECE) {
        size_t piece = len - at < PIECE ? len - at : PIECE;
        MPI_Bcast(bytes + at, (int)piece, MPI_BYTE, 0, MPI_COMM_WORLD);
    }
    hsec_loader *l = new_loader();
    if (!l)
        fail("%s: cannot make a loader", text_shown(path));
    hsec_scenario *s = NULL;
    if (hsec_loader_load(&s, l, bytes, len))
        fail("%s: %s", text_shown(path), hsec_loader_errmsg(l));
    hsec_loader_free(l);
    free(bytes);
    return s;
}

/* ---- a rank's work on its own thread, every rank's count reduced */

typedef struct work work;
struct work {
    int (*run)(work *w); /* on the work thread: a library code */
    hsec_scenario *s;
    void *ctx;
    uint64_t units; /* this rank's units of work */
    atomic_uint_least64_t done;
    bool finished;
    int rc;
    char msg[HSEC_ERRMSG_MAX]; /* why it failed (the run leaves it empty: the scenario's) */
    pthread_mutex_t lock;
    pthread_cond_t cond;
};

static int count_progress(void *user, uint64_t done, uint64_t total)
{
    (void)total;
    work *w = user;
    atomic_store(&w->done, done);
    return interrupted != 0;
}

static void *work_thread(void *arg)
{
    work *w = arg;
    int rc = w->run(w);
    if (!rc && fail_here()) {
        rc = HSEC_EINVAL;
        snprintf(w->msg, sizeof w->msg, "the run failed (HSEC_MPI_FAIL_RANK=%d)", rank);
    }
    if (rc && !w->msg[0])
        snprintf(w->msg, sizeof w->msg, "%s", hsec_scenario_errmsg(w->s));
    pthread_mutex_lock(&w->lock);
    w->rc = rc;
    w->finished = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Run w->run on this rank while drawing every rank's progress on rank 0;
 * returns when every rank has finished. A failure ends the job. */
static void run_shared(work *w, const char *path, const char *label)
{
    bar b;
    bar_start(&b, label);
    b.draw = b.draw && rank == 0;
    atomic_init(&w->done, 0);
    w->finished = false;
    w->rc = HSEC_OK;
    w->msg[0] = '\0';
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, work_thread, w) != 0)
        fail("cannot start a thread: %s", strerror(errno));
    bool joined = false;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        if (!w->finished) {
            struct timespec at;
            clock_gettime(CLOCK_REALTIME, &at);
            at.tv_nsec += 100000000L;
            if (at.tv_nsec >= 1000000000L) {
                at.tv_sec++;
                at.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&w->cond, &w->lock, &at);
        }
        bool finished = w->finished;
        pthread_mutex_unlock(&w->lock);
        if (finished && !joined) {
            pthread_join(t, NULL);
            joined = true;
            if (w->rc == HSEC_ECANCELED && interrupted) {
                end_bar(&b);
                stopped();
                MPI_Abort(MPI_COMM_WORLD, EXIT_INTERRUPTED);
            }
            if (w->rc) {
                end_bar(&b);
                fail("%s: %s", text_shown(path), w->msg);
            }
            atomic_store(&w->done, w->units);
        }
        uint64_t mine[3] = {atomic_load(&w->done), finished, w->units}, all[3];
        MPI_Allreduce(mine, all, 3, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
        draw_bar(&b, all[0], all[2]);
        if (all[1] == (uint64_t)ranks)
            break;
    }
    end_bar(&b);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    hsec_scenario_set_progress(w->s, NULL, NULL);
}

/* Every rank's part (bytes of hsec_free_bytes, which it takes), gathered
 * on rank 0: part[r] and len[r] for each rank r there (gathered_free frees
 * them); nothing on the other ranks. */
typedef struct gathered {
    unsigned char *all;
    const unsigned char **part;
    size_t *len;
} gathered;

static void gather_parts(gathered *g, unsigned char *mine, size_t len)
{
    if (len > INT_MAX)
        fail("a part of %zu bytes is too large for one message", len);
    int n = (int)len;
    int *lens = calloc((size_t)ranks, sizeof *lens);
    int *offsets = calloc((size_t)ranks + 1, sizeof *offsets);
    if (!lens || !offsets)
        fail("out of memory");
    MPI_Gather(&n, 1, MPI_INT, lens, 1, MPI_INT, 0, MPI_COMM_WORLD);
    g->all = NULL;
    g->part = NULL;
    g->len = NULL;
    if (rank == 0) {
        for (int r = 0; r < ranks; r++) {
            if (lens[r] > INT_MAX - offsets[r])
                fail("the parts are too large together for one gather (over %d bytes)",
                     INT_MAX);
            offsets[r + 1] = offsets[r] + lens[r];
        }
        g->all = malloc(offsets[ranks] ? (size_t)offsets[ranks] : 1);
        g->part = calloc((size_t)ranks, sizeof *g->part);
        g->len = calloc((size_t)ranks, sizeof *g->len);
        if (!g->all || !g->part || !g->len)
            fail("out of memory gathering %d bytes", offsets[ranks]);
    }
    MPI_Gatherv(mine, n, MPI_BYTE, g->all, lens, offsets, MPI_BYTE, 0, MPI_COMM_WORLD);
    hsec_free_bytes(mine);
    for (int r = 0; rank == 0 && r < ranks; r++) {
        g->part[r] = g->all + offsets[r];
        g->len[r] = (size_t)lens[r];
    }
    free(lens);
    free(offsets);
}

static void gathered_free(gathered *g)
{
    free(g->all);
    free(g->part);
    free(g->len);
}

/* ---- ensemble */

typedef struct ensemble_job {
    const unsigned char *mask;
    uint64_t first, last;
    hsec_ensemble *part;
    unsigned char *bytes;
    size_t len;
} ensemble_job;

static int ensemble_part(work *w)
{
    ensemble_job *j = w->ctx;
    hsec_scenario_set_progress(w->s, count_progress, w);
    int rc = hsec_scenario_ensemble_range(&j->part, w->s, j->mask,
                                          hsec_scenario_measure_count(w->s), j->first, j->last);
    if (!rc && (rc = hsec_doc_ensemble_save(&j->bytes, &j->len, j->part, w->s)))
        snprintf(w->msg, sizeof w->msg, "saving the part: %s", hsec_last_errmsg());
    return rc;
}

static int cmd_ensemble(int argc, char **argv)
{
    opts o;
    ensemble_opts eo = {NAN, NAN, {NULL, NULL}};
    quiet(true);
    int rc = parse(&o, "ensemble", argc, argv, ensemble_option, &eo);
    if (rc) {
        quiet(false);
        return rc;
    }
    hsec_scenario *s = load_shared(o.path);
    if (isnan(eo.threads)) /* one thread per rank unless asked */
        eo.threads = 1;
    unsigned char *mask = NULL;
    if ((rc = ensemble_settings(&o, &eo, s))) { /* s freed */
        quiet(false);
        return rc;
    }
    rc = force_mask(&mask, &eo.f, s, o.path, "ensemble");
    quiet(false);
    if (rc) {
        hsec_scenario_free(s);
        return rc;
    }
    double members = 0;
    hsec_scenario_get_option(&members, s, HSEC_OPT_MEMBERS);
    ensemble_job j = {mask, 0, 0, NULL, NULL, 0};
    share(&j.first, &j.last, (uint64_t)members);
    work w = {.run = ensemble_part, .s = s, .ctx = &j, .units = j.last - j.first};
    run_shared(&w, o.path, "ensemble");
    hsec_ensemble_free(j.part);
    gathered g;
    gather_parts(&g, j.bytes, j.len);
    int status = 0;
    if (rank == 0) {
        hsec_ensemble **parts = calloc((size_t)ranks, sizeof *parts);
        if (!parts)
            fail("out of memory");
        for (int r = 0; r < ranks; r++)
            if (hsec_doc_ensemble_load(&parts[r], s, g.part[r], g.len[r]))
                fail("the part of rank %d: %s", r, hsec_last_errmsg());
        hsec_ensemble *e = NULL;
        if (hsec_ensemble_merge(&e, parts, (size_t)ranks))
            fail("merging the parts: %s", hsec_last_errmsg());
        for (int r = 0; r < ranks; r++)
            hsec_ensemble_free(parts[r]);
        free(parts);
        print_warnings(s, NULL);
        status = ensemble_output(&o, e, s);
        hsec_ensemble_free(e);
    }
    gathered_free(&g);
    free(mask);
    hsec_scenario_free(s);
    return status;
}

/* ---- compare: each rank runs the baseline and its share of the packages
 * (each package's run and its runs per staff branch), and sends their
 * figures as a comparison's part; rank 0 writes the document from its
 * baseline and the parts. */

typedef struct compare_job {
    uint64_t first, last; /* this rank's packages */
    hsec_result *base;    /* the no-measure baseline */
    hsec_result **res;    /* last - first: the packages' runs */
    double *branches;     /* (last - first) x HSEC_BRANCH_COUNT */
    unsigned char *bytes; /* the part */
    size_t len;
} compare_job;

static int compare_part(work *w)
{
    compare_job *j = w->ctx;
    hsec_scenario *s = w->s;
    size_t nm = hsec_scenario_measure_count(s);
    unsigned char *mask = calloc(nm ? nm : 1, 1);
    if (!mask)
        return HSEC_ENOMEM;
    int rc = HSEC_OK;
    if (rank == 0 || j->first < j->last)
        rc = hsec_scenario_run_with(&j->base, s, mask, nm);
    if (!rc)
        atomic_store(&w->done, 1);
    for (uint64_t p = j->first; !rc && p < j->last; p++) {
        hsec_scenario_package_mask(mask, nm, s, (size_t)p);
        rc = hsec_scenario_run_with(&j->res[p - j->first], s, mask, nm);
        if (!rc)
            rc = hsec_scenario_compare_branches(j->branches + (p - j->first) * HSEC_BRANCH_COUNT,
                                                HSEC_BRANCH_COUNT, s, j->base, (size_t)p);
        atomic_store(&w->done, 2 + p - j->first);
    }
    free(mask);
    if (!rc && (rc = hsec_doc_compare_part_save(&j->bytes, &j->len, j->res,
                                                (size_t)(j->last - j->first), (size_t)j->first,
                                                s, j->branches,
                                                (size_t)(j->last - j->first) *
                                                    HSEC_BRANCH_COUNT)))
        snprintf(w->msg, sizeof w->msg, "saving the part: %s", hsec_last_errmsg());
    return rc;
}

static int cmd_compare(int argc, char **argv)
{
    opts o;
    quiet(true);
    int rc = parse(&o, "compare", argc, argv, NULL, NULL);
    if (rc) {
        quiet(false);
        return rc;
    }
    hsec_scenario *s = load_shared(o.path);
    size_t np = hsec_scenario_package_count(s);
    if (np == 0) {
        cli_err("%s: compare: the scenario has no packages\n", text_shown(o.path));
        quiet(false);
        hsec_scenario_free(s);
        return EXIT_BAD;
    }
    quiet(false);
    compare_job j = {0, 0, NULL, NULL, NULL, NULL, 0};
    share(&j.first, &j.last, np);
    size_t mine = (size_t)(j.last - j.first);
    j.res = calloc(mine ? mine : 1, sizeof *j.res);
    j.branches = calloc(mine ? mine * HSEC_BRANCH_COUNT : 1, sizeof *j.branches);
    if (!j.res || !j.branches)
        fail("out of memory");
    work w = {.run = compare_part, .s = s, .ctx = &j,
              .units = (rank == 0 || mine ? 1 : 0) + mine};
    run_shared(&w, o.path, "compare");
    for (size_t k = 0; k < mine; k++)
        hsec_result_free(j.res[k]);
    free(j.res);
    free(j.branches);
    gathered g;
    gather_parts(&g, j.bytes, j.len);
    int status = 0;
    if (rank == 0) {
        char *doc = NULL;
        size_t len = 0;
        rc = hsec_doc_compare_json_parts(&doc, &len, j.base, g.part, g.len, (size_t)ranks, s);
        if (rc && rc != HSEC_ELIMIT && rc != HSEC_ENOMEM)
            fail("merging the parts: %s", hsec_last_errmsg());
        print_warnings(s, j.base);
        status = compare_written(&o, rc, doc, len, s);
    }
    hsec_result_free(j.base);
    gathered_free(&g);
    hsec_scenario_free(s);
    return status;
}

/* ---- optimize: the greedy search on rank 0, the exact one in ranges of
 * subset numbers on every rank */

typedef struct optimize_job {
    const optimize_opts *oo;
    bool exact;                 /* the exact search runs */
    unsigned char *chosen;      /* rank 0: the greedy choice */
    double averted, cost;       /* rank 0: the greedy choice's */
    uint64_t first, last;       /* subsets */
    uint64_t subset;            /* the range's best */
    double burden, xcost, base; /* its burden and cost; the baseline (rank 0) */
} optimize_job;

static int optimize_part(work *w)
{
    optimize_job *j = w->ctx;
    size_t nm = hsec_scenario_measure_count(w->s);
    int rc = HSEC_OK;
    if (rank == 0) { /* as hsec optimize: greedy, then the exact search */
        rc = hsec_scenario_optimize(j->chosen, &j->averted, &j->cost, nm, w->s, j->oo->budget,
                                    HSEC_SEARCH_GREEDY, NULL);
    }
    hsec_scenario_set_progress(w->s, count_progress, w);
    if (!rc && j->exact)
        rc = hsec_scenario_optimize_range(&j->subset, &j->burden, &j->xcost,
                                          rank == 0 ? &j->base : NULL, w->s, j->oo->budget,
                                          NULL, nm, j->first, j->last);
    return rc;
}

static int cmd_optimize(int argc, char **argv)
{
    opts o;
    optimize_opts oo = {0, false, false};
    quiet(true);
    int rc = optimize_parse(&o, &oo, argc, argv);
    quiet(false);
    if (rc)
        return rc;
    hsec_scenario *s = load_shared(o.path);
    if (rank == 0)
        diagnose_and_warn(s);
    size_t nm = hsec_scenario_measure_count(s);
    optimize_job j = {&oo, oo.exact || nm <= HSEC_SEARCH_CHECK_MAX, calloc(nm ? nm : 1, 1), 0, 0,
                      0, 0, HSEC_SUBSET_NONE, 0, 0, 0};
    if (!j.chosen)
        fail("out of memory");
    if (j.exact) {
        if (nm > HSEC_SEARCH_EXACT_MAX) /* as the single search refuses it */
            fail("%s: optimize: %zu candidates are too many for the exact search (at most "
                 "%d)", text_shown(o.path), nm, HSEC_SEARCH_EXACT_MAX);
        share(&j.first, &j.last, (uint64_t)1 << nm);
    }
    work w = {.run = optimize_part, .s = s, .ctx = &j, .units = j.last - j.first};
    run_shared(&w, o.path, j.exact ? "exact" : "greedy");
    /* each range's best: subset number, burden and cost, bit for bit */
    uint64_t mine[3] = {j.subset, 0, 0};
    memcpy(&mine[1], &j.burden, sizeof(double));
    memcpy(&mine[2], &j.xcost, sizeof(double));
    uint64_t *all = rank == 0 ? calloc((size_t)ranks * 3, sizeof *all) : NULL;
    if (rank == 0 && !all)
        fail("out of memory");
    MPI_Gather(mine, 3, MPI_UINT64_T, all, 3, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    int status = 0;
    if (rank == 0) {
        unsigned char *exact = NULL;
        double xav = 0, xcost = 0;
        if (j.exact) {
            uint64_t *sets = calloc((size_t)ranks, sizeof *sets);
            double *burdens = calloc((size_t)ranks, sizeof *burdens);
            double *costs = calloc((size_t)ranks, sizeof *costs);
            exact = calloc(nm ? nm : 1, 1);
            if (!sets || !burdens || !costs || !exact)
                fail("out of memory");
            for (int r = 0; r < ranks; r++) {
                sets[r] = all[3 * r];
                memcpy(&burdens[r], &all[3 * r + 1], sizeof(double));
                memcpy(&costs[r], &all[3 * r + 2], sizeof(double));
            }
            uint64_t best;
            double b;
            if (hsec_optimize_merge(&best, &b, &xcost, sets, burdens, costs, (size_t)ranks) ||
                hsec_scenario_optimize_subset(exact, nm, s, NULL, best))
                fail("merging the searches: %s", hsec_last_errmsg());
            xav = j.base - b;
            if (oo.exact) {
                memcpy(j.chosen, exact, nm);
                j.averted = xav;
                j.cost = xcost;
            }
            free(sets);
            free(burdens);
            free(costs);
        }
        status = optimize_output(&o, &oo, j.chosen, j.averted, j.cost, exact, xav, xcost, s);
        free(exact);
    }
    free(all);
    free(j.chosen);
    hsec_scenario_free(s);
    return status;
}

int main(int argc, char **argv)
{
    int provided;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    cli_name = "hsec-mpi";
    int first = 1, status = EXIT_USAGE; /* the command, after the global options */
    quiet(true);
    for (int used; first < argc && (used = memory_option(argc, argv, first)) != 0;)
        if (used < 0)
            first = argc + 1;
        else
            first += used;
    quiet(false);
    const char *cmd = first < argc ? argv[first] : NULL;
    catch_interrupt();
    if (first > argc) {
        status = EXIT_USAGE;
    } else if (!cmd) {
        if (rank == 0)
            cli_err("a command is required\n%s", usage);
    } else if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        if (rank == 0)
            fputs(usage, stdout);
        status = 0;
    } else if (strcmp(cmd, "--version") == 0) {
        if (rank == 0)
            printf("hsec-mpi %s\n", hsec_version_string());
        status = 0;
    } else if (strcmp(cmd, "ensemble") == 0) {
        status = cmd_ensemble(argc - first - 1, argv + first + 1);
    } else if (strcmp(cmd, "compare") == 0) {
        status = cmd_compare(argc - first - 1, argv + first + 1);
    } else if (strcmp(cmd, "optimize") == 0) {
        status = cmd_optimize(argc - first - 1, argv + first + 1);
    } else if (rank == 0) {
        cli_err("unknown command %s (ensemble, compare or optimize)\n%s", text_shown(cmd), usage);
    }
    fflush(stdout);
    MPI_Finalize();
    return status;
}
