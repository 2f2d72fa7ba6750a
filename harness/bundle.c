/*
 * bundle.c - `evbench bundle OUT.tar.gz`: evbench, its drivers, the shared
 * libraries they load (with the dynamic loader), the plot scripts and a run
 * script, in one relocatable archive that runs where nothing is installed.
 * `--dir DIR` writes the same tree unpacked, as DIR (for an initramfs or a
 * copy by other means).  The packing is scripts/bundle.sh (of the source
 * tree this evbench was built from, or of the bundle it runs from, which it
 * then copies); this command checks its arguments and hands it the
 * directories.
 */
#include <dirent.h>
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
	printf("Usage: evbench bundle OUT.tar.gz\n"
	       "       evbench bundle --dir DIR\n\n"
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
	       "this machine, so the target's own do not matter.  Run from a bundle, it "
	       "writes a copy of that bundle.\n\n"
	       "  --dir DIR   write the bundle's tree unpacked as DIR (new or empty; DIR/"
	       "evbench is the run script) instead of an archive\n");
}

/* The directory out is to be written in must exist and be writable. */
static void bundle_check_parent(const char *what, const char *out)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(out, '/');
	struct stat st;

	if (!slash)
		return;
	if (evb_fmt(dir, sizeof(dir), "%.*s", (int)(slash - out) + (slash == out), out))
		evb_usage_error(BUNDLE_PROG, "%s '%s': the name is too long", what, out);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		evb_usage_error(BUNDLE_PROG, "%s '%s': directory %s does not exist", what, out, dir);
	if (access(dir, W_OK))
		evb_usage_error(BUNDLE_PROG, "%s '%s': directory %s is not writable (%s)", what, out,
				dir, strerror(errno));
}

/* OUT must name a .tar.gz (or .tgz) in a directory that exists. */
static void bundle_check_out(const char *out)
{
	size_t n = strlen(out);

	if (!((n > 7 && !strcmp(out + n - 7, ".tar.gz")) || (n > 4 && !strcmp(out + n - 4, ".tgz"))))
		evb_usage_error(BUNDLE_PROG, "OUT '%s' must end in .tar.gz or .tgz", out);
	bundle_check_parent("OUT", out);
}

/* --dir DIR: new (in a directory that exists) or an empty directory. */
static void bundle_check_dir(const char *path)
{
	struct dirent *entry;
	struct stat st;
	DIR *dir;

	if (!*path)
		evb_usage_error(BUNDLE_PROG, "--dir '': expected a directory");
	if (stat(path, &st)) {
		bundle_check_parent("--dir", path);
		return;
	}
	if (!S_ISDIR(st.st_mode))
		evb_usage_error(BUNDLE_PROG, "--dir '%s' exists and is not a directory", path);
	dir = opendir(path);
	if (!dir)
		evb_usage_error(BUNDLE_PROG, "--dir '%s': %s", path, strerror(errno));
	while ((entry = readdir(dir)))
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) {
			closedir(dir);
			evb_usage_error(BUNDLE_PROG, "--dir '%s' is not empty", path);
		}
	closedir(dir);
}

int harness_cmd_bundle(int argc, char **argv)
{
	char script[PATH_MAX], bin[PATH_MAX], plots[PATH_MAX];
	const char *mode = "tar", *out = argv[argc - 1];

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			bundle_help();
			return 0;
		}
	if (argc >= 2 && !strcmp(argv[1], "--dir")) {
		if (argc != 3)
			evb_usage_error(BUNDLE_PROG, "--dir takes one argument, a directory");
		bundle_check_dir(argv[2]);
		mode = "dir";
		out = argv[2];
	} else if (argc != 2) {
		evb_usage_error(BUNDLE_PROG, "expected one argument: OUT.tar.gz (or --dir DIR)");
	} else if (argv[1][0] == '-') {
		evb_usage_error(BUNDLE_PROG, "unknown option '%s'", argv[1]);
	} else {
		bundle_check_out(argv[1]);
	}
	harness_scripts_dir(bin, sizeof(bin));
	if (evb_fmt(script, sizeof(script), "%s/bundle.sh", bin))
		evb_die(BUNDLE_PROG, "the scripts' directory %s is too long a path", bin);
	if (access(script, R_OK))
		evb_die(BUNDLE_PROG, "cannot pack: %s (of the source tree this evbench was "
			"built from, or of its bundle) is not readable: %s", script,
			strerror(errno));
	harness_pack_dir(bin, sizeof(bin));
	harness_plots_dir(plots, sizeof(plots));
	execl("/bin/sh", "sh", script, bin, plots, mode, out, (char *)NULL);
	evb_die_errno(BUNDLE_PROG, "exec /bin/sh");
}
