/*
 * claims.h - the claims engine: each published claim evbench tests is
 * put to one or more tests, each test compares cells of this run named by
 * every axis, and each verdict comes from an interval, never from a point.
 *
 * A test is either a ratio of two cells (median over the numerator cell's
 * repetitions divided by the denominator's, with the order-statistic
 * interval of that ratio, evb_ratio_median_ci) or a level of one cell (its
 * median over repetitions with the order-statistic interval,
 * evb_median_precision).  Both are distribution-free and labelled with the
 * coverage they reach at the n they have: 93.75% for a level at 5
 * repetitions, at least 87.9% for a ratio at 5 per side.  A percentile
 * bootstrap is not used: at 3 per side it can only return [b(1)/a(3),
 * b(3)/a(1)] whatever its label says, and its coverage at 5 is not known.
 * Hodges-Lehmann on logs with Mann-Whitney's exact coverage is not used
 * either: that coverage holds only when the two cells differ by a pure
 * factor (one shape), which two mechanisms' repetitions need not share.
 * The verdict is
 *   holds          the whole interval is on the claim's side of the threshold
 *                  (CLAIM_WITHIN: inside the band around it)
 *   does not hold  the whole interval is on the other side (outside the band)
 *   inconclusive   the interval straddles the threshold, or a side has
 *                  fewer than CLAIM_MIN_REPS repetitions, or a repetition
 *                  cannot decide (claim_test.unjudged, .partial)
 *   not measured   a cell did not run, was never ok, or recorded no value
 * Values come from results.csv's ok rows only (docs/methodology.md's claims rule),
 * except in a test that counts every run (claim_test.every_run).
 * claims.c holds the engine, claims_table.c the report's table;
 * claims_<family>.c the claims themselves, which the engine reaches
 * through struct harness_family's claims.
 */
#ifndef HARNESS_CLAIMS_H
#define HARNESS_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "evb_axes.h"
#include "evb_csv.h"

/* 5 repetitions: [min, max] covers a median with 93.75% (3 gave 75%). */
#define CLAIM_MIN_REPS 5
#define CLAIM_CONF 0.95
#define CLAIM_MAX_TESTS 12  /* tests per claim (CLAIM_COUNT refuses more at compile time) */

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
	/* holds when the value lies in [threshold / factor, threshold x factor]:
	 * a published number judged on both sides (it can be too high or too
	 * low); the interval can miss the band on either side, so its tail is
	 * twice a one-sided test's */
	CLAIM_WITHIN,
	CLAIM_NO_THRESHOLD,  /* CLAIM_INFO: the value only */
};

/*
 * Figures of one repetition: any numeric results.csv column, or
 *   cpu_ns_per_op          (cpu_user_ns + cpu_sys_ns) / operations
 *   machine_cpu_ns_per_op  machine_cpu_ns / operations
 *   cpu_ab_ns_per_op       (cpu_a_ns + cpu_b_ns) / operations: both sides'
 *                          threads, from their CPU clocks
 *   mem_bytes_per_fd       rss_bytes_per_fd + slab_bytes_per_fd
 *   rss_bytes              rss_bytes_per_fd x nfds: the user memory in all
 *   refused                1 for a skipped row whose reason contains the
 *                          test's refusal, 0 for an ok row (it ran); other
 *                          rows give none (claim_test.refusal)
 *   delivered_share        delivered / sent
 *   server_cpu_ns_per_op   serve: server_cpu_ns / samples (per measured request;
 *   client_cpu_ns_per_op   client_cpu_ns, wakeups likewise)
 *   wakeups_per_op
 * where operations is delivered, else samples (as summary.csv counts them);
 * a serve row's are its samples (its CPU figures are the measured window's).
 */
struct claim_test {
	const char *what;           /* what is compared, for the table */
	const char *figure;
	struct claim_cell num;
	struct claim_cell den;      /* den.family NULL: a level test of num */
	enum claim_side side;
	double threshold;
	double factor;              /* CLAIM_WITHIN: the band's width each way (> 1) */
	const char *if_empty;       /* why a figure can be empty (e.g. no slabinfo) */
	/*
	 * NULL, or a reason prefix: an ok repetition whose reason starts with
	 * it measured something other than the mechanism (serve's "client-bound":
	 * the load generator was the bottleneck).  Its value is shown, but a
	 * test with such a repetition on either side is inconclusive.
	 */
	const char *unjudged;
	/*
	 * NULL, or a reason prefix: an ok repetition whose reason starts with
	 * it counted only part of the figure, a lower bound (mux register's
	 * "slab:" when the kernel merged one of the caches into another).  A
	 * verdict the bias could have made is inconclusive: on the numerator a
	 * test at least the threshold can hold but not fail.
	 */
	const char *partial;
	/*
	 * Count every run that recorded the figure, whatever its status: the
	 * row of a queued signal that was lost is failed (nothing may be lost),
	 * and that loss is what the claim is about.
	 */
	bool every_run;
	/*
	 * figure "refused": the reason (a substring) a cell is refused for, as
	 * a limit the claim states makes the driver refuse it (select's fd_set:
	 * "FD_SETSIZE 1024").  Skipped rows are read for it, and count as runs,
	 * not as rows that were not ok.
	 */
	const char *refusal;
};

struct claim_outcome {
	enum claim_verdict verdict;
	bool judged;                   /* a test with a threshold */
	double value, lo, hi, level;   /* ratio or level, its interval, coverage */
	/* value / threshold (CLAIM_WITHIN: the published value): how far the
	 * measured value lies from what it is judged against; NAN without one */
	double margin;
	/* at most the chance that the interval lies wholly on one given side of
	 * the true value: (1 - level) / 2 for a level, see evb_ratio_median_ci;
	 * 0 when the test could not have failed (too few repetitions) */
	double tail;
	double num_median, den_median;
	size_t num_reps, den_reps;     /* repetitions with a value */
	size_t not_ok;                 /* every_run: of them, rows not ok */
	char why[640];                 /* not measured / inconclusive: why */
};

struct claim {
	const char *text;            /* the claim, as quoted */
	const char *test;            /* how it is put to the test */
	const struct claim_test *tests;
	size_t ntests;
	/* 0, or the tests form consecutive groups of this many, one verdict
	 * each (one per variant), as verdict writes them. */
	size_t group;
	/* NULL: the verdict combines the tests' (claim_combine); else writes
	 * the claim's verdict itself. */
	void (*verdict)(const struct claim_outcome *outcomes, char *buf, size_t len);
};

/* Put test t to the run's results.csv. */
void claim_evaluate(const struct evb_table *results, const struct claim_test *t,
		    struct claim_outcome *out);

/*
 * The combined verdict of n outcomes: any does not hold > not measured >
 * inconclusive > holds; tests without a threshold do not count.  A true
 * claim is called "does not hold" with a chance of at most the sum of its
 * tests' tails (claim_false_fail), a false one "holds" with at most the
 * tail of a test it fails, since every test must hold.
 */
enum claim_verdict claim_combine(const struct claim_outcome *outcomes, size_t n);

/* That bound for a claim's n outcomes, the largest over its groups (group
 * tests each; 0: one); NAN when no test was judged. */
double claim_false_fail(const struct claim_outcome *outcomes, size_t n, size_t group);

/* A claim's tests array's length; a claim of more than CLAIM_MAX_TESTS
 * tests does not compile (a negative bit-field width), as the table the
 * report fills has room for that many. */
#define CLAIM_COUNT(a) \
	(sizeof(a) / sizeof((a)[0]) + \
	 0 * sizeof(struct { int too_many_tests : sizeof(a) / sizeof((a)[0]) <= CLAIM_MAX_TESTS ? 1 : -1; }))

#endif
