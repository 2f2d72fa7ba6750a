/* uring_ring.c - the io_uring instance evb-mux uses; see uring_ring.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "evb_sys.h"
#include "uring_ring.h"

#if EVB_HAVE_LIBURING

#define SQ_MAX 4096u
#define CQ_MAX 65536u

static unsigned pow2_at_least(int64_t n, unsigned max)
{
	unsigned p = 8;

	while (p < n && p < max)
		p <<= 1;
	return p;
}

int uring_ring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents)
{
	unsigned sq = pow2_at_least(maxevents, SQ_MAX);
	struct io_uring_params params = {
		.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP,
		/* the kernel wants at least as many CQ entries as SQ entries */
		.cq_entries = pow2_at_least(2 * nfds > sq ? 2 * nfds : sq, CQ_MAX),
	};

	return io_uring_queue_init_params(sq, ring, &params);
}

/* Does POLL_ADD_MULTI work here?  Arm it on an eventfd and make it fire. */
static int probe_multishot(char *reason, size_t len)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 1 };
	int efd, ret;

	ret = uring_ring_init(&ring, 8, 8);
	if (ret)
		return ret;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		ret = -errno;
		goto err_exit_ring;
	}
	io_uring_prep_poll_multishot(io_uring_get_sqe(&ring), efd, POLLIN);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = evb_eventfd_post(efd);
	if (ret == 0)
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	if (ret == 0 && (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_MORE))) {
		snprintf(reason, len, "io_uring: IORING_POLL_ADD_MULTI refused (%s; needs Linux 5.13)",
			 strerror(cqe->res < 0 ? -cqe->res : EINVAL));
		ret = -ENOTSUP;
	}
	close(efd);
err_exit_ring:
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}

int uring_ring_supported(bool multishot, char *reason, size_t len)
{
	struct io_uring ring;
	int64_t disabled = 0;
	int ret;

	if (evb_read_i64("/proc/sys/kernel/io_uring_disabled", &disabled) == 0 && disabled == 2) {
		snprintf(reason, len, "io_uring disabled (kernel.io_uring_disabled=2)");
		return -ENOTSUP;
	}
	ret = uring_ring_init(&ring, 8, 8);
	if (ret) {
		snprintf(reason, len, "io_uring_queue_init: %s%s", strerror(-ret),
			 disabled ? " (kernel.io_uring_disabled=1)" : "");
		return -ENOTSUP;
	}
	io_uring_queue_exit(&ring);
	if (multishot) {
		ret = probe_multishot(reason, len);
		if (ret && ret != -ENOTSUP)
			snprintf(reason, len, "io_uring multishot probe: %s", strerror(-ret));
		if (ret)
			return -ENOTSUP;
	}
	return 0;
}

#else /* !EVB_HAVE_LIBURING */

int uring_ring_supported(bool multishot, char *reason, size_t len)
{
	(void)multishot;
	snprintf(reason, len, "built without liburing (install liburing-dev and rebuild)");
	return -ENOTSUP;
}

#endif
