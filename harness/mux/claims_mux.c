/*
 * claims_mux.c - the multiplexing claims: select/poll O(n) against epoll
 * O(1), the published select/poll/epoll table, memory per fd, and io_uring
 * against epoll.  Every cell names every axis (the mux family leaves
 * period_ns .. load empty; register has no active axis).
 */
#include "claims.h"
#include "family.h"

#define MUX(mode_, mech, var, ipc_, where, fds, nfds_, active_, threads_) \
	{ .family = "mux", .mechanism = mech, .variant = var, .mode = mode_, .ipc = ipc_, \
	  .placement = where, .fd_type = fds, .nfds = nfds_, .active = active_, \
	  .threads = threads_ }
/* One wait call with timeout 0 over nfds eventfds, one of them ready, in a
 * single-threaded process. */
#define SCAN(mech, var, nfds) \
	MUX("scan", mech, var, "thread", "same-cpu", "eventfd", nfds, "1", "1")
/* The seed-table cells: tcp loopback pairs, clients in another process. */
#define SEED(mech, var, nfds, active) \
	MUX("scan", mech, var, "process", "same-cpu", "tcp", nfds, active, "1")
/* Register nfds_ eventfds: memory per registered fd (the claim's 10,000: REG). */
#define REG_AT(mech, var, nfds_) \
	MUX("register", mech, var, "thread", "same-cpu", "eventfd", nfds_, NULL, NULL)
#define REG(mech, var) REG_AT(mech, var, "10000")
/* An event loop over 1,000 eventfds, 100 kept busy by a writer on another CPU. */
#define LOOP(mech, var) \
	MUX("loop", mech, var, "thread", "cross-cpu", "eventfd", "1000", "100", NULL)
/* The same loop over an io_uring ring set up as setup_ (default, defer). */
#define URING_LOOP(var, setup_) \
	{ .family = "mux", .mechanism = "io_uring", .variant = var, .mode = "loop", \
	  .ipc = "thread", .placement = "cross-cpu", .fd_type = "eventfd", .nfds = "1000", \
	  .active = "100", .uring_setup = setup_ }

static const struct claim_test scaling_tests[] = {
	{ .what = "scan p50, poll at 10,000 fds / poll at 1,000", .figure = "p50",
	  .num = SCAN("poll", NULL, "10000"), .den = SCAN("poll", NULL, "1000"),
	  .side = CLAIM_AT_LEAST, .threshold = 5.0 },
	{ .what = "scan p50, epoll/lt at 10,000 fds / epoll/lt at 1,000", .figure = "p50",
	  .num = SCAN("epoll", "lt", "10000"), .den = SCAN("epoll", "lt", "1000"),
	  .side = CLAIM_AT_MOST, .threshold = 1.5 },
};

static const struct claim scaling = {
	.text = "select/poll scan O(n); epoll O(1) in registered fds.",
	.test = "one wait call with timeout 0, 1 fd ready, at 1,000 and 10,000 registered "
		"eventfds: O(n) = at least 5x the time for 10x the fds, O(1) = at most 1.5x",
	.tests = scaling_tests,
	.ntests = CLAIM_COUNT(scaling_tests),
};

static const struct claim_test seed_tests[] = {
	{ .what = "scan p50 at 10,000 tcp fds, 1,000 ready, poll / epoll/lt", .figure = "p50",
	  .num = SEED("poll", NULL, "10000", "1000"), .den = SEED("epoll", "lt", "10000", "1000"),
	  .side = CLAIM_AT_LEAST, .threshold = 10.0 },
	{ .what = "the same at 1,000 tcp fds, 100 ready (published 16x)", .figure = "p50",
	  .num = SEED("poll", NULL, "1000", "100"), .den = SEED("epoll", "lt", "1000", "100"),
	  .side = CLAIM_NO_THRESHOLD },
};

static const struct claim seed_table = {
	.text = "Published table, 10% active: 1,000 fds select 15.2 ms, poll 12.8, epoll 0.8; "
		"10,000: select 180, poll 150, epoll 1.2; 100,000: select FAILED, poll 2800, "
		"epoll 8.5.",
	.test = "the same cells over tcp loopback pairs (seed-table preset or standard "
		"profile), one wait call each; the shape holds when epoll beats poll by at least "
		"10x at 10,000 fds, as the published 125x does; absolute values are not "
		"comparable: the published milliseconds are not one call",
	.tests = seed_tests,
	.ntests = CLAIM_COUNT(seed_tests),
};

#define NO_SLAB "the kernel's slab counts need a readable /proc/slabinfo (root)"
/* mux register's reason when the kernel merged one of epoll's caches into
 * another: the slab figure counts the rest only, a lower bound */
#define SLAB_PARTIAL "slab:"

/*
 * Each number the source publishes, judged where another number would
 * show.  User memory is the growth of the process's RSS over the first add
 * (whole pages: 4,096 B, 0.41 B a fd at 10,000), kernel memory the growth
 * of the mechanism's slab caches (mux register).
 *   select  "384 B of fd_set (limited to 1024 fds)": select/fdset at 10,000
 *           fds is refused at FD_SETSIZE 1,024 (a skipped row; a run would
 *           be the limit failing), and its user memory at 1,000 fds stays
 *           within one page, the resolution RSS has: the three fd_sets'
 *           384 B cannot show as more than 0 or 4,096 B
 *   poll    80,000 B of pollfd: 8 B a fd, within 2x (4 to 16 B)
 *   epoll   120,000 B of user events: 12 B a fd (one epoll_event per fd),
 *           within 2x (6 to 24 B).  The loop reaps into a fixed array of
 *           --maxevents 1,024 (evb-mux's default, which no plan changes;
 *           12,288 B, 1.2 B a fd), as libuv and Redis size theirs, so it
 *           holds only for a loop that sizes its array by its fds
 *   kernel  "plus kernel state": epoll's slab bytes per fd at least 8 B, a
 *           pointer's worth, the least a record per fd can hold; an epoll
 *           instance without one would add under 0.1 B a fd.  poll keeps
 *           none (its slab figure is 0 by construction).  A slab count
 *           missing a merged cache is a lower bound: it can show 8 B, never
 *           less
 * A factor of 2 each way, because half or twice the published bytes would
 * be another structure (a 4-byte fd list, two events per fd).
 */
static const struct claim_test memory_tests[] = {
	{ .what = "select/fdset at 10,000 fds: runs refused at glibc's FD_SETSIZE 1024 (published: "
		  "limited to 1024 fds)", .figure = "refused",
	  .num = REG("select", "fdset"), .side = CLAIM_AT_LEAST, .threshold = 1.0,
	  .refusal = "FD_SETSIZE 1024" },
	{ .what = "select/fdset at 1,000 fds: user bytes in all (RSS growth; published 384 B of "
		  "fd_set, which RSS, counting 4,096 B pages, shows as 0 or one page)",
	  .figure = "rss_bytes", .num = REG_AT("select", "fdset", "1000"), .side = CLAIM_AT_MOST,
	  .threshold = 4096.0 },
	{ .what = "poll: user bytes per fd (RSS growth: the pollfd array; published 80,000 B = "
		  "8 B a fd)", .figure = "rss_bytes_per_fd", .num = REG("poll", NULL),
	  .side = CLAIM_WITHIN, .threshold = 8.0, .factor = 2.0 },
	{ .what = "epoll/lt: user bytes per fd (RSS growth: the events array of --maxevents "
		  "1,024; published 120,000 B = 12 B a fd, one event per fd)",
	  .figure = "rss_bytes_per_fd", .num = REG("epoll", "lt"), .side = CLAIM_WITHIN,
	  .threshold = 12.0, .factor = 2.0 },
	{ .what = "epoll/lt: kernel bytes per fd (slab: eventpoll_epi, eventpoll_pwq; published: "
		  "plus kernel state, which poll does not keep; 8 B is a pointer's worth, the "
		  "least a record per fd holds, where none would give 0)",
	  .figure = "slab_bytes_per_fd",
	  .num = REG("epoll", "lt"), .side = CLAIM_AT_LEAST, .threshold = 8.0,
	  .if_empty = NO_SLAB, .partial = SLAB_PARTIAL },
	{ .what = "select/bigset at 10,000 fds: user bytes in all (a heap bitmap past "
		  "FD_SETSIZE, two of 1,256 B)", .figure = "rss_bytes",
	  .num = REG("select", "bigset"), .side = CLAIM_NO_THRESHOLD },
	{ .what = "user + kernel bytes per fd, epoll/lt / poll (published 120,000 / 80,000 B = "
		  "1.5x, plus kernel state)", .figure = "mem_bytes_per_fd",
	  .num = REG("epoll", "lt"), .den = REG("poll", NULL), .side = CLAIM_NO_THRESHOLD,
	  .if_empty = NO_SLAB },
};

/* Per mechanism: select (tests 0-1), poll (2), epoll (3-4, user and kernel). */
static void memory_verdict(const struct claim_outcome *o, char *buf, size_t len)
{
	snprintf(buf, len, "select: %s; poll: %s; epoll: %s",
		 claim_verdict_names[claim_combine(&o[0], 2)], claim_verdict_names[o[2].verdict],
		 claim_verdict_names[claim_combine(&o[3], 2)]);
}

static const struct claim memory = {
	.text = "Memory at 10,000 fds: select 384 B of fd_set (limited to 1024 fds), poll "
		"80,000 B of pollfd, epoll 120,000 B of user events plus kernel state.",
	.test = "mux register at 10,000 eventfds (select: 1,000, the most its fd_set holds): "
		"each published number against what each mechanism keeps per registered fd for "
		"the same loop, in user space (growth of the process's RSS, in 4,096 B pages; "
		"epoll reaps into a fixed array of --maxevents 1,024 events, as libuv and Redis "
		"size theirs) and in the kernel (growth of the mechanism's slab caches). select "
		"holds when glibc's fd_set refuses 10,000 fds at FD_SETSIZE 1024 and takes at "
		"most one page at 1,000; poll and epoll when their user bytes per fd lie within "
		"2x of the published 8 and 12 B (half or twice would be another structure); the "
		"kernel state when epoll's slab per fd is at least 8 B (a pointer's worth: a "
		"record per fd). A slab count missing a merged cache is a lower bound, which can "
		"show epoll at least that but not short of it",
	.tests = memory_tests,
	.ntests = CLAIM_COUNT(memory_tests),
	.verdict = memory_verdict,
};

/* Judged on the ring as io_uring's authors set it up for a loop that reaps
 * its own completions (SINGLE_ISSUER|DEFER_TASKRUN); the default flags beside. */
static const struct claim_test io_uring_tests[] = {
	{ .what = "events per second, io_uring/multishot (defer setup) / epoll/lt",
	  .figure = "ops_per_s", .num = URING_LOOP("multishot", "defer"), .den = LOOP("epoll", "lt"),
	  .side = CLAIM_AT_LEAST, .threshold = 1.3 },
	{ .what = "CPU per event of the loop and the writer (each thread's CPU clock: "
		  "epoll's wakeup work in the writer's write, io_uring's task work in the "
		  "loop), io_uring/multishot (defer setup) / epoll/lt",
	  .figure = "cpu_ab_ns_per_op", .num = URING_LOOP("multishot", "defer"),
	  .den = LOOP("epoll", "lt"), .side = CLAIM_AT_MOST, .threshold = 1.0 },
	{ .what = "whole-machine CPU per event (every CPU, /proc/stat: adds softirqs and "
		  "kernel threads, 10 ms ticks), io_uring/multishot (defer setup) / epoll/lt",
	  .figure = "machine_cpu_ns_per_op", .num = URING_LOOP("multishot", "defer"),
	  .den = LOOP("epoll", "lt"), .side = CLAIM_NO_THRESHOLD,
	  .if_empty = "machine_cpu_ns is empty in these rows (a driver leaves it empty when its window held fewer than 20 /proc/stat ticks per CPU)" },
	{ .what = "events per second, io_uring/multishot (default setup) / epoll/lt",
	  .figure = "ops_per_s", .num = URING_LOOP("multishot", "default"),
	  .den = LOOP("epoll", "lt"), .side = CLAIM_NO_THRESHOLD },
	{ .what = "the loop thread's own CPU per event, io_uring/multishot (defer setup) / "
		  "epoll/lt (misses epoll's wakeup work on the writer's CPU)",
	  .figure = "cpu_ns_per_op", .num = URING_LOOP("multishot", "defer"),
	  .den = LOOP("epoll", "lt"), .side = CLAIM_NO_THRESHOLD },
};

static const struct claim io_uring = {
	.text = "io_uring serves ~1.5x epoll's requests per second at lower CPU (readiness "
		"only, here: the loop over eventfds).",
	.test = "mux loop, 1,000 eventfds of which 100 are kept busy by a writer on another "
		"CPU: events handled per second, and CPU per event of the loop's and the "
		"writer's threads (their CPU clocks; the writer sleeps while it has nothing to "
		"send, so the figure is the work itself). The io_uring path measured is readiness only (multishot "
		"IORING_OP_POLL_ADD, then one read(2) per event, as epoll does); io_uring's own "
		"I/O path (reads submitted through the ring) is measured by the serve family's "
		"io_uring claim, over TCP requests and responses. Judged on the defer setup "
		"(SINGLE_ISSUER|DEFER_TASKRUN), the default flags shown beside it. Holds at "
		">= 1.3x the events with less CPU per event (loop + writer); the whole "
		"machine's CPU per event is shown beside it",
	.tests = io_uring_tests,
	.ntests = CLAIM_COUNT(io_uring_tests),
};

const struct claim *const claims_mux[] = { &scaling, &seed_table, &memory, &io_uring, NULL };
