/*
 * plan.h - what a run measures: profiles expand into cells.
 *
 * A cell is one point of the space: family x mechanism x variant x mode x
 * axes.  Its axes are held in a struct evb_row exactly as the driver will
 * print them, so a failed or timed-out run still gets a row with the same
 * key as its successful repetitions.  Each family contributes a plan
 * function (plan_<family>.c) that turns a profile into cells for the
 * mechanisms its driver listed; the harness runs every cell `reps` times,
 * repetitions interleaved (cell1 rep1, cell2 rep1, ..., cell1 rep2, ...).
 *
 * The driver's command line is built from the axes alone, each with the
 * option evb_axes.h names for it (--mechanism, --fd-type, --timer-slack N,
 * --load=VALUE, ...; an empty string or EVB_NA integer is not passed, the
 * family is never passed), then
 *   --iterations --warmup --timeout --run-id --rep [--hist FILE] extra...
 */
#ifndef HARNESS_PLAN_H
#define HARNESS_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evb_row.h"

enum harness_profile {
	HARNESS_SMOKE,
	HARNESS_QUICK,
	HARNESS_STANDARD,
	HARNESS_FULL,
};

extern const char *const harness_profile_names[];   /* NULL-terminated */

/* One line of a driver's --list. */
struct harness_mech {
	char mechanism[64];
	char variant[64];
	bool supported;
	char reason[256];
	/*
	 * --list's last column: "key=value" words the plan reads instead of
	 * naming mechanisms (mux: "cost=edge"); "" from a driver that has none
	 * or prints the older five columns.
	 */
	char traits[128];
};

#define HARNESS_EXTRA_ARGS 8

struct harness_cell {
	struct evb_row axes;        /* family .. load; the rest unused */
	int64_t iterations;
	int64_t warmup;             /* < 0: the driver's default */
	int64_t timeout_ns;         /* the driver's --timeout; killed 5 s later */
	bool hist;                  /* pass --hist (modes with per-op samples) */
	bool crosscheck;            /* a representative cell for evbench crosscheck */
	int64_t mem_bytes;          /* memory its descriptors take (kernel and driver),
				       estimated by the family's plan; 0: negligible.
				       evbench vm sizes a guest from the largest */
	const char *extra[HARNESS_EXTRA_ARGS];   /* more options, NULL-terminated;
						    static strings only */
};

struct harness_plan {
	struct harness_cell *cells;
	size_t ncells;
	size_t cap;
};

struct harness_plan_req {
	enum harness_profile profile;
	const char *preset;         /* --preset NAME, or NULL */
};

/*
 * A stable file-name-safe name for a cell: every non-empty axis, family
 * first, joined by '_', each after its slug prefix from evb_axes.h (n<nfds>
 * a<active> p<period_ns> t<timers> s<timer_slack_ns>).  hist/<slug>.csv
 * holds the cell's merged histogram over its repetitions.
 */
int harness_cell_slug(const struct evb_row *axes, char *buf, size_t len);

/*
 * The longest slug a cell may have: hist/.<slug>.rep<N>.csv must be one
 * file name (NAME_MAX).  A slug buffer of HARNESS_SLUG_MAX + 1 holds any
 * slug a plan accepts; harness_cell_slug returns -ENAMETOOLONG (buf holds
 * the slug cut short, for a message) when len cannot hold all of it.
 */
#define HARNESS_SLUG_MAX 200

/* A driver command line, built from a cell's axes (see the table above):
 * argv[0 .. n-1] are allocated copies, argv[n] is NULL. */
struct harness_argv {
	char **argv;
	int n;
	int cap;
};

/*
 * driver is the path of the family's driver; hist_path may be NULL.  Every
 * argument is copied whole, whatever its length.  0 or -ENOMEM; b is
 * freed with harness_argv_free either way.
 */
int harness_cell_argv(struct harness_argv *b, const char *driver, const struct harness_cell *c,
		      const char *run_id, int rep, const char *hist_path);
void harness_argv_free(struct harness_argv *b);
/* The same (no --hist) as one allocated string, arguments joined by single
 * spaces; NULL when out of memory. */
char *harness_cell_command(const char *driver, const struct harness_cell *c, const char *run_id,
			   int rep);

/* A cell of family with every axis empty, iterations 1000, timeout 30 s. */
void harness_cell_init(struct harness_cell *cell, const char *family);
/* Append a copy.  0 or -ENOMEM. */
int harness_plan_add(struct harness_plan *plan, const struct harness_cell *cell);
void harness_plan_free(struct harness_plan *plan);

/*
 * RUN/plan.csv: the run's cells exactly as planned, one row each, so that
 * `evbench run --resume` runs the same cells without planning again.
 * Columns: the axis columns of results.csv (family .. load), iterations,
 * warmup (empty: the driver's default), timeout_ns, hist, crosscheck (0/1)
 * and extra (the extra options joined by single spaces; an extra option
 * holding a space cannot be written: -EINVAL).
 * Write: 0 or -errno / -EINVAL with error naming the file.  Read: appends
 * to plan; 0, or -errno / -EINVAL with error naming file and line.
 */
int harness_plan_write(const struct harness_plan *plan, const char *path, char *error,
		       size_t error_len);
int harness_plan_read(struct harness_plan *plan, const char *path, char *error,
		      size_t error_len);

/*
 * A family's planner: append the cells of req for the mechanisms its driver
 * listed (unsupported ones too: they become skipped rows, visibly).
 * Returns 0, or -EINVAL for a preset it does not know (it may ignore one
 * that is another family's: return 0 with no cells), -ENOMEM.
 */
typedef int (*harness_plan_fn)(struct harness_plan *plan, const struct harness_plan_req *req,
			       const struct harness_mech *mechs, size_t nmechs);

struct harness_figctx;
typedef int (*harness_figures_fn)(const struct harness_figctx *ctx);
struct report_ctx;
typedef void (*harness_report_fn)(const struct report_ctx *ctx);

struct claim;
struct report_key;

/*
 * A family: everything the harness asks of one.  Each family defines its
 * own `const struct harness_family <family>_family` in family_<family>.c;
 * families.c lists them in the order of families.cmake.
 */
#define HARNESS_NSENTINELS 2   /* same-cpu, cross-cpu */

struct harness_family {
	const char *name;            /* "notify" */
	const char *driver;          /* "evb-notify", found next to evbench */
	harness_plan_fn plan;
	harness_figures_fn figures;  /* NULL: no figures yet */
	harness_report_fn report;    /* its section of report.html / .md */
	const char *const *presets;  /* preset names this family knows, NULL-terminated */
	const struct claim *const *claims;  /* its claims, NULL-terminated; NULL: none */
	/* the report's key results (report.h), in order; a NULL ends them */
	const struct report_key *keys[3];
	/*
	 * NULL, or fills cells with the run's sentinels: fixed, cheap cells the
	 * run measures again and again (run_sentinel.c), [0] on one CPU, [1]
	 * across two.  The first family that has them provides them.
	 */
	void (*sentinel)(struct harness_cell cells[HARNESS_NSENTINELS]);
	/*
	 * Its rows read every CPU figure (cpu_user_ns, machine_cpu_ns) over the
	 * measured window, whose responses are samples (serve); false: over
	 * the phase whose events delivered counts (notify, mux).
	 */
	bool cpu_per_window;
	/*
	 * Figures of its own in summary.csv, after the shared ones (their
	 * median over repetitions), NULL-terminated; NULL: none.  A name
	 * <column>_per_op is that column of results.csv per sample.
	 */
	const char *const *summary_figures;
};

/* The families, in run order. */
extern const struct harness_family *const harness_families[];
extern const size_t harness_nfamilies;

#endif
