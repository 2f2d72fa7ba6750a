/*
 * evb_sched.h - the scheduling knobs a latency measurement turns only when
 * asked to: the calling thread's policy (SCHED_FIFO) and its timer slack.
 *
 * Timer slack (prctl PR_SET_TIMERSLACK, per thread, 50 us by default) is how
 * much later than asked the kernel may fire a sleeping thread's timer so it
 * can batch wakeups.  It applies to nanosleep/clock_nanosleep and to the
 * timeouts of select/poll/epoll (those use at least 0.1% of the timeout), not
 * to timerfd, POSIX timers or io_uring timeouts.  Real-time threads get no
 * slack at all: since Linux 6.7 the kernel sets their slack to 0 when they
 * become SCHED_FIFO/RR and ignores PR_SET_TIMERSLACK while they are.
 */
#ifndef EVB_SCHED_H
#define EVB_SCHED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Make the calling thread SCHED_FIFO at prio (1..99).  0, or -errno with a
 * reason (-EPERM names CAP_SYS_NICE and RLIMIT_RTPRIO).
 */
int evb_sched_fifo(int prio, char *reason, size_t reason_len);
/* Set the calling thread's timer slack to ns (>= 1; 0 would mean "reset to
 * the default").  0 or -errno. */
int evb_timer_slack_set(int64_t ns);
/* The calling thread's timer slack in ns, or -errno. */
int64_t evb_timer_slack_get(void);

#endif
