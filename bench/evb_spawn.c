/* evb_spawn.c - fork/exec with a timeout and output capture; see evb_spawn.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_clock.h"
#include "evb_spawn.h"
#include "evb_sys.h"

struct errbuf {
	char line[4096];
	size_t len;
};

static void err_flush_line(struct errbuf *eb, const struct evb_spawn_opts *opts,
			   struct evb_spawn_result *res)
{
	eb->line[eb->len] = '\0';
	if (eb->len) {
		evb_strlcpy(res->last_err, eb->line, sizeof(res->last_err));
		if (opts->on_stderr)
			opts->on_stderr(opts->arg, eb->line);
	}
	eb->len = 0;
}

static void err_feed(struct errbuf *eb, const char *data, size_t n,
		     const struct evb_spawn_opts *opts, struct evb_spawn_result *res)
{
	for (size_t i = 0; i < n; i++) {
		if (data[i] == '\n' || eb->len == sizeof(eb->line) - 1) {
			err_flush_line(eb, opts, res);
			if (data[i] == '\n')
				continue;
		}
		eb->line[eb->len++] = data[i];
	}
}

static int out_feed(struct evb_spawn_result *res, size_t *cap, const char *data, size_t n)
{
	if (res->out_len + n > EVB_SPAWN_OUT_MAX) {
		res->out_truncated = 1;
		n = EVB_SPAWN_OUT_MAX - res->out_len;
	}
	if (res->out_len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap : 4096);
		char *out;

		while (ncap < res->out_len + n + 1)
			ncap *= 2;
		out = realloc(res->out, ncap);
		if (!out)
			return -ENOMEM;
		res->out = out;
		*cap = ncap;
	}
	memcpy(res->out + res->out_len, data, n);
	res->out_len += n;
	res->out[res->out_len] = '\0';
	return 0;
}

static void child_exec(char *const argv[], int out_fd, int err_fd, int report_fd)
{
	int err;

	/* Its own group, led by itself: a timeout kills this group and no other. */
	if (setpgid(0, 0))
		goto fail;
	/* The harness blocks signals it handles itself; the driver starts clean. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		goto fail;
	execv(argv[0], argv);
fail:
	err = errno;
	if (write(report_fd, &err, sizeof(err)) < 0) {
		/* nothing left to tell */
	}
	_exit(127);
}

/* Where the child is and how its end is seen. */
struct child {
	pid_t pid;
	int exit_fd;    /* pidfd: readable once the child has exited; -1: poll waitpid */
	int reaped;
	int status;
	int open_pipes;   /* its stdout and stderr, until they close */
};

/* A pidfd for pid (Linux 5.3), or -1 where the kernel has none. */
static int child_exit_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

/* Reap the child if it has exited; never blocks. */
static void child_check(struct child *ch)
{
	pid_t got;

	if (ch->reaped)
		return;
	do
		got = waitpid(ch->pid, &ch->status, WNOHANG);
	while (got < 0 && errno == EINTR);
	ch->reaped = got == ch->pid || (got < 0 && errno == ECHILD);
}

/* Without a pidfd, an exited child is looked for this often (ms). */
#define CHILD_POLL_MS 10

static int poll_timeout_ms(int64_t deadline, const struct child *ch)
{
	int timeout_ms = -1;

	if (deadline) {
		int64_t left = deadline - evb_now_ns();

		timeout_ms = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
	}
	if (!ch->open_pipes && ch->exit_fd < 0 && (timeout_ms < 0 || timeout_ms > CHILD_POLL_MS))
		timeout_ms = CHILD_POLL_MS;
	return timeout_ms;
}

/* Read what is ready on the output pipes; closes and clears a pipe at its end. */
static void read_pipes(struct pollfd *fds, int *open_pipes, const struct evb_spawn_opts *opts,
		       struct evb_spawn_result *res, size_t *out_cap, struct errbuf *eb)
{
	for (int i = 0; i < 2; i++) {
		char buf[8192];
		ssize_t got;

		if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		got = read(fds[i].fd, buf, sizeof(buf));
		if (got <= 0) {
			close(fds[i].fd);
			fds[i].fd = -1;
			(*open_pipes)--;
			continue;
		}
		if (i == 0)
			out_feed(res, out_cap, buf, (size_t)got);
		else
			err_feed(eb, buf, (size_t)got, opts, res);
	}
}

/*
 * Read the child's stdout and stderr until both close and the child has
 * exited, the deadline passes (res->end = TIMEOUT) or cancel_fd is readable
 * (CANCELED); then close them.  A child that closed its output is still
 * waited for with the deadline.  0, or -errno when poll fails.
 */
static int collect(int out_fd, int err_fd, const struct evb_spawn_opts *opts, int64_t start,
		   struct child *ch, struct evb_spawn_result *res, struct errbuf *eb)
{
	size_t out_cap = 0;
	int ret = 0;
	struct pollfd fds[4] = {
		{ .fd = out_fd, .events = POLLIN },
		{ .fd = err_fd, .events = POLLIN },
		{ .fd = opts->cancel_fd, .events = POLLIN },
		{ .fd = ch->exit_fd, .events = POLLIN },
	};
	int64_t deadline = opts->timeout_ns > 0 ? start + opts->timeout_ns : 0;

	res->end = EVB_SPAWN_EXITED;
	ch->open_pipes = 2;
	while (ch->open_pipes > 0 || !ch->reaped) {
		int n = poll(fds, 4, poll_timeout_ms(deadline, ch));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (deadline && evb_now_ns() >= deadline) {
			res->end = EVB_SPAWN_TIMEOUT;
			break;
		}
		if (opts->cancel_fd >= 0 && (fds[2].revents & POLLIN)) {
			res->end = EVB_SPAWN_CANCELED;
			break;
		}
		read_pipes(fds, &ch->open_pipes, opts, res, &out_cap, eb);
		if (ch->exit_fd < 0 || fds[3].revents)
			child_check(ch);
		if (ch->reaped)
			fds[3].fd = -1;
	}
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	return ret;
}

int evb_spawn(char *const argv[], const struct evb_spawn_opts *opts,
	      struct evb_spawn_result *res)
{
	int out_pipe[2], err_pipe[2], report[2];
	struct errbuf eb = { .len = 0 };
	int64_t start = evb_now_ns();
	int ret = 0, exec_errno = 0;
	struct child ch = { .exit_fd = -1 };
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(out_pipe, O_CLOEXEC))
		return -errno;
	if (pipe2(err_pipe, O_CLOEXEC)) {
		ret = -errno;
		goto err_close_out;
	}
	if (pipe2(report, O_CLOEXEC)) {   /* carries execv's errno, closes on success */
		ret = -errno;
		goto err_close_err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		goto err_close_report;
	}
	if (pid == 0)
		child_exec(argv, out_pipe[1], err_pipe[1], report[1]);
	setpgid(pid, pid);   /* also here, so the group exists before any kill */
	close(out_pipe[1]);
	close(err_pipe[1]);
	close(report[1]);
	if (read(report[0], &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
		waitpid(pid, NULL, 0);
		snprintf(res->last_err, sizeof(res->last_err), "cannot run %s: %s", argv[0],
			 strerror(exec_errno));
		close(report[0]);
		close(out_pipe[0]);
		close(err_pipe[0]);
		return -exec_errno;
	}
	close(report[0]);

	ch.pid = pid;
	ch.exit_fd = child_exit_fd(pid);
	ret = collect(out_pipe[0], err_pipe[0], opts, start, &ch, res, &eb);
	/* The group this function created, only; once the child is reaped its
	 * group lives on only while a member still holds the output pipes. */
	if ((res->end == EVB_SPAWN_TIMEOUT || res->end == EVB_SPAWN_CANCELED || ret) &&
	    (!ch.reaped || ch.open_pipes))
		kill(-pid, SIGKILL);
	if (ch.exit_fd >= 0)
		close(ch.exit_fd);
	while (!ch.reaped && waitpid(pid, &ch.status, 0) < 0 && errno == EINTR)
		;
	err_flush_line(&eb, opts, res);
	if (res->end == EVB_SPAWN_EXITED) {
		if (WIFSIGNALED(ch.status)) {
			res->end = EVB_SPAWN_SIGNALED;
			res->term_signal = WTERMSIG(ch.status);
		} else {
			res->exit_status = WEXITSTATUS(ch.status);
		}
	}
	if (!res->out && !(res->out = calloc(1, 1)))
		ret = -ENOMEM;
	res->wall_ns = evb_now_ns() - start;
	return ret;

err_close_report:
	close(report[0]);
	close(report[1]);
err_close_err:
	close(err_pipe[0]);
	close(err_pipe[1]);
err_close_out:
	close(out_pipe[0]);
	close(out_pipe[1]);
	return ret;
}

void evb_spawn_result_free(struct evb_spawn_result *res)
{
	free(res->out);
	res->out = NULL;
}
