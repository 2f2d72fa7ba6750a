/*
 * test_serve_capacity.c - evb-serve's capacity search, on the epoll server:
 * --mode capacity finds a rate and confirms it (the row's offered rate is
 * the capacity, its figures the confirming run's); a 10 us handler caps the
 * server near 100k req/s, which the capacity cannot exceed (a search that
 * ignored the achieved rate would climb until the load generator ran out);
 * a p99 bound no round trip meets gives the documented "no offered rate"
 * row, still ok; a rate in % is that share of the searched capacity; and
 * the options refuse what does not fit.  Every row's counts add up: the
 * search's requests are answered like the measured ones.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evb_driver.h"
#include "testutil.h"

#define ITERATIONS 1000
#define WARMUP 100
/* The search's closed estimate (2,000) and at least one step (2,000). */
#define SEARCH_REQUESTS_MIN 4000

/* Run the epoll server with extra args: an ok row, every count adding up. */
static void run_ok(const char *const *extra, struct evb_row *row, const char *what)
{
	const char *args[40] = { "--mechanism", "epoll", "--iterations", "1000",
				 "--warmup", "100", "--connections", "4", "--active", "4",
				 "--timeout", "60s" };
	size_t n = 12;
	int status;
	int steps = 0;
	const char *line;

	while (*extra && n < EVB_ARRAY_SIZE(args) - 1)
		args[n++] = *extra++;
	args[n] = NULL;
	status = tu_run_row("evb-serve", args, 90, row);
	ck_assert_msg(status == 0 && strcmp(row->status, "ok") == 0, "%s: status %s (%d): %s",
		      what, row->status, status, row->reason);
	ck_assert_msg(row->sent >= WARMUP + ITERATIONS + SEARCH_REQUESTS_MIN &&
		      row->delivered == row->sent && row->lost == 0 && row->spurious == 0,
		      "%s: sent %lld delivered %lld lost %lld spurious %lld", what,
		      (long long)row->sent, (long long)row->delivered, (long long)row->lost,
		      (long long)row->spurious);
	ck_assert_int_eq(row->samples, ITERATIONS);
	tu_check_percentiles(row, what);
	line = strstr(tu_stderr(), "capacity search: ");
	ck_assert_msg(line && sscanf(line, "capacity search: %d steps", &steps) == 1 &&
		      steps >= 1 && steps <= 12, "%s: no search line with 1..12 steps: %s",
		      what, tu_stderr());
}

START_TEST(capacity_found)
{
	static const char *const extra[] = { "--mode", "capacity", NULL };
	struct evb_row row;

	run_ok(extra, &row, "capacity");
	ck_assert_str_eq(row.mode, "capacity");
	ck_assert_str_eq(row.rate, "");
	ck_assert_int_eq(row.slo_ns, EVB_NA);
	ck_assert_msg(isfinite(row.capacity_per_s) && row.capacity_per_s > 0,
		      "capacity_per_s %g", row.capacity_per_s);
	ck_assert_msg(fabs(row.offered_per_s - row.capacity_per_s) <= 0.1 * row.capacity_per_s,
		      "offered_per_s %g, capacity_per_s %g", row.offered_per_s,
		      row.capacity_per_s);
	ck_assert_msg(row.ops_per_s > 0, "ops_per_s %g", row.ops_per_s);
	ck_assert_msg(!tu_contains(row.reason, "no offered rate"), "reason: %s", row.reason);
}
END_TEST

START_TEST(capacity_below_server_ceiling)
{
	static const char *const extra[] = { "--mode", "capacity", "--work-ns", "10000", NULL };
	struct evb_row row;

	run_ok(extra, &row, "capacity, 10 us handler");
	/* 1e9 / 10,000 ns = 100k req/s at most, with 20% for the histogram */
	ck_assert_msg(isfinite(row.capacity_per_s) && row.capacity_per_s > 0 &&
		      row.capacity_per_s < 1.2 * 1e9 / 10000,
		      "capacity_per_s %g with a 10 us handler", row.capacity_per_s);
}
END_TEST

START_TEST(capacity_impossible_slo)
{
	static const char *const extra[] = { "--mode", "capacity", "--slo-ns", "1000", NULL };
	struct evb_row row;
	double lowest;

	run_ok(extra, &row, "capacity, p99 <= 1 us");
	ck_assert_int_eq(row.slo_ns, 1000);
	ck_assert_msg(isnan(row.capacity_per_s), "capacity_per_s %g", row.capacity_per_s);
	ck_assert_msg(sscanf(row.reason, "no offered rate >= %lf req/s met p99 <= 1000 ns",
			     &lowest) == 1 && tu_contains(row.reason, "p99 <= 1000 ns"),
		      "reason: %s", row.reason);
	/* the row is the confirming run at the lowest rate tried */
	ck_assert_msg(row.offered_per_s > 0 && fabs(row.offered_per_s - lowest) <= 1,
		      "offered_per_s %g, lowest %g", row.offered_per_s, lowest);
	ck_assert_msg(row.p99 > 1000, "p99 %lld", (long long)row.p99);
}
END_TEST

START_TEST(rate_share_of_capacity)
{
	static const char *const extra[] = { "--mode", "open", "--rate", "50%", NULL };
	struct evb_row row;

	run_ok(extra, &row, "rate 50%");
	ck_assert_str_eq(row.rate, "50%");
	ck_assert_msg(isfinite(row.capacity_per_s) && row.capacity_per_s > 0,
		      "capacity_per_s %g", row.capacity_per_s);
	ck_assert_msg(fabs(row.offered_per_s - 0.5 * row.capacity_per_s) <=
		      0.01 * row.capacity_per_s, "offered_per_s %g, capacity_per_s %g",
		      row.offered_per_s, row.capacity_per_s);
}
END_TEST

START_TEST(bad_input)
{
	static const struct {
		const char *args[10];
		const char *needle;
	} cases[] = {
		{ { "--mechanism", "epoll", "--mode", "capacity", "--rate", "1000", NULL },
		  "--rate 1000: --mode capacity" },
		{ { "--mechanism", "epoll", "--mode", "capacity", "--rate", "50%", NULL },
		  "--rate 50%: --mode capacity" },
		{ { "--mechanism", "epoll", "--mode", "open", "--rate", "1000", "--slo-ns", "1ms",
		    NULL }, "--slo-ns" },
		{ { "--mechanism", "epoll", "--slo-ns", "1ms", NULL }, "--slo-ns" },
		{ { "--mechanism", "epoll", "--mode", "capacity", "--slo-ns", "-1", NULL },
		  "--slo-ns" },
		{ { "--mechanism", "epoll", "--mode", "capacity", "--slo-ns", "soon", NULL },
		  "--slo-ns" },
		{ { "--mechanism", "epoll", "--mode", "capacity", "--slo-ns", "61s", NULL },
		  "--slo-ns" },
	};

	for (size_t i = 0; i < EVB_ARRAY_SIZE(cases); i++)
		tu_expect_usage_error("evb-serve", cases[i].args, cases[i].needle);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_capacity");
	TCase *tc = tcase_create("capacity search");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, capacity_found);
	tcase_add_test(tc, capacity_below_server_ceiling);
	tcase_add_test(tc, capacity_impossible_slo);
	tcase_add_test(tc, rate_share_of_capacity);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
