/*
 * mechanisms.h - evb-timer's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * timer_<m>_ops.  The list makes the declarations below, the
 * registry in main.c and the driver's build (drivers/mechanisms.cmake reads
 * it), so adding a mechanism is its file and one line here.
 */
#ifndef TIMER_MECHANISMS_H
#define TIMER_MECHANISMS_H

#define TIMER_MECHANISMS(X) \
	X(timerfd)          \
	X(posix_timer)      \
	X(clock_nanosleep)  \
	X(nanosleep)        \
	X(epoll_timeout)    \
	X(epoll_pwait2)     \
	X(ppoll)            \
	X(select)           \
	X(io_uring_timeout) \
	X(io_uring_timeout_multishot) \
	X(io_uring_wait)    \
	X(timerfd_epoll)

struct timer_ops;
#define TIMER_DECLARE(m) extern const struct timer_ops timer_##m##_ops;
TIMER_MECHANISMS(TIMER_DECLARE)
#undef TIMER_DECLARE

#endif
