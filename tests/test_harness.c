/*
 * test_harness.c - evbench run, end to end.
 *
 * With a fake evb-notify (tests/fake_driver.c) whose mechanisms hang, crash,
 * print garbage or fail: each costs one row with the right status, the run
 * goes on.  A second run never overwrites the first.  SIGINT keeps the rows
 * already written and marks the run incomplete.  Bad input exits 2.  Then a
 * real smoke run of every built family into an --out of 200+ characters,
 * checked against the schema and the counts: no row failed.  (Resume:
 * test_run_resume.c; locks: test_rundir_lock.c; adaptive repetitions:
 * test_run_adaptive.c; a 64-character host name: test_long_host.sh.)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "evb_sys.h"
#include "testutil.h"

static char fake_dir[512];

/* A directory holding evb-notify -> fake_driver, for EVB_DRIVER_DIR. */
static void make_fake_dir(void)
{
	char link[600], target[600];

	tu_tmpdir(fake_dir, sizeof(fake_dir));
	snprintf(link, sizeof(link), "%s/evb-notify", fake_dir);
	snprintf(target, sizeof(target), "%s/fake_driver", EVB_FAKE_DIR);
	ck_assert_int_eq(symlink(target, link), 0);
}


/* Load a run's results.csv: the header must be the schema's, every row must
 * parse as a row of the schema with a known status. */
static size_t check_results(const char *run, struct evb_row **rows_out)
{
	char path[700];
	struct evb_table t;
	struct evb_row *rows;

	snprintf(path, sizeof(path), "%s/results.csv", run);
	ck_assert_msg(evb_table_load(&t, path) == 0, "%s", t.error);
	ck_assert_int_eq(t.header.nfields, EVB_ROW_NCOLS);
	for (int i = 0; i < EVB_ROW_NCOLS; i++)
		ck_assert_str_eq(t.header.fields[i], evb_row_column_names[i]);
	rows = calloc(t.nrows + 1, sizeof(*rows));
	for (size_t r = 0; r < t.nrows; r++) {
		char error[256];

		ck_assert_msg(evb_row_parse(&rows[r], t.rows[r].fields, t.rows[r].nfields, error,
					    sizeof(error)) == 0, "row %zu: %s", r, error);
		ck_assert_msg(!strcmp(rows[r].status, "ok") || !strcmp(rows[r].status, "skipped") ||
			      !strcmp(rows[r].status, "failed") || !strcmp(rows[r].status, "timeout"),
			      "row %zu: status '%s'", r, rows[r].status);
		if (strcmp(rows[r].status, "ok"))
			ck_assert_msg(rows[r].reason[0], "row %zu: %s without a reason", r,
				      rows[r].status);
		ck_assert_msg(rows[r].run_id[0], "row %zu: no run_id", r);
	}
	size_t n = t.nrows;

	evb_table_free(&t);
	*rows_out = rows;
	return n;
}

static const struct evb_row *find(const struct evb_row *rows, size_t n, const char *mech,
				  const char *mode)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].mechanism, mech) && !strcmp(rows[i].mode, mode))
			return &rows[i];
	ck_abort_msg("no row for %s %s", mech, mode);
	return NULL;
}

START_TEST(failures_cost_one_row_each)
{
	char tmp[512], run[600];
	struct evb_row *rows;

	make_fake_dir();
	setenv("EVB_DRIVER_DIR", fake_dir, 1);
	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--max-timeout",
			       "300ms", "--out", run, "--no-figures", NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	/* Failed and timed-out rows: everything written, then exit 1. */
	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert(tu_contains(tu_stderr(), "6 of 14 rows failed and 4 timed out"));
	evb_spawn_result_free(&res);

	size_t n = check_results(run, &rows);

	ck_assert_int_eq(n, 14);   /* 7 fake mechanisms x pingpong, burst */
	ck_assert_str_eq(find(rows, n, "ok", "pingpong")->status, "ok");
	ck_assert_str_eq(find(rows, n, "skip", "burst")->status, "skipped");
	ck_assert_str_eq(find(rows, n, "hang", "pingpong")->status, "timeout");
	ck_assert_str_eq(find(rows, n, "forkhang", "burst")->status, "timeout");
	ck_assert_str_eq(find(rows, n, "crash", "pingpong")->status, "failed");
	ck_assert(tu_contains(find(rows, n, "crash", "pingpong")->reason, "signal 11"));
	ck_assert_str_eq(find(rows, n, "garbage", "pingpong")->status, "failed");
	ck_assert(tu_contains(find(rows, n, "garbage", "pingpong")->reason, "this is not a row"));
	ck_assert_str_eq(find(rows, n, "fail", "burst")->status, "failed");
	ck_assert_str_eq(find(rows, n, "fail", "burst")->reason, "fake: broke");
	/* Harness-made rows keep the cell's axes. */
	ck_assert_str_eq(find(rows, n, "hang", "pingpong")->placement, "cross-cpu");
	ck_assert_int_eq(find(rows, n, "hang", "pingpong")->rep, 1);

	/* summary.csv has one row per cell, with the statuses carried over. */
	char path[700];
	struct evb_table s;

	snprintf(path, sizeof(path), "%s/summary.csv", run);
	ck_assert_msg(evb_table_load(&s, path) == 0, "%s", s.error);
	ck_assert_int_eq(s.nrows, 14);
	evb_table_free(&s);

	/* env.csv says the run completed. */
	snprintf(path, sizeof(path), "%s/env.csv", run);
	char *env = tu_slurp(path);

	ck_assert(tu_contains(env, "run_state,complete"));
	free(env);

	/* A second run into the same directory is refused; nothing is touched. */
	snprintf(path, sizeof(path), "%s/results.csv", run);
	char *before = tu_slurp(path);

	res = tu_run("evbench", args, 60);
	ck_assert_int_eq(res.exit_status, 2);
	ck_assert(tu_contains(tu_stderr(), "never overwrites"));
	evb_spawn_result_free(&res);
	char *after = tu_slurp(path);

	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(rows);
	tu_rmtree(tmp);
	tu_rmtree(fake_dir);
}
END_TEST

START_TEST(default_directories_are_new_and_latest_follows)
{
	char tmp[512], cwd[1024], latest[1024];
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--mechanism",
			       "ok", "--no-figures", NULL };

	make_fake_dir();
	setenv("EVB_DRIVER_DIR", fake_dir, 1);
	tu_tmpdir(tmp, sizeof(tmp));
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tmp), 0);
	for (int i = 0; i < 2; i++) {
		struct evb_spawn_result res = tu_run("evbench", args, 60);

		ck_assert_msg(res.exit_status == 0, "%s", tu_stderr());
		evb_spawn_result_free(&res);
	}
	/* Two runs in the same second still get two directories. */
	ssize_t len = readlink("results/latest", latest, sizeof(latest) - 1);

	ck_assert_int_gt(len, 0);
	latest[len] = '\0';
	char second[1200], first[1200];

	snprintf(second, sizeof(second), "results/%s/results.csv", latest);
	ck_assert_int_eq(access(second, R_OK), 0);
	FILE *ls = popen("ls results | grep -v latest | wc -l", "r");   /* test code */
	int count = 0;

	ck_assert_int_eq(fscanf(ls, "%d", &count), 1);
	pclose(ls);
	ck_assert_int_eq(count, 2);
	(void)first;
	ck_assert_int_eq(chdir(cwd), 0);
	tu_rmtree(tmp);
	tu_rmtree(fake_dir);
}
END_TEST

START_TEST(sigint_keeps_rows_and_marks_incomplete)
{
	char tmp[512], run[600], path[700], evbench[600];
	pid_t pid;
	int status;

	make_fake_dir();
	tu_tmpdir(tmp, sizeof(tmp));
	snprintf(run, sizeof(run), "%s/run", tmp);
	snprintf(evbench, sizeof(evbench), "%s", tu_bin("evbench"));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDERR_FILENO);
		setenv("EVB_DRIVER_DIR", fake_dir, 1);
		/* ok runs first (one row), then hang blocks until SIGINT. */
		execl(evbench, evbench, "run", "--family", "notify", "--profile", "smoke",
		      "--reps", "1", "--out", run, "--no-figures", (char *)NULL);
		_exit(127);
	}
	/* Wait until the hanging driver is running (its line is in run.log). */
	snprintf(path, sizeof(path), "%s/run.log", run);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		char line[2048];
		int hanging = 0;

		while (f && fgets(line, sizeof(line), f))
			hanging |= tu_contains(line, "--mechanism hang") != 0;
		if (f)
			fclose(f);
		if (hanging)
			break;
		usleep(20000);   /* test code: polling another process's file */
	}
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 130);

	struct evb_row *rows;
	size_t n = check_results(run, &rows);

	ck_assert_int_eq(n, 2);   /* ok and skip finished; hang was interrupted */
	ck_assert_str_eq(rows[0].mechanism, "ok");
	free(rows);
	snprintf(path, sizeof(path), "%s/env.csv", run);
	char *env = tu_slurp(path);

	ck_assert_msg(tu_contains(env, "run_state,incomplete: interrupted by signal 2"), "%s", env);
	free(env);
	snprintf(path, sizeof(path), "%s/summary.csv", run);
	ck_assert_int_eq(access(path, R_OK), 0);
	tu_rmtree(tmp);
	tu_rmtree(fake_dir);
}
END_TEST

START_TEST(bad_input_exits_2)
{
	static const char *const profile[] = { "run", "--profile", "turbo", NULL };
	static const char *const reps[] = { "run", "--reps", "0", NULL };
	static const char *const family[] = { "run", "--family", "telepathy", NULL };
	static const char *const unknown[] = { "run", "--frobnicate", NULL };
	static const char *const command[] = { "frobnicate", NULL };
	static const char *const preset[] = { "run", "--family", "notify", "--preset", "nope",
					      "--dry-run", NULL };
	static const char *const mech[] = { "run", "--family", "notify", "--mechanism", "nope",
					    "--dry-run", NULL };
	static const char *const summarize[] = { "summarize", "/nonexistent", NULL };

	unsetenv("EVB_DRIVER_DIR");
	tu_expect_usage_error("evbench", profile, "turbo");
	tu_expect_usage_error("evbench", reps, "--reps");
	tu_expect_usage_error("evbench", family, "telepathy");
	tu_expect_usage_error("evbench", unknown, "frobnicate");
	tu_expect_usage_error("evbench", command, "frobnicate");
	tu_expect_usage_error("evbench", preset, "nope");
	tu_expect_usage_error("evbench", mech, "nope");
	tu_expect_usage_error("evbench", summarize, "not a run directory");
}
END_TEST

/*
 * lost is exact: written only beside sent and delivered, and equal to their
 * difference; only standard signals merge while one is pending, and only a
 * burst sends more than one at a time, so every other cell loses nothing.
 */
static void check_lost(const struct evb_row *r)
{
	bool merges = !strcmp(r->variant, "std") && !strcmp(r->mode, "burst");

	if (r->lost == EVB_NA)
		return;
	ck_assert_msg(r->sent != EVB_NA && r->delivered != EVB_NA, "%s %s/%s %s: lost without "
		      "sent and delivered", r->family, r->mechanism, r->variant, r->mode);
	ck_assert_msg(r->lost == r->sent - r->delivered, "%s %s/%s %s: lost %lld != sent %lld - "
		      "delivered %lld", r->family, r->mechanism, r->variant, r->mode,
		      (long long)r->lost, (long long)r->sent, (long long)r->delivered);
	ck_assert_msg(merges || r->lost == 0, "%s %s/%s %s: lost %lld", r->family, r->mechanism,
		      r->variant, r->mode, (long long)r->lost);
}

START_TEST(real_smoke_run_matches_schema)
{
	char tmp[512], run[600], path[700];
	struct evb_row *rows;
	const char *args[] = { "run", "--profile", "smoke", "--out", run, NULL };

	unsetenv("EVB_DRIVER_DIR");
	tu_tmpdir(tmp, sizeof(tmp));
	/* An --out of 200+ characters: every histogram path is longer than the
	 * 127 bytes an argument was once cut to. */
	ck_assert_int_eq(evb_fmt(run, sizeof(run), "%s/%0100d/%0100d", tmp, 0, 0), 0);
	ck_assert_int_ge(strlen(run), 200);
	struct evb_spawn_result res = tu_run("evbench", args, 300);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	size_t n = check_results(run, &rows);

	ck_assert_int_ge(n, 30);
	for (size_t i = 0; i < n; i++) {
		/* A correct smoke run has no failures: ok, or skipped with a reason. */
		ck_assert_msg(!strcmp(rows[i].status, "ok") || !strcmp(rows[i].status, "skipped"),
			      "%s %s/%s %s: %s: %s", rows[i].family, rows[i].mechanism,
			      rows[i].variant, rows[i].mode, rows[i].status, rows[i].reason);
		if (!strcmp(rows[i].status, "ok"))
			check_lost(&rows[i]);
		ck_assert_str_eq(rows[i].run_id, strrchr(run, '/') + 1);
	}
	free(rows);
	snprintf(path, sizeof(path), "%s/env.csv", run);
	char *env = tu_slurp(path);

	ck_assert(tu_contains(env, "kernel_release,") && tu_contains(env, "run_state,complete"));
	free(env);
	snprintf(path, sizeof(path), "%s/summary.csv", run);
	ck_assert_int_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/run.log", run);
	ck_assert_int_eq(access(path, R_OK), 0);
	tu_rmtree(tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("harness");
	TCase *tc = tcase_create("fake");
	char lock_dir[] = "/tmp/evb-harness-lock-XXXXXX", lock[600];
	int status;

	/* Our own machine lock: tests must not wait on (or block) a real run. */
	if (!mkdtemp(lock_dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(lock, sizeof(lock), "%s/evbench.lock", lock_dir);
	setenv("EVB_LOCK_FILE", lock, 1);

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, failures_cost_one_row_each);
	tcase_add_test(tc, default_directories_are_new_and_latest_follows);
	tcase_add_test(tc, sigint_keeps_rows_and_marks_incomplete);
	tcase_add_test(tc, bad_input_exits_2);
	suite_add_tcase(s, tc);
	tc = tcase_create("smoke");
	tcase_set_timeout(tc, 320);
	tcase_add_test(tc, real_smoke_run_matches_schema);
	suite_add_tcase(s, tc);
	status = tu_main(s);
	if (unlink(lock) && errno != ENOENT)
		perror(lock);
	if (rmdir(lock_dir))
		perror(lock_dir);
	return status;
}
