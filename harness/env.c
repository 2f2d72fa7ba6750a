/* env.c - `evbench env`: what a run's env.csv would record about this machine. */
#include <stdio.h>

#include "evb_cli.h"
#include "evb_env.h"
#include "evb_sys.h"
#include "harness.h"
#include "rundir.h"

int harness_cmd_env(int argc, char **argv)
{
	struct evb_env env;

	if (harness_want_help(argc, argv)) {
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
