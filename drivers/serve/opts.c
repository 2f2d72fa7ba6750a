/*
 * opts.c - evb-serve's options: the registry (mechanisms.h), --help, the
 * --list probe, and parsing into struct serve_opts, strictly (a bad value
 * exits 2 naming it).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "mechanisms.h"
#include "driver.h"

const char *const serve_mode_names[] = { "closed", "open", "capacity", NULL };
static const char *const arrival_names[] = { "uniform", "poisson", NULL };

#define SERVE_REGISTRY_ENTRY(m) &serve_##m##_ops.base,
static const struct evb_mech *const serve_registry[] = {
	SERVE_MECHANISMS(SERVE_REGISTRY_ENTRY)
};
#undef SERVE_REGISTRY_ENTRY

#define SERVE_CONNECTIONS_MAX (1000 * 1000LL)
#define SERVE_DEPTH_MAX 4096
#define SERVE_RATE_MAX (100 * 1000 * 1000LL)
#define SERVE_RATE_PCT_MAX 1000
#define SERVE_SLO_MAX (60 * EVB_NSEC_PER_SEC)

enum {
	OPT_CONNECTIONS = EVB_OPT_FAMILY,
	OPT_ACTIVE,
	OPT_DEPTH,
	OPT_MSG_SIZE,
	OPT_WORK_NS,
	OPT_RATE,
	OPT_ARRIVAL,
	OPT_SEED,
	OPT_THREADS_CAP,
	OPT_SLO_NS,
	OPT_CLIENT_THREADS,
	/* test hooks, not in --help */
	OPT_INJECT_STALL_MS,
	OPT_INJECT_CLIENT_STALL_NS,
};

/* The common options' help without --ipc: the client is always a process. */
static void print_common_help(void)
{
	const char *line = evb_driver_common_help;
	bool in_ipc = false;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line + 1) : strlen(line);

		if (strncmp(line, "  --", 4) == 0)
			in_ipc = strncmp(line, "  --ipc", 7) == 0;
		if (!in_ipc)
			fwrite(line, 1, len, stdout);
		line += len;
	}
}

static void usage(const char *prog)
{
	printf("Usage: %s --mechanism M [--variant V] --mode closed|open|capacity\n"
	       "                 [options]\n"
	       "       %s --list\n"
	       "\n"
	       "A request/response server over TCP loopback, measured from a load generator\n"
	       "in its own process; prints one CSV row (latency_ns of each response).\n"
	       "\n"
	       "Modes (the load generator's):\n"
	       "  closed   each active connection keeps --depth requests outstanding; a\n"
	       "           response's latency is from its request's send\n"
	       "  open     --rate requests/s in total, due at --arrival spacing over the\n"
	       "           active connections in turn; a response's latency is from the\n"
	       "           time its request was due (a server stall shows in every request\n"
	       "           queued behind it)\n"
	       "  capacity a search for the highest offered open-loop rate the server\n"
	       "           sustains (achieved >= 95%% of offered, the load generator\n"
	       "           below 95%% of its CPU and its send lag within its bound, with\n"
	       "           --slo-ns latency p99 <= the bound), by short steps: from a\n"
	       "           closed-loop estimate x2 until one fails, then halving the gap\n"
	       "           to 5%% (a step the load generator failed runs once more; at\n"
	       "           most 12 steps, none after 10 s); then an open loop\n"
	       "           at that rate is the row (capacity_per_s = the rate; none\n"
	       "           passing, down to a quarter of the estimate: capacity_per_s\n"
	       "           empty, the row at the lowest rate tried, its reason \"no\n"
	       "           offered rate >= R req/s met ...\")\n"
	       "\n"
	       "evb-serve options:\n"
	       "  --connections N  TCP connections, all accepted before measuring (default 1)\n"
	       "  --active K       of them, the ones carrying requests, 1..N (default 1)\n"
	       "  --depth D        closed: requests outstanding per active connection\n"
	       "                   (default 1); also the depth of the capacity search's\n"
	       "                   closed-loop estimate\n"
	       "  --msg-size B     request and response size, %d..%d bytes (default 64)\n"
	       "  --work-ns T      busy work per request in the server (default 0)\n"
	       "  --rate R|R%%      open (required): requests/s in total (suffix k, M), or\n"
	       "                   R%% (1..%d) of the capacity a search (as capacity,\n"
	       "                   no --slo-ns) finds first\n"
	       "  --slo-ns T       capacity: the latency p99 bound (suffix us, ms, s;\n"
	       "                   default 0: none)\n"
	       "  --arrival A      open: uniform | poisson spacing (default uniform)\n"
	       "  --seed S         poisson's generator (default: the repetition, --rep)\n"
	       "  --client-threads T  load generator threads (default and only value so\n"
	       "                   far: 1, its own process on the other CPU)\n"
	       "  --threads-cap C  threads: most connections it serves, one thread each\n"
	       "                   (default 1000); above it the row is skipped\n"
	       "  --placement P    same-cpu: server and load generator on one CPU;\n"
	       "                   cross-cpu: two (default); free: not pinned\n"
	       "\n"
	       "A row is failed when a response was wrong (spurious) or missing (lost), or\n"
	       "the server answered another count than the client sent.  A row whose load\n"
	       "generator used 95%% or more of its CPU (by its process clock, or by its\n"
	       "CPU's busy time in /proc/stat, whichever is larger) says so: it measured\n"
	       "the client.  Open and capacity first measure the closed round trip on\n"
	       "one connection (closed_rtt_ns); a row whose send lag is above a quarter\n"
	       "of max(latency, that round trip) says so (client-lagged at p99,\n"
	       "client-bound at p50).\n"
	       "Cells the fd limits cannot hold are skipped rows naming the limit.\n"
	       "\n", prog, prog, SERVE_MSG_MIN, SERVE_MSG_MAX, SERVE_RATE_PCT_MAX);
	fputs(evb_driver_uring_help, stdout);
	print_common_help();
}

static int probe(const struct evb_mech *mech, const char *variant, char *reason,
		 size_t reason_len)
{
	const struct serve_ops *ops = container_of(mech, struct serve_ops, base);

	(void)variant;
	return ops->supported ? ops->supported(NULL, reason, reason_len) : 0;
}

/* --rate R or R%: a count, or a percentage of the searched capacity. */
static void parse_rate(struct serve_opts *opts, const char *arg)
{
	const char *prog = opts->common.prog;
	size_t len = strlen(arg);
	int64_t value;

	if (len > 1 && len < sizeof(opts->rate_text) && arg[len - 1] == '%') {
		char number[sizeof(opts->rate_text)];

		memcpy(number, arg, len - 1);
		number[len - 1] = '\0';
		if (evb_parse_i64(number, EVB_UNIT_NONE, 1, SERVE_RATE_PCT_MAX, &value))
			evb_usage_error(prog, "--rate '%s': a percentage must be a whole number "
					"in [1, %d]", arg, SERVE_RATE_PCT_MAX);
		opts->cfg.rate_pct = true;
		snprintf(opts->rate_text, sizeof(opts->rate_text), "%lld%%", (long long)value);
	} else {
		value = evb_opt_i64(prog, "--rate", arg, EVB_UNIT_COUNT, 1, SERVE_RATE_MAX);
		opts->cfg.rate_pct = false;
		snprintf(opts->rate_text, sizeof(opts->rate_text), "%lld", (long long)value);
	}
	opts->cfg.rate = (double)value;
}

static bool family_opt(void *fopts, int opt, const char *arg)
{
	struct serve_opts *opts = fopts;
	struct serve_cfg *cfg = &opts->cfg;
	const char *prog = opts->common.prog;

	switch (opt) {
	case OPT_CONNECTIONS:
		cfg->connections = evb_opt_i64(prog, "--connections", arg, EVB_UNIT_COUNT, 1,
					       SERVE_CONNECTIONS_MAX);
		return true;
	case OPT_ACTIVE:
		cfg->active = evb_opt_i64(prog, "--active", arg, EVB_UNIT_COUNT, 1,
					  SERVE_CONNECTIONS_MAX);
		return true;
	case OPT_DEPTH:
		cfg->depth = evb_opt_i64(prog, "--depth", arg, EVB_UNIT_COUNT, 1, SERVE_DEPTH_MAX);
		return true;
	case OPT_MSG_SIZE:
		cfg->msg_size = evb_opt_i64(prog, "--msg-size", arg, EVB_UNIT_NONE, SERVE_MSG_MIN,
					    SERVE_MSG_MAX);
		return true;
	case OPT_WORK_NS:
		cfg->work_ns = evb_opt_i64(prog, "--work-ns", arg, EVB_UNIT_TIME, 0,
					   EVB_NSEC_PER_SEC);
		return true;
	case OPT_RATE:
		parse_rate(opts, arg);
		return true;
	case OPT_ARRIVAL:
		cfg->arrival = (enum serve_arrival)evb_opt_word(prog, "--arrival", arg,
								arrival_names);
		return true;
	case OPT_SEED:
		cfg->seed = (uint64_t)evb_opt_i64(prog, "--seed", arg, EVB_UNIT_NONE, 0,
						  INT64_MAX);
		opts->seed_given = true;
		return true;
	case OPT_CLIENT_THREADS:
		cfg->client_threads = evb_opt_i64(prog, "--client-threads", arg, EVB_UNIT_COUNT,
						  1, 1024);
		if (cfg->client_threads > 1)
			evb_usage_error(prog, "--client-threads %s: this evb-serve's load "
					"generator runs one thread (one process); more are not "
					"built yet", arg);
		return true;
	case OPT_SLO_NS:
		cfg->slo_ns = evb_opt_i64(prog, "--slo-ns", arg, EVB_UNIT_TIME, 0, SERVE_SLO_MAX);
		opts->slo_given = true;
		return true;
	case OPT_THREADS_CAP:
		cfg->threads_cap = evb_opt_i64(prog, "--threads-cap", arg, EVB_UNIT_COUNT, 1,
					       SERVE_CONNECTIONS_MAX);
		return true;
	case OPT_INJECT_STALL_MS:
		cfg->inject_stall_ns = evb_opt_i64(prog, "--inject-stall-ms", arg, EVB_UNIT_NONE,
						   0, 60 * 1000) * 1000 * 1000;
		return true;
	case OPT_INJECT_CLIENT_STALL_NS:
		cfg->inject_client_stall_ns = evb_opt_i64(prog, "--inject-client-stall-ns", arg,
							  EVB_UNIT_TIME, 0, 60 * EVB_NSEC_PER_SEC);
		return true;
	}
	return false;
}

/* What single options cannot say: the options against each other. */
static void check_consistency(const struct serve_opts *opts)
{
	const struct serve_cfg *cfg = &opts->cfg;
	const char *prog = opts->common.prog;

	if (cfg->active > cfg->connections)
		evb_usage_error(prog, "--active %lld is more than --connections %lld",
				(long long)cfg->active, (long long)cfg->connections);
	if (cfg->mode == SERVE_OPEN && !opts->rate_text[0])
		evb_usage_error(prog, "--rate is required with --mode open");
	if (cfg->mode == SERVE_CLOSED && opts->rate_text[0])
		evb_usage_error(prog, "--rate %s: --mode closed has no rate (the server's "
				"sustained rate is what it measures)", opts->rate_text);
	if (cfg->mode == SERVE_CAPACITY && opts->rate_text[0])
		evb_usage_error(prog, "--rate %s: --mode capacity has no rate (it searches "
				"for the highest one sustained)", opts->rate_text);
	if (cfg->mode != SERVE_CAPACITY && opts->slo_given)
		evb_usage_error(prog, "--slo-ns: only --mode capacity has a latency bound");
}

void serve_parse(int argc, char **argv, struct serve_opts *opts)
{
	static const struct option long_options[] = {
		EVB_DRIVER_LONG_OPTIONS,
		EVB_DRIVER_URING_OPTION,
		{ "connections", required_argument, NULL, OPT_CONNECTIONS },
		{ "active", required_argument, NULL, OPT_ACTIVE },
		{ "depth", required_argument, NULL, OPT_DEPTH },
		{ "msg-size", required_argument, NULL, OPT_MSG_SIZE },
		{ "work-ns", required_argument, NULL, OPT_WORK_NS },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "arrival", required_argument, NULL, OPT_ARRIVAL },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "threads-cap", required_argument, NULL, OPT_THREADS_CAP },
		{ "slo-ns", required_argument, NULL, OPT_SLO_NS },
		{ "client-threads", required_argument, NULL, OPT_CLIENT_THREADS },
		{ "inject-stall-ms", required_argument, NULL, OPT_INJECT_STALL_MS },
		{ "inject-client-stall-ns", required_argument, NULL, OPT_INJECT_CLIENT_STALL_NS },
		{ NULL, 0, NULL, 0 },
	};
	static const struct evb_driver_desc desc =
		EVB_DRIVER_DESC(long_options, family_opt, usage, serve_registry, probe);
	struct evb_driver_opts *o = &opts->common;

	*opts = (struct serve_opts){
		.cfg = {
			.connections = 1,
			.active = 1,
			.depth = 1,
			.msg_size = 64,
			.arrival = SERVE_UNIFORM,
			.seed = 1,
			.client_threads = 1,
			.threads_cap = 1000,
			.server_cpu = -1,
			.client_cpu = -1,
		},
	};
	evb_driver_opts_init(o, "evb-serve", "serve", serve_mode_names);
	o->has_ipc = false;   /* before parsing: --ipc is refused */
	evb_driver_parse(&desc, o, opts, argc, argv);
	opts->cfg.mode = (enum serve_mode)o->mode;
	opts->cfg.variant = o->variant;
	opts->cfg.variant_index = evb_driver_variant_index(o);
	opts->cfg.iterations = o->iterations;
	opts->cfg.warmup = o->warmup;
	opts->cfg.uring_setup = o->uring_setup;
	if (!opts->seed_given)   /* each repetition its own arrivals */
		opts->cfg.seed = (uint64_t)o->rep;
	check_consistency(opts);
}
