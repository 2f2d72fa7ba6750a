/* evb_hist.c - log-linear histogram; see evb_hist.h for the layout. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "evb_hist.h"

void evb_hist_init(struct evb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = INT64_MAX;
	h->max = INT64_MIN;
}

int evb_hist_index(int64_t value)
{
	if (value < EVB_HIST_LINEAR)
		return value < 0 ? 0 : (int)value;

	int msb = 63 - __builtin_clzll((uint64_t)value);   /* >= 8 */
	int shift = msb - EVB_HIST_SUB_BITS;
	int sub = (int)(value >> shift);                   /* 128..255 */

	return EVB_HIST_LINEAR + (msb - EVB_HIST_SUB_BITS - 1) * EVB_HIST_SUB
	       + (sub - EVB_HIST_SUB);
}

int64_t evb_hist_bucket_low(int index)
{
	if (index < EVB_HIST_LINEAR)
		return index;

	int group = (index - EVB_HIST_LINEAR) / EVB_HIST_SUB;  /* 0 => [256,512) */
	int sub = (index - EVB_HIST_LINEAR) % EVB_HIST_SUB + EVB_HIST_SUB;

	return (int64_t)sub << (group + 1);
}

int64_t evb_hist_bucket_high(int index)
{
	if (index < EVB_HIST_LINEAR)
		return index;

	int group = (index - EVB_HIST_LINEAR) / EVB_HIST_SUB;

	/* width - 1 first: the last bucket ends exactly at INT64_MAX */
	return evb_hist_bucket_low(index) + (((int64_t)1 << (group + 1)) - 1);
}

void evb_hist_record(struct evb_hist *h, int64_t value)
{
	h->buckets[evb_hist_index(value)]++;
	if (value < 0)
		h->below_zero++;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;

	h->count++;
	double delta = (double)value - h->mean;
	h->mean += delta / (double)h->count;
	h->m2 += delta * ((double)value - h->mean);
}

void evb_hist_merge(struct evb_hist *into, const struct evb_hist *from)
{
	if (from->count == 0)
		return;
	if (into->count == 0) {
		memcpy(into, from, sizeof(*into));
		return;
	}
	for (int i = 0; i < EVB_HIST_NBUCKETS; i++)
		into->buckets[i] += from->buckets[i];

	/* Chan et al. parallel combination of mean and M2. */
	double na = (double)into->count, nb = (double)from->count;
	double delta = from->mean - into->mean;

	into->mean += delta * nb / (na + nb);
	into->m2 += from->m2 + delta * delta * na * nb / (na + nb);
	into->count += from->count;
	into->below_zero += from->below_zero;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

int64_t evb_hist_at_rank(const struct evb_hist *h, uint64_t rank)
{
	uint64_t seen = 0;

	if (h->count == 0)
		return 0;
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	for (int i = 0; i < EVB_HIST_NBUCKETS; i++) {
		seen += h->buckets[i];
		if (seen < rank)
			continue;

		int64_t low = evb_hist_bucket_low(i), high = evb_hist_bucket_high(i);
		int64_t mid = low + (high - low) / 2;

		if (mid < h->min)
			mid = h->min;
		if (mid > h->max)
			mid = h->max;
		return mid;
	}
	return h->max;
}

/* Nearest rank of quantile q among count samples, 1..count. */
static uint64_t rank_of(double q, uint64_t count)
{
	uint64_t rank = (uint64_t)ceil(q * (double)count);

	return rank < 1 ? 1 : rank;
}

int64_t evb_hist_quantile(const struct evb_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	if (q <= 0.0)
		return h->min;
	if (q >= 1.0)
		return h->max;
	return evb_hist_at_rank(h, rank_of(q, h->count));
}

int64_t evb_hist_quantile_early(const struct evb_hist *all, const struct evb_hist *early,
				double q)
{
	if (early->count == 0 || all->count == 0)
		return evb_hist_quantile(all, q);
	if (q <= 0.0)
		return all->min;
	if (q >= 1.0)
		return all->max;

	uint64_t rank = rank_of(q, all->count);

	/* the r-th smallest negative value is the (n - r + 1)-th largest magnitude */
	if (rank <= early->count)
		return -evb_hist_at_rank(early, early->count - rank + 1);
	/* all's bucket 0 holds the negatives first: rank lands past them */
	return evb_hist_at_rank(all, rank);
}

double evb_hist_stddev(const struct evb_hist *h)
{
	if (h->count < 2)
		return 0.0;
	return sqrt(h->m2 / (double)(h->count - 1));
}

int evb_hist_read_csv(struct evb_hist *h, FILE *in)
{
	char line[256];
	long long low, high;
	unsigned long long count;
	double frac;

	evb_hist_init(h);
	if (!fgets(line, sizeof(line), in) || strncmp(line, "low_ns,", 7) != 0)
		return -EINVAL;
	while (fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%lld,%lld,%llu,%lf", &low, &high, &count, &frac) != 4)
			return -EINVAL;
		int i = evb_hist_index(low);

		if (evb_hist_bucket_low(i) != low || evb_hist_bucket_high(i) != high)
			return -EINVAL;
		h->buckets[i] += count;
		h->count += count;
		if (low < h->min)
			h->min = low;
		if (high > h->max)
			h->max = high;
	}
	h->mean = NAN;
	return 0;
}

int evb_hist_write_csv(const struct evb_hist *h, FILE *out)
{
	uint64_t seen = 0;

	if (fprintf(out, "low_ns,high_ns,count,cum_fraction\n") < 0)
		return -EIO;
	for (int i = 0; i < EVB_HIST_NBUCKETS; i++) {
		if (h->buckets[i] == 0)
			continue;
		seen += h->buckets[i];
		if (fprintf(out, "%lld,%lld,%llu,%.6f\n",
			    (long long)evb_hist_bucket_low(i),
			    (long long)evb_hist_bucket_high(i),
			    (unsigned long long)h->buckets[i],
			    (double)seen / (double)h->count) < 0)
			return -EIO;
	}
	return fflush(out) == 0 ? 0 : -errno;
}
