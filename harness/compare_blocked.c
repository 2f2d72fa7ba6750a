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
 *   SS_in = the within-group sum of squares over every (round, side)
 *           group, df_in = N - 2R
 *   SS_by = sum w_r (d_r - d)^2, df_by = R - 1: the rounds' differences
 *           about their mean (the round x kernel interaction)
 *   t     = d / sqrt(s2 / sum w_r)
 * A boot has effects of its own (where memory landed, what the host did
 * that minute), which make one round's difference unlike the next.  So
 * the error s2 is chosen the way a two-way analysis chooses it ("sometimes
 * pool"): when the interaction is significant (F = (SS_by/df_by) /
 * (SS_in/df_in) beyond its upper BLOCK_POOL_ALPHA point) the rounds' own
 * spread is the error, s2 = SS_by / df_by with df_by degrees of freedom,
 * and nothing better than the rounds' agreement is claimed; otherwise
 * both pool, s2 = (SS_in + SS_by) / (df_in + df_by).  With rounds that
 * agree it keeps the power of every repetition; with boots that differ it
 * claims only what R boots show.  docs/kernels.md says more.
 */
#include <math.h>
#include <stdlib.h>

#include "compare.h"
#include "evb_stats.h"

#define BLOCK_POOL_ALPHA 0.10   /* the interaction test's level: above it, pool */

struct block {
	int round;
	size_t n[2];
	double sum[2];          /* of logs */
};

static struct block *find_block(struct block *b, size_t *nb, int round)
{
	for (size_t i = 0; i < *nb; i++)
		if (b[i].round == round)
			return &b[i];
	b[*nb] = (struct block){ .round = round };
	return &b[(*nb)++];
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

/* Sum of squares of side s's logs about their round's mean. */
static double within_ss(const struct cmp_side *s, const double *v, const struct block *b,
			size_t nb, int side)
{
	double ss = 0.0;

	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < nb; k++)
			if (b[k].round == s->rounds[i] && b[k].n[0] && b[k].n[1]) {
				double dev = log(v[i]) - b[k].sum[side] / (double)b[k].n[side];

				ss += dev * dev;
			}
	return ss;
}

bool cmp_blocked_p(const struct cmp_side *a, const double *av, const struct cmp_side *b,
		   const double *bv, double *p)
{
	const struct cmp_side *side[2] = { a, b };
	const double *v[2] = { av, bv };
	struct block *blk;
	size_t nb = 0, used = 0, n = 0;
	double sw = 0.0, swd = 0.0, d, ss, s2_in, s2_by = 0.0, s2, df;
	bool ok = false;

	if (!cmp_side_rounds(a) || !cmp_side_rounds(b))
		return false;
	blk = calloc(a->n + b->n, sizeof(*blk));
	if (!blk)
		return false;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < side[s]->n; i++) {
			struct block *k = find_block(blk, &nb, side[s]->rounds[i]);

			if (!(v[s][i] > 0.0))
				goto out;
			k->n[s]++;
			k->sum[s] += log(v[s][i]);
		}
	for (size_t k = 0; k < nb; k++) {
		if (!blk[k].n[0] || !blk[k].n[1])
			continue;
		double w = 1.0 / (1.0 / (double)blk[k].n[0] + 1.0 / (double)blk[k].n[1]);

		used++;
		n += blk[k].n[0] + blk[k].n[1];
		sw += w;
		swd += w * (blk[k].sum[1] / (double)blk[k].n[1] - blk[k].sum[0] / (double)blk[k].n[0]);
	}
	if (used < 2 || n <= 2 * used)
		goto out;
	d = swd / sw;
	for (size_t k = 0; k < nb; k++) {
		if (!blk[k].n[0] || !blk[k].n[1])
			continue;
		double w = 1.0 / (1.0 / (double)blk[k].n[0] + 1.0 / (double)blk[k].n[1]);
		double dk = blk[k].sum[1] / (double)blk[k].n[1] - blk[k].sum[0] / (double)blk[k].n[0];

		s2_by += w * (dk - d) * (dk - d);
	}
	ss = within_ss(a, av, blk, nb, 0) + within_ss(b, bv, blk, nb, 1);
	s2_in = ss / (double)(n - 2 * used);
	if (s2_in > 0.0 && evb_f_sf(s2_by / (double)(used - 1) / s2_in, (double)(used - 1),
				    (double)(n - 2 * used)) < BLOCK_POOL_ALPHA) {
		s2 = s2_by / (double)(used - 1);
		df = (double)(used - 1);
	} else {
		s2 = (ss + s2_by) / (double)(n - used - 1);
		df = (double)(n - used - 1);
	}
	if (!(s2 > 0.0))
		goto out;
	*p = evb_student_t_2sided(d / sqrt(s2 / sw), df);
	ok = isfinite(*p);
out:
	free(blk);
	return ok;
}
