/* evb_driver.c - common driver options, registry lookup, row output. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_clock.h"
#include "evb_csv.h"
#include "evb_driver.h"
#include "evb_sb.h"
#include "evb_sys.h"
#include "evb_uring.h"

const char evb_driver_common_help[] =
	"Common options:\n"
	"  --mechanism M        mechanism to measure (see --list)\n"
	"  --variant V          variant of the mechanism (default: its first)\n"
	"  --mode MODE          what one sample is (see above)\n"
	"  --ipc thread|process the other side is a thread or a fork()ed process\n"
	"                       (default thread)\n"
	"  --placement P        same-cpu | cross-cpu | free (default cross-cpu)\n"
	"  --iterations N       measured operations (suffix k, M; default 10000)\n"
	"  --warmup N           unrecorded operations first (default 1000)\n"
	"  --hist FILE          write the histogram buckets to FILE as CSV\n"
	"  --header             print the CSV header before the row\n"
	"  --run-id ID, --rep N recorded in the row (set by the harness)\n"
	"  --timeout T          end the run as status=timeout if it is still going\n"
	"                       after T (default 60s; 0 = never)\n"
	"  --list               list mechanisms and variants as CSV, with why a\n"
	"                       variant cannot run here\n"
	"  --help               this text\n"
	"\n"
	"Output: one CSV row on stdout (schema: docs/design.md, results.csv).\n"
	"Exit: 0 ok, 1 failed (row status=failed), 2 bad usage, 3 unsupported here\n"
	"(row status=skipped with the reason).\n";

const char evb_driver_uring_help[] =
	"io_uring setup (io_uring mechanisms only; the row's uring_setup):\n"
	"  --uring-setup S      default: the default flags (completion work runs as\n"
	"                       task work signalled to the ring's thread)\n"
	"                       coop: IORING_SETUP_COOP_TASKRUN | TASKRUN_FLAG (5.19)\n"
	"                       defer: IORING_SETUP_SINGLE_ISSUER | DEFER_TASKRUN\n"
	"                       (6.1): the work runs when the ring's thread reaps\n"
	"                       (default: default; a kernel without the flags gives\n"
	"                       a skipped row naming them)\n"
	"\n";

void evb_driver_opts_init(struct evb_driver_opts *o, const char *prog, const char *family,
			  const char *const *modes)
{
	evb_uring_record_init();   /* before any side forks */
	*o = (struct evb_driver_opts){
		.prog = prog,
		.family = family,
		.modes = modes,
		.ipc = EVB_IPC_THREAD,
		.placement = EVB_PLACE_CROSS_CPU,
		.iterations = 10000,
		.warmup = 1000,
		.run_id = "",
		.rep = 1,
		.has_ipc = true,
		.timeout_ns = 60 * EVB_NSEC_PER_SEC,
		.mode_arg = modes[0],
	};
}

bool evb_driver_common_opt(struct evb_driver_opts *o, int opt, const char *arg,
			   bool *list, bool *help)
{
	switch (opt) {
	case EVB_OPT_MECHANISM:
		o->mech_arg = arg;
		return true;
	case EVB_OPT_VARIANT:
		o->variant_arg = arg;
		return true;
	case EVB_OPT_MODE:
		o->mode_arg = arg;
		return true;
	case EVB_OPT_IPC:
		if (!o->has_ipc)
			evb_usage_error(o->prog, "--ipc: the %s family has no ipc axis",
					o->family);
		o->ipc = (enum evb_ipc)evb_opt_word(o->prog, "--ipc", arg, evb_ipc_names);
		return true;
	case EVB_OPT_PLACEMENT:
		o->placement = (enum evb_placement)evb_opt_word(o->prog, "--placement", arg,
								evb_placement_names);
		return true;
	case EVB_OPT_ITERATIONS:
		o->iterations = evb_opt_i64(o->prog, "--iterations", arg, EVB_UNIT_COUNT, 1,
					    1000000000LL);
		return true;
	case EVB_OPT_WARMUP:
		o->warmup = evb_opt_i64(o->prog, "--warmup", arg, EVB_UNIT_COUNT, 0,
					1000000000LL);
		return true;
	case EVB_OPT_HIST:
		o->hist_path = arg;
		return true;
	case EVB_OPT_HEADER:
		o->header = true;
		return true;
	case EVB_OPT_LIST:
		*list = true;
		return true;
	case EVB_OPT_RUN_ID:
		if (strlen(arg) >= sizeof(((struct evb_row *)0)->run_id))
			evb_usage_error(o->prog, "--run-id: %zu characters, more than the %zu a row "
					"holds", strlen(arg), sizeof(((struct evb_row *)0)->run_id) - 1);
		o->run_id = arg;
		return true;
	case EVB_OPT_REP:
		o->rep = evb_opt_i64(o->prog, "--rep", arg, EVB_UNIT_NONE, 0, 1000000);
		return true;
	case EVB_OPT_HELP:
		*help = true;
		return true;
	case EVB_OPT_TIMEOUT:
		o->timeout_ns = evb_opt_i64(o->prog, "--timeout", arg, EVB_UNIT_TIME, 0,
					    86400 * EVB_NSEC_PER_SEC);
		return true;
	case EVB_OPT_URING_SETUP:
		o->uring_setup = evb_opt_word(o->prog, "--uring-setup", arg,
					      evb_uring_setup_names);
		o->uring_setup_arg = arg;
		return true;
	default:
		return false;
	}
}

static void names_joined(const char *const *words, char *out, size_t len)
{
	struct evb_sb sb;

	evb_sb_init(&sb, out, len);
	for (int i = 0; words && words[i]; i++)
		evb_sb_printf(&sb, "%s%s", i ? ", " : "", words[i]);
}

void evb_driver_resolve(struct evb_driver_opts *o, const struct evb_mech *const *registry,
			size_t nmechs)
{
	char names[1024];
	struct evb_sb sb;

	if (!o->mech_arg)
		evb_usage_error(o->prog, "--mechanism is required (see --list)");
	for (size_t i = 0; i < nmechs && !o->mech; i++)
		if (strcmp(registry[i]->name, o->mech_arg) == 0)
			o->mech = registry[i];
	if (!o->mech) {
		evb_sb_init(&sb, names, sizeof(names));
		for (size_t i = 0; i < nmechs; i++)
			evb_sb_printf(&sb, "%s%s", i ? ", " : "", registry[i]->name);
		evb_usage_error(o->prog, "--mechanism '%s' is not one of: %s", o->mech_arg,
				names);
	}

	const char *const *variants = o->mech->variants;

	if (!variants) {
		if (o->variant_arg && *o->variant_arg)
			evb_usage_error(o->prog, "--variant '%s': mechanism %s has no variants",
					o->variant_arg, o->mech->name);
		o->variant = "";
	} else if (!o->variant_arg) {
		o->variant = variants[0];
	} else {
		if (evb_parse_word(o->variant_arg, variants) < 0) {
			names_joined(variants, names, sizeof(names));
			evb_usage_error(o->prog, "--variant '%s' is not a variant of %s: %s",
					o->variant_arg, o->mech->name, names);
		}
		o->variant = o->variant_arg;
	}
	o->mode = evb_opt_word(o->prog, "--mode", o->mode_arg, o->modes);
	if (o->uring_setup_arg && !o->mech->uring)
		evb_usage_error(o->prog, "--uring-setup %s: mechanism %s has no io_uring instance",
				o->uring_setup_arg, o->mech->name);
}

void evb_driver_parse_done(struct evb_driver_opts *o, int argc, char **argv, bool list,
			   bool help, void (*usage)(const char *prog),
			   const struct evb_mech *const *registry, size_t nmechs,
			   int (*probe)(const struct evb_mech *mech, const char *variant,
					char *reason, size_t reason_len))
{
	if (optind < argc)
		evb_usage_error(o->prog, "unexpected argument '%s'", argv[optind]);
	if (help) {
		usage(o->prog);
		exit(EVB_EXIT_OK);
	}
	if (list) {
		evb_driver_list(registry, nmechs, probe);
		exit(EVB_EXIT_OK);
	}
	evb_driver_resolve(o, registry, nmechs);
}

void evb_driver_parse(const struct evb_driver_desc *d, struct evb_driver_opts *o, void *fopts,
		      int argc, char **argv)
{
	bool list = false, help = false;
	int opt;

	while ((opt = getopt_long(argc, argv, "", d->options, NULL)) != -1) {
		if (evb_driver_common_opt(o, opt, optarg, &list, &help))
			continue;
		if (!d->family_opt || !d->family_opt(fopts, opt, optarg))
			evb_usage_error(o->prog, "unknown option (see above)");
	}
	evb_driver_parse_done(o, argc, argv, list, help, d->usage, d->registry, d->nmechs,
			      d->probe);
}

int evb_driver_variant_index(const struct evb_driver_opts *o)
{
	int index = o->mech->variants ? evb_parse_word(o->variant, o->mech->variants) : 0;

	return index < 0 ? 0 : index;
}

/*
 * Variant v's traits, and for a mechanism on a ring the setups it takes:
 * every one, unless the variant's own traits name the setups a plan should
 * measure ("uring_setup=default,coop"; the driver still runs the others).
 */
static void list_traits(const struct evb_mech *mech, int v)
{
	const char *traits = mech->traits && mech->traits[v] ? mech->traits[v] : "";
	bool named = strstr(traits, "uring_setup=") != NULL;
	char words[320];
	struct evb_sb sb;

	evb_sb_init(&sb, words, sizeof(words));
	evb_sb_puts(&sb, traits);
	for (int i = 0; mech->uring && !named && evb_uring_setup_names[i]; i++)
		evb_sb_printf(&sb, "%s%s", i ? "," : traits[0] ? " uring_setup=" : "uring_setup=",
			      evb_uring_setup_names[i]);
	evb_csv_field(stdout, words);
}

void evb_driver_list(const struct evb_mech *const *registry, size_t nmechs,
		     evb_probe_fn probe)
{
	printf("mechanism,variant,supported,reason,summary,traits\n");
	for (size_t i = 0; i < nmechs; i++) {
		const struct evb_mech *mech = registry[i];
		static const char *const none[] = { "", NULL };
		const char *const *variants = mech->variants ? mech->variants : none;

		for (int v = 0; variants[v]; v++) {
			char reason[EVB_ROW_REASON] = "";
			int ret = probe(mech, variants[v], reason, sizeof(reason));

			evb_csv_field(stdout, mech->name);
			putchar(',');
			evb_csv_field(stdout, variants[v]);
			printf(",%s,", ret == 0 ? "yes" : "no");
			evb_csv_field(stdout, ret == 0 ? "" : reason);
			putchar(',');
			evb_csv_field(stdout, mech->summary);
			putchar(',');
			list_traits(mech, v);
			putchar('\n');
		}
	}
	fflush(stdout);
}

void evb_driver_row_init(const struct evb_driver_opts *o, struct evb_row *row)
{
	evb_row_init(row);
	evb_row_set(row, run_id, o->run_id);
	evb_row_set(row, family, o->family);
	evb_row_set(row, mechanism, o->mech->name);
	evb_row_set(row, variant, o->variant);
	evb_row_set(row, mode, o->modes[o->mode]);
	if (o->has_ipc)
		evb_row_set(row, ipc, evb_ipc_names[o->ipc]);
	evb_row_set(row, placement, evb_placement_names[o->placement]);
	if (o->mech->uring)
		evb_row_set(row, uring_setup, evb_uring_setup_names[o->uring_setup]);
	evb_row_set(row, status, EVB_STATUS_OK);
	row->rep = o->rep;
	row->clock_overhead_ns = evb_clock_overhead_ns();
}

static int write_hist_file(const struct evb_driver_opts *o, const struct evb_hist *hist)
{
	/* never through a link or into a FIFO left at the name */
	int ret = evb_open_regular(AT_FDCWD, o->hist_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	FILE *out = ret >= 0 ? fdopen(ret, "w") : NULL;

	if (!out) {
		if (ret >= 0) {
			close(ret);
			ret = -errno;
		}
		fprintf(stderr, "%s: --hist %s: %s\n", o->prog, o->hist_path, evb_open_why(ret));
		return ret;
	}
	ret = evb_hist_write_csv(hist, out);
	if (fclose(out) && !ret)
		ret = -errno;
	if (ret)
		fprintf(stderr, "%s: writing %s: %s\n", o->prog, o->hist_path, strerror(-ret));
	return ret;
}

int evb_driver_emit(const struct evb_driver_opts *o, const struct evb_row *row,
		    const struct evb_hist *hist)
{
	struct evb_row out = *row;

	/* a skipped row measured no ring (a probe's is not the run's) */
	if (o->mech && o->mech->uring && !out.uring_flags[0] &&
	    strcmp(out.status, EVB_STATUS_SKIPPED) != 0)
		evb_uring_flags_text(out.uring_flags, sizeof(out.uring_flags));
	if (o->hist_path && hist && hist->count)
		write_hist_file(o, hist);
	if (o->header)
		evb_row_write_header(stdout);
	if (evb_row_write(stdout, &out))
		return EVB_EXIT_FAILED;
	if (strcmp(row->status, EVB_STATUS_SKIPPED) == 0)
		return EVB_EXIT_UNSUPPORTED;
	if (strcmp(row->status, EVB_STATUS_OK) != 0)
		return EVB_EXIT_FAILED;
	return EVB_EXIT_OK;
}

int evb_driver_emit_once(const struct evb_driver_opts *o, const struct evb_row *row,
			 const struct evb_hist *hist, _Atomic int *emitted)
{
	if (atomic_exchange(emitted, 1))
		return EVB_EXIT_FAILED;
	return evb_driver_emit(o, row, hist);
}

void evb_side_errors_set(struct evb_side_errors *e, int side, const char *call, int err)
{
	if (e->error[side])
		return;
	e->error[side] = err;
	evb_strlcpy(e->failed_call[side], call, sizeof(e->failed_call[side]));
}

bool evb_side_errors_any(const struct evb_side_errors *e)
{
	return e->error[0] || e->error[1];
}

void evb_side_errors_reason(const struct evb_side_errors *e, struct evb_row *row,
			    const char *why, const char *progress)
{
	for (int side = 0; side < 2; side++) {
		if (!e->error[side])
			continue;
		evb_row_reason(row, "side %c: %s: %s", 'A' + side, e->failed_call[side],
			       strerror(-e->error[side]));
		return;
	}
	evb_row_reason(row, "%s%s%s (%s)", why, e->peer_reason[0] ? ": " : "", e->peer_reason,
		       progress);
}

void evb_driver_abandon(const struct evb_driver_opts *o, struct evb_row *row, int timed_out,
			_Atomic int *emitted)
{
	evb_row_set(row, status, timed_out ? EVB_STATUS_TIMEOUT : EVB_STATUS_FAILED);
	fprintf(stderr, "%s: %s\n", o->prog, row->reason);
	evb_driver_emit_once(o, row, NULL, emitted);
	_exit(EVB_EXIT_FAILED);
}

int evb_driver_skip(const struct evb_driver_opts *o, struct evb_row *row,
		    const char *reason)
{
	evb_row_set(row, status, EVB_STATUS_SKIPPED);
	evb_row_set(row, reason, reason);
	return evb_driver_emit(o, row, NULL);
}

int evb_driver_fail(const struct evb_driver_opts *o, struct evb_row *row,
		    const char *fmt, ...)
{
	va_list ap;

	evb_row_set(row, status, EVB_STATUS_FAILED);
	va_start(ap, fmt);
	vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", o->prog, row->reason);
	return evb_driver_emit(o, row, NULL);
}
