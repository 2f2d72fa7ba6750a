/*
 * test_run_status.c - evbench run's exit status and the state its report
 * states.
 *
 * With the fake evb-notify (tests/fake_driver.c): a run whose rows are ok or
 * skipped exits 0; a run with a crashing driver writes its summary, figures
 * and report, then exits 1 and says how many rows failed; a resumed run
 * counts the failed rows it kept.  A finished run's report says the run is
 * complete; an interrupted run's report (written later by evbench report)
 * says it was interrupted.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_run_util.h"
#include "testutil.h"

#define COMPLETE "This run is complete"

/* Does RUN/name exist and contain text (NULL: only exist)? */
static int run_file_has(const struct tr_fixture *fx, const char *name, const char *text)
{
	char path[800];
	char *body;
	int has;

	snprintf(path, sizeof(path), "%s/%s", fx->run, name);
	if (access(path, R_OK))
		return 0;
	if (!text)
		return 1;
	body = tu_slurp(path);
	has = tu_contains(body, text);
	free(body);
	return has;
}

START_TEST(only_skipped_rows_exit_0)
{
	struct tr_fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };

	tr_setup(&fx, "ok,skip");
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert(tu_contains(tu_stderr(), "(0 failed, 0 timed out)"));
	evb_spawn_result_free(&res);
	ck_assert(tr_env_has(&fx, "run_state,complete"));
	ck_assert_msg(run_file_has(&fx, "report.md", COMPLETE), "report.md does not say complete");
	ck_assert(run_file_has(&fx, "report.html", COMPLETE));
	ck_assert(!run_file_has(&fx, "report.md", "interruption"));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(crashing_driver_writes_everything_then_exits_1)
{
	struct tr_fixture fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       NULL };

	tr_setup(&fx, "ok,crash");
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "2 of 4 rows failed and 0 timed out"), "%s",
		      tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(run_file_has(&fx, "summary.csv", "crash"));
	ck_assert(run_file_has(&fx, "figures", NULL));
	ck_assert(run_file_has(&fx, "report.md", "signal 11"));
	ck_assert(run_file_has(&fx, "report.md", COMPLETE));
	ck_assert(tr_env_has(&fx, "run_state,complete"));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(resume_counts_the_failed_rows_it_kept)
{
	struct tr_fixture fx;
	char path[700];
	const char *reps[] = { "--reps", "6", "--no-figures", NULL };
	const char *resume[] = { "run", "--resume", fx.run, NULL };

	tr_setup(&fx, "slow,crash");
	pid_t pid = tr_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	tr_wait_lines(path, 6);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(tr_wait_exit(pid), 128 + SIGKILL);

	struct evb_spawn_result res = tu_run("evbench", resume, 120);

	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "12 of 24 rows failed and 0 timed out"), "%s",
		      tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(run_file_has(&fx, "report.md", COMPLETE));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(interrupted_runs_report_says_so)
{
	struct tr_fixture fx;
	char path[700];
	const char *reps[] = { "--reps", "50", "--no-figures", NULL };
	const char *report[] = { "report", fx.run, NULL };

	tr_setup(&fx, "slow");
	pid_t pid = tr_start_run(&fx, reps);

	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	tr_wait_lines(path, 3);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(tr_wait_exit(pid), 130);
	ck_assert(tr_env_has(&fx, "run_state,incomplete: interrupted by signal 2"));

	struct evb_spawn_result res = tu_run("evbench", report, 60);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(run_file_has(&fx, "report.md", "This run is incomplete: interrupted by signal 2"));
	ck_assert(!run_file_has(&fx, "report.md", COMPLETE));
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_status");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, only_skipped_rows_exit_0);
	tcase_add_test(tc, crashing_driver_writes_everything_then_exits_1);
	tcase_add_test(tc, resume_counts_the_failed_rows_it_kept);
	tcase_add_test(tc, interrupted_runs_report_says_so);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
