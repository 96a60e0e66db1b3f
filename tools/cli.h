/*
 * What the command-line programs share (hsec, hsec-mpi): parsing a
 * command's options, loading its scenario, the progress bar, Ctrl-C, and
 * writing a command's document in the format asked for. Messages start
 * with the program's name (cli_name).
 */
#ifndef HSEC_TOOLS_CLI_H
#define HSEC_TOOLS_CLI_H

#include "hsec.h"

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_BAD 1
#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130 /* 128 + SIGINT, as a shell reports a Ctrl-C */

/* Each program defines its usage text; cli_name is "hsec" unless set. */
extern const char usage[];
extern const char *cli_name;

/* A message on standard error, after "NAME: ". */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_err(const char *fmt, ...);

/* fmt's one %s is arg (from the command line: shown escaped). */
int usage_error(const char *fmt, const char *arg);
/* " (did you mean "x"?)" for the nearest of count names get(ctx, i) to
 * name, or "" (in a buffer of its own: one message at a time). */
const char *did_you_mean(const char *name, const void *ctx, size_t count,
                         const char *(*get)(const void *ctx, size_t i));
/* An option cmd does not take: the nearest it does, and where its help is. */
int unknown_option(const char *cmd, const char *opt);

/* Ctrl-C: a flag the progress callback turns into a cancel. */
extern volatile sig_atomic_t interrupted;
void catch_interrupt(void);
bool interrupted_before_output(void);
int stopped(void);

/* --max-memory BYTES, for every loader (0: the loader's default). */
extern uint64_t max_memory;
int memory_option(int argc, char **argv, int i);
hsec_loader *new_loader(void);
const char *doc_kind(const json_t *d);
hsec_scenario *load(const char *path);
int write_file(const char *path, const char *text, size_t len);
int format_of(const char *name);

/* Options shared by the commands that run a scenario. */
typedef struct opts {
    const char *path, *out, *format;
    bool text, binary, csv;
} opts;

typedef int (*extra_fn)(void *ctx, int argc, char **argv, int i);
int parse(opts *o, const char *cmd, int argc, char **argv, extra_fn extra, void *ctx);
bool drop(char **doc);
int emit(const opts *o, int rc, char *doc, size_t len);
typedef int (*tree_fn)(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);
int render_tree(char **doc, size_t *len, tree_fn fn, char *err, size_t errlen);
int start(opts *o, const char *cmd, int argc, char **argv, extra_fn extra, void *ctx,
          hsec_scenario **s);
bool decimal(const char *v);
int number_option(const char *cmd, int argc, char **argv, int i, double *out, bool whole,
                  double lo, double hi);
int run_failed(const char *path, hsec_scenario *s);
void print_warnings(const hsec_scenario *s, const hsec_result *r);
void diagnose_and_warn(hsec_scenario *s);

/* Which measures are in force: --package ID|none or --measures A,B. */
typedef struct force {
    const char *package, *measures;
} force;
int force_option(force *f, const char *cmd, int argc, char **argv, int i);
int force_mask(unsigned char **mask, const force *f, hsec_scenario *s, const char *path,
               const char *cmd);

/* Progress: a bar on standard error when it is a terminal, and always the
 * way a Ctrl-C reaches the library (nonzero: cancel). */
typedef struct bar {
    const char *label;
    int shown; /* last percentage drawn, -1 before the first */
    bool draw;
} bar;
void bar_start(bar *b, const char *label);
/* Draw done of total on the bar user (when it draws): the library's
 * progress callback, 1 (cancel) when interrupted, else 0. */
int draw_bar(void *user, uint64_t done, uint64_t total);
void progress_bar(hsec_scenario *s, bar *b, const char *label);
void end_bar(const bar *b);

typedef struct optimize_opts {
    double budget;
    bool have_budget, exact;
} optimize_opts;
int optimize_option(void *ctx, int argc, char **argv, int i);
/* optimize's options parsed into o and oo (--budget required): 0 or the
 * exit status. */
int optimize_parse(opts *o, optimize_opts *oo, int argc, char **argv);

typedef struct ensemble_opts {
    double members, threads; /* NaN: not given */
    force f;
} ensemble_opts;
int ensemble_option(void *ctx, int argc, char **argv, int i);
/* The command line's --members and --threads set on s (0, or the exit
 * status, s then freed). */
int ensemble_settings(const opts *o, const ensemble_opts *eo, hsec_scenario *s);

/* The commands' documents written as o asks (json, text, csv) to -o FILE
 * or standard output: the exit status. The caller keeps its arguments. */
int ensemble_output(const opts *o, const hsec_ensemble *e, const hsec_scenario *s);
/* branches: (count - 1) x HSEC_BRANCH_COUNT values, package-major. */
int compare_output(const opts *o, hsec_result *const *res, size_t count, hsec_scenario *s,
                   const double *branches);
/* The comparison document doc (len bytes, hsec_free_string's; rc the code
 * that made it) written as o asks; takes doc. */
int compare_written(const opts *o, int rc, char *doc, size_t len, const hsec_scenario *s);
/* exact (NULL: no exact search ran) and xav, xcost: the exact search's
 * choice, checked against or taken as the choice (oo->exact). */
int optimize_output(const opts *o, const optimize_opts *oo, const unsigned char *chosen,
                    double averted, double cost, const unsigned char *exact, double xav,
                    double xcost, hsec_scenario *s);

#endif
