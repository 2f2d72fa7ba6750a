/*
 * mechanisms.h - evb-serve's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * serve_<m>_ops.  The list makes the declarations below and the registry
 * in main.c; adding a mechanism is its file, one line here and one in
 * CMakeLists.txt.
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
