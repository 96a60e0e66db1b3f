#ifndef HSEC_TEXT_H
#define HSEC_TEXT_H

#include "hsec.h"

#include <stdbool.h>

/* A readable summary of a run; *out is malloc'd, NUL-terminated. */
int hsec_text_report(char **out, size_t *len, const hsec_result *r, const hsec_scenario *s);

/* A readable comparison of packages (results[0] the baseline). */
int hsec_text_compare(char **out, size_t *len, hsec_result *const *results, size_t count,
                      const hsec_scenario *s);

/* The ranking of nodes by marginal burden (u: node_count values). */
int hsec_text_rank(char **out, size_t *len, const double *u, size_t n, hsec_scenario *s,
                   size_t top);

/* A choice of measures under a budget; exact (may be NULL) the exact
 * search's choice, to compare with. */
int hsec_text_choice(char **out, size_t *len, const unsigned char *chosen, double averted,
                     double cost, double budget, bool is_exact, const unsigned char *exact,
                     double xav, double xcost, hsec_scenario *s);

/* Quantiles of an ensemble. */
int hsec_text_ensemble(char **out, size_t *len, const hsec_ensemble *e, const double *qs,
                       size_t nq, const hsec_scenario *s);

#endif
