/*
 * fdship.c - peer ends on their way to side B's process (--ipc process):
 * batches of descriptors over a unix socket with SCM_RIGHTS; see fdset.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fdset.h"

/* Send a batch of peer ends to side B's process and close them here. */
int fdset_ship(int sock, int *batch, int count)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * FDSET_SHIP_BATCH)];
		struct cmsghdr align;
	} control;
	uint32_t n = (uint32_t)count;
	struct iovec iov = { .iov_base = &n, .iov_len = sizeof(n) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	int ret = 0;

	memset(control.buf, 0, sizeof(control.buf));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
	memcpy(CMSG_DATA(cmsg), batch, sizeof(int) * (size_t)count);
	ssize_t sent = sendmsg(sock, &msg, MSG_NOSIGNAL);

	if (sent != (ssize_t)sizeof(n))
		ret = sent < 0 ? -errno : -EPIPE;
	fdset_close_fds(batch, count);
	return ret;
}

int fdset_receive_peers(int ship_sock, int *peer, int64_t n)
{
	int64_t got = 0;

	while (got < n) {
		union {
			char buf[CMSG_SPACE(sizeof(int) * FDSET_SHIP_BATCH)];
			struct cmsghdr align;
		} control;
		uint32_t count = 0;
		struct iovec iov = { .iov_base = &count, .iov_len = sizeof(count) };
		struct msghdr msg = {
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		ssize_t len = recvmsg(ship_sock, &msg, MSG_CMSG_CLOEXEC);
		struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return -errno;
		if (len != sizeof(count))
			return -EPIPE;   /* side A went away mid-way */
		if (msg.msg_flags & MSG_CTRUNC)
			return -EMFILE;  /* the kernel dropped fds we had no room for */
		if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS ||
		    cmsg->cmsg_len != CMSG_LEN(sizeof(int) * count) || count > n - got)
			return -EPROTO;
		memcpy(peer + got, CMSG_DATA(cmsg), sizeof(int) * count);
		got += count;
	}
	return 0;
}

