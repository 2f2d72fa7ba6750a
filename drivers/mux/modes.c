/*
 * modes.c - scan, wakeup, loop and register (pictured in mux.h): what one
 * sample is, and how every call's ready list is checked against the set of
 * fds that was made ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_stats.h"
#include "modes.h"

int mux_side_fail(struct mux_side_ctx *s, enum mux_side self, const char *call, int err)
{
	evb_side_errors_set(&s->run->errors, self, call, err);
	atomic_store(&s->run->stop, 1);
	evb_barrier_abort(&s->run->barrier);
	/* A (the main thread) ends the run itself; B may leave A waiting. */
	if (self == SIDE_B)
		evb_watchdog_trip(s->watchdog);
	return err;
}

/* The k-th of the active fds: spread evenly over the set. */
static int32_t active_index(const struct mux_opts *o, int64_t k)
{
	return (int32_t)(k * o->nfds / o->active);
}

/* The measured phase: wall time and A's thread CPU from start to end. */
struct phase {
	struct evb_usage before;
	int64_t t_start;
};

static void phase_start(struct phase *p)
{
	evb_usage_thread(&p->before);
	p->t_start = evb_now_ns();
}

static void phase_end(struct mux_run *run, const struct phase *p)
{
	struct evb_usage now;

	run->measured_ns = evb_now_ns() - p->t_start;
	evb_usage_thread(&now);
	run->usage.user_ns = now.user_ns - p->before.user_ns;
	run->usage.sys_ns = now.sys_ns - p->before.sys_ns;
	run->samples = (int64_t)run->hist.count;
}

/* --- making fds ready ----------------------------------------------------- */

static int poke_active_here(const struct mux_opts *o, const int *peer)
{
	for (int64_t k = 0; k < o->active; k++) {
		int ret = fdset_poke(o->fd_type, peer[active_index(o, k)]);

		if (ret)
			return ret;
	}
	return 0;
}

/* Control messages A -> B (process mode): one byte each. */
enum {
	CTL_POKE = 'P',     /* write one unit into every active fd, answer CTL_DONE */
	CTL_DONE = 'D',
	CTL_QUIT = 'Q',
};

static int ctl_send(int fd, char cmd)
{
	ssize_t n;

	do
		n = send(fd, &cmd, 1, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : -errno;
}

/* Next command; 0 at end of file. */
static int ctl_recv(int fd, char *cmd)
{
	ssize_t n;

	do
		n = recv(fd, cmd, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1;
}

/* A: make every active fd ready, wherever the peer ends live. */
static int poke_active(struct mux_side_ctx *s)
{
	char answer;
	int ret;

	if (!s->process)
		return poke_active_here(s->opts, s->ctx->fds->peer);
	ret = ctl_send(s->ctl[SIDE_A], CTL_POKE);
	if (ret)
		return ret;
	ret = ctl_recv(s->ctl[SIDE_A], &answer);
	if (ret < 0)
		return ret;
	return ret == 1 && answer == CTL_DONE ? 0 : -EPIPE;
}

int mux_serve_b(struct mux_side_ctx *s)
{
	for (;;) {
		char cmd;
		int ret = ctl_recv(s->ctl[SIDE_B], &cmd);

		if (ret <= 0 || cmd == CTL_QUIT)
			return ret;
		if (cmd != CTL_POKE)
			return mux_side_fail(s, SIDE_B, "control message", -EPROTO);
		ret = poke_active_here(s->opts, s->peer);
		if (ret)
			return mux_side_fail(s, SIDE_B, "write (make ready)", ret);
		ret = ctl_send(s->ctl[SIDE_B], CTL_DONE);
		if (ret)
			return mux_side_fail(s, SIDE_B, "control answer", ret);
	}
}

void mux_serve_stop(struct mux_side_ctx *s)
{
	if (s->process)
		ctl_send(s->ctl[SIDE_A], CTL_QUIT);
}

/* --- checking what a call listed ----------------------------------------- */

/*
 * Count the entries of ready that are correct (made ready, listed once in
 * this call) and the spurious ones (not made ready, out of range, or listed
 * again).  call_id must be new for every call.
 */
static void check_listed(struct mux_side_ctx *s, uint32_t call_id, int64_t *correct,
			 int64_t *spurious)
{
	const struct mux_ready *ready = &s->ready;

	*correct = *spurious = 0;
	for (int64_t i = 0; i < ready->n; i++) {
		int32_t idx = ready->idx[i];

		if (idx < 0 || idx >= s->opts->nfds || !s->is_active[idx] ||
		    s->mark[idx] == call_id) {
			(*spurious)++;
			continue;
		}
		s->mark[idx] = call_id;
		(*correct)++;
	}
}

/* --- scan ----------------------------------------------------------------- */

int mux_scan_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	const struct mux_ops *ops = s->ops;
	struct mux_ctx *ctx = s->ctx;
	struct mux_run *run = s->run;
	int64_t calls = o->common.warmup + o->common.iterations;
	struct phase phase;
	int ret;

	for (int64_t k = 0; k < o->active; k++)
		s->is_active[active_index(o, k)] = 1;
	ret = poke_active(s);
	if (ret)
		return mux_side_fail(s, SIDE_A, "write (make ready)", ret);

	for (int64_t c = 0; c < calls; c++) {
		int record = c >= o->common.warmup;
		int64_t correct, spurious, n, t0, t1;

		if (c == o->common.warmup)
			phase_start(&phase);
		if (ctx->edge && c > 0) {
			/* Outside the sample: a fresh arrival on every active fd. */
			for (int64_t k = 0; k < o->active; k++) {
				int64_t got = fdset_drain(o->fd_type, ctx->fds->fd[active_index(o, k)]);

				if (got < 0)
					return mux_side_fail(s, SIDE_A, "read (drain)", (int)got);
			}
			ret = poke_active(s);
			if (ret)
				return mux_side_fail(s, SIDE_A, "write (make ready)", ret);
		}

		t0 = evb_now_ns();
		n = ops->wait(ctx, 0, &s->ready);
		if (n >= 0 && ops->rearm)
			ret = ops->rearm(ctx, &s->ready);
		t1 = evb_now_ns();

		if (n < 0)
			return mux_side_fail(s, SIDE_A, "wait", (int)n);
		if (ops->rearm && ret)
			return mux_side_fail(s, SIDE_A, "rearm", ret);
		check_listed(s, (uint32_t)c + 1, &correct, &spurious);
		if (!record)
			continue;
		evb_hist_record(&run->hist, t1 - t0);
		run->count_sent += o->active;
		run->delivered += correct;
		run->lost += o->active - correct;
		run->spurious += spurious;
		run->wakeups += n > 0;
		atomic_store_explicit(&run->progress, c + 1 - o->common.warmup,
				      memory_order_relaxed);
	}
	phase_end(run, &phase);
	return 0;
}

/* --- wakeup --------------------------------------------------------------- */

/* Is A's thread asleep (state S) right now?  1, 0, or -errno. */
static int a_asleep(int stat_fd)
{
	char buf[512];
	ssize_t n = pread(stat_fd, buf, sizeof(buf) - 1, 0);
	char *paren;

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	paren = strrchr(buf, ')');   /* "tid (comm) S ...": comm may hold ')' */
	return paren && paren[1] == ' ' && paren[2] == 'S';
}

int mux_wakeup_b(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t rounds = o->common.warmup + o->common.iterations;
	struct evb_rng rng;
	char path[96];
	int stat_fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)run->a_pid, (int)run->a_tid);
	stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (stat_fd < 0)
		return mux_side_fail(s, SIDE_B, "open /proc/PID/task/TID/stat", -errno);
	evb_rng_seed(&rng, 0x6d7578ULL + (uint64_t)o->common.rep);

	for (int64_t r = 0; r < rounds; r++) {
		int64_t give_up;
		int asleep = 0;

		while (atomic_load(&run->acked) < r || !atomic_load(&run->waiting)) {
			if (atomic_load(&run->stop))
				goto out;
			sched_yield();
		}
		/* The sample must be a wakeup from sleep, not an event caught on
		 * the way in: wait until A's thread shows as sleeping. */
		give_up = evb_now_ns() + MUX_ASLEEP_MAX_NS;
		while (!asleep && evb_now_ns() < give_up) {
			asleep = a_asleep(stat_fd);
			if (asleep < 0) {
				close(stat_fd);
				return mux_side_fail(s, SIDE_B, "read A's thread state", asleep);
			}
			if (!asleep)
				sched_yield();
		}
		if (!asleep)
			run->not_asleep++;
		evb_spin_yield_ns(o->gap_ns);

		int32_t target = (int32_t)evb_rng_below(&rng, (size_t)o->nfds);

		atomic_store(&run->target, target);
		atomic_store(&run->stamp_ns, evb_now_ns());
		atomic_store(&run->written, r + 1);
		int ret = fdset_poke(o->fd_type, s->peer[target]);

		if (ret) {
			close(stat_fd);
			return mux_side_fail(s, SIDE_B, "write (make ready)", ret);
		}
	}
out:
	close(stat_fd);
	return 0;
}

int mux_wakeup_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	const struct mux_ops *ops = s->ops;
	struct mux_ctx *ctx = s->ctx;
	struct mux_run *run = s->run;
	int64_t rounds = o->common.warmup + o->common.iterations;
	struct phase phase;

	for (int64_t r = 0; r < rounds; r++) {
		int record = r >= o->common.warmup;
		int found = 0, lost = 0;
		int64_t t1 = 0, stamp = 0, spurious = 0;
		int32_t target = -1;

		if (r == o->common.warmup)
			phase_start(&phase);
		atomic_store(&run->waiting, 1);
		while (!found && !lost) {
			int64_t n = ops->wait(ctx, MUX_WAIT_SLICE_NS, &s->ready);

			t1 = evb_now_ns();
			if (n < 0)
				return mux_side_fail(s, SIDE_A, "wait", (int)n);
			if (atomic_load(&run->stop))
				return -ECANCELED;
			if (n > 0 && record)
				run->wakeups++;
			int written = atomic_load(&run->written) == r + 1;

			if (written) {
				target = atomic_load(&run->target);
				stamp = atomic_load(&run->stamp_ns);
			}
			for (int64_t i = 0; i < s->ready.n; i++) {
				int32_t idx = s->ready.idx[i];

				if (written && idx == target && !found)
					found = 1;
				else
					spurious++;
			}
			lost = !found && written && t1 - stamp > MUX_LOST_AFTER_NS;
		}
		atomic_store(&run->waiting, 0);
		/* Consume the unit (also when it was never reported) and re-arm. */
		int64_t got = fdset_drain(o->fd_type, ctx->fds->fd[target]);

		if (got < 0)
			return mux_side_fail(s, SIDE_A, "read", (int)got);
		if (ops->rearm) {
			int ret = ops->rearm(ctx, &s->ready);

			if (ret)
				return mux_side_fail(s, SIDE_A, "rearm", ret);
		}
		if (record) {
			if (found)
				evb_hist_record(&run->hist, t1 - stamp);
			run->count_sent++;
			run->delivered += found;
			run->lost += lost;
			run->spurious += spurious;
			atomic_store_explicit(&run->progress, r + 1 - o->common.warmup,
					      memory_order_relaxed);
		}
		atomic_store(&run->acked, r + 1);
	}
	phase_end(run, &phase);
	return 0;
}

/* --- loop ----------------------------------------------------------------- */

int mux_loop_b(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	struct mux_run *run = s->run;
	int64_t total = o->common.warmup + o->common.iterations;
	uint64_t head = 0;

	for (int64_t sent = 0; sent < total; sent++) {
		int32_t idx;

		if (sent < o->active) {
			idx = active_index(o, sent);   /* B starts holding every token */
		} else {
			while (atomic_load_explicit(&run->token_tail, memory_order_acquire) == head) {
				if (atomic_load(&run->stop))
					return 0;
				sched_yield();
			}
			idx = run->token[head & run->token_mask];
			atomic_store_explicit(&run->token_head, ++head, memory_order_release);
		}
		/* Counted before the write, so A never sees more read than sent. */
		atomic_store(&run->sent, sent + 1);
		int ret = fdset_poke(o->fd_type, s->peer[idx]);

		if (ret)
			return mux_side_fail(s, SIDE_B, "write (make ready)", ret);
	}
	return 0;
}

int mux_loop_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	const struct mux_ops *ops = s->ops;
	struct mux_ctx *ctx = s->ctx;
	struct mux_run *run = s->run;
	int64_t total = o->common.warmup + o->common.iterations;
	int64_t delivered = 0, spurious = 0, wakeups = 0, delivered_before = 0;
	int64_t last_progress = evb_now_ns();
	uint64_t tail = 0;
	struct phase phase;
	bool started = false;

	for (int64_t k = 0; k < o->active; k++)
		s->is_active[active_index(o, k)] = 1;
	while (delivered < total) {
		int64_t n, handled = 0, now;

		if (!started && delivered >= o->common.warmup) {
			/* The measured phase: its counts start from here. */
			started = true;
			delivered_before = delivered;
			spurious = wakeups = 0;
			phase_start(&phase);
		}
		n = ops->wait(ctx, MUX_WAIT_SLICE_NS, &s->ready);
		if (n < 0)
			return mux_side_fail(s, SIDE_A, "wait", (int)n);
		wakeups += n > 0;
		for (int64_t i = 0; i < s->ready.n; i++) {
			int32_t idx = s->ready.idx[i];
			int64_t got;

			if (idx < 0 || idx >= o->nfds || !s->is_active[idx]) {
				spurious++;
				continue;
			}
			/* Level-triggered: one read, as a loop would.  Edge: until EAGAIN. */
			got = ctx->edge ? fdset_drain(o->fd_type, ctx->fds->fd[idx])
					: fdset_take(o->fd_type, ctx->fds->fd[idx]);
			if (got < 0)
				return mux_side_fail(s, SIDE_A, "read", (int)got);
			if (got == 0) {
				spurious++;   /* listed, but nothing was there */
				continue;
			}
			if (got > 1)
				return mux_side_fail(s, SIDE_A, "read: more than the one unit outstanding",
						     -EPROTO);
			s->handled[handled++] = idx;
		}
		if (ops->rearm) {
			int ret = ops->rearm(ctx, &s->ready);

			if (ret)
				return mux_side_fail(s, SIDE_A, "rearm", ret);
		}
		/* Hand the tokens back only now: re-armed before B writes again. */
		for (int64_t i = 0; i < handled; i++)
			run->token[tail++ & run->token_mask] = s->handled[i];
		atomic_store_explicit(&run->token_tail, tail, memory_order_release);
		delivered += handled;
		atomic_store_explicit(&run->progress, delivered, memory_order_relaxed);

		now = evb_now_ns();
		if (handled)
			last_progress = now;
		else if (now - last_progress > MUX_LOST_AFTER_NS)
			break;   /* every token is stuck in an fd nobody reports: lost */
	}
	atomic_store(&run->stop, 1);
	if (!started) {   /* stalled in the warmup */
		delivered_before = delivered;
		phase_start(&phase);
	}
	phase_end(run, &phase);
	/*
	 * Measured phase: units in flight when it began were sent in it.  B
	 * counts a unit before writing it, so sent is final once A stops:
	 * everything is read, or every token is stuck.
	 */
	run->count_sent = atomic_load(&run->sent) - delivered_before;
	run->delivered = delivered - delivered_before;
	run->lost = run->count_sent - run->delivered;
	run->spurious = spurious;
	run->wakeups = wakeups;
	run->samples = run->delivered;
	if (run->measured_ns > 0)
		run->ops_per_s = (double)run->samples * 1e9 / (double)run->measured_ns;
	return 0;
}

/* --- register ------------------------------------------------------------- */

int64_t mux_slab_bytes(const char *const *caches)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];
	int64_t total = 0;
	int found = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		long long active_objs, num_objs, objsize;

		if (sscanf(line, "%127s %lld %lld %lld", name, &active_objs, &num_objs,
			   &objsize) != 4)
			continue;   /* the version and header lines */
		for (int i = 0; caches[i]; i++) {
			if (strcmp(name, caches[i]) == 0) {
				total += active_objs * objsize;
				found++;
			}
		}
	}
	fclose(f);
	return found ? total : -ENOENT;
}

int mux_register_a(struct mux_side_ctx *s)
{
	const struct mux_opts *o = s->opts;
	const struct mux_ops *ops = s->ops;
	struct mux_ctx *ctx = s->ctx;
	struct mux_run *run = s->run;
	int64_t rounds = o->common.warmup + o->common.iterations;
	int64_t total_ns = 0;
	struct phase phase;
	int ret;

	/* Round 0, untimed: what the registration costs in memory. */
	ret = ops->add(ctx);
	if (ret)
		return mux_side_fail(s, SIDE_A, "add (register)", ret);
	int64_t rss_after = evb_rss_bytes();
	int64_t slab_after = ops->slab_caches ? mux_slab_bytes(ops->slab_caches) : 0;

	ret = ops->del(ctx);
	if (ret)
		return mux_side_fail(s, SIDE_A, "del (unregister)", ret);
	if (s->rss_before >= 0 && rss_after >= 0)
		run->rss_bytes_per_fd = (double)(rss_after - s->rss_before) / (double)o->nfds;
	if (!ops->slab_caches)
		run->slab_bytes_per_fd = 0;   /* no kernel state between calls */
	else if (s->slab_before >= 0 && slab_after >= 0)
		run->slab_bytes_per_fd = (double)(slab_after - s->slab_before) / (double)o->nfds;

	phase_start(&phase);
	for (int64_t r = 0; r < rounds; r++) {
		int64_t t0, t2;

		if (r == o->common.warmup) {
			phase_start(&phase);
			total_ns = 0;
		}
		t0 = evb_now_ns();
		ret = ops->add(ctx);
		if (ret)
			return mux_side_fail(s, SIDE_A, "add (register)", ret);
		ret = ops->del(ctx);
		t2 = evb_now_ns();
		if (ret)
			return mux_side_fail(s, SIDE_A, "del (unregister)", ret);
		total_ns += t2 - t0;
		if (r >= o->common.warmup) {
			evb_hist_record(&run->hist, (t2 - t0) / o->nfds);
			atomic_store_explicit(&run->progress, r + 1 - o->common.warmup,
					      memory_order_relaxed);
		}
	}
	phase_end(run, &phase);
	if (total_ns > 0) {
		double fds = (double)o->common.iterations * (double)o->nfds;

		run->mean_override = (double)total_ns / fds;
		run->ops_per_s = fds * 1e9 / (double)total_ns;
	}
	return 0;
}
