/*
 * test_notify.c - every registered notify mechanism x variant x ipc x
 * placement, on a tiny run of each mode, with its counts checked:
 *   pingpong, wakeup  sent == delivered == iterations, one sample each
 *   burst             queued mechanisms deliver everything; merging ones
 *                     (standard signals) deliver <= sent, lost = the rest
 *   exit              (the exit-* mechanisms, processes only) one child and
 *                     one sample per iteration, every child reaped
 * and every row's context switches, machine CPU time and cpus column; a
 * ring's mechanism under each --uring-setup it lists.  A
 * combination the machine cannot run must be a skipped row with a reason;
 * a variant --list calls supported must give at least one ok row.  A loss
 * injected into a queued mechanism makes the row failed naming the count.
 * Then bad input: exit 2 and a message naming what was wrong.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evb_peer.h"
#include "evb_placement.h"
#include "evb_sys.h"
#include "testutil.h"

#define MAX_ENTRIES 96

/* The shared name tables, in their order (evb_peer.h, evb_placement.h). */
static const char *const *const ipcs = evb_ipc_names;
static const char *const *const placements = evb_placement_names;

/* The cpus column: "A+B" pinned (one CPU twice for same-cpu), "" free;
 * cpu_distance beside it. */
static void check_cpus(const struct evb_row *row, const char *placement, const char *what)
{
	int a = -1, b = -1;

	tu_check_cpu_distance(row, what);
	if (strcmp(placement, "free") == 0) {
		ck_assert_msg(row->cpus[0] == '\0', "%s: cpus '%s' for free", what, row->cpus);
		return;
	}
	ck_assert_msg(sscanf(row->cpus, "%d+%d", &a, &b) == 2 && a >= 0 && b >= 0,
		      "%s: cpus '%s' is not A+B", what, row->cpus);
	ck_assert_msg(strcmp(placement, "same-cpu") == 0 ? a == b : a != b,
		      "%s: cpus '%s' for %s", what, row->cpus, placement);
}

/* Percentiles as tu_check_percentiles says; a round trip takes time. */
static void check_percentiles(const struct evb_row *row, const char *what)
{
	tu_check_percentiles(row, what);
	ck_assert_msg(row->min > 0, "%s: min %lld", what, (long long)row->min);
}

/* Runs one cell; returns 1 for an ok row, 0 for a skipped one. */
static int run_mode(const struct tu_list_entry *e, const char *ipc, const char *placement,
		    const char *mode)
{
	const char *iterations = strcmp(mode, "burst") == 0 ? "3000" : "150";
	const char *args[] = { "--mechanism", e->mechanism, "--ipc", ipc,
			       "--placement", placement, "--mode", mode,
			       "--iterations", iterations, "--warmup", "10", "--gap-ns", "2us",
			       NULL, NULL, NULL, NULL, NULL };
	size_t k = 14;
	char what[256];
	struct evb_row row;
	int status;

	if (e->variant[0]) {   /* no --variant for a mechanism without variants */
		args[k++] = "--variant";
		args[k++] = e->variant;
	}
	if (e->uring_setup[0]) {
		args[k++] = "--uring-setup";
		args[k++] = e->uring_setup;
	}
	snprintf(what, sizeof(what), "%s/%s %s %s %s %s", e->mechanism, e->variant, ipc,
		 placement, mode, e->uring_setup);
	status = tu_run_row("evb-notify", args, 60, &row);

	ck_assert_str_eq(row.mechanism, e->mechanism);
	ck_assert_str_eq(row.variant, e->variant);
	ck_assert_str_eq(row.mode, mode);
	ck_assert_str_eq(row.ipc, ipc);
	ck_assert_str_eq(row.placement, placement);
	if (strcmp(row.status, "skipped") == 0) {
		tu_check_skipped(&row, status, what);
		return 0;
	}
	ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "%s: status %s (%d): %s",
		      what, row.status, status, row.reason);
	ck_assert_msg(row.lost == row.sent - row.delivered, "%s: lost is not sent - delivered",
		      what);
	ck_assert_msg(row.wakeups >= 1 && row.wakeups <= row.delivered,
		      "%s: wakeups %lld, delivered %lld", what, (long long)row.wakeups,
		      (long long)row.delivered);
	ck_assert_int_ge(row.wall_ns, 1);
	ck_assert_int_ge(row.clock_overhead_ns, 1);
	ck_assert_int_eq(row.spurious, 0);
	/* empty for a window of too few /proc/stat ticks, else at least that many */
	ck_assert_msg(row.machine_cpu_ns == EVB_NA ||
		      row.machine_cpu_ns >= EVB_MACHINE_CPU_MIN_TICKS * 1000000000LL /
					     sysconf(_SC_CLK_TCK),
		      "%s: machine_cpu_ns %lld", what, (long long)row.machine_cpu_ns);
	ck_assert_msg(isfinite(row.vcsw_a_per_op) && isfinite(row.ivcsw_a_per_op) &&
		      isfinite(row.vcsw_b_per_op) && isfinite(row.ivcsw_b_per_op),
		      "%s: context switches missing", what);
	check_cpus(&row, placement, what);
	if (strcmp(mode, "burst") == 0) {
		int merges = strcmp(e->variant, "std") == 0;   /* standard signals */

		ck_assert_str_eq(row.metric, "ops_per_s");
		ck_assert_int_eq(row.sent, 3000);
		if (merges)
			ck_assert_msg(row.delivered >= 1 && row.delivered <= row.sent,
				      "%s: delivered %lld of %lld", what,
				      (long long)row.delivered, (long long)row.sent);
		else
			ck_assert_msg(row.delivered == row.sent, "%s: delivered %lld of %lld",
				      what, (long long)row.delivered, (long long)row.sent);
		ck_assert(row.ops_per_s > 0);
		return 1;
	}
	ck_assert_str_eq(row.metric, strcmp(mode, "pingpong") == 0 ? "roundtrip_ns" : "wakeup_ns");
	ck_assert_str_eq(row.uring_setup, e->uring_setup);
	ck_assert_msg(row.sent == 150 && row.delivered == 150 && row.samples == 150,
		      "%s: sent %lld delivered %lld samples %lld", what, (long long)row.sent,
		      (long long)row.delivered, (long long)row.samples);
	check_percentiles(&row, what);
	/* a sample is one round trip: at least one switch per side when B sleeps;
	 * exit: A sleeps until each child's exit */
	if (strcmp(mode, "exit") == 0)
		ck_assert_msg(row.vcsw_a_per_op >= 0.5 && row.cpu_b_ns == EVB_NA,
			      "%s: %.3g voluntary switches per exit, cpu_b_ns %lld", what,
			      row.vcsw_a_per_op, (long long)row.cpu_b_ns);
	if (strcmp(mode, "wakeup") == 0)
		ck_assert_msg(row.vcsw_b_per_op >= 0.5, "%s: B asleep yet %.3g voluntary "
			      "switches per wakeup", what, row.vcsw_b_per_op);
	return 1;
}

START_TEST(every_mechanism_counts)
{
	struct tu_list_entry entries[MAX_ENTRIES];
	size_t n = tu_list("evb-notify", entries, MAX_ENTRIES);

	ck_assert_int_ge(n, 15);
	if ((size_t)_i >= n)
		return;
	const struct tu_list_entry *e = &entries[_i];

	ck_assert_msg(e->supported || e->reason[0], "%s/%s unsupported without reason",
		      e->mechanism, e->variant);

	int ok = 0;
	/* a setup beyond the default: the rings' code paths, on two CPUs */
	bool one_placement = e->uring_setup[0] && strcmp(e->uring_setup, "default");

	for (size_t i = 0; ipcs[i]; i++)
		for (size_t p = 0; placements[p]; p++) {
			if (one_placement && strcmp(placements[p], "cross-cpu"))
				continue;
			if (tu_contains(e->traits, "mode=exit")) {
				if (!strcmp(ipcs[i], "process"))
					ok += run_mode(e, ipcs[i], placements[p], "exit");
				continue;
			}
			ok += run_mode(e, ipcs[i], placements[p], "pingpong");
			ok += run_mode(e, ipcs[i], placements[p], "wakeup");
			ok += run_mode(e, ipcs[i], placements[p], "burst");
		}
	/* a walk where every cell is skipped proves nothing */
	ck_assert_msg(!e->supported || ok > 0, "%s/%s: supported here, yet no ok row",
		      e->mechanism, e->variant);
}
END_TEST

/* Burst with one notification dropped on purpose: --inject-loss N. */
static void burst_with_loss(const char *mechanism, const char *variant, struct evb_row *row,
			    int *status)
{
	const char *args[] = { "--mechanism", mechanism, "--mode", "burst", "--iterations",
			       "2000", "--warmup", "10", "--inject-loss", "500", "--variant",
			       variant, NULL };

	if (!variant)
		args[10] = NULL;
	*status = tu_run_row("evb-notify", args, 30, row);
}

START_TEST(a_lost_notification_fails_a_queued_mechanism)
{
	static const char *const queued[][2] = {
		{ "pipe", NULL }, { "eventfd", "counter" }, { "sigwaitinfo", "rt" },
	};
	struct evb_row row;
	int status;

	for (size_t i = 0; i < sizeof(queued) / sizeof(queued[0]); i++) {
		burst_with_loss(queued[i][0], queued[i][1], &row, &status);
		if (strcmp(row.status, "skipped") == 0)
			continue;
		ck_assert_msg(status == 1 && strcmp(row.status, "failed") == 0,
			      "%s: status %s (%d)", queued[i][0], row.status, status);
		ck_assert_msg(tu_contains(row.reason, "lost 1 of 2000"), "%s: %s", queued[i][0],
			      row.reason);
		ck_assert_int_eq(row.lost, 1);
	}
	/* standard signals merge: their loss is the measurement, the row stays ok */
	burst_with_loss("sigwaitinfo", "std", &row, &status);
	ck_assert_msg(status == 0 && strcmp(row.status, "ok") == 0, "std: %s (%d) %s",
		      row.status, status, row.reason);
	ck_assert_int_ge(row.lost, 1);
}
END_TEST

START_TEST(private_condvar_across_processes_is_skipped)
{
	const char *args[] = { "--mechanism", "condvar", "--variant", "private", "--ipc",
			       "process", "--iterations", "10", NULL };
	struct evb_row row;
	int status = tu_run_row("evb-notify", args, 20, &row);

	ck_assert_str_eq(row.status, "skipped");
	tu_check_skipped(&row, status, "condvar/private process");
	ck_assert(tu_contains(row.reason, "PTHREAD_PROCESS_SHARED"));
}
END_TEST

static void expect_message(const char *const *args, const char *needle)
{
	tu_expect_usage_error("evb-notify", args, needle);
}

START_TEST(bad_input_exits_2)
{
	static const char *const bad_number[] = { "--mechanism", "pipe", "--iterations", "12abc", NULL };
	static const char *const negative[] = { "--mechanism", "pipe", "--iterations", "-1", NULL };
	static const char *const overflow[] = { "--mechanism", "pipe", "--warmup",
						"99999999999999999999", NULL };
	static const char *const bad_mech[] = { "--mechanism", "smoke-signals", NULL };
	static const char *const bad_variant[] = { "--mechanism", "eventfd", "--variant", "big", NULL };
	static const char *const variant_on_plain[] = { "--mechanism", "pipe", "--variant", "x", NULL };
	static const char *const bad_mode[] = { "--mechanism", "pipe", "--mode", "sprint", NULL };
	static const char *const bad_placement[] = { "--mechanism", "pipe", "--placement", "moon", NULL };
	static const char *const bad_ipc[] = { "--mechanism", "pipe", "--ipc", "carrier-pigeon", NULL };
	static const char *const unknown[] = { "--mechanism", "pipe", "--frobnicate", NULL };
	static const char *const missing[] = { "--mode", "pingpong", NULL };
	static const char *const stray[] = { "--mechanism", "pipe", "extra", NULL };
	static const char *const loss_pingpong[] = { "--mechanism", "pipe", "--inject-loss",
						     "3", NULL };
	static const char *const exit_pipe[] = { "--mechanism", "pipe", "--mode", "exit", NULL };
	static const char *const pingpong_exit[] = { "--mechanism", "exit-waitid", "--ipc",
						     "process", NULL };
	static const char *const exit_thread[] = { "--mechanism", "exit-waitid", "--mode",
						   "exit", "--ipc", "thread", NULL };
	static const char *const setup_plain[] = { "--mechanism", "pipe", "--uring-setup",
						   "defer", NULL };

	expect_message(bad_number, "12abc");
	expect_message(negative, "-1");
	expect_message(overflow, "99999999999999999999");
	expect_message(bad_mech, "smoke-signals");
	expect_message(bad_variant, "big");
	expect_message(variant_on_plain, "no variants");
	expect_message(bad_mode, "sprint");
	expect_message(bad_placement, "moon");
	expect_message(bad_ipc, "carrier-pigeon");
	expect_message(unknown, "frobnicate");
	expect_message(missing, "--mechanism");
	expect_message(stray, "extra");
	expect_message(loss_pingpong, "--inject-loss 3");
	expect_message(exit_pipe, "needs an exit-* mechanism");
	expect_message(pingpong_exit, "runs in mode exit only");
	expect_message(exit_thread, "--ipc thread");
	expect_message(setup_plain, "no io_uring instance");
}
END_TEST

START_TEST(help_and_list)
{
	static const char *const help[] = { "--help", NULL };
	struct evb_spawn_result res = tu_run("evb-notify", help, 10);

	ck_assert_int_eq(res.exit_status, 0);
	ck_assert(tu_contains(res.out, "pingpong") && tu_contains(res.out, "--placement"));
	evb_spawn_result_free(&res);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("mechanisms");

	tcase_set_timeout(tc, 200);
	tcase_add_loop_test(tc, every_mechanism_counts, 0, MAX_ENTRIES);
	suite_add_tcase(s, tc);
	tc = tcase_create("usage");
	tcase_add_test(tc, private_condvar_across_processes_is_skipped);
	tcase_add_test(tc, a_lost_notification_fails_a_queued_mechanism);
	tcase_add_test(tc, bad_input_exits_2);
	tcase_add_test(tc, help_and_list);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
