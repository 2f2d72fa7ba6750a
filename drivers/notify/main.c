/*
 * evb-notify - how fast one side can tell another "something happened".
 *
 * Runs one mechanism (signals, eventfd, pipes, futex, ...) in one mode
 * (pingpong, wakeup, burst) between side A (this thread) and side B (a
 * thread or a fork()ed process, --ipc), placed by --placement, and prints
 * one CSV row.  notify.h draws the modes (modes.c runs them); each
 * mechanism file says what it does and how it delivers.  This file holds
 * the registry, the options and the order of a run (row.c the row), and
 * knows no mechanism by name.
 *
 * Test aid, not in --help: --inject-loss N (burst) counts the sender's N-th
 * notification as sent without making it, so a test can see a queued
 * mechanism's row fail naming the lost count.
 */
#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_driver.h"
#include "evb_placement.h"
#include "evb_sides.h"
#include "driver.h"
#include "notify.h"

/* The registry, in --list order: mechanisms.h. */
#define NOTIFY_ENTRY(m) &notify_##m##_ops.base,
static const struct evb_mech *const registry[] = { NOTIFY_MECHANISMS(NOTIFY_ENTRY) };
#undef NOTIFY_ENTRY

static const char *const notify_modes[] = { "pingpong", "wakeup", "burst", "exit", NULL };
static const char *const mode_metric[] = { "roundtrip_ns", "wakeup_ns", "ops_per_s",
					   "wakeup_ns" };
static const char *const mode_unit[] = { "ns", "ns", "ops/s", "ns" };

enum {
	OPT_GAP = EVB_OPT_FAMILY,
	OPT_INJECT_LOSS,
};

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
	       "  exit      the exit-* mechanisms, --ipc process: A forks a child per sample;\n"
	       "            the child's clock just before _exit() -> A's clock after its\n"
	       "            wait returns, A asleep when the child exits (wakeup_ns)\n"
	       "\n"
	       "evb-notify options:\n"
	       "  --gap-ns T      wakeup: A's pause after B's thread is seen asleep\n"
	       "                  (default %lldus, as evb-mux)\n"
	       "\nCounts decide the status: a queued mechanism that loses a notification,\n"
	       "a missing reply or a spurious wakeup makes the row failed, naming the count.\n"
	       "\n%s%s", prog, prog, EVB_WAKEUP_GAP_NS / 1000, evb_driver_uring_help,
	       evb_driver_common_help);
}

static int probe(const struct evb_mech *mech, const char *variant, char *reason,
		 size_t reason_len)
{
	const struct notify_ops *ops = container_of(mech, struct notify_ops, base);

	(void)variant;
	return ops->supported ? ops->supported(NULL, reason, reason_len) : 0;
}

/* Options beyond the common ones; false when opt is none of them. */
static bool family_opt(void *fopts, int opt, const char *arg)
{
	struct notify_opts *opts = fopts;
	const char *prog = opts->common.prog;

	switch (opt) {
	case OPT_GAP:
		opts->gap_ns = evb_opt_i64(prog, "--gap-ns", arg, EVB_UNIT_TIME, 0,
					   EVB_NSEC_PER_SEC);
		return true;
	case OPT_INJECT_LOSS:
		opts->inject_loss = evb_opt_i64(prog, "--inject-loss", arg, EVB_UNIT_COUNT, 1,
						1000000000LL);
		return true;
	}
	return false;
}

static void parse(int argc, char **argv, struct notify_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		EVB_DRIVER_URING_OPTION,
		{ "gap-ns", required_argument, NULL, OPT_GAP },
		{ "inject-loss", required_argument, NULL, OPT_INJECT_LOSS },
		{ NULL, 0, NULL, 0 },
	};
	static const struct evb_driver_desc desc =
		EVB_DRIVER_DESC(long_options, family_opt, usage, registry, probe);
	struct evb_driver_opts *o = &opts->common;

	evb_driver_opts_init(o, "evb-notify", "notify", notify_modes);
	opts->gap_ns = EVB_WAKEUP_GAP_NS;
	opts->inject_loss = 0;
	evb_driver_parse(&desc, o, opts, argc, argv);
	if (opts->inject_loss && (enum notify_mode)o->mode != NOTIFY_BURST)
		evb_usage_error(o->prog, "--inject-loss %lld: only burst mode can lose one",
				(long long)opts->inject_loss);
	const struct notify_ops *ops = container_of(o->mech, struct notify_ops, base);
	bool exit_mech = ops->exit_wait != NULL;

	if (exit_mech != ((enum notify_mode)o->mode == NOTIFY_EXIT))
		evb_usage_error(o->prog, "--mode %s: mechanism %s %s", notify_modes[o->mode],
				o->mech->name, exit_mech ? "runs in mode exit only"
							 : "notifies; mode exit needs an exit-* mechanism");
	if (exit_mech && o->ipc != EVB_IPC_PROCESS)
		evb_usage_error(o->prog, "--ipc %s: mode exit forks a child: --ipc process",
				evb_ipc_names[o->ipc]);
	if (opts->inject_loss > o->iterations)
		evb_usage_error(o->prog, "--inject-loss %lld: beyond --iterations %lld",
				(long long)opts->inject_loss, (long long)o->iterations);
}

/* The row of a run whose sides both finished (evb_sides_end). */
static void fill(void *arg, struct evb_row *row)
{
	const struct notify_side_ctx *side = arg;
	const char *prog = side->opts->common.prog;

	notify_fill_row(side, row);
	notify_check_counts(side, row);
	if (side->run->send_retries)
		fprintf(stderr, "%s: the sender found the queue full %lld times (retried each)\n",
			prog, (long long)side->run->send_retries);
	if (row->lost)
		fprintf(stderr, "%s: %lld of %lld notifications not delivered (merged or lost)\n",
			prog, (long long)row->lost, (long long)row->sent);
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
		.uring_setup = o->uring_setup,
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
	evb_driver_row_cpus(&row, &cpus);

	struct notify_run *run = evb_shared_alloc(sizeof(*run));
	struct notify_ctx ctx = { .cfg = &cfg };
	struct evb_sides sides;
	struct notify_side_ctx side = {
		.opts = &opts, .ops = ops, .ctx = &ctx, .run = run,
		.watchdog = &sides.watchdog,
	};

	if (!run)
		return evb_driver_fail(o, &row, "mmap shared state: %s", strerror(ENOMEM));
	sides = (struct evb_sides){ .end = {
		.opts = o, .row = &row, .hist = &run->hist, .errors = &run->errors,
		.emitted = &run->emitted, .progress = notify_progress, .arg = &side,
	} };
	ctx.ids = &run->ids;
	run->machine_cpu_ns = EVB_NA;
	evb_hist_init(&run->hist);
	evb_barrier_init(&run->barrier, 2);
	side.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (side.stop_fd < 0)
		return evb_driver_fail(o, &row, "eventfd: %s", strerror(errno));

	ret = ops->setup(&ctx);     /* blocks the mechanism's signals, if any */
	if (ret)
		return evb_driver_fail(o, &row, "%s setup: %s", ops->base.name, strerror(-ret));
	ret = evb_sides_watch(&sides, &row);
	if (ret)
		return ret;
	side.cpu_b = cpus.b;
	if (cfg.mode == NOTIFY_EXIT)
		ret = 0;      /* no side B: a child per sample (exit.c) */
	else
		ret = evb_sides_start_b(&sides, o->ipc, cpus.b, notify_side_b_main, &side);
	if (ret)
		evb_row_failed(&row, "starting side B: %s", strerror(-ret));
	else if ((ret = evb_pin_self(cpus.a)))
		notify_side_fail(&side, SIDE_A, "sched_setaffinity", ret);
	else if (cfg.mode == NOTIFY_EXIT)
		notify_exit_run(&side);
	else
		notify_side_run(&side, SIDE_A);
	evb_sides_join(&sides, false);
	ops->teardown(&ctx);
	close(side.stop_fd);
	return evb_sides_end(&sides, &row, false, fill, &side);
}
