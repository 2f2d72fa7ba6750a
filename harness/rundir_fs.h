/*
 * rundir_fs.h - the files of a run directory, opened relative to it.
 *
 * A run directory may come from anyone (a guest, a tarball, another user's
 * home), and evbench often runs as root, so no name inside it is trusted:
 *   - the directory is opened once (harness_rundir_open: the path you gave
 *     may itself be a link, such as results/latest) and every file in it is
 *     reached from that descriptor, each component with O_NOFOLLOW;
 *   - a file read or appended to must be a regular file: a symbolic link,
 *     FIFO, device or directory is refused with its name, never read, and
 *     a FIFO cannot hang the open (evb_open_regular);
 *   - a file written whole is created under an unpredictable name,
 *     .<name>.XXXXXX, with O_EXCL, and renamed over <name> when complete
 *     (harness_rundir_create_tmp, harness_rundir_commit): a link or file
 *     someone left at either name is replaced, never written through;
 *   - a subdirectory (figures/, hist/, crosscheck/) is made with mkdirat and
 *     opened with O_DIRECTORY|O_NOFOLLOW.
 * Errors: 0 or -errno with error set to "<path>: <why>"; a refused file is
 * -ELOOP (symbolic link) or -EVB_ENOTREG (not a regular file).
 */
#ifndef HARNESS_RUNDIR_FS_H
#define HARNESS_RUNDIR_FS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

/* The run directory at path (O_DIRECTORY|O_CLOEXEC): a descriptor or -errno. */
int harness_rundir_open(const char *path, char *error, size_t error_len);

/*
 * Subdirectory name of dirfd (one component), made (0755) when create and
 * absent, opened O_DIRECTORY|O_NOFOLLOW: a descriptor or -errno.
 */
int harness_rundir_subdir(int dirfd, const char *name, bool create, char *error,
			  size_t error_len);

/*
 * The file name (may be "sub/file": each directory opened as above) under
 * dirfd with flags as for evb_open_regular (O_RDONLY, O_WRONLY|O_APPEND,
 * O_WRONLY|O_CREAT|O_EXCL...; mode 0644): a descriptor or -errno.
 */
int harness_rundir_open_file(int dirfd, const char *name, int flags, char *error,
			     size_t error_len);
/* The same as a stream ("r", "a", "r+" from flags); NULL with error set. */
FILE *harness_rundir_fopen(int dirfd, const char *name, int flags, char *error,
			   size_t error_len);
/* name read whole under dirfd, as above. */
FILE *harness_rundir_read_file(int dirfd, const char *name, char *error, size_t error_len);

/* A file being written under a temporary name, committed by renaming. */
struct harness_tmp {
	FILE *f;                      /* write here */
	int dirfd;                    /* the directory that holds it (owned) */
	char tmp[NAME_MAX + 1];       /* .<name>.XXXXXX */
	char name[NAME_MAX + 1];      /* its final name */
};

/* Create name's temporary file (name may be "sub/file"). */
int harness_rundir_create_tmp(struct harness_tmp *t, int dirfd, const char *name, char *error,
			      size_t error_len);
/* Close it and rename it over its name; on any failure it is removed. */
int harness_rundir_commit(struct harness_tmp *t, char *error, size_t error_len);
/* Close and remove it (a write that failed). */
void harness_rundir_discard(struct harness_tmp *t);

/*
 * Path-based convenience for a file directly in a run directory given by
 * its path (RUN/summary.csv): opens the directory (dirname, followed as
 * given) and creates the temporary file in it.
 */
int harness_rundir_create_tmp_at(struct harness_tmp *t, const char *path, char *error,
				 size_t error_len);

/*
 * --out DIR that exists already: refused unless it is a directory of this
 * user's (st_uid == geteuid()) that neither group nor others may write.
 * 0, or -EPERM with error naming the owner or mode.
 */
int harness_rundir_check_own(const char *what, int dirfd, const char *path, char *error,
			     size_t error_len);

#endif
