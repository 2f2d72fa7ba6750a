/* fuzz.c - the fuzz targets' shared kit; see fuzz.h. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

void fz_split(const uint8_t *data, size_t size, struct fz_parts *parts)
{
	size_t start = 0;

	parts->n = 0;
	for (size_t i = 0; i <= size && parts->n < FZ_MAX_PARTS; i++) {
		if (i < size && (data[i] != '\f' || parts->n == FZ_MAX_PARTS - 1))
			continue;
		parts->at[parts->n] = data + start;
		parts->len[parts->n++] = i - start;
		start = i + 1;
	}
}

static char fz_dir[] = "/tmp/evbench-fuzz.XXXXXX";

static void fz_cleanup(void)
{
	fz_empty(fz_dir);
	rmdir(fz_dir);
}

const char *fz_setup(void)
{
	static int done;
	int null;

	if (done)
		return fz_dir;
	done = 1;
	if (!mkdtemp(fz_dir) || atexit(fz_cleanup))
		abort();
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		abort();
	close(null);
	setenv("PATH", "/nonexistent", 1);   /* no gnuplot: figures are not drawn */
	return fz_dir;
}

void fz_write(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	FILE *f;

	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || (len && fwrite(data, len, 1, f) != 1) || fclose(f))
		abort();
}

void fz_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			fz_empty(path);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(d);
}

int fz_command(int (*fn)(int argc, char **argv), const char *const *argv)
{
	char *copy[16];
	int argc = 0;

	while (argv[argc] && argc < 15) {
		copy[argc] = strdup(argv[argc]);
		argc++;
	}
	copy[argc] = NULL;
	optind = 0;   /* glibc: getopt starts afresh */
	int ret = fn(argc, copy);

	fflush(stdout);
	for (int i = 0; i < argc; i++)
		free(copy[i]);
	return ret;
}
