/*
 * harness.h - evbench's commands and what they share: finding the drivers
 * and plot scripts, asking a driver what it can run.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stddef.h>
#include <stdio.h>

#include "plan.h"

#define HARNESS_PROG "evbench"
/* evbench run --round K/R: R at most this (evbench vm --rounds). */
#define HARNESS_MAX_ROUNDS 16

/* Where the drivers are: $EVB_DRIVER_DIR, else the directory of evbench. */
void harness_bin_dir(char *buf, size_t len);
/* Where the gnuplot scripts are: $EVB_PLOTS_DIR, else the source tree's plots/. */
void harness_plots_dir(char *buf, size_t len);
/* Where bundle.sh and the evbench vm scripts are: $EVB_SCRIPTS_DIR (a
 * bundle's scripts/), else the source tree's scripts/. */
void harness_scripts_dir(char *buf, size_t len);
/* What evbench bundle packs and evbench vm runs: a bundle's root when this
 * evbench runs from one ($EVB_BUNDLE_ROOT, set by its run script), else the
 * directory of evbench and its drivers. */
void harness_pack_dir(char *buf, size_t len);
/* Path of a family's driver; -ENOENT when it is not built. */
int harness_driver_path(const struct harness_family *family, char *buf, size_t len);
/* The family named name, or NULL. */
const struct harness_family *harness_family_find(const char *name);

/*
 * Run `driver --list` and parse it.  0 with *mechs (free() it), or -errno
 * with error set.
 */
int harness_list_mechs(const char *driver, struct harness_mech **mechs, size_t *n,
		       char *error, size_t error_len);

/*
 * Ask the family's driver what it has (--list) and append the family's cells
 * for req.  0; -ENOENT when the driver is not built (said on stderr); -errno.
 */
int harness_plan_family(struct harness_plan *plan, const struct harness_family *family,
			const struct harness_plan_req *req);

/* Render a run's figures from its summary.csv and results.csv. */
/* cancel_fd: readable means stop now (-EINTR); -1: run to the end. */
int harness_render_figures(const char *run_dir, FILE *log, int cancel_fd);

int harness_cmd_run(int argc, char **argv);
int harness_cmd_list(int argc, char **argv);
int harness_cmd_env(int argc, char **argv);
int harness_cmd_summarize(int argc, char **argv);
int harness_cmd_plot(int argc, char **argv);
int harness_cmd_compare(int argc, char **argv);
int harness_cmd_report(int argc, char **argv);
int harness_cmd_crosscheck(int argc, char **argv);
int harness_cmd_vm(int argc, char **argv);
int harness_cmd_bundle(int argc, char **argv);

/* Write RUN/crosscheck.csv, or RUN/crosscheck-<UTC time>.csv when that exists
 * (see crosscheck.c), for the cells of family (NULL: every family); csv_path
 * gets the file's path.  0, -EINTR when cancel_fd became readable (nothing
 * written), or -errno with error set. */
int harness_crosscheck(const char *run_dir, const char *family, FILE *log, int cancel_fd,
		       char *csv_path, size_t csv_len, char *error, size_t len);

#endif
