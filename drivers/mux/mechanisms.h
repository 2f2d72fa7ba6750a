/*
 * mechanisms.h - evb-mux's mechanisms, in --list order.
 *
 * One line per mechanism: X(m) names the file m.c that defines
 * mux_<m>_ops.  The list makes both the declarations below and the
 * registry in main.c, so adding a mechanism is its file, one line here and
 * one in CMakeLists.txt.
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
	X(io_uring)

struct mux_ops;
#define MUX_DECLARE(m) extern const struct mux_ops mux_##m##_ops;
MUX_MECHANISMS(MUX_DECLARE)
#undef MUX_DECLARE

#endif
