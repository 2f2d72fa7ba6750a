/*
 * test_serve_bounds.c - the load generator's two verdicts on itself
 * (serve.h): the send-lag bound, a quarter of the latency or of the
 * closed round trip where that is larger; and its CPU share, the larger
 * of its process clock and its CPU's busy time, saying which decided.
 */
#include "serve.h"
#include "testutil.h"

START_TEST(lag_bound_is_a_quarter_of_the_larger)
{
	/* the case: 65 us p50 on a 16 us round trip, bound 16.25 us
	 * (a 45 us median lag is over it; the old 50 us floor let it pass) */
	ck_assert_int_eq(serve_lag_bound_ns(65000, 16000), 16250);
	/* an open loop faster than the closed round trip: the round trip */
	ck_assert_int_eq(serve_lag_bound_ns(50000, 80000), 20000);
	/* no round trip measured (closed mode): the latency alone */
	ck_assert_int_eq(serve_lag_bound_ns(40000, EVB_NA), 10000);
	ck_assert_int_eq(serve_lag_bound_ns(4, 0), 1);
}
END_TEST

START_TEST(client_share_takes_the_larger)
{
	bool by_busy = true;

	/* the CPU's busy time holds softirq work the process clock lacks */
	ck_assert_double_eq_tol(serve_client_share(500, 970, 1000, &by_busy), 0.97, 1e-12);
	ck_assert(by_busy);
	ck_assert_double_eq_tol(serve_client_share(960, 400, 1000, &by_busy), 0.96, 1e-12);
	ck_assert(!by_busy);
	/* not measured (unpinned, or under EVB_MACHINE_CPU_MIN_TICKS): the clock */
	ck_assert_double_eq_tol(serve_client_share(300, EVB_NA, 1000, &by_busy), 0.3, 1e-12);
	ck_assert(!by_busy);
	/* equal: the clock is named */
	ck_assert_double_eq_tol(serve_client_share(500, 500, 1000, &by_busy), 0.5, 1e-12);
	ck_assert(!by_busy);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serve_bounds");
	TCase *tc = tcase_create("bounds");

	tcase_add_test(tc, lag_bound_is_a_quarter_of_the_larger);
	tcase_add_test(tc, client_share_takes_the_larger);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
