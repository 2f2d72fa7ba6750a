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

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "evb_csv.h"

struct harness_run;

struct report_ctx {
	struct doc *doc;
	const struct evb_table *summary;
	const struct evb_table *results;
	const struct evb_table *crosscheck;   /* rows == 0 when there is none */
	const char *run_dir;
	char **result_keys;    /* per results.csv row: its cell key (harness_row_key) */
	const struct harness_run *run;        /* its env.csv */
	/*
	 * `report RUN --beside RUN2`: RUN2's context (writing to the same doc),
	 * whose ok cells the seed tables show where RUN's are not ok
	 * (report_beside_pick); NULL without --beside.  In RUN2's context,
	 * label is how its cells are marked ("vm tcg 6.1.0-56", else RUN2's
	 * directory name); NULL in RUN's.
	 */
	const struct report_ctx *beside;
	const char *label;
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
/* The same, with RUN2's cells beside RUN's in the seed tables (beside_dir
 * NULL: none).  An error about RUN2 starts with "--beside RUN2: ". */
int harness_report_beside(const char *run_dir, const char *beside_dir, char *error,
			  size_t error_len);

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
/* Its paragraph per sentinel of sentinel.csv (report_sentinel.c). */
void report_sentinel(const struct report_ctx *ctx);

/*
 * Distinct mechanism/variant pairs of family's summary rows (of mode, when
 * not NULL), in first-seen order: names[i][0] the mechanism, [1] the variant.
 */
size_t report_mechanisms(const struct evb_table *summary, const char *family, const char *mode,
			 char names[][2][64], size_t max);

/* report_run.c: the title and the run's one-line identity (host, kernel,
 * profile, complete or not, driver runs); "This run" (the machine, its
 * warnings, the driver runs); the cells that did not run; the cross-check;
 * env.csv. */
void report_identity(const struct report_ctx *ctx);
void report_run_section(const struct report_ctx *ctx);
void report_not_run(const struct report_ctx *ctx);
void report_crosscheck(const struct report_ctx *ctx);
void report_environment(const struct report_ctx *ctx);

/* "notify eventfd/counter pingpong thread same-cpu", numbers named. */
void report_cell_label(const struct evb_table *summary, size_t row, char *buf, size_t len);

/*
 * The published claims evbench tests, beside what this run measured
 * (claims_table.c): report_claims the compact table, one line per claim
 * (in HTML each opens onto its tests); report_claim_details how the tests
 * are judged and, in Markdown, every test of every claim.
 */
void report_claims(const struct report_ctx *ctx);
void report_claim_details(const struct report_ctx *ctx);

/*
 * A family's key result, on the report's first screen (report_keys.c): its
 * headline figure ranked over the mechanisms of one cell (the fastest and
 * the slowest, each with its interval), and how a figure grows along an
 * axis the family scans.  Each family defines its own in family_<f>.c and
 * says there why that cell.  A kv value "a|b" matches either ("" too:
 * "|1" is empty or 1); a pair a key leaves out matches anything, and a
 * mechanism with several such rows is ranked by its first.
 */
#define REPORT_KEY_CELLS 4
struct report_key_cell {
	const char *where;           /* "on two CPUs", said after what */
	const char *const *kv;       /* column, value pairs; NULL-terminated */
};

struct report_key {
	const char *title;           /* after the family's name on its card; NULL: none */
	struct {
		const char *name, *caption;
	} figures[4];                /* its figure: the first of these drawn; NULL ends */
	const char *what;            /* "round trip between two threads" */
	const char *figure;          /* the summary figure ranked: "p50", "ops_per_s" */
	bool higher_is_better;       /* the fastest has the most (a rate) */
	/* tried in order: the first where a mechanism ran ok is ranked */
	struct report_key_cell cells[REPORT_KEY_CELLS];
	/* ok repetitions whose reason starts with one of these are a floor,
	 * not the server (serve's "client-bound"); NULL-terminated, may be NULL */
	const char *const *marks;
	struct {
		const char *axis;        /* "nfds"; NULL: the family scans nothing */
		const char *unit;        /* " fds" after a count; NULL: the axis is in ns */
		const char *figure;      /* "p50" */
		const char *what;        /* "scan time" */
		const char *const *kv;   /* every other axis that is fixed */
	} scan;
};

/* The section "Key results": per family its figure and a few lines. */
void report_keys(const struct report_ctx *ctx);
/* Does summary row r match kv (a report_key's pairs: "a|b" either, "a*" a
 * prefix, "!a" anything but)? */
bool report_key_matches(const struct evb_table *s, size_t r, const char *const *kv);
/* The key's curve, one line: how its scan figure grows (report_keys_scan.c);
 * nothing when no mechanism was measured at two sizes. */
void report_key_scan(const struct report_ctx *ctx, const struct report_key *key);

/*
 * report_beside.c: a run measured inside a VM, and a run shown beside
 * another (--beside).
 */

/* "qemu tcg, guest kernel 6.1.0-56, 2 CPUs, 2048 MiB", "" when run has no
 * vm_accel in its env.csv. */
void report_vm_text(const struct harness_run *run, char *buf, size_t len);
/* The header's paragraphs: the VM this run was measured in, if any, and
 * the run beside it, if any. */
void report_vm_header(const struct report_ctx *ctx);

/* Make beside (read from its run_dir) the run beside ctx's, its label
 * written to label. */
void report_beside_attach(struct report_ctx *ctx, struct report_ctx *beside, char *label,
			  size_t label_len);

/* What one table showed of the beside run: its cells, for the note under
 * the table (report_beside_pick fills it, report_beside_note prints it). */
struct report_beside {
	struct report_trust trust;   /* their intervals, apart from the run's own */
	size_t ncells;
	char cells[512];             /* their short names, comma-separated */
};

/*
 * Whose cell kv a table shows: ctx's when its row there is ok or partial
 * (a run's own values are never replaced) or there is no beside run;
 * ctx->beside's when the row is ok or partial there, then counted in b
 * (may be NULL) under the short name what; else ctx's (a skipped, failed
 * or absent cell).  Read the cell from the context returned, note it in
 * b->trust when that is ctx->beside, and mark it with report_beside_mark.
 */
const struct report_ctx *report_beside_pick(const struct report_ctx *ctx, const char *const *kv,
					    struct report_beside *b, const char *what);
/* Append " [label]" to buf when from is a beside run's context. */
void report_beside_mark(const struct report_ctx *from, char *buf, size_t len);
/* Under a table (after its own trust note): which cells came from the beside
 * run, what that run was, and how far to trust those cells.  Nothing when
 * none did. */
void report_beside_note(const struct report_ctx *ctx, const struct report_beside *b);

#endif
