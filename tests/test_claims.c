/*
 * test_claims.c - the claims table on a synthetic run with known values:
 * a claim that holds, one that does not, one whose interval straddles its
 * threshold (inconclusive), one with too few repetitions (inconclusive
 * however far apart), one whose cells did not run, one whose cell
 * failed (a crash that recorded no counts, read although the claim counts
 * every run), a memory claim without slab figures (its kernel test not
 * measured, its user-memory tests judged, select's refused runs counted as
 * runs), a timer claim whose SCHED_FIFO cells were not permitted (skipped:
 * not measured) and whose default-slack cells, which would decide the other
 * way, are only shown, and a claim that must pick its cell by every axis
 * although a decoy cell differing in one axis only comes first in
 * results.csv.  Each judged test shows its margin (measured / threshold).
 */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "testutil.h"

#define RTT(mech, var) \
	{ .family = "notify", .mechanism = mech, .variant = var, .mode = "pingpong", \
	  .ipc = "thread", .placement = "same-cpu" }
#define LATE(mech, var, sched_, slack) \
	{ .family = "timer", .mechanism = mech, .variant = var, .mode = "lateness", \
	  .placement = "same-cpu", .period_ns = "1000000", .timer_slack_ns = slack, \
	  .sched = sched_, .load = "none" }
#define LOOP(mech, var, where) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = "loop", .ipc = "thread", \
	  .placement = where, .fd_type = "eventfd", .nfds = "1000", .active = "100" }
#define REG_AT(mech, var, n) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = "register", \
	  .ipc = "thread", .placement = "same-cpu", .fd_type = "eventfd", .nfds = n }
#define REG(mech, var) REG_AT(mech, var, "10000")

static const double steady[] = { 10000, 10100, 9900, 10050, 9950 };

/* Loop rows: events/s, and CPU per event of the whole machine and of the two
 * sides' threads (the loop 60%, the writer 40%). */
static void loop_rows(FILE *f, const struct fx_cell *c, double events_per_s, double cpu_ns)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;

		fx_row(&row, c, i + 1);
		evb_row_set(&row, metric, "events_per_s");
		evb_row_set(&row, unit, "events/s");
		row.samples = EVB_NA;
		row.delivered = row.sent = 100000;
		row.ops_per_s = events_per_s * (1 + 0.01 * (i - 2));
		row.machine_cpu_ns = (int64_t)(cpu_ns * (1 + 0.01 * (2 - i)) * 100000);
		row.cpu_a_ns = (int64_t)(0.6 * cpu_ns * (1 + 0.01 * (2 - i)) * 100000);
		row.cpu_b_ns = (int64_t)(0.4 * cpu_ns * (1 + 0.01 * (2 - i)) * 100000);
		fx_write(f, &row);
	}
}

static void register_rows(FILE *f, const struct fx_cell *c, double rss)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;

		fx_row(&row, c, i + 1);
		evb_row_set(&row, metric, "register_ns_per_fd");
		row.p50 = 500;
		row.rss_bytes_per_fd = rss + 0.1 * i;
		/* slab_bytes_per_fd stays empty: no /proc/slabinfo */
		fx_write(f, &row);
	}
}

/* Five skipped rows of cell c, each with reason. */
static void skipped_rows(FILE *f, const struct fx_cell *c, const char *reason)
{
	for (int i = 0; i < 5; i++) {
		struct evb_row row;

		fx_row(&row, c, i + 1);
		evb_row_set(&row, status, EVB_STATUS_SKIPPED);
		evb_row_reason(&row, "%s", reason);
		row.samples = row.sent = row.delivered = row.lost = EVB_NA;
		fx_write(f, &row);
	}
}

/* Burst rows: delivered per second, two repetitions only. */
static void burst_rows(FILE *f, const char *mech, const char *var, double per_s)
{
	const struct fx_cell c = { .family = "notify", .mechanism = mech, .variant = var,
				   .mode = "burst", .ipc = "thread", .placement = "cross-cpu" };

	for (int i = 0; i < 2; i++) {
		struct evb_row row;

		fx_row(&row, &c, i + 1);
		evb_row_set(&row, metric, "ops_per_s");
		row.ops_per_s = per_s * (1 + 0.01 * i);
		fx_write(f, &row);
	}
}

static char *report, *dir_path;

static void build_run(void)
{
	static char dir[512];
	const struct fx_cell handler = RTT("signal-handler", "std"), sigwait =
		RTT("sigwaitinfo", "std"), efd = RTT("eventfd", "counter"),
		sigfd = RTT("signalfd", "std"), tfd = LATE("timerfd", "abs", "other", "1"),
		cns = LATE("clock-nanosleep", "abs", "other", "1"),
		tfd_default = LATE("timerfd", "abs", "other", NULL),
		cns_default = LATE("clock-nanosleep", "abs", "other", NULL);
	const double timerfd_late[] = { 10000, 13500, 12000, 10500, 14000 };
	/* clock_nanosleep late by a 50 us slack: timerfd would look 6x better */
	const double slack_late[] = { 60000, 60500, 59500, 60250, 59750 };
	const struct fx_cell kill_std = { .family = "notify", .mechanism = "signal-handler",
					  .variant = "std", .mode = "burst", .ipc = "process",
					  .placement = "free" };

	tu_tmpdir(dir, sizeof(dir));
	dir_path = dir;
	FILE *f = fx_open(dir);

	fx_latency(f, &handler, steady, 5);
	fx_latency(f, &sigwait, steady, 5);
	fx_latency(f, &efd, steady, 5);
	fx_latency(f, &sigfd, steady, 5);
	fx_latency(f, &tfd, timerfd_late, 5);
	fx_latency(f, &cns, steady, 5);
	fx_latency(f, &tfd_default, steady, 5);
	fx_latency(f, &cns_default, slack_late, 5);
	for (int k = 0; k < 2; k++) {
		const struct fx_cell fifo = LATE(k ? "timerfd" : "clock-nanosleep", "abs", "fifo",
						 NULL);

		skipped_rows(f, &fifo, "SCHED_FIFO priority 80 not permitted (needs CAP_SYS_NICE "
			     "or RLIMIT_RTPRIO >= 80, which is 0 here)");
	}
	for (int i = 0; i < 3; i++) {
		struct evb_row row;

		fx_row(&row, &kill_std, i + 1);
		evb_row_set(&row, status, EVB_STATUS_FAILED);
		evb_row_reason(&row, "receiver: lost 3 of 100000 events");
		row.sent = row.delivered = row.lost = EVB_NA;   /* it crashed */
		fx_write(f, &row);
	}
	/* The decoy: same cells on one CPU, listed first, the opposite result. */
	const struct fx_cell decoy_ring = LOOP("io_uring", "multishot", "same-cpu"),
		decoy_epoll = LOOP("epoll", "lt", "same-cpu"),
		ring = { .family = "mux", .mechanism = "io_uring", .variant = "multishot",
			 .mode = "loop", .ipc = "thread", .placement = "cross-cpu",
			 .fd_type = "eventfd", .nfds = "1000", .active = "100",
			 .uring_setup = "defer" },
		epoll = LOOP("epoll", "lt", "cross-cpu");

	loop_rows(f, &decoy_ring, 50000, 9000);
	loop_rows(f, &decoy_epoll, 100000, 6000);
	loop_rows(f, &ring, 150000, 4000);
	loop_rows(f, &epoll, 100000, 6000);

	/* Far apart, but two repetitions settle nothing. */
	burst_rows(f, "signal-handler", "rt", 100000);
	burst_rows(f, "signalfd", "rt", 500000);
	burst_rows(f, "eventfd", "semaphore", 1000000);

	const struct fx_cell reg_poll = REG("poll", NULL), reg_epoll = REG("epoll", "lt"),
		reg_select = REG("select", "fdset"),
		reg_select_1k = REG_AT("select", "fdset", "1000");

	register_rows(f, &reg_poll, 8.2);
	register_rows(f, &reg_epoll, 1.2);
	register_rows(f, &reg_select_1k, 0.0);
	skipped_rows(f, &reg_select, "select fdset: fd 10005 >= FD_SETSIZE 1024 (glibc fd_set)");
	report = fx_finish(f, dir, NULL);
}

static char *claim_line(const char *start)
{
	return fx_claim_line(report, start);
}

static void expect_verdict(const char *claim, const char *verdict)
{
	fx_expect_claim(report, claim, verdict);
}

START_TEST(holds)
{
	expect_verdict("signalfd: low latency.", "holds");
	/* the ratio and its interval, and the ok reps per side, are shown */
	char *line = claim_line("signalfd: low latency.");

	ck_assert_msg(tu_contains(line, "x [") && tu_contains(line, "(>= 87.9% order statistics)") &&
		      tu_contains(line, "| 5 / 5 |"), "no ratio with CI and reps: %s", line);
	/* and how far it lies from its threshold: 1.00x / 1.2 */
	ck_assert_msg(tu_contains(line, "order statistics) | 0.833x | 5 / 5 |"), "no margin: %s",
		      line);
	free(line);
	ck_assert(tu_contains(report, "| margin (measured / threshold) |"));
}
END_TEST

START_TEST(does_not_hold)
{
	expect_verdict("Signals: high latency; eventfd: low latency.", "does not hold");
}
END_TEST

START_TEST(inconclusive)
{
	/* equal slack straddles 1.2x; SCHED_FIFO was not permitted; the default
	 * slack's 0.17x is shown, not judged */
	expect_verdict("timerfd: low latency, medium throughput.",
		       "latency at 1 ns slack: inconclusive; under SCHED_FIFO: not measured; "
		       "throughput: not measured");

	char *line = fx_line(report, "the same under SCHED_FIFO");

	ck_assert_msg(line && tu_contains(line, "not ok: skipped, SCHED_FIFO priority 80 not "
					  "permitted"), "%s", line);
	free(line);
	line = fx_line(report, "the same at the default timer slack");
	ck_assert_msg(line && tu_contains(line, "(no threshold: context)") &&
		      tu_contains(line, "| 0.17x [") && tu_contains(line, "| for context |"), "%s",
		      line);
	free(line);
}
END_TEST

START_TEST(too_few_reps)
{
	char *line = claim_line("Signals: low throughput");

	ck_assert_msg(tu_contains(line, "| inconclusive |") && tu_contains(line, "| 2 / 2 |") &&
		      tu_contains(line, "a verdict needs 5 repetitions per cell"), "%s", line);
	free(line);
}
END_TEST

START_TEST(not_measured)
{
	char *line = claim_line("select/poll scan O(n)");

	ck_assert(tu_contains(line, "| not measured |"));
	ck_assert_msg(tu_contains(line, "not measured (cell mux poll scan thread same-cpu eventfd "
				  "nfds=10000 active=1 threads=1 did not run)"), "%s", line);
	free(line);
}
END_TEST

START_TEST(not_ok_cell)
{
	char *line = claim_line("A sender that kill()s SIGUSR1");

	ck_assert(tu_contains(line, "| not measured |"));
	ck_assert_msg(tu_contains(line, "no run recorded delivered_share; not ok: failed, "
				  "receiver: lost 3 of 100000 events"),
		      "%s", line);
	free(line);
}
END_TEST

START_TEST(memory_needs_slab)
{
	/* select refused at FD_SETSIZE and within a page, poll's 8.2 B within 2x
	 * of 8; epoll's 1.2 B a tenth of 12, its kernel state not measured */
	expect_verdict("Memory at 10,000 fds", "select: holds; poll: holds; epoll: does not hold");
	ck_assert(tu_contains(report, "recorded no slab_bytes_per_fd: the kernel's slab counts "
			      "need a readable /proc/slabinfo"));

	/* skipped rows are the refused runs, not runs that were not ok */
	char *line = fx_line(report, "select/fdset at 10,000 fds: runs refused");

	ck_assert_msg(line && tu_contains(line, "| 100.0% | [100.0%, 100.0%]") &&
		      tu_contains(line, "| 1x | 5 | holds |"), "%s", line);
	free(line);
	line = fx_line(report, "epoll/lt: user bytes per fd");
	ck_assert_msg(line && tu_contains(line, "holds within 2x of 12.0 B (6.0 B to 24.0 B)") &&
		      tu_contains(line, "| 0.1") && tu_contains(line, "x | 5 | does not hold |"),
		      "%s", line);
	free(line);
}
END_TEST

START_TEST(every_axis)
{
	/* Only the cross-cpu cells hold (1.5x the events at 2/3 the CPU);
	 * the same-cpu decoys come first and would not. */
	expect_verdict("io_uring serves ~1.5x", "holds");
	ck_assert(tu_contains(report, "readiness only"));
}
END_TEST

static void cleanup(void)
{
	free(report);
	tu_rmtree(dir_path);
}

int main(void)
{
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("verdicts");

	tcase_add_unchecked_fixture(tc, build_run, cleanup);
	tcase_add_test(tc, holds);
	tcase_add_test(tc, does_not_hold);
	tcase_add_test(tc, inconclusive);
	tcase_add_test(tc, too_few_reps);
	tcase_add_test(tc, not_measured);
	tcase_add_test(tc, not_ok_cell);
	tcase_add_test(tc, memory_needs_slab);
	tcase_add_test(tc, every_axis);
	suite_add_tcase(s, tc);

	return tu_main(s);
}
