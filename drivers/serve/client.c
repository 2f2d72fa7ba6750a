/*
 * client.c - the load generator (serve.h, side B): its own process, pinned
 * by the caller, the same for every server mechanism.  It connects N
 * connections (at most CLIENT_CONNECT_AHEAD beyond what the server has
 * accepted, so the listen backlog never overflows), sends requests on K
 * of them spread over the N (client_active_conn), checks every response
 * (client_loop.c), and closes them at most CLIENT_CLOSE_AHEAD beyond what
 * the server has closed.
 *
 * One request's latency:
 *
 *   closed   t_send = now, write(request) ....... read() returns it, t_recv
 *            latency = t_recv - t_send; the next request is sent only then
 *            (so a server stall delays the sends, and hides in the rate)
 *
 *   open     due_k = t0 + k / R (uniform) or t0 + Poisson gaps (mean 1/R)
 *            due_k ... (client busy or late) ... write(request k)
 *            ................................ read() returns it, t_recv
 *            latency = t_recv - due_k: a late send still counts from the
 *            time the request was due (wrk2's rule), so a stall shows in
 *            every request scheduled behind it
 *
 * t_recv is one clock read per read(): every response in that read shares
 * it.  The first --warmup responses are not recorded.  The open loop sleeps
 * until the next due time with the client's timer slack at 1 ns, so its own
 * lateness (which counts) is the kernel's wakeup, not 50 us of slack.
 *
 * The measured window: from the (warmup+1)-th response's arrival (closed)
 * or the first measured request's due time (open), to the last response's
 * arrival.  At each edge the client reads the server's whole-process CPU
 * clock (every thread, io_uring's workers too), its /proc stat user and
 * system time, its own CPU clock, its own CPU's and the machine's busy
 * time (/proc/stat), its own context switches and the server's published
 * served and wakeups counts (serve_live); sh gets the differences.
 *
 * Open and capacity first measure the closed round trip (client_probe_rtt,
 * serve.h): the floor of the send-lag bound.
 *
 * --mode capacity, and a rate given in % (open), first search the capacity
 * on the same connections (client_search.c): R = the rate found
 * (capacity), or rate% x it (sh->capacity_per_s).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "client.h"
#include "evb_clock.h"
#include "evb_sched.h"

/* Connections the client may be ahead of the server's accept(). */
#define CLIENT_CONNECT_AHEAD 512
/*
 * Connections the client may have closed beyond those the server has seen
 * end and closed.  Each is an orphaned socket until the server closes its
 * end, and past net.ipv4.tcp_max_orphans (32,768 in a 6 GiB guest) the
 * kernel resets them: closing 100,000 at once made the server's reads fail
 * with ECONNRESET, or its ends never see their end of file (a row that
 * hung to its timeout).
 */
#define CLIENT_CLOSE_AHEAD 2048
/* How long the server may make no progress (accepting, closing) before the
 * client gives up waiting for it. */
#define CLIENT_WAIT_TIMEOUT_NS (10 * EVB_NSEC_PER_SEC)
#define CLIENT_WAIT_POLL_NS (20 * 1000LL)

int client_fail(struct client *cl, const char *call, int err)
{
	evb_side_errors_set(&cl->sh->errors, 1, call, err);
	return err;
}

/* The server's utime and stime, ticks to ns, from /proc/<pid>/stat. */
static int server_stat_read(struct client *cl, int64_t *utime_ns, int64_t *stime_ns)
{
	unsigned long long utime, stime;
	char buf[1024];
	const char *fields;
	int ret = evb_proc_stat_fields(cl->server_stat_fd, buf, sizeof(buf), &fields);

	if (ret == -EINVAL ||
	    (!ret && sscanf(fields, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			    &utime, &stime) != 2))
		return client_fail(cl, "parse /proc/<server>/stat", -EINVAL);
	if (ret)
		return client_fail(cl, "read /proc/<server>/stat", ret);
	*utime_ns = (int64_t)utime * cl->tick_ns;
	*stime_ns = (int64_t)stime * cl->tick_ns;
	return 0;
}

int client_edge_read(struct client *cl, struct client_edge *e)
{
	struct timespec ts;
	int ret;

	e->wall_ns = evb_now_ns();
	if (clock_gettime(cl->server_clock, &ts))
		return client_fail(cl, "clock_gettime (the server's CPU clock)", -errno);
	e->server_cpu_ns = evb_timespec_ns(&ts);
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts))
		return client_fail(cl, "clock_gettime (CLOCK_PROCESS_CPUTIME_ID)", -errno);
	e->client_cpu_ns = evb_timespec_ns(&ts);
	ret = server_stat_read(cl, &e->server_utime_ns, &e->server_stime_ns);
	if (ret)
		return ret;
	ret = evb_machine_cpu_ns(&e->machine_cpu_ns);
	if (ret)
		return client_fail(cl, "read /proc/stat", ret);
	/* unpinned, or a CPU without a line: the process clock alone */
	if (cl->cfg->client_cpu < 0 || evb_cpu_busy_ns(cl->cfg->client_cpu, &e->client_busy_ns))
		e->client_busy_ns = EVB_NA;
	evb_usage_thread(&e->usage);   /* the client has one thread */
	e->server_served = atomic_load_explicit(&cl->sh->live.served, memory_order_relaxed);
	e->server_wakeups = atomic_load_explicit(&cl->sh->live.wakeups, memory_order_relaxed);
	return 0;
}

int64_t client_busy_ns(const struct client *cl, const struct client_edge *e0,
		       const struct client_edge *e1)
{
	int64_t busy = evb_cpu_busy_delta(e0->client_busy_ns, e1->client_busy_ns, 1);

	if (busy == EVB_NA)
		return EVB_NA;
	busy -= cl->poll_ns;
	if (cl->cfg->server_cpu == cl->cfg->client_cpu)   /* same-cpu: the server's too */
		busy -= e1->server_cpu_ns - e0->server_cpu_ns;
	return busy > 0 ? busy : 0;
}

/*
 * The open loop's sleep until a due time: epoll_pwait2 where the kernel has
 * it (a bad epfd tells it apart from ENOSYS without side effects), with
 * the timer slack at 1 ns so that a sleep ends at the due time and not up
 * to 50 us later (the client's lateness would count in every latency);
 * else a timerfd, which has no slack.  0 or -errno.
 */
static int client_setup_sleep(struct client *cl)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = CLIENT_TIMER_TOKEN };
	struct timespec zero = { 0 };
	int ret;

	cl->pwait2 = syscall(SYS_epoll_pwait2, -1, &ev, 1, &zero, NULL, 0) >= 0 ||
		     errno != ENOSYS;
	ret = evb_timer_slack_set(1);   /* the pacing probe's sleeps too */
	if (ret)
		return client_fail(cl, "prctl (PR_SET_TIMERSLACK)", ret);
	if (cl->pwait2)
		return 0;
	cl->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (cl->timerfd < 0)
		return client_fail(cl, "timerfd_create", -errno);
	if (epoll_ctl(cl->epfd, EPOLL_CTL_ADD, cl->timerfd, &ev))
		return client_fail(cl, "epoll_ctl (timerfd)", -errno);
	return 0;
}

/* Everything the run needs, allocated before it starts.  0 or -errno. */
static int client_setup(struct client *cl, const struct serve_cfg *cfg,
			struct serve_shared *sh)
{
	bool open_mode = cfg->mode != SERVE_CLOSED;
	char path[64];
	int ret;

	*cl = (struct client){
		.cfg = cfg, .sh = sh, .nconns = cfg->connections, .active = cfg->active,
		.msg_size = (size_t)cfg->msg_size, .epfd = -1, .timerfd = -1,
		.server_stat_fd = -1, .tick_ns = EVB_NSEC_PER_SEC / sysconf(_SC_CLK_TCK),
		.stall_pending = cfg->inject_client_stall_ns > 0, .closed_rtt_ns = EVB_NA,
	};
	cl->batch_max = CLIENT_IO_BYTES / cfg->msg_size;
	if (cl->batch_max < 1)
		cl->batch_max = 1;
	cl->conns = calloc((size_t)cl->nconns, sizeof(*cl->conns));
	cl->sendbuf = calloc((size_t)cl->batch_max, cl->msg_size);
	cl->recvbuf = malloc(CLIENT_IO_BYTES);
	cl->dirty = calloc((size_t)cl->active, sizeof(*cl->dirty));
	/* closed, the capacity search's estimate, the open loop's round trip */
	cl->start = calloc((size_t)(cl->active * cfg->depth), sizeof(*cl->start));
	if (open_mode) {
		cl->due_cap = cfg->warmup + cfg->iterations;
		cl->due_off = calloc((size_t)cl->due_cap, sizeof(*cl->due_off));
	}
	if (!cl->conns || !cl->sendbuf || !cl->recvbuf || !cl->dirty || !cl->start ||
	    (open_mode && !cl->due_off))
		return client_fail(cl, "allocate the client's state", -ENOMEM);
	for (int64_t i = 0; i < cl->nconns; i++)
		cl->conns[i] = (struct client_conn){ .fd = -1, .index = (uint32_t)i, .slot = -1 };
	for (int64_t k = 0; k < cl->active; k++)
		cl->conns[client_active_conn(cl, k)].slot = k;

	cl->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (cl->epfd < 0)
		return client_fail(cl, "epoll_create1", -errno);
	if (open_mode) {
		ret = client_setup_sleep(cl);
		if (ret)
			return ret;
	}
	ret = clock_getcpuclockid(sh->server_pid, &cl->server_clock);
	if (ret)
		return client_fail(cl, "clock_getcpuclockid (the server)", -ret);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)sh->server_pid);
	cl->server_stat_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (cl->server_stat_fd < 0)
		return client_fail(cl, "open /proc/<server>/stat", -errno);
	return 0;
}

/*
 * Wait until the server's *count is past i - ahead: 0, or -ETIMEDOUT when
 * it made no progress for CLIENT_WAIT_TIMEOUT_NS.
 */
static int client_wait_server(const _Atomic int64_t *count, int64_t i, int64_t ahead)
{
	int64_t seen = -1, since = 0;

	for (;;) {
		int64_t done = atomic_load(count);
		int64_t now;
		struct timespec pause = evb_ns_timespec(CLIENT_WAIT_POLL_NS);

		if (i - done < ahead)
			return 0;
		now = evb_now_ns();
		if (done != seen) {
			seen = done;
			since = now;
		} else if (now - since > CLIENT_WAIT_TIMEOUT_NS) {
			return -ETIMEDOUT;
		}
		nanosleep(&pause, NULL);
	}
}

/* Every connection closed, paced by the server's closes (once the server
 * stops closing for CLIENT_WAIT_TIMEOUT_NS, the rest at once). */
static void client_teardown(struct client *cl)
{
	bool paced = true;

	if (cl->conns) {
		for (int64_t i = 0; i < cl->nconns; i++) {
			if (cl->conns[i].fd < 0)
				continue;
			if (paced && client_wait_server(&cl->sh->ended, i, CLIENT_CLOSE_AHEAD))
				paced = false;
			close(cl->conns[i].fd);
		}
	}
	if (cl->server_stat_fd >= 0)
		close(cl->server_stat_fd);
	if (cl->timerfd >= 0)
		close(cl->timerfd);
	if (cl->epfd >= 0)
		close(cl->epfd);
	free(cl->due_off);
	free(cl->start);
	free(cl->dirty);
	free(cl->recvbuf);
	free(cl->sendbuf);
	free(cl->conns);
}

/* Wait (bounded) until connection i is within reach of the accept()s. */
static int client_wait_accepted(struct client *cl, int64_t i)
{
	int ret = client_wait_server(&cl->sh->accepted, i, CLIENT_CONNECT_AHEAD);

	return ret ? client_fail(cl, "wait for the server's accept()", ret) : 0;
}

/* Connect connection i: TCP_NODELAY, non-blocking, in the epoll set when
 * it is active. */
static int client_connect_one(struct client *cl, int64_t i)
{
	struct client_conn *c = &cl->conns[i];
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(cl->cfg->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK + (uint32_t)(i / SERVE_CONNS_PER_ADDR)),
	};
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = c->index };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return client_fail(cl, "socket", -errno);
	if (connect(c->fd, (const struct sockaddr *)&sa, sizeof(sa)))
		return client_fail(cl, "connect", -errno);
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return client_fail(cl, "setsockopt (TCP_NODELAY)", -errno);
	if (fcntl(c->fd, F_SETFL, O_NONBLOCK))
		return client_fail(cl, "fcntl (O_NONBLOCK)", -errno);
	if (c->slot >= 0 && epoll_ctl(cl->epfd, EPOLL_CTL_ADD, c->fd, &ev))
		return client_fail(cl, "epoll_ctl (a connection)", -errno);
	return 0;
}

static int client_connect_all(struct client *cl)
{
	for (int64_t i = 0; i < cl->nconns; i++) {
		int ret = client_wait_accepted(cl, i);

		if (!ret)
			ret = client_connect_one(cl, i);
		if (ret)
			return ret;
	}
	return 0;
}

/* The barrier: wait (bounded) until the server serves (serve_ready). */
static int client_wait_ready(struct client *cl)
{
	int ret = client_wait_server(&cl->sh->server_ready, 1, 1);   /* ready >= 1 */

	return ret ? client_fail(cl, "wait for the server to serve (every connection "
				 "registered)", ret) : 0;
}

void client_phase_begin(struct client *cl, int64_t total, int64_t warmup, bool measure)
{
	cl->ph = (struct client_phase){ .total = total, .warmup = warmup, .measure = measure };
	cl->poll_ns = 0;
}

/* The measured window's differences into sh. */
static void client_window(struct client *cl)
{
	const struct client_edge *e0 = &cl->edge[0], *e1 = &cl->edge[1];
	struct serve_shared *sh = cl->sh;

	sh->window_ns = cl->ph.end_ns - cl->ph.start_ns;
	sh->server_cpu_ns = e1->server_cpu_ns - e0->server_cpu_ns;
	sh->server_utime_ns = e1->server_utime_ns - e0->server_utime_ns;
	sh->server_stime_ns = e1->server_stime_ns - e0->server_stime_ns;
	/* the pacing's polling is idle time spent busy by choice
	 * (client_pace.c): neither the client's work nor the machine's */
	sh->client_cpu_ns = e1->client_cpu_ns - e0->client_cpu_ns - cl->poll_ns;
	sh->client_busy_ns = client_busy_ns(cl, e0, e1);
	sh->machine_cpu_ns = evb_machine_cpu_delta(e0->machine_cpu_ns, e1->machine_cpu_ns);
	if (sh->machine_cpu_ns > 0)
		sh->machine_cpu_ns -= cl->poll_ns;
	sh->client_wall_ns = e1->wall_ns - e0->wall_ns;
	sh->server_served = (int64_t)(e1->server_served - e0->server_served);
	sh->server_wakeups = (int64_t)(e1->server_wakeups - e0->server_wakeups);
	evb_driver_usage_delta(&sh->client_usage, &e1->usage, &e0->usage);
}

void client_figures_clear(struct client *cl)
{
	evb_hist_init(&cl->sh->hist);
	evb_hist_init(&cl->sh->send_lag);
	cl->sh->measured = 0;
}

/*
 * Before an open loop: the closed round trip at this placement, one
 * request at a time on the first active connection (SERVE_RTT_*), its p50
 * into cl->closed_rtt_ns and sh.  0 or -errno.
 */
static int client_probe_rtt(struct client *cl)
{
	int ret;

	client_phase_begin(cl, SERVE_RTT_REQUESTS, SERVE_RTT_WARMUP, true);
	ret = client_run_closed(cl, 1, 1);
	if (ret)
		return ret;
	cl->closed_rtt_ns = evb_hist_quantile(&cl->sh->hist, 0.50);
	cl->sh->closed_rtt_ns = cl->closed_rtt_ns;
	client_figures_clear(cl);
	return 0;
}

/* The mode: the capacity search first where it needs one, then the
 * measured run. */
static int client_measure(struct client *cl)
{
	const struct serve_cfg *cfg = cl->cfg;
	struct serve_shared *sh = cl->sh;
	int64_t total = cfg->warmup + cfg->iterations;
	double rate;
	int ret;

	sh->offered_per_s = NAN;
	sh->capacity_per_s = NAN;
	sh->search_low_per_s = NAN;
	if (cfg->mode == SERVE_CLOSED) {
		client_phase_begin(cl, total, cfg->warmup, true);
		ret = client_run_closed(cl, cl->active, cfg->depth);
	} else {
		ret = client_probe_rtt(cl);
		if (!ret)
			ret = client_open_rate(cl, &rate);   /* client_search.c */
		if (ret)
			return ret;
		if (!(rate > 0))
			return client_fail(cl, "schedule (rate not above 0)", -EINVAL);
		sh->offered_per_s = rate;
		client_phase_begin(cl, total, cfg->warmup, true);
		ret = client_run_open(cl, rate);
	}
	if (!ret)
		client_window(cl);
	return ret;
}

int serve_client_run(const struct serve_cfg *cfg, struct serve_shared *sh)
{
	struct client cl;
	int ret = client_setup(&cl, cfg, sh);

	if (!ret)
		ret = client_connect_all(&cl);
	if (!ret)
		ret = client_wait_ready(&cl);
	if (!ret)
		ret = client_measure(&cl);
	client_teardown(&cl);   /* every connection: the server sees each end */
	return ret;
}
