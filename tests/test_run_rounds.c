/*
 * test_run_rounds.c - `evbench run --round K/R`, as `evbench vm --rounds`
 * drives it, with the fake evb-notify: round 1 of 2 runs repetitions 1 and
 * 3 of every cell (smoke's 1 repetition raised to the 4 a comparison needs),
 * each row recording its round, and leaves the run partial; --resume
 * --round 2/2 adds repetitions 2 and 4 and completes it; a round the run was
 * not started with, or a third round of two, is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_row.h"
#include "fixture.h"
#include "testutil.h"

/* Rows of mechanism ok, mode pingpong, repetition rep, round round. */
static int count_round(const struct evb_row *rows, size_t n, int rep, int round)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += !strcmp(rows[i].mechanism, "ok") && !strcmp(rows[i].mode, "pingpong") &&
		     rows[i].rep == rep && rows[i].round == round;
	return k;
}

START_TEST(rounds_share_the_repetitions)
{
	struct fx_fake_run fx;
	char path[700];
	const char *first[] = { "--round", "1/2", "--no-figures", NULL };
	const char *second[] = { "run", "--resume", fx.run, "--round", "2/2", NULL };
	const char *third[] = { "run", "--resume", fx.run, "--round", "3/2", NULL };
	const char *other[] = { "run", "--resume", fx.run, "--round", "2/3", NULL };
	struct evb_row *rows;

	fx_fake_setup(&fx, "ok");
	ck_assert_int_eq(fx_wait_exit(fx_fake_start_run(&fx, first)), 0);
	snprintf(path, sizeof(path), "%s/results.csv", fx.run);
	size_t n = fx_load_rows(path, &rows);

	ck_assert_int_eq(n, 2 * 2);    /* ok x pingpong, burst x reps 1 and 3 */
	ck_assert_int_eq(count_round(rows, n, 1, 1), 1);
	ck_assert_int_eq(count_round(rows, n, 3, 1), 1);
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_state,partial: round 1 of 2 done"));
	ck_assert(fx_fake_env_has(&fx, "run_rounds,2"));
	ck_assert(fx_fake_env_has(&fx, "run_min_reps,4"));

	tu_expect_usage_error("evbench", third, "--round");
	struct evb_spawn_result res = tu_run("evbench", other, 60);

	ck_assert_int_eq(res.exit_status, 2);
	ck_assert_msg(tu_contains(tu_stderr(), "another number of rounds"), "%s", tu_stderr());
	evb_spawn_result_free(&res);

	res = tu_run("evbench", second, 60);
	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	n = fx_load_rows(path, &rows);
	ck_assert_int_eq(n, 2 * 4);
	for (int rep = 1; rep <= 4; rep++)
		ck_assert_int_eq(count_round(rows, n, rep, rep % 2 ? 1 : 2), 1);
	free(rows);
	ck_assert(fx_fake_env_has(&fx, "run_state,complete"));
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_rounds");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, rounds_share_the_repetitions);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
