/*
 * test_timer_cli.c - evb-timer's rows beyond the mechanism walk and its
 * command line: the --hist file holds the row's samples, a tally that does
 * not add up (--inject-miss) fails the row naming it, a waiter stuck past
 * --timeout gives a timeout row, SCHED_FIFO without the right to it and too
 * few descriptors for the timers give skipped rows, and bad input exits 2
 * naming the option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "testutil.h"

#define MAX_ENTRIES 32
#define PERIOD "2ms"

START_TEST(hist_file_matches_row)
{
	char dir[256], path[512];
	/* 100 periods: the row keeps its p50 (20 samples) when many overrun on
	 * a loaded machine (30 once left too few) */
	const char *args[] = { "--mechanism", "clock-nanosleep", "--period-ns", PERIOD,
			       "--iterations", "100", "--warmup", "2", "--hist", path, NULL };
	struct evb_row row;
	struct evb_hist hist;
	FILE *f;

	tu_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/hist.csv", dir);
	ck_assert_int_eq(tu_run_row("evb-timer", args, 20, &row), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	evb_hist_init(&hist);
	ck_assert_int_eq(evb_hist_read_csv(&hist, f), 0);
	fclose(f);
	ck_assert_int_eq((int64_t)hist.count, row.samples);
	/* the file's buckets give the row's percentile (no early samples here) */
	ck_assert_int_eq(row.early, 0);
	/* (within a bucket: the file knows its bounds, not the exact min and max) */
	ck_assert_msg(llabs(evb_hist_quantile(&hist, 0.5) - row.p50) <= row.p50 / 100 + 1,
		      "file p50 %lld, row p50 %lld", (long long)evb_hist_quantile(&hist, 0.5),
		      (long long)row.p50);
	tu_rmtree(dir);
}
END_TEST

/* A sample the tally never saw: samples + overruns != sent fails the row. */
START_TEST(schedule_that_does_not_add_up_fails)
{
	const char *args[] = { "--mechanism", "clock-nanosleep", "--period-ns", PERIOD,
			       "--iterations", "30", "--warmup", "2", "--inject-miss", "7", NULL };
	struct evb_row row;
	int status = tu_run_row("evb-timer", args, 20, &row);

	ck_assert_int_eq(status, 1);
	ck_assert_str_eq(row.status, "failed");
	ck_assert_msg(tu_contains(row.reason, "!= sent 30"), "%s", row.reason);
	ck_assert_int_eq(row.samples + row.overruns, 29);
}
END_TEST

/* A waiter stuck past --timeout: the watchdog writes a timeout row. */
START_TEST(stuck_waiter_times_out)
{
	const char *args[] = { "--mechanism", "timerfd", "--iterations", "10", "--stall-at",
			       "2", "--stall-ns", "4s", "--timeout", "1s", NULL };
	struct evb_row row;
	int status = tu_run_row("evb-timer", args, 20, &row);

	ck_assert_int_eq(status, 1);
	ck_assert_str_eq(row.status, "timeout");
	ck_assert(tu_contains(row.reason, "timeout"));
	ck_assert_str_eq(row.mechanism, "timerfd");
	ck_assert_int_eq(row.period_ns, 1000000);
}
END_TEST

/* Too few descriptors for the timers: a skipped row naming the limit. */
START_TEST(too_many_timers_is_skipped)
{
	const char *args[] = { "--mechanism", "timerfd-epoll", "--timers", "200",
			       "--iterations", "5", NULL };
	struct rlimit lim;
	struct evb_row row;
	int status;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &lim), 0);
	lim.rlim_cur = 64;                /* inherited by the driver */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &lim), 0);
	status = tu_run_row("evb-timer", args, 20, &row);
	ck_assert_str_eq(row.status, "skipped");
	tu_check_skipped(&row, status, "timerfd-epoll --timers 200 with 64 fds");
	ck_assert(tu_contains(row.reason, "RLIMIT_NOFILE"));
	ck_assert_int_eq(row.timers, 200);
}
END_TEST

/*
 * SCHED_FIFO not permitted: a skipped row with the reason.  Root is made
 * unable by dropping CAP_SYS_NICE from the bounding set (Check runs each
 * test in its own fork, so only this test's children are affected) and
 * RLIMIT_RTPRIO 0.
 */
START_TEST(fifo_not_permitted_is_skipped)
{
	const char *args[] = { "--mechanism", "clock-nanosleep", "--sched", "fifo",
			       "--iterations", "5", NULL };
	struct rlimit none = { 0, 0 };
	struct evb_row row;
	int status;

	const char *fork_mode = getenv("CK_FORK");

	if (fork_mode && strcmp(fork_mode, "no") == 0)
		return;   /* the change would outlive this test */
	ck_assert_int_eq(setrlimit(RLIMIT_RTPRIO, &none), 0);
	/* fails without CAP_SETPCAP; then this process cannot use SCHED_FIFO
	 * either unless it has CAP_SYS_NICE, in which case there is no test */
	if (prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0) && getuid() == 0)
		return;
	status = tu_run_row("evb-timer", args, 20, &row);
	ck_assert_str_eq(row.status, "skipped");
	tu_check_skipped(&row, status, "clock-nanosleep --sched fifo without CAP_SYS_NICE");
	ck_assert(tu_contains(row.reason, "SCHED_FIFO"));
	ck_assert_str_eq(row.sched, "fifo");
}
END_TEST

static void expect_message(const char *const *args, const char *needle)
{
	tu_expect_usage_error("evb-timer", args, needle);
}

START_TEST(bad_input_exits_2)
{
	static const char *const zero_period[] = { "--mechanism", "timerfd", "--period-ns", "0",
						   NULL };
	static const char *const bad_period[] = { "--mechanism", "timerfd", "--period-ns",
						  "1parsec", NULL };
	static const char *const bad_slack[] = { "--mechanism", "timerfd", "--timer-slack",
						 "lots", NULL };
	static const char *const zero_slack[] = { "--mechanism", "timerfd", "--timer-slack",
						  "0", NULL };
	static const char *const bad_sched[] = { "--mechanism", "timerfd", "--sched", "rr", NULL };
	static const char *const bad_prio[] = { "--mechanism", "timerfd", "--sched", "fifo",
						"--prio", "100", NULL };
	static const char *const prio_other[] = { "--mechanism", "timerfd", "--prio", "50", NULL };
	static const char *const timers_single[] = { "--mechanism", "ppoll", "--timers", "4",
						     NULL };
	static const char *const zero_timers[] = { "--mechanism", "timerfd-epoll", "--timers",
						   "0", NULL };
	static const char *const bad_load[] = { "--mechanism", "timerfd", "--load=heavy", NULL };
	static const char *const ipc[] = { "--mechanism", "timerfd", "--ipc", "thread", NULL };
	static const char *const bad_mode[] = { "--mechanism", "timerfd", "--mode", "pingpong",
						NULL };
	static const char *const bad_variant[] = { "--mechanism", "timerfd", "--variant",
						   "sideways", NULL };
	static const char *const bad_mech[] = { "--mechanism", "sundial", NULL };
	static const char *const stall_alone[] = { "--mechanism", "timerfd", "--stall-at", "3",
						   NULL };
	static const char *const too_long[] = { "--mechanism", "timerfd", "--period-ns", "10ms",
						"--iterations", "1000", "--timeout", "5s", NULL };
	static const char *const unknown[] = { "--mechanism", "timerfd", "--jitter", NULL };
	static const char *const bad_setup[] = { "--mechanism", "io_uring-timeout",
						 "--uring-setup", "", NULL };
	static const char *const setup_no_ring[] = { "--mechanism", "timerfd", "--uring-setup",
						     "coop", NULL };
	static const char *const stray[] = { "--mechanism", "timerfd", "--load", "busy", NULL };

	expect_message(bad_setup, "--uring-setup");
	expect_message(setup_no_ring, "--uring-setup coop: mechanism timerfd");
	expect_message(zero_period, "--period-ns");
	expect_message(bad_period, "1parsec");
	expect_message(bad_slack, "--timer-slack");
	expect_message(zero_slack, "--timer-slack");
	expect_message(bad_sched, "--sched");
	expect_message(bad_prio, "--prio");
	expect_message(prio_other, "--sched fifo");
	expect_message(timers_single, "--timers");
	expect_message(zero_timers, "--timers");
	expect_message(bad_load, "--load");
	expect_message(ipc, "--ipc");
	expect_message(bad_mode, "pingpong");
	expect_message(bad_variant, "sideways");
	expect_message(bad_mech, "sundial");
	expect_message(stall_alone, "--stall-ns");
	expect_message(too_long, "--timeout");
	expect_message(unknown, "jitter");
	expect_message(stray, "busy");
}
END_TEST

START_TEST(help_and_list)
{
	static const char *const help[] = { "--help", NULL };
	struct evb_spawn_result res = tu_run("evb-timer", help, 10);
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n;

	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(tu_contains(res.out, "lateness") && tu_contains(res.out, "--timer-slack") &&
		  tu_contains(res.out, "--stall-at") && tu_contains(res.out, "--placement"));
	evb_spawn_result_free(&res);

	n = tu_list("evb-timer", entries, MAX_ENTRIES);
	ck_assert_int_ge(n, 14);
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(entries[i].supported || entries[i].reason[0],
			      "%s/%s unsupported without a reason", entries[i].mechanism,
			      entries[i].variant);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timer_cli");
	TCase *tc = tcase_create("rows");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hist_file_matches_row);
	tcase_add_test(tc, schedule_that_does_not_add_up_fails);
	tcase_add_test(tc, stuck_waiter_times_out);
	tcase_add_test(tc, too_many_timers_is_skipped);
	tcase_add_test(tc, fifo_not_permitted_is_skipped);
	suite_add_tcase(s, tc);
	tc = tcase_create("usage");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, bad_input_exits_2);
	tcase_add_test(tc, help_and_list);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
