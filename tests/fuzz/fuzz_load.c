/*
 * fuzz_load.c - a run directory loaded back as report and compare load it
 * (harness_run_load: results.csv, env.csv, plan.csv, sentinel.csv, split
 * from the input at form feeds in that order), then `evbench summarize`
 * on it: every cell grouped and its statistics computed into summary.csv.
 */
#include <stdio.h>

#include "fuzz.h"
#include "harness.h"
#include "rundir_read.h"

static const char *const names[] = { "results.csv", "env.csv", "plan.csv", "sentinel.csv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tmp = fz_setup();
	struct harness_run run;
	struct fz_parts parts;
	char dir[4096], error[1024];

	snprintf(dir, sizeof(dir), "%s/run", tmp);
	fz_empty(tmp);
	fz_split(data, size, &parts);
	for (size_t i = 0; i < parts.n && i < sizeof(names) / sizeof(names[0]); i++)
		fz_write(dir, names[i], parts.at[i], parts.len[i]);
	if (parts.n == 0)
		fz_write(dir, names[0], data, 0);
	if (harness_run_load(&run, dir, error, sizeof(error)) == 0)
		harness_run_free(&run);
	fz_command(harness_cmd_summarize, (const char *const[]){ "summarize", dir, NULL });
	return 0;
}
