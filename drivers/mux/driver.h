/*
 * driver.h - what main.c and modes.c share: the options, the state both
 * sides of a run touch, and the four modes (pictured in mux.h).
 */
#ifndef MUX_DRIVER_H
#define MUX_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "evb_driver.h"
#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_sys.h"
#include "evb_sides.h"
#include "evb_watchdog.h"
#include "fdset.h"
#include "mux.h"

/* Bounded waits: a lost event must end a round, never hang it. */
#define MUX_WAIT_SLICE_NS (100 * 1000 * 1000LL)   /* one blocking wait */
#define MUX_LOST_AFTER_NS (1000 * 1000 * 1000LL)  /* no event this long: lost */
/* --maxevents by default: libuv's and Redis's events arrays are of this
 * order; at most a million (12 MB of epoll events, touched at setup). */
#define MUX_MAXEVENTS_DEFAULT 1024
#define MUX_MAXEVENTS_MAX (1000 * 1000LL)

struct mux_opts {
	struct evb_driver_opts common;
	enum mux_fd_type fd_type;
	int64_t nfds;
	int64_t active;           /* EVB_NA for register */
	int64_t gap_ns;           /* wakeup: B's pause once A is asleep */
	int64_t maxevents;        /* epoll events array, io_uring CQE batch */
	int64_t threads;          /* scan: 1 or 2 threads in A's process;
				     EVB_NA in the other modes */
	/* Test hooks (hidden options): corrupt the counts on purpose, read
	 * another file as /proc/slabinfo. */
	int64_t inject_spurious;  /* list this many fds that were not ready */
	int64_t inject_lost;      /* scan: drop this many listed fds */
	int64_t inject_stale;     /* loop: report this many handled fds again */
	const char *slabinfo;
	const char *active_arg;   /* --active as given; NULL: not given */
};

enum mux_phase_state {
	MUX_PHASE_WARMUP = 0,
	MUX_PHASE_MEASURED,
	MUX_PHASE_DONE,
};

enum mux_side {
	SIDE_A = 0,               /* the waiter: main thread */
	SIDE_B = 1,               /* the writer: thread or process */
};

/* Everything both sides touch; in shared memory so a process peer works. */
struct mux_run {
	struct evb_barrier barrier;
	_Atomic int emitted;              /* the row was written */
	_Atomic int stop;                 /* A is done (or failed): B returns */
	pid_t a_pid, a_tid;               /* wakeup: B watches A's thread state */
	_Atomic int phase;                /* A's: MUX_PHASE_*, B follows it */
	/* wakeup */
	_Atomic int waiting;              /* A is about to block */
	_Atomic int32_t target;           /* the fd B made ready this round */
	_Atomic int64_t stamp_ns;         /* B's clock just before the write */
	_Atomic int64_t written;          /* rounds B has written */
	_Atomic int64_t acked;            /* rounds A has finished */
	int64_t not_asleep;               /* rounds B wrote without seeing A asleep */
	/* loop: tokens A hands back to B, single producer, single consumer */
	_Atomic int64_t sent;
	_Atomic uint64_t token_head;      /* B takes here */
	_Atomic uint64_t token_tail;      /* A puts here */
	struct evb_signal_word token_back; /* posted by A after it puts tokens:
					     B sleeps on it when it holds none */
	uint64_t token_mask;
	int32_t *token;                   /* token_mask + 1 slots, after this struct */
	/* results, written by A */
	struct evb_hist hist;
	int64_t measured_ns;
	struct evb_usage usage;           /* A's thread, measured phase */
	int64_t machine_cpu_ns;           /* every CPU, measured phase; EVB_NA */
	struct evb_usage usage_b;         /* B's thread over A's measured phase
					     (cpu_ns: its exact CPU clock) */
	bool b_measured;                  /* usage_b holds it */
	int64_t count_sent, delivered, lost, spurious, wakeups, samples;
	int64_t syscalls;                 /* scan: the measured samples' waits' */
	int64_t stale;                    /* of spurious: allowed (MUX_MAY_STALE) */
	double ops_per_s;
	double mean_override;             /* register: exact mean per fd, else NAN */
	double rss_bytes_per_fd, slab_bytes_per_fd;
	char slab_note[160];              /* why slab_bytes_per_fd is empty or partial */
	_Atomic int64_t progress;
	struct evb_side_errors errors;
};

/* What a side needs, by pointer; nothing here is global. */
struct mux_side_ctx {
	const struct mux_opts *opts;
	const struct mux_ops *ops;
	struct mux_ctx *ctx;              /* A's mechanism */
	struct mux_run *run;
	struct evb_row *row;
	struct evb_sides sides;           /* the run's order and its one row */
	bool process;                     /* B is a fork()ed process */
	bool has_b;                       /* a side B runs at all */
	int ctl[2];                       /* process: control socket, [SIDE_A]
					     is A's end; -1 in thread mode */
	int *peer;                        /* B: the writable ends */
	unsigned may_report;              /* ops->may_report of this variant */
	int64_t inject_spurious, inject_lost, inject_stale;   /* test hooks still to apply */
	/* A's working memory, sized by nfds, allocated before the mechanism */
	struct mux_ready ready;           /* nfds + min(maxevents, nfds) + 2
					     entries: one scan sample's calls
					     add up (run.c) */
	int32_t *handled;                 /* loop: fds read this call */
	uint32_t *mark;                   /* scan: the sample that last listed
					     each fd */
	uint8_t *is_active;
	int64_t rss_before;               /* register: before the mechanism's setup */
	int64_t slab_before;              /* < 0: not readable */
};

int mux_side_fail(struct mux_side_ctx *s, enum mux_side self, const char *call, int err);

/* The k-th of the active fds: spread evenly over the set. */
static inline int32_t mux_active_index(const struct mux_opts *o, int64_t k)
{
	return (int32_t)(k * o->nfds / o->active);
}

/* The measured phase: wall time, A's thread usage and the machine's CPU. */
struct mux_phase {
	struct evb_usage before;
	int64_t machine_before;           /* EVB_NA: /proc/stat not readable */
	int64_t t_start;
};

void mux_phase_start(struct mux_side_ctx *s, struct mux_phase *p);
void mux_phase_end(struct mux_side_ctx *s, const struct mux_phase *p);

/*
 * B's view of A's measured phase: B calls mux_b_follow in each round of its
 * work and mux_b_done when it stops, and run->usage_b gets B's thread
 * usage from the round it saw the phase start to its end.
 */
struct mux_b_track {
	bool started;
	struct evb_usage before;
};

void mux_b_follow(struct mux_side_ctx *s, struct mux_b_track *t);
void mux_b_done(struct mux_side_ctx *s, struct mux_b_track *t);

/* Make every active fd ready, wherever the peer ends live.  0 or -errno. */
int mux_poke_active(struct mux_side_ctx *s);

/*
 * Test hooks.  mux_inject (scan): after a sample listed ready[0..n), list
 * one fd that was not made ready (an index past the set) while
 * --inject-spurious lasts, and forget the last listed fd while
 * --inject-lost lasts; the sample's check then counts them.  In wakeup and
 * loop, whose lists go back to the mechanism's rearm, mux_inject_spurious
 * says whether to count one more spurious event.
 */
void mux_inject(struct mux_side_ctx *s, struct mux_ready *ready);
bool mux_inject_spurious(struct mux_side_ctx *s);

/* The row's counts: failed, naming them, unless they check out. */
void mux_check_counts(struct evb_row *row, int64_t stale);

/* run.c: side A's part of a run (see there), and its row. */
int mux_run_a(struct mux_side_ctx *s, struct mux_fdset *fds, int cpu_a, char *why,
	      size_t why_len, bool *measured);
int mux_finish(struct mux_side_ctx *s, struct mux_fdset *fds, int ret,
	       bool measured, const char *why);
/* How far a run got (arg: the mux_side_ctx), for evb_driver_end. */
void mux_progress(const void *arg, char *buf, size_t len);

/* Side A, with the mechanism set up; every fd registered except for
 * register mode. */
int mux_scan_a(struct mux_side_ctx *s);
int mux_wakeup_a(struct mux_side_ctx *s);
int mux_loop_a(struct mux_side_ctx *s);
int mux_register_a(struct mux_side_ctx *s);

/* Side B after the start barrier: the writer in wakeup and loop. */
int mux_wakeup_b(struct mux_side_ctx *s);
int mux_loop_b(struct mux_side_ctx *s);
/*
 * B's process (--ipc process), holding the peer ends: make the active fds
 * ready whenever A asks (scan), until A says it is done (every mode).
 */
int mux_serve_b(struct mux_side_ctx *s);
/* A: done with the watched fds; B's process may close the peer ends. */
void mux_serve_stop(struct mux_side_ctx *s);

/* Options (opts.c): parse argv into opts, exit 2 on bad input. */
void mux_parse(int argc, char **argv, struct mux_opts *opts);
extern const char *const mux_mode_names[];

#endif
