/*
 * mechanisms.h - evb-serve's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * serve_<m>_ops.  The list makes the declarations below, the
 * registry in opts.c and the driver's build (drivers/mechanisms.cmake reads
 * it), so adding a mechanism is its file and one line here.
 */
#ifndef SERVE_MECHANISMS_H
#define SERVE_MECHANISMS_H

#define SERVE_MECHANISMS(X) \
	X(select)           \
	X(poll)             \
	X(epoll)            \
	X(io_uring)         \
	X(threads)

struct serve_ops;
#define SERVE_DECLARE(m) extern const struct serve_ops serve_##m##_ops;
SERVE_MECHANISMS(SERVE_DECLARE)
#undef SERVE_DECLARE

#endif
