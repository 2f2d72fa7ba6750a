/*
 * list.c - `evbench list`: every family, its driver, its mechanisms (with
 * the reason when one cannot run here), the profiles and the presets; and
 * harness_list_mechs, which asks a driver for its mechanisms (--list).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_config.h"
#include "evb_csv.h"
#include "evb_spawn.h"
#include "evb_sys.h"
#include "figures.h"
#include "harness.h"
#include "rundir.h"

int harness_list_mechs(const char *driver, struct harness_mech **mechs, size_t *n,
		       char *error, size_t error_len)
{
	char *argv[] = { (char *)driver, "--list", NULL };
	struct evb_spawn_opts opts = { .timeout_ns = 20 * 1000000000LL, .cancel_fd = -1 };
	struct evb_spawn_result res;
	struct evb_csv_record rec = { 0 };
	size_t cap = 0;
	int ret = evb_spawn(argv, &opts, &res);
	char *line, *next;

	*mechs = NULL;
	*n = 0;
	if (ret) {
		snprintf(error, error_len, "%s", res.last_err);
		return ret;
	}
	if (res.end != EVB_SPAWN_EXITED || res.exit_status != 0) {
		snprintf(error, error_len, "%s --list failed: %s", driver, res.last_err);
		ret = -EIO;
		goto out;
	}
	line = strchr(res.out, '\n');   /* skip the header */
	for (line = line ? line + 1 : NULL; line && *line; line = next) {
		char err[256];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Five columns, or six with traits last. */
		if (evb_csv_parse_line(line, &rec, err, sizeof(err)) != 1 ||
		    (rec.nfields != 5 && rec.nfields != 6)) {
			snprintf(error, error_len, "%s --list: malformed line '%s'", driver, line);
			ret = -EINVAL;
			goto out;
		}
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct harness_mech *m = realloc(*mechs, ncap * sizeof(*m));

			if (!m) {
				ret = -ENOMEM;
				goto out;
			}
			*mechs = m;
			cap = ncap;
		}
		struct harness_mech *m = &(*mechs)[(*n)++];

		evb_strlcpy(m->mechanism, rec.fields[0], sizeof(m->mechanism));
		evb_strlcpy(m->variant, rec.fields[1], sizeof(m->variant));
		m->supported = strcmp(rec.fields[2], "yes") == 0;
		evb_strlcpy(m->reason, rec.fields[3], sizeof(m->reason));
		evb_strlcpy(m->traits, rec.nfields == 6 ? rec.fields[5] : "", sizeof(m->traits));
	}
out:
	if (ret) {
		free(*mechs);
		*mechs = NULL;
		*n = 0;
	}
	evb_csv_record_free(&rec);
	evb_spawn_result_free(&res);
	return ret;
}

int harness_cmd_list(int argc, char **argv)
{
	if (harness_want_help(argc, argv)) {
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
