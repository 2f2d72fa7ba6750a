/*
 * modes.c - the notify modes as each side runs them; notify.h draws them.
 * A's and B's loops for pingpong (and the warmup), wakeup and burst, and
 * one side's whole run.  Nothing here names a mechanism.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_row.h"
#include "driver.h"

/* Burst: how long B's bounded wait sleeps before it looks at the stop fd. */
#define BURST_IDLE_NS (10 * 1000 * 1000LL)

int notify_side_fail(struct notify_side_ctx *s, enum notify_side self, const char *call,
		     int err)
{
	evb_side_errors_set(&s->run->errors, self, call, err);
	evb_barrier_abort(&s->run->barrier);
	evb_watchdog_trip(s->watchdog);
	return err;
}

/* --- one notification each way -------------------------------------------- */

static int send_one(struct notify_side_ctx *s, enum notify_side from)
{
	int ret = s->ops->notify(s->ctx, from);

	return ret ? notify_side_fail(s, from, "notify", ret) : 0;
}

/* Block in the mechanism's own wait until something arrives; its count. */
static int64_t wait_one(struct notify_side_ctx *s, enum notify_side self)
{
	int64_t got;

	for (;;) {
		got = s->ops->wait(s->ctx, self, -1);
		if (got != 0)
			break;
		/* woke with nothing: counted, and the row fails (notify.h) */
		atomic_fetch_add(&s->run->spurious, 1);
	}
	return got < 0 ? notify_side_fail(s, self, "wait", (int)got) : got;
}

/* A: notify B, block until B answers. */
static int64_t round_trip(struct notify_side_ctx *s)
{
	int ret = send_one(s, SIDE_A);

	return ret ? ret : wait_one(s, SIDE_A);
}

/* B: block until A notifies, answer; the count that arrived. */
static int64_t answer(struct notify_side_ctx *s)
{
	int64_t got = wait_one(s, SIDE_B);

	if (got < 0)
		return got;
	int ret = send_one(s, SIDE_B);

	return ret ? ret : got;
}

static void progress(struct notify_side_ctx *s, enum notify_side self, int64_t done)
{
	atomic_store_explicit(&s->run->progress[self], done, memory_order_relaxed);
}

/* --- pingpong and warmup: A sends, B answers ------------------------------ */

static int pingpong_a(struct notify_side_ctx *s, int64_t rounds, int record)
{
	for (int64_t i = 0; i < rounds; i++) {
		int64_t t0 = evb_now_ns();
		int64_t got = round_trip(s);

		if (got < 0)
			return (int)got;
		if (!record)
			continue;
		evb_hist_record(&s->run->hist, evb_now_ns() - t0);
		s->run->acks += got;
		progress(s, SIDE_A, i + 1);
	}
	return 0;
}

static int pingpong_b(struct notify_side_ctx *s, int64_t rounds, int record)
{
	for (int64_t i = 0; i < rounds; i++) {
		int64_t got = answer(s);

		if (got < 0)
			return (int)got;
		if (!record)
			continue;
		s->run->delivered += got;
		s->run->wakeups++;
		progress(s, SIDE_B, i + 1);
	}
	return 0;
}

/* --- wakeup: A stamps, B measures ---------------------------------------- */

/*
 * The sample must be a wakeup from sleep, not a notification caught on the
 * way in: B announces it is about to block, A sees its thread asleep
 * (evb_wait_until_asleep), lets the gap pass, then reads its clock.
 */
static int wakeup_a(struct notify_side_ctx *s, struct evb_asleep *b_thread, int64_t rounds)
{
	for (int64_t i = 0; i < rounds; i++) {
		while (!atomic_load(&s->run->b_waiting))
			sched_yield();

		int asleep = evb_wait_until_asleep(b_thread, EVB_ASLEEP_TIMEOUT_NS);

		if (asleep < 0)
			return notify_side_fail(s, SIDE_A, "read B's thread state", asleep);
		s->run->not_asleep += !asleep;
		evb_spin_yield_ns(s->opts->gap_ns);

		atomic_store(&s->run->stamp_ns, evb_now_ns());
		int64_t got = round_trip(s);

		if (got < 0)
			return (int)got;
		s->run->acks += got;
		progress(s, SIDE_A, i + 1);
	}
	return 0;
}

static int wakeup_b(struct notify_side_ctx *s, int64_t rounds)
{
	for (int64_t i = 0; i < rounds; i++) {
		atomic_store(&s->run->b_waiting, 1);
		int64_t got = wait_one(s, SIDE_B);
		int64_t t1 = evb_now_ns();

		atomic_store(&s->run->b_waiting, 0);
		if (got < 0)
			return (int)got;
		evb_hist_record(&s->run->hist, t1 - atomic_load(&s->run->stamp_ns));
		s->run->delivered += got;
		s->run->wakeups++;
		progress(s, SIDE_B, i + 1);

		int ret = send_one(s, SIDE_B);

		if (ret)
			return ret;
	}
	return 0;
}

/* --- burst: A fires, B counts -------------------------------------------- */

static int burst_a(struct notify_side_ctx *s, int64_t count)
{
	s->run->burst_start_ns = evb_now_ns();
	for (int64_t i = 0; i < count; i++) {
		int ret;

		if (i + 1 == s->opts->inject_loss) {
			s->run->sent++;   /* test aid: counted, never made */
			continue;
		}
		while ((ret = s->ops->notify(s->ctx, SIDE_A)) == -EAGAIN) {
			s->run->send_retries++;   /* a queue is full: let B drain */
			sched_yield();
		}
		if (ret)
			return notify_side_fail(s, SIDE_A, "notify", ret);
		s->run->sent++;
		progress(s, SIDE_A, i + 1);
	}
	int ret = evb_eventfd_post(s->stop_fd);

	return ret ? notify_side_fail(s, SIDE_A, "write(stop eventfd)", ret) : 0;
}

/*
 * B never blocks unbounded here: a lost notification must not hang the run.
 * Once A's stop eventfd is readable every send has been made, so what is
 * not pending after that is lost (merged) for good.
 */
static int burst_b(struct notify_side_ctx *s)
{
	int stopped = 0;

	for (;;) {
		int64_t got = s->ops->wait(s->ctx, SIDE_B, stopped ? 0 : BURST_IDLE_NS);

		if (got < 0)
			return notify_side_fail(s, SIDE_B, "wait", (int)got);
		if (got > 0) {
			s->run->last_delivery_ns = evb_now_ns();
			s->run->delivered += got;
			s->run->wakeups++;
			progress(s, SIDE_B, s->run->delivered);
			continue;
		}
		if (stopped)
			return 0;
		int ready = evb_fd_readable(s->stop_fd);

		if (ready < 0)
			return notify_side_fail(s, SIDE_B, "poll(stop eventfd)", ready);
		stopped = ready;
	}
}

/* --- the two sides -------------------------------------------------------- */

/* Wakeup: A watches B's thread from /proc; other modes need nothing. */
static int open_watch(struct notify_side_ctx *s, enum notify_side self,
		      struct evb_asleep *b_thread)
{
	const struct notify_ids *ids = &s->run->ids;
	int ret;

	b_thread->stat_fd = b_thread->syscall_fd = -1;
	if (self != SIDE_A || (enum notify_mode)s->opts->common.mode != NOTIFY_WAKEUP)
		return 0;
	ret = evb_asleep_open(b_thread, ids->pid[SIDE_B], ids->tid[SIDE_B]);
	return ret ? notify_side_fail(s, SIDE_A, "open /proc/PID/task/TID/stat of B", ret) : 0;
}

static int measured_phase(struct notify_side_ctx *s, enum notify_side self,
			  struct evb_asleep *b_thread)
{
	const struct evb_driver_opts *o = &s->opts->common;

	switch ((enum notify_mode)o->mode) {
	case NOTIFY_PINGPONG:
		return self == SIDE_A ? pingpong_a(s, o->iterations, 1)
				      : pingpong_b(s, o->iterations, 1);
	case NOTIFY_WAKEUP:
		return self == SIDE_A ? wakeup_a(s, b_thread, o->iterations)
				      : wakeup_b(s, o->iterations);
	case NOTIFY_BURST:
		return self == SIDE_A ? burst_a(s, o->iterations) : burst_b(s);
	case NOTIFY_EXIT:
		break;   /* no sides: exit.c */
	}
	return -EINVAL;
}

void notify_span_begin(struct notify_span *span, enum notify_side self)
{
	span->self = self;
	span->cpu0 = EVB_NA;
	if (self == SIDE_A && evb_machine_cpu_ns(&span->cpu0))
		span->cpu0 = EVB_NA;
	evb_usage_thread(&span->before);
	span->t0 = evb_now_ns();
}

void notify_span_end(struct notify_side_ctx *s, const struct notify_span *span)
{
	struct evb_usage now;
	int64_t cpu1;

	if (span->self == SIDE_A) {
		s->run->measured_ns = evb_now_ns() - span->t0;
		if (evb_machine_cpu_ns(&cpu1))
			cpu1 = EVB_NA;
		s->run->machine_cpu_ns = evb_machine_cpu_delta(span->cpu0, cpu1);
	}
	evb_usage_thread(&now);
	evb_driver_usage_delta(&s->run->usage[span->self], &now, &span->before);
}

int notify_side_run(struct notify_side_ctx *s, enum notify_side self)
{
	const struct evb_driver_opts *o = &s->opts->common;
	struct evb_asleep b_thread;
	struct notify_span span;
	int ret;

	s->run->ids.pid[self] = getpid();
	s->run->ids.tid[self] = gettid();
	if (s->ops->side_init) {
		ret = s->ops->side_init(s->ctx, self);
		if (ret)
			return notify_side_fail(s, self, "side setup", ret);
	}
	if (evb_barrier_wait(&s->run->barrier))       /* ids visible to both */
		return -ECANCELED;
	ret = self == SIDE_A ? pingpong_a(s, o->warmup, 0) : pingpong_b(s, o->warmup, 0);
	if (!ret)
		ret = open_watch(s, self, &b_thread);
	if (ret || evb_barrier_wait(&s->run->barrier)) {
		if (!ret)
			evb_asleep_close(&b_thread);
		return ret ? ret : -ECANCELED;
	}

	notify_span_begin(&span, self);
	ret = measured_phase(s, self, &b_thread);
	notify_span_end(s, &span);
	evb_asleep_close(&b_thread);
	return ret;
}

int notify_side_b_main(void *arg)
{
	return notify_side_run(arg, SIDE_B);
}

