/*
 * evbench - the harness: runs the drivers, keeps their rows, summarises,
 * draws, reports and compares.  Each command's entry lives in the file
 * named for it (run.c, list.c, env.c, summary.c for summarize, figures.c
 * for plot, report.c, crosscheck.c, compare.c, vm.c, bundle.c); this one
 * dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "evb_text.h"
#include "harness.h"

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

int main(int argc, char **argv)
{
	/* Labels, host names and reasons come from run directories and guests:
	 * no byte of them may reach the terminal as a control sequence. */
	int ret = evb_printable_stdio();

	if (ret) {
		fprintf(stderr, "%s: cannot filter stdout and stderr: %s\n", HARNESS_PROG,
			strerror(-ret));
		return 1;
	}
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
