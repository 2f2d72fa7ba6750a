/*
 * test_timer.c - every registered timer mechanism x variant on a tiny run,
 * with its counts checked (correctness only, never timing thresholds):
 *
 *   50 periods of 2 ms    status ok; every sample >= 0 (min >= 0, early 0);
 *                         samples + overruns = sent = 50 x timers; the row
 *                         carries the axes it was given, the waiter's context
 *                         switches, the machine's CPU time, its cpus; a variant
 *                         --list calls supported must not be skipped here
 *   stall 3 periods       the waiter busy-spins 6 ms after its 20th sample:
 *                         >= 2 overruns reported, the sum still holds
 *   multi-timer           a mechanism whose row has a timers column also runs
 *                         3 timers: sent = 150
 *   fifo, slack, load     each axis once per mechanism, recorded in the row
 *
 * A combination the machine cannot run must be a skipped row (exit 3) with
 * a reason.  The driver's other rows and its command line: test_timer_cli.c.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_placement.h"
#include "testutil.h"

#define MAX_ENTRIES 32
#define PERIOD "2ms"
#define PERIOD_NS 2000000
#define PERIODS 50

/* The shared name table, in its order (evb_placement.h). */
static const char *const *const placements = evb_placement_names;

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
	tu_entry_args(c->e, args, &n);
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

/* Context switches (B only with --load), machine CPU time, the cpus column. */
static void check_costs(const struct evb_row *row, const char *what)
{
	bool loaded = strcmp(row->load, "busy") == 0;
	int a = -1, b = -1, n = sscanf(row->cpus, "%d+%d", &a, &b);

	ck_assert_msg(isfinite(row->vcsw_a_per_op) && isfinite(row->ivcsw_a_per_op) &&
		      row->vcsw_a_per_op >= 0, "%s: the waiter's context switches", what);
	ck_assert_msg(isfinite(row->vcsw_b_per_op) == loaded &&
		      isfinite(row->ivcsw_b_per_op) == loaded,
		      "%s: the sibling's context switches only with --load", what);
	ck_assert_msg(row->machine_cpu_ns != EVB_NA && row->machine_cpu_ns >= 0,
		      "%s: machine_cpu_ns %lld", what, (long long)row->machine_cpu_ns);
	tu_check_cpu_distance(row, what);
	if (strcmp(row->placement, "free") == 0)
		ck_assert_msg(row->cpus[0] == '\0', "%s: cpus '%s' for free", what, row->cpus);
	else if (!loaded)
		ck_assert_msg(n == 1 && a >= 0, "%s: cpus '%s', want the waiter's", what,
			      row->cpus);
	else
		ck_assert_msg(n == 2 && (strcmp(row->placement, "same-cpu") == 0) == (a == b),
			      "%s: cpus '%s' for %s", what, row->cpus, row->placement);
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
	tu_check_entry_row(c->e, row);
	ck_assert_str_eq(row->mode, "lateness");
	ck_assert_str_eq(row->ipc, "");
	ck_assert_int_eq(row->period_ns, PERIOD_NS);
	ck_assert_str_eq(row->metric, "lateness_ns");
	ck_assert_str_eq(row->unit, "ns");
	if (strcmp(row->status, "skipped") == 0) {
		tu_check_skipped(row, status, what);
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
	/* only a timer off the schedule's grid (--list trait may=early) wakes early */
	if (!tu_contains(c->e->traits, "may=early"))
		ck_assert_msg(row->min >= 0 && row->early == 0,
			      "%s: %lld wakeups came before their deadline (min %lld ns)", what,
			      (long long)row->early, (long long)row->min);
	tu_check_percentiles(row, what);
	check_costs(row, what);
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

/* The entry with a busy sibling at placement, 50 us slack asked for. */
static void loaded_case(const struct tu_list_entry *e, const char *placement)
{
	struct timer_case c;
	struct evb_row row;
	char what[256];
	int status;

	snprintf(what, sizeof(what), "%s/%s load %s", e->mechanism, e->variant, placement);
	entry_case(&c, e, what);
	c.periods = 20;
	c.extra[0] = "--load";
	c.extra[1] = "--placement";
	c.extra[2] = placement;
	c.extra[3] = "--timer-slack";
	c.extra[4] = "50us";
	status = run_case(&c, &row);
	ck_assert_str_eq(row.placement, placement);
	ck_assert_str_eq(row.load, "busy");
	if (check_row(&c, &row, status))
		ck_assert_int_eq(row.timer_slack_ns, 50000);
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
	snprintf(what, sizeof(what), "%s/%s%s%s plain", e->mechanism, e->variant,
		 e->uring_setup[0] ? " setup " : "", e->uring_setup);
	entry_case(&c, e, what);
	status = run_case(&c, &row);
	if (!check_row(&c, &row, status)) {
		/* a walk where every cell is skipped proves nothing */
		ck_assert_msg(!e->supported, "%s: supported here, yet skipped: %s", what,
			      row.reason);
		return;
	}
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
	for (size_t p = 0; placements[p]; p++)
		loaded_case(e, placements[p]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timer");
	TCase *tc = tcase_create("mechanisms");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, every_mechanism, 0, MAX_ENTRIES);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
