/* evb_slab.c - slab cache sizes from /proc/slabinfo; see evb_slab.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "evb_sb.h"
#include "evb_slab.h"

int64_t evb_slab_bytes(const char *path, const char *const *caches, char *missing,
		       size_t missing_len)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int64_t total = 0;
	unsigned found_mask = 0;
	struct evb_sb sb;
	int i;

	evb_sb_init(&sb, missing, missing_len);
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		long long active_objs, num_objs, objsize;

		if (sscanf(line, "%127s %lld %lld %lld", name, &active_objs, &num_objs,
			   &objsize) != 4)
			continue;   /* the version and header lines */
		for (i = 0; caches[i] && i < 32; i++) {
			if (strcmp(name, caches[i]) == 0) {
				total += active_objs * objsize;
				found_mask |= 1u << i;
			}
		}
	}
	fclose(f);
	for (i = 0; caches[i] && i < 32; i++)
		if (!(found_mask & (1u << i)))
			evb_sb_printf(&sb, "%s%s", sb.used ? ", " : "", caches[i]);
	return found_mask ? total : -ENODATA;
}
