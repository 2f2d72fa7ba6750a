/*
 * test_uring.c - evb_uring: the ring's sizes (SQ and CQ as evb_uring.h
 * says, capped), each setup's flags, a provided buffer ring that gives a
 * multishot recv its buffers, a zero-timeout reaper that gets every
 * completion under each setup (defer: more than the kernel runs per call),
 * and the support probe (0, or -ENOTSUP with a reason) for every feature.
 * Without liburing only the probe's reason is checked.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evb_uring.h"
#include "testutil.h"

static const unsigned all_features = EVB_URING_OP_POLL | EVB_URING_OP_RECV | EVB_URING_OP_SEND |
				     EVB_URING_POLL_MULTI | EVB_URING_BUF_RING |
				     EVB_URING_RECV_MULTI | EVB_URING_COOP_TASKRUN |
				     EVB_URING_SINGLE_ISSUER | EVB_URING_DEFER_TASKRUN;

START_TEST(supported_says_why_not)
{
	static const unsigned each[] = {
		0, EVB_URING_OP_POLL, EVB_URING_OP_RECV, EVB_URING_OP_SEND, EVB_URING_POLL_MULTI,
		EVB_URING_BUF_RING, EVB_URING_RECV_MULTI, EVB_URING_COOP_TASKRUN,
		EVB_URING_SINGLE_ISSUER, EVB_URING_DEFER_TASKRUN,
	};
	char reason[256] = "";
	int ret = evb_uring_supported(each[_i], reason, sizeof(reason));

	ck_assert_msg(ret == 0 || ret == -ENOTSUP, "feature %#x: %d", each[_i], ret);
	if (ret)
		ck_assert_msg(reason[0], "feature %#x unsupported without a reason", each[_i]);
#if !EVB_HAVE_LIBURING
	ck_assert_msg(tu_contains(reason, "without liburing"), "%s", reason);
#endif
}
END_TEST

#if EVB_HAVE_LIBURING
START_TEST(ring_sizes)
{
	static const struct { int64_t nfds, maxevents; unsigned sq, cq; } cases[] = {
		{ 1, 1, 8, 8 },
		{ 100, 200, 256, 256 },
		{ 1000, 2000, 2048, 2048 },
		{ 10000, 20000, 4096, 32768 },   /* SQ capped; the rest submitted as it fills */
	};
	struct io_uring ring;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(evb_uring_init(&ring, cases[i].nfds, cases[i].maxevents,
						EVB_URING_SETUP_DEFAULT), 0);
		ck_assert_uint_eq(ring.sq.ring_entries, cases[i].sq);
		ck_assert_uint_eq(ring.cq.ring_entries, cases[i].cq);
		io_uring_queue_exit(&ring);
	}
}
END_TEST

/* Two multishot CQEs from one recv, each naming a buffer of the ring. */
START_TEST(buf_ring_feeds_multishot_recv)
{
	static char bufs[4][16];
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	char reason[256];
	int sv[2];

	if (evb_uring_supported(EVB_URING_RECV_MULTI, reason, sizeof(reason)))
		return;
	ck_assert_int_eq(evb_uring_init(&ring, 4, 4, EVB_URING_SETUP_DEFAULT), 0);
	ck_assert_int_eq(evb_uring_buf_ring_setup(&ring, 4, 3, &br), 0);
	for (int i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, bufs[i], sizeof(bufs[i]), (unsigned short)i,
				      io_uring_buf_ring_mask(4), i);
	io_uring_buf_ring_advance(br, 4);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[0], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 3;
	ck_assert_int_eq(io_uring_submit(&ring), 1);
	for (int k = 0; k < 2; k++) {
		ck_assert_int_eq(write(sv[1], "abc", 3), 3);
		ck_assert_int_eq(io_uring_wait_cqe(&ring, &cqe), 0);
		ck_assert_int_eq(cqe->res, 3);
		ck_assert(cqe->flags & IORING_CQE_F_BUFFER);
		ck_assert(cqe->flags & IORING_CQE_F_MORE);
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;

		ck_assert_uint_lt(bid, 4);
		ck_assert_int_eq(memcmp(bufs[bid], "abc", 3), 0);
		io_uring_cqe_seen(&ring, cqe);
	}
	evb_uring_buf_ring_free(&ring, br, 4, 3);
	io_uring_queue_exit(&ring);
	close(sv[0]);
	close(sv[1]);
}
END_TEST
#endif

#if EVB_HAVE_LIBURING
/* The setup this kernel takes, or skip the test (its reason names the flag). */
static bool setup_here(enum evb_uring_setup setup)
{
	char reason[256] = "";
	int ret = evb_uring_supported(evb_uring_setup_needs(setup), reason, sizeof(reason));

	if (ret)
		ck_assert_msg(tu_contains(reason, "IORING_SETUP_") ||
			      !tu_contains(reason, "needs Linux"), "%s", reason);
	return ret == 0;
}

/* Each setup's ring carries its flags, and only those. */
START_TEST(setup_flags)
{
	static const unsigned want[] = {
		[EVB_URING_SETUP_DEFAULT] = 0,
		[EVB_URING_SETUP_COOP] = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		[EVB_URING_SETUP_DEFER] = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	};
	const unsigned taskrun = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
				 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	struct io_uring ring;

	static const char *const names[] = { "default", "coop", "defer" };

	ck_assert_str_eq(evb_uring_setup_names[_i], names[_i]);
	if (!setup_here((enum evb_uring_setup)_i))
		return;
	ck_assert_int_eq(evb_uring_init(&ring, 16, 16, (enum evb_uring_setup)_i), 0);
	ck_assert_uint_eq(ring.flags & taskrun, want[_i]);
	io_uring_queue_exit(&ring);
}
END_TEST

/*
 * 100 eventfds, a POLL_ADD on each, all made readable, then one zero-timeout
 * reap: every completion is in the CQ, under each setup.  Under defer the
 * kernel ran at most 20 items per call here (6.18), so one call would have
 * left 80 behind: the reaper asked again.
 */
START_TEST(get_events_reaps_every_completion)
{
	enum { N = 100 };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint64_t one = 1;
	unsigned head;
	int fds[N], calls;

	if (!setup_here((enum evb_uring_setup)_i))
		return;
	ck_assert_int_eq(evb_uring_init(&ring, N, N, (enum evb_uring_setup)_i), 0);
	for (int i = 0; i < N; i++) {
		fds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
		io_uring_prep_poll_add(io_uring_get_sqe(&ring), fds[i], POLLIN);
	}
	ck_assert_int_eq(io_uring_submit(&ring), N);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(write(fds[i], &one, sizeof(one)), (ssize_t)sizeof(one));
	/* a reaper that wants 10 may stop once it has them; the rest stays due */
	ck_assert_int_ge(evb_uring_get_events(&ring, 10), 1);
	ck_assert_uint_ge(io_uring_cq_ready(&ring), 10);
	calls = evb_uring_get_events(&ring, 2 * N);
	ck_assert_int_ge(calls, 1);
	ck_assert_uint_eq(io_uring_cq_ready(&ring), N);
	io_uring_for_each_cqe(&ring, head, cqe)
		ck_assert_int_eq(cqe->res & POLLIN, POLLIN);
	if (_i == EVB_URING_SETUP_DEFER)
		ck_assert_int_ge(calls, 2);
	io_uring_queue_exit(&ring);
	for (int i = 0; i < N; i++)
		close(fds[i]);
}
END_TEST
#endif

START_TEST(setup_names_and_needs)
{
	ck_assert_ptr_null(evb_uring_setup_names[3]);
	ck_assert_uint_eq(evb_uring_setup_needs(EVB_URING_SETUP_DEFAULT), 0);
	ck_assert_uint_eq(evb_uring_setup_needs(EVB_URING_SETUP_COOP), EVB_URING_COOP_TASKRUN);
	ck_assert_uint_eq(evb_uring_setup_needs(EVB_URING_SETUP_DEFER),
			  EVB_URING_SINGLE_ISSUER | EVB_URING_DEFER_TASKRUN);
}
END_TEST

START_TEST(every_feature_at_once)
{
	char reason[256] = "";
	int ret = evb_uring_supported(all_features, reason, sizeof(reason));

	ck_assert_msg(ret == 0 || (ret == -ENOTSUP && reason[0]), "%d: %s", ret, reason);
	if (ret && !tu_contains(reason, "liburing") && !tu_contains(reason, "disabled") &&
	    !tu_contains(reason, "io_uring_queue_init"))
		ck_assert_msg(tu_contains(reason, "needs Linux"), "%s", reason);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("uring");
	TCase *tc = tcase_create("uring");

	tcase_add_loop_test(tc, supported_says_why_not, 0, 10);
	tcase_add_test(tc, every_feature_at_once);
	tcase_add_test(tc, setup_names_and_needs);
#if EVB_HAVE_LIBURING
	tcase_add_test(tc, ring_sizes);
	tcase_add_loop_test(tc, setup_flags, 0, 3);
	tcase_add_loop_test(tc, get_events_reaps_every_completion, 0, 3);
	tcase_add_test(tc, buf_ring_feeds_multishot_recv);
#endif
	suite_add_tcase(s, tc);
	return tu_main(s);
}
