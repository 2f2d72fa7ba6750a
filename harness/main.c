/*
 * evbench - the harness: runs the drivers, keeps their rows, summarises,
 * draws, reports and compares.  Each command lives in its own file; this
 * one dispatches and holds the small ones (list, env, summarize, plot,
 * crosscheck).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_env.h"
#include "evb_sys.h"
#include "harness.h"
#include "report.h"
#include "rundir.h"
#include "summary.h"

/* `evbench crosscheck RUN` (the check itself: crosscheck.c). */
int harness_cmd_crosscheck(int argc, char **argv)
{
	char error[600], path[PATH_MAX], csv[PATH_MAX];

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: evbench crosscheck RUN\n\nTimes representative driver runs as "
		       "whole processes with hyperfine at N and 10N operations and writes "
		       "RUN/crosscheck.csv: the slope per operation beside the driver's own "
		       "figure, flagged when they differ by more than 15%%, with the time and "
		       "the evbench commit of the check.  The hyperfine exports are kept in "
		       "RUN/crosscheck/.  A run's crosscheck.csv is never overwritten: when it "
		       "exists, the check goes to RUN/crosscheck-<UTC time>.csv (and its "
		       "directory) and the report keeps showing the run's own.\n");
		return 0;
	}
	if (argc != 2)
		evb_usage_error(HARNESS_PROG " crosscheck", "expected one argument: a run directory");
	if (harness_run_dir_check("RUN", argv[1], error, sizeof(error)))
		evb_usage_error(HARNESS_PROG " crosscheck", "%s", error);
	harness_run_path(path, sizeof(path), argv[1], "results.csv");
	if (access(path, R_OK))
		evb_usage_error(HARNESS_PROG " crosscheck", "%s is not a run directory (%s: %s)",
				argv[1], path, strerror(errno));
	if (harness_crosscheck(argv[1], NULL, NULL, -1, csv, sizeof(csv), error,
			       sizeof(error))) {
		fprintf(stderr, "%s crosscheck: %s\n", HARNESS_PROG, error);
		return 1;
	}
	printf("%s\n", csv);
	if (harness_report(argv[1], error, sizeof(error)))
		fprintf(stderr, "%s crosscheck: report: %s\n", HARNESS_PROG, error);
	return 0;
}

struct command {
	const char *name;
	const char *summary;
	int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "run", "run a profile: results.csv, summary.csv, env.csv, figures", harness_cmd_run },
	{ "list", "families, their mechanisms (and why one cannot run here), profiles",
	  harness_cmd_list },
	{ "env", "print what env.csv would record about this machine", harness_cmd_env },
	{ "summarize", "rebuild RUN/summary.csv from RUN/results.csv", harness_cmd_summarize },
	{ "plot", "redraw RUN/figures from its CSV", harness_cmd_plot },
	{ "report", "write RUN/report.html and RUN/report.md", harness_cmd_report },
	{ "crosscheck", "time representative driver runs with hyperfine, beside their own figure",
	  harness_cmd_crosscheck },
	{ "compare", "what changed between runs A and B, with a verdict per cell",
	  harness_cmd_compare },
	{ "vm", "boot kernels under QEMU and run the suite inside each", harness_cmd_vm },
	{ "bundle", "pack evbench, its drivers and libraries to run where nothing is installed",
	  harness_cmd_bundle },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: evbench COMMAND [options]   (evbench COMMAND --help for more)\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nA run directory lands in results/ (results/latest is the newest).\n");
}

static int want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

int harness_cmd_list(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		printf("Usage: evbench list\n\nEvery family, its driver, its mechanisms and "
		       "variants (with the reason when one cannot run on this machine), the "
		       "profiles and the presets.\n");
		return 0;
	}
	if (argc > 1)
		evb_usage_error(HARNESS_PROG " list", "unexpected argument '%s'", argv[1]);
	printf("profiles: smoke (<30 s), quick (<2 min), standard (default, <10 min), "
	       "full (hours)\n");
	for (size_t f = 0; f < harness_nfamilies; f++) {
		const struct harness_family *family = harness_families[f];
		char driver[PATH_MAX], error[512];
		struct harness_mech *mechs;
		size_t n;

		printf("\nfamily %s (driver %s)", family->name, family->driver);
		for (int p = 0; family->presets && family->presets[p]; p++)
			printf("%s%s", p ? ", " : "; presets: ", family->presets[p]);
		putchar('\n');
		if (harness_driver_path(family, driver, sizeof(driver))) {
			printf("  not built\n");
			continue;
		}
		if (harness_list_mechs(driver, &mechs, &n, error, sizeof(error))) {
			printf("  %s\n", error);
			continue;
		}
		for (size_t i = 0; i < n; i++)
			printf("  %-16s %-12s %s%s\n", mechs[i].mechanism, mechs[i].variant,
			       mechs[i].supported ? "" : "cannot run here: ",
			       mechs[i].supported ? "" : mechs[i].reason);
		free(mechs);
	}
	return 0;
}

int harness_cmd_env(int argc, char **argv)
{
	struct evb_env env;

	if (want_help(argc, argv)) {
		printf("Usage: evbench env\n\nPrints, as key,value CSV, what a run records "
		       "in env.csv about this machine, warnings last.  Changes nothing.\n");
		return 0;
	}
	if (argc > 1)
		evb_usage_error(HARNESS_PROG " env", "unexpected argument '%s'", argv[1]);
	evb_nofile_raise();
	evb_env_capture(&env);
	evb_env_write_csv(&env, stdout);
	evb_env_free(&env);
	return 0;
}

/* The one RUN argument of summarize/plot, checked to be a run directory. */
static const char *run_arg(int argc, char **argv, const char *prog, const char *help)
{
	char path[PATH_MAX], error[300];
	FILE *f;

	if (want_help(argc, argv)) {
		printf("%s", help);
		exit(0);
	}
	if (argc != 2)
		evb_usage_error(prog, "expected one argument: a run directory");
	if (harness_run_dir_check("RUN", argv[1], error, sizeof(error)))
		evb_usage_error(prog, "%s", error);
	harness_run_path(path, sizeof(path), argv[1], "results.csv");
	f = fopen(path, "r");
	if (!f)
		evb_usage_error(prog, "%s is not a run directory (%s: %s)", argv[1], path,
				strerror(errno));
	fclose(f);
	return argv[1];
}

int harness_cmd_summarize(int argc, char **argv)
{
	const char *run = run_arg(argc, argv, HARNESS_PROG " summarize",
				  "Usage: evbench summarize RUN\n\nRebuilds RUN/summary.csv "
				  "from RUN/results.csv.\n");
	char results[PATH_MAX], summary[PATH_MAX], error[600];

	harness_run_path(results, sizeof(results), run, "results.csv");
	harness_run_path(summary, sizeof(summary), run, "summary.csv");
	if (harness_summarize(results, summary, error, sizeof(error))) {
		fprintf(stderr, "%s summarize: %s\n", HARNESS_PROG, error);
		return 2;
	}
	return 0;
}

int harness_cmd_plot(int argc, char **argv)
{
	const char *run = run_arg(argc, argv, HARNESS_PROG " plot",
				  "Usage: evbench plot RUN\n\nRedraws RUN/figures/*.svg and "
				  "*.png from RUN/summary.csv and results.csv with gnuplot.\n");

	return harness_render_figures(run, NULL, -1) ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n", HARNESS_PROG, argv[1]);
	usage(stderr);
	return 2;
}
