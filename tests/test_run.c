/*
 * test_run.c - evbench run keeps its promises when things go wrong.
 *
 * With the fake evb-notify (tests/fake_driver.c, mechanisms chosen through
 * $EVB_FAKE_LIST): a run killed with SIGKILL and resumed has exactly one
 * row per cell x repetition; a second run is refused while one holds the
 * machine lock, and runs with --force; the adaptive loop gives a noisy cell
 * more repetitions (up to --max-reps) and a steady one none, and a spent
 * budget stops them.  Every test has its own machine lock ($EVB_LOCK_FILE).
 * (Interrupted stages, a full disk: test_run_stages.c.)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "evb_csv.h"
#include "evb_row.h"
#include "test_run_util.h"
#include "testutil.h"

START_TEST(resume_after_sigkill_has_one_row_per_pair)
{
	struct tr_fixture fx;
	char path[700];
	const char *reps[] = { "--reps", "6", "--no-figures", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	struct evb_row *rows;
	FILE *f;

	tr_setup(&fx, "slow,ok");
	pid_t pid = tr_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	tr_wait_lines(path, 6);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(tr_wait_exit(pid), 128 + SIGKILL);
	ck_assert(tr_env_has(&fx, "run_state,running"));
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
	size_t n = tr_load_rows(path, &rows);

	ck_assert_int_eq(n, 4 * 6);   /* slow, ok x pingpong, burst x 6 reps */
	for (int rep = 1; rep <= 6; rep++) {
		ck_assert_int_eq(tr_count(rows, n, "slow", "pingpong", rep), 1);
		ck_assert_int_eq(tr_count(rows, n, "slow", "burst", rep), 1);
		ck_assert_int_eq(tr_count(rows, n, "ok", "pingpong", rep), 1);
		ck_assert_int_eq(tr_count(rows, n, "ok", "burst", rep), 1);
	}
	free(rows);
	ck_assert(tr_env_has(&fx, "run_state,complete"));
	ck_assert(tr_env_has(&fx, "run_resumed,yes"));

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
	struct tr_fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };
	const char *forced[] = { "run", "--family", "notify", "--profile", "smoke", "--out",
				 fx.run, "--no-figures", "--force", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	char path[700];

	tr_setup(&fx, "ok");
	/* Another run holds the machine lock. */
	int fd = open(fx.lock, O_RDWR | O_CREAT, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_gt(dprintf(fd, "4242\nboot\n/elsewhere/run-a\n"), 0);

	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.exit_status, 2);
	/* The run directory from the file, the pid from the kernel's lock table. */
	char holder[64];

	snprintf(holder, sizeof(holder), "/elsewhere/run-a (pid %d, ", (int)getpid());
	ck_assert_msg(tu_contains(tu_stderr(), holder), "%s", tu_stderr());
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
	struct tr_fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "3",
			       "--max-reps", "8", "--precision", "3", "--out", fx.run,
			       "--no-figures", NULL };
	char path[700];
	struct evb_row *rows;

	static const char *const bad_pct[] = { "run", "--precision", "3%", NULL };
	static const char *const bad_max[] = { "run", "--reps", "5", "--max-reps", "4", NULL };
	static const char *const bad_budget[] = { "run", "--budget", "soon", NULL };

	tu_expect_usage_error("evbench", bad_pct, "3%");
	tu_expect_usage_error("evbench", bad_max, "--max-reps");
	tu_expect_usage_error("evbench", bad_budget, "soon");
	tr_setup(&fx, "ok,noisy");
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = tr_load_rows(path, &rows);

	/* a run up to 8 first looks at 7: the steady cells stop there */
	ck_assert_int_eq(n, 2 * 7 + 2 * 8);
	for (int rep = 1; rep <= 8; rep++) {
		ck_assert_int_eq(tr_count(rows, n, "ok", "pingpong", rep), rep <= 7);
		ck_assert_int_eq(tr_count(rows, n, "noisy", "pingpong", rep), 1);
		ck_assert_int_eq(tr_count(rows, n, "noisy", "burst", rep), 1);
	}
	free(rows);
	ck_assert(tr_env_has(&fx, "run_adaptive_stop,max reps"));
	ck_assert(tr_env_has(&fx, "run_precision_pct,3\n"));
	ck_assert(tr_env_has(&fx, "run_min_reps,3\n"));
	ck_assert(tr_env_has(&fx, "run_max_reps,8\n"));
	/* Both sentinels (one CPU, two) ran at every round's start, into their own file. */
	snprintf(path, sizeof(path), "%s/sentinel.csv", fx.run);
	n = tr_load_rows(path, &rows);
	ck_assert_int_ge(n, 12);
	ck_assert_str_eq(rows[0].mechanism, "pipe");
	ck_assert_str_eq(rows[0].placement, "same-cpu");
	ck_assert_str_eq(rows[1].placement, "cross-cpu");
	ck_assert_int_eq(rows[1].rep, 1);
	ck_assert_int_eq(rows[n - 1].rep, (int64_t)n / 2);
	free(rows);
	tu_rmtree(fx.tmp);

	/* A spent budget stops the extra rounds. */
	const char *budget[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "3",
				 "--max-reps", "6", "--precision", "3", "--budget", "1ms", "--out",
				 fx.run, "--no-figures", NULL };

	tr_setup(&fx, "noisy");
	res = tu_run("evbench", budget, 120);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	n = tr_load_rows(path, &rows);
	ck_assert_int_eq(n, 2 * 3);
	free(rows);
	ck_assert(tr_env_has(&fx, "run_adaptive_stop,budget"));
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
	suite_add_tcase(s, tc);
	return tu_main(s);
}
