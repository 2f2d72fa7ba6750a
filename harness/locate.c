/* locate.c - where evbench finds its drivers, scripts, plots and bundle, and a family by name. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_config.h"
#include "evb_csv.h"
#include "evb_spawn.h"
#include "evb_sys.h"
#include "figures.h"
#include "harness.h"
#include "rundir.h"

/* buf = $var when it is set and not empty: true; else false. */
static bool dir_from_env(const char *var, char *buf, size_t len)
{
	const char *env = getenv(var);

	if (!env || !*env)
		return false;
	if (evb_fmt(buf, len, "%s", env)) {
		fprintf(stderr, "%s: %s is longer than a path may be (%zu bytes)\n", HARNESS_PROG,
			var, len - 1);
		exit(2);
	}
	return true;
}

void harness_bin_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (dir_from_env("EVB_DRIVER_DIR", buf, len))
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0) {
		snprintf(buf, len, ".");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');

	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s", exe);
}

void harness_plots_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_PLOTS_DIR", buf, len))
		snprintf(buf, len, "%s/plots", EVB_SOURCE_DIR);
}

void harness_scripts_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_SCRIPTS_DIR", buf, len))
		snprintf(buf, len, "%s/scripts", EVB_SOURCE_DIR);
}

void harness_pack_dir(char *buf, size_t len)
{
	if (!dir_from_env("EVB_BUNDLE_ROOT", buf, len))
		harness_bin_dir(buf, len);
}

int harness_driver_path(const struct harness_family *family, char *buf, size_t len)
{
	char dir[PATH_MAX];

	harness_bin_dir(dir, sizeof(dir));
	if (evb_fmt(buf, len, "%s/%s", dir, family->driver))
		return -ENAMETOOLONG;
	return access(buf, X_OK) == 0 ? 0 : -ENOENT;
}

const struct harness_family *harness_family_find(const char *name)
{
	for (size_t i = 0; i < harness_nfamilies; i++)
		if (strcmp(harness_families[i]->name, name) == 0)
			return harness_families[i];
	return NULL;
}

