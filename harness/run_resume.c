/*
 * run_resume.c - `evbench run --resume DIR`: go on with a run that was
 * interrupted, killed or stopped by a full disk.
 *
 * The run's options come back from its env.csv (run_profile, run_min_reps,
 * run_max_reps, run_precision_pct, ...) and its cells from plan.csv, never
 * from planning again, so the same cells run with the same iterations,
 * timeouts and options.  Every complete row of results.csv is kept; a last
 * line cut off mid-write is dropped (and said).  Then the rounds run as in
 * a new run, skipping every (cell, rep) pair that already has a row, so the
 * finished run has exactly one row per pair.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_sys.h"
#include "harness.h"
#include "rundir.h"
#include "rundir_fs.h"
#include "run.h"

static const char *env_get(const struct evb_table *t, const char *key)
{
	for (size_t r = 0; r < t->nrows; r++)
		if (!strcmp(evb_table_get(t, r, 0), key))
			return evb_table_get(t, r, 1);
	return NULL;
}

static int env_number(const struct evb_table *t, const char *key, double *out)
{
	const char *text = env_get(t, key);
	char *end;

	if (!text || !*text)
		return -EINVAL;
	*out = strtod(text, &end);
	return *end ? -EINVAL : 0;
}

/* A word option; "all" and "" mean none. */
/* A word of env.csv into buf: *out = buf, or NULL for none / "all".  0, or
 * -EINVAL when it does not fit (never cut: a cut name is another name). */
static int env_word(const struct evb_table *t, const char *key, char *buf, size_t len,
		    const char **out)
{
	const char *text = env_get(t, key);

	*out = NULL;
	if (!text || !*text || !strcmp(text, "all"))
		return 0;
	*out = buf;
	return evb_fmt(buf, len, "%s", text) ? -EINVAL : 0;
}

static int restore_options(struct run_state *st, const struct evb_table *env)
{
	struct run_opts *o = st->opts;
	const char *profile = env_get(env, "run_profile");
	double min_reps, max_reps, precision, budget_s, dma, scale;
	int p;

	for (p = 0; profile && harness_profile_names[p]; p++)
		if (!strcmp(harness_profile_names[p], profile))
			break;
	if (!profile || !harness_profile_names[p] || env_number(env, "run_min_reps", &min_reps) ||
	    env_number(env, "run_max_reps", &max_reps) ||
	    env_number(env, "run_precision_pct", &precision) ||
	    env_number(env, "run_budget_s", &budget_s) || min_reps < 1 || max_reps < min_reps ||
	    max_reps > 1000)
		return -EINVAL;
	o->profile = (enum harness_profile)p;
	if (env_word(env, "run_family", st->resume_strings[0], sizeof(st->resume_strings[0]),
		     &o->family) ||
	    env_word(env, "run_mechanism", st->resume_strings[1], sizeof(st->resume_strings[1]),
		     &o->mechanism) ||
	    env_word(env, "run_preset", st->resume_strings[2], sizeof(st->resume_strings[2]),
		     &o->preset))
		return -EINVAL;
	o->no_figures = o->no_figures || (env_get(env, "run_figures") &&
					  !strcmp(env_get(env, "run_figures"), "no"));
	o->cpu_dma_latency = env_number(env, "tuning_cpu_dma_latency_us", &dma) ? -1
										 : (int64_t)dma;
	/* plan.csv holds the time limits already scaled; keep the record */
	o->timeout_scale = env_number(env, "run_timeout_scale", &scale) || scale < 1 ? 1
											 : (int64_t)scale;
	double rounds, round;

	if (!o->rounds && !env_number(env, "run_rounds", &rounds) &&
	    !env_number(env, "run_round", &round) && round >= 1 && round <= rounds &&
	    rounds <= RUN_MAX_ROUNDS) {
		o->rounds = (int)rounds;   /* an interrupted round goes on */
		o->round = (int)round;
	}
	if (o->rounds) {
		if (env_number(env, "run_rounds", &rounds) || rounds != o->rounds) {
			fprintf(stderr, "%s run: --round %d/%d: the run was started %s\n",
				HARNESS_PROG, o->round, o->rounds,
				env_get(env, "run_rounds") ? "with another number of rounds"
							   : "without --round");
			return -ERANGE;
		}
		precision = 0;
	}
	st->min_reps = (int)min_reps;
	st->max_reps = (int)max_reps;
	st->precision_pct = precision;
	st->budget_ns = (int64_t)(budget_s * 1e9);
	return 0;
}

/* Read env.csv: refuse a complete run, say when a killed one is taken over. */
static int read_env(struct run_state *st)
{
	char path[PATH_MAX];
	struct evb_table env;
	const char *state;
	int ret;

	harness_run_path(path, sizeof(path), st->run_dir, "env.csv");
	if (evb_table_load(&env, path)) {
		fprintf(stderr, "%s run: --resume %s: not a run directory (%s)\n", HARNESS_PROG,
			st->run_dir, env.error);
		return -EINVAL;
	}
	state = env_get(&env, "run_state");
	ret = restore_options(st, &env);
	if (ret == -ERANGE)
		ret = -EINVAL;      /* said */
	else if (ret)
		fprintf(stderr, "%s run: --resume %s: env.csv lacks the run's options (run_profile, "
			"run_min_reps, ...): a run this evbench cannot resume\n", HARNESS_PROG,
			st->run_dir);
	else if (state && !strcmp(state, "complete")) {
		fprintf(stderr, "%s run: --resume %s: the run is complete; nothing to resume\n",
			HARNESS_PROG, st->run_dir);
		ret = -EALREADY;
	} else if (state && !strcmp(state, "running")) {
		const char *pid = env_get(&env, "run_pid");

		fprintf(stderr, "%s: %s says running, but its evbench (pid %s) is gone: it was "
			"killed; resuming\n", HARNESS_PROG, st->run_dir, pid ? pid : "unknown");
	}
	evb_table_free(&env);
	return ret;
}

/* Drop a last line cut off mid-write; a header cut off is written again. */
static int repair_results(struct run_state *st, int dirfd, const char *path)
{
	char error[PATH_MAX + 200];
	FILE *f = harness_rundir_fopen(dirfd, "results.csv", O_RDWR, error, sizeof(error));
	long size, keep = 0, pos = 0;
	int c;

	if (!f)
		return -errno;
	while ((c = fgetc(f)) != EOF) {
		pos++;
		if (c == '\n')
			keep = pos;
	}
	size = pos;
	if (ferror(f)) {
		fclose(f);
		return -EIO;
	}
	if (keep == size)
		return fclose(f) ? -EIO : 0;
	if (fflush(f) || ftruncate(fileno(f), keep) || fseek(f, keep, SEEK_SET)) {
		c = -errno;
		fclose(f);
		return c;
	}
	fprintf(stderr, "%s: %s: dropped a last line cut off mid-write (%ld bytes)\n",
		HARNESS_PROG, path, size - keep);
	run_log(st, "resume: dropped a cut-off last line of results.csv (%ld bytes)\n",
		size - keep);
	c = keep > 0 ? 0 : evb_row_write_header(f);
	if (fclose(f) && !c)
		c = -errno;
	return c;
}

static long find_cell(const struct run_state *st, char (*slugs)[HARNESS_SLUG_MAX + 1], const struct evb_row *row)
{
	char slug[HARNESS_SLUG_MAX + 1];

	if (harness_cell_slug(row, slug, sizeof(slug)))
		return -1;   /* too long to be a cell of the plan */
	for (size_t i = 0; i < st->plan.ncells; i++)
		if (!strcmp(slugs[i], slug))
			return (long)i;
	return -1;
}

/* Every row already there: its (cell, rep) pair is done. */
static int load_rows(struct run_state *st, const char *path)
{
	char (*slugs)[HARNESS_SLUG_MAX + 1] = calloc(st->plan.ncells + 1, sizeof(*slugs));
	struct evb_table t;
	char error[300];
	int ret = slugs ? evb_table_load(&t, path) : -ENOMEM;

	if (ret) {
		fprintf(stderr, "%s run: --resume: %s\n", HARNESS_PROG, slugs ? t.error : "no memory");
		free(slugs);
		return ret;
	}
	for (size_t i = 0; i < st->plan.ncells; i++)
		harness_cell_slug(&st->plan.cells[i].axes, slugs[i], sizeof(slugs[i]));
	for (size_t r = 0; r < t.nrows && !ret; r++) {
		struct evb_row row;
		long cell;

		ret = evb_row_parse_named(&row, t.header.fields, t.rows[r].fields,
					  t.rows[r].nfields, error, sizeof(error));
		cell = ret ? -1 : find_cell(st, slugs, &row);
		if (ret || cell < 0 || row.rep < 1 || row.rep > st->max_reps) {
			fprintf(stderr, "%s run: --resume: %s:%zu: %s\n", HARNESS_PROG, path, r + 2,
				ret ? error : "a row of no cell of plan.csv (or a rep out of range)");
			ret = -EINVAL;
			break;
		}
		run_note_row(st, (size_t)cell, &row);
		st->done++;
	}
	st->resumed_rows = st->done;
	evb_table_free(&t);
	free(slugs);
	return ret;
}

int run_resume_open(struct run_state *st)
{
	char path[PATH_MAX], error[PATH_MAX + 200];
	const char *name;
	int ret, dirfd;

	name = strrchr(st->run_dir, '/');
	if (evb_fmt(st->run_id, sizeof(st->run_id), "%s", name ? name + 1 : st->run_dir)) {
		fprintf(stderr, "%s run: --resume %s: the directory's name is longer than %zu "
			"bytes\n", HARNESS_PROG, st->run_dir, sizeof(st->run_id) - 1);
		return -EINVAL;
	}
	st->resumed = true;
	ret = read_env(st);
	if (ret)
		return ret;
	harness_run_path(path, sizeof(path), st->run_dir, "plan.csv");
	ret = harness_plan_read(&st->plan, path, error, sizeof(error));
	if (!ret && st->plan.ncells == 0) {
		snprintf(error, sizeof(error), "plan.csv has no cells");
		ret = -EINVAL;
	}
	if (ret) {
		fprintf(stderr, "%s run: --resume: %s\n", HARNESS_PROG, error);
		return ret == -ENOENT || ret == -ELOOP || ret == -EVB_ENOTREG ? -EINVAL : ret;
	}
	ret = run_family_table(st);
	if (!ret)
		ret = run_alloc_cells(st);
	if (ret)
		return ret;
	dirfd = harness_rundir_open(st->run_dir, error, sizeof(error));
	if (dirfd < 0)
		goto err_said;
	st->log = harness_rundir_fopen(dirfd, "run.log", O_WRONLY | O_CREAT | O_APPEND, error,
				       sizeof(error));
	if (!st->log)
		goto err_close;
	setvbuf(st->log, NULL, _IOLBF, 0);
	run_log(st, "evbench run --resume %s\n", st->run_dir);
	harness_run_path(path, sizeof(path), st->run_dir, "results.csv");
	ret = repair_results(st, dirfd, path);
	if (ret) {
		fprintf(stderr, "%s run: --resume: %s: %s\n", HARNESS_PROG, path, evb_open_why(ret));
		close(dirfd);
		return ret == -ELOOP || ret == -EVB_ENOTREG ? -EINVAL : ret;
	}
	ret = load_rows(st, path);
	if (ret) {
		close(dirfd);
		return ret;
	}
	st->results = harness_rundir_fopen(dirfd, "results.csv", O_WRONLY | O_APPEND, error,
					   sizeof(error));
	if (st->results) {
		close(dirfd);
		return 0;
	}
err_close:
	close(dirfd);
err_said:
	fprintf(stderr, "%s run: --resume %s: %s\n", HARNESS_PROG, st->run_dir, error);
	return -EINVAL;
}
