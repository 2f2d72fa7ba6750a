/*
 * echo_ref: one binary, a server or a client (echo_ref.h, docs/crosscheck.md).
 *
 *   client (--cpu 1)                            server (--cpu 0)
 *   N conns, one --msg-size request each  ──►   epoll LT: read once, write back
 *   outstanding (depth 1), batched io_uring ◄── io_uring: multishot recv into a
 *   submit_and_wait, every echo verified        provided buffer ring, send back
 *
 * This file: the command line, and the helpers both sides use.
 * Exit: 0 ok, 1 runtime failure, 2 usage, 77 io_uring unavailable here.
 */
#include "echo_ref.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const ref_kind_names[] = {
	[REF_CLIENT] = "client", [REF_EPOLL] = "epoll",
	[REF_URING_DEFAULT] = "uring-default", [REF_URING_DEFER] = "uring-defer",
};

static const char ref_usage[] =
	"Usage: echo_ref --server epoll|uring-default|uring-defer --port P [--cpu C] --conns N\n"
	"                [--bufs B]\n"
	"       echo_ref --client --port P [--cpu C] --conns N --seconds S [--msg-size B]\n"
	"\n"
	"A reference echo server and closed-loop client over TCP loopback (127.0.0.1).\n"
	"  --server KIND  accept N connections (blocking), then echo with KIND:\n"
	"                 epoll (level-triggered, one read per readiness),\n"
	"                 uring-default (io_uring, no setup flags), uring-defer\n"
	"                 (IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN); multishot recv\n"
	"                 into a provided buffer ring, send back; exits when all are\n"
	"                 closed, printing served_bytes=<n> conns=<N> server=<kind> enobufs=<n>\n"
	"  --bufs B       io_uring servers: provided buffers of 4096 bytes, a power of\n"
	"                 two 1..32768 (default: 2 per connection, at least 64); fewer\n"
	"                 than connections exercise the ENOBUFS rearm\n"
	"  --port P       server: 0..65535 (0: the kernel picks; the first line printed\n"
	"                 is 'listening port=<P>'); client: 1..65535\n"
	"  --cpu C        pin to CPU C (default: not pinned)\n"
	"  --conns N      connections, 1..10000\n"
	"  --client       N connections, each keeping one request outstanding, for S\n"
	"                 seconds after the server's greeting; prints\n"
	"                 req_per_s=<n> conns=<N> server=<kind>; exits 1 naming a wrong\n"
	"                 response (length or bytes)\n"
	"  --seconds S    client: 1..3600\n"
	"  --msg-size B   client: request size, 16..4096 bytes (default 64)\n"
	"  --help         this text\n"
	"Exit: 0 ok, 1 failure, 2 bad usage, 77 io_uring (or the setup's flags) unavailable.\n";

void ref_die(const char *what, int err)
{
	fprintf(stderr, "echo_ref: %s: %s\n", what, strerror(err));
	exit(1);
}

int64_t ref_now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		ref_die("clock_gettime", errno);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void ref_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ref_die("write", errno);
		buf += n;
		len -= (size_t)n;
	}
}

/* A ring with room for two requests a connection; a kernel without io_uring,
 * or without the defer flags, is a skip (exit 77), not a failure. */
void ref_ring_init(struct io_uring *ring, int conns, int defer)
{
	unsigned entries = 8;
	while (entries < 2u * (unsigned)conns && entries < 32768)
		entries *= 2;
	unsigned flags = defer ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN : 0;
	int ret = io_uring_queue_init(entries, ring, flags);
	if (ret == -ENOSYS || ret == -EPERM || ret == -EACCES || (ret == -EINVAL && defer)) {
		fprintf(stderr, "echo_ref: io_uring%s unavailable here: %s\n",
		        defer ? " SINGLE_ISSUER|DEFER_TASKRUN (Linux 6.1)" : "", strerror(-ret));
		exit(REF_SKIP);
	}
	if (ret < 0)
		ref_die("io_uring_queue_init", -ret);
}

struct io_uring_sqe *ref_get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	if (!sqe) { /* the SQ is full: submit what is there, then take one */
		int ret = io_uring_submit(ring);
		if (ret < 0)
			ref_die("io_uring_submit", -ret);
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			ref_die("io_uring_get_sqe", EBUSY);
	}
	return sqe;
}

static int parse_int(const char *opt, const char *arg, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "echo_ref: %s: '%s' is not an integer in %ld..%ld\n", opt, arg, lo, hi);
		exit(2);
	}
	return (int)v;
}

static void usage_error(const char *msg)
{
	fprintf(stderr, "echo_ref: %s (see --help)\n", msg);
	exit(2);
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;
	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "echo_ref: --cpu %d: sched_setaffinity: %s\n", cpu, strerror(errno));
		exit(2);
	}
}

enum { OPT_SERVER = 256, OPT_CLIENT, OPT_PORT, OPT_CPU, OPT_CONNS, OPT_SECONDS, OPT_MSG_SIZE,
       OPT_BUFS, OPT_HELP };

static int parse_kind(const char *arg)
{
	for (int k = REF_EPOLL; k <= REF_URING_DEFER; k++)
		if (strcmp(arg, ref_kind_names[k]) == 0)
			return k;
	fprintf(stderr, "echo_ref: --server: unknown kind '%s' (epoll, uring-default, uring-defer)\n",
	        arg);
	exit(2);
}

static void check_opts(const struct ref_opts *o, int modes)
{
	if (modes != 1)
		usage_error("give exactly one of --server KIND and --client");
	if (o->port < 0)
		usage_error("--port is required");
	if (o->conns < 0)
		usage_error("--conns is required");
	if (o->kind == REF_CLIENT && o->port == 0)
		usage_error("--client: --port must name the server's port (1..65535)");
	if (o->kind == REF_CLIENT && o->seconds < 0)
		usage_error("--client: --seconds is required");
	if (o->kind != REF_CLIENT && (o->seconds >= 0 || o->msg_size >= 0))
		usage_error("--seconds and --msg-size are client options");
	if (o->kind != REF_URING_DEFAULT && o->kind != REF_URING_DEFER && o->bufs > 0)
		usage_error("--bufs is an io_uring server option");
}

static void parse_opts(int argc, char **argv, struct ref_opts *o)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, OPT_SERVER },
		{ "client", no_argument, NULL, OPT_CLIENT },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "conns", required_argument, NULL, OPT_CONNS },
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "msg-size", required_argument, NULL, OPT_MSG_SIZE },
		{ "bufs", required_argument, NULL, OPT_BUFS },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int opt, modes = 0;
	*o = (struct ref_opts){ .kind = REF_CLIENT, .port = -1, .cpu = -1, .conns = -1,
	                        .seconds = -1, .msg_size = -1, .bufs = 0 };
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_SERVER: o->kind = parse_kind(optarg), modes++; break;
		case OPT_CLIENT: o->kind = REF_CLIENT, modes++; break;
		case OPT_PORT: o->port = parse_int("--port", optarg, 0, 65535); break;
		case OPT_CPU: o->cpu = parse_int("--cpu", optarg, 0, CPU_SETSIZE - 1); break;
		case OPT_CONNS: o->conns = parse_int("--conns", optarg, 1, REF_MAX_CONNS); break;
		case OPT_SECONDS: o->seconds = parse_int("--seconds", optarg, 1, 3600); break;
		case OPT_MSG_SIZE:
			o->msg_size = parse_int("--msg-size", optarg, 16, REF_BUF_SIZE);
			break;
		case OPT_BUFS:
			o->bufs = parse_int("--bufs", optarg, 1, 32768);
			if (o->bufs & (o->bufs - 1))
				usage_error("--bufs: not a power of two");
			break;
		case OPT_HELP:
			if (fputs(ref_usage, stdout) == EOF || fflush(stdout) != 0)
				ref_die("write stdout", errno);
			exit(0);
		default:
			fprintf(stderr, "echo_ref: %s: %s (see --help)\n", argv[optind - 1],
			        optopt ? "needs a value" : "unknown option");
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "echo_ref: unexpected argument '%s' (see --help)\n", argv[optind]);
		exit(2);
	}
	check_opts(o, modes);
}

int main(int argc, char **argv)
{
	struct ref_opts o;
	parse_opts(argc, argv, &o);
	pin_cpu(o.cpu);
	if (o.kind == REF_CLIENT) {
		if (o.msg_size < 0)
			o.msg_size = 64;
		return ref_client(&o);
	}
	return ref_server(&o);
}
