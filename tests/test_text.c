/*
 * test_text.c - evb_text: which characters may be shown.  Printable ASCII
 * and valid UTF-8 from U+00A0 up are kept; C0, DEL, C1 (as UTF-8 and as raw
 * bytes), overlong forms, surrogates and stray bytes are not; a sequence
 * cut at the end of a buffer is "wait for more", and the filter on stdout
 * joins a character split across two writes.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "evb_text.h"
#include "testutil.h"

static size_t char_of(const char *text, bool *shown)
{
	return evb_text_char(text, strlen(text), shown);
}

START_TEST(characters)
{
	static const struct {
		const char *text;
		size_t len;
		bool shown;
	} cases[] = {
		{ "a", 1, true },           { " ", 1, true },          { "~", 1, true },
		{ "\t", 1, false },         { "\033", 1, false },      { "\x7f", 1, false },
		{ "\xc2\xa0", 2, true },    { "\xc3\xa9", 2, true },   { "\xe2\x80\xa6", 3, true },
		{ "\xf0\x9f\x98\x80", 4, true },
		{ "\xc2\x80", 2, false },   { "\xc2\x9b", 2, false },  { "\xc2\x9f", 2, false },
		{ "\x9b", 1, false },       { "\x80", 1, false },      { "\xc0\xaf", 1, false },
		{ "\xe0\x80\xaf", 1, false }, { "\xed\xa0\x80", 1, false },
		{ "\xf4\x90\x80\x80", 1, false }, { "\xff", 1, false }, { "\xc3(", 1, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool shown = !cases[i].shown;

		ck_assert_msg(char_of(cases[i].text, &shown) == cases[i].len &&
			      shown == cases[i].shown, "case %zu", i);
	}
	bool shown;

	ck_assert_uint_eq(evb_text_char("\xe2\x80", 2, &shown), 0);   /* more may come */
	ck_assert_uint_eq(evb_text_char("\xf0", 1, &shown), 0);
}
END_TEST

START_TEST(printable_in_place)
{
	char text[] = "h\033]0;x\007\xc2\x9b\x9b" "caf\xc3\xa9\n\t\xe2\x80";

	evb_printable(text);
	ck_assert_str_eq(text, "h?]0;x???caf\xc3\xa9????");
}
END_TEST

/* What the filtered stdout of a child that writes pieces lets through. */
START_TEST(stdout_filtered)
{
	static const char *const pieces[] = { "caf\xc3", "\xa9 \xc2", "\x9b x\033[1m\n\t\x7f",
					      "\xe2\x80", "\xa6 \xe2", NULL };
	char got[256];
	size_t len = 0;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (dup2(fds[1], STDOUT_FILENO) < 0 || evb_printable_stdio())
			_exit(1);
		for (size_t i = 0; pieces[i]; i++) {
			fputs(pieces[i], stdout);
			fflush(stdout);   /* each piece one write: sequences split */
		}
		_exit(fclose(stdout) ? 1 : 0);
	}
	close(fds[1]);
	while ((n = read(fds[0], got + len, sizeof(got) - 1 - len)) > 0)
		len += (size_t)n;
	got[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* U+009B split across writes is one '?'; the '\xe2' cut off at close one. */
	ck_assert_str_eq(got, "caf\xc3\xa9 ? x?[1m\n\t?\xe2\x80\xa6 ?");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("printable");

	tcase_add_test(tc, characters);
	tcase_add_test(tc, printable_in_place);
	tcase_add_test(tc, stdout_filtered);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
