/*
 * evb_placement.c - CPU choice from the allowed mask, sysfs topology
 * (evb_topology.h) and /proc/interrupts; see evb_placement.h.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_placement.h"
#include "evb_topology.h"

const char *const evb_placement_names[] = { "same-cpu", "cross-cpu", "free", NULL };
_Static_assert(sizeof(evb_placement_names) / sizeof(evb_placement_names[0]) ==
	       EVB_NPLACEMENTS + 1, "one name per placement");
const char *const evb_fd_type_names[] = {
	[EVB_FD_EVENTFD] = "eventfd",
	[EVB_FD_PIPE] = "pipe",
	[EVB_FD_SOCKETPAIR] = "socketpair",
	[EVB_FD_TCP] = "tcp",
	[EVB_NFD_TYPES] = NULL,
};

int evb_usable_cpus(void)
{
	cpu_set_t mask;

	if (sched_getaffinity(0, sizeof(mask), &mask))
		return 1;
	return CPU_COUNT(&mask);
}

/* Column -> CPU number from the header "           CPU0       CPU1 ...". */
static int parse_irq_header(const char *line, int **col_cpu)
{
	int ncols = 0, cap = 0, *cols = NULL;

	for (const char *p = line; (p = strstr(p, "CPU")); ) {
		char *end;
		long cpu = strtol(p + 3, &end, 10);

		if (end == p + 3 || cpu < 0 || cpu > 1 << 20)
			break;
		if (ncols == cap) {
			int *grown = realloc(cols, (size_t)(cap ? cap * 2 : 16) * sizeof(*cols));

			if (!grown) {
				free(cols);
				return -ENOMEM;
			}
			cols = grown;
			cap = cap ? cap * 2 : 16;
		}
		cols[ncols++] = (int)cpu;
		p = end;
	}
	*col_cpu = cols;
	return ncols;
}

/* Add one "NN:  c0  c1 ... name" line's counts; other lines are skipped. */
static void add_irq_line(const char *line, const int *col_cpu, int ncols, int64_t *counts,
			 int ncpus)
{
	const char *p = line;
	char *end;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return;                 /* NMI, LOC, RES...: not a device */
	strtol(p, &end, 10);
	if (*end != ':')
		return;
	p = end + 1;
	for (int col = 0; col < ncols; col++) {
		long long value = strtoll(p, &end, 10);

		if (end == p)
			return;         /* fewer columns than CPUs: the rest is text */
		if (col_cpu[col] < ncpus && value > 0)
			counts[col_cpu[col]] += value;
		p = end;
	}
}

int evb_irq_counts_parse(FILE *in, int64_t *counts, int ncpus)
{
	char *line = NULL;
	size_t cap = 0;
	int *col_cpu = NULL, ncols;

	if (getline(&line, &cap, in) < 0) {
		free(line);
		return -EINVAL;
	}
	ncols = parse_irq_header(line, &col_cpu);
	if (ncols <= 0) {
		free(line);
		return ncols < 0 ? ncols : -EINVAL;
	}
	for (int col = 0; col < ncols; col++)
		if (col_cpu[col] < ncpus)
			counts[col_cpu[col]] = 0;
	while (getline(&line, &cap, in) >= 0)
		add_irq_line(line, col_cpu, ncols, counts, ncpus);
	free(col_cpu);
	free(line);
	return 0;
}

/* Device interrupts per CPU so far; all zero when /proc/interrupts is unreadable. */
static void irq_counts(int64_t *counts, int ncpus)
{
	FILE *f = fopen("/proc/interrupts", "r");

	memset(counts, 0, (size_t)ncpus * sizeof(*counts));
	if (!f)
		return;
	if (evb_irq_counts_parse(f, counts, ncpus))
		memset(counts, 0, (size_t)ncpus * sizeof(*counts));
	fclose(f);
}

/* The allowed CPU with the fewest device interrupts; -1 when none. */
static int quietest_cpu(const cpu_set_t *mask)
{
	static int64_t counts[CPU_SETSIZE];
	int best = -1;

	irq_counts(counts, CPU_SETSIZE);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, mask) && (best < 0 || counts[cpu] < counts[best]))
			best = cpu;
	return best;
}

int evb_placement_choose(enum evb_placement where, struct evb_cpus *cpus,
			 char *reason, size_t reason_len)
{
	cpu_set_t mask;
	int a;

	*cpus = (struct evb_cpus){ .a = -1, .b = -1 };
	if (where == EVB_PLACE_FREE)
		return 0;
	if (sched_getaffinity(0, sizeof(mask), &mask))
		return -errno;
	a = quietest_cpu(&mask);
	if (a < 0)
		return -ENODEV;
	cpus->a = a;
	if (where == EVB_PLACE_SAME_CPU) {
		cpus->b = a;
		return 0;
	}
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &mask) || cpu == a)
			continue;
		if (evb_cpu_distance(EVB_SYSFS_ROOT, a, cpu) != EVB_DIST_SMT) {
			cpus->b = cpu;
			break;
		}
		if (cpus->b < 0)
			cpus->b = cpu;          /* an SMT sibling, kept as fallback */
	}
	if (cpus->b < 0) {
		snprintf(reason, reason_len, "cross-cpu needs 2 CPUs, %d usable",
			 CPU_COUNT(&mask));
		return -ENODEV;
	}
	return 0;
}

void evb_cpus_format(const struct evb_cpus *cpus, char *buf, size_t len)
{
	if (cpus->a < 0)
		snprintf(buf, len, "%s", "");
	else if (cpus->b < 0)
		snprintf(buf, len, "%d", cpus->a);
	else
		snprintf(buf, len, "%d+%d", cpus->a, cpus->b);
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
