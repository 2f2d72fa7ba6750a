/*
 * run_opts.c - `evbench run`'s options: the usage text and the strict
 * parsing of every option (a bad one exits 2 naming it); run.c applies
 * the profile's defaults and runs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_sb.h"
#include "harness.h"
#include "run.h"

static void usage(void)
{
	printf("Usage: evbench run [--profile smoke|quick|standard|full] [--family F]\n"
	       "                   [--mechanism M] [--preset NAME] [--reps N] [--max-reps N]\n"
	       "                   [--precision PCT] [--budget T] [--out DIR]\n"
	       "                   [--cpu-dma-latency US] [--max-timeout T] [--dry-run]\n"
	       "                   [--no-figures] [--force]\n"
	       "                   [--round K/R]\n"
	       "       evbench run --resume DIR [--round K/R] [--no-figures] [--force]\n"
	       "\n"
	       "Runs every cell of the profile (default standard) at least --reps times,\n"
	       "each driver run as its own process with a timeout, and writes a run\n"
	       "directory: results.csv (one row per driver run), summary.csv (one row per\n"
	       "cell), env.csv, plan.csv, sentinel.csv, hist/, figures/, run.log.\n"
	       "\n"
	       "  --profile P          smoke (<30 s), quick (<2 min), standard (<10 min),\n"
	       "                       full (hours)\n"
	       "  --family F           only this family (");
	for (size_t f = 0; f < harness_nfamilies; f++)
		printf("%s%s", f ? ", " : "", harness_families[f]->name);
	printf(")\n"
	       "  --mechanism M        only cells of this mechanism\n"
	       "  --preset NAME        a family's named cell set instead of the profile's\n"
	       "                       (see `evbench list`)\n"
	       "  --reps N             repetitions every cell gets (default: smoke 1,\n"
	       "                       quick 2, standard 5, full 10)\n"
	       "  --precision PCT      then more repetitions, one interleaved round at a\n"
	       "                       time, for the cells whose median's 95%% interval is\n"
	       "                       wider than +-PCT%% (default: 3 for standard and full,\n"
	       "                       0 = none for smoke and quick)\n"
	       "  --max-reps N         at most N repetitions per cell (default 15)\n"
	       "  --budget T           stop adding repetitions when the cells have run T\n"
	       "                       (default: standard 8 min, full 6 h; 0 = no limit)\n"
	       "  --out DIR            the run directory (must not exist or be empty);\n"
	       "                       default results/<UTC time>-<host>-<kernel>/\n"
	       "  --resume DIR         go on with an interrupted or killed run: keep its\n"
	       "                       rows, run the missing repetitions of its plan.csv\n"
	       "  --cpu-dma-latency US hold /dev/cpu_dma_latency at US microseconds for the\n"
	       "                       whole run (a tuning: recorded in env.csv); without it\n"
	       "                       the current value is only read and recorded\n"
	       "  --max-timeout T      cap every driver run's time limit at T (e.g. 30s); a\n"
	       "                       run still going is killed a little later and\n"
	       "                       recorded as status=timeout\n"
	       "  --timeout-scale N    multiply every driver run's planned time limit by N\n"
	       "                       (1-100; recorded in env.csv): for a slower machine,\n"
	       "                       e.g. an emulated one (evbench vm passes 10 under TCG)\n"
	       "  --round K/R          round K of R of an interleaved comparison (evbench vm\n"
	       "                       --rounds R boots each kernel R times in turn): run\n"
	       "                       only repetitions K, K+R, K+2R, ... of every cell,\n"
	       "                       with at least 4 (what compare needs a side) in all,\n"
	       "                       rounded up to a multiple of R, and no adaptive ones;\n"
	       "                       each row records K (results.csv round).  Round 1\n"
	       "                       starts the run, --resume DIR --round K goes on with\n"
	       "                       it; the run is complete after round R\n"
	       "  --force              run even while another evbench run is in progress\n"
	       "                       on this machine (both runs' figures suffer)\n"
	       "  --dry-run            print the plan (cells, reps, drivers) and exit\n"
	       "  --no-figures         do not run gnuplot\n"
	       "\n"
	       "Exit status: 0 when every row is ok or skipped (cannot run here); 1 when\n"
	       "a row failed or timed out (everything is still written: summary, figures,\n"
	       "report; stderr says how many), or a write failed; 2 for bad options or a\n"
	       "run that cannot start; 130 when interrupted.  --resume counts the rows it\n"
	       "kept too.\n");
}

static void parse_family(const char *prog, const char *name)
{
	char names[256];
	struct evb_sb sb;

	if (harness_family_find(name))
		return;
	evb_sb_init(&sb, names, sizeof(names));
	for (size_t i = 0; i < harness_nfamilies; i++)
		evb_sb_printf(&sb, "%s%s", i ? ", " : "", harness_families[i]->name);
	evb_usage_error(prog, "--family '%s' is not one of: %s", name, names);
}

enum {
	OPT_PROFILE = 0x100, OPT_FAMILY, OPT_MECHANISM, OPT_PRESET, OPT_REPS, OPT_MAXREPS,
	OPT_PRECISION, OPT_BUDGET, OPT_OUT, OPT_RESUME, OPT_DMA, OPT_MAXTIME, OPT_TSCALE, OPT_DRY,
	OPT_NOFIG, OPT_ROUND,
	OPT_FORCE, OPT_HELP,
};

static const struct option run_options[] = {
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "mechanism", required_argument, NULL, OPT_MECHANISM },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "max-reps", required_argument, NULL, OPT_MAXREPS },
	{ "precision", required_argument, NULL, OPT_PRECISION },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "resume", required_argument, NULL, OPT_RESUME },
	{ "cpu-dma-latency", required_argument, NULL, OPT_DMA },
	{ "max-timeout", required_argument, NULL, OPT_MAXTIME },
	{ "timeout-scale", required_argument, NULL, OPT_TSCALE },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ "no-figures", no_argument, NULL, OPT_NOFIG },
	{ "round", required_argument, NULL, OPT_ROUND },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* --round K/R: 1 <= K <= R <= RUN_MAX_ROUNDS. */
static void parse_round(const char *prog, const char *text, struct run_opts *o)
{
	const char *after;
	char *end;
	long k, r;

	errno = 0;
	k = strtol(text, &end, 10);
	if (end == text || *end != '/' || errno)
		goto bad;
	after = end + 1;
	r = strtol(after, &end, 10);
	if (end == after || *end || errno || k < 1 || r < 1 || k > r || r > RUN_MAX_ROUNDS)
		goto bad;
	o->round = (int)k;
	o->rounds = (int)r;
	return;
bad:
	evb_usage_error(prog, "--round '%s': expected K/R, round K of R (1 <= K <= R <= %d), "
			"e.g. 2/3", text, RUN_MAX_ROUNDS);
}

/* One option; returns whether it may be given with --resume. */
static bool parse_one(const char *prog, int opt, struct run_opts *o)
{
	switch (opt) {
	case OPT_PROFILE:
		o->profile = (enum harness_profile)evb_opt_word(prog, "--profile", optarg,
								harness_profile_names);
		return false;
	case OPT_FAMILY:
		parse_family(prog, optarg);
		o->family = optarg;
		return false;
	case OPT_MECHANISM:
		o->mechanism = optarg;
		return false;
	case OPT_PRESET:
		o->preset = optarg;
		return false;
	case OPT_REPS:
		o->reps = evb_opt_i64(prog, "--reps", optarg, EVB_UNIT_NONE, 1, 1000);
		return false;
	case OPT_MAXREPS:
		o->max_reps = evb_opt_i64(prog, "--max-reps", optarg, EVB_UNIT_NONE, 1, 1000);
		return false;
	case OPT_PRECISION:
		o->precision_pct = evb_opt_pct(prog, "--precision", optarg, 100);
		return false;
	case OPT_BUDGET:
		o->budget_ns = evb_opt_i64(prog, "--budget", optarg, EVB_UNIT_TIME, 0,
					   30 * 86400 * EVB_NSEC_PER_SEC);
		return false;
	case OPT_OUT:
		if (!optarg[0])
			evb_usage_error(prog, "--out needs a directory");
		o->out = optarg;
		return false;
	case OPT_RESUME:
		if (!optarg[0])
			evb_usage_error(prog, "--resume needs a run directory");
		o->resume = optarg;
		return true;
	case OPT_DMA:
		o->cpu_dma_latency = evb_opt_i64(prog, "--cpu-dma-latency", optarg, EVB_UNIT_NONE,
						 0, 2000000000);
		return false;
	case OPT_MAXTIME:
		o->max_timeout_ns = evb_opt_i64(prog, "--max-timeout", optarg, EVB_UNIT_TIME,
						1000000, 86400 * EVB_NSEC_PER_SEC);
		return false;
	case OPT_TSCALE:
		o->timeout_scale = evb_opt_i64(prog, "--timeout-scale", optarg, EVB_UNIT_COUNT, 1,
					       100);
		return false;
	case OPT_DRY:
		o->dry_run = true;
		return false;
	case OPT_NOFIG:
		o->no_figures = true;
		return true;
	case OPT_ROUND:
		parse_round(prog, optarg, o);
		return true;
	case OPT_FORCE:
		o->force = true;
		return true;
	case OPT_HELP:
		usage();
		exit(0);
	default:
		evb_usage_error(prog, "unknown option (see above)");
	}
	return false;
}

void run_parse_opts(int argc, char **argv, struct run_opts *o)
{
	const char *prog = HARNESS_PROG " run";
	const char *not_with_resume = NULL;
	int opt, index;

	*o = (struct run_opts){
		.profile = HARNESS_STANDARD,
		.base = "results",
		.cpu_dma_latency = -1,
		.precision_pct = -1,
		.budget_ns = -1,
		.timeout_scale = 1,
	};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", run_options, &index)) != -1)
		if (!parse_one(prog, opt, o) && !not_with_resume)
			not_with_resume = run_options[index].name;
	if (optind < argc)
		evb_usage_error(prog, "unexpected argument '%s'", argv[optind]);
	if (o->resume && not_with_resume)
		evb_usage_error(prog, "--%s cannot be given with --resume: a resumed run keeps its "
				"own options (env.csv, plan.csv)", not_with_resume);
	if (o->reps && o->max_reps && o->max_reps < o->reps)
		evb_usage_error(prog, "--max-reps %lld is below --reps %lld",
				(long long)o->max_reps, (long long)o->reps);
}
