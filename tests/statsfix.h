/*
 * statsfix.h - synthetic run directories for the summary, compare and fuzz
 * tests: results.csv in the current schema (written with evb_row_write),
 * env.csv, and optionally sentinel.csv and plan.csv in the formats
 * `evbench run` writes (README, "What a run produces").
 */
#ifndef EVB_STATSFIX_H
#define EVB_STATSFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sf_run {
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
};

/* Write dir/results.csv, dir/env.csv and what spec asks for; fails the test
 * on any error. */
void sf_write_run(const char *dir, const struct sf_run *spec);

/* Write path from text. */
void sf_write_file(const char *path, const char *text);
/* Read path into a malloc'd string (free it). */
char *sf_read_file(const char *path, size_t *len);

/* Rewrite the CSV at path without the named columns (NULL-terminated). */
void sf_drop_columns(const char *path, const char *const *names);

/* Count rows of a CSV whose column equals value (prefix match when
 * prefix is true). */
size_t sf_count(const char *path, const char *column, const char *value, bool prefix);

/* Is text one well-formed JSON value (objects, arrays, strings, numbers,
 * true, false, null)? */
bool sf_json_valid(const char *text);

/* Two synthetic runs in a new temporary directory tmp: a/, b/, and where
 * compare writes (out, csv). */
struct sf_pair {
	char tmp[512], a[600], b[600], out[600], csv[700];
};
void sf_make_pair(struct sf_pair *p, const struct sf_run *a, const struct sf_run *b);
/* `evbench compare A B --out OUT` plus extra (NULL-terminated, may be
 * NULL); its exit status, stdout in *out when out is not NULL (free it). */
int sf_compare(const struct sf_pair *p, const char *const *extra, char **out);
/* The same for the run directories dirs (NULL-terminated) into out_dir. */
int sf_compare_dirs(const char *const *dirs, const char *out_dir, const char *const *extra,
		    char **out);

#endif
