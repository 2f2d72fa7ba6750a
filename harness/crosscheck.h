/*
 * crosscheck.h - the cross-check's result per cell, shared by crosscheck.c
 * (the check and `evbench crosscheck`) and crosscheck_out.c (its CSV).
 */
#ifndef HARNESS_CROSSCHECK_H
#define HARNESS_CROSSCHECK_H

#include <stddef.h>
#include <stdint.h>

#include "plan.h"

#define AGREE_WITHIN 0.15       /* slope / in-process figure beyond 1 +- this: flagged */

struct xc_result {
	char cell[256];
	const struct harness_cell *c;
	int64_t n_small, n_large;
	double t_small_s, t_large_s;
	double slope_ns, inprocess_ns;
	const char *inprocess_figure;
	double ratio;
	const char *status;
	char reason[400];
};

/* crosscheck, or crosscheck-<UTC time>[-N] when the run already has a check;
 * checked_at: the UTC time, ISO 8601. */
void xc_output_stem(const char *run_dir, char *stem, size_t len, char *checked_at,
		    size_t at_len);
/* path: the rows of x as crosscheck.csv.  0, or -errno with error set. */
int xc_write_file(const char *path, const struct xc_result *x, size_t n,
		  const char *checked_at, char *error, size_t len);

#endif
