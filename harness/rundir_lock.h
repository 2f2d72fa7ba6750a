/*
 * rundir_lock.h - two runs at once disturb each other's figures, and two
 * processes appending to one run directory would duplicate its rows.
 *
 * A lock is a file held with flock(LOCK_EX) for as long as the run lasts;
 * it holds the holder's pid, boot id, run directory, start time (seconds
 * since the epoch) and command line, one a line, for the message the next
 * run prints.  That message names the pid the kernel says holds the lock
 * (/proc/locks) and its command line, and falls back on the file's text.
 * The file may sit in a directory every user can write to: it is opened
 * with O_NOFOLLOW (a symbolic link is refused), must be a regular file with
 * one link, and is rewritten only when this user owns it.  The kernel drops the lock when the holder dies,
 * even of SIGKILL, so a lock that can be taken is never stale.
 *
 * The machine-wide lock is $EVB_LOCK_FILE when set (tests), otherwise
 * evbench.lock in the first writable of /run/lock, $XDG_RUNTIME_DIR, /tmp.
 * Each run directory has its own, RUN/run.lock.
 */
#ifndef HARNESS_RUNDIR_LOCK_H
#define HARNESS_RUNDIR_LOCK_H

#include <stddef.h>

struct harness_lock {
	int fd;                 /* -1: not held */
	int ours;               /* the file is this user's: the note may rewrite it */
	long long since;        /* when it was taken, seconds since the epoch */
};

/*
 * Take the lock at path without waiting and record this process and
 * run_dir in it.  0; -EWOULDBLOCK when another process holds it, with
 * holder set to "<run dir> (pid N, command: C, since T)"; -ELOOP (a
 * symbolic link), -EINVAL (not a regular file), -EMLINK (more than one
 * link) or another -errno when the file is refused or cannot be opened,
 * with holder set to why.
 */
int harness_lock_take(struct harness_lock *l, const char *path, const char *run_dir,
		      char *holder, size_t holder_len);
/* Record run_dir in a held lock (once the directory has its name).  0 or -errno. */
int harness_lock_note(struct harness_lock *l, const char *run_dir);
void harness_lock_release(struct harness_lock *l);

/* Path of the machine-wide lock (see above). */
void harness_lock_machine_path(char *buf, size_t len);

/* This boot's id (/proc/sys/kernel/random/boot_id), "" when unreadable. */
void harness_boot_id(char *buf, size_t len);

#endif
