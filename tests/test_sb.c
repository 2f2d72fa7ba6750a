/*
 * test_sb.c - evb_sb, the bounded string builder: text that fits is kept
 * whole; text that does not is cut at a character boundary and ends in the
 * mark, the buffer stays terminated and nothing is written past it.
 */
#include <string.h>

#include "evb_sb.h"
#include "testutil.h"

START_TEST(fits_whole)
{
	char buf[32];
	struct evb_sb sb;

	evb_sb_init(&sb, buf, sizeof(buf));
	evb_sb_puts(&sb, "a");
	evb_sb_printf(&sb, "/%d/%s", 42, "b");
	evb_sb_putc(&sb, '!');
	ck_assert_str_eq(buf, "a/42/b!");
	ck_assert_uint_eq(sb.used, 7);
	ck_assert(!sb.truncated);
	evb_sb_resume(&sb, buf, sizeof(buf));
	evb_sb_puts(&sb, " more");
	ck_assert_str_eq(buf, "a/42/b! more");
}
END_TEST

START_TEST(cut_with_mark)
{
	char buf[16 + 8];
	struct evb_sb sb;

	memset(buf, 'Z', sizeof(buf));
	evb_sb_init(&sb, buf, 16);
	evb_sb_printf(&sb, "%.0f", 1e300);
	ck_assert(sb.truncated);
	ck_assert_uint_eq(strlen(buf), 15);
	ck_assert_uint_eq(sb.used, 15);
	ck_assert_str_eq(buf + 12, EVB_SB_MARK);
	for (size_t i = 16; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 'Z');
	evb_sb_puts(&sb, "later");   /* a cut text takes nothing more */
	evb_sb_printf(&sb, "%d", 1);
	ck_assert_uint_eq(strlen(buf), 15);
	ck_assert_str_eq(buf + 12, EVB_SB_MARK);
}
END_TEST

START_TEST(one_piece)
{
	char buf[8];

	ck_assert(!evb_sb_fmt(buf, sizeof(buf), "%d ns", 12));
	ck_assert_str_eq(buf, "12 ns");
	ck_assert(evb_sb_fmt(buf, sizeof(buf), "%.0f", -1e308));
	ck_assert_str_eq(buf, "-100...");
}
END_TEST

START_TEST(cut_at_character)
{
	char buf[8];
	struct evb_sb sb;

	/* "ab" then two 3-byte characters: the second does not fit beside the mark. */
	evb_sb_init(&sb, buf, sizeof(buf));
	evb_sb_puts(&sb, "ab\xe2\x80\xa6\xe2\x80\xa6");
	ck_assert(sb.truncated);
	ck_assert_str_eq(buf, "ab...");
}
END_TEST

START_TEST(tiny_buffers)
{
	char buf[3] = "xy";
	struct evb_sb sb;

	evb_sb_init(&sb, buf, 0);
	evb_sb_puts(&sb, "");
	ck_assert(!sb.truncated);
	evb_sb_puts(&sb, "a");
	ck_assert(sb.truncated);
	ck_assert_str_eq(buf, "xy");   /* a zero-length buffer is never touched */
	evb_sb_init(&sb, buf, 1);
	evb_sb_printf(&sb, "%s", "abc");
	ck_assert(sb.truncated);
	ck_assert_str_eq(buf, "");
	evb_sb_init(&sb, buf, 3);
	evb_sb_puts(&sb, "abcdef");
	ck_assert_str_eq(buf, "..");
	/* Resuming a buffer that holds no terminator cuts it. */
	memset(buf, 'q', sizeof(buf));
	evb_sb_resume(&sb, buf, sizeof(buf));
	ck_assert(sb.truncated);
	ck_assert_uint_eq(strlen(buf), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sb");
	TCase *tc = tcase_create("builder");

	tcase_add_test(tc, fits_whole);
	tcase_add_test(tc, cut_with_mark);
	tcase_add_test(tc, one_piece);
	tcase_add_test(tc, cut_at_character);
	tcase_add_test(tc, tiny_buffers);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
