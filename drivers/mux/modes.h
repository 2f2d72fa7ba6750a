/*
 * modes.h - what main.c and modes.c share: the options, the state both
 * sides of a run touch, and the four modes (pictured in mux.h).
 */
#ifndef MUX_MODES_H
#define MUX_MODES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "evb_driver.h"
#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_sys.h"
#include "evb_watchdog.h"
#include "fdset.h"
#include "mux.h"

/* Bounded waits: a lost event must end a round, never hang it. */
#define MUX_WAIT_SLICE_NS (100 * 1000 * 1000LL)   /* one blocking wait */
#define MUX_LOST_AFTER_NS (1000 * 1000 * 1000LL)  /* no event this long: lost */
/* wakeup: how long B waits for A to show as asleep before writing anyway. */
#define MUX_ASLEEP_MAX_NS (50 * 1000 * 1000LL)

struct mux_opts {
	struct evb_driver_opts common;
	enum mux_fd_type fd_type;
	int64_t nfds;
	int64_t active;           /* EVB_NA for register */
	int64_t gap_ns;           /* wakeup: B's pause once A is asleep */
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
	uint64_t token_mask;
	int32_t *token;                   /* token_mask + 1 slots, after this struct */
	/* results, written by A */
	struct evb_hist hist;
	int64_t measured_ns;
	struct evb_usage usage;           /* A's thread, measured phase */
	int64_t count_sent, delivered, lost, spurious, wakeups, samples;
	double ops_per_s;
	double mean_override;             /* register: exact mean per fd, else NAN */
	double rss_bytes_per_fd, slab_bytes_per_fd;
	_Atomic int64_t progress;
	struct evb_side_errors errors;
};

/* What a side needs, by pointer; nothing here is global. */
struct mux_side_ctx {
	const struct mux_opts *opts;
	const struct mux_ops *ops;
	struct mux_ctx *ctx;              /* A's mechanism */
	struct mux_run *run;
	struct evb_watchdog *watchdog;
	struct evb_row *row;
	bool process;                     /* B is a fork()ed process */
	bool has_b;                       /* a side B runs at all */
	int ctl[2];                       /* process: control socket, [SIDE_A]
					     is A's end; -1 in thread mode */
	int *peer;                        /* B: the writable ends */
	/* A's working memory, sized by nfds, allocated before the mechanism */
	struct mux_ready ready;
	int32_t *handled;                 /* loop: fds read this call */
	uint32_t *mark;                   /* the call that last listed each fd */
	uint8_t *is_active;
	int64_t rss_before;               /* register: before the mechanism's setup */
	int64_t slab_before;              /* < 0: not readable */
};

int mux_side_fail(struct mux_side_ctx *s, enum mux_side self, const char *call, int err);

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

/* Bytes the caches hold now, summed; -ENOENT none listed, -errno. */
int64_t mux_slab_bytes(const char *const *caches);

#endif
