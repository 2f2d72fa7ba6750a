/*
 * run_start.c - a run's start: the machine-wide lock, then a new run
 * directory (its plan.csv, run.log, results.csv header, RUN/run.lock) or
 * the directory of a run to resume.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_row.h"
#include "evb_sb.h"
#include "evb_sys.h"
#include "harness.h"
#include "rundir.h"
#include "rundir_fs.h"
#include "run.h"

/* The machine-wide lock: refuse (2) while another run holds it, unless --force. */
static int lock_machine(struct run_state *st, const char *what)
{
	char path[PATH_MAX], holder[PATH_MAX + 64];
	int ret;

	harness_lock_machine_path(path, sizeof(path));
	ret = harness_lock_take(&st->machine_lock, path, what, holder, sizeof(holder));
	if (ret == -EWOULDBLOCK) {
		fprintf(stderr, "%s run: another evbench run is in progress on this machine: %s%s\n",
			HARNESS_PROG, holder, st->opts->force ? "; --force: running anyway" :
			"; two runs disturb each other's figures (--force runs anyway)");
		return st->opts->force ? 0 : -EBUSY;
	}
	if (ret)
		fprintf(stderr, "%s: warning: lock %s: %s (not checking for other runs)\n",
			HARNESS_PROG, path, holder);
	return 0;
}

/* RUN/run.lock: this process is the run's only writer. */
static int lock_run_dir(struct run_state *st)
{
	char path[PATH_MAX], holder[PATH_MAX + 64];
	int ret;

	harness_run_path(path, sizeof(path), st->run_dir, "run.lock");
	ret = harness_lock_take(&st->dir_lock, path, st->run_dir, holder, sizeof(holder));
	if (ret == -EWOULDBLOCK)
		fprintf(stderr, "%s run: %s is in progress: %s\n", HARNESS_PROG, st->run_dir,
			holder);
	else if (ret)
		fprintf(stderr, "%s run: %s: %s\n", HARNESS_PROG, path, holder);
	return ret == -EWOULDBLOCK ? -EBUSY : ret;
}

static int open_new_run(struct run_state *st)
{
	char path[PATH_MAX], error[600];
	const struct run_opts *o = st->opts;
	const char *name;
	int dirfd;
	int ret = harness_rundir_create(o->base, o->out, st->run_dir, sizeof(st->run_dir),
					error, sizeof(error));

	if (ret) {
		fprintf(stderr, "%s run: %s\n", HARNESS_PROG, error);
		return ret == -EEXIST || ret == -ENOTDIR || ret == -EPERM ? -EINVAL : ret;
	}
	name = strrchr(st->run_dir, '/');
	if (evb_fmt(st->run_id, sizeof(st->run_id), "%s", name ? name + 1 : st->run_dir)) {
		fprintf(stderr, "%s run: run directory name %s: longer than %zu bytes\n",
			HARNESS_PROG, name ? name + 1 : st->run_dir, sizeof(st->run_id) - 1);
		return -EINVAL;
	}
	if (st->machine_lock.fd >= 0)
		(void)harness_lock_note(&st->machine_lock, st->run_dir);   /* only for messages */
	ret = lock_run_dir(st);
	if (ret)
		return ret;
	dirfd = harness_rundir_open(st->run_dir, error, sizeof(error));
	if (dirfd < 0)
		goto err_said;
	ret = harness_rundir_subdir(dirfd, "hist", true, error, sizeof(error));
	if (ret < 0)
		goto err_close_dir;
	close(ret);
	harness_run_path(path, sizeof(path), st->run_dir, "plan.csv");
	ret = harness_plan_write(&st->plan, path, error, sizeof(error));
	if (ret) {
		fprintf(stderr, "%s run: %s\n", HARNESS_PROG, error);
		close(dirfd);
		return ret;
	}
	st->log = harness_rundir_fopen(dirfd, "run.log", O_WRONLY | O_CREAT | O_EXCL, error,
				       sizeof(error));
	if (!st->log)
		goto err_close_dir;
	setvbuf(st->log, NULL, _IOLBF, 0);
	st->results = harness_rundir_fopen(dirfd, "results.csv", O_WRONLY | O_CREAT | O_EXCL,
					   error, sizeof(error));
	if (!st->results)
		goto err_close_dir;
	close(dirfd);
	ret = evb_row_write_header(st->results);
	if (!ret)
		return 0;
	fprintf(stderr, "%s run: %s/results.csv: %s\n", HARNESS_PROG, st->run_dir,
		strerror(-ret));
	return ret;
err_close_dir:
	close(dirfd);
err_said:
	fprintf(stderr, "%s run: %s: %s\n", HARNESS_PROG, st->run_dir, error);
	return -EIO;
}

/* A new run: plan it; 0, 1 (dry run done), or -errno. */
int run_start_new(struct run_state *st)
{
	int ret = run_make_plan(st);

	if (!ret)
		ret = run_alloc_cells(st);
	if (ret)
		return ret;
	st->total = run_planned_total(st);
	if (st->opts->dry_run) {
		run_print_plan(st);
		return 1;
	}
	ret = lock_machine(st, "(starting)");
	return ret ? ret : open_new_run(st);
}

int run_start_resume(struct run_state *st)
{
	char error[600];
	size_t len;
	int dirfd;
	int ret = harness_run_dir_check("--resume", st->opts->resume, error, sizeof(error));

	if (ret) {
		fprintf(stderr, "%s run: %s\n", HARNESS_PROG, error);
		return -EINVAL;
	}
	ret = lock_machine(st, st->opts->resume);
	if (ret)
		return ret;
	evb_strlcpy(st->run_dir, st->opts->resume, sizeof(st->run_dir));
	len = strlen(st->run_dir);
	while (len > 1 && st->run_dir[len - 1] == '/')
		st->run_dir[--len] = '\0';
	dirfd = harness_rundir_open(st->run_dir, error, sizeof(error));
	ret = dirfd < 0 ? dirfd : harness_rundir_check_own("--resume", dirfd, st->run_dir, error,
							    sizeof(error));
	if (dirfd >= 0)
		close(dirfd);
	if (!ret && access(st->run_dir, W_OK)) {
		ret = -errno;
		evb_sb_fmt(error, sizeof(error), "--resume %s: %s", st->run_dir, strerror(errno));
	}
	if (ret) {
		fprintf(stderr, "%s run: %s\n", HARNESS_PROG, error);
		return -EINVAL;
	}
	ret = lock_run_dir(st);
	if (!ret)
		ret = run_resume_open(st);
	if (ret)
		return ret;
	st->total = run_planned_total(st);
	if (st->total < st->done)
		st->total = st->done;
	if (st->opts->rounds)       /* the rounds before: done; this one's to do */
		st->total = st->done + run_missing_pairs(st, false);
	fprintf(stderr, "%s: resuming %s: %zu rows kept\n", HARNESS_PROG, st->run_dir, st->done);
	return 0;
}
