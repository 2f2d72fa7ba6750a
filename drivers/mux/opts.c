/*
 * opts.c - evb-mux's options: the registry (mechanisms.h), --help, the
 * --list probe, and parsing into struct mux_opts, strictly (a bad value
 * exits 2 naming it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "driver.h"

const char *const mux_mode_names[] = { "scan", "wakeup", "loop", "register", NULL };

/* The registry, in --list order: mechanisms.h. */
#define MUX_ENTRY(m) &mux_##m##_ops.base,
static const struct evb_mech *const mux_registry[] = { MUX_MECHANISMS(MUX_ENTRY) };
#undef MUX_ENTRY

/* Largest --nfds: indices are int32 and every array is sized by it. */
#define MUX_NFDS_MAX (100 * 1000 * 1000LL)

enum {
	OPT_FD_TYPE = EVB_OPT_FAMILY,
	OPT_NFDS,
	OPT_ACTIVE,
	OPT_GAP,
	OPT_MAXEVENTS,
	OPT_THREADS,
	/* test hooks, not in --help */
	OPT_INJECT_SPURIOUS,
	OPT_INJECT_STALE,
	OPT_INJECT_LOST,
	OPT_SLABINFO,
};

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
	       "            of them ready (more calls while a full --maxevents batch came\n"
	       "            back), including the set copy/rebuild, the reads until EAGAIN\n"
	       "            of edge-triggered mechanisms and the re-arm a real loop does;\n"
	       "            every sample's ready list is checked (scan_ns)\n"
	       "  wakeup    B's clock before writing to one random fd -> A's clock after\n"
	       "            its blocking wait returned and identified that fd; A asleep\n"
	       "            when written (wakeup_ns)\n"
	       "  loop      an event loop: B keeps --active fds busy (one unit in flight\n"
	       "            each), A reads and re-arms; events_per_s, CPU per event:\n"
	       "            A's thread (cpu_*_ns) and every CPU (machine_cpu_ns)\n"
	       "  register  add then remove all nfds fds, per fd (register_ns_per_fd), and\n"
	       "            the memory per registered fd: RSS, kernel slab (root only)\n"
	       "\n"
	       "evb-mux options:\n"
	       "  --fd-type T    pipe | socketpair | eventfd | tcp (loopback connections)\n"
	       "                 (default eventfd)\n"
	       "  --nfds N       watched descriptors (default 1; suffix k, M)\n"
	       "  --active N     scan, loop: how many of them are ready/busy, 1..nfds\n"
	       "                 (default 1); wakeup: 1; register: not used\n"
	       "  --gap-ns T     wakeup: B's pause after A shows as asleep (default 10us)\n"
	       "  --maxevents N  epoll's events array and io_uring's CQE batch: a call\n"
	       "                 lists at most N fds, more are fetched by calling again\n"
	       "                 (default 1024)\n"
	       "  --threads 1|2  scan: threads in the scanning process (default 1).  1: none\n"
	       "                 beside it (the watchdog is a process of its own), as in a\n"
	       "                 single-threaded event loop; 2: one idle thread beside it,\n"
	       "                 as in a multi-threaded server, whose shared fd table makes\n"
	       "                 the kernel take a reference on every fd a call looks up\n"
	       "  --ipc thread|process\n"
	       "                 side B (the writer, holding the other ends) is a thread,\n"
	       "                 or a process that keeps those ends out of this one's fd\n"
	       "                 table (default thread)\n"
	       "  --placement P  wakeup, loop: where B runs relative to A; scan, register:\n"
	       "                 A alone, pinned unless free\n"
	       "\n"
	       "A row is failed when a call missed a ready fd or listed one that was not\n"
	       "(lost, spurious), with the counts in the reason.\n"
	       "Cells the fd limits cannot hold, and select's fdset variant with an fd\n"
	       ">= FD_SETSIZE, are skipped rows with the reason.\n"
	       "\n%s%s", prog, prog, evb_driver_uring_help, evb_driver_common_help);
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
		.maxevents = MUX_MAXEVENTS_DEFAULT,
	};

	return ops->supported ? ops->supported(&cfg, reason, reason_len) : 0;
}

/* Options beyond the common ones; false when opt is none of them. */
static bool family_opt(void *fopts, int opt, const char *arg)
{
	struct mux_opts *opts = fopts;
	const char *prog = opts->common.prog;

	switch (opt) {
	case OPT_FD_TYPE:
		opts->fd_type = (enum mux_fd_type)evb_opt_word(prog, "--fd-type", arg,
							       mux_fd_type_names);
		return true;
	case OPT_NFDS:
		opts->nfds = evb_opt_i64(prog, "--nfds", arg, EVB_UNIT_COUNT, 1, MUX_NFDS_MAX);
		return true;
	case OPT_ACTIVE:
		opts->active_arg = arg;
		opts->active = evb_opt_i64(prog, "--active", arg, EVB_UNIT_COUNT, 1, MUX_NFDS_MAX);
		return true;
	case OPT_GAP:
		opts->gap_ns = evb_opt_i64(prog, "--gap-ns", arg, EVB_UNIT_TIME, 0,
					   EVB_NSEC_PER_SEC);
		return true;
	case OPT_MAXEVENTS:
		opts->maxevents = evb_opt_i64(prog, "--maxevents", arg, EVB_UNIT_COUNT, 1,
					      MUX_MAXEVENTS_MAX);
		return true;
	case OPT_THREADS:
		opts->threads = evb_opt_i64(prog, "--threads", arg, EVB_UNIT_COUNT, 1, 2);
		return true;
	case OPT_INJECT_SPURIOUS:
		opts->inject_spurious = evb_opt_i64(prog, "--inject-spurious", arg,
						    EVB_UNIT_COUNT, 0, MUX_NFDS_MAX);
		return true;
	case OPT_INJECT_STALE:
		opts->inject_stale = evb_opt_i64(prog, "--inject-stale", arg, EVB_UNIT_COUNT, 0,
						 MUX_NFDS_MAX);
		return true;
	case OPT_INJECT_LOST:
		opts->inject_lost = evb_opt_i64(prog, "--inject-lost", arg, EVB_UNIT_COUNT, 0,
						MUX_NFDS_MAX);
		return true;
	case OPT_SLABINFO:
		opts->slabinfo = arg;
		return true;
	}
	return false;
}

void mux_parse(int argc, char **argv, struct mux_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		EVB_DRIVER_URING_OPTION,
		{ "fd-type", required_argument, NULL, OPT_FD_TYPE },
		{ "nfds", required_argument, NULL, OPT_NFDS },
		{ "active", required_argument, NULL, OPT_ACTIVE },
		{ "gap-ns", required_argument, NULL, OPT_GAP },
		{ "maxevents", required_argument, NULL, OPT_MAXEVENTS },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "inject-spurious", required_argument, NULL, OPT_INJECT_SPURIOUS },
		{ "inject-lost", required_argument, NULL, OPT_INJECT_LOST },
		{ "inject-stale", required_argument, NULL, OPT_INJECT_STALE },
		{ "slabinfo", required_argument, NULL, OPT_SLABINFO },
		{ NULL, 0, NULL, 0 },
	};
	static const struct evb_driver_desc desc =
		EVB_DRIVER_DESC(long_options, family_opt, usage, mux_registry, probe);
	struct evb_driver_opts *o = &opts->common;
	const char *active_arg;

	*opts = (struct mux_opts){
		.fd_type = MUX_FD_EVENTFD,
		.nfds = 1,
		.active = 1,
		.gap_ns = EVB_WAKEUP_GAP_NS,
		.maxevents = MUX_MAXEVENTS_DEFAULT,
		.threads = EVB_NA,
		.slabinfo = "/proc/slabinfo",
	};
	evb_driver_opts_init(o, "evb-mux", "mux", mux_mode_names);
	evb_driver_parse(&desc, o, opts, argc, argv);
	active_arg = opts->active_arg;
	if (opts->active > opts->nfds)
		evb_usage_error(o->prog, "--active %s is more than --nfds %lld", active_arg,
				(long long)opts->nfds);
	if ((enum mux_mode)o->mode == MUX_SCAN && opts->threads == EVB_NA)
		opts->threads = 1;
	else if ((enum mux_mode)o->mode != MUX_SCAN && opts->threads != EVB_NA)
		evb_usage_error(o->prog, "--threads %lld: only scan mode has a threads axis "
				"(wakeup and loop run two sides, register one)",
				(long long)opts->threads);
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
