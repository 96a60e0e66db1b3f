/*
 * The national-scale benchmark: a deterministic generator of realistic
 * models (a region tree, groups per district, local, regional and
 * national services, dimension coupling, displacement between neighbouring
 * districts, and corridors reaching across the country), then the timings of
 * a static solve, a dynamic run with order tracking, the adjoint ranking and
 * an ensemble, against the memory bandwidth of a STREAM-triad loop measured
 * in the same run. A benchmark: it measures and prints, it asserts nothing.
 *
 *   bench [--groups N] [--services M] [--steps S] [--members E] [--threads T] [--seed X]
 *         [--out DIR]
 *   bench --report DIR
 *
 * With --out, the scenario is saved there as a compressed container
 * (scenario.hsecz) and the results the scipy reference checks are written
 * as little-endian doubles: static.q, static.orders (linear static solve),
 * dynamic.q, dynamic.orders (the dynamic run), rank.u (the adjoint), with
 * the timings in summary.txt (key=value lines). The scipy reference
 * (bench/reference.py) adds its own times as scipy.txt; --report then prints
 * the table of every target and the one line that sums up the run:
 *
 *   ratio_vs_scipy=D bandwidth_fraction=F static_vs_scipy=S adjoint_vs_scipy=J
 *   two_thread_speedup=T load_mb_s=L peak_mib=M
 *
 * ("unmeasured" for a figure whose run or reference is missing). Without
 * --out, the bench prints them itself, the scipy ratios unmeasured.
 * bench/run drives all three. With --threads T > 1, the dynamic run and the
 * adjoint are timed again on T threads (HSEC_OPT_RUN_THREADS); the dynamic
 * run's results must be bit-identical to one thread's, and the bench exits
 * with status 3 when they are not.
 */
#include <hsec.h>

#include <math.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void) /* xorshift64: a fixed, seeded sequence */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double uniform(void) { return (double)(next() >> 11) * 0x1.0p-53; }

static void must(int rc, const char *what, const char *msg)
{
    if (rc) {
        fprintf(stderr, "bench: %s: %s\n", what, msg);
        exit(1);
    }
}
#define M(call) must(call, #call, hsec_model_errmsg(m))
#define S(call) must(call, #call, hsec_scenario_errmsg(s))

/* STREAM triad, a[i] = b[i] + q c[i]: the best of a few passes, in bytes/s. */
static double triad(size_t n)
{
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "bench: out of memory for the triad\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        a[i] = 0;
        b[i] = 1;
        c[i] = 2;
    }
    double best = 0;
    for (int pass = 0; pass < 5; pass++) {
        double t0 = now();
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + 3.0 * c[i];
        double t = now() - t0, bw = 3.0 * 8.0 * (double)n / t;
        best = bw > best ? bw : best;
    }
    volatile double sink = a[n / 2];
    (void)sink;
    free(a);
    free(b);
    free(c);
    return best;
}

static const char *outdir;

/* The library's own memory, counted through its allocator hook: live
 * bytes and their peak since the last reset (16 bytes of each block hold
 * its size); the blocks themselves from the library's own allocator
 * (hsec_default_allocator), as a run without a custom one gets them. */
static _Atomic long long live, high;
static hsec_allocator sys;
static void note(long long d)
{
    long long now = atomic_fetch_add(&live, d) + d, h = atomic_load(&high);
    while (now > h && !atomic_compare_exchange_weak(&high, &h, now))
        ;
}
static void *c_alloc(void *op, size_t n)
{
    (void)op;
    size_t *p = sys.alloc(sys.opaque, n + 16);
    if (!p)
        return NULL;
    p[0] = n;
    note((long long)n);
    return (char *)p + 16;
}
static void c_free(void *op, void *q)
{
    (void)op;
    if (!q)
        return;
    size_t *p = (size_t *)((char *)q - 16);
    note(-(long long)p[0]);
    sys.free(sys.opaque, p);
}
static void *c_realloc(void *op, void *q, size_t n)
{
    if (!q)
        return c_alloc(op, n);
    size_t *p = (size_t *)((char *)q - 16), old = p[0];
    size_t *np = sys.realloc(sys.opaque, p, n + 16);
    if (!np)
        return NULL;
    np[0] = n;
    note((long long)n - (long long)old);
    return (char *)np + 16;
}
static double mib(long long b) { return (double)b / 1048576.0; }
static void reset_peak(void) { atomic_store(&high, atomic_load(&live)); }

static void dump(const char *name, const double *x, size_t n)
{
    if (!outdir)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(x, sizeof *x, n, f) != n || fclose(f)) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        exit(1);
    }
}

/* The figures the targets are judged on: the library's (summary.txt) and
 * the scipy reference's times (scipy.txt); NaN where not measured. */
typedef struct {
    double t_static, t_dyn, t_dyn2, t_rank, t_rank2, threads, same2, same_rank2;
    double bw, step_bytes, steps, load_mb_s, cbor_mb, load_s, peak_mib;
    double sp_static, sp_dyn, sp_adj, sp_agree;
} figures;

/* key=value lines into f's fields (unknown keys ignored); 0 when the file
 * cannot be read. */
static int read_figures(figures *f, const char *dir, const char *file)
{
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
#define K(k, field) {k, offsetof(figures, field)}
        K("static", t_static), K("dynamic", t_dyn), K("dynamic_threads", t_dyn2),
        K("adjoint", t_rank), K("adjoint_threads", t_rank2), K("threads", threads),
        K("threads_same", same2), K("adjoint_threads_same", same_rank2),
        K("bandwidth", bw), K("step_bytes", step_bytes), K("steps", steps),
        K("load_mb_s", load_mb_s), K("cbor_mb", cbor_mb), K("load_s", load_s),
        K("peak_mib", peak_mib),
        K("scipy_static", sp_static), K("scipy_dynamic", sp_dyn), K("scipy_adjoint", sp_adj),
        K("scipy_agree", sp_agree),
#undef K
    };
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *in = fopen(path, "r");
    if (!in)
        return 0;
    while (fgets(line, sizeof line, in)) {
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!strcmp(line, keys[k].key))
                *(double *)(void *)((char *)f + keys[k].off) = strtod(eq + 1, NULL);
    }
    fclose(in);
    return 1;
}

/* a ratio, or NaN when either side is missing */
static double ratio(double num, double den)
{
    return isfinite(num) && isfinite(den) && num > 0 && den > 0 ? num / den : NAN;
}

static const char *fmt(char *buf, size_t len, const char *f, double v)
{
    if (!isfinite(v))
        return "unmeasured";
    snprintf(buf, len, f, v);
    return buf;
}

/* One row of the targets' table: the figure, how it was made, the target
 * (at least, or at most when below is set) and whether it is met. */
static void row(const char *name, const char *basis, const char *vf, double v, double target,
                const char *tf, int below)
{
    char b1[32], b2[32], t[40];
    snprintf(b2, sizeof b2, tf, target);
    snprintf(t, sizeof t, "%s %s", below ? "<=" : ">=", b2);
    printf("%-40s %-34s %10s %10s  %s\n", name, basis, fmt(b1, sizeof b1, vf, v), t,
           !isfinite(v) ? "unmeasured" : (below ? v <= target : v >= target) ? "met" : "not met");
}

/* The table of the targets, then the summing-up line, last. 0 when every
 * check passed (two threads' results bit-identical, scipy's numbers agreeing
 * where the reference ran). */
static int report(const figures *f)
{
    double dyn = ratio(f->sp_dyn, f->t_dyn), st = ratio(f->sp_static, f->t_static);
    double adj = ratio(f->sp_adj, f->t_rank), adj2 = ratio(f->sp_adj, f->t_rank2);
    double two = ratio(f->t_dyn, f->t_dyn2);
    double moved = ratio(f->step_bytes * f->steps, f->t_dyn), frac = ratio(moved, f->bw);
    double peak = isfinite(f->peak_mib) ? ceil(f->peak_mib) : NAN;
    char basis[112], b2[32], b3[32];
    int ok = 1;

    printf("\ntargets, every figure from this run:\n");
    printf("%-40s %-34s %10s %10s  %s\n", "figure", "from", "value", "target", "");
    snprintf(basis, sizeof basis, "scipy %s / hsec %.3f s",
             fmt(b2, sizeof b2, "%.3f s", f->sp_dyn), f->t_dyn);
    row("dynamic run vs scipy, one thread", basis, "%.2fx", dyn, 4, "%.0fx", 0);
    snprintf(basis, sizeof basis, "%s / triad %s",
             fmt(b2, sizeof b2, "%.2f GB/s", moved / 1e9),
             fmt(b3, sizeof b3, "%.2f GB/s", f->bw / 1e9));
    row("bandwidth fraction, one thread", basis, "%.3f", frac, 0.35, "%.2f", 0);
    snprintf(basis, sizeof basis, "scipy %s / hsec %.3f s",
             fmt(b2, sizeof b2, "%.3f s", f->sp_static), f->t_static);
    row("static solve vs scipy", basis, "%.2fx", st, 4, "%.0fx", 0);
    snprintf(basis, sizeof basis, "scipy %s / hsec %.3f s",
             fmt(b2, sizeof b2, "%.3f s", f->sp_adj), f->t_rank);
    row("adjoint vs scipy, one thread", basis, "%.2fx", adj, 2, "%.0fx", 0);
    snprintf(basis, sizeof basis, "scipy %s / hsec %s", fmt(b2, sizeof b2, "%.3f s", f->sp_adj),
             fmt(b3, sizeof b3, "%.3f s", f->t_rank2));
    row("adjoint_two_threads_vs_scipy", basis, "%.2fx", adj2, 3, "%.0fx", 0);
    snprintf(basis, sizeof basis, "one %.3f s / two %s", f->t_dyn,
             fmt(b2, sizeof b2, "%.3f s", f->t_dyn2));
    row("dynamic run, two threads vs one", basis, "%.2fx", two, 1.6, "%.1fx", 0);
    snprintf(basis, sizeof basis, "%s of CBOR in %s", fmt(b2, sizeof b2, "%.1f MB", f->cbor_mb),
             fmt(b3, sizeof b3, "%.3f s", f->load_s));
    row("load into a runnable scenario, MB/s", basis, "%.2f", f->load_mb_s, 150, "%.0f", 0);
    row("library peak in the dynamic run, MiB", "model + scenario + run, rounded up", "%.0f",
        peak, 500, "%.0f", 1);
    printf("(bandwidth: %.0f bytes a step, fixed by the model and not by the library's layout: "
           "12 a link, 4 a node's row, 2 x 8 x (4 + threats) a node for the state read and "
           "written, 16 a node for its rates and vulnerability; the adjoint on two threads ran "
           "at %s one thread's speed)\n", f->step_bytes,
           fmt(b2, sizeof b2, "%.2fx", ratio(f->t_rank, f->t_rank2)));
    if (f->same2 == 0) {
        printf("TWO-THREAD RESULTS DIFFER FROM ONE THREAD'S: the dynamic run is not "
               "bit-identical\n");
        ok = 0;
    }
    if (f->same_rank2 == 0)
        printf("note: the adjoint on two threads is not bit-identical to one thread's\n");
    if (f->sp_agree == 0) {
        printf("THE NUMBERS DISAGREE WITH SCIPY (see above)\n");
        ok = 0;
    }
    char d[32], fr[32], s[32], j[32], t[32], l[32], m[32];
    printf("ratio_vs_scipy=%s bandwidth_fraction=%s static_vs_scipy=%s adjoint_vs_scipy=%s "
           "two_thread_speedup=%s load_mb_s=%s peak_mib=%s\n", fmt(d, sizeof d, "%.2f", dyn),
           fmt(fr, sizeof fr, "%.3f", frac), fmt(s, sizeof s, "%.2f", st),
           fmt(j, sizeof j, "%.2f", adj), fmt(t, sizeof t, "%.2f", two),
           fmt(l, sizeof l, "%.2f", f->load_mb_s), fmt(m, sizeof m, "%.0f", peak));
    fflush(stdout);
    return ok ? 0 : 1;
}

static const figures unmeasured = {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
                                   NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};

static const char *const dims[7] = {"economic", "food", "health", "environmental",
                                    "personal", "community", "political"};

int main(int argc, char **argv)
{
    long groups = 200000, services = 50000, steps = 365, members = 64, threads = 1;
    unsigned long long seed = 1;
    setvbuf(stdout, NULL, _IOLBF, 0); /* each line out as it is made, a crash losing none */
    if (argc == 3 && !strcmp(argv[1], "--report")) {
        figures f = unmeasured;
        if (!read_figures(&f, argv[2], "summary.txt")) {
            fprintf(stderr, "bench: cannot read %s/summary.txt\n", argv[2]);
            return 1;
        }
        read_figures(&f, argv[2], "scipy.txt"); /* absent: the scipy ratios unmeasured */
        return report(&f);
    }
    for (int i = 1; i + 1 < argc; i += 2) {
        long v = atol(argv[i + 1]);
        if (!strcmp(argv[i], "--out")) outdir = argv[i + 1];
        else if (!strcmp(argv[i], "--groups")) groups = v;
        else if (!strcmp(argv[i], "--services")) services = v;
        else if (!strcmp(argv[i], "--steps")) steps = v;
        else if (!strcmp(argv[i], "--members")) members = v;
        else if (!strcmp(argv[i], "--threads")) threads = v;
        else if (!strcmp(argv[i], "--seed")) seed = (unsigned long long)v;
        else {
            fprintf(stderr, "bench: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    rng ^= seed * 0x9e3779b97f4a7c15ull;
    long districts = groups / 10 > 0 ? groups / 10 : 1;
    long provinces = districts / 200 > 0 ? districts / 200 : 1;
    double t0 = now();
    hsec_model *m = NULL;
    if (hsec_default_allocator(&sys))
        return 1;
    hsec_allocator counting = {HSEC_ALLOCATOR_VERSION, c_alloc, c_realloc, c_free, NULL};
    if (hsec_model_new(&m, &counting))
        return 1;
    char id[64], a[96], b[96];
    M(hsec_model_add_region(m, "country", NULL));
    for (long p = 0; p < provinces; p++) {
        sprintf(id, "p%ld", p);
        M(hsec_model_add_region(m, id, "country"));
    }
    for (long d = 0; d < districts; d++) {
        sprintf(id, "d%ld", d);
        sprintf(a, "p%ld", d % provinces);
        M(hsec_model_add_region(m, id, a));
    }
    for (long g = 0; g < groups; g++) {
        sprintf(id, "g%ld", g);
        sprintf(a, "d%ld", g % districts);
        M(hsec_model_add_group(m, id, a, 500 + (double)(next() % 5000)));
        M(hsec_model_set(m, id, HSEC_PARAM_RECOVERY, 0.05 + 0.1 * uniform()));
        if (g % 7 == 0) {
            sprintf(a, "%s.health", id);
            M(hsec_model_set(m, a, HSEC_PARAM_VULNERABILITY, 1.4));
        }
    }
    M(hsec_model_use_template(m, "dimensions"));
    long links = 14 * groups;
    for (long sv = 0; sv < services; sv++) {
        sprintf(id, "s%ld", sv);
        long d = sv % districts;
        int regional = sv % 50 == 49, national = sv % 1000 == 999;
        sprintf(a, regional ? "p%ld" : "d%ld", regional ? d % provinces : d);
        M(hsec_model_add_service(m, id, (hsec_service_kind)(sv % 12), national ? NULL : a));
        M(hsec_model_set(m, id, HSEC_PARAM_RECOVERY, 0.1 + 0.2 * uniform()));
        /* whom it serves: its district's groups, or groups anywhere for
         * regional and national services (reaching beyond the district) */
        long served = regional || national ? 30 : groups / districts;
        long start = (long)(next() % (uint64_t)groups); /* distinct groups from here */
        for (long k = 0; k < served && k < groups; k++) {
            long g = regional || national ? (start + k) % groups : d + k * districts;
            if (g >= groups)
                break;
            int reach = regional || national ? 3 : 7; /* local services touch every dimension */
            for (int j = 0; j < reach; j++) {
                sprintf(a, "g%ld.%s", g, dims[(sv + (long)j * 3) % 7]);
                M(hsec_model_add_link(m, id, a, j < 3 ? 0.05 + 0.2 * uniform() : 0.02, 0));
                links++;
            }
        }
        if (sv + districts < services) { /* the next service in the district depends on it */
            sprintf(b, "s%ld", sv + districts);
            M(hsec_model_add_link(m, id, b, 0.2 + 0.3 * uniform(), 0));
            links++;
        }
    }
    for (long g = 0; g < groups; g++) { /* flight to the neighbouring districts */
        sprintf(a, "g%ld.personal", g);
        for (int side = -1; side <= 1; side += 2) {
            long h = ((g % districts + side + districts) % districts) + (g / districts) * districts;
            if (h >= groups || h == g)
                continue;
            sprintf(b, "g%ld.community", h);
            M(hsec_model_add_link(m, a, b, 0.05, 3));
            sprintf(b, "g%ld.economic", h);
            M(hsec_model_add_link(m, a, b, 0.03, 3));
            links += 2;
        }
        if (next() % 4 == 0) { /* a corridor across the country, into politics */
            long h = (long)(next() % (uint64_t)groups);
            if (h != g) {
                sprintf(b, "g%ld.political", h);
                M(hsec_model_add_link(m, a, b, 0.03, 7));
                links++;
            }
        }
    }
    hsec_compiled *c = NULL;
    M(hsec_model_compile(&c, m));
    hsec_model_free(m);
    double t_build = now() - t0;
    size_t n = hsec_compiled_node_count(c), nnz = hsec_compiled_link_count(c);
    hsec_scenario *s = NULL;
    if (hsec_scenario_new(&s, c))
        return 1;
    hsec_compiled_free(c);
    S(hsec_scenario_add_threat(s, "strikes", HSEC_THREAT_ADVERSARY));
    S(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_START, 1));
    S(hsec_scenario_set_threat(s, "strikes", HSEC_TIMING_DURATION, 90));
    for (long sv = 0; sv < services; sv += 97) {
        sprintf(id, "s%ld", sv);
        S(hsec_scenario_add_threat_target(s, "strikes", id, 0.6));
    }
    S(hsec_scenario_add_threat(s, "drought", HSEC_THREAT_NATURAL));
    for (long g = 0; g < groups; g += 19) {
        sprintf(a, "g%ld.food", g);
        S(hsec_scenario_add_threat_target(s, "drought", a, 0.3));
    }
    S(hsec_scenario_add_measure(s, "shield", HSEC_PROTECTION, HSEC_SHIELD, HSEC_BY_MILITARY, 0.5));
    for (long sv = 0; sv < services; sv += 97 * 3) {
        sprintf(id, "s%ld", sv);
        S(hsec_scenario_add_measure_target(s, "shield", id));
    }
    S(hsec_scenario_record(s, "s0"));
    S(hsec_scenario_record(s, "g0"));

    printf("model: %ld groups, %ld services, %zu nodes, %zu links (%ld written), built and "
           "compiled in %.2f s\n", groups, services, n, nnz, links, t_build);
    (void)(double)links;

    /* static, linear: the solve with orders */
    hsec_result *r = NULL;
    S(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
    double t = now();
    S(hsec_scenario_run(&r, s));
    double t_static = now() - t;
    dump("static.q", hsec_result_q(r), n);
    dump("static.orders", hsec_result_orders(r), HSEC_ORDER_COUNT * n);
    hsec_result_free(r);
    /* dynamic, bounded, with order tracking */
    S(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 1));
    S(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    S(hsec_scenario_set_option(s, HSEC_OPT_STEPS, (double)steps));
    long long held = atomic_load(&live); /* the compiled model and the scenario */
    reset_peak(); /* the peak counts from what is held: model, scenario and run */
    t = now();
    S(hsec_scenario_run(&r, s));
    double t_dyn = now() - t;
    long long dyn_peak = atomic_load(&high);
    /* the same run with its sweeps shared by the threads, right after */
    double t_dyn2 = NAN;
    int same2 = -1;
    if (threads > 1) {
        hsec_result *r2 = NULL;
        S(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, (double)threads));
        t = now();
        S(hsec_scenario_run(&r2, s));
        t_dyn2 = now() - t;
        S(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 1));
        same2 = !memcmp(hsec_result_q(r), hsec_result_q(r2), n * sizeof(double)) &&
                !memcmp(hsec_result_orders(r), hsec_result_orders(r2),
                        HSEC_ORDER_COUNT * n * sizeof(double));
        hsec_result_free(r2);
        if (!same2) {
            fprintf(stderr, "bench: THE DYNAMIC RUN ON %ld THREADS IS NOT BIT-IDENTICAL TO ONE "
                    "THREAD'S (q or orders differ)\n", threads);
            printf("THE DYNAMIC RUN ON %ld THREADS IS NOT BIT-IDENTICAL TO ONE THREAD'S\n",
                   threads);
        }
    }
    double burden;
    hsec_result_burden(&burden, r, HSEC_BURDEN_TOTAL, 0);
    dump("dynamic.q", hsec_result_q(r), n);
    dump("dynamic.orders", hsec_result_orders(r), HSEC_ORDER_COUNT * n);
    hsec_result_free(r);
    /* the bytes the model must move each step, fixed by the model and not by
     * the library's layout: 12 a link (a u32 column and an f64 weight), 4 a
     * row (node), the state of 4 + threats doubles a node read and written
     * (an initial-degradation source not counted), 16 a node for its rates
     * and vulnerability */
    size_t nthreat = hsec_scenario_threat_count(s);
    double per_step = (double)nnz * 12 + (double)n * (4 + 2.0 * 8 * (4 + (double)nthreat) + 16);
    /* adjoint ranking, on one thread and then on the dynamic run's threads */
    double *u = malloc(n * sizeof *u), *u2 = malloc(n * sizeof *u2);
    if (!u || !u2) {
        fprintf(stderr, "bench: out of memory for the ranking\n");
        return 1;
    }
    S(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
    t = now();
    S(hsec_scenario_rank(u, n, s));
    double t_rank = now() - t;
    dump("rank.u", u, n);
    double t_rank2 = NAN;
    int same_rank2 = -1;
    if (threads > 1) {
        S(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, (double)threads));
        t = now();
        S(hsec_scenario_rank(u2, n, s));
        t_rank2 = now() - t;
        S(hsec_scenario_set_option(s, HSEC_OPT_RUN_THREADS, 1));
        same_rank2 = !memcmp(u, u2, n * sizeof *u);
    }
    free(u);
    free(u2);
    /* ensemble */
    hsec_ensemble *e = NULL;
    S(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 0.8, 1, 1.2));
    S(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_DYNAMIC));
    S(hsec_scenario_set_option(s, HSEC_OPT_STEPS, 30));
    t = now();
    S(hsec_scenario_set_option(s, HSEC_OPT_MEMBERS, (double)members));
    S(hsec_scenario_set_option(s, HSEC_OPT_THREADS, (double)threads));
    S(hsec_scenario_ensemble(&e, s, NULL, 0));
    double t_ens = now() - t;
    hsec_ensemble_free(e);
    S(hsec_scenario_set_uncertainty(s, HSEC_UNCERTAIN_WEIGHTS, 1, 1, 1));
    struct rusage ru; /* the engine's peak, before the triad's and the documents' */
    getrusage(RUSAGE_SELF, &ru);

    /* the scenario saved as a compressed container and loaded into a
     * runnable scenario again; the rate counts the CBOR bytes it holds */
    double t_save = 0, t_load = NAN, cbor_bytes = 0, file_bytes = 0;
    int same = -1;
    if (outdir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/scenario.hsecz", outdir);
        S(hsec_scenario_set_option(s, HSEC_OPT_MODE, HSEC_MODE_STATIC));
        S(hsec_scenario_set_option(s, HSEC_OPT_BOUNDED, 0));
        t = now();
        S(hsec_doc_save_scenario(path, s, HSEC_FORMAT_CONTAINER_ZLIB));
        t_save = now() - t;
        FILE *f = fopen(path, "rb");
        unsigned char hdr[24];
        struct stat st;
        if (!f || fread(hdr, 1, sizeof hdr, f) != sizeof hdr || stat(path, &st)) {
            fprintf(stderr, "bench: cannot read back %s\n", path);
            return 1;
        }
        fclose(f);
        for (int k = 0; k < 8; k++)
            cbor_bytes += (double)hdr[16 + k] * ldexp(1, 8 * k);
        file_bytes = (double)st.st_size;
        hsec_scenario *s2 = NULL;
        hsec_loader *l = NULL;
        if (hsec_loader_new(&l, NULL)) {
            fprintf(stderr, "bench: a loader: %s\n", hsec_last_errmsg());
            return 1;
        }
        t = now();
        if (hsec_loader_load_file(&s2, l, path)) {
            fprintf(stderr, "bench: loading %s: %s\n", path, hsec_loader_errmsg(l));
            return 1;
        }
        t_load = now() - t;
        hsec_loader_free(l);
        hsec_result *r1 = NULL, *r2 = NULL; /* the same numbers from both */
        S(hsec_scenario_run(&r1, s));
        must(hsec_scenario_run(&r2, s2), "run of the loaded scenario", hsec_scenario_errmsg(s2));
        double b1, b2;
        hsec_result_burden(&b1, r1, HSEC_BURDEN_TOTAL, 0);
        hsec_result_burden(&b2, r2, HSEC_BURDEN_TOTAL, 0);
        same = b1 == b2 && !memcmp(hsec_result_q(r1), hsec_result_q(r2), n * sizeof(double));
        hsec_result_free(r1);
        hsec_result_free(r2);
        hsec_scenario_free(s2);
    }
    hsec_scenario_free(s);
    double bw = triad(n > 20000000 / 3 ? 3 * n : 20000000);
    printf("memory bandwidth (STREAM triad, best of 5, after the runs): %.2f GB/s\n", bw / 1e9);

    double achieved = per_step * (double)steps / t_dyn;
    double fraction = achieved / bw;
    printf("%-44s %10s %18s\n", "operation", "seconds", "links x steps / s");
    printf("%-44s %10.3f %18s\n", "static solve, linear, with orders", t_static, "-");
    char label[80];
    snprintf(label, sizeof label, "dynamic run, bounded, orders, %zu threats", nthreat);
    printf("%-44s %10.3f %18.4g\n", label, t_dyn, (double)nnz * (double)steps / t_dyn);
    if (threads > 1) {
        snprintf(label, sizeof label, "dynamic run on %ld threads", threads);
        printf("%-44s %10.3f %18.4g\n", label, t_dyn2, (double)nnz * (double)steps / t_dyn2);
    }
    printf("%-44s %10.3f %18s\n", "adjoint ranking", t_rank, "-");
    if (threads > 1) {
        snprintf(label, sizeof label, "adjoint ranking on %ld threads", threads);
        printf("%-44s %10.3f %18s\n", label, t_rank2, "-");
    }
    snprintf(label, sizeof label, "ensemble, %ld members x 30 steps, %ld thread(s)", members, threads);
    printf("%-44s %10.3f %18.4g\n", label, t_ens, (double)nnz * 30.0 * (double)members / t_ens);
    if (outdir) {
        printf("%-44s %10.3f %18s\n", "save, compressed container", t_save, "-");
        printf("%-44s %10.3f %18s\n", "load into a runnable scenario", t_load, "-");
        printf("container: %.0f MB of CBOR in %.0f MB; loads at %.0f MB/s of CBOR; the loaded "
               "scenario's static run is %s\n", cbor_bytes / 1e6, file_bytes / 1e6,
               cbor_bytes / 1e6 / t_load, same == 1 ? "bit-identical" : "DIFFERENT");
    }
    printf("process peak (max RSS, building included) %.0f MiB; dynamic burden %.6g "
           "person-steps\n", (double)ru.ru_maxrss / 1024.0, burden);
    printf("library memory (allocator hook): model and scenario %.0f MiB, their peak with the "
           "one-thread dynamic run %.0f MiB\n", mib(held), mib(dyn_peak));
    if (threads > 1)
        printf("dynamic run on %ld threads: %.2fx one thread's speed; results %s; the adjoint "
               "on %ld threads: %.2fx, results %s\n", threads, t_dyn / t_dyn2,
               same2 == 1 ? "bit-identical" : "DIFFERENT", threads, t_rank / t_rank2,
               same_rank2 == 1 ? "bit-identical" : "different");
    printf("dynamic propagation moves %.2f GB/s (%.0f bytes a step: 12 a link, 4 a node's row, "
           "2 x 8 x (4 + %zu threats) a node of state, 16 a node of rates and vulnerability), "
           "%.1f%% of the measured bandwidth\n", achieved / 1e9, per_step, nthreat,
           100 * fraction);
    if (outdir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/summary.txt", outdir);
        FILE *f = fopen(path, "w");
        if (!f) {
            fprintf(stderr, "bench: cannot write %s\n", path);
            return 1;
        }
        fprintf(f, "nodes=%zu\nlinks=%zu\nsteps=%ld\nthreats=%zu\nthreads=%ld\nstatic=%.9g\n"
                "dynamic=%.9g\ndynamic_threads=%.9g\nthreads_same=%d\nadjoint=%.9g\n"
                "adjoint_threads=%.9g\nadjoint_threads_same=%d\nbandwidth=%.9g\n"
                "step_bytes=%.9g\nfraction=%.9g\nload_mb_s=%.9g\nloaded_same=%d\n"
                "cbor_mb=%.9g\nload_s=%.9g\nheld_mib=%.3f\npeak_mib=%.3f\n", n, nnz, steps,
                nthreat, threads, t_static, t_dyn, t_dyn2, same2, t_rank, t_rank2, same_rank2, bw,
                per_step, fraction, cbor_bytes / 1e6 / t_load, same, cbor_bytes / 1e6, t_load,
                mib(held), mib(dyn_peak));
        fclose(f);
    } else {
        figures fig = unmeasured;
        fig.t_static = t_static;
        fig.t_dyn = t_dyn;
        fig.t_dyn2 = t_dyn2;
        fig.t_rank = t_rank;
        fig.t_rank2 = t_rank2;
        fig.threads = (double)threads;
        fig.same2 = same2;
        fig.same_rank2 = same_rank2;
        fig.bw = bw;
        fig.step_bytes = per_step;
        fig.steps = (double)steps;
        fig.peak_mib = mib(dyn_peak);
        report(&fig);
    }
    return same2 == 0 ? 3 : 0;
}
