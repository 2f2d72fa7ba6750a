/*
 * rundir.h - where a run's files live, and the rule that none is ever
 * overwritten: a run directory is created with mkdir (atomic), never reused.
 *
 * Default name: <base>/<UTC yyyymmddThhmmssZ>-<host>-<kernel release>, with
 * -2, -3, ... appended if two runs start in the same second; <base>/latest
 * is a symlink to the newest.  With --out DIR the run goes exactly there,
 * and DIR must not exist yet (or be an empty directory).
 */
#ifndef HARNESS_RUNDIR_H
#define HARNESS_RUNDIR_H

#include <stddef.h>

/* 0, or -EEXIST (out exists and is not empty) / -errno, with error set. */
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

/* A path inside a run directory. */
void harness_run_path(char *buf, size_t len, const char *run_dir, const char *name);

#endif
