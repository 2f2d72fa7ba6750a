/*
 * evb_slab.h - kernel slab memory by cache name, from /proc/slabinfo (root
 * only): what mux register and evb-serve read before and after making
 * descriptors, for the kernel memory each one holds.
 */
#ifndef EVB_SLAB_H
#define EVB_SLAB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bytes the caches (NULL-terminated names) hold now, summed as active
 * objects x object size, from path (/proc/slabinfo, or a test's copy).
 * -errno when it cannot be read, -ENODATA when none of the caches is
 * listed; the names not listed (merged into another cache by SLUB) go to
 * missing, comma-separated ("" when all are).
 */
int64_t evb_slab_bytes(const char *path, const char *const *caches, char *missing,
		       size_t missing_len);

#endif
