/*
 * fdchan.h - a byte channel in each direction, shared by the mechanisms
 * that are "write a byte, read it": pipe and socketpair.  Their files only
 * say how to make one pair of descriptors; the ops below do the rest.
 *
 * rd[side] is the end that side reads; wr[side] is the end the other side
 * writes to reach it.  A read takes up to FDCHAN_BATCH bytes at once, so a
 * stream merges back-to-back notifications into one wakeup (the count is
 * the number of bytes), while a datagram socket returns one per read.
 */
#ifndef NOTIFY_FDCHAN_H
#define NOTIFY_FDCHAN_H

#include <stdint.h>

#include "notify.h"

#define FDCHAN_BATCH 4096

struct fdchan {
	int rd[2];
	int wr[2];
};

/* Make one connected pair: fds[0] is read, fds[1] written.  0 or -errno. */
typedef int (*fdchan_make_fn)(const struct notify_cfg *cfg, int fds[2]);

int fdchan_setup(struct notify_ctx *ctx, fdchan_make_fn make);
int fdchan_notify(struct notify_ctx *ctx, enum notify_side from);
int64_t fdchan_wait(struct notify_ctx *ctx, enum notify_side self, int64_t timeout_ns);
void fdchan_teardown(struct notify_ctx *ctx);

#endif
