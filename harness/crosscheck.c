/*
 * crosscheck.c - does the in-process figure agree with a stopwatch held
 * outside the process?
 *
 * For the cells the families mark as representative (cell.crosscheck),
 * hyperfine times the whole driver process at N and 10N operations
 * (--shell=none, warmup runs, then 10 timed runs, exported as JSON and CSV
 * into RUN/crosscheck/).  The slope
 *
 *     (median t(10N) - median t(N)) / 9N
 *
 * is the cost of one more operation: process start-up, warmup and exit are
 * the same in both and cancel out.  Beside it, the driver's own per-op
 * figure -- the mean sample for latency cells, the inverse of ops/s for
 * throughput cells, the period for timer cells (with absolute deadlines one
 * iteration takes exactly one period) -- as the median of five driver runs
 * at 10N, three just before hyperfine and two just after, so that both
 * stopwatches see the machine in the same state (on a VM it drifts between
 * modes tens of percent apart, minutes at a time).  A ratio off
 * by more than 15% is flagged: something outside the timed region scales
 * with N, or the timed region is not what the figure claims.
 *
 * Every row says when it was checked (checked_at, UTC) and with which build
 * (evbench_commit).  A run's own crosscheck.csv is never overwritten: run
 * again on a run that has one, the check goes to crosscheck-<UTC time>.csv
 * and crosscheck-<UTC time>/ beside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_config.h"
#include "evb_csv.h"
#include "evb_row.h"
#include "evb_sb.h"
#include "evb_spawn.h"
#include "evb_stats.h"
#include "evb_sys.h"
#include "figures.h"
#include "harness.h"
#include "report.h"
#include "rundir.h"
#include "rundir_fs.h"
#include "crosscheck.h"

#define HYPERFINE_RUNS "10"
#define HYPERFINE_WARMUP "2"
#define SCALE 10
#define INPROCESS_RUNS 5        /* the driver's own figure: median of these */
#define INPROCESS_BEFORE 3      /* ... run before hyperfine, the rest after */


static int find_hyperfine(char *path, size_t len)
{
	const char *dirs = getenv("PATH");
	char copy[4096], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", dirs && *dirs ? dirs : "/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/hyperfine", dir);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* The driver's own per-op figure, from one run at n. */
static int inprocess(const char *driver, const struct harness_cell *c, int64_t n,
		     int cancel_fd, struct xc_result *x)
{
	struct harness_cell copy = *c;
	struct harness_argv b;
	struct evb_spawn_opts opts = {
		.timeout_ns = c->timeout_ns * SCALE,
		.cancel_fd = cancel_fd,
	};
	struct evb_spawn_result res;
	struct evb_csv_record rec = { 0 };
	struct evb_row row;
	char error[256];
	int ret;

	copy.iterations = n;
	ret = harness_cell_argv(&b, driver, &copy, "crosscheck", 1, NULL);
	if (!ret)
		ret = evb_spawn(b.argv, &opts, &res);
	harness_argv_free(&b);
	if (ret)
		return ret;
	ret = res.end == EVB_SPAWN_CANCELED ? -EINTR : -EINVAL;
	if (res.end != EVB_SPAWN_EXITED || res.exit_status != 0 ||
	    evb_csv_parse_line(res.out, &rec, error, sizeof(error)) != 1 ||
	    evb_row_parse(&row, rec.fields, rec.nfields, error, sizeof(error)) ||
	    strcmp(row.status, "ok")) {
		evb_sb_fmt(x->reason, sizeof(x->reason), "driver run failed: %s", res.last_err);
		goto out;
	}
	if (!strcmp(row.metric, "lateness_ns")) {
		x->inprocess_ns = (double)row.period_ns;
		x->inprocess_figure = "period_ns";
	} else if (strstr(row.unit, "/s")) {
		x->inprocess_ns = row.ops_per_s > 0 ? 1e9 / row.ops_per_s : NAN;
		x->inprocess_figure = "1/ops_per_s";
	} else {
		x->inprocess_ns = row.mean;
		x->inprocess_figure = "mean";
	}
	ret = 0;
out:
	evb_csv_record_free(&rec);
	evb_spawn_result_free(&res);
	return ret;
}

static void log_line(void *arg, const char *line)
{
	if (arg)
		fprintf(arg, "  hyperfine: %s\n", line);
}

static int hyperfine(const char *hyperfine_path, const char *driver, const struct harness_cell *c,
		     const char *dir, const char *slug, FILE *log, int cancel_fd,
		     struct xc_result *x)
{
	struct harness_cell at_small = *c, at_large = *c;
	char *small = (at_small.iterations = x->n_small,
		       harness_cell_command(driver, &at_small, "crosscheck", 1));
	char *large = (at_large.iterations = x->n_large,
		       harness_cell_command(driver, &at_large, "crosscheck", 1));
	char csv[PATH_MAX], json[PATH_MAX];
	char *argv[] = { (char *)hyperfine_path, "--shell=none", "--warmup", HYPERFINE_WARMUP,
			 "--runs", HYPERFINE_RUNS, "--style", "basic", "--export-csv", csv,
			 "--export-json", json, small, large, NULL };
	struct evb_spawn_opts opts = {
		.timeout_ns = 30 * c->timeout_ns,
		.cancel_fd = cancel_fd,
		.on_stderr = log_line,
		.arg = log,
	};
	struct evb_spawn_result res;
	struct evb_table t;
	int ret = -ENOMEM;

	if (!small || !large)
		goto out;
	ret = evb_fmt(csv, sizeof(csv), "%s/%s.csv", dir, slug);
	if (!ret)
		ret = evb_fmt(json, sizeof(json), "%s/%s.json", dir, slug);
	if (ret) {
		evb_sb_fmt(x->reason, sizeof(x->reason), "hyperfine export path too long: %s", json);
		goto out;
	}
	if (log)
		fprintf(log, "crosscheck %s:\n  %s\n  %s\n", x->cell, small, large);
	ret = evb_spawn(argv, &opts, &res);
	if (ret)
		goto out;
	ret = res.end == EVB_SPAWN_CANCELED ? -EINTR : 0;
	if (!ret && (res.end != EVB_SPAWN_EXITED || res.exit_status)) {
		evb_sb_fmt(x->reason, sizeof(x->reason), "hyperfine failed: %s", res.last_err);
		ret = -EIO;
	}
	evb_spawn_result_free(&res);
	if (ret)
		goto out;
	ret = evb_table_load(&t, csv);
	if (ret || t.nrows != 2) {
		snprintf(x->reason, sizeof(x->reason), "hyperfine CSV: %s", ret ? t.error : "not 2 rows");
		if (!ret)
			evb_table_free(&t);
		ret = -EINVAL;
		goto out;
	}
	x->t_small_s = harness_num(&t, 0, "median");
	x->t_large_s = harness_num(&t, 1, "median");
	evb_table_free(&t);
	x->slope_ns = (x->t_large_s - x->t_small_s) * 1e9 / (double)(x->n_large - x->n_small);
out:
	free(small);
	free(large);
	return ret;
}

/*
 * One representative cell: the driver's own figure around hyperfine's
 * stopwatch.  r->status says how it went; returns 0, or -EINTR when
 * interrupted.
 */
static int check_cell(const char *hyperfine_path, const char *driver, const char *dir,
		      const char *slug, FILE *log, int cancel_fd, struct xc_result *r)
{
	const struct harness_cell *c = r->c;
	double figures[INPROCESS_RUNS];
	int ret = 0;

	for (int k = 0; k < INPROCESS_BEFORE && !ret; k++) {
		ret = inprocess(driver, c, r->n_large, cancel_fd, r);
		figures[k] = r->inprocess_ns;
	}
	if (!ret)
		ret = hyperfine(hyperfine_path, driver, c, dir, slug, log, cancel_fd, r);
	for (int k = INPROCESS_BEFORE; k < INPROCESS_RUNS && !ret; k++) {
		ret = inprocess(driver, c, r->n_large, cancel_fd, r);
		figures[k] = r->inprocess_ns;
	}
	if (ret == -EINTR)
		return ret;
	if (ret) {
		r->status = "failed";
		if (!r->reason[0])
			snprintf(r->reason, sizeof(r->reason), "%s", strerror(-ret));
		return 0;
	}
	evb_sort_doubles(figures, INPROCESS_RUNS);
	r->inprocess_ns = evb_median_sorted(figures, INPROCESS_RUNS);
	r->status = "ok";
	r->ratio = r->slope_ns / r->inprocess_ns;
	return 0;
}

/*
 * RUN/<stem>/, where hyperfine exports: made (mkdirat) and opened
 * O_NOFOLLOW, and this user's with no one else allowed to write in it, so
 * no link can appear at an export's name once clear_exports has run.
 * Left open (no O_CLOEXEC): hyperfine writes to /proc/self/fd/N/<slug>.*.
 * A descriptor, or -errno with error set.
 */
static int export_dir(const char *run_dir, const char *stem, char *error, size_t len)
{
	int run_fd = harness_rundir_open(run_dir, error, len);
	int fd, ret;

	if (run_fd < 0)
		return run_fd;
	fd = harness_rundir_subdir(run_fd, stem, true, error, len);
	close(run_fd);
	if (fd < 0)
		return fd;
	ret = harness_rundir_check_own("crosscheck directory", fd, stem, error, len);
	if (!ret && fcntl(fd, F_SETFD, 0))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Remove whatever holds the names hyperfine exports slug's results to. */
static int clear_exports(int dir_fd, const char *slug)
{
	static const char *const exts[] = { "csv", "json" };
	char name[NAME_MAX + 1];

	for (size_t i = 0; i < 2; i++) {
		if (evb_fmt(name, sizeof(name), "%s.%s", slug, exts[i]))
			return -ENAMETOOLONG;
		if (unlinkat(dir_fd, name, 0) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int harness_crosscheck(const char *run_dir, const char *family, FILE *log, int cancel_fd,
		       char *csv_path, size_t csv_len, char *error, size_t len)
{
	struct harness_plan plan = { 0 };
	struct harness_plan_req req = { .profile = HARNESS_STANDARD };
	const struct harness_family **family_of = NULL;
	struct xc_result *x = NULL;
	char hyperfine_path[PATH_MAX], dir[PATH_MAX], stem[64], checked_at[32];
	int dir_fd = -1;
	size_t n = 0;
	int ret = 0, have_hyperfine = find_hyperfine(hyperfine_path, sizeof(hyperfine_path)) == 0;

	for (size_t f = 0; f < harness_nfamilies; f++) {
		size_t before = plan.ncells;

		if (family && strcmp(family, harness_families[f]->name))
			continue;
		if (harness_plan_family(&plan, harness_families[f], &req) == -ENOMEM) {
			ret = -ENOMEM;
			goto out;
		}
		const struct harness_family **fo = realloc(family_of, (plan.ncells + 1) *
							   sizeof(*fo));

		if (!fo) {
			ret = -ENOMEM;
			goto out;
		}
		family_of = fo;
		for (size_t i = before; i < plan.ncells; i++)
			family_of[i] = harness_families[f];
	}
	x = calloc(plan.ncells + 1, sizeof(*x));
	if (!x) {
		ret = -ENOMEM;
		goto out;
	}
	xc_output_stem(run_dir, stem, sizeof(stem), checked_at, sizeof(checked_at));
	if (evb_fmt(csv_path, csv_len, "%s/%s.csv", run_dir, stem)) {
		ret = -ENAMETOOLONG;
		snprintf(error, len, "%s/%s.csv: path too long", run_dir, stem);
		goto out;
	}
	dir_fd = export_dir(run_dir, stem, error, len);
	if (dir_fd < 0) {
		ret = dir_fd;
		goto out;
	}
	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", dir_fd);
	for (size_t i = 0; i < plan.ncells; i++) {
		const struct harness_cell *c = &plan.cells[i];
		struct xc_result *r = &x[n];
		char driver[PATH_MAX], slug[HARNESS_SLUG_MAX + 1];

		if (!c->crosscheck)
			continue;
		n++;
		r->c = c;
		r->n_small = c->iterations;
		r->n_large = c->iterations * SCALE;
		r->status = "skipped";
		harness_cell_slug(&c->axes, slug, sizeof(slug));
		snprintf(r->cell, sizeof(r->cell), "%s", slug);
		if (!have_hyperfine) {
			snprintf(r->reason, sizeof(r->reason),
				 "hyperfine not installed (apt-get install hyperfine)");
			continue;
		}
		harness_driver_path(family_of[i], driver, sizeof(driver));
		fprintf(stderr, "%s: crosscheck %zu: %s\n", HARNESS_PROG, n, slug);
		ret = clear_exports(dir_fd, slug);
		if (!ret)
			ret = check_cell(hyperfine_path, driver, dir, slug, log, cancel_fd, r);
		if (ret)
			break;
	}

	if (ret == -EINTR)   /* interrupted: no half a check */
		snprintf(error, len, "interrupted");
	else
		ret = xc_write_file(csv_path, x, n, checked_at, error, len);
out:
	if (dir_fd >= 0)
		close(dir_fd);
	free(x);
	free(family_of);
	harness_plan_free(&plan);
	return ret;
}

/* `evbench crosscheck RUN` (the check itself: crosscheck.c). */
int harness_cmd_crosscheck(int argc, char **argv)
{
	char error[600], path[PATH_MAX], csv[PATH_MAX];

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: evbench crosscheck RUN\n\nTimes representative driver runs as "
		       "whole processes with hyperfine at N and 10N operations and writes "
		       "RUN/crosscheck.csv: the slope per operation beside the driver's own "
		       "figure, flagged when they differ by more than 15%%, with the time and "
		       "the evbench commit of the check.  The hyperfine exports are kept in "
		       "RUN/crosscheck/.  A run's crosscheck.csv is never overwritten: when it "
		       "exists, the check goes to RUN/crosscheck-<UTC time>.csv (and its "
		       "directory) and the report keeps showing the run's own.\n");
		return 0;
	}
	if (argc != 2)
		evb_usage_error(HARNESS_PROG " crosscheck", "expected one argument: a run directory");
	if (harness_run_dir_check("RUN", argv[1], error, sizeof(error)))
		evb_usage_error(HARNESS_PROG " crosscheck", "%s", error);
	harness_run_path(path, sizeof(path), argv[1], "results.csv");
	if (access(path, R_OK))
		evb_usage_error(HARNESS_PROG " crosscheck", "%s is not a run directory (%s: %s)",
				argv[1], path, strerror(errno));
	if (harness_crosscheck(argv[1], NULL, NULL, -1, csv, sizeof(csv), error,
			       sizeof(error))) {
		fprintf(stderr, "%s crosscheck: %s\n", HARNESS_PROG, error);
		return 1;
	}
	printf("%s\n", csv);
	if (harness_report(argv[1], error, sizeof(error)))
		fprintf(stderr, "%s crosscheck: report: %s\n", HARNESS_PROG, error);
	return 0;
}
