/*
 * echo_ref: a reference echo server and closed-loop client, written apart
 * from evb-serve so that its uring/epoll ratio can be checked against an
 * independent one (docs/crosscheck.md).  liburing and libc only.
 */
#ifndef ECHO_REF_H
#define ECHO_REF_H

#include <liburing.h>
#include <stddef.h>
#include <stdint.h>

#define REF_MAX_CONNS 10000
#define REF_BUF_SIZE 4096 /* a server buffer; also the largest --msg-size */
#define REF_SKIP 77       /* exit status: io_uring or the setup's flags unavailable */

enum ref_kind { REF_CLIENT, REF_EPOLL, REF_URING_DEFAULT, REF_URING_DEFER };
extern const char *const ref_kind_names[];

struct ref_opts {
	int kind, port, cpu, conns, seconds, msg_size;
	int bufs; /* server: provided buffers, a power of two; 0: 2 per connection, >= 64 */
};

/* Helpers (echo_ref.c): each failure prints the failing call and exits 1. */
void ref_die(const char *what, int err);
int64_t ref_now_ns(void);
void ref_write_all(int fd, const char *buf, size_t len);
void ref_ring_init(struct io_uring *ring, int conns, int defer);
struct io_uring_sqe *ref_get_sqe(struct io_uring *ring);

int ref_server(const struct ref_opts *o); /* echo_ref_server.c */
int ref_client(const struct ref_opts *o); /* echo_ref_client.c */

#endif
