/*
 * evb_cli.h - strict parsing of command-line values, and the usage exit.
 *
 * Numbers go through strtoll with an end check and a range; never atoi.
 * Suffixes, where a caller allows them:
 *   EVB_UNIT_COUNT  k, M, G        (x1000, x1000000, x1000000000)
 *   EVB_UNIT_TIME   ns, us, ms, s  (result in nanoseconds; bare = ns)
 */
#ifndef EVB_CLI_H
#define EVB_CLI_H

#include <stdint.h>
#include <stdnoreturn.h>

enum evb_unit {
	EVB_UNIT_NONE,
	EVB_UNIT_COUNT,
	EVB_UNIT_TIME,
};

/* 0, -EINVAL (not a number, bad suffix) or -ERANGE (outside [min, max]). */
int evb_parse_i64(const char *text, enum evb_unit unit, int64_t min, int64_t max,
		  int64_t *out);

/* Index of text in the NULL-terminated words, or -EINVAL. */
int evb_parse_word(const char *text, const char *const *words);

/*
 * Parse a number for option `opt` or exit 2 with a message naming the option,
 * the value and the accepted range.
 */
int64_t evb_opt_i64(const char *prog, const char *opt, const char *text,
		    enum evb_unit unit, int64_t min, int64_t max);
/* Match one of words for option `opt` or exit 2 listing the choices. */
/* A percentage from 0 to max (strtod, the whole text), or exit 2 naming
 * the option and the value. */
double evb_opt_pct(const char *prog, const char *opt, const char *text, double max);
int evb_opt_word(const char *prog, const char *opt, const char *text,
		 const char *const *words);

/* "prog: <message>\nTry 'prog --help'." on stderr, exit 2. */
noreturn void evb_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "prog: what: strerror(errno)" on stderr, exit 1. */
noreturn void evb_die_errno(const char *prog, const char *what);
/* "prog: <message>" on stderr, exit 1. */
noreturn void evb_die(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
