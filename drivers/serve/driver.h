/*
 * driver.h - evb-serve's own parts around the family's interface (serve.h):
 * the command line (opts.c), one run's state (main.c) and its row (row.c).
 */
#ifndef SERVE_DRIVER_H
#define SERVE_DRIVER_H

#include "evb_sides.h"
#include "serve.h"

struct serve_opts {
	struct evb_driver_opts common;
	struct serve_cfg cfg;           /* all but the CPUs and the port */
	char rate_text[32];             /* the rate axis: "20000" or "30%" */
	bool slo_given;                 /* --slo-ns was on the command line */
	bool seed_given;                /* --seed was */
};

extern const char *const serve_mode_names[];

/* Parse argv into opts; exits 2 naming a bad option and value. */
void serve_parse(int argc, char **argv, struct serve_opts *opts);

/* One run of the driver, main.c's. */
struct serve_run {
	const struct serve_opts *opts;
	const struct serve_ops *ops;
	struct serve_cfg cfg;           /* opts->cfg with the CPUs and the port */
	struct serve_shared *sh;
	struct serve_srv srv;
	int listen_fd;
	struct evb_usage server_usage;  /* the whole process, over serve() */
	double rss_bytes_per_fd;        /* NAN: not measured */
	double slab_bytes_per_fd;
	char slab_note[160];            /* why slab_bytes_per_fd is empty */
	struct evb_sides sides;         /* watchdog, the client (side B), the one row */
};

/* The row's identity: the driver's, the metric and serve's axes. */
void serve_row_axes(const struct serve_run *r, struct evb_row *row);

/*
 * The row of a run that served to the end: figures from the client's
 * counts and window (r->sh) and the server's, then the checks; the row is
 * failed when a count is off.
 */
void serve_fill_row(const struct serve_run *r, struct evb_row *row);

#endif
