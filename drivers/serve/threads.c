/*
 * threads - one thread per connection, blocking read() and write().
 *
 * Each connection is made blocking and gets a thread with a small stack
 * (SERVE_THREAD_STACK; its buffers are the connection's, on the heap) that
 * reads what is there, answers every whole request and writes the
 * responses, until end of file.  The kernel's scheduler is the event loop:
 * a response costs a wakeup of that connection's thread.  wakeups counts
 * the blocking reads that returned data (each thread adds its own to the
 * published count, serve_live).  The main thread only starts and
 * joins them; every thread's CPU is the process's (server_cpu_ns).  Each
 * thread answers into its own copy of the server's counters, summed at the
 * join; the injected stall (a test's) is connection 0's thread's, after its
 * share of the requests.  More connections than --threads-cap are refused
 * (a skipped row naming the cap).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "serve.h"

#define SERVE_THREAD_STACK (64 * 1024)

struct serve_thread {
	pthread_t thread;
	struct serve_srv srv;           /* this thread's copy: its counts */
	struct serve_conn *conn;
	struct evb_side_errors errors;  /* its first failure */
	int ret;
};

static int threads_supported(const struct serve_cfg *cfg, char *reason, size_t len)
{
	if (cfg && cfg->connections > cfg->threads_cap) {
		snprintf(reason, len, "threads: %lld connections > --threads-cap %lld "
			 "(one thread each)", (long long)cfg->connections,
			 (long long)cfg->threads_cap);
		return -ENOTSUP;
	}
	return 0;
}

static void *threads_main(void *arg)
{
	struct serve_thread *t = arg;
	struct serve_conn *c = t->conn;
	int flags = fcntl(c->fd, F_GETFL);

	if (flags < 0 || fcntl(c->fd, F_SETFL, flags & ~O_NONBLOCK)) {
		t->ret = serve_fail(&t->srv, "fcntl (clear O_NONBLOCK)", errno);
		return NULL;
	}
	for (;;) {
		int ret = serve_conn_readable(&t->srv, c, SERVE_READ_ONCE);

		if (ret == 1)
			break;
		if (ret < 0) {
			/* The client ends at this, closing every connection. */
			shutdown(c->fd, SHUT_RDWR);
			t->ret = ret;
			break;
		}
		serve_woke(&t->srv);
	}
	return NULL;
}

/* Start one thread per connection, signals blocked in them.  0 or -errno. */
static int threads_start(struct serve_srv *s, struct serve_thread *t, int64_t *started)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int ret = -pthread_attr_init(&attr);

	if (ret)
		return serve_fail(s, "pthread_attr_init", ret);
	ret = -pthread_attr_setstacksize(&attr, SERVE_THREAD_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (int64_t i = 0; !ret && i < s->nconns; i++) {
		t[i].srv = *s;
		t[i].srv.errors = &t[i].errors;
		t[i].srv.served = 0;
		t[i].srv.wakeups = 0;
		t[i].srv.blocked_writes = 0;
		t[i].srv.empty_reads = 0;
		t[i].srv.live_add = true;       /* each thread adds to s->live */
		t[i].srv.open = 1;
		/* The stall: connection 0's, after its share of the requests. */
		t[i].srv.stall_at = i == 0 ? s->stall_at / (uint64_t)s->cfg->active : 0;
		if (i == 0 && s->stall_at && !t[i].srv.stall_at)
			t[i].srv.stall_at = 1;
		t[i].conn = &s->conns[i];
		ret = -pthread_create(&t[i].thread, &attr, threads_main, &t[i]);
		if (!ret)
			(*started)++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return ret ? serve_fail(s, "pthread_create", ret) : 0;
}

static int threads_serve(struct serve_srv *s)
{
	struct serve_thread *t = calloc((size_t)s->nconns, sizeof(*t));
	int64_t started = 0;
	int ret;

	if (!t)
		return serve_fail(s, "allocating the threads", ENOMEM);
	ret = threads_start(s, t, &started);
	if (!ret)   /* each thread's first read() follows at once */
		serve_ready(s);
	if (ret) {
		/* End the ones running: their reads see end of file. */
		for (int64_t i = 0; i < started; i++)
			shutdown(s->conns[i].fd, SHUT_RDWR);
	}
	for (int64_t i = 0; i < started; i++) {
		pthread_join(t[i].thread, NULL);
		s->served += t[i].srv.served;
		s->wakeups += t[i].srv.wakeups;
		s->blocked_writes += t[i].srv.blocked_writes;
		s->empty_reads += t[i].srv.empty_reads;
		s->open -= 1 - t[i].srv.open;
		if (t[i].ret && !ret) {
			evb_side_errors_set(s->errors, 0, t[i].errors.failed_call[0],
					    t[i].errors.error[0]);
			ret = t[i].ret;
		}
	}
	free(t);
	return ret;
}

const struct serve_ops serve_threads_ops = {
	.base = {
		.name = "threads",
		.summary = "a thread per connection (64 KiB stack), blocking read/write",
	},
	.own_fds = 0,
	.supported = threads_supported,
	.serve = threads_serve,
};
