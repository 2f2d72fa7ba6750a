/* rundir.c - creating run directories without ever reusing one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "evb_cli.h"
#include "evb_sys.h"
#include "rundir.h"
#include "rundir_fs.h"

int harness_run_path(char *buf, size_t len, const char *run_dir, const char *name)
{
	return evb_fmt(buf, len, "%s/%s", run_dir, name);
}

/* A run directory must leave room for the files in it. */
int harness_run_dir_check(const char *what, const char *path, char *error, size_t error_len)
{
	size_t n = strlen(path);

	if (n <= HARNESS_RUN_DIR_MAX)
		return 0;
	snprintf(error, error_len, "%s %.80s...: %zu characters, longer than the %d a run "
		 "directory may have (PATH_MAX %d less %d for the files in it)", what, path, n,
		 HARNESS_RUN_DIR_MAX, PATH_MAX, HARNESS_RUN_ROOM);
	return -ENAMETOOLONG;
}

static int dir_is_empty(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;
	int empty = 1;

	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
			empty = 0;
	closedir(dir);
	return empty;
}

static int mkdir_parents(const char *path)
{
	char buf[PATH_MAX];

	if (evb_fmt(buf, sizeof(buf), "%s", path))
		return -ENAMETOOLONG;
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* --out DIR: exactly there, new or empty. */
static int create_exact(const char *out, char *path, size_t len, char *error, size_t error_len)
{
	int ret = harness_run_dir_check("--out", out, error, error_len);

	if (ret)
		return ret;
	if (evb_fmt(path, len, "%s", out)) {
		snprintf(error, error_len, "--out %.80s...: longer than %zu bytes", out, len - 1);
		return -ENAMETOOLONG;
	}
	ret = mkdir_parents(path);
	if (ret == 0 && mkdir(path, 0755) == 0)
		return 0;
	if (ret == 0)
		ret = -errno;
	if (ret == -EEXIST && dir_is_empty(path)) {
		int dirfd = harness_rundir_open(path, error, error_len);

		if (dirfd < 0)
			return dirfd;
		ret = harness_rundir_check_own("--out", dirfd, out, error, error_len);
		close(dirfd);
		return ret;
	}

	snprintf(error, error_len, "--out %s: %s", out,
		 ret == -EEXIST ? "already exists and is not empty; evbench never "
				  "overwrites a run (choose a new directory)"
				: strerror(-ret));
	return ret;
}

/* stem, stem-2, ...: the first that mkdir creates. */
static int create_numbered(const char *stem, char *path, size_t len, char *error,
			   size_t error_len)
{
	for (int n = 1; n < 1000; n++) {
		int ret = n == 1 ? evb_fmt(path, len, "%s", stem) : evb_fmt(path, len, "%s-%d", stem, n);

		if (ret) {
			snprintf(error, error_len, "run directory %.80s...: longer than %zu bytes",
				 stem, len - 1);
			return ret;
		}
		ret = harness_run_dir_check("run directory", path, error, error_len);
		if (ret)
			return ret;
		if (mkdir(path, 0755) == 0)
			return 0;
		if (errno != EEXIST) {
			ret = -errno;
			snprintf(error, error_len, "%s: %s", path, strerror(errno));
			return ret;
		}
	}
	snprintf(error, error_len, "%s: too many directories of that name", stem);
	return -EEXIST;
}

int harness_newdir(const char *out, const char *stem, char *path, size_t len, char *error,
		   size_t error_len)
{
	if (out)
		return create_exact(out, path, len, error, error_len);
	int ret = mkdir_parents(stem);

	if (ret) {
		snprintf(error, error_len, "%s: %s", stem, strerror(-ret));
		return ret;
	}
	return create_numbered(stem, path, len, error, error_len);
}

int harness_rundir_create(const char *base, const char *out, char *path, size_t len,
			  char *error, size_t error_len)
{
	if (out)
		return create_exact(out, path, len, error, error_len);

	struct utsname uts;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	uname(&uts);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (mkdir(base, 0755) && errno != EEXIST) {
		int ret = -errno;

		snprintf(error, error_len, "%s: %s", base, strerror(errno));
		return ret;
	}
	char stem[PATH_MAX];

	if (evb_fmt(stem, sizeof(stem), "%s/%s-%s-%s", base, stamp, uts.nodename, uts.release)) {
		snprintf(error, error_len, "run directory %s/%s-%s-%s: longer than a path may be",
			 base, stamp, uts.nodename, uts.release);
		return -ENAMETOOLONG;
	}
	return create_numbered(stem, path, len, error, error_len);
}

int harness_rundir_link_latest(const char *base, const char *path)
{
	char link[PATH_MAX], tmp[PATH_MAX];
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	if (evb_fmt(link, sizeof(link), "%s/latest", base) ||
	    evb_fmt(tmp, sizeof(tmp), "%s/.latest.%d", base, (int)getpid()))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (symlink(name, tmp))
		return -errno;
	if (rename(tmp, link)) {
		int ret = -errno;

		unlink(tmp);
		return ret;
	}
	return 0;
}

bool harness_want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

const char *harness_run_arg(int argc, char **argv, const char *prog, const char *help)
{
	char path[PATH_MAX], error[300];
	int fd;

	if (harness_want_help(argc, argv)) {
		printf("%s", help);
		exit(0);
	}
	if (argc != 2)
		evb_usage_error(prog, "expected one argument: a run directory");
	if (harness_run_dir_check("RUN", argv[1], error, sizeof(error)))
		evb_usage_error(prog, "%s", error);
	harness_run_path(path, sizeof(path), argv[1], "results.csv");
	fd = evb_open_regular(AT_FDCWD, path, O_RDONLY, 0);
	if (fd == -ENOENT)
		evb_usage_error(prog, "%s is not a run directory (%s: %s)", argv[1], path,
				strerror(ENOENT));
	if (fd < 0)
		evb_usage_error(prog, "%s: %s", path, evb_open_why(fd));
	close(fd);
	return argv[1];
}
