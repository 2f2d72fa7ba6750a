/*
 * run_finish.c - the stages after the cells, and env.csv.
 *
 *   histograms  hist/<cell>.csv: the ok repetitions' histograms merged
 *               (a failed or timed-out repetition's is never merged; the
 *               per-repetition files stay until the run is complete, so a
 *               resumed run merges them again from scratch)
 *   summary     summary.csv from results.csv (also after an interruption)
 *   figures     gnuplot, unless --no-figures
 *   cross-check hyperfine, standard and full profiles
 *   report      report.html and report.md
 *
 * SIGINT/SIGTERM is looked at before and after every stage: the stages
 * after it do not run, and env.csv says in which stage the run stopped.
 * run_state is `complete` only once the last stage is done; `failed: ...`
 * when a write failed; `running` while a run lasts (a run killed with
 * SIGKILL leaves that behind: `--resume` sees its lock free and goes on).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_env.h"
#include "evb_hist.h"
#include "harness.h"
#include "report.h"
#include "rundir.h"
#include "rundir_fs.h"
#include "run.h"
#include "summary.h"

int run_hold_cpu_dma_latency(struct run_state *st, int32_t us)
{
	st->dma_fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
	if (st->dma_fd < 0 || write(st->dma_fd, &us, sizeof(us)) != sizeof(us)) {
		int ret = -errno;

		fprintf(stderr, "%s run: --cpu-dma-latency %d: /dev/cpu_dma_latency: %s\n",
			HARNESS_PROG, us, strerror(errno));
		if (st->dma_fd >= 0)
			close(st->dma_fd);
		st->dma_fd = -1;
		return ret;
	}
	return 0;
}

static void set_run_keys(struct run_state *st, struct evb_env *env, const char *state)
{
	const struct run_opts *o = st->opts;
	char boot[64], dropped[512];

	harness_boot_id(boot, sizeof(boot));
	evb_env_set(env, "run_id", "%s", st->run_id);
	evb_env_set(env, "run_state", "%s", state);
	evb_env_set(env, "run_pid", "%d", (int)getpid());
	evb_env_set(env, "run_boot_id", "%s", boot);
	evb_env_set(env, "run_resumed", "%s", st->resumed ? "yes" : "no");
	evb_env_set(env, "run_profile", "%s", harness_profile_names[o->profile]);
	evb_env_set(env, "run_preset", "%s", o->preset ? o->preset : "");
	evb_env_set(env, "run_family", "%s", o->family ? o->family : "all");
	evb_env_set(env, "run_mechanism", "%s", o->mechanism ? o->mechanism : "all");
	evb_env_set(env, "run_figures", "%s", o->no_figures ? "no" : "yes");
	evb_env_set(env, "run_reps", "%d", st->min_reps);
	evb_env_set(env, "run_min_reps", "%d", st->min_reps);
	evb_env_set(env, "run_max_reps", "%d", st->max_reps);
	evb_env_set(env, "run_precision_pct", "%g", st->precision_pct);
	evb_env_set(env, "run_budget_s", "%.0f", (double)st->budget_ns / 1e9);
	evb_env_set(env, "run_timeout_scale", "%lld", (long long)o->timeout_scale);
	if (o->rounds) {
		evb_env_set(env, "run_rounds", "%d", o->rounds);
		evb_env_set(env, "run_round", "%d", o->round);
	}
	evb_env_set(env, "run_adaptive_stop", "%s", st->adaptive_stop ? st->adaptive_stop : "");
	evb_env_set(env, "run_cells", "%zu", st->plan.ncells);
	evb_env_set(env, "run_driver_runs_done", "%zu", st->done);
	evb_env_set(env, "run_driver_runs_planned", "%zu", st->total);
	evb_env_set(env, "run_sentinels", "%d", st->sentinel.seq);
	if (run_sentinel_dropped(&st->sentinel, dropped, sizeof(dropped)))
		evb_env_set(env, "run_sentinel_dropped", "%s", dropped);
	evb_env_set(env, "tuning_cpu_dma_latency", "%s",
		    o->cpu_dma_latency >= 0 ? "held by evbench for the whole run (--cpu-dma-latency)"
					    : "none (value only read)");
	if (o->cpu_dma_latency >= 0)
		evb_env_set(env, "tuning_cpu_dma_latency_us", "%lld",
			    (long long)o->cpu_dma_latency);
}

/* env.csv, written whole to a temporary file and renamed over the old one. */
int run_write_env(struct run_state *st, const char *state)
{
	char path[PATH_MAX], error[PATH_MAX + 200];
	struct harness_tmp tmp;
	struct evb_env env;
	int ret;

	evb_env_capture(&env);
	set_run_keys(st, &env, state);
	harness_run_path(path, sizeof(path), st->run_dir, "env.csv");
	ret = harness_rundir_create_tmp_at(&tmp, path, error, sizeof(error));
	if (ret)
		goto out;
	ret = evb_env_write_csv(&env, tmp.f);
	if (ret)
		harness_rundir_discard(&tmp);
	else
		ret = harness_rundir_commit(&tmp, error, sizeof(error));
	if (!strcmp(state, "running"))
		for (size_t i = 0; i < env.nwarnings; i++)
			fprintf(stderr, "%s: warning: %s\n", HARNESS_PROG, env.warnings[i]);
out:
	if (ret)
		fprintf(stderr, "%s run: %s: %s (run_state %s not recorded)\n", HARNESS_PROG, path,
			evb_open_why(ret), state);
	evb_env_free(&env);
	return ret;
}

/* Fold repetition rep's histogram into sum.  Unreadable: said, left out. */
static void add_rep_hist(struct run_state *st, size_t cell, int rep, struct evb_hist *sum,
			 struct evb_hist *add)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	if (run_hist_rep_path(st, cell, rep, path, sizeof(path))) {
		run_log(st, "histogram %s...: path too long: not merged\n", path);
		return;
	}
	ret = evb_open_regular(AT_FDCWD, path, O_RDONLY, 0);
	f = ret >= 0 ? fdopen(ret, "r") : NULL;
	if (ret >= 0 && !f)
		close(ret);
	ret = f ? evb_hist_read_csv(add, f) : ret < 0 ? ret : -ENOMEM;
	if (f)
		fclose(f);
	if (ret)
		run_log(st, "histogram %s: %s: not merged\n", path,
			ret == -EINVAL ? "unreadable" : evb_open_why(ret));
	else
		evb_hist_merge(sum, add);
}

static int write_hist(struct run_state *st, const char *slug, const struct evb_hist *sum)
{
	char path[PATH_MAX], name[PATH_MAX], error[PATH_MAX + 200];
	struct harness_tmp tmp;
	int dirfd = -1, ret;

	if (evb_fmt(path, sizeof(path), "%s/hist/%s.csv", st->run_dir, slug) ||
	    evb_fmt(name, sizeof(name), "hist/%s.csv", slug)) {
		ret = -ENAMETOOLONG;
		goto fail;
	}
	dirfd = harness_rundir_open(st->run_dir, error, sizeof(error));
	ret = dirfd < 0 ? dirfd
			: harness_rundir_create_tmp(&tmp, dirfd, name, error, sizeof(error));
	if (ret)
		goto fail;
	ret = evb_hist_write_csv(sum, tmp.f);
	if (ret)
		harness_rundir_discard(&tmp);
	else
		ret = harness_rundir_commit(&tmp, error, sizeof(error));
fail:
	if (dirfd >= 0)
		close(dirfd);
	if (ret)
		run_fail(st, "%s: %s", path, evb_open_why(ret));
	return ret;
}

static int merge_hists(struct run_state *st)
{
	struct evb_hist *sum = malloc(sizeof(*sum)), *add = malloc(sizeof(*add));
	int ret = 0;

	if (!sum || !add) {
		ret = -ENOMEM;
		run_fail(st, "merging histograms: %s", strerror(ENOMEM));
	}
	for (size_t i = 0; i < st->plan.ncells && !ret; i++) {
		char slug[HARNESS_SLUG_MAX + 1];
		bool any = false;

		if (!st->plan.cells[i].hist)
			continue;
		evb_hist_init(sum);
		for (int rep = 1; rep <= st->cells[i].reps && rep <= st->max_reps; rep++) {
			if (*run_pair(st, i, rep) != RUN_PAIR_OK)
				continue;
			add_rep_hist(st, i, rep, sum, add);
			any = true;
		}
		harness_cell_slug(&st->plan.cells[i].axes, slug, sizeof(slug));
		if (any)
			ret = write_hist(st, slug, sum);
	}
	free(sum);
	free(add);
	return ret;
}

/* Once the run is complete the merged files are all that is needed. */
static void remove_rep_hists(struct run_state *st)
{
	for (size_t i = 0; i < st->plan.ncells; i++) {
		char path[PATH_MAX];

		for (int rep = 1; st->plan.cells[i].hist && rep <= st->cells[i].reps; rep++) {
			if (run_hist_rep_path(st, i, rep, path, sizeof(path)))
				run_log(st, "cannot remove %s...: path too long\n", path);
			else if (unlink(path) && errno != ENOENT)
				run_log(st, "cannot remove %s: %s\n", path, strerror(errno));
		}
	}
}

/* Start a stage, unless the run was interrupted (then false). */
static bool stage(struct run_state *st, const char *name)
{
	if (run_check_cancel(st) || st->failed)
		return false;
	st->stage = name;
	return true;
}

/* Figures and the cross-check, the stages before the report. */
static void middle_stages(struct run_state *st)
{
	const struct run_opts *o = st->opts;
	char error[600], csv[PATH_MAX];
	int ret;

	if (!o->no_figures && stage(st, "figures"))
		harness_render_figures(st->run_dir, st->log, st->cancel_fd);
	/* The cross-check is a stage of the standard and full profiles. */
	if (o->profile >= HARNESS_STANDARD && !o->mechanism && !o->preset &&
	    stage(st, "cross-check")) {
		fprintf(stderr, "%s: cross-check with hyperfine\n", HARNESS_PROG);
		ret = harness_crosscheck(st->run_dir, o->family, st->log, st->cancel_fd, csv,
					 sizeof(csv), error, sizeof(error));
		if (ret == -EINTR)
			run_check_cancel(st);
		else if (ret)
			fprintf(stderr, "%s: crosscheck: %s\n", HARNESS_PROG, error);
	}
}

/* The run's state as env.csv records it. */
static void state_text(struct run_state *st, char *state, size_t len)
{
	size_t missing;

	if (st->failed)
		snprintf(state, len, "failed: %s", st->fail_msg);
	else if (st->interrupted)
		snprintf(state, len, "incomplete: interrupted by signal %d during %s after %zu of "
			 "%zu driver runs", st->interrupt_signal, st->stage, st->done, st->total);
	else if (st->opts->round < st->opts->rounds)
		snprintf(state, len, "partial: round %d of %d done (--resume DIR --round %d/%d "
			 "goes on)", st->opts->round, st->opts->rounds, st->opts->round + 1,
			 st->opts->rounds);
	else if (st->opts->rounds && (missing = run_missing_pairs(st, true)))
		snprintf(state, len, "partial: %zu driver runs of the %d rounds have no row (a "
			 "round's boot failed)", missing, st->opts->rounds);
	else
		snprintf(state, len, "complete");
}

static void record_state(struct run_state *st, const char *state)
{
	run_log(st, "run %s: %s\n", st->run_id, state);
	if (run_write_env(st, state) && !st->failed)
		run_fail(st, "%s/env.csv: cannot record the run's state", st->run_dir);
}

/*
 * The report reads the run's state from env.csv, so the state is recorded
 * before the report (the last stage), and again if the report stage itself
 * was interrupted or failed.
 */
int run_finish(struct run_state *st)
{
	char results[PATH_MAX], summary[PATH_MAX], error[600], state[1400], after[1400];
	bool was_interrupted = st->interrupted;

	if (!st->failed && !merge_hists(st)) {
		harness_run_path(results, sizeof(results), st->run_dir, "results.csv");
		harness_run_path(summary, sizeof(summary), st->run_dir, "summary.csv");
		if (harness_summarize(results, summary, error, sizeof(error)))
			run_fail(st, "summary: %s", error);
	}
	if (!was_interrupted)
		middle_stages(st);
	run_check_cancel(st);
	state_text(st, state, sizeof(state));
	record_state(st, state);
	if (!was_interrupted && stage(st, "report")) {
		if (harness_report(st->run_dir, error, sizeof(error)))
			fprintf(stderr, "%s: report: %s\n", HARNESS_PROG, error);
		else
			fprintf(stderr, "%s: report: %s/report.html (and report.md)\n",
				HARNESS_PROG, st->run_dir);
		run_check_cancel(st);
	}
	if (st->log_errno && !st->failed)
		run_fail(st, "%s/run.log: %s", st->run_dir, strerror(st->log_errno));
	state_text(st, after, sizeof(after));
	if (strcmp(after, state))
		record_state(st, after);
	if (!st->failed && !st->interrupted)
		remove_rep_hists(st);
	if (!st->opts->out && !st->opts->resume && harness_rundir_link_latest(st->opts->base,
									      st->run_dir))
		fprintf(stderr, "%s: %s/latest: %s\n", HARNESS_PROG, st->opts->base,
			strerror(errno));
	return st->failed ? -EIO : 0;
}
