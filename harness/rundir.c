/* rundir.c - creating run directories without ever reusing one. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "rundir.h"

void harness_run_path(char *buf, size_t len, const char *run_dir, const char *name)
{
	snprintf(buf, len, "%s/%s", run_dir, name);
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
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
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
	snprintf(path, len, "%s", out);
	if (mkdir_parents(path) == 0 && mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST && dir_is_empty(path))
		return 0;
	int ret = -errno;

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
		if (n == 1)
			snprintf(path, len, "%s", stem);
		else
			snprintf(path, len, "%s-%d", stem, n);
		if (mkdir(path, 0755) == 0)
			return 0;
		if (errno != EEXIST) {
			int ret = -errno;

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
	if (mkdir_parents(stem)) {
		int ret = -errno;

		snprintf(error, error_len, "%s: %s", stem, strerror(errno));
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
	char stem[4096];

	snprintf(stem, sizeof(stem), "%s/%s-%s-%s", base, stamp, uts.nodename, uts.release);
	return create_numbered(stem, path, len, error, error_len);
}

int harness_rundir_link_latest(const char *base, const char *path)
{
	char link[4096], tmp[4096];
	const char *name = strrchr(path, '/');

	name = name ? name + 1 : path;
	snprintf(link, sizeof(link), "%s/latest", base);
	snprintf(tmp, sizeof(tmp), "%s/.latest.%d", base, (int)getpid());
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
