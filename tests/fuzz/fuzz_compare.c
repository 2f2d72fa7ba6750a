/*
 * fuzz_compare.c - `evbench compare A B` on two run directories made from
 * the input: A's results.csv and env.csv, B's results.csv and env.csv, A's
 * and B's sentinel.csv, split at form feeds in that order (a run without
 * its own results.csv is B with A's), written to a new --out directory.
 */
#include <stdio.h>

#include "fuzz.h"
#include "harness.h"

static const char *const names[] = { "a/results.csv", "a/env.csv", "b/results.csv",
				     "b/env.csv", "a/sentinel.csv", "b/sentinel.csv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tmp = fz_setup();
	char a[4096], b[4096], out[4096];
	struct fz_parts parts;

	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(out, sizeof(out), "%s/out", tmp);
	fz_empty(tmp);
	fz_split(data, size, &parts);
	for (size_t i = 0; i < parts.n; i++) {
		char dir[4096];
		const char *slash = names[i] + 1;

		snprintf(dir, sizeof(dir), "%s/%c", tmp, names[i][0]);
		fz_write(dir, slash + 1, parts.at[i], parts.len[i]);
	}
	if (parts.n < 3)
		fz_write(b, "results.csv", parts.at[0], parts.len[0]);
	fz_command(harness_cmd_compare,
		   (const char *const[]){ "compare", a, b, "--out", out, NULL });
	return 0;
}
