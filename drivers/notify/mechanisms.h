/*
 * mechanisms.h - evb-notify's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * notify_<m>_ops.  The list makes both the declarations below and the
 * registry in main.c, so adding a mechanism is its file, one line here and
 * one in CMakeLists.txt.
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
	X(condvar)

struct notify_ops;
#define NOTIFY_DECLARE(m) extern const struct notify_ops notify_##m##_ops;
NOTIFY_MECHANISMS(NOTIFY_DECLARE)
#undef NOTIFY_DECLARE

#endif
