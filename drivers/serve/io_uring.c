/* io_uring.c - placeholder. */
#include "serve.h"

const struct serve_ops serve_io_uring_ops = { .base = { .name = "io_uring", .summary = "not built yet" } };
