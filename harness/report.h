/*
 * report.h - report.html and report.md: what a person takes away from a run.
 *
 * The generic parts (header, environment, cells that did not run,
 * cross-check) live in report.c; the claims in claims.c (engine) and
 * claims_<family>.c; how far the numbers can be trusted (a note under every
 * table of figures, and its own section) in report_trust.c.  Each family
 * writes its own section (report_<family>.c) from the summary: its figures
 * and tables of its key cells, each followed by report_trust_note.
 */
#ifndef HARNESS_REPORT_H
#define HARNESS_REPORT_H

#include <stddef.h>

#include "doc.h"
#include "evb_csv.h"

struct report_ctx {
	struct doc *doc;
	const struct evb_table *summary;
	const struct evb_table *results;
	const struct evb_table *crosscheck;   /* rows == 0 when there is none */
	const char *run_dir;
	char **result_keys;    /* per results.csv row: its cell key (harness_row_key) */
};

/*
 * What a table of figures rests on: the summary rows (cells) it showed and
 * the intervals of the values it printed.  Fill it with report_cell, print
 * it under the table with report_trust_note.
 */
#define REPORT_TRUST_MAX 512
struct report_trust {
	long rows[REPORT_TRUST_MAX];     /* distinct summary rows shown */
	size_t nrows;
	double halfwidth[REPORT_TRUST_MAX];   /* % of the value, per value with a CI */
	size_t nhalfwidth;
	size_t pct_missing;              /* ok cells whose percentile is empty */
	char pct_names[64];              /* which percentiles ("p99 p999") */
};

/* Write RUN/report.html and RUN/report.md.  0, or -errno with error set. */
int harness_report(const char *run_dir, char *error, size_t error_len);

/* Number formatting for tables: "12.3 us", "1.52 M/s", "-" for NAN. */
void report_fmt_ns(char *buf, size_t len, double ns);
void report_fmt_rate(char *buf, size_t len, double per_s);
void report_fmt_pct(char *buf, size_t len, double pct);

/* A summary value of the cell matching kv (see harness_find_row); NAN when
 * absent or not ok. */
double report_value(const struct evb_table *summary, const char *const *kv, const char *column);

/*
 * report_value, noted in t (may be NULL): the cell, the half-width of the
 * value's interval (columns X_median with X_ci_lo/X_ci_hi), and a
 * percentile the runs had too few samples for (printed as "-").
 */
double report_cell(const struct report_ctx *ctx, struct report_trust *t, const char *const *kv,
		   const char *column);
/* Under a table: repetitions, interval and coverage, half-width, precision
 * target, driver runs not ok, percentiles left empty. */
void report_trust_note(const struct report_ctx *ctx, const struct report_trust *t);
/* The section "How far to trust these numbers". */
void report_trust_section(const struct report_ctx *ctx);

/*
 * Distinct mechanism/variant pairs of family's summary rows (of mode, when
 * not NULL), in first-seen order: names[i][0] the mechanism, [1] the variant.
 */
size_t report_mechanisms(const struct evb_table *summary, const char *family, const char *mode,
			 char names[][2][64], size_t max);

/* "notify eventfd/counter pingpong thread same-cpu", numbers named. */
void report_cell_label(const struct evb_table *summary, size_t row, char *buf, size_t len);

/* The published claims evbench tests, beside what this run measured. */
void report_claims(const struct report_ctx *ctx);

#endif
