/*
 * compare_blocked.c - compare's test when both runs came in interleaved
 * rounds (evbench vm --rounds R: the kernels booted A B A B ..., each boot
 * running its share of every cell's repetitions, results.csv's round).
 *
 * Host drift between boots moves both kernels of a round alike, so the test
 * compares the kernels within each round and never across rounds: a
 * stratified t on the logs of the per-rep values, the two-way layout round
 * x kernel:
 *   d_r   = mean log B - mean log A within round r (rounds with both sides)
 *   w_r   = 1 / (1/nA_r + 1/nB_r)
 *   d     = sum w_r d_r / sum w_r
 *   s2    = sum w_r (d_r - d)^2 / (R - 1): the rounds' differences about
 *           their mean (the round x kernel interaction), R - 1 degrees of
 *           freedom
 *   t     = d / sqrt(s2 / sum w_r)
 * A boot has effects of its own (where memory landed, what the host did
 * that minute), which its repetitions share and which make one round's
 * difference unlike the next: a boot's repetitions are not independent
 * evidence about its kernel.  So the error is always the rounds' own
 * spread, and the test claims only what R boots show: with equal
 * repetitions per round (as evbench vm deals them) and normal logs, t has
 * exactly R - 1 degrees of freedom however large the boots' effects, and
 * needs |t| > 12.7 at R = 2, 4.30 at R = 3, 3.18 at R = 4 for p < 0.05.
 * Pooling the within-boot variance whenever an F pretest of the
 * interaction does not reject ("sometimes pool") is not done: with 2 or 3
 * boots that pretest has 1 or 2 degrees of freedom and rarely rejects, and
 * the pooled test called 17% (R = 2) and 11% (R = 3) of A/A comparisons
 * whose boot effect equalled the within-boot spread, 6 repetitions a side
 * (tests/test_compare_boots.c holds this test to at most 5%).
 * docs/kernels.md says more.
 *
 * The rounds' blocks are found through a table keyed by round (open
 * addressing, at most a quarter full), so the test costs time linear in a
 * cell's repetitions however many rounds they name.
 */
#include <math.h>
#include <stdlib.h>

#include "compare.h"
#include "evb_stats.h"

struct block {
	int round;
	size_t n[2];
	double sum[2];          /* of logs */
};

/* round's block in b (mask + 1 slots, a power of two); round >= 1. */
static struct block *find_block(struct block *b, size_t mask, int round)
{
	size_t i = ((unsigned)round * 2654435761u) & mask;

	while (b[i].round && b[i].round != round)
		i = (i + 1) & mask;
	b[i].round = round;
	return &b[i];
}

bool cmp_side_rounds(const struct cmp_side *s)
{
	if (!s->rounds || s->n == 0)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (s->rounds[i] < 1)
			return false;
	return true;
}

/* A round's weight w_r and difference d_r; false when a side is missing. */
static bool block_diff(const struct block *k, double *w, double *d)
{
	if (!k->n[0] || !k->n[1])
		return false;
	*w = 1.0 / (1.0 / (double)k->n[0] + 1.0 / (double)k->n[1]);
	*d = k->sum[1] / (double)k->n[1] - k->sum[0] / (double)k->n[0];
	return true;
}

bool cmp_blocked_p(const struct cmp_side *a, const double *av, const struct cmp_side *b,
		   const double *bv, double *p, double *se)
{
	const struct cmp_side *side[2] = { a, b };
	const double *v[2] = { av, bv };
	struct block *blk;
	size_t nb = 4, used = 0;
	double sw = 0.0, swd = 0.0, d, w, dk, ss = 0.0, s2;
	bool ok = false;

	if (!cmp_side_rounds(a) || !cmp_side_rounds(b))
		return false;
	while (nb < 4 * (a->n + b->n))
		nb *= 2;
	blk = calloc(nb, sizeof(*blk));
	if (!blk)
		return false;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < side[s]->n; i++) {
			struct block *k = find_block(blk, nb - 1, side[s]->rounds[i]);

			if (!(v[s][i] > 0.0))
				goto out;
			k->n[s]++;
			k->sum[s] += log(v[s][i]);
		}
	for (size_t k = 0; k < nb; k++)
		if (block_diff(&blk[k], &w, &dk)) {
			used++;
			sw += w;
			swd += w * dk;
		}
	if (used < 2)
		goto out;
	d = swd / sw;
	for (size_t k = 0; k < nb; k++)
		if (block_diff(&blk[k], &w, &dk))
			ss += w * (dk - d) * (dk - d);
	s2 = ss / (double)(used - 1);
	if (!(s2 > 0.0))
		goto out;
	*p = evb_student_t_2sided(d / sqrt(s2 / sw), (double)(used - 1));
	if (se)
		*se = sqrt(s2 / sw);
	ok = isfinite(*p);
out:
	free(blk);
	return ok;
}
