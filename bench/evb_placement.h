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
 *
 * Side A (the measured side) goes where the machine's device interrupts are
 * fewest: the CPU with the lowest total over the numbered lines of
 * /proc/interrupts (network, disk, virtio queues; not the per-CPU timer,
 * IPI and other named lines), so a disk or NIC interrupt lands in the
 * measured side's samples as rarely as the machine allows.  Ties go to the
 * lowest CPU number.  The choice is recorded in each row's cpus column
 * (evb_cpus_format), and how far apart the two CPUs are in its
 * cpu_distance (evb_topology.h: an SMT sibling is side B only when no
 * other core is allowed).
 */
#ifndef EVB_PLACEMENT_H
#define EVB_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum evb_placement {
	EVB_PLACE_SAME_CPU,
	EVB_PLACE_CROSS_CPU,
	EVB_PLACE_FREE,
};

#define EVB_NPLACEMENTS 3
extern const char *const evb_placement_names[];   /* NULL-terminated */

/*
 * The kinds of descriptor the mux family watches (the fd_type axis), in
 * the order the harness plans and plots them; the ipc kinds are
 * evb_ipc_names (evb_peer.h).
 */
enum evb_fd_type {
	EVB_FD_EVENTFD,
	EVB_FD_PIPE,
	EVB_FD_SOCKETPAIR,
	EVB_FD_TCP,
	EVB_NFD_TYPES,
};

extern const char *const evb_fd_type_names[];   /* NULL-terminated */

/* Where side A and side B run; -1 means not pinned. */
struct evb_cpus {
	int a;
	int b;
};

/*
 * Choose CPUs for a placement.  Returns 0, or -ENODEV with a reason when the
 * machine cannot provide it (e.g. "1 usable CPU").
 */
int evb_placement_choose(enum evb_placement where, struct evb_cpus *cpus,
			 char *reason, size_t reason_len);

/*
 * The row's cpus column: "A+B" ("1+0"; same-cpu "1+1"), "A" when there is
 * no side B (b < 0 with a pinned), "" when nothing is pinned (free).
 */
void evb_cpus_format(const struct evb_cpus *cpus, char *buf, size_t len);

/*
 * Device interrupts per CPU from a /proc/interrupts text: counts[cpu] gets
 * the sum over the numbered IRQ lines of that CPU's column (the header
 * names the columns CPUn; CPUs beyond ncpus are ignored).  Entries of CPUs
 * not in the text are left as they are.  0, or -EINVAL for a text without
 * the CPU header.
 */
int evb_irq_counts_parse(FILE *in, int64_t *counts, int ncpus);

/* Pin the calling thread to cpu (no-op for -1).  0 or -errno. */
int evb_pin_self(int cpu);

/* Number of CPUs in the calling thread's allowed mask. */
int evb_usable_cpus(void);

#endif
