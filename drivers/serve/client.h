/*
 * client.h - the load generator's inside (client.c: its life, connections
 * and measured window; client_loop.c: sending, receiving and the two
 * modes).  Nothing here is seen by the server side.
 */
#ifndef SERVE_CLIENT_H
#define SERVE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>

#include "evb_sys.h"
#include "serve.h"

/* Events one epoll_wait() takes; more ready connections wait a turn. */
#define CLIENT_EVENTS 256
/* epoll data of the timerfd: above every connection index. */
#define CLIENT_TIMER_TOKEN UINT64_MAX
/* Most bytes one write() or read() moves. */
#define CLIENT_IO_BYTES (256 * 1024)

/* One connection, as the client sees it. */
struct client_conn {
	int fd;                 /* -1 once closed */
	uint32_t index;
	int64_t slot;           /* k when active (client_active_conn(cl, k) is
				   this one), else -1 */
	bool out_armed;         /* EPOLLOUT asked for: the socket was full */
	bool backlog;           /* open: the socket was found full and requests
				   are still unwritten; one due meanwhile waits
				   for the server (client_loop.c) */
	bool dirty;             /* on the queue of connections to write */
	uint64_t next_send;     /* seq of the next request not fully written */
	uint64_t pending;       /* requests due, not yet fully written */
	size_t out_off;         /* bytes of request next_send already written */
	uint64_t next_recv;     /* seq the next response must carry */
	uint64_t open_seq0;     /* open: next_send when the schedule began */
	uint64_t lag_seq;       /* open: the first request whose send lag is
				   not yet stamped (client_loop.c) */
	size_t in_got;          /* bytes of the current response received */
	union {
		struct serve_msg msg;
		char bytes[sizeof(struct serve_msg)];
	} in_hdr;               /* its header, as far as received */
};

/* What the client reads at each edge of the measured window. */
struct client_edge {
	int64_t wall_ns;        /* CLOCK_MONOTONIC when read */
	int64_t server_cpu_ns;
	int64_t server_utime_ns;
	int64_t server_stime_ns;
	int64_t client_cpu_ns;
	int64_t client_busy_ns;         /* the client's CPU's /proc/stat busy
					   time; EVB_NA unpinned or unreadable */
	int64_t machine_cpu_ns;
	uint64_t server_served;         /* serve_live's, as published */
	uint64_t server_wakeups;
	struct evb_usage usage;
};

/* One run of requests: a step of the capacity search, or the measured run. */
struct client_phase {
	int64_t total;          /* requests (and so responses) in it */
	int64_t warmup;         /* responses before the window */
	bool measure;           /* record latencies and read the edges */
	bool open;              /* latency from the due time (due_off) */
	bool started;           /* the window's start edge was read */
	int64_t queued;         /* requests made due so far */
	int64_t received;       /* good responses so far */
	int64_t start_ns;       /* window start, see client.c */
	int64_t end_ns;         /* the last response's arrival */
};

struct client {
	const struct serve_cfg *cfg;
	struct serve_shared *sh;
	struct client_conn *conns;      /* N */
	int64_t nconns;
	int64_t active;                 /* K carry requests, client_active_conn */
	size_t msg_size;
	int epfd;
	int64_t wake_ns;                /* open: the next due time; 0 none */
	bool pwait2;                    /* epoll_pwait2 sleeps until wake_ns */
	int timerfd;                    /* else this wakes the loop at wake_ns */
	int64_t timer_armed_ns;         /* its expiry; 0 disarmed */
	int64_t margin_ns;              /* poll, not sleep, this near a due time
					   (client_pace.c) */
	bool poll_yield;                /* on the server's CPU: yield per poll */
	bool spin;                      /* a dense schedule: poll, never sleep */
	int64_t idle_since_ns;          /* the last empty poll's end (pace_clock);
					   0: work since */
	int64_t margin_probe_ns;        /* the sleep length it was measured for */
	int64_t poll_ns;                /* the phase's window: CPU spent polling */
	int64_t closed_rtt_ns;          /* open: the closed round trip measured
					   before (client_probe_rtt); EVB_NA none */
	bool stall_pending;             /* --inject-client-stall-ns not yet done */
	char *sendbuf;                  /* batch_max zeroed requests */
	int64_t batch_max;
	char *recvbuf;                  /* CLIENT_IO_BYTES */
	int64_t *start;                 /* closed: K x depth send times */
	int64_t *due_off;               /* open: each request's due time - t0 */
	int64_t due_cap;                /* its length (client_due_reserve) */
	int64_t t0;                     /* open: the schedule's origin */
	uint32_t *dirty;                /* connections with requests to write: a
					   ring of K, each at most once */
	int64_t dirty_head;
	int64_t ndirty;
	struct client_phase ph;
	struct client_edge edge[2];     /* window start, end */
	clockid_t server_clock;
	int server_stat_fd;             /* /proc/<server>/stat */
	int64_t tick_ns;                /* its unit, a clock tick */
	struct epoll_event events[CLIENT_EVENTS];
};

/* The k-th of the K active connections (0 <= k < K): spread evenly over
 * the N, as mux spreads its active fds, so that a mechanism's walk of its
 * table covers all of it. */
static inline uint32_t client_active_conn(const struct client *cl, int64_t k)
{
	return (uint32_t)(k * cl->nconns / cl->active);
}

/* Record the client's first failure (side B); returns err (-errno). */
int client_fail(struct client *cl, const char *call, int err);
/* Read every figure of one window edge into e.  0 or -errno. */
int client_edge_read(struct client *cl, struct client_edge *e);
/*
 * The client's own CPU over the window e0 .. e1, from its CPU's /proc/stat
 * busy time: less its polling (cl->poll_ns) and, on the server's CPU
 * (same-cpu), less the server's process clock; at least 0.  EVB_NA when
 * the client is not pinned, or the window holds fewer than
 * EVB_MACHINE_CPU_MIN_TICKS ticks of that CPU.
 */
int64_t client_busy_ns(const struct client *cl, const struct client_edge *e0,
		       const struct client_edge *e1);
/* The latency and send-lag figures a phase that is not the row's recorded
 * (sh->hist, send_lag, measured), cleared. */
void client_figures_clear(struct client *cl);
/* cl->ph starts over: total requests, the first warmup responses not
 * measured; measure: record latencies into sh and read the edges. */
void client_phase_begin(struct client *cl, int64_t total, int64_t warmup, bool measure);

/* client_loop.c */

/* The closed loop on the first conns active connections, depth (<= the
 * cfg's) requests outstanding on each until ph->total were sent, then
 * every response.  0 or -errno. */
int client_run_closed(struct client *cl, int64_t conns, int64_t depth);
/* The open loop at rate requests/s (arrival per cfg).  0 or -errno. */
int client_run_open(struct client *cl, double rate);

/* client_pace.c */

/*
 * The margin for an open loop at rate: how far a sleep of one schedule gap
 * overshoots here (cl->margin_ns).  Measured again
 * only when the gap moved by more than 2x.
 */
void client_pace_probe(struct client *cl, double rate);
/*
 * One wait of the open loop: until an event, or the next due time
 * cl->wake_ns (0: none, block).  Sleeps until wake_ns - margin_ns, then
 * polls with a zero timeout; the polling inside the measured window is
 * counted in cl->poll_ns.  Returns epoll's count, or -1 with errno.
 */
int client_pace_wait(struct client *cl);
/* The open loop's timerfd (no epoll_pwait2) armed for the next wake. */
int client_pace_arm(struct client *cl);

/* client_search.c */

/*
 * The capacity search: the highest offered open-loop rate whose short step
 * is sustained (achieved within 5% of offered, send lag within its bound,
 * and with slo_ns > 0 a latency p99 <= slo_ns), to within ~5%, into
 * *capacity (NAN when no rate tried passed); *lowest the lowest rate it
 * tried.  Every step's requests are answered before the next starts; sh's
 * latency figures are left empty for the measured run.  0 or -errno.
 */
int client_search_capacity(struct client *cl, int64_t slo_ns, double *capacity,
			   double *lowest);
/*
 * The measured open loop's rate: cfg's; for --mode capacity the capacity
 * searched with cfg's slo (or, none passing, the lowest rate tried); for a
 * rate in % that share of the capacity searched without one.  0 or -errno.
 */
int client_open_rate(struct client *cl, double *rate);
/* Room for n due times in cl->due_off.  0 or -errno. */
int client_due_reserve(struct client *cl, int64_t n);

#endif
