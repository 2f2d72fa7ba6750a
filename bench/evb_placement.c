/* evb_placement.c - CPU choice from the allowed mask and sysfs topology. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

#include "evb_placement.h"

const char *const evb_placement_names[] = { "same-cpu", "cross-cpu", "free", NULL };

/* Physical core of a CPU as package * 65536 + core id; -1 when unknown. */
static long cpu_core_key(int cpu)
{
	char path[128];
	long package = 0, core = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &package) != 1)
			package = 0;
		fclose(f);
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &core) != 1)
		core = -1;
	fclose(f);
	return core < 0 ? -1 : package * 65536 + core;
}

int evb_usable_cpus(void)
{
	cpu_set_t mask;

	if (sched_getaffinity(0, sizeof(mask), &mask))
		return 1;
	return CPU_COUNT(&mask);
}

int evb_placement_choose(enum evb_placement where, struct evb_cpus *cpus,
			 char *reason, size_t reason_len)
{
	cpu_set_t mask;
	int first = -1;

	*cpus = (struct evb_cpus){ .a = -1, .b = -1 };
	if (where == EVB_PLACE_FREE)
		return 0;
	if (sched_getaffinity(0, sizeof(mask), &mask))
		return -errno;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &mask))
			continue;
		if (first < 0) {
			first = cpu;
			if (where == EVB_PLACE_SAME_CPU)
				break;
			continue;
		}
		if (cpu_core_key(cpu) != cpu_core_key(first) || cpu_core_key(cpu) < 0) {
			cpus->b = cpu;
			break;
		}
		if (cpus->b < 0) {
			cpus->b = cpu;          /* an SMT sibling, kept as fallback */
			cpus->smt_siblings = 1;
		}
	}
	if (first < 0)
		return -ENODEV;
	cpus->a = first;
	if (where == EVB_PLACE_SAME_CPU) {
		cpus->b = first;
		return 0;
	}
	if (cpus->b < 0) {
		snprintf(reason, reason_len, "cross-cpu needs 2 CPUs, %d usable",
			 CPU_COUNT(&mask));
		return -ENODEV;
	}
	if (cpus->b >= 0 && cpu_core_key(cpus->b) != cpu_core_key(first))
		cpus->smt_siblings = 0;
	return 0;
}

int evb_pin_self(int cpu)
{
	cpu_set_t one;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return -pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
}
