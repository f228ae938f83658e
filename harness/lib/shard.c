/*
 * shard.c - which shard a scenario belongs to (see shard.h).
 */
#include <stdint.h>
#include "smtpconf/shard.h"

/*
 * sc_shard_of - FNV-1a (64-bit) of the id, modulo n.  FNV-1a is fixed
 * by its published constants, so the split is the same on every
 * machine, compiler and version of smtpconf.
 */
unsigned sc_shard_of(const char *id, unsigned n)
{
	uint64_t h = 14695981039346656037ULL;
	const unsigned char *p = (const unsigned char *)id;

	if (n <= 1)
		return 0;
	while (*p) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	return (unsigned)(h % n);
}
