/*
 * evb-mux - what it costs one thread to wait on many descriptors.
 *
 * Runs one mechanism (select, poll, epoll, io_uring, ...) in one mode
 * (scan, wakeup, loop, register) over --nfds watched fds of one --fd-type,
 * and prints one CSV row.  mux.h draws the modes; each mechanism file says
 * what one sample of it is.  This file holds the registry, the options, the
 * fd budget and the order of setup, and knows no mechanism by name.
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
#include "modes.h"

static const struct evb_mech *const registry[] = {
	&select_ops.base,
	&pselect_ops.base,
	&poll_ops.base,
	&ppoll_ops.base,
	&epoll_ops.base,
	&epoll_pwait2_ops.base,
	&io_uring_ops.base,
};

static const char *const mux_modes[] = { "scan", "wakeup", "loop", "register", NULL };
static const char *const mode_metric[] = { "scan_ns", "wakeup_ns", "events_per_s",
					   "register_ns_per_fd" };
static const char *const mode_unit[] = { "ns", "ns", "events/s", "ns" };

/* Largest --nfds: indices are int32 and every array is sized by it. */
#define MUX_NFDS_MAX (100 * 1000 * 1000LL)

enum {
	OPT_FD_TYPE = EVB_OPT_FAMILY,
	OPT_NFDS,
	OPT_ACTIVE,
	OPT_GAP,
};


/* --- the row -------------------------------------------------------------- */

static void fill_row(const struct mux_side_ctx *s, struct evb_row *row)
{
	const struct mux_opts *opts = s->opts;
	const struct mux_run *run = s->run;
	enum mux_mode mode = (enum mux_mode)opts->common.mode;
	struct rusage self, children;

	if (mode != MUX_LOOP)
		evb_row_set_hist(row, &run->hist);
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
	}
	row->ops_per_s = run->ops_per_s;
	row->wall_ns = run->measured_ns;
	row->cpu_user_ns = run->usage.user_ns;
	row->cpu_sys_ns = run->usage.sys_ns;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	row->max_rss_kb = self.ru_maxrss + (s->process ? children.ru_maxrss : 0);
}

static void describe_failure(const struct mux_side_ctx *s, struct evb_row *row,
			     const char *why)
{
	char progress[128];

	snprintf(progress, sizeof(progress), "%lld of %lld measured operations done",
		 (long long)atomic_load(&s->run->progress), (long long)s->opts->common.iterations);
	evb_side_errors_reason(&s->run->errors, row, why, progress);
}

/* Exactly one row leaves the process, from main or from the watchdog. */
static int emit_once(const struct mux_side_ctx *s, struct evb_row *row)
{
	return evb_driver_emit_once(&s->opts->common, row, &s->run->hist, &s->run->emitted);
}

static void watchdog_fire(void *arg, int timed_out, const char *why)
{
	struct mux_side_ctx *s = arg;

	describe_failure(s, s->row, why);
	evb_driver_abandon(&s->opts->common, s->row, timed_out, &s->run->emitted);
}

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

/* --- options -------------------------------------------------------------- */

static void usage(const char *prog)
{
	printf("Usage: %s --mechanism M [--variant V] [--mode MODE] [options]\n"
	       "       %s --list\n"
	       "\n"
	       "Measures one thread waiting on --nfds descriptors with select, poll, epoll\n"
	       "or io_uring, and prints one CSV row.\n"
	       "\n"
	       "Modes (what one sample is):\n"
	       "  scan      one wait call with timeout 0 over nfds registered fds, --active\n"
	       "            of them ready, including the set copy/rebuild and re-arm a real\n"
	       "            loop does; every call's ready list is checked (scan_ns)\n"
	       "  wakeup    B's clock before writing to one random fd -> A's clock after\n"
	       "            its blocking wait returned and identified that fd; A asleep\n"
	       "            when written (wakeup_ns)\n"
	       "  loop      an event loop: B keeps --active fds busy (one unit in flight\n"
	       "            each), A reads and re-arms; events_per_s, A's CPU per event\n"
	       "            (cpu_*_ns: A's thread only; B's writes are the load)\n"
	       "  register  add then remove all nfds fds, per fd (register_ns_per_fd), and\n"
	       "            the memory per registered fd: RSS, kernel slab\n"
	       "\n"
	       "evb-mux options:\n"
	       "  --fd-type T    pipe | socketpair | eventfd | tcp (loopback connections)\n"
	       "                 (default eventfd)\n"
	       "  --nfds N       watched descriptors (default 1; suffix k, M)\n"
	       "  --active N     scan, loop: how many of them are ready/busy, 1..nfds\n"
	       "                 (default 1); wakeup: 1; register: not used\n"
	       "  --gap-ns T     wakeup: B's pause after A shows as asleep (default 0)\n"
	       "  --ipc thread|process\n"
	       "                 side B (the writer, holding the other ends) is a thread,\n"
	       "                 or a process that keeps those ends out of this one's fd\n"
	       "                 table (default thread)\n"
	       "  --placement P  wakeup, loop: where B runs relative to A; scan, register:\n"
	       "                 A alone, pinned unless free\n"
	       "\n"
	       "Cells the fd limits cannot hold, and select's fdset variant with an fd\n"
	       ">= FD_SETSIZE, are skipped rows with the reason.\n"
	       "\n%s", prog, prog, evb_driver_common_help);
}

static int probe(const struct evb_mech *mech, const char *variant, char *reason,
		 size_t reason_len)
{
	const struct mux_ops *ops = container_of(mech, struct mux_ops, base);
	struct mux_cfg cfg = {
		.variant = variant,
		.variant_index = mech->variants ? evb_parse_word(variant, mech->variants) : 0,
		.nfds = 1,
		.active = 1,
		.max_fd = -1,
	};

	return ops->supported ? ops->supported(&cfg, reason, reason_len) : 0;
}

static void parse(int argc, char **argv, struct mux_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		{ "fd-type", required_argument, NULL, OPT_FD_TYPE },
		{ "nfds", required_argument, NULL, OPT_NFDS },
		{ "active", required_argument, NULL, OPT_ACTIVE },
		{ "gap-ns", required_argument, NULL, OPT_GAP },
		{ NULL, 0, NULL, 0 },
	};
	struct evb_driver_opts *o = &opts->common;
	bool list = false, help = false;
	const char *active_arg = NULL;
	int opt;

	evb_driver_opts_init(o, "evb-mux", "mux", mux_modes);
	opts->fd_type = MUX_FD_EVENTFD;
	opts->nfds = 1;
	opts->active = 1;
	opts->gap_ns = 0;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (evb_driver_common_opt(o, opt, optarg, &list, &help))
			continue;
		switch (opt) {
		case OPT_FD_TYPE:
			opts->fd_type = (enum mux_fd_type)evb_opt_word(o->prog, "--fd-type", optarg,
								       mux_fd_type_names);
			break;
		case OPT_NFDS:
			opts->nfds = evb_opt_i64(o->prog, "--nfds", optarg, EVB_UNIT_COUNT, 1,
						 MUX_NFDS_MAX);
			break;
		case OPT_ACTIVE:
			active_arg = optarg;
			opts->active = evb_opt_i64(o->prog, "--active", optarg, EVB_UNIT_COUNT, 1,
						   MUX_NFDS_MAX);
			break;
		case OPT_GAP:
			opts->gap_ns = evb_opt_i64(o->prog, "--gap-ns", optarg, EVB_UNIT_TIME, 0,
						   EVB_NSEC_PER_SEC);
			break;
		default:
			evb_usage_error(o->prog, "unknown option (see above)");
		}
	}
	evb_driver_parse_done(o, argc, argv, list, help, usage, registry,
			      EVB_ARRAY_SIZE(registry), probe);
	if (opts->active > opts->nfds)
		evb_usage_error(o->prog, "--active %s is more than --nfds %lld", active_arg,
				(long long)opts->nfds);
	switch ((enum mux_mode)o->mode) {
	case MUX_WAKEUP:
		if (opts->active != 1)
			evb_usage_error(o->prog, "--active %s: wakeup makes one fd ready per "
					"round, only 1 is allowed", active_arg);
		break;
	case MUX_REGISTER:
		if (active_arg)
			evb_usage_error(o->prog, "--active %s: register mode has no ready fds",
					active_arg);
		opts->active = EVB_NA;
		break;
	default:
		break;
	}
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

/* A's per-fd working memory, allocated before the mechanism's setup. */
static int alloc_working(struct mux_side_ctx *s, int64_t nfds)
{
	s->ready = (struct mux_ready){ .idx = calloc((size_t)nfds, sizeof(int32_t)), .cap = nfds };
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

int main(int argc, char **argv)
{
	struct mux_opts opts;
	struct evb_row row;
	char reason[EVB_ROW_REASON] = "";
	int ret;

	parse(argc, argv, &opts);

	const struct evb_driver_opts *o = &opts.common;
	const struct mux_ops *ops = container_of(o->mech, struct mux_ops, base);
	enum mux_mode mode = (enum mux_mode)o->mode;
	bool process = o->ipc == EVB_IPC_PROCESS;
	struct mux_cfg cfg = {
		.variant = o->variant,
		.variant_index = evb_driver_variant_index(o),
		.mode = mode,
		.fd_type = opts.fd_type,
		.nfds = opts.nfds,
		.active = opts.active,
		/* A lower bound for now: the driver's own fds come first. */
		.max_fd = fdset_predict_max_fd(opts.nfds),
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
	evb_driver_row_init(o, &row);
	evb_row_set(&row, metric, mode_metric[mode]);
	evb_row_set(&row, unit, mode_unit[mode]);
	evb_row_set(&row, fd_type, mux_fd_type_names[opts.fd_type]);
	row.nfds = opts.nfds;
	row.active = opts.active;
	if (ops->supported && ops->supported(&cfg, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);
	if (evb_placement_choose(o->placement, &cpus, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);
	evb_nofile_raise();
	if (fd_budget_refused(&opts, ops, process, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);

	/* Tokens of loop mode live right after the shared state. */
	uint64_t slots = 1;

	while (mode == MUX_LOOP && slots < (uint64_t)opts.active)
		slots <<= 1;
	size_t run_size = sizeof(struct mux_run) + slots * sizeof(int32_t);
	struct mux_run *run = evb_shared_alloc(run_size);
	struct mux_fdset fds = { .max_fd = -1 };
	struct mux_ctx ctx = { .cfg = &cfg, .fds = &fds };
	struct evb_watchdog watchdog;
	struct mux_side_ctx side = {
		.opts = &opts, .ops = ops, .ctx = &ctx, .run = run, .watchdog = &watchdog,
		.row = &row, .process = process,
		.has_b = process || mode == MUX_WAKEUP || mode == MUX_LOOP,
		.ctl = { -1, -1 },
	};
	struct evb_peer peer;
	char why[EVB_ROW_REASON] = "";

	if (!run)
		return evb_driver_fail(o, &row, "mmap shared state: %s", strerror(ENOMEM));
	run->token = (int32_t *)(run + 1);
	run->token_mask = slots - 1;
	run->mean_override = NAN;
	run->ops_per_s = NAN;
	run->rss_bytes_per_fd = NAN;
	run->slab_bytes_per_fd = NAN;
	run->a_pid = getpid();
	run->a_tid = gettid();
	evb_hist_init(&run->hist);
	evb_barrier_init(&run->barrier, 2);
	if (process && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, side.ctl))
		return evb_driver_fail(o, &row, "socketpair (control): %s", strerror(errno));
	ret = evb_watchdog_start(&watchdog, o->timeout_ns, watchdog_fire, &side);
	if (ret)
		return evb_driver_fail(o, &row, "watchdog thread: %s", strerror(-ret));

	/* With the driver's own fds open, the watched ones' numbers are exact. */
	cfg.max_fd = fdset_predict_max_fd(opts.nfds);
	if (ops->supported && ops->supported(&cfg, reason, sizeof(reason))) {
		evb_watchdog_stop(&watchdog);
		return evb_driver_skip(o, &row, reason);
	}
	if (side.has_b) {
		ret = evb_peer_start(&peer, o->ipc, cpus.b, side_b_main, &side);
		if (ret) {
			evb_watchdog_stop(&watchdog);
			return evb_driver_fail(o, &row, "starting side B: %s", strerror(-ret));
		}
		if (process)
			close(side.ctl[SIDE_B]);
	}
	ret = evb_pin_self(cpus.a);
	if (ret) {
		snprintf(why, sizeof(why), "sched_setaffinity: %s", strerror(-ret));
		goto err_release_b;
	}
	ret = fdset_open(&fds, opts.fd_type, opts.nfds, process ? side.ctl[SIDE_A] : -1, why,
			 sizeof(why));
	if (ret)
		goto err_release_b;
	side.peer = fds.peer;
	ret = alloc_working(&side, opts.nfds);
	if (ret) {
		snprintf(why, sizeof(why), "allocating per-fd state: %s", strerror(-ret));
		goto err_close_fds;
	}
	/* Memory baselines (register mode); reading the first time sets up
	 * stdio and scanf state, which must not count as the mechanism's. */
	side.slab_before = ops->slab_caches ? mux_slab_bytes(ops->slab_caches) : 0;
	evb_rss_bytes();
	side.rss_before = evb_rss_bytes();
	ret = ops->setup(&ctx);
	if (ret) {
		snprintf(why, sizeof(why), "%s setup: %s", ops->base.name, strerror(-ret));
		goto err_free_working;
	}
	if (mode != MUX_REGISTER) {
		ret = ops->add(&ctx);
		if (ret) {
			snprintf(why, sizeof(why), "%s add (register %lld fds): %s", ops->base.name,
				 (long long)opts.nfds, strerror(-ret));
			goto err_teardown;
		}
	}
	if (side.has_b && evb_barrier_wait(&run->barrier))
		ret = -ECANCELED;   /* B failed; its reason is in run->error */
	else
		ret = run_a(&side);

	mux_serve_stop(&side);
	atomic_store(&run->stop, 1);
	if (side.has_b) {
		int b_ret = evb_peer_join(&peer, run->errors.peer_reason,
					  sizeof(run->errors.peer_reason));

		if (b_ret && !evb_side_errors_any(&run->errors) && b_ret != -ECANCELED)
			mux_side_fail(&side, SIDE_B, "exit", b_ret);
	}
	evb_watchdog_stop(&watchdog);
	ops->teardown(&ctx);
	free_working(&side);
	fdset_close(&fds);

	if (evb_side_errors_any(&run->errors) || ret) {
		evb_row_set(&row, status, EVB_STATUS_FAILED);
		describe_failure(&side, &row, "failed");
		fprintf(stderr, "%s: %s\n", o->prog, row.reason);
	} else {
		fill_row(&side, &row);
		if (run->not_asleep)
			fprintf(stderr, "%s: %lld rounds written before A showed as asleep\n",
				o->prog, (long long)run->not_asleep);
		if (row.lost > 0 || row.spurious > 0)
			fprintf(stderr, "%s: %lld of %lld events missed, %lld spurious\n", o->prog,
				(long long)row.lost, (long long)row.sent, (long long)row.spurious);
	}
	if (process)
		close(side.ctl[SIDE_A]);
	return emit_once(&side, &row);

	/* Failed before the measurement: B is released, the row says why. */
err_teardown:
	ops->teardown(&ctx);
err_free_working:
	free_working(&side);
err_close_fds:
	fdset_close(&fds);
err_release_b:
	release_b(&side);
	if (side.has_b)
		evb_peer_join(&peer, run->errors.peer_reason, sizeof(run->errors.peer_reason));
	evb_watchdog_stop(&watchdog);
	if (process)
		close(side.ctl[SIDE_A]);
	if (ret == -EMFILE || ret == -ENFILE) {
		/* The count said it fits, the kernel disagreed: still a limit,
		 * so a skipped row that names it, not a crash. */
		int64_t soft, hard;

		evb_nofile_get(&soft, &hard);
		evb_row_set(&row, status, EVB_STATUS_SKIPPED);
		evb_row_reason(&row, "%s (RLIMIT_NOFILE soft %lld, hard %lld)", why,
			       (long long)soft, (long long)hard);
	} else {
		evb_row_set(&row, status, EVB_STATUS_FAILED);
		evb_row_reason(&row, "%s", why);
	}
	fprintf(stderr, "%s: %s\n", o->prog, row.reason);
	return emit_once(&side, &row);
}
