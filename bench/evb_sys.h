/*
 * evb_sys.h - small system helpers every program shares: fd limits,
 * resource usage, shared memory, and reading one-line files.
 */
#ifndef EVB_SYS_H
#define EVB_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* --- RLIMIT_NOFILE ------------------------------------------------------ */

/* Raise the soft limit to the hard limit.  0 or -errno. */
int evb_nofile_raise(void);
/* Current soft and hard limits. */
void evb_nofile_get(int64_t *soft, int64_t *hard);
/*
 * Can this process hold `need` more descriptors (beyond those open now)?
 * 0, or -EMFILE with a reason naming the limit that refuses
 * ("RLIMIT_NOFILE hard limit 20000 < 200016 needed").
 */
int evb_nofile_check(int64_t need, char *reason, size_t reason_len);
/* Number of descriptors open in this process now. */
int64_t evb_fds_open(void);

/* --- resource usage ----------------------------------------------------- */

struct evb_usage {
	int64_t user_ns;
	int64_t sys_ns;
	int64_t max_rss_kb;
	int64_t vcsw;              /* voluntary context switches */
	int64_t ivcsw;             /* involuntary context switches */
	int64_t cpu_ns;            /* CLOCK_THREAD_CPUTIME_ID: the thread's
				      exact run time (user + system) */
};

/* Threads of the calling process now (/proc/self/status), or -errno. */
int evb_thread_count(void);

/* RUSAGE_THREAD of the calling thread (max_rss_kb is the process's). */
void evb_usage_thread(struct evb_usage *u);

/*
 * CPU time of the whole machine so far: every CPU's user, nice, system,
 * irq and softirq time from /proc/stat, in ns (not idle, iowait or steal).  Its resolution is
 * one clock tick (USER_HZ, 10 ms on most kernels) per CPU: a difference
 * over a run is meaningful only when the run is many ticks long.
 * 0, or -errno when /proc/stat cannot be read.
 */
int evb_machine_cpu_ns(int64_t *ns);
/*
 * The machine's CPU time between two evb_machine_cpu_ns readings, or
 * INT64_MIN (EVB_NA) when a reading is missing (INT64_MIN) or the window
 * is too short for that resolution: each CPU's count is floored to a tick,
 * so the difference can be off by one tick per online CPU, and it is kept
 * only when it holds at least EVB_MACHINE_CPU_MIN_TICKS ticks per CPU
 * (error <= 5%).  A loop of a few milliseconds reads 0 or 10 ms of CPU: a
 * figure of rounding, never one to divide by its events.
 */
#define EVB_MACHINE_CPU_MIN_TICKS 20
int64_t evb_machine_cpu_delta(int64_t before, int64_t after);
/*
 * The same for one CPU: its busy time (user, nice, system, irq, softirq)
 * from its "cpuN" line of /proc/stat, in ns.  It holds the interrupt and
 * softirq work that ran on that CPU whatever task it interrupted, which a
 * task's CPU clock leaves out on kernels with CONFIG_IRQ_TIME_ACCOUNTING
 * (loopback TCP's receive inside a send).  0, -ENOENT when the CPU has no
 * line (offline), or -errno.
 */
int evb_cpu_busy_ns(int cpu, int64_t *ns);
/*
 * The parse, of a /proc/stat text: cpu -1 is the machine's "cpu " line,
 * else "cpuN".  *ticks gets the busy ticks.  0, -ENOENT (no such line) or
 * -EINVAL (a short line).
 */
int evb_cpu_busy_parse(FILE *in, int cpu, int64_t *ticks);
/* Two readings' difference over ncpus CPUs, under evb_machine_cpu_delta's
 * rule (EVB_MACHINE_CPU_MIN_TICKS per CPU, else INT64_MIN). */
int64_t evb_cpu_busy_delta(int64_t before, int64_t after, long ncpus);
/*
 * Resident set size of this process now, in bytes: exact from
 * /proc/self/smaps_rollup (a page-table walk; statm's counters are per-CPU
 * approximations on recent kernels, off by pages), else from statm.
 */
int64_t evb_rss_bytes(void);

/*
 * A skipped row's reason for a kernel that lacks something: "<what>: needs
 * Linux <version>, this kernel is <release> (<strerror(err)>)" into reason.
 * Returns -ENOTSUP.
 */
int evb_needs_linux(char *reason, size_t len, const char *what, const char *version, int err);

/* --- shared memory ------------------------------------------------------ */

/* Zeroed MAP_SHARED anonymous memory that survives fork(); NULL on failure. */
void *evb_shared_alloc(size_t size);
void evb_shared_free(void *mem, size_t size);

/* --- small files -------------------------------------------------------- */

/*
 * First line of a file without its newline.  0, or -errno (buf becomes "").
 */
int evb_read_line(const char *path, char *buf, size_t len);
/* A file that holds one integer.  0 or -errno / -EINVAL. */
int evb_read_i64(const char *path, int64_t *value);

/*
 * Open a regular file that may sit among files someone else put there (a
 * run directory): openat(dirfd, name) with O_NOFOLLOW, O_CLOEXEC, O_NOCTTY
 * and, while opening, O_NONBLOCK (a FIFO neither blocks the open nor, being
 * refused, a read), then fstat.  flags are the access mode and O_CREAT,
 * O_EXCL, O_APPEND, O_TRUNC as needed; mode is for O_CREAT.  Only the last
 * component of name is never followed.  A descriptor in blocking mode, or
 * -ELOOP (a symbolic link), -EVB_ENOTREG (not a regular file: a FIFO, a
 * device, a directory) or another -errno.  evb_open_why names the refusal.
 */
#define EVB_ENOTREG EMEDIUMTYPE
int evb_open_regular(int dirfd, const char *name, int flags, unsigned mode);
/* The same for path's last component in a directory that is no link
 * either (RUN/hist/x.csv: hist must not be a link; RUN may be one). */
int evb_open_regular_in(const char *path, int flags, unsigned mode);
/* What evb_open_regular's -errno means, for a message after the file's name. */
const char *evb_open_why(int err);

/*
 * Read a /proc/<pid>[/task/<tid>]/stat file open at fd (from offset 0) into
 * buf and point *fields at what follows "pid (comm)": " S ppid ...", the
 * state first (comm may hold ')' and spaces, so it is cut at the last ')').
 * 0, or -errno / -EIO (empty) / -EINVAL (no ')').
 */
int evb_proc_stat_fields(int fd, char *buf, size_t len, const char **fields);

/* --- strings ----------------------------------------------------------- */

/* Copy src (NULL: "") into dst of size bytes, truncating, always terminated. */
void evb_strlcpy(char *dst, const char *src, size_t size);

/* FNV-1a of a string: the hash of the harness's cell tables. */
unsigned evb_str_hash(const char *s);
/*
 * snprintf into buf that says when it cut: 0 when the whole text fit,
 * -ENAMETOOLONG when it did not (buf then holds the text cut short, for a
 * message).  For paths, slugs and names, which must never be cut silently.
 */
int evb_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* --- descriptors -------------------------------------------------------- */

/* Is fd readable right now (poll with timeout 0)?  1, 0, or -errno. */
int evb_fd_readable(int fd);
/*
 * Wait up to timeout_ns (ppoll, nanosecond timeout; < 0 forever) for fd to
 * become readable.  1 readable, 0 timed out or interrupted, -errno.
 */
int evb_fd_wait_readable(int fd, int64_t timeout_ns);
/* Add 1 to an eventfd / read it; 0 or -errno.  Used for stop signals. */
int evb_eventfd_post(int fd);
int evb_eventfd_take(int fd, uint64_t *value);

#endif
