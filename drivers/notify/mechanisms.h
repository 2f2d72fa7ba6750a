/*
 * mechanisms.h - evb-notify's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * notify_<m>_ops.  The list makes the declarations below, the
 * registry in main.c and the driver's build (drivers/mechanisms.cmake reads
 * it), so adding a mechanism is its file and one line here.
 */
#ifndef NOTIFY_MECHANISMS_H
#define NOTIFY_MECHANISMS_H

#define NOTIFY_MECHANISMS(X) \
	X(signal_handler)    \
	X(sigwaitinfo)       \
	X(signalfd)          \
	X(eventfd)           \
	X(pipe)              \
	X(socketpair)        \
	X(futex)             \
	X(futex2)            \
	X(futex_waitv)       \
	X(condvar)           \
	X(io_uring_read)     \
	X(io_uring_msg_ring) \
	X(io_uring_futex)    \
	X(exit_waitid)       \
	X(exit_signalfd)     \
	X(exit_pidfd)        \
	X(exit_io_uring)

struct notify_ops;
#define NOTIFY_DECLARE(m) extern const struct notify_ops notify_##m##_ops;
NOTIFY_MECHANISMS(NOTIFY_DECLARE)
#undef NOTIFY_DECLARE

#endif
