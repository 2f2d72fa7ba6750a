/*
 * bundle.c - `evbench bundle OUT.tar.gz`: evbench, its drivers, the shared
 * libraries they load (with the dynamic loader), the plot scripts and a run
 * script, in one relocatable archive that runs where nothing is installed.
 * The packing is scripts/bundle.sh of the source tree this evbench was built
 * from; this command checks its arguments and hands it the directories.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_config.h"
#include "harness.h"

#define BUNDLE_PROG HARNESS_PROG " bundle"

static void bundle_help(void)
{
	printf("Usage: evbench bundle OUT.tar.gz\n\n"
	       "Writes OUT.tar.gz holding evbench-bundle/: evbench and every evb-* driver "
	       "found next to it, the shared libraries ldd lists for them and the dynamic "
	       "loader (lib/), the plot scripts (plots/) and a run script, evbench-bundle/"
	       "evbench, that runs them with those libraries.  On a machine without a "
	       "compiler, cmake or liburing:\n\n"
	       "  tar xzf OUT.tar.gz && ./evbench-bundle/evbench run --profile smoke "
	       "--out DIR\n\n"
	       "Figures need gnuplot: where it is missing, the run still writes its CSV and "
	       "says the figures were skipped; `evbench plot DIR` draws them later, e.g. "
	       "on the machine the run directory is brought back to.  The bundle needs a "
	       "Linux of the same architecture, /bin/sh and tar; the libraries come from "
	       "this machine, so the target's own do not matter.\n");
}

/* OUT must name a .tar.gz (or .tgz) in a directory that exists. */
static void bundle_check_out(const char *out)
{
	char dir[PATH_MAX];
	size_t n = strlen(out);
	const char *slash = strrchr(out, '/');
	struct stat st;

	if (!((n > 7 && !strcmp(out + n - 7, ".tar.gz")) || (n > 4 && !strcmp(out + n - 4, ".tgz"))))
		evb_usage_error(BUNDLE_PROG, "OUT '%s' must end in .tar.gz or .tgz", out);
	if (!slash)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - out) + (slash == out), out);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		evb_usage_error(BUNDLE_PROG, "OUT '%s': directory %s does not exist", out, dir);
	if (access(dir, W_OK))
		evb_usage_error(BUNDLE_PROG, "OUT '%s': directory %s is not writable (%s)", out,
				dir, strerror(errno));
}

int harness_cmd_bundle(int argc, char **argv)
{
	char script[PATH_MAX], bin[PATH_MAX], plots[PATH_MAX];

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			bundle_help();
			return 0;
		}
	if (argc != 2)
		evb_usage_error(BUNDLE_PROG, "expected one argument: OUT.tar.gz");
	if (argv[1][0] == '-')
		evb_usage_error(BUNDLE_PROG, "unknown option '%s'", argv[1]);
	bundle_check_out(argv[1]);
	snprintf(script, sizeof(script), "%s/scripts/bundle.sh", EVB_SOURCE_DIR);
	if (access(script, R_OK))
		evb_die(BUNDLE_PROG, "cannot pack: %s (the source tree this evbench was built "
			"from) is not readable: %s", script, strerror(errno));
	harness_bin_dir(bin, sizeof(bin));
	harness_plots_dir(plots, sizeof(plots));
	execl("/bin/sh", "sh", script, bin, plots, argv[1], (char *)NULL);
	evb_die_errno(BUNDLE_PROG, "exec /bin/sh");
}
