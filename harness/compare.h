/*
 * compare.h - `evbench compare A B [C ...]`, shared by its files:
 *   compare.c          the command: options, order of the stages, exit code
 *   compare_nway.c     three or more runs: each against the first, one
 *                      false-discovery correction over all of them
 *   compare_nway_out.c their table, compare.csv, --json, the run list and
 *                      the figures (heat map, lines across runs)
 *   compare_report.c   `evbench report` of an N-way compare directory
 *   compare_cells.c    joining the cells of A and B and the verdict per cell
 *   compare_header.c   what the table rests on: environment, plan
 *   compare_sentinel.c the sentinels (same-cpu, cross-cpu) between the runs,
 *                      and "machine moved" on a verdict within their movement
 *   compare_detect.c   per cell, the smallest slowdown compare would have
 *                      called (detectable_ratio), and its spread per family
 *   compare_out.c      the table on stdout, compare.csv, --json, benchstat,
 *                      the figure
 * The verdict rule is described in compare_cells.c and docs/compare.md
 * ("Comparing two runs").
 */
#ifndef HARNESS_COMPARE_H
#define HARNESS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "evb_index.h"
#include "precision.h"
#include "rundir_read.h"

#define CMP_MIN_REPS 4             /* fewer ok repetitions on a side: insufficient */
#define CMP_ALPHA 0.05             /* false discovery rate over the compared cells */
#define CMP_CI_CONF 0.95           /* asked of a ratio's interval; it states what
				    * it reaches (evb_ratio_median_ci) */
#define CMP_MAX_RUNS 32
#define CMP_DETECT_MAX 100.0       /* detectable_ratio searched up to this */
#define CMP_NSENTINELS 2           /* same-cpu, cross-cpu */
#define CMP_TELL_RATIO 1.2         /* the heat map rings cells that could not
				    * have shown a change this large */

enum cmp_metric { CMP_P50, CMP_P99, CMP_OPS };

enum cmp_class {
	CMP_FASTER, CMP_SLOWER, CMP_SAME, CMP_INSUFFICIENT, CMP_SKIPPED, CMP_ONLY_A, CMP_ONLY_B,
	CMP_REFUSED,    /* one run emulated (vm_accel=tcg), the other on hardware */
	CMP_NCLASSES,
};
extern const char *const cmp_class_names[];   /* "faster", ..., "only in B" */

struct cmp_side {
	size_t first_row;       /* a row of the cell, for its axes */
	double *values;         /* ok repetitions, sorted once judged */
	int *rounds;            /* each value's round (results.csv round), 0 none */
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
	double level;                   /* [lo, hi] covers the true ratio with at
					 * least this chance (ci_coverage) */
	double p_mwu;                   /* Mann-Whitney's p, shown beside p */
	bool p_is_mwu;                  /* p fell back to Mann-Whitney (a value <= 0) */
	bool blocked;                   /* p is compare_blocked.c's, by round */
	double detect;                  /* detectable_ratio: NAN n/a, INFINITY none up
					 * to CMP_DETECT_MAX (compare_detect.c) */
	bool moved;                     /* a verdict within the sentinel's movement */
	enum cmp_class cls;
	char verdict[96];       /* class name, plus "(A imprecise)" and the like */
	char warning[256];      /* plan differences for this cell ("" when none) */
};

struct cmp_sentinel {
	const char *placement;          /* "same-cpu", "cross-cpu" */
	bool file[2];                   /* the run has a sentinel.csv */
	bool present[2];                /* ... with rows of this placement */
	size_t n[2];                    /* ok ones */
	char reason[2][128];            /* why none was ok (a skipped row's reason) */
	double med[2], ratio, lo, hi;   /* of the sentinel's p50 */
	double level;                   /* [lo, hi]'s coverage, at least (cmp_ratio_ci) */
};

struct cmp {
	struct harness_run run[2];
	enum cmp_metric metric;
	double min_change;      /* --min-change as a fraction */
	struct harness_target target[2];
	struct cmp_cell **cells;
	size_t ncells, cap;
	struct evb_index index;         /* key -> cell */
	int axis_cols[2][32];
	struct cmp_sentinel sentinel[CMP_NSENTINELS];
	size_t moved;                   /* verdicts marked "machine moved" */
	size_t blocked;                 /* cells whose p is blocked by round */
	char plan_note[256];    /* header line on the plans of A and B */
	size_t plan_diffs;      /* cells whose plans differ */
	size_t counts[CMP_NCLASSES];
	bool accel_mismatch;    /* one run emulated, the other not: no faster/slower */
};

struct cmp_opts {
	const char *csv, *json, *out;
	const char *cells;              /* N-way lines figure: cells whose label has this */
	bool benchstat;
	bool nway;                      /* --nway: the N-way form for two runs too */
	double fail_on_slower_pct;      /* < 0: off */
};

/*
 * N-way: pair[i] compares run 0 (the baseline) with run i + 1.  keys is
 * the union of the cells in order of first appearance; at[k * npairs + i]
 * is key k's cell in pair i, NULL when neither run of the pair has it.
 */
struct cmp_nway {
	size_t nruns, npairs;
	struct cmp *pair[CMP_MAX_RUNS - 1];
	char names[CMP_MAX_RUNS][256];  /* base names of the run directories */
	const char **keys;
	struct cmp_cell **at;
	size_t nkeys;
	size_t counts[CMP_NCLASSES];    /* over every cell x run */
	const char *cells;              /* --cells */
};

/* compare.c */
int cmp_load_runs(struct cmp *c, char *const *dirs);
const char *cmp_base_name(const char *path, char *buf, size_t len);
/* Cells judged slower by more than pct, named on stderr (pct < 0: none). */
size_t cmp_count_too_slow(const struct cmp *c, double pct);

/* compare_nway.c: the command for n >= 3 runs; its exit status. */
int cmp_nway(const struct cmp *opts, const struct cmp_opts *o, char *const *dirs, size_t n);
/* A key's cell from the first pair that has it, and that pair. */
const struct cmp_cell *cmp_nway_any(const struct cmp_nway *nw, size_t k, const struct cmp **c);
/* "1 2 4" or "all": the runs (1-based) that have key k. */
void cmp_nway_present(const struct cmp_nway *nw, size_t k, char *buf, size_t len);

/* compare_out.c, shared with compare_nway_out.c */
/* A median in a 12-column field ("-" when not finite). */
void cmp_print_num(FILE *out, double v);
/* A cell's interval and its coverage, "[0.912, 1.201] >=87.9%", or "-";
 * CMP_CI_WIDTH is the table's column for it. */
void cmp_ci_text(const struct cmp_cell *cell, char *buf, size_t len);
#define CMP_CI_WIDTH "24"
/* fclose after checking the stream: 0, or -errno / -EIO. */
int cmp_close_checked(FILE *f);
/* A JSON string: quotes, backslashes and control characters escaped. */
void cmp_json_str(FILE *f, const char *s);
/* ,detectable_ratio in a CSV: the number, "inf" for none up to the
 * maximum, empty for none computed. */
void cmp_put_detect(FILE *f, double detect);
/* ,"name":v  (null when not finite). */
void cmp_json_num(FILE *f, const char *name, double v);

/* compare_nway_out.c */
void cmp_nway_print(const struct cmp_nway *nw, FILE *out);
int cmp_nway_csv(const struct cmp_nway *nw, const char *path);
int cmp_nway_json(const struct cmp_nway *nw, const char *path);
/* compare_runs.csv: one row per run, its directory and environment keys. */
int cmp_nway_runs_csv(const struct cmp_nway *nw, const char *path);
int cmp_nway_draw(const struct cmp_nway *nw, const char *dir);

/* compare_report.c: is dir an N-way compare directory (compare_runs.csv)? */
bool cmp_is_nway_dir(const char *dir);
/* Its report.html and report.md.  0 or -errno with error set. */
int cmp_nway_report(const char *dir, char *error, size_t error_len);

/* compare_cells.c */
int cmp_add_side(struct cmp *c, int side);
/* Judge every cell, BH-adjust the p-values, count the classes.  0 or -ENOMEM. */
int cmp_judge_all(struct cmp *c);
/* The two halves of cmp_judge_all, for a caller that adjusts p-values over
 * several comparisons at once (compare_nway.c): medians, ratio, CI and p;
 * then, once each cell's q is set, the verdicts and counts. */
void cmp_measure_all(struct cmp *c);
void cmp_decide_all(struct cmp *c);
/* The cell with this key, or NULL. */
struct cmp_cell *cmp_cell_find(const struct cmp *c, const char *key);
/* Is the run emulated (env.csv vm_accel=tcg)? */
bool cmp_run_emulated(const struct harness_run *run);
/* How far a slower cell moved the wrong way, in percent (time per op). */
double cmp_slowdown_pct(const struct cmp_cell *cell);
void cmp_free_cells(struct cmp *c);
/* "notify eventfd/counter pingpong thread same-cpu nfds=..." from the axes. */
void cmp_cell_label(const struct cmp *c, const struct cmp_cell *cell, char *buf, size_t len);
/* A cell's axis value, from whichever run has it. */
const char *cmp_cell_axis(const struct cmp *c, const struct cmp_cell *cell, size_t axis);

/* compare's interval of median(b) / median(a), a and b sorted: the
 * order-statistic one of evb_ratio_median_ci at CMP_CI_CONF, and the
 * coverage it reaches (at least); NAN where there is none. */
void cmp_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double *lo,
		  double *hi, double *level);
/* The p of compare's test for a against b (values sorted or not), as
 * measure() takes it: Welch on logs, or Mann-Whitney when a value is <= 0
 * (*is_mwu).  p_mwu may be NULL. */
void cmp_test_p(const double *a, size_t na, const double *b, size_t nb, double *p,
		double *p_mwu, bool *is_mwu);
/* The class a ratio B/A beyond the min-change band gets (q aside):
 * CMP_FASTER, CMP_SLOWER, or CMP_SAME within the band. */
enum cmp_class cmp_band_class(const struct cmp *c, double ratio, bool higher_is_better);

/* compare_blocked.c */
/* Does every value of s carry a round? */
bool cmp_side_rounds(const struct cmp_side *s);
/* The stratified t's p of B against A over their rounds (values av, bv in
 * the sides' order, e.g. B rescaled), its error the rounds' own spread,
 * and the standard error of its log ratio (*se; se may be NULL); false
 * when it does not apply: a side without rounds, fewer than 2 rounds with
 * both sides, a value <= 0, rounds that agree exactly. */
bool cmp_blocked_p(const struct cmp_side *a, const double *av, const struct cmp_side *b,
		   const double *bv, double *p, double *se);

/* compare_detect.c */
/* After the verdicts: every cell's detectable_ratio (cell->detect) over
 * the pairs that share one Benjamini-Hochberg correction, and "~: a change
 * under 1.23x would not show" on the ~ verdicts.  0 or -ENOMEM. */
int cmp_detect_all(struct cmp *const *pairs, size_t npairs);
/* Per family, the spread of detectable_ratio over the pairs' cells. */
void cmp_detect_print(const struct cmp *const *pairs, size_t npairs, FILE *out);
struct cmp_spread {
	size_t n, none;                 /* cells with a ratio; of them, none up to max */
	double median, q1, q3;
	double within[3];               /* share <= 1.1, 1.2, 1.5 */
};
extern const double cmp_spread_marks[3];
/* Of v (n ratios, INFINITY allowed; sorted in place). */
void cmp_spread_of(double *v, size_t n, struct cmp_spread *s);
/* "median 1.31x (quartiles 1.18x .. 1.62x); <= 1.1x 5%, ..." */
void cmp_spread_text(const struct cmp_spread *s, char *buf, size_t len);

/* compare_sentinel.c */
/* Reads both runs' sentinel.csv, per placement. */
void cmp_sentinel(struct cmp *c);
/* A faster / slower cell within its sentinel's movement: "machine moved". */
bool cmp_machine_moved(const struct cmp *c, const struct cmp_cell *cell);
void cmp_print_sentinels(const struct cmp *c, FILE *out, const char *prefix);
void cmp_json_sentinels(const struct cmp *c, FILE *f);

/* compare_header.c */
/* Fills plan_note, plan_diffs and each cell's warning. */
void cmp_plans(struct cmp *c);
void cmp_print_header(const struct cmp *c, FILE *out);
/* The header's line on what a cell's interval is and covers. */
void cmp_print_interval_note(FILE *out);
/* "at least 76.6% at 4 repetitions a side, 87.9% at 5, 95% from 7". */
void cmp_coverage_text(char *buf, size_t len);
/* The header's words on the test within rounds (after "N cells came in
 * interleaved rounds on both sides: "). */
extern const char cmp_rounds_note[];
extern const char *const cmp_env_keys[];

/* compare_out.c */
void cmp_print_table(const struct cmp *c, FILE *out);
int cmp_write_csv(const struct cmp *c, const char *path);
int cmp_write_json(const struct cmp *c, const char *path);
int cmp_write_benchstat(const struct cmp *c, int side, const char *path);
int cmp_draw(const struct cmp *c, const char *dir);

#endif
