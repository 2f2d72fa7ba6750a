/*
 * scale_run.c - `scale_run SRC DST K`: a copy of run directory SRC in DST
 * (new) that is K times slower, for checking what compare calls: in
 * results.csv the latency columns (min, p50, p90, p99, p999, max, mean,
 * stddev) are multiplied by K and ops_per_s divided by K, as fixture_results.c
 * scales a synthetic run.  env.csv, plan.csv and sentinel.csv are copied
 * unchanged: the sentinels watch the machine, which a slower build does
 * not move.  Exit 0, 1 on an I/O error, 2 on bad usage.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evb_csv.h"

static const char *const latency_columns[] = {
	"min", "p50", "p90", "p99", "p999", "max", "mean", "stddev", NULL,
};

static bool is_latency(const char *name)
{
	for (size_t i = 0; latency_columns[i]; i++)
		if (!strcmp(latency_columns[i], name))
			return true;
	return false;
}

/* A field scaled by factor: integers stay integers, empty stays empty. */
static void put_scaled(FILE *f, const char *text, double factor)
{
	char *end;
	double v = strtod(text, &end);

	if (!*text || *end || !isfinite(v)) {
		evb_csv_field(f, text);
		return;
	}
	if (!strpbrk(text, ".eE"))
		fprintf(f, "%.0f", round(v * factor));
	else
		fprintf(f, "%.10g", v * factor);
}

static int scale_results(const char *src, const char *dst, double k)
{
	struct evb_table t;
	FILE *f;

	if (evb_table_load(&t, src)) {
		fprintf(stderr, "scale_run: %s: %s\n", src, t.error);
		return 1;
	}
	f = fopen(dst, "w");
	if (!f) {
		perror(dst);
		evb_table_free(&t);
		return 1;
	}
	for (size_t r = 0; r <= t.nrows; r++) {
		const struct evb_csv_record *rec = r ? &t.rows[r - 1] : &t.header;

		for (size_t c = 0; c < rec->nfields; c++) {
			const char *name = c < t.header.nfields ? t.header.fields[c] : "";

			if (c)
				fputc(',', f);
			if (!r)
				evb_csv_field(f, rec->fields[c]);
			else if (is_latency(name))
				put_scaled(f, rec->fields[c], k);
			else if (!strcmp(name, "ops_per_s"))
				put_scaled(f, rec->fields[c], 1.0 / k);
			else
				evb_csv_field(f, rec->fields[c]);
		}
		fputc('\n', f);
	}
	evb_table_free(&t);
	if (ferror(f) | fclose(f)) {
		perror(dst);
		return 1;
	}
	return 0;
}

static int copy_file(const char *src, const char *dst)
{
	FILE *in = fopen(src, "r"), *out;
	char buf[65536];
	size_t n;
	int ret = 0;

	if (!in)
		return errno == ENOENT ? 0 : (perror(src), 1);
	out = fopen(dst, "w");
	if (!out) {
		perror(dst);
		fclose(in);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = 1;
	if (ferror(in) || ferror(out) | fclose(out))
		ret = 1;
	fclose(in);
	if (ret)
		fprintf(stderr, "scale_run: copying %s to %s failed\n", src, dst);
	return ret;
}

int main(int argc, char **argv)
{
	static const char *const copied[] = { "env.csv", "plan.csv", "sentinel.csv", NULL };
	char src[4096], dst[4096], *end;
	double k;
	int ret;

	if (argc != 4 || (k = strtod(argv[3], &end), *end) || !(k > 0.0 && k < 1e6)) {
		fprintf(stderr, "usage: scale_run SRC DST K   (K > 0: latency x K, "
				"throughput / K)\n");
		return 2;
	}
	if (mkdir(argv[2], 0755)) {
		perror(argv[2]);
		return 2;
	}
	snprintf(src, sizeof(src), "%s/results.csv", argv[1]);
	snprintf(dst, sizeof(dst), "%s/results.csv", argv[2]);
	ret = scale_results(src, dst, k);
	for (size_t i = 0; !ret && copied[i]; i++) {
		snprintf(src, sizeof(src), "%s/%s", argv[1], copied[i]);
		snprintf(dst, sizeof(dst), "%s/%s", argv[2], copied[i]);
		ret = copy_file(src, dst);
	}
	return ret;
}
