/*
 * test_plan_dry.c - the plan as `evbench run --dry-run` prints it, with the
 * real drivers: --timeout-scale multiplies every time limit, and the line
 * naming the cell whose descriptors take the most memory (evbench vm sizes
 * a guest's memory from it) follows the families' per-fd estimates.
 */
#include <stdlib.h>
#include <string.h>

#include "evb_spawn.h"
#include "testutil.h"

/* --timeout-scale N: every planned time limit N times the plan's. */
static long long first_timeout(const char *scale)
{
	const char *args[] = { "run", "--family", "notify", "--profile", "smoke", "--dry-run",
			       scale ? "--timeout-scale" : NULL, scale, NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);
	const char *t = strstr(res.out, "--timeout ");
	long long ns = t ? atoll(t + strlen("--timeout ")) : -1;

	ck_assert_msg(res.exit_status == 0 && ns > 0, "dry run: %s", tu_stderr());
	evb_spawn_result_free(&res);
	return ns;
}

START_TEST(timeout_scale_multiplies_the_plan)
{
	ck_assert_int_eq(first_timeout("4"), 4 * first_timeout(NULL));
}
END_TEST

/* The dry run names the cell whose descriptors take the most memory, from
 * the families' per-fd estimates (evbench vm sizes a guest from it). */
static void expect_memory_line(const char *family, const char *preset, const char *line)
{
	const char *args[] = { "run", "--family", family, "--preset", preset, "--dry-run", NULL };
	struct evb_spawn_result res = tu_run("evbench", args, 60);

	ck_assert_msg(res.exit_status == 0, "dry run: %s", tu_stderr());
	ck_assert_msg(tu_contains(res.out, line), "%s %s: no '%s' in:\n%.400s", family, preset,
		      line, res.out);
	evb_spawn_result_free(&res);
}

START_TEST(dry_run_names_the_largest_memory)
{
	/* 1,000,000 eventfds at 1 KiB; 100,000 connections at 32 KiB */
	expect_memory_line("mux", "fd-limits", "# memory: 977 MiB for the largest cell's "
			   "descriptors (estimated): mux_poll_scan_thread_same-cpu_eventfd_n1000000");
	expect_memory_line("serve", "seed-server-table", "# memory: 3125 MiB for the largest "
			   "cell's descriptors (estimated): serve_select_open_cross-cpu_a10000_c100000");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan_dry");
	TCase *tc = tcase_create("dry-run");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, timeout_scale_multiplies_the_plan);
	tcase_add_test(tc, dry_run_names_the_largest_memory);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
