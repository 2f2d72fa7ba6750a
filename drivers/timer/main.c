/*
 * evb-timer - how late does each way of waking up on time actually wake up,
 * how often does it miss a period, and what do timer slack, SCHED_FIFO, a
 * busy CPU and the number of timers change.
 *
 * One mode, lateness.  The waiter (this thread) serves a schedule of
 * absolute CLOCK_MONOTONIC deadlines computed once (timer.h draws it):
 *
 *   deadline(i, k) = t0 + i * period / timers + k * period,  t0 = start + period
 *
 * One sample is lateness_ns = the clock read right after the mechanism's
 * wait returned (including the read that consumes the expiration) - the
 * deadline it was waiting for.  A correct mechanism never gives a negative
 * sample; one that does is kept as is: it is counted in the early column and
 * enters min and the percentiles (a second histogram holds the early
 * magnitudes, evb_row_set_hist_early), never folded into zero.
 *
 * Overruns, with cyclictest's skip-ahead.  A wakeup L late has also let
 * m = (L - 1) / period further deadlines pass (m = 0 while L <= period); the
 * schedule skips them and waits for the first deadline not yet passed --
 * the steps of cyclictest's "next += interval; while (now > next) next +=
 * interval" (cyclictest skips them without counting; we count them).
 * overruns = deadlines skipped that way, so per run
 *
 *   samples + overruns = sent = iterations * timers   (every deadline of the
 *                                                      measured span is one
 *                                                      or the other)
 *
 * Mechanisms that own a periodic kernel timer (timerfd abs, posix-timer,
 * timerfd-epoll) report their own count: read() returns the expirations,
 * timer_getoverrun() the overruns.  Their count moves the schedule, so the
 * schedule and the kernel's timer never disagree about which expiration is
 * next (cyclictest -x adds timer_getoverrun() too).  The clock rule is then
 * the check: the kernel counts before the clock is read, so it may count
 * fewer deadlines than the clock says have passed -- those come back as the
 * next, immediate wakeups and are reported on stderr -- but never more (that
 * would be an expiration before its deadline, reported as a warning).
 *
 * Iterations are periods: the measured span is deadlines W .. W+N-1 of each
 * timer (after --warmup W periods), so a run takes (W + N) periods of wall
 * time whatever the mechanism does, and a mechanism that misses periods
 * shows fewer samples and more overruns.
 *
 * Placement says where the waiter and the --load sibling run:
 *   same-cpu   both pinned to one CPU: the load competes for the waiter's CPU
 *              (the default here)
 *   cross-cpu  waiter on one CPU, load on another (another core when SMT):
 *              the load shares caches, memory and the host, not the CPU
 *   free       neither is pinned
 * Without --load, same-cpu and cross-cpu both just pin the waiter.
 *
 * Tuning happens only when asked and is recorded in the row: --timer-slack
 * (prctl PR_SET_TIMERSLACK on the waiter, read back with PR_GET_TIMERSLACK),
 * --sched fifo (SCHED_FIFO --prio on the waiter only; the watchdog and the
 * load sibling stay SCHED_OTHER, the waiter sleeps between deadlines, so RT
 * throttling never bites and the machine is never starved).  This driver
 * never writes /dev/cpu_dma_latency; the harness does, under its explicit
 * --cpu-dma-latency, and records the value either way.
 *
 * The row: samples, min .. max, mean, stddev of lateness_ns (each
 * percentile only where the samples support it); early; sent = the
 * deadlines of the measured span (iterations x timers); wakeups = waits that
 * returned a measured sample (one timerfd-epoll wait may carry several);
 * overruns; wall_ns = the measured span; cpu_user_ns, cpu_sys_ns = the
 * waiter thread's CPU time over it (not the --load sibling's);
 * machine_cpu_ns = every CPU's busy time over it; vcsw/ivcsw_a_per_op = the
 * waiter's context switches per period, _b_ the --load sibling's (empty
 * without one); cpus = "waiter" or "waiter+sibling"; max_rss_kb; axes
 * period_ns, timers (timerfd-epoll only), timer_slack_ns (empty =
 * inherited), sched, load.  delivered, lost and ops_per_s stay empty.
 * The counts decide the status: samples + overruns != sent makes the row
 * failed naming the three (test aid, not in --help: --inject-miss K drops the
 * K-th measured sample from the tally to show it).
 *
 * This file holds the registry and the options; schedule.c the schedule,
 * measure.c the run around it, row.c the row.  None knows a mechanism by
 * name; each mechanism file says how it arms and waits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_driver.h"
#include "evb_placement.h"
#include "driver.h"
#include "timer.h"

/* The registry, in --list order: mechanisms.h. */
#define TIMER_ENTRY(m) &timer_##m##_ops.base,
static const struct evb_mech *const registry[] = { TIMER_MECHANISMS(TIMER_ENTRY) };
#undef TIMER_ENTRY

static const char *const timer_modes[] = { "lateness", NULL };
static const char *const sched_names[] = { "other", "fifo", NULL };
static const char *const load_names[] = { "none", "busy", NULL };

#define DEFAULT_PERIOD_NS (1000 * 1000LL)
#define DEFAULT_WARMUP 100
#define DEFAULT_PRIO 80
#define MAX_TIMERS 65536

enum {
	OPT_PERIOD = EVB_OPT_FAMILY,
	OPT_TIMER_SLACK,
	OPT_SCHED,
	OPT_PRIO,
	OPT_TIMERS,
	OPT_LOAD,
	OPT_STALL_AT,
	OPT_STALL_NS,
	OPT_INJECT_MISS,
};

/* --- the row's axes ---------------------------------------------------- */

static void set_axes(const struct timer_opts *opts, const struct timer_ops *ops,
		     struct evb_row *row)
{
	evb_row_set(row, metric, "lateness_ns");
	evb_row_set(row, unit, "ns");
	row->period_ns = opts->period_ns;
	row->timers = ops->multi ? opts->timers : EVB_NA;
	row->timer_slack_ns = opts->slack_ns;
	evb_row_set(row, sched, sched_names[opts->sched]);
	evb_row_set(row, load, load_names[opts->load]);
}

/* --- options -------------------------------------------------------------- */

static void usage(const char *prog)
{
	printf("Usage: %s --mechanism M [--variant V] [options]\n"
	       "       %s --list\n"
	       "\n"
	       "Waits for a periodic schedule of absolute CLOCK_MONOTONIC deadlines\n"
	       "t0 + k * period with one timer mechanism and prints one CSV row.\n"
	       "\n"
	       "Mode (what one sample is):\n"
	       "  lateness  the clock right after the wait returned minus the deadline it\n"
	       "            waited for (lateness_ns).  A wakeup more than a period late\n"
	       "            skips the deadlines that passed meanwhile, as cyclictest does;\n"
	       "            they are the row's overruns (samples + overruns = sent =\n"
	       "            iterations x timers).  Timers that report their own count\n"
	       "            (timerfd read, timer_getoverrun) move the schedule by it.\n"
	       "\n"
	       "evb-timer options:\n"
	       "  --period-ns T          period (suffix ns, us, ms, s; default 1ms)\n"
	       "  --timer-slack S        default (leave the inherited slack alone), 1ns,\n"
	       "                         or a time: prctl(PR_SET_TIMERSLACK) on the waiter\n"
	       "  --sched other|fifo     the waiter's policy (default other); fifo is\n"
	       "                         SCHED_FIFO at --prio, a skipped row when not\n"
	       "                         permitted.  Real-time threads get no timer slack.\n"
	       "  --prio N               SCHED_FIFO priority 1..99 (default %d; needs\n"
	       "                         --sched fifo; not in the row)\n"
	       "  --timers N             timers in one set (timerfd-epoll only; default 1),\n"
	       "                         phases spread evenly over a period\n"
	       "  --load[=busy|none]     run a busy SCHED_OTHER sibling thread during the\n"
	       "                         run (--load alone = busy; default none)\n"
	       "  --placement P          where the waiter and the --load sibling run:\n"
	       "                         same-cpu (default here) both on one CPU; cross-cpu\n"
	       "                         the sibling on another CPU; free neither pinned.\n"
	       "                         Without --load, same-cpu and cross-cpu just pin\n"
	       "                         the waiter.\n"
	       "  --iterations N         measured PERIODS (not samples); the run takes\n"
	       "                         (warmup + N) periods.  Default warmup here: %d.\n"
	       "  --stall-at K --stall-ns T\n"
	       "                         test aid: busy-spin the waiter for T after its\n"
	       "                         K-th measured sample, to provoke overruns\n"
	       "\n"
	       "The --ipc option does not apply (no ipc axis). /dev/cpu_dma_latency is\n"
	       "never written by this driver.\n"
	       "\n%s%s", prog, prog, DEFAULT_PRIO, DEFAULT_WARMUP, evb_driver_uring_help,
	       evb_driver_common_help);
}

static int probe(const struct evb_mech *mech, const char *variant, char *reason,
		 size_t reason_len)
{
	const struct timer_ops *ops = container_of(mech, struct timer_ops, base);

	(void)variant;
	return ops->supported ? ops->supported(NULL, reason, reason_len) : 0;
}

static int64_t parse_slack(const char *prog, const char *arg)
{
	if (strcmp(arg, "default") == 0)
		return EVB_NA;
	/* 0 would make the kernel reset the slack to its default: say "default" */
	return evb_opt_i64(prog, "--timer-slack", arg, EVB_UNIT_TIME, 1, EVB_NSEC_PER_SEC);
}

static void check_consistency(struct timer_opts *opts, const struct timer_ops *ops)
{
	struct evb_driver_opts *o = &opts->common;

	if (opts->timers_given && !ops->multi)
		evb_usage_error(o->prog, "--timers: mechanism %s waits for one timer "
				"(only a multi-timer mechanism such as timerfd-epoll takes it)",
				ops->base.name);
	if (!ops->multi)
		opts->timers = 1;
	if (opts->prio_given && opts->sched != SCHED_POLICY_FIFO)
		evb_usage_error(o->prog, "--prio %lld needs --sched fifo", (long long)opts->prio);
	if (opts->stall_at > 0 && opts->stall_ns <= 0)
		evb_usage_error(o->prog, "--stall-at needs --stall-ns");

	/* the run takes (warmup + iterations) periods: it must fit the timeout */
	double periods = (double)o->warmup + (double)o->iterations + 1;
	double needed_ns = periods * (double)opts->period_ns;

	if (o->timeout_ns > 0 && needed_ns >= (double)o->timeout_ns)
		evb_usage_error(o->prog, "--iterations %lld + --warmup %lld periods of %lld ns "
				"take %.3g s, not less than --timeout %.3g s",
				(long long)o->iterations, (long long)o->warmup,
				(long long)opts->period_ns, needed_ns / 1e9,
				(double)o->timeout_ns / 1e9);
}

/* Options beyond the common ones; false when opt is none of them. */
static bool family_opt(void *fopts, int opt, const char *arg)
{
	struct timer_opts *opts = fopts;
	const char *prog = opts->common.prog;

	switch (opt) {
	case OPT_PERIOD:
		opts->period_ns = evb_opt_i64(prog, "--period-ns", arg, EVB_UNIT_TIME, 1000,
					      10 * EVB_NSEC_PER_SEC);
		return true;
	case OPT_TIMER_SLACK:
		opts->slack_ns = parse_slack(prog, arg);
		return true;
	case OPT_SCHED:
		opts->sched = evb_opt_word(prog, "--sched", arg, sched_names);
		return true;
	case OPT_PRIO:
		opts->prio = evb_opt_i64(prog, "--prio", arg, EVB_UNIT_NONE, 1, 99);
		opts->prio_given = true;
		return true;
	case OPT_TIMERS:
		opts->timers = evb_opt_i64(prog, "--timers", arg, EVB_UNIT_COUNT, 1, MAX_TIMERS);
		opts->timers_given = true;
		return true;
	case OPT_LOAD:
		opts->load = arg ? evb_opt_word(prog, "--load", arg, load_names) : LOAD_BUSY;
		return true;
	case OPT_STALL_AT:
		opts->stall_at = evb_opt_i64(prog, "--stall-at", arg, EVB_UNIT_COUNT, 1,
					     1000000000LL);
		return true;
	case OPT_STALL_NS:
		opts->stall_ns = evb_opt_i64(prog, "--stall-ns", arg, EVB_UNIT_TIME, 1,
					     10 * EVB_NSEC_PER_SEC);
		return true;
	case OPT_INJECT_MISS:
		opts->inject_miss = evb_opt_i64(prog, "--inject-miss", arg, EVB_UNIT_COUNT, 1,
						1000000000LL);
		return true;
	}
	return false;
}

static void parse(int argc, char **argv, struct timer_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		EVB_DRIVER_URING_OPTION,
		{ "period-ns", required_argument, NULL, OPT_PERIOD },
		{ "timer-slack", required_argument, NULL, OPT_TIMER_SLACK },
		{ "sched", required_argument, NULL, OPT_SCHED },
		{ "prio", required_argument, NULL, OPT_PRIO },
		{ "timers", required_argument, NULL, OPT_TIMERS },
		{ "load", optional_argument, NULL, OPT_LOAD },
		{ "stall-at", required_argument, NULL, OPT_STALL_AT },
		{ "stall-ns", required_argument, NULL, OPT_STALL_NS },
		{ "inject-miss", required_argument, NULL, OPT_INJECT_MISS },
		{ NULL, 0, NULL, 0 },
	};
	static const struct evb_driver_desc desc =
		EVB_DRIVER_DESC(long_options, family_opt, usage, registry, probe);
	struct evb_driver_opts *o = &opts->common;

	*opts = (struct timer_opts){
		.period_ns = DEFAULT_PERIOD_NS,
		.slack_ns = EVB_NA,
		.sched = SCHED_POLICY_OTHER,
		.prio = DEFAULT_PRIO,
		.timers = 1,
		.load = LOAD_NONE,
	};
	evb_driver_opts_init(o, "evb-timer", "timer", timer_modes);
	o->has_ipc = false;                 /* before parsing: --ipc is refused */
	o->placement = EVB_PLACE_SAME_CPU;
	o->warmup = DEFAULT_WARMUP;
	evb_driver_parse(&desc, o, opts, argc, argv);
	check_consistency(opts, container_of(o->mech, struct timer_ops, base));
}

int main(int argc, char **argv)
{
	struct timer_opts opts;
	struct evb_row row;
	char reason[EVB_ROW_REASON] = "";

	parse(argc, argv, &opts);

	const struct evb_driver_opts *o = &opts.common;
	const struct timer_ops *ops = container_of(o->mech, struct timer_ops, base);
	struct timer_cfg cfg = {
		.variant = o->variant,
		.variant_index = evb_driver_variant_index(o),
		.period_ns = opts.period_ns,
		.timers = opts.timers,
		.uring_setup = o->uring_setup,
	};
	struct evb_cpus cpus;

	evb_driver_row_init(o, &row);
	set_axes(&opts, ops, &row);
	if (ops->supported && (ops->supported(NULL, reason, sizeof(reason)) ||
			       ops->supported(&cfg, reason, sizeof(reason))))
		return evb_driver_skip(o, &row, reason);
	if (evb_placement_choose(o->placement, &cpus, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);

	struct evb_cpus recorded = cpus;

	if (opts.load != LOAD_BUSY)
		recorded.b = -1;        /* no side B: the cpus column names the waiter's */
	evb_driver_row_cpus(&row, &recorded);
	return timer_measure(&opts, ops, &cfg, &cpus, &row);
}
