/*
 * evb_placement.h - where the two sides of a measurement run.
 *
 *   same-cpu   both sides pinned to one CPU: every notification is a
 *              context switch on that CPU
 *   cross-cpu  two CPUs, on two different physical cores when SMT exists:
 *              every notification is a cross-CPU wakeup (an IPI when idle)
 *   free       no pinning; the scheduler decides
 *
 * CPUs are chosen from the process's allowed mask, so taskset and cgroups
 * are respected.  cross-cpu with one usable CPU is unsupported, with a reason.
 */
#ifndef EVB_PLACEMENT_H
#define EVB_PLACEMENT_H

#include <stddef.h>

enum evb_placement {
	EVB_PLACE_SAME_CPU,
	EVB_PLACE_CROSS_CPU,
	EVB_PLACE_FREE,
};

extern const char *const evb_placement_names[];   /* NULL-terminated */

/* Where side A and side B run; -1 means not pinned. */
struct evb_cpus {
	int a;
	int b;
	int smt_siblings;   /* cross-cpu had to use two threads of one core */
};

/*
 * Choose CPUs for a placement.  Returns 0, or -ENODEV with a reason when the
 * machine cannot provide it (e.g. "1 usable CPU").
 */
int evb_placement_choose(enum evb_placement where, struct evb_cpus *cpus,
			 char *reason, size_t reason_len);

/* Pin the calling thread to cpu (no-op for -1).  0 or -errno. */
int evb_pin_self(int cpu);

/* Number of CPUs in the calling thread's allowed mask. */
int evb_usable_cpus(void);

#endif
