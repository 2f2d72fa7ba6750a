/*
 * loop.c - loop mode (mux.h): an event loop serving `active` busy fds.
 * `active` tokens circulate: B takes a token and writes one unit to its fd;
 * A's loop waits (the fixed maxevents: with more ready fds, the next turn
 * of the loop gets the rest), reads what it was told is ready (until EAGAIN
 * for edge mechanisms), re-arms, and hands the tokens back.  At most one
 * unit is outstanding per fd, so a report whose read finds nothing is
 * spurious, and at the end lost = sent - delivered.
 *
 * B sleeps while it holds no token (a futex word A posts when it hands
 * tokens back), so no side spins: a side's CPU is the work it does.
 *
 * Figures: events_per_s over the measured phase; CPU per event from A's
 * thread (cpu_a_ns, and cpu_user_ns + cpu_sys_ns), from B's (cpu_b_ns), and
 * from the whole machine (machine_cpu_ns, /proc/stat: one tick per CPU of
 * resolution, empty below 20 ticks a CPU): epoll's wakeup work runs in B's
 * write, on B's CPU, io_uring's task work on A's, so A + B compares them
 * (the machine figure adds softirqs and kernel threads elsewhere).
 */
#include <errno.h>
#include <stdatomic.h>

#include "evb_clock.h"
#include "driver.h"

/*
 * B holds no token: sleep until A hands one back (or stops).  A writer with
 * nothing to send does not spin, so the CPU B spends is the writes' own and
 * the machine's CPU per event can differ from 1 / events_per_s.  1 when A
 * stopped, else 0.
 */
static int wait_token(struct mux_run *run, uint64_t head)
{
	while (atomic_load(&run->token_tail) == head) {
		unsigned seq;

		if (atomic_load(&run->stop))
			return 1;
		seq = evb_signal_word_prepare(&run->token_back);
		if (atomic_load(&run->token_tail) != head || atomic_load(&run->stop)) {
			evb_signal_word_cancel(&run->token_back);
			continue;
		}
		evb_signal_word_sleep(&run->token_back, seq, MUX_WAIT_SLICE_NS);
	}
	return 0;
}

int mux_loop_b(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t total = o->common.warmup + o->common.iterations;
	struct mux_b_track track = { 0 };
	uint64_t head = 0;
	int ret = 0;

	for (int64_t sent = 0; sent < total && !ret; sent++) {
		int32_t idx;

		mux_b_follow(s, &track);
		if (sent < o->active) {
			idx = mux_active_index(o, sent);   /* B starts holding every token */
		} else {
			if (wait_token(run, head))
				goto out;
			idx = run->token[head & run->token_mask];
			atomic_store_explicit(&run->token_head, ++head, memory_order_release);
		}
		/* Counted before the write, so A never sees more read than sent. */
		atomic_store(&run->sent, sent + 1);
		ret = fdset_poke(o->fd_type, s->peer[idx]);
		if (ret)
			ret = mux_side_fail(s, SIDE_B, "write (make ready)", ret);
	}
out:
	mux_b_done(s, &track);
	return ret;
}

/*
 * Read the listed active fd idx (level-triggered: one read, as a loop
 * would; edge: until EAGAIN).  1 when its unit was there; 0 when nothing
 * was (spurious, and stale where the variant may report so); -errno.
 */
static int take(struct mux_side_ctx *s, int32_t idx, int64_t *spurious, int64_t *stale)
{
	const struct mux_opts *o = s->opts;
	int fd = s->ctx->fds->fd[idx];
	int64_t got = s->ctx->edge ? fdset_drain(o->fd_type, fd) : fdset_take(o->fd_type, fd);

	if (got < 0)
		return mux_side_fail(s, SIDE_A, "read", (int)got);
	if (got > 1)
		return mux_side_fail(s, SIDE_A, "read: more than the one unit outstanding",
				     -EPROTO);
	if (got == 0) {
		(*spurious)++;   /* listed, but nothing was there */
		*stale += (s->may_report & MUX_MAY_STALE) != 0;
	}
	return (int)got;
}

/*
 * Handle what one wait listed: take each active fd and note it in
 * s->handled.  --inject-stale reports a handled fd once more, as a late
 * wake-up would.  Returns the number handled, or -errno.
 */
static int64_t handle_listed(struct mux_side_ctx *s, int64_t *spurious, int64_t *stale)
{
	const struct mux_opts *o = s->opts;
	int64_t handled = 0;
	int got;

	for (int64_t i = 0; i < s->ready.n; i++) {
		int32_t idx = s->ready.idx[i];

		if (idx < 0 || idx >= o->nfds || !s->is_active[idx]) {
			(*spurious)++;
			continue;
		}
		got = take(s, idx, spurious, stale);
		if (got < 0)
			return got;
		if (got)
			s->handled[handled++] = idx;
	}
	if (handled && s->inject_stale > 0 && atomic_load(&s->run->phase) == MUX_PHASE_MEASURED) {
		s->inject_stale--;
		got = take(s, s->handled[0], spurious, stale);
		if (got)
			return got < 0 ? got : mux_side_fail(s, SIDE_A, "--inject-stale read", -EPROTO);
	}
	return handled;
}

/* The counts of the measured phase, once A stopped. */
static void loop_counts(struct mux_run *run, int64_t delivered, int64_t delivered_before,
			int64_t spurious, int64_t stale, int64_t wakeups)
{
	/*
	 * Units in flight when the phase began were sent in it.  B counts a
	 * unit before writing it, so sent is final once A stops: everything
	 * is read, or every token is stuck.
	 */
	run->count_sent = atomic_load(&run->sent) - delivered_before;
	run->delivered = delivered - delivered_before;
	run->lost = run->count_sent - run->delivered;
	run->spurious = spurious;
	run->stale = stale;
	run->wakeups = wakeups;
	run->samples = run->delivered;
	if (run->measured_ns > 0)
		run->ops_per_s = (double)run->samples * 1e9 / (double)run->measured_ns;
}

int mux_loop_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t total = o->common.warmup + o->common.iterations;
	int64_t delivered = 0, spurious = 0, stale = 0, wakeups = 0, delivered_before = 0;
	int64_t last_progress = evb_now_ns();
	uint64_t tail = 0;
	struct mux_phase phase;
	bool started = false;

	for (int64_t k = 0; k < o->active; k++)
		s->is_active[mux_active_index(o, k)] = 1;
	while (delivered < total) {
		int64_t n, handled, now;

		if (!started && delivered >= o->common.warmup) {
			/* The measured phase: its counts start from here. */
			started = true;
			delivered_before = delivered;
			spurious = stale = wakeups = 0;
			mux_phase_start(s, &phase);
		}
		s->ready.n = 0;
		n = s->ops->wait(s->ctx, MUX_WAIT_SLICE_NS, &s->ready);
		if (n < 0)
			return mux_side_fail(s, SIDE_A, "wait", (int)n);
		wakeups += n > 0;
		handled = handle_listed(s, &spurious, &stale);
		if (handled < 0)
			return (int)handled;
		if (started && mux_inject_spurious(s))
			spurious++;
		if (s->ops->rearm) {
			int ret = s->ops->rearm(s->ctx, &s->ready);

			if (ret)
				return mux_side_fail(s, SIDE_A, "rearm", ret);
		}
		/* Hand the tokens back only now: re-armed before B writes again. */
		for (int64_t i = 0; i < handled; i++)
			run->token[tail++ & run->token_mask] = s->handled[i];
		atomic_store(&run->token_tail, tail);
		if (handled)
			evb_signal_word_post(&run->token_back);
		delivered += handled;
		atomic_store_explicit(&run->progress, delivered, memory_order_relaxed);

		now = evb_now_ns();
		if (handled)
			last_progress = now;
		else if (now - last_progress > MUX_LOST_AFTER_NS)
			break;   /* every token is stuck in an fd nobody reports: lost */
	}
	atomic_store(&run->stop, 1);
	evb_signal_word_post(&run->token_back);
	if (!started) {   /* stalled in the warmup */
		delivered_before = delivered;
		mux_phase_start(s, &phase);
	}
	mux_phase_end(s, &phase);
	loop_counts(run, delivered, delivered_before, spurious, stale, wakeups);
	return 0;
}
