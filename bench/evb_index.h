/*
 * evb_index.h - string keys to items: a hash table that grows with what it
 * holds (open addressing, linear probing, at most half full), so a lookup
 * costs the same with 10 cells or 10 million.  The harness's cell tables
 * (summary, compare) key on cell labels read from run directories.
 */
#ifndef EVB_INDEX_H
#define EVB_INDEX_H

#include <stddef.h>

struct evb_index_slot {
	const char *key;    /* NULL: empty */
	void *item;
};

struct evb_index {
	struct evb_index_slot *slots;
	size_t cap;         /* 0 or a power of two */
	size_t n;
};

/* key's item, or NULL. */
void *evb_index_get(const struct evb_index *ix, const char *key);
/*
 * Add key (not yet in ix) with item.  key is not copied: it must live as
 * long as ix (the item's own copy, typically).  0 or -ENOMEM.
 */
int evb_index_put(struct evb_index *ix, const char *key, void *item);
void evb_index_free(struct evb_index *ix);

#endif
