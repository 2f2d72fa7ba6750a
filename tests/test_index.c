/* test_index.c - the growing string-keyed table of bench/evb_index.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evb_index.h"
#include "testutil.h"

/* 100,000 keys (the 4,096 fixed buckets it replaces held ~25 a chain):
 * every key found with its item, none that was not put, the table at most
 * half full. */
START_TEST(index_grows_and_finds_every_key)
{
	enum { N = 100000 };
	struct evb_index ix = { 0 };
	char(*keys)[24] = malloc(N * sizeof(*keys));

	ck_assert_ptr_nonnull(keys);
	ck_assert_ptr_null(evb_index_get(&ix, "none"));
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "notify/cell-%zu", i);
		ck_assert_int_eq(evb_index_put(&ix, keys[i], &keys[i]), 0);
	}
	ck_assert_uint_eq(ix.n, N);
	ck_assert_uint_ge(ix.cap, 2 * N);
	for (size_t i = 0; i < N; i++)
		ck_assert_ptr_eq(evb_index_get(&ix, keys[i]), &keys[i]);
	ck_assert_ptr_null(evb_index_get(&ix, "notify/cell-100000"));
	ck_assert_ptr_null(evb_index_get(&ix, ""));
	evb_index_free(&ix);
	ck_assert_ptr_null(evb_index_get(&ix, keys[0]));
	free(keys);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("index");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, index_grows_and_finds_every_key);
	suite_add_tcase(s, tc);
	return tu_main(s);
}
