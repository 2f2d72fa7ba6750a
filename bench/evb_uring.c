/* evb_uring.c - the io_uring instances the drivers use; see evb_uring.h. */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "evb_sb.h"
#include "evb_sys.h"
#include "evb_uring.h"

const char *const evb_uring_setup_names[] = {
	[EVB_URING_SETUP_DEFAULT] = "default",
	[EVB_URING_SETUP_COOP] = "coop",
	[EVB_URING_SETUP_DEFER] = "defer",
	NULL,
};

unsigned evb_uring_setup_needs(enum evb_uring_setup setup)
{
	switch (setup) {
	case EVB_URING_SETUP_COOP:
		return EVB_URING_COOP_TASKRUN;
	case EVB_URING_SETUP_DEFER:
		return EVB_URING_SINGLE_ISSUER | EVB_URING_DEFER_TASKRUN;
	default:
		return 0;
	}
}

/* IORING_SETUP_* bit i's name (the kernel's include/uapi/linux/io_uring.h). */
static const char *const setup_flag_names[] = {
	"IOPOLL", "SQPOLL", "SQ_AFF", "CQSIZE", "CLAMP", "ATTACH_WQ", "R_DISABLED",
	"SUBMIT_ALL", "COOP_TASKRUN", "TASKRUN_FLAG", "SQE128", "CQE32", "SINGLE_ISSUER",
	"DEFER_TASKRUN", "NO_MMAP", "REGISTERED_FD_ONLY", "NO_SQARRAY", "HYBRID_IOPOLL",
};
/* IORING_FEAT_* bit i's name. */
static const char *const feature_names[] = {
	"SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS", "CUR_PERSONALITY",
	"FAST_POLL", "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS",
	"RSRC_TAGS", "CQE_SKIP", "LINKED_FILE", "REG_REG_RING", "RECVSEND_BUNDLE",
	"MIN_TIMEOUT", "RW_ATTR", "NO_IOWAIT",
};
/* IORING_OP_* number i's name, through 6.18's. */
static const char *const op_names[] = {
	"NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD",
	"POLL_REMOVE", "SYNC_FILE_RANGE", "SENDMSG", "RECVMSG", "TIMEOUT", "TIMEOUT_REMOVE",
	"ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT", "FALLOCATE", "OPENAT", "CLOSE",
	"FILES_UPDATE", "STATX", "READ", "WRITE", "FADVISE", "MADVISE", "SEND", "RECV",
	"OPENAT2", "EPOLL_CTL", "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS", "TEE",
	"SHUTDOWN", "RENAMEAT", "UNLINKAT", "MKDIRAT", "SYMLINKAT", "LINKAT", "MSG_RING",
	"FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD", "SEND_ZC",
	"SENDMSG_ZC", "READ_MULTISHOT", "WAITID", "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_WAITV",
	"FIXED_FD_INSTALL", "FTRUNCATE", "BIND", "LISTEN", "RECV_ZC", "EPOLL_WAIT",
	"READV_FIXED", "WRITEV_FIXED", "PIPE",
};

/* The names of mask's bits, separated by sep ("bit<N>" past the table). */
static void bit_names(unsigned mask, const char *const *names, size_t n, const char *sep,
		      char *buf, size_t len)
{
	struct evb_sb sb;

	evb_sb_init(&sb, buf, len);
	for (unsigned i = 0; i < 32; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (sb.used)
			evb_sb_puts(&sb, sep);
		if (i < n)
			evb_sb_puts(&sb, names[i]);
		else
			evb_sb_printf(&sb, "bit%u", i);
	}
}

/* The last measured ring's flags, in memory a fork()ed side shares. */
static struct uring_record {
	_Atomic unsigned flags;
	_Atomic int made;
} *record;

void evb_uring_record_init(void)
{
	if (!record)
		record = evb_shared_alloc(sizeof(*record));
}

void evb_uring_flags_text(char *buf, size_t len)
{
	if (!record || !atomic_load(&record->made)) {
		buf[0] = '\0';
		return;
	}
	bit_names(atomic_load(&record->flags), setup_flag_names,
		  sizeof(setup_flag_names) / sizeof(setup_flag_names[0]), "|", buf, len);
}

#if EVB_HAVE_LIBURING

#define SQ_MAX 4096u
#define CQ_MAX 65536u
#define PROBE_BGID 0
#define PROBE_BUFS 8
#define PROBE_BUF_SIZE 64

static unsigned pow2_at_least(int64_t n, unsigned max)
{
	unsigned p = 8;

	while (p < n && p < max)
		p <<= 1;
	return p;
}

/* The setup's flags (evb_uring.h). */
static unsigned setup_flags(enum evb_uring_setup setup)
{
	switch (setup) {
	case EVB_URING_SETUP_COOP:
		return IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
	case EVB_URING_SETUP_DEFER:
		return IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	default:
		return 0;
	}
}

static int init_flags(struct io_uring *ring, int64_t nfds, int64_t maxevents,
		      enum evb_uring_setup setup, unsigned extra)
{
	unsigned sq = pow2_at_least(maxevents, SQ_MAX);
	struct io_uring_params params = {
		.flags = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP | setup_flags(setup) | extra,
		/* the kernel wants at least as many CQ entries as SQ entries */
		.cq_entries = pow2_at_least(2 * nfds > sq ? 2 * nfds : sq, CQ_MAX),
	};

	return io_uring_queue_init_params(sq, ring, &params);
}

/* A measured ring: its flags go to the row (evb_uring_flags_text). */
static int init_recorded(struct io_uring *ring, int64_t nfds, int64_t maxevents,
			 enum evb_uring_setup setup, unsigned extra)
{
	int ret = init_flags(ring, nfds, maxevents, setup, extra);

	if (!ret && record) {
		atomic_store(&record->flags, ring->flags);
		atomic_store(&record->made, 1);
	}
	return ret;
}

int evb_uring_init(struct io_uring *ring, int64_t nfds, int64_t maxevents,
		   enum evb_uring_setup setup)
{
	return init_recorded(ring, nfds, maxevents, setup, 0);
}

int evb_uring_probe_ring(struct io_uring *ring)
{
	return init_flags(ring, 8, 8, EVB_URING_SETUP_DEFAULT, 0);   /* not recorded */
}

int evb_uring_init_handed(struct io_uring *ring, int64_t nfds, int64_t maxevents,
			  enum evb_uring_setup setup, bool *disabled)
{
	*disabled = setup_flags(setup) & IORING_SETUP_SINGLE_ISSUER;
	return init_recorded(ring, nfds, maxevents, setup,
			     *disabled ? IORING_SETUP_R_DISABLED : 0);
}

int evb_uring_describe(char *ops, size_t ops_len, char *features, size_t features_len)
{
	const size_t nops = sizeof(op_names) / sizeof(op_names[0]);
	struct io_uring ring;
	struct io_uring_probe *probe;
	struct evb_sb sb;
	int ret;

	ops[0] = features[0] = '\0';
	ret = evb_uring_probe_ring(&ring);
	if (ret)
		return ret;
	bit_names(ring.features, feature_names, sizeof(feature_names) / sizeof(feature_names[0]),
		  " ", features, features_len);
	evb_sb_init(&sb, ops, ops_len);
	probe = io_uring_get_probe_ring(&ring);
	if (probe) {
		for (int op = 0; op <= probe->last_op; op++) {
			if (!io_uring_opcode_supported(probe, op))
				continue;
			if (sb.used)
				evb_sb_puts(&sb, " ");
			if ((size_t)op < nops)
				evb_sb_puts(&sb, op_names[op]);
			else
				evb_sb_printf(&sb, "op%d", op);
		}
		io_uring_free_probe(probe);
	}
	io_uring_queue_exit(&ring);
	return 0;
}

int evb_uring_enable(struct io_uring *ring)
{
	return syscall(__NR_io_uring_register, ring->ring_fd, IORING_REGISTER_ENABLE_RINGS,
		       NULL, 0) < 0 ? -errno : 0;
}

int evb_uring_msg_ring_sync(int fd, uint64_t data, int32_t res)
{
	struct io_uring_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, fd, (unsigned)res, data, 0);
	return syscall(__NR_io_uring_register, -1, EVB_IORING_REGISTER_SEND_MSG_RING, &sqe, 1) < 0
		? -errno : 0;
}

int evb_uring_get_events(struct io_uring *ring, unsigned want)
{
	int calls = 0;

	for (;;) {
		unsigned before = io_uring_cq_ready(ring);
		int ret = io_uring_submit_and_get_events(ring);

		if (ret < 0)
			return ret;
		calls++;
		/* default, coop: the enter ran every pending item */
		if (!(ring->flags & IORING_SETUP_DEFER_TASKRUN))
			return calls;
		/* defer: a call that added nothing found no work left */
		if (io_uring_cq_ready(ring) == before || io_uring_cq_ready(ring) >= want)
			return calls;
	}
}

int evb_uring_buf_ring_setup(struct io_uring *ring, unsigned entries, int bgid,
			     struct io_uring_buf_ring **br)
{
	return evb_uring_buf_ring_setup_flags(ring, entries, bgid, 0, br);
}

int evb_uring_buf_ring_setup_flags(struct io_uring *ring, unsigned entries, int bgid,
				   unsigned flags, struct io_uring_buf_ring **br)
{
	size_t size = entries * sizeof(struct io_uring_buf);
	/* liburing 2.3 calls the field the kernel named flags (6.4) pad */
	struct io_uring_buf_reg reg = { .ring_entries = entries, .bgid = (__u16)bgid,
					.pad = (__u16)flags };
	void *mem;
	int ret;

	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	reg.ring_addr = (uintptr_t)mem;
	ret = io_uring_register_buf_ring(ring, &reg, 0);
	if (ret) {
		munmap(mem, size);
		return ret;
	}
	*br = mem;
	io_uring_buf_ring_init(*br);
	return 0;
}

void evb_uring_buf_ring_free(struct io_uring *ring, struct io_uring_buf_ring *br,
			     unsigned entries, int bgid)
{
	if (ring)
		io_uring_unregister_buf_ring(ring, bgid);
	munmap(br, entries * sizeof(struct io_uring_buf));
}

/* "io_uring <what>: needs Linux <version>, this kernel is <release> (<error>)" */
static int missing(char *reason, size_t len, const char *what, const char *version, int err)
{
	char full[160];

	snprintf(full, sizeof(full), "io_uring %s", what);
	return evb_needs_linux(reason, len, full, version, err);
}

/* Does the kernel know each opcode `features` names?  IORING_REGISTER_PROBE is 5.6. */
static int probe_opcodes(unsigned features, char *reason, size_t len)
{
	static const struct { unsigned feature; int op; const char *name, *version; } ops[] = {
		{ EVB_URING_OP_POLL, IORING_OP_POLL_ADD, "IORING_OP_POLL_ADD", "5.1" },
		{ EVB_URING_OP_RECV, IORING_OP_RECV, "IORING_OP_RECV", "5.6" },
		{ EVB_URING_OP_SEND, IORING_OP_SEND, "IORING_OP_SEND", "5.6" },
		{ EVB_URING_OP_READ, IORING_OP_READ, "IORING_OP_READ", "5.6" },
		{ EVB_URING_OP_MSG_RING, IORING_OP_MSG_RING, "IORING_OP_MSG_RING", "5.18" },
		{ EVB_URING_OP_WAITID, EVB_IORING_OP_WAITID, "IORING_OP_WAITID", "6.7" },
		{ EVB_URING_OP_FUTEX, EVB_IORING_OP_FUTEX_WAIT, "IORING_OP_FUTEX_WAIT", "6.7" },
		{ EVB_URING_OP_FUTEX, EVB_IORING_OP_FUTEX_WAKE, "IORING_OP_FUTEX_WAKE", "6.7" },
		{ EVB_URING_OP_EPOLL_WAIT, EVB_IORING_OP_EPOLL_WAIT, "IORING_OP_EPOLL_WAIT",
		  "6.15" },
	};
	unsigned by_opcode = 0;   /* the features the table probes */
	struct io_uring_probe *probe;
	int ret = 0;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		by_opcode |= ops[i].feature;
	if (!(features & by_opcode))
		return 0;
	probe = io_uring_get_probe();
	if (!probe)
		return missing(reason, len, "opcode probe", "5.6", EINVAL);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]) && !ret; i++)
		if ((features & ops[i].feature) && !io_uring_opcode_supported(probe, ops[i].op))
			ret = missing(reason, len, ops[i].name, ops[i].version, EINVAL);
	io_uring_free_probe(probe);
	return ret;
}

/* Does POLL_ADD_MULTI work here?  Arm it on an eventfd and make it fire. */
static int probe_poll_multi(char *reason, size_t len)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 1 };
	int efd, ret;

	ret = evb_uring_probe_ring(&ring);
	if (ret)
		return ret;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0) {
		ret = -errno;
		goto err_exit_ring;
	}
	io_uring_prep_poll_multishot(io_uring_get_sqe(&ring), efd, POLLIN);
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = evb_eventfd_post(efd);
	if (ret == 0)
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	if (ret == 0 && (cqe->res < 0 || !(cqe->flags & IORING_CQE_F_MORE)))
		ret = missing(reason, len, "multishot poll (IORING_POLL_ADD_MULTI)", "5.13",
			      cqe->res < 0 ? -cqe->res : EINVAL);
	close(efd);
err_exit_ring:
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}

/*
 * A multishot recv into a buffer ring on a socket pair, made to fire: the
 * buffer ring's registration fails with -EINVAL before 5.19, the recv with
 * -EINVAL before 6.0.
 */
static int probe_recv_multi(unsigned features, char *reason, size_t len)
{
	static char bufs[PROBE_BUFS][PROBE_BUF_SIZE];
	struct io_uring ring;
	struct io_uring_buf_ring *br = NULL;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct __kernel_timespec ts = { .tv_sec = 1 };
	int sv[2], ret;

	ret = evb_uring_probe_ring(&ring);
	if (ret)
		return ret;
	ret = evb_uring_buf_ring_setup(&ring, PROBE_BUFS, PROBE_BGID, &br);
	if (ret) {
		if (ret == -EINVAL)
			ret = missing(reason, len, "provided buffer ring", "5.19", -ret);
		goto exit_ring;
	}
	for (int i = 0; i < PROBE_BUFS; i++)
		io_uring_buf_ring_add(br, bufs[i], PROBE_BUF_SIZE, (unsigned short)i,
				      io_uring_buf_ring_mask(PROBE_BUFS), i);
	io_uring_buf_ring_advance(br, PROBE_BUFS);
	if (!(features & EVB_URING_RECV_MULTI))
		goto free_br;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		ret = -errno;
		goto free_br;
	}
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[0], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = PROBE_BGID;
	ret = io_uring_submit(&ring);
	if (ret == 1)
		ret = write(sv[1], "x", 1) == 1 ? 0 : -errno;
	if (ret == 0)
		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	if (ret == 0 && (cqe->res <= 0 || !(cqe->flags & IORING_CQE_F_MORE)))
		ret = missing(reason, len, "multishot recv (IORING_RECV_MULTISHOT)", "6.0",
			      cqe->res < 0 ? -cqe->res : EINVAL);
	/* the ring's exit cancels the armed recv and drops the buffer ring */
	io_uring_queue_exit(&ring);
	evb_uring_buf_ring_free(NULL, br, PROBE_BUFS, PROBE_BGID);
	close(sv[0]);
	close(sv[1]);
	return ret < 0 ? ret : 0;

free_br:
	evb_uring_buf_ring_free(&ring, br, PROBE_BUFS, PROBE_BGID);
exit_ring:
	io_uring_queue_exit(&ring);
	return ret < 0 ? ret : 0;
}

/* Does a default ring report IORING_FEAT_RECVSEND_BUNDLE (6.10)? */
static int probe_bundle(char *reason, size_t len)
{
	struct io_uring ring;
	int ret = evb_uring_probe_ring(&ring);

	if (ret)
		return ret;
	if (!(ring.features & EVB_IORING_FEAT_RECVSEND_BUNDLE))
		ret = missing(reason, len, "recv bundles (IORING_FEAT_RECVSEND_BUNDLE)", "6.10",
			      ENOTSUP);
	io_uring_queue_exit(&ring);
	return ret;
}

/* Does a buffer ring register with IOU_PBUF_RING_INC (6.12)?  Older: EINVAL. */
static int probe_buf_inc(char *reason, size_t len)
{
	struct io_uring ring;
	struct io_uring_buf_ring *br = NULL;
	int ret = evb_uring_probe_ring(&ring);

	if (ret)
		return ret;
	ret = evb_uring_buf_ring_setup_flags(&ring, PROBE_BUFS, PROBE_BGID, EVB_IOU_PBUF_RING_INC,
					     &br);
	if (ret == -EINVAL)
		ret = missing(reason, len, "incrementally consumed buffers (IOU_PBUF_RING_INC)",
			      "6.12", EINVAL);
	else if (ret == 0)
		evb_uring_buf_ring_free(&ring, br, PROBE_BUFS, PROBE_BGID);
	io_uring_queue_exit(&ring);
	return ret;
}

/*
 * Can a MSG_RING be sent without a ring (6.13)?  Send one to a ring of our
 * own and find its CQE: older kernels refuse the fd -1 (EBADF) or the
 * register opcode (EINVAL).
 */
static int probe_msg_ring_sync(char *reason, size_t len)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret = evb_uring_probe_ring(&ring);

	if (ret)
		return ret;
	ret = evb_uring_msg_ring_sync(ring.ring_fd, 1, 0);
	if (ret == -EBADF || ret == -EINVAL || ret == -EOPNOTSUPP)
		ret = missing(reason, len, "MSG_RING without a ring (IORING_REGISTER_SEND_MSG_RING)",
			      "6.13", -ret);
	else if (ret == 0 && (io_uring_peek_cqe(&ring, &cqe) || cqe->user_data != 1))
		ret = missing(reason, len, "MSG_RING without a ring (no CQE arrived)", "6.13",
			      ENOMSG);
	io_uring_queue_exit(&ring);
	return ret;
}

/*
 * Does the kernel take each setup flag `features` names?  A ring made with
 * it: an unknown flag is -EINVAL.  Each flag with what it needs (TASKRUN_FLAG
 * needs COOP_TASKRUN, DEFER_TASKRUN SINGLE_ISSUER), in the order of the
 * kernels that brought them.
 */
static int probe_setup_flags(unsigned features, char *reason, size_t len)
{
	static const struct {
		unsigned feature, flags;
		const char *name, *version;
	} flags[] = {
		{ EVB_URING_COOP_TASKRUN, IORING_SETUP_COOP_TASKRUN,
		  "IORING_SETUP_COOP_TASKRUN", "5.19" },
		{ EVB_URING_COOP_TASKRUN, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG,
		  "IORING_SETUP_TASKRUN_FLAG", "5.19" },
		{ EVB_URING_SINGLE_ISSUER | EVB_URING_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER,
		  "IORING_SETUP_SINGLE_ISSUER", "6.0" },
		{ EVB_URING_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
		  "IORING_SETUP_DEFER_TASKRUN", "6.1" },
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct io_uring_params params = { .flags = flags[i].flags };
		struct io_uring ring;
		int ret;

		if (!(features & flags[i].feature))
			continue;
		ret = io_uring_queue_init_params(8, &ring, &params);
		if (ret == -EINVAL)
			return missing(reason, len, flags[i].name, flags[i].version, EINVAL);
		if (ret)
			return ret;
		io_uring_queue_exit(&ring);
	}
	return 0;
}

/* Each feature's probe, in the order of the kernels that brought them. */
static int probe_features(unsigned features, char *reason, size_t len)
{
	int ret = probe_setup_flags(features, reason, len);

	if (!ret)
		ret = probe_opcodes(features, reason, len);

	if (!ret && (features & EVB_URING_POLL_MULTI))
		ret = probe_poll_multi(reason, len);
	if (!ret && (features & (EVB_URING_BUF_RING | EVB_URING_RECV_MULTI)))
		ret = probe_recv_multi(features, reason, len);
	if (!ret && (features & EVB_URING_MSG_RING_SYNC))
		ret = probe_msg_ring_sync(reason, len);
	if (!ret && (features & EVB_URING_RECV_BUNDLE))
		ret = probe_bundle(reason, len);
	if (!ret && (features & EVB_URING_BUF_RING_INC))
		ret = probe_buf_inc(reason, len);
	if (ret && ret != -ENOTSUP)
		snprintf(reason, len, "io_uring feature probe: %s", strerror(-ret));
	return ret ? -ENOTSUP : 0;
}

int evb_uring_supported(unsigned features, char *reason, size_t len)
{
	struct io_uring ring;
	int64_t disabled = 0;
	int ret;

	if (evb_read_i64("/proc/sys/kernel/io_uring_disabled", &disabled) == 0 && disabled == 2) {
		snprintf(reason, len, "io_uring disabled (kernel.io_uring_disabled=2)");
		return -ENOTSUP;
	}
	ret = evb_uring_probe_ring(&ring);
	if (ret) {
		snprintf(reason, len, "io_uring_queue_init: %s%s", strerror(-ret),
			 disabled ? " (kernel.io_uring_disabled=1)" : "");
		return -ENOTSUP;
	}
	io_uring_queue_exit(&ring);
	return probe_features(features, reason, len);
}

#else /* !EVB_HAVE_LIBURING */

int evb_uring_describe(char *ops, size_t ops_len, char *features, size_t features_len)
{
	(void)ops_len;
	(void)features_len;
	ops[0] = features[0] = '\0';
	return -ENOTSUP;
}

int evb_uring_supported(unsigned features, char *reason, size_t len)
{
	(void)features;
	snprintf(reason, len, "built without liburing (install liburing-dev and rebuild)");
	return -ENOTSUP;
}

#endif
