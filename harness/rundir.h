/*
 * rundir.h - where a run's files live, and the rule that none is ever
 * overwritten: a run directory is created with mkdir (atomic), never reused.
 *
 * Default name: <base>/<UTC yyyymmddThhmmssZ>-<host>-<kernel release>, with
 * -2, -3, ... appended if two runs start in the same second; <base>/latest
 * is a symlink to the newest.  With --out DIR the run goes exactly there,
 * and DIR must not exist yet (or be an empty directory of this user's that
 * neither group nor others may write: harness_rundir_check_own).
 */
#ifndef HARNESS_RUNDIR_H
#define HARNESS_RUNDIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A run directory's path leaves HARNESS_RUN_ROOM bytes of PATH_MAX for the
 * names of the files in it (hist/.<slug>.rep<N>.csv is the longest), so
 * every path inside a run that could be created fits.  A longer --out or
 * default name is refused with a message naming it.
 */
#define HARNESS_RUN_ROOM 256
#define HARNESS_RUN_DIR_MAX (PATH_MAX - 1 - HARNESS_RUN_ROOM)

/* 0, or -EEXIST (out exists and is not empty) / -EPERM (out is someone
 * else's, or others may write it) / -ENAMETOOLONG (longer than
 * HARNESS_RUN_DIR_MAX) / -errno, with error set. */
int harness_rundir_create(const char *base, const char *out, char *path, size_t len,
			  char *error, size_t error_len);
/*
 * Create a new directory: out when given (must not exist or be empty), else
 * stem, stem-2, stem-3, ... whichever does not exist yet.  0 or -errno with
 * error set.
 */
int harness_newdir(const char *out, const char *stem, char *path, size_t len, char *error,
		   size_t error_len);

/* Point <base>/latest at path (relative).  0 or -errno. */
int harness_rundir_link_latest(const char *base, const char *path);

/* 0, or -ENAMETOOLONG with error naming what (e.g. "--resume") and path
 * when path is longer than HARNESS_RUN_DIR_MAX. */
int harness_run_dir_check(const char *what, const char *path, char *error, size_t error_len);

/* A path inside a run directory: 0, or -ENAMETOOLONG (buf holds it cut). */
int harness_run_path(char *buf, size_t len, const char *run_dir, const char *name);

/* Is --help or -h among a command's arguments? */
bool harness_want_help(int argc, char **argv);
/* The one RUN argument of a command (summarize, plot): help printed and
 * exit 0 when asked, exit 2 unless it is a run directory (results.csv). */
const char *harness_run_arg(int argc, char **argv, const char *prog, const char *help);

#endif
