/*
 * client_loop.c - the load generator's event loop (client.h): writing the
 * requests that are due, reading and checking responses, and the closed
 * and open modes on top of them.  One epoll instance, level-triggered:
 * EPOLLIN on every active connection, EPOLLOUT only on one whose socket
 * filled up.  The open loop waits for the next due time as
 * client_pace.c says: asleep until the margin before it, then polling.
 */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "evb_clock.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Where the start time of request seq on c lives. */
static int64_t *start_slot(struct client *cl, const struct client_conn *c, uint64_t seq)
{
	uint64_t depth = (uint64_t)cl->cfg->depth;

	return &cl->start[(uint64_t)c->slot * depth + seq % depth];
}

/* Open: request seq on c is the schedule's k-th (due at t0 + due_off[k]). */
static uint64_t open_index(const struct client *cl, const struct client_conn *c, uint64_t seq)
{
	return (seq - c->open_seq0) * (uint64_t)cl->active + (uint64_t)c->slot;
}

/* The time request seq on c started: its send (closed) or due time (open). */
static int64_t start_of(struct client *cl, const struct client_conn *c, uint64_t seq)
{
	if (cl->ph.open)
		return cl->t0 + cl->due_off[open_index(cl, c, seq)];
	return *start_slot(cl, c, seq);
}

/*
 * Open: stamp the send lag of c's requests from c->lag_seq up to upto: now
 * less each one's due time, recorded for the measured ones.  now is the
 * clock read just before the write() that carries a request's first byte,
 * or the time the client found c's socket full with the request due: from
 * there on it waits for the server to read (latency, not lag).
 */
static void conn_stamp_lag(struct client *cl, struct client_conn *c, uint64_t upto, int64_t now)
{
	const struct client_phase *ph = &cl->ph;

	for (; c->lag_seq < upto; c->lag_seq++) {
		uint64_t k = open_index(cl, c, c->lag_seq);

		if (ph->measure && k >= (uint64_t)ph->warmup)
			evb_hist_record(&cl->sh->send_lag, now - (cl->t0 + cl->due_off[k]));
	}
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

/* c's socket is full: the requests due on it wait for EPOLLOUT (their send
 * lag ends here, conn_stamp_lag), and so does every request due on it
 * until all are written (c->backlog). */
static int conn_socket_full(struct client *cl, struct client_conn *c)
{
	if (cl->ph.open) {
		c->backlog = true;
		conn_stamp_lag(cl, c, c->next_send + c->pending, evb_now_ns());
	}
	return conn_want_out(cl, c, true);
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

/* Open: queue c to be written, after those queued before it. */
static void conn_mark_dirty(struct client *cl, struct client_conn *c)
{
	if (c->dirty)
		return;
	c->dirty = true;
	cl->dirty[(cl->dirty_head + cl->ndirty) % cl->active] = c->index;
	cl->ndirty++;
}

/*
 * Open: make every request due by now pending on its connection, and queue
 * the connection to be written.  A request due on a backlogged connection
 * waits behind requests the server has not taken: its send lag ends now.
 * 0 or -errno (the window's start edge).
 */
static int open_take_due(struct client *cl)
{
	struct client_phase *ph = &cl->ph;
	int64_t now = evb_now_ns();

	while (ph->queued < ph->total && cl->t0 + cl->due_off[ph->queued] <= now) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, ph->queued % cl->active)];
		int ret = open_edge(cl);

		if (ret)
			return ret;
		c->pending++;
		ph->queued++;
		cl->idle_since_ns = 0;   /* work: not the pacing's idle time */
		if (c->backlog)
			conn_stamp_lag(cl, c, c->next_send + c->pending, now);
		conn_mark_dirty(cl, c);
	}
	return 0;
}

/*
 * Write c's pending requests, batch_max at a time, from the partial-write
 * offset on.  A closed-loop request's start, and an open-loop request's
 * send lag, are stamped just before the write() that carries its first
 * byte; an open-loop request the socket has no room for, when the write
 * comes back short.  While c is backlogged (its socket was full) the
 * requests that fall due between two writes are taken then, so a request
 * due while the server's backlog is written waits for the server, not for
 * the end of this loop.  0 or -errno.
 */
static int conn_flush(struct client *cl, struct client_conn *c)
{
	size_t msg_size = cl->msg_size;

	while (c->pending) {
		uint64_t batch;
		size_t len;
		int64_t now;
		ssize_t written;
		size_t done;

		if (cl->ph.open && c->backlog) {
			int ret = open_take_due(cl);

			if (ret)
				return ret;
		}
		batch = MIN(c->pending, (uint64_t)cl->batch_max);
		len = batch * msg_size - c->out_off;
		now = evb_now_ns();

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
		if (cl->ph.open)
			conn_stamp_lag(cl, c, c->next_send + batch, now);
		written = write(c->fd, cl->sendbuf + c->out_off, len);
		if (written < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return conn_socket_full(cl, c);
			return client_fail(cl, "write (a request)", -errno);
		}
		done = c->out_off + (size_t)written;
		c->next_send += done / msg_size;
		c->pending -= done / msg_size;
		cl->sh->sent += (int64_t)(done / msg_size);
		c->out_off = done % msg_size;
		if ((size_t)written < len)
			return conn_socket_full(cl, c);
	}
	c->backlog = false;
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

/* One wait, until an event or (open loop) the next due time (client_pace.c),
 * and what it reported.  Without a due time it blocks: the server's
 * watchdog ends a hung run. */
static int client_events(struct client *cl)
{
	int n = client_pace_wait(cl);

	if (n < 0 && errno != EINTR)
		return client_fail(cl, cl->pwait2 && cl->wake_ns ? "epoll_pwait2" : "epoll_wait",
				   -errno);
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

int client_run_closed(struct client *cl, int64_t conns, int64_t depth)
{
	struct client_phase *ph = &cl->ph;
	int ret = 0;

	for (int64_t k = 0; k < conns && !ret; k++) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, k)];
		int64_t n = MIN(depth, ph->total - ph->queued);

		c->pending += (uint64_t)n;
		ph->queued += n;
		ret = conn_flush(cl, c);
	}
	while (!ret && ph->received < ph->total)
		ret = client_events(cl);
	return ret;
}

/* --- open loop ---------------------------------------------------------- */

/* The next wait ends at the next due time (none when every request is
 * out): epoll_pwait2's timeout, or the timerfd (re)armed or disarmed. */
static int open_timer(struct client *cl)
{
	const struct client_phase *ph = &cl->ph;

	cl->wake_ns = ph->queued < ph->total ? cl->t0 + cl->due_off[ph->queued] : 0;
	return client_pace_arm(cl);
}

/* --inject-client-stall-ns: once, the client itself sleeps when half the
 * measured phase's requests are due (its requests leave late). */
static void open_maybe_stall(struct client *cl)
{
	const struct client_phase *ph = &cl->ph;
	struct timespec ts;

	if (!cl->stall_pending || !ph->measure || ph->queued < ph->total / 2)
		return;
	cl->stall_pending = false;
	ts = evb_ns_timespec(cl->cfg->inject_client_stall_ns);
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/*
 * Make every request due by now pending on its connection, then write the
 * connections queued by then, one write() each (those queued meanwhile
 * wait for the next turn, after the responses are read).  Each request's
 * send lag is stamped as it is written (conn_flush), so a request on the
 * last of several connections counts the writes before it.  A request
 * behind a full socket waits for EPOLLOUT: the server's backpressure, in
 * its latency, not the client's lag (conn_socket_full, open_take_due).
 */
static int open_send_due(struct client *cl)
{
	int64_t turn;
	int ret;

	open_maybe_stall(cl);
	ret = open_take_due(cl);
	for (turn = cl->ndirty; turn > 0; turn--) {
		struct client_conn *c = &cl->conns[cl->dirty[cl->dirty_head]];

		cl->dirty_head = (cl->dirty_head + 1) % cl->active;
		cl->ndirty--;
		c->dirty = false;
		if (!ret && !c->out_armed)   /* armed: EPOLLOUT will write */
			ret = conn_flush(cl, c);
	}
	return ret;
}

int client_run_open(struct client *cl, double rate)
{
	struct client_phase *ph = &cl->ph;
	int ret = 0;

	ph->open = true;
	serve_arrival_fill(cl->due_off, ph->total, rate, cl->cfg->arrival, cl->cfg->seed);
	client_pace_probe(cl, rate);
	for (int64_t k = 0; k < cl->active; k++) {
		struct client_conn *c = &cl->conns[client_active_conn(cl, k)];

		c->open_seq0 = c->next_send;
		c->lag_seq = c->next_send;
		c->backlog = false;
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
