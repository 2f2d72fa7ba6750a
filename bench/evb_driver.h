/*
 * evb_driver.h - what the drivers (evb-notify, evb-mux, evb-timer, evb-serve)
 * share: the mechanism base struct and registry lookup, the common options,
 * --list, and writing the one result row.
 *
 * The driver contract (docs/design.md, "Driver contract"):
 *   stdout  exactly one CSV row (after the header with --header)
 *   exit    0 ok, 1 runtime failure (row status=failed when possible),
 *           2 usage error (message on stderr, no row), 3 unsupported here
 *           (row status=skipped with the reason)
 */
#ifndef EVB_DRIVER_H
#define EVB_DRIVER_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "evb_hist.h"
#include "evb_peer.h"
#include "evb_placement.h"
#include "evb_row.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define EVB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	EVB_EXIT_OK = 0,
	EVB_EXIT_FAILED = 1,
	EVB_EXIT_USAGE = 2,
	EVB_EXIT_UNSUPPORTED = 3,
};

/*
 * First member of every family's ops table.  The registry of a driver is an
 * array of pointers to these; container_of() gets the family's ops back.
 */
struct evb_mech {
	const char *name;
	const char *summary;
	const char *const *variants;   /* NULL-terminated, first is the default;
					  NULL when the mechanism has none */
	/*
	 * What a plan needs to know of each variant (index as in variants; [0]
	 * when there are none), as "key=value" words separated by spaces, e.g.
	 * mux's "cost=edge".  --list prints it as its last column; the harness
	 * reads it instead of naming mechanisms.  NULL: nothing to say.
	 */
	const char *const *traits;
	/*
	 * It runs on an io_uring instance (evb_uring.h): it takes
	 * --uring-setup, its rows carry the uring_setup axis, and --list adds
	 * "uring_setup=default,coop,defer" to each variant's traits (unless
	 * the variant's traits name the setups to plan themselves).
	 */
	bool uring;
};

/* Parsed common options; read-only after parsing. */
struct evb_driver_opts {
	const char *prog;
	const char *family;
	const char *const *modes;       /* the family's mode names */
	const struct evb_mech *mech;
	const char *variant;            /* "" when the mechanism has none */
	int mode;                       /* index into modes */
	enum evb_ipc ipc;
	enum evb_placement placement;
	int64_t iterations;
	int64_t warmup;
	const char *hist_path;
	bool header;
	const char *run_id;
	int64_t rep;
	bool has_ipc;                   /* the family has an ipc axis (default) */
	int uring_setup;                /* enum evb_uring_setup, for a mech->uring */
	int64_t timeout_ns;             /* watchdog deadline for the run; 0: none */
	/* what the command line said, before resolution */
	const char *mech_arg;
	const char *variant_arg;
	const char *mode_arg;
	const char *uring_setup_arg;
};

/* Long options every driver takes; ids start at EVB_OPT_COMMON. */
enum {
	EVB_OPT_COMMON = 0x100,
	EVB_OPT_MECHANISM = EVB_OPT_COMMON,
	EVB_OPT_VARIANT,
	EVB_OPT_MODE,
	EVB_OPT_IPC,
	EVB_OPT_PLACEMENT,
	EVB_OPT_ITERATIONS,
	EVB_OPT_WARMUP,
	EVB_OPT_HIST,
	EVB_OPT_HEADER,
	EVB_OPT_LIST,
	EVB_OPT_RUN_ID,
	EVB_OPT_REP,
	EVB_OPT_HELP,
	EVB_OPT_TIMEOUT,
	EVB_OPT_URING_SETUP,            /* only in drivers with io_uring mechanisms */
	EVB_OPT_FAMILY = 0x200,         /* first id for a driver's own options */
};

#define EVB_DRIVER_LONG_OPTIONS                                             \
	{ "mechanism", required_argument, NULL, EVB_OPT_MECHANISM },        \
	{ "variant", required_argument, NULL, EVB_OPT_VARIANT },            \
	{ "mode", required_argument, NULL, EVB_OPT_MODE },                  \
	{ "ipc", required_argument, NULL, EVB_OPT_IPC },                    \
	{ "placement", required_argument, NULL, EVB_OPT_PLACEMENT },        \
	{ "iterations", required_argument, NULL, EVB_OPT_ITERATIONS },      \
	{ "warmup", required_argument, NULL, EVB_OPT_WARMUP },              \
	{ "hist", required_argument, NULL, EVB_OPT_HIST },                  \
	{ "header", no_argument, NULL, EVB_OPT_HEADER },                    \
	{ "list", no_argument, NULL, EVB_OPT_LIST },                        \
	{ "run-id", required_argument, NULL, EVB_OPT_RUN_ID },              \
	{ "rep", required_argument, NULL, EVB_OPT_REP },                    \
	{ "help", no_argument, NULL, EVB_OPT_HELP },                        \
	{ "timeout", required_argument, NULL, EVB_OPT_TIMEOUT }

/* Help text for the common options, for each driver's --help. */
extern const char evb_driver_common_help[];

/*
 * --uring-setup, for the long options of a driver with io_uring mechanisms
 * (evb-mux, evb-serve, evb-timer), and its help text.  A value other than
 * default, coop or defer exits 2, as does the option given to a mechanism
 * without a ring.
 */
#define EVB_DRIVER_URING_OPTION \
	{ "uring-setup", required_argument, NULL, EVB_OPT_URING_SETUP }
extern const char evb_driver_uring_help[];

/* Defaults: thread, cross-cpu, 10000 iterations, 1000 warmup, rep 1. */
void evb_driver_opts_init(struct evb_driver_opts *o, const char *prog, const char *family,
			  const char *const *modes);

/*
 * Handle one common option.  Returns true when it was one; exits 2 on a bad
 * value.  --list and --help are recorded, acted on by the driver.
 */
bool evb_driver_common_opt(struct evb_driver_opts *o, int opt, const char *arg,
			   bool *list, bool *help);

/*
 * After parsing: resolve --mechanism against the registry, --variant against
 * the mechanism's variants (default: the first), --mode against the modes.
 * Exits 2 naming what is wrong.
 */
void evb_driver_resolve(struct evb_driver_opts *o, const struct evb_mech *const *registry,
			size_t nmechs);

/*
 * Everything after a driver's option loop: reject stray arguments (exit 2),
 * print help or the list and exit 0, otherwise resolve (see above).
 */
void evb_driver_parse_done(struct evb_driver_opts *o, int argc, char **argv, bool list,
			   bool help, void (*usage)(const char *prog),
			   const struct evb_mech *const *registry, size_t nmechs,
			   int (*probe)(const struct evb_mech *mech, const char *variant,
					char *reason, size_t reason_len));

/* What a driver tells evb_driver_parse about itself. */
struct evb_driver_desc {
	const struct option *options;   /* EVB_DRIVER_LONG_OPTIONS, then the
					   family's; NULL-terminated */
	/* One of the family's own options into fopts; false when it is none. */
	bool (*family_opt)(void *fopts, int opt, const char *arg);
	void (*usage)(const char *prog);
	const struct evb_mech *const *registry;
	size_t nmechs;
	int (*probe)(const struct evb_mech *mech, const char *variant, char *reason,
		     size_t reason_len);
};

/* A driver's evb_driver_desc: its options, handlers and registry array. */
#define EVB_DRIVER_DESC(options_, family_opt_, usage_, registry_, probe_)  \
	{ .options = (options_), .family_opt = (family_opt_), .usage = (usage_), \
	  .registry = (registry_), .nmechs = EVB_ARRAY_SIZE(registry_),       \
	  .probe = (probe_) }

/*
 * The option loop of every driver: the common options into o (already
 * initialised and given the family's defaults), the family's through
 * d->family_opt into fopts, anything else exits 2; then
 * evb_driver_parse_done.
 */
void evb_driver_parse(const struct evb_driver_desc *d, struct evb_driver_opts *o, void *fopts,
		      int argc, char **argv);

/* Variant index of the resolved variant (0 when the mechanism has none). */
int evb_driver_variant_index(const struct evb_driver_opts *o);

/*
 * --list: one CSV line per mechanism x variant:
 *   mechanism,variant,supported,reason,summary,traits
 * probe() tells whether the variant can run on this machine at all.
 */
typedef int (*evb_probe_fn)(const struct evb_mech *mech, const char *variant,
			    char *reason, size_t reason_len);
void evb_driver_list(const struct evb_mech *const *registry, size_t nmechs,
		     evb_probe_fn probe);

/* A row with run_id, family, mechanism, variant, mode, ipc, placement, rep. */
void evb_driver_row_init(const struct evb_driver_opts *o, struct evb_row *row);

/*
 * Print the row (and the header first with --header), write the histogram
 * file when --hist was given and the row has samples, and return the exit
 * status its status calls for.
 */
int evb_driver_emit(const struct evb_driver_opts *o, const struct evb_row *row,
		    const struct evb_hist *hist);

/*
 * evb_driver_emit for runs where a watchdog thread may also want to write
 * the row: whoever comes first writes it, the other gets EVB_EXIT_FAILED.
 * emitted lives where both see it (shared memory for process peers).
 */
int evb_driver_emit_once(const struct evb_driver_opts *o, const struct evb_row *row,
			 const struct evb_hist *hist, _Atomic int *emitted);

/*
 * How the two sides of a run (A, B) failed; lives where both see it (shared
 * memory when B is a process).  The first failure of each side is kept.
 */
struct evb_side_errors {
	int error[2];              /* -errno per side, 0 while fine */
	char failed_call[2][160];
	char peer_reason[128];     /* how a process peer ended (evb_peer_join) */
};

void evb_side_errors_set(struct evb_side_errors *e, int side, const char *call, int err);
bool evb_side_errors_any(const struct evb_side_errors *e);
/*
 * The reason of a run that did not finish: "side A: call: error" for the
 * first side that failed, else why, how the peer ended, and progress.
 */
void evb_side_errors_reason(const struct evb_side_errors *e, struct evb_row *row,
			    const char *why, const char *progress);

/*
 * The watchdog's end of a run (see evb_watchdog.h): status timeout when the
 * deadline passed, else failed; the reason already in row is said on stderr;
 * the one row is written (unless main got there first); the process exits 1,
 * which also ends a process peer.
 */
noreturn void evb_driver_abandon(const struct evb_driver_opts *o, struct evb_row *row,
				 int timed_out, _Atomic int *emitted);

/*
 * The end of a run, the same in every driver (evb_driver_run.c): exactly
 * one row leaves the process, from main (evb_driver_end_emit) or from the
 * watchdog (evb_driver_end_fire, its fire callback with this as arg).  A
 * family says where its run keeps these and how far a run got.
 */
struct evb_driver_end {
	const struct evb_driver_opts *opts;
	const struct evb_row *row;         /* main's row: the watchdog writes a copy */
	const struct evb_hist *hist;       /* --hist's samples; NULL: none */
	struct evb_side_errors *errors;    /* NULL: the family has no sides */
	_Atomic int *emitted;              /* where a process peer sees it too */
	/* "A did 5, B did 4 of 10": how far the run got, for a failed row. */
	void (*progress)(const void *arg, char *buf, size_t len);
	const void *arg;
};

/* evb_driver_emit_once of row with end's options, histogram and flag. */
int evb_driver_end_emit(const struct evb_driver_end *end, const struct evb_row *row);
/*
 * The reason of a run that did not finish: the sides' errors when there
 * are any (evb_side_errors_reason), else "why (progress)".
 */
void evb_driver_end_reason(const struct evb_driver_end *end, struct evb_row *row,
			   const char *why);
/* evb_watchdog's fire callback: the reason, then evb_driver_abandon. */
void evb_driver_end_fire(void *end, int timed_out, const char *why);

/* Where the sides ran: the cpus column (evb_cpus_format) and cpu_distance,
 * how far apart its two CPUs are (evb_topology.h; "" for one side or none). */
void evb_driver_row_cpus(struct evb_row *row, const struct evb_cpus *cpus);
/* Context switches per operation of side a and (unless NULL) b; none if ops <= 0. */
void evb_driver_row_switches(struct evb_row *row, const struct evb_usage *a,
			     const struct evb_usage *b, double ops);
/* Peak RSS of this process, plus its children's (a process peer) when asked. */
void evb_driver_row_rss(struct evb_row *row, bool children);
/* d = now - before, field by field. */
void evb_driver_usage_delta(struct evb_usage *d, const struct evb_usage *now,
			    const struct evb_usage *before);

/* Mark the row skipped with a reason, emit it, return 3. */
int evb_driver_skip(const struct evb_driver_opts *o, struct evb_row *row,
		    const char *reason);
/* Mark the row failed with a reason, emit it, return 1. */
int evb_driver_fail(const struct evb_driver_opts *o, struct evb_row *row,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
