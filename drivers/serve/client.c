/* client.c - placeholder until the load generator lands. */
#include <errno.h>

#include "serve.h"

int serve_client_run(const struct serve_cfg *cfg, struct serve_shared *sh)
{
	(void)cfg;
	(void)sh;
	return -ENOSYS;
}
