/*
 * run.c - `evbench run`: plan, run every cell's repetitions, keep every row.
 *
 *   plan      each family's driver lists its mechanisms; the family's plan
 *             function expands the profile into cells, kept in plan.csv
 *   run       the rounds (run_cells.c): --reps interleaved rounds, then with
 *             --precision more rounds for the cells whose median is not yet
 *             precise enough, up to --max-reps and the profile's time budget
 *   record    the driver's row, or a row the harness writes for it (failed,
 *             timeout: a crash or hang costs one row, not the run), appended
 *             to results.csv and flushed at once; a failed write ends the run
 *   finish    merged histograms, summary.csv, figures, cross-check, report,
 *             env.csv with the run's state; results/latest points at the run
 *
 * One run at a time: a machine-wide lock (rundir_lock.h) makes a second run
 * refuse, naming the first, unless --force.  Ctrl-C (SIGINT) or SIGTERM
 * kills the running driver, keeps every finished row, writes the summary,
 * marks the run incomplete and exits 130; --resume DIR goes on from there.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_row.h"
#include "evb_sys.h"
#include "harness.h"
#include "rundir.h"
#include "run.h"

/* Per profile: minimum and most repetitions, precision target, time budget
 * of the cell loop (standard: 8 of its 10 minutes; figures and the
 * cross-check take the rest). */
static const struct {
	int min_reps, max_reps;
	double precision_pct;
	int64_t budget_s;
} profile_defaults[] = {
	[HARNESS_SMOKE] = { .min_reps = 1, .max_reps = 15, .precision_pct = 0, .budget_s = 30 },
	[HARNESS_QUICK] = { .min_reps = 2, .max_reps = 15, .precision_pct = 0, .budget_s = 90 },
	[HARNESS_STANDARD] = { .min_reps = 5, .max_reps = 15, .precision_pct = 3,
			       .budget_s = 450 },
	[HARNESS_FULL] = { .min_reps = 10, .max_reps = 15, .precision_pct = 3,
			   .budget_s = 6 * 3600 },
};


/* The profile's defaults where no option set them. */
static void settle_reps(struct run_state *st)
{
	const struct run_opts *o = st->opts;
	int64_t budget_ns = profile_defaults[o->profile].budget_s * EVB_NSEC_PER_SEC;

	st->min_reps = o->reps ? (int)o->reps : profile_defaults[o->profile].min_reps;
	st->max_reps = o->max_reps ? (int)o->max_reps : profile_defaults[o->profile].max_reps;
	st->precision_pct = o->precision_pct >= 0 ? o->precision_pct
						  : profile_defaults[o->profile].precision_pct;
	st->budget_ns = o->budget_ns >= 0 ? o->budget_ns : budget_ns;
	if (o->rounds) {
		/* a side of compare needs CMP_MIN_REPS; every round the same share */
		if (st->min_reps < CMP_MIN_REPS)
			st->min_reps = CMP_MIN_REPS;
		st->min_reps = (st->min_reps + o->rounds - 1) / o->rounds * o->rounds;
		st->precision_pct = 0;
	}
	if (st->max_reps < st->min_reps)
		st->max_reps = st->min_reps;
}

static int setup_signals(struct run_state *st)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	st->cancel_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return st->cancel_fd < 0 ? -errno : 0;
}

static void run_state_free(struct run_state *st)
{
	if (st->cells)
		for (size_t i = 0; i < st->plan.ncells; i++)
			free(st->cells[i].values);
	free(st->cells);
	free(st->pairs);
	harness_plan_free(&st->plan);
	free(st->cell_family);
	if (st->cancel_fd >= 0)
		close(st->cancel_fd);
	if (st->dma_fd >= 0)
		close(st->dma_fd);
	if (st->results)
		fclose(st->results);
	if (st->log)
		fclose(st->log);
	harness_lock_release(&st->dir_lock);
	harness_lock_release(&st->machine_lock);
}

/* The exit status of a run that could not start. */
static int start_status(int ret)
{
	if (ret == 1 || ret == -EALREADY)
		return 0;
	return ret == -EINVAL || ret == -ENOENT || ret == -EBUSY ? 2 : 1;
}

/* The cells, then the stages; the exit status. */
static int run_and_finish(struct run_state *st)
{
	const struct run_opts *o = st->opts;
	char elapsed[32];

	if (run_write_env(st, "running"))
		return 1;
	fprintf(stderr, "%s: %zu cells x %d reps%s = %zu driver runs -> %s\n", HARNESS_PROG,
		st->plan.ncells, st->min_reps, st->precision_pct > 0 ? " (at least)" : "",
		st->total, st->run_dir);
	run_log(st, "evbench run: profile %s%s%s, %zu cells x %d reps, precision %g%%, max reps "
		"%d, budget %.0f s\n", harness_profile_names[o->profile], o->preset ? ", preset " : "",
		o->preset ? o->preset : "", st->plan.ncells, st->min_reps, st->precision_pct,
		st->max_reps, (double)st->budget_ns / 1e9);
	st->tty = isatty(STDERR_FILENO);
	st->start_ns = evb_now_ns();
	if (!run_sentinel_open(st))
		run_rounds(st);
	run_sentinel_close(st);
	if (fclose(st->results) && !st->failed)
		run_fail(st, "%s/results.csv: %s", st->run_dir, strerror(errno));
	st->results = NULL;
	run_finish(st);
	run_fmt_duration(elapsed, sizeof(elapsed), (double)(evb_now_ns() - st->start_ns) / 1e9);
	if (st->failed) {
		fprintf(stderr, "%s: run FAILED after %zu driver runs: %s; the rows written are "
			"kept (evbench run --resume %s continues it)\n", HARNESS_PROG, st->done,
			st->fail_msg, st->run_dir);
		return 1;
	}
	fprintf(stderr, "%s: %s %zu of %zu driver runs in %s (%zu failed, %zu timed out); "
		"results in %s\n",
		HARNESS_PROG, st->interrupted ? "INTERRUPTED after" : "finished", st->done,
		st->total, elapsed, st->rows_failed, st->rows_timeout, st->run_dir);
	if (st->interrupted) {
		fprintf(stderr, "%s: evbench run --resume %s continues it\n", HARNESS_PROG,
			st->run_dir);
		return 130;
	}
	if (!st->rows_failed && !st->rows_timeout)
		return 0;
	fprintf(stderr, "%s: %zu of %zu rows failed and %zu timed out (their reasons are in "
		"results.csv and the report): exit status 1\n", HARNESS_PROG, st->rows_failed,
		st->done, st->rows_timeout);
	return 1;
}

int harness_cmd_run(int argc, char **argv)
{
	struct run_opts opts;
	struct run_state st = {
		.opts = &opts,
		.cancel_fd = -1,
		.dma_fd = -1,
		.machine_lock = { .fd = -1 },
		.dir_lock = { .fd = -1 },
	};
	int ret, status;

	run_parse_opts(argc, argv, &opts);
	evb_nofile_raise();
	settle_reps(&st);
	ret = setup_signals(&st);
	if (!ret)
		ret = opts.resume ? run_start_resume(&st) : run_start_new(&st);
	if (ret) {
		status = start_status(ret);
		goto out;
	}
	status = 1;
	if (opts.cpu_dma_latency >= 0 && run_hold_cpu_dma_latency(&st, (int32_t)opts.cpu_dma_latency))
		goto out;
	status = run_and_finish(&st);
out:
	run_state_free(&st);
	return status;
}
