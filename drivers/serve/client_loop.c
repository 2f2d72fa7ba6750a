/*
 * client_loop.c - the load generator's event loop (client.h): writing the
 * requests that are due, reading and checking responses, and the closed
 * and open modes on top of them.  One epoll instance, level-triggered:
 * EPOLLIN on every active connection, EPOLLOUT only on one whose socket
 * filled up.  The open loop sleeps until the next due time with
 * epoll_pwait2's nanosecond timeout (the client's timer slack is 1 ns, see
 * client.c), or on a kernel without it (before 5.11) with a timerfd in the
 * set, armed at that time.
 */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "client.h"
#include "evb_clock.h"
#include "evb_stats.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Where the start time of request seq on c lives. */
static int64_t *start_slot(struct client *cl, const struct client_conn *c, uint64_t seq)
{
	uint64_t depth = (uint64_t)cl->cfg->depth;

	return &cl->start[(uint64_t)c->slot * depth + seq % depth];
}

/* The time request seq on c started: its send (closed) or due time (open). */
static int64_t start_of(struct client *cl, const struct client_conn *c, uint64_t seq)
{
	if (cl->ph.open) {
		uint64_t k = (seq - c->open_seq0) * (uint64_t)cl->active + (uint64_t)c->slot;

		return cl->t0 + cl->due_off[k];
	}
	return *start_slot(cl, c, seq);
}

/* Ask for EPOLLOUT on c (its socket is full) or stop asking. */
static int conn_want_out(struct client *cl, struct client_conn *c, bool on)
{
	struct epoll_event ev = {
		.events = EPOLLIN | (on ? EPOLLOUT : 0),
		.data.u64 = c->index,
	};

	if (c->out_armed == on)
		return 0;
	if (epoll_ctl(cl->epfd, EPOLL_CTL_MOD, c->fd, &ev))
		return client_fail(cl, "epoll_ctl (EPOLLOUT)", -errno);
	c->out_armed = on;
	return 0;
}

/*
 * Write c's pending requests, batch_max at a time, from the partial-write
 * offset on.  A closed-loop request's start is stamped just before the
 * write() that carries its first byte.  0 or -errno.
 */
static int conn_flush(struct client *cl, struct client_conn *c)
{
	size_t msg_size = cl->msg_size;

	while (c->pending) {
		uint64_t batch = MIN(c->pending, (uint64_t)cl->batch_max);
		size_t len = batch * msg_size - c->out_off;
		int64_t now = cl->ph.open ? 0 : evb_now_ns();
		ssize_t written;
		size_t done;

		for (uint64_t j = 0; j < batch; j++) {
			struct serve_msg head = {
				.seq = c->next_send + j,
				.conn = c->index,
				.len = (uint32_t)msg_size,
			};

			memcpy(cl->sendbuf + j * msg_size, &head, sizeof(head));
			if (!cl->ph.open && (j || !c->out_off))
				*start_slot(cl, c, head.seq) = now;
		}
		written = write(c->fd, cl->sendbuf + c->out_off, len);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return conn_want_out(cl, c, true);
			return client_fail(cl, "write (a request)", -errno);
		}
		done = c->out_off + (size_t)written;
		c->next_send += done / msg_size;
		c->pending -= done / msg_size;
		cl->sh->sent += (int64_t)(done / msg_size);
		c->out_off = done % msg_size;
		if ((size_t)written < len)   /* the socket is full */
			return conn_want_out(cl, c, true);
	}
	return conn_want_out(cl, c, false);
}

/* The response whose header is in c->in_hdr arrived whole at now. */
static int response_done(struct client *cl, struct client_conn *c, int64_t now)
{
	const struct serve_msg *m = &c->in_hdr.msg;
	struct client_phase *ph = &cl->ph;
	struct serve_shared *sh = cl->sh;

	if (m->len != cl->msg_size || m->conn != c->index || m->seq != c->next_recv ||
	    c->next_recv >= c->next_send) {
		sh->bad++;
		return client_fail(cl, "check a response (length, connection, sequence)",
				   -EPROTO);
	}
	ph->received++;
	sh->received++;
	atomic_store_explicit(&sh->client_done, sh->received, memory_order_relaxed);
	if (ph->received > ph->warmup) {
		if (ph->measure) {
			evb_hist_record(&sh->hist, now - start_of(cl, c, m->seq));
			sh->measured++;
		}
		if (!ph->open && ph->received == ph->warmup + 1)
			ph->start_ns = now;
	}
	c->next_recv++;
	if (ph->received == ph->total)
		ph->end_ns = now;
	if (!ph->open && ph->queued < ph->total) {   /* closed: one more */
		c->pending++;
		ph->queued++;
	}
	return 0;
}

/* Cut n received bytes of c into responses. */
static int conn_parse(struct client *cl, struct client_conn *c, const char *p, size_t n,
		      int64_t now)
{
	const size_t head = sizeof(struct serve_msg);

	while (n) {
		size_t take;

		if (c->in_got < head) {
			take = MIN(head - c->in_got, n);
			memcpy(c->in_hdr.bytes + c->in_got, p, take);
		} else {
			take = MIN(cl->msg_size - c->in_got, n);
		}
		c->in_got += take;
		p += take;
		n -= take;
		if (c->in_got == cl->msg_size) {
			int ret = response_done(cl, c, now);

			if (ret)
				return ret;
			c->in_got = 0;
		}
	}
	return 0;
}

/* After responses: the window's edges, when one was crossed. */
static int phase_edges(struct client *cl)
{
	struct client_phase *ph = &cl->ph;
	int ret = 0;

	if (!ph->measure)
		return 0;
	if (!ph->open && !ph->started && ph->received > ph->warmup) {
		ph->started = true;
		ret = client_edge_read(cl, &cl->edge[0]);
	}
	if (!ret && ph->received == ph->total)
		ret = client_edge_read(cl, &cl->edge[1]);
	return ret;
}

/* c is readable: one read(), its responses checked and counted. */
static int conn_readable(struct client *cl, struct client_conn *c)
{
	ssize_t n = read(c->fd, cl->recvbuf, CLIENT_IO_BYTES);
	int64_t now = evb_now_ns();
	int ret;

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return client_fail(cl, "read (a response)", -errno);
	}
	if (n == 0)
		return client_fail(cl, "read (the server closed a connection early)",
				   -ECONNRESET);
	ret = conn_parse(cl, c, cl->recvbuf, (size_t)n, now);
	return ret ? ret : phase_edges(cl);
}

/* One wait, until an event or (open loop) the next due time, and what it
 * reported.  Without a due time it blocks: the server's watchdog ends a
 * hung run. */
static int client_events(struct client *cl)
{
	const char *call = "epoll_wait";
	int n;

	if (cl->pwait2 && cl->wake_ns) {
		int64_t left_ns = cl->wake_ns - evb_now_ns();
		struct timespec timeout = evb_ns_timespec(left_ns > 0 ? left_ns : 0);

		call = "epoll_pwait2";
		n = (int)syscall(SYS_epoll_pwait2, cl->epfd, cl->events, CLIENT_EVENTS,
				 &timeout, NULL, 0);
	} else {
		n = epoll_wait(cl->epfd, cl->events, CLIENT_EVENTS, -1);
	}
	if (n < 0 && errno != EINTR)
		return client_fail(cl, call, -errno);
	for (int i = 0; i < n; i++) {
		const struct epoll_event *ev = &cl->events[i];
		struct client_conn *c;
		int ret = 0;

		if (ev->data.u64 == CLIENT_TIMER_TOKEN)
			continue;   /* the open loop looks at the clock itself */
		c = &cl->conns[ev->data.u64];
		if (ev->events & (EPOLLIN | EPOLLERR | EPOLLHUP))
			ret = conn_readable(cl, c);
		if (!ret && c->pending && (!c->out_armed || (ev->events & EPOLLOUT)))
			ret = conn_flush(cl, c);
		if (ret)
			return ret;
	}
	return 0;
}

int client_run_closed(struct client *cl)
{
	struct client_phase *ph = &cl->ph;
	int ret = 0;

	for (int64_t k = 0; k < cl->active && !ret; k++) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, k)];
		int64_t n = MIN(cl->cfg->depth, ph->total - ph->queued);

		c->pending += (uint64_t)n;
		ph->queued += n;
		ret = conn_flush(cl, c);
	}
	while (!ret && ph->received < ph->total)
		ret = client_events(cl);
	return ret;
}

/* --- open loop ---------------------------------------------------------- */

/* Each request's due time after t0: k / rate, or Poisson gaps of mean
 * 1 / rate from the seeded generator. */
static void open_schedule(struct client *cl, double rate)
{
	double gap_ns = 1e9 / rate;
	double t_ns = 0;
	struct evb_rng rng;

	evb_rng_seed(&rng, cl->cfg->seed);
	for (int64_t k = 0; k < cl->ph.total; k++) {
		if (cl->cfg->arrival == SERVE_UNIFORM) {
			cl->due_off[k] = (int64_t)((double)k * gap_ns);
			continue;
		}
		cl->due_off[k] = (int64_t)t_ns;
		/* u in (0, 1]: -log(u) is an exponential gap of mean 1 */
		double u = (double)((evb_rng_next(&rng) >> 11) + 1) * 0x1p-53;

		t_ns -= log(u) * gap_ns;
	}
}

/* The next wait ends at the next due time (none when every request is
 * out): epoll_pwait2's timeout, or the timerfd (re)armed or disarmed. */
static int open_timer(struct client *cl)
{
	const struct client_phase *ph = &cl->ph;
	int64_t at = ph->queued < ph->total ? cl->t0 + cl->due_off[ph->queued] : 0;
	struct itimerspec its = { .it_value = evb_ns_timespec(at) };

	cl->wake_ns = at;
	if (cl->pwait2 || at == cl->timer_armed_ns)
		return 0;
	if (timerfd_settime(cl->timerfd, TFD_TIMER_ABSTIME, &its, NULL))
		return client_fail(cl, "timerfd_settime", -errno);
	cl->timer_armed_ns = at;
	return 0;
}

/* The start edge, read once before the first measured request is sent. */
static int open_edge(struct client *cl)
{
	struct client_phase *ph = &cl->ph;

	if (!ph->measure || ph->started || ph->queued != ph->warmup)
		return 0;
	ph->started = true;
	ph->start_ns = cl->t0 + cl->due_off[ph->warmup];
	return client_edge_read(cl, &cl->edge[0]);
}

/* Make every request due by now pending on its connection, then write. */
static int open_send_due(struct client *cl)
{
	struct client_phase *ph = &cl->ph;
	int64_t now = evb_now_ns();
	int ret = 0;

	while (ph->queued < ph->total && cl->t0 + cl->due_off[ph->queued] <= now) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, ph->queued % cl->active)];

		ret = open_edge(cl);
		if (ret)
			return ret;
		c->pending++;
		ph->queued++;
		if (!c->dirty) {
			c->dirty = true;
			cl->dirty[cl->ndirty++] = c->index;
		}
	}
	for (int64_t i = 0; i < cl->ndirty; i++) {
		struct client_conn *c = &cl->conns[cl->dirty[i]];

		c->dirty = false;
		if (!ret && !c->out_armed)   /* armed: EPOLLOUT will write */
			ret = conn_flush(cl, c);
	}
	cl->ndirty = 0;
	return ret;
}

int client_run_open(struct client *cl, double rate)
{
	struct client_phase *ph = &cl->ph;
	int ret = 0;

	ph->open = true;
	open_schedule(cl, rate);
	for (int64_t k = 0; k < cl->active; k++) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, k)];

		c->open_seq0 = c->next_send;
	}
	if (ph->measure && !ph->warmup) {   /* the window starts at t0 */
		ph->started = true;
		ret = client_edge_read(cl, &cl->edge[0]);
	}
	cl->t0 = evb_now_ns();
	ph->start_ns = cl->t0;
	while (!ret && ph->received < ph->total) {
		ret = open_send_due(cl);
		if (!ret)
			ret = open_edge(cl);
		if (!ret)
			ret = open_timer(cl);
		if (!ret)
			ret = client_events(cl);
	}
	cl->wake_ns = 0;
	if (!ret && cl->timer_armed_ns) {
		ph->queued = ph->total;
		ret = open_timer(cl);   /* disarm */
	}
	return ret;
}
