/*
 * fixture.h - the tests' kit of synthetic run directories (prefix fx_):
 *   fixture_results.c  results.csv in the current schema (written with
 *                      evb_row_write) with spread repetitions, env.csv, and
 *                      optionally sentinel.csv and plan.csv in the formats
 *                      `evbench run` writes (docs/methodology.md, "What a
 *                      run produces"); and `evbench compare` run on them:
 *                      the summary, compare and fuzz tests
 *   fixture_summary.c  rows with known values per cell (struct fx_cell,
 *                      one field per axis of EVB_AXES), then `evbench
 *                      summarize` and `evbench report`, and the report read
 *                      back: the claims and report tests
 *   fixture_run.c      `evbench run` in a temporary directory whose
 *                      evb-notify is tests/fake_driver (struct
 *                      fx_fake_run), and the files it leaves read back:
 *                      the run tests
 */
#ifndef EVB_FIXTURE_H
#define EVB_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "evb_axes.h"
#include "evb_row.h"

struct fx_run {
	size_t ncells;          /* every 10th is a throughput cell (ops/s) */
	int reps;
	double scale;           /* latency x scale, throughput / scale */
	double cv;              /* spread of the repetitions (lognormal sigma) */
	uint64_t seed;
	bool sentinel;          /* write sentinel.csv (20 same-cpu measurements) */
	bool sentinel_cross;    /* ... and 20 cross-cpu ones (runs since evbench has two) */
	double sentinel_scale;  /* the same-cpu sentinel's latency x this (0: x scale) */
	bool plan;              /* write plan.csv */
	long plan_iterations;   /* iterations in plan.csv for the even cells */
	const char *env_extra;  /* more "key,value\n" lines for env.csv, or NULL */
	int rounds;             /* rep r came in round (r - 1) % rounds + 1 (0: 1) */
	bool record_rounds;     /* ... and results.csv's round says so */
	double round_drift;     /* round k's values x (1 + drift)^(k - 1): the host */
	double boot_sd;         /* each cell's values in a round x exp(boot_sd Z), Z
				 * ~ N(0, 1) drawn once per cell and round: what one
				 * boot of this kernel does to it alone */
};

/* Write dir/results.csv, dir/env.csv and what spec asks for; fails the test
 * on any error. */
struct evb_rng;
/* A standard normal draw (Box-Muller), for the simulations. */
double fx_normal(struct evb_rng *rng);
void fx_write_run(const char *dir, const struct fx_run *spec);

/* Write path from text. */
void fx_write_file(const char *path, const char *text);
/* Read path into a malloc'd string (free it). */
char *fx_read_file(const char *path, size_t *len);

/* Rewrite the CSV at path without the named columns (NULL-terminated). */
void fx_drop_columns(const char *path, const char *const *names);

/* Count rows of a CSV whose column equals value (prefix match when
 * prefix is true). */
size_t fx_count(const char *path, const char *column, const char *value, bool prefix);

/* Is text one well-formed JSON value (objects, arrays, strings, numbers,
 * true, false, null)? */
bool fx_json_valid(const char *text);

/* Two synthetic runs in a new temporary directory tmp: a/, b/, and where
 * compare writes (out, csv). */
struct fx_pair {
	char tmp[512], a[600], b[600], out[600], csv[700];
};
void fx_make_pair(struct fx_pair *p, const struct fx_run *a, const struct fx_run *b);
/* `evbench compare A B --out OUT` plus extra (NULL-terminated, may be
 * NULL); its exit status, stdout in *out when out is not NULL (free it). */
int fx_compare(const struct fx_pair *p, const char *const *extra, char **out);
/* The same for the run directories dirs (NULL-terminated) into out_dir. */
int fx_compare_dirs(const char *const *dirs, const char *out_dir, const char *const *extra,
		    char **out);

/* A cell's axes as results.csv writes them, one string per axis of
 * EVB_AXES (evb_axes.h), so a new axis is a field here too; NULL is empty. */
#define FX_CELL_FIELD(kind, name, flag, slug, label) const char *name;
struct fx_cell {
	EVB_AXES(FX_CELL_FIELD)
};
#undef FX_CELL_FIELD

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

/* --- fixture_run.c: evbench run with the fake driver --------------------- */

struct fx_fake_run {
	char tmp[512];
	char fake[600];     /* EVB_DRIVER_DIR: evb-notify -> fake_driver */
	char run[600];
	char lock[600];     /* EVB_LOCK_FILE: this test's own machine lock */
};

/* A temporary directory with the fake driver offering fake_list's mechanisms. */
void fx_fake_setup(struct fx_fake_run *fx, const char *fake_list);
/* A whole file, NUL-terminated; free() it. */
/* Does RUN/name exist and contain text (NULL: only exist)? */
int fx_fake_file_has(const struct fx_fake_run *fx, const char *name, const char *text);
/* Does the run's env.csv contain text? */
int fx_fake_env_has(const struct fx_fake_run *fx, const char *text);
/* A results.csv-schema file as rows (every row must parse); free() *out. */
size_t fx_load_rows(const char *path, struct evb_row **out);
/* Rows of mechanism x mode x rep. */
int fx_count_rows(const struct evb_row *rows, size_t n, const char *mech, const char *mode, int rep);
/* `evbench run --family notify --profile smoke --out RUN extra...` in the background. */
pid_t fx_fake_start_run(const struct fx_fake_run *fx, const char *const *extra);
/* Wait until path holds at least lines lines. */
void fx_wait_lines(const char *path, int lines);
/* Exit status, or 128 + signal. */
int fx_wait_exit(pid_t pid);

#endif
