/*
 * claims.h - the claims engine: each published claim evbench tests is
 * put to one or more tests, each test compares cells of this run named by
 * every axis, and each verdict comes from an interval, never from a point.
 *
 * A test is either a ratio of two cells (median over the numerator cell's
 * ok repetitions divided by the denominator's, with a 95% percentile-
 * bootstrap interval of that ratio, evb_bootstrap_ratio_ci) or a level of
 * one cell (its median over ok repetitions with the order-statistic
 * interval, evb_median_precision).  The verdict is
 *   holds          the whole interval is on the claim's side of the threshold
 *   does not hold  the whole interval is on the other side
 *   inconclusive   the interval straddles the threshold, or a side has
 *                  fewer than CLAIM_MIN_REPS ok repetitions
 *   not measured   a cell did not run, was never ok, or recorded no value
 * Values come from results.csv's ok rows only (the README's claims rule).
 * claims.c holds the engine; claims_<family>.c the claims themselves,
 * which the engine reaches through struct harness_family's claims.
 */
#ifndef HARNESS_CLAIMS_H
#define HARNESS_CLAIMS_H

#include <stddef.h>

#include "evb_axes.h"
#include "evb_csv.h"

#define CLAIM_MIN_REPS 3
#define CLAIM_CONF 0.95
#define CLAIM_MAX_TESTS 8   /* tests per claim */

/* One cell, every axis named (evb_axes.h, in its order); NULL means empty. */
#define CLAIM_CELL_AXIS(kind, name, flag, slug, label) const char *name;
struct claim_cell {
	EVB_AXES(CLAIM_CELL_AXIS)
};
#undef CLAIM_CELL_AXIS

enum claim_verdict {
	CLAIM_HOLDS,
	CLAIM_FAILS,
	CLAIM_INCONCLUSIVE,
	CLAIM_NOT_MEASURED,
	CLAIM_INFO,          /* shown for context, judged by nothing */
};

extern const char *const claim_verdict_names[];

enum claim_side {
	CLAIM_AT_LEAST,      /* holds when the value is >= threshold */
	CLAIM_AT_MOST,       /* holds when the value is <= threshold */
	CLAIM_NO_THRESHOLD,  /* CLAIM_INFO: the value only */
};

/*
 * Figures of one repetition: any numeric results.csv column, or
 *   cpu_ns_per_op          (cpu_user_ns + cpu_sys_ns) / operations
 *   machine_cpu_ns_per_op  machine_cpu_ns / operations
 *   mem_bytes_per_fd       rss_bytes_per_fd + slab_bytes_per_fd
 *   delivered_share        delivered / sent
 *   server_cpu_ns_per_op   serve: server_cpu_ns / samples (per measured request;
 *   client_cpu_ns_per_op   client_cpu_ns, wakeups likewise)
 *   wakeups_per_op
 * where operations is delivered, else samples (as summary.csv counts them).
 */
struct claim_test {
	const char *what;           /* what is compared, for the table */
	const char *figure;
	struct claim_cell num;
	struct claim_cell den;      /* den.family NULL: a level test of num */
	enum claim_side side;
	double threshold;
	const char *if_empty;       /* why a figure can be empty (e.g. no slabinfo) */
	/*
	 * NULL, or a reason prefix: an ok repetition whose reason starts with
	 * it measured something other than the mechanism (serve's "client-bound":
	 * the load generator was the bottleneck).  Its value is shown, but a
	 * test with such a repetition on either side is inconclusive.
	 */
	const char *unjudged;
};

struct claim_outcome {
	enum claim_verdict verdict;
	double value, lo, hi, level;   /* ratio or level, its interval, coverage */
	double num_median, den_median;
	size_t num_reps, den_reps;     /* ok repetitions with a value */
	char why[640];                 /* not measured / inconclusive: why */
};

struct claim {
	const char *text;            /* the claim, as quoted */
	const char *test;            /* how it is put to the test */
	const struct claim_test *tests;
	size_t ntests;
	/* NULL: the verdict combines the tests' (any fails > not measured >
	 * inconclusive > holds); else writes the claim's verdict itself. */
	void (*verdict)(const struct claim_outcome *outcomes, char *buf, size_t len);
};

/* Put test t to the run's results.csv. */
void claim_evaluate(const struct evb_table *results, const struct claim_test *t,
		    struct claim_outcome *out);

/* The combined verdict of n outcomes (CLAIM_INFO ones do not count). */
enum claim_verdict claim_combine(const struct claim_outcome *outcomes, size_t n);

#define CLAIM_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
