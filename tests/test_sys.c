/* test_sys.c - fd limits, placement, shared barrier and peers. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "evb_peer.h"
#include "evb_placement.h"
#include "evb_sys.h"
#include "testutil.h"

START_TEST(nofile_check_names_the_limit)
{
	char reason[256] = "";
	int64_t soft, hard;

	evb_nofile_raise();
	evb_nofile_get(&soft, &hard);
	ck_assert_int_eq(evb_nofile_check(10, reason, sizeof(reason)), 0);
	ck_assert_int_eq(evb_nofile_check(hard + 1, reason, sizeof(reason)), -EMFILE);
	ck_assert_msg(tu_contains(reason, "RLIMIT_NOFILE hard limit") &&
		      tu_contains(reason, "needed"), "%s", reason);
}
END_TEST

START_TEST(cross_cpu_on_one_cpu_is_unsupported)
{
	cpu_set_t one;
	struct evb_cpus cpus;
	char reason[256] = "";

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(one), &one), 0);
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_CROSS_CPU, &cpus, reason, sizeof(reason)),
			 -ENODEV);
	ck_assert_msg(tu_contains(reason, "1 usable"), "%s", reason);
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_SAME_CPU, &cpus, reason, sizeof(reason)), 0);
	ck_assert_int_eq(cpus.a, cpus.b);
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_FREE, &cpus, reason, sizeof(reason)), 0);
	ck_assert_int_eq(cpus.a, -1);
}
END_TEST

START_TEST(cross_cpu_picks_two_cpus)
{
	struct evb_cpus cpus;
	char reason[256] = "";

	if (evb_usable_cpus() < 2)
		return;   /* covered by the one-CPU test */
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_CROSS_CPU, &cpus, reason, sizeof(reason)), 0);
	ck_assert_int_ne(cpus.a, cpus.b);
	ck_assert_int_ge(cpus.a, 0);
	ck_assert_int_ge(cpus.b, 0);
}
END_TEST

struct shared_test {
	struct evb_barrier barrier;
	_Atomic int phase;
	int child_cpu;
};

static int child_fn(void *arg)
{
	struct shared_test *st = arg;

	st->child_cpu = sched_getcpu();
	atomic_store(&st->phase, 1);
	if (evb_barrier_wait(&st->barrier))
		return -ECANCELED;
	return -EDOM;   /* a distinctive result to see through the exit status */
}

START_TEST(process_peer_shares_memory_and_returns_result)
{
	struct shared_test *st = evb_shared_alloc(sizeof(*st));
	struct evb_peer peer;
	char reason[128] = "";

	evb_barrier_init(&st->barrier, 2);
	ck_assert_int_eq(evb_peer_start(&peer, EVB_IPC_PROCESS, 0, child_fn, st), 0);
	ck_assert_int_eq(evb_barrier_wait(&st->barrier), 0);
	ck_assert_int_eq(atomic_load(&st->phase), 1);
	ck_assert_int_eq(evb_peer_join(&peer, reason, sizeof(reason)), -EDOM);
	ck_assert_int_eq(st->child_cpu, 0);   /* pinned before fn ran */
	evb_shared_free(st, sizeof(*st));
}
END_TEST

START_TEST(thread_peer_and_barrier_abort)
{
	struct shared_test *st = evb_shared_alloc(sizeof(*st));
	struct evb_peer peer;
	char reason[128] = "";

	evb_barrier_init(&st->barrier, 3);   /* three parties: two never arrive */
	ck_assert_int_eq(evb_peer_start(&peer, EVB_IPC_THREAD, -1, child_fn, st), 0);
	while (!atomic_load(&st->phase))
		sched_yield();
	evb_barrier_abort(&st->barrier);
	ck_assert_int_eq(evb_peer_join(&peer, reason, sizeof(reason)), -ECANCELED);
	ck_assert_int_eq(evb_barrier_wait(&st->barrier), -ECANCELED);
	evb_shared_free(st, sizeof(*st));
}
END_TEST

static int crash_fn(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
	return 0;
}

START_TEST(crashed_process_peer_is_reported)
{
	struct evb_peer peer;
	char reason[128] = "";

	ck_assert_int_eq(evb_peer_start(&peer, EVB_IPC_PROCESS, -1, crash_fn, NULL), 0);
	ck_assert_int_eq(evb_peer_join(&peer, reason, sizeof(reason)), -EINTR);
	ck_assert_msg(tu_contains(reason, "signal 11"), "%s", reason);
}
END_TEST

START_TEST(strlcpy_truncates)
{
	char small[4];

	evb_strlcpy(small, "abcdef", sizeof(small));
	ck_assert_str_eq(small, "abc");
	evb_strlcpy(small, NULL, sizeof(small));
	ck_assert_str_eq(small, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sys");
	TCase *tc = tcase_create("sys");

	tcase_add_test(tc, nofile_check_names_the_limit);
	tcase_add_test(tc, cross_cpu_on_one_cpu_is_unsupported);
	tcase_add_test(tc, cross_cpu_picks_two_cpus);
	tcase_add_test(tc, process_peer_shares_memory_and_returns_result);
	tcase_add_test(tc, thread_peer_and_barrier_abort);
	tcase_add_test(tc, crashed_process_peer_is_reported);
	tcase_add_test(tc, strlcpy_truncates);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
