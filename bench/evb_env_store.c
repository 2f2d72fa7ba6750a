/*
 * evb_env_store.c - env.csv's key/value store and its writer; what goes in
 * it is captured by evb_env.c (see evb_env.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_csv.h"
#include "evb_env.h"

int evb_env_set(struct evb_env *env, const char *key, const char *fmt, ...)
{
	char *value;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		value = NULL;
	va_end(ap);
	if (!value)
		return -ENOMEM;

	for (size_t i = 0; i < env->count; i++) {
		if (strcmp(env->entries[i].key, key) == 0) {
			free(env->entries[i].value);
			env->entries[i].value = value;
			return 0;
		}
	}
	if (env->count == env->cap) {
		size_t cap = env->cap ? env->cap * 2 : 64;
		struct evb_env_entry *entries = realloc(env->entries, cap * sizeof(*entries));

		if (!entries) {
			free(value);
			return -ENOMEM;
		}
		env->entries = entries;
		env->cap = cap;
	}
	env->entries[env->count].key = strdup(key);
	env->entries[env->count].value = value;
	if (!env->entries[env->count].key) {
		free(value);
		return -ENOMEM;
	}
	env->count++;
	return 0;
}

int evb_env_warn(struct evb_env *env, const char *fmt, ...)
{
	char *text, **warnings;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return -ENOMEM;
	warnings = realloc(env->warnings, (env->nwarnings + 1) * sizeof(*warnings));
	if (!warnings) {
		free(text);
		return -ENOMEM;
	}
	env->warnings = warnings;
	env->warnings[env->nwarnings++] = text;
	return 0;
}

const char *evb_env_get(const struct evb_env *env, const char *key)
{
	for (size_t i = 0; i < env->count; i++)
		if (strcmp(env->entries[i].key, key) == 0)
			return env->entries[i].value;
	return NULL;
}

void evb_env_free(struct evb_env *env)
{
	for (size_t i = 0; i < env->count; i++) {
		free(env->entries[i].key);
		free(env->entries[i].value);
	}
	for (size_t i = 0; i < env->nwarnings; i++)
		free(env->warnings[i]);
	free(env->entries);
	free(env->warnings);
	memset(env, 0, sizeof(*env));
}

int evb_env_write_csv(const struct evb_env *env, FILE *out)
{
	fprintf(out, "key,value\n");
	for (size_t i = 0; i < env->count; i++) {
		evb_csv_field(out, env->entries[i].key);
		fputc(',', out);
		evb_csv_field(out, env->entries[i].value);
		fputc('\n', out);
	}
	for (size_t i = 0; i < env->nwarnings; i++) {
		fprintf(out, "warning_%zu,", i + 1);
		evb_csv_field(out, env->warnings[i]);
		fputc('\n', out);
	}
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
