/*
 * evb-mux - what it costs one thread to wait on many descriptors.
 *
 * Runs one mechanism (select, poll, epoll, io_uring, ...) in one mode
 * (scan, wakeup, loop, register) over --nfds watched fds of one --fd-type,
 * and prints one CSV row.  mux.h draws the modes; each mechanism file says
 * what one sample of it is.  This file holds the fd budget, side B's
 * entry and the order of setup (opts.c the registry and the options,
 * run.c side A's part), and knows no mechanism by name.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_driver.h"
#include "driver.h"

static const char *const mode_metric[] = { "scan_ns", "wakeup_ns", "events_per_s",
					   "register_ns_per_fd" };
static const char *const mode_unit[] = { "ns", "ns", "events/s", "ns" };


/* --- side B --------------------------------------------------------------- */

static int side_b_main(void *arg)
{
	struct mux_side_ctx *s = arg;
	const struct mux_opts *opts = s->opts;
	int *received = NULL;
	int ret;

	if (s->process) {
		/* This process holds the peer ends, shipped by A as it makes them. */
		close(s->ctl[SIDE_A]);
		received = malloc(sizeof(*received) * (size_t)opts->nfds);
		if (!received)
			return mux_side_fail(s, SIDE_B, "allocating the peer ends", -ENOMEM);
		ret = fdset_receive_peers(s->ctl[SIDE_B], received, opts->nfds);
		if (ret) {
			free(received);
			return ret == -EPIPE ? ret   /* A gave up and said why */
					     : mux_side_fail(s, SIDE_B, "receiving the peer ends", ret);
		}
		s->peer = received;
	}
	if (evb_barrier_wait(&s->run->barrier)) {
		ret = -ECANCELED;
		goto out;
	}
	switch ((enum mux_mode)opts->common.mode) {
	case MUX_WAKEUP:
		ret = mux_wakeup_b(s);
		break;
	case MUX_LOOP:
		ret = mux_loop_b(s);
		break;
	default:
		ret = 0;
		break;
	}
	/*
	 * A process holds the peer ends until A is done with the watched
	 * ones: closing them earlier would make every watched fd readable
	 * (end of file) under A's last wait.
	 */
	if (s->process && ret == 0)
		ret = mux_serve_b(s);
out:
	if (received) {
		fdset_close_fds(received, opts->nfds);
		free(received);
	}
	return ret;
}

/* --- the fd budget -------------------------------------------------------- */

/*
 * Count what the cell needs before opening anything: the watched ends, the
 * peer ends unless B's process holds them, tcp listeners, the mechanism's
 * own fds and FDSET_RESERVE.  A refusal is a skipped row naming the limit.
 */
static int fd_budget_refused(const struct mux_opts *opts, const struct mux_ops *ops,
			     bool process, char *reason, size_t len)
{
	int64_t need = fdset_need_here(opts->fd_type, opts->nfds, process) + ops->own_fds;
	const char *type = mux_fd_type_names[opts->fd_type];
	char limit[256];

	if (evb_nofile_check(need, limit, sizeof(limit))) {
		snprintf(reason, len, "%s (%lld %s%s%s)", limit, (long long)opts->nfds, type,
			 process || opts->fd_type == MUX_FD_EVENTFD ? "" : " pairs, both ends here",
			 process ? ", peer ends in side B's process" : "");
		return 1;
	}
	if (process && evb_nofile_check(fdset_need_away(opts->nfds), limit, sizeof(limit))) {
		snprintf(reason, len, "side B's process: %s (%lld %s peer ends)", limit,
			 (long long)opts->nfds, type);
		return 1;
	}
	return 0;
}

/* --- main ----------------------------------------------------------------- */

/* The state both sides share, in shared memory; loop mode's tokens after it. */
static struct mux_run *alloc_run(const struct mux_opts *opts)
{
	uint64_t slots = 1;

	while ((enum mux_mode)opts->common.mode == MUX_LOOP && slots < (uint64_t)opts->active)
		slots <<= 1;

	struct mux_run *run = evb_shared_alloc(sizeof(struct mux_run) + slots * sizeof(int32_t));

	if (!run)
		return NULL;
	run->token = (int32_t *)(run + 1);
	run->token_mask = slots - 1;
	run->mean_override = NAN;
	run->ops_per_s = NAN;
	run->rss_bytes_per_fd = NAN;
	run->slab_bytes_per_fd = NAN;
	run->machine_cpu_ns = EVB_NA;
	run->a_pid = getpid();
	run->a_tid = gettid();
	evb_hist_init(&run->hist);
	evb_barrier_init(&run->barrier, 2);
	return run;
}

/* The row's axes, and the cells refused before anything is opened. */
static int refused(const struct mux_opts *opts, const struct mux_cfg *cfg, struct evb_row *row,
		   struct evb_cpus *cpus, bool has_b, char *reason, size_t len)
{
	const struct evb_driver_opts *o = &opts->common;
	const struct mux_ops *ops = container_of(o->mech, struct mux_ops, base);
	evb_driver_row_init(o, row);
	evb_row_set(row, metric, mode_metric[o->mode]);
	evb_row_set(row, unit, mode_unit[o->mode]);
	evb_row_set(row, fd_type, mux_fd_type_names[opts->fd_type]);
	row->nfds = opts->nfds;
	row->active = opts->active;
	row->threads = opts->threads;
	if (ops->supported && ops->supported(cfg, reason, len))
		return 1;
	if (evb_placement_choose(o->placement, cpus, reason, len))
		return 1;
	if (!has_b)
		cpus->b = -1;   /* A alone */
	evb_driver_row_cpus(row, cpus);
	evb_nofile_raise();
	return fd_budget_refused(opts, ops, o->ipc == EVB_IPC_PROCESS, reason, len);
}

int main(int argc, char **argv)
{
	struct mux_opts opts;
	struct evb_row row;
	char reason[EVB_ROW_REASON] = "", why[EVB_ROW_REASON] = "";
	bool measured;
	int ret;

	mux_parse(argc, argv, &opts);

	const struct evb_driver_opts *o = &opts.common;
	const struct mux_ops *ops = container_of(o->mech, struct mux_ops, base);
	enum mux_mode mode = (enum mux_mode)o->mode;
	bool process = o->ipc == EVB_IPC_PROCESS;
	bool has_b = process || mode == MUX_WAKEUP || mode == MUX_LOOP;
	struct mux_cfg cfg = {
		.variant = o->variant,
		.variant_index = evb_driver_variant_index(o),
		.mode = mode,
		.fd_type = opts.fd_type,
		.nfds = opts.nfds,
		.active = opts.active,
		/* A lower bound for now: the driver's own fds come first. */
		.max_fd = fdset_predict_max_fd(opts.nfds),
		.maxevents = opts.maxevents,
		.uring_setup = o->uring_setup,
	};
	struct evb_cpus cpus;

	/* A peer that went away makes write() fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Every allocation of a page or more gets its own mapping, so register
	 * mode's RSS growth counts exactly the pages a mechanism's arrays touch,
	 * not heap pages some earlier allocation had made resident.  Nothing
	 * allocates inside a timed region.
	 */
	mallopt(M_MMAP_THRESHOLD, 4096);
	if (refused(&opts, &cfg, &row, &cpus, has_b, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);

	struct mux_run *run = alloc_run(&opts);
	struct mux_fdset fds = { .max_fd = -1 };
	struct mux_ctx ctx = { .cfg = &cfg, .fds = &fds };
	struct mux_side_ctx side = {
		.opts = &opts, .ops = ops, .ctx = &ctx, .run = run,
		.row = &row, .process = process, .has_b = has_b,
		.ctl = { -1, -1 },
		.may_report = ops->may_report[cfg.variant_index],
		.inject_spurious = opts.inject_spurious,
		.inject_lost = opts.inject_lost,
		.inject_stale = opts.inject_stale,
	};

	if (!run)
		return evb_driver_fail(o, &row, "mmap shared state: %s", strerror(ENOMEM));
	side.sides.end = (struct evb_driver_end){
		.opts = o, .row = &row, .hist = &run->hist, .errors = &run->errors,
		.emitted = &run->emitted, .progress = mux_progress, .arg = &side,
	};
	if (process && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, side.ctl))
		return evb_driver_fail(o, &row, "socketpair (control): %s", strerror(errno));
	/* Scan with one thread: the watchdog is a process, and this process
	 * (its child) measures; with two, the watchdog is the idle thread. */
	side.sides.watch_from_process = mode == MUX_SCAN && opts.threads == 1;
	ret = evb_sides_watch(&side.sides, &row);
	if (ret)
		return ret;
	run->a_pid = getpid();
	run->a_tid = gettid();

	/* With the driver's own fds open, the watched ones' numbers are exact. */
	cfg.max_fd = fdset_predict_max_fd(opts.nfds);
	if (ops->supported && ops->supported(&cfg, reason, sizeof(reason))) {
		evb_sides_unwatch(&side.sides);
		return evb_driver_skip(o, &row, reason);
	}
	if (has_b) {
		ret = evb_sides_start_b(&side.sides, o->ipc, cpus.b, side_b_main, &side);
		if (ret) {
			snprintf(why, sizeof(why), "starting side B: %s", strerror(-ret));
			return mux_finish(&side, NULL, ret, false, why);
		}
		if (process)
			close(side.ctl[SIDE_B]);
	}
	ret = mux_run_a(&side, &fds, cpus.a, why, sizeof(why), &measured);
	return mux_finish(&side, &fds, ret, measured, why);
}
