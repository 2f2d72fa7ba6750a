/*
 * test_run.c - evbench run keeps its promises when things go wrong.
 *
 * With the fake evb-notify (tests/fake_driver.c, mechanisms chosen through
 * $EVB_FAKE_LIST): a run killed with SIGKILL and resumed has exactly one
 * row per cell x repetition; a second run is refused while one holds the
 * machine lock, and runs with --force; the adaptive loop gives a noisy cell
 * more repetitions (up to --max-reps) and a steady one none; SIGINT while
 * the figures are drawn stops the run there; a full disk ends the run with
 * exit 1 and a message naming the file, and the rows written stay readable.
 * Every test has its own machine lock file ($EVB_LOCK_FILE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "testutil.h"

struct fixture {
	char tmp[512];
	char fake[600];     /* EVB_DRIVER_DIR: evb-notify -> fake_driver */
	char run[600];
	char lock[600];
};

static void setup(struct fixture *fx, const char *fake_list)
{
	char link[700], target[700];

	tu_tmpdir(fx->tmp, sizeof(fx->tmp));
	snprintf(fx->fake, sizeof(fx->fake), "%s/fake", fx->tmp);
	snprintf(fx->run, sizeof(fx->run), "%s/run", fx->tmp);
	snprintf(fx->lock, sizeof(fx->lock), "%s/evbench.lock", fx->tmp);
	ck_assert_int_eq(mkdir(fx->fake, 0755), 0);
	snprintf(link, sizeof(link), "%s/evb-notify", fx->fake);
	snprintf(target, sizeof(target), "%s/fake_driver", EVB_FAKE_DIR);
	ck_assert_int_eq(symlink(target, link), 0);
	setenv("EVB_DRIVER_DIR", fx->fake, 1);
	setenv("EVB_LOCK_FILE", fx->lock, 1);
	setenv("EVB_FAKE_LIST", fake_list, 1);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)len + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	return buf;
}

static int env_has(const struct fixture *fx, const char *text)
{
	char path[700];
	char *env;
	int found;

	snprintf(path, sizeof(path), "%s/env.csv", fx->run);
	env = slurp(path);
	found = tu_contains(env, text);
	free(env);
	return found;
}

/* results.csv as rows; every row must parse. */
static size_t load_rows(const char *path, struct evb_row **out)
{
	struct evb_table t;
	struct evb_row *rows;

	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	rows = calloc(t.nrows + 1, sizeof(*rows));
	for (size_t r = 0; r < t.nrows; r++) {
		char error[256];

		ck_assert_msg(evb_row_parse(&rows[r], t.rows[r].fields, t.rows[r].nfields, error,
					    sizeof(error)) == 0, "row %zu: %s", r, error);
	}
	size_t n = t.nrows;

	evb_table_free(&t);
	*out = rows;
	return n;
}

/* How many rows of mechanism x mode x rep. */
static int count(const struct evb_row *rows, size_t n, const char *mech, const char *mode,
		 int rep)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += !strcmp(rows[i].mechanism, mech) && !strcmp(rows[i].mode, mode) &&
		     rows[i].rep == rep;
	return k;
}

static pid_t start_run(const struct fixture *fx, const char *const *extra)
{
	const char *argv[32] = { tu_bin("evbench"), "run", "--family", "notify", "--profile",
				 "smoke", "--out", fx->run };
	size_t n = 8;
	pid_t pid;

	for (size_t i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Wait until file holds at least lines lines (test code: polling). */
static void wait_lines(const char *path, int lines)
{
	for (int i = 0; i < 1500; i++) {
		FILE *f = fopen(path, "r");
		int n = 0, c;

		while (f && (c = fgetc(f)) != EOF)
			n += c == '\n';
		if (f)
			fclose(f);
		if (n >= lines)
			return;
		usleep(20000);
	}
	ck_abort_msg("%s never reached %d lines", path, lines);
}

static int wait_exit(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

START_TEST(resume_after_sigkill_has_one_row_per_pair)
{
	struct fixture fx;
	char path[700];
	const char *reps[] = { "--reps", "6", "--no-figures", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	struct evb_row *rows;
	FILE *f;

	setup(&fx, "slow,ok");
	pid_t pid = start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	wait_lines(path, 6);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(wait_exit(pid), 128 + SIGKILL);
	ck_assert(env_has(&fx, "run_state,running"));
	/* A row cut off mid-write, as a kill or a full disk leaves it. */
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs("run,notify,slow,,ping", f);
	ck_assert_int_eq(fclose(f), 0);

	struct evb_spawn_result res = tu_run("evbench", resume, 120);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert(tu_contains(tu_stderr(), "is gone"));
	ck_assert(tu_contains(tu_stderr(), "cut off"));
	evb_spawn_result_free(&res);
	size_t n = load_rows(path, &rows);

	ck_assert_int_eq(n, 4 * 6);   /* slow, ok x pingpong, burst x 6 reps */
	for (int rep = 1; rep <= 6; rep++) {
		ck_assert_int_eq(count(rows, n, "slow", "pingpong", rep), 1);
		ck_assert_int_eq(count(rows, n, "slow", "burst", rep), 1);
		ck_assert_int_eq(count(rows, n, "ok", "pingpong", rep), 1);
		ck_assert_int_eq(count(rows, n, "ok", "burst", rep), 1);
	}
	free(rows);
	ck_assert(env_has(&fx, "run_state,complete"));
	ck_assert(env_has(&fx, "run_resumed,yes"));

	/* A complete run has nothing to resume; a resumed run takes no new options. */
	res = tu_run("evbench", resume, 60);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(tu_contains(tu_stderr(), "nothing to resume"));
	evb_spawn_result_free(&res);
	const char *with_reps[] = { "run", "--resume", fx.run, "--reps", "3", NULL };

	tu_expect_usage_error("evbench", with_reps, "--reps");
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(second_run_is_refused_unless_forced)
{
	struct fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };
	const char *forced[] = { "run", "--family", "notify", "--profile", "smoke", "--out",
				 fx.run, "--no-figures", "--force", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	char path[700];

	setup(&fx, "ok");
	/* Another run holds the machine lock. */
	int fd = open(fx.lock, O_RDWR | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_gt(dprintf(fd, "4242\nboot\n/elsewhere/run-a\n"), 0);

	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.exit_status, 2);
	ck_assert_msg(tu_contains(tu_stderr(), "/elsewhere/run-a (pid 4242)"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert_int_ne(access(fx.run, F_OK), 0);   /* nothing was created */

	res = tu_run("evbench", forced, 60);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	close(fd);

	/* A run directory some process holds is not resumed under it. */
	snprintf(path, sizeof(path), "%s/run.lock", fx.run);
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	res = tu_run("evbench", resume, 60);
	ck_assert_int_eq(res.exit_status, 2);
	ck_assert(tu_contains(tu_stderr(), "is in progress"));
	evb_spawn_result_free(&res);
	close(fd);
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(adaptive_reps_go_to_the_noisy_cell)
{
	struct fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "3",
			       "--max-reps", "6", "--precision", "3", "--out", fx.run,
			       "--no-figures", NULL };
	char path[700];
	struct evb_row *rows;

	setup(&fx, "ok,noisy");
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = load_rows(path, &rows);

	ck_assert_int_eq(n, 2 * 3 + 2 * 6);
	for (int rep = 1; rep <= 6; rep++) {
		ck_assert_int_eq(count(rows, n, "ok", "pingpong", rep), rep <= 3);
		ck_assert_int_eq(count(rows, n, "noisy", "pingpong", rep), 1);
		ck_assert_int_eq(count(rows, n, "noisy", "burst", rep), 1);
	}
	free(rows);
	ck_assert(env_has(&fx, "run_adaptive_stop,max reps"));
	ck_assert(env_has(&fx, "run_precision_pct,3\n"));
	ck_assert(env_has(&fx, "run_min_reps,3\n"));
	ck_assert(env_has(&fx, "run_max_reps,6\n"));
	/* The sentinel ran at every round's start, into its own file. */
	snprintf(path, sizeof(path), "%s/sentinel.csv", fx.run);
	n = load_rows(path, &rows);
	ck_assert_int_ge(n, 6);
	ck_assert_str_eq(rows[0].mechanism, "pipe");
	ck_assert_int_eq(rows[n - 1].rep, (int64_t)n);
	free(rows);
	tu_rmtree(fx.tmp);

	/* A spent budget stops the extra rounds. */
	const char *budget[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "3",
				 "--max-reps", "6", "--precision", "3", "--budget", "1ms", "--out",
				 fx.run, "--no-figures", NULL };

	setup(&fx, "noisy");
	res = tu_run("evbench", budget, 120);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	n = load_rows(path, &rows);
	ck_assert_int_eq(n, 2 * 3);
	free(rows);
	ck_assert(env_has(&fx, "run_adaptive_stop,budget"));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(sigint_during_figures_stops_there)
{
	struct fixture fx;
	char bin[700], script[800], marker[700], path[900];
	const char *none[] = { NULL };
	FILE *f;

	setup(&fx, "ok");
	/* A gnuplot that takes its time and says when it started. */
	snprintf(bin, sizeof(bin), "%s/bin", fx.tmp);
	snprintf(marker, sizeof(marker), "%s/gnuplot-started", fx.tmp);
	ck_assert_int_eq(mkdir(bin, 0755), 0);
	snprintf(script, sizeof(script), "%s/gnuplot", bin);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho started >> '%s'\nsleep 1\n", marker);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(script, 0755), 0);
	snprintf(path, sizeof(path), "%s:%s", bin, getenv("PATH") ? getenv("PATH") : "/usr/bin");
	setenv("PATH", path, 1);

	pid_t pid = start_run(&fx, none);

	wait_lines(marker, 1);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(wait_exit(pid), 130);
	ck_assert(env_has(&fx, "run_state,incomplete: interrupted by signal 2 during figures"));
	snprintf(path, sizeof(path), "%s/report.html", fx.run);
	ck_assert_int_ne(access(path, F_OK), 0);   /* the report stage never started */
	snprintf(path, sizeof(path), "%s/summary.csv", fx.run);
	ck_assert_int_eq(access(path, R_OK), 0);
	tu_rmtree(fx.tmp);
}
END_TEST

/* A 64 KiB tmpfs for the run, when this process may mount one (root). */
static int mount_tiny(const char *dir)
{
	if (mkdir(dir, 0755))
		return -errno;
	return mount("tmpfs", dir, "tmpfs", 0, "size=64k") ? -errno : 0;
}

START_TEST(full_disk_ends_the_run_and_keeps_the_rows)
{
	struct fixture fx;
	char disk[700], path[800], cut[800];
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "400",
			       "--out", path, "--no-figures", NULL };
	struct evb_row *rows;

	setup(&fx, "ok");
	snprintf(disk, sizeof(disk), "%s/disk", fx.tmp);
	if (mount_tiny(disk)) {
		/* Not root, or no mount here: the injected failure stands in. */
		snprintf(disk, sizeof(disk), "%s", fx.tmp);
		setenv("EVB_FAIL_WRITE", "results.csv:25", 1);
	}
	snprintf(path, sizeof(path), "%s/run", disk);

	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_int_eq(res.exit_status, 1);
	ck_assert_msg(tu_contains(tu_stderr(), "No space left on device") &&
		      tu_contains(tu_stderr(), "run FAILED"), "%s", tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "results.csv") || tu_contains(tu_stderr(), "run.log")
		      || tu_contains(tu_stderr(), "sentinel.csv"), "%s", tu_stderr());
	evb_spawn_result_free(&res);

	/* What was written stays readable: every complete line is a row. */
	snprintf(cut, sizeof(cut), "%s/complete.csv", fx.tmp);
	snprintf(path, sizeof(path), "%s/run/results.csv", disk);
	char *text = slurp(path), *last = strrchr(text, '\n');
	FILE *f = fopen(cut, "w");

	ck_assert_ptr_nonnull(last);
	last[1] = '\0';
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(text);
	size_t n = load_rows(cut, &rows);

	ck_assert_int_gt(n, 5);
	ck_assert_int_lt(n, 800);
	free(rows);
	if (strcmp(disk, fx.tmp))
		ck_assert_int_eq(umount(disk), 0);
	unsetenv("EVB_FAIL_WRITE");
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, resume_after_sigkill_has_one_row_per_pair);
	tcase_add_test(tc, second_run_is_refused_unless_forced);
	tcase_add_test(tc, adaptive_reps_go_to_the_noisy_cell);
	tcase_add_test(tc, sigint_during_figures_stops_there);
	tcase_add_test(tc, full_disk_ends_the_run_and_keeps_the_rows);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
