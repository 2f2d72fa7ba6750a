/* evb_slab.c - slab cache sizes from /proc/slabinfo; see evb_slab.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "evb_slab.h"

int64_t evb_slab_bytes(const char *path, const char *const *caches, char *missing,
		       size_t missing_len)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int64_t total = 0;
	unsigned found_mask = 0;
	int i;

	if (missing_len)
		missing[0] = '\0';
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
	for (i = 0; caches[i] && i < 32; i++) {
		size_t used = strlen(missing);

		if (!(found_mask & (1u << i)) && used < missing_len)
			snprintf(missing + used, missing_len - used, "%s%s", used ? ", " : "",
				 caches[i]);
	}
	return found_mask ? total : -ENODATA;
}
