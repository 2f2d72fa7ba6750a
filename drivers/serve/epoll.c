/* epoll.c - placeholder. */
#include "serve.h"

const struct serve_ops serve_epoll_ops = { .base = { .name = "epoll", .summary = "not built yet" } };
