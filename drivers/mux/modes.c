/*
 * modes.c - what the four modes (pictured in mux.h) share: a side's
 * failure, the measured phase and B's view of it, making the active fds
 * ready across the process boundary, the test hooks and the row's count
 * check.  Each mode lives in its own file (scan.c, wakeup.c, loop.c,
 * register.c).
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "evb_clock.h"
#include "driver.h"

int mux_side_fail(struct mux_side_ctx *s, enum mux_side self, const char *call, int err)
{
	evb_side_errors_set(&s->run->errors, self, call, err);
	atomic_store(&s->run->stop, 1);
	evb_barrier_abort(&s->run->barrier);
	/* A (the main thread) ends the run itself; B may leave A waiting. */
	if (self == SIDE_B)
		evb_watchdog_trip(&s->sides.watchdog);
	return err;
}

/* --- the measured phase --------------------------------------------------- */

void mux_phase_start(struct mux_side_ctx *s, struct mux_phase *p)
{
	if (evb_machine_cpu_ns(&p->machine_before))
		p->machine_before = EVB_NA;
	evb_usage_thread(&p->before);
	atomic_store(&s->run->phase, MUX_PHASE_MEASURED);
	p->t_start = evb_now_ns();
}

void mux_phase_end(struct mux_side_ctx *s, const struct mux_phase *p)
{
	struct mux_run *run = s->run;
	struct evb_usage now;
	int64_t machine;

	run->measured_ns = evb_now_ns() - p->t_start;
	atomic_store(&run->phase, MUX_PHASE_DONE);
	evb_usage_thread(&now);
	evb_driver_usage_delta(&run->usage, &now, &p->before);
	if (evb_machine_cpu_ns(&machine))
		machine = EVB_NA;
	run->machine_cpu_ns = evb_machine_cpu_delta(p->machine_before, machine);
	run->samples = (int64_t)run->hist.count;
}

void mux_b_follow(struct mux_side_ctx *s, struct mux_b_track *t)
{
	if (!t->started && atomic_load_explicit(&s->run->phase, memory_order_relaxed) ==
			   MUX_PHASE_MEASURED) {
		t->started = true;
		evb_usage_thread(&t->before);
	}
}

void mux_b_done(struct mux_side_ctx *s, struct mux_b_track *t)
{
	struct evb_usage now;

	if (!t->started)
		return;   /* B never worked inside the phase: no figure */
	evb_usage_thread(&now);
	evb_driver_usage_delta(&s->run->usage_b, &now, &t->before);
	s->run->b_measured = true;
}

/* --- making fds ready ----------------------------------------------------- */

static int poke_active_here(const struct mux_opts *o, const int *peer)
{
	for (int64_t k = 0; k < o->active; k++) {
		int ret = fdset_poke(o->fd_type, peer[mux_active_index(o, k)]);

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

int mux_poke_active(struct mux_side_ctx *s)
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

/*
 * In scan mode B's only work is these pokes (edge mechanisms: one per
 * sample), so they are what its context switches are counted over.
 */
int mux_serve_b(struct mux_side_ctx *s)
{
	bool scan = (enum mux_mode)s->opts->common.mode == MUX_SCAN;
	struct mux_b_track track = { 0 };
	int ret;

	for (;;) {
		char cmd;

		ret = ctl_recv(s->ctl[SIDE_B], &cmd);
		if (ret <= 0 || cmd == CTL_QUIT)
			break;
		if (scan)
			mux_b_follow(s, &track);
		if (cmd != CTL_POKE)
			return mux_side_fail(s, SIDE_B, "control message", -EPROTO);
		ret = poke_active_here(s->opts, s->peer);
		if (ret)
			return mux_side_fail(s, SIDE_B, "write (make ready)", ret);
		ret = ctl_send(s->ctl[SIDE_B], CTL_DONE);
		if (ret)
			return mux_side_fail(s, SIDE_B, "control answer", ret);
	}
	mux_b_done(s, &track);
	return ret < 0 ? ret : 0;
}

void mux_serve_stop(struct mux_side_ctx *s)
{
	if (s->process)
		ctl_send(s->ctl[SIDE_A], CTL_QUIT);
}

/* --- test hooks and the count check --------------------------------------- */

void mux_inject(struct mux_side_ctx *s, struct mux_ready *ready)
{
	if (s->inject_lost > 0 && ready->n > 0) {
		ready->n--;
		s->inject_lost--;
	}
	if (s->inject_spurious > 0 && ready->n < ready->cap) {
		ready->idx[ready->n++] = (int32_t)s->opts->nfds;   /* no such fd */
		s->inject_spurious--;
	}
}

bool mux_inject_spurious(struct mux_side_ctx *s)
{
	if (s->inject_spurious <= 0)
		return false;
	s->inject_spurious--;
	return true;
}

void mux_check_counts(struct evb_row *row, int64_t stale)
{
	char lost[96] = "", spurious[96] = "";
	int64_t not_allowed = row->spurious == EVB_NA ? 0 : row->spurious - stale;

	if (row->lost != EVB_NA && row->lost > 0)
		snprintf(lost, sizeof(lost), "lost %lld of %lld events", (long long)row->lost,
			 (long long)row->sent);
	if (not_allowed > 0)
		snprintf(spurious, sizeof(spurious), "%lld spurious events",
			 (long long)not_allowed);
	if (lost[0] || spurious[0])
		evb_row_count_fail(row, "%s%s%s (the ready set must be exact)", lost,
				   lost[0] && spurious[0] ? ", " : "", spurious);
	/* delivered <= sent, lost = sent - delivered; spurious is judged above */
	evb_row_check_counts(row, EVB_MAY_SPURIOUS);
	if (stale > 0 && strcmp(row->status, EVB_STATUS_OK) == 0)
		evb_row_reason(row, "%lld of %lld reports found nothing to read: stale completions "
			       "(a writer's wake-up that came after its unit was read; io_uring "
			       "takes its mask without polling again)", (long long)stale,
			       (long long)(row->delivered + row->spurious));
}
