/*
 * test_timer.c - every registered timer mechanism x variant on a tiny run,
 * with its counts checked (correctness only, never timing thresholds):
 *
 *   50 periods of 2 ms    status ok; every sample >= 0 (min >= 0, nothing
 *                         below zero); samples + overruns = sent = 50 x timers;
 *                         the row carries the axes it was given
 *   stall 3 periods       the waiter busy-spins 6 ms after its 20th sample:
 *                         >= 2 overruns reported, the sum still holds
 *   multi-timer           a mechanism whose row has a timers column also runs
 *                         3 timers: sent = 150
 *   fifo, slack, load     each axis once per mechanism, recorded in the row
 *
 * A combination the machine cannot run must be a skipped row (exit 3) with
 * a reason.  Then: the --hist file holds the row's samples, a waiter stuck
 * past --timeout gives a timeout row, SCHED_FIFO without the right to it and
 * too few descriptors for the timers give skipped rows, and bad input exits
 * 2 naming the option.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "testutil.h"

#define MAX_ENTRIES 32
#define PERIOD "2ms"
#define PERIOD_NS 2000000
#define PERIODS 50

static const char *const placements[] = { "same-cpu", "cross-cpu", "free" };

struct timer_case {
	const struct tu_list_entry *e;
	const char *extra[16];       /* more options, NULL-terminated */
	int64_t periods;
	const char *what;
};

/* Run one case; returns its exit status and fills row. */
static int run_case(const struct timer_case *c, struct evb_row *row)
{
	const char *args[40];
	char periods[32];
	size_t n = 0;

	snprintf(periods, sizeof(periods), "%lld", (long long)c->periods);
	args[n++] = "--mechanism";
	args[n++] = c->e->mechanism;
	if (c->e->variant[0]) {
		args[n++] = "--variant";
		args[n++] = c->e->variant;
	}
	args[n++] = "--period-ns";
	args[n++] = PERIOD;
	args[n++] = "--iterations";
	args[n++] = periods;
	args[n++] = "--warmup";
	args[n++] = "5";
	args[n++] = "--timeout";
	args[n++] = "20s";
	for (size_t i = 0; c->extra[i]; i++)
		args[n++] = c->extra[i];
	args[n] = NULL;
	return tu_run_row("evb-timer", args, 40, row);
}

static void check_skipped(const struct evb_row *row, int status, const char *what)
{
	ck_assert_msg(status == 3, "%s: skipped row must exit 3, got %d", what, status);
	ck_assert_msg(row->reason[0], "%s: skipped without a reason", what);
}

/*
 * The checks every ok row must pass.  Returns 0 when the row was skipped
 * (checked as such), 1 when it is ok.
 */
static int check_row(const struct timer_case *c, const struct evb_row *row, int status)
{
	const char *what = c->what;
	int64_t timers = row->timers == EVB_NA ? 1 : row->timers;

	ck_assert_str_eq(row->family, "timer");
	ck_assert_str_eq(row->mechanism, c->e->mechanism);
	ck_assert_str_eq(row->variant, c->e->variant);
	ck_assert_str_eq(row->mode, "lateness");
	ck_assert_str_eq(row->ipc, "");
	ck_assert_int_eq(row->period_ns, PERIOD_NS);
	ck_assert_str_eq(row->metric, "lateness_ns");
	ck_assert_str_eq(row->unit, "ns");
	if (strcmp(row->status, "skipped") == 0) {
		check_skipped(row, status, what);
		return 0;
	}
	ck_assert_msg(status == 0 && strcmp(row->status, "ok") == 0, "%s: status %s (%d): %s",
		      what, row->status, status, row->reason);
	ck_assert_msg(row->sent == c->periods * timers, "%s: sent %lld, want %lld x %lld",
		      what, (long long)row->sent, (long long)c->periods, (long long)timers);
	ck_assert_msg(row->samples >= 1 && row->overruns >= 0 &&
		      row->samples + row->overruns == row->sent,
		      "%s: samples %lld + overruns %lld != sent %lld", what,
		      (long long)row->samples, (long long)row->overruns, (long long)row->sent);
	ck_assert_msg(row->min >= 0, "%s: a wakeup came %lld ns before its deadline", what,
		      (long long)row->min);
	ck_assert_msg(row->min <= row->p50 && row->p50 <= row->p90 && row->p90 <= row->p99 &&
		      row->p99 <= row->p999 && row->p999 <= row->max,
		      "%s: percentiles out of order", what);
	ck_assert_msg(row->wakeups >= 1 && row->wakeups <= row->samples,
		      "%s: wakeups %lld, samples %lld", what, (long long)row->wakeups,
		      (long long)row->samples);
	ck_assert_int_ge(row->wall_ns, 1);
	ck_assert_int_ge(row->clock_overhead_ns, 1);
	ck_assert_int_ge(row->max_rss_kb, 1);
	return 1;
}

static void entry_case(struct timer_case *c, const struct tu_list_entry *e, const char *what)
{
	memset(c, 0, sizeof(*c));
	c->e = e;
	c->periods = PERIODS;
	c->what = what;
}

START_TEST(every_mechanism)
{
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = tu_list("evb-timer", entries, MAX_ENTRIES);
	struct timer_case c;
	struct evb_row row;
	char what[256];
	int status;

	ck_assert_int_ge(n, 14);
	if ((size_t)_i >= n)
		return;
	const struct tu_list_entry *e = &entries[_i];

	ck_assert_msg(e->supported || e->reason[0], "%s/%s unsupported without reason",
		      e->mechanism, e->variant);

	/* 50 periods of 2 ms: completes, every sample >= 0, counts add up */
	snprintf(what, sizeof(what), "%s/%s plain", e->mechanism, e->variant);
	entry_case(&c, e, what);
	status = run_case(&c, &row);
	if (!check_row(&c, &row, status))
		return;   /* skipped here: the reason was checked */
	ck_assert_str_eq(row.placement, "same-cpu");
	ck_assert_str_eq(row.sched, "other");
	ck_assert_str_eq(row.load, "none");
	ck_assert(row.timer_slack_ns == EVB_NA);
	bool multi = row.timers != EVB_NA;

	if (multi)
		ck_assert_int_eq(row.timers, 1);

	/* the waiter stalls 3 periods after sample 20: >= 2 deadlines missed */
	snprintf(what, sizeof(what), "%s/%s stalled", e->mechanism, e->variant);
	entry_case(&c, e, what);
	c.extra[0] = "--stall-at";
	c.extra[1] = "20";
	c.extra[2] = "--stall-ns";
	c.extra[3] = "6ms";
	status = run_case(&c, &row);
	ck_assert(check_row(&c, &row, status));
	ck_assert_msg(row.overruns >= 2, "%s: %lld overruns after a 3-period stall", what,
		      (long long)row.overruns);
	ck_assert_msg(row.max > 2 * PERIOD_NS, "%s: the stalled wakeup was only %lld ns late",
		      what, (long long)row.max);

	/* several timers in one set: each is sampled against its own deadlines */
	if (multi) {
		snprintf(what, sizeof(what), "%s/%s 3 timers stalled", e->mechanism, e->variant);
		entry_case(&c, e, what);
		c.extra[0] = "--timers";
		c.extra[1] = "3";
		c.extra[2] = "--stall-at";
		c.extra[3] = "30";
		c.extra[4] = "--stall-ns";
		c.extra[5] = "6ms";
		status = run_case(&c, &row);
		ck_assert(check_row(&c, &row, status));
		ck_assert_int_eq(row.timers, 3);
		ck_assert_int_eq(row.sent, 3 * PERIODS);
		ck_assert_msg(row.overruns >= 2 * 3, "%s: %lld overruns after a 3-period stall",
			      what, (long long)row.overruns);
	}

	/* SCHED_FIFO with 1 ns slack asked for: recorded as asked */
	snprintf(what, sizeof(what), "%s/%s fifo slack", e->mechanism, e->variant);
	entry_case(&c, e, what);
	c.periods = 20;
	c.extra[0] = "--sched";
	c.extra[1] = "fifo";
	c.extra[2] = "--timer-slack";
	c.extra[3] = "1ns";
	status = run_case(&c, &row);
	if (check_row(&c, &row, status)) {
		ck_assert_str_eq(row.sched, "fifo");
		ck_assert_int_eq(row.timer_slack_ns, 1);
	} else {
		ck_assert_msg(tu_contains(row.reason, "SCHED_FIFO"), "%s: %s", what, row.reason);
	}

	/* a busy sibling in every placement */
	for (size_t p = 0; p < 3; p++) {
		snprintf(what, sizeof(what), "%s/%s load %s", e->mechanism, e->variant,
			 placements[p]);
		entry_case(&c, e, what);
		c.periods = 20;
		c.extra[0] = "--load";
		c.extra[1] = "--placement";
		c.extra[2] = placements[p];
		c.extra[3] = "--timer-slack";
		c.extra[4] = "50us";
		status = run_case(&c, &row);
		ck_assert_str_eq(row.placement, placements[p]);
		ck_assert_str_eq(row.load, "busy");
		if (check_row(&c, &row, status))
			ck_assert_int_eq(row.timer_slack_ns, 50000);
	}
}
END_TEST

START_TEST(hist_file_matches_row)
{
	char dir[256], path[512];
	const char *args[] = { "--mechanism", "clock-nanosleep", "--period-ns", PERIOD,
			       "--iterations", "30", "--warmup", "2", "--hist", path, NULL };
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
	ck_assert_int_eq((int64_t)hist.below_zero, 0);
	tu_rmtree(dir);
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
	check_skipped(&row, status, "timerfd-epoll --timers 200 with 64 fds");
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
	check_skipped(&row, status, "clock-nanosleep --sched fifo without CAP_SYS_NICE");
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
	static const char *const stray[] = { "--mechanism", "timerfd", "--load", "busy", NULL };

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
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("mechanisms");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, every_mechanism, 0, MAX_ENTRIES);
	suite_add_tcase(s, tc);
	tc = tcase_create("rows");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, hist_file_matches_row);
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
