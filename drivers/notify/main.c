/*
 * evb-notify - how fast one side can tell another "something happened".
 *
 * Runs one mechanism (signals, eventfd, pipes, futex, ...) in one mode
 * (pingpong, wakeup, burst) between side A (this thread) and side B (a
 * thread or a fork()ed process, --ipc), placed by --placement, and prints
 * one CSV row.  notify.h draws the modes; each mechanism file says what it
 * does and how it delivers.  This file holds the registry and the modes and
 * knows no mechanism by name.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_driver.h"
#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_sys.h"
#include "evb_watchdog.h"
#include "notify.h"

static const struct evb_mech *const registry[] = {
	&signal_handler_ops.base,
	&sigwaitinfo_ops.base,
	&signalfd_ops.base,
	&eventfd_ops.base,
	&pipe_ops.base,
	&socketpair_ops.base,
	&futex_ops.base,
	&condvar_ops.base,
};

static const char *const notify_modes[] = { "pingpong", "wakeup", "burst", NULL };
static const char *const mode_metric[] = { "roundtrip_ns", "wakeup_ns", "ops_per_s" };
static const char *const mode_unit[] = { "ns", "ns", "ops/s" };

/* Burst: how long B's bounded wait sleeps before it looks at the stop fd. */
#define BURST_IDLE_NS (10 * 1000 * 1000LL)

enum {
	OPT_GAP = EVB_OPT_FAMILY,
};

struct notify_opts {
	struct evb_driver_opts common;
	int64_t gap_ns;        /* wakeup: A's pause once B is about to block */
};

/* Everything both sides touch; in shared memory so processes work too. */
struct run {
	struct notify_ids ids;
	struct evb_barrier barrier;
	struct evb_hist hist;           /* samples of the measuring side */
	_Atomic int b_waiting;          /* wakeup: B is about to block */
	_Atomic int64_t stamp_ns;       /* wakeup: A's clock just before notify */
	_Atomic int64_t progress[2];    /* measured operations done, per side */
	_Atomic int emitted;            /* the row was written (by main or watchdog) */
	int64_t burst_start_ns;
	int64_t last_delivery_ns;
	int64_t measured_ns;            /* A's measured loop */
	int64_t sent;
	int64_t delivered;
	int64_t wakeups;
	int64_t acks;                   /* B -> A notifications A received */
	int64_t send_retries;           /* burst: -EAGAIN from a full queue */
	struct evb_usage usage[2];      /* measured phase, per side's thread */
	struct evb_side_errors errors;
};

/* What each side needs, by pointer; nothing here is global. */
struct side {
	const struct notify_opts *opts;
	const struct notify_ops *ops;
	struct notify_ctx *ctx;
	struct run *run;
	struct evb_watchdog *watchdog;
	int stop_fd;                    /* burst: A posts it after the last send */
	struct evb_row *row;
};

static int side_fail(struct side *s, enum notify_side self, const char *call, int err)
{
	evb_side_errors_set(&s->run->errors, self, call, err);
	evb_barrier_abort(&s->run->barrier);
	evb_watchdog_trip(s->watchdog);
	return err;
}

static void usage_delta(struct evb_usage *out, const struct evb_usage *before)
{
	struct evb_usage now;

	evb_usage_thread(&now);
	out->user_ns = now.user_ns - before->user_ns;
	out->sys_ns = now.sys_ns - before->sys_ns;
}

/* --- one notification each way -------------------------------------------- */

static int send_one(struct side *s, enum notify_side from)
{
	int ret = s->ops->notify(s->ctx, from);

	return ret ? side_fail(s, from, "notify", ret) : 0;
}

/* Block in the mechanism's own wait until something arrives; its count. */
static int64_t wait_one(struct side *s, enum notify_side self)
{
	int64_t got;

	do
		got = s->ops->wait(s->ctx, self, -1);
	while (got == 0);   /* interrupted: wait again */
	return got < 0 ? side_fail(s, self, "wait", (int)got) : got;
}

/* A: notify B, block until B answers. */
static int64_t round_trip(struct side *s)
{
	int ret = send_one(s, SIDE_A);

	return ret ? ret : wait_one(s, SIDE_A);
}

/* B: block until A notifies, answer; the count that arrived. */
static int64_t answer(struct side *s)
{
	int64_t got = wait_one(s, SIDE_B);

	if (got < 0)
		return got;
	int ret = send_one(s, SIDE_B);

	return ret ? ret : got;
}

static void progress(struct side *s, enum notify_side self, int64_t done)
{
	atomic_store_explicit(&s->run->progress[self], done, memory_order_relaxed);
}

/* --- pingpong and warmup: A sends, B answers ------------------------------ */

static int pingpong_a(struct side *s, int64_t rounds, int record)
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

static int pingpong_b(struct side *s, int64_t rounds, int record)
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

static int wakeup_a(struct side *s, int64_t rounds)
{
	for (int64_t i = 0; i < rounds; i++) {
		/* Let B get into its wait and fall asleep: the sample is a wakeup
		 * from sleep, not a notification caught on the way in. */
		while (!atomic_load(&s->run->b_waiting))
			sched_yield();
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

static int wakeup_b(struct side *s, int64_t rounds)
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

static int burst_a(struct side *s, int64_t count)
{
	s->run->burst_start_ns = evb_now_ns();
	for (int64_t i = 0; i < count; i++) {
		int ret;

		while ((ret = s->ops->notify(s->ctx, SIDE_A)) == -EAGAIN) {
			s->run->send_retries++;   /* a queue is full: let B drain */
			sched_yield();
		}
		if (ret)
			return side_fail(s, SIDE_A, "notify", ret);
		s->run->sent++;
		progress(s, SIDE_A, i + 1);
	}
	int ret = evb_eventfd_post(s->stop_fd);

	return ret ? side_fail(s, SIDE_A, "write(stop eventfd)", ret) : 0;
}

/*
 * B never blocks unbounded here: a lost notification must not hang the run.
 * Once A's stop eventfd is readable every send has been made, so what is
 * not pending after that is lost (merged) for good.
 */
static int burst_b(struct side *s)
{
	int stopped = 0;

	for (;;) {
		int64_t got = s->ops->wait(s->ctx, SIDE_B, stopped ? 0 : BURST_IDLE_NS);

		if (got < 0)
			return side_fail(s, SIDE_B, "wait", (int)got);
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
			return side_fail(s, SIDE_B, "poll(stop eventfd)", ready);
		stopped = ready;
	}
}

/* --- the two sides -------------------------------------------------------- */

static int side_run(struct side *s, enum notify_side self)
{
	const struct evb_driver_opts *o = &s->opts->common;
	enum notify_mode mode = (enum notify_mode)o->mode;
	struct evb_usage before;
	int ret;

	s->run->ids.pid[self] = getpid();
	s->run->ids.tid[self] = gettid();
	if (evb_barrier_wait(&s->run->barrier))       /* ids visible to both */
		return -ECANCELED;
	ret = self == SIDE_A ? pingpong_a(s, o->warmup, 0) : pingpong_b(s, o->warmup, 0);
	if (ret || evb_barrier_wait(&s->run->barrier))
		return ret ? ret : -ECANCELED;

	evb_usage_thread(&before);
	int64_t t0 = evb_now_ns();

	switch (mode) {
	case NOTIFY_PINGPONG:
		ret = self == SIDE_A ? pingpong_a(s, o->iterations, 1)
				     : pingpong_b(s, o->iterations, 1);
		break;
	case NOTIFY_WAKEUP:
		ret = self == SIDE_A ? wakeup_a(s, o->iterations) : wakeup_b(s, o->iterations);
		break;
	case NOTIFY_BURST:
		ret = self == SIDE_A ? burst_a(s, o->iterations) : burst_b(s);
		break;
	}
	if (self == SIDE_A)
		s->run->measured_ns = evb_now_ns() - t0;
	usage_delta(&s->run->usage[self], &before);
	return ret;
}

static int side_b_main(void *arg)
{
	return side_run(arg, SIDE_B);
}

/* --- the row -------------------------------------------------------------- */

static void fill_row(const struct side *s, struct evb_row *row)
{
	const struct evb_driver_opts *o = &s->opts->common;
	const struct run *run = s->run;
	enum notify_mode mode = (enum notify_mode)o->mode;
	struct rusage self, children;

	evb_row_set(row, metric, mode_metric[mode]);
	evb_row_set(row, unit, mode_unit[mode]);
	row->delivered = run->delivered;
	row->wakeups = run->wakeups;
	if (mode == NOTIFY_BURST) {
		row->sent = run->sent;
		row->samples = run->delivered;
		row->wall_ns = run->last_delivery_ns - run->burst_start_ns;
		if (row->wall_ns > 0)
			row->ops_per_s = (double)run->delivered * 1e9 / (double)row->wall_ns;
	} else {
		row->sent = o->iterations;
		row->wall_ns = run->measured_ns;
		evb_row_set_hist(row, &run->hist);
		if (row->wall_ns > 0)
			row->ops_per_s = (double)o->iterations * 1e9 / (double)row->wall_ns;
	}
	row->lost = row->sent - row->delivered;
	row->cpu_user_ns = run->usage[SIDE_A].user_ns + run->usage[SIDE_B].user_ns;
	row->cpu_sys_ns = run->usage[SIDE_A].sys_ns + run->usage[SIDE_B].sys_ns;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &children);
	row->max_rss_kb = self.ru_maxrss +
			  (o->ipc == EVB_IPC_PROCESS ? children.ru_maxrss : 0);
}

static void describe_failure(const struct side *s, struct evb_row *row, const char *why)
{
	char progress[128];

	snprintf(progress, sizeof(progress), "A did %lld, B did %lld of %lld",
		 (long long)atomic_load(&s->run->progress[SIDE_A]),
		 (long long)atomic_load(&s->run->progress[SIDE_B]),
		 (long long)s->opts->common.iterations);
	evb_side_errors_reason(&s->run->errors, row, why, progress);
}

/* Exactly one row leaves the process, from main or from the watchdog. */
static int emit_once(const struct side *s, struct evb_row *row)
{
	return evb_driver_emit_once(&s->opts->common, row, &s->run->hist, &s->run->emitted);
}

static void watchdog_fire(void *arg, int timed_out, const char *why)
{
	struct side *s = arg;

	describe_failure(s, s->row, why);
	evb_driver_abandon(&s->opts->common, s->row, timed_out, &s->run->emitted);
}

/* --- options -------------------------------------------------------------- */

static void usage(const char *prog)
{
	printf("Usage: %s --mechanism M [--variant V] [--mode MODE] [options]\n"
	       "       %s --list\n"
	       "\n"
	       "Measures one notification mechanism between side A (this thread) and\n"
	       "side B (a thread or a process) and prints one CSV row.\n"
	       "\n"
	       "Modes (what one sample is):\n"
	       "  pingpong  A notifies B, B notifies A: one round trip (roundtrip_ns)\n"
	       "  wakeup    A's clock before notify -> B's clock after its wait returns,\n"
	       "            B asleep when notified (wakeup_ns)\n"
	       "  burst     A sends --iterations as fast as it can, B counts what arrives:\n"
	       "            ops_per_s, sent, delivered, lost (merged), wakeups\n"
	       "\n"
	       "evb-notify options:\n"
	       "  --gap-ns T      wakeup: A's pause after B announced it is about to\n"
	       "                  block (default 10us)\n"
	       "\n%s", prog, prog, evb_driver_common_help);
}

static int probe(const struct evb_mech *mech, const char *variant, char *reason,
		 size_t reason_len)
{
	const struct notify_ops *ops = container_of(mech, struct notify_ops, base);

	(void)variant;
	return ops->supported ? ops->supported(NULL, reason, reason_len) : 0;
}

static void parse(int argc, char **argv, struct notify_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		{ "gap-ns", required_argument, NULL, OPT_GAP },
		{ NULL, 0, NULL, 0 },
	};
	struct evb_driver_opts *o = &opts->common;
	bool list = false, help = false;
	int opt;

	evb_driver_opts_init(o, "evb-notify", "notify", notify_modes);
	opts->gap_ns = 10 * 1000;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (evb_driver_common_opt(o, opt, optarg, &list, &help))
			continue;
		switch (opt) {
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
}

int main(int argc, char **argv)
{
	struct notify_opts opts;
	struct evb_row row;
	char reason[EVB_ROW_REASON] = "";
	int ret;

	parse(argc, argv, &opts);

	const struct evb_driver_opts *o = &opts.common;
	const struct notify_ops *ops = container_of(o->mech, struct notify_ops, base);
	struct notify_cfg cfg = {
		.variant = o->variant,
		.variant_index = evb_driver_variant_index(o),
		.ipc = o->ipc,
		.placement = o->placement,
		.mode = (enum notify_mode)o->mode,
	};
	struct evb_cpus cpus;

	evb_driver_row_init(o, &row);
	evb_row_set(&row, metric, mode_metric[cfg.mode]);
	evb_row_set(&row, unit, mode_unit[cfg.mode]);
	if (ops->supported && (ops->supported(NULL, reason, sizeof(reason)) ||
			       ops->supported(&cfg, reason, sizeof(reason))))
		return evb_driver_skip(o, &row, reason);
	if (evb_placement_choose(o->placement, &cpus, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);

	struct run *run = evb_shared_alloc(sizeof(*run));
	struct notify_ctx ctx = { .cfg = &cfg };
	struct evb_watchdog watchdog;
	struct side side = {
		.opts = &opts, .ops = ops, .ctx = &ctx, .run = run,
		.watchdog = &watchdog, .row = &row,
	};
	struct evb_peer peer;

	if (!run)
		return evb_driver_fail(o, &row, "mmap shared state: %s", strerror(ENOMEM));
	ctx.ids = &run->ids;
	evb_hist_init(&run->hist);
	evb_barrier_init(&run->barrier, 2);
	side.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (side.stop_fd < 0)
		return evb_driver_fail(o, &row, "eventfd: %s", strerror(errno));

	ret = ops->setup(&ctx);     /* blocks the mechanism's signals, if any */
	if (ret)
		return evb_driver_fail(o, &row, "%s setup: %s", ops->base.name, strerror(-ret));
	ret = evb_watchdog_start(&watchdog, o->timeout_ns, watchdog_fire, &side);
	if (ret)
		return evb_driver_fail(o, &row, "watchdog thread: %s", strerror(-ret));
	ret = evb_peer_start(&peer, o->ipc, cpus.b, side_b_main, &side);
	if (ret) {
		evb_watchdog_stop(&watchdog);
		return evb_driver_fail(o, &row, "starting side B: %s", strerror(-ret));
	}
	ret = evb_pin_self(cpus.a);
	if (ret)
		side_fail(&side, SIDE_A, "sched_setaffinity", ret);
	else
		side_run(&side, SIDE_A);

	ret = evb_peer_join(&peer, run->errors.peer_reason, sizeof(run->errors.peer_reason));
	if (ret)
		evb_side_errors_set(&run->errors, SIDE_B, "exit", ret);
	evb_watchdog_stop(&watchdog);

	if (evb_side_errors_any(&run->errors)) {
		evb_row_set(&row, status, EVB_STATUS_FAILED);
		describe_failure(&side, &row, "failed");
		fprintf(stderr, "%s: %s\n", o->prog, row.reason);
	} else {
		fill_row(&side, &row);
		if (run->send_retries)
			fprintf(stderr, "%s: the sender found the queue full %lld times "
				"(retried each)\n", o->prog, (long long)run->send_retries);
		if (row.lost)
			fprintf(stderr, "%s: %lld of %lld notifications not delivered (merged "
				"or lost)\n", o->prog, (long long)row.lost, (long long)row.sent);
	}
	ops->teardown(&ctx);
	close(side.stop_fd);
	return emit_once(&side, &row);
}
