/*
 * run.h - the parts of `evbench run`, shared by its files:
 *
 *   run.c           the command: profile defaults, the stages, exit status
 *   run_opts.c      its options and usage
 *   run_start.c     locks, a new run directory or a resumed one
 *   run_plan.c      planning a new run, the dry-run listing
 *   run_cells.c     the rounds: minimum repetitions, then adaptive ones
 *   run_driver.c    one driver run, its row checked, written and logged
 *   run_sentinel.c  the fixed cell that watches the machine move
 *   run_finish.c    histograms, summary, figures, cross-check, report, env.csv
 *   run_resume.c    --resume: the plan, options and rows an earlier run left
 *   rundir_lock.c       one run at a time per machine and per run directory
 */
#ifndef HARNESS_RUN_H
#define HARNESS_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "evb_row.h"
#include "plan.h"
#include "precision.h"
#include "rundir_lock.h"

#define RUN_MAX_ROUNDS HARNESS_MAX_ROUNDS

struct run_opts {
	enum harness_profile profile;
	const char *family;
	const char *mechanism;
	const char *preset;
	int64_t reps;               /* the minimum; 0: the profile's */
	int64_t max_reps;           /* 0: the profile's */
	double precision_pct;       /* < 0: the profile's; 0: no adaptive repetitions */
	int64_t budget_ns;          /* < 0: the profile's; 0: none */
	const char *out;
	const char *base;
	const char *resume;         /* --resume DIR */
	int64_t cpu_dma_latency;    /* < 0: leave it alone */
	int64_t max_timeout_ns;     /* 0: the plan's per-cell timeouts */
	int64_t timeout_scale;      /* every planned time limit times this (1) */
	int round, rounds;          /* --round K/R: this boot's share (0/0: none) */
	bool dry_run;
	bool no_figures;
	bool force;
};

/* What a (cell, rep) pair has in results.csv. */
enum run_pair_state { RUN_PAIR_NONE, RUN_PAIR_OK, RUN_PAIR_NOT_OK };

/* Per cell: what the adaptive loop knows. */
struct run_cell {
	double *values;             /* headline figure of each ok repetition */
	size_t nvalues, cap;
	int reps;                   /* highest repetition with a row */
	int64_t wall_ns;            /* driver time spent, for the budget */
	int runs;
	struct harness_precision prec;
};

struct run_sentinel {
	struct harness_cell cell[HARNESS_NSENTINELS];   /* same-cpu, cross-cpu */
	char driver[PATH_MAX];
	bool available;             /* the notify driver is built */
	FILE *out;                  /* RUN/sentinel.csv */
	int seq;
	int64_t last_ns;
	double last_value;          /* p50 of the last same-cpu one, ns */
	int failures[HARNESS_NSENTINELS];        /* rows failed or timed out */
	char dropped[HARNESS_NSENTINELS][200];   /* why it is no longer run, "" */
};

struct run_state {
	struct run_opts *opts;
	struct harness_plan plan;
	const struct harness_family **cell_family;   /* per cell */
	struct run_cell *cells;
	unsigned char *pairs;       /* ncells x (max_reps + 1): enum run_pair_state */
	char run_dir[PATH_MAX];
	char run_id[256];
	char resume_strings[3][128];   /* family, mechanism, preset of a resumed run */
	FILE *results;
	FILE *log;
	int log_errno;              /* first failed write to run.log */
	int cancel_fd;              /* signalfd for SIGINT/SIGTERM/SIGHUP */
	int dma_fd;                 /* held open while the run lasts */
	struct harness_lock machine_lock, dir_lock;
	int min_reps, max_reps;
	double precision_pct;
	int64_t budget_ns;
	const char *adaptive_stop;  /* all met | max reps | budget | interrupted | off */
	size_t done, total;
	size_t rows_failed;         /* rows status=failed in results.csv (kept ones too) */
	size_t rows_timeout;        /* rows status=timeout */
	size_t resumed_rows;
	int64_t start_ns;
	int64_t last_progress_ns;
	bool tty;
	bool resumed;
	bool interrupted;
	int interrupt_signal;
	const char *stage;          /* the stage running: cells, figures, ... */
	bool failed;                /* a write failed: the run ends, exit 1 */
	char fail_msg[1024];
	struct run_sentinel sentinel;
};

/* run_opts.c: the options into o (defaults for the rest); exits 2 on a bad one. */
void run_parse_opts(int argc, char **argv, struct run_opts *o);

/* run_start.c: 0, 1 (a dry run, done), -EINVAL / -EBUSY (exit 2), -EALREADY
 * (a complete run: nothing to resume), -errno */
int run_start_new(struct run_state *st);
int run_start_resume(struct run_state *st);

/* run_plan.c */
/* A cell's timeout as the options make it: times --timeout-scale, at most
 * --max-timeout (every child evbench run starts, sentinels included). */
void run_cell_timeout(const struct run_opts *o, struct harness_cell *cell);
int run_make_plan(struct run_state *st);
int run_family_table(struct run_state *st);
void run_print_plan(const struct run_state *st);
int run_alloc_cells(struct run_state *st);

/* run_driver.c */
unsigned char *run_pair(struct run_state *st, size_t cell, int rep);
int run_log(struct run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run cell (index) as repetition rep, record its row.  0, -EINTR
 * (interrupted: no row), -EIO (a write failed: st->fail_msg). */
int run_cell_rep(struct run_state *st, size_t cell, int rep);
/* Note a row already in results.csv (new or resumed). */
void run_note_row(struct run_state *st, size_t cell, const struct evb_row *row);
int run_driver_once(struct run_state *st, const char *driver, const struct harness_cell *c,
		    int rep, const char *hist_path, struct evb_row *row, int64_t *wall_ns);
bool run_check_cancel(struct run_state *st);
void run_fail(struct run_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* RUN/hist/.<slug>.rep<N>.csv: 0, or -ENAMETOOLONG (buf holds it cut). */
int run_hist_rep_path(const struct run_state *st, size_t cell, int rep, char *buf, size_t len);

/* run_cells.c */
void run_rounds(struct run_state *st);
/* Is rep this run's to run?  Every rep, or with --round K/R those with
 * (rep - 1) % R == K - 1, so rounds share a cell's repetitions, and their
 * numbers (and serve's Poisson seeds) never repeat across rounds. */
bool run_rep_is_ours(const struct run_state *st, int rep);
/* The driver runs this run plans: cells x its repetitions. */
size_t run_planned_total(const struct run_state *st);
/* This run's (cell, rep) pairs that have no row yet; every_round: those
 * of every round's repetitions (a round that did not come back). */
size_t run_missing_pairs(struct run_state *st, bool every_round);
void run_fmt_duration(char *buf, size_t len, double seconds);

/* run_sentinel.c */
int run_sentinel_open(struct run_state *st);
/* Measure the sentinel when due (force: at a round's start).  0, -EINTR, -EIO. */
int run_sentinel_tick(struct run_state *st, bool force);
void run_sentinel_close(struct run_state *st);
/* How many sentinels were dropped; buf (when not NULL) gets why, "; "
 * between them ("" when none). */
int run_sentinel_dropped(const struct run_sentinel *s, char *buf, size_t len);

/* run_finish.c */
int run_write_env(struct run_state *st, const char *state);
int run_hold_cpu_dma_latency(struct run_state *st, int32_t us);
int run_finish(struct run_state *st);

/* run_resume.c */
int run_resume_open(struct run_state *st);

#endif
