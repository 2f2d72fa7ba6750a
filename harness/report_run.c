/*
 * report_run.c - the report's sections about the run itself: its one-line
 * identity under the title, what ran where (the machine, its warnings, the
 * driver runs), the cells that did not run and why, the cross-check with
 * hyperfine, and the full environment.  report.c puts them in order.
 */
#include <stdio.h>
#include <string.h>

#include "evb_cli.h"
#include "evb_sb.h"
#include "figures.h"
#include "report.h"
#include "rundir_read.h"

static void status_counts(const struct evb_table *results, size_t counts[4])
{
	static const char *const statuses[] = { "ok", "skipped", "failed", "timeout", NULL };

	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t r = 0; r < results->nrows; r++) {
		int s = evb_parse_word(harness_str(results, r, "status"), statuses);

		if (s >= 0)
			counts[s]++;
	}
}

static size_t env_warnings(const struct harness_run *run)
{
	int env_key = evb_table_col(&run->env, "key");
	size_t n = 0;

	for (size_t r = 0; r < run->env.nrows; r++)
		n += !strncmp(evb_table_get(&run->env, r, env_key), "warning_", 8);
	return n;
}

/* The title and the run's one-line identity: the report's first lines. */
void report_identity(const struct report_ctx *ctx)
{
	const struct harness_run *run = ctx->run;
	struct doc *d = ctx->doc;
	const char *profile = harness_run_env(run, "run_profile");
	size_t counts[4], warnings = env_warnings(run);
	char tail[160] = "";

	status_counts(ctx->results, counts);
	if (warnings)
		snprintf(tail, sizeof(tail), "; %zu warning%s about this machine (\"This run\")",
			 warnings, warnings == 1 ? "" : "s");
	doc_h(d, 1, "evbench report: %s", harness_run_env(run, "run_id"));
	if (run->complete)
		doc_lead(d, "%s, kernel %s, profile %s: complete, %zu driver runs (%zu ok, %zu "
			 "skipped, %zu failed, %zu timed out)%s.", harness_run_env(run, "hostname"),
			 harness_run_env(run, "kernel_release"), profile[0] ? profile : "-",
			 ctx->results->nrows, counts[0], counts[1], counts[2], counts[3], tail);
	else
		doc_note(d, "%s, kernel %s, profile %s: %s, not complete: %zu driver runs (%zu "
			 "ok); the cells after the interruption are missing%s.",
			 harness_run_env(run, "hostname"), harness_run_env(run, "kernel_release"),
			 profile[0] ? profile : "-", run->state, ctx->results->nrows, counts[0],
			 tail);
}

/* What ran where: the machine, its warnings, the driver runs. */
void report_run_section(const struct report_ctx *ctx)
{
	const struct harness_run *run = ctx->run;
	struct doc *d = ctx->doc;
	static const char *const keys[][2] = {
		{ "run_id", "run" }, { "kernel_release", "kernel" }, { "hostname", "host" },
		{ "cpu_model", "CPU" }, { "cpus_online", "online CPUs" },
		{ "cpu_topology", "CPU topology" },
		{ "virtualization", "virtualization" }, { "clocksource", "clocksource" },
		{ "preempt_model", "preemption" }, { "governor", "cpufreq governor" },
		{ "cpu_dma_latency_us", "cpu_dma_latency (us)" },
		{ "tuning_cpu_dma_latency", "tuning" }, { "run_profile", "profile" },
		{ "run_reps", "repetitions per cell" }, { "evbench_commit", "evbench commit" },
		{ "compiler", "compiler" },
	};

	doc_h(d, 2, "This run");
	doc_p(d, "Linux notification and multiplexing mechanisms measured on %s, kernel %s. "
	      "Every number is a median over repetitions of a per-run figure; summary.csv has "
	      "its 95%% confidence interval and results.csv every run.",
	      harness_run_env(run, "hostname"), harness_run_env(run, "kernel_release"));
	if (run->complete)
		doc_p(d, "This run is complete: every planned driver run has its row.");
	else
		doc_note(d, "This run is %s. The tables hold what finished; cells after the "
			 "interruption are missing.", run->state);
	report_vm_header(ctx);

	const char *const heads[] = { "what", "value" };

	doc_table(d, 2, heads);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *row[] = { keys[i][1], harness_run_env(run, keys[i][0]) };

		doc_row(d, row);
	}
	doc_table_end(d);

	int env_key = evb_table_col(&run->env, "key"), env_value = evb_table_col(&run->env, "value");
	int warnings = 0;

	for (size_t r = 0; r < run->env.nrows; r++) {
		if (strncmp(evb_table_get(&run->env, r, env_key), "warning_", 8))
			continue;
		if (!warnings++)
			doc_p(d, "Warnings about this machine:");
		doc_item(d, "%s", evb_table_get(&run->env, r, env_value));
	}
	if (warnings)
		doc_list_end(d);

	size_t counts[4];

	status_counts(ctx->results, counts);
	doc_p(d, "%zu driver runs: %zu ok, %zu skipped (cannot run here, with the reason), "
	      "%zu failed, %zu timed out.", ctx->results->nrows, counts[0], counts[1], counts[2],
	      counts[3]);
}

/* Every cell with a repetition that was not ok, from summary.csv. */
void report_not_run(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *s = ctx->summary;
	const char *const heads[] = { "cell", "status", "reps ok", "reason" };
	int rows = 0;

	doc_h(d, 2, "Cells that did not run, or not every time");
	for (size_t r = 0; r < s->nrows; r++) {
		const char *status = harness_str(s, r, "status");
		char label[512], reps[32];

		if (!strcmp(status, "ok"))
			continue;
		if (!rows++)
			doc_table(d, 4, heads);
		report_cell_label(s, r, label, sizeof(label));
		snprintf(reps, sizeof(reps), "%s/%s", harness_str(s, r, "reps_ok"),
			 harness_str(s, r, "reps_total"));
		const char *row[] = { label, status, reps, harness_str(s, r, "reason") };

		doc_row(d, row);
	}
	if (rows)
		doc_table_end(d);
	else
		doc_p(d, "None: every cell ran in every repetition.");
}

void report_crosscheck(const struct report_ctx *ctx)
{
	struct doc *d = ctx->doc;
	const struct evb_table *x = ctx->crosscheck;

	doc_h(d, 2, "Cross-check: whole-process timing with hyperfine");
	if (!x->nrows) {
		doc_p(d, "Not run for this run (it is a stage of the standard profile; "
		      "`evbench crosscheck RUN` runs it).");
		return;
	}
	doc_p(d, "hyperfine times the whole driver process at N and 10N operations; the "
	      "slope (t(10N) - t(N)) / 9N is the cost of one more operation, start-up and "
	      "exit cancel out. Beside it the in-process figure the driver measured "
	      "(the mean per operation). Disagreement over 15%% is flagged.");
	const char *const heads[] = { "cell", "hyperfine slope", "in-process", "ratio", "agrees" };

	doc_table(d, 5, heads);
	for (size_t r = 0; r < x->nrows; r++) {
		char slope[32], inproc[32], ratio[32];
		const char *status = harness_str(x, r, "status");

		report_fmt_ns(slope, sizeof(slope), harness_num(x, r, "slope_ns_per_op"));
		report_fmt_ns(inproc, sizeof(inproc), harness_num(x, r, "inprocess_ns_per_op"));
		evb_sb_fmt(ratio, sizeof(ratio), "%.2f", harness_num(x, r, "ratio"));
		const char *row[] = { harness_str(x, r, "cell"), slope, inproc,
				      strcmp(status, "ok") ? "-" : ratio,
				      strcmp(status, "ok") ? harness_str(x, r, "reason")
							   : harness_str(x, r, "agrees") };

		doc_row(d, row);
	}
	doc_table_end(d);
}

void report_environment(const struct report_ctx *ctx)
{
	const struct harness_run *run = ctx->run;
	struct doc *d = ctx->doc;
	int k = evb_table_col(&run->env, "key"), v = evb_table_col(&run->env, "value");
	const char *const heads[] = { "key", "value" };

	doc_h(d, 2, "Environment (env.csv)");
	doc_table(d, 2, heads);
	for (size_t r = 0; r < run->env.nrows; r++) {
		const char *row[] = { evb_table_get(&run->env, r, k), evb_table_get(&run->env, r, v) };

		doc_row(d, row);
	}
	doc_table_end(d);
}
