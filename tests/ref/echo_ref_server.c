/*
 * echo_ref server: accept all --conns connections on 127.0.0.1 (blocking),
 * write "echo_ref <kind>\n" on the first, then echo until all are closed.
 *   epoll          level-triggered; one read(2) per readiness, the same
 *                  bytes written back (blocking sockets, so whole)
 *   uring-default  io_uring without setup flags: completion work is task
 *                  work signalled to this thread
 *   uring-defer    IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN: the work runs
 *                  when this thread waits in io_uring_submit_and_wait
 * Both io_uring kinds: one multishot recv per connection into a provided
 * buffer ring, a send of each received buffer (in order, one in flight per
 * connection), the recv rearmed when a CQE lacks IORING_CQE_F_MORE, and
 * ENOBUFS rearmed once a buffer is back.  Prints one line at the end:
 * served_bytes=<n> conns=<N> server=<kind> enobufs=<n>.
 */
#include "echo_ref.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>


static void accept_all(const struct ref_opts *o, int *fds)
{
	int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port),
	                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	if (lfd < 0)
		ref_die("socket", errno);
	if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
		ref_die("setsockopt SO_REUSEADDR", errno);
	if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		ref_die("bind 127.0.0.1", errno);
	if (listen(lfd, o->conns) != 0)
		ref_die("listen", errno);
	if (getsockname(lfd, (struct sockaddr *)&addr, &len) != 0)
		ref_die("getsockname", errno);
	if (printf("listening port=%d\n", ntohs(addr.sin_port)) < 0 || fflush(stdout) != 0)
		ref_die("write stdout", errno);
	for (int i = 0; i < o->conns; i++) {
		fds[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fds[i] < 0 && errno == EINTR) {
			i--;
			continue;
		}
		if (fds[i] < 0)
			ref_die("accept4", errno);
		if (setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
			ref_die("setsockopt TCP_NODELAY", errno);
	}
	if (close(lfd) != 0)
		ref_die("close listener", errno);
	char hello[32];
	int n = snprintf(hello, sizeof(hello), "echo_ref %s\n", ref_kind_names[o->kind]);
	ref_write_all(fds[0], hello, (size_t)n);
}

/* Level-triggered epoll: one read per readiness, the same bytes written back. */
static unsigned long long serve_epoll(const struct ref_opts *o, int *fds)
{
	static char buf[REF_BUF_SIZE];
	struct epoll_event events[256];
	unsigned long long bytes = 0;
	int open = o->conns, epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		ref_die("epoll_create1", errno);
	for (int i = 0; i < o->conns; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			ref_die("epoll_ctl ADD", errno);
	}
	while (open > 0) {
		int n = epoll_wait(epfd, events, 256, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ref_die("epoll_wait", errno);
		for (int k = 0; k < n; k++) {
			int fd = fds[events[k].data.u32];
			ssize_t got = read(fd, buf, sizeof(buf));
			if (got < 0)
				ref_die("read", errno);
			if (got == 0) {
				if (epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL) != 0 || close(fd) != 0)
					ref_die("epoll_ctl DEL / close", errno);
				open--;
				continue;
			}
			ref_write_all(fd, buf, (size_t)got);
			bytes += (unsigned long long)got;
		}
	}
	if (close(epfd) != 0)
		ref_die("close epoll", errno);
	return bytes;
}

/* io_uring server state: a provided buffer ring; per connection a FIFO of
 * received buffers whose head is being sent (one send in flight, in order). */
struct uring_srv {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	char *bufs;
	unsigned nbufs, free_bufs;
	int *fds, *head, *tail, *eof, *waiting, nwaiting, open;
	int *next, *len, *off; /* per buffer */
	unsigned long long bytes, enobufs;
};
enum { URING_RECV = 0, URING_SEND = 1 };

static void uring_arm_recv(struct uring_srv *s, int c)
{
	struct io_uring_sqe *sqe = ref_get_sqe(&s->ring);
	io_uring_prep_recv_multishot(sqe, s->fds[c], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 0;
	io_uring_sqe_set_data64(sqe, (uint64_t)c << 1 | URING_RECV);
}

static void uring_send_head(struct uring_srv *s, int c)
{
	int bid = s->head[c];
	struct io_uring_sqe *sqe = ref_get_sqe(&s->ring);
	io_uring_prep_send(sqe, s->fds[c], s->bufs + (size_t)bid * REF_BUF_SIZE + s->off[bid],
	                   (size_t)(s->len[bid] - s->off[bid]), MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, (uint64_t)c << 1 | URING_SEND);
}

static void uring_close_if_done(struct uring_srv *s, int c)
{
	if (s->eof[c] && s->head[c] < 0) {
		if (close(s->fds[c]) != 0)
			ref_die("close", errno);
		s->eof[c] = 0;
		s->open--;
	}
}

static void uring_on_recv(struct uring_srv *s, int c, struct io_uring_cqe *cqe)
{
	if (cqe->res == -ENOBUFS) { /* the multishot ended: rearm once a buffer is back */
		s->enobufs++;
		if (s->free_bufs > 0)
			uring_arm_recv(s, c);
		else
			s->waiting[s->nwaiting++] = c;
		return;
	}
	if (cqe->res < 0)
		ref_die("multishot recv", -cqe->res);
	if (cqe->res == 0) {
		s->eof[c] = 1;
		uring_close_if_done(s, c);
		return;
	}
	if (!(cqe->flags & IORING_CQE_F_BUFFER))
		ref_die("multishot recv: a CQE without its buffer", EINVAL);
	int bid = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
	s->free_bufs--;
	s->len[bid] = cqe->res, s->off[bid] = 0, s->next[bid] = -1;
	s->bytes += (unsigned long long)cqe->res;
	if (s->head[c] < 0) {
		s->head[c] = s->tail[c] = bid;
		uring_send_head(s, c);
	} else {
		s->next[s->tail[c]] = bid;
		s->tail[c] = bid;
	}
	if (!(cqe->flags & IORING_CQE_F_MORE))
		uring_arm_recv(s, c);
}

static void uring_on_send(struct uring_srv *s, int c, int res)
{
	int bid = s->head[c];
	if (res < 0)
		ref_die("send", -res);
	s->off[bid] += res;
	if (s->off[bid] < s->len[bid]) { /* short send: the rest, still in order */
		uring_send_head(s, c);
		return;
	}
	io_uring_buf_ring_add(s->br, s->bufs + (size_t)bid * REF_BUF_SIZE, REF_BUF_SIZE,
	                      (unsigned short)bid, io_uring_buf_ring_mask(s->nbufs), 0);
	io_uring_buf_ring_advance(s->br, 1);
	s->free_bufs++;
	if (s->nwaiting > 0)
		uring_arm_recv(s, s->waiting[--s->nwaiting]);
	s->head[c] = s->next[bid];
	if (s->head[c] >= 0)
		uring_send_head(s, c);
	uring_close_if_done(s, c);
}

static void uring_setup_bufs(struct uring_srv *s, const struct ref_opts *o)
{
	s->nbufs = o->bufs > 0 ? (unsigned)o->bufs : 64;
	while (o->bufs == 0 && s->nbufs < 2u * (unsigned)o->conns && s->nbufs < 32768)
		s->nbufs *= 2;
	size_t ring_bytes = s->nbufs * sizeof(struct io_uring_buf);
	s->br = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s->bufs = malloc((size_t)s->nbufs * REF_BUF_SIZE);
	s->next = calloc(s->nbufs * 3, sizeof(int));
	if (s->br == MAP_FAILED || !s->bufs || !s->next)
		ref_die("buffer ring memory", ENOMEM);
	s->len = s->next + s->nbufs, s->off = s->len + s->nbufs;
	struct io_uring_buf_reg reg = { .ring_addr = (uint64_t)(uintptr_t)s->br,
	                                .ring_entries = s->nbufs, .bgid = 0 };
	int ret = io_uring_register_buf_ring(&s->ring, &reg, 0);
	if (ret < 0)
		ref_die("io_uring_register_buf_ring", -ret);
	io_uring_buf_ring_init(s->br);
	for (unsigned b = 0; b < s->nbufs; b++)
		io_uring_buf_ring_add(s->br, s->bufs + (size_t)b * REF_BUF_SIZE, REF_BUF_SIZE,
		                      (unsigned short)b, io_uring_buf_ring_mask(s->nbufs), (int)b);
	io_uring_buf_ring_advance(s->br, (int)s->nbufs);
	s->free_bufs = s->nbufs;
}

/* The ring is made (s->ring) before accepting, so a skip reaches no client. */
static unsigned long long serve_uring(const struct ref_opts *o, int *fds,
                                      struct uring_srv *s, unsigned long long *enobufs)
{
	s->fds = fds, s->open = o->conns;
	uring_setup_bufs(s, o);
	s->head = malloc(4 * sizeof(int) * (size_t)o->conns);
	if (!s->head)
		ref_die("malloc", ENOMEM);
	s->tail = s->head + o->conns, s->eof = s->tail + o->conns, s->waiting = s->eof + o->conns;
	for (int c = 0; c < o->conns; c++) {
		s->head[c] = -1, s->eof[c] = 0;
		uring_arm_recv(s, c);
	}
	while (s->open > 0) {
		int ret = io_uring_submit_and_wait(&s->ring, 1); /* under defer: runs the task work */
		if (ret < 0 && ret != -EINTR)
			ref_die("io_uring_submit_and_wait", -ret);
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			int c = (int)(cqe->user_data >> 1);
			if ((cqe->user_data & 1) == URING_RECV)
				uring_on_recv(s, c, cqe);
			else
				uring_on_send(s, c, cqe->res);
			seen++;
		}
		io_uring_cq_advance(&s->ring, seen);
	}
	io_uring_queue_exit(&s->ring);
	if (munmap(s->br, s->nbufs * sizeof(struct io_uring_buf)) != 0)
		ref_die("munmap buffer ring", errno);
	free(s->head);
	free(s->next);
	free(s->bufs);
	*enobufs = s->enobufs;
	return s->bytes;
}

int ref_server(const struct ref_opts *o)
{
	unsigned long long bytes, enobufs = 0;
	struct uring_srv uring = { .open = 0 };
	int *fds = malloc(sizeof(int) * (size_t)o->conns);
	if (!fds)
		ref_die("malloc", ENOMEM);
	if (o->kind != REF_EPOLL)
		ref_ring_init(&uring.ring, o->conns, o->kind == REF_URING_DEFER);
	accept_all(o, fds);
	if (o->kind == REF_EPOLL)
		bytes = serve_epoll(o, fds);
	else
		bytes = serve_uring(o, fds, &uring, &enobufs);
	free(fds);
	if (printf("served_bytes=%llu conns=%d server=%s enobufs=%llu\n", bytes, o->conns,
	           ref_kind_names[o->kind], enobufs) < 0 || fflush(stdout) != 0)
		ref_die("write stdout", errno);
	return 0;
}
