/*
 * test_run_status.c - evbench run's exit status and what a driver that
 * misbehaves costs (harness/run_driver.c, run_finish.c), with the fake
 * evb-notify: a run whose rows are ok or skipped exits 0; a run with a
 * crashing driver writes its summary, figures and report, then exits 1 and
 * says how many rows failed, and a finished run's report says the run is
 * complete; a driver that closes its output and hangs is still killed at
 * --max-timeout and recorded as a timeout, and when every child does so,
 * the sentinels too are bounded by --max-timeout and dropped after two
 * timeouts.
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

START_TEST(only_skipped_rows_exit_0)
{
	struct fx_fake_run fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };

	fx_fake_setup(&fx, "ok,skip");
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert(tu_contains(tu_stderr(), "(0 failed, 0 timed out)"));
	evb_spawn_result_free(&res);
	ck_assert(fx_fake_env_has(&fx, "run_state,complete"));
	ck_assert_msg(fx_fake_file_has(&fx, "report.md", COMPLETE), "report.md does not say complete");
	ck_assert(fx_fake_file_has(&fx, "report.html", COMPLETE));
	ck_assert(!fx_fake_file_has(&fx, "report.md", "interruption"));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(crashing_driver_writes_everything_then_exits_1)
{
	struct fx_fake_run fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       NULL };

	fx_fake_setup(&fx, "ok,crash");
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "2 of 4 rows failed and 0 timed out"), "%s",
		      tu_stderr());
	evb_spawn_result_free(&res);
	ck_assert(fx_fake_file_has(&fx, "summary.csv", "crash"));
	ck_assert(fx_fake_file_has(&fx, "figures", NULL));
	ck_assert(fx_fake_file_has(&fx, "report.md", "signal 11"));
	ck_assert(fx_fake_file_has(&fx, "report.md", COMPLETE));
	ck_assert(fx_fake_env_has(&fx, "run_state,complete"));
	tu_rmtree(fx.tmp);
}
END_TEST

START_TEST(driver_that_closes_its_output_times_out)
{
	struct fx_fake_run fx;
	struct evb_row *rows;
	char path[700];

	fx_fake_setup(&fx, "closehang");
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--max-timeout",
			       "300ms", "--out", fx.run, "--no-figures", NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_int_eq(res.end, EVB_SPAWN_EXITED);   /* not killed by tu_run's own limit */
	/* Timed-out rows make the run's exit status 1, with their count. */
	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "2 timed out"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = fx_load_rows(path, &rows);

	ck_assert_int_ge(n, 2);   /* pingpong and burst */
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strcmp(rows[i].status, "timeout"), "row %zu: %s (%s)", i,
			      rows[i].status, rows[i].reason);
	free(rows);
	tu_rmtree(fx.tmp);
}
END_TEST

/*
 * Every child closes its output and hangs, sentinels included, with
 * --max-timeout 1s: each driver run and each sentinel is killed after
 * ~2 s, both sentinels are dropped at their second timeout (said on
 * stderr, in env.csv and in the report), and the run (2 cells x 2 reps,
 * ~17 s) ends well within a minute, every row a timeout row.
 */
START_TEST(hanging_sentinel_is_bounded_and_dropped)
{
	struct fx_fake_run fx;
	struct evb_row *rows;
	char path[700];

	fx_fake_setup(&fx, "a");
	setenv("EVB_FAKE_ALL", "closehang", 1);
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--reps", "2",
			       "--max-timeout", "1s", "--out", fx.run, "--no-figures", NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	unsetenv("EVB_FAKE_ALL");
	ck_assert_msg(res.end == EVB_SPAWN_EXITED, "not done within 60 s: %s", tu_stderr());
	ck_assert_msg(res.exit_status == 1, "exit %d: %s", res.exit_status, tu_stderr());
	ck_assert_msg(tu_contains(tu_stderr(), "4 timed out") &&
		      tu_contains(tu_stderr(), "sentinel dropped for the rest of the run: "
				  "same-cpu timed out 2 times"), "%s", tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = fx_load_rows(path, &rows);

	ck_assert_int_eq(n, 4);   /* pingpong and burst, 2 reps */
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strcmp(rows[i].status, "timeout"), "row %zu: %s (%s)", i,
			      rows[i].status, rows[i].reason);
	free(rows);
	/* Each sentinel ran twice (at the start of each round), then no more. */
	snprintf(path, sizeof(path), "%s/sentinel.csv", fx.run);
	n = fx_load_rows(path, &rows);
	ck_assert_int_eq(n, 4);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(!strcmp(rows[i].status, "timeout") &&
			      tu_contains(rows[i].reason, "--timeout 1.0 s"), "sentinel %zu: %s (%s)",
			      i, rows[i].status, rows[i].reason);
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_sentinel_dropped,same-cpu timed out 2 times"));
	ck_assert(fx_fake_env_has(&fx, "; cross-cpu timed out 2 times"));
	ck_assert(fx_fake_file_has(&fx, "report.md", "stopped measuring a sentinel"));
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_status");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 200);
	tcase_add_test(tc, only_skipped_rows_exit_0);
	tcase_add_test(tc, crashing_driver_writes_everything_then_exits_1);
	tcase_add_test(tc, driver_that_closes_its_output_times_out);
	tcase_add_test(tc, hanging_sentinel_is_bounded_and_dropped);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
