/*
 * evb_clock.h - the one clock evbench measures with.
 *
 * Every interval is CLOCK_MONOTONIC read through clock_gettime() (vDSO, no
 * syscall), kept as int64 nanoseconds.  The cost of one read is calibrated at
 * start and written into every row as clock_overhead_ns, so a reader can tell
 * how much of a small figure is the ruler itself.
 */
#ifndef EVB_CLOCK_H
#define EVB_CLOCK_H

#include <stdint.h>
#include <time.h>

#define EVB_NSEC_PER_SEC 1000000000LL

static inline int64_t evb_timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * EVB_NSEC_PER_SEC + ts->tv_nsec;
}

static inline struct timespec evb_ns_timespec(int64_t ns)
{
	struct timespec ts = {
		.tv_sec = ns / EVB_NSEC_PER_SEC,
		.tv_nsec = ns % EVB_NSEC_PER_SEC,
	};
	return ts;
}

/* CLOCK_MONOTONIC now, in nanoseconds. */
static inline int64_t evb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return evb_timespec_ns(&ts);
}

/* Median cost of one evb_now_ns() call, from back-to-back reads. */
int64_t evb_clock_overhead_ns(void);

/*
 * Burn the CPU for ns nanoseconds, yielding on every lap so that a thread
 * pinned to the same CPU gets to run.  Used to leave a peer time to block,
 * never to wait for an event.
 */
void evb_spin_yield_ns(int64_t ns);

/*
 * Burn the CPU for ns nanoseconds without yielding or entering the kernel:
 * a handler's work, a stuck thread, a busy sibling.
 */
void evb_spin_ns(int64_t ns);

#endif
