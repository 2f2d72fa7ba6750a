/*
 * run.c - side A's part of one run, in order: pin, open the watched fds,
 * A's working memory, the memory baselines, the mechanism's setup and
 * registration, the mode; then the teardown, B's end, and the row (counts
 * checked) or the reason the run failed.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evb_slab.h"
#include "evb_sys.h"
#include "driver.h"

static void fill_row(const struct mux_side_ctx *s, struct evb_row *row)
{
	const struct mux_run *run = s->run;
	enum mux_mode mode = (enum mux_mode)s->opts->common.mode;

	if (mode != MUX_LOOP)
		evb_row_set_hist(row, &run->hist);
	if (mode == MUX_SCAN)
		row->syscalls = run->syscalls;
	row->samples = run->samples;
	if (mode != MUX_REGISTER) {
		row->sent = run->count_sent;
		row->delivered = run->delivered;
		row->lost = run->lost;
		row->spurious = run->spurious;
		row->wakeups = run->wakeups;
	}
	if (mode == MUX_REGISTER) {
		row->mean = run->mean_override;
		row->rss_bytes_per_fd = run->rss_bytes_per_fd;
		row->slab_bytes_per_fd = run->slab_bytes_per_fd;
		if (run->slab_note[0])
			evb_row_reason(row, "%s", run->slab_note);
	}
	row->ops_per_s = run->ops_per_s;
	row->wall_ns = run->measured_ns;
	row->cpu_user_ns = run->usage.user_ns;
	row->cpu_sys_ns = run->usage.sys_ns;
	row->machine_cpu_ns = run->machine_cpu_ns;
	row->cpu_a_ns = run->usage.cpu_ns;
	if (run->b_measured)
		row->cpu_b_ns = run->usage_b.cpu_ns;
	/* per operation of the measured phase; empty without operations */
	evb_driver_row_switches(row, &run->usage, run->b_measured ? &run->usage_b : NULL,
				(double)run->samples);
	evb_driver_row_rss(row, s->process);
}

void mux_progress(const void *arg, char *buf, size_t len)
{
	const struct mux_side_ctx *s = arg;

	snprintf(buf, len, "%lld of %lld measured operations done",
		 (long long)atomic_load(&s->run->progress), (long long)s->opts->common.iterations);
}

/* A's per-fd working memory, allocated before the mechanism's setup. */
static int alloc_working(struct mux_side_ctx *s, int64_t nfds)
{
	/* One scan sample: at most nfds new fds, then one call of relists
	 * (at most maxevents, at most nfds), and a test hook's entry. */
	int64_t relists = s->opts->maxevents < nfds ? s->opts->maxevents : nfds;
	int64_t cap = nfds + relists + 2;

	s->ready = (struct mux_ready){ .idx = calloc((size_t)cap, sizeof(int32_t)), .cap = cap };
	s->handled = calloc((size_t)nfds, sizeof(*s->handled));
	s->mark = calloc((size_t)nfds, sizeof(*s->mark));
	s->is_active = calloc((size_t)nfds, sizeof(*s->is_active));
	return s->ready.idx && s->handled && s->mark && s->is_active ? 0 : -ENOMEM;
}

static void free_working(struct mux_side_ctx *s)
{
	free(s->ready.idx);
	free(s->handled);
	free(s->mark);
	free(s->is_active);
}

/* Wake side B from wherever it waits (barrier, receiving fds, serving). */
static void release_b(struct mux_side_ctx *s)
{
	atomic_store(&s->run->stop, 1);
	evb_barrier_abort(&s->run->barrier);
	if (s->process)
		shutdown(s->ctl[SIDE_A], SHUT_RDWR);
}

static int run_a(struct mux_side_ctx *s)
{
	switch ((enum mux_mode)s->opts->common.mode) {
	case MUX_SCAN:
		return mux_scan_a(s);
	case MUX_WAKEUP:
		return mux_wakeup_a(s);
	case MUX_LOOP:
		return mux_loop_a(s);
	case MUX_REGISTER:
		return mux_register_a(s);
	}
	return -EINVAL;
}

/* Open, allocate, set up and register; on failure undo it all, say why. */
static int prepare_a(struct mux_side_ctx *s, struct mux_fdset *fds, char *why, size_t len)
{
	const struct mux_opts *opts = s->opts;
	const struct mux_ops *ops = s->ops;
	char missing[96];
	int ret;

	ret = fdset_open(fds, opts->fd_type, opts->nfds, s->process ? s->ctl[SIDE_A] : -1, why,
			 len);
	if (ret)
		return ret;
	s->peer = fds->peer;
	ret = alloc_working(s, opts->nfds);
	if (ret) {
		snprintf(why, len, "allocating per-fd state: %s", strerror(-ret));
		goto err_close_fds;
	}
	/* Memory baselines (register mode); reading the first time sets up
	 * stdio and scanf state, which must not count as the mechanism's. */
	s->slab_before = ops->slab_caches ? evb_slab_bytes(opts->slabinfo, ops->slab_caches,
							   missing, sizeof(missing)) : 0;
	evb_rss_bytes();
	s->rss_before = evb_rss_bytes();
	ret = ops->setup(s->ctx);
	if (ret) {
		snprintf(why, len, "%s setup: %s", ops->base.name, strerror(-ret));
		goto err_free_working;
	}
	if ((enum mux_mode)opts->common.mode != MUX_REGISTER) {
		ret = ops->add(s->ctx);
		if (ret) {
			snprintf(why, len, "%s add (register %lld fds): %s", ops->base.name,
				 (long long)opts->nfds, strerror(-ret));
			goto err_teardown;
		}
	}
	return 0;

err_teardown:
	ops->teardown(s->ctx);
err_free_working:
	free_working(s);
err_close_fds:
	fdset_close(fds);
	return ret;
}

int mux_run_a(struct mux_side_ctx *s, struct mux_fdset *fds, int cpu_a, char *why,
	      size_t why_len, bool *measured)
{
	int ret = evb_pin_self(cpu_a);

	*measured = false;
	if (ret) {
		snprintf(why, why_len, "sched_setaffinity: %s", strerror(-ret));
		release_b(s);
		return ret;
	}
	ret = prepare_a(s, fds, why, why_len);
	if (ret) {
		release_b(s);
		return ret;
	}
	*measured = true;
	if (s->has_b && evb_barrier_wait(&s->run->barrier))
		ret = -ECANCELED;   /* B failed; its reason is in run->errors */
	else
		ret = run_a(s);
	mux_serve_stop(s);
	atomic_store(&s->run->stop, 1);
	return ret;
}

/* The row of a run that failed before measuring: a limit is a skip. */
static void setup_failed(struct evb_row *row, int ret, const char *why)
{
	if (ret == -ENOSPC) {
		/* epoll's limit on registrations per user, sized from memory. */
		int64_t watches;

		if (evb_read_i64("/proc/sys/fs/epoll/max_user_watches", &watches))
			watches = -1;   /* unreadable: the reason still names the limit */
		evb_row_set(row, status, EVB_STATUS_SKIPPED);
		evb_row_reason(row, "%s (fs.epoll.max_user_watches %lld: a kernel limit)", why,
			       (long long)watches);
	} else {
		evb_row_setup_failed(row, ret, why);
	}
}

/* The row of a run both sides finished (evb_sides_end). */
static void fill(void *arg, struct evb_row *row)
{
	struct mux_side_ctx *s = arg;

	fill_row(s, row);
	if (s->run->not_asleep)
		fprintf(stderr, "%s: %lld rounds written before A showed as asleep\n",
			s->opts->common.prog, (long long)s->run->not_asleep);
	mux_check_counts(row, s->run->stale);
	if (s->run->stale && strcmp(row->status, EVB_STATUS_OK) == 0)
		fprintf(stderr, "%s: %s\n", s->opts->common.prog, row->reason);
}

int mux_finish(struct mux_side_ctx *s, struct mux_fdset *fds, int ret, bool measured,
	       const char *why)
{
	evb_sides_join(&s->sides, !measured);
	if (measured) {
		s->ops->teardown(s->ctx);
		free_working(s);
		fdset_close(fds);
	} else {
		setup_failed(s->row, ret, why);
	}
	if (s->process)
		close(s->ctl[SIDE_A]);
	return evb_sides_end(&s->sides, s->row, ret != 0, fill, s);
}
