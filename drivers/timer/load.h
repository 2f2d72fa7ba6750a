/*
 * load.h - --load busy: a sibling thread that keeps a CPU busy while the
 * waiter measures, to show what a loaded CPU does to each way of waking up.
 *
 * The sibling is SCHED_OTHER (nice 0) whatever the waiter's policy, so it
 * can never starve the machine; it spins on the clock in laps of
 * TIMER_LOAD_LAP_NS and looks at a stop eventfd between laps (no flag).
 * It pins itself to its CPU and then meets the waiter at a barrier, so it is
 * spinning before the first deadline.
 */
#ifndef TIMER_LOAD_H
#define TIMER_LOAD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "evb_peer.h"
#include "evb_sys.h"

#define TIMER_LOAD_LAP_NS (100 * 1000LL)

struct timer_load {
	struct evb_peer peer;
	int cpu;                    /* -1: not pinned */
	int stop_fd;
	struct evb_barrier *start;  /* two parties: the sibling and the waiter */
	int64_t busy_ns;            /* how long it spun */
	_Atomic int tid;            /* the sibling's thread, set before the barrier */
};

/* Start the sibling on cpu.  0 or -errno (nothing left running). */
int timer_load_start(struct timer_load *load, int cpu, struct evb_barrier *start);
/*
 * The sibling's voluntary and involuntary context switches so far (vcsw,
 * ivcsw of usage; the rest untouched), from /proc/self/task/TID/status:
 * the waiter reads them around its measured span.  0 or -errno.
 */
int timer_load_switches(const struct timer_load *load, struct evb_usage *usage);
/* Stop and join it.  0, or -errno with a reason. */
int timer_load_stop(struct timer_load *load, char *reason, size_t reason_len);

#endif
