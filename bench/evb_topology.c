/* evb_topology.c - CPU distance and topology from sysfs; see evb_topology.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_sys.h"
#include "evb_topology.h"

#define EVB_CPU_DISTANCE_NAME(id, name) [EVB_DIST_##id] = name,
const char *const evb_cpu_distance_names[] = {
	EVB_CPU_DISTANCES(EVB_CPU_DISTANCE_NAME) NULL
};
#undef EVB_CPU_DISTANCE_NAME

/* Cache index directories looked at per CPU (index0 .. ): L1d, L1i, L2, L3
 * on most machines. */
#define TOPO_CACHE_INDEXES 16
/* The longest CPU list line read (a list of single CPUs on a big machine). */
#define TOPO_LINE 8192

/* snprintf at buf + *used, *used advanced and kept below len. */
static void topo_append(char *buf, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void topo_append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used = *used + (size_t)n < len ? *used + (size_t)n : len - 1;
}

int evb_cpulist_parse(const char *text, cpu_set_t *set)
{
	const char *p = text;

	CPU_ZERO(set);
	while (*p && *p != '\n') {
		char *end;
		long lo, hi;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		lo = hi = strtol(p, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			hi = strtol(end + 1, &end, 10);
		}
		if (lo > hi || hi >= CPU_SETSIZE)
			return -EINVAL;
		for (long cpu = lo; cpu <= hi; cpu++)
			CPU_SET((size_t)cpu, set);
		p = end;
		if (*p == ',' && isdigit((unsigned char)p[1]))
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return 0;
}

void evb_cpulist_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		int last = cpu;

		if (!CPU_ISSET(cpu, set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, set))
			last++;
		topo_append(buf, len, &used, "%s%d", used ? "," : "", cpu);
		if (last > cpu)
			topo_append(buf, len, &used, "-%d", last);
		cpu = last;
	}
}

/* A sysfs file under root as a CPU list.  0 or -errno. */
static int list_file(const char *path, cpu_set_t *set)
{
	char line[TOPO_LINE];
	int ret = evb_read_line(path, line, sizeof(line));

	return ret ? ret : evb_cpulist_parse(line, set);
}

/* root/devices/system/cpu/cpuN/rel into path. */
static void cpu_path(char *path, size_t len, const char *root, int cpu, const char *rel)
{
	snprintf(path, len, "%s/devices/system/cpu/cpu%d/%s", root, cpu, rel);
}

static int cpu_list(const char *root, int cpu, const char *rel, cpu_set_t *set)
{
	char path[PATH_MAX];

	cpu_path(path, sizeof(path), root, cpu, rel);
	return list_file(path, set);
}

static int cpu_package(const char *root, int cpu, int64_t *package)
{
	char path[PATH_MAX];

	cpu_path(path, sizeof(path), root, cpu, "topology/physical_package_id");
	return evb_read_i64(path, package);
}

/* cpu's SMT siblings (itself included).  0 or -errno. */
static int cpu_smt(const char *root, int cpu, cpu_set_t *set, int *level)
{
	(void)level;
	return cpu_list(root, cpu, "topology/thread_siblings_list", set);
}

/* cpu's last-level cache: the CPUs sharing the highest-level cache it
 * lists, and that level.  0, or -ENOENT when it lists none. */
static int cpu_llc(const char *root, int cpu, cpu_set_t *set, int *level)
{
	int best = -1;

	for (int i = 0; i < TOPO_CACHE_INDEXES; i++) {
		char rel[64], path[PATH_MAX];
		cpu_set_t shared;
		int64_t value;

		snprintf(rel, sizeof(rel), "cache/index%d/level", i);
		cpu_path(path, sizeof(path), root, cpu, rel);
		if (evb_read_i64(path, &value) || value <= best || value > INT_MAX)
			continue;
		snprintf(rel, sizeof(rel), "cache/index%d/shared_cpu_list", i);
		if (cpu_list(root, cpu, rel, &shared))
			continue;
		best = (int)value;
		*set = shared;
	}
	*level = best;
	return best < 0 ? -ENOENT : 0;
}

/*
 * The NUMA node holding cpu: 0 with its CPUs in set (and its number in
 * *node); -ENOENT when there is no node directory (a kernel without NUMA:
 * one node); -ESRCH when no node lists the CPU.
 */
static int cpu_node(const char *root, int cpu, cpu_set_t *set, int *node)
{
	char dir_path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int ret = -ESRCH;

	snprintf(dir_path, sizeof(dir_path), "%s/devices/system/node", root);
	dir = opendir(dir_path);
	if (!dir)
		return -ENOENT;
	while (ret && (d = readdir(dir))) {
		char path[PATH_MAX], *end;
		long id;

		if (strncmp(d->d_name, "node", 4) || !isdigit((unsigned char)d->d_name[4]))
			continue;
		id = strtol(d->d_name + 4, &end, 10);
		if (*end || id > INT_MAX)
			continue;
		if (evb_fmt(path, sizeof(path), "%s/%s/cpulist", dir_path, d->d_name))
			continue;   /* no node of a sysfs we can name */
		if (!list_file(path, set) && CPU_ISSET(cpu, set)) {
			*node = (int)id;
			ret = 0;
		}
	}
	closedir(dir);
	return ret;
}

enum evb_cpu_distance evb_cpu_distance(const char *root, int a, int b)
{
	cpu_set_t set;
	int level, node_a = 0, node_b = 0, ret_a, ret_b;
	int64_t package_a, package_b;
	bool llc_known;

	if (a < 0 || b < 0)
		return EVB_DIST_NONE;
	if (a == b)
		return EVB_DIST_SAME;
	if (a >= CPU_SETSIZE || b >= CPU_SETSIZE || cpu_smt(root, a, &set, &level))
		return EVB_DIST_UNKNOWN;
	if (CPU_ISSET(b, &set))
		return EVB_DIST_SMT;
	llc_known = !cpu_llc(root, a, &set, &level);
	if (llc_known && CPU_ISSET(b, &set))
		return EVB_DIST_LLC;
	ret_a = cpu_node(root, a, &set, &node_a);
	ret_b = cpu_node(root, b, &set, &node_b);
	if (!ret_a && !ret_b && node_a != node_b)
		return EVB_DIST_NUMA;
	if ((ret_a && ret_a != -ENOENT) || (ret_b && ret_b != -ENOENT))
		return EVB_DIST_UNKNOWN;
	if (cpu_package(root, a, &package_a) || cpu_package(root, b, &package_b))
		return EVB_DIST_UNKNOWN;
	if (package_a != package_b)
		return EVB_DIST_SOCKET;
	return llc_known ? EVB_DIST_PACKAGE : EVB_DIST_UNKNOWN;
}

/* The online CPUs sharing cpu's package.  0 or -errno. */
static int cpu_package_group(const char *root, int cpu, cpu_set_t *set, int *level)
{
	const cpu_set_t *online = (const cpu_set_t *)set;   /* in: online, out: group */
	cpu_set_t group;
	int64_t mine, other;
	int ret = cpu_package(root, cpu, &mine);

	(void)level;
	if (ret)
		return ret;
	CPU_ZERO(&group);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, online) && !cpu_package(root, c, &other) && other == mine)
			CPU_SET(c, &group);
	*set = group;
	return 0;
}

/* The online CPUs of cpu's NUMA node (all of them without NUMA). */
static int cpu_node_group(const char *root, int cpu, cpu_set_t *set, int *level)
{
	cpu_set_t online = *set;   /* in: online, out: group */
	int node, ret = cpu_node(root, cpu, set, &node);

	(void)level;
	if (ret == -ENOENT)
		*set = online;
	return ret == -ENOENT ? 0 : ret;
}

/* One level's groups of the online CPUs. */
struct topo_level {
	const char *name;
	int (*group)(const char *root, int cpu, cpu_set_t *set, int *level);
	bool wants_online;      /* set holds the online CPUs on entry */
	bool none_if_single;    /* "none" when every group is one CPU */
};

/* "name g1 g2 ..." of one level: each group of online CPUs once;
 * "name none" for SMT where every group is one CPU, "name unknown" where
 * sysfs does not say for some CPU. */
static void describe_level(const char *root, const struct topo_level *lv,
			   const cpu_set_t *online, char *buf, size_t len, size_t *used)
{
	char groups[TOPO_LINE] = "", list[TOPO_LINE];
	size_t gused = 0;
	cpu_set_t seen, set;
	bool shared = false;
	int level = -1;

	CPU_ZERO(&seen);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, online) || CPU_ISSET(cpu, &seen))
			continue;
		if (lv->wants_online)
			set = *online;
		if (lv->group(root, cpu, &set, &level)) {
			topo_append(buf, len, used, "%s%s unknown", *used ? "; " : "", lv->name);
			return;
		}
		CPU_AND(&set, &set, online);
		CPU_SET(cpu, &set);
		CPU_OR(&seen, &seen, &set);
		shared |= CPU_COUNT(&set) > 1;
		evb_cpulist_format(&set, list, sizeof(list));
		topo_append(groups, sizeof(groups), &gused, " %s", list);
	}
	topo_append(buf, len, used, "%s%s", *used ? "; " : "", lv->name);
	if (level >= 0)
		topo_append(buf, len, used, " L%d", level);
	topo_append(buf, len, used, "%s", !shared && lv->none_if_single ? " none" : groups);
}

int evb_topology_describe(const char *root, char *buf, size_t len)
{
	static const struct topo_level levels[] = {
		{ .name = "smt", .group = cpu_smt, .none_if_single = true },
		{ .name = "llc", .group = cpu_llc },
		{ .name = "package", .group = cpu_package_group, .wants_online = true },
		{ .name = "numa", .group = cpu_node_group, .wants_online = true },
	};
	char path[PATH_MAX];
	cpu_set_t online;
	size_t used = 0;
	int ret;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	ret = list_file(path, &online);
	if (ret)
		return ret;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		describe_level(root, &levels[i], &online, buf, len, &used);
	return 0;
}
