/*
 * Input-output tables read from text files for `hsec import-io`
 * (doc/format.md, "Input-output tables"), parsed with libcsv.
 *
 * Two layouts, told apart by the first line: one holding a tab is the
 * tab-separated multi-index text that EXIOBASE 3 and pymrio write (header
 * rows and label columns are the leading rows and columns that are not
 * numbers; a label column past the levels of the header is a unit column,
 * ignored); any other is RFC 4180 CSV with one label row and one label
 * column.
 */
#ifndef IOTABLE_H
#define IOTABLE_H

#include <stddef.h>

typedef struct iotable {
    size_t n;         /* sectors */
    double *z;        /* n x n, row-major */
    double *x;        /* n total outputs, or NULL */
    double *y;        /* n x 2: per row the sums of the positive and of the
                         negative entries of final demand (so that a row of
                         entries that cancel is not taken for a zero row),
                         or NULL */
    char **sectors;   /* n labels */
    char **regions;   /* n labels, or NULL for a single-region table */
} iotable;

/* Read Z from zpath and either final demand from ypath or total output
 * from xpath (the other NULL). 0, or -1 with a message (naming the file,
 * row, column and value) in err. */
int iotable_read(iotable *t, const char *zpath, const char *ypath, const char *xpath,
                 char *err, size_t errsize);
void iotable_free(iotable *t);
/* The sector a --shock names: by its service id (ids: n entries, NULL for
 * a dropped sector), else by its label ("food"), or for a multi-regional
 * table by "region:sector" of labels. Its index; -1 when none matches, -2
 * when labels match several (the id tells them apart). */
long iotable_find(const iotable *t, const char *const *ids, const char *name);

#endif
