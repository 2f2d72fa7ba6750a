/*
 * serve.h - the serve family: a request/response server over TCP loopback,
 * measured from a load generator that keeps wrk2's rule (latency from the
 * time a request was due, not from when it could be sent).
 *
 * Processes (main.c):
 *   server   the driver's own process, side A, the measured side: one
 *            event-loop thread (the main thread, pinned) serving
 *            --connections N accepted TCP connections with one mechanism
 *            (select, poll, epoll, io_uring; threads: one blocking thread
 *            per connection).  Its CPU is the whole process's, every
 *            thread included (io_uring's io-wq workers are threads of it).
 *   client   side B, a fork()ed process, pinned (--placement same-cpu: the
 *            server's CPU; cross-cpu: another), epoll-based, the same for
 *            every server mechanism: it opens the N connections, of which
 *            --active K carry requests, and measures.
 *
 * Protocol: a request is --msg-size bytes (16 .. 65536), starting with a
 * struct serve_msg; the server reads the whole request, spins --work-ns of
 * busy work (a handler's cost), and sends back a response of the same size
 * whose header echoes the request's.  A connection's requests are answered
 * in order.  The client checks every response (length, connection,
 * sequence): a wrong one is counted (spurious) and fails the row, a missing
 * one is lost.
 *
 * Modes (the client's):
 *   closed   each active connection keeps --depth D requests outstanding;
 *            a response's latency is from its request's send; the rate is
 *            what the server sustains.
 *   open     --rate R requests per second in total (or R% of the
 *            capacity a search measured first, see capacity), due at
 *            uniform or Poisson (--arrival) spacing, spread over the active
 *            connections in turn; a response's latency is from the time
 *            its request was due, so a server stall shows in every request
 *            queued behind it.
 *   capacity a search (client_search.c) of short open-loop steps for the
 *            highest offered rate the server sustains (achieved within 5%
 *            of offered, the client's send lag within its bound, and with
 *            --slo-ns a latency p99 within it), then the measured run: an
 *            open loop at that rate (capacity_per_s).
 *
 * Before an open loop (open, capacity) the client measures the closed
 * round trip at its placement: SERVE_RTT_ROUNDS requests one at a time on
 * one connection, after SERVE_RTT_WARMUP (closed_rtt_ns, the send-lag
 * bound's floor).  The run's counts include them, as they include a
 * capacity search's.
 *
 * The end: after warmup + iterations responses the client stops sending,
 * takes the responses still due, and closes every connection; the server
 * loop ends when it has seen end of file on all N.  Then the server
 * compares what it answered with what the client sent.
 */
#ifndef SERVE_H
#define SERVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "evb_driver.h"
#include "evb_hist.h"

enum serve_mode {
	SERVE_CLOSED,
	SERVE_OPEN,
	SERVE_CAPACITY,
};

enum serve_arrival {
	SERVE_UNIFORM,
	SERVE_POISSON,
};

#define SERVE_MSG_MIN 16
#define SERVE_MSG_MAX 65536
/*
 * Connections the client spreads over one destination address before it
 * moves to the next (127.0.0.1, 127.0.0.2, ...), well below the ephemeral
 * port range of one address pair: connect()'s search for a free port slows
 * as the range fills.  19,000 connections took 18 s to open over one
 * address (two thirds of a 28,000-port range), 2.6 s at 4,000 an address.
 */
#define SERVE_CONNS_PER_ADDR 4000
/* The closed round trip before an open loop: its requests, p50 of the
 * rounds after the warmup. */
#define SERVE_RTT_WARMUP 20
#define SERVE_RTT_ROUNDS 200
#define SERVE_RTT_REQUESTS (SERVE_RTT_WARMUP + SERVE_RTT_ROUNDS)

/*
 * A load generator this busy over a window measured itself, not the
 * server: the row says so, a capacity search step fails.  Its share is the
 * larger of two figures (serve_client_share): its process CPU clock, and
 * its CPU's whole busy time in /proc/stat (client_busy_ns), which also
 * holds the softirq work (loopback TCP's receive, run inside its sends)
 * that a kernel with CONFIG_IRQ_TIME_ACCOUNTING leaves out of the clock.
 */
#define SERVE_CLIENT_BOUND 0.95

/*
 * The load generator's share of its CPU over a window of wall_ns > 0: the
 * larger of its process clock (clock_ns) and its CPU's busy time (busy_ns,
 * EVB_NA when not measured); *by_busy is true when the busy time decided.
 */
static inline double serve_client_share(int64_t clock_ns, int64_t busy_ns, int64_t wall_ns,
					bool *by_busy)
{
	double clock = (double)clock_ns / (double)wall_ns;
	double busy = busy_ns == EVB_NA ? -1 : (double)busy_ns / (double)wall_ns;

	*by_busy = busy > clock;
	return *by_busy ? busy : clock;
}

/*
 * The send-lag bound at a quantile: a quarter of the latency at that
 * quantile, or of the closed round trip at the same placement
 * (closed_rtt_ns, measured by the client before its open loop) where that
 * is larger.  The generator's lateness may then add at most a quarter to
 * what the row reports, and never more than a quarter of the fastest a
 * request can come back here (an open loop can beat the closed round trip
 * across CPUs: its polling client skips a wakeup).  A row whose send-lag
 * p99 (how late its requests were written, client_loop.c) is above the
 * p99's bound is client-lagged: its tail is the client's lateness as much
 * as the server's (shown, not judged on its tail; a capacity search step
 * over it fails).  One whose send-lag p50 is above the p50's is
 * client-bound: even its median is the client's.
 */
static inline int64_t serve_lag_bound_ns(int64_t latency_ns, int64_t closed_rtt_ns)
{
	return (closed_rtt_ns != EVB_NA && closed_rtt_ns > latency_ns ? closed_rtt_ns
								      : latency_ns) / 4;
}

/* The head of every request and response. */
struct serve_msg {
	uint64_t seq;           /* per connection, from 0 */
	uint32_t conn;          /* the connection's index, 0 .. N-1 */
	uint32_t len;           /* the message's size, = --msg-size */
};

/* What the options and the plan decided; read-only once the run starts. */
struct serve_cfg {
	const char *variant;            /* "" when the mechanism has none */
	int variant_index;
	enum serve_mode mode;
	int64_t connections;            /* N, all accepted before measuring */
	int64_t active;                 /* K <= N carry requests */
	int64_t depth;                  /* closed: outstanding per active conn */
	int64_t msg_size;
	int64_t work_ns;                /* busy work per request, server side */
	bool rate_pct;                  /* open: rate is a % of the capacity */
	double rate;                    /* open: requests/s in total, or % */
	int64_t slo_ns;                 /* capacity: p99 bound, 0 none */
	enum serve_arrival arrival;
	uint64_t seed;                  /* Poisson spacing's generator: --seed,
					   else the repetition (--rep) */
	int64_t client_threads;         /* load generator threads (1) */
	int64_t iterations;             /* responses measured */
	int64_t warmup;                 /* responses before measuring */
	int64_t threads_cap;            /* threads: most connections it serves */
	int uring_setup;                /* io_uring: enum evb_uring_setup */
	int64_t inject_stall_ns;        /* test: the server sleeps once, this
					   long, after half the requests */
	int64_t inject_client_stall_ns; /* test: the client sleeps once, this
					   long, after half the requests were due */
	int server_cpu;                 /* CPUs the placement chose (-1: free) */
	int client_cpu;
	uint16_t port;                  /* the listener's, on INADDR_ANY */
};

/* A server-side connection. */
struct serve_conn {
	int fd;                 /* -1 once closed */
	uint32_t index;
	char *in;               /* bytes read, not yet a whole request */
	size_t in_have;
	size_t in_cap;          /* >= msg_size */
	char *out;              /* responses built, not yet written */
	size_t out_have;
	size_t out_done;        /* of out_have, already written / submitted */
	size_t out_cap;
	uint64_t served;        /* requests answered on this connection */
};

/*
 * The server's running counts, for the client's window edges: relaxed
 * atomic stores (threads: adds, one per thread's request or wakeup),
 * written by the server only, on a cache line of their own.
 */
struct serve_live {
	_Alignas(64) _Atomic uint64_t served;   /* requests answered */
	_Atomic uint64_t wakeups;               /* waits that returned with work */
};

/* How much a readiness mechanism reads per report (serve_conn_readable). */
enum serve_read {
	SERVE_READ_ONCE,        /* level-triggered: bytes left are reported again */
	SERVE_READ_FULL,        /* a report per arrival (io_uring's multishot
				   poll): once, again only while a read filled
				   the buffer (bytes may be left, unreported) */
	SERVE_READ_EAGAIN,      /* EPOLLET: until EAGAIN */
};

/* The server's state, handed to a mechanism's serve(). */
struct serve_srv {
	const struct serve_cfg *cfg;
	struct serve_conn *conns;       /* N of them */
	int64_t nconns;
	int64_t open;                   /* connections not yet at end of file */
	int max_fd;                     /* highest connection fd */
	uint64_t served;                /* requests answered, all connections */
	uint64_t wakeups;               /* waits that returned with work */
	uint64_t blocked_writes;        /* responses finished by waiting for
					   the socket to drain (serve_conn_flush;
					   io_uring: a send that completed short) */
	uint64_t enobufs;               /* io_uring multishot: recvs posted again
					   after the buffer ring ran dry */
	uint64_t cq_overflows;          /* io_uring: turns that found the CQ
					   overflowed, plus CQEs the kernel dropped */
	uint64_t empty_reads;           /* reads that found nothing (EAGAIN) */
	struct serve_live *live;        /* serve_shared's; NULL: not published */
	bool live_add;                  /* threads: one of several writers */
	uint64_t stall_at;              /* served count that triggers the
					   injected stall; 0: none */
	struct evb_side_errors *errors; /* side A's first failure goes here */
	_Atomic int64_t *ended;         /* serve_shared's, counted by serve_conn_close */
	_Atomic int64_t *ready;         /* serve_shared's, set by serve_ready */
	void *priv;                     /* the mechanism's */
};

/*
 * What both processes share (shared memory, made before the fork).  The
 * client fills its part; the server reads it after the client has ended.
 */
struct serve_shared {
	struct evb_hist hist;           /* latency of each measured response, ns */
	struct evb_hist send_lag;       /* open: each measured request's send lag,
					   ns (client_loop.c) */
	int64_t closed_rtt_ns;          /* open: the closed round trip p50 the
					   client measured first; EVB_NA none */
	struct evb_side_errors errors;  /* [0] server, [1] client */
	_Atomic int emitted;
	_Atomic int64_t server_ready;   /* serve_ready(): every connection
					   accepted and registered, rings armed */
	_Atomic int64_t accepted;       /* server: connections accepted so far
					   (the client connects at most 512
					   ahead, never overflowing the backlog) */
	_Atomic int64_t client_done;    /* responses received so far (progress) */
	_Atomic int64_t ended;          /* server: connections it closed at their
					   end of file (the client closes at most
					   2048 ahead: orphaned sockets) */
	pid_t server_pid;
	struct serve_live live;         /* the server's, read at the window's edges */
	/* the client's counts, over the measured responses only */
	int64_t sent;                   /* requests sent (whole run) */
	int64_t received;               /* good responses (whole run) */
	int64_t bad;                    /* wrong length, connection or sequence */
	int64_t measured;               /* responses in hist */
	int64_t window_ns;              /* first to last measured response */
	double offered_per_s;           /* open: the schedule's rate; NAN closed */
	double capacity_per_s;          /* capacity, or open with a %: what the
					   search found; NAN none passed */
	double search_low_per_s;        /* the lowest rate the search tried */
	/* over the measured window, read by the client at its edges */
	int64_t server_cpu_ns;          /* the server process's CPU clock */
	int64_t server_utime_ns;        /* its /proc stat user and system time */
	int64_t server_stime_ns;        /*   (clock ticks) */
	int64_t client_cpu_ns;          /* the client process's CPU clock */
	int64_t client_busy_ns;         /* its CPU's busy time (client_busy_ns);
					   EVB_NA not measured */
	int64_t machine_cpu_ns;         /* every CPU, /proc/stat */
	int64_t client_wall_ns;         /* for the client's CPU share */
	int64_t server_served;          /* requests the server answered, and */
	int64_t server_wakeups;         /*   its wakeups, in the window */
	struct evb_usage client_usage;  /* context switches, measured window */
};

/* --- server.c: what every mechanism shares --------------------------------- */

/* Connection buffers sized for cfg; 0 or -ENOMEM. */
int serve_conns_alloc(struct serve_srv *s);
void serve_conns_free(struct serve_srv *s);

/* The mechanism serves: every connection registered, its rings armed.
 * The client's measuring starts only then (a barrier, serve_shared). */
void serve_ready(struct serve_srv *s);

/* A wait returned with work: s->wakeups, published. */
void serve_woke(struct serve_srv *s);

/*
 * Readiness mechanisms: connection c is readable.  Reads what is there
 * (as much as how says), answers every
 * whole request (serve_conn_input) and writes the responses
 * (serve_conn_flush).  Returns 0; 1 when the client closed the connection
 * (the fd is closed and set to -1, s->open counts it: unregister it before
 * calling, or forget it after); -errno on failure (recorded in s->errors).
 */
int serve_conn_readable(struct serve_srv *s, struct serve_conn *c, enum serve_read how);

/*
 * Completion mechanisms: n bytes arrived for c.  Appends them, answers
 * every whole request into c->out (busy work and the injected stall
 * included) and returns how many requests it answered; -EPROTO (recorded)
 * when a request's header is wrong, -ENOBUFS when c->out has no room (send
 * what is pending first).
 */
int serve_conn_input(struct serve_srv *s, struct serve_conn *c, const char *data, size_t n);

/*
 * Write c->out[out_done .. out_have) with write(); on EAGAIN wait for the
 * socket to drain (poll, counted in s->blocked_writes).  0 or -errno.
 */
int serve_conn_flush(struct serve_srv *s, struct serve_conn *c);

/* Completion mechanisms: n bytes of c->out were sent; compacts the buffer. */
void serve_conn_sent(struct serve_conn *c, size_t n);

/* Close c at end of file: fd -1, s->open - 1. */
void serve_conn_close(struct serve_srv *s, struct serve_conn *c);

/*
 * Tests: with EVB_SERVE_TRACE set in the environment, one line on stderr
 * after serving, "evb-serve: trace: empty reads R; served by connection:
 * I:COUNT ..." (the connections that answered any request).
 */
void serve_trace(const struct serve_srv *s);

/* Record the first failure of side A. Returns -err. */
int serve_fail(struct serve_srv *s, const char *call, int err);

/* --- arrival.c: the open loop's schedule ------------------------------------ */

/*
 * due_off[0 .. n): each request's due time after the loop's start, ns:
 * uniform (k / rate) or Poisson (exponential gaps of mean 1 / rate, the
 * generator started from seed).
 */
void serve_arrival_fill(int64_t *due_off, int64_t n, double rate, enum serve_arrival arrival,
			uint64_t seed);

/* --- the mechanisms ---------------------------------------------------------- */

#define SERVE_VARIANTS_MAX 4

struct serve_ops {
	struct evb_mech base;
	/* Descriptors the mechanism opens itself (epoll fd, ring): fd budget. */
	int own_fds;
	/*
	 * Can it serve cfg here?  cfg NULL: on this machine at all (--list).
	 * 0, or -ENOTSUP with a reason naming what is missing (an io_uring
	 * opcode the kernel lacks, select beyond FD_SETSIZE, threads beyond
	 * their cap).  Optional.
	 */
	int (*supported)(const struct serve_cfg *cfg, char *reason, size_t len);
	/*
	 * Serve until every connection has reached end of file (s->open == 0).
	 * The connections are accepted and non-blocking (threads may make
	 * them blocking).  0 or -errno (recorded with serve_fail).
	 */
	int (*serve)(struct serve_srv *s);
};

/* --- client.c: the load generator -------------------------------------------- */

/*
 * The client process's whole life: connect N connections to cfg->port
 * (spread over 127.0.0.x, SERVE_CONNS_PER_ADDR each), wait for the
 * server's serve_ready(), run the mode (searching the capacity first for --mode capacity or a
 * rate in %), fill sh, close every
 * connection.  Returns 0 or -errno (recorded in sh->errors side B).
 */
int serve_client_run(const struct serve_cfg *cfg, struct serve_shared *sh);

#endif
