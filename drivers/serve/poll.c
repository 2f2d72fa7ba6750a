/* poll.c - placeholder. */
#include "serve.h"

const struct serve_ops serve_poll_ops = { .base = { .name = "poll", .summary = "not built yet" } };
