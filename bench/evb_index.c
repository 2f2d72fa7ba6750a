/* evb_index.c - string keys to items, a growing hash table; see evb_index.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "evb_index.h"
#include "evb_sys.h"

#define INDEX_FIRST_CAP 64

/* The slot holding key, or the empty one where it would go. */
static struct evb_index_slot *slot_of(struct evb_index_slot *slots, size_t cap, const char *key)
{
	size_t i = evb_str_hash(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *evb_index_get(const struct evb_index *ix, const char *key)
{
	if (!ix->cap)
		return NULL;
	return slot_of(ix->slots, ix->cap, key)->item;
}

static int grow(struct evb_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : INDEX_FIRST_CAP;
	struct evb_index_slot *slots = calloc(cap, sizeof(*slots));

	if (!slots || cap < ix->cap) {
		free(slots);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slots[i].key)
			*slot_of(slots, cap, ix->slots[i].key) = ix->slots[i];
	free(ix->slots);
	ix->slots = slots;
	ix->cap = cap;
	return 0;
}

int evb_index_put(struct evb_index *ix, const char *key, void *item)
{
	struct evb_index_slot *slot;

	if ((ix->n + 1) * 2 > ix->cap && grow(ix))
		return -ENOMEM;
	slot = slot_of(ix->slots, ix->cap, key);
	slot->key = key;
	slot->item = item;
	ix->n++;
	return 0;
}

void evb_index_free(struct evb_index *ix)
{
	free(ix->slots);
	memset(ix, 0, sizeof(*ix));
}
