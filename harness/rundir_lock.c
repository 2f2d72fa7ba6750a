/* rundir_lock.c - one run at a time; see rundir_lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "evb_sys.h"
#include "evb_text.h"
#include "rundir_lock.h"

void harness_boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

void harness_lock_machine_path(char *buf, size_t len)
{
	const char *env = getenv("EVB_LOCK_FILE");
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *dirs[] = { "/run/lock", runtime && *runtime ? runtime : NULL, "/tmp" };

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (dirs[i] && access(dirs[i], W_OK | X_OK) == 0) {
			snprintf(buf, len, "%s/evbench.lock", dirs[i]);
			return;
		}
	}
	snprintf(buf, len, "/tmp/evbench.lock");
}

/* The pid holding an flock on fd's file, from /proc/locks; 0 when not found. */
static long flock_holder(int fd)
{
	struct stat st;
	char line[256];
	long found = 0;
	FILE *locks;

	if (fstat(fd, &st) || !(locks = fopen("/proc/locks", "r")))
		return 0;
	while (!found && fgets(line, sizeof(line), locks)) {
		unsigned int maj, min;
		unsigned long ino;
		long pid;

		if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%lu", &pid, &maj, &min, &ino) == 4 &&
		    maj == major(st.st_dev) && min == minor(st.st_dev) && ino == st.st_ino)
			found = pid;
	}
	fclose(locks);
	return found;
}

/* A process's command line, arguments joined by spaces; "" when unreadable. */
static void command_of(long pid, char *buf, size_t len)
{
	char path[64];
	size_t n;
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

/* The next line of a lock file's text ("" past its end). */
static const char *next_line(char **cursor)
{
	char *line = *cursor, *end = strchr(line, '\n');

	if (!end) {
		*cursor = line + strlen(line);
		return line;
	}
	*end = '\0';
	*cursor = end + 1;
	return line;
}

/*
 * "<run dir> (pid N, command C, since T)": the pid that holds the flock
 * (/proc/locks) and its command line, else what the holder wrote (pid,
 * boot id, run dir, start time, command lines); since: its start time,
 * else the file's last change.
 */
static void describe_holder(int fd, char *holder, size_t len)
{
	char text[4800] = "", *cursor = text, cmd[512], since[64] = "";
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	const char *pid, *dir, *started, *noted_cmd;
	long real_pid = flock_holder(fd);
	struct stat st;
	time_t t = 0;
	struct tm tm;

	text[n > 0 ? n : 0] = '\0';
	pid = next_line(&cursor);
	next_line(&cursor);   /* boot id */
	dir = next_line(&cursor);
	started = next_line(&cursor);
	noted_cmd = next_line(&cursor);
	command_of(real_pid, cmd, sizeof(cmd));
	if (!cmd[0] || !real_pid)
		snprintf(cmd, sizeof(cmd), "%s", noted_cmd);
	if (started[0])
		t = (time_t)strtoll(started, NULL, 10);
	else if (fstat(fd, &st) == 0)
		t = st.st_mtime;
	if (t > 0 && gmtime_r(&t, &tm))
		strftime(since, sizeof(since), "%Y-%m-%d %H:%M:%S UTC", &tm);
	char pid_text[32];

	if (real_pid)
		snprintf(pid_text, sizeof(pid_text), "%ld", real_pid);
	else
		snprintf(pid_text, sizeof(pid_text), "%.20s", pid[0] ? pid : "unknown");
	snprintf(holder, len, "%s (pid %s%s%s%s%s)", dir[0] ? dir : "a run directory not yet named",
		 pid_text, cmd[0] ? ", command: " : "", cmd, since[0] ? ", since " : "", since);
	evb_printable(holder);   /* a holder's command line is not ours */
}

/* This process's command line for the lock file, one line. */
static void own_command(char *buf, size_t len)
{
	command_of((long)getpid(), buf, len);
	evb_printable(buf);
}

int harness_lock_note(struct harness_lock *l, const char *run_dir)
{
	char text[4800], boot[64], cmd[512];
	int n;

	if (!l->ours)
		return 0;   /* another user's file: held, never rewritten */
	harness_boot_id(boot, sizeof(boot));
	own_command(cmd, sizeof(cmd));
	n = snprintf(text, sizeof(text), "%d\n%s\n%s\n%lld\n%s\n", (int)getpid(), boot, run_dir,
		     (long long)l->since, cmd);
	if (n >= (int)sizeof(text))
		n = (int)sizeof(text) - 1;
	if (ftruncate(l->fd, 0))
		return errno == EBADF || errno == EINVAL ? 0 : -errno;   /* read-only: no note */
	return pwrite(l->fd, text, (size_t)n, 0) == n ? 0 : -errno;
}

/*
 * Open the lock file: never through a symbolic link, never blocking on a
 * FIFO, and only a regular file with one link.  why says what was refused.
 */
static int open_lock_file(struct harness_lock *l, const char *path, char *why, size_t len)
{
	const int flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int ret = 0;

	l->fd = open(path, O_RDWR | O_CREAT | flags, 0644);
	if (l->fd < 0 && errno == EACCES)   /* another user's lock file: still lockable */
		l->fd = open(path, O_RDONLY | flags);
	if (l->fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s", ret == -ELOOP ? "a symbolic link, refused" : strerror(-ret));
		return ret;
	}
	if (fstat(l->fd, &st)) {
		ret = -errno;
		snprintf(why, len, "%s", strerror(-ret));
	} else if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(why, len, "not a regular file, refused");
	} else if (st.st_nlink != 1) {
		ret = -EMLINK;
		snprintf(why, len, "%lu hard links, refused (a lock file has one)",
			 (unsigned long)st.st_nlink);
	}
	if (ret) {
		close(l->fd);
		l->fd = -1;
		return ret;
	}
	l->ours = st.st_uid == geteuid();
	return 0;
}

int harness_lock_take(struct harness_lock *l, const char *path, const char *run_dir,
		      char *holder, size_t holder_len)
{
	int ret = open_lock_file(l, path, holder, holder_len);

	if (ret)
		return ret;
	if (flock(l->fd, LOCK_EX | LOCK_NB)) {
		ret = -errno;
		if (ret == -EWOULDBLOCK)
			describe_holder(l->fd, holder, holder_len);
		else
			snprintf(holder, holder_len, "%s", strerror(-ret));
		close(l->fd);
		l->fd = -1;
		return ret;
	}
	l->since = time(NULL);
	/* Who holds it is only for the next run's message: not worth failing over. */
	(void)harness_lock_note(l, run_dir);
	return 0;
}

void harness_lock_release(struct harness_lock *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
