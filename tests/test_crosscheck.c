/*
 * test_crosscheck.c - `evbench crosscheck RUN` (harness/crosscheck.c) on a
 * run that already has a crosscheck.csv writes a new file beside it and
 * never overwrites the run's own; without hyperfine on PATH every cell is
 * a skipped row, nothing is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixture.h"
#include "testutil.h"

START_TEST(crosscheck_never_overwrites_the_runs_own)
{
	struct fx_fake_run fx;
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--out", fx.run,
			       "--no-figures", NULL };
	const char *check[] = { "crosscheck", fx.run, NULL };
	char path[700], nohf[700];

	fx_fake_setup(&fx, "ok");
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "exit %d: %s", res.exit_status, tu_stderr());
	evb_spawn_result_free(&res);
	/* No hyperfine on PATH: every cell is a skipped row, nothing is timed. */
	snprintf(nohf, sizeof(nohf), "%s/empty", fx.tmp);
	ck_assert_int_eq(mkdir(nohf, 0755), 0);
	setenv("PATH", nohf, 1);
	res = tu_run("evbench", check, 60);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(tu_contains(res.out, "/crosscheck.csv"));
	evb_spawn_result_free(&res);
	snprintf(path, sizeof(path), "%s/crosscheck.csv", fx.run);
	char *first = tu_slurp(path);

	ck_assert(tu_contains(first, "checked_at,evbench_commit"));
	res = tu_run("evbench", check, 60);
	ck_assert_int_eq(res.exit_status, 0);
	ck_assert_msg(tu_contains(res.out, "/crosscheck-"), "%s", res.out);
	evb_spawn_result_free(&res);
	char *again = tu_slurp(path);

	ck_assert_str_eq(first, again);
	free(first);
	free(again);
	tu_rmtree(fx.tmp);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("crosscheck");
	TCase *tc = tcase_create("fake");

	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, crosscheck_never_overwrites_the_runs_own);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
