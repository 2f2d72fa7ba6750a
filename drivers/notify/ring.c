/* ring.c - the notify mechanisms' rings; see ring.h. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_clock.h"
#include "ring.h"

/* Sizes: few requests in flight; a CQ deep enough for a burst's messages. */
#define RING_SQ 64
#define RING_CQ 8192

int notify_ring_supported(const struct notify_cfg *cfg, unsigned features, char *reason,
			  size_t len)
{
	if (cfg)
		features |= evb_uring_setup_needs((enum evb_uring_setup)cfg->uring_setup);
	return evb_uring_supported(features, reason, len);
}

#if EVB_HAVE_LIBURING

/* epoll: side's eventfd, registered with its ring, in its epoll set. */
static int epoll_setup(struct notify_ring *r, int side)
{
	struct epoll_event ev = { .events = EPOLLIN };

	r->efd[side] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->epfd[side] = epoll_create1(EPOLL_CLOEXEC);
	if (r->efd[side] < 0 || r->epfd[side] < 0 ||
	    epoll_ctl(r->epfd[side], EPOLL_CTL_ADD, r->efd[side], &ev))
		return -errno;
	return io_uring_register_eventfd(&r->ring[side], r->efd[side]);
}

int notify_ring_setup(struct notify_ring *r, const struct notify_cfg *cfg, bool epoll)
{
	memset(r, 0, sizeof(*r));
	memset(r->efd, -1, sizeof(r->efd));
	memset(r->epfd, -1, sizeof(r->epfd));
	r->epoll = epoll;
	for (int side = 0; side < 2; side++) {
		int ret = evb_uring_init_handed(&r->ring[side], RING_CQ / 2, RING_SQ,
						(enum evb_uring_setup)cfg->uring_setup,
						&r->disabled[side]);

		r->made[side] = !ret;
		if (!ret && epoll)
			ret = epoll_setup(r, side);
		if (ret) {
			notify_ring_teardown(r);
			return ret;
		}
	}
	return 0;
}

void notify_ring_teardown(struct notify_ring *r)
{
	for (int side = 0; side < 2; side++) {
		if (r->made[side])
			io_uring_queue_exit(&r->ring[side]);
		if (r->efd[side] >= 0)
			close(r->efd[side]);
		if (r->epfd[side] >= 0)
			close(r->epfd[side]);
		r->made[side] = false;
		r->efd[side] = r->epfd[side] = -1;
	}
}

struct io_uring *notify_ring_get(struct notify_ring *r, enum notify_side self, int *err)
{
	if (r->disabled[self]) {
		int ret = evb_uring_enable(&r->ring[self]);

		if (ret < 0) {
			*err = ret;
			return NULL;
		}
		r->disabled[self] = false;   /* this side's copy (B's, after fork) */
	}
	return &r->ring[self];
}

int notify_ring_side_init(struct notify_ctx *ctx, enum notify_side self)
{
	int err = 0;

	return notify_ring_get(ctx->priv, self, &err) ? 0 : err;
}

int notify_ring_fd(const struct notify_ring *r, enum notify_side side)
{
	return r->ring[side].ring_fd;
}

int notify_ring_submit(struct io_uring *ring)
{
	int ret = io_uring_submit(ring);

	return ret < 0 ? ret : 0;
}

struct io_uring_sqe *notify_ring_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe && notify_ring_submit(ring) == 0)
		sqe = io_uring_get_sqe(ring);
	if (sqe)
		memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

/* Submit, then run pending completion work: 1 when the CQ holds one, 0, -errno. */
static int ring_look(struct io_uring *ring)
{
	int ret = evb_uring_get_events(ring, 1);

	if (ret < 0)
		return ret == -EINTR ? 0 : ret;
	return io_uring_cq_ready(ring) > 0;
}

/*
 * The epoll loop: reap what the ring holds, else submit what is queued and
 * sleep on the eventfd; once woken, take the eventfd and, when the CQEs
 * wait as task work (defer), ask the ring for them.  Under defer the
 * kernel signals the eventfd only when it queues work on an empty list, so
 * the loop also runs the pending work before it sleeps (one io_uring_enter
 * a wait), or it could sleep on work that will never signal.  A wakeup
 * whose eventfd count was for completions already reaped (the kernel
 * signals after posting, the loop may reap before it reads) finds nothing:
 * the loop sleeps again, as a real one would, within the same wait; so
 * after an EINTR, which the ring's completion work raises in the task it
 * signals (the default setup's TWA_SIGNAL), as a real loop must.
 */
static int epoll_loop_wait(struct notify_ring *r, enum notify_side self, int64_t timeout_ns)
{
	struct io_uring *ring = &r->ring[self];
	bool defer = ring->flags & IORING_SETUP_DEFER_TASKRUN;
	int64_t deadline = timeout_ns > 0 ? evb_now_ns() + timeout_ns : -1;
	struct epoll_event ev;
	uint64_t value;
	int ret;

	if (io_uring_cq_ready(ring))
		return 1;
	if (defer || timeout_ns == 0) {
		ret = ring_look(ring);   /* submits too */
		if (ret || timeout_ns == 0)
			return ret;
	} else if (io_uring_sq_ready(ring)) {
		ret = io_uring_submit(ring);
		if (ret < 0)
			return ret;
	}
	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - evb_now_ns();
		int timeout_ms = left < 0 ? -1 : (int)((left + 999999) / 1000000);

		if (deadline >= 0 && left <= 0)
			return 0;
		ret = epoll_wait(r->epfd[self], &ev, 1, timeout_ms);
		if (ret < 0 && errno == EINTR)
			continue;   /* the ring's task work interrupts the sleep (default setup) */
		if (ret <= 0)
			return ret < 0 ? -errno : 0;
		if (read(r->efd[self], &value, sizeof(value)) < 0 && errno != EAGAIN)
			return -errno;
		ret = io_uring_cq_ready(ring) ? 1 : ring_look(ring);
		if (ret)
			return ret;
	}
}

int notify_ring_wait(struct notify_ring *r, enum notify_side self, int64_t timeout_ns)
{
	struct io_uring *ring = &r->ring[self];
	struct io_uring_cqe *cqe;
	int ret;

	if (r->epoll)
		return epoll_loop_wait(r, self, timeout_ns);
	if (timeout_ns == 0)
		return ring_look(ring);
	if (timeout_ns < 0) {
		ret = io_uring_submit_and_wait(ring, 1);
	} else {
		struct __kernel_timespec ts = evb_uring_ts(timeout_ns);

		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	}
	if (ret == -ETIME || ret == -EINTR || ret == -EAGAIN)
		return 0;
	if (ret < 0)
		return ret;
	return io_uring_cq_ready(ring) > 0;
}

int notify_ring_wait_armed(struct notify_ring *r, enum notify_side self, int64_t timeout_ns,
			   void (*prep)(struct io_uring_sqe *sqe, const void *arg),
			   const void *arg, int *res)
{
	struct io_uring *ring = &r->ring[self];
	int64_t msgs = 0;
	int ret;

	if (!r->armed[self]) {
		struct io_uring_sqe *sqe = notify_ring_sqe(ring);

		if (!sqe)
			return -EBUSY;
		prep(sqe, arg);
		sqe->user_data = RING_ARM;
		r->armed[self] = true;
	}
	ret = notify_ring_wait(r, self, timeout_ns);
	if (ret <= 0)
		return ret;
	ret = notify_ring_reap(ring, &msgs, &r->armed[self], res);
	if (!ret && msgs)
		ret = -EPROTO;   /* nothing sends messages to an armed ring */
	return ret ? ret : !r->armed[self];
}

int notify_ring_reap(struct io_uring *ring, int64_t *msgs, bool *armed, int *arm_res)
{
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0;
	int err = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		seen++;
		switch (cqe->user_data) {
		case RING_MSG:
			if (cqe->res < 0 && !err)
				err = cqe->res;
			else
				(*msgs)++;
			break;
		case RING_ARM:
			if (armed)
				*armed = false;
			if (arm_res)
				*arm_res = cqe->res;
			break;
		case RING_SEND:
			if (cqe->res < 0 && !err)
				err = cqe->res;
			break;
		default:
			if (!err)
				err = -EPROTO;   /* a completion nobody asked for */
		}
	}
	io_uring_cq_advance(ring, seen);
	return err;
}

#else

int notify_ring_side_init(struct notify_ctx *ctx, enum notify_side self)
{
	(void)ctx;
	(void)self;
	return -ENOTSUP;
}

#endif
