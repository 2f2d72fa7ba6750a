/*
 * server.c - what every serve mechanism shares (serve.h): the connections'
 * buffers, answering whole requests, writing the responses, closing.
 *
 * One connection's bytes:
 *
 *   in   [ answered and dropped | whole requests ... | part of the next ]
 *        each whole request is checked (len, conn, seq), costs --work-ns
 *        of spinning, and is copied, header and all, into out
 *   out  [ written (out_done) | built, not yet written (out_have) | room ]
 *
 * in holds max(msg_size, 16 KiB), so a read can take several pipelined
 * requests at once; out holds twice that, so one read's requests always
 * fit after a flush.  Nothing here allocates once the buffers are made.
 */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evb_clock.h"
#include "serve.h"

#define SERVE_IN_MIN (16 * 1024)

int serve_conns_alloc(struct serve_srv *s)
{
	const struct serve_cfg *cfg = s->cfg;
	size_t in_cap = (size_t)cfg->msg_size > SERVE_IN_MIN ? (size_t)cfg->msg_size
							       : SERVE_IN_MIN;

	s->nconns = cfg->connections;
	s->conns = calloc((size_t)s->nconns, sizeof(*s->conns));
	if (!s->conns)
		return -ENOMEM;
	for (int64_t i = 0; i < s->nconns; i++) {
		struct serve_conn *c = &s->conns[i];

		c->fd = -1;
		c->index = (uint32_t)i;
		c->in_cap = in_cap;
		c->out_cap = 2 * in_cap;
		c->in = malloc(c->in_cap);
		c->out = malloc(c->out_cap);
		if (!c->in || !c->out) {
			serve_conns_free(s);
			return -ENOMEM;
		}
	}
	s->max_fd = -1;
	return 0;
}

void serve_conns_free(struct serve_srv *s)
{
	for (int64_t i = 0; s->conns && i < s->nconns; i++) {
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
		free(s->conns[i].in);
		free(s->conns[i].out);
	}
	free(s->conns);
	s->conns = NULL;
}

int serve_fail(struct serve_srv *s, const char *call, int err)
{
	evb_side_errors_set(s->errors, 0, call, -abs(err));
	return -abs(err);
}

/* Publish a running count: the server's one writer stores it, a thread of
 * several adds its own step. */
static void serve_publish(const struct serve_srv *s, _Atomic uint64_t *to, uint64_t total)
{
	if (s->live_add)
		atomic_fetch_add_explicit(to, 1, memory_order_relaxed);
	else
		atomic_store_explicit(to, total, memory_order_relaxed);
}

void serve_ready(struct serve_srv *s)
{
	if (s->ready)
		atomic_store_explicit(s->ready, 1, memory_order_release);
}

void serve_woke(struct serve_srv *s)
{
	s->wakeups++;
	if (s->live)
		serve_publish(s, &s->live->wakeups, s->wakeups);
}

/* The test's injected stall: once, when the served count reaches stall_at. */
static void serve_maybe_stall(struct serve_srv *s)
{
	struct timespec ts;

	if (!s->stall_at || s->served < s->stall_at)
		return;
	s->stall_at = 0;
	ts = evb_ns_timespec(s->cfg->inject_stall_ns);
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Make room at the end of out by dropping what was written. */
static void serve_out_compact(struct serve_conn *c)
{
	if (!c->out_done)
		return;
	memmove(c->out, c->out + c->out_done, c->out_have - c->out_done);
	c->out_have -= c->out_done;
	c->out_done = 0;
}

/* Answer every whole request in c->in that out can take. */
static int serve_answer(struct serve_srv *s, struct serve_conn *c)
{
	size_t msg = (size_t)s->cfg->msg_size, pos = 0;
	int answered = 0, ret = 0;

	while (c->in_have - pos >= msg) {
		struct serve_msg head;

		if (c->out_cap - c->out_have < msg)
			serve_out_compact(c);
		if (c->out_cap - c->out_have < msg) {
			ret = -ENOBUFS;
			break;
		}
		memcpy(&head, c->in + pos, sizeof(head));
		if (head.len != msg || head.conn != c->index || head.seq != c->served) {
			char call[160];

			snprintf(call, sizeof(call),
				 "request on connection %u: len %u conn %u seq %llu, expected "
				 "%zu, %u, %llu", c->index, head.len, head.conn,
				 (unsigned long long)head.seq, msg, c->index,
				 (unsigned long long)c->served);
			return serve_fail(s, call, EPROTO);
		}
		if (s->cfg->work_ns > 0)
			evb_spin_ns(s->cfg->work_ns);   /* the handler's cost */
		memcpy(c->out + c->out_have, c->in + pos, msg);
		c->out_have += msg;
		pos += msg;
		c->served++;
		s->served++;
		if (s->live)
			serve_publish(s, &s->live->served, s->served);
		answered++;
		serve_maybe_stall(s);
	}
	if (pos) {
		memmove(c->in, c->in + pos, c->in_have - pos);
		c->in_have -= pos;
	}
	return ret ? ret : answered;
}

/*
 * data may be c->in + c->in_have itself (a read or recv straight into the
 * buffer).  n must fit in what c->in has free once its whole requests are
 * answered: at most in_cap - (msg_size - 1) bytes when out is empty.
 */
int serve_conn_input(struct serve_srv *s, struct serve_conn *c, const char *data, size_t n)
{
	if (n > c->in_cap - c->in_have) {
		int ret = serve_answer(s, c);

		if (ret < 0)
			return ret;
		if (n > c->in_cap - c->in_have)
			return serve_fail(s, "input: more bytes than the input buffer holds",
					  EMSGSIZE);
	}
	if (n && data != c->in + c->in_have)
		memmove(c->in + c->in_have, data, n);
	c->in_have += n;
	return serve_answer(s, c);
}

void serve_conn_sent(struct serve_conn *c, size_t n)
{
	c->out_done += n;
	if (c->out_done >= c->out_have)
		c->out_done = c->out_have = 0;
}

int serve_conn_flush(struct serve_srv *s, struct serve_conn *c)
{
	while (c->out_done < c->out_have) {
		ssize_t n = write(c->fd, c->out + c->out_done, c->out_have - c->out_done);

		if (n >= 0) {
			serve_conn_sent(c, (size_t)n);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return serve_fail(s, "write", errno);
		/* The client reads slower than we answer: wait for room. */
		struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

		s->blocked_writes++;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return serve_fail(s, "poll (POLLOUT)", errno);
	}
	c->out_done = c->out_have = 0;
	return 0;
}

void serve_conn_close(struct serve_srv *s, struct serve_conn *c)
{
	close(c->fd);
	c->fd = -1;
	s->open--;
	if (s->ended)
		atomic_fetch_add(s->ended, 1);
}

int serve_conn_readable(struct serve_srv *s, struct serve_conn *c, enum serve_read how)
{
	for (;;) {
		size_t room = c->in_cap - c->in_have;
		ssize_t n = read(c->fd, c->in + c->in_have, room);
		int ret;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				s->empty_reads++;
				return 0;
			}
			return serve_fail(s, "read", errno);
		}
		if (n == 0) {
			serve_conn_close(s, c);
			return 1;
		}
		ret = serve_conn_input(s, c, c->in + c->in_have, (size_t)n);
		while (ret == -ENOBUFS) {
			ret = serve_conn_flush(s, c);
			if (!ret)
				ret = serve_conn_input(s, c, NULL, 0);
		}
		if (ret < 0)
			return ret;
		ret = serve_conn_flush(s, c);
		if (ret)
			return ret;
		if (how == SERVE_READ_ONCE || (how == SERVE_READ_FULL && (size_t)n < room))
			return 0;
	}
}

void serve_trace(const struct serve_srv *s)
{
	if (!getenv("EVB_SERVE_TRACE"))
		return;
	fprintf(stderr, "evb-serve: trace: empty reads %llu; served by connection:",
		(unsigned long long)s->empty_reads);
	for (int64_t i = 0; s->conns && i < s->nconns; i++) {
		if (s->conns[i].served)
			fprintf(stderr, " %lld:%llu", (long long)i,
				(unsigned long long)s->conns[i].served);
	}
	fputc('\n', stderr);
}
