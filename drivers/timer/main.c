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
 * sample; one that does is recorded as is (the histogram counts it).
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
 * The row: samples, min .. max, mean, stddev of lateness_ns; sent = the
 * deadlines of the measured span (iterations x timers); wakeups = waits that
 * returned a measured sample (one timerfd-epoll wait may carry several);
 * overruns; wall_ns = the measured span; cpu_user_ns, cpu_sys_ns = the
 * waiter thread's CPU time over it (not the --load sibling's); max_rss_kb;
 * axes period_ns, timers (timerfd-epoll only), timer_slack_ns (empty =
 * inherited), sched, load.  delivered, lost and ops_per_s stay empty.
 *
 * This file holds the registry, the options, the schedule and the row, and
 * knows no mechanism by name; each mechanism file says how it arms and waits.
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
#include "evb_hist.h"
#include "evb_placement.h"
#include "evb_sched.h"
#include "evb_sys.h"
#include "evb_watchdog.h"
#include "load.h"
#include "timer.h"

static const struct evb_mech *const registry[] = {
	&timerfd_ops.base,
	&posix_timer_ops.base,
	&clock_nanosleep_ops.base,
	&nanosleep_ops.base,
	&epoll_timeout_ops.base,
	&epoll_pwait2_ops.base,
	&ppoll_ops.base,
	&select_ops.base,
	&io_uring_timeout_ops.base,
	&timerfd_epoll_ops.base,
};

static const char *const timer_modes[] = { "lateness", NULL };
static const char *const sched_names[] = { "other", "fifo", NULL };
static const char *const load_names[] = { "none", "busy", NULL };

enum { SCHED_POLICY_OTHER, SCHED_POLICY_FIFO };
enum { LOAD_NONE, LOAD_BUSY };

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
};

struct timer_opts {
	struct evb_driver_opts common;
	int64_t period_ns;
	int64_t slack_ns;       /* EVB_NA: the inherited slack, left alone */
	int sched;              /* SCHED_POLICY_* */
	int64_t prio;
	bool prio_given;
	int64_t timers;
	bool timers_given;
	int load;               /* LOAD_* */
	int64_t stall_at;       /* test aid: spin after this measured sample; 0 never */
	int64_t stall_ns;
};

/* Counts of the measured span. */
struct tally {
	int64_t samples;
	int64_t wakeups;        /* waits that returned a measured sample */
	int64_t overruns;       /* measured deadlines skipped */
	int64_t clock_overruns; /* deadlines the clock saw pass at the wakeups */
	int64_t late_counts;    /* ... that a counting mechanism had not counted yet */
	int64_t early_counts;   /* expirations counted before their deadline */
	bool counted;           /* the mechanism reports its own expirations */
};

/* Everything one run needs, by pointer; nothing here is global. */
struct run {
	const struct timer_opts *opts;
	const struct timer_ops *ops;
	struct timer_ctx *ctx;
	struct evb_hist hist;
	int64_t ntimers;
	int64_t *first;             /* per timer: deadline 0 */
	int64_t *next;              /* per timer: index of the next deadline */
	struct timer_fire *fired;   /* ntimers */
	int64_t span_begin;         /* first measured deadline index (= warmup) */
	int64_t span_end;           /* one past the last */
	struct tally tally;
	_Atomic int64_t progress;   /* measured samples, for the watchdog */
	_Atomic int emitted;        /* the row was written (main or watchdog) */
	struct evb_row axes;        /* the row as it stands before the run */
	char failed_call[64];
};

static int64_t deadline_of(const struct run *r, int64_t timer)
{
	return r->first[timer] + r->next[timer] * r->opts->period_ns;
}

/* Number of deadline indexes in [lo, hi) that fall in the measured span. */
static int64_t in_span(const struct run *r, int64_t lo, int64_t hi)
{
	if (lo < r->span_begin)
		lo = r->span_begin;
	if (hi > r->span_end)
		hi = r->span_end;
	return hi > lo ? hi - lo : 0;
}

/* Busy-spin, no yield: the waiter is "stuck" and its timers keep running. */
static void stall(int64_t ns)
{
	int64_t end = evb_now_ns() + ns;

	while (evb_now_ns() < end)
		;
}

/*
 * One timer went off at now: take the sample if its deadline is in the
 * measured span, skip the deadlines that passed too, and move that timer's
 * schedule on.
 */
static void account(struct run *r, const struct timer_fire *f, int64_t now)
{
	const struct timer_opts *o = r->opts;
	struct tally *t = &r->tally;
	int64_t k = r->next[f->timer];
	int64_t lateness = now - deadline_of(r, f->timer);
	int64_t missed = lateness > 0 ? (lateness - 1) / o->period_ns : 0;
	int64_t advance = 1 + missed;               /* cyclictest's skip-ahead */
	bool measured = in_span(r, k, k + 1) == 1;

	if (f->expirations > 0) {
		/* the kernel's count moves its own timer's schedule */
		if (measured && f->expirations > advance)
			t->early_counts += f->expirations - advance;
		else if (measured)
			t->late_counts += advance - f->expirations;
		advance = f->expirations;
		t->counted = true;
	}
	r->next[f->timer] = k + advance;
	t->overruns += in_span(r, k + 1, k + advance);
	if (!measured)
		return;
	evb_hist_record(&r->hist, lateness);
	t->samples++;
	t->clock_overruns += missed;
	atomic_store_explicit(&r->progress, t->samples, memory_order_relaxed);
	if (t->samples == o->stall_at)
		stall(o->stall_ns);
}

/*
 * Wait and account until every timer's next deadline index is >= until.
 * 0, or -errno with r->failed_call set.
 */
static int run_until(struct run *r, int64_t until)
{
	int64_t done = 0;

	for (int64_t i = 0; i < r->ntimers; i++)
		done += r->next[i] >= until;
	while (done < r->ntimers) {
		int n = r->ops->wait(r->ctx, deadline_of(r, 0), r->fired);
		int64_t now = evb_now_ns();
		int64_t samples_before = r->tally.samples;

		if (n < 1 || n > r->ntimers) {
			snprintf(r->failed_call, sizeof(r->failed_call), "%s wait",
				 r->ops->base.name);
			return n < 0 ? n : -EPROTO;
		}
		for (int j = 0; j < n; j++) {
			const struct timer_fire *f = &r->fired[j];

			if (f->timer < 0 || f->timer >= r->ntimers || f->expirations < 0) {
				snprintf(r->failed_call, sizeof(r->failed_call),
					 "%s wait: bad timer %lld", r->ops->base.name,
					 (long long)f->timer);
				return -EPROTO;
			}
			bool was_done = r->next[f->timer] >= until;

			account(r, f, now);
			done += !was_done && r->next[f->timer] >= until;
		}
		r->tally.wakeups += r->tally.samples > samples_before;
	}
	return 0;
}

/* --- the row -------------------------------------------------------------- */

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

static void fill_row(const struct run *r, int64_t wall_ns, const struct evb_usage *usage,
		     struct evb_row *row)
{
	const struct tally *t = &r->tally;
	struct rusage self;

	evb_row_set_hist(row, &r->hist);
	row->sent = (r->span_end - r->span_begin) * r->ntimers;
	row->wakeups = t->wakeups;
	row->overruns = t->overruns;
	row->wall_ns = wall_ns;
	row->cpu_user_ns = usage->user_ns;
	row->cpu_sys_ns = usage->sys_ns;
	if (getrusage(RUSAGE_SELF, &self) == 0)
		row->max_rss_kb = self.ru_maxrss;
}

/* What a reader of stderr should know about the counts. */
static void report_counts(const struct run *r, const char *prog)
{
	const struct tally *t = &r->tally;

	if (t->samples + t->overruns != (r->span_end - r->span_begin) * r->ntimers)
		fprintf(stderr, "%s: BUG: %lld samples + %lld overruns != %lld deadlines\n",
			prog, (long long)t->samples, (long long)t->overruns,
			(long long)((r->span_end - r->span_begin) * r->ntimers));
	if (r->hist.below_zero)
		fprintf(stderr, "%s: %llu wakeups came BEFORE their deadline (min %lld ns)\n",
			prog, (unsigned long long)r->hist.below_zero, (long long)r->hist.min);
	if (t->early_counts)
		fprintf(stderr, "%s: the mechanism counted %lld expirations before their "
			"deadline by CLOCK_MONOTONIC\n", prog, (long long)t->early_counts);
	if (t->counted && t->late_counts)
		fprintf(stderr, "%s: %lld deadlines passed between the mechanism's count and "
			"the clock read; they were served by the next, immediate wakeups "
			"(clock rule: %lld overruns, mechanism's count: %lld)\n", prog,
			(long long)t->late_counts, (long long)t->clock_overruns,
			(long long)t->overruns);
}

/* Exactly one row leaves the process, from main or from the watchdog. */
static int emit_once(struct run *r, const struct evb_row *row, const struct evb_hist *hist)
{
	return evb_driver_emit_once(&r->opts->common, row, hist, &r->emitted);
}

static void watchdog_fire(void *arg, int timed_out, const char *why)
{
	struct run *r = arg;
	struct evb_row row = r->axes;
	const struct timer_opts *o = r->opts;

	evb_row_reason(&row, "%s (%lld of %lld measured deadlines sampled)", why,
		       (long long)atomic_load(&r->progress),
		       (long long)(o->common.iterations * r->ntimers));
	evb_driver_abandon(&o->common, &row, timed_out, &r->emitted);
}

/* --- the run -------------------------------------------------------------- */

static const char *describe_cpu(int cpu, char *buf, size_t len)
{
	if (cpu < 0)
		snprintf(buf, len, "unpinned");
	else
		snprintf(buf, len, "on CPU %d", cpu);
	return buf;
}

/*
 * Make the waiter what the options ask: pinned, its slack, its policy.
 * 0; -EPERM with reason when SCHED_FIFO is not permitted (a skipped row;
 * nothing else here fails with EPERM); another -errno with reason.
 */
static int tune_waiter(const struct timer_opts *opts, int cpu, char *reason, size_t len)
{
	const char *prog = opts->common.prog;
	int64_t slack;
	int ret = evb_pin_self(cpu);

	if (ret) {
		snprintf(reason, len, "sched_setaffinity(CPU %d): %s", cpu, strerror(-ret));
		return ret;
	}
	/* slack first: a SCHED_FIFO thread ignores PR_SET_TIMERSLACK (Linux 6.7+) */
	if (opts->slack_ns != EVB_NA) {
		ret = evb_timer_slack_set(opts->slack_ns);
		if (ret) {
			snprintf(reason, len, "prctl(PR_SET_TIMERSLACK, %lld): %s",
				 (long long)opts->slack_ns, strerror(-ret));
			return ret;
		}
	}
	if (opts->sched == SCHED_POLICY_FIFO) {
		ret = evb_sched_fifo((int)opts->prio, reason, len);
		if (ret)
			return ret;   /* -EPERM: the caller makes it a skipped row */
	}
	slack = evb_timer_slack_get();
	if (slack < 0) {
		snprintf(reason, len, "prctl(PR_GET_TIMERSLACK): %s", strerror((int)-slack));
		return (int)slack;
	}
	if (opts->slack_ns != EVB_NA && opts->sched == SCHED_POLICY_OTHER &&
	    slack != opts->slack_ns) {
		snprintf(reason, len, "PR_SET_TIMERSLACK %lld ns: read back %lld ns",
			 (long long)opts->slack_ns, (long long)slack);
		return -EIO;
	}
	char where[32];

	fprintf(stderr, "%s: waiter %s, SCHED_%s", prog, describe_cpu(cpu, where, sizeof(where)),
		opts->sched == SCHED_POLICY_FIFO ? "FIFO" : "OTHER");
	if (opts->sched == SCHED_POLICY_FIFO)
		fprintf(stderr, " priority %lld", (long long)opts->prio);
	fprintf(stderr, ", timer slack %lld ns in effect (%s)\n", (long long)slack,
		opts->sched == SCHED_POLICY_FIFO ? "real-time threads get none" :
		opts->slack_ns == EVB_NA ? "inherited, not changed" : "as set");
	return 0;
}

static int alloc_run(struct run *r, int64_t ntimers)
{
	r->ntimers = ntimers;
	r->first = calloc((size_t)ntimers, sizeof(*r->first));
	r->next = calloc((size_t)ntimers, sizeof(*r->next));
	r->fired = calloc((size_t)ntimers, sizeof(*r->fired));
	return r->first && r->next && r->fired ? 0 : -ENOMEM;
}

static void free_run(struct run *r)
{
	free(r->first);
	free(r->next);
	free(r->fired);
	free(r);
}

static int measure(const struct timer_opts *opts, const struct timer_ops *ops,
		   struct timer_cfg *cfg, const struct evb_cpus *cpus, struct evb_row *row)
{
	const struct evb_driver_opts *o = &opts->common;
	struct timer_ctx ctx = { .cfg = cfg };
	struct evb_watchdog watchdog;
	struct timer_load load;
	struct evb_barrier start;
	struct evb_usage before, usage = { 0 };
	char reason[EVB_ROW_REASON] = "";
	const char *status = EVB_STATUS_OK;
	int64_t t_begin = 0, wall_ns = 0;
	bool loaded = opts->load == LOAD_BUSY;
	struct run *r = calloc(1, sizeof(*r));
	int ret;

	if (!r || alloc_run(r, cfg->timers)) {
		if (r)
			free_run(r);
		return evb_driver_fail(o, row, "allocating the schedule: %s", strerror(ENOMEM));
	}
	r->opts = opts;
	r->ops = ops;
	r->ctx = &ctx;
	r->axes = *row;
	r->span_begin = o->warmup;
	r->span_end = o->warmup + o->iterations;
	evb_hist_init(&r->hist);
	cfg->waiter_tid = gettid();

	/* before any thread exists: a mechanism's signals stay blocked in all */
	ret = ops->setup ? ops->setup(&ctx) : 0;
	if (ret) {
		free_run(r);
		return evb_driver_fail(o, row, "%s setup: %s", ops->base.name, strerror(-ret));
	}
	ret = evb_watchdog_start(&watchdog, o->timeout_ns, watchdog_fire, r);
	if (ret) {
		snprintf(reason, sizeof(reason), "watchdog thread: %s", strerror(-ret));
		status = EVB_STATUS_FAILED;
		goto out_teardown;
	}
	if (loaded) {
		evb_barrier_init(&start, 2);
		ret = timer_load_start(&load, cpus->b, &start);
		if (ret) {
			snprintf(reason, sizeof(reason), "load sibling: %s", strerror(-ret));
			status = EVB_STATUS_FAILED;
			goto out_stop_watchdog;
		}
		char where[32];

		fprintf(stderr, "%s: busy SCHED_OTHER sibling %s\n", o->prog,
			describe_cpu(cpus->b, where, sizeof(where)));
	}
	/* after the other threads exist, so they do not inherit SCHED_FIFO */
	ret = tune_waiter(opts, cpus->a, reason, sizeof(reason));
	if (ret) {
		status = ret == -EPERM ? EVB_STATUS_SKIPPED : EVB_STATUS_FAILED;
		goto out_stop_load;
	}
	if (loaded && evb_barrier_wait(&start)) {
		snprintf(reason, sizeof(reason), "load sibling could not start (pinning to CPU %d)",
			 cpus->b);
		status = EVB_STATUS_FAILED;
		goto out_stop_load;
	}

	int64_t t0 = evb_now_ns() + opts->period_ns;

	for (int64_t i = 0; i < r->ntimers; i++)
		r->first[i] = t0 + i * opts->period_ns / r->ntimers;
	ret = ops->arm ? ops->arm(&ctx, r->first) : 0;
	if (ret) {
		snprintf(r->failed_call, sizeof(r->failed_call), "%s arm", ops->base.name);
		goto out_run_failed;
	}
	ret = run_until(r, r->span_begin);
	if (ret)
		goto out_run_failed;
	evb_usage_thread(&before);
	t_begin = evb_now_ns();
	ret = run_until(r, r->span_end);
	wall_ns = evb_now_ns() - t_begin;
	if (ret)
		goto out_run_failed;
	evb_usage_thread(&usage);
	usage.user_ns -= before.user_ns;
	usage.sys_ns -= before.sys_ns;
	goto out_stop_load;

out_run_failed:
	snprintf(reason, sizeof(reason), "%s: %s", r->failed_call, strerror(-ret));
	status = EVB_STATUS_FAILED;
out_stop_load:
	if (loaded) {
		char load_reason[256] = "";
		bool run_ok = strcmp(status, EVB_STATUS_OK) == 0;

		/* after a failure the sibling may never have started: ignore its end */
		ret = timer_load_stop(&load, load_reason, sizeof(load_reason));
		if (ret && run_ok) {
			snprintf(reason, sizeof(reason), "%s", load_reason);
			status = EVB_STATUS_FAILED;
		}
	}
out_stop_watchdog:
	evb_watchdog_stop(&watchdog);
out_teardown:
	if (ops->teardown)
		ops->teardown(&ctx);

	bool ok = strcmp(status, EVB_STATUS_OK) == 0;

	if (ok) {
		fill_row(r, wall_ns, &usage, row);
		report_counts(r, o->prog);
	} else {
		evb_row_set(row, status, status);
		evb_row_set(row, reason, reason);
		fprintf(stderr, "%s: %s\n", o->prog, reason);
	}
	/* a partial run's samples stay out of the --hist file */
	ret = emit_once(r, row, ok ? &r->hist : NULL);
	free_run(r);
	return ret;
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
	       "\n%s", prog, prog, DEFAULT_PRIO, DEFAULT_WARMUP, evb_driver_common_help);
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

static void parse(int argc, char **argv, struct timer_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		{ "period-ns", required_argument, NULL, OPT_PERIOD },
		{ "timer-slack", required_argument, NULL, OPT_TIMER_SLACK },
		{ "sched", required_argument, NULL, OPT_SCHED },
		{ "prio", required_argument, NULL, OPT_PRIO },
		{ "timers", required_argument, NULL, OPT_TIMERS },
		{ "load", optional_argument, NULL, OPT_LOAD },
		{ "stall-at", required_argument, NULL, OPT_STALL_AT },
		{ "stall-ns", required_argument, NULL, OPT_STALL_NS },
		{ NULL, 0, NULL, 0 },
	};
	struct evb_driver_opts *o = &opts->common;
	bool list = false, help = false;
	int opt;

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
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (evb_driver_common_opt(o, opt, optarg, &list, &help))
			continue;
		switch (opt) {
		case OPT_PERIOD:
			opts->period_ns = evb_opt_i64(o->prog, "--period-ns", optarg,
						      EVB_UNIT_TIME, 1000, 10 * EVB_NSEC_PER_SEC);
			break;
		case OPT_TIMER_SLACK:
			opts->slack_ns = parse_slack(o->prog, optarg);
			break;
		case OPT_SCHED:
			opts->sched = evb_opt_word(o->prog, "--sched", optarg, sched_names);
			break;
		case OPT_PRIO:
			opts->prio = evb_opt_i64(o->prog, "--prio", optarg, EVB_UNIT_NONE, 1, 99);
			opts->prio_given = true;
			break;
		case OPT_TIMERS:
			opts->timers = evb_opt_i64(o->prog, "--timers", optarg, EVB_UNIT_COUNT, 1,
						   MAX_TIMERS);
			opts->timers_given = true;
			break;
		case OPT_LOAD:
			opts->load = optarg ? evb_opt_word(o->prog, "--load", optarg, load_names)
					    : LOAD_BUSY;
			break;
		case OPT_STALL_AT:
			opts->stall_at = evb_opt_i64(o->prog, "--stall-at", optarg,
						     EVB_UNIT_COUNT, 1, 1000000000LL);
			break;
		case OPT_STALL_NS:
			opts->stall_ns = evb_opt_i64(o->prog, "--stall-ns", optarg, EVB_UNIT_TIME,
						     1, 10 * EVB_NSEC_PER_SEC);
			break;
		default:
			evb_usage_error(o->prog, "unknown option (see above)");
		}
	}
	evb_driver_parse_done(o, argc, argv, list, help, usage, registry,
			      EVB_ARRAY_SIZE(registry), probe);
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
	};
	struct evb_cpus cpus;

	evb_driver_row_init(o, &row);
	set_axes(&opts, ops, &row);
	if (ops->supported && (ops->supported(NULL, reason, sizeof(reason)) ||
			       ops->supported(&cfg, reason, sizeof(reason))))
		return evb_driver_skip(o, &row, reason);
	if (evb_placement_choose(o->placement, &cpus, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);
	return measure(&opts, ops, &cfg, &cpus, &row);
}
