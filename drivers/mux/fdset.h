/*
 * fdset.h - the fd factory: the one place that knows how many descriptors a
 * cell needs, opens them, and reads and writes them.  (The watched set, not
 * glibc's fd_set; select.c's "fdset" variant is the latter.)
 *
 * A set is nfds pairs.  The watched end of each is what the mechanism
 * waits on (a pipe's read end, one socket of a socketpair, the accepted
 * side of a loopback tcp connection, or an eventfd itself); the peer end is
 * what side B writes one unit into to make it ready (a byte; 1 for an
 * eventfd, which is its own peer).
 *
 * Numbering, as in a server: the watched ends take the lowest free numbers,
 * contiguously, and the peer ends (and tcp listeners) are moved above them
 * with F_DUPFD, so select's FD_SETSIZE limit bites when nfds reaches it and
 * not at half of it.  With shipping (--ipc process) each peer end is sent
 * to side B's process over a unix socket right after it is made (in batches
 * of FDSET_SHIP_BATCH) and closed here, so this process never holds more
 * than nfds + FDSET_SHIP_BATCH of them: 10,000 tcp connections then fit a
 * 20,000 RLIMIT_NOFILE.
 *
 * Watched ends are non-blocking, so reads end in EAGAIN rather than hang.
 */
#ifndef MUX_FDSET_H
#define MUX_FDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mux_fd_type {
	MUX_FD_PIPE,
	MUX_FD_SOCKETPAIR,
	MUX_FD_EVENTFD,
	MUX_FD_TCP,
};

extern const char *const mux_fd_type_names[];   /* NULL-terminated */

/* Peer ends shipped per sendmsg(SCM_RIGHTS) (the kernel allows 253). */
#define FDSET_SHIP_BATCH 64
/*
 * Descriptors beyond the set that a process may hold at once: the
 * mechanism's own (epoll fd, ring), the driver's (watchdog eventfds,
 * control socket, /proc files read during the run) and a transient dup.
 */
#define FDSET_RESERVE 16
/* Loopback connections per listening port (the ephemeral port range has
 * about 28,000 per destination). */
#define FDSET_TCP_PER_LISTENER 16384

struct mux_fdset {
	enum mux_fd_type type;
	int64_t n;
	int *fd;            /* watched ends, n */
	int *peer;          /* peer ends, n; NULL when they were shipped away */
	int32_t *index;     /* fd number -> index in fd[], -1 for other fds;
			       max_fd + 1 entries */
	int max_fd;         /* highest watched fd */
};

/*
 * Descriptors this process needs on top of those open now: the watched
 * ends, the peer ends (or a batch in flight when shipping), the tcp
 * listeners, and FDSET_RESERVE.
 */
int64_t fdset_need_here(enum mux_fd_type type, int64_t nfds, bool ship);
/* Descriptors side B's process needs on top of those open when it forks. */
int64_t fdset_need_away(int64_t nfds);

/* The highest fd number fdset_open would give a watched end right now. */
int fdset_predict_max_fd(int64_t nfds);

/*
 * Open nfds pairs of type.  ship_sock >= 0: send the peer ends through it
 * (fdset_receive_peers on the other side).  Returns 0, or -errno with what
 * failed in why ("connect 127.0.0.1:40123: ...").
 */
int fdset_open(struct mux_fdset *fs, enum mux_fd_type type, int64_t nfds, int ship_sock,
	       char *why, size_t why_len);
void fdset_close(struct mux_fdset *fs);

/* Send count (<= FDSET_SHIP_BATCH) peer ends to side B's process and close
 * them here (fdship.c).  0 or -errno. */
int fdset_ship(int sock, int *batch, int count);
/* Side B: receive n shipped peer ends, in order, into peer.  0 or -errno. */
int fdset_receive_peers(int ship_sock, int *peer, int64_t n);
void fdset_close_fds(int *fds, int64_t n);

/* Write one unit into a peer end.  0 or -errno. */
int fdset_poke(enum mux_fd_type type, int peer_fd);
/* One read of a watched end: units read (bytes, or the eventfd count), 0
 * when there was nothing (EAGAIN), or -errno (-EPIPE: the peer closed). */
int64_t fdset_take(enum mux_fd_type type, int fd);
/* Read until EAGAIN: total units, or -errno. */
int64_t fdset_drain(enum mux_fd_type type, int fd);

#endif
