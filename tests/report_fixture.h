/*
 * report_fixture.h - synthetic run directories for the claims and report
 * tests: rows with known values written through the results.csv schema,
 * an env.csv, then `evbench summarize` and `evbench report`, and the
 * report read back.
 */
#ifndef EVB_REPORT_FIXTURE_H
#define EVB_REPORT_FIXTURE_H

#include <stdio.h>

#include "evb_row.h"

/* A cell's axes as results.csv writes them; NULL is empty. */
struct fx_cell {
	const char *family, *mechanism, *variant, *mode, *ipc, *placement, *fd_type;
	const char *nfds, *active, *period_ns, *timers, *timer_slack_ns, *sched, *load;
	const char *connections, *depth, *msg_size, *work_ns, *rate, *arrival, *uring_setup;
	const char *slo_ns;
};

/* Open DIR/results.csv and write the header. */
FILE *fx_open(const char *dir);

/* An ok row of cell c, repetition rep, with the counts of a clean run of
 * 2000 samples; the caller sets the figures and writes it. */
void fx_row(struct evb_row *row, const struct fx_cell *c, int rep);

/* Write a row (fails the test on error). */
void fx_write(FILE *f, const struct evb_row *row);

/* One ok latency row per value: p50 = values[i] ns (p99 = 2 x p50). */
void fx_latency(FILE *f, const struct fx_cell *c, const double *values, int n);

/* Close results.csv, write env.csv, run summarize and report (both must
 * exit 0) and return report.md (free() it); *html gets report.html. */
char *fx_finish(FILE *f, const char *dir, char **html);
/* The same, with env_extra ("key,value\n" lines; NULL: none) in env.csv. */
char *fx_finish_env(FILE *f, const char *dir, const char *env_extra, char **html);

/* The line of text holding needle (a copy; free() it), or NULL. */
char *fx_line(const char *text, const char *needle);

/* A claim's first row in the table of report's "Claim details" (a copy;
 * free() it); fails the test when there is none. */
char *fx_claim_line(const char *report, const char *claim);
/* A claim's one line in the compact claims table (the whole claim text
 * given); fails the test when there is none. */
char *fx_compact_claim_line(const char *report, const char *claim);
/* That row must give the claim's verdict. */
void fx_expect_claim(const char *report, const char *claim, const char *verdict);

#endif
