/*
 * run.c - `evbench run`: plan, run every cell's repetitions, keep every row.
 *
 *   plan      each family's driver lists its mechanisms; the family's plan
 *             function expands the profile into cells
 *   run       for rep in 1..R: for cell in cells: fork/exec the driver with
 *             a timeout (repetitions interleaved, so slow drift of the
 *             machine spreads over all cells instead of biasing one)
 *   record    the driver's row, or a row the harness writes for it (failed,
 *             timeout: a crash or hang costs one row, not the run), appended
 *             to results.csv and flushed at once
 *   finish    summary.csv, merged histograms, figures, env.csv with the
 *             run's state; results/latest points at the run
 *
 * Ctrl-C (SIGINT) or SIGTERM kills the running driver, keeps every finished
 * row, writes the summary, marks the run incomplete and exits 130.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_csv.h"
#include "evb_env.h"
#include "evb_hist.h"
#include "evb_row.h"
#include "evb_spawn.h"
#include "evb_sys.h"
#include "harness.h"
#include "report.h"
#include "plan.h"
#include "rundir.h"
#include "summary.h"

/* The driver gets cell.timeout_ns to end itself; we kill it this much later. */
static int64_t kill_grace_ns(int64_t timeout_ns)
{
	return EVB_NSEC_PER_SEC + timeout_ns / 10;
}

static const int profile_reps[] = {
	[HARNESS_SMOKE] = 1, [HARNESS_QUICK] = 2, [HARNESS_STANDARD] = 5, [HARNESS_FULL] = 10,
};

struct run_opts {
	enum harness_profile profile;
	const char *family;
	const char *mechanism;
	const char *preset;
	int64_t reps;               /* 0: the profile's */
	const char *out;
	const char *base;
	int64_t cpu_dma_latency;    /* < 0: leave it alone */
	int64_t max_timeout_ns;     /* 0: the plan's per-cell timeouts */
	bool dry_run;
	bool no_figures;
};

struct run_state {
	const struct run_opts *opts;
	struct harness_plan plan;
	const struct harness_family **cell_family;  /* per cell */
	char run_dir[PATH_MAX];
	char run_id[256];
	FILE *results;
	FILE *log;
	int cancel_fd;              /* signalfd for SIGINT/SIGTERM */
	int dma_fd;                 /* held open while the run lasts */
	int reps;
	size_t done, total;
	size_t not_ok;
	int64_t start_ns;
	int64_t last_progress_ns;
	bool tty;
	bool interrupted;
	int interrupt_signal;
};

static void usage(void)
{
	printf("Usage: evbench run [--profile smoke|quick|standard|full] [--family F]\n"
	       "                   [--mechanism M] [--preset NAME] [--reps N] [--out DIR]\n"
	       "                   [--cpu-dma-latency US] [--max-timeout T] [--dry-run]\n"
	       "                   [--no-figures]\n"
	       "\n"
	       "Runs every cell of the profile (default standard) --reps times, each\n"
	       "driver run as its own process with a timeout, and writes a run directory:\n"
	       "results.csv (one row per driver run), summary.csv (one row per cell),\n"
	       "env.csv, hist/, figures/, run.log.\n"
	       "\n"
	       "  --profile P          smoke (<30 s), quick (<2 min), standard (<10 min),\n"
	       "                       full (hours)\n"
	       "  --family F           only this family (notify, mux, timer)\n"
	       "  --mechanism M        only cells of this mechanism\n"
	       "  --preset NAME        a family's named cell set instead of the profile's\n"
	       "                       (see `evbench list`)\n"
	       "  --reps N             repetitions per cell (default: smoke 1, quick 2,\n"
	       "                       standard 5, full 10)\n"
	       "  --out DIR            the run directory (must not exist or be empty);\n"
	       "                       default results/<UTC time>-<host>-<kernel>/\n"
	       "  --cpu-dma-latency US hold /dev/cpu_dma_latency at US microseconds for the\n"
	       "                       whole run (a tuning: recorded in env.csv); without it\n"
	       "                       the current value is only read and recorded\n"
	       "  --max-timeout T      cap every driver run's time limit at T (e.g. 30s); a\n"
	       "                       run still going is killed a little later and\n"
	       "                       recorded as status=timeout\n"
	       "  --dry-run            print the plan (cells, reps, drivers) and exit\n"
	       "  --no-figures         do not run gnuplot\n");
}

static void parse(int argc, char **argv, struct run_opts *o)
{
	enum { OPT_PROFILE = 0x100, OPT_FAMILY, OPT_MECHANISM, OPT_PRESET, OPT_REPS, OPT_OUT,
	       OPT_DMA, OPT_MAXTIME, OPT_DRY, OPT_NOFIG, OPT_HELP };
	static const struct option long_options[] = {
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ "family", required_argument, NULL, OPT_FAMILY },
		{ "mechanism", required_argument, NULL, OPT_MECHANISM },
		{ "preset", required_argument, NULL, OPT_PRESET },
		{ "reps", required_argument, NULL, OPT_REPS },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "cpu-dma-latency", required_argument, NULL, OPT_DMA },
		{ "max-timeout", required_argument, NULL, OPT_MAXTIME },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "no-figures", no_argument, NULL, OPT_NOFIG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = HARNESS_PROG " run";
	int opt;

	*o = (struct run_opts){
		.profile = HARNESS_STANDARD,
		.base = "results",
		.cpu_dma_latency = -1,
	};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (opt) {
		case OPT_PROFILE:
			o->profile = (enum harness_profile)evb_opt_word(prog, "--profile", optarg,
									harness_profile_names);
			break;
		case OPT_FAMILY:
			if (!harness_family_find(optarg)) {
				char names[256] = "";
				size_t used = 0;

				for (size_t i = 0; i < harness_nfamilies; i++)
					used += (size_t)snprintf(names + used, sizeof(names) - used,
								 "%s%s", i ? ", " : "",
								 harness_families[i]->name);
				evb_usage_error(prog, "--family '%s' is not one of: %s", optarg,
						names);
			}
			o->family = optarg;
			break;
		case OPT_MECHANISM:
			o->mechanism = optarg;
			break;
		case OPT_PRESET:
			o->preset = optarg;
			break;
		case OPT_REPS:
			o->reps = evb_opt_i64(prog, "--reps", optarg, EVB_UNIT_NONE, 1, 1000);
			break;
		case OPT_OUT:
			if (!optarg[0])
				evb_usage_error(prog, "--out needs a directory");
			o->out = optarg;
			break;
		case OPT_DMA:
			o->cpu_dma_latency = evb_opt_i64(prog, "--cpu-dma-latency", optarg,
							 EVB_UNIT_NONE, 0, 2000000000);
			break;
		case OPT_MAXTIME:
			o->max_timeout_ns = evb_opt_i64(prog, "--max-timeout", optarg, EVB_UNIT_TIME,
							1000000, 86400 * EVB_NSEC_PER_SEC);
			break;
		case OPT_DRY:
			o->dry_run = true;
			break;
		case OPT_NOFIG:
			o->no_figures = true;
			break;
		case OPT_HELP:
			usage();
			exit(0);
		default:
			evb_usage_error(prog, "unknown option (see above)");
		}
	}
	if (optind < argc)
		evb_usage_error(prog, "unexpected argument '%s'", argv[optind]);
}

/* --- planning ------------------------------------------------------------- */

static int plan_family(struct run_state *st, const struct harness_family *family,
		       const struct harness_plan_req *req, bool *known_preset)
{
	size_t before = st->plan.ncells;
	int ret;

	for (int i = 0; req->preset && family->presets && family->presets[i]; i++)
		if (strcmp(family->presets[i], req->preset) == 0)
			*known_preset = true;
	ret = harness_plan_family(&st->plan, family, req);
	if (ret == -ENOENT)
		return st->opts->family ? -ENOENT : 0;
	if (ret)
		return ret;

	/* --mechanism keeps only that mechanism's cells. */
	size_t kept = before;

	for (size_t i = before; i < st->plan.ncells; i++)
		if (!st->opts->mechanism ||
		    strcmp(st->plan.cells[i].axes.mechanism, st->opts->mechanism) == 0)
			st->plan.cells[kept++] = st->plan.cells[i];
	st->plan.ncells = kept;
	return 0;
}

static int make_plan(struct run_state *st)
{
	const struct run_opts *o = st->opts;
	struct harness_plan_req req = { .profile = o->profile, .preset = o->preset };
	bool known_preset = false;
	size_t nfam = 0;

	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct harness_family *family = harness_families[f];
		size_t before = st->plan.ncells;
		int ret;

		if (o->family && strcmp(o->family, family->name) != 0)
			continue;
		ret = plan_family(st, family, &req, &known_preset);
		if (ret)
			return ret;
		const struct harness_family **cf = realloc(st->cell_family,
				(st->plan.ncells ? st->plan.ncells : 1) * sizeof(*cf));

		if (!cf)
			return -ENOMEM;
		st->cell_family = cf;
		for (size_t i = before; i < st->plan.ncells; i++)
			st->cell_family[i] = family;
		nfam++;
	}
	if (o->preset && !known_preset) {
		fprintf(stderr, "%s run: --preset '%s' is not a preset of %s (see `evbench list`)\n",
			HARNESS_PROG, o->preset, o->family ? o->family : "any family");
		return -EINVAL;
	}
	for (size_t i = 0; o->max_timeout_ns && i < st->plan.ncells; i++)
		if (st->plan.cells[i].timeout_ns > o->max_timeout_ns)
			st->plan.cells[i].timeout_ns = o->max_timeout_ns;
	if (st->plan.ncells == 0) {
		fprintf(stderr, "%s run: nothing to run%s%s\n", HARNESS_PROG,
			o->mechanism ? ": no cell has --mechanism " : "",
			o->mechanism ? o->mechanism : "");
		return -EINVAL;
	}
	return 0;
}

/* --- one driver run ------------------------------------------------------- */

static void log_stderr_line(void *arg, const char *line)
{
	FILE *log = arg;

	fprintf(log, "  | %s\n", line);
}

/* The row for a run that did not produce a usable one. */
static void harness_row(struct evb_row *row, const struct harness_cell *c, const char *run_id,
			int rep, const char *status)
{
	*row = c->axes;
	evb_row_set(row, run_id, run_id);
	evb_row_set(row, status, status);
	row->rep = rep;
}

/* Check the driver's stdout: exactly one row of this cell.  0 or -EINVAL. */
static int take_row(const struct evb_spawn_result *res, const struct harness_cell *c,
		    struct evb_row *row, char *error, size_t len)
{
	struct evb_csv_record rec = { 0 };
	const char *nl = strchr(res->out, '\n');
	int ret = -EINVAL;

	if (!res->out[0]) {
		snprintf(error, len, "no row on stdout");
		return -EINVAL;
	}
	if (!nl || nl[1] != '\0') {
		snprintf(error, len, "expected exactly one line on stdout");
		return -EINVAL;
	}
	if (evb_csv_parse_line(res->out, &rec, error, len) != 1)
		goto out;
	if (evb_row_parse(row, rec.fields, rec.nfields, error, len))
		goto out;
	if (strcmp(row->family, c->axes.family) || strcmp(row->mechanism, c->axes.mechanism) ||
	    strcmp(row->variant, c->axes.variant) || strcmp(row->mode, c->axes.mode)) {
		snprintf(error, len, "row is for %s/%s/%s/%s, not this cell", row->family,
			 row->mechanism, row->variant, row->mode);
		goto out;
	}
	if (strcmp(row->status, EVB_STATUS_OK) && strcmp(row->status, EVB_STATUS_SKIPPED) &&
	    strcmp(row->status, EVB_STATUS_FAILED) && strcmp(row->status, EVB_STATUS_TIMEOUT)) {
		snprintf(error, len, "unknown status '%s'", row->status);
		goto out;
	}
	ret = 0;
out:
	evb_csv_record_free(&rec);
	return ret;
}

/* Fold one repetition's histogram file into the cell's. */
static void merge_hist(const char *rep_path, const char *cell_path)
{
	struct evb_hist *sum = malloc(sizeof(*sum)), *add = malloc(sizeof(*add));
	FILE *f;

	if (!sum || !add)
		goto out;
	evb_hist_init(sum);
	f = fopen(cell_path, "r");
	if (f) {
		if (evb_hist_read_csv(sum, f))
			evb_hist_init(sum);
		fclose(f);
	}
	f = fopen(rep_path, "r");
	if (!f)
		goto out;
	int ok = evb_hist_read_csv(add, f) == 0;

	fclose(f);
	if (ok) {
		evb_hist_merge(sum, add);
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s.tmp", cell_path);
		f = fopen(tmp, "w");
		if (f) {
			int bad = evb_hist_write_csv(sum, f) != 0;

			if (fclose(f) == 0 && !bad)
				rename(tmp, cell_path);
		}
	}
	unlink(rep_path);
out:
	free(sum);
	free(add);
}

static void run_one(struct run_state *st, size_t index, int rep, struct evb_row *row)
{
	const struct harness_cell *c = &st->plan.cells[index];
	const struct harness_family *family = st->cell_family[index];
	char driver[PATH_MAX], slug[512], hist_rep[PATH_MAX], hist_cell[PATH_MAX];
	char error[600] = "";
	struct harness_argv b;
	struct evb_spawn_result res;
	struct evb_spawn_opts opts = {
		.timeout_ns = c->timeout_ns + kill_grace_ns(c->timeout_ns),
		.cancel_fd = st->cancel_fd,
		.on_stderr = log_stderr_line,
		.arg = st->log,
	};

	harness_driver_path(family, driver, sizeof(driver));
	harness_cell_slug(&c->axes, slug, sizeof(slug));
	snprintf(hist_rep, sizeof(hist_rep), "%s/hist/.%s.rep%d.csv", st->run_dir, slug, rep);
	snprintf(hist_cell, sizeof(hist_cell), "%s/hist/%s.csv", st->run_dir, slug);
	harness_cell_argv(&b, driver, c, st->run_id, rep, c->hist ? hist_rep : NULL);

	fprintf(st->log, "[%zu/%zu] rep %d:", st->done + 1, st->total, rep);
	for (int i = 0; i < b.n; i++)
		fprintf(st->log, " %s", b.argv[i]);
	fputc('\n', st->log);
	fflush(st->log);

	int ret = evb_spawn(b.argv, &opts, &res);

	if (ret) {
		harness_row(row, c, st->run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "%s", res.last_err);
		return;
	}
	switch (res.end) {
	case EVB_SPAWN_CANCELED:
		st->interrupted = true;
		harness_row(row, c, st->run_id, rep, "interrupted");
		break;
	case EVB_SPAWN_TIMEOUT:
		harness_row(row, c, st->run_id, rep, EVB_STATUS_TIMEOUT);
		evb_row_reason(row, "killed after %.1f s (driver --timeout %.1f s + %.1f s grace)%s%s",
			       (double)res.wall_ns / 1e9, (double)c->timeout_ns / 1e9,
			       (double)kill_grace_ns(c->timeout_ns) / 1e9,
			       res.last_err[0] ? "; stderr: " : "", res.last_err);
		break;
	case EVB_SPAWN_SIGNALED:
		harness_row(row, c, st->run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "driver killed by signal %d (%s)%s%s", res.term_signal,
			       strsignal(res.term_signal), res.last_err[0] ? "; stderr: " : "",
			       res.last_err);
		break;
	case EVB_SPAWN_EXITED:
		if (take_row(&res, c, row, error, sizeof(error)) == 0) {
			evb_row_set(row, run_id, st->run_id);
			row->rep = rep;
			if (res.exit_status == 2) {
				evb_row_set(row, status, EVB_STATUS_FAILED);
				evb_row_reason(row, "driver rejected its arguments: %s",
					       res.last_err);
			}
			break;
		}
		harness_row(row, c, st->run_id, rep, EVB_STATUS_FAILED);
		evb_row_reason(row, "exit status %d, %s: '%.80s'%s%s", res.exit_status, error,
			       res.out, res.last_err[0] ? "; stderr: " : "", res.last_err);
		break;
	}
	if (c->hist)
		merge_hist(hist_rep, hist_cell);
	evb_spawn_result_free(&res);
}

/* --- progress ------------------------------------------------------------- */

static void fmt_duration(char *buf, size_t len, double seconds)
{
	long s = (long)(seconds + 0.5);

	if (s >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

static void progress(struct run_state *st, const struct harness_cell *c, int rep)
{
	int64_t now = evb_now_ns();
	double elapsed = (double)(now - st->start_ns) / 1e9;
	double eta = st->done ? elapsed / (double)st->done * (double)(st->total - st->done) : 0;
	char e[32], r[32], label[256];

	if (!st->tty && st->done != st->total && now - st->last_progress_ns < 15 * EVB_NSEC_PER_SEC)
		return;
	st->last_progress_ns = now;
	fmt_duration(e, sizeof(e), elapsed);
	fmt_duration(r, sizeof(r), eta);
	snprintf(label, sizeof(label), "%s %s%s%s %s", c->axes.family, c->axes.mechanism,
		 c->axes.variant[0] ? "/" : "", c->axes.variant, c->axes.mode);
	fprintf(stderr, "%s[%*zu/%zu] %s elapsed, ETA %s, rep %d/%d  %-50.50s%s",
		st->tty ? "\r" : "", (int)snprintf(NULL, 0, "%zu", st->total), st->done,
		st->total, e, r, rep, st->reps, label, st->tty ? "" : "\n");
	fflush(stderr);
}

static void report_problem(struct run_state *st, const struct evb_row *row)
{
	if (!strcmp(row->status, EVB_STATUS_OK) || !strcmp(row->status, EVB_STATUS_SKIPPED))
		return;
	st->not_ok++;
	fprintf(stderr, "%s%s: %s %s%s%s %s %s %s rep %lld: %s\n", st->tty ? "\n" : "",
		row->status, row->family, row->mechanism, row->variant[0] ? "/" : "",
		row->variant, row->mode, row->ipc, row->placement, (long long)row->rep,
		row->reason);
}

/* --- environment and tuning ----------------------------------------------- */

static int hold_cpu_dma_latency(struct run_state *st, int32_t us)
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

static int write_env(struct run_state *st, const char *state)
{
	const struct run_opts *o = st->opts;
	char path[PATH_MAX], tmp[PATH_MAX];
	struct evb_env env;
	FILE *f;
	int ret;

	evb_env_capture(&env);
	evb_env_set(&env, "run_id", "%s", st->run_id);
	evb_env_set(&env, "run_state", "%s", state);
	evb_env_set(&env, "run_profile", "%s", harness_profile_names[o->profile]);
	evb_env_set(&env, "run_preset", "%s", o->preset ? o->preset : "");
	evb_env_set(&env, "run_family", "%s", o->family ? o->family : "all");
	evb_env_set(&env, "run_mechanism", "%s", o->mechanism ? o->mechanism : "all");
	evb_env_set(&env, "run_reps", "%d", st->reps);
	evb_env_set(&env, "run_cells", "%zu", st->plan.ncells);
	evb_env_set(&env, "run_driver_runs_done", "%zu", st->done);
	evb_env_set(&env, "run_driver_runs_planned", "%zu", st->total);
	evb_env_set(&env, "tuning_cpu_dma_latency", "%s",
		    o->cpu_dma_latency >= 0 ? "held by evbench for the whole run (--cpu-dma-latency)"
					    : "none (value only read)");
	if (o->cpu_dma_latency >= 0)
		evb_env_set(&env, "tuning_cpu_dma_latency_us", "%lld",
			    (long long)o->cpu_dma_latency);

	harness_run_path(path, sizeof(path), st->run_dir, "env.csv");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		ret = -errno;
		goto out;
	}
	ret = evb_env_write_csv(&env, f);
	if (fclose(f) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (!strcmp(state, "running"))
		for (size_t i = 0; i < env.nwarnings; i++)
			fprintf(stderr, "%s: warning: %s\n", HARNESS_PROG, env.warnings[i]);
out:
	evb_env_free(&env);
	return ret;
}

/* --- the command ---------------------------------------------------------- */

static int open_run(struct run_state *st)
{
	char path[PATH_MAX], error[600];
	const struct run_opts *o = st->opts;
	int ret = harness_rundir_create(o->base, o->out, st->run_dir, sizeof(st->run_dir),
					error, sizeof(error));

	if (ret) {
		fprintf(stderr, "%s run: %s\n", HARNESS_PROG, error);
		return ret;
	}
	const char *name = strrchr(st->run_dir, '/');

	evb_strlcpy(st->run_id, name ? name + 1 : st->run_dir, sizeof(st->run_id));
	harness_run_path(path, sizeof(path), st->run_dir, "hist");
	mkdir(path, 0755);
	harness_run_path(path, sizeof(path), st->run_dir, "run.log");
	st->log = fopen(path, "w");
	harness_run_path(path, sizeof(path), st->run_dir, "results.csv");
	st->results = fopen(path, "w");
	if (!st->log || !st->results) {
		fprintf(stderr, "%s run: %s: %s\n", HARNESS_PROG, path, strerror(errno));
		return -errno;
	}
	setvbuf(st->log, NULL, _IOLBF, 0);
	return evb_row_write_header(st->results);
}

static void print_plan(const struct run_state *st)
{
	printf("# %zu cells x %d reps = %zu driver runs\n", st->plan.ncells, st->reps,
	       st->plan.ncells * (size_t)st->reps);
	for (size_t i = 0; i < st->plan.ncells; i++) {
		struct harness_argv b;
		char driver[PATH_MAX];

		harness_driver_path(st->cell_family[i], driver, sizeof(driver));
		harness_cell_argv(&b, driver, &st->plan.cells[i], "ID", 1, NULL);
		for (int k = 0; k < b.n; k++)
			printf("%s%s", k ? " " : "", b.argv[k]);
		putchar('\n');
	}
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

static void finish(struct run_state *st)
{
	char results[PATH_MAX], summary[PATH_MAX], error[600];
	const char *state;
	char state_text[256];

	harness_run_path(results, sizeof(results), st->run_dir, "results.csv");
	harness_run_path(summary, sizeof(summary), st->run_dir, "summary.csv");
	if (harness_summarize(results, summary, error, sizeof(error)))
		fprintf(stderr, "%s: summary: %s\n", HARNESS_PROG, error);
	if (st->interrupted) {
		snprintf(state_text, sizeof(state_text),
			 "incomplete: interrupted by signal %d after %zu of %zu driver runs",
			 st->interrupt_signal, st->done, st->total);
		state = state_text;
	} else {
		state = "complete";
	}
	fprintf(st->log, "run %s: %s\n", st->run_id, state);
	write_env(st, state);
	if (!st->interrupted && !st->opts->no_figures)
		harness_render_figures(st->run_dir, st->log);
	/* The cross-check is a stage of the standard and full profiles. */
	if (!st->interrupted && st->opts->profile >= HARNESS_STANDARD && !st->opts->mechanism &&
	    !st->opts->preset) {
		fprintf(stderr, "%s: cross-check with hyperfine\n", HARNESS_PROG);
		if (harness_crosscheck(st->run_dir, st->opts->family, st->log, st->cancel_fd, error,
				       sizeof(error)))
			fprintf(stderr, "%s: crosscheck: %s\n", HARNESS_PROG, error);
	}
	if (harness_report(st->run_dir, error, sizeof(error)))
		fprintf(stderr, "%s: report: %s\n", HARNESS_PROG, error);
	else
		fprintf(stderr, "%s: report: %s/report.html (and report.md)\n", HARNESS_PROG,
			st->run_dir);
	if (!st->opts->out)
		harness_rundir_link_latest(st->opts->base, st->run_dir);
}

static void run_state_free(struct run_state *st)
{
	harness_plan_free(&st->plan);
	free(st->cell_family);
	if (st->cancel_fd >= 0)
		close(st->cancel_fd);
}

/* Run every repetition of every cell; false when interrupted. */
static void run_all_cells(struct run_state *st)
{
	for (int rep = 1; rep <= st->reps && !st->interrupted; rep++) {
		for (size_t i = 0; i < st->plan.ncells && !st->interrupted; i++) {
			struct evb_row row;
			struct signalfd_siginfo si;

			if (read(st->cancel_fd, &si, sizeof(si)) == sizeof(si)) {
				st->interrupted = true;
				st->interrupt_signal = (int)si.ssi_signo;
				break;
			}
			run_one(st, i, rep, &row);
			if (st->interrupted) {
				if (read(st->cancel_fd, &si, sizeof(si)) == sizeof(si))
					st->interrupt_signal = (int)si.ssi_signo;
				fprintf(st->log, "interrupted: the run in progress was killed, no row "
					"for it\n");
				break;
			}
			evb_row_write(st->results, &row);
			fprintf(st->log, "  -> %s%s%s\n", row.status, row.reason[0] ? ": " : "",
				row.reason);
			st->done++;
			report_problem(st, &row);
			progress(st, &st->plan.cells[i], rep);
		}
	}
	if (st->tty)
		fputc('\n', stderr);
}

int harness_cmd_run(int argc, char **argv)
{
	struct run_opts opts;
	struct run_state st = { .opts = &opts, .cancel_fd = -1, .dma_fd = -1 };
	int ret, status = 1;

	parse(argc, argv, &opts);
	evb_nofile_raise();
	st.reps = opts.reps ? (int)opts.reps : profile_reps[opts.profile];
	ret = make_plan(&st);
	if (ret) {
		status = ret == -EINVAL || ret == -ENOENT ? 2 : 1;
		goto out;
	}
	st.total = st.plan.ncells * (size_t)st.reps;
	if (opts.dry_run) {
		print_plan(&st);
		status = 0;
		goto out;
	}
	if (setup_signals(&st))
		goto out;
	ret = open_run(&st);
	if (ret) {
		status = ret == -EEXIST || ret == -ENOTDIR ? 2 : 1;
		goto out;
	}
	if (opts.cpu_dma_latency >= 0 && hold_cpu_dma_latency(&st, (int32_t)opts.cpu_dma_latency))
		goto out_close;
	write_env(&st, "running");
	fprintf(stderr, "%s: %zu cells x %d reps = %zu driver runs -> %s\n", HARNESS_PROG,
		st.plan.ncells, st.reps, st.total, st.run_dir);
	fprintf(st.log, "evbench run: profile %s%s%s, %zu cells x %d reps\n",
		harness_profile_names[opts.profile], opts.preset ? ", preset " : "",
		opts.preset ? opts.preset : "", st.plan.ncells, st.reps);
	st.tty = isatty(STDERR_FILENO);
	st.start_ns = evb_now_ns();

	run_all_cells(&st);
	fclose(st.results);
	st.results = NULL;
	finish(&st);

	char elapsed[32];

	fmt_duration(elapsed, sizeof(elapsed), (double)(evb_now_ns() - st.start_ns) / 1e9);
	fprintf(stderr, "%s: %s %zu of %zu driver runs in %s (%zu not ok); results in %s\n",
		HARNESS_PROG, st.interrupted ? "INTERRUPTED after" : "finished", st.done, st.total,
		elapsed, st.not_ok, st.run_dir);
	status = st.interrupted ? 130 : 0;
out_close:
	if (st.dma_fd >= 0)
		close(st.dma_fd);
	if (st.results)
		fclose(st.results);
	if (st.log)
		fclose(st.log);
out:
	run_state_free(&st);
	return status;
}
