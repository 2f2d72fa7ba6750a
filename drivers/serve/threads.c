/* threads.c - placeholder. */
#include "serve.h"

const struct serve_ops serve_threads_ops = { .base = { .name = "threads", .summary = "not built yet" } };
