/*
 * evb_topology.h - how far apart two CPUs are, and the machine's CPU
 * topology, from sysfs.
 *
 * A cross-CPU wakeup costs several times more across last-level caches or
 * sockets than between SMT siblings, so a row says which pair it ran on
 * (the cpu_distance column), nearest first:
 *
 *   same      one CPU (same-cpu)
 *   smt       two hardware threads of one core
 *             (cpuN/topology/thread_siblings_list)
 *   llc       two cores under one last-level cache (cpuN/cache/index*:
 *             the highest level's shared_cpu_list; L3 on most machines)
 *   package   two caches, one package (physical_package_id) and node
 *   socket    two packages, one NUMA node (NUMA off on a multi-socket box)
 *   numa      two NUMA nodes (devices/system/node/nodeM/cpulist)
 *   unknown   sysfs does not say (no topology or cache directory, as in
 *             some containers): nothing is guessed
 *
 * On a machine without NUMA support (no node directory) every CPU is on
 * one node.  Every reader takes the sysfs root (EVB_SYSFS_ROOT, or a tree
 * a test made) and reads only what it names.
 */
#ifndef EVB_TOPOLOGY_H
#define EVB_TOPOLOGY_H

#include <sched.h>
#include <stddef.h>

#define EVB_SYSFS_ROOT "/sys"

#define EVB_CPU_DISTANCES(X)                                                 \
	X(NONE, "") X(SAME, "same") X(SMT, "smt") X(LLC, "llc")              \
	X(PACKAGE, "package") X(SOCKET, "socket") X(NUMA, "numa")            \
	X(UNKNOWN, "unknown")

#define EVB_CPU_DISTANCE_ENUM(id, name) EVB_DIST_##id,
enum evb_cpu_distance { EVB_CPU_DISTANCES(EVB_CPU_DISTANCE_ENUM) EVB_NDISTANCES };
#undef EVB_CPU_DISTANCE_ENUM

/* The names above, by enum evb_cpu_distance (EVB_DIST_NONE: ""). */
extern const char *const evb_cpu_distance_names[];

/*
 * A sysfs CPU list ("0-3,8,10-11\n"; "" is empty) into set.  0, or
 * -EINVAL for anything else (a CPU at or above CPU_SETSIZE included).
 */
int evb_cpulist_parse(const char *text, cpu_set_t *set);
/* set as a CPU list ("0-3,8"), truncated to len; "" when empty. */
void evb_cpulist_format(const cpu_set_t *set, char *buf, size_t len);

/* How far apart CPUs a and b are; EVB_DIST_NONE when either is < 0. */
enum evb_cpu_distance evb_cpu_distance(const char *sysroot, int a, int b);

/*
 * The online CPUs' topology, for env.csv's cpu_topology: each level's
 * groups as CPU lists, nearest first, e.g. on 2 cores x 2 threads
 * "smt 0,2 1,3; llc L3 0-3; package 0-3; numa 0-3" ("smt none" when no
 * core has two threads; a level sysfs does not give says "unknown").
 * Truncated to len.  0, or -errno when the online CPUs are not readable
 * (buf "").
 */
int evb_topology_describe(const char *sysroot, char *buf, size_t len);

#endif
