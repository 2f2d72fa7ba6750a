/* fdset.c - the fd factory: count, open, place, ship, read, write; see fdset.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fdset.h"

const char *const mux_fd_type_names[] = { "pipe", "socketpair", "eventfd", "tcp", NULL };

/* Numbers kept free between the watched ends and the moved-up peer ends,
 * for the fds opened after the set (fewer than FDSET_RESERVE). */
#define FDSET_GAP 8

static int64_t tcp_listeners(enum mux_fd_type type, int64_t nfds)
{
	return type == MUX_FD_TCP ? (nfds + FDSET_TCP_PER_LISTENER - 1) / FDSET_TCP_PER_LISTENER
				  : 0;
}

int64_t fdset_need_here(enum mux_fd_type type, int64_t nfds, bool ship)
{
	int64_t peers;

	if (ship)
		peers = nfds < FDSET_SHIP_BATCH ? nfds : FDSET_SHIP_BATCH;
	else
		peers = type == MUX_FD_EVENTFD ? 0 : nfds;   /* an eventfd is its own peer */
	return nfds + peers + tcp_listeners(type, nfds) + FDSET_RESERVE;
}

int64_t fdset_need_away(int64_t nfds)
{
	return nfds + FDSET_RESERVE;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int fdset_predict_max_fd(int64_t nfds)
{
	DIR *dir = opendir("/proc/self/fd");
	int open_fds[4096];
	size_t nopen = 0;
	struct dirent *ent;
	int64_t answer = nfds - 1;

	if (!dir)
		return -1;
	while ((ent = readdir(dir)) && nopen < sizeof(open_fds) / sizeof(open_fds[0])) {
		char *end;
		long fd = strtol(ent->d_name, &end, 10);

		if (end != ent->d_name && !*end && fd != dirfd(dir))
			open_fds[nopen++] = (int)fd;
	}
	closedir(dir);
	qsort(open_fds, nopen, sizeof(open_fds[0]), cmp_int);
	/* The nfds-th free number: every open fd at or below it pushes it up. */
	for (size_t i = 0; i < nopen && open_fds[i] <= answer; i++)
		answer++;
	return answer > INT32_MAX ? INT32_MAX : (int)answer;
}

/* Move fd to the lowest free number >= base; the old number is freed. */
static int move_to(int fd, int base)
{
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, base);

	if (moved < 0)
		return -errno;
	close(fd);
	return moved;
}

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	return 0;
}

/* Abortive close for tcp: no TIME_WAIT left behind by thousands of runs. */
static int set_linger0(int fd)
{
	struct linger off = { .l_onoff = 1, .l_linger = 0 };

	return setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off)) ? -errno : 0;
}

struct maker {
	enum mux_fd_type type;
	int high;                       /* where peer ends and listeners go */
	int ship;                       /* peers leave: eventfd needs a dup */
	int *listen_fd;
	struct sockaddr_in *listen_addr;
	int64_t nlisten;
	char *why;
	size_t why_len;
};

static int fail(struct maker *m, const char *what, int err)
{
	snprintf(m->why, m->why_len, "%s: %s", what, strerror(-err));
	return err;
}

static int tcp_listen(struct maker *m, int64_t k)
{
	socklen_t len = sizeof(m->listen_addr[k]);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail(m, "socket(AF_INET)", -errno);
	m->listen_addr[k] = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	if (bind(fd, (struct sockaddr *)&m->listen_addr[k], sizeof(m->listen_addr[k])) ||
	    listen(fd, SOMAXCONN) ||
	    getsockname(fd, (struct sockaddr *)&m->listen_addr[k], &len)) {
		int err = -errno;

		close(fd);
		return fail(m, "bind/listen 127.0.0.1", err);
	}
	fd = move_to(fd, m->high);
	if (fd < 0)
		return fail(m, "fcntl(F_DUPFD) listener", fd);
	m->listen_fd[k] = fd;
	return 0;
}

/*
 * One connected loopback pair.  The client (the peer) is moved up before
 * accept(), so the accepted socket (the watched end) takes the low number.
 */
static int tcp_pair(struct maker *m, int64_t i, int *watched, int *peer)
{
	const struct sockaddr_in *addr = &m->listen_addr[i / FDSET_TCP_PER_LISTENER];
	int lfd = m->listen_fd[i / FDSET_TCP_PER_LISTENER];
	int one = 1, client, server, ret;
	char what[80];

	client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (client < 0)
		return fail(m, "socket(AF_INET)", -errno);
	snprintf(what, sizeof(what), "setsockopt(TCP_NODELAY)");
	ret = setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ? -errno : 0;
	if (!ret) {
		snprintf(what, sizeof(what), "setsockopt(SO_LINGER)");
		ret = set_linger0(client);
	}
	if (!ret && connect(client, (const struct sockaddr *)addr, sizeof(*addr))) {
		snprintf(what, sizeof(what), "connect 127.0.0.1:%u (connection %lld)",
			 ntohs(addr->sin_port), (long long)i);
		ret = -errno;
	}
	if (!ret) {
		snprintf(what, sizeof(what), "fcntl(client)");
		ret = set_nonblock(client);
	}
	if (ret)
		goto err_close_client;
	ret = move_to(client, m->high);
	if (ret < 0)
		goto err_close_client;
	client = ret;
	snprintf(what, sizeof(what), "accept4");
	server = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (server < 0) {
		ret = -errno;
		goto err_close_client;
	}
	snprintf(what, sizeof(what), "setsockopt(SO_LINGER)");
	ret = set_linger0(server);
	if (ret) {
		close(server);
		goto err_close_client;
	}
	*watched = server;
	*peer = client;
	return 0;

err_close_client:
	close(client);
	return fail(m, what, ret);
}

static int make_pair(struct maker *m, int64_t i, int *watched, int *peer)
{
	int fds[2], ret;

	switch (m->type) {
	case MUX_FD_TCP:
		return tcp_pair(m, i, watched, peer);
	case MUX_FD_EVENTFD:
		fds[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[0] < 0)
			return fail(m, "eventfd", -errno);
		fds[1] = m->ship ? fcntl(fds[0], F_DUPFD_CLOEXEC, m->high) : fds[0];
		if (fds[1] < 0) {
			ret = -errno;
			close(fds[0]);
			return fail(m, "fcntl(F_DUPFD)", ret);
		}
		*watched = fds[0];
		*peer = fds[1];
		return 0;
	case MUX_FD_PIPE:
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK))
			return fail(m, "pipe2", -errno);
		break;
	case MUX_FD_SOCKETPAIR:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds))
			return fail(m, "socketpair(AF_UNIX)", -errno);
		break;
	}
	ret = move_to(fds[1], m->high);
	if (ret < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(m, "fcntl(F_DUPFD)", ret);
	}
	*watched = fds[0];
	*peer = ret;
	return 0;
}

static int build_index(struct mux_fdset *fs)
{
	fs->max_fd = -1;
	for (int64_t i = 0; i < fs->n; i++)
		if (fs->fd[i] > fs->max_fd)
			fs->max_fd = fs->fd[i];
	fs->index = malloc(sizeof(*fs->index) * ((size_t)fs->max_fd + 1));
	if (!fs->index)
		return -ENOMEM;
	memset(fs->index, 0xff, sizeof(*fs->index) * ((size_t)fs->max_fd + 1));   /* -1 */
	for (int64_t i = 0; i < fs->n; i++)
		fs->index[fs->fd[i]] = (int32_t)i;
	return 0;
}

int fdset_open(struct mux_fdset *fs, enum mux_fd_type type, int64_t nfds, int ship_sock,
	       char *why, size_t why_len)
{
	int64_t nlisten = tcp_listeners(type, nfds);
	struct maker m = {
		.type = type,
		.high = fdset_predict_max_fd(nfds) + 1 + FDSET_GAP,
		.ship = ship_sock >= 0,
		.nlisten = nlisten,
		.why = why,
		.why_len = why_len,
	};
	int batch[FDSET_SHIP_BATCH];
	int nbatch = 0, ret = 0;
	int64_t made = 0, k = 0;

	*fs = (struct mux_fdset){ .type = type, .n = nfds, .max_fd = -1 };
	fs->fd = malloc(sizeof(*fs->fd) * (size_t)nfds);
	if (!m.ship)
		fs->peer = malloc(sizeof(*fs->peer) * (size_t)nfds);
	m.listen_fd = calloc((size_t)nlisten + 1, sizeof(*m.listen_fd));
	m.listen_addr = calloc((size_t)nlisten + 1, sizeof(*m.listen_addr));
	if (!fs->fd || (!m.ship && !fs->peer) || !m.listen_fd || !m.listen_addr) {
		ret = fail(&m, "allocating the fd set", -ENOMEM);
		goto err_free;
	}
	for (k = 0; k < nlisten; k++) {
		ret = tcp_listen(&m, k);
		if (ret)
			goto err_close_listeners;
	}
	for (made = 0; made < nfds; made++) {
		int peer = -1;

		ret = make_pair(&m, made, &fs->fd[made], &peer);
		if (ret)
			goto err_close_made;
		if (!m.ship) {
			fs->peer[made] = peer;
			continue;
		}
		batch[nbatch++] = peer;
		if (nbatch == FDSET_SHIP_BATCH || made + 1 == nfds) {
			ret = fdset_ship(ship_sock, batch, nbatch);
			if (ret)
				fail(&m, "sendmsg(SCM_RIGHTS) to side B", ret);
			nbatch = 0;
			if (ret) {
				made++;
				goto err_close_made;
			}
		}
	}
	fdset_close_fds(m.listen_fd, nlisten);
	free(m.listen_fd);
	free(m.listen_addr);
	ret = build_index(fs);
	if (ret) {
		fail(&m, "allocating the fd index", ret);
		fdset_close(fs);
	}
	return ret;

err_close_made:
	fdset_close_fds(batch, nbatch);
	fdset_close_fds(fs->fd, made);
	if (fs->peer && type != MUX_FD_EVENTFD)
		fdset_close_fds(fs->peer, made);
err_close_listeners:
	fdset_close_fds(m.listen_fd, k);
err_free:
	free(m.listen_fd);
	free(m.listen_addr);
	free(fs->fd);
	free(fs->peer);
	*fs = (struct mux_fdset){ .max_fd = -1 };
	return ret;
}

void fdset_close(struct mux_fdset *fs)
{
	if (fs->peer && fs->type != MUX_FD_EVENTFD)
		fdset_close_fds(fs->peer, fs->n);
	if (fs->fd)
		fdset_close_fds(fs->fd, fs->n);
	free(fs->fd);
	free(fs->peer);
	free(fs->index);
	*fs = (struct mux_fdset){ .max_fd = -1 };
}

void fdset_close_fds(int *fds, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

int fdset_poke(enum mux_fd_type type, int peer_fd)
{
	static const char byte = 'm';
	uint64_t one = 1;

	if (type == MUX_FD_EVENTFD)
		return write(peer_fd, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
	return write(peer_fd, &byte, 1) == 1 ? 0 : -errno;
}

int64_t fdset_take(enum mux_fd_type type, int fd)
{
	char buf[256];
	uint64_t count;
	ssize_t n;

	if (type == MUX_FD_EVENTFD) {
		n = read(fd, &count, sizeof(count));
		if (n == sizeof(count))
			return (int64_t)count;
	} else {
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			return n;
		if (n == 0)
			return -EPIPE;
	}
	return errno == EAGAIN ? 0 : -errno;
}

int64_t fdset_drain(enum mux_fd_type type, int fd)
{
	int64_t total = 0, got;

	while ((got = fdset_take(type, fd)) > 0)
		total += got;
	return got < 0 ? got : total;
}
