/*
 * evb_env.h - what the machine was while it was measured.
 *
 * Captures every environment key docs/methodology.md's env.csv row lists that this
 * machine exposes; a key it does not expose is still written, as "unavailable", so a
 * reader sees the hole.  Warnings name what skews results (a governor that
 * is not "performance", load, a VM, a debug kernel, a clocksource that is
 * not tsc).  Nothing here changes the machine.
 */
#ifndef EVB_ENV_H
#define EVB_ENV_H

#include <stddef.h>
#include <stdio.h>

#define EVB_ENV_UNAVAILABLE "unavailable"

struct evb_env_entry {
	char *key;
	char *value;
};

struct evb_env {
	struct evb_env_entry *entries;
	size_t count;
	size_t cap;
	char **warnings;
	size_t nwarnings;
};

/* Read the machine.  0 or -ENOMEM. */
int evb_env_capture(struct evb_env *env);
void evb_env_free(struct evb_env *env);

/* Add or replace a key (the harness adds its own: run options, tuning). */
int evb_env_set(struct evb_env *env, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int evb_env_warn(struct evb_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Value of key, or NULL. */
const char *evb_env_get(const struct evb_env *env, const char *key);

/* key,value CSV; warnings as warning_1, warning_2, ... 0 or -errno. */
int evb_env_write_csv(const struct evb_env *env, FILE *out);

#endif
