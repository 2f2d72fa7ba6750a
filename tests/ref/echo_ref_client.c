/*
 * echo_ref client: a closed loop over --conns connections, each keeping one
 * --msg-size request outstanding (depth 1), driven by one batched io_uring
 * (SINGLE_ISSUER | DEFER_TASKRUN where the kernel has it, else the default
 * flags: the client is the same whatever server it measures).
 *
 *   connect all ─ read the greeting on conn 0 ─ t0 ─ send+recv on every conn
 *   ─ each batch: submit_and_wait(1), every CQE: a whole echo? verify it,
 *   count it, send the next ─ until t0 + S ─ drain the requests in flight.
 *
 * One request is a send of msg_size bytes whose content names the connection
 * and the request's number, then recvs until msg_size bytes came back; the
 * bytes must be the ones sent.  Prints req_per_s=<n> conns=<N> server=<kind>
 * (the kind from the server's greeting).
 */
#include "echo_ref.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define CLIENT_WAIT_NS 5000000000LL /* longest wait for any response */

struct client {
	struct io_uring ring;
	const struct ref_opts *o;
	int *fds;
	unsigned *got, *seq;
	unsigned char *tx, *rx; /* msg_size bytes per connection */
	int stopped, in_flight;
	unsigned long long done;
};
enum { CLIENT_SEND = 0, CLIENT_RECV = 1 };

static int connect_one(int port)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0)
		ref_die("socket", errno);
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		ref_die("connect 127.0.0.1", errno);
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
		ref_die("setsockopt TCP_NODELAY", errno);
	return fd;
}

/* "echo_ref <kind>\n" from the server once it has accepted every connection. */
static void read_greeting(int fd, char *kind, size_t size)
{
	char line[64];
	size_t len = 0;
	while (len == 0 || line[len - 1] != '\n') {
		if (len == sizeof(line) - 1) {
			fprintf(stderr, "echo_ref: the server's greeting is longer than %zu bytes\n", len);
			exit(1);
		}
		ssize_t n = read(fd, line + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ref_die("read greeting", errno);
		if (n == 0) {
			fprintf(stderr, "echo_ref: the server closed before its greeting\n");
			exit(1);
		}
		len++;
	}
	line[len - 1] = '\0';
	if (strncmp(line, "echo_ref ", 9) != 0 || strlen(line + 9) >= size) {
		fprintf(stderr, "echo_ref: not an echo_ref greeting: '%s'\n", line);
		exit(1);
	}
	strcpy(kind, line + 9);
}

static void queue_recv(struct client *cl, int c)
{
	size_t size = (size_t)cl->o->msg_size;
	struct io_uring_sqe *sqe = ref_get_sqe(&cl->ring);
	io_uring_prep_recv(sqe, cl->fds[c], cl->rx + (size_t)c * size + cl->got[c],
	                   size - cl->got[c], 0);
	io_uring_sqe_set_data64(sqe, (uint64_t)c << 1 | CLIENT_RECV);
}

/* The next request on connection c: fresh bytes, a send and its recv. */
static void queue_request(struct client *cl, int c)
{
	size_t size = (size_t)cl->o->msg_size;
	unsigned char *tx = cl->tx + (size_t)c * size;
	for (size_t i = 0; i < size; i++)
		tx[i] = (unsigned char)(c * 131u + cl->seq[c] * 7u + i);
	cl->got[c] = 0;
	struct io_uring_sqe *sqe = ref_get_sqe(&cl->ring);
	io_uring_prep_send(sqe, cl->fds[c], tx, size, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, (uint64_t)c << 1 | CLIENT_SEND);
	queue_recv(cl, c);
}

static void on_cqe(struct client *cl, const struct io_uring_cqe *cqe)
{
	int c = (int)(cqe->user_data >> 1);
	unsigned size = (unsigned)cl->o->msg_size;
	if ((cqe->user_data & 1) == CLIENT_SEND) {
		if (cqe->res < 0)
			ref_die("send", -cqe->res);
		if ((unsigned)cqe->res != size) {
			fprintf(stderr, "echo_ref: connection %d: send took %d of %u bytes\n", c,
			        cqe->res, size);
			exit(1);
		}
		return;
	}
	if (cqe->res < 0)
		ref_die("recv", -cqe->res);
	if (cqe->res == 0) {
		fprintf(stderr, "echo_ref: connection %d: the server closed it after %u of %u bytes "
		        "of response %u\n", c, cl->got[c], size, cl->seq[c]);
		exit(1);
	}
	cl->got[c] += (unsigned)cqe->res;
	if (cl->got[c] < size) { /* part of the echo: wait for the rest */
		queue_recv(cl, c);
		return;
	}
	if (memcmp(cl->rx + (size_t)c * size, cl->tx + (size_t)c * size, size) != 0) {
		fprintf(stderr, "echo_ref: connection %d: response %u differs from its request\n", c,
		        cl->seq[c]);
		exit(1);
	}
	cl->done++;
	cl->seq[c]++;
	if (cl->stopped)
		cl->in_flight--;
	else
		queue_request(cl, c);
}

/* One batch: submit what was queued, wait for a completion, handle them all. */
static void client_batch(struct client *cl)
{
	struct __kernel_timespec wait = { .tv_sec = CLIENT_WAIT_NS / 1000000000 };
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int ret = io_uring_submit_and_wait_timeout(&cl->ring, &cqe, 1, &wait, NULL);
	if (ret == -ETIME) {
		fprintf(stderr, "echo_ref: no response within %lld s\n", CLIENT_WAIT_NS / 1000000000);
		exit(1);
	}
	if (ret < 0 && ret != -EINTR)
		ref_die("io_uring_submit_and_wait_timeout", -ret);
	io_uring_for_each_cqe(&cl->ring, head, cqe) {
		if (cqe->user_data != LIBURING_UDATA_TIMEOUT)
			on_cqe(cl, cqe);
		seen++;
	}
	io_uring_cq_advance(&cl->ring, seen);
}

/* This process's user + system CPU time so far. */
static int64_t cpu_ns(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		ref_die("getrusage", errno);
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
	       ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static void client_alloc(struct client *cl, int conns, size_t size)
{
	cl->fds = calloc((size_t)conns, sizeof(int));
	cl->got = calloc((size_t)conns * 2, sizeof(unsigned));
	cl->tx = malloc((size_t)conns * size * 2);
	if (!cl->fds || !cl->got || !cl->tx)
		ref_die("malloc", ENOMEM);
	cl->seq = cl->got + conns;
	cl->rx = cl->tx + (size_t)conns * size;
}

int ref_client(const struct ref_opts *o)
{
	struct client cl = { .o = o };
	char kind[32];
	struct io_uring probe;
	if (io_uring_queue_init(8, &probe, IORING_SETUP_SINGLE_ISSUER |
	                        IORING_SETUP_DEFER_TASKRUN) == 0) {
		io_uring_queue_exit(&probe);
		ref_ring_init(&cl.ring, o->conns, 1);
	} else {
		ref_ring_init(&cl.ring, o->conns, 0);
	}
	client_alloc(&cl, o->conns, (size_t)o->msg_size);
	for (int c = 0; c < o->conns; c++)
		cl.fds[c] = connect_one(o->port);
	read_greeting(cl.fds[0], kind, sizeof(kind));
	int64_t t0 = ref_now_ns(), t_end = 0, cpu0 = cpu_ns(), cpu_end = 0;
	unsigned long long in_window = 0;
	for (int c = 0; c < o->conns; c++)
		queue_request(&cl, c);
	while (!cl.stopped || cl.in_flight > 0) {
		client_batch(&cl);
		int64_t now = ref_now_ns();
		if (!cl.stopped && now - t0 >= (int64_t)o->seconds * 1000000000) {
			cl.stopped = 1, cl.in_flight = o->conns;
			t_end = now, in_window = cl.done, cpu_end = cpu_ns();
		}
	}
	io_uring_queue_exit(&cl.ring);
	for (int c = 0; c < o->conns; c++)
		if (close(cl.fds[c]) != 0)
			ref_die("close", errno);
	free(cl.fds);
	free(cl.got);
	free(cl.tx);
	fprintf(stderr, "echo_ref: the client used %.0f%% of its CPU\n",
	        100.0 * (double)(cpu_end - cpu0) / (double)(t_end - t0));
	if (printf("req_per_s=%.0f conns=%d server=%s\n", (double)in_window * 1e9 /
	           (double)(t_end - t0), o->conns, kind) < 0 || fflush(stdout) != 0)
		ref_die("write stdout", errno);
	return 0;
}
