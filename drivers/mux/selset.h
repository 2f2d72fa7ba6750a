/*
 * selset.h - what select and pselect share: the registered set as a bitmap
 * of fd numbers, copied into a working bitmap before every call (the kernel
 * overwrites what it is given), and the scan of the result for set bits.
 *
 * Two kinds of bitmap:
 *   fixed   a glibc fd_set: FD_SETSIZE (1024) bits, all 128 bytes copied
 *           per call as Redis's ae_select.c does; any fd >= FD_SETSIZE is
 *           refused (FD_SET on it would write past the set)
 *   big     heap words sized to the highest registered fd, laid out as the
 *           kernel reads an fd_set (bit fd % 64 of word fd / 64); only
 *           those words are copied.  select() takes any nfds with it.
 * A mechanism file gives the system call.
 */
#ifndef MUX_SELSET_H
#define MUX_SELSET_H

#include <signal.h>
#include <stdint.h>
#include <sys/select.h>

#include "mux.h"

/*
 * The call itself: readfds holds nfds bits; timeout_ns 0 or > 0; mask is
 * the calling thread's signal mask, for the calls that install one.
 */
typedef int (*selset_call_fn)(int nfds, fd_set *readfds, int64_t timeout_ns,
			      const sigset_t *mask);

/* Is cfg's highest fd within a fixed fd_set?  0 or -ENOTSUP with a reason. */
int selset_fits_fixed(const struct mux_cfg *cfg, const char *mech, char *reason, size_t len);

int selset_setup(struct mux_ctx *ctx, int fixed, selset_call_fn call);
int selset_add(struct mux_ctx *ctx);
int selset_del(struct mux_ctx *ctx);
int64_t selset_wait(struct mux_ctx *ctx, int64_t timeout_ns, struct mux_ready *ready);
void selset_teardown(struct mux_ctx *ctx);

#endif
