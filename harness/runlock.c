/* runlock.c - one run at a time; see runlock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "evb_sys.h"
#include "runlock.h"

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

/* "<run dir> (pid N)" from a lock file's text: pid, boot id, run dir lines. */
static void describe_holder(int fd, char *holder, size_t len)
{
	char text[4200] = "", *pid, *dir, *save = NULL;
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);

	text[n > 0 ? n : 0] = '\0';
	pid = strtok_r(text, "\n", &save);
	strtok_r(NULL, "\n", &save);
	dir = strtok_r(NULL, "\n", &save);
	snprintf(holder, len, "%s (pid %s)", dir ? dir : "a run directory not yet named",
		 pid ? pid : "unknown");
}

int harness_lock_note(struct harness_lock *l, const char *run_dir)
{
	char text[4200], boot[64];
	int n;

	harness_boot_id(boot, sizeof(boot));
	n = snprintf(text, sizeof(text), "%d\n%s\n%s\n", (int)getpid(), boot, run_dir);
	if (ftruncate(l->fd, 0))
		return errno == EBADF || errno == EINVAL ? 0 : -errno;   /* read-only: no note */
	return pwrite(l->fd, text, (size_t)n, 0) == n ? 0 : -errno;
}

int harness_lock_take(struct harness_lock *l, const char *path, const char *run_dir,
		      char *holder, size_t holder_len)
{
	int ret;

	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (l->fd < 0 && errno == EACCES)   /* another user's lock file: still lockable */
		l->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0)
		return -errno;
	if (flock(l->fd, LOCK_EX | LOCK_NB)) {
		ret = -errno;
		if (ret == -EWOULDBLOCK)
			describe_holder(l->fd, holder, holder_len);
		close(l->fd);
		l->fd = -1;
		return ret;
	}
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
