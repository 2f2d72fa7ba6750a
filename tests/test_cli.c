/* test_cli.c - strict number parsing and word matching. */
#include <errno.h>

#include "evb_cli.h"
#include "testutil.h"

START_TEST(accepts_numbers_and_suffixes)
{
	int64_t v;

	ck_assert_int_eq(evb_parse_i64("42", EVB_UNIT_NONE, 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(evb_parse_i64("10k", EVB_UNIT_COUNT, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 10000);
	ck_assert_int_eq(evb_parse_i64("2M", EVB_UNIT_COUNT, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 2000000);
	ck_assert_int_eq(evb_parse_i64("1ms", EVB_UNIT_TIME, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 1000000);
	ck_assert_int_eq(evb_parse_i64("100us", EVB_UNIT_TIME, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 100000);
	ck_assert_int_eq(evb_parse_i64("3s", EVB_UNIT_TIME, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 3000000000LL);
	ck_assert_int_eq(evb_parse_i64("250", EVB_UNIT_TIME, 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 250);
}
END_TEST

START_TEST(rejects_garbage)
{
	int64_t v;

	ck_assert_int_eq(evb_parse_i64("12abc", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64(" 5", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("5 ", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("abc", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("10k", EVB_UNIT_NONE, 0, INT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("10ms", EVB_UNIT_COUNT, 0, INT64_MAX, &v), -EINVAL);
	ck_assert_int_eq(evb_parse_i64("1.5", EVB_UNIT_NONE, 0, 100, &v), -EINVAL);
}
END_TEST

START_TEST(rejects_out_of_range_and_overflow)
{
	int64_t v;

	ck_assert_int_eq(evb_parse_i64("-1", EVB_UNIT_NONE, 0, 100, &v), -ERANGE);
	ck_assert_int_eq(evb_parse_i64("101", EVB_UNIT_NONE, 0, 100, &v), -ERANGE);
	ck_assert_int_eq(evb_parse_i64("99999999999999999999", EVB_UNIT_NONE, 0, INT64_MAX, &v),
			 -ERANGE);
	ck_assert_int_eq(evb_parse_i64("9223372036854775807k", EVB_UNIT_COUNT, 0, INT64_MAX, &v),
			 -ERANGE);
	ck_assert_int_eq(evb_parse_i64("10000000000s", EVB_UNIT_TIME, 0, INT64_MAX, &v), -ERANGE);
}
END_TEST

START_TEST(word_matching)
{
	static const char *const words[] = { "same-cpu", "cross-cpu", "free", NULL };

	ck_assert_int_eq(evb_parse_word("free", words), 2);
	ck_assert_int_eq(evb_parse_word("Free", words), -EINVAL);
	ck_assert_int_eq(evb_parse_word(NULL, words), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, accepts_numbers_and_suffixes);
	tcase_add_test(tc, rejects_garbage);
	tcase_add_test(tc, rejects_out_of_range_and_overflow);
	tcase_add_test(tc, word_matching);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
