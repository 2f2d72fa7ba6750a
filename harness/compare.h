/*
 * compare.h - `evbench compare A B`, shared by its files:
 *   compare.c          the command: options, order of the stages, exit code
 *   compare_cells.c    joining the cells of A and B and the verdict per cell
 *   compare_header.c   what the table rests on: environment, sentinel, plan
 *   compare_out.c      the table on stdout, compare.csv, --json, benchstat,
 *                      the figure
 * The verdict rule is described in compare_cells.c and the README
 * ("Comparing two runs").
 */
#ifndef HARNESS_COMPARE_H
#define HARNESS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "precision.h"
#include "runread.h"

#define CMP_MIN_REPS 4             /* fewer ok repetitions on a side: insufficient */
#define CMP_ALPHA 0.05             /* false discovery rate over the compared cells */
#define CMP_BOOTSTRAP_ROUNDS 2000
#define CMP_NBUCKETS 4096

enum cmp_metric { CMP_P50, CMP_P99, CMP_OPS };

enum cmp_class {
	CMP_FASTER, CMP_SLOWER, CMP_SAME, CMP_INSUFFICIENT, CMP_SKIPPED, CMP_ONLY_A, CMP_ONLY_B,
	CMP_NCLASSES,
};
extern const char *const cmp_class_names[];   /* "faster", ..., "only in B" */

struct cmp_side {
	size_t first_row;       /* a row of the cell, for its axes */
	double *values;         /* ok repetitions, sorted once judged */
	size_t n, total, skipped;
	bool present;
	struct harness_precision precision;   /* of the compared figure */
};

struct cmp_cell {
	char key[1024];
	struct cmp_side side[2];
	const char *figure;     /* column compared */
	bool higher_is_better;
	double med[2], ratio, lo, hi, p, q;
	double p_mwu;                   /* Mann-Whitney's p, shown beside p */
	bool p_is_mwu;                  /* p fell back to Mann-Whitney (a value <= 0) */
	enum cmp_class cls;
	char verdict[48];       /* class name, plus "(A imprecise)" and the like */
	char warning[256];      /* plan differences for this cell ("" when none) */
	struct cmp_cell *next;  /* hash chain */
};

struct cmp_sentinel {
	bool present[2];
	size_t n[2];
	double med[2], ratio, lo, hi;   /* of the sentinel's p50 */
};

struct cmp {
	struct harness_run run[2];
	enum cmp_metric metric;
	double min_change;      /* --min-change as a fraction */
	struct harness_target target[2];
	struct cmp_cell **cells;
	size_t ncells, cap;
	struct cmp_cell *buckets[CMP_NBUCKETS];
	int axis_cols[2][32];
	struct cmp_sentinel sentinel;
	char plan_note[256];    /* header line on the plans of A and B */
	size_t plan_diffs;      /* cells whose plans differ */
	size_t counts[CMP_NCLASSES];
	/* One run under an emulated CPU (env.csv vm_accel=tcg), the other not:
	 * their times do not compare, so no cell is called faster or slower. */
	bool emulated_mismatch;
};

/* compare_cells.c */
/* Sets emulated_mismatch from the runs' env.csv; before cmp_judge_all. */
void cmp_check_emulation(struct cmp *c);
int cmp_add_side(struct cmp *c, int side);
/* Judge every cell, BH-adjust the p-values, count the classes.  0 or -ENOMEM. */
int cmp_judge_all(struct cmp *c);
/* How far a slower cell moved the wrong way, in percent (time per op). */
double cmp_slowdown_pct(const struct cmp_cell *cell);
void cmp_free_cells(struct cmp *c);
/* "notify eventfd/counter pingpong thread same-cpu nfds=..." from the axes. */
void cmp_cell_label(const struct cmp *c, const struct cmp_cell *cell, char *buf, size_t len);
/* A cell's axis value, from whichever run has it. */
const char *cmp_cell_axis(const struct cmp *c, const struct cmp_cell *cell, size_t axis);

/* compare_header.c */
void cmp_sentinel(struct cmp *c);
/* Fills plan_note, plan_diffs and each cell's warning. */
void cmp_plans(struct cmp *c);
void cmp_print_header(const struct cmp *c, FILE *out);
extern const char *const cmp_env_keys[];

/* compare_out.c */
void cmp_print_table(const struct cmp *c, FILE *out);
int cmp_write_csv(const struct cmp *c, const char *path);
int cmp_write_json(const struct cmp *c, const char *path);
int cmp_write_benchstat(const struct cmp *c, int side, const char *path);
int cmp_draw(const struct cmp *c, const char *dir);

#endif
