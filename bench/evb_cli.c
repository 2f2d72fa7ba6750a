/* evb_cli.c - strict number and word parsing; see evb_cli.h. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_cli.h"
#include "evb_sb.h"

struct suffix {
	const char *text;
	int64_t scale;
};

static const struct suffix count_suffixes[] = {
	{ "", 1 }, { "k", 1000LL }, { "M", 1000000LL }, { "G", 1000000000LL }, { NULL, 0 },
};

static const struct suffix time_suffixes[] = {
	{ "", 1 }, { "ns", 1 }, { "us", 1000LL }, { "ms", 1000000LL },
	{ "s", 1000000000LL }, { NULL, 0 },
};

int evb_parse_i64(const char *text, enum evb_unit unit, int64_t min, int64_t max,
		  int64_t *out)
{
	const struct suffix *suffixes = unit == EVB_UNIT_COUNT ? count_suffixes
				      : unit == EVB_UNIT_TIME ? time_suffixes : NULL;
	char *end;
	long long value;

	if (!text || !*text || isspace((unsigned char)*text))
		return -EINVAL;
	errno = 0;
	value = strtoll(text, &end, 10);
	if (end == text)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;

	int64_t scale = 1;

	if (*end) {
		const struct suffix *s = suffixes;

		while (s && s->text && strcmp(s->text, end) != 0)
			s++;
		if (!s || !s->text)
			return -EINVAL;
		scale = s->scale;
	}
	if (value > 0 && value > INT64_MAX / scale)
		return -ERANGE;
	if (value < 0 && value < INT64_MIN / scale)
		return -ERANGE;
	value *= scale;
	if (value < min || value > max)
		return -ERANGE;
	*out = value;
	return 0;
}

int evb_parse_word(const char *text, const char *const *words)
{
	for (int i = 0; text && words[i]; i++)
		if (strcmp(text, words[i]) == 0)
			return i;
	return -EINVAL;
}

static const char *unit_hint(enum evb_unit unit)
{
	switch (unit) {
	case EVB_UNIT_COUNT:
		return " (suffix k, M or G allowed)";
	case EVB_UNIT_TIME:
		return " (nanoseconds; suffix ns, us, ms or s allowed)";
	default:
		return "";
	}
}

double evb_opt_pct(const char *prog, const char *opt, const char *text, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end || errno || !(v >= 0.0 && v <= max))
		evb_usage_error(prog, "%s '%s': expected a percentage from 0 to %g", opt, text,
				max);
	return v;
}

int64_t evb_opt_i64(const char *prog, const char *opt, const char *text,
		    enum evb_unit unit, int64_t min, int64_t max)
{
	int64_t value;
	int ret = evb_parse_i64(text, unit, min, max, &value);

	if (ret == -ERANGE)
		evb_usage_error(prog, "%s '%s' is out of range [%lld, %lld]%s", opt, text,
				(long long)min, (long long)max, unit_hint(unit));
	if (ret)
		evb_usage_error(prog, "%s '%s' is not a whole number%s", opt, text,
				unit_hint(unit));
	return value;
}

int evb_opt_word(const char *prog, const char *opt, const char *text,
		 const char *const *words)
{
	int index = evb_parse_word(text, words);

	if (index < 0) {
		char choices[512];
		struct evb_sb sb;

		evb_sb_init(&sb, choices, sizeof(choices));
		for (int i = 0; words[i]; i++)
			evb_sb_printf(&sb, "%s%s", i ? ", " : "", words[i]);
		evb_usage_error(prog, "%s '%s' is not one of: %s", opt, text ? text : "",
				choices);
	}
	return index;
}

void evb_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	exit(2);
}

void evb_die_errno(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

void evb_die(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
