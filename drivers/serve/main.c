/*
 * evb-serve - what a request/response server costs, per mechanism.
 *
 * The server is this process (side A): its main thread, pinned, accepts
 * --connections N loopback TCP connections, then serves them with one
 * mechanism (select, poll, epoll, io_uring, threads) until the client has
 * closed them all.  The client (side B, serve_client_run in client.c) is
 * a fork()ed process, pinned by --placement, that opens the connections,
 * loads --active of them (closed or open loop) and measures each response.
 * serve.h draws the protocol and the modes.  This file holds the order of
 * setup: the fd budget, the listener, the client's start, accepting, the
 * memory per connection, serving, and the end; opts.c the options, row.c
 * the row.  It knows no mechanism by name.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "driver.h"
#include "evb_clock.h"
#include "evb_slab.h"

/* Descriptors beyond the connections: stdio, the watchdog's, slack. */
#define SERVE_FD_RESERVE 32
/* The client's own: its epoll instance, a timerfd. */
#define SERVE_CLIENT_FDS 4
#define SERVE_BACKLOG 4096
/* How often accepting looks whether the client gave up. */
#define SERVE_ACCEPT_POLL_MS 100

/*
 * Kernel caches that grow with each connection: the socket (TCP, or TCPv6
 * where the kernel makes v4 connections from v6 sockets) and its inode.
 * Both ends live in this kernel, so the growth counts the server's and the
 * client's socket of each connection.
 */
static const char *const serve_slab_caches[] = { "TCP", "TCPv6", "sock_inode_cache", NULL };

/* --- side B --------------------------------------------------------------- */

static int client_main(void *arg)
{
	struct serve_run *r = arg;
	int ret;

	close(r->listen_fd);   /* the server's, inherited */
	ret = serve_client_run(&r->cfg, r->sh);
	if (ret && !r->sh->errors.error[1])
		evb_side_errors_set(&r->sh->errors, 1, "serve_client_run", ret);
	return ret;
}

static void progress(const void *arg, char *buf, size_t len)
{
	const struct serve_run *r = arg;

	snprintf(buf, len, "server accepted %lld, answered %llu; client received %lld of %lld",
		 (long long)atomic_load(&r->sh->accepted),
		 (unsigned long long)__atomic_load_n(&r->srv.served, __ATOMIC_RELAXED),
		 (long long)atomic_load(&r->sh->client_done),
		 (long long)(r->cfg.warmup + r->cfg.iterations));
}

/* --- before anything is opened --------------------------------------------- */

/*
 * The fd budget of both processes: the server holds N connections, the
 * listener and the mechanism's own fds; the client (forked later, with
 * what this process has open now) N connections and its own.  A refusal is
 * a skipped row naming the limit.
 */
static int fd_budget_refused(const struct serve_cfg *cfg, const struct serve_ops *ops,
			     char *reason, size_t len)
{
	int64_t server = cfg->connections + 1 + ops->own_fds + SERVE_FD_RESERVE;
	int64_t client = cfg->connections + SERVE_CLIENT_FDS + SERVE_FD_RESERVE;
	char limit[256];

	evb_nofile_raise();
	if (evb_nofile_check(server, limit, sizeof(limit))) {
		snprintf(reason, len, "server: %s (%lld connections)", limit,
			 (long long)cfg->connections);
		return 1;
	}
	if (evb_nofile_check(client, limit, sizeof(limit))) {
		snprintf(reason, len, "client process: %s (%lld connections)", limit,
			 (long long)cfg->connections);
		return 1;
	}
	return 0;
}

/* The row's axes, and the cells refused before anything is opened. */
static int refused(struct serve_run *r, struct evb_row *row, char *reason, size_t len)
{
	const struct evb_driver_opts *o = &r->opts->common;
	const struct serve_cfg *cfg = &r->cfg;
	struct evb_cpus cpus;

	serve_row_axes(r, row);
	if (!r->ops->serve) {
		snprintf(reason, len, "%s: not built in this evb-serve", r->ops->base.name);
		return 1;
	}
	if (r->ops->supported && r->ops->supported(cfg, reason, len))
		return 1;
	if (evb_placement_choose(o->placement, &cpus, reason, len))
		return 1;
	r->cfg.server_cpu = cpus.a;
	r->cfg.client_cpu = cpus.b;
	evb_driver_row_cpus(row, &cpus);
	return fd_budget_refused(cfg, r->ops, reason, len);
}

/* --- the server's setup ----------------------------------------------------- */

/* A listener on INADDR_ANY, port 0: the kernel's choice goes to cfg.port. */
static int open_listener(struct serve_run *r, char *why, size_t len)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY) };
	socklen_t addr_len = sizeof(addr);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(why, len, "socket (listener): %s", strerror(errno));
		return -errno;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, SERVE_BACKLOG) ||
	    getsockname(fd, (struct sockaddr *)&addr, &addr_len)) {
		int err = errno;

		snprintf(why, len, "listener (setsockopt, bind, listen): %s", strerror(err));
		close(fd);
		return -err;
	}
	r->listen_fd = fd;
	r->cfg.port = ntohs(addr.sin_port);
	return 0;
}

/*
 * Wait for the next connection; -ECONNABORTED when the client gave up or
 * its process ended without saying why (a crash: evb_peer_join, which
 * WNOWAIT leaves it to, names the signal in the row).
 */
static int accept_wait(struct serve_run *r)
{
	struct pollfd pfd = { .fd = r->listen_fd, .events = POLLIN };
	siginfo_t ended = { .si_pid = 0 };

	if (evb_side_errors_any(&r->sh->errors))
		return -ECONNABORTED;
	if (!waitid(P_PID, (id_t)r->sides.peer.pid, &ended, WEXITED | WNOHANG | WNOWAIT) &&
	    ended.si_pid)
		return -ECONNABORTED;
	if (poll(&pfd, 1, SERVE_ACCEPT_POLL_MS) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* Accept all N, non-blocking and TCP_NODELAY, in the client's order. */
static int accept_all(struct serve_run *r, char *why, size_t len)
{
	struct serve_srv *s = &r->srv;
	int one = 1, ret;

	for (int64_t i = 0; i < s->nconns;) {
		int fd = accept4(r->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			ret = -errno;
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				ret = accept_wait(r);
			if (!ret)
				continue;
			snprintf(why, len, "accept (connection %lld of %lld): %s", (long long)i + 1,
				 (long long)s->nconns, ret == -ECONNABORTED
				 ? "the client failed or ended first" : strerror(-ret));
			return ret;
		}
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))) {
			snprintf(why, len, "setsockopt (TCP_NODELAY): %s", strerror(errno));
			close(fd);
			return -errno;
		}
		s->conns[i].fd = fd;
		if (fd > s->max_fd)
			s->max_fd = fd;
		atomic_store(&r->sh->accepted, ++i);
	}
	s->open = s->nconns;
	s->ended = &r->sh->ended;
	s->ready = &r->sh->server_ready;
	s->live = &r->sh->live;
	return 0;
}

/* RSS of this process and slab of both ends, per connection, after - before. */
static void memory_per_conn(struct serve_run *r, int64_t rss_before, int64_t slab_before)
{
	char missing[96] = "";
	int64_t rss_after = evb_rss_bytes();
	int64_t slab_after = evb_slab_bytes("/proc/slabinfo", serve_slab_caches, missing,
					    sizeof(missing));
	double n = (double)r->srv.nconns;

	if (rss_before >= 0 && rss_after >= 0)
		r->rss_bytes_per_fd = (double)(rss_after - rss_before) / n;
	if (slab_before < 0 || slab_after < 0) {
		int err = slab_before < 0 ? (int)slab_before : (int)slab_after;

		snprintf(r->slab_note, sizeof(r->slab_note), "slab not measured (/proc/slabinfo: %s)",
			 err == -ENODATA ? "no TCP socket cache listed" : strerror(-err));
		return;
	}
	r->slab_bytes_per_fd = (double)(slab_after - slab_before) / n;
}

static void usage_self(struct evb_usage *u)
{
	struct rusage ru = { 0 };

	getrusage(RUSAGE_SELF, &ru);
	u->user_ns = (int64_t)ru.ru_utime.tv_sec * EVB_NSEC_PER_SEC + ru.ru_utime.tv_usec * 1000;
	u->sys_ns = (int64_t)ru.ru_stime.tv_sec * EVB_NSEC_PER_SEC + ru.ru_stime.tv_usec * 1000;
	u->vcsw = ru.ru_nvcsw;
	u->ivcsw = ru.ru_nivcsw;
}

/*
 * Everything from the listener to the end of serving.  0, or -errno with
 * why filled when the failure was the server's before serving (serving's
 * own failures are in sh->errors).
 */
static int run_server(struct serve_run *r, char *why, size_t len)
{
	const struct evb_driver_opts *o = &r->opts->common;
	struct evb_usage before, after;
	int64_t rss_before, slab_before;
	char missing[96];
	int ret = open_listener(r, why, len);

	if (ret)
		return ret;
	/* Baselines; the first reads set up stdio, which must not count. */
	slab_before = evb_slab_bytes("/proc/slabinfo", serve_slab_caches, missing,
				     sizeof(missing));
	evb_rss_bytes();
	rss_before = evb_rss_bytes();
	ret = serve_conns_alloc(&r->srv);
	if (ret) {
		snprintf(why, len, "allocating %lld connections: %s", (long long)r->cfg.connections,
			 strerror(-ret));
		return ret;
	}
	ret = evb_sides_start_b(&r->sides, EVB_IPC_PROCESS, r->cfg.client_cpu, client_main, r);
	if (ret) {
		snprintf(why, len, "starting the client process: %s", strerror(-ret));
		return ret;
	}
	ret = evb_pin_self(r->cfg.server_cpu);
	if (ret) {
		snprintf(why, len, "sched_setaffinity: %s", strerror(-ret));
		return ret;
	}
	ret = accept_all(r, why, len);
	close(r->listen_fd);
	r->listen_fd = -1;
	if (ret)
		return ret;
	memory_per_conn(r, rss_before, slab_before);
	if (r->cfg.inject_stall_ns > 0) {
		int64_t half = (o->warmup + o->iterations) / 2;

		if (r->cfg.mode == SERVE_OPEN)   /* after the closed round trip's requests */
			half += SERVE_RTT_REQUESTS;
		r->srv.stall_at = (uint64_t)(half > 0 ? half : 1);
	}
	usage_self(&before);
	ret = r->ops->serve(&r->srv);
	usage_self(&after);
	serve_trace(&r->srv);
	evb_driver_usage_delta(&r->server_usage, &after, &before);
	return ret;
}

/* The row of a run that served to the end (evb_sides_end). */
static void fill(void *arg, struct evb_row *row)
{
	const struct serve_run *r = arg;

	serve_fill_row(r, row);
	if (strcmp(row->status, EVB_STATUS_OK) == 0 && row->reason[0])
		fprintf(stderr, "%s: %s\n", r->opts->common.prog, row->reason);
}

/* The client and the server are done (or one failed): the row. */
static int finish(struct serve_run *r, struct evb_row *row, int ret, const char *why)
{
	/* A server that failed leaves the client waiting for answers. */
	if (ret && r->sides.b_started)
		kill(r->sides.peer.pid, SIGKILL);
	evb_sides_join(&r->sides, ret != 0);
	serve_conns_free(&r->srv);
	if (r->listen_fd >= 0)
		close(r->listen_fd);
	if (why[0] && (ret == -EMFILE || ret == -ENFILE || !evb_side_errors_any(&r->sh->errors)))
		evb_row_setup_failed(row, ret, why);
	return evb_sides_end(&r->sides, row, ret != 0, fill, r);
}

int main(int argc, char **argv)
{
	struct serve_opts opts;
	struct evb_row row;
	char reason[EVB_ROW_REASON] = "", why[EVB_ROW_REASON] = "";
	int ret;

	serve_parse(argc, argv, &opts);

	const struct evb_driver_opts *o = &opts.common;
	struct serve_run r = {
		.opts = &opts,
		.ops = container_of(o->mech, struct serve_ops, base),
		.cfg = opts.cfg,
		.listen_fd = -1,
		.rss_bytes_per_fd = NAN,
		.slab_bytes_per_fd = NAN,
	};

	/* A client that went away makes write() fail with EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (refused(&r, &row, reason, sizeof(reason)))
		return evb_driver_skip(o, &row, reason);
	r.sh = evb_shared_alloc(sizeof(*r.sh));
	if (!r.sh)
		return evb_driver_fail(o, &row, "mmap shared state: %s", strerror(ENOMEM));
	evb_hist_init(&r.sh->hist);
	evb_hist_init(&r.sh->send_lag);
	r.sh->server_pid = getpid();
	r.sh->offered_per_s = NAN;
	r.sh->capacity_per_s = NAN;
	r.sh->search_low_per_s = NAN;
	r.sh->closed_rtt_ns = EVB_NA;
	r.sh->client_busy_ns = EVB_NA;
	r.srv = (struct serve_srv){ .cfg = &r.cfg, .errors = &r.sh->errors, .max_fd = -1 };
	r.sides.end = (struct evb_driver_end){
		.opts = o, .row = &row, .hist = &r.sh->hist, .errors = &r.sh->errors,
		.emitted = &r.sh->emitted, .progress = progress, .arg = &r,
	};
	r.sides.b_exit = "client exit";
	ret = evb_sides_watch(&r.sides, &row);
	if (ret)
		return ret;
	ret = run_server(&r, why, sizeof(why));
	return finish(&r, &row, ret, why);
}
