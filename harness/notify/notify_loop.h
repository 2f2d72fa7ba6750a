/*
 * notify_loop.h - which event loop a notify variant's waiter sits in, the
 * rule drivers/notify/notify.h states: a variant named epoll waits in
 * epoll_wait, the other variants of an io_uring-* mechanism in
 * io_uring_enter.  The loop-wake figures (figures_notify.c), the table
 * beside them (report_notify.c) and the key results (family_notify.c, as
 * kv patterns) group the ways to wake a loop by it.
 */
#ifndef HARNESS_NOTIFY_LOOP_H
#define HARNESS_NOTIFY_LOOP_H

#include <string.h>

/* "epoll", "ring", or NULL (the waiter sleeps in a plain wait). */
static inline const char *notify_loop_kind(const char *mechanism, const char *variant)
{
	if (!strcmp(variant, "epoll"))
		return "epoll";
	if (!strncmp(mechanism, "io_uring", 8))
		return "ring";
	return NULL;
}

#endif
