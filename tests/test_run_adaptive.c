/*
 * test_run_adaptive.c - the adaptive repetitions (harness/run_cells.c),
 * with the fake evb-notify: a noisy cell gets more repetitions (up to
 * --max-reps) and a steady one none, and a spent budget stops them.
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

START_TEST(adaptive_reps_go_to_the_noisy_cell)
{
	struct fx_fake_run fx;
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
	fx_fake_setup(&fx, "ok,noisy");
	struct evb_spawn_result res = tu_run("evbench", args, 120);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = fx_load_rows(path, &rows);

	/* a run up to 8 first looks at 7: the steady cells stop there */
	ck_assert_int_eq(n, 2 * 7 + 2 * 8);
	for (int rep = 1; rep <= 8; rep++) {
		ck_assert_int_eq(fx_count_rows(rows, n, "ok", "pingpong", rep), rep <= 7);
		ck_assert_int_eq(fx_count_rows(rows, n, "noisy", "pingpong", rep), 1);
		ck_assert_int_eq(fx_count_rows(rows, n, "noisy", "burst", rep), 1);
	}
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_adaptive_stop,max reps"));
	ck_assert(fx_fake_env_has(&fx, "run_precision_pct,3\n"));
	ck_assert(fx_fake_env_has(&fx, "run_min_reps,3\n"));
	ck_assert(fx_fake_env_has(&fx, "run_max_reps,8\n"));
	/* Both sentinels (one CPU, two) ran at every round's start, into their own file. */
	snprintf(path, sizeof(path), "%s/sentinel.csv", fx.run);
	n = fx_load_rows(path, &rows);
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

	fx_fake_setup(&fx, "noisy");
	res = tu_run("evbench", budget, 120);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	n = fx_load_rows(path, &rows);
	ck_assert_int_eq(n, 2 * 3);
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_adaptive_stop,budget"));
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_adaptive");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, adaptive_reps_go_to_the_noisy_cell);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
