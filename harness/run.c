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
 * One run at a time: a machine-wide lock (runlock.h) makes a second run
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

static void usage(void)
{
	printf("Usage: evbench run [--profile smoke|quick|standard|full] [--family F]\n"
	       "                   [--mechanism M] [--preset NAME] [--reps N] [--max-reps N]\n"
	       "                   [--precision PCT] [--budget T] [--out DIR]\n"
	       "                   [--cpu-dma-latency US] [--max-timeout T] [--dry-run]\n"
	       "                   [--no-figures] [--force]\n"
	       "                   [--round K/R]\n"
	       "       evbench run --resume DIR [--round K/R] [--no-figures] [--force]\n"
	       "\n"
	       "Runs every cell of the profile (default standard) at least --reps times,\n"
	       "each driver run as its own process with a timeout, and writes a run\n"
	       "directory: results.csv (one row per driver run), summary.csv (one row per\n"
	       "cell), env.csv, plan.csv, sentinel.csv, hist/, figures/, run.log.\n"
	       "\n"
	       "  --profile P          smoke (<30 s), quick (<2 min), standard (<10 min),\n"
	       "                       full (hours)\n"
	       "  --family F           only this family (");
	for (size_t f = 0; f < harness_nfamilies; f++)
		printf("%s%s", f ? ", " : "", harness_families[f]->name);
	printf(")\n"
	       "  --mechanism M        only cells of this mechanism\n"
	       "  --preset NAME        a family's named cell set instead of the profile's\n"
	       "                       (see `evbench list`)\n"
	       "  --reps N             repetitions every cell gets (default: smoke 1,\n"
	       "                       quick 2, standard 5, full 10)\n"
	       "  --precision PCT      then more repetitions, one interleaved round at a\n"
	       "                       time, for the cells whose median's 95%% interval is\n"
	       "                       wider than +-PCT%% (default: 3 for standard and full,\n"
	       "                       0 = none for smoke and quick)\n"
	       "  --max-reps N         at most N repetitions per cell (default 15)\n"
	       "  --budget T           stop adding repetitions when the cells have run T\n"
	       "                       (default: standard 8 min, full 6 h; 0 = no limit)\n"
	       "  --out DIR            the run directory (must not exist or be empty);\n"
	       "                       default results/<UTC time>-<host>-<kernel>/\n"
	       "  --resume DIR         go on with an interrupted or killed run: keep its\n"
	       "                       rows, run the missing repetitions of its plan.csv\n"
	       "  --cpu-dma-latency US hold /dev/cpu_dma_latency at US microseconds for the\n"
	       "                       whole run (a tuning: recorded in env.csv); without it\n"
	       "                       the current value is only read and recorded\n"
	       "  --max-timeout T      cap every driver run's time limit at T (e.g. 30s); a\n"
	       "                       run still going is killed a little later and\n"
	       "                       recorded as status=timeout\n"
	       "  --timeout-scale N    multiply every driver run's planned time limit by N\n"
	       "                       (1-100; recorded in env.csv): for a slower machine,\n"
	       "                       e.g. an emulated one (evbench vm passes 10 under TCG)\n"
	       "  --round K/R          round K of R of an interleaved comparison (evbench vm\n"
	       "                       --rounds R boots each kernel R times in turn): run\n"
	       "                       only repetitions K, K+R, K+2R, ... of every cell,\n"
	       "                       with at least 4 (what compare needs a side) in all,\n"
	       "                       rounded up to a multiple of R, and no adaptive ones;\n"
	       "                       each row records K (results.csv round).  Round 1\n"
	       "                       starts the run, --resume DIR --round K goes on with\n"
	       "                       it; the run is complete after round R\n"
	       "  --force              run even while another evbench run is in progress\n"
	       "                       on this machine (both runs' figures suffer)\n"
	       "  --dry-run            print the plan (cells, reps, drivers) and exit\n"
	       "  --no-figures         do not run gnuplot\n"
	       "\n"
	       "Exit status: 0 when every row is ok or skipped (cannot run here); 1 when\n"
	       "a row failed or timed out (everything is still written: summary, figures,\n"
	       "report; stderr says how many), or a write failed; 2 for bad options or a\n"
	       "run that cannot start; 130 when interrupted.  --resume counts the rows it\n"
	       "kept too.\n");
}

static void parse_family(const char *prog, const char *name)
{
	char names[256] = "";
	size_t used = 0;

	if (harness_family_find(name))
		return;
	for (size_t i = 0; i < harness_nfamilies; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
					 i ? ", " : "", harness_families[i]->name);
	evb_usage_error(prog, "--family '%s' is not one of: %s", name, names);
}

enum {
	OPT_PROFILE = 0x100, OPT_FAMILY, OPT_MECHANISM, OPT_PRESET, OPT_REPS, OPT_MAXREPS,
	OPT_PRECISION, OPT_BUDGET, OPT_OUT, OPT_RESUME, OPT_DMA, OPT_MAXTIME, OPT_TSCALE, OPT_DRY,
	OPT_NOFIG, OPT_ROUND,
	OPT_FORCE, OPT_HELP,
};

static const struct option run_options[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "mechanism", required_argument, NULL, OPT_MECHANISM },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "max-reps", required_argument, NULL, OPT_MAXREPS },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "cpu-dma-latency", required_argument, NULL, OPT_DMA },
	{ "max-timeout", required_argument, NULL, OPT_MAXTIME },
	{ "timeout-scale", required_argument, NULL, OPT_TSCALE },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "no-figures", no_argument, NULL, OPT_NOFIG },
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static double parse_pct(const char *prog, const char *text)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (!*text || *end || errno || !(v >= 0 && v <= 100))
		evb_usage_error(prog, "--precision '%s' is not a percentage from 0 to 100", text);
	return v;
}

/* --round K/R: 1 <= K <= R <= RUN_MAX_ROUNDS. */
static void parse_round(const char *prog, const char *text, struct run_opts *o)
{
	const char *after;
	char *end;
	long k, r;

	errno = 0;
	k = strtol(text, &end, 10);
	if (end == text || *end != '/' || errno)
		goto bad;
	after = end + 1;
	r = strtol(after, &end, 10);
	if (end == after || *end || errno || k < 1 || r < 1 || k > r || r > RUN_MAX_ROUNDS)
		goto bad;
	o->round = (int)k;
	o->rounds = (int)r;
	return;
bad:
	evb_usage_error(prog, "--round '%s': expected K/R, round K of R (1 <= K <= R <= %d), "
			"e.g. 2/3", text, RUN_MAX_ROUNDS);
}

/* One option; returns whether it may be given with --resume. */
static bool parse_one(const char *prog, int opt, struct run_opts *o)
{
	switch (opt) {
	case OPT_PROFILE:
		o->profile = (enum harness_profile)evb_opt_word(prog, "--profile", optarg,
								harness_profile_names);
		return false;
	case OPT_FAMILY:
		parse_family(prog, optarg);
		o->family = optarg;
		return false;
	case OPT_MECHANISM:
		o->mechanism = optarg;
		return false;
	case OPT_PRESET:
		o->preset = optarg;
		return false;
	case OPT_REPS:
		o->reps = evb_opt_i64(prog, "--reps", optarg, EVB_UNIT_NONE, 1, 1000);
		return false;
	case OPT_MAXREPS:
		o->max_reps = evb_opt_i64(prog, "--max-reps", optarg, EVB_UNIT_NONE, 1, 1000);
		return false;
	case OPT_PRECISION:
		o->precision_pct = parse_pct(prog, optarg);
		return false;
	case OPT_BUDGET:
		o->budget_ns = evb_opt_i64(prog, "--budget", optarg, EVB_UNIT_TIME, 0,
					   30 * 86400 * EVB_NSEC_PER_SEC);
		return false;
	case OPT_OUT:
		if (!optarg[0])
			evb_usage_error(prog, "--out needs a directory");
		o->out = optarg;
		return false;
	case OPT_RESUME:
		if (!optarg[0])
			evb_usage_error(prog, "--resume needs a run directory");
		o->resume = optarg;
		return true;
	case OPT_DMA:
		o->cpu_dma_latency = evb_opt_i64(prog, "--cpu-dma-latency", optarg, EVB_UNIT_NONE,
						 0, 2000000000);
		return false;
	case OPT_MAXTIME:
		o->max_timeout_ns = evb_opt_i64(prog, "--max-timeout", optarg, EVB_UNIT_TIME,
						1000000, 86400 * EVB_NSEC_PER_SEC);
		return false;
	case OPT_TSCALE:
		o->timeout_scale = evb_opt_i64(prog, "--timeout-scale", optarg, EVB_UNIT_COUNT, 1,
					       100);
		return false;
	case OPT_DRY:
		o->dry_run = true;
		return false;
	case OPT_NOFIG:
		o->no_figures = true;
		return true;
	case OPT_ROUND:
		parse_round(prog, optarg, o);
		return true;
	case OPT_FORCE:
		o->force = true;
		return true;
	case OPT_HELP:
		usage();
		exit(0);
	default:
		evb_usage_error(prog, "unknown option (see above)");
	}
	return false;
}

static void parse(int argc, char **argv, struct run_opts *o)
{
	const char *prog = HARNESS_PROG " run";
	const char *not_with_resume = NULL;
	int opt, index;

	*o = (struct run_opts){
		.profile = HARNESS_STANDARD,
		.base = "results",
		.cpu_dma_latency = -1,
		.precision_pct = -1,
		.budget_ns = -1,
		.timeout_scale = 1,
	};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", run_options, &index)) != -1)
		if (!parse_one(prog, opt, o) && !not_with_resume)
			not_with_resume = run_options[index].name;
	if (optind < argc)
		evb_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (o->resume && not_with_resume)
		evb_usage_error(prog, "--%s cannot be given with --resume: a resumed run keeps its "
				"own options (env.csv, plan.csv)", not_with_resume);
	if (o->reps && o->max_reps && o->max_reps < o->reps)
		evb_usage_error(prog, "--max-reps %lld is below --reps %lld",
				(long long)o->max_reps, (long long)o->reps);
}

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

	parse(argc, argv, &opts);
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
