/*
 * testutil.h - what the Check suites share: running a built program and
 * reading its row, and a main() that runs one suite.
 */
#ifndef EVB_TESTUTIL_H
#define EVB_TESTUTIL_H

#include <check.h>
#include <stddef.h>

#include "evb_row.h"
#include "evb_spawn.h"

/* Path of a built program: EVB_BIN_DIR "/" name. */
const char *tu_bin(const char *name);

/*
 * Run build/bin/<prog> with the NULL-terminated args (without argv[0]) and
 * a timeout.  Returns the spawn result (free with evb_spawn_result_free);
 * fails the test when the program cannot be started.
 */
struct evb_spawn_result tu_run(const char *prog, const char *const *args, double timeout_s);

/* All stderr lines of the last tu_run, newline-separated. */
const char *tu_stderr(void);

/*
 * Run prog with args and expect a usage error: exit 2, nothing on stdout,
 * and needle somewhere in the message on stderr.
 */
void tu_expect_usage_error(const char *prog, const char *const *args, const char *needle);

/*
 * Run a driver and parse the one row it must print.  Fails the test when
 * stdout is not exactly one row of the schema.  Returns the exit status.
 */
int tu_run_row(const char *prog, const char *const *args, double timeout_s,
	       struct evb_row *row);

/*
 * Lines of a driver's --list (CSV, header skipped), as records.  A variant
 * whose traits name io_uring setups ("uring_setup=default,coop,defer") is
 * one entry per setup, uring_setup set: the first keeps the listed support,
 * the others are supported where this kernel takes the setup's flags
 * (evb_uring_supported, its reason otherwise).
 */
struct tu_list_entry {
	char mechanism[64];
	char variant[64];
	int supported;
	char reason[256];
	char traits[128];
	char uring_setup[16];   /* "" for a mechanism without a ring */
};
size_t tu_list(const char *prog, struct tu_list_entry *out, size_t max);

/*
 * Append e's --mechanism, --variant and --uring-setup (those it has) to
 * args at *n; after a run, check that the row carries the same three.
 */
void tu_entry_args(const struct tu_list_entry *e, const char **args, size_t *n);
void tu_check_entry_row(const struct tu_list_entry *e, const struct evb_row *row);
/*
 * Run prog on entry e with the extra args (NULL-ended) and --timeout T
 * (its own, e.g. "20s"), waiting up to wait_s: tu_run_row's row and exit
 * status; the row checked to carry e's mechanism, variant and setup.
 */
int tu_run_entry(const char *prog, const struct tu_list_entry *e, const char *const *extra,
		 const char *timeout, double wait_s, struct evb_row *row);

/* Does haystack contain needle?  For error-message checks. */
int tu_contains(const char *haystack, const char *needle);

/* A fresh empty directory under $TMPDIR (or /tmp); caller removes it. */
void tu_tmpdir(char *path, size_t len);
/* rm -r path (only things tests made). */
void tu_rmtree(const char *path);

/* Run one suite with CK_NORMAL output; returns the process exit status. */
int tu_main(Suite *suite);

/*
 * Binomial bounds for simulations: how many of n trials may go a way whose
 * chance is at most p, so that a rate of p exceeds the count only with a
 * chance of at most tail: the smallest k with P(Bin(n, p) > k) <= tail.
 * A false-call count above tu_binom_most(n, 0.05, tail) says the rate is
 * above 5%, wrongly with a chance of at most tail.
 */
size_t tu_binom_most(size_t n, double p, double tail);
/* The other side: how few of n trials may go a way whose chance is at
 * least p, the largest k with P(Bin(n, p) < k) <= tail. */
size_t tu_binom_least(size_t n, double p, double tail);

/* The whole file, NUL-terminated (free() it); fails the test when unreadable. */
char *tu_slurp(const char *path);
/* A row's min, percentiles and max: present exactly where the samples
 * support them (evb_row_samples_for) and in order. */
void tu_check_percentiles(const struct evb_row *row, const char *what);

/*
 * The row's cpu_distance says how far apart its cpus are: "" free or one
 * side, "same" for one CPU twice, else what evb_cpu_distance reads from
 * this machine's sysfs for the pair.
 */
void tu_check_cpu_distance(const struct evb_row *row, const char *what);
/* A skipped row: the driver exited 3 and said why. */
void tu_check_skipped(const struct evb_row *row, int status, const char *what);
/* 0 when the row is not skipped; else tu_check_skipped and 1. */
int tu_is_skipped(const struct evb_row *row, int status, const char *what);
/*
 * An ok row (exit 0) whose counts are exact: sent == delivered == total,
 * nothing lost or spurious, `samples` samples with their percentiles
 * (tu_check_percentiles) and a positive min.
 */
void tu_check_ok_exact(const struct evb_row *row, int status, int64_t total, int64_t samples,
		       const char *what);

#endif
