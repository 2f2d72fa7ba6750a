/* rundir_fs.c - a run directory's files, relative to its descriptor; see rundir_fs.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evb_sys.h"
#include "rundir_fs.h"

int harness_rundir_open(const char *path, char *error, size_t error_len)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fd = -errno;
		snprintf(error, error_len, "%s: %s", path, strerror(errno));
	}
	return fd;
}

static int open_dir(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int harness_rundir_subdir(int dirfd, const char *name, bool create, char *error,
			  size_t error_len)
{
	int fd;

	if (create && mkdirat(dirfd, name, 0755) && errno != EEXIST) {
		fd = -errno;
		goto err;
	}
	fd = open_dir(dirfd, name);
	if (fd >= 0)
		return fd;
err:
	snprintf(error, error_len, "%s/: %s", name, fd == -ELOOP || fd == -ENOTDIR
		 ? "not a directory (a symbolic link or a file), refused" : strerror(-fd));
	return fd;
}

/*
 * The directory that holds name (its components before the last, each
 * opened O_NOFOLLOW), as a new descriptor; *base points at the last
 * component.  -EINVAL for an absolute name, a ".." or an empty component.
 */
static int parent_of(int dirfd, const char *name, const char **base)
{
	char part[NAME_MAX + 1];
	const char *p = name, *slash;
	int fd = dirfd == AT_FDCWD ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
				   : fcntl(dirfd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	while ((slash = strchr(p, '/'))) {
		size_t n = (size_t)(slash - p);
		int next;

		if (n == 0 || n > NAME_MAX || (n == 2 && !strncmp(p, "..", 2))) {
			close(fd);
			return -EINVAL;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		next = open_dir(fd, part);
		close(fd);
		if (next < 0)
			return next;
		fd = next;
		p = slash + 1;
	}
	if (!*p || !strcmp(p, "..") || strlen(p) > NAME_MAX) {
		close(fd);
		return -EINVAL;
	}
	*base = p;
	return fd;
}

int harness_rundir_open_file(int dirfd, const char *name, int flags, char *error,
			     size_t error_len)
{
	const char *base;
	int parent = parent_of(dirfd, name, &base);
	int fd = parent;

	if (parent >= 0) {
		fd = evb_open_regular(parent, base, flags, 0644);
		close(parent);
	}
	if (fd < 0) {
		snprintf(error, error_len, "%s: %s", name, evb_open_why(fd));
		errno = -fd;
	}
	return fd;
}

FILE *harness_rundir_fopen(int dirfd, const char *name, int flags, char *error,
			   size_t error_len)
{
	int fd = harness_rundir_open_file(dirfd, name, flags, error, error_len);
	const char *mode = (flags & O_ACCMODE) == O_RDONLY ? "r"
			 : (flags & O_APPEND) ? "a" : (flags & O_ACCMODE) == O_RDWR ? "r+" : "w";
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, mode);
	if (!f) {
		snprintf(error, error_len, "%s: %s", name, strerror(errno));
		close(fd);
	}
	return f;
}

FILE *harness_rundir_read_file(int dirfd, const char *name, char *error, size_t error_len)
{
	return harness_rundir_fopen(dirfd, name, O_RDONLY, error, error_len);
}

/* .<base>.XXXXXX with six random letters or digits. */
static int tmp_name(char *buf, size_t len, const char *base)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];
	char suffix[sizeof(rnd) + 1];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	for (size_t i = 0; i < sizeof(rnd); i++)
		suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	suffix[sizeof(rnd)] = '\0';
	return evb_fmt(buf, len, ".%s.%s", base, suffix);
}

int harness_rundir_create_tmp(struct harness_tmp *t, int dirfd, const char *name, char *error,
			      size_t error_len)
{
	const char *base;
	int ret, fd;

	memset(t, 0, sizeof(*t));
	t->dirfd = parent_of(dirfd, name, &base);
	if (t->dirfd < 0) {
		ret = t->dirfd;
		goto err;
	}
	snprintf(t->name, sizeof(t->name), "%s", base);
	for (int tries = 0;; tries++) {
		ret = tmp_name(t->tmp, sizeof(t->tmp), base);
		if (ret)
			goto err_close;
		fd = evb_open_regular(t->dirfd, t->tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd >= 0)
			break;
		ret = fd;
		if (ret != -EEXIST || tries == 10)
			goto err_close;
	}
	t->f = fdopen(fd, "w");
	if (t->f)
		return 0;
	ret = -errno;
	close(fd);
	unlinkat(t->dirfd, t->tmp, 0);
err_close:
	close(t->dirfd);
err:
	snprintf(error, error_len, "%s: %s", name, evb_open_why(ret));
	t->dirfd = -1;
	return ret;
}

int harness_rundir_commit(struct harness_tmp *t, char *error, size_t error_len)
{
	int ret = 0;

	errno = 0;
	if (ferror(t->f) | fclose(t->f))
		ret = errno ? -errno : -EIO;
	t->f = NULL;
	if (!ret && renameat(t->dirfd, t->tmp, t->dirfd, t->name))
		ret = -errno;
	if (ret) {
		snprintf(error, error_len, "%s: %s", t->name, strerror(-ret));
		unlinkat(t->dirfd, t->tmp, 0);
	}
	close(t->dirfd);
	t->dirfd = -1;
	return ret;
}

void harness_rundir_discard(struct harness_tmp *t)
{
	if (t->f)
		fclose(t->f);
	t->f = NULL;
	if (t->dirfd >= 0) {
		unlinkat(t->dirfd, t->tmp, 0);
		close(t->dirfd);
	}
	t->dirfd = -1;
}

int harness_rundir_create_tmp_at(struct harness_tmp *t, const char *path, char *error,
				 size_t error_len)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dirfd, ret;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (evb_fmt(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path),
			 path)) {
		snprintf(error, error_len, "%s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	dirfd = harness_rundir_open(dir, error, error_len);
	if (dirfd < 0)
		return dirfd;
	ret = harness_rundir_create_tmp(t, dirfd, slash ? slash + 1 : path, error, error_len);
	close(dirfd);
	if (ret)
		snprintf(error, error_len, "%s: %s", path, evb_open_why(ret));
	return ret;
}

int harness_rundir_check_own(const char *what, int dirfd, const char *path, char *error,
			     size_t error_len)
{
	struct stat st;

	if (fstat(dirfd, &st)) {
		snprintf(error, error_len, "%s %s: %s", what, path, strerror(errno));
		return -errno;
	}
	if (st.st_uid != geteuid()) {
		snprintf(error, error_len, "%s %s: owned by uid %u, not by you (uid %u): evbench "
			 "writes a run only into a directory of its user's", what, path,
			 (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(error, error_len, "%s %s: mode %04o lets %s write in it: evbench writes "
			 "a run only into a directory no one else may change (chmod go-w)", what,
			 path, (unsigned)(st.st_mode & 07777),
			 st.st_mode & S_IWOTH ? "everyone" : "its group");
		return -EPERM;
	}
	return 0;
}
