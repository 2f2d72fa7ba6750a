/*
 * test_run_resume.c - `evbench run --resume` (harness/run_resume.c), with
 * the fake evb-notify: a run killed with SIGKILL and resumed has exactly
 * one row per cell x repetition (a last row cut off mid-write dropped); a
 * complete run has nothing to resume and a resumed run takes no new
 * options; a resumed run counts the failed rows it kept; an interrupted
 * run's report (written later by evbench report) says it was interrupted.
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
#include "fixture.h"
#include "testutil.h"

#define COMPLETE "This run is complete"

START_TEST(resume_after_sigkill_has_one_row_per_pair)
{
	struct fx_fake_run fx;
	char path[700];
	const char *reps[] = { "--reps", "6", "--no-figures", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };
	struct evb_row *rows;
	FILE *f;

	fx_fake_setup(&fx, "slow,ok");
	pid_t pid = fx_fake_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	fx_wait_lines(path, 6);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(fx_wait_exit(pid), 128 + SIGKILL);
	ck_assert(fx_fake_env_has(&fx, "run_state,running"));
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
	size_t n = fx_load_rows(path, &rows);

	ck_assert_int_eq(n, 4 * 6);   /* slow, ok x pingpong, burst x 6 reps */
	for (int rep = 1; rep <= 6; rep++) {
		ck_assert_int_eq(fx_count_rows(rows, n, "slow", "pingpong", rep), 1);
		ck_assert_int_eq(fx_count_rows(rows, n, "slow", "burst", rep), 1);
		ck_assert_int_eq(fx_count_rows(rows, n, "ok", "pingpong", rep), 1);
		ck_assert_int_eq(fx_count_rows(rows, n, "ok", "burst", rep), 1);
	}
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_state,complete"));
	ck_assert(fx_fake_env_has(&fx, "run_resumed,yes"));

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

START_TEST(resume_counts_the_failed_rows_it_kept)
{
	struct fx_fake_run fx;
	char path[700];
	const char *reps[] = { "--reps", "6", "--no-figures", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };

	fx_fake_setup(&fx, "slow,crash");
	pid_t pid = fx_fake_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	fx_wait_lines(path, 6);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(fx_wait_exit(pid), 128 + SIGKILL);

	struct evb_spawn_result res = tu_run("evbench", resume, 120);

	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "12 of 24 rows failed and 0 timed out"), "%s",
		      tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(fx_fake_file_has(&fx, "report.md", COMPLETE));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(interrupted_runs_report_says_so)
{
	struct fx_fake_run fx;
	char path[700];
	const char *reps[] = { "--reps", "50", "--no-figures", NULL };
	const char *report[] = { "report", fx.run, NULL };

	fx_fake_setup(&fx, "slow");
	pid_t pid = fx_fake_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	fx_wait_lines(path, 3);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(fx_wait_exit(pid), 130);
	ck_assert(fx_fake_env_has(&fx, "run_state,incomplete: interrupted by signal 2"));

	struct evb_spawn_result res = tu_run("evbench", report, 60);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(fx_fake_file_has(&fx, "report.md", "This run is incomplete: interrupted by signal 2"));
	ck_assert(!fx_fake_file_has(&fx, "report.md", COMPLETE));
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_resume");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, resume_after_sigkill_has_one_row_per_pair);
	tcase_add_test(tc, resume_counts_the_failed_rows_it_kept);
	tcase_add_test(tc, interrupted_runs_report_says_so);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
