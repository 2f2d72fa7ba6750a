/*
 * test_topology.c - evb_topology against sysfs trees the test makes: CPU
 * lists, each distance from same to numa, what is unknown when a file is
 * missing, and the machine's description for env.csv.
 *
 * The tree: 8 CPUs in two packages on two NUMA nodes.  Package 0 (node 0)
 * has two cores of two threads, each core under its own L3 (two caches in
 * one package, as AMD's CCXs); package 1 (node 1) has two cores of two
 * threads under one L3.  Threads are numbered across cores, as on Intel:
 *
 *   package 0, node 0: core (0,2) L3 "0,2"   core (1,3) L3 "1,3"
 *   package 1, node 1: core (4,6), core (5,7) L3 "4-7"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evb_topology.h"
#include "testutil.h"

/* root/rel with text, its directories made first. */
static void put(const char *root, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *slash = strchr(path + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
		*slash = '/';
	}
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "create %s", path);
	fputs(text, f);
	fclose(f);
}

static void put_cpu(const char *root, int cpu, const char *rel, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "devices/system/cpu/cpu%d/%s", cpu, rel);
	put(root, path, text);
}

/* The tree of the header comment, in a new directory root. */
static void make_tree(char *root, size_t len)
{
	static const char *const siblings[] = { "0,2", "1,3", "0,2", "1,3",
						"4,6", "5,7", "4,6", "5,7" };
	static const char *const l3[] = { "0,2", "1,3", "0,2", "1,3", "4-7", "4-7", "4-7", "4-7" };

	tu_tmpdir(root, len);
	put(root, "devices/system/cpu/online", "0-7\n");
	for (int cpu = 0; cpu < 8; cpu++) {
		char own[8];

		snprintf(own, sizeof(own), "%d\n", cpu);
		put_cpu(root, cpu, "topology/thread_siblings_list", siblings[cpu]);
		put_cpu(root, cpu, "topology/physical_package_id", cpu < 4 ? "0\n" : "1\n");
		put_cpu(root, cpu, "cache/index0/level", "1\n");
		put_cpu(root, cpu, "cache/index0/shared_cpu_list", siblings[cpu]);
		put_cpu(root, cpu, "cache/index1/level", "1\n");
		put_cpu(root, cpu, "cache/index1/shared_cpu_list", siblings[cpu]);
		put_cpu(root, cpu, "cache/index2/level", "2\n");
		put_cpu(root, cpu, "cache/index2/shared_cpu_list", own);
		put_cpu(root, cpu, "cache/index3/level", "3\n");
		put_cpu(root, cpu, "cache/index3/shared_cpu_list", l3[cpu]);
	}
	put(root, "devices/system/node/node0/cpulist", "0-3\n");
	put(root, "devices/system/node/node1/cpulist", "4-7\n");
	put(root, "devices/system/node/online", "0-1\n");   /* not a node directory */
}

static const char *distance(const char *root, int a, int b)
{
	return evb_cpu_distance_names[evb_cpu_distance(root, a, b)];
}

START_TEST(cpulist_parse_and_format)
{
	static const char *const bad[] = { "a", "0-", "3-1", "1,,2", "0,\n", "1 2", "-1",
					   "5000", "0-99999999999999999999", NULL };
	char text[64];
	cpu_set_t set;

	ck_assert_int_eq(evb_cpulist_parse("0-3,8,10-11\n", &set), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 7);
	ck_assert(CPU_ISSET(8, &set) && CPU_ISSET(11, &set) && !CPU_ISSET(9, &set));
	evb_cpulist_format(&set, text, sizeof(text));
	ck_assert_str_eq(text, "0-3,8,10-11");
	evb_cpulist_format(&set, text, 6);   /* truncated, terminated */
	ck_assert_str_eq(text, "0-3,8");
	ck_assert_int_eq(evb_cpulist_parse("", &set), 0);
	ck_assert_int_eq(CPU_COUNT(&set), 0);
	evb_cpulist_format(&set, text, sizeof(text));
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(evb_cpulist_parse("5\n", &set), 0);
	ck_assert(CPU_ISSET(5, &set) && CPU_COUNT(&set) == 1);
	for (int i = 0; bad[i]; i++)
		ck_assert_msg(evb_cpulist_parse(bad[i], &set) == -EINVAL, "'%s' accepted", bad[i]);
}
END_TEST

START_TEST(every_distance)
{
	char root[512], path[700];

	make_tree(root, sizeof(root));
	ck_assert_str_eq(distance(root, 3, 3), "same");
	ck_assert_str_eq(distance(root, 0, 2), "smt");
	ck_assert_str_eq(distance(root, 7, 5), "smt");
	ck_assert_str_eq(distance(root, 4, 5), "llc");      /* one L3 in package 1 */
	ck_assert_str_eq(distance(root, 0, 1), "package");  /* two L3s in package 0 */
	ck_assert_str_eq(distance(root, 0, 4), "numa");
	ck_assert_str_eq(distance(root, 6, 3), "numa");
	ck_assert_str_eq(distance(root, -1, 2), "");
	ck_assert_str_eq(distance(root, 2, -1), "");
	/* no NUMA support (no node directory): one node, two packages */
	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	tu_rmtree(path);
	ck_assert_str_eq(distance(root, 0, 4), "socket");
	ck_assert_str_eq(distance(root, 0, 1), "package");
	tu_rmtree(root);
}
END_TEST

/* What sysfs does not say is unknown, never guessed. */
START_TEST(missing_files_are_unknown)
{
	char root[512], path[700];

	make_tree(root, sizeof(root));
	/* cpu 1 lists no cache: llc or package cannot be told apart */
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu1/cache", root);
	tu_rmtree(path);
	ck_assert_str_eq(distance(root, 1, 0), "unknown");
	ck_assert_str_eq(distance(root, 1, 3), "smt");       /* still known */
	ck_assert_str_eq(distance(root, 1, 4), "numa");
	/* cpu 6 has no topology directory */
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu6/topology", root);
	tu_rmtree(path);
	ck_assert_str_eq(distance(root, 6, 4), "unknown");
	ck_assert_str_eq(distance(root, 5, 6), "llc");      /* cpu 5's cache lists it */
	/* a node directory that lists no node for cpu 2 */
	put(root, "devices/system/node/node0/cpulist", "0-1,3\n");
	ck_assert_str_eq(distance(root, 0, 2), "smt");
	ck_assert_str_eq(distance(root, 2, 1), "unknown");
	/* a damaged list */
	put_cpu(root, 5, "topology/thread_siblings_list", "5,x\n");
	ck_assert_str_eq(distance(root, 5, 7), "unknown");
	tu_rmtree(root);
	ck_assert_str_eq(distance(root, 0, 1), "unknown");   /* no tree at all */
}
END_TEST

START_TEST(describe_the_machine)
{
	char root[512], text[512], path[700];

	make_tree(root, sizeof(root));
	ck_assert_int_eq(evb_topology_describe(root, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "smt 0,2 1,3 4,6 5,7; llc L3 0,2 1,3 4-7; package 0-3 4-7; "
			       "numa 0-3 4-7");
	/* offline CPUs are left out of every group */
	put(root, "devices/system/cpu/online", "0-5\n");
	ck_assert_int_eq(evb_topology_describe(root, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "smt 0,2 1,3 4 5; llc L3 0,2 1,3 4-5; package 0-3 4-5; "
			       "numa 0-3 4-5");
	/* no core with two threads; no NUMA; cpu 1's caches unreadable */
	put(root, "devices/system/cpu/online", "0-7\n");
	for (int cpu = 0; cpu < 8; cpu++) {
		char own[8];

		snprintf(own, sizeof(own), "%d\n", cpu);
		put_cpu(root, cpu, "topology/thread_siblings_list", own);
	}
	snprintf(path, sizeof(path), "%s/devices/system/node", root);
	tu_rmtree(path);
	snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu1/cache", root);
	tu_rmtree(path);
	ck_assert_int_eq(evb_topology_describe(root, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "smt none; llc unknown; package 0-3 4-7; numa 0-7");
	/* a short buffer: cut, terminated */
	ck_assert_int_eq(evb_topology_describe(root, text, 12), 0);
	ck_assert_str_eq(text, "smt none; l");
	/* no online list: nothing to describe */
	tu_rmtree(root);
	ck_assert_int_eq(evb_topology_describe(root, text, sizeof(text)), -ENOENT);
	ck_assert_str_eq(text, "");
}
END_TEST

/* This machine: every pair of its allowed CPUs (the first 16) has a
 * distance, the same both ways. */
START_TEST(this_machine)
{
	char text[4096];
	cpu_set_t mask;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(mask), &mask), 0);
	for (int a = 0; a < 16; a++) {
		for (int b = 0; b < 16; b++) {
			enum evb_cpu_distance d;

			if (!CPU_ISSET(a, &mask) || !CPU_ISSET(b, &mask))
				continue;
			d = evb_cpu_distance(EVB_SYSFS_ROOT, a, b);
			ck_assert_int_eq(d == EVB_DIST_SAME, a == b);
			ck_assert_int_ne(d, EVB_DIST_NONE);
			ck_assert_int_eq(d, evb_cpu_distance(EVB_SYSFS_ROOT, b, a));
		}
	}
	if (evb_topology_describe(EVB_SYSFS_ROOT, text, sizeof(text)) == 0)
		ck_assert_msg(tu_contains(text, "smt ") && tu_contains(text, "; numa "), "%s",
			      text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("topology");
	TCase *tc = tcase_create("topology");

	tcase_add_test(tc, cpulist_parse_and_format);
	tcase_add_test(tc, every_distance);
	tcase_add_test(tc, missing_files_are_unknown);
	tcase_add_test(tc, describe_the_machine);
	tcase_add_test(tc, this_machine);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
