/* evb_sys.c - fd limits, rusage, shared memory, small files; see evb_sys.h. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "evb_sys.h"

unsigned evb_str_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void evb_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len;

	if (!size)
		return;
	if (!src)
		src = "";
	len = strnlen(src, size - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
}

int evb_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < len ? 0 : -ENAMETOOLONG;
}

int evb_nofile_raise(void)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim))
		return -errno;
	if (lim.rlim_cur == lim.rlim_max)
		return 0;
	lim.rlim_cur = lim.rlim_max;
	return setrlimit(RLIMIT_NOFILE, &lim) ? -errno : 0;
}

void evb_nofile_get(int64_t *soft, int64_t *hard)
{
	struct rlimit lim = { 0 };

	getrlimit(RLIMIT_NOFILE, &lim);
	*soft = lim.rlim_cur == RLIM_INFINITY ? INT64_MAX : (int64_t)lim.rlim_cur;
	*hard = lim.rlim_max == RLIM_INFINITY ? INT64_MAX : (int64_t)lim.rlim_max;
}

int64_t evb_fds_open(void)
{
	DIR *dir = opendir("/proc/self/fd");
	int64_t count = 0;

	if (!dir)
		return 3;
	while (readdir(dir))
		count++;
	closedir(dir);
	return count - 3;   /* ".", ".." and the directory's own fd */
}

int evb_nofile_check(int64_t need, char *reason, size_t reason_len)
{
	int64_t soft, hard, total = need + evb_fds_open();

	evb_nofile_get(&soft, &hard);
	if (total > hard) {
		snprintf(reason, reason_len, "RLIMIT_NOFILE hard limit %lld < %lld needed",
			 (long long)hard, (long long)total);
		return -EMFILE;
	}
	if (total > soft) {
		snprintf(reason, reason_len,
			 "RLIMIT_NOFILE soft limit %lld < %lld needed (raise it to the hard limit %lld)",
			 (long long)soft, (long long)total, (long long)hard);
		return -EMFILE;
	}
	return 0;
}

int evb_thread_count(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int threads = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &threads) == 1)
			break;
	fclose(f);
	return threads;
}

void evb_usage_thread(struct evb_usage *u)
{
	struct rusage ru = { 0 };
	struct timespec cpu = { 0 };

	getrusage(RUSAGE_THREAD, &ru);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
	u->cpu_ns = (int64_t)cpu.tv_sec * 1000000000LL + cpu.tv_nsec;
	u->user_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000LL + ru.ru_utime.tv_usec * 1000LL;
	u->sys_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000LL + ru.ru_stime.tv_usec * 1000LL;
	u->max_rss_kb = ru.ru_maxrss;
	u->vcsw = ru.ru_nvcsw;
	u->ivcsw = ru.ru_nivcsw;
}

int evb_cpu_busy_parse(FILE *in, int cpu, int64_t *ticks)
{
	char line[512], name[32];

	if (cpu < 0)
		snprintf(name, sizeof(name), "cpu ");
	else
		snprintf(name, sizeof(name), "cpu%d ", cpu);
	while (fgets(line, sizeof(line), in)) {
		unsigned long long user, nice, sys, idle, iowait, irq, softirq;

		if (strncmp(line, name, strlen(name)) != 0)
			continue;
		/* guest time is already inside user; idle and iowait are not
		 * work, and steal is the host running someone else */
		if (sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu", &user, &nice,
			   &sys, &idle, &iowait, &irq, &softirq) != 7)
			return -EINVAL;
		*ticks = (int64_t)(user + nice + sys + irq + softirq);
		return 0;
	}
	return -ENOENT;
}

int evb_cpu_busy_ns(int cpu, int64_t *ns)
{
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	int64_t ticks;
	int ret;

	if (!f)
		return -errno;
	ret = evb_cpu_busy_parse(f, cpu, &ticks);
	fclose(f);
	if (!ret && hz <= 0)
		ret = -EINVAL;
	if (!ret)
		*ns = ticks * (1000000000LL / hz);
	return ret;
}

int64_t evb_cpu_busy_delta(int64_t before, int64_t after, long ncpus)
{
	long hz = sysconf(_SC_CLK_TCK);

	if (before == INT64_MIN || after == INT64_MIN || hz <= 0 || ncpus <= 0)
		return INT64_MIN;
	if (after - before < EVB_MACHINE_CPU_MIN_TICKS * ncpus * (1000000000LL / hz))
		return INT64_MIN;
	return after - before;
}

int evb_machine_cpu_ns(int64_t *ns)
{
	return evb_cpu_busy_ns(-1, ns);
}

int64_t evb_machine_cpu_delta(int64_t before, int64_t after)
{
	return evb_cpu_busy_delta(before, after, sysconf(_SC_NPROCESSORS_ONLN));
}

int64_t evb_rss_bytes(void)
{
	long long size, resident = -1, kb = -1;
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	while (f && kb < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "Rss: %lld kB", &kb) != 1)
			kb = -1;
	if (f)
		fclose(f);
	if (kb >= 0)
		return kb * 1024;
	f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lld %lld", &size, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * sysconf(_SC_PAGESIZE);
}

void *evb_shared_alloc(size_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return mem == MAP_FAILED ? NULL : mem;
}

void evb_shared_free(void *mem, size_t size)
{
	if (mem)
		munmap(mem, size);
}

int evb_proc_stat_fields(int fd, char *buf, size_t len, const char **fields)
{
	ssize_t n = pread(fd, buf, len - 1, 0);
	const char *paren;

	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	if (!paren)
		return -EINVAL;
	*fields = paren + 1;
	return 0;
}

int evb_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f)) {
		int ret = ferror(f) ? -EIO : 0;

		fclose(f);
		return ret;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int evb_open_regular(int dirfd, const char *name, int flags, unsigned mode)
{
	struct stat st;
	int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
			(mode_t)mode);
	int ret;

	if (fd < 0)
		return errno == ENXIO ? -EVB_ENOTREG : -errno;   /* ENXIO: a FIFO without a reader */
	if (fstat(fd, &st)) {
		ret = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EVB_ENOTREG;
		goto err_close;
	}
	if (fcntl(fd, F_SETFL, flags & O_APPEND)) {   /* blocking again */
		ret = -errno;
		goto err_close;
	}
	return fd;
err_close:
	close(fd);
	return ret;
}

int evb_open_regular_in(const char *path, int flags, unsigned mode)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	int dirfd, fd;

	if (!slash)
		return evb_open_regular(AT_FDCWD, path, flags, mode);
	if (evb_fmt(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path))
		return -ENAMETOOLONG;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	fd = evb_open_regular(dirfd, slash + 1, flags, mode);
	close(dirfd);
	return fd;
}

const char *evb_open_why(int err)
{
	if (err == -ELOOP)
		return "a symbolic link, refused (evbench never follows one in a run directory)";
	if (err == -EVB_ENOTREG)
		return "not a regular file (a FIFO, device or directory), refused";
	return strerror(-err);
}

int evb_read_i64(const char *path, int64_t *value)
{
	char line[64], *end;
	int ret = evb_read_line(path, line, sizeof(line));

	if (ret)
		return ret;
	errno = 0;
	*value = strtoll(line, &end, 10);
	return (end == line || errno) ? -EINVAL : 0;
}

int evb_fd_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, 0);

	if (n < 0)
		return -errno;
	return n > 0 && (pfd.revents & POLLIN);
}

int evb_fd_wait_readable(int fd, int64_t timeout_ns)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts = {
		.tv_sec = timeout_ns / 1000000000LL,
		.tv_nsec = timeout_ns % 1000000000LL,
	};
	int n = ppoll(&pfd, 1, timeout_ns < 0 ? NULL : &ts, NULL);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n > 0;
}

int evb_eventfd_post(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int evb_eventfd_take(int fd, uint64_t *value)
{
	return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -errno;
}

int evb_needs_linux(char *reason, size_t len, const char *what, const char *version, int err)
{
	struct utsname un;

	if (uname(&un))
		snprintf(un.release, sizeof(un.release), "unknown");
	snprintf(reason, len, "%s: needs Linux %s, this kernel is %s (%s)", what, version,
		 un.release, strerror(err));
	return -ENOTSUP;
}
