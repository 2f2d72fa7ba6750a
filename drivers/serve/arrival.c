/*
 * arrival.c - the open loop's schedule (serve.h): each request's due time
 * after the loop's start, at uniform spacing (k / rate) or as a Poisson
 * process (exponential gaps of mean 1 / rate, by inversion of a uniform
 * in (0, 1]).
 *
 * The generator is evb_rng (xorshift64*) started from splitmix64(seed):
 * nearby seeds (one per repetition: 1, 2, 3, ...) start far apart, where
 * xorshift's own first outputs from a small state would be small too.
 * tests/test_serve_arrival.c checks what this draws: the gaps' mean and
 * CV, and their distribution (Kolmogorov-Smirnov).
 */
#include <math.h>

#include "evb_stats.h"
#include "serve.h"

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void serve_arrival_fill(int64_t *due_off, int64_t n, double rate, enum serve_arrival arrival,
			uint64_t seed)
{
	double gap_ns = 1e9 / rate, t_ns = 0;
	struct evb_rng rng;

	evb_rng_seed(&rng, splitmix64(seed));
	for (int64_t k = 0; k < n; k++) {
		if (arrival == SERVE_UNIFORM) {
			due_off[k] = (int64_t)((double)k * gap_ns);
			continue;
		}
		due_off[k] = (int64_t)t_ns;
		/* u in (0, 1]: -log(u) is an exponential gap of mean 1 */
		double u = (double)((evb_rng_next(&rng) >> 11) + 1) * 0x1p-53;

		t_ns -= log(u) * gap_ns;
	}
}
