/*
 * test_sys.c - fd limits, placement (interrupt-aware choice, the cpus
 * column), shared barrier and peers, the verified-asleep check.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "evb_clock.h"

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

START_TEST(irq_counts_sum_numbered_lines_per_cpu)
{
	static const char text[] =
		"           CPU0       CPU2       \n"
		" 24:          1          0  IO-APIC   5-edge      ACPI:Ged\n"
		" 36:          0      38719 PCI-MSIX-0000:00:02.0   1-edge      virtio1-req.0\n"
		" 41:       1475          3 PCI-MSIX-0000:00:04.0   1-edge      virtio3-rx\n"
		"  2:          7  XT-PIC  cascade\n"
		"NMI:          0          0   Non-maskable interrupts\n"
		"LOC:     350419     108444   Local timer interrupts\n"
		"ERR:          0\n";
	int64_t counts[4] = { -1, -1, -1, -1 };
	FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");

	ck_assert_ptr_nonnull(in);
	ck_assert_int_eq(evb_irq_counts_parse(in, counts, 4), 0);
	fclose(in);
	ck_assert_int_eq(counts[0], 1 + 1475 + 7);   /* LOC and NMI are not devices */
	ck_assert_int_eq(counts[2], 38719 + 3);
	ck_assert_int_eq(counts[1], -1);             /* not in the text */

	in = fmemopen((void *)"garbage\n", 8, "r");
	ck_assert_int_eq(evb_irq_counts_parse(in, counts, 4), -EINVAL);
	fclose(in);
}
END_TEST

START_TEST(cpus_column_says_where)
{
	char buf[32];

	evb_cpus_format(&(struct evb_cpus){ .a = 1, .b = 0 }, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1+0");
	evb_cpus_format(&(struct evb_cpus){ .a = 1, .b = 1 }, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1+1");
	evb_cpus_format(&(struct evb_cpus){ .a = 3, .b = -1 }, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3");
	evb_cpus_format(&(struct evb_cpus){ .a = -1, .b = -1 }, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(side_a_goes_where_device_interrupts_are_fewest)
{
	static int64_t counts[CPU_SETSIZE];
	struct evb_cpus cpus;
	char reason[256] = "";
	cpu_set_t mask;
	FILE *f = fopen("/proc/interrupts", "r");
	int best = -1;

	if (!f)
		return;   /* nothing to prefer: any allowed CPU */
	ck_assert_int_eq(evb_irq_counts_parse(f, counts, CPU_SETSIZE), 0);
	fclose(f);
	ck_assert_int_eq(sched_getaffinity(0, sizeof(mask), &mask), 0);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &mask) && (best < 0 || counts[cpu] < counts[best]))
			best = cpu;
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_SAME_CPU, &cpus, reason, sizeof(reason)), 0);
	ck_assert_int_eq(cpus.a, cpus.b);
	/* interrupts may arrive between the two reads: a's count is within a few of the best */
	ck_assert_msg(counts[cpus.a] <= counts[best] + 1000, "chose CPU %d (%lld), best %d (%lld)",
		      cpus.a, (long long)counts[cpus.a], best, (long long)counts[best]);
	ck_assert_int_eq(evb_placement_choose(EVB_PLACE_FREE, &cpus, reason, sizeof(reason)), 0);
	ck_assert_int_eq(cpus.a, -1);
}
END_TEST

struct sleeper {
	_Atomic pid_t tid;
	int fd[2];
};

static int sleeper_fn(void *arg)
{
	struct sleeper *sl = arg;
	char byte;

	atomic_store(&sl->tid, gettid());
	return read(sl->fd[0], &byte, 1) == 1 ? 0 : -EIO;   /* asleep in read */
}

START_TEST(asleep_is_seen_and_busy_is_not)
{
	struct sleeper sl = { .tid = 0 };
	struct evb_asleep w;
	struct evb_peer peer;
	char reason[64];

	ck_assert_int_eq(pipe(sl.fd), 0);
	ck_assert_int_eq(evb_peer_start(&peer, EVB_IPC_THREAD, -1, sleeper_fn, &sl), 0);
	while (!atomic_load(&sl.tid))
		sched_yield();
	ck_assert_int_eq(evb_asleep_open(&w, getpid(), atomic_load(&sl.tid)), 0);
	ck_assert_int_eq(evb_wait_until_asleep(&w, EVB_ASLEEP_TIMEOUT_NS), 1);
	ck_assert_int_eq(write(sl.fd[1], "x", 1), 1);
	ck_assert_int_eq(evb_peer_join(&peer, reason, sizeof(reason)), 0);
	evb_asleep_close(&w);

	/* this thread is running while it looks at itself */
	ck_assert_int_eq(evb_asleep_open(&w, getpid(), gettid()), 0);
	ck_assert_int_eq(evb_wait_until_asleep(&w, 2 * 1000 * 1000), 0);
	evb_asleep_close(&w);
	ck_assert_int_eq(evb_asleep_open(&w, getpid(), 0x3fffffff), -ENOENT);
	close(sl.fd[0]);
	close(sl.fd[1]);
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

/* /proc/stat counts ticks: a window of a few of them is no figure. */
START_TEST(machine_cpu_needs_many_ticks)
{
	long hz = sysconf(_SC_CLK_TCK), cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int64_t tick = 1000000000LL / hz, enough = EVB_MACHINE_CPU_MIN_TICKS * cpus * tick;
	int64_t now;

	ck_assert_int_eq(evb_machine_cpu_ns(&now), 0);
	ck_assert_int_eq(evb_machine_cpu_delta(now, now + enough), enough);
	ck_assert_int_eq(evb_machine_cpu_delta(now, now + enough - tick), EVB_NA);
	ck_assert_int_eq(evb_machine_cpu_delta(now, now), EVB_NA);
	ck_assert_int_eq(evb_machine_cpu_delta(EVB_NA, now), EVB_NA);
	ck_assert_int_eq(evb_machine_cpu_delta(now, EVB_NA), EVB_NA);
}
END_TEST

/* One CPU's busy ticks: user + nice + system + irq + softirq of its line
 * (not idle, iowait, steal); the machine's from the "cpu " line. */
START_TEST(cpu_busy_parses_one_line)
{
	static const char text[] =
		"cpu  100 2 30 9000 5 7 11 13 0 0\n"
		"cpu0 40 1 10 4500 2 3 5 6 0 0\n"
		"cpu12 60 1 20 4500 3 4 6 7 0 0\n"
		"cpu3 1 2\n"
		"intr 12345 0 0\n";
	int64_t ticks = -1;
	FILE *in;

	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	ck_assert_int_eq(evb_cpu_busy_parse(in, -1, &ticks), 0);
	ck_assert_int_eq(ticks, 100 + 2 + 30 + 7 + 11);
	fclose(in);
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	ck_assert_int_eq(evb_cpu_busy_parse(in, 12, &ticks), 0);
	ck_assert_int_eq(ticks, 60 + 1 + 20 + 4 + 6);
	fclose(in);
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	ck_assert_int_eq(evb_cpu_busy_parse(in, 1, &ticks), -ENOENT);   /* not cpu12's */
	fclose(in);
	in = fmemopen((void *)text, sizeof(text) - 1, "r");
	ck_assert_int_eq(evb_cpu_busy_parse(in, 3, &ticks), -EINVAL);
	fclose(in);
	ck_assert_int_eq(evb_cpu_busy_ns(sched_getcpu(), &ticks), 0);
	ck_assert_int_ge(ticks, 0);
	ck_assert_int_eq(evb_cpu_busy_delta(0, 0, 1), EVB_NA);
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
	tcase_add_test(tc, machine_cpu_needs_many_ticks);
	tcase_add_test(tc, cpu_busy_parses_one_line);
	tcase_add_test(tc, irq_counts_sum_numbered_lines_per_cpu);
	tcase_add_test(tc, cpus_column_says_where);
	tcase_add_test(tc, side_a_goes_where_device_interrupts_are_fewest);
	tcase_add_test(tc, asleep_is_seen_and_busy_is_not);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
