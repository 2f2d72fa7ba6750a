/*
 * fuzz_report.c - `evbench report` on a run directory made from the input:
 * results.csv, summary.csv, env.csv and sentinel.csv, split at form feeds
 * in that order.  A summary.csv the run did not derive is what a hostile
 * directory hands over, so it is taken as given.
 */
#include <stdio.h>

#include "fuzz.h"
#include "harness.h"

static const char *const names[] = { "results.csv", "summary.csv", "env.csv", "sentinel.csv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tmp = fz_setup();
	struct fz_parts parts;
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	fz_empty(tmp);
	fz_split(data, size, &parts);
	for (size_t i = 0; i < parts.n && i < sizeof(names) / sizeof(names[0]); i++)
		fz_write(dir, names[i], parts.at[i], parts.len[i]);
	fz_command(harness_cmd_report, (const char *const[]){ "report", dir, NULL });
	return 0;
}
