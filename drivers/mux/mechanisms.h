/*
 * mechanisms.h - evb-mux's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * mux_<m>_ops.  The list makes the declarations below, the
 * registry in opts.c and the driver's build (drivers/mechanisms.cmake reads
 * it), so adding a mechanism is its file and one line here.
 */
#ifndef MUX_MECHANISMS_H
#define MUX_MECHANISMS_H

#define MUX_MECHANISMS(X) \
	X(select)         \
	X(pselect)        \
	X(poll)           \
	X(ppoll)          \
	X(epoll)          \
	X(epoll_pwait2)   \
	X(io_uring)       \
	X(io_uring_epoll)

struct mux_ops;
#define MUX_DECLARE(m) extern const struct mux_ops mux_##m##_ops;
MUX_MECHANISMS(MUX_DECLARE)
#undef MUX_DECLARE

#endif
