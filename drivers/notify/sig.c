/* sig.c - signal choice, blocking and sending for the signal mechanisms. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sig.h"

const char *const sig_variants[] = { "std", "rt", NULL };

int sig_chan_setup(struct notify_ctx *ctx, struct sig_chan *chan)
{
	chan->rt = strcmp(ctx->cfg->variant, "rt") == 0;
	chan->signo = chan->rt ? SIGRTMIN : SIGUSR1;
	sigemptyset(&chan->set);
	sigaddset(&chan->set, chan->signo);
	if (sigprocmask(SIG_BLOCK, &chan->set, &chan->unblocked))
		return -errno;
	sigdelset(&chan->unblocked, chan->signo);
	return 0;
}

int sig_setup(struct notify_ctx *ctx)
{
	struct sig_chan *chan = calloc(1, sizeof(*chan));
	int ret;

	if (!chan)
		return -ENOMEM;
	ret = sig_chan_setup(ctx, chan);
	if (ret) {
		free(chan);
		return ret;
	}
	ctx->priv = chan;
	return 0;
}

void sig_teardown(struct notify_ctx *ctx)
{
	free(ctx->priv);
}

int sig_notify(struct notify_ctx *ctx, enum notify_side from)
{
	const struct sig_chan *chan = ctx->priv;
	enum notify_side to = !from;
	pid_t pid = ctx->ids->pid[to];
	int ret;

	if (ctx->cfg->ipc == EVB_IPC_PROCESS) {
		union sigval value = { .sival_int = 0 };

		ret = chan->rt ? sigqueue(pid, chan->signo, value) : kill(pid, chan->signo);
	} else if (chan->rt) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		info.si_signo = chan->signo;
		info.si_code = SI_QUEUE;
		info.si_pid = ctx->ids->pid[from];
		info.si_uid = getuid();
		ret = (int)syscall(SYS_rt_tgsigqueueinfo, pid, ctx->ids->tid[to], chan->signo,
				   &info);
	} else {
		ret = (int)syscall(SYS_tgkill, pid, ctx->ids->tid[to], chan->signo);
	}
	return ret ? -errno : 0;
}
