/*
 * measure.c - one evb-timer run around the schedule: the waiter tuned as
 * asked (pinned, slack, policy), the --load sibling, the watchdog, the
 * measured span and what it cost, and the one row.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_sched.h"
#include "evb_sides.h"
#include "load.h"
#include "driver.h"

/* How far a run got, for the reason of one the watchdog ends. */
static void progress(const void *arg, char *buf, size_t len)
{
	const struct timer_run *r = arg;

	snprintf(buf, len, "%lld of %lld measured deadlines sampled",
		 (long long)atomic_load(&r->progress),
		 (long long)(r->opts->common.iterations * r->ntimers));
}


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

static int alloc_run(struct timer_run *r, int64_t ntimers)
{
	r->ntimers = ntimers;
	r->first = calloc((size_t)ntimers, sizeof(*r->first));
	r->next = calloc((size_t)ntimers, sizeof(*r->next));
	r->fired = calloc((size_t)ntimers, sizeof(*r->fired));
	return r->first && r->next && r->fired ? 0 : -ENOMEM;
}

static void free_run(struct timer_run *r)
{
	free(r->first);
	free(r->next);
	free(r->fired);
	free(r);
}


/*
 * Arm, serve the warmup, then the measured span with what it cost: the
 * waiter's RUSAGE_THREAD delta, the load sibling's context switches and
 * the machine's CPU time over exactly that span.  0 or -errno with
 * r->failed_call set.
 */
static int serve(struct timer_run *r, struct timer_load *load)
{
	const struct timer_opts *opts = r->opts;
	struct timer_cost *c = &r->cost;
	struct evb_usage before, load_before = { 0 };
	int64_t cpu0, cpu1, t0 = evb_now_ns() + opts->period_ns;
	int ret;

	for (int64_t i = 0; i < r->ntimers; i++)
		r->first[i] = t0 + i * opts->period_ns / r->ntimers;
	ret = r->ops->arm ? r->ops->arm(r->ctx, r->first) : 0;
	if (ret) {
		snprintf(r->failed_call, sizeof(r->failed_call), "%s arm", r->ops->base.name);
		return ret;
	}
	ret = timer_run_until(r, r->span_begin);
	if (ret)
		return ret;
	if (c->loaded)
		timer_load_switches(load, &load_before);
	if (evb_machine_cpu_ns(&cpu0))
		cpu0 = EVB_NA;
	evb_usage_thread(&before);
	t0 = evb_now_ns();
	ret = timer_run_until(r, r->span_end);
	c->wall_ns = evb_now_ns() - t0;
	evb_usage_thread(&c->waiter);
	if (cpu0 != EVB_NA && evb_machine_cpu_ns(&cpu1) == 0)
		c->machine_cpu_ns = cpu1 - cpu0;
	if (c->loaded && timer_load_switches(load, &c->load) == 0) {
		c->load.vcsw -= load_before.vcsw;
		c->load.ivcsw -= load_before.ivcsw;
	} else {
		c->loaded = false;   /* not readable: B's columns stay empty */
	}
	c->waiter.user_ns -= before.user_ns;
	c->waiter.sys_ns -= before.sys_ns;
	c->waiter.vcsw -= before.vcsw;
	c->waiter.ivcsw -= before.ivcsw;
	return ret;
}

/*
 * With the mechanism set up and the watchdog running: the load sibling, the
 * waiter's tuning, the span.  Returns the status; reason says why not ok.
 */
static const char *run_loaded(struct timer_run *r, const struct evb_cpus *cpus, char *reason,
			      size_t len)
{
	const struct timer_opts *opts = r->opts;
	const char *status = EVB_STATUS_OK;
	struct timer_load load;
	struct evb_barrier start;
	char where[32];
	int ret;

	r->cost.loaded = opts->load == LOAD_BUSY;
	if (r->cost.loaded) {
		evb_barrier_init(&start, 2);
		ret = timer_load_start(&load, cpus->b, &start);
		if (ret) {
			snprintf(reason, len, "load sibling: %s", strerror(-ret));
			return EVB_STATUS_FAILED;
		}
		fprintf(stderr, "%s: busy SCHED_OTHER sibling %s\n", opts->common.prog,
			describe_cpu(cpus->b, where, sizeof(where)));
	}
	/* after the other threads exist, so they do not inherit SCHED_FIFO */
	ret = tune_waiter(opts, cpus->a, reason, len);
	if (ret) {
		status = ret == -EPERM ? EVB_STATUS_SKIPPED : EVB_STATUS_FAILED;
	} else if (r->cost.loaded && evb_barrier_wait(&start)) {
		snprintf(reason, len, "load sibling could not start (pinning to CPU %d)", cpus->b);
		status = EVB_STATUS_FAILED;
	} else {
		ret = serve(r, &load);
		if (ret) {
			snprintf(reason, len, "%s: %s", r->failed_call, strerror(-ret));
			status = EVB_STATUS_FAILED;
		}
	}
	if (opts->load == LOAD_BUSY) {
		char load_reason[256] = "";

		/* after a failure the sibling may never have started: ignore its end */
		ret = timer_load_stop(&load, load_reason, sizeof(load_reason));
		if (ret && strcmp(status, EVB_STATUS_OK) == 0) {
			snprintf(reason, len, "%s", load_reason);
			status = EVB_STATUS_FAILED;
		}
	}
	return status;
}

/* The row of a run that went to the end (evb_sides_end). */
static void fill(void *arg, struct evb_row *row)
{
	const struct timer_run *r = arg;

	timer_fill_row(r, row);
	timer_check_counts(r, row);
}

int timer_measure(const struct timer_opts *opts, const struct timer_ops *ops,
		  struct timer_cfg *cfg, const struct evb_cpus *cpus, struct evb_row *row)
{
	const struct evb_driver_opts *o = &opts->common;
	struct timer_ctx ctx = { .cfg = cfg };
	char reason[EVB_ROW_REASON] = "";
	const char *status = EVB_STATUS_FAILED;
	struct timer_run *r = calloc(1, sizeof(*r));
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
	/* Exactly one row leaves the process, from main or from the watchdog. */
	r->sides.end = (struct evb_driver_end){
		.opts = o, .row = &r->axes, .emitted = &r->emitted,
		.progress = progress, .arg = r,
	};
	r->span_begin = o->warmup;
	r->span_end = o->warmup + o->iterations;
	r->cost.machine_cpu_ns = EVB_NA;
	evb_hist_init(&r->hist);
	evb_hist_init(&r->early);
	cfg->waiter_tid = gettid();

	/* before any thread exists: a mechanism's signals stay blocked in all */
	ret = ops->setup ? ops->setup(&ctx) : 0;
	if (ret) {
		free_run(r);
		return evb_driver_fail(o, row, "%s setup: %s", ops->base.name, strerror(-ret));
	}
	ret = evb_sides_watch(&r->sides, row);
	if (!ret) {
		status = run_loaded(r, cpus, reason, sizeof(reason));
		evb_sides_unwatch(&r->sides);
	}
	if (ops->teardown)
		ops->teardown(&ctx);
	if (ret) {
		free_run(r);
		return ret;
	}

	bool ok = strcmp(status, EVB_STATUS_OK) == 0;

	if (!ok) {
		evb_row_set(row, status, status);
		evb_row_set(row, reason, reason);
	}
	/* a partial run's samples stay out of the --hist file */
	r->sides.end.hist = ok ? &r->hist : NULL;
	ret = evb_sides_end(&r->sides, row, false, fill, r);
	free_run(r);
	return ret;
}
