/* evb_clock.c - clock read-cost calibration and a yielding spin. */
#include <sched.h>
#include <stdlib.h>

#include "evb_clock.h"
#include "evb_stats.h"

#define EVB_CLOCK_CALIB_READS 2001

int64_t evb_clock_overhead_ns(void)
{
	int64_t deltas[EVB_CLOCK_CALIB_READS];
	int64_t prev = evb_now_ns();

	for (int i = 0; i < EVB_CLOCK_CALIB_READS; i++) {
		int64_t now = evb_now_ns();

		deltas[i] = now - prev;
		prev = now;
	}
	qsort(deltas, EVB_CLOCK_CALIB_READS, sizeof(deltas[0]), evb_cmp_i64);
	return deltas[EVB_CLOCK_CALIB_READS / 2];
}

void evb_spin_ns(int64_t ns)
{
	int64_t end = evb_now_ns() + ns;

	while (evb_now_ns() < end)
		;
}

void evb_spin_yield_ns(int64_t ns)
{
	int64_t end = evb_now_ns() + ns;

	while (evb_now_ns() < end)
		sched_yield();
}
