/*
 * evb_spawn.h - run one program with a time limit and collect its output.
 *
 * fork + execv (never a shell).  The child makes itself the leader of its
 * own process group (setpgid in the child, before exec), so that on a
 * timeout we can SIGKILL exactly the group we created (the driver and any
 * peer it forked) and nothing else.  The deadline covers the child's whole
 * life: one that closes stdout and stderr and keeps running is still killed
 * at timeout_ns (its exit is watched through a pidfd, or waitpid(WNOHANG)
 * every 10 ms on kernels without one).  stdout is collected in memory
 * (bounded); stderr lines go to a callback as they come (the harness writes
 * them to run.log) and the last one is kept for failure reasons.  A cancel
 * fd (e.g. a signalfd for SIGINT) ends the wait early: the child is killed.
 */
#ifndef EVB_SPAWN_H
#define EVB_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#define EVB_SPAWN_OUT_MAX (256 * 1024)

enum evb_spawn_end {
	EVB_SPAWN_EXITED,      /* exit_status is valid */
	EVB_SPAWN_SIGNALED,    /* term_signal is valid */
	EVB_SPAWN_TIMEOUT,     /* killed after timeout_ns */
	EVB_SPAWN_CANCELED,    /* killed because cancel_fd became readable */
};

struct evb_spawn_result {
	enum evb_spawn_end end;
	int exit_status;
	int term_signal;
	char *out;             /* stdout, NUL-terminated; free() it */
	size_t out_len;
	int out_truncated;
	char last_err[512];    /* last non-empty stderr line */
	int64_t wall_ns;
};

typedef void (*evb_spawn_line_fn)(void *arg, const char *line);

struct evb_spawn_opts {
	int64_t timeout_ns;           /* <= 0: none */
	int cancel_fd;                /* -1: none */
	evb_spawn_line_fn on_stderr;  /* may be NULL */
	void *arg;
};

/*
 * Run argv[0] (a path) with argv.  Returns 0 when the program ran (see
 * res->end), or -errno when it could not be started (res->last_err says why).
 */
int evb_spawn(char *const argv[], const struct evb_spawn_opts *opts,
	      struct evb_spawn_result *res);
void evb_spawn_result_free(struct evb_spawn_result *res);

#endif
