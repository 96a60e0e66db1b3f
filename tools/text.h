#ifndef TEXT_H
#define TEXT_H

#include "hsec.h"

#include <jansson.h>
#include <stdbool.h>

/* s (len bytes; text_shown: to its NUL) safe to print on a terminal:
 * control characters (below 0x20, 0x7f, U+0080..U+009F) and bytes that
 * are not UTF-8 shown as \n, \t, \r or \xNN, as the library's messages
 * show them. The text lives until eight more calls (one thread). */
const char *text_shown(const char *s);
const char *text_shown_n(const char *s, size_t len);

/* x rounded to dec decimals (0..9) with its thousands separated by commas
 * (18,499,100), never an exponent; lives until 24 more calls (one thread). */
const char *text_num(double x, int dec);

/* A readable summary of a run from its results document alone (the tree
 * of hsec_doc_results_json, or of a saved document: `run` and `show` print
 * the same); *out is malloc'd, NUL-terminated. HSEC_EINVAL, with err
 * (errlen bytes) saying why, when doc is not a results document. */
int text_results(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);

/* The documents as CSV (doc/format.md, "CSV output"), from their trees:
 * a results document (its nodes, series and groups as three tables, a
 * blank line between them; HSEC_EINVAL with err as above), a comparison,
 * an ensemble and a ranking document. *out is malloc'd. */
int text_csv_results(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);
int text_csv_compare(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);
int text_csv_ensemble(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);
int text_csv_rank(char **out, size_t *len, const json_t *doc, char *err, size_t errlen);

/* A readable comparison of packages, from the comparison document's tree
 * (its figures) and the scenario (names, each package's tasks). */
int text_compare(char **out, size_t *len, const json_t *doc, const hsec_scenario *s);

/* The ranking of nodes by marginal burden (u: node_count values n) with
 * their coupling indices (ix: dependency, influence, overall dependency,
 * overall influence, n values each, one after the other), each node's kind
 * and region; only the nodes sel marks (n bytes; NULL: all), the top `top`
 * of them (0: all); mask the measures in force (NULL: all). */
int text_rank(char **out, size_t *len, const double *u, const double *ix, size_t n,
              const hsec_scenario *s, size_t top, const unsigned char *sel,
              const unsigned char *mask);

/* A choice of measures under a budget; exact (may be NULL) the exact
 * search's choice, to compare with. */
int text_choice(char **out, size_t *len, const unsigned char *chosen, double averted,
                     double cost, double budget, bool is_exact, const unsigned char *exact,
                     double xav, double xcost, hsec_scenario *s);

/* Quantiles of an ensemble. */
int text_ensemble(char **out, size_t *len, const hsec_ensemble *e, const double *qs,
                       size_t nq, const hsec_scenario *s);

#endif
