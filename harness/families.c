/*
 * families.c - the families evbench knows, in run order: the list of
 * families.cmake (EVB_FAMILIES, generated into evb_families.h).  Each
 * family defines its own <family>_family in family_<family>.c.
 */
#include <stddef.h>

#include "family.h"
#include "plan.h"

#define ENTRY(f) &f##_family,
const struct harness_family *const harness_families[] = { EVB_FAMILIES(ENTRY) };
#undef ENTRY

const size_t harness_nfamilies = sizeof(harness_families) / sizeof(harness_families[0]);
