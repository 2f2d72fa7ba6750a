/* select.c - placeholder. */
#include "serve.h"

const struct serve_ops serve_select_ops = { .base = { .name = "select", .summary = "not built yet" } };
